"""Statistical power (issue 11, section 3): the tests the mutation campaign (tools/mutation.py,
docs/mutation.md) asked for. Each names the class of slip it kills."""
import dataclasses
import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from dltheory.numerics import Check, Estimate, extrapolate, get_check, run_check, weighted_polyfit, z_critical

ROOT = Path(__file__).resolve().parents[1]


def _constant_check(estimates, theory, rule="z", wrong=None, loose=""):
    """A check of a constant theory whose i-th point measures estimates[i] (an Estimate)."""
    return Check("power", ("power-quantity",), "power", rule=rule, loose=loose,
                 grid=lambda quick: [{"i": i} for i in range(len(estimates))],
                 measure=lambda point, seed, quick: estimates[point["i"]],
                 theory=lambda point: theory, theory_note="a constant, for the harness test",
                 wrong=(lambda point: wrong) if wrong is not None else None)


def test_mutation_targets_apply_cleanly():
    """Every slip of the mutation campaign still finds its target text exactly once."""
    spec = importlib.util.spec_from_file_location("mutation", ROOT / "tools" / "mutation.py")
    mutation = importlib.util.module_from_spec(spec)
    sys.modules["mutation"] = mutation  # dataclasses look their module up there
    try:
        spec.loader.exec_module(mutation)
    finally:
        del sys.modules["mutation"]
    assert mutation.target_problems() == []
    assert len(mutation.MUTANTS) >= 40


# ------------------------------------------------------------------ the harness
def test_product_tree_error_fit_regression_a_swamped_point_fails_as_unresolved():
    """Issue 11: product-tree-error-fit once passed -83.6 +- 28 against -0.174 (z = -3.0, inside z*
    of its 16 full-grid points). Its 5 % power deviation is 0.0087, far below z* x 28: the point
    is unresolved and fails the check, even though another point rejects the wrong theory."""
    sharp = Estimate(-0.174, 0.0005, 80000)
    out = run_check(_constant_check([Estimate(-83.6, 28.0, 80000)] + [sharp] * 15, -0.174))
    r = out.records[0]
    assert abs(r["z"]) < z_critical(0.01, 16) and r["agrees"]
    assert out.power_rejected and all(q["pass"] for q in out.records[1:])
    assert not r["resolved"] and not r["pass"] and not out.passed
    assert r["power_deviation"] == pytest.approx(0.05 * 0.174)
    real = get_check("product-tree-error-fit")
    point = real.grid(True)[0]
    swamped = dataclasses.replace(real, grid=lambda quick: [point],
                                  measure=lambda p, s, q: Estimate(real.theory_value(point), 28.0, 80000))
    assert not run_check(swamped, quick=True).passed


def test_the_fit_inflates_its_covariance_when_the_scatter_exceeds_the_errors():
    """weighted_polyfit scales the covariance by chi2/dof > 1 (never down): a fit whose residuals
    are ten times their stated errors must report an intercept error about ten times larger."""
    x = np.array([1 / 16, 1 / 32, 1 / 64, 1 / 128])
    scatter = np.array([1.0, -1.0, -1.0, 1.0])
    stated = 0.01
    noisy = weighted_polyfit(x, 2.0 + x + 10 * stated * scatter, [stated] * 4)
    clean = weighted_polyfit(x, 2.0 + x + 0.1 * stated * scatter, [stated] * 4)
    ratio = math.sqrt(noisy.covariance[0, 0] / clean.covariance[0, 0])
    assert ratio == pytest.approx(math.sqrt(noisy.chi2 / noisy.dof), rel=1e-9) and ratio > 5
    assert clean.chi2 / clean.dof < 1  # not scaled down


def _extrapolated(bias, exact):
    """Per-size values 1 + bias/N (N = 16, 32, 64), s.e. 0.002: the 1/N fit absorbs the bias."""
    sizes = (16, 32, 64)
    ests = [Estimate(1.0 + bias / n, 0.002, 1000) for n in sizes]
    return extrapolate(sizes, ests, exact=[1.0] * 3 if exact else None)


