# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Training kernels: one epoch over the encoded corpus, on several threads, without the GIL.

Both architectures build one hidden vector ``h`` and hand it to one output layer:

* skip-gram: ``h = W_in[context]`` for each (center, context) pair, target the center word;
* CBOW: ``h`` = mean (or sum) of ``W_in[c]`` over the window, target the center word;
* output: negative sampling and/or hierarchical softmax compute ``f = h . W_out[t]``,
  ``g = (label - sigmoid(f)) * alpha``, accumulate ``grad_h += g * W_out[t]`` and update
  ``W_out[t] += g * h``;
* back: skip-gram adds ``grad_h`` to ``W_in[context]``, CBOW to every ``W_in[c]``.

Threads claim chunks (runs of whole texts, about ``chunk_words`` words each) from an atomic
counter.  Each chunk's random draws come from a generator seeded by (seed, epoch, chunk) and
its learning rate from its position in the corpus, so neither depends on the thread.
"""
from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport malloc, calloc, free
from libc.string cimport memset

import numpy as np

from ._blas cimport dot, axpy, scal


cdef extern from "rng.h" nogil:
    ctypedef struct fw2v_rng:
        uint64_t state
    uint64_t fw2v_rng_next(fw2v_rng* r)
    void fw2v_rng_seed(fw2v_rng* r, uint64_t seed, uint64_t epoch, uint64_t chunk)
    uint32_t fw2v_rng_below(fw2v_rng* r, uint32_t n)

cdef extern from "sigmoid.h" nogil:
    void fw2v_sigmoid_init()
    float fw2v_sigmoid(float x)
    double fw2v_log_sigmoid(double x)

cdef extern from "atomics.h" nogil:
    int64_t fw2v_fetch_add(int64_t* p, int64_t v)
    int64_t fw2v_load(const int64_t* p)

cdef extern from "prefetch.h" nogil:
    void fw2v_prefetch_row(const float* row, int dim)


# Signed score beyond which a logistic unit counts as saturated (as MAX_EXP in word2vec.c).
DEF SATURATED = 6.0
# How many inner nodes ahead hierarchical softmax prefetches rows.
DEF HS_LOOKAHEAD = 2


cdef struct Shared:
    # parameters (read-only during an epoch)
    float* w_in
    float* w_ns
    float* w_hs
    int dim
    int window
    int negative
    bint hs
    bint sg
    bint cbow_mean
    bint shrink_windows
    bint compute_loss
    # vocabulary tables
    const uint64_t* keep          # keep word w if a 32-bit draw < keep[w] (2**32: always)
    const uint32_t* alias_prob    # noise sampler, Walker's alias method
    const int32_t* alias_idx
    uint32_t vocab_size
    const uint8_t* codes          # Huffman path of w: codes/points[path_off[w]:path_off[w+1]]
    const int32_t* points
    const int64_t* path_off
    # corpus
    const int32_t* ids
    const int64_t* sent_off       # text s is ids[sent_off[s]:sent_off[s+1]]
    const int64_t* chunk_sent     # chunk c is texts chunk_sent[c]..chunk_sent[c+1]-1
    int64_t n_chunks
    int64_t total_words           # words per epoch
    int64_t max_text
    # schedule
    uint64_t seed
    int64_t epoch
    int64_t epochs
    double alpha
    double min_alpha
    # live state
    int64_t next_chunk
    int64_t words_done
    int stop
    int32_t* claims               # claims[c]: how often chunk c was taken this epoch


cdef struct Local:
    float* h
    float* grad_h
    int32_t* text
    int32_t* noise               # the negative draws of one example
    double loss
    int64_t examples
    int64_t words
    int64_t effective_words


cdef inline int32_t draw_noise(const Shared* s, fw2v_rng* rng) noexcept nogil:
    cdef uint64_t r = fw2v_rng_next(rng)
    cdef uint32_t i = <uint32_t>(((r >> 32) * <uint64_t>s.vocab_size) >> 32)
    if <uint32_t>r < s.alias_prob[i]:
        return <int32_t>i
    return s.alias_idx[i]


cdef inline void logistic_step(const Shared* s, Local* t, const float* h, float* grad_h,
                               float* row, float label, float alpha) noexcept nogil:
    """One binary logistic unit: grad_h += g * row, row += g * h, loss tally.

    A unit already right with margin (signed score >= SATURATED, gradient below
    0.25 % of alpha) is not updated, which saves the two axpy calls; a unit wrong by
    that margin gets its full gradient (word2vec.c skips both cases in hs)."""
    cdef float f = dot(s.dim, h, row)
    cdef float signed_f = f if label > 0.5 else -f
    cdef float g
    if signed_f < SATURATED:
        g = (label - fw2v_sigmoid(f)) * alpha
        axpy(s.dim, g, row, grad_h)
        axpy(s.dim, g, h, row)
    if s.compute_loss:  # after the update, which does not wait for it: 8% -> 1% slower
        t.loss -= fw2v_log_sigmoid(signed_f)
        t.examples += 1


cdef inline void negative_sampling(const Shared* s, Local* t, fw2v_rng* rng, const float* h,
                                   float* grad_h, int32_t target, float alpha) noexcept nogil:
    """Output layer: the target against ``negative`` noise words (a draw equal to the target
    is skipped, as in word2vec.c)."""
    cdef int d
    for d in range(s.negative):  # all draws first, so that their rows load meanwhile
        t.noise[d] = draw_noise(s, rng)
        fw2v_prefetch_row(s.w_ns + <int64_t>t.noise[d] * s.dim, s.dim)
    logistic_step(s, t, h, grad_h, s.w_ns + <int64_t>target * s.dim, 1.0, alpha)
    for d in range(s.negative):
        if t.noise[d] != target:
            logistic_step(s, t, h, grad_h, s.w_ns + <int64_t>t.noise[d] * s.dim, 0.0, alpha)


cdef inline void hierarchical_softmax(const Shared* s, Local* t, const float* h,
                                      float* grad_h, int32_t target, float alpha) noexcept nogil:
    """Output layer: the binary decisions on the target's Huffman path (label 1 - code)."""
    cdef int64_t p, end = s.path_off[target + 1]
    for p in range(s.path_off[target], end):
        if p + HS_LOOKAHEAD < end:  # the deep inner nodes are cold: load them ahead
            fw2v_prefetch_row(s.w_hs + <int64_t>s.points[p + HS_LOOKAHEAD] * s.dim,
                              s.dim)
        logistic_step(s, t, h, grad_h, s.w_hs + <int64_t>s.points[p] * s.dim,
                      1.0 - s.codes[p], alpha)


