"""Reading corpus files: which files a ``corpus_file`` names, their lines in pieces of
bounded size, and the iterables of texts over them (:class:`LineSentence`,
:class:`PathLineSentences`, :class:`Text8Corpus`, :class:`ZipMemberWords`).

Files are read as UTF-8 in blocks of 1 MB; a line longer than that is cut into pieces at
whitespace (as ``str.split()`` defines it, never inside a word or a character), so that no
line, however long, is held in memory at once.
"""
import collections
import os
import re
import stat
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ._checks import ArgumentTypeError, check_choice, check_int, check_path
from ._compression import (
    _DECOMPRESSION_ERRORS,
    _READ_CHUNK,
    decode_text,
    is_corrupt_stream,
    open_compressed,
)

#: Texts longer than this many words are split into pieces (never truncated).
MAX_TEXT_WORDS = 10000
#: What ``encoding_errors`` may be (see :func:`line_pieces`).
ENCODING_ERRORS = ("strict", "replace", "ignore")

#: Longest word (in bytes of UTF-8) of a corpus file; a longer one is refused (ValueError).
MAX_WORD_BYTES = 1 << 20

#: The characters ``str.split()`` splits on (``str.isspace()``). _LAST_SPACE finds their UTF-8
#: in a reversed block (its first match is the block's last whitespace), _FIRST_SPACE in a
#: block; a UTF-8 lead byte never occurs inside another character, so a match is always a
#: whole character.
_SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
           "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_LAST_SPACE = re.compile(b"|".join(re.escape(c.encode()[::-1]) for c in _SPACES))
_FIRST_SPACE = re.compile(b"|".join(re.escape(c.encode()) for c in _SPACES))
_FILE_KINDS = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
               (stat.S_ISSOCK, "a socket"))


def corpus_files(corpus_file, name="corpus_file"):
    """The files that a ``corpus_file`` argument names, checked.

    Parameters
    ----------
    corpus_file : str, os.PathLike, or list of them
        A file, a directory (its files in sorted order, without subdirectories and hidden
        files), or a list of files and directories, read in the order given.
    name : str
        The argument's name, for the messages.

    Returns
    -------
    list of str

    Raises
    ------
    TypeError
        ``corpus_file`` is not a path or a list of paths.
    ValueError
        The list, or a directory, holds no file, or a path is a character device (such as
        ``/dev/zero``), a block device or a socket (FIFOs are read).
    FileNotFoundError, PermissionError
        A path does not exist or is not readable.
    """
    if isinstance(corpus_file, (str, os.PathLike)):
        paths = [corpus_file]
    elif isinstance(corpus_file, (list, tuple)):
        if not corpus_file:
            raise ValueError(f"{name} is an empty list: give at least one path")
        paths, name = corpus_file, name + "[{}]"
    else:
        raise ArgumentTypeError(f"{name} must be a path, a directory or a list of paths, got "
                        f"{type(corpus_file).__name__} {corpus_file!r}")
    files = []
    for i, path in enumerate(paths):
        path = os.fspath(check_path(name.format(i), path))
        if not os.path.exists(path):
            raise FileNotFoundError(f"{name.format(i)} {path!r} does not exist")
        if os.path.isdir(path):
            found = sorted(os.path.join(path, f) for f in os.listdir(path)
                           if not f.startswith(".") and os.path.isfile(os.path.join(path, f)))
            if not found:
                raise ValueError(f"{name.format(i)} {path!r} is a directory without files")
        else:
            found = [path]
            mode = os.stat(path).st_mode
            for is_kind, kind in _FILE_KINDS:
                if is_kind(mode):
                    raise ValueError(f"{name.format(i)} {path!r} is {kind}, not a file: give "
                                     "a regular file, a FIFO or a directory")
        for f in found:
            if not os.access(f, os.R_OK):
                raise PermissionError(f"{name.format(i)} {f!r} is not readable")
        files.extend(found)
    return files


