"""Checks for the generalization capability (see docs/generalization.md).

* Empirical Rademacher complexity of l2- and l1-bounded linear classes by Monte Carlo over
  sign vectors (fixed Gaussian data per draw, the supremum in closed form via the dual norm),
  against the exact expected value (quantities rademacher-linear-l2 / -l1).
* Coverage of the PAC-Bayes (Maurer-Seeger) bound for empirical risk minimisation over a
  finite class of N random classifiers on random labels, the case where the union bound is
  nearly tight: every classifier's true risk is exactly 1/2, so a violation is "bound < 1/2".
  The simulator draws the labels and every classifier's predictions as explicit bits.
* Cover's count of perceptron-separable random labellings against exact LP feasibility.
* The Golowich-Rakhlin-Shamir, Neyshabur-Tomioka-Srebro (path norm) and Bartlett-Foster-Telgarsky
  (spectral) bounds above the exactly computed (per sign vector) empirical Rademacher complexity
  of two-layer ReLU networks on 2-D inputs (one-sided rule).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numba import njit

from ._check import check
from ._parallel import map_chunks
from ._stats import mean, proportion


# ----------------------------------------------------------------- Rademacher, linear classes
def rademacher_linear_samples(n: int, d: int, datasets: int, signs: int, norm: str, seed, chunk: int = 256):
    """Per-dataset Monte Carlo estimates of the empirical Rademacher complexity (B = 1).

    Each dataset X (n x d, i.i.d. N(0,1)) gets ``signs`` independent sign vectors; the
    supremum over the unit ball is ||X^T sigma||_2 / n (l2) or ||X^T sigma||_inf / n (l1).
    Returns an array (datasets,) of per-dataset averages, plus the per-dataset Jensen/Massart
    bounds in a second array (sqrt(sum ||x_i||^2)/n, resp. max_j ||x_.j|| sqrt(2 ln 2d)/n).
    """
    def work(gen, size):
        X = gen.standard_normal((size, n, d))
        S = gen.integers(0, 2, size=(size, signs, n)).astype(np.float64) * 2.0 - 1.0
        V = np.matmul(S, X)  # (size, signs, d)
        if norm == "l2":
            sup = np.sqrt((V * V).sum(axis=2)) / n
            bound = np.sqrt((X * X).sum(axis=(1, 2))) / n
        else:
            sup = np.abs(V).max(axis=2) / n
            bound = np.sqrt((X * X).sum(axis=1)).max(axis=1) * math.sqrt(2 * math.log(2 * d)) / n
        return sup.mean(axis=1), bound

    parts = map_chunks(work, datasets, chunk, seed)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _rad_grid(quick):
    if quick:
        return [{"n": 40, "d": d} for d in (1, 4, 16)]
    return [{"n": n, "d": d} for n in (20, 80) for d in (1, 2, 4, 16, 64)]


@check("rademacher-linear-l2-mc", quantity="rademacher-linear-l2",
       title="Rademacher complexity of the l2 ball: MC over signs vs exact",
       grid=_rad_grid, x="d", wrong=lambda p: math.sqrt(p["d"] / p["n"]),
       wrong_label="Jensen bound B sqrt(d/n)", ylabel="E sup (1/n) sum sigma_i <w, x_i>")
def measure_rad_l2(point, seed, quick):
    m = 3000 if quick else 20000
    samples, _ = rademacher_linear_samples(point["n"], point["d"], m, 4, "l2", seed)
    return mean(samples)


@check("rademacher-linear-l1-mc", quantity="rademacher-linear-l1",
       title="Rademacher complexity of the l1 ball: MC over signs vs exact",
       grid=_rad_grid, x="d", wrong=lambda p: math.sqrt(2 * math.log(2 * p["d"]) / p["n"]),
       wrong_label="Massart's bound B sqrt(2 ln(2d)/n)", ylabel="E sup (1/n) sum sigma_i <w, x_i>")
def measure_rad_l1(point, seed, quick):
    m = 3000 if quick else 20000
    samples, _ = rademacher_linear_samples(point["n"], point["d"], m, 4, "l1", seed)
    return mean(samples)


# ----------------------------------------------------------------- ERM over random classifiers
@njit(cache=True, nogil=True)
def _popcount64(x):
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


@njit(cache=True, nogil=True)
def _min_errors(labels, predictions, n):
    """labels (T, words), predictions (T, N, words) as bits; min over N of the error counts."""
    T, N, words = predictions.shape
    out = np.empty(T, dtype=np.int64)
    last = n - 64 * (words - 1)
    mask_last = np.uint64(0xFFFFFFFFFFFFFFFF) if last == 64 else (np.uint64(1) << np.uint64(last)) - np.uint64(1)
    for t in range(T):
        best = n + 1
        for j in range(N):
            e = 0
            for w in range(words):
                x = labels[t, w] ^ predictions[t, j, w]
                if w == words - 1:
                    x = x & mask_last
                e += _popcount64(x)
            if e < best:
                best = e
        out[t] = best
    return out


def erm_min_errors(n: int, n_classifiers: int, trials: int, seed, chunk: int = 64) -> np.ndarray:
    """For each trial: random labels on n points, N random classifiers (independent fair bits
    on the sample), the empirical risk minimiser's error count."""
    words = (n + 63) // 64

    def work(gen, size):
        labels = gen.integers(0, 2**64, size=(size, words), dtype=np.uint64, endpoint=False)
        preds = gen.integers(0, 2**64, size=(size, n_classifiers, words), dtype=np.uint64, endpoint=False)
        return _min_errors(labels, preds, n)

    return np.concatenate(map_chunks(work, trials, chunk, seed))


