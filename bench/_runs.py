"""What bench/inputs.py and bench/bigcorpus.py share: each measurement runs in a fresh
interpreter (so that its peak RSS is its own), cases are interleaved run after run (so that
a noisy neighbour hurts them alike), and the table shows medians. Model settings and the
machine's description come from bench/plan.py and bench/report.py, the child runner from
bench/child.py."""
import argparse
import json
import os
import statistics
import sys
import tempfile

from bench.child import BENCH_DIR, RESULT_MARKER, run_fresh
from bench.plan import MODES, REPO_ROOT, mode_params
from bench.plan import add_model_options as add_compare_model_options
from bench.report import machine_info


def corpus_parser(doc):
    """An argparse parser described by the first paragraph of ``doc``, with --corpus (the
    shared corpus by default) and --words."""
    from pathlib import Path

    from bench.plan import DEFAULT_CORPUS
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                   help="plain or compressed text, one text per line")
    p.add_argument("--words", type=int, default=None, help="only the first N words")
    return p


def add_model_options(parser):
    """The model options of bench/compare.py for one mode, one epoch by default."""
    parser.add_argument("--mode", choices=list(MODES), default="sg-ns")
    add_compare_model_options(parser)
    parser.add_argument("--runs", type=int, default=3, help="runs per case; medians shown")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.set_defaults(epochs=1, sg=None, hs=None, negative=None)


def model_params(args):
    """FastW2V keyword arguments for the options of :func:`add_model_options`."""
    return mode_params(args.mode, args)


def report(result):
    """Child side: hands ``result`` (a dict) to the parent."""
    print(RESULT_MARKER + json.dumps(result), flush=True)


def reset_peak_rss():
    """Child side: resets VmHWM to the current RSS (Linux 4.0+), so that the next
    :func:`peak_rss_mb` is the peak since now. Returns False where that is impossible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def spawn(module, cfg):
    """Runs ``python -m module --child CFG`` in a fresh interpreter that imports fastw2v from
    this repository, or from the source tree ``cfg["root"]`` when given (build it in place
    first), and returns the dict it reported. The child runs in a temporary directory that
    holds only a link to this bench package, so that no other tree shadows that fastw2v."""
    env = dict(os.environ)
    root = cfg.get("root", str(REPO_ROOT))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory(prefix="fastw2v-bench-") as cwd:
        os.symlink(BENCH_DIR, os.path.join(cwd, "bench"))
        result = run_fresh(module, ["--child", json.dumps(cfg)], env=env, cwd=cwd)
    if "error" in result:
        raise RuntimeError(f"{module} child failed: {result['error']}")
    return result


def run_cases(module, cases, runs):
    """Runs every case (name -> child configuration) ``runs`` times, interleaved; returns
    name -> list of the children's results, and prints one line per run."""
    results = {name: [] for name in cases}
    for r in range(runs):
        for name, cfg in cases.items():
            res = spawn(module, cfg)
            results[name].append(res)
            print(f"run {r + 1}/{runs} {name}: " + ", ".join(
                f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                for k, v in res.items()), file=sys.stderr, flush=True)
    return results


def medians(results):
    """name -> {metric: median over the runs} for the numeric metrics."""
    return {name: {k: statistics.median(r[k] for r in runs)
                   for k, v in runs[0].items() if isinstance(v, (int, float))
                   and not isinstance(v, bool)}
            for name, runs in results.items()}


def print_header(title, settings):
    """The lines above a table: what was measured, where, with which settings."""
    m = machine_info()
    print(f"## {title}\n")
    print(f"- machine: {m['nproc']} CPUs usable, {m['cpu_model']}; load average at start "
          f"{' '.join(f'{x:.2f}' for x in m['loadavg'] or [])}")
    print(f"- settings: {', '.join(f'{k}={v}' for k, v in settings.items())}\n")
