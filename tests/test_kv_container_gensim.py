"""KeyedVectors as a container, call for call against gensim 4.4's KeyedVectors: both
constructors, keys of any type, per-key attributes (expandos), additions, sorting,
resizing, the removed gensim 3 attributes and the word2vec-format writer."""
import contextlib
import re

import numpy as np
import pytest
from conftest import gensim_models

from fastw2v import KeyedVectors

DIM = 6


def _gensim():
    return gensim_models().KeyedVectors


def _both(*args, **kwargs):
    """(ours, gensim's) built by gensim's constructor with the same arguments."""
    return KeyedVectors(*args, **kwargs), _gensim()(*args, **kwargs)


def _same_state(ours, theirs):
    assert ours.index_to_key == theirs.index_to_key
    assert ours.key_to_index == theirs.key_to_index
    assert ours.next_index == theirs.next_index
    np.testing.assert_array_equal(ours.vectors, theirs.vectors)
    assert ours.vectors.dtype == theirs.vectors.dtype
    assert sorted(ours.expandos) == sorted(theirs.expandos)
    for attr, values in theirs.expandos.items():
        assert ours.expandos[attr].dtype == values.dtype, attr
        np.testing.assert_array_equal(ours.expandos[attr], values)


def _rows(n, seed=0):
    return np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)


# ----------------------------------------------------------------------------------------
# the data model: constructors, keys, per-key attributes
# ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, kwargs", [
    ((DIM,), {}),
    ((DIM, 4), {}),
    ((DIM,), {"count": 3, "dtype": np.float64, "mapfile_path": "some.map"}),
    ((), {"vector_size": DIM, "count": 2}),
])
def test_gensim_constructor(args, kwargs):
    ours, theirs = _both(*args, **kwargs)
    _same_state(ours, theirs)
    assert ours.vector_size == theirs.vector_size == DIM
    assert ours.mapfile_path == theirs.mapfile_path
    assert len(ours) == len(theirs) and str(ours) == str(theirs)


@pytest.mark.parametrize("args, error, match", [
    ((0,), ValueError, "vector_size must be an int >= 1, got 0"),
    ((DIM, -1), ValueError, "count must be an int >= 0, got -1"),
    ((DIM, 2.0), TypeError, "count must be an int >= 0, got 2.0"),
    ((DIM, 2, np.int32), TypeError,
     "dtype must be a floating-point dtype, got <class 'numpy.int32'>"),
])
def test_gensim_constructor_refuses_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        KeyedVectors(*args)


def test_array_constructor_keeps_counts_as_the_count_attribute():
    vectors = _rows(3)
    kv = KeyedVectors(vectors, ["a", "b", "c"], [5, 3, 1])
    assert kv.vectors is vectors and kv.next_index == 3 and kv.mapfile_path is None
    assert list(kv.expandos) == ["count"] and kv.counts is kv.expandos["count"]
    assert kv.counts.dtype == np.int64 and kv.counts.tolist() == [5, 3, 1]
    assert kv.get_vecattr("b", "count") == 3
    kv.counts = np.array([1, 2, 3], dtype=np.int32)
    assert kv.expandos["count"].dtype == np.int64 and kv.get_vecattr("c", "count") == 3
    with pytest.raises(ValueError, match=r"counts must be integers, one per key \(3\), got dtype "
                                         r"float64 shape \(3,\)"):
        kv.counts = [1.0, 2.0, 3.0]


def test_counts_of_gensim_constructed_vectors_start_as_zeros():
    kv = KeyedVectors(DIM, 2)
    assert kv.expandos == {}
    assert kv.counts.tolist() == [0, 0] and kv.counts.dtype == np.int64
    assert kv.counts is kv.expandos["count"]


