"""FastW2V.build_vocab_from_freq: a given vocabulary (word2vec.c's -read-vocab)."""
import numpy as np
import pytest

from fastw2v import FastW2V

TEXTS = [["a", "b", "a", "c", "a", "b", "d", "e"] * 5 for _ in range(30)]
PARAMS = dict(vector_size=8, epochs=2, workers=1, seed=3, sample=1e-2)


def test_true_counts_reproduce_build_vocab_bit_for_bit():
    counted = FastW2V(TEXTS, min_count=1, **PARAMS).build_vocab(keep_raw_vocab=True).train()
    freq = counted.raw_vocab  # in the order of first appearance, as a scan counts them
    given = FastW2V(TEXTS, min_count=1, **PARAMS).build_vocab_from_freq(freq).train()
    assert given.wv.index_to_key == counted.wv.index_to_key
    np.testing.assert_array_equal(given.wv.vectors, counted.wv.vectors)


def test_ties_are_in_reverse_of_the_given_order_as_gensims():
    model = FastW2V(TEXTS, min_count=1, **PARAMS).build_vocab_from_freq(
        {"c": 5, "e": 9, "d": 5, "a": 5})
    assert model.wv.index_to_key == ["e", "a", "d", "c"]


def test_given_counts_order_and_min_count_apply_and_unknown_words_are_skipped():
    # "d" is not in it, "c" below min_count
    freq = {"e": 500, "zz": 400, "a": 300, "b": 300, "c": 2}
    model = FastW2V(TEXTS, min_count=3, **PARAMS).build_vocab_from_freq(freq)
    assert model.wv.index_to_key == ["e", "zz", "b", "a"]
    assert model.wv.counts.tolist() == [500, 400, 300, 300]
    assert model.corpus.total_words == 30 * 5 * 6  # a, a, a, b, b, e of each repeat
    model.train()


@pytest.mark.parametrize("freq, error, match", [
    ({"a": 1}, ValueError, "no word of word_freq .1 words. has a count of at least min_count=2"),
    ({"a": -1}, ValueError, r"word_freq\['a'\] must be an int >= 0, got -1"),
    ({"a": 2.5}, ValueError, r"word_freq\['a'\] must be an int >= 0, got 2.5"),
    ({3: 5}, TypeError, "word_freq keys must be str, got int 3"),
    ({"zz": 5}, ValueError, "none of the words of the new corpus is in the vocabulary"),
])
def test_bad_vocabularies(freq, error, match):
    model = FastW2V(TEXTS, min_count=2, **PARAMS)
    with pytest.raises(error, match=match):
        model.build_vocab_from_freq(freq)
    assert model.vocab is None and model.wv is None


def test_only_once():
    model = FastW2V(TEXTS, min_count=1, **PARAMS).build_vocab()
    with pytest.raises(ValueError, match="built already"):
        model.build_vocab_from_freq({"a": 5})


def test_min_count_0_keeps_words_counted_0_without_warnings(recwarn):
    model = FastW2V(TEXTS, min_count=0, hs=1, **PARAMS).build_vocab_from_freq(
        {"a": 0, "b": 0, "zz": 0})
    assert model.wv.index_to_key == ["zz", "b", "a"]  # all tied: the last given first
    assert (model.vocab.keep_threshold == 2**32).all()  # never sub-sampled
    np.testing.assert_array_equal(model.vocab.alias_index, [0, 1, 2])  # uniform noise
    model.train()
    assert not recwarn.list
