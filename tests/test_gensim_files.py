"""gensim's saved files (pickle + side .npy arrays) opened by fastw2v's restricted
unpickler, and the in-memory conversions both ways, checked against gensim itself."""
import glob
import os
import pickle
import sys
import tempfile
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_formats import FUZZ, _assert_well_formed, _load_or_clear_error, damaged

import fastw2v
from fastw2v._layers import MODES
from fastw2v.formats.gensim import UnsafePickleError, allow, read_saved
from fastw2v.vocab import huffman_paths

gensim_models = pytest.importorskip("gensim.models")
GensimWord2Vec, GensimKeyedVectors = gensim_models.Word2Vec, gensim_models.KeyedVectors
TEST_DATA = os.path.join(os.path.dirname(gensim_models.__file__), "..", "test", "test_data")
WORDS = [f"w{i}" for i in range(40)]


@pytest.fixture(scope="module")
def sentences():
    rng = np.random.default_rng(0)
    p = 1 / np.arange(1, len(WORDS) + 1)
    return [list(rng.choice(WORDS, size=12, p=p / p.sum())) for _ in range(300)]


def _gensim_model(sentences, mode, **settings):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return GensimWord2Vec(sentences, vector_size=16, min_count=1, workers=1, epochs=1,
                              seed=1, **{**MODES[mode], **settings})


def _gensim_counts(wv):
    return [wv.get_vecattr(key, "count") for key in wv.index_to_key]


def _assert_same_attributes(kv, gensim_wv):
    """The numeric per-key attributes are gensim's (its Huffman codes and points, arrays of
    arrays, are a model's: see test_hs_model_keeps_gensims_huffman_tree)."""
    numeric = {name for name, values in gensim_wv.expandos.items() if values.dtype != object}
    assert set(kv.expandos) == numeric
    for name in numeric:
        assert kv.expandos[name].dtype == gensim_wv.expandos[name].dtype, name
        np.testing.assert_array_equal(kv.expandos[name], gensim_wv.expandos[name])


# ---------------------------------------------------------------- gensim 4 files


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("sep_limit", [10, 10 * 1024**2])
def test_gensim_model_file_loads_with_layers_settings_and_neighbours(tmp_path, sentences,
                                                                     mode, sep_limit):
    gensim_model = _gensim_model(sentences, mode, window=3, alpha=0.03, sample=1e-2)
    path = str(tmp_path / "w2v.model")
    gensim_model.save(path, sep_limit=sep_limit)
    assert os.path.exists(path + ".wv.vectors.npy") == (sep_limit == 10)
    model = fastw2v.Word2Vec.load(path)
    assert model.wv.index_to_key == gensim_model.wv.index_to_key
    np.testing.assert_array_equal(model.wv.vectors, gensim_model.wv.vectors)
    assert model.wv.counts.tolist() == _gensim_counts(gensim_model.wv)
    _assert_same_attributes(model.wv, gensim_model.wv)
    if gensim_model.negative:
        np.testing.assert_array_equal(model.syn1neg, gensim_model.syn1neg)
    if gensim_model.hs:
        np.testing.assert_array_equal(model.syn1, gensim_model.syn1[:-1])
    for name in ("sg", "hs", "negative", "window", "alpha", "min_alpha", "sample",
                 "ns_exponent", "cbow_mean", "epochs", "vector_size", "min_count", "seed",
                 "corpus_count", "corpus_total_words", "sorted_vocab", "null_word"):
        assert getattr(model, name) == getattr(gensim_model, name), name
    for key in ("w0", "w5", "w17"):
        ours, theirs = model.wv.most_similar(key, topn=8), gensim_model.wv.most_similar(key,
                                                                                      topn=8)
        assert [k for k, _ in ours] == [k for k, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-5)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_loaded_gensim_model_trains_further(tmp_path, sentences, mode):
    path = str(tmp_path / "w2v.model")
    _gensim_model(sentences, mode).save(path, sep_limit=10)
    model = fastw2v.Word2Vec.load(path)
    layers = [name for name, switch in (("syn1neg", "negative"), ("syn1", "hs"))
              if MODES[mode][switch]]
    before = {name: np.array(getattr(model, name)) for name in layers}
    vectors = model.wv.vectors.copy()
    model.train(sentences, total_examples=len(sentences), epochs=1, compute_loss=True)
    assert np.isfinite(model.get_latest_training_loss()) and model.get_latest_training_loss() > 0
    assert not np.array_equal(model.wv.vectors, vectors)
    for name, array in before.items():
        assert not np.array_equal(getattr(model, name), array), name


