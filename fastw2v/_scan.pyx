# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""One pass over the text: count the words and encode them to provisional integer ids."""
from libc.stdint cimport int32_t, int64_t
from cpython.dict cimport PyDict_GetItem, PyDict_SetItem
from cpython.ref cimport PyObject

cimport numpy as cnp
import numpy as np

cnp.import_array()


cdef class Encoder:
    """Counts tokens and appends their provisional ids (order of first appearance) to an
    int32 stream, with one offset per text; texts longer than ``max_text`` words are split.

    Parameters
    ----------
    max_text : int
        Longest text (in words) kept in one piece.
    max_vocab_size : int or None
        When the number of distinct words exceeds it, the rarest are pruned
        (count below a threshold that rises by one at each pruning, as in gensim);
        their occurrences are dropped from the stream at ``compact``.
    """
    cdef dict word_ids
    cdef public list words
    cdef object counts_arr, ids_arr, offsets_arr
    cdef int64_t* counts
    cdef int32_t* ids
    cdef int64_t* offsets
    cdef public int64_t n_ids, n_texts, n_words_total
    cdef int64_t cap_words, cap_ids, cap_texts, text_start
    cdef public int64_t max_text, min_reduce, prunings
    cdef object max_vocab_size

    def __init__(self, int64_t max_text=10000, max_vocab_size=None):
        self.word_ids = {}
        self.words = []
        self.max_text = max_text
        self.max_vocab_size = max_vocab_size
        self.min_reduce = 1
        self.prunings = 0
        self.counts_arr = np.zeros(1024, dtype=np.int64)
        self.ids_arr = np.zeros(1 << 16, dtype=np.int32)
        self.offsets_arr = np.zeros(1024, dtype=np.int64)
        self.n_ids = 0
        self.n_texts = 0
        self.n_words_total = 0
        self._refresh()

    cdef _refresh(self):
        self.counts = <int64_t*>cnp.PyArray_DATA(self.counts_arr)
        self.cap_words = len(self.counts_arr)
        self.ids = <int32_t*>cnp.PyArray_DATA(self.ids_arr)
        self.cap_ids = len(self.ids_arr)
        self.offsets = <int64_t*>cnp.PyArray_DATA(self.offsets_arr)
        self.cap_texts = len(self.offsets_arr)

    cdef _grow(self, object arr, int64_t need):
        # ndarray.resize reallocs in place (mremap for large blocks): no transient copy.
        arr.resize(max(need, len(arr) + len(arr) // 2), refcheck=False)
        self._refresh()

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
        if self.n_ids + n > self.cap_ids:
            self._grow(self.ids_arr, self.n_ids + n)
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
            self.ids[self.n_ids] = <int32_t>wid
            self.n_ids += 1
            if self.n_ids - self.text_start >= self.max_text:
                self._end_text()
        self._end_text()
        self.n_words_total += n
        if self.max_vocab_size is not None and len(self.word_ids) > self.max_vocab_size:
            self._prune()

    def add_line(self, str line):
        """Counts and encodes one whitespace-separated line."""
        self.add_text(line.split())

    cdef _prune(self):
        cdef int64_t wid
        while len(self.word_ids) > self.max_vocab_size:
            for word, wid in list(self.word_ids.items()):
                if self.counts[wid] < self.min_reduce:
                    del self.word_ids[word]
                    self.words[wid] = None
            self.min_reduce += 1
            self.prunings += 1

    def provisional_counts(self):
        """(words, counts) by provisional id; pruned words are None with their count."""
        return self.words, self.counts_arr[:len(self.words)]

    def compact(self, const int32_t[::1] remap):
        """Rewrites the stream with final ids (remap[old] < 0: dropped) and drops texts left
        empty. Returns (ids, offsets) as arrays that own their memory."""
        cdef int64_t t, k, out = 0, texts = 0, start
        cdef int32_t v
        start = 0
        for t in range(self.n_texts):
            for k in range(start, self.offsets[t + 1]):
                v = remap[self.ids[k]]
                if v >= 0:
                    self.ids[out] = v
                    out += 1
            start = self.offsets[t + 1]
            if out > self.offsets[texts]:
                texts += 1
                self.offsets[texts] = out
        self.offsets[0] = 0
        ids, offsets = self.ids_arr, self.offsets_arr
        self.ids_arr = np.zeros(1, dtype=np.int32)
        self.offsets_arr = np.zeros(1, dtype=np.int64)
        self.word_ids = {}
        self._refresh()
        ids.resize(max(out, 1), refcheck=False)
        offsets.resize(texts + 1, refcheck=False)
        return ids[:out], offsets
