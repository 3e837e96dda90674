"""Depth vs width: quantities against independent computations, simulators against references.
(The conformance suite builds the derivations, proves their results equal to the quantities and
runs every check with its power test.)"""
import itertools
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from dltheory import numerics, theory
from dltheory.numerics import depth_width as sim
from dltheory.theory import depth_width as dw

ev = theory.evaluate

ACTIVATIONS_MP = {
    "softplus": lambda t: mpmath.log(1 + mpmath.exp(t)),
    "exp": mpmath.exp,
    "tanh": mpmath.tanh,
    "logistic": lambda t: 1 / (1 + mpmath.exp(-t)),
}


@pytest.mark.parametrize("sigma", dw.ACTIVATIONS)
def test_gate_coefficient_against_a_high_precision_gate(sigma):
    """The gate itself at tiny lam, in 60-digit arithmetic: (m/uv - 1)/(lam^2 (u^2+v^2)) -> c."""
    f = ACTIVATIONS_MP[sigma]
    with mpmath.workdps(60):
        b = mpmath.mpf(dw.DEFAULT_BIAS[sigma]) if sigma in ("softplus", "exp") else \
            (mpmath.atanh(1 / mpmath.sqrt(3)) * (2 if sigma == "logistic" else 1))
        d2 = mpmath.diff(f, b, 2)
        u, v, lam = mpmath.mpf("0.7"), mpmath.mpf("-0.4"), mpmath.mpf("1e-12")
        s, t = lam * (u + v), lam * (u - v)
        m = (f(s + b) + f(-s + b) - f(t + b) - f(-t + b)) / (4 * d2 * lam**2)
        c = (m / (u * v) - 1) / (lam**2 * (u**2 + v**2))
    assert float(c) == pytest.approx(float(ev("gate-error-coefficient", sigma=sigma)), rel=1e-9)


@pytest.mark.parametrize("sigma, bias", [("tanh", 0.3), ("softplus", -1.2), ("logistic", 2.0), ("exp", 0.5)])
def test_gate_coefficient_at_other_biases_against_mpmath_derivatives(sigma, bias):
    f = ACTIVATIONS_MP[sigma]
    want = mpmath.diff(f, bias, 4) / (6 * mpmath.diff(f, bias, 2))
    assert ev("gate-error-coefficient", sigma=sigma, bias=bias) == pytest.approx(float(want), rel=1e-10)


