"""The figures of bench/: which runs bench/figures.py plans, and that bench/plot.py renders
every figure from a results file. Nothing is measured here (the benchmarks are not part of
the tests); the plot tests skip without matplotlib, a benchmark-only dependency."""
import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parents[1] / "bench"
MAIN_WORDS = 17_005_207
TOOLS = ["fastw2v", "fastw2v-classic", "gensim", "fasttext"]


@pytest.fixture(scope="module")
def bench():
    """The modules of the bench package that these tests read, loaded from its directory:
    the repository root is not on sys.path (it would put the fastw2v source tree, without
    its compiled modules in CI, before the installed one)."""
    spec = importlib.util.spec_from_file_location(
        "bench", BENCH_DIR / "__init__.py", submodule_search_locations=[str(BENCH_DIR)])
    package = importlib.util.module_from_spec(spec)
    saved = {name: sys.modules.pop(name) for name in list(sys.modules)
             if name == "bench" or name.startswith("bench.")}
    sys.modules["bench"] = package
    try:
        spec.loader.exec_module(package)
        yield {name: importlib.import_module(f"bench.{name}")
               for name in ("plan", "report", "figures", "plot")}
    finally:
        for name in [n for n in sys.modules if n == "bench" or n.startswith("bench.")]:
            del sys.modules[name]
        sys.modules.update(saved)


def test_figure_runs_measure_each_point_once_and_reuse_the_main_run(bench):
    plan_module, figures = bench["plan"], bench["figures"]
    args = plan_module.build_parser().parse_args(figures.FIGURE_OPTIONS)
    scaling = plan_module.scaling_plan(args, MAIN_WORDS)
    plan = plan_module.plan_runs(args, TOOLS, scaling)

    keys = [(r["repeat"], r["mode"], r["tool"], r["slice"], r["workers"]) for r in plan]
    assert len(keys) == len(set(keys))
    assert scaling["slices"] == [1_000_000, 4_000_000]
    assert scaling["sizes"] == [1_000_000, 4_000_000, None]  # None: the whole corpus
    for rep in range(3):
        main = [(r["mode"], r["tool"]) for r in plan
                if r["repeat"] == rep and r["slice"] is None and r["workers"] == 2]
        # every mode for every tool, the classic kernel for skip-gram only, sg-ns once each
        assert sorted(main) == sorted([(m, t) for m in plan_module.MODES for t in TOOLS
                                       if t != "fastw2v-classic" or m.startswith("sg-")])
        scaling_runs = [(r["mode"], r["tool"], r["slice"], r["workers"]) for r in plan
                        if r["repeat"] == rep and (r["slice"], r["workers"]) != (None, 2)]
        assert sorted(scaling_runs) == sorted(
            ("sg-ns", tool, words, workers) for tool in ("fastw2v", "gensim")
            for words, workers in [(1_000_000, 2), (4_000_000, 1), (4_000_000, 2)])


def test_slices_as_large_as_the_corpus_are_the_corpus(bench):
    plan = bench["plan"]
    args = plan.build_parser().parse_args(
        ["--scaling-sizes", "50", "100", "500", "--scaling-workers", "2", "1",
         "--scaling-workers-words", "400"])
    scaling = plan.scaling_plan(args, main_words=300)
    assert scaling == {"sizes": [50, 100, None], "workers": (None, [1, 2]),
                       "slices": [50, 100]}


def fabricated_results(bench, with_scaling):
    """A results file as bench/compare.py writes it, with made-up numbers."""
    def cell(words_per_sec, train_seconds=10.0):
        values = dict.fromkeys(bench["report"].METRICS)
        values.update(words_per_sec=words_per_sec, train_seconds=train_seconds,
                      analogy_accuracy=0.35)
        return {**values, "runs": 3, "failed": 0}

    results = {
        "meta": {
            "date": "2026-01-02T03:04:05+00:00",
            "machine": {"nproc": 2, "cpu_count": 2, "cpu_model": "Test CPU",
                        "loadavg": [0.1, 0.1, 0.1], "platform": "test"},
            "versions": {"python": "3.11.0", "numpy": "2.0", "scipy": "1.14",
                         "blas": [{"internal_api": "openblas", "version": "0.3.27",
                                   "architecture": "Haswell", "threading_layer": "pthreads",
                                   "filepath": "/x/scipy.libs/libopenblas.so"}],
                         "tools": {t: {"ok": True, "version": "1.0"}
                                   for t in ("fastw2v", "gensim", "fasttext")}},
        },
        "settings": {"corpus": "/data/wiki17m.txt.gz", "words_limit": None,
                     "corpus_words": MAIN_WORDS, "corpus_lines": 67865,
                     "common": {"vector_size": 100, "window": 5, "epochs": 5, "workers": 2,
                                "seed": "1..3"}},
        "medians": {mode: {tool: cell(1e6 * (i + 1)) for i, tool in enumerate(TOOLS)
                           if tool != "fastw2v-classic" or mode.startswith("sg-")}
                    for mode in bench["plan"].MODES},
    }
    if with_scaling:
        results["scaling"] = {
            "mode": "sg-ns",
            "sizes": {"workers": 2, "points": {
                tool: [{"corpus_words": n, **cell(1e6, 5e-6 * n)}
                       for n in (1_000_000, 4_000_000, MAIN_WORDS)]
                for tool in ("fastw2v", "gensim")}},
            "workers": {"corpus_words": 4_000_000, "points": {
                tool: [{"workers": n, **cell(1e6 * n)} for n in (1, 2)]
                for tool in ("fastw2v", "gensim")}},
        }
    return results


@pytest.mark.parametrize("with_scaling", [True, False])
def test_plot_renders_the_figures_the_results_allow(bench, tmp_path, with_scaling):
    pytest.importorskip("matplotlib", reason="matplotlib (a benchmark-only dependency) "
                                             "is not installed")
    plot = bench["plot"]
    path = tmp_path / "results.json"
    path.write_text(json.dumps(fabricated_results(bench, with_scaling)))

    assert plot.main([str(path), "--out-dir", str(tmp_path / "docs")]) == 0

    expected = set(plot.FIGURES.values()) if with_scaling else {
        plot.FIGURES["words_per_sec"], plot.FIGURES["analogy"]}
    written = {p.name for p in (tmp_path / "docs").iterdir()}
    assert written == expected
    for name in written:
        assert (tmp_path / "docs" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_captions_name_date_machine_and_versions(bench):
    text = bench["plot"].caption(fabricated_results(bench, False), width=60)
    flat = " ".join(text.split())
    for expected in ("2026-01-02", "2 CPUs usable", "Test CPU", "Python 3.11.0", "numpy 2.0",
                     "scipy 1.14", "openblas 0.3.27 Haswell (scipy)", "fastw2v 1.0",
                     "gensim 1.0", "fasttext 1.0", "17,005,207 words", "medians of 3 runs"):
        assert expected in flat
    assert max(map(len, text.splitlines())) <= 60
