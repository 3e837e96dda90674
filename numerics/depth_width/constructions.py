"""The networks the depth-vs-width constructions define, built unit by unit: gate networks (product
tree, deep monomials), grouped depth-k products, Yarotsky's network for x^2, Telgarsky's
sawtooth, and the shallow Taylor-sense system on product grids."""
from __future__ import annotations

import math
from itertools import product as cartesian

import numpy as np

from ...theory import depth_width as theory
from .. import relu_pieces
from .kernels import ACTIVATION_ID, activate, power_by_squaring, shallow_relative_error, tree_relative_error


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


def sawtooth_network(k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """k layers of 2 ReLUs computing the k-fold tent map Delta(x) = 2 relu(x) - 4 relu(x - 1/2)."""
    layers = [(np.array([[1.0], [1.0]]), np.array([0.0, -0.5]))]
    layers += [(np.array([[2.0, -4.0], [2.0, -4.0]]), np.array([0.0, -0.5])) for _ in range(k - 1)]
    return layers + [(np.array([[2.0, -4.0]]), np.zeros(1))]


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
