"""Full-batch gradient descent of finite-width networks (NTK parameterisation, squared error), for
the checks of the NTK training dynamics (``dltheory.theory.meanfield.dynamics``).

Network with L weight layers n0 -> N -> ... -> N -> 1: z^1 = sqrt(sw/n0) W^1 x + sqrt(sb) b^1,
z^{l+1} = sqrt(sw/N) W^{l+1} phi(z^l) + sqrt(sb) b^{l+1}, f = z^L; every W, b standard normal at
initialisation. Loss (1/2) sum_i (f(x_i) - y_i)^2 over the training inputs; one step
theta <- theta - eta grad (full batch). Gradients by backpropagation, in float64.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..activations import fresh_cache
from .._parallel import map_chunks
from .kernels import ACT_CODE, dphi, phi


@njit(cache=True, nogil=True)
def _forward(W1, Wh, b, v, bo, x, code, sw, sb, z, h):
    """Pre-activations z and activations h (L-1, N) of input x; returns f(x)."""
    Lm1, N = b.shape
    n0 = x.shape[0]
    c1 = math.sqrt(sw / n0)
    cN = math.sqrt(sw / N)
    rb = math.sqrt(sb)
    for i in range(N):
        s = 0.0
        for k in range(n0):
            s += W1[i, k] * x[k]
        z[0, i] = c1 * s + rb * b[0, i]
        h[0, i] = phi(code, z[0, i])
    for l in range(1, Lm1):
        W = Wh[l - 1]
        for i in range(N):
            s = 0.0
            for j in range(N):
                s += W[i, j] * h[l - 1, j]
            z[l, i] = cN * s + rb * b[l, i]
            h[l, i] = phi(code, z[l, i])
    s = 0.0
    for j in range(N):
        s += v[j] * h[Lm1 - 1, j]
    return cN * s + rb * bo[0]


@njit(cache=True, nogil=True)
def train_networks(W1, Wh, b, v, bo, X, ntrain, y, code, sw, sb, lr, checkpoints, out):
    """Train S networks in place: W1 (S, N, n0), Wh (S, L-2, N, N), b (S, L-1, N), v (S, N),
    bo (S, 1), standard normal at entry. X (m, n0): the first ``ntrain`` rows are the training set
    (targets y); every row is evaluated at each checkpoint (increasing step counts, 0 allowed).
    out (S, len(checkpoints), m) receives the outputs."""
    S, N, n0 = W1.shape
    Lm1 = b.shape[1]
    m = X.shape[0]
    c1 = math.sqrt(sw / n0)
    cN = math.sqrt(sw / N)
    rb = math.sqrt(sb)
    z = np.empty((Lm1, N))
    h = np.empty((Lm1, N))
    gW1 = np.empty((N, n0))
    gWh = np.empty((max(Lm1 - 1, 0), N, N))
    gb = np.empty((Lm1, N))
    gv = np.empty(N)
    d = np.empty(N)
    dn = np.empty(N)
    last = checkpoints[checkpoints.shape[0] - 1]
    for s in range(S):
        ci = 0
        for step in range(last + 1):
            while ci < checkpoints.shape[0] and checkpoints[ci] == step:
                for a in range(m):
                    out[s, ci, a] = _forward(W1[s], Wh[s], b[s], v[s], bo[s], X[a], code, sw, sb, z, h)
                ci += 1
            if step == last:
                break
            gW1[:] = 0.0
            gWh[:] = 0.0
            gb[:] = 0.0
            gv[:] = 0.0
            gbo = 0.0
            for a in range(ntrain):
                r = _forward(W1[s], Wh[s], b[s], v[s], bo[s], X[a], code, sw, sb, z, h) - y[a]
                gbo += r * rb
                for j in range(N):
                    gv[j] += r * cN * h[Lm1 - 1, j]
                    d[j] = r * cN * v[s, j] * dphi(code, z[Lm1 - 1, j])
                for l in range(Lm1 - 1, 0, -1):  # Wh[l-1] maps h[l-1] to z[l]
                    W = Wh[s, l - 1]
                    for j in range(N):
                        dn[j] = 0.0
                    for i in range(N):
                        gb[l, i] += rb * d[i]
                        di = d[i]
                        for j in range(N):
                            gWh[l - 1, i, j] += di * cN * h[l - 1, j]
                            dn[j] += W[i, j] * di
                    for j in range(N):
                        d[j] = dphi(code, z[l - 1, j]) * cN * dn[j]
                for i in range(N):
                    gb[0, i] += rb * d[i]
                    for k in range(n0):
                        gW1[i, k] += d[i] * c1 * X[a, k]
            for i in range(N):
                for k in range(n0):
                    W1[s, i, k] -= lr * gW1[i, k]
                v[s, i] -= lr * gv[i]
                for l in range(Lm1):
                    b[s, l, i] -= lr * gb[l, i]
            for l in range(Lm1 - 1):
                for i in range(N):
                    for j in range(N):
                        Wh[s, l, i, j] -= lr * gWh[l, i, j]
            bo[s, 0] -= lr * gbo


fresh_cache(_forward, train_networks)


def trained_outputs(activation, depth, width, weight_variance, bias_variance, X_train, y_train, X_test,
                    learning_rate, checkpoints, n, seed, chunk=32):
    """(n, len(checkpoints), n_train + n_test) outputs of n independently initialised networks
    trained by full-batch GD, at the training inputs then the test inputs, at each checkpoint step.
    One SFC64 stream per chunk of ``chunk`` networks (bit-identical for any thread count)."""
    if depth < 2:
        raise ValueError("trained_outputs needs depth >= 2 (one hidden layer at least)")
    X = np.ascontiguousarray(np.concatenate([np.atleast_2d(X_train), np.atleast_2d(X_test)]), dtype=np.float64)
    y = np.asarray(y_train, dtype=np.float64).reshape(-1)
    cps = np.asarray(checkpoints, dtype=np.int64)
    if np.any(np.diff(cps) < 0) or cps[0] < 0:
        raise ValueError("checkpoints must be increasing step counts >= 0")
    n0, N, code = X.shape[1], int(width), ACT_CODE[activation]
    sw, sb = float(weight_variance), float(bias_variance)

    def work(gen, size):
        W1 = gen.standard_normal((size, N, n0))
        Wh = gen.standard_normal((size, depth - 2, N, N))
        b = gen.standard_normal((size, depth - 1, N))
        v = gen.standard_normal((size, N))
        bo = gen.standard_normal((size, 1))
        out = np.empty((size, cps.size, X.shape[0]))
        train_networks(W1, Wh, b, v, bo, X, y.size, y, code, sw, sb, float(learning_rate), cps, out)
        return out

    return np.concatenate(map_chunks(work, n, chunk, seed))
