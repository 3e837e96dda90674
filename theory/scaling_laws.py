"""Solvable scaling laws: ridgeless regression on a power-law spectrum (Maloney, Roberts & Sully 2022;
Bahri, Dyer, Kaplan, Lee & Sharma 2021).

Model (every quantity here): M latent Gaussian features x_k ~ N(0, lambda_k), lambda_k = k^-(1+alpha),
k = 1..M, a teacher y = sum_k w_k x_k with w_k^2 = 1 (its power in mode k is v_k^2 = lambda_k) and no
noise. Data-limited side: minimum-norm least squares on P samples of all M features. Parameter-limited
side: infinitely many samples but only N random Gaussian projections F x (F an N x M matrix of i.i.d.
N(0, 1) entries), the best linear predictor on them. The risk is E_x[(y - y_hat)^2], averaged over
the draw.

Deterministic equivalent (Bordelon, Canatar & Pehlevan 2020; Maloney, Roberts & Sully 2022):
kappa solves sum_k lambda_k/(lambda_k + kappa) = P, and the ridgeless risk is
E0 sum_k kappa^2 v_k^2/(lambda_k + kappa)^2 with E0 = P/(P - sum_k lambda_k^2/(lambda_k + kappa)^2); with
v_k^2 = lambda_k the sum equals kappa (P - sum_k lambda_k^2/(lambda_k+kappa)^2), so R = P kappa
(derivation ``power-law-ridgeless``). Its relative error against the simulated finite-P risk is
O(1/P) (about 0.9% at P = 32 and 0.3-0.5% at P = 128 for alpha = 1/2, 1, M = 512; docs/learning_curves.md).
"""
from __future__ import annotations

import math

from ._quantity import BadInput, Int, Real, quantity

MALONEY = ("Maloney, Roberts & Sully (2022), A solvable model of neural scaling laws, arXiv:2210.16859 "
           "(power-law latent spectrum, data- and parameter-limited ridgeless regimes, their duality)")
BAHRI = "Bahri, Dyer, Kaplan, Lee & Sharma (2021), Explaining neural scaling laws, arXiv:2102.06701 (resolution-limited scaling)"
BORDELON = ("Bordelon, Canatar & Pehlevan (2020), Spectrum dependent learning curves in kernel regression, "
            "ICML (generalisation error of kernel regression with its self-consistent kappa)")

MAX_MODES = 2_000_000
_ALPHA = Real("alpha", lo=0, lo_open=True, hi=20, doc="spectral exponent: lambda_k = k^-(1+alpha)")
_MODES = Int("modes", lo=2, hi=MAX_MODES, doc="M, latent modes (cost guard: at most 2,000,000)")


def kappa(size: int, alpha: float, modes: int) -> float:
    """kappa > 0 solving sum_{k=1}^M lambda_k/(lambda_k + kappa) = size, lambda_k = k^-(1+alpha), size < M.

    The left side decreases from M (kappa = 0) to 0: Newton's method on ln kappa from the
    continuum guess, safeguarded by bisection."""
    import numpy as np

    lam = np.arange(1, modes + 1, dtype=np.float64) ** (-(1.0 + alpha))

    def excess(log_k):
        r = lam / (lam + math.exp(log_k))
        return float(r.sum()) - size, -float((r * (1 - r)).sum())  # d/d ln kappa

    c = math.pi / ((1 + alpha) * math.sin(math.pi / (1 + alpha))) if alpha > 0 else 1.0
    lo, hi = math.log(lam[-1]) - 60.0, math.log(lam[0]) + 60.0
    x = min(max((1 + alpha) * math.log(c / size), lo), hi)
    for _ in range(200):
        f, df = excess(x)
        if f > 0:
            lo = x
        else:
            hi = x
        step = x - f / df if df < 0 else 0.5 * (lo + hi)
        x_new = step if lo < step < hi else 0.5 * (lo + hi)
        if abs(x_new - x) < 1e-15 * max(1.0, abs(x)):
            x = x_new
            break
        x = x_new
    return math.exp(x)


def _small_size(name: str):
    """The regime of the leading-order forms: below 32 the simulated mean risk exceeds P kappa by
    more than about 1 % (2.5-5 % at 8, 0.9-1.6 % at 32; docs/learning_curves.md)."""
    def regime(**params) -> list[str]:
        size = params[name]
        return ([f"{name}={size}: R = P kappa is the leading order in 1/{name}; the mean risk exceeds it by about "
                 f"{'more than 2.5' if size < 8 else '1-5'} % here (measured: 2.5-5 % at 8, 0.9-1.6 % at 32)"]
                if size < 32 else [])
    return regime


def _size_guard(name: str, size: int, modes: int) -> None:
    if size >= modes:
        raise BadInput(name, size, f"integer from 1 to modes - 1 = {modes - 1}",
                       "with as many samples or projections as modes the noiseless risk is 0")


