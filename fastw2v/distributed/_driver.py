"""The client side of distributed training: it plans the shards, submits the tasks of
:mod:`._tasks` pinned to the copies' workers and holds only their futures."""
import logging
import time
import uuid

import numpy as np
from distributed import wait
from distributed.client import FutureCancelledError
from distributed.scheduler import KilledWorker

from .._checks import check_choice, check_float, check_int
from ..word2vec import FastW2V
from . import _tasks
from ._plan import plan_shards, row_blocks, tier_rows

logger = logging.getLogger("fastw2v")

_REFUSED = ("sentences", "max_vocab_size")
# what a task raises when its worker died under it (or was restarted: its state is gone)
_LOST = (KilledWorker, FutureCancelledError, _tasks.NoState)


def _auto_scale(parts):
    """merge_scale='auto': 1 + (P - 2) / 4 between 1 and 2 (P = 2: 1, P = 4: 1.5, P >= 6: 2),
    the values measured best at P = 2, 4 and 8 (docs/distributed.md); with _auto_step each
    copy's step is then at least twice one process's from P = 2 on."""
    return float(min(2.0, max(1.0, 1 + (parts - 2) / 4)))


def _auto_step(parts, merge_scale):
    """step_scale='auto': a row every copy changed moves as far per period as in one
    process, ``step_scale * merge_scale / P = 1`` (never below 1: summing needs no more)."""
    return max(1.0, parts / merge_scale)


