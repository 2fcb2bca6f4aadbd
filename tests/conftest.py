"""Fixtures and factories shared by the test modules."""
from pathlib import Path

import pytest

from fastw2v import corpus

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


class OptionalModule:
    """A module imported when a test first reads one of its names: that test is skipped when
    the module is not installed, and the rest of its test module runs (gensim, against which
    some tests check their results, is such a module)."""

    def __init__(self, name):
        self._name = name

    def __getattr__(self, attr):
        if attr.startswith("_"):  # special names, which pytest's collection looks up
            raise AttributeError(attr)
        return getattr(pytest.importorskip(self._name, reason=f"{self._name} is not installed"),
                       attr)


@pytest.fixture
def space_searches(monkeypatch):
    """The sizes of the byte strings that the corpus reader searches for a space, in order:
    their sum shows whether a reader is linear in its input."""
    searched, pattern = [], corpus._LAST_SPACE

    class Counting:
        def search(self, data):
            searched.append(len(data))
            return pattern.search(data)

    monkeypatch.setattr(corpus, "_LAST_SPACE", Counting())
    return searched
