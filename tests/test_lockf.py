"""wv.vectors_lockf: per-word factors on the updates of the input vectors, honoured by every
kernel (0 freezes a word), checked per epoch, saved and loaded when not the default."""
import numpy as np
import pytest
from conftest import (
    TRAINING_MODES,
    assert_same_weights,
    cyclic_texts,
    gensim_models,
    random_kv,
    small_model,
)

from fastw2v import FastW2V, KeyedVectors
from fastw2v._lockf import per_key_factors
from fastw2v._train import EpochRunner
from fastw2v.formats import native

SETTINGS = dict(epochs=2, window=3, sample=0)


def trained(mode, lockf=None, texts=None, **settings):
    """A small model in ``mode``, its output layers drawn at random (the first updates of
    the input vectors are 0 from zero output rows), its vectors_lockf set to
    ``lockf(vocabulary size)`` (if given) before training; returns it and its input vectors
    before training."""
    model = small_model(cyclic_texts(40, 20, 12) if texts is None else texts,
                        **dict(SETTINGS, **mode, **settings)).build_vocab()
    rng = np.random.default_rng(0)
    for w in model._outputs.values():
        w[:] = rng.normal(0, 0.3, w.shape)
    if lockf is not None:
        model.wv.vectors_lockf = lockf(len(model.wv))
    before = model.wv.vectors.copy()
    return model.train(), before


def test_a_frozen_word_keeps_its_vector_bit_for_bit(training_mode):
    def lockf(n):
        factors = np.ones(n, dtype=np.float32)
        factors[[0, 5]] = 0.0  # the most frequent word and another
        return factors
    model, before = trained(training_mode, lockf)
    np.testing.assert_array_equal(model.wv.vectors[[0, 5]], before[[0, 5]])
    moved = np.any(model.wv.vectors != before, axis=1)
    assert moved.sum() == len(model.wv) - 2


def test_one_factor_0_freezes_every_input_vector(training_mode):
    model, before = trained(training_mode, lambda n: np.zeros(1, dtype=np.float32))
    np.testing.assert_array_equal(model.wv.vectors, before)
    assert all(np.any(w != 0) for w in model._outputs.values() if w.size)  # outputs trained


@pytest.mark.parametrize("mode", TRAINING_MODES.values(), ids=list(TRAINING_MODES))
def test_a_factor_of_one_half_halves_the_first_updates(mode):
    # a text of two words: each vector is updated once, by a pair whose gradient the other
    # vector's update cannot change (the other pair updates the output rows from the input
    # vector before its update)
    texts = [["a", "b"]]
    half, before = trained(mode, lambda n: np.full(1, 0.5, np.float32), texts, epochs=1)
    full, _ = trained(mode, None, texts, epochs=1)
    step = full.wv.vectors - before
    assert np.all(np.abs(step) > 1e-6)
    np.testing.assert_allclose(half.wv.vectors - before, 0.5 * step, rtol=1e-4, atol=1e-9)
    assert_same_weights_of_outputs(half, full)


def assert_same_weights_of_outputs(a, b):
    for name, w in a._outputs.items():
        np.testing.assert_array_equal(w, b._outputs[name])


@pytest.mark.parametrize("lockf", [lambda n: np.ones(1, dtype=np.float32),
                                   lambda n: np.ones(n, dtype=np.float32)],
                         ids=["one factor", "one per word"])
def test_factors_of_one_train_as_the_default(training_mode, lockf):
    default, _ = trained(training_mode)
    assert per_key_factors(default.wv) is None  # the kernels get NULL: no factor applied
    ones, _ = trained(training_mode, lockf)
    assert_same_weights(default, ones)


@pytest.mark.parametrize("lockf, got", [
    (np.ones(3, dtype=np.float32), "dtype float32 and shape (3,)"),
    (np.ones(12), "dtype float64 and shape (12,)"),
    (np.ones((12, 1), dtype=np.float32), "dtype float32 and shape (12, 1)"),
    ([1.0] * 12, "list")])
