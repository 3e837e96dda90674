"""Derivations for the generalization capability: the kl-inverse and Pinsker's relaxation,
the PAC-Bayes bound from the change-of-measure inequality, and the Rademacher complexity of
norm-bounded linear classes with Massart's lemma as the comparison."""
from __future__ import annotations

import sympy as sp

from ._document import derivation


def kl_expr(q, p):
    return q * sp.log(q / p) + (1 - q) * sp.log((1 - q) / (1 - p))


@derivation("generalization-kl-inverse", title="The kl-inverse and what Pinsker's inequality loses",
            quantities=("kl-inverse", "pac-bayes-bound"),
            citation="Langford & Seeger (2001); Pinsker (1964); Maurer (2004)")
def build_kl_inverse(doc):
    q, p, c, h = sp.symbols("q p c h", positive=True)
    doc.abstract = (r"PAC-Bayes bounds of the Langford--Seeger--Maurer type bound the binary KL divergence "
                    r"$\mathrm{kl}(\hat r\,\|\,R)$; turning them into a bound on $R$ needs the upper inverse "
                    r"$\mathrm{kl}^{-1}(q,c)=\sup\{p\in[q,1]:\mathrm{kl}(q\|p)\le c\}$. We show it is well defined, "
                    r"give its exact edge cases, and compare it with Pinsker's relaxation $q+\sqrt{c/2}$.")
    doc.assume(r"$0<q<p<1$ unless stated; $c\ge 0$.")
    doc.assume(r"$\mathrm{kl}(q\|p)=q\ln\frac{q}{p}+(1-q)\ln\frac{1-q}{1-p}$, with $0\ln 0=0$.")
    kl = kl_expr(q, p)
    dkl = sp.diff(kl, p)
    doc.equal(dkl, (p - q) / (p * (1 - p)),
              r"The derivative in $p$ is positive for $p>q$, so $\mathrm{kl}(q\|\cdot)$ increases on $[q,1)$ "
              r"from 0 to $+\infty$ and the upper inverse is the unique root of $\mathrm{kl}(q\|p)=c$ there "
              r"(computed by bisection to full precision).",
              ranges={q: (sp.Rational(1, 10), sp.Rational(4, 10)), p: (sp.Rational(5, 10), sp.Rational(9, 10))},
              lhs_tex=r"\frac{\partial}{\partial p}\mathrm{kl}(q\|p)")
    kl0 = -sp.log(1 - p)
    doc.equal(sp.limit(kl, q, 0), kl0,
              r"At $q=0$ the divergence is $-\ln(1-p)$, so $\mathrm{kl}^{-1}(0,c)=1-e^{-c}$ exactly; "
              r"at $q=1$, $\mathrm{kl}(1\|p)=-\ln p$ is finite for every $p>0$ and the supremum over $[1,1]$ is 1.",
              ranges={p: (sp.Rational(1, 10), sp.Rational(9, 10))}, lhs_tex=r"\lim_{q\to0}\mathrm{kl}(q\|p)")
    doc.equal(kl0.subs(p, 1 - sp.exp(-c)), c, r"Check: $p=1-e^{-c}$ solves $-\ln(1-p)=c$.",
              lhs_tex=r"-\ln(1-p)\big|_{p=1-e^{-c}}")
    g = kl - 2 * (p - q) ** 2
    doc.equal(sp.diff(g, p), (p - q) * (1 / (p * (1 - p)) - 4),
              r"Pinsker: let $g(p)=\mathrm{kl}(q\|p)-2(p-q)^2$. Then $g(q)=0$ and, since $p(1-p)\le 1/4$, "
              r"$g'(p)\ge 0$ for $p\ge q$; hence $\mathrm{kl}(q\|p)\ge 2(p-q)^2$ and "
              r"$\mathrm{kl}^{-1}(q,c)\le q+\sqrt{c/2}$.",
              ranges={q: (sp.Rational(1, 10), sp.Rational(4, 10)), p: (sp.Rational(5, 10), sp.Rational(9, 10))},
              lhs_tex=r"g'(p)")
    series = sp.series(kl.subs(p, q + h), h, 0, 3).removeO()
    doc.equal(series, h**2 / (2 * q * (1 - q)),
              r"What Pinsker loses: near $p=q$ the divergence is $h^2/(2q(1-q))$ (with $p=q+h$), not $2h^2$, "
              r"so for small $c$, $\mathrm{kl}^{-1}(q,c)\approx q+\sqrt{2q(1-q)c}$: the Pinsker slack "
              r"$\sqrt{c/2}$ is larger by the factor $1/(2\sqrt{q(1-q)})$, equal to 1 only at $q=1/2$ and "
              r"unbounded as $q\to 0$, where the exact inverse is $1-e^{-c}\approx c$ instead of $\sqrt{c/2}$.",
              ranges={q: (sp.Rational(1, 10), sp.Rational(9, 10))},
              lhs_tex=r"\mathrm{kl}(q\|q+h)+O(h^3)")
    from dltheory.theory.generalization import kl_inverse_upper

    rows = []
    for qv, cv in ((0.0, 0.02), (0.01, 0.02), (0.1, 0.02), (0.5, 0.02)):
        exact = float(kl_inverse_upper(qv, cv, 20))
        rows.append(rf"$q={qv}$: {exact:.5f} vs {qv + (cv / 2) ** 0.5:.5f}")
    doc.say(r"Numerically at $c=0.02$ (exact inverse from \texttt{kl-inverse} vs Pinsker): " + "; ".join(rows) + ".")
    doc.result("q0", 1 - sp.exp(-c), r"Exact edge case $\mathrm{kl}^{-1}(0,c)$:")
    doc.result("pinsker", q + sp.sqrt(c / 2), r"Pinsker's relaxation (an upper bound on $\mathrm{kl}^{-1}(q,c)$):")
    doc.result("small-c", q + sp.sqrt(2 * q * (1 - q) * c), r"Leading small-$c$ behaviour of $\mathrm{kl}^{-1}(q,c)$, $0<q<1$:")
    doc.references = [r"J. Langford, M. Seeger (2001). Bounds for averaging classifiers. CMU-CS-01-102.",
                      r"A. Maurer (2004). A note on the PAC Bayesian theorem. arXiv:cs/0411099.",
                      r"M. S. Pinsker (1964). Information and information stability of random variables and processes."]


