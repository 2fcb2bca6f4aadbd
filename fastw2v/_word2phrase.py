"""word2vec's word2phrase, as ``fastw2v phrases``: the same phrases, output and printed lines
as word2phrase.c (tmikolov/word2vec) on the same file and settings, counted and applied in
compiled code (:mod:`fastw2v._tokenize`, :mod:`fastw2v._phrases`).

word2phrase's rules, which this module reproduces (``tests/word2phrase_reference.py`` has
them rule by rule, checked against the binary):

- words are separated by ' ', '\\t' and '\\n', '\\r' is deleted, a word keeps its first 58
  bytes, and a word that the end of the file ends (no separator after it) is lost;
- every word is counted, and so is every bigram of consecutive words, across line ends,
  under the string "a_b" cut to 59 bytes, in ONE string-keyed table with the words: a token
  such as "new_york" in the text adds to the count of the bigram (new, york), and bigrams
  cut to the same 59 bytes share a count. Here the counts are kept by word ids and those
  collisions are added back: only for the entries that can collide (a word containing '_',
  or a joined string of 59 bytes or more) are strings built;
- an entry counted less than min_count is forgotten; a word joins its left neighbour when
  neither is forgotten, nor their bigram, the neighbour did not join its own left
  neighbour, and (count(a_b) - min_count) / count(a) / count(b) * train_words > threshold,
  in float32 as word2phrase computes it; no phrase crosses a line;
- the output writes every word after ' ' (or '_' when it joins), every line end as '\\n'.

One difference is known: with min_count 1, word2phrase's SortVocab also forgets the entry
counted once that it met last (its loop takes one off its size for "</s>"); fastw2v keeps
it. A count of 1 scores (1 - 1) / ... = 0, so this changes the output only where that entry
also counts as another's string (a second pass, words cut at 58 bytes) or with npmi.

Two options go beyond word2phrase, on its counts: ``scoring='npmi'`` (gensim's npmi_scorer,
corpus_word_count = the words of the file) and connector words (gensim's rules: a connector
word is never counted alone, a pair is a word, the connector words after it and the next
word, counted as "a_of_the_b"; phrases are found as gensim's analyze_sentence does).
"""
import collections
import itertools
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ._compression import _READ_CHUNK, atomic_output, corrupt_stream_named, open_compressed
from ._phrases import PairCounts, PhraseTable, render, score_pairs
from ._tokenize import Tokenizer

#: word2phrase cuts a bigram's joined string to this many bytes (bigram_word[MAX_STRING - 1]).
MAX_JOINED_BYTES = 59
#: word2phrase prints a progress line every this many words of each pass.
PROGRESS_WORDS = 1_000_000
#: The entry word2phrase's table starts with (a token "</s>" adds to its count).
TABLE_START = b"</s>"
#: Bytes read and tokenized at a time.
READ_BYTES = 4 * _READ_CHUNK
#: Words phrased and written at a time (whole lines).
WRITE_WORDS = 1 << 21
SCORINGS = ("default", "npmi")
_SEPARATORS = (b" ", b"\t", b"\n")


class _Text:
    """The words of a file as word2phrase reads them: ids, line ends, the tokenizer (the
    words' bytes) and whether the last line ends with a newline."""

    def __init__(self, ids, line_ends, tokenizer, last_line_ended):
        self.ids, self.line_ends, self.tokenizer = ids, line_ends, tokenizer
        self.last_line_ended = last_line_ended


