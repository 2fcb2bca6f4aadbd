"""The adapters of the tools bench/compare.py compares (fastw2v, gensim, fastText), and the
one evaluation of their vectors.

Each adapter ``train_TOOL(params, corpus, cfg)`` (``TRAINERS``) trains on a corpus file with
the same settings and times its vocabulary scan and its training. It takes the shared model
parameters (``params``, see ``bench.plan.mode_params``), the plain-text corpus path
(``corpus``) and the child configuration (``cfg``, see ``bench.child.run_child``); it returns
``(model, vocab_seconds, train_seconds, reported)``: a model with ``.wv`` (its
``index_to_key`` and vectors), the two durations in seconds and whatever its training
reported (kept in the raw JSON when serialisable)."""
import os
import sys
import threading
import time

from bench.plan import RESTRICT_VOCAB

# fastText logs this line on stderr when its vocabulary scan is over; its line-end token.
FASTTEXT_SCAN_DONE = "Number of labels:"


FASTTEXT_EOS = "</s>"


def spearman_value(result):
    """Extract the correlation from scipy's Spearman result, whatever its version.

    Parameters
    ----------
    result : SignificanceResult, SpearmanrResult or tuple
        Second element of ``evaluate_word_pairs``' return value.

    Returns
    -------
    float
    """
    for attr in ("statistic", "correlation"):
        if hasattr(result, attr):
            return float(getattr(result, attr))
    return float(result[0])


def train_fastw2v(params, corpus, cfg):
    """fastw2v: ``cfg["extra_args"]`` go to the constructor; ``reported`` is what
    ``train()`` returned."""
    from fastw2v import FastW2V

    t0 = time.perf_counter()
    model = FastW2V(corpus_file=corpus, **params, **cfg["extra_args"])
    model.build_vocab()
    t1 = time.perf_counter()
    reported = model.train()
    t2 = time.perf_counter()
    return model, t1 - t0, t2 - t1, reported


def train_gensim(params, corpus, cfg):
    """gensim Word2Vec, reading the corpus as ``cfg["gensim_mode"]`` says (``corpus_file`` or
    ``iterable``: a LineSentence); ``reported`` is ``(effective_words, raw_words)`` as
    gensim's ``train()`` returns them."""
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    params = dict(params)
    epochs = params.pop("epochs")
    if cfg["gensim_mode"] == "corpus_file":
        source = {"corpus_file": corpus}
    else:
        source = {"corpus_iterable": LineSentence(corpus)}
    t0 = time.perf_counter()
    model = Word2Vec(**params)
    model.build_vocab(**source)
    t1 = time.perf_counter()
    reported = model.train(
        **source,
        total_examples=model.corpus_count,
        total_words=model.corpus_total_words,
        epochs=epochs,
    )
    t2 = time.perf_counter()
    return model, t1 - t0, t2 - t1, reported


class StderrLines:
    """Context manager collecting what is written to file descriptor 2 (by C or C++ code
    too) while it is active, line by line, with the ``time.perf_counter()`` at which each
    line arrived. A reader thread takes the lines as they are written, so the times are
    those of the writes (the writer must flush, as C++'s ``std::cerr`` does).

    Attributes
    ----------
    lines : list of (float, str)
        Arrival time and text (without line ends or carriage returns) of each line.
    """

    def __enter__(self):
        sys.stderr.flush()
        read_fd, write_fd = os.pipe()
        self._saved = os.dup(2)
        os.dup2(write_fd, 2)
        os.close(write_fd)
        self.lines = []
        self._reader = threading.Thread(target=self._read, args=(read_fd,), daemon=True)
        self._reader.start()
        return self

    def _read(self, fd):
        with os.fdopen(fd, "rb") as pipe:
            for line in pipe:
                self.lines.append((time.perf_counter(),
                                   line.decode("utf-8", "replace").strip("\r\n")))

    def __exit__(self, *exc_info):
        sys.stderr.flush()
        os.dup2(self._saved, 2)  # closes the pipe's last write end: the reader sees EOF
        os.close(self._saved)
        self._reader.join()
        return False


