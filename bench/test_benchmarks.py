"""pytest-benchmark suites: fastw2v and gensim side by side, one benchmark group per task.

    python -m pytest bench/ --benchmark-only                 # about 40 s on 2 cores
    python -m pytest bench/ --benchmark-only -k train        # training only

Not part of the CI test command (pytest's testpaths is tests/); fastw2v must be installed or
built in place (``python setup.py build_ext --inplace``). Training and the scan run on
the first 1M words of ../shared/data/wiki17m.txt.gz (one epoch, 2 workers, the settings of
bench/compare.py); the queries and persistence run on the vectors that fastw2v trains there,
loaded into both libraries. Skips with the reason when the data is missing, and the runs of
gensim and the comparisons when gensim is.
"""
import os

import numpy as np
import pytest

from bench.corpus import prepare_corpus
from bench.plan import ALPHA, DEFAULT_CORPUS, MODES, VARIANTS
from fastw2v import FastW2V, KeyedVectors

SLICE_WORDS = 1_000_000
COMMON = dict(vector_size=100, window=5, min_count=5, sample=1e-4, epochs=1, workers=2,
              seed=1)
# fastw2v's kernels: the default (batched for skip-gram) and the classic one where it differs
KERNELS = {mode: ("auto", "classic") for mode in VARIANTS["fastw2v-classic"][1]}
ROUNDS = 3


@pytest.fixture(scope="session")
def gensim_models():
    return pytest.importorskip("gensim.models", reason="gensim is not installed")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    """The first 1M words of wiki17m (whole lines) as a plain-text file."""
    if not DEFAULT_CORPUS.is_file():
        pytest.skip(f"the benchmark corpus {DEFAULT_CORPUS} is missing")
    return str(prepare_corpus(DEFAULT_CORPUS, SLICE_WORDS, tmp_path_factory.mktemp("corpus"),
                              name="wiki1m.txt")[0])


def settings(mode):
    return dict(COMMON, **MODES[mode], alpha=ALPHA[MODES[mode]["sg"]])


def fastw2v_model(corpus, mode, **extra):
    return FastW2V(corpus_file=corpus, **settings(mode), **extra)


def gensim_model(gensim_models, mode):
    return gensim_models.Word2Vec(**settings(mode))


CASES = [(mode, "fastw2v", kernel) for mode in MODES for kernel in KERNELS.get(mode, ("auto",))]
CASES += [(mode, "gensim", None) for mode in MODES]


@pytest.mark.parametrize("mode, tool, kernel", CASES,
                         ids=[f"{m}-{t}" + (f"-{k}" if k not in (None, "auto") else "")
                              for m, t, k in CASES])
def test_train(benchmark, request, corpus, mode, tool, kernel):
    """One epoch of training; the vocabulary is built untimed before each round."""
    benchmark.group = f"train {mode}"

    if tool == "fastw2v":
        def setup():
            return (fastw2v_model(corpus, mode, kernel=kernel).build_vocab(),), {}

        def train(model):
            model.train()
    else:
        gensim_models = request.getfixturevalue("gensim_models")

        def setup():
            model = gensim_model(gensim_models, mode)
            model.build_vocab(corpus_file=corpus)
            return (model,), {}

        def train(model):
            model.train(corpus_file=corpus, total_words=model.corpus_total_words,
                        epochs=model.epochs)
    benchmark.pedantic(train, setup=setup, rounds=ROUNDS, iterations=1)


@pytest.mark.parametrize("tool", ["fastw2v", "gensim"])
def test_vocabulary_scan(benchmark, request, corpus, tool):
    benchmark.group = "vocabulary scan"
    if tool == "fastw2v":
        benchmark.pedantic(lambda: fastw2v_model(corpus, "sg-ns").build_vocab(),
                           rounds=ROUNDS, iterations=1)
    else:
        gensim_models = request.getfixturevalue("gensim_models")
        benchmark.pedantic(
            lambda: gensim_model(gensim_models, "sg-ns").build_vocab(corpus_file=corpus),
            rounds=ROUNDS, iterations=1)


@pytest.fixture(scope="session")
def vectors(corpus, gensim_models):
    """The same trained vectors in both libraries: (fastw2v KeyedVectors, gensim's)."""
    wv = fastw2v_model(corpus, "sg-ns").train().wv
    twin = gensim_models.KeyedVectors(wv.vector_size)
    twin.add_vectors(wv.index_to_key, wv.vectors)
    return wv, twin


QUERIES = 1000


@pytest.mark.parametrize("tool", ["fastw2v", "gensim"])
def test_most_similar_single(benchmark, vectors, tool):
    benchmark.group = "most_similar, one query"
    kv = vectors[0] if tool == "fastw2v" else vectors[1]
    kv.most_similar("king", topn=10)  # unit vectors cached outside the timing
    result = benchmark(kv.most_similar, "king", topn=10)
    assert [k for k, _ in result] == [k for k, _ in vectors[1].most_similar("king", topn=10)]


@pytest.mark.parametrize("tool", ["fastw2v", "gensim"])
def test_most_similar_batch(benchmark, vectors, tool):
    """fastw2v answers the queries in one most_similar_batch call, gensim one by one."""
    benchmark.group = f"most_similar, {QUERIES} queries"
    wv, twin = vectors
    keys = wv.index_to_key[:QUERIES]
    if tool == "fastw2v":
        wv.get_normed_vectors()
        benchmark.pedantic(wv.most_similar_batch, args=(keys,), kwargs=dict(topn=10),
                           rounds=ROUNDS, iterations=1)
    else:
        twin.fill_norms()
        benchmark.pedantic(lambda: [twin.most_similar(k, topn=10) for k in keys],
                           rounds=ROUNDS, iterations=1)


@pytest.mark.parametrize("tool", ["fastw2v", "gensim"])
def test_save_load(benchmark, gensim_models, vectors, tool, tmp_path):
    """Saving the vectors in each library's native format and loading them back."""
    benchmark.group = "save + load"
    wv, twin = vectors
    path = tmp_path / "vectors"

    def round_trip():
        if tool == "fastw2v":
            wv.save(path)
            return KeyedVectors.load(path)
        twin.save(os.fspath(path))
        return gensim_models.KeyedVectors.load(os.fspath(path))

    loaded = benchmark.pedantic(round_trip, rounds=ROUNDS, iterations=1)
    np.testing.assert_array_equal(loaded.vectors, wv.vectors)
