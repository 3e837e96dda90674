"""Checks of the information in the weights as a PAC-Bayes complexity and of the invariance example
(theory/information_weights.py).

- the weight Lagrangian's value against BFGS over all Gaussians (mean and Cholesky factor);
- the PAC-Bayes bound at KL(Q*||P) against the true Gibbs risk of Q*, by Monte Carlo over the
  posterior's weights with the exact risk of each weight vector under the data-generating law;
- the linear-Gaussian informations against independent Schur-complement formulas (NumPy), and the
  bound I(T;N) <= I(T;X) - I(T;Y) over random linear representations.
"""
from __future__ import annotations

import math

import numpy as np

from ...theory import evaluate
from ...theory import information_weights as theory
from .._check import check
from .._parallel import map_chunks
from .._size import sized
from .._stats import Estimate


# ----------------------------------------------------------------------------- the weight Lagrangian
def lagrangian_objective_minimum(X: np.ndarray, y: np.ndarray, prior_std: float, noise: float, beta: float) -> float:
    """min over N(mu, L L^T) of (|y - X mu|^2 + tr(X L L^T X^T))/(2 s^2) + (n/2) ln(2 pi s^2) + beta KL, by BFGS."""
    from scipy.optimize import minimize

    n, p = X.shape
    rows, cols = np.tril_indices(p)
    diag = rows == cols
    l2, s2 = prior_std**2, noise**2

    def objective(theta):
        mu, vals = theta[:p], theta[p:].copy()
        vals[diag] = np.exp(vals[diag])
        L = np.zeros((p, p))
        L[rows, cols] = vals
        r = y - X @ mu
        XL = X @ L
        fit = (r @ r + np.sum(XL * XL)) / (2 * s2) + 0.5 * n * math.log(2 * math.pi * s2)
        kl = 0.5 * (np.sum(L * L) / l2 + mu @ mu / l2 - p + p * math.log(l2) - 2 * np.sum(theta[p:][diag]))
        return fit + beta * kl

    best = minimize(objective, np.zeros(p + len(rows)), method="BFGS", options={"gtol": 1e-11, "maxiter": 50_000})
    return float(best.fun)


def teacher_problem(p: int, n: int, seed: int, teacher_noise: float):
    """A data set from the law used by the PAC-Bayes check: x ~ N(0, I_p), y = w0.x + teacher_noise * eps,
    w0 = (1, -1, 1, ...)/sqrt(p) * 1.5; drawn from SFC64(seed)."""
    gen = np.random.Generator(np.random.SFC64(seed))
    w0 = 1.5 * np.array([(-1.0) ** j for j in range(p)]) / math.sqrt(p)
    X = gen.standard_normal((n, p))
    y = X @ w0 + teacher_noise * gen.standard_normal(n)
    return w0, X, y


# (p, n, data seed, teacher noise, prior_std, likelihood noise, beta, tolerance)
_PAC_PROBLEMS = [(4, 40, 11, 0.5, 1.0, 0.5, 1.0, 0.6), (4, 40, 12, 0.5, 1.0, 0.5, 0.05, 0.6),
                 (8, 60, 13, 0.3, 1.0, 0.3, 0.2, 0.4), (2, 200, 14, 1.0, 2.0, 1.0, 1.0, 1.5),
                 (6, 30, 15, 0.5, 0.5, 0.5, 0.02, 0.5)]


def _pac_point(p, n, seed, teacher_noise, prior_std, noise, beta, tau) -> dict:
    _, X, y = teacher_problem(p, n, seed, teacher_noise)
    return {"design": tuple(float(v) for v in X.reshape(-1)), "rows": n, "targets": tuple(float(v) for v in y),
            "prior_std": prior_std, "noise": noise, "beta": beta, "tolerance": tau}


def _teacher(point: dict) -> tuple[np.ndarray, float]:
    """(w0, s0) of the law that drew this grid point's data set (grid points carry only the quantity's
    parameters: the problem is found by regenerating each listed data set and comparing)."""
    for problem in _PAC_PROBLEMS:
        if _pac_point(*problem)["design"] == tuple(point["design"]):
            return teacher_problem(*problem[:4])[0], problem[3]
    raise KeyError("not a data set of _PAC_PROBLEMS")


def _pac_grid(quick: bool) -> list[dict]:
    return [_pac_point(*problem) for problem in (_PAC_PROBLEMS[:3] if quick else _PAC_PROBLEMS)]


