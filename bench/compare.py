#!/usr/bin/env python
"""Side-by-side benchmark of fastw2v, gensim Word2Vec and fastText.

The tools are trained with identical settings on the same plain-text corpus file, one
run at a time, each run in a fresh subprocess so that its peak memory is its own. The
script prints one markdown table (pasteable into a README) with training throughput,
wall time, vocabulary-scan time, peak RSS and embedding quality (Google analogies,
WordSim-353) per mode and tool, plus a tool/gensim ratio row per mode and tool.
fastText (its Python package ``fasttext``) runs only where it is importable, as plain
word2vec: no character n-grams (``minn=maxn=0``), no word n-grams (``wordNgrams=1``).

Optionally (``--scaling-sizes``, ``--scaling-workers``) the same run also measures how one
mode (sg-ns) scales, for fastw2v and gensim: training time against corpus size (slices
of the corpus, and the whole corpus, which is the main comparison's run and is not run
again) and words/s against the number of worker threads (on one slice).
bench/figures.py uses that to measure every figure of the README in one run.

Examples
--------
All four modes on the whole corpus::

    python bench/compare.py

Two modes on the first 2M words, median of 3 runs, raw results to JSON::

    python bench/compare.py --words 2000000 --modes sg-ns cbow-ns --repeats 3 --json out.json

The same, with sg-ns on 1M and 4M words too and on 4M words with 1 and 2 workers::

    python bench/compare.py --words 2000000 --modes sg-ns cbow-ns --repeats 3 \
        --scaling-sizes 1000000 4000000 --scaling-workers 1 2 --json out.json

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

fastText's ``train_unsupervised`` scans the vocabulary and trains in one call. Its scan
time is the time until it logs the end of its scan (``Number of labels: ...``, read from
its stderr as it is written); its training time is the rest of the call. Its vectors are
scored by the same code as the others' (a fastw2v KeyedVectors of its words, without its
line-end token ``</s>``). It has no seed argument, so its repeats differ only by chance.
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
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT_CORPUS = DATA_DIR / "wiki17m.txt.gz"
DEFAULT_ANALOGIES = DATA_DIR / "eval" / "questions-words.txt"
DEFAULT_PAIRS = DATA_DIR / "eval" / "wordsim353.tsv"

TOOLS = ("fastw2v", "gensim", "fasttext")
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
# What the scaling measurements run: one mode, the libraries the README compares.
SCALING_MODE = "sg-ns"
SCALING_TOOLS = ("fastw2v", "gensim")
# fastText logs this line on stderr when its vocabulary scan is over; its line-end token.
FASTTEXT_SCAN_DONE = "Number of labels:"
FASTTEXT_EOS = "</s>"
FASTTEXT_NOTE = ("fastText scans and trains in one call: its vocab scan s is the time until "
                 "it logs the end of its scan, its train s (and words/s) the rest of the call")
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


def add_scaling_options(p):
    """Add the options of the scaling measurements to the parser `p` (bench/figures.py
    sets their defaults to the figures' values)."""
    g = p.add_argument_group(
        "scaling", f"{SCALING_MODE} for {' and '.join(SCALING_TOOLS)}, in the same run; "
        "off unless --scaling-sizes or --scaling-workers is given")
    g.add_argument("--scaling-sizes", nargs="*", type=int, default=[], metavar="WORDS",
                   help="training time against corpus size: these slices (first N words) "
                        "and the whole corpus, which is the main run, at --workers")
    g.add_argument("--scaling-workers", nargs="*", type=int, default=[], metavar="N",
                   help="words/s against these numbers of worker threads")
    g.add_argument("--scaling-workers-words", type=int, default=4_000_000, metavar="WORDS",
                   help="the slice the --scaling-workers runs train on")


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
                   default=["fastw2v", *VARIANTS, "gensim", "fasttext"],
                   help="fastw2v-classic: fastw2v with kernel='classic' (skip-gram modes "
                        "only); a tool that cannot be imported is skipped with the reason")
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
    add_scaling_options(p)
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


