"""Render the benchmark figures from the JSON file of bench/figures.py or bench/compare.py.

Nothing is measured here::

    python -m bench.plot bench/results/figures-2026-11-23.json              # into docs/
    python -m bench.plot bench/results/figures-2026-11-23.json --out-dir /tmp/figs

Figures (file names under ``--out-dir``):

- ``bench-words-per-sec.png``: training words/s per mode, one bar per tool;
- ``bench-analogy.png``: Google analogy accuracy per mode, one bar per tool;
- ``bench-workers.png``: training words/s against worker threads;
- ``bench-corpus-size.png``: training seconds against corpus size, linear axes, with a
  line through the origin fitted per tool.

The last two need the scaling part of the JSON (bench/figures.py measures it; plain
compare.py only with ``--scaling-workers`` / ``--scaling-sizes``) and are skipped with a
message otherwise. Every figure carries the date, machine (cores, CPU model), versions and
settings of its measurements in its caption. matplotlib is needed here only
(``pip install '.[bench]'``).
"""
import argparse
import json
import sys
import textwrap
from pathlib import Path

from bench.plan import MODES, REPO_ROOT
from bench.report import FASTTEXT_NOTE, machine_text, versions_text

DEFAULT_OUT_DIR = REPO_ROOT / "docs"
FIGURES = {
    "words_per_sec": "bench-words-per-sec.png",
    "analogy": "bench-analogy.png",
    "workers": "bench-workers.png",
    "sizes": "bench-corpus-size.png",
}
# Bar order and colours; a tool not listed here comes after, in grey.
TOOL_STYLE = {
    "fastw2v": ("fastw2v", "#1f77b4"),
    "fastw2v-classic": ("fastw2v, classic kernel", "#9ecae1"),
    "gensim": ("gensim", "#ff7f0e"),
    "fasttext": ("fastText", "#2ca02c"),
}
CAPTION_FONT_SIZE = 7
CAPTION_CHARS_PER_INCH = 16  # of monospace text at that size


def label(tool):
    """How a tool is named in the figures."""
    return TOOL_STYLE.get(tool, (tool, None))[0]


def color(tool):
    """The colour of a tool in every figure."""
    return TOOL_STYLE.get(tool, (None, "#7f7f7f"))[1]


def caption(results, note="", width=80):
    """The text under a figure: date, machine, versions, corpus, settings and `note`.

    Parameters
    ----------
    results : dict
        The JSON file's content.
    note : str
        What this figure needs said besides (may be empty).
    width : int
        Characters per line.

    Returns
    -------
    str
    """
    meta, settings = results["meta"], results["settings"]
    common = settings["common"]
    runs = max((cell["runs"] for tools in results["medians"].values()
                for cell in tools.values()), default=0)
    shown = ("vector_size", "window", "min_count", "sample", "epochs", "workers", "alpha")
    parts = [
        f"Measured {meta['date'][:10]} on {machine_text(meta['machine'])}.",
        f"Versions: {versions_text(meta['versions'])}.",
        f"Corpus: {Path(settings['corpus']).name}, {settings['corpus_words']:,} words. "
        + ", ".join(f"{k}={common[k]}" for k in shown if k in common)
        + (f"; medians of {runs} runs (seeds {common.get('seed')})." if runs > 1
           else f"; one run (seed {common.get('seed')})."),
        note,
    ]
    return "\n".join(textwrap.fill(p, width) for p in parts if p)


def new_figure(plt, results, note="", width=9.0, height=4.2):
    """A figure with one axes and the caption of `results` (and `note`) below it; it is
    saved with ``bbox_inches="tight"``, which makes room for the caption.

    Returns
    -------
    fig, ax
    """
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    text = caption(results, note, int(width * CAPTION_CHARS_PER_INCH))
    ax.annotate(text, xy=(0, 0), xycoords="axes fraction", xytext=(-30, -40),
                textcoords="offset points", va="top", ha="left",
                fontsize=CAPTION_FONT_SIZE, family="monospace", annotation_clip=False)
    return fig, ax


def mode_bars(plt, results, metric, scale, ylabel, title, value_format, note=""):
    """Grouped bars: one group per mode, one bar per tool (missing values are gaps).

    Parameters
    ----------
    plt : module
        ``matplotlib.pyplot``.
    results : dict
    metric : str
        Key of ``results["medians"][mode][tool]``.
    scale : float
        The value is divided by it before plotting.
    ylabel, title : str
    value_format : str
        Format of the value written above each bar.
    note : str
        Extra caption text.

    Returns
    -------
    matplotlib.figure.Figure
    """
    medians = results["medians"]
    modes = [m for m in MODES if m in medians] + [m for m in medians if m not in MODES]
    present = {t for m in modes for t, cell in medians[m].items() if cell[metric] is not None}
    tools = [t for t in TOOL_STYLE if t in present] + sorted(present - set(TOOL_STYLE))
    fig, ax = new_figure(plt, results, note)
    width = 0.8 / max(len(tools), 1)
    for i, tool in enumerate(tools):
        cells = [(x, medians[m][tool][metric] / scale) for x, m in enumerate(modes)
                 if medians[m].get(tool, {}).get(metric) is not None]
        offset = (i - (len(tools) - 1) / 2) * width
        bars = ax.bar([x + offset for x, _ in cells], [v for _, v in cells], width,
                      label=label(tool), color=color(tool))
        ax.bar_label(bars, labels=[format(v, value_format) for _, v in cells], fontsize=7,
                     padding=2)
    ax.set_xticks(range(len(modes)), modes)
    ax.set_ylabel(ylabel)
    ax.margins(y=0.1)
    ax.set_title(title, pad=20)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(tools), fontsize=8,
              frameon=False)
    return fig


