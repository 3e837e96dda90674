"""The activation table: every pointwise activation of the library, defined once, in four forms.

``dltheory.theory.activations`` registers no quantity; it imports neither numba nor sympy, and
numpy and mpmath only inside the functions that return their forms, so ``dltheory eval`` stays fast.

Forms (``d`` is the derivative order, 0 <= d <= 2 for every activation):

- ``scalar(name, d)``: a plain Python function of one float using only ``math``, branches,
  ``abs`` and ``max``. It is the reference form and, unchanged, the **Numba form**:
  ``dltheory.numerics.activations.numba_form(name, d)`` is ``numba.njit`` applied to this very
  function, so the closed form of each activation and of its derivatives is written once for
  scalar and compiled code. (Each scalar form is self-contained, calling no other Python helper,
  so that Numba can compile it alone.)
- ``mpmath_form(name, d)``: the same formula in mpmath, at the current ``mpmath.mp`` precision
  (for quadrature at ``--dps``).
- ``numpy_form(name, d)``: the vectorised NumPy formula (float64 arrays). erf uses ``math.erf``
  elementwise (``numpy.frompyfunc``): scipy.special costs 0.3 s to import.
- ``derivative(name, k, x)``: any order k for the analytic activations the depth-width
  constructions use (softplus, exp, tanh, logistic), from the exact derivative polynomials
  (``derivative_polynomials``: tanh^(k) is a polynomial in tanh, softplus^(k) a polynomial in
  the logistic); orders <= 2 of the others from the scalar forms.

Conventions at kinks: relu'(0) = 0, hardtanh'(+-1) = 0, and relu'' = hardtanh'' = 0 (the Dirac
masses at the kinks are not part of the table: the mean-field closed forms handle them
analytically). ``logistic`` and ``sigmoid`` are one activation under two names.

``tests/test_activations.py`` compares the forms point by point: scalar vs mpmath vs NumPy vs
Numba, and each derivative against ``mpmath.diff`` of the mpmath form.
"""
from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

SQRT2 = math.sqrt(2.0)
SQRT2PI = math.sqrt(2.0 * math.pi)
TWO_OVER_SQRTPI = 2.0 / math.sqrt(math.pi)


# ----------------------------------------------------------------------------- scalar (= Numba) forms
def linear(u):
    return u


def linear_d1(u):
    return 1.0


def linear_d2(u):
    return 0.0


def relu(u):
    return u if u > 0.0 else 0.0


def relu_d1(u):
    return 1.0 if u > 0.0 else 0.0


def relu_d2(u):
    return 0.0


def hardtanh(u):
    return max(-1.0, min(1.0, u))


def hardtanh_d1(u):
    return 1.0 if abs(u) < 1.0 else 0.0


def hardtanh_d2(u):
    return 0.0


def tanh(u):
    return math.tanh(u)


def tanh_d1(u):
    t = math.tanh(u)
    return 1.0 - t * t


def tanh_d2(u):
    t = math.tanh(u)
    return -2.0 * t * (1.0 - t * t)


def erf(u):
    return math.erf(u)


def erf_d1(u):
    return 2.0 / math.sqrt(math.pi) * math.exp(-u * u)


def erf_d2(u):
    return -4.0 * u / math.sqrt(math.pi) * math.exp(-u * u)


def sigmoid(u):
    return 0.5 * (1.0 + math.tanh(0.5 * u))


def sigmoid_d1(u):
    s = 0.5 * (1.0 + math.tanh(0.5 * u))
    return s * (1.0 - s)


def sigmoid_d2(u):
    s = 0.5 * (1.0 + math.tanh(0.5 * u))
    return s * (1.0 - s) * (1.0 - 2.0 * s)


def softplus(u):
    return max(u, 0.0) + math.log1p(math.exp(-abs(u)))


def softplus_d1(u):
    return 0.5 * (1.0 + math.tanh(0.5 * u))


def softplus_d2(u):
    s = 0.5 * (1.0 + math.tanh(0.5 * u))
    return s * (1.0 - s)


def gelu(u):
    return u * 0.5 * (1.0 + math.erf(u / math.sqrt(2.0)))


def gelu_d1(u):
    return 0.5 * (1.0 + math.erf(u / math.sqrt(2.0))) + u * math.exp(-0.5 * u * u) / math.sqrt(2.0 * math.pi)


def gelu_d2(u):
    return math.exp(-0.5 * u * u) / math.sqrt(2.0 * math.pi) * (2.0 - u * u)


def swish(u):
    return u * 0.5 * (1.0 + math.tanh(0.5 * u))


def swish_d1(u):
    s = 0.5 * (1.0 + math.tanh(0.5 * u))
    return s + u * s * (1.0 - s)


def swish_d2(u):
    s = 0.5 * (1.0 + math.tanh(0.5 * u))
    return s * (1.0 - s) * (2.0 + u * (1.0 - 2.0 * s))


def sin(u):
    return math.sin(u)


def sin_d1(u):
    return math.cos(u)


