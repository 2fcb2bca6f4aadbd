"""Bad input gets a specific exception with a message, and nothing half-built."""
import gc
import gzip
import weakref

import numpy as np
import pytest
from conftest import CORPUS_OPENERS, assert_same_model, four_word_texts, small_model, write_corpus

from fastw2v import FastW2V

TEXTS = four_word_texts()


def test_no_output_layer():
    with pytest.raises(ValueError, match=r"^negative=0, hs=0 and softmax=0 leave no output layer "
                                         r"to train: set negative > 0, hs=1 or softmax=1$"):
        FastW2V(TEXTS, hs=0, negative=0)


@pytest.mark.parametrize("mode, got", [(dict(hs=1, negative=0), "negative=0, hs=1"),
                                       (dict(hs=0, negative=5), "negative=5, hs=0")])
def test_softmax_trains_alone(mode, got):
    with pytest.raises(ValueError, match=rf"^softmax=1 \(full softmax\) trains alone: set "
                                         rf"negative=0 and hs=0 \(got {got}\)$"):
        FastW2V(TEXTS, softmax=1, **mode)


@pytest.mark.parametrize("mode, got", [(dict(sg=0), "sg=0, softmax=0"),
                                       (dict(sg=1, negative=0, softmax=1), "sg=1, softmax=1")])
def test_batched_kernel_is_skipgram_hs_or_negative_sampling(mode, got):
    with pytest.raises(ValueError, match=rf"^kernel='batched' trains skip-gram with negative "
                                         rf"sampling and/or hierarchical softmax: it needs sg=1 "
                                         rf"and softmax=0 \(got {got}\)$"):
        FastW2V(TEXTS, kernel="batched", **mode)


@pytest.mark.parametrize("mode, batched", [
    (dict(sg=1), True), (dict(sg=1, hs=1, negative=0), True), (dict(sg=0), False),
    (dict(sg=1, negative=0, softmax=1), False), (dict(sg=1, kernel="classic"), False),
    (dict(sg=1, hs=1, kernel="batched"), True)])
def test_auto_picks_the_batched_kernel_where_it_trains_every_layer(mode, batched):
    assert FastW2V(**mode).batched is batched


@pytest.mark.parametrize("mode, huffman, noise", [
    (dict(hs=1, negative=0), True, False), (dict(hs=0, negative=5), False, True),
    (dict(hs=1, negative=5), True, True), (dict(hs=0, negative=0, softmax=1), False, False)])
def test_the_vocabulary_builds_the_tables_of_the_layers_in_use(mode, huffman, noise, tmp_path):
    texts = [["a"] * 5 + ["b"] * 3 + ["c"]] * 4
    model = FastW2V(texts, min_count=1, vector_size=4, **mode).build_vocab()
    model.save(tmp_path / "m")
    for vocab in model.vocab, FastW2V.load(tmp_path / "m").vocab:
        assert len(vocab.codes) == (2 + 2 + 1 if huffman else 0)  # path lengths 1, 2, 2
        # the rarest word, "c", is drawn less often than uniformly by the noise sampler
        assert bool(vocab.alias_prob[-1] < 2**32 - 1) is noise
    model.train()  # the kernels accept the placeholder tables


@pytest.mark.parametrize("texts", [[], [[]], [[], []]])
def test_empty_corpus(texts):
    model = FastW2V(texts, min_count=1)
    with pytest.raises(ValueError, match="the corpus is empty"):
        model.train()
    assert model.wv is None and model.vocab is None


def test_all_words_below_min_count():
    model = FastW2V([["a", "b"], ["c"]], min_count=2)
    with pytest.raises(ValueError, match="no word occurs min_count=2 times"):
        model.build_vocab()
    assert model.wv is None


def test_sentence_given_as_one_string():
    with pytest.raises(TypeError, match=r"text 1 is a str \('the quick"):
        FastW2V([["ok"], "the quick brown fox"], min_count=1).build_vocab()
    with pytest.raises(TypeError, match="got a str; for a file use corpus_file="):
        FastW2V("the quick brown fox")


def test_non_str_tokens():
    with pytest.raises(TypeError, match=r"text 0: tokens must be str, got int 7 at position 1"):
        FastW2V([["a", 7, "b"]], min_count=1).build_vocab()
    with pytest.raises(TypeError, match=r"tokens must be str, got bytes b'x'"):
        FastW2V([["a"], [b"x"]], min_count=1).build_vocab()
    with pytest.raises(TypeError, match="text 0 is a int"):
        FastW2V([3], min_count=1).build_vocab()


def test_both_or_neither_source():
    with pytest.raises(ValueError, match="not both"):
        FastW2V(TEXTS, corpus_file=__file__)
    with pytest.raises(ValueError, match="no corpus"):
        FastW2V().train()


def test_missing_or_unreadable_corpus_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="corpus_file '.*nope.txt' does not exist"):
        FastW2V(corpus_file=tmp_path / "nope.txt")
    with pytest.raises(ValueError, match="corpus_file '.*' is a directory without files"):
        FastW2V(corpus_file=tmp_path)


