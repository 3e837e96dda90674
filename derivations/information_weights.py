"""Derivations for theory/information_weights.py: the minimum of the weight Lagrangian of a
Gaussian-likelihood linear model, and the linear-Gaussian invariance example with its bound."""
from __future__ import annotations

import sympy as sp

from ._document import Document, Result, derivation

AS = ("A. Achille, S. Soatto. Emergence of invariance and disentanglement in deep representations. "
      "JMLR 19 (2018) 1--34. arXiv:1706.01350.")
CT = "T. M. Cover, J. A. Thomas. Elements of Information Theory, 2nd ed. Wiley (2006)."


def _lagrangian_symbols(p: dict) -> dict:
    return {"x1": p["design"][0], "x2": p["design"][1], "y1": p["targets"][0], "y2": p["targets"][1],
            "lambda": p["prior_std"], "s": p["noise"], "beta": p["beta"]}


@derivation("weight-lagrangian", title="The minimum of the information Lagrangian for the weights (linear model)",
            results=(Result("value_one_feature", "weight-lagrangian-value", symbols=_lagrangian_symbols,
                            points=({"design": [1.0, -0.5], "rows": 2, "targets": [0.8, 0.3], "prior_std": 1.0,
                                     "noise": 0.5, "beta": 1.0},
                                    {"design": [2.0, 0.3], "rows": 2, "targets": [-1.0, 2.0], "prior_std": 0.4,
                                     "noise": 1.3, "beta": 0.1})),),
            citation="Achille & Soatto (2018), the information Lagrangian for the weights")
def weight_lagrangian(doc: Document) -> None:
    doc.abstract = (r"For $y_i\sim N(wx_i,s^2)$, prior $P=N(0,\lambda^2)$ and Gaussian $Q=N(\mu,v)$ we minimise the "
                    r"cross-entropy plus $\beta\,\mathrm{KL}(Q\|P)$ for one feature and two samples, and find the "
                    r"closed form $\frac n2\ln(2\pi s^2)+\frac{1}{2s^2}(y^Ty-y^TXM^{-1}X^Ty)"
                    r"+\frac\beta2\ln\det(I+\lambda^2X^TX/(\beta s^2))$, $M=X^TX+\beta s^2/\lambda^2$.")
    doc.assume(r"Cross-entropy of the Gaussian likelihood: $\sum_i\frac{(y_i-wx_i)^2}{2s^2}+\frac n2\ln(2\pi s^2)$; "
               r"$E_Q(y_i-wx_i)^2=(y_i-\mu x_i)^2+vx_i^2$; "
               r"$\mathrm{KL}(Q\|P)=\frac12(v/\lambda^2+\mu^2/\lambda^2-1-\ln(v/\lambda^2))$. "
               r"That the Gaussian family reaches the minimum over all $Q$ is the Gibbs variational principle "
               r"($Q^*\propto Pe^{-L/\beta}$ is Gaussian here); it is not re-proved, the check "
               r"\texttt{weight-lagrangian-minimised} minimises over Gaussians numerically.")
    x1, x2, y1, y2, mu = sp.symbols("x1 x2 y1 y2 mu", real=True)
    v, s, lam, beta = sp.symbols("v s lambda beta", positive=True)
    n = 2
    fit = ((y1 - mu * x1) ** 2 + (y2 - mu * x2) ** 2 + v * (x1**2 + x2**2)) / (2 * s**2) + n * sp.log(2 * sp.pi * s**2) / 2
    kl = (v / lam**2 + mu**2 / lam**2 - 1 - sp.log(v / lam**2)) / 2
    objective = fit + beta * kl
    G, b = x1**2 + x2**2, x1 * y1 + x2 * y2
    M = G + beta * s**2 / lam**2
    mu_star, v_star = b / M, beta * s**2 / M
    doc.equal(sp.diff(objective, mu).subs({mu: mu_star, v: v_star}), 0,
              r"Stationarity in $\mu$ at $\mu^*=X^Ty/M$:", lhs_tex=r"\partial_\mu\mathcal L\big|_{\mu^*,v^*}")
    doc.equal(sp.diff(objective, v).subs({mu: mu_star, v: v_star}), 0,
              r"Stationarity in $v$ at $v^*=\beta s^2/M$ (the objective is convex in $\mu$ and in $v$):",
              lhs_tex=r"\partial_v\mathcal L\big|_{\mu^*,v^*}")
    closed = (n * sp.log(2 * sp.pi * s**2) / 2 + (y1**2 + y2**2 - b**2 / M) / (2 * s**2)
              + beta * sp.log(1 + lam**2 * G / (beta * s**2)) / 2)
    doc.equal(objective.subs({mu: mu_star, v: v_star}), closed,
              r"The value at the optimum, rearranged into the closed form:", lhs_tex=r"\mathcal L(\mu^*,v^*)")
    doc.result("value_one_feature", closed, r"The minimum for one feature and $n=2$ samples:", lhs=r"\min_{\mu,v}\mathcal L")
    doc.references = [AS]


