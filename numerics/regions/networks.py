"""ReLU networks whose regions are counted: He-initialised random networks, the lower-bound
constructions and small trained networks.

Networks are lists of (W, b), W of shape (out, in); every listed layer is a hidden ReLU layer
(no output layer), unless a function says otherwise.

Constructions (Montufar et al. 2014; Serra et al. 2018): ``construction(input_dim, widths, kind)``
builds the networks that attain the lower bounds inside the unit cube,
``best_lower_construction`` the one behind ``linear-regions-lower``; ``betti_construction`` the
diamond networks of ``betti-relu-lower``.
"""
from __future__ import annotations

import math

import numpy as np


def random_network(rng: np.random.Generator, input_dim: int, widths, sigma_b: float = 1.0):
    """He initialisation: W ~ N(0, 2/fan_in), b ~ N(0, sigma_b^2)."""
    layers, fan_in = [], input_dim
    for n in widths:
        W = rng.standard_normal((n, fan_in)) * math.sqrt(2.0 / fan_in)
        b = rng.standard_normal(n) * sigma_b
        layers.append((W, b))
        fan_in = n
    return layers


def with_output(layers, rng=None):
    """``layers`` followed by an affine output unit (all-ones weights, or Gaussian ones from ``rng``)."""
    n = layers[-1][0].shape[0]
    w = np.ones((1, n)) if rng is None else rng.standard_normal((1, n))
    return list(layers) + [(w, np.zeros(1))]

# ---------------------------------------------------------------- lower-bound constructions
def fold_montufar(k: int):
    """k right-pointing units relu(y - i/k) with g = sum coef_i h_i folding [0,1] k times.

    Returns (w, b, coef, c): unit i computes relu(w_i y + b_i), g(y) = c + sum coef_i relu(.).
    Slopes alternate +k, -k on [i/k, (i+1)/k]; each piece maps onto [0,1] (Montufar et al. 2014).
    """
    w = np.ones(k)
    b = -np.arange(k) / k
    coef = np.array([k] + [2.0 * k * (-1) ** i for i in range(1, k)], dtype=np.float64)
    return w, b, coef, 0.0


def fold_serra(k: int):
    """k >= 3 units (one pointing left) whose combination folds [0,1] onto itself k+1 times.

    Piece widths w/2, w, ..., w with w = 2/(2k+1); slopes p_0 = 2/w, p_i = (-1)^i / w.
    Unit 3 is relu(B_3 - y) (left-pointing, active on the first three pieces, slope -a);
    the others are relu(y - B_i). The slope change at B_3 is then a = -p_0, which the
    alternating slopes allow exactly when the left unit sits at an odd breakpoint >= 3:
    this is why k >= 3 units per coordinate are needed (Serra et al. 2018: n_l >= 3 n0).
    """
    if k < 3:
        raise ValueError("the (k+1)-piece fold needs k >= 3 units")
    w_ = 2.0 / (2 * k + 1)
    widths = np.array([w_ / 2] + [w_] * k)
    slopes = np.array([2.0 / w_] + [(-1) ** i / w_ for i in range(1, k + 1)])
    breaks = np.cumsum(widths)[:-1]  # B_1..B_k
    w = np.ones(k)
    b = -breaks.copy()
    coef = np.empty(k)
    a = -slopes[0]  # left unit's coefficient: slope contribution -a on y < B_3
    for i in range(k):
        if i == 2:
            w[i], b[i], coef[i] = -1.0, breaks[i], a
        else:
            coef[i] = slopes[i + 1] - slopes[i]
    c = -a * breaks[2]  # g(0) = 0
    return w, b, coef, c


def _last_layer(input_dim: int, n: int):
    """n hyperplanes in general position whose arrangement's regions all meet the open unit cube."""
    if input_dim == 1:
        return np.ones((n, 1)), -(np.arange(1, n + 1) / (n + 1))
    if input_dim == 2:
        # lines tangent to a small circle about the centre at distinct angles: every pair meets
        # within rho / sin(pi/(2n)) of the centre, inside the cube
        rho = 0.4 * math.sin(math.pi / (2 * n)) if n > 1 else 0.1
        theta = (np.arange(n) + 0.5) * math.pi / n + 0.1234
        normal = np.stack([np.cos(theta), np.sin(theta)], axis=1)
        return normal, rho - normal @ np.array([0.5, 0.5])
    raise ValueError("constructions are provided for input_dim 1 and 2")


