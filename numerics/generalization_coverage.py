"""Coverage checks of the VC bound and the Rademacher margin bound on random labels.

With labels independent of the inputs every classifier's true 0-1 risk is exactly 1/2, so a
bound fails for the learned classifier exactly when its value is below 1/2.

* ``vc-bound-thresholds-coverage`` (the VC bound: Vapnik & Chervonenkis 1971; Abu-Mostafa,
  Magdon-Ismail & Lin 2012, Thm 2.5): empirical risk minimisation over thresholds on the line
  (VC dimension 1, growth function n + 1, equal to the Sauer-Shelah sum). The ERM's error
  count has an exact distribution (reflection principle), so the violation probability of
  the VC bound, and of the bound with its complexity term divided by 8, is exact: z-test.
* ``rademacher-margin-bound-coverage`` (Mohri, Rostamizadeh & Talwalkar 2018, Thm 5.8): the
  l2 unit ball of linear functions on inputs uniform on the unit sphere (so Rad_S <= 1/sqrt(n)
  for every sample, their Thm 5.10), the Hebbian
  learner w = sum y_i x_i / ||.||. The bound holds in a trial iff the gap
  R(w) - R_gamma(w) is at most its complexity term, so its (1 - delta)-quantile must not
  exceed that term: one-sided rule on the sample quantile.
"""
from __future__ import annotations

import math
import os
from fractions import Fraction
from functools import lru_cache

import numpy as np
from numba import njit

from ._check import check
from ._parallel import map_chunks
from ._stats import proportion, quantile


def _full_trials(trials: int) -> int:
    """Full-size trial counts times $DLTHEORY_CHECK_SCALE (the slow tests shrink them)."""
    return max(200, int(trials * float(os.environ.get("DLTHEORY_CHECK_SCALE", "1"))))


# ----------------------------------------------------------------- VC bound, thresholds on the line
@njit(cache=True, nogil=True)
def _threshold_erm_errors(x, positive):
    """Per trial: the fewest training errors of a threshold classifier 1[x > t], t in [-inf, inf].

    Scans the sorted inputs; cutting after the k smallest predicts 0 there and 1 above, so the
    error count moves by +1 (a positive label moves below the cut) or -1 (a negative one).
    """
    trials, n = x.shape
    out = np.empty(trials, dtype=np.int64)
    for t in range(trials):
        order = np.argsort(x[t])
        errors = 0
        for i in range(n):
            errors += 1 - positive[t, i]  # cut below every point: all predicted 1
        best = errors
        for k in range(n):
            errors += 1 if positive[t, order[k]] else -1
            if errors < best:
                best = errors
        out[t] = best
    return out


def threshold_erm_errors(n: int, trials: int, seed, chunk: int = 256) -> np.ndarray:
    """ERM error counts of thresholds on n inputs uniform on [0, 1] with fair random labels."""
    def work(gen, size):
        x = gen.random((size, n))
        positive = gen.integers(0, 2, size=(size, n), dtype=np.int8)
        return _threshold_erm_errors(x, positive)

    return np.concatenate(map_chunks(work, trials, chunk, seed))


def threshold_erm_cdf(n: int, k: int) -> Fraction:
    """Exact P(ERM error count <= k), 0 <= k < n/2, thresholds 1[x > t] on n random labels.

    With W_j = (negatives - positives) among the j smallest inputs and M = max_j W_j, the ERM
    makes (n + W_n)/2 - M errors. By the reflection principle (Feller 1968, Vol. I, Ch. III.1)
    the paths ending at w whose maximum reaches r = (n + w)/2 - k > max(0, w) number
    C(n, (n + 2r - w)/2) = C(n, k), whatever w; every other path ending at w is counted whole:
    P = [sum_{j<=k} C(n, j) + sum_{j>=n-k} C(n, j) + (n - 2k - 1) C(n, k)] / 2^n.
    (k = 0 gives (n + 1)/2^n: the n + 1 labellings thresholds realise.)
    """
    if k < 0:
        return Fraction(0)
    if 2 * k >= n:
        raise ValueError(f"k={k}: the formula needs k < n/2")
    tails = sum(math.comb(n, j) for j in range(k + 1))
    return Fraction(2 * tails + (n - 2 * k - 1) * math.comb(n, k), 2 ** n)


@lru_cache(maxsize=None)
def _vc_critical(n: int, delta: float, scale: float) -> int:
    """Largest error count k whose bound k/n + scale * (complexity term) is below 1/2 (-1 if none).

    The term is ``vc-generalization-bound`` (VC dimension 1) at empirical risk 0; the quantity
    adds the empirical risk to it in the same float operation."""
    from dltheory.theory import evaluate

    term = scale * float(evaluate("vc-generalization-bound", vc=1, n=n, delta=delta))
    k = -1
    while 2 * (k + 1) < n and (k + 1) / n + term < 0.5:
        k += 1
    return k


def vc_violation_probability(n: int, delta: float, scale: float = 1.0) -> float:
    """Exact P(bound < 1/2 = true risk) for the threshold ERM on random labels."""
    return float(threshold_erm_cdf(n, _vc_critical(n, delta, scale)))


