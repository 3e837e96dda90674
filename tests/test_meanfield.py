"""Mean field and infinite width: quantities against independent computations (QUADPACK, mpmath,
brute-force recursions), simulators against each other and against brute force, estimators on
synthetic data, bad inputs. Running each check and proving each derivation's results equal their
quantities is the conformance suite's job (tests/test_conformance.py)."""
import json
import math
import subprocess
import sys
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from dltheory import derivations, numerics, theory
from dltheory.numerics import meanfield as sim
from dltheory.theory import meanfield as mf

ev = theory.evaluate


# ----------------------------------------------------------------------------- independent integrals
def _quad_e2(f, g, a, b, r):
    """E[f(u1) g(u2)], (u1, u2) ~ N(0, [[a, r], [r, b]]): nested adaptive QUADPACK (scipy), split at the
    kinks u1 = 0 and u2 = 0 (an independent method: neither the closed forms nor the trapezoid rule)."""
    from scipy.integrate import quad

    c = r / math.sqrt(a * b)
    s = math.sqrt(1 - c * c)
    pdf = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)

    def inner(x):
        k = -c * x / s
        return quad(lambda y: g(math.sqrt(b) * (c * x + s * y)) * pdf(y), -12, 12, points=[k],
                    epsabs=1e-15, epsrel=1e-13, limit=200)[0]

    return quad(lambda x: f(math.sqrt(a) * x) * inner(x) * pdf(x), -12, 12, points=[0.0], epsabs=1e-15,
                epsrel=1e-13, limit=200)[0]


def _mp_e1(f, q):
    return mpmath.quad(lambda x: f(mpmath.sqrt(q) * x) * mpmath.exp(-x * x / 2), [-mpmath.inf, 0, mpmath.inf]) \
        / mpmath.sqrt(2 * mpmath.pi)


relu = lambda x: x if x > 0 else 0.0


@pytest.mark.parametrize("act, f", [("relu", relu), ("erf", math.erf), ("tanh", math.tanh)])
@pytest.mark.parametrize("sw, sb, q1, q2, c", [(2.0, 0.0, 1.0, 1.0, 0.5), (1.3, 0.2, 0.7, 2.0, -0.4)])
def test_one_layer_kernel_against_2d_quadrature(act, f, sw, sb, q1, q2, c):
    """K^2_12 = sw E[phi phi] + sb under K^1: closed forms (relu, erf) and Gauss-Hermite (tanh) to 1e-10."""
    k11, k22 = sw * q1 + sb, sw * q2 + sb
    k12 = sw * c * math.sqrt(q1 * q2) + sb
    want = sw * _quad_e2(f, f, k11, k22, k12) + sb
    got = ev("nngp-kernel", activation=act, depth=2, weight_variance=sw, bias_variance=sb, q1=q1, q2=q2, c=c)
    assert got == pytest.approx(float(want), rel=1e-10, abs=1e-12)


def test_relu_ntk_derivative_kernel_against_quadrature():
    """Kdot for relu (arc-cosine k0/2) against nested quadrature of the step functions."""
    step = lambda x: 1.0 if x > 0 else 0.0
    want = _quad_e2(step, step, 1.4, 0.9, 0.5)
    assert mf.Gauss("relu").dd(1.4, 0.9, 0.5) == pytest.approx(float(want), rel=1e-10)


def test_tanh_fixed_point_and_chi1_against_mpmath_findroot():
    sw, sb = 2.3, 0.3
    with mpmath.workdps(25):
        qs = mpmath.findroot(lambda q: sw * _mp_e1(lambda u: mpmath.tanh(u) ** 2, q) + sb - q, 1.0)
        chi = sw * _mp_e1(lambda u: mpmath.sech(u) ** 4, qs)
    assert ev("fixed-point-length", activation="tanh", weight_variance=sw, bias_variance=sb) == \
        pytest.approx(float(qs), rel=1e-12)
    assert ev("chi1", activation="tanh", weight_variance=sw, bias_variance=sb) == pytest.approx(float(chi), rel=1e-12)


@pytest.mark.parametrize("sb", [0.05, 0.5])
def test_tanh_critical_line_against_a_2d_mpmath_solve(sb):
    """Solve q = sw E[tanh^2] + sb and sw E[tanh'^2] = 1 jointly for (q*, sw) with mpmath."""
    with mpmath.workdps(25):
        def eqs(q, sw):
            return [sw * _mp_e1(lambda u: mpmath.tanh(u) ** 2, q) + sb - q,
                    sw * _mp_e1(lambda u: mpmath.sech(u) ** 4, q) - 1]
        q, sw = mpmath.findroot(eqs, (0.5, 1.8))
    assert ev("critical-weight-variance", activation="tanh", bias_variance=sb) == pytest.approx(float(sw), rel=1e-11)
    assert ev("chi1", activation="tanh", weight_variance=float(sw), bias_variance=sb) == pytest.approx(1, abs=1e-9)


