"""Evaluation of word vectors on test files: analogy questions (Google's
``questions-words.txt``) and word pairs with human similarity scores (WordSim-353): the
files parsed, the model scored as gensim scores it, the results logged.

The methods ``evaluate_word_analogies`` and ``evaluate_word_pairs`` of
:class:`~fastw2v.KeyedVectors` call these functions with the instance as `kv`.
"""
import itertools
import logging
import os

import numpy as np

from ._checks import check_choice
from ._compression import corrupt_stream_named, decode_text, open_compressed
from ._neighbours import top_k, top_k_of_products, unit_rows

logger = logging.getLogger("fastw2v")

# evaluate_word_analogies: candidates gensim inspects per question (topn=5)
_ANALOGY_TOPN = 5
# evaluate_word_analogies with most_similar_cosmul: questions scored per block of products
_COSMUL_QUESTIONS_PER_BLOCK = 256
SIMILARITY_FUNCTIONS = ("most_similar", "most_similar_cosmul")


def evaluate_word_analogies(kv, analogies, restrict_vocab=300000, case_insensitive=True,
                            dummy4unknown=False, similarity_function="most_similar"):
    """Accuracy on an analogy test set such as Google's ``questions-words.txt``.

    Same results as gensim's ``evaluate_word_analogies`` (3CosAdd: the answer to
    "a is to b as c is to ?" is the key closest to ``b - a + c``, the question words
    excluded), computed in blocks of questions with matrix products.

    Parameters
    ----------
    kv : KeyedVectors
        The vectors evaluated (the instance, when called as its method).
    analogies : str or os.PathLike
        Text file of sections, each started by a ``": section name"`` line and followed
        by lines of four words ``a b c d``; blank lines are ignored.
    restrict_vocab : int or None, optional
        Only the first `restrict_vocab` keys are used: as candidate answers, and a
        question with any word outside them is out-of-vocabulary. The default is
        gensim's; 30000 is the customary setting for questions-words.txt (word2vec's
        compute-accuracy). None uses all keys.
    case_insensitive : bool, optional
        Compare words upper-cased; of keys differing only by case, the first (most
        frequent) one is used.
    dummy4unknown : bool, optional
        Count out-of-vocabulary questions as incorrect instead of skipping them.
    similarity_function : {'most_similar', 'most_similar_cosmul'}, optional
        The answer is the best key by 3CosAdd (``most_similar``) or by 3CosMul
        (``most_similar_cosmul``, within the first `restrict_vocab` keys). gensim 4.4
        takes this argument but always uses ``most_similar``.

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
        If the file holds no questions, a line is not four words or comes before the
        first section header (the message gives the line number), `restrict_vocab`
        is not None or an int >= 1, or `similarity_function` is not one of the two (if
        the type is wrong, the error is an ArgumentTypeError, a TypeError too).
    """
    cosmul = check_choice("similarity_function", similarity_function,
                          SIMILARITY_FUNCTIONS) == "most_similar_cosmul"
    vocab, limit = _vocab(kv, restrict_vocab, case_insensitive)
    parsed = _read_analogy_sections(analogies, case_insensitive)
    logger.info("Evaluating word analogies for top %s words in the model on %s",
                restrict_vocab, analogies)
    normed = kv.get_normed_vectors()
    candidates = normed[:limit]
    sections, n_questions, n_oov = [], 0, 0
    for name, questions in parsed:
        rows = [[vocab.get(word) for word in question] for question in questions]
        known = [i for i, row in enumerate(rows) if None not in row]
        outcome = [False] * len(questions)
        if known:
            abc = np.array([rows[i][:3] for i in known], dtype=np.int64)
            top = (_cosmul_top if cosmul else _cosadd_top)(normed, candidates, abc)
            predictions = _answer_analogies(kv, top, abc, vocab, case_insensitive)
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
        log_accuracy(section)
        sections.append(section)
    if n_questions == 0:
        raise ValueError(f"no analogy questions found in {os.fspath(analogies)!r}")
    total = {
        "section": "Total accuracy",
        "correct": list(itertools.chain.from_iterable(s["correct"] for s in sections)),
        "incorrect": list(itertools.chain.from_iterable(s["incorrect"] for s in sections)),
    }
    logger.info("Quadruplets with out-of-vocabulary words: %.1f%%", 100.0 * n_oov / n_questions)
    if not dummy4unknown:
        logger.info("NB: analogies containing OOV words were skipped from evaluation! "
                    "To change this behavior, use \"dummy4unknown=True\"")
    accuracy = _section_accuracy(total)
    log_accuracy(total)
    sections.append(total)
    return accuracy, sections


def _vocab(kv, restrict_vocab, case_insensitive):
    """Map (upper-cased) key -> row over the first `restrict_vocab` rows (all if None; the
    first row of keys equal upper-cased wins), and the number of those rows. Keys that are
    not str (ints, ...) are left out: no word of a file is one."""
    limit = kv._candidate_count(restrict_vocab)
    vocab = {}
    for index in range(limit):
        key = _key(kv, index, case_insensitive)
        if isinstance(key, str):
            vocab.setdefault(key, index)
    return vocab, limit


def _cosadd_top(normed, candidates, abc):
    """The best candidate rows by 3CosAdd (most_similar) for each row (a, b, c) of `abc`."""
    a, b, c = abc.T
    # same arithmetic as gensim: (1 * b + 1 * c - 1 * a) / 3, then unit length
    queries = unit_rows((normed[b] + normed[c] - normed[a]) / np.float32(3))
    return top_k_of_products(queries, candidates, _ANALOGY_TOPN + 3)[0]


