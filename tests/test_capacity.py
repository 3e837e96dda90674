"""Tests for the capacity capability: each quantity against an independent computation, the
simulators against brute force and references, bad inputs, and thread-count independence.
(The conformance suite evaluates the examples, builds the derivations and proves their results
equal to the quantities, and runs every check with its power test.)"""
from __future__ import annotations

import itertools
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from dltheory.theory import evaluate
from dltheory.theory import capacity as th


# ----------------------------------------------------------------------------- Cover
def _brute_force_dichotomies(X: np.ndarray) -> int:
    """Count labellings of the rows of X separable through the origin, one LP (HiGHS) each."""
    from scipy.optimize import linprog

    P, N = X.shape
    count = 0
    for labels in itertools.product((-1.0, 1.0), repeat=P):
        A = -np.asarray(labels)[:, None] * X
        r = linprog(np.zeros(N), A_ub=A, b_ub=-np.ones(P), bounds=[(None, None)] * N, method="highs")
        count += r.status == 0
    return count


@pytest.mark.parametrize("P,N", [(4, 2), (5, 2), (6, 3), (7, 3), (8, 4), (3, 5)])
def test_cover_count_against_brute_force_lp(P, N):
    from dltheory.numerics import capacity as nc

    X = np.random.default_rng(P * 10 + N).standard_normal((P, N))
    assert evaluate("cover-count", P=P, N=N) == _brute_force_dichotomies(X)
    # the simulator of check capacity-cover-count (Gordan simplex) on the same points
    assert nc.separable_dichotomies(X) == (_brute_force_dichotomies(X), 0)


def test_dichotomy_counter_sees_points_not_in_general_position():
    """Two of three points in the plane on one ray (x2 = 2 x1) must share their label: 4 dichotomies,
    not Cover's 6. The counter measures the point set, it does not recite Cover's count."""
    from dltheory.numerics import capacity as nc

    X = np.array([[1.0, 0.3], [2.0, 0.6], [0.2, 1.0]])
    assert nc.separable_dichotomies(X) == (_brute_force_dichotomies(X), 0)
    assert _brute_force_dichotomies(X) < evaluate("cover-count", P=3, N=2)


def test_cover_count_against_the_recursion_and_exact_values():
    from functools import lru_cache

    @lru_cache(maxsize=None)
    def rec(P, N):  # Cover's recursion, an independent code path
        if P == 1 or N == 1:
            return 2
        return rec(P - 1, N) + rec(P - 1, N - 1)

    for P in range(1, 40):
        for N in range(1, 20):
            assert evaluate("cover-count", P=P, N=N) == rec(P, N)
    assert evaluate("cover-separable-probability", P=200, N=100) == Fraction(1, 2)
    # exact big integer (no float rounding): 2 sum_{k<50} binom(199, k), by math.comb
    assert evaluate("cover-count", P=200, N=50) == 2 * sum(math.comb(199, k) for k in range(50))
    assert evaluate("cover-count", P=0, N=3) == 1


def test_cover_mean_capacity_is_exactly_two():
    # E[P_max] = sum_{P>=1} C(P,N)/2^P = 2N (the mean storable count of the spherical perceptron)
    for N in (1, 3, 7):
        s = sum(evaluate("cover-separable-probability", P=P, N=N) for P in range(1, 400))
        assert abs(float(s) - 2 * N) < 1e-12


# ----------------------------------------------------------------------------- Gardner
@pytest.mark.parametrize("kappa", [0.0, 0.3, 1.0, 2.5, 6.0])
def test_gardner_against_mpmath_quadrature(kappa):
    mpmath.mp.dps = 30
    inv = mpmath.quad(lambda t: mpmath.npdf(t) * (t + kappa) ** 2, [-kappa, mpmath.inf])
    assert evaluate("gardner-capacity", kappa=kappa) == pytest.approx(float(1 / inv), rel=1e-13)
    hi = evaluate("gardner-capacity", kappa=kappa, dps=30)
    assert abs(hi - 1 / inv) < mpmath.mpf(10) ** -25


