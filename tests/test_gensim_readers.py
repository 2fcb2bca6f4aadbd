"""LineSentence and PathLineSentences give gensim's texts: paths, file objects, limit, long
lines, directories of plain and compressed files."""
import io

import pytest
from conftest import gensim_models, write_corpus

from fastw2v import LineSentence, PathLineSentences, readers

# empty lines, lines longer than max_sentence_length=4 (and exactly 4 or 8 words), a line of
# tabs and non-breaking spaces, non-ASCII words, a "\r\n" line end and no final newline
LINES = ["a b c", "", "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9", "x y z t", "\u00e9t\u00e9\tcaf\u00e9"
         "\u00a0na\u00efve  end", "", "", "1 2 3 4 5 6 7 8", "crlf line\r", "last one"]
TEXT = "\n".join(LINES)


@pytest.fixture
def text_file(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_bytes(TEXT.encode())
    return path


@pytest.mark.parametrize("limit", [None, 0, 1, 3, 7, 100])
@pytest.mark.parametrize("n", [4, 10000])
def test_line_sentence_of_a_path_gives_gensims_texts(text_file, limit, n):
    theirs = list(gensim_models().word2vec.LineSentence(str(text_file), n, limit))
    assert list(LineSentence(text_file, n, limit)) == theirs
    assert theirs or limit == 0
    if limit is None and n == 4:
        assert theirs[1:4] == [["w0", "w1", "w2", "w3"], ["w4", "w5", "w6", "w7"], ["w8", "w9"]]


@pytest.mark.parametrize("opener", [
    lambda path: open(path, "rb"),
    lambda path: open(path, encoding="utf-8"),
    lambda path: io.BytesIO(path.read_bytes()),
    lambda path: io.StringIO(path.read_text(encoding="utf-8")),
], ids=["binary file", "text file", "BytesIO", "StringIO"])
@pytest.mark.parametrize("limit", [None, 4])
def test_line_sentence_of_a_file_object_rewinds_it_at_each_iteration(text_file, opener, limit):
    gensim_ls = gensim_models().word2vec.LineSentence
    with opener(text_file) as f, opener(text_file) as g:
        ours, theirs = LineSentence(f, 4, limit), gensim_ls(g, 4, limit)
        expected = list(theirs)
        f.read(5)  # wherever the file is, iteration starts at its beginning
        assert list(ours) == expected
        assert list(ours) == expected
    assert len(expected) == (10 if limit is None else 5)


def test_a_line_longer_than_a_block_is_cut_in_texts_as_gensim_cuts_it(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "_READ_CHUNK", 64)  # lines of 500 words are read in pieces
    lines = [" ".join(f"w{k}" for k in range(500)), "short line", " ".join(["x"] * 301) + " "]
    path = tmp_path / "long.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    gensim_ls = gensim_models().word2vec.LineSentence
    for n, limit in [(7, None), (100, 2), (10000, None)]:
        assert list(LineSentence(path, n, limit)) == list(gensim_ls(str(path), n, limit))
    with open(path, "rb") as f:
        assert list(LineSentence(f, 7)) == list(gensim_ls(str(path), 7))


@pytest.fixture
def corpus_dir(tmp_path):
    """Files of each format gensim reads, named so that their sorted order is not the order
    in which they were written."""
    d = tmp_path / "dir"
    d.mkdir()
    for i, name in enumerate(["c.txt", "a.gz", "b.bz2", "d"]):
        write_corpus(d / name, [line.split() for line in LINES[i:] + LINES[:i]])
    return d


@pytest.mark.parametrize("limit", [None, 3])
def test_path_line_sentences_gives_gensims_texts(corpus_dir, limit):
    gensim_pls = gensim_models().word2vec.PathLineSentences
    ours = list(PathLineSentences(corpus_dir, 4, limit))
    assert ours == list(gensim_pls(str(corpus_dir), 4, limit))
    assert ours[:2] == [["w0", "w1", "w2", "w3"], ["w4", "w5", "w6", "w7"]]  # a.gz first
    one = corpus_dir / "b.bz2"
    assert list(PathLineSentences(one, limit=limit)) == list(gensim_pls(str(one), limit=limit))
    assert list(LineSentence(corpus_dir, 4, limit)) == ours


def test_bad_arguments(text_file):
    with pytest.raises(ValueError, match=r"limit must be an int >= 0 or None, got -1"):
        LineSentence(text_file, limit=-1)
    with pytest.raises(TypeError, match=r"limit must be an int >= 0 or None, got '3'"):
        PathLineSentences(text_file, limit="3")

    class Unseekable(io.BytesIO):
        def seekable(self):
            return False
    with pytest.raises(ValueError, match=r"source <.*Unseekable.*> is a file object that "
                                         r"cannot seek: it is read again from its start"):
        LineSentence(Unseekable(b"a b\n"))
