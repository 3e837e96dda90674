"""Loss landscapes: the spherical p-spin quantities against closed forms, the Morse identity and a
Monte Carlo of the Kac-Rice representation; the critical-point, Hessian and perceptron kernels
against brute force; the pair count's annealed limit; bad input."""
import math
import subprocess
import sys

import numpy as np
import pytest

from dltheory import theory
from dltheory.numerics.spin_glass import checks, kernels

ev = theory.evaluate
crit = "pspin-expected-critical-points"


def test_threshold_and_critical_energies():
    assert ev("pspin-threshold-energy", p=3) == pytest.approx(2 * math.sqrt(2 / 3), rel=1e-15)
    e = [ev("pspin-critical-energy", p=3, index=k) for k in range(6)]
    e_inf = ev("pspin-threshold-energy", p=3)
    assert all(a > b > e_inf for a, b in zip(e, e[1:]))  # -E_0 < -E_1 < ... < -E_inf
    assert e[0] == pytest.approx(1.65700, abs=1e-5)  # the 3-spin ground-state energy per spin, 1.657
    for p, k in ((3, 0), (3, 4), (5, 1), (10, 0)):
        ek = ev("pspin-critical-energy", p=p, index=k)
        assert abs(ev("pspin-complexity", p=p, index=k, energy=-ek)) < 1e-12
    assert ev("pspin-critical-energy", p=3, index=10**4) - e_inf < 1e-3  # the layers accumulate at E_inf


def test_complexity_branches_meet_and_order():
    for p in (3, 4, 7):
        e_inf = ev("pspin-threshold-energy", p=p)
        flat = 0.5 * math.log(p - 1) - (p - 2) / p
        assert ev("pspin-complexity", p=p, index=2, energy=-e_inf + 1e-12) == pytest.approx(flat, abs=1e-12)
        assert ev("pspin-complexity", p=p, index=2, energy=-e_inf - 1e-9) == pytest.approx(flat, abs=1e-6)
        below = [ev("pspin-complexity", p=p, index=k, energy=-e_inf - 0.05) for k in range(4)]
        assert below == sorted(below, reverse=True)  # fewer saddles than minima deep down


def test_expected_critical_points_closed_forms():
    for N in (2, 3, 6):  # p = 2: the +-eigenvectors of a symmetric matrix, two of each index
        assert ev(crit, N=N, p=2) == pytest.approx(2 * N, rel=1e-13)
        assert ev(crit, N=N, p=2, index=N - 1) == pytest.approx(2.0, rel=1e-13)
    for p in (3, 4, 8):  # N = 2: sqrt(3p - 2) per index (derivation pspin-critical-points)
        assert ev(crit, N=2, p=p, index=0) == pytest.approx(math.sqrt(3 * p - 2), rel=1e-10)
        assert ev(crit, N=2, p=p, index=1) == pytest.approx(math.sqrt(3 * p - 2), rel=1e-10)


@pytest.mark.parametrize("p", [3, 4])
def test_expected_counts_obey_morse_and_symmetry(p):
    """sum_k (-1)^k E n_k = 1 + (-1)^(N-1) and E n_k = E n_{N-1-k} (H -> -H), to 1e-8."""
    for N in range(2, 8):
        n = [ev(crit, N=N, p=p, index=k) for k in range(N)]
        assert sum((-1) ** k * v for k, v in enumerate(n)) == pytest.approx(1 + (-1) ** (N - 1), abs=1e-7)
        assert n == pytest.approx(n[::-1], rel=1e-8)
        assert sum(n) == pytest.approx(ev(crit, N=N, p=p), rel=1e-9)


def kac_rice_monte_carlo(N: int, p: int, S: int, seed: int):
    """S draws of the Kac-Rice integrand: the tangent Hessian eigenvalues a M - p u (M GOE_{N-1},
    a = sqrt(2(N-1)p(p-1)/N)), the energy u ~ N(0, 1/N) and the weight
    vol(S^{N-1}(sqrt N)) (2 pi p)^{-(N-1)/2} |det|."""
    gen = np.random.default_rng(seed)
    n = N - 1
    A = gen.standard_normal((S, n, n))
    M = (A + A.transpose(0, 2, 1)) / 2 / math.sqrt(n)
    u = gen.standard_normal(S) / math.sqrt(N)
    lam = np.linalg.eigvalsh(math.sqrt(2 * (N - 1) * p * (p - 1) / N) * M - p * u[:, None, None] * np.eye(n))
    pre = 2 * math.pi ** (N / 2) / math.gamma(N / 2) * N ** ((N - 1) / 2) * (2 * math.pi * p) ** (-(N - 1) / 2)
    return lam, u, pre * np.abs(np.prod(lam, axis=1))


