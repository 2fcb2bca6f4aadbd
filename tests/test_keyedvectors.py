"""KeyedVectors: lookups, similarity queries and evaluations, checked against gensim 4."""

import logging

import numpy as np
import pytest
from conftest import gensim_models

from fastw2v.keyedvectors import KeyedVectors

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
    twin = gensim_models().KeyedVectors(kv.vector_size)
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
    (lambda v, w: KeyedVectors(v, w[:-1] + [["list"]]), TypeError, "unhashable type: 'list'"),
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
    with pytest.raises(KeyError, match=r"no vector attribute 'frequency'; the attributes are "
                       r"\['count'\]"):  # a ValueError before issue 14; gensim: KeyError
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
    with pytest.raises(KeyError, match="Key 'xyzzy' not present"):
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


def test_most_similar_invalid_topn_and_restrict_vocab(kv):
    with pytest.raises(TypeError, match="topn must be an int or None, got 2.5"):
        kv.most_similar("king", topn=2.5)
    for bad in (0, -3, 1.5, True):
        with pytest.raises(ValueError, match=f"restrict_vocab must be an int >= 1, got {bad!r}"):
            kv.most_similar("king", restrict_vocab=bad)
    assert kv.most_similar("king", topn=-2) == []


# ----------------------------------------------------------------------------------------
# the other similarity queries: same results as gensim
# ----------------------------------------------------------------------------------------

COSMUL_QUERIES = [
    dict(positive="king"),
    dict(positive=["king", "woman"], negative=["man"]),
    dict(positive=["paris", "italy"], negative="france", topn=20),
    dict(positive=["cat", "cat", "dog"], topn=5),
    dict(positive=["big"], topn=100000),
]


GENSIM_COSMUL_CALLS_INIT_SIMS = pytest.mark.filterwarnings("ignore:Call to deprecated `init_sims`")


@GENSIM_COSMUL_CALLS_INIT_SIMS
@pytest.mark.parametrize("query", COSMUL_QUERIES)
def test_most_similar_cosmul_matches_gensim(kv, query):
    twin = _gensim_twin(kv)
    _assert_same_neighbours(kv.most_similar_cosmul(**query), twin.most_similar_cosmul(**query))


@GENSIM_COSMUL_CALLS_INIT_SIMS
def test_most_similar_cosmul_vectors_topn_none_and_restrict_vocab(kv):
    twin = _gensim_twin(kv)
    vector = kv.get_vector("queen", norm=True) * 0.5  # used as given, not normalised
    query = dict(positive=[vector, "king"], negative=["man"])
    _assert_same_neighbours(kv.most_similar_cosmul(**query), twin.most_similar_cosmul(**query))
    all_scores = twin.most_similar_cosmul(topn=None, **query)
    np.testing.assert_allclose(kv.most_similar_cosmul(topn=None, **query), all_scores, rtol=1e-5)
    # gensim 4.4 ignores restrict_vocab here; ours keeps the first 50 keys, ranked the same way
    expected = [(kv.index_to_key[i], all_scores[i]) for i in np.argsort(-all_scores[:50])
                if kv.index_to_key[i] != "king"][:7]
    _assert_same_neighbours(kv.most_similar_cosmul(topn=7, restrict_vocab=50, **query), expected)
    assert kv.most_similar_cosmul(query["positive"], topn=None, restrict_vocab=50).shape == (50,)
    assert kv.most_similar_cosmul("king", topn=0) == []


def test_most_similar_cosmul_invalid_arguments(kv):
    with pytest.raises(ValueError, match="at least one positive"):
        kv.most_similar_cosmul(negative=["king"])
    with pytest.raises(TypeError, match=r"no weights\), got \('king', 2.0\)"):
        kv.most_similar_cosmul(positive=[("king", 2.0)])
    with pytest.raises(KeyError, match="Key 'xyzzy' not present"):
        kv.most_similar_cosmul(positive=["king"], negative=["xyzzy"])


