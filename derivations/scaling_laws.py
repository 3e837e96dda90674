"""Derivations: the ridgeless risk R = P kappa on a power-law spectrum, the data/parameter duality, and
the large-P law C_alpha^(1+alpha) P^(-alpha)."""
from __future__ import annotations

import sympy as sp

from ._document import Document, Result, derivation

MALONEY = ("A. Maloney, D. A. Roberts, J. Sully. A solvable model of neural scaling laws. arXiv:2210.16859 "
           "(2022).")
BAHRI = "Y. Bahri, E. Dyer, J. Kaplan, J. Lee, U. Sharma. Explaining neural scaling laws. arXiv:2102.06701 (2021)."
BORDELON = ("B. Bordelon, A. Canatar, C. Pehlevan. Spectrum dependent learning curves in kernel regression and "
            "wide neural networks. ICML (2020).")

P, N, M = sp.symbols("P N M", positive=True, integer=True)
kappa = sp.Symbol("kappa", positive=True)
lk = sp.Symbol("lambda_k", positive=True)
Q = sp.Symbol("Q", positive=True)
alpha = sp.Symbol("alpha", positive=True)


def kappa_of(size: int, alpha_value: float, modes: int) -> float:
    """kappa by Brent's method on the sum in double precision (independent of the library's Newton solver)."""
    import numpy as np
    from scipy.optimize import brentq

    lam = np.arange(1, modes + 1, dtype=np.float64) ** (-(1.0 + alpha_value))
    return brentq(lambda k: float(np.sum(lam / (lam + k))) - size, 1e-300, 1e6, xtol=1e-300, rtol=1e-15, maxiter=2000)


def _sym(key: str):
    def symbols(point: dict) -> dict:
        size = point[key]
        return {"P" if key == "samples" else "N": size, "kappa": kappa_of(size, point["alpha"], point["modes"])}

    return symbols


POINTS = ({"alpha": 1.0, "modes": 1024}, {"alpha": 0.5, "modes": 1024}, {"alpha": 2.0, "modes": 100})


@derivation("power-law-ridgeless", title="Ridgeless regression on a power-law spectrum: R = P kappa, and duality",
            results=(Result("data", "power-law-ridgeless-risk", symbols=_sym("samples"), rtol=1e-10,
                            points=tuple({"samples": s, **pt} for s, pt in zip((32, 64, 8), POINTS))),
                     Result("parameters", "power-law-projection-risk", symbols=_sym("features"), rtol=1e-10,
                            points=tuple({"features": s, **pt} for s, pt in zip((32, 64, 8), POINTS)))),
            citation="Maloney, Roberts & Sully (2022); Bordelon, Canatar & Pehlevan (2020)")
