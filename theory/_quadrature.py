"""Double-precision Gauss-Legendre quadrature for the capacity formulas (numpy; imported lazily,
so that ``dltheory eval`` of other quantities does not load numpy)."""
from __future__ import annotations

import math

import numpy as np

SQRT2 = math.sqrt(2.0)
SQRT2PI = math.sqrt(2.0 * math.pi)


def gauss_legendre(n: int):
    """n-point Gauss-Legendre nodes and weights on [-1, 1] (Golub & Welsch 1969: eigen-decomposition
    of the Jacobi matrix, off-diagonal k/sqrt(4k^2-1); weights 2 v_0^2). Avoids numpy.polynomial,
    whose import (it loads numpy.ma) costs more than the capacity formulas themselves."""
    k = np.arange(1, n)
    nodes, vectors = np.linalg.eigh(np.diag(k / np.sqrt(4.0 * k * k - 1), 1), UPLO="U")
    return nodes, 2 * vectors[0] ** 2


NODES, WEIGHTS = gauss_legendre(24)
_erfc = np.frompyfunc(math.erfc, 1, 1)


def H(x):
    """H(x) = erfc(x/sqrt 2)/2, elementwise."""
    return 0.5 * _erfc(np.asarray(x) / SQRT2).astype(np.float64)


def G(x):
    return np.exp(-0.5 * x * x) / SQRT2PI


def panels(breaks):
    """Gauss-Legendre nodes and weights over consecutive panels [b_i, b_{i+1}]."""
    b = np.array(sorted(set(map(float, breaks))))  # np.unique would import numpy.ma
    lo, hi = b[:-1], b[1:]
    half, mid = (hi - lo)[:, None] / 2, (hi + lo)[:, None] / 2
    return (mid + half * NODES).ravel(), (half * WEIGHTS).ravel()


def grid(lo, hi, width=1.0, extra=()):
    """Breakpoints from lo to hi every ``width`` plus the points in ``extra`` inside."""
    n = max(1, int(math.ceil((hi - lo) / width)))
    pts = list(np.linspace(lo, hi, n + 1)) + [e for e in extra if lo < e < hi]
    return panels(pts)


ZT, ZW = grid(-13.0, 13.0, 1.0)
ZW_D = ZW * G(ZT)  # nodes and weights of int Dz f(z) in double precision