class _Counter:
    """PairCounts over the words of a file as they are read, with word2phrase's progress
    lines ("Words processed: NM     Vocab size: NK") at every millionth word."""

    def __init__(self, connector_words, report):
        self.counts = PairCounts(across_texts=True)
        self.connector = np.zeros(0, dtype=np.uint8)
        self.connector_words = connector_words
        self.report = report
        self.words = 0

    def flags(self, tokenizer):
        """The connector flags of every id so far (new words appended)."""
        if len(tokenizer) > len(self.connector):
            new = tokenizer.words[len(self.connector):]
            self.connector = np.concatenate((self.connector, np.fromiter(
                (w in self.connector_words for w in new), np.uint8, len(new))))
        return self.connector

    def count(self, ids, connector, start_id):
        """Counts ``ids`` (the words after those counted so far)."""
        done = 0
        while done < len(ids):
            # word2phrase prints before it adds the millionth word
            stop = len(ids)
            if self.report is not None:
                stop = min(stop, PROGRESS_WORDS - 1 - self.words % PROGRESS_WORDS + done)
            if stop > done:
                self.counts.count(ids[done:stop], np.array([0, stop - done], dtype=np.int64),
                                  connector)
                self.words += stop - done
                done = stop
            if self.report is not None and done < len(ids):
                self.report(f"Words processed: {(self.words + 1) // PROGRESS_WORDS}M     "
                            f"Vocab size: {self._table_size(start_id) // 1000}K  \r")
                self.counts.count(ids[done:done + 1], np.array([0, 1], dtype=np.int64),
                                  connector)
                self.words += 1
                done += 1

    def _table_size(self, start_id):
        """The entries of word2phrase's table now ("</s>", the first word's bigram with an
        uninitialised word, the unigrams and pairs); string collisions not subtracted."""
        counts = self.counts
        size = 1 + (counts.n_entries > 0) + counts.n_entries
        if start_id >= 0 and counts.unigram_counts(start_id + 1)[start_id]:
            size -= 1
        return size


def read_text(train, counter):
    """Reads and tokenizes ``train`` as word2phrase's ReadWord, counting it as it goes.

    Returns
    -------
    _Text

    Raises
    ------
    ValueError
        The file holds a NUL byte (word2phrase would cut the word there), or a compressed
        stream is corrupt.
    OSError
        The file cannot be read.
    """
    tokenizer = Tokenizer("word2phrase")
    ids, ends = [], []
    n_ids = lines = 0
    carry = b""
    mid_line = False  # the last piece tokenized ended inside a line
    counting = None
    with open_compressed(train) as fin, corrupt_stream_named(train, str(train)), \
            ThreadPoolExecutor(1, thread_name_prefix="fastw2v-word2phrase") as pool:
        while True:
            block = fin.read(READ_BYTES)
            data = carry + block
            cut = max(data.rfind(s) for s in _SEPARATORS) + 1 if block else 0
            piece, carry = data[:cut], data[cut:]
            if piece:
                nul = piece.find(b"\0")
                if nul >= 0:
                    line = lines + piece.count(b"\n", 0, nul) + 1
                    raise ValueError(f"{train} line {line}: "
                                     "a NUL byte: fastw2v phrases reads text (word2phrase "
                                     "would cut the word at it)")
                block_ids, block_ends, _ = tokenizer.tokenize(piece)
                mid_line = not piece.endswith(b"\n")
                if mid_line:
                    block_ends = block_ends[:-1]  # not a line end: the line goes on
                connector, start = counter.flags(tokenizer), tokenizer.id_of(TABLE_START)
                if counting is not None:
                    counting.result()
                # counted in the pool's thread while the next block is read and tokenized
                counting = pool.submit(counter.count, block_ids, connector, start)
                ids.append(block_ids)
                ends.append(block_ends + n_ids)
                n_ids += len(block_ids)
                lines += len(block_ends)
            if not block:
                break
        if counting is not None:
            counting.result()
    # `carry` is what follows the last separator: a word the end of the file ends (lost, as
    # in word2phrase) and \r bytes
    last_line_ended = not mid_line and not carry.replace(b"\r", b"")
    if not last_line_ended:
        ends.append(np.array([n_ids], dtype=np.int64))
    return _Text(np.concatenate(ids or [np.zeros(0, np.int32)]),
                 np.concatenate(ends or [np.zeros(0, np.int64)]), tokenizer, last_line_ended)


