"""Training never crashes and never trains arrays that disagree (issue 11): divergence,
non-finite weights, sizes beyond the kernels' ints, concurrent calls, inconsistent parts,
failing worker threads, stale norm caches, and the vocabulary's error messages."""
import math
import signal
import threading
import warnings

import numpy as np
import pytest

import fastw2v._epochs as _epochs
import fastw2v._neighbours as neighbours_module
import fastw2v.word2vec as w2v
from fastw2v import Callback, FastW2V, KeyedVectors
from fastw2v._train import EpochRunner, _scratch_sizes, sigmoid

TEXTS = [[f"w{(i * 7 + j) % 60}" for j in range(30)] for i in range(200)]
BIG = [[f"w{(i * 7 + j) % 500}" for j in range(100)] for i in range(4000)]  # 40 chunks


def small(**kw):
    kw = dict(dict(min_count=1, vector_size=16, epochs=1, workers=1), **kw)
    return FastW2V(TEXTS, **kw)


def params(model, epochs=1):
    return dict(window=model.window, negative=model.negative, hs=model.hs,
                softmax=model.softmax, sg=model.sg, batched=model.batched,
                cbow_mean=model.cbow_mean, shrink_windows=model.shrink_windows,
                compute_loss=model.compute_loss, seed=model.seed, alpha=model.alpha,
                min_alpha=model.min_alpha, epochs=epochs)


# ----------------------------------------------------------------- defect 1: NaN, divergence

def test_sigmoid_of_nan_is_zero_not_an_index_outside_the_table():
    assert sigmoid(math.nan) == 0.0
    assert sigmoid(-math.inf) == 0.0 and sigmoid(math.inf) == 1.0
    assert sigmoid(0.0) == pytest.approx(0.5, abs=1e-6)


@pytest.mark.parametrize("kw", [dict(alpha=10), dict(alpha=1, sg=1), dict(alpha=1, sg=1, hs=1),
                                dict(alpha=10, hs=1, negative=0),
                                dict(alpha=10, softmax=1, hs=0, negative=0)])
def test_a_diverging_learning_rate_raises_after_the_epoch(kw):
    model = small(vector_size=100, epochs=5, **kw)  # (segfaulted in the sigmoid table)
    with pytest.raises(FloatingPointError, match=r"training diverged in epoch 1 \(alpha "
                       rf"{model.alpha:g} -> .*\): .* became NaN or infinite; lower alpha"):
        model.train()
    assert len(model.history) == 1


def test_the_loss_diverging_is_detected_too(monkeypatch):
    model = small(compute_loss=True).train()
    real = EpochRunner.tallies
    monkeypatch.setattr(w2v, "EpochRunner", _Recording)
    _Recording.tallies_override = lambda self: dict(real(self), loss=math.inf)
    with pytest.raises(FloatingPointError, match=r"epoch 1 .*: the loss became NaN"):
        model.train()


class _Recording:
    """Wraps EpochRunner (a cdef class) to keep the runners train() creates."""
    made = []
    tallies_override = None

    def __init__(self, *args, **kwargs):
        self._runner = EpochRunner(*args, **kwargs)
        _Recording.made.append(self._runner)

    def __getattr__(self, name):
        return getattr(self._runner, name)

    def tallies(self):
        if _Recording.tallies_override is not None:
            return _Recording.tallies_override(self._runner)
        return self._runner.tallies()


@pytest.fixture(autouse=True)
def _reset_recording():
    _Recording.made, _Recording.tallies_override = [], None


@pytest.mark.parametrize("layer", ["wv.vectors", "w_ns"])
def test_non_finite_weights_before_training_are_refused(layer):
    model = small().train()
    array = model.wv.vectors if layer == "wv.vectors" else model._outputs[layer]
    array[3, 1] = np.nan
    word = r" \(word 'w\d+'\)" if layer == "wv.vectors" else ""
    with pytest.raises(ValueError, match=rf"{layer} holds NaN or infinite values before "
                       rf"training, in 1 of its 60 rows, the first row 3{word}: training "
                       rf"would spread them"):
        model.train()
    array[3, 1], array[4, 2], array[5, 0] = np.inf, -np.inf, 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the check warns of nothing (its sum is inf - inf)
        with pytest.raises(ValueError, match=rf"{layer} holds NaN or infinite values before "
                           rf"training, in 2 of its 60 rows, the first row 3{word}"):
            model.train()


