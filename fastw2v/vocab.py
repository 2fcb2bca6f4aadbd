"""Vocabulary: frequency-sorted words, sub-sampling thresholds, noise sampler, Huffman tree."""
import heapq

import numpy as np

_TWO32 = 1 << 32


class Vocab:
    """The final vocabulary and the tables the training kernels read.

    Parameters
    ----------
    words : list of str
        In the order of :func:`final_order`.
    counts : int64 array
    sample : float
        Sub-sampling threshold (word2vec's ``-sample``); 0 disables it.
    ns_exponent : float
        Exponent of the counts in the noise distribution of negative sampling.
    tables : iterable of str
        The tables the model's output layers read (their ``tables`` in
        :mod:`fastw2v._layers`): the noise sampler for ``alias_prob`` / ``alias_index``, the
        Huffman paths for ``codes`` / ``points`` / ``path_offsets``. A table no layer reads
        is a placeholder of the same shape and dtype that draws nothing useful: the alias
        table samples uniformly, the paths are empty.
    paths : tuple of three arrays, optional
        The Huffman paths of a tree read from a file, ``(codes, points, path_offsets)`` as
        the attributes below hold them, used instead of building the tree of `counts` (the
        hs output layer saved with them is indexed by that tree's inner nodes; a tree of
        the same counts may break ties otherwise). Checked by :func:`checked_paths`.

    Attributes
    ----------
    keep_threshold : uint64 array
        Word w is kept when a uniform 32-bit draw is below it; ``2**32`` means always kept.
        Keep probability is word2vec.c's ``(sqrt(c / t) + 1) * t / c`` with
        ``t = sample * total words``.
    alias_prob, alias_index : uint32, int32 arrays
        Walker's alias table for O(1) draws from ``counts ** ns_exponent``.
    codes, points, path_offsets : uint8, int32, int64 arrays
        Huffman path of word w, root first: ``codes[path_offsets[w]:path_offsets[w + 1]]``
        are its branch bits and ``points[...]`` the inner nodes (rows of the hs output layer).

    Raises
    ------
    ValueError
        ``tables`` names a table Vocab does not build, or `paths` are not the paths of a
        tree of these words.
    """

    def __init__(self, words, counts, sample=1e-3, ns_exponent=0.75, tables=(), paths=None):
        self.words = list(words)
        self.counts = np.asarray(counts, dtype=np.int64)
        self.keep_threshold = keep_thresholds(self.counts, sample)
        n, wanted = len(self.words), set(tables)
        unknown = wanted - {"alias_prob", "alias_index", "codes", "points", "path_offsets"}
        if unknown:
            raise ValueError(f"Vocab builds no table {', '.join(sorted(unknown))}")
        if wanted & {"alias_prob", "alias_index"}:
            self.alias_prob, self.alias_index = alias_table(self.counts.astype(np.float64)
                                                            ** ns_exponent)
        else:
            self.alias_prob = np.full(n, _TWO32 - 1, np.uint32)
            self.alias_index = np.arange(n, dtype=np.int32)
        if wanted & {"codes", "points", "path_offsets"}:
            self.codes, self.points, self.path_offsets = huffman_paths(self.counts) \
                if paths is None else checked_paths(n, *paths)
        else:
            self.codes = np.zeros(0, np.uint8)
            self.points = np.zeros(0, np.int32)
            self.path_offsets = np.zeros(n + 1, np.int64)

    def __len__(self):
        return len(self.words)


#: What a ``trim_rule(word, count, min_count)`` returns, gensim's values
#: (``gensim.utils.RULE_*``): the word is kept when ``count >= min_count``, dropped, kept.
RULE_DEFAULT, RULE_DISCARD, RULE_KEEP = 0, 1, 2
#: gensim's null word (``null_word=1``): an entry of count 1 that no text holds.
NULL_WORD = "\0"


def keep_word(word, count, min_count, trim_rule=None):
    """Whether a word stays (gensim's ``keep_vocab_item``): what ``trim_rule`` says, and for
    RULE_DEFAULT (or any other value, or no rule) whether ``count >= min_count``."""
    if trim_rule is not None:
        rule = trim_rule(word, count, min_count)
        if rule == RULE_KEEP:
            return True
        if rule == RULE_DISCARD:
            return False
    return count >= min_count


