"""Training speed by input and option: a list of token lists against corpus_file on the same
text, compute_loss on against off, the progress bar on against off (issue #4's targets:
list >= 90% of corpus_file's words/s, loss costs <= 3%, the bar <= 1%).

Cases, each run in a fresh process, interleaved, medians of --runs runs:

- file:     FastW2V(corpus_file=PLAIN_TEXT)                (the baseline)
- list:     FastW2V([line.split() for line in PLAIN_TEXT])  (the list is built untimed)
- loss:     file with compute_loss=True
- progress: file with progress=True (the bar goes to a pipe)
- lockf:    file with one lock factor per word (wv.vectors_lockf, all 1.0: the same model,
            through the kernels' per-word path)

words/s is the training speed (words of all epochs / training seconds, from
``model.history``); CPU words/s divides by the CPU seconds of the process during training
instead, which a busy neighbour on a shared machine disturbs less; scan s is the vocabulary
scan and encoding.

Usage (build in place first: ``python setup.py build_ext --inplace``)::

    # small scale, about a minute
    python -m bench.inputs --corpus /tmp/wiki2m.txt --runs 3

    # full size, the measurement for the issue (about 25 minutes on 2 cores)
    python -m bench.inputs --corpus ../shared/data/wiki17m.txt.gz --runs 5 --epochs 1 --mode sg-ns
    python -m bench.inputs --corpus ../shared/data/wiki17m.txt.gz --runs 5 --epochs 1 --mode cbow-ns
"""
import json
import sys
import tempfile
import time

from bench._runs import (
    add_model_options,
    corpus_parser,
    medians,
    model_params,
    print_header,
    report,
    run_cases,
)
from bench.corpus import prepare_corpus

CASES = {"file": {}, "list": {}, "loss": {"compute_loss": True}, "progress": {"progress": True},
         "lockf": {}}
# What the summary says of each case against file (issue #4's targets).
SUMMARY = {"list": "list / file {ratio:.3f} (target >= 0.90)",
           "loss": "compute_loss costs {cost:+.1%} (target <= 3%)",
           "progress": "the progress bar costs {cost:+.1%} (target <= 1%)",
           "lockf": "per-word lock factors cost {cost:+.1%}"}


def child(cfg):
    from fastw2v import FastW2V
    params = dict(cfg["params"], **CASES[cfg["case"]])
    if cfg["case"] == "list":
        with open(cfg["corpus"], encoding="utf-8") as f:
            model = FastW2V([line.split() for line in f], **params)
    else:
        model = FastW2V(corpus_file=cfg["corpus"], **params)
    t0 = time.perf_counter()
    model.build_vocab()
    scan_seconds = time.perf_counter() - t0
    if cfg["case"] == "lockf":
        import numpy as np
        model.wv.vectors_lockf = np.ones(len(model.wv), dtype=np.float32)
    cpu = time.process_time()
    model.train()
    cpu = time.process_time() - cpu
    words = sum(r["words"] for r in model.history)
    report(dict(words_per_sec=words / sum(r["seconds"] for r in model.history),
                cpu_words_per_sec=words / cpu, scan_seconds=scan_seconds,
                corpus_words=model.corpus.total_words))


def main():
    p = corpus_parser(__doc__)
    p.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES),
                   help="the cases to run (file, the baseline, always runs)")
    add_model_options(p)
    args = p.parse_args()
    if args.child:
        return child(json.loads(args.child))
    params = model_params(args)
    with tempfile.TemporaryDirectory() as tmp:
        corpus, n_words, _ = prepare_corpus(args.corpus, args.words, tmp)
        cases = {name: dict(case=name, corpus=str(corpus), params=params)
                 for name in CASES if name == "file" or name in args.cases}
        results = run_cases("bench.inputs", cases, args.runs)
    med = medians(results)
    print_header("Training speed by input and option", dict(
        corpus=f"{args.corpus} ({n_words:,} words)", mode=args.mode, runs=args.runs,
        **{k: v for k, v in params.items() if k not in ("sg", "hs", "negative")}))
    print("| case | train words/s | vs file | CPU words/s | vs file | scan s |\n"
          "|---|---:|---:|---:|---:|---:|")
    for name, m in med.items():
        print(f"| {name} | " + " | ".join(
            f"{m[k]:,.0f} | {m[k] / med['file'][k]:.3f}"
            for k in ("words_per_sec", "cpu_words_per_sec")) + f" | {m['scan_seconds']:.2f} |")
    for k in ("words_per_sec", "cpu_words_per_sec"):
        ratio = {name: med[name][k] / med["file"][k] for name in med}
        print(f"\n{k}: " + "; ".join(SUMMARY[name].format(ratio=r, cost=1 - r)
                                     for name, r in ratio.items() if name in SUMMARY))


if __name__ == "__main__":
    sys.exit(main())