def _scalar_model(p: dict) -> dict:
    return {"u": p["signal"][0], "v": p["nuisance"][0], "sigma": p["input_noise"], "a": p["encoder"][0],
            "s": p["noise"]}


_SCALAR = {"signal": [1.0], "nuisance": [0.7], "nuisance_dim": 1, "input_noise": 0.4, "encoder": [1.5], "rows": 1,
           "noise": 0.3}


@derivation("nuisance-invariance", title="A linear-Gaussian representation with a nuisance: I(T;N) and its bound",
            results=(Result("info_n_scalar", "nuisance-information", symbols=_scalar_model,
                            points=({**_SCALAR, "information": "t-n"},
                                    {**_SCALAR, "signal": [-0.3], "encoder": [0.2], "information": "t-n"})),
                     Result("bound_scalar", "nuisance-information-bound",
                            symbols=lambda p: {k: v for k, v in _scalar_model(p).items() if k != "u"},
                            points=(_SCALAR, {**_SCALAR, "nuisance": [2.0], "noise": 1.1}))),
            citation="Achille & Soatto (2018), invariance and minimality; Cover & Thomas (2006), Thm 8.4.1")
def nuisance_invariance(doc: Document) -> None:
    doc.abstract = (r"$X=uY+vN+\sigma E$, $T=aX+sZ$ with independent standard normals: "
                    r"$I(T;N)=\frac12\ln\frac{a^2(u^2+v^2+\sigma^2)+s^2}{a^2(u^2+\sigma^2)+s^2}$ is at most "
                    r"$I(T;X)-I(T;Y)=\frac12\ln(1+a^2(v^2+\sigma^2)/s^2)$, the gap being "
                    r"$\frac12\ln\big(1+\frac{a^4(u^2+\sigma^2)(v^2+\sigma^2)+a^2s^2\sigma^2}"
                    r"{s^2(a^2(u^2+v^2+\sigma^2)+s^2)}\big)\ge0$.")
    doc.assume(r"Entropy of a Gaussian (Cover \& Thomas 2006, Thm 8.4.1): $I(T;B)=\frac12\ln\mathrm{Var}\,T-"
               r"\frac12\ln\mathrm{Var}(T|B)$ for jointly Gaussian $(T,B)$. The general statement, for any $T$ "
               r"computed from $X$ and $N$ independent of $Y$: $I(T;N)\le I(T;N|Y)\le I(T;X|Y)=I(T;X)-I(T;Y)$.")
    u, a = sp.symbols("u a", real=True)
    v = sp.Symbol("v", real=True)
    sigma, s = sp.symbols("sigma s", positive=True)
    var_t = a**2 * (u**2 + v**2 + sigma**2) + s**2
    info_n = sp.log(var_t / (a**2 * (u**2 + sigma**2) + s**2)) / 2
    doc.result("info_n_scalar", info_n, r"$\mathrm{Var}(T|N)=a^2(u^2+\sigma^2)+s^2$, so", lhs=r"I(T;N)")
    info_x = sp.log(var_t / s**2) / 2
    info_y = sp.log(var_t / (a**2 * (v**2 + sigma**2) + s**2)) / 2
    bound = sp.log(1 + a**2 * (v**2 + sigma**2) / s**2) / 2
    doc.equal(info_x - info_y, bound, r"$\mathrm{Var}(T|X)=s^2$ and $\mathrm{Var}(T|Y)=a^2(v^2+\sigma^2)+s^2$:",
              lhs_tex=r"I(T;X)-I(T;Y)")
    doc.result("bound_scalar", bound, r"The bound on $I(T;N)$:", lhs=r"I(T;N)", relation="<=")
    doc.equal((a**2 * (v**2 + sigma**2) + s**2) * (a**2 * (u**2 + sigma**2) + s**2) - s**2 * var_t,
              a**4 * (u**2 + sigma**2) * (v**2 + sigma**2) + a**2 * s**2 * sigma**2,
              r"and the bound exceeds $I(T;N)$ by $\frac12\ln$ of a ratio whose numerator minus denominator is",
              lhs_tex=r"(s^2+a^2(v^2+\sigma^2))(a^2(u^2+\sigma^2)+s^2)-s^2\mathrm{Var}\,T")
    doc.say(r"a nonnegative quantity: the bound holds, with equality only when $a=0$. In one dimension no "
            r"direction separates $Y$ from $N$, so no $T$ with $a\neq0$ is invariant; the $d=2$ example of the "
            r"docs page (nuisance orthogonal to the signal) is where the minimal sufficient direction is invariant.")
    doc.references = [AS, CT]
