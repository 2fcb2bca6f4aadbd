"""Phrase detection before training: gensim 4.4's ``Phrases`` / ``FrozenPhrases`` (and
Mikolov et al.'s scoring, as word2vec's word2phrase uses it), counted and applied in
compiled code (:mod:`fastw2v._phrases`).

``Phrases`` reads the texts once, encodes them to word ids (the scan FastW2V uses) and counts
unigrams and pairs of consecutive words (with the connector words between them) in a
compiled table, in a second thread while the reading goes on. Its phrases are the pairs
whose score exceeds ``threshold``; ``freeze()`` keeps only them. Both find phrases in texts
left to right, as gensim does, and give gensim's phrases, scores and phrased texts.
"""
import inspect
import itertools
import logging
import math
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ._lifecycle import LifecycleEvents
from ._phrases import PairCounts, PhraseTable, render
from ._scan import Encoder
from ._tokenize import Tokenizer
from .corpus import feed
from .readers import MAX_TEXT_WORDS, corpus_blocks, read_ahead

logger = logging.getLogger("fastw2v")

#: gensim's English connector words: articles, some prepositions and conjunctions, allowed
#: inside a phrase (``bank_of_america``) but never at its ends.
ENGLISH_CONNECTOR_WORDS = frozenset(
    "a an the for of with without at from to in on by and or".split())

#: Words encoded before the counting thread takes them (4 MB of ids).
BATCH_WORDS = 1 << 20

NEGATIVE_INFINITY = float("-inf")

SCORER_PARAMETERS = ("worda_count", "wordb_count", "bigram_count", "len_vocab", "min_count",
                     "corpus_word_count")


def original_scorer(worda_count, wordb_count, bigram_count, len_vocab, min_count,
                    corpus_word_count):
    """Mikolov et al.'s score: ``(bigram_count - min_count) / (worda_count * wordb_count) *
    len_vocab`` (gensim's 'default'; -inf when a count is 0)."""
    denom = worda_count * wordb_count
    if denom == 0:
        return NEGATIVE_INFINITY
    return (bigram_count - min_count) / float(denom) * len_vocab


def npmi_scorer(worda_count, wordb_count, bigram_count, len_vocab, min_count,
                corpus_word_count):
    """Normalized pointwise mutual information, from -1 to 1 (gensim's 'npmi'; -inf below
    min_count)."""
    if bigram_count < min_count:
        return NEGATIVE_INFINITY
    corpus_word_count = float(corpus_word_count)
    pa = worda_count / corpus_word_count
    pb = wordb_count / corpus_word_count
    pab = bigram_count / corpus_word_count
    try:
        return math.log(pab / (pa * pb)) / -math.log(pab)
    except ValueError:
        return NEGATIVE_INFINITY


_BUILT_IN = {"default": original_scorer, "npmi": npmi_scorer}


def _scoring_name(scoring):
    """'default' or 'npmi' for a built-in scorer (fastw2v's or gensim's own function), else
    None."""
    for name, scorer in _BUILT_IN.items():
        if scoring is scorer or (getattr(scoring, "__module__", None) == "gensim.models.phrases"
                                 and getattr(scoring, "__name__", None) == scorer.__name__):
            return name
    return None


def _check_settings(min_count, threshold, scoring):
    """gensim's checks of Phrases' settings; returns the scoring function."""
    if not isinstance(min_count, (int, float)) or isinstance(min_count, bool) or min_count <= 0:
        raise ValueError(f"min_count must be a number > 0 (gensim: min_count should be at "
                         f"least 1), got {min_count!r}")
    if isinstance(scoring, str):
        if scoring not in _BUILT_IN:
            raise ValueError(f"unknown scoring method string {scoring!r}: scoring must be "
                             f"'default', 'npmi' or a function")
        scoring = _BUILT_IN[scoring]
    if not callable(scoring):
        raise TypeError(f"scoring must be 'default', 'npmi' or a function, got "
                        f"{type(scoring).__name__}")
    name = _scoring_name(scoring)
    if name is None:
        try:
            parameters = inspect.signature(scoring).parameters
        except (TypeError, ValueError):
            parameters = {}
        missing = [p for p in SCORER_PARAMETERS if p not in parameters]
        if missing:
            raise ValueError(f"scoring function missing expected parameters {missing}: it is "
                             f"called with {', '.join(SCORER_PARAMETERS)}")
    if not isinstance(threshold, (int, float)) or isinstance(threshold, bool):
        raise TypeError(f"threshold must be a number, got {type(threshold).__name__}")
    if name == "default" and threshold <= 0:
        raise ValueError(f"threshold must be > 0 for default scoring, got {threshold!r}")
    if name == "npmi" and not -1 <= threshold <= 1:
        raise ValueError(f"threshold must be between -1 and 1 for npmi scoring, got "
                         f"{threshold!r}")
    return scoring


