"""Fault tests of train(): SIGINT at random points, in a subprocess, checking after each
interruption that no thread trains any more and that ``history`` holds exactly what was
trained."""
import json
import subprocess
import sys
import textwrap

import pytest
from conftest import child_env

# The child trains "forever" and a timer thread sends it SIGINT after a seeded random delay
# (0 to 0.25 s: while the threads start, run, finish an epoch, or between epochs), trial
# after trial on the same model. It records every EpochRunner that train() creates, and
# after each interruption checks:
# - train() ended by KeyboardInterrupt;
# - no thread is inside a runner's run() any more;
# - each epoch record has exactly the words of the chunks its runner finished (a chunk is
#   counted in runner.claims once it is trained to its end); all records but the last are
#   whole epochs, and the last is marked interrupted unless the signal came between epochs
#   (then it is whole too); a runner without a record (signal right after it was made)
#   trained nothing.
# At the end the model is saved, loaded and trained again.
CHILD = textwrap.dedent("""
    import json, os, random, signal, sys, threading
    import numpy as np
    import fastw2v.word2vec as w2v
    from fastw2v import FastW2V
    from fastw2v._train import EpochRunner

    runners = []

    def recording(*args, **kwargs):
        runners.append(EpochRunner(*args, **kwargs))
        return runners[-1]

    w2v.EpochRunner = recording
    texts = [[f"w{(i * 7 + j) % 300}" for j in range(50)] for i in range(2000)]
    model = FastW2V(texts, min_count=1, vector_size=16, workers=2, compute_loss=True)
    model.build_vocab()
    corpus = model.corpus
    total = corpus.total_words
    chunk_words = np.diff(np.append(corpus.chunk_words_before, total))
    rng = random.Random(int(sys.argv[2]))
    outcomes = []
    for trial in range(int(sys.argv[3])):
        made, recorded = len(runners), len(model.history)
        timer = threading.Timer(rng.uniform(0.0, 0.25), os.kill, (os.getpid(), signal.SIGINT))
        try:
            timer.start()
            model.train(epochs=10**6)
            sys.exit("train() returned without KeyboardInterrupt")
        except KeyboardInterrupt:
            pass
        timer.join()
        new, records = runners[made:], model.history[recorded:]
        assert all(r.running == 0 for r in new), [r.running for r in new]
        assert len(new) - len(records) in (0, 1), (len(new), len(records))
        for runner, rec in zip(new, records):
            assert set(np.unique(runner.claims)) <= {0, 1}, runner.claims
            assert rec["words"] == chunk_words[runner.claims == 1].sum() == runner.words_done
        assert all("interrupted" not in r and r["words"] == total for r in records[:-1])
        if len(new) > len(records):
            assert not new[-1].claims.any() and new[-1].words_done == 0
        if records and "interrupted" not in records[-1]:
            assert records[-1]["words"] == total
        outcomes.append("in an epoch" if records and records[-1].get("interrupted")
                        else "between epochs")
    model.save(sys.argv[1])
    loaded = FastW2V.load(sys.argv[1])
    assert np.array_equal(loaded.wv.vectors, model.wv.vectors)
    model.train(epochs=1)
    assert model.history[-1]["words"] == total and "interrupted" not in model.history[-1]
    print(json.dumps(outcomes), flush=True)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigint_at_random_points_of_train(tmp_path):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = child_env()
    seed, trials = 1, 12  # about 3 s
    try:
        done = subprocess.run([sys.executable, str(script), str(tmp_path / "model"),
                               str(seed), str(trials)], capture_output=True, text=True,
                              env=env, timeout=120)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"the child hung: {e.stderr}")
    assert done.returncode == 0, done.stderr
    outcomes = json.loads(done.stdout)
    assert len(outcomes) == trials
    assert "in an epoch" in outcomes