def kept(words, counts, alive, min_count, trim_rule=None):
    """Mask of the words that stay (:func:`keep_word`) among those ``alive`` (a mask)."""
    if trim_rule is None:
        return alive & (counts >= min_count)
    return np.fromiter((a and keep_word(w, c, min_count, trim_rule)
                        for w, c, a in zip(words, counts.tolist(), alive.tolist())),
                       dtype=bool, count=len(words))


def effective_min_count(counts, min_count, max_final_vocab=None):
    """The min_count applied (gensim's ``effective_min_count``): with ``max_final_vocab``,
    raised to one more than the count of the word ranked ``max_final_vocab`` (0-based) in
    ``counts`` (the words scanned and not pruned), and at least 1."""
    if max_final_vocab is None:
        return min_count
    needed = 1
    if max_final_vocab < len(counts):
        needed = int(-np.partition(-counts, max_final_vocab)[max_final_vocab]) + 1
    return max(needed, min_count)


def final_order(counts, keep, sorted_vocab=True, null_word=False):
    """The words of the vocabulary, as indices into ``counts`` (``len(counts)`` stands for
    the null word), in gensim's order: the words kept (mask ``keep``) in their order, the
    null word (count 1) after them, then with ``sorted_vocab`` by descending count, ties in
    reverse of that order (the last one first, as gensim's ``sort_by_descending_frequency``).
    """
    order = np.flatnonzero(keep)
    final_counts = counts[order]
    if null_word:
        order = np.append(order, len(counts))
        final_counts = np.append(final_counts, 1)
    if sorted_vocab:
        order = order[np.lexsort((-np.arange(len(order)), -final_counts))]
    return order


def keep_thresholds(counts, sample):
    """32-bit sub-sampling thresholds (see :class:`Vocab`)."""
    counts = counts.astype(np.float64)
    if sample <= 0:
        return np.full(len(counts), _TWO32, dtype=np.uint64)
    t = sample * counts.sum()
    with np.errstate(divide="ignore", invalid="ignore"):  # a count of 0 (min_count=0): kept
        keep = np.where(counts > 0, (np.sqrt(counts / t) + 1.0) * t / counts, 1.0)
    return np.minimum(np.round(keep * _TWO32), _TWO32).astype(np.uint64)


def alias_table(weights):
    """Walker's alias method (Vose's construction) for ``P(i) proportional to weights[i]``.

    Returns ``(prob, alias)``: draw a bucket i uniformly, keep i when a uniform 32-bit draw
    is below ``prob[i]``, otherwise take ``alias[i]``. Weights all 0 (counts of 0, given
    with min_count=0) draw uniformly.
    """
    n = len(weights)
    if not weights.sum() > 0:
        weights = np.ones(n)
    scaled = weights * (n / weights.sum())
    alias = np.arange(n, dtype=np.int32)
    small = [i for i in range(n) if scaled[i] < 1.0]
    large = [i for i in range(n) if scaled[i] >= 1.0]
    scaled_list = scaled.tolist()
    alias_list = alias.tolist()
    while small and large:
        s, g = small.pop(), large[-1]
        alias_list[s] = g
        scaled_list[g] -= 1.0 - scaled_list[s]
        if scaled_list[g] < 1.0:
            large.pop()
            small.append(g)
    for i in small + large:  # leftovers are 1 up to rounding
        scaled_list[i] = 1.0
    prob = np.minimum(np.round(np.array(scaled_list) * _TWO32), _TWO32 - 1).astype(np.uint32)
    return prob, np.array(alias_list, dtype=np.int32)


def huffman_paths(counts):
    """Huffman codes of the words (by count), as flat arrays of paths, root first."""
    n = len(counts)
    if n == 1:
        return np.zeros(0, np.uint8), np.zeros(0, np.int32), np.zeros(2, np.int64)
    # nodes 0..n-1 are words, n..2n-2 inner nodes in order of creation (root last)
    parent = np.zeros(2 * n - 1, dtype=np.int64)
    bit = np.zeros(2 * n - 1, dtype=np.uint8)
    heap = [(int(c), i) for i, c in enumerate(counts)]
    heapq.heapify(heap)
    for node in range(n, 2 * n - 1):
        c1, a = heapq.heappop(heap)
        c2, b = heapq.heappop(heap)
        parent[a], parent[b] = node, node
        bit[b] = 1
        heapq.heappush(heap, (c1 + c2, node))
    depth = np.zeros(2 * n - 1, dtype=np.int64)
    for node in range(2 * n - 3, -1, -1):  # parents are created after their children
        depth[node] = depth[parent[node]] + 1
    lengths = depth[:n]
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    codes = np.zeros(offsets[-1], dtype=np.uint8)
    points = np.zeros(offsets[-1], dtype=np.int32)
    node = np.arange(n)
    for k in range(int(lengths.max())):
        active = np.flatnonzero(lengths > k)
        pos = offsets[active] + lengths[active] - 1 - k
        codes[pos] = bit[node[active]]
        points[pos] = parent[node[active]] - n
        node[active] = parent[node[active]]
    return codes, points, offsets


