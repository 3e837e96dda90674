"""Random deep networks at finite width: the sampling path, the weight path and the empirical NTK.

Conventions are those of ``dltheory.theory.meanfield`` (L weight layers, hidden width N,
W ~ N(0, sigma_w^2/fan_in), b ~ N(0, sigma_b^2); inputs through q1, q2, c).

Sampling path (exact in distribution, DESIGN.md): given layer l, the pre-activations of
layer l+1 for k inputs are i.i.d. over neurons, Gaussian with covariance
G^l = sigma_w^2/N Phi^T Phi + sigma_b^2 (Phi: the N x k post-activations). So a sample of
the whole network's Gram matrices costs k N (L-1) normals instead of N^2 (L-1). The
simulator records G^0 .. G^{L-1} (G^0 = K^1, deterministic); E[z^{l+1}_a z^{l+1}_b] = E[G^l_ab]
exactly, so averages of G are Rao-Blackwellised estimates of the layer covariances.

Weight path: the same network with its weights drawn (used to test the sampling path and
for the empirical NTK, which needs the weights and the Jacobians).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from dltheory.numerics import Estimate, Timing, benchmark, check, extrapolate, mean
from dltheory.numerics._bench import best_time, blas_peak_gflops, generator_rate
from dltheory.numerics._parallel import map_chunks, threads

ACT_CODE = {"linear": 0, "relu": 1, "tanh": 2, "erf": 3, "sigmoid": 4, "softplus": 5, "gelu": 6,
            "swish": 7, "sin": 8}
CHUNK = 256  # samples per random stream (part of the seed)


# ----------------------------------------------------------------------------- kernels
@njit(cache=True, nogil=True)
def _phi(code, u):
    if code == 0:
        return u
    if code == 1:
        return u if u > 0.0 else 0.0
    if code == 2:
        return math.tanh(u)
    if code == 3:
        return math.erf(u)
    if code == 4:
        return 0.5 * (1.0 + math.tanh(0.5 * u))
    if code == 5:
        return max(u, 0.0) + math.log1p(math.exp(-abs(u)))
    if code == 6:
        return u * 0.5 * (1.0 + math.erf(u / math.sqrt(2.0)))
    if code == 7:
        return u * 0.5 * (1.0 + math.tanh(0.5 * u))
    return math.sin(u)


@njit(cache=True, nogil=True)
def _dphi(code, u):
    if code == 0:
        return 1.0
    if code == 1:
        return 1.0 if u > 0.0 else 0.0
    if code == 2:
        t = math.tanh(u)
        return 1.0 - t * t
    if code == 3:
        return 2.0 / math.sqrt(math.pi) * math.exp(-u * u)
    if code == 4:
        s = 0.5 * (1.0 + math.tanh(0.5 * u))
        return s * (1.0 - s)
    if code == 5:
        return 0.5 * (1.0 + math.tanh(0.5 * u))
    if code == 6:
        return 0.5 * (1.0 + math.erf(u / math.sqrt(2.0))) + u * math.exp(-0.5 * u * u) / math.sqrt(2.0 * math.pi)
    if code == 7:
        s = 0.5 * (1.0 + math.tanh(0.5 * u))
        return s + u * s * (1.0 - s)
    return math.cos(u)


@njit(cache=True, nogil=True)
def _gram_path(normals, code, sw, sb, g0, out):
    """Sampling path. normals: (S, L-1, k, N) standard normals; g0: (3,) = K^1 (11, 12, 22).

    out: (S, L, 3) receives G^0 .. G^{L-1} per sample (k = 1: only entry 0 is used).
    """
    S, Lm1, k, N = normals.shape
    for s in range(S):
        g11, g12, g22 = g0[0], g0[1], g0[2]
        out[s, 0, 0], out[s, 0, 1], out[s, 0, 2] = g11, g12, g22
        for l in range(Lm1):
            a = math.sqrt(g11)
            s11 = 0.0
            s12 = 0.0
            s22 = 0.0
            if k == 1:
                for j in range(N):
                    p = _phi(code, a * normals[s, l, 0, j])
                    s11 += p * p
                g11 = sb + sw * s11 / N
                g12 = g11
                g22 = g11
            else:
                b = g12 / a if a > 0.0 else 0.0
                r = g22 - b * b
                d = math.sqrt(r) if r > 0.0 else 0.0
                for j in range(N):
                    n1 = normals[s, l, 0, j]
                    p1 = _phi(code, a * n1)
                    p2 = _phi(code, b * n1 + d * normals[s, l, 1, j])
                    s11 += p1 * p1
                    s12 += p1 * p2
                    s22 += p2 * p2
                g11 = sb + sw * s11 / N
                g12 = sb + sw * s12 / N
                g22 = sb + sw * s22 / N
            out[s, l + 1, 0], out[s, l + 1, 1], out[s, l + 1, 2] = g11, g12, g22


def first_layer(weight_variance, bias_variance, q1, q2, c):
    """K^1 = sigma_w^2 x_a.x_b/n0 + sigma_b^2 as (11, 12, 22)."""
    return np.array([weight_variance * q1 + bias_variance,
                     weight_variance * c * math.sqrt(q1 * q2) + bias_variance,
                     weight_variance * q2 + bias_variance])


def sample_grams(activation, depth, width, weight_variance, bias_variance, g0, n, seed, inputs=2):
    """(n, depth, 3) Gram matrices G^0..G^{depth-1} from the sampling path (thread-count independent)."""
    code = ACT_CODE[activation]
    g0 = np.asarray(g0, dtype=np.float64)

    def work(gen, size):
        normals = gen.standard_normal((size, depth - 1, inputs, width))
        out = np.empty((size, depth, 3))
        _gram_path(normals, code, float(weight_variance), float(bias_variance), g0, out)
        return out

    return np.concatenate(map_chunks(work, n, CHUNK, seed))


# ----------------------------------------------------------------------------- weight path
def _np_phi(activation):
    from scipy.special import erf, ndtr

    s = lambda u: 0.5 * (1 + np.tanh(0.5 * u))
    return {"linear": (lambda u: u, lambda u: np.ones_like(u)),
            "relu": (lambda u: np.maximum(u, 0.0), lambda u: (u > 0).astype(np.float64)),
            "tanh": (np.tanh, lambda u: 1 - np.tanh(u) ** 2),
            "erf": (erf, lambda u: 2 / math.sqrt(math.pi) * np.exp(-u * u)),
            "sigmoid": (s, lambda u: s(u) * (1 - s(u))),
            "softplus": (lambda u: np.logaddexp(0.0, u), s),
            "gelu": (lambda u: u * ndtr(u), lambda u: ndtr(u) + u * np.exp(-u * u / 2) / math.sqrt(2 * math.pi)),
            "swish": (lambda u: u * s(u), lambda u: s(u) + u * s(u) * (1 - s(u))),
            "sin": (np.sin, np.cos)}[activation]


def inputs_for(q1, q2, c, n0):
    """Two inputs in R^{n0} with |x_a|^2/n0 = q_a and cosine c (n0 >= 2)."""
    x = np.zeros((n0, 2))
    x[0, 0] = math.sqrt(q1 * n0)
    x[0, 1] = math.sqrt(q2 * n0) * c
    x[1, 1] = math.sqrt(q2 * n0) * math.sqrt(max(0.0, 1 - c * c))
    return x


def weight_path_grams(activation, depth, width, weight_variance, bias_variance, q1, q2, c, n, seed, n0=4):
    """Same output as ``sample_grams`` (two inputs) but with every weight drawn."""
    phi, _ = _np_phi(activation)
    X = inputs_for(q1, q2, c, n0)
    sw, sb = weight_variance, bias_variance

    def work(gen, size):
        out = np.empty((size, depth, 3))
        for s in range(size):
            h, fan = X, n0
            for l in range(depth):
                g = sw / fan * (h.T @ h) + sb
                out[s, l] = g[0, 0], g[0, 1], g[1, 1]
                if l == depth - 1:
                    break
                z = (math.sqrt(sw / fan) * (gen.standard_normal((width, fan)) @ h)
                     + math.sqrt(sb) * gen.standard_normal((width, 1)))
                h, fan = phi(z), width
        return out

    return np.concatenate(map_chunks(work, n, CHUNK, seed))


def ntk_from_weights(weights, biases_unused, X, activation, weight_variance, bias_variance, zs=None):
    """Empirical NTK (NTK parameterisation) of a drawn network on the columns of X (n0 x 2).

    weights: [W^1 (N x n0), W^2 .. W^{L-1} (N x N), w^L (1 x N)], standard normal entries;
    z^l = sqrt(sw/fan) W^l h^{l-1} + sqrt(sb) b^l. Returns (Theta_11, Theta_12, Theta_22, f1, f2)
    with Theta_ab = sum_l (delta^l_a . delta^l_b) (sw/fan_l h^{l-1}_a . h^{l-1}_b + sb).
    """
    phi, dphi = _np_phi(activation)
    sw, sb = weight_variance, bias_variance
    hs, zs_ = [X], []
    h = X
    for l, (W, b) in enumerate(zip(weights, biases_unused)):
        z = math.sqrt(sw / h.shape[0]) * (W @ h) + math.sqrt(sb) * b[:, None]
        zs_.append(z)
        if l < len(weights) - 1:
            h = phi(z)
            hs.append(h)
    f = zs_[-1][0]
    delta = np.ones((1, 2))
    theta = np.zeros(3)
    for l in range(len(weights) - 1, -1, -1):
        hp = hs[l]
        inner = sw / hp.shape[0] * (hp.T @ hp) + sb
        dd = delta.T @ delta
        theta += (dd * inner)[[0, 0, 1], [0, 1, 1]]
        if l > 0:
            delta = dphi(zs_[l - 1]) * (math.sqrt(sw / hp.shape[0]) * (weights[l].T @ delta))
    return theta[0], theta[1], theta[2], f[0], f[1]


@njit(cache=True, nogil=True)
def _ntk_kernel(W1, Wh, wout, bias, bout, X, code, sw, sb, z, out):
    """Empirical NTK of one drawn network (NTK parameterisation), forward and backward fused.

    W1 (N, n0), Wh (L-2, N, N), wout (N,), bias (L-1, N), bout (1,), X (2, n0): standard
    normal weights and the two inputs; z (L-1, 2, N) is scratch. out = (T11, T12, T22, f1, f2).
    """
    Lm1, _, N = z.shape
    n0 = X.shape[1]
    rb = math.sqrt(sb)
    c1 = math.sqrt(sw / n0)
    cN = math.sqrt(sw / N)
    for i in range(N):
        s0 = 0.0
        s1 = 0.0
        for k in range(n0):
            s0 += W1[i, k] * X[0, k]
            s1 += W1[i, k] * X[1, k]
        z[0, 0, i] = c1 * s0 + rb * bias[0, i]
        z[0, 1, i] = c1 * s1 + rb * bias[0, i]
    h = np.empty((2, N))
    for l in range(1, Lm1):
        for j in range(N):
            h[0, j] = _phi(code, z[l - 1, 0, j])
            h[1, j] = _phi(code, z[l - 1, 1, j])
        W = Wh[l - 1]
        for i in range(N):
            s0 = 0.0
            s1 = 0.0
            for j in range(N):
                s0 += W[i, j] * h[0, j]
                s1 += W[i, j] * h[1, j]
            z[l, 0, i] = cN * s0 + rb * bias[l, i]
            z[l, 1, i] = cN * s1 + rb * bias[l, i]
    # output layer and its contribution (delta^L = 1)
    f0 = 0.0
    f1 = 0.0
    hh00 = 0.0
    hh01 = 0.0
    hh11 = 0.0
    d = np.empty((2, N))
    for i in range(N):
        p0 = _phi(code, z[Lm1 - 1, 0, i])
        p1 = _phi(code, z[Lm1 - 1, 1, i])
        f0 += wout[i] * p0
        f1 += wout[i] * p1
        hh00 += p0 * p0
        hh01 += p0 * p1
        hh11 += p1 * p1
        d[0, i] = _dphi(code, z[Lm1 - 1, 0, i]) * cN * wout[i]
        d[1, i] = _dphi(code, z[Lm1 - 1, 1, i]) * cN * wout[i]
    t00 = sw / N * hh00 + sb
    t01 = sw / N * hh01 + sb
    t11 = sw / N * hh11 + sb
    dn = np.empty((2, N))
    for l in range(Lm1 - 1, -1, -1):  # layer l+1 in 1-based numbering; its input is h^{l}
        dd00 = 0.0
        dd01 = 0.0
        dd11 = 0.0
        for i in range(N):
            dd00 += d[0, i] * d[0, i]
            dd01 += d[0, i] * d[1, i]
            dd11 += d[1, i] * d[1, i]
        if l == 0:
            xx00 = 0.0
            xx01 = 0.0
            xx11 = 0.0
            for k in range(n0):
                xx00 += X[0, k] * X[0, k]
                xx01 += X[0, k] * X[1, k]
                xx11 += X[1, k] * X[1, k]
            t00 += dd00 * (sw / n0 * xx00 + sb)
            t01 += dd01 * (sw / n0 * xx01 + sb)
            t11 += dd11 * (sw / n0 * xx11 + sb)
            break
        hh00 = 0.0
        hh01 = 0.0
        hh11 = 0.0
        for j in range(N):
            p0 = _phi(code, z[l - 1, 0, j])
            p1 = _phi(code, z[l - 1, 1, j])
            hh00 += p0 * p0
            hh01 += p0 * p1
            hh11 += p1 * p1
            dn[0, j] = 0.0
            dn[1, j] = 0.0
        t00 += dd00 * (sw / N * hh00 + sb)
        t01 += dd01 * (sw / N * hh01 + sb)
        t11 += dd11 * (sw / N * hh11 + sb)
        W = Wh[l - 1]
        for i in range(N):
            a0 = d[0, i]
            a1 = d[1, i]
            for j in range(N):
                dn[0, j] += W[i, j] * a0
                dn[1, j] += W[i, j] * a1
        for j in range(N):
            d[0, j] = _dphi(code, z[l - 1, 0, j]) * cN * dn[0, j]
            d[1, j] = _dphi(code, z[l - 1, 1, j]) * cN * dn[1, j]
    out[0] = t00
    out[1] = t01
    out[2] = t11
    out[3] = cN * f0 + rb * bout[0]
    out[4] = cN * f1 + rb * bout[0]


def empirical_ntk(activation, depth, width, weight_variance, bias_variance, q1, q2, c, n, seed, n0=16):
    """(n, 5) samples of (Theta_11, Theta_12, Theta_22, f(x1), f(x2)) over random networks.

    depth L >= 2 weight layers: n0 -> N -> ... -> N -> 1 (L-1 hidden layers). Every weight is
    drawn (one SFC64 stream per chunk of 16 networks, into preallocated buffers); forward and
    backward passes are one fused Numba kernel per network.
    """
    if depth < 2:
        raise ValueError("empirical_ntk needs depth >= 2 (one hidden layer at least)")
    X = np.ascontiguousarray(inputs_for(q1, q2, c, n0).T)
    code = ACT_CODE[activation]
    sw, sb = float(weight_variance), float(bias_variance)

    def work(gen, size):
        out = np.empty((size, 5))
        W1 = np.empty((width, n0))
        Wh = np.empty((depth - 2, width, width))
        wout = np.empty(width)
        bias = np.empty((depth - 1, width))
        bout = np.empty(1)
        z = np.empty((depth - 1, 2, width))
        for s in range(size):
            gen.standard_normal(out=W1)
            gen.standard_normal(out=Wh)
            gen.standard_normal(out=wout)
            gen.standard_normal(out=bias)
            gen.standard_normal(out=bout)
            _ntk_kernel(W1, Wh, wout, bias, bout, X, code, sw, sb, z, out[s])
        return out

    return np.concatenate(map_chunks(work, n, 16, seed))


def ntk_numba_from_weights(weights, biases, X, activation, weight_variance, bias_variance):
    """The fused kernel on given weights (for tests against ``ntk_reference``)."""
    depth = len(weights)
    N = weights[0].shape[0]
    Wh = np.array(weights[1:-1]).reshape(depth - 2, N, N)
    out = np.empty(5)
    _ntk_kernel(np.ascontiguousarray(weights[0]), np.ascontiguousarray(Wh), weights[-1].ravel().copy(),
                np.array(biases[:-1]), np.asarray(biases[-1], dtype=float).ravel(), np.ascontiguousarray(X.T),
                ACT_CODE[activation], float(weight_variance), float(bias_variance), np.empty((depth - 1, 2, N)), out)
    return out


def ntk_reference(weights, biases, X, activation, weight_variance, bias_variance):
    """NumPy reference: the full parameter Jacobian of f for each input, then the dot product."""
    phi, dphi = _np_phi(activation)
    sw, sb = weight_variance, bias_variance
    jac = []
    for col in range(X.shape[1]):
        x = X[:, col]
        hs, zs = [x], []
        h = x
        for l, (W, b) in enumerate(zip(weights, biases)):
            z = math.sqrt(sw / h.shape[0]) * (W @ h) + math.sqrt(sb) * b
            zs.append(z)
            h = phi(z)
            hs.append(h)
        grads = []
        delta = np.ones(1)
        for l in range(len(weights) - 1, -1, -1):
            hp = hs[l]
            grads.append(np.outer(delta, hp).ravel() * math.sqrt(sw / hp.shape[0]))
            grads.append(delta * math.sqrt(sb))
            if l > 0:
                delta = dphi(zs[l - 1]) * (math.sqrt(sw / hp.shape[0]) * (weights[l].T @ delta))
        jac.append(np.concatenate(grads))
    return float(jac[0] @ jac[0]), float(jac[0] @ jac[1]), float(jac[1] @ jac[1])


# ----------------------------------------------------------------------------- sufficient statistics
def homogeneous_variances(activation, depth, width, weight_variance, bias_variance, q, n, seed):
    """(n,) samples of G^{L-1} for linear or relu from the layer variances' exact law.

    Given G^{l-1}, sum_j phi(z_j)^2 = G^{l-1} X with X ~ chi^2_N (linear) or chi^2 with a
    Binomial(N, 1/2) number of degrees of freedom (relu), so
    G^l = sigma_b^2 + sigma_w^2 G^{l-1} X / N: two draws per layer instead of N normals.
    """
    sw, sb = float(weight_variance), float(bias_variance)

    def work(gen, size):
        g = np.full(size, sw * q + sb)
        for _ in range(depth - 1):
            dof = np.full(size, float(width)) if activation == "linear" else \
                gen.binomial(width, 0.5, size).astype(np.float64)
            x = np.where(dof > 0, 2.0 * gen.standard_gamma(np.maximum(dof, 1.0) / 2), 0.0)
            g = sb + sw * g * x / width
        return g

    return np.concatenate(map_chunks(work, n, 1 << 16, seed))


def delta_method(columns, f, grad) -> Estimate:
    """f(sample means of the rows of ``columns``), with the delta-method stderr.

    columns: (k, n) samples of k statistics over n independent networks; f and grad take the
    k means. stderr^2 = grad' Cov grad / n with Cov the sample covariance of the k rows.
    """
    x = np.asarray(columns, dtype=np.float64)
    n = x.shape[1]
    m = x.mean(axis=1)
    gr = np.asarray(grad(*m), dtype=np.float64)
    cov = np.atleast_2d(np.cov(x)) / n
    se = float(math.sqrt(max(gr @ cov @ gr, 0.0)))
    return Estimate(float(f(*m)), se, n)


def kurtosis_estimate(g) -> Estimate:
    """Excess kurtosis of z ~ N(0, G) mixed over G: 3 E[G^2]/E[G]^2 - 3, delta-method stderr."""
    g = np.asarray(g, dtype=np.float64)
    return delta_method(np.vstack([g, g * g]), lambda m1, m2: 3 * m2 / m1**2 - 3,
                        lambda m1, m2: (-6 * m2 / m1**3, 3 / m1**2))


def cross_kurtosis_estimate(g) -> Estimate:
    """Co-kurtosis of (z1, z2) ~ N(0, G) mixed over G (g: (n, 3) rows G11, G12, G22), delta-method stderr.

    E[z1^2 z2^2]_connected / (E z1^2 E z2^2) with E[z1^2 z2^2] = E[G11 G22 + 2 G12^2] (Isserlis
    given G) and E[z_a z_b] = E[G_ab]: (m4 + 2 m5 - m1 m2 - 2 m3^2) / (m1 m2) in the means of
    (G11, G22, G12, G11 G22, G12^2). One input (G11 = G12 = G22): ``kurtosis_estimate``.
    """
    g = np.asarray(g, dtype=np.float64)
    g11, g12, g22 = g[:, 0], g[:, 1], g[:, 2]

    def f(m1, m2, m3, m4, m5):
        return (m4 + 2 * m5 - m1 * m2 - 2 * m3 * m3) / (m1 * m2)

    def grad(m1, m2, m3, m4, m5):
        d, v = m1 * m2, f(m1, m2, m3, m4, m5)
        return (-m2 / d - v / m1, -m1 / d - v / m2, -4 * m3 / d, 1 / d, 2 / d)

    return delta_method(np.vstack([g11, g22, g12, g11 * g22, g12 * g12]), f, grad)


def _scale(quick, full, small):
    return small if quick else full


def _sub(seed_sequence, k):
    return seed_sequence.spawn(k)


# ----------------------------------------------------------------------------- checks
def _q(name, **p):
    from dltheory.theory import evaluate

    return float(evaluate(name, **p))


def _tanh_critical(sb):
    return _q("critical-weight-variance", activation="tanh", bias_variance=sb)


def _length_grid(quick):
    crit = round(_tanh_critical(0.05), 6)
    pts = [dict(activation="tanh", weight_variance=1.2, bias_variance=0.05),
           dict(activation="tanh", weight_variance=crit, bias_variance=0.05),
           dict(activation="tanh", weight_variance=2.5, bias_variance=0.05),
           dict(activation="erf", weight_variance=2.0, bias_variance=0.1),
           dict(activation="relu", weight_variance=1.5, bias_variance=0.1)]
    return pts[1:3] if quick else pts


@check("meanfield-length-map", quantity="fixed-point-length", grid=_length_grid, x="weight_variance",
       title="q*: layer-8 squared length of finite networks started at q*, extrapolated in 1/N",
       ylabel="q* (extrapolated to N -> inf)")
def _check_length(point, seed_sequence, quick):
    """Start at K^1 = q* (theory); at depth 8 the mean squared length, fit a + b/N over widths.

    If q* were not the stable fixed point the networks would relax away from it (xi_q ~ 2
    layers here), so the extrapolated length tests q* itself.
    """
    qstar = _q("fixed-point-length", **point)
    widths = (16, 32, 64) if quick else (16, 32, 64, 128)
    n = 6000 if quick else 40000
    ests = []
    for N, ss in zip(widths, seed_sequence.spawn(len(widths))):
        g = sample_grams(point["activation"], 8, N, point["weight_variance"], point["bias_variance"],
                         [qstar] * 3, n, ss, inputs=1)
        ests.append(mean(g[:, -1, 0]))
    return extrapolate(widths, ests)


def _nngp_point(act, depth, sw, sb, c):
    return dict(activation=act, depth=depth, weight_variance=sw, bias_variance=sb, q1=1.0, q2=1.0, c=c)


def _nngp_grid(quick):
    crit = round(_tanh_critical(0.05), 6)
    pts = [_nngp_point("relu", 5, 2.0, 0.0, 0.5),
           _nngp_point("tanh", 5, crit, 0.05, 0.5),
           _nngp_point("tanh", 5, 3.0, 0.05, 0.5),
           _nngp_point("erf", 4, 1.5, 0.1, -0.3)]
    return pts[:2] if quick else pts


def _nngp_wrong(point):
    """sigma_w used where sigma_w^2 belongs: a kernel with the wrong normalisation."""
    p = dict(point, weight_variance=math.sqrt(point["weight_variance"]))
    return _q("nngp-kernel", **p)


@check("meanfield-nngp-finite-width", quantity="nngp-kernel", grid=_nngp_grid, x="c",
       title="NNGP: output covariance of finite networks (sampling path), extrapolated in 1/N",
       wrong=_nngp_wrong, wrong_label="kernel with sigma_w in place of sigma_w^2")
def _check_nngp(point, seed_sequence, quick):
    """E[G^{L-1}_12] = E[z^L(x1) z^L(x2)] at widths 16..128, weighted fit a + b/N."""
    widths = (16, 32, 64) if quick else (16, 32, 64, 128)
    n = 4000 if quick else 30000
    g0 = first_layer(point["weight_variance"], point["bias_variance"], point["q1"], point["q2"], point["c"])
    ests = []
    for N, ss in zip(widths, seed_sequence.spawn(len(widths))):
        g = sample_grams(point["activation"], point["depth"], N, point["weight_variance"],
                         point["bias_variance"], g0, n, ss)
        ests.append(mean(g[:, -1, 1]))
    return extrapolate(widths, ests)


def _ntk_grid(quick):
    pts = [dict(activation="relu", depth=3, weight_variance=2.0, bias_variance=0.0, q1=1.0, q2=1.0, c=0.5),
           dict(activation="tanh", depth=3, weight_variance=1.5, bias_variance=0.1, q1=1.0, q2=1.0, c=0.5),
           dict(activation="erf", depth=4, weight_variance=2.0, bias_variance=0.1, q1=1.0, q2=2.0, c=0.2)]
    return pts[:2] if quick else pts


def _ntk_wrong(point):
    """Theta^{l+1} = K^{l+1} + Kdot Theta^l: the backward factor without sigma_w^2."""
    from dltheory.theory.meanfield import kernels

    _, ks = kernels(point["activation"], point["depth"], point["weight_variance"], point["bias_variance"],
                    point["q1"], point["q2"], point["c"])
    theta = ks[0][1]
    for _, k12, _, kd in ks[1:]:
        theta = k12 + kd * theta
    return float(theta)


_NTK_CACHE: dict = {}


def _ntk_samples(point, N, n, ss):
    key = (tuple(sorted(point.items())), N, n, tuple(ss.entropy) if isinstance(ss.entropy, list) else ss.entropy,
           ss.spawn_key)
    if key not in _NTK_CACHE:
        _NTK_CACHE[key] = empirical_ntk(point["activation"], point["depth"], N, point["weight_variance"],
                                        point["bias_variance"], point["q1"], point["q2"], point["c"], n, ss)
    return _NTK_CACHE[key]


def _ntk_sizes(quick):
    return ((32, 64, 128), 1500) if quick else ((32, 64, 128, 256), 6000)


@check("meanfield-ntk-finite-width", quantity="ntk-kernel", grid=_ntk_grid, x="depth",
       title="NTK: mean empirical NTK (drawn weights, exact Jacobians), extrapolated in 1/N",
       wrong=_ntk_wrong, wrong_label="NTK recursion without sigma_w^2 on Kdot")
def _check_ntk(point, seed_sequence, quick):
    """Mean of Theta_12 over random networks at several widths, weighted fit a + b/N."""
    widths, n = _ntk_sizes(quick)
    ests = [mean(_ntk_samples(point, N, n, ss)[:, 1]) for N, ss in zip(widths, seed_sequence.spawn(len(widths)))]
    return extrapolate(widths, ests)


def _log_sd(x) -> Estimate:
    """log of the sample standard deviation, with the delta-method stderr sqrt((m4/s^4 - 1)/(4n))."""
    x = np.asarray(x) - np.mean(x)
    n = x.size
    v = float(np.mean(x * x))
    m4 = float(np.mean(x**4))
    return Estimate(0.5 * math.log(v), math.sqrt(max(m4 / v**2 - 1, 0.0) / (4 * n)), n)


def fluctuation_exponent(widths, log_sds) -> Estimate:
    """Slope p in log SD = a + p log N + d/N (weighted least squares, with its stderr)."""
    w = np.asarray(widths, dtype=np.float64)
    y = np.array([e.value for e in log_sds])
    s = np.array([e.stderr for e in log_sds])
    A = np.column_stack([np.ones_like(w), np.log(w), 1 / w]) / s[:, None]
    coef, *_ = np.linalg.lstsq(A, y / s, rcond=None)
    cov = np.linalg.inv(A.T @ A)
    dof = len(w) - 3
    if dof > 0:
        chi2 = float(np.sum((A @ coef - y / s) ** 2))
        cov = cov * max(1.0, chi2 / dof)
    return Estimate(float(coef[1]), float(math.sqrt(cov[1, 1])), int(sum(e.n for e in log_sds)))


@check("meanfield-ntk-fluctuations", quantity="ntk-kernel", grid=lambda quick: _ntk_grid(quick)[:1 if quick else 2],
       x="depth", theory=lambda point: -0.5, wrong=lambda point: -1.0,
       wrong_label="fluctuations shrinking as 1/N", ylabel="exponent p of SD(Theta_12) ~ N^p",
       title="NTK fluctuations: SD of the empirical NTK shrinks as N^(-1/2)")
def _check_ntk_fluct(point, seed_sequence, quick):
    """Fit log SD(Theta_12) = a + p log N + d/N over widths; the theory is p = -1/2."""
    widths, n = ((32, 64, 128, 256), 1500) if quick else ((32, 64, 128, 256, 512), 4000)
    sds = [_log_sd(_ntk_samples(point, N, n, ss)[:, 1]) for N, ss in zip(widths, seed_sequence.spawn(len(widths)))]
    return fluctuation_exponent(widths, sds)


def _kexact_grid(quick):
    pts = [dict(activation="relu", depth=3, width=8, weight_variance=2.0, bias_variance=0.0, q=1.0),
           dict(activation="relu", depth=10, width=32, weight_variance=2.0, bias_variance=0.0, q=1.0),
           dict(activation="relu", depth=10, width=128, weight_variance=2.0, bias_variance=0.0, q=1.0),
           dict(activation="relu", depth=6, width=64, weight_variance=1.8, bias_variance=0.2, q=1.0),
           dict(activation="linear", depth=3, width=8, weight_variance=1.0, bias_variance=0.0, q=1.0),
           dict(activation="linear", depth=10, width=32, weight_variance=1.0, bias_variance=0.0, q=1.0),
           dict(activation="linear", depth=5, width=128, weight_variance=0.9, bias_variance=0.3, q=2.0)]
    return [pts[1], pts[3], pts[5]] if quick else pts


@check("meanfield-kurtosis-exact", quantity="finite-width-kurtosis-exact", grid=_kexact_grid, x="width",
       title="Excess kurtosis of pre-activations (linear, relu) at finite width: exact law",
       wrong=lambda p: float(_q("finite-width-kurtosis-exact", **dict(p, depth=min(p["depth"], 2)))),
       wrong_label="kurtosis without the depth growth (one layer's)")
def _check_kurtosis_exact(point, seed_sequence, quick):
    """3 E[G^2]/E[G]^2 - 3 from the variances' exact law (sufficient statistics)."""
    n = 400_000 if quick else 4_000_000
    g = homogeneous_variances(point["activation"], point["depth"], point["width"], point["weight_variance"],
                              point["bias_variance"], point["q"], n, seed_sequence)
    return kurtosis_estimate(g)