def check_encoding_errors(encoding_errors):
    """Checks an ``encoding_errors`` argument.

    Parameters
    ----------
    encoding_errors : str

    Returns
    -------
    str
        ``encoding_errors``, one of :data:`ENCODING_ERRORS`.

    Raises
    ------
    TypeError
        A value that is not a str (an ArgumentTypeError, also a ValueError).
    ValueError
        Any other str.
    """
    return check_choice("encoding_errors", encoding_errors, ENCODING_ERRORS)


def line_pieces(path, encoding_errors="strict"):
    """The lines of a text file, plain or compressed (by extension: .gz, .bz2, .xz),
    decoded from UTF-8, without their newline. A line longer than 1 MB comes in several
    pieces, cut at whitespace (any character that ``str.split()`` splits on).

    Parameters
    ----------
    path : str or os.PathLike
    encoding_errors : {'strict', 'replace', 'ignore'}
        What to do with bytes that are not UTF-8: raise ValueError, turn each into U+FFFD
        (the replacement character), or drop them.

    Yields
    ------
    str

    Raises
    ------
    ValueError
        Invalid UTF-8 with ``encoding_errors='strict'`` (the message names the file and the
        line), a word longer than :data:`MAX_WORD_BYTES`, or a corrupted or truncated
        compressed file (the message names the file and the line reached).
    OSError
        The file cannot be opened or read (a read error names the file and the line).
    """
    path = os.fspath(path)
    with open_compressed(path, "rb") as f:
        yield from stream_pieces(f, path, encoding_errors)


def stream_pieces(f, name, encoding_errors="strict"):
    """:func:`line_pieces` of an open binary file ``f``, named ``name`` in the messages."""
    return (piece for piece, _ in stream_lines(f, name, encoding_errors))


def stream_lines(f, name, encoding_errors="strict"):
    """:func:`stream_pieces` as pairs ``(piece, ends_line)``: ``ends_line`` is False for a
    piece of a long line but its last (and may be for the file's last piece)."""
    for _, text, ends in _blocks(f, name, encoding_errors):
        lines = text.split("\n")
        if text.endswith("\n"):
            lines.pop()
            ends = True
        for line in lines[:-1]:
            yield line, True
        yield lines[-1], ends


def stream_blocks(f, name, encoding_errors="strict"):
    """The text of the open binary file ``f`` (named ``name`` in the messages) as valid UTF-8
    in blocks of about 1 MB: whole lines, or a piece of a line longer than a block, cut
    after a whitespace character (see :func:`line_pieces`).

    Parameters
    ----------
    f : binary file object
    name : str
    encoding_errors : {'strict', 'replace', 'ignore'}
        As for :func:`line_pieces`; with 'replace' and 'ignore', a block is the UTF-8 of its
        decoded text.

    Yields
    ------
    bytes
        Each block once (a block's last line is unterminated when it is a piece of a long
        line or the file's last line without a newline).

    Raises
    ------
    ValueError, OSError
        As :func:`line_pieces`.
    """
    for data, text, _ in _blocks(f, name, encoding_errors):
        yield data if encoding_errors == "strict" else text.encode()


def corpus_blocks(corpus_file, encoding_errors="strict"):
    """The blocks of :func:`stream_blocks` of every file of ``corpus_file`` (a path, a
    directory or a list of them, see :func:`corpus_files`), file after file.

    Raises
    ------
    As :func:`corpus_files` and :func:`stream_blocks`.
    """
    for path in corpus_files(corpus_file):
        with open_compressed(path, "rb") as f:
            yield from stream_blocks(f, path, encoding_errors)


def read_ahead(iterable, depth=2):
    """The items of ``iterable``, produced in a second thread up to ``depth`` items ahead of
    the one taken (decompression and file reads release the GIL: they overlap the work on
    the items). An exception of ``iterable`` is raised where its item would have come;
    when the caller stops early, the items asked for meanwhile are dropped and ``iterable``
    is closed (its files too)."""
    items, end = iter(iterable), object()
    with ThreadPoolExecutor(1, thread_name_prefix="fastw2v-read") as pool:
        pending = collections.deque(pool.submit(next, items, end) for _ in range(depth))
        try:
            while True:
                item = pending.popleft().result()
                if item is end:
                    return
                pending.append(pool.submit(next, items, end))
                yield item
        finally:
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True)
            if hasattr(items, "close"):
                items.close()


