"""Training kernels: one epoch over the encoded corpus, on several threads, without the GIL.

Both architectures build one hidden vector ``h`` and hand it to one output layer:

* skip-gram: ``h = W_in[context]`` for each (center, context) pair, target the center word;
* CBOW: ``h`` = mean (or sum) of ``W_in[c]`` over the window, target the center word;
* output: negative sampling and/or hierarchical softmax compute ``f = h . W_out[t]``,
  ``g = (label - sigmoid(f)) * alpha``, accumulate ``grad_h += g * W_out[t]`` and update
  ``W_out[t] += g * h``; the full softmax does the same for every row of its ``W_out``
  with ``g = (onehot(target) - softmax(W_out h)) * alpha``;
* back: skip-gram adds ``grad_h`` to ``W_in[context]``, CBOW to every ``W_in[c]``, times the
  word's lock factor if the model has them (``update_input``).

The batched skip-gram kernel (``Config.batched``) trains all contexts of one center word
against the same output rows (the center's hs path, one shared set of negatives) as a small
dense problem: three small products over the rows (csrc/rows.h) instead of one sdot and two
saxpy per (context, output row) pair.

Threads claim chunks (runs of whole texts, about ``chunk_words`` words each) from an atomic
counter.  Each chunk's random draws come from generators seeded by (seed, epoch, chunk), the
epoch counted over the model's runs (``first_epoch``): its noise words from the seeded one
(drawn a block ahead, so that their rows load meanwhile: _outputs.pxd draw_noise_ahead), its
sub-sampling and window draws from its stream 1 (csrc/rng.h); and its learning rate from
its position in the corpus, so neither depends on the thread.
"""
from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport calloc, free
from libc.string cimport memset

cimport cython
import numpy as np

from ._blas cimport axpy, scal, fw2v_row_dots, fw2v_row_combine
from ._kernel cimport (Config, EpochState, ThreadScratch, fw2v_rng, fw2v_rng_next,
                       fw2v_rng_seed, fw2v_rng_stream, fw2v_rng_below, fw2v_sigmoid_init,
                       fw2v_sigmoid,
                       FW2V_SOFTPLUS_LANES, fw2v_fetch_add, fw2v_load, fw2v_load_int,
                       fw2v_store_int, fw2v_prefetch_row)
from ._outputs cimport (logistic_gradient, sum_loss, output_layer, path_rows, noise_rows,
                        output_row, tally_block_loss, sync_hot_rows, draw_noise_ahead)
from ._layers import weight_shapes


# Units whose loss a thread collects before summing them (see tally_loss).
DEF LOSS_BUFFER = 1024


cdef inline void update_input(const EpochState* s, int32_t w,
                              const float* grad) noexcept nogil:
    """w_in[w] += lockf[w] * grad, the one update of an input row (every kernel's): without
    lockf (NULL, every factor 1) the plain axpy, after one test of a pointer that stays in
    a register; a frozen word (factor 0) is not touched, bit for bit."""
    cdef float* row = s.w_in + <int64_t>w * s.dim
    if s.lockf == NULL:
        axpy(s.dim, 1.0, grad, row)
    elif s.lockf[w] != 0.0:
        axpy(s.dim, s.lockf[w], grad, row)


