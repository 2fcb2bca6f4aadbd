"""The vocabulary against gensim 4.4's on the same corpus: the words, their counts and their
order under every rule (min_count, max_vocab_size, max_final_vocab, trim_rule, null_word,
sorted_vocab), corpus_count / corpus_total_words."""
import numpy as np
import pytest
from conftest import gensim_models, write_corpus, zipf_texts

from fastw2v import RULE_DEFAULT, RULE_DISCARD, RULE_KEEP, FastW2V

TEXTS = zipf_texts(300, vocab=400, seed=3, a=1.3)  # many ties among the rare words


def keep_ones_drop_twos(word, count, min_count):
    """Keeps the words ending in 1, drops those ending in 2, the others by min_count."""
    return RULE_KEEP if word.endswith("1") else RULE_DISCARD if word.endswith("2") else \
        RULE_DEFAULT


def both(texts, keep_raw_vocab=False, **params):
    """(gensim's model, fastw2v's) with their vocabulary built on ``texts``."""
    gensim_params = {k: v for k, v in params.items() if k != "trim_rule"}
    theirs = gensim_models().Word2Vec(vector_size=8, workers=1, **gensim_params)
    # gensim's trim_rule is build_vocab's (its constructor's is used only with a corpus)
    theirs.build_vocab(texts, keep_raw_vocab=keep_raw_vocab, trim_rule=params.get("trim_rule"))
    ours = FastW2V(texts, vector_size=8, workers=1, **params).build_vocab(
        keep_raw_vocab=keep_raw_vocab)
    return theirs, ours


def vocabulary(model):
    """(words, counts) of a gensim or fastw2v model, in its order."""
    return model.wv.index_to_key, [int(model.wv.get_vecattr(w, "count"))
                                   for w in model.wv.index_to_key]


CASES = {
    "min_count=1": dict(min_count=1),
    "min_count=3": dict(min_count=3),
    "min_count=0": dict(min_count=0),
    "max_vocab_size": dict(min_count=1, max_vocab_size=60),
    "max_vocab_size, min_count=2": dict(min_count=2, max_vocab_size=30),
    "max_final_vocab": dict(min_count=1, max_final_vocab=25),
    "max_final_vocab, min_count=0": dict(min_count=0, max_final_vocab=1000),
    "max_final_vocab below min_count": dict(min_count=4, max_final_vocab=100),
    "trim_rule": dict(min_count=3, trim_rule=keep_ones_drop_twos),
    "trim_rule while pruning": dict(min_count=1, max_vocab_size=40,
                                    trim_rule=keep_ones_drop_twos),
    "null_word": dict(min_count=1, null_word=1),
    "null_word, min_count=3": dict(min_count=3, null_word=1),
    "sorted_vocab=0": dict(min_count=2, sorted_vocab=0),
    "sorted_vocab=0, null_word, pruning": dict(min_count=1, sorted_vocab=0, null_word=1,
                                               max_vocab_size=50),
}


@pytest.mark.parametrize("params", CASES.values(), ids=CASES.keys())
def test_the_vocabulary_is_gensims(params):
    theirs, ours = both(TEXTS, keep_raw_vocab=True, **params)
    assert vocabulary(ours) == vocabulary(theirs)
    assert ours.raw_vocab == dict(theirs.raw_vocab)  # the same words survived the pruning
    assert list(ours.raw_vocab) == list(theirs.raw_vocab)  # in the same order
    assert ours.effective_min_count == theirs.effective_min_count
    assert (ours.corpus_count, ours.corpus_total_words) == (theirs.corpus_count,
                                                            theirs.corpus_total_words)


def test_the_cases_exercise_the_rules():
    """Pruning happened several times, max_final_vocab raised min_count, the trim rule kept
    words below min_count: the comparisons above are not vacuous."""
    _, pruned = both(TEXTS, **CASES["max_vocab_size"])
    _, unpruned = both(TEXTS, min_count=1)
    assert len(pruned.wv) < 60 < len(unpruned.wv)
    _, raised = both(TEXTS, **CASES["max_final_vocab"])
    assert raised.effective_min_count > 1 and len(raised.wv) <= 25
    _, trimmed = both(TEXTS, **CASES["trim_rule"])
    counts = dict(zip(*vocabulary(trimmed)))
    assert any(c < 3 for w, c in counts.items() if w.endswith("1"))
    assert not any(w.endswith("2") for w in counts)
    _, with_null = both(TEXTS, **CASES["null_word, min_count=3"])
    assert with_null.wv.index_to_key[-1] == "\0" and with_null.wv.counts[-1] == 1


def test_a_rule_discarding_everything_says_so():
    with pytest.raises(ValueError, match=r"no word is kept by min_count=1 under trim_rule: "
                                         r"the corpus has 400 distinct words and the most "
                                         r"frequent, 'w1', occurs 3128 times; lower "
                                         r"min_count, raise max_final_vocab or change "
                                         r"trim_rule"):
        FastW2V(TEXTS, min_count=1, trim_rule=lambda w, c, m: RULE_DISCARD).build_vocab()


def test_corpus_count_counts_texts_as_gensim(tmp_path):
    texts = [["a", "b"], [], ["c"] * 25000, ["a"]]  # an empty text, one over 10,000 words
    theirs, ours = both(texts, min_count=1)
    assert (ours.corpus_count, ours.corpus_total_words) == (theirs.corpus_count,
                                                            theirs.corpus_total_words) == (4, 25003)
    path = write_corpus(tmp_path / "c.txt", texts)
    theirs = gensim_models().Word2Vec(vector_size=8, min_count=1)
    theirs.build_vocab(corpus_file=str(path))
    ours = FastW2V(corpus_file=path, vector_size=8, min_count=1).build_vocab()
    assert (ours.corpus_count, ours.corpus_total_words) == (theirs.corpus_count,
                                                            theirs.corpus_total_words) == (5, 25003)


def test_the_initial_vectors_are_gensims():
    theirs, ours = both(TEXTS, min_count=2, seed=5)
    np.testing.assert_array_equal(ours.wv.vectors, theirs.wv.vectors)


def test_a_second_build_vocab_is_refused():
    model = FastW2V(TEXTS, min_count=2, vector_size=8).build_vocab()
    with pytest.raises(ValueError, match=r"the vocabulary is built already"):
        model.build_vocab(TEXTS)
