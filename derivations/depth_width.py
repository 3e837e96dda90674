"""Derivations for depth vs width: the multiplication gate, the product tree, the shallow
monomial count, Yarotsky's square and Telgarsky's sawtooth."""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from itertools import product as cartesian

import sympy as sp

from ._layout import latex
from ._document import Document, Result, derivation

LTR = ("H. W. Lin, M. Tegmark, D. Rolnick. Why does deep and cheap learning work so well? "
       "J. Stat. Phys. 168 (2017). arXiv:1608.08225.")
RT = ("D. Rolnick, M. Tegmark. The power of deeper networks for expressing natural functions. "
      "ICLR (2018). arXiv:1705.05502.")
YAROTSKY = ("D. Yarotsky. Error bounds for approximations with deep ReLU networks. "
            "Neural Networks 94 (2017). arXiv:1610.01145.")
TELGARSKY = "M. Telgarsky. Benefits of depth in neural networks. COLT (2016). arXiv:1602.04485."

u, v, x = sp.symbols("u v x", real=True)
lam = sp.Symbol("lambda", positive=True)
b = sp.Symbol("b", real=True)
a = sp.symbols("sigma_0:7", real=True)  # sigma^(k)(b), k = 0..6


def taylor(t, order: int = 6):
    """sum_{k<=order} sigma^(k)(b) t^k / k!: the activation about its bias."""
    return sum(a[k] * t**k / sp.factorial(k) for k in range(order + 1))


def gate(p, q, order: int = 6):
    """Eq. 11 of Lin, Tegmark & Rolnick with a bias: m(lam p, lam q)/lam^2 for a Taylor sigma."""
    s = lambda t: taylor(t, order)  # noqa: E731
    num = s(lam * (p + q)) + s(-lam * (p + q)) - s(lam * (p - q)) - s(-lam * (p - q))
    return sp.expand(num / (4 * a[2] * lam**2))


ACTIVATION_EXPRESSIONS = {
    "softplus": (sp.log(1 + sp.exp(x)), sp.Integer(0)),
    "exp": (sp.exp(x), sp.Integer(0)),
    "tanh": (sp.tanh(x), sp.atanh(1 / sp.sqrt(3))),
    "logistic": (1 / (1 + sp.exp(-x)), 2 * sp.atanh(1 / sp.sqrt(3))),
}


def _shift(name: str, bias):
    """The bias at which a result is evaluated: the point's, else the activation's default shift."""
    return ACTIVATION_EXPRESSIONS[name][1] if bias is None else sp.Float(bias, 30)


@lru_cache(maxsize=None)
def taylor_ratio_at(name: str, k: int, bias=None):
    """sigma_{k+2}/sigma_k (sigma_j = sigma^(j)(b)/j!) of an activation, by SymPy differentiation."""
    expr = ACTIVATION_EXPRESSIONS[name][0]
    ratio = (sp.diff(expr, x, k + 2) / sp.factorial(k + 2)) / (sp.diff(expr, x, k) / sp.factorial(k))
    value = ratio.subs(x, _shift(name, bias))
    return sp.nsimplify(sp.simplify(value)) if bias is None else sp.N(value, 30)


def _sigma_derivatives(point):
    """The second and fourth derivatives of the point's activation at its bias, by SymPy."""
    expr, b = ACTIVATION_EXPRESSIONS[point["sigma"]][0], _shift(point["sigma"], point.get("bias"))
    return {"sigma_2": sp.diff(expr, x, 2).subs(x, b), "sigma_4": sp.diff(expr, x, 4).subs(x, b)}


def _m2(point):
    m2 = point.get("m2")
    return sp.Rational(7, 12) if m2 is None else sp.nsimplify(Fraction(m2).limit_denominator(10**6))


def _tree_symbols(point):
    """c (the gate's coefficient 2 sigma_4/sigma_2 in Taylor coefficients) and m_2 of a point."""
    return {"c": 2 * taylor_ratio_at(point["sigma"], 2, point.get("bias")), "m_2": _m2(point)}


