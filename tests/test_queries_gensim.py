"""gensim 4.4's KeyedVectors queries, norms and evaluations: each call run on fastw2v and on
gensim's KeyedVectors holding the same keys and vectors, results compared."""

import inspect
import logging

import numpy as np
import pytest
from conftest import gensim_models

from fastw2v.keyedvectors import KeyedVectors

DIM = 16
N = 300
KEYS = ["king", "queen", "man", "woman", "paris", "france", "rome", "italy", "cat", "dog"] + [
    f"w{i}" for i in range(N - 10)]
GENSIM_COSMUL_CALLS_INIT_SIMS = pytest.mark.filterwarnings("ignore:Call to deprecated `init_sims`")


@pytest.fixture
def pair():
    """(fastw2v, gensim) KeyedVectors of the same random vectors."""
    vectors = np.random.default_rng(11).standard_normal((N, DIM)).astype(np.float32)
    ours = KeyedVectors(vectors, KEYS)
    theirs = gensim_models().KeyedVectors(DIM)
    theirs.add_vectors(list(KEYS), vectors.copy())
    return ours, theirs


def _same_neighbours(ours, theirs):
    assert [key for key, _ in ours] == [key for key, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-5)


def _vector(seed):
    return np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)


GENSIM_METHODS = [
    "most_similar", "most_similar_cosmul", "similar_by_key", "similar_by_word",
    "similar_by_vector", "get_mean_vector", "most_similar_to_given", "relative_cosine_similarity",
    "cosine_similarities", "closer_than", "words_closer_than", "rank", "word_vec", "similarity",
    "distance", "distances", "n_similarity", "rank_by_centrality", "doesnt_match", "fill_norms",
    "get_normed_vectors", "unit_normalize_all", "init_sims", "similarity_unseen_docs",
    "evaluate_word_analogies", "evaluate_word_pairs", "log_accuracy", "log_evaluate_word_pairs",
]


@pytest.mark.parametrize("name", GENSIM_METHODS)
def test_signatures_are_gensims(name):
    """Same parameters in the same order with the same defaults (so positional calls and
    defaults behave alike); static methods static in both."""
    theirs = gensim_models().KeyedVectors
    signature = [(p.name, p.kind, p.default) for p in
                 inspect.signature(getattr(theirs, name)).parameters.values()]
    assert [(p.name, p.kind, p.default) for p in
            inspect.signature(getattr(KeyedVectors, name)).parameters.values()] == signature
    assert isinstance(inspect.getattr_static(KeyedVectors, name), staticmethod) \
        == isinstance(inspect.getattr_static(theirs, name), staticmethod)


# ----------------------------------------------------------------------------------------
# most_similar: gensim's signature, clip bounds, topn=None, indexer
# ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, kwargs", [
    (("king",), dict(clip_start=50)),
    (("king",), dict(clip_start=5, clip_end=40)),
    ((["king", "woman"], ["man"], 7, 3, 120), {}),  # gensim's positional order
    (("king",), dict(clip_end=0)),  # 0 is the end, as in gensim
    (("queen",), dict(clip_start=-100)),  # Python slice bounds
    (("king",), dict(clip_start=10, clip_end=20, restrict_vocab=30)),  # restrict_vocab wins
    ((["king", "queen"], None, 5, 0, None, 60), {}),
    (([("king", 2.0), (np.int64(4), -0.5)],), dict(topn=6, clip_end=200)),
    ((np.stack([_vector(1), _vector(2)]),), dict(topn=5)),  # a 2-D array: one item per row
])
def test_most_similar_clip_bounds_and_positional_order_match_gensim(pair, args, kwargs):
    ours, theirs = pair
    _same_neighbours(ours.most_similar(*args, **kwargs), theirs.most_similar(*args, **kwargs))
    if len(args) > 2:
        args = args[:2] + (None,) + args[3:]
    else:
        kwargs = {**kwargs, "topn": None}
    np.testing.assert_allclose(ours.most_similar(*args, **kwargs),
                               theirs.most_similar(*args, **kwargs), atol=1e-5)


