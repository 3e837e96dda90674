"""Learning curves: simulators against brute force at tiny sizes, the closed forms against independent
computations and their limits, the interpolation peak, the scaling-law fitter on models whose
exponent is known, bad input."""
import math

import numpy as np
import pytest

from dltheory import theory
from dltheory.cli import main
from dltheory.numerics.learning_curves import kernels
from dltheory.numerics.learning_curves.fit import fit_scaling_law

ev = theory.evaluate


# ---------------------------------------------------------------- simulators against brute force

def test_min_norm_simulator_against_pinv():
    for n, p in ((6, 3), (4, 9)):
        got = kernels.min_norm_risks(np.random.default_rng(3), 5, n, p, 2.0, 0.3)
        gen = np.random.default_rng(3)  # the same draws, in the simulator's order
        X = gen.standard_normal((5, n, p))
        b = gen.standard_normal((5, p))
        beta = math.sqrt(2.0) * b / np.linalg.norm(b, axis=1, keepdims=True)
        y = np.einsum("rnp,rp->rn", X, beta) + math.sqrt(0.3) * gen.standard_normal((5, n))
        want = [np.sum((np.linalg.pinv(X[r]) @ y[r] - beta[r]) ** 2) for r in range(5)]
        assert np.allclose(got, want, rtol=1e-9)


def _basis_average(risk, dim):
    """The mean of a quadratic form over directions v with E v v^T = I/dim, as the mean over the basis
    (it depends only on the second moment)."""
    return np.mean([risk(e) for e in np.eye(dim)])


def test_ridge_simulator_against_explicit_averages():
    n, p, signal, noise, lam = 5, 3, 1.5, 0.4, 0.3
    got = kernels.ridge_risks(np.random.default_rng(4), 1, n, p, signal, noise, lam)[0]
    X = np.random.default_rng(4).standard_normal((n, p))
    B = np.linalg.solve(X.T @ X / n + lam * np.eye(p), X.T / n)  # beta_hat = B y
    bias = _basis_average(lambda e: np.sum((B @ X @ (math.sqrt(signal) * e) - math.sqrt(signal) * e) ** 2), p)
    variance = noise * np.sum(B**2)  # E|B eps|^2
    assert got == pytest.approx(bias + variance, rel=1e-10)


def test_arccos_kernel_against_reference_and_monte_carlo():
    gen = np.random.default_rng(5)
    gram = np.array([[1.0, 0.3, -0.8], [0.3, 1.0, 0.0], [-0.8, 0.0, 1.0]])
    assert np.allclose(kernels.relu_arccos(gram), kernels.relu_arccos_numpy(gram), rtol=1e-14)
    u = gen.multivariate_normal(np.zeros(3), gram, size=400_000)
    mc = np.maximum(u, 0).T @ np.maximum(u, 0) / len(u)
    assert np.allclose(kernels.relu_arccos(gram), mc, atol=5e-3)
    assert kernels.relu_arccos(np.array([[1.0]]))[0, 0] == pytest.approx(0.5, rel=1e-15)


def test_random_features_simulator_against_brute_force():
    """Exact averages of the simulator vs explicit ones: the target direction over the basis, the noise
    over its covariance, the test input by 400k Monte Carlo draws (4 standard errors)."""
    d, N, n, lam, signal, noise = 3, 4, 5, 0.2, 1.0, 0.25
    got = kernels.random_features_risks(np.random.default_rng(6), 1, d, N, n, lam, signal, noise)[0]
    gen = np.random.default_rng(6)
    theta = kernels.sphere_rows(gen, N, d)
    X = gen.standard_normal((n, d))
    feats = lambda x: np.maximum(x @ theta.T / math.sqrt(d), 0.0)  # noqa: E731
    Z = feats(X)
    A = np.linalg.solve(Z.T @ Z / n + (N * lam / d) * np.eye(N), Z.T / n)
    xt = np.random.default_rng(7).standard_normal((400_000, d))
    Ft = feats(xt)
    per_test = np.zeros(len(xt))
    for e in np.eye(d):  # beta = sqrt(signal) e, averaged over the basis: E beta beta^T = signal I/d
        beta = math.sqrt(signal) * e
        per_test += (xt @ beta - Ft @ (A @ X @ beta)) ** 2 / d
    per_test += noise * np.sum((Ft @ A) ** 2, axis=1)
    se = per_test.std() / math.sqrt(len(xt))
    assert abs(got - per_test.mean()) < 4 * se


