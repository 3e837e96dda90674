"""Shared by the mean-field derivations: symbols, references, Gaussian-integral helpers and the identity table.

Gaussian integrals SymPy cannot do (the arc-cosine and erf kernels, two-dimensional
orthant integrals) enter through a small table of identities, each checked here with
mpmath quadrature at several points before it is used (``gaussian_table``); the PDFs say so.
"""
from __future__ import annotations

import sympy as sp

from .._layout import latex
from .._document import StepFailed

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


def gauss_integral(expr):
    """The unevaluated Gaussian integral (for display on the left of a checked step)."""
    return sp.Integral(expr * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, -sp.oo, sp.oo))


def gauss(expr):
    """E over z ~ N(0, 1) of expr(z), by SymPy integration."""
    return sp.integrate(expr * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, -sp.oo, sp.oo))


# ----------------------------------------------------------------------------- identity table
def relu_kernel(a, b, r):
    c = r / sp.sqrt(a * b)
    t = sp.acos(c)
    return sp.sqrt(a * b) * (sp.sqrt(1 - c**2) + (sp.pi - t) * c) / (2 * sp.pi)


def relu_kernel0(a, b, r):
    return (sp.pi - sp.acos(r / sp.sqrt(a * b))) / (2 * sp.pi)


def erf_kernel(a, b, r):
    return 2 / sp.pi * sp.asin(2 * r / sp.sqrt((1 + 2 * a) * (1 + 2 * b)))


def erf_kernel_d(a, b, r):
    return 4 / sp.pi / sp.sqrt((1 + 2 * a) * (1 + 2 * b) - 4 * r**2)


def gaussian_table():
    """[(name, latex, closed form in a, b, r, inner)] where inner(alpha, beta) = E_y[g(alpha + beta y)].

    E[f(u1) g(u2)] = E_x[f(sqrt(a) x) inner(sqrt(b) c x, sqrt(b) s)], c = r/sqrt(ab), s = sqrt(1-c^2):
    the inner one-dimensional Gaussian expectations are elementary and are themselves checked
    against one-dimensional quadrature in ``check_table``.
    """
    import mpmath as m

    a, b, r = sp.symbols("a b r")
    relu = lambda x: x if x > 0 else 0
    step = lambda x: 1 if x > 0 else 0
    rows = [
        ("relu-relu", r"\mathbb{E}[\mathrm{relu}(u_1)\mathrm{relu}(u_2)]", relu_kernel(a, b, r), relu,
         relu, lambda al, be: al * m.ncdf(al / be) + be * m.npdf(al / be)),
        ("step-step", r"\mathbb{E}[\Theta(u_1)\Theta(u_2)]", relu_kernel0(a, b, r), step, step,
         lambda al, be: m.ncdf(al / be)),
        ("erf-erf", r"\mathbb{E}[\mathrm{erf}(u_1)\mathrm{erf}(u_2)]", erf_kernel(a, b, r), m.erf, m.erf,
         lambda al, be: m.erf(al / m.sqrt(1 + 2 * be * be))),
        ("erf'-erf'", r"\mathbb{E}[\mathrm{erf}'(u_1)\mathrm{erf}'(u_2)]", erf_kernel_d(a, b, r),
         lambda x: 2 / m.sqrt(m.pi) * m.exp(-x * x), lambda x: 2 / m.sqrt(m.pi) * m.exp(-x * x),
         lambda al, be: 2 / m.sqrt(m.pi) * m.exp(-al * al / (1 + 2 * be * be)) / m.sqrt(1 + 2 * be * be)),
    ]
    return a, b, r, rows


TABLE_POINTS = ((1.0, 1.0, 0.5), (0.7, 2.0, -0.4), (1.5, 0.8, 0.9))


def check_table(doc):
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
            lines.append(f"${tex} = {latex(closed)}$ (max. deviation {worst:.0e})")
    doc.say("Gaussian identity table. SymPy cannot evaluate these two-dimensional Gaussian integrals, "
            "so each closed form below, for $(u_1, u_2) \\sim \\mathcal N(0, [[a, r], [r, b]])$, was "
            "checked with 20-digit mpmath quadrature when this document was built, at $(a, b, r) \\in "
            "\\{(1, 1, 0.5), (0.7, 2, -0.4), (1.5, 0.8, 0.9)\\}$ (outer integral numerical, inner Gaussian "
            "expectation in elementary closed form, itself checked by one-dimensional quadrature): "
            + "; ".join(lines) + ". The ReLU rows are Cho \\& Saul's arc-cosine kernels $k_1/2$ and $k_0/2$; "
            "the erf row is Williams (1997).")


