"""fastw2v.Word2Vec against gensim's Word2Vec running the same code, and FastW2V.load's
mmap."""
import inspect

import numpy as np
import pytest
from conftest import cyclic_texts, four_word_texts, write_corpus, zipf_texts

from fastw2v import Callback, FastW2V, Word2Vec


@pytest.fixture
def saved_model(tmp_path):
    model = FastW2V(four_word_texts(), min_count=1, hs=1, negative=5, epochs=1, workers=1,
                    vector_size=8).train()
    path = tmp_path / "w.model"
    model.save(path)
    return model, path


def test_load_mmap_r_maps_the_file_read_only(saved_model):
    model, path = saved_model
    loaded = FastW2V.load(path, mmap="r")
    for name, array in [("vectors", loaded.wv.vectors), *loaded._outputs.items()]:
        original = model.wv.vectors if name == "vectors" else model._outputs[name]
        np.testing.assert_array_equal(array, original)
        assert array.size == 0 or (not array.flags.writeable and not array.flags.owndata), name
    assert loaded.wv.most_similar("alpha", topn=1) == model.wv.most_similar("alpha", topn=1)
    with pytest.raises(ValueError, match=r"wv.vectors is read-only \(a model loaded with "
                       r"mmap='r'\), and training writes it: load with mmap='c'"):
        loaded.train(four_word_texts())


def test_load_mmap_c_trains_in_memory_and_leaves_the_file(saved_model):
    model, path = saved_model
    loaded = FastW2V.load(path, mmap="c")
    loaded.train(four_word_texts())
    assert not np.array_equal(loaded.wv.vectors, model.wv.vectors)
    np.testing.assert_array_equal(FastW2V.load(path).wv.vectors, model.wv.vectors)


def test_load_mmap_r_plus_writes_through(saved_model):
    model, path = saved_model
    loaded = FastW2V.load(path, mmap="r+")
    loaded.wv.vectors[0] = 7.0
    del loaded
    assert (FastW2V.load(path).wv.vectors[0] == 7.0).all()


def test_load_refuses_an_unknown_mmap_mode(saved_model):
    with pytest.raises(ValueError, match=r"mmap must be one of None, 'r', 'r\+', 'c', got 'x'"):
        FastW2V.load(saved_model[1], mmap="x")


# ---------------------------------------------------------------- fastw2v.Word2Vec vs gensim

def gensim_word2vec():
    return pytest.importorskip("gensim.models").Word2Vec


def common_texts():
    return pytest.importorskip("gensim.test.utils").common_texts


def test_constructor_and_methods_have_gensims_signatures():
    gensim_cls = gensim_word2vec()
    assert inspect.signature(Word2Vec) == inspect.signature(gensim_cls)
    for name in ("build_vocab", "build_vocab_from_freq", "train", "predict_output_word",
                 "score", "reset_from", "estimate_memory", "get_latest_training_loss"):
        ours = inspect.signature(getattr(Word2Vec, name)).parameters
        theirs = {k: p for k, p in inspect.signature(getattr(gensim_cls, name)).parameters.items()
                  if p.kind is not inspect.Parameter.VAR_KEYWORD}
        assert [(p.name, p.default) for p in ours.values()] == \
               [(p.name, p.default) for p in theirs.values()], name


def test_gensims_tutorial_lines_run_and_give_what_gensim_gives(tmp_path):
    texts = common_texts()
    results = []
    for cls in (Word2Vec, gensim_word2vec()):
        model = cls(sentences=texts, vector_size=100, window=5, min_count=1, workers=4)
        path = str(tmp_path / f"{cls.__module__}.model")
        model.save(path)
        loaded = cls.load(path)
        assert type(loaded) is cls
        np.testing.assert_array_equal(loaded.wv["computer"], model.wv["computer"])
        similar = model.wv.most_similar("computer", topn=10)
        results.append(dict(
            words=sorted(model.wv.index_to_key), shape=model.wv["computer"].shape,
            similar=(len(similar), {w for w, _ in similar} <= set(model.wv.index_to_key)),
            counts=(model.corpus_count, model.corpus_total_words), epochs=model.epochs,
            unknown=loaded.train([["hello", "world"]], total_examples=1, epochs=1),
            events=[e["event"] for e in model.lifecycle_events if e["event"] != "prepare_vocab"],
            str=str(model).split("<")[1]))
    assert results[0] == results[1]
    assert results[0]["unknown"] == (0, 2)


