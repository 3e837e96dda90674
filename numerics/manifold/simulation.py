"""Direct simulation of manifold capacity: P random L1 balls (cross-polytopes, 2D vertices
x0 +- R u_i, centre and axes i.i.d. N(0, I_N), so of norm ~ sqrt N as in the theory), fair random
labels, and the largest P whose first P manifolds are linearly separable through the origin, every
vertex on its manifold's side (the convex hull then is too). Each separability question is decided
exactly by the certified Gordan simplex of ``numerics.capacity`` (a Numba, nogil LP); the largest
separable prefix is found by bisection (separability of prefixes is monotone)."""
from __future__ import annotations

import numpy as np

from ..capacity import gordan_simplex
from .._parallel import map_chunks


def l1_ball_rows(g: np.random.Generator, P: int, N: int, D: int, R: float) -> np.ndarray:
    """Labelled vertices y_mu (x0_mu +- R u_mu,i), shape (P, 2D, N), manifold by manifold."""
    x0 = g.standard_normal((P, 1, N))
    u = g.standard_normal((P, D, N))
    y = np.where(g.random(P) < 0.5, -1.0, 1.0)[:, None, None]
    return y * np.concatenate([x0 + R * u, x0 - R * u], axis=1)


def separable_prefix(rows: np.ndarray, P: int) -> tuple[bool, int]:
    """(separable, certificate failures) for the first P manifolds of ``rows``."""
    st, _, _ = gordan_simplex(np.ascontiguousarray(rows[:P].reshape(-1, rows.shape[2])))
    return st == 1, int(st < 0)


def max_separable(rows: np.ndarray) -> tuple[int, int]:
    """Largest P with the first P manifolds separable (bisection), and certificate failures."""
    lo, hi = 0, rows.shape[0] + 1  # prefix lo separable; hi treated as not separable
    fails = 0
    ok, f = separable_prefix(rows, rows.shape[0])
    fails += f
    if ok:
        return rows.shape[0], fails
    hi = rows.shape[0]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        ok, f = separable_prefix(rows, mid)
        fails += f
        if ok:
            lo = mid
        else:
            hi = mid
    return lo, fails


def l1_ball_storable(N: int, D: int, R: float, samples: int, seed, chunk: int = 4) -> np.ndarray:
    """P_max/N for ``samples`` random sequences of 2N L1 balls in R^N (seeded per chunk)."""

    def work(g, k):
        out = np.empty(k)
        fails = 0
        for s in range(k):
            p, f = max_separable(l1_ball_rows(g, 2 * N, N, D, R))
            out[s] = p / N
            fails += f
        if fails:
            raise RuntimeError(f"{fails} simplex certificates failed verification (N={N}, D={D}, R={R})")
        if (out >= 2.0).any():
            raise RuntimeError("2N manifolds separable: raise the sequence length")
        return out

    return np.concatenate(map_chunks(work, samples, chunk, seed))
