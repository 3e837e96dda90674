"""Statistical-mechanics capacity and learning curves of the perceptron.

Conventions: N inputs, P = alpha N patterns, Dt = exp(-t^2/2) dt / sqrt(2 pi) the Gaussian
measure, H(x) = int_x^inf Dt = erfc(x / sqrt 2) / 2 and G(x) = exp(-x^2/2) / sqrt(2 pi).

Numerics. Every saddle point is solved twice over: at the default precision with
composite Gauss-Legendre quadrature in double precision (fast: ``dltheory eval`` answers in
well under 0.5 s), and, when ``dps`` > 15 is asked for, with mpmath quadrature and Newton
iteration at that precision, started from the double-precision solution. The tests compare
the two paths (independent quadratures) and the derivations (SymPy) compare the closed forms.
Nothing here imports numba, sympy or scipy.
"""
from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache


from ._quantity import BadInput, Choice, Int, Real, quantity

SQRT2 = math.sqrt(2.0)
SQRT2PI = math.sqrt(2.0 * math.pi)

def _mp():
    import mpmath

    return mpmath


def _mp_tools(dps):
    mp = _mp()
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


def _dps(dps):
    return 15 if dps is None else int(dps)


# ----------------------------------------------------------------------------- Cover
_P = Int("P", lo=0, hi=20000, doc="number of points")
_N = Int("N", lo=1, hi=20000, doc="dimension")


def cover_count_int(P: int, N: int) -> int:
    """C(P, N) = 2 sum_{k=0}^{N-1} binom(P-1, k) (C(0, N) = 1)."""
    if P == 0:
        return 1
    total, term = 0, 1  # term = binom(P-1, k)
    for k in range(min(N, P)):
        total += term
        term = term * (P - 1 - k) // (k + 1)
    return 2 * total


@quantity("cover-count", _P, _N, status="exact",
          verified="recomputed",
          citation="Cover (1965), IEEE Trans. Electronic Computers EC-14:326, Theorem 1 (function counting)",
          examples=({"P": 10, "N": 4}, {"P": 200, "N": 50}, {"P": 3, "N": 5}))
def cover_count(P: int, N: int) -> int:
    """C(P,N) = 2 sum_{k<N} binom(P-1,k): dichotomies of P points (general position, R^N) separable through the origin.

    Cover (1965), Theorem 1 (Schlafli's count of the regions of a central hyperplane
    arrangement): C(P+1, N) = C(P, N) + C(P, N-1), C(1, N) = 2, solved by
    C(P, N) = 2 sum_{k=0}^{N-1} binom(P-1, k); C(P, N) = 2^P for P <= N. Exact integer.
    Status: exact (a theorem).
    """
    return cover_count_int(P, N)


@quantity("cover-separable-probability", _P, _N, status="exact",
          verified="recomputed", citation="Cover (1965), IEEE Trans. Electronic Computers EC-14:326, Theorem 1",
          examples=({"P": 40, "N": 20}, {"P": 12, "N": 8}, {"P": 30, "N": 10}))
def cover_separable_probability(P: int, N: int) -> Fraction:
    """C(P,N)/2^P: probability that random labels on P points in general position in R^N are linearly separable.

    Cover (1965): for points in general position and independent fair labels, the
    probability is C(P, N) / 2^P = 2^{1-P} sum_{k<N} binom(P-1, k) (exact rational); it
    equals 1/2 at P = 2N and tends to a step at alpha = P/N = 2 as N -> infinity. Read with
    P = n examples and N = d weights, it is the probability that a homogeneous perceptron
    fits n uniformly random labels: 1/2 at n = 2d, the perceptron's capacity of two random
    labels per weight (the memorisation reference point of Zhang et al. 2017).
    Status: exact.
    """
    return Fraction(cover_count_int(P, N), 2 ** P)


# ----------------------------------------------------------------------------- Gardner
_KAPPA_G = Real("kappa", lo=-10.0, hi=20.0, doc="margin (stability) kappa")
_NEG = Choice("negative", choices=("refuse", "rs-upper-bound"), default="refuse",
              doc="what to do for kappa < 0 (replica symmetry unstable)")


def gardner_integral(kappa: float) -> float:
    """int_{-kappa}^inf Dt (t+kappa)^2 = (1+kappa^2) H(-kappa) + kappa G(kappa), double precision."""
    return (1.0 + kappa * kappa) * 0.5 * math.erfc(-kappa / SQRT2) + kappa * math.exp(-kappa * kappa / 2) / SQRT2PI