def construction(input_dim: int, widths, kind: str):
    """The network of Montufar et al. (kind='montufar') or Serra et al. (kind='serra')."""
    layers = []
    prev = None  # (per-dim unit indices, coef, c) of the previous layer's folds
    fan_in = input_dim
    for l, n in enumerate(widths):
        W = np.zeros((n, fan_in))
        bias = np.full(n, -1.0)  # spare units: dead
        if l == len(widths) - 1:
            A, off = _last_layer(input_dim, n)
            rows = [(A[j], off[j]) for j in range(n)]
        else:
            k = n // input_dim
            w, b, coef, c = fold_montufar(k) if kind == "montufar" else fold_serra(k)
            rows = []
            for d in range(input_dim):
                for i in range(k):
                    a = np.zeros(input_dim)
                    a[d] = w[i]
                    rows.append((a, b[i]))
        # unit j computes a_j . y + off_j, y_d = c_d + sum coef * h (previous folds) or x_d
        for j, (a, off) in enumerate(rows):
            if prev is None:
                W[j, :input_dim] = a
                bias[j] = off
            else:
                idx, pcoef, pc = prev
                bias[j] = off
                for d in range(input_dim):
                    W[j, idx[d]] += a[d] * pcoef
                    bias[j] += a[d] * pc
        layers.append((W, bias))
        if l < len(widths) - 1:
            idx = [np.arange(d * k, (d + 1) * k) for d in range(input_dim)]
            prev = (idx, coef, c)
        fan_in = n
    return layers


def best_lower_construction(input_dim: int, widths):
    """The construction behind ``linear-regions-lower``: Serra's where n_l >= 3 n0 (l < L), else Montufar's."""
    kind = "serra" if all(n >= 3 * input_dim for n in widths[:-1]) else "montufar"
    return construction(input_dim, widths, kind), kind


