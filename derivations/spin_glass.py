"""Derivations for loss landscapes: the spherical p-spin model's Hessian, threshold and annealed
complexity (Auffinger, Ben Arous & Cerny 2013), its exact finite-N Kac-Rice count at N = 2 and
p = 2, and the first moment of solution pairs of the binary perceptron."""
from __future__ import annotations

import sympy as sp

from ._document import Document, Result, derivation

ABC = ("A. Auffinger, G. Ben Arous, J. Cerny. Random matrices and complexity of spin glasses. "
       "Comm. Pure Appl. Math. 66 (2013). arXiv:1003.1129.")
CHOROMANSKA = ("A. Choromanska, M. Henaff, M. Mathieu, G. Ben Arous, Y. LeCun. The loss surfaces of multilayer "
               "networks. AISTATS (2015). arXiv:1412.0233.")
BALDASSI = ("C. Baldassi, A. Ingrosso, C. Lucibello, L. Saglietti, R. Zecchina. Subdominant dense clusters allow "
            "for simple learning and high computational performance in neural networks with discrete synapses. "
            "Phys. Rev. Lett. 115, 128101 (2015).")
HWK = ("H. Huang, K. Y. M. Wong, Y. Kabashima. Entropy landscape of solutions in the binary perceptron "
       "problem. J. Phys. A 46, 375002 (2013).")

p = sp.Symbol("p", positive=True)
N = sp.Symbol("N", positive=True)
k = sp.Symbol("k", nonnegative=True, integer=True)
u = sp.Symbol("u", real=True)
x, z = sp.symbols("x z", real=True)
t, tp, r, rp = sp.symbols("t t' r r'", real=True)
E = 2 * sp.sqrt((p - 1) / p)


def edge_rate(y):
    """I_1(y) = -y sqrt(y^2 - 2)/2 - ln(-y + sqrt(y^2 - 2)) + ln sqrt 2 (y <= -sqrt 2)."""
    s = sp.sqrt(y**2 - 2)
    return -y * s / 2 - sp.log(-y + s) + sp.log(sp.sqrt(2))


def complexity_expr():
    s = sp.sqrt(u**2 - E**2)
    rate = -u / E**2 * s - sp.log(-u + s) + sp.log(E)
    below = sp.log(p - 1) / 2 - (p - 2) / (4 * (p - 1)) * u**2 - (k + 1) * rate
    return sp.Piecewise((below, u <= -E), (sp.log(p - 1) / 2 - (p - 2) / p, True))


def _quantile_symbols(point: dict) -> dict:
    from ..theory.spin_glass import semicircle_quantile

    return {"p": point["p"], "u": point["energy"], "t_L": semicircle_quantile(point["level"])}


@derivation("pspin-landscape", title="Spherical p-spin model: Hessian at critical points, threshold and complexity",
            results=(Result("threshold", "pspin-threshold-energy", symbols={"p": "p"}),
                     Result("complexity", "pspin-complexity", symbols={"p": "p", "k": "index", "u": "energy"}),
                     Result("quantile", "pspin-hessian-quantile", symbols=_quantile_symbols)),
            citation="Auffinger, Ben Arous & Cerny (2013), Theorem 2.5; recomputed here")
