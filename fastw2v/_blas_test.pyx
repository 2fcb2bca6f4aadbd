"""Python entry points to the ``_blas.pxd`` wrappers and the row products of csrc/rows.h, for
tests only (tests/test_blas.py).

Matrices are passed as their C-ordered storage, ``(rows, ld)`` with the leading dimension
``ld`` (the row stride) at least the logical width, so that tests can check that a wrapper
reads and writes only the logical part. The sizes are checked here, before BLAS sees them.
"""
# from ._blas (not `from . cimport _blas`), so that cythonize sees the dependency and rebuilds
from ._blas cimport (axpy as blas_axpy, scal as blas_scal, gemv as blas_gemv, ger as blas_ger,
                     gemm as blas_gemm, fw2v_axpy, fw2v_row_dots, fw2v_row_combine,
                     fw2v_rows_update)
from libc.stdint cimport uintptr_t
import numpy as np

cdef extern from "rows.h" nogil:
    ctypedef struct fw2v_rows_functions:
        void (*axpy)(int, float, const float*, float*)
        void (*row_dots)(int, const float* const*, int, const float* const*, int, float*)
        void (*row_combine)(int, int, const float*, int, int, const float* const*, int, float*)
        void (*rows_update)(int, const float*, const float*, float* const*, int, float*)
    fw2v_rows_functions fw2v_rows_instance(int width)


def widths():
    """The vector widths (floats) of the row products' instances this build has and this CPU
    runs, the last one the instance the kernels use"""
    return [w for w in (4, 8, 16) if fw2v_rows_instance(w).axpy != NULL]


cdef fw2v_rows_functions _instance(int width) except *:
    """The row products of the given width (0: those the kernels call)"""
    cdef fw2v_rows_functions f
    if width == 0:
        f.axpy, f.row_dots = fw2v_axpy, fw2v_row_dots
        f.row_combine, f.rows_update = fw2v_row_combine, fw2v_rows_update
        return f
    f = fw2v_rows_instance(width)
    if f.axpy == NULL:
        raise ValueError(f"width: {width}; allowed: 0 or one of {widths()}")
    return f


cdef _check_storage(str name, tuple shape, tuple logical):
    rows, cols = logical
    if rows < 1 or cols < 1 or shape[0] != rows or shape[1] < cols:
        raise ValueError(f"{name}: storage of shape {shape} cannot hold a ({rows}, "
                         f"{cols}) matrix; allowed: ({rows}, ld) with ld >= {cols} >= 1")


cdef _check_length(str name, Py_ssize_t length, int expected):
    if length != expected:
        raise ValueError(f"{name}: length {length}; allowed: {expected}")


def axpy(float a, const float[::1] x, float[::1] y, int width=0):
    """y += a * x (width: _blas.pxd's axpy, or the instance of that width)"""
    _check_length("y", y.shape[0], x.shape[0])
    if width == 0:
        blas_axpy(x.shape[0], a, &x[0], &y[0])
    else:
        _instance(width).axpy(x.shape[0], a, &x[0], &y[0])


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


cdef const float** _row_pointers(const float[:, ::1] m, const int[::1] rows,
                                 uintptr_t[::1] out) except NULL:
    """Pointers to rows ``rows`` of ``m`` (repeats allowed), in ``out``."""
    cdef Py_ssize_t i
    for i in range(rows.shape[0]):
        if not 0 <= rows[i] < m.shape[0]:
            raise ValueError(f"rows: {rows[i]} is not a row of a matrix of {m.shape[0]}")
        out[i] = <uintptr_t>&m[rows[i], 0]
    return <const float**>&out[0]


def row_dots(const float[:, ::1] a, const int[::1] ia, const float[:, ::1] b,
             const int[::1] ib, int width=0):
    """(len(ia), len(ib)) array of a[ia[i]] . b[ib[j]]"""
    cdef fw2v_rows_functions f = _instance(width)
    _check_length("b's width", b.shape[1], a.shape[1])
    cdef uintptr_t[::1] pa = np.zeros(ia.shape[0], np.uintp), pb = np.zeros(ib.shape[0], np.uintp)
    cdef float[:, ::1] out = np.zeros((ia.shape[0], ib.shape[0]), np.float32)
    f.row_dots(ia.shape[0], _row_pointers(a, ia, pa), ib.shape[0], _row_pointers(b, ib, pb),
               a.shape[1], &out[0, 0])
    return np.asarray(out)


def row_combine(const float[:, ::1] coef, bint transposed, const float[:, ::1] m,
                const int[::1] rows, int width=0):
    """coef @ m[rows] (coef (n_out, len(rows))), or coef.T @ m[rows] (coef (len(rows), n_out))
    with ``transposed``"""
    cdef fw2v_rows_functions f = _instance(width)
    cdef int n_rows = rows.shape[0]
    cdef int n_out = coef.shape[1] if transposed else coef.shape[0]
    _check_length("coef's rows" if transposed else "coef's columns",
                  coef.shape[0] if transposed else coef.shape[1], n_rows)
    cdef uintptr_t[::1] p = np.zeros(n_rows, np.uintp)
    cdef float[:, ::1] out = np.zeros((n_out, m.shape[1]), np.float32)
    f.row_combine(n_out, n_rows, &coef[0, 0], 1 if transposed else n_rows,
                  n_out if transposed else 1, _row_pointers(m, rows, p), m.shape[1], &out[0, 0])
    return np.asarray(out)


def rows_update(const float[::1] coef, const float[::1] x, float[:, ::1] m,
                const int[::1] rows, float[::1] grad, int width=0):
    """grad += coef @ m[rows] (the rows before the update), then m[rows[j]] += coef[j] * x
    (rows distinct)"""
    cdef fw2v_rows_functions f = _instance(width)
    _check_length("coef", coef.shape[0], rows.shape[0])
    _check_length("x", x.shape[0], m.shape[1])
    _check_length("grad", grad.shape[0], m.shape[1])
    cdef uintptr_t[::1] p = np.zeros(rows.shape[0], np.uintp)
    f.rows_update(rows.shape[0], &coef[0], &x[0], <float* const*>_row_pointers(m, rows, p),
                  m.shape[1], &grad[0])
