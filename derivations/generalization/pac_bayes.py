"""Derivations of the generalization capability: the kl-inverse and Pinsker's relaxation, and the
PAC-Bayes bound from the change-of-measure inequality."""
from __future__ import annotations

import sympy as sp

from .._document import Result, derivation


PB_SYMBOLS = {"r": "empirical_risk", "K": "kl", "n": "n", "delta": "delta"}


def _points(form):
    """Points of pac-bayes-bound at which the derivation's results are compared with it."""
    return tuple({"form": form, "n": n, "delta": delta, "kl": kl, "empirical_risk": r}
                 for n, delta, kl, r in ((1000, 0.05, 5.0, 0.1), (64, 0.05, 4.1588830833596715, 0.25),
                                         (500, 0.1, 7.5, 0.0), (20000, 0.01, 120.0, 0.4)))


class KlInverse(sp.Function):
    r"""$\mathrm{kl}^{-1}(q,c)=\sup\{p\in[q,1]:\mathrm{kl}(q\|p)\le c\}$, left unevaluated symbolically and
    evaluated numerically by its own bisection (independent of the \texttt{kl-inverse} quantity's code)."""

    @classmethod
    def eval(cls, q, c):
        if c == 0:
            return q
        return None

    def _eval_evalf(self, prec):
        import mpmath

        with mpmath.workprec(prec + 20):
            q, c = (mpmath.mpf(sp.Float(a.evalf(prec + 20), prec + 20)) for a in self.args)
            if q >= 1:
                return sp.Float(1, prec)
            lo, hi = q, mpmath.mpf(1)
            for _ in range(prec + 30):
                mid = (lo + hi) / 2
                value = (q * mpmath.log(q / mid) if q > 0 else 0) + (1 - q) * mpmath.log((1 - q) / (1 - mid))
                lo, hi = (lo, mid) if value > c else (mid, hi)
            return sp.Float(hi, prec)

    def _latex(self, printer):
        return r"\mathrm{kl}^{-1}\left(%s, %s\right)" % tuple(printer._print(a) for a in self.args)


def kl_expr(q, p):
    return q * sp.log(q / p) + (1 - q) * sp.log((1 - q) / (1 - p))



