"""Public corpora, downloaded once into a cache directory and read from there.

>>> from fastw2v import FastW2V, datasets
>>> model = FastW2V(datasets.load("text8"), sg=1).train()   # doctest: +SKIP

A download goes to a temporary file in the cache directory and is renamed to its final name
only when it is complete and its size and sha256 checksum are right, so an interrupted or
corrupt download never leaves a file that a later call would take for the real one.

The cache directory is, in order: the `cache_dir` argument, ``$FASTW2V_DATA_DIR``,
``$XDG_CACHE_HOME/fastw2v``, ``~/.cache/fastw2v``.
"""
import hashlib
import logging
import os
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger("fastw2v")

_DOWNLOAD_CHUNK = 1 << 20
_READ_CHUNK = 1 << 20
_TIMEOUT_SECONDS = 60


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
        Expected size in bytes, checked after download (None: not checked).
    sha256 : str or None
        Expected sha256 of the download, checked before it enters the cache. None means no
        checksum is published: the download is then checked by size only and its sha256 is
        logged, so that it can be pinned with ``load(name, sha256=...)``.
    description : str
    """

    url: str
    filename: str
    member: str
    size: object
    sha256: object
    description: str


DATASETS = {
    "text8": Dataset(
        url="http://mattmahoney.net/dc/text8.zip",
        filename="text8.zip",
        member="text8",
        # the size that TensorFlow's word2vec tutorial checks; Matt Mahoney's page publishes
        # no checksum, and we found none documented, so none is asserted here
        size=31344016,
        sha256=None,
        description="the first 10^8 bytes of an English Wikipedia dump (Feb. 2006), lower-cased "
                    "letters and single spaces only, one line: 17,005,207 words (Matt Mahoney)",
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
    ValueError
        If the download has the wrong size or checksum (nothing is kept in the cache).
    OSError
        If the download fails or is cut short (nothing is kept in the cache).
    """
    dataset = _dataset(name)
    directory = cache_directory(cache_dir)
    path = directory / dataset.filename
    if path.is_file():
        return path
    directory.mkdir(parents=True, exist_ok=True)
    expected_sha256 = (sha256 or dataset.sha256 or "").lower() or None
    logger.info("downloading %s from %s to %s", name, dataset.url, path)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{dataset.filename}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            size, digest = _fetch(dataset.url, out, progress)
            out.flush()
            os.fsync(out.fileno())
        if dataset.size is not None and size != dataset.size:
            raise ValueError(f"download of {name} from {dataset.url} has {size} bytes, expected "
                             f"{dataset.size}; not cached")
        if expected_sha256 is None:
            logger.warning("%s: no published sha256 to check; downloaded file has sha256 %s "
                           "(pass sha256=... to pin it)", name, digest)
        elif digest != expected_sha256:
            raise ValueError(f"download of {name} from {dataset.url} has sha256 {digest}, expected "
                             f"{expected_sha256}; not cached")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


def _dataset(name):
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}; known datasets: {sorted(DATASETS)}") from None


def _fetch(url, out, progress):
    """Copy the body at `url` to the file `out`; return (bytes written, sha256 hex digest)."""
    digest, size = hashlib.sha256(), 0
    with urllib.request.urlopen(url, timeout=_TIMEOUT_SECONDS) as response:
        declared = response.headers.get("Content-Length")
        declared = int(declared) if declared and declared.isdigit() else None
        bar = None
        if progress:
            from tqdm.auto import tqdm
            bar = tqdm(total=declared, unit="B", unit_scale=True, desc=url.rsplit("/", 1)[-1])
        try:
            for chunk in iter(lambda: response.read(_DOWNLOAD_CHUNK), b""):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                if bar is not None:
                    bar.update(len(chunk))
        finally:
            if bar is not None:
                bar.close()
    if declared is not None and size != declared:
        raise ConnectionError(f"download from {url} was cut short: {size} of {declared} bytes; "
                              "not cached, try again")
    return size, digest.hexdigest()


class _ZippedWords:
    """The words of a one-line text inside a zip archive, as texts of `text_words` words.

    Re-iterable; reads the archive member in chunks, never the whole text at once.
    (A minimal reader: the general corpus readers live in :mod:`fastw2v.corpus`.)
    """

    def __init__(self, path, member, text_words=10000):
        self.path, self.member, self.text_words = Path(path), member, text_words

    def __iter__(self):
        with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as fin:
            text, rest = [], b""
            for chunk in iter(lambda: fin.read(_READ_CHUNK), b""):
                words = (rest + chunk).split()
                rest = b"" if chunk[-1:].isspace() else words.pop()
                text.extend(word.decode("utf-8") for word in words)
                while len(text) >= self.text_words:
                    yield text[:self.text_words]
                    text = text[self.text_words:]
            text.extend(word.decode("utf-8") for word in rest.split())
            if text:
                yield text

    def __repr__(self):
        return f"<{type(self).__name__} {self.path}:{self.member}>"


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
        If the download has the wrong size or checksum.
    OSError
        If the download fails.
    """
    path = download(name, cache_dir=cache_dir, sha256=sha256, progress=progress)
    return _ZippedWords(path, _dataset(name).member)