def _kext_grid(quick):
    pts = [dict(activation="tanh", depth=5, weight_variance=1.5, bias_variance=0.0, q=1.0),
           dict(activation="tanh", depth=10, weight_variance=1.2, bias_variance=0.1, q=1.0),
           dict(activation="erf", depth=6, weight_variance=2.0, bias_variance=0.0, q=1.0)]
    return pts[:1] if quick else pts


def _kext_theory(point):
    """N x (leading-order kurtosis) = 3 V^L / (K^L)^2."""
    return _q("finite-width-kurtosis", width=1, **point)


def _kext_wrong(point):
    return _q("finite-width-kurtosis", width=1, **dict(point, depth=2))


@check("meanfield-kurtosis-extrapolation", quantity="finite-width-kurtosis", grid=_kext_grid, x="depth",
       theory=_kext_theory, wrong=_kext_wrong, wrong_label="one layer's vertex (no depth growth)",
       ylabel="N * kurtosis, extrapolated to 1/N -> 0",
       title="Four-point vertex: N x excess kurtosis over widths 8-128, extrapolated (residual O(1/N^2))")
def _check_kurtosis_ext(point, seed_sequence, quick):
    """N kappa_N = A + B/N + C/N^2 over widths (sampling path, one input); A vs 3 V/K^2."""
    widths = (8, 12, 16, 24, 32) if quick else (8, 16, 32, 64, 128)
    n = 60000 if quick else 400000
    ests = []
    for N, ss in zip(widths, seed_sequence.spawn(len(widths))):
        g = sample_grams(point["activation"], point["depth"], N, point["weight_variance"], point["bias_variance"],
                         [point["weight_variance"] * point["q"] + point["bias_variance"]] * 3, n, ss, inputs=1)
        k = kurtosis_estimate(g[:, -1, 0])
        ests.append(Estimate(N * k.value, N * k.stderr, k.n))
    return extrapolate(widths, ests, degree=2)


