"""Local entropy and flatness of a quadratic minimum (Chaudhari et al. 2017; Hochreiter & Schmidhuber 1997).

Local entropy (Chaudhari, Choromanska, Soatto, LeCun, Baldassi, Borgs, Chayes, Sagun & Zecchina,
"Entropy-SGD: biasing gradient descent into wide valleys", ICLR 2017, arXiv:1611.01838, Eq. (3)):

    F(x; gamma) = ln Integral exp(-f(x') - (gamma/2) |x - x'|^2) dx',

and its gradient (ibid., Eq. (7)): -grad F(x; gamma) = gamma (x - <x'>), the average under the tilted
Gibbs measure proportional to exp(-f(x') - (gamma/2)|x - x'|^2). For the quadratic minimum
f(x') = (1/2)(x' - x*)^T A (x' - x*) the integral is Gaussian and everything is in closed form
(derivation ``local-entropy-flatness``, recomputed here). The flatness part,
(1/2) sum ln(1 + lambda_i/gamma), orders minima of equal depth and is the mutual information of
Gaussian weights (prior precision gamma, posterior precision A + gamma I) and, for lambda >> gamma,
the Hochreiter & Schmidhuber ("Flat minima", Neural Computation 9(1), 1997, Sec. 3) description length
(1/2) sum ln lambda_i of a box-shaped flat minimum, up to constants.
"""
from __future__ import annotations

import math

from ._quantity import BadInput, Int, Real, RealList, quantity

CHAUDHARI = ("Chaudhari et al. (2017), Entropy-SGD: biasing gradient descent into wide valleys, ICLR 2017 "
             "(arXiv:1611.01838)")
HOCHREITER = "Hochreiter & Schmidhuber (1997), Flat minima, Neural Computation 9(1)"
MAX_DIM = 100_000  # cost guard: the sums are O(n)

_EIG = RealList("eigenvalues", lo=0, doc="eigenvalues lambda_i >= 0 of the Hessian A at the minimum")
_GAMMA = Real("gamma", lo=0, lo_open=True, doc="coupling gamma > 0 (the scope is 1/sqrt(gamma))")


def _lists(eigenvalues, displacement, required: bool = False):
    if len(eigenvalues) > MAX_DIM:
        raise BadInput("eigenvalues", f"({len(eigenvalues)} values)", f"at most {MAX_DIM} values", "too many")
    if displacement is None:
        if required:
            raise BadInput("displacement", "(missing)", "one value per eigenvalue", "required")
        return eigenvalues, (0.0,) * len(eigenvalues)
    if len(displacement) != len(eigenvalues):
        raise BadInput("displacement", ",".join(map(str, displacement)),
                       f"one value per eigenvalue ({len(eigenvalues)})", "wrong length")
    return eigenvalues, displacement


@quantity("local-entropy-quadratic", _EIG, _GAMMA,
          RealList("displacement", lo=-1e100, hi=1e100, default=None,
                   doc="x - x* in the eigenbasis of A (default 0; |d_i| <= 1e100: the value grows as d^2)"),
          status="exact", verified="recomputed",
          citation="local entropy of " + CHAUDHARI + ", Eq. (3), evaluated in closed form here for a quadratic "
                   "minimum (derivation local-entropy-flatness)",
          examples=({"eigenvalues": (1.0, 4.0), "gamma": 1.0},
                    {"eigenvalues": (0.5, 2.0, 8.0), "gamma": 2.0, "displacement": (0.3, -0.2, 0.1)},
                    {"eigenvalues": (1.0, 1.0, 3.0), "gamma": 0.5, "displacement": (1.0, 0.0, -0.5)}))
def local_entropy_quadratic(eigenvalues, gamma, displacement=None):
    """F(x; gamma) = ln Integral exp(-f(x') - (gamma/2)|x - x'|^2) dx' for f = (1/2)(x'-x*)^T A (x'-x*):

        F = (n/2) ln(2 pi) - (1/2) sum_i ln(lambda_i + gamma)
            - (1/2) sum_i gamma lambda_i d_i^2 / (lambda_i + gamma),

    lambda_i the eigenvalues of A, d = x - x* in A's eigenbasis. Exact (a Gaussian integral that
    factorises in the eigenbasis; the coupling term is rotation invariant). Local entropy as defined
    by Chaudhari et al. (ICLR 2017), Eq. (3); the closed form is derived here (derivation
    ``local-entropy-quadratic``).
    """
    lam, d = _lists(eigenvalues, displacement)
    n = len(lam)
    return (n / 2 * math.log(2 * math.pi) - 0.5 * math.fsum(math.log(l + gamma) for l in lam)
            - 0.5 * math.fsum(gamma * (l / (l + gamma)) * di * di for l, di in zip(lam, d)))  # gamma l may overflow


