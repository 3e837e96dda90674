"""The length and correlation maps, their fixed points, chi1, the critical line and the depth scales."""
from __future__ import annotations

import sympy as sp

from .._document import Result, StepFailed, derivation
from .._layout import latex
from .common import REFS, erf_kernel_d, gauss, gauss_integral, q, sb, sw, z


def _erf_at_qstar(point):
    """sigma_w^2 and q = q* (the quantity fixed-point-length, at 30 digits) of an erf point."""
    from ...theory import evaluate

    return {"sigma_w^2": point["weight_variance"], "q": evaluate("fixed-point-length", dps=30, **point)}


_SW_SB = {"sigma_w^2": "weight_variance", "sigma_b^2": "bias_variance"}


def _erf(sw, sb):
    return {"activation": "erf", "weight_variance": sw, "bias_variance": sb}


def _relu(sw, sb):
    return {"activation": "relu", "weight_variance": sw, "bias_variance": sb}


@derivation("meanfield-maps", title="Length and correlation maps, their fixed points, chi1 and the depth scales",
            results=(
                Result("linear_qstar", "fixed-point-length", symbols=_SW_SB,
                       points=({"activation": "linear", "weight_variance": 0.6, "bias_variance": 0.3},
                               {"activation": "linear", "weight_variance": 0.2, "bias_variance": 1.5})),
                Result("relu_qstar", "fixed-point-length", symbols=_SW_SB, points=(_relu(1.5, 0.1), _relu(0.5, 2.0))),
                Result("relu_chi1", "chi1", symbols={"sigma_w^2": "weight_variance"},
                       points=(_relu(1.7, 0.0), _relu(2.5, 0.3))),
                Result("erf_chi1", "chi1", symbols=_erf_at_qstar, points=(_erf(2.5, 0.2), _erf(1.0, 0.05))),
                Result("relu_length_depth_scale", "length-depth-scale", symbols={"sigma_w^2": "weight_variance"},
                       points=(_relu(1.0, 0.0), _relu(1.5, 0.1))),
                Result("erf_length_depth_scale", "length-depth-scale", symbols=_erf_at_qstar,
                       points=(_erf(2.5, 0.2), _erf(1.2, 0.1))),
                Result("erf_correlation_depth_scale", "correlation-depth-scale", symbols=_erf_at_qstar,
                       points=(_erf(0.6, 0.05), _erf(0.8, 0.3))),
                Result("relu_critical_weight_variance", "critical-weight-variance",
                       points=({"activation": "relu", "bias_variance": 0.0},)),
                Result("erf_critical_weight_variance", "critical-weight-variance",
                       points=({"activation": "erf", "bias_variance": 0.0},)),
            ),
            citation="Poole et al. (2016) Sec. 2; Schoenholz et al. (2017) Sec. 3")