def pspin_landscape(doc: Document) -> None:
    doc.abstract = (r"For $H_N(s)=N^{-(p-1)/2}\sum J_{i_1\dots i_p}s_{i_1}\cdots s_{i_p}$ on $|s|^2=N$ we compute "
                    r"the covariances of the gradient and Hessian, the spectrum of the Riemannian Hessian at a "
                    r"critical point of energy $u=H/N$, the threshold energy $E_\infty$, and the annealed "
                    r"complexity $\Theta_{k,p}(u)$ of Auffinger, Ben Arous and \v{C}ern\'y from their finite-$N$ "
                    r"identity and the large deviations of the $(k+1)$-th smallest GOE eigenvalue.")
    doc.assume(r"$J_{i_1\dots i_p}$ i.i.d.\ $N(0,1)$, $p\ge2$; then $E[H(s)H(s')]=N\,(s\cdot s'/N)^p$.")
    doc.assume(r"Energies in the convention of ABC: $\mathrm{Crt}_{N,k}(u)$ counts critical points of index $k$ "
               r"with $H/N\le u$; minima lie at negative energies.")
    cov = N ** (1 - p) * (N + t * tp) ** p
    doc.say(r"Take $s=\sqrt N e_1+t e_2+r e_3$ and $s'=\sqrt N e_1+t'e_2+r'e_3$, so $s\cdot s'=N+tt'+rr'$; "
            r"$t, r$ are tangent coordinates at $\sqrt N e_1$.")
    doc.equal(sp.Subs(sp.Derivative(cov, t, tp), (t, tp), (0, 0)), p,
              r"A tangent component of the gradient has variance", numeric_only=True, lhs_tex=r"\operatorname{Var}\,\partial_t H")
    doc.equal(sp.Subs(sp.Derivative(cov, t, 2, tp, 2), (t, tp), (0, 0)), 2 * p * (p - 1) / N,
              r"a diagonal entry of the tangent Euclidean Hessian has variance", numeric_only=True,
              lhs_tex=r"\operatorname{Var}\,\partial_t^2 H")
    cov2 = N ** (1 - p) * (N + t * tp + r * rp) ** p
    doc.equal(sp.Subs(sp.Derivative(cov2, t, tp, r, rp), (t, tp, r, rp), (0, 0, 0, 0)), p * (p - 1) / N,
              r"and an off-diagonal entry", numeric_only=True, lhs_tex=r"\operatorname{Var}\,\partial_t\partial_r H")
    doc.say(r"Odd mixed derivatives at $t=t'=r=r'=0$ vanish, so the gradient, the Hessian and $H$ are "
            r"independent, and $\operatorname{Cov}(H,\partial_t^2H)=0$ in tangent directions. On the sphere of "
            r"radius $\sqrt N$ the Riemannian Hessian is the tangent Euclidean Hessian minus "
            r"$(s\cdot\nabla H/N)\,I=(pH/N)\,I=p u\,I$ (Euler's identity for a degree-$p$ form). So at a critical "
            r"point of energy $u$ it is $\sqrt{2(N-1)p(p-1)/N}\,M-p u\,I$ with $M$ a GOE$_{N-1}$ matrix of "
            r"semicircle $[-\sqrt2,\sqrt2]$: its spectrum is, as $N\to\infty$, the semicircle of radius "
            r"$2\sqrt{p(p-1)}$ centred at $-pu$ (the Kac--Rice weight $|\det|$ moves it by $O(1/N)$).")
    tl = sp.Symbol("t_L", real=True)
    doc.equal(sp.Integral(2 / sp.pi * sp.sqrt(1 - z**2), (z, -1, x)),
              sp.Rational(1, 2) + (x * sp.sqrt(1 - x**2) + sp.asin(x)) / sp.pi,
              r"The semicircle law on $[-1,1]$ has distribution function", ranges={x: (-1, 1)})
    doc.say(r"so its level-$L$ quantile $t_L$ solves $F(t_L)=L$ (found by bisection), and the level-$L$ quantile "
            r"of the Hessian spectrum is $-pu+2\sqrt{p(p-1)}\,t_L$ (the first Result).")
    doc.result("quantile", -p * u + 2 * sp.sqrt(p * (p - 1)) * tl,
               r"Hessian quantile ($F(t_L)=L$, $0<L<1$):", lhs=r"\lambda_L(u)")
    doc.equal(-2 * sp.sqrt(p * (p - 1)) / p, -2 * sp.sqrt((p - 1) / p),
              r"The lower edge $-2\sqrt{p(p-1)}-pu$ is positive exactly when $u$ is below",
              lhs_tex=r"-\frac{2\sqrt{p(p-1)}}{p}")
    doc.result("threshold", E, r"Threshold energy (minima dominate below $-E_\infty$):", lhs=r"E_\infty")
    doc.say(r"\emph{Complexity.} The exact identity (derivation \texttt{pspin-critical-points}) is "
            r"$E\,\mathrm{Crt}_{N,k}(u)=2\sqrt{2/p}\,(p-1)^{N/2}\,E_{\mathrm{GOE}_N}\big[e^{-N\frac{p-2}{2p}"
            r"\lambda_k^2}\mathbf 1\{\lambda_k\le x\}\big]$ with $x=u\sqrt{p/(2(p-1))}$. The $(k+1)$-th smallest "
            r"eigenvalue lies below $x<-\sqrt2$ with probability $e^{-N(k+1)I_1(x)+o(N)}$ (ABC's large "
            r"deviation principle), $I_1(x)=\int_x^{-\sqrt2}\sqrt{z^2-2}\,dz$, and otherwise sits at $-\sqrt2$:")
    doc.equal(sp.Integral(sp.sqrt(z**2 - 2), (z, x, -sp.sqrt(2))), edge_rate(x),
              r"the edge rate in closed form ($x\le-\sqrt2$),", ranges={x: (-4, -sp.sqrt(2))}, numeric_only=True,
              lhs_tex=r"I_1(x)=\int_x^{-\sqrt2}\sqrt{z^2-2}\,dz")
    xu = u * sp.sqrt(p / (2 * (p - 1)))
    s = sp.sqrt(u**2 - E**2)
    doc.equal(edge_rate(xu), -u / E**2 * s - sp.log(-u + s) + sp.log(E),
              r"in the energy variable (ABC's form, $u\le-E_\infty$),", ranges={u: (-6, -2), p: (2, 12)},
              numeric_only=True, lhs_tex=r"I_1\!\left(u\sqrt{\tfrac{p}{2(p-1)}}\right)")
    doc.equal((p - 2) / (2 * p) * xu**2, (p - 2) / (4 * (p - 1)) * u**2,
              r"and the Gaussian factor's rate, $\frac{p-2}{2p}x^2$ at that $x$:",
              lhs_tex=r"\frac{p-2}{2p}\,x^2")
    doc.equal(sp.log(p - 1) / 2 - (p - 2) / (4 * (p - 1)) * E**2, sp.log(p - 1) / 2 - (p - 2) / p,
              r"At and above $-E_\infty$ the eigenvalue stays at the edge $x=-\sqrt2$ (pushing it out costs, "
              r"pushing it into the bulk costs $O(N^2)$), so the rate is constant, and the two branches meet:",
              lhs_tex=r"\tfrac12\ln(p-1)-\tfrac{p-2}{4(p-1)}E_\infty^2")
    doc.result("complexity", complexity_expr(), r"Annealed complexity of index-$k$ critical points below $u$:",
               lhs=r"\Theta_{k,p}(u)",
               rhs_tex=r"\begin{cases} \tfrac12\ln(p-1)-\tfrac{p-2}{4(p-1)}\,u^2-(k+1)\,"
                       r"I_1\!\left(u\sqrt{\tfrac{p}{2(p-1)}}\right) & u\le-E_\infty\\ "
                       r"\tfrac12\ln(p-1)-\tfrac{p-2}{p} & u>-E_\infty \end{cases}")
    doc.references = [ABC, CHOROMANSKA]


