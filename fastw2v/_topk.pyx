# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Top-k selection over the rows of a score matrix, without the GIL.

One pass over each row keeps the k best (score, column) pairs in a binary heap whose root
is the worst of them, so a row of n scores costs O(n) comparisons plus O(log k) per
replacement, far less than a full ``argpartition``. "Best" means the higher score; of
equal scores the lower column comes first, so the order is deterministic.
"""
from libc.stdint cimport int64_t


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


cdef void _select_row(const float* row, Py_ssize_t n, Py_ssize_t k, float* hs,
                      int64_t* hi) noexcept nogil:
    """Write the k best columns of `row` to hi/hs, best first; if the row has fewer than
    k columns, the remaining slots get column -1."""
    cdef Py_ssize_t size = min(k, n), j, t
    cdef float s
    for j in range(size):
        hs[j] = row[j]
        hi[j] = j
    for t in range(size // 2 - 1, -1, -1):  # Floyd's heap construction
        _sift_down(hs, hi, size, t)
    for j in range(size, n):
        s = row[j]
        if s > hs[0]:  # a later column wins only with a strictly higher score
            hs[0] = s
            hi[0] = j
            _sift_down(hs, hi, size, 0)
    for t in range(size, k):
        hi[t] = -1
    # heap sort: the root (the worst kept) goes to the last free slot
    for t in range(size - 1, 0, -1):
        s, j = hs[0], hi[0]
        hs[0], hi[0] = hs[t], hi[t]
        _sift_down(hs, hi, t, 0)
        hs[t], hi[t] = s, j


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
    if out_index.shape[0] != m or out_score.shape[0] != m or out_score.shape[1] != k:
        raise ValueError(f"top_k_rows: shapes disagree: scores {(m, n)}, "
                         f"out_index {(out_index.shape[0], k)}, out_score {(out_score.shape[0], out_score.shape[1])}")
    if k == 0:
        return
    with nogil:
        for r in range(m):
            _select_row(&scores[r, 0], n, k, &out_score[r, 0], &out_index[r, 0])
