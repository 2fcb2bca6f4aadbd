"""One pass over the text: count the words and encode them to provisional integer ids."""
import logging
import tempfile

from libc.stdint cimport int32_t, int64_t, uint8_t
from libc.string cimport memcpy
from cpython.unicode cimport PyUnicode_AsEncodedString, PyUnicode_DATA, PyUnicode_GET_LENGTH

cimport numpy as cnp
import numpy as np

from ._tokenize cimport Tokenizer, checked_id
from .readers import MAX_TEXT_WORDS
from .vocab import keep_word

cnp.import_array()

cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object)

logger = logging.getLogger("fastw2v")

# Ids per write to (and per read from) the temporary file of a spilled stream: 4 MB.
SPILL_BLOCK_IDS = 1 << 20


cdef class Encoder:
    """Counts tokens and appends their provisional ids (order of first appearance) to an
    int32 stream, with one offset per text; texts longer than ``max_text`` words are split.
    The vocabulary is a :class:`fastw2v._tokenize.Tokenizer` (its ids, counts and words),
    fed with str tokens (``add_text``) or blocks of UTF-8 (``add_block``).

    Parameters
    ----------
    max_text : int
        Longest text (in words) kept in one piece (default
        :data:`fastw2v.readers.MAX_TEXT_WORDS`).
    max_vocab_size : int or None
        After a text that leaves more distinct words than this, the rarest are pruned once,
        as gensim prunes them: the words whose count is below a threshold that starts at 1
        and rises by one at each pruning (or that ``trim_rule`` discards); their occurrences
        are dropped from the stream at ``compact``. A word seen again after its pruning is
        counted afresh, as a new word.
    max_ram_ids : int or None
        Ids the stream may hold in RAM (None: no limit). Once it would grow beyond, the ids
        go to an anonymous temporary file in ``tmp_dir`` (in blocks of 4 MB), and
        ``compact`` returns a ``numpy.memmap`` of that file.
    tmp_dir : str or None
        Directory of the temporary file (None: :func:`tempfile.gettempdir`). The file is
        unlinked when it is created, so it is freed with its last mapping, whatever
        happens to the process.
    trim_rule : callable or None
        gensim's ``trim_rule(word, count, min_count)``, applied when pruning (see
        :func:`fastw2v.vocab.keep_word`).

    Attributes
    ----------
    n_given : int
        Texts given to ``add_text`` (empty ones included), before any split: gensim's
        ``corpus_count``.
    """
    cdef Tokenizer tok            # the vocabulary (None after compact)
    cdef list words               # tok's words, None where pruned (see _sync_words)
    cdef object final_counts      # tok's counts, kept by compact
    cdef object ids_arr, offsets_arr
    cdef int32_t* ids
    cdef int64_t* offsets
    cdef public int64_t n_ids, n_texts, n_words_total, n_given
    cdef int64_t cap_ids, cap_texts, text_start
    cdef public int64_t max_text, min_reduce, prunings
    cdef object max_vocab_size, max_ram_ids, tmp_dir, trim_rule
    cdef public object spill      # the temporary file once the stream left RAM, else None
    cdef int64_t ids_base         # ids before ids_arr[0] (those are in the spill file)
    cdef int64_t c_text, c_texts, c_out  # cursor of compact()

    def __init__(self, int64_t max_text=MAX_TEXT_WORDS, max_vocab_size=None, max_ram_ids=None,
                 tmp_dir=None, trim_rule=None):
        self.tok = Tokenizer("split")
        self.trim_rule = trim_rule
        self.words = []
        self.max_text = max_text
        self.max_vocab_size = max_vocab_size
        self.max_ram_ids = max_ram_ids
        self.tmp_dir = tmp_dir
        self.spill = None
        self.ids_base = 0
        self.min_reduce = 1
        self.prunings = 0
        self.ids_arr = np.zeros(min(1 << 16, max_ram_ids if max_ram_ids is not None
                                    else 1 << 16), dtype=np.int32)
        self.offsets_arr = np.zeros(1024, dtype=np.int64)
        self.n_ids = 0
        self.n_texts = 0
        self.n_words_total = 0
        self.n_given = 0
        self._refresh()

    cdef _refresh(self):
        self.ids = <int32_t*>cnp.PyArray_DATA(self.ids_arr)
        self.cap_ids = len(self.ids_arr)
        self.offsets = <int64_t*>cnp.PyArray_DATA(self.offsets_arr)
        self.cap_texts = len(self.offsets_arr)

    cdef _resize(self, object arr, int64_t size):
        # ndarray.resize reallocs in place (mremap for large blocks): no transient copy.
        arr.resize(size, refcheck=False)
        self._refresh()

    cdef _grow(self, object arr, int64_t need):
        self._resize(arr, max(need, len(arr) + len(arr) // 2))

    cdef _reserve_ids(self, int64_t n):
        """Room for n more ids at ``ids[n_ids - ids_base]``: grows the array in RAM up to
        max_ram_ids, beyond that writes it to the spill file and keeps a small buffer."""
        cdef int64_t held = self.n_ids - self.ids_base
        if self.spill is None and self.max_ram_ids is not None \
                and self.n_ids + n > self.max_ram_ids:
            self.spill = tempfile.TemporaryFile(dir=self.tmp_dir, prefix="fastw2v-ids-")
            logger.info("the encoded corpus outgrows max_corpus_ram (%d words in RAM): it "
                        "goes on in a temporary file in %s", self.max_ram_ids,
                        self.tmp_dir or tempfile.gettempdir())
        if self.spill is None:
            size = max(held + n, self.cap_ids + self.cap_ids // 2)
            if self.max_ram_ids is not None:
                size = max(held + n, min(size, self.max_ram_ids))
            self._resize(self.ids_arr, size)
            return
        self._write_spill(self.ids_arr[:held])
        self.ids_base = self.n_ids
        if self.cap_ids != max(n, SPILL_BLOCK_IDS):
            self._resize(self.ids_arr, max(n, SPILL_BLOCK_IDS))

    cdef _write_spill(self, object ids):
        try:
            self.spill.write(ids)
        except OSError as e:
            raise OSError(e.errno, f"writing the encoded corpus to a temporary file in "
                                   f"{self.tmp_dir or tempfile.gettempdir()!r} failed "
                                   f"({e.strerror}): set tmp_dir to a disk with more room, "
                                   f"or raise max_corpus_ram") from e

    cdef inline _end_text(self):
        if self.n_ids > self.text_start:
            if self.n_texts + 1 >= self.cap_texts:
                self._grow(self.offsets_arr, self.n_texts + 2)
            self.n_texts += 1
            self.offsets[self.n_texts] = self.n_ids
            self.text_start = self.n_ids

    def add_text(self, list tokens):
        """Counts and encodes one text (a list of str). Raises TypeError on a non-str token,
        naming it and its position."""
        cdef Py_ssize_t i, n = len(tokens)
        cdef object tok
        cdef bytes code
        cdef int32_t* out
        if self.n_ids - self.ids_base + n > self.cap_ids:
            self._reserve_ids(n)
        for i in range(n):
            tok = tokens[i]
            if not isinstance(tok, str):
                raise TypeError(
                    f"tokens must be str, got {type(tok).__name__} {tok!r} at position {i}")
            out = self.ids + self.n_ids - self.ids_base
            if PyUnicode_IS_ASCII(tok):  # its characters are its UTF-8
                out[0] = checked_id(self.tok.intern(<const uint8_t*>PyUnicode_DATA(tok),
                                                    PyUnicode_GET_LENGTH(tok)))
            else:
                code = PyUnicode_AsEncodedString(tok, "utf-8", "surrogatepass")
                out[0] = checked_id(self.tok.intern(<const uint8_t*><char*>code, len(code)))
            self.n_ids += 1
            if self.n_ids - self.text_start >= self.max_text:
                self._end_text()
        self._end_text()
        self.n_words_total += n
        self.n_given += 1
        if self.max_vocab_size is not None and self.tok.n_live > self.max_vocab_size:
            self._prune()

    def add_block(self, data):
        """Counts and encodes the lines of ``data`` (bytes of UTF-8, as
        :func:`fastw2v.readers.stream_blocks` gives them), each as texts of at most
        ``max_text`` words (none for an empty line), as gensim's LineSentence gives them; a
        last line without a newline is a text too."""
        cdef Py_ssize_t pos = 0, n = len(data)
        cdef int64_t stop = -1 if self.max_vocab_size is None else self.max_vocab_size
        cdef const int32_t[::1] ids
        cdef const int64_t[::1] ends
        cdef Py_ssize_t k, last = 0
        while pos < n:
            ids, ends, pos = self.tok.tokenize(data, pos, self.max_text, stop)
            if ids.shape[0] and self.n_ids - self.ids_base + ids.shape[0] > self.cap_ids:
                self._reserve_ids(ids.shape[0])
            if ids.shape[0]:
                memcpy(self.ids + self.n_ids - self.ids_base, &ids[0],
                       ids.shape[0] * sizeof(int32_t))
            last = 0
            for k in range(ends.shape[0]):
                if ends[k] > last:
                    self.n_ids += ends[k] - last
                    self._end_text()
                    self.n_given += 1
                last = ends[k]
            self.n_words_total += ids.shape[0]
            # the tokenizer stops at the first line end with more than stop words: pruned
            # after a text, not after an empty line (add_text is not called for it)
            k = ends.shape[0]
            if stop >= 0 and self.tok.n_live > stop and k and last > (ends[k - 2] if k > 1 else 0):
                self._prune()

    cdef _sync_words(self):
        """Appends the tokenizer's new words to self.words."""
        if len(self.words) < len(self.tok):
            self.words.extend(self.tok.words[len(self.words):])

    def take(self):
        """The texts encoded since the last take (all of them at the first), as (ids int32,
        offsets int64), removed from the stream; the words and their counts stay. Not for a
        stream that went to a temporary file (max_ram_ids)."""
        if self.spill is not None:
            raise ValueError("Encoder.take: the stream went to a temporary file")
        ids = self.ids_arr[:self.n_ids].copy()
        offsets = self.offsets_arr[:self.n_texts + 1].copy()
        self.n_ids = self.n_texts = self.text_start = 0
        return ids, offsets

    cdef _prune(self):
        cdef int64_t wid
        cdef int64_t* counts = self.tok.counts_c
        self._sync_words()
        dead = np.zeros(len(self.words), dtype=np.uint8)
        for wid, word in enumerate(self.words):
            if word is not None and (
                    counts[wid] < self.min_reduce if self.trim_rule is None
                    else not keep_word(word, counts[wid], self.min_reduce, self.trim_rule)):
                self.words[wid] = None
                dead[wid] = 1
        self.tok.forget(dead)
        self.min_reduce += 1
        self.prunings += 1

    def provisional_counts(self):
        """(words, counts) by provisional id; pruned words are None with their count."""
        if self.tok is None:
            return self.words, self.final_counts
        self._sync_words()
        return self.words, self.tok.counts

    cdef int64_t _compact_block(self, const int32_t[::1] remap, int32_t* block, int64_t first,
                                int64_t n):
        """Rewrites ids first..first+n-1, held in block, with final ids (remap[old] < 0:
        dropped), packed at the front of block, and closes the texts that end among them
        (offsets rewritten in place, texts left empty dropped). Returns how many were kept."""
        cdef int64_t j, k = 0, stop, text_end, kept = 0
        cdef int32_t v
        while k < n:
            text_end = self.offsets[self.c_text + 1] - first
            stop = min(n, text_end)
            for j in range(k, stop):
                v = remap[block[j]]
                if v >= 0:
                    block[kept] = v
                    kept += 1
            k = stop
            if k == text_end:
                if self.c_out + kept > self.offsets[self.c_texts]:
                    self.c_texts += 1
                    self.offsets[self.c_texts] = self.c_out + kept
                self.c_text += 1
        self.c_out += kept
        return kept

    def compact(self, const int32_t[::1] remap):
        """Rewrites the stream with final ids (remap[old] < 0: dropped) and drops texts left
        empty. Returns (ids, offsets): arrays that own their memory, or for a spilled stream
        ids is a ``numpy.memmap`` of the temporary file, rewritten in place."""
        cdef int64_t pos, n
        self.offsets[0] = 0
        self.c_text = self.c_texts = self.c_out = 0
        if self.spill is None:
            self._compact_block(remap, self.ids, 0, self.n_ids)
            ids = self.ids_arr
            ids.resize(max(self.c_out, 1), refcheck=False)
            ids = ids[:self.c_out]
        else:
            self._write_spill(self.ids_arr[:self.n_ids - self.ids_base])
            buf = self.ids_arr
            for pos in range(0, self.n_ids, len(buf)):
                n = min(len(buf), self.n_ids - pos)
                self.spill.seek(pos * 4)
                self.spill.readinto(buf[:n])
                self.spill.seek(self.c_out * 4)
                self._write_spill(buf[:self._compact_block(remap, self.ids, pos, n)])
            ids = self._mapped_spill()
        offsets = self.offsets_arr
        offsets.resize(self.c_texts + 1, refcheck=False)
        self.ids_arr = np.zeros(1, dtype=np.int32)
        self.offsets_arr = np.zeros(1, dtype=np.int64)
        self.words, self.final_counts = self.provisional_counts()
        self.tok = None  # its table and arena
        self._refresh()
        return ids, offsets

    cdef _mapped_spill(self):
        """The compacted spill file as a read-write numpy.memmap (an empty array if no id
        is left); the file itself is closed, and freed with the mapping."""
        f, self.spill = self.spill, None
        with f:
            f.truncate(self.c_out * 4)
            f.flush()
            if self.c_out == 0:
                return np.zeros(0, dtype=np.int32)
            return np.memmap(f, dtype=np.int32, mode="r+", shape=(self.c_out,))
