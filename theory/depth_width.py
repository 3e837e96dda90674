"""Depth vs width for products and monomials (Lin, Tegmark & Rolnick 2017; Rolnick & Tegmark
2018; Yarotsky 2017; Telgarsky 2016).

Conventions. sigma_k = sigma^(k)(b)/k! are the Taylor coefficients of the activation about
its bias b. The multiplication gate (Lin, Tegmark & Rolnick 2017, Eq. 11, with a bias b)
is

    m(u, v) = [s(u+v) + s(-u-v) - s(u-v) - s(-u+v)] / (4 sigma''(b)),  s(x) = sigma(x + b),

and m(lam u, lam v)/lam^2 = uv [1 + c_sigma lam^2 (u^2 + v^2) + O(lam^4)] with
c_sigma = sigma''''(b) / (6 sigma''(b)) (derivation ``gate-taylor``).
"""
from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

from . import activations
from ._quantity import BadInput, Choice, Int, IntList, Real, quantity

ACTIVATIONS = ("softplus", "exp", "tanh", "logistic")

#: Default bias shift b of each activation. softplus and exp have sigma''(0) != 0 and need
#: none; tanh and logistic have sigma''(0) = 0, and the gate uses the shift at which
#: |sigma''| is largest (sigma'''(b) = 0): tanh(b)^2 = 1/3, and half that argument's double
#: for the logistic, sigma(x) = (1 + tanh(x/2))/2.
DEFAULT_BIAS = {
    "softplus": 0.0,
    "exp": 0.0,
    "tanh": math.atanh(1 / math.sqrt(3)),
    "logistic": 2 * math.atanh(1 / math.sqrt(3)),
}
_SIGMA = Choice("sigma", choices=ACTIVATIONS, doc="activation")
_BIAS = Real("bias", default=None, doc="bias shift b; default: the documented shift of each activation")


def resolve_bias(sigma: str, bias: float | None) -> float:
    """The bias shift actually used, with sigma''(b) != 0 enforced."""
    b = DEFAULT_BIAS[sigma] if bias is None else bias
    if _vanishes(sigma, 2, b):
        raise BadInput("bias", b, f"a shift with sigma''(b) != 0 for {sigma} (e.g. the default "
                                  f"{DEFAULT_BIAS[sigma]:.6g})", "the gate needs sigma''(b) != 0")
    return b


@quantity("gate-error-coefficient", _SIGMA, _BIAS, status="asymptotic",
          verified="recomputed", citation="Lin, Tegmark & Rolnick (2017), J. Stat. Phys. 168, Eq. 11 (gate); "
                   "coefficient derived here (the paper states only O(u^2+v^2))",
          examples=({"sigma": "softplus"}, {"sigma": "exp"}, {"sigma": "tanh"}, {"sigma": "logistic"},
                    {"sigma": "tanh", "bias": 0.3}))
def gate_error_coefficient(sigma: str, bias: float | None = None):
    """c_sigma = sigma''''(b) / (6 sigma''(b)): relative error of the 4-neuron multiplication gate.

    m(lam u, lam v)/lam^2 = uv [1 + c_sigma lam^2 (u^2+v^2) + O(lam^4)] (Lin, Tegmark &
    Rolnick 2017, Eq. 11; the paper gives the gate and the order of its error, the
    coefficient is derived in ``gate-taylor``). Exact at the default shifts: softplus -1/12,
    exp 1/6, tanh -2/3 (b = artanh(1/sqrt 3)), logistic -1/6 (b = 2 artanh(1/sqrt 3)).
    Asymptotic in lam -> 0.
    """
    # sigma''''/(6 sigma'') = 2 sigma_4/sigma_2 in Taylor coefficients sigma_j = sigma^(j)/j!
    return 2 * taylor_ratio(sigma, 2, None if bias is None else resolve_bias(sigma, bias))


def _exact_pair(coefficient, m2: float):
    """(coefficient, m2) as Fractions when both are exact (m2 a short rational such as 7/12), else floats."""
    exact = Fraction(m2).limit_denominator(10**6)
    if isinstance(coefficient, Fraction) and float(exact) == m2:
        return coefficient, exact
    return float(coefficient), float(m2)