def test_most_similar_clip_start_leaves_out_the_input_key_by_its_row(pair):
    ours, theirs = pair
    result = ours.most_similar("w100", topn=3, clip_start=-200)
    assert "w100" not in [key for key, _ in result]
    # gensim compares the negative row with the input's row: the key comes back as its own best
    assert theirs.most_similar("w100", topn=3, clip_start=-200)[0][0] == "w100"
    _same_neighbours(result, theirs.most_similar("w100", topn=4, clip_start=-200)[1:])


def test_most_similar_topn_none_zero_and_empty_range(pair):
    ours, theirs = pair
    scores = ours.most_similar("dog", topn=None, clip_start=20, clip_end=30)
    assert scores.shape == (10,) and scores.dtype == np.float32
    assert ours.most_similar("dog", topn=0) == theirs.most_similar("dog", topn=0) == []
    assert ours.most_similar("dog", None, 5, 40, 30) \
        == theirs.most_similar("dog", None, 5, 40, 30) == []


class ExactIndexer:
    """An indexer as gensim's AnnoyIndexer: most_similar(vector, topn), recording calls."""

    def __init__(self, kv):
        self.kv, self.calls = kv, []

    def most_similar(self, vector, topn):
        self.calls.append((vector.copy(), topn))
        return [(key, 1.0 / (i + 1)) for i, key in enumerate(self.kv.index_to_key[:topn])]


def test_most_similar_delegates_to_an_indexer_as_gensim(pair):
    ours, theirs = pair
    indexers = ExactIndexer(ours), ExactIndexer(theirs)
    query = dict(positive=["king", ("queen", 0.5)], negative=["man"], topn=4)
    assert ours.most_similar(**query, indexer=indexers[0]) \
        == theirs.most_similar(**query, indexer=indexers[1]) \
        == [("king", 1.0), ("queen", 0.5), ("man", 1 / 3), ("woman", 0.25)]  # as returned
    (mine, mine_topn), (gensims, gensim_topn) = indexers[0].calls[0], indexers[1].calls[0]
    assert mine_topn == gensim_topn == 4
    np.testing.assert_allclose(mine, gensims, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(mine), 1.0, atol=1e-6)
    # topn=None: all the scores, the indexer not asked (gensim: the same)
    np.testing.assert_allclose(ours.most_similar("king", topn=None, indexer=indexers[0]),
                               theirs.most_similar("king", topn=None, indexer=indexers[1]),
                               atol=1e-5)
    assert len(indexers[0].calls) == len(indexers[1].calls) == 1


@pytest.mark.parametrize("kwargs, match", [
    (dict(clip_start=1.5), "clip_start must be an int, got 1.5"),
    (dict(clip_end="10"), "clip_end must be an int or None, got '10'"),
])
def test_most_similar_invalid_clip_bounds(pair, kwargs, match):
    with pytest.raises(TypeError, match=match):
        pair[0].most_similar("king", **kwargs)


def test_int_keys_are_rows_in_queries_as_in_gensim(pair):
    ours, theirs = pair
    for key in (3, np.int32(7)):
        _same_neighbours(ours.most_similar(key, topn=5), theirs.most_similar(key, topn=5))
        _same_neighbours(ours.similar_by_key(key, 5), theirs.similar_by_key(key, 5))
    _same_neighbours(ours.most_similar([3, "paris"], [np.int64(5)]),
                     theirs.most_similar([3, "paris"], [np.int64(5)]))
    assert ours.most_similar_to_given(0, [1, 2, "cat"]) \
        == theirs.most_similar_to_given(0, [1, 2, "cat"])
    with pytest.raises(KeyError) as gensims:
        theirs.most_similar(N)
    with pytest.raises(KeyError) as mine:
        ours.most_similar(N)
    assert str(mine.value) == str(gensims.value) == f'"Key \'{N}\' not present in vocabulary"'