def prepare_corpus(src, max_words, workdir, name="corpus.txt"):
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
    name : str
        Its file name there.

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
    dst = Path(workdir) / name if copy else src
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


class StderrLines:
    """Context manager collecting what is written to file descriptor 2 (by C or C++ code
    too) while it is active, line by line, with the ``time.perf_counter()`` at which each
    line arrived. A reader thread takes the lines as they are written, so the times are
    those of the writes (the writer must flush, as C++'s ``std::cerr`` does).

    Attributes
    ----------
    lines : list of (float, str)
        Arrival time and text (without line ends or carriage returns) of each line.
    """

    def __enter__(self):
        sys.stderr.flush()
        read_fd, write_fd = os.pipe()
        self._saved = os.dup(2)
        os.dup2(write_fd, 2)
        os.close(write_fd)
        self.lines = []
        self._reader = threading.Thread(target=self._read, args=(read_fd,), daemon=True)
        self._reader.start()
        return self

    def _read(self, fd):
        with os.fdopen(fd, "rb") as pipe:
            for line in pipe:
                self.lines.append((time.perf_counter(),
                                   line.decode("utf-8", "replace").strip("\r\n")))

    def __exit__(self, *exc_info):
        sys.stderr.flush()
        os.dup2(self._saved, 2)  # closes the pipe's last write end: the reader sees EOF
        os.close(self._saved)
        self._reader.join()
        return False


class FastTextModel:
    """A trained fastText model with the ``wv`` of the other tools' models.

    ``wv`` is a fastw2v KeyedVectors of fastText's words in its order (most frequent
    first), without its line-end token ``</s>``, and their input vectors (with
    ``minn=maxn=0`` a word's input row is exactly its ``get_word_vector``). It is built on
    first use, so that the copy is not part of the peak RSS measured after training.

    Parameters
    ----------
    model : fasttext.FastText._FastText
    """

    def __init__(self, model):
        self.model = model
        self._wv = None

    @property
    def wv(self):
        if self._wv is None:
            from fastw2v import KeyedVectors

            words, counts = self.model.get_words(include_freq=True)
            keep = [i for i, word in enumerate(words) if word != FASTTEXT_EOS]
            self._wv = KeyedVectors(self.model.get_input_matrix()[keep],
                                    [words[i] for i in keep], counts[keep])
        return self._wv


def train_fasttext(params, corpus, cfg):
    """Train fastText as plain word2vec, timing its vocabulary scan and its training.

    ``train_unsupervised`` does both in one call; the scan ends when fastText logs
    ``Number of labels: ...`` on stderr (it logs with ``verbose=1``), which is caught as it
    is written. Without that line the whole call counts as training and the scan time is
    None.

    Parameters
    ----------
    params : dict
        Shared model parameters (see ``mode_params``); ``min_alpha`` and ``seed`` have no
        fastText counterpart (its learning rate decays to 0; its seed is fixed).
    corpus : str
        Plain-text corpus path.
    cfg : dict
        Child configuration; with ``verbose`` fastText's log is copied to stderr.

    Returns
    -------
    model : FastTextModel
    vocab_seconds : float or None
    train_seconds : float
    reported : dict
        ``log``: fastText's stderr lines; ``scan_end_logged``: whether the scan's end was
        seen.

    Raises
    ------
    ValueError
        For hs=1 with negative > 0: fastText trains with one loss only.
    """
    import fasttext

    if params["hs"] and params["negative"]:
        raise ValueError("fastText trains with one loss: hs=1 together with negative="
                         f"{params['negative']} is not possible; use --negative 0")
    with StderrLines() as log:
        t0 = time.perf_counter()
        model = fasttext.train_unsupervised(
            input=corpus, model="skipgram" if params["sg"] else "cbow",
            loss="hs" if params["hs"] else "ns", dim=params["vector_size"],
            ws=params["window"], epoch=params["epochs"], minCount=params["min_count"],
            neg=params["negative"], t=params["sample"], lr=params["alpha"],
            thread=params["workers"], minn=0, maxn=0, wordNgrams=1, verbose=1)
        t2 = time.perf_counter()
    if cfg["verbose"]:
        print("\n".join(line for _, line in log.lines), file=sys.stderr)
    t1 = next((t for t, line in log.lines if line.startswith(FASTTEXT_SCAN_DONE)), None)
    reported = {"log": [line for _, line in log.lines], "scan_end_logged": t1 is not None}
    if t1 is None:
        return FastTextModel(model), None, t2 - t0, reported
    return FastTextModel(model), t1 - t0, t2 - t1, reported