def test_similar_by_key_word_and_vector_match_gensim(kv):
    twin = _gensim_twin(kv)
    _assert_same_neighbours(kv.similar_by_key("dog", topn=6), twin.similar_by_key("dog", topn=6))
    _assert_same_neighbours(kv.similar_by_word("dog", 4, 30), twin.similar_by_word("dog", 4, 30))
    vector = np.random.default_rng(9).standard_normal(DIM).astype(np.float32)
    _assert_same_neighbours(kv.similar_by_vector(vector, topn=8),
                            twin.similar_by_vector(vector, topn=8))
    np.testing.assert_allclose(kv.similar_by_vector(vector, topn=None),
                               twin.similar_by_vector(vector, topn=None), atol=1e-5)
    with pytest.raises(TypeError, match="vector must be a 1-D numpy array, got list"):
        kv.similar_by_vector(vector.tolist())


def test_doesnt_match_and_rank_by_centrality_match_gensim(kv, caplog):
    twin = _gensim_twin(kv)
    for words in (["king", "queen", "man", "car"], ["cat", "tiger", "dog", "w3", "w7", "paris"]):
        assert kv.doesnt_match(words) == twin.doesnt_match(words)
        for use_norm in (True, False):
            ours, theirs = (kv.rank_by_centrality(words, use_norm),
                            twin.rank_by_centrality(words, use_norm))
            assert [w for _, w in ours] == [w for _, w in theirs]
            np.testing.assert_allclose([d for d, _ in ours], [d for d, _ in theirs], atol=1e-5)
    with caplog.at_level(logging.WARNING, logger="fastw2v"):
        assert (kv.doesnt_match(["king", "queen", "xyzzy", "car"])
                == twin.doesnt_match(["king", "queen", "car"]))
    assert "xyzzy" in caplog.text
    with pytest.raises(ValueError, match="none of the words .* is in the vocabulary"):
        kv.doesnt_match(["xyzzy", "plugh"])


def test_n_similarity_distance_distances_match_gensim(kv):
    twin = _gensim_twin(kv)
    for ws1, ws2 in [(["king"], ["queen"]), (["king", "man"], ["queen", "woman", "w1"]),
                     (["cat", "xyzzy"], ["dog"])]:  # unknown keys are ignored, as in gensim
        assert kv.n_similarity(ws1, ws2) == pytest.approx(float(twin.n_similarity(ws1, ws2)),
                                                          abs=1e-5)
    for w1, w2 in [("king", "queen"), ("cat", "cat"), ("big", "w9")]:
        assert kv.distance(w1, w2) == pytest.approx(float(twin.distance(w1, w2)), abs=1e-5)
    vector = np.random.default_rng(2).standard_normal(DIM).astype(np.float32)
    for args in [("king",), ("king", ["queen", "man", "king"]), (vector,), (vector, ["w5", "dog"])]:
        ours = kv.distances(*args)
        assert ours.dtype == np.float32
        np.testing.assert_allclose(ours, twin.distances(*args), atol=1e-5)
    with pytest.raises(ValueError, match="at least one key in ws2"):
        kv.n_similarity(["king"], [])
    with pytest.raises(KeyError, match="none of the keys in ws1"):
        kv.n_similarity(["xyzzy"], ["king"])
    with pytest.raises(KeyError, match="Key 'xyzzy' not present"):
        kv.distances("king", ["queen", "xyzzy"])
    with pytest.raises(ValueError, match="shape"):
        kv.distances(np.ones(DIM + 2, dtype=np.float32))


def test_closer_than_and_rank_match_gensim(kv):
    twin = _gensim_twin(kv)
    for key1, key2 in [("king", "queen"), ("cat", "w100"), ("dog", "dog"), ("car", "w399")]:
        assert kv.closer_than(key1, key2) == twin.closer_than(key1, key2)
        assert kv.rank(key1, key2) == twin.rank(key1, key2)
    assert kv.rank("cat", kv.most_similar("cat", topn=1)[0][0]) == 1
    with pytest.raises(KeyError, match="Key 'xyzzy' not present"):
        kv.rank("king", "xyzzy")


# ----------------------------------------------------------------------------------------
# most_similar_batch
# ----------------------------------------------------------------------------------------

