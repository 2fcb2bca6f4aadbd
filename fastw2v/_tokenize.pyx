"""Corpus bytes to word ids without Python objects per word: a byte tokenizer over a C hash
table of byte strings (open addressing), whose loop runs without the GIL."""
from libc.stdint cimport INT32_MAX, INT64_MAX, int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcpy
from cpython.unicode cimport PyUnicode_DecodeUTF8

cimport cython
cimport numpy as cnp
import numpy as np

from .readers import _SPACES

cnp.import_array()

#: The dialects of :class:`Tokenizer`.
DIALECTS = ("split", "word2phrase")
#: Bytes of a word that word2phrase.c keeps (its MAX_STRING 60, less the NUL and one more:
#: ReadWord stores at most 58).
WORD2PHRASE_MAX_BYTES = 58

# The classes of bytes (Tokenizer.kind)
cdef enum:
    WORD = 0      # part of a word
    SPACE = 1     # separates words
    NEWLINE = 2   # separates words and ends a line
    DROP = 3      # deleted wherever it is (word2phrase's \r)
    LEAD = 4      # may begin a multibyte whitespace character (else part of a word)

# Results of the loop besides a position
cdef enum:
    NO_MEMORY = -1
    TOO_MANY_WORDS = -2

cdef enum:
    FIRST_SLOTS = 1 << 12   # slots of a new table


cdef inline uint64_t hash_bytes(const uint8_t* s, int64_t n) noexcept nogil:
    """A 64-bit hash of s[:n], 8 bytes at a time (multiply-xorshift mixing)."""
    cdef uint64_t h = 0x9E3779B97F4A7C15ULL ^ <uint64_t>n, w
    cdef int64_t i = 0
    while i + 8 <= n:
        memcpy(&w, s + i, 8)
        h = (h ^ w) * 0xFF51AFD7ED558CCDULL
        h ^= h >> 29
        i += 8
    if i < n:
        w = 0
        while i < n:  # (a byte loop: a memcpy of variable length is a call)
            w = (w << 8) | s[i]
            i += 1
        h = (h ^ w) * 0xFF51AFD7ED558CCDULL
    h ^= h >> 33
    h *= 0xC4CEB9FE1A85EC53ULL
    return h ^ (h >> 33)


cdef inline bint same_bytes(const uint8_t* a, const uint8_t* b, int64_t n) noexcept nogil:
    """a[:n] == b[:n], 8 bytes at a time (memcmp is a call, for words of a few bytes)."""
    cdef uint64_t x, y
    cdef int64_t i = 0
    while i + 8 <= n:
        memcpy(&x, a + i, 8)
        memcpy(&y, b + i, 8)
        if x != y:
            return False
        i += 8
    while i < n:
        if a[i] != b[i]:
            return False
        i += 1
    return True


cdef int grow(void** p, int64_t* cap, int64_t need, size_t item) noexcept nogil:
    """Makes room for ``need`` items in the malloc'ed array *p (doubling); -1 without memory."""
    cdef int64_t new_cap = cap[0] if cap[0] > 0 else 16
    cdef void* q
    if need <= cap[0]:
        return 0
    while new_cap < need:
        new_cap *= 2
    q = realloc(p[0], new_cap * item)
    if q == NULL:
        return -1
    p[0], cap[0] = q, new_cap
    return 0