def test_train_returns_gensims_word_counts():
    texts = zipf_texts(n_texts=60, vocab=80)
    counts = []
    for cls in (Word2Vec, gensim_word2vec()):
        model = cls(min_count=3, sample=0, workers=1, vector_size=10)
        model.build_vocab(texts)
        counts.append((model.corpus_count, model.corpus_total_words,
                       model.train(texts, total_examples=model.corpus_count, epochs=2),
                       model.train(texts[:20], total_examples=20, epochs=3), model.epochs,
                       model.train_count))
    assert counts[0] == counts[1]
    ours = Word2Vec(texts, min_count=3, sample=0, workers=1, vector_size=10)
    assert ours.train_count == 1 and ours.total_train_time > 0


def test_train_sets_the_learning_rate_epochs_and_compute_loss_as_gensim():
    model = Word2Vec(cyclic_texts(), min_count=1, workers=1, vector_size=8, compute_loss=True)
    assert model.get_latest_training_loss() > 0
    model.train(cyclic_texts(), total_examples=200, epochs=2, start_alpha=0.01,
                end_alpha=0.005)
    assert (model.alpha, model.min_alpha, model.epochs, model.compute_loss) == \
           (0.01, 0.005, 2, 0)
    assert [a for r in model.history[-2:] for a in (r["alpha_start"], r["alpha_end"])] == \
           pytest.approx([0.01, 0.0075, 0.0075, 0.005])
    assert model.get_latest_training_loss() == 0.0


def test_the_loss_restarts_at_each_train_call_and_callbacks_see_it_grow():
    seen = []

    class Record(Callback):
        def on_epoch_end(self, model):
            seen.append(model.get_latest_training_loss())

    model = Word2Vec(cyclic_texts(), min_count=1, workers=1, vector_size=8, epochs=3,
                     compute_loss=True, callbacks=[Record()])
    first = [r["loss"] for r in model.history]
    model.train(cyclic_texts(), total_examples=200, epochs=2, compute_loss=True,
                callbacks=[Record()])
    second = [r["loss"] for r in model.history[3:]]
    assert seen == pytest.approx(list(np.cumsum(first)) + list(np.cumsum(second)))
    assert model.running_training_loss == pytest.approx(sum(second))


def test_hashfxn_and_batch_words_change_nothing():
    texts = zipf_texts(n_texts=50)
    plain = Word2Vec(texts, min_count=1, workers=1, vector_size=8)
    other = Word2Vec(texts, min_count=1, workers=1, vector_size=8, hashfxn=lambda w: 0,
                     batch_words=7)
    np.testing.assert_array_equal(plain.wv.vectors, other.wv.vectors)
    assert (other.batch_words, other.hashfxn("x")) == (7, 0)


def test_a_generator_trains_at_once_and_corpus_file_too(tmp_path):
    texts = zipf_texts(n_texts=50)
    path = write_corpus(tmp_path / "c.txt.gz", texts)
    from_file = Word2Vec(corpus_file=path, min_count=1, workers=1, vector_size=8)
    from_generator = Word2Vec((t for t in texts), min_count=1, workers=1, vector_size=8)
    np.testing.assert_array_equal(from_file.wv.vectors, from_generator.wv.vectors)
    assert from_file.corpus_total_words == from_generator.corpus_total_words \
        == sum(map(len, texts))
    assert from_file.train(corpus_file=path, epochs=1)[1] == sum(map(len, texts))