def _is_single(obj):
    """gensim's rule: (True, obj) for one text (an iterable of str, or empty), (False,
    corpus) for an iterable of texts; a generator's first item is put back."""
    iterator = iter(obj)
    try:
        first = next(iterator)
    except StopIteration:
        return True, obj
    rest = itertools.chain([first], iterator)
    if isinstance(first, str):
        return True, rest
    return False, rest if iterator is obj else obj


class _Detector:
    """What phrase detection needs, compiled, over only the words of the phrases and the
    connector words (renumbered by :func:`_renumbered`): the words (``index``: word -> id),
    which are connectors, the PhraseTable of the phrases and their strings and scores."""

    def __init__(self, words, connector_words, a, run, b, runs, scores, delimiter):
        words, a, run, b, runs = _renumbered(words, a, run, b, runs, connector_words)
        self.words = words
        self.index = {w: i for i, w in enumerate(words)}
        self.connector = np.fromiter((w in connector_words for w in words), dtype=np.uint8,
                                     count=len(words))
        self.table = PhraseTable(a, run, b, runs)
        self.scores = scores
        self.strings = [delimiter.join([words[i] for i in (a[k], *runs[run[k]], b[k])])
                        for k in range(len(a))]
        self.delimiter = delimiter

    def analyze(self, tokens):
        """(join flags, phrase numbers) of one text, a list of str (see PhraseTable.apply)."""
        return self.table.analyze_tokens(tokens, self.index, self.connector)

    def join(self, tokens):
        """One text, a list of str, with its phrases joined."""
        return self.table.join_tokens(tokens, self.index, self.connector, self.delimiter)


class _PhrasesTransformation(LifecycleEvents):
    """What Phrases and FrozenPhrases share: finding phrases in texts."""

    def _detector(self):
        raise NotImplementedError

    def analyze_sentence(self, sentence):
        """The tokens of ``sentence`` with its phrases joined, as gensim's.

        Yields
        ------
        (str, float or None)
            A phrase and its score, or a token outside any phrase and None.
        """
        tokens = list(sentence)
        detector = self._detector()
        join, phrase = detector.analyze(tokens)
        out = detector.join(tokens)
        ends = np.flatnonzero(np.append(join[1:] == 0, True))  # each output token's last word
        for token, end in zip(out, ends):
            k = phrase[end]
            yield token, (float(detector.scores[k]) if k >= 0 else None)

    def score_candidate(self, word_a, word_b, in_between):
        """gensim's: (phrase, score) if word_a, the connector words in_between and word_b
        form a phrase, else (None, None)."""
        tokens = [word_a, *in_between, word_b]
        detector = self._detector()
        join, phrase = detector.analyze(tokens)
        k = phrase[-1]
        if k < 0 or not join[1:].all():
            return None, None
        return detector.strings[k], float(detector.scores[k])

    def __getitem__(self, sentence):
        """One text (a list of str) with its phrases joined by ``delimiter``; for a corpus
        (an iterable of texts), an iterable of such texts, read as it is iterated (again at
        each iteration when the corpus can be iterated again)."""
        single, sentence = _is_single(sentence)
        if not single:
            return _PhrasedCorpus(self, sentence)
        return self._detector().join(sentence if isinstance(sentence, list) else list(sentence))

    def find_phrases(self, sentences):
        """The phrases of ``sentences`` (an iterable of lists of str) and their scores.

        Returns
        -------
        dict of str to float
        """
        detector = self._detector()
        found = {}
        for tokens in sentences:
            _, phrase = detector.analyze(list(tokens))
            for k in phrase[phrase >= 0]:
                found[detector.strings[k]] = float(detector.scores[k])
        return found

    def write_phrased(self, corpus_file, output, encoding_errors="strict"):
        """Writes the texts of ``corpus_file`` with their phrases joined, one text per line,
        tokens separated by single spaces: the lines ``" ".join(self[text])`` for the texts
        of ``LineSentence(corpus_file)``, written in compiled code.

        Parameters
        ----------
        corpus_file : path, directory or list of paths
            As FastW2V's corpus_file (plain or .gz/.bz2/.xz).
        output : path
            Written atomically (compressed by its extension: .gz, .bz2, .xz).
        encoding_errors : {'strict', 'replace', 'ignore'}

        Returns
        -------
        int
            The texts written.
        """
        from ._compression import atomic_output
        detector = self._detector()
        # the detector's words first, with its ids; the other words of the corpus get ids
        # after them, which no phrase holds
        words = Tokenizer()
        for w in detector.words:
            words.add(w)
        connector = detector.connector
        delimiter = self.delimiter.encode("utf-8", "surrogatepass")

        def write(ids, ends, connector, arena, starts):
            join, _ = detector.table.apply(ids, np.concatenate(([0], ends)), connector)
            fout.write(render(ids, ends, join, np.frombuffer(arena, np.uint8), starts,
                              delimiter, False))

        n_texts, writing = 0, None
        # each block phrased, rendered and written in a second thread while the next one is
        # tokenized (and a third reads ahead)
        with atomic_output(output) as fout, \
                ThreadPoolExecutor(1, thread_name_prefix="fastw2v-phrases") as pool:
            for block in read_ahead(corpus_blocks(corpus_file, encoding_errors)):
                ids, ends, _ = words.tokenize(block, 0, MAX_TEXT_WORDS)
                ends = ends[np.diff(ends, prepend=0) > 0]  # the texts: lines with words
                if len(words) > len(connector):
                    connector = np.concatenate(
                        (connector, np.zeros(len(words) - len(connector), np.uint8)))
                if writing is not None:
                    writing.result()
                writing = pool.submit(write, ids, ends, connector, *words.arena_bytes())
                n_texts += len(ends)
            if writing is not None:
                writing.result()
        return n_texts


