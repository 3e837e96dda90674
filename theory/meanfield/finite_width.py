"""Finite width: the four-point vertex (one and two inputs) and the excess kurtosis it gives, the
exact kurtosis of linear and relu networks, and the fluctuation exponents of the empirical
NNGP and NTK kernels (Roberts, Yaida & Hanin 2022; Hanin & Nica 2019)."""
from __future__ import annotations

import math
import time

from .._quantity import BadInput, Choice, Int, Real, quantity
from .gauss import (ACTIVATION, BIAS_VARIANCE, COSINE, LAYER_COST_S, Q, Q1, Q2, WEIGHT_VARIANCE, Gauss, Precision,
                    as_result, at_fixed_point)
from .maps import bounds_point

WIDTH = Int("width", lo=1, hi=10**12, doc="hidden width N (all hidden layers)")
DEPTH_K = Int("depth", lo=1, hi=10_000, doc="L: the layer whose pre-activation's kurtosis is returned")


def four_point_vertex(activation, depth, weight_variance, bias_variance, q, dps=None):
    """[(K^l, V^l)] for l = 1..depth: single-input metric and four-point vertex (RYH 2022).

    V^1 = 0; V^{l+1} = sigma_w^4 (E[phi^4] - E[phi^2]^2) + chi_par^2 V^l with
    chi_par = sigma_w^2 d/dK E_K[phi^2] (RYH 2022, Ch. 4-5, for one input and equal widths;
    re-derived in ``meanfield-four-point``). E[z^4]/E[z^2]^2 - 3 = 3 V^l / (N (K^l)^2) + O(1/N^2).
    """
    g = Gauss(activation, dps)
    N = g.N
    sw, sb = N.num(weight_variance), N.num(bias_variance)
    k = sw * N.num(q) + sb
    v = N.num(0)
    out = [(k, v)]
    for _ in range(depth - 1):
        e2 = g.p2(k)
        v = sw * sw * (g.p4(k) - e2 * e2) + (sw * g.dq(k)) ** 2 * v
        k = sw * e2 + sb
        out.append((k, v))
    return g, out


def _smooth_kurtosis_bounds(arch):
    """``dltheory bounds``: the output kurtosis of an equal-width net with a smooth activation, at the
    mean-field rows' point (``maps.bounds_point``)."""
    p = bounds_point(arch)
    if p is None or len(set(arch.widths)) != 1:
        return None
    return {**p, "depth": len(arch.widths) + 1, "width": arch.widths[0]}


@quantity("finite-width-kurtosis", ACTIVATION, DEPTH_K, WIDTH, WEIGHT_VARIANCE, BIAS_VARIANCE, Q, status="asymptotic",
          bounds=_smooth_kurtosis_bounds,
          verified="recomputed", citation="Roberts, Yaida & Hanin (2022), The Principles of Deep Learning Theory, CUP, "
                   "Ch. 4-5 (four-point vertex recursion, one input)",
          examples=({"activation": "tanh", "depth": 5, "width": 32, "weight_variance": 1.5},
                    {"activation": "relu", "depth": 6, "width": 64, "weight_variance": 2.0},
                    {"activation": "linear", "depth": 4, "width": 16, "weight_variance": 1.3},
                    {"activation": "erf", "depth": 6, "width": 100, "weight_variance": 2.0, "bias_variance": 0.1,
                     "q": 0.8}),
          regime=lambda depth, width, **_: [f"the 1/N expansion is in the aspect ratio L/N and is meant for "
                                            f"L/N << 1; here L/N = {depth / width:.3g} (above 0.25 the neglected "
                                            "(L/N)^2 terms are not small)"] if depth > 0.25 * width else [])
def finite_width_kurtosis(activation, depth, width, weight_variance, bias_variance=0.0, q=1.0, dps=None):
    """3 V^L / (N (K^L)^2): leading-order excess kurtosis of a layer-L pre-activation at width N.

    RYH (2022) four-point vertex for one input and equal hidden widths N:
    V^1 = 0, V^{l+1} = sigma_w^4 Var_{K^l}[phi(u)^2] + chi_par(K^l)^2 V^l with
    chi_par = sigma_w^2 E[phi'^2 + phi phi''] (derivation ``meanfield-four-point``, which
    re-derives it from the exact layer-to-layer conditioning). Closed forms: linear
    (sigma_b = 0): 6 (L-1)/N; relu (sigma_b = 0): 15 (L-1)/N. Asymptotic: the error is
    O(1/N^2) (see ``finite-width-kurtosis-exact`` for linear and relu at finite N).
    """
    # linear and relu: closed-form moments, iterated in mpmath, whose exponent range does not
    # underflow (K^L = (sigma_w^2/2)^L q at depth 10^4) where the double-precision ratio would be 0/0
    work = dps if dps is not None or activation not in ("linear", "relu") else 15
    with Precision(work):
        g, kv = four_point_vertex(activation, depth, weight_variance, bias_variance, q, work)
        k, v = kv[-1]
        return as_result(3 * v / (width * k * k), dps)


