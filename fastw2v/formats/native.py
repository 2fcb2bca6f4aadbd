"""The native fastw2v model file (format_version 2) and the old model directory (1).

A saved object is a *single file*: an uncompressed (``ZIP_STORED``) zip archive whose
first member ``meta.json`` carries ``"format": "fastw2v"``, ``"format_version": 2``, the
caller's own keys, and under ``"arrays"`` the member name (``"file"``), shape and dtype of
every array; each array is a member ``NAME.npy``. Arrays are written and read with
``allow_pickle=False``, so loading never unpickles anything. The data of every member
starts at a multiple of 64 bytes in the file (the local header's extra field is padded,
and numpy pads ``.npy`` headers to 64 bytes), and :func:`load_arrays` can memory-map each
array directly from the file. Loading checks every member against ``meta.json`` (stored
uncompressed, sizes, ``.npy`` header) and bounds every read by the file's real size.
Files are written through :func:`fastw2v._compression.atomic_output`.

Model *directories* written by earlier versions (format_version 1: ``meta.json`` and one
``NAME.npy`` file per array) still load; saving onto a directory is refused.
"""

import errno
import io
import itertools
import json
import logging
import math
import os
import re
import struct
import tokenize
import zipfile
from pathlib import Path

import numpy as np

from .._checks import check_choice
from .._compression import _READ_CHUNK, atomic_output
from .._system import DeferredSigint

logger = logging.getLogger("fastw2v")

FORMAT_NAME = "fastw2v"
FORMAT_VERSION = 2  # the single-file layout; 1 is the model directory of earlier versions
_DIRECTORY_FORMAT_VERSION = 1
META_FILE = "meta.json"
_RESERVED_META_KEYS = ("format", "format_version", "arrays")
_ARRAY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MMAP_MODES = (None, "r", "r+", "c")
_ALIGN = 64  # array data offset in a model file
_PADDING_EXTRA_ID = 0xD935  # zip extra-field id of the alignment padding (as Android's zipalign)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # members carry no time stamp: the same model, the same bytes
_ZIP_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_ZIP_MAGIC = b"PK\x03\x04"  # how a zip archive, hence a model file, starts
_MAX_NPY_HEADER = 1 << 16