def test_an_exact_finite_size_formula_catches_a_bias_the_extrapolation_absorbs():
    """An O(1/N) simulator bias (an off-by-one, a 1/(N-1)) moves every per-size value but not the
    1/N intercept; where the exact finite-N value is known the per-size z-tests see it."""
    absorbed = run_check(_constant_check([_extrapolated(1.0, exact=False)], 1.0, wrong=1.05))
    caught = run_check(_constant_check([_extrapolated(1.0, exact=True)], 1.0, wrong=1.05))
    clean = run_check(_constant_check([_extrapolated(0.0, exact=True)], 1.0, wrong=1.05))
    assert absorbed.passed
    assert not caught.passed and caught.records[0]["finite_size"]["exact_agrees"] is False
    assert clean.passed and clean.records[0]["finite_size"]["sizes"][0]["exact"] == 1.0


# ------------------------------------------------------------------ bound checks: ratio and tightness
def test_a_bound_check_records_its_ratio_and_a_tight_bound_sees_its_tightening():
    out = run_check(_constant_check([Estimate(3.0, 0.0, 1), Estimate(2.0, 0.0, 1)], 3.0, rule="upper-bound",
                                    wrong=2.0))
    assert [r["ratio"] for r in out.records] == [1.0, 1.5]
    assert out.records[0]["tightened_rejected"] and not out.records[1]["tightened_rejected"]
    assert out.tight and out.passed and out.summary["ratio"] == [1.0, 1.5] and out.summary["tight"]


def test_a_loose_bound_check_fails_unless_it_says_where_its_power_comes_from():
    estimates = [Estimate(1.0, 0.01, 100)]
    silent = run_check(_constant_check(estimates, 3.0, rule="upper-bound", wrong=0.5))
    said = run_check(_constant_check(estimates, 3.0, rule="upper-bound", wrong=0.5,
                                     loose="3x loose; power from an exact sub-check"))
    assert silent.power_rejected and not silent.tight and not silent.passed
    assert said.passed and said.summary["loose"].startswith("3x") and said.summary["ratio"] == [3.0, 3.0]


def test_a_bound_is_violated_by_any_excess_of_an_exact_value_and_by_z_star_of_a_statistical_one():
    z = z_critical(0.01, 1)
    loose = "a harness test"
    exact = run_check(_constant_check([Estimate(3.5, 0.0, 1)], 3.0, rule="upper-bound", wrong=2.0, loose=loose))
    assert not exact.records[0]["agrees"] and not exact.passed
    inside = run_check(_constant_check([Estimate(3.0 + 0.99 * z, 1.0, 10)], 3.0, rule="upper-bound", wrong=-50.0,
                                       loose=loose))
    outside = run_check(_constant_check([Estimate(3.0 + 1.5 * z, 1.0, 10)], 3.0, rule="upper-bound", wrong=-50.0,
                                        loose=loose))
    assert inside.passed and not outside.records[0]["agrees"] and not outside.passed


def test_a_lower_bound_is_tightened_upwards():
    out = run_check(_constant_check([Estimate(1.02, 0.001, 100)], 1.0, rule="lower-bound", wrong=1.5))
    assert out.records[0]["ratio"] == pytest.approx(1 / 1.02)
    assert out.records[0]["tightened_rejected"] and out.passed


# ------------------------------------------------------------------ simulators against exact small cases
def test_region_counter_against_the_roots_of_a_one_layer_network():
    """On a segment, a one-hidden-layer ReLU net has one region more than the roots of its units inside."""
    from dltheory.numerics.regions.estimators import count_segment
    from dltheory.numerics.regions.networks import random_network

    rng = np.random.default_rng(11)
    for _ in range(30):
        layers = random_network(rng, 1, [int(rng.integers(1, 12))])
        W, b = layers[0]
        x0, x1 = sorted(rng.uniform(-3, 3, 2))
        roots = -b / W[:, 0]
        assert count_segment(layers, [x0], [x1]) == 1 + int(np.count_nonzero((roots > x0) & (roots < x1)))


