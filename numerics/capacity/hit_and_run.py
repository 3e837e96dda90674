"""Numba kernels of the Gibbs and Bayes students: ``gibbs_coordinate_hit_and_run`` draws the
zero-temperature Gibbs student, a uniform point of the version space, by coordinate hit-and-run in
{X J >= 0, |J| <= 1} started at the teacher (itself an exact posterior draw, so the chain is
stationary from the start); the Bayes student's overlap comes from four independent chains per
sample (unbiased estimates of T.J_cm and |J_cm|^2). (A kernel and its helpers in one module.)
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def gibbs_coordinate_hit_and_run(XT, J0, U):
    """Coordinate hit-and-run in the body {J : X J >= 0, |J| <= 1}, systematic scan.

    XT is X transposed (N x P). Each step i moves J_i to a uniform point of the chord along
    e_i (O(P) per step); U (sweeps x N) holds the uniforms. The uniform law on the body is
    invariant, and its directions J/|J| are uniform on the version space: the zero-temperature
    Gibbs student. Returns J after all sweeps.
    """
    N, P = XT.shape
    J = J0.copy()
    h = np.zeros(P)
    inv = np.empty((N, P))
    for i in range(N):
        for mu in range(P):
            h[mu] += XT[i, mu] * J[i]
            inv[i, mu] = 1.0 / XT[i, mu] if XT[i, mu] != 0.0 else 0.0
    n2 = (J * J).sum()
    sweeps = U.shape[0]
    for sw in range(sweeps):
        for i in range(N):
            ji = J[i]
            r = ji * ji - n2 + 1.0
            root = math.sqrt(r if r > 0.0 else 0.0)
            lo = -ji - root
            hi = -ji + root
            col = XT[i]
            ic = inv[i]
            for mu in range(P):
                x = col[mu]
                s = -h[mu] * ic[mu]
                if x > 0.0:
                    lo = max(lo, s)
                elif x < 0.0:
                    hi = min(hi, s)
            if hi <= lo:
                continue
            s = lo + (hi - lo) * U[sw, i]
            J[i] = ji + s
            n2 += 2.0 * ji * s + s * s
            for mu in range(P):
                h[mu] += s * col[mu]
    return J


@njit(cache=True, nogil=True)
def _teacher_signed_patterns(Z, XT):
    """XT[:, mu] = y_mu x_mu with the teacher T = e_1's labels y_mu = sign(x_mu[0])."""
    P, N = Z.shape
    for mu in range(P):
        y = 1.0 if Z[mu, 0] > 0 else -1.0
        for i in range(N):
            XT[i, mu] = y * Z[mu, i]


@njit(cache=True, nogil=True)
def gibbs_chunk(Z, R0, U):
    k, P, N = Z.shape
    out = np.empty(k)
    XT = np.empty((N, P))
    for s in range(k):
        _teacher_signed_patterns(Z[s], XT)
        J0 = np.zeros(N)
        J0[0] = R0[s]
        J = gibbs_coordinate_hit_and_run(XT, J0, U[s])
        out[s] = math.acos(J[0] / math.sqrt((J * J).sum())) / math.pi
    return out



@njit(cache=True, nogil=True)
def bayes_chunk(Z, R0, U):
    """Per sample: K independent chains from the teacher; returns (T.u mean, unbiased |J_cm|^2)."""
    k, P, N = Z.shape
    K = R0.shape[1]
    rbar = np.empty(k)
    qhat = np.empty(k)
    XT = np.empty((N, P))
    for s in range(k):
        _teacher_signed_patterns(Z[s], XT)
        total = np.zeros(N)
        r = 0.0
        for a in range(K):
            J0 = np.zeros(N)
            J0[0] = R0[s, a]
            J = gibbs_coordinate_hit_and_run(XT, J0, U[s, a])
            u = J / math.sqrt((J * J).sum())
            total += u
            r += u[0]
        rbar[s] = r / K
        qhat[s] = ((total * total).sum() - K) / (K * (K - 1))
    return rbar, qhat
