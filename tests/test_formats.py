"""Persistence: the native model file (fastw2v.formats.native), old model directories
and the word2vec C formats."""

import bz2
import errno
import gzip
import json
import lzma
import os
import re
import struct
import tempfile
import time
import zipfile

import numpy as np
import pytest
from conftest import gensim_models

from fastw2v import _compression, readers
from fastw2v.formats import native, word2vec
from fastw2v.keyedvectors import KeyedVectors

WORDS = ["the", "of", "Zürich", "naïve", "東京", "a_b", "x-y", "ok.", "Ünïcödé", "last"]


@pytest.fixture
def kv():
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((len(WORDS), 7)).astype(np.float32)
    vectors[3] = [1e-30, -1e30, 0.0, -0.0, 1.0, 3.4e38, 1e-45]  # extremes survive text too
    return KeyedVectors(vectors, WORDS, np.arange(100, 100 - len(WORDS), -1))


def _assert_same_kv(loaded, kv, counts=True):
    assert loaded.index_to_key == kv.index_to_key
    assert loaded.key_to_index == kv.key_to_index
    np.testing.assert_array_equal(loaded.vectors, kv.vectors)
    assert loaded.vectors.dtype == np.float32
    if counts:
        np.testing.assert_array_equal(loaded.counts, kv.counts)


def _leftovers(directory):
    return [p.name for p in directory.iterdir() if p.name.startswith(".")]


# ----------------------------------------------------------------------------------------
# native format: KeyedVectors.save / load
# ----------------------------------------------------------------------------------------

def save_old_directory(path, meta, arrays):
    """A model directory as fastw2v wrote it before format_version 2 (built by hand)."""
    path.mkdir()
    specs = {}
    for name, array in arrays.items():
        np.save(path / f"{name}.npy", array, allow_pickle=False)
        specs[name] = {"file": f"{name}.npy", "shape": list(array.shape), "dtype": array.dtype.str}
    doc = {"format": "fastw2v", "format_version": 1, **meta, "arrays": specs}
    (path / "meta.json").write_text(json.dumps(doc, default=lambda v: v.item()))


SAVERS = {"file": native.save_arrays, "directory": save_old_directory}


def _kv_parts(kv):
    return ({"kind": "KeyedVectors", "index_to_key": kv.index_to_key},
            {"vectors": kv.vectors, "counts": kv.counts})


def _data_offset(path, member):
    """Offset of a zip member's data in the file, from its local header."""
    info = zipfile.ZipFile(path).getinfo(member)
    with open(path, "rb") as fin:
        fin.seek(info.header_offset)
        local = fin.read(30)
    return (info.header_offset + 30 + int.from_bytes(local[26:28], "little")
            + int.from_bytes(local[28:30], "little"))


def test_native_round_trip(tmp_path, kv):
    kv.save(tmp_path / "kv")
    loaded = KeyedVectors.load(tmp_path / "kv")
    _assert_same_kv(loaded, kv)
    assert loaded.vectors.flags.c_contiguous and loaded.vectors.flags.writeable
    assert loaded.most_similar("the", topn=3) == kv.most_similar("the", topn=3)
    assert (tmp_path / "kv").is_file() and os.listdir(tmp_path) == ["kv"]
    archive = zipfile.ZipFile(tmp_path / "kv")
    assert archive.namelist() == ["meta.json", "vectors.npy", "counts.npy"]
    assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
    assert archive.testzip() is None
    meta = json.loads(archive.read("meta.json"))
    assert meta["format"] == "fastw2v" and meta["format_version"] == 2
    assert meta["index_to_key"] == WORDS and meta["kind"] == "KeyedVectors"
    assert meta["arrays"]["vectors"] == {"file": "vectors.npy", "shape": [10, 7], "dtype": "<f4"}
    for member in ("vectors.npy", "counts.npy"):
        assert _data_offset(tmp_path / "kv", member) % 64 == 0
        np.testing.assert_array_equal(np.load(archive.open(member)), getattr(kv, member[:-4]))


def test_native_mmap_is_read_only(tmp_path, kv):
    kv.save(str(tmp_path / "kv"))
    loaded = KeyedVectors.load(str(tmp_path / "kv"), mmap="r")
    assert isinstance(loaded.vectors, np.memmap) and not loaded.vectors.flags.writeable
    _assert_same_kv(loaded, kv)
    with pytest.raises(ValueError):
        loaded.vectors[0, 0] = 1.0
    assert loaded.similarity("of", "the") == pytest.approx(kv.similarity("of", "the"))


def test_native_mmap_maps_the_members_of_the_file(tmp_path, kv):
    kv.save(tmp_path / "kv")
    _, arrays = native.load_arrays(tmp_path / "kv", mmap="r")
    for name, mapped in arrays.items():
        # the map starts where the member's .npy data starts: 64-byte aligned
        assert mapped.offset == _data_offset(tmp_path / "kv", f"{name}.npy") + 128
        assert mapped.offset % 64 == 0 and str(mapped.filename) == str(tmp_path / "kv")
    copy = KeyedVectors.load(tmp_path / "kv", mmap="c")
    copy.vectors[0, 0] = 42.0  # copy-on-write: the file does not change
    assert KeyedVectors.load(tmp_path / "kv").vectors[0, 0] == kv.vectors[0, 0]
    shared = KeyedVectors.load(tmp_path / "kv", mmap="r+")
    shared.vectors[1, 2] = 42.0
    shared.vectors.flush()
    assert KeyedVectors.load(tmp_path / "kv").vectors[1, 2] == 42.0


def test_native_save_replaces_previous_save(tmp_path, kv):
    kv.save(tmp_path / "kv")
    smaller = KeyedVectors(kv.vectors[:3].copy(), kv.index_to_key[:3])
    smaller.save(tmp_path / "kv")
    _assert_same_kv(KeyedVectors.load(tmp_path / "kv"), smaller)
    assert os.listdir(tmp_path) == ["kv"]


def test_native_save_over_an_existing_file(tmp_path, kv):
    """gensim users save over any file, a NamedTemporaryFile too."""
    (tmp_path / "word2vec.model").write_text("an older file")
    kv.save(tmp_path / "word2vec.model")
    _assert_same_kv(KeyedVectors.load(tmp_path / "word2vec.model"), kv)
    with tempfile.NamedTemporaryFile(dir=tmp_path, suffix=".model") as tmp:
        kv.save(tmp.name)
        _assert_same_kv(KeyedVectors.load(tmp.name), kv)
    assert os.listdir(tmp_path) == ["word2vec.model"]


