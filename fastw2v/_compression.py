"""Reading and writing files: compression by suffix, decoding, and atomic replacement.

:func:`open_compressed` reads ``.gz``, ``.bz2`` and ``.xz`` paths decompressed on the fly;
:data:`_DECOMPRESSION_ERRORS` is the one list of errors a decompressor raises on a corrupt
or truncated stream (:func:`is_corrupt_stream` tells them from read errors,
:func:`corrupt_stream_named` turns them into a ValueError naming the file), and
:func:`decode_text` the one way the readers turn a file's bytes into str (the message of
bad bytes names the file and the place).

Every file the library writes goes through :func:`atomic_output`: a locked hidden sibling,
fsynced and ``os.replace``'d onto the target, so that the target holds its old or its new
content at every instant, and nothing is left behind by a failed or interrupted write.
"""

import bz2
import contextlib
import errno
import fcntl
import functools
import gzip
import logging
import lzma
import os
import time
import uuid
import zlib
from pathlib import Path

from ._system import DeferredSigint

logger = logging.getLogger("fastw2v")

# An unlocked, empty temporary file older than this is abandoned (see _remove_if_abandoned).
_ABANDONED_AFTER = 60.0

# gzip level 6 (the gzip tool's default): level 9 is ~3x slower on vector text for ~1% smaller files
_COMPRESSED_OPENERS = {
    ".gz": functools.partial(gzip.open, compresslevel=6),
    ".bz2": bz2.open,
    ".xz": lzma.open,
}
# Errors a decompressor raises on a corrupt or truncated stream (bz2 and gzip: OSError).
_DECOMPRESSION_ERRORS = (EOFError, zlib.error, lzma.LZMAError, OSError)
#: Bytes per read: of the corpus reader, the file formats, downloads and their checks.
_READ_CHUNK = 1 << 20


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
    fd = tmp = None
    kept = "nothing was written"
    try:
        with DeferredSigint():  # Ctrl-C cannot leave a temporary file unaccounted for
            fd, tmp = _new_file_in(directory, name)
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
        with DeferredSigint():
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
        with DeferredSigint():
            if fd is not None:
                os.close(fd)
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass


def _new_file_in(directory, name):
    """A new hidden sibling ``.NAME.tmp-*`` for :func:`atomic_output`: (fd, path).

    It is locked (flock) from its first byte on. The siblings that writers killed on the
    way left behind are removed here first (see :func:`_remove_if_abandoned`), so a killed
    save costs disk space only until the next save to the same path."""
    prefix = f".{name}.tmp-"
    for entry in os.scandir(directory):
        if entry.name.startswith(prefix):
            _remove_if_abandoned(entry.path)
    tmp = os.path.join(directory, prefix + uuid.uuid4().hex)
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    return fd, tmp


def _remove_if_abandoned(path):
    """Deletes a temporary file of atomic_output that no living writer holds.

    A writer locks its file before it writes anything, so an unlocked file with data is
    abandoned. An empty one may belong to a writer between creating and locking it: it is
    only deleted once it is older than _ABANDONED_AFTER seconds (a killed writer's empty
    file is small, and goes with a later save)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        info = os.fstat(fd)
        if info.st_size or time.time() - info.st_mtime > _ABANDONED_AFTER:
            os.unlink(path)
            logger.info("removed %s, left by an interrupted save", path)
    except OSError:
        pass
    finally:
        os.close(fd)


def is_corrupt_stream(err):
    """True for an error that a decompressor raises on a corrupt or truncated stream (one of
    :data:`_DECOMPRESSION_ERRORS`), False for a read error: an OSError with an errno, as
    the system raises (bz2's and gzip's errors on bad data have none)."""
    return isinstance(err, _DECOMPRESSION_ERRORS) and not (
        isinstance(err, OSError) and err.errno is not None)


@contextlib.contextmanager
def corrupt_stream_named(fname, where):
    """Within the block, a decompressor's error (one of :data:`_DECOMPRESSION_ERRORS`) from
    reading the compressed file ``fname`` becomes a ValueError that names it ("WHERE:
    compressed stream is corrupt or truncated: ..."); errors from a plain file pass through."""
    try:
        yield
    except _DECOMPRESSION_ERRORS as err:
        if not _is_compressed(fname):
            raise
        raise ValueError(f"{where}: compressed stream is corrupt or truncated: {err}") from None


def decode_text(data, where, encoding="utf-8", errors="strict", option=None, line=None):
    """``data``, bytes read from a file, decoded; the one place where a file's text is decoded,
    so that every reader names the file and the place of bad bytes alike.

    Parameters
    ----------
    data : bytes
    where : str
        The file (and the place of ``data`` in it, unless ``line`` is given), as the message
        names it.
    encoding : str
    errors : {'strict', 'replace', 'ignore'}
        As for ``bytes.decode``.
    option : str, optional
        The caller's argument that sets ``errors``, suggested in the message.
    line : int, optional
        ``data`` holds whole lines, the first one line ``line`` of the file: the message names
        the line and the byte (1-based) in it of the bad bytes.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        ``data`` is not valid ``encoding`` (with ``errors='strict'``): "WHERE[ line N, byte
        B]: BYTES is not valid ENCODING (REASON)[; pass OPTION='replace' or 'ignore' to read
        it anyway]".
    """
    try:
        return data.decode(encoding, errors)
    except UnicodeDecodeError as err:
        if line is not None:
            line += data.count(b"\n", 0, err.start)
            column = err.start - data.rfind(b"\n", 0, err.start)
            where = f"{where} line {line}, byte {column}"
        hint = f"; pass {option}='replace' or 'ignore' to read it anyway" if option else ""
        raise ValueError(f"{where}: {data[err.start:err.end]!r} is not valid {encoding} "
                         f"({err.reason}){hint}") from None


def _is_compressed(fname):
    return Path(os.fspath(fname)).suffix.lower() in _COMPRESSED_OPENERS

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