def _xkurt_point(act, depth, sw, sb, q11, q12, q22):
    return dict(activation=act, depth=depth, weight_variance=sw, bias_variance=sb, q11=q11, q12=q12, q22=q22)


def _xkurt_grid(quick):
    """Input correlation q12/sqrt(q11 q22) = 0.5 throughout (the last point: q22 = 2, q12 = 0.5 sqrt 2)."""
    pts = [_xkurt_point("tanh", 4, 1.5, 0.0, 1.0, 0.5, 1.0),
           _xkurt_point("relu", 4, 2.0, 0.0, 1.0, 0.5, 1.0),
           _xkurt_point("tanh", 8, 1.2, 0.1, 1.0, 0.5, 1.0),
           _xkurt_point("relu", 6, 1.8, 0.2, 1.0, round(0.5 * math.sqrt(2), 12), 2.0)]
    return pts[:2] if quick else pts


def _xkurt_theory(point):
    """N x (leading-order co-kurtosis) = (V_(11)(22) + 2 V_(12)(12)) / (K11 K22)."""
    return _q("finite-width-cross-kurtosis", width=1, **point)


def _xkurt_wrong(point):
    """The off-diagonal slip: d K^{l+1}_12 / d K^l_12 = sigma_w^2 E[phi' phi'] / 2 (symmetric-derivative convention)."""
    from dltheory.theory.meanfield import four_point_vertex_two_inputs

    p = point
    _, kv = four_point_vertex_two_inputs(p["activation"], p["depth"], p["weight_variance"], p["bias_variance"],
                                         p["q11"], p["q12"], p["q22"], offdiag_factor=0.5)
    (k11, _, k22), v = kv[-1]
    return float((v[0][2] + 2 * v[1][1]) / (k11 * k22))