def test_goe_identity_against_kac_rice_monte_carlo():
    """ABC's GOE_N identity against a Monte Carlo of the Kac-Rice integral itself:
    vol(S^{N-1}(sqrt N)) (2 pi p)^{-(N-1)/2} E[|det(a M - p u I)| 1{index k}], M GOE_{N-1},
    u ~ N(0, 1/N), a = sqrt(2(N-1)p(p-1)/N); 200k draws, within 4 s.e."""
    N, p, S = 3, 3, 200_000
    lam, u, weight = kac_rice_monte_carlo(N, p, S, seed=0)
    for k in range(N):
        v = weight * ((lam < 0).sum(axis=1) == k)
        assert abs(v.mean() - ev(crit, N=N, p=p, index=k)) < 4 * v.std() / math.sqrt(S)


def test_polynomial_derivatives_against_finite_differences():
    gen = np.random.default_rng(2)
    for N, p in ((3, 3), (4, 4), (2, 5)):
        expo, mult = kernels.monomials(N, p)
        assert mult.sum() == N**p
        coef = kernels.draw_coefficients(gen, 1, mult)[0]
        x = gen.standard_normal(N)
        g, h = np.empty(N), np.empty((N, N))
        f = kernels.poly_derivatives(coef, expo, x, g, h)
        assert f == pytest.approx(sum(c * np.prod(x**e) for c, e in zip(coef, expo)), rel=1e-12)
        eps = 1e-6
        for i in range(N):
            d = np.zeros(N)
            d[i] = eps
            gp, gm, hh = np.empty(N), np.empty(N), np.empty((N, N))
            fp = kernels.poly_derivatives(coef, expo, x + d, gp, hh)
            fm = kernels.poly_derivatives(coef, expo, x - d, gm, hh)
            assert g[i] == pytest.approx((fp - fm) / (2 * eps), rel=1e-6, abs=1e-7)
            assert h[:, i] == pytest.approx((gp - gm) / (2 * eps), rel=1e-5, abs=1e-6)


def test_critical_points_are_critical_and_indexed_right():
    """Each point found is critical (|Riemannian gradient| < 1e-9), its index equals the count of
    negative eigenvalues of the projected Hessian (numpy), the Morse identity holds, and a
    quadratic form has exactly 2 critical points of each index."""
    gen = np.random.default_rng(3)
    for N, p in ((3, 3), (4, 3), (4, 4), (5, 2)):
        expo, mult = kernels.monomials(N, p)
        coef = kernels.draw_coefficients(gen, 1, mult)[0]
        points, index, _, ok = kernels.all_critical_points(coef, expo, p, 11, 40, 4000, 60)
        assert ok
        for x, k in zip(points, index):
            g, h = np.empty(N), np.empty((N, N))
            kernels.poly_derivatives(coef, expo, x, g, h)
            mu = x @ g
            assert np.linalg.norm(g - mu * x) < 1e-9
            P = np.eye(N) - np.outer(x, x)
            lam = np.linalg.eigvalsh(P @ (h - mu * np.eye(N)) @ P)
            assert k == int(np.sum(lam < -1e-9))
        if p == 2:
            assert np.bincount(index, minlength=N).tolist() == [2] * N


def test_enumeration_morse_identity_never_fails():
    counts, ok = checks.critical_counts(4, 3, 128, np.random.SeedSequence(5))
    assert ok.all()
    assert np.all(counts @ np.array([1, -1, 1, -1]) == 0)
    assert np.all(counts[:, 0] == counts[:, 3])  # odd p: x -> -x maps index k to N-1-k


def test_enumeration_rejects_a_wrong_goe_normalisation():
    """The second power test: GOE off-diagonal variance 1/N (semicircle radius 2) in place of ABC's
    1/(2N) rescales lambda by sqrt 2, i.e. E[exp(-N (p-2)/p lambda_k^2)]; the enumeration rejects it."""
    counts, _ = checks.critical_counts(4, 3, 400, np.random.SeedSequence(9))
    m, se = counts[:, 0].mean(), counts[:, 0].std(ddof=1) / math.sqrt(len(counts))
    right = ev(crit, N=4, p=3, index=0)
    from dltheory.theory.spin_glass import goe_gaussian_moment

    wrong = 2 * math.sqrt(2 / 3) * 2 ** 2 * goe_gaussian_moment(4, 4 * 1 / 3, 0)
    assert abs(m - right) < 3.5 * se < abs(m - wrong) / 2


