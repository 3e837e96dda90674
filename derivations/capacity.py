"""Derivations for perceptron capacity and learning curves: Cover's count, Gardner's
capacity, the Ising perceptron (RS and the entropy argument), teacher-student learning
curves and the capacity of L2 balls."""
from __future__ import annotations

import math
from functools import lru_cache

import mpmath
import sympy as sp

from ._layout import latex
from ._document import Document, Result, derivation

COVER = ("T. M. Cover. Geometrical and statistical properties of systems of linear inequalities "
         "with applications in pattern recognition. IEEE Trans. Electronic Computers EC-14 (1965) 326.")
GARDNER = "E. Gardner. The space of interactions in neural network models. J. Phys. A 21 (1988) 257."
GD = ("E. Gardner, B. Derrida. Optimal storage properties of neural network models. "
      "J. Phys. A 21 (1988) 271.")
KM = ("W. Krauth, M. M\\'ezard. Storage capacity of memory networks with binary couplings. "
      "J. Phys. France 50 (1989) 3057.")
EVDB = "A. Engel, C. Van den Broeck. Statistical Mechanics of Learning. Cambridge University Press (2001)."
SST = ("H. S. Seung, H. Sompolinsky, N. Tishby. Statistical mechanics of learning from examples. "
       "Phys. Rev. A 45 (1992) 6056.")
OH = ("M. Opper, D. Haussler. Generalization performance of Bayes optimal classification algorithm "
      "for learning a perceptron. Phys. Rev. Lett. 66 (1991) 2677.")
CLS = ("S. Chung, D. D. Lee, H. Sompolinsky. Linear readout of object manifolds. "
       "Phys. Rev. E 93 (2016) 060301(R). arXiv:1512.01834.")

t, z, x = sp.symbols("t z x", real=True)
kappa = sp.Symbol("kappa", nonnegative=True)
alpha = sp.Symbol("alpha", positive=True)
c = sp.Symbol("c", real=True)


def G(u):
    """Gaussian density."""
    return sp.exp(-u**2 / 2) / sp.sqrt(2 * sp.pi)


def H(u):
    """Gaussian tail H(u) = int_u^oo Dt."""
    return sp.erfc(u / sp.sqrt(2)) / 2


def Phi(u):
    return 1 - H(u)


# ----------------------------------------------------------------------------- Cover
@derivation("capacity-cover", title="Cover's function counting theorem: recursion and solution",
            results=(Result("C", "cover-count", symbols={"P": "P", "N": "N"}),
                     Result("p", "cover-separable-probability", symbols={"P": "P", "N": "N"})),
            citation="Cover (1965), Theorem 1")
def cover(doc: Document) -> None:
    P = sp.Symbol("P", integer=True, positive=True)
    N = sp.Symbol("N", integer=True, positive=True)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    doc.abstract = (r"$C(P,N)$ counts the dichotomies of $P$ points in general position in $\mathbb{R}^N$ "
                    r"realised by hyperplanes through the origin. We derive Cover's recursion, check that "
                    r"$2\sum_{k<N}\binom{P-1}{k}$ solves it, and read off the separable fraction $C(P,N)/2^P$, "
                    r"which is exactly $1/2$ at $P=2N$.")
    doc.assume(r"Points $x_1,\dots,x_{P+1}\in\mathbb{R}^N$ in general position (every $N$ of them linearly "
               r"independent); hyperplanes through the origin.")
    doc.say(r"Add a point $x_{P+1}$ to $P$ points. A dichotomy of the first $P$ points realised by some $w$ "
            r"extends to both labellings of $x_{P+1}$ if and only if it is realised by a $w$ with "
            r"$w\cdot x_{P+1}=0$, i.e. by a hyperplane in the $(N-1)$-dimensional space orthogonal to "
            r"$x_{P+1}$; there are $C(P,N-1)$ of those (projected points stay in general position). Every "
            r"other dichotomy extends one way only. Hence $C(P+1,N)=C(P,N)+C(P,N-1)$, with $C(1,N)=2$ and "
            r"$C(P,1)=2$ (Cover 1965, Theorem 1).")
    C = lambda p, n: 2 * sp.Sum(sp.binomial(p - 1, k), (k, 0, n - 1))  # noqa: E731
    doc.equal(sp.binomial(P - 1, k) + sp.binomial(P - 1, k - 1), sp.binomial(P, k),
              r"Pascal's rule, the step that makes the sum below satisfy the recursion "
              r"(sum it over $k=0,\dots,N-1$):", ranges={P: (2, 30), k: (1, 20)})
    doc.chain(r"Hence the candidate $C(P,N)=2\sum_{k=0}^{N-1}\binom{P-1}{k}$ satisfies the recursion "
              r"(checked at random integer points):",
              C(P, N) + C(P, N - 1), C(P + 1, N), ranges={P: (1, 25), N: (2, 25)})
    doc.equal(C(1, N), 2, r"and the boundary value $C(1,N)=2$ (one point: both labels),", ranges={N: (1, 25)})
    doc.equal(C(P, 1), 2, r"$C(P,1)=2$ (in one dimension only $\pm$ sign patterns),", ranges={P: (1, 25)})
    doc.equal(C(P, P + 2), 2**P, r"and $C(P,N)=2^P$ for $P\le N$ (all dichotomies):", ranges={P: (1, 25)})
    doc.equal(C(2 * N, N) / 2**(2 * N), sp.Rational(1, 2),
              r"At $P=2N$ exactly half of the dichotomies are separable (the binomial sum is symmetric):",
              ranges={N: (1, 25)})
    doc.result("C", C(P, N), r"The number of separable dichotomies:", lhs="C(P, N)")
    doc.result("p", C(P, N) / 2**P, r"and the probability that random labels are separable:",
               lhs=r"\Pr[\text{separable}]")
    doc.references = [COVER]


