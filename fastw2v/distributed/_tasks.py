"""The tasks run on the workers. Each copy's state (its model, encoded shard and the base:
the weights as last merged) lives in a registry on its worker, keyed by the run's id; the
tasks pass only row blocks and small records, worker to worker."""
import contextlib
import glob
import os
import tempfile
import time

import numpy as np
from distributed import get_worker

from .._scan import Encoder
from ..corpus import EncodedCorpus, encode
from ..readers import MAX_TEXT_WORDS, read_ahead
from ..word2vec import FastW2V
from ._plan import merged, period_corpus, period_seed, shard_blocks


def _registry():
    worker = get_worker()
    if not hasattr(worker, "fastw2v_runs"):
        worker.fastw2v_runs = {}
    return worker.fastw2v_runs


class NoState(RuntimeError):
    """The worker holds no state of the run: it was restarted."""


def _state(run):
    try:
        return _registry()[run]
    except KeyError:
        raise NoState(f"run {run} has no state on worker {get_worker().address}: the "
                      f"worker was restarted") from None


def _shard_file(run, rank, tmp_dir):
    """Where a copy's encoded shard is kept on its host's disk, for a restart."""
    return os.path.join(tmp_dir or tempfile.gettempdir(), f"fastw2v-{run}-{rank}.npz")


def _scanned(shard, settings):
    ram = settings.get("max_corpus_ram", 1 << 30)
    enc = Encoder(MAX_TEXT_WORDS, None, None if ram is None else ram // 4,
                  settings.get("tmp_dir"), None)
    for block in read_ahead(shard_blocks(shard, settings.get("encoding_errors", "strict"))):
        enc.add_block(block)
    return enc


def _encoded(enc, words):
    """The scan's shard remapped to the final vocabulary ``words``."""
    index = {w: i for i, w in enumerate(words)}
    mine = enc.provisional_counts()[0]
    return encode(enc, np.fromiter((index.get(w, -1) for w in mine), dtype=np.int32,
                                   count=len(mine)))


def scan(run, shard, settings):
    """Scans the copy's shard once (count and encode); returns its words and counts."""
    enc = _scanned(shard, settings)
    _registry()[run] = dict(enc=enc)
    words, counts = enc.provisional_counts()
    return list(words), np.asarray(counts, dtype=np.int64), enc.n_given, enc.n_words_total


def merge_counts(a, b):
    """The counts of two scans, the words in order of first appearance (a's shards come
    first in the corpus)."""
    words, counts, given, total = list(a[0]), a[1], a[2] + b[2], a[3] + b[3]
    index = {w: i for i, w in enumerate(words)}
    at = np.fromiter((index.get(w, -1) for w in b[0]), dtype=np.int64, count=len(b[0]))
    new = at < 0
    at[new] = len(words) + np.arange(int(new.sum()))
    words += [w for w, n in zip(b[0], new.tolist()) if n]
    out = np.zeros(len(words), dtype=np.int64)
    out[:len(counts)] = counts
    np.add.at(out, at, b[1])
    return words, out, given, total


def choose(counts, settings):
    """gensim's rules applied once to the merged counts (the single-process code)."""
    words, counts, given, total = counts
    model = FastW2V(**settings)
    if total == 0:
        raise ValueError("the corpus is empty: it contains no words")
    keep = model._keep(words, counts, np.ones(len(words), dtype=bool), False)
    if not keep.any():
        raise ValueError(f"no word is kept by {model._rules()}: lower min_count")
    new_words, new_counts, _ = model._chosen(words, counts, keep, False)
    return list(new_words), new_counts, model.effective_min_count, given, total


def _install(run, model, corpus, seed, sync_per_epoch):
    _registry()[run] = dict(model=model, corpus=corpus, seed=seed, sync=sync_per_epoch,
                            base=[a.copy() for a in model._weights().values()])


def setup(run, rank, vocab, settings, seed, sync_per_epoch, keep_shard):
    """Builds the copy: the vocabulary and its tables, the initial weights (the same on
    every copy: they come from the seed), the shard remapped to the final ids (with
    ``keep_shard`` also written to the host's disk, for a restart)."""
    corpus = _encoded(_state(run).pop("enc"), vocab[0])
    if keep_shard:
        np.savez(_shard_file(run, rank, settings.get("tmp_dir")), ids=corpus.ids,
                 offsets=corpus.offsets)
    model = FastW2V(**settings)
    model._set_vocab(vocab[0], vocab[1], False)
    _install(run, model, corpus, seed, sync_per_epoch)
    return corpus.total_words


def restore(run, rank, checkpoint, shard, settings, seed, sync_per_epoch):
    """Rebuilds the copy from the checkpoint and its encoded shard (from the host's disk,
    or read again from the text when this host has no copy of it)."""
    model = FastW2V.load(checkpoint)
    model.workers = settings["workers"]
    path = _shard_file(run, rank, settings.get("tmp_dir"))
    if os.path.exists(path):
        with np.load(path) as f:
            corpus = EncodedCorpus.from_stream(f["ids"], f["offsets"])
    else:
        corpus = _encoded(_scanned(shard, settings), model.wv.index_to_key)
    _install(run, model, corpus, seed, sync_per_epoch)


def train_period(run, rank, period, start_alpha, end_alpha, *after):
    """Trains the copy over its texts of ``period`` (global, 0-based)."""
    state = _state(run)
    model = state["model"]
    part = period_corpus(state["corpus"], period % state["sync"], state["sync"])
    t0 = time.perf_counter()
    if part.total_words:
        model.seed = period_seed(state["seed"], rank, period)
        model.history = []
        model.corpus = part
        try:
            model.train(epochs=1, start_alpha=start_alpha, end_alpha=end_alpha)
        except FloatingPointError as e:
            raise FloatingPointError(f"copy {rank} (worker {get_worker().address}), "
                                     f"period {period}: {e}") from None
    return time.perf_counter() - t0, part.total_words


def delta(run, start, stop, dtype, *after):
    """The copy's change of rows start..stop - 1 since they were last merged."""
    state = _state(run)
    return tuple((w[start:stop] - b[start:stop]).astype(dtype)
                 for w, b in zip(state["model"]._weights().values(), state["base"]))


def reduce(run, start, stop, scale, *deltas):
    """The merged rows start..stop - 1 of every weight array (the deltas in rank order)."""
    base = _state(run)["base"]
    return tuple(merged(b[start:stop], [d[i].astype(np.float32) for d in deltas], scale)
                 for i, b in enumerate(base))


def apply(run, blocks, *merged_blocks):
    """Writes the merged blocks into the copy and its base."""
    state = _state(run)
    for (start, stop), arrays in zip(blocks, merged_blocks):
        for w, b, m in zip(state["model"]._weights().values(), state["base"], arrays):
            w[start:stop] = m
            b[start:stop] = m


def weights(run, *after):
    """The copy's weight arrays (after the last, full merge: the model's)."""
    return [np.asarray(a) for a in _state(run)["model"]._weights().values()]


def save(run, path, history, *after):
    """Checkpoints the copy (equal to the merged model at an epoch's end) with the run's
    epoch records, atomically."""
    model = _state(run)["model"]
    model.history = list(history)
    model.save(path)


def drop(run, tmp_dir, dask_worker):
    """Forgets the run's state on this worker, and the shards kept on its disk."""
    dask_worker.__dict__.get("fastw2v_runs", {}).pop(run, None)
    for path in glob.glob(_shard_file(run, "*", tmp_dir)):
        # workers of one machine share the directory: another one may have removed it
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
