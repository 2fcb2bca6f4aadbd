"""Quality on real text: the first ~2M words of ../shared/data/wiki17m.txt.gz."""
import gzip

import pytest

from fastw2v import FastW2V
from fastw2v._layers import MODES


@pytest.fixture(scope="module")
def wiki2m(tmp_path_factory, shared_file):
    path = tmp_path_factory.mktemp("wiki") / "wiki2m.txt"
    words = 0
    with gzip.open(shared_file("wiki17m.txt.gz"), "rt") as src, open(path, "w") as dst:
        for line in src:
            dst.write(line)
            words += len(line.split())
            if words >= 2_000_000:
                break
    return path


@pytest.mark.parametrize("mode, alpha, floor", [("cbow-ns", 0.05, 0.02), ("sg-ns", 0.025, 0.035)])
def test_analogies_and_word_similarity_on_2m_words(wiki2m, shared_file, mode, alpha, floor):
    model = FastW2V(corpus_file=wiki2m, sample=1e-4, workers=2, epochs=5, alpha=alpha,
                    **MODES[mode]).train()
    accuracy, sections = model.wv.evaluate_word_analogies(
        shared_file("eval", "questions-words.txt"), restrict_vocab=30000)
    assert sections[-1]["section"] == "Total accuracy"
    assert len(sections[-1]["correct"]) + len(sections[-1]["incorrect"]) > 5000
    assert accuracy > floor
    spearman = model.wv.evaluate_word_pairs(shared_file("eval", "wordsim353.tsv"))[1]
    assert spearman[0] > 0.25