# ----------------------------------------------------------------- defect 2: sizes

@pytest.mark.parametrize("sg", [0, 1])
def test_a_window_wider_than_the_texts_is_the_same_model(sg):
    texts = [["a", "b", "c"], ["b", "c", "d", "a"], ["d", "a"]] * 20
    kw = dict(min_count=1, vector_size=8, sg=sg, shrink_windows=False, workers=1, epochs=2)
    narrow = FastW2V(texts, window=3, **kw).train()
    wide = FastW2V(texts, window=2**31 - 1, **kw).train()
    assert np.array_equal(narrow.wv.vectors, wide.wv.vectors)


def test_the_scratch_is_sized_by_the_longest_text_not_the_window():
    dim, n_ctx, n_out, n_scores, floats, ints = _scratch_sizes(100, 10**6, 3, 5, 0, 0)
    assert (n_ctx, n_out, n_scores) == (3, 6, 18)
    assert floats < 10**4 and ints == 3 + 12 + 5  # text, out_rows + out_count, noise_ahead
    with pytest.raises(ValueError, match=r"score block of 2000000 context words by "
                       r"1073741825 output rows exceeds the kernels' limit"):
        _scratch_sizes(100, 10**6, 10**7, 2**30, 0, 0)


def test_seed_at_the_top_of_its_range_trains():
    small(seed=2**64 - 1).train()


# ----------------------------------------------------------------- defect 3: guard, inputs

def test_train_and_build_vocab_while_training_raise():
    entered, release = threading.Event(), threading.Event()

    class Hold(Callback):
        def on_epoch_begin(self, model):
            entered.set()
            release.wait(30)

    model = small()
    worker = threading.Thread(target=model.train, kwargs=dict(callbacks=[Hold()]))
    worker.start()
    try:
        assert entered.wait(30)
        with pytest.raises(RuntimeError, match=r"train\(\) called while this model is "
                           r"training or building its vocabulary"):
            model.train()
        with pytest.raises(RuntimeError, match=r"build_vocab\(\) called while"):
            model.build_vocab()
        with pytest.raises(RuntimeError, match=r"build_vocab_from_freq\(\) called while"):
            model.build_vocab_from_freq({"w1": 3})
    finally:
        release.set()
        worker.join(30)
    assert len(model.history) == 1
    model.train()  # free again
    assert len(model.history) == 2


def test_train_from_a_callback_raises():
    class Nested(Callback):
        def on_epoch_end(self, model):
            model.train()

    model = small()
    with pytest.raises(RuntimeError, match=r"from a callback of train\(\)"):
        model.train(callbacks=[Nested()])


def test_a_corpus_of_another_vocabulary_is_refused():
    big = small().build_vocab()
    little = FastW2V([["w1", "w2"]] * 5, min_count=1).build_vocab()
    little.corpus = big.corpus
    with pytest.raises(ValueError, match=r"the corpus holds word ids 0\.\.59, but the "
                       r"vocabulary has 2 words \(ids 0\.\.1\): it was encoded with another"):
        little.train()
    assert big.corpus.id_range == (0, 59)
    assert "_id_range" in big.corpus.__dict__  # computed once per corpus


@pytest.mark.parametrize("name, shape", [("w_in", (59, 16)), ("w_ns", (61, 16)),
                                         ("w_hs", (3, 16)), ("w_sm", (60, 16))])
def test_the_runner_refuses_arrays_that_disagree_with_the_vocabulary(name, shape):
    model = small().build_vocab()
    arrays = dict(w_in=model.wv.vectors, **model._outputs)
    arrays[name] = np.zeros(shape, np.float32)
    with pytest.raises(ValueError, match=rf"{name} has shape \({shape[0]}, 16\), expected "
                       r"\(\d+, 16\) for a vocabulary of \d+ entries"):
        EpochRunner(**arrays, vocab=model.vocab, corpus=model.corpus, params=params(model),
                    workers=1)