def gardner_capacity_value(kappa, dps=None):
    if _dps(dps) <= 15:
        return 1.0 / gardner_integral(float(kappa))
    mp, H, G = _mp_tools(_dps(dps))
    k = mp.mpf(kappa)
    v = 1 / ((1 + k * k) * H(-k) + k * G(k))
    mp.mp.dps = _dps(dps)
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
    if _dps(dps) <= 15:
        return k
    mp, H, G = _mp_tools(_dps(dps))
    a = mp.mpf(alpha)
    # d/dk int_{-k}^inf Dt (t+k)^2 = 2 (k H(-k) + G(k))
    k = mp.findroot(lambda k: (1 + k * k) * H(-k) + k * G(k) - 1 / a, mp.mpf(k),
                    tol=mp.mpf(10) ** (-_dps(dps) - 4))
    mp.mp.dps = _dps(dps)
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


# ----------------------------------------------------------------------------- Ising perceptron
def _ising_rs_equations_double(alpha: float):
    """RS saddle point (q, qhat) and entropy s(alpha) of binary couplings at kappa = 0."""
    import numpy as np

    from ._quadrature import ZT, ZW_D

    z, w = ZT, ZW_D
    with np.errstate(divide="ignore", invalid="ignore"):
        return _ising_inner(alpha, z, w)


def _ising_inner(alpha, z, w):
    import numpy as np

    from ._quadrature import G as _G, H as _H

    def qhat_of(q):
        u = -math.sqrt(q / (1 - q)) * z
        ratio = _G(u) / _H(u)
        return alpha / (1 - q) * float(np.dot(w, ratio * ratio))

    def q_of(qh):
        return float(np.dot(w, np.tanh(math.sqrt(qh) * z) ** 2))

    q = root(lambda q: q_of(qhat_of(q)) - q, 1e-6, 1 - 1e-6, tol=1e-15)
    qh = qhat_of(q)
    u = -math.sqrt(q / (1 - q)) * z
    lncosh = np.logaddexp(math.sqrt(qh) * z, -math.sqrt(qh) * z)  # ln(2 cosh x)
    s = -qh * (1 - q) / 2 + float(np.dot(w, lncosh)) + alpha * float(np.dot(w, np.log(_H(u))))
    return q, qh, s


def ising_rs_entropy(alpha: float) -> float:
    """RS entropy per coupling s_RS(alpha) of the Ising perceptron (kappa = 0), double precision."""
    return _ising_rs_equations_double(alpha)[2]


@lru_cache(maxsize=8)
def ising_1rsb_capacity(dps: int = 15):
    """alpha with s_RS(alpha) = 0 (Krauth & Mezard 1989): double, or mpmath Newton at ``dps``."""
    a0 = root(ising_rs_entropy, 0.5, 1.2, tol=1e-15)
    if dps <= 15:
        return a0
    mp, H, G = _mp_tools(dps)
    q0, qh0, _ = _ising_rs_equations_double(a0)
    D = lambda f: mp.quad(lambda t: G(t) * f(t), [-mp.inf, -6, -2, 0, 2, 6, mp.inf])  # noqa: E731

    def eqs(q, qh, a):
        r = mp.sqrt(q / (1 - q))
        e1 = qh - a / (1 - q) * D(lambda t: (G(-r * t) / H(-r * t)) ** 2)
        e2 = q - D(lambda t: mp.tanh(mp.sqrt(qh) * t) ** 2)
        e3 = (-qh * (1 - q) / 2 + D(lambda t: mp.log(2 * mp.cosh(mp.sqrt(qh) * t)))
              + a * D(lambda t: mp.log(H(-r * t))))
        return e1, e2, e3

    sol = mp.findroot(eqs, (mp.mpf(q0), mp.mpf(qh0), mp.mpf(a0)), tol=mp.mpf(10) ** (-dps - 2))
    a = sol[2]
    mp.mp.dps = dps
    return +a


@quantity("ising-perceptron-capacity", status="1rsb",
          verified="secondary", citation="Krauth & Mezard (1989), J. Phys. France 50:3057 (1RSB, alpha_c = 0.833)",
          examples=({},))
