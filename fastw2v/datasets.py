"""Public corpora, downloaded once into a cache directory and read from there.

>>> from fastw2v import FastW2V, datasets
>>> model = FastW2V(datasets.load("text8"), sg=1).train()   # doctest: +SKIP

A download goes to an anonymous temporary file in the cache directory (it has no name, so
nothing is left behind, whatever happens), and enters the cache only once it is complete and
checked: its size, its checksums (sha1 or sha256, where known), and the archive itself (the
member is present and its CRC-32 is right). The body may not exceed the expected size, and
the whole download has a deadline. An interrupted or corrupt download therefore never leaves
a file that a later call would take for the real one.

The cache directory is, in order: the `cache_dir` argument, ``$FASTW2V_DATA_DIR``,
``$XDG_CACHE_HOME/fastw2v``, ``~/.cache/fastw2v``.
"""
import hashlib
import logging
import os
import re
import shutil
import tempfile
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ._checks import ArgumentTypeError
from ._compression import _DECOMPRESSION_ERRORS, _READ_CHUNK, atomic_output, is_corrupt_stream
from .readers import ZipMemberWords

logger = logging.getLogger("fastw2v")

#: Seconds a connection or a single read may wait for the server.
_TIMEOUT_SECONDS = 60
#: Seconds the whole download may take (checked after each read).
_DEADLINE_SECONDS = 3600
_SHA256 = re.compile("[0-9a-fA-F]{64}")


@dataclass(frozen=True)
class Dataset:
    """Where a corpus comes from and how to check it.

    Attributes
    ----------
    url : str
        Download address.
    filename : str
        Name of the file in the cache directory.
    member : str
        Name of the text file inside the zip archive.
    size : int or None
        Expected size in bytes (None: not checked); a server that sends more is refused.
    sha256 : str or None
        Expected sha256 of the download, checked before it enters the cache.
    description : str
    sha1 : str or None
        Expected sha1 of the download, checked likewise. With neither checksum, the
        download is checked by its size and its archive only, and its sha256 is logged, so
        that it can be pinned with ``load(name, sha256=...)``.
    """

    url: str
    filename: str
    member: str
    size: object
    sha256: object
    description: str
    sha1: object = None


DATASETS = {
    "text8": Dataset(
        url="http://mattmahoney.net/dc/text8.zip",
        filename="text8.zip",
        member="text8",
        # the size that TensorFlow's word2vec tutorial checks; Matt Mahoney's page publishes
        # no checksum. The sha1 is the one GluonNLP (github.com/dmlc/gluon-nlp, class Text8,
        # archive_file) checked for downloads from this URL, and kept for its S3 mirror of the
        # file, text8-6c70299b.zip; not yet computed here from a download of our own
        size=31344016,
        sha256=None,
        description="the first 10^8 bytes of an English Wikipedia dump (Feb. 2006), lower-cased "
                    "letters and single spaces only, one line: 17,005,207 words (Matt Mahoney)",
        sha1="6c70299b93b7e1f927b42cd8f6ac1a31547c7a2e",
    ),
}