def train(client, corpus_file, *, sync_per_epoch=16, hot_rows=4096, merge_scale="auto",
          step_scale="auto", delta_dtype="float32", checkpoint=None, timeout=600.0, max_restarts=3,
          **settings):
    """Trains a FastW2V model on a Dask cluster, one model copy per worker.

    Parameters
    ----------
    client : distributed.Client
        Every worker of its cluster holds one copy (P = the number of workers).
    corpus_file : path, directory, fsspec URL or a list of them
        Split into P shards balanced by size (plain files at line boundaries, compressed
        files whole); each worker reads its shard once, so the files must be readable by
        the workers under the same names (shared storage, or fsspec URLs).
    sync_per_epoch : int
        Periods per epoch: each copy trains 1/sync_per_epoch of its shard, then the copies
        merge.
    hot_rows : int
        At the k-th sync of an epoch the first ``hot_rows * 2**trailing_zeros(k)`` rows
        (the most frequent words) are merged, at the epoch's last sync every row.
    merge_scale : float or 'auto'
        A merged row is ``base + min(1, merge_scale / n) * sum of the copies' deltas``, n
        the copies that changed the row: rows changed by at most merge_scale copies get
        the sum of their changes, rows more copies changed merge_scale times the mean
        change; 'auto' is ``1 + (P - 2) / 4`` between 1 and 2 (P = 2: 1, the mean; P = 4:
        1.5; P >= 6: 2).
    step_scale : float or 'auto'
        Each copy trains with its learning rate (alpha .. min_alpha) multiplied by this;
        'auto' is ``max(1, P / merge_scale)``, so that a row every copy changed moves as
        far per period as in one process, a row fewer copies changed further (P = 2: 2;
        P = 4: 8 / 3; P = 8: 4).
    delta_dtype : {'float32', 'float16'}
        The type the deltas travel in (the merged rows travel in float32).
    checkpoint : str or os.PathLike, optional
        The merged model is saved there (atomically, by the first copy's worker) before
        training and at every epoch's end; every worker must be able to read it (shared
        storage). With it, a lost worker is replaced (a nanny restarts it, or a new one
        joins), every copy is rebuilt from the checkpoint and its encoded shard (kept on
        its host's disk in ``tmp_dir``; read again from the text on another host), and the
        epoch restarts: the result equals the uninterrupted run's.
    max_restarts : int
        Restarts from the checkpoint before a lost worker ends the run.
    timeout : float
        Seconds a phase (scan, period, sync) may take before TimeoutError: a lost or hung
        worker never blocks the client forever.
    **settings
        FastW2V's parameters (vector_size, sg, negative, epochs, alpha, seed, workers per
        copy, ...); ``max_vocab_size`` is not supported.

    Returns
    -------
    FastW2V
        An ordinary model (save, load, query, train further); ``history`` has one record
        per epoch with the seconds of compute and of sync and the bytes moved.

    Raises
    ------
    ValueError
        A bad parameter, a shard without text (fewer compressed files than workers), no
        word kept.
    FloatingPointError
        A copy or a merge diverged (the message names the copy and the period).
    TimeoutError
        A phase did not finish within ``timeout`` seconds.
    WorkerLost
        A copy's worker left the cluster (and there is no checkpoint, or max_restarts
        restarts were made); a RuntimeError.
    """
    for name in _REFUSED:
        if settings.get(name) is not None:
            raise ValueError(f"fastw2v.distributed.train does not support {name}="
                             f"{settings[name]!r}: give corpus_file and leave {name} None")
    sync = check_int("sync_per_epoch", sync_per_epoch, 1)
    hot = check_int("hot_rows", hot_rows, 1)
    dtype = check_choice("delta_dtype", delta_dtype, ("float32", "float16"))
    timeout = check_float("timeout", timeout, 0.0, True)
    max_restarts = check_int("max_restarts", max_restarts, 0)
    template = FastW2V(**settings)  # checks the settings
    addrs = sorted(_alive(client))
    parts = len(addrs)
    if parts == 0:
        raise ValueError("the client's cluster has no worker")
    scale = _auto_scale(parts) if merge_scale == "auto" else check_float(
        "merge_scale", merge_scale, 0.0, True)
    step = _auto_step(parts, scale) if step_scale == "auto" else check_float(
        "step_scale", step_scale, 0.0, True)
    shards = plan_shards(corpus_file, parts)
    empty = [r for r, s in enumerate(shards) if not s]
    if empty:
        raise ValueError(f"corpus_file gives {parts} workers too few pieces: shards {empty} "
                         f"are empty (compressed files are not split): use fewer workers "
                         f"or more (or plain) files")
    job = _Job(client, addrs, timeout, settings.get("tmp_dir"))
    settings = dict(settings, workers=template.workers)
    try:
        t0 = time.perf_counter()
        counts = job.settle([job.on(r, _tasks.scan, shards[r], settings)
                             for r in range(parts)], "the vocabulary scan")
        while len(counts) > 1:  # a tree of merges, in rank order
            counts = [client.submit(_tasks.merge_counts, *counts[i:i + 2], pure=False)
                      if i + 1 < len(counts) else counts[i] for i in range(0, len(counts), 2)]
        vocab = client.submit(_tasks.choose, counts[0], settings, pure=False)
        job.settle([job.on(r, _tasks.setup, r, vocab, settings, template.seed, sync,
                           checkpoint is not None) for r in range(parts)],
                   "building the copies")
        logger.info("distributed: %d copies, vocabulary and shards in %.2f s", parts,
                    time.perf_counter() - t0)
        words, counts_, effective_min_count, given, total = vocab.result()
        model = FastW2V(**settings)
        model._set_vocab(words, counts_, False)
        history = []
        if checkpoint is not None:
            job.settle([job.on(0, _tasks.save, str(checkpoint), history)], "the checkpoint")
        restarts = 0
        while True:
            try:
                if restarts:  # a loss while rebuilding is one more restart
                    job.settle([job.on(r, _tasks.restore, r, str(checkpoint), shards[r],
                                       settings, template.seed, sync) for r in range(parts)],
                               "rebuilding the copies from the checkpoint")
                _epochs(job, model, sync, hot, scale, step, dtype, checkpoint, history)
                break
            except WorkerLost as e:
                if checkpoint is None or restarts == max_restarts:
                    raise
                restarts += 1
                logger.warning("%s; restart %d of %d from the checkpoint of epoch %d",
                               e, restarts, max_restarts, len(history))
                job.replace_workers()
        final = job.settle([job.on(0, _tasks.weights)], "fetching the model")[0].result()
    finally:
        job.close()
    for array, values in zip(model._weights().values(), final):
        array[...] = values
    model.effective_min_count, model.corpus_count, model.corpus_total_words = (
        effective_min_count, given, total)
    model.history = history
    return model


class WorkerLost(RuntimeError):
    """A worker holding a copy left the cluster."""


def _alive(client):
    """The addresses of the cluster's workers, asked of the scheduler each time: not
    ``client.scheduler_info()``, whose answer the client's own periodic refresh (which asks
    for no workers) can overwrite before it is read, so that it lists none now and then."""
    return set(client.nthreads())


