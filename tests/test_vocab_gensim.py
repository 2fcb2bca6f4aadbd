"""The vocabulary against gensim 4.4's on the same corpus: the words, their counts and their
order under every rule (min_count, max_vocab_size, max_final_vocab, trim_rule, null_word,
sorted_vocab), corpus_count / corpus_total_words, and the online update."""
import numpy as np
import pytest
from conftest import gensim_models, write_corpus, zipf_texts

from fastw2v import RULE_DEFAULT, RULE_DISCARD, RULE_KEEP, FastW2V

TEXTS = zipf_texts(300, vocab=400, seed=3, a=1.3)  # many ties among the rare words
NEW_TEXTS = zipf_texts(120, vocab=500, seed=4, a=1.2)  # words w400.. are new


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


UPDATES = {
    "min_count=2": dict(min_count=2, hs=1, negative=5),
    "max_final_vocab, null_word": dict(min_count=1, max_final_vocab=80, null_word=1),
}


@pytest.mark.parametrize("params", UPDATES.values(), ids=UPDATES.keys())
def test_an_update_adds_the_new_words_as_gensim(params):
    theirs, ours = both(TEXTS, seed=2, **params)
    theirs.build_vocab(NEW_TEXTS, update=True)
    before = ours.wv.vectors.copy()
    ours.build_vocab(NEW_TEXTS, update=True)
    words, counts = vocabulary(theirs)
    vectors = theirs.wv.vectors
    if params.get("null_word"):  # gensim appends a second '\0' (its key_to_index the last)
        assert words[-1] == "\0" and words.count("\0") == 2
        words, counts, vectors = words[:-1], counts[:-1], vectors[:-1]
    assert vocabulary(ours) == (words, counts)
    assert ours.effective_min_count == theirs.effective_min_count
    assert (ours.corpus_count, ours.corpus_total_words) == (theirs.corpus_count,
                                                            theirs.corpus_total_words)
    n_old = len(before)
    assert len(ours.wv) > n_old
    np.testing.assert_array_equal(ours.wv.vectors[:n_old], before)  # bit for bit
    np.testing.assert_array_equal(ours.wv.vectors, vectors)  # the new rows too
    for name, array in ours._outputs.items():
        assert array.shape == ours._params.output_shapes(len(ours.wv))[name]


def test_an_update_rebuilds_the_tables_and_training_moves_the_new_words():
    model = FastW2V(TEXTS, min_count=2, vector_size=8, workers=1, hs=1, negative=3,
                    seed=2).build_vocab()
    model.train()
    old = model.wv.vectors.copy()
    model.build_vocab(NEW_TEXTS, update=True)
    n_old, n = len(old), len(model.wv)
    np.testing.assert_array_equal(model.wv.vectors[:n_old], old)
    assert (model._outputs["w_ns"][n_old:] == 0).all()
    fresh = FastW2V(vector_size=8, hs=1, negative=3)._new_vocab(model.wv.index_to_key,
                                                                 model.wv.counts)
    for table in ("keep_threshold", "alias_prob", "alias_index", "codes", "points",
                  "path_offsets"):
        np.testing.assert_array_equal(getattr(model.vocab, table), getattr(fresh, table))
    index = model.wv.key_to_index
    assert model.corpus.ids.tolist() == [index[w] for t in NEW_TEXTS for w in t if w in index]
    new = model.wv.vectors[n_old:].copy()
    model.train()
    assert (model.wv.vectors[n_old:] != new).any(axis=1).all()
    assert n - n_old == sum(1 for w in model.wv.index_to_key[n_old:] if w.startswith("w"))


def test_update_from_freq_appends_and_keeps_the_corpus():
    model = FastW2V(TEXTS, min_count=1, vector_size=8).build_vocab()
    ids = model.corpus.ids.copy()
    n_old = len(model.wv)
    model.build_vocab_from_freq({"w0": 10, "new_a": 3, "new_b": 7}, update=True)
    assert model.wv.index_to_key[n_old:] == ["new_a", "new_b"]
    assert model.wv.get_vecattr("new_b", "count") == 7
    np.testing.assert_array_equal(model.corpus.ids, ids)


