"""The output layers of the training kernel, as inline functions of one hidden vector h
and a target word: hierarchical softmax and negative sampling as one block of output rows
(output_block), the full softmax, and their helpers (the noise draw, the logistic unit, the
loss tally). Which rows a target trains against is chosen once, by path_rows (hs) and
noise_rows (negative sampling), for the classic kernels and the batched skip-gram kernel
alike. _train.pyx's drivers call them;
being ``cdef inline`` in a .pxd they are compiled into _train's one C file, so nothing stops
inlining."""
from libc.stdint cimport int32_t, int64_t, uint32_t, uint64_t
from libc.math cimport expf, log
from libc.string cimport memcpy, memset

from ._blas cimport gemv, ger, fw2v_row_dots, fw2v_rows_update
from ._kernel cimport (EpochState, ThreadScratch, fw2v_rng, fw2v_rng_next, fw2v_sigmoid,
                       fw2v_softplus_sum, FW2V_SOFTPLUS_LANES, FW2V_SOFTPLUS_PAD,
                       fw2v_prefetch_row)


# Signed score beyond which a logistic unit counts as saturated (as MAX_EXP in word2vec.c).
DEF SATURATED = 6.0


cdef inline int32_t draw_noise(const EpochState* s, fw2v_rng* rng) noexcept nogil:
    cdef uint64_t r = fw2v_rng_next(rng)
    cdef uint32_t i = <uint32_t>(((r >> 32) * <uint64_t>s.vocab_size) >> 32)
    if <uint32_t>r < s.alias_prob[i]:
        return <int32_t>i
    return s.alias_idx[i]


cdef inline float logistic_gradient(float f, float label, float alpha) noexcept nogil:
    """The gradient ``(label - sigmoid(f)) * alpha`` of one binary logistic unit with score
    ``f``.

    A unit already right with margin (signed score >= SATURATED, gradient below 0.25 % of
    alpha) gets 0, which lets the caller skip its update; a unit wrong by that margin gets its
    full gradient (word2vec.c skips both cases in hs)."""
    cdef float signed_f = f if label > 0.5 else -f
    if signed_f >= SATURATED:
        return 0.0
    return (label - fw2v_sigmoid(f)) * alpha


cdef inline void sum_loss(ThreadScratch* t) noexcept nogil:
    """Adds the buffered units' loss to t.loss and empties the buffer."""
    while t.loss_n % FW2V_SOFTPLUS_LANES:
        t.loss_buf[t.loss_n] = FW2V_SOFTPLUS_PAD
        t.loss_n += 1
    t.loss += fw2v_softplus_sum(t.loss_buf, t.loss_n)
    t.loss_n = 0


cdef inline void tally_loss(const EpochState* s, ThreadScratch* t, float f, float label,
                            int count) noexcept nogil:
    """Adds ``count`` times the unit's loss -log sigmoid(+-f) = softplus(-+f) (a noise word
    drawn twice counts twice), when compute_loss is on: into the buffer, which train_text
    sums (sum_loss) before it can overflow and run_worker at the end of each chunk."""
    cdef int c
    cdef float y = -f if label > 0.5 else f
    if s.config.compute_loss:
        for c in range(count):
            t.loss_buf[t.loss_n + c] = y
        t.loss_n += count
        t.examples += count


cdef inline float* hs_row(const EpochState* s, const ThreadScratch* t,
                          int32_t node) noexcept nogil:
    """Where the thread trains inner node ``node``'s row: its own copy for the top nodes
    (node >= s.hot_first, see sync_hot_rows), w_hs for the others."""
    if node >= s.hot_first:
        return t.hot + (node - s.hot_first) * <int64_t>s.dim
    return s.w_hs + <int64_t>node * s.dim