@quantity("power-law-ridgeless-risk", Int("samples", lo=1, hi=MAX_MODES, doc="P, training samples (P < M)"),
          _ALPHA, _MODES, status="asymptotic", verified="recomputed", regime=_small_size("samples"),
          citation=MALONEY + "; " + BORDELON + ", at ridge 0; R = P kappa derived here (derivation power-law-ridgeless)",
          examples=({"samples": 32, "alpha": 1.0, "modes": 1024}, {"samples": 64, "alpha": 0.5, "modes": 1024},
                    {"samples": 8, "alpha": 2.0, "modes": 100}, {"samples": 1000, "alpha": 1.0, "modes": 100000}))
def power_law_ridgeless_risk(samples: int, alpha: float, modes: int):
    """R = P kappa, kappa solving sum_{k<=M} lambda_k/(lambda_k + kappa) = P: ridgeless risk on P samples.

    Spectrum lambda_k = k^-(1+alpha), teacher power v_k^2 = lambda_k, no noise (Maloney, Roberts &
    Sully 2022; the deterministic equivalent of Bordelon, Canatar & Pehlevan 2020 with
    ridge 0). Derived in ``power-law-ridgeless``; against simulation the relative error is O(1/P).
    Status: asymptotic (large P).
    """
    _size_guard("samples", samples, modes)
    return samples * kappa(samples, alpha, modes)


@quantity("power-law-projection-risk", Int("features", lo=1, hi=MAX_MODES, doc="N, random projections (N < M)"),
          _ALPHA, _MODES, status="asymptotic", verified="recomputed", regime=_small_size("features"),
          citation=MALONEY + "; duality derived here (derivation power-law-ridgeless); " + BAHRI,
          examples=({"features": 32, "alpha": 1.0, "modes": 1024}, {"features": 64, "alpha": 0.5, "modes": 1024},
                    {"features": 8, "alpha": 2.0, "modes": 100}))
def power_law_projection_risk(features: int, alpha: float, modes: int):
    """R = N kappa(N): risk of the best predictor on N random projections, unlimited data.

    The residual tr((I - Q) Sigma) of projecting Sigma^(1/2) w onto the span of Sigma^(1/2) f_j (j <= N)
    has the same law as the ridgeless residual on P = N samples (both spans are of N i.i.d.
    N(0, Sigma) vectors): data/parameter duality, exact in distribution for Gaussian projections
    and data with the teacher's signs averaged (derivation ``power-law-ridgeless``). So the
    parameter-limited risk is the data-limited one at P = N (Maloney, Roberts & Sully 2022).
    Status: asymptotic (large N).
    """
    _size_guard("features", features, modes)
    return features * kappa(features, alpha, modes)


def c_alpha(alpha: float) -> float:
    """C_alpha = int_0^inf du/(1 + u^(1+alpha)) = pi/((1+alpha) sin(pi/(1+alpha)))."""
    return math.pi / ((1 + alpha) * math.sin(math.pi / (1 + alpha)))


def _asymptote_regime(samples: float, alpha: float) -> list[str]:
    """Where the asymptote is more than 1 % above the M = infinity discrete risk. Euler-Maclaurin: the
    discrete sum sum_{k>=1} 1/(1 + kappa k^(1+alpha)) is the integral minus 1/2 (plus O(kappa)), so
    R = P kappa = C^(1+alpha) P (P + 1/2)^-(1+alpha) and the asymptote exceeds it by
    (1 + 1/(2P))^(1+alpha) - 1 (10.25 % at P = 10, alpha = 1; the discrete risk at M = 2e6 agrees to 5e-5)."""
    excess = math.expm1((1 + alpha) * math.log1p(0.5 / samples))
    if excess <= 0.01:
        return []
    return [f"samples={samples:g}: the P -> infinity law exceeds the discrete risk at M = infinity by about "
            f"{100 * excess:.3g} % here ((1 + 1/(2P))^(1+alpha) - 1, Euler-Maclaurin); "
            f"power-law-ridgeless-risk evaluates the discrete form"]


@quantity("power-law-risk-asymptote", Real("samples", lo=1, hi=1e300, doc="P (or N, by duality)"), _ALPHA,
          status="asymptotic", verified="recomputed", regime=_asymptote_regime,
          citation=MALONEY + ", exponent alpha; the constant C_alpha derived here (derivation power-law-asymptote); " + BAHRI,
          examples=({"samples": 100, "alpha": 1.0}, {"samples": 1000, "alpha": 0.5}, {"samples": 10, "alpha": 3.0}))
