"""Trains one fastw2v mode on a corpus file, for a profiler to watch (docs/performance.md):

    PYTHONPATH=$PWD perf record -g -o /tmp/cbow-hs.data python -m bench.profile cbow-hs FILE
    perf report -i /tmp/cbow-hs.data --no-children --percent-limit 1

Prints where fastw2v was imported from (run from another tree's directory, Python imports
that tree's), the seconds and words/s of ``train()`` alone (vocabulary excluded), its words
per CPU second (all threads), which other processes on a shared machine disturb less, and
the CPU time per center word kept by sub-sampling.
"""
import argparse
import time

from bench.plan import MODES


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=sorted(MODES))
    parser.add_argument("corpus")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--compute-loss", action="store_true")
    args = parser.parse_args(argv)
    import fastw2v
    from fastw2v import FastW2V

    model = FastW2V(corpus_file=args.corpus, vector_size=100, window=5, min_count=5,
                    sample=1e-4, epochs=args.epochs, workers=args.workers, seed=1,
                    compute_loss=args.compute_loss, **MODES[args.mode])
    model.build_vocab()
    t0, c0 = time.perf_counter(), time.process_time()
    model.train()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    words = args.epochs * model.corpus_total_words
    kept = sum(record["effective_words"] for record in model.history[-args.epochs:])
    print(f"fastw2v from {fastw2v.__path__[0]}")
    print(f"{args.mode}: {seconds:.2f} s, {words / seconds:,.0f} words/s, "
          f"{words / cpu:,.0f} words per CPU second, {cpu / kept * 1e9:.0f} CPU ns per kept "
          f"center word")


if __name__ == "__main__":
    main()
