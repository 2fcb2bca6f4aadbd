"""Corpus reading and encoding: the text is read and tokenized once, into an int32 id stream."""
import bz2
import gzip
import logging
import lzma
import os
from dataclasses import dataclass

import numpy as np

from ._scan import Encoder

logger = logging.getLogger("fastw2v")

#: Texts longer than this many words are split into pieces (never truncated).
MAX_TEXT_WORDS = 10000
#: Approximate number of words in one chunk claimed by a training thread.
CHUNK_WORDS = 10000

_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def open_text(path, encoding="utf-8", errors="strict"):
    """Opens a text file for reading, decompressing .gz, .bz2 and .xz by extension.

    Parameters
    ----------
    path : str or os.PathLike
    encoding, errors : str
        As for :func:`open`.

    Returns
    -------
    A text-mode file object.

    Raises
    ------
    OSError
        The file is missing or unreadable.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"corpus_file {path!r} is a directory, not a text file")
    opener = _OPENERS.get(os.path.splitext(path)[1].lower(), open)
    return opener(path, "rt", encoding=encoding, errors=errors)


@dataclass
class EncodedCorpus:
    """The corpus as final vocabulary ids.

    Attributes
    ----------
    ids : int32 array, all texts back to back
    offsets : int64 array, text t is ``ids[offsets[t]:offsets[t + 1]]``
    chunk_texts : int64 array, chunk c is texts ``chunk_texts[c]`` to ``chunk_texts[c + 1] - 1``
    chunk_words_before : int64 array, words of the corpus before chunk c
    """

    ids: np.ndarray
    offsets: np.ndarray
    chunk_texts: np.ndarray
    chunk_words_before: np.ndarray

    @property
    def total_words(self):
        return int(self.offsets[-1])

    @property
    def n_texts(self):
        return len(self.offsets) - 1

    @property
    def max_text(self):
        return int(np.diff(self.offsets).max(initial=0))

    @classmethod
    def from_stream(cls, ids, offsets, chunk_words=CHUNK_WORDS):
        """Groups whole texts into chunks of about ``chunk_words`` words."""
        starts = offsets[:-1]
        chunk_of_text = starts // chunk_words
        first = np.flatnonzero(np.diff(chunk_of_text)) + 1
        chunk_texts = np.concatenate(([0], first, [len(starts)])).astype(np.int64)
        return cls(ids, offsets, chunk_texts, offsets[chunk_texts[:-1]].astype(np.int64))


def _iter_file_texts(path, encoding, errors):
    lineno = 0
    try:
        with open_text(path, encoding, errors) as f:
            for lineno, line in enumerate(f):
                yield line
    except UnicodeDecodeError as e:
        raise ValueError(f"corpus_file {os.fspath(path)!r}: text near line {lineno + 1} is not valid "
                         f"{encoding}: {e.reason} at byte {e.start}") from None
    except (EOFError, gzip.BadGzipFile, lzma.LZMAError) as e:
        raise ValueError(f"corpus_file {os.fspath(path)!r} is corrupted or truncated: {e}") \
            from None


def scan(sentences=None, corpus_file=None, max_vocab_size=None, encoding="utf-8",
         errors="strict"):
    """Reads the corpus once: counts words and encodes them to provisional ids.

    Parameters
    ----------
    sentences : iterable of lists of str, optional
    corpus_file : path, optional
        Whitespace-tokenized text, one text per line, plain or .gz/.bz2/.xz.
    max_vocab_size : int, optional
        Bound on distinct words kept while scanning (rarest pruned).

    Returns
    -------
    Encoder
        Holding provisional words, counts and the id stream.

    Raises
    ------
    TypeError
        A text is a str (not a list of tokens) or a token is not a str.
    OSError
        corpus_file missing or unreadable.
    ValueError
        corpus_file undecodable or corrupted.
    """
    enc = Encoder(MAX_TEXT_WORDS, max_vocab_size)
    if corpus_file is not None:
        for line in _iter_file_texts(corpus_file, encoding, errors):
            enc.add_line(line)
    else:
        for i, text in enumerate(sentences):
            if isinstance(text, str):
                raise TypeError(
                    f"sentences must be an iterable of lists of str tokens, but text {i} is a "
                    f"str ({text[:40]!r}...); split it first, e.g. [line.split() for line in "
                    f"lines]")
            if not isinstance(text, list):
                try:
                    text = list(text)
                except TypeError:
                    raise TypeError(f"sentences must be an iterable of lists of str tokens, "
                                    f"but text {i} is a {type(text).__name__}") from None
            try:
                enc.add_text(text)
            except TypeError as e:
                raise TypeError(f"text {i}: {e}") from None
    if enc.prunings:
        logger.info("max_vocab_size=%d: pruned rare words %d times while scanning",
                    max_vocab_size, enc.prunings)
    return enc
