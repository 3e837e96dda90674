"""A Numba trainer for small ReLU MLPs (binary classification, logistic loss; SGD or Adam),
and its NumPy reference (``benchmarks`` compares them).

Parameters live in one flat float64 vector: for each layer, W (out x in, row-major) then b.
The whole training run (all epochs and mini-batches) is one ``nogil`` Numba call, so a small
batch costs a few BLAS calls and no Python; the NumPy reference runs the same algorithm with
one Python-level step per mini-batch. Both consume the same initial weights and the same
mini-batch order (drawn by the caller from a numpy Generator), so their results agree to
rounding, and many networks train in parallel with one SFC64 stream each (map_chunks).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit


SGD, ADAM = 0, 1


def layer_sizes(input_dim: int, widths) -> np.ndarray:
    return np.array([input_dim, *widths, 1], dtype=np.int64)


def n_params(sizes) -> int:
    return int(sum((sizes[i] + 1) * sizes[i + 1] for i in range(len(sizes) - 1)))


def init_params(gen: np.random.Generator, sizes) -> np.ndarray:
    """He-normal weights N(0, 2/fan_in), zero biases."""
    out = []
    for i in range(len(sizes) - 1):
        nin, nout = int(sizes[i]), int(sizes[i + 1])
        out.append(gen.standard_normal(nout * nin) * math.sqrt(2.0 / nin))
        out.append(np.zeros(nout))
    return np.concatenate(out)


def weight_mask(sizes) -> np.ndarray:
    """1 on weights, 0 on biases: training with it (and zero initial biases) gives a bias-free network."""
    out = []
    for i in range(len(sizes) - 1):
        nin, nout = int(sizes[i]), int(sizes[i + 1])
        out += [np.ones(nout * nin), np.zeros(nout)]
    return np.concatenate(out)


def batch_order(gen: np.random.Generator, n: int, epochs: int) -> np.ndarray:
    return np.concatenate([gen.permutation(n) for _ in range(epochs)]).astype(np.int64)


# ----------------------------------------------------------------- Numba kernels
# The matrix products use plain loops, not np.dot: numba's np.dot calls SciPy's OpenBLAS,
# a second thread pool next to NumPy's, and on a loaded 2-core machine the two pools'
# spinning threads made one small BLAS call cost up to ~50 ms (measured: 276 ms against
# NumPy's 12.8 ms for the same 5 steps). These small layers do not need BLAS. The loops are
# axpy-shaped (the innermost loop runs over a contiguous output row), so they vectorise.
@njit(cache=True, nogil=True, fastmath=True)
def _matmul_atb(A, B):
    """A.T @ B for A (m x k) and B (m x n)."""
    m, k = A.shape
    n = B.shape[1]
    out = np.zeros((k, n))
    for i in range(m):
        for t in range(k):
            a = A[i, t]
            for j in range(n):
                out[t, j] += a * B[i, j]
    return out


@njit(cache=True, nogil=True, fastmath=True)
def _matmul_ab(A, B):
    """A @ B for A (m x k) and B (k x n)."""
    m, k = A.shape
    n = B.shape[1]
    out = np.zeros((m, n))
    for i in range(m):
        for t in range(k):
            a = A[i, t]
            for j in range(n):
                out[i, j] += a * B[t, j]
    return out


@njit(cache=True, nogil=True)
def _forward(params, sizes, X):
    """Activations of every layer (list: input, hidden post-ReLU, output) and pre-activations."""
    acts = [X]
    pres = [X]
    o = 0
    L = sizes.shape[0] - 1
    for layer in range(L):
        nin, nout = sizes[layer], sizes[layer + 1]
        W = params[o:o + nout * nin].reshape((nout, nin))
        o += nout * nin
        b = params[o:o + nout]
        o += nout
        z = _matmul_ab(acts[layer], np.ascontiguousarray(W.T))
        for i in range(z.shape[0]):
            for j in range(nout):
                z[i, j] += b[j]
        pres.append(z)
        if layer < L - 1:
            a = np.maximum(z, 0.0)
            acts.append(a)
        else:
            acts.append(z)
    return acts, pres


@njit(cache=True, nogil=True)
def loss_gradient(params, sizes, X, y, grad):
    """Mean logistic loss log(1 + exp(-y f)) over the batch; its gradient into ``grad``."""
    acts, pres = _forward(params, sizes, X)
    L = sizes.shape[0] - 1
    B = X.shape[0]
    f = acts[L]
    delta = np.empty((B, 1))
    loss = 0.0
    for i in range(B):
        m = -y[i] * f[i, 0]
        if m > 0:
            loss += m + math.log1p(math.exp(-m))
            s = 1.0 / (1.0 + math.exp(-m))
        else:
            loss += math.log1p(math.exp(m))
            e = math.exp(m)
            s = e / (1.0 + e)
        delta[i, 0] = -y[i] * s / B
    # offsets of each layer's W and b
    offs = np.zeros(L + 1, dtype=np.int64)
    for layer in range(L):
        offs[layer + 1] = offs[layer] + (sizes[layer] + 1) * sizes[layer + 1]
    for layer in range(L - 1, -1, -1):
        nin, nout = sizes[layer], sizes[layer + 1]
        o = offs[layer]
        gW = _matmul_atb(delta, acts[layer])
        for j in range(nout):
            for k in range(nin):
                grad[o + j * nin + k] = gW[j, k]
            s = 0.0
            for i in range(B):
                s += delta[i, j]
            grad[o + nout * nin + j] = s
        if layer > 0:
            W = params[o:o + nout * nin].reshape((nout, nin))
            back = _matmul_ab(delta, W)
            z = pres[layer]
            for i in range(B):
                for k in range(nin):
                    if z[i, k] <= 0.0:
                        back[i, k] = 0.0
            delta = back
    return loss / B


@njit(cache=True, nogil=True)
def train_kernel(X, y, params, sizes, order, batch, lr, optimizer, beta1, beta2, eps, mask):
    """Train in place over the mini-batches given by ``order``; returns the number of steps.
    ``mask`` multiplies the gradient (ones: every parameter trains)."""
    P = params.shape[0]
    grad = np.zeros(P)
    m = np.zeros(P)
    v = np.zeros(P)
    d = X.shape[1]
    total = order.shape[0]
    steps = 0
    start = 0
    while start < total:
        stop = min(start + batch, total)
        B = stop - start
        Xb = np.empty((B, d))
        yb = np.empty(B)
        for i in range(B):
            r = order[start + i]
            for k in range(d):
                Xb[i, k] = X[r, k]
            yb[i] = y[r]
        loss_gradient(params, sizes, Xb, yb, grad)
        for p in range(P):
            grad[p] *= mask[p]
        steps += 1
        if optimizer == 0:
            for p in range(P):
                params[p] -= lr * grad[p]
        else:
            c1 = 1.0 - beta1 ** steps
            c2 = 1.0 - beta2 ** steps
            for p in range(P):
                m[p] = beta1 * m[p] + (1.0 - beta1) * grad[p]
                v[p] = beta2 * v[p] + (1.0 - beta2) * grad[p] * grad[p]
                params[p] -= lr * (m[p] / c1) / (math.sqrt(v[p] / c2) + eps)
        start = stop
    return steps


@njit(cache=True, nogil=True)
def predict_kernel(params, sizes, X, chunk=4096):
    """Network outputs f(x) for the rows of X, in chunks."""
    n = X.shape[0]
    out = np.empty(n)
    L = sizes.shape[0] - 1
    for s in range(0, n, chunk):
        e = min(s + chunk, n)
        acts, _ = _forward(params, sizes, np.ascontiguousarray(X[s:e]))
        f = acts[L]
        for i in range(e - s):
            out[s + i] = f[i, 0]
    return out


@njit(cache=True, nogil=True)
def error_rate_kernel(params, sizes, X, y):
    f = predict_kernel(params, sizes, X)
    wrong = 0
    for i in range(f.shape[0]):
        if f[i] * y[i] <= 0.0:
            wrong += 1
    return wrong / f.shape[0]


def train(X, y, params, sizes, order, *, batch=32, lr=1e-2, optimizer="adam", beta1=0.9, beta2=0.999, eps=1e-8,
          mask=None):
    """Numba training run (in place on ``params``); ``mask``: see :func:`weight_mask`."""
    opt = ADAM if optimizer == "adam" else SGD
    mask = np.ones(params.shape[0]) if mask is None else np.asarray(mask, dtype=np.float64)
    return train_kernel(np.ascontiguousarray(X, dtype=np.float64), np.ascontiguousarray(y, dtype=np.float64),
                        params, np.asarray(sizes, dtype=np.int64), order, int(batch), float(lr), opt,
                        beta1, beta2, eps, mask)


# ----------------------------------------------------------------- NumPy reference
def _np_layers(params, sizes):
    o, out = 0, []
    for layer in range(len(sizes) - 1):
        nin, nout = int(sizes[layer]), int(sizes[layer + 1])
        W = params[o:o + nout * nin].reshape(nout, nin)
        o += nout * nin
        b = params[o:o + nout]
        o += nout
        out.append((W, b))
    return out


def train_numpy(X, y, params, sizes, order, *, batch=32, lr=1e-2, optimizer="adam", beta1=0.9, beta2=0.999,
                eps=1e-8, mask=None):
    """The same algorithm as :func:`train` in plain NumPy (one Python step per mini-batch)."""
    layers = _np_layers(params, sizes)  # views into params: updated in place
    m = np.zeros_like(params)
    v = np.zeros_like(params)
    steps = 0
    for start in range(0, len(order), batch):
        idx = order[start:start + batch]
        Xb, yb = X[idx], y[idx]
        B = len(idx)
        acts, pres = [Xb], []
        for i, (W, b) in enumerate(layers):
            z = acts[-1] @ W.T + b
            pres.append(z)
            acts.append(np.maximum(z, 0.0) if i < len(layers) - 1 else z)
        mar = -yb * acts[-1][:, 0]
        s = np.where(mar > 0, 1.0 / (1.0 + np.exp(-np.abs(mar))), np.exp(-np.abs(mar)) / (1.0 + np.exp(-np.abs(mar))))
        delta = (-yb * s / B)[:, None]
        grads = []
        for i in range(len(layers) - 1, -1, -1):
            W, _ = layers[i]
            grads.append((delta.T @ acts[i], delta.sum(axis=0)))
            if i > 0:
                delta = (delta @ W) * (pres[i - 1] > 0)
        g = np.concatenate([np.concatenate([gW.ravel(), gb]) for gW, gb in reversed(grads)])
        if mask is not None:
            g = g * mask
        steps += 1
        if optimizer == "adam":
            m[:] = beta1 * m + (1 - beta1) * g
            v[:] = beta2 * v + (1 - beta2) * g * g
            params -= lr * (m / (1 - beta1**steps)) / (np.sqrt(v / (1 - beta2**steps)) + eps)
        else:
            params -= lr * g
    return steps


def forward(network, X, exact: bool = False) -> np.ndarray:
    """Outputs of the ReLU network [(W, b), ...] (W may carry leading batch axes) on the rows of X;
    ``exact``: in rational arithmetic (fractions.Fraction), else float64."""
    if exact:
        from fractions import Fraction

        to_exact = np.vectorize(Fraction, otypes=[object])
        network = [(to_exact(W), to_exact(b)) for W, b in network]
        X = to_exact(X)
    h = X
    for index, (W, b) in enumerate(network):
        h = h @ np.swapaxes(W, -1, -2) + b
        if index < len(network) - 1:
            h = np.maximum(h, 0)
    return h[..., 0]


def predict_numpy(params, sizes, X):
    """NumPy reference for predict_kernel (flat parameter vector)."""
    return forward(_np_layers(params, sizes), X)
