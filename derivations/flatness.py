"""Derivation: local entropy of a quadratic minimum, Entropy-SGD's gradient there, and the log-det
flatness as a flatness preference, a mutual information and a description length."""
from __future__ import annotations

import sympy as sp

from ._document import Document, Result, derivation

CHAUDHARI = ("P. Chaudhari, A. Choromanska, S. Soatto, Y. LeCun, C. Baldassi, C. Borgs, J. Chayes, L. Sagun, "
             "R. Zecchina. Entropy-SGD: biasing gradient descent into wide valleys. ICLR (2017), arXiv:1611.01838, "
             "Eq. (3) (local entropy) and Eq. (7) (its gradient).")
HOCHREITER = "S. Hochreiter, J. Schmidhuber. Flat minima. Neural Computation 9(1), 1--42 (1997)."
MACKAY = "D. J. C. MacKay. A practical Bayesian framework for backpropagation networks. Neural Computation 4 (1992)."

gam = sp.Symbol("gamma", positive=True)
t, s = sp.symbols("t s", real=True)
a = sp.Symbol("a", positive=True)
tol = sp.Symbol("varepsilon", positive=True)


def lam_(i=""):
    return sp.Symbol(f"lambda{i}", nonnegative=True)


def d_(i=""):
    return sp.Symbol(f"d{i}", real=True)


def one_dim(lam, d):
    """The contribution of one eigen-direction to F."""
    return sp.log(2 * sp.pi) / 2 - sp.log(lam + gam) / 2 - gam * lam * d**2 / (2 * (lam + gam))


def total(n: int):
    return sp.Add(*[one_dim(lam_(i), d_(i)) for i in range(1, n + 1)])


def flat_total(n: int):
    return sp.Add(*[sp.log(1 + lam_(i) / gam) / 2 for i in range(1, n + 1)])


def _entropy_symbols(point: dict) -> dict:
    lam = point["eigenvalues"]
    d = point.get("displacement") or (0.0,) * len(lam)
    out = {"gamma": point["gamma"]}
    for i, (l, x) in enumerate(zip(lam, d), start=1):
        out[f"lambda{i}"], out[f"d{i}"] = l, x
    return out


def _flat_symbols(point: dict) -> dict:
    return {k: v for k, v in _entropy_symbols(point).items() if not k.startswith("d")}


def _gradient_symbols(point: dict) -> dict:
    k = point["component"] - 1
    return {"gamma": point["gamma"], "lambda": point["eigenvalues"][k], "d": point["displacement"][k]}


_F2 = ({"eigenvalues": (1.0, 4.0), "gamma": 1.0}, {"eigenvalues": (0.3, 7.0), "gamma": 0.5, "displacement": (1.0, -2.0)})
_F3 = ({"eigenvalues": (0.5, 2.0, 8.0), "gamma": 2.0, "displacement": (0.3, -0.2, 0.1)},
       {"eigenvalues": (1.0, 1.0, 3.0), "gamma": 0.5, "displacement": (1.0, 0.0, -0.5)})
_FLAT2 = ({"eigenvalues": (1.0, 4.0), "gamma": 1.0}, {"eigenvalues": (0.0, 100.0), "gamma": 0.1})
_FLAT3 = ({"eigenvalues": (0.5, 2.0, 8.0), "gamma": 2.0},)


@derivation("local-entropy-flatness", title="Local entropy of a quadratic minimum, Entropy-SGD's gradient, "
                                            "and the log-det flatness",
            results=(Result("F2", "local-entropy-quadratic", symbols=_entropy_symbols, points=_F2),
                     Result("F3", "local-entropy-quadratic", symbols=_entropy_symbols, points=_F3),
                     Result("grad", "entropy-sgd-gradient-quadratic", symbols=_gradient_symbols),
                     Result("flat2", "logdet-flatness", symbols=_flat_symbols, points=_FLAT2),
                     Result("flat3", "logdet-flatness", symbols=_flat_symbols, points=_FLAT3)),
            citation="Chaudhari et al. (2017), Eq. (3) and (7); Hochreiter and Schmidhuber (1997); derived here")