# ----------------------------------------------------------------------------- Gardner
GARDNER_INTEGRAL = (1 + kappa**2) * H(-kappa) + kappa * G(kappa)  # int_{-kappa}^oo Dt (t + kappa)^2

#: Digits at which the implicit results below are solved (the build compares them at 30).
ROOT_DIGITS = 40


class GardnerMargin(sp.Function):
    r"""$\kappa_c(\alpha)$: the root $\kappa\ge0$ of $\int_{-\kappa}^\infty Dt\,(t+\kappa)^2=1/\alpha$.

    Unevaluated for a symbolic alpha; for a number, solved by mpmath's secant iteration on the
    closed form (lambdified from the SymPy expression) at ROOT_DIGITS digits.
    """

    nargs = 1

    @classmethod
    def eval(cls, a):
        if a.is_Number:
            f = sp.lambdify(kappa, GARDNER_INTEGRAL - 1 / a, "mpmath")
            with mpmath.workdps(ROOT_DIGITS):
                return sp.Float(mpmath.findroot(f, mpmath.mpf(1)), ROOT_DIGITS)
        return None

    def _latex(self, printer):
        return r"\kappa_c\left(%s\right)" % printer._print(self.args[0])


@derivation("capacity-gardner", title="Gardner's capacity of the spherical perceptron with margin",
            results=(Result("alpha_c", "gardner-capacity", symbols={"kappa": "kappa"}),
                     Result("kappa_c", "gardner-critical-margin", symbols={"alpha": "alpha"})),
            citation="Gardner (1988), J. Phys. A 21:257")
def gardner(doc: Document) -> None:
    doc.abstract = (r"The fraction of the sphere $|J|^2=N$ storing $P=\alpha N$ random patterns with stability "
                    r"$\kappa$ is computed with replicas; at the replica-symmetric saddle point the overlap "
                    r"$q$ of two solutions tends to $1$ at $\alpha_c(\kappa)$. We take the limit and evaluate "
                    r"the Gaussian integral in closed form.")
    doc.assume(r"Patterns $\xi^\mu$ with i.i.d. standard entries, random labels, $N\to\infty$ at fixed "
               r"$\alpha=P/N$; $\kappa\ge0$ (convex solution space, replica symmetry stable and proved "
               r"by Shcherbina \& Tirozzi 2003).")
    doc.say(r"Gardner's replica-symmetric entropy (Gardner 1988): "
            r"$s(q)=\tfrac12\ln(1-q)+\tfrac{q}{2(1-q)}+\alpha\int Dt\,\ln H\!\big(\tfrac{\kappa+\sqrt q\,t}"
            r"{\sqrt{1-q}}\big)$. As $q\to1$ the argument of $H$ diverges wherever $t>-\kappa$, and "
            r"$\ln H(u)=-u^2/2-\ln(u\sqrt{2\pi})+o(1)$.")
    u = sp.Symbol("u", positive=True)
    doc.equal(sp.Limit(H(u) * u * sp.sqrt(2 * sp.pi) * sp.exp(u**2 / 2), u, sp.oo), 1,
              r"Mills' ratio, $H(u)\,u\sqrt{2\pi}\,e^{u^2/2}\to1$ as $u\to\infty$, i.e. "
              r"$\ln H(u)=-u^2/2-\ln(u\sqrt{2\pi})+o(1)$:")
    doc.say(r"So $(1-q)\,s(q)\to\tfrac12-\tfrac{\alpha}{2}\int_{-\kappa}^{\infty}Dt\,(t+\kappa)^2$: the "
            r"solution volume shrinks to a point when the bracket vanishes, "
            r"$\alpha_c(\kappa)^{-1}=\int_{-\kappa}^\infty Dt\,(t+\kappa)^2$.")
    integral = sp.Integral(G(t) * (t + kappa)**2, (t, -kappa, sp.oo))
    closed = (1 + kappa**2) * H(-kappa) + kappa * G(kappa)
    doc.equal(integral, closed,
              r"The Gaussian integral $\int_{-\kappa}^\infty Dt\,(t+\kappa)^2$, evaluated by SymPy (left), "
              r"in closed form ($H(x)=\mathrm{erfc}(x/\sqrt2)/2$, $G$ the density):", ranges={kappa: (0, 5)})
    doc.equal(1 / sp.Integral(G(t) * t**2, (t, 0, sp.oo)), 2, r"At zero margin, Cover's capacity:",
              lhs_tex=r"\alpha_c(0) = \Bigl(" + latex(sp.Integral(G(t) * t**2, (t, 0, sp.oo))) + r"\Bigr)^{-1}")
    doc.equal(sp.Derivative(closed, kappa), 2 * (kappa * H(-kappa) + G(kappa)),
              r"The integral increases strictly with $\kappa$ (its derivative is positive for $\kappa\ge0$), "
              r"so $\alpha_c(\kappa)$ decreases strictly from 2 and at a load $\alpha\le2$ the largest "
              r"margin of the stored patterns is the root $\kappa_c(\alpha)$ of $\alpha_c(\kappa)=\alpha$:",
              ranges={kappa: (0, 5)})
    doc.result("alpha_c", 1 / closed, r"Gardner's capacity:", lhs=r"\alpha_c(\kappa)")
    doc.result("kappa_c", GardnerMargin(alpha),
               r"and the critical margin at load $\alpha$, the root $\kappa\ge0$ of "
               r"$(1+\kappa^2)H(-\kappa)+\kappa G(\kappa)=1/\alpha$ (solved numerically, 40 digits):",
               lhs=r"\kappa_c(\alpha)", rhs_tex=r"\max\{\kappa \ge 0 : \alpha_c(\kappa) \ge \alpha\}")
    doc.references = [GARDNER, GD, "M. Shcherbina, B. Tirozzi. Rigorous solution of the Gardner problem. "
                                   "Comm. Math. Phys. 234 (2003) 383.",
                      "M. Stojnic. Another look at the Gardner problem. arXiv:1306.3979 (2013)."]


