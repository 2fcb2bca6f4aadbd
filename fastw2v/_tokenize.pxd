cimport cython
from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t


cdef struct Slot:
    int32_t wid    # -1: a free slot
    uint32_t tag   # the high half of the word's hash


@cython.final
cdef class Tokenizer:
    cdef uint8_t kind[256]        # the class of each byte (see _tokenize.pyx)
    cdef uint32_t spaces[32]      # the multibyte whitespace characters, as big-endian ints
    cdef uint8_t space_bytes[32]  # and their lengths in bytes
    cdef int n_spaces
    cdef int64_t max_bytes        # bytes kept of a word (the rest of it is dropped)
    cdef Slot* slots              # the hash table (open addressing, linear probing)
    cdef int64_t mask             # slots - 1 (a power of two)
    cdef char* arena              # the words' bytes back to back
    cdef int64_t arena_len, arena_cap
    cdef int64_t* starts          # word w is arena[starts[w]:starts[w + 1]]
    cdef int64_t* counts_c
    cdef int64_t n_words, cap_words
    cdef readonly int64_t n_live  # words in the table (not forgotten)
    cdef uint8_t* scratch         # the word being read
    cdef int64_t scratch_cap
    cdef int32_t* out_ids
    cdef int64_t* out_ends
    cdef int64_t cap_out_ids, cap_out_ends
    cdef readonly str dialect
    cdef list _words

    cdef int space_bytes_at(self, const uint8_t* p, int64_t avail) noexcept nogil
    cdef int rehash(self, int64_t n_slots, const uint8_t* dead) noexcept nogil
    cdef int grow_words(self) noexcept nogil
    cdef int64_t end_line(self, int64_t n_ids, int64_t* n_ends, int64_t stop_above
                          ) noexcept nogil
    cdef int64_t run(self, const uint8_t* p, int64_t n, int64_t start, int64_t max_line_words,
                     int64_t stop_above, int64_t* n_ids, int64_t* n_ends) noexcept nogil
    cdef bytes key(self, word)
    cdef int32_t intern(self, const uint8_t* s, int64_t n) noexcept nogil
    cdef int32_t find(self, const uint8_t* s, int64_t n, uint64_t h,
                      int64_t* slot) noexcept nogil
    cdef const char* word_bytes(self, int32_t wid, int64_t* n) noexcept nogil
