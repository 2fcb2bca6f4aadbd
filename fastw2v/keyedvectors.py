"""The word-vector container: keys and their vectors, lookups, the cached unit vectors,
and save/load, under gensim 4's ``KeyedVectors`` names.

:class:`KeyedVectors` inherits its similarity queries from :mod:`fastw2v._similarity`
(ranked by :mod:`fastw2v._neighbours`), its per-key attributes and additions from
:mod:`fastw2v._kv_edit`, gensim 3's removed names from :mod:`fastw2v._gensim3_names`;
its test-file evaluations are
:mod:`fastw2v.evaluation`; its save/load methods delegate to the pickle-free native format
(:mod:`fastw2v.formats.native`); those of the word2vec C text/binary formats are
:mod:`fastw2v._kv_word2vec`'s.
"""

import logging
import numbers
import os

import numpy as np

from . import _lockf, evaluation
from ._checks import check_int
from ._gensim3_names import Gensim3Names
from ._kv_edit import KeyedVectorsEditing
from ._kv_word2vec import Word2VecFormat
from ._lifecycle import LifecycleEvents
from ._similarity import KEY_TYPES, SimilarityQueries
from ._wmd import wmdistance
from .formats.native import (
    attribute_arrays,
    attributes_of,
    load_arrays,
    lock_factors_of,
    savable_keys,
    save_arrays,
    word_vectors_of,
)

logger = logging.getLogger("fastw2v")


