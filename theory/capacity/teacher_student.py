"""Teacher-student learning curves of the perceptron (Gibbs, Bayes, Hebb, maximal stability)."""
from __future__ import annotations

import math
from functools import lru_cache

from .._quantity import BadInput, Choice, Real, quantity
from ._solve import SQRT2, SQRT2PI, digits, mp_tools, mpmath_module, root


RULES = ("gibbs", "bayes", "hebb", "max-stability")
_ALPHA = Real("alpha", lo=0.0, hi=1e6, lo_open=True, doc="examples per input dimension, alpha = P/N")


def _gibbs_integral(R: float) -> float:
    """int Dt exp(-R t^2/2) / H(-sqrt(R) t), double precision."""
    import numpy as np

    from .._quadrature import H, ZT, ZW_D

    return float(np.dot(ZW_D, np.exp(-R * ZT * ZT / 2) / H(-math.sqrt(R) * ZT)))


def gibbs_overlap(alpha: float) -> float:
    """Teacher-student overlap R of Gibbs learning: R/sqrt(1-R) = (alpha/pi) int Dt e^{-Rt^2/2}/H(-sqrt R t)."""
    f = lambda R: R / math.sqrt(1 - R) - alpha / math.pi * _gibbs_integral(R)  # noqa: E731
    return root(f, 0.0, 1 - 1e-16, tol=1e-16)


def _gibbs_overlap_mp(alpha, dps):
    mp, H, G = mp_tools(dps)
    a = mp.mpf(alpha)
    D = lambda f: mp.quad(lambda t: G(t) * f(t), [-mp.inf, -6, -2, 0, 2, 6, mp.inf])  # noqa: E731
    f = lambda R: R / mp.sqrt(1 - R) - a / mp.pi * D(lambda t: mp.exp(-R * t * t / 2) / H(-mp.sqrt(R) * t))  # noqa: E731
    R = mp.findroot(f, mp.mpf(gibbs_overlap(float(alpha))), tol=mp.mpf(10) ** (-dps - 2))
    if isinstance(R, mp.mpc):
        if abs(R.imag) > mp.mpf(10) ** (-dps):
            raise ArithmeticError("Gibbs saddle point left the real axis")
        R = R.real
    return R


def _ms_parts(R: float, kappa: float):
    """I_A = int_{-inf}^kappa Dt 2H(-Rt/s)(kappa-t)^2 and I_B = int_{-inf}^kappa Dt G(Rt/s) t (kappa-t)^2, s = sqrt(1-R^2)."""
    import numpy as np

    from .._quadrature import G as _G, H as _H, grid as _grid

    s = math.sqrt(1 - R * R)
    lo = min(-12.0, kappa - 14.0)
    t, w = _grid(lo, kappa, 1.0, extra=tuple(c * s for c in (-6, -3, -1, 0, 1, 3, 6)))
    g = w * _G(t) * (kappa - t) ** 2
    ia = float(np.dot(g, 2 * _H(-R * t / s)))
    ib = float(np.dot(g, _G(R * t / s) * t))
    return ia, ib, s


def max_stability_alpha_kappa(R: float) -> tuple[float, float]:
    """(alpha, kappa) of the maximally stable student at teacher overlap R (q -> 1 saddle point).

    Equations (derivation ``capacity-teacher-student``): with s = sqrt(1-R^2),
    (A) 1 - R^2 = alpha I_A(R, kappa), (B) R s^3 = -alpha I_B(R, kappa).
    Eliminating alpha: R s^3 I_A + (1-R^2) I_B = 0 fixes kappa(R).
    """
    def gap(kappa):
        ia, ib, s = _ms_parts(R, kappa)
        return R * s ** 3 * ia + (1 - R * R) * ib

    hi = 1.0
    while gap(hi) < 0:
        hi *= 2
        if hi > 64:
            raise ArithmeticError("max-stability: no kappa")
    kappa = root(gap, 0.0, hi, tol=1e-14)
    ia, _, _ = _ms_parts(R, kappa)
    return (1 - R * R) / ia, kappa


def max_stability_overlap(alpha: float) -> tuple[float, float]:
    """(R, kappa) of the maximally stable perceptron trained on alpha N teacher-labelled examples."""
    # alpha(R) increases from 0 (R -> 0) to infinity (R -> 1); work in x = artanh-like variable
    f = lambda R: max_stability_alpha_kappa(R)[0] - alpha  # noqa: E731
    small = BadInput("alpha", alpha, "alpha >= 5e-4 for max-stability", "too small to resolve (margin kappa > 64)")
    lo, hi = 0.5, 0.5
    try:
        while f(lo) > 0:
            lo /= 2
            if lo < 1e-3:
                raise small
    except ArithmeticError:  # kappa(R) beyond the bracket: alpha below what is resolved (about 3e-4)
        raise small from None
    while f(hi) < 0:
        hi = 1 - (1 - hi) / 4
        if 1 - hi < 1e-12:
            raise BadInput("alpha", alpha, "alpha <= 1e5 for max-stability", "too large to resolve")
    R = root(f, lo, hi, tol=1e-13)
    return R, max_stability_alpha_kappa(R)[1]


def hebb_overlap(alpha: float) -> float:
    """R = sqrt(2 alpha / (2 alpha + pi)) of the Hebb rule J = sum_mu sigma_T^mu xi^mu."""
    return math.sqrt(2 * alpha / (2 * alpha + math.pi))


@lru_cache(maxsize=4)
def gibbs_asymptote_integral() -> float:
    """I = int dt exp(-t^2) / (sqrt(2 pi) H(-t)) (Gibbs/Bayes large-alpha constant), double precision."""
    import numpy as np

    from .._quadrature import H, grid

    t, w = grid(-14.0, 14.0, 1.0)
    return float(np.dot(w, np.exp(-t * t) / (SQRT2PI * H(-t))))