@derivation("pspin-critical-points", title="Spherical p-spin model: the exact expected number of critical points",
            results=(Result("two-spins", "pspin-expected-critical-points", symbols={"p": "p"},
                            points=({"N": 2, "p": 3, "index": 0}, {"N": 2, "p": 5, "index": 1},
                                    {"N": 2, "p": 2, "index": 0})),
                     Result("two-spins-total", "pspin-expected-critical-points", symbols={"p": "p"},
                            points=({"N": 2, "p": 3}, {"N": 2, "p": 7})),
                     Result("quadratic", "pspin-expected-critical-points",
                            points=({"N": 5, "p": 2, "index": 3}, {"N": 3, "p": 2, "index": 0})),
                     Result("quadratic-total", "pspin-expected-critical-points", symbols={"N": "N"},
                            points=({"N": 5, "p": 2}, {"N": 7, "p": 2}))),
            citation="Auffinger, Ben Arous & Cerny (2013), the Kac-Rice identity behind Theorems 2.5 and 2.8; "
                     "recomputed here")
def pspin_critical_points(doc: Document) -> None:
    doc.abstract = (r"The Kac--Rice formula on $S^{N-1}(\sqrt N)$ with the covariances of derivation "
                    r"\texttt{pspin-landscape} gives $E\,\mathrm{Crt}_{N,k}=2\sqrt{2/p}\,(p-1)^{N/2}\,"
                    r"E_{\mathrm{GOE}_N}[e^{-N\frac{p-2}{2p}\lambda_k^2}]$ (all energies). We evaluate it in closed "
                    r"form for $p=2$ (any $N$) and $N=2$ (any $p$).")
    doc.assume(r"GOE$_N$: symmetric, $M_{ii}\sim N(0,1/N)$, $M_{ij}\sim N(0,1/(2N))$; ordered eigenvalues "
               r"$\lambda_0<\dots<\lambda_{N-1}$ with density $\propto\prod_{i<j}(\lambda_j-\lambda_i)"
               r"e^{-N\sum\lambda_i^2/2}$.")
    doc.say(r"Kac--Rice: $E\,\mathrm{Crt}_{N,k}=\mathrm{vol}(S^{N-1}(\sqrt N))\,(2\pi p)^{-(N-1)/2}\,"
            r"E\big[|\det(\sqrt{2(N-1)p(p-1)/N}\,M_{N-1}-p u I)|\,\mathbf 1\{\text{index }k\}\big]$ with "
            r"$u\sim N(0,1/N)$ independent of $M_{N-1}$ (gradient density at 0 and the Hessian of "
            r"\texttt{pspin-landscape}). Writing $u$ as a GOE eigenvalue $x$ and using "
            r"$\frac{p-1}{p}=\frac12+\frac{p-2}{2p}$, the factor $|\det(M_{N-1}-x)|e^{-(N-1)x^2/2}$ is, up to a "
            r"constant, the density of one eigenvalue of an $N\times N$ GOE with the other $N-1$ integrated "
            r"out; the event index $=k$ says it is the $(k+1)$-th smallest. The $p$-dependence of the constant "
            r"is $p^{-1/2}(p-1)^{N/2}$, and $p=2$ fixes the rest: the critical points of a quadratic form on "
            r"the sphere are the $\pm$ eigenvectors of its symmetric matrix, two of each index, $2N$ in all.")
    pre = 2 * sp.sqrt(2 / p) * (p - 1) ** (N / 2)
    doc.equal(sp.Subs(pre, p, 2), 2, r"At $p=2$ the Gaussian factor is $1$ and the prefactor is",
              lhs_tex=r"\left.2\sqrt{2/p}\,(p-1)^{N/2}\right|_{p=2}")
    doc.result("quadratic", sp.Integer(2), r"Critical points of each index at $p=2$:",
               lhs=r"E\,\mathrm{Crt}_{N,k}\big|_{p=2}")
    doc.result("quadratic-total", 2 * N, r"and in all,", lhs=r"E\,\mathrm{Crt}_N\big|_{p=2}")
    c = sp.Symbol("c", positive=True)
    sv, dv = sp.Symbol("s", real=True), sp.Symbol("d", positive=True)
    doc.say(r"$N=2$: put $\lambda_{0,1}=(s\mp d)/\sqrt2$, $d>0$ (Jacobian $1$, $\lambda_1-\lambda_0=\sqrt2 d$). "
            r"With $c=N\frac{p-2}{2p}=\frac{p-2}{p}$:")
    weight = dv * sp.exp(-(sv**2 + dv**2))
    num = sp.integrate(sp.integrate(weight * sp.exp(-c * (sv - dv) ** 2 / 2), (sv, -sp.oo, sp.oo)), (dv, 0, sp.oo))
    den = sp.integrate(sp.integrate(weight, (sv, -sp.oo, sp.oo)), (dv, 0, sp.oo))
    ratio = sp.sqrt(2 * c + 4) / (2 * (c + 1))
    doc.equal(num / den, ratio, r"the GOE$_2$ expectation of $e^{-c\lambda_0^2}$ (and of $e^{-c\lambda_1^2}$, by "
                                r"$s\to-s$), both integrals done by SymPy, is",
              lhs_tex=r"\frac{\int_0^\infty\!\int_{\mathbb R} d\,e^{-s^2-d^2-c(s-d)^2/2}\,ds\,dd}"
                      r"{\int_0^\infty\!\int_{\mathbb R} d\,e^{-s^2-d^2}\,ds\,dd}")
    doc.equal(pre.subs(N, 2) * ratio.subs(c, (p - 2) / p), sp.sqrt(3 * p - 2), r"so that",
              lhs_tex=r"2\sqrt{2/p}\,(p-1)\,E_{\mathrm{GOE}_2}\big[e^{-\frac{p-2}{p}\lambda_0^2}\big]")
    doc.result("two-spins", sp.sqrt(3 * p - 2), r"Critical points of each index on the circle ($N=2$):",
               lhs=r"E\,\mathrm{Crt}_{2,k}")
    doc.result("two-spins-total", 2 * sp.sqrt(3 * p - 2), r"and in all,", lhs=r"E\,\mathrm{Crt}_2")
    doc.references = [ABC]