def copy_into_gensim(model, texts, **settings):
    """A gensim Word2Vec of the same vocabulary holding ``model``'s weights (and, for hs,
    its Huffman paths), row by row through the words."""
    gensim = gensim_word2vec()(min_count=1, vector_size=model.vector_size, workers=1,
                               window=model.window, sg=model.sg, cbow_mean=model.cbow_mean,
                               **settings)
    gensim.build_vocab(texts)
    rows = [model.wv.key_to_index[w] for w in gensim.wv.index_to_key]
    gensim.wv.vectors[:] = model.wv.vectors[rows]
    if model.negative:
        gensim.syn1neg[:] = model.syn1neg[rows]
    if model.hs:
        gensim.syn1[:len(model.syn1)] = model.syn1
        vocab = model.vocab
        for g, w in enumerate(rows):
            path = slice(vocab.path_offsets[w], vocab.path_offsets[w + 1])
            gensim.wv.expandos["code"][g] = vocab.codes[path].astype(np.uint8)
            gensim.wv.expandos["point"][g] = vocab.points[path].astype(np.uint32)
    return gensim


@pytest.mark.parametrize("cbow_mean", [0, 1])
def test_predict_output_word_agrees_with_gensim_on_the_same_weights(cbow_mean):
    texts = zipf_texts(n_texts=100, vocab=60)
    model = Word2Vec(texts, min_count=1, workers=1, vector_size=16, cbow_mean=cbow_mean)
    gensim = copy_into_gensim(model, texts, negative=5)
    for context in (["w1", "w2"], ["w3", "nope", 5], ["w7"]):
        ours, theirs = model.predict_output_word(context, topn=8), \
            gensim.predict_output_word(context, topn=8)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([p for _, p in ours], [p for _, p in theirs], rtol=1e-5)
    assert model.predict_output_word(["nope"]) is None


@pytest.mark.parametrize("sg", [0, 1])
def test_score_agrees_with_gensim_on_the_same_weights(sg):
    texts = zipf_texts(n_texts=100, vocab=60)
    model = Word2Vec(texts, min_count=1, workers=1, vector_size=16, sg=sg, hs=1, negative=0,
                     window=3)
    gensim = copy_into_gensim(model, texts, hs=1, negative=0)
    queries = texts[:30] + [["w1", "unknown", "w2"], ["w3"], []]
    ours = model.score(queries, total_sentences=len(queries))
    theirs = gensim.score(queries, total_sentences=len(queries))
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)
    assert list(np.argsort(ours, kind="stable")) == list(np.argsort(theirs, kind="stable"))
    assert len(model.score(queries, total_sentences=4)) == 4


def test_predict_and_score_refuse_the_layer_they_lack():
    ns = Word2Vec(cyclic_texts(), min_count=1, workers=1, vector_size=8)
    with pytest.raises(RuntimeError, match=r"score needs hierarchical softmax .*hs=0"):
        ns.score([["w1"]])
    hs = Word2Vec(cyclic_texts(), min_count=1, workers=1, vector_size=8, hs=1, negative=0)
    with pytest.raises(RuntimeError, match=r"predict_output_word needs negative sampling"):
        hs.predict_output_word(["w1"])
    with pytest.raises(AttributeError, match=r"Word2Vec has no syn1neg: negative=0"):
        hs.syn1neg
    with pytest.raises(AttributeError, match=r"Word2Vec has no syn1 before build_vocab"):
        Word2Vec().syn1


def test_output_layers_are_assignable_as_in_gensim():
    model = Word2Vec(cyclic_texts(), min_count=1, workers=1, vector_size=8, hs=1)
    model.syn1neg = np.zeros_like(model.syn1neg)
    model.syn1 = np.ones_like(model.syn1)
    assert not model.syn1neg.any() and (model._outputs["w_hs"] == 1).all()
    model.syn1neg = np.zeros((3, 8), dtype=np.float32)
    with pytest.raises(ValueError, match=r"w_ns must be a C-contiguous float32 array of shape"):
        model.train(cyclic_texts(), epochs=1)


