"""Derivations for the information quantities: the Gaussian information bottleneck (critical betas
and the information curve), the Gaussian pairwise distances of the Kolchinsky-Tracey bounds, linear
Gaussian layers, the information in the weights of Bayesian linear regression and the KL-optimal
Gaussian posterior of a quadratic loss."""
from __future__ import annotations

import sympy as sp

from ._document import Document, Result, derivation

CHECHIK = ("G. Chechik, A. Globerson, N. Tishby, Y. Weiss. Information bottleneck for Gaussian variables. "
           "JMLR 6 (2005) 165--188.")
KT = ("A. Kolchinsky, B. D. Tracey. Estimating mixture entropy with pairwise distances. Entropy 19 (2017) 361. "
      "arXiv:1706.02419.")
AS = ("A. Achille, S. Soatto. Emergence of invariance and disentanglement in deep representations. "
      "JMLR 19 (2018) 1--34. arXiv:1706.01350.")
CT = "T. M. Cover, J. A. Thomas. Elements of Information Theory, 2nd ed. Wiley (2006)."

x = sp.Symbol("x", real=True)
s = sp.Symbol("s", positive=True)


def _ib_symbols(point: dict, n: int) -> dict:
    values = sorted(point["eigenvalues"])
    out = {f"lambda_{i + 1}": values[i] for i in range(n)}
    out["I"] = point["info_x"]
    return out


# ----------------------------------------------------------------------------- Gaussian IB
@derivation("gaussian-ib", title="The Gaussian information bottleneck: critical betas and the information curve",
            results=(Result("critical_beta", "gaussian-ib-critical-beta",
                            symbols=lambda p: {"lambda": sorted(p["eigenvalues"])[p["index"] - 1]},
                            points=({"eigenvalues": [0.1, 0.5, 0.9], "index": 2}, {"eigenvalues": [0.25], "index": 1},
                                    {"eigenvalues": [0.05, 0.2, 0.7, 1.0], "index": 3})),
                     Result("curve_1", "gaussian-ib-curve", symbols=lambda p: _ib_symbols(p, 1),
                            points=({"eigenvalues": [0.3], "info_x": 0.5}, {"eigenvalues": [0.1, 0.5, 0.9], "info_x": 1.0},
                                    {"eigenvalues": [0.3], "info_x": 7.0})),
                     Result("curve_2", "gaussian-ib-curve", symbols=lambda p: _ib_symbols(p, 2),
                            points=({"eigenvalues": [0.1, 0.5, 0.9], "info_x": 2.0},
                                    {"eigenvalues": [0.2, 0.6, 1.0], "info_x": 3.0})),
                     Result("curve_3", "gaussian-ib-curve", symbols=lambda p: _ib_symbols(p, 3),
                            points=({"eigenvalues": [0.1, 0.5, 0.9], "info_x": 4.0},
                                    {"eigenvalues": [0.05, 0.2, 0.7, 1.0], "info_x": 4.0}))),
            citation="Chechik, Globerson, Tishby & Weiss (2005), Theorem 3.1 and Sec. 5")
