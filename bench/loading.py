"""Loading vectors, fastw2v against gensim 4 on the same files, side by side.

Cases, each timed --runs times (medians printed, with the ratio gensim / fastw2v):

* word2vec text and word2vec binary: ``KeyedVectors.load_word2vec_format`` of the same file
  in both libraries;
* native: gensim's ``KeyedVectors.load`` of the vectors it saved (pickle plus ``.npy``)
  against fastw2v's ``KeyedVectors.load`` of the same vectors saved by fastw2v;
* gensim .kv in fastw2v: fastw2v's ``KeyedVectors.load`` of gensim's own file (where this
  fastw2v opens gensim files) against gensim's load of it;
* with --big, word2vec binary on 1,000,000 x 300 vectors (1.2 GB; needs about 5 GB of RAM).

The vectors are random (standard normal, float32) with the shape of wiki17m's vocabulary at
min_count=5, 87,165 words x 100 dimensions, written once to a temporary directory by
fastw2v's writers (gensim's save for its native file). Every file is read from the page
cache (it was just written). Before timing, the script checks that both libraries load the
same keys and the same vectors, bit for bit.

    python -m bench.loading [--runs 5] [--big] [--json out.json] [--tmpdir DIR]
"""
import argparse
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import time

import numpy as np

from bench._runs import print_header
from bench.report import machine_info
from bench.similarity import DIM, WIKI17M_VOCAB

BIG = (1_000_000, 300)


def random_vectors(rows, dim, seed):
    keys = [f"w{i}" for i in range(rows)]
    return keys, np.random.default_rng(seed).standard_normal((rows, dim), dtype=np.float32)


def write_files(directory, keys, vectors, big):
    """Writes the files once; returns the cases: (name, path, fastw2v loader, gensim loader),
    each loader a function of no argument that returns the loaded vectors."""
    from gensim.models import KeyedVectors as GensimKeyedVectors

    from fastw2v import KeyedVectors

    def path(name):
        return os.path.join(directory, name)

    ours = KeyedVectors(vectors, keys)
    ours.save_word2vec_format(path("vectors.txt"))
    ours.save_word2vec_format(path("vectors.bin"), binary=True)
    ours.save(path("fastw2v.kv"))
    theirs = GensimKeyedVectors(vectors.shape[1])
    theirs.add_vectors(keys, vectors)
    theirs.save(path("gensim.kv"))
    del ours, theirs

    def word2vec(name, binary):
        return (lambda: KeyedVectors.load_word2vec_format(path(name), binary=binary),
                lambda: GensimKeyedVectors.load_word2vec_format(path(name), binary=binary))

    cases = [
        ("word2vec text", path("vectors.txt"), *word2vec("vectors.txt", False)),
        ("word2vec binary", path("vectors.bin"), *word2vec("vectors.bin", True)),
        ("native (each its own .kv)", path("fastw2v.kv"),
         lambda: KeyedVectors.load(path("fastw2v.kv")),
         lambda: GensimKeyedVectors.load(path("gensim.kv"))),
        ("gensim .kv in fastw2v", path("gensim.kv"),
         lambda: KeyedVectors.load(path("gensim.kv")),
         lambda: GensimKeyedVectors.load(path("gensim.kv"))),
    ]
    if big:
        big_keys, big_vectors = random_vectors(*BIG, seed=2)
        KeyedVectors(big_vectors, big_keys).save_word2vec_format(path("big.bin"), binary=True)
        del big_keys, big_vectors
        cases.append((f"word2vec binary {BIG[0]:,} x {BIG[1]}", path("big.bin"),
                      *word2vec("big.bin", True)))
    return cases


def check_same(name, ours, theirs):
    """Exits, naming the case, unless both loaded the same keys and vector bits."""
    if list(ours.index_to_key) != list(theirs.index_to_key) or \
            ours.vectors.dtype != theirs.vectors.dtype or \
            not np.array_equal(ours.vectors.view(np.uint8), theirs.vectors.view(np.uint8)):
        sys.exit(f"{name}: fastw2v and gensim loaded different vectors")


def timed_load(load):
    gc.collect()
    start = time.perf_counter()
    loaded = load()
    seconds = time.perf_counter() - start
    del loaded
    return seconds


def measure(cases, runs):
    """Checks each case once, then times its two loads, interleaved, `runs` times."""
    results = []
    for name, path, ours, theirs in cases:
        try:
            first = ours()
        except (OSError, ValueError) as err:  # a file this fastw2v cannot open
            print(f"- {name}: skipped, fastw2v cannot load {os.path.basename(path)}: {err}")
            continue
        check_same(name, first, theirs())
        del first
        times = {"fastw2v": [], "gensim": []}
        for _ in range(runs):
            times["gensim"].append(timed_load(theirs))
            times["fastw2v"].append(timed_load(ours))
        medians = {tool: statistics.median(seconds) for tool, seconds in times.items()}
        results.append({"case": name, "file": os.path.basename(path),
                        "file_bytes": os.path.getsize(path), "seconds": times,
                        "median_seconds": medians,
                        "gensim_over_fastw2v": medians["gensim"] / medians["fastw2v"]})
    return results


def versions():
    import gensim

    from fastw2v import __version__
    return {"python": platform.python_version(), "numpy": np.__version__,
            "fastw2v": __version__, "gensim": gensim.__version__}


def print_table(results):
    print("| case | file | MB | fastw2v s | gensim s | gensim / fastw2v | runs (fastw2v; gensim) |")
    print("|---|---|---:|---:|---:|---:|---|")
    for r in results:
        runs = "; ".join(", ".join(f"{s:.3f}" for s in r["seconds"][tool])
                         for tool in ("fastw2v", "gensim"))
        print(f"| {r['case']} | {r['file']} | {r['file_bytes'] / 1e6:.0f} "
              f"| {r['median_seconds']['fastw2v']:.3f} | {r['median_seconds']['gensim']:.3f} "
              f"| {r['gensim_over_fastw2v']:.2f}x | {runs} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--vocab", type=int, default=WIKI17M_VOCAB, help="rows of the vectors")
    parser.add_argument("--dim", type=int, default=DIM, help="columns of the vectors")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--big", action="store_true",
                        help=f"also word2vec binary on {BIG[0]:,} x {BIG[1]} vectors")
    parser.add_argument("--json", help="also write the results (every run) to this file")
    parser.add_argument("--tmpdir", help="where to write the files (default: the system's)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fastw2v-loading-", dir=args.tmpdir) as directory:
        keys, vectors = random_vectors(args.vocab, args.dim, args.seed)
        cases = write_files(directory, keys, vectors, args.big)
        del keys, vectors
        print_header("Loading vectors: fastw2v and gensim", {
            "vectors": f"{args.vocab:,} x {args.dim} random float32 (seed {args.seed})",
            "runs": f"{args.runs}, medians", "files": "in the page cache"})
        found = versions()
        print("- versions: " + ", ".join(f"{k} {v}" for k, v in found.items()))
        results = measure(cases, args.runs)
    print()
    print_table(results)
    if args.json:
        with open(args.json, "w") as fout:
            json.dump({"meta": {"machine": machine_info(), "versions": found,
                                "vocab": args.vocab, "dim": args.dim, "seed": args.seed,
                                "runs": args.runs, "date": time.strftime("%Y-%m-%d %H:%M")},
                       "results": results}, fout, indent=1)


if __name__ == "__main__":
    main()
