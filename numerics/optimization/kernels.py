"""Simulators for the optimisation topic: gradient descent on the logistic loss (Numba), the
per-input parameter gradients of a small tanh network, the fast Walsh-Hadamard transform, and the
unbiased U-statistics of the squared gradient correlations (NumPy: BLAS-sized work)."""
from __future__ import annotations

import math

import numpy as np
from numba import njit


# --- gradient descent on the logistic loss ------------------------------------------------------

@njit(cache=True, nogil=True)
def gd_logistic(z, eta, checkpoints):
    """Gradient descent w(t+1) = w(t) - eta grad L(w(t)) on L(w) = sum_n ln(1 + exp(-z_n . w)) from
    w(0) = 0 (z_n = y_n x_n, rows of ``z``); returns w(t) at each of the increasing ``checkpoints``."""
    n, d = z.shape
    out = np.empty((checkpoints.shape[0], d))
    w = np.zeros(d)
    step = np.zeros(d)
    t = 0
    for c in range(checkpoints.shape[0]):
        while t < checkpoints[c]:
            for k in range(d):
                step[k] = 0.0
            for i in range(n):
                m = 0.0
                for k in range(d):
                    m += z[i, k] * w[k]
                s = eta / (1.0 + math.exp(m))  # -eta * d/dm ln(1 + e^-m)
                for k in range(d):
                    step[k] += s * z[i, k]
            for k in range(d):
                w[k] += step[k]
            t += 1
        out[c] = w
    return out


def gd_logistic_numpy(z: np.ndarray, eta: float, steps: int) -> np.ndarray:
    """The NumPy reference of :func:`gd_logistic` (one vectorised step per iteration)."""
    w = np.zeros(z.shape[1])
    for _ in range(steps):
        w = w + eta * (z.T @ (1.0 / (1.0 + np.exp(z @ w))))
    return w


def gd_least_squares(x: np.ndarray, y: np.ndarray, eta: float, steps: int) -> np.ndarray:
    """Gradient descent on |X w - y|^2/2 from w = 0 (NumPy); stays in the row space of X."""
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        w = w - eta * (x.T @ (x @ w - y))
    return w


# --- a small tanh network and its per-input gradients --------------------------------------------

