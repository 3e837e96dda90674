"""Issue 11: wrong values at the edges of declared domains, each with the test that catches it.

Reference values carry their provenance: "mpmath 30 digits" values come from an independent
computation (the Gaussian integral written in u = sqrt(q) z, mpmath.quad with breakpoints at
the activation's scale and at the Gaussian's, the fixed point by mpmath.findroot); the slow
test below recomputes them.
"""
from __future__ import annotations

import json
import math

import pytest

from dltheory.theory import BadInput, evaluate
from dltheory.theory import activations
from dltheory.theory.meanfield.gauss import Gauss

# (activation, sigma_w^2, sigma_b^2) -> (q*, chi1), mpmath 30 digits (see the module docstring)
EXTREME = {("tanh", 1e5, 1.0): ("99748.369740713064926", "168.4205949670714297"),
           ("gelu", 1.9, 5e4): ("999999.99287250411131", "0.95010691212636549614"),
           ("softplus", 1.5, 1e3): ("4000.0909304646318933", "0.74054224808485725411")}


@pytest.mark.parametrize("point", sorted(EXTREME))
def test_large_variances_keep_double_precision(point):
    """Was 16 % off (chi1, tanh, sigma_w^2 = 1e5) and off in the 5th digit (q*, gelu): the
    trapezoidal rule could not resolve phi(sqrt(q) z) at large q."""
    activation, sw, sb = point
    q, chi = map(float, EXTREME[point])
    kw = dict(activation=activation, weight_variance=sw, bias_variance=sb)
    assert evaluate("fixed-point-length", **kw) == pytest.approx(q, rel=1e-13)
    assert evaluate("chi1", **kw) == pytest.approx(chi, rel=1e-13)


@pytest.mark.slow
def test_extreme_references_recomputed():
    import mpmath as m

    def E(f, q):
        s = m.sqrt(q)
        pts = sorted({0, -30, -10, -3, -1, 1, 3, 10, 30, *[k * s for k in (-8, -4, -2, -1, 1, 2, 4, 8)]})
        return m.quad(lambda u: f(u) * m.exp(-u * u / (2 * q)), [-m.inf] + pts + [m.inf]) / m.sqrt(2 * m.pi * q)

    with m.workdps(30):
        for (name, sw, sb), (q_ref, chi_ref) in EXTREME.items():
            f, d1 = activations.mpmath_form(name, 0), activations.mpmath_form(name, 1)
            q = m.findroot(lambda q: sw * E(lambda u: f(u) ** 2, q) + sb - q, m.mpf(q_ref))
            assert abs(q / m.mpf(q_ref) - 1) < 1e-18
            assert abs(sw * E(lambda u: d1(u) ** 2, q) / m.mpf(chi_ref) - 1) < 1e-18


@pytest.mark.parametrize("q1,q2,c", [(1.0, 1.0, 0.5), (1e6, 1e4, 0.3), (1e-6, 1e6, -0.7), (1e8, 1e8, -0.9),
                                     (1e-280, 1e-280, 0.5), (2.0, 2.0, 1 - 1e-15)])
def test_two_point_quadrature_against_erf_closed_form(q1, q2, c):
    """The 2-D quadrature, run on erf (whose Williams kernel is closed), at every scale."""
    g = Gauss("erf")
    s12 = c * math.sqrt(q1) * math.sqrt(q2)
    assert g._e2(g.form(0), g.form(0), q1, q2, s12) == pytest.approx(g.pp(q1, q2, s12), rel=1e-13, abs=1e-300)
    assert g._e2(g.form(1), g.form(1), q1, q2, s12) == pytest.approx(g.dd(q1, q2, s12), rel=1e-13)