def test_gardner_known_values():
    assert evaluate("gardner-capacity", kappa=0) == pytest.approx(2.0, abs=1e-15)
    # large kappa: alpha_c ~ 1/kappa^2 (Gardner 1988)
    assert evaluate("gardner-capacity", kappa=15.0) * 15.0 ** 2 == pytest.approx(1 / (1 + 1 / 15.0 ** 2), rel=1e-12)


def test_gardner_critical_margin_inverts_the_capacity():
    for alpha in (0.05, 0.3, 1.0, 1.7, 1.999):
        k = evaluate("gardner-critical-margin", alpha=alpha)
        assert evaluate("gardner-capacity", kappa=k) == pytest.approx(alpha, rel=1e-12)
        hi = evaluate("gardner-critical-margin", alpha=alpha, dps=30)
        assert abs(hi - k) < 1e-12
        mpmath.mp.dps = 40  # the 30-digit root against mpmath quadrature of Gardner's integral
        inv = mpmath.quad(lambda t: mpmath.npdf(t) * (t + hi) ** 2, [-hi, mpmath.inf])
        assert abs(inv - 1 / mpmath.mpf(alpha)) < mpmath.mpf(10) ** -27
    assert evaluate("gardner-critical-margin", alpha=2.0) == 0.0  # Cover's capacity: zero margin
    ks = [evaluate("gardner-critical-margin", alpha=a) for a in (0.2, 0.5, 1.0, 1.5)]
    assert ks == sorted(ks, reverse=True)


def test_gardner_negative_kappa_refused_or_warned(cli):
    r = cli("eval", "gardner-capacity", "kappa=-0.5")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "kappa" in r.stderr and "unstable" in r.stderr
    r = cli("eval", "gardner-capacity", "kappa=-0.5", "negative=rs-upper-bound")
    assert r.returncode == 0 and "  warning: kappa=-0.5 < 0" in r.stdout and "upper bound" in r.stdout
    assert float(r.stdout.splitlines()[0].split(" = ")[-1]) > 2.0


# ----------------------------------------------------------------------------- Ising
def test_ising_1rsb_double_against_mpmath_newton():
    lo = evaluate("ising-perceptron-capacity")
    hi = evaluate("ising-perceptron-capacity", dps=20)
    assert abs(lo - float(hi)) < 1e-11
    # Krauth & Mezard (1989) quote alpha_c ~ 0.83; Ding & Sun (2019, arXiv:1809.07742) 0.833078599
    assert abs(hi - mpmath.mpf("0.833078599")) < 1e-9


def test_ising_rs_entropy_changes_sign():
    assert th.ising_rs_entropy(0.80) > 0 > th.ising_rs_entropy(0.86)
    assert th.ising_rs_entropy(1.0) < 0  # the RS solution at the first-moment bound already has s < 0


def test_ising_power_test_is_the_derived_rs_value():
    """The check's wrong theory is the replica-symmetric capacity that derivation capacity-ising
    derives (4/pi), not a switch of the quantity."""
    from dltheory import derivations, numerics

    kept = derivations.get("capacity-ising").document().kept["alpha_rs"]
    check = numerics.get_check("capacity-ising-enumeration")
    assert float(kept) == pytest.approx(4 / math.pi, rel=1e-15) == check.wrong_value({})
    assert check.theory_value({}) == pytest.approx(0.8330785997, rel=1e-9)


# ----------------------------------------------------------------------------- teacher-student
def test_teacher_student_double_against_mpmath():
    for rule, a in (("bayes", 1.5), ("hebb", 3.0)):  # bayes shares the Gibbs saddle point
        lo = evaluate("teacher-student-error", rule=rule, alpha=a)
        hi = evaluate("teacher-student-error", rule=rule, alpha=a, dps=18)
        assert abs(lo - float(hi)) < 1e-11, (rule, a)