def _shallow_symbols(point):
    """rho = sigma_{n+2}/sigma_n, n and m_2 of a point."""
    return {"rho": taylor_ratio_at(point["sigma"], point["n"], point.get("bias")), "n": point["n"], "m_2": _m2(point)}


@derivation("gate-taylor", title="The multiplication gate and its leading error coefficient",
            results=(Result("c_general", "gate-error-coefficient", symbols=_sigma_derivatives,
                            points=({"sigma": "softplus"}, {"sigma": "tanh", "bias": 0.3},
                                    {"sigma": "logistic", "bias": 2.0}, {"sigma": "exp", "bias": 0.5})),
                     Result("c_softplus", "gate-error-coefficient", points=({"sigma": "softplus"},)),
                     Result("c_exp", "gate-error-coefficient", points=({"sigma": "exp"},)),
                     Result("c_tanh", "gate-error-coefficient", points=({"sigma": "tanh"},)),
                     Result("c_logistic", "gate-error-coefficient", points=({"sigma": "logistic"},)),
                     Result("c_softplus_of_b", "gate-error-coefficient", symbols={"b": "bias"},
                            points=({"sigma": "softplus", "bias": -1.2}, {"sigma": "softplus", "bias": 0.37})),
                     Result("c_exp_of_b", "gate-error-coefficient", points=({"sigma": "exp", "bias": 0.37},)),
                     Result("c_tanh_of_b", "gate-error-coefficient", symbols={"b": "bias"},
                            points=({"sigma": "tanh", "bias": 0.3}, {"sigma": "tanh", "bias": -0.8})),
                     Result("c_logistic_of_b", "gate-error-coefficient", symbols={"b": "bias"},
                            points=({"sigma": "logistic", "bias": 2.0}, {"sigma": "logistic", "bias": 0.37}))),
            citation="Lin, Tegmark & Rolnick (2017), Eq. 11")
def gate_taylor(doc: Document) -> None:
    doc.abstract = (r"Four neurons multiply two numbers: $m(u,v)=[\sigma(u+v)+\sigma(-u-v)-\sigma(u-v)-"
                    r"\sigma(-u+v)]/(4\sigma''(0))$. We expand the gate at scale $\lambda$ and find the "
                    r"coefficient $c_\sigma=\sigma''''/(6\sigma'')$ of its relative error "
                    r"$c_\sigma\lambda^2(u^2+v^2)$, then evaluate it for named activations.")
    doc.assume(r"$\sigma$ is smooth at its bias $b$, with $\sigma''(b)\neq0$; we write "
               r"$\sigma_k=\sigma^{(k)}(b)$ and keep its Taylor polynomial through degree 6 "
               r"(enough for the terms through $\lambda^4$ of the gate).")
    doc.assume(r"The gate's neurons compute $\sigma(\cdot+b)$; the inputs are scaled by $\lambda$ and the "
               r"output by $\lambda^{-2}$ (Lin, Tegmark \& Rolnick 2017, Eq. 11, with a bias shift for "
               r"activations with $\sigma''(0)=0$).")
    t = sp.Symbol("t", real=True)
    doc.equal(sp.Add(taylor(t), taylor(-t), evaluate=False),
              2 * (a[0] + a[2] * t**2 / 2 + a[4] * t**4 / 24 + a[6] * t**6 / 720),
              r"Odd Taylor terms cancel in $\sigma(t+b)+\sigma(-t+b)$:")
    m = gate(u, v)
    leading = u * v * (1 + a[4] / (6 * a[2]) * lam**2 * (u**2 + v**2))
    sixth = a[6] / (360 * a[2]) * lam**4 * u * v * (3 * u**4 + 10 * u**2 * v**2 + 3 * v**4)
    doc.equal(m, leading + sixth,
              r"Hence, with $(u+v)^{2j}-(u-v)^{2j}$ expanded, the gate at scale $\lambda$ is exactly "
              r"(through $\sigma_6$):", lhs_tex=r"\frac{m(\lambda u,\lambda v)}{\lambda^2}")
    doc.equal(sp.expand(leading / (u * v) - 1) / (lam**2 * (u**2 + v**2)), a[4] / (6 * a[2]),
              r"so the relative error is $c_\sigma\lambda^2(u^2+v^2)+O(\lambda^4)$ with")
    doc.result("c_general", a[4] / (6 * a[2]), r"The error coefficient at bias $b$:", lhs=r"c_\sigma")
    for name, (expr, shift) in ACTIVATION_EXPRESSIONS.items():
        d2 = sp.diff(expr, x, 2)
        d4 = sp.diff(expr, x, 4)
        general = sp.simplify(d4 / (6 * d2))
        doc.equal(sp.Derivative(expr, (x, 4)) / (6 * sp.Derivative(expr, (x, 2))), general,
                  rf"For {name}, $\sigma(x)={latex(expr)}$, at bias $x$:",
                  ranges={x: (sp.Rational(1, 5), 2)})
        value = sp.nsimplify(sp.simplify(general.subs(x, shift)))
        if shift != 0:
            doc.equal(sp.Subs(sp.Derivative(expr, (x, 3)), x, shift), 0,
                      rf"The default shift $b={latex(shift)}$ is where $|\sigma''|$ is largest "
                      rf"($\sigma'''(b)=0$):")
        doc.equal(sp.Subs(general, x, shift), value, rf"At $b={latex(shift)}$:")
        doc.result(f"c_{name}", value, rf"{name} ($b={latex(shift)}$):",
                   lhs=rf"c_{{\mathrm{{{name}}}}}\bigl({latex(shift)}\bigr)")
        doc.result(f"c_{name}_of_b", general.subs(x, b), rf"{name} at a general shift $b$:",
                   lhs=rf"c_{{\mathrm{{{name}}}}}(b)")
    doc.references = [LTR]


