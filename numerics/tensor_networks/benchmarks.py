"""Benchmark: the Numba modular rank against a NumPy row-operation reference, same input."""
from __future__ import annotations

import numpy as np

from .._bench import benchmark, timing
from . import kernels


@benchmark("rank-mod-p", simulator="numba Gaussian elimination over F_p (kernels.rank_mod)",
           reference="numpy row operations over F_p (kernels.rank_mod_numpy)")
def bench_rank_mod_p(quick):
    n = 128 if quick else 384
    gen = np.random.default_rng(0)
    low = gen.integers(0, kernels.PRIME, (n, n // 2)) @ np.eye(n // 2, n, dtype=np.int64)  # rank n/2
    matrix = (gen.integers(0, kernels.PRIME, (n, n // 2)) % 7) @ (gen.integers(0, 7, (n // 2, n)))
    matrix = np.concatenate([matrix, low], axis=0) % kernels.PRIME
    fast = lambda: kernels.rank_mod(matrix, kernels.PRIME)  # noqa: E731
    ref = lambda: kernels.rank_mod_numpy(matrix)  # noqa: E731
    agree = fast() == ref()
    return timing(fast, ref,
                  f"rank over F_p (p = 2^31 - 1) of a {2 * n} x {n} matrix of rank < {n}", bool(agree))