def test_relu_critical_point_and_phase_facts():
    assert ev("critical-weight-variance", activation="relu") == 2.0
    assert ev("chi1", activation="relu", weight_variance=2.0, bias_variance=0.0) == 1.0
    assert ev("critical-weight-variance", activation="tanh", bias_variance=0.0) == pytest.approx(1.0)
    assert ev("fixed-point-length", activation="relu", weight_variance=1.5, bias_variance=0.1) == pytest.approx(0.4)
    # ordered phase: xi_c = -1/log(chi1); chaotic phase: c* < 1 and xi_c finite; diverges on the line
    x = ev("correlation-depth-scale", activation="tanh", weight_variance=1.2, bias_variance=0.05)
    assert x == pytest.approx(-1 / math.log(ev("chi1", activation="tanh", weight_variance=1.2, bias_variance=0.05)))
    crit = ev("critical-weight-variance", activation="tanh", bias_variance=0.05)
    assert ev("correlation-depth-scale", activation="tanh", weight_variance=crit * 1.001, bias_variance=0.05) > 100
    assert ev("length-depth-scale", activation="relu", weight_variance=1.0) == pytest.approx(1 / math.log(2))


def test_depth_scales_match_iterated_maps():
    """|q^l - q*| and |c^l - c*| decay as exp(-l/xi) (measured from the float recursion itself)."""
    sw, sb = 1.5, 0.05
    g = mf.Gauss("tanh")
    qs = ev("fixed-point-length", activation="tanh", weight_variance=sw, bias_variance=sb)
    q, errs = qs + 0.01, []
    for _ in range(8):
        q = sw * g.p2(q) + sb
        errs.append(abs(q - qs))
    rate = -1 / math.log(errs[-1] / errs[-2])
    assert rate == pytest.approx(ev("length-depth-scale", activation="tanh", weight_variance=sw, bias_variance=sb),
                                 rel=1e-3)
    # chaotic phase: iterate the correlation map near its fixed point c* < 1
    sw = 3.0
    qs = ev("fixed-point-length", activation="tanh", weight_variance=sw, bias_variance=sb)
    cmap = lambda c: (sw * g.pp(qs, qs, qs * c) + sb) / qs
    c = 0.5
    for _ in range(200):
        c = cmap(c)
    cs, errs = c, []
    c = cs + 1e-3
    for _ in range(6):
        c = cmap(c)
        errs.append(abs(c - cs))
    rate = -1 / math.log(errs[-1] / errs[-2])
    assert cs < 0.99 and rate == pytest.approx(
        ev("correlation-depth-scale", activation="tanh", weight_variance=sw, bias_variance=sb), rel=1e-3)


def test_dps_gives_high_precision():
    v = ev("nngp-kernel", dps=40, activation="relu", depth=3, weight_variance=2.0, q1=1.0, q2=1.0, c=0.5)
    with mpmath.workdps(40):
        def k1(a, b, r):
            t = mpmath.acos(r / mpmath.sqrt(a * b))
            return mpmath.sqrt(a * b) * (mpmath.sin(t) + (mpmath.pi - t) * mpmath.cos(t)) / (2 * mpmath.pi)
        k = mpmath.mpf(1)  # 2 * 0.5
        for _ in range(2):
            k = 2 * k1(2, 2, k)
        assert abs(v - k) < mpmath.mpf(10) ** -38
    f = ev("fixed-point-length", activation="tanh", weight_variance=1.7, bias_variance=0.1)
    h = ev("fixed-point-length", dps=30, activation="tanh", weight_variance=1.7, bias_variance=0.1)
    assert abs(h - f) < 1e-13 and isinstance(h, mpmath.mpf)


# ----------------------------------------------------------------------------- kernels and derivations
def test_standard_parameterisation_matches_a_wide_empirical_ntk():
    """Standard parameterisation: Theta_std / (weights' Jacobian) from drawn weights at N=256, n0=16."""
    rng = np.random.default_rng(3)
    N, n0, L, sw, sb = 256, 16, 3, 2.0, 0.1
    X = sim.inputs_for(1.0, 1.0, 0.4, n0)
    vals = []
    for _ in range(40):
        Ws = [rng.standard_normal((N, n0)) * math.sqrt(sw / n0)] + \
             [rng.standard_normal((N, N)) * math.sqrt(sw / N)] + [rng.standard_normal((1, N)) * math.sqrt(sw / N)]
        bs = [rng.standard_normal(W.shape[0]) * math.sqrt(sb) for W in Ws]
        # standard parameterisation: gradients w.r.t. W (not the unit-variance W): Jacobian by hand
        jac = []
        for col in range(2):
            h, hs, zs = X[:, col], [X[:, col]], []
            for W, b in zip(Ws, bs):
                z = W @ h + b
                zs.append(z)
                h = np.maximum(z, 0)
                hs.append(h)
            grads, delta = [], np.ones(1)
            for l in range(L - 1, -1, -1):
                grads += [np.outer(delta, hs[l]).ravel(), delta]
                if l > 0:
                    delta = (zs[l - 1] > 0) * (Ws[l].T @ delta)
            jac.append(np.concatenate(grads))
        vals.append(jac[0] @ jac[1])
    want = ev("ntk-kernel", activation="relu", depth=L, weight_variance=sw, bias_variance=sb, c=0.4,
              parameterization="standard", width=N, input_dim=n0)
    assert np.mean(vals) == pytest.approx(want, rel=0.05)  # O(1/sqrt(N)) fluctuations over 40 nets
    assert ev("ntk-kernel", activation="relu", depth=L, weight_variance=sw, bias_variance=sb, c=0.4) < want / 10


