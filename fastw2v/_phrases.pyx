"""Phrase detection's compiled core, over int32 word ids: the unigram and pair counts of a
text stream (:class:`PairCounts`) and the pairs that score as phrases, the phrases as a table
of (first word, connector run, last word) (:class:`PhraseTable`) and the phrased text, as
lists of str (:meth:`PhraseTable.join_tokens`) or as bytes (:func:`render`).

A pair is two consecutive non-connector words with the connector words between them (their
*run*; run 0 is none): gensim's Phrases counts ``a_of_the_b`` so. Runs are numbered in a
:class:`RunSet`. Every loop over the stream runs without the GIL.
"""
from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcmp, memcpy
from libc.math cimport INFINITY, log

cimport numpy as cnp
import numpy as np

cnp.import_array()

cdef extern from *:
    """
    #define INT64_MIN_VALUE INT64_MIN
    /* a * b as a double, rounded once (as Python's float(a * b) of exact integers) */
    static inline double fw2v_product(int64_t a, int64_t b) {
        return (double)((__int128)a * (__int128)b);
    }
    """
    int64_t INT64_MIN "INT64_MIN_VALUE"
    double fw2v_product(int64_t a, int64_t b) nogil
    void __builtin_prefetch(const void* address) nogil


# A table slot: the key (a, run, b) and its value (a count, or a phrase's index); a == -1
# marks an empty slot.
cdef struct Slot:
    int32_t a
    int32_t b
    int32_t run
    int32_t unused
    int64_t value

cdef struct Table:
    Slot* slots
    int64_t mask    # capacity - 1 (the capacity is a power of two)
    int64_t used

# Pairs ahead whose slot the counting loop prefetches (random reads of a table of 100s of MB)
cdef int64_t PREFETCH_AHEAD = 12

# The largest load before the table doubles: short probe sequences, and 24 bytes a slot.
cdef double MAX_LOAD = 0.6


cdef inline uint64_t mix(uint64_t h) noexcept nogil:
    """splitmix64's finalizer: every input bit moves every output bit."""
    h ^= h >> 30
    h *= <uint64_t>0xBF58476D1CE4E5B9
    h ^= h >> 27
    h *= <uint64_t>0x94D049BB133111EB
    return h ^ (h >> 31)


cdef inline uint64_t key_hash(int32_t a, int32_t run, int32_t b) noexcept nogil:
    return mix(((<uint64_t><uint32_t>a) << 32 | <uint32_t>b)
               ^ (<uint64_t><uint32_t>run * <uint64_t>0x9E3779B97F4A7C15))


cdef int table_init(Table* t, int64_t capacity) noexcept nogil:
    """An empty table of ``capacity`` slots (a power of two); -1 when out of memory."""
    cdef int64_t i
    t.slots = <Slot*>malloc(capacity * sizeof(Slot))
    if t.slots == NULL:
        return -1
    for i in range(capacity):
        t.slots[i].a = -1
    t.mask = capacity - 1
    t.used = 0
    return 0


cdef inline Slot* table_slot(Table* t, int32_t a, int32_t run, int32_t b) noexcept nogil:
    """The slot of key (a, run, b): its own, or the empty slot where it would go."""
    cdef uint64_t i = key_hash(a, run, b) & t.mask
    cdef Slot* s
    while True:
        s = &t.slots[i]
        if s.a == -1 or (s.a == a and s.b == b and s.run == run):
            return s
        i = (i + 1) & t.mask


cdef int table_rebuild(Table* t, int64_t capacity, int64_t min_value) noexcept nogil:
    """Moves the slots of value >= min_value into a new table of ``capacity`` slots (the
    others are dropped); -1 when out of memory (the table is left as it was)."""
    cdef Table fresh
    cdef int64_t i
    cdef Slot* old
    cdef Slot* s
    if table_init(&fresh, capacity) < 0:
        return -1
    for i in range(t.mask + 1):
        old = &t.slots[i]
        if old.a != -1 and old.value >= min_value:
            s = table_slot(&fresh, old.a, old.run, old.b)
            s[0] = old[0]
            fresh.used += 1
    free(t.slots)
    t[0] = fresh
    return 0


cdef inline int table_add(Table* t, int32_t a, int32_t run, int32_t b,
                          int64_t value) noexcept nogil:
    """Adds ``value`` to key (a, run, b), inserting it (doubling the table when it is full):
    1 for a new key, 0 for one already there, -1 when out of memory."""
    cdef Slot* s = table_slot(t, a, run, b)
    if s.a != -1:
        s.value += value
        return 0
    if t.used + 1 > MAX_LOAD * (t.mask + 1):
        if table_rebuild(t, 2 * (t.mask + 1), INT64_MIN) < 0:
            return -1
        s = table_slot(t, a, run, b)
    s.a, s.run, s.b, s.value = a, run, b, value
    t.used += 1
    return 1


