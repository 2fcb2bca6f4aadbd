"""gensim's word2vec objects to fastw2v's and back. One reading of gensim's state serves
both the stand-ins of a file (:mod:`fastw2v.formats.gensim`) and live gensim objects: the
state is read from the objects' ``__dict__`` under every name gensim used from 0.12 to 4.x
(``index_to_key`` / ``index2word``, ``vectors`` / ``syn0``, ``expandos`` / ``vocab``
entries, the settings that 3.x kept in ``vocabulary`` and ``trainables``)."""
import inspect
import logging
import os

import numpy as np

from .formats.gensim import class_names, is_pickle, read_saved
from .formats.native import is_native
from .keyedvectors import KeyedVectors

logger = logging.getLogger("fastw2v")

_MISSING = object()
_WORD2VEC_CLASSES = ("gensim.models.word2vec.Word2Vec",)
_VECTORS_CLASSES = ("gensim.models.keyedvectors.KeyedVectors",
                    "gensim.models.keyedvectors.Word2VecKeyedVectors",
                    "gensim.models.keyedvectors.EuclideanKeyedVectors")
# a FastW2V setting -> its names in gensim's state, the newest first (a name absent from an
# old file takes gensim's default, as fastw2v.Word2Vec's signature declares it)
_SETTINGS = {
    "vector_size": ("vector_size", "layer1_size"), "window": ("window",),
    "min_count": ("min_count",), "max_vocab_size": ("max_vocab_size",), "sample": ("sample",),
    "sg": ("sg",), "hs": ("hs",), "negative": ("negative",), "ns_exponent": ("ns_exponent",),
    "cbow_mean": ("cbow_mean",), "alpha": ("alpha",), "min_alpha": ("min_alpha",),
    "epochs": ("epochs", "iter"), "seed": ("seed",), "shrink_windows": ("shrink_windows",),
    "compute_loss": ("compute_loss",), "null_word": ("null_word",),
    "sorted_vocab": ("sorted_vocab",), "max_final_vocab": ("max_final_vocab",),
    "workers": ("workers",),
}


def need_gensim():
    """The gensim package; ImportError saying how to install it when it is missing."""
    try:
        import gensim.models
    except ImportError:
        raise ImportError("this needs the gensim package, which is not installed: "
                          "pip install gensim") from None
    return gensim.models


def is_gensim_file(path):
    """Whether ``path`` is a file that starts as a pickle (as gensim's saves do, also
    compressed; fastw2v's are zip archives)."""
    return os.path.isfile(path) and not is_native(path) and is_pickle(path)


def load_vectors(path, mmap=None):
    """The word vectors of a file saved by gensim (a KeyedVectors, or a Word2Vec model's
    ``wv``), read through the restricted unpickler (see :func:`vectors_from_gensim`)."""
    root = read_saved(path, mmap)
    if _is(root, _WORD2VEC_CLASSES):
        return vectors_from_gensim(vars(root).get("wv") or root, root, path)
    if not _is(root, _VECTORS_CLASSES):
        raise ValueError(f"{os.fspath(path)!r} holds a {class_names(root)[0]}, not gensim "
                         f"word vectors nor a Word2Vec model")
    return vectors_from_gensim(root, None, path)


def load_model(cls, path, mmap=None):
    """A ``cls`` of a Word2Vec model file saved by gensim (see :func:`model_from_gensim`)."""
    return model_from_gensim(cls, read_saved(path, mmap), path)


