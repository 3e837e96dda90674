"""Numba kernels for random subset sum: all 2^n subset sums in sorted order (by merging), the
eps-goodness of a sample on [-1, 1] and its endpoint condition, and Monte Carlo counts over a
generator's draws (one SFC64 stream per chunk, see ``numerics._parallel``)."""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def sorted_subset_sums(x):
    """The 2^n subset sums of x in increasing order: merge L with L + x_i for each i (O(2^n))."""
    n = x.shape[0]
    sums = np.zeros(1 << n)
    other = np.empty(1 << n)
    size = 1
    for i in range(n):
        a, b, k = 0, 0, 0
        while a < size or b < size:
            if b >= size or (a < size and sums[a] <= sums[b] + x[i]):
                other[k] = sums[a]
                a += 1
            else:
                other[k] = sums[b] + x[i]
                b += 1
            k += 1
        size *= 2
        sums, other = other, sums
    return sums[:size]


@njit(cache=True, nogil=True)
def is_good(x, eps):
    """True when every z in [-1, 1] is within eps of a subset sum of x."""
    if not reaches_endpoints(x, eps):
        return False
    s = sorted_subset_sums(x)
    if s[0] > -1.0 + eps or s[-1] < 1.0 - eps:
        return False
    for i in range(s.shape[0] - 1):
        lo, hi = s[i] + eps, s[i + 1] - eps  # the gap (lo, hi) is uncovered when lo < hi
        if lo < hi and lo < 1.0 and hi > -1.0:
            return False
    return True


@njit(cache=True, nogil=True)
def reaches_endpoints(x, eps):
    """True when some subset sum is >= 1 - eps and some is <= -(1 - eps)."""
    pos, neg = 0.0, 0.0
    for v in x:
        if v > 0:
            pos += v
        else:
            neg += v
    return pos >= 1.0 - eps and neg <= -(1.0 - eps)


@njit(cache=True, nogil=True)
def count_good(draws, eps):
    """Number of eps-good rows of ``draws``."""
    good = 0
    for r in range(draws.shape[0]):
        good += is_good(draws[r], eps)
    return good


@njit(cache=True, nogil=True)
def count_endpoints(draws, eps):
    """Number of rows of ``draws`` with subset sums reaching both 1 - eps and -(1 - eps)."""
    ends = 0
    for r in range(draws.shape[0]):
        ends += reaches_endpoints(draws[r], eps)
    return ends


def sample(gen: np.random.Generator, size: int, n: int) -> np.ndarray:
    """``size`` rows of n i.i.d. U[-1, 1]."""
    return gen.uniform(-1.0, 1.0, (size, n))


def is_good_reference(x: np.ndarray, eps: float, grid: int = 4001) -> bool:
    """Brute force at tiny n: every subset by itertools, targets on a fine grid of [-1, 1] plus the
    gap midpoints (where coverage fails first), checked by distance."""
    import itertools

    sums = np.array([sum(c) for r in range(len(x) + 1) for c in itertools.combinations(x, r)])
    s = np.sort(sums)
    targets = np.concatenate([np.linspace(-1, 1, grid), np.clip((s[1:] + s[:-1]) / 2, -1, 1)])
    return bool(np.all(np.min(np.abs(targets[:, None] - sums[None, :]), axis=1) <= eps))
