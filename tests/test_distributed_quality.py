"""fastw2v.distributed's quality on wiki17m (../shared/data, skipped without it): two copies
with the defaults against one process, CBOW-NS, seed 1, one thread per copy (so both
results are the same floats on every run). bench/distributed.py measures the other modes,
seeds and numbers of copies (bench/results/distributed-2026-12-03-seeds.md)."""
import gzip
import shutil

import pytest

from fastw2v import FastW2V
from fastw2v._layers import MODES

distributed = pytest.importorskip("distributed")
fd = pytest.importorskip("fastw2v.distributed")

SETTINGS = dict(MODES["cbow-ns"], vector_size=100, window=5, min_count=5, sample=1e-4,
                epochs=5, workers=1, seed=1)


@pytest.fixture(scope="module")
def wiki17m(tmp_path_factory, shared_file):
    """wiki17m as plain text: a plain file is split into shards, a compressed one is not."""
    path = tmp_path_factory.mktemp("wiki17m") / "wiki17m.txt"
    with gzip.open(shared_file("wiki17m.txt.gz"), "rb") as src, open(path, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 24)
    return str(path)


def scores(model, shared_file):
    """Analogy accuracy in percent (restrict_vocab 30000) and WS-353's Spearman rho."""
    analogies = model.wv.evaluate_word_analogies(shared_file("eval", "questions-words.txt"),
                                                 restrict_vocab=30000)[0]
    pairs = model.wv.evaluate_word_pairs(shared_file("eval", "wordsim353.tsv"))[1][0]
    return 100 * analogies, pairs


def test_two_copies_score_within_a_point_of_one_process(wiki17m, shared_file):
    one = scores(FastW2V(corpus_file=wiki17m, **SETTINGS).train(), shared_file)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        two = scores(fd.train(client, wiki17m, **SETTINGS), shared_file)
    # Measured (two copies minus one process, analogies / WS-353): seed 1 36.45 -> 35.42
    # (-1.03 / +0.002), seed 2 -0.53 / +0.013, seed 3 +0.65 / +0.003 (the draws of ed52075;
    # before it -0.15, +0.91, -0.56). The target, within a point, is on the median of seeds
    # (bench.distributed); one seed's gap spreads by about 0.7 around it, so one seed is held
    # to 1.5 points: a real loss (a lost merge, a wrong step) costs several (18 at P = 4 with
    # the step at 1, bench/results/distributed-2026-12-02-scaled.md).
    assert two[0] > one[0] - 1.5, f"analogies: one process {one[0]:.2f}, two copies {two[0]:.2f}"
    assert two[1] > one[1] - 0.01, f"WS-353: one process {one[1]:.4f}, two copies {two[1]:.4f}"
    assert one[0] > 30 and one[1] > 0.5  # (a model that learned: both are not just equal)
