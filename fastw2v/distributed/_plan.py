"""The parts of distributed training that need no cluster: shards of the corpus files
balanced by size, the byte range of a shard read at line boundaries, the seeds of a
period, the rows merged at each sync (frequency tiers) and the merge itself."""
import os

import numpy as np

from .._compression import _COMPRESSED_OPENERS, open_compressed
from ..readers import corpus_files

_READ = 1 << 20


def _is_url(path):
    return isinstance(path, str) and "://" in path


def _fsspec():
    try:
        import fsspec
    except ImportError:
        raise ImportError("a corpus_file URL needs fsspec: pip install fsspec (and the "
                          "package of its protocol, such as s3fs or gcsfs)") from None
    return fsspec


def _compressed(path):
    return os.path.splitext(str(path))[1] in _COMPRESSED_OPENERS


def _files_and_sizes(corpus_file):
    """(path, bytes) of every file of ``corpus_file`` (paths, directories, fsspec URLs)."""
    items = corpus_file if isinstance(corpus_file, (list, tuple)) else [corpus_file]
    out = []
    for item in items:
        if _is_url(item):
            fs, path = _fsspec().core.url_to_fs(item)
            paths = sorted(fs.find(path)) if fs.isdir(path) else [path]
            out += [(fs.unstrip_protocol(p), int(fs.size(p))) for p in paths]
        else:
            out += [(p, os.path.getsize(p)) for p in corpus_files(item)]
    return out


def plan_shards(corpus_file, parts):
    """Splits the corpus into ``parts`` shards of about equal size, in corpus order.

    Plain files are cut by byte ranges (a range reads the lines that start in it, see
    :func:`shard_blocks`); compressed files are not split and go whole to one shard.

    Parameters
    ----------
    corpus_file : path, directory, fsspec URL or a list of them
    parts : int

    Returns
    -------
    list of list of (path, start, end)
        Shard r reads these byte ranges in order (``end`` None: to the end of the file).
        Concatenated, the shards read every line of the corpus once, in order.
    """
    files = _files_and_sizes(corpus_file)
    total = sum(size for _, size in files)
    shards, done, rank = [[] for _ in range(parts)], 0, 0
    for path, size in files:
        start = 0
        while True:
            goal = total * (rank + 1) / parts  # where shard `rank` should end
            if _compressed(path) or done + size - start <= goal or rank == parts - 1:
                shards[rank].append((path, start, None))
                done += size - start
                if done >= goal and rank < parts - 1:
                    rank += 1
                break
            cut = start + int(goal - done)
            if cut > start:
                shards[rank].append((path, start, cut))
                done += cut - start
                start = cut
            rank += 1
    return shards


class _Range:
    """A binary file object reading the lines of ``f`` that start in [start, end)."""

    def __init__(self, f, start, end):
        self._f, self._end = f, end
        if start > 0:
            f.seek(start - 1)
            f.readline()  # the rest of a line that began before start belongs to the range before
        self._pos = f.tell()
        self._tail = False

    def read(self, n=-1):
        if self._end is None:
            return self._f.read(n)
        if self._pos < self._end:
            data = self._f.read(min(n, self._end - self._pos))
            self._pos += len(data)
            if self._pos >= self._end and data and not data.endswith(b"\n"):
                data += self._f.readline()  # the line that began before end ends it
            return data
        return b""


def shard_blocks(shard, encoding_errors="strict"):
    """The blocks of text (as :func:`fastw2v.readers.stream_blocks` yields them) of a shard
    of :func:`plan_shards`."""
    from ..readers import stream_blocks
    for path, start, end in shard:
        if _is_url(path):
            opened = _fsspec().open(path, "rb", compression="infer")
        else:
            opened = open_compressed(path, "rb")
        with opened as f:
            source = f if start == 0 and end is None else _Range(f, start, end)
            yield from stream_blocks(source, path, encoding_errors)


def period_seed(seed, rank, period):
    """The seed of copy ``rank``'s training in global ``period`` (0-based over all epochs):
    a chunk's draws then come from (this seed, chunk). Public so that a single process can
    replay a run period by period."""
    return int(np.random.SeedSequence([seed, rank, period]).generate_state(1, np.uint64)[0])


def tier_rows(period_in_epoch, sync_per_epoch, hot_rows, n_rows):
    """Rows merged at the end of a period: the first ``hot_rows * 2**trailing_zeros(k)``
    (k = period_in_epoch + 1, pWord2Vec's schedule: the most frequent rows when the
    vocabulary is sorted), and every row at the epoch's last period, so that every row is
    merged at least once per epoch and the copies agree at each epoch's end.

    Returns
    -------
    int
        The merged rows are ``0 .. n - 1``.
    """
    k = period_in_epoch + 1
    if k >= sync_per_epoch:
        return n_rows
    trailing = (k & -k).bit_length() - 1
    return min(n_rows, hot_rows << trailing)


def row_blocks(n_rows, parts):
    """``parts`` contiguous (start, stop) blocks of rows 0..n_rows - 1 (block b is reduced
    by copy b)."""
    edges = np.linspace(0, n_rows, parts + 1).astype(np.int64)
    return list(zip(edges[:-1].tolist(), edges[1:].tolist()))


def merged(base, deltas, scale):
    """``base + min(1, scale / n) * sum(deltas)`` row by row, n the number of copies whose
    delta of the row is non-zero: a row changed by at most ``scale`` copies gets their
    summed change (rare rows, which the copies change on disjoint texts), a row more copies
    changed gets ``scale`` times their mean change. The deltas are summed in the order
    given (rank order: deterministic) in float32.

    Raises
    ------
    FloatingPointError
        The result holds NaN or inf (a copy diverged).
    """
    total = np.zeros(base.shape, dtype=np.float32)
    changed = np.zeros(base.shape[:1], dtype=np.int64)
    for d in deltas:
        total += d
        changed += d.any(axis=1)
    factor = np.minimum(1.0, scale / np.maximum(changed, 1)).astype(np.float32)
    out = base + factor[:, None] * total
    if not np.isfinite(out).all():
        row = int(np.flatnonzero(~np.isfinite(out).all(axis=1))[0])
        raise FloatingPointError(
            f"the merged weights hold NaN or infinite values (the first in row {row} of "
            f"the block): a copy diverged; lower alpha or merge_scale")
    return out


def period_corpus(corpus, period_in_epoch, sync_per_epoch):
    """The texts of ``corpus`` (an EncodedCorpus) that period ``period_in_epoch`` of an
    epoch trains: the k-th of ``sync_per_epoch`` runs of whole texts of about equal words."""
    from ..corpus import EncodedCorpus
    offsets = corpus.offsets
    goals = corpus.total_words * np.arange(sync_per_epoch + 1) // sync_per_epoch
    texts = np.searchsorted(offsets, goals, side="left")
    texts[-1] = corpus.n_texts
    a, b = int(texts[period_in_epoch]), int(texts[period_in_epoch + 1])
    first = int(offsets[a])
    return EncodedCorpus.from_stream(corpus.ids[first:offsets[b]], offsets[a:b + 1] - first)