class _State:
    """Lookups in the ``__dict__`` of gensim objects, the first holding a name wins."""

    def __init__(self, where, *objects):
        self.where = where
        self.dicts = [vars(o) for o in objects if o is not None and hasattr(o, "__dict__")]

    def get(self, names, default=_MISSING):
        for name in (names,) if isinstance(names, str) else names:
            for d in self.dicts:
                if name in d and d[name] is not None:
                    return d[name]
        if default is _MISSING:
            listed = (names,) if isinstance(names, str) else names
            raise ValueError(f"{self.where} holds no {' or '.join(listed)}")
        return default

    def array(self, names, kinds, ndim):
        value = self.get(names)
        if not isinstance(value, np.ndarray) or value.dtype.kind not in kinds \
                or value.ndim != ndim:
            raise ValueError(f"{self.where}: {names if isinstance(names, str) else names[0]} "
                             f"is not a {ndim}-D numeric array: {type(value).__name__} "
                             f"{getattr(value, 'dtype', '')} {getattr(value, 'shape', '')}")
        return value if isinstance(value, np.memmap) else np.asarray(value)  # no stand-in


def _where(obj, path):
    return repr(os.fspath(path)) if path is not None else f"the {class_names(obj)[0]} given"


def _is(obj, names):
    """Whether ``obj`` is (or stands for) an instance of one of the classes ``names``."""
    return not set(class_names(obj)).isdisjoint(names)


def _vectors_parts(wv, model=None, where="the gensim object"):
    """``(keys, vectors, attrs)`` of a gensim KeyedVectors (or of a model older than
    KeyedVectors, ``model`` holding them): ``attrs`` the per-key arrays by gensim's names
    (count, sample_int, code, point ...), each of one value per key."""
    state = _State(where, wv, model)
    keys = state.get(("index_to_key", "index2word", "index2entity"))
    if not isinstance(keys, list):
        raise ValueError(f"{where}: index_to_key is a {type(keys).__name__}, not a list")
    vectors = state.array(("vectors", "syn0"), "f", 2)
    if len(vectors) != len(keys):
        raise ValueError(f"{where}: its vectors have {len(vectors)} rows for {len(keys)} keys")
    expandos = state.get("expandos", None)
    if expandos is not None:
        if not isinstance(expandos, dict):
            raise ValueError(f"{where}: expandos is a {type(expandos).__name__}, not a dict")
        attrs = dict(expandos)
    else:  # gensim < 4: a Vocab object per key
        vocab = state.get("vocab", {})
        attrs = {}
        for key, entry in vocab.items() if isinstance(vocab, dict) else ():
            index = vars(entry).get("index") if hasattr(entry, "__dict__") else None
            if not isinstance(index, int) or not 0 <= index < len(keys) or keys[index] != key:
                raise ValueError(f"{where}: the vocabulary entry of {key!r} has index "
                                 f"{index!r}, not its place in index2word")
            for name, value in vars(entry).items():
                if not name.startswith("_"):  # index too, as gensim 4 keeps it
                    attrs.setdefault(name, [None] * len(keys))[index] = value
    for name, values in attrs.items():
        if not isinstance(values, (np.ndarray, list)) or len(values) != len(keys):
            raise ValueError(f"{where}: attribute {name!r} is not {len(keys)} values (one "
                             f"per key): {str(values)[:80]}")
    return keys, vectors, attrs


def _counts(attrs):
    counts = attrs.get("count")
    if counts is None:
        return None
    try:
        return np.asarray(counts, dtype=np.int64)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"counts are not integers: {str(counts)[:80]}") from None


def vectors_from_gensim(wv, model=None, path=None):
    """A fastw2v KeyedVectors of a gensim one (a live object or a file's stand-in), sharing
    its vectors array (and its counts when they are int64); ValueError naming ``path`` (or
    the object) when its parts disagree. ``model``: the gensim model holding ``wv`` (or, for
    a model older than KeyedVectors, holding the vectors itself)."""
    return _vectors_and_attrs(wv, model, _where(wv, path))[0]


