"""Reading the files gensim's ``SaveLoad.save`` writes (a pickle, and beside it one
``FNAME.ATTR.npy`` file per large array) without executing anything from them.

The pickle is read by :class:`RestrictedUnpickler`, which resolves only the globals of
:data:`GLOBALS`: numpy's array and dtype reconstruction (replaced by checking versions that
build numeric arrays only), the standard containers, and the classes of gensim's saved
objects, each mapped to an inert :class:`Pickled` stand-in that keeps its state as plain
data. Any other global is refused (:class:`UnsafePickleError` names it and the file). A
reader of another gensim file kind (Phrases ...) adds its classes with :func:`allow`.
Side arrays are read with ``np.load(allow_pickle=False)``.
"""
import _compat_pickle
import builtins
import collections
import errno
import os
import pickle
import zipfile
import zlib

import numpy as np

from .._checks import check_choice
from .._compression import corrupt_stream_named, open_compressed

_MMAP_MODES = (None, "r", "r+", "c")
_NUMERIC_KINDS = "biufcSU"  # dtype kinds an array may have (no objects, no structures)


class UnsafePickleError(ValueError):
    """A gensim file whose pickle refers to a global fastw2v does not resolve."""


class Pickled:
    """Stand-in for an object of an allowed class (``pickled_global``, "module.name"): the
    pickle's state is kept in the instance's ``__dict__`` (a state that is no dict in
    ``_state``, constructor arguments in ``_args``); it has no behaviour."""

    pickled_global = None

    def __new__(cls, *args, **kwargs):
        obj = object.__new__(cls)
        obj.__dict__["_args"] = args
        return obj

    def __init__(self, *args, **kwargs):
        pass

    def __setstate__(self, state):
        if isinstance(state, tuple) and len(state) == 2 and isinstance(state[1], dict):
            state, slots = state  # (dict state, slot state)
            self.__dict__.update(slots)
        if isinstance(state, dict):
            self.__dict__.update(state)
        else:
            self.__dict__["_state"] = state

    def __repr__(self):
        return f"<Pickled {self.pickled_global}>"


def _stand_in(name):
    """A new :class:`Pickled` subclass standing for the global ``name``."""
    return type(name.rpartition(".")[2], (Pickled,), {"pickled_global": name})


class _PickledDtype(Pickled):
    """What ``numpy.dtype(spec, align, copy)`` of a pickle gives: the spec and, once its
    state is set, the byte order; :func:`_dtype_of` makes the checked numpy dtype."""

    pickled_global = "numpy.dtype"

    def __setstate__(self, state):
        # its own: a pickle cannot set the checked dtype (_checked) with the state
        self.__dict__["_state"] = state
        self.__dict__["_checked"] = None


def _dtype_of(value, what):
    """The numpy dtype a pickled dtype stands for; UnsafePickleError unless it is numeric.
    Kept on the pickled dtype once checked (a pickle shares one dtype object between its
    arrays: gensim 4's per-word Huffman arrays are tens of thousands)."""
    checked = value.__dict__.get("_checked") if type(value) is _PickledDtype else None
    return checked if checked is not None else _check_dtype(value, what)


def _check_dtype(value, what):
    if not isinstance(value, _PickledDtype) or not value._args \
            or not isinstance(value._args[0], str):
        raise UnsafePickleError(f"holds {what} whose dtype is a {type(value).__name__}")
    try:
        dtype = np.dtype(value._args[0])
    except TypeError as err:
        raise UnsafePickleError(f"holds {what} of invalid dtype {value._args[0]!r}: "
                                f"{err}") from None
    state = getattr(value, "_state", ())
    order = state[1] if isinstance(state, tuple) and len(state) > 1 else "|"
    if dtype.kind != "O" and (dtype.kind not in _NUMERIC_KINDS or dtype.fields):
        raise UnsafePickleError(f"holds {what} of dtype {value._args[0]!r}, not of numbers "
                                f"or strings")
    if order in ("<", ">") and dtype.kind not in "O":
        dtype = dtype.newbyteorder(order)
    value._checked = dtype
    return dtype