def test_sin_closed_forms_match_quadrature():
    """sin's expectations are closed (E[sin(a u1) sin(b u2)] = e^{-(a^2 q1 + b^2 q2)/2} sinh(ab s12)):
    checked against the generic quadrature at moderate q, where it resolves the oscillation."""
    import numpy as np

    g = Gauss("sin")
    for q1, q2, c in [(1.0, 1.0, 0.5), (2.0, 0.5, -0.3), (5.0, 5.0, 0.9)]:
        s12 = c * math.sqrt(q1 * q2)
        pw = lambda k: (lambda u: np.sin(u) ** k)
        assert g._e2(np.sin, np.sin, q1, q2, s12) == pytest.approx(g.pp(q1, q2, s12), abs=1e-14)
        assert g._e2(np.cos, np.cos, q1, q2, s12) == pytest.approx(g.dd(q1, q2, s12), abs=1e-14)
        assert -g._e2(np.sin, np.sin, q1, q2, s12) / 2 == pytest.approx(g.pp_dq1(q1, q2, s12), abs=1e-14)
        got = g.p4m(q1, q2, s12)
        for i in range(5):
            assert g._e2(pw(4 - i), pw(i), q1, q2, s12) == pytest.approx(got[i], abs=1e-14)
        assert g._e1(lambda u: np.cos(2 * u), q1) == pytest.approx(g.dq(q1), abs=1e-14)
    assert evaluate("nngp-kernel", activation="sin", depth=3, weight_variance=1e6, bias_variance=1e6, c=0.5) > 0


@pytest.mark.parametrize("activation,expected", [("gelu", 4.0), ("swish", 4.0), ("tanh", 1.0), ("sin", 1.0),
                                                 ("erf", math.pi / 4)])
def test_critical_weight_variance_at_zero_bias(activation, expected):
    """Was 2.0000000113 for gelu (a false sign change of inaccurate quadrature at q* ~ 1e6). With
    phi(0) = 0 the line ends at q* -> 0, sigma_w^2 = 1/phi'(0)^2, and small sigma_b^2 > 0
    continues it (no special case by name: the limit comes from the activation table)."""
    assert activations.scalar(activation, 0)(0.0) == 0.0
    assert evaluate("critical-weight-variance", activation=activation, bias_variance=0.0) == pytest.approx(expected)
    near = evaluate("critical-weight-variance", activation=activation, bias_variance=1e-12)
    assert near == pytest.approx(expected, rel=1e-3) and near != expected  # tanh: 1 + O(sigma_b^(2/3))


def test_critical_line_without_transition_is_refused():
    with pytest.raises(BadInput, match="no order-to-chaos transition"):
        evaluate("critical-weight-variance", activation="softplus", bias_variance=0.5)
    # sigmoid (phi(0) = 1/2) reaches sigma_b^2 = 0 at a finite q*
    assert 100 < evaluate("critical-weight-variance", activation="sigmoid", bias_variance=0.0) < 110


def test_divergent_length_map_is_refused():
    with pytest.raises(BadInput, match="q diverges"):
        evaluate("fixed-point-length", activation="swish", weight_variance=1e6, bias_variance=1e6)


def test_deep_kernels_stop_at_their_fixed_point():
    """Deep quadrature kernels were a hang (depth 10^4): the recursion stops once the layer map
    has settled, and otherwise a cost guard refuses."""
    deep = evaluate("ntk-kernel", activation="tanh", depth=10_000, weight_variance=0.5, bias_variance=0.1, c=0.5)
    mid = evaluate("ntk-kernel", activation="tanh", depth=2_000, weight_variance=0.5, bias_variance=0.1, c=0.5)
    assert deep == pytest.approx(mid, rel=1e-12)


# ----------------------------------------------------------------------------- hostile input (issue 11, section 2)
def test_integers_beyond_pythons_digit_limit_are_refused_in_one_line(cli):
    big = "1" * 4400
    out = cli("eval", "zaslavsky-regions", f"input_dim={big}", "width=3")
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "too many digits" in out.stderr
    out = cli("bounds", "--input-dim", "2", "--widths", f"3,{big}")
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr


