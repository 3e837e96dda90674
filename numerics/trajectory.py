"""Trajectory length through random hard-tanh and ReLU networks (Raghu et al. 2017, Thm 1).

Simulator. For a circle x(t) = r (u cos t + v sin t) the weight law is rotation invariant, so
E[l(z^(d))] / l(x) = E|dz^(d)| for a unit tangent v perpendicular to x: the expected length of
the (piecewise-linear) image is one forward-mode derivative per network, with no
discretisation. Given the previous layer, a dense layer's pre-activation h = W z + b and
directional derivative W dz are, unit by unit, independent Gaussians with covariance
sigma_w^2/fan_in [[|z|^2, z.dz], [z.dz, |dz|^2]] (plus sigma_b^2 on h): ``tangent_lengths``
draws these sufficient statistics (O(k) per layer, exact in distribution) instead of W
(O(k^2)); ``tangent_lengths_weights`` is the weight-drawing reference. One SFC64 stream per
chunk of networks (``map_chunks``): thread-count independent.

Checks: ``trajectory-growth-lower-bound`` (the corrected per-layer base lies below the measured
growth of E[l]; power: Raghu et al.'s published base is rejected) and
``trajectory-growth-wide-limit`` (the growth at widths k, 2k, 4k extrapolated in 1/k equals
sqrt(chi1); power: the published base's large-width limit is rejected).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from dltheory.theory import activations

from ._bench import Timing, benchmark, best_time, generator_rate
from ._check import check
from ._parallel import map_chunks
from ._stats import Estimate, extrapolate
from .activations import fresh_cache, numba_form

CHUNK = 256
_relu, _relu1, _hardtanh, _hardtanh1 = (numba_form(a, d) for a in ("relu", "hardtanh") for d in (0, 1))


@njit(cache=True, nogil=True)
def _tangent_path(normals, relu, sigma_w, sigma_b, q0, out):
    """normals: (S, D, k, 3) standard normals; out: (S, D) = |dz^(d)| for |dx| = 1, dx . x = 0, |x|^2/k = q0."""
    S, D, k, _ = normals.shape
    for s in range(S):
        zz, zd, dd = q0 * k, 0.0, 1.0  # |z|^2, z.dz, |dz|^2 of the input (input dimension k)
        for d in range(D):
            scale = sigma_w / math.sqrt(k)
            root = math.sqrt(zz)
            perp = math.sqrt(max(dd - zd * zd / zz, 0.0)) if zz > 0 else math.sqrt(dd)
            along = zd / root if zz > 0 else 0.0
            nzz, nzd, ndd = 0.0, 0.0, 0.0
            for i in range(k):
                u1, u2, u3 = normals[s, d, i, 0], normals[s, d, i, 1], normals[s, d, i, 2]
                h = scale * root * u1 + sigma_b * u3
                wd = scale * (along * u1 + perp * u2)
                if relu:  # the activation table's relu and hardtanh, with their derivatives
                    z, g = _relu(h), _relu1(h) * wd
                else:
                    z, g = _hardtanh(h), _hardtanh1(h) * wd
                nzz += z * z
                nzd += z * g
                ndd += g * g
            zz, zd, dd = nzz, nzd, ndd
            out[s, d] = math.sqrt(dd)


fresh_cache(_tangent_path)


def tangent_lengths(seed, activation: str, width: int, depth: int, sigma_w: float, sigma_b: float,
                    samples: int, q0: float = 1.0) -> np.ndarray:
    """(samples, depth) array of E-unbiased length ratios l(z^(d))/l(x) of a circle, |x|^2/k = q0."""
    def work(gen, size):
        out = np.empty((size, depth))
        _tangent_path(gen.standard_normal((size, depth, width, 3)), activation == "relu", sigma_w, sigma_b, q0, out)
        return out

    return np.concatenate(map_chunks(work, samples, CHUNK, seed))


def tangent_lengths_weights(seed, activation: str, width: int, depth: int, sigma_w: float, sigma_b: float,
                            samples: int, q0: float = 1.0) -> np.ndarray:
    """Reference: the same ratios from drawn weight matrices (forward-mode derivative, NumPy)."""
    phi, linear = activations.numpy_form(activation, 0), activations.numpy_form(activation, 1)

    def work(gen, size):
        out = np.empty((size, depth))
        for s in range(size):
            x = gen.standard_normal(width)
            x *= math.sqrt(q0 * width) / np.linalg.norm(x)
            v = gen.standard_normal(width)
            v -= (v @ x) / (x @ x) * x
            z, dz = x, v / np.linalg.norm(v)
            for d in range(depth):
                W = gen.standard_normal((width, width)) * (sigma_w / math.sqrt(width))
                h = W @ z + sigma_b * gen.standard_normal(width)
                z, dz = phi(h), linear(h) * (W @ dz)
                out[s, d] = np.linalg.norm(dz)
        return out

    return np.concatenate(map_chunks(work, samples, CHUNK, seed))


def growth_per_layer(lengths: np.ndarray, first: int, last: int) -> Estimate:
    """(E L_last / E L_first)^(1/(last - first)) over the layers' columns (1-based), delta-method error."""
    a, b = lengths[:, first - 1], lengths[:, last - 1]
    n, layers = a.size, last - first
    ratio = b.mean() / a.mean()
    se_ratio = np.std(b - ratio * a, ddof=1) / (math.sqrt(n) * a.mean())
    growth = ratio ** (1.0 / layers)
    return Estimate(float(growth), float(growth * se_ratio / (layers * ratio)), n)


