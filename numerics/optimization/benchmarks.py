"""Benchmark: gradient descent on the logistic loss, the Numba kernel (scalar loops, one pass over
the data per step) against a NumPy reference (one vectorised matrix-vector step per iteration),
same data, same steps."""
from __future__ import annotations

import numpy as np

from .._bench import Timing, benchmark, timing
from . import kernels


@benchmark("logistic-gd", simulator="numba scalar loop (kernels.gd_logistic)",
           reference="numpy: w += eta Z^T sigmoid(-Z w) per step (kernels.gd_logistic_numpy)")
def bench_logistic_gd(quick):
    steps = 5_000 if quick else 50_000
    gen = np.random.Generator(np.random.SFC64(0))
    z = gen.uniform(-1, 1, (8, 2)) + np.array([1.0, 0.0])  # 8 points in the plane, separable by w = (1, 0)
    eta = 0.5
    fast = lambda: kernels.gd_logistic(z, eta, np.array([steps], dtype=np.int64))[0]  # noqa: E731
    ref = lambda: kernels.gd_logistic_numpy(z, eta, steps)  # noqa: E731
    agree = bool(np.allclose(fast(), ref(), rtol=1e-9, atol=1e-12))
    return timing(fast, ref, f"{steps} steps of logistic GD, 8 points in 2 dimensions",
                  agree)