def test_exact_counts_have_cost_guards_and_fast_paths():
    # 10^4 terms of 60,000-digit binomials: was a hang (math.comb per term), now a running product
    assert evaluate("zaslavsky-regions", input_dim=10_000, width=1_000_000) > 10 ** 24_000
    with pytest.raises(BadInput, match="cost guard"):
        evaluate("zaslavsky-regions", input_dim=100_000, width=1_000_000)
    with pytest.raises(BadInput, match="cost guard"):
        evaluate("linear-regions-upper-montufar", input_dim=10_000, widths=(10**6,) * 3)
    with pytest.raises(BadInput, match="cost guard"):
        evaluate("linear-regions-lower-montufar", input_dim=2_000, widths=(10**6,) * 2000)


def test_deep_kurtosis_neither_underflows_nor_overflows():
    """Was ZeroDivisionError (K^L underflows) and inf labelled exact (3^9999 overflows)."""
    assert evaluate("finite-width-kurtosis", activation="linear", depth=10_000, width=2,
                    weight_variance=0.5) == pytest.approx(6 * 9_999 / 2, rel=1e-12)  # closed form 6(L-1)/N
    big = evaluate("finite-width-kurtosis-exact", activation="linear", depth=10_000, width=1, weight_variance=1.0)
    import mpmath

    assert abs(big / (3 * (mpmath.mpf(3) ** 9_999 - 1)) - 1) < 1e-12  # 3[(1 + 2/N)^(L-1) - 1]


def test_tiny_ball_radius_is_gardners_point_capacity():
    """Was NaN (kappa - t/R = -inf in the quadrature)."""
    for r in (5e-324, 1e-300):
        assert evaluate("manifold-capacity-ball", radius=r, dim=2, kappa=0.0) == pytest.approx(2.0)


@pytest.mark.parametrize("sigma,bias,expected", [
    ("softplus", -1e300, 1 / 6), ("softplus", 1e300, 1 / 6), ("tanh", -1e300, 2 / 3), ("logistic", 1e300, 1 / 6),
    ("exp", -50.0, 1 / 6), ("exp", 1e300, 1 / 6),
    ("tanh", 7.0, 0.6666600144479768645), ("softplus", 7.0, 0.16575644548654484015)])  # mpmath.diff, 40 digits
def test_gate_coefficient_keeps_its_limit_at_extreme_biases(sigma, bias, expected):
    """sigma''''/(6 sigma'') from the derivative polynomials with their common end factors cancelled:
    was an OverflowError (softplus, b = -1e300), a refusal (exp, b = -50: sigma'' < 1e-12) and 5e-11
    off at tanh b = 7 (1 - tanh^2 cancelling)."""
    assert float(evaluate("gate-error-coefficient", sigma=sigma, bias=bias)) == pytest.approx(expected, rel=1e-13)


def test_bounds_with_more_layers_than_one_quantity_takes(cli):
    """A row whose quantity refuses the architecture is n/a; it used to abort the whole table (exit 2)."""
    out = cli("bounds", "--input-dim", "2", "--widths", ",".join(["3"] * 1500), "--json")
    assert out.returncode == 0, out.stderr
    rows = {r["name"]: r for r in json.loads(out.stdout)["rows"]}
    assert rows["vc-dimension-upper"]["value"] is None and rows["zaslavsky-regions"]["value"] == 1 + 4500 + 4500 * 4499 // 2


def test_underflow_and_overflow_are_redone_in_mpmath():
    """Double precision underflowed (K^L below 1e-300: kurtosis 0.683 where it is 6(L-1)/N = 0.75,
    or 0/0) or overflowed (1.3^7758): Quantity.__call__ redoes such an evaluation in mpmath, whose
    quadrature is normalised (mpmath.quad's tolerance is absolute)."""
    for sw in (1e-100, 5e-324):
        assert evaluate("finite-width-kurtosis", activation="tanh", depth=5, width=32,
                        weight_variance=sw) == pytest.approx(0.75, rel=1e-10)
    assert evaluate("correlation-map", activation="relu", depth=3, weight_variance=5e-324, c=0.5) == \
        pytest.approx(evaluate("correlation-map", activation="relu", depth=3, weight_variance=2.0, c=0.5), rel=1e-12)
    big = evaluate("nngp-kernel", activation="linear", depth=7758, weight_variance=1.3, c=0.6)
    assert abs(big / (0.6 * __import__("mpmath").mpf(1.3) ** 7758) - 1) < 1e-12