@derivation("generalization-kl-inverse", title="The kl-inverse and what Pinsker's inequality loses",
            results=(Result("q0", "kl-inverse", symbols={"c": "c"},
                            points=({"q": 0.0, "c": 0.01}, {"q": 0.0, "c": 0.3}, {"q": 0.0, "c": 1.5})),
                     Result("pinsker", "kl-inverse", symbols={"q": "q", "c": "c"}, relation=">=")),
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
    from ...theory.generalization import kl_inverse_upper

    rows = []
    for qv, cv in ((0.0, 0.02), (0.01, 0.02), (0.1, 0.02), (0.5, 0.02)):
        exact = float(kl_inverse_upper(qv, cv, 20))
        rows.append(rf"$q={qv}$: {exact:.5f} vs {qv + (cv / 2) ** 0.5:.5f}")
    doc.say(r"Numerically at $c=0.02$ (exact inverse from \texttt{kl-inverse} vs Pinsker): " + "; ".join(rows) + ".")
    doc.result("q0", 1 - sp.exp(-c), r"Exact edge case:", lhs=r"\mathrm{kl}^{-1}(0,c)")
    doc.result("pinsker", q + sp.sqrt(c / 2), r"Pinsker's relaxation (an upper bound):", lhs=r"\mathrm{kl}^{-1}(q,c)",
               relation="<=")
    doc.equal(sp.sqrt(2 * q * (1 - q) * c) ** 2 / (2 * q * (1 - q)), c,
              r"Leading small-$c$ behaviour, $0<q<1$: $\mathrm{kl}^{-1}(q,c)=q+\sqrt{2q(1-q)c}+O(c)$, "
              r"since $h=\sqrt{2q(1-q)c}$ solves $h^2/(2q(1-q))=c$:",
              lhs_tex=r"\frac{h^2}{2q(1-q)}\Big|_{h=\sqrt{2q(1-q)c}}")
    doc.keep("small-c", q + sp.sqrt(2 * q * (1 - q) * c))
    doc.references = [r"J. Langford, M. Seeger (2001). Bounds for averaging classifiers. CMU-CS-01-102.",
                      r"A. Maurer (2004). A note on the PAC Bayesian theorem. arXiv:cs/0411099.",
                      r"M. S. Pinsker (1964). Information and information stability of random variables and processes."]



@derivation("generalization-pac-bayes", title="The PAC-Bayes bound from the change-of-measure inequality",
            results=(Result("maurer-seeger", "pac-bayes-bound", symbols=PB_SYMBOLS, points=_points("maurer-seeger")),
                     Result("langford-seeger", "pac-bayes-bound", symbols=PB_SYMBOLS,
                            points=_points("langford-seeger")),
                     Result("maurer-pinsker", "pac-bayes-bound", symbols=PB_SYMBOLS, points=_points("maurer-pinsker")),
                     Result("pinsker-above-kl", "pac-bayes-bound", symbols=PB_SYMBOLS, relation=">=",
                            points=_points("maurer-seeger"))),
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
              lhs_tex=r"\hat r_Q + \sqrt{c/2}\,\Big|_{c=(K+\ln(2\sqrt n/\delta))/n}",
              text=
              r"Inverting with $\mathrm{kl}^{-1}$ gives the maurer-seeger form; relaxing with Pinsker "
              r"($\mathrm{kl}^{-1}(q,c)\le q+\sqrt{c/2}$) gives the additive maurer-pinsker form.")
    doc.keep("maurer-rhs", rhs)
    doc.keep("langford-seeger-rhs", (K + sp.log((n + 1) / delta)) / n)
    doc.result("maurer-seeger", KlInverse(r, rhs), r"With probability $\ge1-\delta$, for all $Q$ "
               r"(\texttt{pac-bayes-bound form=maurer-seeger}, $n\ge8$; $r=\hat r_Q$, $K=\mathrm{KL}(Q\|P)$):",
               lhs="R_Q", relation="<=")
    doc.result("langford-seeger", KlInverse(r, (K + sp.log((n + 1) / delta)) / n),
               r"Langford--Seeger's form (from $\xi(n)\le n+1$; \texttt{form=langford-seeger}):", lhs="R_Q",
               relation="<=")
    doc.result("maurer-pinsker", pinsker, r"Pinsker-relaxed form (\texttt{form=maurer-pinsker}):", lhs="R_Q",
               relation="<=")
    doc.result("pinsker-above-kl", pinsker, r"Since $\mathrm{kl}^{-1}(q,c)\le q+\sqrt{c/2}$, the same expression is an "
               r"upper bound on the maurer-seeger form:",
               lhs=r"\mathrm{kl}^{-1}\Bigl(r, \frac{K + \ln(2\sqrt n/\delta)}{n}\Bigr)", relation="<=")
    doc.references = [r"D. McAllester (1999). PAC-Bayesian model averaging. COLT.",
                      r"J. Langford, M. Seeger (2001). Bounds for averaging classifiers. CMU-CS-01-102.",
                      r"A. Maurer (2004). A note on the PAC Bayesian theorem. arXiv:cs/0411099.",
                      r"M. D. Donsker, S. R. S. Varadhan (1975). Asymptotic evaluation of certain Markov process "
                      r"expectations for large time I. CPAM 28.",
                      r"S. Shalev-Shwartz, S. Ben-David (2014). Understanding Machine Learning. Cambridge University "
                      r"Press, Thm 31.1.",
                      r"O. Catoni (2007). PAC-Bayesian Supervised Classification: the Thermodynamics of Statistical "
                      r"Learning. IMS Lecture Notes 56, Thm 1.2.6."]



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

