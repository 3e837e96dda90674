"""Failures of gradient-based learning: the gradient carries almost no information about which
member of a large orthonormal family of targets is being learned (Shalev-Shwartz, Shamir &
Shammah 2017, ICML, Theorem 1; the parity and linear-periodic section).

Setting. A model p_w(x) with per-input gradient g(x) = d p_w(x)/dw, the square loss
F_h(w) = E_x[(p_w(x) - h(x))^2]/2 for a target h drawn uniformly from a finite family H, and the
variance of the gradient across targets,

    Var(H, w) = E_h || grad F_h(w) - E_h' grad F_h'(w) ||^2.

Since grad F_h(w) = E_x[p_w g] - c_h with c_h = E_x[h(x) g(x)], Var = E_h|c_h|^2 - |E_h c_h|^2 <=
E_h |c_h|^2 = (1/|H|) sum_h |c_h|^2 <= E_x|g|^2 / |H| by Bessel's inequality when H is orthonormal
in L2(x). For all 2^D parities chi_S(x) = prod_{i in S} x_i on the uniform cube {-1, 1}^D the
family is an orthonormal BASIS and the middle inequality is Parseval's identity: the second
moment E_h|c_h|^2 equals G/2^D exactly.
"""
from __future__ import annotations

import math
from fractions import Fraction

from ._quantity import BadInput, Int, Real, quantity

SSS = ("Shalev-Shwartz, Shamir & Shammah (2017), Failures of Gradient-Based Deep Learning, ICML 2017 "
       "(arXiv:1703.07950)")


def _exact(x: float) -> Fraction:
    """x as the decimal it was written as (0.3 -> 3/10), so that exact inputs give exact outputs."""
    return Fraction(repr(x)) if x == x and abs(x) < 1e300 else Fraction(x)


@quantity("parity-gradient-variance-bound",
          Real("gradient_norm2", lo=0, doc="G = E_x |d p_w(x)/dw|^2, the mean squared gradient norm of the model"),
          Int("dim", lo=1, hi=1000, doc="D, the number of input bits"),
          Int("order", lo=0, hi=1000, default=None,
              doc="K: only the parities of order K (|H| = C(D, K)); omitted: all 2^D parities"),
          status="rigorous-upper-bound",
          citation=SSS + ", Theorem 1 (orthonormal targets: Var <= G/|H|; parities)",
          verified="recomputed",
          examples=({"gradient_norm2": 3.5, "dim": 10}, {"gradient_norm2": 1, "dim": 20, "order": 3},
                    {"gradient_norm2": 0.25, "dim": 4, "order": 0}))
def parity_gradient_variance_bound(gradient_norm2: float, dim: int, order: int | None = None):
    """G/|H|: the bound of Theorem 1 of Shalev-Shwartz, Shamir & Shammah (2017) on the variance,
    across targets h in H, of the square-loss gradient of any model with E_x|grad p_w(x)|^2 = G,
    for H = all parities on D bits (|H| = 2^D) or the parities of order K (|H| = C(D, K)).

    Rigorous upper bound on Var(H, w) = E_h|grad F_h - E grad F|^2 (Bessel's inequality). For the
    full class it is attained by the second moment E_h|c_h|^2, c_h = E_x[h g] (Parseval), so
    Var = G/2^D - |g(1,...,1)|^2/4^D exactly. Exact rational (G read as the decimal it was
    written as). Derivation ``parity-gradient-variance``.
    """
    if order is not None and order > dim:
        raise BadInput("order", order, f"integer 0 <= order <= dim = {dim}")
    size = 2**dim if order is None else math.comb(dim, order)
    return _exact(gradient_norm2) / size


@quantity("linear-periodic-gradient-variance",
          Real("radius", lo=0, lo_open=True, hi=1e6, doc="R = |w*|, the frequency of the periodic target"),
          status="exact",
          citation=SSS + ", the linear-periodic example (targets psi(<w*, x>) on Gaussian inputs); "
                   "value for psi = sin normalised to unit variance, the linear model, recomputed here",
          verified="recomputed",
          examples=({"radius": 1.0}, {"radius": 2.5}, {"radius": 30.0}))
def linear_periodic_gradient_variance(radius: float, dps: int = 30):
    """R^2/sinh(R^2) = 2 R^2 e^(-R^2)/(1 - e^(-2 R^2)): the variance across u (uniform on the unit
    sphere of R^d, any d >= 1) of the square-loss gradient of a linear model p_w(x) = <w, x> on
    x ~ N(0, I_d), for the targets h_u(x) = sin(R <u, x>)/sigma_R normalised to unit variance,
    sigma_R^2 = (1 - e^(-2 R^2))/2 (the setting of the linear-periodic example of Shalev-Shwartz,
    Shamir & Shammah 2017).

    grad F_u(w) = w - E_x[h_u(x) x] = w - u R e^(-R^2/2)/sigma_R (Stein's lemma), so the variance
    E_u|grad F_u - E grad F|^2 = R^2 e^(-R^2)/sigma_R^2 is the same at every w and in every
    dimension: exponentially small in R^2. Exact (evaluated in mpmath; 1 at R -> 0). Derivation
    ``linear-periodic-variance``.
    """
    import mpmath

    with mpmath.workdps(dps):
        r2 = mpmath.mpf(radius) ** 2
        return +(r2 / mpmath.sinh(r2))


@quantity("gd-quadratic-rate",
          Real("kappa", lo=1, hi=1e15, doc="kappa = L/mu, the condition number of the quadratic's Hessian"),
          status="exact",
          citation="Nesterov (2004), Introductory Lectures on Convex Optimization, Theorem 2.1.15 (step "
                   "h = 2/(mu + L): |x_k - x*| <= ((kappa - 1)/(kappa + 1))^k |x_0 - x*|), attained by quadratics; "
                   "the ill-conditioning of " + SSS + ", architecture-and-conditioning section",
          verified="recomputed",
          examples=({"kappa": 1}, {"kappa": 10}, {"kappa": 51609.1}, {"kappa": 1e12}))
def gd_quadratic_rate(kappa: float):
    """(kappa - 1)/(kappa + 1): the contraction per step of |w_t - w*| for gradient descent at the step
    eta = 2/(mu + L) on a quadratic F(w) = (w - w*)^T H (w - w*)/2 whose Hessian has extreme
    eigenvalues mu and L = kappa mu (from a start with components along both extreme eigenvectors).

    The error evolves as e_(t+1) = (I - eta H) e_t, so along the eigenvector of lambda it is multiplied
    by 1 - eta lambda each step; max(|1 - eta mu|, |1 - eta L|) is smallest at eta = 2/(mu + L), where
    both equal (L - mu)/(L + mu). Nesterov (2004), Theorem 2.1.15, gives this rate as a bound for every
    mu-strongly convex, L-smooth F; a quadratic attains it. Steps to gain a factor e: 1/ln((kappa + 1)/
    (kappa - 1)) ~ kappa/2. Preconditioning by H^-1 makes kappa = 1: rate 0, one step. Exact (rational
    for a decimal kappa). Derivation ``gd-quadratic-best-step``.
    """
    k = _exact(kappa)
    return (k - 1) / (k + 1)