def test_erf_fixed_point_is_a_fixed_point_of_the_derived_length_map():
    """The derivation keeps the erf length map sigma_w^2 (2/pi) asin(2q/(1+2q)) + sigma_b^2: q* is its fixed point."""
    e = derivations.get("meanfield-maps").document().kept["erf_length_map"]
    sym = {s.name: s for s in e.free_symbols}
    qs = ev("fixed-point-length", activation="erf", weight_variance=2.5, bias_variance=0.2)
    assert float(e.subs({sym["sigma_w^2"]: 2.5, sym["sigma_b^2"]: 0.2, sym["q"]: qs})) == pytest.approx(qs, rel=1e-13)


def test_four_point_vertex_closed_forms():
    """Exact kurtosis is an exact rational (sigma_b = 0: independent of sigma_w^2); the residual"""
    for act, a in (("linear", 2), ("relu", 5)):
        got = ev("finite-width-kurtosis-exact", activation=act, depth=4, width=16, weight_variance=1.3)
        assert isinstance(got, Fraction) and got == 3 * (1 + Fraction(a, 16)) ** 3 - 3
    # the residual exact - leading is O(1/N^2): N^2 * residual converges
    r = [N * N * (float(ev("finite-width-kurtosis-exact", activation="relu", depth=6, width=N, weight_variance=2.0))
                  - ev("finite-width-kurtosis", activation="relu", depth=6, width=N, weight_variance=2.0))
         for N in (1000, 10000, 100000)]
    assert r[2] == pytest.approx(r[1], rel=2e-3) and r[1] == pytest.approx(3 * 10 * 25, rel=0.01)  # 3 C(L-1, 2) 5^2


def test_leading_kurtosis_against_an_independent_mpmath_recursion():
    """V recursion with chi_par from numerical differentiation of the length map (tanh, with bias)."""
    sw, sb, q, L, N = 1.4, 0.1, 0.8, 6, 50
    with mpmath.workdps(25):
        e2 = lambda k: _mp_e1(lambda u: mpmath.tanh(u) ** 2, k)
        k, v = sw * q + sb, mpmath.mpf(0)
        for _ in range(L - 1):
            var = _mp_e1(lambda u: mpmath.tanh(u) ** 4, k) - e2(k) ** 2
            chi = sw * mpmath.diff(e2, k)
            k, v = sw * e2(k) + sb, sw**2 * var + chi**2 * v
        want = 3 * v / (N * k * k)
    got = ev("finite-width-kurtosis", activation="tanh", depth=L, width=N, weight_variance=sw, bias_variance=sb, q=q)
    assert got == pytest.approx(float(want), rel=1e-10)


# ----------------------------------------------------------------------------- two-input vertex
@pytest.mark.parametrize("act", ["tanh", "erf", "relu", "linear"])
@pytest.mark.parametrize("sw, sb, q", [(1.5, 0.1, 0.7), (2.0, 0.0, 1.0)])
def test_two_input_vertex_reduces_to_the_one_input_vertex_on_the_diagonal(act, sw, sb, q):
    """x1 = x2: every K^l_ab is K^l and every V^l_(ab)(cd) is the one-input V^l, at every layer."""
    L = 6
    _, one = mf.four_point_vertex(act, L, sw, sb, q)
    _, two = mf.four_point_vertex_two_inputs(act, L, sw, sb, q, q, q)
    for (k, v), (kk, vv) in zip(one, two):
        assert kk == pytest.approx((k, k, k), rel=1e-13)
        scale = abs(v) + 1e-300
        for row in vv:
            for x in row:
                assert abs(x - v) <= 1e-12 * scale + 1e-14
    p = dict(activation=act, depth=L, width=32, weight_variance=sw, bias_variance=sb)
    assert ev("finite-width-cross-kurtosis", q11=q, q12=q, q22=q, **p) == \
        pytest.approx(ev("finite-width-kurtosis", q=q, **p), rel=1e-12)