@derivation("perceptron-dense-clusters", title="Binary perceptron: the first moment of solution pairs",
            results=(Result("pairs", "perceptron-pair-count", symbols={"N": "N", "P": "P", "K": "distance"}),
                     Result("local-entropy", "perceptron-annealed-local-entropy",
                            symbols={"alpha": "alpha", "D": "distance"})),
            citation="recomputed here; the local entropy of Huang, Wong & Kabashima (2013) and Baldassi et al. (2015)")
def perceptron_dense_clusters(doc: Document) -> None:
    Np, P, K = sp.symbols("N P K", positive=True, integer=True)
    q = sp.Symbol("q", real=True)
    alpha, D = sp.symbols("alpha D", positive=True)
    doc.abstract = (r"The expected number of ordered pairs of solutions at Hamming distance $K$ of the binary "
                    r"perceptron with Gaussian patterns and random labels, and its annealed local entropy.")
    doc.assume(r"$W\in\{-1,+1\}^N$; patterns $\xi_\mu\sim N(0,I_N)$ and labels $y_\mu=\pm1$ uniform, all "
               r"independent, $\mu=1..P$; $W$ is a solution when $\operatorname{sign}(W\cdot\xi_\mu)=y_\mu$ "
               r"for all $\mu$. Pairs are ordered; $K=0$ counts each solution once.")
    doc.equal(2 * (sp.Rational(1, 4) + sp.asin(q) / (2 * sp.pi)) / 2, (1 - sp.acos(q) / sp.pi) / 2,
              r"Two weight vectors at distance $K$ have overlap $q=1-2K/N$; $(W\cdot\xi, W'\cdot\xi)/\sqrt N$ is a "
              r"standard Gaussian pair with correlation $q$, positive together with probability "
              r"$\frac14+\frac{\arcsin q}{2\pi}$ (Sheppard), so both have the label's sign with probability "
              r"(either sign, times $1/2$ for the label):", ranges={q: (-1, 1)},
              lhs_tex=r"\tfrac12\cdot2\left(\tfrac14+\tfrac{\arcsin q}{2\pi}\right)")
    pairs = 2**Np * sp.binomial(Np, K) * ((1 - sp.acos(1 - 2 * K / Np) / sp.pi) / 2) ** P
    doc.result("pairs", pairs, r"Patterns are independent, and there are $2^N\binom NK$ ordered pairs at "
                               r"distance $K$:", lhs=r"E\,\mathcal N_2(K)")
    theta = sp.acos(1 - 2 * D)
    n = sp.Symbol("n", positive=True)
    lhs = (sp.log(2**n * sp.binomial(n, D * n) * ((1 - theta / sp.pi) / 2) ** (alpha * n))
           - sp.log(2**n * 2 ** (-alpha * n))) / n
    doc.equal(lhs, sp.log(sp.binomial(n, D * n)) / n + alpha * sp.log(1 - theta / sp.pi),
              r"With $P=\alpha N$ and $K=DN$, the log of pairs per solution (ratio of the two first moments; "
              r"$K=0$ gives $E\,\mathcal N=2^{N-P}$), per weight, is", ranges={D: (0.05, 0.45), alpha: (0, 2)},
              lhs_tex=r"\tfrac1N\ln\frac{E\,\mathcal N_2(DN)}{E\,\mathcal N}")
    doc.say(r"and Stirling's formula gives $\frac1N\ln\binom{N}{DN}=H(D)+O(\ln N/N)$ with "
            r"$H(D)=-D\ln D-(1-D)\ln(1-D)$. This annealed curve is not the typical (quenched) local entropy, "
            r"which Huang, Wong and Kabashima find to vanish near $D=0$ for typical solutions; the dense "
            r"clusters of Baldassi et al.\ are rare, seen only in a large-deviation measure.")
    doc.result("local-entropy", -D * sp.log(D) - (1 - D) * sp.log(1 - D) + alpha * sp.log(1 - theta / sp.pi),
               r"Annealed local entropy (nats per weight):", lhs=r"S(D)")
    doc.references = [HWK, BALDASSI]
