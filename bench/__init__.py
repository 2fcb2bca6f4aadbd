"""The benchmarks of fastw2v against gensim and fastText (bench/README.md). Run them from
the repository root as modules: ``python -m bench.compare``, ``python -m bench.figures``...

bench/compare.py is the command line of the side-by-side comparison; its parts are
plan.py (tools, modes, options, the order of the runs), corpus.py (the benchmark file),
tools.py (one adapter per tool, and the evaluation), child.py (each run in a fresh
interpreter) and report.py (medians, tables, the JSON's summaries).
"""
