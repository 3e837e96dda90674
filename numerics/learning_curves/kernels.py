"""Simulators of learning curves: least squares (minimum-norm, ridge), random-features ridge regression
and ridgeless regression / random projections on a power-law spectrum.

Most of the work is LAPACK (batched solves, QR) and BLAS (Gram matrices), called from NumPy with
one BLAS thread (``one_blas_thread``): the matrices are small and the chunks already run on a
thread pool. The one Numba kernel is the ReLU arc-cosine kernel matrix, the exact test-input
expectation U_ab = E_x relu(u_a) relu(u_b) used by the random-features simulator.

Every simulator takes a ``numpy.random.Generator`` and a number of repetitions and returns one
risk per repetition, each an unbiased draw of the expected risk the quantities describe.
"""
from __future__ import annotations

import math
from contextlib import contextmanager

import numpy as np
from numba import njit


@contextmanager
def one_blas_thread():
    """BLAS/LAPACK single-threaded inside the block (threadpoolctl), where available."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - the dependency is declared
        yield
        return
    with threadpool_limits(1):
        yield


@njit(cache=True, nogil=True)
def relu_arccos(gram: np.ndarray) -> np.ndarray:
    """U = E[relu(u_a) relu(u_b)] for (u_a, u_b) standard Gaussians with correlation gram[a, b]
    (clipped to [-1, 1]): (sqrt(1 - r^2) + r (pi - arccos r)) / (2 pi) (Cho & Saul 2009, arc-cosine
    kernel of degree 1)."""
    n, m = gram.shape
    out = np.empty((n, m))
    for i in range(n):
        for j in range(m):
            r = min(1.0, max(-1.0, gram[i, j]))
            out[i, j] = (math.sqrt(1.0 - r * r) + r * (math.pi - math.acos(r))) / (2.0 * math.pi)
    return out


def relu_arccos_numpy(gram: np.ndarray) -> np.ndarray:
    """NumPy reference of :func:`relu_arccos`."""
    r = np.clip(gram, -1.0, 1.0)
    return (np.sqrt(1.0 - r * r) + r * (np.pi - np.arccos(r))) / (2.0 * np.pi)


def _direction(gen: np.random.Generator, reps: int, p: int) -> np.ndarray:
    b = gen.standard_normal((reps, p))
    return b / np.linalg.norm(b, axis=1, keepdims=True)


def min_norm_risks(gen: np.random.Generator, reps: int, n: int, p: int, signal: float, noise: float) -> np.ndarray:
    """|beta_hat - beta|^2 of minimum-norm least squares, X (n x p) i.i.d. N(0, 1), |beta|^2 = signal
    along a uniformly random direction, eps ~ N(0, noise); one value per repetition."""
    X = gen.standard_normal((reps, n, p))
    beta = math.sqrt(signal) * _direction(gen, reps, p)
    y = np.einsum("rnp,rp->rn", X, beta) + math.sqrt(noise) * gen.standard_normal((reps, n))
    Xt = np.transpose(X, (0, 2, 1))
    with one_blas_thread():
        if p < n:
            est = np.linalg.solve(Xt @ X, (Xt @ y[..., None]))[..., 0]
        else:
            est = (Xt @ np.linalg.solve(X @ Xt, y[..., None]))[..., 0]
    return np.sum((est - beta) ** 2, axis=1)


def ridge_risks(gen: np.random.Generator, reps: int, n: int, p: int, signal: float, noise: float,
                ridge: float) -> np.ndarray:
    """|beta_hat - beta|^2 of ridge, beta_hat = (X^T X/n + ridge I)^(-1) X^T y/n, same model as
    :func:`min_norm_risks`, with the label noise and the direction of beta averaged exactly: the
    conditional risk given X is (signal/p) |S - I|_F^2 + (noise/n) tr(S H^(-1)) with
    H = X^T X/n + ridge I, S = H^(-1) X^T X/n."""
    out = np.empty(reps)
    eye = np.eye(p)
    with one_blas_thread():
        for r in range(reps):
            X = gen.standard_normal((n, p))
            C = X.T @ X / n
            Hinv = np.linalg.inv(C + ridge * eye)
            S = Hinv @ C
            out[r] = signal / p * np.sum((S - eye) ** 2) + noise / n * np.sum(S * Hinv.T)
    return out


def sphere_rows(gen: np.random.Generator, k: int, d: int) -> np.ndarray:
    """k points uniform on the sphere of radius sqrt(d) in R^d."""
    g = gen.standard_normal((k, d))
    return g * (math.sqrt(d) / np.linalg.norm(g, axis=1))[:, None]


def random_features_risks(gen: np.random.Generator, reps: int, d: int, features: int, samples: int,
                          ridge: float, signal: float, noise: float) -> np.ndarray:
    """Test error of ReLU random-features ridge regression (penalty (N ridge/d)|a|^2 against the mean
    squared error), averaged exactly over the test input, the label noise and the direction of the
    linear target beta (|beta|^2 = signal): one value per draw of (X, Theta).

    theta_a uniform on the sphere of radius sqrt d; inputs x ~ N(0, I_d) (train and test), so that
    E_x[relu(theta_a.x/sqrt d) x] = theta_a/(2 sqrt d) and E_x[relu relu] is the arc-cosine kernel
    of Theta Theta^T/d, exactly. With A = (Z^T Z/n + (N ridge/d) I)^(-1) Z^T/n, the conditional
    risk is signal (1 - 2 tr(C^T A X)/d + tr((A X)^T U (A X))/d) + noise tr(A^T U A).
    """
    N, n = features, samples
    out = np.empty(reps)
    with one_blas_thread():
        for r in range(reps):
            theta = sphere_rows(gen, N, d)
            X = gen.standard_normal((n, d))
            Z = np.maximum(X @ theta.T / math.sqrt(d), 0.0)
            H = Z.T @ Z / n + (N * ridge / d) * np.eye(N)
            A = np.linalg.solve(H, Z.T / n)  # N x n
            AX = A @ X  # N x d
            U = relu_arccos(theta @ theta.T / d)
            C = theta / (2.0 * math.sqrt(d))
            lin = 1.0 - 2.0 * np.sum(C * AX) / d + np.sum(AX * (U @ AX)) / d
            out[r] = signal * lin + noise * np.sum(A * (U @ A))
    return out


def spectrum(alpha: float, modes: int) -> np.ndarray:
    return np.arange(1, modes + 1, dtype=np.float64) ** (-(1.0 + alpha))


def ridgeless_power_law_risks(gen: np.random.Generator, reps: int, samples: int, alpha: float,
                              modes: int) -> np.ndarray:
    """Risk of minimum-norm regression on P samples x ~ N(0, diag(lambda)), teacher w_k = +-1, averaged
    exactly over the teacher's signs: tr(Sigma) - tr((X X^T)^(-1) X Sigma X^T) (the residual of
    projecting w on the row space of X, in the Sigma norm). By the sign symmetry of the design this
    is also the expected risk of any fixed teacher with |w_k| = 1."""
    lam = spectrum(alpha, modes)
    root = np.sqrt(lam)
    out = np.empty(reps)
    with one_blas_thread():
        for r in range(reps):
            X = gen.standard_normal((samples, modes)) * root
            G = X @ X.T
            K = (X * lam) @ X.T
            out[r] = lam.sum() - np.trace(np.linalg.solve(G, K))
    return out


def projection_power_law_risks(gen: np.random.Generator, reps: int, features: int, alpha: float,
                               modes: int) -> np.ndarray:
    """Risk of the best linear predictor on N Gaussian projections F x with unlimited data, teacher signs
    averaged: tr((I - Q) Sigma), Q the orthogonal projection on the span of the columns of
    G = Sigma^(1/2) F^T, so tr(Q Sigma) = tr((G^T G)^(-1) G^T Sigma G)."""
    lam = spectrum(alpha, modes)
    root = np.sqrt(lam)
    out = np.empty(reps)
    with one_blas_thread():
        for r in range(reps):
            G = gen.standard_normal((modes, features)) * root[:, None]
            out[r] = lam.sum() - np.trace(np.linalg.solve(G.T @ G, (G.T * lam) @ G))
    return out


def joint_risk(A: np.ndarray, G: np.ndarray, lam: np.ndarray) -> float:
    """Teacher-sign-averaged risk of minimum-norm regression on the features z = G x of the samples
    x_i = Sigma^(1/2) a_i (rows of A: P x M, rows of G: N x M, both i.i.d. N(0, 1); Sigma = diag(lam)).

    With Z = A Sigma^(1/2) G^T (P x N) and the estimate beta_hat = G^T Z^+ X w, the risk averaged over
    w_k = +-1 is |Sigma^(1/2) - S|_F^2, S = Sigma^(1/2) G^T Z^+ A Sigma^(1/2), i.e.
    tr Sigma - 2 tr(Z^+ A Sigma^(3/2) G^T) + tr(Z^+T (G Sigma G^T) Z^+ (A Sigma A^T)). The expression is
    symmetric under A <-> G (its transpose), so the rows are swapped to make Z tall (P >= N) and Z^+
    is the least-squares (Z^T Z)^(-1) Z^T (Z has full column rank almost surely when N <= M)."""
    if A.shape[0] < G.shape[0]:
        A, G = G, A
    root = np.sqrt(lam)
    Z = (A * root) @ G.T
    Zp = np.linalg.solve(Z.T @ Z, Z.T)  # N x P
    W = (A * (lam * root)) @ G.T
    CG = (G * lam) @ G.T
    AZ = A.T @ Zp.T  # M x N: A^T Z^+T
    return float(lam.sum() - 2.0 * np.sum(Zp * W.T) + np.sum(CG * ((AZ.T * lam) @ AZ)))


def joint_power_law_risks(gen: np.random.Generator, reps: int, samples: int, features: int, alpha: float,
                          modes: int) -> np.ndarray:
    """Risk of minimum-norm regression on N Gaussian random projections F x of P samples x ~ N(0, diag(lambda))
    (teacher w_k = +-1, signs averaged exactly; :func:`joint_risk`), one value per draw of (X, F)."""
    lam = spectrum(alpha, modes)
    out = np.empty(reps)
    with one_blas_thread():
        for r in range(reps):
            out[r] = joint_risk(gen.standard_normal((samples, modes)), gen.standard_normal((features, modes)), lam)
    return out