def posterior_and_risk(point: dict):
    import mpmath

    with mpmath.workdps(30):
        mu, sigma, X, y = theory.lagrangian_posterior(list(point["design"]), point["rows"], list(point["targets"]),
                                                      point["prior_std"], point["noise"], point["beta"])
        risk = theory.gibbs_tolerance_risk(mu, sigma, X, y, point["tolerance"])
    as_np = np.array(mu.tolist(), dtype=np.float64).reshape(-1), np.array(sigma.tolist(), dtype=np.float64)
    return (*as_np, float(risk))


def _empirical_gibbs_risk(point: dict) -> float:
    """The wrong theory: the empirical Gibbs risk alone (the bound without its KL complexity)."""
    return posterior_and_risk(point)[2]


@check("weight-information-pac-bayes-holds", quantity="weight-information-pac-bayes", rule="upper-bound",
       loose=("2.4-3.4x the Gibbs risk of Q*; power from the exact sub-check "
              "weight-lagrangian-minimised (the KL at the optimum) and the no-KL power test"),
       grid=_pac_grid, x="beta", wrong=_empirical_gibbs_risk,
       wrong_label="the empirical Gibbs risk alone (no KL complexity term)",
       title="PAC-Bayes bound at the weight Lagrangian's KL vs the true Gibbs risk of Q* (tolerance loss)",
       ylabel="Gibbs risk P(|y - w.x| > tau)")
def weight_information_pac_bayes_holds(point, seed, quick):
    """Draw w ~ Q* and average the exact risk of w under the data law, P(|N(0, |w0 - w|^2 + s0^2)| > tau)
    = erfc(tau / sqrt(2 (|w0 - w|^2 + s0^2))); the bound must hold on this data set (it may fail on
    a fraction delta of data sets, by its statement)."""
    from scipy.special import erfc

    w0, s0 = _teacher(point)
    mu, sigma, _ = posterior_and_risk(point)
    chol = np.linalg.cholesky(sigma)
    tau = point["tolerance"]

    def work(gen, size):
        w = mu + gen.standard_normal((size, len(mu))) @ chol.T
        v = ((w - w0) ** 2).sum(1) + s0**2
        g = erfc(tau / np.sqrt(2 * v))
        return g.sum(), (g * g).sum(), size

    parts = map_chunks(work, sized(200_000, 40_000, quick, minimum=10_000), 8192, seed)
    s1, s2, n = (sum(part[i] for part in parts) for i in range(3))
    mean = s1 / n
    return Estimate(float(mean), float(math.sqrt(max(s2 / n - mean * mean, 0.0) / (n - 1))), int(n))


_LAGRANGIAN_PROBLEMS = [({"design": [1.0, 0.0, 0.5, 1.0, -1.0, 2.0, 0.3, -0.7], "rows": 4,
                          "targets": [0.9, 1.2, 0.4, -0.5], "prior_std": 1.0, "noise": 0.5}, (1.0, 0.1, 10.0)),
                        ({"design": [1.0, 2.0, -1.0], "rows": 1, "targets": [2.0], "prior_std": 0.7, "noise": 0.3},
                         (1.0, 0.05)),
                        ({"design": [0.2, -1.0, 1.5, 0.3, 0.7, 0.1, -0.4, 2.0, 1.0], "rows": 3,
                          "targets": [-1.0, 0.5, 3.0], "prior_std": 2.0, "noise": 1.0}, (0.5, 3.0))]


@check("weight-lagrangian-minimised", quantity="weight-lagrangian-value", rule="exact", tolerance=1e-7,
       grid=lambda quick: [{**{k: tuple(v) if isinstance(v, list) else v for k, v in base.items()}, "beta": b}
                           for base, betas in _LAGRANGIAN_PROBLEMS for b in betas],
       x="beta", title="Weight Lagrangian: closed-form minimum vs BFGS over all Gaussian posteriors",
       ylabel="min of cross-entropy + beta KL (nats)")
def weight_lagrangian_minimised(point, seed, quick):
    X = np.array(point["design"], dtype=np.float64).reshape(point["rows"], -1)
    return Estimate(lagrangian_objective_minimum(X, np.array(point["targets"], dtype=np.float64), point["prior_std"],
                                                 point["noise"], point["beta"]), 0.0, 1)