cdef struct RunSet:
    # run r >= 1 is ids[starts[r - 1]:starts[r]]; run 0 is the empty run
    int32_t* ids
    int64_t n_ids, cap_ids
    int64_t* starts
    int64_t n_runs, cap_runs     # n_runs counts run 0
    int32_t* index               # open addressing over run numbers, 0 = empty
    int64_t index_mask


cdef int runs_init(RunSet* r) noexcept nogil:
    r.cap_ids, r.cap_runs, r.index_mask = 64, 16, 31
    r.n_ids, r.n_runs = 0, 1
    r.ids = <int32_t*>malloc(r.cap_ids * sizeof(int32_t))
    r.starts = <int64_t*>malloc(r.cap_runs * sizeof(int64_t))
    r.index = <int32_t*>malloc((r.index_mask + 1) * sizeof(int32_t))
    if r.ids == NULL or r.starts == NULL or r.index == NULL:
        return -1
    r.starts[0] = 0
    cdef int64_t i
    for i in range(r.index_mask + 1):
        r.index[i] = 0
    return 0


cdef void runs_free(RunSet* r) noexcept nogil:
    free(r.ids)
    free(r.starts)
    free(r.index)
    r.ids, r.starts, r.index = NULL, NULL, NULL


cdef inline uint64_t run_hash(const int32_t* seq, int64_t n) noexcept nogil:
    cdef uint64_t h = <uint64_t>n
    cdef int64_t k
    for k in range(n):
        h = mix(h ^ <uint32_t>seq[k])
    return h


cdef int32_t run_number(RunSet* r, const int32_t* seq, int64_t n, bint insert) noexcept nogil:
    """The number of the run ``seq[:n]``; a new one if ``insert``, else -1 when it has none;
    -2 when out of memory."""
    if n == 0:
        return 0
    cdef uint64_t i = run_hash(seq, n) & r.index_mask
    cdef int32_t found
    cdef int64_t start, stop
    cdef int32_t* grown_ids
    cdef int64_t* grown_starts
    while True:
        found = r.index[i]
        if found == 0:
            break
        start, stop = r.starts[found - 1], r.starts[found]
        if stop - start == n and memcmp(r.ids + start, seq, n * sizeof(int32_t)) == 0:
            return found
        i = (i + 1) & r.index_mask
    if not insert:
        return -1
    if r.n_ids + n > r.cap_ids:
        grown_ids = <int32_t*>realloc(r.ids, 2 * (r.n_ids + n) * sizeof(int32_t))
        if grown_ids == NULL:
            return -2
        r.ids, r.cap_ids = grown_ids, 2 * (r.n_ids + n)
    if r.n_runs + 1 > r.cap_runs:
        grown_starts = <int64_t*>realloc(r.starts, 2 * r.cap_runs * sizeof(int64_t))
        if grown_starts == NULL:
            return -2
        r.starts, r.cap_runs = grown_starts, 2 * r.cap_runs
    memcpy(r.ids + r.n_ids, seq, n * sizeof(int32_t))
    r.n_ids += n
    r.starts[r.n_runs] = r.n_ids
    found = <int32_t>r.n_runs
    r.n_runs += 1
    r.index[i] = found
    if 2 * r.n_runs > r.index_mask + 1 and runs_reindex(r) < 0:
        return -2
    return found


cdef int runs_reindex(RunSet* r) noexcept nogil:
    """Doubles the index of a RunSet."""
    cdef int64_t mask = 2 * (r.index_mask + 1) - 1, k
    cdef int32_t run
    cdef uint64_t i
    cdef int32_t* index = <int32_t*>malloc((mask + 1) * sizeof(int32_t))
    if index == NULL:
        return -1
    for k in range(mask + 1):
        index[k] = 0
    for run in range(1, r.n_runs):
        i = run_hash(r.ids + r.starts[run - 1], r.starts[run] - r.starts[run - 1]) & mask
        while index[i] != 0:
            i = (i + 1) & mask
        index[i] = run
    free(r.index)
    r.index, r.index_mask = index, mask
    return 0


cdef list runs_as_tuples(RunSet* r):
    return [()] + [tuple(r.ids[r.starts[k - 1] + j] for j in range(r.starts[k] - r.starts[k - 1]))
                   for k in range(1, r.n_runs)]