def test_hessian_at_a_critical_point():
    """critical_hessian against numpy: the gradient of H(s) = S(s,s,s)/N vanishes on the sphere and
    the tangent eigenvalues equal those of P (6 S(s,.,.)/N - 3 (H/N) I) P without its zero mode."""
    gen = np.random.default_rng(4)
    N = 25
    S = kernels.symmetric_tensor(gen, N)
    assert np.allclose(S, S.transpose(1, 0, 2)) and np.allclose(S, S.transpose(0, 2, 1))
    x0 = gen.standard_normal(N)
    u, lam, residual = kernels.critical_hessian(S, x0)
    assert residual < 1e-9 and lam.shape == (N - 1,)
    s = x0 * math.sqrt(N / (x0 @ x0))
    kernels.descend_to_critical(S, s, 3000, 30, 0.08, 1e-3)
    A = np.einsum("ijk,k->ij", S, s)
    assert np.einsum("ij,i,j->", A, s, s) / N / N == pytest.approx(u, rel=1e-12)
    g = 3 * A @ s / N
    assert np.linalg.norm(g - (g @ s) / N * s) < 1e-9
    P = np.eye(N) - np.outer(s, s) / N
    full = np.linalg.eigvalsh(P @ (6 * A / N - 3 * u * np.eye(N)) @ P)
    zero = np.argmin(np.abs(full))
    assert np.allclose(np.delete(full, zero), lam, atol=1e-9)


def test_pair_histogram_against_numpy_reference():
    gen = np.random.default_rng(6)
    for N, P in ((6, 2), (9, 4), (11, 5)):
        xis, ys = kernels.draw_perceptron(gen, 5, P, N)
        for xi, y in zip(xis, ys):
            assert kernels.pair_histogram(xi, y).tolist() == kernels.pair_histogram_reference(xi, y).tolist()
    h = kernels.pair_histogram(np.zeros((0, 5)), np.zeros(0))  # no pattern: every W solves
    assert h.tolist() == [2**5 * math.comb(5, k) for k in range(6)]


def test_pair_count_and_its_annealed_limit():
    assert ev("perceptron-pair-count", N=15, P=8, distance=0) == 2 ** 7
    assert float(ev("perceptron-pair-count", N=16, P=5, distance=8)) == pytest.approx(2**16 * math.comb(16, 8) / 4**5)
    assert ev("perceptron-pair-count", N=10, P=3, distance=10) == 0
    for alpha, D in ((0.3, 0.05), (0.5, 0.2), (1.0, 0.4)):
        N = 4000
        P, K = round(alpha * N), round(D * N)
        import mpmath

        ratio = float(mpmath.log(ev("perceptron-pair-count", N=N, P=P, distance=K, dps=30)
                                 / ev("perceptron-pair-count", N=N, P=P, distance=0, dps=30)))
        exact = (math.lgamma(N + 1) - math.lgamma(K + 1) - math.lgamma(N - K + 1)) / N \
            + P / N * math.log(1 - math.acos(1 - 2 * K / N) / math.pi)
        assert ratio / N == pytest.approx(exact, rel=1e-12)
        limit = ev("perceptron-annealed-local-entropy", alpha=alpha, distance=D)
        assert abs(ratio / N - limit) < 2 * math.log(N) / N  # O(ln N / N) from Stirling


@pytest.mark.parametrize("name, params", [
    ("pspin-expected-critical-points", {"N": 11, "p": 3}),
    ("pspin-expected-critical-points", {"N": 3, "p": 3, "index": 3}),
    ("pspin-expected-critical-points", {"N": 1, "p": 3}),
    ("pspin-critical-energy", {"p": 2, "index": 0}),
    ("pspin-complexity", {"p": 3, "index": -1, "energy": -1.7}),
    ("pspin-complexity", {"p": 3, "index": 0, "energy": float("nan")}),
    ("pspin-hessian-quantile", {"p": 3, "energy": 0.0, "level": 1.0}),
    ("perceptron-pair-count", {"N": 15, "P": 8, "distance": 16}),
    ("perceptron-pair-count", {"N": 15, "P": -1, "distance": 2}),
    ("perceptron-annealed-local-entropy", {"alpha": -0.1, "distance": 0.1}),
    ("perceptron-annealed-local-entropy", {"alpha": 0.1, "distance": 1.0}),
])
def test_bad_input(name, params):
    with pytest.raises(theory.BadInput):
        ev(name, **params)


def test_cli_bad_input_is_one_line_exit_2():
    run = subprocess.run([sys.executable, "-m", "dltheory.cli", "eval", crit, "N=12", "p=3"],
                         capture_output=True, text=True)
    assert run.returncode == 2 and run.stdout == "" and len(run.stderr.strip().splitlines()) == 1


# --- the energy-windowed Kac-Rice count and the finite-size checks of the complexity ---------------

