"""Derivation: the asymptotics w(t) = w_hat ln t + w_tilde of gradient descent on the logistic loss
(Soudry, Hoffer, Nacson, Gunasekar & Srebro 2018, Theorem 3), worked exactly on a four-point data
set: the max-margin vector by its KKT conditions, the residual w_tilde from the support equations,
and the predicted direction error at step t."""
from __future__ import annotations

import sympy as sp

from ._document import Document, Result, derivation

SOUDRY = ("D. Soudry, E. Hoffer, M. S. Nacson, S. Gunasekar, N. Srebro. The Implicit Bias of Gradient Descent "
          "on Separable Data. JMLR 19(70) (2018), Theorem 3. arXiv:1710.10345.")

EXAMPLE = {"points": (1.0, 0.5, 0.25, 1.0, -1.0, 0.25, 0.5, -1.0), "dim": 2, "labels": (1, 1, -1, -1)}
Z = [(sp.Integer(1), sp.Rational(1, 2)), (sp.Rational(1, 4), sp.Integer(1)), (sp.Integer(1), sp.Rational(-1, 4)),
     (sp.Rational(-1, 2), sp.Integer(1))]  # z_n = y_n x_n of EXAMPLE
eta, t, u = sp.Symbol("eta", positive=True), sp.Symbol("t", positive=True), sp.Symbol("u", real=True)


def _dot(a, b):
    return sum(x * y for x, y in zip(a, b))


@derivation("implicit-bias", title="Implicit bias of gradient descent: max margin, residual and direction error",
            results=(Result("margin", "max-margin", points=(EXAMPLE,)),
                     Result("direction0", "max-margin-direction", points=({**EXAMPLE, "component": 0},)),
                     Result("direction1", "max-margin-direction", points=({**EXAMPLE, "component": 1},)),
                     Result("residual0", "implicit-bias-residual", symbols=lambda p: {"eta": p["eta"]},
                            points=({**EXAMPLE, "eta": 0.5, "component": 0}, {**EXAMPLE, "eta": 1.5, "component": 0})),
                     Result("residual1", "implicit-bias-residual", symbols=lambda p: {"eta": p["eta"]},
                            points=({**EXAMPLE, "eta": 0.5, "component": 1}, {**EXAMPLE, "eta": 1.5, "component": 1})),
                     Result("error", "implicit-bias-direction-error",
                            symbols=lambda p: {"eta": p["eta"], "t": p["steps"]},
                            points=({**EXAMPLE, "eta": 0.5, "steps": 1e6}, {**EXAMPLE, "eta": 0.5, "steps": 1e12},
                                    {**EXAMPLE, "eta": 2.0, "steps": 1e4}))),
            citation="Soudry, Hoffer, Nacson, Gunasekar and Srebro (2018), Theorem 3")