def test_lifecycle_events_hold_gensims_keys():
    model = Word2Vec(cyclic_texts(), min_count=1, workers=1, vector_size=8, comment="hi")
    assert [e["event"] for e in model.lifecycle_events] == \
           ["build_vocab", "train", "train", "created"]
    for event in model.lifecycle_events:
        assert {"datetime", "python", "platform", "event"} <= event.keys()
    assert model.lifecycle_events[1]["msg"].startswith("training model with 1 workers on 40 ")
    assert model.lifecycle_events[3]["params"] == "Word2Vec<vocab=40, vector_size=8, alpha=0.025>"
    assert model.comment == "hi"


def test_estimate_memory_has_gensims_keys_and_the_real_array_sizes():
    texts = cyclic_texts()
    model = Word2Vec(texts, min_count=1, workers=1, vector_size=8, hs=1)
    gensim = gensim_word2vec()(texts, min_count=1, workers=1, vector_size=8, hs=1)
    ours, theirs = model.estimate_memory(), gensim.estimate_memory()
    assert ours.keys() == theirs.keys()
    assert ours["vectors"] == model.wv.vectors.nbytes == theirs["vectors"]
    assert (ours["syn1neg"], ours["syn1"]) == (model.syn1neg.nbytes, model.syn1.nbytes)
    assert ours["total"] == sum(v for k, v in ours.items() if k != "total")
    assert model.estimate_memory(vocab_size=1000)["vectors"] == 1000 * 8 * 4


def test_reset_from_takes_the_vocabulary_and_new_weights():
    texts = cyclic_texts()
    trained = Word2Vec(texts, min_count=1, workers=1, vector_size=8)
    fresh = Word2Vec(min_count=1, workers=1, vector_size=8, seed=3)
    fresh.reset_from(trained)
    assert fresh.wv.index_to_key == trained.wv.index_to_key
    assert fresh.corpus_count == trained.corpus_count == 200
    assert not np.array_equal(fresh.wv.vectors, trained.wv.vectors)
    assert fresh.train(texts, total_examples=200, epochs=1)[1] == 200 * 30


def test_word2vec_load_maps_the_file(tmp_path):
    model = Word2Vec(cyclic_texts(), min_count=1, workers=1, vector_size=8)
    model.save(str(tmp_path / "w.model"))
    loaded = Word2Vec.load(str(tmp_path / "w.model"), mmap="r")
    assert type(loaded) is Word2Vec and not loaded.wv.vectors.flags.writeable
    assert [(e["event"], e["fname"]) for e in loaded.lifecycle_events] == \
           [("loaded", str(tmp_path / "w.model"))]
    np.testing.assert_array_equal(loaded.wv.vectors, model.wv.vectors)


def test_build_vocab_from_freq_then_train_on_a_corpus_as_gensim():
    texts = zipf_texts(n_texts=40, vocab=50)
    freq = {f"w{i}": 50 - i for i in range(0, 50, 2)}  # the even words only
    results = []
    for cls in (Word2Vec, gensim_word2vec()):
        model = cls(min_count=1, sample=0, workers=1, vector_size=8)
        model.build_vocab_from_freq(freq, corpus_count=7)
        results.append((model.wv.index_to_key, model.corpus_count,
                        model.train(texts, total_examples=40, epochs=2)))
    assert results[0] == results[1]


def test_build_vocab_again_starts_over_as_gensim():
    model = Word2Vec(min_count=1, workers=1, vector_size=8)
    model.build_vocab([["a", "b"]])
    model.build_vocab([["c", "d", "d"]])
    assert model.wv.index_to_key == ["d", "c"]
    assert (model.corpus_count, model.corpus_total_words) == (1, 3)
    assert model.train([["c", "d", "d"]], total_examples=1, epochs=1)[1] == 3


