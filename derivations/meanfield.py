"""Mean-field derivations: the length and correlation maps, the kernels, the four-point vertex.

Gaussian integrals SymPy cannot do (the arc-cosine and erf kernels, two-dimensional
orthant integrals) enter through a small table of identities, each checked here with
mpmath quadrature at several points before it is used (``gaussian_table``); the PDFs say so.
"""
from __future__ import annotations

import sympy as sp

from ._document import Result, StepFailed, derivation

q, q1, q2, sw, sb = sp.symbols("q q_1 q_2 sigma_w^2 sigma_b^2", positive=True)
s12 = sp.Symbol("Sigma_12", real=True)
z = sp.Symbol("z", real=True)
N = sp.Symbol("N", positive=True, integer=True)
L = sp.Symbol("L", positive=True, integer=True)
ell = sp.Symbol("ell", positive=True, integer=True)
K = sp.Symbol("K", positive=True)
theta = sp.Symbol("theta", positive=True)

REFS = [
    "B. Poole, S. Lahiri, M. Raghu, J. Sohl-Dickstein, S. Ganguli (2016). Exponential expressivity in "
    "deep neural networks through transient chaos. NeurIPS. arXiv:1606.05340.",
    "S. S. Schoenholz, J. Gilmer, S. Ganguli, J. Sohl-Dickstein (2017). Deep information propagation. "
    "ICLR. arXiv:1611.01232.",
    "Y. Cho, L. K. Saul (2009). Kernel methods for deep learning. NeurIPS.",
    "C. K. I. Williams (1997). Computing with infinite networks. NeurIPS.",
    "J. Lee, Y. Bahri, R. Novak, S. S. Schoenholz, J. Pennington, J. Sohl-Dickstein (2018). Deep neural "
    "networks as Gaussian processes. ICLR. arXiv:1711.00165.",
    "A. Jacot, F. Gabriel, C. Hongler (2018). Neural tangent kernel. NeurIPS. arXiv:1806.07572.",
    "S. Arora, S. S. Du, W. Hu, Z. Li, R. Salakhutdinov, R. Wang (2019). On exact computation with an "
    "infinitely wide neural net. NeurIPS. arXiv:1904.11955.",
    "D. A. Roberts, S. Yaida, B. Hanin (2022). The Principles of Deep Learning Theory. CUP. "
    "arXiv:2106.10165.",
]


def _gauss_integral(expr):
    """The unevaluated Gaussian integral (for display on the left of a checked step)."""
    return sp.Integral(expr * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, -sp.oo, sp.oo))


def _gauss(expr):
    """E over z ~ N(0, 1) of expr(z), by SymPy integration."""
    return sp.integrate(expr * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, -sp.oo, sp.oo))


# ----------------------------------------------------------------------------- identity table
def _relu_kernel(a, b, r):
    c = r / sp.sqrt(a * b)
    t = sp.acos(c)
    return sp.sqrt(a * b) * (sp.sqrt(1 - c**2) + (sp.pi - t) * c) / (2 * sp.pi)


def _relu_kernel0(a, b, r):
    return (sp.pi - sp.acos(r / sp.sqrt(a * b))) / (2 * sp.pi)


def _erf_kernel(a, b, r):
    return 2 / sp.pi * sp.asin(2 * r / sp.sqrt((1 + 2 * a) * (1 + 2 * b)))


def _erf_kernel_d(a, b, r):
    return 4 / sp.pi / sp.sqrt((1 + 2 * a) * (1 + 2 * b) - 4 * r**2)


