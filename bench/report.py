"""What bench/compare.py prints and writes: the medians of the runs, the markdown tables
and their header lines (date, machine, versions, settings), the scaling summary."""
import os
import platform
import statistics
import sys
from pathlib import Path

from bench.plan import RESTRICT_VOCAB, SCALING_MODE, SCALING_TOOLS

FASTTEXT_NOTE = ("fastText scans and trains in one call: its vocab scan s is the time until "
                 "it logs the end of its scan, its train s (and words/s) the rest of the call")


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
