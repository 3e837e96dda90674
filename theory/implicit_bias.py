"""The implicit bias of gradient descent on separable data (Soudry, Hoffer, Nacson, Gunasekar &
Srebro 2018, JMLR 19(70), Theorem 3): gradient descent on the logistic loss
L(w) = sum_n ln(1 + exp(-y_n <w, x_n>)) of linearly separable data, from any start and with a step
eta < 2 beta^-1 sigma_max(X)^-2 (beta = 1/4 for the logistic loss), satisfies

    w(t) = w_hat ln t + w_tilde + o(1),

with w_hat the L2 max-margin (hard-margin SVM) vector, min |w|^2 subject to y_n <w, x_n> >= 1, and,
for almost every data set, w_tilde solving eta exp(-y_n <x_n, w_tilde>) = alpha_n on the support
vectors S, where w_hat = sum_{n in S} alpha_n y_n x_n (the SVM dual). With |S| = dim linearly
independent support vectors w_tilde is explicit: y_n <x_n, w_tilde> = ln(eta/alpha_n).

A data set is given as ``points`` (the coordinates, flattened row by row), ``dim`` and ``labels``
(+1 or -1). The max-margin vector is computed EXACTLY (rationals: the data are read as the
decimals they were written as): the KKT conditions (alpha > 0, every margin >= 1) are verified
exactly on a candidate support set, proposed by enumeration for small data and by a floating-point
solution (scipy) for larger data (a cost guard refuses a full enumeration of more than 1,000 sets). From Python,
:func:`max_margin`, :func:`residual_limit`, :func:`direction_error` and :func:`min_norm_interpolant`
take arrays or lists.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

from ._quantity import BadInput, Int, IntList, Real, RealList, quantity

SOUDRY = ("Soudry, Hoffer, Nacson, Gunasekar & Srebro (2018), The Implicit Bias of Gradient Descent on "
          "Separable Data, JMLR 19(70)")
MAX_SUBSETS = 1_000
DATA_DOMAIN = "points: N*dim coordinates (row by row), labels: N values +1 or -1, linearly separable through 0"


def _q(x) -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    x = float(x)
    if not math.isfinite(x):
        raise BadInput("points", x, DATA_DOMAIN, "not finite")
    return Fraction(repr(x))


def _solve(a: list[list[Fraction]], b: list[Fraction]) -> list[Fraction] | None:
    """Exact Gauss-Jordan solve of a x = b; None if a is singular."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = next((r for r in range(c, n) if m[r][c] != 0), None)
        if p is None:
            return None
        m[c], m[p] = m[p], m[c]
        piv = m[c][c]
        m[c] = [v / piv for v in m[c]]
        for r in range(n):
            if r != c and m[r][c] != 0:
                f = m[r][c]
                m[r] = [v - f * w for v, w in zip(m[r], m[c])]
    return [m[i][n] for i in range(n)]


def _rank(rows: list[list[Fraction]]) -> int:
    m = [r[:] for r in rows]
    rank, cols = 0, len(m[0]) if m else 0
    for c in range(cols):
        p = next((r for r in range(rank, len(m)) if m[r][c] != 0), None)
        if p is None:
            continue
        m[rank], m[p] = m[p], m[rank]
        for r in range(len(m)):
            if r != rank and m[r][c] != 0:
                f = m[r][c] / m[rank][c]
                m[r] = [v - f * w for v, w in zip(m[r], m[rank])]
        rank += 1
    return rank


def _dot(a, b):
    return sum(x * y for x, y in zip(a, b))


@dataclass(frozen=True)
class MaxMargin:
    """The hard-margin SVM through the origin: w_hat (margin normalised to 1, exact rationals), the
    support vectors S (indices), their dual weights alpha (w_hat = sum alpha_n z_n, z_n = y_n x_n),
    and z, the signed data."""

    w_hat: tuple[Fraction, ...]
    support: tuple[int, ...]
    alpha: tuple[Fraction, ...]
    z: tuple[tuple[Fraction, ...], ...]

    @property
    def norm2(self) -> Fraction:
        return _dot(self.w_hat, self.w_hat)

    @property
    def margin(self) -> float:
        return 1 / math.sqrt(self.norm2)


