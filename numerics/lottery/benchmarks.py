"""Benchmark: eps-goodness by Numba merge enumeration against a NumPy reference (all sums by a
0/1 matrix product, np.sort, vectorised gap test), same samples."""
from __future__ import annotations

import numpy as np

from .._bench import benchmark, timing
from . import kernels


def count_good_numpy(draws: np.ndarray, eps: float) -> int:
    n = draws.shape[1]
    masks = ((np.arange(1 << n)[:, None] >> np.arange(n)[None, :]) & 1).astype(np.float64)
    good = 0
    for x in draws:
        s = np.sort(masks @ x)
        gaps_ok = not np.any((s[:-1] + eps < s[1:] - eps) & (s[:-1] + eps < 1.0) & (s[1:] - eps > -1.0))
        good += bool(s[0] <= -1.0 + eps and s[-1] >= 1.0 - eps and gaps_ok)
    return good


@benchmark("subset-sum-goodness", simulator="numba sorted merge of subset sums (kernels.count_good)",
           reference="numpy 0/1 matrix product, sort and vectorised gap test")
def bench_subset_sum_goodness(quick):
    n, samples = 12, 200 if quick else 1000
    draws = kernels.sample(np.random.default_rng(0), samples, n)
    fast = lambda: kernels.count_good(draws, 0.05)  # noqa: E731
    ref = lambda: count_good_numpy(draws, 0.05)  # noqa: E731
    return timing(fast, ref, f"eps-goodness (eps = 0.05) of {samples} samples of n = {n}",
                  fast() == ref())