@lru_cache(maxsize=None)
def _erm_critical(n: int, n_classifiers: int, delta: float, scale: float) -> int:
    """Largest error count k whose maurer-seeger bound, with complexity term x scale, is < 1/2
    (-1 if none): a violation happens iff the ERM's error count is <= k."""
    from dltheory.theory import evaluate

    kl = math.log(n_classifiers)
    crit = -1
    for k in range(n + 1):
        if scale == 1.0:
            b = evaluate("pac-bayes-bound", form="maurer-seeger", n=n, delta=delta, kl=kl, empirical_risk=k / n)
        else:
            c = scale * (kl + math.log(2 * math.sqrt(n) / delta)) / n
            b = evaluate("kl-inverse", q=k / n, c=c)
        if b < 0.5:
            crit = k
        else:
            break
    return crit


def erm_violation_probability(n: int, n_classifiers: int, delta: float, scale: float = 1.0) -> float:
    """Exact P(bound < 1/2) = P(min_j e_j <= k*) = 1 - (1 - F(k*))^N, e_j i.i.d. Bin(n, 1/2)."""
    import mpmath

    k = _erm_critical(n, n_classifiers, delta, scale)
    if k < 0:
        return 0.0
    with mpmath.workdps(40):
        F = mpmath.fsum(mpmath.binomial(n, i) for i in range(k + 1)) / mpmath.mpf(2) ** n
        return float(1 - (1 - F) ** n_classifiers)


def _erm_grid(quick):
    """scale 1: the real bound (violations rare, <= delta); scale 0.5: its complexity term
    halved (violations frequent), which also tests the sampler where the rate is large."""
    if quick:
        return [{"n": 64, "n_classifiers": N, "delta": 0.05, "scale": s} for s in (1.0, 0.5) for N in (256, 4096)]
    return [{"n": n, "n_classifiers": N, "delta": 0.05, "scale": s}
            for s in (1.0, 0.5) for n in (64, 128) for N in (64, 1024, 16384)]


@check("pac-bayes-erm-coverage", quantity="pac-bayes-bound",
       title="Maurer-Seeger bound violations, ERM over N random classifiers",
       grid=_erm_grid, x="n_classifiers",
       theory=lambda p: erm_violation_probability(p["n"], p["n_classifiers"], p["delta"], p["scale"]),
       wrong=lambda p: erm_violation_probability(p["n"], p["n_classifiers"], p["delta"], 1.5 - p["scale"]),
       wrong_label="the other bound's exact violation rate (real <-> complexity term halved)",
       ylabel="P(bound < true risk 1/2)")