def gaussian_ib(doc: Document) -> None:
    doc.abstract = (r"For jointly Gaussian $(X,Y)$ the optimal bottleneck $T=AX+\xi$ is a noisy projection on "
                    r"the left eigenvectors of $\Sigma_{x|y}\Sigma_x^{-1}$ (eigenvalues $\lambda_1\le\lambda_2\le"
                    r"\dots$). Component by component we derive where each eigenvector switches on, "
                    r"$\beta_i^c=1/(1-\lambda_i)$, and the information curve on the segment with $n$ active components, "
                    r"$I_Y=I_X-\frac n2\ln\big(\prod_{i\le n}(1-\lambda_i)^{1/n}"
                    r"+e^{2I_X/n}\prod_{i\le n}\lambda_i^{1/n}\big)$.")
    doc.assume(r"Chechik et al. (2005), Theorem 3.1: the optimal encoder is $T=AX+\xi$, $\xi\sim N(0,I)$, with rows "
               r"$\alpha_i v_i^T$ on the left eigenvectors $v_i$ of $\Sigma_{x|y}\Sigma_x^{-1}$. In canonical "
               r"coordinates ($v_i^T\Sigma_x v_j=\delta_{ij}$) the components are independent, $x_i$ has unit "
               r"variance and $\mathrm{Var}(x_i|Y)=\lambda_i$, so the informations add over components. "
               r"The optimality itself (over all encoders) is the paper's theorem and is not re-proved here; "
               r"\texttt{dltheory verify gaussian-ib-random-encoders} tests it on random encoders.")
    q, lam, beta = sp.symbols("q lambda beta", positive=True)
    ix = doc.equal(sp.log(2 * sp.pi * sp.E * (q + 1)) / 2 - sp.log(2 * sp.pi * sp.E) / 2, sp.log(1 + q) / 2,
                   r"One component $t=a x_i+\xi$ with $q=a^2$: $I(t;X)=h(t)-h(t|X)$, both Gaussian "
                   r"(Cover \& Thomas 2006, Thm 8.4.1):")
    iy = doc.equal(sp.log(1 + q) / 2 - sp.log(1 + q * lam) / 2, sp.log((1 + q) / (1 + q * lam)) / 2,
                   r"and $\mathrm{Var}(t|Y)=q\lambda+1$, so $I(t;Y)=h(t)-h(t|Y)$ is")
    lagr = ix - beta * iy
    doc.equal(sp.Subs(sp.Derivative(lagr, q), q, 0), (1 - beta * (1 - lam)) / 2,
                    r"The Lagrangian $\mathcal L=I(t;X)-\beta I(t;Y)$ at $q=0$ has slope")
    doc.say(r"so switching the component on lowers $\mathcal L$ exactly when $\beta(1-\lambda)>1$.")
    qstar = (beta * (1 - lam) - 1) / lam
    doc.equal(sp.simplify(sp.diff(lagr, q).subs(q, qstar)), 0,
              r"Stationary point: $\partial_q\mathcal L=0$ at $q^*=(\beta(1-\lambda)-1)/\lambda$ "
              r"(Chechik et al.'s $\alpha_i^2 r_i$):", lhs_tex=r"\partial_q\mathcal L\big|_{q^*}")
    doc.equal(qstar.subs(beta, 1 / (1 - lam)), 0, r"It is positive for $\beta>1/(1-\lambda)$ and vanishes at",
              lhs_tex=r"q^*\big|_{\beta=1/(1-\lambda)}")
    doc.result("critical_beta", 1 / (1 - lam), r"Critical tradeoff of the component with eigenvalue $\lambda$:",
               lhs=r"\beta_c")
    doc.equal(1 + qstar * lam, beta * (1 - lam), r"At the optimum $1+q^*\lambda$ is", lhs_tex=r"1+q^*\lambda")
    doc.equal(1 + qstar, (beta - 1) * (1 - lam) / lam, r"and $1+q^*$ is", lhs_tex=r"1+q^*")
    I = sp.Symbol("I", positive=True)
    for n in (1, 2, 3):
        lams = sp.symbols(f"lambda_1:{n + 1}", positive=True)
        rng = {li: (sp.Rational(1, 50), sp.Rational(49, 50)) for li in lams}
        total_x = sum(sp.log((beta - 1) * (1 - li) / li) for li in lams) / 2
        b_of_i = 1 + sp.exp(2 * I / n) * sp.prod([li / (1 - li) for li in lams]) ** sp.Rational(1, n)
        doc.equal(total_x.subs(beta, b_of_i), I,
                  rf"$n={n}$ active components: $I_X=\frac12\sum_i\ln\frac{{(\beta-1)(1-\lambda_i)}}{{\lambda_i}}$ "
                  rf"is inverted by $\beta=1+e^{{2I/n}}\prod_i(\lambda_i/(1-\lambda_i))^{{1/n}}$:",
                  ranges=rng, numeric_only=True, lhs_tex=r"I_X\big|_{\beta(I)}")
        total_y = I - sum(sp.log(beta * (1 - li)) for li in lams) / 2
        curve = I - sp.Rational(n, 2) * sp.log(sp.prod([1 - li for li in lams]) ** sp.Rational(1, n)
                                               + sp.exp(2 * I / n) * sp.prod(lams) ** sp.Rational(1, n))
        doc.equal(total_y.subs(beta, b_of_i), curve,
                  r"and $I_Y=I_X-\frac12\sum_i\ln(\beta(1-\lambda_i))$ becomes the information curve:",
                  ranges=rng, numeric_only=True, lhs_tex=r"I_Y\big|_{\beta(I)}")
        doc.result(f"curve_{n}", curve, rf"Information curve on the segment with {n} active component(s):", lhs=r"I_Y(I_X)")
    doc.say(r"Component $n+1$ enters at $\beta=1/(1-\lambda_{n+1})$, i.e. at "
            r"$I_X=\frac12\sum_{i\le n}\ln\frac{\lambda_{n+1}(1-\lambda_i)}{(1-\lambda_{n+1})\lambda_i}$, "
            r"where the segments join (\texttt{gaussian\_ib\_segments}); as $I_X\to\infty$ the curve tends to "
            r"$I(X;Y)=-\frac12\sum_i\ln\lambda_i$.")
    doc.references = [CHECHIK, CT]


