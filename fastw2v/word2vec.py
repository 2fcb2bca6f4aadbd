"""The FastW2V model: vocabulary building, multithreaded training, persistence."""
import contextlib
import logging
import os
import threading
import time

import numpy as np

from ._checks import check_flag, check_float, check_int
from ._system import DeferredSigint, single_threaded_blas, usable_cpus
from ._train import EpochRunner
from .callbacks import Callback
from .corpus import EncodedCorpus, scan
from .formats.native import check_array, load_arrays, save_arrays, word_vectors_of
from .keyedvectors import KeyedVectors
from .readers import check_encoding_errors, corpus_files
from .vocab import Vocab, final_order

logger = logging.getLogger("fastw2v")

_PARAMS = ("vector_size", "window", "min_count", "max_vocab_size", "sample", "sg", "hs",
           "negative", "ns_exponent", "softmax", "kernel", "cbow_mean", "alpha", "min_alpha",
           "epochs", "workers", "seed", "shrink_windows", "compute_loss", "encoding_errors",
           "max_corpus_ram")
_KERNELS = ("auto", "classic", "batched")
# What the kernels' C ints and uint64 seed hold (negative leaves room for the output rows of
# a window: negative + 1 + the Huffman path length).
_INT_MAX = 2**31 - 1
_MAX_NEGATIVE = 2**30
_MAX_SEED = 2**64 - 1
_BUILT_ALREADY = ("the vocabulary is built already (build_vocab reads the corpus once): call "
                  "train() to train on it, or train(sentences) to train on new text")


def _show_progress(bar, runner, epoch, epochs, shown):
    """Advances the progress bar to the words trained so far, with the epoch, alpha and the
    loss per example so far in this epoch (with compute_loss); returns that word count."""
    if bar is None:
        return shown
    done = runner.words_done
    tallies = runner.tallies()
    postfix = dict(epoch=f"{epoch + 1}/{epochs}", alpha=f"{runner.current_alpha:.5f}")
    if tallies["examples"]:
        postfix["loss"] = f"{tallies['loss'] / tallies['examples']:.4f}"
    bar.set_postfix(postfix, refresh=False)
    bar.update(done - shown)
    return done


class _Worker:
    """One training thread running ``runner.run(index)``, awaited through its own completion
    signal rather than ``Thread.join`` (on CPython 3.9-3.11 a join interrupted by Ctrl-C can
    mark a thread dead while it still runs, cpython#90882).

    A thread that begins after :meth:`cancel_and_wait` returns at once, so the caller knows exactly
    which threads it must await, even when ``Thread.start`` itself was interrupted."""

    def __init__(self, runner, index):
        self._lock = threading.Lock()
        self._cancelled = self._began = False
        self.finished = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(runner, index), daemon=True,
                                       name=f"fastw2v-{index}")

    def _run(self, runner, index):
        with self._lock:
            if self._cancelled:
                return
            self._began = True
        try:
            runner.run(index)
        finally:
            self.finished.set()

    def cancel_and_wait(self):
        """Keeps the thread from beginning if it has not, else waits until it finished (the
        runner must be stopped: that takes at most a chunk). Further Ctrl-C do not stop the
        wait."""
        while True:
            try:
                with self._lock:
                    self._cancelled = True
                    began = self._began
                while began and not self.finished.is_set():
                    time.sleep(0.005)
                return
            except KeyboardInterrupt:
                pass