cdef inline void output_layer(const Shared* s, Local* t, fw2v_rng* rng, const float* h,
                              int32_t target, float alpha) noexcept nogil:
    """Fills t.grad_h with the gradient of the output layer(s) with respect to h."""
    memset(t.grad_h, 0, s.dim * sizeof(float))
    if s.hs:
        hierarchical_softmax(s, t, h, t.grad_h, target, alpha)
    if s.negative > 0:
        negative_sampling(s, t, rng, h, t.grad_h, target, alpha)


cdef inline int subsample(const Shared* s, fw2v_rng* rng, const int32_t* words, int64_t n,
                          int32_t* out) noexcept nogil:
    """Copies the words that survive frequent-word sub-sampling to out; returns how many."""
    cdef int64_t i
    cdef int kept = 0
    cdef int32_t w
    for i in range(n):
        w = words[i]
        if s.keep[w] <= 0xFFFFFFFFULL and (fw2v_rng_next(rng) >> 32) >= s.keep[w]:
            continue
        out[kept] = w
        kept += 1
    return kept


cdef void train_text(const Shared* s, Local* t, fw2v_rng* rng, const int32_t* words,
                     int64_t n_words, float alpha) noexcept nogil:
    cdef int n = subsample(s, rng, words, n_words, t.text)
    cdef int i, j, lo, hi, b, count
    cdef int dim = s.dim
    cdef float* h
    t.words += n_words
    t.effective_words += n
    for i in range(n):
        b = s.window - <int>fw2v_rng_below(rng, s.window) if s.shrink_windows else s.window
        lo = i - b if i >= b else 0
        hi = i + b + 1 if i + b + 1 <= n else n
        if s.sg:
            for j in range(lo, hi):
                if j != i:
                    h = s.w_in + <int64_t>t.text[j] * dim
                    output_layer(s, t, rng, h, t.text[i], alpha)
                    axpy(dim, 1.0, t.grad_h, h)
        else:
            memset(t.h, 0, dim * sizeof(float))
            count = 0
            for j in range(lo, hi):
                if j != i:
                    axpy(dim, 1.0, s.w_in + <int64_t>t.text[j] * dim, t.h)
                    count += 1
            if count == 0:
                continue
            if s.cbow_mean:
                scal(dim, 1.0 / count, t.h)
            output_layer(s, t, rng, t.h, t.text[i], alpha)
            for j in range(lo, hi):
                if j != i:
                    axpy(dim, 1.0, t.grad_h, s.w_in + <int64_t>t.text[j] * dim)


cdef inline float alpha_at(const Shared* s, int64_t words_before) noexcept nogil:
    """Learning rate after words_before words of this epoch: linear over all epochs."""
    cdef double progress = (s.epoch * <double>s.total_words + words_before) / (
        s.epochs * <double>s.total_words)
    cdef double a = s.alpha - (s.alpha - s.min_alpha) * progress
    return <float>(a if a > s.min_alpha else s.min_alpha)


