"""The four-point vertex for one and for two inputs, and the exact finite-width kurtosis."""
from __future__ import annotations

import sympy as sp

from .._document import Result, derivation
from .._layout import latex
from .common import (K, L, N, REFS, ell, erf_kernel, gauss, gauss_integral, relu_kernel, relu_kernel0, sw,
                     z)


_KURTOSIS_LN = {"L": "depth", "N": "width"}
_LINEAR_LN = tuple({"activation": "linear", "depth": L, "width": N, "weight_variance": 1.3}
                   for L, N in ((2, 8), (5, 16), (10, 128)))
_RELU_LN = tuple({"activation": "relu", "depth": L, "width": N, "weight_variance": 2.0}
                 for L, N in ((2, 8), (5, 16), (10, 128)))


@derivation("meanfield-four-point", title="The four-point vertex: excess kurtosis of pre-activations at finite width",
            results=(
                Result("linear_kurtosis_exact", "finite-width-kurtosis-exact", symbols=_KURTOSIS_LN, points=_LINEAR_LN),
                Result("relu_kurtosis_exact", "finite-width-kurtosis-exact", symbols=_KURTOSIS_LN, points=_RELU_LN),
                Result("linear_kurtosis_leading", "finite-width-kurtosis", symbols=_KURTOSIS_LN, points=_LINEAR_LN),
                Result("relu_kurtosis_leading", "finite-width-kurtosis", symbols=_KURTOSIS_LN, points=_RELU_LN),
            ),
            citation="Roberts, Yaida & Hanin (2022), Ch. 4-5")