# A limit formula warns where it is not meant to be used (regime=), or says here why it has no such region.
NO_REGIME = {
    "gate-error-coefficient": "a Taylor coefficient of the lam -> 0 expansion; lam is not a parameter",
    "product-shallow-error": "a Taylor coefficient of the lam -> 0 expansion; lam is not a parameter",
    "product-tree-error": "a Taylor coefficient of the lam -> 0 expansion; lam is not a parameter",
    "ising-perceptron-capacity": "a constant of the N -> infinity limit; no parameter",
    "manifold-ball-critical-margin": "N -> infinity limit, no size parameter; kappa >= 0 only (convex problem)",
    "manifold-capacity-ball": "N -> infinity limit, no size parameter; kappa >= 0 only (convex problem)",
    "manifold-capacity-l1-ball": "N -> infinity limit, no size parameter; kappa >= 0 only (convex problem)",
    "nngp-fluctuation-exponent": "an exponent of the N -> infinity limit; no width parameter",
    "ntk-fluctuation-exponent": "an exponent of the N -> infinity limit; no width parameter",
    "ntk-kernel": "standard parameterisation: its finite-width corrections are not computed here, so no "
                  "width below which they matter is known",
    "trajectory-growth": "a heuristic per-layer base; no finite-size parameter it is a limit in",
    "trajectory-growth-wide": "the k -> infinity limit; no width parameter",
    "min-norm-risk": "the n, p -> infinity limit at fixed gamma; no size parameter (min-norm-risk-finite is exact)",
    "ridge-risk": "the n, p -> infinity limit at fixed gamma; no size parameter",
    "random-features-risk": "the N, n, d -> infinity limit at fixed psi1, psi2; no size parameter",
    "pspin-complexity": "the N -> infinity limit; pspin-expected-critical-points is exact at finite N",
    "pspin-critical-energy": "the N -> infinity limit; no size parameter",
    "pspin-hessian-quantile": "the N -> infinity limit; no size parameter",
    "pspin-threshold-energy": "the N -> infinity limit; no size parameter",
    "ntk-gd-deviation-exponent": "an exponent of the N -> infinity behaviour; no width parameter",
}


def test_every_limit_formula_declares_where_it_is_meant_to_be_used():
    from dltheory.theory import all_quantities

    limits = ("asymptotic", "replica-symmetric", "1rsb", "heuristic")
    missing = [n for n, q in all_quantities().items()
               if q.regime is None and n not in NO_REGIME
               and ({q.status, *(s for v in q.status_by.values() for s in v.values())} & set(limits))]
    assert missing == []
    stale = [n for n in NO_REGIME if all_quantities()[n].regime is not None]
    assert stale == []


# ---------------------------------------------------------------- subnormal and huge corners (issue 11, sec. 2)
def test_a_float_evaluator_that_overflows_is_carried_in_mpmath():
    """Was refused ("not finite in double precision") inside the declared domain: 2 rad/gamma at a
    subnormal margin, a product of norms near 1e300. The shared fallback (theory/_quantity.py) re-runs
    the evaluator with its real parameters as mpmath numbers; values recomputed here by hand."""
    import mpmath

    v = evaluate("rademacher-margin-bound", margin_risk=0.1, gamma=5e-324, rademacher=0.05, n=1000, delta=0.01)
    expected = 0.1 + 2 * 0.05 / mpmath.mpf(5e-324) + 3 * mpmath.sqrt(mpmath.log(100) / 2000)
    assert isinstance(v, mpmath.mpf) and abs(v / expected - 1) < 1e-14
    v = evaluate("rademacher-bound", form="golowich-rakhlin-shamir", frobenius_norms=[1e300, 1e300],
                 input_norm=1.5, n=400)
    expected = 1.5 * (mpmath.sqrt(4 * mpmath.log(2)) + 1) * mpmath.mpf(1e300) ** 2 / 20
    assert abs(v / expected - 1) < 1e-14


