"""Persistence helpers: the native fastw2v model file and the word2vec C formats.

Every file is written through :func:`atomic_output`: a locked hidden sibling, fsynced and
``os.replace``'d onto the target, so that the target holds its old or its new content at
every instant, and nothing is left behind by a failed or interrupted write.

Native format (format_version 2)
--------------------------------
A saved object is a *single file*: an uncompressed (``ZIP_STORED``) zip archive whose
first member ``meta.json`` carries ``"format": "fastw2v"``, ``"format_version": 2``, the
caller's own keys, and under ``"arrays"`` the member name (``"file"``), shape and dtype of
every array; each array is a member ``NAME.npy``. Arrays are written and read with
``allow_pickle=False``, so loading never unpickles anything. The data of every member
starts at a multiple of 64 bytes in the file (the local header's extra field is padded,
and numpy pads ``.npy`` headers to 64 bytes), and :func:`load_arrays` can memory-map each
array directly from the file. Loading checks every member against ``meta.json`` (stored
uncompressed, sizes, ``.npy`` header) and bounds every read by the file's real size.

Model *directories* written by earlier versions (format_version 1: ``meta.json`` and one
``NAME.npy`` file per array) still load; saving onto a directory is refused.

word2vec C formats
------------------
:func:`write_word2vec` and :func:`read_word2vec` handle the text and binary formats of
the original C word2vec tool: a header line ``"COUNT DIM\\n"``, then one record per word.
Text records are ``"word v1 ... vDIM\\n"``; binary records are the word's bytes, a space,
DIM little-endian float32 values and (optionally, as the C tool writes it) a newline.
Words are UTF-8 without ASCII whitespace, on both sides. Paths ending in ``.gz``, ``.bz2``
or ``.xz`` are (de)compressed on the fly.
"""

import bz2
import codecs
import contextlib
import errno
import fcntl
import functools
import gzip
import io
import itertools
import json
import logging
import lzma
import math
import os
import re
import struct
import tokenize
import uuid
import zipfile
import zlib
from pathlib import Path

import numpy as np

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

# gzip level 6 (the gzip tool's default): level 9 is ~3x slower on vector text for ~1% smaller files
_COMPRESSED_OPENERS = {
    ".gz": functools.partial(gzip.open, compresslevel=6),
    ".bz2": bz2.open,
    ".xz": lzma.open,
}
# Errors a decompressor raises on a corrupt or truncated stream (bz2 and gzip: OSError).
_DECOMPRESSION_ERRORS = (EOFError, zlib.error, lzma.LZMAError, OSError)
# Whitespace that separates tokens in word2vec files (bytes.split() semantics).
_WORD_SEPARATORS = re.compile(r"[ \t\n\r\x0b\x0c]")
_WORD_SEPARATORS_BYTES = re.compile(_WORD_SEPARATORS.pattern.encode("ascii"))
# Bytes that make up the numbers of a text-format record; see _looks_like_text().
_TEXT_NUMBER_BYTES = b"0123456789.-+eEinfaINFA \t\r\n"
_READ_CHUNK = 1 << 20
_NEWLINE = b"\n"
_MAX_WORD_BYTES = 1 << 16
_MAX_HEADER_BYTES = 256
_MAX_DIM = 2**31 - 1  # largest vector size in a word2vec header
_INT64_MAX = 2**63 - 1  # largest vector count in a word2vec header, largest word count
_DETECTION_DIM = 1 << 16  # is_binary_word2vec judges at most this many values
_UTF8_BOM = b"\xef\xbb\xbf"
_WRITE_BLOCK_ROWS = 4096