def _tree_count(n):
    return 0 if n == 1 else _tree_count((n + 1) // 2) + _tree_count(n // 2) + 4


def test_neuron_counts_against_independent_counting():
    for n in range(1, 12):
        assert ev("product-neurons-shallow", n=n) == len(list(itertools.product((1, -1), repeat=n)))
        assert ev("product-neurons-deep", n=n) == _tree_count(n)
        assert ev("monomial-neurons-shallow", exponents=[1] * n) == 2**n
    # divisors of x^r are the monomials x^e with e <= r
    for r in [(2, 1), (3, 2, 1), (4,)]:
        divisors = [e for e in itertools.product(*[range(ri + 1) for ri in r])]
        assert ev("monomial-neurons-shallow", exponents=r) == len(divisors)
    # Rolnick & Tegmark Thm 4.2(ii) by hand: ceil(log2 8) = 3, ceil(log2 3) = 2
    assert ev("monomial-neurons-deep", exponents=(8, 3)) == (7 * 3 + 4) + (7 * 2 + 4)
    assert ev("monomial-neurons-deep", exponents=(1, 1, 1)) == 12


def _depth_k_brute(n, k):
    best = None
    for bs in itertools.product(range(1, n + 1), repeat=k):
        if math.prod(bs) != n:
            continue
        left, cost = n, 0
        for b in bs:
            left //= b
            cost += left * 2**b
        best = cost if best is None else min(best, cost)
    return best


@pytest.mark.parametrize("n, k", [(1, 1), (6, 2), (8, 3), (12, 2), (12, 3), (16, 4), (7, 3), (30, 3)])
def test_depth_k_against_brute_force(n, k):
    assert ev("product-neurons-depth-k", n=n, k=k) == _depth_k_brute(n, k)


def test_depth_k_limits():
    assert ev("product-neurons-depth-k", n=20, k=1) == 2**20
    assert ev("product-neurons-depth-k", n=64, k=6) == 4 * 63  # b_i = 2: the binary tree
    assert ev("product-neurons-depth-k", n=99991, k=3) > 0  # prime n, answers instantly


def _sawtooth_value(x: Fraction, s: int) -> Fraction:
    for _ in range(s):
        x = 2 * x if x <= Fraction(1, 2) else 2 - 2 * x
    return x


def test_yarotsky_error_against_exact_definition():
    """f_m from its definition x - sum g_s/4^s, in exact rationals, maximised over the midpoints."""
    for m in range(0, 7):
        def f(x):
            return x - sum(_sawtooth_value(x, s) / Fraction(4**s) for s in range(1, m + 1))
        mids = [Fraction(2 * j + 1, 2 ** (m + 1)) for j in range(2**m)]
        assert max(f(x) - x * x for x in mids) == ev("yarotsky-square-error", m=m)


def test_sawtooth_pieces_against_exact_values():
    for k in range(1, 9):
        vals = [_sawtooth_value(Fraction(j, 2**k), k) for j in range(2**k + 1)]
        assert all(v in (0, 1) for v in vals) and sum(vals[i] != vals[i + 1] for i in range(2**k)) == 2**k
        assert ev("sawtooth-pieces", k=k) == 2**k


def test_networks_match_numpy_reference():
    x = np.linspace(0, 1, 257)[:, None]
    for m in range(5):
        f = numerics.relu_pieces.evaluate(sim.yarotsky_network(m), x)[:, 0]
        grid = np.arange(2**m + 1) / 2**m
        assert np.allclose(f, np.interp(x[:, 0], grid, grid**2), atol=1e-14)


def test_gate_fit_is_thread_count_independent(monkeypatch):
    values = []
    for threads in ("1", "2"):
        monkeypatch.setenv("DLTHEORY_THREADS", threads)
        values.append(sim.lambda_fit("softplus", 3, 20_000, np.random.SeedSequence(5)))
    assert values[0] == values[1]


def test_one_neuron_fewer_never_solves_the_taylor_system():
    gen = np.random.default_rng(3)
    for r in [(1, 1), (2, 1), (1, 1, 1)]:
        for _ in range(5):
            needed, margin = sim.smallest_solving_prefix(gen, r)
            assert needed == math.prod(ri + 1 for ri in r) and margin > 1e-4


@pytest.mark.parametrize("sigma, n, bias", [("exp", 3, None), ("softplus", 4, None), ("softplus", 3, 0.5),
                                            ("tanh", 4, None), ("logistic", 2, None), ("tanh", 5, 0.2)])
def test_shallow_product_error_against_mpmath_taylor_coefficients(sigma, n, bias):
    f = ACTIVATIONS_MP[sigma]
    b = dw.DEFAULT_BIAS[sigma] if bias is None else bias
    with mpmath.workdps(40):
        if sigma in ("tanh", "logistic") and bias is None:
            b = mpmath.atanh(1 / mpmath.sqrt(3)) * (2 if sigma == "logistic" else 1)
        coeffs = mpmath.taylor(f, b, n + 2)
        want = coeffs[n + 2] / coeffs[n] * (n + 1) * (n + 2) / 6 * n * mpmath.mpf(7) / 12
    got = ev("product-shallow-error", sigma=sigma, n=n, bias=bias)
    assert float(got) == pytest.approx(float(want), rel=1e-9)


def test_shallow_product_of_two_is_the_gate_and_the_one_gate_tree():
    for sigma in dw.ACTIVATIONS:
        assert ev("product-shallow-error", sigma=sigma, n=2) == ev("product-tree-error", sigma=sigma, n=2) \
            == 2 * ev("gate-error-coefficient", sigma=sigma) * Fraction(7, 12)


def test_built_tree_network_matches_the_tree_kernel():
    """The product tree built unit by unit (check product-tree-construction) computes what the Numba
    tree kernel computes, and has one gate of four units per internal node."""
    gen = np.random.default_rng(4)
    for sigma in ("softplus", "tanh"):
        for n in (2, 3, 6, 11):
            net = sim.product_tree_network(n, sigma, 0.05)
            x = sim.draw_inputs(gen, 300, n)
            b = dw.resolve_bias(sigma, None)
            kernel = sim.tree_relative_error(sim.ACTIVATION_ID[sigma], b, dw.derivative(sigma, 2, b), 0.05, x)
            built = net.evaluate(x) / np.prod(x, axis=1) - 1.0
            assert np.allclose(built, kernel, rtol=1e-7, atol=1e-10)
            assert len(net.units) == 4 * _gate_count(n)


def _gate_count(n):
    return 0 if n == 1 else _gate_count((n + 1) // 2) + _gate_count(n // 2) + 1


def test_shallow_product_needs_a_nonzero_taylor_coefficient(cli):
    out = cli("eval", "product-shallow-error", "sigma=softplus", "n=3")
    assert out.returncode == 2 and "sigma^(3) vanishes" in out.stderr


@pytest.mark.parametrize("exponents", [(1,), (5,), (2, 3), (8, 3), (1, 1, 1), (4, 4, 2), (7, 7, 7)])
def test_built_monomial_network_matches_the_squaring_kernels(exponents):
    """The deep monomial network built unit by unit (check monomial-deep-construction) computes what
    the Numba squaring and tree kernels compute, with Rolnick & Tegmark's gate counts: 3 units per
    squaring, 4 per product gate (set binary digits beyond the first, and the n - 1 tree gates)."""
    x = sim.draw_inputs(np.random.default_rng(8), 300, len(exponents))
    net = sim.monomial_network(exponents, "softplus", 0.05)
    built = net.evaluate(x) / np.prod(x ** np.array(exponents), axis=1) - 1.0
    kernels, neurons = sim.deep_monomial(x, exponents, 0.05)
    # same arithmetic in another order: a gate on small values (x^8 ~ 4e-3, lam x^8 ~ 2e-4) cancels
    # to ~1e-8 of sigma, so rounding differs by ~1e-16 / 4e-8 relative
    assert np.allclose(built, kernels, rtol=0, atol=1e-7)
    assert len(net.units) == neurons
    assert len(net.units) <= ev("monomial-neurons-deep", exponents=exponents)
