"""Quality on real text: the first ~2M words of ../shared/data/wiki17m.txt.gz."""
import gzip
from pathlib import Path

import pytest

from fastw2v import FastW2V
from fastw2v._layers import MODES

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CORPUS = SHARED / "wiki17m.txt.gz"
ANALOGIES = SHARED / "eval" / "questions-words.txt"
PAIRS = SHARED / "eval" / "wordsim353.tsv"

pytestmark = pytest.mark.skipif(
    not (CORPUS.exists() and ANALOGIES.exists() and PAIRS.exists()),
    reason=f"needs the shared data set beside the repository ({SHARED})")


@pytest.fixture(scope="module")
def wiki2m(tmp_path_factory):
    path = tmp_path_factory.mktemp("wiki") / "wiki2m.txt"
    words = 0
    with gzip.open(CORPUS, "rt") as src, open(path, "w") as dst:
        for line in src:
            dst.write(line)
            words += len(line.split())
            if words >= 2_000_000:
                break
    return path


@pytest.mark.parametrize("mode, alpha, floor", [("cbow-ns", 0.05, 0.02), ("sg-ns", 0.025, 0.035)])
def test_analogies_and_word_similarity_on_2m_words(wiki2m, mode, alpha, floor):
    model = FastW2V(corpus_file=wiki2m, sample=1e-4, workers=2, epochs=5, alpha=alpha,
                    **MODES[mode]).train()
    accuracy, sections = model.wv.evaluate_word_analogies(ANALOGIES, restrict_vocab=30000)
    assert sections[-1]["section"] == "Total accuracy"
    assert len(sections[-1]["correct"]) + len(sections[-1]["incorrect"]) > 5000
    assert accuracy > floor
    spearman = model.wv.evaluate_word_pairs(PAIRS)[1]
    assert spearman[0] > 0.25
