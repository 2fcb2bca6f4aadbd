#!/usr/bin/env python
"""Side-by-side benchmark of fastw2v and gensim Word2Vec.

Both tools are trained with identical settings on the same plain-text corpus file, one
run at a time, each run in a fresh subprocess so that its peak memory is its own. The
script prints one markdown table (pasteable into a README) with training throughput,
wall time, vocabulary-scan time, peak RSS and embedding quality (Google analogies,
WordSim-353) per mode and tool, plus a fastw2v/gensim ratio row per mode.

Examples
--------
All four modes on the whole corpus::

    python bench/compare.py

Two modes on the first 2M words, median of 3 runs, raw results to JSON::

    python bench/compare.py --words 2000000 --modes sg-ns cbow-ns --repeats 3 --json out.json

Notes
-----
``words_per_sec`` is ``epochs * corpus_words / train_seconds`` where ``corpus_words`` is
the number of raw (whitespace-separated) words of the benchmark file, counted once by
this script. It is therefore computed the same way for both tools and is *not* gensim's
logged "effective words/s" (which counts only words kept after ``min_count`` and
down-sampling).

Peak RSS is read in the child from ``/proc/self/status`` (``VmHWM``), falling back to
``resource.getrusage(RUSAGE_SELF).ru_maxrss``. On Linux ``ru_maxrss`` survives ``exec``:
a child spawned by a large parent reports at least the parent's RSS at spawn time, so
``VmHWM`` (which belongs to the child's own address space) is the accurate figure. Both
are kept in the JSON output.
"""

import argparse
import ast
import bz2
import contextlib
import datetime
import gzip
import json
import lzma
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT_CORPUS = DATA_DIR / "wiki17m.txt.gz"
DEFAULT_ANALOGIES = DATA_DIR / "eval" / "questions-words.txt"
DEFAULT_PAIRS = DATA_DIR / "eval" / "wordsim353.tsv"

TOOLS = ("fastw2v", "gensim")
# Runs of fastw2v with other constructor arguments, shown as tools of their own: name ->
# (extra arguments, the modes where they differ from plain fastw2v).
VARIANTS = {"fastw2v-classic": ({"kernel": "classic"}, ("sg-ns", "sg-hs"))}
MODES = {
    "sg-ns": {"sg": 1, "hs": 0, "negative": 5},
    "cbow-ns": {"sg": 0, "hs": 0, "negative": 5},
    "sg-hs": {"sg": 1, "hs": 1, "negative": 0},
    "cbow-hs": {"sg": 0, "hs": 1, "negative": 0},
}
ALPHA = {1: 0.025, 0: 0.05}
MIN_ALPHA = 0.0001
SEED = 1
RESTRICT_VOCAB = 30000
RESULT_MARKER = "@@COMPARE_RESULT@@ "
METRICS = (
    "words_per_sec",
    "wall_seconds",
    "vocab_seconds",
    "train_seconds",
    "peak_rss_mb",
    "analogy_accuracy",
    "ws353_spearman",
    "vocab_size",
)
OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


# --------------------------------------------------------------------------- parsing


def parse_extra_args(pairs):
    """Turn ``key=value`` strings into constructor keyword arguments.

    Parameters
    ----------
    pairs : list of str
        Items of the form ``key=value``. Values are parsed as Python literals
        (``3``, ``1e-3``, ``True``, ``'x'``) and kept as strings when that fails.

    Returns
    -------
    dict
        Keyword arguments for the fastw2v constructor.

    Raises
    ------
    SystemExit
        If an item has no ``=`` or an empty key.
    """
    extra = {}
    for item in pairs or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            sys.exit(f"--extra-args: expected key=value, got {item!r}")
        try:
            extra[key.strip()] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            extra[key.strip()] = value
    return extra


def add_model_options(p):
    """Add the settings shared by every mode (epochs, workers, vector size, ...) to the
    parser `p`; bench/inputs.py and bench/bigcorpus.py use them too."""
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--vector-size", type=int, default=100)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--sample", type=float, default=1e-4)
    p.add_argument("--alpha", type=float, default=None,
                   help="initial learning rate (default 0.025 for skip-gram, 0.05 for CBOW)")