def test_int_keys_resolve_as_keys_before_rows_as_in_gensim():
    vectors = np.random.default_rng(12).standard_normal((40, DIM)).astype(np.float32)
    keys = [100 + i for i in range(30)] + [f"s{i}" for i in range(5)] + [3, 0, 2, 1, 4]
    ours = KeyedVectors(vectors, keys)
    theirs = gensim_models().KeyedVectors(DIM)
    theirs.add_vectors(list(keys), vectors.copy())
    for query in (dict(positive=105), dict(positive=[3, 110], negative=[np.int64(0)], topn=6),
                  dict(positive=[7], topn=4)):  # 7: not a key, so row 7 (key 107)
        _same_neighbours(ours.most_similar(**query), theirs.most_similar(**query))
    assert ours.most_similar(7, topn=1) == ours.most_similar(107, topn=1)
    assert ours.most_similar_to_given(3, [0, 1, 2]) == theirs.most_similar_to_given(3, [0, 1, 2])
    assert ours.closer_than(3, 120) == theirs.closer_than(3, 120)
    np.testing.assert_allclose(ours.get_mean_vector([3, 101]), theirs.get_mean_vector([3, 101]),
                               atol=1e-6)
    assert ours.similarity(3, 101) == pytest.approx(float(theirs.similarity(3, 101)), abs=1e-6)
    # gensim's most_similar_cosmul takes an int key for a vector; ours looks it up
    expected = ours.most_similar_cosmul([ours.get_vector(3, norm=True), "s1"], topn=5 + 1)
    assert ours.most_similar_cosmul([3, "s1"], topn=5) \
        == [(key, score) for key, score in expected if key != 3][:5]


@GENSIM_COSMUL_CALLS_INIT_SIMS
def test_most_similar_cosmul_positional_restrict_vocab(pair):
    ours, theirs = pair
    # gensim ignores restrict_vocab in cosmul: equal when it covers every key
    _same_neighbours(ours.most_similar_cosmul(["king", "woman"], ["man"], 6, N),
                     theirs.most_similar_cosmul(["king", "woman"], ["man"], 6, N))
    assert ours.most_similar_cosmul(["king"], None, None, 40).shape == (40,)


def test_similar_by_word_key_vector_positional_match_gensim(pair):
    ours, theirs = pair
    _same_neighbours(ours.similar_by_word("cat", 4, 50), theirs.similar_by_word("cat", 4, 50))
    _same_neighbours(ours.similar_by_vector(_vector(4), 6, 100),
                     theirs.similar_by_vector(_vector(4), 6, 100))
    np.testing.assert_allclose(ours.similar_by_key("dog", None, 80),
                               theirs.similar_by_key("dog", None, 80), atol=1e-5)


# ----------------------------------------------------------------------------------------
# get_mean_vector and the other gensim queries
# ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("keys, kwargs", [
    (["king", "queen"], {}),
    (["king", "queen", "xyzzy"], dict(weights=[1.0, -2.0, 5.0])),
    (["king", 3, _vector(5)], dict(weights=np.array([0.5, 1.0, 2.0]), pre_normalize=False)),
    (["man", "woman"], dict(post_normalize=True)),
    (["xyzzy"], dict(post_normalize=True)),  # nothing used: zeros
    (np.stack([_vector(6), _vector(7)]), dict(weights=[1, 3])),
])
def test_get_mean_vector_matches_gensim(pair, keys, kwargs):
    ours, theirs = pair
    mean = ours.get_mean_vector(keys, **kwargs)
    assert mean.shape == (DIM,) and mean.dtype == np.float32
    np.testing.assert_allclose(mean, theirs.get_mean_vector(keys, **kwargs), atol=1e-6)


@pytest.mark.parametrize("keys, kwargs, error, match", [
    ([], {}, ValueError, "keys must hold at least one key or vector, got none"),
    (["king"], dict(weights=[1.0, 2.0]), ValueError,
     r"weights must hold one value per item of keys \(1\), got shape \(2,\)"),
    (["king", "xyzzy"], dict(ignore_missing=False), KeyError,
     "^\"Key 'xyzzy' not present in vocabulary\"$"),
])
def test_get_mean_vector_errors_as_gensim(pair, keys, kwargs, error, match):
    ours, theirs = pair
    with pytest.raises(error):
        theirs.get_mean_vector(keys, **kwargs)
    with pytest.raises(error, match=match):
        ours.get_mean_vector(keys, **kwargs)


