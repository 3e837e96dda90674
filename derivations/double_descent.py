"""Derivations: the finite-n and asymptotic risk of minimum-norm least squares, isotropic ridge through
the Marchenko-Pastur Stieltjes transform, and the scalar reduction of Mei & Montanari's random-features
system."""
from __future__ import annotations

import math

import sympy as sp

from ._document import Document, Result, derivation
from ._layout import display, latex

HASTIE = ("T. Hastie, A. Montanari, S. Rosset, R. J. Tibshirani. Surprises in high-dimensional ridgeless least "
          "squares interpolation. Ann. Statist. 50(2) (2022), Theorems 1 and 2, and its isotropic ridge analysis.")
MUIRHEAD = "R. J. Muirhead. Aspects of Multivariate Statistical Theory. Wiley (1982), Theorem 3.2.12."
DOBRIBAN = ("E. Dobriban, S. Wager. High-dimensional asymptotics of prediction: ridge regression and "
            "classification. Ann. Statist. 46(1) (2018).")
MEI = ("S. Mei, A. Montanari. The generalization error of random features regression: precise asymptotics and "
       "the double descent curve. Comm. Pure Appl. Math. 75(4) (2022), Definition 1 and Theorem 2.")

n, p, i = sp.symbols("n p i", positive=True, integer=True)
r2 = sp.Symbol("r^2", positive=True)
s2 = sp.Symbol(r"\sigma^2", positive=True)
gamma = sp.Symbol("gamma", positive=True)
lam = sp.Symbol("lambda", positive=True)
FULL = {"n": "samples", "p": "features", "r^2": "signal", r"\sigma^2": "noise"}


def _pt(samples, features, signal, noise):
    return {"samples": samples, "features": features, "signal": signal, "noise": noise}


@derivation("min-norm-finite", title="Minimum-norm least squares: exact risk at finite n, p and its limit",
            results=(Result("under", "min-norm-risk-finite", symbols={"n": "samples", "p": "features", r"\sigma^2": "noise"},
                            points=(_pt(20, 5, 1.0, 0.5), _pt(100, 50, 1.0, 1.0), _pt(9, 2, 2.0, 0.25))),
                     Result("over", "min-norm-risk-finite", symbols=FULL,
                            points=(_pt(10, 16, 1.0, 0.5), _pt(50, 200, 1.0, 0.5), _pt(12, 30, 2.0, 0.1))),
                     Result("limit-under", "min-norm-risk", symbols={"gamma": "gamma", r"\sigma^2": "noise"},
                            points=({"gamma": 0.5, "signal": 1.0, "noise": 0.25}, {"gamma": 0.1, "signal": 3.0,
                                                                                   "noise": 1.0})),
                     Result("limit-over", "min-norm-risk", symbols={"gamma": "gamma", "r^2": "signal",
                                                                   r"\sigma^2": "noise"},
                            points=({"gamma": 2.0, "signal": 1.0, "noise": 0.25}, {"gamma": 4.0, "signal": 2.0,
                                                                                   "noise": 1.0}))),
            citation="Hastie, Montanari, Rosset & Tibshirani (2022), Theorems 1-2; Muirhead (1982), Theorem 3.2.12")