def test_power_law_simulators_against_brute_force():
    alpha, M, P = 1.0, 6, 3
    lam = kernels.spectrum(alpha, M)
    got = kernels.ridgeless_power_law_risks(np.random.default_rng(8), 1, P, alpha, M)[0]
    X = np.random.default_rng(8).standard_normal((P, M)) * np.sqrt(lam)
    proj = np.linalg.pinv(X) @ X
    want = sum(np.sum(lam * ((np.eye(M) - proj) @ e) ** 2) for e in np.eye(M))  # E w w^T = I
    assert got == pytest.approx(want, rel=1e-9)
    got = kernels.projection_power_law_risks(np.random.default_rng(9), 1, P, alpha, M)[0]
    F = (np.random.default_rng(9).standard_normal((M, P))).T  # N x M
    S = np.diag(lam)
    best = lambda w: w @ S @ w - w @ S @ F.T @ np.linalg.solve(F @ S @ F.T, F @ S @ w)  # noqa: E731
    assert got == pytest.approx(sum(best(e) for e in np.eye(M)), rel=1e-9)


def _joint_brute(X, F, lam):
    """Mean over all 2^M teachers w_k = +-1 of the risk of min-norm regression (pinv) on z = F x."""
    M = len(lam)
    total = 0.0
    for bits in range(2**M):
        w = np.array([1.0 if bits >> k & 1 else -1.0 for k in range(M)])
        d = w - F.T @ (np.linalg.pinv(X @ F.T) @ (X @ w))
        total += d @ (lam * d)
    return total / 2**M


def test_joint_simulator_against_brute_force_and_its_duality():
    alpha, M = 0.5, 6
    lam = kernels.spectrum(alpha, M)
    for P, N in ((2, 4), (4, 2), (5, 1), (3, 3)):
        got = kernels.joint_power_law_risks(np.random.default_rng(P), 1, P, N, alpha, M)[0]
        gen = np.random.default_rng(P)  # the simulator's order: A then G
        A, G = gen.standard_normal((P, M)), gen.standard_normal((N, M))
        assert got == pytest.approx(_joint_brute(A * np.sqrt(lam), G, lam), rel=1e-8)
        assert kernels.joint_risk(G, A, lam) == pytest.approx(got, rel=1e-10)  # r(A, G) = r(G, A)


def test_joint_exact_least_squares_factor():
    """E R(P, N) = E[R_N] (P-1)/(P-N-1) for P >= N + 2 (the derivation's exact step): the joint
    simulator against the projection simulator times the factor, at sizes where n/(n-m) differs from it
    by 7 %. z-test at 4 s.e. (fixed seeds)."""
    alpha, M, P, N, reps = 1.0, 16, 12, 4, 4000
    joint = kernels.joint_power_law_risks(np.random.default_rng(21), reps, P, N, alpha, M)
    proj = kernels.projection_power_law_risks(np.random.default_rng(22), reps, N, alpha, M) * (P - 1) / (P - N - 1)
    se = math.hypot(joint.std(ddof=1), proj.std(ddof=1)) / math.sqrt(reps)
    assert abs(joint.mean() - proj.mean()) < 4 * se
    assert abs(joint.mean() - proj.mean() * (P - N - 1) * P / ((P - 1) * (P - N))) > 4 * se  # n/(n-m) is not exact


def test_threads_do_not_change_a_check_point(monkeypatch):
    from dltheory import numerics
    from dltheory.numerics._check import measure_point

    c = numerics.get_check("power-law-ridgeless-mc")
    point = c.grid(True)[0]
    monkeypatch.setenv("DLTHEORY_THREADS", "1")
    one = measure_point(c, point, 0, quick=True)
    monkeypatch.setenv("DLTHEORY_THREADS", "2")
    assert measure_point(c, point, 0, quick=True).value == one.value


# ---------------------------------------------------------------- closed forms

def test_min_norm_finite_tends_to_the_limit():
    for gamma in (0.25, 0.5, 2.0, 4.0):
        n = 1_000_000
        finite = ev("min-norm-risk-finite", samples=n, features=int(gamma * n), signal=1.0, noise=0.5)
        assert finite == pytest.approx(ev("min-norm-risk", gamma=gamma, signal=1.0, noise=0.5), rel=1e-5)


