"""Fixtures shared by the test modules."""
import pytest

from fastw2v import readers


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
