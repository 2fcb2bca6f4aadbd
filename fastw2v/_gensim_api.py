"""``fastw2v.Word2Vec``: gensim 4.4's ``gensim.models.Word2Vec`` API (constructor, methods,
attributes, return values) as a subclass of :class:`fastw2v.FastW2V`, so that code written
for gensim runs with only the import changed, trained by fastw2v's own trainer."""
import contextlib
import inspect
import logging
import os
import sys
import time
from dataclasses import replace

import numpy as np

from ._lifecycle import LifecycleEvents
from .word2vec import FastW2V

logger = logging.getLogger("fastw2v")

_FASTW2V_PARAMS = inspect.signature(FastW2V).parameters
# gensim's constants of its score() (word2vec_inner.pyx): the log-sigmoid table and how a
# dot product is looked up in it (the C integer division 1000 / 6 / 2 = 83 included)
_EXP_TABLE_SIZE, _MAX_EXP, _TABLE_SCALE = 1000, 6, 1000 // 6 // 2
_MAX_SENTENCE_LEN = 10000
_LOG_TABLE = np.log(1 / (1 + np.exp(-(np.arange(_EXP_TABLE_SIZE, dtype=np.float32)
                                      / np.float32(_EXP_TABLE_SIZE) * 2 - 1) * _MAX_EXP)),
                    dtype=np.float32)