def build_maps(doc):
    doc.abstract = ("The infinite-width length map $q \\mapsto \\sigma_w^2 \\mathbb E[\\phi(\\sqrt q z)^2] + "
                    "\\sigma_b^2$, its fixed point $q^*$, the slope $\\chi_1$ of the correlation map at $c=1$, "
                    "the order-to-chaos line $\\chi_1 = 1$ and the depth scales $\\xi_q, \\xi_c$, with closed "
                    "forms for linear, ReLU and erf networks.")
    doc.assume("Fully connected network, $W^{l}_{ij} \\sim \\mathcal N(0, \\sigma_w^2/N_{l-1})$, "
               "$b^l_i \\sim \\mathcal N(0, \\sigma_b^2)$, infinite width; $z \\sim \\mathcal N(0, 1)$.")
    doc.assume("$q^l$ is the variance of a layer-$l$ pre-activation; $c^l$ the correlation of two inputs' "
               "pre-activations.")
    u = sp.sqrt(q) * z
    # linear
    f_lin = sw * gauss(u**2) + sb
    doc.equal(sw * gauss_integral(u**2) + sb, f_lin, "Linear activation: the length map "
              "(SymPy integrates the Gaussian moment).")
    qs_lin = sb / (1 - sw)
    fq = sp.Function("f")
    doc.equal(f_lin.subs(q, qs_lin), qs_lin, lhs_tex=r"f\Bigl(" + latex(qs_lin) + r"\Bigr)", text="Its fixed point for $\\sigma_w^2 < 1$ is "
              "$q^* = \\sigma_b^2/(1-\\sigma_w^2)$.", ranges={sw: (0.1, 0.9)})
    # relu
    e_relu2 = sp.integrate(u**2 * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, 0, sp.oo))
    doc.equal(sp.Integral(u**2 * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, 0, sp.oo)), e_relu2, "ReLU: half the Gaussian "
              "second moment (SymPy).")
    f_relu = sw * e_relu2 + sb
    qs_relu = sb / (1 - sw / 2)
    doc.equal(f_relu.subs(q, qs_relu), qs_relu, lhs_tex=r"f\Bigl(" + latex(qs_relu) + r"\Bigr)", text="So $q^* = \\sigma_b^2/(1 - \\sigma_w^2/2)$ for "
              "$\\sigma_w^2 < 2$; at $\\sigma_w^2 \\ge 2$ the length diverges (or, at $(2, 0)$, every $q$ is fixed).",
              ranges={sw: (0.1, 1.9)})
    # erf length map: 1-D identity, checked with mpmath (SymPy does not finish it)
    import mpmath as m

    erf2 = 2 / sp.pi * sp.asin(2 * q / (1 + 2 * q))
    worst = 0.0
    for qv in (0.1, 0.7, 2.5, 9.0):
        with m.workdps(30):
            val = m.quad(lambda t: m.erf(m.sqrt(qv) * t) ** 2 * m.exp(-t * t / 2), [-m.inf, 0, m.inf]) / m.sqrt(2 * m.pi)
            worst = max(worst, float(abs(val - m.mpf(str(sp.N(erf2.subs(q, sp.Float(qv, 30)), 30))))))
    if worst > 1e-20:
        raise StepFailed(f"derivation {doc.name}: erf length identity fails ({worst:.1e})")
    doc.say(f"erf: $\\mathbb E[\\mathrm{{erf}}(\\sqrt q z)^2] = {latex(erf2)}$ (the erf--erf table identity of "
            f"``meanfield-kernels'' at $a=b=r=q$; checked here with 30-digit mpmath quadrature at "
            f"$q \\in \\{{0.1, 0.7, 2.5, 9\\}}$, max. deviation {worst:.0e}).")
    # Stein / Price
    doc.say("Gaussian integration by parts (Stein's lemma) gives $\\frac{d}{dq}\\mathbb E[g(\\sqrt q z)] = "
            "\\tfrac12 \\mathbb E[g''(\\sqrt q z)]$; Price's theorem gives $\\partial \\mathbb E[\\phi(u_1)\\phi(u_2)]/"
            "\\partial \\Sigma_{12} = \\mathbb E[\\phi'(u_1)\\phi'(u_2)]$. We check Stein's lemma on a "
            "polynomial test function:")
    poly = u**4 + 3 * u**2
    doc.equal(sp.Derivative(gauss_integral(poly), q), gauss((12 * u**2 + 6)) / 2,
              "$g(u) = u^4 + 3u^2$: $\\frac{d}{dq}\\mathbb E[g]$ equals $\\frac12\\mathbb E[g''] = "
              "\\frac12\\mathbb E[12qz^2 + 6]$, both integrals by SymPy.")
    doc.say("Hence the slope of the length map is $\\chi_q = \\sigma_w^2 \\mathbb E[\\phi'(u)^2 + \\phi(u)\\phi''(u)]$ "
            "($g = \\phi^2$), and $|q^l - q^*| \\propto \\chi_q^l = e^{-l/\\xi_q}$: $\\xi_q = -1/\\ln \\chi_q$ "
            "(Schoenholz et al. 2017, Sec. 3). Likewise the correlation map $c \\mapsto (\\sigma_w^2 "
            "\\mathbb E[\\phi(u_1)\\phi(u_2)] + \\sigma_b^2)/q^*$ has slope $\\chi_c = \\sigma_w^2 "
            "\\mathbb E[\\phi'(u_1)\\phi'(u_2)]$ (Price), $\\xi_c = -1/\\ln\\chi_c$ at its stable fixed point $c^*$, "
            "and at $c = 1$: $\\chi_1 = \\sigma_w^2 \\mathbb E[\\phi'(\\sqrt{q^*} z)^2]$.")
    chi_relu = sw * sp.integrate(sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, 0, sp.oo))
    doc.equal(sw * sp.Integral(sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, 0, sp.oo)), chi_relu, "ReLU: $\\phi' = \\Theta$, so $\\chi_1 = \\sigma_w^2/2$ "
              "at every $q$; $\\chi_q$ is the same ($\\phi\\phi'' = 0$).")
    doc.equal(sp.solve(sp.Eq(chi_relu, 1), sw)[0], 2, lhs_tex=r"\sigma_w^2\big|_{\chi_1 = 1}", text="The ReLU critical point: $\\sigma_w^2 = 2$ "
              "(with $\\sigma_b^2 = 0$, the only point where $q^*$ stays finite).")
    # erf chi1 and chi_q
    chi_erf = 4 * sw / (sp.pi * sp.sqrt(1 + 4 * q))
    doc.equal(sw * erf_kernel_d(q, q, q), chi_erf, "erf: $\\chi_1 = \\sigma_w^2 (4/\\pi)(1+4q^*)^{-1/2}$ "
              "(the erf$'$ table identity at $a = b = r = q^*$).")
    doc.equal(sp.Derivative(erf2, q), 4 / (sp.pi * (1 + 2 * q) * sp.sqrt(1 + 4 * q)),
              "erf: $\\chi_q/\\sigma_w^2$ is the derivative of the erf length map:")
    # critical line parametrised by q*
    A, B = sp.symbols("A B", positive=True)  # A = E[phi^2], B = E[phi'^2] at q*
    sw_line, sb_line = 1 / B, q - A / B
    doc.equal(sp.Add(sw_line * A, sb_line, evaluate=False), q, lhs_tex=r"\sigma_w^2 A + \sigma_b^2 = " + latex(sp.Add(sw_line * A, sb_line, evaluate=False)), text="Critical line parametrised by $q^*$ (Poole et al. 2016): with "
              "$A = \\mathbb E[\\phi(\\sqrt{q^*}z)^2]$, $B = \\mathbb E[\\phi'(\\sqrt{q^*}z)^2]$, the choice "
              "$\\sigma_w^2 = 1/B$, $\\sigma_b^2 = q^* - A/B$ makes $q^*$ a fixed point ...")
    doc.equal(sw_line * B, 1, lhs_tex=r"\chi_1 = \sigma_w^2 B", text="... with $\\chi_1 = 1$. The quantity solves $\\sigma_b^2(q^*) = $ target for "
              "$q^*$ by bisection.")
    doc.say("For tanh at $\\sigma_b^2 = 0$ the line ends at $q^* = 0$, $\\sigma_w^2 = 1/\\tanh'(0)^2 = 1$.")
    chiq_erf = sw * 4 / (sp.pi * (1 + 2 * q) * sp.sqrt(1 + 4 * q))
    crit_erf = doc.equal(sp.solve(sp.Eq(chi_erf.subs(q, 0), 1), sw)[0], sp.pi / 4,
                         lhs_tex=r"\sigma_w^2\big|_{\chi_1 = " + latex(chi_erf.subs(q, 0)) + " = 1}",
                         text="erf at $\\sigma_b^2 = 0$: $q^* = 0$ (erf is odd), and $\\chi_1 = 1$ there gives")
    doc.keep("erf_chiq", chiq_erf)
    doc.keep("erf_length_map", sw * erf2 + sb)
    doc.keep("critical_line", sp.Matrix([sw_line, sb_line]))
    doc.result("linear_qstar", qs_lin, "Linear:", lhs="q^*")
    doc.result("relu_qstar", qs_relu, "ReLU:", lhs="q^*")
    doc.result("relu_chi1", chi_relu, "ReLU:", lhs=r"\chi_1 = \chi_q")
    doc.result("erf_chi1", chi_erf, "erf, at $q^*$:", lhs=r"\chi_1")
    doc.result("relu_length_depth_scale", -1 / sp.log(chi_relu), "ReLU:", lhs=r"\xi_q = -\frac{1}{\ln\chi_q}")
    doc.result("erf_length_depth_scale", -1 / sp.log(chiq_erf), "erf, at $q^*$:", lhs=r"\xi_q = -\frac{1}{\ln\chi_q}")
    doc.result("erf_correlation_depth_scale", -1 / sp.log(chi_erf),
               "erf, ordered phase ($\\chi_1 < 1$, so $c^* = 1$ and $\\chi_c = \\chi_1$), at $q^*$:",
               lhs=r"\xi_c = -\frac{1}{\ln\chi_1}")
    doc.result("relu_critical_weight_variance", sp.solve(sp.Eq(chi_relu, 1), sw)[0],
               "ReLU, the critical weight variance ($\\sigma_b^2 = 0$):", lhs=r"\sigma_{w,c}^2")
    doc.result("erf_critical_weight_variance", crit_erf, "erf, the critical weight variance at $\\sigma_b^2 = 0$:",
               lhs=r"\sigma_{w,c}^2")
    doc.references = REFS[:2]


