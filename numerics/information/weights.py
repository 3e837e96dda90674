"""Checks of the linear-Gaussian closed forms by sampling, and of the KL-optimal Gaussian posterior by
numerical minimisation.

Each Monte Carlo averages the log-likelihood ratio ln p(a|b) - ln p(a) over joint draws (a, b):
an unbiased estimate of I(A;B) whose standard error is the sample standard deviation over
sqrt(n). The densities are evaluated with Cholesky factors, independently of the log-determinant
formulas the quantities use.
"""
from __future__ import annotations

import math

import numpy as np

from .._check import check
from .._parallel import map_chunks
from .._size import sized
from .._stats import Estimate


def gaussian_logpdf(x: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """ln N(x; mean, cov) for rows of x (mean broadcast), via a Cholesky factor."""
    L = np.linalg.cholesky(cov)
    r = np.linalg.solve(L, (x - mean).T)
    return -0.5 * (r * r).sum(0) - np.log(np.diag(L)).sum() - 0.5 * cov.shape[0] * math.log(2 * math.pi)


def _reduce(parts) -> Estimate:
    s1, s2, n = (sum(p[i] for p in parts) for i in range(3))
    mean = s1 / n
    return Estimate(float(mean), float(math.sqrt(max(s2 / n - mean * mean, 0.0) / (n - 1))), int(n))


def _hashable(point: dict) -> dict:
    """Lists as tuples: check plots group grid points by their values."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in point.items()}


def linear_layer_mc(W: np.ndarray, noise: float, teacher, teacher_noise, which: str, n: int, seed) -> Estimate:
    """Monte Carlo of I(X;T) (which="x") or I(T;Y) (which="y"), X ~ N(0, I_d), T = W X + N(0, s^2 I),
    Y = u.X + N(0, sigma^2): the mean of ln p(t|x) - ln p(t), or of ln p(y|t) - ln p(y) with p(y|t)
    from the joint covariance of (T, Y)."""
    k, d = W.shape
    cov_t = W @ W.T + noise**2 * np.eye(k)

    def work(gen, size):
        x = gen.standard_normal((size, d))
        t = x @ W.T + noise * gen.standard_normal((size, k))
        if which == "x":
            g = gaussian_logpdf(t, x @ W.T, noise**2 * np.eye(k)) - gaussian_logpdf(t, 0.0, cov_t)
        else:
            u = np.asarray(teacher, dtype=np.float64)
            y = x @ u + teacher_noise * gen.standard_normal(size)
            joint = np.block([[cov_t, (W @ u)[:, None]], [(W @ u)[None, :], np.array([[u @ u + teacher_noise**2]])]])
            ty = np.column_stack([t, y])
            g = (gaussian_logpdf(ty, 0.0, joint) - gaussian_logpdf(t, 0.0, cov_t)
                 - gaussian_logpdf(y[:, None], 0.0, joint[-1:, -1:]))
        return g.sum(), (g * g).sum(), size

    return _reduce(map_chunks(work, n, 8192, seed))


_LINEAR = [({"weights": [1.0, 0.5, -0.3, 2.0], "rows": 2, "noise": 0.5}, [1.0, -1.0], 0.5),
           ({"weights": [0.8, -0.4, 1.2], "rows": 1, "noise": 0.5}, [1.0, 0.0, 1.0], 0.5),
           ({"weights": [1.0, 0.0, 0.0, 0.0, 1.0, 0.0], "rows": 2, "noise": 0.7}, [1.0, 0.5, 1.0], 0.3)]


@check("linear-layer-information-mc", quantity=("linear-layer-information-x", "linear-layer-information-y"),
       grid=lambda quick: [_hashable(dict(base, quantity="linear-layer-information-x")) for base, _, _ in _LINEAR]
       + [_hashable(dict(base, teacher=u, teacher_noise=s, quantity="linear-layer-information-y"))
          for base, u, s in _LINEAR],
       title="Linear Gaussian layer: I(X;T) and I(T;Y) against Monte Carlo log-likelihood ratios",
       ylabel="information (nats)")
def linear_layer_information_mc(point, seed, quick):
    W = np.array(point["weights"], dtype=np.float64).reshape(point["rows"], -1)
    which = "x" if point["quantity"].endswith("-x") else "y"
    return linear_layer_mc(W, point["noise"], point.get("teacher"), point.get("teacher_noise"), which,
                           sized(400_000, 60_000, quick, minimum=20_000), seed)


@check("bayes-linear-weight-information-mc", quantity="bayes-linear-weight-information",
       grid=lambda quick: [_hashable(p) for p in
                           [{"design": [1.0, 0.0, 0.5, 1.0, -1.0, 2.0], "rows": 3, "prior_std": 1.0, "noise": 0.5},
                            {"design": [0.3, 0.1, -0.2, 0.4], "rows": 4, "prior_std": 2.0, "noise": 1.0},
                            {"design": [1.0, 2.0, 0.0, 1.0, 1.0, 1.0, 0.5, -1.0, 0.2], "rows": 3, "prior_std": 0.3,
                             "noise": 0.2}]
                           + ([] if quick else [{"design": [1.0] * 10, "rows": 5, "prior_std": 1.0, "noise": 3.0}])],
       title="Bayesian linear regression: I(w; D) against Monte Carlo over weights and data sets",
       ylabel="I(w; D) (nats)")
def bayes_linear_weight_information_mc(point, seed, quick):
    """Draw w ~ N(0, lambda^2 I), a data set y = X w + N(0, s^2 I); average ln p(y|w) - ln p(y),
    p(y) = N(0, lambda^2 X X^T + s^2 I)."""
    X = np.array(point["design"], dtype=np.float64).reshape(point["rows"], -1)
    n, p = X.shape
    lam, s = point["prior_std"], point["noise"]
    marginal = lam**2 * X @ X.T + s**2 * np.eye(n)

    def work(gen, size):
        w = lam * gen.standard_normal((size, p))
        mean = w @ X.T
        y = mean + s * gen.standard_normal((size, n))
        g = gaussian_logpdf(y, mean, s**2 * np.eye(n)) - gaussian_logpdf(y, 0.0, marginal)
        return g.sum(), (g * g).sum(), size

    return _reduce(map_chunks(work, sized(400_000, 60_000, quick, minimum=20_000), 8192, seed))


def minimise_lagrangian(H: np.ndarray, w_star: np.ndarray, beta: float, prior_std: float):
    """Minimise E_Q[(1/2)(w - w*)^T H (w - w*)] + beta KL(N(mu, L L^T) || N(0, lambda^2 I)) over mu and a
    lower-triangular L (log-diagonal), by BFGS with the analytic objective; returns (mu, Sigma)."""
    from scipy.optimize import minimize

    n = len(w_star)
    rows, cols = np.tril_indices(n)
    diag = rows == cols

    def unpack(theta):
        L = np.zeros((n, n))
        vals = theta[n:].copy()
        vals[diag] = np.exp(vals[diag])
        L[rows, cols] = vals
        return theta[:n], L

    def objective(theta):
        mu, L = unpack(theta)
        sigma = L @ L.T
        loss = 0.5 * ((mu - w_star) @ H @ (mu - w_star) + np.trace(H @ sigma))
        l2 = prior_std**2
        kl = 0.5 * (np.trace(sigma) / l2 + mu @ mu / l2 - n + n * math.log(l2)
                    - 2 * np.sum(np.log(np.diag(L))))
        return loss + beta * kl

    start = np.zeros(n + len(rows))
    best = minimize(objective, start, method="BFGS", options={"gtol": 1e-12, "maxiter": 20_000})
    mu, L = unpack(best.x)
    return mu, L @ L.T


def gaussian_kl(mu, sigma, prior_std) -> float:
    n, l2 = len(mu), prior_std**2
    return float(0.5 * (np.trace(sigma) / l2 + mu @ mu / l2 - n + n * math.log(l2) - np.linalg.slogdet(sigma)[1]))


@check("gaussian-posterior-kl-minimised", quantity="gaussian-posterior-kl", rule="exact", tolerance=1e-6,
       grid=lambda quick: [{"hessian": tuple(h), "minimizer": tuple(m), "beta": b, "prior_std": s} for h, m, b, s in
                           (([4.0, 1.0, 0.01], [1.0, -0.5, 2.0], 0.1, 1.0), ([2.0], [3.0], 1.0, 0.5),
                            ([10.0, 0.0], [0.5, 1.0], 0.3, 2.0), ([1.0, 1.0, 1.0, 5.0], [1, 1, 1, 1], 2.0, 1.0))],
       wrong=lambda p: _laplace_kl(p), wrong_label="the prior-free posterior N(w*, beta H^-1) (H > 0 only)",
       title="KL-optimal Gaussian posterior of a quadratic loss: closed form vs BFGS on a rotated problem",
       ylabel="KL(Q*||P) (nats)")
def gaussian_posterior_kl_minimised(point, seed, quick):
    """Rotate the problem by a random orthogonal R (H = R diag(h) R^T, w* = R m), minimise the
    Lagrangian over all Gaussians by BFGS, and return the KL of the minimiser."""
    gen = np.random.Generator(np.random.SFC64(seed))
    n = len(point["hessian"])
    q, r = np.linalg.qr(gen.standard_normal((n, n)))
    R = q * np.sign(np.diag(r))
    H = R @ np.diag(point["hessian"]) @ R.T
    mu, sigma = minimise_lagrangian(H, R @ np.asarray(point["minimizer"], dtype=np.float64), point["beta"],
                                    point["prior_std"])
    return Estimate(gaussian_kl(mu, sigma, point["prior_std"]), 0.0, 1)


def _laplace_kl(point) -> float:
    """KL of N(w*, beta H^-1) from the prior, the posterior one gets by ignoring the prior in the
    optimum; where H is singular it is infinite, and we return the true theory times 1.05."""
    h = np.asarray(point["hessian"], dtype=np.float64)
    if np.any(h <= 0):
        from ...theory import evaluate

        return 1.05 * evaluate("gaussian-posterior-kl", **point)
    m = np.asarray(point["minimizer"], dtype=np.float64)
    return gaussian_kl(m, np.diag(point["beta"] / h), point["prior_std"])