class Word2Vec(LifecycleEvents, FastW2V):
    """gensim 4.4's ``Word2Vec``: given ``sentences`` or ``corpus_file`` it builds the
    vocabulary and trains at once; given neither it waits for :meth:`build_vocab` and
    :meth:`train`. The parameters are gensim's, with gensim's names, defaults and meaning
    (see :class:`fastw2v.FastW2V` for each setting); training is fastw2v's.

    Parameters
    ----------
    sentences : iterable of lists of str, optional
        The corpus, read once (a one-shot generator works, unlike in gensim).
    corpus_file : str or os.PathLike, optional
        A corpus file, one text a line (compressed files work, unlike in gensim).
    vector_size, alpha, window, min_count, max_vocab_size, sample, seed, workers, min_alpha, \
sg, hs, negative, ns_exponent, cbow_mean, epochs, null_word, sorted_vocab, compute_loss, \
max_final_vocab, shrink_windows
        As in gensim and :class:`fastw2v.FastW2V`.
    trim_rule : callable, optional
        gensim's rule ``(word, count, min_count) -> RULE_DISCARD / RULE_KEEP /
        RULE_DEFAULT``, applied while this constructor builds the vocabulary, not stored.
    hashfxn : callable
        Accepted and stored; it changes nothing: gensim seeds each word's initial vector
        with it, fastw2v draws all of them from ``seed``.
    batch_words : int
        Accepted and stored; it changes nothing (fastw2v's threads claim chunks of the
        encoded corpus, whatever the texts' lengths).
    callbacks : iterable of callbacks
        Called while this constructor trains (not kept, as in gensim).
    comment : str, optional
        A note kept in ``comment``.

    Attributes
    ----------
    wv : KeyedVectors
    corpus_count, corpus_total_words : int
        Texts and raw words (those below min_count included) of the last corpus built.
    effective_min_count : int
        The min_count applied.
    syn1neg, syn1 : numpy.ndarray
        The negative-sampling and hierarchical-softmax output layers (an AttributeError
        when the layer is off, as in gensim); assignable. ``syn1`` has one row per inner
        node of the Huffman tree, ``len(wv) - 1`` (gensim's has an unused last row).
    running_training_loss : float
        The loss summed over the epochs of the last :meth:`train` call so far (callbacks
        read it at each epoch's end); 0.0 without ``compute_loss``. fastw2v's loss is the
        exact objective, not gensim's approximation.
    epochs, total_train_time, train_count, comment, hashfxn, batch_words, lifecycle_events
        As in gensim; ``lifecycle_events`` holds dicts with ``event`` (created, build_vocab,
        train), its keys (``msg``, ``params``, ``update``, ``trim_rule``), ``datetime``,
        ``fastw2v`` (the version), ``python`` and ``platform``.

    Raises
    ------
    ValueError, TypeError, OSError, FloatingPointError
        As :class:`fastw2v.FastW2V` and its :meth:`~fastw2v.FastW2V.build_vocab` and
        :meth:`~fastw2v.FastW2V.train` (a setting out of range, no word reaching
        min_count, a missing corpus file ...).
    """

    def __init__(self, sentences=None, corpus_file=None, vector_size=100, alpha=0.025,
                 window=5, min_count=5, max_vocab_size=None, sample=1e-3, seed=1, workers=3,
                 min_alpha=0.0001, sg=0, hs=0, negative=5, ns_exponent=0.75, cbow_mean=1,
                 hashfxn=hash, epochs=5, null_word=0, trim_rule=None, sorted_vocab=1,
                 batch_words=10000, compute_loss=False, callbacks=(), comment=None,
                 max_final_vocab=None, shrink_windows=True):
        settings = dict(vector_size=vector_size, alpha=alpha, window=window,
                        min_count=min_count, max_vocab_size=max_vocab_size, sample=sample,
                        seed=seed, workers=workers, min_alpha=min_alpha, sg=sg, hs=hs,
                        negative=negative, ns_exponent=ns_exponent, cbow_mean=cbow_mean,
                        epochs=epochs, null_word=null_word, sorted_vocab=sorted_vocab,
                        compute_loss=compute_loss, max_final_vocab=max_final_vocab,
                        shrink_windows=shrink_windows)
        defaults = inspect.signature(Word2Vec).parameters
        # every setting FastW2V has; one it lacks only when given (its TypeError names it)
        super().__init__(**{name: value for name, value in settings.items()
                            if name in _FASTW2V_PARAMS or value != defaults[name].default})
        self.hashfxn, self.batch_words, self.comment = hashfxn, batch_words, comment
        self.train_count, self.total_train_time = 0, 0.0
        self.lifecycle_events = []
        self._built_from = None  # (corpus_iterable, corpus_file) of the last build_vocab
        self._train_first = 0  # index in history of this train() call's first epoch
        self._scanned_words = 0  # raw words of the last corpus scanned
        self._scanned_known = True  # whether it holds a word of the vocabulary
        if sentences is not None or corpus_file is not None:
            self.build_vocab(sentences, corpus_file, trim_rule=trim_rule)
            self.train(sentences, corpus_file, total_examples=self.corpus_count,
                       total_words=self.corpus_total_words, epochs=self.epochs,
                       start_alpha=self.alpha, end_alpha=self.min_alpha,
                       compute_loss=self.compute_loss, callbacks=callbacks)
        self.add_lifecycle_event("created", params=str(self))

    def __str__(self):
        n = 0 if self.wv is None else len(self.wv)
        return f"{type(self).__name__}<vocab={n}, vector_size={self.vector_size}, " \
               f"alpha={self.alpha}>"

    def _scan(self, sentences, corpus_file, *args):
        """FastW2V's scan, noting the raw words of the corpus (gensim's raw_word_count of a
        train() on new text) and whether any of them is in the vocabulary."""
        enc = super()._scan(sentences, corpus_file, *args)
        self._scanned_words = enc.n_words_total
        if self.wv is not None:  # a corpus to encode with the vocabulary: any word known?
            index = self.wv.key_to_index
            self._scanned_known = any(w in index for w in enc.provisional_counts()[0])
        return enc

    # ------------------------------------------------------------------ vocabulary

    def build_vocab(self, corpus_iterable=None, corpus_file=None, update=False,
                    progress_per=10000, keep_raw_vocab=False, trim_rule=None):
        """Builds the vocabulary from a corpus (read once) and initializes the weights,
        as gensim's ``build_vocab``; called again without ``update``, it starts over.

        Parameters
        ----------
        corpus_iterable : iterable of lists of str, optional
        corpus_file : str or os.PathLike, optional
            Give one of them. The encoded text is kept: :meth:`train` given the same object
            (or path) trains it without reading the corpus again.
        update : bool
            Add the new corpus's words to the vocabulary built already.
        progress_per : int
            Accepted; fastw2v logs once per scan.
        keep_raw_vocab : bool
            Keep every scanned word's count in ``raw_vocab``.
        trim_rule : callable, optional
            gensim's rule, for this call only.

        Raises
        ------
        ValueError, TypeError, OSError
            As :meth:`fastw2v.FastW2V.build_vocab` (no or both corpora, an empty corpus, no
            word reaching min_count ...).
        """
        options = {name: value for name, value in
                   dict(update=update, keep_raw_vocab=keep_raw_vocab).items() if value}
        self._check_source(corpus_iterable, corpus_file, required=True)
        if not update:
            self.vocab = self.wv = self.corpus = None
        with self._for_this_call(trim_rule=trim_rule):
            super().build_vocab(corpus_iterable, corpus_file, **options)
        self._built_from = (corpus_iterable, corpus_file)
        self.add_lifecycle_event("build_vocab", update=update, trim_rule=str(trim_rule))

    @contextlib.contextmanager
    def _for_this_call(self, **settings):
        """A context in which the settings given (those not None) hold, restored after."""
        given = {name: value for name, value in settings.items() if value is not None}
        before = {name: getattr(self._params, name) for name in given}
        self._params = replace(self._params, **given)
        try:
            yield
        finally:
            self._params = replace(self._params, **before)

    def build_vocab_from_freq(self, word_freq, keep_raw_vocab=False, corpus_count=None,
                              trim_rule=None, update=False):
        """Builds the vocabulary from word counts instead of a corpus, as gensim's.

        Parameters
        ----------
        word_freq : dict of str to int
        keep_raw_vocab : bool
            Keep ``word_freq`` in ``raw_vocab``.
        corpus_count : int, optional
            Sets ``corpus_count`` (0 by default).
        trim_rule : callable, optional
            gensim's rule, for this call only.
        update : bool
            Add the words to the vocabulary built already.

        Raises
        ------
        ValueError, TypeError
            As :meth:`fastw2v.FastW2V.build_vocab_from_freq`.
        """
        options = {name: value for name, value in
                   dict(update=update, keep_raw_vocab=keep_raw_vocab).items() if value}
        # FastW2V's build_vocab_from_freq also encodes a corpus; gensim's builds the
        # vocabulary alone, for a train(corpus) to come: the words stand in for the corpus
        self._sentences, self._corpus_file = [list(word_freq)], None
        total_words = self.corpus_total_words  # gensim leaves it as it is
        with self._for_this_call(trim_rule=trim_rule):
            super().build_vocab_from_freq(word_freq, **options)
        self.corpus, self._built_from = None, None
        self.corpus_count, self.corpus_total_words = corpus_count or 0, total_words

    # ------------------------------------------------------------------ training

    def train(self, corpus_iterable=None, corpus_file=None, total_examples=None,
              total_words=None, epochs=None, start_alpha=None, end_alpha=None, word_count=0,
              queue_factor=2, report_delay=1.0, compute_loss=False, callbacks=()):
        """Trains the vectors on a corpus, as gensim's ``train``.

        Parameters
        ----------
        corpus_iterable, corpus_file : optional
            The corpus; words not in the vocabulary are skipped. The object (or path) given
            to :meth:`build_vocab` is not read again: the text it encoded is trained. With
            neither, the corpus of the last :meth:`build_vocab` is trained.
        total_examples, total_words : int, optional
            Accepted: fastw2v counts the corpus itself for the learning rate and progress.
        epochs : int, optional
            Epochs of this call; sets ``epochs`` (default: ``epochs``).
        start_alpha, end_alpha : float, optional
            The learning rate decays linearly from start_alpha to end_alpha over this
            call's epochs; they replace ``alpha`` and ``min_alpha``, as in gensim.
        word_count, queue_factor, report_delay
            Accepted; they change nothing in fastw2v.
        compute_loss : bool
            Tally the loss (sets ``compute_loss``, as in gensim: False unless given).
        callbacks : iterable of callbacks

        Returns
        -------
        (int, int)
            gensim's ``(trained_word_count, raw_word_count)`` summed over the epochs: the
            words trained after sub-sampling and the raw words read, unknown ones included.

        Raises
        ------
        RuntimeError
            No vocabulary yet (as gensim), or the model is training already.
        ValueError, FloatingPointError, TypeError, KeyboardInterrupt
            As :meth:`fastw2v.FastW2V.train` (bad epochs, a diverged epoch ...).
        """
        if self.vocab is None:
            raise RuntimeError("you must first build vocabulary before training the model: "
                               "call build_vocab(corpus) or build_vocab_from_freq(word_freq)")
        self._params = replace(self._params, alpha=start_alpha or self.alpha,
                               min_alpha=end_alpha or self.min_alpha, compute_loss=compute_loss,
                               epochs=self.epochs if epochs is None else epochs)
        self.add_lifecycle_event("train", msg=(
            f"training model with {self.workers} workers on {len(self.wv)} vocabulary and "
            f"{self.vector_size} features, using sg={self.sg} hs={self.hs} sample={self.sample} "
            f"negative={self.negative} window={self.window} "
            f"shrink_windows={bool(self.shrink_windows)}"))
        self._train_first = len(self.history)
        t0 = time.perf_counter()
        given = corpus_iterable is not None or corpus_file is not None
        if not given or self._is_built_from(corpus_iterable, corpus_file):
            super().train(epochs=self.epochs, callbacks=callbacks)
            raw_words = self.corpus_total_words
        else:
            self._scanned_known = True
            try:
                super().train(corpus_iterable, corpus_file, epochs=self.epochs,
                              callbacks=callbacks)
            except ValueError:
                if self._scanned_known:
                    raise
                # gensim trains nothing and counts the raw words; fastw2v refuses such text
                logger.warning("train(): none of the %d words of the corpus is in the "
                               "vocabulary: nothing trained", self._scanned_words)
                return self._trained(t0, 0, self._scanned_words * self.epochs)
            raw_words = self._scanned_words
        records = self.history[self._train_first:]
        return self._trained(t0, sum(r["effective_words"] for r in records),
                             raw_words * len(records))

    def _trained(self, t0, trained, raw):
        """Ends a train() call as gensim does (its event, the counters); returns gensim's
        ``(trained_word_count, raw_word_count)``."""
        elapsed = time.perf_counter() - t0
        self.total_train_time += elapsed
        self.train_count += 1
        self.add_lifecycle_event("train", msg=(
            f"training on {raw} raw words ({trained} effective words) took {elapsed:.1f}s, "
            f"{trained / max(elapsed, 1e-9):.0f} effective words/s"))
        return trained, raw

    def _is_built_from(self, corpus_iterable, corpus_file):
        """Whether this is the corpus the last build_vocab encoded (the same object, or
        the same path) and the model still holds its encoded text."""
        if self._built_from is None or self.corpus is None:
            return False
        iterable, path = self._built_from
        if corpus_iterable is not None:
            return iterable is corpus_iterable
        try:
            return path is not None and _path_list(path) == _path_list(corpus_file)
        except TypeError:  # not paths: FastW2V's checks say what is wrong
            return False

    @property
    def running_training_loss(self):
        """float: the loss summed over the epochs of the last :meth:`train` call so far."""
        return float(sum(r.get("loss", 0.0) for r in self.history[self._train_first:]))

    def get_latest_training_loss(self):
        """The loss of the last :meth:`train` call so far, summed over its epochs.

        Returns
        -------
        float
        """
        return self.running_training_loss

    # ------------------------------------------------------------------ output layers

    syn1neg = property(lambda self: self._output_layer("negative", "w_ns"),
                       lambda self, value: self._set_output_layer("negative", "w_ns", value),
                       doc="numpy.ndarray: the negative-sampling output layer (one row a word).")
    syn1 = property(lambda self: self._output_layer("hs", "w_hs"),
                    lambda self, value: self._set_output_layer("hs", "w_hs", value),
                    doc="numpy.ndarray: the hierarchical-softmax output layer (one row an "
                        "inner node of the Huffman tree).")

    def _output_layer(self, switch, array):
        if self._outputs is None or not getattr(self, switch):
            raise AttributeError(f"{type(self).__name__} has no {_GENSIM_NAMES[array]}: "
                                 f"{switch}=0" if self._outputs is not None else
                                 f"{type(self).__name__} has no {_GENSIM_NAMES[array]} before "
                                 f"build_vocab")
        return self._outputs[array]

    def _set_output_layer(self, switch, array, value):
        self._output_layer(switch, array)
        self._outputs[array] = value  # checked by train() and save()

    # ------------------------------------------------------------------ queries

    def predict_output_word(self, context_words_list, topn=10):
        """The most probable center words given context words, as gensim computes them: the
        softmax of the mean (or sum, ``cbow_mean=0``) of the context vectors times
        ``syn1neg``.

        Parameters
        ----------
        context_words_list : list of str or int
            Context words (or their indices); unknown ones are skipped.
        topn : int

        Returns
        -------
        list of (str, float) or None
            The ``topn`` words and their probabilities, most probable first; None (and a
            warning logged) when no context word is known.

        Raises
        ------
        RuntimeError
            The model does not train negative sampling, or has no vocabulary yet.
        """
        if not self.negative:
            raise RuntimeError("predict_output_word needs negative sampling (as in gensim): "
                               "this model was trained with negative=0")
        if self.wv is None:
            raise RuntimeError("predict_output_word needs a vocabulary: build_vocab first")
        rows = [self.wv.get_index(w) for w in context_words_list if w in self.wv]
        if not rows:
            logger.warning("all the context words are out of the vocabulary")
            return None
        hidden = np.sum(self.wv.vectors[rows], axis=0)
        if self.cbow_mean:
            hidden /= len(rows)
        prob = np.exp(np.dot(hidden, self.syn1neg.T))
        prob /= np.sum(prob)
        best = np.argsort(-prob, kind="stable")[:topn]
        return [(self.wv.index_to_key[i], prob[i]) for i in best]

    def score(self, sentences, total_sentences=int(1e6), chunksize=100, queue_factor=2,
              report_delay=1):
        """Log-probability of each sentence under the hierarchical softmax, as gensim's
        ``score`` computes it: per word its Huffman path's log-sigmoids (gensim's table,
        dot products beyond +-6 skipped) given each word of the window (skip-gram) or the
        window's mean or sum (CBOW); unknown words skipped, a sentence cut at 10,000 known
        words.

        Parameters
        ----------
        sentences : iterable of lists of str
        total_sentences : int
            Score at most this many sentences.
        chunksize, queue_factor, report_delay
            Accepted; they change nothing.

        Returns
        -------
        numpy.ndarray
            float32, one score per sentence scored.

        Raises
        ------
        RuntimeError
            No vocabulary yet, or the model has no hierarchical softmax (``hs=0``).
        """
        if self.wv is None:
            raise RuntimeError("you must first build vocabulary before scoring new data")
        if not self.hs:
            raise RuntimeError("score needs hierarchical softmax (as in gensim): this model "
                               "was trained with hs=0")
        scores = []
        for sentence in sentences:
            if len(scores) >= total_sentences:
                break
            rows = [self.wv.key_to_index[w] for w in sentence if w in self.wv.key_to_index]
            scores.append(self._score_rows(rows[:_MAX_SENTENCE_LEN]))
        return np.array(scores, dtype=np.float32)

    def _score_rows(self, rows):
        vectors, syn1, vocab = self.wv.vectors, self.syn1, self.vocab
        total = np.float32(0.0)
        for i, word in enumerate(rows):
            path = slice(vocab.path_offsets[word], vocab.path_offsets[word + 1])
            window = rows[max(i - self.window, 0):i] + rows[i + 1:i + self.window + 1]
            if path.start == path.stop or (self.sg and not window):
                continue
            inputs = vectors[window]
            if not self.sg:  # an empty window scores a zero hidden vector, as in gensim
                inputs = np.sum(inputs, axis=0, keepdims=True)
                if self.cbow_mean and window:
                    inputs /= len(window)
            sign = 1 - 2 * vocab.codes[path].astype(np.float32)
            f = (inputs @ syn1[vocab.points[path]].T) * sign
            f = f[(f > -_MAX_EXP) & (f < _MAX_EXP)]
            total += np.sum(_LOG_TABLE[((f + _MAX_EXP) * _TABLE_SCALE).astype(np.int64)])
        return total

    # ------------------------------------------------------------------ the rest of gensim's

    def reset_from(self, other_model):
        """Takes the vocabulary and the encoded corpus of ``other_model`` (a FastW2V or a
        Word2Vec built already) and initializes the weights anew, as gensim's.

        Parameters
        ----------
        other_model : FastW2V

        Raises
        ------
        ValueError
            ``other_model`` has no vocabulary.
        """
        if other_model.vocab is None:
            raise ValueError("reset_from: other_model has no vocabulary (build_vocab first)")
        self.vocab = self._new_vocab(other_model.vocab.words, other_model.vocab.counts)
        self._init_weights()
        self.corpus = other_model.corpus
        for name in ("corpus_count", "corpus_total_words", "effective_min_count",
                     "_built_from"):
            setattr(self, name, getattr(other_model, name, getattr(self, name)))

    def estimate_memory(self, vocab_size=None, report=None):
        """The bytes of the model's arrays, under gensim's keys: ``vocab`` (the vocabulary
        tables, and the words and their index once built), ``vectors``, ``syn1`` (with hs),
        ``syn1neg`` (with negative sampling), ``total``.

        Parameters
        ----------
        vocab_size : int, optional
            Words of the vocabulary (default: the model's).
        report : dict, optional
            Filled in and returned.

        Returns
        -------
        dict of str to int
        """
        n = vocab_size or (0 if self.vocab is None else len(self.vocab))
        report = report if report is not None else {}
        report["vocab"] = self._vocab_bytes(n)
        report["vectors"] = n * self.vector_size * 4
        shapes = self._params.output_shapes(n)
        for switch, array in (("hs", "w_hs"), ("negative", "w_ns")):
            if getattr(self, switch):
                rows, dim = shapes[array]
                report[_GENSIM_NAMES[array]] = rows * dim * 4
        report["total"] = sum(v for k, v in report.items() if k != "total")
        logger.info("estimated memory for %d words and %d dimensions: %d bytes", n,
                    self.vector_size, report["total"])
        return report

    def _vocab_bytes(self, n):
        """Bytes of a vocabulary of ``n`` words: the real tables and words when built with
        ``n`` words, else the tables' sizes (a Huffman path of log2(n) nodes) and 100 bytes
        a word for its str and index entry."""
        tables = ("counts", "keep_threshold", "alias_prob", "alias_index", "codes", "points",
                  "path_offsets")
        if self.vocab is not None and len(self.vocab) == n:
            return (sum(getattr(self.vocab, t).nbytes for t in tables)
                    + sum(sys.getsizeof(w) for w in self.vocab.words)
                    + sys.getsizeof(self.wv.key_to_index))
        per_word = 8 + 8 + 8 + (8 + 5 * max(1, int(np.ceil(np.log2(max(n, 2)))))
                                if self.hs else 0)
        return n * (per_word + 100)

    def save(self, fname):
        """Saves the model to the file ``fname`` (fastw2v's native single file, atomically;
        see :meth:`fastw2v.FastW2V.save`), after recording gensim's "saving" event (the
        lifecycle events and gensim's counters are not saved).

        Parameters
        ----------
        fname : str or os.PathLike

        Raises
        ------
        ValueError, IsADirectoryError, OSError
            As :meth:`fastw2v.FastW2V.save`.
        """
        self.add_lifecycle_event("saving", fname_or_handle=str(fname))
        super().save(fname)

    @classmethod
    def load(cls, fname, mmap=None):
        """Loads a model saved by :meth:`save` (or by FastW2V) as a Word2Vec.

        Parameters
        ----------
        fname : str or os.PathLike
        mmap : {None, 'r', 'r+', 'c'}, optional
            Memory-map the arrays (see :meth:`fastw2v.FastW2V.load`).

        Returns
        -------
        Word2Vec

        Raises
        ------
        OSError, ValueError, TypeError
            As :meth:`fastw2v.FastW2V.load`.
        """
        model = super().load(fname, mmap=mmap)
        model.lifecycle_events = []  # not saved; not the "created" of an empty model
        model.add_lifecycle_event("loaded", fname=str(fname))
        return model


_GENSIM_NAMES = {"w_ns": "syn1neg", "w_hs": "syn1"}


def _path_list(corpus_file):
    """A corpus_file argument (a path or a list of them) as a list of str, as given."""
    paths = corpus_file if isinstance(corpus_file, (list, tuple)) else [corpus_file]
    return [os.fspath(p) for p in paths]