@check("meanfield-cross-kurtosis-extrapolation", quantity="finite-width-cross-kurtosis", grid=_xkurt_grid,
       x="depth", theory=_xkurt_theory, wrong=_xkurt_wrong,
       wrong_label="dK12/dK12 = sigma_w^2 E[phi' phi']/2 (off-diagonal factor 2 dropped)",
       ylabel="N * co-kurtosis of two inputs, extrapolated to 1/N -> 0",
       title="Two-input four-point vertex: N x E[z1^2 z2^2]_conn/(K11 K22) over widths, extrapolated")
def _check_cross_kurtosis_ext(point, seed_sequence, quick):
    """N kappa_N = A + B/N + C/N^2 over widths (sampling path, two inputs); A vs (V_(11)(22) + 2 V_(12)(12))/(K11 K22)."""
    widths = (8, 12, 16, 24, 32) if quick else (8, 16, 32, 64, 128)
    n = 60000 if quick else 400000
    sw, sb = point["weight_variance"], point["bias_variance"]
    g0 = [sw * point["q11"] + sb, sw * point["q12"] + sb, sw * point["q22"] + sb]
    ests = []
    for N, ss in zip(widths, seed_sequence.spawn(len(widths))):
        g = sample_grams(point["activation"], point["depth"], N, sw, sb, g0, n, ss, inputs=2)
        k = cross_kurtosis_estimate(g[:, -1])
        ests.append(Estimate(N * k.value, N * k.stderr, k.n))
    return extrapolate(widths, ests, degree=2)


