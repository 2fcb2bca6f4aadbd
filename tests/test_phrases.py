"""fastw2v.Phrases / FrozenPhrases against gensim 4.4's, run on the same texts: the same
phrases and scores (bit for bit), the same vocab, the same phrased texts; saving and loading,
gensim's files; the compiled core (fastw2v._phrases) against small references."""
import gzip
import inspect
import pickle

import numpy as np
import pytest
from gensim.models import phrases as gensim_phrases

from fastw2v import Word2Vec
from fastw2v.__main__ import DEMO_CORPUS
from fastw2v._phrases import PairCounts, PhraseTable, render
from fastw2v.phrases import (
    ENGLISH_CONNECTOR_WORDS,
    FrozenPhrases,
    Phraser,
    Phrases,
    npmi_scorer,
    original_scorer,
)

E = ENGLISH_CONNECTOR_WORDS


@pytest.fixture(scope="module")
def texts():
    """The first 120 texts (90,000 words) of the bundled 1M-word Wikipedia sample, as lists
    of str."""
    with gzip.open(DEMO_CORPUS, "rt") as f:
        return [line.split() for _, line in zip(range(120), f)]


def scorer(worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count):
    """A scoring function of the user's (gensim's signature)."""
    return bigram_count / (worda_count + wordb_count)


def both(texts, **settings):
    return gensim_phrases.Phrases(texts, **settings), Phrases(texts, **settings)


_LEARNED = {}


def learned(texts, name):
    """gensim's and fastw2v's Phrases of SETTINGS[name], learned once (not to be changed)."""
    if name not in _LEARNED:
        _LEARNED[name] = both(texts, **SETTINGS[name])
    return _LEARNED[name]


SETTINGS = {
    "default": dict(),
    "connectors": dict(connector_words=E, threshold=5),
    "npmi": dict(scoring="npmi", threshold=0.4),
    "npmi-connectors": dict(scoring="npmi", threshold=0.3, connector_words=E),
    "pruned": dict(max_vocab_size=15000, min_count=3, threshold=2),
    "pruned-connectors": dict(max_vocab_size=25000, min_count=2.5, connector_words=E),
}


@pytest.mark.parametrize("name", list(SETTINGS))
def test_same_counts_phrases_and_scores_as_gensim(texts, name):
    g, f = learned(texts, name)
    assert f.vocab == g.vocab
    assert len(f) == len(g.vocab)
    assert (f.corpus_word_count, f.min_reduce) == (g.corpus_word_count, g.min_reduce)
    exported = g.export_phrases()
    assert len(exported) > 30
    assert f.export_phrases() == exported          # scores equal as floats: the same bits
    assert f.freeze().phrasegrams == g.freeze().phrasegrams
    assert str(f) == str(g)


@pytest.mark.parametrize("name", ["default", "connectors", "npmi-connectors"])
def test_same_phrased_texts_as_gensim(texts, name):
    g, f = learned(texts, name)
    part = texts[:60]
    assert [f[t] for t in part] == [g[t] for t in part]
    gf, ff = g.freeze(), f.freeze()
    assert list(ff[part]) == list(gf[part])
    assert ff.find_phrases(part) == gf.find_phrases(part) == f.find_phrases(part)
    sentence = part[3]
    assert list(ff.analyze_sentence(sentence)) == list(gf.analyze_sentence(sentence))
    phrase = next(iter(gf.phrasegrams))
    first, *inner, last = phrase.split("_")
    assert f.score_candidate(first, last, inner) == g.score_candidate(first, last, inner)
    assert ff.score_candidate(first, last, inner) == gf.score_candidate(first, last, inner)
    assert ff.score_candidate("zzz", "yyy", []) == gf.score_candidate("zzz", "yyy", [])


def test_threshold_changed_after_learning_applies_as_in_gensim(texts):
    g, f = both(texts, threshold=5)
    g.threshold = f.threshold = 40
    assert f.export_phrases() == g.export_phrases()
    assert [f[t] for t in texts[:20]] == [g[t] for t in texts[:20]]


def test_add_vocab_merges_and_prunes_as_gensim(texts):
    settings = dict(max_vocab_size=20000, min_count=2, threshold=1, connector_words=E)
    g, f = both(texts[:60], **settings)
    for part in (texts[60:90], texts[90:]):
        g.add_vocab(part)
        f.add_vocab(part)
        assert f.vocab == g.vocab
        assert f.min_reduce == g.min_reduce
        assert f.export_phrases() == g.export_phrases()