def tanh_network(dim: int, width: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A fixed random network p(x) = sum_j a_j tanh(w_j . x + b_j)/sqrt(width): W ~ N(0, 1/dim),
    b ~ N(0, 1/4), a ~ N(0, 1), from ``seed``."""
    g = np.random.Generator(np.random.SFC64(seed))
    return g.standard_normal((width, dim)) / math.sqrt(dim), 0.5 * g.standard_normal(width), g.standard_normal(width)


def network_gradients(x: np.ndarray, net) -> np.ndarray:
    """Rows: d p(x)/d(W, b, a) for each input row of x (the width*(dim + 2) parameters)."""
    w, b, a = net
    width = a.shape[0]
    h = np.tanh(x @ w.T + b)  # (n, width)
    back = (1.0 - h * h) * a / math.sqrt(width)  # d p / d pre-activation
    gw = (back[:, :, None] * x[:, None, :]).reshape(x.shape[0], -1)
    return np.concatenate([gw, back, h / math.sqrt(width)], axis=1)


def all_inputs(dim: int) -> np.ndarray:
    """The 2^dim points of {-1, 1}^dim; row r has x_i = -1 where bit i of r is set."""
    r = np.arange(1 << dim)[:, None]
    return 1.0 - 2.0 * ((r >> np.arange(dim)[None, :]) & 1)


def walsh_hadamard(values: np.ndarray) -> np.ndarray:
    """Unnormalised fast Walsh-Hadamard transform along axis 0 (length 2^D): row S of the result is
    sum_x chi_S(x) values[x] with chi_S(x) = prod_{i in S} x_i, in the indexing of :func:`all_inputs`."""
    a = np.array(values, dtype=np.float64, copy=True)
    n = a.shape[0]
    h = 1
    while h < n:
        a = a.reshape(n // (2 * h), 2, h, *a.shape[1:])
        top, bottom = a[:, 0].copy(), a[:, 1]
        a[:, 0] += bottom
        a[:, 1] = top - bottom
        a = a.reshape(n, *a.shape[3:])
        h *= 2
    return a


def exact_parity_energies(dim: int, net) -> tuple[float, np.ndarray, np.ndarray]:
    """Exact, over all 2^dim inputs: G = E_x|g|^2, the per-parity energies |c_S|^2 with
    c_S = E_x[chi_S(x) g(x)] (indexed by the bit mask of S), and the mean gradient over all
    parities E_S c_S = g(1, ..., 1)/2^dim."""
    x = all_inputs(dim)
    g = network_gradients(x, net)
    c = walsh_hadamard(g) / (1 << dim)
    return float(np.mean(np.sum(g * g, axis=1))), np.sum(c * c, axis=1), g[0] / (1 << dim)


def parity_ustats(gen: np.random.Generator, dim: int, order: int, parities: int, inputs: int, net) -> np.ndarray:
    """For ``parities`` random parities of the given order, each with its own ``inputs`` uniform
    inputs, the unbiased U-statistic (|sum_i v_i|^2 - sum_i |v_i|^2)/(m (m - 1)) of |c_S|^2,
    v_i = chi_S(x_i) g(x_i)."""
    out = np.empty(parities)
    m = inputs
    for p in range(parities):
        s = gen.permutation(dim)[:order]
        x = 1.0 - 2.0 * gen.integers(0, 2, size=(m, dim))
        g = network_gradients(x, net)
        chi = np.prod(x[:, s], axis=1) if order else np.ones(m)
        total = chi @ g
        out[p] = (total @ total - np.sum(g * g)) / (m * (m - 1))
    return out


def periodic_batch(gen: np.random.Generator, radius: float, dim: int, targets: int, inputs: int) -> float:
    """Unbiased estimate of E_u|c_u|^2 - |E_u c_u|^2, c_u = E_x[h_u(x) x], h_u = sin(R u.x)/sigma_R,
    over ``targets`` random u (uniform on the sphere) with ``inputs`` Gaussian inputs each."""
    sigma = math.sqrt(-math.expm1(-2 * radius * radius) / 2)
    means = np.empty((targets, dim))
    own = 0.0
    for j in range(targets):
        u = gen.standard_normal(dim)
        u /= np.linalg.norm(u)
        x = gen.standard_normal((inputs, dim))
        h = np.sin(radius * (x @ u)) / sigma
        total = h @ x
        own += (total @ total - np.sum((h * h) @ (x * x))) / (inputs * (inputs - 1))
        means[j] = total / inputs
    s = means.sum(axis=0)
    cross = (s @ s - np.sum(means * means)) / (targets * (targets - 1))
    return own / targets - cross


# --- gradient descent on a quadratic ------------------------------------------------------------

def quadratic_problem(gen, kappa: float, dim: int = 5):
    """A quadratic with condition number ``kappa``: H = Q diag(1, lambda_2..lambda_(dim-1), kappa) Q^T,
    Q a random rotation, the interior eigenvalues uniform in [1 + 0.2 (kappa - 1), 1 + 0.8 (kappa - 1)]
    (so at the step 2/(1 + kappa) their components shrink per step by at most 0.6 times the extreme
    ones' factor); a random initial error e0 = w0 - w*. Returns (H, e0)."""
    lam = np.concatenate([[1.0], 1 + (kappa - 1) * gen.uniform(0.2, 0.8, dim - 2), [kappa]])
    q, _ = np.linalg.qr(gen.standard_normal((dim, dim)))
    return (q * lam) @ q.T, gen.standard_normal(dim)


def gd_quadratic_errors(h, e0, eta: float, checkpoints) -> np.ndarray:
    """|e_t| = |w_t - w*| at the increasing ``checkpoints`` of gradient descent w <- w - eta H (w - w*),
    iterated on the error itself (e <- e - eta H e: no cancellation against w*, so relative precision
    holds down to the smallest normal numbers)."""
    e = np.array(e0, dtype=float)
    out, t = [], 0
    for c in checkpoints:
        while t < c:
            e = e - eta * (h @ e)
            t += 1
        scale = np.abs(e).max()
        out.append(scale * np.linalg.norm(e / scale))  # scaled: the squares would underflow below 1e-154
    return np.array(out)
