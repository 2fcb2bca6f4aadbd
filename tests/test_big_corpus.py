"""A corpus beyond max_corpus_ram: the id stream spills to a memory-mapped temporary file."""
import gc
import sys

import numpy as np
import pytest
from conftest import small_model, zipf_texts

from fastw2v import FastW2V, _scan

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def trained_pair(texts, budget, **kw):
    params = dict(min_count=2, epochs=2, seed=3, **kw)
    in_ram = small_model(texts, max_corpus_ram=None, **params).train()
    mapped = small_model(texts, max_corpus_ram=budget, **params).train()
    return in_ram, mapped


@pytest.mark.parametrize("budget, block", [(0, 1 << 20), (400, 7), (4000, 64)])
def test_spilled_stream_equals_the_one_in_ram(budget, block, monkeypatch):
    """Every budget and spill block size (down to blocks shorter than a text) gives the same
    stream, the same texts, and with one worker the same vectors bit for bit."""
    monkeypatch.setattr(_scan, "SPILL_BLOCK_IDS", block)
    texts = zipf_texts()
    texts[5] = ["hapax1", "hapax2"]  # a text that min_count empties
    in_ram, mapped = trained_pair(texts, budget, max_vocab_size=300)
    assert not in_ram.corpus.memory_mapped
    assert mapped.corpus.memory_mapped and isinstance(mapped.corpus.ids, np.memmap)
    assert mapped.corpus.ids.tolist() == in_ram.corpus.ids.tolist()
    assert mapped.corpus.offsets.tolist() == in_ram.corpus.offsets.tolist()
    assert mapped.corpus.n_texts == 299
    np.testing.assert_array_equal(mapped.wv.vectors, in_ram.wv.vectors)


def test_budget_above_the_corpus_keeps_it_in_ram():
    texts = zipf_texts(50)
    model = small_model(texts, max_corpus_ram=4 * sum(map(len, texts)) + 4)
    assert not model.build_vocab().corpus.memory_mapped


def test_continued_training_on_new_text_spills_too():
    texts = zipf_texts(100)
    model = small_model(texts, max_corpus_ram=0).train()
    model.train(sentences=texts[:10] + [["unknown"]])
    assert model.history[-1]["words"] == sum(map(len, texts[:10]))
    with pytest.raises(ValueError, match="none of the words"):
        model.train(sentences=[["unknown"]])


def mappings_in(directory):
    with open("/proc/self/maps") as f:
        return [line for line in f if str(directory) in line]


@linux_only
def test_temporary_file_lives_in_tmp_dir_and_goes_with_the_corpus(tmp_path):
    model = small_model(zipf_texts(), max_corpus_ram=0, tmp_dir=tmp_path).build_vocab()
    assert len(mappings_in(tmp_path)) == 1
    assert "(deleted)" in mappings_in(tmp_path)[0]  # unlinked: nothing to clean up
    assert list(tmp_path.iterdir()) == []
    model.corpus = None
    gc.collect()
    assert mappings_in(tmp_path) == []


def resident_kb(directory):
    """Rss of the mapping of a file in `directory`, from /proc/self/smaps."""
    with open("/proc/self/smaps") as f:
        lines = f.read().splitlines()
    start = next(i for i, line in enumerate(lines) if str(directory) in line)
    return next(int(line.split()[1]) for line in lines[start + 1:] if line.startswith("Rss:"))


@linux_only
def test_evict_releases_the_pages_and_keeps_the_data(tmp_path):
    texts = [[f"w{i % 97}" for i in range(1000)] for _ in range(300)]
    model = small_model(texts, max_corpus_ram=0, tmp_dir=tmp_path).build_vocab()
    ids = model.corpus.ids
    expected = small_model(texts, max_corpus_ram=None).build_vocab().corpus.ids
    assert np.array_equal(ids, expected)  # reads all 1.2 MB
    assert resident_kb(tmp_path) > 1000
    model.corpus.evict()
    assert resident_kb(tmp_path) == 0
    assert np.array_equal(ids, expected)
    model.train()  # evicts as it goes and at the end of the epoch
    assert resident_kb(tmp_path) == 0 and model.history[0]["words"] == 300000


def test_bad_budget_and_tmp_dir(tmp_path):
    with pytest.raises(ValueError, match="max_corpus_ram must be an int >= 0 or None, got -1"):
        FastW2V([["a"]], max_corpus_ram=-1)
    with pytest.raises(FileNotFoundError, match="tmp_dir '.*nope' does not exist"):
        FastW2V([["a"]], tmp_dir=tmp_path / "nope")
    (tmp_path / "f").write_text("x")
    with pytest.raises(NotADirectoryError, match="tmp_dir '.*f' is not a directory"):
        FastW2V([["a"]], tmp_dir=tmp_path / "f")