cdef int runs_from_tuples(RunSet* r, list runs) except -1:
    """Fills an empty RunSet with ``runs`` (runs[0] must be ()), numbered in that order."""
    if runs and runs[0] != ():
        raise ValueError(f"runs[0] must be the empty run (), got {runs[0]!r}")
    cdef const int32_t[::1] seq
    for k, run in enumerate(runs[1:], 1):
        seq = np.ascontiguousarray(run, dtype=np.int32) if len(run) else np.zeros(1, np.int32)
        if len(run) == 0 or run_number(r, &seq[0], len(run), True) != k:
            raise ValueError(f"runs must be distinct and non-empty after runs[0]: run {k} is "
                             f"{tuple(run)!r}")
    return 0


cdef int64_t check_stream(const int32_t[::1] ids, const int64_t[::1] offsets,
                          const uint8_t[::1] connector, int64_t lowest) except -2:
    """Checks a stream once before a loop indexes by it: offsets from 0 to len(ids), never
    decreasing; ids from ``lowest`` (0 or -1) up, below len(connector). Returns the
    largest id (-1 for none)."""
    cdef int64_t t, i, n = len(ids), low = 0, high = -1
    if len(offsets) == 0 or offsets[0] != 0 or offsets[len(offsets) - 1] != n:
        raise ValueError(f"offsets must run from 0 to len(ids)={n}")
    for t in range(len(offsets) - 1):
        if offsets[t + 1] < offsets[t]:
            raise ValueError("offsets must not decrease")
    for i in range(n):
        low, high = min(low, ids[i]), max(high, ids[i])
    if low < lowest or high >= len(connector):
        raise ValueError(f"ids must lie in [{lowest}, {len(connector)}) (one connector flag "
                         f"per id), got ids from {low} to {high}")
    return high


