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

    python -m bench.compare

Two modes on the first 2M words, median of 3 runs, raw results to JSON::

    python -m bench.compare --words 2000000 --modes sg-ns cbow-ns --repeats 3 --json out.json

The same, with sg-ns on 1M and 4M words too and on 4M words with 1 and 2 workers::

    python -m bench.compare --words 2000000 --modes sg-ns cbow-ns --repeats 3 \
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
import datetime
import json
import sys
import tempfile
import time

from bench.child import spawn
from bench.corpus import prepare_corpus
from bench.plan import (
    SEED,
    VARIANTS,
    base_tool,
    build_parser,
    check_inputs,
    describe_settings,
    mode_params,
    parse_extra_args,
    plan_runs,
    scaling_plan,
)
from bench.report import (
    header_lines,
    machine_info,
    medians_of,
    report_progress,
    scaling_rows,
    scaling_summary,
    table_rows,
)


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
        res = spawn([json.dumps(cfg)], verbose=args.verbose)
        report_progress(res)
        runs.append({"mode": mode, "tool": tool, "repeat": rep, "corpus_words": n_words,
                     "workers": job["workers"], "params": params, **res})
    return runs


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
    versions = spawn(["--probe"])
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
    """Entry point: run the benchmark with the options `argv`; returns its exit status."""
    return benchmark(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