def test_ridge_against_marchenko_pastur_quadrature_and_its_ridgeless_limit():
    from scipy.integrate import quad

    gamma, lam, r2, s2 = 0.5, 0.3, 1.2, 0.7
    lo, hi = (1 - math.sqrt(gamma)) ** 2, (1 + math.sqrt(gamma)) ** 2
    dens = lambda t: math.sqrt((hi - t) * (t - lo)) / (2 * math.pi * gamma * t)  # noqa: E731
    bias = quad(lambda t: dens(t) / (t + lam) ** 2, lo, hi, epsabs=1e-13)[0]
    var = quad(lambda t: t * dens(t) / (t + lam) ** 2, lo, hi, epsabs=1e-13)[0]
    want = r2 * lam**2 * bias + s2 * gamma * var
    assert float(ev("ridge-risk", gamma=gamma, ridge=lam, signal=r2, noise=s2)) == pytest.approx(want, rel=1e-9)
    for g in (0.5, 2.0):
        near = float(ev("ridge-risk", gamma=g, ridge=1e-9, signal=1.0, noise=0.5))
        assert near == pytest.approx(ev("min-norm-risk", gamma=g, signal=1.0, noise=0.5), rel=1e-6)


def test_random_features_interpolation_peak_and_consistency():
    at = lambda psi1, lam: ev("random-features-risk", psi1=psi1, psi2=1.0, ridge=lam, noise=0.25)  # noqa: E731
    below = [at(x, 1e-7) for x in (0.5, 0.9, 0.99)]
    above = [at(x, 1e-7) for x in (1.01, 1.5, 3.0, 10.0)]
    assert below == sorted(below) and above == sorted(above, reverse=True)  # the peak is at psi1 = psi2
    assert at(1.0, 1e-6) > 10 * max(below[0], above[-1])
    assert at(3.0, 1e-12) == pytest.approx(at(3.0, 0.0), rel=1e-6)  # the ridgeless limit is continuous
    # at the peak the risk grows as lambda^(-1/2), resolved to the smallest ridge (adaptive precision)
    assert at(1.0, 1e-300) / at(1.0, 1e-40) == pytest.approx(1e130, rel=1e-9)
    # zeta = 0 (mu1 = 0): the linear target is noise: signal and noise enter identically
    a = ev("random-features-risk", psi1=2.0, psi2=1.0, ridge=0.1, signal=1.0, noise=0.0, mu1=0.0, mu_star=0.5)
    b = ev("random-features-risk", psi1=2.0, psi2=1.0, ridge=0.1, signal=0.0, noise=1.0, mu1=0.0, mu_star=0.5)
    assert a == pytest.approx(b + 1.0, rel=1e-12)


def test_joint_risk_limits_duality_and_peak():
    for alpha, M in ((0.5, 512), (1.0, 10000), (2.0, 100)):
        for m in (10, 40, 90):
            data = ev("power-law-ridgeless-risk", samples=m, alpha=alpha, modes=M)
            proj = ev("power-law-projection-risk", features=m, alpha=alpha, modes=M)
            # N -> infinity: the data-limited risk; P -> infinity: the parameter-limited one
            assert ev("power-law-joint-risk", samples=m, features=10**12, alpha=alpha, modes=M) == pytest.approx(
                data, rel=1e-9)
            assert ev("power-law-joint-risk", samples=10**12, features=m, alpha=alpha, modes=M) == pytest.approx(
                proj, rel=1e-9)
            for n in (m + 2, 2 * m, 5 * m + 3, 10**6):
                a = ev("power-law-joint-risk", samples=m, features=n, alpha=alpha, modes=M)
                assert a == ev("power-law-joint-risk", samples=n, features=m, alpha=alpha, modes=M)  # duality
                assert a == pytest.approx(data * n / (n - m), rel=1e-12) and a > data
    # double descent in P at N = 64: down, up to the peak at P = N (refused within 1 of it, warned near
    # it), down again
    down = [ev("power-law-joint-risk", samples=p, features=64, alpha=1.0, modes=512) for p in (2, 8, 16, 32)]
    left = [ev("power-law-joint-risk", samples=p, features=64, alpha=1.0, modes=512) for p in (32, 48, 56, 62)]
    right = [ev("power-law-joint-risk", samples=p, features=64, alpha=1.0, modes=512) for p in (1000, 128, 72, 66)]
    assert down == sorted(down, reverse=True) and left == sorted(left) and right == sorted(right)
    assert left[-1] > 5 * left[0] and right[-1] > 25 * right[0]
    for p in (63, 64, 65):
        with pytest.raises(theory.BadInput, match="interpolation peak"):
            ev("power-law-joint-risk", samples=p, features=64, alpha=1.0, modes=512)
    q = theory.get("power-law-joint-risk")
    near = q.warnings({"samples": 80, "features": 64, "alpha": 1.0, "modes": 512})
    assert len(near) == 1 and "interpolation peak" in near[0]
    assert q.warnings({"samples": 256, "features": 64, "alpha": 1.0, "modes": 512}) == []


