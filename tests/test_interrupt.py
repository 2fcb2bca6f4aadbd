"""Ctrl-C: a real SIGINT to a training subprocess."""
import json
import select
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import child_env

CHILD = textwrap.dedent("""
    import json, logging, sys, time
    from fastw2v import Callback, FastW2V

    class Ready(Callback):
        def on_epoch_begin(self, model):
            if len(model.history) == 1:  # one epoch done: the timing is known
                print("training", flush=True)

    logging.basicConfig(level=logging.WARNING)
    texts = [[f"w{(i * 7 + j) % 500}" for j in range(100)] for i in range(4000)]
    model = FastW2V(texts, min_count=1, vector_size=50, epochs=10000, workers=2,
                    compute_loss=True)
    try:
        model.train(callbacks=[Ready()])
    except KeyboardInterrupt:
        print("stopped", flush=True)
        model.save(sys.argv[1])
        near = model.wv.most_similar("w1", topn=3)
        model.train(epochs=1)
        print(json.dumps(dict(history=model.history, near=near,
                              corpus_words=model.corpus.total_words)), flush=True)
        sys.exit(0)
    sys.exit(3)
""")


def read_line(proc, timeout):
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, f"no output from the child within {timeout} s"
    return proc.stdout.readline().strip()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigint_stops_training_and_leaves_a_consistent_model(tmp_path):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "model")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=child_env())
    try:
        assert read_line(proc, 120) == "training"
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        # (the timeout only keeps a hung child from hanging the suite)
        assert read_line(proc, 60) == "stopped"
        result = json.loads(read_line(proc, 120))
        assert proc.wait(30) == 0, proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()
    # 10000 epochs were asked for: the threads stopped at the end of their chunks, in the
    # epoch the signal came in
    history = result["history"]
    interrupted = history[-2]
    assert interrupted["interrupted"] is True
    assert len(history) < 1000
    # (the signal may land while the epoch's last chunks finish: then all words are done)
    assert interrupted["words"] <= result["corpus_words"] == 400000
    assert all("interrupted" not in r and r["words"] == 400000 for r in history[:-2])
    assert history[-1]["words"] == 400000 and "interrupted" not in history[-1]
    assert len(result["near"]) == 3
    assert "training interrupted in epoch" in proc.stderr.read()
    from fastw2v import FastW2V
    saved = FastW2V.load(tmp_path / "model")
    assert saved.history == history[:-1]
