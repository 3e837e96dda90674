"""Infinite-width NNGP and NTK kernels (arc-cosine, erf) and the correlation map."""
from __future__ import annotations

import sympy as sp

from .._document import Result, derivation
from .common import (K, L, REFS, check_table, ell, erf_kernel, erf_kernel_d, q, relu_kernel, relu_kernel0,
                     sw)


_RELU3 = tuple({"activation": "relu", "depth": 3, "weight_variance": 2.0, "c": c} for c in (-0.7, 0.1, 0.5, 0.95))


def _linear_ntk_symbols(point):
    return {"L": point["depth"], "sigma_w^2": point["weight_variance"],
            "q_12": point["c"] * (point.get("q1", 1.0) * point.get("q2", 1.0)) ** 0.5}


@derivation("meanfield-kernels", title="Infinite-width NNGP and NTK kernels: arc-cosine, erf, and the NTK recursion",
            results=(
                Result("relu_nngp_depth3", "nngp-kernel", symbols={"c": "c"}, points=_RELU3),
                Result("relu_correlation_depth3", "correlation-map", symbols={"c": "c"}, points=_RELU3),
                Result("relu_ntk_depth3", "ntk-kernel", symbols={"c": "c"}, points=_RELU3),
                Result("linear_ntk", "ntk-kernel", symbols=_linear_ntk_symbols,
                       points=({"activation": "linear", "depth": 1, "weight_variance": 0.7, "c": 0.6},
                               {"activation": "linear", "depth": 4, "weight_variance": 1.3, "c": 0.6},
                               {"activation": "linear", "depth": 7, "weight_variance": 0.9, "q1": 2.0, "c": -0.2})),
                Result("relu_ntk_diag", "ntk-kernel", symbols=lambda p: {"L": p["depth"], "q": p["q1"]},
                       points=({"activation": "relu", "depth": 5, "weight_variance": 2.0, "q1": 1.7, "q2": 1.7,
                                "c": 1.0},
                               {"activation": "relu", "depth": 2, "weight_variance": 2.0, "q1": 0.5, "q2": 0.5,
                                "c": 1.0})),
            ),
            citation="Cho & Saul (2009); Williams (1997); Lee et al. (2018); Jacot et al. (2018); Arora et al. (2019)")
