"""Simulators and checks for depth vs width: the networks the constructions define.

- the four-neuron gate and the binary product tree (Lin, Tegmark & Rolnick 2017), evaluated
  on random inputs at several scales lam; the lam -> 0 limit of the mean relative error
  over lam^2 is fitted (weighted, in powers of lam^2) with its interval;
- Yarotsky's (2017) width-4 ReLU network for x^2 and Telgarsky's (2016) sawtooth, traced
  exactly along [0, 1] (``relu_pieces``);
- the shallow Taylor-sense system for a monomial (Rolnick & Tegmark 2018) on product grids.
"""
from __future__ import annotations

import math
from fractions import Fraction
from itertools import product as cartesian

import numpy as np
from numba import njit

from ..theory import activations
from ..theory import depth_width as theory

from . import relu_pieces
from .activations import fresh_cache, numba_form
from ._bench import benchmark, timing
from ._check import check
from ._size import sized
from ._parallel import map_chunks, map_rows
from ._stats import Estimate, weighted_polyfit

ACTIVATION_ID = {name: i for i, name in enumerate(theory.ACTIVATIONS)}
#: |inputs| ~ U[1/2, 1] with random signs: E[x^2] = 7/12, and no division by tiny products.
INPUT_M2 = Fraction(7, 12)


_softplus, _exp, _tanh, _logistic = (numba_form(name) for name in theory.ACTIVATIONS)  # the activation table


@njit(cache=True, nogil=True)
def _act(kind, x):
    if kind == 0:
        return _softplus(x)
    if kind == 1:
        return _exp(x)
    if kind == 2:
        return _tanh(x)
    return _logistic(x)


@njit(cache=True, nogil=True)
def _gate(kind, bias, d2, lam, p, q):
    """m(lam p, lam q)/lam^2 with the biased four-neuron gate (Lin, Tegmark & Rolnick, Eq. 11)."""
    s, t = lam * (p + q), lam * (p - q)
    num = _act(kind, s + bias) + _act(kind, -s + bias) - _act(kind, t + bias) - _act(kind, -t + bias)
    return num / (4.0 * d2 * lam * lam)


@njit(cache=True, nogil=True)
def tree_relative_error(kind, bias, d2, lam, x):
    """Relative error of the product tree on each row of x (pairs adjacent values, carries odd ones)."""
    n_samples, n = x.shape
    out = np.empty(n_samples)
    vals = np.empty(n)
    for i in range(n_samples):
        exact = 1.0
        for j in range(n):
            vals[j] = x[i, j]
            exact *= x[i, j]
        count = n
        while count > 1:
            half = count // 2
            for g in range(half):
                vals[g] = _gate(kind, bias, d2, lam, vals[2 * g], vals[2 * g + 1])
            if count % 2 == 1:
                vals[half] = vals[count - 1]
                count = half + 1
            else:
                count = half
        out[i] = vals[0] / exact - 1.0
    return out


@njit(cache=True, nogil=True)
def shallow_relative_error(kind, bias, norm, lam, x):
    """Relative error of the 2^n-neuron shallow product on each row of x.

    f(x) = sum_{s in {+-1}^n} (prod s) sigma(lam s.x + b) / (norm lam^n), norm = 2^n sigma^(n)(b).
    """
    n_samples, n = x.shape
    out = np.empty(n_samples)
    for i in range(n_samples):
        exact = 1.0
        for j in range(n):
            exact *= x[i, j]
        total = 0.0
        for mask in range(2**n):
            dot, sign = 0.0, 1.0
            for j in range(n):
                if (mask >> j) & 1:
                    dot -= x[i, j]
                    sign = -sign
                else:
                    dot += x[i, j]
            total += sign * _act(kind, lam * dot + bias)
        out[i] = total / (norm * lam**n) / exact - 1.0
    return out


