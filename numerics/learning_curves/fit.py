"""A small scaling-law fitter: L(P) = L_inf + a P^(-b) by weighted least squares, with standard errors
from the Jacobian (the Gauss-Newton covariance) or from a parametric bootstrap.

>>> from dltheory.numerics.learning_curves.fit import fit_scaling_law
>>> fit = fit_scaling_law([16, 32, 64, 128], [0.52, 0.35, 0.24, 0.17])   # doctest: +SKIP
>>> fit.b, fit.b_stderr                                                   # doctest: +SKIP
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class ScalingFit:
    """Fitted L_inf, a, b with standard errors and covariance (order: L_inf, a, b), the weighted
    residual chi^2 and its degrees of freedom; ``method``: "jacobian" or "bootstrap (B draws)"."""

    l_inf: float
    a: float
    b: float
    l_inf_stderr: float
    a_stderr: float
    b_stderr: float
    covariance: np.ndarray = field(repr=False)
    chi2: float
    dof: int
    method: str

    def predict(self, sizes) -> np.ndarray:
        return self.l_inf + self.a * np.asarray(sizes, dtype=np.float64) ** (-self.b)


def _model(x, l_inf, a, b):
    return l_inf + a * x ** (-b)


def _start(x, y, fix_l_inf):
    """Initial guess: a log-log line through y - L0, L0 just under min(y) (or 0 / the fixed value)."""
    base = fix_l_inf if fix_l_inf is not None else (min(0.0, 1.1 * y.min()) if y.min() <= 0 else 0.0)
    slope, icpt = np.polyfit(np.log(x), np.log(np.maximum(y - base, 1e-300)), 1)
    return base, math.exp(icpt), max(-slope, 1e-3)


def fit_scaling_law(sizes, losses, stderr=None, *, fix_l_inf: float | None = None, bootstrap: int = 0,
                    seed=0) -> ScalingFit:
    """Fit L = L_inf + a P^(-b) to (sizes, losses).

    ``stderr``: the losses' standard errors (weights, taken as absolute); without them the points
    are weighted equally and the covariance is scaled by the residual variance. ``fix_l_inf``: hold
    L_inf at a known value (e.g. 0 for a noiseless model) and fit a, b only. ``bootstrap`` > 0: the
    standard errors are the spread of refits to that many parametric resamples (losses + N(0, stderr^2)
    or residual-scale noise), seeded by ``seed``; otherwise from the Jacobian at the optimum.
    """
    from scipy.optimize import curve_fit

    x = np.asarray(sizes, dtype=np.float64)
    y = np.asarray(losses, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape or np.any(x <= 0) or not np.all(np.isfinite(y)):
        raise ValueError("sizes must be positive and losses finite, both 1-D of equal length")
    free = 3 if fix_l_inf is None else 2
    if x.size <= free:
        raise ValueError(f"need more than {free} points to fit {free} parameters")
    sigma = None if stderr is None else np.asarray(stderr, dtype=np.float64)
    l0, a0, b0 = _start(x, y, fix_l_inf)
    if fix_l_inf is None:
        f, p0 = _model, (l0, a0, b0)
    else:
        f, p0 = (lambda s, a, b: _model(s, fix_l_inf, a, b)), (a0, b0)
    popt, pcov = curve_fit(f, x, y, p0=p0, sigma=sigma, absolute_sigma=sigma is not None, maxfev=20000)
    resid = (y - f(x, *popt)) / (1.0 if sigma is None else sigma)
    chi2, dof = float(resid @ resid), x.size - free
    method = "jacobian"
    if bootstrap > 0:
        rng = np.random.default_rng(seed)
        scale = sigma if sigma is not None else math.sqrt(chi2 / dof) * np.ones_like(y)
        draws = []
        for _ in range(bootstrap):
            try:
                draws.append(curve_fit(f, x, f(x, *popt) + scale * rng.standard_normal(y.size), p0=popt,
                                       sigma=sigma, maxfev=20000)[0])
            except RuntimeError:  # a resample the optimiser cannot fit is left out, and counted
                continue
        draws = np.array(draws)
        pcov = np.cov(draws.T)
        method = f"bootstrap ({len(draws)} of {bootstrap} draws)"
    if fix_l_inf is not None:
        popt = np.concatenate([[fix_l_inf], popt])
        full = np.zeros((3, 3))
        full[1:, 1:] = pcov
        pcov = full
    se = np.sqrt(np.maximum(np.diag(pcov), 0.0))
    return ScalingFit(float(popt[0]), float(popt[1]), float(popt[2]), float(se[0]), float(se[1]), float(se[2]),
                      pcov, chi2, dof, method)