class KeyedVectors(LifecycleEvents, KeyedVectorsEditing, Word2VecFormat, Gensim3Names,
                   SimilarityQueries):
    """A set of vectors, one per key (word), in a 2-D array with a row per key.

    Two constructors, told apart by the first argument: gensim's
    ``KeyedVectors(vector_size, count=0, dtype=np.float32, mapfile_path=None)`` (an int
    first: `count` empty slots that :meth:`add_vector` fills) and fastw2v's
    ``KeyedVectors(vectors, index_to_key, counts=None)`` (anything else first). The
    similarity queries (``most_similar``, ``similarity``, ...) are those of
    :class:`fastw2v._similarity.SimilarityQueries`; the per-key attributes and additions
    those of :class:`fastw2v._kv_edit.KeyedVectorsEditing`; gensim 3's names, removed
    in gensim 4, behave as in gensim 4.4 (:class:`fastw2v._gensim3_names.Gensim3Names`).

    Parameters
    ----------
    vector_size : int
        gensim's form: the dimensionality (>= 1).
    count : int, optional
        gensim's form: the rows preallocated (zeros, key None) for :meth:`add_vector`.
    dtype : numpy floating dtype, optional
        gensim's form: the dtype of the vectors.
    mapfile_path : str, optional
        gensim's form: stored as the attribute `mapfile_path`, otherwise unused (as in
        gensim).
    vectors : numpy.ndarray
        fastw2v's form: 2-D floating-point array of shape ``(n, d)``, normally float32 and
        C-contiguous. It is stored as given, not copied: code that updates it in place
        must call :meth:`_clear_norms` afterwards.
    index_to_key : list of hashable
        fastw2v's form: the key (str, int, ...) of each row, ``len(index_to_key) == n``,
        all distinct.
    counts : array-like of int, optional
        fastw2v's form: corpus frequency of each key, length ``n``. None means unknown
        (all zeros).

    Attributes
    ----------
    vectors : numpy.ndarray
        The ``(n, d)`` vectors.
    index_to_key : list
        Row ``i`` holds the vector of ``index_to_key[i]`` (None for a free slot).
    key_to_index : dict
        Inverse of `index_to_key`.
    expandos : dict of str to numpy.ndarray
        The per-key attributes (gensim's): name -> one value per key; see
        :meth:`get_vecattr`.
    counts : numpy.ndarray
        ``expandos['count']``, int64, length ``n``.
    next_index : int
        The slot :meth:`add_vector` fills next.
    mapfile_path : str or None
        As given to gensim's form.
    vectors_lockf : numpy.ndarray
        float32 factors on training's updates of the vectors, gensim's convention: one value
        for every key (the default ``np.ones(1)``: no cost in the kernels), or one per key
        (``len(vectors_lockf) == n``); 0 freezes a vector, 0.5 halves its updates. Saved
        and loaded with the vectors; checked by every epoch of training.

    Raises
    ------
    TypeError
        If `vectors` is not a 2-D floating-point numpy array, a key is unhashable, `dtype`
        is not floating-point, or `vector_size` or `count` is not an int.
    ValueError
        If the lengths disagree, a key is repeated, the vector size is 0, or `count` < 0.
    """

    def __init__(self, *args, **kwargs):
        first = args[0] if args else kwargs.get("vector_size")
        if isinstance(first, numbers.Integral) and not isinstance(first, bool):
            self._init_slots(*args, **kwargs)
        else:
            self._init_rows(*args, **kwargs)
        self._normed = None  # or (version, unit vectors computed at that version)
        self._version = 0  # counts the changes of the vectors (see _clear_norms)
        self.vectors_lockf = np.ones(1, dtype=np.float32)

    def _init_slots(self, vector_size, count=0, dtype=np.float32, mapfile_path=None):
        """gensim's constructor: `count` free slots of zeros, no attributes."""
        vector_size = check_int("vector_size", vector_size, 1)
        count = check_int("count", count, 0)
        if not np.issubdtype(np.dtype(dtype), np.floating):
            raise TypeError(f"dtype must be a floating-point dtype, got {dtype!r}")
        self._vectors = np.zeros((count, vector_size), dtype=dtype)
        self.index_to_key = [None] * count
        self.key_to_index = {}
        self.next_index = 0
        self.expandos = {}
        self.mapfile_path = mapfile_path

    def _init_rows(self, vectors, index_to_key, counts=None):
        """fastw2v's constructor: the given rows and keys, and their counts."""
        _check_vectors(vectors)
        index_to_key = list(index_to_key)
        if len(index_to_key) != vectors.shape[0]:
            raise ValueError(
                f"index_to_key has {len(index_to_key)} keys but vectors has {vectors.shape[0]} rows"
            )
        key_to_index = dict(zip(index_to_key, range(len(index_to_key))))
        if len(key_to_index) != len(index_to_key):
            duplicate = next(key for index, key in enumerate(index_to_key)
                             if key_to_index[key] != index)
            raise ValueError(
                f"index_to_key must not repeat keys; {duplicate!r} appears more than once")
        self._vectors = vectors
        self.index_to_key = index_to_key
        self.key_to_index = key_to_index
        self.next_index = len(index_to_key)
        self.expandos = {}
        self.mapfile_path = None
        self.counts = np.zeros(len(index_to_key), np.int64) if counts is None else counts

    # ------------------------------------------------------------------------------------
    # basic access
    # ------------------------------------------------------------------------------------

    @property
    def vectors(self):
        """numpy.ndarray: the ``(n, d)`` vectors (assigning a new array drops cached norms)."""
        return self._vectors

    @vectors.setter
    def vectors(self, value):
        _check_vectors(value)
        if value.shape[0] != len(self.index_to_key):
            raise ValueError(
                f"vectors must have {len(self.index_to_key)} rows, got {value.shape[0]}")
        self._vectors = value
        self._clear_norms()

    @property
    def vector_size(self):
        """int: dimensionality ``d`` of the vectors."""
        return self._vectors.shape[1]

    def __len__(self):
        return len(self.index_to_key)

    def __iter__(self):
        return iter(self.index_to_key)

    def __contains__(self, key):
        return self.has_index_for(key)

    def __str__(self):
        return f"{type(self).__name__}<vector_size={self.vector_size}, {len(self)} keys>"

    def __repr__(self):
        return f"<{type(self).__name__}: {len(self)} keys, vector_size={self.vector_size}>"

    def __getitem__(self, key_or_keys):
        """Vector of one key (1-D view of its row) or of several keys (2-D array).

        Parameters
        ----------
        key_or_keys : str or int or iterable of (str or int)
            Key(s) to look up (str, int or other hashable keys; an iterable other than a
            str is several keys); an int that is not a key is a row index, as in gensim.

        Returns
        -------
        numpy.ndarray
            A row of `vectors` for one key, an array of shape ``(len(keys), d)`` for several.

        Raises
        ------
        KeyError
            If a key is not in the vocabulary.
        """
        if isinstance(key_or_keys, KEY_TYPES):
            return self.get_vector(key_or_keys)
        return self._vectors[[self.get_index(key) for key in key_or_keys]]

    def get_index(self, key, default=None):
        """Row index of a key.

        Parameters
        ----------
        key : hashable
            The key; an int in ``range(len(self))`` that is not itself a key is taken
            as a row index (gensim semantics).
        default : int, optional
            Returned instead of raising when `key` is unknown.

        Returns
        -------
        int
            The row index, or `default`.

        Raises
        ------
        KeyError
            If `key` is unknown and `default` is None (gensim's message,
            ``"Key 'KEY' not present"``).
        """
        index = self.key_to_index.get(key)
        if index is not None:
            return index
        if isinstance(key, (int, np.integer)) and 0 <= key < len(self):
            return int(key)
        if default is not None:
            return default
        raise KeyError(f"Key '{key}' not present")

    def has_index_for(self, key):
        """Whether `key` has a vector.

        Parameters
        ----------
        key : str or int
            The key (or a row index, see :meth:`get_index`).

        Returns
        -------
        bool
            True if :meth:`get_index` would succeed.
        """
        return self.get_index(key, -1) >= 0

    def get_vector(self, key, norm=False):
        """Vector of one key.

        Parameters
        ----------
        key : str or int
            The key (or a row index, see :meth:`get_index`).
        norm : bool, optional
            Return the unit-length (L2-normalised) vector instead of the raw row.

        Returns
        -------
        numpy.ndarray
            1-D array of length `vector_size`: a read-only view (as in gensim) of the row
            of `vectors`, or of :meth:`get_normed_vectors` when `norm` is True.

        Raises
        ------
        KeyError
            If `key` is not in the vocabulary.
        """
        index = self.get_index(key)
        row = self.get_normed_vectors()[index] if norm else self._vectors[index]
        row.setflags(write=False)  # as gensim: the row cannot be changed through it
        return row

    # ------------------------------------------------------------------------------------
    # evaluation (fastw2v.evaluation)
    # ------------------------------------------------------------------------------------

    def evaluate_word_analogies(self, analogies, restrict_vocab=300000, case_insensitive=True,
                                dummy4unknown=False, similarity_function="most_similar"):
        """Accuracy on an analogy test set such as Google's ``questions-words.txt``.

        :func:`fastw2v.evaluation.evaluate_word_analogies` of these vectors: the same
        parameters (after `kv`), returns and exceptions.
        """
        return evaluation.evaluate_word_analogies(self, analogies, restrict_vocab,
                                                  case_insensitive, dummy4unknown,
                                                  similarity_function)

    def evaluate_word_pairs(self, pairs, delimiter="\t", encoding="utf8", restrict_vocab=300000,
                            case_insensitive=True, dummy4unknown=False):
        """Correlation of the model's cosine similarities with human similarity judgements.

        :func:`fastw2v.evaluation.evaluate_word_pairs` of these vectors: the same
        parameters (after `kv`), returns and exceptions.
        """
        return evaluation.evaluate_word_pairs(self, pairs, delimiter, encoding, restrict_vocab,
                                              case_insensitive, dummy4unknown)

    log_accuracy = staticmethod(evaluation.log_accuracy)
    log_evaluate_word_pairs = staticmethod(evaluation.log_evaluate_word_pairs)

    # ------------------------------------------------------------------------------------
    # persistence
    # ------------------------------------------------------------------------------------

    def save(self, fname):
        """Save in the native fastw2v format: one file, an uncompressed zip of ``.npy``
        arrays and JSON (see :mod:`fastw2v.formats.native`), written atomically.

        Parameters
        ----------
        fname : str or os.PathLike
            File to create or replace (``"vectors.kv"``). At every instant it holds the
            previous file or the complete new one; nothing is left behind on failure.

        Raises
        ------
        IsADirectoryError
            If `fname` is a directory (such as a save of fastw2v format version 1).
        ValueError
            If a key is not a non-empty str or an int, or a str (object) attribute holds a
            value other than str, int, float, bool or None.
        OSError
            If writing fails (the message names the file; the previous one is intact).
        """
        keys = savable_keys(self.index_to_key)
        attributes, arrays = attribute_arrays(self.expandos)
        arrays.setdefault("counts", np.zeros(len(keys), np.int64))  # every save has counts
        save_arrays(fname, {"kind": "KeyedVectors", "index_to_key": keys, "attributes": attributes},
                    {"vectors": self._vectors, **arrays, **_lockf.saved_factors(self)})

    def wmdistance(self, document1, document2, norm=True):
        """Word Mover's Distance between two documents, as gensim's (solved by the optional
        POT package: ``pip install 'fastw2v[wmd]'``); see :func:`fastw2v._wmd.wmdistance`.

        Parameters
        ----------
        document1, document2 : list of str
            The documents as sequences of keys (unknown words are dropped, logged).
        norm : bool, optional
            Between unit-length vectors (the default) instead of the raw ones.

        Returns
        -------
        float
            The distance (``inf`` if a document has no known word).

        Raises
        ------
        ImportError
            If POT is not installed (the message names it and the extra).
        TypeError
            If a document is a str instead of a sequence of words.
        """
        return wmdistance(self, document1, document2, norm)

    @classmethod
    def load(cls, fname, mmap=None):
        """Load vectors saved by :meth:`save` (or by a fastw2v model's ``save``), from a
        model file or from a model directory of an earlier fastw2v; or saved by gensim 0.13
        to 4.x (``KeyedVectors.save``, or a Word2Vec model's ``save``: its vectors), read
        without executing anything from the file (see :mod:`fastw2v.formats.gensim`).

        Parameters
        ----------
        fname : str or os.PathLike
            The saved file (or directory).
        mmap : {None, 'r', 'r+', 'c'}, optional
            Memory-map the arrays from the file instead of reading them; ``'r'`` is
            read-only, ``'c'`` copy-on-write, ``'r+'`` writes through to the file.

        Returns
        -------
        KeyedVectors
            The loaded vectors.

        Raises
        ------
        FileNotFoundError
            If `fname` does not exist.
        TypeError
            If `mmap` is neither None nor a str (an ArgumentTypeError, also a ValueError).
        ValueError
            If `mmap` is not one of the modes, or `fname` is not a valid fastw2v save or
            lacks the vectors (the message names the file and what is wrong); for a gensim
            file also if its pickle names a global outside the few fastw2v resolves
            (:class:`fastw2v.formats.gensim.UnsafePickleError`, naming it), is truncated,
            or a side ``.npy`` file is missing, corrupt or holds objects.
        """
        from ._gensim_convert import is_gensim_file, load_vectors  # (imports this module)
        if is_gensim_file(fname):
            return load_vectors(fname, mmap)
        meta, arrays = load_arrays(fname, mmap=mmap)
        keys, vectors, counts = word_vectors_of(fname, meta, arrays, int_keys=True)
        try:
            kv = cls(vectors, keys, counts)
        except (TypeError, ValueError) as err:
            raise ValueError(f"{os.fspath(fname)!r} holds invalid word vectors: {err}") from None
        kv.expandos = attributes_of(fname, meta, arrays, len(keys))
        kv.vectors_lockf = lock_factors_of(fname, arrays, len(keys))
        return kv

    @classmethod
    def from_gensim(cls, kv):
        """The fastw2v KeyedVectors of a gensim ``KeyedVectors`` (keys, counts, lock
        factors), sharing its vectors array.

        Parameters
        ----------
        kv : gensim.models.KeyedVectors

        Returns
        -------
        KeyedVectors

        Raises
        ------
        ValueError
            If its parts disagree (vectors and keys of other lengths ...).
        """
        from ._gensim_convert import vectors_from_gensim  # (imports this module)
        return vectors_from_gensim(kv)

    def to_gensim(self):
        """A gensim ``KeyedVectors`` of these vectors (keys, counts, lock factors), sharing
        the vectors array.

        Returns
        -------
        gensim.models.KeyedVectors

        Raises
        ------
        ImportError
            If gensim is not installed.
        """
        from ._gensim_convert import vectors_to_gensim  # (imports this module)
        return vectors_to_gensim(self)


def _check_vectors(vectors):
    if not isinstance(vectors, np.ndarray) or vectors.ndim != 2 \
            or not np.issubdtype(vectors.dtype, np.floating):
        raise TypeError(
            "vectors must be a 2-D floating-point numpy array, got "
            f"{type(vectors).__name__} {getattr(vectors, 'dtype', '')} "
            f"{getattr(vectors, 'shape', '')}"
        )
    if vectors.shape[1] < 1:
        raise ValueError(f"vectors must have at least one column, got shape {vectors.shape}")

