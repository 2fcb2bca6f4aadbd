"""A small pure-Python word2phrase: the test suite's reference for ``fastw2v phrases``.

It follows word2phrase.c (tmikolov/word2vec) rule by rule, with a string-keyed dict as the
C program's one hash table of unigrams and bigrams, and was checked byte for byte (output
and stdout) against the compiled binary on wiki1m and on crafted files (tabs, \\r, empty
lines, words over 58 bytes, tokens containing '_', a second pass over phrased text). CI has
no binary: here this file is the reference.

The rules, as word2phrase.c has them:

- Reading (ReadWord): words are separated by ' ', '\\t' and '\\n'; '\\r' is deleted; a word
  is cut to its first 58 bytes (and at a NUL byte, as C strings are); every '\\n' is a
  line end; a word directly followed by the end of the file (no separator after it) is
  dropped.
- Learning (LearnVocabFromTrainFile): every word is counted under its string, and so is the
  bigram "previous_word" + "_" + "word" cut to 59 bytes, for consecutive words ACROSS line
  ends (the previous word survives a newline). Unigrams and bigrams share one table, so a
  token equal to a bigram's joined string adds to the same count. The first word of the
  file pairs with an uninitialised ``last_word``: the binary counts that bigram under a
  string no token matches (checked: it is one more entry, seen in the printed vocabulary
  size, and never a count of any looked-up string), and so does this reference
  (``_FIRST_BIGRAM``). word2phrase's ReduceVocab runs only above 350M entries: not modelled.
- SortVocab: "</s>" (count 0, or its count if the text has that token) stays first, the rest
  is sorted by count, descending, stably (glibc's qsort is a merge sort); entries counted
  less than min_count are dropped from every lookup. Its loop also decrements the size once
  for "</s>", so when every other entry is counted at least min_count, the last one in that
  order is dropped too; the printed vocabulary size is that loop's final size.
- Phrasing (TrainModel), per line (a newline makes the previous word "\\n", so no phrase
  crosses a line): the word b joins its left neighbour a when a, b and "a_b" are in the
  table, count(a) and count(b) are at least min_count, a itself did not join its left
  neighbour, and score > threshold, with score = (count(a_b) - min_count) / count(a) /
  count(b) * train_words in float32 (``typedef float real``), threshold a float32 too.
- Output: every word is written after ' ' or, when joined, '_'; every newline as '\\n'.
- stdout: "Starting training using file FILE" always; with debug > 1 a progress line
  (ending in '\\r') every million words of each pass; with debug > 0 the vocabulary size
  and word count after learning.

fastw2v's additions (no binary to compare against), on the same counts:

- ``connector_words``: gensim's connector rules on word2phrase's counting: a connector word
  is not counted; a pair is (a, the connector words between, b), counted under
  "a_c1_..._b" (cut to 59 bytes) across lines as word2phrase's bigrams; phrasing is
  gensim's ``analyze_sentence`` with word2phrase's conditions and score. Without connector
  words this is exactly word2phrase's rule above (the same code serves both here).
- ``scoring='npmi'``: gensim's npmi_scorer (float64) of word2phrase's counts, with
  corpus_word_count = train_words; a candidate missing from the table never joins.
"""
import math
import re

import numpy as np

MAX_WORD = 58      # ReadWord keeps MAX_STRING - 2 bytes of a word
MAX_BIGRAM = 59    # bigram_word[MAX_STRING - 1] = 0
TABLE_START = b"</s>"
PROGRESS_WORDS = 1_000_000  # a progress line every this many words (tests make it smaller)
_FIRST_BIGRAM = object()  # the bigram of the first word and the uninitialised last_word
_NEWLINE = b"\n"
_TOKEN = re.compile(rb"[^ \t\n]+|\n")


def read_words(data):
    """word2phrase's ReadWord over `data` (bytes): the list of words (bytes) and b"\\n"."""
    data = data.replace(b"\r", b"")
    matches = list(_TOKEN.finditer(data))
    if matches and matches[-1].group() != _NEWLINE and matches[-1].end() == len(data):
        matches.pop()  # read up to EOF: ReadWord reports EOF and the word is lost
    return [m.group() if m.group() == _NEWLINE
            else m.group()[:MAX_WORD].split(b"\0", 1)[0] for m in matches]


def _joined(tokens):
    return b"_".join(tokens)[:MAX_BIGRAM]