def test_train_before_build_vocab_raises_gensims_runtime_error():
    with pytest.raises(RuntimeError, match=r"you must first build vocabulary before training "
                                           r"the model: call build_vocab\(corpus\)"):
        Word2Vec(min_count=1).train([["a"]], total_examples=1, epochs=1)


def test_train_on_the_corpus_build_vocab_read_does_not_read_it_again(tmp_path):
    texts = zipf_texts(n_texts=50)
    path = write_corpus(tmp_path / "c.txt", texts)
    model = Word2Vec(min_count=1, workers=1, vector_size=8, sample=0)
    model.build_vocab(corpus_file=[path])
    path.unlink()  # only the encoded text is left
    words = sum(map(len, texts))
    assert model.train(corpus_file=[path], total_words=words, epochs=2) == (2 * words,
                                                                            2 * words)
    generator = (t for t in texts)
    model.build_vocab(generator)
    assert model.train(generator, total_examples=50, epochs=1) == (words, words)


def test_train_names_a_bad_corpus_file(tmp_path):
    model = Word2Vec(corpus_file=write_corpus(tmp_path / "c.txt", cyclic_texts()), min_count=1,
                     workers=1, vector_size=8)
    with pytest.raises(TypeError, match=r"corpus_file\[0\] must be a path"):
        model.train(corpus_file=[3], epochs=1)


def test_the_train_event_says_what_gensims_says():
    texts = cyclic_texts()
    messages = []
    for cls in (Word2Vec, gensim_word2vec()):
        model = cls(texts, min_count=1, workers=1, vector_size=8, sg=1, hs=1, window=3)
        messages.append([e["msg"] for e in model.lifecycle_events if e["event"] == "train"][0])
    assert messages[0] == messages[1]


GENSIM_TUTORIAL = """
from gensim.test.utils import common_texts
from gensim.models import Phrases
{imports}

model = Word2Vec(sentences=common_texts, vector_size=100, window=5, min_count=1, workers=4)
model.save("word2vec.model")
model = Word2Vec.load("word2vec.model")
trained = model.train([["hello", "world"]], total_examples=1, epochs=1)
vector = model.wv['computer']
sims = model.wv.most_similar('computer', topn=10)
word_vectors = model.wv
word_vectors.save("word2vec.wordvectors")
wv = KeyedVectors.load("word2vec.wordvectors", mmap='r')
vector = wv['computer']
bigram_transformer = Phrases(common_texts)
model = Word2Vec(bigram_transformer[common_texts], min_count=1)
sentences = [["cat", "say", "meow"], ["dog", "say", "woof"]]
model = Word2Vec(min_count=1, sample=0)
model.build_vocab(sentences)
counts = model.train(sentences, total_examples=model.corpus_count, epochs=model.epochs)
"""


def test_gensims_module_tutorial_runs_with_the_import_changed(tmp_path, monkeypatch):
    pytest.importorskip("gensim")
    monkeypatch.chdir(tmp_path)
    results = []
    for imports in ("from gensim.models import Word2Vec, KeyedVectors",
                    "from fastw2v import Word2Vec, KeyedVectors"):
        scope = {}
        exec(GENSIM_TUTORIAL.format(imports=imports), scope)
        results.append((scope["trained"], scope["vector"].shape, len(scope["sims"]),
                        scope["counts"], sorted(scope["model"].wv.index_to_key)))
    assert results[0] == results[1]
    assert results[1][3] == (30, 30)


def _drop_w1(word, count, min_count):
    from fastw2v import RULE_DEFAULT, RULE_DISCARD
    return RULE_DISCARD if word == "w1" else RULE_DEFAULT


@pytest.mark.parametrize("settings", [
    dict(min_count=0), dict(max_final_vocab=30), dict(null_word=1), dict(sorted_vocab=0),
    dict(max_vocab_size=60), dict(trim_rule=_drop_w1)], ids=lambda s: next(iter(s)))