def power_law_ridgeless(doc: Document) -> None:
    doc.abstract = (r"With latent spectrum $\lambda_k=k^{-(1+\alpha)}$ and a teacher whose power in mode $k$ is "
                    r"$v_k^2=\lambda_k$, the deterministic-equivalent risk of ridgeless regression on $P$ samples "
                    r"collapses to $P\kappa$; random projections with unlimited data give the same law in $N$.")
    doc.assume(r"$x_k\sim N(0,\lambda_k)$ independent, $k=1,\dots,M$; $y=\sum_kw_kx_k$ with $w_k^2=1$; no noise; "
               r"$\hat w$ the minimum-norm interpolant of $P<M$ samples; risk $\operatorname{E}_x(y-\hat y)^2$.")
    doc.assume(r"Deterministic equivalent (Bordelon, Canatar \& Pehlevan 2020, at ridge $0$): with $\kappa$ solving "
               r"$\sum_k\lambda_k/(\lambda_k+\kappa)=P$ and $Q=\sum_k\lambda_k^2/(\lambda_k+\kappa)^2$, the risk is "
               r"$E_0\sum_k\kappa^2v_k^2/(\lambda_k+\kappa)^2$ with $E_0=P/(P-Q)$; its relative error is $O(1/P)$.")
    doc.equal(kappa**2 * lk / (lk + kappa) ** 2, kappa * (lk / (lk + kappa) - lk**2 / (lk + kappa) ** 2),
                         r"With $v_k^2=\lambda_k$ each mode's term splits as")
    risk = doc.equal(sp.Mul(P / (P - Q), kappa * (P - Q), evaluate=False), P * kappa,
                     r"Summed over $k$, with the equation for $\kappa$ and the definition of $Q$, this gives "
                     r"$\sum_k\kappa^2\lambda_k/(\lambda_k+\kappa)^2=\kappa(P-Q)$, so the overfitting factor "
                     r"cancels exactly:", lhs_tex=r"\frac{P}{P-Q}\,\kappa(P-Q)")
    doc.result("data", risk, r"The ridgeless risk on $P$ samples:", lhs="R_P")
    doc.say(r"\emph{Duality.} Averaged over the teacher's signs ($\operatorname{E}w_kw_l=\delta_{kl}$; by the sign "
            r"symmetry of the design this equals the mean risk of any teacher with $|w_k|=1$), the data-limited "
            r"risk is $\operatorname{tr}\Sigma-\operatorname{tr}(Q_X\Sigma)$ with $Q_X$ the projection on the span of "
            r"$\Sigma^{1/2}z_i$, $i\le P$. With unlimited data and $N$ Gaussian projections $Fx$ the best predictor "
            r"leaves $\operatorname{tr}((I-Q_F)\Sigma)$, $Q_F$ the projection on the span of $\Sigma^{1/2}f_j$, "
            r"$j\le N$. Both spans are of i.i.d.\ $N(0,\Sigma)$ vectors: for $N=P$ the two risks are equal in "
            r"distribution, exactly, and the parameter-limited risk is $N\kappa(N)$.")
    doc.result("parameters", N * kappa, r"The risk on $N$ projections, with $\kappa$ the solution for $P=N$:",
               lhs="R_N")
    doc.references = [MALONEY, BORDELON, BAHRI]


@derivation("power-law-asymptote", title="The large-P scaling law of the power-law ridgeless risk",
            results=(Result("law", "power-law-risk-asymptote", symbols={"P": "samples", "alpha": "alpha"}),),
            citation="Maloney, Roberts & Sully (2022); Bahri et al. (2021)")
def power_law_asymptote(doc: Document) -> None:
    doc.abstract = (r"As $M\to\infty$ and $\kappa\to0$ the mode sum becomes an integral, which fixes the constant of "
                    r"the law $R\sim C_\alpha^{1+\alpha}P^{-\alpha}$.")
    doc.assume(r"$M=\infty$, $\lambda_k=k^{-(1+\alpha)}$, $\alpha>0$, $P\to\infty$ (so $\kappa\to0$).")
    u, t, sv = sp.symbols("u t s", positive=True)
    doc.say(r"$\sum_k\frac{\lambda_k}{\lambda_k+\kappa}=\sum_k\frac1{1+\kappa k^{1+\alpha}}\sim\int_0^\infty"
            r"\frac{dk}{1+\kappa k^{1+\alpha}}=\kappa^{-1/(1+\alpha)}C_\alpha$ (substituting $u=\kappa^{1/(1+\alpha)}k$; "
            r"the error of the integral is $O(1)$ while the sum grows), with $C_\alpha=\int_0^\infty du/(1+u^{1+\alpha})$. "
            r"Substituting $t=u^{1+\alpha}$, $s=1/(1+\alpha)$, $C_\alpha=s\int_0^\infty t^{s-1}/(1+t)\,dt=sB(s,1-s)$.")
    c = doc.equal(sv * sp.beta(sv, 1 - sv), sv * sp.pi / sp.sin(sp.pi * sv), r"By Euler's reflection formula,",
                  lhs_tex=r"C_\alpha = s\,B(s,1-s)", ranges={sv: (sp.Rational(1, 20), sp.Rational(19, 20))},
                  numeric_only=True)
    c = c.subs(sv, 1 / (1 + alpha))
    C = sp.Symbol(r"C_\alpha", positive=True)
    kap = (C / P) ** (1 + alpha)
    doc.equal(sp.Subs(C * kappa ** (-1 / (1 + alpha)), kappa, kap), P,
              r"Then $\kappa=(C_\alpha/P)^{1+\alpha}$ solves $C_\alpha\kappa^{-1/(1+\alpha)}=P$:")
    kap = kap.subs(C, c)
    doc.result("law", P * kap, r"Hence $R=P\kappa$ follows, to leading order as $P\to\infty$ and with $C_\alpha$ "
               r"from the reflection formula, the law", lhs="R")
    doc.references = [MALONEY, BAHRI]


