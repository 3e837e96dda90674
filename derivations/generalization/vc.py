"""Derivations of the generalization capability: the VC generalization bound, and the upper and
lower bounds on the VC dimension of ReLU networks."""
from __future__ import annotations

import math

import sympy as sp

from .._document import Result, derivation


def _vc_symbols(point):
    """n, delta, the empirical risk and Pi = Phi_h(2n), the Sauer-Shelah sum, as an exact integer."""
    n = point["n"]
    growth = sum(math.comb(2 * n, i) for i in range(min(point["vc"], 2 * n) + 1))
    return {"n": n, "delta": point["delta"], "r": point.get("empirical_risk", 0.0), "Pi": growth}


def _layers(widths, input_dim):
    """(k_1..k_L, W_1..W_L): layer sizes (the hidden widths, then one output unit) and the number of
    parameters (weights and biases) into layers 1..i."""
    ks = list(widths) + [1]
    fan_in = [input_dim] + list(widths)
    cumulative, total = [], 0
    for a, k in zip(fan_in, ks):
        total += (a + 1) * k
        cumulative.append(total)
    return ks, cumulative


def _bhlm_symbols(point):
    """L, Lbar = sum_i W_i / W, W, p, R = sum_i i k_i and e (Euler's number) of an architecture."""
    ks, cumulative = _layers(point["widths"], point["input_dim"])
    W = cumulative[-1]
    return {"L": len(ks), "Lbar": sp.Rational(sum(cumulative), W), "W": W, "p": point.get("pieces", 2),
            "R": sum((i + 1) * k for i, k in enumerate(ks)), "e": sp.E}


LOWER_POINTS = tuple({"widths": list(w), "input_dim": d} for w, d in (
    ((16,) * 6, 2), ((10, 7, 7, 7, 7, 7, 7, 7, 1), 4), ((12, 7, 7, 3, 16, 16), 2), ((40, 6, 40, 40), 3), ((16,) * 6, 1),
    ((2,) + (16,) * 9, 2), ((5,), 1), ((1,), 7), ((3, 9), 2), ((4, 2), 2)))


def _lower_symbols(point):
    """d, k_1 and m, the largest m <= H - 1 with k_2, ..., k_m >= 7 (by its definition)."""
    widths = point["widths"]
    m = max(m for m in range(len(widths)) if all(w >= 7 for w in widths[1:m]))
    return {"d": point["input_dim"], "k_1": widths[0], "m": m}


