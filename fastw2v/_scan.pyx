"""One pass over the text: count the words and encode them to provisional integer ids."""
import logging
import tempfile

from libc.stdint cimport int32_t, int64_t
from cpython.dict cimport PyDict_GetItem, PyDict_SetItem
from cpython.ref cimport PyObject

cimport numpy as cnp
import numpy as np

from .readers import MAX_TEXT_WORDS
from .vocab import keep_word

cnp.import_array()

logger = logging.getLogger("fastw2v")

# Ids per write to (and per read from) the temporary file of a spilled stream: 4 MB.
SPILL_BLOCK_IDS = 1 << 20


cdef class Encoder:
    """Counts tokens and appends their provisional ids (order of first appearance) to an
    int32 stream, with one offset per text; texts longer than ``max_text`` words are split.

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
    cdef dict word_ids
    cdef public list words
    cdef object counts_arr, ids_arr, offsets_arr
    cdef int64_t* counts
    cdef int32_t* ids
    cdef int64_t* offsets
    cdef public int64_t n_ids, n_texts, n_words_total, n_given
    cdef int64_t cap_words, cap_ids, cap_texts, text_start
    cdef public int64_t max_text, min_reduce, prunings
    cdef object max_vocab_size, max_ram_ids, tmp_dir, trim_rule
    cdef public object spill      # the temporary file once the stream left RAM, else None
    cdef int64_t ids_base         # ids before ids_arr[0] (those are in the spill file)
    cdef int64_t c_text, c_texts, c_out  # cursor of compact()

    def __init__(self, int64_t max_text=MAX_TEXT_WORDS, max_vocab_size=None, max_ram_ids=None,
                 tmp_dir=None, trim_rule=None):
        self.word_ids = {}
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
        self.counts_arr = np.zeros(1024, dtype=np.int64)
        self.ids_arr = np.zeros(min(1 << 16, max_ram_ids if max_ram_ids is not None
                                    else 1 << 16), dtype=np.int32)
        self.offsets_arr = np.zeros(1024, dtype=np.int64)
        self.n_ids = 0
        self.n_texts = 0
        self.n_words_total = 0
        self.n_given = 0
        self._refresh()

    cdef _refresh(self):
        self.counts = <int64_t*>cnp.PyArray_DATA(self.counts_arr)
        self.cap_words = len(self.counts_arr)
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
        cdef PyObject* found
        cdef int64_t wid
        if self.n_ids - self.ids_base + n > self.cap_ids:
            self._reserve_ids(n)
        for i in range(n):
            tok = tokens[i]
            found = PyDict_GetItem(self.word_ids, tok)
            if found != NULL:
                wid = <int64_t><object>found
            else:
                if not isinstance(tok, str):
                    raise TypeError(
                        f"tokens must be str, got {type(tok).__name__} {tok!r} at position {i}")
                tok = str(tok)  # a plain str also for subclasses such as numpy.str_
                wid = len(self.words)
                if wid >= self.cap_words:
                    self._grow(self.counts_arr, wid + 1)
                self.counts[wid] = 0
                PyDict_SetItem(self.word_ids, tok, wid)
                self.words.append(tok)
            self.counts[wid] += 1
            self.ids[self.n_ids - self.ids_base] = <int32_t>wid
            self.n_ids += 1
            if self.n_ids - self.text_start >= self.max_text:
                self._end_text()
        self._end_text()
        self.n_words_total += n
        self.n_given += 1
        if self.max_vocab_size is not None and len(self.word_ids) > self.max_vocab_size:
            self._prune()

    def add_line(self, str line):
        """Counts and encodes one whitespace-separated line, as texts of at most
        ``max_text`` words (none for an empty line), as gensim's LineSentence gives them."""
        cdef list tokens = line.split()
        cdef Py_ssize_t start
        if len(tokens) <= self.max_text:
            if tokens:
                self.add_text(tokens)
            return
        for start in range(0, len(tokens), self.max_text):
            self.add_text(tokens[start:start + self.max_text])

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
        for word, wid in list(self.word_ids.items()):
            if (self.counts[wid] < self.min_reduce if self.trim_rule is None
                    else not keep_word(word, self.counts[wid], self.min_reduce, self.trim_rule)):
                del self.word_ids[word]
                self.words[wid] = None
        self.min_reduce += 1
        self.prunings += 1

    def provisional_counts(self):
        """(words, counts) by provisional id; pruned words are None with their count."""
        return self.words, self.counts_arr[:len(self.words)]

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
        self.word_ids = {}
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