def test_most_similar_batch_equals_single_queries_and_gensim(kv):
    twin = _gensim_twin(kv)
    vector = np.random.default_rng(4).standard_normal(DIM).astype(np.float32)
    queries = ["king", vector, "w17", 3, "dog", "king"]
    for options in (dict(), dict(topn=3, restrict_vocab=40), dict(topn=500, block=2)):
        batch = kv.most_similar_batch(queries, **options)
        assert len(batch) == len(queries)
        single = dict(topn=options.get("topn", 10), restrict_vocab=options.get("restrict_vocab"))
        for query, result in zip(queries, batch):
            _assert_same_neighbours(result, twin.most_similar(positive=[query], **single))
            _assert_same_neighbours(result, kv.most_similar(positive=[query], **single))


def test_most_similar_batch_of_a_matrix_and_edge_cases(kv):
    matrix = np.random.default_rng(8).standard_normal((7, DIM))  # float64: converted
    batch = kv.most_similar_batch(matrix, topn=4, block=3)
    assert len(batch) == len(matrix)
    for row, result in zip(matrix, batch):
        _assert_same_neighbours(result, kv.most_similar(positive=[row.astype(np.float32)], topn=4))
    assert kv.most_similar_batch([], topn=5) == []
    assert kv.most_similar_batch(["king", "dog"], topn=0) == [[], []]
    assert kv.most_similar_batch(np.empty((0, DIM), np.float32)) == []


@pytest.mark.parametrize("call, error, match", [
    (lambda kv: kv.most_similar_batch("king"), TypeError, "list of keys or vectors"),
    (lambda kv: kv.most_similar_batch(["king", None]), TypeError,
     "query 1 must be a key or a 1-D vector"),
    (lambda kv: kv.most_similar_batch(["king", "xyzzy"]), KeyError,
     "Key 'xyzzy' not present"),
    (lambda kv: kv.most_similar_batch(np.ones((2, DIM + 1))), ValueError,
     f"must have {DIM} columns"),
    (lambda kv: kv.most_similar_batch([np.ones(3)]), ValueError, "shape"),
    (lambda kv: kv.most_similar_batch(["king"], topn=None), TypeError,
     "topn must be an int, got None"),
    (lambda kv: kv.most_similar_batch(["king"], block=0), ValueError,
     "block must be an int >= 1, got 0"),
    (lambda kv: kv.most_similar_batch(["king"], block="x"), TypeError,  # as documented
     "block must be an int >= 1, got 'x'"),
    (lambda kv: kv.most_similar_batch(["king"], restrict_vocab="3"), TypeError,
     "restrict_vocab must be an int >= 1, got '3'"),
    (lambda kv: kv.most_similar_batch(["king"], restrict_vocab=-1), ValueError, "restrict_vocab"),
])
def test_most_similar_batch_invalid_arguments(kv, call, error, match):
    with pytest.raises(error, match=match):
        call(kv)


def test_numpy_integers_are_accepted_as_restrict_vocab_and_block(kv):
    assert kv.most_similar("king", restrict_vocab=np.int64(5)) \
        == kv.most_similar("king", restrict_vocab=5)
    assert kv.most_similar_batch(["king", "cat"], block=np.int64(1), restrict_vocab=np.int32(50)) \
        == kv.most_similar_batch(["king", "cat"], restrict_vocab=50)


def test_top_k_kernel_against_a_full_sort():
    from fastw2v._topk import top_k_rows

    rng = np.random.default_rng(3)
    scores = rng.standard_normal((5, 300)).astype(np.float32)
    scores[1] = np.round(scores[1])  # many ties: the lower column comes first
    for k in (1, 7, 300):
        index, best = np.empty((5, k), np.int64), np.empty((5, k), np.float32)
        top_k_rows(scores, index, best)
        expected = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        np.testing.assert_array_equal(index, expected)
        np.testing.assert_array_equal(best, np.take_along_axis(scores, expected, axis=1))
    index, best = np.empty((5, 302), np.int64), np.empty((5, 302), np.float32)
    top_k_rows(scores, index, best)
    assert (index[:, 300:] == -1).all()
    with pytest.raises(ValueError, match="shapes disagree"):
        top_k_rows(scores, np.empty((4, 3), np.int64), np.empty((5, 3), np.float32))