def build_kernels(doc):
    doc.abstract = ("The layer-to-layer kernel maps of a fully connected network in closed form for ReLU "
                    "(arc-cosine kernels) and erf, checked against quadrature and against each other by "
                    "Price's theorem; the NTK recursion and its closed forms for deep linear and critical "
                    "ReLU networks.")
    doc.assume("Normalisation: $K^1_{ab} = \\sigma_w^2 x_a\\cdot x_b/n_0 + \\sigma_b^2$, "
               "$K^{l+1}_{ab} = \\sigma_w^2 \\mathbb E[\\phi(u_a)\\phi(u_b)] + \\sigma_b^2$ with "
               "$(u_a, u_b) \\sim \\mathcal N(0, K^l)$; the network output is $z^L$ (one unit).")
    doc.assume("NTK parameterisation: $z^{l} = (\\sigma_w/\\sqrt{N_{l-1}}) W^l h^{l-1} + \\sigma_b b^l$ with "
               "$W, b \\sim \\mathcal N(0, 1)$ the trained parameters; $\\Theta = \\sum_\\theta "
               "\\partial_\\theta f(x_1)\\partial_\\theta f(x_2)$.")
    check_table(doc)
    a, b, r = sp.symbols("a b r", positive=True)
    doc.equal(sp.Derivative(relu_kernel(a, b, r), r), relu_kernel0(a, b, r),
              "Price's theorem ties the two ReLU rows: $\\partial_r$ of the degree-1 arc-cosine kernel is the "
              "degree-0 one.", ranges={r: (0.05, 0.3)})
    doc.equal(sp.Derivative(erf_kernel(a, b, r), r), erf_kernel_d(a, b, r),
              "Likewise for erf (Williams' kernel and its derivative kernel).", ranges={r: (0.05, 0.3)})
    doc.equal(sp.Subs(relu_kernel(a, b, r), (a, b, r), (q, q, q)), q / 2,
              "On the diagonal the arc-cosine kernel is $q/2$, the ReLU length map of ``meanfield-maps''.")
    doc.say("NTK recursion (Jacot et al. 2018, Thm 1; Arora et al. 2019, Sec. 3). Write "
            "$\\delta^l = \\partial f/\\partial z^l$. The parameters of layer $l$ contribute "
            "$(\\delta^l(x_1)\\cdot\\delta^l(x_2))\\,(\\sigma_w^2 h^{l-1}(x_1)\\cdot h^{l-1}(x_2)/N_{l-1} + \\sigma_b^2)$, "
            "and backpropagation $\\delta^{l-1} = \\phi'(z^{l-1}) \\odot (\\sigma_w/\\sqrt{N}) W^{lT}\\delta^l$ "
            "multiplies $\\delta\\cdot\\delta$ by $\\sigma_w^2 \\dot K^l$, $\\dot K^{l} = \\mathbb E[\\phi'(u_1)\\phi'(u_2)]$ "
            "under $K^{l-1}$, at infinite width. Summing layers: $\\Theta^1 = K^1$, "
            "$\\Theta^{l+1} = K^{l+1} + \\sigma_w^2 \\dot K^{l+1}\\Theta^l$.")
    q12 = sp.Symbol("q_12", positive=True)
    Kl = lambda l: sw**l * q12
    ntk_sum = sp.Sum(sw**(L - ell) * Kl(ell), (ell, 1, L))
    doc.equal(ntk_sum, L * sw**L * q12, "Deep linear, $\\sigma_b = 0$: $K^l = \\sigma_w^{2l} q_{12}$, "
              "$\\dot K = 1$, and the unrolled recursion $\\Theta^L = \\sum_l (\\sigma_w^2)^{L-l} K^l$ sums to")
    # critical relu: diagonal stays put, NTK grows linearly in depth
    doc.equal(2 * sp.Subs(relu_kernel(a, b, r), (a, b, r), (K, K, K)), K, "Critical ReLU ($\\sigma_w^2 = 2$, $\\sigma_b = 0$): the diagonal "
              "$K^l = K^1 = 2q$ is preserved ...")
    doc.equal(2 * sp.Subs(relu_kernel0(a, b, r), (a, b, r), (K, K, K)), 1, "... and $\\sigma_w^2 \\dot K = 1$ on the diagonal, so "
              "$\\Theta^L(x, x) = L K^1 = 2 L q$.")
    # explicit depth-3 relu kernels as functions of the input cosine
    c = sp.Symbol("c", positive=True)
    k = [2 * c]  # q1 = q2 = 1, sigma_w^2 = 2: K^1_11 = K^1_22 = 2
    kd = [None]
    for _ in range(2):
        kd.append(relu_kernel0(2, 2, k[-1]))
        k.append(2 * relu_kernel(2, 2, k[-1]))
    th = k[0]
    for l in (1, 2):
        th = k[l] + 2 * kd[l] * th
    rho2 = sp.Symbol("rho_2", positive=True)
    doc.equal(2 * sp.Subs(relu_kernel(a, b, r), (a, b, r), (2, 2, 2 * c)), sp.simplify(k[1]),
              "Depth 3, ReLU, $\\sigma_w^2 = 2$, $\\sigma_b = 0$, $q_1 = q_2 = 1$, input cosine $c$: with "
              "$k_1(a, b, r)$ the degree-1 arc-cosine kernel, the layer-2 kernel is",
              lhs_tex=r"K^2_{12} = 2k_1(2, 2, 2c)")
    doc.equal(2 * sp.Subs(relu_kernel(a, b, r), (a, b, r), (2, 2, 2 * rho2)), sp.simplify(2 * relu_kernel(2, 2, 2 * rho2)),
              "and, with $\\rho_2 = K^2_{12}/2$, the layer-3 kernel is", lhs_tex=r"K^3_{12} = 2k_1(2, 2, 2\rho_2)")
    doc.result("relu_nngp_depth3", k[2], "ReLU NNGP, depth 3, $\\sigma_w^2=2$, $q_1=q_2=1$, cosine $c$:",
               lhs="K^3_{12}(c)", rhs_tex=r"\frac{2}{\pi}\Bigl(\sqrt{1 - \rho_2^2} + (\pi - \arccos\rho_2)\rho_2\Bigr),"
               r"\quad \rho_2 = \frac{1}{\pi}\Bigl(\sqrt{1 - c^2} + (\pi - \arccos c)\,c\Bigr)")
    doc.result("relu_correlation_depth3", k[2] / 2, "Its correlation $\\rho^3 = K^3_{12}/K^3_{11}$ ($K^3_{11} = 2$, "
               "the preserved critical diagonal): the correlation map iterated twice,", lhs=r"\rho^3(c)",
               rhs_tex=r"\frac{1}{\pi}\Bigl(\sqrt{1 - \rho_2^2} + (\pi - \arccos\rho_2)\rho_2\Bigr)")
    doc.result("relu_ntk_depth3", th, "ReLU NTK (NTK parameterisation), same setting, with $\\chi^l = \\sigma_w^2\\dot K^l$: "
               "$\\chi^2 = 1 - \\arccos(c)/\\pi$, $\\chi^3 = 1 - \\arccos(\\rho_2)/\\pi$:", lhs=r"\Theta^3_{12}(c)",
               rhs_tex=r"K^3_{12} + \chi^3\bigl(K^2_{12} + 2c\,\chi^2\bigr)")
    doc.result("linear_ntk", L * sw**L * q12, "Deep linear NTK ($\\sigma_b = 0$):", lhs=r"\Theta^L_{12}")
    doc.result("relu_ntk_diag", 2 * L * q, "Critical ReLU NTK on the diagonal:", lhs=r"\Theta^L(x, x)")
    doc.references = REFS[:1] + REFS[2:7]


