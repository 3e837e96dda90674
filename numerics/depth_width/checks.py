"""The depth-vs-width checks: each construction's quantity against the network it defines."""
from __future__ import annotations

import math

import numpy as np

from ...theory import depth_width as theory
from .. import relu_pieces
from .._check import check
from .._size import sized
from .._stats import Estimate
from .constructions import (grouped_product, grouped_product_cost, monomial_network,
                            ordered_factorisations, product_tree_network, sawtooth_network, smallest_solving_prefix,
                            sup_square_error, yarotsky_network)
from .estimators import INPUT_M2, draw_inputs, lambda_fit


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


@check("yarotsky-sup-error", quantity="yarotsky-square-error", x="m", rule="exact", tolerance=1e-12,
       grid=lambda quick: [{"m": m} for m in range(0, 7 if quick else 13)], logy=True,
       title="Yarotsky's network for x^2: exact sup error from its traced pieces",
       ylabel="sup |x^2 - f_m|")
def yarotsky_sup_error(point, seed, quick):
    sup, pieces = sup_square_error(yarotsky_network(point["m"]))
    return Estimate(sup, 0.0, pieces)


@check("sawtooth-exact-pieces", quantity="sawtooth-pieces", x="k", rule="exact", logy=True,
       grid=lambda quick: [{"k": k} for k in range(1, 9 if quick else 17)],
       wrong=lambda point: 2 * point["k"], wrong_label="linear growth 2k",
       title="Telgarsky's sawtooth: exactly counted linear pieces on [0,1]", ylabel="linear pieces")
def sawtooth_exact_pieces(point, seed, quick):
    _, pieces = relu_pieces.pieces_along_segment(sawtooth_network(point["k"]), [0.0], [1.0])
    return Estimate(float(pieces), 0.0, 1)


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
