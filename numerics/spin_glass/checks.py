"""Checks of the loss-landscape quantities: these test the spherical p-spin MODEL and the binary
perceptron, not a trained network.

- ``pspin-critical-points-enumeration``: all critical points of random spherical p-spin
  Hamiltonians at N = 2, 3, 4 (Newton from random starts until the Morse identity holds and a
  batch of starts finds nothing new; ``kernels.all_critical_points``), the mean number per
  index against the exact finite-N Kac-Rice value (z-test, s.e. across Hamiltonians). Power
  test: the annealed count e^{N Theta} of the N -> infinity complexity (Theta_{k,p}(+inf) per
  index, (1/2) ln(p - 1) summed over indices).
- ``pspin-hessian-spectrum``: Newton from random starts to a critical point (a typical one: no
  index is preferred) of p = 3 Hamiltonians at N = 30, 50, 80, the bulk quantiles of the
  Riemannian Hessian's spectrum, centred by +p u (u the point's energy per spin) and rescaled by
  sqrt(N/(N-1)) (the exact finite-N variance), extrapolated linearly in 1/N (the |det Hess| weight
  of critical points moves them by O(1/N)), against the semicircle. (Local minima reached by
  gradient descent are not used: above -E_inf they are atypical critical points, conditioned to
  have no negative eigenvalue.) Power test: a Gaussian spectral law with the
  same variance.
- ``pspin-complexity-finite-size``: no simulation: the exact energy-windowed Kac-Rice count
  (``kac_rice.py``) at N = 4..10, (1/N) ln E Crt_{N,k}(u) fitted as c0 + c1 ln(N)/N + c2/N +
  c3/N^2, c0 against Theta_{k,p}(u) within 5 % (index 0, the window's GOE eigenvalue at least 0.3
  below the bulk edge: a single-eigenvalue large deviation). Power test: Theta without the GOE
  edge term (k+1) I_1.
- ``pspin-critical-energy-finite-size``: the zero of that extrapolated c0(u) (Brent) against E_0
  within 1 %, at p = 30, 50, 100 (where the zero's window eigenvalue lies >= 0.3 below the edge).
  Power test: E_inf in place of E_0.
- ``perceptron-pair-enumeration``: exact enumeration of all 2^N binary weights (Gray code) for
  many instances of Gaussian patterns with random labels; the number of ordered solution pairs at
  each Hamming distance against the exact first moment (z-test, s.e. across instances). Power
  test: independent constraints, 2^N C(N, K) 4^-P.
"""
from __future__ import annotations

import math
from functools import lru_cache
from statistics import NormalDist

import numpy as np

from .._check import check
from .._parallel import map_chunks
from .._size import sized
from .._stats import Estimate, FiniteSize, extrapolate, mean
from . import kernels

BATCH, MAX_STARTS, ITERATIONS = 40, 4000, 60


def run_entropy(seed: np.random.SeedSequence) -> tuple:
    """The cache key of a check's shared sample: its seed's entropy (these checks declare
    ``shared_sample=True``, so every point gets the check's seed and one enumeration serves every
    index or distance)."""
    entropy = seed.entropy
    return tuple(int(e) for e in entropy) if isinstance(entropy, (list, tuple)) else (int(entropy),)


def _theta(p: int, index) -> float:
    """Theta at u = +inf: per index (1/2) ln(p-1) - (p-2)/p; all indices (1/2) ln(p-1)."""
    return 0.5 * math.log(p - 1) - ((p - 2) / p if index is not None else 0.0)


@lru_cache(maxsize=8)
def shared_critical_counts(entropy: tuple, N: int, p: int, rows: int) -> tuple[np.ndarray, np.ndarray]:
    return critical_counts(N, p, rows, np.random.SeedSequence(list(entropy) + [N, p]))