def measure_erm_coverage(point, seed, quick):
    trials = 1000 if quick else 20000
    mins = erm_min_errors(point["n"], point["n_classifiers"], trials, seed)
    k = _erm_critical(point["n"], point["n_classifiers"], point["delta"], point["scale"])
    return proportion(int((mins <= k).sum()), trials)


# ----------------------------------------------------------------- random labels, perceptron (Cover)
def perceptron_fits(n: int, d: int, trials: int, seed, chunk: int = 50) -> int:
    """Number of trials in which n Gaussian points in R^d with fair random labels are linearly
    separable through the origin. Decided by the LP max t s.t. y_i <w, x_i> >= t, |w_j| <= 1,
    t <= 1 (always feasible and bounded; HiGHS): separable iff the optimum t* > 0. For
    non-separable data t* = 0 exactly (w = 0), so the threshold 1e-7 only has to clear solver
    round-off; separable Gaussian instances have margins far above it."""
    from scipy.optimize import linprog

    c = np.zeros(d + 1)
    c[-1] = -1.0  # maximise t
    bounds = [(-1.0, 1.0)] * d + [(None, 1.0)]

    def work(gen, size):
        fits = 0
        for _ in range(size):
            X = gen.standard_normal((n, d))
            y = gen.integers(0, 2, n) * 2.0 - 1.0
            A = np.hstack([-(y[:, None] * X), np.ones((n, 1))])  # t - y_i <w, x_i> <= 0
            res = linprog(c, A_ub=A, b_ub=np.zeros(n), bounds=bounds, method="highs")
            if res.status != 0:
                raise RuntimeError(f"LP solver status {res.status}: {res.message}")
            fits += -res.fun > 1e-7
        return fits

    return int(sum(map_chunks(work, trials, chunk, seed)))


def _cover_grid(quick):
    if quick:
        return [{"n": n, "d": 8} for n in (12, 16, 20)]
    return [{"n": n, "d": d} for d in (5, 20) for n in (int(r * d) for r in (1.0, 1.5, 2.0, 2.5, 3.0))]


@check("random-labels-perceptron-fit", quantity="random-labels-separable-probability",
       title="Random labels fitted by a perceptron (LP) vs Cover's count", grid=_cover_grid, x="n",
       wrong=lambda p: float(__import__("dltheory.theory", fromlist=["evaluate"]).evaluate(
           "random-labels-separable-probability", n=p["n"], d=p["d"] + 1)),
       wrong_label="Cover's count for d+1 weights (an unused bias)", ylabel="P(all n random labels fitted)")
def measure_cover(point, seed, quick):
    trials = 150 if quick else 1500
    return proportion(perceptron_fits(point["n"], point["d"], trials, seed), trials)


# ----------------------------------------------------------------- Rademacher, two-layer ReLU networks
@njit(cache=True, nogil=True)
def _signed_relu_sum(X, sigma, u0, u1):
    """g(u) = sum_i sigma_i relu(<u, x_i>) for 2-D inputs."""
    g = 0.0
    for i in range(X.shape[0]):
        z = X[i, 0] * u0 + X[i, 1] * u1
        if z > 0:
            g += sigma[i] * z
    return g


@njit(cache=True, nogil=True)
def _relu_sup_2d(X, signs):
    """For each sign vector: max over unit u in R^2 of |sum_i sigma_i relu(<u, x_i>)|, exactly.

    On each arc between consecutive breakpoints phi_i +- pi/2 the active set A is fixed and the
    sum is <v_A, u>, maximised (in absolute value) at the direction of +-v_A if it lies in the
    arc, else at an end point: so the maximum over the finitely many candidates is exact.
    """
    n = X.shape[0]
    K = signs.shape[0]
    phi = np.arctan2(X[:, 1], X[:, 0])
    bps = np.empty(2 * n)
    for i in range(n):
        bps[2 * i] = (phi[i] + 0.5 * np.pi) % (2 * np.pi)
        bps[2 * i + 1] = (phi[i] - 0.5 * np.pi) % (2 * np.pi)
    bps.sort()
    out = np.empty(K)
    for k in range(K):
        best = 0.0
        for a in range(2 * n):
            lo = bps[a]
            hi = bps[a + 1] if a + 1 < 2 * n else bps[0] + 2 * np.pi
            mid = 0.5 * (lo + hi)
            um0, um1 = math.cos(mid), math.sin(mid)
            v0 = 0.0
            v1 = 0.0
            for i in range(n):
                if X[i, 0] * um0 + X[i, 1] * um1 > 0:
                    v0 += signs[k, i] * X[i, 0]
                    v1 += signs[k, i] * X[i, 1]
            # the endpoint lo, and +-v's direction when it falls inside the arc
            cands = np.empty(3)
            cands[0] = lo
            nc = 1
            psi = math.atan2(v1, v0)
            for c in (psi, psi + np.pi):
                c2 = (c - lo) % (2 * np.pi) + lo
                if c2 < hi:
                    cands[nc] = c2
                    nc += 1
            for ci in range(nc):
                g = _signed_relu_sum(X, signs[k], math.cos(cands[ci]), math.sin(cands[ci]))
                if abs(g) > best:
                    best = abs(g)
        out[k] = best
    return out


