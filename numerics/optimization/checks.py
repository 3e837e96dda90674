"""Checks of the optimisation quantities.

- ``parity-gradient-walsh``: for a fixed small tanh network on D bits, the second moment of the
  per-target gradient E_S|c_S|^2 over all 2^D parities, c_S = E_x[chi_S(x) g(x)], estimated from
  random inputs by unbiased U-statistics STRATIFIED by parity order (weights C(D, k)/2^D: sampling
  parities uniformly would spend nearly every draw on orders near D/2 and almost never see the
  order-1 parities that carry most of the gradient energy), against Theorem 1's G/2^D (equal by
  Parseval; G = E_x|g|^2 computed exactly over the 2^D inputs). Power test: a polynomial G/D.
- ``linear-periodic-mc``: the gradient variance of a linear model over sin targets by Monte Carlo
  (unbiased pair statistics, batches of random directions u), against R^2/sinh(R^2). Power test:
  the targets left unnormalised, R^2 e^(-R^2).
- ``max-margin-qp``: the exact active-set max-margin against scipy's SLSQP on the primal QP.
- ``implicit-bias-gd``: gradient descent on the logistic loss (Numba) to T steps on random
  separable data sets with a margin gap, against the predicted direction error and the limit
  w_tilde of w(T) - w_hat ln T. Power test: a t^(-1/2) rate matched to the prediction at t = 100.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from .._check import check
from .._size import sized
from .._stats import Estimate
from . import kernels

WIDTH = 8


def parity_network(dim: int):
    """The fixed tanh network of the parity check (8 units, seeded by the dimension)."""
    return kernels.tanh_network(dim, WIDTH, seed=1000 + dim)


def _parity_points(quick: bool) -> list[dict]:
    dims = (6, 10) if quick else (6, 8, 10, 12)
    return [{"gradient_norm2": kernels.exact_parity_energies(d, parity_network(d))[0], "dim": d} for d in dims]


def stratified_energy(seed, dim: int, parities: int, inputs: int, net) -> Estimate:
    """Sum_k C(D, k)/2^D * mean of the order-k U-statistics, with its standard error (one SFC64
    stream per order, spawned from ``seed``)."""
    value, var, n = 0.0, 0.0, 0
    for k, child in enumerate(seed.spawn(dim + 1)):
        gen = np.random.Generator(np.random.SFC64(child))
        u = kernels.parity_ustats(gen, dim, k, parities, inputs, net)
        weight = math.comb(dim, k) / 2**dim
        value += weight * u.mean()
        var += weight**2 * u.var(ddof=1) / parities
        n += parities
    return Estimate(float(value), math.sqrt(var), n)


@check("parity-gradient-walsh", quantity="parity-gradient-variance-bound", x="dim", logy=True,
       grid=_parity_points, wrong=lambda p: p["gradient_norm2"] / p["dim"], wrong_label="polynomial decay G/D",
       title="Parity targets: gradient second moment (stratified U-statistic) vs G/2^D",
       ylabel="E_S |E_x[chi_S g]|^2")
def parity_gradient_walsh(point, seed, quick):
    d = point["dim"]
    return stratified_energy(seed, d, sized(24, 6, quick, minimum=6), sized(16384, 4096, quick, minimum=4096),
                             parity_network(d))


PERIODIC_DIM = 5


@check("linear-periodic-mc", quantity="linear-periodic-gradient-variance", x="radius", logy=True,
       grid=lambda quick: [{"radius": r} for r in ((0.5, 1.5, 2.5) if quick else (0.5, 1.0, 1.5, 2.0, 2.5, 3.0))],
       wrong=lambda p: p["radius"] ** 2 * math.exp(-p["radius"] ** 2),
       wrong_label="unnormalised targets R^2 e^(-R^2)",
       title="Linear model, sin(R u.x) targets: gradient variance over u (MC, d = 5)",
       ylabel="Var_u grad F_u")
def linear_periodic_mc(point, seed, quick):
    batches = sized(40, 10, quick, minimum=10)
    targets, inputs = 8, sized(20000, 10000, quick, minimum=10000)
    values = [kernels.periodic_batch(np.random.Generator(np.random.SFC64(s)), point["radius"], PERIODIC_DIM,
                                     targets, inputs) for s in seed.spawn(batches)]
    v = np.array(values)
    return Estimate(float(v.mean()), float(v.std(ddof=1) / math.sqrt(batches)), batches * targets * inputs)


# --- implicit bias ------------------------------------------------------------------------------

@functools.lru_cache(maxsize=8)
def random_datasets(count: int, seed: int = 2018, dim: int = 2, size: int = 6) -> tuple[dict, ...]:
    """Random separable data sets (two decimals per coordinate), chosen before any descent is run:
    exactly ``dim`` support vectors; a margin gap (every other point at margin >= 2 in units of the
    max margin, so its pull on w(t) decays as t^-(margin - 1) <= 1/t); a support matrix
    A = sum_S alpha_n z_n z_n^T whose eigenvalues are all >= 1 (A w_hat = w_hat always: eigenvalue 1;
    the residual relaxes as t^-lambda along each eigenvector); |w_tilde_i| >= 0.5 and
    |P w_tilde| >= 0.5 (so relative errors are meaningful); a step eta = 0.5 x the Theorem's limit."""
    from ...theory import BadInput
    from ...theory import implicit_bias as ib

    gen = np.random.Generator(np.random.SFC64(seed))
    out = []
    while len(out) < count:
        direction = gen.standard_normal(dim)
        x = np.round(gen.uniform(-1, 1, (size, dim)), 2)
        y = np.where(x @ direction > 0, 1, -1)
        x = np.round(x + 0.3 * y[:, None] * direction / np.linalg.norm(direction), 2)
        try:
            mm = ib.max_margin(x.ravel().tolist(), dim, y.tolist())
        except BadInput:
            continue
        z = np.array([[float(v) for v in r] for r in mm.z])
        w = np.array([float(v) for v in mm.w_hat])
        margins = np.sort(z @ w)
        if len(mm.support) != dim or margins[dim] < 2:
            continue
        a = sum(float(al) * np.outer(z[i], z[i]) for al, i in zip(mm.alpha, mm.support))
        if np.linalg.eigvalsh(a)[0] < 1 - 1e-9:
            continue
        eta = round(0.5 * ib.step_limit(mm), 4)
        wt = np.array([float(v) for v in ib.residual_limit(x.ravel().tolist(), dim, y.tolist(), eta, 15)])
        u = w / np.linalg.norm(w)
        if np.min(np.abs(wt)) < 0.5 or np.linalg.norm(wt - (wt @ u) * u) < 0.5:
            continue
        out.append({"points": tuple(float(v) for v in x.ravel()), "dim": dim, "labels": tuple(int(v) for v in y),
                    "eta": eta})
    return tuple(out)


