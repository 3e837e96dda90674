"""Checks of local entropy, flatness and sharpness.

Local entropy (importance sampling): with x' = x + z/sqrt(gamma), z ~ N(0, I),
F(x; gamma) = (n/2) ln(2 pi/gamma) + ln E[exp(-f(x'))]; the log of the sample mean has the delta-method
standard error s_w / (mean_w sqrt(N)). The quadratic's Hessian is A = Q diag(lambda) Q^T with a
Haar-random rotation Q (so the eigenbasis claim is tested, not assumed). Entropy-SGD's gradient
gamma (x - <x'>) is estimated by the self-normalised ratio sum w y_k / sum w (delta-method error).
One SFC64 stream per chunk of 8192 samples (``map_chunks``): bit-identical for any thread count.

Sharpness: the box optimiser (L-BFGS-B with restarts and a coordinate sweep, ``kernels.box_sharpness``)
against the exact vertex enumeration of ``keskar-sharpness-quadratic``; and a real two-layer ReLU
network whose exact Hessian (analytic, ``kernels.relu_net_loss_grad_hessian``) is recomputed at
T_alpha theta and compared with the transformation formulas (rule exact, tolerance 1e-9 relative).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .._check import check
from .._parallel import map_chunks
from .._size import sized
from .._stats import Estimate
from . import kernels

CHUNK = 8192


def _rotated(point: dict, seed):
    """(A, x - x*, P) for the point: A = Q diag(lambda) Q^T, x - x* = Q d, P = Q^T, Q Haar-random."""
    lam = np.array(point["eigenvalues"], dtype=np.float64)
    n = len(lam)
    d = np.array(point.get("displacement") or (0.0,) * n, dtype=np.float64)
    q = kernels.random_rotation(np.random.Generator(np.random.SFC64(seed)), n)
    return q @ np.diag(lam) @ q.T, q @ d, np.ascontiguousarray(q.T)


def _sample(point: dict, seed, samples: int):
    rot_seed, mc_seed = seed.spawn(2)
    a, c, p = _rotated(point, rot_seed)
    n, gamma = len(c), point["gamma"]
    parts = map_chunks(lambda gen, size: kernels.tilted_weights(gen.standard_normal((size, n)), a, c, gamma, p),
                       samples, CHUNK, mc_seed)
    return np.concatenate([w for w, _ in parts]), np.concatenate([y for _, y in parts])


def _log_mean(w: np.ndarray) -> tuple[float, float]:
    m = float(w.mean())
    return math.log(m), float(w.std(ddof=1)) / (m * math.sqrt(len(w)))


ENTROPY_POINTS = ({"eigenvalues": (1.0, 4.0), "gamma": 1.0},
                  {"eigenvalues": (0.5, 2.0, 8.0), "gamma": 2.0, "displacement": (0.3, -0.2, 0.1)},
                  {"eigenvalues": (1.0, 1.0, 3.0), "gamma": 0.5, "displacement": (1.0, 0.0, -0.5)},
                  {"eigenvalues": (2.0, 0.3, 5.0, 1.0), "gamma": 1.0, "displacement": (0.5, -1.0, 0.2, 0.0)})


def _small_curvature(point: dict) -> float:
    """First order in lambda/gamma: (n/2) ln(2 pi/gamma) - sum lambda/(2 gamma) - sum lambda d^2/2."""
    lam, gamma = point["eigenvalues"], point["gamma"]
    d = point.get("displacement") or (0.0,) * len(lam)
    return (len(lam) / 2 * math.log(2 * math.pi / gamma) - sum(lam) / (2 * gamma)
            - sum(l * x * x for l, x in zip(lam, d)) / 2)


@check("local-entropy-mc", quantity="local-entropy-quadratic",
       grid=lambda quick: list(ENTROPY_POINTS[:2] if quick else ENTROPY_POINTS),
       wrong=_small_curvature, wrong_label="small-curvature expansion (first order in lambda/gamma)",
       title="Local entropy of a rotated quadratic: importance sampling vs closed form",
       ylabel="F(x; gamma)")
def local_entropy_mc(point, seed, quick):
    samples = sized(400_000, 40_000, quick, minimum=40_000)
    w, _ = _sample(point, seed, samples)
    log_mean, se = _log_mean(w)
    n, gamma = len(point["eigenvalues"]), point["gamma"]
    return Estimate(n / 2 * math.log(2 * math.pi / gamma) + log_mean, se, samples)


FLATNESS_POINTS = ({"eigenvalues": (1.0, 4.0), "gamma": 1.0}, {"eigenvalues": (0.5, 2.0, 8.0), "gamma": 2.0},
                   {"eigenvalues": (0.2, 10.0), "gamma": 0.5})


@check("logdet-flatness-mc", quantity="logdet-flatness",
       grid=lambda quick: list(FLATNESS_POINTS[:2] if quick else FLATNESS_POINTS),
       wrong=lambda point: sum(point["eigenvalues"]) / (2 * point["gamma"]),
       wrong_label="first order in lambda/gamma: sum lambda/(2 gamma)",
       title="Flatness: -ln E exp(-f(x* + z/sqrt(gamma))) vs (1/2) ln det(I + A/gamma)",
       ylabel="(1/2) ln det(I + A/gamma)")
def logdet_flatness_mc(point, seed, quick):
    samples = sized(400_000, 40_000, quick, minimum=40_000)
    w, _ = _sample(point, seed, samples)
    log_mean, se = _log_mean(w)
    return Estimate(-log_mean, se, samples)


GRADIENT_POINTS = ({"eigenvalues": (1.0, 4.0), "gamma": 1.0, "displacement": (0.5, 0.5), "component": 2},
                   {"eigenvalues": (0.5, 2.0, 8.0), "gamma": 2.0, "displacement": (0.3, -0.2, 0.4),
                    "component": 3},
                   {"eigenvalues": (1.0, 1.0, 3.0), "gamma": 0.5, "displacement": (1.0, 0.0, -0.5),
                    "component": 1})


def _plain_gradient(point: dict) -> float:
    k = point["component"] - 1
    return point["eigenvalues"][k] * point["displacement"][k]


@check("entropy-sgd-gradient-mc", quantity="entropy-sgd-gradient-quadratic",
       grid=lambda quick: list(GRADIENT_POINTS[:2] if quick else GRADIENT_POINTS),
       wrong=_plain_gradient, wrong_label="the plain gradient lambda_k d_k of f",
       title="Entropy-SGD gradient gamma (x - <x'>): self-normalised importance sampling vs closed form",
       ylabel="-dF/dd_k")
def entropy_sgd_gradient_mc(point, seed, quick):
    samples = sized(400_000, 40_000, quick, minimum=40_000)
    w, y = _sample(point, seed, samples)
    k = point["component"] - 1
    total = float(w.sum())
    ratio = float(w @ y[:, k]) / total
    se = math.sqrt(float(np.sum((w * (y[:, k] - ratio)) ** 2))) / total
    gamma = point["gamma"]
    return Estimate(gamma * (point["displacement"][k] - ratio), gamma * se, samples)


# ---------------------------------------------------------------------------------------------
def _instance(index: int, p: int, projected: bool) -> dict:
    """A random quadratic (4-decimal entries) whose (projected) Hessian has a non-negative diagonal."""
    gen = np.random.default_rng(1000 + index)
    b = gen.standard_normal((p, p))
    h = b @ b.T / p
    if not projected:
        h = h + 0.4 * (lambda s: s + s.T)(gen.standard_normal((p, p)))  # indefinite, diagonal kept >= 0
        h[np.diag_indices(p)] = np.abs(np.diag(h))
    h = np.round(h, 4)
    point = {"hessian": tuple(float(v) for v in h.ravel()),
             "point": tuple(float(v) for v in np.round(gen.standard_normal(p) * 1.5, 4)),
             "epsilon": (0.05, 0.1, 0.2)[index % 3], "loss": float(np.round(gen.uniform(0, 1), 4)),
             "gradient": tuple(float(v) for v in np.round(gen.standard_normal(p) * 0.2, 4))}
    if projected:
        point["projection"] = tuple(float(v) for v in np.round(gen.standard_normal(p * (p - 2)), 4))
    return point


def _keskar_points(quick: bool) -> list[dict]:
    sizes = ((2, False), (4, True), (5, False)) if quick else \
        ((2, False), (3, False), (4, True), (5, False), (6, False), (6, True), (8, False), (10, False))
    return [_instance(i, p, proj) for i, (p, proj) in enumerate(sizes)]


def _parts(point: dict):
    h = np.array(point["hessian"]).reshape(len(point["point"]), -1)
    x, g = np.array(point["point"]), np.array(point["gradient"])
    a = None if "projection" not in point else np.array(point["projection"]).reshape(len(x), -1)
    return h, x, g, a


def _without_plus_one(point: dict) -> float:
    """Keskar's box misread as |z_i| <= eps |(A^+ x)_i| (no + 1)."""
    from ...theory.sharpness import vertex_maximum

    h, x, g, a = _parts(point)
    if a is None:
        m, gz, y = h, g, x
    else:
        m, gz, y = a.T @ h @ a, a.T @ g, np.linalg.pinv(a) @ x
    return 100.0 * vertex_maximum(m, gz, point["epsilon"] * np.abs(y)) / (1.0 + point["loss"])


