"""Shared numerics of the capacity quantities: the double-precision root finder, the lazy mpmath
tools (H, G at a working precision) and the precision convention (``dps`` None means double)."""
from __future__ import annotations

import math

SQRT2 = math.sqrt(2.0)
SQRT2PI = math.sqrt(2.0 * math.pi)


def mpmath_module():
    import mpmath

    return mpmath


def mp_tools(dps):
    mp = mpmath_module()
    mp.mp.dps = dps + 5
    H = lambda x: mp.erfc(x / mp.sqrt(2)) / 2  # noqa: E731
    G = lambda x: mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi)  # noqa: E731
    return mp, H, G


def root(f, a, b, tol=1e-14, maxiter=200):
    """A root of f in [a, b] (f(a), f(b) of opposite signs): Illinois regula falsi + bisection.

    Double precision, no dependencies; the saddle-point solvers here and the simulators' inverse
    curves use it.
    """
    fa, fb = f(a), f(b)
    if fa == 0:
        return a
    if fb == 0:
        return b
    if (fa > 0) == (fb > 0):
        raise ArithmeticError(f"no sign change on [{a}, {b}]: {fa}, {fb}")
    side = 0
    for _ in range(maxiter):
        c = (a * fb - b * fa) / (fb - fa)
        if not (min(a, b) < c < max(a, b)):
            c = (a + b) / 2
        fc = f(c)
        if fc == 0 or abs(b - a) < tol * (1 + abs(c)):
            return c
        if (fc > 0) == (fb > 0):
            b, fb = c, fc
            if side == -1:
                fa /= 2
            side = -1
        else:
            a, fa = c, fc
            if side == 1:
                fb /= 2
            side = 1
    return (a + b) / 2


def digits(dps):
    """The working precision in decimal digits: 15 (double) when ``dps`` is None."""
    return 15 if dps is None else int(dps)
