"""Derivations of the generalization capability: Rademacher complexities of norm-bounded linear
classes and of ReLU networks (path norm, spectral norms), and the margin bound."""
from __future__ import annotations

import sympy as sp

from .._document import Result, derivation
from .._layout import named


class GaussAbsMaxMean(sp.Function):
    r"""$E\max_{j\le d}|g_j|=\int_0^\infty(1-\mathrm{erf}(t/\sqrt2)^d)\,dt$ for $g\sim N(0,I_d)$; SymPy cannot
    integrate it for symbolic (or large) $d$, so it stays unevaluated and is evaluated numerically from
    another representation, the mean of the maximum's density: $\int_0^\infty t\,\frac{d}{dt}
    \mathrm{erf}(t/\sqrt2)^d\,dt$ (mpmath quadrature)."""

    def _eval_evalf(self, prec):
        import mpmath

        d = int(self.args[0])
        with mpmath.workprec(prec + 20):
            c = mpmath.sqrt(2 / mpmath.pi)

            def density(t):
                return t * d * mpmath.erf(t / mpmath.sqrt(2)) ** (d - 1) * c * mpmath.exp(-t * t / 2)

            value = mpmath.quad(density, [0, 1, 2, 4, 8, 16, mpmath.inf])
        return sp.Float(value, prec)

    def _latex(self, printer):
        return r"\int_0^\infty\bigl(1-\mathrm{erf}(t/\sqrt2)^{%s}\bigr)\,dt" % printer._print(self.args[0])


def _linear_symbols(point):
    return {"n": point["n"], "d": point["d"], "B": point.get("B", 1.0)}


NTS_SYMBOLS = {"d": "depth", "phi": "path_norm", "B": "input_norm", "D": "input_dim", "n": "n"}
NTS_L2_SYMBOLS = {"d": "depth", "phi": "path_norm", "B": "input_norm", "H": "width", "n": "n"}
NTS_POINTS = tuple({"form": "neyshabur-tomioka-srebro", "path_norm": phi, "depth": depth, "input_dim": D,
                    "input_norm": B, "n": n}
                   for phi, depth, D, B, n in ((3.0, 3, 5, 2.0, 400), (2.0, 3, 7, 1.5, 300), (1.0, 2, 2, 1.0, 40),
                                               (0.5, 1, 1, 4.0, 10)))
NTS_L2_POINTS = tuple({**p, "p": 2.0, "width": H} for p, H in zip(NTS_POINTS[:3], (16, 9, 1)))
BFT_POINTS = tuple({"form": "bartlett-foster-telgarsky", "spectral_norms": s, "l21_norms": b, "max_dim": W,
                    "input_norm": B, "n": n}
                   for s, b, W, B, n in (([1.5, 2.0], [3.0, 5.0], 10, 0.8, 10**6), ([1.0, 1.0], [1.0, 1.0], 2, 1.0, 640),
                                         ([2.0, 0.5, 1.0], [4.0, 1.0, 3.0], 50, 1.0, 10**8)))


def _spectral_symbols(point):
    """P = prod s_i, S = sum (b_i/s_i)^(2/3), L_W = sqrt(ln 2W^2), exactly from the decimal inputs."""
    s = [sp.Rational(repr(v)) for v in point["spectral_norms"]]
    b = [sp.Rational(repr(v)) for v in point["l21_norms"]]
    return {"B": sp.Rational(repr(point["input_norm"])), "n": point["n"], "P": sp.Mul(*s),
            "S": sp.Add(*[(bi / si) ** sp.Rational(2, 3) for si, bi in zip(s, b)]),
            "L_W": sp.sqrt(sp.log(2 * point["max_dim"] ** 2))}


@derivation("generalization-rademacher-linear",
            title="Rademacher complexity of norm-bounded linear classes, exactly and by Massart's lemma",
            results=(Result("l2", "rademacher-linear-l2", symbols=_linear_symbols),
                     Result("l2-jensen", "rademacher-linear-l2", symbols=_linear_symbols, relation=">="),
                     Result("l1", "rademacher-linear-l1", symbols=_linear_symbols),
                     Result("l1-massart", "rademacher-linear-l1", symbols=_linear_symbols, relation=">=")),
            citation="Bartlett & Mendelson (2002); Massart (2000) Lemma 5.2; Kakade, Sridharan & Tewari (2008)")
