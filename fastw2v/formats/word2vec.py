"""The word2vec C tool's formats: vectors (text and binary), vocabulary files, detection.

:func:`write_word2vec` and :func:`read_word2vec` handle the text and binary formats of
the original C word2vec tool: a header line ``"COUNT DIM\\n"``, then one record per word.
Text records are ``"word v1 ... vDIM\\n"``; binary records are the word's bytes, a space,
DIM little-endian float32 values and (optionally, as the C tool writes it) a newline.
Words are UTF-8 without ASCII whitespace, on both sides. Paths ending in ``.gz``, ``.bz2``
or ``.xz`` are (de)compressed on the fly (:mod:`fastw2v._compression`), and files are
written through :func:`fastw2v._compression.atomic_output`. :func:`write_vocab` and
:func:`read_vocab` handle the C tool's vocabulary files (``"word count"`` per line);
:func:`is_binary_word2vec` tells the binary format from the text one.
"""

import codecs
import contextlib
import itertools
import logging
import os
import re
import shutil
from pathlib import Path

import numpy as np

from .._checks import check_int
from .._compression import (
    _COMPRESSED_OPENERS,
    _READ_CHUNK,
    atomic_output,
    corrupt_stream_named,
    decode_text,
    open_compressed,
)
from .native import _ZIP_MAGIC

logger = logging.getLogger("fastw2v")

# Whitespace that separates tokens in word2vec files (bytes.split() semantics).
_WORD_SEPARATORS = re.compile(r"[ \t\n\r\x0b\x0c]")
_WORD_SEPARATORS_BYTES = re.compile(_WORD_SEPARATORS.pattern.encode("ascii"))
# Bytes that make up the numbers of a text-format record; see _looks_like_text().
_TEXT_NUMBER_BYTES = b"0123456789.-+eEinfaINFA \t\r\n"
_NEWLINE = b"\n"
_MAX_WORD_BYTES = 1 << 16
_MAX_HEADER_BYTES = 256
_MAX_DIM = 2**31 - 1  # largest vector size in a word2vec header
_INT64_MAX = 2**63 - 1  # largest vector count in a word2vec header, largest word count
_DETECTION_DIM = 1 << 16  # is_binary_word2vec judges at most this many values
_UTF8_BOM = b"\xef\xbb\xbf"
_WRITE_BLOCK_ROWS = 4096
_WRITE_BLOCK_VALUES = 1 << 16  # text values formatted at a time (numpy's str array: 4 B a char)


