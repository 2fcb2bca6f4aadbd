"""What the training kernel's files share: the C helpers of csrc/ and the kernel's state, its
hyperparameters (Config), what every thread of an epoch shares (EpochState) and what each
owns (ThreadScratch). EpochRunner (_train.pyx) fills them."""
from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t

cdef extern from "rng.h" nogil:
    ctypedef struct fw2v_rng:
        uint64_t state
    uint64_t fw2v_rng_next(fw2v_rng* r)
    void fw2v_rng_seed(fw2v_rng* r, uint64_t seed, uint64_t epoch, uint64_t chunk)
    void fw2v_rng_stream(fw2v_rng* r, uint64_t stream)
    uint32_t fw2v_rng_below(fw2v_rng* r, uint32_t n)

cdef extern from "sigmoid.h" nogil:
    void fw2v_sigmoid_init()
    float fw2v_sigmoid(float x)

cdef extern from "softplus.h" nogil:
    double fw2v_softplus_sum(const float* y, int64_t n)
    const int FW2V_SOFTPLUS_LANES
    const float FW2V_SOFTPLUS_PAD

cdef extern from "atomics.h" nogil:
    int64_t fw2v_fetch_add(int64_t* p, int64_t v)
    int64_t fw2v_load(const int64_t* p)
    int fw2v_load_int(const int* p)
    void fw2v_store_int(int* p, int v)

cdef extern from "prefetch.h" nogil:
    void fw2v_prefetch_row(const float* row, int dim)


cdef struct Config:
    # the hyperparameters the kernel reads, filled from EpochRunner's ``params`` by field name
    int window                    # context words each side of the center (at most)
    int negative                  # noise words per target (0: no negative sampling)
    bint hs                       # hierarchical softmax
    bint softmax                  # full softmax
    bint sg                       # skip-gram (else CBOW)
    bint batched                  # skip-gram, one block of products per window
    bint cbow_mean                # CBOW: h is the mean of the context rows (else their sum)
    bint shrink_windows           # each center's window drawn in 1..window
    bint compute_loss             # tally the loss
    uint64_t seed                 # with (epoch, chunk), the seed of a chunk's draws
    double alpha                  # the learning rate at the start of training
    double min_alpha              # ... and at its end (linear in between: alpha_at)
    int64_t epochs                # epochs of this training run


cdef struct EpochState:
    # shared by the threads of an epoch; all but the live state read-only
    Config config
    # weights: w_in (vocab, dim) and the output layers' (NULL when a layer is off)
    float* w_in
    float* w_ns
    float* w_hs
    float* w_sm
    const float* lockf            # lockf[w]: factor on the updates of w_in[w] (NULL: all 1)
    int dim
    int max_path                  # longest Huffman path (0 without hs)
    int64_t hot_first             # w_hs rows hot_first..vocab_size - 2, the tree's top nodes,
    # are trained in each thread's own copy and added back every hot_period centers
    # (_outputs.pxd: sync_hot_rows); vocab_size - 1: none, every row trained in place
    int64_t hot_period            # _train.pyx's HOT_PERIOD
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
    int64_t max_text              # words of the longest text
    int64_t epoch                 # this epoch's index, 0..config.epochs - 1
    int64_t first_epoch           # epochs trained before this run: with epoch, the draws'
    # live state, written by the threads
    int64_t next_chunk            # the next chunk to claim (atomic)
    int64_t words_done            # words of the chunks trained so far (atomic)
    int stop                      # set: threads return after their current chunk (atomic)
    int64_t running               # threads inside run_worker (atomic)
    int32_t* claims               # claims[c]: how often chunk c was taken this epoch


cdef struct ThreadScratch:
    # one thread's scratch and tallies, pointing into numpy arrays that EpochRunner keeps
    float* h                      # the hidden vector (CBOW: the window's mean or sum)
    float* grad_h                 # the output layers' gradient with respect to h
    int32_t* text                 # the current text after sub-sampling
    # the output rows of the current target (_outputs.pxd: path_rows, noise_rows)
    int32_t* out_rows             # hs path nodes, then the target and its noise words
    float* out_label              # 1 - code on the path, 1 for the target, 0 for noise
    int32_t* out_count            # batched: how often each output row was drawn
    int n_hs                      # out_rows[:n_hs] index w_hs, the others w_ns
    fw2v_rng noise                # the chunk's generator of noise words
    int32_t* noise_ahead          # (negative,): the next output block's noise words, drawn
    # and their rows prefetched while the current block trains (draw_noise_ahead)
    # where the window's context rows (batched kernel) and the output rows (batched kernel,
    # hs) are, and the batched kernel's gradients
    const float** ctx_ptr         # (n_ctx,), n_ctx = min(2 * window, longest text)
    const float** out_ptr         # (n_out,)
    float* ctx_grad               # (n_ctx, dim)
    float* out_grad               # (n_out, dim)
    float* scores                 # batched: (n_ctx, n_out); hs: (n_hs,); softmax: (vocab,)
    # (n_out = max_path + negative + 1, the most output rows a window can have)
    float* hot                    # (hot rows, dim): this thread's copy of the top tree nodes
    float* hot_base               # (hot rows, dim): the shared rows as of the last sync
    int64_t hot_age               # centers trained since the last sync
    float* loss_buf               # -signed scores of units whose loss is not summed yet
    int64_t loss_n                # units in loss_buf
    double loss                   # the loss summed so far
    int64_t examples              # units whose loss is tallied
    int64_t words                 # words read (before sub-sampling)
    int64_t effective_words       # words trained (after sub-sampling)
    char pad[64]  # the next thread's scratch starts a cache line further: no false sharing