cdef class PairCounts:
    """Unigram and pair counts of texts of word ids, as gensim's Phrases collects them.

    Every non-connector word counts as a unigram and, after the first non-connector word of
    a text, as the end of a pair with the previous non-connector word and the connector words
    between them; connector words count only inside pairs.

    Parameters
    ----------
    across_texts : bool
        Pair the last word of a text with the first word of the next (word2phrase counts
        bigrams across line ends); texts given to several ``count`` calls are one stream.
    max_entries : int or None
        After a text that leaves more live entries (unigrams and pairs) than this, the
        entries of count below ``min_reduce`` are dropped and ``min_reduce`` rises by one
        (gensim's ``max_vocab_size`` pruning).
    prune_first : int
        The first ``min_reduce`` (gensim: 1; word2phrase, which drops counts <= its
        min_reduce from 1: 2).

    Attributes
    ----------
    total_words : int
        Words counted, connector words included (gensim's ``corpus_word_count``).
    min_reduce, prunings : int
    """
    cdef Table table
    cdef RunSet run_set
    cdef int64_t* unigrams
    cdef int64_t n_unigrams
    cdef int64_t live_unigrams
    cdef public int64_t total_words, min_reduce, prunings
    cdef bint across_texts
    cdef int64_t max_entries
    cdef int32_t prev            # the stream's last non-connector word (-1: none)
    cdef int32_t* pending        # the connector words after it
    cdef int64_t n_pending, cap_pending

    def __cinit__(self):
        self.table.slots = NULL
        self.run_set.ids = NULL
        self.run_set.starts = NULL
        self.run_set.index = NULL
        self.unigrams = NULL
        self.pending = NULL

    def __init__(self, bint across_texts=False, max_entries=None, int64_t prune_first=1):
        if table_init(&self.table, 1024) < 0 or runs_init(&self.run_set) < 0:
            raise MemoryError("PairCounts: out of memory")
        self.across_texts = across_texts
        self.max_entries = -1 if max_entries is None else max_entries
        self.min_reduce = prune_first
        self.prunings = 0
        self.total_words = 0
        self.live_unigrams = 0
        self.n_unigrams = 0
        self.prev = -1
        self.n_pending = 0
        self.cap_pending = 0

    def __dealloc__(self):
        free(self.table.slots)
        runs_free(&self.run_set)
        free(self.unigrams)
        free(self.pending)

    cdef _reserve_unigrams(self, int64_t n):
        if n <= self.n_unigrams:
            return
        cdef int64_t size = max(n, 2 * self.n_unigrams), i
        cdef int64_t* grown = <int64_t*>realloc(self.unigrams, size * sizeof(int64_t))
        if grown == NULL:
            raise MemoryError(f"PairCounts: out of memory for {size} unigram counts")
        for i in range(self.n_unigrams, size):
            grown[i] = 0
        self.unigrams, self.n_unigrams = grown, size

    cdef int _push_pending(self, int32_t w) noexcept nogil:
        cdef int32_t* grown
        if self.n_pending == self.cap_pending:
            grown = <int32_t*>realloc(self.pending, 2 * (self.cap_pending + 8) * sizeof(int32_t))
            if grown == NULL:
                return -1
            self.pending, self.cap_pending = grown, 2 * (self.cap_pending + 8)
        self.pending[self.n_pending] = w
        self.n_pending += 1
        return 0

    def count(self, const int32_t[::1] ids, const int64_t[::1] offsets,
              const uint8_t[::1] connector):
        """Counts the texts ``ids[offsets[t]:offsets[t + 1]]``.

        Parameters
        ----------
        ids : int32 array, word ids (from 0)
        offsets : int64 array, from 0 to len(ids)
        connector : uint8 array, 1 for the ids of connector words, one flag per id at least

        Raises
        ------
        ValueError
            offsets or ids out of range.
        MemoryError
        """
        cdef int64_t high = check_stream(ids, offsets, connector, 0)
        self._reserve_unigrams(high + 1)
        cdef int status
        with nogil:
            status = self._count(ids, offsets, connector)
        if status < 0:
            raise MemoryError("PairCounts: out of memory while counting pairs")

    cdef int _count(self, const int32_t[::1] ids, const int64_t[::1] offsets,
                    const uint8_t[::1] connector) noexcept nogil:
        cdef int64_t t, i, n = len(ids)
        cdef int32_t w, run
        for t in range(len(offsets) - 1):
            if not self.across_texts:
                self.prev, self.n_pending = -1, 0
            for i in range(offsets[t], offsets[t + 1]):
                if i + PREFETCH_AHEAD < n:  # the slot of a pair further on (if no connector)
                    __builtin_prefetch(&self.table.slots[
                        key_hash(ids[i + PREFETCH_AHEAD - 1], 0, ids[i + PREFETCH_AHEAD])
                        & self.table.mask])
                w = ids[i]
                if connector[w]:
                    if self.prev >= 0 and self._push_pending(w) < 0:
                        return -1
                    continue
                if self.unigrams[w] == 0:
                    self.live_unigrams += 1
                self.unigrams[w] += 1
                if self.prev >= 0:
                    run = run_number(&self.run_set, self.pending, self.n_pending, True)
                    if run < 0 or table_add(&self.table, self.prev, run, w, 1) < 0:
                        return -1
                self.prev, self.n_pending = w, 0
            self.total_words += offsets[t + 1] - offsets[t]
            if 0 <= self.max_entries < self.live_unigrams + self.table.used:
                if self._prune(self.min_reduce) < 0:
                    return -1
                self.min_reduce += 1
                self.prunings += 1
        return 0

    cdef int _prune(self, int64_t min_count) noexcept nogil:
        """Drops the entries of count below min_count."""
        cdef int64_t i
        for i in range(self.n_unigrams):
            if 0 < self.unigrams[i] < min_count:
                self.unigrams[i] = 0
                self.live_unigrams -= 1
        return table_rebuild(&self.table, self.table.mask + 1, min_count)

    def prune(self, int64_t min_count):
        """Drops the entries of count below ``min_count`` (gensim's ``prune_vocab``)."""
        if self._prune(min_count) < 0:
            raise MemoryError("PairCounts: out of memory while pruning")

    def merge(self, PairCounts other):
        """Adds ``other``'s counts (its runs renumbered as this one's) and total_words."""
        self._reserve_unigrams(other.n_unigrams)
        cdef int64_t i
        cdef Slot* s
        cdef int32_t run
        for i in range(other.n_unigrams):
            if other.unigrams[i]:
                if self.unigrams[i] == 0:
                    self.live_unigrams += 1
                self.unigrams[i] += other.unigrams[i]
        for i in range(other.table.mask + 1):
            s = &other.table.slots[i]
            if s.a == -1:
                continue
            run = s.run
            if run:
                run = run_number(&self.run_set, other.run_set.ids + other.run_set.starts[run - 1],
                                 other.run_set.starts[run] - other.run_set.starts[run - 1], True)
            if run < 0 or table_add(&self.table, s.a, run, s.b, s.value) < 0:
                raise MemoryError("PairCounts: out of memory while merging")
        self.total_words += other.total_words

    @property
    def n_entries(self):
        """Live unigrams and pairs: the length of gensim's ``Phrases.vocab``."""
        return self.live_unigrams + self.table.used

    @property
    def n_pairs(self):
        return self.table.used

    @property
    def runs(self):
        """The runs by number, as tuples of ids (runs[0] is ())."""
        return runs_as_tuples(&self.run_set)

    def unigram_counts(self, int64_t n_words):
        """int64 array of the ``n_words`` first ids' counts (0: never seen, or pruned)."""
        out = np.zeros(n_words, dtype=np.int64)
        cdef int64_t[::1] view = out
        cdef int64_t i
        for i in range(min(n_words, self.n_unigrams)):
            view[i] = self.unigrams[i]
        return out

    def pairs(self):
        """The live pairs, in table order: (a int32, run int32, b int32, count int64)."""
        cdef int64_t n = self.table.used, i, k = 0
        a = np.empty(n, dtype=np.int32)
        run = np.empty(n, dtype=np.int32)
        b = np.empty(n, dtype=np.int32)
        count = np.empty(n, dtype=np.int64)
        cdef int32_t[::1] va = a, vr = run, vb = b
        cdef int64_t[::1] vc = count
        cdef Slot* s
        for i in range(self.table.mask + 1):
            s = &self.table.slots[i]
            if s.a != -1:
                va[k], vr[k], vb[k], vc[k] = s.a, s.run, s.b, s.value
                k += 1
        return a, run, b, count

    def phrases(self, str scoring, double min_count, double threshold, double len_vocab,
                double corpus_word_count):
        """The pairs scoring above ``threshold`` (not ``<=`` it, as gensim compares), scored
        by a built-in scorer; pairs with a word of count 0 have no score (as in gensim).

        Parameters
        ----------
        scoring : {'default', 'npmi'}
            'default': ``(count - min_count) / (count_a * count_b) * len_vocab``; 'npmi':
            ``log(pab / (pa * pb)) / -log(pab)`` with p = count / corpus_word_count, -inf
            below min_count.

        Returns
        -------
        (a int32, run int32, b int32, score float64) arrays, in table order
        """
        cdef bint npmi = scoring == "npmi"
        if not npmi and scoring != "default":
            raise ValueError(f"scoring must be 'default' or 'npmi', got {scoring!r}")
        cdef int64_t i, n = 0, cap = 1024
        cdef Slot* s
        cdef Slot* found = <Slot*>malloc(cap * sizeof(Slot))   # value: the score's bits
        cdef Slot* grown
        cdef double score
        cdef bint failed = False
        if found == NULL:
            raise MemoryError("PairCounts.phrases: out of memory")
        with nogil:
            for i in range(self.table.mask + 1):
                s = &self.table.slots[i]
                if s.a == -1 or self.unigrams[s.a] <= 0 or self.unigrams[s.b] <= 0:
                    continue
                score = pair_score(self.unigrams[s.a], self.unigrams[s.b], s.value, npmi,
                                   min_count, len_vocab, corpus_word_count)
                if score <= threshold:
                    continue
                if n == cap:
                    grown = <Slot*>realloc(found, 2 * cap * sizeof(Slot))
                    if grown == NULL:
                        failed = True
                        break
                    found, cap = grown, 2 * cap
                found[n] = s[0]
                memcpy(&found[n].value, &score, sizeof(double))
                n += 1
        if failed:
            free(found)
            raise MemoryError("PairCounts.phrases: out of memory")
        a, run, b = (np.empty(n, dtype=np.int32) for _ in range(3))
        scores = np.empty(n, dtype=np.float64)
        cdef int32_t[::1] va = a, vr = run, vb = b
        cdef double[::1] vs = scores
        for i in range(n):
            va[i], vr[i], vb[i] = found[i].a, found[i].run, found[i].b
            memcpy(&vs[i], &found[i].value, sizeof(double))
        free(found)
        return a, run, b, scores

    def load(self, const int64_t[::1] unigrams, const int32_t[::1] a, const int32_t[::1] run,
             const int32_t[::1] b, const int64_t[::1] count, list runs):
        """Fills an empty PairCounts with saved counts (``pairs()``, ``runs``,
        ``unigram_counts``)."""
        if self.table.used or self.live_unigrams or self.run_set.n_runs > 1:
            raise ValueError("PairCounts.load: the counts are not empty")
        n = len(a)
        if not len(run) == len(b) == len(count) == n:
            raise ValueError(f"PairCounts.load: a, run, b and count differ in length "
                             f"({n}, {len(run)}, {len(b)}, {len(count)})")
        runs_from_tuples(&self.run_set, runs)
        cdef int64_t i
        self._reserve_unigrams(len(unigrams))
        for i in range(len(unigrams)):
            if unigrams[i] < 0:
                raise ValueError(f"PairCounts.load: unigram count {unigrams[i]} of id {i} < 0")
            self.unigrams[i] = unigrams[i]
            self.live_unigrams += unigrams[i] > 0
        for i in range(n):
            if not (0 <= a[i] < len(unigrams) and 0 <= b[i] < len(unigrams)
                    and 0 <= run[i] < len(runs) and count[i] > 0):
                raise ValueError(f"PairCounts.load: pair {i} ({a[i]}, {run[i]}, {b[i]}) "
                                 f"count {count[i]} out of range")
            if table_add(&self.table, a[i], run[i], b[i], count[i]) < 0:
                raise MemoryError("PairCounts.load: out of memory")
        if self.table.used != n:
            raise ValueError("PairCounts.load: a pair appears twice")