# ----------------------------------------------------------------------------- Ising
@derivation("capacity-ising", title="Binary couplings: the replica-symmetric capacity 4/pi and why it is wrong",
            results=(Result("alpha_first_moment", "ising-perceptron-capacity", relation=">="),),
            citation="Gardner & Derrida (1988); Krauth & Mezard (1989)")
def ising(doc: Document) -> None:
    qh = sp.Symbol("qhat", positive=True)
    e = sp.Symbol("epsilon", positive=True)  # 1 - q
    doc.abstract = (r"For couplings $J_i=\pm1$ the replica-symmetric entropy reaches $q\to1$ at "
                    r"$\alpha_{RS}=4/\pi$. This cannot be the capacity: the entropy of a discrete system is "
                    r"non-negative, the RS entropy already vanishes at $\alpha\approx0.833$, and the "
                    r"first-moment bound gives $\alpha_c\le1<4/\pi$. Krauth and M\'ezard's one-step RSB "
                    r"solution puts the capacity where the RS entropy vanishes.")
    doc.assume(r"$\kappa=0$, patterns with i.i.d. symmetric entries, random labels, $N\to\infty$.")
    doc.say(r"RS entropy per coupling (Gardner \& Derrida 1988): $s=\mathrm{extr}_{q,\hat q}\,\big[-\tfrac{\hat q}"
            r"{2}(1-q)+\int Dz\,\ln 2\cosh(\sqrt{\hat q}z)+\alpha\int Dt\,\ln H\big(-\sqrt{q/(1-q)}\,t\big)\big]$, "
            r"with saddle-point equations $q=\int Dz\tanh^2(\sqrt{\hat q}z)$ and "
            r"$\hat q=\frac{\alpha}{1-q}\int Dt\,[G(u)/H(u)]^2$, $u=-\sqrt{q/(1-q)}\,t$.")
    doc.say(r"Limit $q\to1$, $\hat q\to\infty$: $\int Dz\ln2\cosh(\sqrt{\hat q}z)=\sqrt{\hat q}\int Dz\,|z|+O(1)$ "
            r"and $\int Dt\ln H(-\sqrt{q/(1-q)}t)=-\frac{1}{2(1-q)}\int_{-\infty}^0Dt\,t^2+O(\ln(1-q))$.")
    absz = doc.equal(sp.Integral(G(z) * sp.Abs(z), (z, -sp.oo, sp.oo)), sp.sqrt(2 / sp.pi), r"$\int Dz\,|z|$:")
    half = doc.equal(sp.Integral(G(t) * t**2, (t, -sp.oo, 0)), sp.Rational(1, 2), r"$\int_{-\infty}^0 Dt\,t^2$:")
    s_lead = -qh * e / 2 + sp.sqrt(qh) * absz - alpha * half / (2 * e)
    qh_star = sp.solve(sp.diff(s_lead, qh), qh)[0]
    doc.equal(qh_star, 2 / (sp.pi * e**2), lhs_tex=r"\hat q^*\Big|_{" + latex(sp.Derivative(s_lead, qh))
              + r" = 0}", text=r"Stationarity in $\hat q$ of the leading terms "
                                           r"($\epsilon=1-q$) gives")
    doc.equal(sp.Subs(s_lead, qh, qh_star), (1 / sp.pi - alpha / 4) / e, r"and the leading entropy")
    a_rs = sp.solve(sp.Eq(1 / sp.pi - alpha / 4, 0), alpha)[0]
    doc.equal(a_rs, 4 / sp.pi, r"whose coefficient vanishes at the RS capacity",
              lhs_tex=r"\alpha_{RS}\Big|_{1/\pi - \alpha_{RS}/4 = 0}")
    doc.say(r"Why it is wrong. (i) The number of solutions $\mathcal N$ satisfies "
            r"$\mathbb E\,\mathcal N=2^N2^{-P}$ (each pattern is stored by a fixed $J$ with probability 1/2), "
            r"so by Markov's inequality $\Pr(\mathcal N\ge1)\le2^{N(1-\alpha)}\to0$ for $\alpha>1$: "
            r"$\alpha_c\le1<4/\pi$ rigorously. (ii) The RS entropy $s_{RS}(\alpha)$, computed from the saddle "
            r"point above, becomes negative at $\alpha\approx0.833$, before $4/\pi$; a negative entropy is "
            r"impossible for $2^N$ discrete states. Krauth \& M\'ezard (1989) show that the one-step RSB "
            r"solution is frozen and its capacity is the zero of $s_{RS}$, "
            r"$\alpha_c=0.8330786\ldots$ (solved in \texttt{theory/capacity/ising.py}, in double precision and by "
            r"mpmath Newton iteration, which the tests compare).")
    ann = sp.log(2) * (1 - alpha)
    doc.equal(sp.log(2**1 * sp.Rational(1, 2)**alpha), ann, lhs_tex=r"\frac1N\ln\bigl(2^N\,2^{-\alpha N}\bigr)",
              text=r"Annealed entropy $\frac1N\ln\mathbb E\mathcal N$:")
    doc.equal(sp.solve(ann, alpha)[0], 1, r"vanishing at the first-moment bound",
              lhs_tex=r"\alpha_{\rm ann}\Big|_{(1 - \alpha_{\rm ann})\ln 2 = 0}")
    doc.keep("alpha_rs", a_rs)  # the wrong RS value: the power test of capacity-ising-enumeration
    doc.result("alpha_first_moment", sp.Integer(1),
               r"The rigorous first-moment upper bound on the capacity (above the 1RSB value "
               r"$0.8330786\ldots$ and below the replica-symmetric $4/\pi$):", lhs=r"\alpha_{\rm ann}")
    doc.references = [GD, KM, "W. Krauth, M. Opper. Critical storage capacity of the J = ±1 neural network. "
                              "J. Phys. A 22 (1989) L519.",
                      "J. Ding, N. Sun. Capacity lower bound for the Ising perceptron. STOC (2019). arXiv:1809.07742."]


