"""The word2vec C formats from outside: files written by fastw2v load in gensim and files
written by gensim load in fastw2v, with the same keys, vectors and counts (issue 14).

Every file is read by both libraries' readers and both results are compared with each other
and with what was written: text files hold float32 values that read back exactly (fastw2v
writes 9 significant digits, gensim the shortest repr), binary files the float32 bits.
"""
import gzip

import numpy as np
import pytest
from conftest import gensim_models

from fastw2v import KeyedVectors

DIM = 5
# unicode keys (accents, CJK, Greek, emoji, combining marks), punctuation and digits; ASCII
# whitespace is the separator
KEYS = ["the", "naïve", "日本語", "Ελλάδα", "🙂", "e\u0301", "Straße", "x_y-z", "42",
        "co-op's", "ü" * 40, "#", "\\n", "\u00ad", "]["]
# Unicode spaces inside a key: neither vectors reader splits there, gensim's vocabulary
# reader does (str.split()), so these keys go in vector files only
SPACED_KEYS = ["a\u00a0b", "c\u3000d", "e\u2028f", "g\x85h"]
# strictly decreasing, so that an order by descending count is also the index order
COUNTS = np.arange(1000, 1000 - 7 * len(KEYS), -7, dtype=np.int64)


@pytest.fixture(scope="module")
def vectors():
    rng = np.random.default_rng(14)
    values = (rng.standard_normal((len(KEYS), DIM)) * 10.0 ** rng.integers(-8, 8, (len(KEYS), 1)))
    values = values.astype(np.float32)
    # values that test the written numbers: infinities, nan, -0.0, the smallest subnormal,
    # the largest float32 and a float32 whose shortest repr needs all 9 digits
    values[-1] = [np.inf, -np.inf, np.nan, -0.0, np.float32(1e-45)]
    values[-2, :2] = [np.finfo(np.float32).max, np.float32(0.1) + np.float32(1e-8)]
    return values


def bits(array):
    return np.ascontiguousarray(array, dtype=np.float32).view(np.uint32)


def gensim_kv(vectors, keys=KEYS):
    kv = gensim_models().KeyedVectors(DIM)
    kv.add_vectors(list(keys), vectors.copy())  # (gensim 4.4's extras= fails on any dict)
    for key, count in zip(keys, COUNTS.tolist()):
        kv.set_vecattr(key, "count", count)
    return kv


def write(writer, vectors, fname, fvocab, binary, header, keys=KEYS):
    if writer == "fastw2v":
        KeyedVectors(vectors.copy(), list(keys), COUNTS.copy()).save_word2vec_format(
            fname, fvocab=fvocab, binary=binary, write_header=header)
    else:
        gensim_kv(vectors, keys).save_word2vec_format(fname, fvocab=fvocab, binary=binary,
                                                      write_header=header)


def load_both(fname, **options):
    ours = KeyedVectors.load_word2vec_format(fname, **options)
    theirs = gensim_models().KeyedVectors.load_word2vec_format(fname, **options)
    return ours, theirs


def gensim_counts(kv):
    return np.array([kv.get_vecattr(key, "count") for key in kv.index_to_key], dtype=np.int64)


CASES = [(binary, fvocab, header, suffix)
         for binary in (False, True) for fvocab in (False, True) for header in (True, False)
         for suffix in ("", ".gz") if header or not binary]  # no reader takes binary sans header