def tree_factors(n: int):
    """Inputs and each gate's two factors (tuples of inputs), pairing adjacent values level by
    level and carrying an odd last one up (as the theory module)."""
    xs = sp.symbols(f"x1:{n + 1}", real=True)
    nodes = [(xi,) for xi in xs]
    gates = []
    while len(nodes) > 1:
        gates += [(nodes[i], nodes[i + 1]) for i in range(0, len(nodes) - 1, 2)]
        nxt = [nodes[i] + nodes[i + 1] for i in range(0, len(nodes) - 1, 2)]
        nodes = nxt + ([nodes[-1]] if len(nodes) % 2 else [])
    return xs, gates


@derivation("product-tree", title="The product tree: neuron count and error propagation",
            results=(Result("neurons", "product-neurons-deep", symbols={"n": "n"}),
                     Result("tree_error_2", "product-tree-error", symbols=_tree_symbols,
                            points=({"sigma": "softplus", "n": 2}, {"sigma": "logistic", "n": 2})),
                     Result("tree_error_3", "product-tree-error", symbols=_tree_symbols,
                            points=({"sigma": "tanh", "n": 3}, {"sigma": "exp", "n": 3, "m2": 0.5})),
                     Result("tree_error_4", "product-tree-error", symbols=_tree_symbols,
                            points=({"sigma": "softplus", "n": 4}, {"sigma": "tanh", "n": 4, "bias": 0.3})),
                     Result("tree_error_5", "product-tree-error", symbols=_tree_symbols,
                            points=({"sigma": "tanh", "n": 5}, {"sigma": "logistic", "n": 5, "m2": 0.25}))),
            citation="Lin, Tegmark & Rolnick (2017), Sec. III")
