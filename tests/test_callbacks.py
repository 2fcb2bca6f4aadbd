"""Callbacks: the hooks and their order, stopping early, Checkpoint and Evaluate."""
import numpy as np
import pytest
from conftest import cyclic_texts, small_model

from fastw2v import Callback, Checkpoint, Evaluate, FastW2V

TEXTS = cyclic_texts()


def model(epochs=3):
    return small_model(TEXTS, epochs=epochs)


class Recorder(Callback):
    def __init__(self, stop_after=None, stop_in=None):
        self.calls, self.stop_after, self.stop_in = [], stop_after, stop_in

    def hook(self, name, m):
        self.calls.append((name, len(m.history)))
        if name == self.stop_in or (name == "epoch_end" and len(m.history) == self.stop_after):
            m.stop_training = True

    def on_train_begin(self, m):
        self.hook("train_begin", m)

    def on_epoch_begin(self, m):
        self.hook("epoch_begin", m)

    def on_epoch_end(self, m):
        self.hook("epoch_end", m)

    def on_train_end(self, m):
        self.hook("train_end", m)


def test_hooks_are_called_in_order_with_the_model():
    rec = Recorder()
    model(epochs=2).train(callbacks=[rec])
    assert rec.calls == [("train_begin", 0), ("epoch_begin", 0), ("epoch_end", 1),
                         ("epoch_begin", 1), ("epoch_end", 2), ("train_end", 2)]


def test_a_callback_stops_training_after_an_epoch(caplog):
    caplog.set_level("INFO", logger="fastw2v")
    rec, other = Recorder(stop_after=2), Recorder()
    m = model(epochs=10).train(callbacks=[rec, other])
    assert len(m.history) == 2
    assert other.calls[-2:] == [("epoch_end", 2), ("train_end", 2)]  # all see the last epoch
    assert "training stopped by a callback after 2 of 10 epochs" in caplog.text
    m.train(epochs=1)  # a new call starts again
    assert len(m.history) == 3


def test_stop_before_the_first_epoch():
    rec = Recorder(stop_in="train_begin")
    m = model().train(callbacks=[rec])
    assert m.history == [] and rec.calls[-1] == ("train_end", 0)


def test_callbacks_must_be_callbacks():
    with pytest.raises(TypeError, match=r"callbacks\[1\] must be a fastw2v.Callback or an object "
                                        r"with one or more of the methods on_train_begin, "
                                        r"on_epoch_begin, on_epoch_end, on_train_end \(such as "
                                        r"a gensim CallbackAny2Vec\), got function"):
        model().train(callbacks=[Callback(), lambda m: None])

    class NotAMethod:
        on_epoch_end = 3
    with pytest.raises(TypeError, match=r"callbacks\[0\].on_epoch_end must be a method, got int"):
        model().train(callbacks=[NotAMethod()])
    with pytest.raises(TypeError, match=r"callbacks\[0\] is the class Callback: give an "
                                        r"instance of it, Callback\(\)"):
        model().train(callbacks=[Callback])


def test_an_object_with_some_of_the_hooks_is_a_callback():
    class EpochEnds:  # no base class, no other hook
        def __init__(self):
            self.ends = []

        def on_epoch_end(self, m):
            self.ends.append(m.history[-1]["epoch"])
    cb = EpochEnds()
    model(epochs=3).train(callbacks=[cb])
    assert cb.ends == [1, 2, 3]


def test_a_gensim_callback_works_as_it_is():
    callbacks = pytest.importorskip("gensim.models.callbacks")

    class EpochLogger(callbacks.CallbackAny2Vec):  # as in gensim's documentation
        def __init__(self):
            self.epoch, self.seen = 0, []

        def on_epoch_begin(self, m):
            self.seen.append(("begin", self.epoch, m.epochs))

        def on_epoch_end(self, m):
            self.epoch += 1
            self.seen.append(("end", self.epoch, len(m.history)))
    cb = EpochLogger()
    model(epochs=2).train(callbacks=[cb])
    assert cb.seen == [("begin", 0, 2), ("end", 1, 1), ("begin", 1, 2), ("end", 2, 2)]


def test_train_end_is_called_when_a_hook_fails():
    class Failing(Recorder):
        def on_epoch_end(self, m):
            raise RuntimeError("boom")
    rec = Failing()
    with pytest.raises(RuntimeError, match="boom"):
        model().train(callbacks=[rec])
    assert rec.calls == [("train_begin", 0), ("epoch_begin", 0), ("train_end", 1)]


def test_checkpoint_every_n_epochs(tmp_path):
    ck = Checkpoint(tmp_path / "ck{epoch:02d}", every=2)
    latest = Checkpoint(tmp_path / "latest")
    m = model(epochs=5).train(callbacks=[ck, latest])
    assert ck.saved == [str(tmp_path / "ck02"), str(tmp_path / "ck04")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ck02", "ck04", "latest"]
    assert len(FastW2V.load(tmp_path / "ck04").history) == 4
    final = FastW2V.load(tmp_path / "latest")
    assert final.history == m.history
    np.testing.assert_array_equal(final.wv.vectors, m.wv.vectors)


def test_checkpoint_arguments(tmp_path):
    with pytest.raises(ValueError, match="every must be an int >= 1, got 0"):
        Checkpoint(tmp_path / "m", every=0)
    with pytest.raises(FileNotFoundError, match="directory '.*nope' does not exist"):
        Checkpoint(tmp_path / "nope" / "m")
    with pytest.raises(ValueError, match=r"may hold only an \{epoch\} field"):
        Checkpoint(tmp_path / "m{step}")


@pytest.fixture
def eval_files(tmp_path):
    analogies = tmp_path / "analogies.txt"
    analogies.write_text(": toy\n" + "".join(f"w{a} w{a + 1} w{b} w{b + 1}\n"
                                             for a, b in [(1, 5), (2, 9), (3, 20), (7, 30)]))
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("# toy\n" + "".join(f"w{a}\tw{b}\t{s}\n" for a, b, s in
                                         [(1, 2, 9.0), (1, 3, 7.5), (1, 20, 1.0), (5, 6, 8.0),
                                          (5, 33, 2.0)]))
    return analogies, pairs


def test_evaluate_records_the_scores_in_history(eval_files):
    analogies, pairs = eval_files
    m = model(epochs=3).train(callbacks=[Evaluate(analogies, pairs, every=2)])
    assert "analogy_accuracy" not in m.history[0] and "analogy_accuracy" not in m.history[2]
    m.train(epochs=2, callbacks=[Evaluate(analogies, pairs, restrict_vocab=40)])
    assert m.history[-1]["analogy_accuracy"] == m.wv.evaluate_word_analogies(
        analogies, restrict_vocab=40)[0]
    assert m.history[-1]["word_pairs_spearman"] == pytest.approx(
        m.wv.evaluate_word_pairs(pairs, restrict_vocab=40)[1][0])
    assert "analogy_accuracy" in m.history[1]  # epoch 2 of the first call


def test_evaluate_arguments(tmp_path):
    with pytest.raises(ValueError, match="give analogies or word_pairs"):
        Evaluate()
    with pytest.raises(FileNotFoundError, match="analogies file '.*nope.txt' does not exist"):
        Evaluate(tmp_path / "nope.txt")
