"""The fastw2v command line: word2vec.c flags, similar/analogy/eval, exit codes."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import fastw2v
from fastw2v import FastW2V, KeyedVectors
from fastw2v.__main__ import main

WORDS = [f"w{i}" for i in range(40)] + ["über", "naïve"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    rng = np.random.default_rng(0)
    path = tmp_path_factory.mktemp("cli") / "corpus.txt"
    lines = [" ".join(WORDS[i] for i in rng.zipf(1.3, size=40) % len(WORDS)) for _ in range(200)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def vectors(corpus):
    path = corpus.parent / "vectors.bin"
    assert main(["train", "-train", str(corpus), "-output", str(path), "-size", "16", "-binary", "1",
                 "-iter", "2", "-threads", "1", "-min-count", "1", "-debug", "0"]) == 0
    return path


def _gensim_load(path, binary):
    gensim_models = pytest.importorskip("gensim.models")
    return gensim_models.KeyedVectors.load_word2vec_format(str(path), binary=binary)


@pytest.mark.parametrize("binary", [0, 1])
def test_train_with_c_tool_flags_writes_what_gensim_reads(tmp_path, corpus, binary, capsys):
    out, vocab = tmp_path / "v.out", tmp_path / "vocab.txt"
    argv = ["train", "-train", str(corpus), "-output", str(out), "-cbow", "0", "-size", "12",
            "-window", "3", "-sample", "1e-4", "-hs", "1", "-negative", "0", "-threads", "2",
            "-iter", "2", "-min-count", "2", "-alpha", "0.03", "-binary", str(binary),
            "-save-vocab", str(vocab), "-debug", "0"]
    assert main(argv) == 0
    theirs = _gensim_load(out, bool(binary))
    assert theirs.vector_size == 12 and set(theirs.index_to_key) <= set(WORDS) and "über" in theirs
    vocab_lines = vocab.read_text(encoding="utf-8").splitlines()
    assert [line.split()[0] for line in vocab_lines] == theirs.index_to_key
    counts = [int(line.split()[1]) for line in vocab_lines]
    assert counts == sorted(counts, reverse=True) and min(counts) >= 2
    assert "skip-gram" in capsys.readouterr().out


def test_train_matches_the_python_api(tmp_path, corpus):
    """Same settings through the CLI and FastW2V give the same vectors (one thread)."""
    out = tmp_path / "v.txt"
    assert main(["train", "--train", str(corpus), "--output", str(out),
                 "--vector-size", "10", "--epochs", "2", "--workers", "1", "--min-count", "3",
                 "--cbow", "1", "--debug", "0", "--seed", "4"]) == 0
    model = FastW2V(corpus_file=corpus, vector_size=10, epochs=2, workers=1, min_count=3, sg=0,
                    alpha=0.05, min_alpha=0.05 * 1e-4, sample=1e-3, seed=4).train()
    loaded = KeyedVectors.load_word2vec_format(out)
    assert loaded.index_to_key == model.wv.index_to_key
    np.testing.assert_allclose(loaded.vectors, model.wv.vectors, rtol=1e-6)


def test_read_vocab_and_save_vocab_only(tmp_path, corpus):
    vocab = tmp_path / "vocab.txt"
    assert main(["train", "-train", str(corpus), "-save-vocab", str(vocab), "-min-count", "1"]) == 0
    assert not list(tmp_path.glob("*.bin"))
    lines = vocab.read_text(encoding="utf-8").splitlines()
    # a word2vec.c vocabulary file starts with </s>; keep only three words, one below min-count
    (tmp_path / "c.vocab").write_text("</s> 200\n" + "\n".join(lines[:2]) + "\nw39 1\n", encoding="utf-8")
    out = tmp_path / "v.txt"
    assert main(["train", "-train", str(corpus), "-read-vocab", str(tmp_path / "c.vocab"), "-output",
                 str(out), "-min-count", "2", "-size", "8", "-iter", "1", "-debug", "0"]) == 0
    assert KeyedVectors.load_word2vec_format(out).index_to_key == [line.split()[0] for line in lines[:2]]


@pytest.mark.parametrize("argv, message", [
    (["train", "-output", "x"], "required: -train"),
    (["train", "-train", "c.txt"], "nothing to write"),
    (["train", "-train", "c.txt", "-output", "x", "-size", "0"], "-size/--size/--vector-size: must be an int >= 1, got '0'"),
    (["train", "-train", "c.txt", "-output", "x", "-alpha", "nan"], "must be a number > 0, got 'nan'"),
    (["train", "-train", "c.txt", "-output", "x", "-cbow", "2"], "invalid choice: 2"),
    (["train", "-train", "c.txt", "-output", "x", "-classes", "5"], "-classes .* is not supported"),
    (["train", "-train", "c.txt", "--out", "x"], "unrecognized arguments: --out"),
    (["similar", "v.bin"], "required: WORD"),
    (["analogy", "v.bin", "a", "b"], "required: C"),
    (["similar", "v.bin", "w1", "--topn", "0"], "must be an int >= 1"),
    ([], "required: command"),
])
def test_usage_errors_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message.split(".*")[-1] in capsys.readouterr().err


@pytest.mark.parametrize("make_argv, message", [
    (lambda d, v: ["train", "-train", str(d / "missing.txt"), "-output", str(d / "x")], "does not exist"),
    (lambda d, v: ["train", "-train", str(v.parent / "corpus.txt"), "-output", str(d / "x"), "-hs", "0",
                   "-negative", "0"], "hs=0 with negative=0"),
    (lambda d, v: ["similar", str(v), "w1", "xyzzy"], "word 'xyzzy' not in vocabulary"),
    (lambda d, v: ["similar", str(d / "none.bin"), "w1"], "No such file"),
    (lambda d, v: ["eval", str(v), "--pairs", str(d / "none.tsv")], "No such file"),
    (lambda d, v: ["similar", str(v.parent / "corpus.txt"), "w1"], "line 1: expected a word2vec header"),
])
def test_other_errors_exit_1_with_one_line(tmp_path, vectors, make_argv, message, capsys):
    assert main(make_argv(tmp_path, vectors)) == 1
    err = capsys.readouterr().err
    assert err.startswith("fastw2v: error: ") and message in err and err.count("\n") == 1


def test_similar_and_analogy_print_what_the_api_returns(vectors, capsys):
    kv = KeyedVectors.load_word2vec_format(vectors, binary=True)
    assert main(["similar", str(vectors), "w1", "über", "--topn", "3"]) == 0
    lines = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    expected = [(q, k, f"{s:.4f}") for q in ("w1", "über") for k, s in kv.most_similar(q, topn=3)]
    assert [tuple(line) for line in lines] == expected
    for extra, method in (([], kv.most_similar), (["--cosmul"], kv.most_similar_cosmul)):
        assert main(["analogy", str(vectors), "w1", "w2", "w3", "--topn", "2", *extra]) == 0
        expected = [f"{k}\t{s:.4f}" for k, s in method(positive=["w2", "w3"], negative=["w1"], topn=2)]
        assert capsys.readouterr().out.splitlines() == expected


def test_eval_prints_both_scores(tmp_path, vectors, capsys):
    (tmp_path / "q.txt").write_text(": s\nw1 w2 w3 w4\nw5 w6 w7 w8\nw1 w2 xx w4\n")
    (tmp_path / "p.tsv").write_text("w1\tw2\t3\nw3\tw4\t5\nw5\tw9\t1\nw6\tw7\t2\n")
    kv = KeyedVectors.load_word2vec_format(vectors, binary=True)
    assert main(["eval", str(vectors), "--analogies", str(tmp_path / "q.txt"), "--pairs",
                 str(tmp_path / "p.tsv")]) == 0
    out = capsys.readouterr().out
    accuracy = kv.evaluate_word_analogies(tmp_path / "q.txt")[0]
    spearman = kv.evaluate_word_pairs(tmp_path / "p.tsv")[1].statistic
    assert f"analogies: {100 * accuracy:.2f}% of 2 questions" in out
    assert f"Spearman {spearman:.4f}" in out


def test_python_m_fastw2v_and_a_native_directory(tmp_path, vectors):
    KeyedVectors.load_word2vec_format(vectors, binary=True).save(tmp_path / "kv")
    # the child imports the fastw2v this process imported (installed, or built in place)
    env = dict(os.environ, PYTHONPATH=str(Path(fastw2v.__file__).resolve().parents[1]))
    done = subprocess.run([sys.executable, "-m", "fastw2v", "similar", str(tmp_path / "kv"), "w1", "--topn", "2"],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0 and len(done.stdout.splitlines()) == 2 and done.stderr == ""
    done = subprocess.run([sys.executable, "-m", "fastw2v", "similar", str(tmp_path / "kv"), "nope"],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 1 and done.stderr == "fastw2v: error: word 'nope' not in vocabulary\n"
    assert "Traceback" not in done.stderr