PAIRS = ((0, 0), (0, 1), (1, 1))  #: the pair indices (11), (12), (22) of K and V, in this order


def kernel_step(g: Gauss, k, weight_variance, bias_variance):
    """K^{l+1} = sigma_w^2 E[phi(u_a) phi(u_b)] + sigma_b^2 as (11, 12, 22), u ~ N(0, K^l), K^l = k."""
    N = g.N
    sw, sb = N.num(weight_variance), N.num(bias_variance)
    k11, k12, k22 = k
    return sw * g.p2(k11) + sb, sw * g.pp(k11, k22, k12) + sb, sw * g.p2(k22) + sb


def fourth_moment_covariance(g: Gauss, k):
    """C_(ab)(cd) = Cov_{u ~ N(0, K)}(phi(u_a) phi(u_b), phi(u_c) phi(u_d)), (ab), (cd) in PAIRS (3 x 3)."""
    k11, k12, k22 = k
    e = (g.p2(k11), g.pp(k11, k22, k12), g.p2(k22))
    m40, m31, m22, m13, m04 = g.p4m(k11, k22, k12)
    mom = {(0, 0): m40, (0, 1): m31, (0, 2): m22, (1, 1): m22, (1, 2): m13, (2, 2): m04}
    return [[mom[min(p, r), max(p, r)] - e[p] * e[r] for r in range(3)] for p in range(3)]


def kernel_jacobian(g: Gauss, k, weight_variance):
    """J_(ab),(ef) = d K^{l+1}_ab / d K^l_ef at K^l = k, with K11, K12, K22 independent entries (3 x 3).

    J_(11),(11) = sigma_w^2 d/dK11 E[phi1^2], J_(12),(12) = sigma_w^2 E[phi1' phi2'] (Price; no 1/2:
    K12 sits twice in the matrix), J_(12),(11) = sigma_w^2 E[phi1'' phi2]/2, J_(12),(22) =
    sigma_w^2 E[phi1 phi2'']/2, J_(22),(22) = sigma_w^2 d/dK22 E[phi2^2], the others 0.
    """
    N = g.N
    sw = N.num(weight_variance)
    k11, k12, k22 = k
    zero = N.num(0)
    return [[sw * g.dq(k11), zero, zero],
            [sw * g.pp_dq1(k11, k22, k12), sw * g.dd(k11, k22, k12), sw * g.pp_dq1(k22, k11, k12)],
            [zero, zero, sw * g.dq(k22)]]


def vertex_step(v, c, jac, weight_variance):
    """V^{l+1} = sigma_w^4 C(K^l) + J V^l J^T (3 x 3 lists)."""
    sw = weight_variance
    jv = [[sum(jac[p][t] * v[t][r] for t in range(3)) for r in range(3)] for p in range(3)]
    return [[sw * sw * c[p][r] + sum(jv[p][t] * jac[r][t] for t in range(3)) for r in range(3)] for p in range(3)]