def critical_counts(N: int, p: int, rows: int, seed) -> tuple[np.ndarray, np.ndarray]:
    """Critical points per index (rows, N) of ``rows`` random Hamiltonians, and whether the Morse
    identity held for each (chunks of 64 Hamiltonians, one SFC64 stream each)."""
    expo, mult = kernels.monomials(N, p)

    def work(gen, size):
        coefs = kernels.draw_coefficients(gen, size, mult)
        seeds = gen.integers(0, 2**31 - 1, size)
        return kernels.count_by_index(coefs, expo, p, seeds, BATCH, MAX_STARTS, ITERATIONS)

    parts = map_chunks(work, rows, 64, seed)
    return np.concatenate([c for c, _ in parts]), np.concatenate([ok for _, ok in parts])


ENUMERATION_POINTS = ({"N": 2, "p": 3, "index": 0}, {"N": 3, "p": 3, "index": 0}, {"N": 3, "p": 3, "index": 1},
                      {"N": 4, "p": 3, "index": 0}, {"N": 4, "p": 3, "index": 1}, {"N": 3, "p": 4, "index": 1},
                      {"N": 4, "p": 3, "index": None})


@check("pspin-critical-points-enumeration", shared_sample=True, quantity="pspin-expected-critical-points", x="N",
       grid=lambda quick: [dict(pt) for pt in (ENUMERATION_POINTS[:4] if quick else ENUMERATION_POINTS)],
       wrong=lambda point: math.exp(point["N"] * _theta(point["p"], point.get("index"))),
       wrong_label="annealed count exp(N Theta) of the N -> infinity complexity",
       title="Spherical p-spin: mean number of critical points per index, all found by Newton + Morse identity",
       ylabel="mean number of critical points")
def critical_points_enumeration(point, seed, quick):
    rows = sized(1200, 200, quick, minimum=200)
    counts, _ = shared_critical_counts(run_entropy(seed), point["N"], point["p"], rows)
    index = point.get("index")
    return mean(counts.sum(axis=1) if index is None else counts[:, index])


def _empirical_quantile(values: np.ndarray, level: float) -> float:
    """Quantile of a sorted sample at ``level`` by linear interpolation between the ranks
    (i - 1/2)/n (the classical locations)."""
    n = values.shape[0]
    pos = min(max(level * n - 0.5, 0.0), n - 1.0)
    i = min(int(pos), n - 2)
    return float(values[i] * (i + 1 - pos) + values[i + 1] * (pos - i))


NEWTON_STEPS, ATTEMPTS = 80, 100