def product_tree(doc: Document) -> None:
    doc.abstract = (r"A binary tree of multiplication gates multiplies $n$ numbers with $4(n-1)$ neurons. "
                    r"To leading order in the gate scale $\lambda$ the gates' relative errors add; for "
                    r"independent inputs with $E[x^2]=m_2$ the mean relative error is "
                    r"$c_\sigma\lambda^2\sum_g (m_2^{a_g}+m_2^{b_g})$.")
    doc.assume(r"Each gate is the four-neuron gate of the derivation \emph{gate-taylor}: "
               r"$M(u,v)=uv[1+c\lambda^2(u^2+v^2)]+O(\lambda^4)$.")
    doc.assume(r"The tree pairs adjacent values level by level and carries an odd last value up.")
    na, nb = sp.symbols("n_a n_b", positive=True, integer=True)
    doc.equal(4 * (na - 1) + 4 * (nb - 1) + 4, 4 * (na + nb - 1),
              lhs_tex=r"T(n_a) + T(n_b) + 4 = 4(n_a - 1) + 4(n_b - 1) + 4",
              text=
              r"Neurons: a gate joining subtrees of $n_a$ and $n_b$ inputs adds 4 to their counts, "
              r"so $T(n)=4(n-1)$ satisfies $T(n_a)+T(n_b)+4=T(n_a+n_b)$ with $T(1)=0$:")
    n_sym = sp.Symbol("n", positive=True, integer=True)
    doc.equal(sp.Subs(4 * (n_sym - 1), n_sym, 1), 0, r"and indeed $T(1)=0$ (a single input needs no gate).")
    doc.result("neurons", 4 * (n_sym - 1), r"Neurons of the tree for $n$ inputs ($n-1$ gates of four):", lhs="T(n)")
    c = sp.Symbol("c", real=True)
    m2 = sp.Symbol("m_2", positive=True)
    eps = sp.Symbol("epsilon", positive=True)  # stands for lambda^2
    M = lambda p, q: p * q * (1 + c * eps * (p**2 + q**2))  # noqa: E731
    for n in (2, 3, 4, 5):
        xs, gates = tree_factors(n)
        values = list(xs)
        while len(values) > 1:
            nxt = [M(values[i], values[i + 1]) for i in range(0, len(values) - 1, 2)]
            values = nxt + ([values[-1]] if len(values) % 2 else [])
        first_order = sp.expand(sp.diff(values[0], eps).subs(eps, 0) / sp.prod(xs))
        predicted = c * sum(sp.prod(left) ** 2 + sp.prod(right) ** 2 for left, right in gates)
        doc.equal(first_order, predicted, lhs_tex=r"\frac{1}{x_1\cdots x_{%d}}\frac{\partial M_{\rm tree}}{\partial\epsilon}"
                                                  r"\Big|_{\epsilon=0}" % n, text=
                  rf"$n={n}$: the coefficient of $\lambda^2$ in the tree's relative error is $c$ times "
                  rf"the sum over the {len(gates)} gates of the squared factors:")
        expectation = sp.expand(predicted).subs({xi**2: m2 for xi in xs})
        closed = c * sum(m2 ** len(left) + m2 ** len(right) for left, right in gates)
        doc.equal(expectation, closed, lhs_tex=r"\mathbb E\Bigl[" + latex(predicted) + r"\Bigr]", text=
                  rf"Each factor is a product of distinct independent inputs, so "
                  rf"$E[\prod_{{i\in S}} x_i^2]=m_2^{{|S|}}$; for $n={n}$:")
        doc.result(f"tree_error_{n}", closed, rf"$n={n}$ ($\epsilon = \lambda^2$):",
                   lhs=rf"\mathbb E[\delta_{{\rm rel}}]/\lambda^2\big|_{{n={n}}}")
    doc.references = [LTR]


@derivation("monomial-shallow-count", title="Shallow networks for monomials: the product-grid construction",
            results=(Result("neurons_1_1", "monomial-neurons-shallow", points=({"exponents": (1, 1)},)),
                     Result("neurons_2_1", "monomial-neurons-shallow", points=({"exponents": (2, 1)},)),
                     Result("neurons_1_1_1", "monomial-neurons-shallow", points=({"exponents": (1, 1, 1)},)),
                     Result("deep_one_power", "monomial-neurons-deep", symbols=lambda pt: {"r": pt["exponents"][0]},
                            points=({"exponents": (1,)}, {"exponents": (5,)}, {"exponents": (8,)})),
                     Result("deep_product", "monomial-neurons-deep", symbols=lambda pt: {"n": len(pt["exponents"])},
                            points=({"exponents": (1, 1, 1)}, {"exponents": (1,) * 6}))),
            citation="Rolnick & Tegmark (2018), Thm 4.2")