def _vectors_and_attrs(wv, model, where):
    """The KeyedVectors of :func:`vectors_from_gensim` and the per-key attributes."""
    keys, vectors, attrs = _vectors_parts(wv, model, where)
    try:
        kv = KeyedVectors(vectors, keys, _counts(attrs))
    except (TypeError, ValueError) as err:
        raise ValueError(f"{where} holds invalid word vectors: {err}") from None
    for name, values in attrs.items():  # gensim's numeric per-key attributes
        array = _per_key_array(name, values, len(keys))
        if name != "count" and array is not None:
            kv.expandos[name] = array
    lockf = _State(where, wv, model, *_parts(model)).get(("vectors_lockf", "syn0_lockf"), None)
    if isinstance(lockf, np.ndarray) and lockf.ndim == 1 and len(lockf) in (1, len(keys)) \
            and not np.all(lockf == 1):
        kv.vectors_lockf = np.ascontiguousarray(lockf, dtype=np.float32)
    return kv, attrs


def _per_key_array(name, values, n):
    """gensim's per-key attribute as a 1-D numeric array of ``n`` values (``sample_int``
    uint32, as gensim makes it), or None for another kind (the Huffman codes and points,
    arrays of arrays: a model keeps them in its vocabulary)."""
    try:
        array = np.asarray(values)
    except ValueError:  # ragged
        return None
    if array.shape != (n,) or array.dtype.kind not in "biuf":
        return None
    return array.astype(np.uint32) if name == "sample_int" else array


def _parts(model):
    """gensim 3.x kept settings and arrays in ``model.vocabulary`` and ``model.trainables``."""
    if model is None:
        return ()
    state = vars(model) if hasattr(model, "__dict__") else {}
    return tuple(state[name] for name in ("vocabulary", "trainables") if name in state)


def model_from_gensim(cls, model, path=None):
    """A ``cls`` (FastW2V or Word2Vec) of a gensim Word2Vec (live or a file's stand-in):
    the vectors, counts, output layers (``syn1neg`` shared, ``syn1`` a view without its
    unused last row), gensim's Huffman tree and the settings."""
    where = _where(model, path)
    if not _is(model, _WORD2VEC_CLASSES):
        found, method = (f"{where} holds", "load") if path is not None else \
            ("the object given is", "from_gensim")
        raise ValueError(f"{found} a {class_names(model)[0]}, not a gensim Word2Vec model"
                         + (f"; use KeyedVectors.{method}" if _is(model, _VECTORS_CLASSES)
                            else ""))
    state = _State(where, model, *_parts(model))
    kv, attrs = _vectors_and_attrs(state.get("wv", model), model, where)
    n, dim = len(kv), kv.vector_size
    from ._gensim_api import Word2Vec  # here: it imports this module's importers
    defaults = inspect.signature(Word2Vec).parameters
    settings = {name: state.get(names, defaults[name].default)
                for name, names in _SETTINGS.items()}
    settings["vector_size"] = dim
    try:
        fast = cls(**settings)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{where}: its settings are not valid for fastw2v: {err}") from None
    try:
        fast.vocab = fast._new_vocab(kv.index_to_key, kv.counts,
                                     _gensim_paths(attrs, where) if fast.hs else None)
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from None
    if kv.vectors.dtype != np.float32 or not kv.vectors.flags.c_contiguous:
        kv.vectors = np.ascontiguousarray(kv.vectors, dtype=np.float32)  # what training needs
    fast.wv = kv
    outputs = {}
    for name, shape in fast._params.output_shapes(n).items():
        if shape[0] == 0:
            outputs[name] = np.zeros(shape, dtype=np.float32)
            continue
        gensim_name = {"w_ns": "syn1neg", "w_hs": "syn1"}[name]
        array = state.array(gensim_name, "f", 2)
        if array.shape[1] != dim or len(array) < shape[0]:
            raise ValueError(f"{where}: {gensim_name} has shape {array.shape}, expected "
                             f"({n}, {dim})")
        outputs[name] = np.ascontiguousarray(array[:shape[0]], dtype=np.float32)
    fast._outputs = outputs
    for name in ("corpus_count", "corpus_total_words", "effective_min_count"):
        value = state.get(name, None)
        if isinstance(value, (int, np.integer)):
            setattr(fast, name, int(value))
    for name, kinds in (("comment", str), ("batch_words", int), ("train_count", int),
                        ("total_train_time", (int, float))):
        if hasattr(fast, name) and isinstance(state.get(name, None), kinds):
            setattr(fast, name, state.get(name))
    return fast