def _cosmul_top(normed, candidates, abc):
    """The best candidate rows by 3CosMul (most_similar_cosmul: b * c / (a + 1e-6) with
    cosines shifted to [0, 1]) for each row (a, b, c) of `abc`, in blocks of questions."""
    tops = []
    for start in range(0, len(abc), _COSMUL_QUESTIONS_PER_BLOCK):
        a, b, c = ((1 + normed[rows] @ candidates.T) / 2
                   for rows in abc[start:start + _COSMUL_QUESTIONS_PER_BLOCK].T)
        tops.append(top_k(b * c / (a + np.float32(1e-6)), _ANALOGY_TOPN + 3)[0])
    return np.concatenate(tops)


def _answer_analogies(kv, top, abc, vocab, case_insensitive):
    """Predicted answer (as compared with the expected word) for each row (a, b, c) of
    `abc`, from its best candidate rows `top`.

    Reproduces gensim: the best `_ANALOGY_TOPN` candidates other than rows a, b, c are
    scanned for the first whose (upper-cased) key is not one of the question's words;
    if there is none, the last one scanned is the prediction.
    """
    predictions = []
    for question, best in zip(abc.tolist(), top.tolist()):
        ignore = {_key(kv, row, case_insensitive) for row in question}
        predicted = None
        for row in [row for row in best if row not in question][:_ANALOGY_TOPN]:
            predicted = _key(kv, row, case_insensitive)
            if predicted in vocab and predicted not in ignore:
                break
        predictions.append(predicted)
    return predictions


def _key(kv, row, case_insensitive):
    """The key of `row` as compared with a file's words (upper-cased if `case_insensitive`
    and a str)."""
    key = kv.index_to_key[row]
    return key.upper() if case_insensitive and isinstance(key, str) else key


def evaluate_word_pairs(kv, pairs, delimiter="\t", encoding="utf8", restrict_vocab=300000,
                        case_insensitive=True, dummy4unknown=False):
    """Correlation of the model's cosine similarities with human similarity judgements.

    Same results as gensim's ``evaluate_word_pairs``.

    Parameters
    ----------
    kv : KeyedVectors
        The vectors evaluated (the instance, when called as its method).
    pairs : str or os.PathLike
        Text file of ``word1<delimiter>word2<delimiter>score`` lines, such as
        WordSim-353; lines starting with ``#`` are comments, other malformed lines are
        skipped (and logged).
    delimiter : str, optional
        Field separator.
    encoding : str, optional
        Encoding of the file.
    restrict_vocab : int or None, optional
        Words outside the first `restrict_vocab` keys (None: all keys) are
        out-of-vocabulary.
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
        If no valid in-vocabulary pair is found, or `restrict_vocab` is not None or an
        int >= 1 (if it is not an int, the error is an ArgumentTypeError, a TypeError too).
    """
    vocab, _ = _vocab(kv, restrict_vocab, case_insensitive)
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
        normed = kv.get_normed_vectors()
        model[known] = np.einsum("ij,ij->i", normed[first], normed[second])
    gold, model = np.asarray(gold, dtype=np.float64), model.astype(np.float64)
    from scipy import stats  # imported here: scipy.stats costs 45 MB and 0.5 s to import

    pearson = stats.pearsonr(gold, model)
    spearman = stats.spearmanr(gold, model)
    oov_ratio = 100.0 * n_oov / (len(gold) if dummy4unknown else len(gold) + n_oov)
    log_evaluate_word_pairs(pearson, spearman, oov_ratio, pairs)
    return pearson, spearman, oov_ratio


def log_evaluate_word_pairs(pearson, spearman, oov, pairs):
    """Log the result of :func:`evaluate_word_pairs` at INFO, as gensim's static method.

    Parameters
    ----------
    pearson, spearman : tuple of (float, float)
        The correlations (first items are logged) and p-values.
    oov : float
        Percentage of pairs with out-of-vocabulary words.
    pairs : str or os.PathLike
        The file evaluated.
    """
    logger.info("Pearson correlation coefficient against %s: %.4f", pairs, pearson[0])
    logger.info("Spearman rank-order correlation coefficient against %s: %.4f", pairs, spearman[0])
    logger.info("Pairs with unknown words ratio: %.1f%%", oov)


def _numbered_lines(path, encoding="utf8"):
    """Yield (1-based line number, decoded line with its newline) of a possibly compressed file."""
    where = repr(os.fspath(path))
    with open_compressed(path, "rb") as fin, corrupt_stream_named(path, where):
        for line_no, raw in enumerate(fin, 1):
            yield line_no, decode_text(raw, f"{where}, line {line_no}", encoding)


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
                f"{os.fspath(path)!r}, line {line_no}: expected 4 words 'a b c d', "
                f"found {len(words)}"
            )
        if case_insensitive:
            words = [word.upper() for word in words]
        sections[-1][1].append(tuple(words))
    return sections


def _section_accuracy(section):
    """A section's accuracy (0.0 when nothing was evaluated)."""
    correct, incorrect = len(section["correct"]), len(section["incorrect"])
    return correct / (correct + incorrect) if correct + incorrect else 0.0


def log_accuracy(section):
    """Log a section of :func:`evaluate_word_analogies` at INFO (nothing if it is empty), as
    gensim's static method.

    Parameters
    ----------
    section : dict
        ``{'section': name, 'correct': [...], 'incorrect': [...]}``.
    """
    correct, incorrect = len(section["correct"]), len(section["incorrect"])
    if correct + incorrect:
        logger.info("%s: %.1f%% (%i/%i)", section["section"], 100.0 * _section_accuracy(section),
                    correct, correct + incorrect)