def monomial_shallow_count(doc: Document) -> None:
    doc.abstract = (r"A bias-free shallow network $f(x)=\sum_j \alpha_j\sigma(w_j\cdot x)$ matches the "
                    r"Taylor expansion of $x_1^{r_1}\cdots x_n^{r_n}$ through degree $d=\sum r_i$ iff "
                    r"$\sum_j\alpha_j(w_j\cdot x)^k=0$ for $k<d$ and $=x^r/\sigma_d$ for $k=d$. "
                    r"We verify that $\prod_i(r_i+1)$ neurons on a product grid of weights solve this "
                    r"system; Rolnick \& Tegmark (2018, Thm 4.2) prove no fewer can.")
    doc.assume(r"$\sigma$ has nonzero Taylor coefficients $\sigma_0,\dots,\sigma_d$; hidden units "
               r"have no biases (Rolnick \& Tegmark 2018).")
    doc.assume(r"The lower bound $m_1(x^r)\geq\prod_i(r_i+1)$ is taken from Rolnick \& Tegmark (2018), "
               r"Thm 4.2, and is not re-derived here; its proof shows a matrix with one row per "
               r"monomial $x^e$ dividing $x^r$ must have full row rank, and there are $\prod_i(r_i+1)$ "
               r"such monomials. \texttt{dltheory verify monomial-shallow-rank} tests it numerically.")
    doc.say(r"Construction: for each coordinate $i$ pick distinct nodes $t_{i,0},\dots,t_{i,r_i}$ and "
            r"solve the Vandermonde system $\sum_{l}\beta_{i,l}t_{i,l}^e=\delta_{e,r_i}$ for "
            r"$e=0,\dots,r_i$. Take one neuron per grid point $w=(t_{1,l_1},\dots,t_{n,l_n})$ with "
            r"$\alpha=\prod_i\beta_{i,l_i}$. In $\sum_j\alpha_j(w_j\cdot x)^k$ the coefficient of "
            r"$x^e$ ($|e|=k\le d$) is $\binom{k}{e}\prod_i\sum_l\beta_{i,l}t_{i,l}^{e_i}$, which "
            r"vanishes unless $e=r$: if $e\neq r$ and $|e|\le|r|$ then $e_i<r_i$ for some $i$, and that "
            r"factor is zero. Below, the nodes are symbols and the identities are checked for three "
            r"exponent vectors.")
    xs = sp.symbols("x1:4", real=True)
    for r in ((1, 1), (2, 1), (1, 1, 1)):
        n = len(r)
        nodes = [sp.symbols(f"t{i + 1}_0:{r[i] + 1}", real=True) for i in range(n)]
        betas = []
        for i in range(n):
            V = sp.Matrix(r[i] + 1, r[i] + 1, lambda e, l: nodes[i][l] ** e)
            rhs = sp.Matrix([0] * r[i] + [1])
            betas.append(list(V.LUsolve(rhs)))
        d = sum(r)
        target = sp.prod([xs[i] ** r[i] for i in range(n)])
        for k in range(d + 1):
            total = 0
            for ls in cartesian(*[range(ri + 1) for ri in r]):
                alpha = sp.prod([betas[i][ls[i]] for i in range(n)])
                w_dot_x = sum(nodes[i][ls[i]] * xs[i] for i in range(n))
                total += alpha * w_dot_x**k
            want = sp.factorial(d) / sp.prod([sp.factorial(ri) for ri in r]) * target if k == d else 0
            doc.equal(total, want,
                      rf"$r={r}$, degree $k={k}$: the {sp.prod([ri + 1 for ri in r])} grid neurons give",
                      numeric_only=True, lhs_tex=rf"\sum_j\alpha_j(w_j\cdot x)^{{{k}}}")
        doc.result(f"neurons_{'_'.join(map(str, r))}", sp.prod([ri + 1 for ri in r]),
                   rf"$r={r}$: $\prod_i(r_i+1)$ neurons:", lhs=rf"m_1\bigl({latex(target)}\bigr)")
    rr = sp.Symbol("r", positive=True, integer=True)
    doc.say(r"Deep bound (Rolnick \& Tegmark 2018, Thm 4.2(ii)): $x_i^{r_i}$ by repeated squaring uses at "
            r"most $7\lceil\log_2 r_i\rceil$ neurons (a 3-neuron square gate and a 4-neuron product gate "
            r"per binary digit), and the $n$ powers are multiplied by 4-neuron gates: "
            r"$\sum_i(7\lceil\log_2 r_i\rceil+4)$. A binary tree needs only $n-1$ of those gates.")
    nn = sp.Symbol("n", positive=True, integer=True)
    product_bound = doc.equal(sp.Sum(4, (rr, 1, nn)), 4 * nn,
                              r"For the product ($r_i=1$, $\lceil\log_2 1\rceil=0$) the bound is")
    doc.result("deep_one_power", 7 * sp.ceiling(sp.log(rr, 2)) + 4,
               r"Deep bound for one power $x^r$ ($n=1$):", lhs=r"m_{\rm deep}(x^r)")
    doc.result("deep_product", product_bound, r"and for the product of $n$ inputs ($r_i=1$):",
               lhs=r"m_{\rm deep}(x_1\cdots x_n)")
    doc.references = [RT, LTR]