def _chi_grid(quick):
    pts = [dict(activation="tanh", weight_variance=1.5, bias_variance=0.05),
           dict(activation="tanh", weight_variance=3.0, bias_variance=0.5),
           dict(activation="erf", weight_variance=1.0, bias_variance=0.2),
           dict(activation="relu", weight_variance=1.5, bias_variance=0.1)]
    return pts[:2] if quick else pts


def jacobian_growth(activation, weight_variance, qstar, width, n, seed) -> Estimate:
    """|J t|^2 / |t|^2 over one width-N layer fed with its fixed-point pre-activations.

    z_j ~ N(0, q*) i.i.d. (the infinite-width previous layer), t_j ~ N(0, 1) a tangent; the
    next layer's tangent has E|t'|^2/N = sigma_w^2/N sum_j phi'(z_j)^2 t_j^2: unbiased for chi1.
    """
    _, dphi = _np_phi(activation)

    def work(gen, size):
        z = math.sqrt(qstar) * gen.standard_normal((size, width))
        t = gen.standard_normal((size, width))
        return weight_variance * np.mean(dphi(z) ** 2 * t * t, axis=1)

    return mean(np.concatenate(map_chunks(work, n, 4096, seed)))


@check("meanfield-chi1", quantity="chi1", grid=_chi_grid, x="weight_variance",
       title="chi1: one random layer's mean squared Jacobian gain at the fixed point")