cdef inline double pair_score(int64_t ca, int64_t cb, int64_t count, bint npmi,
                              double min_count, double len_vocab,
                              double corpus_word_count) noexcept nogil:
    """A pair's score as gensim's scorers compute it (the same operations in the same order,
    in double: the same bits); count_a and count_b > 0."""
    cdef double pa, pb, pab
    if not npmi:
        return (count - min_count) / fw2v_product(ca, cb) * len_vocab
    if count < min_count:
        return -INFINITY
    pa = ca / corpus_word_count
    pb = cb / corpus_word_count
    pab = count / corpus_word_count
    return log(pab / (pa * pb)) / -log(pab)


def score_pairs(const int32_t[::1] a, const int32_t[::1] b, const int64_t[::1] count,
                const int64_t[::1] unigrams, str scoring, double min_count, double len_vocab,
                double corpus_word_count):
    """The scores of pairs given apart from a PairCounts (as ``pair_score``: gensim's
    scorers, bit for bit), for counts of one's own (word2phrase's, merged by string).

    Parameters
    ----------
    a, b : int32 arrays, the pairs' words; count : int64 array, their counts
    unigrams : int64 array, the words' counts by id (> 0 for every word of a pair)
    scoring : {'default', 'npmi'}

    Returns
    -------
    float64 array
    """
    cdef bint npmi = scoring == "npmi"
    if not npmi and scoring != "default":
        raise ValueError(f"scoring must be 'default' or 'npmi', got {scoring!r}")
    cdef int64_t n = len(a), i
    if not len(b) == len(count) == n:
        raise ValueError("score_pairs: a, b and count differ in length")
    for i in range(n):
        if not (0 <= a[i] < len(unigrams) and 0 <= b[i] < len(unigrams)) \
                or unigrams[a[i]] <= 0 or unigrams[b[i]] <= 0:
            raise ValueError(f"score_pairs: pair {i} ({a[i]}, {b[i]}) has a word out of range "
                             f"or of count 0")
    out = np.empty(n, dtype=np.float64)
    cdef double[::1] score = out
    with nogil:
        for i in range(n):
            score[i] = pair_score(unigrams[a[i]], unigrams[b[i]], count[i], npmi, min_count,
                                  len_vocab, corpus_word_count)
    return out


