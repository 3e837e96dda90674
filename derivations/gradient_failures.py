"""Derivations: the parity bound of Shalev-Shwartz, Shamir & Shammah (2017, Theorem 1) with the
exact Parseval identity for the full class, and the gradient variance of a linear model over
normalised linear-periodic targets."""
from __future__ import annotations

import itertools

import sympy as sp

from ._document import Document, Result, derivation
from ._layout import latex

SSS = ("S. Shalev-Shwartz, O. Shamir, S. Shammah. Failures of Gradient-Based Deep Learning. ICML (2017), "
       "Theorem 1. arXiv:1703.07950.")

G, D, K = sp.Symbol("G", nonnegative=True), sp.Symbol("D", positive=True, integer=True), \
    sp.Symbol("K", nonnegative=True, integer=True)


def _cube(dim: int):
    return list(itertools.product((1, -1), repeat=dim))


def _chi(s, x):
    return sp.Mul(*[x[i] for i in s]) if s else sp.Integer(1)


@derivation("parity-gradient-variance", title="Gradient variance over parity targets: Theorem 1 and Parseval",
            results=(Result("full", "parity-gradient-variance-bound", symbols={"G": "gradient_norm2", "D": "dim"},
                            points=({"gradient_norm2": 3.5, "dim": 10}, {"gradient_norm2": 1, "dim": 3})),
                     Result("order", "parity-gradient-variance-bound",
                            symbols={"G": "gradient_norm2", "D": "dim", "K": "order"},
                            points=({"gradient_norm2": 1, "dim": 20, "order": 3},
                                    {"gradient_norm2": 0.25, "dim": 4, "order": 0}))),
            citation="Shalev-Shwartz, Shamir and Shammah (2017), Theorem 1")
def parity_gradient_variance(doc: Document) -> None:
    doc.abstract = (r"For any model $p_w$ with per-input gradient $g(x)=\partial p_w(x)/\partial w$ and the square "
                    r"loss, the variance across $h\in H$ of $\nabla F_h(w)$ is at most $G/|H|$, "
                    r"$G=\operatorname{E}_x|g(x)|^2$, when $H$ is orthonormal. For all $2^D$ parities on the "
                    r"uniform cube the middle step is Parseval's identity: the second moment equals $G/2^D$ exactly.")
    doc.assume(r"$x$ uniform on $\{-1,1\}^D$; parities $\chi_S(x)=\prod_{i\in S}x_i$, $S\subseteq\{1..D\}$, "
               r"orthonormal: $\operatorname{E}_x[\chi_S\chi_T]=[S=T]$.")
    doc.assume(r"$F_h(w)=\tfrac12\operatorname{E}_x[(p_w(x)-h(x))^2]$; $h$ uniform on $H$.")
    doc.say(r"$\nabla F_h(w)=\operatorname{E}_x[p_w g]-c_h$ with $c_h=\operatorname{E}_x[h(x)g(x)]$, so "
            r"$\operatorname{Var}=\operatorname{E}_h|c_h|^2-|\operatorname{E}_h c_h|^2\le\operatorname{E}_h|c_h|^2$.")
    for dim in (2, 3):
        x = sp.symbols(" ".join(f"x_{i + 1}" for i in range(dim)))
        x = x if isinstance(x, tuple) else (x,)
        points = _cube(dim)
        values = sp.symbols(" ".join(f"g_{{{''.join('+' if v > 0 else '-' for v in p)}}}" for p in points))
        subsets = [s for k in range(dim + 1) for s in itertools.combinations(range(dim), k)]
        coefficient = [sum(_chi(s, p) * v for p, v in zip(points, values)) / 2**dim for s in subsets]
        lhs = sp.Add(*[c**2 for c in coefficient], evaluate=False)
        doc.equal(lhs, sp.Add(*[v**2 for v in values]) / 2**dim,
                  rf"Parseval on $\{{-1,1\}}^{dim}$ for one coordinate of $g$ (values $g_x$), "
                  r"$\sum_S \operatorname{E}_x[\chi_S g]^2=\operatorname{E}_x[g^2]$:",
                  lhs_tex=rf"\sum_{{S\subseteq\{{1..{dim}\}}}}\Big(\tfrac{{1}}{{{2**dim}}}\sum_x \chi_S(x)\,g_x\Big)^2")
    xs = sp.symbols("x_1 x_2 x_3")
    doc.equal(sp.Add(*[_chi(s, xs) for k in range(4) for s in itertools.combinations(range(3), k)], evaluate=False),
              sp.Mul(*[1 + v for v in xs]),
              r"Summed over all parities, $\sum_S\chi_S(x)=\prod_i(1+x_i)$, which is $2^D$ at $x=(1,\dots,1)$ and "
              r"$0$ elsewhere (shown for $D=3$); hence $\operatorname{E}_S c_S=g(1,\dots,1)/2^D$:",
              lhs_tex=r"\sum_{S\subseteq\{1,2,3\}}\chi_S(x)")
    doc.say(r"Summing Parseval over the coordinates of $g$: $\sum_S|c_S|^2=G$, so over the full class "
            r"$\operatorname{E}_S|c_S|^2=G/2^D$ exactly and "
            r"$\operatorname{Var}=G/2^D-|g(1,\dots,1)|^2/4^D$.")
    doc.result("full", G / 2**D, r"The bound for all parities, which the second moment "
               r"$\operatorname{E}_S|c_S|^2$ attains (Parseval):",
               lhs=r"\operatorname{Var}_S\nabla F_S(w)", relation="<=")
    doc.say(r"For the $\binom{D}{K}$ parities of order $K$ (orthonormal, not a basis) Bessel's inequality "
            r"$\sum_{|S|=K}|c_S|^2\le G$ gives Theorem 1's bound:")
    doc.result("order", G / sp.binomial(D, K), r"The bound over the parities of order $K$:",
               lhs=r"\operatorname{Var}_{|S|=K}\nabla F_S(w)", relation="<=")
    doc.references = [SSS]


