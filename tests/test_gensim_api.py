"""fastw2v.Word2Vec against gensim's Word2Vec running the same code, and FastW2V.load's
mmap."""
import numpy as np
import pytest
from conftest import four_word_texts

from fastw2v import FastW2V


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