def gaussian_table():
    """[(name, latex, closed form in a, b, r, inner)] where inner(alpha, beta) = E_y[g(alpha + beta y)].

    E[f(u1) g(u2)] = E_x[f(sqrt(a) x) inner(sqrt(b) c x, sqrt(b) s)], c = r/sqrt(ab), s = sqrt(1-c^2):
    the inner one-dimensional Gaussian expectations are elementary and are themselves checked
    against one-dimensional quadrature in ``_check_table``.
    """
    import mpmath as m

    a, b, r = sp.symbols("a b r")
    relu = lambda x: x if x > 0 else 0
    step = lambda x: 1 if x > 0 else 0
    rows = [
        ("relu-relu", r"\mathbb{E}[\mathrm{relu}(u_1)\mathrm{relu}(u_2)]", _relu_kernel(a, b, r), relu,
         relu, lambda al, be: al * m.ncdf(al / be) + be * m.npdf(al / be)),
        ("step-step", r"\mathbb{E}[\Theta(u_1)\Theta(u_2)]", _relu_kernel0(a, b, r), step, step,
         lambda al, be: m.ncdf(al / be)),
        ("erf-erf", r"\mathbb{E}[\mathrm{erf}(u_1)\mathrm{erf}(u_2)]", _erf_kernel(a, b, r), m.erf, m.erf,
         lambda al, be: m.erf(al / m.sqrt(1 + 2 * be * be))),
        ("erf'-erf'", r"\mathbb{E}[\mathrm{erf}'(u_1)\mathrm{erf}'(u_2)]", _erf_kernel_d(a, b, r),
         lambda x: 2 / m.sqrt(m.pi) * m.exp(-x * x), lambda x: 2 / m.sqrt(m.pi) * m.exp(-x * x),
         lambda al, be: 2 / m.sqrt(m.pi) * m.exp(-al * al / (1 + 2 * be * be)) / m.sqrt(1 + 2 * be * be)),
    ]
    return a, b, r, rows


TABLE_POINTS = ((1.0, 1.0, 0.5), (0.7, 2.0, -0.4), (1.5, 0.8, 0.9))


def _check_table(doc):
    """Verify every table identity with mpmath quadrature at TABLE_POINTS (rel. error < 1e-12)."""
    import mpmath as m

    a, b, r, rows = gaussian_table()
    lines = []
    g = lambda x: m.exp(-x * x / 2) / m.sqrt(2 * m.pi)
    with m.workdps(20):
        for name, tex, closed, f, gfun, inner in rows:
            worst = 0.0
            for al, be in ((0.3, 0.7), (-1.2, 0.4), (0.8, 1.9)):  # the inner 1-D identity
                direct = m.quad(lambda y: gfun(al + be * y) * g(y), [-m.inf, -al / be, m.inf])
                worst = max(worst, float(abs(direct - inner(m.mpf(al), m.mpf(be)))))
            for pa, pb, pr in TABLE_POINTS:
                c = m.mpf(pr) / m.sqrt(m.mpf(pa) * m.mpf(pb))
                s = m.sqrt(1 - c * c)
                sa, sbb = m.sqrt(pa), m.sqrt(pb)
                val = m.quad(lambda x: f(sa * x) * inner(sbb * c * x, sbb * s) * g(x), [-m.inf, 0, m.inf])
                exact = m.mpf(str(sp.N(closed.subs({a: sp.Float(pa, 25), b: sp.Float(pb, 25), r: sp.Float(pr, 25)}), 25)))
                worst = max(worst, float(abs(val - exact) / max(1, abs(val))))
            if worst > 1e-12:
                raise StepFailed(f"derivation {doc.name}: table identity {name} fails its mpmath check ({worst:.2e})")
            lines.append(f"${tex} = {sp.latex(closed)}$ (max. deviation {worst:.0e})")
    doc.say("Gaussian identity table. SymPy cannot evaluate these two-dimensional Gaussian integrals, "
            "so each closed form below, for $(u_1, u_2) \\sim \\mathcal N(0, [[a, r], [r, b]])$, was "
            "checked with 20-digit mpmath quadrature when this document was built, at $(a, b, r) \\in "
            "\\{(1, 1, 0.5), (0.7, 2, -0.4), (1.5, 0.8, 0.9)\\}$ (outer integral numerical, inner Gaussian "
            "expectation in elementary closed form, itself checked by one-dimensional quadrature): "
            + "; ".join(lines) + ". The ReLU rows are Cho \\& Saul's arc-cosine kernels $k_1/2$ and $k_0/2$; "
            "the erf row is Williams (1997).")


