"""Quality and traffic of fastw2v.distributed against one process, on a LocalCluster.

Each case trains a model on the corpus (one process with workers=1, or P copies in P
worker processes of one thread each, fastw2v workers=1 per copy: the copies time-share the
machine's cores, so wall time is not the point) and scores it on the analogies
(restrict_vocab=30000) and WS-353; the distributed cases also report the bytes the merges
moved (counted by fastw2v.distributed) against full-model all-reduces, and the time split
compute / sync. One JSON line per case on stdout and in --out.

    PYTHONPATH=$PWD python -m bench.distributed --cases sg-ns:1 sg-ns:2 sg-ns:4 \
        --out bench/results/distributed-2026-12-02.json
A case is MODE:P[:MERGE_SCALE[:SEED[:STEP_SCALE]]] (P=1: one process; "auto" for the
defaults).
"""
import argparse
import gzip
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

# run as a script, bench/ comes first on sys.path, and this file would shadow dask's
# ``distributed``
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
MODES = {"sg-ns": dict(sg=1, negative=5, hs=0), "cbow-ns": dict(sg=0, negative=5, hs=0)}


def plain_copy(corpus, tmp):
    """A plain-text copy of a compressed corpus (a compressed file is one shard)."""
    if not str(corpus).endswith(".gz"):
        return str(corpus)
    out = Path(tmp) / Path(corpus).stem
    with gzip.open(corpus, "rb") as src, open(out, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 24)
    return str(out)


def scores(model):
    analogies = model.wv.evaluate_word_analogies(DATA / "eval" / "questions-words.txt",
                                                 restrict_vocab=30000)[0]
    pairs = model.wv.evaluate_word_pairs(DATA / "eval" / "wordsim353.tsv")[1][0]
    return dict(analogies=round(100 * analogies, 2), ws353=round(float(pairs), 4))


def run_case(case, corpus, args, tmp):
    from fastw2v import FastW2V
    parts = case.split(":")
    mode, copies = parts[0], int(parts[1])
    scale = parts[2] if len(parts) > 2 else "auto"
    seed = int(parts[3]) if len(parts) > 3 else 1
    step = parts[4] if len(parts) > 4 else "auto"
    settings = dict(MODES[mode], vector_size=args.dim, window=5, min_count=5, sample=1e-4,
                    epochs=args.epochs, workers=1, seed=seed)
    t0 = time.perf_counter()
    rec = dict(case=case, mode=mode, P=copies, merge_scale=scale, sync_per_epoch=args.sync,
               hot_rows=args.hot, step_scale=step, **settings)
    if copies == 1:
        model = FastW2V(corpus_file=corpus, **settings).train()
    else:
        from distributed import Client, LocalCluster

        import fastw2v.distributed as fd
        # a directory of its own per case: a LocalCluster starting beside another one
        # (another benchmark, or the previous case's, shutting down) was seen to make one
        # of its workers leave; and a checkpoint, so that a worker that leaves anyway is
        # restarted from the last epoch (the result equals the uninterrupted run's)
        case_dir = tempfile.mkdtemp(dir=tmp, prefix=case.replace(":", "_") + "-")
        with LocalCluster(n_workers=copies, threads_per_worker=1, processes=True,
                          dashboard_address=":0", local_directory=case_dir) as cluster, \
                Client(cluster) as client:
            model = fd.train(client, corpus, sync_per_epoch=args.sync, hot_rows=args.hot,
                             merge_scale=scale if scale == "auto" else float(scale),
                             step_scale=step if step == "auto" else float(step),
                             checkpoint=os.path.join(case_dir, "checkpoint"), **settings)
        h = model.history
        merge = fd._driver._auto_scale(copies) if scale == "auto" else float(scale)
        if scale == "auto":
            rec["merge_scale"] = f"auto ({merge:g})"
        if step == "auto":
            rec["step_scale"] = f"auto ({fd._driver._auto_step(copies, merge):g})"
        rec.update(bytes_moved=sum(r["bytes_moved"] for r in h),
                   allreduce_bytes=sum(r["allreduce_bytes"] for r in h),
                   bytes_per_sync=sum(r["bytes_moved"] for r in h) / sum(r["syncs"] for r in h),
                   compute_seconds=round(sum(r["compute_seconds"] for r in h), 2),
                   sync_seconds=round(sum(r["sync_seconds"] for r in h), 2),
                   rows_merged_per_sync=sum(r["rows_merged"] for r in h)
                   / sum(r["syncs"] for r in h), vocab=len(model.wv))
        rec["bytes_fraction"] = round(rec["bytes_moved"] / rec["allreduce_bytes"], 4)
    rec["seconds"] = round(time.perf_counter() - t0, 1)
    rec.update(scores(model))
    return rec


def table(paths):
    """A markdown table of the JSON lines in ``paths``, each case against the one-process
    case of its mode and seed."""
    recs = [json.loads(line) for path in paths for line in open(path) if line.strip()]
    single = {(r["mode"], r["seed"]): r for r in recs if r["P"] == 1}
    rows = ["| case | P | merge_scale | step_scale | analogies | vs 1 process | WS-353 | "
            "vs 1 process | bytes / sync (MB) | of all-reduce | compute s | sync s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in recs:
        ref = single.get((r["mode"], r["seed"]))
        da = f"{r['analogies'] - ref['analogies']:+.2f}" if ref else ""
        dw = f"{r['ws353'] - ref['ws353']:+.4f}" if ref else ""
        dist = r["P"] > 1
        sync = r.get("sync_per_epoch", 16)
        rows.append(
            f"| {r['case']}{'' if sync == 16 else f' sync={sync}'} | {r['P']} | "
            f"{r['merge_scale'] if dist else ''} | {r.get('step_scale', 1) if dist else ''} | "
            f"{r['analogies']:.2f} | {da if dist else ''} | {r['ws353']:.4f} | "
            f"{dw if dist else ''} | "
            + (f"{r['bytes_per_sync'] / 1e6:.1f} | {100 * r['bytes_fraction']:.1f}% | "
               f"{r['compute_seconds']:.0f} | {r['sync_seconds']:.0f} |" if dist else
               f" | | {r['seconds']:.0f} | |"))
    return "\n".join(rows)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--table", nargs="+", help="print the table of these JSON-line files")
    p.add_argument("--corpus", default=str(DATA / "wiki17m.txt.gz"))
    p.add_argument("--cases", nargs="+", default=["sg-ns:1", "sg-ns:2", "sg-ns:4"])
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--sync", type=int, default=16)
    p.add_argument("--hot", type=int, default=4096)
    p.add_argument("--out")
    args = p.parse_args()
    # fastw2v's own log on stderr: each epoch's split, and any restart from the checkpoint
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("fastw2v").setLevel(logging.INFO)
    if args.table:
        print(table(args.table))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        corpus = plain_copy(args.corpus, tmp)
        for case in args.cases:
            rec = run_case(case, corpus, args, tmp)
            line = json.dumps(rec)
            print(line, flush=True)
            if args.out:
                with open(args.out, "a") as f:
                    f.write(line + "\n")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sys.exit(main())
