"""Benchmarks of the depth-vs-width kernels against NumPy references, timed in one run."""
from __future__ import annotations

from itertools import product as cartesian

import numpy as np

from ...theory import activations
from ...theory import depth_width as theory
from .. import relu_pieces
from .._bench import benchmark, timing
from .._parallel import map_rows
from .constructions import sawtooth_network
from .estimators import draw_inputs
from .kernels import shallow_relative_error, tree_relative_error


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
