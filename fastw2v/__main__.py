"""Command line: ``fastw2v`` (or ``python -m fastw2v``) train / phrases / similar / analogy /
eval / demo.

``fastw2v train`` takes the flags of the original word2vec C tool as they are (``-train
corpus.txt -output vectors.bin -size 200 -binary 1 ...``) and GNU-style long options
(``--train``, ``--min-count``, ...); ``fastw2v phrases`` those of its word2phrase (``-train
text.txt -output phrased.txt -min-count 5 -threshold 100 -debug 2``). Exit codes: 0 success,
2 usage error (a flag's value out of range, or a combination of flags that FastW2V refuses),
1 any other error (a one-line message on stderr).

``eval`` and ``demo`` score analogies with ``--analogies FILE``, else the file named by
$FASTW2V_ANALOGIES, else the Google analogy test set shipped in ``fastw2v/data``.
"""
import argparse
import logging
import os
import re
import sys
import time
from pathlib import Path

from ._checks import check_float, check_int

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_CORPUS = DATA_DIR / "wiki1m.txt.gz"
PACKAGED_ANALOGIES = DATA_DIR / "questions-words.txt"
DEMO_WORDS = ("king", "france", "music", "computer", "war")
# word2vec.c writes this end-of-line token into its -save-vocab files; fastw2v never sees it
END_OF_LINE_TOKEN = "</s>"


def _find_analogies(given):
    """The analogy file: `given` (--analogies), else $FASTW2V_ANALOGIES, else the copy of
    questions-words.txt in the package; FileNotFoundError naming the source if the chosen
    path is not a file (never another candidate in its place)."""
    for source, path in (("--analogies", given),
                         ("$FASTW2V_ANALOGIES", os.environ.get("FASTW2V_ANALOGIES")),
                         ("the package", PACKAGED_ANALOGIES)):
        if path:
            if not Path(path).is_file():
                raise FileNotFoundError(f"analogy file {str(path)!r} (from {source}) "
                                        "does not exist or is not a file")
            return Path(path)


def demo(args):
    """Trains skip-gram on the bundled 1M-word Wikipedia sample and shows what it learnt."""
    from . import FastW2V
    analogies = _find_analogies(args.analogies)  # before training: a wrong path fails at once
    print(f"corpus: {DEMO_CORPUS.name}, about 1M words of English Wikipedia "
          "(CC BY-SA 3.0, Wikipedia contributors)")
    model = FastW2V(corpus_file=DEMO_CORPUS, sg=1, sample=1e-4, epochs=args.epochs,
                    workers=args.workers, progress=not args.quiet)
    t0 = time.perf_counter()
    model.build_vocab()
    scan = time.perf_counter() - t0
    model.train()
    words = sum(r["words"] for r in model.history)
    seconds = sum(r["seconds"] for r in model.history)
    print(f"vocabulary: {len(model.wv)} words, scanned in {scan:.2f} s")
    print(f"training: {words:,} words in {seconds:.1f} s = {words / seconds:,.0f} words/s "
          f"on {model.workers} threads")
    for w in DEMO_WORDS:
        near = ", ".join(f"{k} {s:.2f}" for k, s in model.wv.most_similar(w, topn=6))
        print(f"  {w:>9}: {near}")
    acc, sections = model.wv.evaluate_word_analogies(analogies, restrict_vocab=30000)
    n = len(sections[-1]["correct"]) + len(sections[-1]["incorrect"])
    print(f"analogy accuracy: {100 * acc:.1f}% of {n} questions in vocabulary ({analogies})")
    return 0


def _number(kind, low, strict=False):
    """argparse type: a `kind` (int, or a finite float) at least `low` (above it if `strict`),
    checked by fastw2v._checks; argparse names the flag in front of the check's message."""
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            value = text  # not a number: the check refuses the text itself
        try:
            return (check_int("value", value, low) if kind is int
                    else check_float("value", value, low, strict))
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
    return parse


