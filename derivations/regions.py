"""Derivations for the linear-region quantities (theory/regions.py)."""
from __future__ import annotations

import sympy as sp

from ..theory.regions import hardtanh_fixed_point, serra_upper
from ._layout import latex
from ._document import Result, derivation

N, D = sp.symbols("N D", integer=True, positive=True)
j = sp.Symbol("j", integer=True, nonnegative=True)


def zaslavsky_sum(n, d):
    return sp.Sum(sp.binomial(n, j), (j, 0, d))


def _widths_symbols(point, name: str, length: int | None = None) -> dict:
    """{name.format(l): n_l} for the point's widths, padded with zero-width layers to ``length``."""
    widths = tuple(point["widths"]) + (0,) * ((length or 0) - len(point["widths"]))
    return {name.format(l): n for l, n in enumerate(widths, 1)}


@derivation("regions-zaslavsky", title="Regions of one ReLU layer: Zaslavsky's count for hyperplanes in general position",
            results=(Result("regions", "zaslavsky-regions", symbols={"N": "width", "D": "input_dim"}),),
            citation="Zaslavsky (1975); Buck (1943); Pascanu, Montufar & Bengio (2014)")
def _zaslavsky(doc):
    doc.abstract = (r"The activation regions of one hidden ReLU layer of $N$ units on $\mathbb{R}^D$ are the regions of "
                    r"the arrangement of the hyperplanes $w_i\cdot x + b_i = 0$. For hyperplanes in general position "
                    r"their number is $r(N, D) = \sum_{j=0}^{D}\binom{N}{j}$, the maximum over all arrangements.")
    doc.assume(r"The $N$ hyperplanes are in general position: any $k \le D$ of them meet in a $(D-k)$-dimensional "
               r"affine subspace and any $D+1$ have empty intersection (true with probability one for Gaussian weights and biases).")
    doc.say(r"Deletion--restriction: remove hyperplane $H_N$. The other $N-1$ cut $\mathbb{R}^D$ into $r(N-1, D)$ regions "
            r"and cut $H_N \cong \mathbb{R}^{D-1}$ into $r(N-1, D-1)$ pieces (their traces on $H_N$ are again in general "
            r"position). Each piece of $H_N$ splits exactly one region in two, so "
            r"$r(N, D) = r(N-1, D) + r(N-1, D-1)$ with $r(0, D) = r(N, 0) = 1$. The recursion and boundary values "
            r"determine $r$ uniquely on the nonnegative integers.")
    rhs = zaslavsky_sum(N, D)
    doc.equal(zaslavsky_sum(N - 1, D) + zaslavsky_sum(N - 1, D - 1), zaslavsky_sum(N, D),
              r"The candidate $\sum_{j\le D}\binom{N}{j}$ satisfies the recursion (Pascal's rule term by term); "
              r"checked at random integer points $1 \le N, D \le 12$.",
              ranges={N: (1, 12), D: (1, 12)}, numeric_only=True)
    doc.equal(zaslavsky_sum(0, D), sp.Integer(1), r"Boundary value $r(0, D) = 1$.", ranges={D: (1, 12)}, numeric_only=True)
    doc.equal(zaslavsky_sum(N, 0), sp.Integer(1), r"Boundary value $r(N, 0) = 1$.")
    doc.equal(zaslavsky_sum(N, 2), (N**2 + N + 2) / 2,
              r"Example: $N$ lines in general position in the plane make $(N^2+N+2)/2$ regions.")
    doc.equal(zaslavsky_sum(D, D), 2**D, r"With $N \le D$ every one of the $2^N$ sign patterns is a region.",
              ranges={D: (1, 12)}, numeric_only=True)
    doc.result("regions", rhs, r"Regions of one hidden layer of $N$ ReLU units in general position on $\mathbb{R}^D$:",
               lhs="r(N, D)")
    doc.references = [r"T. Zaslavsky, Facing up to arrangements, Mem. AMS 154 (1975).",
                      r"R. C. Buck, Partition of space, Amer. Math. Monthly 50 (1943) 541--544.",
                      r"R. Pascanu, G. Montufar, Y. Bengio, On the number of response regions of deep feedforward "
                      r"networks with piecewise linear activations, ICLR 2014, Prop. 3."]


@derivation("regions-serra-upper", title="The form of Serra et al.'s upper bound, its special cases and Montufar's bound",
            results=(
                Result("n0=1,L=3", "linear-regions-upper", symbols=lambda p: _widths_symbols(p, "n_{}"),
                       points=({"input_dim": 1, "widths": (4, 7, 3)}, {"input_dim": 1, "widths": (2, 9, 5)})),
                Result("n0=1,L=3", "linear-regions-upper-montufar", symbols=lambda p: _widths_symbols(p, "n_{}"),
                       points=({"input_dim": 1, "widths": (4, 7, 3)}, {"input_dim": 1, "widths": (2, 9, 5)})),
                Result("n0=2,widths=(2,n2)", "linear-regions-upper", symbols=lambda p: {"n_2": p["widths"][1]},
                       points=({"input_dim": 2, "widths": (2, 5)}, {"input_dim": 2, "widths": (2, 9)})),
                Result("montufar,n0=2,widths=(2,n2)", "linear-regions-upper-montufar",
                       symbols=lambda p: {"n_2": p["widths"][1]},
                       points=({"input_dim": 2, "widths": (2, 5)}, {"input_dim": 2, "widths": (2, 9)})),
                Result("montufar,L=3", "linear-regions-upper-montufar",
                       symbols=lambda p: {"n_0": p["input_dim"], **_widths_symbols(p, "n_{}")},
                       points=({"input_dim": 2, "widths": (6, 6, 3)}, {"input_dim": 3, "widths": (2, 5, 4)},
                               {"input_dim": 1, "widths": (4, 7, 3)}, {"input_dim": 4, "widths": (9, 3, 6)})),
            ),
            citation="Serra, Tjandraatmadja & Ramalingam (2018), Thm 1; Montufar (2017)")