def ising_perceptron_capacity(dps: int | None = None):
    """Storage capacity alpha_c = 0.8330786 of the perceptron with binary couplings J_i = +-1 (kappa = 0).

    Krauth & Mezard (1989): the one-step RSB solution is frozen (Parisi parameter at the
    point where the complexity vanishes) and its capacity is the alpha at which the
    replica-symmetric entropy vanishes, s_RS(alpha_c) = 0, with
    s_RS = extr_{q,qhat} [-qhat (1-q)/2 + int Dz ln 2cosh(sqrt(qhat) z)
    + alpha int Dt ln H(-sqrt(q/(1-q)) t)]. Solved here: alpha_c = 0.83307859...
    (the paper quotes alpha_c ~ 0.83; Ding & Sun 2019 quote 0.833078599 and prove it is a lower
    bound, and Huang 2024 the matching upper bound, each under a numerically checked
    hypothesis). Status: 1rsb (believed exact).

    The replica-symmetric value 4/pi = 1.2732 (Gardner & Derrida 1988) is wrong: its entropy
    is negative for alpha > 0.833, impossible for a discrete system, and it exceeds the
    rigorous first-moment bound alpha_c <= 1 (derivation ``capacity-ising``, which derives
    both); the check ``capacity-ising-enumeration`` uses it as its power test.
    """
    return ising_1rsb_capacity(_dps(dps))


# ----------------------------------------------------------------------------- teacher-student
RULES = ("gibbs", "bayes", "hebb", "max-stability")
_ALPHA = Real("alpha", lo=0.0, hi=1e6, lo_open=True, doc="examples per input dimension, alpha = P/N")


def _gibbs_integral(R: float) -> float:
    """int Dt exp(-R t^2/2) / H(-sqrt(R) t), double precision."""
    import numpy as np

    from ._quadrature import H, ZT, ZW_D

    return float(np.dot(ZW_D, np.exp(-R * ZT * ZT / 2) / H(-math.sqrt(R) * ZT)))


def gibbs_overlap(alpha: float) -> float:
    """Teacher-student overlap R of Gibbs learning: R/sqrt(1-R) = (alpha/pi) int Dt e^{-Rt^2/2}/H(-sqrt R t)."""
    f = lambda R: R / math.sqrt(1 - R) - alpha / math.pi * _gibbs_integral(R)  # noqa: E731
    return root(f, 0.0, 1 - 1e-16, tol=1e-16)


def _gibbs_overlap_mp(alpha, dps):
    mp, H, G = _mp_tools(dps)
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

    from ._quadrature import G as _G, H as _H, grid as _grid

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

    from ._quadrature import H, grid

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
    d = _dps(dps)
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
        mp = _mp()
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
        mp = _mp()
        v = mp.acos(R if rule == "gibbs" else mp.sqrt(R)) / mp.pi
        mp.mp.dps = d
        return +v
    if alpha > 1e3:
        raise BadInput("alpha", alpha, "0 < alpha <= 1000 for rule=max-stability (use regime=large-alpha)",
                       "too large for the saddle-point solver")
    R, _ = max_stability_overlap(alpha)
    return math.acos(R) / math.pi


# ----------------------------------------------------------------------------- manifolds: balls
def ball_inverse_capacity(radius: float, dim: int, kappa: float) -> float:
    """alpha_B^{-1} = E_{t ~ chi_D} F(t), F the Gaussian t0-integral of the inner problem (double)."""
    R, k = float(radius), float(kappa)
    if R == 0.0:
        return gardner_integral(k)
    import numpy as np

    from ._quadrature import G as _G, H as _H, grid as _grid

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
    mp, H, G = _mp_tools(dps)
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
    if _dps(dps) <= 15:
        return 1.0 / (dim + gardner_integral(float(kappa)))
    v = 1 / (dim + 1 / gardner_capacity_value(kappa, _dps(dps) + 10))  # ten guard digits
    _mp().mp.dps = _dps(dps)
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
                    {"radius": 2.0, "dim": 1, "kappa": 0.2}),
          exempt={"check": "tested through its inverse: check capacity-ball-separability measures the maximal "
                           "margin of random balls at load alpha against manifold-ball-critical-margin, the root "
                           "of manifold-capacity-ball(kappa) = alpha (power test: the curve at 1.05 alpha)"})
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
    if _dps(dps) <= 15:
        return 1.0 / ball_inverse_capacity(radius, dim, kappa)
    mp = _mp()
    v = 1 / _ball_inverse_capacity_mp(radius, dim, kappa, _dps(dps))
    mp.mp.dps = _dps(dps)
    return +v


def ball_critical_margin_value(radius, dim, alpha, dps=None):
    """The kappa >= 0 with alpha_B(kappa, R, D) = alpha (double, or mpmath secant iteration at ``dps``)."""
    R, target = float(radius), 1.0 / float(alpha)
    if math.isinf(R):
        k = root(lambda k: dim + gardner_integral(k) - target, 0.0, 19.0, tol=1e-15)
    else:
        k = root(lambda k: ball_inverse_capacity(R, dim, k) - target, 0.0, 19.0, tol=1e-15)
    if _dps(dps) <= 15:
        return k
    mp = _mp()
    d = _dps(dps)
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