def build_four_point(doc):
    doc.abstract = ("The leading $1/N$ correction to the Gaussian pre-activation distribution of a deep "
                    "random network: the recursion for the four-point vertex $V^l$ (Roberts, Yaida \\& Hanin "
                    "2022) derived from the exact layer-to-layer conditioning, its closed forms for deep "
                    "linear and ReLU networks, and the exact finite-$N$ kurtosis of those two, whose "
                    "expansion in $1/N$ reproduces the vertex.")
    doc.assume("One input; hidden widths all equal $N$; $W \\sim \\mathcal N(0, \\sigma_w^2/N)$, "
               "$b \\sim \\mathcal N(0, \\sigma_b^2)$; $G^0 = K^1 = \\sigma_w^2 q + \\sigma_b^2$ deterministic.")
    doc.say("Exact conditioning. Given layer $l$, the pre-activations $z^{l+1}_i$ are i.i.d. "
            "$\\mathcal N(0, G^l)$ with $G^l = \\sigma_b^2 + \\frac{\\sigma_w^2}{N}\\sum_j \\phi(z^l_j)^2$. Hence "
            "$\\mathbb E[z^4] = 3\\mathbb E[(G^l)^2]$ and the excess kurtosis of $z^{l+1}$ is "
            "$3\\,\\mathrm{Var}(G^l)/\\mathbb E[G^l]^2$.")
    doc.say("Law of total variance: $\\mathrm{Var}(G^l) = \\frac{\\sigma_w^4}{N}\\mathbb E[\\mathrm{Var}_{G^{l-1}}"
            "(\\phi^2)] + \\mathrm{Var}(\\mathcal L(G^{l-1}))$ with $\\mathcal L(g) = \\sigma_w^2 \\mathbb E_g[\\phi^2] + "
            "\\sigma_b^2$. To leading order in $1/N$, linearise $\\mathcal L$ about $K^l$: with "
            "$V^{l+1} := N\\,\\mathrm{Var}(G^l)$ and $\\chi_\\parallel = \\mathcal L'(K^l) = \\sigma_w^2 "
            "\\mathbb E[\\phi'^2 + \\phi\\phi'']$ (Stein), $V^{l+1} = \\sigma_w^4 \\mathrm{Var}_{K^l}(\\phi^2) + "
            "\\chi_\\parallel^2 V^l$, $V^1 = 0$, and kurtosis $= 3V^l/(N (K^l)^2) + O(1/N^2)$ (RYH 2022, "
            "Ch. 4, specialised to one input).")
    u = sp.sqrt(K) * z
    var_lin = gauss(u**4) - gauss(u**2) ** 2
    doc.equal(gauss_integral(u**4) - gauss_integral(u**2) ** 2, var_lin, "Linear: the Gaussian variance of $u^2$ (SymPy).")
    relu4 = sp.integrate(u**4 * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, 0, sp.oo))
    relu2 = sp.integrate(u**2 * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, 0, sp.oo))
    var_relu = relu4 - relu2**2
    var_relu = sp.factor(var_relu)
    doc.equal(sp.Integral(u**4 * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, 0, sp.oo))
              - sp.Integral(u**2 * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, 0, sp.oo)) ** 2, var_relu, "ReLU (SymPy).")
    # induction: V^l = a (l-1) K_l^2 solves the recursion
    l = ell
    for name, var, chi, kmap, coef in (("linear", var_lin, sw, sw, 2), ("relu", var_relu, sw / 2, sw / 2, 5)):
        lhs = sp.Add(sw**2 * var, chi**2 * coef * (l - 1) * K**2, evaluate=False)
        doc.equal(lhs, sp.factor(coef * l * (kmap * K) ** 2),
                  f"{name.capitalize()}, $\\sigma_b = 0$: the ansatz $V^l = {coef}(l-1)(K^l)^2$ solves the recursion "
                  f"(induction step, $K^{{l+1}} = {latex(kmap)} K^l$), so the leading kurtosis is "
                  f"${3 * coef}(L-1)/N$.")
    doc.say("Exact finite-$N$ law for the positively homogeneous activations: "
            "$\\sum_j \\phi(z_j)^2 = G^{l-1} X$ with $X \\sim \\chi^2_N$ (linear) or $X \\sim \\chi^2_k$, "
            "$k \\sim \\mathrm{Binomial}(N, 1/2)$ (ReLU: only the positive pre-activations count), "
            "independent of $G^{l-1}$. Moments: $\\mathbb E[\\chi^2_k] = k$, $\\mathbb E[(\\chi^2_k)^2] = k^2 + 2k$.")
    kk = sp.Symbol("k", integer=True, nonnegative=True)
    binom_m1 = sp.Sum(sp.binomial(N, kk) * kk / 2**N, (kk, 0, N))
    binom_m2 = sp.Sum(sp.binomial(N, kk) * (kk**2 + 2 * kk) / 2**N, (kk, 0, N))
    doc.equal(binom_m1, N / 2, "ReLU: $\\mathbb E[X] = N/2$ (checked at integer $N$) ...", ranges={N: (1, 12)},
              numeric_only=True)
    doc.equal(binom_m2, N**2 / 4 + sp.Rational(5, 4) * N, "... and $\\mathbb E[X^2] = N^2/4 + 5N/4$.",
              ranges={N: (1, 12)}, numeric_only=True)
    doc.say("So $G^l = \\sigma_b^2 + \\sigma_w^2 G^{l-1} X/N$ with $a = \\mathbb E[X/N]$ and $b = \\mathbb E[(X/N)^2]$: "
            "$(a, b) = (1, 1 + 2/N)$ for linear and $(1/2, (1 + 5/N)/4)$ for ReLU, and the first two moments "
            "obey $m_1' = \\sigma_b^2 + \\sigma_w^2 a m_1$, $m_2' = \\sigma_b^4 + 2\\sigma_b^2\\sigma_w^2 a m_1 + "
            "\\sigma_w^4 b m_2$: exact at every width.")
    eps = sp.Symbol("epsilon", positive=True)
    kurt = {}
    for name, aa, bb in (("linear", 1, 1 + 2 / N), ("relu", sp.Rational(1, 2), (1 + 5 / N) / 4)):
        ratio = (bb / aa**2) ** (L - 1)
        kurt[name] = 3 * ratio - 3
        doc.equal(3 * ((sw**2 * bb) ** (L - 1)) / ((sw * aa) ** (L - 1)) ** 2 - 3, kurt[name],
                  f"{name.capitalize()}, $\\sigma_b = 0$: $m_2/m_1^2 = (b/a^2)^{{L-1}}$, so the exact kurtosis is")
        coef1 = sp.Subs(sp.Derivative(kurt[name].subs(N, 1 / eps), eps), eps, 0)
        doc.equal(coef1, sp.factor(3 * (2 if name == "linear" else 5) * (L - 1)),
                  "Its first-order Taylor coefficient in $\\epsilon = 1/N$ reproduces the four-point vertex "
                  "at leading order; the residual is $O(1/N^2)$.", ranges={L: (1, 12)})
        doc.result(f"{name}_kurtosis_exact", kurt[name], f"{name.capitalize()} ($\\sigma_b=0$), exact:",
                   lhs=r"\kappa_4(z^L)")
        doc.result(f"{name}_kurtosis_leading", 3 * (2 if name == "linear" else 5) * (L - 1) / N,
                   f"{name.capitalize()} ($\\sigma_b=0$), leading order $3V^L/(N (K^L)^2)$:",
                   lhs=r"\kappa_4(z^L)")
    doc.references = REFS[7:]