# ----------------------------------------------------------------------------- KT bounds
def _mixture_symbols(point: dict) -> dict:
    return {**{f"c{i + 1}": c for i, c in enumerate(point["centers"])}, "s": point["noise"]}


@derivation("mixture-information-bounds",
            title="Pairwise-distance bounds on the information of a noisy layer: "
                  "the Gaussian KL and Bhattacharyya distances",
            results=(Result("kl_upper_3", "mixture-information-kl-upper", symbols=_mixture_symbols,
                            points=({"centers": [0.0, 0.5, 2.0], "dim": 1, "noise": 0.6},
                                    {"centers": [0.3, -1.0, 0.9], "dim": 1, "noise": 1.5})),
                     Result("bhattacharyya_lower_3", "mixture-information-bhattacharyya-lower", symbols=_mixture_symbols,
                            points=({"centers": [0.0, 0.5, 2.0], "dim": 1, "noise": 0.6},
                                    {"centers": [0.3, -1.0, 0.9], "dim": 1, "noise": 1.5}))),
            citation="Kolchinsky & Tracey (2017), the KL upper and Chernoff/Bhattacharyya lower pairwise bounds")
def mixture_bounds(doc: Document) -> None:
    doc.abstract = (r"For $X$ uniform on $K$ inputs and $T=\mu_X+sZ$, $I(X;T)=H(T)-H(T|X)$ with $H(T)$ the entropy "
                    r"of a Gaussian mixture. Kolchinsky \& Tracey bound $H(T)$ by pairwise distances between the "
                    r"components; for equal isotropic covariances the KL divergence is $|\mu_i-\mu_j|^2/(2s^2)$ and "
                    r"the Bhattacharyya distance $|\mu_i-\mu_j|^2/(8s^2)$, which we derive, giving "
                    r"$-\frac1K\sum_i\ln\frac1K\sum_j e^{-D_{ij}}$ as upper (KL) and lower (Bhattacharyya) bounds.")
    doc.assume(r"Kolchinsky \& Tracey (2017): for a mixture $\sum_i c_i p_i$, "
               r"$H\le\sum_i c_iH(p_i)-\sum_i c_i\ln\sum_j c_j e^{-\mathrm{KL}(p_i\|p_j)}$ and "
               r"$H\ge\sum_i c_iH(p_i)-\sum_i c_i\ln\sum_j c_j e^{-C_\alpha(p_i\|p_j)}$ for the Chernoff "
               r"$\alpha$-divergence; $\alpha=1/2$ is the Bhattacharyya distance. Taken from the paper, not re-proved.")
    a, b = sp.symbols("a b", real=True)
    p = sp.exp(-(x - a) ** 2 / (2 * s**2)) / sp.sqrt(2 * sp.pi * s**2)
    log_ratio = sp.expand(((x - b) ** 2 - (x - a) ** 2) / (2 * s**2))
    doc.equal(sp.integrate(p * log_ratio, (x, -sp.oo, sp.oo)), (a - b) ** 2 / (2 * s**2),
              r"In one coordinate, $\ln p_a-\ln p_b=((x-b)^2-(x-a)^2)/(2s^2)$; SymPy integrates it against $p_a$:",
              lhs_tex=r"\mathrm{KL}(p_a\|p_b)=\int_{-\infty}^{\infty}p_a(x)\ln\frac{p_a(x)}{p_b(x)}\,dx")
    root = sp.exp(-((x - a) ** 2 + (x - b) ** 2) / (4 * s**2)) / sp.sqrt(2 * sp.pi * s**2)
    doc.equal(-sp.log(sp.integrate(root, (x, -sp.oo, sp.oo))), (a - b) ** 2 / (8 * s**2),
              r"Bhattacharyya distance, with $\sqrt{p_ap_b}=e^{-((x-a)^2+(x-b)^2)/(4s^2)}/\sqrt{2\pi s^2}$ "
              r"integrated by SymPy:",
              lhs_tex=r"-\ln\int_{-\infty}^{\infty}\sqrt{p_a(x)p_b(x)}\,dx")
    doc.say(r"Both are sums over coordinates for isotropic $N(\mu,s^2I_k)$, so in $k$ dimensions $(a-b)^2$ becomes "
            r"$|\mu_i-\mu_j|^2$. Since $H(T|X)=\sum_i c_iH(p_i)$, the entropy terms cancel in $I(X;T)$.")
    cs = sp.symbols("c1:4", real=True)
    for key, div, text in (("kl_upper_3", 2, "KL upper bound"), ("bhattacharyya_lower_3", 8, "Bhattacharyya lower bound")):
        expr = -sp.Rational(1, 3) * sum(sp.log(sp.Rational(1, 3) * sum(sp.exp(-(ci - cj) ** 2 / (div * s**2))
                                                                          for cj in cs)) for ci in cs)
        doc.result(key, expr, rf"{text} for three centres $c_1,c_2,c_3$ on a line (the general form with $K=3$):", lhs=r"I(X;T)", relation=("<=" if key.startswith("kl") else ">="))
    doc.references = [KT]


