"""Benchmarks: the Gray-code enumeration of binary perceptron solutions (and their pair
histogram) against a NumPy reference that builds all 2^N weight vectors as a matrix; and the
Numba critical-point Newton step against NumPy on the same polynomial."""
from __future__ import annotations

import numpy as np

from .._bench import benchmark, timing
from . import kernels


@benchmark("perceptron-pair-enumeration", simulator="numba Gray-code enumeration (kernels.pair_histograms)",
           reference="numpy: all 2^N sign vectors as a matrix, one product with the patterns, pairwise distances")
def bench_pair_enumeration(quick):
    N, P, rows = (12, 6, 10) if quick else (15, 8, 10)
    xis, ys = kernels.draw_perceptron(np.random.default_rng(0), rows, P, N)
    fast = lambda: kernels.pair_histograms(xis, ys)  # noqa: E731
    ref = lambda: np.array([kernels.pair_histogram_reference(xi, y) for xi, y in zip(xis, ys)])  # noqa: E731
    return timing(fast, ref,
                  f"pair histograms of {rows} instances, N = {N}, P = {P} (2^N = {2**N} weight vectors each)",
                  bool(np.array_equal(fast(), ref())))


def critical_points_numpy(coef: np.ndarray, expo: np.ndarray, starts: np.ndarray, iterations: int = 60):
    """NumPy reference for the Newton search: the same iteration vectorised over starts (all starts
    at once, np.linalg.solve on the stacked bordered systems); returns the distinct converged points."""
    M, N = expo.shape
    x = starts / np.linalg.norm(starts, axis=1, keepdims=True)
    for _ in range(iterations):
        powers = x[:, None, :] ** expo[None, :, :]  # (S, M, N)
        mono = coef[None, :] * np.prod(powers, axis=2)  # (S, M)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(expo[None] > 0, expo[None] / np.where(x[:, None, :] == 0, 1.0, x[:, None, :]), 0.0)
        grad = np.einsum("sm,smi->si", mono, ratio)
        second = ratio[:, :, :, None] * ratio[:, :, None, :]
        diag = np.where(expo[None] > 0, expo[None] / np.where(x[:, None, :] == 0, 1.0, x[:, None, :]) ** 2, 0.0)
        second -= np.einsum("smi,ij->smij", diag, np.eye(N))
        hess = np.einsum("sm,smij->sij", mono, second)
        mu = np.sum(x * grad, axis=1)
        J = np.zeros((len(x), N + 1, N + 1))
        J[:, :N, :N] = hess - mu[:, None, None] * np.eye(N)
        J[:, :N, N] = -x
        J[:, N, :N] = x
        rhs = -np.concatenate([grad - mu[:, None] * x, np.zeros((len(x), 1))], axis=1)
        step = np.linalg.solve(J, rhs[..., None])[..., 0][:, :N]
        length = np.linalg.norm(step, axis=1, keepdims=True)
        x = x + np.where(length < 0.5, step, 0.5 * step / np.maximum(length, 1e-300))
        x /= np.linalg.norm(x, axis=1, keepdims=True)
    residual = np.linalg.norm(grad - mu[:, None] * x, axis=1)  # at the last iterate but one
    x = x[residual < 1e-8]
    points = []
    for y in np.concatenate([x, -x]):
        if not any(np.linalg.norm(y - q) < 1e-7 for q in points):
            points.append(y)
    return np.array(points)


@benchmark("pspin-critical-points", simulator="numba Newton from many starts with deduplication "
                                              "(kernels.all_critical_points)",
           reference="numpy Newton vectorised over the same number of starts (critical_points_numpy)")
def bench_critical_points(quick):
    N, p = 4, 3
    expo, mult = kernels.monomials(N, p)
    gen = np.random.default_rng(1)
    coef = kernels.draw_coefficients(gen, 1, mult)[0]
    fast = lambda: kernels.all_critical_points(coef, expo, p, 7, 40, 4000, 60)  # noqa: E731
    points, _, used, _ = fast()
    starts = gen.standard_normal((used, N))  # the same number of Newton starts as the Numba search used
    ref = lambda: critical_points_numpy(coef, expo, starts)  # noqa: E731
    found = ref()
    same = len(found) == len(points) and all(np.min(np.linalg.norm(points - q, axis=1)) < 1e-6 for q in found)
    return timing(fast, ref,
                  f"all critical points of one N = {N}, p = {p} Hamiltonian ({len(points)} points, {used} starts)",
                  bool(same))