@check("keskar-sharpness-optimizer", quantity="keskar-sharpness-quadratic", rule="exact", tolerance=1e-9,
       grid=_keskar_points, wrong=_without_plus_one, wrong_label="the box without the + 1 (eps |x_i|)",
       title="Keskar sharpness: L-BFGS-B box optimiser vs exact vertex enumeration (random quadratics)",
       ylabel="sharpness phi (percent)")
def keskar_sharpness_optimizer(point, seed, quick):
    h, x, g, a = _parts(point)
    restarts = sized(24, 8, quick, minimum=8)
    gen = np.random.Generator(np.random.SFC64(seed))
    value = kernels.box_sharpness(kernels.quadratic_fun_grad(h, g, point["loss"], x), x, point["epsilon"],
                                  restarts=restarts, gen=gen, projection=a)
    return Estimate(value, 0.0, restarts + 1)


# ---------------------------------------------------------------------------------------------
HIDDEN, DIM, DATA = 3, 2, 16
FIRST = HIDDEN * DIM


@lru_cache(maxsize=4)
def network(index: int):
    """(x, y, theta) of a two-layer ReLU network after 300 gradient steps on a random regression task."""
    gen = np.random.default_rng(50 + index)
    x = gen.standard_normal((DATA, DIM))
    y = np.maximum(x @ gen.standard_normal((2, DIM)).T, 0.0).sum(axis=1) + 0.1 * gen.standard_normal(DATA)
    theta = gen.standard_normal(FIRST + HIDDEN)
    for _ in range(300):
        theta = theta - 0.05 * kernels.relu_net_loss_grad_hessian(theta, x, y, HIDDEN)[1]
    return x, y, theta