def test_kappa_solves_its_equation_and_the_asymptote():
    for P, alpha, M in ((32, 1.0, 512), (7, 0.3, 50), (1000, 2.0, 100_000)):
        k = theory.get("power-law-ridgeless-risk").function(P, alpha, M) / P
        lam = kernels.spectrum(alpha, M)
        assert np.sum(lam / (lam + k)) == pytest.approx(P, rel=1e-12)
    # large M and P: the discrete risk approaches C_alpha^(1+alpha) P^-alpha with an O(1/P) relative gap
    # (the sum against its integral); alpha >= 1 so that the cutoff M = 2e6, an O((P/M)^alpha) effect, is
    # negligible (at alpha = 1/2 it is 2% at P = 1000: docs/learning_curves.md)
    for alpha in (1.0, 2.0):
        gaps = [abs(ev("power-law-ridgeless-risk", samples=P, alpha=alpha, modes=2_000_000)
                    / ev("power-law-risk-asymptote", samples=P, alpha=alpha) - 1) for P in (100, 1000)]
        assert gaps[1] < gaps[0] / 5 and gaps[0] < 0.05
    assert ev("power-law-projection-risk", features=40, alpha=1.5, modes=300) == \
        ev("power-law-ridgeless-risk", samples=40, alpha=1.5, modes=300)


# ---------------------------------------------------------------- the fitter

def test_fitter_recovers_a_known_law_with_calibrated_errors():
    """100 noisy draws of L = 0.1 + 2 P^-0.7 at 8 sizes: the Jacobian errors cover the truth at the
    normal rate (|z| < 2.58 in at least 95 of 100 fits; a 1% two-sided test per fit) and the bootstrap agrees."""
    sizes = np.geomspace(10, 3000, 8)
    truth = 0.1 + 2.0 * sizes**-0.7
    se = 0.01 * truth
    gen = np.random.default_rng(10)
    z = []
    for _ in range(100):
        f = fit_scaling_law(sizes, truth + se * gen.standard_normal(8), se)
        z.append((f.b - 0.7) / f.b_stderr)
    assert sum(abs(v) < 2.58 for v in z) >= 95
    boot = fit_scaling_law(sizes, truth, se, bootstrap=200, seed=1)
    jac = fit_scaling_law(sizes, truth, se)
    assert boot.b_stderr == pytest.approx(jac.b_stderr, rel=0.3)
    assert jac.b == pytest.approx(0.7, abs=1e-6)


def test_fitter_on_the_power_law_model():
    """On the discrete ridgeless risk (M = 2,000,000, no noise) the fitted exponent with L_inf = 0 tends to
    alpha as the range moves a decade up, by the factor ~10 that the formula's O(1/P) bend predicts (at
    least 5 required): the bend of the model, not a bias of the fitter."""
    for alpha in (1.0, 2.0):
        errs = []
        for sizes in (np.geomspace(20, 200, 6).astype(int), np.geomspace(200, 2000, 6).astype(int)):
            risk = [ev("power-law-ridgeless-risk", samples=int(P), alpha=alpha, modes=2_000_000) for P in sizes]
            errs.append(abs(fit_scaling_law(sizes, risk, fix_l_inf=0.0).b - alpha))
        assert errs[1] < errs[0] / 5