# ----------------------------------------------------------------------------- invariance
def _model(point: dict):
    u = np.array(point["signal"], dtype=np.float64)
    V = np.array(point["nuisance"], dtype=np.float64).reshape(len(u), -1)
    A = np.array(point["encoder"], dtype=np.float64).reshape(point["rows"], -1)
    return u, V, A, point["input_noise"], point["noise"]


def schur_informations(point: dict) -> dict[str, float]:
    """I(T;X), I(T;Y), I(T;N), I(X;Y) from the joint covariance of (T, X, Y, N), each as
    (1/2) ln det Cov(B) / det Cov(B|T) on the side of B (not of T, as the quantity does)."""
    u, V, A, sig, s = _model(point)
    d, m = V.shape
    # joint of (Y, N, E, Z) -> X, T
    cov_x = np.outer(u, u) + V @ V.T + sig**2 * np.eye(d)
    cov_t = A @ cov_x @ A.T + s**2 * np.eye(len(A))

    def info(cov_b, cross_bt):  # cross_bt = Cov(B, T)
        cond = cov_b - cross_bt @ np.linalg.solve(cov_t, cross_bt.T)
        return 0.5 * (np.linalg.slogdet(cov_b)[1] - np.linalg.slogdet(cond)[1])

    x_given_y = V @ V.T + sig**2 * np.eye(d)
    return {"t-x": info(cov_x, cov_x @ A.T), "t-y": info(np.eye(1), (A @ u)[None, :]),
            "t-n": info(np.eye(m), (A @ V).T),
            "x-y": -0.5 * math.log(1 - u @ np.linalg.solve(cov_x, u))}  # Var(Y|X) = 1 - u^T Sigma_X^-1 u


def random_representations(count: int, seed: int) -> list[dict]:
    """Random models and encoders: d in 2..4, m in 1..3, k in 1..d+1, entries N(0,1), noises log-uniform."""
    gen = np.random.Generator(np.random.SFC64(seed))
    out = []
    for _ in range(count):
        d = int(gen.integers(2, 5))
        m = int(gen.integers(1, 4))
        k = int(gen.integers(1, d + 2))
        out.append({"signal": tuple(np.round(gen.standard_normal(d), 6)),
                    "nuisance": tuple(np.round(gen.standard_normal(d * m), 6)), "nuisance_dim": m,
                    "input_noise": float(np.round(math.exp(gen.uniform(-2, 0.5)), 6)),
                    "encoder": tuple(np.round(gen.standard_normal(k * d), 6)), "rows": k,
                    "noise": float(np.round(math.exp(gen.uniform(-3, 1)), 6))})
    return out


def _tuples(point: dict) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in point.items()}


@check("nuisance-information-schur", quantity="nuisance-information", rule="exact", tolerance=1e-9,
       grid=lambda quick: [{**_tuples(p), "information": i}
                           for p in list(theory.MODEL_EXAMPLES)
                           + random_representations(4 if quick else 20, 7) for i in theory.INFORMATIONS],
       title="Linear-Gaussian representation: I(T;X), I(T;Y), I(T;N), I(X;Y) against Schur complements",
       ylabel="information (nats)")
def nuisance_information_schur(point, seed, quick):
    return Estimate(float(schur_informations(point)[point["information"]]), 0.0, 1)


def _sufficient_form(point: dict) -> float:
    """The wrong theory: Achille & Soatto's I(T;X) - I(X;Y), valid for sufficient T, applied to every T."""
    return (evaluate("nuisance-information", **point, information="t-x")
            - evaluate("nuisance-information", **point, information="x-y"))


@check("nuisance-information-bound-random", quantity="nuisance-information-bound", rule="upper-bound",
       loose=("1.1-17x I(T;N) over random T; power from the exact sub-check nuisance-information-schur "
              "(I(T;N) to 1e-9) and the sufficient-T power test"),
       tolerance=1e-9, grid=lambda quick: [_tuples(p) for p in random_representations(12 if quick else 60, 3)],
       wrong=_sufficient_form, wrong_label="I(T;X) - I(X;Y) (the sufficient-T form) applied to every T",
       title="I(T;N) <= I(T;X) - I(T;Y) over random linear representations (exact I(T;N), N-side Schur)",
       ylabel="I(T;N) (nats)")
def nuisance_information_bound_random(point, seed, quick):
    return Estimate(float(schur_informations(point)["t-n"]), 0.0, 1)