def test_custom_scoring_function_as_gensim(texts):
    g, f = both(texts[:100], scoring=scorer, threshold=0.3)
    assert f.export_phrases() == g.export_phrases()
    assert len(g.export_phrases()) > 10


def test_the_built_in_scorers_are_gensim_s():
    for ours, theirs in ((original_scorer, gensim_phrases.original_scorer),
                         (npmi_scorer, gensim_phrases.npmi_scorer)):
        for args in ((3, 4, 2, 100, 1, 1000), (7, 7, 3, 50, 5, 300), (9, 4, 1, 10, 2, 10)):
            assert ours(*args) == theirs(*args)
    assert original_scorer(0, 4, 1, 10, 1, 10) == float("-inf")
    assert gensim_phrases.ENGLISH_CONNECTOR_WORDS == ENGLISH_CONNECTOR_WORDS
    assert Phraser is FrozenPhrases


def test_gensim_s_own_scorer_functions_run_compiled(texts):
    g, f = both(texts[:100], scoring=gensim_phrases.npmi_scorer, threshold=0.5)
    assert f.export_phrases() == g.export_phrases()


@pytest.mark.parametrize("settings, error", [
    (dict(min_count=0), "min_count"),
    (dict(threshold=0), "threshold must be > 0 for default scoring"),
    (dict(scoring="npmi", threshold=1.5), "between -1 and 1"),
    (dict(scoring="pmi"), "unknown scoring method string 'pmi'"),
    (dict(scoring=lambda worda_count, wordb_count: 0), "missing expected parameters"),
])
def test_bad_settings_raise_as_gensim(settings, error):
    with pytest.raises(ValueError):
        gensim_phrases.Phrases(**settings)
    with pytest.raises(ValueError, match=error):
        Phrases(**settings)


def test_bad_settings_gensim_lets_through_are_refused():
    with pytest.raises(ValueError, match="max_vocab_size must be an int >= 1, got 0"):
        Phrases(max_vocab_size=0)
    with pytest.raises(TypeError, match="delimiter must be a str, got bytes"):
        Phrases(delimiter=b"_")
    with pytest.raises(TypeError, match="threshold must be a number, got str"):
        Phrases(threshold="10")


def test_bad_texts_name_the_text():
    with pytest.raises(TypeError, match="text 1 is a str"):
        Phrases([["a", "b"], "c d"])
    with pytest.raises(TypeError, match="text 0: tokens must be str, got int 3"):
        Phrases([["a", 3]])
    with pytest.raises(ValueError, match="sentences or corpus_file, not both"):
        Phrases([["a"]], corpus_file=str(DEMO_CORPUS))


def test_corpus_file_reads_as_gensim_line_sentence(texts, tmp_path):
    from gensim.models.word2vec import LineSentence
    path = tmp_path / "part.txt.gz"
    with gzip.open(path, "wt") as f:
        f.writelines(" ".join(t) + "\n" for t in texts[:100])
        f.write(" ".join(["new", "york"] * 6000) + "\n\n")   # a line of 12,000 words
    g = gensim_phrases.Phrases(LineSentence(str(path)))
    f = Phrases(corpus_file=path)
    assert f.vocab == g.vocab
    assert f.export_phrases() == g.export_phrases()