class _PhrasedCorpus:
    """``phrases[corpus]``: the corpus's texts with their phrases joined, as iterated."""

    def __init__(self, model, corpus):
        self.model, self.corpus = model, corpus

    def __iter__(self):
        join = self.model._detector().join
        for tokens in self.corpus:
            yield join(tokens if isinstance(tokens, list) else list(tokens))

    def __len__(self):
        return len(self.corpus)


def _renumbered(words, a, run, b, runs, connector_words):
    """The phrases (words a, connector runs run, words b; ids into ``words`` and ``runs``)
    over only the words they use and the connector words: (words, a, run, b, runs)
    renumbered, the words used in their order, then the connector words not among them
    (sorted); the runs used, run 0 (the empty run) first."""
    used_runs = np.union1d([0], run)
    inner = [i for r in used_runs for i in runs[r]]
    kept = np.unique(np.concatenate((a, b, np.array(inner, dtype=np.int32))))
    new_words = [words[i] for i in kept]
    new_words += sorted(set(connector_words) - set(new_words))
    new_runs = [tuple(np.searchsorted(kept, runs[r]).tolist()) for r in used_runs]
    a, b, run = (np.searchsorted(values, x).astype(np.int32)
                 for values, x in ((kept, a), (kept, b), (used_runs, run)))
    return new_words, a, run, b, new_runs


def _settings_key(model):
    return (model.threshold, model.min_count, model.scoring, model.delimiter,
            model.connector_words)