def test_int_and_other_keys_resolve_keys_first_then_row_indexes():
    keys = [3, 7, "x", np.int64(40), ("t", 1)]
    ours, theirs = _both(DIM)
    ours.add_vectors(keys, _rows(5))
    theirs.add_vectors(keys, _rows(5))
    _same_state(ours, theirs)
    for key in [3, 7, "x", 40, ("t", 1), 1, 4, np.int32(2)]:  # 1, 4, 2: row indexes
        assert ours.get_index(key) == theirs.get_index(key), key
        assert ours.has_index_for(key) and theirs.has_index_for(key)
        np.testing.assert_array_equal(ours.get_vector(key), theirs.get_vector(key))
    np.testing.assert_array_equal(ours[[7, "x", 0]], theirs[[7, "x", 0]])
    for missing in [5, -1, "y", 3.0 + 0.5]:
        assert not ours.has_index_for(missing) and not theirs.has_index_for(missing)
        assert ours.get_index(missing, default=-7) == theirs.get_index(missing, default=-7)
        with pytest.raises(KeyError) as their_error:
            theirs.get_index(missing)
        with pytest.raises(KeyError, match=re.escape(their_error.value.args[0])):
            ours.get_index(missing)


def test_missing_key_message_is_gensims():
    ours, theirs = _both(DIM)
    for kv in (ours, theirs):
        kv.add_vectors(["a"], _rows(1))
    with pytest.raises(KeyError) as their_error:
        theirs["zz"]
    with pytest.raises(KeyError, match="^\"Key 'zz' not present\"$") as our_error:
        ours["zz"]
    assert str(our_error.value) == str(their_error.value)


def test_vecattrs_as_gensim():
    ours, theirs = _both(DIM)
    for kv in (ours, theirs):
        kv.add_vectors(["a", "b", "c"], _rows(3))
        kv.set_vecattr("b", "count", 7)
        kv.set_vecattr(2, "count", 2)  # a row index
        kv.set_vecattr("a", "label", "first")  # str: an object array
        kv.set_vecattr("c", "weight", 0.25)
        kv.set_vecattr("a", "flag", np.int32(1))
        kv.allocate_vecattrs(["rank"], [np.uint32])
    _same_state(ours, theirs)
    for key in ["a", "b", "c"]:
        for attr in ["count", "label", "weight", "flag", "rank"]:
            mine, gensims = ours.get_vecattr(key, attr), theirs.get_vecattr(key, attr)
            assert mine == gensims and type(mine) is type(gensims)
    assert ours.counts.tolist() == [0, 7, 2]


@pytest.mark.parametrize("call, error, match", [
    (lambda kv: kv.set_vecattr("a", "count", 1.5), TypeError,
     "Can't allocate type <class 'float'> for attribute count, conflicts with its existing type "
     "int64"),
    (lambda kv: kv.set_vecattr("a", "count", np.int32(1)), TypeError,
     "Can't allocate type <class 'numpy.int32'> for attribute count"),
    (lambda kv: kv.get_vecattr("a", "nope"), KeyError,
     r"no vector attribute 'nope'; the attributes are \['count'\]"),
    (lambda kv: kv.get_vecattr("zz", "count"), KeyError, "Key 'zz' not present"),
    (lambda kv: kv.set_vecattr("zz", "count", 1), KeyError, "Key 'zz' not present"),
    (lambda kv: kv.allocate_vecattrs(["x", "y"], [int]), ValueError,
     r"types must give one type for each of the attributes \['x', 'y'\], got \[<class 'int'>\]"),
])
def test_vecattr_errors_are_gensims_types(call, error, match):
    ours, theirs = _both(DIM)
    for kv in (ours, theirs):
        kv.add_vectors(["a"], _rows(1))
        kv.set_vecattr("a", "count", 3)
    with pytest.raises(error, match=match):
        call(ours)
    if error is not ValueError:  # gensim zips the lists without a check
        with pytest.raises(error):
            call(theirs)
    _same_state(ours, theirs)


