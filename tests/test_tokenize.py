"""The byte tokenizer (fastw2v._tokenize) against Python's str.split() and a transcription of
word2phrase.c's ReadWord."""
import collections
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fastw2v._tokenize import DIALECTS, WORD2PHRASE_MAX_BYTES, Tokenizer

WHITESPACE = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]


def lines_of(tok, data, start=0):
    """The tokenizer's lines of data[start:] as lists of its words."""
    ids, ends, end = tok.tokenize(data, start)
    assert end == len(data)
    words = tok.words
    bounds = np.concatenate(([0], ends))
    return [[words[i] for i in ids[a:b]] for a, b in zip(bounds[:-1], bounds[1:])]


def split_reference(text):
    """The lines of text (ending at "\\n" only; a last unterminated one, whitespace or not,
    is a line) and their str.split() words."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.split() for line in lines]


def read_word(data, pos):
    """word2phrase.c's ReadWord over data from pos, as the C code does it: (word, pos, eof);
    the word is b"\\n" for a line end."""
    word, a = bytearray(60), 0
    while True:
        if pos == len(data):
            return bytes(word[:a]), pos, True
        ch = data[pos]
        pos += 1
        if ch == 13:
            continue
        if ch in b" \t\n":
            if a > 0:
                if ch == 10:
                    pos -= 1  # ungetc
                break
            if ch == 10:
                return b"\n", pos, False
            continue
        word[a] = ch
        a += 1
        if a >= 60 - 1:
            a -= 1
    return bytes(word[:a]), pos, False


def word2phrase_reference(data):
    """The lines of data as ReadWord reads them (a last unterminated line, of any bytes, is
    a line, and its last word is kept: word2phrase itself drops a word that ends at EOF)."""
    lines, line, pos = [], [], 0
    while True:
        word, pos, eof = read_word(data, pos)
        if word == b"\n":
            lines.append(line)
            line = []
        elif word:
            line.append(word)
        if eof:
            break
    if data and not data.endswith(b"\n"):
        lines.append(line)
    return lines


def test_split_classifies_every_code_point_as_python():
    chars = [chr(c) for c in range(sys.maxunicode + 1)
             if not 0xD800 <= c <= 0xDFFF and c != ord("\n")]
    tok = Tokenizer()
    ids, ends, _ = tok.tokenize("".join(f"a{c}b\n" for c in chars).encode())
    spaces = [c for c in WHITESPACE if c != "\n"]
    splits = np.diff(ends, prepend=0) == 2
    assert [c for c, s in zip(chars, splits) if s] == spaces
    assert [c for c in chars if len(f"a{c}b".split()) == 2] == spaces


texts = st.lists(st.sampled_from(
    list("ab\u00e9\u65e5\U0001d11e\u0300") + WHITESPACE + ["\r\n", "\n\n"]),
    max_size=200).map("".join)


@given(texts, st.integers(0, 5))
@settings(max_examples=200, deadline=None)
def test_split_matches_str_split(text, cut):
    data = text.encode()
    start = data.find(b"\n", 0, cut) + 1  # a start after a line end, as a caller resumes
    tok = Tokenizer()
    assert lines_of(tok, data, start) == split_reference(data[start:].decode())
    # the words in order of first appearance, counted
    flat = [w for line in split_reference(data[start:].decode()) for w in line]
    assert tok.words == list(dict.fromkeys(flat))
    counts = collections.Counter(flat)
    assert tok.counts.tolist() == [counts[w] for w in tok.words]


def test_line_ends_and_empty_lines():
    tok = Tokenizer()
    ids, ends, end = tok.tokenize(b"\n\na b\n \nc")
    assert ids.tolist() == [0, 1, 2] and ends.tolist() == [0, 0, 2, 2, 3] and end == 9
    # a terminated last line has no extra end; whitespace after the last \n is a line
    assert tok.tokenize(b"a\n")[1].tolist() == [1]
    assert tok.tokenize(b"a\n \t")[1].tolist() == [1, 1]
    assert tok.tokenize(b"")[1].tolist() == []
    # \r, \v, \f, U+2028 are whitespace inside a line, not line ends
    assert tok.tokenize("a\rb\x0bc\x0cd\u2028e".encode())[1].tolist() == [5]


def test_max_line_words_and_stop_above():
    tok = Tokenizer()
    ids, ends, end = tok.tokenize(b"a b c d e\nf\n", max_line_words=2)
    assert ids.tolist() == [0, 1, 2, 3, 4, 5] and ends.tolist() == [2, 4, 5, 6]
    # a line of exactly max_line_words words is one line
    assert tok.tokenize(b"a b\n", max_line_words=2)[1].tolist() == [2]
    # stop at the first line end (or cut) with more than stop_above words in the table
    tok = Tokenizer()
    ids, ends, end = tok.tokenize(b"a a\nb c d e\nf\n", max_line_words=2, stop_above=2)
    assert ids.tolist() == [0, 0, 1, 2] and ends.tolist() == [2, 4] and end == 8
    ids, ends, end = tok.tokenize(b"a a\nb c d e\nf\n", end, max_line_words=2, stop_above=4)
    assert ids.tolist() == [3, 4] and ends.tolist() == [2] and end == 12
    ids, ends, end = tok.tokenize(b"a a\nb c d e\nf\n", end)
    assert ids.tolist() == [5] and ends.tolist() == [1] and end == 14


byte_texts = st.lists(st.sampled_from(
    [b"a", b"b", b"\xc3\xa9", b"\x00", b"\xff", b" ", b"\t", b"\n", b"\r", b"\x0b",
     b"\xc2\xa0", b"x" * 30]), max_size=80).map(b"".join)


@given(byte_texts)
@settings(max_examples=200, deadline=None)
def test_word2phrase_matches_read_word(data):
    tok = Tokenizer("word2phrase")
    assert lines_of(tok, data) == word2phrase_reference(data)


def test_word2phrase_cuts_long_words():
    tok = Tokenizer("word2phrase")
    long = bytes(range(65, 65 + 26)) * 4
    assert lines_of(tok, long + b"\r \r" + long[:30] + b"\rz\n") == [
        [long[:WORD2PHRASE_MAX_BYTES], long[:30] + b"z"]]
    assert WORD2PHRASE_MAX_BYTES == 58
    assert tok.id_of(long) == -1 and tok.id_of(long[:58]) == 0


def test_table_growth_and_lookups():
    rng = np.random.default_rng(1)
    vocab = [f"w{i}\u00e9" * (1 + i % 3) for i in range(60000)]
    tokens = [vocab[i] for i in rng.integers(0, len(vocab), 200000)]
    tok = Tokenizer()
    ids, ends, _ = tok.tokenize(" ".join(tokens).encode())
    first = list(dict.fromkeys(tokens))
    assert tok.words == first and len(tok) == tok.n_live == len(first)
    assert [first[i] for i in ids] == tokens
    counts = collections.Counter(tokens)
    assert tok.counts.tolist() == [counts[w] for w in first]
    assert all(tok.id_of(w) == i for i, w in enumerate(first))
    assert tok.id_of("nope") == -1 and tok.id_of("w1") == -1
    arena, starts = tok.arena_bytes()
    assert [arena[a:b] for a, b in zip(starts[:-1], starts[1:])] == [w.encode() for w in first]
    assert tok.bytes_of(5) == first[5].encode()
    assert tok.add(first[3]) == 3 and tok.counts[3] == counts[first[3]] + 1
    assert tok.add("new") == len(first) and tok.words[-1] == "new"


def test_forget():
    tok = Tokenizer()
    tok.tokenize(b"a b c a\n")
    tok.forget(np.array([0, 1, 0], dtype=np.uint8))
    assert tok.n_live == 2 and len(tok) == 3
    assert tok.id_of("b") == -1 and tok.id_of("a") == 0 and tok.id_of("c") == 2
    ids, _, _ = tok.tokenize(b"b a b")
    assert ids.tolist() == [3, 0, 3]
    assert tok.words == ["a", "b", "c", "b"] and tok.counts.tolist() == [3, 1, 1, 2]
    with pytest.raises(ValueError, match="dead must have len"):
        tok.forget(np.zeros(2, dtype=np.uint8))


def test_bad_arguments():
    with pytest.raises(ValueError, match="dialect must be one of"):
        Tokenizer("words")
    assert DIALECTS == ("split", "word2phrase")
    tok = Tokenizer()
    with pytest.raises(ValueError, match=r"start must be in \[0, len\(data\)=3\], got 4"):
        tok.tokenize(b"a b", 4)
    with pytest.raises(ValueError, match="max_line_words must be 0"):
        tok.tokenize(b"a b", 0, -1)
    with pytest.raises(TypeError, match="word must be a str, got bytes"):
        tok.id_of(b"a")
    with pytest.raises(TypeError, match="word must be bytes, got str"):
        Tokenizer("word2phrase").id_of("a")
    with pytest.raises(IndexError, match=r"word id 0 is not in \[0, 0\)"):
        tok.bytes_of(0)
    with pytest.raises(TypeError):
        tok.tokenize("a str")