def _gd_points(quick: bool) -> list[dict]:
    steps = float(sized(10**7, 10**5, quick, minimum=10**5))
    points = []
    for data in random_datasets(2 if quick else 6):
        points.append({"quantity": "implicit-bias-direction-error", **data, "steps": steps})
        for c in range(data["dim"]):
            points.append({"quantity": "implicit-bias-residual", **data, "component": c})
    return points


def _wrong(point: dict):
    p = {k: v for k, v in point.items() if k != "quantity"}
    if point["quantity"] == "implicit-bias-direction-error":
        from ...theory import evaluate

        return float(evaluate("implicit-bias-direction-error", **{**p, "steps": 100.0})) * math.sqrt(100.0 / p["steps"])
    return None


@functools.lru_cache(maxsize=16)
def _gd_final(points, dim, labels, eta, steps) -> tuple[float, ...]:
    """w(steps) of gradient descent on one data set (cached: each data set serves several points)."""
    z = np.array(points).reshape(-1, dim) * np.array(labels)[:, None]
    return tuple(kernels.gd_logistic(z, eta, np.array([steps], dtype=np.int64))[0])


@check("implicit-bias-gd", quantity=("implicit-bias-direction-error", "implicit-bias-residual"), rule="exact",
       tolerance=0.01, grid=_gd_points, wrong=_wrong, wrong_label="a t^(-1/2) rate matched at t = 100",
       title="Logistic GD on separable data: direction error and w(t) - w_hat ln t vs Theorem 3",
       ylabel="value at the last step")
