"""Infinite-width kernels: the NNGP kernel, the correlation map and the neural tangent kernel
(Lee et al. 2018; Poole et al. 2016; Jacot et al. 2018; Arora et al. 2019)."""
from __future__ import annotations

import time

from .._quantity import BadInput, Choice, Int, quantity
from .gauss import (ACTIVATION, BIAS_VARIANCE, COSINE, DEPTH, LAYER_COST_S, Q1, Q2, WEIGHT_VARIANCE, Gauss, Precision,
                    as_result, at_fixed_point)

def kernels(activation, depth, weight_variance, bias_variance, q1, q2, c, dps=None):
    """[(K^l_11, K^l_12, K^l_22, Kdot^l_12)] for l = 1..depth (Kdot^1 = None)."""
    g = Gauss(activation, dps)
    N = g.N
    sw, sb = N.num(weight_variance), N.num(bias_variance)
    q1, q2, c = N.num(q1), N.num(q2), N.num(c)
    k11, k22 = sw * q1 + sb, sw * q2 + sb
    k12 = sw * c * N.sqrt(q1 * q2) + sb
    out = [(k11, k12, k22, None)]
    start = time.process_time()
    for layer in range(depth - 1):
        if len(out) > 2 and at_fixed_point(out[-2], out[-1], N):  # a fixed point to working precision: the rest repeat it
            out.extend([out[-1]] * (depth - 1 - layer))
            break
        if time.process_time() - start > LAYER_COST_S:
            raise BadInput("depth", depth, f"a depth whose {activation} kernel recursion takes under {LAYER_COST_S:g} s "
                           f"(it reached layer {layer + 1} in that time)", "cost guard")
        kd = g.dd(k11, k22, k12)
        k11, k12, k22 = (sw * g.p2(k11) + sb, sw * g.pp(k11, k22, k12) + sb, sw * g.p2(k22) + sb)
        out.append((k11, k12, k22, kd))
    return g, out


@quantity("nngp-kernel", ACTIVATION, DEPTH, WEIGHT_VARIANCE, BIAS_VARIANCE, Q1, Q2, COSINE, status="exact",
          verified="recomputed",
          citation="Lee et al. (2018), ICLR, Sec. 2.3 (NNGP recursion); Cho & Saul (2009), NeurIPS, Sec. 2.1 "
                   "(arc-cosine kernels, relu = k_1/2); Williams (1997), NeurIPS (erf kernel)",
          examples=({"activation": "relu", "depth": 5, "weight_variance": 2.0, "c": 0.5},
                    {"activation": "tanh", "depth": 5, "weight_variance": 1.5, "bias_variance": 0.05, "c": 0.5},
                    {"activation": "erf", "depth": 4, "weight_variance": 1.5, "bias_variance": 0.1, "q2": 2.0,
                     "c": -0.3},
                    {"activation": "linear", "depth": 3, "weight_variance": 1.3, "c": 0.6}))
def nngp_kernel(activation, depth, weight_variance, bias_variance=0.0, q1=1.0, q2=1.0, c=1.0, dps=None):
    """K^L(x1, x2): infinite-width covariance of the layer-L pre-activations of two inputs.

    K^1 = sigma_w^2 x1.x2/n0 + sigma_b^2 and K^{l+1} = sigma_w^2 E[phi(u1)phi(u2)] +
    sigma_b^2 with (u1, u2) ~ N(0, K^l) (Lee et al. 2018). Inputs enter through
    q1 = |x1|^2/n0, q2 = |x2|^2/n0, c = cosine. relu: E[phi phi] = sqrt(K11 K22)
    (sin t + (pi - t) cos t)/(2 pi), t = arccos(rho) (Cho & Saul 2009, k_1/2); erf:
    (2/pi) arcsin(2 K12 / sqrt((1+2K11)(1+2K22))) (Williams 1997). Exact (infinite width);
    with q1 = q2 and c = 1 it is the length map's iterate q^L.
    """
    with Precision(dps):
        _, ks = kernels(activation, depth, weight_variance, bias_variance, q1, q2, c, dps)
        return as_result(ks[-1][1], dps)


@quantity("correlation-map", ACTIVATION, DEPTH, WEIGHT_VARIANCE, BIAS_VARIANCE, Q1, Q2, COSINE, status="exact",
          verified="recomputed",
          citation="Poole, Lahiri, Raghu, Sohl-Dickstein & Ganguli (2016), NeurIPS, Sec. 2 (the correlation map "
                   "c^{l+1} = (sigma_w^2 E[phi(u1) phi(u2)] + sigma_b^2)/sqrt(q1^{l+1} q2^{l+1}), iterated)",
          examples=({"activation": "relu", "depth": 3, "weight_variance": 2.0, "c": 0.5},
                    {"activation": "tanh", "depth": 6, "weight_variance": 1.2, "bias_variance": 0.05, "c": 0.5},
                    {"activation": "erf", "depth": 4, "weight_variance": 1.5, "bias_variance": 0.1, "q2": 2.0,
                     "c": -0.3}))
