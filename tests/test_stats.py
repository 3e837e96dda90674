"""The statistics every check relies on."""
import math

import numpy as np
import pytest

from dltheory.numerics import Estimate, _parallel, extrapolate, proportion, weighted_polyfit, wilson, z_critical


def test_wilson_interval_reference_values():
    # Reference: Wilson (1927) score interval, 95%: for 0/10 it is [0, 0.2775]; for 5/10 [0.2366, 0.7634]
    assert wilson(0, 10) == pytest.approx((0.0, 0.27753), abs=1e-5)
    assert wilson(5, 10) == pytest.approx((0.23659, 0.76341), abs=1e-5)
    est = proportion(0, 10)
    assert est.value == 0 and est.stderr > 0 and est.interval[1] > 0.2


def test_z_critical_bonferroni():
    assert z_critical(0.05) == pytest.approx(1.959964, abs=1e-6)
    assert z_critical(0.01, 10) == pytest.approx(3.290527, abs=1e-6)  # Phi^-1(1 - 0.0005)


def test_weighted_polyfit_recovers_line_and_error():
    x = np.linspace(0, 1, 9)
    y = 2 + 3 * x
    fit = weighted_polyfit(x, y, np.full(9, 0.1), degree=1)
    assert fit.coefficient(0)[0] == pytest.approx(2) and fit.coefficient(1)[0] == pytest.approx(3)
    # error of the intercept for unit-weight OLS: s * sqrt(sum x^2 / (n Sxx))
    sxx = ((x - x.mean()) ** 2).sum()
    assert fit.coefficient(0)[1] == pytest.approx(0.1 * math.sqrt((x**2).sum() / (9 * sxx)))


def test_map_chunks_is_independent_of_thread_count(monkeypatch):
    work = lambda g, n: g.standard_normal(n).sum()  # noqa: E731
    results = []
    for threads in ("1", "2", "3"):
        monkeypatch.setenv("DLTHEORY_THREADS", threads)
        results.append(_parallel.map_chunks(work, 10_000, 1000, 7))
    assert results[0] == results[1] == results[2]


def test_extrapolate_carries_the_per_size_data_and_its_fit():
    import json

    sizes = (16, 32, 64, 128)
    ests = [Estimate(2 + 3 / n - 5 / n**2, 0.01 * (1 + k), 100) for k, n in enumerate(sizes)]
    line = extrapolate(sizes, ests)
    exact = extrapolate(sizes, ests, degree=2, fitted="something else")
    assert exact.value == pytest.approx(2, abs=1e-12) and line.value != pytest.approx(2, abs=1e-3)
    assert exact.n == 400 and exact.finite_size.coefficients == pytest.approx((2, 3, -5))
    record = json.loads(json.dumps(line.finite_size.record(), allow_nan=False))
    assert record["of"] is None and exact.finite_size.record()["of"] == "something else"
    assert [p["N"] for p in record["sizes"]] == list(sizes)
    assert [(p["value"], p["stderr"], p["n"]) for p in record["sizes"]] == [(e.value, e.stderr, e.n) for e in ests]
    assert record["fit"]["coefficients"][0] == line.value and record["fit"]["intercept_stderr"] == line.stderr
    one_sample = extrapolate((8, 16, 32), [Estimate(1.0, math.inf, 1)] + ests[1:3])
    assert one_sample.finite_size.record()["sizes"][0]["stderr"] == "inf"


def test_quantile_of_a_known_distribution():
    """The 0.95 quantile of 4000 uniforms: within 4 s.e. of 0.95, its s.e. near the asymptotic
    sqrt(p (1 - p) / T) / f (f = 1), and its distribution-free interval covering it."""
    from dltheory import numerics

    T = 4000
    x = np.random.default_rng(2).random(T)
    est = numerics.quantile(x, 0.95)
    assert abs(est.z(0.95)) < 4
    assert est.stderr == pytest.approx(math.sqrt(0.95 * 0.05 / T), rel=0.3)
    assert est.interval[0] <= 0.95 <= est.interval[1]