def measured_growth(point: dict, seed, samples: int) -> Estimate:
    """Per-layer growth of E[l] between layers 4 and 10 (past the transient of |z|^2/k from q0 = 1)."""
    lengths = tangent_lengths(seed, point["activation"], point["width"], 10, point["sigma_w"],
                              point["sigma_b"], samples)
    return growth_per_layer(lengths, 4, 10)


# ---------------------------------------------------------------- checks
def _lower_grid(quick):
    """Points with k p >= 3 (p: unsaturated fraction); below it E[l] is carried by rare networks."""
    ht = [(16, 4.0, 0.0), (64, 4.0, 0.0), (32, 2.0, 0.0), (32, 8.0, 0.0), (64, 4.0, 1.0)]
    relu = [(32, math.sqrt(2.0), 0.0), (64, 2.0, 0.5)]
    if not quick:
        ht += [(8, 2.0, 0.0), (128, 4.0, 0.0), (256, 8.0, 0.0), (64, 1.5, 0.5)]
        relu += [(8, math.sqrt(2.0), 0.0), (128, math.sqrt(2.0), 0.0), (16, 3.0, 1.0)]
    return ([{"width": k, "sigma_w": w, "sigma_b": b, "activation": "hardtanh", "form": "corrected"}
             for k, w, b in ht] +
            [{"width": k, "sigma_w": w, "sigma_b": b, "activation": "relu", "form": "corrected"}
             for k, w, b in relu])


def _published_base(point):
    from dltheory.theory import evaluate

    return evaluate("trajectory-growth", **{**point, "form": "paper"})


@check("trajectory-growth-lower-bound", quantity="trajectory-growth",
       title="Raghu et al. Thm 1: per-layer growth of the expected trajectory length (layers 4-10) "
             "against the corrected base",
       grid=_lower_grid, rule="lower-bound", wrong=_published_base,
       wrong_label="Raghu et al.'s published base (form=paper)", x="width", ylabel="growth of E[l] per layer")
def _lower_bound(point, seed_sequence, quick):
    return measured_growth(point, seed_sequence, 2000 if quick else 20000)


def _wide_grid(quick):
    ht = [(4.0, 0.0), (2.0, 0.0), (4.0, 1.0)] if quick else [(4.0, 0.0), (2.0, 0.0), (4.0, 1.0), (8.0, 0.0),
                                                               (1.5, 0.5)]
    relu = [(2.0, 0.5)] if quick else [(2.0, 0.5), (math.sqrt(2.0), 0.0)]
    return ([{"sigma_w": w, "sigma_b": b, "activation": "hardtanh"} for w, b in ht] +
            [{"sigma_w": w, "sigma_b": b, "activation": "relu"} for w, b in relu])


def _published_wide_base(point):
    from dltheory.theory import evaluate

    return evaluate("trajectory-growth", width=10**9, form="paper", **point)


@check("trajectory-growth-wide-limit", quantity="trajectory-growth-wide",
       title="Per-layer growth of E[l] at widths k, 2k, 4k, extrapolated in 1/k, against sqrt(chi1)",
       grid=_wide_grid, rule="z", wrong=_published_wide_base,
       wrong_label="the large-width limit of Raghu et al.'s published base", x="sigma_w",
       ylabel="growth of E[l] per layer, k -> infinity")
def _wide_limit(point, seed_sequence, quick):
    samples, widths = (2000, (32, 64, 128)) if quick else (20000, (64, 128, 256))
    ests = [measured_growth({**point, "width": k}, s, samples) for k, s in zip(widths, seed_sequence.spawn(3))]
    return extrapolate(widths, ests)


# ---------------------------------------------------------------- benchmark
@benchmark("trajectory-tangent", simulator="sufficient-statistic tangent sampler (Numba, O(k) per layer)",
           reference="numpy forward-mode derivative through drawn weight matrices (O(k^2) per layer)")
def _bench_tangent(quick):
    width, depth, samples = 128, 10, 512 if quick else 4096
    args = ("hardtanh", width, depth, 4.0, 0.0, samples)
    fast = [None]
    sim = best_time(lambda: fast.__setitem__(0, tangent_lengths(1, *args)), 3)
    slow = [None]
    reference = best_time(lambda: slow.__setitem__(0, tangent_lengths_weights(2, *args)), 1)
    a, b = growth_per_layer(fast[0], 4, 10), growth_per_layer(slow[0], 4, 10)
    rate = generator_rate()
    return Timing(sim, reference, f"{samples} hard-tanh nets, width {width}, depth {depth}, sigma_w = 4 "
                  f"(growth {a.value:.3f} +- {a.stderr:.3f} vs {b.value:.3f} +- {b.stderr:.3f})",
                  agree=abs(a.z(b.value, b.stderr)) < 4,
                  limit=f"{samples * depth * width * 3 / sim / rate:.2f} of one SFC64 generator's normal rate")
