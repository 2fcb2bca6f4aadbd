"""Word Mover's Distance between two documents (gensim's ``KeyedVectors.wmdistance``),
solved by the optional POT package (``pip install 'fastw2v[wmd]'``)."""
import logging
from collections import Counter

import numpy as np

logger = logging.getLogger("fastw2v")


def wmdistance(kv, document1, document2, norm=True):
    """Word Mover's Distance between two documents (Kusner et al. 2015).

    Each document is a bag of its in-vocabulary words, weighted by how often each occurs
    divided by the document's length; the distance is the least total cost of moving one
    bag onto the other, a word to a word costing the Euclidean distance of their vectors.
    As gensim's: words not in `kv` are dropped (logged), and the exact transport problem
    is solved by POT's ``ot.emd2``.

    Parameters
    ----------
    kv : fastw2v.KeyedVectors
        The word vectors.
    document1, document2 : list of str
        The documents as sequences of keys (a word may repeat; unknown words are ignored).
    norm : bool, optional
        Measure between unit-length vectors (the default, as gensim) instead of the raw ones.

    Returns
    -------
    float
        The distance: 0.0 for documents with the same bag of words, ``inf`` if either
        document has no word of the vocabulary (logged as a warning).

    Raises
    ------
    ImportError
        If POT is not installed (the message says how to install it).
    TypeError
        If a document is a single string rather than a sequence of words.
    """
    try:
        from ot import emd2
    except ImportError:
        raise ImportError("wmdistance needs the POT package (Python Optimal Transport, "
                          "imported as 'ot'): pip install 'fastw2v[wmd]'") from None
    from scipy.spatial.distance import cdist  # here: scipy.spatial costs 8 MB an import
    for name, document in (("document1", document1), ("document2", document2)):
        if isinstance(document, (str, bytes)):
            raise TypeError(f"{name} must be a sequence of words, got the string "
                            f"{document[:60]!r}; split it into words first")
    known1 = [word for word in document1 if word in kv]
    known2 = [word for word in document2 if word in kv]
    dropped1, dropped2 = len(document1) - len(known1), len(document2) - len(known2)
    if dropped1 or dropped2:
        logger.info("wmdistance: removed %d and %d out-of-vocabulary words from document 1 "
                    "and 2 (respectively)", dropped1, dropped2)
    if not known1 or not known2:
        logger.warning("wmdistance: at least one of the documents had no words that were in "
                       "the vocabulary; the distance is inf")
        return float("inf")
    vectors1, weights1 = _bag_of_words(kv, known1, norm)
    vectors2, weights2 = _bag_of_words(kv, known2, norm)
    return float(emd2(weights1, weights2, cdist(vectors1, vectors2)))


def _bag_of_words(kv, document, norm):
    """The vectors of a document's distinct words (float64, one row each, as cdist computes)
    and the words' frequencies (count / document length)."""
    counts = Counter(document)
    vectors = np.array([kv.get_vector(word, norm=norm) for word in counts], dtype=np.float64)
    return vectors, np.fromiter(counts.values(), np.float64, len(counts)) / len(document)
