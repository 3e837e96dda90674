"""Growth functions by enumeration against Sauer-Shelah; Cover's count shared with capacity; the ReLU
constructions behind the VC-dimension bounds against independent evaluations. (The checks quick
and at full size, and the derivations' results: tests/test_conformance.py.)"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from fractions import Fraction

from dltheory import numerics, theory
from dltheory.numerics.generalization import constructions as vc, estimators, exact_bounds, kernels, mlp


def ev(name, **kw):
    return theory.evaluate(name, **kw)


def runs_of_ones(bits):
    return sum(1 for i, b in enumerate(bits) if b and (i == 0 or not bits[i - 1]))


@pytest.mark.parametrize("n,k", [(1, 1), (5, 1), (7, 2), (9, 3), (6, 4)])
def test_interval_unions_against_counting_runs(n, k):
    """Independent count: labellings with at most k runs of 1s (a union of <= k intervals
    realises exactly those), enumerated over all 2^n strings."""
    want = sum(1 for bits in itertools.product((0, 1), repeat=n) if runs_of_ones(bits) <= k)
    rng = np.random.default_rng(n * 10 + k)
    assert kernels.interval_union_count(rng.uniform(size=n), k) == want
    assert want == ev("sauer-shelah", vc=2 * k, n=n)  # the class attains the bound


def halfplane_count_by_lp(X):
    """Independent count: a labelling is realised by an open halfplane iff the LP
    s_i (<w, x_i> + b) >= 1 is feasible (strict separation, rescaled)."""
    from scipy.optimize import linprog

    n = X.shape[0]
    count = 0
    for signs in itertools.product((-1.0, 1.0), repeat=n):
        s = np.array(signs)
        A = -s[:, None] * np.hstack([X, np.ones((n, 1))])
        res = linprog(np.zeros(3), A_ub=A, b_ub=-np.ones(n), bounds=[(None, None)] * 3, method="highs")
        count += res.status == 0
    return count


@pytest.mark.parametrize("n", [3, 5, 7])
def test_halfplane_count_against_lp_and_cover(n):
    X = np.random.default_rng(n).standard_normal((n, 2))
    got = kernels.halfplane_count(X)
    assert got == halfplane_count_by_lp(X)
    assert got == n * n - n + 2 == theory.evaluate("cover-count", P=n, N=3)  # affine in R^2 = linear in R^3
    assert got <= ev("sauer-shelah", vc=3, n=n)


def test_halfplane_count_collinear_points_fewer():
    """Points on a line: halfplanes act as thresholds, 2n labellings (not general position)."""
    X = np.stack([np.arange(6.0), 2 * np.arange(6.0)], axis=1)
    assert kernels.halfplane_count(X) == 12


def test_exact_if_constant_rejects_disagreeing_draws():
    assert estimators.exact_if_constant([7, 7, 7]).value == 7
    assert math.isnan(estimators.exact_if_constant([7, 8]).value)


# ----------------------------------------------------------------- vc-dimension-lower constructions
@pytest.mark.parametrize("widths,d,kind", [((2,), 1, "line"), ((1,), 3, "halfspace"), ((2, 2), 2, "circle")])
def test_constructions_shatter_the_claim_and_fail_one_more(widths, d, kind):
    claim = ev("vc-dimension-lower", widths=list(widths), input_dim=d)
    assert vc.construction_kind(widths, d) == kind
    assert vc.construction_shatters(widths, d, claim)
    assert not vc.construction_shatters(widths, d, claim + 1)
    assert vc.shattered_count(widths, d, claim + 3) == claim


def test_shattered_labellings_checked_by_an_independent_forward_pass():
    """Re-evaluate the constructed networks with a plain loop (not predict_numpy) for the circle."""
    widths, d = (2, 3), 2
    X = vc.construction_points("circle", 5, d)
    sizes = [d, *widths, 1]
    for labels in itertools.product((-1.0, 1.0), repeat=5):
        p = vc.construction_params("circle", widths, d, X, labels)
        out = []
        for x in X:
            a, off = x, 0
            for i in range(len(sizes) - 1):
                W = p[off:off + sizes[i] * sizes[i + 1]].reshape(sizes[i + 1], sizes[i])
                off += sizes[i] * sizes[i + 1]
                b = p[off:off + sizes[i + 1]]
                off += sizes[i + 1]
                a = W @ a + b
                if i < len(sizes) - 2:
                    a = np.maximum(a, 0)
            out.append(a[0])
        assert np.array_equal(np.sign(out), np.array(labels))


# ----------------------------------------------------------------- vc-dimension-upper: the lemma, the check's measure
@pytest.mark.parametrize("r,w,t", [(16, 1, 0), (16, 10, 3), (50, 40, 5), (1000, 7, 7), (20, 200, 10)])
def test_bhlm_lemma_against_search(r, w, t):
    """The lemma as we read it: the largest m >= w with 2^m <= 2^t (m r / w)^w is <= t + w log2(2 r log2 r)."""
    bound = t + w * math.log2(2 * r * math.log2(r))
    ok = [m for m in range(w, int(4 * bound) + 10) if m <= t + w * math.log2(m * r / w)]
    assert ok and max(ok) <= bound
    assert max(ok) >= 0.5 * bound  # not vacuous: the lemma is within a factor 2 here


@pytest.mark.parametrize("widths,d,p", [((1,), 1, 2), ((3,), 1, 2), ((2, 3), 2, 2), ((5,), 3, 3), ((4, 2, 6), 2, 2)])
def test_largest_m_the_growth_bound_allows_against_a_float_scan(widths, d, p):
    """Every m from 1 to twice the closed form, in float64 straight from BHLM's product
    prod_i 2 (2 e m k_i p i / W_i)^W_i (no bisection, no mpmath): the m with 2^m <= it form one
    interval whose top is largest_growth_allowed, and the closed form lies above it."""
    ks = list(widths) + [1]
    ins = [d] + list(widths)
    Ws = list(itertools.accumulate((a + 1) * k for a, k in zip(ins, ks)))
    bound = ev("vc-dimension-upper", widths=list(widths), input_dim=d, pieces=p)

    def ok(m):
        log2_growth = sum(1 + W * math.log2(2 * math.e * m * k * p * i / W) for i, (k, W) in enumerate(zip(ks, Ws), 1))
        return m <= log2_growth

    allowed = [m for m in range(1, int(2 * bound)) if ok(m)]
    assert allowed == list(range(allowed[0], allowed[-1] + 1))
    assert allowed[-1] == exact_bounds.largest_growth_allowed(list(widths), d, p) < bound


@pytest.mark.parametrize("widths,d,want", [((3,), 1, 4), ((2, 3), 2, 5), ((5, 7, 7, 7, 2), 3, 12), ((1,), 5, 6)])
def test_largest_constructed_shattered_set(widths, d, want):
    """The measure of vc-dimension-upper-constructions: the elementary constructions' count (the line,
    the circle, the simplex) or the bit-extraction grid's, whichever is larger."""
    assert vc.largest_constructed_shattered(widths, d, seed=0) == want
    assert want <= ev("vc-dimension-lower", widths=list(widths), input_dim=d) <= ev("vc-dimension-upper",
                                                                                     widths=list(widths), input_dim=d)


