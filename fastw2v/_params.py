"""The one declaration of FastW2V's settings: :class:`TrainingParams`, a frozen dataclass
whose fields give the constructor's parameters, their defaults and checks, the parameters a
saved model holds and the mapping the training kernel reads. A new hyperparameter is one
field here, its line in FastW2V's docstring, and its use."""
import difflib
import inspect
import os
from dataclasses import dataclass, field, fields, replace

import numpy as np

from ._checks import ArgumentTypeError, check_choice, check_flag, check_float, check_int
from ._layers import OUTPUT_LAYERS, batched_runs, check_batched, check_combination, weight_shapes
from ._system import usable_cpus
from .readers import ENCODING_ERRORS

# What the kernels' C ints and uint64 seed hold (negative leaves room for the output rows of
# a window: negative + 1 + the Huffman path length).
_INT_MAX = 2**31 - 1
_MAX_NEGATIVE = 2**30
_MAX_SEED = 2**64 - 1
KERNELS = ("auto", "classic", "batched")


@dataclass(frozen=True)
class Int:
    """An int in low..high (no bound if high is None); None allowed if ``optional``."""

    low: int
    high: int = None
    optional: bool = False

    def __call__(self, name, value):
        return check_int(name, value, self.low, self.high, self.optional)


@dataclass(frozen=True)
class Float:
    """A finite float >= low (> low if ``strict``)."""

    low: float
    strict: bool = False

    def __call__(self, name, value):
        return check_float(name, value, self.low, self.strict)


@dataclass(frozen=True)
class Flag:
    """0 or 1 (False or True), as 0 or 1."""

    def __call__(self, name, value):
        return check_flag(name, value)


@dataclass(frozen=True)
class Choice:
    """One of ``values``."""

    values: tuple

    def __call__(self, name, value):
        return check_choice(name, value, self.values)


@dataclass(frozen=True)
class Workers:
    """An int >= 1; None for the number of usable CPUs."""

    def __call__(self, name, value):
        return check_int(name, usable_cpus() if value is None else value, 1)


@dataclass(frozen=True)
class Directory:
    """An existing writable directory as a str, or None."""

    def __call__(self, name, value):
        if value is None:
            return None
        path = os.fspath(value)
        if not os.path.exists(path):
            raise FileNotFoundError(f"{name} {path!r} does not exist")
        if not os.path.isdir(path):
            raise NotADirectoryError(f"{name} {path!r} is not a directory")
        if not os.access(path, os.W_OK):
            raise PermissionError(f"{name} {path!r} is not writable")
        return path


@dataclass(frozen=True)
class Function:
    """A callable, or None."""

    def __call__(self, name, value):
        if value is None or callable(value):
            return value
        raise ArgumentTypeError(f"{name} must be a callable or None, got "
                                f"{type(value).__name__} {value!r}")


@dataclass(frozen=True)
class Bool:
    """Any value, taken as its truth value."""

    def __call__(self, name, value):
        return bool(value)


def _param(default, check, saved=True, in_kernel=False):
    """A field with its ``check`` (called with the name and the value, returns the value
    normalized); ``saved=False`` for a setting of this process that a saved model does not
    keep, ``in_kernel=True`` for one the training kernel reads (see ``kernel_params``)."""
    return field(default=default, metadata=dict(check=check, saved=saved, in_kernel=in_kernel))


