"""The output layers, one entry each: the hyperparameter that switches it on, its weight
array and rows, the vocabulary tables it reads, whether the batched skip-gram kernel runs it
and whether it trains alone. The model's checks (which combinations are allowed, the weight
shapes, a loaded model's arrays, the batched/classic choice) and the kernels' input checks
read this table; a new output layer is one entry here and its kernel function in
``_outputs.pxd`` (see docs/architecture.md).

Also the training modes everyone compares (tests, bench/compare.py, the README): MODES."""
from dataclasses import dataclass


@dataclass(frozen=True)
class OutputLayer:
    """One output layer.

    Attributes
    ----------
    switch : str
        The hyperparameter that turns it on when nonzero (``negative``, ``hs``, ``softmax``).
    array : str
        Its weight array's name (``w_ns``...), as the model, the saved file and the kernel
        call it.
    extra_rows : int
        Its rows are the vocabulary size plus this (hs: one row per inner node, n - 1).
    tables : tuple of str
        The :class:`fastw2v.vocab.Vocab` tables its kernel reads.
    batched : bool
        Whether the batched skip-gram kernel trains it.
    alone : bool
        Whether it trains alone (no other output layer beside it).
    title : str
        What it is, for messages.
    turn_on : str
        How to turn it on, for messages.
    """

    switch: str
    array: str
    extra_rows: int
    tables: tuple
    batched: bool
    alone: bool
    title: str
    turn_on: str

    def rows(self, n_words):
        """Rows of its weight array for a vocabulary of ``n_words`` words."""
        return max(n_words + self.extra_rows, 0)


OUTPUT_LAYERS = (
    OutputLayer("negative", "w_ns", 0, ("alias_prob", "alias_index"), batched=True,
                alone=False, title="negative sampling", turn_on="negative > 0"),
    OutputLayer("hs", "w_hs", -1, ("codes", "points", "path_offsets"), batched=True,
                alone=False, title="hierarchical softmax", turn_on="hs=1"),
    OutputLayer("softmax", "w_sm", 0, (), batched=False, alone=True, title="full softmax",
                turn_on="softmax=1"),
)

# The training modes compared everywhere: constructor arguments of FastW2V (and gensim's).
MODES = {
    "sg-ns": {"sg": 1, "hs": 0, "negative": 5},
    "cbow-ns": {"sg": 0, "hs": 0, "negative": 5},
    "sg-hs": {"sg": 1, "hs": 1, "negative": 0},
    "cbow-hs": {"sg": 0, "hs": 1, "negative": 0},
}


def active(switches):
    """The layers that ``switches`` (a mapping with every layer's switch) turns on."""
    return [layer for layer in OUTPUT_LAYERS if switches[layer.switch]]


def _listing(items, last):
    """``a, b last c``."""
    return f"{', '.join(items[:-1])} {last} {items[-1]}" if len(items) > 1 else items[0]


def check_combination(switches):
    """Raises ValueError unless ``switches`` turns on at least one layer, and a layer that
    trains alone without any other."""
    on = active(switches)
    if not on:
        raise ValueError(
            f"{_listing([f'{layer.switch}=0' for layer in OUTPUT_LAYERS], 'and')} leave no "
            f"output layer to train: set "
            f"{_listing([layer.turn_on for layer in OUTPUT_LAYERS], 'or')}")
    for layer in on:
        others = [o for o in OUTPUT_LAYERS if o is not layer]
        if layer.alone and len(on) > 1:
            given = ", ".join(f"{o.switch}={switches[o.switch]}" for o in others)
            raise ValueError(f"{layer.switch}={switches[layer.switch]} ({layer.title}) trains "
                             f"alone: set {_listing([o.switch + '=0' for o in others], 'and')} "
                             f"(got {given})")


def weight_shapes(switches, n_words, dim):
    """The shape of every output layer's weight array by name; a layer that is off has no
    rows."""
    return {layer.array: (layer.rows(n_words) if switches[layer.switch] else 0, dim)
            for layer in OUTPUT_LAYERS}


def batched_runs(switches):
    """Whether the batched skip-gram kernel trains every layer ``switches`` turns on."""
    return all(layer.batched for layer in active(switches))


def check_batched(switches, sg):
    """Raises ValueError unless the batched skip-gram kernel can train this model."""
    if not (sg and batched_runs(switches)):
        refused = [layer for layer in OUTPUT_LAYERS if not layer.batched]
        raise ValueError(
            f"kernel='batched' trains skip-gram with "
            f"{' and/or '.join(layer.title for layer in OUTPUT_LAYERS if layer.batched)}: it "
            f"needs sg=1 and {_listing([f'{layer.switch}=0' for layer in refused], 'and')} "
            f"(got sg={sg}, "
            f"{', '.join(f'{layer.switch}={switches[layer.switch]}' for layer in refused)})")


def tables(switches):
    """The names of the :class:`fastw2v.vocab.Vocab` tables the layers ``switches`` turns on
    read."""
    return tuple(name for layer in active(switches) for name in layer.tables)