def test_teacher_student_asymptotes_and_literature_values():
    # Engel & Van den Broeck (2001): eps ~ 0.625/alpha (Gibbs), 0.442/alpha (Bayes), 0.5005/alpha (max-stab.)
    a = 1000.0
    for rule, const in (("gibbs", 0.6246), ("bayes", 0.4417), ("max-stability", 0.5005)):
        asym = evaluate("teacher-student-error", rule=rule, alpha=a, regime="large-alpha")
        assert asym * a == pytest.approx(const, abs=1e-4)
        assert evaluate("teacher-student-error", rule=rule, alpha=a) * a == pytest.approx(asym * a, rel=3e-3)
    # the Gibbs/Bayes constant I by mpmath quadrature (independent of the Gauss-Legendre sum)
    mpmath.mp.dps = 20
    I = mpmath.quad(lambda t: mpmath.exp(-t * t) / (mpmath.sqrt(2 * mpmath.pi) * mpmath.ncdf(t)), [-mpmath.inf, 0, mpmath.inf])
    assert th.gibbs_asymptote_integral() == pytest.approx(float(I), rel=1e-12)
    # Bayes is better than Gibbs, and Gibbs error = arccos(R)/pi with R = q
    for a in (0.5, 2.0, 10.0):
        g = evaluate("teacher-student-error", rule="gibbs", alpha=a)
        b = evaluate("teacher-student-error", rule="bayes", alpha=a)
        m = evaluate("teacher-student-error", rule="max-stability", alpha=a)
        assert b < m < g


def test_max_stability_reduces_to_gardner_without_teacher_information():
    # at R -> 0 the equations give Gardner's alpha_c(kappa) (derivation capacity-teacher-student)
    for R in (0.1, 0.05):
        a, k = th.max_stability_alpha_kappa(R)
        assert abs(a / th.gardner_capacity_value(k) - 1) <= 1.01 * R * R  # -> 1 as R -> 0 (observed: R^2)


def test_max_stability_equations_against_mpmath():
    R = 0.7
    a, k = th.max_stability_alpha_kappa(R)
    mpmath.mp.dps = 20
    s = mpmath.sqrt(1 - R * R)
    IA = mpmath.quad(lambda t: mpmath.npdf(t) * 2 * mpmath.ncdf(R * t / s) * (k - t) ** 2, [-mpmath.inf, 0, k])
    IB = mpmath.quad(lambda t: mpmath.npdf(t) * mpmath.npdf(R * t / s) * t * (k - t) ** 2, [-mpmath.inf, 0, k])
    assert float(1 - R * R - a * IA) == pytest.approx(0, abs=1e-12)
    assert float(R * s ** 3 + a * IB) == pytest.approx(0, abs=1e-12)


# ----------------------------------------------------------------------------- balls
def test_ball_limits():
    for D in (1, 3):
        for k in (0.0, 0.7):
            g = evaluate("gardner-capacity", kappa=k)
            assert evaluate("manifold-capacity-ball", radius=1e-7, dim=D, kappa=k) == pytest.approx(g, rel=1e-5)
            assert evaluate("manifold-capacity-ball", radius=0.0, dim=D, kappa=k) == g
            line = 1 / (D + 1 / g)
            assert evaluate("manifold-capacity-ball", radius=1e5, dim=D, kappa=k) == pytest.approx(line, rel=1e-4)
    # lines at zero margin: 2/3 (one constraint per line, then Cover in N - P dimensions)
    assert evaluate("manifold-capacity-ball", radius=1e6, dim=1, kappa=0) == pytest.approx(2 / 3, rel=1e-5)
    # R = 1, kappa = 0: the cone v0 >= |v| is self-dual, so by Moreau's decomposition and x -> -x
    # the mean squared distance of a Gaussian point in R^{D+1} to it is (D+1)/2: alpha = 2/(D+1)
    for D in range(1, 7):
        assert evaluate("manifold-capacity-ball", radius=1.0, dim=D) == pytest.approx(2 / (D + 1), rel=1e-12)
    # capacity decreases with radius and dimension
    vals = [evaluate("manifold-capacity-ball", radius=r, dim=2, kappa=0) for r in (0.1, 0.5, 1, 2)]
    assert vals == sorted(vals, reverse=True)


