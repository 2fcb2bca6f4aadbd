"""The one typed layer over BLAS: everything else calls these, never raw BLAS signatures.

Matrices are C-ordered (row-major) with a leading dimension ``ld`` (the row stride); BLAS is
column-major, so each level-2/3 wrapper calls it on the transposes.
"""
from scipy.linalg.cython_blas cimport sdot, saxpy, sscal, sgemv, sger, sgemm


cdef inline float dot(int n, const float* x, const float* y) noexcept nogil:
    """x . y"""
    cdef int one = 1
    return sdot(&n, <float*>x, &one, <float*>y, &one)


cdef inline void axpy(int n, float a, const float* x, float* y) noexcept nogil:
    """y += a * x"""
    cdef int one = 1
    saxpy(&n, &a, <float*>x, &one, y, &one)


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
