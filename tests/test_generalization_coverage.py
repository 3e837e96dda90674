"""Coverage of the VC and Rademacher margin bounds on random labels: the exact violation probability
against enumeration, the simulators against plain NumPy and the definition. (The checks themselves,
quick and at full size: tests/test_conformance.py.)"""
import itertools
import math

import numpy as np
import pytest

from dltheory import numerics, theory
from dltheory.numerics.generalization import coverage as cov, estimators, kernels


def threshold_erm_errors_by_definition(x, positive):
    """min over cuts k of (positives among the k smallest) + (negatives among the rest)."""
    lab = np.asarray(positive)[np.argsort(x)]
    return min(int(lab[:k].sum()) + int((1 - lab[k:]).sum()) for k in range(len(lab) + 1))


# ----------------------------------------------------------------- VC, thresholds
def test_threshold_cdf_equals_enumeration_of_all_labellings():
    for n in range(1, 13):
        errors = [threshold_erm_errors_by_definition(np.arange(n), np.array(lab))
                  for lab in itertools.product((0, 1), repeat=n)]
        for k in range((n + 1) // 2):
            want = sum(e <= k for e in errors)
            assert cov.threshold_erm_cdf(n, k) * 2 ** n == want, (n, k)


def test_threshold_kernel_against_definition():
    gen = np.random.default_rng(3)
    x = gen.random((50, 37))
    positive = gen.integers(0, 2, size=(50, 37), dtype=np.int8)
    got = kernels.threshold_erm_kernel(x, positive)
    assert [threshold_erm_errors_by_definition(x[t], positive[t]) for t in range(50)] == list(got)


def test_vc_bound_exact_violation_rates():
    """Real bound <= delta; complexity term / 2 and / 4 still < 1e-4; / 8 above delta (the power test)."""
    for n in (64, 256, 1024, 4096):
        assert cov.vc_threshold_violation(n, 0.05) <= 0.05
        assert cov.vc_threshold_violation(n, 0.05, 0.5) < 1e-4
        assert cov.vc_threshold_violation(n, 0.05, 0.25) < 1e-4
        assert cov.vc_threshold_violation(n, 0.05, 0.125) > 0.05


@pytest.mark.parametrize("n", [256, 512, 1024, 4096])
def test_vc_critical_count_is_where_the_quantity_crosses_one_half(n):
    k = cov.vc_threshold_critical(n, 0.05)
    def bound(j):
        return theory.evaluate("vc-generalization-bound", vc=1, n=n, delta=0.05, empirical_risk=j / n)

    assert (k < 0 or bound(k) < 0.5) and bound(k + 1) >= 0.5


def test_threshold_simulator_matches_exact_cdf():
    """z-test at 4 standard errors (false-alarm rate 6e-5 per k) for three error counts, where the
    violation rates are large (the check's own points, at the real bound, have rates near 0)."""
    n, trials = 40, 20000
    errors = estimators.threshold_erm_errors(n, trials, 21)
    for k in (10, 13, 15):
        est = numerics.proportion(int((errors <= k).sum()), trials)
        assert abs(est.z(float(cov.threshold_erm_cdf(n, k)))) < 4, k


# ----------------------------------------------------------------- margin bound, Hebbian learner
def test_hebbian_kernel_against_numpy():
    gen = np.random.default_rng(5)
    g = gen.standard_normal((6, 20, 30))
    positive = gen.integers(0, 2, size=(6, 20), dtype=np.int8)
    gamma = 0.15
    x = g / np.linalg.norm(g, axis=2, keepdims=True)
    y = 2.0 * positive - 1
    w = np.einsum("tn,tnd->td", y, x)
    w /= np.linalg.norm(w, axis=1, keepdims=True)
    margins = y * np.einsum("tnd,td->tn", x, w)
    want = np.clip(1 - margins / gamma, 0, 1).mean(axis=1)
    np.testing.assert_allclose(kernels.hebbian_ramp_kernel(g, positive, gamma), want, rtol=1e-12)


def test_margin_check_theory_and_wrong_theory_by_hand():
    """The margin check's points are the quantity's: margin_risk 0, Rad_S <= 1/sqrt(n) (unit inputs, ||w|| <= 1)."""
    c = numerics.get_check("rademacher-margin-bound-coverage")
    p = {"margin_risk": 0.0, "gamma": 0.1, "rademacher": 1 / math.sqrt(200), "n": 200, "delta": 0.05}
    conf = 3 * math.sqrt(math.log(1 / 0.05) / 400)  # BFT Lemma 3.1
    assert c.theory_value(p) == pytest.approx(2 / (0.1 * math.sqrt(200)) + conf, rel=1e-13)
    assert c.wrong_value(p) == pytest.approx(conf, rel=1e-13)
    for point in c.grid(False):
        assert point["rademacher"] == 1 / math.sqrt(point["n"]) and point["margin_risk"] == 0.0


def test_rademacher_of_the_sample_below_the_bound_used():
    """Rad_S of the unit l2 ball, (1/n) E||sum sigma_i x_i||, on inputs on the sphere, by MC over signs:
    consistent with the Jensen bound 1/sqrt(n) the check uses, and within 1 % of it when d = 4n
    (so the check's complexity term is not inflated by the bound)."""
    gen = np.random.default_rng(8)
    n, d = 64, 256
    x = gen.standard_normal((n, d))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    signs = gen.integers(0, 2, size=(4000, n)) * 2.0 - 1
    est = numerics.mean(np.linalg.norm(signs @ x, axis=1) / n)
    assert est.value - 4 * est.stderr < 1 / math.sqrt(n)
    assert est.value > 0.99 / math.sqrt(n)


def test_thread_count_independence(monkeypatch):
    res = {}
    for threads in ("1", "2"):
        monkeypatch.setenv("DLTHEORY_THREADS", threads)
        res[threads] = (estimators.threshold_erm_errors(30, 600, 4, chunk=64),
                        estimators.hebbian_ramp_risks(10, 20, 0.2, 40, 4, chunk=8))
    for a, b in zip(res["1"], res["2"]):
        assert np.array_equal(a, b)