cdef void sg_window_batched(const EpochState* s, ThreadScratch* t, int64_t center, int64_t lo,
                            int64_t hi, float alpha) noexcept nogil:
    """Skip-gram for one center word: its n_ctx context rows against its n_out output rows
    (hs path nodes and/or target + shared negatives: path_rows, then noise_rows) as three
    small products over the rows where they are (csrc/rows.h).

    scores (n_ctx, n_out) = C O.T;  G = count * (label - sigmoid(scores)) * alpha;
    W_in[contexts] += G O;  W_out[outputs] += G.T C, both gradients from the rows before
    either update."""
    cdef int64_t dim = s.dim, b, k, j
    cdef int n_ctx = 0, n_out  # (the scratch has room for both: see _allocate_scratch)
    cdef float* g
    if hi - lo < 2:  # no context word: no draws either
        return
    n_out = noise_rows(s, t, t.text[center])
    for j in range(lo, hi):
        if j != center:
            t.ctx_ptr[n_ctx] = s.w_in + <int64_t>t.text[j] * dim
            n_ctx += 1
    for k in range(n_out):
        t.out_ptr[k] = output_row(s, t, k)
    fw2v_row_dots(n_ctx, t.ctx_ptr, n_out, t.out_ptr, dim, t.scores)
    if s.config.compute_loss:
        tally_block_loss(t, n_ctx, n_out)
    for b in range(n_ctx):
        g = t.scores + b * n_out
        for k in range(n_out):
            g[k] = t.out_count[k] * logistic_gradient(g[k], t.out_label[k], alpha)
    fw2v_row_combine(n_ctx, n_out, t.scores, n_out, 1, t.out_ptr, dim, t.ctx_grad)
    fw2v_row_combine(n_out, n_ctx, t.scores, 1, n_out, t.ctx_ptr, dim, t.out_grad)
    b = 0
    for j in range(lo, hi):
        if j != center:
            update_input(s, t.text[j], t.ctx_grad + b * dim)
            b += 1
    for k in range(n_out):
        axpy(dim, 1.0, t.out_grad + k * dim, output_row(s, t, k))


cdef inline int64_t subsample(const EpochState* s, fw2v_rng* rng, const int32_t* words,
                              int64_t n, int32_t* out) noexcept nogil:
    """Copies the words that survive frequent-word sub-sampling to out; returns how many."""
    cdef int64_t i, kept = 0
    cdef int32_t w
    for i in range(n):
        w = words[i]
        if s.keep[w] <= 0xFFFFFFFFULL and (fw2v_rng_next(rng) >> 32) >= s.keep[w]:
            continue
        out[kept] = w
        kept += 1
    return kept


cdef inline void prefetch_center(const EpochState* s, const ThreadScratch* t, int64_t i,
                                 int64_t n) noexcept nogil:
    """Prefetches the rows that center word i is the first to read, called while the center
    before it trains: the input row of the word entering the widest window
    (text[i + window]) and the target's negative-sampling row. They load while other work
    runs; nothing else changes (the arithmetic and the draws are the same). Not the hs path
    rows: their top nodes are on every path, and taking their lines for writing a center
    early made two threads slower (CBOW-HS -4% at 2 workers; path_rows prefetches them
    just before use)."""
    cdef int64_t j = i + s.config.window
    if i >= n:
        return
    if j < n:
        fw2v_prefetch_row(s.w_in + <int64_t>t.text[j] * s.dim, s.dim)
    if s.config.negative:
        fw2v_prefetch_row(s.w_ns + <int64_t>t.text[i] * s.dim, s.dim)


cdef void train_text(const EpochState* s, ThreadScratch* t, fw2v_rng* rng,
                     const int32_t* words, int64_t n_words, float alpha) noexcept nogil:
    cdef int64_t n = subsample(s, rng, words, n_words, t.text)
    cdef int64_t i, j, lo, hi, b, count  # 64-bit: i + b + 1 with window up to 2**31 - 1
    cdef int dim = s.dim
    cdef float* h
    t.words += n_words
    t.effective_words += n
    prefetch_center(s, t, 0, n)
    for i in range(n):
        if s.config.compute_loss and t.loss_n >= LOSS_BUFFER:
            sum_loss(t)  # the buffer has room for one more center word's units
        if t.hot_age >= s.hot_period:
            sync_hot_rows(s, t)
        t.hot_age += 1
        prefetch_center(s, t, i + 1, n)
        b = s.config.window
        if s.config.shrink_windows:
            b -= <int>fw2v_rng_below(rng, s.config.window)
        lo = i - b if i >= b else 0
        hi = i + b + 1 if i + b + 1 <= n else n
        path_rows(s, t, t.text[i])  # the same for all contexts of this center word
        if s.config.batched:
            sg_window_batched(s, t, i, lo, hi, alpha)
        elif s.config.sg:
            for j in range(lo, hi):
                if j != i:
                    h = s.w_in + <int64_t>t.text[j] * dim
                    output_layer(s, t, h, t.text[i], alpha)
                    update_input(s, t.text[j], t.grad_h)
        else:
            memset(t.h, 0, dim * sizeof(float))
            count = 0
            for j in range(lo, hi):
                if j != i:
                    axpy(dim, 1.0, s.w_in + <int64_t>t.text[j] * dim, t.h)
                    count += 1
            if count == 0:
                continue
            if s.config.cbow_mean:
                scal(dim, 1.0 / count, t.h)
            output_layer(s, t, t.h, t.text[i], alpha)
            for j in range(lo, hi):
                if j != i:
                    update_input(s, t.text[j], t.grad_h)