def build_parser():
    """Build the command-line parser.

    Returns
    -------
    argparse.ArgumentParser
        Parser for the public options and the hidden child/probe entry points.
    """
    p = argparse.ArgumentParser(
        description="Train fastw2v and gensim with identical settings and print one table.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                   help="corpus file: plain text, .gz, .bz2 or .xz, one sentence per line")
    p.add_argument("--words", type=int, default=None,
                   help="use only the first N words (whole lines until N is reached)")
    p.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    p.add_argument("--tools", nargs="+", choices=[*TOOLS, *VARIANTS],
                   default=["fastw2v", *VARIANTS, "gensim"],
                   help="fastw2v-classic: fastw2v with kernel='classic' (skip-gram modes only)")
    p.add_argument("--sg", type=int, choices=(0, 1), default=None,
                   help="override sg for every mode")
    p.add_argument("--hs", type=int, choices=(0, 1), default=None,
                   help="override hs for every mode")
    p.add_argument("--negative", type=int, default=None,
                   help="override negative for every mode")
    add_model_options(p)
    p.add_argument("--gensim-mode", choices=("corpus_file", "iterable"), default="corpus_file",
                   help="how gensim reads the corpus: corpus_file (its fastest) or LineSentence")
    p.add_argument("--repeats", type=int, default=1,
                   help="runs per (mode, tool), with seeds 1, 2, ...; the table shows medians")
    p.add_argument("--json", type=Path, default=None,
                   help="write settings, all raw runs and the medians to this file")
    p.add_argument("--analogies", type=Path, default=DEFAULT_ANALOGIES)
    p.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS)
    p.add_argument("--extra-args", nargs="*", default=[], metavar="KEY=VALUE",
                   help="extra keyword arguments for the fastw2v constructor")
    p.add_argument("--verbose", action="store_true",
                   help="show the children's INFO logging (e.g. gensim's progress) on stderr")
    p.add_argument("--_child", help=argparse.SUPPRESS)
    p.add_argument("--_probe", action="store_true", help=argparse.SUPPRESS)
    return p


def mode_params(mode, args, seed=SEED):
    """Model parameters shared by both tools for one mode.

    Parameters
    ----------
    mode : str
        One of ``MODES``.
    args : argparse.Namespace
        Parsed options (overrides for sg/hs/negative/alpha and common settings).
    seed : int
        Random seed of this run (repeats use consecutive seeds, so medians are over
        seeds as well as over timing noise).

    Returns
    -------
    dict
        Keyword arguments valid for both ``FastW2V`` and gensim ``Word2Vec``
        (``epochs`` included, ``workers`` included, no corpus).
    """
    params = dict(MODES[mode])
    for key in ("sg", "hs", "negative"):
        if getattr(args, key) is not None:
            params[key] = getattr(args, key)
    params.update(
        vector_size=args.vector_size,
        window=args.window,
        min_count=args.min_count,
        sample=args.sample,
        alpha=args.alpha if args.alpha is not None else ALPHA[params["sg"]],
        min_alpha=MIN_ALPHA,
        epochs=args.epochs,
        workers=args.workers,
        seed=seed,
    )
    return params


# --------------------------------------------------------------------------- corpus


def open_text(path):
    """Open a possibly compressed text file for binary reading.

    Parameters
    ----------
    path : pathlib.Path
        File ending in ``.gz``, ``.bz2``, ``.xz`` or anything else (plain).

    Returns
    -------
    file object
        Binary, line-iterable stream of the decompressed text.
    """
    return OPENERS.get(path.suffix, open)(path, "rb")


def prepare_corpus(src, max_words, workdir):
    """Produce the plain-text benchmark file and count its words.

    A plain file used whole is only counted; otherwise the text is decompressed and/or
    cut after the line on which ``max_words`` is reached, into ``workdir``.

    Parameters
    ----------
    src : pathlib.Path
        Source corpus.
    max_words : int or None
        Stop after the first line that brings the count to at least this; None = all.
    workdir : str
        Directory for the temporary plain-text file.

    Returns
    -------
    path : pathlib.Path
        Plain-text file both tools will read.
    n_words : int
        Raw whitespace-separated words in it.
    n_lines : int
        Lines (sentences) in it.
    """
    copy = max_words is not None or src.suffix in OPENERS
    dst = Path(workdir) / "corpus.txt" if copy else src
    n_words = n_lines = 0
    with open_text(src) as fin, (open(dst, "wb") if copy else contextlib.nullcontext()) as fout:
        for line in fin:
            n_words += len(line.split())
            n_lines += 1
            if copy:
                fout.write(line if line.endswith(b"\n") else line + b"\n")
            if max_words is not None and n_words >= max_words:
                break
    return dst, n_words, n_lines