@derivation("yarotsky-square", title="Yarotsky's sawtooth approximation of the square, and Telgarsky's pieces",
            results=(Result("sawtooth_pieces", "sawtooth-pieces", symbols={"s": "k"}),
                     Result("yarotsky_error", "yarotsky-square-error", symbols={"m": "m"})),
            citation="Yarotsky (2017), Prop. 2; Telgarsky (2016)")
def yarotsky_square(doc: Document) -> None:
    doc.abstract = (r"The tent map $g(x)=2\,\mathrm{relu}(x)-4\,\mathrm{relu}(x-1/2)$ composed $s$ times is "
                    r"a sawtooth $g_s$ with $2^s$ linear pieces; $f_m(x)=x-\sum_{s=1}^m g_s(x)/4^s$ is the "
                    r"piecewise-linear interpolant of $x^2$ at $j/2^m$, with sup error $2^{-2m-2}$.")
    doc.assume(r"$x\in[0,1]$; $\mathrm{relu}(t)=\max(t,0)$.")
    tent = 2 * sp.Max(x, 0) - 4 * sp.Max(x - sp.Rational(1, 2), 0)
    doc.equal(tent, 2 * x, r"On $[0,1/2]$ only the first unit is active:", ranges={x: (0, sp.Rational(1, 2))})
    doc.equal(tent, 2 - 2 * x, r"On $[1/2,1]$ both are:", ranges={x: (sp.Rational(1, 2), 1)})
    s = sp.Symbol("s", positive=True, integer=True)
    doc.equal(2 * 2 ** (s - 1), 2**s,
              r"$g$ maps each half of $[0,1]$ onto $[0,1]$, so $g_s=g\circ g_{s-1}$ has twice the pieces "
              r"of $g_{s-1}$: $P(s)=2P(s-1)$, $P(0)=1$, solved by $P(s)=2^s$:")
    doc.result("sawtooth_pieces", 2**s, r"Pieces of the $s$-fold composition:", lhs="P(s)")
    p, h = sp.symbols("p h", positive=True)
    mid = p + h / 2
    doc.equal((p**2 + (p + h) ** 2) / 2 - mid**2, h**2 / 4,
              r"Refinement: on an interval $[p,p+h]$ of level $m-1$ (so $h=2^{1-m}$) the interpolant of "
              r"$x^2$ exceeds $x^2$ at the midpoint by $h^2/4=4^{-m}$, where $g_m=1$; hence "
              r"$f_m=f_{m-1}-g_m/4^m$ (both sides are linear between level-$m$ nodes):")
    chord = p**2 + (2 * p + h) * (x - p)  # the interpolant of x^2 on [p, p + h]
    doc.equal(chord - x**2, (x - p) * (p + h - x),
              r"On $[p,p+h]$ the interpolation error is $f-x^2=(x-p)(p+h-x)$:")
    doc.equal(sp.Subs(sp.Derivative((x - p) * (p + h - x), x), x, mid), 0,
              r"which is concave with its maximum at the midpoint,")
    doc.equal(sp.Subs((x - p) * (p + h - x), x, mid), h**2 / 4, r"where it equals")
    m = sp.Symbol("m", nonnegative=True, integer=True)
    doc.equal(sp.Subs(h**2 / 4, h, 2**-m), 2 ** (-2 * m - 2), r"With $h=2^{-m}$:")
    doc.result("yarotsky_error", 2 ** (-2 * m - 2), r"The sup error of $f_m$:", lhs=r"\sup_{[0,1]}|x^2-f_m(x)|")
    doc.references = [YAROTSKY, TELGARSKY]


