"""Phrases and FrozenPhrases on disk: fastw2v's model file (a zip of .npy arrays and JSON,
:mod:`fastw2v.formats.native`; no pickle), and gensim's pickled Phrases / FrozenPhrases /
Phraser files (gensim 3.x and 4.x), read through the restricted unpickler of
:mod:`fastw2v.formats.gensim`, which executes nothing from a file."""
import json
import os

import numpy as np

from ._gensim_convert import is_gensim_file
from ._phrases import PairCounts
from .formats.gensim import Pickled, allow, class_names, read_saved
from .formats.native import load_arrays, save_arrays

#: The meta key naming what a phrases file holds, and its values by class.
KIND_KEY = "phrases_model"
KINDS = {"Phrases": "phrases", "FrozenPhrases": "frozen_phrases"}

_GENSIM_PHRASES, _GENSIM_FROZEN = ["gensim.models.phrases.Phrases"], [
    "gensim.models.phrases.FrozenPhrases", "gensim.models.phrases.Phraser"]
_GENSIM_SCORERS = {"gensim.models.phrases.original_scorer": "default",
                   "gensim.models.phrases.npmi_scorer": "npmi"}
allow(*_GENSIM_PHRASES, *_GENSIM_FROZEN, *_GENSIM_SCORERS)


def _scoring_saved(model):
    from .phrases import _scoring_name
    name = _scoring_name(model.scoring)
    if name is not None:
        return name
    return f"custom:{getattr(model.scoring, '__module__', '?')}." \
           f"{getattr(model.scoring, '__qualname__', type(model.scoring).__name__)}"


def save_phrases(model, fname):
    """Writes a Phrases or FrozenPhrases to ``fname`` (atomically, see
    :func:`fastw2v.formats.native.save_arrays`)."""
    from .phrases import Phrases
    meta = {KIND_KEY: KINDS["Phrases" if isinstance(model, Phrases) else "FrozenPhrases"],
            "min_count": model.min_count, "threshold": model.threshold,
            "delimiter": model.delimiter, "scoring": _scoring_saved(model),
            "connector_words": sorted(model.connector_words)}
    if isinstance(model, Phrases):
        counts = model._counts
        a, run, b, count = counts.pairs()
        arrays = {"unigrams": counts.unigram_counts(len(model._words)), "pair_a": a,
                  "pair_run": run, "pair_b": b, "pair_count": count}
        runs = counts.runs
        meta.update(max_vocab_size=model.max_vocab_size, progress_per=model.progress_per,
                    corpus_word_count=model.corpus_word_count, min_reduce=model.min_reduce,
                    count_min_reduce=counts.min_reduce, words=list(model._words))
    else:
        arrays = {"a": model._a, "run": model._run, "b": model._b, "scores": model._scores}
        runs = model._runs
        meta.update(words=list(model._words))
    flat = [i for r in runs for i in r]
    arrays["run_ids"] = np.array(flat, dtype=np.int32)
    arrays["run_ends"] = np.cumsum([len(r) for r in runs], dtype=np.int64)
    model.add_lifecycle_event("saved", fname_or_handle=os.fspath(fname))
    # the records as JSON holds them (a value JSON has no type for, as its repr)
    meta["lifecycle_events"] = json.loads(json.dumps(getattr(model, "lifecycle_events", None),
                                                     default=repr))
    save_arrays(fname, meta, arrays)


