"""Simulators of the generalization checks: Monte Carlo samplers built on ``kernels`` (Numba) and
NumPy, each chunk with its own SFC64 stream (results independent of the thread count)."""
from __future__ import annotations

import math

import numpy as np

from .._parallel import map_chunks
from .._stats import Estimate, mean
from .kernels import (halfplane_count, hebbian_ramp_kernel, interval_union_count, min_errors_kernel, relu_sup_2d,
                      relu_sup_l1_2d, threshold_erm_kernel)


# ----------------------------------------------------------------- Rademacher, linear classes
def rademacher_linear_samples(n: int, d: int, datasets: int, signs: int, norm: str, seed, chunk: int = 256):
    """Per-dataset Monte Carlo estimates of the empirical Rademacher complexity (B = 1).

    Each dataset X (n x d, i.i.d. N(0,1)) gets ``signs`` independent sign vectors; the
    supremum over the unit ball is ||X^T sigma||_2 / n (l2) or ||X^T sigma||_inf / n (l1).
    Returns an array (datasets,) of per-dataset averages, plus the per-dataset Jensen/Massart
    bounds in a second array (sqrt(sum ||x_i||^2)/n, resp. max_j ||x_.j|| sqrt(2 ln 2d)/n).
    """
    def work(gen, size):
        X = gen.standard_normal((size, n, d))
        S = gen.integers(0, 2, size=(size, signs, n)).astype(np.float64) * 2.0 - 1.0
        V = np.matmul(S, X)  # (size, signs, d)
        if norm == "l2":
            sup = np.sqrt((V * V).sum(axis=2)) / n
            bound = np.sqrt((X * X).sum(axis=(1, 2))) / n
        else:
            sup = np.abs(V).max(axis=2) / n
            bound = np.sqrt((X * X).sum(axis=1)).max(axis=1) * math.sqrt(2 * math.log(2 * d)) / n
        return sup.mean(axis=1), bound

    parts = map_chunks(work, datasets, chunk, seed)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


# ----------------------------------------------------------------- ERM over random classifiers
def erm_min_errors(n: int, n_classifiers: int, trials: int, seed, chunk: int = 64) -> np.ndarray:
    """For each trial: random labels on n points, N random classifiers (independent fair bits
    on the sample), the empirical risk minimiser's error count."""
    words = (n + 63) // 64

    def work(gen, size):
        labels = gen.integers(0, 2**64, size=(size, words), dtype=np.uint64, endpoint=False)
        preds = gen.integers(0, 2**64, size=(size, n_classifiers, words), dtype=np.uint64, endpoint=False)
        return min_errors_kernel(labels, preds, n)

    return np.concatenate(map_chunks(work, trials, chunk, seed))


# ----------------------------------------------------------------- Rademacher, two-layer ReLU networks
def rademacher_relu_two_layer(X, n_signs: int, seed, frobenius=(1.0, 1.0)):
    """Empirical Rademacher complexity of {x -> w2 . relu(W1 x) : ||W1||_F <= M1, ||w2|| <= M2}
    (any width >= 1, no biases) on fixed 2-D data X, by Monte Carlo over sign vectors with the
    supremum computed exactly: by Cauchy-Schwarz the supremum puts all weight on one hidden
    unit, sup = M1 M2 max_{||u||=1} |sum_i sigma_i relu(<u, x_i>)| / n. Returns an Estimate."""
    n = X.shape[0]
    gen = np.random.Generator(np.random.SFC64(np.random.SeedSequence(seed)))
    signs = gen.integers(0, 2, size=(n_signs, n)).astype(np.float64) * 2 - 1
    sups = relu_sup_2d(np.ascontiguousarray(X, dtype=np.float64), signs) * frobenius[0] * frobenius[1] / n
    return mean(sups)


def relu_rademacher_circle_samples(n: int, datasets: int, signs: int, seed, ball: str = "l2",
                                   chunk: int = 50) -> np.ndarray:
    """Per-dataset Monte Carlo estimates of (1/n) E_sigma max_{||u|| = 1} |sum_i sigma_i relu(<u, x_i>)|
    for n inputs uniform on the unit circle (max ||x_i||_2 = 1, max ||x_i||_inf <= 1, ||X||_2 = sqrt n),
    each with ``signs`` sign vectors; the maximum over the l2 (``ball="l2"``) or l1 unit sphere is
    exact (``relu_sup_2d``, ``relu_sup_l1_2d``). It is the empirical Rademacher complexity of
    two-layer bias-free ReLU networks with ||W1||_F, ||w2|| <= 1 (l2), of those with l1 path norm
    <= 1 (l1), and of those with spectral norms s_1 = b_1 = s_2 = 1 (l2; see _spectral_grid)."""
    sup = relu_sup_2d if ball == "l2" else relu_sup_l1_2d

    def work(gen, size):
        out = np.empty(size)
        for t in range(size):
            th = gen.uniform(0, 2 * np.pi, n)
            X = np.ascontiguousarray(np.stack([np.cos(th), np.sin(th)], axis=1))
            S = gen.integers(0, 2, size=(signs, n)).astype(np.float64) * 2 - 1
            out[t] = sup(X, S).mean() / n
        return out

    return np.concatenate(map_chunks(work, datasets, chunk, seed))


# ----------------------------------------------------------------- thresholds, Hebbian learner
def threshold_erm_errors(n: int, trials: int, seed, chunk: int = 256) -> np.ndarray:
    """ERM error counts of thresholds on n inputs uniform on [0, 1] with fair random labels."""
    def work(gen, size):
        x = gen.random((size, n))
        positive = gen.integers(0, 2, size=(size, n), dtype=np.int8)
        return threshold_erm_kernel(x, positive)

    return np.concatenate(map_chunks(work, trials, chunk, seed))


def hebbian_ramp_risks(n: int, d: int, gamma: float, trials: int, seed, chunk: int = 16) -> np.ndarray:
    """Empirical ramp losses of the Hebbian learner on n random labels, inputs uniform on S^{d-1}."""
    def work(gen, size):
        g = gen.standard_normal((size, n, d))
        positive = gen.integers(0, 2, size=(size, n), dtype=np.int8)
        return hebbian_ramp_kernel(g, positive, gamma)

    return np.concatenate(map_chunks(work, trials, chunk, seed))


# ----------------------------------------------------------------- growth functions
def interval_union_counts(n: int, k: int, draws: int, seed) -> np.ndarray:
    """Labellings of n uniform random points by unions of <= k intervals, one count per draw."""
    def work(gen, size):
        return np.array([interval_union_count(gen.uniform(0.0, 1.0, n), k) for _ in range(size)], dtype=np.int64)

    return np.concatenate(map_chunks(work, draws, 4, seed))


def halfplane_counts(n: int, draws: int, seed) -> np.ndarray:
    """Labellings of n standard Gaussian points in R^2 by halfplanes, one count per draw."""
    def work(gen, size):
        return np.array([halfplane_count(gen.standard_normal((n, 2))) for _ in range(size)], dtype=np.int64)

    return np.concatenate(map_chunks(work, draws, 4, seed))


def exact_if_constant(counts) -> Estimate:
    """The common count of all draws, exact (stderr 0); NaN (fails every rule) if draws differ."""
    counts = np.asarray(counts)
    value = float(counts[0]) if (counts == counts[0]).all() else math.nan
    return Estimate(value, 0.0, int(counts.size))