@derivation("product-shallow", title="The shallow product of n inputs and its leading error",
            results=(Result("coefficient", "product-shallow-error", symbols=_shallow_symbols),
                     Result("neurons", "product-neurons-shallow", symbols={"n": "n"})),
            citation="Lin, Tegmark & Rolnick (2017), App. A")
def product_shallow(doc: Document) -> None:
    doc.abstract = (r"With one hidden layer, $2^n$ neurons multiply $n$ inputs: "
                    r"$f(x)=\sum_{s\in\{\pm1\}^n}(\prod_i s_i)\,\sigma(\lambda s\cdot x+b)/(2^n n!\,\sigma_n\lambda^n)$. "
                    r"Summing over signs kills every monomial in which some $x_i$ has an even power; "
                    r"the first surviving correction gives the relative error "
                    r"$\lambda^2(\sigma_{n+2}/\sigma_n)\frac{(n+1)(n+2)}{6}\sum_i x_i^2$.")
    doc.assume(r"$\sigma_k=\sigma^{(k)}(b)/k!$ are the Taylor coefficients about the bias, with $\sigma_n\ne0$.")
    n_sym = sp.Symbol("n", positive=True, integer=True)
    for n in (2, 3, 4):
        xs = sp.symbols(f"x1:{n + 1}", real=True)
        prod_x = sp.prod(xs)
        for k in range(0, n + 3):
            total = sum(sp.prod(s) * sum(si * xi for si, xi in zip(s, xs)) ** k
                        for s in cartesian((1, -1), repeat=n))
            if k == n:
                want = 2**n * sp.factorial(n) * prod_x
            elif k == n + 2:
                want = 2**n * sp.factorial(n + 2) / 6 * prod_x * sum(xi**2 for xi in xs)
            else:
                want = sp.Integer(0)
            doc.equal(sp.expand(total), want, rf"$n={n}$, degree {k}:",
                      lhs_tex=rf"\sum_{{s}}\Big(\prod_i s_i\Big)(s\cdot x)^{{{k}}}")
    doc.say(r"In general only monomials with every exponent odd survive; at degree $n$ that is "
            r"$\prod_i x_i$ with multinomial $n!$, at degree $n+1$ none (parity), at degree $n+2$ one "
            r"$x_i^3$ times the others, with multinomial $(n+2)!/3!$.")
    doc.equal(sp.factorial(n_sym + 2) / (6 * sp.factorial(n_sym)), (n_sym + 1) * (n_sym + 2) / 6,
              r"Dividing by the degree-$n$ term $2^n n!\sigma_n\lambda^n\prod x$, the relative correction "
              r"is $\lambda^2(\sigma_{n+2}/\sigma_n)\sum_i x_i^2$ times")
    rho, m2 = sp.Symbol("rho", real=True), sp.Symbol("m_2", positive=True)
    doc.result("coefficient", rho * (n_sym + 1) * (n_sym + 2) / 6 * n_sym * m2,
               r"With $\rho=\sigma_{n+2}/\sigma_n$ and $E[x_i^2]=m_2$, the mean relative error per $\lambda^2$:",
               lhs=r"\mathbb E[\delta_{\rm rel}]/\lambda^2")
    for name in ("softplus", "exp", "tanh", "logistic"):
        expr, shift = ACTIVATION_EXPRESSIONS[name]
        for n in (2, 4):
            ratio = (sp.diff(expr, x, n + 2) / sp.factorial(n + 2)) / (sp.diff(expr, x, n) / sp.factorial(n))
            value = sp.nsimplify(sp.simplify(ratio.subs(x, shift)))
            shown = sp.Subs((sp.Derivative(expr, (x, n + 2)) / sp.factorial(n + 2))
                            / (sp.Derivative(expr, (x, n)) / sp.factorial(n)), x, shift)
            doc.equal(shown, value, rf"{name}, $n={n}$, $b={latex(shift)}$: $\rho=$", numeric_only=True)
            doc.keep(f"rho_{name}_{n}", value)
    doc.result("neurons", 2**n_sym, r"The network has one hidden neuron per sign pattern $s\in\{\pm1\}^n$:",
               lhs=r"m_{\rm shallow}(n)")
    doc.references = [LTR, RT]