@cython.final
cdef class Tokenizer:
    """Splits bytes into words and gives each distinct word an int32 id (in the order of
    first appearance), counting its occurrences; the words' bytes are kept in one arena.

    Parameters
    ----------
    dialect : {'split', 'word2phrase'}
        ``'split'``: the words of valid UTF-8 text exactly as Python's ``str.split()``
        gives them (every whitespace character that ``str.isspace()`` accepts separates
        words); words are str. ``'word2phrase'``: the rules of word2vec's word2phrase.c
        ``ReadWord``, bytes as they are: words are separated by b' ', b'\\t' and b'\\n',
        the byte 13 (\\r) is deleted wherever it is, and a word longer than
        :data:`WORD2PHRASE_MAX_BYTES` keeps its first 58 bytes; words are bytes. In both,
        lines end at b'\\n' only.

    Raises
    ------
    ValueError
        ``dialect`` is not one of :data:`DIALECTS`.

    Attributes
    ----------
    n_live : int
        Words in the table: ``len(self)`` less the words forgotten (see :meth:`forget`).
    """

    def __cinit__(self, dialect="split"):
        cdef int b, j
        if dialect not in DIALECTS:
            raise ValueError(f"dialect must be one of {DIALECTS}, got {dialect!r}")
        self.dialect = dialect
        self._words = []
        for b in range(256):
            self.kind[b] = WORD
        self.kind[ord("\n")] = NEWLINE
        self.n_spaces = 0
        if dialect == "split":
            self.max_bytes = INT64_MAX
            for space in _SPACES:
                code = space.encode()
                if len(code) == 1:
                    if code != b"\n":
                        self.kind[code[0]] = SPACE
                    continue
                self.kind[code[0]] = LEAD
                self.spaces[self.n_spaces] = int.from_bytes(code, "big")
                self.space_bytes[self.n_spaces] = len(code)
                self.n_spaces += 1
        else:
            self.max_bytes = WORD2PHRASE_MAX_BYTES
            self.kind[ord(" ")] = SPACE
            self.kind[ord("\t")] = SPACE
            self.kind[13] = DROP
        self.slots = <Slot*>malloc(FIRST_SLOTS * sizeof(Slot))
        if self.slots == NULL:
            raise MemoryError()
        self.mask = FIRST_SLOTS - 1
        for j in range(FIRST_SLOTS):
            self.slots[j].wid = -1
        self.starts = <int64_t*>malloc(sizeof(int64_t))
        self.arena = <char*>malloc(64)
        if self.starts == NULL or self.arena == NULL:
            raise MemoryError()
        self.arena_cap = 64
        self.starts[0] = 0
        self.cap_words = 0  # counts_c and starts[1:] are grown together by add_word

    def __dealloc__(self):
        free(self.slots)
        free(self.arena)
        free(self.starts)
        free(self.counts_c)
        free(self.scratch)
        free(self.out_ids)
        free(self.out_ends)

    def __len__(self):
        """Ids given so far (forgotten words included)."""
        return self.n_words

    cdef int space_bytes_at(self, const uint8_t* p, int64_t avail) noexcept nogil:
        """The bytes of the whitespace character at p (0 if there is none)."""
        cdef int j, q, m
        cdef uint32_t v
        for j in range(self.n_spaces):
            m = self.space_bytes[j]
            if m <= avail:
                v = 0
                for q in range(m):
                    v = (v << 8) | p[q]
                if v == self.spaces[j]:
                    return m
        return 0

    cdef int32_t find(self, const uint8_t* s, int64_t n, uint64_t h,
                      int64_t* slot) noexcept nogil:
        """The id of s[:n] (hash h), or -1 with *slot the free slot where it goes."""
        cdef int64_t i = <int64_t>(h & <uint64_t>self.mask)
        cdef uint32_t tag = <uint32_t>(h >> 32)
        cdef int32_t wid
        while True:
            wid = self.slots[i].wid
            if wid < 0:
                slot[0] = i
                return -1
            if (self.slots[i].tag == tag and self.starts[wid + 1] - self.starts[wid] == n
                    and same_bytes(<uint8_t*>self.arena + self.starts[wid], s, n)):
                return wid
            i = (i + 1) & self.mask

    cdef int rehash(self, int64_t n_slots, const uint8_t* dead) noexcept nogil:
        """Moves the table to n_slots slots, without the words w where dead[w] (if dead is
        not NULL). Returns -1 without memory (the table unchanged)."""
        cdef Slot* old = self.slots
        cdef int64_t old_slots = self.mask + 1, i, j
        cdef int32_t wid
        cdef uint64_t h
        self.slots = <Slot*>malloc(n_slots * sizeof(Slot))
        if self.slots == NULL:
            self.slots = old
            return -1
        self.mask = n_slots - 1
        self.n_live = 0
        for i in range(n_slots):
            self.slots[i].wid = -1
        for i in range(old_slots):
            wid = old[i].wid
            if wid < 0 or (dead != NULL and dead[wid]):
                continue
            h = hash_bytes(<uint8_t*>self.arena + self.starts[wid],
                           self.starts[wid + 1] - self.starts[wid])
            self.find(<uint8_t*>self.arena + self.starts[wid],
                      self.starts[wid + 1] - self.starts[wid], h, &j)
            self.slots[j].wid, self.slots[j].tag = wid, <uint32_t>(h >> 32)
            self.n_live += 1
        free(old)
        return 0

    cdef int32_t intern(self, const uint8_t* s, int64_t n) noexcept nogil:
        """The id of the word s[:n], a new one if it is not in the table; counts it once.
        Returns NO_MEMORY or TOO_MANY_WORDS when it cannot add the word."""
        cdef uint64_t h = hash_bytes(s, n)
        cdef int64_t slot
        cdef int32_t wid = self.find(s, n, h, &slot)
        if wid >= 0:
            self.counts_c[wid] += 1
            return wid
        if self.n_words >= INT32_MAX:
            return TOO_MANY_WORDS
        if 2 * (self.n_live + 1) > self.mask + 1:  # load above 1/2: double the table
            if self.rehash(2 * (self.mask + 1), NULL) < 0:
                return NO_MEMORY
            self.find(s, n, h, &slot)
        if (grow(<void**>&self.arena, &self.arena_cap, self.arena_len + n, 1) < 0
                or self.n_words + 2 > self.cap_words and self.grow_words() < 0):
            return NO_MEMORY
        wid = <int32_t>self.n_words
        memcpy(self.arena + self.arena_len, s, n)
        self.arena_len += n
        self.n_words += 1
        self.starts[self.n_words] = self.arena_len
        self.counts_c[wid] = 1
        self.slots[slot].wid, self.slots[slot].tag = wid, <uint32_t>(h >> 32)
        self.n_live += 1
        return wid

    cdef int grow_words(self) noexcept nogil:
        """Doubles the room of the per-word arrays (starts has one item more)."""
        cdef int64_t cap = self.cap_words, cap_starts = self.cap_words + 1
        if grow(<void**>&self.counts_c, &cap, 2 * self.cap_words + 16, sizeof(int64_t)) < 0:
            return -1
        if grow(<void**>&self.starts, &cap_starts, cap + 1, sizeof(int64_t)) < 0:
            return -1
        self.cap_words = cap
        return 0

    cdef const char* word_bytes(self, int32_t wid, int64_t* n) noexcept nogil:
        """The bytes of word ``wid`` (0 <= wid < len(self), unchecked) in the arena, their
        length in *n; valid until the next call that adds a word."""
        n[0] = self.starts[wid + 1] - self.starts[wid]
        return self.arena + self.starts[wid]

    cdef int64_t end_line(self, int64_t n_ids, int64_t* n_ends, int64_t stop_above
                          ) noexcept nogil:
        """Records a line's end; True to stop there."""
        self.out_ends[n_ends[0]] = n_ids
        n_ends[0] += 1
        return 0 <= stop_above < self.n_live

    cdef int64_t run(self, const uint8_t* p, int64_t n, int64_t start, int64_t max_line_words,
                     int64_t stop_above, int64_t* n_ids, int64_t* n_ends) noexcept nogil:
        """The loop of tokenize: the position where it stopped, or NO_MEMORY or
        TOO_MANY_WORDS."""
        cdef int64_t i = start, line_start = start, length = 0, word_start = start, words = 0
        cdef int64_t step
        cdef int32_t wid
        cdef uint8_t k
        while True:
            step = 1
            if i == n:
                k = SPACE
            else:
                k = self.kind[p[i]]
                if k == LEAD:
                    step = self.space_bytes_at(p + i, n - i)
                    k = SPACE if step else WORD
                    step = step or 1
                if k == WORD:
                    if length == 0:
                        word_start = i
                    if length < self.max_bytes:
                        self.scratch[length] = p[i]
                        length += 1
                    i += 1
                    continue
                if k == DROP:
                    i += 1
                    continue
            if length:  # a word ends
                if max_line_words and words == max_line_words:
                    words = 0
                    if self.end_line(n_ids[0], n_ends, stop_above):
                        return word_start
                wid = self.intern(self.scratch, length)
                if wid < 0:
                    return wid
                self.out_ids[n_ids[0]] = wid
                n_ids[0] += 1
                words += 1
                length = 0
            if i == n:
                if line_start < n:
                    self.end_line(n_ids[0], n_ends, -1)
                return n
            i += step
            if k == NEWLINE:
                line_start, words = i, 0
                if self.end_line(n_ids[0], n_ends, stop_above):
                    return i

    def tokenize(self, const uint8_t[::1] data not None, Py_ssize_t start=0,
                 Py_ssize_t max_line_words=0, Py_ssize_t stop_above=-1):
        """The ids of the words of ``data[start:]`` (adding new words) and where its lines
        end, in one loop without the GIL.

        Parameters
        ----------
        data : bytes-like
            Whole lines, or pieces of lines (cut between words); for ``'split'``, valid UTF-8
            (not checked: invalid bytes are read as parts of words).
        start : int
            Where to begin in ``data`` (0 <= start <= len(data)).
        max_line_words : int
            If above 0, a line of more words is recorded as several lines of at most this
            many (the cut is recorded before the first word of each further part).
        stop_above : int
            If 0 or more, stop after the first line end (a b'\\n', a cut of
            ``max_line_words`` or the end of ``data``) at which more than ``stop_above``
            words are in the table (:attr:`n_live`).

        Returns
        -------
        ids : int32 array
            The words' ids in order.
        line_ends : int64 array
            Line ``k`` is ``ids[line_ends[k - 1]:line_ends[k]]`` (``line_ends[-1]`` is 0):
            one item per b'\\n' (empty lines included), per cut, and one for an unterminated
            last line (any bytes after the last b'\\n', whitespace included).
        end : int
            Where it stopped: ``len(data)``, or for a stop after a b'\\n' the position after
            it, after a cut the position of the cut's first word.

        Raises
        ------
        ValueError
            ``start`` or ``max_line_words`` out of range.
        MemoryError
            The table, the arena or the output cannot grow.
        OverflowError
            More than 2**31 - 1 distinct words.
        """
        cdef int64_t n = data.shape[0], n_ids = 0, n_ends = 0, end
        cdef const uint8_t* p = &data[0] if n else NULL
        if not 0 <= start <= n:
            raise ValueError(f"start must be in [0, len(data)={n}], got {start}")
        if max_line_words < 0:
            raise ValueError(f"max_line_words must be 0 (no limit) or more, got "
                             f"{max_line_words}")
        # at most one word per two bytes (and a last one), one line end per byte (and a last)
        if (grow(<void**>&self.out_ids, &self.cap_out_ids, (n - start) // 2 + 1,
                 sizeof(int32_t)) < 0
                or grow(<void**>&self.out_ends, &self.cap_out_ends, n - start + 1,
                        sizeof(int64_t)) < 0
                or grow(<void**>&self.scratch, &self.scratch_cap, min(n - start, self.max_bytes),
                        1) < 0):
            raise MemoryError("no memory for the tokenizer's output")
        with nogil:
            end = self.run(p, n, start, max_line_words, stop_above, &n_ids, &n_ends)
        if end == NO_MEMORY:
            raise MemoryError(f"no memory for the tokenizer's table ({self.n_words} words)")
        if end == TOO_MANY_WORDS:
            raise OverflowError("more than 2**31 - 1 distinct words: their ids are int32")
        ids = np.empty(n_ids, dtype=np.int32)
        ends = np.empty(n_ends, dtype=np.int64)
        if n_ids:
            memcpy(cnp.PyArray_DATA(ids), self.out_ids, n_ids * sizeof(int32_t))
        if n_ends:
            memcpy(cnp.PyArray_DATA(ends), self.out_ends, n_ends * sizeof(int64_t))
        return ids, ends, end

    cdef bytes key(self, word):
        """word (str for 'split', bytes for 'word2phrase') as the table's bytes."""
        if self.dialect == "split":
            if not isinstance(word, str):
                raise TypeError(f"word must be a str, got {type(word).__name__} {word!r}")
            return (<str>word).encode("utf-8", "surrogatepass")
        if not isinstance(word, bytes):
            raise TypeError(f"word must be bytes, got {type(word).__name__} {word!r}")
        return word

    def id_of(self, word):
        """The id of ``word`` (a str for ``'split'``, bytes for ``'word2phrase'``, not
        truncated), or -1 if it is not in the table (never seen, or forgotten).

        Raises
        ------
        TypeError
            ``word`` is not a str (``'split'``) or bytes (``'word2phrase'``).
        """
        cdef bytes b = self.key(word)
        cdef int64_t slot
        return self.find(<const uint8_t*><char*>b, len(b), hash_bytes(<const uint8_t*><char*>b,
                                                                      len(b)), &slot)

    def add(self, word):
        """The id of ``word`` (a str or bytes as for :meth:`id_of`), counted once, added if it
        is not in the table: as if it were a word of :meth:`tokenize`'s data."""
        cdef bytes b = self.key(word)
        cdef int32_t wid = self.intern(<const uint8_t*><char*>b, len(b))
        if wid == NO_MEMORY:
            raise MemoryError(f"no memory for the tokenizer's table ({self.n_words} words)")
        if wid == TOO_MANY_WORDS:
            raise OverflowError("more than 2**31 - 1 distinct words: their ids are int32")
        return wid

    @property
    def words(self):
        """The words by id (str for ``'split'``, bytes for ``'word2phrase'``), forgotten ones
        included: a list kept by the tokenizer (do not modify it), to which each access
        adds the words that are new since the last one."""
        cdef int64_t w
        cdef bint text = self.dialect == "split"
        for w in range(len(self._words), self.n_words):
            n = self.starts[w + 1] - self.starts[w]
            self._words.append(PyUnicode_DecodeUTF8(self.arena + self.starts[w], n,
                                                    "surrogatepass") if text
                               else self.arena[self.starts[w]:self.starts[w + 1]])
        return self._words

    @property
    def counts(self):
        """int64 array (a copy): the occurrences of each word by id, since it was added."""
        out = np.empty(self.n_words, dtype=np.int64)
        if self.n_words:
            memcpy(cnp.PyArray_DATA(out), self.counts_c, self.n_words * sizeof(int64_t))
        return out

    def bytes_of(self, Py_ssize_t wid):
        """The bytes of word ``wid`` (UTF-8 for ``'split'``).

        Raises
        ------
        IndexError
            ``wid`` is not in [0, len(self)).
        """
        if not 0 <= wid < self.n_words:
            raise IndexError(f"word id {wid} is not in [0, {self.n_words})")
        return self.arena[self.starts[wid]:self.starts[wid + 1]]

    def arena_bytes(self):
        """(arena, starts): a copy of the words' bytes back to back, and an int64 array of
        ``len(self) + 1`` offsets (word w is ``arena[starts[w]:starts[w + 1]]``)."""
        starts = np.empty(self.n_words + 1, dtype=np.int64)
        memcpy(cnp.PyArray_DATA(starts), self.starts, (self.n_words + 1) * sizeof(int64_t))
        return self.arena[:self.arena_len], starts

    def forget(self, const uint8_t[::1] dead not None):
        """Removes the words ``w`` where ``dead[w]`` from the table: their ids, bytes and
        counts stay, but :meth:`id_of` no longer finds them, and when they occur again they
        get new ids (as gensim's vocabulary pruning forgets a word).

        Parameters
        ----------
        dead : uint8 array of ``len(self)`` items

        Raises
        ------
        ValueError
            ``dead`` has not ``len(self)`` items.
        """
        if dead.shape[0] != self.n_words:
            raise ValueError(f"dead must have len(self)={self.n_words} items, got "
                             f"{dead.shape[0]}")
        if self.n_words and self.rehash(self.mask + 1, &dead[0]) < 0:
            raise MemoryError(f"no memory for the tokenizer's table ({self.n_words} words)")