def min_norm_finite(doc: Document) -> None:
    doc.abstract = (r"For $y=X\beta+\varepsilon$ with $X\in\mathbb{R}^{n\times p}$ of i.i.d.\ $N(0,1)$ entries, "
                    r"$|\beta|^2=r^2$ and $\varepsilon\sim N(0,\sigma^2 I)$, the minimum-norm least-squares "
                    r"estimate $\hat\beta=X^+y$ has an expected excess risk $\operatorname{E}|\hat\beta-\beta|^2$ "
                    r"that follows in closed form from the mean of an inverse Wishart matrix; its limit "
                    r"$p/n\to\gamma$ is the double-descent curve of Hastie et al.\ (2022).")
    doc.assume(r"Gaussian design as above, $\beta$ fixed, $\varepsilon$ independent of $X$; $|p-n|\ge2$.")
    doc.assume(r"For a $k\times k$ Wishart matrix $W$ with $m>k+1$ degrees of freedom and identity scale, "
               r"$\operatorname{E}[W^{-1}]=I/(m-k-1)$ (Muirhead 1982, Theorem 3.2.12).")
    under = doc.equal(s2 * sp.Sum(1 / (n - p - 1), (i, 1, p)), s2 * p / (n - p - 1),
                      r"\emph{Under-parametrised}, $p<n-1$: $\hat\beta=(X^TX)^{-1}X^Ty=\beta+(X^TX)^{-1}X^T"
                      r"\varepsilon$ is unbiased and $\operatorname{E}|\hat\beta-\beta|^2=\sigma^2\operatorname{tr}"
                      r"\operatorname{E}[(X^TX)^{-1}]$, with $X^TX$ a $p\times p$ Wishart matrix with $n$ degrees of "
                      r"freedom; the trace sums $p$ equal diagonal means:")
    doc.result("under", under, r"For $p<n-1$ the expected excess risk is", lhs="R_{n,p}")
    cc = sp.Symbol("c", positive=True)
    doc.equal(sp.Sum(n / p, (i, 1, p)), n,
              r"\emph{Over-parametrised}, $p>n+1$: $\hat\beta=X^T(XX^T)^{-1}(X\beta+\varepsilon)=P\beta+X^T(XX^T)^{-1}"
              r"\varepsilon$ with $P$ the orthogonal projection on the row space of $X$. The law of $X$ is invariant "
              r"under $X\mapsto XO$ for orthogonal $O$, so the row space is a uniformly random $n$-dimensional "
              r"subspace and $\operatorname{E}[P]=cI$; $\operatorname{tr}P=n$ fixes $c=n/p$, as the trace of "
              r"$\frac{n}{p}I$ is")
    bias = doc.equal(sp.Subs(r2 - cc * r2, cc, n / p), r2 * (1 - n / p),
                     r"The bias is $\operatorname{E}|(I-P)\beta|^2=|\beta|^2-\beta^T\operatorname{E}[P]\beta$:")
    var = doc.equal(s2 * sp.Sum(1 / (p - n - 1), (i, 1, n)), s2 * n / (p - n - 1),
                    r"The variance is $\sigma^2\operatorname{tr}\operatorname{E}[(XX^T)^{-1}]$, $XX^T$ an $n\times n$ "
                    r"Wishart matrix with $p$ degrees of freedom:")
    doc.result("over", bias + var, r"For $p>n+1$ (the cross term vanishes: $\operatorname{E}\varepsilon=0$) it is "
                                   r"the bias plus the variance,", lhs="R_{n,p}")
    lim_under = doc.equal(sp.Limit(s2 * gamma * n / (n - gamma * n - 1), n, sp.oo), s2 * gamma / (1 - gamma),
                          r"\emph{Limit} $n\to\infty$ with $p=\gamma n$: below the threshold ($\gamma<1$)",
                          ranges={gamma: (sp.Rational(1, 20), sp.Rational(19, 20))})
    doc.result("limit-under", lim_under, r"The limiting risk for $\gamma<1$ (Hastie et al.\ 2022, Theorem 1) is",
               lhs=r"R(\gamma)")
    lim_over = doc.equal(sp.Limit(r2 * (1 - n / (gamma * n)) + s2 * n / (gamma * n - n - 1), n, sp.oo),
                         r2 * (1 - 1 / gamma) + s2 / (gamma - 1), r"and above it ($\gamma>1$)",
                         ranges={gamma: (sp.Rational(21, 20), 6)})
    doc.result("limit-over", lim_over, r"and for $\gamma>1$ (Hastie et al.\ 2022, Theorem 2 with $\Sigma=I$)",
               lhs=r"R(\gamma)")
    doc.references = [HASTIE, MUIRHEAD]


z = sp.Symbol("z")
m = sp.Symbol("m", positive=True)
s = sp.Symbol("s", positive=True)


