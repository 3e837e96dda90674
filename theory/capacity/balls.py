"""Capacity of random L2 balls (and their R -> inf limit, affine subspaces) with margin kappa
(Chung, Lee & Sompolinsky 2016), and its inverse at fixed load."""
from __future__ import annotations

import math

from .._quantity import BadInput, Int, Real, quantity
from ._solve import digits, mp_tools, mpmath_module, root
from .gardner import gardner_capacity_value, gardner_critical_margin, gardner_integral


def ball_inverse_capacity(radius: float, dim: int, kappa: float) -> float:
    """alpha_B^{-1} = E_{t ~ chi_D} F(t), F the Gaussian t0-integral of the inner problem (double)."""
    R, k = float(radius), float(kappa)
    if R == 0.0:
        return gardner_integral(k)
    import numpy as np

    from .._quadrature import G as _G, H as _H, grid as _grid

    Phi = lambda x: _H(-x)  # noqa: E731

    def prim(x, c):  # antiderivative of G(x) (c - x)^2
        return (1 + c * c) * Phi(x) + (2 * c - x) * _G(x)

    c = math.sqrt(dim - 0.5) if dim > 1 else 0.5
    lo, hi = max(0.0, c - 14.0), c + 14.0
    t, w = _grid(lo, hi, 0.5, extra=(c,))
    logdens = (dim - 1) * np.log(np.maximum(t, 1e-300)) - t * t / 2 - (dim / 2 - 1) * math.log(2) - math.lgamma(dim / 2)
    dens = np.exp(logdens)
    with np.errstate(over="ignore"):  # t/R = inf for R near the smallest double: a is clipped at -40
        a = np.maximum(k - t / R, -40.0)  # apex below a, touching between a and b (below -40, Phi, G vanish)
    b = k + R * t
    c1 = k + R * t  # touching: (c1 - t0)^2 / (1 + R^2)
    touching = (prim(b, c1) - prim(a, c1)) / (1 + R * R)
    apex = prim(a, k) - 0.0 + t * t * Phi(a)  # int_{-inf}^a G (k - t0)^2 + t^2 Phi(a)
    return float(np.dot(w * dens, touching + apex))


def _ball_inverse_capacity_mp(radius, dim, kappa, dps):
    mp, H, G = mp_tools(dps)
    R, k, D = mp.mpf(radius), mp.mpf(kappa), int(dim)
    Phi = lambda x: 1 - H(x)  # noqa: E731

    def prim(x, c):
        return (1 + c * c) * Phi(x) + (2 * c - x) * G(x)

    def inner(t):
        a, b = k - t / R, k + R * t
        return (prim(b, b) - prim(a, b)) / (1 + R * R) + prim(a, k) + t * t * Phi(a)

    dens = lambda t: t ** (D - 1) * mp.exp(-t * t / 2) / (2 ** (mp.mpf(D) / 2 - 1) * mp.gamma(mp.mpf(D) / 2))  # noqa: E731
    c = mp.sqrt(D)
    return mp.quad(lambda t: dens(t) * inner(t), [0, max(c - 6, 0), c, c + 6, mp.inf])


def subspace_capacity(dim: int, kappa, dps=None):
    """alpha^{-1} = D + alpha_0(kappa)^{-1}: the R -> inf limit of the ball capacity (D-dimensional
    affine subspaces; "lines" for D = 1, 2/3 at kappa = 0).

    Chung, Lee & Sompolinsky (2016), Phys. Rev. E 93:060301(R) (lines and subspaces as the large-radius
    limit of L2 balls); the limit of the inner problem, F(t) -> Gardner's integral + t^2 with
    <t^2>_{chi_D} = D, is verified term by term in derivation ``capacity-ball``.
    """
    if digits(dps) <= 15:
        return 1.0 / (dim + gardner_integral(float(kappa)))
    v = 1 / (dim + 1 / gardner_capacity_value(kappa, digits(dps) + 10))  # ten guard digits
    mpmath_module().mp.dps = digits(dps)
    return +v


@quantity("manifold-capacity-ball",
          Real("radius", lo=0.0, hi=1e6, allow_inf=True,
               doc="ball radius R relative to the centre norm; inf: D-dimensional affine subspaces"),
          Int("dim", lo=1, hi=10000, doc="ball dimension D"),
          Real("kappa", lo=0.0, hi=20.0, default=0.0, doc="margin kappa >= 0"),
          status="replica-symmetric",
          verified="recomputed", citation="Chung, Lee & Sompolinsky (2016), Phys. Rev. E 93:060301(R) (L2 balls; "
                   "points and lines as limits)",
          examples=({"radius": 1.0, "dim": 3, "kappa": 0.0}, {"radius": 0.5, "dim": 2, "kappa": 0.5},
                    {"radius": 2.0, "dim": 1, "kappa": 0.2}))