def rademacher_relu_two_layer(X, n_signs: int, seed, frobenius=(1.0, 1.0)):
    """Empirical Rademacher complexity of {x -> w2 . relu(W1 x) : ||W1||_F <= M1, ||w2|| <= M2}
    (any width >= 1, no biases) on fixed 2-D data X, by Monte Carlo over sign vectors with the
    supremum computed exactly: by Cauchy-Schwarz the supremum puts all weight on one hidden
    unit, sup = M1 M2 max_{||u||=1} |sum_i sigma_i relu(<u, x_i>)| / n. Returns an Estimate."""
    n = X.shape[0]
    gen = np.random.Generator(np.random.SFC64(np.random.SeedSequence(seed)))
    signs = gen.integers(0, 2, size=(n_signs, n)).astype(np.float64) * 2 - 1
    sups = _relu_sup_2d(np.ascontiguousarray(X, dtype=np.float64), signs) * frobenius[0] * frobenius[1] / n
    return mean(sups)


@njit(cache=True, nogil=True)
def _relu_sup_l1_2d(X, signs):
    """For each sign vector: max over u in R^2 with ||u||_1 = 1 of |sum_i sigma_i relu(<u, x_i>)|, exactly.

    g(u) = sum_i sigma_i relu(<u, x_i>) is linear on each cone between consecutive rays
    {<u, x_i> = 0}; the maximum of |g| over the l1 ball restricted to a cone is at a vertex of
    that polygon: a ray's l1-unit point or a corner +-e_j inside the cone. So it is the maximum
    over those 2n + 4 candidates."""
    n = X.shape[0]
    K = signs.shape[0]
    cand = np.empty((2 * n + 4, 2))
    for i in range(n):
        a, b = -X[i, 1], X[i, 0]  # u orthogonal to x_i, both orientations
        s = abs(a) + abs(b)
        cand[2 * i, 0], cand[2 * i, 1] = a / s, b / s
        cand[2 * i + 1, 0], cand[2 * i + 1, 1] = -a / s, -b / s
    corners = ((1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0))
    for j in range(4):
        cand[2 * n + j, 0], cand[2 * n + j, 1] = corners[j]
    out = np.empty(K)
    for k in range(K):
        best = 0.0
        for c in range(2 * n + 4):
            g = _signed_relu_sum(X, signs[k], cand[c, 0], cand[c, 1])
            if abs(g) > best:
                best = abs(g)
        out[k] = best
    return out


def relu_rademacher_circle_samples(n: int, datasets: int, signs: int, seed, ball: str = "l2",
                                   chunk: int = 50) -> np.ndarray:
    """Per-dataset Monte Carlo estimates of (1/n) E_sigma max_{||u|| = 1} |sum_i sigma_i relu(<u, x_i>)|
    for n inputs uniform on the unit circle (max ||x_i||_2 = 1, max ||x_i||_inf <= 1, ||X||_2 = sqrt n),
    each with ``signs`` sign vectors; the maximum over the l2 (``ball="l2"``) or l1 unit sphere is
    exact (``_relu_sup_2d``, ``_relu_sup_l1_2d``). It is the empirical Rademacher complexity of
    two-layer bias-free ReLU networks with ||W1||_F, ||w2|| <= 1 (l2), of those with l1 path norm
    <= 1 (l1), and of those with spectral norms s_1 = b_1 = s_2 = 1 (l2; see _spectral_grid)."""
    sup = _relu_sup_2d if ball == "l2" else _relu_sup_l1_2d

    def work(gen, size):
        out = np.empty(size)
        for t in range(size):
            th = gen.uniform(0, 2 * np.pi, n)
            X = np.ascontiguousarray(np.stack([np.cos(th), np.sin(th)], axis=1))
            S = gen.integers(0, 2, size=(signs, n)).astype(np.float64) * 2 - 1
            out[t] = sup(X, S).mean() / n
        return out

    return np.concatenate(map_chunks(work, datasets, chunk, seed))


