"""The exact finite-N Kac-Rice count of p-spin critical points with an energy window, for the
finite-size checks of the N -> infinity complexity (``checks.py``).

ABC 2013's identity with the window B = (-inf, u):

    E Crt_{N,k}(u) = 2 sqrt(2/p) (p-1)^(N/2) E_GOE_N[exp(-N (p-2)/(2p) lambda_k^2) 1{lambda_k <= t}],
    t = sqrt(p/(2(p-1))) u,

lambda_k the (k+1)-th smallest eigenvalue of GOE_N (density prop. to |Delta| exp(-N sum l^2/2)).
The ordered eigenvalue integral uses the method of ``theory.spin_glass.goe_gaussian_moment``
(the Vandermonde as det[P_j(lambda_i)], monic Hermite P_j; the ordered integral as a dynamic
programme over the sets of columns used) in separate code that adds the window: the marked row's
running integral is frozen at the grid point t (the grid is shifted so that t is one of its
points, and extended below -half when t lies there). Without a window it equals the theory's
value to 1e-12; the window itself is tested against a Monte Carlo of the Kac-Rice integral
(``tests/test_spin_glass.py``).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np


def _grid(N: int, t: float | None, h: float) -> np.ndarray:
    """The quadrature grid: [-half, half] (half = 6.5 / sqrt(N/2), as in the theory module), extended
    down to t - 1 for a window far below it, and shifted so that t is a grid point."""
    half = 6.5 / math.sqrt(N / 2)
    if t is None or t >= half:
        start = -half
    else:
        low = min(-half, t - 1.0)
        start = t - h * math.ceil((t - low) / h)
    return start + h * np.arange(int(math.ceil((half - start) / h)) + 2)


def _running_integral(f: np.ndarray, h: float) -> np.ndarray:
    """Cumulative integral along the last axis: trapezoid with the Euler-Maclaurin end correction."""
    out = np.zeros_like(f)
    np.cumsum((f[..., 1:] + f[..., :-1]) * (h / 2), axis=-1, out=out[..., 1:])
    d = np.gradient(f, h, axis=-1, edge_order=2)
    return out - h * h / 12 * (d - d[..., :1])


def _hermite(N: int, x: np.ndarray) -> list[np.ndarray]:
    """Monic Hermite polynomials P_0..P_{N-1} for the weight exp(-N x^2/2), on the grid."""
    y = math.sqrt(N) * x
    polys = [np.ones_like(x), y.copy()]
    for j in range(2, N):
        polys.append(y * polys[-1] - (j - 1) * polys[-2])
    return polys[:N]


def _programme(N: int, x: np.ndarray, h: float, marked: int | None, c: float, cut: int | None) -> float:
    """The ordered integral of det[P_j(l_i)] prod exp(-N l_i^2/2) over l_1 < ... < l_N, the
    marked row weighted by exp(-c l^2) and cut at grid point ``cut`` (None: no cut)."""
    w = np.exp(-N * x * x / 2)
    polys = _hermite(N, x)
    states = {(): np.ones_like(x)}  # sorted tuple of used columns -> running integral
    for row in range(N):
        weight = w * np.exp(-c * x * x) if row == marked else w
        new: dict[tuple, np.ndarray] = {}
        for used, f in states.items():
            for j in range(N):
                if j in used:
                    continue
                sign = -1.0 if sum(1 for i in used if i > j) % 2 else 1.0
                key = tuple(sorted(used + (j,)))
                term = sign * polys[j] * weight * f
                new[key] = new[key] + term if key in new else term
        keys = list(new)
        block = _running_integral(np.stack([new[k] for k in keys]), h)
        if row == marked and cut is not None:
            block[:, cut:] = block[:, cut:cut + 1]  # lambda_k <= t: freeze the running integral at t
        states = dict(zip(keys, block))
    return float(states[tuple(range(N))][-1])


@lru_cache(maxsize=64)
def _normaliser(N: int, start: float, size: int, h: float) -> float:
    """The unmarked ordered integral on the same grid (cached: shared by every window and index)."""
    return _programme(N, start + h * np.arange(size), h, None, 0.0, None)


def ordered_integral(N: int, c: float, index: int, t: float | None, h: float = 0.002) -> float:
    """E_GOE_N[exp(-c lambda_k^2) 1{lambda_k <= t}] for the (k+1)-th smallest eigenvalue (t None:
    no window)."""
    x = _grid(N, t, h)
    cut = None if t is None or t >= x[-1] else int(round((t - x[0]) / h))
    return _programme(N, x, h, index, c, cut) / _normaliser(N, float(x[0]), len(x), h)


def expected_count(N: int, p: int, index: int, energy: float | None) -> float:
    """E Crt_{N,k}(u): the exact expected number of critical points of index k with H/N <= u
    (energy None: all energies)."""
    t = None if energy is None else math.sqrt(p / (2.0 * (p - 1))) * energy
    moment = ordered_integral(N, N * (p - 2) / (2 * p), index, t)
    return 2.0 * math.sqrt(2.0 / p) * (p - 1) ** (N / 2) * moment


def finite_size_rates(p: int, index: int, energy: float, sizes) -> list[float]:
    """(1/N) ln E Crt_{N,k}(u) at each N."""
    return [math.log(expected_count(N, p, index, energy)) / N for N in sizes]

