"""The epoch loop of :meth:`fastw2v.FastW2V.train`: per epoch an ``EpochRunner`` run by the
worker threads (started, awaited, stopped), the progress bar, Ctrl-C deferred until the
epoch is recorded, the record in ``model.history``, the divergence check and the
callbacks."""
import logging
import threading
import time

import numpy as np

from ._system import DeferredSigint, single_threaded_blas
from .callbacks import call_hook

logger = logging.getLogger("fastw2v")


def run_epochs(model, corpus, params, callbacks):
    """Trains ``model`` over ``corpus`` (an EncodedCorpus) for ``params["epochs"]`` epochs,
    ``params`` being the kernel's mapping, with the checked ``callbacks``. Returns when the
    epochs are done or a callback stopped training; raises KeyboardInterrupt after the
    interrupted epoch is recorded, FloatingPointError after an epoch that diverged."""
    epochs = params["epochs"]
    bar = _progress_bar(model.progress, epochs * corpus.total_words)
    model.stop_training = False
    first = len(model.history)
    try:
        call_hook(callbacks, "on_train_begin", model)
        for epoch in range(epochs):
            call_hook(callbacks, "on_epoch_begin", model)
            if model.stop_training:
                break
            # Ctrl-C stops the runner; KeyboardInterrupt comes once the epoch is recorded
            with DeferredSigint() as sigint:
                # a runner per epoch, on the arrays the model holds now (a callback may have
                # replaced them), checked against the vocabulary and the corpus
                runner = model._new_runner(corpus, params)
                # one BLAS thread per worker: BLAS's own threads would oversubscribe the
                # cores (OpenBLAS splits an sgemv over 10k+ elements, e.g. the softmax's)
                with single_threaded_blas():
                    _run_epoch(model, runner, epoch, epochs, corpus, bar, sigint)
                _check_diverged(model)
            call_hook(callbacks, "on_epoch_end", model)
            if model.stop_training:
                break
        if model.stop_training:
            logger.info("training stopped by a callback after %d of %d epochs",
                        len(model.history) - first, epochs)
    finally:
        if bar is not None:
            bar.close()
        call_hook(callbacks, "on_train_end", model)


def _progress_bar(progress, total):
    if not progress:
        return None
    from tqdm.auto import tqdm
    return tqdm(total=total, unit="word", unit_scale=True, desc="training")


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


def _run_epoch(model, runner, epoch, epochs, corpus, bar, sigint):
    runner.start_epoch(epoch)
    sigint.when_caught(runner.stop)
    alpha_start = runner.current_alpha
    workers = [_Worker(runner, i) for i in range(model.workers)]
    t0 = time.perf_counter()
    shown = 0
    failed = False
    try:
        model.wv._clear_norms()  # a query meanwhile caches nothing computed before
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
        model.wv._clear_norms()
        _record_epoch(model, runner, epoch, time.perf_counter() - t0, alpha_start,
                      interrupted)
        if interrupted:
            logger.warning("training interrupted in epoch %d after %d of %d words",
                           epoch + 1, runner.words_done, corpus.total_words)


def _record_epoch(model, runner, epoch, seconds, alpha_start, interrupted):
    tallies = runner.tallies()
    rec = dict(epoch=epoch + 1, words=tallies["words"],
               effective_words=tallies["effective_words"], seconds=seconds,
               words_per_sec=tallies["words"] / seconds if seconds > 0 else 0.0,
               alpha_start=alpha_start, alpha_end=runner.current_alpha)
    if model.compute_loss:
        rec.update(loss=tallies["loss"], examples=tallies["examples"],
                   loss_per_example=tallies["loss"] / max(tallies["examples"], 1))
    if interrupted:
        rec["interrupted"] = True
    model.history.append(rec)
    logger.info("epoch %d: %d words (%d effective) in %.2f s, %.0f words/s, alpha "
                "%.5f -> %.5f%s", rec["epoch"], rec["words"], rec["effective_words"],
                seconds, rec["words_per_sec"], alpha_start, rec["alpha_end"],
                f", loss {rec['loss']:.6g} ({rec['loss_per_example']:.5f} per example)"
                if model.compute_loss else "")


def _check_diverged(model):
    """Raises FloatingPointError after an epoch that left NaN or inf in the weights or the
    loss (the kernels go on with them: sigmoid(NaN) is 0)."""
    rec = model.history[-1]
    bad = model._nonfinite()
    if bad is None and model.compute_loss and not np.isfinite(rec["loss"]):
        bad = "the loss"
    if bad is not None:
        raise FloatingPointError(
            f"training diverged in epoch {rec['epoch']} (alpha {rec['alpha_start']:.6g} "
            f"-> {rec['alpha_end']:.6g}): {bad} became NaN or infinite; lower alpha "
            f"(now {model.alpha:g}) and train a newly built or loaded model: these "
            f"weights are lost")
