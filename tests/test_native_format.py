"""FastW2V.save / FastW2V.load in the native model file (and old model directories)."""
import zipfile

import numpy as np
import pytest
from conftest import assert_same_model, four_word_texts, small_model
from test_formats import SAVERS, _data_offset, save_old_directory

from fastw2v import FastW2V
from fastw2v.formats import native

TEXTS = four_word_texts()


@pytest.fixture(scope="module")
def model():
    return small_model(TEXTS, hs=1, negative=2, epochs=2).train()


def test_model_saves_to_one_file_and_over_it(tmp_path, model):
    (tmp_path / "word2vec.model").write_bytes(b"an older file")
    model.save(tmp_path / "word2vec.model")
    model.save(str(tmp_path / "word2vec.model"))
    assert [p.name for p in tmp_path.iterdir()] == ["word2vec.model"]
    assert_same_model(FastW2V.load(tmp_path / "word2vec.model"), model)


def test_model_directory_of_format_version_1_loads(tmp_path, model):
    meta, arrays = native.load_arrays(_saved(tmp_path, model))
    save_old_directory(tmp_path / "old", meta, arrays)
    loaded = FastW2V.load(tmp_path / "old")
    assert_same_model(loaded, model)
    loaded.train(sentences=TEXTS, epochs=1)
    assert len(loaded.history) == 3
    with pytest.raises(IsADirectoryError, match="does not replace a directory"):
        loaded.save(tmp_path / "old")
    assert_same_model(FastW2V.load(tmp_path / "old"), model)


def _saved(tmp_path, model):
    model.save(tmp_path / "m")
    return tmp_path / "m"


@pytest.mark.parametrize("layout", ["file", "directory"])
@pytest.mark.parametrize("history, shown", [("epochs", "epochs"), ({"epoch": 1}, "{'epoch': 1}"),
                                            ([{"epoch": 1}, 3], r"\[\{'epoch': 1\}, 3\]")])
def test_model_with_damaged_history_is_refused(tmp_path, model, layout, history, shown):
    meta, arrays = native.load_arrays(_saved(tmp_path, model))
    meta["history"] = history
    SAVERS[layout](tmp_path / "bad", meta, arrays)
    with pytest.raises(ValueError, match=r"'.*bad' is not a valid FastW2V model: history must be a "
                       rf"list of epoch records \(objects\), got {shown}"):
        FastW2V.load(tmp_path / "bad")


@pytest.mark.parametrize("layout", ["file", "directory"])
def test_model_with_complex_output_layer_is_refused(tmp_path, model, layout):
    meta, arrays = native.load_arrays(_saved(tmp_path, model))
    arrays["w_ns"] = arrays["w_ns"].astype(np.complex64) + 1j
    SAVERS[layout](tmp_path / "bad", meta, arrays)
    with pytest.raises(ValueError, match=r"^'[^']*bad': array 'w_ns' must be a 2-D floating-point "
                       "array, got dtype complex64"):
        FastW2V.load(tmp_path / "bad")


def test_zip64_members_stay_aligned_and_load(tmp_path, monkeypatch):
    """Members above 2 GiB get zip64 local headers; a small limit takes that path here."""
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 1000)
    vectors = np.arange(600 * 4, dtype=np.float32).reshape(600, 4)  # 9.6 kB > 2 * limit
    native.save_arrays(tmp_path / "big", {}, {"vectors": vectors})
    with zipfile.ZipFile(tmp_path / "big") as archive:
        extra = archive.getinfo("vectors.npy").extra
    assert b"\x01\x00\x10\x00" in extra  # the zip64 record (id 1, 16 bytes)
    assert _data_offset(tmp_path / "big", "vectors.npy") % 64 == 0
    monkeypatch.undo()
    for mmap in (None, "r"):
        np.testing.assert_array_equal(native.load_arrays(tmp_path / "big", mmap=mmap)[1]["vectors"],
                                      vectors)