# --------------------------------------------------------------------------- child side


def peak_rss_mb():
    """Peak resident set size of this process image, in MiB.

    Returns
    -------
    vm_hwm : float or None
        ``VmHWM`` from ``/proc/self/status`` (None where unavailable).
    ru_maxrss : float
        ``getrusage(RUSAGE_SELF).ru_maxrss`` (KiB on Linux, bytes on macOS) in MiB.
    """
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024, ru
    except OSError:
        pass
    return None, ru


def spearman_value(result):
    """Extract the correlation from scipy's Spearman result, whatever its version.

    Parameters
    ----------
    result : SignificanceResult, SpearmanrResult or tuple
        Second element of ``evaluate_word_pairs``' return value.

    Returns
    -------
    float
    """
    for attr in ("statistic", "correlation"):
        if hasattr(result, attr):
            return float(getattr(result, attr))
    return float(result[0])


def train_fastw2v(params, corpus, cfg):
    """Build vocabulary and train fastw2v, timing both steps.

    Parameters
    ----------
    params : dict
        Shared model parameters (see ``mode_params``).
    corpus : str
        Plain-text corpus path.
    cfg : dict
        Child configuration; ``extra_args`` go to the constructor.

    Returns
    -------
    model : FastW2V
    vocab_seconds, train_seconds : float
    reported : object
        Whatever ``train()`` returned (kept in the raw JSON when serialisable).
    """
    from fastw2v import FastW2V

    t0 = time.perf_counter()
    model = FastW2V(corpus_file=corpus, **params, **cfg["extra_args"])
    model.build_vocab()
    t1 = time.perf_counter()
    reported = model.train()
    t2 = time.perf_counter()
    return model, t1 - t0, t2 - t1, reported


def train_gensim(params, corpus, cfg):
    """Build vocabulary and train gensim Word2Vec, timing both steps.

    Parameters
    ----------
    params : dict
        Shared model parameters (see ``mode_params``).
    corpus : str
        Plain-text corpus path.
    cfg : dict
        Child configuration; ``gensim_mode`` is ``corpus_file`` or ``iterable``.

    Returns
    -------
    model : gensim.models.Word2Vec
    vocab_seconds, train_seconds : float
    reported : tuple
        ``(effective_words, raw_words)`` as returned by gensim's ``train()``.
    """
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    params = dict(params)
    epochs = params.pop("epochs")
    if cfg["gensim_mode"] == "corpus_file":
        source = {"corpus_file": corpus}
    else:
        source = {"corpus_iterable": LineSentence(corpus)}
    t0 = time.perf_counter()
    model = Word2Vec(**params)
    model.build_vocab(**source)
    t1 = time.perf_counter()
    reported = model.train(
        **source,
        total_examples=model.corpus_count,
        total_words=model.corpus_total_words,
        epochs=epochs,
    )
    t2 = time.perf_counter()
    return model, t1 - t0, t2 - t1, reported


TRAINERS = {"fastw2v": train_fastw2v, "gensim": train_gensim}


