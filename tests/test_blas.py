"""Each wrapper of fastw2v/_blas.pxd and each row product of csrc/rows.h against numpy,
through the test entry points of fastw2v/_blas_test.pyx. The level-2/3 wrappers hand
row-major matrices to column-major BLAS by swapping operands and transpositions; the cases
cover every transposition, 1xN and Nx1 and non-square shapes, alpha != 1, beta != 0, and a
leading dimension wider than the matrix (whose padding must stay untouched)."""
import itertools

import numpy as np
import pytest

from fastw2v import _blas_test as blas

SHAPES = [(1, 1), (1, 5), (5, 1), (3, 4), (4, 3), (6, 6)]
PAD = 3  # extra columns of storage beyond each matrix: the leading dimension is wider
ALPHA_BETA = [(1.0, 0.0), (-0.75, 0.0), (1.0, 0.5), (2.5, -1.25)]
RTOL, ATOL = 1e-5, 1e-5


def padded(rng, rows, cols):
    """(storage, view): C-ordered storage (rows, cols + PAD) of random floats, the matrix its
    first cols columns."""
    storage = rng.standard_normal((rows, cols + PAD)).astype(np.float32)
    return storage, storage[:, :cols]


def vector(rng, n):
    return rng.standard_normal(n).astype(np.float32)


# row widths that reach every span of csrc/rows.h for each vector width W (16, 8, 4 floats):
# blocks of 4 W floats, then 1-3 vectors of W floats, of 4 and of 1
ROW_WIDTHS = [1, 3, 4, 7, 12, 16, 19, 31, 40, 48, 63, 64, 65, 100, 117, 300]
# the instances of the row products: 0 for the one the kernels call (the widest this CPU
# runs), then each vector width, those this CPU cannot run skipped
INSTANCES = [0, 4, 8, 16]


def instance(width):
    if width and width not in blas.widths():
        pytest.skip(f"this CPU does not run the {width}-float instance (runs {blas.widths()})")
    return width


def test_the_kernels_use_the_widest_instance_the_cpu_runs():
    # (the instances sum in different orders: their rounding tells them apart)
    rng = np.random.default_rng(0)
    m = np.stack([vector(rng, 300), vector(rng, 300)])
    one, two = np.array([0], np.int32), np.array([1], np.int32)
    assert blas.widths()[0] == 4
    assert blas.row_dots(m, one, m, two) == blas.row_dots(m, one, m, two,
                                                          width=blas.widths()[-1])
    with pytest.raises(ValueError, match=r"width: 5; allowed: 0 or one of \[4"):
        blas.row_dots(m, one, m, two, width=5)