def test_allocate_vecattrs_resizes_every_attribute_to_the_keys():
    ours, theirs = _both(DIM)
    for kv in (ours, theirs):
        kv.add_vectors(["a", "b"], _rows(2))
        kv.set_vecattr("b", "count", 4)
        kv.index_to_key.append("c")
        kv.allocate_vecattrs()
        kv.index_to_key[:] = ["a"]
        kv.allocate_vecattrs()
    assert ours.expandos["count"].tolist() == theirs.expandos["count"].tolist() == [0]


# ----------------------------------------------------------------------------------------
# additions, sorting, resizing, subsets
# ----------------------------------------------------------------------------------------

def test_add_vector_fills_the_preallocated_slots_then_appends(caplog):
    ours, theirs = _both(DIM, 2)
    rows = _rows(4)
    for kv in (ours, theirs):
        kv.set_vecattr(0, "count", 9)  # a free slot's attribute, by row index
    for key, row in zip(["a", 5, "c"], rows):
        with pytest.warns(UserWarning) if key == "c" else contextlib.nullcontext():
            their_index = theirs.add_vector(key, row)
        assert ours.add_vector(key, row) == their_index
        _same_state(ours, theirs)
    assert "grows by one each time" in caplog.text  # the third one, appended
    np.testing.assert_array_equal(ours["c"], rows[2])


@pytest.mark.parametrize("key, vector, match", [
    ("a", np.ones(DIM), r"key 'a' already has a vector \(index 0\); use kv\[key\] = vector"),
    ("b", np.ones(DIM + 1), rf"vector must have shape \({DIM},\), got \({DIM + 1},\)"),
])
def test_add_vector_refuses(key, vector, match):
    kv = KeyedVectors(DIM, 2)
    kv.add_vector("a", np.zeros(DIM))
    with pytest.raises(ValueError, match=match):
        kv.add_vector(key, vector)
    assert kv.index_to_key == ["a", None] and kv.next_index == 1


def test_add_vectors_extras_of_any_attribute():
    kv = KeyedVectors(_rows(2), ["a", "b"], [4, 2])
    kv.set_vecattr("a", "label", "x")
    rows = _rows(3, seed=1)
    kv.add_vectors(["b", "c", 9], rows, extras={"count": np.array([7, 5, 3]),
                                                "label": ["bb", "cc", "nine"],
                                                "weight": np.array([0.5, 1.5, 2.5])})
    assert kv.index_to_key == ["a", "b", "c", 9]
    assert kv.counts.tolist() == [4, 2, 5, 3]  # "b" kept (no replace)
    assert kv.expandos["label"].tolist() == ["x", 0, "cc", "nine"]
    assert kv.expandos["label"].dtype == object
    assert kv.expandos["weight"].tolist() == [0.0, 0.0, 1.5, 2.5]
    kv.add_vectors(["b"], rows[:1], extras={"count": [8], "weight": [0.5]}, replace=True)
    assert kv.counts.tolist() == [4, 8, 5, 3] and kv.get_vecattr("b", "weight") == 0.5
    np.testing.assert_array_equal(kv["b"], rows[0])
    np.testing.assert_array_equal(kv[9], rows[2])


def test_add_vectors_and_setitem_as_gensim():
    ours, theirs = _both(DIM)
    rows = _rows(6)
    for kv in (ours, theirs):
        kv.add_vectors(["a", "b", 3], rows[:3])
        kv.add_vectors("d", rows[3])
        kv.add_vectors(["a", "e"], rows[4:6])  # "a" kept
        kv["b"] = rows[5]
        kv[["e", "f"]] = rows[:2]
        kv[("t", 1)] = rows[2]  # a tuple is one key
    _same_state(ours, theirs)