class FastTextModel:
    """A trained fastText model with the ``wv`` of the other tools' models.

    ``wv`` is a fastw2v KeyedVectors of fastText's words in its order (most frequent
    first), without its line-end token ``</s>``, and their input vectors (with
    ``minn=maxn=0`` a word's input row is exactly its ``get_word_vector``). It is built on
    first use, so that the copy is not part of the peak RSS measured after training.

    Parameters
    ----------
    model : fasttext.FastText._FastText
    """

    def __init__(self, model):
        self.model = model
        self._wv = None

    @property
    def wv(self):
        if self._wv is None:
            from fastw2v import KeyedVectors

            words, counts = self.model.get_words(include_freq=True)
            keep = [i for i, word in enumerate(words) if word != FASTTEXT_EOS]
            self._wv = KeyedVectors(self.model.get_input_matrix()[keep],
                                    [words[i] for i in keep], counts[keep])
        return self._wv


def train_fasttext(params, corpus, cfg):
    """Train fastText as plain word2vec, timing its vocabulary scan and its training.

    ``train_unsupervised`` does both in one call; the scan ends when fastText logs
    ``Number of labels: ...`` on stderr (it logs with ``verbose=1``), which is caught as it
    is written. Without that line the whole call counts as training and the scan time is
    None. ``params["min_alpha"]`` and ``params["seed"]`` have no fastText counterpart (its
    learning rate decays to 0; its seed is fixed); with ``cfg["verbose"]`` its log is copied
    to stderr. ``model`` is a :class:`FastTextModel`, ``vocab_seconds`` may be None, and
    ``reported`` is a dict: ``log``, fastText's stderr lines; ``scan_end_logged``, whether
    the scan's end was seen.

    Raises
    ------
    ValueError
        For hs=1 with negative > 0: fastText trains with one loss only.
    """
    import fasttext

    if params["hs"] and params["negative"]:
        raise ValueError("fastText trains with one loss: hs=1 together with negative="
                         f"{params['negative']} is not possible; use --negative 0")
    with StderrLines() as log:
        t0 = time.perf_counter()
        model = fasttext.train_unsupervised(
            input=corpus, model="skipgram" if params["sg"] else "cbow",
            loss="hs" if params["hs"] else "ns", dim=params["vector_size"],
            ws=params["window"], epoch=params["epochs"], minCount=params["min_count"],
            neg=params["negative"], t=params["sample"], lr=params["alpha"],
            thread=params["workers"], minn=0, maxn=0, wordNgrams=1, verbose=1)
        t2 = time.perf_counter()
    if cfg["verbose"]:
        print("\n".join(line for _, line in log.lines), file=sys.stderr)
    t1 = next((t for t, line in log.lines if line.startswith(FASTTEXT_SCAN_DONE)), None)
    reported = {"log": [line for _, line in log.lines], "scan_end_logged": t1 is not None}
    if t1 is None:
        return FastTextModel(model), None, t2 - t0, reported
    return FastTextModel(model), t1 - t0, t2 - t1, reported


TRAINERS = {"fastw2v": train_fastw2v, "gensim": train_gensim, "fasttext": train_fasttext}


def evaluate(wv, analogies, pairs):
    """Score word vectors on the analogy and word-similarity sets.

    A test that raises (e.g. gensim's ValueError when every WordSim pair is out of a
    tiny vocabulary) scores None and its message is kept, so the timings survive.

    Parameters
    ----------
    wv : KeyedVectors-like
        Has gensim's ``evaluate_word_analogies`` and ``evaluate_word_pairs``.
    analogies, pairs : str or None
        Paths of the test sets; None skips that test.

    Returns
    -------
    dict
        ``analogy_accuracy`` (fraction), ``ws353_spearman``, ``eval_seconds`` and
        ``eval_errors`` (test name -> message).
    """
    tests = {
        "analogy_accuracy": analogies and (lambda: float(
            wv.evaluate_word_analogies(analogies, restrict_vocab=RESTRICT_VOCAB)[0])),
        "ws353_spearman": pairs and (lambda: spearman_value(wv.evaluate_word_pairs(pairs)[1])),
    }
    t0 = time.perf_counter()
    out, errors = {}, {}
    for name, test in tests.items():
        out[name] = None
        if test:
            try:
                out[name] = test()
            except Exception as exc:  # noqa: BLE001 - any failure is reported, not fatal
                errors[name] = f"{type(exc).__name__}: {exc}"
    out["eval_seconds"] = time.perf_counter() - t0
    out["eval_errors"] = errors
    return out