def hessian_quantiles(N: int, rows: int, levels, seed, p: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For ``rows`` p = 3 Hamiltonians at size N: a critical point by Newton from a random start (a
    start that has not converged after 80 steps is replaced by a new one; no index is preferred,
    so the point is a typical one, of energy near 0 and index near N/2), and the quantiles
    (rows, len(levels)) of its Riemannian Hessian's spectrum centred by +p u and rescaled by
    sqrt(N/(N-1)); also the energies u (rows,) and the indices (rows,)."""
    def work(gen, size):
        out = []
        for _ in range(size):
            S = kernels.symmetric_tensor(gen, N)
            for _ in range(ATTEMPTS):
                u, ev, residual = kernels.critical_hessian(S, gen.standard_normal(N), 0, NEWTON_STEPS)
                if residual < 1e-8:
                    break
            else:
                raise RuntimeError(f"Newton reached no critical point from {ATTEMPTS} starts (N={N})")
            centred = (ev + p * u) * math.sqrt(N / (N - 1))
            out.append(([_empirical_quantile(centred, q) for q in levels], u, int(np.sum(ev < 0))))
        return out

    rows_out = [r for part in map_chunks(work, rows, 4, seed) for r in part]
    return (np.array([r[0] for r in rows_out]), np.array([r[1] for r in rows_out]),
            np.array([r[2] for r in rows_out]))


HESSIAN_SIZES = (30, 50, 80)
LEVELS = (0.25, 0.75)


@lru_cache(maxsize=4)
def shared_hessian_quantiles(entropy: tuple, sizes: tuple, rows: int, p: int) -> dict:
    """{N: quantiles (rows, len(LEVELS))} for one sample of Hamiltonians shared by the levels."""
    children = np.random.SeedSequence(list(entropy) + [p]).spawn(len(sizes))
    return {N: hessian_quantiles(N, rows, LEVELS, child, p)[0] for N, child in zip(sizes, children)}


def _gaussian_quantile(point: dict) -> float:
    p = point["p"]
    return -p * point["energy"] + math.sqrt(p * (p - 1)) * NormalDist().inv_cdf(point["level"])


@check("pspin-hessian-spectrum", shared_sample=True, quantity="pspin-hessian-quantile", x="level",
       grid=lambda quick: [{"p": 3, "energy": 0.0, "level": q} for q in LEVELS],
       wrong=_gaussian_quantile, wrong_label="Gaussian spectral law of the same variance",
       title="Spherical 3-spin: Hessian spectrum at critical points (centred by +p u), 1/N-extrapolated quantiles",
       ylabel="centred Hessian quantile")
def hessian_spectrum(point, seed, quick):
    rows = sized(40, 8, quick, minimum=8)
    quantiles = shared_hessian_quantiles(run_entropy(seed), HESSIAN_SIZES, rows, point["p"])
    column = LEVELS.index(point["level"])
    estimates = [mean(quantiles[N][:, column]) for N in HESSIAN_SIZES]
    return extrapolate(HESSIAN_SIZES, estimates)


@lru_cache(maxsize=4)
def shared_pair_histograms(entropy: tuple, N: int, P: int, rows: int) -> np.ndarray:
    return pair_histograms(N, P, rows, np.random.SeedSequence(list(entropy) + [N, P]))


def pair_histograms(N: int, P: int, rows: int, seed) -> np.ndarray:
    """Histograms (rows, N + 1) of ordered solution pairs by Hamming distance (chunks of 256)."""
    def work(gen, size):
        xis, ys = kernels.draw_perceptron(gen, size, P, N)
        return kernels.pair_histograms(xis, ys)

    return np.concatenate(map_chunks(work, rows, 256, seed))


def _independent(point: dict) -> float | None:
    N, P, K = point["N"], point["P"], point["distance"]
    if 2 * K == N:
        return None  # theta = pi/2: the same value, no distinct claim
    return 2.0**N * math.comb(N, K) * 0.25**P


PAIR_POINTS = {True: [{"N": 12, "P": 6, "distance": k} for k in (0, 1, 2, 4, 5)],
               False: [{"N": 15, "P": 8, "distance": k} for k in (0, 1, 2, 4, 6)]}


@check("perceptron-pair-enumeration", shared_sample=True, quantity="perceptron-pair-count", x="distance",
       grid=lambda quick: [dict(pt) for pt in PAIR_POINTS[quick]],
       wrong=_independent, wrong_label="independent constraints 2^N C(N,K) 4^-P",
       title="Binary perceptron: ordered solution pairs by Hamming distance, exact enumeration of 2^N weights",
       ylabel="mean number of ordered solution pairs", logy=True)
def pair_enumeration(point, seed, quick):
    rows = sized(8_000, 2_000, quick, minimum=2_000)
    hist = shared_pair_histograms(run_entropy(seed), point["N"], point["P"], rows)
    return mean(hist[:, point["distance"]])



COMPLEXITY_SIZES = tuple(range(4, 11))  # the exact Kac-Rice count costs 2^N states: N <= 10
# index 0, the window's GOE eigenvalue t = sqrt(p/(2(p-1))) u at least 0.3 below the bulk edge -sqrt 2
# (about 1.5 edge widths N^(-2/3) at N = 10), where the count is a single-eigenvalue large deviation
# with corrections ln(N)/N, 1/N, 1/N^2 (near or above the threshold the edge eigenvalue is pushed
# into the bulk and the corrections are N^(-1/2): not covered by this rule)
COMPLEXITY_POINTS = ({"p": 3, "index": 0, "energy": -2.0}, {"p": 4, "index": 0, "energy": -2.5},
                     {"p": 3, "index": 0, "energy": -2.5}, {"p": 3, "index": 0, "energy": -3.0},
                     {"p": 5, "index": 0, "energy": -2.2}, {"p": 10, "index": 0, "energy": -2.5})


def log_count_extrapolation(sizes, rates) -> Estimate:
    """Intercept c0 of the least-squares fit rates = c0 + c1 ln(N)/N + c2/N + c3/N^2 (``stirling_fit``; exact
    per-size values: standard error 0). The record keeps the rates with the fitted log term
    removed, a_N - c1 ln(N)/N, and the polynomial (c0, c2, c3) in 1/N through them, so that the
    generic finite-size plot draws the fit (the record's label says so)."""
    n = np.asarray(sizes, dtype=np.float64)
    a = np.asarray(rates, dtype=np.float64)
    c0, c1, c2, c3 = (float(c) for c in stirling_fit(sizes, a))
    per_size = tuple(Estimate(float(v), 0.0, 1) for v in a - c1 * np.log(n) / n)
    label = "(1/N) ln E Crt_(N,k)(u) less its fitted c1 ln(N)/N term"
    data = FiniteSize(tuple(int(N) for N in sizes), per_size, (c0, c2, c3), 0.0, label)
    return Estimate(c0, 0.0, len(per_size), finite_size=data)


def _no_edge_term(point: dict) -> float:
    """Theta without the GOE edge term (k+1) I_1: the annealed count with the Hessian's smallest
    eigenvalue left in the bulk."""
    p, u = point["p"], point["energy"]
    return 0.5 * math.log(p - 1) - (p - 2) / (4.0 * (p - 1)) * u * u


@check("pspin-complexity-finite-size", quantity="pspin-complexity", rule="exact", tolerance=0.05, x="energy",
       grid=lambda quick: [dict(pt) for pt in (COMPLEXITY_POINTS[:2] if quick else COMPLEXITY_POINTS)],
       wrong=_no_edge_term, wrong_label="Theta without the GOE edge term (k+1) I_1(u)",
       title="Spherical p-spin: (1/N) ln E Crt_{N,k}(u) from the exact Kac-Rice count, N = 4..10, "
             "extrapolated (fit in ln(N)/N, 1/N, 1/N^2)",
       ylabel="(1/N) ln E Crt_{N,k}(u)")
def complexity_finite_size(point, seed, quick):
    from . import kac_rice

    rates = kac_rice.finite_size_rates(point["p"], point["index"], point["energy"], COMPLEXITY_SIZES)
    return log_count_extrapolation(COMPLEXITY_SIZES, rates)


def _window_energy(p: int, distance: float) -> float:
    """The energy per spin u whose window eigenvalue sqrt(p/(2(p-1))) u lies ``distance`` below
    the GOE edge -sqrt 2."""
    return -(math.sqrt(2.0) + distance) / math.sqrt(p / (2.0 * (p - 1)))


def extrapolated_zero(p: int, index: int, sizes=COMPLEXITY_SIZES) -> float:
    """The root u* of the extrapolated complexity c0(u) (``log_count_extrapolation`` of the exact
    rates), by Brent's method on the energies whose window eigenvalue lies 0.3 to 1.5 below the
    GOE edge (the regime of the extrapolation rule); returns E = -u*. Raises if c0 has no sign
    change there."""
    from scipy.optimize import brentq

    from . import kac_rice

    def c0(u: float) -> float:
        return log_count_extrapolation(sizes, kac_rice.finite_size_rates(p, index, u, sizes)).value

    lo, hi = _window_energy(p, 1.5), _window_energy(p, 0.3)
    if c0(lo) * c0(hi) > 0:
        raise RuntimeError(f"the extrapolated complexity has no zero between u = {lo:.4g} and {hi:.4g} (p={p})")
    return -brentq(c0, lo, hi, xtol=1e-4)


CRITICAL_ENERGY_POINTS = ({"p": 30, "index": 0}, {"p": 50, "index": 0}, {"p": 100, "index": 0})


@check("pspin-critical-energy-finite-size", quantity="pspin-critical-energy", rule="exact", tolerance=0.01, x="p",
       grid=lambda quick: [dict(pt) for pt in (CRITICAL_ENERGY_POINTS[1:2] if quick else CRITICAL_ENERGY_POINTS)],
       wrong=lambda point: evaluate_threshold(point["p"]), wrong_label="E_inf (the threshold) in place of E_0",
       title="Spherical p-spin: the zero of the extrapolated complexity (exact Kac-Rice count, N = 4..10) "
             "against E_0",
       ylabel="E_0 (minus the zero of the complexity)")
def critical_energy_finite_size(point, seed, quick):
    return Estimate(extrapolated_zero(point["p"], point["index"]), 0.0, len(COMPLEXITY_SIZES))


def evaluate_threshold(p: int) -> float:
    from ...theory import evaluate

    return float(evaluate("pspin-threshold-energy", p=p))


# ---------------------------------------------------------------- the annealed local entropy as the limit of exact first moments

LOCAL_ENTROPY_POINTS = {True: ({"alpha": 0.3, "distance": 0.05}, {"alpha": 1.0, "distance": 0.2}),
                        False: ({"alpha": 0.3, "distance": 0.05}, {"alpha": 0.5, "distance": 0.2},
                                {"alpha": 1.0, "distance": 0.1}, {"alpha": 0.0, "distance": 0.25},
                                {"alpha": 2.0, "distance": 0.45})}
LOCAL_ENTROPY_SIZES = {True: (1000, 2000, 4000, 8000, 16000), False: (1000, 2000, 4000, 8000, 16000, 32000, 64000)}


def local_entropy_at(N: int, alpha: float, distance: float) -> float:
    """(1/N) ln [E pairs(N, alpha N, D N) / E pairs(N, alpha N, 0)], both exact first moments
    (``perceptron-pair-count``, 40 digits); alpha N and D N must be integers."""
    import mpmath

    from ...theory import evaluate

    P, K = round(alpha * N), round(distance * N)
    if abs(P - alpha * N) > 1e-9 or abs(K - distance * N) > 1e-9:
        raise ValueError(f"alpha N = {alpha * N} and D N = {distance * N} must be integers")
    pairs = evaluate("perceptron-pair-count", N=N, P=P, distance=K, dps=40)
    solutions = evaluate("perceptron-pair-count", N=N, P=P, distance=0, dps=40)
    with mpmath.workdps(40):
        return float(mpmath.log(pairs / solutions) / N)


def _angle_as_hamming(point: dict) -> float | None:
    """The local entropy with the Hamming fraction D in place of the angle theta/pi."""
    from ...theory.dense_clusters import binary_entropy

    if point["alpha"] == 0:
        return None  # no patterns: the same value
    return binary_entropy(point["distance"]) + point["alpha"] * math.log(1.0 - point["distance"])


@check("perceptron-local-entropy-limit", quantity="perceptron-annealed-local-entropy", rule="exact",
       tolerance=1e-8, x="distance", grid=lambda quick: [dict(p) for p in LOCAL_ENTROPY_POINTS[quick]],
       wrong=_angle_as_hamming, wrong_label="H(D) + alpha ln(1 - D) (Hamming fraction for the angle)",
       title="Binary perceptron: annealed local entropy, exact finite-N first moments extrapolated in 1/N",
       ylabel="local entropy (nats per weight)")
def local_entropy_limit(point, seed, quick):
    """The exact finite-N value at N = 1000 ... 64000 (16000 quick), fitted by least squares in the basis
    1, ln(N)/N, 1/N, 1/N^2 (Stirling's series of (1/N) ln C(N, D N): the pattern factor has no finite-N
    correction at fixed D), and the fit's intercept. Deterministic: the seed is not used."""
    sizes = LOCAL_ENTROPY_SIZES[quick]
    coefficients = stirling_fit(sizes, [local_entropy_at(N, point["alpha"], point["distance"]) for N in sizes])
    from .._stats import Estimate

    return Estimate(float(coefficients[0]), 0.0, len(sizes))


def stirling_fit(sizes, values) -> np.ndarray:
    """Least-squares coefficients of values ~ c0 + c1 ln(N)/N + c2/N + c3/N^2 (columns rescaled)."""
    n = np.asarray(sizes, dtype=np.float64)
    basis = np.column_stack([np.ones_like(n), np.log(n) / n, 1.0 / n, 1.0 / n**2])
    scale = np.abs(basis).max(axis=0)
    return np.linalg.lstsq(basis / scale, np.asarray(values, dtype=np.float64), rcond=None)[0] / scale