def string_counts(tokenizer, unigrams, a, run, b, count, runs):
    """word2phrase's counts, which are by string: a word's count and a pair's count plus
    those of every other entry with the same string (a token "a_b" and the bigram (a, b),
    pairs cut to the same 59 bytes).

    Only the entries that can share a string are looked at: a word containing '_', a pair
    with such a word or of 59 bytes or more, and the pairs whose strings such an entry spells.

    Parameters
    ----------
    tokenizer : Tokenizer
        The words (ids, bytes).
    unigrams : int64 array, by id (0: not counted, as connector words)
    a, run, b, count : arrays of PairCounts.pairs()
    runs : list of tuples of ids, PairCounts.runs

    Returns
    -------
    (unigrams, count, duplicates)
        The counts by string of the words and of the pairs (the arrays given when no entry
        can share a string, else new ones), and the counts of
        the entries that share the string of an earlier one (int64 array: word2phrase's
        table has one entry fewer for each).
    """
    arena, starts = tokenizer.arena_bytes()
    underscore = np.zeros(len(starts), dtype=np.int32)
    underscore[np.searchsorted(starts, np.flatnonzero(np.frombuffer(arena, np.uint8) == 95),
                               "right") - 1] = 1
    underscore = underscore[:-1].astype(np.bool_)
    # a word's bytes in a joined string, MAX_JOINED_BYTES for one with '_': a pair can share
    # its string when its words and separators make MAX_JOINED_BYTES or more
    size = np.where(underscore, MAX_JOINED_BYTES, np.diff(starts) + 1).astype(np.int32)
    pair_size = np.take(size, a) + np.take(size, b)  # (np.take: faster than size[a])
    shared = pair_size > MAX_JOINED_BYTES
    if len(runs) > 1:
        run_size = np.array([min(sum(int(size[c]) for c in r), MAX_JOINED_BYTES) for r in runs],
                            dtype=np.int32)
        shared |= pair_size + np.take(run_size, run) > MAX_JOINED_BYTES
    shared_words = np.flatnonzero(underscore & (unigrams > 0))
    shared_pairs = np.flatnonzero(shared)
    if not len(shared_words) and not len(shared_pairs):
        return unigrams, count, np.zeros(0, dtype=np.int64)
    unigrams, count = unigrams.copy(), count.copy()
    words = tokenizer.words

    def spelled(k):
        return b"_".join([words[a[k]], *(words[c] for c in runs[run[k]]),
                          words[b[k]]])[:MAX_JOINED_BYTES]

    strings = ([(words[i], unigrams, i) for i in shared_words]
               + [(spelled(k), count, k) for k in shared_pairs])
    strings += [(s, count, k) for s, k in _spelled_pairs(strings, tokenizer, a, run, b, runs)]
    total = {}
    for s, array, i in strings:
        total[s] = total.get(s, 0) + int(array[i])
    members = {}
    for s, array, i in strings:
        array[i] = total[s]
        members[s] = members.get(s, 0) + 1
    return unigrams, count, np.array([total[s] for s, m in members.items()
                                      for _ in range(m - 1)], dtype=np.int64)


def _spelled_pairs(strings, tokenizer, a, run, b, runs):
    """The pairs of ids that cannot collide by themselves (no '_' in their words, under 59
    bytes) whose joined string is one of ``strings``: (string, index in the pairs)."""
    run_index = {r: k for k, r in enumerate(runs)}
    wanted = {}
    for s, _, _ in strings:
        if len(s) >= MAX_JOINED_BYTES:
            continue
        parts = [tokenizer.id_of(p) for p in s.split(b"_")]
        if len(parts) > 1 and min(parts) >= 0 and tuple(parts[1:-1]) in run_index:
            wanted[(parts[0], run_index[tuple(parts[1:-1])], parts[-1])] = s
    if not wanted:
        return []
    n = np.int64(len(tokenizer))
    keys = a.astype(np.int64) * n + b
    sought = np.unique(np.array([ka * n + kb for ka, _, kb in wanted], dtype=np.int64))
    at = np.minimum(np.searchsorted(sought, keys), len(sought) - 1)
    found = []
    for k in np.flatnonzero(sought[at] == keys).tolist():
        s = wanted.get((int(a[k]), int(run[k]), int(b[k])))
        if s is not None:
            found.append((s, k))
    return found