def build_rademacher(doc):
    n, d, B, t, rr = sp.symbols("n d B t r", positive=True)
    doc.abstract = (r"For $\mathcal F_2=\{x\mapsto\langle w,x\rangle:\|w\|_2\le B\}$ and "
                    r"$\mathcal F_1=\{x\mapsto\langle w,x\rangle:\|w\|_1\le B\}$ with Gaussian inputs "
                    r"$x_i\sim N(0,I_d)$, the expected empirical Rademacher complexity has a closed form; the "
                    r"classical bounds (Jensen for $\ell_2$, Massart's finite-class lemma for $\ell_1$) lie above it.")
    doc.assume(r"$\hat{\mathfrak R}_S(\mathcal F)=E_\sigma\sup_{f\in\mathcal F}\frac1n\sum_i\sigma_i f(x_i)$ with "
               r"i.i.d.\ uniform signs $\sigma_i\in\{\pm1\}$; inputs $x_i\sim N(0,I_d)$ i.i.d.")
    doc.say(r"Dual norms: $\sup_{\|w\|_2\le B}\langle w,v\rangle=B\|v\|_2$ and $\sup_{\|w\|_1\le B}\langle w,v\rangle"
            r"=B\|v\|_\infty$ with $v=\sum_i\sigma_i x_i$. For any fixed signs, $\sigma_i x_i\sim N(0,I_d)$ "
            r"independently, so $v\sim N(0,nI_d)$: $E\hat{\mathfrak R}=\frac{B}{\sqrt n}E\|g\|$ with $g\sim N(0,I_d)$.")
    num = sp.integrate(rr**d * sp.exp(-rr**2 / 2), (rr, 0, sp.oo))
    den = sp.integrate(rr ** (d - 1) * sp.exp(-rr**2 / 2), (rr, 0, sp.oo))
    l2 = sp.sqrt(2) * sp.gamma((d + 1) / 2) / sp.gamma(d / 2)
    doc.equal(num / den, l2, r"$\|g\|_2$ has the chi density $\propto r^{d-1}e^{-r^2/2}$, so "
              r"$E\|g\|_2=\int_0^\infty r^d e^{-r^2/2}dr/\int_0^\infty r^{d-1}e^{-r^2/2}dr$.",
              ranges={d: (1, 30)},
              lhs_tex=r"\frac{\int_0^\infty r^d e^{-r^2/2}dr}{\int_0^\infty r^{d-1}e^{-r^2/2}dr}")
    num2 = sp.integrate(rr ** (d + 1) * sp.exp(-rr**2 / 2), (rr, 0, sp.oo))
    doc.equal(sp.gammasimp(num2 / den), d,
              r"Jensen's bound: $E\|g\|_2\le\sqrt{E\|g\|_2^2}=\sqrt d$, the second moment of the same density; "
              r"the ratio $E\|g\|_2/\sqrt d$ tends to 1 as $d\to\infty$ (Stirling) and is "
              r"$\sqrt{2/\pi}\approx0.80$ at $d=1$.",
              lhs_tex=r"E\|g\|_2^2=\frac{\int_0^\infty r^{d+1}e^{-r^2/2}dr}{\int_0^\infty r^{d-1}e^{-r^2/2}dr}")
    doc.equal(l2.subs(d, 1), sp.sqrt(2 / sp.pi), r"The one-dimensional case.",
              lhs_tex=r"\sqrt2\,\Gamma(1)/\Gamma(1/2)")
    z = sp.Symbol("z", real=True)
    phi = sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi)
    doc.equal(sp.integrate(phi, (z, -t, t)), sp.erf(t / sp.sqrt(2)),
              r"For $\ell_1$: $P(|g_j|\le t)=\mathrm{erf}(t/\sqrt2)$, so $P(\max_j|g_j|>t)=1-\mathrm{erf}(t/\sqrt2)^d$ "
              r"and $E\max_j|g_j|=\int_0^\infty(1-\mathrm{erf}(t/\sqrt2)^d)\,dt$ (evaluated by mpmath quadrature).",
              lhs_tex=r"\int_{-t}^{t}\frac{e^{-z^2/2}}{\sqrt{2\pi}}\,dz")
    doc.equal(sp.integrate(1 - sp.erf(t / sp.sqrt(2)), (t, 0, sp.oo)), sp.sqrt(2 / sp.pi),
              r"Check at $d=1$: the $\ell_1$ and $\ell_2$ classes coincide.",
              lhs_tex=r"\int_0^\infty\bigl(1-\mathrm{erf}(t/\sqrt2)\bigr)\,dt")
    doc.say(r"Massart's lemma: for a finite $A\subset\mathbb R^n$, $E_\sigma\max_{a\in A}\frac1n\sum_i\sigma_i a_i\le"
            r"\max_{a\in A}\|a\|_2\sqrt{2\ln|A|}/n$. The $\ell_1$ ball's supremum is attained at the $2d$ vertices "
            r"$\pm Be_j$, i.e.\ $A=\{\pm B(x_{1j},\dots,x_{nj})\}$, giving $B\max_j\|x_{\cdot j}\|_2\sqrt{2\ln(2d)}/n"
            r"\approx B\sqrt{2\ln(2d)/n}$. Since $E\max_j|g_j|\sim\sqrt{2\ln d}$, Massart is asymptotically tight "
            r"but loose at small $d$: at $d=1$ it gives $\sqrt{2\ln2}=1.18$ against the exact $0.80$.")
    doc.result("l2", B * l2 / sp.sqrt(n), r"The $\ell_2$ class for Gaussian inputs:",
               lhs=r"E\,\hat{\mathfrak R}_S(\mathcal F_2)")
    doc.result("l2-jensen", B * sp.sqrt(d / n), r"Its Jensen bound:", lhs=r"E\,\hat{\mathfrak R}_S(\mathcal F_2)",
               relation="<=")
    doc.result("l1", B / sp.sqrt(n) * GaussAbsMaxMean(d),
               r"The $\ell_1$ class for Gaussian inputs:", lhs=r"E\,\hat{\mathfrak R}_S(\mathcal F_1)")
    doc.result("l1-massart", B * sp.sqrt(2 * sp.log(2 * d) / n), r"Massart's comparison (columns of norm $\sqrt n$):",
               lhs=r"E\,\hat{\mathfrak R}_S(\mathcal F_1)", relation="<=")
    doc.references = [r"P. L. Bartlett, S. Mendelson (2002). Rademacher and Gaussian complexities. JMLR 3.",
                      r"P. Massart (2000). Some applications of concentration inequalities to statistics. "
                      r"Ann. Fac. Sci. Toulouse 9, Lemma 5.2.",
                      r"S. M. Kakade, K. Sridharan, A. Tewari (2008). On the complexity of linear prediction. NeurIPS."]