def mp_m(zz):
    """The Marchenko-Pastur Stieltjes transform m(z) of ratio gamma, the root that is O(1/z) at infinity."""
    return ((1 - gamma - zz) - sp.sqrt((1 - gamma - zz) ** 2 - 4 * gamma * zz)) / (2 * gamma * zz)


DM = sp.Symbol("m'")
DM_FORM = (gamma * m**2 + m) / (1 - gamma + lam + 2 * gamma * lam * m)


def ridge_symbols(point: dict) -> dict:
    """The result's symbols at a quantity point: m(-lambda) from its closed form, m' from DM_FORM."""
    at = {gamma: sp.Float(point["gamma"], 40), lam: sp.Float(point["ridge"], 40)}
    mv = sp.N(mp_m(-lam).subs(at), 40)
    return {"gamma": point["gamma"], "lambda": point["ridge"], "r^2": point["signal"], r"\sigma^2": point["noise"],
            "m": mv, "m'": sp.N(DM_FORM.subs(at).subs(m, mv), 40)}


RIDGE_POINTS = ({"gamma": 0.5, "ridge": 0.5, "signal": 1.0, "noise": 0.5},
                {"gamma": 2.0, "ridge": 0.2, "signal": 1.0, "noise": 0.5},
                {"gamma": 1.0, "ridge": 0.1, "signal": 1.0, "noise": 1.0})


@derivation("ridge-isotropic", title="Isotropic ridge regression: the risk through the Marchenko-Pastur law",
            results=(Result("risk", "ridge-risk", symbols=ridge_symbols, points=RIDGE_POINTS),),
            citation="Hastie, Montanari, Rosset & Tibshirani (2022), isotropic ridge; Dobriban & Wager (2018)")