def sin_d2(u):
    return -math.sin(u)


def exp(u):
    return math.exp(u)


def exp_d1(u):
    return math.exp(u)


def exp_d2(u):
    return math.exp(u)


#: name -> (phi, phi', phi'') in plain ``math``: the scalar and Numba forms
SCALAR = {
    "linear": (linear, linear_d1, linear_d2),
    "relu": (relu, relu_d1, relu_d2),
    "hardtanh": (hardtanh, hardtanh_d1, hardtanh_d2),
    "tanh": (tanh, tanh_d1, tanh_d2),
    "erf": (erf, erf_d1, erf_d2),
    "sigmoid": (sigmoid, sigmoid_d1, sigmoid_d2),
    "softplus": (softplus, softplus_d1, softplus_d2),
    "gelu": (gelu, gelu_d1, gelu_d2),
    "swish": (swish, swish_d1, swish_d2),
    "sin": (sin, sin_d1, sin_d2),
    "exp": (exp, exp_d1, exp_d2),
}
ALIASES = {"logistic": "sigmoid"}
NAMES = tuple(SCALAR) + tuple(ALIASES)
ORDER = 2  #: highest derivative order of every form (``derivative`` goes further for the analytic ones)

#: a kink (a non-differentiable point) in phi or phi' on the real line: relu, hardtanh
KINKED = ("relu", "hardtanh")

#: distance from the real axis of the nearest complex singularity of each analytic activation
#: (entire functions: 2, their growth off the axis sets the quadrature step); used by the
#: trapezoidal Gaussian quadrature of ``dltheory.theory.meanfield``
STRIP = {"erf": 2.0, "tanh": math.pi / 2, "sigmoid": math.pi, "softplus": math.pi, "swish": math.pi, "gelu": 2.0,
         "sin": 2.0, "exp": 2.0, "linear": 2.0}


def canonical(name: str) -> str:
    """The table's name of an activation (resolves aliases); KeyError if unknown."""
    name = ALIASES.get(name, name)
    if name not in SCALAR:
        raise KeyError(f"unknown activation {name!r}; known: {', '.join(NAMES)}")
    return name


def _order(d: int) -> int:
    if not 0 <= d <= ORDER:
        raise ValueError(f"derivative order {d} not in 0..{ORDER} (use derivative() for higher orders)")
    return d


def scalar(name: str, d: int = 0):
    """phi^(d) as a plain ``math`` function of one float (also the function Numba compiles)."""
    return SCALAR[canonical(name)][_order(d)]


# ----------------------------------------------------------------------------- mpmath forms
@lru_cache(maxsize=None)
def _mpmath_table():
    import mpmath as m

    def s(u):
        return 1 / (1 + m.exp(-u))

    def pdf(u):
        return m.exp(-u * u / 2) / m.sqrt(2 * m.pi)

    return {
        "linear": (lambda u: u, lambda u: m.mpf(1), lambda u: m.mpf(0)),
        "relu": (lambda u: u if u > 0 else m.mpf(0), lambda u: m.mpf(1) if u > 0 else m.mpf(0),
                 lambda u: m.mpf(0)),
        "hardtanh": (lambda u: max(m.mpf(-1), min(m.mpf(1), u)), lambda u: m.mpf(1) if abs(u) < 1 else m.mpf(0),
                     lambda u: m.mpf(0)),
        "tanh": (m.tanh, lambda u: 1 - m.tanh(u) ** 2, lambda u: -2 * m.tanh(u) * (1 - m.tanh(u) ** 2)),
        "erf": (m.erf, lambda u: 2 / m.sqrt(m.pi) * m.exp(-u * u), lambda u: -4 * u / m.sqrt(m.pi) * m.exp(-u * u)),
        "sigmoid": (s, lambda u: s(u) * (1 - s(u)), lambda u: s(u) * (1 - s(u)) * (1 - 2 * s(u))),
        "softplus": (lambda u: m.log1p(m.exp(u)) if u < 30 else u + m.log1p(m.exp(-u)), s,
                     lambda u: s(u) * (1 - s(u))),
        "gelu": (lambda u: u * m.ncdf(u), lambda u: m.ncdf(u) + u * pdf(u), lambda u: pdf(u) * (2 - u * u)),
        "swish": (lambda u: u * s(u), lambda u: s(u) + u * s(u) * (1 - s(u)),
                  lambda u: s(u) * (1 - s(u)) * (2 + u * (1 - 2 * s(u)))),
        "sin": (m.sin, m.cos, lambda u: -m.sin(u)),
        "exp": (m.exp, m.exp, m.exp),
    }


def mpmath_form(name: str, d: int = 0):
    """phi^(d) in mpmath arithmetic (imports mpmath on first use)."""
    return _mpmath_table()[canonical(name)][_order(d)]


