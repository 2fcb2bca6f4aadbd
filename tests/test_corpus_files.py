"""corpus_file as files, directories and lists; LineSentence and Text8Corpus; bad bytes."""
import bz2
import errno
import io
import lzma
import os
import re
import socket
import threading

import hypothesis.strategies as st
import numpy as np
import pytest
from conftest import gensim_models, write_corpus
from hypothesis import given, settings

from fastw2v import FastW2V, LineSentence, Text8Corpus, readers


def random_lines(n, seed, vocab=40):
    rng = np.random.default_rng(seed)
    return [[f"w{k}" for k in rng.integers(0, vocab, size=rng.integers(1, 30))]
            for _ in range(n)]


@pytest.fixture
def corpus_dir(tmp_path):
    """Four files, one per format, whose sorted order differs from their creation order;
    a hidden file and a subdirectory that must be skipped."""
    d = tmp_path / "corpus"
    d.mkdir()
    parts = {}
    for i, suffix in enumerate([".xz", ".txt", ".bz2", ".gz"]):
        parts[f"part{3 - i}{suffix}"] = random_lines(30, seed=i)
    for name, texts in parts.items():
        write_corpus(d / name, texts)
    write_corpus(d / ".hidden.txt", [["hidden"] * 5])
    (d / "sub").mkdir()
    write_corpus(d / "sub" / "inner.txt", [["inner"] * 5])
    return d, [t for name in sorted(parts) for t in parts[name]]


def test_directory_reads_its_files_in_sorted_order(corpus_dir):
    d, texts = corpus_dir
    from_dir = FastW2V(corpus_file=d, min_count=1, vector_size=8).build_vocab()
    from_list = FastW2V(texts, min_count=1, vector_size=8).build_vocab()
    assert from_dir.wv.index_to_key == from_list.wv.index_to_key
    assert from_dir.corpus.ids.tolist() == from_list.corpus.ids.tolist()
    assert from_dir.corpus.offsets.tolist() == from_list.corpus.offsets.tolist()
    assert "hidden" not in from_dir.wv and "inner" not in from_dir.wv


def test_list_of_paths_is_read_in_the_order_given(tmp_path):
    a = write_corpus(tmp_path / "a.txt", [["x", "y"]] * 3)
    b = write_corpus(tmp_path / "b.gz", [["z"]] * 2)
    model = FastW2V(corpus_file=[str(b), a], min_count=1, vector_size=8).build_vocab()
    ids = model.corpus.ids.tolist()
    assert [model.wv.index_to_key[i] for i in ids] == ["z", "z"] + ["x", "y"] * 3
    assert model.corpus.n_texts == 5


def test_bad_corpus_file_arguments(tmp_path):
    a = write_corpus(tmp_path / "a.txt", [["x"]])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="corpus_file is an empty list"):
        FastW2V(corpus_file=[])
    with pytest.raises(FileNotFoundError, match=r"corpus_file\[1\] '.*missing.txt' does not"):
        FastW2V(corpus_file=[a, tmp_path / "missing.txt"])
    with pytest.raises(TypeError, match=r"corpus_file\[0\] must be a path, got int 3"):
        FastW2V(corpus_file=[3])
    with pytest.raises(TypeError, match="corpus_file must be a path, a directory or a list of "
                                        "paths, got dict"):
        FastW2V(corpus_file={"a": 1})
    with pytest.raises(ValueError, match=r"corpus_file '.*empty' is a directory without files"):
        FastW2V(corpus_file=tmp_path / "empty")


def test_line_sentence_matches_gensim(tmp_path):
    texts = random_lines(50, seed=4) + [[f"long{i}" for i in range(23)], []]
    path = write_corpus(tmp_path / "c.txt.gz", texts)
    ours = list(LineSentence(path, max_sentence_length=7))
    theirs = list(gensim_models().word2vec.LineSentence(str(path), max_sentence_length=7))
    assert ours == theirs
    assert list(LineSentence(path)) == [t for t in texts if t]  # and it iterates again


def test_text8_corpus_matches_gensim(tmp_path):
    words = [f"w{k}" for k in np.random.default_rng(5).integers(0, 50, size=1003)]
    path = tmp_path / "text8"
    path.write_text(" " + " ".join(words))  # one line without a newline, as text8
    ours = list(Text8Corpus(path, max_sentence_length=100))
    assert ours == list(gensim_models().word2vec.Text8Corpus(str(path), max_sentence_length=100))
    assert [len(s) for s in ours] == [100] * 10 + [3]
    model = FastW2V(Text8Corpus(path), min_count=1, vector_size=8).build_vocab()
    assert model.corpus.total_words == 1003


