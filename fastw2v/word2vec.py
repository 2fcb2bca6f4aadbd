"""The FastW2V model: vocabulary building, multithreaded training, persistence."""
import logging
import numbers
import os
import threading
import time

import numpy as np
from threadpoolctl import threadpool_limits

from . import _io
from ._train import EpochRunner
from .corpus import EncodedCorpus, scan
from .keyedvectors import KeyedVectors
from .vocab import Vocab, final_order

logger = logging.getLogger("fastw2v")

_PARAMS = ("vector_size", "window", "min_count", "max_vocab_size", "sample", "sg", "hs",
           "negative", "ns_exponent", "softmax", "kernel", "cbow_mean", "alpha", "min_alpha",
           "epochs", "workers", "seed", "shrink_windows", "compute_loss")
_KERNELS = ("auto", "classic", "batched")


def _default_workers():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _check_int(name, value, low):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    return int(value)


def _check_float(name, value, low, strict):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) \
            or value < low or (strict and value == low):
        bound = f"> {low}" if strict else f">= {low}"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return float(value)


def _check_flag(name, value):
    if value not in (0, 1):  # also admits True/False
        raise ValueError(f"{name} must be 0 or 1, got {value!r}")
    return int(value)


def _show_progress(bar, runner, epoch, shown):
    """Advances the progress bar to the words trained so far; returns that count."""
    if bar is None:
        return shown
    done = runner.words_done
    bar.update(done - shown)
    bar.set_postfix(epoch=epoch + 1, alpha=f"{runner.current_alpha:.5f}", refresh=False)
    return done


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