TRAINERS = {"fastw2v": train_fastw2v, "gensim": train_gensim, "fasttext": train_fasttext}


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
        "wall_seconds": (vocab_s or 0.0) + train_s,
        "words_per_sec": cfg["params"]["epochs"] * cfg["corpus_words"] / train_s,
        "peak_rss_mb": hwm if hwm is not None else ru,
        "vm_hwm_mb": hwm,
        "ru_maxrss_mb": ru,
        "vocab_size": len(model.wv.index_to_key),
        "train_returned": jsonable(reported),
    }
    result.update(evaluate(model.wv, cfg["analogies"], cfg["pairs"]))
    print(RESULT_MARKER + json.dumps(result), flush=True)


def distribution_of(module):
    """The installed distribution that provides `module` and its version, e.g.
    ``("fasttext-wheel", "0.9.2")`` (fastText's module has no ``__version__``), or
    ``(None, None)`` when that is unknown."""
    import importlib.metadata as metadata

    for dist in metadata.packages_distributions().get(module.__name__, ()):
        try:
            return dist, metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return None, None


def blas_libraries():
    """The BLAS libraries loaded once numpy and scipy.linalg are imported (fastw2v calls
    scipy's through ``scipy.linalg.cython_blas``), as threadpoolctl describes them.

    Returns
    -------
    list of dict
        ``internal_api`` (e.g. openblas), ``version``, ``architecture``,
        ``threading_layer`` and ``filepath``; empty if threadpoolctl is missing.
    """
    try:
        import scipy.linalg  # noqa: F401 - loads scipy's BLAS
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    keys = ("internal_api", "version", "architecture", "threading_layer", "filepath")
    return [{k: lib.get(k) for k in keys} for lib in threadpool_info()
            if lib.get("user_api") == "blas"]


def run_probe():
    """Print versions of Python, the libraries and BLAS, and which tools import, as JSON."""
    info = {"python": platform.python_version(), "tools": {}}
    for name in ("numpy", "scipy"):
        try:
            info[name] = __import__(name).__version__
        except Exception as exc:  # noqa: BLE001 - report any import failure
            info[name] = f"not importable ({exc!r})"
    info["blas"] = blas_libraries()
    for tool in TOOLS:
        try:
            mod = __import__(tool)
            dist, dist_version = distribution_of(mod)
            info["tools"][tool] = {"ok": True,
                                   "version": getattr(mod, "__version__", dist_version or "?"),
                                   "distribution": dist,
                                   "file": getattr(mod, "__file__", None)}
        except Exception as exc:  # noqa: BLE001 - report any import failure
            info["tools"][tool] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    print(RESULT_MARKER + json.dumps(info), flush=True)


# --------------------------------------------------------------------------- parent side


