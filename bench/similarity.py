"""Nearest-neighbour queries, fastw2v against gensim 4 on the same vectors, side by side.

Two measurements, each repeated --runs times (medians printed, with the ratio):

* single: --single calls of ``most_similar(key, topn=10)``, one key at a time, on both;
* batch: --batch keys answered by one ``fastw2v most_similar_batch`` call against as many
  calls of gensim's ``most_similar``.

By default the vectors are random (standard normal, float32) with the shape of wiki17m's
vocabulary at min_count=5: 87,165 words x 100 dimensions. Exact search costs the same on
any vectors of that shape; pass --vectors FILE (word2vec text or binary) to use trained
ones. Before timing, the script checks that both tools return the same neighbours.

    python bench/similarity.py [--vectors FILE] [--runs 3] [--single 200] [--batch 1000]
"""
import argparse
import os
import platform
import statistics
import sys
import time

import numpy as np

WIKI17M_VOCAB = 87165  # words of wiki17m at min_count=5 (../shared/data/README.md)
DIM = 100
TOPN = 10


def load_pair(args):
    """The same vectors as a fastw2v and a gensim KeyedVectors."""
    from gensim.models import KeyedVectors as GensimKeyedVectors

    from fastw2v import KeyedVectors
    from fastw2v.formats.word2vec import is_binary_word2vec

    if args.vectors:
        ours = KeyedVectors.load_word2vec_format(
            args.vectors, binary=is_binary_word2vec(args.vectors))
        source = args.vectors
    else:
        rng = np.random.default_rng(args.seed)
        vectors = rng.standard_normal((args.vocab, args.dim), dtype=np.float32)
        ours = KeyedVectors(vectors, [f"w{i}" for i in range(args.vocab)])
        source = f"random standard normal, seed {args.seed}"
    theirs = GensimKeyedVectors(ours.vector_size)
    theirs.add_vectors(list(ours.index_to_key), ours.vectors.copy())
    return ours, theirs, source


def timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def check_agreement(ours, theirs, keys):
    """Same neighbours in the same order, scores within 1e-5, for every key."""
    for key, result in zip(keys, ours.most_similar_batch(keys, topn=TOPN)):
        for mine in (result, ours.most_similar(key, topn=TOPN)):
            expected = theirs.most_similar(key, topn=TOPN)
            if [k for k, _ in mine] != [k for k, _ in expected] or \
                    max(abs(a - b) for (_, a), (_, b) in zip(mine, expected)) > 1e-5:
                sys.exit(f"results differ for {key!r}:\n  fastw2v {mine}\n  gensim  {expected}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vectors", help="word2vec file to use instead of random vectors")
    parser.add_argument("--vocab", type=int, default=WIKI17M_VOCAB, help="random vectors: rows")
    parser.add_argument("--dim", type=int, default=DIM, help="random vectors: columns")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--single", type=int, default=200, help="queries in the single-query test")
    parser.add_argument("--batch", type=int, default=1000, help="queries in the batch test")
    args = parser.parse_args()

    ours, theirs, source = load_pair(args)
    keys = [ours.index_to_key[i] for i in
            np.random.default_rng(args.seed + 1).choice(
                len(ours), max(args.single, args.batch), replace=False)]
    check_agreement(ours, theirs, keys[:50])  # also fills both tools' cached norms

    single, batch = {"fastw2v": [], "gensim": []}, {"fastw2v": [], "gensim": []}
    for _ in range(args.runs):
        single["gensim"].append(timed(
            lambda: [theirs.most_similar(k, topn=TOPN) for k in keys[:args.single]]))
        single["fastw2v"].append(timed(
            lambda: [ours.most_similar(k, topn=TOPN) for k in keys[:args.single]]))
        batch["gensim"].append(timed(
            lambda: [theirs.most_similar(k, topn=TOPN) for k in keys[:args.batch]]))
        batch["fastw2v"].append(timed(
            lambda: ours.most_similar_batch(keys[:args.batch], topn=TOPN)))

    import gensim

    from fastw2v import __version__
    print(f"vectors: {len(ours):,} x {ours.vector_size} ({source}); topn={TOPN}; "
          f"{args.runs} runs, medians; results checked equal on 50 keys")
    print(f"versions: Python {platform.python_version()}, numpy {np.__version__}, "
          f"fastw2v {__version__}, gensim {gensim.__version__}; "
          f"{len(os.sched_getaffinity(0))} CPUs, load average {os.getloadavg()[0]:.2f}")
    rows = [("single query (per call)", single, args.single, "ms per query"),
            (f"{args.batch} queries", batch, 1, "s in all")]
    for name, times, per, unit in rows:
        scale = 1000 / per if per > 1 else 1
        mine, theirs_ = statistics.median(times["fastw2v"]), statistics.median(times["gensim"])
        print(f"{name:>24}: fastw2v {mine * scale:8.3f} {unit}, "
              f"gensim {theirs_ * scale:8.3f} {unit}"
              f" -> fastw2v {theirs_ / mine:5.1f}x faster   (runs: fastw2v "
              + ", ".join(f"{t * scale:.3f}" for t in times["fastw2v"]) + "; gensim "
              + ", ".join(f"{t * scale:.3f}" for t in times["gensim"]) + ")")


if __name__ == "__main__":
    main()