def _blocks(f, name, encoding_errors):
    """The blocks of :func:`stream_blocks` as triples ``(data, text, last)``: the bytes, their
    decoded text, and whether it is the file's last block (whose last line, terminated or
    not, ends the file).

    Each block is copied once with the unfinished line or word before it (less than a
    block); a word longer than a block is kept as a list of blocks and joined once, so the
    time is linear in the size of the file, however long its lines and words.
    """
    lineno, carry, word, word_bytes = 1, b"", [], 0
    while True:
        try:
            block = f.read(_READ_CHUNK)
        except _DECOMPRESSION_ERRORS as e:
            if not is_corrupt_stream(e):  # a read error
                if e.filename is not None:
                    raise
                raise type(e)(e.errno, f"reading {name!r} failed at line {lineno}: "
                                       f"{e.strerror}") from e
            raise ValueError(f"corpus_file {name!r} is corrupted or truncated (at line "
                             f"{lineno}): {e}") from None
        data = carry + block
        if not data and not word:
            return
        end = data.rfind(b"\n") + 1 if block else len(data)
        if block and end == 0 and (word or len(data) >= _READ_CHUNK):  # long line: cut at a space
            match = _LAST_SPACE.search(data[::-1])
            if match is None:  # a word longer than a block
                word_bytes += len(data)
                _check_word_bytes(word_bytes, name, lineno)
                word.append(data)
                carry = b""
                continue
            end = len(data) - match.start()
        data, carry = data[:end], data[end:]
        if word:  # the long word ends in data
            space = _FIRST_SPACE.search(data)
            _check_word_bytes(word_bytes + (space.start() if space else len(data)), name, lineno)
            data, word, word_bytes = b"".join(word + [data]), [], 0
        if not data:
            continue
        text = decode_text(data, repr(name), "UTF-8", encoding_errors, "encoding_errors",
                           lineno)
        lineno += data.count(b"\n")
        yield data, text, not block  # the last line: a piece of a long line or the file's last


def _check_word_bytes(n, name, lineno):
    if n > MAX_WORD_BYTES:
        raise ValueError(f"{name!r} line {lineno}: a word longer than MAX_WORD_BYTES="
                         f"{MAX_WORD_BYTES} bytes (of UTF-8, without whitespace) is not read; "
                         f"this one has {n} bytes or more")


def _texts(pieces, n, limit=None):
    """The words of ``pieces`` (pairs ``(str, ends_text)``; the last one ends a text), as
    texts of ``n`` words, the last one of each text shorter; the first ``limit`` texts (all
    if None). Fewer than ``n`` words are held."""
    rest, done = [], 0
    for piece, ends in pieces:
        if done == limit:
            return
        tokens = rest + piece.split() if rest else piece.split()
        full = len(tokens) if ends else len(tokens) - len(tokens) % n
        for i in range(0, full, n):  # (not ends: full is a multiple of n)
            yield tokens[i:i + n]
        rest = tokens[full:]
        done += ends
    if rest:
        yield rest


class _TextFiles:
    """What LineSentence and Text8Corpus share: the files, the options, their checks."""

    def __init__(self, source, max_sentence_length=MAX_TEXT_WORDS, encoding_errors="strict"):
        self.files = self._files(source)
        self.max_sentence_length = check_int("max_sentence_length", max_sentence_length, 1)
        self.encoding_errors = check_encoding_errors(encoding_errors)

    def _files(self, source):
        return corpus_files(source, "source")

    def __repr__(self):
        return f"{type(self).__name__}({self.files!r})"