def test_native_save_refuses_a_directory(tmp_path, kv):
    save_old_directory(tmp_path / "old", *_kv_parts(kv))
    before = sorted(os.listdir(tmp_path / "old"))
    smaller = KeyedVectors(kv.vectors[:3].copy(), kv.index_to_key[:3])
    with pytest.raises(IsADirectoryError, match=r"is a directory \(a model directory of fastw2v "
                       r"format version 1.*does not replace a directory.*'.*old'"):
        smaller.save(tmp_path / "old")
    assert sorted(os.listdir(tmp_path / "old")) == before
    _assert_same_kv(KeyedVectors.load(tmp_path / "old"), kv)
    with pytest.raises(FileNotFoundError):
        kv.save(tmp_path / "no" / "such" / "parent")
    assert _leftovers(tmp_path) == []


def test_save_over_the_file_memory_mapped_from(tmp_path, kv):
    kv.save(tmp_path / "kv")
    mapped = KeyedVectors.load(tmp_path / "kv", mmap="r")
    mapped.save(tmp_path / "kv")
    np.testing.assert_array_equal(mapped.vectors, kv.vectors)
    _assert_same_kv(KeyedVectors.load(tmp_path / "kv"), kv)
    assert os.listdir(tmp_path) == ["kv"]


def test_interrupted_save_keeps_previous_save(tmp_path, kv, monkeypatch):
    kv.save(tmp_path / "kv")

    def chunks_then_full_disk(array):
        yield array.tobytes()[:8]
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(native, "_array_chunks", chunks_then_full_disk)
    other = KeyedVectors(kv.vectors + 1, kv.index_to_key)
    with pytest.raises(OSError, match=r"writing '.*kv' failed: No space left on device \(the disk "
                       r"is full\); the previous file is intact"):
        other.save(tmp_path / "kv")
    with pytest.raises(OSError, match=r"writing '.*new' failed: No space left on device \(the disk "
                       r"is full\); nothing was written"):
        other.save(tmp_path / "new")
    monkeypatch.undo()
    _assert_same_kv(KeyedVectors.load(tmp_path / "kv"), kv)
    assert os.listdir(tmp_path) == ["kv"]


def test_old_model_directory_loads(tmp_path, kv):
    """Directories of format_version 1, as earlier fastw2v versions saved them."""
    meta = {"kind": "FastW2V", "index_to_key": kv.index_to_key,
            "params": {"alpha": np.float32(0.025), "sg": 1}, "history": [{"loss": 1.5}]}
    arrays = {"vectors": kv.vectors, "counts": kv.counts,
              "w_ns": np.ones((10, 7), dtype=np.float32),
              "w_hs": np.zeros((0, 7), dtype=np.float32)}
    save_old_directory(tmp_path / "model", meta, arrays)
    _assert_same_kv(KeyedVectors.load(tmp_path / "model"), kv)
    _assert_same_kv(KeyedVectors.load(tmp_path / "model", mmap="r"), kv)
    loaded_meta, loaded_arrays = native.load_arrays(tmp_path / "model", mmap="r")
    assert loaded_meta == {**meta, "params": {"alpha": 0.02500000037252903, "sg": 1}}
    assert loaded_arrays["w_hs"].shape == (0, 7)
    np.testing.assert_array_equal(loaded_arrays["w_ns"], arrays["w_ns"])


def test_model_file_loads_as_keyed_vectors(tmp_path, kv):
    """The model class saves extra arrays and meta keys; KeyedVectors reads only its own."""
    meta = {"kind": "FastW2V", "index_to_key": kv.index_to_key, "history": [{"loss": 1.5}]}
    arrays = {"vectors": kv.vectors, "counts": kv.counts,
              "w_ns": np.ones((10, 7), dtype=np.float32),
              "w_hs": np.zeros((0, 7), dtype=np.float32)}
    native.save_arrays(tmp_path / "model", meta, arrays)
    _assert_same_kv(KeyedVectors.load(tmp_path / "model"), kv)
    _assert_same_kv(KeyedVectors.load(tmp_path / "model", mmap="r"), kv)
    loaded_meta, loaded_arrays = native.load_arrays(tmp_path / "model", mmap="c")
    assert loaded_meta == meta and loaded_arrays["w_hs"].shape == (0, 7)
    np.testing.assert_array_equal(loaded_arrays["w_ns"], arrays["w_ns"])


@pytest.mark.parametrize("layout", ["file", "directory"])
def test_keyed_vectors_load_rejects_saves_without_vectors(tmp_path, layout):
    SAVERS[layout](tmp_path / "a", {"index_to_key": ["x"]},
                   {"vectors": np.ones((1, 2), np.float32)})
    with pytest.raises(ValueError, match="holds no word vectors"):
        KeyedVectors.load(tmp_path / "a")
    SAVERS[layout](tmp_path / "b", {"index_to_key": ["x", "x"]},
         {"vectors": np.ones((2, 2), np.float32), "counts": np.zeros(2, np.int64)})
    with pytest.raises(ValueError, match="invalid word vectors.*'x' appears more than once"):
        KeyedVectors.load(tmp_path / "b")


def test_load_missing_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing"):
        KeyedVectors.load(tmp_path / "missing")
    with pytest.raises(OSError):
        native.load_arrays(tmp_path / "missing")


@pytest.fixture
def saved(tmp_path, kv):
    save_old_directory(tmp_path / "kv", *_kv_parts(kv))
    return tmp_path / "kv"


def _edit_meta(directory, edit):
    meta = json.loads((directory / "meta.json").read_text())
    edit(meta)
    (directory / "meta.json").write_text(json.dumps(meta))


def _symlink_outside(directory):
    outside = directory.parent / "elsewhere.npy"
    (directory / "vectors.npy").rename(outside)
    (directory / "vectors.npy").symlink_to(outside)