@pytest.mark.parametrize("D,k", [(1, 0.0), (3, 0.7), (10, 2.0)])
def test_ball_at_infinite_radius_is_the_subspace_limit(D, k):
    mpmath.mp.dps = 50  # 1/(D + int_{-k}^oo Dt (t+k)^2), the integral by mpmath quadrature
    exact = 1 / (D + mpmath.quad(lambda t: mpmath.npdf(t) * (t + k) ** 2, [-k, mpmath.inf]))
    at_inf = evaluate("manifold-capacity-ball", radius=math.inf, dim=D, kappa=k)
    assert at_inf == pytest.approx(float(exact), rel=1e-14)
    assert evaluate("manifold-capacity-ball", radius="inf", dim=D, kappa=k) == at_inf
    precise = evaluate("manifold-capacity-ball", radius=math.inf, dim=D, kappa=k, dps=40)
    mpmath.mp.dps = 50
    assert abs(exact / precise - 1) < mpmath.mpf("1e-38")
    # finite radii approach the limit, monotonically and at rate O(1/R) (distance shrinks ~10x per decade)
    gaps = [abs(evaluate("manifold-capacity-ball", radius=r, dim=D, kappa=k) - at_inf) for r in (10.0, 100.0, 1000.0)]
    assert gaps[0] > gaps[1] > gaps[2]
    assert gaps[2] < 0.2 * gaps[1] and gaps[1] < 0.2 * gaps[0]
    assert gaps[2] < 1e-3 * at_inf


def test_ball_critical_margin_inverts_the_ball_capacity():
    for R, D, alpha in ((1.0, 2, 0.3), (0.5, 3, 0.2), (3.0, 1, 0.4), (math.inf, 2, 0.3)):
        k = evaluate("manifold-ball-critical-margin", radius=R, dim=D, alpha=alpha)
        assert evaluate("manifold-capacity-ball", radius=R, dim=D, kappa=k) == pytest.approx(alpha, rel=1e-12)
    # R = 0 is Gardner's point perceptron
    assert evaluate("manifold-ball-critical-margin", radius=0.0, dim=4, alpha=0.7) == \
        evaluate("gardner-critical-margin", alpha=0.7)
    # R = 1, D = 3: zero-margin capacity 2/(D+1) = 1/2 (self-dual cone), so the margin vanishes there
    top = evaluate("manifold-capacity-ball", radius=1.0, dim=3, kappa=0.0)
    assert top == pytest.approx(0.5, rel=1e-12)
    assert evaluate("manifold-ball-critical-margin", radius=1.0, dim=3, alpha=top) == pytest.approx(0.0, abs=1e-12)


def test_ball_infinite_radius_from_the_cli(cli):
    import json

    r = cli("eval", "manifold-capacity-ball", "radius=inf", "dim=1", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)  # strict JSON: the infinite radius is the text "inf"
    assert out["params"]["radius"] == "inf" and out["value"] == pytest.approx(2 / 3, rel=1e-15)
    r = cli("eval", "manifold-capacity-ball", "radius=Infinity", "dim=2", "kappa=0")
    assert r.returncode == 0 and r.stdout.splitlines()[0].endswith("(radius=inf, dim=2, kappa=0.0) = 0.4")  # 1/(2 + 1/2)


# ----------------------------------------------------------------------------- derivations
def test_gibbs_constant_integrand_is_the_displayed_one():
    """The derivation evaluates I with mpmath's ncdf; its displayed SymPy integrand is the same
    function (compared where SymPy's rewriting of erfc does not cancel)."""
    from dltheory import derivations
    from dltheory.derivations import capacity as dc

    integral = derivations.get("capacity-teacher-student").document().kept["I"]
    (tv,) = integral.variables
    for x0 in (-4.0, -0.5, 0.0, 2.0):
        ref = mpmath.exp(-x0 * x0) / (mpmath.sqrt(2 * mpmath.pi) * mpmath.ncdf(x0))
        assert float(integral.function.subs(tv, x0).evalf(20)) == pytest.approx(float(ref), rel=1e-12)
    assert float(dc.gibbs_constant()) == pytest.approx(th.gibbs_asymptote_integral(), rel=1e-12)


