"""KeyedVectors: lookups, similarity queries and evaluations, checked against gensim 4."""

import logging
from pathlib import Path

import numpy as np
import pytest

from fastw2v.keyedvectors import KeyedVectors

SHARED = Path(__file__).resolve().parents[2] / "shared"
QUESTIONS_WORDS = SHARED / "data" / "eval" / "questions-words.txt"
WORDSIM353 = SHARED / "data" / "eval" / "wordsim353.tsv"

DIM = 24
# lower-case words plus case variants: "Paris" comes before "paris", "rome" before "Rome"
BASE_WORDS = ["king", "queen", "man", "woman", "Paris", "france", "paris", "rome", "italy",
              "berlin", "germany", "Rome", "big", "bigger", "small", "smaller", "good", "better",
              "bad", "worse", "cat", "tiger", "dog", "car"]


def _random_vocabulary(n_extra=400, seed=0):
    rng = np.random.default_rng(seed)
    words = BASE_WORDS + [f"w{i}" for i in range(n_extra)]
    return words, rng.standard_normal((len(words), DIM)).astype(np.float32)


@pytest.fixture
def kv_with_zero_row():
    """gensim divides by zero for all-zero vectors, so these are only tested on our side."""
    words, vectors = _random_vocabulary()
    vectors[5] = 0.0
    return KeyedVectors(vectors, words)


@pytest.fixture
def kv():
    words, vectors = _random_vocabulary()
    return KeyedVectors(vectors, words, np.arange(len(words), 0, -1))


def _gensim_twin(kv):
    """gensim KeyedVectors with the same keys and (copied) vectors."""
    gensim_models = pytest.importorskip("gensim.models")
    twin = gensim_models.KeyedVectors(kv.vector_size)
    twin.add_vectors(list(kv.index_to_key), kv.vectors.copy())
    return twin


def _assert_same_neighbours(ours, theirs):
    assert [key for key, _ in ours] == [key for key, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-5)


# ----------------------------------------------------------------------------------------
# construction and lookups
# ----------------------------------------------------------------------------------------

def test_vectors_are_stored_without_copy_and_attributes():
    words, vectors = _random_vocabulary()
    kv = KeyedVectors(vectors, words)
    assert kv.vectors is vectors
    assert kv.index_to_key == words
    assert kv.key_to_index["queen"] == 1
    assert kv.vector_size == DIM
    assert len(kv) == len(words)
    assert kv.counts.dtype == np.int64 and not kv.counts.any()
    assert list(kv)[:3] == words[:3]


@pytest.mark.parametrize("make, error, match", [
    (lambda v, w: KeyedVectors(v, w[:-1]), ValueError, "rows"),
    (lambda v, w: KeyedVectors(v, w[:-1] + ["king"]), ValueError, "'king' appears more than once"),
    (lambda v, w: KeyedVectors(v, w, counts=np.zeros(3, dtype=np.int64)), ValueError, "counts"),
    (lambda v, w: KeyedVectors(v, w, counts=np.zeros(len(w))), ValueError, "counts"),
    (lambda v, w: KeyedVectors(v.tolist(), w), TypeError, "2-D floating-point"),
    (lambda v, w: KeyedVectors(v[0], w), TypeError, "2-D floating-point"),
    (lambda v, w: KeyedVectors(v.astype(np.int32), w), TypeError, "2-D floating-point"),
    (lambda v, w: KeyedVectors(v, w[:-1] + [7]), TypeError, "keys must be str"),
])
def test_invalid_construction(make, error, match):
    words, vectors = _random_vocabulary()
    with pytest.raises(error, match=match):
        make(vectors, words)


def test_lookups(kv):
    row = kv["queen"]
    assert row.shape == (DIM,) and np.shares_memory(row, kv.vectors)
    np.testing.assert_array_equal(row, kv.vectors[1])
    np.testing.assert_array_equal(kv[["man", "king"]], kv.vectors[[2, 0]])
    np.testing.assert_array_equal(kv.get_vector("man"), kv.vectors[2])
    assert np.linalg.norm(kv.get_vector("man", norm=True)) == pytest.approx(1.0, abs=1e-6)
    assert "king" in kv and "xyzzy" not in kv
    assert kv.get_index("woman") == 3 and kv.get_index("xyzzy", default=-1) == -1
    assert kv.has_index_for("rome") and not kv.has_index_for("xyzzy")
    assert kv.get_vecattr("king", "count") == len(kv)
    with pytest.raises(ValueError, match="'frequency'"):
        kv.get_vecattr("king", "frequency")