cdef inline float alpha_at(const EpochState* s, int64_t words_before) noexcept nogil:
    """Learning rate after words_before words of this epoch: linear over all epochs."""
    cdef double progress = (s.epoch * <double>s.total_words + words_before) / (
        s.config.epochs * <double>s.total_words)
    cdef double a = s.config.alpha - (s.config.alpha - s.config.min_alpha) * progress
    return <float>(a if a > s.config.min_alpha else s.config.min_alpha)


cdef void run_worker(EpochState* s, ThreadScratch* t,
                     const int64_t* chunk_words_before) noexcept nogil:
    cdef int64_t c, text, start, end, pos
    cdef fw2v_rng rng
    sync_hot_rows(s, t)  # the rows as the other threads left them
    while not fw2v_load_int(&s.stop):
        c = fw2v_fetch_add(&s.next_chunk, 1)
        if c >= s.n_chunks:
            break
        fw2v_rng_seed(&t.noise, s.config.seed, s.first_epoch + s.epoch, c)
        rng = t.noise
        fw2v_rng_stream(&rng, 1)
        draw_noise_ahead(s, t)
        pos = chunk_words_before[c]
        for text in range(s.chunk_sent[c], s.chunk_sent[c + 1]):
            start = s.sent_off[text]
            end = s.sent_off[text + 1]
            train_text(s, t, &rng, s.ids + start, end - start, alpha_at(s, pos))
            pos += end - start
        if s.config.compute_loss:
            sum_loss(t)
        fw2v_fetch_add(&s.words_done, pos - chunk_words_before[c])
        s.claims[c] += 1
    sync_hot_rows(s, t)


fw2v_sigmoid_init()

# Two or more threads train the top HOT_ROWS inner nodes of the Huffman tree each in its own
# copy, synced every HOT_PERIOD centers (_outputs.pxd: sync_hot_rows). One thread trains
# them in place: nothing to gain, and its results stay those of the numpy reference. Chosen
# by bench.profile cbow-hs on 5M words, 2 workers, CPU ns per kept center word (one worker:
# 640-675): shared rows 1569-1631; rows x period 16 x 256: 931, 64 x 64: 929, 64 x 256: 763,
# 256 x 16: 1657, 256 x 64: 930, 256 x 256: 733, 256 x 1024: 826, 1024 x 1024: 755,
# 4096 x 4096: 796 (a sync of many rows often costs what it saves).
HOT_ROWS = 256
HOT_PERIOD = 256

# The largest C int: the kernels' sizes and counts that BLAS takes as int stay below it.
_INT_MAX = 2**31 - 1


def _check_shape(name, array, shape, n):
    if array.shape != shape:
        raise ValueError(f"{name} has shape {array.shape}, expected {shape} for a vocabulary "
                         f"of {n} entries: the model's parts disagree")


def _scratch_sizes(dim, window, max_text, negative, max_path, softmax_rows):
    """The sizes of one thread's scratch (see _allocate_scratch), in Python ints, checked:
    (dim, n_ctx, n_out, n_scores, floats, ints). A window holds at most 2 * window context
    words and fewer than the longest text: a window wider than the texts needs no more room
    (its random draws and its results do not change)."""
    n_ctx = min(2 * window, max(max_text, 1))
    n_out = negative + 1 + max_path
    if n_ctx * n_out + LOSS_BUFFER + FW2V_SOFTPLUS_LANES > _INT_MAX:
        raise ValueError(f"a window's score block of {n_ctx} context words by {n_out} output "
                         f"rows exceeds the kernels' limit of {_INT_MAX} entries: lower "
                         f"window or negative")
    n_scores = softmax_rows or n_ctx * n_out
    # the loss buffer, with room for one more center word's units and the padding
    n_loss = LOSS_BUFFER + n_ctx * n_out + FW2V_SOFTPLUS_LANES
    return (dim, n_ctx, n_out, n_scores, dim * (2 + n_ctx + n_out) + n_out + n_scores
            + n_loss, max(max_text, 1) + 2 * n_out + negative)