# ----------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize("args,param", [
    (("teacher-student-error", "rule=gibbs", "alpha=0"), "alpha"),
    (("teacher-student-error", "rule=gibbs", "alpha=-1"), "alpha"),
    (("teacher-student-error", "rule=oja", "alpha=1"), "rule"),
    (("manifold-capacity-ball", "radius=-1", "dim=2"), "radius"),
    (("manifold-capacity-ball", "radius=1", "dim=0"), "dim"),
    (("manifold-capacity-ball", "radius=1", "dim=2", "kappa=-0.1"), "kappa"),
    (("manifold-capacity-ball", "radius=nan", "dim=2"), "radius=nan: not a number (NaN); allowed: real number"),
    (("manifold-capacity-ball", "radius=-inf", "dim=2"), "radius=-inf: outside its domain"),
    (("manifold-capacity-ball", "radius=1", "dim=2", "kappa=inf"), "kappa=inf: not finite"),
    (("cover-count", "P=5", "N=0"), "N"),
    (("cover-count", "P=1000000000", "N=3"), "P"),
    (("cover-separable-probability", "P=1000000", "N=3"), "P"),
    (("ising-perceptron-capacity", "method=rs"), "method"),
    (("gardner-critical-margin", "alpha=2.5"), "alpha"),
    (("gardner-critical-margin", "alpha=0"), "alpha"),
    (("gardner-critical-margin", "alpha=0.001"), "alpha=0.001: too small a load"),
    (("manifold-ball-critical-margin", "radius=1", "dim=3", "alpha=0.6"), "alpha=0.6: above the zero-margin"),
])
def test_bad_inputs_exit_2_with_one_line(cli, args, param):
    r = cli("eval", *args)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and param in lines[0], r.stderr


def test_eval_is_fast_and_imports_no_numba_or_sympy(cli, tmp_path):
    from conftest import steady_state_output

    # Steady state (conftest.steady_state_output), CPU time, not wall time, so that the shared
    # machine's load does not decide the test. numpy is imported before the clock starts: its
    # import (0.1-0.3 s CPU, more while OpenBLAS starts its threads) is the platform's cost, not
    # ours. Timed: dltheory's import and three evaluations (about 0.1 s on the dev machine).
    code = ("import sys, time; import numpy; t = time.process_time(); from dltheory.theory import evaluate; "
            "[evaluate(n, **p) for n, p in ((\"ising-perceptron-capacity\", {}), "
            "(\"teacher-student-error\", {\"rule\": \"max-stability\", \"alpha\": 3.0}), "
            "(\"manifold-capacity-ball\", {\"radius\": 1.0, \"dim\": 3}))]; "
            "assert 'numba' not in sys.modules and 'sympy' not in sys.modules and 'scipy' not in sys.modules; "
            "print(time.process_time() - t)")
    assert float(steady_state_output(code, tmp_path)) < 0.3
    r = cli("eval", "cover-count", "P=100", "N=10", "--json")
    assert r.returncode == 0 and '"exact": "' in r.stdout


# ----------------------------------------------------------------------------- simulators
def test_gordan_simplex_against_highs_with_certificates():
    from scipy.optimize import linprog

    from dltheory.numerics import capacity as nc

    g = np.random.default_rng(5)
    for P, N in ((12, 6), (20, 10), (40, 20), (80, 40)):
        for _ in range(10):
            X = g.standard_normal((P, N)) * np.where(g.random((P, 1)) < 0.5, -1.0, 1.0)
            st, vec, _ = nc.gordan_simplex(X)
            ref = linprog(np.zeros(N), A_ub=-X, b_ub=-np.ones(P), bounds=[(None, None)] * N, method="highs")
            assert st in (0, 1) and (st == 1) == (ref.status == 0)
            if st == 1:
                assert np.all(X @ vec > 0)
            else:
                c = vec[:P]
                assert np.all(c >= 0) and abs(c.sum() - 1) < 1e-9 and np.abs(X.T @ c).max() < 1e-8


