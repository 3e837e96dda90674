"""Centre-correlation correction (Cohen, Chung, Lee & Sompolinsky 2020, Nat. Commun. 11:746, Methods):
before the anchor-point analysis, project out of the data the K-dimensional subspace of the manifold
centres along which they are correlated, K chosen to minimise the residual centre correlations.

As in the reference implementation (schung039/neural_manifolds_replicaMFT, ``fun_FA``; read, not
copied), the mean-removed centres are written in a (P-1)-dimensional basis X, and for K = 1, 2, ...
an orthonormal V (P-1 x K) minimises the sum of squared correlation coefficients of the residual
centres, f(V) = 1/2 sum_{m,n} G_mn^2/(G_mm G_nn), G = X X^T - (X V)(X V)^T; the K with the least mean
absolute residual correlation is kept (the search stops after three successive increases). The
reference solves each K by conjugate gradients on the Stiefel manifold (pymanopt); here: Riemannian
gradient descent with Armijo backtracking and a QR retraction, with the analytic gradient
df/dV = -2 X^T B X V, B = G/(d d^T) - diag(sum_n G_mn^2/(d_m^2 d_n)), d = diag G (derived here,
tested against finite differences), from three seeded starts per K (lowest cost kept).
"""
from __future__ import annotations

import numpy as np


def cost_and_gradient(V: np.ndarray, X: np.ndarray) -> tuple[float, np.ndarray]:
    c = X @ V
    G = X @ X.T - c @ c.T
    d = np.diag(G).copy()
    dd = np.outer(d, d)
    f = 0.5 * float((G * G / dd).sum())
    A = G / dd
    b = (G * G / dd).sum(axis=1) / d
    B = A - np.diag(b)
    return f, -2.0 * X.T @ (B @ c)


def _retract(V):
    q, r = np.linalg.qr(V)
    return q * np.sign(np.sign(np.diag(r)) + 0.5)


def optimise(V: np.ndarray, X: np.ndarray, iters: int = 300, tol: float = 1e-10) -> tuple[np.ndarray, float]:
    f, g = cost_and_gradient(V, X)
    step = 1.0
    for _ in range(iters):
        rg = g - V @ (0.5 * (V.T @ g + g.T @ V))  # Riemannian gradient on the Stiefel manifold
        n2 = float((rg * rg).sum())
        if n2 < tol * max(1.0, f):
            break
        while step > 1e-14:
            Vn = _retract(V - step * rg)
            fn, gn = cost_and_gradient(Vn, X)
            if fn <= f - 1e-4 * step * n2:
                break
            step /= 2
        else:
            break
        V, f, g = Vn, fn, gn
        step *= 2
    return V, f


def residual_correlation(X: np.ndarray, V: np.ndarray | None) -> float:
    R = X if V is None else X - (X @ V) @ V.T
    n = np.linalg.norm(R, axis=1)
    C = (R @ R.T) / np.outer(n, n)
    P = len(X)
    return float((np.abs(C).sum() - P) / (P * (P - 1)))


def center_subspace(centres: np.ndarray, seed=0, starts: int = 3) -> tuple[np.ndarray, int, float, float]:
    """(basis (N x K) of the centre-correlation subspace, K, residual correlation before, after)."""
    P = centres.shape[0]
    Xb = centres - centres.mean(axis=0)
    q, _ = np.linalg.qr(Xb.T)
    q = q[:, :P - 1]
    X = Xb @ q
    before = residual_correlation(X, None)
    sv = np.linalg.svd(Xb, compute_uv=False)
    share = np.cumsum(sv ** 2) / (sv ** 2).sum()
    kmax = min(P - 2, int(np.searchsorted(share, 0.95)) + 11)
    g = np.random.Generator(np.random.SFC64(np.random.SeedSequence(seed).spawn(1)[0]))
    results, V = [], None
    for K in range(1, kmax + 1):
        cand = []
        for _ in range(starts):
            s = g.standard_normal((1, P)) @ X
            V0 = s.T if V is None else np.hstack([s.T, V])
            Vk, f = optimise(_retract(V0), X)
            cand.append((f, Vk))
        f, V = min(cand, key=lambda t: t[0])
        res = residual_correlation(X, V)
        results.append((res, K, V))
        if len(results) >= 4 and all(results[-i][0] > results[-i - 1][0] for i in (1, 2, 3)):
            break
    res, K, V = min(results, key=lambda t: t[0])
    if res >= before:  # no subspace reduces the correlations: nothing to remove
        return np.zeros((centres.shape[1], 0)), 0, before, before
    return q @ V, K, before, res
