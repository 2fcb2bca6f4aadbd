"""KeyedVectors as a container, call for call against gensim 4.4's KeyedVectors: both
constructors, keys of any type, per-key attributes (expandos), additions, sorting,
resizing, the removed gensim 3 attributes and the word2vec-format writer."""
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