def test_windowed_count_without_window_equals_the_theory():
    """kac_rice is a second implementation of the ordered GOE_N integral: without a window it
    equals pspin-expected-critical-points (to 1e-12), and a window far above the spectrum too."""
    from dltheory.numerics.spin_glass import kac_rice

    for N, p, k in ((3, 3, 0), (4, 3, 1), (5, 4, 2), (6, 3, 5)):
        exact = ev(crit, N=N, p=p, index=k)
        assert kac_rice.expected_count(N, p, k, None) == pytest.approx(exact, rel=1e-12)
        assert kac_rice.expected_count(N, p, k, 50.0) == pytest.approx(exact, rel=1e-12)
    counts = [kac_rice.expected_count(5, 3, 0, u) for u in (-3.0, -2.0, -1.5, -1.0, 0.0)]
    assert counts == sorted(counts) and counts[0] < 1e-4 * counts[-1]  # grows with the window


def test_windowed_count_against_kac_rice_monte_carlo():
    """The energy window of ABC's identity (critical values H/N <= u, t = sqrt(p/(2(p-1))) u)
    against a Monte Carlo of the Kac-Rice integral with the window on the energy itself:
    vol(S^{N-1}(sqrt N)) (2 pi p)^{-(N-1)/2} E[|det(a M - p u I)| 1{index k} 1{u <= u0}],
    u ~ N(0, 1/N); N = 3, p = 3, 200k draws, each index and window within 4 s.e. (a window
    u0 -> 1.15 u0 is off by 5 to 21 s.e. at 7 of the 8 cases tested)."""
    from dltheory.numerics.spin_glass import kac_rice

    N, p, S = 3, 3, 200_000
    lam, u, weight = kac_rice_monte_carlo(N, p, S, seed=5)
    for u0 in (-1.0, -0.4, 0.3):
        for k in range(N):
            exact = kac_rice.expected_count(N, p, k, u0)
            if exact < 5e-3:
                continue  # (u0 = -1, k = 2: too rare for 200k draws to estimate)
            v = weight * ((lam < 0).sum(axis=1) == k) * (u <= u0)
            assert abs(v.mean() - exact) < 4 * v.std() / math.sqrt(S)


def test_log_count_extrapolation_recovers_its_basis():
    n = np.arange(4, 11)
    rates = -0.7 + 0.4 * np.log(n) / n - 1.3 / n + 0.9 / n**2
    est = checks.log_count_extrapolation(n, rates)
    assert est.value == pytest.approx(-0.7, abs=1e-12) and est.stderr == 0.0
    assert est.finite_size.coefficients == pytest.approx((-0.7, -1.3, 0.9), abs=1e-10)
    # the recorded per-size values are the rates less the fitted log term, on the recorded polynomial
    shown = [e.value for e in est.finite_size.estimates]
    assert shown == pytest.approx(list(-0.7 - 1.3 / n + 0.9 / n**2), abs=1e-10)


def test_complexity_extrapolation_rejects_p_in_place_of_p_minus_1():
    """A second wrong complexity, ln(p-1) -> ln p in the leading term (1/2) ln(p-1): the
    extrapolated values of the check's quick points miss it by more than the tolerance, while
    agreeing with the right one."""
    for point in checks.COMPLEXITY_POINTS[:2]:
        from dltheory.numerics.spin_glass import kac_rice

        rates = kac_rice.finite_size_rates(point["p"], point["index"], point["energy"], checks.COMPLEXITY_SIZES)
        c0 = checks.log_count_extrapolation(checks.COMPLEXITY_SIZES, rates).value
        right = ev("pspin-complexity", **point)
        wrong = right + 0.5 * math.log(point["p"] / (point["p"] - 1))
        assert abs(c0 - right) <= 0.05 * abs(right) < abs(c0 - wrong)


def test_local_entropy_limit_fit_recovers_stirlings_coefficients():
    # (1/N) ln C(N, DN) = H(D) - ln(N)/(2N) - ln(2 pi D(1-D))/(2N) + O(1/N^2): the check's fit of the exact
    # finite-N values must find these coefficients, and the pattern factor adds nothing at finite N
    from dltheory.numerics.spin_glass.checks import LOCAL_ENTROPY_SIZES, local_entropy_at, stirling_fit

    alpha, D = 0.5, 0.2
    sizes = LOCAL_ENTROPY_SIZES[True]
    c = stirling_fit(sizes, [local_entropy_at(N, alpha, D) for N in sizes])
    assert c[0] == pytest.approx(ev("perceptron-annealed-local-entropy", alpha=alpha, distance=D), rel=1e-10)
    assert c[1] == pytest.approx(-0.5, rel=1e-5)
    assert c[2] == pytest.approx(-0.5 * math.log(2 * math.pi * D * (1 - D)), rel=1e-5)
    with pytest.raises(ValueError):
        local_entropy_at(1001, alpha, D)  # alpha N not an integer