def _serra(doc):
    n1, n2, n3 = sp.symbols("n_1 n_2 n_3", integer=True, positive=True)
    doc.abstract = (r"Serra, Tjandraatmadja and Ramalingam (2018, Thm 1) bound the regions of a ReLU network with input "
                    r"dimension $n_0$ and widths $n_1,\dots,n_L$ by $\sum_{(j_1,\dots,j_L)\in J}\prod_l\binom{n_l}{j_l}$ with "
                    r"$J = \{0 \le j_l \le \min(n_0, n_1 - j_1, \dots, n_{l-1} - j_{l-1}, n_l)\}$. We record how it is "
                    r"evaluated (dynamic programming over the running cap) and verify its closed forms in special cases.")
    doc.assume(r"Widths $n_l \ge 1$; a layer whose $j_l$ units are 'active in dimension' leaves at most "
               r"$n_l - j_l$ dimensions to the layers above, which is what the cap in $J$ records.")
    doc.say(r"Evaluation. Let $c_l = \min(n_0, n_1 - j_1, \dots, n_l - j_l)$. The constraint on $j_{l+1}$ depends on "
            r"$(j_1..j_l)$ only through $c_l$, so with $w_l(c) = \sum_{(j_1..j_l): c_l = c}\prod_{m\le l}\binom{n_m}{j_m}$ "
            r"we have $w_0 = [c = n_0]$, $w_{l}(c') = \sum_c w_{l-1}(c)\sum_{j \le \min(c, n_l),\ \min(c, n_l - j) = c'}"
            r"\binom{n_l}{j}$ and the bound is $\sum_c w_L(c)$: $O(L \min(n_0, n)^2)$ exact integer operations "
            r"(the implementation; tests compare it with brute-force enumeration of $J$).")
    doc.equal(sp.Add(*[sp.binomial(n1, a) * sp.binomial(n2, b) * sp.binomial(n3, c)
                       for a in (0, 1) for b in (0, 1) for c in (0, 1)]),
              (1 + n1) * (1 + n2) * (1 + n3),
              r"$n_0 = 1$, $L = 3$, $n_l \ge 2$: every $n_l - j_l \ge 1$, so the cap $\min(1, \dots)$ never binds, "
              r"$J = \{0,1\}^3$ and the bound is $\prod_l (n_l + 1)$ (attained: "
              r"check regions-upper-attained-1d).", ranges={n1: (2, 40), n2: (2, 40), n3: (2, 40)})
    z2 = lambda n: 1 + n + sp.binomial(n, 2)
    capped = sum(sp.binomial(2, a) * sum(sp.binomial(n2, b) for b in range(0, min(2, 2 - a) + 1)) for a in range(3))
    doc.equal(capped, sp.expand(sp.expand_func(capped)),
              lhs_tex=r"\sum_{j_1=0}^{2}\binom{2}{j_1}\sum_{j_2=0}^{\min(2,\,2-j_1)}\binom{n_2}{j_2}",
              text=
              r"$n_0 = 2$, widths $(2, n_2)$: $j_1 = 0, 1, 2$ leave caps $2, 1, 0$, so "
              r"$\sum_J = \binom{2}{0}(1 + n_2 + \binom{n_2}{2}) + \binom{2}{1}(1 + n_2) + \binom{2}{2}$.",
              ranges={n2: (2, 40)})
    montufar = 4 * z2(n2)
    doc.equal(montufar - capped, sp.factor(sp.expand_func(montufar - capped)),
              lhs_tex=r"4\Bigl(1 + n_2 + \binom{n_2}{2}\Bigr) - \sum_J\prod_l\binom{n_l}{j_l}",
              text=
              r"Montufar's (2017) bound $\prod_l\sum_{j\le d_l}\binom{n_l}{j}$, $d_l = \min(n_0..n_l)$, is "
              r"$4(1 + n_2 + \binom{n_2}{2})$ here; the difference is positive for $n_2 \ge 1$, so Serra's bound is "
              r"strictly tighter when a narrow layer caps the dimension.", ranges={n2: (2, 40)})
    doc.say(r"In general $J \subseteq \prod_l \{0, \dots, d_l\}$ (each $j_l \le \min(n_0, n_1, \dots, n_l)$ is implied), "
            r"and the summand is the same, so Serra's bound never exceeds Montufar's; the two coincide when every "
            r"$n_l \ge 2 n_0$ (then $n_l - j_l \ge n_0$ and the caps never bind).")
    doc.equal(z2(n1) * z2(n2), sp.Add(*[sp.binomial(n1, a) * sp.binomial(n2, b) for a in range(3) for b in range(3)]),
              r"$n_0 = 2$, $n_1, n_2 \ge 4$: $J = \{0,1,2\}^2$ and the two bounds agree.",
              ranges={n1: (4, 40), n2: (4, 40)})
    doc.result("n0=1,L=3", (1 + n1) * (1 + n2) * (1 + n3), r"Input dimension one, three layers:",
               lhs=r"R_{\rm Serra}(1; n_1, n_2, n_3)")
    doc.result("n0=2,widths=(2,n2)", sp.expand_func(capped), r"Input dimension two, widths $(2, n_2)$:",
               lhs=r"R_{\rm Serra}(2; 2, n_2)")
    doc.result("montufar,n0=2,widths=(2,n2)", sp.expand_func(montufar),
               r"Montufar's bound for the same widths (larger):", lhs=r"R_{\rm Mont}(2; 2, n_2)")
    n0 = sp.Symbol("n_0", integer=True, positive=True)
    caps = [sp.Min(n0, n1), sp.Min(n0, n1, n2), sp.Min(n0, n1, n2, n3)]
    doc.result("montufar,L=3", sp.Mul(*[zaslavsky_sum(n, c) for n, c in zip((n1, n2, n3), caps)]),
               r"Montufar's bound in general, shown for three layers ($d_l = \min(n_0, n_1, \dots, n_l)$):",
               lhs=r"R_{\rm Mont}(n_0; n_1, n_2, n_3)")
    doc.references = [r"T. Serra, C. Tjandraatmadja, S. Ramalingam, Bounding and counting linear regions of deep "
                      r"neural networks, ICML 2018, Thm 1.",
                      r"G. Montufar, Notes on the number of linear regions of deep neural networks, SampTA 2017."]