@pytest.mark.parametrize("call", [
    lambda kv: kv["xyzzy"],
    lambda kv: kv[["king", "xyzzy"]],
    lambda kv: kv.get_index("xyzzy"),
    lambda kv: kv.get_vector("xyzzy", norm=True),
    lambda kv: kv.get_vecattr("xyzzy", "count"),
    lambda kv: kv.similarity("king", "xyzzy"),
    lambda kv: kv.most_similar(positive=["king", "xyzzy"]),
    lambda kv: kv.most_similar(negative="xyzzy"),
])
def test_missing_word_raises_key_error_naming_it(kv, call):
    with pytest.raises(KeyError, match="word 'xyzzy' not in vocabulary"):
        call(kv)


def test_normed_vectors_cached_and_cleared(kv_with_zero_row):
    kv = kv_with_zero_row
    normed = kv.get_normed_vectors()
    assert normed.dtype == np.float32 and normed is kv.get_normed_vectors()
    assert not np.shares_memory(normed, kv.vectors)
    norms = np.linalg.norm(normed, axis=1)
    zero = 5
    assert norms[zero] == 0.0 and not np.isnan(normed).any()
    np.testing.assert_allclose(np.delete(norms, zero), 1.0, atol=1e-6)
    kv.vectors[0] *= -1.0  # training updates the array in place, then clears the cache
    kv._clear_norms()
    np.testing.assert_allclose(kv.get_normed_vectors()[0], -normed[0], atol=1e-7)


def test_assigning_vectors_validates_and_clears_norms(kv):
    normed = kv.get_normed_vectors()
    kv.vectors = -kv.vectors
    np.testing.assert_allclose(kv.get_normed_vectors(), -normed, atol=1e-7)
    with pytest.raises(ValueError, match="rows"):
        kv.vectors = kv.vectors[:3]
    with pytest.raises(TypeError):
        kv.vectors = None


def test_similarity_and_zero_vector(kv_with_zero_row):
    kv = kv_with_zero_row
    a, b = kv["cat"], kv["tiger"]
    expected = a @ b / np.linalg.norm(a) / np.linalg.norm(b)
    assert kv.similarity("cat", "tiger") == pytest.approx(expected, abs=1e-6)
    assert kv.similarity("cat", "cat") == pytest.approx(1.0, abs=1e-6)
    zero_word = kv.index_to_key[5]
    assert kv.similarity("cat", zero_word) == 0.0
    result = kv.most_similar([zero_word, "dog"], topn=None)
    assert not np.isnan(result).any() and result[5] == 0.0
    np.testing.assert_allclose(result, kv.most_similar("dog", topn=None), atol=1e-6)


# ----------------------------------------------------------------------------------------
# most_similar, similarity: same results as gensim
# ----------------------------------------------------------------------------------------

MOST_SIMILAR_QUERIES = [
    dict(positive="king"),
    dict(positive=["king"], topn=3),
    dict(positive=["king", "woman"], negative=["man"]),
    dict(positive=["paris", "italy"], negative="france", topn=20, restrict_vocab=100),
    dict(negative=["dog"], topn=7),
    dict(positive=[("king", 2.0), ("queen", 0.5)], negative=[("man", -1.5)]),
    dict(positive=["cat", "cat"], topn=5),
    dict(positive=[3, "car"], topn=4),
    dict(positive="big", topn=100000),
    dict(positive="big", topn=5, restrict_vocab=3),
]


@pytest.mark.parametrize("query", MOST_SIMILAR_QUERIES)
def test_most_similar_matches_gensim(kv, query):
    twin = _gensim_twin(kv)
    _assert_same_neighbours(kv.most_similar(**query), twin.most_similar(**query))


def test_most_similar_with_vectors_matches_gensim(kv):
    twin = _gensim_twin(kv)
    vector = np.random.default_rng(5).standard_normal(DIM).astype(np.float32)
    for query in (dict(positive=vector), dict(positive=[vector, "king"], negative=[kv["man"]])):
        _assert_same_neighbours(kv.most_similar(**query), twin.most_similar(**query))


def test_most_similar_topn_none_and_zero(kv):
    twin = _gensim_twin(kv)
    ours = kv.most_similar("king", topn=None)
    assert ours.shape == (len(kv),)
    np.testing.assert_allclose(ours, twin.most_similar("king", topn=None), atol=1e-5)
    assert kv.most_similar("king", topn=None, restrict_vocab=10).shape == (10,)
    assert kv.most_similar("king", topn=0) == []
    result = kv.most_similar("king", topn=4)
    assert all(isinstance(key, str) and type(score) is float for key, score in result)
    assert "king" not in [key for key, _ in result]


def test_most_similar_invalid_arguments(kv):
    with pytest.raises(ValueError, match="at least one"):
        kv.most_similar()
    with pytest.raises(TypeError, match="weight"):
        kv.most_similar(positive=("king", 2.0))
    with pytest.raises(ValueError, match="shape"):
        kv.most_similar(positive=[np.ones(DIM + 1, dtype=np.float32)])