@pytest.mark.parametrize("sg", [0, 1])
def test_hs_model_keeps_gensims_huffman_tree(tmp_path, sentences, sg):
    """fastw2v's own tree of these counts breaks ties otherwise than gensim's, so syn1's
    rows would belong to other nodes: the loaded model uses gensim's paths, and its score
    (the hs log-probabilities over syn1) is gensim's."""
    gensim_model = _gensim_model(sentences, "sg-hs" if sg else "cbow-hs")
    counts = np.array(_gensim_counts(gensim_model.wv))
    own_codes, own_points, own_offsets = huffman_paths(counts)
    assert any(not np.array_equal(own_points[own_offsets[i]:own_offsets[i + 1]],
                                  gensim_model.wv.expandos["point"][i])
               for i in range(len(counts)))  # the trees do differ
    path = str(tmp_path / "hs.model")
    gensim_model.save(path)
    model = fastw2v.Word2Vec.load(path)
    vocab = model.vocab
    for i in range(len(counts)):
        path_i = slice(vocab.path_offsets[i], vocab.path_offsets[i + 1])
        np.testing.assert_array_equal(vocab.codes[path_i], gensim_model.wv.expandos["code"][i])
        np.testing.assert_array_equal(vocab.points[path_i], gensim_model.wv.expandos["point"][i])
    np.testing.assert_allclose(model.score(sentences[:20]),
                               gensim_model.score(sentences[:20], total_sentences=20),
                               rtol=1e-5)


def test_gensims_tree_survives_a_native_save_and_a_bad_one_is_refused(tmp_path, sentences):
    gensim_model = _gensim_model(sentences, "sg-hs")
    model = fastw2v.Word2Vec.from_gensim(gensim_model)
    path = str(tmp_path / "native.model")
    model.save(path)
    again = fastw2v.Word2Vec.load(path)
    for name in ("codes", "points", "path_offsets"):
        np.testing.assert_array_equal(getattr(again.vocab, name), getattr(model.vocab, name))
    np.testing.assert_allclose(again.score(sentences[:10]),
                               gensim_model.score(sentences[:10], total_sentences=10),
                               rtol=1e-5)
    model.vocab.points[3] = len(model.wv) - 1  # the unused last row of gensim's syn1
    model.save(path)
    with pytest.raises(ValueError, match=r"native.model' is not a valid FastW2V model: its Huffman "
                                         r"codes and points are "
                                         r"not paths of a tree of 40 words \(points in "
                                         r"0..38, codes 0 or 1\)"):
        fastw2v.Word2Vec.load(path)


def test_gensim_keyedvectors_file_loads_mmap_and_native_files_still_do(tmp_path, sentences):
    gensim_kv = _gensim_model(sentences, "sg-ns").wv
    path = str(tmp_path / "vectors.kv")
    gensim_kv.save(path, sep_limit=10)
    kv = fastw2v.KeyedVectors.load(path, mmap="r")
    assert isinstance(kv.vectors, np.memmap) and not kv.vectors.flags.writeable
    assert kv.index_to_key == gensim_kv.index_to_key
    np.testing.assert_array_equal(kv.vectors, gensim_kv.vectors)
    assert kv.counts.tolist() == _gensim_counts(gensim_kv)
    native = str(tmp_path / "native.kv")
    kv.save(native)
    again = fastw2v.KeyedVectors.load(native)
    assert again.index_to_key == kv.index_to_key and again.counts.tolist() == kv.counts.tolist()
    with pytest.raises(ValueError, match=r"holds a gensim.models.keyedvectors.KeyedVectors, "
                                         r"not a gensim Word2Vec model; use KeyedVectors.load"):
        fastw2v.Word2Vec.load(path)