def test_text8_corpus_reads_a_huge_line_in_pieces_without_cutting_words(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "_READ_CHUNK", 64)
    words = [f"word{k}" * (1 + k % 3) for k in range(500)]
    path = tmp_path / "one_line.txt"
    path.write_text(" ".join(words) + "\n" + " ".join(words[:10]))
    pieces = list(readers.line_pieces(path))
    assert len(pieces) > 50 and max(map(len, pieces)) <= 64 + max(map(len, words)) + 1
    assert list(Text8Corpus(path, max_sentence_length=1000)) == [words + words[:10]]
    assert [w for t in LineSentence(path) for w in t] == words + words[:10]


def test_reader_errors(tmp_path):
    with pytest.raises(ValueError, match="max_sentence_length must be an int >= 1, got 0"):
        LineSentence(write_corpus(tmp_path / "a.txt", [["x"]]), max_sentence_length=0)
    with pytest.raises(FileNotFoundError, match="source '.*nope' does not exist"):
        Text8Corpus(tmp_path / "nope")
    with pytest.raises(ValueError, match="encoding_errors must be one of 'strict', 'replace', "
                                         "'ignore', got 'surrogateescape'"):
        LineSentence(tmp_path / "a.txt", encoding_errors="surrogateescape")
    with pytest.raises(TypeError, match="encoding_errors must be one of .*, got None"):
        Text8Corpus(tmp_path / "a.txt", encoding_errors=None)  # a wrong type: TypeError
    with pytest.raises(TypeError, match="max_sentence_length must be an int >= 1, got '5'"):
        LineSentence(tmp_path / "a.txt", max_sentence_length="5")


@pytest.fixture
def latin1_file(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"ok fine\n" * 200 + "un caf\xe9 noir\n".encode("latin-1"))
    return path


@pytest.mark.parametrize("block", [1 << 20, 100])
def test_strict_names_file_and_line_at_scan_time(latin1_file, monkeypatch, block):
    monkeypatch.setattr(readers, "_READ_CHUNK", block)
    model = FastW2V(corpus_file=latin1_file, min_count=1)
    with pytest.raises(ValueError, match=r"mixed.txt' line 201, byte 7: b'\\xe9' is not valid "
                                         r"UTF-8 .*pass encoding_errors='replace' or 'ignore'"):
        model.build_vocab()
    assert model.vocab is None and model.corpus is None
    with pytest.raises(ValueError, match="line 201, byte 7"):
        list(LineSentence(latin1_file))


@pytest.mark.parametrize("errors, word", [("replace", "caf\ufffd"), ("ignore", "caf")])
def test_replace_and_ignore(latin1_file, errors, word):
    model = FastW2V(corpus_file=latin1_file, min_count=1, encoding_errors=errors,
                    vector_size=8).train()
    assert word in model.wv and model.wv.get_vecattr(word, "count") == 1
    assert model.corpus.total_words == 403
    assert list(LineSentence(latin1_file, encoding_errors=errors))[-1] == ["un", word, "noir"]


def test_bad_encoding_errors_value():
    with pytest.raises(ValueError, match="encoding_errors must be one of .* got 'bogus'"):
        FastW2V([["a"]], encoding_errors="bogus")


def test_corrupt_compressed_files(tmp_path):
    path = tmp_path / "bad.xz"
    path.write_bytes(lzma.compress(b"alpha beta\n" * 1000)[:-40])
    with pytest.raises(ValueError, match="bad.xz' is corrupted or truncated"):
        FastW2V(corpus_file=path, min_count=1).build_vocab()


def test_spaces_are_those_str_split_splits_on():
    assert readers._SPACES == "".join(chr(c) for c in range(0x110000) if chr(c).isspace())


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(readers, "_READ_CHUNK", 64)


def test_long_line_of_cjk_cut_at_ideographic_spaces(tmp_path, small_blocks):
    words = ["\u6f22\u5b57" * (1 + k % 5) for k in range(300)]  # 6 to 30 bytes each
    path = tmp_path / "cjk.txt"
    path.write_text("\u3000".join(words) + "\n\u4e00\u3000\u4e8c\n", encoding="utf-8")
    pieces = list(readers.line_pieces(path))
    assert len(pieces) > 50 and "\ufffd" not in "".join(pieces)
    assert [w for p in pieces for w in p.split()] == words + ["\u4e00", "\u4e8c"]
    model = FastW2V(corpus_file=path, min_count=1, vector_size=8).build_vocab()
    assert model.corpus.total_words == 302


def test_long_line_cut_at_every_kind_of_whitespace(tmp_path, small_blocks):
    spaces = readers._SPACES.replace("\n", "")
    line = "".join(f"w\xe9{k}" + spaces[k % len(spaces)] for k in range(400))
    path = tmp_path / "spaces.txt"
    path.write_bytes(line.encode())
    assert [w for t in LineSentence(path) for w in t] == line.split()
    assert list(Text8Corpus(path, max_sentence_length=1000)) == [line.split()]


