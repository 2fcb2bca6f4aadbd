"""Phrase detection side by side on the same text: gensim 4.4's Phrases against fastw2v's,
and word2vec's word2phrase binary against ``fastw2v phrases`` (issue #15's targets: learn,
freeze and transform each >= 8x faster than gensim, learn + transform >= 4x faster than
word2phrase, peak RSS no more than gensim's).

Cases, each run in a fresh process, interleaved, medians of --runs runs:

- gensim:      ``Phrases(LineSentence(corpus))`` (learn), ``freeze()``, then the phrased
               corpus written, one text per line (``" ".join(frozen[text])`` for the texts
               of ``LineSentence(corpus)``: transform)
- fastw2v:     ``fastw2v.Phrases(corpus_file=corpus)``, ``freeze()``,
               ``frozen.write_phrased(corpus, out)``
- word2phrase: the binary given by --word2phrase (learn + transform, one process)
- cli:         ``fastw2v phrases -train corpus -output out -debug 0`` (in the child, through
               fastw2v.__main__.main)

Peak RSS is VmHWM, reset before each step (so a step's peak is its own, the memory held
from the steps before included); the binary's is its ru_maxrss. After the runs the script
checks that the outputs agree: gensim's and fastw2v's phrases (the same keys, scores within
1e-6 relative) and phrased corpora (identical bytes); word2phrase's and fastw2v phrases'
outputs (identical bytes).

Usage (build in place first: ``python setup.py build_ext --inplace``)::

    python -m bench.phrases --runs 3 --word2phrase /tmp/word2phrase \\
        --json bench/results/phrases-DATE.json --markdown bench/results/phrases-DATE.md
"""
import argparse
import contextlib
import hashlib
import io
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._runs import corpus_parser, medians, print_header, report, reset_peak_rss, run_cases
from bench.child import peak_rss_mb
from bench.corpus import prepare_corpus

STEPS = ("learn", "freeze", "transform")


def _timed(results, step, work):
    """Runs work(), recording its seconds and its peak RSS (MiB) under `step`."""
    reset_peak_rss()
    start = time.perf_counter()
    value = work()
    results[f"{step}_seconds"] = time.perf_counter() - start
    results[f"{step}_peak_rss_mb"] = peak_rss_mb()[0]
    return value


def _library(cfg, results):
    """gensim's or fastw2v's Phrases: learn, freeze, transform (written to cfg['out'])."""
    settings = dict(min_count=cfg["min_count"], threshold=cfg["threshold"])
    corpus, out = cfg["corpus"], cfg["out"]
    if cfg["case"] == "gensim":
        from gensim.models.phrases import Phrases
        from gensim.models.word2vec import LineSentence

        def transform():
            with open(out, "w", encoding="utf-8") as f:
                for text in frozen[LineSentence(corpus)]:
                    f.write(" ".join(text) + "\n")
        model = _timed(results, "learn", lambda: Phrases(LineSentence(corpus), **settings))
    else:
        from fastw2v.phrases import Phrases

        def transform():
            frozen.write_phrased(corpus, out)
        model = _timed(results, "learn", lambda: Phrases(corpus_file=corpus, **settings))
    frozen = _timed(results, "freeze", model.freeze)
    _timed(results, "transform", transform)
    with open(cfg["phrases"], "w", encoding="utf-8") as f:
        json.dump(frozen.phrasegrams, f)
    results["phrases"] = len(frozen.phrasegrams)


