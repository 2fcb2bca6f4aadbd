"""Fixtures and factories shared by the test modules."""
import bz2
import gzip
import lzma
import os
import signal
from pathlib import Path

import numpy as np
import pytest

import fastw2v
from fastw2v import FastW2V, KeyedVectors, readers
from fastw2v._layers import MODES

# A suite started in the background of a non-interactive shell (`pytest &`, nohup) inherits
# SIGINT ignored, and so would every child it starts (Python installs no handler for an
# ignored SIGINT): the Ctrl-C tests would then wait for a child that never sees the signal.
# Python's usual handler, whoever started the suite (its children then start with SIGINT at
# its default and install theirs).
signal.signal(signal.SIGINT, signal.default_int_handler)

# The shared data set beside the repository: wiki17m.txt.gz and eval/ (the analogy and
# word-pair files). bench/plan.py's DATA_DIR is the same directory, for the benchmarks.
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def shared_file():
    """``shared_file(*parts)``: the path of a file of the shared data set; the test is
    skipped, naming the file, when it is missing."""
    def path(*parts):
        found = SHARED_DATA.joinpath(*parts)
        if not found.is_file():
            pytest.skip(f"needs {found} of the shared data set beside the repository")
        return found
    return path


# Every way to train: the modes everyone compares (fastw2v._layers.MODES, bench/ too), the
# full softmax, and skip-gram's classic kernel beside its default batched one.
TRAINING_MODES = {
    **MODES,
    "sg-softmax": {"sg": 1, "hs": 0, "negative": 0, "softmax": 1},
    "cbow-softmax": {"sg": 0, "hs": 0, "negative": 0, "softmax": 1},
    "sg-ns-classic": {**MODES["sg-ns"], "kernel": "classic"},
    "sg-hs-classic": {**MODES["sg-hs"], "kernel": "classic"},
}


@pytest.fixture(params=list(TRAINING_MODES))
def training_mode(request):
    """The constructor arguments of a mode of TRAINING_MODES: a test that takes it runs
    once in each."""
    return TRAINING_MODES[request.param]


def four_word_texts():
    """20 texts of the words alpha, beta, gamma and delta, three times each."""
    return [["alpha", "beta", "gamma", "delta"] * 3 for _ in range(20)]


def cyclic_texts(n_texts=200, length=30, vocab=40):
    """``n_texts`` texts of ``length`` words of the vocabulary w0 ... w{vocab - 1}, in order
    and round again, each text starting 7 words after the one before: every word about
    equally frequent, every text a different piece."""
    return [[f"w{(i * 7 + j) % vocab}" for j in range(length)] for i in range(n_texts)]


def zipf_texts(n_texts=300, vocab=400, seed=0, a=1.5, max_length=80):
    """``n_texts`` texts of 1 to ``max_length - 1`` words w0 ... w{vocab - 1} drawn from a
    Zipf law of exponent ``a`` (modulo ``vocab``): a few frequent words, many rare ones."""
    rng = np.random.default_rng(seed)
    return [[f"w{k}" for k in rng.zipf(a, size=rng.integers(1, max_length)) % vocab]
            for _ in range(n_texts)]


# The corpus files the reader decompresses, by suffix (any other suffix: plain text).
CORPUS_OPENERS = {".txt": open, ".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def write_corpus(path, texts):
    """Writes ``texts`` to the corpus file ``path``, a text a line, its words between
    spaces, in UTF-8, compressed as CORPUS_OPENERS says for its suffix; returns ``path``."""
    with CORPUS_OPENERS.get(path.suffix, open)(path, "wt", encoding="utf-8") as f:
        for t in texts:
            f.write(" ".join(t) + "\n")
    return path


def small_model(texts, **params):
    """A FastW2V on ``texts`` that trains in milliseconds: every word kept, 8 dimensions,
    one worker (so bit-reproducible), one epoch; ``params`` override these."""
    return FastW2V(texts, **dict(dict(min_count=1, vector_size=8, workers=1, epochs=1),
                                 **params))


def random_kv(n=50, dim=8, seed=0):
    """KeyedVectors of the keys w0 ... w{n - 1}: standard normal float32 vectors drawn with
    ``seed``, counts n, n - 1, ..., 1."""
    vectors = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return KeyedVectors(vectors, [f"w{i}" for i in range(n)], np.arange(n, 0, -1))


def assert_same_weights(a, b):
    """FastW2V models ``a`` and ``b`` hold the same input vectors and output layers, bit for
    bit."""
    np.testing.assert_array_equal(a.wv.vectors, b.wv.vectors)
    assert a._outputs.keys() == b._outputs.keys()
    for name, weights in a._outputs.items():
        np.testing.assert_array_equal(b._outputs[name], weights)


def assert_same_model(a, b):
    """FastW2V models ``a`` and ``b`` hold the same vocabulary in the same order, the same
    weights (assert_same_weights) and the same training history."""
    assert a.wv.index_to_key == b.wv.index_to_key
    assert_same_weights(a, b)
    assert a.history == b.history


def child_env():
    """The environment of a child ``python`` that imports the fastw2v this process imported
    (installed, or built in place)."""
    return dict(os.environ, PYTHONPATH=str(Path(fastw2v.__file__).resolve().parents[1]))


def gensim_models():
    """gensim.models, against which some tests check their results: a test that calls this
    is skipped from there on when gensim is not installed, and the rest of its module runs."""
    return pytest.importorskip("gensim.models", reason="gensim is not installed")


@pytest.fixture
def space_searches(monkeypatch):
    """The sizes of the byte strings that the corpus reader searches for a space, in order:
    their sum shows whether a reader is linear in its input."""
    searched, pattern = [], readers._LAST_SPACE

    class Counting:
        def search(self, data):
            searched.append(len(data))
            return pattern.search(data)

    monkeypatch.setattr(readers, "_LAST_SPACE", Counting())
    return searched