DIRECTORY_CORRUPTIONS = {
    "meta missing": (lambda d: (d / "meta.json").unlink(), "meta.json is missing"),
    "meta garbage": (lambda d: (d / "meta.json").write_bytes(b"\x00\xff garbage"), "meta.json"),
    "meta truncated": (lambda d: (d / "meta.json").write_bytes((d / "meta.json").read_bytes()[:40]),
                       "corrupt or truncated"),
    "meta not an object": (lambda d: (d / "meta.json").write_text("[1, 2]"), "does not describe"),
    "meta nested deeply": (lambda d: (d / "meta.json").write_text("[" * 100000 + "]" * 100000),
                           "meta.json' is damaged: its JSON nests too deeply"),
    "wrong format": (lambda d: _edit_meta(d, lambda m: m.update(format="gensim")),
                     "does not describe"),
    "newer version": (lambda d: _edit_meta(d, lambda m: m.update(format_version=3)),
                      "upgrade fastw2v"),
    "file version": (lambda d: _edit_meta(d, lambda m: m.update(format_version=2)),
                     r"format_version 2 is not the version of a model directory \(1\)"),
    "bad version": (lambda d: _edit_meta(d, lambda m: m.update(format_version="1")),
                    "format_version"),
    "no arrays": (lambda d: _edit_meta(d, lambda m: m.pop("arrays")), "arrays"),
    "array file missing": (lambda d: (d / "vectors.npy").unlink(), "vectors.npy.*missing"),
    "path traversal": (lambda d: _edit_meta(d, lambda m: m["arrays"]["vectors"].update(
                           file="../x.npy")),
                       "file must be"),
    "symlink outside": (_symlink_outside, r"vectors.npy' is a symbolic link to '.*elsewhere.npy', "
                        "outside the model directory; refusing to follow it"),
    "shape mismatch": (lambda d: _edit_meta(d, lambda m: m["arrays"]["vectors"].update(
                           shape=[10, 8])),
                       "vectors.npy.*shape"),
    "bad shape": (lambda d: _edit_meta(d, lambda m: m["arrays"]["vectors"].update(shape=[-1, 7])),
                  "non-negative"),
    "dtype mismatch": (lambda d: _edit_meta(d, lambda m: m["arrays"]["vectors"].update(
                           dtype="<f8")),
                       "vectors.npy.*dtype"),
    "bad dtype": (lambda d: _edit_meta(d, lambda m: m["arrays"]["counts"].update(dtype="nonsense")),
                  "invalid dtype"),
    "npy garbage": (lambda d: (d / "counts.npy").write_bytes(b"garbage" * 30),
                    "counts.npy.*not a valid"),
    "npy header unclosed": (  # numpy: tokenize.TokenError
        lambda d: (d / "vectors.npy").write_bytes(
            (d / "vectors.npy").read_bytes().replace(b"}", b"\x00", 1)),
        r"vectors.npy' is not a valid \.npy array"),
    "npy trailing bytes": (
        lambda d: (d / "vectors.npy").write_bytes((d / "vectors.npy").read_bytes() + b"x"),
        "vectors.npy.*longer"),
}