class _PickledArray(np.ndarray):
    """An array of a pickle: numpy's ``_reconstruct`` gives one of these, its state is
    checked before numpy sets it. An object array is accepted only when every element is a
    numeric array (gensim 4 keeps each word's Huffman code and point so); any other is
    refused."""

    def __setstate__(self, state):
        if not isinstance(state, tuple) or len(state) not in (4, 5):
            raise UnsafePickleError("holds an array whose state is not numpy's")
        version, (shape, dtype, fortran, data) = (state[0], state[1:]) if len(state) == 5 \
            else (1, state)
        dtype = _dtype_of(dtype, "an array")
        if dtype.kind == "O":
            bad = next((x for x in data if not isinstance(x, _PickledArray)), None) \
                if isinstance(data, list) else data
            if bad is not None:
                raise UnsafePickleError(f"holds an object array of a {type(bad).__name__}, "
                                        f"not of numeric arrays")
        elif not isinstance(data, (bytes, str)):
            raise UnsafePickleError(f"holds an array whose data is a {type(data).__name__}, "
                                    f"not bytes")
        super().__setstate__((version, shape, dtype, fortran, data))


def _reconstruct(subtype, shape, typecode):
    if subtype is not _PickledArray:
        raise UnsafePickleError(f"calls numpy's _reconstruct of a {subtype!r}, not of "
                                f"numpy.ndarray")
    return np.ndarray.__new__(_PickledArray, (0,), np.uint8)


def _scalar(dtype, data=None):
    dtype = _dtype_of(dtype, "a numpy scalar")
    if isinstance(data, str):
        data = data.encode("latin1")
    if dtype.kind == "O" or not isinstance(data, bytes) or len(data) != dtype.itemsize:
        raise UnsafePickleError(f"holds a numpy scalar of dtype {dtype} without its "
                                f"{dtype.itemsize} bytes")
    return np.frombuffer(data, dtype)[0]


def _frombuffer(buffer, dtype, shape, order):
    """numpy's array of pickle protocol 5: numeric dtypes only."""
    dtype = _dtype_of(dtype, "a protocol-5 array")
    if dtype.kind == "O" or not isinstance(buffer, (bytes, bytearray)):
        raise UnsafePickleError(f"holds a protocol-5 array of dtype {dtype} in a "
                                f"{type(buffer).__name__}")
    return np.frombuffer(buffer, dtype).reshape(shape, order=order)