def tree_gate_sizes(n: int) -> list[tuple[int, int]]:
    """Input counts (a, b) of the two factors of every gate of the product tree.

    The tree pairs adjacent values level by level and carries an odd last value up:
    n - 1 gates, depth ceil(log2 n).
    """
    sizes, gates = [1] * n, []
    while len(sizes) > 1:
        paired = [sizes[i] + sizes[i + 1] for i in range(0, len(sizes) - 1, 2)]
        gates += [(sizes[i], sizes[i + 1]) for i in range(0, len(sizes) - 1, 2)]
        sizes = paired + ([sizes[-1]] if len(sizes) % 2 else [])
    return gates


@quantity("product-tree-error", _SIGMA, Int("n", lo=2, hi=4096), Real("m2", lo=0, lo_open=True, default=7 / 12),
          _BIAS, status="asymptotic",
          verified="recomputed", citation="Lin, Tegmark & Rolnick (2017), Sec. III (binary tree of Eq. 11 gates); "
                   "error propagation derived here",
          examples=({"sigma": "softplus", "n": 4}, {"sigma": "tanh", "n": 5}, {"sigma": "exp", "n": 3, "m2": 0.5},
                    {"sigma": "logistic", "n": 2}))
def product_tree_error(sigma: str, n: int, m2: float = 7 / 12, bias: float | None = None):
    """Leading coefficient A of the product tree's mean relative error, E[r] = A lam^2 + O(lam^4).

    Every gate is fed lam times its two factors and divides by lam^2; to leading order the
    relative errors of the gates add, so for i.i.d. inputs with E[x^2] = m2,
    A = c_sigma * sum over gates g of (m2^a_g + m2^b_g), a_g and b_g the numbers of inputs
    in the gate's two factors (``tree_gate_sizes``). Default m2 = 7/12: |x| uniform on
    [1/2, 1]. Asymptotic in lam -> 0.
    """
    c = gate_error_coefficient.function(sigma, bias)
    c, m2 = _exact_pair(c, m2)
    return c * sum(m2**a + m2**b for a, b in tree_gate_sizes(n))


#: sigma^(j) as a polynomial in y, from the activation table (softplus: y = logistic(b); tanh, logistic: y = tanh)
_derivative_polynomials = activations.derivative_polynomials


def derivative(sigma: str, k: int, bias: float | None = None) -> float:
    """sigma^(k)(b) (k >= 1) of a named activation (the activation table's derivative of any order)."""
    b = DEFAULT_BIAS[sigma] if bias is None else bias
    return activations.derivative(sigma, k, b)


