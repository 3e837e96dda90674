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

Exact tracing, the independent reference at small sizes: ``hardtanh_as_relu`` writes a drawn
hard-tanh net as a ReLU net and ``trajectory_lengths`` traces a segment through it exactly
(``numerics.relu_pieces``), giving the image's length after each layer.

The checks ``trajectory-growth-lower-bound`` and ``trajectory-growth-wide-limit`` (``checks``) and
the benchmark ``trajectory-tangent`` (``benchmarks``) use this module.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ...theory import activations
from .. import relu_pieces
from .._parallel import map_chunks
from .._stats import Estimate
from ..activations import fresh_cache, numba_form

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


# ---------------------------------------------------------------- exact tracing (the reference)
def hardtanh_as_relu(rng, input_dim: int, width: int, depth: int, sigma_w: float, sigma_b: float):
    """A hard-tanh net (W ~ N(0, sigma_w^2/fan_in), b ~ N(0, sigma_b^2)) as a ReLU net of width 2k.

    hardtanh(z) = relu(z + 1) - relu(z - 1) - 1, so each layer becomes the 2k units relu(z +- 1)
    and the next layer reads W (u - v - 1) + b. Returns the ReLU layers; the hard-tanh output of
    the last layer is ``[I, -I] h - 1``.
    """
    layers, fan = [], input_dim
    for d in range(depth):
        W = rng.standard_normal((width, fan)) * sigma_w / math.sqrt(fan)
        b = rng.standard_normal(width) * sigma_b
        if d > 0:
            W, b = np.hstack([W, -W]), b - W.sum(axis=1)
        layers.append((np.vstack([W, W]), np.r_[b + 1.0, b - 1.0]))
        fan = width
    return layers


def trajectory_lengths(layers, width: int, x0, x1, hardtanh: bool = True) -> np.ndarray:
    """Exact lengths of the images of the segment x0 -> x1 after each layer (piecewise linear)."""
    out = []
    for d in range(1, len(layers) + 1):
        head = (np.hstack([np.eye(width), -np.eye(width)]), -np.ones(width)) if hardtanh else \
            (np.eye(width), np.zeros(width))
        dims, w, b = relu_pieces.flatten(list(layers[:d]) + [head])
        _, values = relu_pieces.trace(np.asarray(x0, np.float64), np.asarray(x1, np.float64), dims, w, b)
        out.append(np.linalg.norm(np.diff(values, axis=0), axis=1).sum())
    return np.array(out)
