"""Benchmark of the one Numba kernel of the learning-curve simulators, the ReLU arc-cosine kernel
matrix, against its NumPy reference (the rest of the simulators is LAPACK/BLAS called from NumPy)."""
from __future__ import annotations

import numpy as np

from .._bench import Timing, benchmark, timing
from . import kernels


@benchmark("relu-arccos-kernel", simulator="numba elementwise loop (kernels.relu_arccos)",
           reference="numpy clip, arccos, sqrt on the whole matrix (kernels.relu_arccos_numpy)")
def bench_relu_arccos(quick):
    size = 200 if quick else 600
    gen = np.random.default_rng(0)
    theta = kernels.sphere_rows(gen, size, 100)
    gram = theta @ theta.T / 100
    fast = lambda: kernels.relu_arccos(gram)  # noqa: E731
    ref = lambda: kernels.relu_arccos_numpy(gram)  # noqa: E731
    agree = bool(np.allclose(fast(), ref(), rtol=1e-13, atol=1e-15))
    return timing(fast, ref,
                  f"arc-cosine kernel of a {size} x {size} Gram matrix (random features on the sphere, d = 100)", agree)
