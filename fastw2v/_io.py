"""Persistence helpers: the native fastw2v directory format and the word2vec C formats.

Native format
-------------
A saved object is a *directory* holding ``meta.json`` and one ``NAME.npy`` file per
array. ``meta.json`` carries ``"format": "fastw2v"``, ``"format_version"``, the caller's
own keys, and under ``"arrays"`` the file name, shape and dtype of every array, which
:func:`load_arrays` checks against the ``.npy`` headers and file sizes. Arrays are written
with ``allow_pickle=False`` and read the same way, so loading never unpickles anything,
and they can be memory-mapped. :func:`save_arrays` writes into a temporary sibling
directory and renames it into place, so an interrupted save never leaves a half-written
directory at the target path.

word2vec C formats
------------------
:func:`write_word2vec` and :func:`read_word2vec` handle the text and binary formats of
the original C word2vec tool: a header line ``"COUNT DIM\\n"``, then one record per word.
Text records are ``"word v1 ... vDIM\\n"``; binary records are the word's bytes, a space,
DIM little-endian float32 values and (optionally, as the C tool writes it) a newline.
Paths ending in ``.gz``, ``.bz2`` or ``.xz`` are (de)compressed on the fly.
"""

import bz2
import contextlib
import errno
import fcntl
import functools
import gzip
import itertools
import json
import logging
import lzma
import os
import re
import shutil
import uuid
import zlib
from pathlib import Path

import numpy as np

logger = logging.getLogger("fastw2v")

FORMAT_NAME = "fastw2v"
FORMAT_VERSION = 1
META_FILE = "meta.json"
_RESERVED_META_KEYS = ("format", "format_version", "arrays")
_ARRAY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MMAP_MODES = (None, "r", "r+", "c")

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
# Bytes that make up the numbers of a text-format record; see _looks_like_text().
_TEXT_NUMBER_BYTES = b"0123456789.-+eEinfaINFA \t\r\n"
_READ_CHUNK = 1 << 20
_NEWLINE = b"\n"
_MAX_WORD_BYTES = 1 << 16
_MAX_HEADER_BYTES = 256
_WRITE_BLOCK_ROWS = 4096


# ----------------------------------------------------------------------------------------
# native directory format
# ----------------------------------------------------------------------------------------

