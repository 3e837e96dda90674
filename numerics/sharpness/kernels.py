"""Kernels for local entropy and sharpness: importance weights of the local-entropy integral (Numba),
the exact gradient and Hessian of a two-layer ReLU network (NumPy, analytic), the box-constrained
sharpness estimator (L-BFGS-B with restarts), and minibatch SGD of a one-hidden-layer MLP (Numba)
with its NumPy reference."""
from __future__ import annotations

import math

import numpy as np
from numba import njit


# ---------------------------------------------------------------------------------------------
# Local entropy: x' = x + z / sqrt(gamma), z ~ N(0, I); weight exp(-f(x')), f = (1/2) u^T A u, u = x' - x*.
@njit(cache=True, nogil=True)
def tilted_weights(z, a, c, gamma, p):
    """For each row z_s: u = c + z_s/sqrt(gamma) (c = x - x*), w_s = exp(-u^T A u / 2) and the
    projections y_s = P u (rows of P: directions, e.g. A's eigenvectors). Returns (w, y)."""
    size, n = z.shape
    k = p.shape[0]
    w = np.empty(size)
    y = np.empty((size, k))
    s = 1.0 / math.sqrt(gamma)
    u = np.empty(n)
    for t in range(size):
        for i in range(n):
            u[i] = c[i] + s * z[t, i]
        f = 0.0
        for i in range(n):
            acc = 0.0
            for j in range(n):
                acc += a[i, j] * u[j]
            f += u[i] * acc
        w[t] = math.exp(-0.5 * f)
        for r in range(k):
            acc = 0.0
            for i in range(n):
                acc += p[r, i] * u[i]
            y[t, r] = acc
    return w, y


def tilted_weights_numpy(z, a, c, gamma, p):
    """NumPy reference of :func:`tilted_weights`: whole-column operations (a small n x n matrix product on
    many rows is slower through BLAS than n^2 vectorised column updates)."""
    u = c[None, :] + z / math.sqrt(gamma)
    n = u.shape[1]
    f = np.zeros(len(u))
    for i in range(n):
        for j in range(n):
            f += a[i, j] * u[:, i] * u[:, j]
    y = np.zeros((len(u), p.shape[0]))
    for r in range(p.shape[0]):
        for i in range(n):
            y[:, r] += p[r, i] * u[:, i]
    return np.exp(-0.5 * f), y


def random_rotation(gen: np.random.Generator, n: int) -> np.ndarray:
    """A Haar-random orthogonal matrix (QR of a Gaussian matrix with the sign fix)."""
    q, r = np.linalg.qr(gen.standard_normal((n, n)))
    return q * np.sign(np.diag(r))[None, :]


# ---------------------------------------------------------------------------------------------
# Two-layer ReLU network f(x) = sum_j v_j relu(w_j . x); theta = (W row-major (h x d), v (h)).
def relu_net_split(theta, hidden: int, dim: int):
    return theta[: hidden * dim].reshape(hidden, dim), theta[hidden * dim:]


def relu_net_loss_grad_hessian(theta, x, y, hidden: int):
    """Loss L = (1/2m) sum_k (f(x_k) - y_k)^2, its gradient and its exact Hessian (analytic: ReLU'' = 0
    away from the kinks, so d2f/dW dW = d2f/dv dv = 0 and d2f/dv_j dW_jl = 1[w_j.x > 0] x_l).

        H = (1/m) sum_k J_k J_k^T + (1/m) sum_k r_k d2f_k,   r_k = f(x_k) - y_k.
    """
    m, d = x.shape
    w, v = relu_net_split(theta, hidden, d)
    pre = x @ w.T  # m x h
    act = (pre > 0).astype(np.float64)
    hid = pre * act
    r = hid @ v - y
    jac_w = (act * v[None, :])[:, :, None] * x[:, None, :]  # m x h x d
    jac = np.concatenate([jac_w.reshape(m, hidden * d), hid], axis=1)
    loss = 0.5 * float(r @ r) / m
    grad = jac.T @ r / m
    hess = jac.T @ jac / m
    cross = np.einsum("k,kj,kl->jl", r, act, x) / m  # d2L/dv_j dW_jl
    for j in range(hidden):
        cols = slice(j * d, (j + 1) * d)
        hess[hidden * d + j, cols] += cross[j]
        hess[cols, hidden * d + j] += cross[j]
    return loss, grad, hess