@pytest.mark.parametrize("suffix", CORPUS_OPENERS)
def test_corpus_file_formats(tmp_path, suffix):
    path = write_corpus(tmp_path / f"corpus{suffix}", TEXTS)
    model = FastW2V(corpus_file=path, min_count=1, vector_size=8, epochs=1).train()
    assert model.corpus.total_words == 240
    assert model.wv.get_vecattr("alpha", "count") == 60


def test_truncated_gzip_corpus(tmp_path):
    data = gzip.compress(("alpha beta gamma\n" * 5000).encode())
    path = tmp_path / "cut.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="corrupted or truncated"):
        FastW2V(corpus_file=path, min_count=1).build_vocab()




def test_model_save_load_and_continue(tmp_path):
    model = small_model(TEXTS, hs=1, negative=2, epochs=2).train()
    model.save(tmp_path / "m")
    loaded = FastW2V.load(tmp_path / "m")
    assert_same_model(loaded, model)
    with pytest.raises(ValueError, match="holds no corpus"):
        loaded.train()
    before = loaded.wv.vectors.copy()
    loaded.train(sentences=TEXTS + [["unknown", "alpha"]])
    assert not np.array_equal(before, loaded.wv.vectors)
    assert len(loaded.history) == 4


def test_corrupted_model_file(tmp_path):
    model = FastW2V(TEXTS, min_count=1, vector_size=8, epochs=1).train()
    model.save(tmp_path / "m")
    saved = tmp_path / "m"
    saved.write_bytes(saved.read_bytes()[:-100])
    with pytest.raises(ValueError, match="'.*m' is not a fastw2v model file"):
        FastW2V.load(tmp_path / "m")
    with pytest.raises(OSError):
        FastW2V.load(tmp_path / "missing")
    model.wv.save(tmp_path / "kv")
    with pytest.raises(ValueError, match="KeyedVectors.load"):
        FastW2V.load(tmp_path / "kv")


class _InterruptedOnce:
    """A one-shot iterator of texts that raises KeyboardInterrupt once, before text `at`,
    and then goes on, like a generator that Ctrl-C left suspended."""

    def __init__(self, texts, at):
        self.texts, self.at, self.i = texts, at, 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.i == self.at:
            self.at = None
            raise KeyboardInterrupt
        if self.i == len(self.texts):
            raise StopIteration
        self.i += 1
        return self.texts[self.i - 1]


PARTLY = ("is an iterator that an interrupted scan already partly consumed: what is left of "
          "it is not the corpus; give the texts again")


def test_interrupted_scan_of_an_iterator_is_not_resumed_silently():
    model = FastW2V(_InterruptedOnce(TEXTS, at=5), min_count=1, vector_size=8)
    with pytest.raises(KeyboardInterrupt):
        model.build_vocab()
    with pytest.raises(ValueError, match=PARTLY):
        model.build_vocab()
    with pytest.raises(ValueError, match=PARTLY):
        model.train()
    assert model.vocab is None and model.corpus is None


def test_failed_scan_of_a_builtin_iterator_or_generator_is_not_resumed():
    for texts in (iter(TEXTS[:3] + [["a", 7]] + TEXTS), (t for t in TEXTS[:3] + [[7]] + TEXTS)):
        model = FastW2V(texts, min_count=1, vector_size=8)
        with pytest.raises(TypeError, match="text 3: tokens must be str"):
            model.build_vocab()
        with pytest.raises(ValueError, match=PARTLY):
            model.build_vocab()
    trained = FastW2V(TEXTS, min_count=1, vector_size=8, epochs=1).train()
    rest = iter(TEXTS[:2] + [[b"x"]] + TEXTS)
    with pytest.raises(TypeError):
        trained.train(sentences=rest)
    with pytest.raises(ValueError, match=PARTLY):
        trained.train(sentences=rest)


def test_an_interrupted_iterator_is_remembered_by_its_model_only():
    """The model that read it refuses it; nothing else keeps it (and its texts) alive."""
    class Texts(list):  # a list one can take a weak reference to
        pass

    texts = Texts(TEXTS[:3] + [[7]] + TEXTS)
    alive = weakref.ref(texts)
    model = FastW2V(iter(texts), min_count=1, vector_size=8)  # list iterators: no weakref
    with pytest.raises(TypeError, match="text 3"):
        model.build_vocab()
    other = FastW2V(TEXTS, min_count=1, vector_size=8, epochs=1).train()
    other.train(sentences=iter(texts[4:]))  # another iterator over the same texts is fine
    del model, texts
    gc.collect()
    assert alive() is None


def test_interrupted_scan_of_a_reiterable_is_simply_repeated():
    class Flaky(list):
        interrupted = False

        def __iter__(self):
            for i, text in enumerate(list.__iter__(self)):
                if i == 5 and not self.interrupted:
                    self.interrupted = True
                    raise KeyboardInterrupt
                yield text

    model = FastW2V(Flaky(TEXTS), min_count=1, vector_size=8)
    with pytest.raises(KeyboardInterrupt):
        model.build_vocab()
    assert model.build_vocab().corpus.total_words == 240