# ----------------------------------------------------------------- vc-dimension-lower: bit extraction
def elementary_lower(widths, d):
    return max(d + 1, widths[0] + 1, 2 * widths[0] + 1 if d >= 2 else 0)


@pytest.mark.parametrize("widths,d,want", [
    ((16,) * 6, 2, 14 * 5),  # n = 16 - 2, m = 6 - 1 bit layers
    ((10, 7, 7, 7, 7, 7, 7, 7, 1), 4, 8 * 8),  # the last bit layer needs one unit
    ((12, 7, 7, 3, 16, 16), 2, 10 * 3),  # width 3 < 7 ends the bits: it is the last bit layer
    ((40, 6, 40, 40), 3, 38 * 1),  # below 2 k_1 + 1 = 81: the circle wins
    ((16,) * 6, 1, 17),  # one input: no grid, k_1 + 1
    ((2,) + (16,) * 9, 2, 5),  # n = 0
])
def test_vc_lower_bit_extraction_rule_by_hand(widths, d, want):
    assert ev("vc-dimension-lower", widths=list(widths), input_dim=d) == max(want, elementary_lower(widths, d))


def test_vc_lower_rule_equals_the_searched_construction_on_random_architectures():
    """Independent of the formula: the largest n x m grid the embedded networks shatter (every
    labelling up to 16 points, 300 seeded ones beyond), against the quantity, on deep narrow
    architectures where the grid often beats the elementary constructions."""
    rng = np.random.default_rng(7)
    grid_wins = 0
    for _ in range(16):
        widths = [int(rng.integers(3, 5))] + [int(w) for w in rng.choice([1, 3] + [7] * 8 + [8], size=rng.integers(4, 12))]
        d = int(rng.integers(2, 4))
        n, m = vc.bit_extraction_shattered(widths, d, seed=1)
        assert ev("vc-dimension-lower", widths=widths, input_dim=d) == max(n * m, elementary_lower(widths, d)), widths
        grid_wins += n * m > elementary_lower(widths, d)
    assert grid_wins >= 4


