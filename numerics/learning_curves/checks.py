"""Checks of the double-descent and scaling-law quantities against simulated regressions.

Each grid point's repetitions run in chunks, one SFC64 stream per chunk (``map_chunks``), so a
run is bit-identical for any thread count. Where the quantity is a limit, the point is simulated
at three growing sizes and the per-size means are extrapolated linearly in 1/size (the finite-size
form is known to be smooth in 1/size: exactly so for minimum-norm least squares).
"""
from __future__ import annotations

import numpy as np

from .._check import check
from .._parallel import map_chunks
from .._size import sized
from .._stats import extrapolate, mean
from . import kernels

CHUNK = 8


def _risks(simulate, reps: int, seed, chunk: int = CHUNK, **kw) -> np.ndarray:
    return np.concatenate(map_chunks(lambda gen, k: simulate(gen, k, **kw), reps, chunk, seed))


def _theory(name: str, **params) -> float:
    from ...theory import evaluate

    return float(evaluate(name, **params))


# ---------------------------------------------------------------- minimum-norm least squares, finite n

FINITE_POINTS = ({"samples": 20, "features": 5}, {"samples": 20, "features": 12},
                 {"samples": 10, "features": 16}, {"samples": 12, "features": 30})


def _asymptotic_at(point: dict) -> float:
    return _theory("min-norm-risk", gamma=point["features"] / point["samples"], signal=point["signal"],
                   noise=point["noise"])


@check("min-norm-finite-mc", quantity="min-norm-risk-finite", x="features",
       grid=lambda quick: [{**p, "signal": 1.0, "noise": 0.5} for p in FINITE_POINTS],
       wrong=_asymptotic_at, wrong_label="the asymptotic form at gamma = p/n",
       title="Min-norm least squares: mean excess risk at finite n, p vs the exact inverse-Wishart form",
       ylabel="E|beta_hat - beta|^2")
def min_norm_finite(point, seed, quick):
    reps = sized(40_000, 4_000, quick, minimum=4_000)
    return mean(_risks(kernels.min_norm_risks, reps, seed, chunk=500, n=point["samples"], p=point["features"],
                       signal=point["signal"], noise=point["noise"]))


# ---------------------------------------------------------------- minimum-norm and ridge, n -> infinity

def _sizes(quick: bool, full=(50, 100, 200, 400), small=(25, 50, 100)):
    return small if quick else full


def _other_side(point: dict) -> float:
    """The minimum-norm formula of the other side of gamma = 1, continued to this gamma."""
    g, r2, s2 = point["gamma"], point["signal"], point["noise"]
    return r2 * (1 - 1 / g) + s2 / (g - 1) if g < 1 else s2 * g / (1 - g)


@check("min-norm-asymptotic-mc", quantity="min-norm-risk", x="gamma",
       grid=lambda quick: [{"gamma": g, "signal": 1.0, "noise": 0.5} for g in ((0.5, 2.0) if quick else (0.25, 0.5, 2.0, 3.0))],
       wrong=_other_side, wrong_label="the other side's formula (gamma < 1 <-> gamma > 1)",
       title="Min-norm least squares: excess risk, n = 50..400 extrapolated in 1/n, vs the p/n -> gamma limit",
       ylabel="excess risk")
