"""The child side of bench/compare.py: each measurement runs in a fresh interpreter,
``python -m bench.child CFG`` (train and score one configuration) or ``python -m
bench.child --probe`` (versions), which prints its report after ``RESULT_MARKER``; and the
parent side that starts such a child and reads its report (:func:`run_fresh`)."""
import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.plan import TOOLS, base_tool
from bench.tools import TRAINERS, evaluate

RESULT_MARKER = "@@COMPARE_RESULT@@ "
BENCH_DIR = Path(__file__).resolve().parent


def peak_rss_mb():
    """Peak resident set size of this process image, in MiB.

    Returns
    -------
    vm_hwm : float or None
        ``VmHWM`` from ``/proc/self/status`` (None where unavailable).
    ru_maxrss : float
        ``getrusage(RUSAGE_SELF).ru_maxrss`` (KiB on Linux, bytes on macOS) in MiB.
    """
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024, ru
    except OSError:
        pass
    return None, ru


def jsonable(value):
    """Return ``value`` if JSON can encode it, else its ``repr``."""
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return repr(value)


def run_child(cfg):
    """Train and evaluate one (tool, mode) configuration; print the result as JSON.

    Parameters
    ----------
    cfg : dict
        ``tool``, ``params``, ``corpus``, ``corpus_words``, ``analogies``, ``pairs``,
        ``extra_args``, ``gensim_mode`` and ``verbose``.
    """
    if cfg["verbose"]:
        import logging
        logging.basicConfig(format="%(asctime)s %(name)s %(levelname)s %(message)s",
                            level=logging.INFO, stream=sys.stderr)
    model, vocab_s, train_s, reported = TRAINERS[base_tool(cfg["tool"])](
        cfg["params"], cfg["corpus"], cfg)
    hwm, ru = peak_rss_mb()  # before evaluation, which is not part of the run
    result = {
        "vocab_seconds": vocab_s,
        "train_seconds": train_s,
        "wall_seconds": (vocab_s or 0.0) + train_s,
        "words_per_sec": cfg["params"]["epochs"] * cfg["corpus_words"] / train_s,
        "peak_rss_mb": hwm if hwm is not None else ru,
        "vm_hwm_mb": hwm,
        "ru_maxrss_mb": ru,
        "vocab_size": len(model.wv.index_to_key),
        "train_returned": jsonable(reported),
    }
    result.update(evaluate(model.wv, cfg["analogies"], cfg["pairs"]))
    print(RESULT_MARKER + json.dumps(result), flush=True)


def distribution_of(module):
    """The installed distribution that provides `module` and its version, e.g.
    ``("fasttext-wheel", "0.9.2")`` (fastText's module has no ``__version__``), or
    ``(None, None)`` when that is unknown."""
    import importlib.metadata as metadata

    for dist in metadata.packages_distributions().get(module.__name__, ()):
        try:
            return dist, metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return None, None


def blas_libraries():
    """The BLAS libraries loaded once numpy and scipy.linalg are imported (fastw2v calls
    scipy's through ``scipy.linalg.cython_blas``), as threadpoolctl describes them.

    Returns
    -------
    list of dict
        ``internal_api`` (e.g. openblas), ``version``, ``architecture``,
        ``threading_layer`` and ``filepath``; empty if threadpoolctl is missing.
    """
    try:
        import scipy.linalg  # noqa: F401 - loads scipy's BLAS
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    keys = ("internal_api", "version", "architecture", "threading_layer", "filepath")
    return [{k: lib.get(k) for k in keys} for lib in threadpool_info()
            if lib.get("user_api") == "blas"]


def run_probe():
    """Print versions of Python, the libraries and BLAS, and which tools import, as JSON."""
    info = {"python": platform.python_version(), "tools": {}}
    for name in ("numpy", "scipy"):
        try:
            info[name] = __import__(name).__version__
        except Exception as exc:  # noqa: BLE001 - report any import failure
            info[name] = f"not importable ({exc!r})"
    info["blas"] = blas_libraries()
    for tool in TOOLS:
        try:
            mod = __import__(tool)
            dist, dist_version = distribution_of(mod)
            info["tools"][tool] = {"ok": True,
                                   "version": getattr(mod, "__version__", dist_version or "?"),
                                   "distribution": dist,
                                   "file": getattr(mod, "__file__", None)}
        except Exception as exc:  # noqa: BLE001 - report any import failure
            info["tools"][tool] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    print(RESULT_MARKER + json.dumps(info), flush=True)


def run_fresh(module, argv, verbose=False, **run_args):
    """Run ``python -m module argv`` in a fresh interpreter and parse the JSON report it
    printed after ``RESULT_MARKER`` (bench/compare.py's children, and bench/_runs.py's).

    Parameters
    ----------
    module : str
        A module of this package, e.g. ``bench.child``.
    argv : list of str
    verbose : bool
        Let the child's stderr through instead of capturing it.
    **run_args
        More arguments of :func:`subprocess.run` (``cwd``, ``env``).

    Returns
    -------
    dict
        The child's report, or ``{"error": message}`` if it failed.
    """
    proc = subprocess.run(
        [sys.executable, "-m", module, *argv],
        stdout=subprocess.PIPE, stderr=None if verbose else subprocess.PIPE, text=True,
        **run_args,
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            return json.loads(line[len(RESULT_MARKER):])
    tail = "\n".join((proc.stderr or proc.stdout or "").strip().splitlines()[-15:])
    return {"error": f"exit code {proc.returncode}\n{tail}"}


def spawn(extra_argv, verbose=False):
    """Run ``python -m bench.child`` in a fresh interpreter and parse its JSON report.

    The parent stays small (it never imports numpy, gensim or fastw2v) so that nothing
    of its memory leaks into the child's measurements.

    Parameters
    ----------
    extra_argv : list of str
        Its arguments (``CFG`` or ``--probe``).
    verbose : bool
        Let the child's stderr through instead of capturing it.

    Returns
    -------
    dict
        The child's report, or ``{"error": message}`` if it failed.
    """
    # The child runs in a temporary directory that holds only a link to this package, so
    # that paths in its configuration are absolute and nothing of the repository (its
    # fastw2v source tree) shadows an installed package.
    with tempfile.TemporaryDirectory(prefix="fastw2v-bench-") as cwd:
        os.symlink(BENCH_DIR, os.path.join(cwd, "bench"))
        return run_fresh("bench.child", extra_argv, verbose, cwd=cwd)


def main(argv=None):
    """Child entry point: ``CFG`` (a JSON configuration, see :func:`run_child`) or
    ``--probe``."""
    p = argparse.ArgumentParser(description="One run of bench/compare.py (started by it).")
    p.add_argument("cfg", nargs="?", help="the run's configuration, JSON")
    p.add_argument("--probe", action="store_true", help="report versions instead")
    args = p.parse_args(argv)
    if args.probe:
        run_probe()
    else:
        run_child(json.loads(args.cfg))
    return 0


if __name__ == "__main__":
    sys.exit(main())