def test_sort_by_descending_frequency_as_gensim():
    keys = ["a", "b", "c", "d", "e"]
    counts = [3, 9, 3, 1, 9]
    ours, theirs = _both(DIM)
    for kv in (ours, theirs):
        kv.add_vectors(keys, _rows(5))
        for key, count in zip(keys, counts):
            kv.set_vecattr(key, "count", count)
        kv.set_vecattr("c", "label", "cee")
    ours.vectors_lockf = np.arange(5, dtype=np.float32)
    for kv in (ours, theirs):
        kv.sort_by_descending_frequency()
    assert ours.index_to_key == ["e", "b", "c", "a", "d"]  # ties: the later key first
    _same_state(ours, theirs)
    assert ours.vectors_lockf.tolist() == [4, 1, 2, 0, 3]
    ours.vectors_lockf = np.ones(1, np.float32)
    for kv in (ours, theirs):
        kv.sort_by_descending_frequency()  # sorted already: the same order
    _same_state(ours, theirs)
    empty, their_empty = _both(DIM)
    empty.sort_by_descending_frequency()
    their_empty.sort_by_descending_frequency()
    with pytest.raises(KeyError, match="count"):
        KeyedVectors(DIM, 1).sort_by_descending_frequency()


@pytest.mark.parametrize("seed", [0, 5])
def test_resize_vectors_as_gensim(seed):
    ours, theirs = _both(DIM)
    for kv in (ours, theirs):
        kv.add_vectors(["a", "b"], _rows(2))
        kv.set_vecattr("a", "count", 2)
        kv.index_to_key.extend(["c", "d", "e"])
        kv.resize_vectors(seed=seed)
    _same_state(ours, theirs)
    assert ours.vectors.dtype == np.float32
    before = ours.vectors
    ours.resize_vectors()
    assert ours.vectors is before  # the right size already: kept


def _subset_sources():
    ours, theirs = _both(DIM)
    for kv in (ours, theirs):
        kv.add_vectors(["a", "b", "c", 7], _rows(4))
        kv.set_vecattr("b", "count", 5)
        kv.set_vecattr("c", "weight", 0.5)  # (gensim fails to copy a str attribute's zeros)
    return ours, theirs


@pytest.mark.parametrize("copy_vecattrs", [False, True])
@pytest.mark.parametrize("allow_inference", [True, False])
def test_vectors_for_all_as_gensim(copy_vecattrs, allow_inference):
    wanted = ["c", "zz", "a", "c", 7, "b", "a"]
    ours, theirs = [kv.vectors_for_all(wanted, allow_inference, copy_vecattrs)
                    for kv in _subset_sources()]
    _same_state(ours, theirs)
    assert isinstance(ours, KeyedVectors) and ours.index_to_key == ["c", "a", 7, "b"]


def test_vectors_for_all_takes_row_indexes_with_allow_inference():
    """gensim takes them too but then drops a small one as a row index of the new
    KeyedVectors ("duplicate word"), leaving a free slot; fastw2v keeps it."""
    kv = _subset_sources()[0]
    subset = kv.vectors_for_all(["c", 1], allow_inference=True)
    assert subset.index_to_key == ["c", 1]
    np.testing.assert_array_equal(subset[[0, 1]], kv[["c", "b"]])
    assert kv.vectors_for_all(["c", 1], allow_inference=False).index_to_key == ["c"]


def test_vectors_for_all_copies_the_rows():
    kv = KeyedVectors(_rows(3), ["a", "b", "c"], [3, 2, 1])
    subset = kv.vectors_for_all(["c", "a"])
    subset.vectors[0] = 0.0
    assert kv["c"].any()


# ----------------------------------------------------------------------------------------
# gensim 3's names and the rest of gensim's container API
# ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["vocab", "index2word", "index2entity", "vectors_norm"])
def test_removed_gensim3_attributes_raise_gensims_message(name):
    ours, theirs = _both(DIM)
    with pytest.raises(AttributeError) as their_error:
        getattr(theirs, name)
    with pytest.raises(AttributeError, match=re.escape(str(their_error.value))):
        getattr(ours, name)
    assert not hasattr(ours, name)