cdef enum:
    FIRST = 1   # PhraseTable.role: a word that begins a phrase
    LAST = 2    # one that ends a phrase


cdef class PhraseTable:
    """The phrases (a, run, b) as a table, and gensim's phrase detection over texts of ids.

    Parameters
    ----------
    a, run, b : int32 arrays
        Phrase k is word a[k], the connector run number run[k], word b[k].
    runs : list of tuples of int
        The connector runs by number (runs[0] is ()).
    """
    cdef Table table
    cdef RunSet run_set
    cdef public int64_t n_phrases
    cdef object ids_buffer, join_buffer, phrase_buffer  # join_tokens' (grown as needed)
    # role[w]: FIRST if word w begins a phrase, LAST if it ends one (w < len(role)): most
    # pairs of a text are then refused without a lookup
    cdef object role_array
    cdef const uint8_t* role
    cdef int64_t n_roles

    def __cinit__(self):
        self.table.slots = NULL
        self.run_set.ids = NULL
        self.run_set.starts = NULL
        self.run_set.index = NULL

    def __init__(self, const int32_t[::1] a, const int32_t[::1] run, const int32_t[::1] b,
                 list runs):
        cdef int64_t n = len(a), k, capacity = 1024
        if not len(run) == len(b) == n:
            raise ValueError(f"PhraseTable: a, run and b differ in length ({n}, {len(run)}, "
                             f"{len(b)})")
        while capacity * MAX_LOAD < n + 1:
            capacity *= 2
        if table_init(&self.table, capacity) < 0 or runs_init(&self.run_set) < 0:
            raise MemoryError(f"PhraseTable: out of memory for {n} phrases")
        runs_from_tuples(&self.run_set, runs)
        for k in range(n):
            if a[k] < 0 or b[k] < 0 or not 0 <= run[k] < len(runs):
                raise ValueError(f"PhraseTable: phrase {k} ({a[k]}, {run[k]}, {b[k]}) out of "
                                 f"range")
            if table_add(&self.table, a[k], run[k], b[k], k) != 1:
                raise ValueError(f"PhraseTable: phrase {k} ({a[k]}, {run[k]}, {b[k]}) appears "
                                 f"twice")
        self.n_phrases = n
        self.n_roles = max(np.max(a, initial=-1), np.max(b, initial=-1)) + 1
        self.role_array = np.zeros(self.n_roles, dtype=np.uint8)
        self.role_array[np.asarray(a)] |= FIRST
        self.role_array[np.asarray(b)] |= LAST
        self.role = <const uint8_t*>cnp.PyArray_DATA(self.role_array)
        self.ids_buffer = np.empty(1024, dtype=np.int32)
        self.join_buffer = np.empty(1024, dtype=np.uint8)
        self.phrase_buffer = np.empty(1024, dtype=np.int32)

    def __dealloc__(self):
        free(self.table.slots)
        runs_free(&self.run_set)

    def apply(self, const int32_t[::1] ids, const int64_t[::1] offsets,
              const uint8_t[::1] connector):
        """Finds the phrases of texts ``ids[offsets[t]:offsets[t + 1]]``, left to right as
        gensim's ``analyze_sentence``: a candidate runs from a non-connector word over the
        connector words after it to the next non-connector word; a phrase joins them, and
        the next candidate starts after it; otherwise the next one starts at that word.

        Parameters
        ----------
        ids : int32 array, word ids; -1 for a word the table does not know (never a
            connector, in no phrase)
        offsets : int64 array, from 0 to len(ids)
        connector : uint8 array, 1 for connector ids

        Returns
        -------
        join : uint8 array, 1 where a word is joined to the word before it
        phrase : int32 array, the phrase's number at the last word of a phrase, else -1
        """
        check_stream(ids, offsets, connector, -1)
        n = len(ids)
        join = np.zeros(n, dtype=np.uint8)
        phrase = np.full(n, -1, dtype=np.int32)
        cdef uint8_t[::1] vjoin = join
        cdef int32_t[::1] vphrase = phrase
        with nogil:
            self._apply(ids, offsets, connector, vjoin, vphrase)
        return join, phrase

    cdef void _apply(self, const int32_t[::1] ids, const int64_t[::1] offsets,
                     const uint8_t[::1] connector, uint8_t[::1] join,
                     int32_t[::1] phrase) noexcept nogil:
        cdef int64_t t
        for t in range(len(offsets) - 1):
            self._apply_text(&ids[offsets[t]], offsets[t + 1] - offsets[t], &connector[0],
                             &join[offsets[t]], &phrase[offsets[t]])

    cdef inline bint has_role(self, int32_t w, uint8_t role) noexcept nogil:
        return 0 <= w < self.n_roles and self.role[w] & role

    cdef void _apply_text(self, const int32_t* ids, int64_t n, const uint8_t* connector,
                          uint8_t* join, int32_t* phrase) noexcept nogil:
        """apply's rule over one text of n ids (join and phrase already 0 and -1)."""
        cdef int64_t i, j, start = -1   # the candidate's first word
        cdef int32_t w, run
        cdef Slot* s
        for i in range(n):
            w = ids[i]
            if w >= 0 and connector[w]:
                continue
            if start >= 0 and self.has_role(w, LAST) and self.has_role(ids[start], FIRST):
                run = run_number(&self.run_set, &ids[start + 1], i - start - 1, False)
                if run >= 0:
                    s = table_slot(&self.table, ids[start], run, w)
                    if s.a != -1:
                        for j in range(start + 1, i + 1):
                            join[j] = 1
                        phrase[i] = <int32_t>s.value
                        start = -1
                        continue
            start = i

    def analyze_tokens(self, list tokens, dict index, const uint8_t[::1] connector):
        """apply over one text given as str tokens, their ids ``index[token]`` (a token not
        in index: -1).

        Returns
        -------
        (join, phrase) as apply's, for the text.
        """
        cdef Py_ssize_t n = len(tokens)
        ids = np.empty(n, dtype=np.int32)
        join = np.zeros(n, dtype=np.uint8)
        phrase = np.full(n, -1, dtype=np.int32)
        cdef int32_t[::1] vids = ids
        cdef uint8_t[::1] vjoin = join
        cdef int32_t[::1] vphrase = phrase
        encode_tokens(tokens, index, vids, len(connector))
        if n:
            self._apply_text(&vids[0], n, &connector[0], &vjoin[0], &vphrase[0])
        return join, phrase

    def join_tokens(self, list tokens, dict index, const uint8_t[::1] connector,
                    str delimiter):
        """One text of str tokens with its phrases joined by ``delimiter`` (the phrases found
        as by apply; ids as for analyze_tokens)."""
        cdef Py_ssize_t n = len(tokens), i, j
        if n > len(self.ids_buffer):
            self.ids_buffer = np.empty(2 * n, dtype=np.int32)
            self.join_buffer = np.empty(2 * n, dtype=np.uint8)
            self.phrase_buffer = np.empty(2 * n, dtype=np.int32)
        cdef int32_t[::1] ids = self.ids_buffer
        cdef uint8_t[::1] join = self.join_buffer
        cdef int32_t[::1] phrase = self.phrase_buffer
        encode_tokens(tokens, index, ids, len(connector))
        for i in range(n):
            join[i], phrase[i] = 0, -1
        if n:
            self._apply_text(&ids[0], n, &connector[0], &join[0], &phrase[0])
        cdef list out = []
        cdef Py_ssize_t done = 0   # tokens before it are in out
        i = 1
        while i < n:
            if not join[i]:
                i += 1
                continue
            j = i + 1   # a phrase from i - 1 to j - 1
            while j < n and join[j]:
                j += 1
            out.extend(tokens[done:i - 1])
            out.append(delimiter.join(tokens[i - 1:j]))
            done = i = j
        out.extend(tokens[done:])
        return out