def min_norm_asymptotic(point, seed, quick):
    sizes = _sizes(quick)
    seeds = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key).spawn(len(sizes))
    ests = []
    for n, s in zip(sizes, seeds):
        reps = sized(20_000 // n, 400 if n < 100 else 100, quick, minimum=12)
        p = int(round(point["gamma"] * n))
        risks = _risks(kernels.min_norm_risks, reps, s, chunk=4, n=n, p=p, signal=point["signal"],
                       noise=point["noise"])
        ests.append(mean(risks))
    return extrapolate(sizes, ests)


def _ridge_wrong(point: dict) -> float:
    return _theory("ridge-risk", **{**point, "ridge": point["ridge"] * point["gamma"]})


@check("ridge-asymptotic-mc", quantity="ridge-risk", x="gamma",
       grid=lambda quick: [{"gamma": 0.5, "ridge": 0.5, "signal": 1.0, "noise": 0.5},
                           {"gamma": 2.0, "ridge": 0.2, "signal": 1.0, "noise": 0.5}],
       wrong=_ridge_wrong, wrong_label="ridge scaled by gamma (loss normalised by p instead of n)",
       title="Ridge regression: excess risk, n = 50..200 extrapolated in 1/n, vs the Marchenko-Pastur form",
       ylabel="excess risk")
def ridge_asymptotic(point, seed, quick):
    sizes = _sizes(quick, full=(50, 100, 200))
    seeds = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key).spawn(len(sizes))
    ests = []
    for n, s in zip(sizes, seeds):
        reps = sized(16_000 // n, 4_000 // n, quick, minimum=16)
        p = int(round(point["gamma"] * n))
        risks = _risks(kernels.ridge_risks, reps, s, chunk=4, n=n, p=p, signal=point["signal"],
                       noise=point["noise"], ridge=point["ridge"])
        ests.append(mean(risks))
    return extrapolate(sizes, ests)


# ---------------------------------------------------------------- random features

def _rf_wrong(point: dict) -> float | None:
    if point["psi1"] == 1:
        return None
    return _theory("random-features-risk", **{**point, "ridge": point["ridge"] / point["psi1"]})


@check("random-features-mc", quantity="random-features-risk", x="psi1",
       grid=lambda quick: [{"psi1": 2.0, "psi2": 1.0, "ridge": 0.1, "signal": 1.0, "noise": 0.25},
                           {"psi1": 0.5, "psi2": 1.5, "ridge": 0.1, "signal": 1.0, "noise": 0.25},
                           {"psi1": 1.5, "psi2": 1.0, "ridge": 0.01, "signal": 1.0, "noise": 0.25}],
       wrong=_rf_wrong, wrong_label="ridge without the N/d factor (lambda d/N)",
       title="ReLU random-features ridge regression: test error, d = 50..200 extrapolated in 1/d, vs Mei-Montanari",
       ylabel="test error")
def random_features(point, seed, quick):
    sizes = (20, 40, 80) if quick else (50, 100, 200)
    seeds = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key).spawn(len(sizes))
    ests = []
    for d, s in zip(sizes, seeds):
        reps = sized(2400 // d, 8, quick, minimum=6)
        risks = _risks(kernels.random_features_risks, reps, s, chunk=2, d=d,
                       features=int(round(point["psi1"] * d)), samples=int(round(point["psi2"] * d)),
                       ridge=point["ridge"], signal=point["signal"], noise=point["noise"])
        ests.append(mean(risks))
    return extrapolate(sizes, ests)


# ---------------------------------------------------------------- power-law spectrum: ratio to the formula

def _ratio_extrapolated(simulate, keys: tuple[str, ...], quantity: str, point: dict, seed, quick, full: int = 200):
    """Mean simulated risk over the formula with every size in ``keys`` at a quarter, half and all of its
    value (same alpha, M, and ratio of the sizes), extrapolated in 1/S (S the smallest size), times the
    formula at the point. The deterministic equivalent's relative error is O(1/S)."""
    scales = (4, 2, 1)
    sizes = tuple(min(point[k] for k in keys) // d for d in scales)
    seeds = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key).spawn(len(sizes))
    ests = []
    for d, s in zip(scales, seeds):
        scaled = {**point, **{k: point[k] // d for k in keys}}
        reps = sized(full, 100, quick, minimum=50)
        risks = _risks(simulate, reps, s, chunk=25, alpha=point["alpha"], modes=point["modes"],
                       **{k: scaled[k] for k in keys})
        ests.append(mean(risks / _theory(quantity, **scaled)))
    ratio = extrapolate(sizes, ests, fitted="simulated risk / formula")
    formula = _theory(quantity, **point)
    from .._stats import Estimate

    return Estimate(ratio.value * formula, ratio.stderr * formula, ratio.n, finite_size=ratio.finite_size)


def _power_law_grid(key: str):
    def grid(quick):
        if quick:
            return [{key: 32, "alpha": 0.5, "modes": 256}, {key: 32, "alpha": 2.0, "modes": 256}]
        return [{key: 64, "alpha": 0.5, "modes": 512}, {key: 128, "alpha": 0.5, "modes": 1024},
                {key: 128, "alpha": 2.0, "modes": 512}]

    return grid


def _exponent_wrong(quantity: str, key: str, exponent):
    """A power law of the wrong exponent through the formula at a quarter of the size."""

    def wrong(point):
        quarter = point[key] // 4
        return _theory(quantity, **{**point, key: quarter}) * 4.0 ** (-exponent(point))

    return wrong


@check("power-law-ridgeless-mc", quantity="power-law-ridgeless-risk", x="samples",
       grid=_power_law_grid("samples"), logy=True,
       wrong=_exponent_wrong("power-law-ridgeless-risk", "samples", lambda p: 1.0),
       wrong_label="exponent -1 from the risk at P/4",
       title="Ridgeless regression, power-law spectrum: risk (ratio to P kappa extrapolated in 1/P) vs P kappa",
       ylabel="risk")
def power_law_ridgeless(point, seed, quick):
    return _ratio_extrapolated(kernels.ridgeless_power_law_risks, ("samples",), "power-law-ridgeless-risk",
                               point, seed, quick)


@check("power-law-projection-mc", quantity="power-law-projection-risk", x="features",
       grid=_power_law_grid("features"), logy=True,
       wrong=_exponent_wrong("power-law-projection-risk", "features", lambda p: 1.0 + p["alpha"]),
       wrong_label="exponent -(1+alpha) from the risk at N/4",
       title="N random projections, unlimited data: risk (ratio to N kappa extrapolated in 1/N) vs N kappa",
       ylabel="risk")
def power_law_projection(point, seed, quick):
    return _ratio_extrapolated(kernels.projection_power_law_risks, ("features",), "power-law-projection-risk",
                               point, seed, quick)


# ---------------------------------------------------------------- power-law spectrum: P samples and N features

def _joint_grid(quick):
    if quick:
        return [{"samples": 64, "features": 32, "alpha": 0.5, "modes": 256},
                {"samples": 32, "features": 64, "alpha": 2.0, "modes": 256}]
    return [{"samples": 128, "features": 64, "alpha": 0.5, "modes": 512},
            {"samples": 64, "features": 128, "alpha": 0.5, "modes": 512},
            {"samples": 96, "features": 256, "alpha": 1.0, "modes": 1024},
            {"samples": 256, "features": 96, "alpha": 1.0, "modes": 1024}]


def _additive(point: dict) -> float:
    """The additive law R(P) + R(N) of the two one-sided risks (a Chinchilla-style form)."""
    return (_theory("power-law-ridgeless-risk", samples=point["samples"], alpha=point["alpha"], modes=point["modes"])
            + _theory("power-law-projection-risk", features=point["features"], alpha=point["alpha"],
                      modes=point["modes"]))


@check("power-law-joint-mc", quantity="power-law-joint-risk", x="samples",
       grid=_joint_grid, logy=True, wrong=_additive, wrong_label="the additive law P kappa(P) + N kappa(N)",
       title="Min-norm regression on N random projections of P samples, power-law spectrum: risk (ratio to "
             "m kappa(m) n/(n-m) extrapolated in 1/min(P, N) at fixed P/N) vs the formula",
       ylabel="risk")
def power_law_joint(point, seed, quick):
    return _ratio_extrapolated(kernels.joint_power_law_risks, ("samples", "features"), "power-law-joint-risk",
                               point, seed, quick, full=800)


# ---------------------------------------------------------------- the P -> infinity law of the discrete risk

ASYMPTOTE_MODES = 200_000
ASYMPTOTE_SIZES = {True: (25, 50, 100, 200), False: (25, 50, 100, 200, 400, 800)}
ASYMPTOTE_POINTS = {True: ({"samples": 100, "alpha": 2.0}, {"samples": 10, "alpha": 3.0}),
                    False: ({"samples": 100, "alpha": 2.0}, {"samples": 1000, "alpha": 2.0},
                            {"samples": 10, "alpha": 3.0}, {"samples": 100, "alpha": 2.5})}


def _kappa_law(point: dict) -> float:
    """R ~ kappa alone, C_alpha^(1+alpha) P^-(1+alpha): the factor P of R = P kappa dropped."""
    return _theory("power-law-risk-asymptote", **point) / point["samples"]


@check("power-law-asymptote-limit", quantity="power-law-risk-asymptote", rule="exact", tolerance=1e-4,
       x="samples", grid=lambda quick: [dict(p) for p in ASYMPTOTE_POINTS[quick]], logy=True,
       wrong=_kappa_law, wrong_label="C_alpha^(1+alpha) P^-(1+alpha) (R ~ kappa, exponent 1+alpha)",
       title="Ridgeless risk on a power-law spectrum: (P/P0)^alpha x the discrete P kappa(P), M = 200000, "
             "extrapolated in 1/P, vs the asymptote at P0",
       ylabel="risk")
def power_law_asymptote_limit(point, seed, quick):
    """y(P) = (P/P0)^alpha R(P) with R = P kappa(P) the discrete formula (``power-law-ridgeless-risk``,
    M = 200000 modes) at P = 25 ... 800 (200 quick), fitted by a quadratic in 1/P; the intercept.
    Deterministic (the seed is not used). Only alpha >= 2: the cutoff at M changes the risk by
    O((P/M)^alpha) relative, below 2e-5 here, but 3e-4 at alpha = 1 and 1 % at alpha = 1/2 even with
    M = 2 000 000, which the 1/P fit does not remove."""
    alpha, P0 = point["alpha"], point["samples"]
    if alpha < 2:
        raise ValueError("alpha >= 2 only: the cutoff at M is not negligible below")
    sizes = ASYMPTOTE_SIZES[quick]
    y = [(P / P0) ** alpha * _theory("power-law-ridgeless-risk", samples=P, alpha=alpha, modes=ASYMPTOTE_MODES)
         for P in sizes]
    fit = np.polyfit(1.0 / np.asarray(sizes, dtype=np.float64), y, 2)
    from .._stats import Estimate

    return Estimate(float(fit[-1]), 0.0, len(sizes))