def _check_callbacks(callbacks):
    callbacks = list(callbacks or ())
    for i, cb in enumerate(callbacks):
        if not isinstance(cb, Callback):
            raise TypeError(f"callbacks[{i}] must be a fastw2v.Callback, got "
                            f"{type(cb).__name__}: subclass fastw2v.Callback and override its "
                            f"on_... methods")
    return callbacks


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
    corpus_file : str or os.PathLike, or a list of them, optional
        Whitespace-tokenized UTF-8 text, one text per line: a file, a directory (its files in
        sorted order, without subdirectories and hidden files) or a list of files and
        directories; each plain or .gz/.bz2/.xz. Read once, 1 MB at a time (a line longer
        than that is cut at whitespace, as ``str.split()`` defines it; a word over 1 MiB is
        refused). Give either ``sentences`` or ``corpus_file``.
    vector_size : int
        Dimensionality of the word vectors, 1 to 2**31 - 1.
    window : int
        Maximum distance between the center word and a context word, 1 to 2**31 - 1 (a
        window wider than the longest text trains the same model as one that wide).
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
        Noise words per positive example, 0 to 2**30 (0 disables negative sampling).
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
        How skip-gram is trained. "classic" (word2vec.c, gensim) updates one (center,
        context) pair at a time, each pair with its own ``negative`` noise words. "batched"
        trains all contexts of a center word against the same output rows, the center's hs
        path and/or one shared set of noise words, as a small dense problem with three sgemm
        calls (Ji et al. 2016, "HogBatch"): several times fewer BLAS calls and cache misses,
        at the price of fewer distinct noise words per epoch and of updates applied once per
        window instead of once per pair. "auto" picks "batched" for skip-gram (hs and/or
        negative sampling) and "classic" otherwise. "batched" requires ``sg=1`` and
        ``softmax=0``.
    cbow_mean : bool
        CBOW hidden vector is the mean (True) or the sum (False) of the context vectors.
        As in word2vec.c and gensim, the full gradient is added to every context vector.
    alpha, min_alpha : float
        The learning rate decays linearly from alpha to min_alpha over all epochs (finite,
        0 <= min_alpha <= alpha, alpha > 0). Too high a rate makes training diverge:
        :meth:`train` raises FloatingPointError after the epoch that did.
    epochs : int
    workers : int
        Training threads (default: the number of usable cores).
    seed : int
        Seeds the initial vectors and every random draw, 0 to 2**64 - 1. With
        ``workers=1`` a run is reproducible bit for bit.
    shrink_windows : bool
        Draw each center word's window uniformly from 1..window (word2vec's reduced windows).
    compute_loss : bool
        Tally the training objective (sum of -log sigmoid terms) per epoch in ``history``.
    progress : bool
        Show a tqdm progress bar while training (words of all epochs; words/s, epoch, alpha,
        and the loss per example so far in the epoch with compute_loss). Without it, one
        INFO line per epoch is logged to ``logging.getLogger("fastw2v")``.
    encoding_errors : {'strict', 'replace', 'ignore'}
        What to do with bytes of corpus_file that are not valid UTF-8: 'strict' raises
        ValueError naming the file and the line, while the vocabulary is built (never in the
        middle of training); 'replace' turns each into U+FFFD, the replacement character,
        which stays inside its word ('caf\ufffd'); 'ignore' drops it ('caf').
    max_corpus_ram : int or None
        Bytes of RAM the encoded corpus (4 bytes a word) may take, default 1 GiB (268M
        words); None for no limit. A corpus beyond it is written, while it is scanned, to a
        temporary file in ``tmp_dir`` and trained from a memory mapping of it whose pages
        are released as training moves on: resident memory stays small, at the cost of 4
        bytes a word of disk for as long as the model holds its corpus, and of reading it
        back through the OS page cache (training speed is nearly the same: see
        bench/bigcorpus.py). 0 always uses the file.
    tmp_dir : str or os.PathLike, optional
        Directory of that temporary file (default: :func:`tempfile.gettempdir`, which follows
        $TMPDIR). Choose a disk, not a RAM-backed tmpfs. The file has no name (it is unlinked
        when created), so it is freed when the model drops its corpus (``del model`` or
        ``model.corpus = None``) or the process ends, even by a crash.

    Attributes
    ----------
    wv : KeyedVectors
        The word vectors (after :meth:`build_vocab`).
    history : list of dict
        One record per trained epoch: epoch, words, effective_words, seconds, words_per_sec,
        alpha_start, alpha_end, and with compute_loss: loss, examples, loss_per_example
        (the loss is the training objective, the sum of -log sigmoid over every positive and
        negative example or hs decision of the epoch, tallied per thread in float64). An
        interrupted epoch has ``interrupted=True`` and the words trained before the stop.
        Callbacks may add keys (see :class:`fastw2v.callbacks.Evaluate`).
    corpus : EncodedCorpus or None
        The encoded text, kept so that :meth:`train` can run again; set it to None to free
        its memory (or temporary file).
    stop_training : bool
        Set it to True in a callback to end training at the end of the current epoch.

    Raises
    ------
    ValueError
        A parameter is out of range, or both / neither of sentences and corpus_file are given
        when the vocabulary is built.
    TypeError
        corpus_file is not a path or a list of paths.
    FileNotFoundError, PermissionError, NotADirectoryError
        A corpus file or tmp_dir is missing or unreadable, or tmp_dir is not a directory.
    """

    def __init__(self, sentences=None, corpus_file=None, vector_size=100, window=5,
                 min_count=5, max_vocab_size=None, sample=1e-3, sg=0, hs=0, negative=5,
                 ns_exponent=0.75, softmax=0, kernel="auto", cbow_mean=True, alpha=0.025,
                 min_alpha=0.0001, epochs=5, workers=None, seed=1, shrink_windows=True,
                 compute_loss=False, progress=False, encoding_errors="strict",
                 max_corpus_ram=2**30, tmp_dir=None):
        self.vector_size = check_int("vector_size", vector_size, 1, _INT_MAX)
        self.window = check_int("window", window, 1, _INT_MAX)
        self.min_count = check_int("min_count", min_count, 1)
        self.max_vocab_size = (None if max_vocab_size is None
                               else check_int("max_vocab_size", max_vocab_size, 1))
        self.sample = check_float("sample", sample, 0.0, strict=False)
        self.sg = check_flag("sg", sg)
        self.hs = check_flag("hs", hs)
        self.negative = check_int("negative", negative, 0, _MAX_NEGATIVE)
        self.softmax = check_flag("softmax", softmax)
        if self.softmax and (self.hs or self.negative):
            raise ValueError("softmax=1 is the exact output layer and replaces its "
                             f"approximations: set hs=0 and negative=0 (got hs={self.hs}, "
                             f"negative={self.negative})")
        if not (self.hs or self.negative or self.softmax):
            raise ValueError("hs=0 with negative=0 leaves no output layer to train: "
                             "set hs=1, negative > 0 or softmax=1")
        self.ns_exponent = check_float("ns_exponent", ns_exponent, -np.inf, strict=False)
        if kernel not in _KERNELS:
            raise ValueError(f"kernel must be one of {', '.join(map(repr, _KERNELS))}, "
                             f"got {kernel!r}")
        if kernel == "batched" and not (self.sg and not self.softmax):
            raise ValueError("kernel='batched' trains skip-gram with hs and/or negative "
                             f"sampling: it needs sg=1 and softmax=0 (got sg={self.sg}, "
                             f"softmax={self.softmax})")
        self.kernel = kernel
        self.cbow_mean = check_flag("cbow_mean", cbow_mean)
        self.alpha = check_float("alpha", alpha, 0.0, strict=True)
        self.min_alpha = check_float("min_alpha", min_alpha, 0.0, strict=False)
        if self.min_alpha > self.alpha:
            raise ValueError(f"min_alpha must be <= alpha: the learning rate decays from alpha "
                             f"to min_alpha (got alpha={self.alpha}, "
                             f"min_alpha={self.min_alpha})")
        self.epochs = check_int("epochs", epochs, 1)
        self.workers = check_int("workers", usable_cpus() if workers is None else workers,
                                  1)
        self.seed = check_int("seed", seed, 0, _MAX_SEED)
        self.shrink_windows = check_flag("shrink_windows", shrink_windows)
        self.compute_loss = check_flag("compute_loss", compute_loss)
        self.progress = bool(progress)
        self.encoding_errors = check_encoding_errors(encoding_errors)
        self.max_corpus_ram = (None if max_corpus_ram is None
                               else check_int("max_corpus_ram", max_corpus_ram, 0))
        self.tmp_dir = None if tmp_dir is None else self._check_tmp_dir(tmp_dir)
        self._check_source(sentences, corpus_file, required=False)
        self._sentences = sentences
        self._corpus_file = None if corpus_file is None else corpus_files(corpus_file)
        self.stop_training = False
        self.wv = None
        self.vocab = None
        self.corpus = None
        self.history = []
        self._interrupted_iterator = None  # see _scan
        self._outputs = None
        self._busy = threading.Lock()  # held by train() and build_vocab()

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
    def _check_tmp_dir(path):
        path = os.fspath(path)
        if not os.path.exists(path):
            raise FileNotFoundError(f"tmp_dir {path!r} does not exist")
        if not os.path.isdir(path):
            raise NotADirectoryError(f"tmp_dir {path!r} is not a directory")
        if not os.access(path, os.W_OK):
            raise PermissionError(f"tmp_dir {path!r} is not writable")
        return path

    def _scan(self, sentences, corpus_file, max_vocab_size=None):
        """:func:`fastw2v.corpus.scan` with the model's settings. A one-shot iterator
        (``iter(it) is it``, such as a generator) whose scan ended by an exception or
        Ctrl-C is remembered and refused from then on: what is left of it is not the
        corpus. A re-iterable is simply read again."""
        if sentences is not None and sentences is self._interrupted_iterator:
            raise ValueError(
                f"sentences {sentences!r} is an iterator that an interrupted scan already "
                f"partly consumed: what is left of it is not the corpus; give the texts "
                f"again (a new iterator, or a re-iterable such as a list or LineSentence)")
        try:
            return scan(sentences, corpus_file, max_vocab_size, self.encoding_errors,
                        None if self.max_corpus_ram is None else self.max_corpus_ram // 4,
                        self.tmp_dir)
        except BaseException:
            if sentences is not None and iter(sentences) is sentences:
                self._interrupted_iterator = sentences
            raise

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
            Or corpus_file is not valid UTF-8 (with encoding_errors='strict'; the message
            names the file and line), or is a corrupted compressed file.
        TypeError
            A text is a str or a token is not a str.
        OSError
            corpus_file is missing or unreadable, or the temporary file of a corpus beyond
            max_corpus_ram cannot be written in tmp_dir.
        RuntimeError
            The model is training or building its vocabulary already (another thread, or a
            callback of :meth:`train`).
        """
        with self._exclusive("build_vocab"):
            return self._build_vocab()

    def _build_vocab(self):
        if self.vocab is not None:
            raise ValueError(_BUILT_ALREADY)
        self._check_source(self._sentences, self._corpus_file, required=True)
        t0 = time.perf_counter()
        enc = self._scan(self._sentences, self._corpus_file, self.max_vocab_size)
        words, counts = enc.provisional_counts()
        if enc.n_words_total == 0:
            raise ValueError("the corpus is empty: it contains no words")
        alive = np.fromiter((w is not None for w in words), dtype=bool, count=len(words))
        order = final_order(counts, alive, self.min_count)
        if not alive.any():
            raise ValueError(
                f"max_vocab_size={self.max_vocab_size} pruned every word of the corpus while "
                f"it was scanned (whenever more than max_vocab_size distinct words are held, "
                f"the rarest are dropped): raise max_vocab_size or leave it None")
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
        RuntimeError
            The model is training or building its vocabulary already.
        """
        with self._exclusive("build_vocab_from_freq"):
            return self._build_vocab_from_freq(word_freq)

    def _build_vocab_from_freq(self, word_freq):
        if self.vocab is not None:
            raise ValueError(_BUILT_ALREADY)
        self._check_source(self._sentences, self._corpus_file, required=True)
        words = list(word_freq)
        bad = next((w for w in words if not isinstance(w, str)), None)
        if bad is not None:
            raise TypeError(f"word_freq keys must be str, got {type(bad).__name__} {bad!r}")
        counts = np.array([check_int(f"word_freq[{w!r}]", word_freq[w], 0) for w in words],
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
        """Whether skip-gram runs the batched kernel (see ``kernel``)."""
        if self.kernel == "auto":
            return bool(self.sg and not self.softmax)
        return self.kernel == "batched"

    def _encode_with_vocab(self, sentences, corpus_file):
        """Encodes new text with the existing vocabulary (unknown words dropped)."""
        self._check_source(sentences, corpus_file, required=True)
        enc = self._scan(sentences, corpus_file)
        words, _ = enc.provisional_counts()
        index = self.wv.key_to_index
        remap = np.fromiter((index.get(w, -1) for w in words), dtype=np.int32,
                            count=len(words))
        ids, offsets = enc.compact(remap)
        if len(ids) == 0:
            raise ValueError("none of the words of the new corpus is in the vocabulary")
        return EncodedCorpus.from_stream(ids, offsets)

    # ------------------------------------------------------------------ training

    def train(self, sentences=None, corpus_file=None, epochs=None, callbacks=()):
        """Trains the vectors, building the vocabulary first if needed.

        Parameters
        ----------
        sentences, corpus_file : optional
            New text to train on with the existing vocabulary (words not in it are skipped),
            e.g. to continue training a loaded model. By default the corpus given to the
            constructor is used.
        epochs : int, optional
            Overrides the model's epochs for this call.
        callbacks : list of fastw2v.Callback, optional
            Called with the model at the beginning and end of training and of every epoch
            (see :class:`fastw2v.Callback`). One of them may stop training after an epoch by
            setting ``model.stop_training = True``.

        Returns
        -------
        FastW2V
            self, so that ``model = FastW2V(sentences).train()`` works.

        Raises
        ------
        ValueError
            No corpus to train on, or bad epochs; the weights hold NaN or inf before
            training (the message names the array and row); the model's parts disagree
            (keys added to ``wv``, ``wv.vectors`` replaced by an array of another shape or
            dtype: see the message); the corpus was encoded with another vocabulary.
        FloatingPointError
            An epoch left NaN or inf in the weights (or the loss): training diverged, the
            learning rate is too high. The epoch is in ``history``; the weights are lost.
        RuntimeError
            The model is training or building its vocabulary already (in another thread,
            or this is a call from one of its callbacks).
        TypeError
            A callback is not a fastw2v.Callback.
        KeyboardInterrupt
            On Ctrl-C the threads stop at the end of their current chunk (well within a
            second), and the interruption is raised once every thread has finished and the
            interrupted epoch was recorded in ``history`` (``interrupted=True``, exactly the
            words trained) and a warning logged; a further Ctrl-C meanwhile does not cut
            that short. Any other exception while the threads start or run stops them the
            same way. The model stays consistent: it can be saved, queried and trained
            again. Catch it to go on: ``except KeyboardInterrupt: pass``.
        """
        with self._exclusive("train"):
            return self._train(sentences, corpus_file, epochs, callbacks)

    def _train(self, sentences, corpus_file, epochs, callbacks):
        epochs = self.epochs if epochs is None else check_int("epochs", epochs, 1)
        callbacks = _check_callbacks(callbacks)
        if sentences is not None or corpus_file is not None:
            if self.vocab is None:
                raise ValueError("build the vocabulary first (construct the model with the "
                                 "corpus); train(sentences) continues training")
            corpus = self._encode_with_vocab(sentences, corpus_file)
        else:
            if self.vocab is None:
                self._build_vocab()
            if self.corpus is None:
                raise ValueError("this model holds no corpus (it was loaded, or its corpus "
                                 "was set to None): pass sentences or corpus_file to train()")
            corpus = self.corpus
        self._check_parts()
        bad = self._nonfinite()
        if bad is not None:
            finite = np.isfinite(self._weights()[bad]).all(axis=1)
            rows = np.flatnonzero(~finite)
            word = f" (word {self.wv.index_to_key[rows[0]]!r})" if bad == "wv.vectors" else ""
            raise ValueError(f"{bad} holds NaN or infinite values before training, in "
                             f"{len(rows)} of its {len(finite)} rows, the first row "
                             f"{rows[0]}{word}: training would spread them; set those rows "
                             f"to finite values or rebuild the model")
        params = dict(window=self.window, negative=self.negative, hs=self.hs,
                      softmax=self.softmax, sg=self.sg, batched=self.batched,
                      cbow_mean=self.cbow_mean, shrink_windows=self.shrink_windows,
                      compute_loss=self.compute_loss, seed=self.seed, alpha=self.alpha,
                      min_alpha=self.min_alpha, epochs=epochs)
        bar = self._progress_bar(epochs * corpus.total_words)
        self.stop_training = False
        first = len(self.history)
        try:
            for cb in callbacks:
                cb.on_train_begin(self)
            for epoch in range(epochs):
                for cb in callbacks:
                    cb.on_epoch_begin(self)
                if self.stop_training:
                    break
                # Ctrl-C stops the runner; KeyboardInterrupt comes once the epoch is recorded
                with DeferredSigint() as sigint:
                    # a runner per epoch, on the arrays the model holds now (a callback may
                    # have replaced them), checked against the vocabulary and the corpus
                    self._check_parts()
                    runner = EpochRunner(self.wv.vectors, **self._outputs, vocab=self.vocab,
                                         corpus=corpus, params=params, workers=self.workers)
                    # one BLAS thread per worker: BLAS's own threads would oversubscribe the
                    # cores (OpenBLAS splits an sgemv over 10k+ elements, e.g. the softmax's)
                    with single_threaded_blas():
                        self._run_epoch(runner, epoch, epochs, corpus, bar, sigint)
                    self._check_diverged()
                for cb in callbacks:
                    cb.on_epoch_end(self)
                if self.stop_training:
                    break
            if self.stop_training:
                logger.info("training stopped by a callback after %d of %d epochs",
                            len(self.history) - first, epochs)
        finally:
            if bar is not None:
                bar.close()
            for cb in callbacks:
                cb.on_train_end(self)
        return self

    @contextlib.contextmanager
    def _exclusive(self, what):
        """Holds the model for one train() or build_vocab(): a second one at the same time
        (another thread, or a callback) would write the arrays the first one trains."""
        if not self._busy.acquire(blocking=False):
            raise RuntimeError(f"{what}() called while this model is training or building "
                               f"its vocabulary (in another thread, or from a callback of "
                               f"train()): one train() or build_vocab() at a time per model")
        try:
            yield
        finally:
            self._busy.release()

    def _check_parts(self):
        """Raises ValueError unless wv, the vocabulary and the output layers agree: the
        kernels would train other rows than wv holds, and save() would write a model that
        load() refuses. Called by train() and save()."""
        if self.vocab is None:
            return
        n, dim = len(self.vocab), self.vector_size
        if self.wv.index_to_key != self.vocab.words:
            raise ValueError(
                f"model.wv holds {len(self.wv)} keys, not the {n} words of the model's vocabulary "
                f"(keys added to model.wv by add_vectors or wv[key] = ... have no output-layer "
                f"rows and no counts, so the model can neither train nor be saved with them): "
                f"edit a copy instead, KeyedVectors(model.wv.vectors.copy(), "
                f"model.wv.index_to_key), or build a new model with the new words")
        for name, array in self._weights().items():
            shape = self._output_shapes(n).get(name, (n, dim))
            if (array.dtype != np.float32 or array.shape != shape
                    or not array.flags.c_contiguous):
                raise ValueError(
                    f"{name} must be a C-contiguous float32 array of shape {shape} to train "
                    f"and save this model, got {array.dtype} {array.shape}"
                    f"{'' if array.flags.c_contiguous else ' (not C-contiguous)'}: assign "
                    f"np.ascontiguousarray(..., dtype=np.float32) of that shape")

    def _weights(self):
        """The model's weight arrays by name: wv.vectors and the output layers."""
        return {"wv.vectors": self.wv.vectors, **self._outputs}

    def _nonfinite(self):
        """Name of the first weight array holding NaN or inf, or None. A float64 sum of
        float32 values is finite exactly when all of them are (it cannot overflow), and
        costs about a millisecond per million values."""
        with np.errstate(invalid="ignore", over="ignore"):  # inf - inf: no RuntimeWarning
            return next((name for name, array in self._weights().items()
                         if not np.isfinite(np.sum(array, dtype=np.float64))), None)

    def _check_diverged(self):
        """Raises FloatingPointError after an epoch that left NaN or inf in the weights or
        the loss (the kernels go on with them: sigmoid(NaN) is 0)."""
        rec = self.history[-1]
        bad = self._nonfinite()
        if bad is None and self.compute_loss and not np.isfinite(rec["loss"]):
            bad = "the loss"
        if bad is not None:
            raise FloatingPointError(
                f"training diverged in epoch {rec['epoch']} (alpha {rec['alpha_start']:.6g} "
                f"-> {rec['alpha_end']:.6g}): {bad} became NaN or infinite; lower alpha "
                f"(now {self.alpha:g}) and train a newly built or loaded model: these "
                f"weights are lost")

    def _progress_bar(self, total):
        if not self.progress:
            return None
        from tqdm.auto import tqdm
        return tqdm(total=total, unit="word", unit_scale=True, desc="training")

    def _run_epoch(self, runner, epoch, epochs, corpus, bar, sigint):
        runner.start_epoch(epoch)
        sigint.when_caught(runner.stop)
        alpha_start = runner.current_alpha
        workers = [_Worker(runner, i) for i in range(self.workers)]
        t0 = time.perf_counter()
        shown = 0
        failed = False
        try:
            self.wv._clear_norms()  # a query meanwhile caches nothing computed before
            for w in workers:
                w.thread.start()
            for w in workers:
                while not w.finished.wait(0.2):
                    shown = _show_progress(bar, runner, epoch, epochs, shown)
                    corpus.evict()
            _show_progress(bar, runner, epoch, epochs, shown)
        except BaseException:  # a thread that failed to start, MemoryError, Ctrl-C ...
            failed = True
            runner.stop()
            for w in workers:
                w.cancel_and_wait()
            raise
        finally:
            interrupted = failed or sigint.caught
            corpus.evict()
            self.wv._clear_norms()
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
                    f", loss {rec['loss']:.6g} ({rec['loss_per_example']:.5f} per example)"
                    if self.compute_loss else "")

    # ------------------------------------------------------------------ persistence

    def save(self, path):
        """Saves the whole model (parameters, vocabulary, both layers, history) to the
        file ``path`` in the native format: one uncompressed zip of ``.npy`` arrays and
        JSON, no pickle (see :mod:`fastw2v.formats.native`). The encoded corpus is not saved.

        The file is written atomically: at every instant ``path`` holds the previous file
        or the complete new model, and a failed or interrupted save leaves nothing behind.

        Parameters
        ----------
        path : str or os.PathLike
            The file to create or replace (``"word2vec.model"``).

        Raises
        ------
        ValueError
            The model has no vocabulary yet, or its parts disagree (see :meth:`train`):
            nothing is written then.
        IsADirectoryError
            ``path`` is a directory (such as a model saved by an earlier fastw2v, in
            format version 1); it is left as it is.
        OSError
            The file cannot be written (the message names it; the previous file is intact).
        """
        self._check_parts()
        if self.wv is None:
            raise ValueError("nothing to save: build the vocabulary or train first")
        meta = dict(kind="FastW2V", params={p: getattr(self, p) for p in _PARAMS},
                    index_to_key=self.wv.index_to_key, history=self.history)
        save_arrays(path, meta, dict(vectors=self.wv.vectors, counts=self.wv.counts,
                                     **self._outputs))

    @classmethod
    def load(cls, path):
        """Loads a model written by :meth:`save` (a model file, or the model directory of
        an earlier fastw2v); it can be queried and trained further.

        Parameters
        ----------
        path : str or os.PathLike
            The saved file (or directory).

        Returns
        -------
        FastW2V

        Raises
        ------
        OSError
            ``path`` is missing or cannot be read.
        ValueError
            ``path`` is not a saved FastW2V model, or is truncated or corrupted (the
            message names the file and what is wrong).
        """
        meta, arrays = load_arrays(path)
        words, vectors, counts = word_vectors_of(path, meta, arrays)
        for name in arrays.keys() - {"vectors", "counts"}:  # the output layers
            check_array(path, name, arrays[name], "f", 2)
        try:
            if meta.get("kind") != "FastW2V":
                raise ValueError("it holds vectors only; use KeyedVectors.load")
            history = meta.get("history", [])
            if not isinstance(history, list) or not all(isinstance(r, dict) for r in history):
                raise ValueError(f"history must be a list of epoch records (objects), got "
                                 f"{str(history)[:80]}")
            model = cls(**meta["params"])
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
            model.history = history
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(f"{os.fspath(path)!r} is not a valid FastW2V model: {e}") from None
        return model