def implicit_bias_gd(point, seed, quick):
    from ...theory import implicit_bias as ib

    steps = int(sized(10**7, 10**5, quick, minimum=10**5))
    mm = ib.max_margin(point["points"], point["dim"], point["labels"])
    w = np.array(_gd_final(point["points"], point["dim"], point["labels"], point["eta"], steps))
    w_hat = np.array([float(v) for v in mm.w_hat])
    if point["quantity"] == "implicit-bias-direction-error":
        value = np.linalg.norm(w / np.linalg.norm(w) - w_hat / np.linalg.norm(w_hat))
    else:
        value = (w - w_hat * math.log(steps))[point["component"]]
    return Estimate(float(value), 0.0, steps)


@check("max-margin-qp", quantity=("max-margin", "max-margin-direction"), rule="exact", tolerance=1e-6,
       grid=lambda quick: [{"quantity": q, **d, **extra} for d in
                           [{k: v for k, v in p.items() if k != "eta"} for p in random_datasets(2 if quick else 5)]
                           for q, extra in (("max-margin", {}), ("max-margin-direction", {"component": 0}))],
       title="Max-margin: exact active set vs scipy SLSQP on the primal QP", ylabel="value")
def max_margin_qp(point, seed, quick):
    from scipy.optimize import minimize

    x = np.array(point["points"]).reshape(-1, point["dim"])
    z = x * np.array(point["labels"])[:, None]
    res = minimize(lambda w: w @ w, np.ones(point["dim"]) * 10, jac=lambda w: 2 * w, method="SLSQP",
                   constraints=[{"type": "ineq", "fun": lambda w: z @ w - 1, "jac": lambda w: z}],
                   options={"ftol": 1e-15, "maxiter": 1000})
    w = res.x
    if point["quantity"] == "max-margin":
        value = 1 / np.linalg.norm(w)
    else:
        value = w[point["component"]] / np.linalg.norm(w)
    return Estimate(float(value), 0.0, 1)


# --- conditioning: gradient descent on a quadratic ----------------------------------------------

@check("gd-quadratic-contraction", quantity="gd-quadratic-rate", rule="exact", tolerance=1e-9, x="kappa",
       grid=lambda quick: [{"kappa": k} for k in ((10.0, 1000.0) if quick else (2.0, 10.0, 100.0, 1000.0, 1e4))],
       wrong=lambda p: 1 - 1 / p["kappa"], wrong_label="1 - 1/kappa (the rate of the step 1/L)",
       title="Gradient descent on a quadratic at the step 2/(mu + L): measured contraction per step",
       ylabel="(|e_T| / |e_T0|)^(1/(T - T0))")
def gd_quadratic_contraction(point, seed, quick):
    """A random 5-dimensional quadratic with condition number kappa (kernels.quadratic_problem, seeded);
    gradient descent at eta = 2/(mu + L) for T = 400 steps; the contraction per step measured over the
    last 200, after the interior eigencomponents (decaying at most 0.6 times as fast per step) have died
    out (0.6^200 ~ 1e-44). Exact up to rounding: tolerance 1e-9 relative."""
    kappa = point["kappa"]
    h, e0 = kernels.quadratic_problem(np.random.Generator(np.random.SFC64(seed)), kappa)
    e = kernels.gd_quadratic_errors(h, e0, 2 / (1 + kappa), (200, 400))
    return Estimate(float((e[1] / e[0]) ** (1 / 200)), 0.0, 400)