def _tree_relative_error_numpy(kind: str, bias: float, d2: float, lam: float, x: np.ndarray) -> np.ndarray:
    """Reference: the same tree, vectorised over samples in NumPy."""
    act = activations.numpy_form(kind)
    vals = [x[:, j] for j in range(x.shape[1])]
    while len(vals) > 1:
        nxt = []
        for p, q in zip(vals[0::2], vals[1::2]):
            s, t = lam * (p + q), lam * (p - q)
            nxt.append((act(s + bias) + act(-s + bias) - act(t + bias) - act(-t + bias)) / (4 * d2 * lam**2))
        vals = nxt + ([vals[-1]] if len(vals) % 2 else [])
    return vals[0] / np.prod(x, axis=1) - 1.0


def draw_inputs(gen: np.random.Generator, size: int, n: int) -> np.ndarray:
    """|x| ~ U[1/2, 1] with independent random signs (E[x^2] = 7/12)."""
    return gen.uniform(0.5, 1.0, (size, n)) * np.where(gen.random((size, n)) < 0.5, -1.0, 1.0)


LAMBDAS = np.array([0.04, 0.08, 0.12, 0.16, 0.2, 0.24, 0.28, 0.32])


def lambda_fit(sigma: str, n: int, samples: int, seed: np.random.SeedSequence, bias=None,
               network: str = "tree") -> Estimate:
    """lim_{lam->0} E[r]/lam^2 for the n-input tree (n = 2: one gate) or the shallow 2^n network.

    At each lam, independent inputs give the mean of r/lam^2 with its standard error; the
    means are fitted by A + B lam^2 + C lam^4 and the intercept A is returned with its
    standard error (inflated by chi2/dof where the fit is worse than the errors).
    """
    b = theory.resolve_bias(sigma, bias)
    kind = ACTIVATION_ID[sigma]
    if network == "tree":
        kernel, norm = tree_relative_error, theory.derivative(sigma, 2, b)
    else:
        kernel, norm = shallow_relative_error, 2**n * theory.derivative(sigma, n, b)
    means, errs = [], []
    for lam, ss in zip(LAMBDAS, seed.spawn(len(LAMBDAS))):
        def work(gen, size, lam=lam):
            y = kernel(kind, b, norm, lam, draw_inputs(gen, size, n)) / lam**2
            return y.sum(), (y * y).sum(), size

        parts = map_chunks(work, samples, 8192, ss)
        s1, s2, m = (sum(p[i] for p in parts) for i in range(3))
        mean = s1 / m
        means.append(mean)
        errs.append(math.sqrt(max(s2 / m - mean * mean, 0.0) / (m - 1)))
    fit = weighted_polyfit(LAMBDAS**2, means, errs, degree=2)
    value, se = fit.coefficient(0)
    return Estimate(value, se, samples * len(LAMBDAS))


def _gate_grid(quick):
    return [{"sigma": s} for s in theory.ACTIVATIONS]


@check("gate-error-fit", quantity="gate-error-coefficient", grid=_gate_grid, x="sigma",
       title="Multiplication gate: c_sigma from the lam-dependence of its mean relative error",
       ylabel="c_sigma (fitted)")
def gate_error_fit(point, seed, quick):
    """c_sigma = A / (2 E[x^2]) with A the fitted lam -> 0 limit of E[(m/uv - 1)/lam^2]."""
    est = lambda_fit(point["sigma"], 2, sized(200_000, 20_000, quick), seed)
    scale = 2 * float(INPUT_M2)
    return Estimate(est.value / scale, est.stderr / scale, est.n)


@check("product-tree-error-fit", quantity="product-tree-error", x="n",
       grid=lambda quick: [{"sigma": s, "n": n, "m2": float(INPUT_M2)}
                           for s in (("softplus", "tanh") if quick else theory.ACTIVATIONS)
                           for n in ((2, 3, 5, 8) if quick else (2, 3, 4, 5, 6, 8, 12, 16))],
       title="Product tree: growth of the mean relative error with n (leading order in lam^2)",
       ylabel="lim E[relative error]/lam^2")