def taylor_ratio(sigma: str, k: int, bias: float | None):
    """sigma_{k+2} / sigma_k with sigma_j = sigma^(j)(b)/j!, exact at the default biases."""
    factor = Fraction(math.factorial(k), math.factorial(k + 2))
    if sigma == "exp":
        return factor
    if bias is not None:
        if _vanishes(sigma, k, bias):
            raise _vanishing(sigma, k)
        return float(factor) * _reduced_ratio(sigma, k + 2, k, bias)
    polys = _derivative_polynomials(sigma, k + 2)
    hi, lo = polys[k + 2], polys[k]
    if sigma == "softplus":  # s = 1/2 exactly at b = 0
        num, den = (sum(c * Fraction(1, 2) ** i for i, c in enumerate(p)) for p in (hi, lo))
    else:  # t^2 = 1/3; hi and lo have the same parity: divide out a t if they are odd
        parity = next(i for i, c in enumerate(lo) if c) % 2
        num, den = (sum(c * Fraction(1, 3) ** ((i - parity) // 2) for i, c in enumerate(p) if c) for p in (hi, lo))
        factor *= Fraction(1, 4) if sigma == "logistic" else 1  # sigma^(j) = tanh^(j)(b/2)/2^(j+1)
    if den == 0:
        raise _vanishing(sigma, k)
    return factor * num / den


#: the ends of the range of y (softplus: y = logistic(b) in (0, 1); tanh, logistic: y = tanh in (-1, 1)), where
#: every derivative of order >= 2 (>= 1 for tanh) vanishes as b -> -inf or +inf
_ENDS = {"softplus": (0, 1), "tanh": (1, -1), "logistic": (1, -1)}


def _at(p, x):
    value = 0
    for c in reversed(p):
        value = value * x + c
    return value


def _deflate(p, r):
    """p(y)/(y - r) for a polynomial p (increasing powers) with p(r) = 0 (synthetic division)."""
    q = [0] * (len(p) - 1)
    q[-1] = p[-1]
    for i in range(len(p) - 2, 0, -1):
        q[i - 1] = p[i] + r * q[i]
    return q


def _variable(sigma: str, b: float) -> float:
    """y(b) without overflow: logistic(b) for softplus, tanh(b) or tanh(b/2) for tanh, logistic."""
    if sigma == "softplus":
        return math.exp(b) / (1 + math.exp(b)) if b < 0 else 1 / (1 + math.exp(-b))
    return math.tanh(b if sigma == "tanh" else b / 2)


def _reduced(sigma: str, p, other=None):
    """p (and other) with their common factors (y - r) at the ends r of y's range divided out."""
    for r in _ENDS[sigma]:
        while len(p) > 1 and _at(p, r) == 0 and (other is None or (len(other) > 1 and _at(other, r) == 0)):
            p, other = _deflate(p, r), (None if other is None else _deflate(other, r))
    return p, other


def _vanishes(sigma: str, k: int, b: float) -> bool:
    """sigma^(k)(b) = 0 at a finite zero of its polynomial (not merely underflowing as |b| -> inf)."""
    if sigma == "exp":  # every derivative is e^b > 0
        return False
    if sigma not in _ENDS:
        return abs(derivative(sigma, k, b)) < 1e-12
    p, _ = _reduced(sigma, list(_derivative_polynomials(sigma, k)[k]))
    return abs(_at(p, _variable(sigma, b))) < 1e-12


def _reduced_ratio(sigma: str, hi: int, lo: int, b: float) -> float:
    """sigma^(hi)(b) / sigma^(lo)(b) from the derivative polynomials with their common end factors
    cancelled: it keeps its limit where both derivatives underflow (softplus at b = -1e300: 1/12 of
    the exp gate's ratio)."""
    if sigma not in _ENDS:
        return derivative(sigma, hi, b) / derivative(sigma, lo, b)
    polys = _derivative_polynomials(sigma, hi)
    num, den = _reduced(sigma, list(polys[hi]), list(polys[lo]))
    y = _variable(sigma, b)
    scale = 0.5 ** (hi - lo) if sigma == "logistic" else 1.0  # sigma^(j)(b) = tanh^(j)(b/2)/2^(j+1)
    return scale * float(_at(num, y)) / float(_at(den, y))


def _vanishing(sigma: str, k: int) -> BadInput:
    return BadInput("sigma", sigma, f"an activation and bias with sigma^({k})(b) != 0",
                    f"sigma^({k}) vanishes at this bias, the {k}-input shallow product needs it nonzero")


@quantity("product-shallow-error", _SIGMA, Int("n", lo=1, hi=64), Real("m2", lo=0, lo_open=True, default=7 / 12),
          _BIAS, status="asymptotic",
          verified="recomputed", citation="Lin, Tegmark & Rolnick (2017), App. A (the 2^n-neuron shallow product); "
                   "error coefficient derived here",
          examples=({"sigma": "exp", "n": 3}, {"sigma": "tanh", "n": 4}, {"sigma": "softplus", "n": 4},
                    {"sigma": "logistic", "n": 2}, {"sigma": "softplus", "n": 3, "bias": 0.5}))
def product_shallow_error(sigma: str, n: int, m2: float = 7 / 12, bias: float | None = None):
    """(sigma_{n+2}/sigma_n) (n+1)(n+2)/6 * n m2: leading mean relative error (per lam^2) of the 2^n-neuron product.

    f(x) = sum_{s in {+-1}^n} (prod s) sigma(lam s.x + b) / (2^n n! sigma_n lam^n) equals
    prod x [1 + lam^2 (sigma_{n+2}/sigma_n) ((n+1)(n+2)/6) sum_i x_i^2 + O(lam^4)]
    (derivation ``product-shallow``), sigma_j = sigma^(j)(b)/j!; for i.i.d. inputs with
    E[x^2] = m2 the mean relative error is lam^2 times this. For n = 2 it is the gate,
    2 c_sigma m2. Needs sigma_n != 0 (softplus at b = 0 has sigma_3 = 0: use a bias).
    """
    ratio = taylor_ratio(sigma, n, bias)
    ratio, m2 = _exact_pair(ratio, m2)
    return ratio * Fraction((n + 1) * (n + 2), 6) * n * m2


@quantity("product-neurons-shallow", Int("n", lo=1, hi=100_000), status="exact",
          verified="secondary", citation="Lin, Tegmark & Rolnick (2017), Sec. III and App. A (2^n suffice); "
                   "Rolnick & Tegmark (2018), ICLR, Thm 4.2 (Taylor sense: 2^n are needed)",
          examples=({"n": 3}, {"n": 10}),
          bounds=lambda arch: {"n": arch.input_dim} if arch.activation in ACTIVATIONS else None)
def product_neurons_shallow(n: int):
    """2^n: hidden neurons a one-hidden-layer network needs to multiply n inputs.

    Upper bound by construction: sum over s in {+-1}^n of (prod s) sigma(lam s.x),
    divided by 2^n n! sigma_n lam^n (Lin, Tegmark & Rolnick 2017). Lower bound: Rolnick &
    Tegmark (2018) Thm 4.2, in the Taylor sense, for bias-free hidden units and sigma with
    nonzero Taylor coefficients up to degree n. Also the special case r = (1, ..., 1) of
    ``monomial-neurons-shallow``.
    """
    return 2**n


@quantity("product-neurons-deep", Int("n", lo=1, hi=10**12), status="rigorous-upper-bound",
          verified="recomputed", citation="Lin, Tegmark & Rolnick (2017), Sec. III (binary tree of 4-neuron gates; "
                   "the paper's 'about 4n' is 4(n-1) exactly)",
          examples=({"n": 5}, {"n": 8}),
          bounds=lambda arch: {"n": arch.input_dim} if arch.activation in ACTIVATIONS else None)
def product_neurons_deep(n: int):
    """4(n - 1): neurons of the binary tree of multiplication gates for n inputs.

    n - 1 gates of 4 neurons, depth ceil(log2 n) (Lin, Tegmark & Rolnick 2017); the paper
    rounds this to 'about 4n'. Rolnick & Tegmark's (2018) Thm 4.1(ii)/4.2(ii) bound
    sum_i (7 ceil(log2 r_i) + 4) gives 4n for r_i = 1, one gate more than needed. Counts
    gate neurons; inputs of an unbalanced tree reach later layers by skip connections.
    Upper bound (approximation to any accuracy as the gates' scale lam -> 0).
    """
    return 4 * (n - 1)


_EXPONENTS = IntList("exponents", lo=1, hi=10**6, max_len=64, doc="r_1,...,r_n")


@quantity("monomial-neurons-shallow", _EXPONENTS, status="exact",
          verified="secondary",
          citation="Rolnick & Tegmark (2018), ICLR, Thm 4.2 (Taylor sense); Thm 4.1 (uniform sense)",
          examples=({"exponents": (2, 1)}, {"exponents": (1, 1, 1)}, {"exponents": (4, 2)}))
def monomial_neurons_shallow(exponents: tuple[int, ...]):
    """prod_i (r_i + 1): minimum hidden neurons of a shallow network for x1^r1 ... xn^rn.

    Rolnick & Tegmark (2018), Thm 4.2: exact in the Taylor sense (the network's Taylor
    expansion matches the monomial through degree d = sum r_i) for bias-free hidden units
    and sigma with nonzero Taylor coefficients up to degree d. Thm 4.1 states the same
    for uniform approximation, assuming nonzero coefficients up to 2d; reading notes of the
    paper point out that its proof step from uniform closeness to close Taylor
    coefficients is not justified, so we mark only the Taylor-sense statement as exact.
    """
    out = 1
    for r in exponents:
        out *= r + 1
    return out


@quantity("monomial-neurons-deep", _EXPONENTS, status="rigorous-upper-bound",
          verified="secondary", citation="Rolnick & Tegmark (2018), ICLR, Thm 4.1(ii) and 4.2(ii)",
          examples=({"exponents": (8, 3)}, {"exponents": (1, 1, 1)}, {"exponents": (5,)}))
def monomial_neurons_deep(exponents: tuple[int, ...]):
    """sum_i (7 ceil(log2 r_i) + 4): neurons a deep network needs at most for x1^r1 ... xn^rn.

    Rolnick & Tegmark (2018) Thm 4.1(ii)/4.2(ii): each x_i^r_i by repeated squaring
    (3-neuron square gates and 4-neuron product gates, at most 7 neurons per binary digit
    of r_i, Prop. 4.6), then the n powers multiplied by gates. The 4n of the last term
    could be 4(n - 1) (a binary tree of n - 1 gates; see ``product-neurons-deep``); we
    report the paper's bound as stated. Same conditions as ``monomial-neurons-shallow``.
    """
    return sum(7 * (r - 1).bit_length() + 4 for r in exponents)


@quantity("product-neurons-depth-k", Int("n", lo=1, hi=100_000), Int("k", lo=1, hi=64),
          status="rigorous-upper-bound",
          verified="secondary", citation="Rolnick & Tegmark (2018), ICLR, Thm 5.1 (tightness is their Conjecture 5.2)",
          examples=({"n": 12, "k": 2}, {"n": 27, "k": 3}, {"n": 64, "k": 6}),
          bounds=lambda arch: {"n": arch.input_dim, "k": len(arch.widths)} if arch.activation in ACTIVATIONS else None)
def product_neurons_depth_k(n: int, k: int):
    """min over n = b_1 b_2 ... b_k of sum_{i=1}^k (n / (b_1...b_i)) 2^{b_i}: product of n inputs, depth k.

    Rolnick & Tegmark (2018), Thm 5.1: multiply the inputs in groups of b_1 with shallow
    2^{b_1}-neuron products, those in groups of b_2, and so on. The theorem's expression
    is minimised here over ordered factorisations n = b_1 ... b_k into exactly k positive
    integers (a factor b_i = 1 is a layer of 2-neuron identity copies). For n = b^k it is
    O(n^{(k-1)/k} 2^{n^{1/k}}); their Conjecture 5.2 (unproven) says 2^{Theta(n^{1/k})} is
    also necessary. Upper bound. For prime n only trivial factorisations exist.
    """
    # Layer i multiplies the m = n/(b_1...b_{i-1}) values left in groups of b_i: (m/b_i) 2^{b_i} neurons.
    @lru_cache(maxsize=None)
    def best(m: int, layers: int) -> int:
        if layers == 1:
            return 2**m
        return min((m // b) * 2**b + best(m // b, layers - 1) for b in _divisors(m))

    return best(n, k)


def _divisors(m: int) -> list[int]:
    small = [d for d in range(1, math.isqrt(m) + 1) if m % d == 0]
    return sorted(set(small + [m // d for d in small]))


@quantity("yarotsky-square-error", Int("m", lo=0, hi=100_000), status="exact",
          verified="recomputed", citation="Yarotsky (2017), Neural Networks 94, Prop. 2",
          examples=({"m": 0}, {"m": 3}))
def yarotsky_square_error(m: int):
    """2^(-2m-2): sup over [0,1] of |x^2 - f_m(x)|, f_m(x) = x - sum_{s=1}^m g_s(x)/2^(2s).

    Yarotsky (2017) Prop. 2: g_s is the s-fold composition of the tent map, f_m the
    piecewise-linear interpolation of x^2 at the 2^m + 1 points j/2^m, computed exactly by a
    ReLU network of depth m and width 4 (we count m hidden layers of 4 units). Exact.
    """
    return Fraction(1, 2 ** (2 * m + 2))


@quantity("sawtooth-pieces", Int("k", lo=0, hi=100_000), status="exact",
          verified="recomputed",
          citation="Telgarsky (2016), COLT, Lemma 2.4 / Sec. 2 (the tent map's k-fold composition)",
          examples=({"k": 1}, {"k": 10}))
def sawtooth_pieces(k: int):
    """2^k: linear pieces on [0,1] of the k-fold composition of the tent map (2 ReLUs a layer).

    Delta(x) = 2 relu(x) - 4 relu(x - 1/2) maps [0,1] onto itself twice; its k-fold
    composition has 2^(k-1) teeth, 2^k linear pieces, computed with k layers of 2 ReLUs
    (Telgarsky 2016). A network of fewer layers needs exponentially many units to
    approximate it (Telgarsky 2016, Thm 1.1). Exact.
    """
    return 2**k