# ----------------------------------------------------------------------------- linear layers
@derivation("linear-layer-information", title="Information of a linear Gaussian layer",
            results=(Result("info_x_one_unit", "linear-layer-information-x",
                            symbols=lambda p: {"w1": p["weights"][0], "w2": p["weights"][1], "s": p["noise"]},
                            points=({"weights": [0.8, -0.4], "rows": 1, "noise": 0.5},)),
                     Result("info_y_one_unit", "linear-layer-information-y",
                            symbols=lambda p: {"w1": p["weights"][0], "w2": p["weights"][1], "s": p["noise"],
                                               "u1": p["teacher"][0], "u2": p["teacher"][1], "sigma": p["teacher_noise"]},
                            points=({"weights": [0.8, -0.4], "rows": 1, "noise": 0.5, "teacher": [1.0, 0.5],
                                     "teacher_noise": 0.3},))),
            citation="Cover & Thomas (2006), Thm 8.4.1; Gaussian conditioning")
def linear_layer(doc: Document) -> None:
    doc.abstract = (r"$X\sim N(0,I_d)$, $T=WX+N(0,s^2I_k)$, $Y=u\cdot X+N(0,\sigma^2)$: "
                    r"$I(X;T)=\frac12\ln\det(I+WW^T/s^2)$ and $I(T;Y)=\frac12\ln\frac{\mathrm{Var}\,Y}{\mathrm{Var}(Y|T)}$ "
                    r"with the Schur complement $\mathrm{Var}(Y|T)=|u|^2+\sigma^2-u^TW^T(WW^T+s^2I)^{-1}Wu$.")
    doc.assume(r"Differential entropy of $N(m,K)$ in $\mathbb R^k$: $\frac12\ln((2\pi e)^k\det K)$ "
               r"(Cover \& Thomas 2006, Thm 8.4.1).")
    w = sp.Matrix(2, 2, sp.symbols("w11 w12 w21 w22", real=True))
    doc.equal((w * w.T / s**2 + sp.eye(2)).det(), (w.T * w / s**2 + sp.eye(2)).det(),
              r"$h(T)-h(T|X)=\frac12\ln\det(WW^T+s^2I)-\frac12\ln\det(s^2I)$; the determinant is the same on "
              r"either side (Sylvester), here for $2\times2$ $W$:", lhs_tex=r"\det(I+WW^T/s^2)")
    w1, w2, u1, u2 = sp.symbols("w1 w2 u1 u2", real=True)
    sigma = sp.Symbol("sigma", positive=True)
    W = sp.Matrix([[w1, w2]])
    info_x = sp.log((W * W.T / s**2 + sp.eye(1)).det()) / 2
    doc.result("info_x_one_unit", info_x, r"One unit, $d=2$: $I(X;T)=\frac12\ln(1+|w|^2/s^2)$:", lhs=r"I(X;T)")
    u = sp.Matrix([u1, u2])
    var_y = (u.T * u)[0] + sigma**2
    cov_ty = (W * u)[0]
    var_t = (W * W.T)[0] + s**2
    joint = sp.Matrix([[var_t, cov_ty], [cov_ty, var_y]])
    doc.equal(sp.log(var_t * var_y / joint.det()) / 2, sp.log(var_y / (var_y - cov_ty**2 / var_t)) / 2,
              r"$I(T;Y)=h(T)+h(Y)-h(T,Y)=\frac12\ln\frac{\mathrm{Var}\,T\,\mathrm{Var}\,Y}{\det\mathrm{Cov}(T,Y)}$, "
              r"the Schur complement form:")
    doc.result("info_y_one_unit", sp.log(var_y / (var_y - cov_ty**2 / var_t)) / 2, r"One unit, $d=2$:", lhs=r"I(Y;T)")
    doc.references = [CT]


