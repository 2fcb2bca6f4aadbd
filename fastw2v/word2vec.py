"""The FastW2V facade: construct, build the vocabulary, train (the epoch loop is in
:mod:`fastw2v._epochs`, the settings in :mod:`fastw2v._params`), save and load."""
import contextlib
import logging
import os
import threading

import numpy as np

from ._checks import check_int
from ._epochs import run_epochs
from ._gensim_convert import (
    is_gensim_file,
    load_model,
    model_from_gensim,
    model_to_gensim,
)
from ._layers import OUTPUT_LAYERS
from ._lockf import per_key_factors, saved_factors
from ._params import TrainingParams, check_decay, check_names, signature, with_settings
from ._train import EpochRunner
from ._vocab_build import VocabBuilding
from .callbacks import check_callbacks
from .corpus import scan
from .formats.native import check_array, load_arrays, lock_factors_of, save_arrays, word_vectors_of
from .keyedvectors import KeyedVectors
from .readers import corpus_files

logger = logging.getLogger("fastw2v")

def _learning_rates(start_alpha, end_alpha):
    """The kernel's alpha and min_alpha for one train() call, checked."""
    start, end = check_decay("start_alpha", start_alpha, "end_alpha", end_alpha)
    return dict(alpha=start, min_alpha=end)


_SIGNATURE = signature("sentences", "corpus_file")
_TREE = ("codes", "points", "path_offsets")  # the Huffman paths an hs model's file keeps