def run_fresh(script, argv, verbose=False, **run_args):
    """Run `script` with `argv` in a fresh interpreter and parse the JSON report it printed
    after ``RESULT_MARKER`` (bench/compare.py's children, and bench/_runs.py's).

    Parameters
    ----------
    script : str or Path
    argv : list of str
    verbose : bool
        Let the child's stderr through instead of capturing it.
    **run_args
        More arguments of :func:`subprocess.run` (``cwd``, ``env``).

    Returns
    -------
    dict
        The child's report, or ``{"error": message}`` if it failed.
    """
    proc = subprocess.run(
        [sys.executable, str(script), *argv],
        stdout=subprocess.PIPE, stderr=None if verbose else subprocess.PIPE, text=True,
        **run_args,
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            return json.loads(line[len(RESULT_MARKER):])
    tail = "\n".join((proc.stderr or proc.stdout or "").strip().splitlines()[-15:])
    return {"error": f"exit code {proc.returncode}\n{tail}"}


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
    return run_fresh(Path(__file__).resolve(), extra_argv, verbose, cwd=tempfile.gettempdir())


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
    load = mach["loadavg"]
    tools = [tool for tool, info in ver["tools"].items() if info["ok"]]
    lines = [
        f"# {' vs '.join(tools)} — {meta['date']}",
        "",
        f"- machine: {machine_text(mach)}; load average at start "
        f"{' '.join(f'{x:.2f}' for x in load) if load else 'n/a'}",
        f"- versions: {versions_text(ver)}",
        f"- corpus: {settings['corpus']} — {settings['corpus_words']:,} words, "
        f"{settings['corpus_lines']:,} lines",
        "- settings: " + ", ".join(f"{k}={v}" for k, v in settings["common"].items()),
        f"- words/s = epochs × corpus words / train seconds (raw words, same formula for "
        f"every tool); analogy: restrict_vocab={RESTRICT_VOCAB}; values are medians over "
        f"the runs shown",
    ]
    if "fasttext" in tools:
        lines.append(f"- {FASTTEXT_NOTE}")
    return lines + [""]


def machine_text(machine):
    """One line about the machine: CPUs and CPU model (``machine_info``'s report)."""
    return (f"{machine['nproc']} CPUs usable ({machine['cpu_count']} online), "
            f"{machine['cpu_model']}")


def versions_text(versions):
    """One line of versions: Python, numpy, scipy, BLAS and the tools (the probe's report).

    A BLAS library is named by the package that ships it; scipy's, the one fastw2v calls,
    comes first.
    """
    blas = sorted((f"{lib['internal_api']} {lib['version']} {lib['architecture'] or ''}".rstrip()
                   + f" ({Path(lib['filepath'] or '?').parent.name.removesuffix('.libs')})"
                   for lib in versions.get("blas", [])),
                  key=lambda text: not text.endswith("(scipy)"))
    tools = [f"{tool} {info['version']}" if info["ok"] else f"{tool} n/a"
             for tool, info in versions["tools"].items()]
    return ", ".join([f"Python {versions['python']}", f"numpy {versions['numpy']}",
                      f"scipy {versions['scipy']}", f"BLAS {' + '.join(blas) or 'unknown'}",
                      *tools])


def scaling_plan(args, main_words):
    """What the scaling runs measure, in terms of corpus slices.

    A slice is the number of words it was cut at, or None for the main corpus (a slice
    at least as large as the main corpus is the main corpus).

    Parameters
    ----------
    args : argparse.Namespace
        ``scaling_sizes``, ``scaling_workers``, ``scaling_workers_words`` and ``workers``.
    main_words : int
        Words of the main corpus.

    Returns
    -------
    dict
        ``sizes``: the slices of the size scaling, smallest first, ending with None (the
        main comparison's own run), all at ``args.workers`` (empty without
        ``--scaling-sizes``); ``workers``: ``(slice, [worker counts])`` of the workers
        scaling, or None without ``--scaling-workers``; ``slices``: the slices these
        need besides the main corpus, smallest first.
    """
    def slice_of(words):
        return None if words >= main_words else words

    sizes = sorted({slice_of(w) for w in args.scaling_sizes} - {None})
    workers = ((slice_of(args.scaling_workers_words), sorted(set(args.scaling_workers)))
               if args.scaling_workers else None)
    return {
        "sizes": [*sizes, None] if args.scaling_sizes else [],
        "workers": workers,
        "slices": sorted({*sizes, workers and workers[0]} - {None}),
    }


def plan_runs(args, tools, scaling):
    """Every run of the benchmark, in the order they run.

    Each repeat runs the main comparison (every mode and tool on the main corpus at
    ``args.workers``), then the scaling runs of ``SCALING_MODE`` for ``SCALING_TOOLS``
    that are not among them already: the largest point of the size scaling is the main
    comparison's run, and the workers scaling's run at ``args.workers`` is the size
    scaling's when they use the same slice. The tool order alternates between repeats
    so that none always goes first.

    Parameters
    ----------
    args : argparse.Namespace
    tools : list of str
        Importable tools to run.
    scaling : dict
        As returned by ``scaling_plan``.

    Returns
    -------
    list of dict
        ``mode``, ``tool``, ``repeat``, ``slice`` (see ``scaling_plan``) and ``workers``.
    """
    scaling_points = [(s, args.workers) for s in scaling["sizes"]]
    if scaling["workers"]:
        slice_words, counts = scaling["workers"]
        scaling_points += [(slice_words, n) for n in counts]
    scaling_tools = [t for t in tools if t in SCALING_TOOLS]
    plan = []
    for rep in range(args.repeats):
        step = 1 if rep % 2 == 0 else -1
        keys = [(mode, tool, None, args.workers) for mode in args.modes for tool in tools[::step]
                if tool not in VARIANTS or mode in VARIANTS[tool][1]]
        keys += [(SCALING_MODE, tool, slice_words, workers)
                 for slice_words, workers in scaling_points for tool in scaling_tools[::step]]
        for key in dict.fromkeys(keys):  # first occurrences, in order
            plan.append(dict(zip(("mode", "tool", "slice", "workers"), key), repeat=rep))
    return plan


def run_all(args, plan, corpora, eval_paths, extra):
    """Run the planned runs one child process at a time.

    Parameters
    ----------
    args : argparse.Namespace
    plan : list of dict
        As returned by ``plan_runs``.
    corpora : dict
        Slice (see ``scaling_plan``) -> ``(path, words)`` of its plain-text file.
    eval_paths : dict
        ``analogies`` and ``pairs`` paths (None to skip a test).
    extra : dict
        Extra fastw2v constructor arguments.

    Returns
    -------
    list of dict
        One record per run: ``mode``, ``tool``, ``repeat``, ``corpus_words``, ``workers``,
        ``params`` and the child's report (or its ``error``).
    """
    runs = []
    for job in plan:
        mode, tool, rep = job["mode"], job["tool"], job["repeat"]
        corpus, n_words = corpora[job["slice"]]
        params = {**mode_params(mode, args, seed=SEED + rep), "workers": job["workers"]}
        cfg = {"tool": tool, "params": params, "corpus": str(corpus), "corpus_words": n_words,
               "extra_args": ({**extra, **VARIANTS.get(tool, ({},))[0]}
                              if base_tool(tool) == "fastw2v" else {}),
               "gensim_mode": args.gensim_mode, "verbose": args.verbose,
               "analogies": eval_paths["analogies"], "pairs": eval_paths["pairs"]}
        print(f"[{len(runs) + 1}/{len(plan)}] {mode} {tool} (repeat {rep + 1}, "
              f"{n_words:,} words, {job['workers']} worker{'s' * (job['workers'] != 1)})",
              file=sys.stderr, flush=True)
        res = spawn(["--_child", json.dumps(cfg)], verbose=args.verbose)
        report_progress(res)
        runs.append({"mode": mode, "tool": tool, "repeat": rep, "corpus_words": n_words,
                     "workers": job["workers"], "params": params, **res})
    return runs


def medians_of(runs, **match):
    """``median_metrics`` of the runs whose fields equal ``match`` (e.g. mode, tool,
    corpus_words, workers)."""
    return median_metrics([r for r in runs if all(r[k] == v for k, v in match.items())])


def scaling_summary(runs, scaling, corpora, workers):
    """Medians of the scaling measurements, per tool, for the JSON file and plot.py.

    Parameters
    ----------
    runs : list of dict
        As returned by ``run_all``.
    scaling : dict
        As returned by ``scaling_plan``.
    corpora : dict
        Slice -> ``(path, words)``.
    workers : int
        Worker threads of the size scaling (the main comparison's).

    Returns
    -------
    dict
        ``mode``; ``sizes``: ``workers`` and ``points`` (tool -> list of
        ``median_metrics`` with ``corpus_words``, smallest corpus first) or None;
        ``workers``: ``corpus_words`` and ``points`` (tool -> list with ``workers``) or
        None.
    """
    tools = [t for t in SCALING_TOOLS if any(r["tool"] == t for r in runs)]

    def points(x_name, xs, **fixed):
        return {tool: [{x_name: x, **medians_of(runs, mode=SCALING_MODE, tool=tool,
                                                **fixed, **{x_name: x})} for x in xs]
                for tool in tools}

    out = {"mode": SCALING_MODE, "sizes": None, "workers": None}
    if scaling["sizes"]:
        sizes = [corpora[s][1] for s in scaling["sizes"]]
        out["sizes"] = {"workers": workers,
                        "points": points("corpus_words", sizes, workers=workers)}
    if scaling["workers"]:
        slice_words, counts = scaling["workers"]
        n_words = corpora[slice_words][1]
        out["workers"] = {"corpus_words": n_words,
                          "points": points("workers", counts, corpus_words=n_words)}
    return out


def scaling_rows(summary):
    """Markdown lines of the scaling measurements: one row per (tool, corpus, workers).

    Parameters
    ----------
    summary : dict
        As returned by ``scaling_summary``.

    Returns
    -------
    list of str
    """
    rows = {}
    for part in filter(None, (summary["sizes"], summary["workers"])):
        for tool, points in part["points"].items():
            for p in points:
                fields = {**part, **p}  # the fixed value and the varied one
                rows[(tool, fields["corpus_words"], fields["workers"])] = p
    lines = [
        "",
        f"## Scaling ({summary['mode']})",
        "",
        "| tool | corpus words | workers | train words/s | train s | s per M words | runs |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for (tool, words, n), p in sorted(rows.items()):
        per_m = ratio(p["train_seconds"], words / 1e6)
        lines.append(f"| {tool} | {words:,} | {n} | {fmt(p['words_per_sec'], ',.0f')} "
                     f"| {fmt(p['train_seconds'], '.2f')} | {fmt(per_m, '.3f')} "
                     f"| {p['runs']} |")
    return lines


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
    for name in ("repeats", "words", "epochs", "workers", "scaling_sizes", "scaling_workers",
                 "scaling_workers_words"):
        value = getattr(args, name)
        bad = [v for v in (value if isinstance(value, list) else [value])
               if v is not None and v < 1]
        if bad:
            print(f"error: --{name.replace('_', '-')} must be >= 1, got {bad[0]}",
                  file=sys.stderr)
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
    settings = {"corpus": str(args.corpus), "words_limit": args.words,
                "corpus_words": n_words, "corpus_lines": n_lines, "common": common}
    if args.scaling_sizes or args.scaling_workers:
        settings["scaling"] = {"mode": SCALING_MODE, "sizes": args.scaling_sizes,
                               "workers": args.scaling_workers,
                               "workers_words": args.scaling_workers_words}
    return settings


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
        scaling = scaling_plan(args, n_words)
        corpora = {None: (corpus, n_words)}
        for words in scaling["slices"]:
            path, slice_words, _ = prepare_corpus(args.corpus, words, workdir,
                                                  name=f"corpus-{words}.txt")
            corpora[words] = (path, slice_words)
        runs = run_all(args, plan_runs(args, tools, scaling), corpora, eval_paths, extra)

    medians = {mode: {tool: medians_of(runs, mode=mode, tool=tool, corpus_words=n_words,
                                       workers=args.workers)
                      for tool in tools}
               for mode in args.modes}
    settings = describe_settings(args, n_words, n_lines, extra)
    meta = {"date": date, "machine": machine, "versions": versions}
    results = {"meta": meta, "settings": settings, "runs": runs, "medians": medians}
    lines = header_lines(meta, settings) + table_rows(medians, args.modes, tools)
    if scaling["sizes"] or scaling["workers"]:
        results["scaling"] = scaling_summary(runs, scaling, corpora, args.workers)
        lines += scaling_rows(results["scaling"])
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
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
