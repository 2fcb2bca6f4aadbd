"""The settings table (fastw2v._params.TrainingParams) drives the constructor, the attributes,
the saved file and the kernel's mapping: every field is tested here from the table itself,
its default and its bad values with their messages."""
import dataclasses
import inspect
import math
import re

import pytest
from conftest import four_word_texts

import fastw2v._params as _params
from fastw2v import FastW2V
from fastw2v._params import TrainingParams
from fastw2v._train import CONFIG_KEYS

FIELDS = dataclasses.fields(TrainingParams)
TEXTS = four_word_texts()


def _int_bad(check):
    allowed = f"an int >= {check.low}{' or None' if check.optional else ''}"
    bad = [(check.low - 1, allowed), (2.5, allowed), (True, allowed), ("3", allowed)]
    if check.high is not None:
        bad.append((check.high + 1, f"an int in {check.low}..{check.high}"
                                    f"{' or None' if check.optional else ''}"))
    if not check.optional:
        bad.append((None, allowed))
    return bad


def _float_bad(check):
    allowed = f"a finite number {'>' if check.strict else '>='} {check.low}"
    bad = [(math.nan, allowed), (math.inf, allowed), ("0.5", allowed), (True, allowed)]
    if math.isfinite(check.low):
        bad.append((check.low - 0.5, allowed))
    if check.strict:
        bad.append((check.low, allowed))
    return bad


# Per kind of check: the values it refuses, with what the message says is allowed.
BAD = {
    _params.Int: _int_bad,
    _params.Float: _float_bad,
    _params.Flag: lambda check: [(v, "0 or 1") for v in (2, -1, "1", 0.5, None)],
    _params.Choice: lambda check: [
        (v, "one of " + ", ".join(map(repr, check.values))) for v in ("nope", 3, None)],
    _params.Workers: lambda check: [(v, "an int >= 1") for v in (0, -1, 1.5, "2")],
    _params.Directory: lambda check: [],  # test_big_corpus: test_bad_budget_and_tmp_dir
    _params.Bool: lambda check: [],  # any value is taken as its truth value
    _params.Function: lambda check: [(v, "a callable or None") for v in (3, "len")],
}
BAD_VALUES = [(f.name, value, allowed) for f in FIELDS
              for value, allowed in BAD[type(f.metadata["check"])](f.metadata["check"])]
SAVED = [f.name for f in FIELDS if f.metadata["saved"]]
# What EpochRunner reads (its Config struct; fastw2v/_train.pyx refuses any other key).
KERNEL_KEYS = set(CONFIG_KEYS)


def _message(name, value, allowed):
    if allowed == "a callable or None":
        return re.escape(f"{name} must be {allowed}, got {type(value).__name__} {value!r}")
    return re.escape(f"{name} must be {allowed}, got {value!r}")


@pytest.mark.parametrize("f", FIELDS, ids=lambda f: f.name)
def test_every_setting_is_a_constructor_parameter_with_its_default(f):
    parameter = inspect.signature(FastW2V).parameters[f.name]
    assert parameter.default == f.default
    assert type(parameter.default) is type(f.default)
    value = getattr(FastW2V(), f.name)
    if f.name == "workers":
        assert value >= 1
    else:
        assert value == f.default


def test_the_signature_is_the_constructor_of_before():
    assert list(inspect.signature(FastW2V).parameters) == [
        "sentences", "corpus_file", "vector_size", "window", "min_count", "max_vocab_size",
        "sample", "sg", "hs", "negative", "ns_exponent", "softmax", "kernel", "cbow_mean",
        "alpha", "min_alpha", "epochs", "workers", "seed", "shrink_windows", "compute_loss",
        "progress", "encoding_errors", "max_corpus_ram", "tmp_dir", "max_final_vocab",
        "trim_rule", "null_word", "sorted_vocab"]
    assert "window=5" in str(inspect.signature(FastW2V))
    model = FastW2V(TEXTS, None, 16, 3, 1)  # positional arguments keep their places
    assert (model.vector_size, model.window, model.min_count) == (16, 3, 1)


@pytest.mark.parametrize("name, value, allowed", BAD_VALUES)
def test_bad_values_are_refused_naming_the_setting(name, value, allowed):
    with pytest.raises(ValueError, match=_message(name, value, allowed)):
        FastW2V(TEXTS, **{name: value})