def signed_data(points, dim: int, labels) -> tuple[tuple[Fraction, ...], ...]:
    """z_n = y_n x_n as exact rationals, with the shapes validated (BadInput otherwise)."""
    flat = [_q(v) for row in points for v in (row if hasattr(row, "__len__") else [row])]
    labels = [int(v) for v in labels]
    if any(v not in (1, -1) for v in labels):
        raise BadInput("labels", ",".join(map(str, labels)), "each +1 or -1")
    if dim < 1 or len(flat) != dim * len(labels):
        raise BadInput("points", f"{len(flat)} numbers", f"{len(labels)} labels x dim={dim} coordinates",
                       "wrong length")
    return tuple(tuple(y * v for v in flat[i * dim:(i + 1) * dim]) for i, y in enumerate(labels))


def _kkt(z, s, dim: int) -> MaxMargin | None:
    """The max-margin solution with support ``s`` if it satisfies the KKT conditions exactly, else None."""
    k = len(s)
    alpha = _solve([[_dot(z[i], z[j]) for j in s] for i in s], [Fraction(1)] * k)
    if alpha is None or any(a <= 0 for a in alpha):
        return None
    w = tuple(sum(a * z[i][c] for a, i in zip(alpha, s)) for c in range(dim))
    if all(_dot(w, zm) >= 1 for zm in z):
        return MaxMargin(w, tuple(s), tuple(alpha), tuple(z))
    return None


ENUMERATE = 300  # candidate sets below which the exact enumeration runs directly


def _float_active_set(z, dim: int) -> list[int] | None:
    """Indices on the margin of a floating-point solution (scipy: HiGHS feasibility LP, then the dual
    QP by L-BFGS-B), or None when the LP finds the data not separable through the origin."""
    import numpy as np
    from scipy.optimize import linprog, minimize

    a = np.array([[float(v) for v in row] for row in z])
    lp = linprog(np.zeros(dim), A_ub=-a, b_ub=-np.ones(len(z)), bounds=[(None, None)] * dim, method="highs")
    if lp.status == 2:
        return None
    gram = a @ a.T
    res = minimize(lambda al: 0.5 * al @ gram @ al - al.sum(), np.zeros(len(z)), jac=lambda al: gram @ al - 1.0,
                   bounds=[(0, None)] * len(z), method="L-BFGS-B",
                   options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 20_000})
    margins = a @ (a.T @ res.x)
    return [i for i in range(len(z)) if margins[i] < 1 + 1e-6 * max(1.0, float(np.max(np.abs(margins))))]


def max_margin(points, dim: int, labels) -> MaxMargin:
    """The exact L2 max-margin vector of the data (rows of ``points`` in R^dim, labels +-1).

    KKT: w = sum_{n in S} alpha_n z_n with z_n . w = 1 on S, alpha > 0, z_m . w >= 1 for all m; the
    smallest such S (at most dim points) is the optimum. Small data: every candidate S is tried, in
    exact rationals. Larger data: a floating-point solution (scipy) proposes the points on the
    margin and the KKT conditions are then verified exactly on subsets of them, falling back to the
    full enumeration (with its cost guard) if none verifies. BadInput if not separable.
    """
    z = signed_data(points, dim, labels)
    n = len(z)
    subsets = sum(math.comb(n, k) for k in range(1, min(dim, n) + 1))
    if subsets > ENUMERATE:
        active = _float_active_set(z, dim)
        if active is None and subsets > MAX_SUBSETS:
            raise BadInput("points", f"{n} points", DATA_DOMAIN, "not linearly separable through the origin "
                           "according to a floating-point LP (HiGHS); too many sets to confirm it exactly")
        if active is not None and len(active) <= 12:
            for k in range(1, min(dim, len(active)) + 1):
                for s in itertools.combinations(active, k):
                    found = _kkt(z, s, dim)
                    if found is not None:
                        return found
    if subsets > MAX_SUBSETS:
        raise BadInput("points", f"{n} points in dim {dim}", f"at most {MAX_SUBSETS} candidate support sets "
                       f"(here {subsets}); use fewer points", "too costly for the exact enumeration")
    for k in range(1, min(dim, n) + 1):
        for s in itertools.combinations(range(n), k):
            found = _kkt(z, s, dim)
            if found is not None:
                return found
    raise BadInput("points", f"{n} points", DATA_DOMAIN, "not linearly separable through the origin")


def _generic_support(mm: MaxMargin, dim: int) -> None:
    active = [i for i, zi in enumerate(mm.z) if _dot(zi, mm.w_hat) == 1]
    if len(mm.support) != dim or len(active) != dim:
        raise BadInput("points", f"{len(active)} points on the margin in dim {dim}",
                       f"data with exactly dim={dim} linearly independent support vectors (the generic case "
                       "of Theorem 3)", "degenerate data: w_tilde is not determined by the support equations")


