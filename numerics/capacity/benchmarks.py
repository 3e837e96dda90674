"""Benchmarks of the capacity kernels against reference implementations, timed in one run."""
from __future__ import annotations

import numpy as np

from .._bench import benchmark, interleaved, timed, timing
from .estimators import ising_reference_numpy
from .gray_code import ising_max_prefix_parallel
from .kernels import gordan_simplex


@benchmark("capacity-separability", simulator="gordan_simplex (Numba dense-tableau phase-1 simplex)",
           reference="scipy.optimize.linprog(method='highs') feasibility LP X w >= 1")
def bench_separability(quick):
    from scipy.optimize import linprog

    N = 100
    P = 2 * N
    g = np.random.default_rng(12345)
    insts = [g.standard_normal((P, N)) * np.where(g.random((P, 1)) < 0.5, -1.0, 1.0) for _ in range(3 if quick else 10)]
    gordan_simplex(insts[0])  # compile / load from cache

    def ours():
        return [gordan_simplex(X)[0] == 1 for X in insts]

    def highs():
        return [linprog(np.zeros(N), A_ub=-X, b_ub=-np.ones(P), bounds=[(None, None)] * N,
                        method="highs").status == 0 for X in insts]

    agree = ours() == highs()
    return timing(ours, highs, f"separability of {len(insts)} instances, P = 2N = {P} Gaussian points", agree,
                  "one core each (both are serial)", repeat=2 if quick else 3)


@benchmark("capacity-gray-enumeration", simulator="ising_max_prefix_parallel (Numba Gray code, prange over blocks)",
           reference="numpy: all weight vectors as a float32 matrix, fields by BLAS matmul, prefix by argmin")
def bench_enumeration(quick):
    N = 21 if quick else 25  # 2^(N-1) vectors: 2^20 quick, 2^24 full
    P = 2 * N
    g = np.random.default_rng(7)
    XT = np.where(g.random((N, P)) < 0.5, -1, 1).astype(np.int16)
    ising_max_prefix_parallel(XT[:5], 8)
    ref = ising_reference_numpy(XT)
    measured = interleaved(lambda: ising_max_prefix_parallel(XT, 256), lambda: ising_reference_numpy(XT), 1)
    ours = ising_max_prefix_parallel(XT, 256)
    return timed(measured, f"all 2^{N - 1} vectors w (and -w) against P = {P} patterns, N = {N}",
                 ours == ref, f"{(1 << (N - 1)) / measured[0] / 1e6:.0f} M vectors per CPU s")