@derivation("depth-k-product", title="Products at depth k: Rolnick and Tegmark's grouping count",
            results=(Result("equal_groups", "product-neurons-depth-k", relation=">=",
                            symbols=lambda pt: {"n": pt["n"], "q": round(pt["n"] ** (1 / pt["k"]))},
                            points=({"n": 8, "k": 3}, {"n": 27, "k": 3}, {"n": 16, "k": 2}, {"n": 64, "k": 6},
                                    {"n": 81, "k": 2})),),
            citation="Rolnick & Tegmark (2018), Thm 5.1")
def depth_k_product(doc: Document) -> None:
    doc.abstract = (r"Multiply $n$ inputs with $k$ hidden layers by grouping: layer $i$ multiplies the "
                    r"values left in groups of $b_i$ with shallow $2^{b_i}$-neuron products. With "
                    r"$n=b_1\cdots b_k$ the count is $\sum_i (n/b_1\cdots b_i)\,2^{b_i}$; for equal "
                    r"groups $b_i=q=n^{1/k}$ it is $2^q(n-1)/(q-1)$.")
    doc.assume(r"Each group of $b$ values is multiplied by the shallow product of the derivation "
               r"\emph{product-shallow} ($2^b$ neurons; a group of one is a 2-neuron identity).")
    doc.assume(r"The quantity minimises the count over ordered factorisations $n=b_1\cdots b_k$ "
               r"(exactly $k$ factors); Rolnick \& Tegmark's Conjecture 5.2, that $2^{\Theta(n^{1/k})}$ "
               r"neurons are also necessary, is not used.")
    q, k, i = sp.symbols("q k i", positive=True, integer=True)
    layer_cost = q ** (k - i) * 2**q
    doc.equal(sp.Sum(layer_cost, (i, 1, k)), 2**q * (q**k - 1) / (q - 1),
              r"With $b_i=q$ for all $i$ and $n=q^k$, layer $i$ has $n/q^i=q^{k-i}$ groups of $2^q$ "
              r"neurons; the geometric sum is", ranges={q: (2, 6), k: (1, 6)}, numeric_only=True)
    n = sp.Symbol("n", positive=True)
    doc.equal(sp.Subs(2**q * (n - 1) / (q - 1), n, q**k), 2**q * (q**k - 1) / (q - 1),
              r"that is, in terms of $n=q^k$,")
    doc.result("equal_groups", 2**q * (n - 1) / (q - 1), r"Neurons with equal groups $q=n^{1/k}$:", lhs=r"N_k(n)")
    doc.equal(sp.Subs(2**q * (n - 1) / (q - 1), q, 2), 4 * (n - 1),
              r"For $q=2$ (depth $\log_2 n$) this is the binary tree of four-neuron gates:")
    doc.references = [RT]