def test_removed_gensim3_attribute_setters_as_gensim():
    ours, theirs = _both(DIM)
    for kv in (ours, theirs):
        kv.index2word = ["x"]
        assert kv.index_to_key == ["x"]
        kv.index2entity = ["y"]
        assert kv.index_to_key == ["y"]
        kv.vectors_norm = "ignored"
        with pytest.raises(AttributeError, match="The vocab attribute was removed"):
            kv.vocab = {}


def _vectors_with_counts(dtype=np.float32):
    keys = ["a", "b", 7, "dé", "e"]
    ours, theirs = _both(DIM, dtype=dtype)
    rows = (_rows(5) * np.array([1, 1e-6, 1e5, 3, 1e-30], np.float32)[:, None]).astype(dtype)
    for kv in (ours, theirs):
        kv.add_vectors(keys, rows)
        for key, count in zip(keys, [3, 9, 3, 1, 9]):
            kv.set_vecattr(key, "count", count)
        kv.set_vecattr("dé", "rank", np.int16(200))  # (gensim negates: unsigned would wrap)
    return ours, theirs


def _save_both(tmp_path, ours, theirs, fvocab=False, **kwargs):
    """Save with the same arguments (and a vocabulary file if `fvocab`); return the
    (fname, fvocab) paths of ours and of gensim's."""
    paths = []
    for name, kv in (("ours", ours), ("gensim", theirs)):
        vocab = tmp_path / f"{name}.vocab" if fvocab else None
        kv.save_word2vec_format(tmp_path / f"{name}.w2v", vocab, **kwargs)
        paths.append((tmp_path / f"{name}.w2v", vocab))
    return paths