def ridge_isotropic(doc: Document) -> None:
    doc.abstract = (r"Ridge regression $\hat\beta=(\hat\Sigma+\lambda I)^{-1}X^Ty/n$, $\hat\Sigma=X^TX/n$, on "
                    r"isotropic Gaussian features: its bias and variance are spectral averages of $\hat\Sigma$, "
                    r"whose eigenvalue law tends to Marchenko-Pastur of ratio $\gamma=p/n$.")
    doc.assume(r"$x\sim N(0,I_p)$, $|\beta|^2=r^2$ with $\beta$ in a uniformly random direction (or fixed: the "
               r"limit is the same), noise variance $\sigma^2$, $p/n\to\gamma$, $\lambda>0$ multiplying $|\beta|^2$ "
               r"against the mean squared error $\frac1n|y-X\beta|^2$.")
    t = sp.Symbol("t", positive=True)
    doc.equal(t / (t + lam) ** 2, 1 / (t + lam) - lam / (t + lam) ** 2,
              r"$\hat\beta-\beta=-\lambda(\hat\Sigma+\lambda)^{-1}\beta+(\hat\Sigma+\lambda)^{-1}X^T\varepsilon/n$, "
              r"so the excess risk is $r^2\lambda^2\frac1p\operatorname{tr}(\hat\Sigma+\lambda)^{-2}+\sigma^2\frac1n"
              r"\operatorname{tr}\hat\Sigma(\hat\Sigma+\lambda)^{-2}$. With $m(z)=\int\frac{dF_\gamma(t)}{t-z}$ the "
              r"limit of $\frac1p\operatorname{tr}(\hat\Sigma-z)^{-1}$, $\frac1p\operatorname{tr}(\hat\Sigma+\lambda)"
              r"^{-2}\to m'(-\lambda)$ and, by partial fractions,")
    mz = mp_m(z)
    doc.equal(mz * (1 - gamma - z - gamma * z * mz), 1,
              r"$\frac1n\operatorname{tr}\hat\Sigma(\hat\Sigma+\lambda)^{-2}\to"
              r"\gamma(m(-\lambda)-\lambda m'(-\lambda))$. "
              r"The Marchenko-Pastur transform is the root of $m=1/(1-\gamma-z-\gamma zm)$ that decays at "
              r"infinity," + "\n" + display("m(z)", [latex(mz)]) + "\n"
              r"and it solves the fixed point (checked for real $z<0$):",
              lhs_tex=r"m(z)(1-\gamma-z-\gamma z m(z))", numeric_only=True, ranges={z: (-3, -sp.Rational(1, 10))})
    ml = mp_m(-lam)
    doc.equal(ml, (-(1 - gamma + lam) + sp.sqrt((1 - gamma + lam) ** 2 + 4 * gamma * lam)) / (2 * gamma * lam),
              r"At $z=-\lambda$ it is the positive root of $\gamma\lambda m^2+(1-\gamma+\lambda)m-1=0$:",
              lhs_tex=r"m(-\lambda)")
    F = -gamma * z * m**2 + (1 - gamma - z) * m - 1
    doc.equal((-sp.diff(F, z) / sp.diff(F, m)).subs(z, -lam), DM_FORM,
              r"Differentiating the fixed point $F(m,z)=-\gamma zm^2+(1-\gamma-z)m-1=0$ in $z$, "
              r"$m'=-\partial_zF/\partial_mF$, at $z=-\lambda$ with $m=m(-\lambda)$:",
              lhs_tex=r"m'(-\lambda)=-\frac{\partial_zF}{\partial_mF}")
    doc.equal(sp.diff(mz, z).subs(z, -lam), DM_FORM.subs(m, ml), r"The same, checked against the derivative of "
              r"the closed form:", lhs_tex=r"\frac{d}{dz}m(z)\Big|_{z=-\lambda}", numeric_only=True)
    doc.result("risk", r2 * lam**2 * DM + s2 * gamma * (m - lam * DM),
               r"The excess risk, with $m=m(-\lambda)$ and $m'=m'(-\lambda)$ as above, is", lhs=r"R(\gamma,\lambda)")
    doc.equal(sp.Limit(s2 * gamma * ml, lam, 0, "+"), s2 * gamma / (1 - gamma),
              r"As $\lambda\to0^+$ with $\gamma<1$ the variance tends to the minimum-norm value (and the bias, "
              r"$\lambda^2m'\to0$, vanishes):", ranges={gamma: (sp.Rational(1, 10), sp.Rational(9, 10))},
              numeric_only=True, lhs_tex=r"\lim_{\lambda\to0^+}\sigma^2\gamma\,m(-\lambda)")
    doc.references = [HASTIE, DOBRIBAN]


a, b, x = sp.symbols("a b x", positive=True)
psi1, psi2 = sp.symbols("psi_1 psi_2", positive=True)
zeta = sp.Symbol("zeta", nonnegative=True)
chi = sp.Symbol("chi")
F1, Fs, tau2 = sp.Symbol("F_1^2", nonnegative=True), sp.Symbol("F_*^2", nonnegative=True), sp.Symbol(r"\tau^2",
                                                                                                        nonnegative=True)


def g_of(xx):
    return xx + zeta**2 * xx / (1 + zeta**2 * xx)


def e_polys(c):
    z2 = zeta**2
    e0 = (-c**5 * z2**3 + 3 * c**4 * z2**2 + (psi1 * psi2 - psi2 - psi1 + 1) * c**3 * z2**3 - 2 * c**3 * z2**2
          - 3 * c**3 * z2 + (psi1 + psi2 - 3 * psi1 * psi2 + 1) * c**2 * z2**2 + 2 * c**2 * z2 + c**2
          + 3 * psi1 * psi2 * c * z2 - psi1 * psi2)
    e1 = psi2 * c**3 * z2**2 - psi2 * c**2 * z2 + psi1 * psi2 * c * z2 - psi1 * psi2
    e2 = (c**5 * z2**3 - 3 * c**4 * z2**2 + (psi1 - 1) * c**3 * z2**3 + 2 * c**3 * z2**2 + 3 * c**3 * z2
          + (-psi1 - 1) * c**2 * z2**2 - 2 * c**2 * z2 - c**2)
    return e0, e1, e2