def evaluate(wv, analogies, pairs):
    """Score word vectors on the analogy and word-similarity sets.

    A test that raises (e.g. gensim's ValueError when every WordSim pair is out of a
    tiny vocabulary) scores None and its message is kept, so the timings survive.

    Parameters
    ----------
    wv : KeyedVectors-like
        Has gensim's ``evaluate_word_analogies`` and ``evaluate_word_pairs``.
    analogies, pairs : str or None
        Paths of the test sets; None skips that test.

    Returns
    -------
    dict
        ``analogy_accuracy`` (fraction), ``ws353_spearman``, ``eval_seconds`` and
        ``eval_errors`` (test name -> message).
    """
    tests = {
        "analogy_accuracy": analogies and (lambda: float(
            wv.evaluate_word_analogies(analogies, restrict_vocab=RESTRICT_VOCAB)[0])),
        "ws353_spearman": pairs and (lambda: spearman_value(wv.evaluate_word_pairs(pairs)[1])),
    }
    t0 = time.perf_counter()
    out, errors = {}, {}
    for name, test in tests.items():
        out[name] = None
        if test:
            try:
                out[name] = test()
            except Exception as exc:  # noqa: BLE001 - any failure is reported, not fatal
                errors[name] = f"{type(exc).__name__}: {exc}"
    out["eval_seconds"] = time.perf_counter() - t0
    out["eval_errors"] = errors
    return out


def jsonable(value):
    """Return ``value`` if JSON can encode it, else its ``repr``."""
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return repr(value)


def run_child(cfg):
    """Train and evaluate one (tool, mode) configuration; print the result as JSON.

    Parameters
    ----------
    cfg : dict
        ``tool``, ``params``, ``corpus``, ``corpus_words``, ``analogies``, ``pairs``,
        ``extra_args``, ``gensim_mode`` and ``verbose``.
    """
    if cfg["verbose"]:
        import logging
        logging.basicConfig(format="%(asctime)s %(name)s %(levelname)s %(message)s",
                            level=logging.INFO, stream=sys.stderr)
    model, vocab_s, train_s, reported = TRAINERS[base_tool(cfg["tool"])](
        cfg["params"], cfg["corpus"], cfg)
    hwm, ru = peak_rss_mb()  # before evaluation, which is not part of the run
    result = {
        "vocab_seconds": vocab_s,
        "train_seconds": train_s,
        "wall_seconds": vocab_s + train_s,
        "words_per_sec": cfg["params"]["epochs"] * cfg["corpus_words"] / train_s,
        "peak_rss_mb": hwm if hwm is not None else ru,
        "vm_hwm_mb": hwm,
        "ru_maxrss_mb": ru,
        "vocab_size": len(model.wv.index_to_key),
        "train_returned": jsonable(reported),
    }
    result.update(evaluate(model.wv, cfg["analogies"], cfg["pairs"]))
    print(RESULT_MARKER + json.dumps(result), flush=True)


def run_probe():
    """Print versions of Python and the libraries, and which tools import, as JSON."""
    info = {"python": platform.python_version(), "tools": {}}
    for name in ("numpy", "scipy"):
        try:
            info[name] = __import__(name).__version__
        except Exception as exc:  # noqa: BLE001 - report any import failure
            info[name] = f"not importable ({exc!r})"
    for tool in TOOLS:
        try:
            mod = __import__(tool)
            info["tools"][tool] = {"ok": True, "version": getattr(mod, "__version__", "?"),
                                   "file": getattr(mod, "__file__", None)}
        except Exception as exc:  # noqa: BLE001 - report any import failure
            info["tools"][tool] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    print(RESULT_MARKER + json.dumps(info), flush=True)


# --------------------------------------------------------------------------- parent side


def spawn(extra_argv, verbose=False):
    """Run this script in a fresh interpreter and parse its JSON report.

    The parent stays small (it never imports numpy, gensim or fastw2v) so that nothing
    of its memory leaks into the child's measurements.

    Parameters
    ----------
    extra_argv : list of str
        Arguments after the script path (``--_child CFG`` or ``--_probe``).
    verbose : bool
        Let the child's stderr through instead of capturing it.

    Returns
    -------
    dict
        The child's report, or ``{"error": message}`` if it failed.
    """
    # The child runs from the temp directory, so paths in its configuration are absolute
    # and nothing in the current directory shadows an installed package.
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *extra_argv],
        stdout=subprocess.PIPE, stderr=None if verbose else subprocess.PIPE,
        text=True, cwd=tempfile.gettempdir(),
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            return json.loads(line[len(RESULT_MARKER):])
    tail = "\n".join((proc.stderr or proc.stdout or "").strip().splitlines()[-15:])
    return {"error": f"exit code {proc.returncode}\n{tail}"}


