"""Building the vocabulary of a :class:`fastw2v.FastW2V` (the methods it inherits): one scan
of the corpus, gensim's rules for the words kept and their order, the online update, the
initial weights. The tables are in :mod:`fastw2v.vocab`."""
import logging
import time

import numpy as np

from ._checks import check_int
from ._layers import tables
from .corpus import encode
from .keyedvectors import KeyedVectors
from .vocab import Vocab, effective_min_count, kept, new_vocabulary, updated_vocabulary

logger = logging.getLogger("fastw2v")

_BUILT_ALREADY = ("the vocabulary is built already (build_vocab reads the corpus once): call "
                  "train() to train on it, or train(sentences) to train on new text")


def _packed(words):
    """The words as one string and their lengths."""
    return "".join(words), np.fromiter(map(len, words), dtype=np.int64, count=len(words))


def _unpacked(packed):
    """Fresh str objects from :func:`_packed`: allocated together after the scan's strings
    are freed, so that the memory of the dropped words goes back to the OS (the kept words
    would otherwise pin it: 40 MB less peak RSS on wiki17m)."""
    text, lengths = packed
    ends = np.cumsum(lengths).tolist()
    return [text[a:b] for a, b in zip([0] + ends[:-1], ends)]


class VocabBuilding:
    """FastW2V's vocabulary methods (a mixin: it reads the model's settings, ``_scan``,
    ``_check_source`` and ``_exclusive``). Until a vocabulary is built (and on a loaded
    model) ``corpus_count`` and ``corpus_total_words`` are 0, ``raw_vocab`` and
    ``effective_min_count`` None, as in gensim."""

    corpus_count = 0
    corpus_total_words = 0
    effective_min_count = None
    raw_vocab = None

    def build_vocab(self, sentences=None, corpus_file=None, update=False, keep_raw_vocab=False):
        """Scans a corpus once: counts the words, builds the vocabulary and the tables,
        encodes the text (``model.corpus``, which :meth:`train` trains on), and initializes
        the vectors. The words kept follow gensim's rules: ``max_vocab_size`` pruning while
        scanning, ``trim_rule``, ``min_count`` raised by ``max_final_vocab`` (the result in
        ``effective_min_count``), ``null_word`` and gensim's order (``sorted_vocab``: by
        descending count, ties in reverse order of first appearance; otherwise in order of
        first appearance).

        Parameters
        ----------
        sentences, corpus_file : optional
            The corpus (as the constructor's); by default the constructor's.
        update : bool
            Add the words of this new corpus to the built vocabulary, as gensim's online
            update: new words kept by the rules get rows at the end (initialized as a new
            model's rows of those indices; output-layer rows zero), every word's count grows
            by its new count, the sub-sampling thresholds, noise sampler and Huffman paths
            are rebuilt over the whole vocabulary, existing vectors keep their values, and
            the new corpus becomes ``model.corpus``.
        keep_raw_vocab : bool
            Keep ``raw_vocab``, the count of every word scanned and not pruned.

        Returns
        -------
        FastW2V
            self, with ``vocab``, ``corpus``, ``wv``, ``corpus_count`` (texts as gensim
            counts them), ``corpus_total_words`` (words scanned), ``effective_min_count``
            and ``raw_vocab`` (empty unless kept) set.

        Raises
        ------
        ValueError
            The corpus is empty, or no word is kept, or none of the corpus is in the
            vocabulary (update), or the vocabulary is built already (without update), or
            the corpus was already consumed by an earlier call.
            Or corpus_file is not valid UTF-8 (with encoding_errors='strict'; the message
            names the file and line), or is a corrupted compressed file.
        TypeError
            A text is a str or a token is not a str.
        OSError
            corpus_file is missing or unreadable, or the temporary file of a corpus beyond
            max_corpus_ram cannot be written in tmp_dir.
        RuntimeError
            ``update=True`` on a model without a vocabulary (gensim's message), or the model
            is training or building its vocabulary already (another thread, or a callback
            of :meth:`train`).
        """
        with self._exclusive("build_vocab"):
            return self._build_vocab(sentences, corpus_file, update, keep_raw_vocab)

    def _build_vocab(self, sentences=None, corpus_file=None, update=False, keep_raw_vocab=False):
        self._check_update(update)
        if sentences is None and corpus_file is None and not update:
            sentences, corpus_file = self._sentences, self._corpus_file
        self._check_source(sentences, corpus_file, required=True)
        t0 = time.perf_counter()
        enc = self._scan(sentences, corpus_file, self.max_vocab_size, self.trim_rule)
        words, counts = enc.provisional_counts()
        if enc.n_words_total == 0:
            raise ValueError("the corpus is empty: it contains no words")
        alive = np.fromiter((w is not None for w in words), dtype=bool, count=len(words))
        if not alive.any():
            raise ValueError(
                f"max_vocab_size={self.max_vocab_size} pruned every word of the corpus while "
                f"it was scanned (whenever more than max_vocab_size distinct words are held, "
                f"the rarest are dropped): raise max_vocab_size or leave it None")
        keep = self._keep(words, counts, alive, keep_raw_vocab)
        if not update and not keep.any():
            top = int(np.argmax(np.where(alive, counts, -1)))
            plain = self.trim_rule is None and self.effective_min_count == self.min_count
            rule = f"occurs min_count={self.min_count} times" if plain else \
                f"is kept by {self._rules()}"
            raise ValueError(
                f"no word {rule}: the corpus has {int(alive.sum())} distinct words and the "
                f"most frequent, {words[top]!r}, occurs {int(counts[top])} times; lower "
                f"min_count{'' if plain else ', raise max_final_vocab or change trim_rule'}")
        new_words, new_counts, remap = self._chosen(words, counts, keep, update)
        kept_words = _packed(new_words)
        corpus = encode(enc, remap)
        if update and corpus.total_words == 0:
            raise ValueError("none of the words of the new corpus is in the vocabulary")
        del enc, words, counts, alive, keep, new_words
        self._set_vocab(_unpacked(kept_words), new_counts, update)
        self._set_corpus(corpus)
        logger.info("vocabulary: %d words (%s) of %d scanned, %d of them kept in %d texts; "
                    "%.2f s", len(self.vocab), self._rules(), corpus.words_scanned,
                    corpus.total_words, corpus.n_texts, time.perf_counter() - t0)
        return self

    def _check_update(self, update):
        if update and self.vocab is None:
            raise RuntimeError(
                "You cannot do an online vocabulary-update of a model which has no prior "
                "vocabulary. First build the vocabulary of your model with a corpus before "
                "doing an online update.")
        if not update and self.vocab is not None:
            raise ValueError(_BUILT_ALREADY)

    def _keep(self, words, counts, alive, keep_raw_vocab):
        """gensim's rules (prepare_vocab): sets effective_min_count and raw_vocab, returns
        the mask of the words kept."""
        self.effective_min_count = effective_min_count(counts[alive], self.min_count,
                                                       self.max_final_vocab)
        self.raw_vocab = ({w: c for w, c, a in zip(words, counts.tolist(), alive.tolist()) if a}
                          if keep_raw_vocab else {})
        return kept(words, counts, alive, self.effective_min_count, self.trim_rule)

    def _rules(self):
        """The rules that chose the words, for the messages."""
        rules = f"min_count={self.effective_min_count}"
        if self.effective_min_count != self.min_count:
            rules = (f"effective_min_count={self.effective_min_count} (min_count="
                     f"{self.min_count}, max_final_vocab={self.max_final_vocab})")
        return rules + (" under trim_rule" if self.trim_rule is not None else "")

    def _chosen(self, words, counts, keep, update):
        """(words, counts, remap) of the vocabulary the scan's words make, fresh or updated
        (see :func:`fastw2v.vocab.new_vocabulary`)."""
        if update:
            return updated_vocabulary(self.vocab.words, self.vocab.counts, self.wv.key_to_index,
                                      words, counts, keep, self.null_word)
        return new_vocabulary(words, counts, keep, self.sorted_vocab, self.null_word)

    def _set_vocab(self, words, counts, update):
        """The vocabulary and its tables; the weights initialized, or grown (update)."""
        self.vocab = self._new_vocab(words, counts)
        self._init_weights(update)

    def _set_corpus(self, corpus):
        self.corpus = corpus
        self.corpus_count, self.corpus_total_words = corpus.texts_given, corpus.words_scanned
        self._sentences = None  # the text lives on as self.corpus

    def build_vocab_from_freq(self, word_freq, update=False, keep_raw_vocab=False):
        """Takes the vocabulary from given word counts instead of counting the corpus (as
        word2vec.c's ``-read-vocab``), then encodes the constructor's corpus with it and
        initializes the vectors.

        Parameters
        ----------
        word_freq : dict of str to int
            The count of each word, in the order of the dict; the words are chosen and
            ordered by the rules of :meth:`build_vocab` (``trim_rule``, ``min_count``,
            ``max_final_vocab``, ``null_word``, ``sorted_vocab``). The counts drive
            sub-sampling and the noise distribution; corpus words not in the vocabulary are
            skipped.
        update : bool
            Add these words and counts to the built vocabulary, as :meth:`build_vocab`'s
            update does; the model's corpus stays as it is (its words keep their ids).
        keep_raw_vocab : bool
            Keep ``raw_vocab`` (a copy of word_freq).

        Returns
        -------
        FastW2V
            self, with `vocab`, `corpus` and `wv` set.

        Raises
        ------
        ValueError
            No word is kept, a count is not a non-negative int, none of the corpus
            words is in the vocabulary, or the vocabulary is built already (without update).
        TypeError
            A word is not a str.
        RuntimeError
            ``update=True`` on a model without a vocabulary, or the model is training or
            building its vocabulary already.
        """
        with self._exclusive("build_vocab_from_freq"):
            return self._build_vocab_from_freq(word_freq, update, keep_raw_vocab)

    def _build_vocab_from_freq(self, word_freq, update=False, keep_raw_vocab=False):
        self._check_update(update)
        if not update:
            self._check_source(self._sentences, self._corpus_file, required=True)
        words = list(word_freq)
        bad = next((w for w in words if not isinstance(w, str)), None)
        if bad is not None:
            raise TypeError(f"word_freq keys must be str, got {type(bad).__name__} {bad!r}")
        counts = np.array([check_int(f"word_freq[{w!r}]", word_freq[w], 0) for w in words],
                          dtype=np.int64)
        keep = self._keep(words, counts, np.ones(len(words), dtype=bool), keep_raw_vocab)
        if not update and not keep.any():
            raise ValueError(f"no word of word_freq ({len(words)} words) has a count of at "
                             f"least {self._rules()}")
        new_words, new_counts, _ = self._chosen(words, counts, keep, update)
        self._set_vocab(new_words, new_counts, update)
        if update:
            return self
        try:
            self._set_corpus(self._encode_with_vocab(self._sentences, self._corpus_file))
        except BaseException:
            self.vocab = self.wv = None
            raise
        logger.info("vocabulary: %d words of word_freq (%s); corpus: %d of them kept in %d "
                    "texts", len(self.vocab), self._rules(), self.corpus.total_words,
                    self.corpus.n_texts)
        return self

    def _new_vocab(self, words, counts, paths=None):
        """The Vocab of these words and counts, with the tables of the model's output
        layers (the Huffman paths given in `paths`, of a tree read from a file, if given)."""
        return Vocab(words, counts, self.sample, self.ns_exponent,
                     tables(self._params.switches), paths)

    def _init_weights(self, update=False):
        """Initial weights for the vocabulary, as gensim's: the input vectors uniform in
        [-1, 1) / vector_size from the seed, the output layers zero. With ``update``, the
        rows of the words the model had keep their values (the new rows are those a new
        model of this vocabulary would start with), and their lock factors
        (``wv.vectors_lockf``) are kept: per-key factors get 1.0 for the new keys."""
        rng = np.random.default_rng(self.seed)
        n, dim = len(self.vocab), self.vector_size
        w_in = rng.random((n, dim), dtype=np.float32)
        w_in *= 2.0
        w_in -= 1.0
        w_in /= dim
        outputs = {name: np.zeros(shape, dtype=np.float32)
                   for name, shape in self._params.output_shapes(n).items()}
        old = self.wv if update else None
        if update:
            w_in[:len(old)] = old.vectors
            for name, array in self._outputs.items():
                rows = min(len(array), len(outputs[name]))
                outputs[name][:rows] = array[:rows]
        self.wv = KeyedVectors(w_in, self.vocab.words, self.vocab.counts)
        self._outputs = outputs
        if update and len(old.vectors_lockf) > 1:  # per-key factors: the new keys' are 1
            self.wv.vectors_lockf = np.concatenate(
                [old.vectors_lockf, np.ones(n - len(old), dtype=np.float32)])
        elif update:  # one factor for every key, the new ones too
            self.wv.vectors_lockf = old.vectors_lockf

    def _encode_with_vocab(self, sentences, corpus_file):
        """Encodes new text with the existing vocabulary (unknown words dropped)."""
        self._check_source(sentences, corpus_file, required=True)
        enc = self._scan(sentences, corpus_file)
        words, _ = enc.provisional_counts()
        index = self.wv.key_to_index
        remap = np.fromiter((index.get(w, -1) for w in words), dtype=np.int32,
                            count=len(words))
        corpus = encode(enc, remap)
        if corpus.total_words == 0:
            raise ValueError("none of the words of the new corpus is in the vocabulary")
        return corpus
