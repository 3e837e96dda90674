"""Fluctuation exponents of the empirical NNGP kernel and NTK."""
from __future__ import annotations

import sympy as sp

from .._document import Result, derivation
from .common import REFS


@derivation("meanfield-fluctuations",
            title="Fluctuation exponents of the empirical NNGP kernel and NTK at finite width",
            results=(Result("nngp_exponent", "nngp-fluctuation-exponent",
                            points=({"activation": "relu", "depth": 5, "weight_variance": 2.0, "c": 0.5},
                                    {"activation": "tanh", "depth": 2, "weight_variance": 1.5, "c": 0.5})),
                     Result("ntk_exponent", "ntk-fluctuation-exponent",
                            points=({"activation": "relu", "depth": 3, "weight_variance": 2.0, "c": 0.5},))),
            citation="Roberts, Yaida & Hanin (2022), Ch. 4; Hanin & Nica (2019), arXiv:1909.05989")
def build_fluctuations(doc):
    doc.abstract = ("The standard deviation over random width-$N$ networks of the empirical NNGP kernel (the "
                    "output covariance given the network) and of the empirical NTK falls as $N^{-1/2}$ at fixed "
                    "depth: both variances are $A/N + O(1/N^2)$ with $A > 0$. The exponent, and the form "
                    "$\\ln \\mathrm{SD} = a + p\\ln N + d/N$ the checks fit, follow.")
    doc.assume("Fixed depth $L \\ge 2$, all hidden widths $N$, $W \\sim \\mathcal N(0, \\sigma_w^2/N)$, "
               "$b \\sim \\mathcal N(0, \\sigma_b^2)$; a non-constant activation.")
    n = sp.Symbol("n", positive=True, integer=True)
    s2 = sp.Symbol("s^2", positive=True)
    doc.say("Empirical NNGP kernel: $G^{L-1}_{12} = \\sigma_b^2 + \\frac{\\sigma_w^2}{N}\\sum_{j=1}^N "
            "\\phi(z_{j;1})\\phi(z_{j;2})$. At $L = 2$ the $N$ terms are i.i.d. (layer 1 is Gaussian with the "
            "deterministic $K^1$), so its variance is that of a mean of $N$ i.i.d. terms of variance $s^2 = "
            "\\mathrm{Var}(\\phi(u_1)\\phi(u_2))$:")
    i = sp.Symbol("i", integer=True)
    doc.equal(sp.Sum(s2, (i, 1, n)) / n**2, s2 / n, "$\\mathrm{Var}(\\frac1N\\sum_j X_j) = N s^2/N^2$ "
              "(independent terms: the covariances vanish),", numeric_only=False)
    doc.say("and at any fixed depth the law of total variance gives $N\\,\\mathrm{Var}(G^{L-1}_{12}) = "
            "V^L_{(12)(12)} + O(1/N)$, the four-point vertex of \\texttt{meanfield-four-point-two-inputs} "
            "(RYH 2022, Ch. 4), with $V^L_{(12)(12)} \\ge \\sigma_w^4 C_{(12)(12)}(K^{L-1}) > 0$. So "
            "$\\mathrm{Var} = A/N + B/N^2 + O(1/N^3)$ with $A > 0$.")
    A, B = sp.symbols("A B", positive=True)
    N_ = sp.Symbol("N", positive=True)
    log_sd = sp.log(sp.sqrt(A / N_ + B / N_**2))
    slope = sp.simplify(N_ * sp.diff(log_sd, N_))
    doc.equal(N_ * sp.Derivative(log_sd, N_), -(A * N_ + 2 * B) / (2 * (A * N_ + B)),
              "The local exponent $p(N) = d\\ln\\mathrm{SD}/d\\ln N$ of $\\mathrm{SD} = \\sqrt{A/N + B/N^2}$ is")
    p_nngp = sp.limit(slope, N_, sp.oo)
    doc.equal(sp.Limit(-(A * N_ + 2 * B) / (2 * (A * N_ + B)), N_, sp.oo), p_nngp,
              "and its limit (SymPy) is")
    eps = sp.Symbol("epsilon", positive=True)
    expansion = sp.series(sp.log(sp.sqrt(A * eps + B * eps**2)), eps, 0, 2).removeO()
    doc.equal(expansion, sp.log(A) / 2 + sp.log(eps) / 2 + B * eps / (2 * A),
              "With $\\epsilon = 1/N$: $\\ln\\mathrm{SD} = \\tfrac12\\ln A - \\tfrac12\\ln N + "
              "\\frac{B}{2A}\\frac1N + O(1/N^2)$ (SymPy's series; $\\operatorname{T}_1$ keeps the terms up to first order in "
              "$\\epsilon$, here with $\\ln\\epsilon$), the model $a + p\\ln N + d/N$ the check fits, with $p = -1/2$.",
              lhs_tex=r"\operatorname{T}_1\bigl[\ln\sqrt{A\epsilon + B\epsilon^2}\bigr]")
    doc.result("nngp_exponent", p_nngp, "Fluctuation exponent of the empirical NNGP kernel:",
               lhs=r"p_{\mathrm{NNGP}}")
    doc.say("Empirical NTK (NTK parameterisation): $\\Theta_{12} = \\sum_l (\\delta^l_1\\cdot\\delta^l_2)"
            "(\\sigma_w^2 h^{l-1}_1\\cdot h^{l-1}_2/N + \\sigma_b^2)$, each factor an average over $N$ units that "
            "concentrates at rate $N^{-1/2}$, so again $\\mathrm{Var}(\\Theta_{12}) = A'/N + O(1/N^2)$. Hanin \\& "
            "Nica (2019) compute it for ReLU on the diagonal: $\\mathbb E[\\Theta^2]/\\mathbb E[\\Theta]^2 = "
            "e^{5L/N}$ up to $O(1/N)$ corrections, so")
    Ld = sp.Symbol("L", positive=True)
    rel_var = sp.exp(5 * Ld * eps) - 1
    doc.equal(sp.series(rel_var, eps, 0, 2).removeO(), 5 * Ld * eps,
              "$\\mathrm{Var}(\\Theta)/\\mathbb E[\\Theta]^2 = e^{5L/N} - 1 = 5L/N + O(1/N^2)$: $A' = 5L\\,"
              "\\mathbb E[\\Theta]^2 > 0$,", lhs_tex=r"\operatorname{T}_1\bigl[e^{5L\epsilon} - 1\bigr]")
    p_ntk = sp.limit(N_ * sp.diff(sp.log(sp.sqrt(sp.exp(5 * Ld / N_) - 1)), N_), N_, sp.oo)
    doc.equal(sp.Limit(N_ * sp.Derivative(sp.log(sp.sqrt(sp.exp(5 * Ld / N_) - 1)), N_), N_, sp.oo), p_ntk,
              "and the exponent of $\\sqrt{e^{5L/N} - 1}$ at large $N$ (SymPy's limit) is")
    doc.result("ntk_exponent", p_ntk, "Fluctuation exponent of the empirical NTK:", lhs=r"p_{\mathrm{NTK}}")
    doc.references = [REFS[7], "B. Hanin, M. Nica (2019). Finite depth and width corrections to the neural tangent "
                      "kernel. arXiv:1909.05989 (ICLR 2020)."]