MUIRHEAD = "R. J. Muirhead. Aspects of Multivariate Statistical Theory. Wiley (1982), Theorem 3.2.12."


def _pinv(Z: sp.Matrix) -> sp.Matrix:
    """Moore-Penrose inverse of a full-rank matrix."""
    return Z.T * (Z * Z.T).inv() if Z.rows <= Z.cols else (Z.T * Z).inv() * Z.T


def _sign_averaged_risk(A: sp.Matrix, G: sp.Matrix, lam) -> sp.Expr:
    """|Sigma^(1/2) - Sigma^(1/2) G^T (A Sigma^(1/2) G^T)^+ A Sigma^(1/2)|_F^2."""
    root = sp.diag(*[sp.sqrt(v) for v in lam])
    D = root - root * G.T * _pinv(A * root * G.T) * A * root
    return sum(e**2 for e in D)


def _joint_symbols(point: dict) -> dict:
    m, n = sorted((point["samples"], point["features"]))
    return {"m": m, "n": n, "kappa": kappa_of(m, point["alpha"], point["modes"])}


JOINT_POINTS = ({"samples": 128, "features": 64, "alpha": 0.5, "modes": 512},
                {"samples": 64, "features": 128, "alpha": 0.5, "modes": 512},
                {"samples": 1000, "features": 300, "alpha": 1.0, "modes": 10000},
                {"samples": 40, "features": 10**12, "alpha": 2.0, "modes": 100})


@derivation("power-law-joint", title="Ridgeless regression with P samples and N random projections: the joint risk",
            results=(Result("joint", "power-law-joint-risk", symbols=_joint_symbols, rtol=1e-10, points=JOINT_POINTS),),
            citation="Maloney, Roberts & Sully (2022); Muirhead (1982), Theorem 3.2.12")