def write_word2vec(fname, words, vectors, binary=False, write_header=True, total_vec=None,
                   append=False, order=None):
    """Write vectors in the word2vec C tool's text or binary format.

    Text values are written as numpy prints them (``str()`` of each value, as gensim
    writes them): the shortest decimal that reads back as the same value of the vectors'
    dtype. Binary records end with a newline, as the C tool writes them (gensim writes
    none; both read either).

    Parameters
    ----------
    fname : str or os.PathLike
        Output path (``.gz``, ``.bz2``, ``.xz`` are compressed).
    words : list of str
        One word per record written; words must be non-empty and contain no whitespace.
    vectors : numpy.ndarray
        2-D float array: row ``i`` is the vector of ``words[i]``, or with `order` row
        ``order[i]`` is.
    binary : bool, optional
        Write the binary format instead of text.
    write_header : bool, optional
        Write the ``"COUNT DIM"`` header line (the text format without it is GloVe's).
    total_vec : int, optional
        The COUNT of the header (default: the number of words), for a file that more
        vectors will be appended to.
    append : bool, optional
        Add to the end of an existing `fname` (see :func:`_atomic_append`).
    order : sequence of int, optional
        The rows of `vectors` to write, one per word.

    Raises
    ------
    TypeError
        If `total_vec` is not an int (an ArgumentTypeError, also a ValueError).
    ValueError
        If a word is empty or contains whitespace, the shapes disagree, or `total_vec` < 0.
    OSError
        If the file cannot be written.
    """
    vectors = np.asarray(vectors)
    rows = len(vectors) if order is None else len(order)
    if vectors.ndim != 2 or rows != len(words):
        raise ValueError(f"need one vector per word: {len(words)} words, "
                         f"vectors of shape {vectors.shape}")
    total_vec = check_int("total_vec", total_vec, 0, optional=True)
    encoded = [_encode_word(word) for word in words]
    # text: numpy's str() of every value, in blocks of a bounded number of values
    block_rows = _WRITE_BLOCK_ROWS if binary else max(1, _WRITE_BLOCK_VALUES // vectors.shape[1])
    with _atomic_append(fname) if append else atomic_output(fname) as fout:
        if write_header:
            fout.write(b"%d %d\n" % (rows if total_vec is None else total_vec, vectors.shape[1]))
        for start in range(0, len(encoded), block_rows):
            block = vectors[start:start + block_rows] if order is None else \
                vectors[order[start:start + block_rows]]
            if binary:
                values = [row.tobytes() for row in np.asarray(block, dtype="<f4")]
            else:
                values = [" ".join(row).encode("ascii") for row in block.astype(str).tolist()]
            fout.write(b"".join(b"%s %s\n" % pair for pair in zip(encoded[start:], values)))
    logger.info("wrote %d x %d vectors to %s", rows, vectors.shape[1], fname)


def write_vocab(fname, words, counts, append=False):
    """Write a vocabulary file as word2vec.c's ``-save-vocab`` does: ``"word count"`` lines.

    Parameters
    ----------
    fname : str or os.PathLike
        Output path (``.gz``, ``.bz2``, ``.xz`` are compressed).
    words : list of str
        The words, in the order to write them.
    counts : sequence of int
        The count of each word.
    append : bool, optional
        Add to the end of an existing `fname` (see :func:`_atomic_append`).

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
    with _atomic_append(fname) if append else atomic_output(fname) as fout:
        for start in range(0, len(words), _WRITE_BLOCK_ROWS):
            block = zip(words[start:start + _WRITE_BLOCK_ROWS],
                        counts[start:start + _WRITE_BLOCK_ROWS])
            fout.write(b"".join(b"%s %d\n" % (_encode_word(word), count) for word, count in block))
    logger.info("wrote %d word counts to %s", len(words), fname)


@contextlib.contextmanager
def _atomic_append(fname):
    """A binary file to append to ``fname``, atomically: the new file is a copy of the old
    one (its bytes, as they are) followed by the data written, and it replaces ``fname``
    through :func:`fastw2v._compression.atomic_output` only once complete, so at every
    instant ``fname`` holds its previous content or all of it plus everything appended,
    never a part (the price: the old content is copied). A compressed ``fname`` gets the
    data as a further compressed stream (member), which gzip, bzip2 and xz readers, and
    fastw2v's and gensim's, read as the continuation. A missing ``fname`` is created.
    Yields the binary file to write to; raises OSError as ``atomic_output`` does, or if the
    old file cannot be read."""
    opener = _COMPRESSED_OPENERS.get(Path(os.fspath(fname)).suffix.lower())
    with atomic_output(fname, compress=False) as raw:
        if os.path.isfile(fname):
            with open(fname, "rb") as old:
                shutil.copyfileobj(old, raw, _READ_CHUNK)
        if opener is None:
            yield raw
        else:
            with opener(raw, "wb") as fout:
                yield fout


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
        If a line is not a word and a non-negative integer count, or a word appears twice
        (the message names the line), or a compressed file is corrupt or truncated.
    """
    counts = {}
    where = os.fspath(fname)
    with open_compressed(fname, "rb") as fin, corrupt_stream_named(fname, where):
        for line_no, line in enumerate(fin, 1):
            if (line_no == 1 and line.startswith(_UTF8_BOM)
                    and codecs.lookup(encoding).name == "utf-8"):
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
            word = decode_text(fields[0], f"{where}, line {line_no}", encoding, unicode_errors,
                               "unicode_errors")
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
        If the file does not start with a ``"COUNT DIM"`` header, or a compressed file is
        corrupt or truncated.
    """
    where = os.fspath(fname)
    with open_compressed(fname, "rb") as fin, corrupt_stream_named(fname, where):
        _, dim, _ = _parse_header(fin, where)
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
    TypeError
        If `limit` is not an int or None (an ArgumentTypeError, also a ValueError).
    ValueError
        If an argument is invalid, or the file is empty, truncated, corrupt, disagrees
        with its header, or is in the other (text/binary) format. The message names the
        line number (text) or byte offset (binary).
    """
    limit = check_int("limit", limit, 1, optional=True)
    if not np.issubdtype(np.dtype(datatype), np.floating):
        raise ValueError(f"datatype must be a floating-point dtype, got {datatype!r}")
    if binary and no_header:
        raise ValueError("no_header=True is only supported for the text format")
    where = str(fname)
    with open_compressed(fname, "rb") as fin, corrupt_stream_named(fname, where):
        if binary:
            words, vectors = _read_binary_body(fin, where, limit, encoding, unicode_errors,
                                               datatype)
        else:
            words, vectors = _read_text_body(fin, where, limit, encoding, unicode_errors,
                                             datatype, no_header)
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
                "the header count is wrong or the file is not in the expected format "
                f"(pass {other})"
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
        words.append(decode_text(parts[0], f"{where}, line {line_no}", encoding, unicode_errors,
                                 "unicode_errors"))
        values.append(parts[1])
    vectors = _parse_text_values(values, dim, datatype, where, first_line_no)
    if not no_header and (limit is None or limit >= count):
        _check_trailing(fin, b"", where, count, header_len + sum(map(len, lines)),
                        first_line_no + len(lines))
    return words, vectors


def _binary_hint(line):
    return (" (is this a binary file? then pass binary=True)"
            if b"\0" in line or not line.isascii() else "")


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
                f"{where}, line {line_no}: non-numeric vector value in "
                f"{text[:60]!r}{_binary_hint(text)}"
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
                    f"{where}, byte offset {base + pos}: "
                    f"no word ends within {_MAX_WORD_BYTES} bytes "
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
                f"{where}, byte offset {base + pos}: record {i + 1} has an invalid word "
                f"{raw[:60]!r} "
                "(words are non-empty, without whitespace: corrupt file, "
                "wrong vector size in the header, or a text file: then pass binary=False)"
            )
        if i == 0 and _looks_like_text(bytes(buf[start:start + record_bytes])):
            raise ValueError(
                f"{where}, byte offset {base + start}: the vector data is text, not binary floats; "
                "this looks like a text word2vec file: pass binary=False"
            )
        words.append(decode_text(raw, f"{where}, byte offset {base + pos}", encoding,
                                 unicode_errors, "unicode_errors"))
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
    logger.warning("%s: %d duplicate words ignored (first occurrence kept)",
                   where, len(words) - len(first))
    keep = np.fromiter(first.values(), dtype=np.int64, count=len(first))
    return list(first), np.ascontiguousarray(vectors[keep])