# ----------------------------------------------------------------------------------------
# native format
# ----------------------------------------------------------------------------------------

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
    with archive.open(info, "w", force_zip64=zip64) as member:
        for chunk in chunks:
            member.write(chunk)


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
    ValueError
        If `mmap` is not an allowed mode, or `path` is not a valid fastw2v model: not a
        zip archive or model directory, ``meta.json`` missing, unreadable, nested too
        deeply or from an unknown format version, an array missing, compressed, truncated,
        outside the model directory (a symbolic link) or disagreeing with ``meta.json``.
        The message names the file (and the member).
    OSError
        If the file cannot be read.
    """
    if mmap not in _MMAP_MODES:
        raise ValueError(f"mmap must be one of {_MMAP_MODES}, got {mmap!r}")
    path = Path(os.fspath(path))
    if not os.path.lexists(path):
        raise FileNotFoundError(errno.ENOENT, "no saved fastw2v model: path does not exist", str(path))
    if path.is_dir():
        meta, arrays = _load_directory(path, mmap)
    elif not path.is_file():
        raise ValueError(f"{str(path)!r} is not a regular file nor a directory: not a fastw2v model")
    else:
        meta, arrays = _load_file(path, mmap)
    for key in _RESERVED_META_KEYS:
        meta.pop(key)
    return meta, arrays


def word_vectors_of(path, meta, arrays):
    """The checked ``(index_to_key, vectors, counts)`` of a save loaded by :func:`load_arrays`.

    Parameters
    ----------
    path : str or os.PathLike
        The file or directory loaded (named in errors).
    meta, arrays : dict
        What :func:`load_arrays` returned.

    Returns
    -------
    index_to_key : list of str
    vectors : numpy.ndarray
        2-D, floating-point.
    counts : numpy.ndarray
        1-D, integer.

    Raises
    ------
    ValueError
        If the arrays or the key list are missing, a key is not a non-empty string, or an
        array has another dtype kind or number of dimensions (nothing is converted).
    """
    where = repr(os.fspath(path))
    keys = meta.get("index_to_key")
    missing = [name for name in ("vectors", "counts") if name not in arrays]
    if missing or not isinstance(keys, list):
        raise ValueError(
            f"{where} holds no word vectors (missing arrays {missing} or the 'index_to_key' list)")
    bad = next((i for i, key in enumerate(keys) if not isinstance(key, str) or not key), None)
    if bad is not None:
        raise ValueError(f"{where}: index_to_key must hold non-empty strings; entry {bad} is "
                         f"{keys[bad]!r}")
    check_array(path, "vectors", arrays["vectors"], "f", 2)
    check_array(path, "counts", arrays["counts"], "iu", 1)
    return keys, arrays["vectors"], arrays["counts"]


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
                    raise ValueError(f"{where!r} is not a fastw2v model file: it has no {META_FILE}")
                info = archive.getinfo(META_FILE)
                _member_region(fin, size, info, where)
                doc = _parse_meta_document(archive.read(info), f"{where!r}, member {META_FILE}",
                                           FORMAT_VERSION)
                members = {spec["file"] for spec in doc["arrays"].values()}
                if set(names) != members | {META_FILE}:
                    raise ValueError(
                        f"{where!r}: the archive's members {sorted(names)} disagree with the arrays "
                        f"{META_FILE} lists {sorted(members)}")
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
            f"{where!r} is truncated: member {name} needs bytes {start} to {start + info.file_size}, "
            f"the file has {size}")
    return start, info.file_size


def _load_directory(path, mmap):
    """Load a model directory of format version 1 (meta.json and NAME.npy files)."""
    meta_path = path / META_FILE
    if not meta_path.is_file():
        raise ValueError(f"{str(path)!r} is not a fastw2v model directory: {META_FILE} is missing")
    _check_inside(path, meta_path)
    doc = _parse_meta_document(meta_path.read_bytes(), repr(str(meta_path)), _DIRECTORY_FORMAT_VERSION)
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
        raise TypeError(f"arrays must be a dict of name -> numpy array, got {type(arrays).__name__}")
    specs = {}
    for name, array in arrays.items():
        if not isinstance(name, str) or not _ARRAY_NAME.match(name):
            raise ValueError(f"array name {name!r} is not a valid identifier (letters, digits, _)")
        if not isinstance(array, np.ndarray):
            raise TypeError(f"array {name!r} must be a numpy.ndarray, got {type(array).__name__}")
        if array.dtype.hasobject:
            raise ValueError(f"array {name!r} has dtype {array.dtype}, which needs pickle; not supported")
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
    except (ValueError, EOFError, SyntaxError, RecursionError, TypeError, tokenize.TokenError) as err:
        raise ValueError(f"{where} is not a valid .npy array: {err}") from None
    shape, dtype = tuple(spec["shape"]), np.dtype(spec["dtype"])
    if file_shape != shape or file_dtype != dtype:
        raise ValueError(
            f"{where} holds shape {file_shape} dtype {file_dtype}, but {META_FILE} says "
            f"shape {shape} dtype {dtype}"
        )
    if dtype.hasobject:
        raise ValueError(f"{where} holds an object array, which would need pickle; refusing to load")
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


def _fsync_directory(directory):
    """Persist a directory's entries (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