def _evaluate_bound(point) -> float:
    from dltheory.theory import evaluate

    return float(evaluate("rademacher-bound", **point))


def _grs_grid(quick):
    ns = (10, 40) if quick else (10, 20, 40, 80, 160)
    return [{"form": "golowich-rakhlin-shamir", "frobenius_norms": (1.0, 1.0), "input_norm": 1.0, "n": n} for n in ns]


@check("rademacher-relu-grs-above", quantity="rademacher-bound",
       title="GRS bound vs exact Rademacher complexity, 2-layer ReLU",
       grid=_grs_grid, x="n", rule="upper-bound",
       wrong=lambda p: _evaluate_bound(p) / 4,
       wrong_label="the GRS bound / 4",
       ylabel="E sup (1/n) sum sigma_i f(x_i)", logy=True)
def measure_grs(point, seed, quick):
    datasets = 60 if quick else 1000
    return mean(relu_rademacher_circle_samples(point["n"], datasets, 8, seed))


def _path_norm_grid(quick):
    ns = (10, 40) if quick else (10, 20, 40, 80, 160)
    return [{"form": "neyshabur-tomioka-srebro", "path_norm": 1.0, "depth": 2, "input_dim": 2,
             "input_norm": 1.0, "n": n} for n in ns]


@check("rademacher-relu-path-norm-above", quantity="rademacher-bound",
       title="NTS path-norm bound vs exact Rademacher complexity, 2-layer ReLU",
       grid=_path_norm_grid, x="n", rule="upper-bound",
       wrong=lambda p: _evaluate_bound(p) / 8, wrong_label="the NTS bound / 8",
       ylabel="E sup (1/n) sum sigma_i f(x_i)", logy=True)
def measure_path_norm(point, seed, quick):
    """l1 path norm <= 1: by homogeneity the supremum puts all the path norm on one hidden unit,
    sup = max_{||u||_1 = 1} |sum_i sigma_i relu(<u, x_i>)| / n (inputs on the circle: max ||x||_inf <= 1)."""
    datasets = 60 if quick else 1000
    return mean(relu_rademacher_circle_samples(point["n"], datasets, 8, seed, ball="l1"))


def _spectral_grid(quick):
    ns = (40, 640) if quick else (40, 160, 640)
    return [{"form": "bartlett-foster-telgarsky", "spectral_norms": (1.0, 1.0), "l21_norms": (1.0, 1.0),
             "max_dim": 2, "input_norm": 1.0, "n": n} for n in ns]


@check("rademacher-relu-spectral-above", quantity="rademacher-bound",
       title="BFT spectral bound vs exact Rademacher complexity, 2-layer ReLU",
       grid=_spectral_grid, x="n", rule="upper-bound",
       wrong=lambda p: _evaluate_bound(p) / 64, wrong_label="the BFT bound / 64",
       ylabel="E sup (1/n) sum sigma_i f(x_i)", logy=True)
def measure_spectral(point, seed, quick):
    """Width-2 networks a^T relu(U x) with ||U||_sigma <= 1, sum_j ||u_j||_2 <= 1, ||a||_2 <= 1 (W = 2):
    sum_j a_j g(u_j) <= ||a|| G (sum_j ||u_j||^2)^(1/2) <= G sum_j ||u_j|| with G = max_{||u||=1} |g(u)|,
    attained by one unit, so the supremum is exactly G / n."""
    datasets = 40 if quick else 400
    return mean(relu_rademacher_circle_samples(point["n"], datasets, 4, seed, ball="l2"))