cdef void run_worker(Shared* s, Local* t, const int64_t* chunk_words_before) noexcept nogil:
    cdef int64_t c, text, start, end, pos
    cdef fw2v_rng rng
    while not s.stop:
        c = fw2v_fetch_add(&s.next_chunk, 1)
        if c >= s.n_chunks:
            break
        fw2v_rng_seed(&rng, s.seed, s.epoch, c)
        pos = chunk_words_before[c]
        for text in range(s.chunk_sent[c], s.chunk_sent[c + 1]):
            start = s.sent_off[text]
            end = s.sent_off[text + 1]
            train_text(s, t, &rng, s.ids + start, end - start, alpha_at(s, pos))
            pos += end - start
        fw2v_fetch_add(&s.words_done, pos - chunk_words_before[c])
        s.claims[c] += 1


fw2v_sigmoid_init()


def sigmoid(float x):
    """The kernels' logistic function (table-interpolated), for tests."""
    return fw2v_sigmoid(x)


cdef class EpochRunner:
    """Holds the model's arrays and runs epochs over the encoded corpus.

    Parameters
    ----------
    w_in, w_ns, w_hs : float32 arrays (vocab, dim); w_ns/w_hs may be empty when unused
    vocab : fastw2v.vocab.Vocab
    corpus : fastw2v.corpus.EncodedCorpus
    params : dict with dim, window, negative, hs, sg, cbow_mean, shrink_windows,
             compute_loss, seed, alpha, min_alpha, epochs
    workers : int, number of threads that will call ``run``
    """
    cdef Shared s
    cdef Local* locals
    cdef int workers
    cdef object keep_ref  # the arrays whose buffers Shared points into
    cdef int64_t[::1] chunk_words_before
    cdef public object claims

    def __cinit__(self):
        self.locals = NULL
        self.workers = 0

    def __init__(self, float[:, ::1] w_in, float[:, ::1] w_ns, float[:, ::1] w_hs, vocab,
                 corpus, dict params, int workers):
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
        cdef int i
        self.keep_ref = (w_in, w_ns, w_hs, vocab, corpus)
        self.claims = np.zeros(len(chunk_sent) - 1, dtype=np.int32)
        claims = self.claims
        self.chunk_words_before = corpus.chunk_words_before
        memset(&self.s, 0, sizeof(Shared))
        self.s.w_in = &w_in[0, 0]
        self.s.w_ns = &w_ns[0, 0] if w_ns.shape[0] else NULL
        self.s.w_hs = &w_hs[0, 0] if w_hs.shape[0] else NULL
        self.s.dim = w_in.shape[1]
        self.s.window = params["window"]
        self.s.negative = params["negative"]
        self.s.hs = params["hs"]
        self.s.sg = params["sg"]
        self.s.cbow_mean = params["cbow_mean"]
        self.s.shrink_windows = params["shrink_windows"]
        self.s.compute_loss = params["compute_loss"]
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
        self.s.seed = <uint64_t>params["seed"]
        self.s.epochs = params["epochs"]
        self.s.alpha = params["alpha"]
        self.s.min_alpha = params["min_alpha"]
        self.s.claims = &claims[0]
        self.locals = <Local*>calloc(workers, sizeof(Local))
        if self.locals == NULL:
            raise MemoryError()
        self.workers = workers
        for i in range(workers):
            self.locals[i].h = <float*>malloc(self.s.dim * sizeof(float))
            self.locals[i].grad_h = <float*>malloc(self.s.dim * sizeof(float))
            self.locals[i].text = <int32_t*>malloc(max(self.s.max_text, 1) * sizeof(int32_t))
            self.locals[i].noise = <int32_t*>malloc(max(self.s.negative, 1) * sizeof(int32_t))
            if (self.locals[i].h == NULL or self.locals[i].grad_h == NULL
                    or self.locals[i].text == NULL or self.locals[i].noise == NULL):
                raise MemoryError()

    def __dealloc__(self):
        cdef int i
        if self.locals != NULL:
            for i in range(self.workers):
                free(self.locals[i].h)
                free(self.locals[i].grad_h)
                free(self.locals[i].text)
                free(self.locals[i].noise)
            free(self.locals)

    def start_epoch(self, int64_t epoch):
        """Resets the chunk counter and the per-thread tallies for ``epoch``."""
        cdef int i
        self.s.epoch = epoch
        self.s.next_chunk = 0
        self.s.words_done = 0
        self.s.stop = 0
        self.claims[:] = 0
        for i in range(self.workers):
            self.locals[i].loss = 0.0
            self.locals[i].examples = 0
            self.locals[i].words = 0
            self.locals[i].effective_words = 0

    def run(self, int thread_index):
        """Trains chunks until none is left (or ``stop`` is called); releases the GIL."""
        if not 0 <= thread_index < self.workers:
            raise IndexError(f"thread_index {thread_index} outside 0..{self.workers - 1}")
        with nogil:
            run_worker(&self.s, &self.locals[thread_index], &self.chunk_words_before[0])

    def stop(self):
        """Asks every thread to finish its current chunk and return."""
        self.s.stop = 1

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
            out["loss"] += self.locals[i].loss
            out["examples"] += self.locals[i].examples
            out["words"] += self.locals[i].words
            out["effective_words"] += self.locals[i].effective_words
        return out