def _wishart_cross_kurtosis(K1, sw, L, N):
    """Exact (Fraction) co-kurtosis of deep linear nets from the Wishart moment recursion on the full
    4-index tensor M_abcd = E[G_ab G_cd]: M' = sw^2 (M + (M_acbd + M_adbc)/N) (independent of the vertex)."""
    idx = [(a, b, c, d) for a in range(2) for b in range(2) for c in range(2) for d in range(2)]
    M = {i: K1[i[0]][i[1]] * K1[i[2]][i[3]] for i in idx}
    m = [[K1[a][b] for b in range(2)] for a in range(2)]
    for _ in range(L - 1):
        M = {(a, b, c, d): sw * sw * (M[a, b, c, d] + (M[a, c, b, d] + M[a, d, b, c]) / N) for a, b, c, d in idx}
        m = [[sw * x for x in row] for row in m]
    conn = M[0, 0, 1, 1] + 2 * M[0, 1, 0, 1] - m[0][0] * m[1][1] - 2 * m[0][1] ** 2
    return conn / (m[0][0] * m[1][1])


def test_linear_two_input_vertex_is_the_leading_wishart_coefficient():
    """Linear, sigma_b = 0: V^L_(ab)(cd) = (L-1)(K_ac K_bd + K_ad K_bc); the quantity is (L-1)(2 + 4 rho^2)/N,
    the 1/N coefficient of the exact Wishart result (which the derivation gives in closed form)."""
    sw, q11, q12, q22 = Fraction(13, 10), Fraction(1), Fraction(-3, 5), Fraction(2)
    rho2 = q12 * q12 / (q11 * q22)
    doc = derivations.get("meanfield-four-point-two-inputs").document()
    exact, lead = doc.kept["linear_cross_kurtosis_exact"], doc.results["linear_cross_kurtosis_leading"]
    syms = {s.name: s for s in exact.free_symbols | lead.free_symbols}
    for L in (2, 4, 9):
        _, kv = mf.four_point_vertex_two_inputs("linear", L, float(sw), 0.0, float(q11), float(q12), float(q22))
        (k11, k12, k22), V = kv[-1]
        K = [[k11, k12], [k12, k22]]
        for p, (a, b) in enumerate(mf.PAIRS):
            for r, (c, d) in enumerate(mf.PAIRS):
                want = (L - 1) * (K[a][c] * K[b][d] + K[a][d] * K[b][c])
                assert V[p][r] == pytest.approx(want, rel=1e-12, abs=1e-14)
        got = ev("finite-width-cross-kurtosis", activation="linear", depth=L, width=1, weight_variance=float(sw),
                 q11=float(q11), q12=float(q12), q22=float(q22))
        assert got == pytest.approx(float((L - 1) * (2 + 4 * rho2)), rel=1e-12)
        K1 = [[sw * q11, sw * q12], [sw * q12, sw * q22]]
        for N in (3, 16):
            wish = _wishart_cross_kurtosis(K1, sw, L, N)
            assert wish == (1 + 2 * rho2) * ((1 + Fraction(2, N)) ** (L - 1) - 1)
            e = exact.subs({syms["L"]: L, syms["N"]: N}).subs(syms["rho"] ** 2, float(rho2))
            assert float(e) == pytest.approx(float(wish), rel=1e-12)
        assert float(lead.subs({syms["L"]: L, syms["N"]: 1}).subs(syms["rho"] ** 2, float(rho2))) == \
            pytest.approx(got, rel=1e-12)
        # the residual exact - leading is O(1/N^2)
        r = [N * N * (float(_wishart_cross_kurtosis(K1, sw, L, N)) - got / N) for N in (10**3, 10**4)]
        assert r[1] == pytest.approx(4 * float(1 + 2 * rho2) * math.comb(L - 1, 2), rel=2e-3, abs=1e-6)


@pytest.mark.parametrize("act, f", [("relu", relu), ("erf", math.erf), ("tanh", math.tanh)])
@pytest.mark.parametrize("a, b, r", [(1.0, 1.0, 0.5), (0.7, 2.0, -0.4), (1.5, 0.8, 0.9)])
def test_two_input_fourth_moments_and_kernel_derivative_against_quadpack(act, f, a, b, r):
    """p4m (relu closed forms, erf/tanh trapezoid) and pp_dq1 against nested QUADPACK; pp_dq1 also
    against a central difference of the kernel in K11 (K12, K22 fixed)."""
    g = mf.Gauss(act)
    want = [_quad_e2(lambda x, m=m: f(x) ** m, lambda y, n=4 - m: f(y) ** n, a, b, r) for m in (4, 3, 2, 1, 0)]
    np.testing.assert_allclose(g.p4m(a, b, r), want, rtol=1e-9, atol=1e-12)
    h = 1e-4
    fd = (g.pp(a + h, b, r) - g.pp(a - h, b, r)) / (2 * h)
    assert g.pp_dq1(a, b, r) == pytest.approx(fd, rel=1e-6, abs=1e-9)
    fd2 = (g.pp(a, b + h, r) - g.pp(a, b - h, r)) / (2 * h)
    assert g.pp_dq1(b, a, r) == pytest.approx(fd2, rel=1e-6, abs=1e-9)


