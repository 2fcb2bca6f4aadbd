"""Callbacks: code of yours that :meth:`FastW2V.train` runs around every epoch.

Subclass :class:`Callback`, override the hooks you need, and pass instances to
``model.train(callbacks=[...])``. Any object with one or more of the hooks works too (a
gensim ``CallbackAny2Vec`` subclass as it is); a hook it lacks is not called. Each hook
receives the model: between epochs it is consistent (the threads are joined), so a hook may
query ``model.wv``, save the model, or read and extend ``model.history[-1]``, the record of
the epoch that just ended.

To stop training early, set ``model.stop_training = True`` in a hook: training ends after
the current epoch (set in ``on_train_begin`` or ``on_epoch_begin``, no further epoch runs),
and ``on_train_end`` is still called. For example, to stop when the loss per example no
longer falls by 1%::

    class StopWhenFlat(Callback):
        def on_epoch_end(self, model):
            losses = [r["loss_per_example"] for r in model.history]
            if len(losses) > 1 and losses[-1] > 0.99 * losses[-2]:
                model.stop_training = True

    FastW2V(corpus_file="text.gz", compute_loss=True, epochs=50).train(
        callbacks=[StopWhenFlat()])
"""
import logging
import os

from ._checks import check_int

logger = logging.getLogger("fastw2v")


class Callback:
    """Base class of training callbacks: every hook does nothing.

    ``on_epoch_end`` is not called for an epoch interrupted by Ctrl-C; ``on_train_end`` is
    always called once training stops, also when it stops by an exception (such as
    KeyboardInterrupt), so that a callback can release what it holds.
    """

    def on_train_begin(self, model):
        """Before the first epoch of a :meth:`FastW2V.train` call."""

    def on_epoch_begin(self, model):
        """Before every epoch."""

    def on_epoch_end(self, model):
        """After every epoch completed; ``model.history[-1]`` is its record."""

    def on_train_end(self, model):
        """After training, however it ended."""


#: The hooks a callback may have, in the order training calls them: gensim's names, so that a
#: ``gensim.models.callbacks.CallbackAny2Vec`` subclass works as it is.
HOOKS = ("on_train_begin", "on_epoch_begin", "on_epoch_end", "on_train_end")


def check_callbacks(callbacks):
    """Checks the ``callbacks`` argument of :meth:`FastW2V.train`.

    A callback is a :class:`Callback`, or any object with one or more of its hooks
    (:data:`HOOKS`), such as a gensim ``CallbackAny2Vec`` subclass: a hook it lacks is not
    called.

    Parameters
    ----------
    callbacks : iterable of Callback or of objects with its hooks, or None

    Returns
    -------
    list

    Raises
    ------
    TypeError
        One is a class, has none of the hooks, or has a hook that is not callable (the
        message gives its index).
    """
    callbacks = list(callbacks or ())
    for i, cb in enumerate(callbacks):
        if isinstance(cb, type):
            raise TypeError(f"callbacks[{i}] is the class {cb.__name__}: give an instance of "
                            f"it, {cb.__name__}()")
        hooks = [h for h in HOOKS if hasattr(cb, h)]
        if not hooks:
            raise TypeError(f"callbacks[{i}] must be a fastw2v.Callback or an object with one "
                            f"or more of the methods {', '.join(HOOKS)} (such as a gensim "
                            f"CallbackAny2Vec), got {type(cb).__name__}: subclass "
                            f"fastw2v.Callback and override its on_... methods")
        for h in hooks:
            if not callable(getattr(cb, h)):
                raise TypeError(f"callbacks[{i}].{h} must be a method, got "
                                f"{type(getattr(cb, h)).__name__}")
    return callbacks


def call_hook(callbacks, hook, model):
    """Calls ``hook`` (one of :data:`HOOKS`) of every callback that has it, with ``model``."""
    for cb in callbacks:
        method = getattr(cb, hook, None)
        if method is not None:
            method(model)