def checked_paths(n, codes, points, path_offsets):
    """Huffman paths read from a file (``codes``, ``points``, ``path_offsets`` as
    :class:`Vocab` holds them) in Vocab's dtypes, once checked to be the paths of a tree of
    `n` words: every word has a path (unless n is 1), the branch bits are 0 or 1 and the
    inner nodes in ``0 .. n - 2``, the rows of the hs output layer.

    Raises
    ------
    ValueError
        If they are not.
    """
    arrays = [np.asarray(a) for a in (codes, points, path_offsets)]
    integers = all(a.ndim == 1 and a.dtype.kind in "iu" for a in arrays)
    codes, points, offsets = (a.astype(np.int64) if integers else a for a in arrays)
    if not (integers and offsets.shape == (n + 1,) and offsets[0] == 0
            and offsets[-1] == len(codes) == len(points)
            and np.diff(offsets).min(initial=1) >= (1 if n > 1 else 0)
            and np.isin(codes, (0, 1)).all()
            and (0 <= points.min(initial=0) and points.max(initial=-1) < n - 1)):
        raise ValueError(f"its Huffman codes and points are not paths of a tree of {n} words "
                         f"(points in 0..{n - 2}, codes 0 or 1)")
    return codes.astype(np.uint8), points.astype(np.int32), offsets.astype(np.int64)


def new_vocabulary(words, counts, keep, sorted_vocab=True, null_word=False):
    """gensim's fresh vocabulary from the words of a scan (None for a pruned one), their
    counts and the mask ``keep``: ``(words, counts, remap)`` in :func:`final_order`'s order,
    with the null word unless a word of the text is one already; ``remap[i]`` is the final
    index of word i of the scan, -1 if it is not in the vocabulary."""
    n = len(words)
    null_word = null_word and not _holds(words, keep, NULL_WORD)
    order = final_order(counts, keep, sorted_vocab, null_word)
    is_word = order < n
    remap = np.full(n, -1, dtype=np.int32)
    remap[order[is_word]] = np.flatnonzero(is_word)
    final_counts = np.where(is_word, counts[np.minimum(order, n - 1)], 1).astype(np.int64)
    return [words[i] if i < n else NULL_WORD for i in order.tolist()], final_counts, remap


def updated_vocabulary(vocab_words, vocab_counts, index, words, counts, keep, null_word=False):
    """gensim's online update of a vocabulary (``vocab_words``, ``vocab_counts``, ``index``
    its word -> index) by a scan (``words``, ``counts``, ``keep`` as for
    :func:`new_vocabulary`): the words kept that are new are appended in the order of the
    scan (and the null word, when asked for and missing), every word of the vocabulary
    counted the scan's count more (a word below min_count in the new text too). Returns
    ``(words, counts, remap)`` as :func:`new_vocabulary`."""
    known = np.fromiter((index.get(w, -1) for w in words), dtype=np.int64, count=len(words))
    new = np.flatnonzero(keep & (known < 0))
    final_words = list(vocab_words) + [words[i] for i in new.tolist()]
    final_counts = np.concatenate([vocab_counts, counts[new]]).astype(np.int64)
    final_counts[known[known >= 0]] += counts[known >= 0]
    if null_word and NULL_WORD not in index and not _holds(words, keep & (known < 0),
                                                           NULL_WORD):
        final_words.append(NULL_WORD)
        final_counts = np.append(final_counts, 1)
    remap = known.astype(np.int32)
    remap[new] = len(vocab_words) + np.arange(len(new), dtype=np.int32)
    return final_words, final_counts, remap


def _holds(words, keep, word):
    """Whether ``word`` is among the words that ``keep`` keeps (a word of a scan occurs once
    but as None)."""
    try:
        return bool(keep[words.index(word)])
    except ValueError:
        return False