def power_law_joint(doc: Document) -> None:
    m, n = sp.symbols("m n", positive=True, integer=True)
    c, s2 = sp.symbols("c sigma^2", positive=True)
    doc.abstract = (r"Minimum-norm regression on $N$ Gaussian random projections of $P$ samples of the power-law "
                    r"model: the sign-averaged risk is exactly symmetric under $P\leftrightarrow N$, the side with "
                    r"more resources multiplies the other side's one-resource risk by the least-squares factor "
                    r"$(n-1)/(n-m-1)$, and to leading order $R=m\kappa(m)\,n/(n-m)$.")
    doc.assume(r"The model of \emph{power-law-ridgeless}: $x=\Sigma^{1/2}a$, $a\sim N(0,I_M)$, "
               r"$\Sigma=\operatorname{diag}(\lambda_k)$, $y=w\cdot x$, $w_k=\pm1$. Features $z=Fx$, "
               r"$F=G$ an $N\times M$ matrix of i.i.d.\ $N(0,1)$ entries; $P$ samples $X=A\Sigma^{1/2}$ "
               r"($A$: $P\times M$, i.i.d.\ $N(0,1)$), $Z=XF^T$; $\hat\theta=Z^+Xw$ (minimum norm), "
               r"$\hat y=\hat\theta\cdot z$; risk $\operatorname{E}_x(y-\hat y)^2$ averaged over the draw.")
    doc.say(r"\emph{Duality.} The estimate in latent space is $F^T\hat\theta=G^TZ^+A\Sigma^{1/2}w$; averaged over "
            r"the signs ($\operatorname{E}ww^T=I$) the risk is $r(A,G)=\|\Sigma^{1/2}-\Sigma^{1/2}G^T"
            r"(A\Sigma^{1/2}G^T)^+A\Sigma^{1/2}\|_F^2$. Transposing the matrix inside the norm, with "
            r"$(Z^T)^+=(Z^+)^T$, exchanges $A$ and $G$: $r(A,G)=r(G,A)$ for every pair of matrices. Since $A$ "
            r"and $G$ are i.i.d.\ Gaussian of sizes $P\times M$ and $N\times M$, the risk at $(P,N)$ has the "
            r"law of the risk at $(N,P)$.")
    lam = sp.symbols("lambda_1:4", positive=True)
    A = sp.Matrix(1, 3, sp.symbols("a_1:4", real=True))
    G = sp.Matrix(2, 3, sp.symbols("g_1:7", real=True))
    doc.equal(_sign_averaged_risk(A, G, lam) - _sign_averaged_risk(G, A, lam), 0,
              r"Symbolically, at $P=1$, $N=2$, $M=3$ with general entries $a_i$, $g_j$, $\lambda_k$:",
              lhs_tex=r"r(A,G)-r(G,A)")
    factor = doc.equal(sp.Add(s2, s2 * m / (n - m - 1), evaluate=False), s2 * (n - 1) / (n - m - 1),
                       r"So take $n=\max(P,N)$ samples and $m=\min(P,N)<M$ projections. Given $F$, $(z,y)$ is jointly "
            r"Gaussian: $y=b\cdot z+\varepsilon$ with $b$ the best linear predictor on $z$ and $\varepsilon$ "
            r"independent of $z$, of variance $\sigma^2=R_m(F)$, the parameter-limited risk of "
            r"\emph{power-law-ridgeless} (its mean is $m\kappa(m)$ to leading order). Ordinary least squares on "
            r"$n\ge m+2$ samples of $m$ Gaussian features has conditional risk "
            r"$\sigma^2+\sigma^2\operatorname{tr}(C(Z^TZ)^{-1})$, $C=F\Sigma F^T$, and the inverse-Wishart mean "
            r"$\operatorname{E}(Z^TZ)^{-1}=C^{-1}/(n-m-1)$ (Muirhead 1982, Theorem 3.2.12) gives, exactly,",
                       ranges={n: (10, 20), m: (1, 8)})
    ratio = (factor / s2) / (n / (n - m))
    doc.equal(sp.Limit(ratio.subs(n, c * m), m, sp.oo), 1,
              r"so $\operatorname{E}R=\operatorname{E}[R_m]\,(n-1)/(n-m-1)$, infinite for $n-m\le1$ (the "
              r"interpolation peak, where $\operatorname{E}(Z^TZ)^{-1}$ diverges). At a fixed ratio $n=cm$, "
              r"$c>1$, the factor approaches the deterministic equivalent $n/(n-m)$ (the overfitting factor "
              r"$1/(1-\gamma)$, $\gamma=m/n$, of Bordelon, Canatar \& Pehlevan at zero ridge and zero bias):",
              ranges={c: (sp.Rational(11, 10), 10)})
    R = m * kappa * n / (n - m)
    doc.result("joint", R, r"With $\operatorname{E}R_m=m\kappa(m)(1+O(1/m))$, to leading order in $1/m$ at fixed "
               r"$n/m>1$ ($\kappa$ the solution of $\sum_k\lambda_k/(\lambda_k+\kappa)=m$):", lhs="R_{P,N}")
    doc.equal(sp.Limit(R, n, sp.oo), m * kappa,
              r"The leading-order form (the result below) tends to the one-sided risk as the larger resource "
              r"grows: $N\to\infty$ gives the data-limited "
              r"$P\kappa(P)$, $P\to\infty$ the parameter-limited $N\kappa(N)$,")
    doc.say(r"and the peak at $P=N$ is a pole: $R_{P,N}\sim m^2\kappa(m)/(n-m)$ as $n\to m$.")
    doc.references = [MALONEY, BORDELON, MUIRHEAD]
