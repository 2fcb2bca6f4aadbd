"""fastw2v: fast word2vec for Python (skip-gram and CBOW, negative sampling and hierarchical
softmax) in multithreaded Cython calling BLAS."""
import logging

from ._gensim_api import Word2Vec
from ._version import __version__
from .callbacks import Callback, Checkpoint, Evaluate
from .keyedvectors import KeyedVectors
from .phrases import ENGLISH_CONNECTOR_WORDS, FrozenPhrases, Phraser, Phrases
from .readers import LineSentence, PathLineSentences, Text8Corpus
from .vocab import RULE_DEFAULT, RULE_DISCARD, RULE_KEEP
from .word2vec import FastW2V

logging.getLogger("fastw2v").addHandler(logging.NullHandler())

__all__ = ["FastW2V", "KeyedVectors", "Callback", "Checkpoint", "Evaluate", "LineSentence",
           "PathLineSentences", "Text8Corpus", "Word2Vec", "Phrases", "FrozenPhrases", "Phraser",
           "ENGLISH_CONNECTOR_WORDS", "RULE_DEFAULT", "RULE_DISCARD", "RULE_KEEP",
           "__version__"]