def load_phrases(fname, cls, scoring=None):
    """The Phrases or FrozenPhrases saved in ``fname`` (by fastw2v, or by gensim), as
    ``cls`` or the one it holds when ``cls`` is Phrases and the file a frozen model."""
    from .phrases import FrozenPhrases, Phrases
    if is_gensim_file(fname):
        return _from_gensim(fname, read_saved(fname), cls, scoring)
    meta, arrays = load_arrays(fname)
    where = repr(os.fspath(fname))
    kind = meta.get(KIND_KEY)
    if kind not in KINDS.values():
        raise ValueError(f"{where} is not a fastw2v Phrases or FrozenPhrases file (a saved "
                         f"word2vec model or vectors? load it with FastW2V.load or "
                         f"KeyedVectors.load)")
    frozen = kind == KINDS["FrozenPhrases"]
    if cls is FrozenPhrases and not frozen:
        raise ValueError(f"{where} holds a Phrases model, not a FrozenPhrases: load it with "
                         f"Phrases.load, then .freeze()")
    try:
        words = _str_list(meta, "words")
        runs = _runs(arrays, len(words))
        model = (FrozenPhrases if frozen else Phrases).__new__(FrozenPhrases if frozen
                                                               else Phrases)
        _settings(model, meta, scoring, where)
        if frozen:
            model._set_phrases(words, *(_ids(arrays[k], k, len(words)) for k in ("a", "run", "b")),
                               runs, np.asarray(arrays["scores"], dtype=np.float64))
            _check_runs(model._run, len(runs))
        else:
            model.max_vocab_size = int(meta["max_vocab_size"])
            model.progress_per = meta["progress_per"]
            model.corpus_word_count = int(meta["corpus_word_count"])
            model.min_reduce = int(meta["min_reduce"])
            _counts_into(model, words, np.asarray(arrays["unigrams"], dtype=np.int64),
                         *(arrays[k] for k in ("pair_a", "pair_run", "pair_b", "pair_count")),
                         runs)
            model._counts.min_reduce = int(meta["count_min_reduce"])
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"{where} is not a valid phrases file: {err}") from None
    events = meta.get("lifecycle_events")
    if isinstance(events, list):
        model.lifecycle_events = events
    return model


def _str_list(meta, key):
    value = meta[key]
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise ValueError(f"{key} must be a list of str")
    if len(set(value)) != len(value):
        raise ValueError(f"{key} holds a word twice")
    return value


def _runs(arrays, n_words):
    ids = _ids(arrays["run_ids"], "run_ids", n_words)
    ends = np.asarray(arrays["run_ends"], dtype=np.int64)
    if len(ends) == 0 or ends[0] != 0 or ends[-1] != len(ids) or np.any(np.diff(ends) <= 0):
        raise ValueError("run_ends must start at 0 (the empty run), then rise to len(run_ids)")
    starts = np.concatenate(([0], ends[:-1]))
    return [tuple(ids[s:e].tolist()) for s, e in zip(starts, ends)]


def _ids(values, key, n_words):
    """``values`` (named ``key`` in the message) as int32 ids of ``n_words`` words."""
    ids = np.asarray(values)
    if ids.ndim != 1 or ids.dtype.kind not in "iu":
        raise ValueError(f"{key} must be a 1-d array of ints")
    if len(ids) and (ids.min() < 0 or ids.max() >= n_words):
        raise ValueError(f"{key} holds ids outside [0, {n_words})")
    return ids.astype(np.int32)


def _check_runs(run, n_runs):
    if len(run) and run.max() >= n_runs:
        raise ValueError(f"run numbers outside [0, {n_runs})")


def _settings(model, meta, scoring, where):
    """The settings both classes have, with the scoring function: a built-in one by name,
    else ``scoring`` (required)."""
    from .phrases import _BUILT_IN, _check_settings
    name = meta["scoring"]
    if name in _BUILT_IN and scoring is None:
        scoring = name
    elif scoring is None:
        raise ValueError(f"{where} was saved with the scoring function "
                         f"{str(name).removeprefix('custom:')}, which a file does not hold: "
                         f"pass it, load(fname, scoring=...)")
    model.min_count, model.threshold = meta["min_count"], meta["threshold"]
    model.scoring = _check_settings(model.min_count, model.threshold, scoring)
    model.delimiter = meta["delimiter"]
    if not isinstance(model.delimiter, str):
        raise ValueError("delimiter must be a str")
    model.connector_words = frozenset(_str_list(meta, "connector_words"))
    model._cache = None


def _counts_into(model, words, unigrams, a, run, b, count, runs):
    """A Phrases' encoder and counts from saved words, counts and pairs."""
    from ._scan import Encoder
    model._encoder = Encoder(1 << 62)
    model._encoder.add_text(list(words))
    model._encoder.take()
    model._counts = PairCounts(max_entries=model.max_vocab_size)
    if len(unigrams) != len(words):
        raise ValueError(f"{len(unigrams)} unigram counts for {len(words)} words")
    model._counts.load(unigrams, _ids(a, "pair_a", len(words)), np.asarray(run, dtype=np.int32),
                       _ids(b, "pair_b", len(words)), np.asarray(count, dtype=np.int64), runs)