cdef inline void sync_hot_rows(const EpochState* s, ThreadScratch* t) noexcept nogil:
    """Adds what this thread changed in its copy of the top tree nodes since the last sync
    to w_hs and copies the rows back, other threads' changes included.

    Every center word trains the root and the nodes below it, so with the rows shared their
    cache lines moved between the cores at every center (two threads were slower than one
    on CBOW-HS); in a thread's own copy they stay in its cache, and the threads see each
    other's changes hot_period centers late (as in Hogwild, a concurrent change of a row
    while it is added to may be lost). The rows are the last inner nodes created, the
    nodes of the highest counts (a tree's weights do not decrease in creation order), so
    those on the most paths. Called at every thread's start and end of an epoch: nothing
    it trained stays behind."""
    cdef int64_t i, n = (s.vocab_size - 1 - s.hot_first) * <int64_t>s.dim
    cdef float* shared = s.w_hs + s.hot_first * <int64_t>s.dim
    cdef float v
    for i in range(n):
        v = shared[i] + (t.hot[i] - t.hot_base[i])
        shared[i] = v
        t.hot[i] = v
        t.hot_base[i] = v
    t.hot_age = 0


cdef inline void path_rows(const EpochState* s, ThreadScratch* t,
                           int32_t target) noexcept nogil:
    """The hierarchical-softmax rows of ``target``, into t.out_rows[:t.n_hs] with their
    labels and counts: the inner nodes of its Huffman path, label 1 - code (none without hs).
    They depend on the target only: train_text fills them once per center word, and each row
    is prefetched as it is chosen (the deep nodes are cold), to load while h is built."""
    cdef int n = 0
    cdef int64_t p
    if s.config.hs:
        for p in range(s.path_off[target], s.path_off[target + 1]):
            t.out_rows[n] = s.points[p]
            t.out_label[n] = 1.0 - s.codes[p]
            t.out_count[n] = 1
            fw2v_prefetch_row(hs_row(s, t, s.points[p]), s.dim)
            n += 1
    t.n_hs = n


cdef inline void draw_noise_ahead(const EpochState* s, ThreadScratch* t) noexcept nogil:
    """Draws the noise words of the next output block (noise_rows) into t.noise_ahead and
    prefetches their rows: called when a block took the words drawn before it (and when a
    chunk begins), so that the rows, cold in cache for the most part, load while a whole
    block trains. The draws are those noise_rows would make itself: the noise words have
    their own generator (csrc/rng.h: fw2v_rng_stream)."""
    cdef int d
    cdef int32_t w
    for d in range(s.config.negative):
        w = draw_noise(s, &t.noise)
        t.noise_ahead[d] = w
        fw2v_prefetch_row(s.w_ns + <int64_t>w * s.dim, s.dim)


cdef inline int noise_rows(const EpochState* s, ThreadScratch* t,
                           int32_t target) noexcept nogil:
    """The negative-sampling rows of ``target``, after its path rows: the target (label 1),
    then its ``negative`` noise words (label 0, drawn ahead: draw_noise_ahead), a word equal
    to the target skipped (as in word2vec.c) and a repeated one adding 1 to its row's
    out_count instead of taking a row of its own (the rows of one block are distinct: see
    output_block). Returns the number of output rows (t.n_hs without negative sampling)."""
    cdef int d, k, n = t.n_hs
    cdef int32_t w
    if s.config.negative == 0:
        return n
    t.out_rows[n] = target
    t.out_label[n] = 1.0
    t.out_count[n] = 1
    n += 1
    for d in range(s.config.negative):
        w = t.noise_ahead[d]
        if w == target:
            continue
        k = t.n_hs + 1
        while k < n and t.out_rows[k] != w:
            k += 1
        if k < n:
            t.out_count[k] += 1
            continue
        t.out_rows[n] = w
        t.out_label[n] = 0.0
        t.out_count[n] = 1
        n += 1
    draw_noise_ahead(s, t)
    return n


cdef inline float* output_row(const EpochState* s, const ThreadScratch* t,
                              int k) noexcept nogil:
    """Output row k (path_rows, then noise_rows) in its matrix (w_hs or w_ns)."""
    if k < t.n_hs:
        return hs_row(s, t, t.out_rows[k])
    return s.w_ns + <int64_t>t.out_rows[k] * s.dim


