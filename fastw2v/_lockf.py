"""Lock factors (``KeyedVectors.vectors_lockf``, gensim's convention): one float32 factor
on training's updates of every key's vector, or one per key; 0 freezes a vector. Their
check, the form the kernels take, what a save holds, and the merge of pretrained vectors
that sets them (``KeyedVectors.intersect_word2vec_format``)."""
import logging
import os

import numpy as np

from ._checks import check_float
from .formats.word2vec import read_word2vec

logger = logging.getLogger("fastw2v")


def per_key_factors(kv):
    """``kv.vectors_lockf`` as the kernels take it: None for one factor 1.0 (the default:
    the kernels skip the factor), else one float32 factor per key.

    Raises
    ------
    ValueError
        vectors_lockf is not a 1-D float32 array of 1 or ``len(kv)`` factors.
    """
    lockf, n = kv.vectors_lockf, len(kv)
    if not (isinstance(lockf, np.ndarray) and lockf.dtype == np.float32
            and lockf.ndim == 1 and len(lockf) in (1, n)):
        got = (f"dtype {lockf.dtype} and shape {lockf.shape}"
               if isinstance(lockf, np.ndarray) else type(lockf).__name__)
        raise ValueError(f"vectors_lockf must be a 1-D float32 array of 1 factor (for every "
                         f"key) or {n} (one per key), got {got}")
    if len(lockf) == 1:
        return None if lockf[0] == 1.0 else np.full(n, lockf[0], dtype=np.float32)
    return np.ascontiguousarray(lockf)


def saved_factors(kv):
    """The arrays of a save of ``kv`` that keep its lock factors: none for the default."""
    return {} if per_key_factors(kv) is None else {"vectors_lockf": kv.vectors_lockf}


def intersect_word2vec_format(kv, fname, lockf, binary, encoding, unicode_errors):
    """KeyedVectors.intersect_word2vec_format (see there)."""
    lockf = check_float("lockf", lockf, 0.0, strict=False)
    factors = per_key_factors(kv)
    read = dict(binary=binary, encoding=encoding, unicode_errors=unicode_errors)
    size = read_word2vec(fname, limit=1, **read)[1].shape[1]  # before reading it all
    if size != kv.vector_size:
        raise ValueError(f"{os.fspath(fname)!r} holds vectors of size {size}, these have "
                         f"size {kv.vector_size}: they cannot be merged")
    words, vectors = read_word2vec(fname, **read)
    found = [(row, kv.key_to_index[w]) for row, w in enumerate(words) if w in kv.key_to_index]
    rows, indexes = [row for row, _ in found], [index for _, index in found]
    kv.vectors[indexes] = vectors[rows]
    factors = np.ones(len(kv), np.float32) if factors is None else factors.copy()
    factors[indexes] = lockf
    kv.vectors_lockf = factors
    kv._clear_norms()
    logger.info("merged %d vectors into the %s matrix from %s (lock factor %g)", len(found),
                kv.vectors.shape, os.fspath(fname), lockf)
