"""Training cost per word of the three output layers against the vocabulary size.

Negative sampling costs the same whatever the vocabulary (k + 1 rows per example),
hierarchical softmax grows with the log of it (the Huffman path), the full softmax linearly
(every row, every example). This script shows it: for vocabularies of 1k, 10k and 100k
words it trains CBOW (one output-layer example per word) on Zipf-distributed text and
reports the median microseconds per word over several runs.

Usage (from the repository root, fastw2v installed or built in place)::

    python bench/output_cost.py                      # 1k, 10k, 100k words; ~2 minutes
    python bench/output_cost.py --vocab 1000 10000 --repeats 5 --json out.json

The vocabulary is built from a text holding every word once; the timed runs then
continue training (``model.train(sentences=...)``) on N Zipf-drawn words, N doubled until
one run lasts at least ``--min-seconds``, so that a slow layer is timed on fewer words.
"""
import argparse
import json
import statistics
import sys
import time

import numpy as np

from fastw2v import FastW2V

LAYERS = {"negative sampling": dict(negative=5), "hierarchical softmax": dict(hs=1, negative=0),
          "full softmax": dict(softmax=1, negative=0)}


def zipf_texts(vocab_size, n_words, rng, text_len=1000):
    """n_words word ids drawn with probability ~ 1 / rank, as texts of text_len words."""
    p = 1.0 / np.arange(1, vocab_size + 1)
    ids = rng.choice(vocab_size, size=n_words, p=p / p.sum())
    words = np.array([f"w{i}" for i in range(vocab_size)], dtype=object)
    return [list(words[ids[i:i + text_len]]) for i in range(0, n_words, text_len)]


def seconds_per_word(model, vocab_size, min_seconds, rng):
    """Times continued training on ever more words until one run lasts min_seconds."""
    n = 1000
    while True:
        texts = zipf_texts(vocab_size, n, rng)
        t0 = time.perf_counter()
        model.train(sentences=texts, epochs=1)
        elapsed = time.perf_counter() - t0
        if elapsed >= min_seconds:
            return elapsed / n
        n *= 2


def measure(vocab_size, layer, args):
    rng = np.random.default_rng(0)
    model = FastW2V([[f"w{i}" for i in range(vocab_size)]], min_count=1, sg=0, sample=0,
                    vector_size=args.vector_size, workers=args.workers, **LAYERS[layer])
    model.build_vocab()
    runs = [seconds_per_word(model, vocab_size, args.min_seconds, rng)
            for _ in range(args.repeats)]
    return statistics.median(runs) * 1e6, runs


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--vocab", type=int, nargs="+", default=[1000, 10000, 100000])
    p.add_argument("--layers", nargs="+", choices=list(LAYERS), default=list(LAYERS))
    p.add_argument("--vector-size", type=int, default=100)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--min-seconds", type=float, default=1.0)
    p.add_argument("--json", default=None, help="write all runs to this file")
    args = p.parse_args(argv)
    results = {}
    for layer in args.layers:
        for v in args.vocab:
            median, runs = measure(v, layer, args)
            results[f"{layer}@{v}"] = dict(layer=layer, vocab=v, us_per_word=median,
                                           runs_us=[r * 1e6 for r in runs])
            print(f"{layer:>22} vocab {v:>7}: {median:10.2f} us/word", file=sys.stderr)
    print(f"\nCBOW, vector_size={args.vector_size}, workers={args.workers}, median of "
          f"{args.repeats} runs, microseconds per word\n")
    print("| vocabulary | " + " | ".join(args.layers) + " |")
    print("|---:|" + "---:|" * len(args.layers))
    for v in args.vocab:
        cells = [f"{results[f'{layer}@{v}']['us_per_word']:.2f}" for layer in args.layers]
        print(f"| {v:,} | " + " | ".join(cells) + " |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(settings=vars(args), results=results), f, indent=1)


if __name__ == "__main__":
    main()
