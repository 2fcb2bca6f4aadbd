"""File formats of vectors and models.

:mod:`fastw2v.formats.native` is fastw2v's own model file (and the model directories of
earlier versions); :mod:`fastw2v.formats.word2vec` the C word2vec tool's vector and
vocabulary files. Compression and atomic writes are in :mod:`fastw2v._compression`.
"""