# ----------------------------------------------------------------------------- teacher-student
def gibbs_constant_integral():
    """I = int dt exp(-t^2) / (sqrt(2 pi) H(-t)), the Gibbs/Bayes large-alpha constant, as a SymPy integral."""
    return sp.Integral(sp.exp(-t**2) / (sp.sqrt(2 * sp.pi) * H(-t)), (t, -sp.oo, sp.oo))


@lru_cache(maxsize=4)
def gibbs_constant(digits: int = ROOT_DIGITS) -> sp.Float:
    """The integral I by mpmath quadrature (independent of the theory module's Gauss-Legendre sum).

    The integrand is the displayed one with H(-t) written as mpmath's ncdf(t): SymPy rewrites
    erfc(-x) as 2 - erfc(x), which cancels catastrophically in the left tail.
    """
    with mpmath.workdps(digits):
        f = lambda u: mpmath.exp(-u * u) / (mpmath.sqrt(2 * mpmath.pi) * mpmath.ncdf(u))  # noqa: E731
        return sp.Float(mpmath.quad(f, [-mpmath.inf, -5, 0, 5, mpmath.inf]), digits)


_TS_ASYMPTOTE = {"alpha": "alpha"}


def _with_constant(point):
    return {"alpha": point["alpha"], "I": gibbs_constant()}


@derivation("capacity-teacher-student", title="Teacher-student learning curves: Hebb, Gibbs, Bayes, maximal stability",
            results=(Result("hebb_eps", "teacher-student-error", symbols=_TS_ASYMPTOTE,
                            points=({"rule": "hebb", "alpha": 0.3}, {"rule": "hebb", "alpha": 2.0},
                                    {"rule": "hebb", "alpha": 50.0})),
                     Result("hebb_asymptote", "teacher-student-error", symbols=_TS_ASYMPTOTE,
                            points=({"rule": "hebb", "alpha": 2.0, "regime": "large-alpha"},
                                    {"rule": "hebb", "alpha": 50.0, "regime": "large-alpha"})),
                     Result("gibbs_asymptote", "teacher-student-error", symbols=_with_constant,
                            points=({"rule": "gibbs", "alpha": 7.0, "regime": "large-alpha"},
                                    {"rule": "gibbs", "alpha": 100.0, "regime": "large-alpha"})),
                     Result("bayes_asymptote", "teacher-student-error", symbols=_with_constant,
                            points=({"rule": "bayes", "alpha": 7.0, "regime": "large-alpha"},
                                    {"rule": "bayes", "alpha": 100.0, "regime": "large-alpha"}))),
            citation="Engel & Van den Broeck (2001), Chs. 2-4")