def test_cross_kurtosis_against_an_independent_recursion():
    """tanh with bias, inputs of different length: the V recursion with C from nested QUADPACK and J by
    central differences of the kernel map in each independent entry (K11, K12, K22)."""
    sw, sb, L, N = 1.4, 0.1, 3, 50
    g = mf.Gauss("tanh")
    t = math.tanh
    k = [sw * 0.8 + sb, sw * 0.3 + sb, sw * 1.3 + sb]
    V = np.zeros((3, 3))
    maps = [lambda x, y, z: g.p2(x), lambda x, y, z: g.pp(x, z, y), lambda x, y, z: g.p2(z)]
    for _ in range(L - 1):
        k11, k12, k22 = k
        e = [maps[p](*k) for p in range(3)]
        m = {(0, 0): _quad_e2(lambda x: t(x) ** 4, lambda y: 1.0, k11, k22, k12),
             (0, 1): _quad_e2(lambda x: t(x) ** 3, t, k11, k22, k12),
             (0, 2): _quad_e2(lambda x: t(x) ** 2, lambda y: t(y) ** 2, k11, k22, k12),
             (1, 2): _quad_e2(t, lambda y: t(y) ** 3, k11, k22, k12),
             (2, 2): _quad_e2(lambda x: 1.0, lambda y: t(y) ** 4, k11, k22, k12)}
        m[1, 1] = m[0, 2]
        C = np.array([[m[min(p, r), max(p, r)] - e[p] * e[r] for r in range(3)] for p in range(3)])
        h = 1e-4
        J = np.array([[sw * (maps[p](*[k[j] + (h if j == r else 0) for j in range(3)])
                             - maps[p](*[k[j] - (h if j == r else 0) for j in range(3)])) / (2 * h)
                       for r in range(3)] for p in range(3)])
        V = sw**2 * C + J @ V @ J.T
        k = [sw * e[0] + sb, sw * e[1] + sb, sw * e[2] + sb]
    want = (V[0, 2] + 2 * V[1, 1]) / (N * k[0] * k[2])
    got = ev("finite-width-cross-kurtosis", activation="tanh", depth=L, width=N, weight_variance=sw,
             bias_variance=sb, q11=0.8, q12=0.3, q22=1.3)
    assert got == pytest.approx(want, rel=1e-7)


def test_cross_kurtosis_estimate_reduces_to_kurtosis_and_its_stderr_is_calibrated():
    g = sim.sample_grams("tanh", 4, 8, 1.5, 0.1, [1.6] * 3, 4000, 3, inputs=1)[:, -1]
    a, b = sim.cross_kurtosis_estimate(g), sim.kurtosis_estimate(g[:, 0])
    assert a.value == pytest.approx(b.value, rel=1e-12) and a.stderr == pytest.approx(b.stderr, rel=1e-9)
    # two inputs: the spread of 40 independent estimates matches the delta-method stderr
    g0 = sim.first_layer(2.0, 0.0, 1.0, 1.0, 0.5)
    ests = [sim.cross_kurtosis_estimate(sim.sample_grams("relu", 3, 8, 2.0, 0.0, g0, 2000, 100 + i)[:, -1])
            for i in range(40)]
    sd = np.std([e.value for e in ests], ddof=1)
    assert sd == pytest.approx(np.mean([e.stderr for e in ests]), rel=0.3)


# ----------------------------------------------------------------------------- simulators
def test_sampling_path_agrees_with_the_weight_path():
    sw, sb = 1.8, 0.05
    g0 = sim.first_layer(sw, sb, 1.0, 1.3, 0.3)
    a = sim.sample_grams("tanh", 4, 16, sw, sb, g0, 20000, 1)[:, -1]
    b = sim.weight_path_grams("tanh", 4, 16, sw, sb, 1.0, 1.3, 0.3, 3000, 2)[:, -1]
    for j in range(3):
        ea, eb = numerics.mean(a[:, j]), numerics.mean(b[:, j])
        assert abs(ea.value - eb.value) < 4 * math.hypot(ea.stderr, eb.stderr)
        # and the spread (a finite-width effect) agrees too
        assert a[:, j].std() == pytest.approx(b[:, j].std(), rel=0.08)


def test_exact_variance_law_agrees_with_the_sampling_path():
    for act in ("relu", "linear"):
        a = sim.homogeneous_variances(act, 5, 16, 1.6, 0.2, 1.0, 200000, 4)
        b = sim.sample_grams(act, 5, 16, 1.6, 0.2, [1.6 + 0.2] * 3, 20000, 5, inputs=1)[:, -1, 0]
        ka, kb = sim.kurtosis_estimate(a), sim.kurtosis_estimate(b)
        assert abs(ka.value - kb.value) < 4 * math.hypot(ka.stderr, kb.stderr)