@pytest.mark.parametrize("kwargs", [
    {},
    {"fvocab": True},
    {"fvocab": True, "prefix": "p_", "total_vec": 11},
    {"write_header": False},
    {"sort_attr": "rank"},
    {"sort_attr": "absent"},
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_text_files_are_gensims_byte_for_byte(tmp_path, kwargs, dtype):
    ours, theirs = _vectors_with_counts(dtype)
    (mine, my_vocab), (gensims, their_vocab) = _save_both(tmp_path, ours, theirs, **kwargs)
    assert mine.read_bytes() == gensims.read_bytes()
    if my_vocab is not None:
        assert my_vocab.read_bytes() == their_vocab.read_bytes()


@pytest.mark.parametrize("kwargs", [{}, {"fvocab": True, "prefix": "x:"}, {"sort_attr": "rank"}])
def test_binary_files_are_gensims_but_for_the_newline_after_each_vector(tmp_path, kwargs):
    ours, theirs = _vectors_with_counts()
    (mine, my_vocab), (gensims, their_vocab) = _save_both(tmp_path, ours, theirs, binary=True,
                                                          **kwargs)
    data, expected = mine.read_bytes(), gensims.read_bytes()
    header = expected.index(b"\n") + 1
    keys = [f"{kwargs.get('prefix', '')}{key} ".encode() for key in
            (["b", "e", "a", 7, "dé"] if "sort_attr" not in kwargs else
             ["dé", "a", "b", 7, "e"])]
    assert data[:header] == expected[:header]
    pos, their_pos = header, header
    for key in keys:  # ours: key, values, newline; gensim's: key, values
        size = len(key) + 4 * DIM
        assert data[pos:pos + size] == expected[their_pos:their_pos + size]
        assert data[pos + size:pos + size + 1] == b"\n"
        pos, their_pos = pos + size + 1, their_pos + size
    assert pos == len(data) and their_pos == len(expected)
    if my_vocab is not None:
        assert my_vocab.read_bytes() == their_vocab.read_bytes()
    loaded = _gensim().load_word2vec_format(mine, binary=True)
    assert loaded.index_to_key == [key.decode()[:-1] for key in keys]


@pytest.mark.parametrize("binary", [False, True])
def test_gensim_reads_our_files_back(tmp_path, binary):
    ours, _ = _vectors_with_counts()
    ours.save_word2vec_format(tmp_path / "v", tmp_path / "vocab", binary=binary)
    loaded = _gensim().load_word2vec_format(tmp_path / "v", tmp_path / "vocab", binary=binary)
    assert loaded.index_to_key == ["b", "e", "a", "7", "dé"]
    for key in ["a", "b", 7, "dé", "e"]:
        np.testing.assert_array_equal(loaded[str(key)], ours[key])
        assert loaded.get_vecattr(str(key), "count") == ours.get_vecattr(key, "count")


@pytest.mark.parametrize("suffix", ["", ".gz", ".bz2"])
@pytest.mark.parametrize("binary", [False, True])
def test_append_as_gensim(tmp_path, suffix, binary):
    """A header with total_vec, then two appended batches: gensim's reader reads them all."""
    ours, theirs = _vectors_with_counts()
    extra_ours, extra_theirs = _both(DIM)
    for kv in (extra_ours, extra_theirs):
        kv.add_vectors(["x", "y"], _rows(2, seed=3))
    for name, (first, second) in {"ours": (ours, extra_ours),
                                  "gensim": (theirs, extra_theirs)}.items():
        path, vocab = tmp_path / f"{name}{suffix}", tmp_path / f"{name}.vocab"
        first.save_word2vec_format(path, vocab, binary=binary, total_vec=7)
        second.save_word2vec_format(path, binary=binary, write_header=False, append=True,
                                    prefix="z_")
        first.save_word2vec_format(tmp_path / f"{name}.again", vocab, binary=binary,
                                   append=True)  # the counts appended to the vocabulary file
    loaded = [_gensim().load_word2vec_format(tmp_path / f"{name}{suffix}", binary=binary)
              for name in ("ours", "gensim")]
    assert loaded[0].index_to_key == loaded[1].index_to_key == \
        ["b", "e", "a", "7", "dé", "z_x", "z_y"]
    np.testing.assert_array_equal(loaded[0].vectors, loaded[1].vectors)
    vocabulary = (tmp_path / "ours.vocab").read_bytes()
    assert vocabulary == (tmp_path / "gensim.vocab").read_bytes()
    assert vocabulary == "b 9\ne 9\na 3\n7 3\ndé 1\n".encode() * 2
    if not binary and not suffix:
        assert (tmp_path / "ours").read_bytes() == (tmp_path / "gensim").read_bytes()


def test_append_creates_a_missing_file_and_keeps_the_old_one_on_failure(tmp_path):
    kv = KeyedVectors(_rows(2), ["a", "b"], [2, 1])
    path = tmp_path / "v.txt"
    kv.save_word2vec_format(path, append=True)
    before = path.read_bytes()
    assert before.startswith(b"2 6\na ")
    bad = KeyedVectors(_rows(2), ["fine", "not fine"], [2, 1])
    with pytest.raises(ValueError, match="word 'not fine' cannot be stored in word2vec format"):
        bad.save_word2vec_format(path, append=True)
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["v.txt"]


@pytest.mark.parametrize("kwargs, error, match", [
    ({"fvocab": "vocab", "sort_attr": "absent"}, ValueError,
     "Cannot store vocabulary with 'absent' because that attribute does not exist"),
    ({"fvocab": "vocab", "sort_attr": "weight"}, ValueError,
     "fvocab holds integer counts; the attribute 'weight' has dtype float64"),
    ({"total_vec": -1}, ValueError, "total_vec must be an int >= 0 or None, got -1"),
    ({"total_vec": 2.0}, TypeError, "total_vec must be an int >= 0 or None, got 2.0"),
    ({"prefix": "a b"}, ValueError, "word 'a ba' cannot be stored in word2vec format"),
])
def test_save_word2vec_format_refuses(tmp_path, kwargs, error, match):
    kv = KeyedVectors(_rows(2), ["a", "b"], [2, 1])
    kv.set_vecattr("a", "weight", 0.5)
    if "fvocab" in kwargs:
        kwargs["fvocab"] = tmp_path / kwargs["fvocab"]
    with pytest.raises(error, match=match):
        kv.save_word2vec_format(tmp_path / "v", **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_without_the_sort_attribute_keys_are_written_in_index_order(tmp_path, caplog):
    ours, theirs = _both(DIM)
    for kv in (ours, theirs):
        kv.add_vectors(["b", "a"], _rows(2))
    (mine, _), (gensims, _) = _save_both(tmp_path, ours, theirs)
    assert mine.read_bytes() == gensims.read_bytes()
    assert "attribute count not present in KeyedVectors<vector_size=6, 2 keys>; will store in " \
        "internal index_to_key order" in caplog.text


# ----------------------------------------------------------------------------------------
# the native format keeps keys of both types and every attribute
# ----------------------------------------------------------------------------------------

def _same_attributes(loaded, kv):
    assert list(loaded.expandos) == list(kv.expandos)
    for attr, values in kv.expandos.items():
        assert loaded.expandos[attr].dtype == values.dtype, attr
        assert loaded.expandos[attr].tolist() == values.tolist(), attr


@pytest.mark.parametrize("mmap", [None, "r"])
def test_native_round_trip_keeps_keys_and_every_attribute(tmp_path, mmap):
    kv = KeyedVectors(_rows(4), ["a", 7, np.int64(9), "dé"], [5, 3, 2, 1])
    kv.set_vecattr("a", "weight", 0.5)
    kv.set_vecattr(7, "rank", np.uint8(200))
    kv.set_vecattr("dé", "label", "d")
    kv.set_vecattr("a", "flag", True)
    kv.expandos["label"][1] = None
    kv.vectors_lockf = np.array([0, 1, 0.5, 1], np.float32)
    kv.save(tmp_path / "v.kv")
    loaded = KeyedVectors.load(tmp_path / "v.kv", mmap=mmap)
    assert loaded.index_to_key == ["a", 7, 9, "dé"] and type(loaded.index_to_key[2]) is int
    assert loaded.get_index(9) == 2 and loaded.get_vecattr(7, "rank") == 200
    _same_attributes(loaded, kv)
    assert loaded.counts is loaded.expandos["count"]
    np.testing.assert_array_equal(loaded.vectors, kv.vectors)
    assert loaded.vectors_lockf.tolist() == [0, 1, 0.5, 1]


def test_native_round_trip_of_vectors_without_counts(tmp_path):
    kv = KeyedVectors(DIM)
    kv.add_vectors(["a", "b"], _rows(2))
    kv.set_vecattr("b", "weight", 2.5)
    kv.set_vecattr("a", "count", 1.5)  # a float count (gensim allows it): saved as it is
    kv.save(tmp_path / "v.kv")
    _same_attributes(KeyedVectors.load(tmp_path / "v.kv"), kv)
    bare = KeyedVectors(DIM)
    bare.add_vectors(["a"], _rows(1))
    bare.save(tmp_path / "bare.kv")
    assert KeyedVectors.load(tmp_path / "bare.kv").expandos == {}  # as saved: no count


def _list_label(kv):
    kv.set_vecattr("b", "label", "x")
    kv.expandos["label"][0] = ["list"]


@pytest.mark.parametrize("edit, match", [
    (lambda kv: kv.index_to_key.__setitem__(1, None),
     r"key None \(index 1\) cannot be saved: fastw2v saves keys that are non-empty strings "
     "or ints"),
    (lambda kv: kv.index_to_key.__setitem__(0, ("t", 1)), r"key \('t', 1\) \(index 0\)"),
    (_list_label, r"attribute 'label' holds \['list'\] \(list\), which cannot be saved; saved "
                  "attributes hold numbers, str or None"),
])
def test_native_save_refuses_what_it_cannot_store(tmp_path, edit, match):
    kv = KeyedVectors(_rows(2), ["a", "b"], [2, 1])
    edit(kv)
    with pytest.raises(ValueError, match=match):
        kv.save(tmp_path / "v.kv")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("attributes, arrays, match", [
    ("count", {}, "bad entry count in the attributes list"),
    ([{"name": "w", "array": "attribute_1"}], {},
     "bad entry {'name': 'w', 'array': 'attribute_1'}"),
    ([{"name": "w", "array": "attribute_1"}], {"attribute_1": np.ones(3)},
     "attribute 'w' has 3 values for 2 keys"),
    ([{"name": "w", "values": ["x"]}], {}, "attribute 'w' has 1 values for 2 keys"),
    ([{"name": "w", "array": "attribute_1"}], {"attribute_1": np.ones((2, 1))},
     "array 'attribute_1' must be a 1-D array of numbers, got dtype float64 and shape (2, 1)"),
])
def test_native_load_refuses_damaged_attributes(tmp_path, attributes, arrays, match):
    from fastw2v.formats.native import save_arrays
    save_arrays(tmp_path / "v.kv", {"kind": "KeyedVectors", "index_to_key": ["a", "b"],
                                    "attributes": attributes},
                {"vectors": _rows(2), "counts": np.ones(2, np.int64), **arrays})
    with pytest.raises(ValueError, match=f"'.*v.kv': {re.escape(match)}"):
        KeyedVectors.load(tmp_path / "v.kv")


@pytest.mark.parametrize("norm", [False, True])
def test_a_key_vector_is_a_read_only_view_as_in_gensim(norm):
    ours, theirs = _both(DIM)
    for kv in (ours, theirs):
        kv.add_vectors(["a", "b"], _rows(2))
        row = kv.get_vector("b", norm=norm)
        assert not row.flags.writeable
        with pytest.raises(ValueError, match="assignment destination is read-only"):
            row[0] = 1.0
        with pytest.raises(ValueError, match="read-only"):
            kv["a"][:] = 0.0
    assert ours.vectors.flags.writeable and np.shares_memory(ours["a"], ours.vectors)
    np.testing.assert_allclose(ours.get_vector("b", norm=True), theirs.get_vector("b", norm=True),
                               atol=1e-6)


@pytest.mark.parametrize("binary", [False, True])
def test_loaded_word2vec_files_have_gensims_counts_and_keep_their_order(tmp_path, binary):
    kv = KeyedVectors(_rows(4), ["d", "c", "b", "a"])  # counts 0: written in index order
    kv.save_word2vec_format(tmp_path / "v", binary=binary)
    ours = KeyedVectors.load_word2vec_format(tmp_path / "v", binary=binary)
    theirs = _gensim().load_word2vec_format(tmp_path / "v", binary=binary)
    _same_state(ours, theirs)
    for loaded in (ours, theirs):
        loaded.sort_by_descending_frequency()
    _same_state(ours, theirs)
    assert ours.index_to_key == ["d", "c", "b", "a"]


def test_lifecycle_events_are_recorded_as_gensims():
    ours, theirs = _both(DIM)
    assert not hasattr(ours, "lifecycle_events") and not hasattr(theirs, "lifecycle_events")
    for kv in (ours, theirs):
        kv.add_lifecycle_event("tested", msg="one", log_level=False)
    (mine,), (gensims,) = ours.lifecycle_events, theirs.lifecycle_events
    assert set(mine) - {"fastw2v"} == set(gensims) - {"gensim"}
    assert (mine["event"], mine["msg"]) == (gensims["event"], gensims["msg"]) == ("tested", "one")
    ours.lifecycle_events = None  # gensim's way to stop the records
    ours.add_lifecycle_event("ignored", log_level=False)
    assert ours.lifecycle_events is None