# ----------------------------------------------------------------------------- NumPy forms
@lru_cache(maxsize=None)
def _numpy_table():
    import numpy as np

    erf_object = np.frompyfunc(math.erf, 1, 1)

    def erf_(u):
        return erf_object(np.asarray(u, dtype=np.float64)).astype(np.float64)

    def s(u):
        return 0.5 * (1 + np.tanh(0.5 * u))

    def ndtr(u):
        return 0.5 * (1 + erf_(np.asarray(u) / SQRT2))

    def pdf(u):
        return np.exp(-u * u / 2) / SQRT2PI

    return {
        "linear": (lambda u: np.asarray(u, dtype=np.float64), lambda u: np.ones_like(u, dtype=np.float64),
                   lambda u: np.zeros_like(u, dtype=np.float64)),
        "relu": (lambda u: np.maximum(u, 0.0), lambda u: (np.asarray(u) > 0).astype(np.float64),
                 lambda u: np.zeros_like(u, dtype=np.float64)),
        "hardtanh": (lambda u: np.clip(u, -1.0, 1.0), lambda u: (np.abs(u) < 1).astype(np.float64),
                     lambda u: np.zeros_like(u, dtype=np.float64)),
        "tanh": (np.tanh, lambda u: 1 - np.tanh(u) ** 2, lambda u: -2 * np.tanh(u) * (1 - np.tanh(u) ** 2)),
        "erf": (erf_, lambda u: TWO_OVER_SQRTPI * np.exp(-u * u), lambda u: -2 * TWO_OVER_SQRTPI * u * np.exp(-u * u)),
        "sigmoid": (s, lambda u: s(u) * (1 - s(u)), lambda u: s(u) * (1 - s(u)) * (1 - 2 * s(u))),
        "softplus": (lambda u: np.logaddexp(0.0, u), s, lambda u: s(u) * (1 - s(u))),
        "gelu": (lambda u: u * ndtr(u), lambda u: ndtr(u) + u * pdf(u), lambda u: pdf(u) * (2 - u * u)),
        "swish": (lambda u: u * s(u), lambda u: s(u) + u * s(u) * (1 - s(u)),
                  lambda u: s(u) * (1 - s(u)) * (2 + u * (1 - 2 * s(u)))),
        "sin": (np.sin, np.cos, lambda u: -np.sin(u)),
        "exp": (np.exp, np.exp, np.exp),
    }


def numpy_form(name: str, d: int = 0):
    """phi^(d) vectorised over float64 arrays (imports numpy on first use)."""
    return _numpy_table()[canonical(name)][_order(d)]


# ----------------------------------------------------------------------------- any order (analytic ones)
def _poly_derivative(coeffs: list[Fraction], chain: list[Fraction]) -> list[Fraction]:
    """Coefficients of P'(y) * chain(y) for polynomials given by coefficient lists."""
    dp = [k * c for k, c in enumerate(coeffs)][1:] or [Fraction(0)]
    out = [Fraction(0)] * (len(dp) + len(chain) - 1)
    for i, p in enumerate(dp):
        for j, q in enumerate(chain):
            out[i + j] += p * q
    return out


def derivative_polynomials(name: str, upto: int) -> dict[int, list[Fraction]]:
    """{j: coefficients of phi^(j) as a polynomial in y} for j up to ``upto`` (exact rationals).

    softplus: y = logistic(x), orders j >= 1 (softplus' = s, s' = s(1 - s)); tanh and logistic:
    y = tanh (tanh' = 1 - t^2), orders j >= 0, where for the logistic the caller evaluates at
    t = tanh(x/2) and divides by 2^(j+1) (logistic(x) = (1 + tanh(x/2))/2, j >= 1).
    """
    name = canonical(name)
    if name == "softplus":
        chain, poly, start = [Fraction(0), Fraction(1), Fraction(-1)], [Fraction(0), Fraction(1)], 1
    elif name in ("tanh", "sigmoid"):
        chain, poly, start = [Fraction(1), Fraction(0), Fraction(-1)], [Fraction(0), Fraction(1)], 0
    else:
        raise KeyError(f"no derivative polynomials for {name!r} (softplus, tanh, logistic)")
    out = {}
    for order in range(start, upto + 1):
        out[order] = poly
        poly = _poly_derivative(poly, chain)
    return out


ANALYTIC = ("softplus", "exp", "tanh", "sigmoid", "logistic")  #: derivative() of any order


def derivative(name: str, k: int, x: float) -> float:
    """phi^(k)(x): any k >= 0 for softplus, exp, tanh and logistic (derivative polynomials);
    k <= 2 for the other activations (their scalar forms)."""
    name = canonical(name)
    if k < 0:
        raise ValueError(f"derivative order {k} < 0")
    if name == "exp" or k == 0 or name not in ANALYTIC:
        return scalar(name, k if name != "exp" else 0)(x)
    if name == "softplus":
        y = 1 / (1 + math.exp(-x))
    else:
        y = math.tanh(x / 2 if name == "sigmoid" else x)
    value = sum(float(c) * y ** i for i, c in enumerate(derivative_polynomials(name, k)[k]))
    return value / 2 ** (k + 1) if name == "sigmoid" else value
