"""Training on a Dask cluster: one model copy per worker, merged by frequency tiers.

See docs/distributed.md. Needs ``pip install 'fastw2v[dask]'``; ``import fastw2v`` never
imports dask.
"""
try:
    import distributed  # noqa: F401
except ImportError:
    raise ImportError("fastw2v.distributed needs dask.distributed: "
                      "pip install 'fastw2v[dask]'") from None

from ._driver import WorkerLost, train
from ._plan import merged, period_corpus, period_seed, plan_shards, row_blocks, tier_rows

__all__ = ["train", "WorkerLost", "merged", "period_corpus", "period_seed", "plan_shards",
           "row_blocks", "tier_rows"]