def implicit_bias(doc: Document) -> None:
    doc.abstract = (r"Gradient descent $w(t+1)=w(t)-\eta\nabla L(w(t))$ on $L(w)=\sum_n\ln(1+e^{-z_n\cdot w})$, "
                    r"$z_n=y_nx_n$ separable, satisfies $w(t)=\hat w\ln t+\tilde w+o(1)$ with $\hat w$ the "
                    r"max-margin vector and $\eta e^{-z_n\cdot\tilde w}=\alpha_n$ on the support vectors "
                    r"(Soudry et al.\ 2018, Theorem 3). We derive the support equations from the ansatz and work "
                    r"them exactly on a four-point data set.")
    doc.assume(r"$\hat w=\arg\min\{|w|^2: z_n\cdot w\ge1\ \forall n\}=\sum_{n\in S}\alpha_nz_n$, $\alpha_n>0$ "
               r"(KKT), $z_n\cdot\hat w=1$ on the support set $S$; $S$ spans $\mathbb{R}^d$ with $|S|=d$.")
    doc.assume(r"$0<\eta<8/\sigma_{\max}(Z)^2$ (the logistic loss is $\tfrac14$-smooth).")
    doc.equal(-sp.Derivative(sp.log(1 + sp.exp(-u)), u), 1 / (1 + sp.exp(u)),
              r"The pull of point $n$ is $-\ell'(z_n\cdot w)$ with")
    doc.say(r"which is $e^{-u}(1+O(e^{-u}))$ for large $u$. Under the ansatz $w=\hat w\ln t+\tilde w+o(1)$ a "
            r"support vector has $e^{-z_n\cdot w}=e^{-z_n\cdot\tilde w}/t\,(1+o(1))$, a point of margin "
            r"$z_n\cdot\hat w=\theta_n>1$ contributes $O(t^{-\theta_n})$, and the step of the ansatz is")
    doc.equal(sp.Derivative(sp.log(t), t), 1 / t, r"$\hat w\,\frac{d}{dt}\ln t$ with",
              lhs_tex=r"\frac{d}{dt}\ln t")
    doc.say(r"Matching the $1/t$ terms: $\eta\sum_{n\in S}e^{-z_n\cdot\tilde w}z_n=\hat w=\sum_{n\in S}\alpha_nz_n$, "
            r"and with $|S|=d$ independent support vectors $z_n\cdot\tilde w=\ln(\eta/\alpha_n)$.")
    doc.say(r"\emph{Example.} $x=(1,\tfrac12),(\tfrac14,1)$ with $y=+1$ and $(-1,\tfrac14),(\tfrac12,-1)$ with "
            r"$y=-1$, so $z_1=(1,\tfrac12)$, $z_2=(\tfrac14,1)$, $z_3=(1,-\tfrac14)$, $z_4=(-\tfrac12,1)$. "
            r"The exact active-set search finds $S=\{3,4\}$.")
    a3, a4 = sp.symbols("alpha_3 alpha_4", positive=True)
    sol = sp.solve([_dot(Z[2], [a3 * Z[2][0] + a4 * Z[3][0], a3 * Z[2][1] + a4 * Z[3][1]]) - 1,
                    _dot(Z[3], [a3 * Z[2][0] + a4 * Z[3][0], a3 * Z[2][1] + a4 * Z[3][1]]) - 1], [a3, a4])
    doc.equal(sol[a3], sp.Rational(128, 49), r"KKT: $z_m\cdot\sum_{n\in S}\alpha_nz_n=1$ for $m\in S$ gives",
              lhs_tex=r"\alpha_3")
    doc.equal(sol[a4], sp.Rational(116, 49), r"and", lhs_tex=r"\alpha_4")
    w = [sol[a3] * Z[2][i] + sol[a4] * Z[3][i] for i in range(2)]
    doc.equal(w[0], sp.Rational(10, 7), r"so $\hat w=\alpha_3z_3+\alpha_4z_4$ has", lhs_tex=r"\hat w_1")
    doc.equal(w[1], sp.Rational(12, 7), r"and", lhs_tex=r"\hat w_2")
    doc.equal(_dot(Z[0], w), sp.Rational(16, 7), r"The other points lie beyond the margin (dual feasibility "
              r"$\alpha>0$ and primal feasibility: KKT holds, so $\hat w$ is optimal):", lhs_tex=r"z_1\cdot\hat w")
    doc.equal(_dot(Z[1], w), sp.Rational(29, 14), r"and", lhs_tex=r"z_2\cdot\hat w")
    norm = sp.sqrt(_dot(w, w))
    doc.result("margin", 1 / norm, r"The margin $\gamma=1/|\hat w|$:", lhs=r"\gamma")
    doc.result("direction0", w[0] / norm, r"The direction $\hat w/|\hat w|$, first coordinate:",
               lhs=r"\hat w_1/|\hat w|")
    doc.result("direction1", w[1] / norm, r"and second:", lhs=r"\hat w_2/|\hat w|")
    w1, w2 = sp.symbols(r"\tilde{w}_1 \tilde{w}_2", real=True)
    res = sp.solve([_dot(Z[2], (w1, w2)) - sp.log(eta / sol[a3]), _dot(Z[3], (w1, w2)) - sp.log(eta / sol[a4])],
                   [w1, w2])
    doc.equal(eta * (sp.exp(-_dot(Z[2], (res[w1], res[w2]))) * Z[2][0] + sp.exp(-_dot(Z[3], (res[w1], res[w2])))
                     * Z[3][0]), w[0],
              r"The support equations $z_n\cdot\tilde w=\ln(\eta/\alpha_n)$, $n=3,4$, solved for $\tilde w$; "
              r"check, first coordinate of $\eta\sum_S e^{-z_n\cdot\tilde w}z_n$:",
              lhs_tex=r"\eta\sum_{n\in S}e^{-z_n\cdot\tilde w}z_{n,1}")
    doc.result("residual0", sp.expand_log(res[w1], force=True), r"The limit $\tilde w$ of $w(t)-\hat w\ln t$, first:",
               lhs=r"\tilde w_1")
    doc.result("residual1", sp.expand_log(res[w2], force=True), r"and second coordinate:",
               lhs=r"\tilde w_2")
    wp = [w[i] * sp.log(t) + (res[w1], res[w2])[i] for i in range(2)]
    doc.say(r"The direction error of $w_p(t)=\hat w\ln t+\tilde w$ is $|w_p/|w_p|-\hat w/|\hat w||="
            r"\sqrt{2-2\cos\varphi}$, $\varphi$ the angle between $w_p$ and $\hat w$; as $t\to\infty$, $\ln t$ "
            r"times it tends to $|P\tilde w|/|\hat w|$, $P$ the projection orthogonal to $\hat w$, while the "
            r"neglected $o(1)$ decays as a power of $t$.")
    phi = sp.Symbol("varphi", positive=True)
    doc.equal(sp.sqrt(2 - 2 * sp.cos(phi)), 2 * sp.sin(phi / 2), r"Without cancellation, for $0\le\varphi\le\pi$:",
              ranges={phi: (0, sp.pi)})
    cross = sp.simplify(sp.expand(wp[0] * w[1] - wp[1] * w[0]))
    doc.equal(sp.Add(wp[0] * w[1], -wp[1] * w[0], evaluate=False), cross,
              r"In the plane $\tan\varphi=(w_{p,1}\hat w_2-w_{p,2}\hat w_1)/(w_p\cdot\hat w)$, and the $\ln t$ "
              r"terms cancel from the numerator:", lhs_tex=r"w_{p,1}\hat w_2-w_{p,2}\hat w_1")
    along = sp.expand(_dot(wp, w))
    doc.equal(sp.Add(wp[0] * w[0], wp[1] * w[1], evaluate=False), along,
              r"and the denominator grows like $|\hat w|^2\ln t=\tfrac{244}{49}\ln t$:",
              lhs_tex=r"w_p\cdot\hat w")
    angle = sp.atan(sp.Abs(cross) / along)
    doc.result("error", 2 * sp.sin(angle / 2), r"The predicted direction error at step $t$ ($w_p\cdot\hat w>0$), "
               r"with the two checked expressions above:",
               lhs=r"\Bigl|\frac{w_p(t)}{|w_p(t)|}-\frac{\hat w}{|\hat w|}\Bigr|",
               rhs_tex=r"2\sin\Bigl(\frac12\arctan\frac{|w_{p,1}\hat w_2-w_{p,2}\hat w_1|}{w_p\cdot\hat w}\Bigr)")
    doc.references = [SOUDRY]