@pytest.mark.parametrize("suffix", [".gz", ".bz2"])
def test_compressed_gensim_files_load_without_mmap(tmp_path, sentences, suffix):
    gensim_model = _gensim_model(sentences, "cbow-hs")
    path = str(tmp_path / f"w2v.model{suffix}")
    gensim_model.save(path, sep_limit=10)  # a compressed pickle, side arrays in .npz files
    assert os.path.exists(f"{path}.syn1.npz")
    model = fastw2v.Word2Vec.load(path)
    np.testing.assert_array_equal(model.wv.vectors, gensim_model.wv.vectors)
    np.testing.assert_array_equal(model.syn1, gensim_model.syn1[:-1])
    with pytest.raises(ValueError, match=rf"mmap='r' cannot map the arrays of the compressed "
                                         rf"file '.*w2v.model\{suffix}': load it with "
                                         rf"mmap=None"):
        fastw2v.Word2Vec.load(path, mmap="r")
    data = open(path, "rb").read()
    with open(path, "wb") as fout:
        fout.write(data[:len(data) // 2])
    with pytest.raises(ValueError, match=rf"w2v.model\{suffix}'"):
        fastw2v.Word2Vec.load(path)


def test_keyedvectors_load_of_a_gensim_model_gives_its_vectors(tmp_path, sentences):
    gensim_model = _gensim_model(sentences, "cbow-ns")
    path = str(tmp_path / "w2v.model")
    gensim_model.save(path)
    kv = fastw2v.KeyedVectors.load(path)
    assert kv.index_to_key == gensim_model.wv.index_to_key
    np.testing.assert_array_equal(kv.vectors, gensim_model.wv.vectors)


# ---------------------------------------------------------------- gensim's own old files


def _test_file(name):
    return os.path.join(TEST_DATA, name)


OLD_FILES = ["word2vec_old", "word2vec_old_sep", "word2vec_3.3", "model-from-gensim-3.8.0.w2v",
             "old_keyedvectors_320.dat"] + sorted(
    os.path.relpath(p, TEST_DATA) for p in glob.glob(_test_file("old_w2v_models/*.mdl")))
# gensim 4.4 cannot load these (its error: 'Word2Vec' object has no attribute 'wv'); the
# reference is then the trusted pickle itself and its side arrays
PRE_KV_FILES = ["word2vec_pre_kv_py2", "word2vec_pre_kv_py3", "word2vec_pre_kv_py3_4",
                "word2vec_pre_kv_sep_py2", "word2vec_pre_kv_sep_py3",
                "word2vec_pre_kv_sep_py3_4", "w2v-lee-v0.12.0"]


def _gensim_reference(path):
    """(keys, vectors, counts) as gensim 4.4 loads them, or from the raw pickle when it
    cannot (models older than KeyedVectors: the arrays on the model itself)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loaded = GensimKeyedVectors.load(path)
        wv = getattr(loaded, "wv", loaded)
        return wv.index_to_key, wv.vectors, _gensim_counts(wv), wv
    except AttributeError:
        with open(path, "rb") as fin:
            raw = pickle.load(fin, encoding="latin1")  # gensim's own test data: trusted
        vectors = raw.__dict__.get("syn0")
        if vectors is None:
            vectors = np.load(path + ".syn0.npy")
        return raw.index2word, vectors, [raw.vocab[w].count for w in raw.index2word], None


@pytest.mark.parametrize("name", OLD_FILES + PRE_KV_FILES)
def test_old_gensim_files_load_as_gensim_reads_them(name):
    path = _test_file(name)
    keys, vectors, counts, gensim_wv = _gensim_reference(path)
    kv = fastw2v.KeyedVectors.load(path)
    assert kv.index_to_key == keys
    np.testing.assert_array_equal(kv.vectors, vectors)
    assert kv.counts.tolist() == counts
    if gensim_wv is not None:
        _assert_same_attributes(kv, gensim_wv)
    if "keyedvectors" not in name:
        model = fastw2v.Word2Vec.load(path)
        np.testing.assert_array_equal(model.wv.vectors, vectors)
        assert model.wv.counts.tolist() == counts


def test_gensim_3_8_model_keeps_its_settings_and_layers():
    path = _test_file("model-from-gensim-3.8.0.w2v")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = GensimWord2Vec.load(path)
    model = fastw2v.Word2Vec.load(path)
    for name in ("sg", "hs", "negative", "window", "epochs", "vector_size", "min_count",
                 "sample", "alpha", "min_alpha", "corpus_count"):
        assert getattr(model, name) == getattr(reference, name), name
    np.testing.assert_array_equal(model.syn1neg, reference.syn1neg)
    np.testing.assert_array_equal(model.syn1, reference.syn1[:-1])


def test_unreadable_test_file_is_a_value_error_naming_it():
    path = _test_file("word2vec_pre_kv_c")  # a C-format file, not a pickle: gensim fails too
    with pytest.raises(ValueError, match=r"word2vec_pre_kv_c"):
        fastw2v.KeyedVectors.load(path)


# ---------------------------------------------------------------- hostile and damaged files


class _Opens:
    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return open, (self.target, "w")


class _Runs:
    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return os.system, (f"touch {self.target}",)


class _Executes:
    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return exec, (f"open({self.target!r}, 'w')",)


@pytest.mark.parametrize("payload, global_name", [(_Opens, r"io\.open"),
                                                  (_Runs, r"posix\.system"),
                                                  (_Executes, r"builtins\.exec")])
def test_hostile_pickle_is_refused_and_runs_nothing(tmp_path, payload, global_name):
    target = tmp_path / "created"
    gensim_kv = GensimKeyedVectors(4)
    gensim_kv.add_vectors(["a", "b"], np.ones((2, 4), np.float32))
    gensim_kv.comment = payload(str(target))
    path = str(tmp_path / "hostile.kv")
    with open(path, "wb") as fout:
        pickle.dump(gensim_kv, fout, protocol=4)
    for load in (fastw2v.KeyedVectors.load, fastw2v.Word2Vec.load, fastw2v.FastW2V.load):
        with pytest.raises(UnsafePickleError, match=rf"hostile.kv': refusing to load it: its "
                                                    rf"pickle refers to {global_name}, a "
                                                    rf"global fastw2v does not resolve"):
            load(path)
    assert not target.exists()
    with open(path, "rb") as fin:  # the file would have done it
        pickle.load(fin)
    assert target.exists()


def test_hostile_side_array_is_refused(tmp_path, sentences):
    path = str(tmp_path / "vectors.kv")
    _gensim_model(sentences, "sg-ns").wv.save(path, sep_limit=10)
    np.save(path + ".vectors.npy", np.array([_Opens(str(tmp_path / "x"))] * 3, dtype=object),
            allow_pickle=True)
    with pytest.raises(ValueError, match=r"vectors\.kv\.vectors\.npy' is not a valid \.npy "
                                         r"array of numbers: Object arrays cannot be loaded"):
        fastw2v.KeyedVectors.load(path)
    assert not (tmp_path / "x").exists()


def test_object_array_in_the_pickle_is_refused(tmp_path):
    gensim_kv = GensimKeyedVectors(4)
    gensim_kv.add_vectors(["a", "b"], np.ones((2, 4), np.float32))
    gensim_kv.expandos["note"] = np.array(["x", 1], dtype=object)
    path = str(tmp_path / "objects.kv")
    gensim_kv.save(path)
    with pytest.raises(UnsafePickleError, match=r"objects.kv': refusing to load it: its "
                                                r"pickle holds an object array of a str, "
                                                r"not of numeric arrays"):
        fastw2v.KeyedVectors.load(path)


def test_damaged_gensim_files_give_value_errors_naming_them(tmp_path, sentences):
    path = str(tmp_path / "vectors.kv")
    _gensim_model(sentences, "sg-ns").wv.save(path, sep_limit=10)
    side = path + ".vectors.npy"
    good_side, good = open(side, "rb").read(), open(path, "rb").read()
    for cut in (3, len(good) // 2, len(good) - 1):
        with open(path, "wb") as fout:
            fout.write(good[:cut])
        with pytest.raises(ValueError, match=r"vectors.kv' is not a valid gensim file \(a "
                                             r"pickle\): it is truncated or corrupt"):
            fastw2v.KeyedVectors.load(path)
    with open(path, "wb") as fout:
        fout.write(good)
    with open(side, "wb") as fout:
        fout.write(good_side[:-7])
    with pytest.raises(ValueError, match=r"vectors\.kv\.vectors\.npy' is not a valid \.npy"):
        fastw2v.KeyedVectors.load(path)
    np.save(side, np.zeros((3, 16), np.float32))
    with pytest.raises(ValueError, match=r"vectors.kv': its vectors have 3 rows for 40 keys"):
        fastw2v.KeyedVectors.load(path)
    os.remove(side)
    with pytest.raises(FileNotFoundError, match=r"vectors\.kv\.vectors\.npy"):
        fastw2v.KeyedVectors.load(path)


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_every_pickle_protocol_and_numpy_scalars_and_byte_orders_load(tmp_path, protocol):
    gensim_kv = GensimKeyedVectors(4)
    gensim_kv.add_vectors(["a", "b"], np.arange(8, dtype=np.float32).reshape(2, 4))
    gensim_kv.vectors = gensim_kv.vectors.astype(">f4")
    gensim_kv.comment = np.float32(1.5)
    path = str(tmp_path / "vectors.kv")
    gensim_kv.save(path, pickle_protocol=protocol)
    kv = fastw2v.KeyedVectors.load(path)
    assert kv.vectors.dtype == GensimKeyedVectors.load(path).vectors.dtype
    np.testing.assert_array_equal(kv.vectors, gensim_kv.vectors)
    assert vars(read_saved(path))["comment"] == np.float32(1.5)


@pytest.mark.parametrize("attr, value, message", [
    ("expandos", 5, r"expandos is a int, not a dict"),
    ("index_to_key", 3, r"index_to_key is a int, not a list"),
    ("vectors", "x", r"vectors is not a 2-D numeric array: str"),
    ("vectors", np.ones((2, 2), np.int64), r"vectors is not a 2-D numeric array"),
    ("expandos", {"count": 7}, r"attribute 'count' is not 2 values \(one per key\)"),
    ("expandos", {"count": ["a", "b"]}, r"holds invalid word vectors: counts are not"),
    ("index_to_key", ["a", "a"], r"holds invalid word vectors: index_to_key must not repeat"),
    ("index_to_key", [["a"], "b"], r"holds invalid word vectors"),
])
def test_gensim_state_of_the_wrong_shape_is_a_value_error(tmp_path, attr, value, message):
    gensim_kv = GensimKeyedVectors(4)
    gensim_kv.add_vectors(["a", "b"], np.ones((2, 4), np.float32))
    setattr(gensim_kv, attr, value)
    _assert_refused(fastw2v.KeyedVectors.load, tmp_path / "odd.kv", gensim_kv, message)


def _assert_refused(load, path, obj, message):
    """``load`` of a file holding the pickle of ``obj`` raises ValueError naming ``path``."""
    with open(path, "wb") as fout:
        pickle.dump(obj, fout, protocol=4)
    with pytest.raises(ValueError, match=rf"{path.name}'(: | ){message}"):
        load(path)


def _odd_points(model):
    model.wv.expandos["point"][0] = model.wv.expandos["point"][0] + len(model.wv)


def _odd_codes(model):
    model.wv.expandos["code"][1] = model.wv.expandos["code"][1] + 2


@pytest.mark.parametrize("change, message", [
    (lambda m: setattr(m, "syn1neg", np.ones((2, 16), np.float32)),
     r"syn1neg has shape \(2, 16\), expected \(40, 16\)"),
    (lambda m: setattr(m, "sg", "x"), r"its settings are not valid for fastw2v: sg must be"),
    (lambda m: setattr(m, "wv", 5), r"holds no index_to_key or index2word or index2entity"),
    (_odd_points, r"its Huffman codes and points are not paths of a tree of 40 words"),
    (_odd_codes, r"its Huffman codes and points are not paths of a tree of 40 words"),
])
def test_gensim_model_state_of_the_wrong_shape_is_a_value_error(tmp_path, sentences, change,
                                                                  message):
    gensim_model = _gensim_model(sentences, "sg-ns", hs=1)
    change(gensim_model)
    _assert_refused(fastw2v.Word2Vec.load, tmp_path / "odd.model", gensim_model, message)


def test_allow_adds_inert_stand_ins(tmp_path):
    """A later reader (gensim's Phrases) allows its classes through the same unpickler."""
    from collections import OrderedDict
    path = str(tmp_path / "od.pkl")
    with open(path, "wb") as fout:
        pickle.dump(OrderedDict(a=np.arange(3)), fout, protocol=2)
    np.testing.assert_array_equal(read_saved(path)["a"], np.arange(3))
    (stand_in,) = allow("gensim.models.phrases.Phrases")
    assert stand_in.pickled_global == "gensim.models.phrases.Phrases"


# ---------------------------------------------------------------- in memory, both ways


def test_keyedvectors_from_and_to_gensim_share_the_vectors(sentences):
    gensim_kv = _gensim_model(sentences, "sg-ns").wv
    kv = fastw2v.KeyedVectors.from_gensim(gensim_kv)
    assert np.shares_memory(kv.vectors, gensim_kv.vectors)
    assert kv.index_to_key == gensim_kv.index_to_key
    assert kv.counts.tolist() == _gensim_counts(gensim_kv)
    _assert_same_attributes(kv, gensim_kv)
    back = kv.to_gensim()
    assert isinstance(back, GensimKeyedVectors)
    assert np.shares_memory(back.vectors, kv.vectors)
    assert back.most_similar("w3", topn=5) == gensim_kv.most_similar("w3", topn=5)
    assert _gensim_counts(back) == _gensim_counts(gensim_kv)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_word2vec_from_gensim_shares_and_to_gensim_trains_in_gensim(sentences, mode):
    gensim_model = _gensim_model(sentences, mode)
    model = fastw2v.Word2Vec.from_gensim(gensim_model)
    assert np.shares_memory(model.wv.vectors, gensim_model.wv.vectors)
    if gensim_model.negative:
        assert np.shares_memory(model.syn1neg, gensim_model.syn1neg)
    if gensim_model.hs:
        assert np.shares_memory(model.syn1, gensim_model.syn1)
    plain = fastw2v.FastW2V.from_gensim(gensim_model)
    assert type(plain) is fastw2v.FastW2V and plain.wv.index_to_key == model.wv.index_to_key
    back = model.to_gensim()
    assert isinstance(back, GensimWord2Vec)
    assert np.shares_memory(back.wv.vectors, model.wv.vectors)
    assert (back.sg, back.hs, back.negative, back.window) == \
        (gensim_model.sg, gensim_model.hs, gensim_model.negative, gensim_model.window)
    if back.hs:  # fastw2v's tree goes over; gensim's score reads it with syn1
        np.testing.assert_allclose(back.score(sentences[:10], total_sentences=10),
                                   model.score(sentences[:10]), rtol=1e-5)
    before = back.wv.vectors.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        back.train(sentences, total_examples=len(sentences), epochs=1)
    assert not np.array_equal(back.wv.vectors, before)


def test_from_gensim_takes_subclasses_and_refuses_other_objects(sentences):
    class MyWord2Vec(GensimWord2Vec):
        pass

    gensim_model = _gensim_model(sentences, "sg-ns")
    gensim_model.__class__ = MyWord2Vec
    assert fastw2v.Word2Vec.from_gensim(gensim_model).wv.index_to_key == \
        gensim_model.wv.index_to_key
    with pytest.raises(ValueError, match=r"the object given is a gensim.models.keyedvectors."
                                         r"KeyedVectors, not a gensim Word2Vec model; use "
                                         r"KeyedVectors.from_gensim"):
        fastw2v.Word2Vec.from_gensim(gensim_model.wv)


def test_integer_keys_go_both_ways():
    gensim_kv = GensimKeyedVectors(3)
    gensim_kv.add_vectors([7, 3, 11], np.eye(3, dtype=np.float32))
    kv = fastw2v.KeyedVectors.from_gensim(gensim_kv)
    assert kv.index_to_key == [7, 3, 11] and kv.get_index(3) == 1
    assert kv.to_gensim().most_similar(7) == gensim_kv.most_similar(7)


def test_softmax_model_does_not_go_to_gensim(sentences):
    model = fastw2v.FastW2V(sentences, vector_size=4, min_count=1, hs=0, negative=0,
                            softmax=1, epochs=1, workers=1).train()
    with pytest.raises(ValueError, match=r"full softmax \(softmax=1\), which gensim does "
                                         r"not have"):
        model.to_gensim()


def test_mmap_of_a_gensim_model(tmp_path, sentences):
    path = str(tmp_path / "w2v.model")
    _gensim_model(sentences, "sg-ns").save(path, sep_limit=10)
    read_only = fastw2v.Word2Vec.load(path, mmap="r")
    assert not read_only.wv.vectors.flags.writeable and not read_only.syn1neg.flags.writeable
    with pytest.raises(ValueError, match=r"is read-only \(a model loaded with mmap='r'\)"):
        read_only.train(sentences, total_examples=len(sentences), epochs=1)
    on_file = np.load(path + ".wv.vectors.npy")
    copy_on_write = fastw2v.Word2Vec.load(path, mmap="c")
    copy_on_write.train(sentences, total_examples=len(sentences), epochs=1)
    assert not np.array_equal(copy_on_write.wv.vectors, on_file)
    np.testing.assert_array_equal(np.load(path + ".wv.vectors.npy"), on_file)


def test_to_gensim_without_gensim_names_it(monkeypatch, sentences):
    kv = fastw2v.KeyedVectors(np.ones((2, 3), np.float32), ["a", "b"])
    monkeypatch.setitem(sys.modules, "gensim", None)
    monkeypatch.setitem(sys.modules, "gensim.models", None)
    with pytest.raises(ImportError, match=r"needs the gensim package, which is not "
                                          r"installed: pip install gensim"):
        kv.to_gensim()


# ---------------------------------------------------------------- fuzzed gensim files

def _gensim_file_bytes(save):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "f")
        save(path)
        return open(path, "rb").read()


def _small_gensim_model():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return GensimWord2Vec([["a", "b", "c", "a"], ["b", "a", "d"]], vector_size=3,
                              min_count=1, hs=1, negative=2, workers=1, epochs=1)


GENSIM_MODEL = _gensim_file_bytes(_small_gensim_model().save)
GENSIM_KV = _gensim_file_bytes(_small_gensim_model().wv.save)


@pytest.mark.parametrize("original, load", [(GENSIM_KV, fastw2v.KeyedVectors.load),
                                            (GENSIM_MODEL, fastw2v.Word2Vec.load)])
@FUZZ
@given(data=st.data())
def test_gensim_readers_on_damaged_files(tmp_path, original, load, data):
    path = tmp_path / "gensim.file"
    path.write_bytes(data.draw(damaged(original)))
    loaded = _load_or_clear_error(load, path)
    if isinstance(loaded, fastw2v.KeyedVectors):
        _assert_well_formed(loaded)
    elif loaded is not None:
        _assert_well_formed(loaded.wv)
        loaded.train([["a", "b", "c", "d"]], total_examples=1, epochs=1)