# ----------------------------------------------------------------------------- two inputs
def _isserlis4(k, a, b, c, d):
    """E[u_a u_b u_c u_d] for u ~ N(0, k) (k: symmetric 2 x 2 SymPy matrix)."""
    return k[a, b] * k[c, d] + k[a, c] * k[b, d] + k[a, d] * k[b, c]


@derivation("meanfield-four-point-two-inputs",
            title="The two-input four-point vertex: co-kurtosis of two inputs' pre-activations at finite width",
            results=(Result("linear_cross_kurtosis_leading", "finite-width-cross-kurtosis",
                            symbols=lambda p: {"L": p["depth"], "N": p["width"],
                                               "rho": p["q12"] / (p["q11"] * p["q22"]) ** 0.5},
                            points=tuple({"activation": "linear", "depth": L, "width": N, "weight_variance": sw,
                                          "q11": a, "q12": b, "q22": d}
                                         for L, N, sw, a, b, d in ((2, 8, 1.0, 1.0, 0.5, 1.0),
                                                                   (4, 16, 1.3, 1.5, -0.6, 2.0),
                                                                   (9, 100, 0.8, 1.0, 0.0, 1.0)))),),
            citation="Roberts, Yaida & Hanin (2022), Ch. 4")
def build_four_point_two_inputs(doc):
    doc.abstract = ("The leading $1/N$ connected four-point function of one neuron's pre-activations on two "
                    "inputs: the recursion for the vertex $V_{(ab)(cd)}$ (Roberts, Yaida \\& Hanin 2022, Ch. 4) "
                    "in delta-method form, the factor of the off-diagonal kernel derivative, its reduction to "
                    "the one-input vertex when $x_1 = x_2$, and an exact check for deep linear networks "
                    "(Wishart moments), whose $1/N$ expansion reproduces the vertex.")
    doc.assume("Two inputs with $q_{ab} = x_a\\cdot x_b/n_0$; hidden widths all equal $N$; "
               "$W \\sim \\mathcal N(0, \\sigma_w^2/N)$, $b \\sim \\mathcal N(0, \\sigma_b^2)$; "
               "$G^0 = K^1$, $K^1_{ab} = \\sigma_b^2 + \\sigma_w^2 q_{ab}$, deterministic. Pairs $(ab) \\in "
               "\\{11, 12, 22\\}$; $K$ is a symmetric matrix with independent entries $K_{11}, K_{12}, K_{22}$.")
    doc.say("Exact conditioning. Given layer $l$, the vectors $(z^{l+1}_{i;1}, z^{l+1}_{i;2})$ are i.i.d. over "
            "$i$, $\\mathcal N(0, G^l)$ with $G^l_{ab} = \\sigma_b^2 + \\frac{\\sigma_w^2}{N}\\sum_j "
            "\\phi(z^l_{j;a})\\phi(z^l_{j;b})$. Hence (Isserlis given $G$) $\\mathbb E[z_a z_b z_c z_d] = "
            "\\mathbb E[G_{ab}G_{cd} + G_{ac}G_{bd} + G_{ad}G_{bc}]$, and the connected part is "
            "$\\mathrm{Cov}(G_{ab}, G_{cd}) + \\mathrm{Cov}(G_{ac}, G_{bd}) + \\mathrm{Cov}(G_{ad}, G_{bc})$: "
            "with $V^{l+1}_{(ab)(cd)} := N\\,\\mathrm{Cov}(G^l_{ab}, G^l_{cd})$ at leading order this is the "
            "defining relation $(V_{(ab)(cd)} + V_{(ac)(bd)} + V_{(ad)(bc)})/N$.")
    doc.say("Law of total covariance. Given $G^{l-1}$, $G^l_{ab}$ is a mean of $N$ i.i.d. terms, so "
            "$N\\,\\mathrm{Cov}(G^l_{ab}, G^l_{cd}) = \\sigma_w^4\\,\\mathbb E[\\mathrm{Cov}_{G^{l-1}}(\\phi_a\\phi_b, "
            "\\phi_c\\phi_d)] + N\\,\\mathrm{Cov}(\\mathcal K_{ab}(G^{l-1}), \\mathcal K_{cd}(G^{l-1}))$ with "
            "$\\mathcal K_{ab}(g) = \\sigma_b^2 + \\sigma_w^2\\mathbb E_{u\\sim\\mathcal N(0,g)}[\\phi(u_a)\\phi(u_b)]$. "
            "$G^{l-1} - K^{l-1} = O(N^{-1/2})$ in distribution and its mean is $K^{l-1} + O(1/N)$, so the first "
            "term is $\\sigma_w^4\\mathrm{Cov}_{K^{l-1}}(\\cdot) + O(1/N)$ and, linearising $\\mathcal K$ about $K^{l-1}$ "
            "(delta method; the quadratic remainder contributes $O(1/N^2)$ to the covariance), the second is "
            "$\\sum_{(ef),(gh)} J_{(ab)(ef)} J_{(cd)(gh)} V^{l-1}_{(ef)(gh)} + O(1/N)$ with "
            "$J_{(ab)(ef)} = \\partial\\mathcal K_{ab}/\\partial K_{ef}$, the pair sum over the three independent "
            "entries. So $V^{l+1} = \\sigma_w^4 C(K^l) + J V^l J^T$, $V^1 = 0$ (RYH 2022, Ch. 4).")
    k11, k22 = sp.symbols("K_11 K_22", positive=True)
    k12 = sp.Symbol("K_12", real=True)
    km = sp.Matrix([[k11, k12], [k12, k22]])
    doc.say("The derivative with independent entries (Price's theorem): $\\partial_{K_{11}}\\mathbb E[F] = "
            "\\frac12\\mathbb E[\\partial_1^2 F]$ but $\\partial_{K_{12}}\\mathbb E[F] = \\mathbb E[\\partial_1\\partial_2 F]$ "
            "(no $\\frac12$: $K_{12}$ sits twice in the matrix). Checked on polynomials, whose Gaussian moments "
            "are Isserlis' sums:")
    u1, u2 = sp.symbols("u_1 u_2", real=True)
    e_u1sq_u2sq = _isserlis4(km, 0, 0, 1, 1)
    doc.equal(sp.Derivative(e_u1sq_u2sq, k12), 4 * k12,
              "$F = u_1^2u_2^2$: $\\partial_{K_{12}}(K_{11}K_{22} + 2K_{12}^2)$ equals "
              "$\\mathbb E[\\partial_1\\partial_2 F] = 4\\mathbb E[u_1u_2]$;")
    doc.equal(sp.Derivative(e_u1sq_u2sq, k11), k22,
              "and $\\partial_{K_{11}}$ equals $\\frac12\\mathbb E[\\partial_1^2F] = \\frac12\\mathbb E[2u_2^2]$;")
    e_u13_u2 = _isserlis4(km, 0, 0, 0, 1)
    doc.equal(sp.Derivative(e_u13_u2, k12), 3 * k11,
              "$F = u_1^3u_2$: $\\partial_{K_{12}}(3K_{11}K_{12}) = \\mathbb E[3u_1^2]$.")
    relu_k = relu_kernel(k11, k22, k12)
    det = k11 * k22 - k12**2
    relu_e = r"\mathbb E[\mathrm{relu}(u_1)\mathrm{relu}(u_2)]"
    doc.equal(sp.Derivative(relu_k, k11), sp.sqrt(det) / (4 * sp.pi * k11),
              "ReLU: $J_{(12)(11)}/\\sigma_w^2 = \\partial_{K_{11}}$ of the arc-cosine kernel $= \\frac12\\mathbb E"
              "[\\delta(u_1)\\mathrm{relu}(u_2)]$", lhs_tex=r"\frac{\partial}{\partial K_{11}}" + relu_e, ranges={k11: (0.5, 2), k22: (0.5, 2), k12: (-0.4, 0.4)})
    doc.equal(sp.Derivative(relu_k, k12), relu_kernel0(k11, k22, k12),
              "and $J_{(12)(12)}/\\sigma_w^2 = \\partial_{K_{12}}$ of it $= \\mathbb E[\\Theta(u_1)\\Theta(u_2)]$ "
              "(factor 1).", lhs_tex=r"\frac{\partial}{\partial K_{12}}" + relu_e, ranges={k11: (0.5, 2), k22: (0.5, 2), k12: (-0.4, 0.4)})
    al, th = sp.symbols("alpha theta", real=True)
    j31 = (3 * sp.sin(th) - sp.sin(th)**3 + 3 * (sp.pi - th) * sp.cos(th)) / (2 * sp.pi)
    j22 = (3 * sp.sin(th) * sp.cos(th) + (sp.pi - th) * (1 + 2 * sp.cos(th)**2)) / (2 * sp.pi)
    for (m_, n_), jj in (((3, 1), j31), ((2, 2), j22)):
        integ = sp.Integral(sp.cos(al)**m_ * sp.cos(al - th)**n_, (al, th - sp.pi / 2, sp.pi / 2))
        doc.equal(8 / (2 * sp.pi) * integ, jj,
                  f"ReLU fourth moments, polar coordinates ($\\mathbb E[r^4] = 8$, $\\cos\\theta = \\rho$): "
                  f"$\\mathbb E[\\mathrm{{relu}}(u_1)^{m_}\\mathrm{{relu}}(u_2)^{n_}]/{'(K_{11}^{3/2}K_{22}^{1/2})' if m_ == 3 else '(K_{11}K_{22})'}$ "
                  f"is", ranges={th: (0.05, 3.0)})
        doc.equal(sp.Subs(jj, th, 0), sp.Rational(3, 2),
                  "At $\\theta = 0$ it is $\\mathbb E[\\mathrm{relu}^4]/K^2$:")
    doc.say("Reduction to one input. If $x_1 = x_2$, every $K^l_{ab} = K^l$ and, by induction, every "
            "$V^l_{(ab)(cd)} = V^l$ (every fourth moment of $(\\phi(u_1), \\phi(u_2))$ is $\\mathbb E[\\phi^4]$, so "
            "$C_{(ab)(cd)} = \\mathrm{Var}_K(\\phi^2)$). The row sums of $J$ are then the total derivative "
            "$\\sigma_w^2\\,\\frac{d}{dK}\\mathbb E_K[\\phi^2] = \\chi_\\parallel$ (chain rule along $K_{11} = K_{12} = "
            "K_{22} = K$), so $(JVJ^T)_{(ab)(cd)} = \\chi_\\parallel^2 V$: the one-input recursion of "
            "\\texttt{meanfield-four-point}. Checked on the erf kernel:")
    kk = sp.Symbol("K", positive=True)
    erf_k = erf_kernel(k11, k22, k12)
    rowsum = sp.Subs(sp.Add(*(sp.Derivative(erf_k, x) for x in (k11, k12, k22)), evaluate=False),
                     (k11, k12, k22), (kk, kk, kk))
    doc.equal(rowsum, sp.simplify(sp.diff(erf_kernel(kk, kk, kk), kk)),
              "erf: $(\\partial_{K_{11}} + \\partial_{K_{12}} + \\partial_{K_{22}})\\mathbb E[\\mathrm{erf}\\,\\mathrm{erf}]$ "
              "on the diagonal $= \\frac{d}{dK}\\mathbb E_K[\\mathrm{erf}^2]$.",
              lhs_tex=r"\Bigl(\frac{\partial}{\partial K_{11}} + \frac{\partial}{\partial K_{12}} + "
                      r"\frac{\partial}{\partial K_{22}}\Bigr)\frac{2}{\pi}\arcsin\frac{2K_{12}}{\sqrt{(1 + 2K_{11})"
                      r"(1 + 2K_{22})}}\Bigr|_{K_{ab} = K}")
    doc.say("For ReLU the row sum on the diagonal is $0 + \\frac12 + 0$ ($\\sqrt{\\det K} = 0$), the one-input "
            "$\\chi_\\parallel/\\sigma_w^2 = \\frac12$.")
    # ---- linear, Wishart
    doc.say("Deep linear networks, $\\sigma_b = 0$: exact. Given $G^{l-1}$, $G^l = \\frac{\\sigma_w^2}{N}W$ with "
            "$W = \\sum_{j=1}^N y_jy_j^T \\sim \\mathrm{Wishart}_2(N, G^{l-1})$. Isserlis over the pairs $j = k$ "
            "and $j \\ne k$ gives the Wishart second moment")
    gab, gcd, gac, gbd, gad, gbc = sp.symbols("G_ab G_cd G_ac G_bd G_ad G_bc", real=True)
    doc.equal(N * (N - 1) * gab * gcd + N * (gab * gcd + gac * gbd + gad * gbc),
              N**2 * gab * gcd + N * (gac * gbd + gad * gbc),
              "$\\mathbb E[W_{ab}W_{cd}] = \\sum_{j\\ne k}G_{ab}G_{cd} + \\sum_j \\mathbb E[y_{ja}y_{jb}y_{jc}y_{jd}]$")
    doc.say("so $M^l_{abcd} := \\mathbb E[G^l_{ab}G^l_{cd}]$ obeys $M^l = \\sigma_w^4(M^{l-1} + S M^{l-1}/N)$, "
            "$(SM)_{abcd} = M_{acbd} + M_{adbc}$. On $A = K_{ab}K_{cd}$, $B = K_{ac}K_{bd} + K_{ad}K_{bc}$ "
            "($K = K^1$): $SA = B$, $SB = 2A + B$, checked entrywise:")
    perm = lambda T, a, b, c, d: T(a, c, b, d) + T(a, d, b, c)
    A = lambda a, b, c, d: km[a, b] * km[c, d]
    B = lambda a, b, c, d: km[a, c] * km[b, d] + km[a, d] * km[b, c]
    for i in ((0, 0, 0, 0), (0, 0, 0, 1), (0, 0, 1, 1), (0, 1, 0, 1), (0, 1, 1, 1), (1, 1, 1, 1)):
        a, b, c, d = i
        tag = "".join(str(x + 1) for x in i)
        t1, t2 = "".join(str(x + 1) for x in (a, c, b, d)), "".join(str(x + 1) for x in (a, d, b, c))
        doc.chain(f"$(SA)_{{{tag}}}$ and $(SB)_{{{tag}}}$:",
                  (f"(SA)_{{{tag}}} = A_{{{t1}}} + A_{{{t2}}}", perm(A, *i)),
                  (latex(sp.Add(A(a, c, b, d), A(a, d, b, c), evaluate=False)), perm(A, *i)),
                  (f"B_{{{tag}}}", B(*i)))
        doc.chain("",
                  (f"(SB)_{{{tag}}} = B_{{{t1}}} + B_{{{t2}}}", perm(B, *i)),
                  (latex(sp.Add(B(a, c, b, d), B(a, d, b, c), evaluate=False)), perm(B, *i)),
                  (latex(sp.expand(perm(B, *i))), perm(B, *i)),
                  (f"2A_{{{tag}}} + B_{{{tag}}}", 2 * A(*i) + B(*i)))
    l = ell
    alpha = lambda n: (sp.Rational(1, 3) * (1 + 2 / N)**n + sp.Rational(2, 3) * (1 - 1 / N)**n)
    beta = lambda n: sp.Rational(1, 3) * ((1 + 2 / N)**n - (1 - 1 / N)**n)
    # M^l = sw^(2l) (alpha_l A + beta_l B): recursion (alpha, beta) -> (alpha + 2 beta/N, beta + (alpha + beta)/N)
    doc.equal(alpha(l) + 2 * beta(l) / N, alpha(l + 1), lhs_tex=r"\alpha_\ell + \frac{2\beta_\ell}{N}", text=
              "Writing $M^l = \\sigma_w^{4l}(\\alpha_l A + \\beta_l B)$ with $\\alpha_l = \\frac13(1+\\frac2N)^l + "
              "\\frac23(1-\\frac1N)^l$, $\\beta_l = \\frac13[(1+\\frac2N)^l - (1-\\frac1N)^l]$ "
              "($\\alpha_0 = 1$, $\\beta_0 = 0$; eigenvalues $2, -1$ of $S$): $\\alpha_l + 2\\beta_l/N = \\alpha_{l+1}$",
              ranges={N: (1, 50), l: (0, 20)})
    doc.equal(beta(l) + (alpha(l) + beta(l)) / N, beta(l + 1), lhs_tex=r"\beta_\ell + \frac{\alpha_\ell + \beta_\ell}{N}", text="and $\\beta_l + (\\alpha_l + \\beta_l)/N = \\beta_{l+1}$.",
              ranges={N: (1, 50), l: (0, 20)})
    rho = sp.Symbol("rho", real=True)
    # cross-kurtosis at layer L: [Cov(G11,G22) + 2 Var(G12)] / (K11 K22), Cov = sw^(4l)((alpha - 1) A + beta B)
    a1122, b1122 = k11 * k22, 2 * k12**2
    a1212, b1212 = k12**2, k11 * k22 + k12**2
    stat = (((alpha(L - 1) - 1) * (a1122 + 2 * a1212) + beta(L - 1) * (b1122 + 2 * b1212)) / (k11 * k22))
    exact = (1 + 2 * rho**2) * ((1 + 2 / N)**(L - 1) - 1)
    doc.equal(stat.subs(k12, rho * sp.sqrt(k11 * k22)), exact,
              "Exact co-kurtosis of $z^L$, $\\mathbb E[z_1^2z_2^2]_{\\rm conn}/(K_{11}K_{22}) = "
              "[\\mathrm{Cov}(G_{11}, G_{22}) + 2\\mathrm{Var}(G_{12})]/(K_{11}K_{22})$ at $l = L-1$, with "
              "$\\rho = K_{12}/\\sqrt{K_{11}K_{22}}$ (unchanged by linear layers):", ranges={N: (1, 50), L: (1, 20)})
    eps = sp.Symbol("epsilon", positive=True)
    lead = (L - 1) * (2 + 4 * rho**2) * eps
    doc.equal(sp.Subs(sp.Derivative(exact.subs(N, 1 / eps), eps), eps, 0), (L - 1) * (2 + 4 * rho**2),
              "Its first-order coefficient in $\\epsilon = 1/N$:", ranges={L: (1, 12)})
    doc.say("The vertex recursion for linear $\\phi$: $J = \\sigma_w^2 I$ and $C_{(ab)(cd)} = K_{ac}K_{bd} + "
            "K_{ad}K_{bc} = B$ (Isserlis), so $V^{l+1} = \\sigma_w^4 B^l + \\sigma_w^4 V^l$ and $V^L = (L-1)B^L$ "
            "(induction, $B^{l+1} = \\sigma_w^4 B^l$). The entries it needs:")
    cov_lin = lambda a, b, c, d: _isserlis4(km, a, b, c, d) - km[a, b] * km[c, d]
    doc.chain("The entries $C_{(11)(22)}$ and $C_{(12)(12)}$ equal $B_{(11)(22)}$ and $B_{(12)(12)}$:",
              (r"C_{(11)(22)} = \mathbb E[u_1^2u_2^2] - K_{11}K_{22}", cov_lin(0, 0, 1, 1)),
              (latex(sp.Add(_isserlis4(km, 0, 0, 1, 1), -k11 * k22, evaluate=False)), cov_lin(0, 0, 1, 1)),
              (latex(b1122), b1122))
    doc.chain("",
              (r"C_{(12)(12)} = \mathbb E[u_1u_2u_1u_2] - K_{12}^2", cov_lin(0, 1, 0, 1)),
              (latex(sp.Add(_isserlis4(km, 0, 1, 0, 1), -k12**2, evaluate=False)), cov_lin(0, 1, 0, 1)),
              (latex(b1212), b1212))
    vertex = (L - 1) * (b1122 + 2 * b1212) / (N * k11 * k22)
    doc.equal(vertex.subs(k12, rho * sp.sqrt(k11 * k22)), lead.subs(eps, 1 / N),
              "and $(V_{(11)(22)} + 2V_{(12)(12)})/(NK_{11}K_{22})$ equals the exact result's $1/N$ term.",
              lhs_tex=r"\frac{(L-1)(B_{(11)(22)} + 2B_{(12)(12)})}{N K_{11}K_{22}}")
    doc.keep("linear_cross_kurtosis_exact", exact)
    doc.say(f"Linear ($\\sigma_b = 0$), exact co-kurtosis at every width: ${latex(exact)}$.")
    doc.result("linear_cross_kurtosis_leading", (L - 1) * (2 + 4 * rho**2) / N,
               "Linear ($\\sigma_b = 0$), leading order $(V_{(11)(22)} + 2V_{(12)(12)})/(NK_{11}K_{22})$:",
               lhs=r"\frac{\mathbb E[z_1^2z_2^2]_{\rm conn}}{K_{11}K_{22}}")
    doc.references = REFS[7:]


