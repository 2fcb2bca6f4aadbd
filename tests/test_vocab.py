"""Counting, ordering, pruning, sub-sampling thresholds, the noise sampler, Huffman codes."""
import collections
import heapq

import numpy as np
import pytest
from conftest import zipf_texts
from reference import SplitMix

from fastw2v import FastW2V
from fastw2v.corpus import MAX_TEXT_WORDS
from fastw2v.vocab import alias_table, huffman_paths, keep_thresholds


def test_counts_are_exact_and_sorted_with_gensims_ties():
    texts = zipf_texts(200, vocab=300, a=1.3, max_length=60)
    model = FastW2V(texts, min_count=3).build_vocab()
    expected = collections.Counter(w for t in texts for w in t)
    first_seen = {}
    for t in texts:
        for w in t:
            first_seen.setdefault(w, len(first_seen))
    kept = sorted((w for w, c in expected.items() if c >= 3),
                  key=lambda w: (-expected[w], -first_seen[w]))  # gensim: the last seen first
    assert model.wv.index_to_key == kept
    assert [model.wv.get_vecattr(w, "count") for w in kept] == [expected[w] for w in kept]
    assert model.corpus.total_words == sum(expected[w] for w in kept)
    # the stream holds the texts, minus the dropped words, in order
    index = model.wv.key_to_index
    flat = [index[w] for t in texts for w in t if w in index]
    assert model.corpus.ids.tolist() == flat


def test_generator_is_read_once():
    texts = zipf_texts(50, vocab=300, a=1.3, max_length=60)
    model = FastW2V((t for t in texts), min_count=1, epochs=2, vector_size=8).train()
    assert len(model.history) == 2
    assert model.corpus.total_words == sum(map(len, texts))


def test_long_text_is_split_not_truncated():
    text = [f"w{i % 100}" for i in range(2 * MAX_TEXT_WORDS + 123)]
    model = FastW2V([text, ["w1", "w2"]], min_count=1, vector_size=8).build_vocab()
    assert np.diff(model.corpus.offsets).tolist() == [MAX_TEXT_WORDS, MAX_TEXT_WORDS, 123, 2]
    model.train()
    assert model.history[0]["words"] == len(text) + 2


def test_max_vocab_size_prunes_while_scanning():
    texts = [["common"] * 5 + [f"rare{i}"] for i in range(1000)]
    model = FastW2V(texts, min_count=1, max_vocab_size=50, vector_size=8).build_vocab()
    assert len(model.wv) <= 50
    assert model.wv.index_to_key[0] == "common"
    assert model.wv.get_vecattr("common", "count") == 5000


def test_keep_thresholds_follow_word2vec():
    counts = np.array([1000, 100, 10, 1])
    keep = keep_thresholds(counts, 1e-2) / 2.0 ** 32
    t = 1e-2 * counts.sum()
    np.testing.assert_allclose(keep, np.minimum(1, (np.sqrt(counts / t) + 1) * t / counts),
                               atol=1e-9)
    assert (keep_thresholds(counts, 0) == 2 ** 32).all()


def test_noise_sampler_draws_count_power():
    counts = np.array([500, 200, 100, 50, 20, 5, 1], dtype=float)
    weights = counts ** 0.75
    prob, alias = alias_table(weights)

    class V:
        alias_prob, alias_index = prob, alias

        def __len__(self):
            return len(counts)

    rng = SplitMix(1, 0, 0)
    n = 200000
    draws = np.bincount([rng.noise(V()) for _ in range(n)], minlength=len(counts))
    expected = weights / weights.sum() * n
    assert np.all(np.abs(draws - expected) < 5 * np.sqrt(expected) + 1), (draws, expected)


def test_huffman_codes_are_prefix_free_and_optimal():
    rng = np.random.default_rng(0)
    counts = np.sort(rng.integers(1, 1000, size=200))[::-1]
    codes, points, offsets = huffman_paths(counts)
    paths = ["".join(map(str, codes[offsets[i]:offsets[i + 1]])) for i in range(len(counts))]
    assert len(set(paths)) == len(paths)
    for a in paths:
        assert not any(b != a and b.startswith(a) for b in paths)
    # optimal: total weighted length equals the sum of all merge weights
    heap = list(map(int, counts))
    heapq.heapify(heap)
    cost = 0
    while len(heap) > 1:
        merged = heapq.heappop(heap) + heapq.heappop(heap)
        cost += merged
        heapq.heappush(heap, merged)
    assert sum(len(p) * c for p, c in zip(paths, counts)) == cost
    # inner nodes: the root (last inner node) first on every path
    assert all(points[offsets[i]] == len(counts) - 2 for i in range(len(counts)))
    assert points.min() >= 0 and points.max() == len(counts) - 2


def test_min_count_error_names_the_most_frequent_word():
    with pytest.raises(ValueError, match=r"min_count=10.*'a'.* 3 times"):
        FastW2V([["a", "a", "b", "a"]], min_count=10).build_vocab()
