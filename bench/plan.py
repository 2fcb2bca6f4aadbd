"""What bench/compare.py runs: the tools, modes and their settings, the command-line
options, the scaling measurements and the order of the runs."""
import argparse
import ast
import importlib.util
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


# The shared data set beside the repository (tests/conftest.py: SHARED_DATA, the same one).
DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"


DEFAULT_CORPUS = DATA_DIR / "wiki17m.txt.gz"


DEFAULT_ANALOGIES = DATA_DIR / "eval" / "questions-words.txt"


DEFAULT_PAIRS = DATA_DIR / "eval" / "wordsim353.tsv"


TOOLS = ("fastw2v", "gensim", "fasttext")


# Runs of fastw2v with other constructor arguments, shown as tools of their own: name ->
# (extra arguments, the modes where they differ from plain fastw2v).
VARIANTS = {"fastw2v-classic": ({"kernel": "classic"}, ("sg-ns", "sg-hs"))}


def _fastw2v_modes():
    """fastw2v._layers.MODES, the one table of the modes (tests read it too), loaded from the
    source file beside bench/ without importing fastw2v: this process only plans and spawns
    the measured runs (bench.child.spawn), and importing fastw2v would bring numpy into it
    and, from the repository root, pick the source tree even where only an installed
    fastw2v has its compiled modules. _layers.py imports nothing of fastw2v."""
    spec = importlib.util.spec_from_file_location("bench._fastw2v_layers",
                                                  REPO_ROOT / "fastw2v" / "_layers.py")
    layers = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = layers  # dataclasses look their module up
    spec.loader.exec_module(layers)
    return layers.MODES


# The modes compared (constructor arguments of FastW2V and gensim); their learning rates.
MODES = _fastw2v_modes()


ALPHA = {1: 0.025, 0: 0.05}


MIN_ALPHA = 0.0001


SEED = 1


RESTRICT_VOCAB = 30000


# What the scaling measurements run: one mode, the libraries the README compares.
SCALING_MODE = "sg-ns"


SCALING_TOOLS = ("fastw2v", "gensim")


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
        Parser for bench/compare.py's options.
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