def power_law_risk_asymptote(samples: float, alpha: float):
    """R ~ C_alpha^(1+alpha) P^(-alpha), C_alpha = pi/((1+alpha) sin(pi/(1+alpha))): large-M, large-P law.

    With M = infinity, sum_k lambda_k/(lambda_k + kappa) ~ int_0^inf dk/(1 + kappa k^(1+alpha))
    = C_alpha kappa^(-1/(1+alpha)) as kappa -> 0, so kappa ~ (C_alpha/P)^(1+alpha) and R = P kappa
    (derivation ``power-law-asymptote``; the exponent is Maloney, Roberts & Sully 2022's alpha).
    Status: asymptotic (P -> infinity, M = infinity).
    """
    import mpmath

    return mpmath.mpf(c_alpha(alpha)) ** (1 + alpha) * mpmath.mpf(samples) ** (-alpha)


MAX_SIZE = 10**15
_PEAK_TOLERANCE = 0.01  # relative gap between the exact peak factor and n/(n - m) that triggers a warning


def _joint_regime(samples: int, features: int, alpha: float, modes: int) -> list[str]:
    """Outside the leading-order regime: the smaller size below 32, or so close to the peak P = N
    that the exact factor (n-1)/(n-m-1) of the mean differs from n/(n-m) by more than 1 %."""
    m, n = min(samples, features), max(samples, features)
    out = _small_size("samples" if samples <= features else "features")(**{
        "samples" if samples <= features else "features": m})
    gap = m / (n * (n - m - 1))
    if gap > _PEAK_TOLERANCE:
        out.append(f"|samples - features| = {n - m} is close to the interpolation peak: the exact mean carries "
                   f"(n-1)/(n-m-1) = {(n - 1) / (n - m - 1):.4g} where the formula has n/(n-m) = {n / (n - m):.4g} "
                   f"({100 * gap:.2g} % more; n = max, m = min of samples and features)")
    return out


@quantity("power-law-joint-risk", Int("samples", lo=1, hi=MAX_SIZE, doc="P, training samples"),
          Int("features", lo=1, hi=MAX_SIZE, doc="N, Gaussian random projections (features)"), _ALPHA, _MODES,
          status="asymptotic", verified="recomputed", regime=_joint_regime,
          citation=MALONEY + ", the linear random-feature model at ridge 0 with both P and N finite; "
                   "R = m kappa(m) n/(n - m), m = min(P, N), n = max(P, N), derived here (derivation power-law-joint: "
                   "exact P <-> N duality and the inverse-Wishart factor of least squares, Muirhead (1982), Aspects of "
                   "Multivariate Statistical Theory, Theorem 3.2.12); " + BORDELON,
          examples=({"samples": 128, "features": 64, "alpha": 0.5, "modes": 512},
                    {"samples": 64, "features": 128, "alpha": 0.5, "modes": 512},
                    {"samples": 1000, "features": 300, "alpha": 1.0, "modes": 10000},
                    {"samples": 40, "features": 10**12, "alpha": 2.0, "modes": 100}))
def power_law_joint_risk(samples: int, features: int, alpha: float, modes: int):
    """R = m kappa(m) n/(n - m), m = min(P, N), n = max(P, N): ridgeless risk with P samples AND N projections.

    Model: the latent model above; the student regresses y on N Gaussian random projections
    z = F x (F an N x M matrix of i.i.d. N(0, 1) entries) by minimum-norm least squares on P
    samples (the linear random-feature model of Maloney, Roberts & Sully 2022 at ridge 0).
    Averaged over the teacher's signs the risk is |Sigma^(1/2) - Sigma^(1/2) F^T Z^+ X|_F^2, a
    function of two i.i.d. Gaussian matrices that is exactly symmetric under exchanging them:
    the risk at (P, N) has the law of the risk at (N, P) (duality). For n = max > m = min + 1
    the mean is E[R_m] (n-1)/(n-m-1) exactly, R_m the one-sided risk at m (least squares with a
    Gaussian misspecification; inverse-Wishart mean); with E[R_m] -> m kappa(m) and
    (n-1)/(n-m-1) -> n/(n-m) this is the formula (derivation ``power-law-joint``). N -> infinity
    gives ``power-law-ridgeless-risk``, P -> infinity ``power-law-projection-risk``.

    The interpolation peak: the formula diverges at P = N and the mean risk is infinite for
    |P - N| <= 1, so those are refused; near the peak (see the regime warning) the finite-size
    factor differs from n/(n-m) by more than 1 %. min(P, N) must be below M (at or above it the
    risk is 0); max(P, N) may exceed M. Status: asymptotic (large min(P, N), |P - N| of the same order).
    """
    m, n = min(samples, features), max(samples, features)
    if n - m <= 1:
        raise BadInput("samples", samples, "|samples - features| >= 2",
                       f"with features={features} this is the interpolation peak: the formula diverges at P = N "
                       "and the mean ridgeless risk is infinite for |P - N| <= 1")
    _size_guard("samples" if samples <= features else "features", m, modes)
    return m * kappa(m, alpha, modes) * (n / (n - m))
