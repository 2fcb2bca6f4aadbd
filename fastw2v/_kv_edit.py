"""The editing side of :class:`~fastw2v.KeyedVectors`, under gensim 4's names: the per-key
attributes (``expandos``: ``count`` and any other, one numpy array each, one value per
key) and the keys and vectors added, with their attributes.

A mixin: it uses the host's ``index_to_key``, ``key_to_index``, ``expandos``, raw
``_vectors``, ``vector_size``, ``get_index`` and ``_clear_norms``.
"""
import logging

import numpy as np

from ._similarity import KEY_TYPES

logger = logging.getLogger("fastw2v")


class KeyedVectorsEditing:
    """Per-key attributes and additions of :class:`~fastw2v.KeyedVectors` (a mixin)."""

    @property
    def counts(self):
        """numpy.ndarray: the count of each key, ``expandos['count']`` (int64 in a
        KeyedVectors built from arrays; created as zeros on first use in one built by
        gensim's constructor, which starts without attributes)."""
        if "count" not in self.expandos:
            self.allocate_vecattrs(["count"], [np.int64])
        return self.expandos["count"]

    @counts.setter
    def counts(self, value):
        self.expandos["count"] = _checked_counts(value, len(self.index_to_key))

    def allocate_vecattrs(self, attrs=None, types=None):
        """Make sure the per-key attribute arrays exist, one value per entry of
        `index_to_key`, as gensim does: a new attribute is zeros, an existing one is
        resized (kept values first, zeros after).

        Parameters
        ----------
        attrs : list of str, optional
            Attribute names; None resizes every existing attribute.
        types : list of type or numpy dtype, optional
            The dtype of each of `attrs` (``int`` is int64, ``str`` is object); required
            with `attrs`.

        Raises
        ------
        ValueError
            If `types` does not give one type per attribute.
        TypeError
            If an existing attribute's dtype cannot hold values of its type (gensim's
            message: "Can't allocate type ... conflicts with its existing type ...").
        """
        if attrs is None:
            attrs = list(self.expandos)
            types = [self.expandos[attr].dtype for attr in attrs]
        attrs = list(attrs)
        if types is None or len(list(types)) != len(attrs):
            raise ValueError(f"types must give one type for each of the attributes {attrs}, "
                             f"got {types!r}")
        size = len(self.index_to_key)
        for attr, kind in zip(attrs, types):
            kind = {int: np.int64, str: object}.get(kind, kind)
            old = self.expandos.get(attr)
            if old is None:
                self.expandos[attr] = np.zeros(size, dtype=kind)
                continue
            if not np.issubdtype(kind, old.dtype):
                raise TypeError(f"Can't allocate type {kind} for attribute {attr}, "
                                f"conflicts with its existing type {old.dtype}")
            if len(old) != size:
                grown = np.zeros(size, dtype=old.dtype)
                kept = min(size, len(old))
                grown[:kept] = old[:kept]
                self.expandos[attr] = grown

    def set_vecattr(self, key, attr, val):
        """Set a per-key attribute of one key (allocating the attribute, with the dtype of
        `val`, if it is new).

        Parameters
        ----------
        key : hashable
            The key (or a row index, see :meth:`get_index`).
        attr : str
            Attribute name, such as ``'count'``.
        val : object
            The value; ``int`` values make an int64 attribute, ``str`` an object one.

        Raises
        ------
        KeyError
            If `key` is unknown.
        TypeError
            If `val`'s type conflicts with the attribute's dtype (see
            :meth:`allocate_vecattrs`).
        """
        self.allocate_vecattrs([attr], [type(val)])
        self.expandos[attr][self.get_index(key)] = val

    def get_vecattr(self, key, attr):
        """Value of a per-key attribute of one key.

        Parameters
        ----------
        key, attr
            As for :meth:`set_vecattr`.

        Returns
        -------
        numpy scalar or object
            The value, an element of ``expandos[attr]``.

        Raises
        ------
        KeyError
            If `key` is unknown or there is no attribute `attr`.
        """
        index = self.get_index(key)
        if attr not in self.expandos:
            raise KeyError(f"no vector attribute {attr!r}; the attributes are "
                           f"{sorted(self.expandos)}")
        return self.expandos[attr][index]

    def add_vectors(self, keys, weights, extras=None, replace=False):
        """Add keys and their vectors; existing keys keep their vector unless `replace`.

        New keys are appended in the order given; their attributes are taken from
        `extras`, zero for attributes it lacks. The vectors array is replaced by a larger
        copy and the cached unit vectors are dropped.

        Parameters
        ----------
        keys : hashable or list of hashable
            One key (str or int) or several, all distinct.
        weights : numpy.ndarray or list of numpy.ndarray
            Their vectors: shape ``(len(keys), vector_size)``, or ``(vector_size,)`` for
            one key.
        extras : dict of str to array-like, optional
            Per-key attributes of these keys: name -> one value per key (an attribute not
            yet present is created with the values' dtype).
        replace : bool, optional
            Overwrite the vector (and the `extras` attributes) of keys already present.

        Raises
        ------
        ValueError
            If `weights` or a value of `extras` has the wrong shape, or a key is repeated.
        TypeError
            If a key is unhashable, or an `extras` dtype conflicts with its attribute's.
        """
        if isinstance(keys, KEY_TYPES):
            keys, weights = [keys], np.reshape(weights, (1, -1))
        keys, weights = list(keys), np.asarray(weights)
        if weights.shape != (len(keys), self.vector_size):
            raise ValueError(f"weights must have shape ({len(keys)}, {self.vector_size}) for "
                             f"{len(keys)} keys, got {weights.shape}")
        if len(set(keys)) != len(keys):
            repeated = next(k for k in keys if keys.count(k) > 1)
            raise ValueError(f"keys must be distinct; {repeated!r} repeats")
        extras = _checked_extras(extras, len(keys))
        self.allocate_vecattrs(list(extras), [values.dtype for values in extras.values()])
        new = [i for i, key in enumerate(keys) if key not in self.key_to_index]
        old = [i for i, key in enumerate(keys) if key in self.key_to_index]
        rows = [self.key_to_index[keys[i]] for i in old]
        vectors = np.concatenate([self._vectors, weights[new].astype(self._vectors.dtype)])
        first = len(self.index_to_key)
        for i in new:
            self.key_to_index[keys[i]] = len(self.index_to_key)
            self.index_to_key.append(keys[i])
        self._vectors = vectors
        self.allocate_vecattrs()
        for attr, values in extras.items():
            self.expandos[attr][first:] = values[new]
        if replace:
            vectors[rows] = weights[old]
            for attr, values in extras.items():
                self.expandos[attr][rows] = values[old]
        self._clear_norms()

    def __setitem__(self, keys, weights):
        """Set the vectors of keys, adding new ones: ``add_vectors(keys, weights, replace=True)``.

        Parameters
        ----------
        keys : hashable or list of hashable
            One key, or several in a list (anything else, a tuple too, is one key, as
            in gensim).
        weights : numpy.ndarray
            The vector(s), as for :meth:`add_vectors`.

        Raises
        ------
        TypeError, ValueError
            As :meth:`add_vectors`.
        """
        if not isinstance(keys, list):
            keys, weights = [keys], np.reshape(weights, (1, -1))
        self.add_vectors(keys, weights, replace=True)


    def add_vector(self, key, vector):
        """Add one key and its vector, into the next free slot if there is one (gensim's
        preallocated ``KeyedVectors(vector_size, count)``), else at the end (which copies
        the vectors: a warning is logged, as gensim warns).

        Parameters
        ----------
        key : hashable
            The new key.
        vector : numpy.ndarray
            Its vector, ``vector_size`` values.

        Returns
        -------
        int
            The key's index: ``index_to_key[result] == key``.

        Raises
        ------
        ValueError
            If `key` already has a vector (gensim would add it a second time), or
            `vector` has the wrong shape.
        """
        if key in self.key_to_index:
            raise ValueError(f"key {key!r} already has a vector (index "
                             f"{self.key_to_index[key]}); use kv[key] = vector to replace it")
        vector = np.asarray(vector)
        if vector.shape != (self.vector_size,):
            raise ValueError(f"vector must have shape ({self.vector_size},), got {vector.shape}")
        index = self.next_index
        if index < len(self.index_to_key) and self.index_to_key[index] is None:
            self.index_to_key[index] = key
            self.key_to_index[key] = index
            self._vectors[index] = vector
            self._clear_norms()
        else:
            index = len(self.index_to_key)
            logger.warning("adding single vectors to a KeyedVectors which grows by one each time "
                           "is costly; add them in batches or preallocate the slots")
            self.add_vectors([key], vector[None])
        self.next_index = index + 1
        return index

    def sort_by_descending_frequency(self):
        """Reorder the keys (their vectors, attributes and per-key lock factors with them) by
        descending ``count``; equal counts end in reverse index order, as in gensim.

        Raises
        ------
        KeyError
            If there is no ``count`` attribute (as in gensim).
        """
        if not len(self):
            return
        counts = np.asarray(self.expandos["count"], dtype=np.int64)
        order = np.argsort(counts, kind="stable")[::-1]  # ties: the later index first
        self.index_to_key = [self.index_to_key[i] for i in order]
        self.allocate_vecattrs()
        for attr, values in self.expandos.items():
            self.expandos[attr] = values[order]
        if len(self._vectors):
            logger.warning("sorting after vectors have been allocated is expensive & error-prone")
            self._vectors = self._vectors[order]
        if len(self.vectors_lockf) > 1:
            self.vectors_lockf = self.vectors_lockf[order]
        self.key_to_index = dict(zip(self.index_to_key, range(len(self.index_to_key))))
        self._clear_norms()

    def resize_vectors(self, seed=0):
        """Make the vectors one row per entry of `index_to_key`, as gensim does: kept rows
        keep their values, new rows are random in ``[-1/vector_size, 1/vector_size)`` (numpy's
        ``default_rng(seed)``, the same values as gensim's); the attributes are resized too.

        Parameters
        ----------
        seed : int, optional
            Seed of the new rows' values.
        """
        shape = (len(self.index_to_key), self.vector_size)
        if self._vectors.shape != shape:
            vectors = np.random.default_rng(seed=seed).random(shape, dtype=np.float32)
            vectors *= 2.0
            vectors -= 1.0
            vectors /= self.vector_size
            kept = min(shape[0], len(self._vectors))
            vectors[:kept] = self._vectors[:kept]
            self._vectors = vectors
        self.allocate_vecattrs()
        self._clear_norms()

    def vectors_for_all(self, keys, allow_inference=True, copy_vecattrs=False):
        """A new KeyedVectors of the given keys that have a vector here, each once, in the
        order given (gensim's method).

        Parameters
        ----------
        keys : iterable of hashable
            The keys wanted; unknown ones are skipped, repeats are dropped.
        allow_inference : bool, optional
            Also take keys that are row indexes (``key in self``), as gensim does; False
            takes only keys of `key_to_index`.
        copy_vecattrs : bool, optional
            Copy the per-key attributes; without it the new ``count`` attribute holds
            gensim's made-up counts ``n, n - 1, ..., 1``.

        Returns
        -------
        KeyedVectors
            Its vectors are copies, of this one's dtype.
        """
        known = self if allow_inference else self.key_to_index
        wanted = [key for key in dict.fromkeys(keys) if key in known]
        rows = [self.get_index(key) for key in wanted]
        kv = type(self)(self._vectors[rows], wanted, np.arange(len(wanted), 0, -1))
        if copy_vecattrs:
            for attr, values in self.expandos.items():
                kv.allocate_vecattrs([attr], [values.dtype])
                kv.expandos[attr][:] = values[rows]
        return kv


def _checked_counts(counts, n):
    """`counts` as an int64 array of n values; ValueError unless it is n integers."""
    counts = np.asarray(counts)
    if counts.shape != (n,) or not np.issubdtype(counts.dtype, np.integer):
        raise ValueError(f"counts must be integers, one per key ({n}), "
                         f"got dtype {counts.dtype} shape {counts.shape}")
    return counts.astype(np.int64, copy=False)


def _checked_extras(extras, n):
    """add_vectors' `extras` as a dict of 1-D arrays of n values each."""
    extras = {attr: np.asarray(values) for attr, values in (extras or {}).items()}
    extras = {attr: values.astype(object) if values.dtype.kind == "U" else values
              for attr, values in extras.items()}  # str attributes are object arrays
    bad = next((attr for attr, values in extras.items() if values.shape != (n,)), None)
    if bad is not None:
        raise ValueError(f"extras[{bad!r}] must hold one value per key ({n}), got shape "
                         f"{extras[bad].shape}")
    return extras
