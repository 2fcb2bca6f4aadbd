"""The fastw2v command line: word2vec.c flags, similar/analogy/eval, exit codes."""
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import child_env, gensim_models, write_corpus, zipf_texts
from test_formats import save_old_directory

import fastw2v
from fastw2v import FastW2V, KeyedVectors
from fastw2v.__main__ import PACKAGED_ANALOGIES, _find_analogies, main
from fastw2v.formats import native

WORDS = [f"w{i}" for i in range(40)] + ["über", "naïve"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """200 Zipf-law lines (about 8,000 words) of WORDS: zipf_texts' w40 and w41, two rare
    words, written as über and naïve."""
    non_ascii = dict(zip(["w40", "w41"], WORDS[40:]))
    return write_corpus(tmp_path_factory.mktemp("cli") / "corpus.txt",
                        [[non_ascii.get(w, w) for w in t]
                         for t in zipf_texts(200, vocab=len(WORDS), a=1.3)])


@pytest.fixture(scope="module")
def vectors(corpus):
    path = corpus.parent / "vectors.bin"
    assert main(["train", "-train", str(corpus), "-output", str(path), "-size", "16",
                 "-binary", "1", "-iter", "2", "-threads", "1", "-min-count", "1",
                 "-debug", "0"]) == 0
    return path


def _gensim_load(path, binary):
    return gensim_models().KeyedVectors.load_word2vec_format(str(path), binary=binary)


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
    (tmp_path / "c.vocab").write_text("</s> 200\n" + "\n".join(lines[:2]) + "\nw39 1\n",
                                      encoding="utf-8")
    out = tmp_path / "v.txt"
    assert main(["train", "-train", str(corpus), "-read-vocab", str(tmp_path / "c.vocab"),
                 "-output", str(out), "-min-count", "2", "-size", "8", "-iter", "1",
                 "-debug", "0"]) == 0
    assert (KeyedVectors.load_word2vec_format(out).index_to_key
            == [line.split()[0] for line in lines[:2]])


def _usage_error(argv, capsys):
    """stderr of main(argv), which must exit 2 with argparse's usage message."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and err.startswith("usage: fastw2v"), err
    return err


@pytest.mark.parametrize("argv, message", [
    (["train", "-output", "x"], "required: -train"),
    (["train", "-train", "c.txt"], "nothing to write"),
    (["train", "-train", "c.txt", "-output", "x", "-cbow", "2"], "invalid choice: 2"),
    (["train", "-train", "c.txt", "-output", "x", "-classes", "5"],
     "-classes (k-means word classes) is not supported"),
    (["train", "-train", "c.txt", "--out", "x"], "unrecognized arguments: --out"),
    (["similar", "v.bin"], "required: WORD"),
    (["analogy", "v.bin", "a", "b"], "required: C"),
    (["similar", "v.bin", "w1", "--topn", "0"],
     "argument --topn: value must be an int >= 1, got 0"),
    ([], "required: command"),
])
def test_usage_errors_exit_2(argv, message, capsys):
    assert message in _usage_error(argv, capsys)


@pytest.mark.parametrize("flag, text, flags, allowed, got", [
    ("-size", "0", "-size/--size/--vector-size", "an int >= 1", "0"),
    ("--window", "2.5", "-window/--window", "an int >= 1", "'2.5'"),
    ("-alpha", "nan", "-alpha/--alpha", "a finite number > 0", "nan"),
    ("-alpha", "inf", "-alpha/--alpha", "a finite number > 0", "inf"),
    ("--sample", "inf", "-sample/--sample", "a finite number >= 0", "inf"),
    ("-sample", "-0.5", "-sample/--sample", "a finite number >= 0", "-0.5"),
    ("-negative", "-1", "-negative/--negative", "an int >= 0", "-1"),
    ("--seed", "-1", "--seed", "an int >= 0", "-1"),
])
def test_numbers_are_checked_when_parsed(flag, text, flags, allowed, got, capsys):
    err = _usage_error(["train", "-train", "c.txt", "-output", "x", flag, text], capsys)
    assert err.endswith(f"\nfastw2v train: error: argument {flags}: value must be {allowed}, "
                        f"got {got}\n")


def test_flags_that_fastw2v_refuses_together_are_a_usage_error(corpus, tmp_path, capsys):
    """FastW2V's constructor checks the combination; the CLI names the flags and exits 2."""
    err = _usage_error(["train", "-train", str(corpus), "-output", str(tmp_path / "x"), "-hs", "0",
                        "--negative", "0"], capsys)
    assert err.endswith("\nfastw2v train: error: argument -negative/--negative, -hs/--hs: "
                        "negative=0, hs=0 and softmax=0 leave no output layer to train: set "
                        "negative > 0, hs=1 or softmax=1\n")
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("flag, parameter, value", [("-window", "window", 2**31),
                                                    ("--seed", "seed", 2**64),
                                                    ("-size", "vector_size", 2**40)])
def test_values_beyond_fastw2v_limits_are_a_usage_error(corpus, tmp_path, flag, parameter, value,
                                                        capsys):
    """The limits are FastW2V's (checked once, at construction); the CLI names the flag."""
    try:
        FastW2V(corpus_file=corpus, **{parameter: value})
    except ValueError as e:
        refusal = " ".join(str(e).split())
    else:
        pytest.skip(f"this FastW2V accepts {parameter}={value} at construction")
    err = _usage_error(["train", "-train", str(corpus), "-output", str(tmp_path / "x"), flag,
                        str(value)], capsys)
    assert re.search(f"error: argument {flag}(/[-a-z/]+)?: {re.escape(refusal)}\n$", err), err


@pytest.mark.parametrize("make_argv, message", [
    (lambda d, v: ["train", "-train", str(d / "missing.txt"), "-output", str(d / "x")],
     "does not exist"),
    (lambda d, v: ["similar", str(v), "w1", "xyzzy"], "Key 'xyzzy' not present"),
    (lambda d, v: ["similar", str(d / "none.bin"), "w1"], "No such file"),
    (lambda d, v: ["eval", str(v), "--pairs", str(d / "none.tsv")], "No such file"),
    (lambda d, v: ["similar", str(v.parent / "corpus.txt"), "w1"],
     "line 1: expected a word2vec header"),
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
        expected = [f"{k}\t{s:.4f}"
                    for k, s in method(positive=["w2", "w3"], negative=["w1"], topn=2)]
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


@pytest.mark.parametrize("layout", ["file", "directory of format version 1"])
def test_python_m_fastw2v_and_a_native_save(tmp_path, vectors, layout):
    kv = KeyedVectors.load_word2vec_format(vectors, binary=True)
    kv.save(tmp_path / "kv")
    if layout != "file":  # the same arrays as an old model directory
        meta, arrays = native.load_arrays(tmp_path / "kv")
        (tmp_path / "kv").unlink()
        save_old_directory(tmp_path / "kv", meta, arrays)
    env = child_env()
    done = subprocess.run([sys.executable, "-m", "fastw2v", "similar", str(tmp_path / "kv"), "w1",
                           "--topn", "2"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0 and len(done.stdout.splitlines()) == 2 and done.stderr == ""
    done = subprocess.run([sys.executable, "-m", "fastw2v", "similar", str(tmp_path / "kv"),
                           "nope"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 1 and done.stderr == "fastw2v: error: Key 'nope' not present\n"
    assert "Traceback" not in done.stderr


@pytest.fixture
def away_from_the_checkout(tmp_path, monkeypatch):
    """A working directory with a decoy ../shared/data/eval/questions-words.txt,
    no $FASTW2V_ANALOGIES."""
    decoy = tmp_path / "shared" / "data" / "eval" / "questions-words.txt"
    decoy.parent.mkdir(parents=True)
    decoy.write_text(": decoy\nw1 w2 w3 w4\n", encoding="utf-8")
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    monkeypatch.delenv("FASTW2V_ANALOGIES", raising=False)
    return decoy


def test_the_analogy_file_ships_in_the_package(away_from_the_checkout):
    """eval/demo use the packaged Google analogy set,
    never a ../shared/data of the working directory."""
    found = _find_analogies(None)
    assert (found == PACKAGED_ANALOGIES
            == Path(fastw2v.__file__).resolve().parent / "data" / "questions-words.txt")
    lines = found.read_text(encoding="utf-8").splitlines()
    assert sum(line.startswith(": ") for line in lines) == 14
    assert len(lines) - 14 == 19544 and all(len(line.split()) == 4
                                            for line in lines if line[0] != ":")


def test_analogy_file_precedence(away_from_the_checkout, tmp_path, monkeypatch):
    mine, theirs = tmp_path / "mine.txt", tmp_path / "theirs.txt"
    mine.write_text(": s\na b c d\n")
    theirs.write_text(": s\na b c d\n")
    monkeypatch.setenv("FASTW2V_ANALOGIES", str(theirs))
    assert _find_analogies(None) == theirs
    assert _find_analogies(str(mine)) == mine
    theirs.unlink()  # a path that was asked for is never replaced by another candidate
    with pytest.raises(FileNotFoundError,
                       match=re.escape(f"analogy file {str(theirs)!r} (from "
                                       "$FASTW2V_ANALOGIES) does not exist or is not a file")):
        _find_analogies(None)
    with pytest.raises(FileNotFoundError,
                       match=r"analogy file '/' \(from --analogies\) does not exist "
                             r"or is not a file"):
        _find_analogies("/")


def test_eval_scores_the_packaged_analogies(away_from_the_checkout, vectors, capsys):
    assert main(["eval", str(vectors)]) == 0
    assert capsys.readouterr().out == (f"analogies: 0.00% of 0 questions in vocabulary "
                                       f"(restrict_vocab=300000; {PACKAGED_ANALOGIES})\n")


def test_demo_refuses_a_missing_analogy_file_before_training(tmp_path, capsys):
    assert main(["demo", "--analogies", str(tmp_path / "none.txt")]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err == (f"fastw2v: error: analogy file '{tmp_path / 'none.txt'}' "
                                 "(from --analogies) does not exist or is not a file\n")
