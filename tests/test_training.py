"""The kernels against a numpy reference, determinism, chunking, and learning."""
import os

import numpy as np
import pytest
from conftest import TRAINING_MODES, assert_same_weights, small_model
from reference import Reference, SplitMix, softmax_objective

from fastw2v import FastW2V
from fastw2v._train import sigmoid as kernel_sigmoid

# Every way to train (conftest.TRAINING_MODES) and the mixes these kernel tests need beside:
# both output layers at once (batched and classic kernels) and cbow summing its context.
MODES = {**TRAINING_MODES,
         "sg-hs+ns": dict(sg=1, hs=1, negative=8),
         "sg-hs+ns-classic": dict(sg=1, hs=1, negative=2, kernel="classic"),
         "cbow-sum-ns": dict(sg=0, hs=0, negative=3, cbow_mean=0)}
SIGMOID_MODES = [name for name, mode in MODES.items() if not mode.get("softmax")]


def tiny_model(scale=0.3, split=(), **mode):
    """A model of one text of 40 words of 12 (or that text cut at the positions ``split``,
    all in one chunk), with random weights in every layer."""
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(12)]
    text = [words[i] for i in rng.zipf(1.6, size=40) % 12]
    params = dict(min_count=1, window=2, sample=0, shrink_windows=False, workers=1,
                  epochs=1, alpha=0.05, min_alpha=0.05, vector_size=8, seed=7,
                  compute_loss=True)
    params.update(mode)
    model = FastW2V([list(t) for t in np.split(text, split)], **params).build_vocab()
    # non-zero output layers, so that every term of the update matters
    for w in model._outputs.values():
        w[:] = rng.normal(0, scale, w.shape)
    model.wv.vectors[:] = rng.normal(0, scale, model.wv.vectors.shape)
    return model


@pytest.mark.parametrize("mode", MODES.values(), ids=list(MODES))
def test_update_and_loss_equal_numpy_reference(mode):
    """Two epochs: the vectors, and each epoch's loss (reset per epoch) to 1e-6 relative."""
    model = tiny_model(epochs=2, **mode)
    ref = Reference(model)
    assert model.corpus.n_texts == 1 and len(model.corpus.chunk_texts) == 2
    text = model.corpus.ids.tolist()
    model.train()
    for epoch, rec in enumerate(model.history):
        ref.loss, ref.examples = 0.0, 0
        ref.train_text(SplitMix(model.seed, epoch, 0), text, np.float32(model.alpha))
        assert rec["examples"] == ref.examples
        assert rec["loss"] == pytest.approx(ref.loss, rel=1e-6)
        assert rec["loss_per_example"] == pytest.approx(ref.loss / ref.examples, rel=1e-6)
    np.testing.assert_allclose(model.wv.vectors, ref.w_in, atol=2e-5)
    for name, w in model._outputs.items():
        np.testing.assert_allclose(w, ref.out[name], atol=2e-5)
    assert np.abs(model.wv.vectors - ref.w_in).max() < 1e-3 * np.abs(ref.w_in).max()
    if model.batched and model.negative:  # 5 or 8 draws over 12 words: repeats happen
        assert ref.repeated_draws > 0


@pytest.mark.parametrize("mode", ["sg-ns", "cbow-ns", "sg-ns-classic", "sg-hs+ns"])
def test_noise_words_drawn_ahead_follow_the_reference_across_texts(mode):
    """Each output block's noise words are drawn while the block before it trains, across
    the texts of a chunk, and a text of one word (no block) draws none: the weights equal
    the numpy reference's, which draws a block's words when it trains it."""
    model = tiny_model(split=(12, 13, 27), **MODES[mode])
    ref = Reference(model)
    assert model.corpus.n_texts == 4 and len(model.corpus.chunk_texts) == 2
    texts = np.split(model.corpus.ids, model.corpus.offsets[1:-1])
    assert [len(t) for t in texts] == [12, 1, 14, 13]
    model.train()
    rng = SplitMix(model.seed, 0, 0)
    for text in texts:
        ref.train_text(rng, text.tolist(), np.float32(model.alpha))
    np.testing.assert_allclose(model.wv.vectors, ref.w_in, atol=2e-5)
    for name, w in model._outputs.items():
        np.testing.assert_allclose(w, ref.out[name], atol=2e-5)