@pytest.mark.parametrize("width", INSTANCES)
@pytest.mark.parametrize("n", [1, 2, 7, 33] + ROW_WIDTHS)
def test_level1_wrappers_match_numpy(n, width):
    width = instance(width)
    rng = np.random.default_rng(n)
    x, y = vector(rng, n), vector(rng, n)
    expected = y + np.float32(-1.5) * x
    blas.axpy(-1.5, x, y, width=width)
    np.testing.assert_allclose(y, expected, rtol=RTOL, atol=ATOL)

    expected = np.float32(0.25) * x
    blas.scal(0.25, x)
    np.testing.assert_allclose(x, expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("trans", [False, True])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("alpha, beta", ALPHA_BETA)
def test_gemv_matches_numpy(trans, shape, alpha, beta):
    m, n = shape
    rng = np.random.default_rng([m, n, trans])
    storage, a = padded(rng, m, n)
    op_a = a.T if trans else a
    x, y = vector(rng, op_a.shape[1]), vector(rng, op_a.shape[0])
    before = storage.copy()
    expected = alpha * op_a.astype(np.float64) @ x + beta * y

    blas.gemv(trans, m, n, alpha, storage, x, beta, y)

    np.testing.assert_allclose(y, expected, rtol=RTOL, atol=ATOL)
    np.testing.assert_array_equal(storage, before)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("alpha", [1.0, -0.75, 2.5])
def test_ger_matches_numpy_and_keeps_the_padding(shape, alpha):
    m, n = shape
    rng = np.random.default_rng([m, n])
    storage, a = padded(rng, m, n)
    x, y = vector(rng, m), vector(rng, n)
    expected = a + alpha * np.outer(x, y)
    padding = storage[:, n:].copy()

    blas.ger(m, n, alpha, x, y, storage)

    np.testing.assert_allclose(a, expected, rtol=RTOL, atol=ATOL)
    np.testing.assert_array_equal(storage[:, n:], padding)


@pytest.mark.parametrize("trans_a, trans_b", list(itertools.product([False, True], repeat=2)))
@pytest.mark.parametrize("m, n, k", [(1, 1, 1), (1, 5, 3), (5, 1, 3), (4, 3, 1), (2, 3, 4),
                                     (4, 2, 3), (3, 3, 3)])
@pytest.mark.parametrize("alpha, beta", ALPHA_BETA)
def test_gemm_matches_numpy_and_keeps_the_padding(trans_a, trans_b, m, n, k, alpha, beta):
    rng = np.random.default_rng([m, n, k, trans_a, trans_b])
    a_storage, a = padded(rng, *((k, m) if trans_a else (m, k)))
    b_storage, b = padded(rng, *((n, k) if trans_b else (k, n)))
    c_storage, c = padded(rng, m, n)
    op_a, op_b = (a.T if trans_a else a), (b.T if trans_b else b)
    expected = alpha * op_a.astype(np.float64) @ op_b + beta * c
    padding = c_storage[:, n:].copy()

    blas.gemm(trans_a, trans_b, m, n, k, alpha, a_storage, b_storage, beta, c_storage)

    np.testing.assert_allclose(c, expected, rtol=RTOL, atol=ATOL)
    np.testing.assert_array_equal(c_storage[:, n:], padding)


@pytest.mark.parametrize("width", INSTANCES)
@pytest.mark.parametrize("dim", ROW_WIDTHS)
@pytest.mark.parametrize("n_a, n_b", [(1, 1), (1, 15), (6, 6), (5, 9), (3, 4)])
def test_row_products_match_numpy(dim, n_a, n_b, width):
    width = instance(width)
    rng = np.random.default_rng(dim * 100 + n_a * 10 + n_b)
    a, b = rng.standard_normal((20, dim)).astype(np.float32), rng.standard_normal(
        (30, dim)).astype(np.float32)
    ia, ib = rng.integers(0, 20, n_a).astype(np.int32), rng.choice(30, n_b, False).astype(
        np.int32)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    np.testing.assert_allclose(blas.row_dots(a, ia, b, ib, width), a64[ia] @ b64[ib].T,
                               rtol=RTOL, atol=ATOL * dim)

    coef = rng.standard_normal((n_a, n_b)).astype(np.float32)
    coef[rng.random((n_a, n_b)) < 0.3] = 0.0  # saturated units: skipped
    np.testing.assert_allclose(blas.row_combine(coef, False, b, ib, width), coef @ b64[ib],
                               rtol=RTOL, atol=ATOL * n_b)
    np.testing.assert_allclose(blas.row_combine(coef, True, a, ia, width), coef.T @ a64[ia],
                               rtol=RTOL, atol=ATOL * n_a)

    x, before = a[ia[0]].copy(), b.copy()
    grad = rng.standard_normal(dim).astype(np.float32)
    expected_grad = grad + coef[0] @ b64[ib]
    blas.rows_update(coef[0], x, b, ib, grad, width)
    np.testing.assert_allclose(grad, expected_grad, rtol=RTOL, atol=ATOL * n_b)
    expected = before.astype(np.float64)
    expected[ib] += coef[0][:, None].astype(np.float64) * x
    np.testing.assert_allclose(b, expected, rtol=RTOL, atol=ATOL)
    untouched = np.setdiff1d(np.arange(30), ib)
    np.testing.assert_array_equal(b[untouched], before[untouched])


def test_row_entry_points_refuse_a_row_out_of_range():
    m = np.zeros((3, 4), np.float32)
    with pytest.raises(ValueError, match="rows: 3 is not a row of a matrix of 3"):
        blas.row_dots(m, np.array([3], np.int32), m, np.array([0], np.int32))


def test_entry_points_refuse_storage_too_small_for_the_matrix():
    a = np.zeros((3, 4), np.float32)
    with pytest.raises(ValueError, match=r"a: storage of shape \(3, 4\) cannot hold a \(3, 5\) "
                                         r"matrix; allowed: \(3, ld\) with ld >= 5 >= 1"):
        blas.gemv(False, 3, 5, 1.0, a, np.zeros(5, np.float32), 0.0, np.zeros(3, np.float32))
    with pytest.raises(ValueError, match=r"^y: length 2; allowed: 3$"):
        blas.axpy(1.0, np.zeros(3, np.float32), np.zeros(2, np.float32))
