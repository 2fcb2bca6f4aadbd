"""The word2vec C tool's text and binary formats as :class:`~fastw2v.KeyedVectors`
methods, under gensim 4.4's names and semantics (:mod:`fastw2v.formats.word2vec` reads and
writes the files): saving in descending order of a per-key attribute, loading with
counts from a vocabulary file, and merging pretrained vectors in.
"""
import logging

import numpy as np

from . import _lockf
from ._checks import check_path
from .formats.word2vec import read_vocab, read_word2vec, write_vocab, write_word2vec

logger = logging.getLogger("fastw2v")


class Word2VecFormat:
    """The word2vec-format methods of :class:`~fastw2v.KeyedVectors` (a mixin: it uses the
    host's ``index_to_key``, ``expandos``, raw ``_vectors`` and its constructor)."""

    def save_word2vec_format(self, fname, fvocab=None, binary=False, total_vec=None,
                             write_header=True, prefix="", append=False, sort_attr="count"):
        """Save in the word2vec C tool's text or binary format (readable by gensim), as
        gensim does: keys in descending order of the attribute `sort_attr` (ties in index
        order), or in index order without that attribute (logged).

        Parameters
        ----------
        fname : str or os.PathLike
            Output file; ``.gz``, ``.bz2`` and ``.xz`` paths are compressed. Text values
            are written as gensim writes them (numpy's shortest exact decimal).
        fvocab : str or os.PathLike, optional
            Also write the `sort_attr` values (the counts) to this file, one ``"word
            count"`` line per key in the same order, as word2vec.c's ``-save-vocab`` does.
        binary : bool, optional
            Binary format (float32 values) instead of text.
        total_vec : int, optional
            The vector count of the header (default: the number of keys), for a file
            more vectors will be appended to.
        write_header : bool, optional
            Write the ``"COUNT DIM"`` first line (without it, text is GloVe's format).
        prefix : str, optional
            Written before every key (in `fvocab` too).
        append : bool, optional
            Add to the end of existing files instead of replacing them; still atomic: each
            file is replaced by a copy of itself plus the new records once they are
            complete (:func:`fastw2v.formats.word2vec._atomic_append`).
        sort_attr : str, optional
            The per-key attribute to order by, descending.

        Raises
        ------
        TypeError
            If `fvocab` is not a path (for example a bool: the second positional argument
            is `fvocab`, as in gensim), or `total_vec` not an int (an ArgumentTypeError,
            also a ValueError).
        ValueError
            If a key (with `prefix`) is empty or contains whitespace (unrepresentable in
            the format), `total_vec` < 0, or `fvocab` is given and `sort_attr` is not an
            integer attribute (gensim's message when it is missing).
        OSError
            If writing fails.
        """
        check_path("fvocab", fvocab, optional=True)
        values = self.expandos.get(sort_attr)
        if values is None:
            if fvocab is not None:
                raise ValueError(f"Cannot store vocabulary with '{sort_attr}' because that "
                                 "attribute does not exist")
            logger.warning("attribute %s not present in %s; will store in internal index_to_key "
                           "order", sort_attr, self)
            order = np.arange(len(self.index_to_key))
        else:
            if fvocab is not None and not np.issubdtype(values.dtype, np.integer):
                raise ValueError(f"fvocab holds integer counts; the attribute {sort_attr!r} has "
                                 f"dtype {values.dtype}")
            order = _descending_order(values)
        keys = [f"{prefix}{self.index_to_key[i]}" for i in order]
        write_word2vec(fname, keys, self._vectors, binary=binary, write_header=write_header,
                       total_vec=total_vec, append=append, order=order)
        if fvocab is not None:
            write_vocab(fvocab, keys, values[order].tolist(), append=append)

    @classmethod
    def load_word2vec_format(cls, fname, fvocab=None, binary=False, encoding="utf8",
                             unicode_errors="strict", limit=None, datatype=np.float32,
                             no_header=False):
        """Load vectors in the word2vec C tool's text or binary format.

        The parameters come in gensim's order. A repeated word keeps its first vector (with
        a logged warning).

        Parameters
        ----------
        fname : str or os.PathLike
            Input file; ``.gz``, ``.bz2`` and ``.xz`` paths are decompressed.
        fvocab : str or os.PathLike, optional
            A ``"word count"`` file (word2vec.c's ``-save-vocab`` output) to take the counts
            from; words it lacks get count 0 (with a logged warning). Without it all counts
            are 0: the vector format does not store them.
        binary : bool, optional
            The file is in binary format.
        encoding : str, optional
            Encoding of the words.
        unicode_errors : str, optional
            Handling of undecodable words: 'strict', 'replace', 'ignore', ...
        limit : int, optional
            Load only the first `limit` vectors.
        datatype : numpy dtype, optional
            Floating dtype of the vectors.
        no_header : bool, optional
            Text file without the ``"COUNT DIM"`` line (GloVe format).

        Returns
        -------
        KeyedVectors
            The vectors of the file (and the counts of `fvocab`).

        Raises
        ------
        FileNotFoundError
            If `fname` or `fvocab` does not exist.
        TypeError
            If `fvocab` is not a path, or `limit` not an int or None (an
            ArgumentTypeError, also a ValueError).
        ValueError
            If `limit` is below 1, or the file is empty, truncated, corrupt, disagrees with
            its header or is in the other format, or `fvocab` is malformed; the message
            names the line or byte offset.
        """
        check_path("fvocab", fvocab, optional=True)
        known_counts = None if fvocab is None else read_vocab(fvocab, encoding, unicode_errors)
        words, vectors = read_word2vec(fname, binary=binary, limit=limit, encoding=encoding,
                                       unicode_errors=unicode_errors, datatype=datatype,
                                       no_header=no_header)
        counts = None
        if known_counts is not None:
            missing = [word for word in words if word not in known_counts]
            if missing:
                logger.warning("vocabulary file %s lacks %d of the words (count 0), e.g. %r",
                               fvocab, len(missing), missing[:5])
            counts = np.array([known_counts.get(word, 0) for word in words], dtype=np.int64)
        return cls(vectors, words, counts)

    def intersect_word2vec_format(self, fname, lockf=0.0, binary=False, encoding="utf8",
                                  unicode_errors="strict"):
        """Start from pretrained vectors (gensim's method): the keys that are also in the
        word2vec C format file `fname` take its vectors and the lock factor `lockf` in
        :attr:`vectors_lockf` (0, the default, freezes them in training; 1 trains them as
        the others); no key is added, the others keep their vector and factor.

        Parameters
        ----------
        fname : str or os.PathLike
            The file; ``.gz``, ``.bz2`` and ``.xz`` are decompressed (a repeated word keeps
            its first vector).
        lockf : float, optional
            The lock factor of the keys replaced (finite, >= 0).
        binary, encoding, unicode_errors : optional
            As for :meth:`load_word2vec_format`.

        Raises
        ------
        FileNotFoundError
            If `fname` does not exist.
        TypeError
            If `lockf` is not a number (an ArgumentTypeError, also a ValueError).
        ValueError
            If the file's vector size differs from :attr:`vector_size`, `lockf` is out
            of range, :attr:`vectors_lockf` is malformed (see its description), or the
            file is malformed (as for :meth:`load_word2vec_format`).
        """
        _lockf.intersect_word2vec_format(self, fname, lockf, binary, encoding,
                                         unicode_errors)


def _descending_order(values):
    """The indexes of 1-D `values` by descending value, equal values in index order (a
    stable sort of any orderable dtype, unsigned ones too)."""
    last = len(values) - 1
    return last - np.argsort(values[::-1], kind="stable")[::-1]