# ----------------------------------------------------------------------------- weights
@derivation("bayes-weight-information", title="The information in the weights of Bayesian linear regression",
            results=(Result("one_feature", "bayes-linear-weight-information",
                            symbols=lambda p: {"x1": p["design"][0], "x2": p["design"][1], "x3": p["design"][2],
                                               "lambda": p["prior_std"], "s": p["noise"]},
                            points=({"design": [1.0, 0.5, -1.0], "rows": 3, "prior_std": 1.0, "noise": 0.5},
                                    {"design": [0.2, 2.0, 0.0], "rows": 3, "prior_std": 0.3, "noise": 1.2})),),
            citation="Achille & Soatto (2018), the information in the weights I(w;D)")
def bayes_weights(doc: Document) -> None:
    doc.abstract = (r"With $w\sim N(0,\lambda^2I_p)$ and $y=Xw+N(0,s^2I_n)$, "
                    r"$I(w;y)=h(y)-h(y|w)=\frac12\ln\det(I_n+\lambda^2XX^T/s^2)=\frac12\ln\det(I_p+\lambda^2X^TX/s^2)$.")
    doc.assume(r"The design $X$ is fixed (the information is about $w$ given the inputs); Gaussian prior and noise.")
    lam_ = sp.Symbol("lambda", positive=True)
    xs = sp.symbols("x1:4", real=True)
    X = sp.Matrix(3, 1, xs)
    doc.equal((lam_**2 * X * X.T + s**2 * sp.eye(3)).det() / s**6, 1 + lam_**2 * (X.T * X)[0] / s**2,
              r"$y$ has covariance $\lambda^2XX^T+s^2I$ and $y|w$ has $s^2I$; for one feature and three samples "
              r"the ratio of determinants is (matrix determinant lemma)",
              lhs_tex=r"\det(\lambda^2XX^T+s^2I)/\det(s^2I)")
    doc.result("one_feature", sp.log(1 + lam_**2 * (X.T * X)[0] / s**2) / 2,
               r"$I(w;D)$ for one feature, $n=3$:", lhs=r"I(w;D)")
    doc.references = [AS, CT]