@derivation("generalization-pac-bayes", title="The PAC-Bayes bound from the change-of-measure inequality",
            quantities=("pac-bayes-bound",),
            citation="McAllester (1999); Langford & Seeger (2001); Maurer (2004) Thm 5; Donsker & Varadhan (1975)")
def build_pac_bayes(doc):
    n = sp.Symbol("n", positive=True, integer=True)
    K, delta, r = sp.symbols("K delta r", positive=True)
    doc.abstract = (r"From the Donsker--Varadhan change of measure, Markov's inequality and Maurer's moment bound, "
                    r"we obtain: with probability $\ge 1-\delta$ over an i.i.d.\ sample of size $n\ge 8$, for all "
                    r"posteriors $Q$, $\mathrm{kl}(\hat r_Q\|R_Q)\le (\mathrm{KL}(Q\|P)+\ln(2\sqrt n/\delta))/n$.")
    doc.assume(r"A prior $P$ over classifiers chosen before the sample; losses in $\{0,1\}$; "
               r"$R_h$ the risk of $h$, $\hat r_h$ its empirical risk on $n$ i.i.d.\ samples; "
               r"$R_Q=E_{h\sim Q}R_h$, $\hat r_Q=E_{h\sim Q}\hat r_h$ (Gibbs risks).")
    # change of measure on a 3-point space, verified as an identity
    q1, q2, p1, p2, f1, f2, f3 = sp.symbols("q1 q2 p1 p2 phi1 phi2 phi3", positive=True)
    qs = [q1, q2, 1 - q1 - q2]
    ps = [p1, p2, 1 - p1 - p2]
    fs = [f1, f2, f3]
    Z = sum(pi * sp.exp(fi) for pi, fi in zip(ps, fs))
    KLqp = sum(qi * sp.log(qi / pi) for qi, pi in zip(qs, ps))
    gibbs = [pi * sp.exp(fi) / Z for pi, fi in zip(ps, fs)]
    KLqg = sum(qi * sp.log(qi / gi) for qi, gi in zip(qs, gibbs))
    rng = {q1: (sp.Rational(1, 10), sp.Rational(4, 10)), q2: (sp.Rational(1, 10), sp.Rational(4, 10)),
           p1: (sp.Rational(1, 10), sp.Rational(4, 10)), p2: (sp.Rational(1, 10), sp.Rational(4, 10))}
    doc.equal(KLqp - sum(qi * fi for qi, fi in zip(qs, fs)) + sp.log(Z) - KLqg, 0,
              r"Change of measure (Donsker--Varadhan), shown on a three-point space: with the Gibbs measure "
              r"$G\propto P e^{\phi}$, $\mathrm{KL}(Q\|P)-E_Q\phi+\ln E_P e^{\phi}=\mathrm{KL}(Q\|G)\ge 0$, hence "
              r"$E_Q\phi\le \mathrm{KL}(Q\|P)+\ln E_P e^{\phi}$ for every $Q$ and every $\phi$.",
              ranges=rng, numeric_only=True,
              lhs_tex=r"\sum_{j=1}^{3}q_j\ln\frac{q_j}{p_j}-\sum_{j=1}^{3}q_j\phi_j+\ln\sum_{j=1}^{3}p_je^{\phi_j}"
                      r"-\sum_{j=1}^{3}q_j\ln\frac{q_j\sum_l p_le^{\phi_l}}{p_je^{\phi_j}}")
    R = sp.Symbol("R", positive=True)
    m = 6
    lhs = sum(sp.binomial(m, k) * R**k * (1 - R) ** (m - k) * sp.exp(m * kl_expr_safe(sp.Rational(k, m), R))
              for k in range(m + 1))
    xi6 = sum(sp.binomial(m, k) * sp.Rational(k, m) ** k * (1 - sp.Rational(k, m)) ** (m - k) for k in range(m + 1))
    doc.equal(lhs, xi6,
              r"Take $\phi(h)=n\,\mathrm{kl}(\hat r_h\|R_h)$. For one fixed $h$, $n\hat r_h\sim\mathrm{Bin}(n,R_h)$ and "
              r"$E\,e^{n\,\mathrm{kl}(\hat r\|R)}=\sum_k\binom nk (k/n)^k(1-k/n)^{n-k}=:\xi(n)$, independent of $R$ "
              r"(shown here for $n=6$ and symbolic $R$).",
              ranges={R: (sp.Rational(1, 20), sp.Rational(19, 20))},
              lhs_tex=r"\sum_{k=0}^{6}\binom6k R^k(1-R)^{6-k}\,e^{6\,\mathrm{kl}(k/6\,\|\,R)}")
    doc.say(r"Each term of $\xi(n)$ is a binomial probability, so $\xi(n)\le n+1$ (Langford--Seeger); "
            r"Maurer (2004, Thm 1) shows $\sqrt n\le\xi(n)\le 2\sqrt n$ for $n\ge 8$. "
            r"Exact values: " + ", ".join(
                rf"$\xi({k})={float(xi(k)):.4f}$ vs $2\sqrt{{{k}}}={2 * float(sp.sqrt(k)):.4f}$" for k in (8, 30, 100)) + ".")
    doc.say(r"Markov's inequality applied to the non-negative $E_{h\sim P}e^{\phi(h)}$, whose expectation over "
            r"the sample is $\xi(n)$ (Fubini; $P$ does not depend on the sample): with probability $\ge1-\delta$, "
            r"$\ln E_P e^{\phi}\le\ln(\xi(n)/\delta)$. With the change of measure and the joint convexity of kl "
            r"(Jensen), for every $Q$ simultaneously: $n\,\mathrm{kl}(\hat r_Q\|R_Q)\le E_Q\,n\,\mathrm{kl}"
            r"(\hat r_h\|R_h)\le \mathrm{KL}(Q\|P)+\ln(\xi(n)/\delta)$.")
    rhs = (K + sp.log(2 * sp.sqrt(n) / delta)) / n
    doc.equal(rhs, K / n + sp.log(2 / delta) / n + sp.log(n) / (2 * n),
              r"Maurer's right-hand side, $\xi(n)\le2\sqrt n$, expanded: the $\ln n/(2n)$ term is half of "
              r"Langford--Seeger's $\ln(n+1)/n$.")
    pinsker = r + sp.sqrt(rhs / 2)
    doc.equal(pinsker, r + sp.sqrt((K + sp.log(2 * sp.sqrt(n) / delta)) / (2 * n)),
              r"Inverting with $\mathrm{kl}^{-1}$ gives the maurer-seeger form; relaxing with Pinsker "
              r"($\mathrm{kl}^{-1}(q,c)\le q+\sqrt{c/2}$) gives the additive maurer-pinsker form.")
    doc.result("maurer-rhs", rhs, r"With probability $\ge1-\delta$, for all $Q$: "
               r"$R_Q\le\mathrm{kl}^{-1}(\hat r_Q, c)$ with $c=$")
    doc.result("langford-seeger-rhs", (K + sp.log((n + 1) / delta)) / n, r"Langford--Seeger's $c$ (from $\xi(n)\le n+1$):")
    doc.result("maurer-pinsker", pinsker, r"Pinsker-relaxed form:")
    doc.references = [r"D. McAllester (1999). PAC-Bayesian model averaging. COLT.",
                      r"J. Langford, M. Seeger (2001). Bounds for averaging classifiers. CMU-CS-01-102.",
                      r"A. Maurer (2004). A note on the PAC Bayesian theorem. arXiv:cs/0411099.",
                      r"M. D. Donsker, S. R. S. Varadhan (1975). Asymptotic evaluation of certain Markov process "
                      r"expectations for large time I. CPAM 28."]