def test_bad_factors_are_refused_before_an_epoch(lockf, got):
    model = small_model(cyclic_texts(40, 20, 12)).build_vocab()
    model.wv.vectors_lockf = lockf
    before = model.wv.vectors.copy()
    with pytest.raises(ValueError, match=r"^vectors_lockf must be a 1-D float32 array of 1 "
                       r"factor \(for every key\) or 12 \(one per key\), got "
                       + got.replace("(", r"\(").replace(")", r"\)") + "$"):
        model.train()
    assert model.history == []
    np.testing.assert_array_equal(model.wv.vectors, before)


def test_the_runner_refuses_factors_of_another_length():
    model = small_model(cyclic_texts(40, 20, 12)).build_vocab()
    params = model._params.kernel_params(1)
    with pytest.raises(ValueError, match=r"^lockf has shape \(11,\), expected \(12,\) for a "
                       r"vocabulary of 12 entries"):
        EpochRunner(model.wv.vectors, **model._outputs, vocab=model.vocab,
                    corpus=model.corpus, params=params, workers=1,
                    lockf=np.ones(11, dtype=np.float32))


def lockf_of_file(path):
    return native.load_arrays(path)[1].get("vectors_lockf")


@pytest.mark.parametrize("factors", [[0.0], [0.0, 1.0, 0.5, 2.0] * 3], ids=["one", "per word"])
def test_factors_are_saved_and_loaded_with_the_model(tmp_path, factors):
    model = small_model(cyclic_texts(40, 20, 12)).build_vocab()
    model.wv.vectors_lockf = np.array(factors, dtype=np.float32)
    model.save(tmp_path / "model")
    np.testing.assert_array_equal(lockf_of_file(tmp_path / "model"), factors)
    for loaded in FastW2V.load(tmp_path / "model"), KeyedVectors.load(tmp_path / "model"):
        lockf = loaded.wv.vectors_lockf if isinstance(loaded, FastW2V) else loaded.vectors_lockf
        assert lockf.dtype == np.float32
        np.testing.assert_array_equal(lockf, factors)
    model.wv.save(tmp_path / "kv")
    np.testing.assert_array_equal(KeyedVectors.load(tmp_path / "kv", mmap="r").vectors_lockf,
                                  factors)


def test_the_default_is_not_saved_and_a_file_without_factors_loads_the_default(tmp_path):
    model = small_model(cyclic_texts(40, 20, 12)).build_vocab()
    model.save(tmp_path / "model")
    model.wv.save(tmp_path / "kv")
    for path in tmp_path / "model", tmp_path / "kv":
        assert lockf_of_file(path) is None  # as every file written before vectors_lockf
    for lockf in (FastW2V.load(tmp_path / "model").wv.vectors_lockf,
                  KeyedVectors.load(tmp_path / "kv").vectors_lockf):
        assert lockf.dtype == np.float32
        np.testing.assert_array_equal(lockf, [1.0])


def test_a_file_with_factors_of_another_length_is_refused(tmp_path):
    model = small_model(cyclic_texts(40, 20, 12)).build_vocab()
    model.save(tmp_path / "good")
    meta, arrays = native.load_arrays(tmp_path / "good")
    native.save_arrays(tmp_path / "bad", meta, dict(arrays, vectors_lockf=np.ones(5)))
    message = (r"'.*bad': array 'vectors_lockf' must hold 1 factor \(for every word\) or 12 "
               r"\(one per word\), got 5")
    with pytest.raises(ValueError, match=message):
        FastW2V.load(tmp_path / "bad")
    with pytest.raises(ValueError, match=message):
        KeyedVectors.load(tmp_path / "bad")


