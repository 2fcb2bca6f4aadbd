"""The word-vector container: keys and their vectors, lookups, and the similarity queries
under gensim 4's ``KeyedVectors`` names.

:class:`KeyedVectors` holds the vectors and answers the queries; the nearest-neighbour
arithmetic is :mod:`fastw2v._neighbours`, the test-file evaluations
:mod:`fastw2v.evaluation`, and its save/load methods delegate to the pickle-free native
format and the word2vec C text/binary formats of :mod:`fastw2v._io`.
"""

import logging
import numbers
import os

import numpy as np

from . import evaluation
from ._checks import check_int
from ._io import (load_arrays, read_vocab, read_word2vec, save_arrays, word_vectors_of,
                  write_vocab, write_word2vec)
from ._neighbours import top_k, top_k_of_products, unit_rows

logger = logging.getLogger("fastw2v")

_KEY_TYPES = (str, int, np.integer)


class KeyedVectors:
    """A set of vectors, one per key (word), in a 2-D array with a row per key.

    Parameters
    ----------
    vectors : numpy.ndarray
        2-D floating-point array of shape ``(n, d)``, normally float32 and C-contiguous.
        It is stored as given, not copied: code that updates it in place must call
        :meth:`_clear_norms` afterwards.
    index_to_key : list of str
        The key of each row, ``len(index_to_key) == n``, all distinct.
    counts : array-like of int, optional
        Corpus frequency of each key, length ``n``. None means unknown (all zeros).

    Attributes
    ----------
    vectors : numpy.ndarray
        The ``(n, d)`` vectors.
    index_to_key : list of str
        Row ``i`` holds the vector of ``index_to_key[i]``.
    key_to_index : dict of str to int
        Inverse of `index_to_key`.
    counts : numpy.ndarray
        int64 array of length ``n``.

    Raises
    ------
    TypeError
        If `vectors` is not a 2-D floating-point numpy array or a key is not a str.
    ValueError
        If the lengths disagree, a key is repeated, or the vector size is 0.
    """

    def __init__(self, vectors, index_to_key, counts=None):
        _check_vectors(vectors)
        index_to_key = list(index_to_key)
        if len(index_to_key) != vectors.shape[0]:
            raise ValueError(
                f"index_to_key has {len(index_to_key)} keys but vectors has {vectors.shape[0]} rows"
            )
        bad = next((key for key in index_to_key if not isinstance(key, str)), None)
        if bad is not None:
            raise TypeError(f"keys must be str, got {type(bad).__name__} {bad!r}")
        key_to_index = {key: index for index, key in enumerate(index_to_key)}
        if len(key_to_index) != len(index_to_key):
            duplicate = next(key for index, key in enumerate(index_to_key) if key_to_index[key] != index)
            raise ValueError(f"index_to_key must not repeat keys; {duplicate!r} appears more than once")
        if counts is None:
            counts = np.zeros(len(index_to_key), dtype=np.int64)
        else:
            counts = np.asarray(counts)
            if counts.shape != (len(index_to_key),) or not np.issubdtype(counts.dtype, np.integer):
                raise ValueError(
                    f"counts must be integers, one per key ({len(index_to_key)}), "
                    f"got dtype {counts.dtype} shape {counts.shape}"
                )
            counts = counts.astype(np.int64, copy=False)
        self._vectors = vectors
        self._normed = None  # or (version, unit vectors computed at that version)
        self._version = 0  # counts the changes of the vectors (see _clear_norms)
        self.index_to_key = index_to_key
        self.key_to_index = key_to_index
        self.counts = counts

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
            raise ValueError(f"vectors must have {len(self.index_to_key)} rows, got {value.shape[0]}")
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

    def __repr__(self):
        return f"<{type(self).__name__}: {len(self)} keys, vector_size={self.vector_size}>"

    def __getitem__(self, key_or_keys):
        """Vector of one key (1-D view of its row) or of several keys (2-D array).

        Parameters
        ----------
        key_or_keys : str or int or iterable of (str or int)
            Key(s) to look up; ints are row indices, as in gensim.

        Returns
        -------
        numpy.ndarray
            A row of `vectors` for one key, an array of shape ``(len(keys), d)`` for several.

        Raises
        ------
        KeyError
            If a key is not in the vocabulary.
        """
        if isinstance(key_or_keys, _KEY_TYPES):
            return self.get_vector(key_or_keys)
        return self._vectors[[self.get_index(key) for key in key_or_keys]]

    def get_index(self, key, default=None):
        """Row index of a key.

        Parameters
        ----------
        key : str or int
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
            If `key` is unknown and `default` is None.
        """
        index = self.key_to_index.get(key)
        if index is not None:
            return index
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool) and 0 <= key < len(self):
            return int(key)
        if default is not None:
            return default
        raise KeyError(f"word {key!r} not in vocabulary")

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
            1-D array of length `vector_size`: a view of the row of `vectors`, or of
            :meth:`get_normed_vectors` when `norm` is True.

        Raises
        ------
        KeyError
            If `key` is not in the vocabulary.
        """
        index = self.get_index(key)
        return self.get_normed_vectors()[index] if norm else self._vectors[index]

    def get_vecattr(self, key, attr):
        """Value of a per-key attribute; only ``'count'`` exists.

        Parameters
        ----------
        key : str or int
            The key.
        attr : str
            Attribute name: ``'count'``.

        Returns
        -------
        int
            The key's count.

        Raises
        ------
        KeyError
            If `key` is not in the vocabulary.
        ValueError
            If `attr` is not ``'count'``.
        """
        if attr != "count":
            raise ValueError(f"unknown vector attribute {attr!r}; the only attribute is 'count'")
        return int(self.counts[self.get_index(key)])

    def add_vectors(self, keys, weights, extras=None, replace=False):
        """Add keys and their vectors; existing keys keep their vector unless `replace`.

        New keys are appended in the order given (count 0 unless `extras` gives counts).
        The vectors array is replaced by a larger copy and the cached unit vectors are
        dropped.

        Parameters
        ----------
        keys : str or list of str
            One key or several, all distinct.
        weights : numpy.ndarray or list of numpy.ndarray
            Their vectors: shape ``(len(keys), vector_size)``, or ``(vector_size,)`` for
            one key.
        extras : dict, optional
            Per-key attributes; only ``{"count": counts}`` (one int per key) is supported.
        replace : bool, optional
            Overwrite the vector (and count, if given) of keys already present.

        Raises
        ------
        TypeError
            If a key is not a str.
        ValueError
            If `weights` has the wrong shape, a key is repeated, or `extras` holds anything
            but one count per key.
        """
        if isinstance(keys, _KEY_TYPES):
            keys, weights = [keys], np.reshape(weights, (1, -1))
        keys, weights = list(keys), np.asarray(weights)
        if weights.shape != (len(keys), self.vector_size):
            raise ValueError(f"weights must have shape ({len(keys)}, {self.vector_size}) for "
                             f"{len(keys)} keys, got {weights.shape}")
        bad = next((key for key in keys if not isinstance(key, str)), None)
        if bad is not None:
            raise TypeError(f"keys must be str, got {type(bad).__name__} {bad!r}")
        if len(set(keys)) != len(keys):
            raise ValueError(f"keys must be distinct; {next(k for k in keys if keys.count(k) > 1)!r} repeats")
        counts = _extra_counts(extras, len(keys))
        new = [i for i, key in enumerate(keys) if key not in self.key_to_index]
        vectors = np.concatenate([self._vectors, weights[new].astype(self._vectors.dtype)])
        all_counts = np.concatenate([self.counts, np.zeros(len(new), np.int64) if counts is None else counts[new]])
        if replace:
            old = [i for i, key in enumerate(keys) if key in self.key_to_index]
            rows = [self.key_to_index[keys[i]] for i in old]
            vectors[rows] = weights[old]
            if counts is not None:
                all_counts[rows] = counts[old]
        for i in new:
            self.key_to_index[keys[i]] = len(self.index_to_key)
            self.index_to_key.append(keys[i])
        self._vectors, self.counts = vectors, all_counts
        self._clear_norms()

    def __setitem__(self, keys, weights):
        """Set the vectors of keys, adding new ones: ``add_vectors(keys, weights, replace=True)``.

        Parameters
        ----------
        keys : str or list of str
            One key or several.
        weights : numpy.ndarray
            The vector(s), as for :meth:`add_vectors`.

        Raises
        ------
        TypeError, ValueError
            As :meth:`add_vectors`.
        """
        self.add_vectors(keys, weights, replace=True)

    # ------------------------------------------------------------------------------------
    # similarity
    # ------------------------------------------------------------------------------------

    def _clear_norms(self):
        """Drop the cached unit-length vectors; call after changing `vectors` in place.

        Also counts the change, so that unit vectors computed meanwhile from the old values
        (a query in another thread, during training) are not cached."""
        self._version += 1
        self._normed = None

    def fill_norms(self, force=False):
        """Compute the cached unit-length vectors if they are missing (or always, with `force`).

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
        normed = unit_rows(self._vectors)
        self._normed = (version, normed)
        return normed

    def get_normed_vectors(self):
        """All vectors scaled to unit L2 length (cached, see :meth:`fill_norms`).

        Returns
        -------
        numpy.ndarray
            float32 array of shape ``(n, d)``; all-zero rows stay zero.
        """
        return self._unit_vectors()

    def similarity(self, w1, w2):
        """Cosine similarity of two keys.

        Parameters
        ----------
        w1, w2 : str
            The keys.

        Returns
        -------
        float
            Cosine similarity in ``[-1, 1]`` (0 if either vector is all zeros).

        Raises
        ------
        KeyError
            If a key is not in the vocabulary.
        """
        unit = unit_rows(self._vectors[[self.get_index(w1), self.get_index(w2)]])
        return float(unit[0] @ unit[1])

    def distance(self, w1, w2):
        """Cosine distance of two keys, ``1 - similarity(w1, w2)``, in ``[0, 2]``.

        Parameters
        ----------
        w1, w2 : str
            The keys to compare (a KeyError names one that is not in the vocabulary).

        Returns
        -------
        float
        """
        return 1.0 - self.similarity(w1, w2)

    def distances(self, word_or_vector, other_words=()):
        """Cosine distances from a key or vector to other keys (all keys by default).

        Parameters
        ----------
        word_or_vector : str or int or numpy.ndarray
            A key, or a 1-D vector of length `vector_size`.
        other_words : sequence of str, optional
            The keys to measure the distance to; empty means every key, in index order
            (the key itself included).

        Returns
        -------
        numpy.ndarray
            float32 array of ``1 - cosine similarity``, one per key of `other_words`.

        Raises
        ------
        KeyError
            If a key is not in the vocabulary.
        ValueError
            If the vector has the wrong shape.
        """
        if isinstance(word_or_vector, _KEY_TYPES):
            query = self.get_vector(word_or_vector, norm=True)
        else:
            query = unit_rows(self._check_query_vector(word_or_vector)[np.newaxis, :])[0]
        normed = self.get_normed_vectors()
        if len(other_words):
            normed = normed[[self.get_index(key) for key in other_words]]
        return 1.0 - normed @ query

    def closer_than(self, key1, key2):
        """Keys closer to `key1` than `key2` is (cosine distance), in index order.

        Parameters
        ----------
        key1 : str
            The reference key.
        key2 : str
            The key whose distance to `key1` is the threshold.

        Returns
        -------
        list of str
            Every key (other than `key1`) strictly closer to `key1` than `key2`.

        Raises
        ------
        KeyError
            If a key is not in the vocabulary.
        """
        distances = self.distances(key1)
        first, second = self.get_index(key1), self.get_index(key2)
        return [self.index_to_key[i] for i in np.flatnonzero(distances < distances[second]).tolist()
                if i != first]

    def rank(self, key1, key2):
        """Rank of `key2` among all keys by closeness to `key1` (1 = the closest).

        Parameters
        ----------
        key1 : str
            The reference key.
        key2 : str
            The key to rank.

        Returns
        -------
        int
            ``len(closer_than(key1, key2)) + 1``.

        Raises
        ------
        KeyError
            If either key is not in the vocabulary.
        """
        return len(self.closer_than(key1, key2)) + 1

    def n_similarity(self, ws1, ws2):
        """Cosine similarity of the mean vectors of two lists of keys.

        As in gensim, the means are over the raw (not unit) vectors, and keys without a
        vector are ignored.

        Parameters
        ----------
        ws1, ws2 : list of str
            The keys.

        Returns
        -------
        float
            Cosine similarity of the two means.

        Raises
        ------
        ValueError
            If a list is empty (gensim raises ZeroDivisionError).
        KeyError
            If no key of a list is in the vocabulary (gensim returns 0.0).
        """
        means = []
        for name, keys in (("ws1", ws1), ("ws2", ws2)):
            if not len(keys):
                raise ValueError(f"n_similarity() needs at least one key in {name}, got an empty list")
            rows = [self.get_index(key, -1) for key in keys]
            rows = [row for row in rows if row >= 0]
            if not rows:
                raise KeyError(f"none of the keys in {name} is in the vocabulary: {list(keys)[:10]!r}")
            means.append(self._vectors[rows].mean(axis=0, dtype=np.float32))
        unit = unit_rows(np.array(means))
        return float(unit[0] @ unit[1])

    def rank_by_centrality(self, words, use_norm=True):
        """The keys sorted by cosine similarity to their mean, most central first.

        Keys without a vector are ignored (with a logged warning), as in gensim.

        Parameters
        ----------
        words : list of str
            The keys.
        use_norm : bool, optional
            Average the unit vectors (True) or the raw vectors.

        Returns
        -------
        list of (float, str)
            ``(similarity to the mean, key)``, sorted in descending order.

        Raises
        ------
        ValueError
            If none of `words` is in the vocabulary.
        """
        known = [word for word in words if self.has_index_for(word)]
        if len(known) != len(words):
            logger.warning("vectors for words %s are not present in the model, ignoring these words",
                           sorted(set(words) - set(known), key=str))
        if not known:
            raise ValueError(f"none of the words {list(words)[:10]!r} is in the vocabulary")
        rows = [self.get_index(word) for word in known]
        vectors = self.get_normed_vectors()[rows] if use_norm else self._vectors[rows].astype(np.float32)
        mean = unit_rows(vectors.mean(axis=0, keepdims=True))[0]
        return sorted(zip((vectors @ mean).tolist(), known), reverse=True)

    def doesnt_match(self, words):
        """The key that fits the others least: the farthest from their mean (unit vectors).

        Parameters
        ----------
        words : list of str
            The keys; keys without a vector are ignored (with a logged warning).

        Returns
        -------
        str
            The last key of :meth:`rank_by_centrality`.

        Raises
        ------
        ValueError
            If none of `words` is in the vocabulary.
        """
        return self.rank_by_centrality(words)[-1][1]

    def most_similar(self, positive=None, negative=None, topn=10, *, restrict_vocab=None):
        """Keys most similar (cosine) to the weighted mean of the given keys and vectors.

        Same semantics as gensim's ``KeyedVectors.most_similar``: each key contributes its
        unit vector with weight +1 (positive) or -1 (negative), a given vector contributes
        as is; the mean is divided by the total absolute weight and normalised, and keys
        are ranked by cosine similarity to it (one matrix-vector product, sgemv, over the
        cached unit vectors, then a one-pass top-k selection). Input keys are left out of
        the result. Of equal scores, the key with the lower index comes first.

        Parameters
        ----------
        positive, negative : str or numpy.ndarray or list, optional
            A key, a 1-D vector, or a list of keys, vectors or ``(key_or_vector, weight)``
            pairs (a pair's weight replaces the default +1 / -1).
        topn : int or None, optional
            Number of results (none if below 1). None returns the similarities to all
            candidate keys.
        restrict_vocab : int, optional
            Only consider the first `restrict_vocab` keys (the most frequent ones when the
            vocabulary is sorted by frequency).

        Returns
        -------
        list of (str, float) or numpy.ndarray
            ``(key, similarity)`` pairs, most similar first; or, when `topn` is None, a 1-D
            float32 array of similarities indexed like `index_to_key`.

        Raises
        ------
        KeyError
            If a key is not in the vocabulary.
        TypeError
            If `topn` is not an int or None, or an item is not a key, vector or pair.
        ValueError
            If no key or vector is given, a vector has the wrong length, or
            `restrict_vocab` is not a positive int.
        """
        topn = _check_topn(topn, allow_none=True)
        limit = self._candidate_count(restrict_vocab)
        if topn == 0:
            return []
        items = _weighted_items(positive, 1.0) + _weighted_items(negative, -1.0)
        if not items:
            raise ValueError("most_similar() needs at least one positive or negative key or vector")
        normed = self.get_normed_vectors()
        mean = np.zeros(self.vector_size, dtype=np.float32)
        input_rows = set()
        for item, weight in items:
            if isinstance(item, np.ndarray):
                mean += weight * self._check_query_vector(item)
            else:
                row = self.get_index(item)
                input_rows.add(row)
                mean += weight * normed[row]
        mean /= sum(abs(weight) for _, weight in items) or 1.0
        query = unit_rows(mean[np.newaxis, :])[0]
        scores = normed[:limit] @ query
        return scores if topn is None else self._best_keys(scores, topn, input_rows)

    def most_similar_cosmul(self, positive=None, negative=None, topn=10, *, restrict_vocab=None):
        """Keys most similar by the multiplicative objective 3CosMul (Levy and Goldberg, 2014).

        Same semantics as gensim's ``most_similar_cosmul``: with cosine similarities
        shifted to ``[0, 1]`` as ``(1 + cos) / 2``, a key scores the product over the
        positive terms divided by (the product over the negative terms + 1e-6). A key
        contributes its unit vector, a given vector is used as is (pass unit vectors for
        cosines). Input keys are left out of the result. Unlike gensim 4.4, which ignores
        it, `restrict_vocab` is honoured.

        Parameters
        ----------
        positive, negative : str or numpy.ndarray or list, optional
            A key, a 1-D vector, or a list of keys and vectors; at least one positive.
        topn : int or None, optional
            Number of results (none if below 1). None returns the scores of all candidate
            keys.
        restrict_vocab : int, optional
            Only consider the first `restrict_vocab` keys.

        Returns
        -------
        list of (str, float) or numpy.ndarray
            ``(key, score)`` pairs, best first; or, when `topn` is None, a 1-D array of
            scores indexed like `index_to_key`.

        Raises
        ------
        KeyError
            If a key is not in the vocabulary.
        TypeError
            If `topn` is not an int or None, or an item is not a key or a vector.
        ValueError
            If no positive key or vector is given, a vector has the wrong length, or
            `restrict_vocab` is not a positive int.
        """
        topn = _check_topn(topn, allow_none=True)
        limit = self._candidate_count(restrict_vocab)
        if topn == 0:
            return []
        terms = _query_items(positive), _query_items(negative)
        if not terms[0]:
            raise ValueError("most_similar_cosmul() needs at least one positive key or vector")
        candidates = self.get_normed_vectors()[:limit]
        input_rows, products = set(), []
        for items in terms:
            product = np.ones(limit, dtype=np.float32)
            for item in items:
                if isinstance(item, np.ndarray):
                    term = self._check_query_vector(item)
                elif isinstance(item, _KEY_TYPES):
                    input_rows.add(self.get_index(item))
                    term = self.get_vector(item, norm=True)
                else:
                    raise TypeError(f"most_similar_cosmul() takes keys and 1-D vectors (no weights), got {item!r}")
                product *= (1 + candidates @ term) / 2
            products.append(product)
        scores = products[0] / (products[1] + np.float32(1e-6))
        return scores if topn is None else self._best_keys(scores, topn, input_rows)

    def similar_by_key(self, key, topn=10, restrict_vocab=None):
        """Keys most similar to one key: ``most_similar(positive=[key], topn, restrict_vocab)``.

        Parameters
        ----------
        key : str or int
            The key.
        topn, restrict_vocab : optional
            As for :meth:`most_similar`.

        Returns
        -------
        list of (str, float) or numpy.ndarray
            What :meth:`most_similar` returns.

        Raises
        ------
        KeyError
            If `key` is not in the vocabulary.
        """
        return self.most_similar(positive=[key], topn=topn, restrict_vocab=restrict_vocab)

    similar_by_word = similar_by_key

    def similar_by_vector(self, vector, topn=10, restrict_vocab=None):
        """Keys most similar to a vector: ``most_similar(positive=[vector], topn, restrict_vocab)``.

        Parameters
        ----------
        vector : numpy.ndarray
            1-D array of length `vector_size`. (`topn` and `restrict_vocab`: as for
            :meth:`most_similar`, whose result is returned.)

        Raises
        ------
        TypeError
            If `vector` is not a numpy array.
        ValueError
            If `vector` has the wrong shape.
        """
        if not isinstance(vector, np.ndarray):
            raise TypeError(f"vector must be a 1-D numpy array, got {type(vector).__name__}")
        return self.most_similar(positive=[vector], topn=topn, restrict_vocab=restrict_vocab)

    def most_similar_batch(self, queries, topn=10, *, restrict_vocab=None, block=None):
        """Nearest neighbours of many keys or vectors in one call.

        Returns the same as ``[most_similar(positive=[q], topn=topn,
        restrict_vocab=restrict_vocab) for q in queries]``, but scores blocks of queries
        against blocks of keys with one matrix product (sgemm) each, on every usable CPU,
        and keeps each query's best keys as the scores come, so memory stays bounded by one
        small block of scores per thread.

        Parameters
        ----------
        queries : list of (str or int or numpy.ndarray) or numpy.ndarray
            Keys and/or 1-D vectors, or a 2-D array with one query vector per row.
        topn : int, optional
            Number of neighbours per query (none if below 1).
        restrict_vocab : int, optional
            Only consider the first `restrict_vocab` keys.
        block : int, optional
            Queries scored per matrix product (default 256, against 1,024 keys: 1 MB of
            scores).

        Returns
        -------
        list of list of (str, float)
            One list per query, as :meth:`most_similar` returns it (a query key is left out
            of its own neighbours).

        Raises
        ------
        KeyError
            If a key is not in the vocabulary.
        TypeError
            If `topn` is not an int, or a query is not a key or a vector.
        ValueError
            If a vector has the wrong shape, or `restrict_vocab` or `block` is not an
            int >= 1.
        """
        topn = _check_topn(topn, allow_none=False)
        limit = self._candidate_count(restrict_vocab)
        if block is not None:
            block = check_int("block", block, 1)
        unit, rows = self._batch_queries(queries)
        if topn == 0:
            return [[] for _ in rows]
        index, scores = top_k_of_products(unit, self.get_normed_vectors()[:limit], topn + 1, block)
        return [self._pairs(best, best_scores, query_rows, topn)
                for query_rows, best, best_scores in zip(rows, index.tolist(), scores.tolist())]

    def _batch_queries(self, queries):
        """Unit-length query matrix of most_similar_batch() and, per query, its key's rows."""
        if isinstance(queries, np.ndarray) and queries.ndim == 2:
            if queries.shape[1] != self.vector_size:
                raise ValueError(f"query vectors must have {self.vector_size} columns, got shape {queries.shape}")
            return unit_rows(queries), [()] * len(queries)
        if isinstance(queries, (*_KEY_TYPES, np.ndarray)):
            raise TypeError(
                "queries must be a list of keys or vectors, or a 2-D array; "
                f"for one query use most_similar(), got {queries!r}"[:200]
            )
        normed = self.get_normed_vectors()
        unit, rows = np.empty((len(queries), self.vector_size), dtype=np.float32), []
        for i, query in enumerate(queries):
            if isinstance(query, np.ndarray):
                unit[i] = unit_rows(self._check_query_vector(query)[np.newaxis, :])[0]
                rows.append(())
            elif isinstance(query, _KEY_TYPES):
                rows.append((self.get_index(query),))
                unit[i] = normed[rows[-1][0]]
            else:
                raise TypeError(f"query {i} must be a key or a 1-D vector, got {query!r}"[:200])
        return unit, rows

    def _check_query_vector(self, vector):
        if vector.shape != (self.vector_size,):
            raise ValueError(f"vectors must have shape ({self.vector_size},), got {vector.shape}")
        return vector

    def _candidate_count(self, restrict_vocab):
        """Number of keys a similarity query considers: all, or the first `restrict_vocab`."""
        if restrict_vocab is None:
            return len(self)
        return min(check_int("restrict_vocab", restrict_vocab, 1), len(self))

    def _best_keys(self, scores, topn, excluded):
        """The `topn` best (key, score) pairs of a 1-D array of scores, rows in `excluded` left out."""
        index, best = top_k(scores[np.newaxis, :], topn + len(excluded))
        return self._pairs(index[0].tolist(), best[0].tolist(), excluded, topn)

    def _pairs(self, rows, scores, excluded, topn):
        """(key, score) pairs for the selected rows (best first), leaving out `excluded`."""
        pairs = [(self.index_to_key[row], score) for row, score in zip(rows, scores) if row not in excluded]
        return pairs[:topn]

    # ------------------------------------------------------------------------------------
    # evaluation (fastw2v.evaluation)
    # ------------------------------------------------------------------------------------

    def evaluate_word_analogies(self, analogies, restrict_vocab=30000, case_insensitive=True,
                                dummy4unknown=False):
        """Accuracy on an analogy test set such as Google's ``questions-words.txt``.

        :func:`fastw2v.evaluation.evaluate_word_analogies` of these vectors: the same
        parameters (after `kv`), returns and exceptions.
        """
        return evaluation.evaluate_word_analogies(self, analogies, restrict_vocab,
                                                  case_insensitive, dummy4unknown)

    def evaluate_word_pairs(self, pairs, delimiter="\t", encoding="utf8", restrict_vocab=300000,
                            case_insensitive=True, dummy4unknown=False):
        """Correlation of the model's cosine similarities with human similarity judgements.

        :func:`fastw2v.evaluation.evaluate_word_pairs` of these vectors: the same
        parameters (after `kv`), returns and exceptions.
        """
        return evaluation.evaluate_word_pairs(self, pairs, delimiter, encoding, restrict_vocab,
                                              case_insensitive, dummy4unknown)

    # ------------------------------------------------------------------------------------
    # persistence
    # ------------------------------------------------------------------------------------

    def save(self, path):
        """Save in the native fastw2v format: one file, an uncompressed zip of ``.npy``
        arrays and JSON (see :mod:`fastw2v._io`), written atomically.

        Parameters
        ----------
        path : str or os.PathLike
            File to create or replace (``"vectors.kv"``). At every instant it holds the
            previous file or the complete new one; nothing is left behind on failure.

        Raises
        ------
        IsADirectoryError
            If `path` is a directory (such as a save of fastw2v format version 1).
        OSError
            If writing fails (the message names the file; the previous one is intact).
        """
        save_arrays(path, {"kind": "KeyedVectors", "index_to_key": self.index_to_key},
                    {"vectors": self._vectors, "counts": self.counts})

    @classmethod
    def load(cls, path, mmap=None):
        """Load vectors saved by :meth:`save` (or by a fastw2v model's ``save``), from a
        model file or from a model directory of an earlier fastw2v.

        Parameters
        ----------
        path : str or os.PathLike
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
            If `path` does not exist.
        ValueError
            If `path` is not a valid fastw2v save or lacks the vectors (the message
            names the file and what is wrong).
        """
        meta, arrays = load_arrays(path, mmap=mmap)
        keys, vectors, counts = word_vectors_of(path, meta, arrays)
        try:
            return cls(vectors, keys, counts)
        except (TypeError, ValueError) as err:
            raise ValueError(f"{os.fspath(path)!r} holds invalid word vectors: {err}") from None

    def save_word2vec_format(self, fname, fvocab=None, binary=False, write_header=True):
        """Save in the word2vec C tool's text or binary format (readable by gensim).

        Rows are written in index order (gensim sorts by count, which for vectors trained
        by fastw2v is the same order).

        Parameters
        ----------
        fname : str or os.PathLike
            Output file; ``.gz``, ``.bz2`` and ``.xz`` paths are compressed.
        fvocab : str or os.PathLike, optional
            Also write the counts to this file, one ``"word count"`` line per key, as
            word2vec.c's ``-save-vocab`` does.
        binary : bool, optional
            Binary format (float32 values) instead of text.
        write_header : bool, optional
            Write the ``"COUNT DIM"`` first line (without it, text is GloVe's format).

        Raises
        ------
        TypeError
            If `fvocab` is not a path (for example a bool: the second positional argument
            is `fvocab`, as in gensim).
        ValueError
            If a key is empty or contains whitespace (unrepresentable in the format).
        OSError
            If writing fails.
        """
        _check_optional_path("fvocab", fvocab)
        write_word2vec(fname, self.index_to_key, self._vectors, binary=binary, write_header=write_header)
        if fvocab is not None:
            write_vocab(fvocab, self.index_to_key, self.counts.tolist())

    @classmethod
    def load_word2vec_format(cls, fname, fvocab=None, binary=False, encoding="utf8",
                             unicode_errors="strict", limit=None, datatype=np.float32,
                             no_header=False):
        """Load vectors in the word2vec C tool's text or binary format.

        The parameters come in gensim's order. A repeated word keeps its first vector (with
        a logged warning).

        Parameters
        ----------
        fname : str or os.PathLike
            Input file; ``.gz``, ``.bz2`` and ``.xz`` paths are decompressed.
        fvocab : str or os.PathLike, optional
            A ``"word count"`` file (word2vec.c's ``-save-vocab`` output) to take the counts
            from; words it lacks get count 0 (with a logged warning). Without it all counts
            are 0: the vector format does not store them.
        binary : bool, optional
            The file is in binary format.
        encoding : str, optional
            Encoding of the words.
        unicode_errors : str, optional
            Handling of undecodable words: 'strict', 'replace', 'ignore', ...
        limit : int, optional
            Load only the first `limit` vectors.
        datatype : numpy dtype, optional
            Floating dtype of the vectors.
        no_header : bool, optional
            Text file without the ``"COUNT DIM"`` line (GloVe format).

        Returns
        -------
        KeyedVectors
            The loaded vectors.

        Raises
        ------
        FileNotFoundError
            If `fname` or `fvocab` does not exist.
        TypeError
            If `fvocab` is not a path.
        ValueError
            If the file is empty, truncated, corrupt, disagrees with its header or is in
            the other format, or `fvocab` is malformed; the message names the line or byte
            offset.
        """
        _check_optional_path("fvocab", fvocab)
        known_counts = None if fvocab is None else read_vocab(fvocab, encoding, unicode_errors)
        words, vectors = read_word2vec(fname, binary=binary, limit=limit, encoding=encoding,
                                       unicode_errors=unicode_errors, datatype=datatype,
                                       no_header=no_header)
        counts = None
        if known_counts is not None:
            missing = [word for word in words if word not in known_counts]
            if missing:
                logger.warning("vocabulary file %s lacks %d of the words (count 0), e.g. %r",
                               fvocab, len(missing), missing[:5])
            counts = np.array([known_counts.get(word, 0) for word in words], dtype=np.int64)
        return cls(vectors, words, counts)