def four_point_vertex_two_inputs(activation, depth, weight_variance, bias_variance, q11, q12, q22, dps=None):
    """[(K^l, V^l)] for l = 1..depth: two-input metric (k11, k12, k22) and 3 x 3 vertex V^l.

    V^l[p][r] = V^l_{(ab)(cd)} with (ab) = PAIRS[p], (cd) = PAIRS[r]: at leading order
    N Cov(G_ab, G_cd) of the layer's conditional covariance G (E[z_a z_b z_c z_d]_connected =
    (V_(ab)(cd) + V_(ac)(bd) + V_(ad)(bc))/N). Recursion (RYH 2022, Ch. 4, in delta-method form;
    derivation ``meanfield-four-point-two-inputs``): V^1 = 0,

        V^{l+1} = sigma_w^4 C(K^l) + J(K^l) V^l J(K^l)^T

    (``fourth_moment_covariance``, ``kernel_jacobian``, ``vertex_step``).
    """
    g = Gauss(activation, dps)
    N = g.N
    sw, sb = N.num(weight_variance), N.num(bias_variance)
    k = (sw * N.num(q11) + sb, sw * N.num(q12) + sb, sw * N.num(q22) + sb)
    v = [[N.num(0)] * 3 for _ in range(3)]
    out = [(k, v)]
    start, settled, prev = time.process_time(), None, None
    for layer in range(depth - 1):
        if settled is None and prev is not None and at_fixed_point(prev, k, N):
            settled = (fourth_moment_covariance(g, k), kernel_jacobian(g, k, sw))  # K at its fixed point: C, J repeat
        if settled is None and time.process_time() - start > LAYER_COST_S:
            raise BadInput("depth", depth, f"a depth whose {activation} vertex recursion takes under {LAYER_COST_S:g} s "
                           f"(it reached layer {layer + 1} in that time)", "cost guard")
        c, jac = settled or (fourth_moment_covariance(g, k), kernel_jacobian(g, k, sw))
        v = vertex_step(v, c, jac, sw)
        prev, k = k, (k if settled else kernel_step(g, k, sw, sb))
        out.append((k, v))
    return g, out


def _gram_inputs(q11, q12, q22):
    if q12 * q12 > q11 * q22 * (1 + 1e-12):
        raise BadInput("q12", q12, f"|q12| <= sqrt(q11 q22) = {math.sqrt(q11 * q22):.6g} (a Gram matrix)",
                       "the input kernel is not positive semidefinite")


Q11 = Real("q11", lo=0, lo_open=True, hi=1e6, default=1.0, doc="|x1|^2 / n0")
Q12 = Real("q12", lo=-1e6, hi=1e6, default=0.0, doc="x1.x2 / n0 (|q12| <= sqrt(q11 q22))")
Q22 = Real("q22", lo=0, lo_open=True, hi=1e6, default=1.0, doc="|x2|^2 / n0")


@quantity("finite-width-cross-kurtosis", ACTIVATION, DEPTH_K, WIDTH, WEIGHT_VARIANCE, BIAS_VARIANCE, Q11, Q12, Q22,
          status="asymptotic",
          verified="recomputed", citation="Roberts, Yaida & Hanin (2022), The Principles of Deep Learning Theory, CUP, "
                   "Ch. 4 (four-point vertex recursion for several inputs)",
          examples=({"activation": "tanh", "depth": 4, "width": 32, "weight_variance": 1.5, "q12": 0.5},
                    {"activation": "relu", "depth": 6, "width": 64, "weight_variance": 1.8, "bias_variance": 0.2,
                     "q12": 0.7071067811865476, "q22": 2.0},
                    {"activation": "linear", "depth": 3, "width": 16, "weight_variance": 1.0, "q11": 0.5,
                     "q12": -0.3}),
          regime=lambda depth, width, **_: [f"the 1/N expansion is in the aspect ratio L/N and is meant for "
                                            f"L/N << 1; here L/N = {depth / width:.3g} (above 0.25 the neglected "
                                            "(L/N)^2 terms are not small)"] if depth > 0.25 * width else [])
def finite_width_cross_kurtosis(activation, depth, width, weight_variance, bias_variance=0.0, q11=1.0, q12=0.0,
                                q22=1.0, dps=None):
    """(V^L_(11)(22) + 2 V^L_(12)(12)) / (N K^L_11 K^L_22): leading-order two-input excess co-kurtosis.

    For one neuron's layer-L pre-activations z_a = z^L_i(x_a) of two inputs with
    q_ab = x_a.x_b/n0, this is E[z1^2 z2^2]_connected / (K11 K22) =
    [E z1^2 z2^2 - E z1^2 E z2^2 - 2 (E z1 z2)^2] / (E z1^2 E z2^2) at order 1/N (equal hidden
    widths N), i.e. Cov(z1^2, z2^2)/(K11 K22) - 2 rho^2 with rho = K12/sqrt(K11 K22). The
    vertex follows RYH (2022) Ch. 4 (``four_point_vertex_two_inputs``; derivation
    ``meanfield-four-point-two-inputs``). With x1 = x2 it is the excess kurtosis
    ``finite-width-kurtosis`` 3 V/(N K^2). Linear, sigma_b = 0 (Wishart, exact):
    V_(ab)(cd) = (L-1)(K_ac K_bd + K_ad K_bc), so the value is (L-1)(2 + 4 rho^2)/N.
    Asymptotic: the error is O(1/N^2).
    """
    _gram_inputs(q11, q12, q22)
    with Precision(dps):
        g, kv = four_point_vertex_two_inputs(activation, depth, weight_variance, bias_variance, q11, q12, q22, dps)
        (k11, _, k22), v = kv[-1]
        return as_result((v[0][2] + 2 * v[1][1]) / (width * k11 * k22), dps)