@pytest.mark.parametrize("writer", ["fastw2v", "gensim"])
@pytest.mark.parametrize("binary, fvocab, header, suffix", CASES)
def test_either_library_reads_what_the_other_wrote(tmp_path, vectors, writer, binary, fvocab,
                                                   header, suffix):
    fname = tmp_path / f"vectors.{'bin' if binary else 'txt'}{suffix}"
    vocab = tmp_path / f"vocab.txt{suffix}" if fvocab else None
    write(writer, vectors, str(fname), vocab and str(vocab), binary, header)
    if suffix:
        with gzip.open(fname) as fin:  # really compressed, and holds the header or not
            assert fin.readline().startswith(b"%d %d\n" % vectors.shape) == header

    ours, theirs = load_both(str(fname), fvocab=vocab and str(vocab), binary=binary,
                             no_header=not header)

    assert ours.index_to_key == theirs.index_to_key == KEYS
    assert ours.key_to_index == theirs.key_to_index
    assert ours.vectors.dtype == theirs.vectors.dtype == np.float32
    np.testing.assert_array_equal(bits(ours.vectors), bits(theirs.vectors))
    np.testing.assert_array_equal(bits(ours.vectors), bits(vectors))
    if fvocab:
        np.testing.assert_array_equal(ours.counts, COUNTS)
        np.testing.assert_array_equal(gensim_counts(theirs), COUNTS)


@pytest.mark.parametrize("writer", ["fastw2v", "gensim"])
@pytest.mark.parametrize("binary", [False, True])
def test_keys_with_unicode_spaces(tmp_path, vectors, writer, binary):
    keys = SPACED_KEYS + KEYS[len(SPACED_KEYS):]
    fname = str(tmp_path / "vectors")
    write(writer, vectors, fname, None, binary, True, keys)
    ours, theirs = load_both(fname, binary=binary)
    assert ours.index_to_key == theirs.index_to_key == keys
    np.testing.assert_array_equal(bits(ours.vectors), bits(theirs.vectors))


@pytest.mark.parametrize("writer", ["fastw2v", "gensim"])
@pytest.mark.parametrize("binary", [False, True])
def test_the_files_hold_the_same_vocabulary_and_header(tmp_path, vectors, writer, binary):
    """The other library's reader is not fooled by, e.g., the newline that fastw2v (like
    word2vec.c) writes after each binary record and gensim does not."""
    other = {"fastw2v": "gensim", "gensim": "fastw2v"}[writer]
    for name in (writer, other):
        write(name, vectors, str(tmp_path / name), str(tmp_path / f"{name}.vocab"), binary,
              True)
    assert (tmp_path / f"{writer}.vocab").read_bytes() == \
        (tmp_path / f"{other}.vocab").read_bytes()
    header = b"%d %d\n" % vectors.shape
    assert (tmp_path / writer).read_bytes().startswith(header)
    assert (tmp_path / other).read_bytes().startswith(header)


@pytest.mark.filterwarnings("ignore:overflow encountered in cast:RuntimeWarning")  # max -> inf
@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("datatype", [np.float16, np.float64])
def test_datatype_converts_alike(tmp_path, vectors, binary, datatype):
    fname = str(tmp_path / "vectors")
    gensim_kv(vectors).save_word2vec_format(fname, binary=binary)
    ours, theirs = load_both(fname, binary=binary, datatype=datatype)
    assert ours.vectors.dtype == theirs.vectors.dtype == datatype
    np.testing.assert_array_equal(ours.vectors, theirs.vectors)
    assert np.signbit(ours.vectors[-1, 3]) and np.signbit(theirs.vectors[-1, 3])  # -0.0 kept


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("limit", [1, 6, len(KEYS)])
def test_limit_reads_the_same_first_vectors(tmp_path, vectors, binary, limit):
    fname = str(tmp_path / "vectors")
    KeyedVectors(vectors.copy(), list(KEYS)).save_word2vec_format(fname, binary=binary)
    ours, theirs = load_both(fname, binary=binary, limit=limit)
    assert ours.index_to_key == theirs.index_to_key == KEYS[:limit]
    np.testing.assert_array_equal(bits(ours.vectors), bits(theirs.vectors))


