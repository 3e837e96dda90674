"""A Numba trainer for the information-plane experiment: small tanh or ReLU MLPs with one logistic
output, cross-entropy loss, Adam whose state survives between calls (so training can stop at
snapshots), and a NumPy reference of one step for the tests.

The project's MLP trainer (``numerics.generalization_mlp``) has ReLU hidden units only and resets
Adam's moments at every call; this one is per-sample loops (the networks have ~300 parameters),
with the layout of that module: for each layer W (out x in, row-major), then b.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

TANH, RELU = 0, 1


def init_params(gen: np.random.Generator, sizes, act: int) -> np.ndarray:
    """Glorot-normal N(0, 1/fan_in) for tanh, He-normal N(0, 2/fan_in) for ReLU; zero biases."""
    out = []
    for i in range(len(sizes) - 1):
        nin, nout = int(sizes[i]), int(sizes[i + 1])
        out += [gen.standard_normal(nout * nin) * math.sqrt((2.0 if act == RELU else 1.0) / nin), np.zeros(nout)]
    return np.concatenate(out)


@njit(cache=True, nogil=True)
def _phi(act, z):
    if act == TANH:
        return math.tanh(z)
    return z if z > 0.0 else 0.0


@njit(cache=True, nogil=True)
def _dphi(act, a):
    """Derivative from the activation value a = phi(z)."""
    if act == TANH:
        return 1.0 - a * a
    return 1.0 if a > 0.0 else 0.0


@njit(cache=True, nogil=True)
def _offsets(sizes):
    L = sizes.shape[0] - 1
    offs = np.zeros(L + 1, dtype=np.int64)
    for layer in range(L):
        offs[layer + 1] = offs[layer] + (sizes[layer] + 1) * sizes[layer + 1]
    return offs


@njit(cache=True, nogil=True)
def _forward_one(params, sizes, offs, act, x, acts):
    """Fill acts[layer, :width] for one input (row 0 the input); returns the output logit."""
    L = sizes.shape[0] - 1
    for k in range(sizes[0]):
        acts[0, k] = x[k]
    for layer in range(L):
        nin, nout = sizes[layer], sizes[layer + 1]
        o = offs[layer]
        for j in range(nout):
            z = params[o + nout * nin + j]
            for k in range(nin):
                z += params[o + j * nin + k] * acts[layer, k]
            acts[layer + 1, j] = z if layer == L - 1 else _phi(act, z)
    return acts[L, 0]


@njit(cache=True, nogil=True)
def batch_gradient(params, sizes, act, X, y, rows, grad):
    """Mean cross-entropy of the logistic output over ``rows`` of (X, y), y in {0, 1}; gradient into grad."""
    L = sizes.shape[0] - 1
    offs = _offsets(sizes)
    width = 0
    for s in sizes:
        width = max(width, s)
    acts = np.zeros((L + 1, width))
    delta = np.zeros(width)
    back = np.zeros(width)
    grad[:] = 0.0
    loss = 0.0
    B = rows.shape[0]
    for r in rows:
        f = _forward_one(params, sizes, offs, act, X[r], acts)
        sign = 2.0 * y[r] - 1.0
        m = -sign * f  # loss softplus(m)
        loss += (m + math.log1p(math.exp(-m))) if m > 0 else math.log1p(math.exp(m))
        sig = 1.0 / (1.0 + math.exp(-m))
        delta[0] = -sign * sig / B
        for layer in range(L - 1, -1, -1):
            nin, nout = sizes[layer], sizes[layer + 1]
            o = offs[layer]
            for j in range(nout):
                for k in range(nin):
                    grad[o + j * nin + k] += delta[j] * acts[layer, k]
                grad[o + nout * nin + j] += delta[j]
            if layer > 0:
                for k in range(nin):
                    s = 0.0
                    for j in range(nout):
                        s += params[o + j * nin + k] * delta[j]
                    back[k] = s * _dphi(act, acts[layer, k])
                for k in range(nin):
                    delta[k] = back[k]
    return loss / B


@njit(cache=True, nogil=True)
def train_epochs(X, y, params, sizes, act, order, batch, lr, m, v, step):
    """Adam (beta 0.9, 0.999, eps 1e-8) over the mini-batches of ``order``, in place on params, m, v;
    ``step`` is the number of Adam steps taken before (bias correction continues); returns the new count."""
    P = params.shape[0]
    grad = np.zeros(P)
    total = order.shape[0]
    start = 0
    while start < total:
        stop = min(start + batch, total)
        batch_gradient(params, sizes, act, X, y, order[start:stop], grad)
        step += 1
        c1 = 1.0 - 0.9**step
        c2 = 1.0 - 0.999**step
        for p in range(P):
            m[p] = 0.9 * m[p] + 0.1 * grad[p]
            v[p] = 0.999 * v[p] + 0.001 * grad[p] * grad[p]
            params[p] -= lr * (m[p] / c1) / (math.sqrt(v[p] / c2) + 1e-8)
        start = stop
    return step


def hidden_layers(params, sizes, act: int, X: np.ndarray) -> list[np.ndarray]:
    """Activations of each hidden layer for the rows of X (NumPy)."""
    out, a, o = [], X, 0
    for layer in range(len(sizes) - 1):
        nin, nout = int(sizes[layer]), int(sizes[layer + 1])
        W = params[o:o + nout * nin].reshape(nout, nin)
        b = params[o + nout * nin:o + nout * nin + nout]
        o += (nin + 1) * nout
        z = a @ W.T + b
        if layer == len(sizes) - 2:
            return out
        a = np.tanh(z) if act == TANH else np.maximum(z, 0.0)
        out.append(a)
    return out


def logits(params, sizes, act: int, X: np.ndarray) -> np.ndarray:
    o = sum((int(sizes[i]) + 1) * int(sizes[i + 1]) for i in range(len(sizes) - 2))
    nin = int(sizes[-2])
    last = hidden_layers(params, sizes, act, X)[-1]
    return last @ params[o:o + nin] + params[o + nin]


def numpy_loss(params, sizes, act: int, X, y) -> float:
    """Reference mean cross-entropy (for finite-difference tests of ``batch_gradient``)."""
    f = logits(params, sizes, act, X)
    m = -(2 * y - 1) * f
    return float(np.mean(np.logaddexp(0.0, m)))


def numpy_train_epochs(X, y, params, sizes, act: int, order, batch: int, lr: float, m, v, step: int) -> int:
    """Reference: the same Adam run with one vectorised NumPy forward/backward per mini-batch (in place)."""
    L = len(sizes) - 1
    shapes, o = [], 0
    for layer in range(L):
        nin, nout = int(sizes[layer]), int(sizes[layer + 1])
        shapes.append((o, nin, nout))
        o += (nin + 1) * nout
    for start in range(0, len(order), batch):
        rows = order[start:start + batch]
        acts = [X[rows]]
        for layer, (o, nin, nout) in enumerate(shapes):
            z = acts[-1] @ params[o:o + nout * nin].reshape(nout, nin).T + params[o + nout * nin:o + nout * nin + nout]
            acts.append(z if layer == L - 1 else (np.tanh(z) if act == TANH else np.maximum(z, 0.0)))
        sign = 2.0 * y[rows] - 1.0
        delta = (-sign / (1.0 + np.exp(sign * acts[-1][:, 0])) / len(rows))[:, None]
        grad = np.zeros_like(params)
        for layer in range(L - 1, -1, -1):
            o, nin, nout = shapes[layer]
            grad[o:o + nout * nin] = (delta.T @ acts[layer]).ravel()
            grad[o + nout * nin:o + nout * nin + nout] = delta.sum(0)
            if layer > 0:
                a = acts[layer]
                back = delta @ params[o:o + nout * nin].reshape(nout, nin)
                delta = back * ((1.0 - a * a) if act == TANH else (a > 0.0))
        step += 1
        m[:] = 0.9 * m + 0.1 * grad
        v[:] = 0.999 * v + 0.001 * grad * grad
        params -= lr * (m / (1.0 - 0.9**step)) / (np.sqrt(v / (1.0 - 0.999**step)) + 1e-8)
    return step