def test_the_runner_refuses_vocabulary_tables_that_disagree():
    model = small(hs=1).build_vocab()
    model.vocab.alias_index = model.vocab.alias_index.copy()
    model.vocab.alias_index[5] = 60
    with pytest.raises(ValueError, match=r"vocab.alias_index holds words outside 0\.\.59"):
        model.train()
    model = small(hs=1).build_vocab()
    model.vocab.points = model.vocab.points.copy()
    model.vocab.points[0] = 59
    with pytest.raises(ValueError, match=r"vocab.points holds inner nodes outside 0\.\.58"):
        model.train()


# ----------------------------------------------------------------- defects 4, 5: threads

def _claimed_words(runner, corpus):
    chunk_words = np.diff(np.append(corpus.chunk_words_before, corpus.total_words))
    assert set(np.unique(runner.claims)) <= {0, 1}
    return int(chunk_words[runner.claims == 1].sum())


@pytest.mark.parametrize("failing", [1, 2])
def test_a_thread_that_fails_to_start_stops_the_others(monkeypatch, failing):
    model = FastW2V(BIG, min_count=1, vector_size=16, epochs=1, workers=3).build_vocab()
    monkeypatch.setattr(w2v, "EpochRunner", _Recording)
    real_start, calls = threading.Thread.start, []

    def start(thread):
        calls.append(thread.name)
        if thread.name == f"fastw2v-{failing}":
            raise RuntimeError("can't start new thread")
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    with pytest.raises(RuntimeError, match="can't start new thread"):
        model.train()
    monkeypatch.undo()
    runner = _Recording.made[-1]
    assert calls == [f"fastw2v-{i}" for i in range(failing + 1)]
    assert runner.running == 0  # no thread trains after train() returned
    record = model.history[-1]
    assert record["interrupted"] is True
    assert record["words"] == _claimed_words(runner, model.corpus) == runner.words_done
    model.train()
    assert model.history[-1]["words"] == model.corpus.total_words


def test_an_error_in_the_wait_stops_the_threads(monkeypatch):
    model = FastW2V(BIG, min_count=1, vector_size=16, epochs=1, workers=2).build_vocab()
    monkeypatch.setattr(w2v, "EpochRunner", _Recording)

    real_wait, failed = threading.Event.wait, []

    def wait(event, timeout=None):  # the first wait for a worker, all of them started
        if timeout == 0.2 and not failed:
            failed.append(event)
            raise MemoryError("while waiting")
        return real_wait(event, timeout)

    monkeypatch.setattr(threading.Event, "wait", wait)
    with pytest.raises(MemoryError, match="while waiting"):
        model.train()
    monkeypatch.undo()
    assert failed
    runner = _Recording.made[-1]
    assert runner.running == 0
    assert model.history[-1]["words"] == _claimed_words(runner, model.corpus)


def test_ctrl_c_repeated_during_an_epoch_stops_once_and_records_it(monkeypatch):
    """Further Ctrl-C while the threads finish only stop them again: the epoch is recorded
    with exactly the words trained before KeyboardInterrupt is raised."""
    model = FastW2V(BIG, min_count=1, vector_size=16, epochs=3, workers=2).build_vocab()

    def progress(bar, runner, *args):  # called by the main thread while the threads run
        for _ in range(3):
            signal.raise_signal(signal.SIGINT)
        return 0

    monkeypatch.setattr(w2v, "EpochRunner", _Recording)
    monkeypatch.setattr(_epochs, "_show_progress", progress)
    with pytest.raises(KeyboardInterrupt):
        model.train()
    monkeypatch.undo()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert len(_Recording.made) == len(model.history) == 1
    runner, record = _Recording.made[0], model.history[0]
    assert runner.running == 0 and record["interrupted"] is True
    assert record["words"] == _claimed_words(runner, model.corpus) == runner.words_done


