"""The benchmark corpus: a plain-text (optionally compressed) file cut to its first words
and counted once, so that every tool reads the same file."""
import bz2
import contextlib
import gzip
import lzma
from pathlib import Path

OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def open_text(path):
    """Open a possibly compressed text file for binary reading.

    Parameters
    ----------
    path : pathlib.Path
        File ending in ``.gz``, ``.bz2``, ``.xz`` or anything else (plain).

    Returns
    -------
    file object
        Binary, line-iterable stream of the decompressed text.
    """
    return OPENERS.get(path.suffix, open)(path, "rb")


def prepare_corpus(src, max_words, workdir, name="corpus.txt"):
    """Produce the plain-text benchmark file and count its words.

    A plain file used whole is only counted; otherwise the text is decompressed and/or
    cut after the line on which ``max_words`` is reached, into ``workdir``.

    Parameters
    ----------
    src : pathlib.Path
        Source corpus.
    max_words : int or None
        Stop after the first line that brings the count to at least this; None = all.
    workdir : str
        Directory for the temporary plain-text file.
    name : str
        Its file name there.

    Returns
    -------
    path : pathlib.Path
        Plain-text file both tools will read (absolute: children run elsewhere).
    n_words : int
        Raw whitespace-separated words in it.
    n_lines : int
        Lines (sentences) in it.
    """
    copy = max_words is not None or src.suffix in OPENERS
    dst = Path(workdir) / name if copy else src
    n_words = n_lines = 0
    with open_text(src) as fin, (open(dst, "wb") if copy else contextlib.nullcontext()) as fout:
        for line in fin:
            n_words += len(line.split())
            n_lines += 1
            if copy:
                fout.write(line if line.endswith(b"\n") else line + b"\n")
            if max_words is not None and n_words >= max_words:
                break
    return dst.resolve(), n_words, n_lines