def test_most_similar_to_given_and_relative_cosine_similarity_match_gensim(pair):
    ours, theirs = pair
    for key1, keys_list in [("king", ["queen", "man", "cat"]), ("dog", ["w5", "w6", "w7", "w8"]),
                            ("cat", ["cat", "dog"])]:
        assert ours.most_similar_to_given(key1, keys_list) \
            == theirs.most_similar_to_given(key1, keys_list)
    for wa, wb, topn in [("king", "queen", 10), ("cat", "dog", 3), ("w1", "w2", 1)]:
        assert ours.relative_cosine_similarity(wa, wb, topn) == pytest.approx(
            theirs.relative_cosine_similarity(wa, wb, topn), abs=1e-5)
    for call, error, match in [
        (lambda kv: kv.relative_cosine_similarity("king", "queen", 0), ValueError,
         r"without any similar words \(topn=0, 300 keys\)"),
        (lambda kv: kv.most_similar_to_given("king", []), ValueError,
         "keys_list must hold at least one key, got none"),
        (lambda kv: kv.most_similar_to_given("king", ["queen", "xyzzy"]), KeyError, "xyzzy"),
    ]:
        with pytest.raises(error):
            call(theirs)
        with pytest.raises(error, match=match):
            call(ours)


def test_cosine_similarities_is_gensims_static_method(pair):
    ours, theirs = pair
    vectors = np.random.default_rng(3).standard_normal((5, DIM)).astype(np.float32)
    expected = type(theirs).cosine_similarities(_vector(8), vectors)
    np.testing.assert_allclose(KeyedVectors.cosine_similarities(_vector(8), vectors), expected,
                               atol=1e-6)
    np.testing.assert_allclose(ours.cosine_similarities(_vector(8), vectors), expected, atol=1e-6)


def test_deprecated_methods_warn_as_gensim(pair):
    ours, theirs = pair
    for name, args, result in [
            ("word_vec", ("king",), ours["king"]),
            ("words_closer_than", ("king", "w3"), ours.closer_than("king", "w3"))]:
        with pytest.warns(DeprecationWarning, match=f"Call to deprecated `{name}`") as gensims:
            expected = getattr(theirs, name)(*args)
        with pytest.warns(DeprecationWarning) as mine:
            got = getattr(ours, name)(*args)
        assert str(mine[0].message) == str(gensims[0].message)
        np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(got, result)
    with pytest.warns(DeprecationWarning):
        np.testing.assert_array_equal(ours.word_vec("king", norm=True),
                                      ours.get_vector("king", norm=True))


def test_similarity_unseen_docs_raises_as_gensim(pair):
    ours, theirs = pair
    with pytest.raises(NotImplementedError, match="Doc2Vec") as gensims:
        theirs.similarity_unseen_docs("a", "b")
    with pytest.raises(NotImplementedError) as mine:
        ours.similarity_unseen_docs("a", "b")
    assert str(mine.value) == str(gensims.value)


def test_closer_than_and_rank_with_int_keys_match_gensim(pair):
    ours, theirs = pair
    for key1, key2 in [(0, 1), ("cat", 9), (np.int64(2), "w50")]:
        assert ours.closer_than(key1, key2) == theirs.closer_than(key1, key2)
        assert ours.rank(key1, key2) == theirs.rank(key1, key2)


# ----------------------------------------------------------------------------------------
# norms, fill_norms, unit_normalize_all, init_sims
# ----------------------------------------------------------------------------------------

def test_norms_none_until_filled_then_l2_norms_as_gensim(pair):
    ours, theirs = pair
    assert ours.norms is None and theirs.norms is None
    ours.fill_norms()
    theirs.fill_norms()
    np.testing.assert_allclose(ours.norms, theirs.norms, rtol=1e-6)
    assert ours.norms.shape == (N,)
    ours.vectors = ours.vectors * 2  # a new array: norms dropped
    assert ours.norms is None
    ours.most_similar("king")  # queries fill them, as in gensim
    np.testing.assert_allclose(ours.norms, 2 * theirs.norms, rtol=1e-6)
    ours.vectors[0] *= 3  # in place: kept until fill_norms(force=True)
    ours.fill_norms()
    assert ours.norms[0] == pytest.approx(2 * theirs.norms[0], rel=1e-6)
    ours.fill_norms(force=True)
    assert ours.norms[0] == pytest.approx(6 * theirs.norms[0], rel=1e-6)
    ours.norms = None
    assert ours.norms is None
    with pytest.raises(TypeError, match="norms can only be set to None"):
        ours.norms = np.ones(N)


def test_get_normed_vectors_are_read_only_and_match_gensim(pair):
    ours, theirs = pair
    normed = ours.get_normed_vectors()
    np.testing.assert_allclose(normed, theirs.get_normed_vectors(), atol=1e-6)
    with pytest.raises(ValueError, match="read-only"):
        normed[0] = 0.0