def save_arrays(path, meta, arrays):
    """Save metadata and named arrays as a fastw2v model directory, atomically.

    The directory is first written under a temporary name next to `path` and then renamed
    to `path`. A previous fastw2v directory at `path` is replaced (renamed away, the new
    one renamed in, the old one deleted); anything else at `path` is left untouched.

    Parameters
    ----------
    path : str or os.PathLike
        Directory to create or replace. Its parent directory must exist.
    meta : dict
        JSON-serialisable metadata with string keys (numpy scalars are converted to Python
        numbers). The keys ``"format"``, ``"format_version"`` and ``"arrays"`` are reserved.
    arrays : dict of str to numpy.ndarray
        Arrays to store, one ``NAME.npy`` file each. Names must be Python identifiers;
        object (pickled) dtypes are not allowed.

    Raises
    ------
    TypeError
        If `meta` is not a JSON-serialisable dict, or an array is not a numpy array.
    ValueError
        If `meta` uses a reserved key, an array name is not an identifier, or an array
        has an object dtype.
    FileExistsError
        If `path` exists and is not a directory previously written by this function
        (for example a regular file or an unrelated directory).
    OSError
        If the files cannot be written (missing parent directory, permissions, disk full).
    """
    path = Path(os.fspath(path))
    doc = _build_meta_document(meta, arrays)
    meta_bytes = json.dumps(doc, indent=1, default=_json_default).encode("utf-8")
    _check_replaceable(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"cannot save to {str(path)!r}: directory {str(path.parent)!r} does not exist"
        )

    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex}")
    os.mkdir(tmp)  # unlike tempfile.mkdtemp, honours the umask (the directory is renamed to `path`)
    try:
        for name, array in arrays.items():
            with open(tmp / f"{name}.npy", "wb") as fout:
                np.save(fout, array, allow_pickle=False)
                _flush_to_disk(fout)
        # meta.json goes last: a directory with a meta.json is a complete one
        with open(tmp / META_FILE, "wb") as fout:
            fout.write(meta_bytes)
            _flush_to_disk(fout)
        _fsync_directory(tmp)
        _swap_into_place(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    logger.info("saved %s (%d arrays) to %s", ", ".join(arrays) or "metadata", len(arrays), path)


def load_arrays(path, mmap=None):
    """Load a directory written by :func:`save_arrays`, validating every file.

    Parameters
    ----------
    path : str or os.PathLike
        The model directory.
    mmap : {None, 'r', 'r+', 'c'}, optional
        Memory-map the arrays with this mode instead of reading them into memory
        (see :func:`numpy.load`). ``'r'`` gives read-only arrays.

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
        If `mmap` is not an allowed mode, or `path` is not a valid fastw2v directory:
        not a directory, ``meta.json`` missing, unreadable or from an unknown format
        version, an array file missing, truncated or disagreeing with ``meta.json``.
        The message names the offending file.
    """
    if mmap not in _MMAP_MODES:
        raise ValueError(f"mmap must be one of {_MMAP_MODES}, got {mmap!r}")
    path = Path(os.fspath(path))
    if not path.exists():
        raise FileNotFoundError(f"no saved fastw2v model at {str(path)!r}: path does not exist")
    if not path.is_dir():
        raise ValueError(
            f"{str(path)!r} is a file, not a fastw2v model directory "
            "(for word2vec text/binary files use load_word2vec_format)"
        )
    meta_path = path / META_FILE
    if not meta_path.is_file():
        raise ValueError(f"{str(path)!r} is not a fastw2v model directory: {META_FILE} is missing")
    meta = _read_meta_document(meta_path)
    specs = meta.pop("arrays")
    meta.pop("format")
    meta.pop("format_version")
    arrays = {name: _load_checked_array(path, name, spec, mmap) for name, spec in specs.items()}
    return meta, arrays


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


def _read_meta_document(meta_path):
    """Parse and validate meta.json; return the whole document as a dict."""
    try:
        doc = json.loads(meta_path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"{str(meta_path)!r} is corrupt or truncated: {err}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        raise ValueError(f"{str(meta_path)!r} does not describe a fastw2v model (no \"format\": \"fastw2v\")")
    version = doc.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"{str(meta_path)!r}: invalid format_version {version!r}")
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{str(meta_path)!r} has format_version {version}, but this fastw2v reads only up to "
            f"{FORMAT_VERSION}; upgrade fastw2v to load it"
        )
    specs = doc.get("arrays")
    if not isinstance(specs, dict):
        raise ValueError(f"{str(meta_path)!r}: \"arrays\" must be an object, got {specs!r}")
    for name, spec in specs.items():
        _check_array_spec(meta_path, name, spec)
    return doc


def _check_array_spec(meta_path, name, spec):
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
    else:
        try:
            np.dtype(spec.get("dtype"))
        except TypeError:
            problem = "invalid dtype"
    if problem:
        raise ValueError(f"{str(meta_path)!r}: bad entry for array {name!r} ({problem}): {spec!r}")


def _load_checked_array(directory, name, spec, mmap):
    """Load NAME.npy after checking its header and size against the meta.json spec."""
    file = directory / spec["file"]
    if not file.is_file():
        raise ValueError(f"{str(file)!r} is missing (listed in {META_FILE})")
    shape, dtype = tuple(spec["shape"]), np.dtype(spec["dtype"])
    with open(file, "rb") as fin:
        try:
            version = np.lib.format.read_magic(fin)
            if version == (1, 0):
                header = np.lib.format.read_array_header_1_0(fin)
            elif version == (2, 0):
                header = np.lib.format.read_array_header_2_0(fin)
            else:
                raise ValueError(f"unsupported .npy version {version}")
        except (ValueError, EOFError, SyntaxError) as err:
            raise ValueError(f"{str(file)!r} is not a valid .npy file: {err}") from None
        data_offset = fin.tell()
    file_shape, _fortran, file_dtype = header
    if file_shape != shape or file_dtype != dtype:
        raise ValueError(
            f"{str(file)!r} holds shape {file_shape} dtype {file_dtype}, but {META_FILE} says "
            f"shape {shape} dtype {dtype}"
        )
    if dtype.hasobject:
        raise ValueError(f"{str(file)!r} holds an object array, which would need pickle; refusing to load")
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    found = file.stat().st_size - data_offset
    if found != expected:
        state = "truncated" if found < expected else "longer than its header says"
        raise ValueError(f"{str(file)!r} is {state}: {found} data bytes, expected {expected}")
    if expected == 0:  # numpy cannot memory-map an empty region
        return np.empty(shape, dtype=dtype)
    try:
        return np.load(file, mmap_mode=mmap, allow_pickle=False)
    except (ValueError, EOFError) as err:
        raise ValueError(f"{str(file)!r} could not be loaded: {err}") from None


