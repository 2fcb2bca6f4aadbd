"""Top-k selection without the GIL: over the rows of a score matrix (``top_k_rows``), or
over the rows of a product ``queries @ candidates.T`` that is never formed whole
(``top_k_products``).

Each row's k best (score, column) pairs so far are a binary heap whose root is the worst of
them, so a row of n scores costs O(n) comparisons plus O(log k) per replacement, far less
than a full ``argpartition``, and the scores can arrive in pieces. "Best" means the higher
score; of equal scores the lower column comes first, so the order is deterministic.
"""
from libc.stdint cimport int64_t
from libc.stdlib cimport malloc, free

from ._blas cimport gemm


cdef struct Heap:
    float* score
    int64_t* column
    Py_ssize_t size
    Py_ssize_t k


cdef inline bint _worse(float s1, int64_t i1, float s2, int64_t i2) noexcept nogil:
    """(s1, i1) ranks after (s2, i2)."""
    return s1 < s2 or (s1 == s2 and i1 > i2)


cdef void _sift_down(float* hs, int64_t* hi, Py_ssize_t size, Py_ssize_t pos) noexcept nogil:
    """Restore the heap below `pos`: every parent ranks after (is worse than) its children."""
    cdef float s = hs[pos]
    cdef int64_t i = hi[pos]
    cdef Py_ssize_t child
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        if child + 1 < size and _worse(hs[child + 1], hi[child + 1], hs[child], hi[child]):
            child += 1
        if not _worse(hs[child], hi[child], s, i):
            break
        hs[pos] = hs[child]
        hi[pos] = hi[child]
        pos = child
    hs[pos] = s
    hi[pos] = i


cdef inline void _heapify(Heap* h) noexcept nogil:
    """Floyd's heap construction over the h.size pairs."""
    cdef Py_ssize_t t
    for t in range(h.size // 2 - 1, -1, -1):
        _sift_down(h.score, h.column, h.size, t)


cdef void _offer(Heap* h, const float* row, Py_ssize_t n, int64_t first) noexcept nogil:
    """Offer the scores row[:n], of columns first, first + 1, ..., to the heap."""
    cdef Py_ssize_t j = 0
    cdef float s
    while h.size < h.k and j < n:  # filling: heapified once full (or by _finish)
        h.score[h.size] = row[j]
        h.column[h.size] = first + j
        h.size += 1
        j += 1
        if h.size == h.k:
            _heapify(h)
    for j in range(j, n):
        s = row[j]
        if s > h.score[0]:  # a later column wins only with a strictly higher score
            h.score[0] = s
            h.column[0] = first + j
            _sift_down(h.score, h.column, h.size, 0)


cdef void _finish(Heap* h) noexcept nogil:
    """Sort the heap's pairs best first into its arrays; column -1 in the slots beyond the
    columns seen."""
    cdef Py_ssize_t t
    cdef float s
    cdef int64_t j
    if h.size < h.k:
        _heapify(h)
    for t in range(h.size, h.k):
        h.column[t] = -1
    for t in range(h.size - 1, 0, -1):  # heap sort: the root (the worst kept) goes last
        s, j = h.score[0], h.column[0]
        h.score[0], h.column[0] = h.score[t], h.column[t]
        _sift_down(h.score, h.column, t, 0)
        h.score[t], h.column[t] = s, j


cdef inline Heap _heap(float* score, int64_t* column, Py_ssize_t k) noexcept nogil:
    cdef Heap h
    h.score, h.column, h.size, h.k = score, column, 0, k
    return h


def _check_outputs(Py_ssize_t m, int64_t[:, ::1] out_index, float[:, ::1] out_score, what):
    if (out_index.shape[0] != m or out_score.shape[0] != m
            or out_score.shape[1] != out_index.shape[1]):
        raise ValueError(f"{what}: shapes disagree: {m} rows, out_index "
                         f"{(out_index.shape[0], out_index.shape[1])}, out_score "
                         f"{(out_score.shape[0], out_score.shape[1])}")


def top_k_rows(const float[:, ::1] scores, int64_t[:, ::1] out_index, float[:, ::1] out_score):
    """For each row r of `scores`, the k = ``out_index.shape[1]`` best columns, best first.

    Parameters
    ----------
    scores : float32 array of shape (m, n), C-contiguous
    out_index : int64 array of shape (m, k)
        Receives the columns; -1 in the slots beyond n when k > n.
    out_score : float32 array of shape (m, k)
        Receives their scores (undefined where the column is -1).

    Raises
    ------
    ValueError
        If the shapes disagree.
    """
    cdef Py_ssize_t m = scores.shape[0], n = scores.shape[1], k = out_index.shape[1], r
    cdef Heap h
    _check_outputs(m, out_index, out_score, "top_k_rows")
    if k == 0:
        return
    with nogil:
        for r in range(m):
            h = _heap(&out_score[r, 0], &out_index[r, 0], k)
            _offer(&h, &scores[r, 0], n, 0)
            _finish(&h)


def top_k_products(const float[:, ::1] queries, const float[:, ::1] candidates,
                   int64_t[:, ::1] out_index, float[:, ::1] out_score, float[:, ::1] buffer):
    """``top_k_rows(queries @ candidates.T, out_index, out_score)`` without the whole
    product: ``buffer.shape[0]`` queries at a time against ``buffer.shape[1]`` candidates at
    a time (one sgemm into `buffer`, small enough to stay in cache), each piece offered to
    those queries' heaps as soon as it is computed.

    BLAS runs in the calling thread; several threads may each call this on their own rows
    and buffers (limit BLAS to one thread for that, e.g. with threadpoolctl).

    Parameters
    ----------
    queries : float32 array of shape (m, d), C-contiguous
    candidates : float32 array of shape (n, d), C-contiguous
    out_index, out_score : int64 and float32 arrays of shape (m, k)
        As for top_k_rows.
    buffer : float32 array of shape (rows, columns), C-contiguous
        Scratch for the products.

    Raises
    ------
    ValueError
        If the shapes disagree.
    """
    cdef Py_ssize_t m = queries.shape[0], d = queries.shape[1], n = candidates.shape[0]
    cdef Py_ssize_t k = out_index.shape[1], rows = buffer.shape[0], cols = buffer.shape[1]
    cdef Py_ssize_t r0, c0, r, nr, nc
    cdef Heap* heaps
    _check_outputs(m, out_index, out_score, "top_k_products")
    if candidates.shape[1] != d or rows == 0 or cols == 0:
        raise ValueError(f"top_k_products: shapes disagree: queries {(m, d)}, candidates "
                         f"{(n, candidates.shape[1])}, buffer {(rows, cols)}")
    if k == 0 or m == 0:
        return
    heaps = <Heap*>malloc(rows * sizeof(Heap))
    if heaps == NULL:
        raise MemoryError()
    with nogil:
        r0 = 0
        while r0 < m:
            nr = min(rows, m - r0)
            for r in range(nr):
                heaps[r] = _heap(&out_score[r0 + r, 0], &out_index[r0 + r, 0], k)
            c0 = 0
            while c0 < n:
                nc = min(cols, n - c0)
                gemm(False, True, <int>nr, <int>nc, <int>d, 1.0, &queries[r0, 0], <int>d,
                     &candidates[c0, 0], <int>d, 0.0, &buffer[0, 0], <int>nc)
                for r in range(nr):
                    _offer(&heaps[r], &buffer[0, 0] + r * nc, nc, c0)
                c0 += nc
            for r in range(nr):
                _finish(&heaps[r])
            r0 += nr
    free(heaps)