class _Job:
    """One run on the cluster: its id, the copies' workers (rank order), the timeout."""

    def __init__(self, client, addrs, timeout, tmp_dir):
        self.client, self.addrs, self.timeout, self.tmp_dir = client, list(addrs), timeout, tmp_dir
        self.run = uuid.uuid4().hex

    def on(self, rank, fn, *args):
        """Submits ``fn(run, *args)`` to copy ``rank``'s worker, and only there."""
        return self.client.submit(fn, self.run, *args, workers=[self.addrs[rank]], pure=False,
                                  allow_other_workers=False)

    def settle(self, futures, what):
        """Waits for ``futures``; raises a task's exception, WorkerLost as soon as a copy's
        worker left the cluster, TimeoutError after ``timeout`` seconds."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                wait(futures, timeout=min(0.5, max(deadline - time.monotonic(), 0.001)))
                break
            except TimeoutError:
                gone = set(self.addrs) - _alive(self.client)
                if gone:
                    raise WorkerLost(f"{what}: worker {sorted(gone)[0]} left the "
                                     f"cluster") from None
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"{what} did not finish within timeout="
                                       f"{self.timeout:g} s: a worker is lost or "
                                       f"hung") from None
        for f in futures:
            if f.status == "error" and isinstance(f.exception(), _LOST):
                raise WorkerLost(f"{what}: {f.exception()}")
            f.result()  # raises a task's exception here
        return futures

    def replace_workers(self):
        """The copies' workers again, a lost one replaced by a new one (a nanny restarts
        it), once the cluster has as many workers as copies."""
        try:
            self.client.wait_for_workers(len(self.addrs), timeout=self.timeout)
        except TimeoutError:
            raise TimeoutError(f"no replacement for a lost worker within timeout="
                               f"{self.timeout:g} s") from None
        alive = sorted(_alive(self.client))
        new = iter(a for a in alive if a not in self.addrs)
        self.addrs = [a if a in alive else next(new) for a in self.addrs]

    def close(self):
        """Drops the run's state and files on every worker."""
        self.client.run(_tasks.drop, self.run, self.tmp_dir)


def _values(model, rows):
    """The values in rows 0..rows - 1 of the model's weight arrays (the hs layer has one
    row fewer than the vocabulary; the layers not in use have none)."""
    return sum(min(rows, len(a)) * a.shape[1] for a in model._weights().values())


def _epochs(job, model, sync, hot, scale, step, dtype, checkpoint, history):
    """Trains the epochs after those in ``history`` (the records appended to it), period
    by period, merging after each."""
    parts, n_rows, epochs = len(job.addrs), len(model.vocab), model.epochs
    periods = epochs * sync
    alphas = (step * np.linspace(model.alpha, model.min_alpha, periods + 1)).tolist()
    full = 2 * (parts - 1) * _values(model, n_rows) * 4  # float32 ring all-reduces
    after = []
    for g in range(len(history) * sync, periods):
        if g % sync == 0:
            rec = dict(epoch=g // sync + 1, words=0, compute_seconds=0.0, sync_seconds=0.0,
                       bytes_moved=0, allreduce_bytes=0, rows_merged=0)
        t0 = time.perf_counter()
        trained = job.settle([job.on(r, _tasks.train_period, r, g, alphas[g], alphas[g + 1],
                                     *after) for r in range(parts)],
                             f"period {g + 1} of {periods}")
        stats = [f.result() for f in trained]
        rows = tier_rows(g % sync, sync, hot, n_rows)
        if parts > 1:
            blocks = row_blocks(rows, parts)
            deltas = [[job.on(r, _tasks.delta, a, b, dtype, trained[r]) for a, b in blocks]
                      for r in range(parts)]
            reduced = [job.on(o, _tasks.reduce, a, b, scale,
                              *[deltas[r][o] for r in range(parts)])
                       for o, (a, b) in enumerate(blocks)]
            after = job.settle([job.on(r, _tasks.apply, blocks, *reduced)
                                for r in range(parts)], f"the merge after period {g + 1}")
        else:
            after = trained  # one copy: nothing to merge
        # to each block's owner P - 1 deltas, from it P - 1 merged blocks (float32)
        rec["bytes_moved"] += (parts - 1) * _values(model, rows) * (np.dtype(dtype).itemsize + 4)
        rec["allreduce_bytes"] += full
        rec["rows_merged"] += rows
        rec["words"] += sum(s[1] for s in stats)
        compute = max(s[0] for s in stats)
        rec["compute_seconds"] += compute
        rec["sync_seconds"] += time.perf_counter() - t0 - compute
        if g % sync == sync - 1:
            rec["syncs"] = sync
            rec["bytes_fraction"] = rec["bytes_moved"] / rec["allreduce_bytes"] if full else 0.0
            history.append(rec)
            logger.info("distributed epoch %d: %d words, compute %.2f s, sync %.2f s, "
                        "%.3g MB moved (%.1f%% of all-reduces)", rec["epoch"], rec["words"],
                        rec["compute_seconds"], rec["sync_seconds"], rec["bytes_moved"] / 1e6,
                        100 * rec["bytes_fraction"])
            if checkpoint is not None:
                after = job.settle([job.on(0, _tasks.save, str(checkpoint), history, *after)],
                                   f"the checkpoint of epoch {rec['epoch']}") + after