def product_tree_error_fit(point, seed, quick):
    return lambda_fit(point["sigma"], point["n"], sized(100_000, 10_000, quick), seed)


@check("product-shallow-error-fit", quantity="product-shallow-error", x="n",
       grid=lambda quick: [{"sigma": s, "n": n, "m2": float(INPUT_M2)}
                           for s, ns in ((("exp", (2, 3, 4)), ("softplus", (2, 4))) if quick else
                                         (("exp", (2, 3, 4, 5, 6)), ("softplus", (2, 4, 6)), ("tanh", (2, 4))))
                           for n in ns],
       title="Shallow 2^n-neuron product: mean relative error per lam^2 as lam -> 0",
       ylabel="lim E[relative error]/lam^2")
def product_shallow_error_fit(point, seed, quick):
    return lambda_fit(point["sigma"], point["n"], sized(100_000, 10_000, quick), seed, network="shallow")


@njit(cache=True, nogil=True)
def _square(kind, bias, d2, lam, p):
    """3-neuron square gate [s(lam p) + s(-lam p) - 2 s(0)] / (sigma''(b) lam^2), s(t) = sigma(t + b)."""
    return (_act(kind, lam * p + bias) + _act(kind, -lam * p + bias) - 2.0 * _act(kind, bias)) / (d2 * lam * lam)


@njit(cache=True, nogil=True)
def power_by_squaring(kind, bias, d2, lam, x, r):
    """x^r for each entry of x by square gates and product gates along the binary digits of r."""
    out = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        base, acc, first, e = x[i], 1.0, True, r
        while e > 0:
            if e & 1:
                acc = base if first else _gate(kind, bias, d2, lam, acc, base)
                first = False
            e >>= 1
            if e > 0:
                base = _square(kind, bias, d2, lam, base)
        out[i] = acc
    return out


@njit(cache=True, nogil=True)
def activate(kind, z):
    """The activation applied entrywise to a 1-D array (the hidden units of a built network)."""
    out = np.empty_like(z)
    for i in range(z.shape[0]):
        out[i] = _act(kind, z[i])
    return out


fresh_cache(_act, _gate, tree_relative_error, shallow_relative_error, _square, power_by_squaring, activate)