@pytest.mark.parametrize("mode", MODES.values(), ids=list(MODES))
def test_lock_factors_scale_the_input_updates_as_the_numpy_reference(mode):
    """wv.vectors_lockf: per-word factors 0, 0.5, 1 and 2 on the input vectors' updates."""
    model = tiny_model(**mode)
    model.wv.vectors_lockf = np.resize(np.float32([0.0, 0.5, 1.0, 2.0]), len(model.wv))
    ref = Reference(model, lockf=model.wv.vectors_lockf)
    before = model.wv.vectors.copy()
    model.train()
    ref.train_text(SplitMix(model.seed, 0, 0), model.corpus.ids.tolist(), np.float32(model.alpha))
    np.testing.assert_allclose(model.wv.vectors, ref.w_in, atol=2e-5)
    for name, w in model._outputs.items():
        np.testing.assert_allclose(w, ref.out[name], atol=2e-5)
    frozen = model.wv.vectors_lockf == 0
    np.testing.assert_array_equal(model.wv.vectors[frozen], before[frozen])


@pytest.mark.parametrize("mode", [MODES[name] for name in SIGMOID_MODES], ids=SIGMOID_MODES)
def test_loss_of_large_scores_equals_numpy_reference(mode):
    """Scores of tens (saturated units, far out in the tails of -log sigmoid) are summed as
    accurately as the small ones."""
    model = tiny_model(scale=3.0, **mode)
    ref = Reference(model)
    model.train()
    ref.train_text(SplitMix(model.seed, 0, 0), model.corpus.ids.tolist(), np.float32(model.alpha))
    assert ref.max_abs_score > 20
    assert model.history[0]["loss"] == pytest.approx(ref.loss, rel=1e-6)


def test_softmax_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    w, h, target, eps = rng.normal(size=(7, 4)), rng.normal(size=4), 3, 1e-6
    _, grad_w, grad_h = softmax_objective(w, h, target)
    for x, grad in ((w, grad_w), (h, grad_h)):
        numeric = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            orig = x[idx]
            x[idx] = orig + eps
            up = softmax_objective(w, h, target)[0]
            x[idx] = orig - eps
            down = softmax_objective(w, h, target)[0]
            x[idx] = orig
            numeric[idx] = (up - down) / (2 * eps)
        np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


def test_sigmoid_table_is_accurate():
    xs = np.linspace(-12, 12, 2001)
    got = np.array([kernel_sigmoid(x) for x in xs])
    np.testing.assert_allclose(got, 1 / (1 + np.exp(-xs)), atol=7e-6)


def test_alpha_decays_linearly_over_all_epochs():
    texts = [[f"w{i % 7}" for i in range(30)] for _ in range(2000)]
    model = FastW2V(texts, min_count=1, epochs=3, alpha=0.03, min_alpha=0.0003, workers=2,
                    vector_size=10).train()
    starts = [r["alpha_start"] for r in model.history]
    np.testing.assert_allclose(starts, [0.03, 0.03 - 0.0297 / 3, 0.03 - 2 * 0.0297 / 3],
                               rtol=1e-5)
    assert model.history[-1]["alpha_end"] == pytest.approx(0.0003, rel=1e-3)


def corpus_with_topics(n_texts=400, seed=0):
    rng = np.random.default_rng(seed)
    topics = [[f"a{i}" for i in range(15)], [f"b{i}" for i in range(15)]]
    return [list(rng.choice(topics[t % 2], size=20)) for t in range(n_texts)], topics


@pytest.mark.parametrize("mode", MODES.values(), ids=list(MODES))
def test_planted_topics_are_separated(mode):
    texts, topics = corpus_with_topics()
    model = FastW2V(texts, min_count=1, vector_size=16, window=3, epochs=10, workers=2,
                    sample=0, **mode).train()
    a = model.wv.get_normed_vectors()[[model.wv.key_to_index[w] for w in topics[0]]]
    b = model.wv.get_normed_vectors()[[model.wv.key_to_index[w] for w in topics[1]]]
    within = (np.mean(a @ a.T) + np.mean(b @ b.T)) / 2
    between = np.mean(a @ b.T)
    assert within > between + 0.5, (within, between)
    for w in topics[0][:5]:
        assert all(k.startswith("a") for k, _ in model.wv.most_similar(w, topn=5))


def trained_by_one_thread(model, workers):
    """model's weights after one epoch trained by thread 0 of a runner for ``workers``
    threads (the others find no chunk left), from a copy of its weights."""
    from fastw2v._train import EpochRunner
    w_in = model.wv.vectors.copy()
    outputs = {name: w.copy() for name, w in model._outputs.items()}
    runner = EpochRunner(w_in, **outputs, vocab=model.vocab, corpus=model.corpus,
                         params=model._params.kernel_params(1), workers=workers)
    runner.start_epoch(0)
    for thread in range(workers):
        runner.run(thread)
    return w_in, outputs