class Phrases(_PhrasesTransformation):
    """Detects phrases from the counts of words and of pairs of consecutive words, as
    gensim 4.4's ``Phrases`` (same parameters, attributes, phrases and scores).

    Parameters
    ----------
    sentences : iterable of lists of str, optional
        The texts to learn from (a one-shot generator works: they are read once).
    min_count : int or float
        Pairs rarer than this score -inf (default scoring: they count below it).
    threshold : float
        A pair is a phrase when its score is greater than this (default scoring: > 0; npmi:
        from -1 to 1).
    max_vocab_size : int
        When a text leaves more unigrams and pairs than this, those rarer than a bound that
        starts at 1 and rises by one at each pruning are dropped (gensim's pruning).
    delimiter : str
        Glue of a phrase's words.
    progress_per : int
        Log progress about every this many texts.
    scoring : {'default', 'npmi'} or function
        'default': Mikolov et al.'s ``(count_ab - min_count) / (count_a * count_b) *
        len_vocab``; 'npmi': normalized pointwise mutual information; or a function taking
        ``worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count``
        (called once per pair: much slower than the built-in two, which run compiled).
    connector_words : set of str
        Words allowed inside a phrase but not at its ends (``ENGLISH_CONNECTOR_WORDS``).
    corpus_file : path, directory or list of paths, optional
        Instead of sentences: whitespace-tokenized text, one text per line (plain or
        .gz/.bz2/.xz), as FastW2V reads it (lines of more than 10,000 words in pieces, as
        gensim's LineSentence gives them).

    Attributes
    ----------
    corpus_word_count : int
        Words read, connector words included.
    vocab : dict of str to int
        The counts of unigrams and of pairs (their words joined by ``delimiter``), as
        gensim's; built when read (for a large model, a large dict).

    Raises
    ------
    ValueError, TypeError
        A setting out of range (gensim's checks), or texts that are not lists of str.
    """

    def __init__(self, sentences=None, min_count=5, threshold=10.0, max_vocab_size=40000000,
                 delimiter="_", progress_per=10000, scoring="default",
                 connector_words=frozenset(), corpus_file=None):
        self.scoring = _check_settings(min_count, threshold, scoring)
        if not isinstance(delimiter, str):
            raise TypeError(f"delimiter must be a str, got {type(delimiter).__name__}")
        if not isinstance(max_vocab_size, int) or max_vocab_size < 1:
            raise ValueError(f"max_vocab_size must be an int >= 1, got {max_vocab_size!r}")
        self.min_count = min_count
        self.threshold = threshold
        self.max_vocab_size = max_vocab_size
        self.delimiter = delimiter
        self.progress_per = progress_per
        self.connector_words = frozenset(connector_words)
        self.corpus_word_count = 0
        self.min_reduce = 1
        self._encoder = Encoder(1 << 62)
        self._counts = PairCounts(max_entries=max_vocab_size)
        self._cache = None
        if sentences is not None or corpus_file is not None:
            start = time.time()
            self.add_vocab(sentences, corpus_file=corpus_file)
            self.add_lifecycle_event("created",
                                     msg=f"built {self} in {time.time() - start:.2f}s")

    def __str__(self):
        return (f"{type(self).__name__}<{len(self)} vocab, min_count={self.min_count}, "
                f"threshold={self.threshold}, max_vocab_size={self.max_vocab_size}>")

    def __len__(self):
        return self._counts.n_entries

    @property
    def _words(self):
        return self._encoder.provisional_counts()[0]

    def _learn(self, sentences, corpus_file):
        """The PairCounts of the texts, counted in a second thread while they are read."""
        if sentences is None and corpus_file is None:
            raise ValueError("give sentences or corpus_file")
        if sentences is not None and corpus_file is not None:
            raise ValueError("give sentences or corpus_file, not both")
        enc = self._encoder
        enc.max_text = MAX_TEXT_WORDS if corpus_file is not None else 1 << 62
        counts = PairCounts(max_entries=self.max_vocab_size)
        connector = np.zeros(0, dtype=np.uint8)
        logger.info("collecting all words and their counts")
        counting, texts = None, 0
        with ThreadPoolExecutor(1, thread_name_prefix="fastw2v-phrases") as pool:
            for _ in feed(enc, sentences, corpus_file, every=BATCH_WORDS):
                ids, offsets = enc.take()
                words = enc.provisional_counts()[0]
                if len(words) > len(connector):
                    new = words[len(connector):]
                    connector = np.concatenate((connector, np.fromiter(
                        (w in self.connector_words for w in new), np.uint8, len(new))))
                if counting is not None:
                    counting.result()
                counting = pool.submit(counts.count, ids, offsets, connector)
                if texts // self.progress_per != (texts + len(offsets) - 1) // self.progress_per:
                    logger.info("PROGRESS: at sentence #%i, processed %i words and %i word "
                                "types", texts, enc.n_words_total, len(words))
                texts += len(offsets) - 1
            counting.result()
        logger.info("collected %i token types (unigram + bigrams) from a corpus of %i words "
                    "and %i sentences", counts.n_entries, counts.total_words, texts)
        return counts

    def add_vocab(self, sentences=None, corpus_file=None):
        """Adds the counts of more texts, as gensim does: counted apart (pruned apart under
        max_vocab_size), then added, then pruned once if the sum has more than max_vocab_size
        entries.

        Parameters
        ----------
        sentences : iterable of lists of str, optional
        corpus_file : path, directory or list of paths, optional
        """
        counts = self._learn(sentences, corpus_file)
        self.corpus_word_count += counts.total_words
        if self._counts.n_entries:
            logger.info("merging %i counts into %s", counts.n_entries, self)
            self.min_reduce = max(self.min_reduce, counts.min_reduce)
            self._counts.merge(counts)
            if self._counts.n_entries > self.max_vocab_size:
                self._counts.prune(self.min_reduce)
                self.min_reduce += 1
        else:
            self._counts = counts
        self._cache = None
        logger.info("merged %s", self)

    def _phrases(self):
        """(a, run, b, score) of the phrases: the pairs whose score is not <= threshold (the
        built-in scorers compiled; a pair with a word of count 0 has no score)."""
        name = _scoring_name(self.scoring)
        if name is not None:
            return self._counts.phrases(name, float(self.min_count), float(self.threshold),
                                        float(len(self)), float(self.corpus_word_count))
        a, run, b, count = self._counts.pairs()
        unigrams = self._counts.unigram_counts(len(self._words))
        keep = (unigrams[a] > 0) & (unigrams[b] > 0)
        a, run, b, count = a[keep], run[keep], b[keep], count[keep]
        len_vocab = len(self)
        score = np.array([self.scoring(worda_count=int(unigrams[i]), wordb_count=int(unigrams[j]),
                                       bigram_count=c, len_vocab=len_vocab,
                                       min_count=self.min_count,
                                       corpus_word_count=self.corpus_word_count)
                          for i, j, c in zip(a, b, count.tolist())], dtype=np.float64)
        phrase = ~(score <= self.threshold)
        return a[phrase], run[phrase], b[phrase], score[phrase]

    def _detector(self):
        key = _settings_key(self)
        if self._cache is None or self._cache[0] != key:
            a, run, b, score = self._phrases()
            self._cache = key, _Detector(self._words, self.connector_words, a, run, b,
                                         self._counts.runs, score, self.delimiter)
        return self._cache[1]

    def export_phrases(self):
        """The phrases and their scores.

        Returns
        -------
        dict of str to float
        """
        detector = self._detector()
        return dict(zip(detector.strings, detector.scores.tolist()))

    def freeze(self):
        """The phrases alone, as a :class:`FrozenPhrases` (smaller and faster to apply;
        it learns no more)."""
        return FrozenPhrases(self)

    @property
    def vocab(self):
        words = self._words
        unigrams = self._counts.unigram_counts(len(words))
        vocab = {words[i]: int(unigrams[i]) for i in np.flatnonzero(unigrams)}
        a, run, b, count = self._counts.pairs()
        runs = self._counts.runs
        for i, r, j, c in zip(a.tolist(), run.tolist(), b.tolist(), count.tolist()):
            vocab[self.delimiter.join([words[i], *(words[k] for k in runs[r]), words[j]])] = c
        return vocab

    def save(self, fname_or_handle, separately=None, sep_limit=10 * 1024 ** 2,
             ignore=frozenset(), pickle_protocol=4):
        """Saves the model as one file (a zip of .npy arrays and JSON; no pickle), atomically.
        gensim's other parameters (how it splits a pickle into files) are accepted, with no
        effect: the file holds every array.

        Raises
        ------
        ValueError
            A scoring function that is neither built-in nor importable by name (its name is
            saved: pass it again to ``load``).
        """
        from ._phrases_io import save_phrases
        save_phrases(self, fname_or_handle)

    @classmethod
    def load(cls, fname, scoring=None):
        """Loads a model saved by :meth:`save` (Phrases or FrozenPhrases), or saved by gensim
        (read without executing anything from the file).

        Parameters
        ----------
        fname : path
        scoring : function, optional
            The scoring function of a model saved with one of its own (a file holds its
            name only).

        Raises
        ------
        ValueError
            Not a phrases model, a damaged file, or a custom scoring function not given.
        """
        from ._phrases_io import load_phrases
        return load_phrases(fname, cls, scoring)