def test_the_vocabulary_settings_give_gensims_vocabulary(settings):
    texts = zipf_texts(n_texts=80, vocab=120, seed=5, a=1.3)
    models = [cls(texts, vector_size=8, workers=1, epochs=1, **dict(dict(min_count=2),
                                                                    **settings))
              for cls in (Word2Vec, gensim_word2vec())]
    ours, theirs = models
    assert ours.wv.index_to_key == theirs.wv.index_to_key
    assert [ours.wv.get_vecattr(w, "count") for w in ours.wv.index_to_key] == \
        [theirs.wv.get_vecattr(w, "count") for w in theirs.wv.index_to_key]
    assert (ours.corpus_count, ours.corpus_total_words, ours.effective_min_count) == \
        (theirs.corpus_count, theirs.corpus_total_words, theirs.effective_min_count)


def test_an_online_update_then_train_as_gensim():
    old, new = zipf_texts(n_texts=60, vocab=50, seed=1), zipf_texts(n_texts=60, vocab=90, seed=2)
    results = []
    for cls in (Word2Vec, gensim_word2vec()):
        model = cls(old, min_count=2, vector_size=8, workers=1, sample=0)
        before = model.wv.vectors.copy()
        model.build_vocab(new, update=True)
        np.testing.assert_array_equal(model.wv.vectors[:len(before)], before)
        trained = model.train(new, total_examples=model.corpus_count, epochs=model.epochs)
        results.append((model.wv.index_to_key, trained, model.corpus_count))
    assert results[0] == results[1]


def test_gensims_own_callback_class_works_as_it_is():
    callbacks = pytest.importorskip("gensim.models.callbacks")

    class EpochLogger(callbacks.CallbackAny2Vec):
        def __init__(self):
            self.seen = []

        def on_epoch_end(self, model):
            self.seen.append((model.epochs, model.get_latest_training_loss()))

    logger = EpochLogger()
    Word2Vec(four_word_texts(), min_count=1, epochs=3, sample=0, compute_loss=True,
             callbacks=[logger])
    assert [epochs for epochs, _ in logger.seen] == [3, 3, 3]
    losses = [loss for _, loss in logger.seen]
    assert 0 < losses[0] < losses[1] < losses[2]  # the running loss of this train() call


def test_locked_vectors_stay_put_through_word2vec():
    model = Word2Vec(min_count=1, vector_size=8, workers=1)
    model.build_vocab(four_word_texts())
    model.wv.vectors_lockf = np.ones(len(model.wv), dtype=np.float32)
    model.wv.vectors_lockf[model.wv.key_to_index["beta"]] = 0.0
    before = model.wv.vectors.copy()
    model.train(four_word_texts(), total_examples=model.corpus_count, epochs=2)
    beta = model.wv.key_to_index["beta"]
    np.testing.assert_array_equal(model.wv.vectors[beta], before[beta])
    assert (np.delete(model.wv.vectors, beta, 0) != np.delete(before, beta, 0)).all(axis=1).all()


@pytest.mark.parametrize("mode", ["sg-ns", "cbow-hs"])
def test_word2vec_trains_the_model_fastw2v_trains(mode):
    """Word2Vec is FastW2V with gensim's surface: the same settings give the same weights
    bit for bit, so bench/compare.py's fastw2v numbers (speed, analogies, WordSim-353) are
    Word2Vec's."""
    from fastw2v._layers import MODES
    texts = zipf_texts(n_texts=80, vocab=100, seed=7)
    settings = dict(MODES[mode], min_count=2, vector_size=12, workers=1, epochs=2, seed=5)
    ours = Word2Vec(texts, **settings)
    reference = FastW2V(texts, **settings).train()
    np.testing.assert_array_equal(ours.wv.vectors, reference.wv.vectors)
    for name, array in reference._outputs.items():
        np.testing.assert_array_equal(ours._outputs[name], array)