def step_limit(mm: MaxMargin) -> float:
    """8/sigma_max(Z)^2: Theorem 3's step-size limit 2/(beta sigma_max^2) with beta = 1/4 (logistic)."""
    import numpy as np

    s = np.linalg.norm(np.array([[float(v) for v in row] for row in mm.z]), 2)
    return 8.0 / s**2


def _check_eta(mm: MaxMargin, eta: float) -> None:
    limit = step_limit(mm)
    if not 0 < eta < limit:
        raise BadInput("eta", eta, f"0 < eta < 8/sigma_max(X)^2 = {limit:.6g} (Theorem 3's step-size condition)")


def residual_limit(points, dim: int, labels, eta: float, dps: int = 30):
    """w_tilde (mpmath vector): z_n . w_tilde = ln(eta/alpha_n) on the dim support vectors."""
    import mpmath

    mm = max_margin(points, dim, labels)
    _generic_support(mm, dim)
    _check_eta(mm, eta)
    with mpmath.workdps(dps + 10):
        a = mpmath.matrix([[mpmath.mpf(v.numerator) / v.denominator for v in mm.z[i]] for i in mm.support])
        b = mpmath.matrix([mpmath.log(mpmath.mpf(eta) / (mpmath.mpf(al.numerator) / al.denominator))
                           for al in mm.alpha])
        return mpmath.lu_solve(a, b)


def direction_error(points, dim: int, labels, eta: float, steps: float, dps: int = 30):
    """|w_p/|w_p| - w_hat/|w_hat||, w_p = w_hat ln t + w_tilde: the predicted direction error at t."""
    import mpmath

    mm = max_margin(points, dim, labels)
    wt = residual_limit(points, dim, labels, eta, dps)
    with mpmath.workdps(dps + 10):
        wh = mpmath.matrix([mpmath.mpf(v.numerator) / v.denominator for v in mm.w_hat])
        wp = wh * mpmath.log(steps) + wt
        err = wp / mpmath.norm(wp) - wh / mpmath.norm(wh)
        return +mpmath.norm(err)


def min_norm_interpolant(features, targets) -> tuple[Fraction, ...]:
    """The minimum-norm solution of X w = y (rows of X independent), X^T (X X^T)^-1 y, exactly."""
    x = [[_q(v) for v in row] for row in features]
    y = [_q(v) for v in targets]
    c = _solve([[_dot(a, b) for b in x] for a in x], y)
    if c is None:
        raise BadInput("features", f"{len(x)} rows", "linearly independent rows", "singular")
    return tuple(sum(ci * row[j] for ci, row in zip(c, x)) for j in range(len(x[0])))


_DATA = (RealList("points", doc="coordinates of the N points, row by row (N*dim numbers)"),
         Int("dim", lo=1, hi=6, doc="dimension of each point"),
         IntList("labels", lo=-1, hi=1, max_len=40, doc="N labels, each +1 or -1"))
EXAMPLE = {"points": (1.0, 0.5, 0.25, 1.0, -1.0, 0.25, 0.5, -1.0), "dim": 2, "labels": (1, 1, -1, -1)}


def _component(component: int, dim: int) -> None:
    if component >= dim:
        raise BadInput("component", component, f"integer 0 <= component < dim = {dim}")


@quantity("max-margin", *_DATA, status="exact", verified="recomputed",
          citation=SOUDRY + ", Theorem 3 (the L2 max-margin vector w_hat, the hard-margin SVM)",
          examples=(EXAMPLE, {"points": (2.0, 1.0, 1.0, 3.0, 3.0, 0.5), "dim": 2, "labels": (1, 1, 1)}))
def max_margin_value(points, dim: int, labels, dps: int = 30):
    """gamma = 1/|w_hat| = max over unit w of min_n y_n <w, x_n>: the L2 margin of the data (through
    the origin), with w_hat = argmin |w|^2 subject to y_n <w, x_n> >= 1 solved exactly (active-set
    enumeration over rationals). Exact. Derivation ``implicit-bias``.
    """
    import mpmath

    mm = max_margin(points, dim, labels)
    with mpmath.workdps(dps):
        n2 = mm.norm2
        return 1 / mpmath.sqrt(mpmath.mpf(n2.numerator) / n2.denominator)


