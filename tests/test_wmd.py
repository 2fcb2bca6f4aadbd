"""wmdistance (fastw2v._wmd): Word Mover's Distance against gensim's on the same vectors."""
import logging
import math
import sys

import numpy as np
import pytest
from conftest import gensim_models

from fastw2v import KeyedVectors

pytest.importorskip("ot", reason="POT (the wmd extra) is not installed")

DIM = 16
WORDS = ["obama", "speaks", "media", "illinois", "president", "greets", "press", "chicago",
         "the", "a", "to", "in"]

# (document1, document2): different lengths, repeated words, a shared word, out-of-
# vocabulary words, the same bag in another order, one single word against itself
PAIRS = [
    (["obama", "speaks", "media", "illinois"], ["president", "greets", "press", "chicago"]),
    (["obama", "obama", "speaks", "the", "media"], ["president", "greets", "the", "press"]),
    (["obama", "unknownword", "speaks"], ["president", "xyzzy", "greets", "in", "chicago"]),
    (["a", "to", "a", "in", "a"], ["to", "to", "the"]),
    (["obama", "speaks", "media"], ["media", "obama", "speaks"]),
    (["chicago"], ["chicago", "chicago"]),
    (["chicago"], ["illinois"]),
    (["oov1", "the"], ["oov2", "the", "oov3"]),
]


@pytest.fixture(scope="module")
def vectors():
    rng = np.random.default_rng(3)
    return rng.standard_normal((len(WORDS), DIM)).astype(np.float32) * 2.5


@pytest.fixture(scope="module")
def ours(vectors):
    return KeyedVectors(vectors.copy(), list(WORDS))


@pytest.fixture(scope="module")
def theirs(vectors):
    twin = gensim_models().KeyedVectors(DIM)
    twin.add_vectors(list(WORDS), vectors.copy())
    return twin


@pytest.mark.parametrize("norm", [True, False])
@pytest.mark.parametrize("document1, document2", PAIRS)
def test_same_distance_as_gensim(ours, theirs, document1, document2, norm):
    expected = theirs.wmdistance(document1, document2, norm=norm)
    assert ours.wmdistance(document1, document2, norm=norm) == pytest.approx(expected, abs=1e-5)
    assert ours.wmdistance(document2, document1, norm=norm) == pytest.approx(expected, abs=1e-5)


def test_norm_is_the_default_and_changes_the_distance(ours, theirs):
    document1, document2 = PAIRS[0]
    normed = ours.wmdistance(document1, document2)
    assert normed == pytest.approx(theirs.wmdistance(document1, document2), abs=1e-5)
    assert abs(normed - ours.wmdistance(document1, document2, norm=False)) > 0.1


def test_one_word_each_is_the_distance_of_their_vectors(ours):
    expected = np.linalg.norm(ours["chicago"].astype(np.float64) - ours["illinois"])
    assert ours.wmdistance(["chicago"], ["illinois"], norm=False) == pytest.approx(expected)


def test_identical_documents_are_at_distance_zero(ours):
    assert ours.wmdistance(["obama", "speaks", "obama"], ["speaks", "obama", "obama"]) == \
        pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("document1, document2", [
    ([], ["obama"]), (["obama"], []), (["nothing", "known"], ["obama"]), ([], []),
])
def test_a_document_without_known_words_is_infinitely_far(ours, theirs, document1, document2,
                                                          caplog):
    with caplog.at_level(logging.INFO, logger="fastw2v"):
        assert ours.wmdistance(document1, document2) == math.inf
    assert theirs.wmdistance(document1, document2) == math.inf
    assert "at least one of the documents had no words that were in the vocabulary" in \
        caplog.text


def test_out_of_vocabulary_words_are_dropped_and_logged(ours, caplog):
    with caplog.at_level(logging.INFO, logger="fastw2v"):
        with_oov = ours.wmdistance(["obama", "zzz", "speaks"], ["yyy", "media", "xxx"])
    assert with_oov == ours.wmdistance(["obama", "speaks"], ["media"])
    assert "removed 1 and 2 out-of-vocabulary words from document 1 and 2" in caplog.text


def test_words_with_equal_vectors_are_at_distance_zero():
    """gensim returns inf when every distance between the two documents' words is 0 (its
    guard against an old emd that got stuck there); POT solves it: the distance is 0."""
    kv = KeyedVectors(np.array([[1.0, 2.0], [1.0, 2.0], [0.0, 1.0]], dtype=np.float32),
                      ["a", "b", "c"])
    assert kv.wmdistance(["a", "a"], ["b"]) == 0.0


@pytest.mark.parametrize("document", ["obama speaks", b"obama"])
def test_a_string_is_not_a_document(ours, document):
    with pytest.raises(TypeError, match=r"document2 must be a sequence of words, got the string "
                                        r"b?'obama.*; split it into words first"):
        ours.wmdistance(["obama"], document)


def test_without_pot_the_error_says_how_to_install_it(ours, monkeypatch):
    monkeypatch.setitem(sys.modules, "ot", None)  # makes `import ot` raise ImportError
    with pytest.raises(ImportError, match=r"wmdistance needs the POT package .*: "
                                          r"pip install 'fastw2v\[wmd\]'"):
        ours.wmdistance(["obama"], ["speaks"])
