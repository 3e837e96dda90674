"""Direct simulation of manifold capacity: P random manifolds, each the image x0 + sum_i s_i u_i of a
point cloud {s} (given in the theory's frame, coordinates relative to the centre norm), with centre
and axes i.i.d. N(0, I_N) (so of norm ~ sqrt N, as in the theory), fair random labels, and the largest P
whose first P manifolds are separable through the origin with margin kappa: every point has field
h = y w.x/|w| >= kappa (the theory's convention: for single points, Gardner's stability), so the convex
hull does too. At kappa = 0 each question is decided exactly by the certified Gordan simplex of
``numerics.capacity`` (a Numba, nogil LP); at kappa > 0 by the exact maximal margin of
``kernels.max_margin`` (a least-distance program solved by NNLS), certified by its bracket. The
largest such prefix is found by bisection (the maximal margin of prefixes is non-increasing)."""
from __future__ import annotations

import numpy as np

from ..capacity import gordan_simplex
from .._parallel import map_chunks
from .kernels import max_margin


def l1_ball_rows(g: np.random.Generator, P: int, N: int, D: int, R: float) -> np.ndarray:
    """Labelled vertices y_mu (x0_mu +- R u_mu,i), shape (P, 2D, N), manifold by manifold."""
    x0 = g.standard_normal((P, 1, N))
    u = g.standard_normal((P, D, N))
    y = np.where(g.random(P) < 0.5, -1.0, 1.0)[:, None, None]
    return y * np.concatenate([x0 + R * u, x0 - R * u], axis=1)


def ellipsoid_clouds(g: np.random.Generator, count: int, radii, M: int) -> np.ndarray:
    """``count`` independent clouds of M points uniform in direction on the ellipsoid with semi-axes ``radii``
    (s = R z/|z|, z ~ N(0, I_D)), shape (count, D, M)."""
    z = g.standard_normal((count, len(radii), M))
    return np.asarray(radii, dtype=np.float64)[None, :, None] * z / np.linalg.norm(z, axis=1, keepdims=True)


def cloud_rows(g: np.random.Generator, P: int, N: int, cloud, shared: float = 0.0) -> np.ndarray:
    """Labelled points y_mu (x0_mu + sum_i s_i u_mu,i) for s the columns of ``cloud`` (D, M), shape (P, M, N);
    ``cloud`` may be (P, D, M) (one cloud per manifold) or a function (g, P) -> such an array (drawn first).
    D = 0 (``cloud`` of shape (0, 1)): single points, Gardner's patterns. ``shared`` > 0 adds a planted
    correlation of the centres: x0_mu = g_mu + a_mu c, one c ~ N(0, I_N) per sequence, a_mu ~ N(0, shared^2)."""
    if callable(cloud):
        cloud = cloud(g, P)
    if cloud.ndim == 2:
        cloud = np.broadcast_to(cloud, (P,) + cloud.shape)
    _, D, M = cloud.shape
    x0 = g.standard_normal((P, 1, N))
    if shared > 0:
        x0 = x0 + shared * g.standard_normal((P, 1, 1)) * g.standard_normal(N)
    u = g.standard_normal((P, D, N))
    y = np.where(g.random(P) < 0.5, -1.0, 1.0)[:, None, None]
    return y * (x0 + np.einsum("pdm,pdn->pmn", cloud, u))


def separable_prefix(rows: np.ndarray, P: int, kappa: float = 0.0) -> tuple[bool, int]:
    """(separable with margin kappa, certificate failures) for the first P manifolds of ``rows``."""
    Z = np.ascontiguousarray(rows[:P].reshape(-1, rows.shape[2]))
    if kappa == 0.0:
        st, _, _ = gordan_simplex(Z)
        return st == 1, int(st < 0)
    lower, upper, ok = max_margin(Z)
    if lower >= kappa:
        return True, int(not ok)
    if upper < kappa:
        return False, int(not ok)
    return False, 1  # the bracket straddles kappa: undecided


def max_separable(rows: np.ndarray, kappa: float = 0.0) -> tuple[int, int]:
    """Largest P with the first P manifolds separable with margin kappa (bisection), and certificate failures."""
    lo, hi = 0, rows.shape[0] + 1  # prefix lo separable; hi treated as not separable
    fails = 0
    ok, f = separable_prefix(rows, rows.shape[0], kappa)
    fails += f
    if ok:
        return rows.shape[0], fails
    hi = rows.shape[0]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        ok, f = separable_prefix(rows, mid, kappa)
        fails += f
        if ok:
            lo = mid
        else:
            hi = mid
    return lo, fails


def _storable(N: int, draw, kappa: float, samples: int, seed, chunk: int, label: str) -> np.ndarray:
    def work(g, k):
        out = np.empty(k)
        fails = 0
        for s in range(k):
            p, f = max_separable(draw(g), kappa)
            out[s] = p / N
            fails += f
        if fails:
            raise RuntimeError(f"{fails} certificates failed or brackets undecided ({label}, N={N}, kappa={kappa})")
        if (out >= 2.0).any():
            raise RuntimeError("2N manifolds separable: raise the sequence length")
        return out

    return np.concatenate(map_chunks(work, samples, chunk, seed))


def l1_ball_storable(N: int, D: int, R: float, samples: int, seed, chunk: int = 4, kappa: float = 0.0) -> np.ndarray:
    """P_max/N at margin kappa for ``samples`` random sequences of 2N L1 balls in R^N (seeded per chunk)."""
    return _storable(N, lambda g: l1_ball_rows(g, 2 * N, N, D, R), kappa, samples, seed, chunk, f"L1 D={D} R={R}")


def cloud_storable(N: int, cloud, samples: int, seed, chunk: int = 4, kappa: float = 0.0,
                   shared: float = 0.0) -> np.ndarray:
    """P_max/N at margin kappa for ``samples`` random sequences of 2N manifolds of the point cloud ``cloud``
    (an array (D, M), or a function (g, P) -> (P, D, M) drawing one cloud per manifold)."""
    return _storable(N, lambda g: cloud_rows(g, 2 * N, N, cloud, shared), kappa, samples, seed, chunk,
                     f"cloud {getattr(cloud, 'shape', 'drawn')}")


def point_margins(P: int, N: int, samples: int, seed, chunk: int = 16) -> np.ndarray:
    """Maximal margin (fields y w.x/|w|, x ~ N(0, I_N)) of P random labelled points in R^N, per sample:
    the convention check of ``max_margin`` against Gardner's critical margin."""

    def work(g, k):
        out = np.empty(k)
        for s in range(k):
            lower, upper, ok = max_margin(cloud_rows(g, P, N, np.zeros((0, 1)))[:, 0, :].copy())
            if not ok or upper - lower > 1e-9 * max(1.0, upper):
                raise RuntimeError(f"max_margin bracket not closed (P={P}, N={N}): {lower}, {upper}")
            out[s] = lower
        return out

    return np.concatenate(map_chunks(work, samples, chunk, seed))