def test_similarity_matches_gensim(kv):
    twin = _gensim_twin(kv)
    for w1, w2 in [("king", "queen"), ("cat", "tiger"), ("big", "small"), ("dog", "dog")]:
        assert kv.similarity(w1, w2) == pytest.approx(float(twin.similarity(w1, w2)), abs=1e-6)


# ----------------------------------------------------------------------------------------
# evaluate_word_analogies
# ----------------------------------------------------------------------------------------

ANALOGIES = """\
: capitals
Paris France Rome Italy
Paris France Berlin Germany
rome italy paris france
Berlin Germany Madrid Spain
Athens Greece Rome Italy

: comparatives
big bigger small smaller
good better bad worse
big bigger good better
small smaller big bigger
: empty-section
: mixed
king queen man woman
man woman king queen
cat tiger dog car
KING QUEEN MAN WOMAN
w1 w2 w3 w4
w5 w6 w7 w8
w1 w2 w1 w2
w10 w20 w30 w40
"""


def _analogy_vocabulary(seed=1):
    """Random vectors where 'a is to b as c is to d' roughly holds for many questions."""
    words, vectors = _random_vocabulary(n_extra=300, seed=seed)
    rng = np.random.default_rng(seed)
    index = {w: i for i, w in enumerate(words)}
    for pairs in ([("paris", "france"), ("rome", "italy"), ("berlin", "germany")],
                  [("big", "bigger"), ("small", "smaller"), ("good", "better")],
                  [("king", "queen"), ("man", "woman")]):
        offset = rng.standard_normal(DIM).astype(np.float32) * 2
        for a, b in pairs:
            vectors[index[b]] = vectors[index[a]] + offset
    return KeyedVectors(vectors, words)


@pytest.fixture
def analogy_file(tmp_path):
    path = tmp_path / "analogies.txt"
    path.write_text(ANALOGIES)
    return path


@pytest.mark.parametrize("options", [
    dict(restrict_vocab=300000),
    dict(restrict_vocab=10),
    dict(restrict_vocab=300000, case_insensitive=False),
    dict(restrict_vocab=300000, dummy4unknown=True),
    dict(restrict_vocab=20, case_insensitive=False, dummy4unknown=True),
])
def test_evaluate_word_analogies_matches_gensim(analogy_file, options):
    kv = _analogy_vocabulary()
    twin = _gensim_twin(kv)
    accuracy, sections = kv.evaluate_word_analogies(analogy_file, **options)
    expected_accuracy, expected_sections = twin.evaluate_word_analogies(str(analogy_file), **options)
    assert sections == expected_sections
    assert accuracy == pytest.approx(expected_accuracy)


def test_evaluate_word_analogies_result_structure(analogy_file, caplog, capsys):
    kv = _analogy_vocabulary()
    with caplog.at_level(logging.INFO, logger="fastw2v"):
        accuracy, sections = kv.evaluate_word_analogies(analogy_file)
    assert [s["section"] for s in sections] == [
        "capitals", "comparatives", "empty-section", "mixed", "Total accuracy"]
    total = sections[-1]
    assert total["correct"], "the structured vectors should answer some analogies"
    assert accuracy == len(total["correct"]) / (len(total["correct"]) + len(total["incorrect"]))
    assert ("PARIS", "FRANCE", "ROME", "ITALY") in sections[0]["correct"] + sections[0]["incorrect"]
    assert "Total accuracy" in caplog.text and "capitals" in caplog.text
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("text, line", [
    ("Paris France Rome Italy\n", 1),
    (": capitals\nParis France Rome Italy\nParis France Rome\n", 3),
    (": capitals\n\nParis France Rome Italy extra\n", 3),
])
def test_evaluate_word_analogies_malformed_line(tmp_path, kv, text, line):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(ValueError, match=f"line {line}"):
        kv.evaluate_word_analogies(path)


def test_evaluate_word_analogies_missing_or_empty_file(tmp_path, kv):
    with pytest.raises(OSError):
        kv.evaluate_word_analogies(tmp_path / "missing.txt")
    (tmp_path / "empty.txt").write_text(": section\n\n")
    with pytest.raises(ValueError, match="no analogy questions"):
        kv.evaluate_word_analogies(tmp_path / "empty.txt")


