"""A model saved by gensim, opened and trained further by fastw2v and by gensim, side by side.

gensim trains a model on the first --words words of the corpus (one epoch) and saves it
with ``Word2Vec.save`` (pickle plus side ``.npy`` arrays). Then, --runs times each: the
load (fastw2v's restricted reader against gensim's unpickling), and one more epoch over the
same text from the loaded model (``train(corpus_file=..., epochs=1)``, 2 workers, both
libraries), timed as words per second. Before timing, the script checks that the loaded
models answer ``most_similar`` alike on a few words (the same neighbours, scores within
1e-5). Medians, with the speed-up: gensim's time over fastw2v's (above 1: fastw2v faster).

    python -m bench.gensim_model [--words 4000000] [--runs 3] [--sg 1] [--hs 0]
"""
import argparse
import os
import pathlib
import statistics
import tempfile
import time

from bench._runs import print_header
from bench.corpus import prepare_corpus
from bench.plan import DEFAULT_CORPUS

PROBES = ["king", "paris", "war", "music", "three"]


def train_and_save(corpus, path, args):
    from gensim.models import Word2Vec as GensimWord2Vec

    model = GensimWord2Vec(corpus_file=corpus, vector_size=100, window=5, min_count=5,
                           sample=1e-3, sg=args.sg, hs=args.hs, negative=0 if args.hs else 5,
                           epochs=1, workers=2, seed=1)
    model.save(path)
    return model.corpus_total_words


def check_same_answers(ours, theirs):
    for word in PROBES:
        if word not in theirs.wv:
            continue
        mine, gensims = ours.wv.most_similar(word), theirs.wv.most_similar(word)
        if [k for k, _ in mine] != [k for k, _ in gensims] or any(
                abs(a - b) > 1e-5 for (_, a), (_, b) in zip(mine, gensims)):
            raise SystemExit(f"the loaded models disagree on most_similar({word!r}): "
                             f"{mine[:3]} against {gensims[:3]}")


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=pathlib.Path, default=DEFAULT_CORPUS,
                        help="default: %(default)s")
    parser.add_argument("--words", type=int, default=4_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sg", type=int, choices=(0, 1), default=1)
    parser.add_argument("--hs", type=int, choices=(0, 1), default=0)
    args = parser.parse_args()

    from gensim.models import Word2Vec as GensimWord2Vec

    from fastw2v import Word2Vec

    with tempfile.TemporaryDirectory() as directory:
        corpus, _, _ = prepare_corpus(args.corpus, args.words, directory)
        corpus = str(corpus)
        path = os.path.join(directory, "gensim.model")
        total_words = train_and_save(corpus, path, args)
        check_same_answers(Word2Vec.load(path), GensimWord2Vec.load(path))
        times = {"fastw2v": [], "gensim": []}
        speeds = {"fastw2v": [], "gensim": []}
        loaders = {"fastw2v": Word2Vec.load, "gensim": GensimWord2Vec.load}
        for _ in range(args.runs):
            for tool, load in loaders.items():
                seconds, model = timed(lambda load=load: load(path))
                times[tool].append(seconds)
                seconds, _ = timed(lambda model=model: model.train(
                    corpus_file=corpus, total_words=total_words, epochs=1))
                speeds[tool].append(total_words / seconds)

    print_header("A gensim model loaded and trained one more epoch",
                 {"words": f"{total_words:,}", "sg": args.sg, "hs": args.hs, "workers": 2,
                  "runs": args.runs, "statistic": "medians"})
    load = {tool: statistics.median(values) for tool, values in times.items()}
    speed = {tool: statistics.median(values) for tool, values in speeds.items()}
    print("| | fastw2v | gensim | speed-up (gensim time / fastw2v time) |\n|---|---:|---:|---:|")
    print(f"| `Word2Vec.load` of gensim's file | {load['fastw2v']:.3f} s | "
          f"{load['gensim']:.3f} s | {load['gensim'] / load['fastw2v']:.2f}x |")
    print(f"| one more epoch, words/s | {speed['fastw2v']:,.0f} | {speed['gensim']:,.0f} | "
          f"{speed['fastw2v'] / speed['gensim']:.2f}x |")


if __name__ == "__main__":
    main()