def _text(value, what):
    """gensim 3.x kept words as UTF-8 bytes, 4.x as str."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, str):
        return value
    raise ValueError(f"{what} must be str (or bytes, gensim 3.x), got {type(value).__name__}")


def _from_gensim(fname, root, cls, scoring):
    """A fastw2v Phrases / FrozenPhrases of a gensim one's state (upgraded as gensim's own
    load upgrades 3.x files)."""
    from .phrases import FrozenPhrases, Phrases
    where = repr(os.fspath(fname))
    names = class_names(root)
    if names[0] not in _GENSIM_PHRASES + _GENSIM_FROZEN:
        raise ValueError(f"{where} holds a {names[0]}, not gensim's Phrases or FrozenPhrases")
    frozen = names[0] in _GENSIM_FROZEN
    if cls is FrozenPhrases and not frozen:
        raise ValueError(f"{where} holds a gensim Phrases model, not a FrozenPhrases: load "
                         f"it with Phrases.load, then .freeze()")
    state = vars(root)
    try:
        delimiter = _text(state.get("delimiter", "_"), "delimiter")
        given = state.get("scoring", "default")
        if isinstance(given, type) and issubclass(given, Pickled):
            given = _GENSIM_SCORERS.get(given.pickled_global)
        meta = {"scoring": given if isinstance(given, str) else "custom:?",
                "min_count": state["min_count"], "threshold": state["threshold"],
                "delimiter": delimiter,
                "connector_words": sorted({_text(w, "a connector word") for w in state.get(
                    "connector_words", state.get("common_terms", ())) or ()})}
        model = (FrozenPhrases if frozen else Phrases).__new__(FrozenPhrases if frozen
                                                               else Phrases)
        _settings(model, meta, scoring, where)
        if frozen:
            model.phrasegrams = {
                delimiter.join(_text(w, "a phrase word") for w in key) if isinstance(key, tuple)
                else _text(key, "a phrase"): float(value[1] if isinstance(value, tuple)
                                                   else value)
                for key, value in dict(state["phrasegrams"]).items()}
        else:
            model.max_vocab_size = int(state.get("max_vocab_size", 40000000))
            model.progress_per = state.get("progress_per", 10000)
            model.corpus_word_count = int(state.get("corpus_word_count", 0))
            model.min_reduce = int(state.get("min_reduce", 1))
            _gensim_vocab_into(model, dict(state["vocab"]), delimiter)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ValueError(f"{where} is not a valid gensim phrases file: {err}") from None
    events = state.get("lifecycle_events")
    if isinstance(events, list):
        model.lifecycle_events = list(events)
    return model


def _gensim_vocab_into(model, vocab, delimiter):
    """gensim's vocab (token -> count; a key with the delimiter is a pair's, split as
    gensim's export_phrases splits it) as a Phrases' words and counts."""
    words, index = [], {}

    def number(word):
        if word not in index:
            index[word] = len(words)
            words.append(word)
        return index[word]

    unigram_of, pairs, runs, run_index = {}, [], [()], {(): 0}
    for key, count in vocab.items():
        key, count = _text(key, "a vocab key"), int(count)
        if count <= 0:
            raise ValueError(f"vocab count {count} of {key!r} is not positive")
        parts = key.split(delimiter)
        if len(parts) == 1:
            unigram_of[number(key)] = count
            continue
        seq = tuple(number(w) for w in parts[1:-1])
        if seq not in run_index:
            run_index[seq] = len(runs)
            runs.append(seq)
        pairs.append((number(parts[0]), run_index[seq], number(parts[-1]), count))
    unigrams = np.zeros(len(words), dtype=np.int64)
    unigrams[list(unigram_of)] = list(unigram_of.values())
    a, run, b, count = (np.array(column, dtype=dtype) for column, dtype in zip(
        zip(*pairs) if pairs else ((), (), (), ()), (np.int32, np.int32, np.int32, np.int64)))
    _counts_into(model, words, unigrams, a, run, b, count, runs)