def test_word_longer_than_a_block_is_kept_whole(tmp_path, small_blocks, space_searches):
    long_word = "\xe9" * 5000  # 10,000 bytes of 2-byte characters, 156 blocks
    path = tmp_path / "long_word.txt"
    path.write_text(f"a {long_word} b\nc\n", encoding="utf-8")
    assert list(LineSentence(path)) == [["a", long_word, "b"], ["c"]]  # a line a text
    # every byte is searched for a space about once (a quadratic reader searches ~80 times
    # as many: each block again with all the word before it)
    assert sum(space_searches) <= 2 * path.stat().st_size
    path.write_text(f"a\nb {long_word}", encoding="utf-8")  # the file ends inside the word
    assert list(Text8Corpus(path)) == [["a", "b", long_word]]


def test_word_longer_than_the_maximum_is_refused(tmp_path, small_blocks, monkeypatch):
    monkeypatch.setattr(readers, "MAX_WORD_BYTES", 300)
    path = tmp_path / "blob.txt"
    path.write_text("ok\n" + "x" * 290 + " fine\n" + "y" * 301 + "\n")
    with pytest.raises(ValueError, match=r"blob.txt' line 3: a word longer than "
                                         r"MAX_WORD_BYTES=300 bytes"):
        FastW2V(corpus_file=path, min_count=1).build_vocab()
    path.write_text("ok\n" + "x" * 290 + " fine\n")
    assert list(LineSentence(path)) == [["ok"], ["x" * 290, "fine"]]


def test_devices_and_sockets_are_refused_fifos_read(tmp_path):
    with pytest.raises(ValueError, match=r"corpus_file '/dev/zero' is a character device, "
                                         r"not a file: give a regular file, a FIFO or a "
                                         r"directory"):
        FastW2V(corpus_file="/dev/zero")
    sock_path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        with pytest.raises(ValueError, match=r"source\[1\] '.*sock' is a socket"):
            LineSentence([write_corpus(tmp_path / "a.txt", [["x"]]), sock_path])
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "w") as f:
            f.write("x y\n" * 10)

    writer = threading.Thread(target=feed, daemon=True)  # never blocks the run
    writer.start()
    model = FastW2V(corpus_file=fifo, min_count=1, vector_size=8).build_vocab()
    writer.join()
    assert model.corpus.total_words == 20


def test_corrupt_bz2_names_the_file_and_line(tmp_path, small_blocks):
    lines = [" ".join(t) for t in random_lines(3000, seed=6, vocab=5000)]
    data = bz2.compress(("\n".join(lines) + "\n").encode(), compresslevel=1)  # 100 kB blocks
    cut = len(data) - 2000  # damage the last block
    path = tmp_path / "bad.bz2"
    path.write_bytes(data[:cut] + bytes(b ^ 0xFF for b in data[cut:cut + 20]) + data[cut + 20:])
    with pytest.raises(ValueError, match=r"corpus_file '.*bad.bz2' is corrupted or truncated "
                                         r"\(at line (\d+)\): Invalid data stream") as info:
        FastW2V(corpus_file=path, min_count=1).build_vocab()
    line = int(re.search(r"at line (\d+)", str(info.value)).group(1))
    assert 1000 < line < 3000  # the lines of the first 100 kB were read
    path.write_bytes(b"BZh9" + b"\0" * 100)
    with pytest.raises(ValueError, match=r"bad.bz2' is corrupted or truncated \(at line 1\)"):
        list(LineSentence(path))


@settings(max_examples=100, derandomize=True, deadline=None)
@given(text=st.text(alphabet="ab\xe9\u6f22 \t\n\u3000\xa0\x1c\u2028", max_size=300),
       block=st.integers(1, 24))
def test_pieces_hold_the_words_of_the_lines(text, block):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(readers, "_READ_CHUNK", block)
        pieces = list(readers.stream_pieces(io.BytesIO(text.encode()), "t.txt"))
    assert [w for p in pieces for w in p.split()] == text.split()  # no word cut or merged
    assert not any("\n" in p for p in pieces)


def test_read_error_names_the_file_and_line():
    class Failing(io.BytesIO):
        def read(self, n):
            if self.tell() > 0:
                raise OSError(errno.EIO, "Input/output error")
            return super().read(n)

    with pytest.raises(OSError, match=r"reading 'disk.txt' failed at line 3: Input/output "
                                      r"error") as info:
        list(readers.stream_pieces(Failing(b"a\nb\nc"), "disk.txt"))
    assert info.value.errno == errno.EIO