@dataclass(frozen=True)
class TrainingParams:
    """FastW2V's settings, checked (see :class:`fastw2v.FastW2V` for what each does).

    Constructing it checks every field (``ValueError`` naming it, what was given and what
    is allowed; ``TypeError`` for an unknown name) and the combinations; the fields hold the
    normalized values (flags as 0 or 1, ``workers`` resolved)."""

    vector_size: int = _param(100, Int(1, _INT_MAX))
    window: int = _param(5, Int(1, _INT_MAX), in_kernel=True)
    min_count: int = _param(5, Int(0))
    max_vocab_size: int = _param(None, Int(1, optional=True))
    sample: float = _param(1e-3, Float(0.0))
    sg: int = _param(0, Flag(), in_kernel=True)
    hs: int = _param(0, Flag(), in_kernel=True)
    negative: int = _param(5, Int(0, _MAX_NEGATIVE), in_kernel=True)
    ns_exponent: float = _param(0.75, Float(-np.inf))
    softmax: int = _param(0, Flag(), in_kernel=True)
    kernel: str = _param("auto", Choice(KERNELS))
    cbow_mean: int = _param(True, Flag(), in_kernel=True)
    alpha: float = _param(0.025, Float(0.0, strict=True), in_kernel=True)
    min_alpha: float = _param(0.0001, Float(0.0), in_kernel=True)
    epochs: int = _param(5, Int(1))
    workers: int = _param(None, Workers())
    seed: int = _param(1, Int(0, _MAX_SEED), in_kernel=True)
    shrink_windows: int = _param(True, Flag(), in_kernel=True)
    compute_loss: int = _param(False, Flag(), in_kernel=True)
    progress: bool = _param(False, Bool(), saved=False)
    encoding_errors: str = _param("strict", Choice(ENCODING_ERRORS))
    max_corpus_ram: int = _param(2**30, Int(0, optional=True))
    tmp_dir: str = _param(None, Directory(), saved=False)
    max_final_vocab: int = _param(None, Int(1, optional=True))
    trim_rule: object = _param(None, Function(), saved=False)
    null_word: int = _param(0, Flag())
    sorted_vocab: int = _param(1, Flag())

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, f.metadata["check"](f.name, getattr(self, f.name)))
        check_combination(self.switches)
        if self.kernel == "batched":
            check_batched(self.switches, self.sg)
        check_decay("alpha", self.alpha, "min_alpha", self.min_alpha)

    @property
    def switches(self):
        """The output layers' switches by name (see :mod:`fastw2v._layers`)."""
        return {layer.switch: getattr(self, layer.switch) for layer in OUTPUT_LAYERS}

    @property
    def batched(self):
        """Whether skip-gram runs the batched kernel (see ``kernel``)."""
        if self.kernel == "auto":
            return bool(self.sg and batched_runs(self.switches))
        return self.kernel == "batched"

    def output_shapes(self, n_words):
        """The shape of every output layer's weight array by name, for a vocabulary of
        ``n_words`` words (a layer that is off has no rows)."""
        return weight_shapes(self.switches, n_words, self.vector_size)

    def kernel_params(self, epochs):
        """The mapping ``EpochRunner`` reads, for a train() call of ``epochs`` epochs: the
        fields marked ``in_kernel``, ``batched`` and ``epochs``."""
        read = {f.name: getattr(self, f.name) for f in fields(self) if f.metadata["in_kernel"]}
        return dict(read, batched=self.batched, epochs=epochs)

    def saved(self):
        """The settings a saved model keeps, by name (JSON-ready)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.metadata["saved"]}

    @classmethod
    def from_saved(cls, params):
        """The settings of a saved model from :meth:`saved`'s mapping (a missing key takes
        its default); ValueError naming a key that is not a saved setting."""
        if not isinstance(params, dict):
            raise ValueError(f"params must be an object, got {str(params)[:80]}")
        known = {f.name for f in fields(cls) if f.metadata["saved"]}
        unknown = sorted(map(str, params.keys() - known))
        if unknown:
            raise ValueError(f"params holds unknown settings {', '.join(unknown)}; allowed: "
                             f"{', '.join(sorted(known))}")
        return cls(**params)


def check_decay(start_name, start, end_name, end):
    """``(start, end)`` checked as a learning rate decaying linearly from ``start`` to
    ``end``: finite, start > 0, 0 <= end <= start; the errors name both arguments (alpha and
    min_alpha, or a train() call's start_alpha and end_alpha)."""
    start = check_float(start_name, start, 0.0, strict=True)
    end = check_float(end_name, end, 0.0, strict=False)
    if end > start:
        raise ValueError(f"{end_name} must be <= {start_name}: the learning rate decays from "
                         f"{start_name} to {end_name} (got {start_name}={start}, "
                         f"{end_name}={end})")
    return start, end


def signature(*leading):
    """The constructor's signature: ``self``, the ``leading`` parameters (default None),
    then every field of :class:`TrainingParams` with its default."""
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    return inspect.Signature(
        [inspect.Parameter("self", kind)]
        + [inspect.Parameter(name, kind, default=None) for name in leading]
        + [inspect.Parameter(f.name, kind, default=f.default) for f in fields(TrainingParams)])


def check_names(owner, names, allowed):
    """Raises TypeError naming the first of ``names`` not in ``allowed`` (with the closest
    allowed name, when one is close), as ``owner()`` does for an unknown keyword."""
    for name in names:
        if name not in allowed:
            close = difflib.get_close_matches(name, allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise TypeError(f"{owner}() got an unexpected keyword argument {name!r}{hint}")


def with_settings(cls):
    """Class decorator: every field of :class:`TrainingParams` becomes a property of
    ``cls`` reading ``self._params``; assigning it replaces ``self._params`` by a copy with
    the new value, checked as the constructor checks it."""
    for f in fields(TrainingParams):
        setattr(cls, f.name, _setting(f.name))
    return cls


def _setting(name):
    def get(self):
        return getattr(self._params, name)

    def set_(self, value):
        self._params = replace(self._params, **{name: value})

    return property(get, set_, doc=f"The ``{name}`` setting (see the class's parameters); "
                                   f"an assignment is checked as the constructor checks it.")
