"""The check harness itself: the threshold it applies, the power test, resolution, and the
calibration of the standard errors every check relies on."""
import math

import numpy as np
import pytest

from dltheory.numerics import Check, Estimate, extrapolate, mean, proportion, run_check, z_critical


def _check(values, theory=1.0, wrong=None, rule="z", alpha=0.01, stderr=1.0, tolerance=0.0, loose=""):
    """A check of a constant theory whose i-th point measures values[i] with the given stderr."""
    return Check("harness", ("harness-quantity",), "harness", rule=rule, alpha=alpha, tolerance=tolerance, loose=loose,
                 grid=lambda quick: [{"i": i} for i in range(len(values))],
                 measure=lambda point, seed, quick: Estimate(values[point["i"]], stderr, 100),
                 theory=lambda point: theory, theory_note="a constant, for the harness test",
                 wrong=(lambda point: wrong) if wrong is not None else None)


@pytest.mark.parametrize("points", [1, 3, 10])
def test_run_check_applies_the_bonferroni_threshold(points):
    z = z_critical(0.01, points)
    assert z == pytest.approx(math.sqrt(2) * _erfinv(1 - 0.01 / points), rel=1e-12)
    inside = [1.0] * (points - 1) + [1.0 + 0.999 * z]
    outside = [1.0] * (points - 1) + [1.0 + 1.001 * z]
    ok = run_check(_check(inside, wrong=100.0))
    bad = run_check(_check(outside, wrong=100.0))
    assert ok.passed and all(r["threshold"] == z for r in ok.records)
    assert not bad.passed and not bad.records[-1]["pass"]
    assert [r["pass"] for r in bad.records[:-1]] == [True] * (points - 1)


def _erfinv(y):
    from statistics import NormalDist

    return NormalDist().inv_cdf((1 + y) / 2) / math.sqrt(2)


def test_a_check_whose_wrong_theory_is_its_theory_fails():
    out = run_check(_check([1.0, 1.0], wrong=1.0))
    assert all(r["agrees"] for r in out.records)
    assert not out.power_rejected and not out.passed


def test_the_default_power_test_is_five_per_cent():
    out = run_check(_check([1.0], stderr=0.001))
    assert out.records[0]["wrong_theory"] == pytest.approx(1.05) and out.passed


def test_a_point_that_cannot_resolve_its_power_deviation_fails_as_unresolved():
    # theory 1, wrong 1.05: a point with stderr 0.1 cannot see 0.05 (z* ~ 2.6 s.e. = 0.26)
    coarse = run_check(_check([1.0, 1.0], wrong=1.05, stderr=0.1))
    r = coarse.records[0]
    assert r["agrees"] and not r["resolved"] and not r["pass"] and not coarse.passed
    assert r["resolution"] == pytest.approx(z_critical(0.01, 2) * 0.1)
    assert r["relative_resolution"] == pytest.approx(r["resolution"]) and r["power_deviation"] == pytest.approx(0.05)
    fine = run_check(_check([1.0, 1.0], wrong=1.05, stderr=0.01))
    assert all(r["resolved"] for r in fine.records) and fine.passed
    exact = run_check(_check([1.0], wrong=1.05, rule="exact", stderr=0.0, tolerance=0.1))
    assert not exact.records[0]["resolved"] and not exact.passed


def test_bound_rules_are_one_sided():
    loose = "loose by design (a harness test)"
    below = run_check(_check([0.5], theory=1.0, wrong=0.4, rule="upper-bound", stderr=0.01, loose=loose))
    above = run_check(_check([1.5], theory=1.0, wrong=2.0, rule="upper-bound", stderr=0.01, loose=loose))
    assert below.passed and not above.records[0]["agrees"]
    low = run_check(_check([1.5], theory=1.0, wrong=1.6, rule="lower-bound", stderr=0.01, loose=loose))
    assert low.passed


def _z_scores(estimator, truth, seeds=400):
    return np.array([(e.value - truth) / e.stderr for e in (estimator(np.random.default_rng(s)) for s in range(seeds))])


@pytest.mark.parametrize("name, estimator, truth", [
    ("mean of 50 exponentials", lambda g: mean(g.exponential(2.0, 50)), 2.0),
    ("proportion of 400 trials at 0.3", lambda g: proportion(int(g.binomial(400, 0.3)), 400), 0.3),
    ("intercept of a 1/N fit", lambda g: extrapolate(
        (16, 32, 64), [Estimate(1 + 2 / n + g.normal(0, 0.05), 0.05, 100) for n in (16, 32, 64)]), 1.0),
])
def test_standard_errors_are_calibrated(name, estimator, truth):
    """z-scores over 400 seeds have mean 0 and standard deviation 1 within their sampling error
    (5 standard errors: s.e. of the mean 1/sqrt(400), of the s.d. about 1/sqrt(2 * 400))."""
    z = _z_scores(estimator, truth)
    assert abs(z.mean()) < 5 / math.sqrt(len(z)), name
    assert abs(z.std(ddof=1) - 1) < 5 / math.sqrt(2 * len(z)), name


def test_tripled_standard_errors_would_be_caught():
    """The calibration test has the power to see a mis-scaled standard error."""
    z = _z_scores(lambda g: mean(g.exponential(2.0, 50)), 2.0) / 3
    assert abs(z.std(ddof=1) - 1) > 5 / math.sqrt(2 * len(z))


def test_a_wrong_theory_of_none_declares_a_point_without_power():
    values = [1.0, 1.0]
    c = Check("harness", ("harness-quantity",), "harness", rule="z", grid=lambda quick: [{"i": 0}, {"i": 1}],
              measure=lambda point, seed, quick: Estimate(values[point["i"]], 0.1, 100),
              theory=lambda point: 1.0, theory_note="a constant, for the harness test",
              wrong=lambda point: None if point["i"] == 0 else 2.0)
    out = run_check(c)
    first, second = out.records
    assert first["wrong_theory"] is None and first["resolved"] and first["power_deviation"] == 0
    assert second["wrong_rejected"] and out.passed


def test_shared_sample_gives_every_point_the_check_seed():
    """`shared_sample=True`: every grid point gets (seed, check name); otherwise each point its own."""
    from dltheory.numerics import Check, Estimate
    from dltheory.numerics._check import point_seed

    def make(shared):
        return Check("harness-shared", ("harness-quantity",), "harness", grid=lambda quick: [{"i": 0}, {"i": 1}],
                     measure=lambda point, seed, quick: Estimate(1.0, 0.1, 10), shared_sample=shared)

    shared, separate = make(True), make(False)
    assert point_seed(shared, 5, 0).entropy == point_seed(shared, 5, 1).entropy
    assert point_seed(separate, 5, 0).entropy != point_seed(separate, 5, 1).entropy
    assert point_seed(separate, 5, 0).entropy[:2] == point_seed(shared, 5, 0).entropy