def test_write_phrased_writes_what_gensim_gives(texts, tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("".join(" ".join(t) + "\n" for t in texts[:80]) + "\n  \n" + "new york")
    from gensim.models.word2vec import LineSentence
    g = gensim_phrases.Phrases(LineSentence(str(path)), threshold=5, connector_words=E)
    frozen = Phrases(corpus_file=path, threshold=5, connector_words=E).freeze()
    for out in (tmp_path / "out.txt", tmp_path / "out.txt.gz"):
        assert frozen.write_phrased(path, out) == 81
        expected = "".join(" ".join(s) + "\n" for s in g.freeze()[LineSentence(str(path))])
        opener = gzip.open if out.suffix == ".gz" else open
        with opener(out, "rt", encoding="utf-8") as fin:
            assert fin.read() == expected
    assert "_of_" in expected or "_the_" in expected


def test_phrased_corpus_streams_and_iterates_again(texts):
    frozen = Phrases(texts, threshold=5).freeze()
    corpus = frozen[texts[:10]]
    assert len(corpus) == 10
    first = list(corpus)
    assert list(corpus) == first                      # a list can be read again
    generator = frozen[(t for t in texts[:10])]
    assert list(generator) == first
    assert frozen[[]] == []
    assert frozen[iter(["new", "york"])] == frozen[["new", "york"]]


def test_training_on_phrased_texts(texts):
    phrases = Phrases(texts, threshold=5)
    model = Word2Vec(phrases[texts], vector_size=16, min_count=3, epochs=1, workers=1)
    joined = [w for w in model.wv.index_to_key if "_" in w]
    assert joined and all(w in phrases.export_phrases() for w in joined)


# persistence

def test_save_and_load_both_classes(texts, tmp_path):
    phrases = Phrases(texts, threshold=5, connector_words=E)
    phrases.save(tmp_path / "p.fw2v")
    loaded = Phrases.load(tmp_path / "p.fw2v")
    assert loaded.vocab == phrases.vocab
    assert loaded.export_phrases() == phrases.export_phrases()
    assert loaded.connector_words == E and loaded.scoring is original_scorer
    loaded.add_vocab(texts[:20])
    phrases.add_vocab(texts[:20])
    assert loaded.vocab == phrases.vocab
    frozen = phrases.freeze()
    frozen.save(tmp_path / "f.fw2v")
    again = FrozenPhrases.load(tmp_path / "f.fw2v")
    assert type(Phrases.load(tmp_path / "f.fw2v")) is FrozenPhrases
    assert again.phrasegrams == frozen.phrasegrams
    assert [again[t] for t in texts[:20]] == [frozen[t] for t in texts[:20]]
    assert [e["event"] for e in again.lifecycle_events][-1] == "saved"
    with pytest.raises(ValueError, match="holds a Phrases model, not a FrozenPhrases"):
        FrozenPhrases.load(tmp_path / "p.fw2v")


def test_a_custom_scoring_function_must_be_given_again(texts, tmp_path):
    phrases = Phrases(texts[:50], scoring=scorer, threshold=0.3)
    phrases.save(tmp_path / "p")
    with pytest.raises(ValueError, match="scoring function .*scorer.*pass it"):
        Phrases.load(tmp_path / "p")
    assert Phrases.load(tmp_path / "p", scoring=scorer).export_phrases() == \
        phrases.export_phrases()


def test_damaged_files_raise_naming_the_file(texts, tmp_path):
    phrases = Phrases(texts[:30])
    phrases.save(tmp_path / "p")
    data = (tmp_path / "p").read_bytes()
    (tmp_path / "cut").write_bytes(data[:len(data) // 2])
    with pytest.raises(ValueError, match="cut"):
        Phrases.load(tmp_path / "cut")
    from fastw2v import FastW2V
    model = FastW2V([["a", "b"]] * 10, min_count=1, vector_size=4).train()
    model.save(tmp_path / "model")
    with pytest.raises(ValueError, match="not a fastw2v Phrases or FrozenPhrases file"):
        Phrases.load(tmp_path / "model")


def test_gensim_files_load_without_unpickling_gensim(texts, tmp_path):
    g = gensim_phrases.Phrases(texts, threshold=5, connector_words=E)
    g.save(str(tmp_path / "g.phrases"))
    g.freeze().save(str(tmp_path / "g.frozen"))
    loaded = Phrases.load(tmp_path / "g.phrases")
    assert type(loaded) is Phrases and loaded.vocab == g.vocab
    assert loaded.export_phrases() == g.export_phrases()
    frozen, gensim_frozen = FrozenPhrases.load(tmp_path / "g.frozen"), g.freeze()
    assert frozen.phrasegrams == gensim_frozen.phrasegrams
    assert [frozen[t] for t in texts[:20]] == [gensim_frozen[t] for t in texts[:20]]


def test_gensim_3_states_are_upgraded_as_gensim_does(texts, tmp_path):
    """gensim 3.x kept words as bytes, phrasegrams keyed by tuples of bytes with (count,
    score) values, connector words as common_terms, scoring as a string."""
    g = gensim_phrases.Phrases(texts[:100], threshold=5, connector_words=E)
    old = gensim_phrases.Phrases(texts[:1])
    vars(old).update(vocab={k.encode(): v for k, v in g.vocab.items()}, delimiter=b"_",
                     scoring="default", common_terms=frozenset(w.encode() for w in E),
                     threshold=5, corpus_word_count=g.corpus_word_count)
    del vars(old)["connector_words"]
    old.save(str(tmp_path / "old.phrases"))
    assert Phrases.load(tmp_path / "old.phrases").export_phrases() == g.export_phrases()
    frozen = g.freeze()
    old_frozen = gensim_phrases.FrozenPhrases(g)
    vars(old_frozen).update(phrasegrams={tuple(w.encode() for w in k.split("_")): (1, v)
                                         for k, v in frozen.phrasegrams.items()},
                            delimiter=b"_")
    old_frozen.save(str(tmp_path / "old.frozen"))
    assert FrozenPhrases.load(tmp_path / "old.frozen").phrasegrams == frozen.phrasegrams


def test_a_gensim_file_naming_other_code_is_refused(tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))
    g = gensim_phrases.FrozenPhrases(gensim_phrases.Phrases([["a", "b"]] * 10, min_count=1,
                                                            threshold=0.1))
    g.phrasegrams = {"a_b": Evil()}
    with open(tmp_path / "evil", "wb") as f:
        pickle.dump(g, f, protocol=4)
    with pytest.raises(ValueError, match="builtins.print"):
        FrozenPhrases.load(tmp_path / "evil")


def test_a_second_pass_gensim_frozen_model_matches_joined_words(texts):
    """Keys of a model learned on phrased text hold the delimiter inside words: gensim
    matches any words that join to a key, and so does a loaded FrozenPhrases."""
    bigram = gensim_phrases.Phrases(texts, threshold=5).freeze()
    phrased = list(bigram[texts])
    trigram = gensim_phrases.Phrases(phrased, threshold=5, min_count=2).freeze()
    assert any(k.count("_") >= 2 for k in trigram.phrasegrams)
    frozen = Phrases([["x"]]).freeze()
    frozen.threshold, frozen.min_count = trigram.threshold, trigram.min_count
    frozen.phrasegrams = trigram.phrasegrams
    assert [frozen[t] for t in phrased[:40]] == [trigram[t] for t in phrased[:40]]


# the compiled core

def reference_counts(texts, connector, across=False):
    unigrams, pairs, prev, run = {}, {}, None, ()
    for text in texts:
        if not across:
            prev, run = None, ()
        for w in text:
            if connector[w]:
                if prev is not None:
                    run += (w,)
                continue
            unigrams[w] = unigrams.get(w, 0) + 1
            if prev is not None:
                pairs[prev, run, w] = pairs.get((prev, run, w), 0) + 1
            prev, run = w, ()
    return unigrams, pairs


def stream(texts):
    ids = np.array([w for t in texts for w in t], dtype=np.int32)
    offsets = np.cumsum([0] + [len(t) for t in texts]).astype(np.int64)
    return ids, offsets


@pytest.mark.parametrize("across", [False, True])
def test_pair_counts_against_a_reference(across):
    rng = np.random.default_rng(3)
    texts = [rng.integers(0, 300, rng.integers(0, 40)).tolist() for _ in range(400)]
    connector = (rng.random(300) < 0.2).astype(np.uint8)
    counts = PairCounts(across_texts=across)
    for part in (texts[:150], texts[150:]):          # several calls: one stream
        counts.count(*stream(part), connector)
    unigrams, pairs = reference_counts(texts, connector, across)
    got = counts.unigram_counts(300)
    assert {i: int(c) for i, c in enumerate(got) if c} == unigrams
    runs = counts.runs
    a, run, b, count = counts.pairs()
    assert {(i, runs[r], j): c for i, r, j, c in zip(a.tolist(), run.tolist(), b.tolist(),
                                                     count.tolist())} == pairs
    assert counts.total_words == sum(map(len, texts))
    assert counts.n_entries == len(unigrams) + len(pairs)


def test_pair_counts_refuse_ids_out_of_range():
    counts = PairCounts()
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 3\).*from 0 to 5"):
        counts.count(np.array([0, 5], np.int32), np.array([0, 2], np.int64), np.zeros(3, np.uint8))
    with pytest.raises(ValueError, match="offsets must run from 0 to len"):
        counts.count(np.array([0, 1], np.int32), np.array([0, 3], np.int64), np.zeros(3, np.uint8))
    with pytest.raises(ValueError, match="offsets must not decrease"):
        counts.count(np.array([0, 1], np.int32), np.array([0, 2, 1, 2], np.int64),
                     np.zeros(3, np.uint8))


def test_word2phrase_pruning_drops_counts_up_to_min_reduce():
    """prune_first=2: word2phrase's ReduceVocab (drops counts <= min_reduce, from 1)."""
    counts = PairCounts(max_entries=3, prune_first=2)
    counts.count(*stream([[0, 1, 0, 1, 2]]), np.zeros(3, np.uint8))
    assert counts.unigram_counts(3).tolist() == [2, 2, 0]
    assert counts.pairs()[3].tolist() == [2]   # (0, 1) twice; (1, 0), (1, 2) once: dropped
    assert counts.min_reduce == 3


def test_phrase_table_refuses_a_phrase_twice():
    with pytest.raises(ValueError, match="appears twice"):
        PhraseTable(np.array([1, 1], np.int32), np.zeros(2, np.int32), np.array([2, 2], np.int32),
                    [()])


def test_render_writes_word2phrase_s_lines():
    arena = np.frombuffer(b"newyorkcity", np.uint8)
    starts = np.array([0, 3, 7, 11], np.int64)
    ids = np.array([0, 1, 2, 2], np.int32)
    join = np.array([0, 1, 0, 0], np.uint8)
    ends = np.array([3, 3, 4], np.int64)
    assert render(ids, ends, join, arena, starts, b"_", False) == b"new_york city\n\ncity\n"
    assert render(ids, ends, join, arena, starts, b"_", True, False) == \
        b" new_york city\n\n city"


def test_a_second_pass_is_consistent_where_gensim_s_is_not(texts):
    """gensim's export_phrases re-splits keys at every delimiter (gensim issues #3326,
    #3380), so its frozen trigram model disagrees with its own Phrases; fastw2v's frozen
    model phrases texts as gensim's (unfrozen) Phrases does."""
    phrased = list(Phrases(texts, threshold=5).freeze()[texts])
    g, f = gensim_phrases.Phrases(phrased, threshold=5), Phrases(phrased, threshold=5)
    unfrozen = [g[t] for t in phrased[:60]]
    assert [f[t] for t in phrased[:60]] == unfrozen
    assert list(f.freeze()[phrased[:60]]) == unfrozen
    assert list(g.freeze()[phrased[:60]]) != unfrozen       # gensim's own inconsistency
    assert "the_middle_ages" in f.export_phrases()         # a first-pass phrase + a word
    assert "the_middle_ages" not in g.export_phrases()     # scored as "the" + "ages"


def test_an_empty_token_is_kept():
    frozen = Phrases([["a", "b", "", "c"]] * 10, min_count=1, threshold=0.1).freeze()
    assert frozen[["x", "", "a", "b"]] == ["x", "", "a_b"]   # gensim: ["x", "a_b"]


def test_gensim_s_names_and_signatures():
    for ours, theirs in ((Phrases, gensim_phrases.Phrases),
                         (FrozenPhrases, gensim_phrases.FrozenPhrases)):
        for name in ("__init__", "save", "add_vocab", "export_phrases", "find_phrases",
                     "analyze_sentence", "score_candidate", "freeze"):
            if not hasattr(theirs, name):
                continue
            mine = list(inspect.signature(getattr(ours, name)).parameters.values())
            gensim = list(inspect.signature(getattr(theirs, name)).parameters.values())
            assert [p.name for p in mine[:len(gensim)]] == [p.name for p in gensim], name
            assert all(p.default == q.default for p, q in zip(mine, gensim)
                       if q.default is not q.empty), (ours.__name__, name)
    g = gensim_phrases.Phrases([["a", "b"]] * 6, min_count=1)
    f = Phrases([["a", "b"]] * 6, min_count=1)
    for mine, theirs in ((f, g), (f.freeze(), g.freeze())):
        assert {n for n in dir(theirs) if not n.startswith("_")} <= set(dir(mine))