def correlation_map(activation, depth, weight_variance, bias_variance=0.0, q1=1.0, q2=1.0, c=1.0, dps=None):
    """rho^L = K^L_12 / sqrt(K^L_11 K^L_22): correlation of two inputs' layer-L pre-activations.

    Poole et al. (2016): with q^l_a = K^l_aa the length map and c^l = rho^l the correlation, the
    correlation map c^{l+1} = (sigma_w^2 E[phi(u1) phi(u2)] + sigma_b^2)/sqrt(q^{l+1}_1 q^{l+1}_2),
    (u1, u2) ~ N(0, K^l), iterated L - 1 times from rho^1 = K^1_12/sqrt(K^1_11 K^1_22) (inputs of
    different lengths included: the lengths follow their own maps). The same recursion as
    ``nngp-kernel``, normalised. Exact (infinite width); in finite networks it is the limit of
    the mean of G_12/sqrt(G_11 G_22) (``meanfield-correlation-map``).
    """
    with Precision(dps):
        g, ks = kernels(activation, depth, weight_variance, bias_variance, q1, q2, c, dps)
        k11, k12, k22, _ = ks[-1]
        return as_result(k12 / g.N.sqrt(k11 * k22), dps)


_PARAM = Choice("parameterization", choices=("ntk", "standard"), default="ntk",
                doc="ntk: z = (sigma_w/sqrt(fan_in)) W h + sigma_b b, W, b ~ N(0,1) trained; "
                    "standard: W ~ N(0, sigma_w^2/fan_in), b ~ N(0, sigma_b^2) trained")
_WIDTH_STD = Int("width", lo=1, hi=10**9, default=None, doc="hidden width N (standard parameterisation only)")
_N0 = Int("input_dim", lo=1, hi=10**9, default=None, doc="n0 (standard parameterisation only)")


@quantity("ntk-kernel", ACTIVATION, DEPTH, WEIGHT_VARIANCE, BIAS_VARIANCE, Q1, Q2, COSINE, _PARAM, _WIDTH_STD, _N0,
          status="exact",
          verified="recomputed",
          citation="Jacot, Gabriel & Hongler (2018), NeurIPS, Thm 1; Arora et al. (2019), NeurIPS, "
                   "Sec. 3 (recursion; biases added as in Lee et al. 2019); standard parameterisation as in "
                   "neural-tangents stax.Dense (Novak et al. 2020)",
          examples=({"activation": "relu", "depth": 3, "weight_variance": 2.0, "c": 0.5},
                    {"activation": "tanh", "depth": 3, "weight_variance": 1.5, "bias_variance": 0.1, "c": 0.5},
                    {"activation": "erf", "depth": 4, "weight_variance": 2.0, "bias_variance": 0.1, "q2": 2.0,
                     "c": 0.2},
                    {"activation": "relu", "depth": 3, "weight_variance": 2.0, "bias_variance": 0.1, "c": 0.4,
                     "parameterization": "standard", "width": 256, "input_dim": 16}),
          status_by={"parameterization": {"standard": "asymptotic"}})
def ntk_kernel(activation, depth, weight_variance, bias_variance=0.0, q1=1.0, q2=1.0, c=1.0,
               parameterization="ntk", width=None, input_dim=None, dps=None):
    """Theta^L(x1, x2): the neural tangent kernel of the layer-L output (scalar output).

    NTK parameterisation (Jacot et al. 2018, Thm 1; Arora et al. 2019):
    Theta^1 = K^1, Theta^{l+1} = K^{l+1} + sigma_w^2 Kdot^{l+1} Theta^l with
    Kdot^{l+1} = E[phi'(u1) phi'(u2)], (u1, u2) ~ N(0, K^l); the width-independent limit of
    sum_theta df(x1)/dtheta df(x2)/dtheta. Standard parameterisation (trainable W ~
    N(0, sigma_w^2/fan_in), b ~ N(0, sigma_b^2)): the kernel grows with the widths, and its
    leading large-width value (as neural-tangents computes it) is
    Theta^1 = n0 q12 + 1, Theta^{l+1} = N (K^{l+1} - sigma_b^2)/sigma_w^2 + 1 +
    sigma_w^2 Kdot^{l+1} Theta^l, with q12 = c sqrt(q1 q2); it needs width and input_dim.
    Exact (infinite width).
    """
    if parameterization == "standard" and (width is None or input_dim is None):
        raise BadInput("width" if width is None else "input_dim", "(missing)",
                       "integer >= 1 (required with parameterization=standard)", "required")
    with Precision(dps):
        g, ks = kernels(activation, depth, weight_variance, bias_variance, q1, q2, c, dps)
        N = g.N
        sw, sb = N.num(weight_variance), N.num(bias_variance)
        if parameterization == "ntk":
            theta = ks[0][1]
            for k11, k12, k22, kd in ks[1:]:
                theta = k12 + sw * kd * theta
        else:
            theta = input_dim * N.num(c) * N.sqrt(N.num(q1) * N.num(q2)) + 1
            for (p11, p12, p22, _), (_, _, _, kd) in zip(ks, ks[1:]):
                # (K^{l+1}_12 - sigma_b^2)/sigma_w^2 is E[phi phi] under K^l: taken directly, since the
                # difference cancels log10(sigma_b^2/(sigma_w^2 E)) digits (3e-5 off at sigma_w^2 = 2e-12)
                theta = width * g.pp(p11, p22, p12) + 1 + sw * kd * theta
        return as_result(theta, dps)