def teacher_student(doc: Document) -> None:
    R = sp.Symbol("R", positive=True)
    s = sp.Symbol("s", positive=True)
    doc.abstract = (r"A perceptron student learns a perceptron teacher from $P=\alpha N$ examples; the "
                    r"generalisation error is $\epsilon=\arccos(R)/\pi$ with $R$ the normalised overlap. We "
                    r"derive the Hebb overlap in closed form, state the Gibbs saddle point and the Bayes "
                    r"relation, extract the large-$\alpha$ asymptotes, and derive the equations of the "
                    r"maximally stable student from the $q\to1$ limit of Gardner's calculation.")
    doc.assume(r"Inputs $\xi\sim\mathcal N(0,I_N)$, teacher $T$ uniform on the sphere, labels "
               r"$\mathrm{sign}(T\cdot\xi)$, $N\to\infty$ at fixed $\alpha$.")
    doc.say(r"Generalisation error: for a new input, teacher and student fields are standard Gaussians with "
            r"correlation $R$, and they disagree with probability $\arccos(R)/\pi$.")
    # Hebb
    Eabs = doc.equal(sp.Integral(2 * G(t) * t, (t, 0, sp.oo)), sp.sqrt(2 / sp.pi),
                     r"Hebb, $J=\sum_\mu\mathrm{sign}(u_\mu)\xi_\mu$ with $u_\mu=T\cdot\xi_\mu/\sqrt N$: "
                     r"$J\cdot T/\sqrt N=\sum_\mu|u_\mu|\approx P\,\mathbb E|u|$,")
    RH2 = (alpha * Eabs)**2 / (alpha + (alpha * Eabs)**2)
    doc.equal(RH2, 2 * alpha / (2 * alpha + sp.pi),
              r"and $|J|^2\approx(P\,\mathbb E|u|)^2/N$ along $T$ plus $P$ from the orthogonal part "
              r"($\sum_\mu\mathrm{sign}(u_\mu)\xi_\mu^\perp$ is a sum of $P$ independent vectors), so, per $N$, "
              r"$R^2=\frac{(\alpha\mathbb E|u|)^2}{\alpha+(\alpha\mathbb E|u|)^2}$:")
    RH = sp.sqrt(2 * alpha / (2 * alpha + sp.pi))
    doc.equal(sp.acos(RH), sp.atan(sp.sqrt(sp.pi / (2 * alpha))),
              r"Exactly, $\arccos R_{\rm Hebb}=\arctan\sqrt{\pi/(2\alpha)}$, so with $\arctan y=y+O(y^3)$ "
              r"the large-$\alpha$ error is $\epsilon_{\rm Hebb}\simeq1/\sqrt{2\pi\alpha}$:")
    # Gibbs
    doc.say(r"Gibbs learning (a random element of the version space) has $q=R$ by the teacher-student "
            r"symmetry, and the RS saddle point (Engel \& Van den Broeck Ch. 2; Seung, Sompolinsky "
            r"\& Tishby 1992) reads $\frac{R}{\sqrt{1-R}}=\frac{\alpha}{\pi}\int Dt\,\frac{e^{-Rt^2/2}}"
            r"{H(-\sqrt R t)}$. The Bayes student is the centre of mass of the version space, with overlap "
            r"$R_B=R/\sqrt q=\sqrt R$ (Opper \& Haussler 1991).")
    doc.say(r"Large $\alpha$: $R\to1$ and the right side tends to $\frac{\alpha}{\pi}I$ with "
            r"$I=\int dt\,e^{-t^2}/(\sqrt{2\pi}H(-t))$, so $\sqrt{1-R}=\pi/(\alpha I)$; with "
            r"$\arccos(1-x)=\sqrt{2x}+O(x^{3/2})$:")
    xx = sp.Symbol("x", positive=True)
    doc.equal(sp.Limit(sp.acos(1 - xx) / sp.sqrt(2 * xx), xx, 0), 1, r"(the arccos expansion)")
    I = sp.Symbol("I", positive=True)
    eps_g = sp.sqrt(2) * sp.sqrt((sp.pi / (alpha * I))**2) / sp.pi
    doc.equal(eps_g, sp.sqrt(2) / (alpha * I), r"Gibbs: $\epsilon\simeq\sqrt{2(1-R)}/\pi$ with "
              r"$\sqrt{1-R}=\pi/(\alpha I)$:", lhs_tex=r"\frac{\sqrt2}{\pi}\cdot\frac{\pi}{\alpha I}")
    eps_b = sp.sqrt((sp.pi / (alpha * I))**2) / sp.pi
    doc.equal(eps_b, 1 / (alpha * I), r"Bayes: $\epsilon\simeq\arccos(\sqrt R)/\pi\simeq\sqrt{1-R}/\pi$:",
              lhs_tex=r"\frac{1}{\pi}\cdot\frac{\pi}{\alpha I}")
    # max stability
    doc.say(r"Maximal stability. Gardner's entropy with a teacher (Engel \& Van den Broeck Ch. 2, with a "
            r"margin): $s=\tfrac12\ln(1-q)+\frac{q-R^2}{2(1-q)}+2\alpha\int Dt\,H\big(-\frac{Rt}{\sqrt{q-R^2}}\big)"
            r"\ln H\big(\frac{\kappa-\sqrt q t}{\sqrt{1-q}}\big)$. The maximally stable student is the $q\to1$ "
            r"limit; with $\ln H(u)\simeq-u^2/2$ (derivation capacity-gardner) and $s^2=1-R^2$, "
            r"$(1-q)\,s\to f(R,\kappa)=\frac{1-R^2}{2}-\alpha\int_{-\infty}^{\kappa}Dt\,H(-Rt/s)(\kappa-t)^2$. "
            r"The maximal $\kappa$ at given $\alpha$ has $f=0$ and $\partial_Rf=0$.")
    dH = sp.Derivative(H(-R * t / sp.sqrt(1 - R**2)), R)
    doc.equal(dH, G(R * t / sp.sqrt(1 - R**2)) * t / (1 - R**2)**sp.Rational(3, 2),
              r"The $R$-derivative of the teacher weight:", ranges={R: (sp.Rational(1, 10), sp.Rational(9, 10))})
    doc.equal(G(t) * G(R * t / s), sp.exp(-t**2 / (2 * s**2)) / (2 * sp.pi) * sp.exp(-t**2 * (R**2 + s**2 - 1) / (2 * s**2)),
              r"and the product of the two Gaussians, which for $s^2=1-R^2$ is $e^{-t^2/(2s^2)}/(2\pi)$:")
    doc.say(r"Hence the two equations solved in \texttt{theory/capacity/teacher\_student.py}: "
            r"(A) $1-R^2=\alpha\int_{-\infty}^{\kappa}Dt\,2H(-Rt/s)(\kappa-t)^2$ and "
            r"(B) $R\,s^3=-\alpha\int_{-\infty}^{\kappa}Dt\,G(Rt/s)\,t\,(\kappa-t)^2$. "
            r"Check: at $R=0$ (no teacher information) (A) is Gardner's $\alpha_c(\kappa)$. "
            r"They reproduce the known asymptote $\epsilon\simeq0.5005/\alpha$ (Engel \& Van den Broeck Ch. 4), "
            r"which the tests confirm.")
    doc.equal(sp.Integral(G(t) * 2 * H(0) * (kappa - t)**2, (t, -sp.oo, kappa)),
              (1 + kappa**2) * H(-kappa) + kappa * G(kappa),
              r"(A) at $R=0$: $\int_{-\infty}^{\kappa}Dt\,2H(0)(\kappa-t)^2$ (SymPy, left) is Gardner's integral:",
              ranges={kappa: (0, 4)})
    doc.keep("hebb_R", RH)
    doc.result("hebb_eps", sp.acos(RH) / sp.pi, r"Hebb error, $\arccos(R_{\rm Hebb})/\pi$ with "
                                                 rf"$R_{{\rm Hebb}}={latex(RH)}$:",
               lhs=r"\epsilon_{\rm Hebb}(\alpha)")
    doc.result("hebb_asymptote", 1 / sp.sqrt(2 * sp.pi * alpha), r"Hebb large-$\alpha$ error:",
               lhs=r"\epsilon_{\rm Hebb}(\alpha) \simeq \epsilon^\infty_{\rm Hebb}")
    doc.result("gibbs_asymptote", sp.sqrt(2) / (alpha * I),
               rf"Gibbs large-$\alpha$ error, with $I={latex(gibbs_constant_integral())}$ "
               r"(evaluated by mpmath quadrature when the result is compared with the quantity):",
               lhs=r"\epsilon_{\rm Gibbs}(\alpha) \simeq \epsilon^\infty_{\rm Gibbs}")
    doc.result("bayes_asymptote", 1 / (alpha * I), r"Bayes large-$\alpha$ error:",
               lhs=r"\epsilon_{\rm Bayes}(\alpha) \simeq \epsilon^\infty_{\rm Bayes}")
    doc.keep("I", gibbs_constant_integral())
    doc.references = [EVDB, SST, OH, "J. K. Anlauf, M. Biehl. The AdaTron: an adaptive perceptron algorithm. "
                                     "Europhys. Lett. 10 (1989) 687.",
                      "M. Opper, W. Kinzel, J. Kleinz, R. Nehl. On the ability of the optimal perceptron to "
                      "generalise. J. Phys. A 23 (1990) L581."]