def kl_expr_safe(q, p):
    """kl with the 0 ln 0 = 0 convention for rational q in [0, 1]."""
    out = sp.Integer(0)
    if q != 0:
        out += q * sp.log(q / p)
    if q != 1:
        out += (1 - q) * sp.log((1 - q) / (1 - p))
    return out


def xi(k: int):
    """Maurer's xi(n) = sum_k C(n,k) (k/n)^k (1-k/n)^(n-k), exact rational."""
    return sum(sp.binomial(k, j) * sp.Rational(j, k) ** j * (1 - sp.Rational(j, k)) ** (k - j) for j in range(k + 1))


@derivation("generalization-rademacher-linear",
            title="Rademacher complexity of norm-bounded linear classes, exactly and by Massart's lemma",
            quantities=("rademacher-linear-l2", "rademacher-linear-l1"),
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
    doc.result("l2", B * l2 / sp.sqrt(n), r"$E\,\hat{\mathfrak R}_S(\mathcal F_2)$ for Gaussian inputs:")
    doc.result("l2-jensen", B * sp.sqrt(d / n), r"Its Jensen bound:")
    doc.result("l1", B / sp.sqrt(n) * sp.Integral(1 - sp.erf(t / sp.sqrt(2)) ** d, (t, 0, sp.oo)),
               r"$E\,\hat{\mathfrak R}_S(\mathcal F_1)$ for Gaussian inputs:")
    doc.result("l1-massart", B * sp.sqrt(2 * sp.log(2 * d) / n), r"Massart's comparison (columns of norm $\sqrt n$):")
    doc.references = [r"P. L. Bartlett, S. Mendelson (2002). Rademacher and Gaussian complexities. JMLR 3.",
                      r"P. Massart (2000). Some applications of concentration inequalities to statistics. "
                      r"Ann. Fac. Sci. Toulouse 9, Lemma 5.2.",
                      r"S. M. Kakade, K. Sridharan, A. Tewari (2008). On the complexity of linear prediction. NeurIPS."]


@derivation("generalization-vc", title="The VC generalization bound from the VC inequality and Sauer-Shelah",
            quantities=("vc-generalization-bound", "sauer-shelah"),
            citation="Vapnik & Chervonenkis (1971); Sauer (1972); Abu-Mostafa, Magdon-Ismail & Lin (2012) Thm 2.5")
def build_vc(doc):
    n, h, eps, delta, G = sp.symbols("n h epsilon delta Pi", positive=True)
    doc.abstract = (r"The VC inequality $P[\sup_{f}|R(f)-\hat r(f)|>\epsilon]\le 4\,\Pi(2n)\,e^{-n\epsilon^2/8}$, "
                    r"solved for $\epsilon$ at confidence $\delta$, with the growth function bounded by the exact "
                    r"Sauer--Shelah sum; and how much the usual $(e m/h)^h$ relaxation of that sum gives away.")
    doc.assume(r"A class of $\{0,1\}$-valued classifiers of VC dimension $h$; $n$ i.i.d.\ samples; "
               r"$\Pi(m)$ the growth function (the largest number of labellings of $m$ points).")
    tail = 4 * G * sp.exp(-n * eps**2 / 8)
    sol = sp.sqrt(8 / n * sp.log(4 * G / delta))
    doc.equal(tail.subs(eps, sol), delta,
              r"Setting the right-hand side of the VC inequality equal to $\delta$ gives "
              r"$\epsilon=\sqrt{(8/n)\ln(4\Pi(2n)/\delta)}$: with probability $\ge1-\delta$, every classifier "
              r"in the class has $R\le\hat r+\epsilon$.",
              lhs_tex=r"4\,\Pi\,e^{-n\epsilon^2/8}\Big|_{\epsilon=\sqrt{(8/n)\ln(4\Pi/\delta)}}")
    doc.say(r"Sauer--Shelah: $\Pi(m)\le\Phi_h(m)=\sum_{i=0}^{h}\binom mi$, with equality for the class of "
            r"subsets of size $\le h$ (the tests count its labellings by brute force), and $\Phi_h(m)=2^m$ for $m\le h$.")
    m = sp.Symbol("m", positive=True, integer=True)
    i = sp.Symbol("i", integer=True, nonnegative=True)
    doc.equal(sp.Sum(sp.binomial(m, i), (i, 0, m)).doit(), 2**m, r"The full sum: $\Phi_m(m)=2^m$.",
              lhs_tex=r"\sum_{i=0}^{m}\binom mi")
    rows = []
    for hv, mv in ((5, 100), (20, 1000), (100, 2000)):
        exact = sum(sp.binomial(mv, k) for k in range(hv + 1))
        relaxed = (sp.E * mv / hv) ** hv
        rows.append(rf"$h={hv}, m={mv}$: $\ln\Phi={float(sp.log(exact)):.1f}$ vs $h\ln(em/h)={float(sp.log(relaxed)):.1f}$")
    doc.say(r"The relaxation $\Phi_h(m)\le(em/h)^h$ ($m\ge h$) costs little inside the logarithm: "
            + "; ".join(rows) + r". We use the exact sum.")
    doc.result("epsilon", sol, r"The VC bound's gap (\texttt{vc-generalization-bound} with $\Pi=\Phi_h(2n)$):")
    doc.references = [r"V. N. Vapnik, A. Ya. Chervonenkis (1971). On the uniform convergence of relative frequencies "
                      r"of events to their probabilities. Theory Probab. Appl. 16.",
                      r"N. Sauer (1972). On the density of families of sets. J. Comb. Theory A 13.",
                      r"Y. S. Abu-Mostafa, M. Magdon-Ismail, H.-T. Lin (2012). Learning From Data, Thm 2.5."]


@derivation("generalization-vc-dimension-upper",
            title="The VC dimension of piecewise-linear networks from their growth function",
            quantities=("vc-dimension-upper",),
            citation="Bartlett, Harvey, Liaw & Mehrabian (2019) JMLR 20(63), arXiv:1703.02930, Thm 6 and its lemmas")
def build_vc_dimension_upper(doc):
    m, p, e2 = sp.symbols("m p e", positive=True)
    r, w, t, W, Lbar, Rs = sp.symbols("r w t W Lbar R", positive=True)
    L = sp.Symbol("L", positive=True, integer=True)
    doc.abstract = (r"Bartlett, Harvey, Liaw and Mehrabian bound the number of sign patterns a network with "
                    r"piecewise-polynomial activations induces on $m$ points layer by layer; a weighted AM--GM "
                    r"step collapses the product, and an elementary lemma turns $2^m\le\Pi(m)$ into the bound "
                    r"$L+\bar L W\log_2(4epR\log_2(2epR))$ evaluated by \texttt{vc-dimension-upper}. The two "
                    r"inputs (the layer-wise growth bound and the lemma) are as we read BHLM; their constants were "
                    r"not re-verified against the paper's text in this session, only the algebra below is.")
    doc.assume(r"$L$ layers of $k_1,\dots,k_L$ units ($k_L=1$), $W_i$ parameters into layers $1..i$, $W=W_L$, "
               r"$\bar L=\sum_i W_i/W$; activations with $p$ pieces of degree $\le d$; "
               r"$R=\sum_i k_i(1+(i-1)d^{i-1})$.")
    doc.say(r"Growth bound (BHLM, proof of Thm 6, as we read it): $\Pi(m)\le\prod_{i=1}^{L}2\left(\frac{2emk_ip"
            r"(1+(i-1)d^{i-1})}{W_i}\right)^{W_i}$.")
    a1, a2, w1, w2, c = sp.symbols("a1 a2 W1 W2 c", positive=True)
    doc.say(r"Weighted AM--GM: $\prod_i(a_i/W_i)^{W_i}\le(\sum_ia_i/\sum_iW_i)^{\sum_iW_i}$ (concavity of $\ln$), "
            r"with equality when all $a_i/W_i$ are equal; the equality case, for two layers:")
    doc.equal(((c * w1) / w1) ** w1 * ((c * w2) / w2) ** w2, ((c * w1 + c * w2) / (w1 + w2)) ** (w1 + w2),
              r"so the step is tight when every layer contributes in proportion to its parameters.",
              lhs_tex=r"\left(\frac{cW_1}{W_1}\right)^{W_1}\left(\frac{cW_2}{W_2}\right)^{W_2}")
    k = sp.symbols("k1:5", positive=True)
    d = sp.Symbol("d", positive=True)
    R_gen = sum(k[i] * (1 + i * d**i) for i in range(4))
    doc.equal(sum(2 * e2 * m * p * k[i] * (1 + i * d**i) for i in range(4)), 2 * e2 * m * p * R_gen,
              r"With $a_i=2emk_ip(1+(i-1)d^{i-1})$ the sum is $2empR$ (shown for $L=4$), so "
              r"$\Pi(m)\le 2^L(2epRm/\sum_iW_i)^{\sum_iW_i}$ with $\sum_iW_i=\bar LW$:",
              lhs_tex=r"\sum_{i=1}^{4}2emk_ip(1+(i-1)d^{i-1})")
    doc.equal(R_gen.subs(d, 1), sum((i + 1) * k[i] for i in range(4)),
              r"For piecewise-linear activations ($d=1$) $R=\sum_i i\,k_i$ (shown for $L=4$).",
              lhs_tex=r"\sum_{i=1}^{4}k_i(1+(i-1)d^{i-1})\Big|_{d=1}")
    doc.equal(sp.log(2**t * (m * r / w) ** w, 2), t + w * sp.log(m * r / w, 2),
              r"If $m$ points are shattered, $2^m\le\Pi(m)\le 2^t(mr/w)^w$ with $t=L$, $w=\bar LW$, $r=2epR$; "
              r"in base 2:", lhs_tex=r"\log_2\bigl(2^t(mr/w)^w\bigr)")
    doc.say(r"Lemma (BHLM, as we read it): if $2^m\le2^t(mr/w)^w$ with $r\ge16$ and $m\ge w\ge t\ge0$, then "
            r"$m\le t+w\log_2(2r\log_2 r)$. (The tests check it against the largest such $m$ found by search.)")
    lemma = t + w * sp.log(2 * r * sp.log(r, 2), 2)
    result = L + Lbar * W * sp.log(4 * e2 * p * Rs * sp.log(2 * e2 * p * Rs, 2), 2)
    doc.equal(lemma.subs({t: L, w: Lbar * W, r: 2 * e2 * p * Rs}), result,
              r"Substituting $t=L$, $w=\bar LW$, $r=2epR$ (the constant $e$ kept as a symbol, set to Euler's "
              r"number when evaluated):", ranges={e2: (2, 3), p: (2, 5), Rs: (3, 200)},
              lhs_tex=r"t+w\log_2(2r\log_2r)\big|_{t=L,\,w=\bar LW,\,r=2epR}")
    doc.result("vc-upper", result, r"$\mathrm{VCdim}\le$ (with $e$ Euler's number):")
    doc.references = [r"P. L. Bartlett, N. Harvey, C. Liaw, A. Mehrabian (2019). Nearly-tight VC-dimension and "
                      r"pseudodimension bounds for piecewise linear neural networks. JMLR 20(63); arXiv:1703.02930."]


@derivation("generalization-rademacher-networks",
            title="Rademacher complexity of ReLU networks: path norm by peeling, spectral norms by Dudley's integral",
            quantities=("rademacher-bound",),
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
               r"($B=\max_i\|x_i\|_\infty$):")
    doc.result("path-norm-derived", derived, r"The bound proved here ($p=1$):")
    doc.result("path-norm-l2-nts", stated2, r"NTS at $p=2$ ($H$ the largest hidden width, $D\ge2$):")
    doc.result("spectral", 12 * B * R_A * Lw / sp.sqrt(n) * (1 + sp.log(sp.sqrt(n) * P / (3 * Lw * R_A))),
               r"\texttt{rademacher-bound form=bartlett-foster-telgarsky} (when $\sqrt nP>3L_WR_A$):")
    doc.references = [
        r"B. Neyshabur, R. Tomioka, N. Srebro (2015). Norm-based capacity control in neural networks. COLT; "
        r"arXiv:1503.00036.",
        r"P. L. Bartlett, D. J. Foster, M. Telgarsky (2017). Spectrally-normalized margin bounds for neural "
        r"networks. NeurIPS; arXiv:1706.08498.",
        r"M. Ledoux, M. Talagrand (1991). Probability in Banach Spaces, Thm 4.12.",
        r"P. Massart (2000). Some applications of concentration inequalities to statistics. "
        r"Ann. Fac. Sci. Toulouse 9, Lemma 5.2."]


@derivation("generalization-margin-bound", title="The margin bound from McDiarmid, symmetrization and contraction",
            quantities=("rademacher-margin-bound",),
            citation="Bartlett, Foster & Telgarsky (2017) Lemma 3.1; Mohri, Rostamizadeh & Talwalkar (2018) Thm 3.3 "
                     "and Thm 5.8; Koltchinskii & Panchenko (2002); McDiarmid (1989); Ledoux & Talagrand (1991)")
def build_margin_bound(doc):
    n = sp.Symbol("n", positive=True, integer=True)
    delta, eps, gamma, t, R_hat, Rad, r_gamma = sp.symbols("delta epsilon gamma t Rhat Rad R_gamma", positive=True)
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
    doc.equal(sp.Sum(1 / n**2, (i, 1, n)).doit(), 1 / n,
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
               r"$\mathrm{Rad}$ the empirical Rademacher complexity of $H$ or an upper bound on it):")
    doc.references = [r"M. Mohri, A. Rostamizadeh, A. Talwalkar (2018). Foundations of Machine Learning, 2nd ed., "
                      r"Thm 3.3 and Thm 5.8. MIT Press.",
                      r"V. Koltchinskii, D. Panchenko (2002). Empirical margin distributions and bounding the "
                      r"generalization error of combined classifiers. Ann. Statist. 30(1).",
                      r"C. McDiarmid (1989). On the method of bounded differences. Surveys in Combinatorics."]


def relu(e):
    """max(0, e), left unevaluated for display; the verifier's simplification evaluates it."""
    return sp.Max(e, 0, evaluate=False)


def cyclic_runs(bits) -> int:
    """Runs of 1s in a cyclic 0/1 sequence (the all-ones sequence is one run)."""
    if all(bits):
        return 1
    return sum(1 for i, b in enumerate(bits) if b and not bits[i - 1])


def _step(z):
    return relu(z + 1) - relu(z)


def _ind(j_minus_t):
    return relu(j_minus_t + 1) - 2 * relu(j_minus_t)


def bit_network_realises(labels) -> bool:
    """Is the last bit layer's unit 0 where b_ij = 0 and >= 1 where b_ij = 1, at every grid point?"""
    return all(bit_network_output(labels, i + 1, j + 1) == 0 if b == 0 else bit_network_output(labels, i + 1, j + 1) >= 1
               for i, row in enumerate(labels) for j, b in enumerate(row))


def bit_network_output(labels, i, j):
    """y of the last bit layer (m + 1) of vc-dimension-lower's bit-extraction network at the point
    (i, j), in exact arithmetic: labels[s][t] = b_{s+1,t+1}; units as in its docstring."""
    from fractions import Fraction

    n, m = len(labels), len(labels[0])
    K, half = 2**m, Fraction(1, 2)
    B, C = K // 2 + 1, K + 1
    a = [Fraction(0)] + [sum(Fraction(b, 2**(t + 1)) for t, b in enumerate(row)) for row in labels]
    kinks = [a[1]] + [a[s + 1] - 2 * a[s] + a[s - 1] for s in range(1, n)]
    x = sum(kinks[s] * max(i - s, 0) for s in range(n))  # layer 1: relu(i - s); a_0 = 0
    c0, c1, y = max(j, 0), max(j - 1, 0), 0  # layer 1: relu(j), relu(j - 1)
    for t in range(1, m + 1):
        shifted = K * (x - half) - B * (1 - (c0 - 2 * c1)) + C * y
        if t == m:
            return max(shifted + 1, 0)
        step = max(K * (x - half) + 1, 0) - max(K * (x - half), 0)
        x, y = 2 * max(x, 0) - step, max(shifted + 1, 0) - max(shifted, 0)
        c0, c1 = max(c1, 0), max(c1 - 1, 0)


@derivation("generalization-vc-dimension-lower",
            title="Lower bounds on the VC dimension of ReLU networks from four explicit constructions",
            quantities=("vc-dimension-lower",),
            citation="this library's constructions; bit extraction after Bartlett, Harvey, Liaw & Mehrabian (2019) "
                     "JMLR 20(63) Thm 3")
def build_vc_dimension_lower(doc):
    d, k1 = sp.symbols("d k_1", positive=True, integer=True)
    m = sp.Symbol("m", nonnegative=True, integer=True)
    u, v, M, S = sp.symbols("u v M S", nonnegative=True)
    doc.abstract = (r"A ReLU network with $d$ inputs, hidden widths $k_1,\dots,k_H$ and one linear output shatters "
                    r"$\max(d+1,\;k_1+1,\;2k_1+1\,[d\ge2],\;(k_1-2)m\,[d\ge2])$ points, $m$ the largest "
                    r"$m\le H-1$ with $k_2,\dots,k_m\ge7$. Each term is an explicit network; we machine-check the "
                    r"algebra each construction rests on, and, for bit extraction, the whole network on every "
                    r"labelling of small grids in exact arithmetic.")
    doc.assume(r"$\mathrm{ReLU}(z)=\max(0,z)$; a labelling $y\in\{\pm1\}^N$ of $N$ points is realised if "
               r"$\mathrm{sign} f=y$ on them. Wider layers than a construction needs get units with zero weights "
               r"and bias (output $\mathrm{ReLU}(0)=0$).")
    doc.equal(relu(u), u, r"(i) Halfspaces, $d+1$ points. Later layers pass a function of the first layer through "
              r"unchanged once it is shifted into their linear regime: for $z\ge-M$, $u=z+M\ge0$, so "
              r"$\mathrm{ReLU}(z+M)=z+M$:", lhs_tex=r"\mathrm{ReLU}(u)")
    doc.equal(relu(relu(relu(v) + M)) - M - S, v - S,
              r"An affine $g(x)$ with $g>-S$ on the points, $v=g+S\ge0$: one first-layer unit $\mathrm{ReLU}(g+S)$, "
              r"one unit $\mathrm{ReLU}(\cdot+M)$ in layer 2, $\mathrm{ReLU}(\cdot)$ in layer 3, output $\cdot-M-S$ "
              r"($H=3$ shown; each further layer is one more $\mathrm{ReLU}$ of a nonnegative value) computes $g$:")
    simplex = [(sp.Matrix([[0] * dd + [1]] + [[int(c == r) for c in range(dd)] + [1] for r in range(dd)]).det()
                - (-1) ** dd) ** 2 for dd in range(1, 7)]
    doc.equal(sp.Add(*simplex), 0,
              r"The vertices $0,e_1,\dots,e_d$ are affinely independent: $\det[X\,|\,\mathbf 1]=(-1)^d$ "
              r"(checked for $d=1..6$), so an affine $g$ takes any values $\pm1$ on them.",
              lhs_tex=r"\sum_{d=1}^{6}\bigl(\det[X_d\,|\,\mathbf 1]-(-1)^d\bigr)^2")
    doc.say(r"(ii) A line, $k_1+1$ points $x_0<t_1<x_1<t_2<\dots<t_{k_1}<x_{k_1}$ (on the first input "
            r"coordinate), $f(x)=c+\sum_ja_j\mathrm{ReLU}(x-t_j)$, passed through later layers as in (i). "
            r"The system $F(c,a)^T=(f(x_i))_i$ has $F_{i0}=1$, $F_{ij}=\mathrm{ReLU}(x_i-t_j)$: $x_i-t_j<0$ "
            r"for $i<j$ and $>0$ for $i\ge j$, so $F$ is lower triangular with diagonal $1,x_1-t_1,\dots$, "
            r"$\det F=\prod_j(x_j-t_j)>0$, and $f$ interpolates any values. With gaps $g_j=t_j-x_{j-1}>0$, "
            r"$h_j=x_j-t_j>0$:")
    x0 = sp.Symbol("x_0", real=True)
    g = sp.symbols("g_1:5", positive=True)
    h = sp.symbols("h_1:5", positive=True)
    ts = [x0 + sum(g[:j + 1]) + sum(h[:j]) for j in range(4)]  # t_1..t_4
    xs = [x0 + sum(g[:i]) + sum(h[:i]) for i in range(5)]  # x_0..x_4
    doc.equal(sp.Add(*[relu(xs[i] - ts[j - 1]) for i in range(5) for j in range(i + 1, 5)]), 0,
              r"Above the diagonal ($k_1=4$; the entries are $\ge0$, so each is 0):", lhs_tex=r"\sum_{i<j}F_{ij}")
    for k in range(1, 5):
        F = sp.Matrix(k + 1, k + 1, lambda i, j: 1 if j == 0 else sp.Max(xs[i] - ts[j - 1], 0))
        doc.equal(F.det(), sp.Mul(*h[:k]), rf"$k_1={k}$:", lhs_tex=r"\det F")
    from itertools import product

    runs_count = 0
    for N in range(3, 12):
        counts = {}
        for y in product((0, 1), repeat=N):
            if any(y) and not all(y):
                counts[cyclic_runs(y)] = counts.get(cyclic_runs(y), 0) + 1
        runs_count += sum((counts.get(r, 0) - 2 * sp.binomial(N, 2 * r)) ** 2 for r in range(1, N + 1))
    doc.equal(sp.Integer(runs_count), 0,
              r"(iii) A circle, $d\ge2$: $N=2k_1+1$ points $p_i$ at angles $2\pi i/N$. A labelling with $r\ge1$ "
              r"cyclic runs of $+1$ (and not all $+1$) has $2r$ sign changes among the $N$ cyclic gaps, so there are "
              r"$2\binom N{2r}$ such labellings; enumerating all labellings for $N\le11$:",
              lhs_tex=r"\sum_{N=3}^{11}\sum_{r\ge1}\bigl(\#\{y:r\text{ runs}\}-2\tbinom N{2r}\bigr)^2")
    r, k = sp.Symbol("r", integer=True, nonnegative=True), sp.Symbol("k", integer=True, positive=True)
    doc.equal(sp.Sum(2 * sp.binomial(2 * k + 1, 2 * r), (r, 0, k)), 2 ** (2 * k + 1),
              r"With the two constant labellings ($r=0$ term) the labellings with at most $k$ runs already number "
              r"$2^{2k+1}$: every labelling of $2k_1+1$ points has at most $k_1$ runs of $+1$.",
              ranges={k: (1, 30)})
    nn, ll = sp.symbols("N l", positive=True)
    doc.equal(sp.cos((ll - 1) * sp.pi / nn) - sp.cos((ll + 1) * sp.pi / nn), 2 * sp.sin(ll * sp.pi / nn) * sp.sin(sp.pi / nn),
              r"One cap unit per run: for a run of $l\le N-1$ points, $u$ the direction of its middle, "
              r"$\langle u,p_i\rangle=\cos(\text{angle to }u)$ is at least $\cos((l-1)\pi/N)$ on the run and at most "
              r"$\cos((l+1)\pi/N)$ off it; the gap is $\ge2\sin^2(\pi/N)>0$ ($\sin(l\pi/N)\ge\sin(\pi/N)$):")
    doc.say(r"A threshold $\tau$ midway gives $\mathrm{ReLU}(\langle u,x\rangle-\tau)\ge"
            r"\sin^2(\pi/N)$ on the run and $0$ elsewhere; $f=-1+A\sum_j\mathrm{ReLU}(\langle u_j,x\rangle-\tau_j)$ "
            r"with $A>1/\sin^2(\pi/N)$ realises the labelling with at most $k_1$ units, passed on as in (i). "
            r"(\texttt{numerics.generalization\_vc} uses $A=1000$, enough for $N\le99$, i.e.\ $k_1\le49$.)")
    n6 = 6
    a = [0] + list(sp.symbols(f"a_1:{n6 + 1}", real=True))
    kappa = [a[1]] + [a[s + 1] - 2 * a[s] + a[s - 1] for s in range(1, n6)]
    doc.equal(sp.Add(*[(sum(kappa[s] * sp.Max(i - s, 0) for s in range(n6)) - a[i]) ** 2 for i in range(1, n6 + 1)]), 0,
              r"(iv) Bit extraction, $d\ge2$: the grid $(i,j)$, $1\le i\le n=k_1-2$, $1\le j\le m$, labels "
            r"$b_{ij}\in\{0,1\}$, $a_i=\sum_tb_{it}2^{-t}$, $K=2^m$. Layer 1: $\mathrm{ReLU}(j)$, "
            r"$\mathrm{ReLU}(j-1)$ and $\mathrm{ReLU}(i-s)$, $s<n$ ($k_1=n+2$ units); the next layer reads "
            r"$x=\sum_s\kappa_s\mathrm{ReLU}(i-s)$ with $\kappa_0=a_1$, $\kappa_s=a_{s+1}-2a_s+a_{s-1}$ ($a_0=0$), exact at the integers ($n=6$ shown):",
              lhs_tex=r"\sum_{i=1}^{6}\Bigl(\sum_{s=0}^{5}\kappa_s\mathrm{ReLU}(i-s)-a_i\Bigr)^2")
    kap = sp.Symbol("kappa", positive=True, integer=True)  # K = 2 kappa
    s = sp.Symbol("s", nonnegative=True, integer=True)
    doc.equal(relu(s + 1) - relu(s), 1,
              r"The step $\mathrm{step}(z)=\mathrm{ReLU}(z+1)-\mathrm{ReLU}(z)$ with $z=K(x-1/2)$, an integer on the grid "
              r"$x\in\{0,1/K,\dots,(K-1)/K\}$, is the leading bit $[x\ge1/2]$: for $z=s\ge0$")
    doc.equal(relu(-s) - relu(-s - 1), 0, r"and for $z=-1-s\le-1$")
    e1 = sp.Symbol("e", positive=True, integer=True)
    doc.equal(_ind(0), 1, r"The indicator $\mathrm{ind}=\mathrm{ReLU}(j-t+1)-2\mathrm{ReLU}(j-t)$: at $j=t$,")
    doc.equal(_ind(-e1), 0, r"for $j=t-e<t$,")
    doc.equal(_ind(e1), 1 - e1, r"and for $j=t+e>t$ it is $\le0$:")
    B, C = kap + 1, 2 * kap + 1
    doc.say(r"Layer $t+1$ ($t=1..m$) sets $y\leftarrow\mathrm{step}(z-B(1-\mathrm{ind})+Cy)$, $B=K/2+1$, "
            r"$C=K+1$ (two units), with the invariant $y=b_{ij}[j<t]$ (so $y=1$ only where $j<t$, "
            r"$\mathrm{ind}=0$). Write $K=2\kappa$; $z$ ranges over $-\kappa..\kappa-1$. The four cases:")
    doc.equal(_step((kap - 1 - s) - B), 0, r"$j<t$, $y=0$ ($z=\kappa-1-s$): stays 0;",
              lhs_tex=r"\mathrm{step}(z-B)")
    doc.equal(_step((-kap + s) - B + C), 1, r"$j<t$, $y=1$ ($z=-\kappa+s$): stays 1;",
              lhs_tex=r"\mathrm{step}(z-B+C)")
    doc.say(r"$j=t$, $y=0$: $\mathrm{ind}=1$, the argument is $z$ and $y$ becomes the bit $b_{it}$ (the step above);")
    f = sp.Symbol("f", nonnegative=True, integer=True)
    doc.equal(_step((kap - 1 - s) - B * (1 + f)), 0,
              r"$j=t+e$, $e=1+f$, $y=0$ ($\mathrm{ind}=1-e$, $z=\kappa-1-s$): stays 0.",
              lhs_tex=r"\mathrm{step}(z-Be)")
    doc.say(r"Unless $t=m$ the layer also carries the remainder with three units "
            r"$\mathrm{ReLU}(Kx-K/2+1)$, $\mathrm{ReLU}(Kx-K/2)$, $\mathrm{ReLU}(x)=x$ (their combination "
            r"$2x-\text{bit}$) and the counters $\mathrm{ReLU}(j-t)$, $\mathrm{ReLU}(j-t-1)$: 7 units. Layer $m+1$ "
            r"keeps only $\mathrm{ReLU}(\text{argument}+1)$, which is 0 for $b_{ij}=0$ (argument $\le-1$) and $\ge1$ "
            r"for $b_{ij}=1$; the output is $y-1/2$, carried through later layers by $\mathrm{ReLU}(y)=y$.")
    doc.equal(2 * (kap + s) / (2 * kap) - 1, s / kap,
              r"The remainder stays on the grid: for $x=(\kappa+s)/K\ge1/2$, $0\le s<\kappa$, $2x-1=2s/K$ "
              r"(and $2x=2l/K$, $l<\kappa$, below $1/2$).", lhs_tex=r"2x-1")
    q = sp.Symbol("q", real=True)
    doc.equal(relu(relu(q) - 1), relu(q - 1), r"The counters update as $\mathrm{ReLU}(\mathrm{ReLU}(j-t)-1)="
              r"\mathrm{ReLU}(j-t-1)$ (any real $j-t$):", numeric_only=True, ranges={q: (-5, 5)})
    failures = sum(not bit_network_realises(labels) for nb in range(1, 4) for mb in range(1, 4)
                   for flat in product((0, 1), repeat=nb * mb)
                   for labels in [[flat[row * mb:(row + 1) * mb] for row in range(nb)]])
    doc.equal(sp.Integer(failures), 0,
              r"The whole network, layer by layer in exact rational arithmetic, on every labelling of every grid "
              r"$n,m\le3$: the last unit is 0 where $b_{ij}=0$ and $\ge1$ where $b_{ij}=1$ at every point.",
              lhs_tex=r"\#\{\text{labellings not realised}\}")
    L, kk = sp.Symbol("L", integer=True, positive=True), sp.Symbol("l", integer=True, positive=True)
    W = (2 + 1) * k1 + (k1 + 1) * 7 + sp.Sum((7 + 1) * 7, (kk, 3, L - 1)) + (7 + 1) * 1
    doc.equal(W, 10 * k1 + 56 * L - 153,
              r"Size: widths $k_1,7,\dots,7$ ($L=H+1\ge3$ layers, $d=2$) have $\sum_l(k_{l-1}+1)k_l$ parameters; the "
              r"grid has $(k_1-2)(L-2)$ points, of order $WL$ when $k_1\gg L$ but without BHLM's $\log(W/L)$.",
              lhs_tex=r"3k_1+7(k_1+1)+\sum_{l=3}^{L-1}8\cdot7+8")
    from dltheory.theory.generalization import _architecture

    doc.equal(sp.Add(*[(W.subs({k1: kv, L: Lv}).doit() - _architecture([kv] + [7] * (Lv - 2), 2)[2][-1]) ** 2
                       for kv in (3, 10, 40) for Lv in (3, 4, 9)]), 0,
              r"The same count as \texttt{theory.generalization.\_architecture} for $k_1\in\{3,10,40\}$, "
              r"$L\in\{3,4,9\}$.", lhs_tex=r"\sum_{k_1,L}(W-W_{\mathrm{arch}})^2")
    result = sp.Piecewise((sp.Max(d + 1, k1 + 1, 2 * k1 + 1, (k1 - 2) * m), d >= 2), (sp.Max(d + 1, k1 + 1), True))
    doc.result("vc-lower", result, r"$\mathrm{VCdim}\ge$ ($m$ the largest $m\le H-1$ with $k_2,\dots,k_m\ge7$; "
               r"the last two terms apply for $d\ge2$):")
    doc.references = [r"P. L. Bartlett, N. Harvey, C. Liaw, A. Mehrabian (2019). Nearly-tight VC-dimension and "
                      r"pseudodimension bounds for piecewise linear neural networks. JMLR 20(63); arXiv:1703.02930, "
                      r"Thm 3 (the bit-extraction idea)."]