@quantity("logdet-flatness", _EIG, _GAMMA, status="exact", verified="recomputed",
          citation="flatness term of the local entropy of " + CHAUDHARI + ", Eq. (3), for a quadratic minimum "
                   "(derived here); the description length of " + HOCHREITER + ", Sec. 3, up to constants for "
                   "lambda >> gamma; the mutual information of Gaussian weights (derived here)",
          examples=({"eigenvalues": (1.0, 4.0), "gamma": 1.0}, {"eigenvalues": (0.5, 2.0, 8.0), "gamma": 2.0},
                    {"eigenvalues": (0.0, 100.0), "gamma": 0.1}))
def logdet_flatness(eigenvalues, gamma):
    """(1/2) sum_i ln(1 + lambda_i/gamma) = (1/2) ln det(I + A/gamma).

    Minus the local entropy of a minimum of depth 0 at its centre, relative to a flat landscape
    ((n/2) ln(2 pi/gamma)): between two minima of equal depth, local entropy prefers the one with
    the smaller value. It is also the mutual information between Gaussian weights with prior
    N(x*, I/gamma) and a quadratic log-likelihood of curvature A (prior minus posterior entropy),
    and for lambda_i >> gamma it is (1/2) sum ln lambda_i - (n/2) ln gamma: the Hochreiter &
    Schmidhuber (1997) description length of a box of half-widths ~ 1/sqrt(lambda_i), up to
    constants. Exact; derivation ``local-entropy-flatness``.
    """
    lam, _ = _lists(eigenvalues, None)
    return 0.5 * math.fsum(_log1p_ratio(l, gamma) for l in lam)


def _log1p_ratio(a: float, b: float) -> float:
    """ln(1 + a/b) for a >= 0, b > 0, also where a/b overflows (a subnormal b): ln a - ln b + ln(1 + b/a)."""
    r = a / b
    if math.isfinite(r):
        return math.log1p(r)
    return math.log(a) - math.log(b) + math.log1p(b / a)


@quantity("entropy-sgd-gradient-quadratic", _EIG, _GAMMA,
          RealList("displacement", doc="x - x* in the eigenbasis of A"),
          Int("component", lo=1, doc="which eigen-direction k (1-based)"),
          status="exact", verified="recomputed",
          citation="the gradient -grad F = gamma (x - <x'>) of " + CHAUDHARI + ", Eq. (7), in closed form for a "
                   "quadratic minimum (derived here)",
          examples=({"eigenvalues": (1.0, 4.0), "gamma": 1.0, "displacement": (0.5, 0.5), "component": 2},
                    {"eigenvalues": (0.5, 2.0, 8.0), "gamma": 2.0, "displacement": (0.3, -0.2, 0.1),
                     "component": 1}))
def entropy_sgd_gradient_quadratic(eigenvalues, gamma, displacement, component):
    """Component k of -grad F(x; gamma) = gamma (x - <x'>) in A's eigenbasis:

        gamma lambda_k d_k / (lambda_k + gamma),

    since the tilted measure exp(-f(x') - (gamma/2)|x - x'|^2) is Gaussian with precision
    A + gamma I and mean x* + gamma (A + gamma I)^{-1} (x - x*). It is the plain gradient
    lambda_k d_k shrunk by gamma/(lambda_k + gamma): sharp directions are damped. Exact; Entropy-SGD's
    gradient (Chaudhari et al. 2017, Eq. (7)); derivation ``local-entropy-flatness``.
    """
    lam, d = _lists(eigenvalues, displacement, required=True)
    if component > len(lam):
        raise BadInput("component", component, f"integer from 1 to {len(lam)} (the number of eigenvalues)")
    l, dk = lam[component - 1], d[component - 1]
    return gamma * l * dk / (l + gamma)