def _check_chi1(point, seed_sequence, quick):
    qstar = _q("fixed-point-length", **point)
    return jacobian_growth(point["activation"], point["weight_variance"], qstar, 64,
                           20000 if quick else 200000, seed_sequence)


def _crit_grid(quick):
    pts = [dict(activation="tanh", bias_variance=0.05), dict(activation="tanh", bias_variance=0.5),
           dict(activation="tanh", bias_variance=2.0), dict(activation="erf", bias_variance=0.3)]
    return pts[:2] if quick else pts


@check("meanfield-critical-line", quantity="critical-weight-variance", grid=_crit_grid, x="bias_variance",
       title="Order-to-chaos line: sigma_w^2 where the measured Jacobian gain crosses 1",
       wrong_label="critical line off by 5% (x1.05)")
def _check_critical(point, seed_sequence, quick):
    """chi1 measured (jacobian_growth) at 0.95 and 1.05 times the claimed line; linear root.

    Delta-method stderr from the two independent estimates; the curvature of chi1(sigma_w^2)
    over +-5% biases the root by O(1e-4) relative, far below the stderr.
    """
    s0 = _q("critical-weight-variance", **point)
    act, sb = point["activation"], point["bias_variance"]
    n = 20000 if quick else 200000
    sa, sb_ = 0.95 * s0, 1.05 * s0
    ea, eb = (jacobian_growth(act, s, _q("fixed-point-length", activation=act, weight_variance=s, bias_variance=sb),
                              64, n, ss) for s, ss in zip((sa, sb_), seed_sequence.spawn(2)))
    slope = (eb.value - ea.value) / (sb_ - sa)
    root = sa + (1 - ea.value) / slope
    # d root / d ea, d root / d eb
    t = (1 - ea.value) / (eb.value - ea.value)
    da = (sb_ - sa) * (-(1 - t)) / (eb.value - ea.value)
    db = (sb_ - sa) * (-t) / (eb.value - ea.value)
    se = math.hypot(da * ea.stderr, db * eb.stderr)
    return Estimate(root, se, ea.n + eb.n)


# ----------------------------------------------------------------------------- benchmarks
def _draw_ntk_reference(n, activation, depth, width, sw, sb, X, seed):
    """Reference loop: numpy's default generator, the full Jacobian of each input, one thread."""
    rng = np.random.default_rng(seed)
    n0 = X.shape[0]
    shapes = [(width, n0)] + [(width, width)] * (depth - 2) + [(1, width)]
    out = np.empty((n, 3))
    for s in range(n):
        Ws = [rng.standard_normal(sh) for sh in shapes]
        bs = [rng.standard_normal(sh[0]) for sh in shapes]
        out[s] = ntk_reference(Ws, bs, X, activation, sw, sb)
    return out


@benchmark("meanfield-empirical-ntk", simulator="empirical_ntk (SFC64 per chunk, threads, layerwise contraction)",
           reference="numpy default_rng + full parameter Jacobian per input, one thread")
def _bench_ntk(quick):
    act, depth, width, n0, sw, sb = "relu", 4, 512, 16, 2.0, 0.0  # 3 hidden layers of width 512
    X = inputs_for(1.0, 1.0, 0.5, n0)
    n = 32 if quick else 256
    n_ref = 8 if quick else 32
    sim = best_time(lambda: empirical_ntk(act, depth, width, sw, sb, 1.0, 1.0, 0.5, n, 7), 1 if quick else 3)
    ref = best_time(lambda: _draw_ntk_reference(n_ref, act, depth, width, sw, sb, X, 7), 1 if quick else 2)
    ref *= n / n_ref
    rng = np.random.default_rng(1)
    shapes = [(width, n0)] + [(width, width)] * (depth - 2) + [(1, width)]
    Ws = [rng.standard_normal(sh) for sh in shapes]
    bs = [rng.standard_normal(sh[0]) for sh in shapes]
    a = ntk_numba_from_weights(Ws, bs, X, act, sw, sb)[:3]
    b = np.array(ntk_reference(Ws, bs, X, act, sw, sb))
    normals = sum(r * c + r for r, c in shapes)
    gen = generator_rate()
    flops = 2 * 2 * 2 * sum(r * c for r, c in shapes)  # forward + backward, two inputs
    peak = blas_peak_gflops(512 if quick else 1024)
    rate = n / sim
    return Timing(sim, ref, work=f"{n} networks: empirical NTK of a depth-3 (3 hidden layers), width-512 relu "
                                 f"net on two inputs ({rate:.0f} samples/s, {threads()} threads)",
                  agree=bool(np.allclose(a, b, rtol=1e-10, atol=0)),
                  limit=f"{normals * rate / gen:.2f} x one core's SFC64 normal rate ({gen / 1e6:.0f} M/s); "
                        f"{flops * rate / 1e9 / peak:.3f} of BLAS peak ({peak:.0f} GFLOP/s): generator-bound")