def sorted_table_size(n_entries, start_count, kept, min_count):
    """The vocabulary size word2phrase prints: its SortVocab loop's final size, for a table
    of ``n_entries`` ("</s>", counted ``start_count``, first), ``kept`` of the others counted
    at least ``min_count``. The loop takes one off for every entry below min_count, "</s>"
    first, while going up the sorted table, and stops where the two meet."""
    size = n_entries - (start_count < min_count)
    if kept >= size - 1:
        return size
    return size - (size - kept) // 2


def phrase_table(text, counter, min_count, threshold, scoring):
    """The phrases word2phrase would join, and the size of its table; the counter's
    PairCounts is taken from it and freed once its pairs are out (its table is the largest
    thing held).

    Returns
    -------
    (PhraseTable, int, int)
        The phrases, the number of them, and the vocabulary size word2phrase prints.
    """
    counts, counter.counts = counter.counts, None
    a, run, b, count = counts.pairs()
    runs, n_entries, n = counts.runs, counts.n_entries, counts.total_words
    unigrams = counts.unigram_counts(len(text.tokenizer))
    del counts
    unigrams, count, duplicates = string_counts(text.tokenizer, unigrams, a, run, b, count,
                                                runs)
    start = text.tokenizer.id_of(TABLE_START)
    start_count = int(unigrams[start]) if start >= 0 else 0
    n_words = int(np.count_nonzero(unigrams))
    first_bigram = n_entries > 0  # the first word with an uninitialised last_word
    n_entries = 1 + first_bigram + n_words + len(a) - len(duplicates) - (start_count > 0)
    known = unigrams >= min_count
    kept = (int(np.count_nonzero(known)) - (start_count >= min_count)
            + int(np.count_nonzero(count >= min_count))
            - int(np.count_nonzero(duplicates >= min_count)) + (first_bigram and min_count <= 1))
    size = sorted_table_size(n_entries, start_count, kept, min_count)
    candidate = np.flatnonzero(np.take(known, a) & np.take(known, b) & (count >= min_count))
    a, run, b, count = (np.take(x, candidate) for x in (a, run, b, count))
    if scoring == "npmi":
        score = score_pairs(a, b, count, np.where(known, unigrams, 0), "npmi",
                            float(min_count), 0.0, float(n))
        phrase = np.flatnonzero(score > threshold)
    else:
        with np.errstate(all="ignore"):
            score = ((count - min_count).astype(np.float32) / unigrams[a].astype(np.float32)
                     / unigrams[b].astype(np.float32) * np.float32(n))
        phrase = np.flatnonzero(score > np.float32(threshold))
    return PhraseTable(a[phrase], run[phrase], b[phrase], runs), len(phrase), size


def _parts(line_ends):
    """The text cut into parts of about WRITE_WORDS words of whole lines: (first line, end
    line) pairs."""
    first = 0
    while first < len(line_ends):
        begin = int(line_ends[first - 1]) if first else 0
        last = max(int(np.searchsorted(line_ends, begin + WRITE_WORDS, "right")), first + 1)
        yield first, last
        first = last