def _gensim_paths(attrs, where):
    """gensim's Huffman codes and points (per key) as the flat paths of
    :class:`fastw2v.vocab.Vocab` (checked there), or None if the file has none: the rows
    of syn1 are gensim's inner nodes, and fastw2v's tree of the same counts may break ties
    otherwise."""
    codes, points = attrs.get("code"), attrs.get("point")
    if codes is None or points is None:
        logger.warning("%s has hierarchical softmax but no Huffman codes: fastw2v's tree of "
                       "the counts is used with its syn1", where)
        return None
    try:
        lengths = [np.fromiter(map(len, paths), np.int64, len(paths))
                   for paths in (codes, points)]
        flat = [np.concatenate(list(paths)) if len(paths) else np.zeros(0, np.int64)
                for paths in (codes, points)]
    except (TypeError, ValueError):
        raise ValueError("the Huffman codes or points are not integer arrays") from None
    if not np.array_equal(*lengths):
        raise ValueError("a word's Huffman code and points differ in length")
    return (*flat, np.concatenate(([0], np.cumsum(lengths[0]))))


def vectors_to_gensim(kv):
    """A gensim KeyedVectors of a fastw2v one, sharing its vectors array and counts."""
    models = need_gensim()
    out = models.KeyedVectors(kv.vector_size, count=0, dtype=kv.vectors.dtype)
    out.vectors = kv.vectors
    out.index_to_key = list(kv.index_to_key)
    out.key_to_index = dict(kv.key_to_index)
    out.next_index = len(kv)
    out.expandos = {"count": kv.counts, **kv.expandos}
    out.vectors_lockf = kv.vectors_lockf
    return out


def model_to_gensim(fast):
    """A gensim Word2Vec of a fastw2v model, ready to train further in gensim: its settings,
    vectors and syn1neg shared, syn1 copied with gensim's extra last row, the Huffman tree
    and the sub-sampling thresholds of fastw2v's vocabulary."""
    models = need_gensim()
    if fast.vocab is None:
        raise ValueError("the model has no vocabulary yet: build_vocab or train it first")
    if fast.softmax:
        raise ValueError("the model trains the full softmax (softmax=1), which gensim does "
                         "not have: only hs and negative sampling models convert")
    settings = {name: getattr(fast, name) for name in _SETTINGS if name != "workers"}
    out = models.Word2Vec(workers=fast.workers, **settings)
    out.wv = vectors_to_gensim(fast.wv)
    vocab, n = fast.vocab, len(fast.wv)
    out.wv.expandos["sample_int"] = np.minimum(vocab.keep_threshold, 2**32 - 1).astype(np.uint32)
    if fast.negative:
        out.syn1neg = fast._outputs["w_ns"]
        out.make_cum_table()
    if fast.hs:
        out.syn1 = np.concatenate([fast._outputs["w_hs"],
                                   np.zeros((1, fast.vector_size), np.float32)])
        offsets = vocab.path_offsets
        out.wv.expandos["code"] = np.empty(n, dtype=object)
        out.wv.expandos["point"] = np.empty(n, dtype=object)
        for i in range(n):
            out.wv.expandos["code"][i] = vocab.codes[offsets[i]:offsets[i + 1]].copy()
            out.wv.expandos["point"][i] = vocab.points[offsets[i]:offsets[i + 1]].astype(
                np.uint32)
    out.corpus_count, out.corpus_total_words = fast.corpus_count, fast.corpus_total_words
    out.effective_min_count = fast.effective_min_count
    return out