@benchmark("meanfield-sampling-path", simulator="sample_grams (Numba kernel fed by SFC64 chunks)",
           reference="numpy forward passes with every weight drawn (weight path)")
def _bench_sampling(quick):
    act, depth, width, sw, sb = "relu", 5, 512, 2.0, 0.0
    g0 = first_layer(sw, sb, 1.0, 1.0, 0.5)
    n = 2000 if quick else 20000
    n_ref = 20 if quick else 100
    sample_grams(act, depth, 8, sw, sb, g0, 2, 0)  # compile outside the timing
    sim = best_time(lambda: sample_grams(act, depth, width, sw, sb, g0, n, 3), 1 if quick else 3)
    ref = best_time(lambda: weight_path_grams(act, depth, width, sw, sb, 1.0, 1.0, 0.5, n_ref, 3), 1) * n / n_ref
    a = sample_grams(act, 3, 64, sw, sb, g0, 20000, 5)[:, -1, 1]
    b = weight_path_grams(act, 3, 64, sw, sb, 1.0, 1.0, 0.5, 4000, 6)[:, -1, 1]
    ea, eb = mean(a), mean(b)
    agree = abs(ea.value - eb.value) <= 5 * math.hypot(ea.stderr, eb.stderr)
    gen = generator_rate()
    normals = n * (depth - 1) * 2 * width
    return Timing(sim, ref, work=f"{n} relu networks, depth {depth}, width {width}, two inputs: layer Gram matrices",
                  agree=bool(agree),
                  limit=f"{normals / sim / gen:.2f} x one core's SFC64 normal rate ({gen / 1e6:.0f} M/s), "
                        f"{threads()} threads; reference draws {width}x more normals per layer")


# ----------------------------------------------------------------------------- correlation and NNGP spread
def _corr_grid(quick):
    crit = round(_tanh_critical(0.05), 6)
    pts = [_nngp_point("tanh", 6, 1.2, 0.05, 0.5), _nngp_point("tanh", 6, crit, 0.05, 0.5),
           _nngp_point("tanh", 6, 3.0, 0.05, 0.5), _nngp_point("relu", 6, 1.5, 0.1, 0.2)]
    return pts[1:3] if quick else pts


def _corr_theory(point):
    """rho^L = K^L_12 / sqrt(K^L_11 K^L_22): the correlation map iterated L-1 times."""
    from dltheory.theory.meanfield import kernels

    _, ks = kernels(point["activation"], point["depth"], point["weight_variance"], point["bias_variance"],
                    point["q1"], point["q2"], point["c"])
    k11, k12, k22, _ = ks[-1]
    return k12 / math.sqrt(k11 * k22)


@check("meanfield-correlation-map", quantity="nngp-kernel", grid=_corr_grid, x="weight_variance",
       theory=_corr_theory, ylabel="correlation rho^L of two inputs (extrapolated)",
       title="Correlation map: layer-L correlation of two inputs in finite networks, extrapolated in 1/N")
def _check_corr(point, seed_sequence, quick):
    """Mean of G12/sqrt(G11 G22) at layer L-1 (the covariance of z^L given the network), fit a + b/N."""
    widths = (16, 32, 64) if quick else (16, 32, 64, 128)
    n = 4000 if quick else 30000
    g0 = first_layer(point["weight_variance"], point["bias_variance"], point["q1"], point["q2"], point["c"])
    ests = []
    for N, ss in zip(widths, seed_sequence.spawn(len(widths))):
        g = sample_grams(point["activation"], point["depth"], N, point["weight_variance"],
                         point["bias_variance"], g0, n, ss)[:, -1]
        ests.append(mean(g[:, 1] / np.sqrt(g[:, 0] * g[:, 2])))
    return extrapolate(widths, ests)


@check("meanfield-nngp-fluctuations", quantity="nngp-kernel", grid=lambda quick: _nngp_grid(quick)[:1 if quick else 3],
       x="depth", theory=lambda point: -0.5, wrong=lambda point: -1.0, wrong_label="fluctuations shrinking as 1/N",
       ylabel="exponent p of SD(G_12) ~ N^p",
       title="Empirical NNGP fluctuations: SD of the finite-width output covariance shrinks as N^(-1/2)")
def _check_nngp_fluct(point, seed_sequence, quick):
    """SD over networks of G^{L-1}_12 (the empirical output covariance of a width-N network), fit
    log SD = a + p log N + d/N over widths; the theory is p = -1/2."""
    widths = (16, 32, 64, 128) if quick else (16, 32, 64, 128, 256)
    n = 3000 if quick else 20000
    g0 = first_layer(point["weight_variance"], point["bias_variance"], point["q1"], point["q2"], point["c"])
    sds = []
    for N, ss in zip(widths, seed_sequence.spawn(len(widths))):
        g = sample_grams(point["activation"], point["depth"], N, point["weight_variance"],
                         point["bias_variance"], g0, n, ss)
        sds.append(_log_sd(g[:, -1, 1]))
    return fluctuation_exponent(widths, sds)


# ----------------------------------------------------------------------------- depth scales
def gls_log_slope(dev, start) -> Estimate:
    """Slope s of log E[D^l] = log(start) + s l, l = 0..L-1, by generalised least squares.

    dev: (n, L) per-network deviations D^l (D^0 = start, exact). y_l = log of the mean of
    D^l; its covariance is the delta method diag(1/m) Cov(D) diag(1/m) / n with Cov(D) the
    sample covariance over networks (the layers share networks, so the y_l are correlated).
    The line is anchored at the exact y_0 = log(start): s = x'C^-1 (y - y_0) / x'C^-1 x,
    var s = 1 / x'C^-1 x (x = 1..L-1).
    """
    dev = np.asarray(dev, dtype=np.float64)[:, 1:]
    n, k = dev.shape
    m = dev.mean(axis=0)
    if np.any(m <= 0):
        return Estimate(math.nan, math.inf, n)
    y = np.log(m) - math.log(start)
    cov = np.atleast_2d(np.cov(dev, rowvar=False)) / n / np.outer(m, m)
    x = np.arange(1, k + 1, dtype=np.float64)
    ci = np.linalg.solve(cov, np.column_stack([x, y]))
    info = float(x @ ci[:, 0])
    return Estimate(float(x @ ci[:, 1]) / info, 1 / math.sqrt(info), n)


