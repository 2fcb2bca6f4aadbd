"""The tasks run on the workers. Each copy's state (its model, encoded shard and the base:
the weights as last merged) lives in a registry on its worker, keyed by the run's id; the
tasks pass only row blocks and small records, worker to worker."""
import time

import numpy as np
from distributed import get_worker

from .._scan import Encoder
from ..corpus import encode
from ..readers import MAX_TEXT_WORDS, read_ahead
from ..word2vec import FastW2V
from ._plan import merged, period_corpus, period_seed, shard_blocks


def _registry():
    worker = get_worker()
    if not hasattr(worker, "fastw2v_runs"):
        worker.fastw2v_runs = {}
    return worker.fastw2v_runs


def _state(run):
    try:
        return _registry()[run]
    except KeyError:
        raise RuntimeError(f"run {run} has no state on worker {get_worker().address}: the "
                           f"worker was restarted") from None


def scan(run, shard, settings):
    """Scans copy's shard once (count and encode); returns its words and counts."""
    ram = settings.get("max_corpus_ram", 1 << 30)
    enc = Encoder(MAX_TEXT_WORDS, None, None if ram is None else ram // 4,
                  settings.get("tmp_dir"), None)
    for block in read_ahead(shard_blocks(shard, settings.get("encoding_errors", "strict"))):
        enc.add_block(block)
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


def setup(run, vocab, settings, seed, sync_per_epoch):
    """Builds the copy: the vocabulary and its tables, the initial weights (the same on
    every copy: they come from the seed), the shard remapped to the final ids."""
    state = _state(run)
    enc = state.pop("enc")
    words, counts = vocab[0], vocab[1]
    index = {w: i for i, w in enumerate(words)}
    mine = enc.provisional_counts()[0]
    remap = np.fromiter((index.get(w, -1) for w in mine), dtype=np.int32, count=len(mine))
    corpus = encode(enc, remap)
    model = FastW2V(**settings)
    model._set_vocab(words, counts, False)
    state.update(model=model, corpus=corpus, seed=seed, sync=sync_per_epoch,
                 base=[a.copy() for a in model._weights().values()])
    return corpus.total_words


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


def save(run, path, *after):
    """Checkpoints the copy (equal to the merged model at an epoch's end), atomically."""
    _state(run)["model"].save(path)


def drop(run):
    """Forgets the run's state on this worker."""
    _registry().pop(run, None)