def test_log1p_of_a_ratio_at_a_subnormal_coupling():
    """logdet-flatness at gamma = 5e-324: lambda/gamma overflows; (1/2) sum ln(lambda/gamma) to 1e-320."""
    v = evaluate("logdet-flatness", eigenvalues=[1.0, 4.0], gamma=5e-324)
    assert v == pytest.approx(0.5 * (2 * -math.log(5e-324) + math.log(4.0)), rel=1e-15)


def test_random_features_risk_keeps_its_digits_for_a_nearly_linear_activation():
    """Was 2.18 at mu_star = 1e-50 and 2e100 at 1e-150 (the E0, E1, E2 polynomials grow as
    zeta^6, zeta = mu1/mu_star, and cancel): the working precision now grows with log10 zeta. The
    risk converges as mu_star -> 0; the reference is the value at mu_star = 1e-6 (no cancellation
    issue there), which the limit matches to 1e-11 (the mu_star^2 correction)."""
    ref = evaluate("random-features-risk", psi1=2.0, psi2=1.0, ridge=0.1, noise=0.25, mu_star=1e-6)
    for mu_star in (1e-50, 1e-150):
        v = evaluate("random-features-risk", psi1=2.0, psi2=1.0, ridge=0.1, noise=0.25, mu_star=mu_star)
        assert v == pytest.approx(ref, rel=1e-10)


def test_gibbs_risk_at_a_subnormal_prior_width():
    """weight-information-pac-bayes at prior_std = 5e-324 was refused: mpmath.erfc overflows a float
    for arguments near 1e300; its far tails are 0 and 2 at any working precision."""
    point = dict(design=[1.0, 0.0, 0.5, 1.0, -1.0, 2.0, 0.3, -0.7], rows=4, targets=[0.9, 1.2, 0.4, -0.5],
                 noise=0.5, beta=1.0, tolerance=1.0)
    v = evaluate("weight-information-pac-bayes", prior_std=5e-324, **point)
    assert 0 < v <= 1 and math.isfinite(v)


def test_products_and_ratios_that_overflow_on_legal_input():
    """Each was refused inside its declared domain (campaign of issue 11): sqrt(T1 T2) with T2 = 1e308
    (the product overflows, the root does not), ln(1/delta) at a subnormal delta."""
    assert evaluate("dinh-invariant-trace", trace_first=3.0, trace_second=1e308) == pytest.approx(2 * math.sqrt(3.0) * 1e154)
    v = evaluate("rademacher-margin-bound", margin_risk=0.1, gamma=0.5, rademacher=0.05, n=1000, delta=5e-324)
    assert v == pytest.approx(0.1 + 0.2 + 3 * math.sqrt(-math.log(5e-324) / 2000), rel=1e-15)


@pytest.mark.parametrize("args, param", [
    (dict(name="dinh-transformed-top-eigenvalue", hessian=[2.0, 0.5, 0.5, 1.0], first=1, alpha=5e-324), "alpha"),
    (dict(name="ntk-gd-test-mean", activation="relu", depth=2, weight_variance=2.0, bias_variance=0.1,
          train=[0.0, 1.2, 2.5], targets=[1.0, -0.5, 0.5], test=0.6, time=2.0, learning_rate=5e-324), "learning_rate")])
def test_unrepresentable_corners_are_refused_naming_the_parameter(args, param):
    with pytest.raises(BadInput) as e:
        evaluate(**args)
    assert e.value.param == param