# ----------------------------------------------------------------------------- balls
BALL_R = sp.Symbol("R", positive=True)
BALL_T = sp.Symbol("t", positive=True)  # |t|, chi_D distributed
BALL_K = sp.Symbol("kappa", real=True)
BALL_D = sp.Symbol("D", positive=True, integer=True)


def ball_inner(R, tt, k):
    """F(t): the t0-average of the squared distance to the cone v0 - R|v| >= kappa (three regimes)."""
    a, b = k - tt / R, k + R * tt
    return ((PRIM.subs({x: b, c: b}) - PRIM.subs({x: a, c: b})) / (1 + R**2)
            + PRIM.subs({x: a, c: k}) + tt**2 * Phi(a))


def chi_density(tt, D):
    """The chi_D density of t = |t_vec|."""
    return tt**(D - 1) * sp.exp(-tt**2 / 2) / (2**(D / 2 - 1) * sp.gamma(D / 2))


@lru_cache(maxsize=1)
def _ball_integrand():
    """chi_D(t) F(t) as an mpmath function of (t, R, D, kappa), lambdified once."""
    expr = chi_density(BALL_T, BALL_D) * ball_inner(BALL_R, BALL_T, BALL_K)
    return sp.lambdify((BALL_T, BALL_R, BALL_D, BALL_K), expr, "mpmath")


def _ball_inverse(R, D, k):
    """int_0^oo chi_D(t) F(t) dt by mpmath quadrature of the lambdified SymPy integrand."""
    f = _ball_integrand()
    R, D, k = (mpmath.mpf(sp.Float(v, BALL_DIGITS)) for v in (R, D, k))
    centre = mpmath.sqrt(D)
    return mpmath.quad(lambda u: f(u, R, D, k), [0, max(centre - 6, 0), centre, centre + 6, mpmath.inf])