def words_per_sec_figure(plt, results):
    """Training words/s per mode and tool."""
    ran = {tool for tools in results["medians"].values() for tool in tools}
    note = FASTTEXT_NOTE + "." if "fasttext" in ran else ""
    return mode_bars(plt, results, "words_per_sec", 1e6, "training words/s (millions)",
                     "Training speed per mode (higher is better)", ".2f", note)


def analogy_figure(plt, results):
    """Analogy accuracy per mode and tool."""
    return mode_bars(plt, results, "analogy_accuracy", 0.01, "analogy accuracy (%)",
                     "Google analogies, 30,000 most frequent words (higher is better)", ".1f")


def tool_points(part, x_key, y_key, x_scale=1.0, y_scale=1.0):
    """(tool, [(x, y), ...]) of one scaling measurement, for the tools that have a value;
    x and y are divided by their scales."""
    for tool, points in part["points"].items():
        xy = [(p[x_key] / x_scale, p[y_key] / y_scale) for p in points if p[y_key] is not None]
        if xy:
            yield tool, xy


def finish_axes(ax, xlabel, ylabel, title):
    """Labels, title and legend of a scaling figure, its y axis from 0."""
    ax.set_ylim(bottom=0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)


def workers_figure(plt, results):
    """Training words/s against worker threads, one line per tool."""
    part = results["scaling"]["workers"]
    fig, ax = new_figure(plt, results, f"Each point trains on the first {part['corpus_words']:,} "
                         "words (whole lines) of that corpus, with the workers on the x axis.",
                         width=7.0)
    counts = set()
    for tool, xy in tool_points(part, "workers", "words_per_sec", y_scale=1e6):
        counts.update(x for x, _ in xy)
        gain = (f" ({xy[-1][1] / xy[0][1]:.2f}× from {xy[0][0]:g} to {xy[-1][0]:g} workers)"
                if len(xy) > 1 else "")
        ax.plot(*zip(*xy), marker="o", color=color(tool), label=label(tool) + gain)
    ax.set_xticks(sorted(counts))
    finish_axes(ax, "worker threads", "training words/s (millions)",
                f"Training speed against worker threads "
                f"({results['scaling']['mode']}, {part['corpus_words']:,} words)")
    return fig


def sizes_figure(plt, results):
    """Training seconds against corpus words, with a least-squares line through 0."""
    part = results["scaling"]["sizes"]
    fig, ax = new_figure(plt, results, "The points train on the first words (whole lines) of "
                         "that corpus and on all of it (the run of the speed figure), "
                         f"with {part['workers']} workers; dashed: the least-squares line "
                         "through the origin.", width=7.0)
    for tool, xy in tool_points(part, "corpus_words", "train_seconds", x_scale=1e6):
        slope = sum(x * y for x, y in xy) / sum(x * x for x, _ in xy)
        worst = max(abs(y - slope * x) / (slope * x) for x, y in xy)
        ax.plot(*zip(*xy), "o", color=color(tool))
        x_max = max(x for x, _ in xy)
        ax.plot([0, x_max], [0, slope * x_max], "--", color=color(tool),
                label=f"{label(tool)}: {slope:.2f} s per million words "
                      f"(points within {100 * worst:.0f}% of the line)")
    ax.set_xlim(left=0)
    finish_axes(ax, "corpus words (millions)", "training seconds",
                f"Training time against corpus size ({results['scaling']['mode']}, "
                f"{part['workers']} workers)")
    return fig


RENDERERS = {"words_per_sec": words_per_sec_figure, "analogy": analogy_figure,
             "workers": workers_figure, "sizes": sizes_figure}


def render(results, out_dir):
    """Write every figure the results allow into `out_dir`.

    Parameters
    ----------
    results : dict
        The JSON file's content.
    out_dir : pathlib.Path
        Created if missing.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    scaling = results.get("scaling") or {}
    written = []
    for name, renderer in RENDERERS.items():
        if name in ("workers", "sizes") and not scaling.get(name):
            print(f"{FIGURES[name]}: skipped, the results have no {name} scaling "
                  f"(measure it with bench/figures.py)", file=sys.stderr)
            continue
        fig = renderer(plt, results)
        path = out_dir / FIGURES[name]
        fig.savefig(path, dpi=150, bbox_inches="tight")
        plt.close(fig)
        written.append(path)
        print(f"wrote {path}", file=sys.stderr)
    return written


def main(argv=None):
    """Entry point: render the figures of one JSON file.

    Returns
    -------
    int
        0, or 1 when matplotlib is missing.
    """
    p = argparse.ArgumentParser(
        description="Render the benchmark figures (PNG) from a JSON file of "
                    "bench/figures.py or bench/compare.py, without measuring anything.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("results", type=Path, help="JSON file written by figures.py/compare.py")
    p.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR,
                   help="where the PNG files go")
    args = p.parse_args(argv)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("error: plotting needs matplotlib: pip install matplotlib "
              "(or pip install '.[bench]')", file=sys.stderr)
        return 1
    render(json.loads(args.results.read_text()), args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
