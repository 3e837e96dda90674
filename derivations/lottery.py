"""Derivation: the probability that the subset sums of n uniform samples reach both endpoints
+-(1 - eps), and the counting bound on the number of samples (random subset sum)."""
from __future__ import annotations

import sympy as sp

from ._document import Document, Result, derivation

LUEKER = ("G. S. Lueker. Exponentially small bounds on the expected optimum of the partition and subset sum "
          "problems. Random Structures \\& Algorithms 12 (1998).")
PENSIA = ("A. Pensia, S. Rajput, A. Nagle, H. Vishwakarma, D. Papailiopoulos. Optimal Lottery Tickets via "
          "SubsetSum: Logarithmic Over-Parameterization is Sufficient. NeurIPS (2020). arXiv:2006.07990.")

n, k, j = sp.symbols("n k j", positive=True, integer=True)
eps = sp.Symbol("epsilon", positive=True)
t, u = sp.symbols("t u", nonnegative=True)


def endpoint_sum():
    """2^-n sum_{k=1}^{n-1} C(n,k) (1 - t^k/k!) (1 - t^(n-k)/(n-k)!) at t = 1 - eps."""
    tt = 1 - eps
    return sp.Sum(sp.binomial(n, k) / 2**n * (1 - tt**k / sp.factorial(k)) * (1 - tt ** (n - k) / sp.factorial(n - k)),
                  (k, 1, n - 1))


@derivation("subset-sum-endpoints", title="Random subset sum: reaching both endpoints, and the counting bound",
            results=(Result("endpoint", "subset-sum-endpoint-probability", symbols={"n": "n", "epsilon": "eps"}),
                     Result("counting", "subset-sum-counting-bound", symbols={"epsilon": "eps"})),
            citation="derived here; the problem of Lueker (1998) and Pensia et al. (2020)")
def subset_sum_endpoints(doc: Document) -> None:
    doc.abstract = (r"For $X_1,\dots,X_n$ i.i.d.\ uniform on $[-1,1]$, every target $z\in[-1,1]$ is within "
                    r"$\varepsilon$ of a subset sum only if some subset sum reaches $1-\varepsilon$ and some "
                    r"reaches $-(1-\varepsilon)$. We compute the probability of that endpoint event exactly, a "
                    r"rigorous upper bound on the probability of $\varepsilon$-goodness, and the counting bound "
                    r"$n\ge\lceil\log_2(1/\varepsilon)\rceil$.")
    doc.assume(r"$X_i$ i.i.d.\ uniform on $[-1,1]$, $0<\varepsilon<1$, $t=1-\varepsilon\in(0,1)$.")
    doc.say(r"The largest subset sum is the sum of the positive samples and the smallest the sum of the "
            r"negative ones. Given the number $K\sim\mathrm{Bin}(n,1/2)$ of positive samples, these are "
            r"sums of $K$ and $n-K$ independent uniforms on $[0,1]$, independent of each other.")
    doc.equal(sp.Integral(1, (u, 0, t)), t, r"Irwin--Hall on $[0,1]$: $F_1(t)=P(U_1\le t)$,",
              lhs_tex=r"F_1(t)")
    kk = sp.Symbol("k", positive=True, integer=True)
    doc.equal(sp.Integral((t - u) ** (kk - 1) / sp.factorial(kk - 1), (u, 0, t)), t**kk / sp.factorial(kk),
              r"and, for $0\le t\le1$, $F_k(t)=\int_0^t F_{k-1}(t-u)\,du$ (the last uniform is $u$), so by "
              r"induction $F_k(t)=t^k/k!$:")
    doc.say(r"With $K=0$ (or $K=n$) no subset sum is positive (negative), and $t>0$: those terms vanish. "
            r"Otherwise both endpoint events have probability $1-t^k/k!$ and $1-t^{n-k}/(n-k)!$.")
    doc.equal(endpoint_sum().subs(n, 2).doit(), eps**2 / 2,
              r"For $n=2$ this is one positive and one negative sample, each beyond $t$ in size:",
              lhs_tex=r"P_2(\varepsilon)")
    doc.equal(endpoint_sum().subs(n, 3).doit(), sp.Rational(3, 4) * eps * (1 - (1 - eps) ** 2 / 2),
              r"and for $n=3$ (one or two positives):", lhs_tex=r"P_3(\varepsilon)")
    doc.result("endpoint", endpoint_sum(),
               r"The endpoint probability, $0<\varepsilon<1$ (and $1$ for $\varepsilon\ge1$), an upper bound "
               r"on the probability that the sample is $\varepsilon$-good:", lhs=r"P_n(\varepsilon)")
    doc.say(r"\emph{Counting.} The $2^n$ subset sums cover $[-1,1]$ with intervals of length $2\varepsilon$ "
            r"only if $2^n\cdot2\varepsilon\ge2$. Lueker (1998) shows that $O(\ln 1/\varepsilon)$ samples "
            r"suffice with high probability (with an unspecified constant, as restated by Pensia et al.\ 2020).")
    doc.equal(sp.log(1 / eps, 2), -sp.log(eps) / sp.log(2), r"so $n\ge\log_2(1/\varepsilon)$ with",
              lhs_tex=r"\log_2(1/\varepsilon)")
    doc.result("counting", sp.ceiling(-sp.log(eps) / sp.log(2)), r"Fewest samples that can be $\varepsilon$-good:", lhs=r"n_{\min}(\varepsilon)")
    doc.references = [LUEKER, PENSIA]