R = sp.Symbol("R", positive=True)
z = sp.Symbol("z", real=True)


@derivation("linear-periodic-variance", title="Linear model, sin targets: the gradient variance",
            results=(Result("variance", "linear-periodic-gradient-variance", symbols={"R": "radius"}),),
            citation="Shalev-Shwartz, Shamir and Shammah (2017), linear-periodic example; recomputed here")
def linear_periodic(doc: Document) -> None:
    doc.abstract = (r"For $p_w(x)=\langle w,x\rangle$, $x\sim N(0,I_d)$ and targets $h_u(x)=\sin(R\langle u,x\rangle)"
                    r"/\sigma_R$ with $u$ uniform on the unit sphere, the variance over $u$ of the square-loss "
                    r"gradient is $R^2/\sinh R^2=2R^2e^{-R^2}/(1-e^{-2R^2})$, in every dimension and at every $w$.")
    doc.assume(r"$z=\langle u,x\rangle\sim N(0,1)$ for a unit $u$; the component of $x$ orthogonal to $u$ is "
               r"independent of $z$ with mean zero.")
    phi = sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi)
    square = sp.Integral(sp.sin(R * z) ** 2 * phi, (z, -sp.oo, sp.oo))
    s2 = doc.equal(square, (1 - sp.exp(-2 * R**2)) / 2,
                   r"The target's variance $\sigma_R^2=\operatorname{E}[\sin^2(Rz)]"
                   r"=\tfrac12(1-\operatorname{E}\cos 2Rz)$ (the Gaussian integral evaluated by SymPy):",
                   lhs_tex=r"\sigma_R^2=" + latex(square))
    corr = sp.Integral(z * sp.sin(R * z) * phi, (z, -sp.oo, sp.oo))
    m = doc.equal(corr, R * sp.exp(-R**2 / 2),
                  r"Its correlation with the input along $u$ (Stein's lemma: $R\operatorname{E}\cos Rz$; evaluated "
                  r"by SymPy):",
                  lhs_tex=r"\operatorname{E}[z\sin Rz]=" + latex(corr))
    doc.say(r"So $\nabla F_u(w)=w-\operatorname{E}_x[h_u(x)x]=w-a\,u$ with $a=R e^{-R^2/2}/\sigma_R$; "
            r"$\operatorname{E}_u u=0$ and $|u|=1$ give "
            r"$\operatorname{E}_u|\nabla F_u-\operatorname{E}\nabla F|^2=a^2$.")
    value = doc.equal(sp.Mul(m**2, 1 / s2, evaluate=False), 2 * R**2 * sp.exp(-R**2) / (1 - sp.exp(-2 * R**2)),
                      r"The variance:", lhs_tex=r"a^2=\frac{R^2e^{-R^2}}{\sigma_R^2}")
    doc.equal(value, R**2 / sp.sinh(R**2), r"equivalently")
    doc.result("variance", R**2 / sp.sinh(R**2), r"The variance over the target direction $u$, at every $w$ and in "
               r"every dimension:", lhs=r"\operatorname{Var}_u\nabla F_u(w)")
    doc.references = [SSS]