def relu_net_loss(theta, x, y, hidden: int) -> float:
    w, v = relu_net_split(theta, hidden, x.shape[1])
    r = np.maximum(x @ w.T, 0.0) @ v - y
    return 0.5 * float(r @ r) / len(y)


def alpha_scale(theta, hidden: int, dim: int, alpha: float):
    """Dinh et al.'s T_alpha(theta1, theta2) = (alpha theta1, theta2/alpha)."""
    out = np.array(theta, dtype=np.float64)
    out[: hidden * dim] *= alpha
    out[hidden * dim:] /= alpha
    return out


# ---------------------------------------------------------------------------------------------
# Keskar's epsilon-sharpness by a box-constrained optimiser.
def box_sharpness(fun_grad, x, epsilon: float, *, restarts: int, gen: np.random.Generator,
                  maxiter: int = 200, projection=None, sweeps: int = 100) -> float:
    """Keskar et al.'s Metric 2.1, 100 (max_{z in C_eps} f(x + A z) - f(x)) / (1 + f(x)), estimated by
    L-BFGS-B ascent from z = 0 and ``restarts`` uniform starts in the box, then a coordinate sweep that
    moves single coordinates to a bound where that raises f (a local search, at most ``sweeps`` rounds;
    it ends at a vertex for a coordinate-wise convex f). ``fun_grad(theta) -> (f, grad f)``. A lower
    estimate of the maximum."""
    from scipy.optimize import minimize

    x = np.asarray(x, dtype=np.float64)
    if projection is None:
        a, half = None, epsilon * (np.abs(x) + 1.0)
    else:
        a = np.asarray(projection, dtype=np.float64)
        half = epsilon * (np.abs(np.linalg.pinv(a) @ x) + 1.0)
    f0 = fun_grad(x)[0]

    def neg(z):
        f, g = fun_grad(x + (z if a is None else a @ z))
        return -f, -(g if a is None else a.T @ g)

    bounds = list(zip(-half, half))
    starts = [np.zeros_like(half)] + [gen.uniform(-half, half) for _ in range(restarts)]
    best_z, best = starts[0], f0
    for z0 in starts:
        res = minimize(neg, z0, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": maxiter})
        if -res.fun > best:
            best, best_z = -float(res.fun), np.clip(res.x, -half, half)
    improved = True
    while improved and sweeps > 0:  # coordinate sweeps over the bounds (at most ``sweeps``)
        improved, sweeps = False, sweeps - 1
        for i in range(len(half)):
            for s in (-half[i], half[i]):
                z = best_z.copy()
                z[i] = s
                f = -neg(z)[0]
                if f > best + 1e-15 * max(1.0, abs(best)):
                    best, best_z, improved = f, z, True
    return 100.0 * (best - f0) / (1.0 + f0)


def quadratic_fun_grad(h, g, f0, x0):
    """f(x) = f0 + g.(x - x0) + (x - x0)^T H (x - x0)/2 and its gradient, for :func:`box_sharpness`."""
    def fun_grad(x):
        u = x - x0
        hu = h @ u
        return f0 + float(g @ u) + 0.5 * float(u @ hu), g + hu
    return fun_grad


# ---------------------------------------------------------------------------------------------
# One-hidden-layer ReLU MLP, logistic loss on labels in {0, 1}: the training inner loop.
@njit(cache=True, nogil=True)
def train_sgd(x, y, w1, b1, w2, b2, lr, batch, order):
    """Minibatch SGD in place over ``order`` (epochs x m sample indices; consecutive blocks of ``batch``
    indices are the minibatches, a last short block included). Model: p = sigmoid(w2.relu(W1 x + b1) + b2)."""
    epochs, m = order.shape
    h, d = w1.shape
    gw1 = np.zeros((h, d))
    gb1 = np.zeros(h)
    gw2 = np.zeros(h)
    hid = np.zeros(h)
    for e in range(epochs):
        start = 0
        while start < m:
            stop = min(start + batch, m)
            gw1[:, :] = 0.0
            gb1[:] = 0.0
            gw2[:] = 0.0
            gb2 = 0.0
            for t in range(start, stop):
                k = order[e, t]
                out = b2
                for j in range(h):
                    acc = b1[j]
                    for i in range(d):
                        acc += w1[j, i] * x[k, i]
                    hid[j] = acc if acc > 0.0 else 0.0
                    out += w2[j] * hid[j]
                if out >= 0:
                    p = 1.0 / (1.0 + math.exp(-out))
                else:
                    q = math.exp(out)
                    p = q / (1.0 + q)
                delta = p - y[k]
                gb2 += delta
                for j in range(h):
                    gw2[j] += delta * hid[j]
                    if hid[j] > 0.0:
                        back = delta * w2[j]
                        gb1[j] += back
                        for i in range(d):
                            gw1[j, i] += back * x[k, i]
            scale = lr / (stop - start)
            for j in range(h):
                for i in range(d):
                    w1[j, i] -= scale * gw1[j, i]
                b1[j] -= scale * gb1[j]
                w2[j] -= scale * gw2[j]
            b2 -= scale * gb2
            start = stop
    return b2


def train_sgd_numpy(x, y, w1, b1, w2, b2, lr, batch, order):
    """NumPy reference of :func:`train_sgd` (vectorised over each minibatch), in place; returns b2."""
    epochs, m = order.shape
    for e in range(epochs):
        for start in range(0, m, batch):
            idx = order[e, start:start + batch]
            xb = x[idx]
            pre = xb @ w1.T + b1
            hid = np.maximum(pre, 0.0)
            out = hid @ w2 + b2
            delta = 0.5 * (1.0 + np.tanh(0.5 * out)) - y[idx]
            back = np.outer(delta, w2) * (hid > 0)
            scale = lr / len(idx)
            w1 -= scale * (back.T @ xb)
            b1 -= scale * back.sum(axis=0)
            w2 -= scale * (hid.T @ delta)
            b2 -= scale * delta.sum()
    return b2


def mlp_unpack(theta, h: int, d: int):
    w1 = theta[: h * d].reshape(h, d)
    b1 = theta[h * d: h * d + h]
    w2 = theta[h * d + h: h * d + 2 * h]
    return w1, b1, w2, float(theta[-1])


def mlp_loss_grad(theta, x, y, h: int):
    """Mean logistic loss of the MLP over (x, y) and its gradient (for the sharpness estimator)."""
    m, d = x.shape
    w1, b1, w2, b2 = mlp_unpack(theta, h, d)
    pre = x @ w1.T + b1
    hid = np.maximum(pre, 0.0)
    out = hid @ w2 + b2
    loss = float(np.mean(np.logaddexp(0.0, out) - y * out))
    delta = (0.5 * (1.0 + np.tanh(0.5 * out)) - y) / m
    back = np.outer(delta, w2) * (pre > 0)
    grad = np.concatenate([(back.T @ x).ravel(), back.sum(axis=0), hid.T @ delta, [delta.sum()]])
    return loss, grad


def mlp_error(theta, x, y, h: int) -> float:
    w1, b1, w2, b2 = mlp_unpack(theta, h, x.shape[1])
    out = np.maximum(x @ w1.T + b1, 0.0) @ w2 + b2
    return float(np.mean((out > 0) != (y > 0.5)))
