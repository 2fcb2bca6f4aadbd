"""Builds the Cython kernels: -O3, portable by default.

Environment variables:

- ``FASTW2V_NATIVE=1`` adds ``-march=native``.
- ``FASTW2V_SANITIZE=1`` builds for AddressSanitizer and UndefinedBehaviorSanitizer
  (``-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g
  -O1``, the sanitizers also passed to the linker), in build/sanitize so that objects of a
  normal build are never reused; ``.ci/run`` tests such a build. Python itself is not
  instrumented, so load the ASan runtime first::

      FASTW2V_SANITIZE=1 pip install --force-reinstall --no-deps .
      LD_PRELOAD=$(gcc -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0 pytest

  (in place: ``FASTW2V_SANITIZE=1 python setup.py build_ext --inplace --force``; without
  --force the normal in-place modules count as up to date).
"""
import glob
import os

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

COMPILE_ARGS, LINK_ARGS, OPTIONS = ["-O3"], [], {}
if os.environ.get("FASTW2V_NATIVE") == "1":
    COMPILE_ARGS.append("-march=native")
if os.environ.get("FASTW2V_SANITIZE") == "1":
    SANITIZERS = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"]
    # -O1 after -O3 wins; a frame pointer and debug info give readable stacks
    COMPILE_ARGS += ["-O1", "-g", "-fno-omit-frame-pointer", *SANITIZERS]
    LINK_ARGS += SANITIZERS
    OPTIONS["build"] = {"build_base": os.path.join("build", "sanitize")}

extensions = [
    # depends: a changed header of csrc/ rebuilds every module (they include them freely)
    Extension(f"fastw2v.{name}", [f"fastw2v/{name}.pyx"], depends=sorted(glob.glob("csrc/*.h")),
              include_dirs=["csrc", np.get_include()],
              define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
              extra_compile_args=COMPILE_ARGS, extra_link_args=LINK_ARGS)
    for name in ("_scan", "_tokenize", "_train", "_topk", "_phrases", "_blas_test")
]

# Every Cython directive, for every module, here and nowhere else: the kernels index
# memoryviews and C arrays whose bounds they checked once (per epoch, per chunk), not per access
DIRECTIVES = dict(language_level=3, boundscheck=False, wraparound=False, cdivision=True,
                  initializedcheck=False, embedsignature=True)

setup(ext_modules=cythonize(extensions, compiler_directives=DIRECTIVES), options=OPTIONS)