def _latin1(text, encoding="latin1"):
    """``_codecs.encode`` as pickle protocols 2-3 use it: str to bytes in latin-1 only."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise UnsafePickleError(f"calls _codecs.encode with {encoding!r}, not latin1")
    return text.encode("latin1")


#: The globals a gensim pickle may name, "module.name" -> what it resolves to.
GLOBALS = {
    **{f"builtins.{name}": getattr(builtins, name) for name in (
        "dict", "list", "tuple", "set", "frozenset", "int", "float", "complex", "bool",
        "str")},
    **{f"collections.{name}": getattr(collections, name) for name in (
        "defaultdict", "OrderedDict", "Counter", "deque")},
    "_codecs.encode": _latin1,
    "numpy.ndarray": _PickledArray,
    "numpy.dtype": _PickledDtype,
    **{f"numpy.{core}.multiarray._reconstruct": _reconstruct for core in ("core", "_core")},
    **{f"numpy.{core}.multiarray.scalar": _scalar for core in ("core", "_core")},
    **{f"numpy.{core}.numeric._frombuffer": _frombuffer for core in ("core", "_core")},
}


def allow(*names):
    """Add stand-ins (:class:`Pickled` subclasses, inert) for the globals ``names``
    ("module.name") to :data:`GLOBALS`; returns them in order."""
    for name in names:
        GLOBALS.setdefault(name, _stand_in(name))
    return [GLOBALS[name] for name in names]


allow(
    # gensim's word2vec classes, 4.x and 3.x (the aliases gensim 4 keeps for old pickles)
    "gensim.models.word2vec.Word2Vec", "gensim.models.keyedvectors.KeyedVectors",
    "gensim.models.keyedvectors.Word2VecKeyedVectors",
    "gensim.models.keyedvectors.EuclideanKeyedVectors", "gensim.models.keyedvectors.Vocab",
    "gensim.models.keyedvectors.CompatVocab", "gensim.models.word2vec.Vocab",
    "gensim.models.word2vec.Word2VecVocab", "gensim.models.word2vec.Word2VecTrainables",
    # functions stored as attributes (an old instance's load, the hash function): inert
    "gensim.utils.call_on_class_only", "builtins.hash",
    # numpy's random generators (fastw2v draws from its seed): inert
    "numpy.random.__RandomState_ctor", "numpy.random.mtrand.RandomState",
    "numpy.random._pickle.__randomstate_ctor", "numpy.random._pickle.__generator_ctor",
    "numpy.random._pickle.__bit_generator_ctor", "numpy.random._generator.Generator",
    "numpy.random._mt19937.MT19937", "numpy.random._pcg64.PCG64",
    "numpy.random._pcg64.PCG64DXSM", "numpy.random._philox.Philox",
    "numpy.random._sfc64.SFC64", "numpy.random.bit_generator.SeedSequence",
)


class RestrictedUnpickler(pickle.Unpickler):
    """A pickle reader that resolves only the globals of :data:`GLOBALS` (Python 2 names
    mapped to Python 3's first); any other raises :class:`UnsafePickleError` naming it."""

    def find_class(self, module, name):
        module, name = _compat_pickle.NAME_MAPPING.get(
            (module, name), (_compat_pickle.IMPORT_MAPPING.get(module, module), name))
        target = GLOBALS.get(f"{module}.{name}")
        if target is None:
            raise UnsafePickleError(f"refers to {module}.{name}, a global fastw2v does not "
                                    f"resolve")
        return target


# what a damaged pickle makes the unpickler raise
_PICKLE_ERRORS = (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
                  KeyError, IndexError, OverflowError, UnicodeDecodeError, MemoryError,
                  RecursionError)


def read_pickle(path):
    """The object a gensim pickle file holds, built from stand-ins (nothing from the file is
    executed).

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    object
        Usually a :class:`Pickled` stand-in.

    Raises
    ------
    FileNotFoundError
        If `path` does not exist.
    UnsafePickleError
        (a ValueError) If the pickle names a global outside :data:`GLOBALS`, or holds an
        array that is not numeric; the message names it and the file.
    ValueError
        If the pickle is truncated or corrupt (the message names the file).
    """
    where = repr(os.fspath(path))
    try:
        with corrupt_stream_named(path, where), open_compressed(path) as fin:
            return RestrictedUnpickler(fin, encoding="latin1").load()
    except UnsafePickleError as err:
        raise UnsafePickleError(
            f"{where}: refusing to load it: its pickle {err} (fastw2v resolves only numpy "
            f"arrays of numbers, standard containers and gensim's model classes, and "
            f"executes nothing from a file)") from None
    except _PICKLE_ERRORS as err:
        raise ValueError(f"{where} is not a valid gensim file (a pickle): it is truncated "
                         f"or corrupt ({type(err).__name__}: {err})") from None


def read_saved(path, mmap=None):
    """A file saved by gensim's ``SaveLoad.save``: its pickle (:func:`read_pickle`) with the
    arrays gensim stored beside it (``FNAME.ATTR.npy``, for each object of the tree that
    lists them) put back in place.

    Parameters
    ----------
    path : str or os.PathLike
    mmap : {None, 'r', 'r+', 'c'}, optional
        Memory-map the side arrays with this mode.

    Returns
    -------
    object
        The root stand-in.

    Raises
    ------
    FileNotFoundError
        If `path` or a side array file it lists is missing.
    ValueError
        As :func:`read_pickle`; or a side file is not a .npy array of numbers (object
        arrays are refused: they would need pickle), or the file lists sparse matrices.
    """
    mmap = check_choice("mmap", mmap, _MMAP_MODES)
    fname = os.fspath(path)
    compressed = fname.endswith((".gz", ".bz2"))  # gensim's rule: its side arrays are .npz
    if compressed and mmap is not None:
        raise ValueError(f"mmap={mmap!r} cannot map the arrays of the compressed file "
                         f"{fname!r}: load it with mmap=None")
    root = read_pickle(path)
    _put_side_arrays(root, fname, mmap, "npz" if compressed else "npy")
    return root


def _put_side_arrays(obj, fname, mmap, suffix):
    """gensim's ``_load_specials`` as reading only: the side arrays of ``obj`` and of its
    attributes saved recursively."""
    state = vars(obj) if isinstance(obj, Pickled) else {}
    for attr in _names(state.get("__recursive_saveloads", []), fname):
        if attr in state:
            _put_side_arrays(state[attr], f"{fname}.{attr}", mmap, suffix)
    if state.get("__scipys"):
        raise ValueError(f"{fname!r} stores sparse matrices {state['__scipys']} beside it, "
                         f"which fastw2v does not read")
    for attr in _names(state.get("__numpys", []), fname):
        state[attr] = read_side_array(f"{fname}.{attr}.{suffix}", mmap)
    for attr in _names(state.get("__ignoreds", []), fname):
        state[attr] = None


def _names(names, fname):
    if not isinstance(names, list) or not all(isinstance(n, str) and n and "/" not in n
                                              and n not in (".", "..") for n in names):
        raise ValueError(f"{fname!r}: a list of attributes saved apart is malformed: "
                         f"{str(names)[:100]}")
    return names


def read_side_array(path, mmap=None):
    """One ``.npy`` file gensim saved beside its pickle (or the ``.npz`` of a compressed
    save: its array ``val``), read with ``allow_pickle=False``.

    Raises
    ------
    FileNotFoundError
        If it is missing.
    ValueError
        If it is not a valid .npy file of numbers (the message names it).
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(errno.ENOENT, "an array file the gensim file lists beside "
                                "it is missing", path)
    try:
        if path.endswith(".npz"):
            with np.load(path, allow_pickle=False) as archive:
                array = archive["val"]
        else:
            array = np.load(path, mmap_mode=mmap, allow_pickle=False)
    except (ValueError, EOFError, OSError, SyntaxError, TypeError, KeyError,
            zipfile.BadZipFile, zlib.error) as err:
        raise ValueError(f"{path!r} is not a valid .npy array of numbers: {err}") from None
    if not isinstance(array, np.ndarray) or array.dtype.kind not in _NUMERIC_KINDS \
            or array.dtype.fields:
        raise ValueError(f"{path!r} is not a .npy array of numbers")
    return array


def _read(path, size=-1):
    """The bytes of the file (its first ``size``), decompressed by its suffix."""
    with corrupt_stream_named(path, repr(os.fspath(path))), open_compressed(path) as fin:
        return fin.read(size)


def class_names(obj):
    """"module.name" of the class ``obj`` is (or stands for, a :class:`Pickled`), then of
    its base classes."""
    if isinstance(obj, Pickled):
        return [obj.pickled_global]
    return [f"{c.__module__}.{c.__qualname__}" for c in type(obj).__mro__]


def is_pickle(path):
    """Whether the file at ``path`` (decompressed: ``.gz``, ``.bz2``, ``.xz``) starts as a
    pickle of protocol 2 or above (gensim writes 2 and up)."""
    head = _read(path, 2)
    return len(head) == 2 and head[0] == 0x80 and 2 <= head[1] <= 5