E0, E1, E2 = sp.symbols(r"\mathcal{E}_0 \mathcal{E}_1 \mathcal{E}_2")


def quartic(ss):
    """(1 + zeta^2 x)^2 (s^2 x - (psi1 - g)(psi2 - g)), expanded: (psi - g)(1 + zeta^2 x) is a polynomial."""
    h1, h2 = ((ps - x) * (1 + zeta**2 * x) - zeta**2 * x for ps in (psi1, psi2))
    return sp.expand((1 + zeta**2 * x) ** 2 * ss**2 * x - h1 * h2)


def rf_symbols(point: dict) -> dict:
    """The result's symbols at a quantity point; chi from the real roots of the quartic (numpy.roots),
    the one with g(x) < min(psi1, psi2)."""
    import numpy as np

    mu1 = point.get("mu1", 0.5)
    mus = point.get("mu_star", math.sqrt(0.25 - 1 / (2 * math.pi)))
    zz = mu1 / mus
    p1, p2 = point["psi1"], point["psi2"]
    ss = math.sqrt(p1 * p2 * point["ridge"] / mus**2)
    poly = sp.Poly(quartic(s).subs({s: ss, zeta: zz, psi1: p1, psi2: p2}), x)
    roots = np.roots([float(c_) for c_ in poly.all_coeffs()])
    gfun = lambda v: v + zz**2 * v / (1 + zz**2 * v)  # noqa: E731
    good = [r.real for r in roots if abs(r.imag) < 1e-9 and r.real >= 0 and gfun(r.real) <= min(p1, p2) + 1e-12]
    if ss == 0:
        good = [max(good)]
    (xv,) = good
    e0, e1, e2 = (float(e.subs({chi: -xv, zeta: zz, psi1: p1, psi2: p2})) for e in e_polys(chi))
    return {r"\mathcal{E}_0": e0, r"\mathcal{E}_1": e1, r"\mathcal{E}_2": e2, "F_1^2": point.get("signal", 1.0),
            "F_*^2": point.get("nonlinear", 0.0), r"\tau^2": point.get("noise", 0.0)}


@derivation("random-features", title="Random-features ridge regression: the scalar reduction of Mei-Montanari",
            results=(Result("risk", "random-features-risk", symbols=rf_symbols, rtol=1e-9),),
            citation="Mei & Montanari (2022), Definition 1 and Theorem 2")