def test_line_crossings_of_one_layer_equal_the_exact_cauchy_mean():
    """One layer, width 3, n0 = 2, sigma_b = r = 1: E[crossings] = 3 (2/pi) atan(1) = 1.5 exactly
    at this width (each unit's root -b/w1 is a Cauchy event); an off-by-one adds 1."""
    from dltheory.numerics.regions.estimators import crossings_on_line

    c = crossings_on_line(np.random.SeedSequence(5), 2, (3,), 1.0, 1.0, 3000)
    assert abs(c.mean() - 1.5) < 4.5 * c.std(ddof=1) / math.sqrt(c.size)


def test_gram_sampler_mean_is_exact_for_relu_at_width_four():
    """ReLU, one step from a fixed Gram matrix: E[G^1] = sigma_b^2 + sigma_w^2 E[relu(u) relu(v)]
    exactly at every width (arc-cosine kernel, Cho & Saul 2009); a 1/(N-1) normalisation is
    4/3 too large at N = 4."""
    from dltheory.numerics.meanfield.estimators import sample_grams

    sw, sb, g0 = 2.0, 0.1, (1.0, 0.5, 1.2)
    cos = g0[1] / math.sqrt(g0[0] * g0[2])
    theta = math.acos(cos)
    k12 = math.sqrt(g0[0] * g0[2]) / (2 * math.pi) * (math.sin(theta) + (math.pi - theta) * cos)
    exact = (sb + sw * g0[0] / 2, sb + sw * k12, sb + sw * g0[2] / 2)
    two = sample_grams("relu", 2, 4, sw, sb, list(g0), 20000, 7)[:, 1]
    one = sample_grams("relu", 2, 4, sw, sb, [g0[0]] * 3, 20000, 8, inputs=1)[:, 1, 0]
    for samples, value in ((two[:, 0], exact[0]), (two[:, 1], exact[1]), (two[:, 2], exact[2]), (one, exact[0])):
        assert abs(samples.mean() - value) < 4.5 * samples.std(ddof=1) / math.sqrt(samples.size)


def test_lambda_fit_standard_error_matches_the_spread_over_seeds():
    """The fitted intercept's standard error (per-lambda s.e. through the weighted fit) against the
    spread of 24 independent fits: their ratio is about 1 (a little below: the fit's chi2/dof
    inflation only raises the error), far from the 1/3 of a tripled per-lambda error. The
    s.d. of 24 draws is known to about 15 %, so (0.55, 1.6) is a 3-sigma window."""
    from dltheory.numerics.depth_width import lambda_fit

    fits = [lambda_fit("softplus", 2, 2000, np.random.SeedSequence(s)) for s in range(24)]
    spread = np.std([f.value for f in fits], ddof=1) / math.sqrt(np.mean([f.stderr**2 for f in fits]))
    assert 0.55 < spread < 1.6, spread


def _calibrated(z, name):
    """z-scores over independent seeds: mean 0 and s.d. 1 within 5 of their standard errors."""
    z = np.asarray(z)
    assert abs(z.mean()) < 5 / math.sqrt(z.size), name
    assert abs(z.std(ddof=1) - 1) < 5 / math.sqrt(2 * z.size), name


def test_trajectory_growth_delta_method_error_is_calibrated():
    """growth_per_layer's delta-method standard error on synthetic lengths whose growth is known:
    L_first ~ lognormal, L_last = 3 L_first x lognormal noise of mean 1, so (E L_last/E L_first)^(1/6) = 3^(1/6)."""
    from dltheory.numerics.regions.trajectory import growth_per_layer

    z = []
    for s in range(300):
        g = np.random.default_rng(s)
        a = g.lognormal(0.0, 0.5, 400)
        b = 3 * a * g.lognormal(-0.125, 0.5, 400)  # E[lognormal(-s^2/2, s)] = 1
        lengths = np.zeros((400, 10))
        lengths[:, 3], lengths[:, 9] = a, b
        e = growth_per_layer(lengths, 4, 10)
        z.append((e.value - 3 ** (1 / 6)) / e.stderr)
    _calibrated(z, "trajectory growth")