@with_settings
class FastW2V(VocabBuilding):
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
        Words occurring fewer times are dropped (0 keeps every word).
    max_vocab_size : int, optional
        Bound on the distinct words held while scanning: after a text that leaves more, the
        rarest are pruned as gensim prunes them (the same words survive).
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
        path and/or one shared set of noise words, as a small dense problem of three row
        products (Ji et al. 2016, "HogBatch"): several times fewer calls and cache misses,
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
    max_final_vocab : int, optional
        Raise min_count (gensim's rule) until at most this many words are kept.
    trim_rule : callable, optional
        gensim's ``trim_rule(word, count, min_count)``, returning ``fastw2v.RULE_DISCARD``,
        ``RULE_KEEP`` or ``RULE_DEFAULT`` (count >= min_count decides), applied when the
        scan prunes (max_vocab_size) and when the vocabulary is chosen. Not saved.
    null_word : {0, 1}
        Add gensim's null word ``'\\0'`` (count 1, in no text) to the vocabulary.
    sorted_vocab : {0, 1}
        1: words by descending count, ties in reverse order of first appearance (gensim's
        order); 0: in order of first appearance.

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
    corpus_count, corpus_total_words : int
        The texts of the last vocabulary scan as gensim counts them and its words, the
        dropped ones included (see :meth:`build_vocab`).
    effective_min_count : int
        The min_count applied, max_final_vocab's rule included.
    raw_vocab : dict
        With ``build_vocab(keep_raw_vocab=True)``: the count of every word scanned and not
        pruned.
    corpus : EncodedCorpus or None
        The encoded text, kept so that :meth:`train` can run again; set it to None to free
        its memory (or temporary file).
    stop_training : bool
        Set it to True in a callback to end training at the end of the current epoch.
    vector_size, window, ..., tmp_dir
        Every parameter above but the corpus; assigning one (``model.epochs = 10``) checks
        it as the constructor does, and the next :meth:`train` uses it.

    Raises
    ------
    ValueError
        A parameter is out of range, or both / neither of sentences and corpus_file are given
        when the vocabulary is built.
    TypeError
        corpus_file is not a path or a list of paths, or a parameter name is unknown.
    FileNotFoundError, PermissionError, NotADirectoryError
        A corpus file or tmp_dir is missing or unreadable, or tmp_dir is not a directory.
    """

    def __init__(self, *args, **kwargs):
        check_names(type(self).__name__, kwargs, _SIGNATURE.parameters)
        bound = _SIGNATURE.bind(self, *args, **kwargs).arguments
        del bound["self"]
        sentences, corpus_file = bound.pop("sentences", None), bound.pop("corpus_file", None)
        self._params = TrainingParams(**bound)
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

    __init__.__signature__ = _SIGNATURE

    @staticmethod
    def _check_source(sentences, corpus_file, required):
        if sentences is not None and corpus_file is not None:
            raise ValueError("give either sentences or corpus_file, not both")
        if required and sentences is None and corpus_file is None:
            raise ValueError("no corpus: give sentences or corpus_file")
        if isinstance(sentences, (str, bytes)):
            raise TypeError("sentences must be an iterable of lists of str tokens, got a "
                            f"{type(sentences).__name__}; for a file use corpus_file=")

    def _scan(self, sentences, corpus_file, max_vocab_size=None, trim_rule=None):
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
                        self.tmp_dir, trim_rule)
        except BaseException:
            if sentences is not None and iter(sentences) is sentences:
                self._interrupted_iterator = sentences
            raise

    # ------------------------------------------------------------------ vocabulary

    @property
    def batched(self):
        """Whether skip-gram runs the batched kernel (see ``kernel``)."""
        return self._params.batched

    # ------------------------------------------------------------------ training

    def train(self, sentences=None, corpus_file=None, epochs=None, callbacks=(),
              start_alpha=None, end_alpha=None):
        """Trains the vectors, building the vocabulary first if needed.

        Parameters
        ----------
        sentences, corpus_file : optional
            New text to train on with the existing vocabulary (words not in it are skipped),
            e.g. to continue training a loaded model. By default the corpus given to the
            constructor is used.
        epochs : int, optional
            Overrides the model's epochs for this call.
        callbacks : list of fastw2v.Callback or gensim-style callbacks, optional
            Called with the model at the beginning and end of training and of every epoch
            (see :class:`fastw2v.Callback`; any object with some of its on_train_begin,
            on_epoch_begin, on_epoch_end, on_train_end methods works too, such as a gensim
            ``CallbackAny2Vec``). One of them may stop training after an epoch by setting
            ``model.stop_training = True``.
        start_alpha, end_alpha : float, optional
            The learning rate of this call decays linearly from start_alpha (default: alpha)
            to end_alpha (default: min_alpha) over its epochs (finite, start_alpha > 0,
            0 <= end_alpha <= start_alpha); the model's settings stay. A loop of
            ``train(epochs=1, start_alpha=a[k], end_alpha=a[k + 1])`` decays once overall.
            Each call's random draws go on from the epochs trained before (``history``).

        Returns
        -------
        FastW2V
            self, so that ``model = FastW2V(sentences).train()`` works.

        Raises
        ------
        ValueError
            No corpus to train on, or bad epochs, start_alpha or end_alpha; the weights
            hold NaN or inf before training (the message names the array and row); the
            model's parts disagree
            (keys added to ``wv``, ``wv.vectors`` replaced by an array of another shape or
            dtype: see the message); the corpus was encoded with another vocabulary.
        FloatingPointError
            An epoch left NaN or inf in the weights (or the loss): training diverged, the
            learning rate is too high. The epoch is in ``history``; the weights are lost.
        RuntimeError
            The model is training or building its vocabulary already (in another thread,
            or this is a call from one of its callbacks).
        TypeError
            A callback is neither a fastw2v.Callback nor an object with one of its methods.
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
            return self._train(sentences, corpus_file, epochs, callbacks, start_alpha,
                               end_alpha)

    def _train(self, sentences, corpus_file, epochs, callbacks, start_alpha, end_alpha):
        epochs = self.epochs if epochs is None else check_int("epochs", epochs, 1)
        rates = _learning_rates(self.alpha if start_alpha is None else start_alpha,
                                self.min_alpha if end_alpha is None else end_alpha)
        callbacks = check_callbacks(callbacks)
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
        read_only = next((name for name, array in self._weights().items()
                          if not array.flags.writeable), None)
        if read_only is not None:
            raise ValueError(f"{read_only} is read-only (a model loaded with mmap='r'), and "
                             f"training writes it: load with mmap='c' (copy-on-write) or "
                             f"without mmap to train")
        bad = self._nonfinite()
        if bad is not None:
            finite = np.isfinite(self._weights()[bad]).all(axis=1)
            rows = np.flatnonzero(~finite)
            word = f" (word {self.wv.index_to_key[rows[0]]!r})" if bad == "wv.vectors" else ""
            raise ValueError(f"{bad} holds NaN or infinite values before training, in "
                             f"{len(rows)} of its {len(finite)} rows, the first row "
                             f"{rows[0]}{word}: training would spread them; set those rows "
                             f"to finite values or rebuild the model")
        self._first_epoch = len(self.history)
        run_epochs(self, corpus, dict(self._params.kernel_params(epochs), **rates), callbacks)
        return self

    def _new_runner(self, corpus, params):
        """An EpochRunner over the arrays the model holds now, checked against the
        vocabulary and the corpus."""
        self._check_parts()
        return EpochRunner(self.wv.vectors, **self._outputs, vocab=self.vocab, corpus=corpus,
                           params=params, workers=self.workers, first_epoch=self._first_epoch,
                           lockf=per_key_factors(self.wv))

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
            shape = self._params.output_shapes(n).get(name, (n, dim))
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

    # ------------------------------------------------------------------ persistence

    def save(self, path):
        """Saves the whole model (parameters, vocabulary, both layers, history; with
        hierarchical softmax the Huffman paths its syn1 belongs to, which for a model of
        gensim's may differ from the tree fastw2v builds of the counts) to the
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
        meta = dict(kind="FastW2V", params=self._params.saved(),
                    index_to_key=self.wv.index_to_key, history=self.history)
        tree = {f"hs_{name}": getattr(self.vocab, name) for name in _TREE} if self.hs else {}
        save_arrays(path, meta, dict(vectors=self.wv.vectors, counts=self.wv.counts,
                                     **self._outputs, **saved_factors(self.wv), **tree))

    @classmethod
    def load(cls, path, mmap=None):
        """Loads a model written by :meth:`save` (a model file, or the model directory of
        an earlier fastw2v), or a Word2Vec model saved by gensim 0.13 to 4.x (with the
        ``.npy`` files beside it), read without executing anything from the file (see
        :mod:`fastw2v.formats.gensim`): its vectors, counts, output layers, Huffman tree
        and settings. It can be queried and trained further.

        Parameters
        ----------
        path : str or os.PathLike
            The saved file (or directory).
        mmap : {None, 'r', 'r+', 'c'}, optional
            Memory-map the weight arrays from the file instead of reading them (see
            :func:`fastw2v.formats.native.load_arrays`): ``'r'`` read-only (such a model
            can be queried, not trained), ``'c'`` copy-on-write (trained in memory, the file
            unchanged), ``'r+'`` training writes through to the file.

        Returns
        -------
        FastW2V

        Raises
        ------
        OSError
            ``path`` is missing or cannot be read.
        TypeError
            ``mmap`` is neither None nor a str (an ArgumentTypeError, also a ValueError).
        ValueError
            ``mmap`` is not one of the modes, or ``path`` is not a saved FastW2V model, or
            is truncated or corrupted (the message names the file and what is wrong); for
            a gensim file also if its pickle names a global outside the few fastw2v
            resolves (:class:`fastw2v.formats.gensim.UnsafePickleError`, naming it), or
            its parts disagree.
        """
        if is_gensim_file(path):
            return load_model(cls, path, mmap)
        meta, arrays = load_arrays(path, mmap=mmap)
        words, vectors, counts = word_vectors_of(path, meta, arrays)
        for layer in OUTPUT_LAYERS:
            if layer.array in arrays:
                check_array(path, layer.array, arrays[layer.array], "f", 2)
        try:
            if meta.get("kind") != "FastW2V":
                raise ValueError("it holds vectors only; use KeyedVectors.load")
            history = meta.get("history", [])
            if not isinstance(history, list) or not all(isinstance(r, dict) for r in history):
                raise ValueError(f"history must be a list of epoch records (objects), got "
                                 f"{str(history)[:80]}")
            model = cls()
            model._params = TrainingParams.from_saved(meta["params"])
            n = len(words)
            outputs = model._params.output_shapes(n)
            expected = dict(vectors=(n, model.vector_size), counts=(n,), **outputs)
            for name, shape in expected.items():
                if arrays[name].shape != shape:
                    raise ValueError(f"{name} has shape {arrays[name].shape}, expected {shape}")
            tree = [arrays[f"hs_{name}"] for name in _TREE] if "hs_codes" in arrays else None
            model.vocab = model._new_vocab(words, counts, tree)  # syn1's (perhaps gensim's)
            model.wv = KeyedVectors(np.ascontiguousarray(vectors, dtype=np.float32), words,
                                    np.asarray(counts, dtype=np.int64))
            model._outputs = {name: np.ascontiguousarray(arrays[name], dtype=np.float32)
                              for name in outputs}
            model.history = history
            model.wv.vectors_lockf = lock_factors_of(path, arrays, n)
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(f"{os.fspath(path)!r} is not a valid FastW2V model: {e}") from None
        return model

    @classmethod
    def from_gensim(cls, model):
        """The model (of this class: FastW2V or Word2Vec) of a gensim ``Word2Vec``: its
        settings, vectors, counts, output layers and Huffman tree, sharing ``wv.vectors``,
        ``syn1neg`` and ``syn1`` (without its unused last row) when they are C-contiguous
        float32.

        Parameters
        ----------
        model : gensim.models.Word2Vec

        Returns
        -------
        FastW2V or Word2Vec

        Raises
        ------
        ValueError
            If it is no gensim Word2Vec, or its parts disagree.
        """
        return model_from_gensim(cls, model)

    def to_gensim(self):
        """A gensim ``Word2Vec`` of this model, which gensim can train further: the
        settings, the vectors and ``syn1neg`` shared, ``syn1`` copied (gensim's has an
        extra row), the Huffman tree and the sub-sampling thresholds.

        Returns
        -------
        gensim.models.Word2Vec

        Raises
        ------
        ImportError
            If gensim is not installed.
        ValueError
            If the model has no vocabulary yet, or trains the full softmax (gensim has
            none).
        """
        return model_to_gensim(self)