@pytest.mark.parametrize("binary", [False, True])
def test_a_repeated_word_keeps_its_first_vector_in_both(tmp_path, binary):
    rows = [("cat", [1.0, 2.0]), ("dog", [3.0, 4.0]), ("cat", [5.0, 6.0]), ("eel", [7.0, 8.0])]
    if binary:
        body = b"".join(b"%s %s" % (w.encode(), np.array(v, "<f4").tobytes()) for w, v in rows)
    else:
        body = b"".join(b"%s %r %r\n" % (w.encode(), *v) for w, v in rows)
    fname = tmp_path / "vectors"
    fname.write_bytes(b"4 2\n" + body)
    ours, theirs = load_both(str(fname), binary=binary)
    assert ours.index_to_key == ["cat", "dog", "eel"]
    np.testing.assert_array_equal(ours.vectors, [[1, 2], [3, 4], [7, 8]])
    # gensim 4.4 keeps the slot it allocated for the header's count: a None key last
    assert theirs.index_to_key == ours.index_to_key + [None]
    np.testing.assert_array_equal(theirs.vectors[:3], ours.vectors)


@pytest.mark.parametrize("unicode_errors", ["ignore", "replace"])
def test_a_word_cut_inside_a_character_decodes_alike(tmp_path, unicode_errors):
    """word2vec.c cuts words at a byte count, sometimes inside a UTF-8 character."""
    cut = "日本語".encode()[:-1]
    fname = tmp_path / "vectors.bin"
    fname.write_bytes(b"2 2\n" + cut + b" " + np.array([1, 2], "<f4").tobytes() + b"\n"
                      + b"ok " + np.array([3, 4], "<f4").tobytes() + b"\n")
    ours, theirs = load_both(str(fname), binary=True, unicode_errors=unicode_errors)
    assert ours.index_to_key == theirs.index_to_key
    assert ours.index_to_key[0] == cut.decode(errors=unicode_errors)


def test_windows_line_ends_read_alike(tmp_path):
    fname = tmp_path / "vectors.txt"
    fname.write_bytes("2 3\r\nnaïve 1 2.5 -3e-2\r\nb 4 5 6\r\n".encode())
    ours, theirs = load_both(str(fname))
    assert ours.index_to_key == theirs.index_to_key == ["naïve", "b"]
    np.testing.assert_array_equal(ours.vectors, np.float32([[1, 2.5, -3e-2], [4, 5, 6]]))
    np.testing.assert_array_equal(theirs.vectors, ours.vectors)


@pytest.mark.parametrize("binary", [False, True])
def test_a_file_shorter_than_its_header_raises_eoferror_as_in_gensim(tmp_path, vectors, binary):
    fname = tmp_path / "vectors"
    KeyedVectors(vectors.copy(), list(KEYS)).save_word2vec_format(str(fname), binary=binary)
    data = fname.read_bytes()
    fname.write_bytes(data[:data.index("Straße".encode())])  # the records before "Straße"
    with pytest.raises(EOFError):
        gensim_models().KeyedVectors.load_word2vec_format(str(fname), binary=binary)
    with pytest.raises(EOFError, match=r"vectors: file ends .*(declares 15 vectors|of the "
                                       r"15 declared)") as raised:
        KeyedVectors.load_word2vec_format(str(fname), binary=binary)
    assert isinstance(raised.value, ValueError)  # as before


def test_no_header_with_binary_raises_notimplementederror_as_in_gensim(tmp_path, vectors):
    fname = str(tmp_path / "vectors.bin")
    KeyedVectors(vectors.copy(), list(KEYS)).save_word2vec_format(fname, binary=True)
    with pytest.raises(NotImplementedError):
        gensim_models().KeyedVectors.load_word2vec_format(fname, binary=True, no_header=True)
    with pytest.raises(NotImplementedError, match=r"^no_header=True is only supported for the "
                                                  r"text format, got binary=True$") as raised:
        KeyedVectors.load_word2vec_format(fname, binary=True, no_header=True)
    assert isinstance(raised.value, ValueError)  # as before
