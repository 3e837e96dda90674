"""Numba kernels of the anchor-point method for point-cloud manifolds (Chung, Lee & Sompolinsky 2018).

A manifold is given in its own (D+1)-dimensional frame as M points s~_i = (s_i, 1) (the last
coordinate is the centre direction, normalised to 1). For a Gaussian T in R^{D+1}, the inner
problem of the replica theory is the projection

    F(T) = min_V |V - T|^2  subject to  V . s~_i >= kappa for all i            (PRX 2018, Sec. III A)

Its Lagrangian dual is  min_{lam >= 0} |S^T lam|^2/2 + lam . (S T - kappa 1), S the M x (D+1) matrix
of points; since the centre coordinate of every point is 1, kappa 1 = S (kappa e_c), so the dual is
exactly the non-negative least-squares problem  min_{lam >= 0} |S^T lam - (kappa e_c - T)|^2  and
V = T + S^T lam, F = |S^T lam|^2, the anchor point s~(T) = S^T lam / sum(lam) (a convex combination
of the points, centre coordinate 1). ``nnls`` solves it exactly by the Lawson-Hanson active-set
method (Lawson & Hanson 1974, Solving Least Squares Problems, Ch. 23), at most D+1 passive columns.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _solve_passive(A, b, idx, k):
    """Least squares of b on the k columns A[:, idx[:k]] via the normal equations (Cholesky-free solve)."""
    n = A.shape[0]
    Ap = np.empty((n, k))
    for j in range(k):
        Ap[:, j] = A[:, idx[j]]
    G = Ap.T @ Ap
    r = Ap.T @ b
    return np.linalg.solve(G, r)


@njit(cache=True, nogil=True)
def nnls(A, b, max_iter=500):
    """Lawson-Hanson NNLS: argmin_{x >= 0} |A x - b|. Returns (x, iterations, ok)."""
    n, m = A.shape
    x = np.zeros(m)
    passive = np.zeros(m, dtype=np.bool_)
    idx = np.empty(m, dtype=np.int64)
    scale = 0.0
    for i in range(n):
        for j in range(m):
            scale = max(scale, abs(A[i, j]))
    tol = 1e-12 * max(scale, 1.0) * max(scale, 1.0) * max(1.0, math.sqrt((b * b).sum()))
    r = b - A @ x
    w = A.T @ r
    it = 0
    while it < max_iter:
        j = -1
        best = tol
        for i in range(m):
            if not passive[i] and w[i] > best:
                best = w[i]
                j = i
        if j < 0:
            return x, it, True
        passive[j] = True
        while True:
            it += 1
            if it > max_iter:
                return x, it, False
            k = 0
            for i in range(m):
                if passive[i]:
                    idx[k] = i
                    k += 1
            z = _solve_passive(A, b, idx, k)
            allpos = True
            for q in range(k):
                if z[q] <= 0.0:
                    allpos = False
            if allpos:
                for q in range(k):
                    x[idx[q]] = z[q]
                break
            step = np.inf
            for q in range(k):
                if z[q] <= 0.0:
                    xi = x[idx[q]]
                    s = xi / (xi - z[q])
                    if s < step:
                        step = s
            for q in range(k):
                i = idx[q]
                x[i] += step * (z[q] - x[i])
                if x[i] <= 1e-15 * max(1.0, abs(x[i])):
                    x[i] = 0.0
                    passive[i] = False
        r = b - A @ x
        w = A.T @ r
    return x, it, False


@njit(cache=True, nogil=True)
def anchor_one(ST, t, kappa):
    """Inner problem for one T: returns (F, anchor (D+1), ok). ST = S^T, shape (D+1, M), last row ones."""
    D1, M = ST.shape
    b = -t.copy()
    b[D1 - 1] += kappa
    # interior case first: V = T feasible (every point has V.s~ >= kappa): F = 0, anchor = minimising point
    jmin = 0
    gmin = np.inf
    for i in range(M):
        g = 0.0
        for d in range(D1):
            g += ST[d, i] * t[d]
        if g < gmin:
            gmin = g
            jmin = i
    anchor = np.empty(D1)
    if gmin >= kappa:
        for d in range(D1):
            anchor[d] = ST[d, jmin]
        return 0.0, anchor, True
    lam, _, ok = nnls(ST, b)
    u = ST @ lam
    F = (u * u).sum()
    total = lam.sum()
    for d in range(D1):
        anchor[d] = u[d] / total
    return F, anchor, ok


@njit(cache=True, nogil=True)
def anchor_chunk(ST, T, kappa):
    """Per sample (rows of T): F(T), |s(T)|^2 (the anchor's manifold part), (t . s_hat)^2, fails.

    The last two follow the anchor radius and dimension of PRX 2018, Eqs. (28)-(29) as cited by the
    reference implementation (R_M^2 = <|s|^2>, D_M = <(t . s_hat)^2>, t and s the D manifold
    coordinates; the reference code itself estimates R_M about the mean anchor and D_M as
    D <t_hat . s_hat>^2, variants that agree for balls). Where V = T is feasible (F = 0) the anchor is the
    point minimising T . s~, as in the reference implementation."""
    k, D1 = T.shape
    F = np.empty(k)
    R2 = np.empty(k)
    TS = np.empty(k)
    fails = 0
    for s in range(k):
        f, a, ok = anchor_one(ST, T[s], kappa)
        if not ok:
            fails += 1
        F[s] = f
        n2 = 0.0
        ts = 0.0
        for d in range(D1 - 1):
            n2 += a[d] * a[d]
            ts += T[s, d] * a[d]
        R2[s] = n2
        TS[s] = ts * ts / n2 if n2 > 0 else 0.0
    return F, R2, TS, fails


@njit(cache=True, nogil=True)
def max_margin(Z):
    """Maximal margin of the rows z_i of Z (n, N): kappa* = max_{|w|=1} min_i z_i . w, bracketed.

    The hard-margin problem without bias, min |w| subject to Z w >= 1, is a least-distance program;
    by Lawson & Hanson (1974, Solving Least Squares Problems, Ch. 23, Algorithm LDP) its solution comes
    from the NNLS problem min_{u >= 0} |E u - f|, E = [Z^T; 1^T] (N+1, n), f = e_{N+1}: with
    r = E u - f, w = -r[:N] / r[N] (= Z^T u / (1 - sum u)), and r = 0 when Z w >= 1 is infeasible.
    Returns (lower, upper, ok): lower = min_i z_i . w/|w| (the margin of the primal direction found),
    upper = |Z^T u| / sum(u) (the norm of a point of the convex hull of the rows, which bounds the
    margin from above: kappa* = dist(0, conv{z_i}) when positive); exact solutions give lower = upper."""
    n, N = Z.shape
    E = np.empty((N + 1, n))
    for i in range(n):
        for d in range(N):
            E[d, i] = Z[i, d]
        E[N, i] = 1.0
    f = np.zeros(N + 1)
    f[N] = 1.0
    u, _, ok = nnls(E, f, 50 * (N + 1) + 500)
    total = u.sum()
    v = Z.T @ u
    upper = math.sqrt((v * v).sum()) / total if total > 0 else 0.0
    den = 1.0 - total
    nv = math.sqrt((v * v).sum())
    if den <= 0.0 or nv == 0.0:
        return -np.inf, upper, ok
    lower = np.inf
    for i in range(n):
        h = 0.0
        for d in range(N):
            h += Z[i, d] * v[d]
        if h < lower:
            lower = h
    return lower / nv, upper, ok