mu, L, kappa, eta, lam, e = sp.symbols("mu L kappa eta lambda e", positive=True)
NESTEROV = "Y. Nesterov. Introductory Lectures on Convex Optimization. Kluwer (2004), Theorem 2.1.15."


@derivation("gd-quadratic-best-step", title="Gradient descent on an ill-conditioned quadratic: the rate at the best step",
            results=(Result("rate", "gd-quadratic-rate", symbols={"kappa": "kappa"}),),
            citation="Nesterov (2004), Theorem 2.1.15; Shalev-Shwartz, Shamir and Shammah (2017), conditioning")
def gd_quadratic_best_step(doc: Document) -> None:
    doc.abstract = (r"Gradient descent with a constant step on $F(w)=\tfrac12(w-w^*)^\top H(w-w^*)$ multiplies the "
                    r"error along each eigenvector of $H$ by $1-\eta\lambda$. The best constant step "
                    r"$\eta^\star=2/(\mu+L)$ balances the two extreme eigenvalues and contracts the error by "
                    r"$(\kappa-1)/(\kappa+1)$ per step, $\kappa=L/\mu$: about $\kappa/2$ steps per factor $e$. "
                    r"Preconditioning by $H^{-1}$ sets $\kappa=1$.")
    doc.assume(r"$H$ symmetric with eigenvalues $\mu=\lambda_1\le\dots\le\lambda_d=L$, $\mu>0$, $\kappa=L/\mu$; "
               r"$w_{t+1}=w_t-\eta\nabla F(w_t)$, $e_t=w_t-w^*$.")
    step = doc.equal(e - eta * sp.Derivative(lam * e**2 / 2, e), (1 - eta * lam) * e,
                     r"Along an eigenvector of $H$ with eigenvalue $\lambda$ the error component $e$ is one "
                     r"coordinate of a quadratic with curvature $\lambda$; one step maps it to")
    doc.say(r"so $e_t$ decays as $\rho(\eta)^t$ with $\rho(\eta)=\max_j|1-\eta\lambda_j|=\max(|1-\eta\mu|,|1-\eta L|)$ "
            r"(the maximum of a convex function of $\lambda$ over $[\mu,L]$ is at an end), attained when $e_0$ "
            r"has a component along the extreme eigenvector. The first term decreases in $\eta$, the second "
            r"increases for $\eta>1/L$: the minimum is where $1-\eta\mu=\eta L-1$.")
    best = 2 / (mu + L)
    doc.equal(sp.Add(step.subs({e: 1, lam: mu, eta: best}), -(best * L - 1), evaluate=False), 0,
              r"At $\eta^\star=2/(\mu+L)$ the two ends balance:",
              lhs_tex=r"\Big[(1-\eta\mu)-(\eta L-1)\Big]_{\eta=2/(\mu+L)}")
    rate = doc.equal(sp.Add(1, -mu * best, evaluate=False), (L - mu) / (L + mu),
                     r"and the common contraction is")
    doc.equal(rate.subs(L, kappa * mu), (kappa - 1) / (kappa + 1), r"With $L=\kappa\mu$:")
    doc.result("rate", (kappa - 1) / (kappa + 1), r"The contraction per step of $|w_t-w^*|$ at the best constant "
               r"step (Nesterov's Theorem 2.1.15 bounds every $\mu$-strongly convex $L$-smooth $F$ by it; a "
               r"quadratic attains it):", lhs=r"\rho(\eta^\star)")
    doc.say(r"Gaining a factor $e$ takes $1/\ln\frac{\kappa+1}{\kappa-1}\approx\kappa/2$ steps. A preconditioned "
            r"step $w\leftarrow w-\eta H^{-1}\nabla F(w)$ has error map $I-\eta I$: $\kappa=1$, and $\eta=1$ "
            r"converges in one step.")
    doc.references = [NESTEROV, "S. Shalev-Shwartz, O. Shamir, S. Shammah. Failures of Gradient-Based Deep "
                      "Learning. ICML (2017), architecture and conditioning. arXiv:1703.07950."]
