"""Numba kernels for labelled L2 balls: ``ball_dual_ascent`` finds the maximal margin exactly, by
block-coordinate ascent on the dual (one second-order cone per ball), stopped on the duality gap,
which brackets the maximal margin between an attained lower bound and a dual upper bound. (A
cutting-plane LP/QP, adding each ball's worst point, was tried first: the cut points of one ball
crowd together and the point-set QP became too ill-conditioned to converge.)
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def ball_chunk(C, U, y, R):
    k = C.shape[0]
    lo = np.empty(k)
    hi = np.empty(k)
    for s in range(k):
        A = C[s] * y[s][:, None]
        _, a, b, ok = ball_dual_ascent(A, U[s], R, 1e-4)
        lo[s] = a if ok else -np.inf
        hi[s] = b
    return lo, hi



@njit(cache=True, nogil=True)
def _proj_soc(z):
    """Euclidean projection of z = (lam, v) onto the second-order cone |v| <= lam."""
    lam = z[0]
    nv = math.sqrt((z[1:] * z[1:]).sum())
    if nv <= lam:
        return z
    if nv <= -lam:
        return np.zeros_like(z)
    out = np.empty_like(z)
    c = (lam + nv) / 2
    out[0] = c
    out[1:] = c * z[1:] / nv
    return out


@njit(cache=True, nogil=True)
def ball_dual_ascent(A, B, R, gap=1e-5, max_sweeps=200000):
    """Max-margin separator of labelled L2 balls {a_mu - R B_mu^T s : |s| <= 1} (D = 0: points).

    Solves min |w|^2/2 s.t. a_mu.w - R |B_mu w| >= 1 through its dual,
    max sum lam_mu - |w|^2/2 with w = sum_mu (lam_mu a_mu - R B_mu^T v_mu) over the cones
    |v_mu| <= lam_mu, by block-coordinate proximal ascent (one ball per block, projection
    onto the second-order cone; for D = 0 it is exactly the AdaTron update). Stops on the
    duality gap: with m_mu = a_mu.w - R|B_mu w|, w/min m is primal feasible, so the maximal
    margin kappa* lies in [min m / |w|, 1/sqrt(2 dual)]; returns (w, lower, upper, ok).
    """
    P, D, N = B.shape
    lam = np.zeros(P)
    V = np.zeros((P, D))
    w = np.zeros(N)
    G = np.zeros((P, D + 1, D + 1))
    L = np.zeros(P)
    for mu in range(P):
        cols = np.empty((D + 1, N))
        cols[0] = A[mu]
        for d in range(D):
            cols[d + 1] = -R * B[mu, d]
        for i in range(D + 1):
            for j in range(D + 1):
                G[mu, i, j] = (cols[i] * cols[j]).sum()
        s = 0.0
        for i in range(D + 1):  # Gershgorin bound on the largest eigenvalue
            r = 0.0
            for j in range(D + 1):
                r += abs(G[mu, i, j])
            s = max(s, r)
        L[mu] = s
    z = np.empty(D + 1)
    mtw = np.empty(D + 1)
    lower, upper = 0.0, np.inf
    for sweep in range(max_sweeps):
        for mu in range(P):
            mtw[0] = (A[mu] * w).sum()
            for d in range(D):
                mtw[d + 1] = -R * (B[mu, d] * w).sum()
            z[0] = lam[mu]
            z[1:] = V[mu]
            grad = -mtw
            grad[0] += 1.0
            for it in range(3 if D > 0 else 1):
                if D == 0:
                    znew = np.empty(1)
                    znew[0] = max(0.0, z[0] + grad[0] / G[mu, 0, 0])
                else:
                    znew = _proj_soc(z + grad / L[mu])
                dz = znew - z
                if np.abs(dz).max() == 0.0:
                    break
                w += dz[0] * A[mu]
                for d in range(D):
                    w -= R * dz[d + 1] * B[mu, d]
                grad -= G[mu] @ dz
                z = znew
            lam[mu] = z[0]
            V[mu] = z[1:]
        if sweep % 5 == 4 or D == 0:
            nw2 = (w * w).sum()
            dual = lam.sum() - nw2 / 2
            mmin = np.inf
            for mu in range(P):
                f = (A[mu] * w).sum()
                s2 = 0.0
                for d in range(D):
                    g = (B[mu, d] * w).sum()
                    s2 += g * g
                mmin = min(mmin, f - R * math.sqrt(s2))
            if mmin > 0 and dual > 0:
                lower = mmin / math.sqrt(nw2)
                upper = 1.0 / math.sqrt(2 * dual)
                if upper - lower <= gap * upper:
                    return w, lower, upper, True
    return w, lower, upper, False
