"""Fuzz tests: every reader, given a damaged file, loads it correctly or raises ValueError
or OSError naming the file; never another exception, never a crash or a huge allocation.

Bounded (a few hundred examples in all), derandomized, no example database."""
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_formats import save_old_directory

from fastw2v import KeyedVectors
from fastw2v.formats import word2vec

FUZZ = settings(max_examples=40, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
WORDS = ["the", "of", "Zürich", "東京", "a_b", "last"]
KV = KeyedVectors(np.linspace(-2, 2, len(WORDS) * 3, dtype=np.float32).reshape(-1, 3), WORDS,
                  np.arange(len(WORDS), 0, -1))


def _original_bytes(write):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f"
        write(path)
        return path.read_bytes()


TEXT = _original_bytes(KV.save_word2vec_format)
BINARY = _original_bytes(lambda p: KV.save_word2vec_format(p, binary=True))
VOCAB = _original_bytes(lambda p: word2vec.write_vocab(p, WORDS, KV.counts.tolist()))
NATIVE = _original_bytes(KV.save)


@st.composite
def damaged(draw, original):
    """`original` with a few bytes replaced, a few inserted, and maybe cut short."""
    data = bytearray(original)
    for _ in range(draw(st.integers(0, 4))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.sampled_from([b" ", b"\n", b"\t", b"\x00", b"9" * 25, b"\xff\xfe",
                                            b"-"]))
    if draw(st.booleans()):
        del data[draw(st.integers(0, len(data))):]
    return bytes(data)


def _load_or_clear_error(load, path):
    """The loaded object, or None after a ValueError/OSError that names the file."""
    try:
        return load(path)
    except (ValueError, OSError) as err:
        assert str(path) in str(err), f"{type(err).__name__} does not name the file: {err}"
        return None


def _assert_well_formed(kv):
    assert isinstance(kv, KeyedVectors)
    assert kv.vectors.ndim == 2 and kv.vectors.shape[0] == len(kv.index_to_key) == len(kv.counts)
    assert kv.vectors.dtype.kind == "f" and kv.counts.dtype == np.int64
    assert all(isinstance(key, str) and key for key in kv.index_to_key)
    assert len(set(kv.index_to_key)) == len(kv.index_to_key)


@pytest.mark.parametrize("binary", [False, True])
@FUZZ
@given(data=st.data())
def test_word2vec_readers_on_damaged_files(tmp_path, binary, data):
    path = tmp_path / "vectors.w2v"
    path.write_bytes(data.draw(damaged(BINARY if binary else TEXT)))
    kv = _load_or_clear_error(lambda p: KeyedVectors.load_word2vec_format(p, binary=binary), path)
    if kv is not None:
        _assert_well_formed(kv)
    detected = _load_or_clear_error(word2vec.is_binary_word2vec, path)
    assert detected in (None, True, False)


@FUZZ
@given(data=st.data())
def test_vocab_reader_on_damaged_files(tmp_path, data):
    path = tmp_path / "vocab.txt"
    path.write_bytes(data.draw(damaged(VOCAB)))
    counts = _load_or_clear_error(word2vec.read_vocab, path)
    if counts is not None:
        assert all(isinstance(w, str) and w and 0 <= c < 2**63 for w, c in counts.items())
        word2vec.write_vocab(tmp_path / "again.txt", list(counts), list(counts.values()))
        assert word2vec.read_vocab(tmp_path / "again.txt") == counts  # what was read writes back


@pytest.mark.parametrize("mmap", [None, "r"])
@FUZZ
@given(data=st.data())
def test_native_file_loader_on_damaged_files(tmp_path, mmap, data):
    path = tmp_path / "vectors.kv"
    path.write_bytes(data.draw(damaged(NATIVE)))
    kv = _load_or_clear_error(lambda p: KeyedVectors.load(p, mmap=mmap), path)
    if kv is not None:
        _assert_well_formed(kv)


def _native_members():
    with zipfile.ZipFile(io.BytesIO(NATIVE)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write_archive(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)


@FUZZ
@given(data=st.data(), member=st.sampled_from(["meta.json", "vectors.npy", "counts.npy"]))
def test_native_file_loader_on_damaged_members(tmp_path, data, member):
    """Damage inside a member of an otherwise valid archive (its CRC made to agree)."""
    path = tmp_path / "vectors.kv"
    members = _native_members()
    members[member] = data.draw(damaged(members[member]))
    _write_archive(path, members)
    kv = _load_or_clear_error(KeyedVectors.load, path)
    if kv is not None:
        _assert_well_formed(kv)


@FUZZ
@given(data=st.data(), member=st.sampled_from(["meta.json", "vectors.npy", "counts.npy"]))
def test_native_directory_loader_on_damaged_files(tmp_path, data, member):
    directory = tmp_path / f"kv{len(os.listdir(tmp_path))}"
    save_old_directory(directory, {"kind": "KeyedVectors", "index_to_key": WORDS},
                       {"vectors": KV.vectors, "counts": KV.counts})
    (directory / member).write_bytes(data.draw(damaged((directory / member).read_bytes())))
    kv = _load_or_clear_error(KeyedVectors.load, directory)
    if kv is not None:
        _assert_well_formed(kv)


@FUZZ
@given(meta=st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                         lambda inner: st.lists(inner, max_size=3)
                         | st.dictionaries(st.sampled_from(["format", "format_version", "arrays",
                                                            "index_to_key", "vectors", "file",
                                                            "shape", "dtype", "kind"]), inner,
                                           max_size=4), max_leaves=12))
def test_native_loaders_on_arbitrary_meta_documents(tmp_path, meta):
    """Any JSON document as meta.json, in a file and in a directory."""
    members = _native_members()
    base = json.loads(members["meta.json"])
    document = {**base, **meta} if isinstance(meta, dict) else meta
    members["meta.json"] = json.dumps(document).encode()
    path = tmp_path / "vectors.kv"
    _write_archive(path, members)
    kv = _load_or_clear_error(KeyedVectors.load, path)
    if kv is not None:
        _assert_well_formed(kv)