# ----------------------------------------------------------------- defect 8: parts disagree

def test_added_keys_are_refused_by_train_and_save(tmp_path):
    model = small().train()
    model.wv.add_vectors(["new"], np.ones((1, 16), np.float32))
    message = (r"model.wv holds 61 keys, not the 60 words of the model's vocabulary \(keys "
               r"added to model.wv by add_vectors")
    with pytest.raises(ValueError, match=message):
        model.train()
    with pytest.raises(ValueError, match=message):
        model.save(tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_vectors_assigned_in_a_callback_are_the_ones_trained():
    class Replace(Callback):
        def on_epoch_end(self, model):
            if len(model.history) == 1:
                model.wv.vectors = model.wv.vectors.copy()
                self.replaced, self.before = model.wv.vectors, model.wv.vectors.copy()

    replace = Replace()
    model = small(epochs=2).train(callbacks=[replace])
    assert model.wv.vectors is replace.replaced
    assert not np.array_equal(replace.replaced, replace.before)  # epoch 2 trained it


def test_vectors_of_another_dtype_are_refused(tmp_path):
    model = small().train()
    model.wv.vectors = model.wv.vectors.astype(np.float64)
    with pytest.raises(ValueError, match=r"wv.vectors must be a C-contiguous float32 array "
                       r"of shape \(60, 16\) to train and save this model, got float64"):
        model.train()
    model.wv.vectors = np.asfortranarray(model.wv.vectors, dtype=np.float32)
    with pytest.raises(ValueError, match=r"got float32 \(60, 16\) \(not C-contiguous\)"):
        model.save(tmp_path / "m")


def test_an_output_layer_of_the_wrong_shape_is_refused():
    model = small().train()
    model._outputs["w_ns"] = np.zeros((5, 16), np.float32)
    with pytest.raises(ValueError, match=r"w_ns must be a C-contiguous float32 array of "
                       r"shape \(60, 16\) .* got float32 \(5, 16\)"):
        model.train()


# ----------------------------------------------------------------- defect 10: norm cache

def test_norms_computed_while_the_vectors_change_are_not_cached(monkeypatch):
    kv = KeyedVectors(np.arange(12, dtype=np.float32).reshape(4, 3) + 1, list("abcd"))
    real = neighbours_module._unit_rows_and_norms

    def changing_meanwhile(vectors):
        normed_and_norms = real(vectors)
        kv.vectors[0] = [0.0, 0.0, 5.0]  # training updates a row...
        kv._clear_norms()                # ...and says so, while the norms are computed
        return normed_and_norms

    monkeypatch.setattr(neighbours_module, "_unit_rows_and_norms", changing_meanwhile)
    stale = kv.get_normed_vectors()
    assert stale[0, 2] != 1.0
    monkeypatch.undo()
    np.testing.assert_allclose(kv.get_normed_vectors()[0], [0.0, 0.0, 1.0])
    assert kv.get_normed_vectors() is kv.get_normed_vectors()  # cached now
    kv.fill_norms(force=True)
    np.testing.assert_allclose(kv.get_normed_vectors()[1], np.array([4, 5, 6]) / np.sqrt(77))


# ----------------------------------------------------------------- 15: vocabulary messages

def test_max_vocab_size_pruning_everything_says_so():
    with pytest.raises(ValueError, match=r"max_vocab_size=1 pruned every word of the corpus "
                       r"while it was scanned .*: raise max_vocab_size or leave it None"):
        small(max_vocab_size=1).build_vocab()


@pytest.mark.parametrize("second", ["build_vocab", "build_vocab_from_freq"])
def test_a_second_build_vocab_says_it_is_built(second):
    model = small().build_vocab()
    args = ({"w1": 5},) if second == "build_vocab_from_freq" else ()
    with pytest.raises(ValueError, match=r"the vocabulary is built already \(build_vocab "
                       r"reads the corpus once\): call train\(\)"):
        getattr(model, second)(*args)
