"""Builds the Cython kernels: -O3, portable by default; FASTW2V_NATIVE=1 adds -march=native."""
import os

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

COMPILE_ARGS = ["-O3"]
if os.environ.get("FASTW2V_NATIVE") == "1":
    COMPILE_ARGS.append("-march=native")

extensions = [
    Extension(f"fastw2v.{name}", [f"fastw2v/{name}.pyx"],
              include_dirs=["csrc", np.get_include()],
              define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
              extra_compile_args=COMPILE_ARGS)
    for name in ("_scan", "_train", "_topk")
]

setup(ext_modules=cythonize(extensions, language_level=3,
                            compiler_directives={"embedsignature": True}))