@pytest.mark.parametrize("mode", ["cbow-hs", "sg-hs", "sg-hs-classic"])
def test_the_threads_copies_of_the_top_tree_nodes_reach_the_model(mode):
    """With two workers each thread trains the tree's top HOT_ROWS inner nodes in its own
    copy, added to the model every HOT_PERIOD centers and when the thread ends: one thread
    of a two-worker runner trains as one worker does, up to the rounding of those sums (a
    sync left out would leave up to HOT_PERIOD centers' updates of them behind: the last
    sync left out, 6e-4 to 2e-3 apart; with it, 1.7e-6 at most)."""
    from fastw2v._train import HOT_PERIOD, HOT_ROWS
    texts = [[f"w{k}" for k in np.random.default_rng(i).zipf(1.3, 60) % 600]
             for i in range(200)]
    model = small_model(texts, **TRAINING_MODES[mode], vector_size=16, sample=0)
    model.build_vocab()
    model._outputs["w_hs"][:] = np.random.default_rng(0).normal(
        0, 0.1, model._outputs["w_hs"].shape)
    assert len(model.vocab.counts) - 1 > HOT_ROWS and model.corpus.total_words > 20 * HOT_PERIOD
    one = trained_by_one_thread(model, 1)
    two = trained_by_one_thread(model, 2)
    hot = slice(len(model.vocab.counts) - 1 - HOT_ROWS, None)
    moved = np.abs(one[1]["w_hs"][hot] - model._outputs["w_hs"][hot]).max()
    assert moved > 0.01
    np.testing.assert_allclose(two[1]["w_hs"], one[1]["w_hs"], rtol=0, atol=2e-5)
    np.testing.assert_allclose(two[0], one[0], rtol=0, atol=2e-5)


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_every_word_trained_once_per_epoch(workers):
    rng = np.random.default_rng(workers)
    texts = [[f"w{k}" for k in rng.integers(0, 50, size=rng.integers(1, 3000))]
             for _ in range(60)]
    total = sum(len(t) for t in texts)
    model = FastW2V(texts, min_count=1, vector_size=8, workers=workers, epochs=3, sample=0)
    model.build_vocab()
    assert model.corpus.total_words == total
    assert len(model.corpus.chunk_texts) - 1 > workers  # more chunks than threads
    model.train()
    for rec in model.history:
        assert rec["words"] == total
        assert rec["effective_words"] == total  # sample=0 keeps every word