#: Digits of the ball's quadratures and root: the build compares at relative tolerance 1e-12, and
#: 40-digit quadratures inside a root search cost seconds per point.
BALL_DIGITS = 20


class BallCapacity(sp.Function):
    r"""$\alpha_B(R,D,\kappa)=\big(\int_0^\infty dt\,\chi_D(t)F(t)\big)^{-1}$, by mpmath quadrature for numbers."""

    nargs = 3

    @classmethod
    def eval(cls, R, D, k):
        if R.is_Number and D.is_Number and k.is_Number:
            with mpmath.workdps(BALL_DIGITS):
                return sp.Float(1 / _ball_inverse(R, D, k), BALL_DIGITS)
        return None

    def _latex(self, printer):
        R, D, k = (printer._print(a) for a in self.args)
        return (r"\Big(\int_0^\infty dt\,\chi_{%s}(t)\,F_{%s,%s}(t)\Big)^{-1}" % (D, R, k))


class BallMargin(sp.Function):
    r"""$\kappa_B(R,D,\alpha)$: the root $\kappa\ge0$ of $\alpha_B(R,D,\kappa)=\alpha$ (mpmath secant for numbers)."""

    nargs = 3

    @classmethod
    def eval(cls, R, D, a):
        if R.is_Number and D.is_Number and a.is_Number:
            g = lambda k: _ball_inverse(R, D, k) - 1 / mpmath.mpf(a)  # noqa: E731
            with mpmath.workdps(8):  # a cheap first root, then refined at full precision
                k0 = mpmath.findroot(g, (mpmath.mpf("0.5"), mpmath.mpf(1)))
            with mpmath.workdps(BALL_DIGITS):
                k0 = mpmath.mpf(k0)
                return sp.Float(mpmath.findroot(g, (k0, k0 * (1 + mpmath.mpf(10) ** -6))), BALL_DIGITS)
        return None

    def _latex(self, printer):
        R, D, a = (printer._print(arg) for arg in self.args)
        return r"\kappa_B\left(%s,%s;%s\right)" % (R, D, a)


PRIM = (1 + c**2) * Phi(x) + (2 * c - x) * G(x)  # int G(x) (c - x)^2 dx


@derivation("capacity-ball", title="Capacity of D-dimensional L2 balls: the inner problem",
            results=(Result("alpha_B", "manifold-capacity-ball", symbols={"R": "radius", "D": "dim", "kappa": "kappa"}),
                     Result("alpha_inf", "manifold-capacity-ball", symbols={"D": "dim", "kappa": "kappa"},
                            points=({"radius": math.inf, "dim": 1, "kappa": 0.0},
                                    {"radius": math.inf, "dim": 3, "kappa": 0.7},
                                    {"radius": math.inf, "dim": 10, "kappa": 2.0})),
                     Result("kappa_B", "manifold-ball-critical-margin",
                            symbols={"R": "radius", "D": "dim", "alpha": "alpha"},
                            points=({"radius": 1.0, "dim": 2, "alpha": 0.3},))),  # a root of quadratures: slow
            citation="Chung, Lee & Sompolinsky (2016)")