def test_gaussian_information_at_a_tiny_input_noise():
    """nuisance-information x-y was +inf (refused) for input_noise <= 1e-20: mpmath.det calls
    diag(sigma^2, 1) singular. I(X;Y) = (1/2) ln(1 + 1/sigma^2) for u = e1, V = e2 (recomputed here)."""
    point = dict(signal=[1.0, 0.0], nuisance=[0.0, 1.0], nuisance_dim=1, encoder=[1.0, 0.5], rows=1, noise=0.1,
                 information="x-y")
    for sigma in (0.5, 1e-20, 5e-324):
        v = evaluate("nuisance-information", input_noise=sigma, **point)
        expected = 0.5 * math.log1p(0.25 ** -1) if sigma == 0.5 else -math.log(sigma)
        assert float(v) == pytest.approx(expected, rel=1e-14)


def test_rademacher_bound_at_depth_and_at_the_reference_network():
    """Issue 11: NTS at depth 9999 overflowed 2^(d-1) (refused); BFT with all (2,1) norms zero divided
    by R_A = 0. The first is 2^9998 3 sqrt(4 ln 10) 2 / 20 (recomputed here in mpmath); the second is 0:
    every layer equals its reference, the class is one function."""
    import mpmath

    v = evaluate("rademacher-bound", form="neyshabur-tomioka-srebro", path_norm=3.0, depth=9999, input_dim=5,
                 input_norm=2.0, n=400)
    expected = 3 * mpmath.mpf(2) ** 9998 * mpmath.sqrt(4 * mpmath.log(10)) * 2 / 20
    assert abs(v / expected - 1) < 1e-14
    assert evaluate("rademacher-bound", form="bartlett-foster-telgarsky", spectral_norms=[1.0, 1.0],
                    l21_norms=[0.0, 0.0], max_dim=10, input_norm=0.8, n=100) == 0.0


def test_sharpness_entries_are_declared_where_the_value_is_representable():
    """keskar-sharpness-quadratic at point = 1e300 was refused at evaluation (the value ~ 1e600);
    the entries of H, x, g and A are now declared on [-1e50, 1e50] and refused at validation."""
    with pytest.raises(BadInput) as e:
        evaluate("keskar-sharpness-quadratic", hessian=[2.0, 0.0, 0.0, 0.5], point=[1e300, 1e300], epsilon=0.01)
    assert e.value.param == "point" and "1e+50" in e.value.domain


def test_local_entropy_without_a_spurious_overflow():
    """gamma lambda overflowed at gamma = 1e308 (the term is gamma lambda/(lambda + gamma) d^2 <= min(lambda,
    gamma) d^2); a displacement of 1e300 (a value ~ 1e600) is refused at validation."""
    v = evaluate("local-entropy-quadratic", eigenvalues=[1e300, 4.0], gamma=1e300, displacement=[1e3, 1.0])
    assert v == pytest.approx(-0.5 * (0.5e300 * 1e6), rel=1e-12)
    with pytest.raises(BadInput) as e:
        evaluate("local-entropy-quadratic", eigenvalues=[1.0, 4.0], gamma=1.0, displacement=[1e300, 1e300])
    assert e.value.param == "displacement"


def test_integer_parameters_take_numpy_integers_and_the_command_line_only_ascii_digits():
    """From Python and notebooks a numpy integer is an integer (the referee's max-margin labels);
    on the command line, digits of other scripts are refused (int() would read them)."""
    import numpy as np

    from dltheory.cli import main

    value = evaluate("max-margin", points=[1, 0.5, 0.25, 1, -1, 0.25, 0.5, -1], dim=np.int64(2),
                            labels=np.array([1, 1, -1, -1]))
    assert value == pytest.approx(7 / math.sqrt(244), rel=1e-12)
    assert main(["eval", "manifold-capacity-l1-ball", "dim=\u0661\u0662", "radius=1"]) == 2