def test_bit_extraction_native_widths_and_padding():
    n, m = 5, 4
    layers = vc.bit_extraction_layers(n, m, np.zeros((n, m)))
    assert [W.shape[-2] for W, _ in layers] == [n + 2, 7, 7, 7, 1]
    net = vc.embed_network(layers, [9, 8, 7, 7, 3, 1, 5], 4)
    assert [W.shape for W, _ in net] == [(9, 4), (8, 9), (7, 8), (7, 7), (3, 7), (1, 3), (5, 1), (1, 5)]
    assert not net[0][0][:, 2:].any() and not net[0][0][n + 2:].any()  # extra inputs and units: zero weights
    with pytest.raises(ValueError):  # 2^25 (8 2^25 + 2 + 75 + 1) >= 2^53: float64 could round
        vc.bit_extraction_layers(1, 25, np.zeros((1, 25)))


def test_bit_extraction_float64_exact_near_the_refusal_limit():
    """n = 3, m = 24 (2^24 (8 2^24 + 18 + 72 + 1) < 2^53): float64 and rational arithmetic agree
    to the last bit (at m = 45, beyond the limit, they differed)."""
    n, m, d = 3, 24, 2
    bits = np.random.default_rng(5).integers(0, 2, (n, m))
    X = vc.bit_extraction_points(n, m, d)
    net = vc.embed_network(vc.bit_extraction_layers(n, m, bits), [n + 2] + [7] * (m - 1) + [1], d)
    out = mlp.forward(net, X)
    assert [float(v) for v in mlp.forward(net, X, exact=True)] == list(out)
    assert np.array_equal(np.sign(out), 2.0 * bits.ravel() - 1)


def test_bit_extraction_network_against_the_numba_kernel_and_exact_arithmetic():
    """One labelling, re-evaluated by the Numba predict_kernel from the flat parameter vector
    and in rational arithmetic: the float64 values are exact, the signs are the labels."""
    n, m, d, widths = 4, 5, 3, [7, 8, 7, 7, 7, 2, 4]
    bits = np.random.default_rng(3).integers(0, 2, (n, m))
    X = vc.bit_extraction_points(n, m, d)
    net = vc.embed_network(vc.bit_extraction_layers(n, m, bits), widths, d)
    flat = np.concatenate([a.ravel() for layer in net for a in layer])
    out = mlp.predict_kernel(flat, mlp.layer_sizes(d, widths), np.ascontiguousarray(X, dtype=np.float64))
    assert np.array_equal(out, mlp.forward(net, X))
    assert [float(v) for v in mlp.forward(net, X, exact=True)] == list(out)
    assert np.array_equal(np.sign(out), 2.0 * bits.ravel() - 1)


def test_bit_extraction_fails_with_one_layer_or_one_unit_fewer():
    """The power test's networks: in widths 7,7,7,1 (n = 5, m = 3) the 5 x 4 grid (its last bit
    layer dropped) and the 6 x 1 grid (its last kink dropped) each miss some labelling."""
    widths, d = [7, 7, 7, 1], 2
    assert vc.bit_extraction_realises(widths, d, 5, 3, vc.bit_extraction_labellings(5, 3, seed=0))
    assert not vc.bit_extraction_realises(widths, d, 5, 4, vc.bit_extraction_labellings(5, 4, seed=0))
    assert not vc.bit_extraction_realises(widths, d, 6, 1, vc.bit_extraction_labellings(6, 1, seed=0))
    assert vc.bit_extraction_shattered(widths, d, seed=0) == (5, 3)


def test_bit_extraction_labellings_seeded_and_exhaustive():
    assert vc.bit_extraction_labellings(3, 4, seed=0).shape == (4096, 3, 4)
    assert len({tuple(b.ravel()) for b in vc.bit_extraction_labellings(3, 4, seed=0)}) == 4096
    a, b = vc.bit_extraction_labellings(5, 4, seed=9), vc.bit_extraction_labellings(5, 4, seed=9)
    assert a.shape == (300, 5, 4) and np.array_equal(a, b)


def test_vc_lower_bit_extraction_check_rejects_one_more_bit_at_every_point():
    """Stronger than the conformance suite's power test (one point): every quick point rejects n (m + 1)."""
    out = numerics.run_check(numerics.get_check("vc-dimension-lower-bit-extraction"), seed=0, quick=True)
    assert out.passed and all(r["wrong_rejected"] for r in out.records), out.records