def child(cfg):
    results = {}
    if cfg["case"] in ("gensim", "fastw2v"):
        _library(cfg, results)
    elif cfg["case"] == "word2phrase":
        start = time.perf_counter()
        subprocess.run([cfg["binary"], "-train", cfg["corpus"], "-output", cfg["out"],
                        "-min-count", str(cfg["min_count"]), "-threshold", str(cfg["threshold"]),
                        "-debug", "0"], check=True, stdout=subprocess.DEVNULL)
        results["learn_transform_seconds"] = time.perf_counter() - start
        results["learn_transform_peak_rss_mb"] = resource.getrusage(
            resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    else:
        from fastw2v.__main__ import main
        reset_peak_rss()
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(["phrases", "-train", cfg["corpus"], "-output", cfg["out"],
                         "-min-count", str(cfg["min_count"]), "-threshold",
                         str(cfg["threshold"]), "-debug", "0"])
        results["learn_transform_seconds"] = time.perf_counter() - start
        results["learn_transform_peak_rss_mb"] = peak_rss_mb()[0]
        if code:
            raise SystemExit(f"fastw2v phrases exited with {code}")
    report(results)


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def agreement(cases):
    """What the outputs of the last runs say: gensim vs fastw2v (phrases, scores, corpus),
    word2phrase vs fastw2v phrases (output bytes)."""
    checks = {}
    with open(cases["gensim"]["phrases"], encoding="utf-8") as f:
        theirs = json.load(f)
    with open(cases["fastw2v"]["phrases"], encoding="utf-8") as f:
        ours = json.load(f)
    common = theirs.keys() & ours.keys()
    worst = max((abs(ours[k] - theirs[k]) / abs(theirs[k]) for k in common
                 if math.isfinite(theirs[k]) and theirs[k]), default=0.0)
    checks["same phrases (gensim, fastw2v)"] = theirs.keys() == ours.keys()
    checks["phrases only in gensim / only in fastw2v"] = (len(theirs.keys() - ours.keys()),
                                                         len(ours.keys() - theirs.keys()))
    checks["largest relative score difference"] = worst
    checks["identical phrased corpus (gensim, fastw2v)"] = (
        digest(cases["gensim"]["out"]) == digest(cases["fastw2v"]["out"]))
    if "word2phrase" in cases:
        checks["identical output (word2phrase, fastw2v phrases)"] = (
            digest(cases["word2phrase"]["out"]) == digest(cases["cli"]["out"]))
    return checks


def table(med):
    """The markdown table: per step, seconds and peak RSS of each tool, and the ratios."""
    lines = ["| step | gensim s | fastw2v s | gensim / fastw2v | gensim MB | fastw2v MB |",
             "|---|---:|---:|---:|---:|---:|"]
    g, f = med["gensim"], med["fastw2v"]
    for step in STEPS:
        lines.append(f"| {step} | {g[step + '_seconds']:.2f} | {f[step + '_seconds']:.2f} | "
                     f"{g[step + '_seconds'] / f[step + '_seconds']:.1f}x | "
                     f"{g[step + '_peak_rss_mb']:.0f} | {f[step + '_peak_rss_mb']:.0f} |")
    c = med["cli"]
    lines += ["", "| learn + transform | s | peak RSS MB | word2phrase / fastw2v phrases |",
              "|---|---:|---:|---:|"]
    if "word2phrase" in med:
        w = med["word2phrase"]
        lines.append(f"| word2phrase | {w['learn_transform_seconds']:.2f} | "
                     f"{w['learn_transform_peak_rss_mb']:.0f} | "
                     f"{w['learn_transform_seconds'] / c['learn_transform_seconds']:.1f}x |")
    lines.append(f"| fastw2v phrases | {c['learn_transform_seconds']:.2f} | "
                 f"{c['learn_transform_peak_rss_mb']:.0f} | |")
    return "\n".join(lines)


def main():
    p = corpus_parser(__doc__)
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--threshold", type=float, default=100.0)
    p.add_argument("--runs", type=int, default=3, help="runs per case; medians shown")
    p.add_argument("--word2phrase", help="path of a word2phrase binary (word2vec.c's)")
    p.add_argument("--json", type=Path, help="write the settings, every run and the checks")
    p.add_argument("--markdown", type=Path, help="write the printed report here too")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        return child(json.loads(args.child))
    with tempfile.TemporaryDirectory(prefix="fastw2v-phrases-") as tmp:
        corpus, n_words, _ = prepare_corpus(args.corpus, args.words, tmp)
        names = ["gensim", "fastw2v", "cli"] + (["word2phrase"] if args.word2phrase else [])
        cases = {name: dict(case=name, corpus=str(corpus), min_count=args.min_count,
                            threshold=args.threshold, binary=args.word2phrase,
                            out=f"{tmp}/{name}.out", phrases=f"{tmp}/{name}.json")
                 for name in names}
        results = run_cases("bench.phrases", cases, args.runs)
        checks = agreement(cases)
    med = medians(results)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        print_header("Phrases: gensim 4.4 and word2phrase against fastw2v", dict(
            corpus=f"{args.corpus} ({n_words:,} words)", min_count=args.min_count,
            threshold=args.threshold, runs=args.runs))
        print(table(med) + "\n")
        for name, value in checks.items():
            print(f"- {name}: {value}")
    sys.stdout.write(out.getvalue())
    if args.markdown:
        args.markdown.write_text(out.getvalue(), encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(dict(
            settings=dict(corpus=str(args.corpus), words=n_words, min_count=args.min_count,
                          threshold=args.threshold, runs=args.runs,
                          word2phrase=args.word2phrase),
            runs=results, medians=med, checks=checks), indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