# ----------------------------------------------------------------------------- maps
def _erf_at_qstar(point):
    """sigma_w^2 and q = q* (the quantity fixed-point-length, at 30 digits) of an erf point."""
    from dltheory.theory import evaluate

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
    f_lin = sw * _gauss(u**2) + sb
    doc.equal(sw * _gauss_integral(u**2) + sb, f_lin, "Linear activation: the length map "
              "(SymPy integrates the Gaussian moment).")
    qs_lin = sb / (1 - sw)
    doc.equal(f_lin.subs(q, qs_lin), qs_lin, "Its fixed point for $\\sigma_w^2 < 1$ is "
              "$q^* = \\sigma_b^2/(1-\\sigma_w^2)$.", ranges={sw: (0.1, 0.9)})
    # relu
    e_relu2 = sp.integrate(u**2 * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, 0, sp.oo))
    doc.equal(sp.Integral(u**2 * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, 0, sp.oo)), e_relu2, "ReLU: half the Gaussian "
              "second moment (SymPy).")
    f_relu = sw * e_relu2 + sb
    qs_relu = sb / (1 - sw / 2)
    doc.equal(f_relu.subs(q, qs_relu), qs_relu, "So $q^* = \\sigma_b^2/(1 - \\sigma_w^2/2)$ for "
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
    doc.say(f"erf: $\\mathbb E[\\mathrm{{erf}}(\\sqrt q z)^2] = {sp.latex(erf2)}$ (the erf--erf table identity of "
            f"``meanfield-kernels'' at $a=b=r=q$; checked here with 30-digit mpmath quadrature at "
            f"$q \\in \\{{0.1, 0.7, 2.5, 9\\}}$, max. deviation {worst:.0e}).")
    # Stein / Price
    doc.say("Gaussian integration by parts (Stein's lemma) gives $\\frac{d}{dq}\\mathbb E[g(\\sqrt q z)] = "
            "\\tfrac12 \\mathbb E[g''(\\sqrt q z)]$; Price's theorem gives $\\partial \\mathbb E[\\phi(u_1)\\phi(u_2)]/"
            "\\partial \\Sigma_{12} = \\mathbb E[\\phi'(u_1)\\phi'(u_2)]$. We check Stein's lemma on a "
            "polynomial test function:")
    poly = u**4 + 3 * u**2
    doc.equal(sp.diff(_gauss(poly), q) - _gauss((12 * u**2 + 6)) / 2, 0,
              "$g(u) = u^4 + 3u^2$: $\\frac{d}{dq}\\mathbb E[g] - \\frac12\\mathbb E[g''] = 0$, both integrals by SymPy.")
    doc.say("Hence the slope of the length map is $\\chi_q = \\sigma_w^2 \\mathbb E[\\phi'(u)^2 + \\phi(u)\\phi''(u)]$ "
            "($g = \\phi^2$), and $|q^l - q^*| \\propto \\chi_q^l = e^{-l/\\xi_q}$: $\\xi_q = -1/\\log \\chi_q$ "
            "(Schoenholz et al. 2017, Sec. 3). Likewise the correlation map $c \\mapsto (\\sigma_w^2 "
            "\\mathbb E[\\phi(u_1)\\phi(u_2)] + \\sigma_b^2)/q^*$ has slope $\\chi_c = \\sigma_w^2 "
            "\\mathbb E[\\phi'(u_1)\\phi'(u_2)]$ (Price), $\\xi_c = -1/\\log\\chi_c$ at its stable fixed point $c^*$, "
            "and at $c = 1$: $\\chi_1 = \\sigma_w^2 \\mathbb E[\\phi'(\\sqrt{q^*} z)^2]$.")
    chi_relu = sw * sp.integrate(sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, 0, sp.oo))
    doc.equal(sw * sp.Integral(sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, 0, sp.oo)), chi_relu, "ReLU: $\\phi' = \\Theta$, so $\\chi_1 = \\sigma_w^2/2$ "
              "at every $q$; $\\chi_q$ is the same ($\\phi\\phi'' = 0$).")
    doc.equal(sp.solve(sp.Eq(chi_relu, 1), sw)[0], 2, "The ReLU critical point: $\\sigma_w^2 = 2$ "
              "(with $\\sigma_b^2 = 0$, the only point where $q^*$ stays finite).")
    # erf chi1 and chi_q
    chi_erf = 4 * sw / (sp.pi * sp.sqrt(1 + 4 * q))
    doc.equal(sw * _erf_kernel_d(q, q, q), chi_erf, "erf: $\\chi_1 = \\sigma_w^2 (4/\\pi)(1+4q^*)^{-1/2}$ "
              "(the erf$'$ table identity at $a = b = r = q^*$).")
    doc.equal(sp.diff(erf2, q) - 4 / (sp.pi * (1 + 2 * q) * sp.sqrt(1 + 4 * q)), 0,
              "erf: $\\chi_q/\\sigma_w^2 = \\frac{d}{dq}\\frac{2}{\\pi}\\arcsin\\frac{2q}{1+2q} = \\frac{4}{\\pi(1+2q)\\sqrt{1+4q}}$ (displayed: the derivative minus the claim).")
    # critical line parametrised by q*
    A, B = sp.symbols("A B", positive=True)  # A = E[phi^2], B = E[phi'^2] at q*
    sw_line, sb_line = 1 / B, q - A / B
    doc.equal(sw_line * A + sb_line, q, "Critical line parametrised by $q^*$ (Poole et al. 2016): with "
              "$A = \\mathbb E[\\phi(\\sqrt{q^*}z)^2]$, $B = \\mathbb E[\\phi'(\\sqrt{q^*}z)^2]$, the choice "
              "$\\sigma_w^2 = 1/B$, $\\sigma_b^2 = q^* - A/B$ makes $q^*$ a fixed point ...")
    doc.equal(sw_line * B, 1, "... with $\\chi_1 = 1$. The quantity solves $\\sigma_b^2(q^*) = $ target for "
              "$q^*$ by bisection.")
    doc.say("For tanh at $\\sigma_b^2 = 0$ the line ends at $q^* = 0$, $\\sigma_w^2 = 1/\\tanh'(0)^2 = 1$.")
    chiq_erf = sw * 4 / (sp.pi * (1 + 2 * q) * sp.sqrt(1 + 4 * q))
    crit_erf = doc.equal(sp.solve(sp.Eq(chi_erf.subs(q, 0), 1), sw)[0], sp.pi / 4,
                         "erf at $\\sigma_b^2 = 0$: $q^* = 0$ (erf is odd), and $\\chi_1 = 1$ there gives")
    doc.keep("erf_chiq", chiq_erf)
    doc.keep("erf_length_map", sw * erf2 + sb)
    doc.keep("critical_line", sp.Matrix([sw_line, sb_line]))
    doc.result("linear_qstar", qs_lin, "Linear: $q^*$ =")
    doc.result("relu_qstar", qs_relu, "ReLU: $q^*$ =")
    doc.result("relu_chi1", chi_relu, "ReLU: $\\chi_1 = \\chi_q$ =")
    doc.result("erf_chi1", chi_erf, "erf: $\\chi_1$ at $q^*$ =")
    doc.result("relu_length_depth_scale", -1 / sp.log(chi_relu), "ReLU: $\\xi_q = -1/\\log\\chi_q$ =")
    doc.result("erf_length_depth_scale", -1 / sp.log(chiq_erf), "erf: $\\xi_q = -1/\\log\\chi_q$ at $q^*$ =")
    doc.result("erf_correlation_depth_scale", -1 / sp.log(chi_erf),
               "erf, ordered phase ($\\chi_1 < 1$, so $c^* = 1$ and $\\chi_c = \\chi_1$): $\\xi_c$ at $q^*$ =")
    doc.result("relu_critical_weight_variance", sp.solve(sp.Eq(chi_relu, 1), sw)[0],
               "ReLU: the critical $\\sigma_w^2$ ($\\sigma_b^2 = 0$) =")
    doc.result("erf_critical_weight_variance", crit_erf, "erf: the critical $\\sigma_w^2$ at $\\sigma_b^2 = 0$ =")
    doc.references = REFS[:2]