@derivation("generalization-vc", title="The VC generalization bound from the VC inequality and Sauer-Shelah",
            results=(Result("bound", "vc-generalization-bound", symbols=_vc_symbols),
                     Result("sauer", "sauer-shelah", symbols={"h": "vc", "m": "n"})),
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
    doc.equal(sp.Sum(sp.binomial(m, i), (i, 0, m)), 2**m, r"The full sum:", lhs_tex=r"\Phi_m(m) = \sum_{i=0}^{m}\binom mi")
    rows = []
    for hv, mv in ((5, 100), (20, 1000), (100, 2000)):
        exact = sum(sp.binomial(mv, k) for k in range(hv + 1))
        relaxed = (sp.E * mv / hv) ** hv
        rows.append(rf"$h={hv}, m={mv}$: $\ln\Phi={float(sp.log(exact)):.1f}$ vs $h\ln(em/h)={float(sp.log(relaxed)):.1f}$")
    doc.say(r"The relaxation $\Phi_h(m)\le(em/h)^h$ ($m\ge h$) costs little inside the logarithm: "
            + "; ".join(rows) + r". We use the exact sum.")
    doc.keep("epsilon", sol)
    r = sp.Symbol("r", nonnegative=True)
    hh = sp.Symbol("h", integer=True, nonnegative=True)
    doc.result("sauer", sp.Sum(sp.binomial(m, i), (i, 0, hh)), r"The Sauer--Shelah sum $\Phi_h(m)$ "
               r"(\texttt{sauer-shelah}, $h$ = \texttt{vc}, $m$ = \texttt{n}):", lhs=r"\Phi_h(m)")
    doc.result("bound", r + sol, r"The VC bound (\texttt{vc-generalization-bound} with $\Pi=\Phi_h(2n)$, "
               r"$r$ the empirical risk):", lhs="R", relation="<=")
    doc.references = [r"V. N. Vapnik, A. Ya. Chervonenkis (1971). On the uniform convergence of relative frequencies "
                      r"of events to their probabilities. Theory Probab. Appl. 16.",
                      r"N. Sauer (1972). On the density of families of sets. J. Comb. Theory A 13.",
                      r"S. Shelah (1972). A combinatorial problem; stability and order for models and theories in "
                      r"infinitary languages. Pacific J. Math. 41.",
                      r"Y. S. Abu-Mostafa, M. Magdon-Ismail, H.-T. Lin (2012). Learning From Data, Thm 2.5."]



@derivation("generalization-vc-dimension-upper",
            title="The VC dimension of piecewise-linear networks from their growth function",
            results=(Result("vc-upper", "vc-dimension-upper", symbols=_bhlm_symbols),),
            citation="Bartlett, Harvey, Liaw & Mehrabian (2019) JMLR 20(63), arXiv:1703.02930, Thm 6 and its lemmas")
def build_vc_dimension_upper(doc):
    m, p, e2 = sp.symbols("m p e", positive=True)
    r, w, t, W, Lbar, Rs = sp.symbols("r w t W Lbar R", positive=True)
    L = sp.Symbol("L", positive=True, integer=True)
    doc.abstract = (r"Bartlett, Harvey, Liaw and Mehrabian bound the number of sign patterns a network with "
                    r"piecewise-polynomial activations induces on $m$ points layer by layer; a weighted AM--GM "
                    r"step collapses the product, and an elementary lemma turns $2^m\le\Pi(m)$ into the bound "
                    r"$L+\bar L W\log_2(4epR\log_2(2epR))$ evaluated by \texttt{vc-dimension-upper}. The two "
                    r"inputs are BHLM's layer-wise growth bound and their counting lemma; the algebra below is "
                    r"machine-checked.")
    doc.assume(r"$L$ layers of $k_1,\dots,k_L$ units ($k_L=1$), $W_i$ parameters into layers $1..i$, $W=W_L$, "
               r"$\bar L=\sum_i W_i/W$; activations with $p$ pieces of degree $\le d$; "
               r"$R=\sum_i k_i(1+(i-1)d^{i-1})$.")
    doc.say(r"Growth bound (BHLM, proof of Thm 6): $\Pi(m)\le\prod_{i=1}^{L}2\left(\frac{2emk_ip"
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
    doc.say(r"Lemma (BHLM, used in the proof of Thm 6): if $2^m\le2^t(mr/w)^w$ with $r\ge16$ and $m\ge w\ge t\ge0$, then "
            r"$m\le t+w\log_2(2r\log_2 r)$. (The tests check it against the largest such $m$ found by search.)")
    lemma = t + w * sp.log(2 * r * sp.log(r, 2), 2)
    result = L + Lbar * W * sp.log(4 * e2 * p * Rs * sp.log(2 * e2 * p * Rs, 2), 2)
    doc.equal(lemma.subs({t: L, w: Lbar * W, r: 2 * e2 * p * Rs}), result,
              r"Substituting $t=L$, $w=\bar LW$, $r=2epR$ (the constant $e$ kept as a symbol, set to Euler's "
              r"number when evaluated):", ranges={e2: (2, 3), p: (2, 5), Rs: (3, 200)},
              lhs_tex=r"t+w\log_2(2r\log_2r)\big|_{t=L,\,w=\bar LW,\,r=2epR}")
    doc.result("vc-upper", result, r"The upper bound (with $e$ Euler's number):", lhs=r"\operatorname{VCdim}",
               relation="<=")
    doc.references = [r"P. L. Bartlett, N. Harvey, C. Liaw, A. Mehrabian (2019). Nearly-tight VC-dimension and "
                      r"pseudodimension bounds for piecewise linear neural networks. JMLR 20(63); arXiv:1703.02930."]



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
            results=(Result("vc-lower", "vc-dimension-lower", symbols=_lower_symbols, points=LOWER_POINTS),),
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
            r"(\texttt{numerics.generalization.constructions} uses $A=1000$, enough for $N\le99$, i.e.\ $k_1\le49$.)")
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
    from ...theory.generalization import architecture

    doc.equal(sp.Add(*[(W.subs({k1: kv, L: Lv}).doit() - architecture([kv] + [7] * (Lv - 2), 2)[2][-1]) ** 2
                       for kv in (3, 10, 40) for Lv in (3, 4, 9)]), 0,
              r"The same count as \texttt{theory.generalization.architecture} for $k_1\in\{3,10,40\}$, "
              r"$L\in\{3,4,9\}$.", lhs_tex=r"\sum_{k_1,L}(W-W_{\mathrm{arch}})^2")
    result = sp.Piecewise((sp.Max(d + 1, k1 + 1, 2 * k1 + 1, (k1 - 2) * m), d >= 2), (sp.Max(d + 1, k1 + 1), True))
    doc.result("vc-lower", result, r"The lower bound ($m$ the largest $m\le H-1$ with $k_2,\dots,k_m\ge7$; "
               r"the last two terms apply for $d\ge2$):", lhs=r"\operatorname{VCdim}", relation=">=")
    doc.references = [r"P. L. Bartlett, N. Harvey, C. Liaw, A. Mehrabian (2019). Nearly-tight VC-dimension and "
                      r"pseudodimension bounds for piecewise linear neural networks. JMLR 20(63); arXiv:1703.02930, "
                      r"Thm 3 (the bit-extraction idea)."]