def test_information_monte_carlo_error_is_calibrated():
    """linear_layer_mc's standard error: I(X;T) = (1/2) ln det(I + W W^T / s^2) exactly."""
    from dltheory.numerics.information.weights import linear_layer_mc

    W, noise = np.array([[1.0, 0.5], [-0.3, 2.0]]), 0.5
    exact = 0.5 * math.log(np.linalg.det(np.eye(2) + W @ W.T / noise**2))
    z = [(e.value - exact) / e.stderr for e in
         (linear_layer_mc(W, noise, None, None, "x", 2000, np.random.SeedSequence(s)) for s in range(200))]
    _calibrated(z, "linear layer information")


def test_montufar_upper_bound_caps_the_dimension_at_a_bottleneck():
    """Input 3, widths (2, 5): after the 2-unit layer the image is at most 2-dimensional, so the
    bound is C(2,0..2) x C(5,0..2) = 4 x 16 = 64, not 4 x C(5,0..3) = 104 (the cap dropped)."""
    from dltheory.theory import evaluate

    assert evaluate("linear-regions-upper-montufar", input_dim=3, widths=(2, 5)) == 64
    assert evaluate("linear-regions-upper", input_dim=3, widths=(2, 5)) <= 64


# ------------------------------------------------------------------ loose bounds: their exact sub-checks
_LOOSE_SUBCHECKS = {"rademacher-relu-grs-above": "rademacher-bound-linear-exact",
                    "rademacher-relu-path-norm-above": "rademacher-bound-linear-exact",
                    "rademacher-relu-spectral-above": "rademacher-spectral-dudley-exact",
                    "vc-dimension-upper-constructions": "vc-dimension-upper-growth-exact"}


def test_the_loose_norm_and_vc_checks_name_an_exact_sub_check_of_their_own_quantity():
    for loose, sub in _LOOSE_SUBCHECKS.items():
        c, s = get_check(loose), get_check(sub)
        assert sub in c.loose and s.quantities == c.quantities and not s.loose
        assert s.rule == "exact" or s.rule == c.rule  # exact, or a bound check that must be tight (no loose=)


def _mutant(name, slip):
    """Check ``name`` with its quantity replaced by ``slip(point, value)`` (the quantity's value as evaluated)."""
    from dltheory.theory import evaluate

    c = get_check(name)
    return dataclasses.replace(c, theory=lambda p: slip(p, float(evaluate(c.quantity, **p))))


def _grs(p, value, constant):
    """The GRS points with the bound's constant sqrt(2 D ln 2) + 1 replaced by ``constant(D)``."""
    if p["form"] != "golowich-rakhlin-shamir":
        return value
    D = len(p["frobenius_norms"])
    return value * constant(D) / (math.sqrt(2 * D * math.log(2)) + 1)


def _nts(p, value, factor):
    return value * factor(p) if p["form"] == "neyshabur-tomioka-srebro" else value


_RADEMACHER_SLIPS = {
    "GRS: sqrt(D ln 2) + 1 (the 2 dropped)": lambda p, v: _grs(p, v, lambda D: math.sqrt(D * math.log(2)) + 1),
    "GRS: depth D + 1 (layers counted with the input)": lambda p, v: _grs(
        p, v, lambda D: math.sqrt(2 * (D + 1) * math.log(2)) + 1),
    "GRS: depth D^2": lambda p, v: _grs(p, v, lambda D: math.sqrt(2 * D * D * math.log(2)) + 1),
    "GRS: log2 for ln": lambda p, v: _grs(p, v, lambda D: math.sqrt(2 * D * math.log2(2)) + 1),
    "GRS: 1/n for 1/sqrt(n)": lambda p, v: v / math.sqrt(p["n"]) if p["form"] == "golowich-rakhlin-shamir" else v,
    "NTS: ln D for ln 2D": lambda p, v: _nts(p, v, lambda q: math.sqrt(math.log(q["input_dim"])
                                                                      / math.log(2 * q["input_dim"]))),
    "NTS: 2^(d-1) for 2^d": lambda p, v: _nts(p, v, lambda q: 0.5),
    "NTS: the derivation's sqrt(2)-smaller constant": lambda p, v: _nts(p, v, lambda q: 1 / math.sqrt(2)),
    "NTS: 2^d+1 (one layer too many)": lambda p, v: _nts(p, v, lambda q: 2.0),
}