class FrozenPhrases(_PhrasesTransformation):
    """The phrases of a :class:`Phrases` model and their scores, without the counts: gensim
    4.4's ``FrozenPhrases`` (alias ``Phraser``).

    Parameters
    ----------
    phrases_model : Phrases

    Attributes
    ----------
    phrasegrams : dict of str to float
        The phrases (words joined by ``delimiter``) and their scores; assigning a dict sets
        the phrases (a phrase is then any split of its key into words, the inner ones
        connector words).
    """

    def __init__(self, phrases_model):
        self.threshold = phrases_model.threshold
        self.min_count = phrases_model.min_count
        self.delimiter = phrases_model.delimiter
        self.scoring = phrases_model.scoring
        self.connector_words = phrases_model.connector_words
        logger.info("exporting phrases from %s", phrases_model)
        start = time.time()
        a, run, b, score = phrases_model._phrases()
        self._set_phrases(phrases_model._words, a, run, b, phrases_model._counts.runs, score)
        self.add_lifecycle_event("created", msg=f"exported {self} from {phrases_model} in "
                                                f"{time.time() - start:.2f}s")

    def _set_phrases(self, words, a, run, b, runs, score):
        """Keeps the phrases with their words renumbered (the words of the phrases, then the
        connector words)."""
        self._words, self._a, self._run, self._b, self._runs = _renumbered(
            words, a, run, b, runs, self.connector_words)
        self._scores = np.asarray(score, dtype=np.float64)
        self._cache = None

    def __str__(self):
        return (f"{type(self).__name__}<{len(self._scores)} phrases, min_count="
                f"{self.min_count}, threshold={self.threshold}>")

    def _detector(self):
        key = _settings_key(self)
        if self._cache is None or self._cache[0] != key:
            keep = ~(self._scores <= self.threshold)
            self._cache = key, _Detector(self._words, self.connector_words, self._a[keep],
                                         self._run[keep], self._b[keep], self._runs,
                                         self._scores[keep], self.delimiter)
        return self._cache[1]

    @property
    def phrasegrams(self):
        words, runs = self._words, self._runs
        return {self.delimiter.join([words[i], *(words[k] for k in runs[r]), words[j]]): s
                for i, r, j, s in zip(self._a.tolist(), self._run.tolist(), self._b.tolist(),
                                      self._scores.tolist())}

    @phrasegrams.setter
    def phrasegrams(self, phrasegrams):
        words, index, runs, run_index = [], {}, [()], {(): 0}
        a, run, b, score = [], [], [], []

        def number(word):
            if word not in index:
                index[word] = len(words)
                words.append(word)
            return index[word]

        for phrase, value in phrasegrams.items():
            for first, inner, last in _splits(phrase, self.delimiter, self.connector_words):
                seq = tuple(number(w) for w in inner)
                if seq not in run_index:
                    run_index[seq] = len(runs)
                    runs.append(seq)
                a.append(number(first))
                run.append(run_index[seq])
                b.append(number(last))
                score.append(value)
        self._set_phrases(words, np.array(a, dtype=np.int32), np.array(run, dtype=np.int32),
                          np.array(b, dtype=np.int32), runs, np.array(score, dtype=np.float64))

    save = Phrases.save
    load = classmethod(Phrases.load.__func__)


#: gensim's older name of FrozenPhrases.
Phraser = FrozenPhrases


def _splits(phrase, delimiter, connector_words):
    """The ways a phrase key (words joined by ``delimiter``) splits into a first word, inner
    connector words and a last word, none of them a connector at the ends: gensim's frozen
    phrases match any text whose words join to the key."""
    parts = phrase.split(delimiter)
    found = []
    for i in range(1, len(parts)):
        first = delimiter.join(parts[:i])
        if first in connector_words:
            continue
        for j in range(i, len(parts)):
            last = delimiter.join(parts[j:])
            if last in connector_words:
                continue
            found += [(first, inner, last)
                      for inner in _connector_runs(parts[i:j], delimiter, connector_words)]
    return found


def _connector_runs(parts, delimiter, connector_words):
    """The ways ``parts`` join into a sequence of connector words (each a tuple)."""
    if not parts:
        return [()]
    return [(word, *rest)
            for k in range(1, len(parts) + 1)
            if (word := delimiter.join(parts[:k])) in connector_words
            for rest in _connector_runs(parts[k:], delimiter, connector_words)]
