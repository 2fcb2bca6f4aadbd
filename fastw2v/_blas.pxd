"""The one typed layer over BLAS: everything else calls these, never raw BLAS signatures.

Matrices are C-ordered (row-major) with a leading dimension ``ld`` (the row stride); BLAS is
column-major, so each level-2/3 wrapper calls it on the transposes.

axpy, on the vectors of one word, is plain vector code (csrc/rows.h) rather than saxpy: at a
few hundred floats OpenBLAS's call path (the Fortran-style wrapper, its checks, the dispatch
to its kernel) cost as much as the arithmetic (CBOW-NS profile: a third
of the time inside BLAS went to the wrappers). The row products of the same file (several
rows given by pointers against several others), which the kernels call directly, are
declared here too.
"""
from scipy.linalg.cython_blas cimport sscal, sgemv, sger, sgemm

cdef extern from "rows.h" nogil:
    void fw2v_axpy(int dim, float a, const float* x, float* y)
    void fw2v_row_dots(int n_a, const float* const* a, int n_b, const float* const* b,
                       int dim, float* out)
    void fw2v_row_combine(int n_out, int n_rows, const float* coef, int ci, int cj,
                          const float* const* rows, int dim, float* out)
    void fw2v_rows_update(int n_rows, const float* coef, const float* x, float* const* rows,
                          int dim, float* grad)


cdef inline void axpy(int n, float a, const float* x, float* y) noexcept nogil:
    """y += a * x"""
    fw2v_axpy(n, a, x, y)


cdef inline void scal(int n, float a, float* x) noexcept nogil:
    """x *= a"""
    cdef int one = 1
    sscal(&n, &a, x, &one)


cdef inline void gemv(bint trans, int m, int n, float alpha, const float* a, int lda,
                      const float* x, float beta, float* y) noexcept nogil:
    """y = alpha * op(A) x + beta * y, A (m, n) row-major, op(A) = A.T if trans else A."""
    cdef int one = 1
    cdef char t = b'N' if trans else b'T'
    sgemv(&t, &n, &m, &alpha, <float*>a, &lda, <float*>x, &one, &beta, y, &one)


cdef inline void ger(int m, int n, float alpha, const float* x, const float* y, float* a,
                     int lda) noexcept nogil:
    """A += alpha * x y.T, A (m, n) row-major."""
    cdef int one = 1
    sger(&n, &m, &alpha, <float*>y, &one, <float*>x, &one, a, &lda)


cdef inline void gemm(bint trans_a, bint trans_b, int m, int n, int k, float alpha,
                      const float* a, int lda, const float* b, int ldb, float beta, float* c,
                      int ldc) noexcept nogil:
    """C = alpha * op(A) op(B) + beta * C, C (m, n) row-major, op(A) (m, k), op(B) (k, n)."""
    cdef char ta = b'T' if trans_a else b'N'
    cdef char tb = b'T' if trans_b else b'N'
    sgemm(&tb, &ta, &n, &m, &k, &alpha, <float*>b, &ldb, <float*>a, &lda, &beta, c, &ldc)
