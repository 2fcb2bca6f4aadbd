"""The similarity queries of :class:`~fastw2v.KeyedVectors`, under gensim 4's names and with
its results: cosine similarity and distance of keys, mean vectors, most similar keys
(3CosAdd and 3CosMul), many queries at once, centrality. KeyedVectors inherits them; they
read the vectors through its lookups and cached unit vectors (the
:class:`~fastw2v._neighbours.UnitVectors` mixin), and rank with :mod:`fastw2v._neighbours`.
"""
import logging

import numpy as np

from ._checks import check_int
from ._neighbours import UnitVectors, top_k, top_k_of_products, unit_rows

logger = logging.getLogger("fastw2v")

# what a query takes as one key (anything else is a vector or a list of them)
KEY_TYPES = (str, int, np.integer)


class SimilarityQueries(UnitVectors):
    """The similarity methods of :class:`~fastw2v.KeyedVectors` (a mixin: it uses the
    host's ``get_index``, ``get_vector``, ``index_to_key``, ``vector_size`` and raw
    ``_vectors``)."""

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
        w1, w2 : str or int
            The keys (a KeyError names one that is not in the vocabulary).

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
        if isinstance(word_or_vector, KEY_TYPES):
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
        key1, key2 : str or int
            The reference key and the key to rank.

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

    def most_similar_to_given(self, key1, keys_list):
        """The key of `keys_list` most similar (cosine) to `key1` (the first, of equals).

        Parameters
        ----------
        key1 : str or int
            The reference key.
        keys_list : list of (str or int)
            The candidates.

        Returns
        -------
        str or int
            An item of `keys_list`.

        Raises
        ------
        KeyError
            If a key is not in the vocabulary.
        ValueError
            If `keys_list` is empty.
        """
        if not len(keys_list):
            raise ValueError("keys_list must hold at least one key, got none")
        normed = self.get_normed_vectors()
        scores = normed[[self.get_index(key) for key in keys_list]] @ normed[self.get_index(key1)]
        return keys_list[int(np.argmax(scores))]

    def relative_cosine_similarity(self, wa, wb, topn=10):
        """Relative cosine similarity of `wb` to `wa` (Leeuwenberg et al., 2016), as gensim:
        ``similarity(wa, wb)`` over the sum of the similarities of ``similar_by_word(wa,
        topn)``.

        Parameters
        ----------
        wa, wb : str or int
            The keys.
        topn : int, optional
            Number of neighbours of `wa` summed.

        Returns
        -------
        float

        Raises
        ------
        KeyError
            If a key is not in the vocabulary.
        TypeError
            If `topn` is not an int (an ArgumentTypeError, also a ValueError).
        ValueError
            If `wa` has no neighbours (`topn` below 1, or a single key).
        """
        sims = self.similar_by_word(wa, check_int("topn", topn, None))
        if not sims:
            raise ValueError("Cannot calculate relative cosine similarity without any similar "
                             f"words (topn={topn}, {len(self)} keys).")
        return self.similarity(wa, wb) / sum(score for _, score in sims)

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
                raise ValueError(
                    f"n_similarity() needs at least one key in {name}, got an empty list")
            if not any(self.has_index_for(key) for key in keys):
                raise KeyError(
                    f"none of the keys in {name} is in the vocabulary: {list(keys)[:10]!r}")
            means.append(self.get_mean_vector(keys, pre_normalize=False))
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
            logger.warning("vectors for words %s are not present in the model, "
                           "ignoring these words",
                           sorted(set(words) - set(known), key=str))
        if not known:
            raise ValueError(f"none of the words {list(words)[:10]!r} is in the vocabulary")
        rows = [self.get_index(word) for word in known]
        if use_norm:
            vectors = self.get_normed_vectors()[rows]
        else:
            vectors = self._vectors[rows].astype(np.float32)
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

    def most_similar(self, positive=None, negative=None, topn=10, clip_start=0, clip_end=None,
                     restrict_vocab=None, indexer=None):
        """Keys most similar (cosine) to the weighted mean of the given keys and vectors.

        Same semantics as gensim's ``KeyedVectors.most_similar``: the query is
        ``get_mean_vector(keys, weights, pre_normalize=True, post_normalize=True,
        ignore_missing=False)``, each key weighing +1 (positive) or -1 (negative) unless a
        pair gives its weight; keys are ranked by cosine similarity to it (one
        matrix-vector product, sgemv, over the cached unit vectors, then a one-pass top-k
        selection). Input keys are left out of the result. Of equal scores, the key with
        the lower index comes first.

        Parameters
        ----------
        positive, negative : str or int or numpy.ndarray or list, optional
            A key, a 1-D vector (a 2-D array: one per row), or a list of keys, vectors or
            ``(key_or_vector, weight)`` pairs.
        topn : int or None, optional
            Number of results (none if below 1). None returns the similarities to all
            candidate keys.
        clip_start, clip_end : int, optional
            Only consider the keys of ``index_to_key[clip_start:clip_end]`` (Python slice
            bounds; `clip_end` None or 0 means the end).
        restrict_vocab : int, optional
            Only consider the first `restrict_vocab` keys (overrides the clip bounds).
        indexer : object, optional
            An approximate index such as gensim's ``AnnoyIndexer``: when `topn` is an int,
            the result is ``indexer.most_similar(query_vector, topn)``, as in gensim.

        Returns
        -------
        list of (str, float) or numpy.ndarray
            ``(key, similarity)`` pairs, most similar first; or, when `topn` is None, a 1-D
            float32 array of the similarities of the candidate keys, in index order.

        Raises
        ------
        KeyError
            If a key is not in the vocabulary.
        TypeError
            If `topn`, `clip_start`, `clip_end` or `restrict_vocab` is not an int (or None
            where allowed; an ArgumentTypeError, also a ValueError), or an item is not a
            key, vector or pair.
        ValueError
            If no key or vector is given, a vector has the wrong length, or
            `restrict_vocab` is below 1.
        """
        topn = _check_topn(topn, allow_none=True)
        start, stop = self._candidate_range(clip_start, clip_end, restrict_vocab)
        if topn == 0:
            return []
        items = _weighted_items(positive, 1.0) + _weighted_items(negative, -1.0)
        if not items:
            raise ValueError("most_similar() needs at least one positive or negative key or vector")
        keys = [item for item, _ in items]
        query = self.get_mean_vector(keys, [weight for _, weight in items], pre_normalize=True,
                                     post_normalize=True, ignore_missing=False)
        if indexer is not None and topn is not None:
            return indexer.most_similar(query, topn)
        scores = self.get_normed_vectors()[start:stop] @ query
        if topn is None:
            return scores
        input_rows = {self.get_index(key) for key in keys if not isinstance(key, np.ndarray)}
        return self._best_keys(scores, topn, input_rows, start)

    def most_similar_cosmul(self, positive=None, negative=None, topn=10, restrict_vocab=None):
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
            If `topn` or `restrict_vocab` is not an int or None (an ArgumentTypeError, also
            a ValueError), or an item is not a key or a vector.
        ValueError
            If no positive key or vector is given, a vector has the wrong length, or
            `restrict_vocab` is below 1.
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
                elif isinstance(item, KEY_TYPES):
                    input_rows.add(self.get_index(item))
                    term = self.get_vector(item, norm=True)
                else:
                    raise TypeError("most_similar_cosmul() takes keys and 1-D vectors "
                                    f"(no weights), got {item!r}")
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

    def similar_by_word(self, word, topn=10, restrict_vocab=None):
        """gensim's alias of :meth:`similar_by_key`, with its parameter name `word`.

        Parameters
        ----------
        word : str or int
            The key (the rest: as for :meth:`similar_by_key`).
        """
        return self.similar_by_key(word, topn, restrict_vocab)

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
            If `topn` is not an int, `restrict_vocab` or `block` not an int or None (an
            ArgumentTypeError, also a ValueError), or a query is not a key or a vector.
        ValueError
            If a vector has the wrong shape, or `restrict_vocab` or `block` is below 1.
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
                raise ValueError(f"query vectors must have {self.vector_size} columns, "
                                 f"got shape {queries.shape}")
            return unit_rows(queries), [()] * len(queries)
        if isinstance(queries, (*KEY_TYPES, np.ndarray)):
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
            elif isinstance(query, KEY_TYPES):
                rows.append((self.get_index(query),))
                unit[i] = normed[rows[-1][0]]
            else:
                raise TypeError(f"query {i} must be a key or a 1-D vector, got {query!r}"[:200])
        return unit, rows

    def _candidate_count(self, restrict_vocab):
        """Number of keys a similarity query considers: all, or the first `restrict_vocab`."""
        if restrict_vocab is None:
            return len(self)
        return min(check_int("restrict_vocab", restrict_vocab, 1), len(self))

    def _candidate_range(self, clip_start, clip_end, restrict_vocab):
        """(start, stop) of the rows most_similar() considers (gensim's clip bounds, or the
        first `restrict_vocab`)."""
        if restrict_vocab is not None:
            return 0, self._candidate_count(restrict_vocab)
        clip_start = check_int("clip_start", clip_start, None)
        clip_end = check_int("clip_end", clip_end, None, optional=True)
        start, stop, _ = slice(clip_start, clip_end or None).indices(len(self))
        return start, max(start, stop)

    def _best_keys(self, scores, topn, excluded, first_row=0):
        """The `topn` best (key, score) pairs of a 1-D array of the scores of the rows from
        `first_row` on, rows in `excluded` left out."""
        index, best = top_k(scores[np.newaxis, :], topn + len(excluded))
        return self._pairs((index[0] + first_row).tolist(), best[0].tolist(), excluded, topn)

    def _pairs(self, rows, scores, excluded, topn):
        """(key, score) pairs for the selected rows (best first), leaving out `excluded`."""
        pairs = [(self.index_to_key[row], score) for row, score in zip(rows, scores)
                 if row not in excluded]
        return pairs[:topn]


def _check_topn(topn, allow_none):
    """topn as an int >= 0 (gensim returns nothing for topn < 1), or None if allowed."""
    topn = check_int("topn", topn, None, optional=allow_none)
    return None if topn is None else max(topn, 0)


def _query_items(value):
    """most_similar input -> list of items, as gensim reads it (one key or vector alone, or
    a list)."""
    if value is None:
        return []
    if isinstance(value, KEY_TYPES) or (isinstance(value, np.ndarray) and value.ndim == 1):
        return [value]
    return list(value)


def _weighted_items(value, default_weight):
    """most_similar input -> list of (key or vector, weight), as gensim interprets it."""
    items = []
    for item in _query_items(value):
        if isinstance(item, (*KEY_TYPES, np.ndarray)):
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

