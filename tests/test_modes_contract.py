"""One contract, every training mode (conftest.TRAINING_MODES: the modes of
fastw2v._layers.MODES, the full softmax, skip-gram's classic kernel): one worker and one
seed reproduce a run bit for bit; every epoch trains every word once; save and load keep
the whole model and training goes on from it as from the original; a stop or an interrupt
between epochs leaves a model that saves and trains again; the loss is finite, positive
and falls."""
import numpy as np
import pytest
from conftest import assert_same_model, assert_same_weights, cyclic_texts, small_model

from fastw2v import Callback, FastW2V

TEXTS = cyclic_texts()


def assert_whole_epochs(model, epochs):
    assert len(model.history) == epochs
    for record in model.history:
        assert record["words"] == model.corpus.total_words
        assert "interrupted" not in record


class StopAfter(Callback):
    """Ends training after epoch ``epochs``: by ``model.stop_training``, or by raising
    ``error`` from on_epoch_end (as Ctrl-C there would)."""

    def __init__(self, epochs, error=None):
        self.epochs, self.error, self.ended = epochs, error, False

    def on_epoch_end(self, model):
        if len(model.history) == self.epochs:
            if self.error is not None:
                raise self.error
            model.stop_training = True

    def on_train_end(self, model):
        self.ended = True


class TestEveryMode:
    def test_one_worker_and_one_seed_reproduce_a_run_bit_for_bit(self, training_mode):
        runs = [small_model(TEXTS, seed=seed, epochs=2, **training_mode).train()
                for seed in (5, 5, 6)]
        assert_same_weights(runs[0], runs[1])
        assert not np.array_equal(runs[0].wv.vectors, runs[2].wv.vectors)
        for name, weights in runs[0]._outputs.items():  # a layer that is off has no rows
            assert weights.size == 0 or not np.array_equal(runs[2]._outputs[name], weights)

    def test_every_epoch_trains_every_word_once(self, training_mode):
        texts = cyclic_texts(n_texts=1000)  # 3 chunks of 10,000 words for 2 threads
        model = small_model(texts, workers=2, epochs=2, **training_mode).train()
        assert model.corpus.total_words == sum(map(len, texts)) == 30000
        assert_whole_epochs(model, 2)

    def test_save_and_load_keep_the_model_and_training_goes_on_alike(self, training_mode,
                                                                     tmp_path):
        model = small_model(TEXTS, epochs=2, **training_mode).train()
        model.save(tmp_path / "model")
        loaded = FastW2V.load(tmp_path / "model")
        assert all(getattr(loaded, name) == value for name, value in training_mode.items())
        assert_same_model(loaded, model)
        for m in (model, loaded):
            m.train(sentences=TEXTS, epochs=1)
        assert_same_weights(loaded, model)
        assert loaded.history[-1]["words"] == model.history[-1]["words"] == 6000

    @pytest.mark.parametrize("error", [None, KeyboardInterrupt()], ids=["stop", "interrupt"])
    def test_a_stop_between_epochs_leaves_a_model_that_saves_and_trains(self, training_mode,
                                                                        error, tmp_path):
        model = small_model(TEXTS, epochs=4, **training_mode)
        stop = StopAfter(2, error)
        if error is None:
            model.train(callbacks=[stop])
        else:
            with pytest.raises(KeyboardInterrupt):
                model.train(callbacks=[stop])
        assert stop.ended
        assert_whole_epochs(model, 2)
        assert np.isfinite(model.wv.vectors).all()
        model.save(tmp_path / "model")
        assert_same_weights(FastW2V.load(tmp_path / "model"), model)
        before = model.wv.vectors.copy()
        model.train(epochs=1)
        assert_whole_epochs(model, 3)
        assert not np.array_equal(before, model.wv.vectors)

    def test_the_loss_is_finite_positive_and_falls(self, training_mode):
        model = small_model(TEXTS, epochs=3, compute_loss=True, **training_mode).train()
        losses = [record["loss_per_example"] for record in model.history]
        assert all(np.isfinite(loss) and loss > 0 for loss in losses), losses
        assert losses[-1] < losses[0], losses