def max_stability_asymptote() -> float:
    """lim alpha eps(alpha) of the maximally stable perceptron, from the saddle point at R -> 1."""
    # alpha eps = alpha arccos(R)/pi; evaluate along R -> 1 and extrapolate (Richardson in 1-R)
    vals = []
    for d in (1e-4, 5e-5):
        R = 1 - d
        a, _ = max_stability_alpha_kappa(R)
        vals.append(a * math.acos(R) / math.pi)
    # alpha eps = c + O(1 - R): linear extrapolation in d
    return vals[1] + (vals[1] - vals[0]) * (5e-5 / (1e-4 - 5e-5))


@quantity("teacher-student-error", Choice("rule", choices=RULES, doc="learning rule"), _ALPHA,
          Choice("regime", choices=("saddle", "large-alpha"), default="saddle",
                 doc="saddle: the full saddle-point curve; large-alpha: the leading asymptote"),
          status="replica-symmetric",
          verified="secondary", citation="Engel & Van den Broeck (2001), Statistical Mechanics of Learning, Chs. 2-4; "
                   "Seung, Sompolinsky & Tishby (1992), Phys. Rev. A 45:6056; "
                   "Opper & Haussler (1991), Phys. Rev. Lett. 66:2677 (Bayes)",
          examples=({"rule": "hebb", "alpha": 2.0}, {"rule": "gibbs", "alpha": 1.0}, {"rule": "bayes", "alpha": 3.0},
                    {"rule": "max-stability", "alpha": 2.0},
                    {"rule": "gibbs", "alpha": 100.0, "regime": "large-alpha"}),
          status_by={"regime": {"large-alpha": "asymptotic"}, "rule": {"hebb": "exact"}},
          regime=lambda alpha, regime, **_: [f"regime=large-alpha is the leading term as alpha -> inf, meant for "
                                             f"alpha >= 10 (here {alpha:g}); use regime=saddle"]
          if regime == "large-alpha" and alpha < 10 else [])
def teacher_student_error(rule: str, alpha: float, regime: str = "saddle", dps: int | None = None):
    """Generalisation error eps(alpha) = arccos(R)/pi of a perceptron student of a perceptron teacher (N -> inf).

    Inputs xi ~ N(0, I_N), teacher T uniform on the sphere, P = alpha N labels
    sign(T.xi); eps = arccos(R)/pi with R the normalised student-teacher overlap.
    - hebb: R = sqrt(2 alpha / (2 alpha + pi)) (Vallet 1989; E&VdB Ch. 3); exact as
      N -> inf. Large alpha: eps ~ 1/sqrt(2 pi alpha) = 0.3989/sqrt(alpha).
    - gibbs (zero-temperature Gibbs learning: a random vector of the version space):
      R/sqrt(1-R) = (alpha/pi) int Dt exp(-R t^2/2)/H(-sqrt R t) (E&VdB Ch. 2; Seung,
      Sompolinsky & Tishby 1992). Large alpha: eps ~ sqrt 2 / (I alpha) = 0.6246/alpha,
      I = int dt e^{-t^2}/(sqrt(2 pi) H(-t)).
    - bayes (centre of mass of the version space, Bayes-optimal): same q = R as Gibbs and
      eps = arccos(sqrt R)/pi (Opper & Haussler 1991; E&VdB Ch. 3). Large alpha:
      eps ~ 1/(I alpha) = 0.4417/alpha.
    - max-stability (maximal-margin student): q -> 1 limit of Gardner's calculation with a
      teacher, equations (A), (B) in derivation ``capacity-teacher-student`` (E&VdB
      Ch. 4; Opper, Kinzel, Kleinz & Nehl 1990). Large alpha: eps ~ 0.5005/alpha.
    regime=large-alpha returns the leading asymptote at this alpha instead of the curve.
    Status: replica-symmetric (RS is stable: the version space is convex; for Bayes the
    formula is proved, Barbier, Krzakala, Macris, Miolane & Zdeborova 2019, PNAS 116:5451).
    """
    d = digits(dps)
    if regime == "large-alpha":
        if rule == "hebb":
            return 1 / math.sqrt(2 * math.pi * alpha)
        if rule == "gibbs":
            return SQRT2 / (gibbs_asymptote_integral() * alpha)
        if rule == "bayes":
            return 1 / (gibbs_asymptote_integral() * alpha)
        return max_stability_asymptote() / alpha
    if rule == "hebb":
        if d <= 15:
            return math.acos(hebb_overlap(alpha)) / math.pi
        mp = mpmath_module()
        mp.mp.dps = d
        a = mp.mpf(alpha)
        return mp.acos(mp.sqrt(2 * a / (2 * a + mp.pi))) / mp.pi
    if rule in ("gibbs", "bayes"):
        if alpha > 1e4:
            raise BadInput("alpha", alpha, "0 < alpha <= 1e4 for rule=gibbs|bayes (use regime=large-alpha)",
                           "too large for the saddle-point solver")
        if d <= 15:
            R = gibbs_overlap(alpha)
            return math.acos(R if rule == "gibbs" else math.sqrt(R)) / math.pi
        R = _gibbs_overlap_mp(alpha, d)
        mp = mpmath_module()
        v = mp.acos(R if rule == "gibbs" else mp.sqrt(R)) / mp.pi
        mp.mp.dps = d
        return +v
    if alpha > 1e3:
        raise BadInput("alpha", alpha, "0 < alpha <= 1000 for rule=max-stability (use regime=large-alpha)",
                       "too large for the saddle-point solver")
    R, _ = max_stability_overlap(alpha)
    return math.acos(R) / math.pi