@pytest.mark.parametrize("act", ["relu", "tanh", "erf", "gelu"])
def test_fused_ntk_kernel_equals_the_full_jacobian_reference(act):
    rng = np.random.default_rng(11)
    N, n0, L = 24, 5, 4
    Ws = [rng.standard_normal((N, n0))] + [rng.standard_normal((N, N)) for _ in range(L - 2)] + \
         [rng.standard_normal((1, N))]
    bs = [rng.standard_normal(W.shape[0]) for W in Ws]
    X = sim.inputs_for(0.8, 1.3, -0.2, n0)
    got = sim.ntk_numba_from_weights(Ws, bs, X, act, 1.7, 0.2)
    np.testing.assert_allclose(got[:3], sim.ntk_reference(Ws, bs, X, act, 1.7, 0.2), rtol=1e-11)
    np.testing.assert_allclose(got[:3], sim.ntk_from_weights(Ws, bs, X, act, 1.7, 0.2)[:3], rtol=1e-11)


def test_simulators_are_thread_count_independent(monkeypatch):
    g0 = sim.first_layer(2.0, 0.0, 1.0, 1.0, 0.5)
    runs = []
    for t in ("1", "2"):
        monkeypatch.setenv("DLTHEORY_THREADS", t)
        runs.append((sim.sample_grams("relu", 3, 32, 2.0, 0.0, g0, 1000, 9),
                     sim.empirical_ntk("tanh", 3, 16, 1.5, 0.1, 1.0, 1.0, 0.5, 40, 9)))
    assert np.array_equal(runs[0][0], runs[1][0]) and np.array_equal(runs[0][1], runs[1][1])


def test_relu_correlation_map_against_an_mpmath_arc_cosine_iteration():
    """rho^L for relu by iterating Cho & Saul's normalised arc-cosine map at 30 digits (lengths change
    with sigma_b^2, so the lengths are iterated too), independent of the kernel recursion's code."""
    sw, sb, L = 1.5, 0.1, 5
    with mpmath.workdps(30):
        k11, k22 = mpmath.mpf(sw) * 0.7 + sb, mpmath.mpf(sw) * 2.0 + sb
        k12 = mpmath.mpf(sw) * (-0.4) * mpmath.sqrt(mpmath.mpf(0.7) * 2.0) + sb
        for _ in range(L - 1):
            r = mpmath.sqrt(k11 * k22)
            t = mpmath.acos(k12 / r)
            k12 = sw * r * (mpmath.sin(t) + (mpmath.pi - t) * mpmath.cos(t)) / (2 * mpmath.pi) + sb
            k11, k22 = sw * k11 / 2 + sb, sw * k22 / 2 + sb
        want = k12 / mpmath.sqrt(k11 * k22)
    got = ev("correlation-map", activation="relu", depth=L, weight_variance=sw, bias_variance=sb, q1=0.7, q2=2.0,
             c=-0.4)
    assert got == pytest.approx(float(want), rel=1e-13)


def test_fluctuation_exponent_fit_recovers_minus_one_half_on_synthetic_data():
    """log SD of samples with SD^2 = A/N + B/N^2 (Gaussian, n per width): the fitted exponent is -1/2
    within its stated stderr, and the stderr is calibrated over 100 replicates."""
    rng = np.random.default_rng(7)
    widths, n, A, B = (16, 32, 64, 128, 256), 3000, 2.0, 9.0
    zs = []
    for _ in range(100):
        sds = [sim.log_sd(rng.standard_normal(n) * math.sqrt(A / N + B / N**2)) for N in widths]
        e = sim.fluctuation_exponent(widths, sds)
        zs.append((e.value + 0.5) / e.stderr)
    assert abs(np.mean(zs)) < 0.35 and 0.7 < np.std(zs) < 1.3


def test_two_input_vertex_has_no_wrong_theory_switch_and_the_checks_wrong_theory_differs():
    """The off-diagonal slip (J_(12)(12) halved) lives in the check as its wrong theory, not in theory code."""
    import inspect

    assert "offdiag_factor" not in inspect.signature(mf.four_point_vertex_two_inputs).parameters
    p = dict(activation="tanh", depth=4, weight_variance=1.5, bias_variance=0.0, q11=1.0, q12=0.5, q22=1.0)
    right = ev("finite-width-cross-kurtosis", width=1, **p)
    wrong = numerics.get_check("meanfield-cross-kurtosis-extrapolation").wrong(p)
    assert 0 < wrong < 0.9 * right


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("args, fragment", [
    (["eval", "nngp-kernel", "activation=relu", "depth=2", "weight_variance=-1"], "weight_variance=-1"),
    (["eval", "nngp-kernel", "activation=relu", "depth=0", "weight_variance=2"], "depth=0"),
    (["eval", "nngp-kernel", "activation=softsign", "depth=2", "weight_variance=2"], "activation=softsign"),
    (["eval", "nngp-kernel", "activation=relu", "depth=2", "weight_variance=2", "c=1.5"], "c=1.5"),
    (["eval", "chi1", "activation=tanh", "weight_variance=1", "bias_variance=-0.1"], "bias_variance=-0.1"),
    (["eval", "fixed-point-length", "activation=relu", "weight_variance=3"], "weight_variance=3.0"),
    (["eval", "ntk-kernel", "activation=relu", "depth=2", "weight_variance=2", "parameterization=standard"],
     "width=(missing)"),
    (["eval", "finite-width-kurtosis", "activation=tanh", "depth=3", "width=0", "weight_variance=1"], "width=0"),
    (["eval", "finite-width-cross-kurtosis", "activation=tanh", "depth=3", "width=8", "weight_variance=1",
      "q11=1", "q12=1.5", "q22=1"], "q12=1.5"),
    (["eval", "finite-width-cross-kurtosis", "activation=relu", "depth=3", "width=8", "weight_variance=2",
      "q11=0", "q12=0"], "q11=0"),
    (["eval", "finite-width-cross-kurtosis", "activation=relu", "depth=3", "width=8", "weight_variance=2",
      "q22=-1"], "q22=-1"),
])
def test_bad_input_is_one_line_exit_2(cli, args, fragment):
    out = cli(*args)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], out.stderr


