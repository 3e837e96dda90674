"""Gardner's capacity of the spherical perceptron with margin kappa, and its inverse at fixed load."""
from __future__ import annotations

import math

from .._quantity import BadInput, Choice, Real, quantity
from ._solve import SQRT2, SQRT2PI, digits, mp_tools, root


_KAPPA_G = Real("kappa", lo=-10.0, hi=20.0, doc="margin (stability) kappa")
_NEG = Choice("negative", choices=("refuse", "rs-upper-bound"), default="refuse",
              doc="what to do for kappa < 0 (replica symmetry unstable)")


def gardner_integral(kappa: float) -> float:
    """int_{-kappa}^inf Dt (t+kappa)^2 = (1+kappa^2) H(-kappa) + kappa G(kappa), double precision."""
    return (1.0 + kappa * kappa) * 0.5 * math.erfc(-kappa / SQRT2) + kappa * math.exp(-kappa * kappa / 2) / SQRT2PI


def gardner_capacity_value(kappa, dps=None):
    if digits(dps) <= 15:
        return 1.0 / gardner_integral(float(kappa))
    mp, H, G = mp_tools(digits(dps))
    k = mp.mpf(kappa)
    v = 1 / ((1 + k * k) * H(-k) + k * G(k))
    mp.mp.dps = digits(dps)
    return +v


@quantity("gardner-capacity", _KAPPA_G, _NEG, status="exact",
          verified="recomputed",
          citation="Gardner (1988), J. Phys. A 21:257 (RS capacity with margin); rigorous for kappa >= 0: "
                   "Shcherbina & Tirozzi (2003), Comm. Math. Phys. 234:383; for kappa < 0 the RS value is an upper "
                   "bound: Stojnic (2013), 'Another look at the Gardner problem', arXiv:1306.3979",
          examples=({"kappa": 0.0}, {"kappa": 0.5}, {"kappa": 2.0}, {"kappa": -0.5, "negative": "rs-upper-bound"}),
          status_by={"negative": {"rs-upper-bound": "rigorous-upper-bound"}},
          regime=lambda kappa, negative, **_: [f"kappa={kappa} < 0: replica-symmetric value, unstable (full RSB "
                                               "needed); only an upper bound on the true capacity"] if kappa < 0 else [])
def gardner_capacity(kappa: float, negative: str = "refuse", dps: int | None = None):
    """alpha_c(kappa) = 1 / int_{-kappa}^inf Dt (t+kappa)^2: capacity of the spherical perceptron with margin kappa.

    Gardner (1988): the fraction of couplings J (|J|^2 = N) with
    sigma^mu J.xi^mu / sqrt N >= kappa for all P = alpha N random patterns vanishes at
    alpha_c(kappa)^{-1} = int_{-kappa}^inf Dt (t + kappa)^2 = (1 + kappa^2) H(-kappa)
    + kappa G(kappa); alpha_c(0) = 2 (Cover's value). The replica-symmetric result is
    proved for kappa >= 0 (Shcherbina & Tirozzi 2003; Stojnic 2013), where the solution
    space is convex. Status: exact for kappa >= 0.

    kappa < 0: the solution space is not convex and the RS saddle point is unstable
    (Gardner & Derrida 1988: de Almeida-Thouless instability for kappa < 0); the
    true capacity needs full replica-symmetry breaking (Franz & Parisi 2016; Franz, Parisi,
    Sevelev, Urbani & Zamponi 2017) and the RS formula is only an upper bound (Stojnic 2013,
    "Another look at the Gardner problem", arXiv:1306.3979; lowered further by Stojnic 2013,
    "Negative spherical perceptron", arXiv:1306.3980). By default kappa < 0 is refused;
    ``negative=rs-upper-bound`` returns the RS value (status rigorous-upper-bound) with a warning.
    """
    if kappa < 0:
        if negative == "refuse":
            raise BadInput("kappa", kappa, "kappa >= 0 (or kappa < 0 with negative=rs-upper-bound)",
                           "replica symmetry is unstable for kappa < 0 (Gardner & Derrida 1988): "
                           "the RS formula is only an upper bound there")
    return gardner_capacity_value(kappa, dps)


def gardner_critical_margin_value(alpha, dps=None):
    """The kappa >= 0 with alpha_c(kappa) = alpha (double precision, or mpmath Newton at ``dps``)."""
    target = 1.0 / float(alpha)
    k = root(lambda k: gardner_integral(k) - target, 0.0, 19.0, tol=1e-15)
    if digits(dps) <= 15:
        return k
    mp, H, G = mp_tools(digits(dps))
    a = mp.mpf(alpha)
    # d/dk int_{-k}^inf Dt (t+k)^2 = 2 (k H(-k) + G(k))
    k = mp.findroot(lambda k: (1 + k * k) * H(-k) + k * G(k) - 1 / a, mp.mpf(k),
                    tol=mp.mpf(10) ** (-digits(dps) - 4))
    mp.mp.dps = digits(dps)
    return +k


@quantity("gardner-critical-margin", Real("alpha", lo=0.0, hi=2.0, lo_open=True, doc="load alpha = P/N"),
          status="exact",
          verified="recomputed",
          citation="Gardner (1988), J. Phys. A 21:257 (the capacity curve alpha_c(kappa) read at fixed load); "
                   "rigorous: Shcherbina & Tirozzi (2003), Comm. Math. Phys. 234:383",
          examples=({"alpha": 0.25}, {"alpha": 1.0}, {"alpha": 1.5}))
def gardner_critical_margin(alpha: float, dps: int | None = None):
    """kappa_c(alpha): the largest margin with which P = alpha N random patterns can be stored (alpha <= 2).

    The inverse of Gardner's capacity curve: alpha_c(kappa) = 1 / int_{-kappa}^inf Dt (t+kappa)^2
    decreases strictly from 2 at kappa = 0 to 0, so at load alpha <= 2 the maximal stability
    of the spherical perceptron (the margin of the maximally stable couplings, min_mu
    sigma^mu J.xi^mu / |J| with |xi| ~ sqrt N) tends to the root kappa_c(alpha) of
    alpha_c(kappa) = alpha as N -> infinity. kappa_c(2) = 0 (Cover). Status: exact (kappa >= 0,
    where Gardner's formula is proved).
    """
    if alpha < 1.0 / gardner_integral(19.0):
        raise BadInput("alpha", alpha, f"{1.0 / gardner_integral(19.0):.6g} <= alpha <= 2 (kappa_c <= 19)",
                       "too small a load: the margin exceeds 19")
    return gardner_critical_margin_value(alpha, dps)
