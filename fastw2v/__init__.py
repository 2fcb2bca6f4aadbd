"""fastw2v: fast word2vec for Python (skip-gram and CBOW, negative sampling and hierarchical
softmax) in multithreaded Cython calling BLAS."""
import logging

from ._gensim_api import Word2Vec
from ._version import __version__
from .callbacks import Callback, Checkpoint, Evaluate
from .keyedvectors import KeyedVectors
from .readers import LineSentence, Text8Corpus
from .word2vec import FastW2V

logging.getLogger("fastw2v").addHandler(logging.NullHandler())

__all__ = ["FastW2V", "KeyedVectors", "Callback", "Checkpoint", "Evaluate", "LineSentence",
           "Text8Corpus", "Word2Vec", "__version__"]