def test_top_k_of_products_in_pieces_equals_top_k_of_the_whole_product():
    """Pieces of 3 queries x 7 candidates (the last ones smaller), ties across pieces."""
    from fastw2v._topk import top_k_products, top_k_rows

    rng = np.random.default_rng(4)
    queries = rng.integers(-2, 3, (8, 5)).astype(np.float32)  # integer scores: many ties
    candidates = rng.integers(-2, 3, (30, 5)).astype(np.float32)
    for k in (1, 6, 30, 33):
        expected = np.empty((8, k), np.int64), np.empty((8, k), np.float32)
        top_k_rows(queries @ candidates.T, *expected)
        got = np.empty((8, k), np.int64), np.empty((8, k), np.float32)
        top_k_products(queries, candidates, *got, np.empty((3, 7), np.float32))
        np.testing.assert_array_equal(got[0], expected[0])
        valid = expected[0] >= 0
        np.testing.assert_array_equal(got[1][valid], expected[1][valid])
    with pytest.raises(ValueError, match="shapes disagree"):
        top_k_products(queries, np.ascontiguousarray(candidates[:, :4]), *got,
                       np.empty((3, 7), np.float32))


# ----------------------------------------------------------------------------------------
# adding vectors
# ----------------------------------------------------------------------------------------

def test_add_vectors_matches_gensim_and_refreshes_norms(kv):
    twin = _gensim_twin(kv)
    before = kv.most_similar("king", topn=3)
    rng = np.random.default_rng(6)
    king = kv.get_vector("king", norm=True)
    new = np.stack([king * 3 + 0.01 * rng.standard_normal(DIM).astype(np.float32),
                    rng.standard_normal(DIM).astype(np.float32),
                    rng.standard_normal(DIM).astype(np.float32)])
    keys = ["kingly", "queen", "zebra"]  # "queen" exists: kept unless replace
    kv.add_vectors(keys, new)
    twin.add_vectors(keys, new.copy())
    assert kv.index_to_key[-2:] == ["kingly", "zebra"] == twin.index_to_key[-2:]
    assert kv.key_to_index["zebra"] == len(kv) - 1 and kv.vectors.shape == (len(kv), DIM)
    np.testing.assert_array_equal(kv["queen"], twin["queen"])
    assert kv.counts[-1] == 0 and kv.counts[0] == len(kv) - 2
    after = kv.most_similar("king", topn=3)
    assert after[0][0] == "kingly" and after != before
    _assert_same_neighbours(after, twin.most_similar("king", topn=3))
    kv.add_vectors(["queen"], new[2:], extras={"count": np.array([99])}, replace=True)
    twin.add_vectors(["queen"], new[2:].copy(), replace=True)
    np.testing.assert_array_equal(kv["queen"], new[2])
    assert kv.get_vecattr("queen", "count") == 99
    twin.fill_norms(force=True)  # gensim 4.4 keeps stale norms after replacing vectors; we do not
    _assert_same_neighbours(kv.most_similar("zebra"), twin.most_similar("zebra"))
    kv["dog"] = new[0]
    kv["yak"] = new[1]
    np.testing.assert_array_equal(kv[["dog", "yak"]], new[:2])
    np.testing.assert_allclose(kv.get_vector("yak", norm=True), new[1] / np.linalg.norm(new[1]),
                               atol=1e-6)


@pytest.mark.parametrize("keys, weights, extras, error, match", [
    (["a", "b"], np.ones((3, DIM)), None, ValueError, r"weights must have shape \(2, 24\)"),
    (["a", "a"], np.ones((2, DIM)), None, ValueError, "'a' repeats"),
    ([["a"], "b"], np.ones((2, DIM)), None, TypeError, "unhashable type: 'list'"),
    (["a"], np.ones((1, DIM)), {"freq": [1, 2]}, ValueError,
     r"extras\['freq'\] must hold one value per key \(1\), got shape \(2,\)"),
    (["a"], np.ones((1, DIM)), {"count": [1.5]}, TypeError,  # a ValueError before issue 14
     "Can't allocate type float64 for attribute count, conflicts with its existing type int64"),
])
def test_add_vectors_invalid_arguments(kv, keys, weights, extras, error, match):
    with pytest.raises(error, match=match):
        kv.add_vectors(keys, weights, extras)
    assert len(kv) == len(kv.vectors) == len(kv.counts)