def test_theory_module_imports_neither_numba_nor_sympy():
    code = ("import sys; from dltheory.cli import main; main(['eval', 'ntk-kernel', 'activation=tanh', "
            "'depth=4', 'weight_variance=1.5']); print('numba' in sys.modules, 'sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split()[-2:] == ["False", "False"]


def test_cross_kurtosis_eval_imports_neither_numba_nor_sympy():
    code = ("import sys; from dltheory.cli import main; main(['eval', 'finite-width-cross-kurtosis', "
            "'activation=tanh', 'depth=4', 'width=16', 'weight_variance=1.5', 'q12=0.5']); "
            "print('numba' in sys.modules, 'sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split()[-2:] == ["False", "False"]


# ----------------------------------------------------------------------------- slow
@pytest.mark.slow
def test_kurtosis_residual_shrinks_as_one_over_n_squared_in_monte_carlo():
    """tanh: N kappa_N - A (A = leading vertex) shrinks like 1/N: the kurtosis residual is O(1/N^2)."""
    n = numerics.sized(400_000)
    p = dict(activation="tanh", depth=4, weight_variance=1.5, bias_variance=0.0, q=1.0)
    A = ev("finite-width-kurtosis", width=1, **p)
    resid = []
    for N, seed in ((8, 1), (32, 2)):
        g = sim.sample_grams("tanh", 4, N, 1.5, 0.0, [1.5] * 3, n, seed, inputs=1)[:, -1, 0]
        k = sim.kurtosis_estimate(g)
        resid.append((N * (N * k.value - A), N * N * k.stderr))
    # N^2 (kappa_N - A/N) is O(1): the same constant at N = 8 and 32 within errors + O(1/N)
    (r8, s8), (r32, s32) = resid
    assert abs(r8 - r32) < 4 * math.hypot(s8, s32) + 0.3 * abs(r8)


@pytest.mark.parametrize("act", ["erf", "tanh", "sigmoid", "softplus", "gelu", "swish", "sin"])
def test_float_quadrature_agrees_with_mpmath_for_every_activation(act):
    """One-dimensional Gaussian integrals (q-map, E[phi^4], chi_par): trapezoid vs mpmath.quad at 25 digits."""
    p = dict(activation=act, depth=4, width=32, weight_variance=1.3, bias_variance=0.2, q=0.9)
    f = ev("finite-width-kurtosis", **p)
    h = ev("finite-width-kurtosis", dps=25, **p)
    assert f == pytest.approx(float(h), rel=1e-11)


def test_bounds_reports_the_exact_output_kurtosis_of_equal_width_relu_nets(cli):
    out = cli("bounds", "--input-dim", "4", "--widths", "64,64,64", "--activation", "relu", "--json")
    assert out.returncode == 0, out.stderr
    rows = {r["name"]: r for r in json.loads(out.stdout)["rows"]}
    assert rows["finite-width-kurtosis-exact"]["exact"] == str(Fraction(3) * (Fraction(69, 64) ** 3 - 1))


# ----------------------------------------------------------------------------- depth-scale estimators
def test_gls_log_slope_recovers_a_known_decay_and_its_stderr_is_calibrated():
    """Synthetic deviations D^l = a r^l (1 + noise correlated over l): the slope is log r within
    its stated stderr, and over 200 replicates the z-scores have SD close to 1."""
    rng = np.random.default_rng(3)
    r, a, L, n = 0.55, 1e-3, 7, 2000
    zs = []
    for _ in range(200):
        common = rng.standard_normal((n, 1))
        noise = 0.3 * (0.7 * common + 0.7 * rng.standard_normal((n, L)))
        dev = a * r ** np.arange(L) * (1 + noise)
        dev[:, 0] = a
        e = sim.gls_log_slope(dev, a)
        zs.append((e.value - math.log(r)) / e.stderr)
    zs = np.array(zs)
    assert abs(zs.mean()) < 0.3 and 0.8 < zs.std() < 1.2


def test_depth_scale_couplings_use_common_random_numbers():
    """eps = 0 / delta = 0: the two coupled networks are the same network (deviations exactly 0);
    D^0 is the imposed step."""
    d = sim.length_deviations("tanh", 4, 16, 1.5, 0.05, 0.4, 0.0, 300, 5)
    assert np.all(d == 0)
    d = sim.correlation_deviations("tanh", 4, 16, 0.8, 0.05, 0.14, 0.9, 0.0, 300, 5)
    assert np.all(d == 0)
    d = sim.length_deviations("tanh", 4, 16, 1.5, 0.05, 0.4, 1e-3, 300, np.random.SeedSequence(5))
    assert np.allclose(d[:, 0], 0.4e-3, rtol=1e-9)


def test_length_deviation_decay_is_the_linearised_length_map_at_one_layer():
    """E[D^1] is exact at any width (G^0 deterministic): (V(q*(1+eps)) - V(q*)) with V the length map."""
    from scipy.integrate import quad

    sw, sb, q, eps = 1.5, 0.05, ev("fixed-point-length", activation="tanh", weight_variance=1.5, bias_variance=0.05), 1e-3
    V = lambda g: sb + sw * quad(lambda u: math.tanh(math.sqrt(g) * u) ** 2 * math.exp(-u * u / 2)
                                 / math.sqrt(2 * math.pi), -12, 12, epsabs=1e-14)[0]
    d = sim.length_deviations("tanh", 2, 8, sw, sb, q, eps, 20000, 11)[:, 1]
    e = numerics.mean(d)
    assert abs(e.value - (V(q * (1 + eps)) - V(q))) < 4 * e.stderr


@pytest.mark.parametrize("activation", ["gelu", "swish", "softplus"])
def test_a_length_map_without_a_finite_fixed_point_is_refused_at_once(activation):
    """At sigma_w^2 = 4 these relu-like maps grow without bound (slope sigma_w^2/2 > 1 at large q).
    The Newton step could land on q = 0, whose double-precision quadrature raised, and the mpmath
    redo ran into the 20 s guard; the iteration now refuses, naming weight_variance, in well under a
    second, and an unconverged q is never returned."""
    import time

    from dltheory.theory import BadInput, evaluate

    start = time.process_time()
    with pytest.raises(BadInput, match="weight_variance"):
        evaluate("correlation-depth-scale", activation=activation, weight_variance=4.0, bias_variance=0.05)
    assert time.process_time() - start < 5
    q = evaluate("fixed-point-length", activation=activation, weight_variance=1.5, bias_variance=0.05)
    assert 0.05 <= q < 10


def test_the_vertex_recursion_reuses_its_fixed_point_and_refuses_a_depth_it_cannot_reach(monkeypatch):
    """Once K^l is at its fixed point (to working precision) C(K) and J(K) repeat, so the 3 x 3 vertex
    recursion runs on without quadrature: the same V as the full recursion, and depth 10^4 in well
    under the guard; at a critical point K never settles and a too-deep recursion is refused naming depth."""
    import time

    from dltheory.theory import BadInput, evaluate
    from dltheory.theory.meanfield import finite_width as fw

    g, kv = fw.four_point_vertex_two_inputs("tanh", 300, 1.5, 0.05, 1.0, 0.3, 1.0)
    sw, sb = 1.5, 0.05
    k = (sw + sb, sw * 0.3 + sb, sw + sb)
    v = [[0.0] * 3 for _ in range(3)]
    for _ in range(299):
        v = fw.vertex_step(v, fw.fourth_moment_covariance(g, k), fw.kernel_jacobian(g, k, sw), sw)
        k = fw.kernel_step(g, k, sw, sb)
    assert all(kv[-1][1][p][r] == pytest.approx(v[p][r], rel=1e-12, abs=1e-300) for p in range(3) for r in range(3))
    start = time.process_time()
    deep = evaluate("finite-width-cross-kurtosis", activation="tanh", depth=10_000, width=10**6,
                    weight_variance=1.5, bias_variance=0.05, q12=0.3)
    assert math.isfinite(deep) and time.process_time() - start < 5
    monkeypatch.setattr(fw, "LAYER_COST_S", 0.2)  # the guard's budget, shortened for the test
    with pytest.raises(BadInput, match="depth"):
        evaluate("finite-width-cross-kurtosis", activation="tanh", depth=10_000, width=10**6, weight_variance=1.0)


def test_standard_ntk_takes_e_phi_phi_directly_at_tiny_weight_variance():
    """The standard-parameterisation NTK adds N E[phi phi] per layer; it was computed as
    (K^{l+1} - sigma_b^2)/sigma_w^2, which cancels digits when sigma_w^2 << sigma_b^2 (3e-5 off at
    sigma_w^2 = 2e-12). Now it agrees with the 40-digit evaluation to rounding."""
    from dltheory.theory import evaluate

    args = dict(activation="relu", depth=3, weight_variance=2e-12, bias_variance=0.1, c=0.4,
                parameterization="standard", width=256, input_dim=16)
    assert evaluate("ntk-kernel", **args) == pytest.approx(float(evaluate("ntk-kernel", dps=40, **args)), rel=1e-14)
