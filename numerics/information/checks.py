"""Checks of the information quantities against exact computations and Monte Carlo.

Gaussian information bottleneck: thousands of random linear-Gaussian encoders, rescaled to the
target I(T;X), must never beat the curve; Chechik et al.'s optimal encoders must sit on it; the
critical betas must be where the IB Lagrangian's second variation at A = 0 gains a negative
direction. Noisy layers: an unbiased Monte Carlo of I(X;T) with the exact log mixture density
must lie between the Kolchinsky-Tracey bounds, and the binning estimate is tested as a claimed
value of that information. Linear layers, Bayesian linear regression and the KL-optimal Gaussian
posterior against sampling or numerical optimisation.
"""
from __future__ import annotations

import math

import numpy as np

from ...theory import evaluate
from ...theory import information as theory
from .._check import check
from .._parallel import map_chunks
from .._size import sized
from .._stats import Estimate
from .kernels import (conditional_cov, encoder_informations, ib_information_at, ib_instance, mixture_log_ratio_sums,
                      random_encoders, whitened_spectra)


# ----------------------------------------------------------------------------- Gaussian IB
def _perturbed_curve(point: dict) -> float:
    """The curve with its smallest eigenvalue raised by 5%: a slightly wrong spectrum."""
    values = sorted(point["eigenvalues"])
    values[0] = min(values[0] * 1.05, 1.0)
    return theory.gaussian_ib_curve.function(values, point["info_x"])


def _ib_grid(quick: bool) -> list[dict]:
    points = [([0.1, 0.5, 0.9], 0.5), ([0.1, 0.5, 0.9], 2.0), ([0.1, 0.5, 0.9], 4.0), ([0.3], 0.7),
              ([0.05, 0.2, 0.7, 1.0], 2.5)]
    if not quick:
        points += [([0.1, 0.5, 0.9], 1.0986), ([0.02, 0.03, 0.5], 3.0), ([0.6, 0.8], 0.2), ([0.3], 5.0)]
    return [{"eigenvalues": tuple(e), "info_x": i} for e, i in points]  # tuples: plots group by points


def _optimal_rows(cov_x, cov_xy, cov_y, eigenvalues, info_x):
    beta = theory.gaussian_ib_beta(eigenvalues, info_x)
    A, _, _ = theory.gaussian_ib_encoder(cov_x, cov_xy, cov_y, beta)
    return A[np.any(A != 0, axis=1)]


@check("gaussian-ib-random-encoders", quantity="gaussian-ib-curve", rule="upper-bound", tolerance=1e-9,
       grid=_ib_grid, x="info_x", wrong=_perturbed_curve, wrong_label="the curve with lambda_1 raised by 5%",
       title="Gaussian IB: the best of thousands of random linear encoders at I(T;X) = info_x",
       ylabel="max I(T;Y) over encoders (nats)")