def test_fill_norms_force_after_in_place_change(kv):
    normed = kv.get_normed_vectors()
    kv.vectors[1] = kv.vectors[0] * 2
    kv.fill_norms()
    assert kv.get_normed_vectors() is normed  # cached: in-place changes are not detected
    kv.fill_norms(force=True)
    np.testing.assert_allclose(kv.get_normed_vectors()[1], normed[0], atol=1e-6)


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
    expected_accuracy, expected_sections = twin.evaluate_word_analogies(str(analogy_file),
                                                                        **options)
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


def _questions_words_vocabulary(questions_words, seed=3):
    """All words of the file ``questions_words`` (lower-cased, some also capitalised), plus
    noise words, with vectors giving each section a common offset so some answers are
    right."""
    rng = np.random.default_rng(seed)
    words, sections = {}, []
    for line in questions_words.read_text().splitlines():
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


@pytest.mark.parametrize("options", [
    dict(restrict_vocab=300000),
    dict(restrict_vocab=600, case_insensitive=False, dummy4unknown=True),
])
def test_questions_words_matches_gensim(options, shared_file):
    questions_words = shared_file("eval", "questions-words.txt")
    kv = _questions_words_vocabulary(questions_words)
    twin = _gensim_twin(kv)
    accuracy, sections = kv.evaluate_word_analogies(questions_words, **options)
    expected_accuracy, expected_sections = twin.evaluate_word_analogies(str(questions_words),
                                                                        **options)
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
    expected_pearson, expected_spearman, expected_oov = twin.evaluate_word_pairs(str(path),
                                                                                 **options)
    np.testing.assert_allclose(pearson, expected_pearson, atol=1e-5)
    np.testing.assert_allclose(spearman, expected_spearman, atol=1e-5)
    assert pearson.statistic == pytest.approx(expected_pearson.statistic, abs=1e-5)
    assert spearman.pvalue == pytest.approx(expected_spearman.pvalue, abs=1e-5)
    assert oov == pytest.approx(expected_oov)


def test_wordsim353_matches_gensim(shared_file):
    wordsim353 = shared_file("eval", "wordsim353.tsv")
    words = {}
    for line in wordsim353.read_text().splitlines():
        if line and not line.startswith("#"):
            words.update(dict.fromkeys(w.lower() for w in line.split("\t")[:2]))
    words = list(words)[::2] + [w.upper() for w in list(words)[1::4]]  # some pairs are OOV
    vectors = np.random.default_rng(7).standard_normal((len(words), DIM)).astype(np.float32)
    kv = KeyedVectors(vectors, words)
    twin = _gensim_twin(kv)
    for options in (dict(), dict(dummy4unknown=True)):
        ours = kv.evaluate_word_pairs(wordsim353, **options)
        theirs = twin.evaluate_word_pairs(str(wordsim353), **options)
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


@pytest.mark.parametrize("evaluate, name", [
    (lambda kv, path, **kw: kv.evaluate_word_analogies(path, **kw), "analogies.txt"),
    (lambda kv, path, **kw: kv.evaluate_word_pairs(path, **kw), "pairs.tsv"),
])
def test_evaluations_check_restrict_vocab(tmp_path, kv, evaluate, name):
    (tmp_path / "analogies.txt").write_text(ANALOGIES)
    (tmp_path / "pairs.tsv").write_text(PAIRS)
    for bad in ("x", 0, -5, 2.5):
        with pytest.raises(ValueError, match=f"restrict_vocab must be an int >= 1, got {bad!r}"):
            evaluate(kv, tmp_path / name, restrict_vocab=bad)
    assert evaluate(kv, tmp_path / name, restrict_vocab=np.int64(20)) \
        == evaluate(kv, tmp_path / name, restrict_vocab=20)
    assert evaluate(kv, tmp_path / name, restrict_vocab=None) \
        == evaluate(kv, tmp_path / name, restrict_vocab=len(kv))
