"""Command line: ``python -m fastw2v demo`` (or the ``fastw2v`` console script)."""
import argparse
import logging
import os
import sys
import time
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_CORPUS = DATA_DIR / "wiki1m.txt.gz"
DEMO_WORDS = ("king", "france", "music", "computer", "war")


def _find_analogies(given):
    """The analogy file: as given, else $FASTW2V_ANALOGIES, else ../shared/data/eval of the
    working directory (the development layout)."""
    candidates = [given, os.environ.get("FASTW2V_ANALOGIES"),
                  Path.cwd().parent / "shared" / "data" / "eval" / "questions-words.txt"]
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    return None


def demo(args):
    """Trains skip-gram on the bundled 1M-word Wikipedia sample and shows what it learnt."""
    from . import FastW2V
    print(f"corpus: {DEMO_CORPUS.name}, about 1M words of English Wikipedia "
          "(CC BY-SA 3.0, Wikipedia contributors)")
    model = FastW2V(corpus_file=DEMO_CORPUS, sg=1, sample=1e-4, epochs=args.epochs,
                    workers=args.workers, progress=not args.quiet)
    t0 = time.perf_counter()
    model.build_vocab()
    scan = time.perf_counter() - t0
    model.train()
    words = sum(r["words"] for r in model.history)
    seconds = sum(r["seconds"] for r in model.history)
    print(f"vocabulary: {len(model.wv)} words, scanned in {scan:.2f} s")
    print(f"training: {words:,} words in {seconds:.1f} s = {words / seconds:,.0f} words/s "
          f"on {model.workers} threads")
    for w in DEMO_WORDS:
        near = ", ".join(f"{k} {s:.2f}" for k, s in model.wv.most_similar(w, topn=6))
        print(f"  {w:>9}: {near}")
    analogies = _find_analogies(args.analogies)
    if analogies is None:
        print("analogy accuracy: skipped (no questions-words.txt found; pass --analogies PATH "
              "or set FASTW2V_ANALOGIES)")
    else:
        acc, sections = model.wv.evaluate_word_analogies(analogies, restrict_vocab=30000)
        n = len(sections[-1]["correct"]) + len(sections[-1]["incorrect"])
        print(f"analogy accuracy: {100 * acc:.1f}% of {n} questions in vocabulary "
              f"({analogies})")
    return 0


def main(argv=None):
    """Entry point of the ``fastw2v`` command. Returns the exit code."""
    parser = argparse.ArgumentParser(prog="fastw2v", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="train on the bundled 1M-word sample and show results")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--analogies", default=None, help="path of questions-words.txt")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=demo)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except (OSError, ValueError, TypeError) as e:
        print(f"fastw2v: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
