"""Measure every benchmark figure of the README in one run, keep the results in one JSON
file, then render the figures from it.

    python -m bench.figures                 # about 1 h 40 min on 2 cores (bench/README.md)

That is bench/compare.py with these options, then bench/plot.py on its JSON file:

- all modes (sg-ns, cbow-ns, sg-hs, cbow-hs) and tools (fastw2v, its classic skip-gram
  kernel, gensim, fastText where importable) on the whole corpus, 5 epochs, 2 workers;
- the scaling of sg-ns for fastw2v and gensim: the first 1M and 4M words besides the
  whole corpus (whose point is the run above), and 1 and 2 workers on the first 4M words;
- medians of 3 repeats (seeds 1, 2, 3).

Any other option goes to bench/compare.py unchanged and overrides these, e.g. a quick
try of the whole chain in a few minutes::

    python -m bench.figures --words 200000 --epochs 1 --repeats 1 \\
        --scaling-sizes 50000 100000 --scaling-workers-words 100000 \\
        --json /tmp/figures.json --out-dir /tmp/figures

Re-render the figures from an existing file without measuring::

    python -m bench.plot bench/results/figures-DATE.json
"""
import argparse
import datetime
import sys
from pathlib import Path

from bench import compare, plot

RESULTS_DIR = Path(__file__).resolve().parent / "results"
# The measurements of the figures, as bench/compare.py options; the rest are its defaults.
FIGURE_OPTIONS = ["--repeats", "3", "--scaling-sizes", "1000000", "4000000",
                  "--scaling-workers", "1", "2", "--scaling-workers-words", "4000000"]


def main(argv=None):
    """Run the measurements, write the JSON file, render the figures.

    Returns
    -------
    int
        bench/compare.py's status (0, 1 for unusable input, 2 if a run failed: the
        figures are rendered from the runs that succeeded), or plot.py's if that fails.
    """
    p = argparse.ArgumentParser(
        description="Measure every benchmark figure in one run (bench/compare.py with "
                    f"{' '.join(FIGURE_OPTIONS)}), write one JSON file, render the PNGs.",
        epilog="Every other option goes to bench/compare.py and overrides the above "
               "(see python -m bench.compare --help).")
    p.add_argument("--json", type=Path, default=None,
                   help="the results file (default: bench/results/figures-DATE.json)")
    p.add_argument("--out-dir", type=Path, default=plot.DEFAULT_OUT_DIR,
                   help="where the figures go (default: docs/)")
    args, compare_argv = p.parse_known_args(argv)
    results = args.json or RESULTS_DIR / f"figures-{datetime.date.today().isoformat()}.json"
    status = compare.main([*FIGURE_OPTIONS, *compare_argv, "--json", str(results)])
    if status == 1 or not results.is_file():
        return status or 1
    return plot.main([str(results), "--out-dir", str(args.out_dir)]) or status


if __name__ == "__main__":
    sys.exit(main())