class Checkpoint(Callback):
    """Saves the model (:meth:`FastW2V.save`) every ``every`` epochs.

    Parameters
    ----------
    path : str or os.PathLike
        The model file. A ``{epoch}`` in it is replaced by the epoch number, to keep
        every checkpoint (``"ckpt/epoch{epoch:02d}.model"``); otherwise each checkpoint
        replaces the previous one. Saving is atomic
        (:func:`fastw2v._compression.atomic_output`): at every instant the file holds the
        previous checkpoint or the complete new one, and a failed or interrupted save (disk
        full, Ctrl-C, kill) leaves nothing behind.
    every : int
        Epochs between checkpoints.

    Attributes
    ----------
    saved : list of str
        The files written, in order.

    Raises
    ------
    ValueError
        ``every`` is not an int >= 1, or ``path`` holds another ``{...}`` field than epoch.
    FileNotFoundError
        The directory that would hold the checkpoints does not exist.
    """

    def __init__(self, path, every=1):
        self.path = os.fspath(path)
        self.every = check_int("every", every, 1)
        try:
            parent = os.path.dirname(os.path.abspath(self.path.format(epoch=0)))
        except (KeyError, IndexError, ValueError) as e:
            raise ValueError(f"path {self.path!r} may hold only an {{epoch}} field: {e!r}") \
                from None
        if not os.path.isdir(parent):
            raise FileNotFoundError(f"path {self.path!r}: directory {parent!r} does not exist")
        self.saved = []

    def on_epoch_end(self, model):
        epoch = model.history[-1]["epoch"]
        if epoch % self.every == 0:
            path = self.path.format(epoch=epoch)
            model.save(path)
            self.saved.append(path)
            logger.info("checkpoint after epoch %d: %s", epoch, path)


class Evaluate(Callback):
    """Scores the vectors after every ``every`` epochs on word analogies and/or word pairs,
    and records the scores in the epoch's ``model.history`` record.

    Keys added: ``analogy_accuracy`` (fraction of the analogy questions answered, see
    :meth:`KeyedVectors.evaluate_word_analogies`) and ``word_pairs_spearman`` (Spearman
    correlation with the human scores, see :meth:`KeyedVectors.evaluate_word_pairs`).

    Parameters
    ----------
    analogies : str or os.PathLike, optional
        An analogy file such as ``questions-words.txt``.
    word_pairs : str or os.PathLike, optional
        A word-pair file such as WordSim-353 (tab-separated ``word1 word2 score``).
    restrict_vocab : int
        The most frequent words considered by the analogies (and the pairs).
    every : int
        Epochs between evaluations.

    Raises
    ------
    ValueError
        Neither file given, or ``every`` or ``restrict_vocab`` is not an int >= 1.
    FileNotFoundError
        A file does not exist.
    """

    def __init__(self, analogies=None, word_pairs=None, restrict_vocab=30000, every=1):
        if analogies is None and word_pairs is None:
            raise ValueError("give analogies or word_pairs (or both) to evaluate")
        for name, path in (("analogies", analogies), ("word_pairs", word_pairs)):
            if path is not None and not os.path.isfile(path):
                raise FileNotFoundError(f"{name} file {os.fspath(path)!r} does not exist")
        self.analogies, self.word_pairs = analogies, word_pairs
        self.restrict_vocab = check_int("restrict_vocab", restrict_vocab, 1)
        self.every = check_int("every", every, 1)

    def scores(self, wv):
        """Scores vectors on the callback's files.

        Parameters
        ----------
        wv : KeyedVectors

        Returns
        -------
        dict
            ``analogy_accuracy`` and/or ``word_pairs_spearman``, as recorded in the history.

        Raises
        ------
        ValueError
            A file holds no usable question or pair (see the KeyedVectors methods).
        """
        out = {}
        if self.analogies is not None:
            out["analogy_accuracy"] = wv.evaluate_word_analogies(
                self.analogies, restrict_vocab=self.restrict_vocab)[0]
        if self.word_pairs is not None:
            out["word_pairs_spearman"] = float(wv.evaluate_word_pairs(
                self.word_pairs, restrict_vocab=self.restrict_vocab)[1][0])
        return out

    def on_epoch_end(self, model):
        rec = model.history[-1]
        if rec["epoch"] % self.every == 0:
            scores = self.scores(model.wv)
            rec.update(scores)
            logger.info("epoch %d: %s", rec["epoch"],
                        ", ".join(f"{k} {v:.4f}" for k, v in scores.items()))