def random_features(doc: Document) -> None:
    doc.abstract = (r"Mei \& Montanari (2022) express the asymptotic test error of random-features ridge regression "
                    r"through $\chi=\nu_1\nu_2$, with $(\nu_1,\nu_2)$ the analytic solution of a pair of fixed-point "
                    r"equations. On the imaginary axis, where the theorem evaluates them, the pair reduces to one "
                    r"quartic equation with a unique admissible root.")
    doc.assume(r"Definition 1: $\nu_1=\psi_1\bigl(-\xi-\nu_2-\frac{\zeta^2\nu_2}{1-\zeta^2\nu_1\nu_2}\bigr)^{-1}$, "
               r"$\nu_2=\psi_2\bigl(-\xi-\nu_1-\frac{\zeta^2\nu_1}{1-\zeta^2\nu_1\nu_2}\bigr)^{-1}$, "
               r"$\chi=\nu_1\nu_2$ at $\xi=i\sqrt{\psi_1\psi_2\bar\lambda}$, $\bar\lambda=\lambda/\mu_\star^2$, "
               r"$\zeta=\mu_1/\mu_\star$.")
    doc.assume(r"Theorem 2: $R=F_1^2\,\mathcal{E}_1/\mathcal{E}_0+(\tau^2+F_\star^2)\,\mathcal{E}_2/\mathcal{E}_0+"
               r"F_\star^2$ with $\mathcal{E}_{0,1,2}$ the polynomials in $\chi,\zeta,\psi_1,\psi_2$ of Definition 1 "
               r"(displayed below).")
    lhs = psi1 * sp.Pow(-sp.I * s - sp.I * b - zeta**2 * sp.I * b / (1 + zeta**2 * a * b), -1)
    doc.equal(lhs, sp.I * psi1 / (s + b + zeta**2 * b / (1 + zeta**2 * a * b)),
              r"With $\xi=is$, $\nu_1=ia$, $\nu_2=ib$ ($s,a,b>0$; then $1-\zeta^2\nu_1\nu_2=1+\zeta^2ab$) the first "
              r"equation's right side is", lhs_tex=r"\psi_1\bigl(-is-ib-\tfrac{i\zeta^2b}{1+\zeta^2ab}\bigr)^{-1}")
    doc.say(r"so both sides are imaginary and, with $x=ab=-\chi$ and $g(x)=x+\zeta^2x/(1+\zeta^2x)$, the equations "
            r"read $as+g(x)=\psi_1$ and $bs+g(x)=\psi_2$.")
    doc.equal(a * (s + b + zeta**2 * b / (1 + zeta**2 * a * b)), a * s + g_of(a * b),
              r"Indeed, multiplying the first by its denominator:")
    doc.equal((1 + zeta**2 * x) * (psi1 - g_of(x)), (psi1 - x) * (1 + zeta**2 * x) - zeta**2 * x,
              r"Hence $a=(\psi_1-g)/s$, $b=(\psi_2-g)/s$, and their product gives one equation for $x$ on "
              r"$0<x<x_{\max}$, $g(x_{\max})=\min(\psi_1,\psi_2)$: $s^2x=(\psi_1-g(x))(\psi_2-g(x))$. Its left side "
              r"increases and its right side decreases there, so the root is unique. Each factor times $1+\zeta^2x$ "
              r"is a quadratic,", lhs_tex=r"(1+\zeta^2x)(\psi_1-g(x))")
    doc.say(r"so the equation times $(1+\zeta^2x)^2$ is a quartic in $x$ (the build solves it with "
            r"\texttt{numpy.roots} to check the library's bisection).")
    mm = sp.Symbol("m_0", positive=True)
    top = (-(1 + zeta**2 - mm * zeta**2) + sp.sqrt((1 + zeta**2 - mm * zeta**2) ** 2 + 4 * zeta**2 * mm)) / (2 * zeta**2)
    doc.equal(g_of(top), mm, r"At $\lambda=0$ ($s=0$) the root is $x_{\max}$, the positive root of "
                             r"$\zeta^2x^2+(1+\zeta^2-m_0\zeta^2)x-m_0=0$, $m_0=\min(\psi_1,\psi_2)$:",
              lhs_tex=r"g(x_{\max})", ranges={zeta: (sp.Rational(1, 10), 3)})
    e0, e1, e2 = e_polys(chi)
    doc.say(r"The polynomials of Definition 1, in $\chi$, $\zeta$, $\psi_1$, $\psi_2$, are"
            + "".join("\n" + display(name, [latex(poly)]) for name, poly in
                      ((r"\mathcal{E}_0", sp.expand(e0)), (r"\mathcal{E}_1", e1), (r"\mathcal{E}_2", e2))))
    b0, v0 = (e1 / e0).subs(zeta, 0), (e2 / e0).subs(zeta, 0)
    doc.equal(b0 - v0, 1, r"Consistency: for $\zeta=0$ (features without a linear component) the linear part of "
                          r"the target acts as noise, and indeed $\mathcal{E}_1/\mathcal{E}_0=1+\mathcal{E}_2/"
                          r"\mathcal{E}_0$ there:", lhs_tex=r"\left.\frac{\mathcal{E}_1-\mathcal{E}_2}{\mathcal{E}_0}"
                                                            r"\right|_{\zeta=0}")
    doc.result("risk", F1 * E1 / E0 + (tau2 + Fs) * E2 / E0 + Fs,
               r"The test error is, with $\chi=-x$ from the admissible root (the build evaluates $\chi$ from the "
               r"quartic's roots and the $\mathcal{E}_i$ from the polynomials above, independently of the "
               r"library's bisection):", lhs="R")
    doc.references = [MEI]