def ball(doc: Document) -> None:
    R, tt, k = BALL_R, BALL_T, BALL_K
    t0 = sp.Symbol("t_0", real=True)
    doc.abstract = (r"For balls $x_0^\mu+R\sum_i s_iu_i^\mu$, $|s|\le1$, Gardner's calculation leads to a "
                    r"Gaussian average of the squared distance from a random point $(t_0,\vec t)$ to the cone "
                    r"$\{(v_0,\vec v): v_0-R|\vec v|\ge\kappa\}$. We solve this inner problem in its three "
                    r"regimes, integrate over $t_0$ in closed form, and check the limits $R\to0$ (points) and "
                    r"$R\to\infty$ (affine subspaces).")
    doc.assume(r"Centres and axes with i.i.d. standard entries (fields $t_0\sim\mathcal N(0,1)$, "
               r"$\vec t\sim\mathcal N(0,I_D)$, $t=|\vec t|\sim\chi_D$), $\kappa\ge0$, $N\to\infty$; "
               r"replica symmetry (convex problem).")
    doc.say(r"Chung, Lee \& Sompolinsky (2016): $\alpha_B^{-1}=\big\langle\min_{v_0-R|\vec v|\ge\kappa}"
            r"(v_0-t_0)^2+|\vec v-\vec t|^2\big\rangle_{t_0,\vec t}$ (the manifold generalisation of Gardner's "
            r"$\int Dt(\kappa-t)^2_+$). By symmetry $\vec v\parallel\vec t$, and in the $(v_0,r)$ plane the "
            r"region is bounded by the line $v_0=\kappa+Rr$, $r\ge0$. Three regimes: interior "
            r"($t_0-Rt\ge\kappa$, distance 0); projection onto the line, valid when the foot has $r\ge0$, "
            r"i.e. $t_0\ge\kappa-t/R$; otherwise the apex $(\kappa,0)$.")
    foot_r = tt - R * (k + R * tt - t0) / (1 + R**2)
    doc.equal(sp.solve(sp.Eq(foot_r, 0), t0)[0], k - tt / R,
              r"The foot of the perpendicular from $(t_0,t)$ to the line has $r\ge0$ iff $t_0\ge t_0^*$, the "
              r"root of $r_{\rm foot}(t_0) = 0$:",
              lhs_tex=r"t_0^*\Big|_{" + latex(foot_r) + r" = 0}")
    d2 = (k + R * tt - t0)**2 / (1 + R**2)
    doc.equal((t0 - (t0 + (k + R * tt - t0) / (1 + R**2)))**2 + (tt - foot_r)**2, d2,
              r"and the squared distance to the line is")
    prim = PRIM
    doc.equal(sp.Derivative(prim, x), G(x) * (c - x)**2,
              r"Antiderivative used for every $t_0$ integral, $\int G(x)(c-x)^2dx$:")
    a, b = k - tt / R, k + R * tt
    inner = ball_inner(R, tt, k)
    doc.say(r"With this antiderivative (and $\int G=\Phi=1-H$) the $t_0$ average of the three regimes, "
            r"$F(t)=\int_{\kappa-t/R}^{\kappa+Rt}Dt_0\frac{(\kappa+Rt-t_0)^2}{1+R^2}+\int_{-\infty}^{\kappa-t/R}"
            r"Dt_0\,[(\kappa-t_0)^2+t^2]$, is the closed form in the result below (the build integrates "
            r"it over $\chi_D$ with mpmath and compares it with the quantity, result $\alpha_B$).")
    gard = (1 + k**2) * Phi(k) + k * G(k)
    bb = prim.subs({x: b, c: b}) / (1 + R**2)
    ab = prim.subs({x: a, c: b}) / (1 + R**2)
    ap = prim.subs({x: a, c: k}) + tt**2 * Phi(a)
    doc.say(r"Limits, term by term (the touching term is split into its upper and lower antiderivative "
            r"values, each of which has a limit):")
    lim0 = sp.limit(bb, R, 0) - sp.limit(ab, R, 0) + sp.limit(ap, R, 0)
    doc.equal(lim0, gard, r"Points ($R\to0$): $F\to$ Gardner's integral", ranges={k: (0, 3), tt: (0, 3)},
              lhs_tex=r"\lim_{R\to0}F(t)")
    liminf = sp.limit(bb, R, sp.oo) - sp.limit(ab, R, sp.oo) + sp.limit(ap, R, sp.oo)
    doc.equal(liminf, gard + tt**2,
              r"Subspaces ($R\to\infty$): Gardner's integral plus $t^2$, so $\alpha^{-1}=D+\alpha_0(\kappa)^{-1}$ "
              r"after averaging $t^2$ over $\chi_D$ ($\langle t^2\rangle=D$):", ranges={k: (0, 3), tt: (0, 3)},
              lhs_tex=r"\lim_{R\to\infty}F(t)")
    D = BALL_D
    chi = chi_density(tt, D)
    second_moment = sp.Integral(tt**2 * chi, (tt, 0, sp.oo))
    doc.equal(second_moment, D, r"The $\chi_D$ average of $t^2$ (Gamma-function integral):")
    doc.equal(bb - ab + ap, inner, r"The three pieces, each an antiderivative value above, add up to $F$:",
              lhs_tex=r"F(t) = \int_{\kappa-t/R}^{\kappa+Rt}Dt_0\,\frac{(\kappa+Rt-t_0)^2}{1+R^2}"
                      r" + \int_{-\infty}^{\kappa-t/R}Dt_0\,\bigl[(\kappa-t_0)^2+t^2\bigr]")
    doc.say(r"A special case with a one-line proof: at $\kappa=0$, $R=1$ the cone $v_0\ge|\vec v|$ is self-dual, "
            r"so by Moreau's decomposition $x=P_K x+P_{K^\circ}x$ with $K^\circ=-K$ and the symmetry $x\to-x$ of "
            r"the Gaussian, the mean squared distance to $K$ is half of $\mathbb E|x|^2=D+1$: "
            r"$\alpha_B(0,1,D)=2/(D+1)$ ($D=0$: Cover's 2). The tests confirm it on the quantity to $10^{-12}$ "
            r"for $D=1,\dots,6$; we did not find it stated in the paper.")
    doc.keep("F", inner)
    doc.result("alpha_B", BallCapacity(R, D, k),
               r"The capacity, with $F(t)$ the closed form displayed above (the integral over $\chi_D$ by "
               r"mpmath quadrature, 20 digits):", lhs=r"\alpha_B(\kappa, R, D)")
    doc.result("alpha_inf", 1 / (D + gard),
               r"its $R\to\infty$ limit ($D$-dimensional subspaces; lines for $D=1$) is", lhs=r"\alpha_B(\kappa, \infty, D)")
    doc.result("kappa_B", BallMargin(R, D, alpha),
               r"and, since $F$ increases with $\kappa$, the largest margin at load $\alpha$ is the root "
               r"$\kappa_B$ of $\alpha_B(\kappa,R,D)=\alpha$:", lhs=r"\kappa_B(R, D; \alpha)",
               rhs_tex=r"\max\{\kappa \ge 0 : \alpha_B(\kappa, R, D) \ge \alpha\}")
    doc.references = [CLS, GARDNER,
                      "S. Chung, D. D. Lee, H. Sompolinsky. Classification and geometry of general perceptual "
                      "manifolds. Phys. Rev. X 8 (2018) 031003. arXiv:1710.06487."]