def local_entropy_quadratic(doc: Document) -> None:
    lam, d = lam_(), d_()
    doc.abstract = (r"For the quadratic minimum $f(x')=\tfrac12(x'-x^*)^\top A(x'-x^*)$ the local entropy "
                    r"$F(x;\gamma)=\ln\int e^{-f(x')-\frac\gamma2|x-x'|^2}dx'$ of Chaudhari et al.\ (2017) is a "
                    r"Gaussian integral. We compute it, its gradient $-\nabla F=\gamma(x-\langle x'\rangle)$, and "
                    r"show that its flatness part $\tfrac12\ln\det(I+A/\gamma)$ is the preference between minima "
                    r"of equal depth, the information that Gaussian weights carry, and the Hochreiter--Schmidhuber "
                    r"description length up to constants.")
    doc.assume(r"$A=Q\Lambda Q^\top$ symmetric with eigenvalues $\lambda_i\ge0$, $Q$ orthogonal; $\gamma>0$; "
               r"$d=Q^\top(x-x^*)$ the displacement in the eigenbasis; $f(x^*)=0$ (the depth enters additively).")
    doc.say(r"Substitute $t=Q^\top(x'-x^*)$ (Jacobian 1). Then $f(x')=\sum_i\lambda_i t_i^2/2$ and "
            r"$|x-x'|^2=|Q^\top(x-x')|^2=|d-t|^2$, so the integrand is a product over eigen-directions and $F$ "
            r"is a sum of one-dimensional terms. In one direction, complete the square:")
    mu = gam * d / (lam + gam)
    doc.equal(lam * t**2 / 2 + gam * (d - t) ** 2 / 2, (lam + gam) * (t - mu) ** 2 / 2 + gam * lam * d**2 / (2 * (lam + gam)),
              r"with $\mu=\gamma d/(\lambda+\gamma)$,")
    doc.equal(sp.Integral(sp.exp(-a * s**2 / 2), (s, -sp.oo, sp.oo)), sp.sqrt(2 * sp.pi / a),
              r"and the Gaussian integral ($s=t-\mu$, $a=\lambda+\gamma>0$)")
    doc.equal(sp.log(sp.sqrt(2 * sp.pi / (lam + gam)) * sp.exp(-gam * lam * d**2 / (2 * (lam + gam)))),
              one_dim(lam, d), r"gives the contribution of one direction:", lhs_tex=r"F_1(d)")
    doc.result("F2", total(2), r"Two directions ($n=2$), $F(x;\gamma)=F_1(d_1)+F_1(d_2)$ (each further direction "
                               r"adds one more term; the quantity sums over all $n$):", lhs=r"F(x;\gamma)")
    doc.result("F3", total(3), r"and three ($n=3$):", lhs=r"F(x;\gamma)")
    doc.say(r"\emph{Entropy-SGD's gradient.} The tilted measure $\propto e^{-f(x')-\frac\gamma2|x-x'|^2}$ is, by "
            r"the completed square, Gaussian with mean $\mu$ in each direction (precision $\lambda+\gamma$), so "
            r"$\langle t\rangle=\mu$ and $\gamma(d-\langle t\rangle)$ is:")
    grad = doc.equal(gam * (d - mu), gam * lam * d / (lam + gam), r"$\gamma(x-\langle x'\rangle)$ in one direction,",
                     lhs_tex=r"\gamma\,(d-\langle t\rangle)")
    doc.equal(-sp.Derivative(one_dim(lam, d), d), grad, r"which is $-\partial F/\partial d$, as Eq.~(7) of "
                                                        r"Chaudhari et al.\ states for any $f$:")
    doc.result("grad", grad, r"Component $k$ of $-\nabla F$ in the eigenbasis ($\lambda=\lambda_k$, $d=d_k$): the "
                             r"plain gradient $\lambda d$ shrunk by $\gamma/(\lambda+\gamma)$:",
               lhs=r"-\frac{\partial F}{\partial d_k}")
    doc.say(r"\emph{Flatness.} At the centre ($d=0$) of a minimum of depth $f(x^*)$, $F$ is $-f(x^*)$ plus the "
            r"value of a flat landscape, $\tfrac n2\ln(2\pi/\gamma)$, minus a term that depends on the curvature "
            r"only. Between two minima of equal depth local entropy prefers the one where that term is smaller:")
    doc.equal(sp.log(2 * sp.pi / gam) / 2 - one_dim(lam, 0), sp.log(1 + lam / gam) / 2,
              r"in one direction,", lhs_tex=r"\tfrac12\ln\tfrac{2\pi}{\gamma}-F_1(0)")
    doc.result("flat2", flat_total(2), r"The log-det flatness, two directions:",
               lhs=r"\tfrac12\ln\det(I+A/\gamma)")
    doc.result("flat3", flat_total(3), r"and three:", lhs=r"\tfrac12\ln\det(I+A/\gamma)")
    doc.say(r"\emph{Information in Gaussian weights.} Read $e^{-\frac\gamma2|x-x'|^2}$ as a Gaussian prior on "
            r"the weights $x'$ (precision $\gamma$) and $e^{-f(x')}$ as a likelihood: the posterior is Gaussian "
            r"with precision $A+\gamma I$. A Gaussian of precision $p$ has differential entropy "
            r"$\tfrac12\ln(2\pi e/p)$, so the information the data put into the weights (prior minus posterior "
            r"entropy, the mutual information for this linear-Gaussian model) is, per direction,")
    doc.equal(sp.log(2 * sp.pi * sp.E / gam) / 2 - sp.log(2 * sp.pi * sp.E / (lam + gam)) / 2,
              sp.log(1 + lam / gam) / 2, r"the same term:", lhs_tex=r"h(\mathrm{prior})-h(\mathrm{posterior})")
    doc.say(r"Equally, $F-\tfrac n2\ln\tfrac{2\pi}\gamma$ is the log evidence $\ln\int N(x';x,I/\gamma)"
            r"e^{-f(x')}dx'$, and the log-det term is its Occam factor (MacKay 1992).")
    doc.say(r"\emph{Description length.} Hochreiter and Schmidhuber (1997) code a flat minimum by a box in "
            r"weight space on which the loss stays within a tolerance $\varepsilon$; the box's half-widths "
            r"along the eigen-directions of a quadratic are $\Delta_i=\sqrt{2\varepsilon/\lambda_i}$ and the "
            r"code length of the weights to that precision is $-\sum_i\ln(2\Delta_i)$ nats:")
    doc.equal(-sp.log(2 * sp.sqrt(2 * tol / lam)), sp.log(lam) / 2 - sp.log(8 * tol) / 2,
              r"in one direction ($\lambda>0$),", lhs_tex=r"-\ln(2\Delta)")
    doc.equal(sp.log(1 + lam / gam) / 2 - (sp.log(lam) / 2 - sp.log(gam) / 2), sp.log(1 + gam / lam) / 2,
              r"and the log-det term differs from $\tfrac12\ln\lambda$ by a constant and a remainder that "
              r"vanishes for $\lambda\gg\gamma$:")
    doc.say(r"So for $\lambda_i\gg\gamma$ the log-det flatness is the description length up to the constants "
            r"$\tfrac n2\ln(8\varepsilon/\gamma)$. \emph{Small curvature} (the Monte Carlo check's power test): "
            r"to first order in $\lambda/\gamma$ the direction contributes")
    doc.equal(sp.Subs(sp.Derivative(one_dim(lam, d), lam), lam, 0), -1 / (2 * gam) - d**2 / 2,
              r"that is, $F_1\approx\tfrac12\ln\tfrac{2\pi}{\gamma}-\tfrac{\lambda}{2\gamma}-\tfrac{\lambda d^2}2$, "
              r"whose slope at $\lambda=0$ is")
    doc.references = [CHAUDHARI, HOCHREITER, MACKAY]