def test_chunk_claims_are_exact():
    from fastw2v._train import EpochRunner
    texts = [[f"w{i % 30}" for i in range(500)] for _ in range(300)]
    model = FastW2V(texts, min_count=1, vector_size=8, workers=3).build_vocab()
    params = dict(window=5, negative=5, hs=0, softmax=0, sg=1, batched=0, cbow_mean=1,
                  shrink_windows=1, compute_loss=0, seed=1, alpha=0.025, min_alpha=0.0001,
                  epochs=1)
    runner = EpochRunner(model.wv.vectors, **model._outputs, vocab=model.vocab,
                         corpus=model.corpus, params=params, workers=3)
    runner.start_epoch(0)
    import threading
    threads = [threading.Thread(target=runner.run, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(runner.claims) == 15
    assert (runner.claims == 1).all()
    assert runner.words_done == 150000


def test_subsampling_keeps_the_word2vec_fraction():
    texts, _ = corpus_with_topics(500, seed=2)
    texts = [t + ["the"] * 20 for t in texts]  # "the" is half of the corpus
    model = FastW2V(texts, min_count=1, vector_size=8, workers=2, epochs=1, sample=1e-2)
    model.build_vocab()
    counts = model.vocab.counts.astype(float)
    t = 1e-2 * counts.sum()
    keep = np.minimum(1, (np.sqrt(counts / t) + 1) * t / counts)
    model.train()
    expected = (keep * counts).sum()
    assert model.history[0]["effective_words"] == pytest.approx(expected, rel=0.01)


def test_progress_bar_reaches_the_total_and_epochs_are_logged(capsys, caplog):
    caplog.set_level("INFO", logger="fastw2v")
    model = FastW2V([["a", "b", "c", "d"] * 50] * 200, min_count=1, progress=True, epochs=3,
                    workers=2, compute_loss=True).train()
    err = capsys.readouterr().err
    assert "120k/120k" in err and "word/s" in err
    last = model.history[-1]
    assert f"epoch=3/3, alpha={last['alpha_end']:.5f}, loss={last['loss_per_example']:.4f}" \
        in err
    epochs = [r.getMessage() for r in caplog.records if r.getMessage().startswith("epoch ")]
    assert len(epochs) == 3 and epochs[0].startswith("epoch 1: 40000 words")
    assert f"loss {last['loss']:.6g} ({last['loss_per_example']:.5f} per example)" in epochs[2]


def cpu_ticks_by_thread():
    ticks = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # the thread ended meanwhile
            continue
        ticks[int(tid)] = int(fields[11]) + int(fields[12])  # utime + stime
    return ticks


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux /proc")
def test_blas_runs_single_threaded_inside_the_workers():
    # The full softmax's sgemv over 2000 x 50 floats is above OpenBLAS's threshold for
    # splitting work over its own thread pool; the pool's threads exist before training.
    rng = np.random.default_rng(0)
    texts = [[f"w{k}" for k in rng.integers(0, 2000, size=50)] for _ in range(300)]
    model = FastW2V(texts, min_count=1, softmax=1, negative=0, vector_size=50, workers=2,
                    epochs=1).build_vocab()
    before, cpu_before = cpu_ticks_by_thread(), os.times()
    model.train()
    after, cpu_after = cpu_ticks_by_thread(), os.times()
    process = (cpu_after.user + cpu_after.system - cpu_before.user - cpu_before.system)
    others = sum(after[t] - ticks for t, ticks in before.items() if t in after)
    others /= os.sysconf("SC_CLK_TCK")
    assert process > 0.2
    assert others < 0.1 * process, (others, process)


def alpha_loop_models(alpha, min_alpha, epochs=4):
    """The same model trained once for ``epochs`` epochs, and in a loop of one-epoch calls
    whose start_alpha/end_alpha are the single call's rates at the epochs' boundaries."""
    texts = [[f"w{(i * 5 + j) % 30}" for j in range(25)] for i in range(120)]
    settings = dict(min_count=1, vector_size=8, workers=1, epochs=epochs, alpha=alpha,
                    min_alpha=min_alpha)
    once = FastW2V(texts, **settings).train()
    looped = FastW2V(texts, **settings).build_vocab()
    rates = np.linspace(alpha, min_alpha, epochs + 1)
    for k in range(epochs):
        looped.train(epochs=1, start_alpha=rates[k], end_alpha=rates[k + 1])
    assert (looped.alpha, looped.min_alpha, looped.epochs) == (alpha, min_alpha, epochs)
    return once, looped


def test_a_loop_of_one_epoch_calls_decays_once_overall():
    once, looped = alpha_loop_models(0.03, 0.0003)
    for key in "alpha_start", "alpha_end":
        np.testing.assert_allclose([r[key] for r in looped.history],
                                   [r[key] for r in once.history], rtol=1e-6)
    assert looped.history[-1]["alpha_end"] == pytest.approx(0.0003, rel=1e-3)
    # the same draws; the rates differ by float rounding only
    np.testing.assert_allclose(looped.wv.vectors, once.wv.vectors, atol=1e-5)


def test_a_loop_at_a_constant_rate_equals_the_single_call_bit_for_bit():
    once, looped = alpha_loop_models(0.02, 0.02)
    assert_same_weights(once, looped)


def test_start_and_end_alpha_override_the_settings_for_one_call():
    model = FastW2V([["a", "b", "c", "d"] * 25] * 40, min_count=1, vector_size=8, workers=1,
                    epochs=2).train(start_alpha=0.5, end_alpha=0.1)
    assert [r["alpha_start"] for r in model.history] == pytest.approx([0.5, 0.3])
    assert model.history[-1]["alpha_end"] == pytest.approx(0.1)
    model.train(epochs=1, end_alpha=0.025)  # start_alpha: the alpha setting
    assert model.history[-1]["alpha_start"] == pytest.approx(0.025)
    assert model.history[-1]["alpha_end"] == pytest.approx(0.025)
    assert (model.alpha, model.min_alpha) == (0.025, 0.0001)


@pytest.mark.parametrize("rates, message", [
    (dict(start_alpha=0.0), "start_alpha must be a finite number > 0.0, got 0.0"),
    (dict(start_alpha=float("nan")), "start_alpha must be a finite number > 0.0, got nan"),
    (dict(end_alpha=-0.1), "end_alpha must be a finite number >= 0.0, got -0.1"),
    (dict(end_alpha=float("inf")), "end_alpha must be a finite number >= 0.0, got inf"),
    (dict(start_alpha="0.1"), "start_alpha must be a finite number > 0.0, got '0.1'"),
    (dict(start_alpha=0.01, end_alpha=0.02), r"end_alpha must be <= start_alpha: the "
     r"learning rate decays from start_alpha to end_alpha \(got start_alpha=0.01, "
     r"end_alpha=0.02\)"),
    (dict(end_alpha=0.03), r"end_alpha must be <= start_alpha: .* \(got start_alpha=0.025, "
     r"end_alpha=0.03\)")])
def test_bad_learning_rates_are_refused_before_training(rates, message):
    model = small_model([["a", "b", "c"]] * 10).build_vocab()
    before = model.wv.vectors.copy()
    with pytest.raises(ValueError, match=f"^{message}$"):
        model.train(**rates)
    assert model.history == []
    np.testing.assert_array_equal(model.wv.vectors, before)