def _questions_words_vocabulary(seed=3):
    """All words of questions-words.txt (lower-cased, some also capitalised), plus noise
    words, with vectors giving each section a common offset so some answers are right."""
    rng = np.random.default_rng(seed)
    words, sections = {}, []
    for line in QUESTIONS_WORDS.read_text().splitlines():
        if line.startswith(":"):
            sections.append([])
        elif line.split():
            quad = [w.lower() for w in line.split()]
            sections[-1].append(quad)
            words.update(dict.fromkeys(quad))
    words = list(words)
    capitalised = [w.capitalize() for w in words[::7]]
    vocabulary = capitalised[: len(capitalised) // 2] + words + capitalised[len(capitalised) // 2:]
    vocabulary += [f"noise{i}" for i in range(300)]
    index = {w: i for i, w in enumerate(vocabulary)}
    vectors = rng.standard_normal((len(vocabulary), DIM)).astype(np.float32)
    for questions in sections:
        offset = rng.standard_normal(DIM).astype(np.float32) * 2
        for a, b, _, _ in questions[::3]:
            vectors[index[b]] = vectors[index[a]] + offset + 0.3 * rng.standard_normal(DIM)
    return KeyedVectors(vectors, vocabulary)


@pytest.mark.skipif(not QUESTIONS_WORDS.is_file(), reason=f"{QUESTIONS_WORDS} not available")
@pytest.mark.parametrize("options", [
    dict(restrict_vocab=300000),
    dict(restrict_vocab=600, case_insensitive=False, dummy4unknown=True),
])
def test_questions_words_matches_gensim(options):
    kv = _questions_words_vocabulary()
    twin = _gensim_twin(kv)
    accuracy, sections = kv.evaluate_word_analogies(QUESTIONS_WORDS, **options)
    expected_accuracy, expected_sections = twin.evaluate_word_analogies(str(QUESTIONS_WORDS), **options)
    assert len(sections) == 15 and len(sections[-1]["correct"]) > 100
    assert sections == expected_sections
    assert accuracy == pytest.approx(expected_accuracy)


# ----------------------------------------------------------------------------------------
# evaluate_word_pairs
# ----------------------------------------------------------------------------------------

PAIRS = """\
# word1\tword2\tscore
king\tqueen\t8.5
KING\tman\t5.0
cat\ttiger\t7.35
cat\tdog\t6.0
dog\tcar\t2.1
big\tsmall\t3.0
good\tbetter\t7.9
bad\tworse\t7.2
paris\tfrance\t8.0
Rome\titaly\t8.1
king\txyzzy\t4.0
this line is invalid
tiger\tcat\tnot-a-number

berlin\tgermany\t8.3
"""


@pytest.mark.parametrize("options", [
    dict(),
    dict(dummy4unknown=True),
    dict(case_insensitive=False),
    dict(restrict_vocab=12),
])
def test_evaluate_word_pairs_matches_gensim(tmp_path, kv, options):
    path = tmp_path / "pairs.tsv"
    path.write_text(PAIRS)
    twin = _gensim_twin(kv)
    pearson, spearman, oov = kv.evaluate_word_pairs(path, **options)
    expected_pearson, expected_spearman, expected_oov = twin.evaluate_word_pairs(str(path), **options)
    np.testing.assert_allclose(pearson, expected_pearson, atol=1e-5)
    np.testing.assert_allclose(spearman, expected_spearman, atol=1e-5)
    assert pearson.statistic == pytest.approx(expected_pearson.statistic, abs=1e-5)
    assert spearman.pvalue == pytest.approx(expected_spearman.pvalue, abs=1e-5)
    assert oov == pytest.approx(expected_oov)


@pytest.mark.skipif(not WORDSIM353.is_file(), reason=f"{WORDSIM353} not available")
def test_wordsim353_matches_gensim():
    words = {}
    for line in WORDSIM353.read_text().splitlines():
        if line and not line.startswith("#"):
            words.update(dict.fromkeys(w.lower() for w in line.split("\t")[:2]))
    words = list(words)[::2] + [w.upper() for w in list(words)[1::4]]  # some pairs are OOV
    vectors = np.random.default_rng(7).standard_normal((len(words), DIM)).astype(np.float32)
    kv = KeyedVectors(vectors, words)
    twin = _gensim_twin(kv)
    for options in (dict(), dict(dummy4unknown=True)):
        ours = kv.evaluate_word_pairs(WORDSIM353, **options)
        theirs = twin.evaluate_word_pairs(str(WORDSIM353), **options)
        np.testing.assert_allclose(ours[:2], theirs[:2], atol=1e-5)
        assert 0 < ours[2] == pytest.approx(theirs[2])


def test_evaluate_word_pairs_errors(tmp_path, kv):
    with pytest.raises(OSError):
        kv.evaluate_word_pairs(tmp_path / "missing.tsv")
    path = tmp_path / "pairs.csv"
    path.write_text("king,queen,8.5\ncat,tiger,7.3\n")
    with pytest.raises(ValueError, match="no valid in-vocabulary word pairs"):
        kv.evaluate_word_pairs(path)
    assert kv.evaluate_word_pairs(path, delimiter=",")[2] == 0.0