def cache_directory(cache_dir=None):
    """The directory datasets are stored in (see the module documentation).

    Parameters
    ----------
    cache_dir : str or os.PathLike, optional
        Use this directory.

    Returns
    -------
    pathlib.Path
        The directory (not created).
    """
    if cache_dir is not None:
        return Path(cache_dir)
    if os.environ.get("FASTW2V_DATA_DIR"):
        return Path(os.environ["FASTW2V_DATA_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fastw2v"


def download(name, cache_dir=None, sha256=None, progress=False):
    """Path of a dataset's file in the cache, downloading it first if it is not there.

    Parameters
    ----------
    name : str
        A key of :data:`DATASETS`.
    cache_dir : str or os.PathLike, optional
        Cache directory (see :func:`cache_directory`); created if missing.
    sha256 : str, optional
        Expected sha256 (hex); overrides the registry's.
    progress : bool, optional
        Show a tqdm progress bar while downloading.

    Returns
    -------
    pathlib.Path
        The cached file.

    Raises
    ------
    KeyError
        If `name` is not a known dataset.
    TypeError
        If `sha256` is not a str (an ArgumentTypeError, also a ValueError).
    ValueError
        If `sha256` is not 64 hexadecimal digits; or the download has the wrong size or
        checksum, is larger than expected, or is not a zip archive holding the dataset's
        member with the right CRC-32 (nothing is kept in the cache).
    OSError
        If the download fails or is cut short (ConnectionError), or takes more than the
        deadline (TimeoutError); nothing is kept in the cache.
    """
    dataset = _dataset(name)
    if sha256 is not None and not (isinstance(sha256, str) and _SHA256.fullmatch(sha256)):
        error = ValueError if isinstance(sha256, str) else ArgumentTypeError
        raise error(f"sha256 must be 64 hexadecimal digits, got {sha256!r}")
    directory = cache_directory(cache_dir)
    path = directory / dataset.filename
    if path.is_file():
        return path
    directory.mkdir(parents=True, exist_ok=True)
    what = f"download of {name} from {dataset.url}"
    logger.info("downloading %s from %s to %s", name, dataset.url, path)
    with tempfile.TemporaryFile(dir=directory, prefix=f".{dataset.filename}.") as tmp:
        size, digests = _fetch(dataset.url, tmp, progress, dataset.size, what)
        if dataset.size is not None and size != dataset.size:
            raise ValueError(f"{what} has {size} bytes, expected {dataset.size}; not cached")
        expected = {"sha256": sha256 or dataset.sha256, "sha1": dataset.sha1}
        for algorithm, digest in expected.items():
            if digest and digests[algorithm] != digest.lower():
                raise ValueError(f"{what} has {algorithm} {digests[algorithm]}, expected "
                                 f"{digest.lower()}; not cached")
        if not any(expected.values()):
            logger.warning("%s: no published checksum to check; downloaded file has sha256 %s "
                           "(pass sha256=... to pin it)", name, digests["sha256"])
        _check_archive(tmp, dataset.member, what)
        tmp.seek(0)
        with atomic_output(path, compress=False) as out:
            shutil.copyfileobj(tmp, out, _READ_CHUNK)
    return path


def _dataset(name):
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}; known datasets: {sorted(DATASETS)}") from None


def _fetch(url, out, progress, limit, what):
    """Copies the body at `url` to the file `out`, at most `limit` bytes (None: no limit) and
    within the deadline; returns (bytes written, {"sha256": hex digest, "sha1": hex digest})."""
    deadline = time.monotonic() + _DEADLINE_SECONDS
    hashes, size = {"sha256": hashlib.sha256(), "sha1": hashlib.sha1()}, 0
    with urllib.request.urlopen(url, timeout=_TIMEOUT_SECONDS) as response:
        declared = response.headers.get("Content-Length")
        declared = int(declared) if declared and declared.isdigit() else None
        if None not in (declared, limit) and declared > limit:
            raise ValueError(f"{what} announces {declared} bytes, more than the expected "
                             f"{limit}; not cached")
        bar = None
        if progress:
            from tqdm.auto import tqdm
            bar = tqdm(total=declared, unit="B", unit_scale=True, desc=url.rsplit("/", 1)[-1])
        try:
            # read1: whatever one receive brings, so that the deadline is checked at least
            # every _TIMEOUT_SECONDS even from a server that sends a byte at a time
            for chunk in iter(lambda: response.read1(_READ_CHUNK), b""):
                size += len(chunk)
                if limit is not None and size > limit:
                    raise ValueError(f"{what} sends more than the expected {limit} bytes; "
                                     "not cached")
                out.write(chunk)
                for h in hashes.values():
                    h.update(chunk)
                if bar is not None:
                    bar.update(len(chunk))
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{what} takes more than {_DEADLINE_SECONDS} s ({size} "
                                       f"bytes received); not cached, try again")
        finally:
            if bar is not None:
                bar.close()
    if declared is not None and size != declared:
        raise ConnectionError(f"download from {url} was cut short: {size} of {declared} bytes; "
                              "not cached, try again")
    return size, {name: h.hexdigest() for name, h in hashes.items()}


def _check_archive(f, member, what):
    """Reads `member` of the zip archive in the file `f` through, which checks its CRC-32."""
    try:
        with zipfile.ZipFile(f) as archive, archive.open(member) as fin:
            while fin.read(_READ_CHUNK):
                pass
    except KeyError:
        raise ValueError(f"{what} holds no member {member!r}; not cached") from None
    except (zipfile.BadZipFile, NotImplementedError, *_DECOMPRESSION_ERRORS) as e:
        if isinstance(e, OSError) and not is_corrupt_stream(e):
            raise  # reading the temporary file failed: not a bad archive
        raise ValueError(f"{what} is not a valid zip archive holding {member!r} ({e}); not "
                         "cached") from None


def load(name, cache_dir=None, sha256=None, progress=False):
    """A dataset as a corpus: an iterable of texts (lists of words) for ``FastW2V``.

    Parameters
    ----------
    name : str
        A key of :data:`DATASETS`, e.g. ``"text8"``.
    cache_dir : str or os.PathLike, optional
        Cache directory (see :func:`cache_directory`).
    sha256 : str, optional
        Expected sha256 of the download; overrides the registry's.
    progress : bool, optional
        Show a progress bar while downloading.

    Returns
    -------
    iterable of list of str
        Re-iterable corpus; text8 comes as texts of 10,000 words.

    Raises
    ------
    KeyError
        If `name` is not a known dataset.
    ValueError
        If `sha256` is not 64 hexadecimal digits, or the download has the wrong size or
        checksum, or is not the expected archive.
    OSError
        If the download fails, is cut short or takes more than the deadline.
    """
    path = download(name, cache_dir=cache_dir, sha256=sha256, progress=progress)
    return ZipMemberWords(path, _dataset(name).member)