# ----------------------------------------------------------------------------- kernels
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
    _check_table(doc)
    a, b, r = sp.symbols("a b r", positive=True)
    doc.equal(sp.diff(_relu_kernel(a, b, r), r) - _relu_kernel0(a, b, r), 0,
              "Price's theorem ties the two ReLU rows: $\\partial_r$ of the degree-1 arc-cosine kernel is the "
              "degree-0 one (displayed: $\\partial_r k_1/2 - k_0/2$).", ranges={r: (0.05, 0.3)})
    doc.equal(sp.diff(_erf_kernel(a, b, r), r) - _erf_kernel_d(a, b, r), 0,
              "Likewise for erf (Williams' kernel and its derivative kernel).", ranges={r: (0.05, 0.3)})
    doc.equal(_relu_kernel(q, q, q), q / 2, "On the diagonal the arc-cosine kernel is $q/2$, the ReLU "
              "length map of ``meanfield-maps''.")
    doc.say("NTK recursion (Jacot et al. 2018, Thm 1; Arora et al. 2019, Sec. 3). Write "
            "$\\delta^l = \\partial f/\\partial z^l$. The parameters of layer $l$ contribute "
            "$(\\delta^l(x_1)\\cdot\\delta^l(x_2))\\,(\\sigma_w^2 h^{l-1}(x_1)\\cdot h^{l-1}(x_2)/N_{l-1} + \\sigma_b^2)$, "
            "and backpropagation $\\delta^{l-1} = \\phi'(z^{l-1}) \\odot (\\sigma_w/\\sqrt{N}) W^{lT}\\delta^l$ "
            "multiplies $\\delta\\cdot\\delta$ by $\\sigma_w^2 \\dot K^l$, $\\dot K^{l} = \\mathbb E[\\phi'(u_1)\\phi'(u_2)]$ "
            "under $K^{l-1}$, at infinite width. Summing layers: $\\Theta^1 = K^1$, "
            "$\\Theta^{l+1} = K^{l+1} + \\sigma_w^2 \\dot K^{l+1}\\Theta^l$.")
    q12 = sp.Symbol("q_12", positive=True)
    Kl = lambda l: sw**l * q12
    ntk_sum = sp.Sum(sw**(L - ell) * Kl(ell), (ell, 1, L)).doit()
    doc.equal(ntk_sum, L * sw**L * q12, "Deep linear, $\\sigma_b = 0$: $K^l = \\sigma_w^{2l} q_{12}$, "
              "$\\dot K = 1$, and the unrolled recursion $\\Theta^L = \\sum_l (\\sigma_w^2)^{L-l} K^l$ sums to")
    # critical relu: diagonal stays put, NTK grows linearly in depth
    doc.equal(2 * _relu_kernel(K, K, K), K, "Critical ReLU ($\\sigma_w^2 = 2$, $\\sigma_b = 0$): the diagonal "
              "$K^l = K^1 = 2q$ is preserved ...")
    doc.equal(2 * _relu_kernel0(K, K, K), 1, "... and $\\sigma_w^2 \\dot K = 1$ on the diagonal, so "
              "$\\Theta^L(x, x) = L K^1 = 2 L q$.")
    # explicit depth-3 relu kernels as functions of the input cosine
    c = sp.Symbol("c", positive=True)
    k = [2 * c]  # q1 = q2 = 1, sigma_w^2 = 2: K^1_11 = K^1_22 = 2
    kd = [None]
    for _ in range(2):
        kd.append(_relu_kernel0(2, 2, k[-1]))
        k.append(2 * _relu_kernel(2, 2, k[-1]))
    th = k[0]
    for l in (1, 2):
        th = k[l] + 2 * kd[l] * th
    doc.equal(k[2], sp.simplify(k[2]), "Depth 3, ReLU, $\\sigma_w^2 = 2$, $\\sigma_b = 0$, "
              "$q_1 = q_2 = 1$: the NNGP kernel as a function of the input cosine $c$.")
    doc.result("relu_nngp_depth3", k[2], "ReLU NNGP, depth 3, $\\sigma_w^2=2$, $q_1=q_2=1$, cosine $c$:")
    doc.result("relu_correlation_depth3", k[2] / 2, "Its correlation $\\rho^3 = K^3_{12}/K^3_{11}$ ($K^3_{11} = 2$, "
               "the preserved critical diagonal): the correlation map iterated twice,")
    doc.result("relu_ntk_depth3", th, "ReLU NTK (NTK parameterisation), same setting:")
    doc.result("linear_ntk", L * sw**L * q12, "Deep linear NTK ($\\sigma_b = 0$):")
    doc.result("relu_ntk_diag", 2 * L * q, "Critical ReLU NTK on the diagonal:")
    doc.references = REFS[2:7]


