"""Nearest neighbours by cosine: rows scaled to unit length (and KeyedVectors' cache of
them, with the L2 norms), and the best `k` of scores (one row of scores, or the product of
query and candidate matrices, tiled and split between threads so that no full product is
formed) over the kernels of :mod:`fastw2v._topk`."""
import concurrent.futures
import logging

import numpy as np

from ._system import single_threaded_blas, usable_cpus
from ._topk import top_k_products, top_k_rows

# top_k_of_products: the scores one sgemm computes (1 MB, in cache) before their top-k
_QUERIES_PER_PRODUCT = 256
_CANDIDATES_PER_PRODUCT = 1024


logger = logging.getLogger("fastw2v")


def unit_rows(matrix):
    """float32 copy of a 2-D array with every row scaled to unit L2 length (zero rows stay 0)."""
    return _unit_rows_and_norms(matrix)[0]


def _unit_rows_and_norms(matrix):
    """:func:`unit_rows` of `matrix` and the float32 L2 norms of its rows."""
    unit = np.array(matrix, dtype=np.float32)
    norms = np.sqrt(np.einsum("ij,ij->i", unit, unit))
    unit /= np.where(norms == 0, np.float32(1), norms)[:, np.newaxis]
    return unit, norms


class UnitVectors:
    """The cached unit-length vectors and L2 norms of :class:`~fastw2v.KeyedVectors`, the
    means of its vectors (a mixin: it uses the host's
    ``get_index``, ``get_vector``, ``closer_than``, ``vector_size``, ``_vectors`` and the
    ``_normed`` (None) and ``_version`` (0) attributes its constructor sets)."""

    @property
    def norms(self):
        """numpy.ndarray or None: the L2 norm of each vector, as gensim's ``norms``: None until
        :meth:`fill_norms` (or a query) computes them, and again after the vectors change.
        Only None may be assigned (it drops the cache)."""
        cached = self._normed
        return cached[2] if cached is not None and cached[0] == self._version else None

    @norms.setter
    def norms(self, value):
        if value is not None:
            raise TypeError("norms can only be set to None (to drop the cached norms), got "
                            f"{type(value).__name__}; fill_norms() computes them")
        self._clear_norms()

    def _clear_norms(self):
        """Drop the cached unit-length vectors; call after changing `vectors` in place.

        Also counts the change, so that unit vectors computed meanwhile from the old values
        (a query in another thread, during training) are not cached."""
        self._version += 1
        self._normed = None

    def fill_norms(self, force=False):
        """Compute the cached norms and unit-length vectors if they are missing (or always,
        with `force`).

        The cache is dropped automatically when `vectors` is assigned or keys are added;
        after changing rows of `vectors` in place, call ``fill_norms(force=True)``.

        Parameters
        ----------
        force : bool, optional
            Recompute even if the cache exists.
        """
        self._unit_vectors(force)

    def _unit_vectors(self, force=False):
        """The unit-length vectors: the cached ones if computed at the current version, else
        computed now and cached with the version they were computed at (so that a result
        the vectors changed under, in another thread, is never served). Needs no lock."""
        cached = self._normed
        if cached is not None and cached[0] == self._version and not force:
            return cached[1]
        version = self._version
        normed, norms = _unit_rows_and_norms(self._vectors)
        normed.setflags(write=False)  # shared by every query: not to be changed in place
        self._normed = (version, normed, norms)
        return normed

    def get_normed_vectors(self):
        """All vectors scaled to unit L2 length (cached, see :meth:`fill_norms`).

        Returns
        -------
        numpy.ndarray
            Read-only float32 array of shape ``(n, d)``; all-zero rows stay zero. (gensim
            returns a new writable array at each call.)
        """
        return self._unit_vectors()

    def get_mean_vector(self, keys, weights=None, pre_normalize=True, post_normalize=False,
                        ignore_missing=True):
        """Weighted mean of the vectors of keys and of given vectors (gensim's method).

        Parameters
        ----------
        keys : list of (str or int or numpy.ndarray) or 2-D numpy.ndarray
            Keys (see :meth:`get_index`) and/or 1-D vectors of length `vector_size`.
        weights : list of float or numpy.ndarray, optional
            One weight per item of `keys` (default 1 each); the sum is divided by the total
            absolute weight of the items used.
        pre_normalize : bool, optional
            Use the unit-length vectors of keys (given vectors are used as they are).
        post_normalize : bool, optional
            Scale the mean to unit length.
        ignore_missing : bool, optional
            Skip keys that have no vector (False: raise a KeyError).

        Returns
        -------
        numpy.ndarray
            1-D array of length `vector_size` (zeros if no item was used).

        Raises
        ------
        ValueError
            If `keys` is empty, `weights` has not one value per item, or a vector has the
            wrong shape.
        KeyError
            If a key is missing and `ignore_missing` is False.
        """
        if len(keys) == 0:
            raise ValueError("keys must hold at least one key or vector, got none")
        weights = np.ones(len(keys)) if weights is None else np.asarray(weights, dtype=float)
        if weights.shape != (len(keys),):
            raise ValueError(f"weights must hold one value per item of keys ({len(keys)}), "
                             f"got shape {weights.shape}")
        source = self.get_normed_vectors() if pre_normalize else self._vectors
        mean = np.zeros(self.vector_size, dtype=self._vectors.dtype)
        total = 0.0
        for key, weight in zip(keys, weights.tolist()):
            if isinstance(key, np.ndarray):
                mean += weight * self._check_query_vector(key)
            else:
                row = self.get_index(key, -1)
                if row < 0:
                    if ignore_missing:
                        continue
                    raise KeyError(f"Key '{key}' not present in vocabulary")
                mean += weight * source[row]
            total += abs(weight)
        if total > 0:
            mean /= total
        return unit_rows(mean[np.newaxis, :])[0] if post_normalize else mean

    @staticmethod
    def cosine_similarities(vector_1, vectors_all):
        """Cosine similarities of a vector to each row of a matrix (gensim's static method).

        Parameters
        ----------
        vector_1 : numpy.ndarray
            1-D vector of length ``d``.
        vectors_all : numpy.ndarray
            2-D array of shape ``(n, d)``.

        Returns
        -------
        numpy.ndarray
            The ``n`` similarities (NaN, with numpy's warning, where a vector is all zeros,
            as in gensim).
        """
        lengths = np.linalg.norm(vectors_all, axis=1) * np.linalg.norm(vector_1)
        return np.dot(vectors_all, vector_1) / lengths

    def unit_normalize_all(self):
        """Scale every vector to unit L2 length in place (gensim's method); :attr:`norms`
        become ones. All-zero vectors stay zero (gensim makes them NaN). Training further
        is possible but rarely sensible.

        Raises
        ------
        ValueError
            If `vectors` is read-only (memory-mapped with ``mmap='r'``).
        """
        if not self._vectors.flags.writeable:
            raise ValueError("unit_normalize_all() changes vectors in place, but they are "
                             "read-only (loaded with mmap='r'?); load with mmap='c' or None")
        unit = self._unit_vectors()
        self._vectors[...] = unit
        self._clear_norms()
        self._normed = (self._version, unit, np.ones(len(unit)))

    def _check_query_vector(self, vector):
        if vector.shape != (self.vector_size,):
            raise ValueError(f"vectors must have shape ({self.vector_size},), got {vector.shape}")
        return vector


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