class FastW2V:
    """Word2vec (skip-gram or CBOW, negative sampling and/or hierarchical softmax).

    Parameters
    ----------
    sentences : iterable of lists of str, optional
        The corpus; read exactly once (a one-shot generator works).
    corpus_file : str or os.PathLike, optional
        A whitespace-tokenized text file, one text per line, plain or .gz/.bz2/.xz.
        Give either ``sentences`` or ``corpus_file``.
    vector_size : int
        Dimensionality of the word vectors.
    window : int
        Maximum distance between the center word and a context word.
    min_count : int
        Words occurring fewer times are dropped.
    max_vocab_size : int, optional
        Bound on the distinct words held while scanning; rarer words are pruned as in gensim.
    sample : float
        Sub-sampling threshold for frequent words (0 disables it).
    sg : {0, 1}
        1 for skip-gram, 0 for CBOW.
    hs : {0, 1}
        1 to train with hierarchical softmax.
    negative : int
        Noise words per positive example (0 disables negative sampling).
    ns_exponent : float
        The noise distribution is ``count ** ns_exponent``.
    softmax : {0, 1}
        1 to train the exact full softmax over the vocabulary instead of its approximations
        (requires ``hs=0, negative=0``). Its cost per example grows linearly with the
        vocabulary (hs: logarithmically, negative sampling: constant), so it suits small
        vocabularies (items, tags, a few thousand symbols) and serves as the reference the
        approximations are judged against; with ``compute_loss`` it reports the true
        cross-entropy.
    kernel : {"auto", "classic", "batched"}
        How skip-gram with negative sampling is trained. "classic" (word2vec.c, gensim)
        updates one (center, context) pair at a time, each pair with its own ``negative``
        noise words. "batched" gives all contexts of a center word one shared set of noise
        words and trains the window as a small dense problem with three sgemm calls
        (Ji et al. 2016, "HogBatch"): several times fewer BLAS calls and cache misses, at the
        price of fewer distinct noise words per epoch and updates applied once per window
        instead of once per pair. "auto" picks "batched" for skip-gram with negative
        sampling only, "classic" otherwise. "batched" requires ``sg=1, hs=0,
        negative > 0``.
    cbow_mean : bool
        CBOW hidden vector is the mean (True) or the sum (False) of the context vectors.
        As in word2vec.c and gensim, the full gradient is added to every context vector.
    alpha, min_alpha : float
        The learning rate decays linearly from alpha to min_alpha over all epochs.
    epochs : int
    workers : int
        Training threads (default: the number of usable cores).
    seed : int
        Seeds the initial vectors and every random draw. With ``workers=1`` a run is
        reproducible bit for bit.
    shrink_windows : bool
        Draw each center word's window uniformly from 1..window (word2vec's reduced windows).
    compute_loss : bool
        Tally the training objective (sum of -log sigmoid terms) per epoch in ``history``.
    progress : bool
        Show a tqdm progress bar while training.

    Attributes
    ----------
    wv : KeyedVectors
        The word vectors (after :meth:`build_vocab`).
    history : list of dict
        One record per trained epoch: epoch, words, effective_words, seconds, words_per_sec,
        alpha_start, alpha_end, and with compute_loss: loss, examples, loss_per_example.

    Raises
    ------
    ValueError
        A parameter is out of range, or both / neither of sentences and corpus_file are given
        when the vocabulary is built.
    """

    def __init__(self, sentences=None, corpus_file=None, vector_size=100, window=5,
                 min_count=5, max_vocab_size=None, sample=1e-3, sg=0, hs=0, negative=5,
                 ns_exponent=0.75, softmax=0, kernel="auto", cbow_mean=True, alpha=0.025,
                 min_alpha=0.0001, epochs=5, workers=None, seed=1, shrink_windows=True,
                 compute_loss=False, progress=False):
        self.vector_size = _check_int("vector_size", vector_size, 1)
        self.window = _check_int("window", window, 1)
        self.min_count = _check_int("min_count", min_count, 1)
        self.max_vocab_size = (None if max_vocab_size is None
                               else _check_int("max_vocab_size", max_vocab_size, 1))
        self.sample = _check_float("sample", sample, 0.0, strict=False)
        self.sg = _check_flag("sg", sg)
        self.hs = _check_flag("hs", hs)
        self.negative = _check_int("negative", negative, 0)
        self.softmax = _check_flag("softmax", softmax)
        if self.softmax and (self.hs or self.negative):
            raise ValueError("softmax=1 is the exact output layer and replaces its "
                             f"approximations: set hs=0 and negative=0 (got hs={self.hs}, "
                             f"negative={self.negative})")
        if not (self.hs or self.negative or self.softmax):
            raise ValueError("hs=0 with negative=0 leaves no output layer to train: "
                             "set hs=1, negative > 0 or softmax=1")
        self.ns_exponent = _check_float("ns_exponent", ns_exponent, -np.inf, strict=False)
        if kernel not in _KERNELS:
            raise ValueError(f"kernel must be one of {', '.join(map(repr, _KERNELS))}, "
                             f"got {kernel!r}")
        if kernel == "batched" and not (self.sg and self.negative and not self.hs):
            raise ValueError("kernel='batched' trains skip-gram with negative sampling only: "
                             f"it needs sg=1, hs=0, negative > 0 (got sg={self.sg}, "
                             f"hs={self.hs}, negative={self.negative})")
        self.kernel = kernel
        self.cbow_mean = _check_flag("cbow_mean", cbow_mean)
        self.alpha = _check_float("alpha", alpha, 0.0, strict=True)
        self.min_alpha = _check_float("min_alpha", min_alpha, 0.0, strict=False)
        self.epochs = _check_int("epochs", epochs, 1)
        self.workers = _check_int("workers", _default_workers() if workers is None else workers,
                                  1)
        self.seed = _check_int("seed", seed, 0)
        self.shrink_windows = _check_flag("shrink_windows", shrink_windows)
        self.compute_loss = _check_flag("compute_loss", compute_loss)
        self.progress = bool(progress)
        self._check_source(sentences, corpus_file, required=False)
        if corpus_file is not None:
            self._check_corpus_file(corpus_file)
        self._sentences = sentences
        self._corpus_file = corpus_file
        self.wv = None
        self.vocab = None
        self.corpus = None
        self.history = []
        self._outputs = None

    @staticmethod
    def _check_source(sentences, corpus_file, required):
        if sentences is not None and corpus_file is not None:
            raise ValueError("give either sentences or corpus_file, not both")
        if required and sentences is None and corpus_file is None:
            raise ValueError("no corpus: give sentences or corpus_file")
        if isinstance(sentences, (str, bytes)):
            raise TypeError("sentences must be an iterable of lists of str tokens, got a "
                            f"{type(sentences).__name__}; for a file use corpus_file=")

    @staticmethod
    def _check_corpus_file(path):
        path = os.fspath(path)
        if not os.path.exists(path):
            raise FileNotFoundError(f"corpus_file {path!r} does not exist")
        if not os.access(path, os.R_OK):
            raise PermissionError(f"corpus_file {path!r} is not readable")

    # ------------------------------------------------------------------ vocabulary

    def build_vocab(self):
        """Scans the corpus once: counts the words, builds the vocabulary and the tables,
        encodes the text, and initializes the vectors.

        Returns
        -------
        FastW2V
            self.

        Raises
        ------
        ValueError
            The corpus is empty, or no word reaches min_count, or the corpus was already
            consumed by an earlier call.
        TypeError
            A text is a str or a token is not a str.
        OSError
            corpus_file is missing or unreadable.
        """
        self._check_source(self._sentences, self._corpus_file, required=True)
        if self.vocab is not None:
            raise ValueError("the vocabulary is built already; the corpus was read once")
        t0 = time.perf_counter()
        enc = scan(self._sentences, self._corpus_file, self.max_vocab_size)
        words, counts = enc.provisional_counts()
        if enc.n_words_total == 0:
            raise ValueError("the corpus is empty: it contains no words")
        alive = np.fromiter((w is not None for w in words), dtype=bool, count=len(words))
        order = final_order(counts, alive, self.min_count)
        if len(order) == 0:
            top = int(np.argmax(np.where(alive, counts, -1)))
            raise ValueError(
                f"no word occurs min_count={self.min_count} times: the corpus has "
                f"{int(alive.sum())} distinct words and the most frequent, {words[top]!r}, "
                f"occurs {int(counts[top])} times; lower min_count")
        remap = np.full(len(words), -1, dtype=np.int32)
        remap[order] = np.arange(len(order), dtype=np.int32)
        kept_words, kept_counts = _packed([words[i] for i in order]), counts[order]
        scanned = int(counts.sum())
        ids, offsets = enc.compact(remap)
        del enc, words, counts, alive
        vocab = Vocab(_unpacked(kept_words), kept_counts, self.sample, self.ns_exponent,
                      self.hs)
        self.corpus = EncodedCorpus.from_stream(ids, offsets)
        self.vocab = vocab
        self._init_weights()
        self._sentences = None  # the text lives on as self.corpus
        logger.info("vocabulary: %d words (min_count=%d) of %d scanned, %d of them kept in "
                    "%d texts; %.2f s", len(vocab), self.min_count, scanned,
                    self.corpus.total_words, self.corpus.n_texts, time.perf_counter() - t0)
        return self

    def build_vocab_from_freq(self, word_freq):
        """Takes the vocabulary from given word counts instead of counting the corpus (as
        word2vec.c's ``-read-vocab``), then encodes the corpus with it and initializes the
        vectors.

        Parameters
        ----------
        word_freq : dict of str to int
            The count of each word; words counted below min_count are dropped, the rest are
            sorted by descending count (ties in the given order). The counts drive
            sub-sampling and the noise distribution; corpus words not in the vocabulary are
            skipped.

        Returns
        -------
        FastW2V
            self, with `vocab`, `corpus` and `wv` set.

        Raises
        ------
        ValueError
            No word reaches min_count, a count is not a non-negative int, none of the corpus
            words is in the vocabulary, or the vocabulary is built already.
        TypeError
            A word is not a str.
        """
        if self.vocab is not None:
            raise ValueError("the vocabulary is built already; the corpus was read once")
        self._check_source(self._sentences, self._corpus_file, required=True)
        words = list(word_freq)
        bad = next((w for w in words if not isinstance(w, str)), None)
        if bad is not None:
            raise TypeError(f"word_freq keys must be str, got {type(bad).__name__} {bad!r}")
        counts = np.array([_check_int(f"word_freq[{w!r}]", word_freq[w], 0) for w in words],
                          dtype=np.int64)
        order = final_order(counts, np.ones(len(words), dtype=bool), self.min_count)
        if len(order) == 0:
            raise ValueError(f"no word of word_freq ({len(words)} words) has a count of at "
                             f"least min_count={self.min_count}")
        self.vocab = Vocab([words[i] for i in order], counts[order], self.sample,
                           self.ns_exponent, self.hs)
        self._init_weights()
        try:
            self.corpus = self._encode_with_vocab(self._sentences, self._corpus_file)
        except BaseException:
            self.vocab = self.wv = None
            raise
        self._sentences = None
        logger.info("vocabulary: %d words of word_freq (min_count=%d); corpus: %d of them "
                    "kept in %d texts", len(self.vocab), self.min_count,
                    self.corpus.total_words, self.corpus.n_texts)
        return self

    def _init_weights(self):
        rng = np.random.default_rng(self.seed)
        n, dim = len(self.vocab), self.vector_size
        w_in = rng.random((n, dim), dtype=np.float32)  # uniform in [-1, 1) / dim, as gensim
        w_in *= 2.0
        w_in -= 1.0
        w_in /= dim
        self.wv = KeyedVectors(w_in, self.vocab.words, self.vocab.counts)
        self._outputs = {name: np.zeros(shape, dtype=np.float32)
                         for name, shape in self._output_shapes(n).items()}

    def _output_shapes(self, n):
        """Shapes of the output layers (w_ns, w_hs, w_sm) for a vocabulary of n words; a
        layer not in use has no rows."""
        dim = self.vector_size
        return dict(w_ns=(n if self.negative else 0, dim), w_hs=(n - 1 if self.hs else 0, dim),
                    w_sm=(n if self.softmax else 0, dim))

    @property
    def batched(self):
        """Whether skip-gram with negative sampling runs the batched kernel (see ``kernel``)."""
        if self.kernel == "auto":
            return bool(self.sg and self.negative and not self.hs)
        return self.kernel == "batched"

    def _encode_with_vocab(self, sentences, corpus_file):
        """Encodes new text with the existing vocabulary (unknown words dropped)."""
        self._check_source(sentences, corpus_file, required=True)
        if corpus_file is not None:
            self._check_corpus_file(corpus_file)
        enc = scan(sentences, corpus_file)
        words, _ = enc.provisional_counts()
        index = self.wv.key_to_index
        remap = np.fromiter((index.get(w, -1) for w in words), dtype=np.int32,
                            count=len(words))
        ids, offsets = enc.compact(remap)
        if len(ids) == 0:
            raise ValueError("none of the words of the new corpus is in the vocabulary")
        return EncodedCorpus.from_stream(ids, offsets)

    # ------------------------------------------------------------------ training

    def train(self, sentences=None, corpus_file=None, epochs=None):
        """Trains the vectors, building the vocabulary first if needed.

        Parameters
        ----------
        sentences, corpus_file : optional
            New text to train on with the existing vocabulary (words not in it are skipped),
            e.g. to continue training a loaded model. By default the corpus given to the
            constructor is used.
        epochs : int, optional
            Overrides the model's epochs for this call.

        Returns
        -------
        FastW2V
            self, so that ``model = FastW2V(sentences).train()`` works.

        Raises
        ------
        ValueError
            No corpus to train on, or bad epochs.
        KeyboardInterrupt
            Re-raised after the threads stopped; the model stays consistent and the
            interrupted epoch is recorded in ``history`` with ``interrupted=True``.
        """
        epochs = self.epochs if epochs is None else _check_int("epochs", epochs, 1)
        if sentences is not None or corpus_file is not None:
            if self.vocab is None:
                raise ValueError("build the vocabulary first (construct the model with the "
                                 "corpus); train(sentences) continues training")
            corpus = self._encode_with_vocab(sentences, corpus_file)
        else:
            if self.vocab is None:
                self.build_vocab()
            if self.corpus is None:
                raise ValueError("this model holds no corpus (it was loaded): pass "
                                 "sentences or corpus_file to train()")
            corpus = self.corpus
        params = dict(window=self.window, negative=self.negative, hs=self.hs,
                      softmax=self.softmax, sg=self.sg, batched=self.batched,
                      cbow_mean=self.cbow_mean, shrink_windows=self.shrink_windows,
                      compute_loss=self.compute_loss, seed=self.seed, alpha=self.alpha,
                      min_alpha=self.min_alpha, epochs=epochs)
        runner = EpochRunner(self.wv.vectors, **self._outputs, vocab=self.vocab,
                             corpus=corpus, params=params, workers=self.workers)
        bar = self._progress_bar(epochs * corpus.total_words)
        try:
            # one BLAS thread per worker: BLAS's own threads would oversubscribe the cores
            # (OpenBLAS splits an sgemv over 10k+ elements, e.g. the full softmax's)
            with threadpool_limits(limits=1, user_api="blas"):
                for epoch in range(epochs):
                    self._run_epoch(runner, epoch, corpus, bar)
        finally:
            self.wv._clear_norms()
            if bar is not None:
                bar.close()
        return self

    def _progress_bar(self, total):
        if not self.progress:
            return None
        from tqdm.auto import tqdm
        return tqdm(total=total, unit="word", unit_scale=True, desc="training")

    def _run_epoch(self, runner, epoch, corpus, bar):
        runner.start_epoch(epoch)
        alpha_start = runner.current_alpha
        threads = [threading.Thread(target=runner.run, args=(i,), daemon=True,
                                    name=f"fastw2v-{i}") for i in range(self.workers)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        shown = 0
        interrupted = False
        try:
            for t in threads:
                while t.is_alive():
                    t.join(0.2)
                    shown = _show_progress(bar, runner, epoch, shown)
            _show_progress(bar, runner, epoch, shown)
        except KeyboardInterrupt:
            interrupted = True
            runner.stop()
            for t in threads:
                t.join()
            raise
        finally:
            self._record_epoch(runner, epoch, time.perf_counter() - t0, alpha_start,
                               interrupted)
            if interrupted:
                logger.warning("training interrupted in epoch %d after %d of %d words",
                               epoch + 1, runner.words_done, corpus.total_words)

    def _record_epoch(self, runner, epoch, seconds, alpha_start, interrupted):
        tallies = runner.tallies()
        rec = dict(epoch=epoch + 1, words=tallies["words"],
                   effective_words=tallies["effective_words"], seconds=seconds,
                   words_per_sec=tallies["words"] / seconds if seconds > 0 else 0.0,
                   alpha_start=alpha_start, alpha_end=runner.current_alpha)
        if self.compute_loss:
            rec.update(loss=tallies["loss"], examples=tallies["examples"],
                       loss_per_example=tallies["loss"] / max(tallies["examples"], 1))
        if interrupted:
            rec["interrupted"] = True
        self.history.append(rec)
        logger.info("epoch %d: %d words (%d effective) in %.2f s, %.0f words/s, alpha "
                    "%.5f -> %.5f%s", rec["epoch"], rec["words"], rec["effective_words"],
                    seconds, rec["words_per_sec"], alpha_start, rec["alpha_end"],
                    f", loss per example {rec['loss_per_example']:.5f}"
                    if self.compute_loss else "")

    # ------------------------------------------------------------------ persistence

    def save(self, path):
        """Saves the whole model (parameters, vocabulary, both layers) to the directory
        ``path``, in the native format (.npy arrays and JSON, no pickle). The encoded
        corpus is not saved.

        Raises
        ------
        ValueError
            The model has no vocabulary yet.
        OSError
            The directory cannot be written.
        """
        if self.wv is None:
            raise ValueError("nothing to save: build the vocabulary or train first")
        meta = dict(kind="FastW2V", params={p: getattr(self, p) for p in _PARAMS},
                    index_to_key=self.wv.index_to_key, history=self.history)
        _io.save_arrays(path, meta, dict(vectors=self.wv.vectors, counts=self.wv.counts,
                                         **self._outputs))

    @classmethod
    def load(cls, path):
        """Loads a model written by :meth:`save`; it can be queried and trained further.

        Raises
        ------
        OSError
            ``path`` is missing.
        ValueError
            ``path`` is not a saved FastW2V model, or is truncated or corrupted.
        """
        meta, arrays = _io.load_arrays(path)
        try:
            if meta.get("kind") != "FastW2V":
                raise ValueError("it holds vectors only; use KeyedVectors.load")
            model = cls(**meta["params"])
            words = meta["index_to_key"]
            vectors, counts = arrays["vectors"], arrays["counts"]
            n = len(words)
            outputs = model._output_shapes(n)
            expected = dict(vectors=(n, model.vector_size), counts=(n,), **outputs)
            for name, shape in expected.items():
                if arrays[name].shape != shape:
                    raise ValueError(f"{name} has shape {arrays[name].shape}, expected {shape}")
            model.vocab = Vocab(words, counts, model.sample, model.ns_exponent, model.hs)
            model.wv = KeyedVectors(np.ascontiguousarray(vectors, dtype=np.float32), words,
                                    np.asarray(counts, dtype=np.int64))
            model._outputs = {name: np.ascontiguousarray(arrays[name], dtype=np.float32)
                              for name in outputs}
            model.history = list(meta.get("history", []))
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(f"{os.fspath(path)!r} is not a valid FastW2V model: {e}") from None
        return model