@derivation("generalization-rademacher-networks",
            title="Rademacher complexity of ReLU networks: path norm by peeling, spectral norms by Dudley's integral",
            results=(Result("path-norm-nts", "rademacher-bound", symbols=NTS_SYMBOLS, points=NTS_POINTS),
                     Result("path-norm-derived", "rademacher-bound", symbols=NTS_SYMBOLS, points=NTS_POINTS,
                            relation="<="),
                     Result("path-norm-l2-nts", "rademacher-bound", symbols=NTS_L2_SYMBOLS,
                            points=NTS_L2_POINTS),
                     Result("spectral", "rademacher-bound", symbols=_spectral_symbols, points=BFT_POINTS)),
            citation="Neyshabur, Tomioka & Srebro (2015) COLT Thm 1; Ledoux & Talagrand (1991) Thm 4.12; "
                     "Massart (2000); Bartlett, Foster & Telgarsky (2017) NeurIPS Thm 3.3, Lemma A.5")
def build_rademacher_networks(doc):
    n, d, D, H, B, phi, C, U, alpha, eps = sp.symbols("n d D H B phi C U alpha epsilon", positive=True)
    doc.abstract = (r"Two of the \texttt{rademacher-bound} forms, proved here from their ingredients. "
                    r"(i) For bias-free ReLU networks of depth $d$ whose $\ell_1$ path norm is at most $\phi$, "
                    r"peeling one ReLU layer at a time costs a factor 2 (Ledoux--Talagrand) and Massart's lemma "
                    r"bounds the linear base, giving $2^{d-1}\phi B_\infty\sqrt{2\ln(2D)/n}$: a factor $\sqrt2$ "
                    r"below Neyshabur--Tomioka--Srebro's printed $2^{d}\phi B_\infty\sqrt{\ln(2D)/n}$, which "
                    r"\texttt{eval} reports. (ii) Bartlett--Foster--Telgarsky's covering-number bound fed to "
                    r"Dudley's entropy integral, minimised over the cut-off, gives the spectral form.")
    doc.assume(r"$\hat{\mathfrak R}_S(\mathcal F)=E_\sigma\sup_{f\in\mathcal F}\frac1n\sum_i\sigma_if(x_i)$ on a fixed "
               r"sample $x_1,\dots,x_n\in\mathbb R^D$; every class below contains $-f$ with $f$ (flip the output "
               r"weights), so the supremum equals that of $|\sum_i\sigma_if(x_i)|$.")
    doc.assume(r"Networks $f(x)=W_d\,\mathrm{relu}(W_{d-1}\cdots\mathrm{relu}(W_1x))$, no biases, scalar output; "
               r"$\phi_1(f)=\sum_{\text{paths}}\prod_e|w_e|=\mathbf 1^\top|W_d|\cdots|W_1|\mathbf 1$; "
               r"$B_\infty=\max_i\|x_i\|_\infty$, $B=\max_i\|x_i\|_2$.")
    z, c = sp.Symbol("z", real=True), sp.Symbol("c", positive=True)
    doc.equal(sp.Max(0, c * z), c * sp.Max(0, z),
              r"ReLU is positively homogeneous, so multiplying a hidden unit's incoming weights by $c>0$ and its "
              r"outgoing weights by $1/c$ leaves the network's function unchanged.",
              ranges={z: (-3, 3)}, numeric_only=True, lhs_tex=r"\mathrm{relu}(cz)")
    W1 = sp.Matrix(2, 2, sp.symbols("w11 w12 w21 w22", positive=True))
    v = sp.Matrix(1, 2, sp.symbols("v1 v2", positive=True))
    x1, x2 = sp.symbols("x1 x2", real=True)
    row_l1 = [sum(W1.row(j)) for j in range(2)]  # entries positive: |w| = w
    W1_bal = sp.diag(*[1 / r_ for r_ in row_l1]) * W1
    v_bal = sp.Matrix(1, 2, [v[j] * row_l1[j] for j in range(2)])
    relu = lambda m: m.applyfunc(lambda e: sp.Max(0, e))  # noqa: E731
    xs = sp.Matrix([x1, x2])
    doc.equal((v_bal * relu(W1_bal * xs))[0], (v * relu(W1 * xs))[0],
              r"Rebalancing, shown for one hidden layer of two units (weights taken positive; signs do not "
              r"enter the path norm): dividing unit $j$'s incoming weights by their $\ell_1$ norm $r_j$ and "
              r"multiplying its outgoing weight by $r_j$ keeps the function.",
              ranges={x1: (-2, 2), x2: (-2, 2)}, numeric_only=True, lhs_tex=r"v'\,\mathrm{relu}(W_1'x)")
    path = (v * W1 * sp.ones(2, 1))[0]
    doc.equal(sum(v_bal) * sp.Max(*[sp.simplify(sum(W1_bal.row(j))) for j in range(2)]), path,
              r"After rebalancing every unit's incoming $\ell_1$ norm is 1, so the product over layers of the "
              r"largest incoming $\ell_1$ norm equals the path norm $\mathbf 1^\top|v||W_1|\mathbf 1$. Bottom-up, the "
              r"same holds at any depth: the class $\{\phi_1\le\phi\}$ lies in $\{\prod_j\max_{\text{units}}"
              r"\|w_{\text{in}}\|_1\le\phi\}$ (NTS's $\gamma_{1,\infty}$ class).",
              lhs_tex=r"\|v'\|_1\cdot\max_j\|w'_j\|_1")
    doc.say(r"Peeling. Let the top unit's incoming weights $v$ satisfy $\|v\|_1\le\mu$ and write "
            r"$g_j(x)$ for hidden unit $j$'s pre-activation. Then $\sup|\sum_i\sigma_i\sum_jv_j\mathrm{relu}(g_j(x_i))|"
            r"\le\mu\max_j|\sum_i\sigma_i\mathrm{relu}(g_j(x_i))|$ (H\"older, $\ell_1$--$\ell_\infty$), and "
            r"Ledoux--Talagrand's contraction (Thm 4.12; relu is 1-Lipschitz with relu$(0)=0$) gives "
            r"$E\sup|\sum_i\sigma_i\mathrm{relu}(t_i)|\le 2E\sup|\sum_i\sigma_it_i|$. Each of the $d-1$ ReLU "
            r"layers costs $2\mu_j$; for the $\ell_p$ path norm the H\"older step costs $H^{1/p^*}$ more per layer.")
    lam, r, N = sp.symbols("lambda r N", positive=True)
    massart = sp.log(N) / lam + lam * r**2 / 2
    lam_star = sp.sqrt(2 * sp.log(N)) / r
    doc.equal(sp.diff(massart, lam).subs(lam, lam_star), 0,
              r"Massart's lemma: for $N$ vectors of Euclidean norm $\le r$, $E\max_k\langle\sigma,a_k\rangle\le"
              r"\ln N/\lambda+\lambda r^2/2$ for every $\lambda>0$ (Hoeffding's lemma and Jensen); the minimiser is "
              r"$\lambda^*=\sqrt{2\ln N}/r$.", ranges={N: (2, 50)},
              lhs_tex=r"\frac{\partial}{\partial\lambda}\Big(\frac{\ln N}{\lambda}+\frac{\lambda r^2}{2}\Big)\Big|_{\lambda^*}")
    doc.equal(massart.subs(lam, lam_star), r * sp.sqrt(2 * sp.log(N)),
              r"The value at $\lambda^*$. The base class $\{x\mapsto\langle w,x\rangle:\|w\|_1\le1\}$ attains "
              r"$\max_j|\sum_i\sigma_ix_{ij}|$, a maximum over $N=2D$ vectors $\pm(x_{1j},\dots,x_{nj})$ of norm "
              r"$\le\sqrt n B_\infty$.", ranges={N: (2, 50)},
              lhs_tex=r"\frac{\ln N}{\lambda^*}+\frac{\lambda^* r^2}{2}")
    derived = 2 ** (d - 1) * phi * B * sp.sqrt(2 * n * sp.log(2 * D)) / n
    stated = 2**d * phi * B * sp.sqrt(sp.log(2 * D)) / sp.sqrt(n)
    doc.equal(stated / derived, sp.sqrt(2),
              r"Assembling, $\hat{\mathfrak R}_S\le 2^{d-1}\phi\,\sqrt{2n\ln(2D)}B_\infty/n$. NTS print "
              r"$\sqrt{\gamma^2(2H^{[1/p^*-1/q]_+})^{2(d-1)}\min(p^*,4\ln 2D)B_{p^*}^2/n}$ "
              r"($B_{p^*}=\max_i\|x_i\|_{p^*}$); "
              r"at $p=1$, $q=\infty$ this is $2^d\phi\sqrt{\ln(2D)}B_\infty/\sqrt n$, larger by $\sqrt2$ "
              r"(they bound the linear base with $4\ln 2D$ where Massart gives $2\ln 2D$).",
              ranges={D: (1, 100)}, lhs_tex=r"\frac{\text{NTS}(p=1)}{\text{derived}}")
    stated2 = (2 * sp.sqrt(H)) ** (d - 1) * phi * sp.sqrt(2) * B / sp.sqrt(n)
    derived2 = (2 * sp.sqrt(H)) ** (d - 1) * phi * B / sp.sqrt(n)
    doc.equal(stated2 / derived2, sp.sqrt(2),
              r"The $\ell_2$ path norm ($p=p^*=2$, $D\ge2$): the base $E\|\sum_i\sigma_ix_i\|_2\le\sqrt{nB^2}$ "
              r"(Jensen) gives $(2\sqrt H)^{d-1}\phi B/\sqrt n$; NTS's $\min(p^*,4\ln 2D)=2$ again costs $\sqrt2$.",
              lhs_tex=r"\frac{\text{NTS}(p=2)}{\text{derived}}")
    doc.say(r"Spectral form. Bartlett--Foster--Telgarsky (Thm 3.3): for networks with $\|A_i\|_\sigma\le s_i$ and "
            r"$\|A_i^\top-M_i^\top\|_{2,1}\le b_i$, 1-Lipschitz activations vanishing at 0 and matrices of "
            r"dimension at most $W$, $\ln\mathcal N(\varepsilon)\le C^2/\varepsilon^2$ in the Euclidean norm on "
            r"$\mathbb R^n$, with $C=\|X\|_2\sqrt{\ln(2W^2)}R_A$ and $R_A=\prod_is_i\,(\sum_i(b_i/s_i)^{2/3})^{3/2}$. "
            r"Dudley's integral (their Lemma A.5, for a class containing 0 with radius "
            r"$U=\sup_f\|f(X)\|_2\le\|X\|_2\prod_is_i$): $\hat{\mathfrak R}_S\le\inf_{0<\alpha\le U}\,4\alpha/\sqrt n"
            r"+\frac{12}{n}\int_\alpha^U\sqrt{\ln\mathcal N(\varepsilon)}\,d\varepsilon$.")
    dudley = 4 * alpha / sp.sqrt(n) + 12 / n * sp.Integral(C / eps, (eps, alpha, U))
    dudley_closed = 4 * alpha / sp.sqrt(n) + 12 * C / n * sp.log(U / alpha)
    doc.equal(dudley, dudley_closed, r"The entropy integral of $C/\varepsilon$.",
              ranges={alpha: (sp.Rational(1, 10), 1), U: (2, 5)},
              lhs_tex=r"\frac{4\alpha}{\sqrt n}+\frac{12}{n}\int_\alpha^U\frac{C}{\varepsilon}\,d\varepsilon")
    a_star = 3 * C / sp.sqrt(n)
    doc.equal(sp.diff(dudley_closed, alpha).subs(alpha, a_star), 0,
              r"It is convex in $\alpha$ with its minimum at $\alpha^*=3C/\sqrt n$ (when $\alpha^*\le U$; "
              r"otherwise the minimum over $(0,U]$ is at $\alpha=U$, giving $4U/\sqrt n$).",
              lhs_tex=r"\frac{\partial}{\partial\alpha}(\cdot)\big|_{\alpha^*}")
    value = 12 * C / n * (1 + sp.log(sp.sqrt(n) * U / (3 * C)))
    doc.equal(dudley_closed.subs(alpha, a_star), value, r"The minimum value.",
              lhs_tex=r"\frac{4\alpha^*}{\sqrt n}+\frac{12C}{n}\ln\frac U{\alpha^*}")
    P, Sr, Lw = sp.symbols("P S L_W", positive=True)  # prod s_i, sum (b_i/s_i)^(2/3), sqrt(ln 2W^2)
    R_A = P * Sr ** sp.Rational(3, 2)
    spectral = value.subs({C: sp.sqrt(n) * B * Lw * R_A, U: sp.sqrt(n) * B * P})
    doc.equal(spectral, 12 * B * R_A * Lw / sp.sqrt(n) * (1 + sp.log(sp.sqrt(n) * P / (3 * Lw * R_A))),
              r"With $\|X\|_2\le\sqrt nB$ (the bound increases with $\|X\|_2$), $P=\prod_is_i$, "
              r"$S=\sum_i(b_i/s_i)^{2/3}$ and $L_W=\sqrt{\ln(2W^2)}$.",
              ranges={P: (1, 3), Sr: (1, 3), Lw: (1, 3), n: (10**4, 10**6)}, lhs_tex=r"\hat{\mathfrak R}_S\le")
    doc.result("path-norm-nts", stated, r"\texttt{rademacher-bound form=neyshabur-tomioka-srebro}, $p=1$ "
               r"($B=\max_i\|x_i\|_\infty$):", lhs=r"\hat{\mathfrak R}_S", relation="<=")
    doc.result("path-norm-derived", derived, r"The bound proved here ($p=1$):", lhs=r"\hat{\mathfrak R}_S",
               relation="<=")
    doc.result("path-norm-l2-nts", stated2, r"NTS at $p=2$ ($H$ the largest hidden width, $D\ge2$):",
               lhs=r"\hat{\mathfrak R}_S", relation="<=")
    doc.result("spectral", 12 * B * R_A * Lw / sp.sqrt(n) * (1 + sp.log(sp.sqrt(n) * P / (3 * Lw * R_A))),
               r"\texttt{rademacher-bound form=bartlett-foster-telgarsky} (when $\sqrt nP>3L_WR_A$):",
               lhs=r"\hat{\mathfrak R}_S", relation="<=")
    doc.references = [
        r"B. Neyshabur, R. Tomioka, N. Srebro (2015). Norm-based capacity control in neural networks. COLT; "
        r"arXiv:1503.00036.",
        r"P. L. Bartlett, D. J. Foster, M. Telgarsky (2017). Spectrally-normalized margin bounds for neural "
        r"networks. NeurIPS; arXiv:1706.08498.",
        r"M. Ledoux, M. Talagrand (1991). Probability in Banach Spaces, Thm 4.12.",
        r"N. Golowich, A. Rakhlin, O. Shamir (2018). Size-independent sample complexity of neural networks. COLT; "
        r"arXiv:1712.06541.",
        r"P. Massart (2000). Some applications of concentration inequalities to statistics. "
        r"Ann. Fac. Sci. Toulouse 9, Lemma 5.2."]



