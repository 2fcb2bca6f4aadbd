"""Python entry points to the ``_blas.pxd`` wrappers, for tests only (tests/test_blas.py).

Matrices are passed as their C-ordered storage, ``(rows, ld)`` with the leading dimension
``ld`` (the row stride) at least the logical width, so that tests can check that a wrapper
reads and writes only the logical part. The sizes are checked here, before BLAS sees them.
"""
# from ._blas (not `from . cimport _blas`), so that cythonize sees the dependency and rebuilds
from ._blas cimport (dot as blas_dot, axpy as blas_axpy, scal as blas_scal, gemv as blas_gemv,
                     ger as blas_ger, gemm as blas_gemm)


cdef _check_storage(str name, tuple shape, tuple logical):
    rows, cols = logical
    if rows < 1 or cols < 1 or shape[0] != rows or shape[1] < cols:
        raise ValueError(f"{name}: storage of shape {shape} cannot hold a ({rows}, "
                         f"{cols}) matrix; allowed: ({rows}, ld) with ld >= {cols} >= 1")


cdef _check_length(str name, Py_ssize_t length, int expected):
    if length != expected:
        raise ValueError(f"{name}: length {length}; allowed: {expected}")


def dot(const float[::1] x, const float[::1] y):
    """x . y"""
    _check_length("y", y.shape[0], x.shape[0])
    return blas_dot(x.shape[0], &x[0], &y[0])


def axpy(float a, const float[::1] x, float[::1] y):
    """y += a * x"""
    _check_length("y", y.shape[0], x.shape[0])
    blas_axpy(x.shape[0], a, &x[0], &y[0])


def scal(float a, float[::1] x):
    """x *= a"""
    blas_scal(x.shape[0], a, &x[0])


def gemv(bint trans, int m, int n, float alpha, const float[:, ::1] a, const float[::1] x,
         float beta, float[::1] y):
    """y = alpha * op(A) x + beta * y, A (m, n) in the storage `a`."""
    _check_storage("a", tuple(a.shape)[:2], (m, n))
    _check_length("x", x.shape[0], m if trans else n)
    _check_length("y", y.shape[0], n if trans else m)
    blas_gemv(trans, m, n, alpha, &a[0, 0], a.shape[1], &x[0], beta, &y[0])


def ger(int m, int n, float alpha, const float[::1] x, const float[::1] y, float[:, ::1] a):
    """A += alpha * x y.T, A (m, n) in the storage `a`."""
    _check_length("x", x.shape[0], m)
    _check_length("y", y.shape[0], n)
    _check_storage("a", tuple(a.shape)[:2], (m, n))
    blas_ger(m, n, alpha, &x[0], &y[0], &a[0, 0], a.shape[1])


def gemm(bint trans_a, bint trans_b, int m, int n, int k, float alpha, const float[:, ::1] a,
         const float[:, ::1] b, float beta, float[:, ::1] c):
    """C = alpha * op(A) op(B) + beta * C, C (m, n), op(A) (m, k), op(B) (k, n), each in
    its storage (A stored (k, m) if trans_a, B stored (n, k) if trans_b)."""
    _check_storage("a", tuple(a.shape)[:2], (k, m) if trans_a else (m, k))
    _check_storage("b", tuple(b.shape)[:2], (n, k) if trans_b else (k, n))
    _check_storage("c", tuple(c.shape)[:2], (m, n))
    blas_gemm(trans_a, trans_b, m, n, k, alpha, &a[0, 0], a.shape[1], &b[0, 0], b.shape[1],
              beta, &c[0, 0], c.shape[1])