@derivation("gaussian-posterior", title="The KL-optimal Gaussian posterior of a quadratic loss and its KL",
            results=(Result("kl_one_direction", "gaussian-posterior-kl",
                            symbols=lambda p: {"h": p["hessian"][0], "m": p["minimizer"][0], "beta": p["beta"],
                                               "lambda": p["prior_std"]},
                            points=({"hessian": [2.0], "minimizer": [3.0], "beta": 1.0, "prior_std": 0.5},
                                    {"hessian": [0.01], "minimizer": [-1.0], "beta": 0.2, "prior_std": 2.0})),),
            citation="Achille & Soatto (2018), the information Lagrangian for the weights")
def gaussian_posterior(doc: Document) -> None:
    doc.abstract = (r"Minimise $E_Q[L]+\beta\,\mathrm{KL}(Q\|P)$ over $Q=N(\mu,\Sigma)$ for "
                    r"$L(w)=L_0+\frac12(w-w^*)^TH(w-w^*)$ and $P=N(0,\lambda^2I)$: "
                    r"$\Sigma^*=\beta(H+\beta\lambda^{-2}I)^{-1}$, $\mu^*=(H+\beta\lambda^{-2}I)^{-1}Hw^*$. "
                    r"In $H$'s eigenbasis the problem separates; we solve one direction.")
    doc.assume(r"Achille \& Soatto (2018) pose this Lagrangian with the cross-entropy as $L$; its quadratic "
               r"(Laplace) approximation is taken here with the factor $\frac12$ shown.")
    h = sp.Symbol("h", nonnegative=True)
    m = sp.Symbol("m", real=True)
    mu = sp.Symbol("mu", real=True)
    v, beta, lam_ = sp.symbols("v beta lambda", positive=True)
    kl = (v / lam_**2 + mu**2 / lam_**2 - 1 - sp.log(v / lam_**2)) / 2
    objective = h * ((mu - m) ** 2 + v) / 2 + beta * kl
    doc.say(r"One direction: $E_Q[\frac12h(w-m)^2]=\frac12h((\mu-m)^2+v)$ and "
            r"$\mathrm{KL}=\frac12(v/\lambda^2+\mu^2/\lambda^2-1-\ln(v/\lambda^2))$.")
    v_star = beta / (h + beta / lam_**2)
    mu_star = h * m / (h + beta / lam_**2)
    doc.equal(sp.diff(objective, v).subs(v, v_star), 0, r"$\partial_v=0$ at $v^*=\beta/(h+\beta/\lambda^2)$:",
              lhs_tex=r"\partial_v\mathcal L\big|_{v^*}")
    doc.equal(sp.diff(objective, mu).subs(mu, mu_star), 0, r"$\partial_\mu=0$ at $\mu^*=hm/(h+\beta/\lambda^2)$:",
              lhs_tex=r"\partial_\mu\mathcal L\big|_{\mu^*}")
    doc.equal(sp.diff(objective, v, 2).subs(v, v_star), (h + beta / lam_**2) ** 2 / (2 * beta),
              r"The objective is convex in $v$ and in $\mu$ ($\partial_\mu^2=h+\beta/\lambda^2>0$):",
              lhs_tex=r"\partial_v^2\mathcal L\big|_{v^*}")
    doc.result("kl_one_direction", kl.subs({v: v_star, mu: mu_star}),
               r"KL of the optimal posterior from the prior in one eigen-direction (the quantity sums them):", lhs=r"\mathrm{KL}(Q^*\|P)_i")
    doc.references = [AS]