# the word2vec C tool's flags: (flag, GNU-style aliases, keyword arguments of add_argument)
C_TOOL_FLAGS = [
    ("-train", ["--train"], dict(metavar="FILE", required=True,
                                 help="training text (plain, .gz, .bz2, .xz)")),
    ("-output", ["--output"], dict(metavar="FILE", help="write the word vectors here")),
    ("-size", ["--size", "--vector-size"], dict(type=_number(int, 1), default=100,
                                                help="vector size (default 100)")),
    ("-window", ["--window"], dict(type=_number(int, 1), default=5,
                                   help="max skip length (default 5)")),
    ("-sample", ["--sample"], dict(type=_number(float, 0), default=1e-3,
                                   help="sub-sampling threshold, 0 = off (default 1e-3)")),
    ("-hs", ["--hs"], dict(type=int, choices=(0, 1), default=0,
                           help="hierarchical softmax (default 0)")),
    ("-negative", ["--negative"], dict(type=_number(int, 0), default=5,
                                       help="negative samples, 0 = off (default 5)")),
    ("-threads", ["--threads", "--workers"], dict(
        type=_number(int, 1), default=None, help="training threads (default: the usable cores)")),
    ("-iter", ["--iter", "--epochs"], dict(type=_number(int, 1), default=5,
                                           help="epochs (default 5)")),
    ("-min-count", ["--min-count"], dict(type=_number(int, 1), default=5,
                                         help="drop words rarer than this (default 5)")),
    ("-alpha", ["--alpha"], dict(
        type=_number(float, 0, strict=True), default=None,
        help="starting learning rate (default 0.025 skip-gram, 0.05 CBOW)")),
    ("-cbow", ["--cbow"], dict(type=int, choices=(0, 1), default=1,
                               help="1 CBOW, 0 skip-gram (default 1)")),
    ("-binary", ["--binary"], dict(type=int, choices=(0, 1), default=0,
                                   help="write vectors in binary (default 0: text)")),
    ("-save-vocab", ["--save-vocab"], dict(metavar="FILE", help="write 'word count' lines here")),
    ("-read-vocab", ["--read-vocab"], dict(metavar="FILE",
                                           help="take the vocabulary from this 'word count' file")),
    ("-debug", ["--debug"], dict(type=int, default=2, help="0 hides the progress bar (default 2)")),
]


# word2phrase's flags (-train and -min-count as word2vec's), then fastw2v's additions
PHRASES_FLAGS = [flag for flag in C_TOOL_FLAGS if flag[0] in ("-train", "-min-count")] + [
    ("-output", ["--output"], dict(metavar="FILE", required=True,
                                   help="write the phrased text here (.gz/.bz2/.xz: compressed)")),
    ("-threshold", ["--threshold"], dict(
        type=_number(float, -1), default=100.0,
        help="join a pair scoring above this (default 100; npmi: from -1 to 1)")),
    ("-debug", ["--debug"], dict(type=int, default=2,
                                 help="1: the vocabulary size, 2: and progress lines (default)")),
    ("--scoring", [], dict(choices=("default", "npmi"), default="default",
                           help="default: word2phrase's score; npmi: gensim's npmi_scorer")),
    ("--connector-words", [], dict(choices=("english",), default=None,
                                   help="english: gensim's ENGLISH_CONNECTOR_WORDS may sit "
                                        "inside phrases (bank_of_america)")),
]


# FastW2V's parameters that a train flag sets -> the flag's dest (min_alpha follows -alpha)
PARAMETER_DESTS = {"vector_size": "size", "window": "window", "sample": "sample", "hs": "hs",
                   "negative": "negative", "workers": "threads", "epochs": "iter",
                   "min_count": "min_count", "alpha": "alpha", "min_alpha": "alpha", "sg": "cbow",
                   "seed": "seed"}


def _usage_error(args, error):
    """SystemExit(2) with argparse's usage message if `error` (FastW2V's ValueError/TypeError
    about its parameters) names parameters set by flags: the flags, then the message."""
    named = dict.fromkeys(PARAMETER_DESTS[word] for word in re.findall(r"\w+", str(error))
                          if word in PARAMETER_DESTS)
    if not named:
        raise error
    args.parser.error(f"argument {', '.join(args.flags[dest] for dest in named)}: "
                      f"{_one_line(error)}")


def train(args):
    """Trains as word2vec.c would with the same flags and writes its output files."""
    from . import FastW2V
    from .formats.word2vec import read_vocab, write_vocab

    cbow = args.cbow == 1
    alpha = args.alpha if args.alpha is not None else (0.05 if cbow else 0.025)
    try:  # the constructor checks the hyperparameters together and against its limits
        # word2vec.c decays alpha linearly to alpha * 1e-4
        model = FastW2V(corpus_file=args.train, vector_size=args.size, window=args.window,
                        sample=args.sample, sg=int(not cbow), hs=args.hs, negative=args.negative,
                        alpha=alpha, min_alpha=alpha * 1e-4, epochs=args.iter,
                        min_count=args.min_count, workers=args.threads, seed=args.seed,
                        progress=args.debug > 0)
    except (ValueError, TypeError) as e:
        _usage_error(args, e)
    if args.read_vocab:
        counts = read_vocab(args.read_vocab)
        counts.pop(END_OF_LINE_TOKEN, None)
        model.build_vocab_from_freq(counts)
    else:
        model.build_vocab()
    print(f"vocabulary: {len(model.wv):,} words (min_count {model.min_count}); "
          f"{model.corpus.total_words:,} words of training text")
    if args.save_vocab:
        write_vocab(args.save_vocab, model.wv.index_to_key, model.wv.counts.tolist())
        print(f"wrote the vocabulary to {args.save_vocab}")
    if args.output:
        model.train()
        words = sum(r["words"] for r in model.history)
        seconds = sum(r["seconds"] for r in model.history)
        print(f"trained {'CBOW' if cbow else 'skip-gram'} on {words:,} words in {seconds:.1f} s "
              f"({words / max(seconds, 1e-9):,.0f} words/s, {model.workers} threads)")
        model.wv.save_word2vec_format(args.output, binary=bool(args.binary))
        print(f"wrote {len(model.wv):,} vectors of size {model.vector_size} to {args.output} "
              f"({'binary' if args.binary else 'text'})")
    return 0