@cython.wraparound(True)  # [-1] below is the last entry
def _check_inputs(w_in, w_ns, w_hs, w_sm, vocab, corpus, params):
    """Raises ValueError unless every array agrees with the vocabulary and the corpus ids
    index it: the kernels read them without bounds checks."""
    n, dim = len(vocab.keep_threshold), w_in.shape[1]
    if not 0 < n <= _INT_MAX:
        raise ValueError(f"the vocabulary has {n} words; allowed: 1 to {_INT_MAX}")
    _check_shape("w_in", w_in, (n, dim), n)
    outputs = dict(w_ns=w_ns, w_hs=w_hs, w_sm=w_sm)
    for name, shape in weight_shapes(params, n, dim).items():
        _check_shape(name, outputs[name], shape, n)
    _check_shape("vocab.alias_prob", vocab.alias_prob, (n,), n)
    _check_shape("vocab.alias_index", vocab.alias_index, (n,), n)
    _check_shape("vocab.path_offsets", vocab.path_offsets, (n + 1,), n)
    off, n_path = vocab.path_offsets, len(vocab.points)
    if (off[0] != 0 or off[-1] != n_path or len(vocab.codes) != n_path
            or np.diff(off).min(initial=0) < 0):
        raise ValueError("vocab.path_offsets, codes and points disagree")
    if params["hs"] and not (0 <= vocab.points.min(initial=0)
                             and vocab.points.max(initial=-1) < n - 1):
        raise ValueError(f"vocab.points holds inner nodes outside 0..{n - 2}")
    if not (0 <= vocab.alias_index.min() and vocab.alias_index.max() < n):
        raise ValueError(f"vocab.alias_index holds words outside 0..{n - 1}")
    low, high = corpus.id_range
    if low < 0 or high >= n:
        raise ValueError(f"the corpus holds word ids {low}..{high}, but the vocabulary has "
                         f"{n} words (ids 0..{n - 1}): it was encoded with another "
                         f"vocabulary")
    texts, chunks = len(corpus.offsets) - 1, len(corpus.chunk_texts) - 1
    if (texts < 1 or corpus.offsets[0] != 0 or corpus.offsets[-1] > len(corpus.ids)
            or chunks < 1 or corpus.chunk_texts[0] != 0 or corpus.chunk_texts[-1] != texts
            or len(corpus.chunk_words_before) != chunks):
        raise ValueError("the corpus' offsets, chunk_texts and chunk_words_before disagree "
                         "with its ids")


cdef Config _zeros
# The fields of Config, in their order (Cython converts a struct to a dict): params' keys
CONFIG_KEYS = tuple(dict(_zeros))


cdef Config _config(dict params) except *:
    """The kernel's Config from ``params``, which must hold exactly its fields (CONFIG_KEYS):
    a key that is not one raises ValueError, and so does a missing one (Cython's coercion of
    a mapping to a struct, by field name)."""
    unknown = [key for key in params if key not in CONFIG_KEYS]
    if unknown:
        raise ValueError(f"params has the unknown key(s) {', '.join(map(repr, unknown))}; "
                         f"allowed: {', '.join(CONFIG_KEYS)}")
    return params


def sigmoid(float x):
    """The kernels' logistic function (table-interpolated), for tests."""
    return fw2v_sigmoid(x)