ACTIVATION_EXACT = Choice("activation", choices=("linear", "relu"), doc="linear or relu (positively homogeneous)")


def _kurtosis_bounds(arch):
    """``dltheory bounds``: output kurtosis of an equal-width linear/relu net at critical init (q = 1)."""
    if arch.activation not in ("linear", "relu") or len(set(arch.widths)) != 1:
        return None
    return dict(activation=arch.activation, depth=len(arch.widths) + 1, width=arch.widths[0],
                weight_variance=2.0 if arch.activation == "relu" else 1.0, bias_variance=0.0, q=1.0)


@quantity("finite-width-kurtosis-exact", ACTIVATION_EXACT, DEPTH_K, WIDTH, WEIGHT_VARIANCE, BIAS_VARIANCE, Q,
          status="exact", bounds=_kurtosis_bounds,
          examples=({"activation": "relu", "depth": 3, "width": 8, "weight_variance": 2.0},
                    {"activation": "linear", "depth": 10, "width": 32, "weight_variance": 1.0},
                    {"activation": "relu", "depth": 6, "width": 64, "weight_variance": 1.8, "bias_variance": 0.2},
                    {"activation": "linear", "depth": 5, "width": 128, "weight_variance": 0.9, "bias_variance": 0.3,
                     "q": 2.0}),
          verified="recomputed",
          citation="derived here (derivation meanfield-four-point); sigma_b = 0 cases agree with "
                   "Roberts, Yaida & Hanin (2022), Ch. 3 (deep linear networks, 3[(1+2/N)^(L-1) - 1])")
def finite_width_kurtosis_exact(activation, depth, width, weight_variance, bias_variance=0.0, q=1.0):
    """Exact excess kurtosis E[z^4]/E[z^2]^2 - 3 of a layer-L pre-activation at finite width N.

    For linear and relu, given layer l-1 the new layer's variance is
    G^l = sigma_b^2 + sigma_w^2 G^{l-1} X/N with X ~ chi^2_N (linear) or chi^2 with a
    Binomial(N, 1/2) number of degrees of freedom (relu), independent of G^{l-1}. With
    a = E[X/N] (1, 1/2) and b = E[(X/N)^2] (1 + 2/N, (1 + 5/N)/4) the moments obey
    m1' = sigma_b^2 + sigma_w^2 a m1, m2' = sigma_b^4 + 2 sigma_b^2 sigma_w^2 a m1 +
    sigma_w^4 b m2 from m1 = m2^(1/2) = sigma_w^2 q + sigma_b^2, and kurtosis =
    3 m2/m1^2 - 3 at layer L-1. sigma_b = 0: 3[(1 + 2/N)^(L-1) - 1] (linear),
    3[(1 + 5/N)^(L-1) - 1] (relu). Exact rational arithmetic for rational inputs.
    """
    from fractions import Fraction

    import mpmath

    # exact rationals grow like N^L digits; beyond depth 64, mpmath at its working precision (its exponent
    # does not overflow: the value at depth 10^4, width 1 is 1.6e4771)
    F = mpmath.mpf if depth > 64 else Fraction
    N = F(width)
    sw, sb, qq = (F(repr(float(x))) for x in (weight_variance, bias_variance, q))
    a, b = (F(1), 1 + 2 / N) if activation == "linear" else (F(1) / 2, (1 + 5 / N) / 4)
    m1 = sw * qq + sb
    m2 = m1 * m1
    for _ in range(depth - 1):
        m1, m2 = sb + sw * a * m1, sb * sb + 2 * sb * sw * a * m1 + sw * sw * b * m2
    if m1 == 0:
        raise BadInput("weight_variance", float(weight_variance), "> 0 with q > 0", "zero variance")
    value = 3 * m2 / (m1 * m1) - 3
    if F is Fraction:
        return value if value.denominator < 10**30 else float(value)
    return float(value) if abs(value) < 1e300 else +value

# ----------------------------------------------------------------------------- fluctuation exponents
DEPTH_F = Int("depth", lo=2, hi=10_000,
              doc="L >= 2: the layer whose empirical kernel is taken (L = 1 is deterministic)")