# ----------------------------------------------------------------------------- four-point vertex
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
    var_lin = _gauss(u**4) - _gauss(u**2) ** 2
    doc.equal(_gauss_integral(u**4) - _gauss_integral(u**2) ** 2, var_lin, "Linear: the Gaussian variance of $u^2$ (SymPy).")
    relu4 = sp.integrate(u**4 * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, 0, sp.oo))
    relu2 = sp.integrate(u**2 * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, 0, sp.oo))
    var_relu = relu4 - relu2**2
    doc.equal(sp.Integral(u**4 * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, 0, sp.oo))
              - sp.Integral(u**2 * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, 0, sp.oo)) ** 2, var_relu, "ReLU (SymPy).")
    # induction: V^l = a (l-1) K_l^2 solves the recursion
    l = ell
    for name, var, chi, kmap, coef in (("linear", var_lin, sw, sw, 2), ("relu", var_relu, sw / 2, sw / 2, 5)):
        lhs = sw**2 * var + chi**2 * coef * (l - 1) * K**2
        doc.equal(lhs, coef * l * (kmap * K) ** 2,
                  f"{name.capitalize()}, $\\sigma_b = 0$: the ansatz $V^l = {coef}(l-1)(K^l)^2$ solves the recursion "
                  f"(induction step, $K^{{l+1}} = {sp.latex(kmap)} K^l$), so the leading kurtosis is "
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
        lead = sp.series(kurt[name].subs(N, 1 / eps), eps, 0, 2).removeO()
        doc.equal(lead, (3 * (2 if name == "linear" else 5) * (L - 1)) * eps,
                  "Its first-order Taylor coefficient in $\\epsilon = 1/N$ (left: SymPy's series of the exact result) reproduces the four-point vertex at leading order; the "
                  "residual is $O(1/N^2)$.")
        doc.result(f"{name}_kurtosis_exact", kurt[name], f"{name.capitalize()} ($\\sigma_b=0$), exact:")
        doc.result(f"{name}_kurtosis_leading", 3 * (2 if name == "linear" else 5) * (L - 1) / N,
                   f"{name.capitalize()} ($\\sigma_b=0$), leading order $3V^L/(N (K^L)^2)$:")
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
    doc.equal(sp.diff(e_u1sq_u2sq, k12), 4 * k12,
              "$F = u_1^2u_2^2$: $\\partial_{K_{12}}(K_{11}K_{22} + 2K_{12}^2)$ equals "
              "$\\mathbb E[\\partial_1\\partial_2 F] = 4\\mathbb E[u_1u_2]$;")
    doc.equal(sp.diff(e_u1sq_u2sq, k11), sp.Rational(1, 2) * 2 * k22,
              "and $\\partial_{K_{11}}$ equals $\\frac12\\mathbb E[\\partial_1^2F] = \\frac12\\mathbb E[2u_2^2]$;")
    e_u13_u2 = _isserlis4(km, 0, 0, 0, 1)
    doc.equal(sp.diff(e_u13_u2, k12), 3 * k11,
              "$F = u_1^3u_2$: $\\partial_{K_{12}}(3K_{11}K_{12}) = \\mathbb E[3u_1^2]$.")
    relu_k = _relu_kernel(k11, k22, k12)
    det = k11 * k22 - k12**2
    doc.equal(sp.diff(relu_k, k11), sp.sqrt(det) / (4 * sp.pi * k11),
              "ReLU: $J_{(12)(11)}/\\sigma_w^2 = \\partial_{K_{11}}$ of the arc-cosine kernel $= \\frac12\\mathbb E"
              "[\\delta(u_1)\\mathrm{relu}(u_2)]$", ranges={k11: (0.5, 2), k22: (0.5, 2), k12: (-0.4, 0.4)})
    doc.equal(sp.diff(relu_k, k12), _relu_kernel0(k11, k22, k12),
              "and $J_{(12)(12)}/\\sigma_w^2 = \\partial_{K_{12}}$ of it $= \\mathbb E[\\Theta(u_1)\\Theta(u_2)]$ "
              "(factor 1).", ranges={k11: (0.5, 2), k22: (0.5, 2), k12: (-0.4, 0.4)})
    al, th = sp.symbols("alpha theta", real=True)
    j31 = (3 * sp.sin(th) - sp.sin(th)**3 + 3 * (sp.pi - th) * sp.cos(th)) / (2 * sp.pi)
    j22 = (3 * sp.sin(th) * sp.cos(th) + (sp.pi - th) * (1 + 2 * sp.cos(th)**2)) / (2 * sp.pi)
    for (m_, n_), jj in (((3, 1), j31), ((2, 2), j22)):
        integ = sp.Integral(sp.cos(al)**m_ * sp.cos(al - th)**n_, (al, th - sp.pi / 2, sp.pi / 2))
        doc.equal(8 / (2 * sp.pi) * integ.doit(), jj,
                  f"ReLU fourth moments, polar coordinates ($\\mathbb E[r^4] = 8$, $\\cos\\theta = \\rho$): "
                  f"$\\mathbb E[\\mathrm{{relu}}(u_1)^{m_}\\mathrm{{relu}}(u_2)^{n_}]/(K_{{11}}^{{{m_}/2}}K_{{22}}^{{{n_}/2}})$ "
                  f"$= \\frac{{8}}{{2\\pi}}{sp.latex(integ)}$", ranges={th: (0.05, 3.0)})
        doc.equal(jj.subs(th, 0), sp.Rational(3, 2), "At $\\theta = 0$ it is $\\mathbb E[\\mathrm{relu}^4]/K^2 = 3/2$.")
    doc.say("Reduction to one input. If $x_1 = x_2$, every $K^l_{ab} = K^l$ and, by induction, every "
            "$V^l_{(ab)(cd)} = V^l$ (every fourth moment of $(\\phi(u_1), \\phi(u_2))$ is $\\mathbb E[\\phi^4]$, so "
            "$C_{(ab)(cd)} = \\mathrm{Var}_K(\\phi^2)$). The row sums of $J$ are then the total derivative "
            "$\\sigma_w^2\\,\\frac{d}{dK}\\mathbb E_K[\\phi^2] = \\chi_\\parallel$ (chain rule along $K_{11} = K_{12} = "
            "K_{22} = K$), so $(JVJ^T)_{(ab)(cd)} = \\chi_\\parallel^2 V$: the one-input recursion of "
            "\\texttt{meanfield-four-point}. Checked on the erf kernel:")
    kk = sp.Symbol("K", positive=True)
    erf_k = _erf_kernel(k11, k22, k12)
    rowsum = sum(sp.diff(erf_k, x) for x in (k11, k12, k22)).subs({k11: kk, k22: kk, k12: kk})
    doc.equal(rowsum, sp.diff(_erf_kernel(kk, kk, kk), kk),
              "erf: $(\\partial_{K_{11}} + \\partial_{K_{12}} + \\partial_{K_{22}})\\mathbb E[\\mathrm{erf}\\,\\mathrm{erf}]$ "
              "on the diagonal $= \\frac{d}{dK}\\mathbb E_K[\\mathrm{erf}^2]$.")
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
        tag = "".join(str(x + 1) for x in i)
        doc.equal(perm(A, *i), B(*i), f"$(SA)_{{{tag}}} = B_{{{tag}}}$,")
        doc.equal(perm(B, *i), 2 * A(*i) + B(*i), f"$(SB)_{{{tag}}} = 2A_{{{tag}}} + B_{{{tag}}}$.")
    l = ell
    alpha = lambda n: (sp.Rational(1, 3) * (1 + 2 / N)**n + sp.Rational(2, 3) * (1 - 1 / N)**n)
    beta = lambda n: sp.Rational(1, 3) * ((1 + 2 / N)**n - (1 - 1 / N)**n)
    # M^l = sw^(2l) (alpha_l A + beta_l B): recursion (alpha, beta) -> (alpha + 2 beta/N, beta + (alpha + beta)/N)
    doc.equal(alpha(l) + 2 * beta(l) / N, alpha(l + 1),
              "Writing $M^l = \\sigma_w^{4l}(\\alpha_l A + \\beta_l B)$ with $\\alpha_l = \\frac13(1+\\frac2N)^l + "
              "\\frac23(1-\\frac1N)^l$, $\\beta_l = \\frac13[(1+\\frac2N)^l - (1-\\frac1N)^l]$ "
              "($\\alpha_0 = 1$, $\\beta_0 = 0$; eigenvalues $2, -1$ of $S$): $\\alpha_l + 2\\beta_l/N = \\alpha_{l+1}$",
              ranges={N: (1, 50), l: (0, 20)})
    doc.equal(beta(l) + (alpha(l) + beta(l)) / N, beta(l + 1), "and $\\beta_l + (\\alpha_l + \\beta_l)/N = \\beta_{l+1}$.",
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
    lead = sp.series(exact.subs(N, 1 / eps), eps, 0, 2).removeO()
    doc.equal(lead, (L - 1) * (2 + 4 * rho**2) * eps,
              "Its first-order coefficient in $\\epsilon = 1/N$ (SymPy's series of the exact result):")
    doc.say("The vertex recursion for linear $\\phi$: $J = \\sigma_w^2 I$ and $C_{(ab)(cd)} = K_{ac}K_{bd} + "
            "K_{ad}K_{bc} = B$ (Isserlis), so $V^{l+1} = \\sigma_w^4 B^l + \\sigma_w^4 V^l$ and $V^L = (L-1)B^L$ "
            "(induction, $B^{l+1} = \\sigma_w^4 B^l$). The entries it needs:")
    cov_lin = lambda a, b, c, d: _isserlis4(km, a, b, c, d) - km[a, b] * km[c, d]
    doc.equal(cov_lin(0, 0, 1, 1), b1122, "$C_{(11)(22)} = \\mathbb E[u_1^2u_2^2] - K_{11}K_{22} = B_{(11)(22)}$,")
    doc.equal(cov_lin(0, 1, 0, 1), b1212, "$C_{(12)(12)} = \\mathbb E[u_1^2u_2^2] - K_{12}^2 = B_{(12)(12)}$,")
    vertex = (L - 1) * (b1122 + 2 * b1212) / (N * k11 * k22)
    doc.equal(vertex.subs(k12, rho * sp.sqrt(k11 * k22)), lead.subs(eps, 1 / N),
              "and $(V_{(11)(22)} + 2V_{(12)(12)})/(NK_{11}K_{22})$ equals the exact result's $1/N$ term.")
    doc.keep("linear_cross_kurtosis_exact", exact)
    doc.say(f"Linear ($\\sigma_b = 0$), exact co-kurtosis at every width: ${sp.latex(exact)}$.")
    doc.result("linear_cross_kurtosis_leading", (L - 1) * (2 + 4 * rho**2) / N,
               "Linear ($\\sigma_b = 0$), leading order $(V_{(11)(22)} + 2V_{(12)(12)})/(NK_{11}K_{22})$:")
    doc.references = REFS[7:]


# ----------------------------------------------------------------------------- fluctuation exponents
@derivation("meanfield-fluctuations", title="Fluctuation exponents of the empirical NNGP kernel and NTK at finite width",
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
                    "$\\log \\mathrm{SD} = a + p\\log N + d/N$ the checks fit, follow.")
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
    doc.equal(N_ * sp.diff(log_sd, N_), -(A * N_ + 2 * B) / (2 * (A * N_ + B)),
              "The local exponent $p(N) = d\\log\\mathrm{SD}/d\\log N$ of $\\mathrm{SD} = \\sqrt{A/N + B/N^2}$ is")
    p_nngp = sp.limit(slope, N_, sp.oo)
    doc.equal(sp.Limit(-(A * N_ + 2 * B) / (2 * (A * N_ + B)), N_, sp.oo).doit(), p_nngp,
              "and its limit (SymPy) is")
    eps = sp.Symbol("epsilon", positive=True)
    expansion = sp.series(sp.log(sp.sqrt(A * eps + B * eps**2)), eps, 0, 2).removeO()
    doc.equal(expansion, sp.log(A) / 2 + sp.log(eps) / 2 + B * eps / (2 * A),
              "With $\\epsilon = 1/N$: $\\log\\mathrm{SD} = \\tfrac12\\log A - \\tfrac12\\log N + "
              "\\frac{B}{2A}\\frac1N + O(1/N^2)$ (SymPy's series), the model $a + p\\log N + d/N$ the "
              "check fits, with $p = -1/2$.")
    doc.result("nngp_exponent", p_nngp, "Fluctuation exponent of the empirical NNGP kernel:")
    doc.say("Empirical NTK (NTK parameterisation): $\\Theta_{12} = \\sum_l (\\delta^l_1\\cdot\\delta^l_2)"
            "(\\sigma_w^2 h^{l-1}_1\\cdot h^{l-1}_2/N + \\sigma_b^2)$, each factor an average over $N$ units that "
            "concentrates at rate $N^{-1/2}$, so again $\\mathrm{Var}(\\Theta_{12}) = A'/N + O(1/N^2)$. Hanin \\& "
            "Nica (2019) compute it for ReLU on the diagonal: $\\mathbb E[\\Theta^2]/\\mathbb E[\\Theta]^2 = "
            "e^{5L/N}$ up to $O(1/N)$ corrections, so")
    Ld = sp.Symbol("L", positive=True)
    rel_var = sp.exp(5 * Ld * eps) - 1
    doc.equal(sp.series(rel_var, eps, 0, 2).removeO(), 5 * Ld * eps,
              "$\\mathrm{Var}(\\Theta)/\\mathbb E[\\Theta]^2 = e^{5L/N} - 1 = 5L/N + O(1/N^2)$: $A' = 5L\\,"
              "\\mathbb E[\\Theta]^2 > 0$,")
    p_ntk = sp.limit(N_ * sp.diff(sp.log(sp.sqrt(sp.exp(5 * Ld / N_) - 1)), N_), N_, sp.oo)
    doc.equal(sp.Limit(N_ * sp.diff(sp.log(sp.sqrt(sp.exp(5 * Ld / N_) - 1)), N_), N_, sp.oo), p_ntk,
              "and the exponent of $\\sqrt{e^{5L/N} - 1}$ at large $N$ (SymPy's limit) is")
    doc.result("ntk_exponent", p_ntk, "Fluctuation exponent of the empirical NTK:")
    doc.references = [REFS[7], "B. Hanin, M. Nica (2019). Finite depth and width corrections to the neural tangent "
                      "kernel. arXiv:1909.05989 (ICLR 2020)."]