def _check_replaceable(path):
    """Raise FileExistsError unless `path` is absent, empty, or a fastw2v directory."""
    if not os.path.lexists(path):
        return
    if path.is_symlink() or not path.is_dir():
        raise FileExistsError(
            f"cannot save to {str(path)!r}: it exists and is not a directory; "
            "remove it or choose another path"
        )
    if not any(path.iterdir()):
        return
    try:
        _read_meta_document(path / META_FILE)
    except (OSError, ValueError):
        raise FileExistsError(
            f"cannot save to {str(path)!r}: it is an existing directory that is not a fastw2v "
            "model; refusing to replace it. Remove it or choose another path"
        ) from None


def _swap_into_place(tmp, path):
    """Rename directory `tmp` to `path`, replacing a previous save at `path`."""
    if not os.path.lexists(path):
        os.rename(tmp, path)
    else:
        _check_replaceable(path)
        old = path.with_name(f".{path.name}.old-{uuid.uuid4().hex}")
        os.rename(path, old)
        try:
            os.rename(tmp, path)
        except BaseException:
            os.rename(old, path)
            raise
        shutil.rmtree(old, ignore_errors=True)
        if os.path.lexists(old):
            logger.warning("could not delete the previous save, moved to %s; remove it by hand", old)
    _fsync_directory(path.parent)


def _flush_to_disk(fileobj):
    fileobj.flush()
    os.fsync(fileobj.fileno())


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
        is raised again with ``fname`` in its message.
    """
    path = os.path.abspath(os.fspath(fname))
    directory, name = os.path.split(path)
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, "cannot write a file over a directory", path)
    fd, tmp = _new_file_in(directory, name)
    try:
        try:
            old_mode = os.stat(path).st_mode & 0o7777
        except FileNotFoundError:
            pass
        else:
            os.fchmod(fd, old_mode)
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
        if err.filename is None and err.errno is not None:
            raise type(err)(err.errno, f"writing {path!r} failed: {err.strerror}") from err
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
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 2 or not fields[1].isdigit():
                raise ValueError(
                    f"{where}, line {line_no}: expected 'word count' (a word and a non-negative "
                    f"integer), got {line[:60]!r}"
                )
            word = _decode_word(fields[0], encoding, unicode_errors, f"{where}, line {line_no}")
            if word in counts:
                raise ValueError(f"{where}, line {line_no}: word {word!r} appears a second time")
            counts[word] = int(fields[1])
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
        record = fin.read(_MAX_WORD_BYTES + 4 * dim)
    space = record.find(b" ")
    values = record[space + 1:space + 1 + 4 * dim]
    return space > 0 and bool(values.translate(None, _TEXT_NUMBER_BYTES))


def _encode_word(word):
    if not isinstance(word, str) or not word or _WORD_SEPARATORS.search(word):
        raise ValueError(
            f"word {word!r} cannot be stored in word2vec format: words must be non-empty "
            "strings without whitespace"
        )
    return word.encode("utf-8", "surrogateescape")


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
    if not line.endswith(b"\n") or len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(
            f"{where}, line 1: expected a word2vec header 'COUNT DIM' ending in a newline, "
            f"got {line[:60]!r}"
        )
    count, dim = int(parts[0]), int(parts[1])
    if dim < 1:
        raise ValueError(f"{where}, line 1: header declares vector size {dim}; it must be at least 1")
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
        if not raw or b"\n" in raw:
            raise ValueError(
                f"{where}, byte offset {base + pos}: record {i + 1} has an invalid word {raw[:60]!r} "
                "(corrupt file, wrong vector size in the header, or a text file: then pass binary=False)"
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