@quantity("nngp-fluctuation-exponent", ACTIVATION, DEPTH_F, WEIGHT_VARIANCE, BIAS_VARIANCE, Q1, Q2, COSINE,
          status="asymptotic",
          verified="secondary",
          citation="Roberts, Yaida & Hanin (2022), The Principles of Deep Learning Theory, CUP, Ch. 4 (the "
                   "stochastic metric: its variance is the four-point vertex over n, O(1/n) at fixed depth)",
          examples=({"activation": "relu", "depth": 5, "weight_variance": 2.0, "c": 0.5},
                    {"activation": "tanh", "depth": 5, "weight_variance": 1.5, "bias_variance": 0.05, "c": 0.5},
                    {"activation": "erf", "depth": 4, "weight_variance": 1.5, "bias_variance": 0.1, "c": -0.3}))
def nngp_fluctuation_exponent(activation, depth, weight_variance, bias_variance=0.0, q1=1.0, q2=1.0, c=1.0):
    """p = -1/2: the SD over random width-N networks of the empirical output covariance scales as N^p.

    The empirical NNGP kernel of a width-N network, G^{L-1}_12 = sigma_b^2 + sigma_w^2/N sum_j
    phi(z^{L-1}_j(x1)) phi(z^{L-1}_j(x2)) (the covariance of z^L(x1), z^L(x2) given the network
    below layer L), has N Var(G^{L-1}_12) -> V^L_(12)(12) > 0 at fixed depth (RYH 2022, Ch. 4: the
    four-point vertex; derivation ``meanfield-fluctuations``), so SD = sqrt(V/N) (1 + O(1/N)):
    d log SD / d log N -> -1/2. Needs depth >= 2 (G^0 = K^1 is deterministic) and a non-constant
    activation (V^2_(12)(12) = sigma_w^4 Var(phi(u1) phi(u2)) > 0). Asymptotic (N -> infinity).

    Citation checked with the ``search`` tool (pages corpus): the table of contents of arXiv:2106.10165
    (RYH) lists Sec. 3.3 "Fluctuations" and Ch. 4 "RG Flow of Preactivations" (4.2-4.3: the
    non-Gaussianity of order 1/n that the four-point vertex carries).
    """
    from fractions import Fraction

    return Fraction(-1, 2)


@quantity("ntk-fluctuation-exponent", ACTIVATION, DEPTH_F, WEIGHT_VARIANCE, BIAS_VARIANCE, Q1, Q2, COSINE,
          status="asymptotic",
          verified="secondary",
          citation="Hanin & Nica (2019), Finite depth and width corrections to the neural tangent kernel, "
                   "arXiv:1909.05989, ICLR 2020 (relu: E[Theta^2]/E[Theta]^2 = exp(5 d/n) up to O(1/n), so "
                   "Var/E^2 ~ 5 d/n at fixed depth d); Roberts, Yaida & Hanin (2022), CUP (NTK fluctuations at "
                   "order 1/n for general activations)",
          examples=({"activation": "relu", "depth": 3, "weight_variance": 2.0, "c": 0.5},
                    {"activation": "tanh", "depth": 3, "weight_variance": 1.5, "bias_variance": 0.1, "c": 0.5}))
def ntk_fluctuation_exponent(activation, depth, weight_variance, bias_variance=0.0, q1=1.0, q2=1.0, c=1.0):
    """p = -1/2: the SD over random width-N networks of the empirical NTK Theta_12 scales as N^p.

    NTK parameterisation (as ``ntk-kernel``). Each layer's contribution to the empirical NTK is a
    product of normalised sums over N units (backward and forward inner products), each the
    infinite-width value plus O(N^-1/2) fluctuations, so Var(Theta_12) = A/N + O(1/N^2) at fixed
    depth, A > 0 for depth >= 2; Hanin & Nica (2020) compute it for relu on the diagonal,
    Var/E^2 = exp(5 L/N) - 1 ~ 5 L/N. Hence d log SD / d log N -> -1/2 (derivation
    ``meanfield-fluctuations``). Asymptotic (N -> infinity at fixed depth; for L/N not small the
    fluctuations grow like exp(5 L/N), Hanin & Nica).

    Citation checked with the ``search`` tool (pages corpus): the abstract of arXiv:1909.05989 ("we
    prove the precise scaling, at finite depth and width, for the mean and variance of the NTK ...
    the standard deviation is exponential in the ratio of depth to width") and its appendix,
    E[K^2]/E[K]^2 ~ exp(5 beta), beta = d/n, for equal widths.
    """
    from fractions import Fraction

    return Fraction(-1, 2)