@pytest.mark.parametrize("slip", list(_RADEMACHER_SLIPS))
def test_rademacher_linear_exact_sub_check_kills_a_slip_in_the_constant_depth_or_log(slip):
    """rademacher-bound-linear-exact fails when GRS's or NTS's value carries a wrong constant, depth
    dependence, log or power of n (at the exact rule's 1e-12); unmutated it passes (the first case)."""
    if slip == next(iter(_RADEMACHER_SLIPS)):
        assert run_check(_mutant("rademacher-bound-linear-exact", lambda p, v: v), quick=True).passed
    assert not run_check(_mutant("rademacher-bound-linear-exact", _RADEMACHER_SLIPS[slip]), quick=True).passed


def _bft_slip(constant=12.0, log_arg=2.0, one=1.0, cut=3.0):
    """The BFT closed form with Dudley's 12, ln(2 W^2), the "1 +" or alpha* = 3C/sqrt(n) changed."""
    def slipped(p, value):
        s, b, W, B, n = p["spectral_norms"], p["l21_norms"], p["max_dim"], p["input_norm"], p["n"]
        R_A = math.prod(s) * sum((bi / si) ** (2 / 3) for si, bi in zip(s, b)) ** 1.5
        root = math.sqrt(math.log(log_arg * W**2))
        x = math.sqrt(n) * math.prod(s) / (cut * root * R_A)
        return 4 * B * math.prod(s) if x <= 1 else constant * B * R_A * root / math.sqrt(n) * (one + math.log(x))
    return slipped


def test_spectral_dudley_sub_check_kills_a_slip_in_the_dudley_constants_or_the_log():
    assert run_check(_mutant("rademacher-spectral-dudley-exact", _bft_slip()), quick=True).passed  # the formula
    for slip in (_bft_slip(constant=8.0), _bft_slip(log_arg=1.0), _bft_slip(one=0.0), _bft_slip(cut=1.0),
                 lambda p, v: v * 1.001):
        assert not run_check(_mutant("rademacher-spectral-dudley-exact", slip), quick=True).passed


def _bhlm(p, four_e=4 * math.e, two_e=2 * math.e, depth="Lbar"):
    from dltheory.theory.generalization import architecture

    ks, _, cumulative = architecture(p["widths"], p["input_dim"])
    L, W = len(ks), cumulative[-1]
    Lbar = sum(cumulative) / W if depth == "Lbar" else L
    R = sum((i + 1) * k for i, k in enumerate(ks))
    return L + Lbar * W * math.log2(four_e * p["pieces"] * R * math.log2(two_e * p["pieces"] * R))


def test_vc_growth_sub_check_kills_tightening_and_loosening_slips():
    """vc-dimension-upper-growth-exact is tight (bound/m* 1.036-1.044 at some points): a slip that
    lowers the bound below the largest m BHLM's growth bound allows is a violation; one that raises it
    by more than ~5 % everywhere leaves the 5 % tightening unviolated, and the check (no loose=) fails.
    A smaller loosening passes: 4e for 2e inside the inner log2 raises the bound by only 0.5-3 %."""
    name = "vc-dimension-upper-growth-exact"
    assert run_check(_mutant(name, lambda p, v: _bhlm(p)), quick=True).passed  # the formula, written again
    for slip in (dict(four_e=2 * math.e), dict(four_e=4.0, two_e=2.0), dict(four_e=8 * math.e),
                 dict(depth="L")):
        out = run_check(_mutant(name, lambda p, v, s=slip: _bhlm(p, **s)), quick=True)
        assert not out.passed, slip
    lowered = run_check(_mutant(name, lambda p, v: _bhlm(p, four_e=2 * math.e)), quick=True)
    assert not all(r["agrees"] for r in lowered.records)  # a violation
    raised = run_check(_mutant(name, lambda p, v: _bhlm(p, depth="L")), quick=True)
    assert all(r["agrees"] for r in raised.records) and not raised.tight  # not tight any more
