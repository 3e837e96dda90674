"""Estimators of the mean-field simulators: random networks at finite width (sampling path, weight
path, empirical NTK), the exact variance law of linear and relu networks, and the statistics the
checks use (delta-method kurtosis, fluctuation exponents, depth-scale slopes, Jacobian gain).

Conventions are those of ``dltheory.theory.meanfield`` (L weight layers, hidden width N,
W ~ N(0, sigma_w^2/fan_in), b ~ N(0, sigma_b^2); inputs through q1, q2, c).

Sampling path (exact in distribution, DESIGN.md): given layer l, the pre-activations of
layer l+1 for k inputs are i.i.d. over neurons, Gaussian with covariance
G^l = sigma_w^2/N Phi^T Phi + sigma_b^2 (Phi: the N x k post-activations). So a sample of
the whole network's Gram matrices costs k N (L-1) normals instead of N^2 (L-1). The
simulator records G^0 .. G^{L-1} (G^0 = K^1, deterministic); E[z^{l+1}_a z^{l+1}_b] = E[G^l_ab]
exactly, so averages of G are Rao-Blackwellised estimates of the layer covariances.

Weight path: the same network with its weights drawn (used to test the sampling path and
for the empirical NTK, which needs the weights and the Jacobians). Activations (NumPy forms)
come from the activation table ``dltheory.theory.activations``.
"""
from __future__ import annotations

import math

import numpy as np

from ...theory import activations
from .._parallel import as_seed_sequence, map_chunks
from .._stats import Estimate, extrapolate, mean
from .kernels import ACT_CODE, CHUNK, gram_path, ntk_kernel


def np_phi(activation):
    """(phi, phi') of an activation, vectorised (the table's NumPy forms)."""
    return activations.numpy_form(activation, 0), activations.numpy_form(activation, 1)


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
        gram_path(normals, code, float(weight_variance), float(bias_variance), g0, out)
        return out

    return np.concatenate(map_chunks(work, n, CHUNK, seed))



def inputs_for(q1, q2, c, n0):
    """Two inputs in R^{n0} with |x_a|^2/n0 = q_a and cosine c (n0 >= 2)."""
    x = np.zeros((n0, 2))
    x[0, 0] = math.sqrt(q1 * n0)
    x[0, 1] = math.sqrt(q2 * n0) * c
    x[1, 1] = math.sqrt(q2 * n0) * math.sqrt(max(0.0, 1 - c * c))
    return x


def weight_path_grams(activation, depth, width, weight_variance, bias_variance, q1, q2, c, n, seed, n0=4):
    """Same output as ``sample_grams`` (two inputs) but with every weight drawn."""
    phi, _ = np_phi(activation)
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
    phi, dphi = np_phi(activation)
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
            ntk_kernel(W1, Wh, wout, bias, bout, X, code, sw, sb, z, out[s])
        return out

    return np.concatenate(map_chunks(work, n, 16, seed))


def ntk_numba_from_weights(weights, biases, X, activation, weight_variance, bias_variance):
    """The fused kernel on given weights (for tests against ``ntk_reference``)."""
    depth = len(weights)
    N = weights[0].shape[0]
    Wh = np.array(weights[1:-1]).reshape(depth - 2, N, N)
    out = np.empty(5)
    ntk_kernel(np.ascontiguousarray(weights[0]), np.ascontiguousarray(Wh), weights[-1].ravel().copy(),
                np.array(biases[:-1]), np.asarray(biases[-1], dtype=float).ravel(), np.ascontiguousarray(X.T),
                ACT_CODE[activation], float(weight_variance), float(bias_variance), np.empty((depth - 1, 2, N)), out)
    return out


def ntk_reference(weights, biases, X, activation, weight_variance, bias_variance):
    """NumPy reference: the full parameter Jacobian of f for each input, then the dot product."""
    phi, dphi = np_phi(activation)
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



def log_sd(x) -> Estimate:
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


def scale_from_slopes(widths, slopes) -> Estimate:
    """xi = -1/s with s the weighted fit a + b/N of the per-width slopes, extrapolated to 1/N -> 0."""
    s = extrapolate(widths, slopes, fitted="slope s of log E[D^l] per layer (xi = -1/s)")
    return Estimate(-1 / s.value, s.stderr / s.value**2, s.n, finite_size=s.finite_size)


def same_streams(seed):
    """Two identical seed sequences (spawning from one SeedSequence advances it: a copy per call)."""
    ss = as_seed_sequence(seed)
    return [np.random.SeedSequence(ss.entropy, spawn_key=ss.spawn_key, pool_size=ss.pool_size) for _ in range(2)]


def length_deviations(activation, depth, width, weight_variance, bias_variance, qstar, eps, n, seed):
    """(n, depth) D^l = G^l(q* (1 + eps)) - G^l(q*), l = 0..depth-1, one input, common random numbers.

    Both networks are sample_grams with the same seed, hence the same normals: a coupling of
    the network started one small step eps q* off the fixed point with the one started at it,
    so E[D^l] is the difference of the two mean lengths with most of the noise cancelled. At
    infinite width E[D^l] = eps q* chi_q^l + O(eps^2) (the length map linearised at q*).
    """
    sa, sb_ = same_streams(seed)
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

    sa, sb_ = same_streams(seed)
    return rho(cstar, sa) - rho(cstar - delta, sb_)



def jacobian_growth(activation, weight_variance, qstar, width, n, seed) -> Estimate:
    """|J t|^2 / |t|^2 over one width-N layer fed with its fixed-point pre-activations.

    z_j ~ N(0, q*) i.i.d. (the infinite-width previous layer), t_j ~ N(0, 1) a tangent; the
    next layer's tangent has E|t'|^2/N = sigma_w^2/N sum_j phi'(z_j)^2 t_j^2: unbiased for chi1.
    """
    _, dphi = np_phi(activation)

    def work(gen, size):
        z = math.sqrt(qstar) * gen.standard_normal((size, width))
        t = gen.standard_normal((size, width))
        return weight_variance * np.mean(dphi(z) ** 2 * t * t, axis=1)

    return mean(np.concatenate(map_chunks(work, n, 4096, seed)))