@pytest.mark.parametrize("name, value, allowed", BAD_VALUES)
def test_assigning_a_bad_value_is_refused_and_changes_nothing(name, value, allowed):
    model = FastW2V(TEXTS)
    before = getattr(model, name)
    with pytest.raises(ValueError, match=_message(name, value, allowed)):
        setattr(model, name, value)
    assert getattr(model, name) == before


def test_an_assignment_is_normalized_and_checked_against_the_others():
    model = FastW2V(TEXTS, min_count=1, vector_size=8)
    model.epochs = 2
    model.cbow_mean = False
    assert (model.epochs, model.cbow_mean) == (2, 0)
    with pytest.raises(ValueError, match=r"min_alpha must be <= alpha.*alpha=0.025, "
                                         r"min_alpha=0.5"):
        model.min_alpha = 0.5
    assert model.min_alpha == 0.0001
    model.train()
    assert len(model.history) == 2  # the assigned epochs are trained


def test_unknown_settings_are_refused_naming_them():
    with pytest.raises(TypeError, match=re.escape(
            "FastW2V() got an unexpected keyword argument 'windw' (did you mean 'window'?)")):
        FastW2V(TEXTS, windw=3)
    with pytest.raises(TypeError, match=r"FastW2V\(\) got an unexpected keyword argument "
                       r"'colour'$"):
        FastW2V(TEXTS, colour=3)
    with pytest.raises(TypeError, match="unexpected keyword argument 'windw'"):
        TrainingParams(windw=3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        TrainingParams().window = 3


@pytest.mark.parametrize("name, value, allowed", [
    ("window", 2**31, "1..2147483647"), ("vector_size", 2**31, "1..2147483647"),
    ("negative", 2**30 + 1, "0..1073741824"), ("seed", 2**64, "0..18446744073709551615")])
def test_parameters_beyond_the_kernels_ints_are_refused(name, value, allowed):
    with pytest.raises(ValueError, match=rf"{name} must be an int in {allowed}, got {value}"):
        FastW2V(**{name: value})


def test_min_alpha_above_alpha_is_refused():
    with pytest.raises(ValueError, match=r"min_alpha must be <= alpha.*alpha=0.01, "
                       r"min_alpha=0.02"):
        FastW2V(alpha=0.01, min_alpha=0.02)


def test_tmp_dir_is_kept_as_a_str(tmp_path):
    assert FastW2V(tmp_dir=tmp_path).tmp_dir == str(tmp_path)


def test_the_kernel_mapping_has_exactly_the_keys_it_reads():
    params = TrainingParams(sg=1, hs=1, negative=0, epochs=7, seed=3)
    mapping = params.kernel_params(epochs=2)
    assert mapping.keys() == KERNEL_KEYS
    assert mapping["epochs"] == 2  # the train() call's
    assert (mapping["sg"], mapping["hs"], mapping["seed"], mapping["batched"]) == (1, 1, 3, True)


def test_the_saved_settings_come_back(tmp_path):
    changed = dict(vector_size=8, window=2, min_count=1, max_vocab_size=1000, sample=1e-4, sg=1,
                   hs=1, negative=2, ns_exponent=0.5, kernel="classic", cbow_mean=False,
                   alpha=0.05, min_alpha=0.001, epochs=2, workers=1, seed=9,
                   shrink_windows=False, compute_loss=True, encoding_errors="replace",
                   max_corpus_ram=10**6, max_final_vocab=50, null_word=1, sorted_vocab=0)
    assert changed.keys() == set(SAVED) - {"softmax"}
    model = FastW2V(TEXTS, **changed, progress=True, tmp_dir=tmp_path,
                    trim_rule=lambda word, count, min_count: 0).train()
    model.save(tmp_path / "m")
    loaded = FastW2V.load(tmp_path / "m")
    assert loaded._params == dataclasses.replace(model._params, progress=False, tmp_dir=None,
                                                 trim_rule=None)


def test_an_unknown_setting_in_a_file_is_refused_naming_it(tmp_path, monkeypatch):
    saved = TrainingParams.saved
    monkeypatch.setattr(TrainingParams, "saved", lambda self: {**saved(self), "windw": 3})
    FastW2V(TEXTS, min_count=1, vector_size=8).build_vocab().save(tmp_path / "m")
    with pytest.raises(ValueError, match=r"'.*m' is not a valid FastW2V model: params holds "
                                         r"unknown settings windw; allowed: alpha, cbow_mean"):
        FastW2V.load(tmp_path / "m")