@derivation("generalization-margin-bound", title="The margin bound from McDiarmid, symmetrization and contraction",
            results=(Result("margin-bound", "rademacher-margin-bound",
                            symbols={"R_gamma": "margin_risk", "Rad": "rademacher", "gamma": "gamma", "n": "n",
                                     "delta": "delta"}),),
            citation="Bartlett, Foster & Telgarsky (2017) Lemma 3.1; Mohri, Rostamizadeh & Talwalkar (2018) Thm 3.3 "
                     "and Thm 5.8; Koltchinskii & Panchenko (2002); McDiarmid (1989); Ledoux & Talagrand (1991)")
def build_margin_bound(doc):
    n = sp.Symbol("n", positive=True, integer=True)
    delta, eps, gamma, t, r_gamma = sp.symbols("delta epsilon gamma t R_gamma", positive=True)
    R_hat = named("Rhat", r"\hat{\mathfrak R}_S", positive=True)
    Rad = named("Rad", r"\operatorname{Rad}", positive=True)
    i = sp.Symbol("i", integer=True, positive=True)
    doc.abstract = (r"For a class $H$ of real-valued functions, a margin $\gamma>0$ fixed in advance and "
                    r"$\delta\in(0,1)$: with probability $\ge1-\delta$ over $n$ i.i.d.\ labelled samples, every "
                    r"$h\in H$ has $P(yh(x)\le0)\le\hat R_\gamma(h)+\frac2\gamma\hat{\mathfrak R}_S(H)+"
                    r"3\sqrt{\ln(1/\delta)/(2n)}$, with $\hat R_\gamma$ the empirical ramp loss. We derive the "
                    r"constants 2 and 3, and the $\ln(1/\delta)$ of Bartlett--Foster--Telgarsky's one-step argument "
                    r"(the textbook two-step argument has $\ln(2/\delta)$).")
    doc.assume(r"$G$ a class of functions into $[0,1]$; $\Phi(S)=\sup_{g\in G}(E g-\hat E_S g)$; "
               r"$\hat{\mathfrak R}_S(G)=E_\sigma\sup_g\frac1n\sum_i\sigma_ig(z_i)$, "
               r"$\mathfrak R_n(G)=E_S\hat{\mathfrak R}_S(G)$.")
    doc.equal(sp.Sum(1 / n**2, (i, 1, n)), 1 / n,
              r"Bounded differences: changing one sample moves $\Phi(S)$, and also $\hat{\mathfrak R}_S(G)$, by at "
              r"most $c_i=1/n$, so McDiarmid's inequality $P(Z-EZ\ge\varepsilon)\le\exp(-2\varepsilon^2/\sum_ic_i^2)$ "
              r"has $\sum_ic_i^2=$", lhs_tex=r"\sum_{i=1}^n\frac1{n^2}")
    eps_star = sp.sqrt(sp.log(2 / delta) / (2 * n))
    doc.equal(sp.exp(-2 * n * eps**2).subs(eps, eps_star), delta / 2,
              r"Each of the two deviations is at most $\varepsilon^*=\sqrt{\ln(2/\delta)/(2n)}$ with probability "
              r"$\ge1-\delta/2$: $e^{-2n\varepsilon^{*2}}=\delta/2$ (a union bound over the two events).",
              lhs_tex=r"e^{-2n\varepsilon^{*2}}")
    doc.say(r"Symmetrization (a ghost sample and Rademacher signs): $E\,\Phi(S)\le2\mathfrak R_n(G)$. Hence, with "
            r"probability $\ge1-\delta$, $\Phi(S)\le2\mathfrak R_n(G)+\varepsilon^*\le2(\hat{\mathfrak R}_S(G)+"
            r"\varepsilon^*)+\varepsilon^*$.")
    doc.equal(2 * (R_hat + eps_star) + eps_star, 2 * R_hat + 3 * eps_star,
              r"That is Mohri et al.'s Thm 3.3 with the empirical complexity.",
              lhs_tex=r"2(\hat{\mathfrak R}_S+\varepsilon^*)+\varepsilon^*")
    eps_one = 3 * sp.sqrt(sp.log(1 / delta) / (2 * n))
    doc.equal(sp.exp(-2 * eps**2 / sp.Sum(9 / n**2, (i, 1, n)).doit()).subs(eps, eps_one), delta,
              r"One step suffices (Bartlett--Foster--Telgarsky, Lemma 3.1): $Z=\Phi(S)-2\hat{\mathfrak R}_S(G)$ has "
              r"$EZ\le0$ and bounded differences $1/n+2/n=3/n$, so McDiarmid with $\sum_ic_i^2=9/n$ gives "
              r"$Z\le3\sqrt{\ln(1/\delta)/(2n)}$ with probability $\ge1-\delta$: the same 3, with $\ln(1/\delta)$ "
              r"in place of $\ln(2/\delta)$. \texttt{rademacher-margin-bound} uses this form.",
              lhs_tex=r"\exp\Big(-2\varepsilon^2\big/\sum_{i=1}^n\frac9{n^2}\Big)\Big|_{\varepsilon=3\sqrt{\ln(1/\delta)/(2n)}}")
    ramp = 1 - t / gamma
    doc.equal(sp.diff(ramp, t), -1 / gamma,
              r"The ramp loss $\phi_\gamma(t)=\min(1,\max(0,1-t/\gamma))$ is $1/\gamma$-Lipschitz (its slope on "
              r"$[0,\gamma]$, flat elsewhere) and $\ge\mathbf 1\{t\le0\}$. Take $G=\{(x,y)\mapsto\phi_\gamma(yh(x))\}$. "
              r"Since $\sigma_iy_i$ has the law of $\sigma_i$, the labels drop out of $\hat{\mathfrak R}_S$, and "
              r"Talagrand's contraction gives $\hat{\mathfrak R}_S(G)\le\hat{\mathfrak R}_S(H)/\gamma$.",
              lhs_tex=r"\frac{d}{dt}\Big(1-\frac t\gamma\Big)")
    bound = r_gamma + 2 * Rad / gamma + eps_one
    doc.result("margin-bound", bound, r"\texttt{rademacher-margin-bound} ($R_\gamma$ the empirical ramp loss, "
               r"$\operatorname{Rad}$ the empirical Rademacher complexity of $H$ or an upper bound on it):",
               lhs=r"P(yh(x)\le0)", relation="<=")
    doc.references = [r"M. Mohri, A. Rostamizadeh, A. Talwalkar (2018). Foundations of Machine Learning, 2nd ed., "
                      r"Thm 3.3 and Thm 5.8. MIT Press.",
                      r"V. Koltchinskii, D. Panchenko (2002). Empirical margin distributions and bounding the "
                      r"generalization error of combined classifiers. Ann. Statist. 30(1).",
                      r"C. McDiarmid (1989). On the method of bounded differences. Surveys in Combinatorics.",
                      r"P. L. Bartlett, D. J. Foster, M. Telgarsky (2017). Spectrally-normalized margin bounds for "
                      r"neural networks. NeurIPS; arXiv:1706.08498, Lemma 3.1.",
                      r"M. Ledoux, M. Talagrand (1991). Probability in Banach Spaces, Thm 4.12."]

