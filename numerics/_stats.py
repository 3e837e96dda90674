"""Estimates with standard errors, Wilson intervals, z thresholds, weighted fits and
finite-size extrapolation in 1/N."""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo (or exact) estimate: value, its standard error, the number of samples."""

    value: float
    stderr: float
    n: int
    interval: tuple[float, float] | None = None  # e.g. a Wilson interval for a proportion
    finite_size: FiniteSize | None = None  # the per-size estimates an extrapolation in 1/N came from

    def z(self, theory: float, theory_stderr: float = 0.0) -> float:
        scale = math.hypot(self.stderr, theory_stderr)
        if scale == 0.0:
            return 0.0 if self.value == theory else math.copysign(math.inf, self.value - theory)
        return (self.value - theory) / scale


def mean(samples) -> Estimate:
    """Sample mean with the standard error s/sqrt(n)."""
    x = np.asarray(samples, dtype=np.float64).ravel()
    n = x.size
    return Estimate(float(x.mean()), float(x.std(ddof=1) / math.sqrt(n)) if n > 1 else math.inf, n)


def wilson(successes: int, trials: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (Wilson 1927)."""
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def proportion(successes: int, trials: int) -> Estimate:
    """A proportion with its binomial standard error and 95% Wilson interval."""
    p = successes / trials
    se = math.sqrt(max(p * (1 - p), 0.25 / trials) / trials)  # floored so p=0 or 1 still has an error
    return Estimate(p, se, trials, wilson(successes, trials))


def quantile(samples, level: float, z: float = 1.959963984540054) -> Estimate:
    """Sample quantile X_(r), r = ceil(level T), with the order-statistic standard error.

    A sample quantile is asymptotically normal with s.e. sqrt(p(1-p)/T)/f(q); 1/f is estimated
    by the spacing of the order statistics m = ceil(sqrt(T p(1-p))) ranks (one binomial s.e.)
    either side (Siddiqui 1960; Bloch & Gastwirth 1968, Ann. Math. Statist. 39), so the s.e. is
    (X_(r+m) - X_(r-m))/2. The interval is the distribution-free one, ranks r -+ ceil(z sqrt(T p(1-p)))
    (Conover 1999, Practical Nonparametric Statistics, Sec. 3.2).
    """
    x = np.sort(np.asarray(samples, dtype=np.float64).ravel())
    T = x.size
    spread = math.sqrt(T * level * (1 - level))
    r = min(max(math.ceil(level * T), 1), T) - 1

    def at(rank):
        return float(x[min(max(rank, 0), T - 1)])

    m, c = math.ceil(spread), math.ceil(z * spread)
    return Estimate(at(r), (at(r + m) - at(r - m)) / 2, T, (at(r - c), at(r + c)))


def z_critical(alpha: float, tests: int = 1) -> float:
    """Two-sided z threshold at family-wise false-alarm rate alpha over ``tests`` tests (Bonferroni)."""
    return NormalDist().inv_cdf(1 - alpha / (2 * tests))


@dataclass(frozen=True)
class Fit:
    coefficients: np.ndarray
    covariance: np.ndarray
    chi2: float
    dof: int

    def coefficient(self, i: int) -> tuple[float, float]:
        return float(self.coefficients[i]), float(math.sqrt(self.covariance[i, i]))


def weighted_polyfit(x, y, stderr, degree: int = 1) -> Fit:
    """Weighted least squares y = c0 + c1 x + ... + c_d x^d with the coefficients' covariance.

    ``stderr`` are the points' standard errors; the covariance is (A^T W A)^{-1}, scaled
    up by chi2/dof when the fit is worse than the stated errors (never scaled down).
    """
    x, y, s = (np.asarray(a, dtype=np.float64) for a in (x, y, stderr))
    A = np.vander(x, degree + 1, increasing=True) / s[:, None]
    b = y / s
    coef, *_ = np.linalg.lstsq(A, b, rcond=None)
    cov = np.linalg.inv(A.T @ A)
    resid = b - A @ coef
    dof = max(len(x) - degree - 1, 0)
    chi2 = float(resid @ resid)
    if dof > 0 and chi2 / dof > 1:
        cov = cov * (chi2 / dof)
    return Fit(coef, cov, chi2, dof)


@dataclass(frozen=True)
class FiniteSize:
    """Per-size estimates and the weighted fit c0 + c1/N + ... that extrapolated them to N -> inf.

    ``fitted`` names what the per-size values estimate when that is not the check's own
    quantity (e.g. a slope whose extrapolation is transformed afterwards); "" otherwise.
    ``exact``: where an exact finite-N formula is known, its value at each size (None where
    not); the check then also z-tests each per-size value against it, because a 1/N
    extrapolation absorbs an O(1/N) bias of the simulator.
    """

    sizes: tuple[int, ...]
    estimates: tuple[Estimate, ...]
    coefficients: tuple[float, ...]
    intercept_stderr: float
    fitted: str = ""
    exact: tuple[float | None, ...] | None = None

    def record(self) -> dict:
        """JSON-serialisable form, for a check's point record."""
        exact = self.exact or (None,) * len(self.sizes)
        return {"of": self.fitted or None,
                "sizes": [{"N": int(n), "value": e.value, "stderr": json_float(e.stderr), "n": e.n,
                           **({"exact": x} if x is not None else {})}
                          for n, e, x in zip(self.sizes, self.estimates, exact)],
                "fit": {"coefficients": list(self.coefficients),
                        "intercept_stderr": json_float(self.intercept_stderr)}}


def json_float(x: float):
    """x, or the text "inf", "-inf" or "nan" (strict JSON has no such numbers)."""
    return x if math.isfinite(x) else ("inf" if x > 0 else "-inf" if x < 0 else "nan")


def extrapolate(sizes, estimates, degree: int = 1, fitted: str = "", exact=None) -> Estimate:
    """Intercept of the weighted fit of per-size estimates in 1/N (finite-size extrapolation),
    carrying the per-size data and the fit as ``finite_size``; ``exact``: the exact finite-N
    values at the sizes, where known (None entries where not)."""
    estimates = tuple(estimates)
    exact = None if exact is None else tuple(None if x is None else float(x) for x in exact)
    fit = weighted_polyfit(1.0 / np.asarray(sizes, dtype=np.float64), [e.value for e in estimates],
                           [e.stderr for e in estimates], degree)
    value, se = fit.coefficient(0)
    data = FiniteSize(tuple(int(n) for n in sizes), estimates, tuple(float(c) for c in fit.coefficients), se, fitted,
                      exact)
    return Estimate(value, se, int(sum(e.n for e in estimates)), finite_size=data)