def test_update_errors():
    with pytest.raises(RuntimeError, match=r"You cannot do an online vocabulary-update of a "
                                           r"model which has no prior vocabulary"):
        FastW2V(TEXTS).build_vocab(TEXTS, update=True)
    model = FastW2V(TEXTS, min_count=2, vector_size=8).build_vocab()
    with pytest.raises(ValueError, match=r"no corpus: give sentences or corpus_file"):
        model.build_vocab(update=True)
    with pytest.raises(ValueError, match=r"none of the words of the new corpus is in the "
                                         r"vocabulary"):
        model.build_vocab([["unseen"]], update=True)
    with pytest.raises(ValueError, match=r"the vocabulary is built already"):
        model.build_vocab(TEXTS)


def test_a_corpus_file_is_pruned_per_10000_words_as_gensims_line_sentence(tmp_path):
    """gensim reads a corpus_file as LineSentence pieces of 10,000 words and prunes after
    each: lines of 12,000 words prune mid-line."""
    words = [w for t in zipf_texts(600, vocab=3000, seed=5, a=1.1) for w in t]
    lines = [words[i:i + 12000] for i in range(0, len(words), 12000)] + [[]]
    path = write_corpus(tmp_path / "long.txt", lines)
    theirs = gensim_models().Word2Vec(vector_size=8, min_count=1, max_vocab_size=400)
    theirs.build_vocab(corpus_file=str(path), keep_raw_vocab=True)
    ours = FastW2V(corpus_file=path, vector_size=8, min_count=1,
                   max_vocab_size=400).build_vocab(keep_raw_vocab=True)
    assert list(ours.raw_vocab.items()) == list(theirs.raw_vocab.items())
    assert vocabulary(ours) == vocabulary(theirs)
    assert (ours.corpus_count, ours.corpus_total_words) == (theirs.corpus_count,
                                                            theirs.corpus_total_words)
    assert ours.corpus_count > len(lines) - 1  # some lines came in two pieces


def test_before_a_vocabulary_the_attributes_are_gensims():
    theirs, ours = gensim_models().Word2Vec(vector_size=8), FastW2V(vector_size=8)
    assert (ours.corpus_count, ours.corpus_total_words, ours.raw_vocab) == (
        theirs.corpus_count, theirs.corpus_total_words, theirs.raw_vocab) == (0, 0, None)
    assert ours.effective_min_count is None


@pytest.mark.parametrize("lockf", ["per-key", "one"])
def test_an_update_keeps_the_lock_factors(lockf):
    model = FastW2V(TEXTS, min_count=2, vector_size=8, workers=1).build_vocab()
    n_old = len(model.wv)
    frozen = model.wv.key_to_index["w0"]
    if lockf == "per-key":
        factors = np.full(n_old, 0.5, dtype=np.float32)
        factors[frozen] = 0.0
    else:
        factors = np.zeros(1, dtype=np.float32)
    model.wv.vectors_lockf = factors
    model.build_vocab(NEW_TEXTS, update=True)
    n = len(model.wv)
    if lockf == "per-key":
        np.testing.assert_array_equal(model.wv.vectors_lockf[:n_old], factors)
        np.testing.assert_array_equal(model.wv.vectors_lockf[n_old:], np.ones(n - n_old))
    else:
        np.testing.assert_array_equal(model.wv.vectors_lockf, factors)
    before = model.wv.vectors.copy()
    model.train()  # the factors fit the grown vocabulary
    np.testing.assert_array_equal(model.wv.vectors[frozen], before[frozen])
    assert (model.wv.vectors[n_old:] != before[n_old:]).any() == (lockf == "per-key")
