# cython: language_level=3
"""The one typed layer over BLAS: everything else calls dot/axpy/scal, never raw BLAS."""
from scipy.linalg.cython_blas cimport sdot, saxpy, sscal


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
