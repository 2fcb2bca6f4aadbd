"""The training kernel's typed Config: EpochRunner takes exactly its fields from ``params``
(a mistyped key fails at construction) and the kernel trains with them."""
import numpy as np
import pytest

from fastw2v import FastW2V
from fastw2v._train import CONFIG_KEYS, EpochRunner

TEXTS = [[f"w{(i * 7 + j) % 40}" for j in range(20)] for i in range(50)]
PARAMS = dict(window=5, negative=5, hs=0, softmax=0, sg=1, batched=0, cbow_mean=1,
              shrink_windows=1, compute_loss=1, seed=3, alpha=0.025, min_alpha=0.0001,
              epochs=1)


def runner(params):
    model = FastW2V(TEXTS, min_count=1, vector_size=8, workers=1).build_vocab()
    return model, EpochRunner(model.wv.vectors, **model._outputs, vocab=model.vocab,
                              corpus=model.corpus, params=params, workers=1)


def test_the_config_holds_the_hyperparameters_the_model_passes():
    assert CONFIG_KEYS == tuple(PARAMS)


def test_a_mistyped_key_is_refused_at_construction():
    params = dict(PARAMS, windw=5)
    with pytest.raises(ValueError, match=r"params has the unknown key\(s\) 'windw'; allowed: "
                       r"window, negative, hs, softmax, sg, batched, cbow_mean, "
                       r"shrink_windows, compute_loss, seed, alpha, min_alpha, epochs$"):
        runner(params)


def test_a_missing_key_is_refused_at_construction():
    params = dict(PARAMS)
    del params["min_alpha"]
    with pytest.raises(ValueError, match=r"No value specified for struct attribute "
                       r"'min_alpha'"):
        runner(params)


def test_the_kernel_reads_the_config():
    model, run = runner(dict(PARAMS, alpha=0.5, min_alpha=0.5))
    assert run.current_alpha == pytest.approx(0.5)
    before = model.wv.vectors.copy()
    run.start_epoch(0)
    run.run(0)
    assert run.words_done == 1000
    assert run.tallies()["loss"] > 0  # compute_loss=1 reached the kernel
    assert not np.array_equal(before, model.wv.vectors)


@pytest.mark.parametrize("name, layers, rows", [("w_hs", dict(hs=1), 39),
                                                 ("w_ns", dict(negative=5), 40),
                                                 ("w_sm", dict(negative=0, softmax=1), 40),
                                                 ("w_sm", dict(softmax=0), 0)])
def test_an_output_array_of_another_shape_is_refused(name, layers, rows):
    # the expected shape comes from the layer registry; the message names the vocabulary's
    # size (it named the rows expected: "of 39 entries" for hs)
    model = FastW2V(TEXTS, min_count=1, vector_size=8, workers=1, **layers).build_vocab()
    arrays = dict(model._outputs, **{name: np.zeros((rows + 1, 8), np.float32)})
    with pytest.raises(ValueError, match=rf"^{name} has shape \({rows + 1}, 8\), expected "
                       rf"\({rows}, 8\) for a vocabulary of 40 entries: the model's parts"):
        EpochRunner(model.wv.vectors, **arrays, vocab=model.vocab, corpus=model.corpus,
                    params=dict(PARAMS, **layers), workers=1)