def betti_construction(widths, betti: str = "b0"):
    """(hidden layers, output) of the diamond construction of ``betti-relu-lower`` (2-D input)."""
    layers = construction(2, tuple(widths[:-1]) + (4,), "serra")
    # replace the last layer by units giving |y1 - 1/2|, |y2 - 1/2| from the previous folds
    fold = fold_serra(widths[-2] // 2)
    k = widths[-2] // 2
    coef, c = fold[2], fold[3]
    n_prev = layers[-2][0].shape[0]
    W = np.zeros((widths[-1], n_prev))
    b = np.full(widths[-1], -1.0)
    # |u| = 2 relu(u) - relu(u + 1) + 1 for u = y_d - 1/2 in [-1/2, 1/2] (the square's image): four
    # units with four distinct lines (|u| = relu(u) + relu(-u) would put two units on one line)
    for d in range(2):
        idx = np.arange(d * k, (d + 1) * k)
        for shift, row in ((-0.5, 2 * d), (0.5, 2 * d + 1)):
            W[row, idx] = coef
            b[row] = c + shift
    layers[-1] = (W, b)
    sign = 1.0 if betti == "b0" else -1.0
    out = np.zeros((1, widths[-1]))
    out[0, [0, 2]] = -2.0 * sign
    out[0, [1, 3]] = 1.0 * sign
    return layers, (out, np.array([sign * (0.25 - 2.0)]))


def train_to_oscillate(rng, widths, frequency: float = 8.0, steps: int = 3000, lr: float = 0.01,
                       batch: int = 256):
    """A small 1-D ReLU net trained (Adam, squared loss) to fit sin(2 pi frequency x) on [0, 1].

    An 'adversarially trained' network for region counting: the target rewards as many linear
    pieces as possible. Plain NumPy backpropagation; returns the hidden layers and the output layer.
    """
    layers = random_network(rng, 1, widths, sigma_b=0.5)
    params = [p.copy() for W, b in layers for p in (W, b)] + [rng.standard_normal((1, widths[-1])) * 0.3, np.zeros(1)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for step in range(1, steps + 1):
        x = rng.uniform(0.0, 1.0, (batch, 1))
        y = np.sin(2 * np.pi * frequency * x)
        hs, zs, h = [x], [], x
        for i in range(0, len(params) - 2, 2):
            z = h @ params[i].T + params[i + 1]
            zs.append(z)
            h = np.maximum(z, 0.0)
            hs.append(h)
        out = h @ params[-2].T + params[-1]
        g = 2 * (out - y) / batch
        grads = [None] * len(params)
        grads[-2], grads[-1] = g.T @ hs[-1], g.sum(0)
        g = g @ params[-2]
        for i in range(len(params) - 4, -1, -2):
            g = g * (zs[i // 2] > 0)
            grads[i], grads[i + 1] = g.T @ hs[i // 2], g.sum(0)
            g = g @ params[i]
        for i, (p, gr) in enumerate(zip(params, grads)):
            m[i] = 0.9 * m[i] + 0.1 * gr
            v[i] = 0.999 * v[i] + 0.001 * gr * gr
            p -= lr * (m[i] / (1 - 0.9**step)) / (np.sqrt(v[i] / (1 - 0.999**step)) + 1e-8)
    hidden = [(params[i], params[i + 1]) for i in range(0, len(params) - 2, 2)]
    return hidden, (params[-2], params[-1])



# ---------------------------------------------------------------- polynomial-activation networks (betti-bound's polynomial row)
def polynomial_forward(layers, output, degree: int, x: np.ndarray) -> np.ndarray:
    """f(x) for scalar inputs x: hidden layers h = (W h + b)^degree, then the affine ``output``.

    The tiny products are summed by einsum, not BLAS (whose threads slow a loaded machine down
    for such shapes by 10-100x; see ``relu_pieces``)."""
    h = np.asarray(x, np.float64)[:, None]
    for W, b in layers:
        z = np.einsum("mi,ji->mj", h, np.asarray(W, np.float64)) + b
        h = z.copy()
        for _ in range(degree - 1):  # integer power by products (np.power calls pow() per element)
            h *= z
    W, c = output
    return np.einsum("mi,ji->mj", h, np.asarray(W, np.float64))[:, 0] + c[0]


def random_polynomial_network(rng: np.random.Generator, widths, degree: int):
    """(hidden layers, output) with Gaussian weights and biases, 1-D input, activation z^degree."""
    layers, fan_in = [], 1
    for n in widths:
        layers.append((rng.standard_normal((n, fan_in)) / math.sqrt(fan_in), rng.standard_normal(n)))
        fan_in = n
    return layers, (rng.standard_normal((1, fan_in)) / math.sqrt(fan_in), rng.standard_normal(1))


def chebyshev_network(widths, degree: int):
    """(hidden layers, output) of a 1-D net with activation z^r (r = degree) computing T_{r^L}(x).

    Each layer computes T_r(y) of its input y (a Chebyshev polynomial) as sum_i a_i (y + c_i)^r
    with r + 1 units at the shifts c_i = i - r/2 (the a_i solve a Vandermonde-type system: the
    shifted powers span the polynomials of degree <= r), so L layers give T_r o ... o T_r =
    T_{r^L}, whose r^L roots all lie in (-1, 1). Needs n_l >= r + 1; spare units are dead (zero
    weights and bias). {T_d >= 0} has floor(d/2) + 1 components: Milnor's bound at n0 = 1.
    """
    r = degree
    if any(n < r + 1 for n in widths):
        raise ValueError(f"the Chebyshev construction needs every width >= degree + 1 = {r + 1}")
    shifts = np.arange(r + 1) - r / 2
    M = np.array([[math.comb(r, k) * c ** (r - k) for c in shifts] for k in range(r + 1)])
    a = np.linalg.solve(M, np.polynomial.chebyshev.cheb2poly([0] * r + [1]))
    layers, fan_in = [], 1
    for n in widths:
        W, b = np.zeros((n, fan_in)), np.zeros(n)
        for i, c in enumerate(shifts):  # unit i: (y + c_i)^r, y = x or sum_j a_j h_j
            if fan_in == 1 and not layers:
                W[i, 0] = 1.0
            else:
                W[i, :r + 1] = a
            b[i] = c
        layers.append((W, b))
        fan_in = n
    out = np.zeros((1, fan_in))
    out[0, :r + 1] = a
    return layers, (out, np.zeros(1))