def save_arrays(path, meta, arrays):
    """Save metadata and named arrays as one fastw2v model file, atomically.

    The file is an uncompressed zip archive (see the module docstring), written through
    :func:`atomic_output`: at every instant `path` holds either its previous content or
    the complete new file, and nothing is left behind when the save fails or is
    interrupted. An existing regular file at `path` is replaced; a directory is not.

    Parameters
    ----------
    path : str or os.PathLike
        File to create or replace. Its directory must exist.
    meta : dict
        JSON-serialisable metadata with string keys (numpy scalars are converted to Python
        numbers). The keys ``"format"``, ``"format_version"`` and ``"arrays"`` are reserved.
    arrays : dict of str to numpy.ndarray
        Arrays to store, one ``NAME.npy`` member each. Names must be Python identifiers;
        object (pickled) dtypes are not allowed.

    Raises
    ------
    TypeError
        If `meta` is not a JSON-serialisable dict, or an array is not a numpy array.
    ValueError
        If `meta` uses a reserved key, an array name is not an identifier, or an array
        has an object dtype.
    IsADirectoryError
        If `path` is a directory (such as a model saved by fastw2v before format
        version 2): it is left as it is.
    OSError
        If the file cannot be written (missing directory, permissions, disk full); the
        message names the file, and the previous file at `path` is intact.
    """
    doc = _build_meta_document(meta, arrays)
    meta_bytes = json.dumps(doc, indent=1, default=_json_default).encode("utf-8")
    try:
        with atomic_output(path, compress=False) as fout:
            with zipfile.ZipFile(fout, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
                _write_member(archive, fout, META_FILE, [meta_bytes], len(meta_bytes))
                for name, array in arrays.items():
                    header = _npy_header(array)
                    _write_member(archive, fout, f"{name}.npy",
                                  itertools.chain([header], _array_chunks(array)),
                                  len(header) + array.nbytes)
    except IsADirectoryError:
        raise IsADirectoryError(
            errno.EISDIR, "is a directory (a model directory of fastw2v format version 1, or "
            "another directory); fastw2v saves a model as one file and does not replace a "
            "directory: remove it or choose another path", os.fspath(path)) from None
    logger.info("saved %s (%d arrays) to %s", ", ".join(arrays) or "metadata", len(arrays), path)


def _write_member(archive, fout, name, chunks, size):
    """Add an uncompressed member whose data starts at a multiple of _ALIGN in the file.

    The local header's extra field is padded (an extra record of id _PADDING_EXTRA_ID) so
    that, with .npy headers padded to 64 bytes by numpy, array data is aligned."""
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_STORED
    info.file_size = size
    info.CRC = info.compress_size = 0  # FileHeader() needs them; zipfile writes the real ones
    zip64 = size > zipfile.ZIP64_LIMIT // 2  # then zipfile's own test (size * 1.05 > limit) agrees
    pad = -(fout.tell() + len(info.FileHeader(zip64))) % _ALIGN
    if pad:
        pad += _ALIGN if pad < 4 else 0  # an extra record takes at least its 4-byte header
        info.extra = struct.pack("<HH", _PADDING_EXTRA_ID, pad - 4) + bytes(pad - 4)
    member = None
    try:
        # zipfile flags the archive as writing a member from the end of open() to the end
        # of close(), outside close()'s try: a Ctrl-C between the flag and its clearing
        # would leave it set, and the archive's close would raise a ValueError in place of
        # the KeyboardInterrupt
        with DeferredSigint():
            member = archive.open(info, "w", force_zip64=zip64)
        for chunk in chunks:
            member.write(chunk)
    finally:
        if member is not None:
            with DeferredSigint():
                member.close()


def _npy_header(array):
    """The .npy header of `array` written in C order (numpy pads it to 64 bytes)."""
    fields = np.lib.format.header_data_from_array_1_0(array)
    fields["fortran_order"] = False
    header = io.BytesIO()
    try:
        np.lib.format.write_array_header_1_0(header, fields)
    except ValueError:  # header longer than 65535 bytes
        np.lib.format.write_array_header_2_0(header, fields)
    return header.getvalue()


def _array_chunks(array):
    """The bytes of `array` in C order, in blocks of about _READ_CHUNK bytes."""
    if array.size == 0:
        return
    if array.ndim == 0:
        yield array.tobytes()
        return
    rows = max(1, _READ_CHUNK // max(1, array[0].nbytes))
    for start in range(0, len(array), rows):
        yield np.ascontiguousarray(array[start:start + rows]).reshape(-1).view(np.uint8)


def is_native(path):
    """Whether `path` looks like a native save: a directory (format version 1) or a file
    that starts as a zip archive does; :func:`load_arrays` checks the rest.

    Raises
    ------
    OSError
        If the file exists but cannot be read.
    """
    if os.path.isdir(path):
        return True
    if not os.path.isfile(path):
        return False
    with open(path, "rb") as fin:
        return fin.read(len(_ZIP_MAGIC)) == _ZIP_MAGIC


def load_arrays(path, mmap=None):
    """Load a model file written by :func:`save_arrays` (or a model directory of format
    version 1), validating every part.

    Parameters
    ----------
    path : str or os.PathLike
        The model file (or old model directory).
    mmap : {None, 'r', 'r+', 'c'}, optional
        Memory-map the arrays with this mode instead of reading them into memory
        (see :class:`numpy.memmap`); ``'r'`` gives read-only arrays. In a model file the
        maps cover the members' data inside the file; writing through ``'r+'`` changes
        the file (the CRC-32 that the zip directory records for the member then goes
        stale: fastw2v does not check array CRCs, zip tools will report them).

    Returns
    -------
    meta : dict
        The metadata passed to :func:`save_arrays` (without the reserved keys).
    arrays : dict of str to numpy.ndarray
        The arrays, by name.

    Raises
    ------
    FileNotFoundError
        If `path` does not exist.
    TypeError
        If `mmap` is neither None nor a str (an ArgumentTypeError, also a ValueError).
    ValueError
        If `mmap` is not an allowed mode, or `path` is not a valid fastw2v model: not a
        zip archive or model directory, ``meta.json`` missing, unreadable, nested too
        deeply or from an unknown format version, an array missing, compressed, truncated,
        outside the model directory (a symbolic link) or disagreeing with ``meta.json``.
        The message names the file (and the member).
    OSError
        If the file cannot be read.
    """
    mmap = check_choice("mmap", mmap, _MMAP_MODES)
    path = Path(os.fspath(path))
    if not os.path.lexists(path):
        raise FileNotFoundError(errno.ENOENT, "no saved fastw2v model: path does not exist",
                                str(path))
    if path.is_dir():
        meta, arrays = _load_directory(path, mmap)
    elif not path.is_file():
        raise ValueError(f"{str(path)!r} is not a regular file nor a directory: "
                         "not a fastw2v model")
    else:
        meta, arrays = _load_file(path, mmap)
    for key in _RESERVED_META_KEYS:
        meta.pop(key)
    return meta, arrays


def word_vectors_of(path, meta, arrays, int_keys=False):
    """The checked ``(index_to_key, vectors, counts)`` of a save loaded by :func:`load_arrays`.

    Parameters
    ----------
    path : str or os.PathLike
        The file or directory loaded (named in errors).
    meta, arrays : dict
        What :func:`load_arrays` returned.
    int_keys : bool, optional
        Keys may also be ints (a save of KeyedVectors; a model's words are strings).

    Returns
    -------
    index_to_key : list of str (or int)
    vectors : numpy.ndarray
        2-D, floating-point.
    counts : numpy.ndarray
        1-D, integer.

    Raises
    ------
    ValueError
        If the arrays or the key list are missing, a key is not a non-empty string (or
        int), or an array has another dtype kind or number of dimensions (nothing is
        converted).
    """
    where = repr(os.fspath(path))
    keys = meta.get("index_to_key")
    missing = [name for name in ("vectors", "counts") if name not in arrays]
    if missing or not isinstance(keys, list):
        raise ValueError(
            f"{where} holds no word vectors (missing arrays {missing} or the 'index_to_key' list)")
    bad = _first_bad_key(keys, int_keys)
    if bad is not None:
        allowed = "non-empty strings or ints" if int_keys else "non-empty strings"
        raise ValueError(f"{where}: index_to_key must hold {allowed}; entry {bad} is "
                         f"{keys[bad]!r}")
    check_array(path, "vectors", arrays["vectors"], "f", 2)
    check_array(path, "counts", arrays["counts"], "iu", 1)
    return keys, arrays["vectors"], arrays["counts"]


def _first_bad_key(keys, int_keys):
    """Index of the first key that :func:`_is_key` refuses, or None; the usual all-valid
    list is judged by its set of types, at C speed (a bool's type is not int; np.integer
    keys take the slow way)."""
    if set(map(type, keys)) <= ({str, int} if int_keys else {str}) and "" not in keys:
        return None
    return next((i for i, key in enumerate(keys) if not _is_key(key, int_keys)), None)


def _is_key(key, int_keys):
    """Whether `key` can be a saved key: a non-empty str, or an int if `int_keys`."""
    if isinstance(key, str):
        return bool(key)
    return int_keys and isinstance(key, (int, np.integer)) and not isinstance(key, bool)


def savable_keys(keys):
    """`keys` as a save stores them (np.integer as int); ValueError naming the first key
    that is not a non-empty str or an int."""
    bad = _first_bad_key(keys, True)
    if bad is not None:
        raise ValueError(f"key {keys[bad]!r} (index {bad}) cannot be saved: fastw2v saves keys "
                         "that are non-empty strings or ints")
    return [key if isinstance(key, str) else int(key) for key in keys]


def attribute_arrays(expandos):
    """The save of per-key attributes (``KeyedVectors.expandos``): ``(spec, arrays)``, the
    ``"attributes"`` list for meta.json (per attribute its name and array, or an object
    attribute's values as JSON) and the arrays (an integer ``count`` is ``counts``).

    Raises
    ------
    ValueError
        If an object attribute holds a value JSON cannot store (not str, int, float, bool
        or None), naming the attribute.
    """
    spec, arrays = [], {}
    for i, (name, values) in enumerate(expandos.items()):
        if values.dtype.hasobject:
            listed = values.tolist()
            bad = next((v for v in listed if not isinstance(v, (str, int, float, type(None)))),
                       None)
            if bad is not None:
                raise ValueError(f"attribute {name!r} holds {bad!r} ({type(bad).__name__}), which "
                                 "cannot be saved; saved attributes hold numbers, str or None")
            spec.append({"name": name, "values": listed})
        else:
            array = "counts" if name == "count" and values.dtype.kind in "iu" else \
                f"attribute_{i}"
            spec.append({"name": name, "array": array})
            arrays[array] = values
    return spec, arrays


def attributes_of(path, meta, arrays, n):
    """The per-key attributes of a save loaded by :func:`load_arrays` (name -> array of
    ``n`` values), saved by :func:`attribute_arrays`; a save without them (every older
    save) has the one attribute ``count``.

    Raises
    ------
    ValueError
        If the ``"attributes"`` list is malformed or an attribute has not ``n`` values,
        naming `path`.
    """
    spec = meta.get("attributes", [{"name": "count", "array": "counts"}])
    where = repr(os.fspath(path))
    attributes = {}
    for entry in spec if isinstance(spec, list) else [spec]:
        if not (isinstance(entry, dict) and isinstance(entry.get("name"), str)
                and (entry.get("array") in arrays or isinstance(entry.get("values"), list))):
            raise ValueError(f"{where}: bad entry {str(entry)[:200]} in the attributes list")
        if "array" in entry:
            values = arrays[entry["array"]]
            if values.ndim != 1 or values.dtype.kind not in "biuf":
                raise ValueError(f"{where}: array {entry['array']!r} must be a 1-D array of "
                                 f"numbers, got dtype {values.dtype} and shape {values.shape}")
        else:
            values = np.empty(len(entry["values"]), dtype=object)
            values[:] = entry["values"]
        if len(values) != n:
            raise ValueError(f"{where}: attribute {entry['name']!r} has {len(values)} values "
                             f"for {n} keys")
        attributes[entry["name"]] = values
    return attributes


def lock_factors_of(path, arrays, n):
    """The checked ``vectors_lockf`` (float32) of a save of ``n`` words loaded by
    :func:`load_arrays`, or the default ``np.ones(1)`` (every factor 1) for a save without
    it (every older save, and every save of the default); ValueError naming
    ``path`` unless it is a 1-D floating-point array of 1 or ``n`` factors."""
    if "vectors_lockf" not in arrays:
        return np.ones(1, dtype=np.float32)
    lockf = arrays["vectors_lockf"]
    check_array(path, "vectors_lockf", lockf, "f", 1)
    if len(lockf) not in (1, n):
        raise ValueError(f"{os.fspath(path)!r}: array 'vectors_lockf' must hold 1 factor (for "
                         f"every word) or {n} (one per word), got {len(lockf)}")
    return np.ascontiguousarray(lockf, dtype=np.float32)


def check_array(path, name, array, kinds, ndim):
    """Raise ValueError naming `path` unless `array` has a dtype kind in `kinds` ('f' or 'iu')
    and `ndim` dimensions."""
    if array.dtype.kind not in kinds or array.ndim != ndim:
        wanted = {"f": "floating-point", "iu": "integer"}[kinds]
        raise ValueError(
            f"{os.fspath(path)!r}: array {name!r} must be a {ndim}-D {wanted} array, got dtype "
            f"{array.dtype} and shape {array.shape}")


def _load_file(path, mmap):
    where = str(path)
    with open(path, "rb") as fin:
        size = os.fstat(fin.fileno()).st_size
        try:
            with zipfile.ZipFile(fin) as archive:
                names = archive.namelist()
                if len(set(names)) != len(names):
                    raise ValueError(f"{where!r}: the archive holds a member name twice")
                if META_FILE not in names:
                    raise ValueError(
                        f"{where!r} is not a fastw2v model file: it has no {META_FILE}")
                info = archive.getinfo(META_FILE)
                _member_region(fin, size, info, where)
                doc = _parse_meta_document(archive.read(info), f"{where!r}, member {META_FILE}",
                                           FORMAT_VERSION)
                members = {spec["file"] for spec in doc["arrays"].values()}
                if set(names) != members | {META_FILE}:
                    raise ValueError(
                        f"{where!r}: the archive's members {sorted(names)} "
                        f"disagree with the arrays {META_FILE} lists {sorted(members)}")
                arrays = {}
                for name, spec in doc["arrays"].items():
                    start, length = _member_region(fin, size, archive.getinfo(spec["file"]), where)
                    arrays[name] = _load_npy_region(path, fin, start, length, spec, mmap,
                                                    f"{where!r}, member {spec['file']}")
        except zipfile.BadZipFile as err:
            raise ValueError(
                f"{where!r} is not a fastw2v model file (not a valid zip archive: {err}); for "
                "word2vec text/binary files use load_word2vec_format") from None
        except (EOFError, struct.error, NotImplementedError, OverflowError) as err:
            raise ValueError(f"{where!r} is not a valid fastw2v model file: {err}") from None
        except OSError as err:
            if err.filename is not None:
                raise
            if err.errno == errno.EINVAL:  # a seek to a negative offset read from the archive
                raise ValueError(f"{where!r} is not a valid fastw2v model file: an offset in its "
                                 "zip directory is invalid") from None
            raise type(err)(err.errno, f"reading {where!r} failed: {err.strerror}") from None
    return doc, arrays


def _member_region(fin, size, info, where):
    """(offset, length) of an uncompressed member's data in the archive file, checked."""
    name = info.filename
    if info.flag_bits & 0x1:
        raise ValueError(f"{where!r}: member {name} is encrypted")
    if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
        raise ValueError(
            f"{where!r}: member {name} is compressed (method {info.compress_type}); fastw2v "
            "stores members uncompressed (ZIP_STORED) so that they can be memory-mapped")
    fin.seek(info.header_offset)
    local = fin.read(_ZIP_LOCAL_HEADER.size)
    if len(local) < _ZIP_LOCAL_HEADER.size or not local.startswith(_ZIP_MAGIC):
        raise ValueError(f"{where!r}: the local header of member {name} is missing or damaged")
    name_length, extra_length = _ZIP_LOCAL_HEADER.unpack(local)[-2:]
    start = info.header_offset + len(local) + name_length + extra_length
    if start + info.file_size > size:
        raise ValueError(
            f"{where!r} is truncated: member {name} needs bytes {start} "
            f"to {start + info.file_size}, the file has {size}")
    return start, info.file_size


def _load_directory(path, mmap):
    """Load a model directory of format version 1 (meta.json and NAME.npy files)."""
    meta_path = path / META_FILE
    if not meta_path.is_file():
        raise ValueError(f"{str(path)!r} is not a fastw2v model directory: {META_FILE} is missing")
    _check_inside(path, meta_path)
    doc = _parse_meta_document(meta_path.read_bytes(), repr(str(meta_path)),
                               _DIRECTORY_FORMAT_VERSION)
    arrays = {}
    for name, spec in doc["arrays"].items():
        file = path / spec["file"]
        if not file.is_file():
            raise ValueError(f"{str(file)!r} is missing (listed in {META_FILE})")
        _check_inside(path, file)
        with open(file, "rb") as fin:
            size = os.fstat(fin.fileno()).st_size
            arrays[name] = _load_npy_region(file, fin, 0, size, spec, mmap, repr(str(file)))
    return doc, arrays


def _check_inside(directory, file):
    """Refuse a file of a model directory that is a symbolic link leading out of it."""
    target = os.path.realpath(file)
    if os.path.dirname(target) != os.path.realpath(directory):
        raise ValueError(
            f"{str(file)!r} is a symbolic link to {target!r}, outside the model directory; "
            "refusing to follow it")


def _build_meta_document(meta, arrays):
    """Validate save_arrays' arguments and return the full meta.json document."""
    if not isinstance(meta, dict) or not all(isinstance(key, str) for key in meta):
        raise TypeError(f"meta must be a dict with str keys, got {type(meta).__name__}")
    reserved = [key for key in _RESERVED_META_KEYS if key in meta]
    if reserved:
        raise ValueError(f"meta keys {reserved} are reserved by the fastw2v format; rename them")
    if not isinstance(arrays, dict):
        raise TypeError("arrays must be a dict of name -> numpy array, "
                        f"got {type(arrays).__name__}")
    specs = {}
    for name, array in arrays.items():
        if not isinstance(name, str) or not _ARRAY_NAME.match(name):
            raise ValueError(f"array name {name!r} is not a valid identifier (letters, digits, _)")
        if not isinstance(array, np.ndarray):
            raise TypeError(f"array {name!r} must be a numpy.ndarray, got {type(array).__name__}")
        if array.dtype.hasobject:
            raise ValueError(f"array {name!r} has dtype {array.dtype}, "
                             "which needs pickle; not supported")
        specs[name] = {"file": f"{name}.npy", "shape": list(array.shape), "dtype": array.dtype.str}
    return {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, **meta, "arrays": specs}


def _json_default(value):
    """Make numpy scalars JSON-serialisable; refuse anything else."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"meta value of type {type(value).__name__} is not JSON-serialisable")


def _parse_meta_document(raw, where, layout_version):
    """Parse and validate a meta.json document (`where` names it in errors)."""
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"{where} is corrupt or truncated: {err}") from None
    except RecursionError:
        raise ValueError(f"{where} is damaged: its JSON nests too deeply") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        raise ValueError(f"{where} does not describe a fastw2v model (no \"format\": \"fastw2v\")")
    version = doc.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"{where}: invalid format_version {version!r}")
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{where} has format_version {version}, but this fastw2v reads only up to "
            f"{FORMAT_VERSION}; upgrade fastw2v to load it"
        )
    if version != layout_version:
        layouts = {_DIRECTORY_FORMAT_VERSION: "a model directory", FORMAT_VERSION: "a model file"}
        raise ValueError(f"{where}: format_version {version} is not the version of "
                         f"{layouts[layout_version]} ({layout_version})")
    specs = doc.get("arrays")
    if not isinstance(specs, dict):
        raise ValueError(f"{where}: \"arrays\" must be an object, got {specs!r}")
    for name, spec in specs.items():
        _check_array_spec(where, name, spec)
    return doc


def _check_array_spec(where, name, spec):
    """Check one "arrays" entry of meta.json (also guards against path traversal)."""
    problem = None
    if not _ARRAY_NAME.match(name):
        problem = "invalid array name"
    elif not isinstance(spec, dict) or spec.get("file") != f"{name}.npy":
        problem = f"file must be {name + '.npy'!r}"
    elif not isinstance(spec.get("shape"), list) or not all(
        isinstance(dim, int) and not isinstance(dim, bool) and dim >= 0 for dim in spec["shape"]
    ):
        problem = "shape must be a list of non-negative integers"
    elif not isinstance(spec.get("dtype"), str):
        problem = "dtype must be a string"
    else:
        try:
            np.dtype(spec["dtype"])
        except (TypeError, ValueError):
            problem = "invalid dtype"
    if problem:
        raise ValueError(f"{where}: bad entry for array {name!r} ({problem}): {str(spec)[:200]}")


def _load_npy_region(file, fin, start, length, spec, mmap, where):
    """Load the .npy data stored in bytes [start, start + length) of `file` (open as `fin`),
    after checking its header and size against the meta.json spec. Reads and allocations
    are bounded by `length`, which the caller checked against the file's size."""
    fin.seek(start)
    prefix = fin.read(min(length, 12))
    major = prefix[6] if len(prefix) >= 10 and prefix.startswith(b"\x93NUMPY") else None
    if major == 1:
        header_end = 10 + int.from_bytes(prefix[8:10], "little")
    elif major == 2 and len(prefix) == 12:
        header_end = 12 + int.from_bytes(prefix[8:12], "little")
    else:
        raise ValueError(f"{where} is not a valid .npy array (no .npy 1.0/2.0 header)")
    if header_end > min(length, _MAX_NPY_HEADER):
        raise ValueError(f"{where} is not a valid .npy array: its header length is {header_end} "
                         f"bytes, the data region {length}")
    fin.seek(start)
    header = io.BytesIO(fin.read(header_end))
    try:
        np.lib.format.read_magic(header)
        read_header = np.lib.format.read_array_header_1_0 if major == 1 else \
            np.lib.format.read_array_header_2_0
        file_shape, fortran_order, file_dtype = read_header(header, max_header_size=_MAX_NPY_HEADER)
    except (ValueError, EOFError, SyntaxError, RecursionError, TypeError,
            tokenize.TokenError) as err:
        raise ValueError(f"{where} is not a valid .npy array: {err}") from None
    shape, dtype = tuple(spec["shape"]), np.dtype(spec["dtype"])
    if file_shape != shape or file_dtype != dtype:
        raise ValueError(
            f"{where} holds shape {file_shape} dtype {file_dtype}, but {META_FILE} says "
            f"shape {shape} dtype {dtype}"
        )
    if dtype.hasobject:
        raise ValueError(f"{where} holds an object array, "
                         "which would need pickle; refusing to load")
    expected = math.prod(shape) * dtype.itemsize
    found = length - header_end
    if found != expected:
        state = "truncated" if found < expected else "longer than its header says"
        raise ValueError(f"{where} is {state}: {found} data bytes, expected {expected}")
    order = "F" if fortran_order else "C"
    if expected == 0:  # numpy cannot memory-map an empty region
        return np.empty(shape, dtype=dtype, order=order)
    if mmap is not None:
        return np.memmap(file, dtype=dtype, mode=mmap, offset=start + header_end, shape=shape,
                         order=order)
    array = np.empty(shape, dtype=dtype, order=order)
    view = memoryview(array.reshape(-1, order="A").view(np.uint8))
    fin.seek(start + header_end)
    done = 0
    while done < expected:
        got = fin.readinto(view[done:done + _READ_CHUNK])
        if not got:
            raise ValueError(f"{where} is truncated: it ends after {done} of {expected} data bytes")
        done += got
    return array
