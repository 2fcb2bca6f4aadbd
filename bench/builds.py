"""Training speed of two builds of fastw2v side by side: two source trees (e.g. a worktree at
the commit before a kernel change, and this one), each built in place, trained on the same
corpus in fresh processes, interleaved run after run, medians; the ratio new / old per mode.
A change's cost measured this way does not depend on how busy the shared machine was on
another day (bench/compare.py measures against gensim; this measures against oneself).

Usage::

    git worktree add ../fastw2v-old COMMIT && (cd ../fastw2v-old &&
        python setup.py build_ext --inplace -q)
    python setup.py build_ext --inplace -q
    python -m bench.builds --old ../fastw2v-old --runs 5 --modes sg-ns cbow-ns sg-hs cbow-hs
"""
import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench._runs import medians, print_header, report, run_cases
from bench.corpus import prepare_corpus
from bench.plan import DEFAULT_CORPUS, MODES, REPO_ROOT, add_model_options, mode_params


def child(cfg):
    import fastw2v
    from fastw2v import FastW2V
    if not fastw2v.__file__.startswith(cfg["root"]):
        raise RuntimeError(f"imported {fastw2v.__file__}, not the build in {cfg['root']}")
    model = FastW2V(corpus_file=cfg["corpus"], **cfg["params"]).build_vocab()
    cpu = time.process_time()
    model.train()
    cpu = time.process_time() - cpu
    words = sum(r["words"] for r in model.history)
    report(dict(words_per_sec=words / sum(r["seconds"] for r in model.history),
                cpu_words_per_sec=words / cpu))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--old", type=Path, help="the other source tree, built in place (required)")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--words", type=int, default=None, help="only the first N words")
    p.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    p.add_argument("--runs", type=int, default=5, help="runs per build and mode; medians")
    p.add_argument("--child", help=argparse.SUPPRESS)
    add_model_options(p)
    p.set_defaults(epochs=1, sg=None, hs=None, negative=None)
    args = p.parse_args()
    if args.child:
        return child(json.loads(args.child))
    if args.old is None:
        p.error("--old is required")
    roots = {"old": str(args.old.resolve()), "new": str(REPO_ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        corpus, n_words, _ = prepare_corpus(args.corpus, args.words, tmp)
        cases = {f"{mode} {build}": dict(root=root, corpus=str(corpus),
                                         params=mode_params(mode, args))
                 for mode in args.modes for build, root in roots.items()}
        med = medians(run_cases("bench.builds", cases, args.runs))
    print_header("Training speed of two builds", dict(
        corpus=f"{args.corpus} ({n_words:,} words)", old=roots["old"], new=roots["new"],
        runs=args.runs, epochs=args.epochs, workers=args.workers))
    print("| mode | old words/s | new words/s | new / old | old CPU words/s | new CPU words/s "
          "| new / old |\n|---|---:|---:|---:|---:|---:|---:|")
    for mode in args.modes:
        old, new = med[f"{mode} old"], med[f"{mode} new"]
        print(f"| {mode} | " + " | ".join(
            f"{old[k]:,.0f} | {new[k]:,.0f} | {new[k] / old[k]:.3f}"
            for k in ("words_per_sec", "cpu_words_per_sec")) + " |")


if __name__ == "__main__":
    sys.exit(main())