def _scale_from_slopes(widths, slopes) -> Estimate:
    """xi = -1/s with s the weighted fit a + b/N of the per-width slopes, extrapolated to 1/N -> 0."""
    s = extrapolate(widths, slopes, fitted="slope s of log E[D^l] per layer (xi = -1/s)")
    return Estimate(-1 / s.value, s.stderr / s.value**2, s.n, finite_size=s.finite_size)


def _same_streams(seed):
    """Two identical seed sequences (spawning from one SeedSequence advances it: a copy per call)."""
    from dltheory.numerics._parallel import as_seed_sequence

    ss = as_seed_sequence(seed)
    return [np.random.SeedSequence(ss.entropy, spawn_key=ss.spawn_key, pool_size=ss.pool_size) for _ in range(2)]


def length_deviations(activation, depth, width, weight_variance, bias_variance, qstar, eps, n, seed):
    """(n, depth) D^l = G^l(q* (1 + eps)) - G^l(q*), l = 0..depth-1, one input, common random numbers.

    Both networks are sample_grams with the same seed, hence the same normals: a coupling of
    the network started one small step eps q* off the fixed point with the one started at it,
    so E[D^l] is the difference of the two mean lengths with most of the noise cancelled. At
    infinite width E[D^l] = eps q* chi_q^l + O(eps^2) (the length map linearised at q*).
    """
    sa, sb_ = _same_streams(seed)
    a = sample_grams(activation, depth, width, weight_variance, bias_variance, [qstar * (1 + eps)] * 3, n, sa,
                     inputs=1)[:, :, 0]
    b = sample_grams(activation, depth, width, weight_variance, bias_variance, [qstar] * 3, n, sb_,
                     inputs=1)[:, :, 0]
    return a - b


def correlation_deviations(activation, depth, width, weight_variance, bias_variance, qstar, cstar, delta, n, seed):
    """(n, depth) D^l = rho^l(c*) - rho^l(c* - delta) (D^0 = delta), two inputs of squared length q*,
    common random numbers (the same normals for both pairs of inputs).

    rho^l = G^l_12 / sqrt(G^l_11 G^l_22). At infinite width E[D^l] = delta chi_c^l + O(delta^2)
    (the correlation map linearised at c*, lengths held at q*). c* = 1 (ordered phase): the
    reference network has rho^l = 1 exactly.
    """
    def rho(c, ss):
        g = sample_grams(activation, depth, width, weight_variance, bias_variance,
                         [qstar, qstar * c, qstar], n, ss)
        return g[:, :, 1] / np.sqrt(g[:, :, 0] * g[:, :, 2])

    sa, sb_ = _same_streams(seed)
    return rho(cstar, sa) - rho(cstar - delta, sb_)


DEPTH_SCALE_LAYERS = 7  # G^0..G^6: the deviation decays by exp(-6/xi) ~ e^-3 .. e^-4 on the grids below


def _xiq_grid(quick):
    """Off the critical line (xi_q 1.0-1.7; tanh ordered, erf chaotic): clean exponential decay over 6 layers."""
    pts = [dict(activation="tanh", weight_variance=1.5, bias_variance=0.05),
           dict(activation="tanh", weight_variance=0.8, bias_variance=0.05),
           dict(activation="erf", weight_variance=2.0, bias_variance=0.1)]
    return pts[:2] if quick else pts


@check("meanfield-length-depth-scale", quantity="length-depth-scale", grid=_xiq_grid, x="weight_variance",
       ylabel="xi_q from the decay of E[q^l] - q* (extrapolated in 1/N)",
       title="xi_q: depth scale of the squared length's relaxation to q* in finite networks")
def _check_xiq(point, seed_sequence, quick):
    """Networks started at q*(1 + 1e-5) and at q* with the same normals (sampling path, one
    input); GLS slope s_N of log E[G^l - G^l_ref] against l = 1..6 at each width, fit a + b/N,
    xi_q = -1/a (delta-method stderr)."""
    widths = (16, 32, 64) if quick else (16, 32, 64, 128)
    n = 4000 if quick else 20000
    qstar = _q("fixed-point-length", **point)
    eps = 1e-5
    slopes = [gls_log_slope(length_deviations(point["activation"], DEPTH_SCALE_LAYERS, N, point["weight_variance"],
                                              point["bias_variance"], qstar, eps, n, ss), eps * qstar)
              for N, ss in zip(widths, seed_sequence.spawn(len(widths)))]
    return _scale_from_slopes(widths, slopes)


def _xic_grid(quick):
    """Ordered phase (chi1 < 1, c* = 1), xi_c 1.5-2.3; full size adds one chaotic point (c* < 1,
    erf sigma_w^2 = 4, xi_c = 5.4), measured at widths 64-512 (see ``_check_xic``)."""
    pts = [dict(activation="tanh", weight_variance=0.8, bias_variance=0.05),
           dict(activation="erf", weight_variance=0.6, bias_variance=0.05),
           dict(activation="tanh", weight_variance=0.9, bias_variance=0.3),
           dict(activation="erf", weight_variance=4.0, bias_variance=0.05)]
    return pts[:2] if quick else pts


@check("meanfield-correlation-depth-scale", quantity="correlation-depth-scale", grid=_xic_grid, x="weight_variance",
       ylabel="xi_c from the decay of E[rho^l] - c* (extrapolated in 1/N)",
       title="xi_c: depth scale of the correlation's relaxation to c* in finite networks")
def _check_xic(point, seed_sequence, quick):
    """Two inputs of squared length q* and correlation c* - 1e-5 (and c* with the same normals);
    GLS slope of log E[rho^l_ref - rho^l] against l = 1..6 per width, fit a + b/N, xi_c = -1/a.
    c* = 1 in the ordered phase, the stable root below 1 of the correlation map in the chaotic one."""
    from dltheory.theory.meanfield import Gauss, _correlation_fixed_point

    qstar = _q("fixed-point-length", **point)
    cstar = float(_correlation_fixed_point(Gauss(point["activation"], None), point["weight_variance"],
                                           point["bias_variance"], qstar))
    if cstar < 1:
        # chaotic phase: below N ~ 64 the slope is not yet a + b/N (erf, sigma_w^2 = 4: -0.1673,
        # -0.1765, -0.1768 at N = 16, 32, 64, then -0.1805, -0.1832, -0.1843 at 128, 256, 512
        # against -0.1851), so the fit uses 64-512 only
        widths, n = (64, 128, 256, 512), 4000
    else:
        widths = (16, 32, 64) if quick else (16, 32, 64, 128)
        n = 4000 if quick else 20000
    delta = 1e-5
    slopes = [gls_log_slope(correlation_deviations(point["activation"], DEPTH_SCALE_LAYERS, N,
                                                   point["weight_variance"], point["bias_variance"], qstar, cstar,
                                                   delta, n, ss), delta)
              for N, ss in zip(widths, seed_sequence.spawn(len(widths)))]
    return _scale_from_slopes(widths, slopes)