def manifold_capacity_ball(radius: float, dim: int, kappa: float = 0.0, dps: int | None = None):
    """alpha_B(kappa,R,D): capacity for P = alpha N random D-dimensional L2 balls of radius R (linear readout).

    Chung, Lee & Sompolinsky (2016): each ball is x0^mu + R sum_i s_i u_i^mu, |s| <= 1,
    centres and axes random (norm sqrt N each); all points of a ball share one label.
    With t0 ~ N(0,1) and t ~ chi_D, the inner problem min |v - t|^2 s.t. v0 - R|v| >= kappa
    gives alpha_B^{-1} = E_t [ int_{kappa-t/R}^{kappa+Rt} Dt0 (kappa+Rt-t0)^2/(1+R^2)
    + int_{-inf}^{kappa-t/R} Dt0 ((kappa-t0)^2 + t^2) ] (derivation ``capacity-ball``).
    Limits: R -> 0 gives Gardner's points, alpha_0(kappa); R = inf is the limit R -> inf,
    D-dimensional affine subspaces ("lines" for D=1), alpha^{-1} = D + alpha_0(kappa)^{-1}, e.g. 2/3
    for lines at kappa = 0 (``subspace_capacity``). Status: replica-symmetric (convex problem for kappa >= 0; the
    paper's value; no rigorous proof known to us).
    """
    if radius == 0.0:
        return gardner_capacity_value(kappa, dps)
    if math.isinf(radius):
        return subspace_capacity(dim, kappa, dps)
    if digits(dps) <= 15:
        return 1.0 / ball_inverse_capacity(radius, dim, kappa)
    mp = mpmath_module()
    v = 1 / _ball_inverse_capacity_mp(radius, dim, kappa, digits(dps))
    mp.mp.dps = digits(dps)
    return +v


def ball_critical_margin_value(radius, dim, alpha, dps=None):
    """The kappa >= 0 with alpha_B(kappa, R, D) = alpha (double, or mpmath secant iteration at ``dps``)."""
    R, target = float(radius), 1.0 / float(alpha)
    if math.isinf(R):
        k = root(lambda k: dim + gardner_integral(k) - target, 0.0, 19.0, tol=1e-15)
    else:
        k = root(lambda k: ball_inverse_capacity(R, dim, k) - target, 0.0, 19.0, tol=1e-15)
    if digits(dps) <= 15:
        return k
    mp = mpmath_module()
    d = digits(dps)
    if math.isinf(R):
        f = lambda k: dim + 1 / gardner_capacity_value(k, d + 5) - 1 / mp.mpf(alpha)  # noqa: E731
    else:
        f = lambda k: _ball_inverse_capacity_mp(radius, dim, k, d) - 1 / mp.mpf(alpha)  # noqa: E731
    mp.mp.dps = d + 5
    k = mp.findroot(f, (mp.mpf(k) * (1 - 1e-9), mp.mpf(k) * (1 + 1e-9) + mp.mpf(1e-12)), solver="secant",
                    tol=mp.mpf(10) ** (-2 * d))
    mp.mp.dps = d
    return +k


@quantity("manifold-ball-critical-margin",
          Real("radius", lo=0.0, hi=1e6, allow_inf=True,
               doc="ball radius R relative to the centre norm; inf: D-dimensional affine subspaces"),
          Int("dim", lo=1, hi=10000, doc="ball dimension D"),
          Real("alpha", lo=0.0, lo_open=True, hi=2.0, doc="load alpha = P/N (balls per input dimension)"),
          status="replica-symmetric",
          verified="recomputed",
          citation="Chung, Lee & Sompolinsky (2016), Phys. Rev. E 93:060301(R) (the ball capacity "
                   "alpha_B(kappa, R, D) read at fixed load)",
          examples=({"radius": 1.0, "dim": 2, "alpha": 0.3}, {"radius": 0.5, "dim": 3, "alpha": 0.2},
                    {"radius": 3.0, "dim": 1, "alpha": 0.4}))
def manifold_ball_critical_margin(radius: float, dim: int, alpha: float, dps: int | None = None):
    """kappa_B(alpha; R, D): the largest margin of a linear readout of P = alpha N random labelled L2 balls.

    The inverse in kappa of ``manifold-capacity-ball``: alpha_B(kappa, R, D) decreases in
    kappa, so at a load alpha below the zero-margin capacity alpha_B(0, R, D) the maximal
    margin (min over balls and their points of the signed field, |w| = 1, centres of norm
    ~ sqrt N) tends to the root of alpha_B(kappa, R, D) = alpha as N -> infinity (Chung,
    Lee & Sompolinsky 2016). R = 0: Gardner's kappa_c(alpha). Status: replica-symmetric.
    """
    top = manifold_capacity_ball.function(radius, dim, 0.0)
    if alpha > top:
        raise BadInput("alpha", alpha, f"0 < alpha <= alpha_B(0, R, D) = {float(top):.6g}",
                       "above the zero-margin capacity: no positive margin")
    if radius == 0.0:
        return gardner_critical_margin.function(alpha, dps)
    low = manifold_capacity_ball.function(radius, dim, 19.0)
    if alpha < low:
        raise BadInput("alpha", alpha, f"{float(low):.6g} <= alpha <= {float(top):.6g}",
                       "too small a load: the margin exceeds 19")
    return ball_critical_margin_value(radius, dim, alpha, dps)