def pretrained_file(tmp_path, binary, dim=8):
    """A word2vec file of w5 ... w59 (w5 ... w49 known to random_kv's vectors, the others
    not), written by fastw2v; returns its path."""
    other = random_kv(60, dim, seed=1)
    path = tmp_path / ("pretrained.bin" if binary else "pretrained.txt")
    KeyedVectors(other.vectors[5:], other.index_to_key[5:]).save_word2vec_format(
        path, binary=binary)
    return path


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
@pytest.mark.parametrize("lockf", [0.0, 0.5])
def test_intersect_word2vec_format_merges_as_gensim(tmp_path, binary, lockf):
    models = gensim_models()
    path = pretrained_file(tmp_path, binary)
    ours = random_kv(50)
    theirs = models.KeyedVectors(8)
    theirs.add_vectors(ours.index_to_key, ours.vectors.copy())
    theirs.vectors_lockf = np.ones(50, dtype=np.float32)  # gensim fails on its one default
    ours.intersect_word2vec_format(path, lockf=lockf, binary=binary)
    # gensim 4.4 reads a binary file with np.fromstring, which numpy 2 refused: it merges the
    # same vectors from the text file (its digits give back the same float32 values)
    theirs.intersect_word2vec_format(str(pretrained_file(tmp_path, False)), lockf=lockf)
    assert ours.vectors.dtype == np.float32 and ours.vectors_lockf.dtype == np.float32
    np.testing.assert_array_equal(ours.vectors, theirs.vectors)
    np.testing.assert_array_equal(ours.vectors_lockf, theirs.vectors_lockf)
    np.testing.assert_array_equal(ours.vectors[:5], random_kv(50).vectors[:5])
    assert ours.index_to_key == random_kv(50).index_to_key  # no key added
    np.testing.assert_array_equal(ours.vectors_lockf, [1.0] * 5 + [lockf] * 45)


def test_merged_vectors_with_factor_0_stay_through_training(tmp_path):
    model = small_model(cyclic_texts(40, 20, 12), epochs=2).build_vocab()
    path = tmp_path / "pretrained.txt"
    KeyedVectors(np.full((2, 8), 0.25, np.float32), ["w3", "unknown"]).save_word2vec_format(
        path)
    model.wv.intersect_word2vec_format(path)
    row = model.wv.key_to_index["w3"]
    model.train()
    np.testing.assert_array_equal(model.wv.vectors[row], np.full(8, 0.25, np.float32))
    np.testing.assert_array_equal(np.flatnonzero(model.wv.vectors_lockf == 0), [row])


def test_intersect_keeps_the_factors_of_the_other_keys(tmp_path):
    kv = random_kv(50)
    kv.vectors_lockf = np.full(50, 0.5, np.float32)
    kv.intersect_word2vec_format(pretrained_file(tmp_path, False), lockf=2.0)
    np.testing.assert_array_equal(kv.vectors_lockf, [0.5] * 5 + [2.0] * 45)


def test_intersect_refuses_another_vector_size(tmp_path):
    path = pretrained_file(tmp_path, True, dim=5)
    kv = random_kv(50)
    with pytest.raises(ValueError, match=r"^'.*pretrained.bin' holds vectors of size 5, these "
                       r"have size 8: they cannot be merged$"):
        kv.intersect_word2vec_format(path, binary=True)
    np.testing.assert_array_equal(kv.vectors, random_kv(50).vectors)


@pytest.mark.parametrize("lockf, error, message", [
    (-0.5, ValueError, "lockf must be a finite number >= 0.0, got -0.5"),
    (float("nan"), ValueError, "lockf must be a finite number >= 0.0, got nan"),
    ("0", TypeError, "lockf must be a finite number >= 0.0, got '0'")])
def test_intersect_refuses_a_bad_lock_factor(tmp_path, lockf, error, message):
    with pytest.raises(error, match=f"^{message}$"):
        random_kv(50).intersect_word2vec_format(pretrained_file(tmp_path, False), lockf=lockf)