# ----------------------------------------------------------------------------------------
# word2vec C formats
# ----------------------------------------------------------------------------------------

def open_compressed(fname, mode="rb"):
    """Open a file for reading in binary mode, decompressing ``.gz``, ``.bz2`` and ``.xz``
    paths (to write, use :func:`atomic_output`).

    Parameters
    ----------
    fname : str or os.PathLike
        File path; the suffix selects the compression.
    mode : {'rb'}, optional

    Returns
    -------
    file object
        A binary file object, to be used as a context manager.

    Raises
    ------
    OSError
        If the file cannot be opened (for example FileNotFoundError).
    ValueError
        If ``mode`` is not ``'rb'``.
    """
    if mode != "rb":
        raise ValueError(f"open_compressed reads ('rb'), got mode={mode!r}; write through "
                         "atomic_output")
    opener = _COMPRESSED_OPENERS.get(Path(os.fspath(fname)).suffix.lower(), open)
    return opener(fname, mode)


@contextlib.contextmanager
def atomic_output(fname, compress=True):
    """A binary file that takes the place of ``fname`` only once it is complete.

    The data goes to a hidden sibling ``.NAME.tmp-*`` in ``fname``'s directory (one that a
    killed writer left behind is removed by the next write to ``fname``). When the ``with`` block
    ends normally the file is flushed, fsynced and renamed onto ``fname`` in one step
    (``os.replace``), and the directory entry is fsynced: at every instant ``fname`` holds
    either its previous content or the complete new one. When the block raises (disk full,
    Ctrl-C, a bad value), the new file is discarded and ``fname`` is untouched. A file
    replaced keeps its permission bits.

    Parameters
    ----------
    fname : str or os.PathLike
        The destination; its directory must exist. It may exist as a file (replaced).
    compress : bool, optional
        Compress by the suffix (``.gz``, ``.bz2``, ``.xz``) as :func:`open_compressed` reads.

    Yields
    ------
    file object
        Binary and writable.

    Raises
    ------
    IsADirectoryError
        If ``fname`` is a directory.
    OSError
        If the file cannot be written; an error without a file name (such as a full disk)
        is raised again with ``fname`` in its message, saying whether the disk is full and
        that the previous file is intact (or that nothing was written).
    """
    path = os.path.abspath(os.fspath(fname))
    directory, name = os.path.split(path)
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, "cannot write a file over a directory", path)
    fd, tmp = _new_file_in(directory, name)
    kept = "nothing was written"
    try:
        try:
            old_mode = os.stat(path).st_mode & 0o7777
        except FileNotFoundError:
            pass
        else:
            os.fchmod(fd, old_mode)
            kept = "the previous file is intact"
        with os.fdopen(fd, "wb", closefd=False) as raw:
            suffix = Path(path).suffix.lower() if compress else ""
            if suffix in _COMPRESSED_OPENERS:
                with _COMPRESSED_OPENERS[suffix](raw, "wb") as fout:
                    yield fout
            else:
                yield raw
            raw.flush()
            os.fsync(fd)
        os.replace(tmp, path)
        tmp = None
        _fsync_directory(directory)
    except OSError as err:
        if err.filename is None:
            full = " (the disk is full)" if err.errno in (errno.ENOSPC, errno.EDQUOT) else ""
            message = f"writing {path!r} failed: {err.strerror or err}{full}; {kept}"
            raise (type(err)(err.errno, message) if err.errno else type(err)(message)) from err
        raise
    finally:
        os.close(fd)
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _new_file_in(directory, name):
    """A new hidden sibling ``.NAME.tmp-*`` for :func:`atomic_output`: (fd, path).

    It stays locked (flock) while it is written. The siblings that writers killed on the
    way left behind are unlocked, and are removed here first, so a killed save costs disk
    space only until the next save to the same path. The file is created under another
    name and renamed once locked, so that no living writer's file is ever seen unlocked."""
    prefix = f".{name}.tmp-"
    for entry in os.scandir(directory):
        if entry.name.startswith(prefix):
            _remove_if_abandoned(entry.path)
    token = uuid.uuid4().hex
    new = os.path.join(directory, f".{name}.new-{token}")
    fd = os.open(new, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        tmp = os.path.join(directory, prefix + token)
        os.rename(new, tmp)
    except BaseException:
        os.close(fd)
        os.unlink(new)
        raise
    return fd, tmp


def _remove_if_abandoned(path):
    """Deletes a temporary file of atomic_output unless a living writer holds its lock."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.unlink(path)
        logger.info("removed %s, left by an interrupted save", path)
    except OSError:
        pass
    finally:
        os.close(fd)


def _is_compressed(fname):
    return Path(os.fspath(fname)).suffix.lower() in _COMPRESSED_OPENERS


def write_word2vec(fname, words, vectors, binary=False, write_header=True):
    """Write vectors in the word2vec C tool's text or binary format.

    Text values are written with enough significant digits to read back exactly
    (9 for float32). Binary records end with a newline, as the C tool writes them.

    Parameters
    ----------
    fname : str or os.PathLike
        Output path (``.gz``, ``.bz2``, ``.xz`` are compressed).
    words : list of str
        One word per row of `vectors`; words must be non-empty and contain no whitespace.
    vectors : numpy.ndarray
        2-D float array, shape ``(len(words), dim)``.
    binary : bool, optional
        Write the binary format instead of text.
    write_header : bool, optional
        Write the ``"COUNT DIM"`` header line (the text format without it is GloVe's).

    Raises
    ------
    ValueError
        If a word is empty or contains whitespace, or the shapes disagree.
    OSError
        If the file cannot be written.
    """
    vectors = np.asarray(vectors)
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise ValueError(f"need one vector per word: {len(words)} words, vectors of shape {vectors.shape}")
    encoded = [_encode_word(word) for word in words]
    digits = {2: 5, 4: 9}.get(vectors.dtype.itemsize, 17)  # enough to read back exactly
    fmt = " ".join([f"%.{digits}g"] * vectors.shape[1])
    with atomic_output(fname) as fout:
        if write_header:
            fout.write(b"%d %d\n" % vectors.shape)
        for start in range(0, len(encoded), _WRITE_BLOCK_ROWS):  # bounded temporary memory
            block = vectors[start:start + _WRITE_BLOCK_ROWS]
            if binary:
                rows = [row.tobytes() for row in np.asarray(block, dtype="<f4")]
            else:
                rows = [(fmt % tuple(row)).encode("ascii") for row in block.tolist()]
            fout.write(b"".join(b"%s %s\n" % pair for pair in zip(encoded[start:], rows)))
    logger.info("wrote %d x %d vectors to %s", vectors.shape[0], vectors.shape[1], fname)


def write_vocab(fname, words, counts):
    """Write a vocabulary file as word2vec.c's ``-save-vocab`` does: ``"word count"`` lines.

    Parameters
    ----------
    fname : str or os.PathLike
        Output path (``.gz``, ``.bz2``, ``.xz`` are compressed).
    words : list of str
        The words, in the order to write them.
    counts : sequence of int
        The count of each word.

    Raises
    ------
    ValueError
        If a word is empty or contains whitespace, or the lengths disagree.
    OSError
        If the file cannot be written.
    """
    if len(words) != len(counts):
        raise ValueError(f"need one count per word: {len(words)} words, {len(counts)} counts")
    if words and isinstance(words[0], str) and words[0].startswith("\ufeff"):
        raise ValueError(f"word {words[0]!r} cannot be the first of a vocabulary file: its leading "
                         "U+FEFF would read back as a byte-order mark")
    with atomic_output(fname) as fout:
        for start in range(0, len(words), _WRITE_BLOCK_ROWS):
            block = zip(words[start:start + _WRITE_BLOCK_ROWS], counts[start:start + _WRITE_BLOCK_ROWS])
            fout.write(b"".join(b"%s %d\n" % (_encode_word(word), count) for word, count in block))
    logger.info("wrote %d word counts to %s", len(words), fname)


def read_vocab(fname, encoding="utf8", unicode_errors="strict"):
    """Read a vocabulary file of ``"word count"`` lines (word2vec.c ``-save-vocab`` output).

    Parameters
    ----------
    fname : str or os.PathLike
        Input path (``.gz``, ``.bz2``, ``.xz`` are decompressed).
    encoding : str, optional
        Encoding of the words.
    unicode_errors : str, optional
        How to handle words that fail to decode ('strict', 'ignore', 'replace', ...).

    Returns
    -------
    dict of str to int
        The count of each word, in the order of the file. Blank lines are skipped.

    Raises
    ------
    FileNotFoundError
        If `fname` does not exist.
    ValueError
        If a line is not a word and a non-negative integer count, or a word appears twice;
        the message names the line.
    """
    counts = {}
    where = os.fspath(fname)
    with open_compressed(fname, "rb") as fin:
        for line_no, line in enumerate(fin, 1):
            if line_no == 1 and line.startswith(_UTF8_BOM) and codecs.lookup(encoding).name == "utf-8":
                line = line[len(_UTF8_BOM):]  # a byte-order mark is not part of the first word
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 2 or not fields[1].isdigit():
                raise ValueError(
                    f"{where}, line {line_no}: expected 'word count' (a word and a non-negative "
                    f"integer), got {line[:60]!r}"
                )
            count = int(fields[1])
            if count > _INT64_MAX:
                raise ValueError(f"{where}, line {line_no}: count {count} is larger than the "
                                 f"maximum {_INT64_MAX} (2**63 - 1)")
            word = _decode_word(fields[0], encoding, unicode_errors, f"{where}, line {line_no}")
            if word in counts:
                raise ValueError(f"{where}, line {line_no}: word {word!r} appears a second time")
            counts[word] = count
    logger.info("read %d word counts from %s", len(counts), where)
    return counts


def is_binary_word2vec(fname):
    """Whether a word2vec file is in the binary format, judged from its first record.

    Parameters
    ----------
    fname : str or os.PathLike
        A word2vec text or binary file (``.gz``, ``.bz2``, ``.xz`` are decompressed).

    Returns
    -------
    bool
        True if the bytes of the first vector are not written numbers.

    Raises
    ------
    FileNotFoundError
        If `fname` does not exist.
    ValueError
        If the file does not start with a ``"COUNT DIM"`` header.
    """
    with open_compressed(fname, "rb") as fin:
        _, dim, _ = _parse_header(fin, os.fspath(fname))
        record = fin.read(_MAX_WORD_BYTES + 4 * min(dim, _DETECTION_DIM))  # bounded read
    space = record.find(b" ")
    values = record[space + 1:space + 1 + 4 * dim]
    return space > 0 and bool(values.translate(None, _TEXT_NUMBER_BYTES))


def _encode_word(word):
    """The UTF-8 bytes of a word for a word2vec or vocabulary file: exactly what the readers
    read back as that word (non-empty, no ASCII whitespace, no lone surrogates)."""
    if not isinstance(word, str) or not word or _WORD_SEPARATORS.search(word):
        raise ValueError(
            f"word {word!r} cannot be stored in word2vec format: words must be non-empty "
            "strings without whitespace"
        )
    try:
        return word.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ValueError(
            f"word {word!r} cannot be stored in word2vec format: it holds a lone surrogate "
            f"({err.reason}), which UTF-8 cannot encode"
        ) from None


def read_word2vec(fname, binary=False, limit=None, encoding="utf8", unicode_errors="strict",
                  datatype=np.float32, no_header=False):
    """Read vectors in the word2vec C tool's text or binary format.

    Parameters
    ----------
    fname : str or os.PathLike
        Input path (``.gz``, ``.bz2``, ``.xz`` are decompressed).
    binary : bool, optional
        The file is in binary format.
    limit : int, optional
        Read at most this many vectors (the first ones). None reads all.
    encoding : str, optional
        Encoding of the words.
    unicode_errors : str, optional
        How to handle words that fail to decode ('strict', 'ignore', 'replace', ...).
    datatype : numpy dtype, optional
        Floating dtype of the returned array.
    no_header : bool, optional
        Text format only: the file has no ``"COUNT DIM"`` header (GloVe format).

    Returns
    -------
    words : list of str
        The words, first occurrence kept if a word is repeated.
    vectors : numpy.ndarray
        Array of shape ``(len(words), dim)`` and dtype `datatype`.

    Raises
    ------
    FileNotFoundError
        If `fname` does not exist.
    ValueError
        If an argument is invalid, or the file is empty, truncated, corrupt, disagrees
        with its header, or is in the other (text/binary) format. The message names the
        line number (text) or byte offset (binary).
    """
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise ValueError(f"limit must be None or a positive int, got {limit!r}")
    if not np.issubdtype(np.dtype(datatype), np.floating):
        raise ValueError(f"datatype must be a floating-point dtype, got {datatype!r}")
    if binary and no_header:
        raise ValueError("no_header=True is only supported for the text format")
    where = str(fname)
    with open_compressed(fname, "rb") as fin:
        try:
            if binary:
                words, vectors = _read_binary_body(fin, where, limit, encoding, unicode_errors, datatype)
            else:
                words, vectors = _read_text_body(fin, where, limit, encoding, unicode_errors,
                                                 datatype, no_header)
        except _DECOMPRESSION_ERRORS as err:
            if not _is_compressed(fname):
                raise
            raise ValueError(f"{where}: compressed stream is corrupt or truncated: {err}") from None
    logger.info("loaded %d x %d vectors from %s", vectors.shape[0], vectors.shape[1], where)
    return _drop_duplicate_words(words, vectors, where)


def _parse_header(fin, where):
    """Read the "COUNT DIM" line; return (count, dim, header_length_in_bytes)."""
    line = fin.readline(_MAX_HEADER_BYTES)
    if not line:
        raise ValueError(f"{where}: file is empty; expected a word2vec header line 'COUNT DIM'")
    parts = line.split()
    if line.startswith(_ZIP_MAGIC):
        raise ValueError(f"{where} is a zip archive, not a word2vec file; if it is a fastw2v "
                         "model, load it with KeyedVectors.load or FastW2V.load")
    if not line.endswith(b"\n") or len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(
            f"{where}, line 1: expected a word2vec header 'COUNT DIM' ending in a newline, "
            f"got {line[:60]!r}"
        )
    count, dim = int(parts[0]), int(parts[1])
    if not 1 <= dim <= _MAX_DIM:
        raise ValueError(f"{where}, line 1: header declares vector size {dim}; it must be from 1 "
                         f"to {_MAX_DIM}")
    if count > _INT64_MAX:
        raise ValueError(f"{where}, line 1: header declares {count} vectors; at most {_INT64_MAX} "
                         "can be read")
    return count, dim, len(line)


def _decode_word(raw, encoding, unicode_errors, where):
    try:
        return raw.decode(encoding, unicode_errors)
    except UnicodeDecodeError as err:
        raise ValueError(
            f"{where}: word {raw[:60]!r} is not valid {encoding} ({err.reason}); "
            "pass unicode_errors='replace' or 'ignore' to load it anyway"
        ) from None


def _check_trailing(fin, leftover, where, count, offset, line_no=None):
    """After the last declared record only whitespace may follow.

    `leftover` holds bytes already read past the last record, starting at byte `offset`;
    `line_no` is the line number there for a text file, None for a binary one. The error
    names the line (text) or the byte offset (binary) where the unexpected data begins.
    """
    for chunk in itertools.chain([leftover], iter(lambda: fin.read(_READ_CHUNK), b"")):
        data = chunk.lstrip()
        if data:
            skipped = len(chunk) - len(data)
            if line_no is None:
                at, other = f"byte offset {offset + skipped}", "binary=False if it is a text file"
            else:
                at = f"line {line_no + chunk.count(_NEWLINE, 0, skipped)}"
                other = "binary=True if it is a binary file"
            raise ValueError(
                f"{where}, {at}: data continues after the {count} vectors declared in the header; "
                f"the header count is wrong or the file is not in the expected format (pass {other})"
            )
        offset += len(chunk)
        if line_no is not None:
            line_no += chunk.count(_NEWLINE)


def _read_text_body(fin, where, limit, encoding, unicode_errors, datatype, no_header):
    if no_header:
        lines = list(itertools.islice(fin, limit))
        while lines and not lines[-1].strip():
            lines.pop()
        if not lines:
            raise ValueError(f"{where}: file is empty")
        first_line_no, count = 1, len(lines)
        dim = len(lines[0].split()) - 1
        if dim < 1:
            raise ValueError(f"{where}, line 1: expected a word followed by its vector values")
    else:
        count, dim, header_len = _parse_header(fin, where)
        first_line_no = 2
        wanted = count if limit is None else min(count, limit)
        lines = list(itertools.islice(fin, wanted))
        if len(lines) < wanted:
            raise ValueError(
                f"{where}: file ends after line {len(lines) + 1}, but the header declares "
                f"{count} vectors (truncated file?)"
            )
    words, values = [], []
    for line_no, line in enumerate(lines, first_line_no):
        parts = line.split(None, 1)
        if len(parts) != 2 or not line.endswith(b"\n"):
            problem = "missing newline at end of file (truncated?)" if len(parts) == 2 else \
                "expected a word followed by its vector values"
            raise ValueError(f"{where}, line {line_no}: {problem}{_binary_hint(line)}")
        words.append(_decode_word(parts[0], encoding, unicode_errors, f"{where}, line {line_no}"))
        values.append(parts[1])
    vectors = _parse_text_values(values, dim, datatype, where, first_line_no)
    if not no_header and (limit is None or limit >= count):
        _check_trailing(fin, b"", where, count, header_len + sum(map(len, lines)),
                        first_line_no + len(lines))
    return words, vectors


def _binary_hint(line):
    return " (is this a binary file? then pass binary=True)" if b"\0" in line or not line.isascii() else ""


def _parse_text_values(values, dim, datatype, where, first_line_no):
    """Parse the value part of every text line into an (n, dim) array, checking each line."""
    if not values:
        return np.empty((0, dim), dtype=datatype)
    try:
        vectors = np.loadtxt(values, dtype=datatype, comments=None, ndmin=2)
    except ValueError:
        vectors = None
    if vectors is not None and vectors.shape == (len(values), dim):
        return vectors
    for line_no, text in enumerate(values, first_line_no):  # slow path: find the bad line
        try:
            row = np.loadtxt([text], dtype=datatype, comments=None, ndmin=1)
        except ValueError:
            raise ValueError(
                f"{where}, line {line_no}: non-numeric vector value in {text[:60]!r}{_binary_hint(text)}"
            ) from None
        if row.shape != (dim,):
            raise ValueError(
                f"{where}, line {line_no}: expected {dim} vector values after the word, found "
                f"{row.size}{_binary_hint(text)}"
            )
    raise ValueError(f"{where}: could not parse the vector values")  # pragma: no cover


def _looks_like_text(record):
    """True if a binary record's vector bytes are all characters of written numbers."""
    return len(record) >= 8 and not record.translate(None, _TEXT_NUMBER_BYTES)


def _read_binary_body(fin, where, limit, encoding, unicode_errors, datatype):
    count, dim, header_len = _parse_header(fin, where)
    n = count if limit is None else min(count, limit)
    record_bytes = 4 * dim
    # rows are allocated as records arrive, so a corrupt header cannot cause a huge allocation
    vectors = np.empty((0, dim), dtype=datatype)
    words = []
    buf, pos, base = bytearray(), 0, header_len  # base: file offset of buf[0]
    for i in range(n):
        space = buf.find(b" ", pos, pos + _MAX_WORD_BYTES)
        while space < 0 or len(buf) - space - 1 < record_bytes:
            if space < 0 and len(buf) - pos > _MAX_WORD_BYTES:
                raise ValueError(
                    f"{where}, byte offset {base + pos}: no word ends within {_MAX_WORD_BYTES} bytes "
                    f"in record {i + 1}; the file is corrupt or not a binary word2vec file"
                )
            more = fin.read(_READ_CHUNK)
            if not more:
                raise ValueError(
                    f"{where}: file ends at byte offset {base + len(buf)} inside record {i + 1} "
                    f"(starting at byte {base + pos}) of the {count} declared in the header "
                    "(truncated file, wrong header, or a text file: then pass binary=False)"
                )
            del buf[:pos]  # cheap: bytearray drops a prefix without moving the rest
            base, pos = base + pos, 0
            buf += more
            space = buf.find(b" ", 0, _MAX_WORD_BYTES)
        raw = bytes(buf[pos:space]).lstrip(b"\n")
        start = space + 1
        if not raw or _WORD_SEPARATORS_BYTES.search(raw):
            raise ValueError(
                f"{where}, byte offset {base + pos}: record {i + 1} has an invalid word {raw[:60]!r} "
                "(words are non-empty, without whitespace: corrupt file, wrong vector size in the header, or a text file: then pass binary=False)"
            )
        if i == 0 and _looks_like_text(bytes(buf[start:start + record_bytes])):
            raise ValueError(
                f"{where}, byte offset {base + start}: the vector data is text, not binary floats; "
                "this looks like a text word2vec file: pass binary=False"
            )
        words.append(_decode_word(raw, encoding, unicode_errors, f"{where}, byte offset {base + pos}"))
        if i == len(vectors):
            vectors = _grow_rows(vectors, min(n, max(2 * i, _READ_CHUNK // record_bytes, 1)))
        vectors[i] = np.frombuffer(buf, dtype="<f4", count=dim, offset=start)
        pos = start + record_bytes
    if n == count:
        _check_trailing(fin, bytes(buf[pos:]), where, count, base + pos)
    return words, vectors


def _grow_rows(array, rows):
    """A copy of 2-D `array` with room for `rows` rows (the new ones uninitialised)."""
    grown = np.empty((rows, array.shape[1]), dtype=array.dtype)
    grown[:len(array)] = array
    return grown


def _drop_duplicate_words(words, vectors, where):
    """Keep the first occurrence of each word (as gensim does), logging a warning."""
    first = {}
    for index, word in enumerate(words):
        first.setdefault(word, index)
    if len(first) == len(words):
        return words, vectors
    logger.warning("%s: %d duplicate words ignored (first occurrence kept)", where, len(words) - len(first))
    keep = np.fromiter(first.values(), dtype=np.int64, count=len(first))
    return list(first), np.ascontiguousarray(vectors[keep])
