"""gensim 3's names on :class:`~fastw2v.KeyedVectors` that gensim 4 removed or deprecated,
behaving as in gensim 4.4: reading ``vocab``, ``index2word``, ``index2entity`` or
``vectors_norm`` raises AttributeError naming the replacement (assigning the index names
sets ``index_to_key``, as gensim's loader of old files relies on), ``word_vec`` is
``get_vector`` with a deprecation warning (logged), ``similarity_unseen_docs`` belongs to
Doc2Vec.
"""
import logging

logger = logging.getLogger("fastw2v")

_MIGRATING = "https://github.com/RaRe-Technologies/gensim/wiki/Migrating-from-Gensim-3.x-to-4"


def _renamed_to_index_to_key(name):
    """gensim 3's attribute `name`, now `index_to_key`: reading it raises AttributeError
    (gensim 4.4's message), assigning it sets `index_to_key`, as in gensim."""
    def read(self):
        raise AttributeError(f"The {name} attribute has been replaced by index_to_key since "
                             f"Gensim 4.0.0.\nSee {_MIGRATING}")

    def assign(self, value):
        self.index_to_key = value

    return property(read, assign, doc=_renamed_to_index_to_key.__doc__.replace("`name`", name))


class Gensim3Names:
    """The removed gensim 3 names of :class:`~fastw2v.KeyedVectors` (a mixin: it uses the
    host's ``get_vector`` and ``index_to_key``)."""

    def word_vec(self, *args, **kwargs):
        """gensim 3's name of :meth:`get_vector` (deprecated in gensim: a warning is logged)."""
        logger.warning("word_vec is deprecated (as in gensim): use get_vector instead")
        return self.get_vector(*args, **kwargs)

    @property
    def vocab(self):
        """Removed in gensim 4: reading or assigning it raises AttributeError naming the
        replacements (gensim's message)."""
        raise AttributeError(
            "The vocab attribute was removed from KeyedVector in Gensim 4.0.0.\n"
            "Use KeyedVector's .key_to_index dict, .index_to_key list, and methods "
            ".get_vecattr(key, attr) and .set_vecattr(key, attr, new_val) instead.\n"
            f"See {_MIGRATING}")

    @vocab.setter
    def vocab(self, value):
        self.vocab  # noqa: B018 (raises, as gensim's setter does)

    index2word = _renamed_to_index_to_key("index2word")
    index2entity = _renamed_to_index_to_key("index2entity")

    @property
    def vectors_norm(self):
        """Removed in gensim 4 (reading it raises AttributeError: use
        :meth:`get_normed_vectors`); assigning it is ignored, as in gensim."""
        raise AttributeError(
            "The `.vectors_norm` attribute is computed dynamically since Gensim 4.0.0. "
            f"Use `.get_normed_vectors()` instead.\nSee {_MIGRATING}")

    @vectors_norm.setter
    def vectors_norm(self, _):
        pass

    def similarity_unseen_docs(self, *args, **kwargs):
        """Not a KeyedVectors method (gensim's Doc2Vec's): raises NotImplementedError, as in
        gensim."""
        raise NotImplementedError("Call similarity_unseen_docs on a Doc2Vec model instead.")