cdef class EpochRunner:
    """Holds the model's arrays and runs epochs over the encoded corpus.

    Parameters
    ----------
    w_in, w_ns, w_hs, w_sm : float32 arrays (vocab, dim) (w_hs: vocab - 1 rows); the output
        layers not in use are empty
    vocab : fastw2v.vocab.Vocab
    corpus : fastw2v.corpus.EncodedCorpus
    params : dict with exactly the fields of the kernel's Config (CONFIG_KEYS: window,
             negative, hs, softmax, sg, batched, cbow_mean, shrink_windows, compute_loss,
             seed, alpha, min_alpha, epochs)
    workers : int, number of threads that will call ``run``
    first_epoch : int, the epochs the model trained before: the random draws of epoch ``e``
        come from (seed, first_epoch + e, chunk), so that successive runs draw as one run
        of all their epochs would (the learning rate follows the run's own epochs)
    lockf : float32 array (vocab,), optional
        Per-word factors on the updates of w_in's rows (0 freezes a word); None: all 1, at
        no cost

    Raises
    ------
    ValueError
        An array's shape disagrees with the vocabulary, a vocabulary table indexes outside
        it, the corpus holds ids outside it, a window's scratch exceeds the kernels' ints, or
        params holds a key that is not a Config field or misses one, or lockf has another
        shape.
    """
    cdef EpochState s
    cdef ThreadScratch* scratch
    cdef int workers
    cdef object keep_ref  # the arrays whose buffers EpochState and ThreadScratch point into
    cdef int64_t[::1] chunk_words_before
    cdef public object claims

    def __cinit__(self):
        self.scratch = NULL
        self.workers = 0

    def __init__(self, float[:, ::1] w_in, float[:, ::1] w_ns, float[:, ::1] w_hs,
                 float[:, ::1] w_sm, vocab, corpus, dict params, int workers,
                 int64_t first_epoch=0, lockf=None):
        cdef uint64_t[::1] keep = vocab.keep_threshold
        cdef uint32_t[::1] alias_prob = vocab.alias_prob
        cdef int32_t[::1] alias_idx = vocab.alias_index
        cdef uint8_t[::1] codes = vocab.codes
        cdef int32_t[::1] points = vocab.points
        cdef int64_t[::1] path_off = vocab.path_offsets
        cdef int32_t[::1] ids = corpus.ids
        cdef int64_t[::1] sent_off = corpus.offsets
        cdef int64_t[::1] chunk_sent = corpus.chunk_texts
        cdef int32_t[::1] claims
        cdef const float[::1] factors
        cdef int i
        memset(&self.s, 0, sizeof(EpochState))
        self.s.config = _config(params)
        _check_inputs(np.asarray(w_in), np.asarray(w_ns), np.asarray(w_hs), np.asarray(w_sm),
                      vocab, corpus, params)
        self.keep_ref = [w_in, w_ns, w_hs, w_sm, vocab, corpus]
        self.claims = np.zeros(len(chunk_sent) - 1, dtype=np.int32)
        claims = self.claims
        self.chunk_words_before = corpus.chunk_words_before
        self.s.w_in = &w_in[0, 0]
        self.s.w_ns = &w_ns[0, 0] if w_ns.shape[0] else NULL
        self.s.w_hs = &w_hs[0, 0] if w_hs.shape[0] else NULL
        self.s.w_sm = &w_sm[0, 0] if w_sm.shape[0] else NULL
        self.s.dim = w_in.shape[1]
        self.s.max_path = np.diff(vocab.path_offsets).max() if self.s.config.hs else 0
        self.s.hot_period = HOT_PERIOD
        self.s.hot_first = len(keep) - 1 - (
            min(HOT_ROWS, len(keep) - 1) if self.s.config.hs and workers > 1 else 0)
        self.s.keep = &keep[0]
        self.s.alias_prob = &alias_prob[0]
        self.s.alias_idx = &alias_idx[0]
        self.s.vocab_size = len(keep)
        self.s.codes = &codes[0] if codes.shape[0] else NULL
        self.s.points = &points[0] if points.shape[0] else NULL
        self.s.path_off = &path_off[0]
        self.s.ids = &ids[0]
        self.s.sent_off = &sent_off[0]
        self.s.chunk_sent = &chunk_sent[0]
        self.s.n_chunks = len(chunk_sent) - 1
        self.s.total_words = corpus.total_words
        self.s.max_text = corpus.max_text
        self.s.claims = &claims[0]
        self.s.first_epoch = first_epoch
        if lockf is not None:
            _check_shape("lockf", lockf, (len(keep),), len(keep))
            factors = lockf
            self.s.lockf = &factors[0]
            self.keep_ref.append(lockf)
        self.scratch = <ThreadScratch*>calloc(workers, sizeof(ThreadScratch))
        if self.scratch == NULL:
            raise MemoryError()
        self.workers = workers
        for i in range(workers):
            self._allocate_scratch(&self.scratch[i])

    cdef _allocate_scratch(self, ThreadScratch* t):
        cdef int64_t dim, n_ctx, n_out, n_scores, n_hot
        dim, n_ctx, n_out, n_scores, n_floats, n_ints = _scratch_sizes(
            self.s.dim, self.s.config.window, self.s.max_text, self.s.config.negative,
            self.s.max_path, self.s.vocab_size if self.s.config.softmax else 0)
        n_hot = (self.s.vocab_size - 1 - self.s.hot_first) * self.s.dim
        cdef float[::1] floats = np.zeros(n_floats + 2 * n_hot, dtype=np.float32)
        cdef int32_t[::1] ints = np.zeros(n_ints, dtype=np.int32)
        cdef size_t[::1] pointers = np.zeros(n_ctx + n_out, dtype=np.uintp)
        self.keep_ref += [floats, ints, pointers]
        t.ctx_ptr = <const float**>&pointers[0]
        t.out_ptr = t.ctx_ptr + n_ctx
        t.h = &floats[0]
        t.grad_h = t.h + dim
        t.ctx_grad = t.grad_h + dim
        t.out_grad = t.ctx_grad + n_ctx * dim
        t.out_label = t.out_grad + n_out * dim
        t.scores = t.out_label + n_out
        t.loss_buf = t.scores + n_scores
        t.hot = &floats[0] + <int64_t>n_floats
        t.hot_base = t.hot + n_hot
        t.out_rows = &ints[0]
        t.out_count = t.out_rows + n_out
        t.noise_ahead = t.out_count + n_out
        t.text = t.noise_ahead + self.s.config.negative

    def __dealloc__(self):
        free(self.scratch)

    def start_epoch(self, int64_t epoch):
        """Resets the chunk counter and the per-thread tallies for ``epoch``."""
        cdef int i
        self.s.epoch = epoch
        self.s.next_chunk = 0
        self.s.words_done = 0
        fw2v_store_int(&self.s.stop, 0)
        self.claims[:] = 0
        for i in range(self.workers):
            self.scratch[i].loss = 0.0
            self.scratch[i].loss_n = 0
            self.scratch[i].examples = 0
            self.scratch[i].words = 0
            self.scratch[i].effective_words = 0

    def run(self, int thread_index):
        """Trains chunks until none is left (or ``stop`` is called); releases the GIL."""
        if not 0 <= thread_index < self.workers:
            raise IndexError(f"thread_index {thread_index} outside 0..{self.workers - 1}")
        with nogil:
            fw2v_fetch_add(&self.s.running, 1)
            run_worker(&self.s, &self.scratch[thread_index], &self.chunk_words_before[0])
            fw2v_fetch_add(&self.s.running, -1)

    def stop(self):
        """Asks every thread to finish its current chunk and return."""
        fw2v_store_int(&self.s.stop, 1)

    @property
    def running(self):
        """Threads inside :meth:`run` now."""
        return fw2v_load(&self.s.running)

    @property
    def words_done(self):
        """Words of this epoch trained so far (all threads)."""
        return fw2v_load(&self.s.words_done)

    @property
    def current_alpha(self):
        return alpha_at(&self.s, fw2v_load(&self.s.words_done))

    def tallies(self):
        """Sums of the per-thread tallies: dict with loss, examples, words, effective_words."""
        cdef int i
        out = dict(loss=0.0, examples=0, words=0, effective_words=0)
        for i in range(self.workers):
            out["loss"] += self.scratch[i].loss
            out["examples"] += self.scratch[i].examples
            out["words"] += self.scratch[i].words
            out["effective_words"] += self.scratch[i].effective_words
        return out