@pytest.mark.parametrize("mmap", [None, "r"])
def test_native_truncated_npy(saved, mmap):
    data = (saved / "vectors.npy").read_bytes()
    for cut in (0, 5, 60, 127, 128, len(data) // 2, len(data) - 1):
        (saved / "vectors.npy").write_bytes(data[:cut])
        with pytest.raises(ValueError, match="vectors.npy"):
            KeyedVectors.load(saved, mmap=mmap)


def _rewrite_archive(path, edit, compression=zipfile.ZIP_STORED):
    """Rebuild a model file with edited members: edit(dict of name -> bytes)."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    edit(members)
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _edit_file_meta(path, edit):
    def edit_members(members):
        meta = json.loads(members["meta.json"])
        edit(meta)
        members["meta.json"] = json.dumps(meta).encode()
    _rewrite_archive(path, edit_members)


FILE_CORRUPTIONS = {
    "not a zip": (lambda p: p.write_text("3 2\n"),
                  r"'.*kv' is not a fastw2v model file "
                  r"\(not a valid zip archive.*load_word2vec_format"),
    "empty": (lambda p: p.write_bytes(b""), "not a valid zip archive"),
    "compressed": (lambda p: _rewrite_archive(p, lambda m: None, zipfile.ZIP_DEFLATED),
                   r"member meta.json is compressed \(method 8\).*ZIP_STORED"),
    "meta missing": (lambda p: _rewrite_archive(p, lambda m: m.pop("meta.json")),
                     "it has no meta.json"),
    "meta nested deeply": (lambda p: _rewrite_archive(
                               p, lambda m: m.update({"meta.json": b"[" * 100000})),
                           "member meta.json is damaged: its JSON nests too deeply"),
    "meta garbage": (lambda p: _rewrite_archive(p, lambda m: m.update({"meta.json": b"\xff{"})),
                     "member meta.json is corrupt"),
    "directory version": (lambda p: _edit_file_meta(p, lambda m: m.update(format_version=1)),
                          r"format_version 1 is not the version of a model file \(2\)"),
    "member missing": (lambda p: _rewrite_archive(p, lambda m: m.pop("counts.npy")),
                       r"members \['meta.json', 'vectors.npy'\] disagree with the arrays"),
    "extra member": (lambda p: _rewrite_archive(p, lambda m: m.update({"x.npy": b""})), "disagree"),
    "npy garbage": (lambda p: _rewrite_archive(
                        p, lambda m: m.update({"counts.npy": b"garbage" * 30})),
                    r"member counts.npy is not a valid \.npy array"),
    "npy short": (lambda p: _rewrite_archive(
                      p, lambda m: m.update({"vectors.npy": m["vectors.npy"][:-4]})),
                  "member vectors.npy is truncated: 276 data bytes, expected 280"),
    "shape mismatch": (lambda p: _edit_file_meta(
                           p, lambda m: m["arrays"]["vectors"].update(shape=[10, 8])),
                       r"member vectors.npy holds shape \(10, 7\)"),
    "dtype missing": (lambda p: _edit_file_meta(p, lambda m: m["arrays"]["vectors"].pop("dtype")),
                      # was a KeyError
                      r"bad entry for array 'vectors' \(dtype must be a string\)"),
    "path in name": (lambda p: _edit_file_meta(
                         p, lambda m: m["arrays"]["vectors"].update(file="../v.npy")),
                     "file must be"),
}


CORRUPTIONS = {**{("directory", name): case for name, case in DIRECTORY_CORRUPTIONS.items()},
               **{("file", name): case for name, case in FILE_CORRUPTIONS.items()}}


@pytest.mark.parametrize("layout, name", CORRUPTIONS)
@pytest.mark.parametrize("mmap", [None, "r"])
def test_native_corruption_raises_value_error(tmp_path, kv, layout, name, mmap):
    corrupt, match = CORRUPTIONS[layout, name]
    SAVERS[layout](tmp_path / "kv", *_kv_parts(kv))
    corrupt(tmp_path / "kv")
    with pytest.raises(ValueError, match=match):
        KeyedVectors.load(tmp_path / "kv", mmap=mmap)


@pytest.fixture
def saved_file(tmp_path, kv):
    kv.save(tmp_path / "kv")
    return tmp_path / "kv"


@pytest.mark.parametrize("mmap", [None, "r"])
def test_native_file_every_truncation_raises(saved_file, mmap):
    data = saved_file.read_bytes()
    for cut in range(0, len(data), 7):
        saved_file.write_bytes(data[:cut])
        with pytest.raises(ValueError, match=r"'.*kv'"):
            KeyedVectors.load(saved_file, mmap=mmap)


def test_native_file_local_header_beyond_the_end(saved_file):
    """A central directory pointing a member past the end of the file (bounded reads)."""
    data = bytearray(saved_file.read_bytes())
    central = data.rindex(b"PK\x01\x02")  # the last member's central directory entry
    data[central + 42:central + 46] = (len(data) - 10).to_bytes(4, "little")
    saved_file.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="local header of member counts.npy is missing or damaged"):
        KeyedVectors.load(saved_file)


DAMAGED_CONTENTS = {
    "empty key": (dict(index_to_key=["a", ""]), {},
                  r"index_to_key must hold non-empty strings or ints; entry 1 is ''"),
    "key not a string": (dict(index_to_key=["a", 1.5]), {},  # an int key loads since issue 14
                         "index_to_key must hold non-empty strings or ints; entry 1 is 1.5"),
    "complex vectors": ({}, dict(vectors=np.ones((2, 3), np.complex64)),
                        r"array 'vectors' must be a 2-D floating-point array, got dtype complex64"),
    "integer vectors": ({}, dict(vectors=np.ones((2, 3), np.int32)), "got dtype int32"),
    "float counts": ({}, dict(counts=np.ones(2, np.float64)),
                     r"array 'counts' must be a 1-D integer array, got dtype float64"),
    "1-D vectors": ({}, dict(vectors=np.ones(6, np.float32)),
                    r"got dtype float32 and shape \(6,\)"),
}


@pytest.mark.parametrize("layout", ["file", "directory"])
@pytest.mark.parametrize("name", DAMAGED_CONTENTS)
def test_native_damaged_contents_are_refused(tmp_path, layout, name):
    meta_edit, array_edit, match = DAMAGED_CONTENTS[name]
    meta = {"kind": "KeyedVectors", "index_to_key": ["a", "b"], **meta_edit}
    arrays = {"vectors": np.ones((2, 3), np.float32), "counts": np.ones(2, np.int64), **array_edit}
    SAVERS[layout](tmp_path / "kv", meta, arrays)
    with pytest.raises(ValueError, match=f"'.*kv'.*{match}"):
        KeyedVectors.load(tmp_path / "kv")


def test_save_arrays_argument_checks(tmp_path):
    good = {"vectors": np.ones((2, 2), np.float32)}
    with pytest.raises(ValueError, match="reserved"):
        native.save_arrays(tmp_path / "a", {"format": "mine"}, good)
    with pytest.raises(ValueError, match="identifier"):
        native.save_arrays(tmp_path / "a", {}, {"../evil": np.ones(2)})
    with pytest.raises(ValueError, match="pickle"):
        native.save_arrays(tmp_path / "a", {}, {"objects": np.array([{}, []], dtype=object)})
    with pytest.raises(TypeError, match="numpy.ndarray"):
        native.save_arrays(tmp_path / "a", {}, {"values": [1, 2]})
    with pytest.raises(TypeError, match="JSON"):
        native.save_arrays(tmp_path / "a", {"when": object()}, good)
    with pytest.raises(ValueError, match="mmap"):
        native.load_arrays(tmp_path / "a", mmap="w+")
    assert list(tmp_path.iterdir()) == []


def test_save_arrays_any_array_layout(tmp_path):
    """Fortran-ordered, strided, 0-d, empty and big-endian arrays come back equal, C-ordered."""
    base = np.arange(24, dtype=np.float64).reshape(4, 6)
    arrays = {"fortran": np.asfortranarray(base), "strided": base[::2, ::3],
              "scalar": np.array(3.5), "empty": np.zeros((0, 5), np.float32),
              "big_endian": base.astype(">i4")}
    native.save_arrays(tmp_path / "a", {}, arrays)
    for mmap in (None, "r"):
        _, loaded = native.load_arrays(tmp_path / "a", mmap=mmap)
        for name, array in arrays.items():
            np.testing.assert_array_equal(loaded[name], array)
            assert loaded[name].dtype == array.dtype and loaded[name].shape == array.shape


# ----------------------------------------------------------------------------------------
# word2vec C formats
# ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("suffix", ["", ".gz", ".bz2"])
def test_word2vec_round_trip(tmp_path, kv, binary, suffix):
    path = tmp_path / f"vectors.w2v{suffix}"
    kv.save_word2vec_format(path, binary=binary)
    loaded = KeyedVectors.load_word2vec_format(path, binary=binary)
    _assert_same_kv(loaded, kv, counts=False)
    assert not loaded.counts.any()
    limited = KeyedVectors.load_word2vec_format(path, binary=binary, limit=4)
    assert limited.index_to_key == WORDS[:4]
    np.testing.assert_array_equal(limited.vectors, kv.vectors[:4])
    as_float64 = KeyedVectors.load_word2vec_format(path, binary=binary, datatype=np.float64)
    assert as_float64.vectors.dtype == np.float64
    np.testing.assert_array_equal(as_float64.vectors.astype(np.float32), kv.vectors)


def test_word2vec_byte_layout(tmp_path):
    vectors = np.array([[1.5, -2.0], [0.25, 1e-7]], dtype=np.float32)
    kv = KeyedVectors(vectors, ["ab", "ç"])
    kv.save_word2vec_format(tmp_path / "v.txt")
    # gensim's text (numpy's shortest exact decimals); "1.5 -2" and "1.00000001e-07" before
    assert (tmp_path / "v.txt").read_bytes() == "2 2\nab 1.5 -2.0\nç 0.25 1e-07\n".encode()
    kv.save_word2vec_format(tmp_path / "v.bin", binary=True)
    assert (tmp_path / "v.bin").read_bytes() == (
        b"2 2\n"
        + b"ab " + struct.pack("<2f", 1.5, -2.0) + b"\n"
        + "ç ".encode() + struct.pack("<2f", 0.25, 1e-7) + b"\n")
    kv.save_word2vec_format(tmp_path / "glove.txt", write_header=False)
    assert (tmp_path / "glove.txt").read_bytes() == (tmp_path / "v.txt").read_bytes()[4:]
    _assert_same_kv(KeyedVectors.load_word2vec_format(tmp_path / "glove.txt", no_header=True),
                    kv, False)
    first = KeyedVectors.load_word2vec_format(tmp_path / "glove.txt", no_header=True, limit=1)
    assert first.index_to_key == ["ab"]


def test_word2vec_c_tool_variants(tmp_path):
    """Files as the C tool writes them: "%lf " values with a trailing space, CRLF, and
    binary records with or without the newline after the vector."""
    (tmp_path / "c.txt").write_bytes(
        b"2 3\r\nfoo 0.100000 -0.200000 0.300000 \r\nbar 1.000000 2.000000 3.000000 \r\n")
    loaded = KeyedVectors.load_word2vec_format(tmp_path / "c.txt")
    assert loaded.index_to_key == ["foo", "bar"]
    expected = np.array([[0.1, -0.2, 0.3], [1, 2, 3]], dtype=np.float32)
    np.testing.assert_array_equal(loaded.vectors, expected)
    record = struct.pack("<3f", 0.5, 1.0, -1.0)
    for separator in (b"", b"\n"):
        (tmp_path / "c.bin").write_bytes(b"2 3\nfoo " + record + separator
                                         + b"bar " + record + separator)
        loaded = KeyedVectors.load_word2vec_format(tmp_path / "c.bin", binary=True)
        assert loaded.index_to_key == ["foo", "bar"]
        np.testing.assert_array_equal(loaded.vectors, [[0.5, 1.0, -1.0]] * 2)


def test_word2vec_duplicate_words_keep_first(tmp_path, caplog):
    (tmp_path / "d.txt").write_text("3 2\na 1 2\nb 3 4\na 5 6\n")
    loaded = KeyedVectors.load_word2vec_format(tmp_path / "d.txt")
    assert loaded.index_to_key == ["a", "b"]
    np.testing.assert_array_equal(loaded.vectors, [[1, 2], [3, 4]])
    assert "duplicate" in caplog.text


def test_word2vec_unicode_errors(tmp_path):
    record = struct.pack("<2f", 1.0, 2.0)
    (tmp_path / "u.bin").write_bytes(b"2 2\nok " + record + b"\nbad\xff " + record + b"\n")
    with pytest.raises(ValueError, match="byte offset 15.*not valid utf8"):
        KeyedVectors.load_word2vec_format(tmp_path / "u.bin", binary=True)
    loaded = KeyedVectors.load_word2vec_format(tmp_path / "u.bin", binary=True,
                                               unicode_errors="replace")
    assert loaded.index_to_key == ["ok", "bad\ufffd"]


@pytest.mark.parametrize("word", ["two words", "tab\there", "new\nline", ""])
def test_word2vec_rejects_unwritable_words(tmp_path, word):
    kv = KeyedVectors(np.ones((2, 2), np.float32), ["fine", word])
    with pytest.raises(ValueError, match="whitespace"):
        kv.save_word2vec_format(tmp_path / "v.txt")


@pytest.mark.parametrize("binary", [False, True])
def test_our_files_load_in_gensim(tmp_path, kv, binary):
    kv.save_word2vec_format(tmp_path / "ours", binary=binary)
    theirs = gensim_models().KeyedVectors.load_word2vec_format(tmp_path / "ours", binary=binary)
    assert theirs.index_to_key == kv.index_to_key
    np.testing.assert_array_equal(theirs.vectors, kv.vectors)


@pytest.mark.parametrize("binary", [False, True])
def test_gensim_files_load_in_ours(tmp_path, kv, binary):
    twin = gensim_models().KeyedVectors(kv.vector_size)
    twin.add_vectors(kv.index_to_key, kv.vectors)
    twin.save_word2vec_format(str(tmp_path / "theirs"), binary=binary)
    _assert_same_kv(KeyedVectors.load_word2vec_format(tmp_path / "theirs", binary=binary),
                    kv, False)


def _write(tmp_path, data, name="bad"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("binary", [False, True])
def test_word2vec_every_truncation_raises(tmp_path, kv, binary):
    kv.save_word2vec_format(tmp_path / "full", binary=binary)
    data = (tmp_path / "full").read_bytes()
    # a binary file may end right after its last vector (gensim writes no final newline)
    complete = len(data) - 1 if binary else len(data)
    for cut in range(complete):
        path = _write(tmp_path, data[:cut])
        with pytest.raises(ValueError, match="line|byte offset|empty"):
            KeyedVectors.load_word2vec_format(path, binary=binary)


TEXT_CORRUPTIONS = [
    (b"", "empty"),
    (b"3 2", "line 1"),
    (b"three 2\na 1 2\n", "line 1"),
    (b"1 2 3\na 1 2\n", "line 1"),
    (b"-1 2\n", "line 1"),
    (b"1 0\na\n", "vector size 0"),
    (b"3 2\na 1 2\nb 3 4\n", "file ends after line 3"),
    (b"1 2\na 1 2\nb 3 4\n", "line 3: data continues after the 1 vectors"),
    (b"1 2\na 1 2\n\n  \n b 3 4\n", "line 5: data continues after the 1 vectors"),
    (b"2 3\na 1 2 3\nb 1 2\n", "line 3: expected 3 vector values after the word, found 2"),
    (b"2 2\na 1 2\nb 1 2 3\n", "line 3: expected 2 vector values after the word, found 3"),
    (b"2 2\na 1 2\nb 1 x\n", "line 3: non-numeric"),
    (b"2 2\na 1 2\n\nb 1 2\n", "line 3: expected a word followed by its vector values"),
    (b"2 2\na 1 2\nb\n", "line 3: expected a word"),
    (b"1 2\n\xff\xfe 1 2\n", "line 2.*not valid utf8"),
]


@pytest.mark.parametrize("data, match", TEXT_CORRUPTIONS)
def test_word2vec_text_corruption(tmp_path, data, match):
    with pytest.raises(ValueError, match=match):
        KeyedVectors.load_word2vec_format(_write(tmp_path, data))


BIN_RECORD = struct.pack("<2f", 1.0, 2.0)
BINARY_CORRUPTIONS = [
    (b"", "empty"),
    (b"2 two\n", "line 1"),
    (b"3 2\na " + BIN_RECORD + b"\nb " + BIN_RECORD + b"\n",
     "file ends at byte offset 26 inside record 3"),
    (b"1 2\na " + BIN_RECORD + b"\nb " + BIN_RECORD + b"\n",
     "byte offset 15: data continues after the 1 vectors"),
    (b"2 3\na " + BIN_RECORD + b"\nb " + BIN_RECORD + b"\n", "byte offset"),
    (b"2 2\na " + BIN_RECORD + b"\n\n\n " + BIN_RECORD + b"\n",
     "byte offset 14: record 2 has an invalid word"),
    (b"1 2\n" + bytes(range(33, 256)) * 300, "byte offset 4: no word ends within"),
    (b"3000000000 2\na " + BIN_RECORD + b"\n", "inside record 2"),  # no huge allocation
    (b"1 2000000000\na " + BIN_RECORD + b"\n", "inside record 1"),
    (b"1 1099511627776\na " + BIN_RECORD + b"\n",
     r"line 1: header declares vector size 1099511627776; it must be from 1 to 2147483647"),
    (b"18446744073709551616 2\na " + BIN_RECORD + b"\n",
     "line 1: header declares 18446744073709551616 vectors; at most 9223372036854775807"),
]


@pytest.mark.parametrize("data, match", BINARY_CORRUPTIONS)
def test_word2vec_binary_corruption(tmp_path, data, match):
    with pytest.raises(ValueError, match=match):
        KeyedVectors.load_word2vec_format(_write(tmp_path, data), binary=True)


@pytest.mark.parametrize("binary", [False, True])
def test_word2vec_fvocab_round_trip_and_gensim(tmp_path, kv, binary):
    kv.save_word2vec_format(tmp_path / "v.w2v", tmp_path / "vocab.txt", binary)
    expected = "".join(f"{w} {c}\n" for w, c in zip(WORDS, kv.counts.tolist()))
    assert (tmp_path / "vocab.txt").read_text(encoding="utf-8") == expected
    loaded = KeyedVectors.load_word2vec_format(tmp_path / "v.w2v", tmp_path / "vocab.txt", binary)
    _assert_same_kv(loaded, kv)
    theirs = gensim_models().KeyedVectors.load_word2vec_format(
        str(tmp_path / "v.w2v"), fvocab=str(tmp_path / "vocab.txt"), binary=binary)
    assert [theirs.get_vecattr(w, "count") for w in WORDS] == kv.counts.tolist()
    limited = KeyedVectors.load_word2vec_format(tmp_path / "v.w2v", fvocab=tmp_path / "vocab.txt",
                                                binary=binary, limit=3)
    assert limited.counts.tolist() == kv.counts[:3].tolist()


def test_word2vec_fvocab_from_gensim_and_partial(tmp_path, kv, caplog):
    twin = gensim_models().KeyedVectors(kv.vector_size)
    twin.add_vectors(WORDS, kv.vectors.copy())
    for word, count in zip(WORDS, kv.counts.tolist()):
        twin.set_vecattr(word, "count", count)
    twin.save_word2vec_format(str(tmp_path / "g.bin"), fvocab=str(tmp_path / "g.vocab"),
                              binary=True)
    _assert_same_kv(KeyedVectors.load_word2vec_format(tmp_path / "g.bin", tmp_path / "g.vocab",
                                                      True), kv)
    (tmp_path / "partial.vocab").write_text("the 7\n\nlast 3\nunused 5\n")
    with caplog.at_level("WARNING", logger="fastw2v"):
        partial = KeyedVectors.load_word2vec_format(tmp_path / "g.bin",
                                                    tmp_path / "partial.vocab", True)
    assert partial.counts.tolist() == [7] + [0] * (len(WORDS) - 2) + [3]
    assert "lacks 8 of the words" in caplog.text


@pytest.mark.parametrize("text, match", [
    ("the 5\nof\n", "line 2: expected 'word count'"),
    ("the 5\nof 2 3\n", "line 2: expected 'word count'"),
    ("the -5\n", "line 1: expected 'word count'"),
    ("the 5\nof x\n", "line 2: expected 'word count'"),
    ("the 5\nof 2\nthe 1\n", "line 3: word 'the' appears a second time"),
])
def test_word2vec_bad_fvocab(tmp_path, kv, text, match):
    kv.save_word2vec_format(tmp_path / "v.txt")
    (tmp_path / "vocab.txt").write_text(text)
    with pytest.raises(ValueError, match=match):
        KeyedVectors.load_word2vec_format(tmp_path / "v.txt", fvocab=tmp_path / "vocab.txt")
    with pytest.raises(FileNotFoundError):
        KeyedVectors.load_word2vec_format(tmp_path / "v.txt", fvocab=tmp_path / "missing.txt")
    with pytest.raises(TypeError, match="fvocab must be a path or None, got bool True"):
        kv.save_word2vec_format(tmp_path / "v.bin", True)  # the old (fname, binary) call


def test_fvocab_unicode_errors(tmp_path):
    (tmp_path / "vocab.txt").write_bytes(b"ok 1\nbad\xff 2\n")
    with pytest.raises(ValueError, match="line 2.*not valid utf8"):
        word2vec.read_vocab(tmp_path / "vocab.txt")
    assert (word2vec.read_vocab(tmp_path / "vocab.txt", unicode_errors="replace")
            == {"ok": 1, "bad\ufffd": 2})


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_is_binary_word2vec(tmp_path, kv, binary, suffix):
    path = tmp_path / f"v{suffix}"
    kv.save_word2vec_format(path, binary=binary)
    assert word2vec.is_binary_word2vec(path) is binary
    one = KeyedVectors(np.array([[0.5]], dtype=np.float32), ["a"])
    one.save_word2vec_format(tmp_path / "one", binary=binary)
    assert word2vec.is_binary_word2vec(tmp_path / "one") is binary
    (tmp_path / "bad").write_bytes(b"hello world\n")
    with pytest.raises(ValueError, match="line 1: expected a word2vec header"):
        word2vec.is_binary_word2vec(tmp_path / "bad")


@pytest.mark.parametrize("limit", [None, 2])
def test_word2vec_swapped_binary_flag(tmp_path, kv, limit):
    kv.save_word2vec_format(tmp_path / "v.txt")
    kv.save_word2vec_format(tmp_path / "v.bin", binary=True)
    with pytest.raises(ValueError, match="pass binary=False"):
        KeyedVectors.load_word2vec_format(tmp_path / "v.txt", binary=True, limit=limit)
    with pytest.raises(ValueError, match=r"line \d+.*pass binary=True"):
        KeyedVectors.load_word2vec_format(tmp_path / "v.bin", limit=limit)


def test_word2vec_garbage_bytes(tmp_path):
    garbage = np.random.default_rng(3).bytes(5000)
    for binary in (False, True):
        with pytest.raises(ValueError):
            KeyedVectors.load_word2vec_format(_write(tmp_path, garbage), binary=binary)
        with pytest.raises(ValueError):
            KeyedVectors.load_word2vec_format(_write(tmp_path, b"10 4\n" + garbage), binary=binary)


def test_word2vec_corrupt_compressed_files(tmp_path, kv):
    kv.save_word2vec_format(tmp_path / "v.txt.gz")
    data = (tmp_path / "v.txt.gz").read_bytes()
    for path, content in [(tmp_path / "cut.txt.gz", data[: len(data) // 2]),
                          (tmp_path / "fake.txt.gz", b"not gzip at all"),
                          (tmp_path / "fake.txt.bz2", b"not bzip2 at all")]:
        path.write_bytes(content)
        with pytest.raises(ValueError, match="compressed stream"):
            KeyedVectors.load_word2vec_format(path)
    assert gzip.decompress(data).startswith(b"10 7\n")


def test_word2vec_invalid_arguments_and_missing_file(tmp_path, kv):
    kv.save_word2vec_format(tmp_path / "v.txt")
    with pytest.raises(ValueError, match="limit"):
        KeyedVectors.load_word2vec_format(tmp_path / "v.txt", limit=0)
    with pytest.raises(ValueError, match="datatype"):
        KeyedVectors.load_word2vec_format(tmp_path / "v.txt", datatype=np.int32)
    with pytest.raises(ValueError, match="no_header"):
        KeyedVectors.load_word2vec_format(tmp_path / "v.txt", binary=True, no_header=True)
    with pytest.raises(FileNotFoundError):
        KeyedVectors.load_word2vec_format(tmp_path / "missing.txt")
    with pytest.raises(OSError):
        KeyedVectors.load_word2vec_format(os.fspath(tmp_path / "missing.bin"), binary=True)


# ----------------------------------------------------------------------------------------
# atomic_output: every writer's way to a file
# ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", ["", ".gz", ".bz2", ".xz"])
def test_atomic_output_replaces_the_file_whole(tmp_path, suffix):
    target = tmp_path / f"out.txt{suffix}"
    target.write_bytes(b"old")
    target.chmod(0o640)
    with _compression.atomic_output(target) as fout:
        fout.write(b"new content\n")
        assert target.read_bytes() == b"old"  # nothing visible before the block ends
    with _compression.open_compressed(target) as fin:
        assert fin.read() == b"new content\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_atomic_output_keeps_the_old_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt):
        with _compression.atomic_output(target) as fout:
            fout.write(b"partial")
            raise KeyboardInterrupt
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_atomic_output_names_the_file_of_an_anonymous_write_error(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(OSError, match=r"writing '.*out\.txt' failed: No space left on device "
                       r"\(the disk is full\); nothing was written") as info:
        with _compression.atomic_output(target):
            raise OSError(28, "No space left on device")
    assert info.value.errno == 28
    assert not target.exists() and list(tmp_path.iterdir()) == []
    target.write_bytes(b"old")
    # numpy's tofile() on a full disk raises an OSError with neither errno nor file name
    with pytest.raises(OSError, match=r"^writing '.*out\.txt' failed: 600000 requested and "
                       "418784 written; the previous file is intact$"):
        with _compression.atomic_output(target):
            raise OSError("600000 requested and 418784 written")
    assert target.read_bytes() == b"old" and list(tmp_path.iterdir()) == [target]


def test_atomic_output_refuses_a_directory(tmp_path):
    with pytest.raises(IsADirectoryError, match="over a directory"):
        with _compression.atomic_output(tmp_path):
            pass


def test_open_compressed_only_reads(tmp_path):
    with pytest.raises(ValueError, match="mode='wb'.*atomic_output"):
        _compression.open_compressed(tmp_path / "x.gz", "wb")


def test_atomic_output_removes_what_a_killed_writer_left(tmp_path):
    target = tmp_path / "out.txt"
    abandoned = tmp_path / ".out.txt.tmp-0123"  # a writer killed mid-write: no lock held
    abandoned.write_bytes(b"x" * 1000)
    living = tmp_path / ".out.txt.tmp-4567"  # a writer still at work holds its lock
    living.write_bytes(b"y")
    starting = tmp_path / ".out.txt.tmp-89ab"  # empty: maybe a writer about to lock it
    starting.write_bytes(b"")
    stale = tmp_path / ".out.txt.tmp-cdef"  # empty, and a minute old: abandoned
    stale.write_bytes(b"")
    os.utime(stale, (time.time() - 61, time.time() - 61))
    import fcntl
    with open(living, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        with _compression.atomic_output(target) as fout:
            fout.write(b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == [living.name, starting.name, "out.txt"]
    assert target.read_bytes() == b"new"


# ----------------------------------------------------------------------------------------
# bounded reads of headers, and what one side writes the other reads
# ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("header, match", [
    (b"1 1099511627776", "vector size 1099511627776; it must be from 1 to 2147483647"),
    (b"1 99999999999999999999999999", "vector size 99999999999999999999999999"),
    (b"99999999999999999999999999 3", "99999999999999999999999999 vectors; at most"),
])
def test_huge_header_is_refused_naming_the_file(tmp_path, header, match):
    """`fastw2v similar FILE` on a 30-byte file used to try allocating 4 TB."""
    path = tmp_path / "tiny.bin"
    path.write_bytes((header + b"\nw " + bytes(range(40)))[:30])
    message = rf"'?{path}'?, line 1: header declares {match}"
    with pytest.raises(ValueError, match=message):
        word2vec.is_binary_word2vec(path)
    for binary in (False, True):
        with pytest.raises(ValueError, match=message):
            KeyedVectors.load_word2vec_format(path, binary=binary)


def test_is_binary_word2vec_reads_a_bounded_prefix(tmp_path, monkeypatch):
    path = tmp_path / "wide.bin"
    path.write_bytes(b"1 2000000000\nw " + bytes(range(1, 200)))
    sizes = []
    real_open = _compression.open_compressed

    def recording_open(*args):
        fin = real_open(*args)
        real_read = fin.read
        fin.read = lambda size=-1: sizes.append(size) or real_read(size)
        return fin

    monkeypatch.setattr(word2vec, "open_compressed", recording_open)
    assert word2vec.is_binary_word2vec(path) is True
    assert sizes == [65536 + 4 * 65536]


def test_read_vocab_count_beyond_int64(tmp_path):
    (tmp_path / "vocab.txt").write_bytes(b"a 9223372036854775807\nb 9223372036854775808\n")
    with pytest.raises(ValueError, match=r"vocab.txt, line 2: count 9223372036854775808 is larger "
                       r"than the maximum 9223372036854775807 \(2\*\*63 - 1\)"):
        word2vec.read_vocab(tmp_path / "vocab.txt")
    (tmp_path / "vocab.txt").write_bytes(b"a 9223372036854775807\n")
    assert word2vec.read_vocab(tmp_path / "vocab.txt") == {"a": 2**63 - 1}


def test_vocab_byte_order_mark(tmp_path):
    """A BOM (Windows editors write one) is not part of the first word; so the writer
    refuses a first word that starts with U+FEFF, which would read back without it."""
    (tmp_path / "vocab.txt").write_bytes(b"\xef\xbb\xbfthe 5\nof 3\n")
    assert word2vec.read_vocab(tmp_path / "vocab.txt") == {"the": 5, "of": 3}
    with pytest.raises(ValueError, match=r"word '\\ufeffthe' cannot be the first of a vocabulary "
                       "file: its leading U\\+FEFF would read back as a byte-order mark"):
        word2vec.write_vocab(tmp_path / "out.txt", ["\ufeffthe", "of"], [5, 3])
    word2vec.write_vocab(tmp_path / "out.txt", ["of", "\ufeffthe"], [3, 5])  # not first: kept as is
    assert word2vec.read_vocab(tmp_path / "out.txt") == {"of": 3, "\ufeffthe": 5}
    assert not (tmp_path / "out.txt").read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("space", ["\t", "\r", "\x0b", "\x0c", "\n", " "])
def test_words_with_whitespace_are_refused_on_both_sides(tmp_path, space):
    word = f"a{space}b"
    with pytest.raises(ValueError, match="words must be non-empty strings without whitespace"):
        KeyedVectors(np.ones((1, 2), np.float32), [word]).save_word2vec_format(tmp_path / "v.bin",
                                                                               binary=True)
    if space != " ":  # (a space ends the word)
        path = _write(tmp_path, b"1 2\n" + word.encode() + b" " + BIN_RECORD + b"\n")
        with pytest.raises(ValueError, match=r"byte offset 4: record 1 has an invalid word .*"
                           "words are non-empty, without whitespace"):
            KeyedVectors.load_word2vec_format(path, binary=True)


@pytest.mark.parametrize("word", ["\udcff", "a\ud800b"])
def test_lone_surrogates_are_refused_on_both_sides(tmp_path, word):
    """UTF-8 cannot hold them; the writer used to write surrogate-escaped bytes that the
    reader then refused."""
    kv = KeyedVectors(np.ones((1, 2), np.float32), [word])
    for binary in (False, True):
        with pytest.raises(ValueError, match=r"cannot be stored in word2vec format: "
                                             r"it holds a lone surrogate"):
            kv.save_word2vec_format(tmp_path / "v", binary=binary)
    with pytest.raises(ValueError, match="lone surrogate"):
        word2vec.write_vocab(tmp_path / "vocab.txt", [word], [1])
    assert list(tmp_path.iterdir()) == []
    kv.save(tmp_path / "kv")  # the native format stores any str (JSON escapes)
    assert KeyedVectors.load(tmp_path / "kv").index_to_key == [word]


@pytest.mark.parametrize("binary", [False, True])
def test_every_writable_word_reads_back(tmp_path, binary):
    words = ["\u3000x", "\x85", "\xa0", "\x1c\x1f", "é", "\U0001f600", "\ufeff", "a\x00b", "\\n"]
    kv = KeyedVectors(np.arange(2 * len(words), dtype=np.float32).reshape(-1, 2), words,
                      np.arange(len(words), 0, -1))  # descending: written in index order
    kv.save_word2vec_format(tmp_path / "v", fvocab=tmp_path / "vocab", binary=binary)
    loaded = KeyedVectors.load_word2vec_format(tmp_path / "v", fvocab=tmp_path / "vocab",
                                               binary=binary)
    _assert_same_kv(loaded, kv)


# the three readers of text files (corpus, word2vec formats, evaluation files) alike

_COMPRESSORS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}
_READERS = {
    "corpus": lambda path: list(readers.LineSentence(path)),
    "word2vec": KeyedVectors.load_word2vec_format,
    "word2vec detection": word2vec.is_binary_word2vec,
    "word2vec vocab": word2vec.read_vocab,
    "evaluation": lambda path: KeyedVectors(np.eye(2, dtype=np.float32), ["a", "b"])
    .evaluate_word_pairs(path),
}
_TEXTS = {"corpus": b"a b a b\n" * 2000, "word2vec": b"2 2\na 1 0\nb 0 1\n",
          "word2vec detection": b"2 2\na 1 0\nb 0 1\n",
          "word2vec vocab": b"".join(b"w%d %d\n" % (i, i) for i in range(1000)),
          "evaluation": b"a\tb\t1.0\n" * 2000}


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
@pytest.mark.parametrize("suffix", sorted(_COMPRESSORS))
@pytest.mark.parametrize("reader", sorted(_READERS))
def test_a_corrupt_compressed_file_is_named(tmp_path, reader, suffix, damage):
    data = _COMPRESSORS[suffix](_TEXTS[reader])
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(data[:len(data) // 2] if damage == "truncated" else b"not compressed")
    with pytest.raises(ValueError, match=re.escape(str(path)) + r".*(corrupt|truncated)"):
        _READERS[reader](path)


@pytest.mark.parametrize("reader, data, message", [
    ("corpus", b"a b\nc d\xe9 e\n",
     r"'{}' line 2, byte 4: b'\\xe9' is not valid UTF-8 \(invalid continuation byte\); pass "
     r"encoding_errors='replace' or 'ignore' to read it anyway$"),
    ("word2vec", b"2 2\na 1 0\nb\xff 0 1\n",
     r"^{}, line 3: b'\\xff' is not valid utf8 \(invalid start byte\); pass "
     r"unicode_errors='replace' or 'ignore' to read it anyway$"),
    ("evaluation", b"a\tb\t1.0\nb\t\xff\t2.0\n",
     r"^'{}', line 2: b'\\xff' is not valid utf8 \(invalid start byte\)$"),
])
def test_bad_bytes_are_named_alike_by_every_reader(tmp_path, reader, data, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(ValueError, match=message.format(re.escape(str(path)))):
        _READERS[reader](path)


def test_word2vec_limit_takes_any_integer(tmp_path, kv):
    kv.save_word2vec_format(tmp_path / "v.txt")
    loaded = KeyedVectors.load_word2vec_format(tmp_path / "v.txt", limit=np.int64(2))
    assert loaded.index_to_key == WORDS[:2]  # as restrict_vocab=np.int64(2) is taken
    for bad, error in [(0, ValueError), (2.0, TypeError), (True, TypeError)]:
        with pytest.raises(error, match=f"limit must be an int >= 1 or None, got {bad!r}"):
            KeyedVectors.load_word2vec_format(tmp_path / "v.txt", limit=bad)


@pytest.mark.parametrize("mmap, error", [("w", ValueError), (1, TypeError)])
def test_bad_mmap_mode(saved_file, mmap, error):
    with pytest.raises(error, match=f"mmap must be one of None, 'r', 'r\\+', 'c', got {mmap!r}"):
        KeyedVectors.load(saved_file, mmap=mmap)