def test_gray_code_enumeration_against_numpy_reference():
    from dltheory.numerics import capacity as nc

    g = np.random.default_rng(11)
    for N in (3, 5, 9, 13):
        XT = np.where(g.random((N, 3 * N)) < 0.5, -1, 1).astype(np.int16)
        ref = nc.ising_reference_numpy(XT)
        assert nc.ising_max_prefix(XT) == ref == nc.ising_max_prefix_parallel(XT, 7)


def test_max_margin_solvers_agree_and_hebb_sufficient_statistics():
    from dltheory.numerics import capacity as nc

    g = np.random.default_rng(3)
    X = g.standard_normal((60, 80)) / math.sqrt(80)
    w1, m1, ok1, _ = nc.adatron(X)
    w2, lo, hi, ok2 = nc.ball_dual_ascent(X, np.zeros((60, 0, 80)), 1.0, 1e-8)
    assert ok1 and ok2 and m1 <= hi and abs(m1 - lo) < 1e-6 and hi - lo < 1e-7  # both attained margins <= hi
    # Hebb from explicit patterns vs the sufficient-statistic sampler: same distribution
    N, P, M = 40, 80, 3000
    direct = np.array([nc.hebb_error_direct(g.standard_normal((P, N))) for _ in range(M)])
    fast = nc.hebb_errors(N, P, M, 9)
    se = math.hypot(direct.std() / math.sqrt(M), fast.std() / math.sqrt(M))
    assert abs(direct.mean() - fast.mean()) < 4 * se


def test_margin_decisions_against_the_adatron_and_the_simplex():
    """margin_at_least (check capacity-gardner-storable) decides 'max margin >= kappa' as the converged
    AdaTron's margin says on separable instances, and 'no' on instances the simplex finds non-separable."""
    from dltheory.numerics import capacity as nc

    g = np.random.default_rng(21)
    decided = {0: 0, 1: 0}
    for P, N in ((10, 20), (20, 20), (30, 20), (45, 20)):
        for _ in range(15):
            X = g.standard_normal((P, N)) * np.where(g.random((P, 1)) < 0.5, -1.0, 1.0)
            st, _, _ = nc.gordan_simplex(X)
            for kappa in (0.1, 0.5, 1.5):
                verdict = nc.margin_at_least(X, kappa)
                assert verdict in (0, 1)
                decided[verdict] += 1
                if st == 0:
                    assert verdict == 0
                else:
                    _, margin, ok, _ = nc.adatron(X, 1e-10)
                    assert ok and verdict == (margin >= kappa)
    assert min(decided.values()) > 20  # both answers occur


def test_storable_count_is_the_longest_stored_prefix():
    from dltheory.numerics import capacity as nc

    g = np.random.default_rng(5)
    X = g.standard_normal((60, 15)) * np.where(g.random((60, 1)) < 0.5, -1.0, 1.0)
    pmax, undecided = nc.storable_at_margin(X, 0.5)
    assert undecided == 0 and 0 < pmax < 60
    assert nc.margin_at_least(X[:pmax], 0.5) == 1 and nc.margin_at_least(X[:pmax + 1], 0.5) == 0


def test_simulators_are_thread_count_independent(monkeypatch):
    from dltheory.numerics import capacity as nc

    results = []
    for threads in ("1", "2"):
        monkeypatch.setenv("DLTHEORY_THREADS", threads)
        results.append((nc.separable_count(12, 6, 600, 42, chunk=64),
                        nc.ising_storable_counts(7, 40, 42, chunk=8).tolist(),
                        nc.ball_margins(6, 20, 2, 0.5, 6, 42, chunk=2)[0].tolist(),
                        nc.gibbs_errors(10, 20, 24, 42, chunk=4).tolist(),
                        nc.storable_counts(12, 0.5, 24, 42, chunk=4).tolist()))
    assert results[0] == results[1]