def write_phrased(text, table, connector, output, report):
    """Writes the phrased text to ``output`` (atomically), word2phrase's format, its parts
    phrased and rendered on two threads; reports "Words written: NM" every million words.
    Returns the words joined to the one before."""
    arena, starts = text.tokenizer.arena_bytes()
    arena = np.frombuffer(arena, dtype=np.uint8)
    line_ends = text.line_ends

    def phrased(first, last):
        begin = int(line_ends[first - 1]) if first else 0
        ends = line_ends[first:last] - begin
        ids = text.ids[begin:int(line_ends[last - 1])]
        join, _ = table.apply(ids, np.concatenate(([0], ends)), connector)
        return len(ids), int(np.count_nonzero(join)), render(
            ids, ends, join, arena, starts, b"_", True,
            last < len(line_ends) or text.last_line_ended)

    joined = written = 0
    with atomic_output(output) as fout, \
            ThreadPoolExecutor(2, thread_name_prefix="fastw2v-word2phrase") as pool:
        pending = collections.deque()
        for part in itertools.chain(_parts(line_ends), [None]):
            if part is not None:
                pending.append(pool.submit(phrased, *part))
            while pending and (part is None or len(pending) > 2):
                n_words, n_joined, data = pending.popleft().result()
                fout.write(data)
                joined += n_joined
                if report is not None:
                    for million in range(written // PROGRESS_WORDS + 1,
                                         (written + n_words) // PROGRESS_WORDS + 1):
                        report(f"Words written: {million}M\r")
                written += n_words
    return joined


def word2phrase(train, output, min_count=5, threshold=100.0, scoring="default",
                connector_words=frozenset(), debug=2, report=None):
    """Joins the phrases of a text file as word2phrase does, into another.

    Parameters
    ----------
    train : path
        The text (plain, .gz, .bz2 or .xz).
    output : path
        The phrased text, written atomically (compressed by its suffix).
    min_count : int
        word2phrase's -min-count (at least 1).
    threshold : float
        word2phrase's -threshold: at least 0 for 'default' scoring, from -1 to 1 for 'npmi'.
    scoring : {'default', 'npmi'}
    connector_words : set of bytes
        Words allowed inside phrases (gensim's rules), never at their ends.
    debug : int
        word2phrase's -debug: above 0 the vocabulary size and word count, above 1 the
        progress lines too.
    report : callable, optional
        Called with each text word2phrase prints ("Starting training ..." always); None:
        nothing is reported.

    Returns
    -------
    dict
        'words', 'lines', 'vocab_size' (as word2phrase prints it), 'phrases' (distinct
        phrases found) and 'joined' (words joined to the one before).

    Raises
    ------
    ValueError
        A setting out of range, a NUL byte in the text, a corrupt compressed file.
    OSError
        ``train`` cannot be read or ``output`` written.
    """
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) \
            or min_count < 1:
        raise ValueError(f"min_count must be an integer >= 1, got {min_count!r}")
    if scoring not in SCORINGS:
        raise ValueError(f"scoring must be one of {SCORINGS}, got {scoring!r}")
    low = 0.0 if scoring == "default" else -1.0
    if not (low <= threshold <= (1.0 if scoring == "npmi" else float("inf"))):
        raise ValueError(f"threshold must be {'>= 0' if scoring == 'default' else 'from -1 to 1'}"
                         f" for {scoring} scoring, got {threshold!r}")
    say = report if report is not None else (lambda text: None)
    say(f"Starting training using file {train}\n")
    counter = _Counter(frozenset(connector_words), report if debug > 1 else None)
    text = read_text(train, counter)
    words = counter.counts.total_words
    table, n_phrases, size = phrase_table(text, counter, min_count, threshold, scoring)
    if debug > 0:
        say(f"\nVocab size (unigrams + bigrams): {size}\n"
            f"Words in train file: {words}\n")
    joined = write_phrased(text, table, counter.flags(text.tokenizer), output,
                           report if debug > 1 else None)
    return {"words": words, "lines": len(text.line_ends),
            "vocab_size": size, "phrases": n_phrases, "joined": joined}
