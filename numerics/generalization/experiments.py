"""Bounds on trained small MLPs: coverage over independent datasets, looseness, a
Dziugaite & Roy (2017)-style PAC-Bayes certificate, and Zhang et al. (2017) in miniature.

Tasks (inputs x ~ N(0, I_d)):
  teacher  labels sign(f_T(x)) of a random one-hidden-layer ReLU teacher drawn per dataset;
  random   labels i.i.d. uniform +-1, independent of x: every classifier's (and every
           stochastic classifier's) true 0-1 risk is exactly 1/2, which we use as the test error.
Each dataset (trial) gets its own SFC64 stream via map_chunks, so results do not depend on
the number of threads.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .._parallel import map_chunks
from .mlp import (batch_order, error_rate_kernel, init_params, layer_sizes, loss_gradient, n_params,
                  predict_kernel, train, weight_mask)


@dataclass(frozen=True)
class Setup:
    task: str = "teacher"  # or "random"
    input_dim: int = 5
    widths: tuple = (16,)
    n: int = 1000
    n_test: int = 20000
    epochs: int = 20
    batch: int = 32
    lr: float = 1e-2
    delta: float = 0.05
    teacher_width: int = 4
    prior_grid: int = 8  # prior variances lambda_j = 2^(1-j), j < prior_grid (union bound)
    posterior_grid: tuple = tuple(10.0 ** (-a) for a in np.arange(0.0, 6.01, 0.5))  # s^2 values
    posterior_samples: int = 1000  # Monte Carlo draws for the empirical Gibbs risk
    test_posterior_samples: int = 16
    optimise_posterior: bool = False  # Dziugaite-Roy: also optimise the posterior mean and variance
    bias_free: bool = False  # train without biases (inputs get a constant 1 feature): enables the GRS margin bound
    optimise_steps: int = 1500


@dataclass
class Trial:
    train_error: float
    test_error: float  # deterministic network
    gibbs_test_error: float  # stochastic network of the certificate
    bounds: dict = field(default_factory=dict)  # name -> value (bounds on test_error / gibbs_test_error)
    halved: dict = field(default_factory=dict)  # the same bounds with their complexity term halved
    margin_complexity: dict = field(default_factory=dict)  # norm bounds: 2 Rad / gamma at the 10% margin quantile
    kl: float = 0.0
    weights: int = 0


def _augment(X, setup: Setup):
    return np.hstack([X, np.ones((X.shape[0], 1))]) if setup.bias_free else X


def _data(gen, setup: Setup, m: int, teacher):
    X = gen.standard_normal((m, setup.input_dim))
    if setup.task == "random":
        y = gen.integers(0, 2, m).astype(np.float64) * 2 - 1
    else:
        W1, w2 = teacher
        # centred teacher: E relu(<v, x>) = ||v|| / sqrt(2 pi) for x ~ N(0, I), so classes are balanced-ish
        offset = float(np.linalg.norm(W1, axis=1) @ w2) / math.sqrt(2 * math.pi)
        y = np.sign(np.maximum(X @ W1.T, 0.0) @ w2 - offset)
        y[y == 0] = 1.0
    return X, y


def _kl_gauss(w, w0, s2, lam):
    """KL(N(w, s2 I) || N(w0, lam I))."""
    k = w.size
    return 0.5 * (k * s2 / lam + float(((w - w0) ** 2).sum()) / lam - k + k * math.log(lam / s2))


def kl_inverse_float(q, c):
    """kl^{-1}(q, c) in floating point, rounded up (the upper end of a bisection bracket), so a
    bound built on it is never smaller than the exact one. Tested against ``kl-inverse``."""
    q = min(max(q, 0.0), 1.0)
    if c <= 0:
        return q
    if q >= 1.0:
        return 1.0
    lo, hi = q, 1.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            break
        kl = (q * math.log(q / mid) if q > 0 else 0.0) + (1 - q) * (math.log1p(-q) - math.log1p(-mid))
        if kl > c:
            hi = mid
        else:
            lo = mid
    return min(1.0, hi * (1 + 1e-14))  # a few ulps of slack for the rounding of kl itself


def pac_bayes_certificate(w, w0, sizes, X, y, gen, setup: Setup, scales=(1.0,), extra_s2=()):
    """Dziugaite & Roy (2017)-style certificate for the Gibbs classifier Q = N(w, s^2 I).

    Prior N(w0, lambda I), w0 = the random initialisation (independent of the data), lambda
    from a grid of J values (union bound: delta_pb / J). The empirical Gibbs risk is
    estimated with M posterior draws and bounded by kl^{-1}(estimate, ln(2 S/delta_mc)/M)
    (sample convergence, union over the S posterior variances tried with the same draws).
    Bound: kl^{-1}(that, (KL + ln(2 sqrt(n) J/delta_pb))/n) (Maurer-Seeger), with
    delta_pb = delta_mc = delta/2: holds w.p. >= 1 - delta. Each entry of ``scales``
    multiplies the PAC-Bayes complexity term (0.5: the power test's halved bound), using the
    same Monte Carlo draws. Returns {scale: (bound, s2, lam, kl)}.
    """
    n = X.shape[0]
    grid = tuple(setup.posterior_grid) + tuple(extra_s2)
    J, S, M = setup.prior_grid, len(grid), setup.posterior_samples
    d_pb = d_mc = setup.delta / 2
    eps = gen.standard_normal((M, w.size))
    best = {sc: (math.inf, None, None, None) for sc in scales}
    for s2 in grid:
        s = math.sqrt(s2)
        g = np.mean([error_rate_kernel(w + s * e, sizes, X, y) for e in eps])
        r_bar = kl_inverse_float(g, math.log(2 * S / d_mc) / M)
        for j in range(J):
            lam = 2.0 ** (1 - j)
            kl = _kl_gauss(w, w0, s2, lam)
            for sc in scales:
                b = kl_inverse_float(r_bar, sc * (kl + math.log(2 * math.sqrt(n) * J / d_pb)) / n)
                if b < best[sc][0]:
                    best[sc] = (b, s2, lam, kl)
    return best


def optimise_posterior(w_init, w0, sizes, X, y, gen, setup: Setup, lam: float, s2_init: float,
                       batch: int = 64, lr: float = 1e-2, mc: int = 2):
    """Dziugaite & Roy (2017)-style: minimise, over the posterior N(w, s^2 I), the surrogate
    E_eps[logistic loss(w + s eps)] / ln 2 (an upper bound on the 0-1 loss) +
    sqrt((KL(Q||P) + ln(2 sqrt(n) J / delta_pb)) / (2n)) by Adam on (w, ln s), with
    reparameterised Monte Carlo gradients on mini-batches. Only the optimisation uses the
    surrogate; the certificate is then computed exactly as in :func:`pac_bayes_certificate`."""
    n, k = X.shape[0], w_init.size
    const = math.log(2 * math.sqrt(n) * setup.prior_grid / (setup.delta / 2))
    w, rho = w_init.copy(), 0.5 * math.log(s2_init)
    mw, vw, mr, vr = np.zeros(k), np.zeros(k), 0.0, 0.0
    g = np.zeros(k)
    b1, b2, e = 0.9, 0.999, 1e-8
    for t in range(1, setup.optimise_steps + 1):
        idx = gen.integers(0, n, batch)
        Xb, yb = np.ascontiguousarray(X[idx]), np.ascontiguousarray(y[idx])
        s = math.exp(rho)
        gw, gs = np.zeros(k), 0.0
        for _ in range(mc):
            eps = gen.standard_normal(k)
            loss_gradient(w + s * eps, sizes, Xb, yb, g)
            gw += g
            gs += float(g @ eps)
        gw /= mc * math.log(2)
        gs /= mc * math.log(2)
        kl = _kl_gauss(w, w0, s * s, lam)
        dB = 1.0 / (4 * n * math.sqrt((kl + const) / (2 * n)))
        gw += dB * (w - w0) / lam
        gs += dB * k * (s / lam - 1.0 / s)
        gr = gs * s
        mw = b1 * mw + (1 - b1) * gw
        vw = b2 * vw + (1 - b2) * gw * gw
        w -= lr * (mw / (1 - b1**t)) / (np.sqrt(vw / (1 - b2**t)) + e)
        mr = b1 * mr + (1 - b1) * gr
        vr = b2 * vr + (1 - b2) * gr * gr
        rho -= lr * (mr / (1 - b1**t)) / (math.sqrt(vr / (1 - b2**t)) + e)
    return w, math.exp(2 * rho)


def run_trial(gen: np.random.Generator, setup: Setup, bounds=("vc", "pac-bayes")) -> Trial:
    """Train one network on one dataset and evaluate every requested bound from its weights."""
    from ...theory import evaluate

    sizes = layer_sizes(setup.input_dim + int(setup.bias_free), setup.widths)
    teacher = (gen.standard_normal((setup.teacher_width, setup.input_dim)), gen.standard_normal(setup.teacher_width))
    X, y = _data(gen, setup, setup.n, teacher)
    X = _augment(X, setup)
    w0 = init_params(gen, sizes)
    w = w0.copy()
    mask = weight_mask(sizes) if setup.bias_free else None
    train(X, y, w, sizes, batch_order(gen, setup.n, setup.epochs), batch=setup.batch, lr=setup.lr, mask=mask)
    train_err = error_rate_kernel(w, sizes, X, y)
    if setup.task == "random":
        test_err = gibbs_test = 0.5  # exact: labels are independent of inputs
        Xt = yt = None
    else:
        Xt, yt = _data(gen, setup, setup.n_test, teacher)
        Xt = _augment(Xt, setup)
        test_err = error_rate_kernel(w, sizes, Xt, yt)
        gibbs_test = test_err
    trial = Trial(train_err, test_err, gibbs_test, weights=n_params(sizes))
    if "vc" in bounds:
        h = math.floor(evaluate("vc-dimension-upper", widths=setup.widths, input_dim=setup.input_dim))
        trial.bounds["vc"] = float(evaluate("vc-generalization-bound", vc=h, n=setup.n, delta=setup.delta,
                                            empirical_risk=train_err))
        gap = trial.bounds["vc"] - train_err
        trial.halved["vc"] = train_err + gap / math.sqrt(2)  # complexity term (inside the sqrt) halved
    for form in NORM_FORMS:
        if setup.bias_free and form in bounds:
            trial.bounds[form], trial.halved[form], trial.margin_complexity[form] = \
                norm_margin_bound(form, w, sizes, X, y, setup)
    if "pac-bayes" in bounds:
        cert = pac_bayes_certificate(w, w0, sizes, X, y, gen, setup, scales=(1.0, 0.5))
        if setup.optimise_posterior:
            # the posterior is free to depend on the data; the prior grid's union bound is already paid
            _, s2, lam, _ = cert[1.0]
            w, s2_opt = optimise_posterior(w, w0, sizes, X, y, gen, setup, lam, s2)
            cert = pac_bayes_certificate(w, w0, sizes, X, y, gen, setup, scales=(1.0, 0.5), extra_s2=(s2_opt,))
        b, s2, lam, kl = cert[1.0]
        trial.bounds["pac-bayes"] = b
        trial.kl = kl
        trial.halved["pac-bayes"] = cert[0.5][0]
        if setup.task != "random":
            eps = gen.standard_normal((setup.test_posterior_samples, w.size))
            trial.gibbs_test_error = float(np.mean([error_rate_kernel(w + math.sqrt(s2) * e, sizes, Xt, yt)
                                                    for e in eps]))
    return trial


MARGIN_GRID = tuple(2.0 ** k for k in range(-20, 21))  # gamma and norm levels, fixed a priori
RATIO_GRID = tuple(2.0 ** (k / 4) for k in range(41))  # ||A^T||_{2,1} / ||A||_sigma levels, 1 .. 1024
NORM_FORMS = ("golowich-rakhlin-shamir", "neyshabur-tomioka-srebro", "bartlett-foster-telgarsky")


def weight_matrices(w, sizes) -> list:
    """The (fan_out x fan_in) weight matrices of the flat parameter vector (biases skipped)."""
    out, o = [], 0
    for layer in range(len(sizes) - 1):
        nin, nout = int(sizes[layer]), int(sizes[layer + 1])
        out.append(np.asarray(w[o:o + nout * nin]).reshape(nout, nin))
        o += (nin + 1) * nout
    return out


def _level(value: float, grid) -> float:
    """The smallest grid value >= value (the a-priori class containing it)."""
    for g in grid:
        if g >= value:
            return g
    raise ValueError(f"norm {value:g} lies above the a-priori grid (max {grid[-1]:g}); no class contains it")


def norm_class(form: str, mats, X) -> tuple[dict, int]:
    """The smallest a-priori norm class containing a bias-free ReLU network, as the parameters of
    ``rademacher-bound`` (form), and the number of classes in that form's grid (for the union bound).

    By positive homogeneity a rescaling A_j -> c_j A_j with prod c_j = 1 keeps the function, so
    every class can be indexed by one product level M (powers of 2): GRS {prod ||W_j||_F <= M};
    NTS {l1 path norm <= M}; BFT (reference matrices 0) {prod ||A_j||_sigma <= M,
    ||A_j^T||_{2,1} <= r_j ||A_j||_sigma}, with each ratio r_j on a grid of 41 values too."""
    D = len(mats)
    if form == "golowich-rakhlin-shamir":
        M = _level(math.prod(float(np.linalg.norm(A)) for A in mats), MARGIN_GRID)
        return {"frobenius_norms": [M ** (1 / D)] * D, "input_norm": float(np.linalg.norm(X, axis=1).max())}, \
            len(MARGIN_GRID)
    if form == "neyshabur-tomioka-srebro":
        path = np.ones(mats[0].shape[1])
        for A in mats:
            path = np.abs(A) @ path
        M = _level(float(path[0]), MARGIN_GRID)
        return {"path_norm": M, "depth": D, "input_dim": X.shape[1], "input_norm": float(np.abs(X).max())}, \
            len(MARGIN_GRID)
    spectral = [float(np.linalg.norm(A, 2)) for A in mats]
    ratios = [_level(float(np.linalg.norm(A, axis=1).sum()) / s, RATIO_GRID) for A, s in zip(mats, spectral)]
    M = _level(math.prod(spectral), MARGIN_GRID)
    s = M ** (1 / D)
    return {"spectral_norms": [s] * D, "l21_norms": [r * s for r in ratios],
            "max_dim": max(max(A.shape) for A in mats), "input_norm": float(np.linalg.norm(X, axis=1).max())}, \
        len(MARGIN_GRID) * len(RATIO_GRID) ** D


def norm_margin_bound(form: str, w, sizes, X, y, setup: Setup):
    """Margin bound (``rademacher-margin-bound``) with the Rademacher complexity of ``form`` for a
    bias-free ReLU network: the class from ``norm_class``, gamma optimised over MARGIN_GRID, delta
    divided by the number of (class, gamma) pairs. Returns (bound, bound with 2 Rad/gamma halved,
    2 Rad/gamma at gamma = the 10% quantile of the training margins y f(x): the complexity term
    where the ramp loss is about 0.1, a measure of looseness that the trivial gamma -> inf end hides)."""
    from ...theory import evaluate

    params, classes = norm_class(form, weight_matrices(w, sizes), X)
    n = X.shape[0]
    rad = float(evaluate("rademacher-bound", form=form, n=n, **params))
    f = predict_kernel(w, sizes, np.ascontiguousarray(X))
    delta = setup.delta / (classes * len(MARGIN_GRID))
    best, best_half = math.inf, math.inf
    for g in MARGIN_GRID:
        ramp = float(np.clip(1.0 - y * f / g, 0.0, 1.0).mean())
        b = float(evaluate("rademacher-margin-bound", margin_risk=ramp, gamma=g, rademacher=rad, n=n, delta=delta))
        best = min(best, b)
        best_half = min(best_half, b - rad / g)
    gamma10 = float(np.quantile(y * f, 0.1))
    return best, best_half, (2 * rad / gamma10 if gamma10 > 0 else math.inf)


def run_trials(setup: Setup, trials: int, seed, bounds=("vc", "pac-bayes")) -> list[Trial]:
    """Independent datasets, one stream each (bit-identical for any thread count)."""
    out = map_chunks(lambda gen, size: [run_trial(gen, setup, bounds) for _ in range(size)], trials, 1, seed)
    return [t for chunk in out for t in chunk]


def coverage_table(results: list[Trial], delta: float) -> list[dict]:
    """For each bound: coverage (Wilson interval), and median looseness bound / test error."""
    from .._stats import proportion

    rows = []
    for name in results[0].bounds:
        target = [t.gibbs_test_error if name == "pac-bayes" else t.test_error for t in results]
        for label, key in ((name, "bounds"), (name + " (complexity halved)", "halved")):
            vals = [getattr(t, key)[name] for t in results]
            covered = sum(v >= e for v, e in zip(vals, target))
            est = proportion(covered, len(results))
            ratios = [v / e for v, e in zip(vals, target) if e > 0]
            rows.append({"bound": label, "coverage": est.value, "wilson95": est.interval,
                         "median_train_error": float(np.median([t.train_error for t in results])),
                         "required": 1 - delta, "median_bound": float(np.median(vals)),
                         "median_test_error": float(np.median(target)),
                         "median_looseness": float(np.median(ratios)) if ratios else math.inf})
    return rows


# ----------------------------------------------------------------- Zhang et al. (2017) in miniature
def random_label_fit(input_dim: int, n: int, width: int, seed, *, epochs: int = 600, lr: float = 1e-2,
                     repeats: int = 4) -> float:
    """Mean fraction of n random labels fitted by a one-hidden-layer ReLU MLP of the given width."""
    def work(gen, size):
        out = []
        for _ in range(size):
            sizes = layer_sizes(input_dim, (width,))
            X = gen.standard_normal((n, input_dim))
            y = gen.integers(0, 2, n).astype(np.float64) * 2 - 1
            w = init_params(gen, sizes)
            train(X, y, w, sizes, batch_order(gen, n, epochs), batch=n, lr=lr)
            out.append(1.0 - error_rate_kernel(w, sizes, X, y))
        return out

    return float(np.mean([v for c in map_chunks(work, repeats, 1, seed) for v in c]))