def _at(index: int, alpha: float = 1.0):
    x, y, theta = network(index)
    t = kernels.alpha_scale(theta, HIDDEN, DIM, alpha)
    loss, grad, hess = kernels.relu_net_loss_grad_hessian(t, x, y, HIDDEN)
    return t, loss, grad, hess


def _traces(hess) -> tuple[float, float]:
    d = np.diag(hess)
    return float(d[:FIRST].sum()), float(d[FIRST:].sum())


def _dinh_points(quick: bool) -> list[dict]:
    alphas = (0.5, 4.0) if quick else (0.1, 0.5, 2.0, 10.0)
    theta, loss, grad, hess = _at(0)
    t1, t2 = _traces(hess)
    hl = tuple(float(v) for v in hess.ravel())
    points = []
    for a in alphas:
        points += [{"quantity": "dinh-transformed-trace", "trace_first": t1, "trace_second": t2, "alpha": a},
                   {"quantity": "dinh-transformed-top-eigenvalue", "hessian": hl, "first": FIRST, "alpha": a},
                   {"quantity": "dinh-transformed-sharpness", "hessian": hl, "point": tuple(map(float, theta)),
                    "first": FIRST, "alpha": a, "epsilon": 0.05, "loss": loss,
                    "gradient": tuple(map(float, grad))}]
    for i in range(1 if quick else 2):
        points.append({"quantity": "dinh-invariant-trace", **dict(zip(("trace_first", "trace_second"),
                                                                        _traces(_at(i)[3])))})
    return points


def _untransformed(point: dict) -> float | None:
    """The power test: the curvature measure read at theta, as if T_alpha left it unchanged."""
    from ...theory import evaluate

    params = {k: v for k, v in point.items() if k != "quantity"}
    if point["quantity"] == "dinh-invariant-trace":
        return params["trace_first"] + params["trace_second"]  # the plain trace at theta (alpha = 1)
    if params["alpha"] == 1.0:
        return None
    return float(evaluate(point["quantity"], **{**params, "alpha": 1.0}))


@check("dinh-alpha-scale-hessian", quantity=("dinh-transformed-trace", "dinh-transformed-top-eigenvalue",
                                              "dinh-transformed-sharpness", "dinh-invariant-trace"),
       rule="exact", tolerance=1e-9, grid=_dinh_points, wrong=_untransformed,
       wrong_label="the measure at theta (T_alpha taken as leaving it unchanged)",
       title="Dinh alpha-scale: exact Hessian of a ReLU network at T_alpha theta vs the formulas",
       ylabel="curvature measure at T_alpha theta")
def dinh_alpha_scale_hessian(point, seed, quick):
    name = point["quantity"]
    if name == "dinh-invariant-trace":
        from scipy.optimize import minimize_scalar

        index = next(i for i in range(2) if _traces(_at(i)[3]) == (point["trace_first"], point["trace_second"]))
        res = minimize_scalar(lambda s: sum(_traces(_at(index, math.exp(s))[3])), bracket=(-1.0, 1.0),
                              options={"xtol": 1e-10})
        return Estimate(float(res.fun), 0.0, int(res.nfev))
    t, loss, grad, hess = _at(0, point["alpha"])
    if name == "dinh-transformed-trace":
        return Estimate(float(np.trace(hess)), 0.0, 1)
    if name == "dinh-transformed-top-eigenvalue":
        return Estimate(float(np.linalg.eigvalsh(hess)[-1]), 0.0, 1)
    gen = np.random.Generator(np.random.SFC64(seed))
    restarts = sized(24, 8, quick, minimum=8)
    value = kernels.box_sharpness(kernels.quadratic_fun_grad(hess, grad, loss, t), t, point["epsilon"],
                                  restarts=restarts, gen=gen)
    return Estimate(value, 0.0, restarts + 1)
