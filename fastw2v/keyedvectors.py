"""Word vectors keyed by word: lookups, similarity queries, evaluation and persistence.

:class:`KeyedVectors` follows the names and results of gensim 4's ``KeyedVectors`` for the
features word2vec users rely on, with a pickle-free native format (see :mod:`fastw2v._io`)
and the word2vec C text/binary formats.
"""

import itertools
import logging
import numbers
import os

import numpy as np

from ._io import load_arrays, open_compressed, read_word2vec, save_arrays, write_word2vec

logger = logging.getLogger("fastw2v")

_KEY_TYPES = (str, int, np.integer)
# evaluate_word_analogies: candidates gensim inspects per question (topn=5)
_ANALOGY_TOPN = 5
# evaluate_word_analogies: upper bound on score-matrix elements per block (64 MB of float32)
_SCORE_BLOCK_ELEMENTS = 1 << 24
_MAX_QUESTIONS_PER_BLOCK = 1000


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
        self._normed = None
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

    # ------------------------------------------------------------------------------------
    # similarity
    # ------------------------------------------------------------------------------------

    def _clear_norms(self):
        """Drop the cached unit-length vectors; call after changing `vectors` in place."""
        self._normed = None

    def get_normed_vectors(self):
        """All vectors scaled to unit L2 length (cached until :meth:`_clear_norms`).

        Returns
        -------
        numpy.ndarray
            float32 array of shape ``(n, d)``; all-zero rows stay zero.
        """
        if self._normed is None:
            self._normed = _unit_rows(self._vectors)
        return self._normed

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
        unit = _unit_rows(self._vectors[[self.get_index(w1), self.get_index(w2)]])
        return float(unit[0] @ unit[1])

    def most_similar(self, positive=None, negative=None, topn=10, *, restrict_vocab=None):
        """Keys most similar (cosine) to the weighted mean of the given keys and vectors.

        Same semantics as gensim's ``KeyedVectors.most_similar``: each key contributes its
        unit vector with weight +1 (positive) or -1 (negative), a given vector contributes
        as is; the mean is divided by the total absolute weight and normalised, and keys
        are ranked by cosine similarity to it. Input keys are left out of the result.

        Parameters
        ----------
        positive, negative : str or numpy.ndarray or list, optional
            A key, a 1-D vector, or a list of keys, vectors or ``(key_or_vector, weight)``
            pairs (a pair's weight replaces the default +1 / -1).
        topn : int or None, optional
            Number of results. None returns the similarities to all candidate keys.
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
        ValueError
            If no key or vector is given, or a vector has the wrong length.
        """
        if isinstance(topn, numbers.Integral) and topn < 1:
            return []
        items = _weighted_items(positive, 1.0) + _weighted_items(negative, -1.0)
        if not items:
            raise ValueError("most_similar() needs at least one positive or negative key or vector")
        normed = self.get_normed_vectors()
        mean = np.zeros(self.vector_size, dtype=np.float32)
        input_rows = []
        for item, weight in items:
            if isinstance(item, np.ndarray):
                if item.shape != (self.vector_size,):
                    raise ValueError(f"vectors must have shape ({self.vector_size},), got {item.shape}")
                mean += weight * item
            else:
                input_rows.append(self.get_index(item))
                mean += weight * normed[input_rows[-1]]
        mean /= sum(abs(weight) for _, weight in items) or 1.0
        query = _unit_rows(mean[np.newaxis, :])[0]
        scores = normed[:restrict_vocab or len(normed)] @ query
        if topn is None:
            return scores
        excluded = set(input_rows)
        best = _top_k_per_row(scores[np.newaxis, :], topn + len(input_rows))[0]
        return [(self.index_to_key[i], float(scores[i])) for i in best if i not in excluded][:topn]

    # ------------------------------------------------------------------------------------
    # evaluation
    # ------------------------------------------------------------------------------------

    def _evaluation_vocab(self, restrict_vocab, case_insensitive):
        """Map (upper-cased) key -> row over the first `restrict_vocab` rows; first row wins."""
        vocab = {}
        for index, key in enumerate(self.index_to_key[:restrict_vocab]):
            vocab.setdefault(key.upper() if case_insensitive else key, index)
        return vocab

    def evaluate_word_analogies(self, analogies, restrict_vocab=30000, case_insensitive=True,
                                dummy4unknown=False):
        """Accuracy on an analogy test set such as Google's ``questions-words.txt``.

        Same results as gensim's ``evaluate_word_analogies`` (3CosAdd: the answer to
        "a is to b as c is to ?" is the key closest to ``b - a + c``, the question words
        excluded), computed in blocks of questions with one matrix product each.

        Parameters
        ----------
        analogies : str or os.PathLike
            Text file of sections, each started by a ``": section name"`` line and followed
            by lines of four words ``a b c d``; blank lines are ignored.
        restrict_vocab : int, optional
            Only the first `restrict_vocab` keys are used: as candidate answers, and a
            question with any word outside them is out-of-vocabulary.
        case_insensitive : bool, optional
            Compare words upper-cased; of keys differing only by case, the first (most
            frequent) one is used.
        dummy4unknown : bool, optional
            Count out-of-vocabulary questions as incorrect instead of skipping them.

        Returns
        -------
        accuracy : float
            Fraction of evaluated questions answered correctly (0.0 if none).
        sections : list of dict
            One ``{'section': name, 'correct': [(a, b, c, d), ...], 'incorrect': [...]}``
            per section of the file, then a ``'Total accuracy'`` one over all sections.

        Raises
        ------
        OSError
            If the file cannot be read (for example FileNotFoundError).
        ValueError
            If the file holds no questions, or a line is not four words or comes before
            the first section header (the message gives the line number).
        """
        vocab = self._evaluation_vocab(restrict_vocab, case_insensitive)
        parsed = _read_analogy_sections(analogies, case_insensitive)
        logger.info("evaluating word analogies for the top %s words of the model on %s",
                    restrict_vocab, analogies)
        normed = self.get_normed_vectors()
        candidates = normed[:restrict_vocab]
        sections, n_questions, n_oov = [], 0, 0
        for name, questions in parsed:
            rows = [[vocab.get(word) for word in question] for question in questions]
            known = [i for i, row in enumerate(rows) if None not in row]
            outcome = [False] * len(questions)
            if known:
                abc = np.array([rows[i][:3] for i in known], dtype=np.int64)
                predictions = self._answer_analogies(normed, candidates, abc, vocab, case_insensitive)
                for i, predicted in zip(known, predictions):
                    outcome[i] = predicted == questions[i][3]
            n_questions += len(questions)
            n_oov += len(questions) - len(known)
            evaluated = range(len(questions)) if dummy4unknown else known
            section = {
                "section": name,
                "correct": [questions[i] for i in evaluated if outcome[i]],
                "incorrect": [questions[i] for i in evaluated if not outcome[i]],
            }
            _log_section_accuracy(section)
            sections.append(section)
        if n_questions == 0:
            raise ValueError(f"no analogy questions found in {os.fspath(analogies)!r}")
        total = {
            "section": "Total accuracy",
            "correct": list(itertools.chain.from_iterable(s["correct"] for s in sections)),
            "incorrect": list(itertools.chain.from_iterable(s["incorrect"] for s in sections)),
        }
        logger.info("quadruplets with out-of-vocabulary words: %.1f%%", 100.0 * n_oov / n_questions)
        if not dummy4unknown:
            logger.info("NB: analogies containing OOV words were skipped from evaluation! "
                        "To change this behavior, use dummy4unknown=True")
        accuracy = _log_section_accuracy(total)
        sections.append(total)
        return accuracy, sections

    def _answer_analogies(self, normed, candidates, abc, vocab, case_insensitive):
        """Predicted answer (as compared with the expected word) for each row (a, b, c) of `abc`.

        Reproduces gensim: the best `_ANALOGY_TOPN` candidates other than rows a, b, c are
        scanned for the first whose (upper-cased) key is not one of the question's words;
        if there is none, the last one scanned is the prediction.
        """
        block = max(1, min(_MAX_QUESTIONS_PER_BLOCK, _SCORE_BLOCK_ELEMENTS // max(1, len(candidates))))
        scores = np.empty((min(block, len(abc)), len(candidates)), dtype=np.float32)  # reused
        predictions = []
        for start in range(0, len(abc), block):
            a, b, c = abc[start:start + block].T
            # same arithmetic as gensim: (1 * b + 1 * c - 1 * a) / 3, then unit length
            queries = _unit_rows((normed[b] + normed[c] - normed[a]) / np.float32(3))
            np.matmul(queries, candidates.T, out=scores[:len(queries)])
            top = _top_k_per_row(scores[:len(queries)], _ANALOGY_TOPN + 3)
            for question, best in zip(abc[start:start + block].tolist(), top.tolist()):
                ignore = {self._evaluation_key(row, case_insensitive) for row in question}
                predicted = None
                for row in [row for row in best if row not in question][:_ANALOGY_TOPN]:
                    predicted = self._evaluation_key(row, case_insensitive)
                    if predicted in vocab and predicted not in ignore:
                        break
                predictions.append(predicted)
        return predictions

    def _evaluation_key(self, row, case_insensitive):
        key = self.index_to_key[row]
        return key.upper() if case_insensitive else key

    def evaluate_word_pairs(self, pairs, delimiter="\t", encoding="utf8", restrict_vocab=300000,
                            case_insensitive=True, dummy4unknown=False):
        """Correlation of the model's cosine similarities with human similarity judgements.

        Same results as gensim's ``evaluate_word_pairs``.

        Parameters
        ----------
        pairs : str or os.PathLike
            Text file of ``word1<delimiter>word2<delimiter>score`` lines, such as
            WordSim-353; lines starting with ``#`` are comments, other malformed lines are
            skipped (and logged).
        delimiter : str, optional
            Field separator.
        encoding : str, optional
            Encoding of the file.
        restrict_vocab : int, optional
            Words outside the first `restrict_vocab` keys are out-of-vocabulary.
        case_insensitive : bool, optional
            Compare words upper-cased; of keys differing only by case the first is used.
        dummy4unknown : bool, optional
            Give out-of-vocabulary pairs similarity 0 instead of skipping them.

        Returns
        -------
        pearson : scipy.stats PearsonRResult
            Pearson correlation and two-sided p-value (``statistic``, ``pvalue``).
        spearman : scipy.stats SignificanceResult
            Spearman rank correlation and two-sided p-value.
        oov_ratio : float
            Percentage of pairs with out-of-vocabulary words (relative to the evaluated
            pairs when `dummy4unknown`, to all valid pairs otherwise, as in gensim).

        Raises
        ------
        OSError
            If the file cannot be read.
        ValueError
            If no valid in-vocabulary pair is found.
        """
        vocab = self._evaluation_vocab(restrict_vocab, case_insensitive)
        gold, rows, n_oov = [], [], 0
        for line_no, line in _numbered_lines(pairs, encoding):
            if not line or line.startswith("#"):
                continue
            fields = line.split(delimiter)
            try:
                word1, word2, score = fields
                score = float(score)
            except ValueError:
                logger.info("skipping invalid line %d in %s", line_no, pairs)
                continue
            if case_insensitive:
                word1, word2 = word1.upper(), word2.upper()
            if word1 not in vocab or word2 not in vocab:
                n_oov += 1
                logger.debug("%s line %d has out-of-vocabulary words: %s", pairs, line_no, line.strip())
                rows.append(None)
            else:
                rows.append((vocab[word1], vocab[word2]))
            gold.append(score)
        if not dummy4unknown:
            gold = [score for score, row in zip(gold, rows) if row is not None]
            rows = [row for row in rows if row is not None]
        if not gold:
            raise ValueError(
                f"no valid in-vocabulary word pairs found in {os.fspath(pairs)!r} "
                f"(wrong delimiter {delimiter!r}, or all words out of vocabulary?)"
            )
        model = np.zeros(len(rows), dtype=np.float32)
        known = [i for i, row in enumerate(rows) if row is not None]
        if known:
            first, second = np.array([rows[i] for i in known], dtype=np.int64).T
            normed = self.get_normed_vectors()
            model[known] = np.einsum("ij,ij->i", normed[first], normed[second])
        gold, model = np.asarray(gold, dtype=np.float64), model.astype(np.float64)
        from scipy import stats  # imported here: scipy.stats costs 45 MB and 0.5 s to import

        pearson = stats.pearsonr(gold, model)
        spearman = stats.spearmanr(gold, model)
        oov_ratio = 100.0 * n_oov / (len(gold) if dummy4unknown else len(gold) + n_oov)
        logger.info("Pearson correlation coefficient against %s: %.4f", pairs, pearson[0])
        logger.info("Spearman rank-order correlation coefficient against %s: %.4f", pairs, spearman[0])
        logger.info("Pairs with unknown words ratio: %.1f%%", oov_ratio)
        return pearson, spearman, oov_ratio

    # ------------------------------------------------------------------------------------
    # persistence
    # ------------------------------------------------------------------------------------

    def save(self, path):
        """Save in the native fastw2v format: a directory of ``.npy`` files and JSON.

        Parameters
        ----------
        path : str or os.PathLike
            Directory to create, or a previous save to replace (atomically).

        Raises
        ------
        FileExistsError
            If `path` exists and is not a fastw2v directory.
        OSError
            If writing fails.
        """
        save_arrays(path, {"kind": "KeyedVectors", "index_to_key": self.index_to_key},
                    {"vectors": self._vectors, "counts": self.counts})

    @classmethod
    def load(cls, path, mmap=None):
        """Load vectors saved by :meth:`save` (or by a fastw2v model's ``save``).

        Parameters
        ----------
        path : str or os.PathLike
            The saved directory.
        mmap : {None, 'r', 'r+', 'c'}, optional
            Memory-map the arrays instead of reading them; ``'r'`` is read-only.

        Returns
        -------
        KeyedVectors
            The loaded vectors.

        Raises
        ------
        FileNotFoundError
            If `path` does not exist.
        ValueError
            If `path` is not a valid fastw2v directory or lacks the vectors.
        """
        meta, arrays = load_arrays(path, mmap=mmap)
        missing = [name for name in ("vectors", "counts") if name not in arrays]
        keys = meta.get("index_to_key")
        if missing or not isinstance(keys, list):
            raise ValueError(
                f"{os.fspath(path)!r} holds no word vectors (missing arrays {missing} or the "
                "'index_to_key' list)"
            )
        try:
            return cls(arrays["vectors"], keys, arrays["counts"])
        except (TypeError, ValueError) as err:
            raise ValueError(f"{os.fspath(path)!r} holds invalid word vectors: {err}") from None

    def save_word2vec_format(self, fname, binary=False, write_header=True):
        """Save in the word2vec C tool's text or binary format (readable by gensim).

        Parameters
        ----------
        fname : str or os.PathLike
            Output file; ``.gz``, ``.bz2`` and ``.xz`` paths are compressed.
        binary : bool, optional
            Binary format (float32 values) instead of text.
        write_header : bool, optional
            Write the ``"COUNT DIM"`` first line (without it, text is GloVe's format).

        Raises
        ------
        ValueError
            If a key is empty or contains whitespace (unrepresentable in the format).
        OSError
            If writing fails.
        """
        write_word2vec(fname, self.index_to_key, self._vectors, binary=binary, write_header=write_header)

    @classmethod
    def load_word2vec_format(cls, fname, binary=False, limit=None, encoding="utf8",
                             unicode_errors="strict", datatype=np.float32, *, no_header=False):
        """Load vectors in the word2vec C tool's text or binary format.

        Counts are not stored in this format; they are set to 0. A repeated word keeps its
        first vector (with a logged warning).

        Parameters
        ----------
        fname : str or os.PathLike
            Input file; ``.gz``, ``.bz2`` and ``.xz`` paths are decompressed.
        binary : bool, optional
            The file is in binary format.
        limit : int, optional
            Load only the first `limit` vectors.
        encoding : str, optional
            Encoding of the words.
        unicode_errors : str, optional
            Handling of undecodable words: 'strict', 'replace', 'ignore', ...
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
            If `fname` does not exist.
        ValueError
            If the file is empty, truncated, corrupt, disagrees with its header or is in
            the other format; the message names the line or byte offset.
        """
        words, vectors = read_word2vec(fname, binary=binary, limit=limit, encoding=encoding,
                                       unicode_errors=unicode_errors, datatype=datatype,
                                       no_header=no_header)
        return cls(vectors, words)


def _check_vectors(vectors):
    if not isinstance(vectors, np.ndarray) or vectors.ndim != 2 \
            or not np.issubdtype(vectors.dtype, np.floating):
        raise TypeError(
            "vectors must be a 2-D floating-point numpy array, got "
            f"{type(vectors).__name__} {getattr(vectors, 'dtype', '')} {getattr(vectors, 'shape', '')}"
        )
    if vectors.shape[1] < 1:
        raise ValueError(f"vectors must have at least one column, got shape {vectors.shape}")


def _unit_rows(matrix):
    """float32 copy of a 2-D array with every row scaled to unit L2 length (zero rows stay 0)."""
    unit = np.array(matrix, dtype=np.float32)
    norms = np.sqrt(np.einsum("ij,ij->i", unit, unit))
    norms[norms == 0] = 1.0
    unit /= norms[:, np.newaxis]
    return unit


def _top_k_per_row(scores, k):
    """Column indices of the `k` largest entries of each row of `scores`, best first."""
    n = scores.shape[1]
    k = min(k, n)
    if k < 1:
        return np.empty((scores.shape[0], 0), dtype=np.intp)
    part = np.argpartition(scores, n - k, axis=1)[:, n - k:]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def _weighted_items(value, default_weight):
    """most_similar input -> list of (key or vector, weight), as gensim interprets it."""
    if value is None:
        return []
    if isinstance(value, _KEY_TYPES) or (isinstance(value, np.ndarray) and value.ndim == 1):
        value = [value]
    items = []
    for item in value:
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


def _numbered_lines(path, encoding="utf8"):
    """Yield (1-based line number, decoded line with its newline) of a possibly compressed file."""
    with open_compressed(path, "rb") as fin:
        for line_no, raw in enumerate(fin, 1):
            try:
                yield line_no, raw.decode(encoding)
            except UnicodeDecodeError as err:
                raise ValueError(
                    f"{os.fspath(path)!r}, line {line_no}: not valid {encoding}: {err}"
                ) from None


def _read_analogy_sections(path, case_insensitive):
    """Parse an analogy file into [(section name, [(a, b, c, d), ...]), ...]."""
    sections = []
    for line_no, line in _numbered_lines(path):
        if line.startswith(":"):
            sections.append((line.lstrip(": ").strip(), []))
            continue
        words = line.split()
        if not words:
            continue
        if not sections:
            raise ValueError(
                f"{os.fspath(path)!r}, line {line_no}: question before the first ': section' header"
            )
        if len(words) != 4:
            raise ValueError(
                f"{os.fspath(path)!r}, line {line_no}: expected 4 words 'a b c d', found {len(words)}"
            )
        sections[-1][1].append(tuple(word.upper() for word in words) if case_insensitive else tuple(words))
    return sections


def _log_section_accuracy(section):
    """Log a section's accuracy and return it (0.0 when nothing was evaluated)."""
    correct, incorrect = len(section["correct"]), len(section["incorrect"])
    if correct + incorrect == 0:
        return 0.0
    accuracy = correct / (correct + incorrect)
    logger.info("%s: %.1f%% (%i/%i)", section["section"], 100.0 * accuracy, correct, correct + incorrect)
    return accuracy