def test_unit_normalize_all_as_gensim(pair):
    ours, theirs = pair
    vectors = ours.vectors
    ours.unit_normalize_all()
    theirs.unit_normalize_all()
    assert ours.vectors is vectors  # in place
    np.testing.assert_allclose(ours.vectors, theirs.vectors, atol=1e-6)
    np.testing.assert_array_equal(ours.norms, theirs.norms)
    np.testing.assert_array_equal(ours.norms, np.ones(N))
    _same_neighbours(ours.most_similar("king"), theirs.most_similar("king"))


def test_unit_normalize_all_keeps_zero_vectors_and_refuses_read_only(pair):
    ours = pair[0]
    ours.vectors[4] = 0.0
    ours.unit_normalize_all()
    assert not ours.vectors[4].any() and not np.isnan(ours.vectors).any()
    ours.vectors.setflags(write=False)
    with pytest.raises(ValueError, match="unit_normalize_all.*read-only"):
        ours.unit_normalize_all()


@pytest.mark.parametrize("replace", [False, True])
def test_init_sims_warns_and_acts_as_gensim(pair, replace, caplog):
    ours, theirs = pair
    with pytest.warns(DeprecationWarning, match=r"Call to deprecated `init_sims` \(Use fill_norms"):
        theirs.init_sims(replace)
    with caplog.at_level(logging.WARNING, logger="fastw2v"):
        with pytest.warns(DeprecationWarning,
                          match=r"Call to deprecated `init_sims` \(Use fill_norms\(\) instead\)"):
            ours.init_sims(replace)
    assert ("destructive init_sims(replace=True) deprecated" in caplog.text) is replace
    np.testing.assert_allclose(ours.vectors, theirs.vectors, atol=1e-6)
    np.testing.assert_allclose(ours.norms, theirs.norms, rtol=1e-6)


# ----------------------------------------------------------------------------------------
# evaluations: gensim's defaults, similarity_function, the log methods
# ----------------------------------------------------------------------------------------

ANALOGIES = """\
: family
king queen man woman
man woman king queen
KING MAN QUEEN WOMAN
: capitals
paris france rome italy
rome italy paris france
paris france xyzzy italy
: noise
w1 w2 w3 w4
w5 w6 w7 w8
w10 w20 w30 w40
"""


def _analogy_pair():
    """(fastw2v, gensim) vectors where some analogies of ANALOGIES hold."""
    rng = np.random.default_rng(4)
    vectors = rng.standard_normal((N, DIM)).astype(np.float32)
    for a, b in (("king", "queen"), ("man", "woman"), ("paris", "france"), ("rome", "italy")):
        vectors[KEYS.index(b)] = vectors[KEYS.index(a)] + 1.5
    theirs = gensim_models().KeyedVectors(DIM)
    theirs.add_vectors(list(KEYS), vectors.copy())
    return KeyedVectors(vectors, KEYS), theirs


@pytest.fixture
def analogies(tmp_path):
    path = tmp_path / "analogies.txt"
    path.write_text(ANALOGIES)
    return path


def test_evaluate_word_analogies_defaults_are_gensims(analogies):
    ours, theirs = _analogy_pair()
    accuracy, sections = ours.evaluate_word_analogies(analogies)
    expected_accuracy, expected_sections = theirs.evaluate_word_analogies(str(analogies))
    assert sections == expected_sections and accuracy == pytest.approx(expected_accuracy)
    # the default is 300000 (was 30000): a vocabulary beyond 30000 keys shows it
    big = KeyedVectors(np.random.default_rng(0).standard_normal((30005, 2)).astype(np.float32),
                       [f"w{i}" for i in range(30000)] + ["a", "b", "c", "d", "e"])
    big_twin = gensim_models().KeyedVectors(2)
    big_twin.add_vectors(list(big.index_to_key), big.vectors.copy())
    (big_file := analogies.with_name("big.txt")).write_text(": s\na b c d\n")
    total = big.evaluate_word_analogies(big_file)[1][-1]
    assert total == big_twin.evaluate_word_analogies(str(big_file))[1][-1]
    assert len(total["correct"]) + len(total["incorrect"]) == 1
    assert big.evaluate_word_analogies(big_file, 30000)[1][-1] == {
        "section": "Total accuracy", "correct": [], "incorrect": []}