def gaussian_ib_random_encoders(point, seed, quick):
    """Largest exact I(T;Y) over random encoders T = A X + xi (k = 1..d+1 rows, random noise
    covariances; half of them perturbations eps G of the optimum, eps in [1e-4, 1]), each scaled
    so that I(T;X) = info_x exactly. Must not exceed the curve (exact values, rounding 1e-9)."""
    gen = np.random.Generator(np.random.SFC64(seed))
    cov_x, cov_xy, cov_y = ib_instance(gen, point["eigenvalues"])
    cov_x_y = conditional_cov(cov_x, cov_xy, cov_y)
    optimal = _optimal_rows(cov_x, cov_xy, cov_y, point["eigenvalues"], point["info_x"])
    d = cov_x.shape[0]
    total = sized(6000, 1200, quick, minimum=200)
    best, count = -math.inf, 0
    for k in range(1, d + 2):
        A, noise = random_encoders(gen, total // (d + 1), k, d, optimal)
        mu, nu = whitened_spectra(A, noise, cov_x, cov_x_y)
        values = ib_information_at(mu, nu, float(point["info_x"]))
        finite = values[np.isfinite(values)]
        count += finite.size
        best = max(best, float(finite.max()))
    return Estimate(best, 0.0, count)


@check("gaussian-ib-optimal-encoders", quantity="gaussian-ib-curve", rule="exact", tolerance=1e-9,
       grid=_ib_grid, x="info_x", wrong=_perturbed_curve, wrong_label="the curve with lambda_1 raised by 5%",
       title="Gaussian IB: Chechik et al.'s optimal encoder, I(T;Y) by log-determinants",
       ylabel="I(T;Y) of the optimal encoder (nats)")
def gaussian_ib_optimal_encoders(point, seed, quick):
    """Build the optimal encoder (Theorem 3.1) of a random (X, Y) with these eigenvalues at the beta
    whose curve point has I(T;X) = info_x; return its exact I(T;Y) (inf if its I(T;X) is off)."""
    gen = np.random.Generator(np.random.SFC64(seed))
    cov_x, cov_xy, cov_y = ib_instance(gen, point["eigenvalues"])
    beta = theory.gaussian_ib_beta(point["eigenvalues"], point["info_x"])
    A, noise, _ = theory.gaussian_ib_encoder(cov_x, cov_xy, cov_y, beta)
    ix, iy = encoder_informations(A, noise, cov_x, conditional_cov(cov_x, cov_xy, cov_y))
    if abs(ix - point["info_x"]) > 1e-9 * max(1.0, point["info_x"]):
        return Estimate(math.inf, 0.0, 1)
    return Estimate(float(iy), 0.0, 1)


def _negative_directions(cov_x, cov_x_y, beta: float) -> int:
    """Negative eigenvalues of the second variation of I(T;X) - beta I(T;Y) at A = 0 along a row
    a: (1/2)|a|... = a^T [(1 - beta) Sigma_x + beta Sigma_x|y] a / 2 (up to a positive factor)."""
    return int(np.sum(np.linalg.eigvalsh((1 - beta) * cov_x + beta * cov_x_y) < 0))


@check("gaussian-ib-critical-beta-inertia", quantity="gaussian-ib-critical-beta", rule="exact", tolerance=1e-8,
       grid=lambda quick: [{"eigenvalues": tuple(e), "index": i} for e, i in
                           (([0.1, 0.5, 0.9], 1), ([0.1, 0.5, 0.9], 2), ([0.1, 0.5, 0.9], 3), ([0.3], 1),
                            ([0.05, 0.2, 0.7, 1.0], 3))
                           + (() if quick else (([0.01, 0.011, 0.99], 2), ([0.4, 0.6], 2)))],
       wrong=lambda p: 1 / (1 - sorted(p["eigenvalues"], reverse=True)[p["index"] - 1]),
       wrong_label="index counted from the largest eigenvalue", x="index",
       title="Gaussian IB: the beta where the Lagrangian at A = 0 gains its I-th descent direction",
       ylabel="critical beta")
def gaussian_ib_critical_beta_inertia(point, seed, quick):
    """Bisection in beta on the inertia of (1 - beta) Sigma_x + beta Sigma_x|y for a random (X, Y)
    with these eigenvalues: the smallest beta with ``index`` negative eigenvalues (I(T;X) -
    beta I(T;Y) then decreases along ``index`` independent directions from T = 0)."""
    gen = np.random.Generator(np.random.SFC64(seed))
    cov_x, cov_xy, cov_y = ib_instance(gen, point["eigenvalues"], extra=0)
    cov_x_y = conditional_cov(cov_x, cov_xy, cov_y)
    lo, hi = 1.0, 2.0
    while _negative_directions(cov_x, cov_x_y, hi) < point["index"]:
        lo, hi = hi, 2 * hi
        if hi > 1e12:
            return Estimate(math.inf, 0.0, 1)
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if _negative_directions(cov_x, cov_x_y, mid) >= point["index"] else (mid, hi)
    return Estimate(0.5 * (lo + hi), 0.0, 1)


# ----------------------------------------------------------------------------- noisy layers
def mixture_information_mc(centers, noise: float, per_center: int, seed, chunk: int = 256) -> Estimate:
    """Unbiased Monte Carlo of I(X;T), X uniform on the centres, T = mu_X + s Z: per_center samples
    for every centre (stratified), exact log mixture density; the standard error is the
    stratified one, sqrt(sum_i var_i / m) / K."""
    mu = np.ascontiguousarray(np.asarray(centers, dtype=np.float64))
    K, k = mu.shape

    def work(gen, size):
        return mixture_log_ratio_sums(mu, float(noise), gen.standard_normal((K, size, k)))

    parts = map_chunks(work, per_center, chunk, seed)
    s1 = sum(p[0] for p in parts)
    s2 = sum(p[1] for p in parts)
    m = per_center
    means = s1 / m
    variances = np.maximum(s2 / m - means**2, 0.0) * m / (m - 1)
    return Estimate(float(means.mean()), float(math.sqrt(variances.sum() / m) / K), K * m)


def _layer(point: dict) -> dict:
    return {k: v for k, v in point.items() if k != "noise"}


def _mixture_grid(quick: bool) -> list[dict]:
    layers = [(4, 3, "tanh", 1.0, 0.3), (5, 2, "tanh", 2.0, 0.2), (5, 4, "relu", 1.0, 0.25), (6, 3, "tanh", 3.0, 0.15)]
    if not quick:
        layers += [(6, 5, "relu", 1.0, 0.4), (6, 2, "linear", 1.0, 0.3), (4, 8, "tanh", 1.0, 0.6)]
    return [{"form": "random-layer", "input_dim": d, "units": k, "activation": a, "gain": g, "seed": 1, "noise": s}
            for d, k, a, g, s in layers]


def _mixture_measure(point, seed, quick):
    centers = theory.layer_centers(**_layer(point))
    return mixture_information_mc(centers, point["noise"], sized(40_000, 3000, quick, minimum=500), seed)


@check("mixture-information-kl-bound", quantity="mixture-information-kl-upper", rule="upper-bound",
       loose=("9-23% above the Monte Carlo I(X;T) (ratio 1.09-1.23); exact where components coincide or "
              "separate (tests/test_information.py::test_kt_bounds_limits), formula pinned by the "
              "derivation mixture-information-bounds"),
       grid=_mixture_grid, wrong=lambda p: evaluate("mixture-information-bhattacharyya-lower", **p),
       wrong_label="the Bhattacharyya lower bound taken as the value",
       title="Noisy layer: Monte Carlo I(X;T) (exact log mixture density) against the KL upper bound",
       ylabel="I(X;T) (nats)")
def mixture_information_kl_bound(point, seed, quick):
    return _mixture_measure(point, seed, quick)


@check("mixture-information-bhattacharyya-bound", quantity="mixture-information-bhattacharyya-lower",
       rule="lower-bound", grid=_mixture_grid, wrong=lambda p: evaluate("mixture-information-kl-upper", **p),
       loose=("6-14% below the Monte Carlo I(X;T) (ratio 0.86-0.94); exact where components coincide or "
              "separate (tests/test_information.py::test_kt_bounds_limits), formula pinned by the "
              "derivation mixture-information-bounds"),
       wrong_label="the KL upper bound taken as the value",
       title="Noisy layer: Monte Carlo I(X;T) against the Bhattacharyya lower bound",
       ylabel="I(X;T) (nats)")
def mixture_information_bhattacharyya_bound(point, seed, quick):
    return _mixture_measure(point, seed, quick)


BINNING_LAYER = {"form": "random-layer", "input_dim": 6, "units": 4, "activation": "tanh", "gain": 3.0, "seed": 2}


def _binning_wrong(point: dict) -> float:
    return evaluate("binned-layer-information", **_layer(point), bins=30)


@check("binning-versus-noisy-information", quantity="mixture-information-bhattacharyya-lower", rule="lower-bound",
       grid=lambda quick: [{**BINNING_LAYER, "noise": s}
                           for s in ((0.05, 0.2, 0.5, 1.0) if quick else (0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0))],
       wrong=_binning_wrong, wrong_label="the binning estimate (30 edges on [-1, 1], as Shwartz-Ziv & Tishby)",
       x="noise", title="A saturated tanh layer (64 inputs, 4 units): true I(X;T) of the noisy layer vs binning",
       ylabel="I(X;T) (nats)")
def binning_versus_noisy_information(point, seed, quick):
    """Monte Carlo I(X;T) of the noisy layer; the Bhattacharyya bound must hold, and the binning
    estimate of the noise-free layer (which does not depend on the noise) is rejected as its value."""
    return _mixture_measure(point, seed, quick)


def szt_binning(activations: np.ndarray, bins: int, lo: float, hi: float) -> float:
    """Shwartz-Ziv & Tishby's pipeline (idnns/information/information_process.py, processInputIter):
    digitized = edges[np.digitize(a, edges) - 1], unique rows, H = -sum p log2 p; returned in nats.
    Edges kept in float64 (their code casts them to float32)."""
    edges = np.linspace(lo, hi, bins)
    digitized = edges[np.digitize(activations.reshape(-1), edges) - 1].reshape(len(activations), -1)
    _, counts = np.unique(digitized, axis=0, return_counts=True)
    p = counts / counts.sum()
    return float(-np.sum(p * np.log2(p)) * math.log(2)) + 0.0  # no -0.0


@check("binning-estimator-szt-code", quantity="binned-layer-information", rule="exact", tolerance=1e-12,
       grid=lambda quick: [{"form": "random-layer", "input_dim": d, "units": k, "activation": a, "gain": g,
                            "bins": b, **({"hi": 4.0, "lo": 0.0} if a == "relu" else {})}
                           for d, k, a, g in ((8, 3, "tanh", 1.0), (12, 5, "tanh", 4.0), (10, 4, "relu", 1.0))
                           for b in ((2, 5, 30, 100) if quick else (2, 3, 5, 10, 30, 100, 1000))],
       x="bins", wrong=lambda p: evaluate("binned-layer-information", **{**p, "bins": p["bins"] + 1}),
       wrong_label="one edge more (bins + 1)",
       title="Binning estimate: the quantity against a NumPy replica of Shwartz-Ziv & Tishby's code",
       ylabel="binned I(X;T) (nats)")
def binning_estimator_szt_code(point, seed, quick):
    """Activations of the layer computed in NumPy (inputs {-1,1}^d, the same seeded weights), then
    binned by ``szt_binning``."""
    d = point["input_dim"]
    W = np.array(theory.random_layer_weights(point["units"], d, point["gain"], 0))
    X = np.array(theory.hypercube(d))
    pre = X @ W.T
    act = {"tanh": np.tanh, "relu": lambda u: np.maximum(u, 0.0), "linear": lambda u: u}[point["activation"]](pre)
    return Estimate(szt_binning(act, point["bins"], point.get("lo", -1.0), point.get("hi", 1.0)), 0.0, len(X))