class LineSentence(_TextFiles):
    """The texts of whitespace-tokenized files, one per line, as lists of str: an iterable
    that reads the files again at each iteration (gensim's ``LineSentence`` and
    ``PathLineSentences``, which give the same texts).

    A line of more than ``max_sentence_length`` words is split into several texts of that
    many words, the last one shorter (nothing is dropped); empty lines are skipped. No line
    of a file or of a binary file object is held in memory at once, however long.

    Parameters
    ----------
    source : str, os.PathLike, list of them, or file object
        A file, a directory (its files in sorted order, without subdirectories and hidden
        files) or a list of files, each plain or .gz/.bz2/.xz, UTF-8; or an open file object
        with ``seek``, binary (read as UTF-8) or text, which is rewound (``seek(0)``) at
        each iteration and read as it splits itself into lines (as gensim reads it).
    max_sentence_length : int
    limit : int, optional
        Read only the first ``limit`` lines of each file (empty lines included).
    encoding_errors : {'strict', 'replace', 'ignore'}
        As for :func:`line_pieces`.

    Raises
    ------
    TypeError, ValueError, FileNotFoundError, PermissionError
        As :func:`corpus_files`, or max_sentence_length, limit or encoding_errors is not
        allowed, or a file object is not seekable.
    """

    def __init__(self, source, max_sentence_length=MAX_TEXT_WORDS, limit=None,
                 encoding_errors="strict"):
        super().__init__(source, max_sentence_length, encoding_errors)
        self.limit = check_int("limit", limit, 0, optional=True)

    def _files(self, source):
        self.stream = source if callable(getattr(source, "read", None)) else None
        if self.stream is None:
            return super()._files(source)
        if not (callable(getattr(source, "seek", None))
                and getattr(source, "seekable", lambda: True)()):
            raise ValueError(f"source {source!r} is a file object that cannot seek: it is "
                             f"read again from its start at each iteration")
        return []

    def __iter__(self):
        n = self.max_sentence_length
        if self.stream is None:
            for path in self.files:
                with open_compressed(path, "rb") as f:
                    yield from _texts(stream_lines(f, path, self.encoding_errors), n,
                                      self.limit)
            return
        f = self.stream
        f.seek(0)
        if isinstance(f.read(0), str):
            yield from _texts(((line, True) for line in f), n, self.limit)
        else:
            name = getattr(f, "name", repr(f))
            yield from _texts(stream_lines(f, name, self.encoding_errors), n, self.limit)

    def __repr__(self):
        return super().__repr__() if self.stream is None else \
            f"{type(self).__name__}({self.stream!r})"


class PathLineSentences(LineSentence):
    """gensim's name for :class:`LineSentence` over a directory (or a file): the texts of its
    files in sorted order, one per line, ``limit`` lines of each file.

    Parameters and exceptions are those of :class:`LineSentence`.
    """


class Text8Corpus(_TextFiles):
    """The words of files such as text8 (the whole text on one line), as texts of
    ``max_sentence_length`` words (like gensim's ``Text8Corpus``). Line breaks count as
    spaces; a file is never held in memory at once; each file ends a text.

    Parameters and exceptions are those of :class:`LineSentence`.
    """

    def __iter__(self):
        for path in self.files:
            with open_compressed(path, "rb") as f:
                yield from word_texts(f, path, self.max_sentence_length, self.encoding_errors)


class ZipMemberWords:
    """The words of a text file inside a zip archive, as :class:`Text8Corpus` reads a file:
    texts of ``max_sentence_length`` words, line breaks counting as spaces.

    Re-iterable; reads the archive member in blocks, in time linear in its size.

    Parameters
    ----------
    path : str or os.PathLike
        The zip archive.
    member : str
        The name of the text file in the archive.
    max_sentence_length : int

    Raises
    ------
    TypeError
        max_sentence_length is not an int (an ArgumentTypeError, also a ValueError).
    ValueError
        max_sentence_length is below 1.
    """

    def __init__(self, path, member, max_sentence_length=MAX_TEXT_WORDS):
        self.path, self.member = Path(path), member
        self.max_sentence_length = check_int("max_sentence_length", max_sentence_length, 1)

    def __iter__(self):
        with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as fin:
            yield from word_texts(fin, f"{self.path}:{self.member}", self.max_sentence_length)

    def __repr__(self):
        return f"<{type(self).__name__} {self.path}:{self.member}>"


def word_texts(f, name, n, encoding_errors="strict"):
    """The words of the open binary file ``f`` (named ``name`` in the messages; line breaks
    count as spaces), as texts of ``n`` words (the last one shorter)."""
    yield from _texts(((piece, False) for piece in stream_pieces(f, name, encoding_errors)), n)