def _check_optional_path(name, value):
    if value is not None and not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path or None, got {value!r}")


def _check_vectors(vectors):
    if not isinstance(vectors, np.ndarray) or vectors.ndim != 2 \
            or not np.issubdtype(vectors.dtype, np.floating):
        raise TypeError(
            "vectors must be a 2-D floating-point numpy array, got "
            f"{type(vectors).__name__} {getattr(vectors, 'dtype', '')} {getattr(vectors, 'shape', '')}"
        )
    if vectors.shape[1] < 1:
        raise ValueError(f"vectors must have at least one column, got shape {vectors.shape}")


def _extra_counts(extras, n):
    """The counts of add_vectors' `extras` as an int64 array of length n, or None."""
    if not extras:
        return None
    if set(extras) != {"count"}:
        raise ValueError(f"extras may only hold 'count', got keys {sorted(extras)}")
    counts = np.asarray(extras["count"])
    if counts.shape != (n,) or not np.issubdtype(counts.dtype, np.integer):
        raise ValueError(f"extras['count'] must be {n} integers, got dtype {counts.dtype} shape {counts.shape}")
    return counts.astype(np.int64)


def _check_topn(topn, allow_none):
    """topn as an int >= 0 (gensim returns nothing for topn < 1), or None if allowed."""
    if topn is None and allow_none:
        return None
    if isinstance(topn, bool) or not isinstance(topn, numbers.Integral):
        allowed = "an int or None" if allow_none else "an int"
        raise TypeError(f"topn must be {allowed}, got {topn!r}")
    return max(int(topn), 0)


def _query_items(value):
    """most_similar input -> list of items, as gensim reads it (one key or vector alone, or a list)."""
    if value is None:
        return []
    if isinstance(value, _KEY_TYPES) or (isinstance(value, np.ndarray) and value.ndim == 1):
        return [value]
    return list(value)


def _weighted_items(value, default_weight):
    """most_similar input -> list of (key or vector, weight), as gensim interprets it."""
    items = []
    for item in _query_items(value):
        if isinstance(item, (*_KEY_TYPES, np.ndarray)):
            items.append((item, default_weight))
        else:
            try:
                key, weight = item
                items.append((key, float(weight)))
            except (TypeError, ValueError):
                raise TypeError(
                    f"expected a key, a 1-D vector or a (key or vector, weight) pair, got {item!r}"
                ) from None
    return items
