"""Nearest neighbours by cosine: rows scaled to unit length, and the best `k` of scores
(one row of scores, or the product of query and candidate matrices, tiled and split between
threads so that no full product is formed) over the kernels of :mod:`fastw2v._topk`."""
import concurrent.futures

import numpy as np

from ._system import single_threaded_blas, usable_cpus
from ._topk import top_k_products, top_k_rows

# top_k_of_products: the scores one sgemm computes (1 MB, in cache) before their top-k
_QUERIES_PER_PRODUCT = 256
_CANDIDATES_PER_PRODUCT = 1024


def unit_rows(matrix):
    """float32 copy of a 2-D array with every row scaled to unit L2 length (zero rows stay 0)."""
    unit = np.array(matrix, dtype=np.float32)
    norms = np.sqrt(np.einsum("ij,ij->i", unit, unit))
    norms[norms == 0] = 1.0
    unit /= norms[:, np.newaxis]
    return unit


def top_k(scores, k):
    """The `k` best columns of each row of a 2-D score array, best first (ties: lower column).

    Returns (columns, scores): int64 and float32 arrays of shape ``(rows, min(k, columns))``.
    """
    scores = np.ascontiguousarray(scores, dtype=np.float32)
    k = min(k, scores.shape[1])
    index = np.empty((scores.shape[0], k), dtype=np.int64)
    best = np.empty((scores.shape[0], k), dtype=np.float32)
    top_k_rows(scores, index, best)
    return index, best


def top_k_of_products(queries, candidates, k, block=None):
    """:func:`top_k` of ``queries @ candidates.T``, without forming the product.

    The query rows are split between the usable CPUs; each thread scores `block` queries
    (default `_QUERIES_PER_PRODUCT`) against `_CANDIDATES_PER_PRODUCT` candidates at a time
    with single-threaded sgemm into a buffer that stays in cache (top_k_products), so memory
    is bounded by that buffer per thread.
    """
    k = min(k, len(candidates))
    index = np.empty((len(queries), k), dtype=np.int64)
    best = np.empty((len(queries), k), dtype=np.float32)
    rows = block or _QUERIES_PER_PRODUCT
    parts = max(1, min(usable_cpus(), -(-len(queries) // rows)))
    bounds = np.linspace(0, len(queries), parts + 1).astype(int)

    def part(a, b):
        shape = (min(rows, b - a), min(_CANDIDATES_PER_PRODUCT, len(candidates)))
        buffer = np.empty((max(1, shape[0]), max(1, shape[1])), dtype=np.float32)
        top_k_products(queries[a:b], candidates, index[a:b], best[a:b], buffer)

    with single_threaded_blas():
        if parts == 1:
            part(0, len(queries))
        else:
            with concurrent.futures.ThreadPoolExecutor(parts) as pool:
                for done in [pool.submit(part, a, b) for a, b in zip(bounds[:-1], bounds[1:])]:
                    done.result()
    return index, best