def cpu_model():
    """CPU model name from /proc/cpuinfo (or platform's guess)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info():
    """Describe the machine: CPUs, CPU model, load, OS.

    Returns
    -------
    dict
    """
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "nproc": usable or os.cpu_count(),
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model(),
        "loadavg": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
    }


def median_metrics(runs):
    """Median of every metric over the successful runs of one (mode, tool).

    Parameters
    ----------
    runs : list of dict
        Child reports; those with an ``error`` are ignored.

    Returns
    -------
    dict
        Metric -> median (None when no run has it), plus ``runs`` (successful count)
        and ``failed`` (failed count).
    """
    ok = [r for r in runs if "error" not in r]
    med = {}
    for key in METRICS:
        values = [r[key] for r in ok if r.get(key) is not None]
        med[key] = statistics.median(values) if values else None
    med["runs"] = len(ok)
    med["failed"] = len(runs) - len(ok)
    return med


def fmt(value, spec, suffix=""):
    """Format a number for the table; None becomes an en dash."""
    return "–" if value is None else format(value, spec) + suffix


def ratio(a, b):
    """``a / b`` or None when either is missing or ``b`` is zero."""
    return None if a is None or not b else a / b


def diff(a, b):
    """``a - b`` or None when either is missing."""
    return None if a is None or b is None else a - b


def table_rows(medians, modes, tools):
    """Markdown table lines: one row per (mode, tool) and a ratio row per mode.

    Parameters
    ----------
    medians : dict
        ``medians[mode][tool]`` as returned by ``median_metrics``.
    modes, tools : list of str
        Order of the rows.

    Returns
    -------
    list of str
    """
    lines = [
        "| mode | tool | train words/s | wall s (vocab+train) | vocab scan s "
        "| peak RSS MB | analogy % | WS353 ρ | runs |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for mode in modes:
        shown = [t for t in tools if medians[mode][t]["runs"] + medians[mode][t]["failed"]]
        for tool in shown:
            m = medians[mode][tool]
            acc = None if m["analogy_accuracy"] is None else 100 * m["analogy_accuracy"]
            runs = str(m["runs"]) + (f" ({m['failed']} failed)" if m["failed"] else "")
            lines.append(
                f"| {mode} | {tool} | {fmt(m['words_per_sec'], ',.0f')} "
                f"| {fmt(m['wall_seconds'], '.2f')} | {fmt(m['vocab_seconds'], '.2f')} "
                f"| {fmt(m['peak_rss_mb'], ',.0f')} | {fmt(acc, '.2f')} "
                f"| {fmt(m['ws353_spearman'], '.3f')} | {runs} |")
        if "gensim" not in shown:
            continue
        for tool in (t for t in shown if t != "gensim"):
            f, g = medians[mode][tool], medians[mode]["gensim"]
            acc = diff(f["analogy_accuracy"], g["analogy_accuracy"])
            lines.append(
                f"| {mode} | **{tool}/gensim** "
                f"| **{fmt(ratio(f['words_per_sec'], g['words_per_sec']), '.2f', '×')}** "
                f"| {fmt(ratio(f['wall_seconds'], g['wall_seconds']), '.2f', '×')} "
                f"| {fmt(ratio(f['vocab_seconds'], g['vocab_seconds']), '.2f', '×')} "
                f"| {fmt(ratio(f['peak_rss_mb'], g['peak_rss_mb']), '.2f', '×')} "
                f"| {fmt(None if acc is None else 100 * acc, '+.2f', ' pt')} "
                f"| {fmt(diff(f['ws353_spearman'], g['ws353_spearman']), '+.3f')} | |")
    return lines


def header_lines(meta, settings):
    """Markdown lines describing date, machine, versions and settings.

    Parameters
    ----------
    meta : dict
        ``date``, ``machine`` and ``versions`` (the probe's report).
    settings : dict
        Benchmark settings shown under the versions.

    Returns
    -------
    list of str
    """
    mach, ver = meta["machine"], meta["versions"]
    tool_ver = []
    for tool, info in ver["tools"].items():
        tool_ver.append(f"{tool} {info['version']}" if info["ok"] else f"{tool} n/a")
    load = mach["loadavg"]
    return [
        f"# fastw2v vs gensim — {meta['date']}",
        "",
        f"- machine: {mach['nproc']} CPUs usable ({mach['cpu_count']} online), "
        f"{mach['cpu_model']}; load average at start "
        f"{' '.join(f'{x:.2f}' for x in load) if load else 'n/a'}",
        f"- versions: Python {ver['python']}, numpy {ver['numpy']}, scipy {ver['scipy']}, "
        + ", ".join(tool_ver),
        f"- corpus: {settings['corpus']} — {settings['corpus_words']:,} words, "
        f"{settings['corpus_lines']:,} lines",
        "- settings: " + ", ".join(f"{k}={v}" for k, v in settings["common"].items()),
        f"- words/s = epochs × corpus words / train seconds (raw words, same formula for "
        f"both tools); analogy: restrict_vocab={RESTRICT_VOCAB}; values are medians over "
        f"the runs shown",
        "",
    ]


def run_all(args, tools, corpus, n_words, eval_paths, extra):
    """Run every (repeat, mode, tool) combination, one child process at a time.

    The tool order alternates between repeats so that neither always goes first.

    Parameters
    ----------
    args : argparse.Namespace
    tools : list of str
        Importable tools to run.
    corpus : pathlib.Path
        Plain-text benchmark file.
    n_words : int
        Raw words in it.
    eval_paths : dict
        ``analogies`` and ``pairs`` paths (None to skip a test).
    extra : dict
        Extra fastw2v constructor arguments.

    Returns
    -------
    list of dict
        One record per run: ``mode``, ``tool``, ``repeat``, ``params`` and the child's
        report (or its ``error``).
    """
    runs = []
    total = args.repeats * sum(1 for mode in args.modes for tool in tools
                               if tool not in VARIANTS or mode in VARIANTS[tool][1])
    for rep in range(args.repeats):
        for mode in args.modes:
            params = mode_params(mode, args, seed=SEED + rep)
            for tool in (tools if rep % 2 == 0 else tools[::-1]):
                if tool in VARIANTS and mode not in VARIANTS[tool][1]:
                    continue
                cfg = {"tool": tool, "params": params, "corpus": str(corpus),
                       "corpus_words": n_words,
                       "extra_args": ({**extra, **VARIANTS.get(tool, ({},))[0]}
                                      if base_tool(tool) == "fastw2v" else {}),
                       "gensim_mode": args.gensim_mode, "verbose": args.verbose,
                       "analogies": eval_paths["analogies"], "pairs": eval_paths["pairs"]}
                print(f"[{len(runs) + 1}/{total}] {mode} {tool} (repeat {rep + 1})",
                      file=sys.stderr, flush=True)
                res = spawn(["--_child", json.dumps(cfg)], verbose=args.verbose)
                report_progress(res)
                runs.append({"mode": mode, "tool": tool, "repeat": rep, "params": params,
                             **res})
    return runs


def report_progress(res):
    """Print one run's outcome (or failure and evaluation warnings) to stderr."""
    if "error" in res:
        print(f"  FAILED: {res['error']}", file=sys.stderr)
        return
    for name, msg in res["eval_errors"].items():
        print(f"  warning: {name} not scored: {msg}", file=sys.stderr)
    print(f"  {res['words_per_sec']:,.0f} words/s, train {res['train_seconds']:.2f}s, "
          f"vocab {res['vocab_seconds']:.2f}s, {res['peak_rss_mb']:,.0f} MB", file=sys.stderr)


def check_inputs(args):
    """Validate the options and locate the input files.

    Parameters
    ----------
    args : argparse.Namespace
        ``args.corpus`` is made absolute in place.

    Returns
    -------
    dict or None
        ``analogies`` and ``pairs`` as absolute paths (None for a missing file, with a
        warning), or None if the benchmark cannot run (the reason is printed).
    """
    if not args.corpus.is_file():
        print(f"error: corpus not found: {args.corpus} (pass --corpus PATH)", file=sys.stderr)
        return None
    for name in ("repeats", "words", "epochs", "workers"):
        value = getattr(args, name)
        if value is not None and value < 1:
            print(f"error: --{name} must be >= 1, got {value}", file=sys.stderr)
            return None
    args.corpus = args.corpus.resolve()
    eval_paths = {}
    for name in ("analogies", "pairs"):
        path = getattr(args, name)
        eval_paths[name] = str(path.resolve()) if path.is_file() else None
        if eval_paths[name] is None:
            print(f"warning: --{name} file not found: {path}; that score is skipped",
                  file=sys.stderr)
    return eval_paths


def base_tool(tool):
    """The library a tool name runs: a variant's name starts with it."""
    return "fastw2v" if tool in VARIANTS else tool


def importable_tools(requested, versions):
    """The requested tools that the probe could import; warn about the others.

    Parameters
    ----------
    requested : list of str
    versions : dict
        The probe's report.

    Returns
    -------
    list of str
    """
    tools = []
    for tool in requested:
        info = versions["tools"][base_tool(tool)]
        if info["ok"]:
            tools.append(tool)
        else:
            print(f"warning: {tool} is not importable ({info['error']}); skipping it",
                  file=sys.stderr)
    return tools


def describe_settings(args, n_words, n_lines, extra):
    """Settings of this benchmark, for the header and the JSON file.

    Parameters
    ----------
    args : argparse.Namespace
    n_words, n_lines : int
        Size of the benchmark file.
    extra : dict
        Extra fastw2v constructor arguments.

    Returns
    -------
    dict
    """
    common = {k: v for k, v in mode_params(args.modes[0], args).items()
              if k not in ("sg", "hs", "negative", "alpha")}
    common["alpha"] = args.alpha if args.alpha is not None else "0.025 sg / 0.05 cbow"
    common["seed"] = SEED if args.repeats == 1 else f"{SEED}..{SEED + args.repeats - 1}"
    common["gensim_mode"] = args.gensim_mode
    overrides = {k: getattr(args, k) for k in ("sg", "hs", "negative")
                 if getattr(args, k) is not None}
    if overrides:
        common["overrides"] = overrides
    if extra:
        common["fastw2v_extra_args"] = extra
    return {"corpus": str(args.corpus), "words_limit": args.words,
            "corpus_words": n_words, "corpus_lines": n_lines, "common": common}


def benchmark(args):
    """Prepare the corpus, run every child in turn, print the table, write the JSON.

    Parameters
    ----------
    args : argparse.Namespace

    Returns
    -------
    int
        Process exit status: 0, 1 for unusable input, 2 if any run failed.
    """
    extra = parse_extra_args(args.extra_args)
    eval_paths = check_inputs(args)
    if eval_paths is None:
        return 1
    date = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    machine = machine_info()
    versions = spawn(["--_probe"])
    if "error" in versions:
        print(f"error: version probe failed: {versions['error']}", file=sys.stderr)
        return 1
    tools = importable_tools(args.tools, versions)
    if not tools:
        print("error: none of the requested tools can be imported", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="fastw2v-compare-") as workdir:
        t0 = time.perf_counter()
        corpus, n_words, n_lines = prepare_corpus(args.corpus, args.words, workdir)
        print(f"corpus ready: {n_words:,} words, {n_lines:,} lines in "
              f"{time.perf_counter() - t0:.1f}s ({corpus})", file=sys.stderr)
        runs = run_all(args, tools, corpus, n_words, eval_paths, extra)

    medians = {mode: {tool: median_metrics([r for r in runs
                                            if r["mode"] == mode and r["tool"] == tool])
                      for tool in tools}
               for mode in args.modes}
    settings = describe_settings(args, n_words, n_lines, extra)
    meta = {"date": date, "machine": machine, "versions": versions}
    print("\n".join(header_lines(meta, settings) + table_rows(medians, args.modes, tools)))
    if args.json:
        args.json.write_text(json.dumps(
            {"meta": meta, "settings": settings, "runs": runs, "medians": medians},
            indent=2, default=str) + "\n")
        print(f"\nraw runs and medians written to {args.json}", file=sys.stderr)
    return 2 if any("error" in r for r in runs) else 0


def main(argv=None):
    """Entry point: dispatch to the benchmark, a child run or the version probe."""
    args = build_parser().parse_args(argv)
    if args._child:
        run_child(json.loads(args._child))
        return 0
    if args._probe:
        run_probe()
        return 0
    return benchmark(args)


if __name__ == "__main__":
    sys.exit(main())