@pytest.mark.parametrize("case_insensitive", [True, False])
def test_evaluations_skip_keys_that_are_not_str(analogies, tmp_path, case_insensitive):
    ours, theirs = _analogy_pair()
    keys = [i if key.startswith("w") else key for i, key in enumerate(KEYS)]  # ints for w*
    mixed = KeyedVectors(ours.vectors, keys)
    # gensim's case-insensitive evaluation calls .upper() on every key: the reference is
    # gensim on keys that no word of the files matches, in place of the ints
    reference = gensim_models().KeyedVectors(DIM)
    reference.add_vectors([f"#{key}" if isinstance(key, int) else key for key in keys],
                          ours.vectors.copy())
    options = dict(case_insensitive=case_insensitive)
    assert mixed.evaluate_word_analogies(analogies, **options) \
        == reference.evaluate_word_analogies(str(analogies), **options)
    (pairs := tmp_path / "pairs.tsv").write_text("king\tqueen\t8\ncat\tdog\t6\nman\tw3\t1\n"
                                                  "paris\tfrance\t7\n")
    np.testing.assert_allclose(mixed.evaluate_word_pairs(pairs, **options)[:2],
                               reference.evaluate_word_pairs(str(pairs), **options)[:2],
                               atol=1e-5)


def _gensim_evaluating_with(theirs, method):
    """gensim 4.4 ignores similarity_function (always most_similar): make its most_similar
    the method, so that its evaluation is the reference."""
    theirs.most_similar = getattr(theirs, method)
    return theirs


@GENSIM_COSMUL_CALLS_INIT_SIMS
@pytest.mark.parametrize("options", [dict(), dict(case_insensitive=False),
                                     dict(dummy4unknown=True)])
def test_evaluate_word_analogies_with_most_similar_cosmul(analogies, options):
    ours, theirs = _analogy_pair()
    _gensim_evaluating_with(theirs, "most_similar_cosmul")
    accuracy, sections = ours.evaluate_word_analogies(
        analogies, similarity_function="most_similar_cosmul", **options)
    expected_accuracy, expected_sections = theirs.evaluate_word_analogies(str(analogies),
                                                                          **options)
    assert sections == expected_sections and accuracy == pytest.approx(expected_accuracy)


def test_evaluate_word_analogies_similarity_function_checked(analogies):
    ours = _analogy_pair()[0]
    with pytest.raises(ValueError, match="similarity_function must be one of 'most_similar', "
                                         "'most_similar_cosmul', got 'cosine'"):
        ours.evaluate_word_analogies(analogies, similarity_function="cosine")
    with pytest.raises(TypeError, match="similarity_function must be one of"):
        ours.evaluate_word_analogies(analogies, similarity_function=len)


def _messages(caplog, logger_name):
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == logger_name]


def test_log_methods_log_as_gensim(caplog):
    ours, theirs = _analogy_pair()
    section = {"section": "capitals", "correct": [1, 2], "incorrect": [3]}
    pearson, spearman = (0.51234, 0.01), (0.42, 0.02)
    with caplog.at_level(logging.INFO):
        for kv in (theirs, ours, KeyedVectors):
            assert kv.log_accuracy(section) is None
            kv.log_accuracy({"section": "empty", "correct": [], "incorrect": []})
            assert kv.log_evaluate_word_pairs(pearson, spearman, 12.5, "pairs.tsv") is None
    expected = _messages(caplog, "gensim.models.keyedvectors")
    assert len(expected) == 4
    assert _messages(caplog, "fastw2v") == expected * 2


def test_evaluate_word_analogies_logs_as_gensim(analogies, caplog):
    ours, theirs = _analogy_pair()
    with caplog.at_level(logging.INFO):
        ours.evaluate_word_analogies(analogies)
        theirs.evaluate_word_analogies(str(analogies))
    ours_info = [m for level, m in _messages(caplog, "fastw2v") if level == logging.INFO]
    gensim_info = [m for level, m in _messages(caplog, "gensim.models.keyedvectors")
                   if level == logging.INFO]
    assert ours_info[1:] == gensim_info[1:]  # the first names the file: a path here, str there
    assert ours_info[0].startswith("Evaluating word analogies for top 300000 words")