class GateNetwork:
    """A feed-forward network of hidden units built gate by gate, evaluated unit by unit.

    Wires 0..n-1 are the inputs; every hidden unit computes sigma(sum_w weight_w wire_w + b);
    every later wire is a linear read-out of hidden units. ``units`` is the list of hidden units,
    so ``len(units)`` counts the neurons of what was built (nothing is counted by formula).
    """

    def __init__(self, n_inputs: int, sigma: str, lam: float):
        self.sigma, self.lam = sigma, lam
        self.bias = theory.resolve_bias(sigma, None)
        self.d2 = theory.derivative(sigma, 2, self.bias)
        self.wires: list[dict[int, float] | None] = [None] * n_inputs  # None: an input
        self.units: list[dict[int, float]] = []
        self.output = n_inputs - 1  # the wire the network returns (set by the builders)

    def gate(self, p: int, q: int) -> int:
        """Append the four units of the multiplication gate of wires p and q; returns its output wire."""
        lam, first = self.lam, len(self.units)
        for sign_p, sign_q in ((1, 1), (-1, -1), (1, -1), (-1, 1)):
            self.units.append({p: sign_p * lam, q: sign_q * lam})
        c = 1.0 / (4.0 * self.d2 * lam * lam)
        self.wires.append({first: c, first + 1: c, first + 2: -c, first + 3: -c})
        return len(self.wires) - 1

    def square(self, p: int) -> int:
        """Append the three units of the square gate [s(lam p) + s(-lam p) - 2 s(0)] / (sigma''(b) lam^2)
        (the third unit has no input weight: it computes the constant sigma(b)); returns its output wire."""
        lam, first = self.lam, len(self.units)
        self.units += [{p: lam}, {p: -lam}, {}]
        c = 1.0 / (self.d2 * lam * lam)
        self.wires.append({first: c, first + 1: c, first + 2: -2 * c})
        return len(self.wires) - 1

    def tree(self, level: list[int]) -> int:
        """Multiply the given wires by a binary tree of gates (adjacent pairs, an odd last wire carried up)."""
        while len(level) > 1:
            nxt = [self.gate(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
            level = nxt + ([level[-1]] if len(level) % 2 else [])
        return level[0]

    def evaluate(self, x: np.ndarray) -> np.ndarray:
        """The last wire on each row of x (units in the order built; each reads earlier wires only)."""
        kind = ACTIVATION_ID[self.sigma]
        wire_values = [x[:, j] for j in range(x.shape[1])]
        unit_values: list[np.ndarray] = []
        for readout in self.wires[x.shape[1]:]:
            needed = max(readout)
            while len(unit_values) <= needed:
                weights = self.units[len(unit_values)]
                pre = np.full(x.shape[0], self.bias) + sum(w * wire_values[j] for j, w in weights.items())
                unit_values.append(activate(kind, pre))
            wire_values.append(sum(c * unit_values[u] for u, c in readout.items()))
        return wire_values[self.output]


def product_tree_network(n: int, sigma: str = "softplus", lam: float = 0.01) -> GateNetwork:
    """The binary tree of multiplication gates for n inputs (Lin, Tegmark & Rolnick 2017, Sec. III):
    adjacent wires paired level by level, an odd last wire carried up (a skip connection)."""
    net = GateNetwork(n, sigma, lam)
    net.output = net.tree(list(range(n)))
    return net


def monomial_network(exponents, sigma: str = "softplus", lam: float = 0.01) -> GateNetwork:
    """Rolnick & Tegmark's (2018) deep network for x_1^r_1 ... x_n^r_n: each power by repeated
    squaring along the binary digits of r_i (square gates, and product gates for the set digits),
    then the n powers multiplied by the binary tree of gates."""
    net = GateNetwork(len(exponents), sigma, lam)
    powers = []
    for i, r in enumerate(exponents):
        base, acc, e = i, None, r
        while e > 0:
            if e & 1:
                acc = base if acc is None else net.gate(acc, base)
            e >>= 1
            if e > 0:
                base = net.square(base)
        powers.append(acc)
    net.output = net.tree(powers)
    return net


def deep_monomial(x: np.ndarray, exponents, lam: float, sigma: str = "softplus") -> tuple[np.ndarray, int]:
    """Relative error of the deep monomial network on rows of x, and the network's neuron count.

    Each x_i^r_i by repeated squaring (3 neurons a square gate, 4 a product gate), then the
    n powers multiplied by the binary tree of gates (4(n - 1) neurons).
    """
    b = theory.resolve_bias(sigma, None)
    d2, kind = theory.derivative(sigma, 2, b), ACTIVATION_ID[sigma]
    powers = np.column_stack([power_by_squaring(kind, b, d2, lam, x[:, i], r) for i, r in enumerate(exponents)])
    neurons = sum(3 * (r.bit_length() - 1) + 4 * (bin(r).count("1") - 1) for r in exponents)
    exact = np.prod(x ** np.array(exponents), axis=1)
    if len(exponents) > 1:
        tree = tree_relative_error(kind, b, d2, lam, powers)
        neurons += 4 * (len(exponents) - 1)
        return (1 + tree) * np.prod(powers, axis=1) / exact - 1, neurons
    return powers[:, 0] / exact - 1, neurons


@check("monomial-deep-construction", quantity="monomial-neurons-deep", rule="upper-bound",
       loose=("1.5-2.5x the neurons a construction needs; power from the exact sub-checks "
              "product-tree-construction and depth-k-construction"),
       grid=lambda quick: [{"exponents": r} for r in ((1, 1, 1), (2, 3), (5,), (8, 3), (4, 4, 2))
                           + (() if quick else ((16, 1), (7, 7, 7), (1,) * 8))],
       wrong=lambda point: 4 * (len(point["exponents"]) - 1), wrong_label="4(n-1): the product tree alone",
       title="Deep monomial networks: neurons of a construction that reaches relative error 1e-3",
       ylabel="neurons")
def monomial_deep_construction(point, seed, quick):
    """Hidden units of the squaring-and-product network built unit by unit (``monomial_network``),
    once its mean |relative error| at lam = 0.01 is < 1e-3 (else infinitely many: the check fails)."""
    gen = np.random.Generator(np.random.SFC64(seed))
    r = tuple(point["exponents"])
    x = draw_inputs(gen, 2000, len(r))
    net = monomial_network(r)
    rel = net.evaluate(x) / np.prod(x ** np.array(r), axis=1) - 1.0
    accurate = float(np.mean(np.abs(rel))) < 1e-3
    return Estimate(float(len(net.units)) if accurate else math.inf, 0.0, len(x))


@check("product-tree-construction", quantity="product-neurons-deep", rule="exact", x="n",
       grid=lambda quick: [{"n": n} for n in ((2, 3, 5, 8) if quick else (2, 3, 4, 5, 6, 7, 8, 11, 12, 16))],
       wrong=lambda point: 4 * point["n"], wrong_label="the paper's 'about 4n'",
       title="Product tree: hidden units of the built network, once it multiplies to relative error 1e-3",
       ylabel="neurons")
def product_tree_construction(point, seed, quick):
    """Build the tree of gates unit by unit, evaluate it on random inputs at lam = 0.01 and count its
    hidden units if its mean |relative error| is below 1e-3 (else infinitely many: the check fails)."""
    gen = np.random.Generator(np.random.SFC64(seed))
    x = draw_inputs(gen, sized(2000, 500, quick, minimum=500), point["n"])
    net = product_tree_network(point["n"])
    rel = net.evaluate(x) / np.prod(x, axis=1) - 1.0
    accurate = float(np.mean(np.abs(rel))) < 1e-3
    return Estimate(float(len(net.units)) if accurate else math.inf, 0.0, len(x))


def grouped_product_cost(factors: tuple[int, ...], n: int) -> int:
    """Neurons of the depth-k network multiplying n inputs in groups b_1, b_2, ...: sum (n/b_1..b_i) 2^b_i."""
    left, cost = n, 0
    for b in factors:
        left //= b
        cost += left * 2**b
    return cost


def grouped_product(x: np.ndarray, factors: tuple[int, ...], lam: float, sigma: str = "exp") -> np.ndarray:
    """Relative error of the depth-k network: each layer multiplies groups of b_i values with
    the shallow 2^{b_i}-neuron product (a group of 1 is a 2-neuron identity, sigma(lam x) - sigma(-lam x)).

    A group of b uses scale max(lam, 1e-13^(1/(b+2))) so that its lam^b signal stays far
    above float64 rounding."""
    b = theory.resolve_bias(sigma, None)
    kind = ACTIVATION_ID[sigma]
    vals = x
    for size in factors:
        groups = vals.reshape(vals.shape[0], -1, size)
        norm = 2**size * theory.derivative(sigma, size, b)
        out = np.empty(groups.shape[:2])
        for g in range(groups.shape[1]):
            block = np.ascontiguousarray(groups[:, g, :])
            scale = max(lam, 10 ** (-13 / (size + 2)))
            out[:, g] = (1 + shallow_relative_error(kind, b, norm, scale, block)) * np.prod(block, axis=1)
        vals = out
    return vals[:, 0] / np.prod(x, axis=1) - 1


def ordered_factorisations(n: int, k: int):
    """All (b_1, ..., b_k) of positive integers with product n, by brute force."""
    if k == 1:
        yield (n,)
        return
    for b in range(1, n + 1):
        if n % b == 0:
            for rest in ordered_factorisations(n // b, k - 1):
                yield (b,) + rest


@check("depth-k-construction", quantity="product-neurons-depth-k", rule="exact", x="n",
       grid=lambda quick: [{"n": n, "k": k} for n, k in ((4, 2), (6, 2), (9, 3), (12, 2))
                           + (() if quick else ((8, 3), (9, 2), (12, 3), (16, 4), (16, 2)))],
       wrong=lambda point: 4 * (point["n"] - 1), wrong_label="the binary tree's 4(n-1) at any depth",
       title="Depth-k products: cheapest accurate grouped network found by brute force",
       ylabel="neurons")
def depth_k_construction(point, seed, quick):
    """Build every grouping b_1...b_k = n, keep those whose mean |relative error| at lam = 0.02 is
    below 1e-2 on random inputs, and return the fewest neurons among them."""
    gen = np.random.Generator(np.random.SFC64(seed))
    n, k = point["n"], point["k"]
    x = draw_inputs(gen, 500, n)
    costs = [grouped_product_cost(f, n) for f in ordered_factorisations(n, k)
             if float(np.mean(np.abs(grouped_product(x, f, 0.02)))) < 1e-2]
    return Estimate(float(min(costs)) if costs else math.inf, 0.0, len(costs))


def yarotsky_network(m: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Width-4 ReLU network of f_m (Yarotsky 2017, Prop. 2): units (x, a, b, f) per layer.

    a = relu(g), b = relu(g - 1/2) give the next tooth g' = 2a - 4b; f accumulates
    f_s = f_{s-1} - g_s / 4^s (f_s >= x^2 >= 0, so the ReLU leaves it unchanged).
    """
    if m == 0:
        return [(np.array([[1.0]]), np.zeros(1))]
    layers = [(np.array([[1.0], [1.0], [1.0], [1.0]]), np.array([0.0, 0.0, -0.5, 0.0]))]
    for s in range(1, m):
        w = 4.0**-s
        layers.append((np.array([[1.0, 0, 0, 0], [0, 2, -4, 0], [0, 2, -4, 0], [0, -2 * w, 4 * w, 1]]),
                       np.array([0.0, 0.0, -0.5, 0.0])))
    w = 4.0**-m
    layers.append((np.array([[0.0, -2 * w, 4 * w, 1.0]]), np.zeros(1)))
    return layers


def sup_square_error(layers) -> tuple[float, int]:
    """Exact sup over [0,1] of |f(x) - x^2| for a ReLU network f, and its number of pieces.

    On each piece f is linear, so f - x^2 is concave: its maximum is at the vertex (clipped
    to the piece) and its minimum at an endpoint.
    """
    dims, w, b = relu_pieces.flatten(layers)
    ts, out = relu_pieces.trace(np.zeros(1), np.ones(1), dims, w, b)
    f = out[:, 0]
    worst = float(np.max(np.abs(f - ts**2)))
    slope = np.diff(f) / np.diff(ts)
    vertex = np.clip(slope / 2, ts[:-1], ts[1:])
    at_vertex = f[:-1] + slope * (vertex - ts[:-1]) - vertex**2
    return max(worst, float(np.max(np.abs(at_vertex)))), len(ts) - 1


@check("yarotsky-sup-error", quantity="yarotsky-square-error", x="m", rule="exact", tolerance=1e-12,
       grid=lambda quick: [{"m": m} for m in range(0, 7 if quick else 13)], logy=True,
       title="Yarotsky's network for x^2: exact sup error from its traced pieces",
       ylabel="sup |x^2 - f_m|")
def yarotsky_sup_error(point, seed, quick):
    sup, pieces = sup_square_error(yarotsky_network(point["m"]))
    return Estimate(sup, 0.0, pieces)


def sawtooth_network(k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """k layers of 2 ReLUs computing the k-fold tent map Delta(x) = 2 relu(x) - 4 relu(x - 1/2)."""
    layers = [(np.array([[1.0], [1.0]]), np.array([0.0, -0.5]))]
    layers += [(np.array([[2.0, -4.0], [2.0, -4.0]]), np.array([0.0, -0.5])) for _ in range(k - 1)]
    return layers + [(np.array([[2.0, -4.0]]), np.zeros(1))]


@check("sawtooth-exact-pieces", quantity="sawtooth-pieces", x="k", rule="exact", logy=True,
       grid=lambda quick: [{"k": k} for k in range(1, 9 if quick else 17)],
       wrong=lambda point: 2 * point["k"], wrong_label="linear growth 2k",
       title="Telgarsky's sawtooth: exactly counted linear pieces on [0,1]", ylabel="linear pieces")
def sawtooth_exact_pieces(point, seed, quick):
    _, pieces = relu_pieces.pieces_along_segment(sawtooth_network(point["k"]), [0.0], [1.0])
    return Estimate(float(pieces), 0.0, 1)


def taylor_system(weights: np.ndarray, exponents: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(M, target) of sum_j alpha_j (w_j . x)^k = delta_{k,d} x^r for all |e| = k <= d.

    Row e (a monomial of degree <= d) of column j is multinomial(|e|; e) prod_i w_ji^e_i;
    the target is 1 on the row e = r and 0 elsewhere (sigma's nonzero Taylor coefficients
    only rescale rows).
    """
    n, d = len(exponents), sum(exponents)
    rows = [e for e in cartesian(range(d + 1), repeat=n) if sum(e) <= d]
    M = np.empty((len(rows), weights.shape[0]))
    for i, e in enumerate(rows):
        coef = math.factorial(sum(e)) / math.prod(math.factorial(k) for k in e)
        M[i] = coef * np.prod(weights ** np.array(e), axis=1)
    target = np.array([1.0 if e == tuple(exponents) else 0.0 for e in rows])
    return M, target


def relative_residual(M: np.ndarray, target: np.ndarray) -> float:
    sol, *_ = np.linalg.lstsq(M, target, rcond=None)
    return float(np.linalg.norm(M @ sol - target) / np.linalg.norm(target))


def smallest_solving_prefix(gen: np.random.Generator, exponents: tuple[int, ...], tol=1e-8) -> tuple[int, float]:
    """Smallest m such that the first m points of a random product grid solve the Taylor system.

    Nodes t_{i,l} ~ U(-1, 1) per coordinate, grid points in random order. Also returns the
    residual at m = (grid size) - 1, the margin by which one neuron fewer fails.
    """
    nodes = [gen.uniform(-1, 1, r + 1) for r in exponents]
    grid = np.array(list(cartesian(*nodes)))
    grid = grid[gen.permutation(len(grid))]
    M, target = taylor_system(grid, exponents)
    residuals = [relative_residual(M[:, :m], target) for m in range(1, len(grid) + 1)]
    solving = [m for m, res in zip(range(1, len(grid) + 1), residuals) if res < tol]
    return (solving[0] if solving else len(grid) + 1), (residuals[-2] if len(grid) > 1 else 1.0)


def _rank_grid(quick):
    monomials = ((1, 1), (2, 1), (1, 1, 1), (3, 1)) + (() if quick else ((2, 2), (1, 1, 1, 1), (2, 1, 1), (4, 2)))
    products = (1, 2, 3) if quick else (1, 2, 3, 4, 5)
    return ([{"quantity": "monomial-neurons-shallow", "exponents": r} for r in monomials]
            + [{"quantity": "product-neurons-shallow", "n": n} for n in products])


def _exponents(point) -> tuple[int, ...]:
    """The monomial of a grid point: its exponents, or x_1 ... x_n for the product of n inputs."""
    return tuple(point["exponents"]) if "exponents" in point else (1,) * point["n"]


@check("monomial-shallow-rank", quantity=("monomial-neurons-shallow", "product-neurons-shallow"), rule="exact",
       grid=_rank_grid,
       wrong=lambda point: math.prod(r + 1 for r in _exponents(point)) - 1,
       wrong_label="one neuron fewer, prod(r_i+1) - 1 (2^n - 1 for the product)",
       title="Shallow monomial and product networks: smallest solving prefix of random product grids",
       ylabel="neurons needed")
def monomial_shallow_rank(point, seed, quick):
    """Every random draw must need exactly prod(r_i+1) neurons (2^n for the product of n inputs;
    exact rule over draws)."""
    gen = np.random.Generator(np.random.SFC64(seed))
    draws = [smallest_solving_prefix(gen, _exponents(point)) for _ in range(sized(50, 10, quick, minimum=10))]
    needed = np.array([d[0] for d in draws], dtype=float)
    se = float(needed.std(ddof=1) / math.sqrt(len(needed)))
    if np.ptp(needed) > 0:  # draws disagree: the mean is then not an exact count
        return Estimate(float(needed.mean()), se, len(needed))
    return Estimate(float(needed[0]), 0.0, len(needed))


@benchmark("product-tree", simulator="numba tree_relative_error", reference="numpy vectorised tree")
def bench_product_tree(quick):
    n, samples = 8, 100_000 if quick else 1_000_000
    x = draw_inputs(np.random.default_rng(0), samples, n)
    b = theory.resolve_bias("softplus", None)
    d2 = theory.derivative("softplus", 2, b)
    fast = lambda: np.concatenate(map_rows(lambda rows: tree_relative_error(0, b, d2, 0.1, rows), x))  # noqa: E731
    ref = lambda: _tree_relative_error_numpy("softplus", b, d2, 0.1, x)  # noqa: E731
    agree = bool(np.allclose(fast(), ref(), rtol=1e-9, atol=1e-12))
    return timing(fast, ref, f"{samples} 8-input trees (softplus), all threads",
                  agree)


@benchmark("sawtooth-trace", simulator="numba exact tracer (relu_pieces.trace)",
           reference="numpy dense sampling at 16 points per piece")
def bench_sawtooth_trace(quick):
    k = 10 if quick else 14
    layers = sawtooth_network(k)
    dims, w, b = relu_pieces.flatten(layers)
    x0, x1 = np.zeros(1), np.ones(1)
    exact = lambda: relu_pieces.count_linear_pieces(*relu_pieces.trace(x0, x1, dims, w, b))  # noqa: E731
    grid = np.linspace(0.0, 1.0, 16 * 2**k + 1)[:, None]

    def dense():
        y = relu_pieces.evaluate(layers, grid)[:, 0]
        slopes = np.diff(y) / np.diff(grid[:, 0])
        return 1 + int(np.count_nonzero(np.abs(np.diff(slopes)) > 1e-6 * np.abs(slopes[1:]).max()))

    agree = exact() == dense() == 2**k  # the grid contains every (dyadic) kink
    return timing(exact, dense, f"pieces of the {k}-fold sawtooth", agree)


def _shallow_relative_error_numpy(lam: float, x: np.ndarray) -> np.ndarray:
    """Reference: the 2^n-neuron exp network as one matrix product over all sign patterns."""
    n = x.shape[1]
    signs = np.array(list(cartesian((1.0, -1.0), repeat=n)))
    weights = np.prod(signs, axis=1)
    f = np.exp(lam * x @ signs.T) @ weights / (2**n * lam**n)
    return f / np.prod(x, axis=1) - 1


@benchmark("shallow-product", simulator="numba shallow_relative_error", reference="numpy sign-pattern matmul")
def bench_shallow_product(quick):
    n, samples = 8, 20_000 if quick else 200_000
    x = draw_inputs(np.random.default_rng(0), samples, n)
    fast = lambda: np.concatenate(map_rows(lambda rows: shallow_relative_error(1, 0.0, 2.0**n, 0.3, rows), x))  # noqa: E731
    ref = lambda: _shallow_relative_error_numpy(0.3, x)  # noqa: E731
    agree = bool(np.allclose(fast(), ref(), rtol=1e-6, atol=1e-9))
    return timing(fast, ref, f"{samples} 8-input shallow products (exp), all threads",
                  agree)