cdef inline void output_block(const EpochState* s, ThreadScratch* t, const float* h,
                              float* grad_h, int n, float alpha) noexcept nogil:
    """Output layer, hs and negative sampling: h against the rows path_rows and noise_rows
    chose (t.out_rows[:n], distinct) as one block, in two passes over the rows (csrc/rows.h):
    their scores, then grad_h += G O and O += G.T h together, both from the rows before the
    update, with G = count * (label - sigmoid(scores)) * alpha. Distinct rows make this the
    unit-by-unit loop of word2vec.c up to rounding, except that a noise word drawn twice is
    one row whose gradient counts twice (word2vec.c's second draw sees the row its first
    draw updated); per unit it replaces one dot and two axpy calls (CBOW-HS profile before
    the blocks: 40% of the time inside BLAS, a third of it in the calls' wrappers)."""
    cdef int k
    cdef float* g = t.scores
    if n == 0:
        return
    for k in range(n):
        t.out_ptr[k] = output_row(s, t, k)
    fw2v_row_dots(1, &h, n, t.out_ptr, s.dim, g)
    for k in range(n):
        tally_loss(s, t, g[k], t.out_label[k], t.out_count[k])
        g[k] = t.out_count[k] * logistic_gradient(g[k], t.out_label[k], alpha)
    fw2v_rows_update(n, g, h, <float* const*>t.out_ptr, s.dim, grad_h)


cdef inline void full_softmax(const EpochState* s, ThreadScratch* t, const float* h,
                              float* grad_h, int32_t target, float alpha) noexcept nogil:
    """Output layer: the exact softmax over the whole vocabulary.

    scores = W_sm h (sgemv); g = (onehot(target) - softmax(scores)) * alpha, with a stable
    log-sum-exp; grad_h += W_sm.T g (sgemv); W_sm += g h.T (sger). The loss is the true
    cross-entropy ``logsumexp(scores) - scores[target]``."""
    cdef int v, n = s.vocab_size
    cdef float* p = t.scores
    cdef float top
    cdef double total = 0.0
    gemv(False, n, s.dim, 1.0, s.w_sm, s.dim, h, 0.0, p)
    top = p[0]
    for v in range(1, n):
        if p[v] > top:
            top = p[v]
    if s.config.compute_loss:
        t.examples += 1
        t.loss += top - p[target]
    for v in range(n):
        p[v] = expf(p[v] - top)
        total += p[v]
    if s.config.compute_loss:
        t.loss += log(total)
    for v in range(n):
        p[v] *= <float>(-alpha / total)
    p[target] += alpha
    gemv(True, n, s.dim, 1.0, s.w_sm, s.dim, p, 1.0, grad_h)
    ger(n, s.dim, 1.0, p, h, s.w_sm, s.dim)


cdef inline void output_layer(const EpochState* s, ThreadScratch* t, const float* h,
                              int32_t target, float alpha) noexcept nogil:
    """Fills t.grad_h with the gradient of the output layer(s) with respect to h (the path
    rows of ``target`` filled already, see path_rows)."""
    memset(t.grad_h, 0, s.dim * sizeof(float))
    output_block(s, t, h, t.grad_h, noise_rows(s, t, target), alpha)
    if s.config.softmax:
        full_softmax(s, t, h, t.grad_h, target, alpha)


cdef inline void tally_block_loss(ThreadScratch* t, int64_t n_ctx, int64_t n_out) noexcept nogil:
    """tally_loss for every unit of the batched kernel's (n_ctx, n_out) score block, cheaper
    than unit by unit (5% -> 2% of the kernel's time): the block is copied whole, then the
    label-1 columns negated and the columns of repeated draws appended count - 1 times more."""
    cdef float* y = t.loss_buf + t.loss_n
    cdef int64_t b, k, _c
    memcpy(y, t.scores, n_ctx * n_out * sizeof(float))
    t.loss_n += n_ctx * n_out
    for k in range(n_out):
        if t.out_label[k] > 0.5:
            for b in range(n_ctx):
                y[b * n_out + k] = -y[b * n_out + k]
        for _c in range(1, t.out_count[k]):
            for b in range(n_ctx):
                t.loss_buf[t.loss_n + b] = y[b * n_out + k]
            t.loss_n += n_ctx
        t.examples += t.out_count[k] * n_ctx
