"""Benchmark of the anchor-point inner problem: the Numba Lawson-Hanson NNLS dual against scipy's
general-purpose constrained solver (SLSQP) on the primal projection, the same problems, one core each."""
from __future__ import annotations

import numpy as np

from .._bench import benchmark, timing
from .kernels import anchor_chunk


def _problems(quick: bool):
    """A 10-dimensional manifold of 50 Gaussian points (centre coordinate 1) and Gaussian T's."""
    g = np.random.default_rng(2024)
    D, M = 10, 50
    ST = np.ascontiguousarray(np.vstack([0.5 * g.standard_normal((D, M)), np.ones(M)]))
    T = g.standard_normal((100 if quick else 400, D + 1))
    return ST, T


def slsqp_values(ST, T, kappa):
    from scipy.optimize import minimize

    out = np.empty(len(T))
    for i, t in enumerate(T):
        res = minimize(lambda v, t=t: ((v - t) ** 2).sum(), t, jac=lambda v, t=t: 2 * (v - t), method="SLSQP",
                       constraints=[{"type": "ineq", "fun": lambda v: ST.T @ v - kappa, "jac": lambda v: ST.T}],
                       options={"ftol": 1e-12, "maxiter": 1000})
        out[i] = res.fun
    return out


@benchmark("manifold-anchor-qp", simulator="anchor_chunk (Numba Lawson-Hanson NNLS on the dual, exact)",
           reference="scipy.optimize.minimize(method='SLSQP') on the primal min |V-T|^2 s.t. V.s_i >= kappa "
                     "(analytic gradients)")
def bench_anchor(quick):
    ST, T = _problems(quick)
    kappa = 0.5
    anchor_chunk(ST, T[:2], kappa)  # compile / load from cache
    ours = anchor_chunk(ST, T, kappa)[0]
    ref = slsqp_values(ST, T, kappa)
    agree = bool(np.allclose(ours, ref, rtol=1e-5, atol=1e-7))
    return timing(lambda: anchor_chunk(ST, T, kappa), lambda: slsqp_values(ST, T, kappa), f"{len(T)} inner problems, D = 10, M = 50 points, kappa = {kappa}", agree,
                  "one core each (both are serial)", repeat=1)