cdef encode_tokens(list tokens, dict index, int32_t[::1] out, Py_ssize_t n_ids):
    """Writes the ids of ``tokens`` (``index[token]``, -1 for a token not in it) to out,
    checked below n_ids."""
    cdef Py_ssize_t i
    cdef object found
    cdef int64_t wid
    for i in range(len(tokens)):
        found = index.get(tokens[i])
        wid = -1 if found is None else found
        if wid >= n_ids:
            raise ValueError(f"the id {wid} of {tokens[i]!r} is beyond the {n_ids} connector "
                             f"flags")
        out[i] = <int32_t>wid


def render(const int32_t[::1] ids, const int64_t[::1] line_ends, const uint8_t[::1] join,
           const uint8_t[::1] arena, const int64_t[::1] word_starts, bytes delimiter,
           bint leading_space, bint last_line_ended=True):
    """The bytes of phrased lines: line k holds tokens ``ids[line_ends[k-1]:line_ends[k]]``
    (from 0), each written as ``arena[word_starts[id]:word_starts[id + 1]]``, separated by
    b" " or, where ``join`` is set, by ``delimiter``; every line ends with b"\\n" (the last
    one only if ``last_line_ended``); ``leading_space`` writes b" " before each token that
    starts a word (word2phrase's output: a line's text starts with a space).

    Raises
    ------
    ValueError
        ids, line_ends or word_starts out of range.
    """
    cdef int64_t n = len(ids), lines = len(line_ends), i, k, size = 0, pos = 0, w
    if len(join) != n:
        raise ValueError(f"render: {len(join)} join flags for {n} ids")
    if lines and (line_ends[lines - 1] != n or np.any(np.diff(np.asarray(line_ends)) < 0)
                  or line_ends[0] < 0):
        raise ValueError(f"render: line_ends must rise to len(ids)={n}")
    if lines == 0 and n:
        raise ValueError("render: ids without line_ends")
    if len(word_starts) < 1 or word_starts[len(word_starts) - 1] > len(arena) \
            or np.any(np.diff(np.asarray(word_starts)) < 0):
        raise ValueError("render: word_starts must rise within the arena")
    if n and (np.min(ids) < 0 or np.max(ids) >= len(word_starts) - 1):
        raise ValueError("render: ids out of range of word_starts")
    cdef const uint8_t* delim = delimiter
    cdef int64_t dlen = len(delimiter)
    for i in range(n):
        w = ids[i]
        size += word_starts[w + 1] - word_starts[w] + (dlen if join[i] else 1)
    size += lines
    out = bytearray(size)
    cdef uint8_t* dst = out
    with nogil:
        i = 0
        for k in range(lines):
            while i < line_ends[k]:
                if join[i]:
                    memcpy(dst + pos, delim, dlen)
                    pos += dlen
                elif leading_space or i > (line_ends[k - 1] if k else 0):
                    dst[pos] = 32
                    pos += 1
                w = ids[i]
                memcpy(dst + pos, &arena[word_starts[w]], word_starts[w + 1] - word_starts[w])
                pos += word_starts[w + 1] - word_starts[w]
                i += 1
            if k < lines - 1 or last_line_ended:
                dst[pos] = 10
                pos += 1
    return bytes(out[:pos])