def phrases(args):
    """Joins phrases as word2phrase would with the same flags, printing what it prints."""
    from ._word2phrase import word2phrase
    from .phrases import ENGLISH_CONNECTOR_WORDS

    if args.scoring == "default" and args.threshold < 0:
        args.parser.error(f"argument {args.flags['threshold']}: must be >= 0 for the default "
                          f"scoring, got {args.threshold!r}")
    if args.scoring == "npmi" and args.threshold > 1:
        args.parser.error(f"argument {args.flags['threshold']}: must be from -1 to 1 for npmi "
                          f"scoring, got {args.threshold!r}")
    if not Path(args.train).is_file():
        raise FileNotFoundError(f"-train {args.train!r}: no such file")
    if Path(args.output).is_dir() or not Path(args.output).absolute().parent.is_dir():
        raise FileNotFoundError(f"-output {args.output!r}: not a file in an existing directory")
    connector_words = (frozenset(w.encode() for w in ENGLISH_CONNECTOR_WORDS)
                       if args.connector_words == "english" else frozenset())

    def report(text):
        sys.stdout.write(text)
        sys.stdout.flush()

    word2phrase(args.train, args.output, min_count=args.min_count, threshold=args.threshold,
                scoring=args.scoring, connector_words=connector_words, debug=args.debug,
                report=report)
    return 0


def _load_vectors(path):
    """Vectors from a native fastw2v save (file or directory) or a word2vec text/binary file
    (format detected)."""
    from . import KeyedVectors
    from .formats.native import is_native
    from .formats.word2vec import is_binary_word2vec

    if is_native(path):
        return KeyedVectors.load(path)
    return KeyedVectors.load_word2vec_format(path, binary=is_binary_word2vec(path))


def similar(args):
    """Prints the nearest neighbours of each word: ``word<TAB>neighbour<TAB>similarity``."""
    kv = _load_vectors(args.vectors)
    results = kv.most_similar_batch(args.words, topn=args.topn, restrict_vocab=args.restrict_vocab)
    for word, neighbours in zip(args.words, results):
        for key, score in neighbours:
            print(f"{word}\t{key}\t{score:.4f}")
    return 0


def analogy(args):
    """Prints the answers to "A is to B as C is to ?": ``answer<TAB>score``."""
    kv = _load_vectors(args.vectors)
    search = kv.most_similar_cosmul if args.cosmul else kv.most_similar
    for key, score in search(positive=[args.b, args.c], negative=[args.a], topn=args.topn,
                             restrict_vocab=args.restrict_vocab):
        print(f"{key}\t{score:.4f}")
    return 0


def evaluate(args):
    """Prints analogy accuracy and word-pair correlations."""
    analogies = None if args.pairs and not args.analogies else _find_analogies(args.analogies)
    kv = _load_vectors(args.vectors)
    if analogies is not None:
        accuracy, sections = kv.evaluate_word_analogies(analogies,
                                                         restrict_vocab=args.restrict_vocab)
        n = len(sections[-1]["correct"]) + len(sections[-1]["incorrect"])
        print(f"analogies: {100 * accuracy:.2f}% of {n:,} questions in vocabulary "
              f"(restrict_vocab={args.restrict_vocab}; {analogies})")
    if args.pairs is not None:
        pearson, spearman, oov = kv.evaluate_word_pairs(args.pairs,
                                                        restrict_vocab=args.restrict_vocab)
        print(f"word pairs: Spearman {spearman.statistic:.4f}, Pearson {pearson.statistic:.4f}, "
              f"{oov:.1f}% pairs out of vocabulary ({args.pairs})")
    return 0