def _fold_symbols(point, betti: int) -> dict:
    """Symbols of the three-layer construction counts: p_l = floor(n_l/n_0) folds, n_L, n_0."""
    d, (w1, w2, last) = point["input_dim"], point["widths"]
    if betti:
        return {"p_1": w1 // d, "p_2": w2 // d}
    return {"n_0": d, "p_1": w1 // d, "p_2": w2 // d, "n_L": last}


@derivation("regions-lower-constructions", title="Counting the regions of Montufar's and Serra's lower-bound constructions",
            results=(
                Result("serra", "linear-regions-lower-serra", symbols=lambda p: _fold_symbols(p, 0),
                       points=({"input_dim": 1, "widths": (3, 5, 4)}, {"input_dim": 2, "widths": (6, 7, 3)},
                               {"input_dim": 3, "widths": (9, 12, 5)})),
                Result("serra", "linear-regions-lower", symbols=lambda p: _fold_symbols(p, 0),
                       points=({"input_dim": 2, "widths": (6, 6, 3)}, {"input_dim": 3, "widths": (9, 12, 5)})),
                Result("montufar", "linear-regions-lower-montufar", symbols=lambda p: _fold_symbols(p, 0),
                       points=({"input_dim": 1, "widths": (3, 5, 4)}, {"input_dim": 2, "widths": (4, 4, 3)},
                               {"input_dim": 3, "widths": (9, 12, 5)})),
                Result("montufar", "linear-regions-lower", symbols=lambda p: _fold_symbols(p, 0),
                       points=({"input_dim": 2, "widths": (4, 4, 3)}, {"input_dim": 2, "widths": (5, 2, 3)})),
                Result("betti", "betti-relu-lower", symbols=lambda p: _fold_symbols({"input_dim": 2, **p}, 1),
                       points=({"widths": (6, 8, 4)}, {"widths": (10, 6, 7), "betti": "b1"})),
            ),
            citation="Montufar, Pascanu, Cho & Bengio (2014); Serra, Tjandraatmadja & Ramalingam (2018)")
def _constructions(doc):
    k, i = sp.symbols("k i", integer=True, positive=True)
    m = sp.Symbol("m", integer=True, positive=True)
    w = sp.Symbol("w", positive=True)
    n0 = sp.Symbol("n_0", integer=True, positive=True)
    p1, p2, nL = sp.symbols("p_1 p_2 n_L", integer=True, positive=True)
    doc.abstract = (r"Both constructions fold the unit cube onto itself in every hidden layer but the last, one "
                    r"coordinate at a time, and end with a hyperplane arrangement in general position. Counting "
                    r"gives $\prod_{l<L} f_l^{n_0}\sum_{j\le n_0}\binom{n_L}{j}$ regions in the cube, with "
                    r"$f_l = \lfloor n_l/n_0\rfloor$ folds (Montufar et al.) or $\lfloor n_l/n_0\rfloor + 1$ (Serra et al.).")
    doc.assume(r"Each of the first $L-1$ layers gives each input coordinate $p_l = \lfloor n_l/n_0\rfloor$ units; "
               r"spare units get zero weights and bias $-1$ (never active, no boundaries).")
    doc.say(r"Montufar's fold with $k$ units $h_i = \mathrm{relu}(y - i/k)$, $i = 0..k-1$, and "
            r"$g = k h_0 + \sum_{i\ge1} 2k(-1)^i h_i$ has on $[i/k, (i+1)/k]$ the slope "
            r"$k + \sum_{m=1}^{i} 2k(-1)^m$:")
    doc.equal(k + sp.Sum(2 * k * (-1) ** m, (m, 1, i)), k * (-1) ** i,
              r"so the slopes alternate $\pm k$ and every piece of width $1/k$ is mapped onto $[0,1]$.",
              ranges={k: (1, 20), i: (1, 20)}, numeric_only=True)
    doc.say(r"Serra's fold with $k \ge 3$ units: pieces of widths $w/2, w, \dots, w$ ($k+1$ pieces) with slopes "
            r"$p_0 = 2/w$ and $p_i = (-1)^i/w$; unit 3 is $\mathrm{relu}(B_3 - y)$, pointing left, the others "
            r"$\mathrm{relu}(y - B_i)$. The widths fill $[0,1]$:")
    doc.equal(sp.Subs(w / 2 + k * w, w, 2 / (2 * k + 1)), sp.Integer(1), r"with $w = 2/(2k+1)$ the $k+1$ pieces fill $[0,1]$,")
    doc.equal(sp.Mul(sp.Abs(2 / w), w / 2, evaluate=False), sp.Integer(1),
              r"and each piece rises or falls by exactly one (slope times width), so each is mapped onto $[0,1]$.")
    doc.say(r"A right-pointing unit at $B_i$ changes the slope by its coefficient (free); the left unit, active on "
            r"the first three pieces with coefficient $a$, contributes $-a$ to $p_0$ (where it is the only active "
            r"unit) and changes the slope by $+a = -p_0$ at $B_3$. Consistency of the alternating slopes:")
    doc.equal(sp.Integer(-1) ** 3 / w - sp.Integer(1) ** 2 / w, -(2 / w), r"$p_3 - p_2 = -p_0$ holds.",
              lhs_tex=r"p_3 - p_2 = \frac{(-1)^3}{w} - \frac{(-1)^2}{w}")
    doc.say(r"More generally the change at the left unit's breakpoint $B_m$ has sign $(-1)^m \mathrm{sign}(p_0)$ "
            r"and must equal $-p_0$, so $m$ is odd, and $m = 1$ would make $p_1 = 0$; hence $m \ge 3$ and $k \ge 3$ "
            r"units per coordinate: Serra et al.'s condition $n_l \ge 3 n_0$. With fewer units, all units point "
            r"right and the region left of the first breakpoint is wasted (Montufar's $k$ pieces).")
    doc.say(r"Counting. The folds of one layer act coordinatewise, so the cube is cut into $f^{n_0}$ boxes, each "
            r"mapped affinely onto the whole cube; composing $L-1$ layers gives $\prod_{l<L} f_l^{n_0}$ boxes, each "
            r"mapped onto the cube. The last layer's $n_L$ hyperplanes are in general position with every vertex "
            r"inside the cube, so all $\sum_{j\le n_0}\binom{n_L}{j}$ of their regions meet the cube (regions-zaslavsky), "
            r"and their preimages in different boxes are different regions (different activation patterns below).")
    serra = (p1 + 1) ** n0 * (p2 + 1) ** n0 * zaslavsky_sum(nL, n0)
    montufar = p1 ** n0 * p2 ** n0 * zaslavsky_sum(nL, n0)
    doc.equal(serra / montufar, ((p1 + 1) * (p2 + 1) / (p1 * p2)) ** n0,
              r"For $L = 3$: the ratio of the two counts is $\prod_l (1 + 1/p_l)^{n_0}$.",
              ranges={p1: (1, 20), p2: (1, 20), n0: (1, 5), nL: (1, 20)}, numeric_only=True)
    doc.result("serra", serra, r"Serra et al.'s construction, $L = 3$, $p_l = \lfloor n_l/n_0\rfloor \ge 3$:",
               lhs=r"R_{\rm Serra}")
    doc.result("montufar", montufar, r"Montufar et al.'s construction, $L = 3$, $p_l = \lfloor n_l/n_0\rfloor \ge 1$:",
               lhs=r"R_{\rm Mont}")
    doc.say(r"Topology (betti-relu-lower, $n_0 = 2$). Replace the last layer by the four units "
            r"$\mathrm{relu}(y_d \mp 1/2)$, which give $|y_d - 1/2| = 2\,\mathrm{relu}(y_d - 1/2) - \mathrm{relu}(y_d + 1/2) + 1$ "
            r"on the square's image, and output $f = 1/4 - |y_1 - 1/2| - |y_2 - 1/2|$: $\{f \ge 0\}$ is one diamond "
            r"strictly inside each of the $\prod_{l<L}(p_l + 1)^2$ boxes, so $b_0$ equals the number of boxes, and for $-f$ "
            r"the square minus the diamonds has $b_0 = 1$ and that many holes.")
    u = sp.Symbol("u", real=True)
    doc.equal(2 * sp.Max(u, 0) - sp.Max(u + 1, 0) + 1, sp.Abs(u),
              r"The identity used for $|u|$, $u = y_d - 1/2 \in [-1/2, 1/2]$:", ranges={u: (sp.Rational(-1, 2), sp.Rational(1, 2))},
              numeric_only=True)
    doc.result("betti", ((p1 + 1) * (p2 + 1)) ** 2, r"$b_0$ (and $b_1$ for $-f$) of the diamond construction, $L = 3$:",
               lhs=r"b_0(\{f \ge 0\})")
    doc.say(r"The checks regions-serra-construction and regions-montufar-construction build these networks for "
            r"$n_0 \in \{1, 2\}$ and count their regions in the cube exactly; the counts equal these formulas.")
    doc.references = [r"G. Montufar, R. Pascanu, K. Cho, Y. Bengio, On the number of linear regions of deep neural "
                      r"networks, NeurIPS 2014, Sec. 4.",
                      r"T. Serra, C. Tjandraatmadja, S. Ramalingam, Bounding and counting linear regions of deep "
                      r"neural networks, ICML 2018, Sec. 5.",
                      r"M. Bianchini, F. Scarselli, On the complexity of neural network classifiers: a comparison between "
                      r"shallow and deep architectures, IEEE TNNLS 25 (2014) 1553--1565 (the Betti-number lower bound)."]


def _density_symbols(point, radius: bool) -> dict:
    """Symbols of the three-layer density results (fewer layers: zero widths), r where it appears."""
    out = {"n_0": point["input_dim"], "sigma_b": point["sigma_b"], **_widths_symbols(point, "n_{}", 3)}
    return {**out, "r": point["radius"]} if radius else out


@derivation("regions-density", title="Expected region boundaries along a line at initialisation (wide limit and a bound)",
            results=(
                Result("density", "expected-regions-density", symbols=lambda p: _density_symbols(p, True),
                       points=({"input_dim": 2, "widths": (16, 16, 16), "sigma_b": 1.0, "radius": 1.0},
                               {"input_dim": 3, "widths": (10,), "sigma_b": 0.7, "radius": 1.3},
                               {"input_dim": 2, "widths": (5, 7), "sigma_b": 1.2, "radius": 0.8})),
                Result("density0", "expected-regions-density", symbols=lambda p: _density_symbols(p, False),
                       points=({"input_dim": 2, "widths": (8, 8), "sigma_b": 1.0, "radius": 0.0},
                               {"input_dim": 3, "widths": (4, 6, 2), "sigma_b": 0.9, "radius": 0.0})),
                Result("bound", "expected-regions-density-bound",
                       symbols=lambda p: {"N": sum(p["widths"]), "n_0": p["input_dim"], "sigma_b": p["sigma_b"]},
                       points=({"input_dim": 2, "widths": (8, 8, 8), "sigma_b": 1.0},
                               {"input_dim": 3, "widths": (4, 6), "sigma_b": 0.9},
                               {"input_dim": 1, "widths": (6, 6, 6, 6, 6), "sigma_b": 0.3})),
            ),
            citation="Hanin & Rolnick (2019); Kac (1943), Rice (1945)")
def _density(doc):
    S, Sp, sb, r, t = sp.symbols("S S' sigma_b r t", positive=True)
    rho = sp.Symbol("rho", real=True)
    z = sp.Symbol("z", real=True)
    n0, l = sp.symbols("n_0 l", integer=True, positive=True)
    doc.abstract = (r"For a ReLU network at He initialisation ($W_{ij}\sim N(0, 2/n_{l-1})$, $b_i\sim N(0,\sigma_b^2)$) "
                    r"we compute the expected number of region boundaries crossed by the segment $[-r u, r u]$, "
                    r"$|u| = 1$, in the wide limit, and a bound valid at every width.")
    doc.assume(r"A boundary is a point where some unit's pre-activation $z(t)$ changes sign; along the line, "
               r"conditionally on the layers below, $(z(t), z'(t))$ is a centred Gaussian pair with variances "
               r"$S, S'$ and covariance $C = \rho\sqrt{S S'}$, $|\rho| < 1$.")
    C = rho * sp.sqrt(S * Sp)
    phi0 = 1 / sp.sqrt(2 * sp.pi * S)
    e_abs = sp.sqrt(2 / sp.pi) * sp.sqrt(Sp - C**2 / S)
    doc.equal(2 * sp.Integral(z * sp.exp(-z**2 / 2), (z, 0, sp.oo)) / sp.sqrt(2 * sp.pi), sp.sqrt(2 / sp.pi),
              r"Gaussian identity $E|Z| = 2\int_0^\infty z\,\varphi(z)\,dz = \sqrt{2/\pi}$ for $Z\sim N(0,1)$.")
    rate = sp.sqrt(S * Sp - C**2) / (sp.pi * S)
    doc.equal(phi0 * e_abs, rate,
              r"Kac--Rice: the rate of zeros is $p_{z}(0)\,E[|z'|\mid z = 0]$ with $z' \mid z=0 \sim N(0, S' - C^2/S)$.",
              ranges={rho: (-0.99, 0.99)})
    doc.equal(sp.Integral(z**2 * sp.exp(-z**2 / (2 * S)), (z, 0, sp.oo)) / sp.sqrt(2 * sp.pi * S), S / 2,
              r"$E[\mathrm{relu}(z)^2] = S/2$; likewise $E[z z' 1_{z>0}] = C/2$ and $E[z'^2 1_{z>0}] = S'/2$ by the "
              r"symmetry $(z, z') \to (-z, -z')$ of the centred pair.")
    doc.say(r"Wide limit. With $n_l \to \infty$ the empirical averages over the $n_{l-1}$ units below converge, so "
            r"$S_l = 2\cdot S_{l-1}/2 + \sigma_b^2$, $S'_l = S'_{l-1}$, $C_l = C_{l-1}$, from $S_1 = 2|x|^2/n_0 + \sigma_b^2$, "
            r"$S' = 2/n_0$, $C = 2 x\cdot u/n_0$. On the line $x = t u$: $S_l = 2t^2/n_0 + l\sigma_b^2$, $C = 2t/n_0$.")
    Sl = 2 * t**2 / n0 + l * sb**2
    doc.equal(Sl * (2 / n0) - (2 * t / n0) ** 2, 2 * l * sb**2 / n0, r"The Gram determinant on the line is constant:")
    rate_l = sp.sqrt(2 * l * sb**2 / n0) / (sp.pi * Sl)
    count_l = 2 / sp.pi * sp.atan(r * sp.sqrt(2 / (n0 * l)) / sb)
    F = sp.atan(t * sp.sqrt(2 / (n0 * l)) / sb) / sp.pi
    doc.equal(sp.Derivative(F, t), rate_l,
              r"An antiderivative of the rate of one unit of layer $l$ along the line is "
              r"$F(t) = \frac{1}{\pi}\arctan\big(t\sqrt{2/(n_0 l)}/\sigma_b\big)$:")
    doc.equal(F.subs(t, r) - F.subs(t, -r), count_l, lhs_tex="F(r) - F(-r)", text=
              r"so the expected number of boundaries of one unit of layer $l$ on $[-r, r]$ is $F(r) - F(-r)$ (exact "
              r"for $l = 1$ at any width: the crossing point $-b/(w\cdot u)$ is Cauchy):")
    doc.equal(sp.Limit(count_l / (2 * r), r, 0), sp.sqrt(2 / (n0 * l)) / (sp.pi * sb),
              r"and the density at the origin ($r \to 0$):", ranges={l: (1, 8), n0: (1, 8)})
    bound = sp.sqrt(2 / n0) / (sp.sqrt(2 * sp.pi) * sb)
    doc.say(r"Bound at every width (Hanin \& Rolnick's argument, $k = 1$): conditionally on all but the unit's bias, "
            r"$z(t) = a(t) + b$ and $E_b\#\{t: a(t) + b = 0\} \le \sup p_b \int |a'(t)|\,dt$ (coarea); "
            r"$\sup p_b = 1/(\sqrt{2\pi}\sigma_b)$, and $E[a'^2] = 2/n_0$ exactly at every layer (each unit is "
            r"active with probability $1/2$ independently of $|a'|$, by the same symmetry), so $E|a'| \le \sqrt{2/n_0}$.")
    doc.equal(sp.sqrt(2 / (n0 * 1)) / (sp.pi * sb) / bound, sp.sqrt(2 / sp.pi),
              lhs_tex=r"\frac{\sqrt{2/n_0}/(\pi\sigma_b)}{\sqrt{2/n_0}/(\sqrt{2\pi}\,\sigma_b)}", text=
              r"At $l = 1$ the wide-limit density at the origin is $\sqrt{2/\pi}$ times the bound (the bound is not tight).")
    doc.say(r"Summing over the units of the layers gives the quantity: $\frac{1}{2r}\sum_l n_l\,\frac{2}{\pi}"
            r"\arctan\big(r\sqrt{2/(n_0 l)}/\sigma_b\big)$ boundaries per unit length on $[-ru, ru]$, "
            r"$\frac{1}{\pi\sigma_b}\sum_l n_l\sqrt{2/(n_0 l)}$ at the origin, and at most "
            r"$N\sqrt{2/n_0}/(\sqrt{2\pi}\sigma_b)$ for $N = \sum_l n_l$ neurons. Shown for three layers "
            r"(fewer layers: $n_l = 0$ for the missing ones).")
    widths = sp.symbols("n_1 n_2 n_3", integer=True, nonnegative=True)
    N = sp.Symbol("N", integer=True, positive=True)
    doc.result("density", sp.Add(*[n * count_l.subs(l, k) for k, n in enumerate(widths, 1)]) / (2 * r),
               r"Expected boundaries per unit length on $[-ru, ru]$, three layers (wide limit):", lhs=r"\rho(r)",
               rhs_tex=r"\frac{1}{2r}\left(" + latex(sp.Add(*[n * count_l.subs(l, k) for k, n in enumerate(widths, 1)]))
               + r"\right)")
    doc.result("density0", sp.Add(*[n * sp.sqrt(2 / (n0 * k)) for k, n in enumerate(widths, 1)]) / (sp.pi * sb),
               r"Its limit $r \to 0$, the density at the origin:", lhs=r"\rho(0)",
               rhs_tex=r"\frac{1}{\pi\sigma_b}\left(" + latex(sp.Add(*[n * sp.sqrt(2 / (n0 * k)) for k, n in enumerate(widths, 1)]))
               + r"\right)")
    doc.result("bound", N * bound, r"Upper bound on the density of $N$ neurons in any layers, at any width:",
               lhs=r"\rho_{\max}")
    doc.references = [r"B. Hanin, D. Rolnick, Complexity of linear regions in deep networks, ICML 2019, Thm 1.",
                      r"M. Kac, On the average number of real roots of a random algebraic equation, Bull. AMS 49 (1943); "
                      r"S. O. Rice, Mathematical analysis of random noise, Bell Syst. Tech. J. 24 (1945)."]


@derivation("regions-betti", title="Bounds on the Betti numbers of decision regions (polynomial and ReLU networks)",
            results=(
                Result("polynomial", "betti-bound",
                       symbols=lambda p: {"r": p["degree"], "L": len(p["widths"]), "n_0": p["input_dim"]},
                       points=({"activation": "polynomial", "input_dim": 2, "widths": (5,), "degree": 2},
                               {"activation": "polynomial", "input_dim": 3, "widths": (4, 4), "degree": 3},
                               {"activation": "polynomial", "input_dim": 1, "widths": (3, 3, 3), "degree": 2},
                               {"activation": "polynomial", "input_dim": 1, "widths": (7,), "degree": 3})),
                Result("relu", "betti-bound", symbols=lambda p: {"R": serra_upper(2, p["widths"])},
                       points=({"activation": "relu", "input_dim": 2, "widths": (4, 3)},
                               {"activation": "relu", "input_dim": 2, "widths": (6, 6, 3)})),
            ),
            citation="Bianchini & Scarselli (2014), Table I; Milnor (1964), Thm 3")
def _betti(doc):
    r, L, n0, d = sp.symbols("r L n_0 d", integer=True, positive=True)
    x, R = sp.symbols("x R", positive=True)
    doc.abstract = (r"Sum of the Betti numbers of the positive set of a one-output network: for polynomial activations "
                    r"from Milnor's bound on semialgebraic sets (Bianchini \& Scarselli's Table I rows), for ReLU on "
                    r"planar inputs from the convexity of the linear regions.")
    doc.assume(r"Polynomial activation of degree $r$; $L$ hidden layers; $n_0$ inputs. ReLU: $n_0 = 2$, $R$ regions.")
    a = sp.symbols("a0:4")
    p = a[3] * x**3 + a[2] * x**2 + a[1] * x + a[0]
    doc.equal(sp.Poly(p.subs(x, p), x).degree(), 9, lhs_tex=r"\deg p(p(x))", text=
              r"The network output is a polynomial of degree $r^L$ in the inputs: composing a degree-$r$ polynomial "
              r"with itself multiplies degrees (shown for $r = 3$, $L = 2$: the leading coefficient $a_3^4 \ne 0$).")
    milnor = sp.Rational(1, 2) * (2 + d) * (1 + d) ** (n0 - 1)
    doc.say(r"Milnor (1964, Thm 3): the set $\{x\in\mathbb{R}^{n_0}: p(x) \ge 0\}$ of a polynomial of degree $d$ has "
            r"sum of Betti numbers at most $\frac12(2 + d)(1 + d)^{n_0 - 1}$ (cited, not re-derived here).")
    doc.equal(sp.Subs(milnor, n0, 1), d / 2 + 1,
              r"Sanity check at $n_0 = 1$: a degree-$d$ polynomial has at most $d$ roots, so at most $\lfloor d/2\rfloor + 1$ "
              r"intervals where it is $\ge 0$, consistent with the bound.")
    result = milnor.subs(d, r**L)
    doc.say(r"ReLU, $n_0 = 2$: on each of the $R$ regions the output is affine and the region is convex, so "
            r"$\{f \ge 0\}$ is a union of at most $R$ convex pieces and so is its complement; each component contains "
            r"a piece, hence $b_0 \le R$ and $b_1$ (bounded components of the complement, Alexander duality) $\le R$; "
            r"planar sets have no higher Betti numbers. With $R \le$ linear-regions-upper:")
    doc.result("polynomial", sp.floor(result),
               r"Polynomial activation of degree $r$, $L$ layers (rounded down: Betti numbers are integers):",
               lhs=r"\textstyle\sum_i b_i(\{f \ge 0\})")
    doc.result("relu", 2 * R, r"ReLU, two inputs, at most $R$ regions ($R$ = linear-regions-upper):",
               lhs=r"\textstyle\sum_i b_i(\{f \ge 0\})")
    doc.references = [r"M. Bianchini, F. Scarselli, On the complexity of neural network classifiers: a comparison between "
                      r"shallow and deep architectures, IEEE TNNLS 25 (2014) 1553--1565, Table I.",
                      r"J. Milnor, On the Betti numbers of real varieties, Proc. AMS 15 (1964) 275--280, Thm 3.",
                      r"T. Serra, C. Tjandraatmadja, S. Ramalingam, Bounding and counting linear regions of deep "
                      r"neural networks, ICML 2018, Thm 1 (the region count $R$)."]


_TRAJECTORY = {"k": "width", "sigma_w": "sigma_w", "sigma_b": "sigma_b"}


@derivation("regions-trajectory-growth", title="Raghu et al.'s trajectory-length base: the constant its proof drops, "
                                               "the corrected base and the wide-network growth",
            results=(
                Result("paper-hardtanh", "trajectory-growth", symbols=_TRAJECTORY,
                       points=({"width": 32, "sigma_w": 4.0, "sigma_b": 0.0, "activation": "hardtanh", "form": "paper"},
                               {"width": 5, "sigma_w": 0.7, "sigma_b": 1.3, "activation": "hardtanh", "form": "paper"})),
                Result("paper-relu", "trajectory-growth", symbols={"k": "width", "sigma_w": "sigma_w"},
                       points=({"width": 9, "sigma_w": 2.0, "sigma_b": 0.0, "activation": "relu", "form": "paper"},
                               {"width": 32, "sigma_w": 1.5, "sigma_b": 0.5, "activation": "relu", "form": "paper"})),
                Result("corrected-hardtanh", "trajectory-growth", symbols=_TRAJECTORY,
                       points=({"width": 32, "sigma_w": 4.0, "sigma_b": 0.0, "activation": "hardtanh"},
                               {"width": 5, "sigma_w": 0.7, "sigma_b": 1.3, "activation": "hardtanh"},
                               {"width": 1000, "sigma_w": 2.0, "sigma_b": 0.5, "activation": "hardtanh"})),
                Result("corrected-relu", "trajectory-growth", symbols={"k": "width", "sigma_w": "sigma_w"},
                       points=({"width": 32, "sigma_w": 1.4142135623730951, "sigma_b": 0.0, "activation": "relu"},
                               {"width": 9, "sigma_w": 2.0, "sigma_b": 1.0, "activation": "relu"})),
                Result("wide-hardtanh", "trajectory-growth-wide",
                       symbols=lambda p: {"sigma_w": p["sigma_w"], "q^*": hardtanh_fixed_point(p["sigma_w"], p["sigma_b"])},
                       points=({"sigma_w": 4.0, "sigma_b": 0.0, "activation": "hardtanh"},
                               {"sigma_w": 1.2, "sigma_b": 0.3, "activation": "hardtanh"},
                               {"sigma_w": 20.0, "sigma_b": 3.0, "activation": "hardtanh"})),
                Result("wide-relu", "trajectory-growth-wide", symbols={"sigma_w": "sigma_w"},
                       points=({"sigma_w": 3.0, "sigma_b": 1.0, "activation": "relu"},
                               {"sigma_w": 1.4142135623730951, "sigma_b": 0.0, "activation": "relu"})),
            ),
            citation="Raghu, Poole, Kleinberg, Ganguli & Sohl-Dickstein (2017), Thm 1; Poole et al. (2016), chi1")
def _trajectory(doc):
    k = sp.Symbol("k", integer=True, positive=True)
    sw = sp.Symbol("sigma_w", positive=True)
    sb = sp.Symbol("sigma_b", nonnegative=True)
    p, q, x = sp.symbols("p q x", positive=True)
    s = sp.sqrt(sw**2 + sb**2)
    base = sw * sp.sqrt(k) / sp.sqrt(sw**2 + sb**2 + k * s)
    relu = sw * sp.sqrt(k) / sp.sqrt(k + 1)
    shape = sw * sp.sqrt(p) * sp.sqrt(k * p / (k * p + 1))
    doc.abstract = (r"Raghu et al. (2017, Thm 1) bound the expected arc length of the image of a one-dimensional "
                    r"trajectory at depth $d$ of a random width-$k$ network ($W \sim N(0, \sigma_w^2/k)$, "
                    r"$b \sim N(0, \sigma_b^2)$) from below by $O(B^d)$ times its input length. Both published bases "
                    r"are $\sigma_w\sqrt{p}\sqrt{kp/(kp+1)}$ with the probability $p$ that a unit is in its linear piece "
                    r"replaced by $1/s$ (hard-tanh) and $1$ (ReLU); the true $p$ is smaller by a constant factor, which "
                    r"raised to the power $d$ no $O(\cdot)$ can absorb. We restore it and give the wide-network growth.")
    doc.assume(r"Width $k \ge 1$, $\sigma_w > 0$, $\sigma_b \ge 0$, $s = \sqrt{\sigma_w^2 + \sigma_b^2}$; a pre-activation "
               r"is $h \sim N(0, q)$ with $q = \sigma_w^2 |z|^2/k + \sigma_b^2 \le s^2$ for hard-tanh ($|z_i| \le 1$).")
    doc.equal(base, sw / sp.sqrt(s) * sp.sqrt(k) / sp.sqrt(s + k),
              r"The hard-tanh base as in the ICML statement equals the ICLR submission's "
              r"$\frac{\sigma_w}{(\sigma_w^2+\sigma_b^2)^{1/4}}\frac{\sqrt{k}}{\sqrt{\sqrt{\sigma_w^2+\sigma_b^2}+k}}$:")
    doc.equal(sp.Subs(shape, p, 1 / s), base,
              r"It is $\sigma_w\sqrt{p}\sqrt{kp/(kp+1)}$ (the mean norm of $\sigma_w/\sqrt{k}$ times a $\chi$ variable "
              r"with $\approx kp$ degrees of freedom) at $p = 1/s$,")
    doc.equal(sp.Subs(shape, p, 1), relu, r"and the ReLU base (a) is the same expression at $p = 1$.")
    density = sp.exp(-x**2 / (2 * q)) / sp.sqrt(2 * sp.pi * q)
    a = 1 / sp.sqrt(2 * q)
    p_ht = doc.equal(sp.Integral(density, (x, -1, 1)), sp.erf(a),
                     r"But a hard-tanh unit is linear with probability $P(|h| < 1)$:")
    doc.equal(sp.Integral(x**2 * density, (x, -1, 1)) + 2 * sp.Integral(density, (x, 1, sp.oo)),
              q * sp.erf(a) - sp.sqrt(2 * q / sp.pi) * sp.exp(-a**2) + sp.erfc(a),
              r"(and $E[\mathrm{hardtanh}(h)^2]$, for the length map below, is)")
    doc.equal(sp.Limit(sp.sqrt(q) * p_ht, q, sp.oo), sp.sqrt(2 / sp.pi),
              r"so for large $q$, $p \approx \sqrt{2/\pi}/\sqrt{q}$, not $1/\sqrt{q}$; a ReLU unit is linear with "
              r"probability $1/2$, not $1$. Since $q \le s^2$ and $p$ decreases in $q$, the corrected base takes "
              r"$p = \mathrm{erf}(1/(\sqrt{2}s))$ (hard-tanh), $p = 1/2$ (ReLU).")
    corrected = shape.subs(p, sp.erf(1 / (sp.sqrt(2) * s)))
    doc.equal(sp.Limit(sp.sqrt(x * sp.erf(1 / (sp.sqrt(2) * x))), x, sp.oo), (2 / sp.pi) ** sp.Rational(1, 4),
              r"At large $k$ the ratio corrected/published is $\sqrt{s\,\mathrm{erf}(1/(\sqrt{2}s))}$, which tends to "
              r"$(2/\pi)^{1/4} \approx 0.89$ as $s \to \infty$: the published base is not tight there, it is too "
              r"large by this factor per layer.")
    he = shape.subs({p: sp.Rational(1, 2), sw: sp.sqrt(2)})
    doc.equal(sp.Subs(shape**2, (p, sw), (sp.Rational(1, 2), sp.sqrt(2))), k / (k + 2),
              r"ReLU at He initialisation ($\sigma_w^2 = 2$): the corrected base is $\sqrt{k/(k+2)} < 1$, the "
              r"published $\sqrt{2k/(k+1)} > 1$; the expected length indeed does not grow (Hanin, Jeong \& Rolnick 2022).")
    doc.say(r"Wide networks (Poole et al. 2016): $|z(t)|^2/k \to q^*$, the fixed point of "
            r"$q = \sigma_w^2 E[\phi(h)^2] + \sigma_b^2$, along the trajectory, so $dz \perp z$, $W dz$ is independent "
            r"of $h$ and $|dz^{(d+1)}|^2 = \chi_1 |dz^{(d)}|^2$ with $\chi_1 = \sigma_w^2 E[\phi'(h)^2]$; $|dz|$ "
            r"concentrates, so $E[l]$ grows by $\sqrt{\chi_1}$ per layer (asymptotic in $k$).")
    qs = sp.Symbol("q^*", positive=True)
    wide = sw * sp.sqrt(p_ht.subs(q, qs))
    doc.equal(sp.Limit(wide.subs(qs, s**2) / (sw / sp.sqrt(s)), sw, sp.oo), (2 / sp.pi) ** sp.Rational(1, 4),
              r"Hard-tanh: $\sqrt{\chi_1} = \sigma_w\sqrt{\mathrm{erf}(1/\sqrt{2q^*})}$; as $\sigma_w \to \infty$, "
              r"$q^* \to s^2$ and its ratio to the published base's large-$k$ limit $\sigma_w/\sqrt{s}$ tends to "
              r"$(2/\pi)^{1/4}$ (shown at $q^* = s^2$).")
    doc.result("paper-hardtanh", base, r"Published hard-tanh base (trajectory-growth form=paper):",
               lhs=r"B_{\rm paper}^{\rm hardtanh}")
    doc.result("paper-relu", relu, r"Published ReLU base (form=paper, activation=relu):", lhs=r"B_{\rm paper}^{\rm ReLU}")
    doc.result("corrected-hardtanh", corrected, r"Corrected hard-tanh base (form=corrected), a heuristic lower bound:",
               lhs=r"B_{\rm corr}^{\rm hardtanh}")
    doc.result("corrected-relu", shape.subs(p, sp.Rational(1, 2)), r"Corrected ReLU base:", lhs=r"B_{\rm corr}^{\rm ReLU}")
    doc.keep("hardtanh-second-moment", q * sp.erf(a) - sp.sqrt(2 * q / sp.pi) * sp.exp(-a**2) + sp.erfc(a))
    doc.result("wide-hardtanh", wide, r"Wide-network growth per layer, hard-tanh (trajectory-growth-wide):",
               lhs=r"\sqrt{\chi_1}\big|_{\rm hardtanh}")
    doc.result("wide-relu", sw / sp.sqrt(2), r"Wide-network growth per layer, ReLU:", lhs=r"\sqrt{\chi_1}\big|_{\rm ReLU}")
    doc.references = [r"M. Raghu, B. Poole, J. Kleinberg, S. Ganguli, J. Sohl-Dickstein, On the expressive power of deep "
                      r"neural networks, ICML 2017 (arXiv:1606.05336), Thm 1.",
                      r"B. Poole, S. Lahiri, M. Raghu, J. Sohl-Dickstein, S. Ganguli, Exponential expressivity in deep "
                      r"neural networks through transient chaos, NeurIPS 2016.",
                      r"B. Hanin, R. Jeong, D. Rolnick, Deep ReLU networks preserve expected length, ICLR 2022."]