def learn(tokens, connector_words=frozenset(), debug=2):
    """The counting pass: (table dict in insertion order, train_words, progress text)."""
    table = {TABLE_START: 0}
    train_words = 0
    progress = []
    start, between = _FIRST_BIGRAM, []
    for word in tokens:
        if word == _NEWLINE:
            continue
        train_words += 1
        if debug > 1 and train_words % PROGRESS_WORDS == 0:
            progress.append(f"Words processed: {train_words // PROGRESS_WORDS}M     "
                            f"Vocab size: {len(table) // 1000}K  \r")
        if word in connector_words:
            if start is not None:
                between.append(word)
            continue
        table[word] = table.get(word, 0) + 1
        key = _FIRST_BIGRAM if start is _FIRST_BIGRAM else _joined([start, *between, word])
        table[key] = table.get(key, 0) + 1
        start, between = word, []
    return table, train_words, "".join(progress)


def sort_vocab(table, min_count):
    """SortVocab: (the entries every lookup still finds, the size it prints)."""
    entries = list(table.items())
    entries[1:] = sorted(entries[1:], key=lambda item: -item[1])  # stable, as glibc's
    size, a, kept = len(entries), 0, {}
    while a < size:
        key, count = entries[a]
        if count < min_count:
            size -= 1
        else:
            kept[key] = count
        a += 1
    return kept, size


def _scorer(kept, min_count, threshold, train_words, scoring):
    """The join test of a candidate (a, between, b) on the kept counts."""
    threshold32 = np.float32(threshold)

    def joins(a, between, b):
        pa, pb, pab = kept.get(a), kept.get(b), kept.get(_joined([a, *between, b]))
        if pa is None or pb is None or pab is None:  # kept counts are >= min_count
            return False
        if scoring == "npmi":
            n = float(train_words)
            p_ab = pab / n
            if p_ab == 1.0:
                return False  # gensim: ZeroDivisionError -> -inf
            return math.log(p_ab / ((pa / n) * (pb / n))) / -math.log(p_ab) > threshold
        with np.errstate(all="ignore"):
            score = (np.float32(pab - min_count) / np.float32(pa) / np.float32(pb)
                     * np.float32(train_words))
        return bool(score > threshold32)
    return joins


def phrase_line(words, joins, connector_words=frozenset()):
    """gensim's analyze_sentence on one line: the output tokens (bytes, joined with '_')."""
    out, start, between = [], None, []
    for word in words:
        if word in connector_words:
            (between if start is not None else out).append(word)
            continue
        if start is not None and joins(start, between, word):
            out.append(b"_".join([start, *between, word]))
            start, between = None, []
            continue
        if start is not None:
            out += [start, *between]
        start, between = word, []
    if start is not None:
        out += [start, *between]
    return out


def word2phrase(data, min_count=5, threshold=100.0, debug=2, train_file="train.txt",
                scoring="default", connector_words=frozenset()):
    """What ``word2phrase -train FILE -output OUT -min-count M -threshold T -debug D`` writes.

    Parameters
    ----------
    data : bytes
        The content of the training file.
    min_count, threshold, debug : int, float, int
        word2phrase's flags (min_count >= 1; threshold >= 0 for the default scoring: below,
        word2phrase's rules differ from the greedy ones this reference implements).
    train_file : str
        The name printed in "Starting training using file".
    scoring : {'default', 'npmi'}
    connector_words : set of bytes

    Returns
    -------
    (bytes, str)
        The output file's content and what the program prints on stdout.
    """
    if min_count < 1 or (scoring == "default" and threshold < 0):
        raise ValueError("the reference needs min_count >= 1 and threshold >= 0")
    tokens = read_words(data)
    table, train_words, stdout = learn(tokens, connector_words, debug)
    kept, size = sort_vocab(table, min_count)
    stdout = f"Starting training using file {train_file}\n" + stdout
    if debug > 0:
        stdout += (f"\nVocab size (unigrams + bigrams): {size}\n"
                   f"Words in train file: {train_words}\n")
    joins = _scorer(kept, min_count, threshold, train_words, scoring)
    out, line, written = [], [], 0
    for word in tokens + [None]:  # None: the end of the file
        if word is not None and word != _NEWLINE:
            line.append(word)
            written += 1
            if debug > 1 and written % PROGRESS_WORDS == 0:
                stdout += f"Words written: {written // PROGRESS_WORDS}M\r"
            continue
        out += [b" " + token for token in phrase_line(line, joins, connector_words)]
        if word == _NEWLINE:
            out.append(_NEWLINE)
        line = []
    return b"".join(out), stdout
