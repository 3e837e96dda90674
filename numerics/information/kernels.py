"""Numba kernels and their helpers for the information checks (one module, for Numba's cache).

- ``ib_information_at``: for linear-Gaussian encoders T = c A X + xi given by the spectra of
  their whitened signal covariances, the scale c with I(T;X) equal to a target and I(T;Y) there;
- ``mixture_log_ratio_sums``: unbiased Monte Carlo of I(X;T) for X uniform on K centres and
  T = mu_X + s Z, with the exact log mixture density (stratified over the centres);
- covariance instances with prescribed Gaussian-IB eigenvalues, random encoders and the exact
  log-det informations (NumPy, batched).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _half_log_sum(values, scale):
    total = 0.0
    for v in values:
        total += math.log1p(scale * v)
    return 0.5 * total


@njit(cache=True, nogil=True)
def ib_information_at(mu, nu, target):
    """For each encoder e: the scale c >= 0 with (1/2) sum_j ln(1 + c mu[e, j]) = target, and
    I(T;Y) = that minus (1/2) sum_j ln(1 + c nu[e, j]) (-inf where the target is unreachable).

    mu are the eigenvalues of Sigma_xi^{-1/2} A Sigma_x A^T Sigma_xi^{-1/2} and nu those with
    Sigma_x|y, so that I(T;X) = (1/2) ln det(I + c K_x) and I(T;Y) = I(T;X) - (1/2) ln det(I + c K_x|y)
    for T = sqrt(c) A X + xi. Bisection on ln c in [-80, 80] (I(T;X) increases with c), 64 steps:
    the bracket is then 160/2^64 ~ 1e-17 wide, below double rounding of ln c.
    """
    out = np.empty(mu.shape[0])
    for e in range(mu.shape[0]):
        lo, hi = -80.0, 80.0
        if _half_log_sum(mu[e], math.exp(hi)) < target:
            out[e] = -np.inf
            continue
        for _ in range(64):
            mid = 0.5 * (lo + hi)
            if _half_log_sum(mu[e], math.exp(mid)) < target:
                lo = mid
            else:
                hi = mid
        c = math.exp(0.5 * (lo + hi))
        out[e] = _half_log_sum(mu[e], c) - _half_log_sum(nu[e], c)
    return out


def mixture_log_ratio_sums(centers, noise, z):
    """Per centre i: sum and sum of squares over samples m of g = ln p(t|i) - ln p(t), t = mu_i + s z[i, m].

    ln p(t|i) - ln p(t) = -|z|^2/2 - ln[(1/K) sum_j exp(-|t - mu_j|^2/(2 s^2))] exactly (the
    Gaussian normalisations cancel); the log-sum-exp is stabilised by its largest term. This is
    ``noisy_layer_sums`` with one label for all centres (its I(T;Y) columns are then zero).
    """
    K = centers.shape[0]
    out = noisy_layer_sums(centers, np.zeros(K, dtype=np.int64), np.array([K], dtype=np.int64), noise, z)
    return out[:, 0].copy(), out[:, 1].copy()


def mixture_log_ratio_numpy(centers: np.ndarray, noise: float, z: np.ndarray) -> np.ndarray:
    """Reference: the same per-sample log ratios, vectorised in NumPy (K x m array)."""
    t = centers[:, None, :] + noise * z  # K x m x k
    d2 = ((t[:, :, None, :] - centers[None, None, :, :]) ** 2).sum(-1)  # K x m x K
    expo = -d2 / (2 * noise * noise)
    top = expo.max(-1)
    log_mix = top + np.log(np.exp(expo - top[..., None]).mean(-1))
    return -0.5 * (z * z).sum(-1) - log_mix


# ----------------------------------------------------------------------------- Gaussian IB helpers
def random_rotation(gen: np.random.Generator, d: int) -> np.ndarray:
    q, r = np.linalg.qr(gen.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


def ib_instance(gen: np.random.Generator, eigenvalues, extra: int = 1):
    """(cov_x, cov_xy, cov_y) of a random jointly Gaussian (X, Y) whose Sigma_x|y Sigma_x^{-1} has
    the given eigenvalues plus ``extra`` eigenvalues 1 (directions of X independent of Y).

    Canonical pair: X' ~ N(0, I_d), Y' ~ N(0, I_m), Cov(X'_i, Y'_i) = rho_i = sqrt(1 - lambda_i);
    X = M X', Y = N Y' with M, N random rotations times log-uniform scales in [1/2, 2].
    """
    lam = np.concatenate([np.asarray(eigenvalues, dtype=np.float64), np.ones(extra)])
    d = len(lam)
    m = max(int(np.sum(lam < 1.0)), 1)
    rho = np.sqrt(1.0 - lam)
    cross = np.zeros((d, m))
    for i, r in enumerate(rho[:m]):
        cross[i, i] = r
    M = random_rotation(gen, d) * np.exp(gen.uniform(np.log(0.5), np.log(2.0), d))
    N = random_rotation(gen, m) * np.exp(gen.uniform(np.log(0.5), np.log(2.0), m))
    return M @ M.T, M @ cross @ N.T, N @ N.T


def conditional_cov(cov_x, cov_xy, cov_y):
    return cov_x - cov_xy @ np.linalg.solve(cov_y, cov_xy.T)


def encoder_informations(A, noise_cov, cov_x, cov_x_y) -> tuple[float, float]:
    """Exact (I(T;X), I(T;Y)) of T = A X + xi, xi ~ N(0, noise_cov), by log-determinants."""
    signal = A @ cov_x @ A.T + noise_cov
    residual = A @ cov_x_y @ A.T + noise_cov
    ld_t = np.linalg.slogdet(signal)[1]
    return 0.5 * (ld_t - np.linalg.slogdet(noise_cov)[1]), 0.5 * (ld_t - np.linalg.slogdet(residual)[1])


def whitened_spectra(A, noise_cov, cov_x, cov_x_y):
    """Batched eigenvalues of L^-1 A Sigma A^T L^-T (L L^T = noise_cov) for Sigma_x and Sigma_x|y.
    A: (E, k, d), noise_cov: (E, k, k)."""
    L = np.linalg.cholesky(noise_cov)
    B = np.linalg.solve(L, A)  # L^-1 A
    kx = B @ cov_x @ np.swapaxes(B, 1, 2)
    ky = B @ cov_x_y @ np.swapaxes(B, 1, 2)
    return np.clip(np.linalg.eigvalsh(kx), 0.0, None), np.clip(np.linalg.eigvalsh(ky), 0.0, None)


def random_encoders(gen: np.random.Generator, size: int, k: int, d: int, optimal: np.ndarray | None):
    """``size`` encoders with k rows: half i.i.d. Gaussian A, half (if ``optimal`` is given, its
    active rows padded to k) the optimal A plus eps G with eps log-uniform in [1e-4, 1];
    noise covariances s^2 (B B^T/k + delta I), s log-uniform in [0.1, 10], delta in [0.01, 1]
    (white, s^2 I, for the perturbed optima)."""
    A = gen.standard_normal((size, k, d))
    if optimal is not None and len(optimal) <= k:
        half = size // 2
        base = np.zeros((k, d))
        base[:len(optimal)] = optimal
        eps = np.exp(gen.uniform(np.log(1e-4), 0.0, half))[:, None, None]
        A[:half] = base + eps * A[:half] * np.linalg.norm(optimal) / math.sqrt(k * d)
    B = gen.standard_normal((size, k, k))
    s = np.exp(gen.uniform(np.log(0.1), np.log(10.0), size))[:, None, None]
    delta = gen.uniform(0.01, 1.0, size)[:, None, None]
    noise = s**2 * (B @ np.swapaxes(B, 1, 2) / k + delta * np.eye(k))
    if optimal is not None and len(optimal) <= k:
        noise[:size // 2] = s[:size // 2] ** 2 * np.eye(k)  # the optimum is stated for white noise
    return A, noise


@njit(cache=True, nogil=True)
def noisy_layer_sums(centers, labels, counts, noise, z):
    """For the noisy layer T = mu_X + s Z with X uniform on the K centres and a binary label per
    centre: per centre i, sums over draws of g_x = ln p(t|i) - ln p(t) and g_y = ln p(t|y_i) - ln p(t),
    and of their squares (columns 0-3). ``counts[c]`` = number of centres with label c; the Gaussian
    normalisations cancel in both ratios."""
    K, k = centers.shape
    m = z.shape[1]
    out = np.zeros((K, 4))
    expo = np.empty(K)
    t = np.empty(k)
    inv = 1.0 / (2.0 * noise * noise)
    for i in range(K):
        for r in range(m):
            zz = 0.0
            for d in range(k):
                t[d] = centers[i, d] + noise * z[i, r, d]
                zz += z[i, r, d] * z[i, r, d]
            top = -np.inf
            for j in range(K):
                dist = 0.0
                for d in range(k):
                    diff = t[d] - centers[j, d]
                    dist += diff * diff
                expo[j] = -dist * inv
                if expo[j] > top:
                    top = expo[j]
            acc = 0.0
            acc_y = 0.0
            for j in range(K):
                e = math.exp(expo[j] - top)
                acc += e
                if labels[j] == labels[i]:
                    acc_y += e
            log_p = top + math.log(acc / K)
            log_py = top + math.log(acc_y / counts[labels[i]])
            gx = -0.5 * zz - log_p
            gy = log_py - log_p
            out[i, 0] += gx
            out[i, 1] += gx * gx
            out[i, 2] += gy
            out[i, 3] += gy * gy
    return out
