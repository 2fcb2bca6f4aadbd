"""Corpus encoding: the texts (from :mod:`fastw2v.readers` or an iterable) are read and
tokenized once by :func:`scan`, into an int32 id stream held as an :class:`EncodedCorpus`.
"""
import logging
import mmap
from dataclasses import dataclass

import numpy as np

from ._scan import Encoder
from .readers import MAX_TEXT_WORDS, corpus_blocks

logger = logging.getLogger("fastw2v")

#: Approximate number of words in one chunk claimed by a training thread.
CHUNK_WORDS = 10000


@dataclass
class EncodedCorpus:
    """The corpus as final vocabulary ids.

    Attributes
    ----------
    ids : int32 array, all texts back to back (a ``numpy.memmap`` of a temporary file when
        the stream outgrew ``max_corpus_ram``)
    offsets : int64 array, text t is ``ids[offsets[t]:offsets[t + 1]]``
    chunk_texts : int64 array, chunk c is texts ``chunk_texts[c]`` to ``chunk_texts[c + 1] - 1``
    chunk_words_before : int64 array, words of the corpus before chunk c
    texts_given : int, the texts of the scan as gensim counts them (its ``corpus_count``):
        every text of an iterable (empty ones included, long ones once); for a corpus file,
        its non-empty lines, a line of more than 10,000 words once per 10,000
    words_scanned : int, the words of the scan, those the vocabulary dropped included
        (gensim's ``corpus_total_words``)
    """

    ids: np.ndarray
    offsets: np.ndarray
    chunk_texts: np.ndarray
    chunk_words_before: np.ndarray
    texts_given: int = 0
    words_scanned: int = 0

    @property
    def total_words(self):
        return int(self.offsets[-1])

    @property
    def n_texts(self):
        return len(self.offsets) - 1

    @property
    def max_text(self):
        return int(np.diff(self.offsets).max(initial=0))

    @property
    def memory_mapped(self):
        """True when the ids live in a memory-mapped temporary file."""
        return isinstance(self.ids.base, mmap.mmap)

    def evict(self):
        """Drops the pages of a memory-mapped id stream from this process's resident memory:
        they stay in the file (and usually in the OS page cache), so reading them again is
        cheap. Training calls it several times a second, which keeps the resident size of a
        mapped stream to the few MB read in between. Nothing to do for ids in RAM."""
        if self.memory_mapped and hasattr(mmap, "MADV_DONTNEED"):
            self.ids.base.madvise(mmap.MADV_DONTNEED)

    @classmethod
    def from_stream(cls, ids, offsets, chunk_words=CHUNK_WORDS, texts_given=0, words_scanned=0):
        """Groups whole texts into chunks of about ``chunk_words`` words."""
        starts = offsets[:-1]
        chunk_of_text = starts // chunk_words
        first = np.flatnonzero(np.diff(chunk_of_text)) + 1
        chunk_texts = np.concatenate(([0], first, [len(starts)])).astype(np.int64)
        return cls(ids, offsets, chunk_texts, offsets[chunk_texts[:-1]].astype(np.int64),
                   texts_given, words_scanned)

    @property
    def id_range(self):
        """(smallest, largest) id in the stream, computed once: training checks it against
        the vocabulary (the kernels index their tables with the ids unchecked)."""
        if "_id_range" not in self.__dict__:
            self._id_range = (int(self.ids.min(initial=0)), int(self.ids.max(initial=-1)))
        return self._id_range


def encode(enc, remap):
    """The :class:`EncodedCorpus` of a scan (an Encoder) with its final ids (``remap``, see
    ``Encoder.compact``, which empties the Encoder)."""
    texts_given, words_scanned = enc.n_given, enc.n_words_total
    ids, offsets = enc.compact(remap)
    return EncodedCorpus.from_stream(ids, offsets, texts_given=texts_given,
                                     words_scanned=words_scanned)


def scan(sentences=None, corpus_file=None, max_vocab_size=None, encoding_errors="strict",
         max_ram_ids=None, tmp_dir=None, trim_rule=None):
    """Reads the corpus once: counts words and encodes them to provisional ids.

    Parameters
    ----------
    sentences : iterable of lists of str, optional
    corpus_file : path, directory or list of paths, optional
        Whitespace-tokenized UTF-8 text, one text per line, plain or .gz/.bz2/.xz (see
        :func:`fastw2v.readers.corpus_files`).
    max_vocab_size : int, optional
        Bound on distinct words kept while scanning (rarest pruned, as gensim prunes them:
        see :class:`fastw2v._scan.Encoder`).
    encoding_errors : {'strict', 'replace', 'ignore'}
        For corpus_file, as for :func:`fastw2v.readers.line_pieces`.
    max_ram_ids, tmp_dir : optional
        Ids held in RAM before the stream goes to a temporary file in tmp_dir (see
        :class:`fastw2v._scan.Encoder`).
    trim_rule : callable, optional
        gensim's ``trim_rule(word, count, min_count)``, applied by the pruning.

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
        corpus_file undecodable (with encoding_errors='strict') or corrupted.
    """
    enc = Encoder(MAX_TEXT_WORDS, max_vocab_size, max_ram_ids, tmp_dir, trim_rule)
    for _ in feed(enc, sentences, corpus_file, encoding_errors):
        pass
    if enc.prunings:
        logger.info("max_vocab_size=%d: pruned rare words %d times while scanning",
                    max_vocab_size, enc.prunings)
    return enc


def feed(enc, sentences=None, corpus_file=None, encoding_errors="strict", every=None):
    """Adds the texts of ``sentences`` or of ``corpus_file`` to the Encoder ``enc`` (as
    :func:`scan` reads them), pausing after every ``every`` words (and at the end), so that
    the caller can take what was encoded (``Encoder.take``) while the reading goes on.

    Yields
    ------
    None, after every ``every`` words (None: only at the end) and at the end.

    Raises
    ------
    As :func:`scan`.
    """
    due = enc.n_words_total + every if every is not None else None
    if corpus_file is not None:
        for block in corpus_blocks(corpus_file, encoding_errors):
            enc.add_block(block)
            if due is not None and enc.n_words_total >= due:
                due = enc.n_words_total + every
                yield
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
            if due is not None and enc.n_words_total >= due:
                due = enc.n_words_total + every
                yield
    yield