VC_WRONG_SCALE = 0.125  # complexity term / 8: the smallest power-of-2 divisor failing > delta (/2, /4: < 1e-4)


def _vc_grid(quick):
    """scale 1: the VC bound (violations ~1e-90); scale 1/8: its complexity term divided by 8
    (violations 8-17 %, exact), which also tests the simulator where the rate is large."""
    ns = (256, 1024) if quick else (64, 256, 1024, 4096)
    return [{"n": n, "delta": 0.05, "scale": s} for s in (1.0, VC_WRONG_SCALE) for n in ns]


@check("vc-bound-thresholds-coverage", quantity="vc-generalization-bound",
       title="VC bound violations, ERM over thresholds on random labels",
       grid=_vc_grid, x="n",
       theory=lambda p: vc_violation_probability(p["n"], p["delta"], p["scale"]),
       wrong=lambda p: vc_violation_probability(p["n"], p["delta"], 1.0 + VC_WRONG_SCALE - p["scale"]),
       wrong_label="the other bound's exact violation rate (real <-> complexity term / 8)",
       ylabel="P(bound < true risk 1/2)")
def measure_vc_coverage(point, seed, quick):
    trials = 2000 if quick else _full_trials(20000)
    errors = threshold_erm_errors(point["n"], trials, seed)
    k = _vc_critical(point["n"], point["delta"], point["scale"])
    return proportion(int((errors <= k).sum()), trials)


# ----------------------------------------------------------------- Rademacher margin bound, l2 ball
@njit(cache=True, nogil=True)
def _hebbian_ramp_risks(g, positive, gamma):
    """Per trial: inputs x_i = g_i/||g_i|| (uniform on the sphere), labels y_i = +-1, the learner
    w = sum y_i x_i / ||sum y_i x_i|| and its empirical ramp loss at margin gamma
    (1 for y<w,x> <= 0, 1 - y<w,x>/gamma in between, 0 beyond gamma)."""
    trials, n, d = g.shape
    out = np.empty(trials)
    x = np.empty((n, d))
    y = np.empty(n)
    v = np.empty(d)
    for t in range(trials):
        v[:] = 0.0
        for i in range(n):
            norm = math.sqrt(np.sum(g[t, i] ** 2))
            y[i] = 1.0 if positive[t, i] else -1.0
            for j in range(d):
                x[i, j] = g[t, i, j] / norm
                v[j] += y[i] * x[i, j]
        vnorm = math.sqrt(np.sum(v ** 2))
        loss = 0.0
        for i in range(n):
            margin = y[i] * np.dot(x[i], v) / vnorm
            loss += min(1.0, max(0.0, 1.0 - margin / gamma))
        out[t] = loss / n
    return out


def hebbian_ramp_risks(n: int, d: int, gamma: float, trials: int, seed, chunk: int = 16) -> np.ndarray:
    """Empirical ramp losses of the Hebbian learner on n random labels, inputs uniform on S^{d-1}."""
    def work(gen, size):
        g = gen.standard_normal((size, n, d))
        positive = gen.integers(0, 2, size=(size, n), dtype=np.int8)
        return _hebbian_ramp_risks(g, positive, gamma)

    return np.concatenate(map_chunks(work, trials, chunk, seed))


def margin_complexity(point: dict, rademacher_factor: float = 1.0) -> float:
    """The bound minus R_gamma: ``rademacher-margin-bound`` at margin_risk 0 with Rad_S <= 1/sqrt(n)
    (inputs of norm 1, ||w|| <= 1: Mohri, Rostamizadeh & Talwalkar 2018, Thm 5.10), times the factor."""
    from dltheory.theory import evaluate

    n = point["n"]
    return float(evaluate("rademacher-margin-bound", margin_risk=0.0, gamma=point["gamma"],
                          rademacher=rademacher_factor / math.sqrt(n), n=n, delta=point["delta"]))


def _margin_grid(quick):
    """Random labels, d = 4n (the learner fits most labels with margin ~ 1/sqrt(n));
    gamma = a/sqrt(n) (4 significant digits) for a few a fixed before the data. At a = 16 the
    complexity term is below 1/2, so the real bound could be violated there."""
    sizes, scales = ((128,), (0.5, 16.0)) if quick else ((128, 256), (0.25, 0.5, 1.0, 2.0, 16.0))
    return [{"n": n, "d": 4 * n, "gamma": float(f"{a / math.sqrt(n):.4g}"), "delta": 0.05}
            for n in sizes for a in scales]


@check("rademacher-margin-bound-coverage", quantity="rademacher-margin-bound",
       title="Margin bound: (1-delta)-quantile of R - R_gamma, Hebbian learner on random labels",
       grid=_margin_grid, x="gamma", rule="upper-bound",
       theory=margin_complexity, wrong=lambda p: margin_complexity(p, 0.0),
       wrong_label="the Rademacher term dropped (the bound for a classifier fixed in advance)",
       ylabel="(1-delta)-quantile of R(w) - R_gamma(w)")
def measure_margin_coverage(point, seed, quick):
    trials = 1000 if quick else _full_trials(4000)
    ramp = hebbian_ramp_risks(point["n"], point["d"], point["gamma"], trials, seed)
    return quantile(0.5 - ramp, 1.0 - point["delta"])