def test_fitter_refuses_bad_data():
    with pytest.raises(ValueError):
        fit_scaling_law([1, 2, 3], [1.0, 0.5, 0.3])
    with pytest.raises(ValueError):
        fit_scaling_law([0, 2, 3, 4], [1.0, 0.5, 0.3, 0.2])


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("name,params", [
    ("min-norm-risk", {"gamma": 1.0, "noise": 0.5}),
    ("min-norm-risk", {"gamma": 0.0}),
    ("min-norm-risk", {"gamma": 2.0, "signal": -1.0}),
    ("min-norm-risk-finite", {"samples": 10, "features": 11, "noise": 0.1}),
    ("min-norm-risk-finite", {"samples": 0, "features": 3}),
    ("ridge-risk", {"gamma": 2.0, "ridge": -0.1}),
    ("random-features-risk", {"psi1": 1.0, "psi2": 1.0, "ridge": 0.0}),
    ("random-features-risk", {"psi1": 1.0, "psi2": 2.0, "ridge": 0.1, "mu_star": 0.0}),
    ("power-law-ridgeless-risk", {"samples": 100, "alpha": 1.0, "modes": 100}),
    ("power-law-ridgeless-risk", {"samples": 10, "alpha": 1.0, "modes": 10**8}),
    ("power-law-projection-risk", {"features": 10, "alpha": 0.0, "modes": 100}),
    ("power-law-risk-asymptote", {"samples": 0.5, "alpha": 1.0}),
    ("power-law-joint-risk", {"samples": 64, "features": 64, "alpha": 1.0, "modes": 512}),
    ("power-law-joint-risk", {"samples": 600, "features": 512, "alpha": 1.0, "modes": 512}),
    ("power-law-joint-risk", {"samples": 0, "features": 10, "alpha": 1.0, "modes": 512}),
    ("power-law-joint-risk", {"samples": 10, "features": 10**16, "alpha": 1.0, "modes": 512}),
])
def test_bad_input(name, params):
    with pytest.raises(theory.BadInput):
        ev(name, **params)


def test_cli_bad_input_is_one_line_exit_2(capsys):
    assert main(["eval", "random-features-risk", "psi1=2", "psi2=2", "ridge=0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "psi1" in err[0]


def test_plot_fit_finds_the_exponent_and_refuses_too_few_points(tmp_path, capsys):
    """`plot --fit` on the discrete power-law risk: b within a few per cent of alpha (finite M bends
    it below); a curve of 3 points is refused in one line before anything is written."""
    from dltheory.cli import main

    out = tmp_path / "fit.png"
    assert main(["plot", "power-law-ridgeless-risk", "samples=40:2000:12", "alpha=1", "modes=10000", "--log",
                 "--fit", "--out", str(out)]) == 0
    line = [s for s in capsys.readouterr().out.splitlines() if "fit curve" in s][0]
    b = float(line.split("b = ")[1].split()[0])
    assert 0.93 < b < 1.0 and out.stat().st_size > 0
    bad = tmp_path / "bad.png"
    assert main(["plot", "power-law-ridgeless-risk", "samples=40:2000:3", "alpha=1", "modes=10000", "--fit",
                 "--out", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--fit" in err[0] and not bad.exists()


@pytest.mark.parametrize("alpha,P", [(1.0, 10), (3.0, 10), (2.0, 40)])
def test_the_asymptote_warns_with_its_euler_maclaurin_excess_over_the_discrete_risk(alpha, P):
    """The asymptote exceeds the discrete risk (M large) by (1 + 1/(2P))^(1+alpha) - 1, and says so
    where that is above 1 %; at P = 1000, alpha = 1 (0.15 %) it does not warn."""
    import math

    from dltheory.theory import scaling_laws as s

    q = theory.get("power-law-risk-asymptote")
    excess = q(samples=P, alpha=alpha) / (P * s.kappa(P, alpha, 2_000_000)) - 1
    predicted = (1 + 0.5 / P) ** (1 + alpha) - 1
    assert excess == pytest.approx(predicted, rel=2e-3)
    (warning,) = q.warnings({"samples": P, "alpha": alpha})
    import re

    assert float(re.search(r"by about ([0-9.]+) %", warning).group(1)) == pytest.approx(100 * predicted, rel=5e-3)
    assert q.warnings({"samples": 1000, "alpha": 1.0}) == [] and math.isfinite(q(samples=1000, alpha=1.0))
