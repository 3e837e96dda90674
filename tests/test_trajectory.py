"""Trajectory length (Raghu et al. 2017, Thm 1): the published and corrected bases, the wide-network
growth, the tangent simulator against drawn weights and exact tracing (the checks themselves are
run by the conformance suite)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from scipy import integrate, stats

from dltheory import derivations, numerics
from dltheory.numerics.regions import trajectory as T
from dltheory.theory import BadInput, evaluate
from dltheory.theory.regions import hardtanh_fixed_point, hardtanh_second_moment


@pytest.mark.parametrize("k,sw,sb", [(32, 4.0, 0.0), (9, 1.0, 0.0), (5, 0.7, 1.3), (1000, 2.0, 0.5)])
def test_published_hardtanh_base_is_the_papers(k, sw, sb):
    # the ICLR 2017 text of Thm 1: sigma_w/(sigma_w^2+sigma_b^2)^(1/4) * sqrt(k)/sqrt(sqrt(sigma_w^2+sigma_b^2)+k)
    s2 = sw**2 + sb**2
    iclr = sw / s2**0.25 * math.sqrt(k) / math.sqrt(math.sqrt(s2) + k)
    assert evaluate("trajectory-growth", width=k, sigma_w=sw, sigma_b=sb, form="paper") == pytest.approx(iclr, rel=1e-13)


def test_published_and_corrected_relu_bases():
    assert evaluate("trajectory-growth", width=9, sigma_w=2.0, activation="relu", form="paper") == \
        pytest.approx(2.0 * math.sqrt(9 / 10))
    # p = 1/2: sigma_w sqrt(1/2) sqrt((k/2)/(k/2 + 1)); He init, k = 32: sqrt(32/34)
    assert evaluate("trajectory-growth", width=32, sigma_w=math.sqrt(2), activation="relu") == \
        pytest.approx(math.sqrt(32 / 34))


@pytest.mark.parametrize("activation", ["hardtanh", "relu"])
@pytest.mark.parametrize("sw,sb", [(4.0, 0.0), (2.0, 0.5), (8.0, 1.0)])
def test_corrected_base_below_published_and_below_the_wide_growth(activation, sw, sb):
    for k in (4, 32, 10**6):
        corrected = evaluate("trajectory-growth", width=k, sigma_w=sw, sigma_b=sb, activation=activation)
        assert corrected < evaluate("trajectory-growth", width=k, sigma_w=sw, sigma_b=sb, activation=activation,
                                    form="paper")
        assert corrected <= evaluate("trajectory-growth-wide", sigma_w=sw, sigma_b=sb, activation=activation)


@pytest.mark.parametrize("q", [0.05, 0.7, 3.0, 40.0])
def test_hardtanh_second_moment_against_quadrature(q):
    f = lambda h: np.clip(h, -1, 1) ** 2 * stats.norm.pdf(h, scale=math.sqrt(q))  # noqa: E731
    value = sum(integrate.quad(f, a, b, epsabs=1e-13)[0] for a, b in [(-np.inf, -1), (-1, 1), (1, np.inf)])
    assert hardtanh_second_moment(q) == pytest.approx(value, rel=1e-10)


@pytest.mark.parametrize("sw,sb", [(4.0, 0.0), (1.2, 0.3), (1.05, 0.0), (20.0, 3.0)])
def test_hardtanh_fixed_point_and_wide_growth(sw, sb):
    q = hardtanh_fixed_point(sw, sb)
    assert q == pytest.approx(sw**2 * hardtanh_second_moment(q) + sb**2, rel=1e-12)
    # chi1 = sigma_w^2 P(|h| < 1), h ~ N(0, q*), by direct normal cdf
    chi1 = sw**2 * (2 * stats.norm.cdf(1 / math.sqrt(q)) - 1)
    assert evaluate("trajectory-growth-wide", sigma_w=sw, sigma_b=sb) == pytest.approx(math.sqrt(chi1), rel=1e-12)


def test_wide_growth_in_the_ordered_phase_and_relu():
    assert hardtanh_fixed_point(0.8, 0.0) == 0.0
    assert evaluate("trajectory-growth-wide", sigma_w=0.8) == pytest.approx(0.8)
    assert evaluate("trajectory-growth-wide", sigma_w=3.0, sigma_b=1.0, activation="relu") == pytest.approx(3 / math.sqrt(2))


def test_bad_inputs():
    with pytest.raises(BadInput):
        evaluate("trajectory-growth", width=8, sigma_w=1.0, form="tight")
    with pytest.raises(BadInput):
        evaluate("trajectory-growth-wide", sigma_w=1.0, activation="tanh")


def test_derivation_keeps_the_hardtanh_second_moment():
    """The derivation's E[hardtanh(h)^2] (an intermediate, not a result) equals the evaluator's."""
    doc = derivations.get("regions-trajectory-growth").document()
    q = sp.Symbol("q", positive=True)
    for value in (0.05, 2.5, 40.0):
        assert float(doc.kept["hardtanh-second-moment"].subs(q, value)) == \
            pytest.approx(hardtanh_second_moment(value), rel=1e-12)


@pytest.mark.parametrize("activation,sw,sb", [("hardtanh", 4.0, 0.0), ("relu", 2.0, 0.5), ("hardtanh", 2.0, 1.0)])
def test_sufficient_statistics_match_drawn_weights(activation, sw, sb):
    """Per-layer mean length of both paths agree (z-test, 5 layers, 1e-4 family-wise)."""
    fast = T.tangent_lengths(11, activation, 16, 5, sw, sb, 20000)
    slow = T.tangent_lengths_weights(12, activation, 16, 5, sw, sb, 1500)
    for d in range(5):
        a, b = numerics.mean(fast[:, d]), numerics.mean(slow[:, d])
        assert abs(a.z(b.value, b.stderr)) < numerics.z_critical(1e-4, 5), (d, a, b)


def test_first_layer_length_of_relu_is_exact():
    """Layer 1 at He init: E|dz|^2 = sigma_w^2/2 exactly at any width (the symmetry h -> -h)."""
    lengths = T.tangent_lengths(3, "relu", 8, 1, math.sqrt(2), 0.3, 40000)
    est = numerics.mean(lengths[:, 0] ** 2)
    assert abs(est.z(1.0)) < 4


def test_tangent_lengths_do_not_depend_on_thread_count(monkeypatch):
    runs = []
    for threads in ("1", "3"):
        monkeypatch.setenv("DLTHEORY_THREADS", threads)
        runs.append(T.tangent_lengths(5, "hardtanh", 12, 4, 3.0, 0.2, 700))
    assert np.array_equal(runs[0], runs[1])


def test_growth_estimate_of_a_known_geometric_sequence():
    rng = np.random.default_rng(1)
    noise = rng.lognormal(0.0, 0.1, 5000)
    lengths = noise[:, None] * 1.3 ** np.arange(1, 11)[None, :]
    est = T.growth_per_layer(lengths, 4, 10)
    assert est.value == pytest.approx(1.3, rel=1e-12)


@pytest.mark.slow
def test_circle_length_by_exact_tracing_matches_the_tangent_sampler():
    """E[l(image of a circle)]/l(circle) by exact tracing of a 64-gon through drawn hard-tanh nets."""
    k, depth, sides, sw = 12, 4, 64, 3.0
    nets = numerics.sized(200, minimum=60)
    rng = np.random.default_rng(21)
    ratios = np.empty((nets, depth))
    theta = 2 * np.pi * np.arange(sides + 1) / sides
    for n in range(nets):
        u, v = np.linalg.qr(rng.standard_normal((k, 2)))[0].T
        pts = math.sqrt(k) * (np.cos(theta)[:, None] * u + np.sin(theta)[:, None] * v)
        layers = T.hardtanh_as_relu(rng, k, k, depth, sw, 0.0)
        image = sum(T.trajectory_lengths(layers, k, pts[i], pts[i + 1]) for i in range(sides))
        ratios[n] = image / (sides * np.linalg.norm(pts[1] - pts[0]))
    sampler = T.tangent_lengths(22, "hardtanh", k, depth, sw, 0.0, 40000)
    for d in range(depth):
        a, b = numerics.mean(ratios[:, d]), numerics.mean(sampler[:, d])
        assert abs(a.z(b.value, b.stderr)) < numerics.z_critical(1e-3, depth), (d, a, b)


@pytest.mark.slow
def test_hardtanh_trajectory_growth_exact_tracing_between_corrected_and_published_base():
    """Exact tracing of segments through drawn hard-tanh nets: corrected base < growth < published base."""
    rng = np.random.default_rng(12)
    k, sw, depth = 32, 4.0, 5
    nets = numerics.sized(60, minimum=20)
    lengths = np.empty((nets, depth))
    for s in range(nets):
        x0, x1 = 0.5 * rng.standard_normal(k), 0.5 * rng.standard_normal(k)
        layers = T.hardtanh_as_relu(rng, k, k, depth, sw, 0.0)
        lengths[s] = T.trajectory_lengths(layers, k, x0, x1) / np.linalg.norm(x1 - x0)
    ratio = lengths[:, -1] / lengths[:, -2]
    est = numerics.mean(ratio)
    published = evaluate("trajectory-growth", width=k, sigma_w=sw, form="paper")
    assert est.value + 4 * est.stderr < published  # about 1.74 against 1.89
    assert est.value - 4 * est.stderr > evaluate("trajectory-growth", width=k, sigma_w=sw)  # 1.65