@quantity("max-margin-direction", *_DATA, Int("component", lo=0, hi=5, doc="which coordinate, 0-based"),
          status="exact", verified="recomputed",
          citation=SOUDRY + ", Theorem 3 (w(t)/|w(t)| -> w_hat/|w_hat|)",
          examples=({**EXAMPLE, "component": 0}, {**EXAMPLE, "component": 1}))
def max_margin_direction(points, dim: int, labels, component: int, dps: int = 30):
    """w_hat_i/|w_hat|: coordinate ``component`` of the unit max-margin direction, the limit of
    w(t)/|w(t)| for gradient descent on the logistic loss (Soudry et al. 2018, Theorem 3). Exact.
    Derivation ``implicit-bias``.
    """
    import mpmath

    _component(component, dim)
    mm = max_margin(points, dim, labels)
    with mpmath.workdps(dps):
        n2 = mm.norm2
        v = mm.w_hat[component]
        return (mpmath.mpf(v.numerator) / v.denominator) / mpmath.sqrt(mpmath.mpf(n2.numerator) / n2.denominator)


_ETA = Real("eta", lo=0, lo_open=True, doc="gradient-descent step on the summed logistic loss (< 8/sigma_max^2)")


@quantity("implicit-bias-residual", *_DATA, _ETA, Int("component", lo=0, hi=5, doc="which coordinate, 0-based"),
          status="exact", verified="recomputed",
          citation=SOUDRY + ", Theorem 3 (w(t) - w_hat ln t -> w_tilde, eta exp(-x_n.w_tilde) = alpha_n on the "
                            "support vectors)",
          examples=({**EXAMPLE, "eta": 0.5, "component": 0}, {**EXAMPLE, "eta": 0.5, "component": 1}))
def implicit_bias_residual(points, dim: int, labels, eta: float, component: int, dps: int = 30):
    """w_tilde_i: coordinate ``component`` of the limit of w(t) - w_hat ln t for gradient descent
    w(t+1) = w(t) - eta grad L(w(t)) on the summed logistic loss, solving
    eta sum_{n in S} exp(-y_n <x_n, w_tilde>) y_n x_n = w_hat on the dim support vectors, i.e.
    y_n <x_n, w_tilde> = ln(eta/alpha_n) (Soudry et al. 2018, Theorem 3; generic data: exactly dim
    independent support vectors with alpha_n > 0, else BadInput). Exact limit (mpmath).
    Derivation ``implicit-bias``.
    """
    _component(component, dim)
    return residual_limit(points, dim, labels, eta, dps)[component]


def _error_regime(points, dim, labels, eta, steps):
    try:
        wt = residual_limit(points, dim, labels, eta, 15)
        mm = max_margin(points, dim, labels)
    except BadInput:
        return []
    ratio = math.sqrt(sum(float(v) ** 2 for v in wt)) / (math.sqrt(float(mm.norm2)) * math.log(steps))
    if ratio > 0.5:
        return [f"|w_tilde|/(|w_hat| ln t) = {ratio:.3g} is not small: t is too early for the asymptotic form"]
    return []


@quantity("implicit-bias-direction-error", *_DATA, _ETA,
          Real("steps", lo=2, hi=1e300, doc="t, the number of gradient steps"),
          status="asymptotic", verified="recomputed", regime=_error_regime,
          citation=SOUDRY + ", Theorem 3 (w(t) = w_hat ln t + w_tilde + o(1); direction error O(1/ln t))",
          examples=({**EXAMPLE, "eta": 0.5, "steps": 1e6}, {**EXAMPLE, "eta": 0.5, "steps": 1e12}))
def implicit_bias_direction_error(points, dim: int, labels, eta: float, steps: float, dps: int = 30):
    """|w_p/|w_p| - w_hat/|w_hat||, w_p = w_hat ln t + w_tilde: the direction error of gradient
    descent at step t predicted by w(t) = w_hat ln t + w_tilde + o(1) (Soudry et al. 2018,
    Theorem 3). Equal to 2 sin(phi/2), tan phi = |P w_tilde|/(|w_hat| ln t + u.w_tilde) with
    u = w_hat/|w_hat| and P the projection orthogonal to u, so that ln t times the error tends
    to |P w_tilde|/|w_hat|. Asymptotic: the neglected o(1) decays as a power of t.
    Derivation ``implicit-bias``.
    """
    return direction_error(points, dim, labels, eta, steps, dps)