def _add_flags(parser, flags):
    """Adds C-tool flags (flag, aliases, options) to parser; returns their actions."""
    return [parser.add_argument(flag, *aliases, dest=flag.lstrip("-").replace("-", "_"),
                                **options) for flag, aliases, options in flags]


def _build_parser():
    parser = argparse.ArgumentParser(prog="fastw2v", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    t = sub.add_parser("train", allow_abbrev=False, help="train word vectors (word2vec.c flags)",
                       description="Train word vectors. Takes word2vec.c's flags (-train, -output, "
                                   "-size, ...) or the same names with two dashes.")
    actions = _add_flags(t, C_TOOL_FLAGS)
    actions.append(t.add_argument("--seed", type=_number(int, 0), default=1,
                                  help="random seed (default 1)"))
    t.add_argument("-classes", "--classes", help=argparse.SUPPRESS)
    t.set_defaults(func=train, parser=t,
                   flags={a.dest: "/".join(a.option_strings) for a in actions})

    p = sub.add_parser("phrases", allow_abbrev=False, help="join phrases (word2phrase's flags)",
                       description="Join phrases (new_york) as word2vec's word2phrase does, "
                                   "with its flags and output. For phrases of three words "
                                   "and more, run it again on its output, as word2vec's "
                                   "demo-phrases.sh does (-threshold 200, then 100).")
    actions = _add_flags(p, PHRASES_FLAGS)
    p.set_defaults(func=phrases, parser=p,
                   flags={a.dest: "/".join(a.option_strings) for a in actions})

    for name, func, help_text in (("similar", similar, "nearest neighbours of words"),
                                  ("analogy", analogy, "A is to B as C is to ?")):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("vectors", metavar="VECTORS",
                       help="word2vec text/binary file or fastw2v directory")
        if func is similar:
            p.add_argument("words", metavar="WORD", nargs="+")
        else:
            p.add_argument("a", metavar="A")
            p.add_argument("b", metavar="B")
            p.add_argument("c", metavar="C")
            p.add_argument("--cosmul", action="store_true",
                           help="rank by 3CosMul instead of 3CosAdd")
        p.add_argument("--topn", type=_number(int, 1), default=10,
                       help="results per query (default 10)")
        p.add_argument("--restrict-vocab", type=_number(int, 1), default=None, metavar="N",
                       help="search only the N most frequent words")
        p.set_defaults(func=func)

    p = sub.add_parser("eval", help="analogy accuracy and word-pair correlation",
                       description="Evaluate vectors on analogy questions and/or "
                                   "word-pair similarities.")
    p.add_argument("vectors", metavar="VECTORS",
                   help="word2vec text/binary file or fastw2v directory")
    p.add_argument("--analogies", metavar="FILE",
                   help="analogy questions, questions-words.txt format "
                        "(default: $FASTW2V_ANALOGIES, "
                        "else the Google analogy test set shipped with fastw2v; "
                        "none if only --pairs is given)")
    p.add_argument("--pairs", metavar="FILE", help="word1<TAB>word2<TAB>score lines (WordSim-353)")
    p.add_argument("--restrict-vocab", type=_number(int, 1), default=300000, metavar="N",
                   help="use only the N most frequent words (default 300000, as gensim)")
    p.set_defaults(func=evaluate)

    p = sub.add_parser("demo", help="train on the bundled 1M-word sample and show results")
    p.add_argument("--epochs", type=_number(int, 1), default=5)
    p.add_argument("--workers", type=_number(int, 1), default=None)
    p.add_argument("--analogies", metavar="FILE", default=None,
                   help="analogy questions, questions-words.txt format "
                        "(default: $FASTW2V_ANALOGIES, "
                        "else the Google analogy test set shipped with fastw2v)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=demo)
    return parser


def _one_line(error):
    """The message of an exception on one line (KeyError's str() adds quotes)."""
    message = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
    return " ".join(str(message).split()) or type(error).__name__


def main(argv=None):
    """Entry point of the ``fastw2v`` command.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 0 success, 1 error (message on stderr). Usage errors exit with 2
        through :class:`SystemExit`, as argparse does: a flag's value refused when parsed, or
        by FastW2V's constructor (a ValueError/TypeError naming parameters that train flags
        set; the message names those flags).
    """
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command == "train":
        if args.classes is not None:
            args.parser.error("-classes (k-means word classes) is not supported; "
                              "train vectors instead")
        if args.output is None and args.save_vocab is None:
            args.parser.error("nothing to write: give -output FILE and/or -save-vocab FILE")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("fastw2v: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # the command line reports every failure in one line
        print(f"fastw2v: error: {_one_line(e)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
