"""Information: quantities against independent computations (brute force, quadrature, NumPy), kernels
against NumPy references, reproducibility, bad input."""
import math

import mpmath
import numpy as np
import pytest

from dltheory import theory
from dltheory.numerics.information import checks, kernels, weights
from dltheory.theory import information as info

ev = theory.evaluate


# ----------------------------------------------------------------------------- Gaussian IB
def _parametric_curve(eigenvalues, beta):
    """(I_X, I_Y) of the optimal encoder at beta, from Chechik et al.'s alpha_i (canonical coordinates,
    r_i = 1), computed with NumPy log-determinants of the diagonal covariances."""
    lam = np.sort(np.asarray(eigenvalues, dtype=float))
    q = np.where(beta * (1 - lam) > 1, (beta * (1 - lam) - 1) / lam, 0.0)
    return 0.5 * np.sum(np.log1p(q)), 0.5 * np.sum(np.log1p(q) - np.log1p(q * lam))


@pytest.mark.parametrize("eigenvalues", [[0.1, 0.5, 0.9], [0.3], [0.05, 0.2, 0.7, 1.0], [0.02, 0.03, 0.5]])
def test_curve_equals_the_parametric_optimum_over_beta(eigenvalues):
    for beta in np.geomspace(1.001, 1e4, 60):
        ix, iy = _parametric_curve(eigenvalues, beta)
        if ix == 0:
            continue
        assert ev("gaussian-ib-curve", eigenvalues=eigenvalues, info_x=ix) == pytest.approx(iy, rel=1e-10, abs=1e-13)
        assert info.gaussian_ib_beta(eigenvalues, ix) == pytest.approx(beta, rel=1e-9)


def test_curve_is_continuous_concave_and_tends_to_the_mutual_information():
    lam = [0.1, 0.5, 0.9]
    ends = info.gaussian_ib_segments(lam)
    assert ends[0] == pytest.approx(0.5 * math.log(9)) and ends[1] == pytest.approx(0.5 * math.log(81 * 9))
    for end in ends[:-1]:
        left, right = (ev("gaussian-ib-curve", eigenvalues=lam, info_x=end + d) for d in (-1e-9, 1e-9))
        assert abs(left - right) < 1e-8
    xs = np.linspace(0.01, 8, 400)
    ys = np.array([ev("gaussian-ib-curve", eigenvalues=lam, info_x=float(v)) for v in xs])
    assert np.all(np.diff(ys) > 0) and np.all(np.diff(ys, 2) < 1e-12)  # increasing, concave
    assert np.all(ys <= xs)  # I(T;Y) <= I(T;X) (data processing)
    mi = -0.5 * sum(math.log(v) for v in lam)
    assert ev("gaussian-ib-curve", eigenvalues=lam, info_x=200.0) == pytest.approx(mi, rel=1e-12)
    # slope 1/beta: the curve's derivative is the inverse tradeoff (Chechik et al. Sec. 5)
    for v in (0.5, 2.0, 4.0):
        h = 1e-6
        slope = (ev("gaussian-ib-curve", eigenvalues=lam, info_x=v + h) -
                 ev("gaussian-ib-curve", eigenvalues=lam, info_x=v - h)) / (2 * h)
        assert slope == pytest.approx(1 / info.gaussian_ib_beta(lam, v), rel=1e-6)


def test_critical_beta_and_its_order():
    assert ev("gaussian-ib-critical-beta", eigenvalues=[0.9, 0.1, 0.5], index=1) == pytest.approx(1 / 0.9)
    assert ev("gaussian-ib-critical-beta", eigenvalues=[0.9, 0.1, 0.5], index=3) == pytest.approx(10.0)


def test_optimal_encoder_on_a_random_problem_reaches_the_curve_and_beats_random_encoders():
    gen = np.random.default_rng(7)
    lam = [0.15, 0.4, 0.8]
    cov_x, cov_xy, cov_y = kernels.ib_instance(gen, lam, extra=2)
    cov_x_y = kernels.conditional_cov(cov_x, cov_xy, cov_y)
    for target in (0.3, 1.5, 3.0):
        A, noise, found = info.gaussian_ib_encoder(cov_x, cov_xy, cov_y, info.gaussian_ib_beta(lam, target))
        assert np.allclose(np.sort(found), sorted(lam + [1.0, 1.0]))
        ix, iy = kernels.encoder_informations(A, noise, cov_x, cov_x_y)
        assert ix == pytest.approx(target, rel=1e-10)
        assert iy == pytest.approx(ev("gaussian-ib-curve", eigenvalues=lam, info_x=target), rel=1e-10)


def test_ib_scaling_kernel_against_log_determinants():
    """The bisection kernel's I(T;Y) at I(T;X) = target equals log-dets of the rescaled encoder."""
    gen = np.random.default_rng(3)
    cov_x, cov_xy, cov_y = kernels.ib_instance(gen, [0.2, 0.6], extra=1)
    cov_x_y = kernels.conditional_cov(cov_x, cov_xy, cov_y)
    A, noise = kernels.random_encoders(gen, 6, 2, 3, None)
    mu, nu = kernels.whitened_spectra(A, noise, cov_x, cov_x_y)
    out = kernels.ib_information_at(mu, nu, 0.7)
    for e in range(6):
        lo, hi = 1e-12, 1e12  # independent: bisection on the scale of A with log-dets
        for _ in range(200):
            mid = math.sqrt(lo * hi)
            ix, _ = kernels.encoder_informations(mid * A[e], noise[e], cov_x, cov_x_y)
            lo, hi = (mid, hi) if ix < 0.7 else (lo, mid)
        assert kernels.encoder_informations(lo * A[e], noise[e], cov_x, cov_x_y)[1] == pytest.approx(out[e], rel=1e-8)


# ----------------------------------------------------------------------------- noisy layers
def _exact_1d_information(centers, s):
    """I(X;T) for X uniform on 1-D centres and T = c_X + s Z, by quadrature of the mixture entropy."""
    K = len(centers)

    def density(t):
        return sum(mpmath.npdf(t, c, s) for c in centers) / K

    lo, hi = min(centers) - 12 * s, max(centers) + 12 * s
    points = sorted(set([lo] + list(centers) + [hi]))
    h = -mpmath.quad(lambda t: density(t) * mpmath.log(density(t)), points)
    return float(h - 0.5 * mpmath.log(2 * mpmath.pi * mpmath.e * s**2))


@pytest.mark.parametrize("centers, s", [([0.0, 1.0], 0.5), ([0.0, 0.5, 2.0], 0.6), ([-1, 0.2, 0.3, 1.4], 0.3),
                                        ([0.0, 3.0], 0.2)])
def test_kt_bounds_bracket_the_quadrature_value_and_monte_carlo_matches_it(centers, s):
    exact = _exact_1d_information(centers, s)
    upper = ev("mixture-information-kl-upper", centers=centers, dim=1, noise=s)
    lower = ev("mixture-information-bhattacharyya-lower", centers=centers, dim=1, noise=s)
    assert lower <= exact <= upper
    est = checks.mixture_information_mc(np.array(centers)[:, None], s, 20_000, np.random.SeedSequence(4))
    assert abs(est.value - exact) < 4.5 * est.stderr + 1e-9  # + rounding: far apart, every draw gives ln K


def test_kt_bounds_limits():
    assert ev("mixture-information-kl-upper", centers=[0.3, 0.7], dim=2, noise=0.1) == 0.0  # K = 1
    far = ev("mixture-information-bhattacharyya-lower", centers=[0, 0, 100, 0, 0, 100], dim=2, noise=0.5)
    assert far == pytest.approx(math.log(3), rel=1e-12)
    # duplicated centres are one input for T: the bound of two equal centres is 0
    assert ev("mixture-information-kl-upper", centers=[1.0, 1.0], dim=1, noise=0.3) == 0.0


def test_mixture_kernel_against_numpy_and_thread_count(monkeypatch):
    gen = np.random.default_rng(0)
    centers = gen.standard_normal((7, 3))
    z = gen.standard_normal((7, 11, 3))
    s1, s2 = kernels.mixture_log_ratio_sums(centers, 0.4, z)
    ref = kernels.mixture_log_ratio_numpy(centers, 0.4, z)
    assert np.allclose(s1, ref.sum(1), rtol=1e-12) and np.allclose(s2, (ref**2).sum(1), rtol=1e-12)
    values = []
    for threads in ("1", "2"):
        monkeypatch.setenv("DLTHEORY_THREADS", threads)
        values.append(checks.mixture_information_mc(centers, 0.4, 3000, np.random.SeedSequence(9)))
    assert values[0] == values[1]


def test_random_layer_is_seeded_and_scaled():
    W1 = info.random_layer_weights(40, 50, 2.0, 3)
    assert W1 == info.random_layer_weights(40, 50, 2.0, 3) and W1 != info.random_layer_weights(40, 50, 2.0, 4)
    flat = np.array(W1).ravel()
    assert abs(flat.mean()) < 4 * 2 / math.sqrt(50) / math.sqrt(flat.size)
    assert flat.var() == pytest.approx(4 / 50, rel=0.1)
    centers = info.layer_centers(form="random-layer", input_dim=3, units=2, activation="relu", seed=1)
    W = np.array(info.random_layer_weights(2, 3, 1.0, 1))
    assert np.allclose(centers, np.maximum(np.array(info.hypercube(3)) @ W.T, 0.0))


def test_binning_by_hand_and_against_the_szt_replica():
    # edges np.linspace(-1, 1, 30), step 2/29: 0.05 and 0.1 share bin 15, 0.5 is in bin 21, 0.9 in bin 27
    value = ev("binned-layer-information", centers=[0.05, 0.1, 0.5, 0.9], dim=1)
    assert value == pytest.approx(-(0.5 * math.log(0.5) + 2 * 0.25 * math.log(0.25)), rel=1e-14)
    acts = np.random.default_rng(2).uniform(-1.2, 1.0, (300, 3))  # includes values below the range
    for bins in (2, 7, 30, 101):
        q = ev("binned-layer-information", centers=list(acts.ravel()), dim=3, bins=bins)
        assert q == pytest.approx(checks.szt_binning(acts, bins, -1.0, 1.0), rel=1e-13, abs=1e-15)


def test_binning_saturates_at_ln_k_while_the_noisy_information_does_not():
    layer = dict(checks.BINNING_LAYER)
    assert ev("binned-layer-information", **layer, bins=10_000) == pytest.approx(math.log(64))
    assert ev("mixture-information-kl-upper", **layer, noise=0.5) < 0.8 * math.log(64)


# ----------------------------------------------------------------------------- linear layers and weights
def test_linear_layer_against_numpy():
    gen = np.random.default_rng(5)
    W, u = gen.standard_normal((3, 4)), gen.standard_normal(4)
    s, sigma = 0.7, 0.4
    ix = 0.5 * np.linalg.slogdet(np.eye(3) + W @ W.T / s**2)[1]
    cov_t = W @ W.T + s**2 * np.eye(3)
    var_y = u @ u + sigma**2
    iy = 0.5 * math.log(var_y / (var_y - (W @ u) @ np.linalg.solve(cov_t, W @ u)))
    params = dict(weights=list(W.ravel()), rows=3, noise=s)
    assert float(ev("linear-layer-information-x", **params)) == pytest.approx(ix, rel=1e-12)
    assert float(ev("linear-layer-information-y", **params, teacher=list(u), teacher_noise=sigma)) == \
        pytest.approx(iy, rel=1e-12)
    est = weights.linear_layer_mc(W, s, u, sigma, "y", 100_000, np.random.SeedSequence(1))
    assert abs(est.value - iy) < 4.5 * est.stderr


def test_bayes_weight_information_sylvester_and_monotone():
    gen = np.random.default_rng(6)
    X = gen.standard_normal((5, 3))
    value = float(ev("bayes-linear-weight-information", design=list(X.ravel()), rows=5, prior_std=1.3, noise=0.8))
    assert value == pytest.approx(0.5 * np.linalg.slogdet(np.eye(5) + 1.69 * X @ X.T / 0.64)[1], rel=1e-12)
    more_noise = float(ev("bayes-linear-weight-information", design=list(X.ravel()), rows=5, prior_std=1.3, noise=2))
    assert more_noise < value


def test_posterior_kl_matches_bfgs_and_limits():
    H, m = np.diag([3.0, 0.5]), np.array([1.0, -2.0])
    mu, sigma = weights.minimise_lagrangian(H, m, 0.4, 1.5)
    want = ev("gaussian-posterior-kl", hessian=[3.0, 0.5], minimizer=[1.0, -2.0], beta=0.4, prior_std=1.5)
    assert weights.gaussian_kl(mu, sigma, 1.5) == pytest.approx(want, rel=1e-6)
    mu_c, var_c = info.optimal_gaussian_posterior([3.0, 0.5], [1.0, -2.0], 0.4, 1.5)
    assert np.allclose(mu, mu_c, atol=1e-6) and np.allclose(np.diag(sigma), var_c, rtol=1e-6)
    # no data curvature: the optimum is the prior, KL 0; a huge beta also returns to the prior
    assert ev("gaussian-posterior-kl", hessian=[0.0], minimizer=[5.0], beta=1.0, prior_std=2.0) == 0.0
    assert ev("gaussian-posterior-kl", hessian=[1.0], minimizer=[1.0], beta=1e9, prior_std=1.0) < 1e-8


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("args, text", [
    (("gaussian-ib-curve", "eigenvalues=0,0.5", "info_x=1"), "eigenvalue 0"),
    (("gaussian-ib-critical-beta", "eigenvalues=0.5", "index=2"), "index=2"),
    (("gaussian-ib-curve", "eigenvalues=0.5,1.2", "info_x=1"), "eigenvalues"),
    (("mixture-information-kl-upper", "centers=1,2,3", "dim=2", "noise=1"), "multiple of dim"),
    (("mixture-information-kl-upper", "form=random-layer", "input_dim=12", "units=8", "noise=1"), "too costly"),
    (("mixture-information-kl-upper", "form=random-layer", "centers=1", "input_dim=3", "units=2", "noise=1"),
     "not used by this form"),
    (("binned-layer-information", "centers=0.1", "dim=1", "lo=1", "hi=0"), "above lo"),
    (("gaussian-posterior-kl", "hessian=1,2", "minimizer=1", "beta=1", "prior_std=1"), "length"),
])
def test_bad_input_is_one_line_exit_2(cli, args, text):
    out = cli("eval", *args)
    assert out.returncode == 2 and text in out.stderr and len(out.stderr.strip().splitlines()) == 1


# ----------------------------------------------------------------------------- information plane
def test_twelve_bit_task_is_half_positive_and_rotation_invariant():
    from dltheory.numerics.information import plane

    X, y = plane.twelve_bit_task()
    assert X.shape == (4096, 12) and len(np.unique(X, axis=0)) == 4096
    assert abs(y.mean() - 0.5) < 0.05
    V = plane.icosahedron()
    assert np.allclose(np.linalg.norm(V, axis=1), 1.0)
    gram = V @ V.T  # f depends on the points only through their Gram matrix: invariant under O(3)
    R = kernels.random_rotation(np.random.default_rng(0), 3)
    assert np.allclose((V @ R) @ (V @ R).T, gram)
    f = np.einsum("ni,ij,nj->n", X, gram, X)
    assert np.allclose(f, np.sum((X @ V) ** 2, axis=1))


@pytest.mark.parametrize("act", [0, 1])
def test_trainer_gradient_against_finite_differences(act):
    from dltheory.numerics.information import plane, trainer

    X, y = plane.twelve_bit_task()
    gen = np.random.default_rng(act)
    p = trainer.init_params(gen, plane.SIZES, act)
    g = np.zeros_like(p)
    rows = gen.choice(4096, 64, replace=False).astype(np.int64)
    loss = trainer.batch_gradient(p, plane.SIZES, act, X, y.astype(float), rows, g)
    assert loss == pytest.approx(trainer.numpy_loss(p, plane.SIZES, act, X[rows], y[rows]), rel=1e-12)
    for i in gen.choice(len(p), 12, replace=False):
        e = np.zeros_like(p)
        e[i] = 1e-6
        num = (trainer.numpy_loss(p + e, plane.SIZES, act, X[rows], y[rows])
               - trainer.numpy_loss(p - e, plane.SIZES, act, X[rows], y[rows])) / 2e-6
        assert num == pytest.approx(g[i], abs=1e-8)


def test_noisy_layer_kernel_against_numpy_and_binning_by_hand():
    from dltheory.numerics.information import plane

    gen = np.random.default_rng(1)
    T = gen.standard_normal((9, 2))
    y = np.array([0, 1, 1, 0, 1, 0, 0, 1, 1])
    z = gen.standard_normal((9, 5, 2))
    counts = np.array([4.0, 5.0])
    sums = kernels.noisy_layer_sums(T, y, counts, 0.3, z)
    t = T[:, None, :] + 0.3 * z
    dens = np.exp(-((t[:, :, None, :] - T[None, None]) ** 2).sum(-1) / (2 * 0.09))  # K x m x K, unnormalised
    log_p = np.log(dens.mean(-1))
    log_py = np.log(np.stack([dens[i][:, y == y[i]].mean(-1) for i in range(9)]))
    gx = -0.5 * (z * z).sum(-1) - log_p
    assert np.allclose(sums[:, 0], gx.sum(1)) and np.allclose(sums[:, 2], (log_py - log_p).sum(1))
    # binning: two units, four inputs, labels 0,0,1,1; codes (a,a),(a,a),(a,b),(c,b)
    acts = np.array([[0.1, 0.1], [0.12, 0.11], [0.1, 0.9], [-0.9, 0.9]])
    ix, iy = plane.binned_informations(acts, np.array([0, 0, 1, 1]), -1.0, 1.0, bins=5)
    assert ix == pytest.approx(-(0.5 * math.log(0.5) + 2 * 0.25 * math.log(0.25)))
    assert iy == pytest.approx(ix - 0.5 * math.log(2))  # H(T|Y=0) = 0, H(T|Y=1) = ln 2


def test_extreme_inputs_stay_finite_and_exact():
    """Found by fuzzing: these used to raise (log of 0, float overflow) or lose the identity to rounding."""
    assert ev("gaussian-ib-curve", eigenvalues=[1.0, 1.0], info_x=2.0) == 0.0  # X independent of Y
    assert ev("mixture-information-kl-upper", centers=[0, 1], dim=1, noise=1e-300) == pytest.approx(math.log(2))
    # det(I + r x x^T) = 1 + r |x|^2 with r |x|^2 = 1e600: the 1 must survive (adaptive working precision)
    value = ev("bayes-linear-weight-information", design=[1e300, 0, 0, 0], rows=1, prior_std=1.0, noise=1.0)
    assert float(value) == pytest.approx(0.5 * (600 * math.log(10)), rel=1e-12)
    tiny = ev("linear-layer-information-x", weights=[1e-200, 1e200], rows=2, noise=1.0)  # 2 x 1 W
    assert float(tiny) == pytest.approx(200 * math.log(10), rel=1e-12)
    huge = ev("gaussian-posterior-kl", hessian=[1e-8, 1e-8], minimizer=[1, 0], beta=1e300, prior_std=1e-8)
    assert float(huge) == pytest.approx(0.0, abs=1e-12)  # a huge beta keeps the posterior at the prior


@pytest.mark.parametrize("act", [0, 1])
def test_numba_trainer_matches_the_numpy_reference(act):
    from dltheory.numerics.information import plane, trainer

    X, y = plane.twelve_bit_task()
    gen = np.random.default_rng(10 + act)
    start = trainer.init_params(gen, plane.SIZES, act)
    order = np.concatenate([gen.permutation(4096)[:1000] for _ in range(2)]).astype(np.int64)
    out = []
    for fn in (trainer.train_epochs, trainer.numpy_train_epochs):
        p, m, v = start.copy(), np.zeros_like(start), np.zeros_like(start)
        steps = fn(X, y.astype(float), p, plane.SIZES, act, order, 64, 3e-3, m, v, 5)
        out.append((p, steps))
    assert out[0][1] == out[1][1] == 5 + 32
    assert np.allclose(out[0][0], out[1][0], rtol=1e-8, atol=1e-10)


# ----------------------------------------------------------------------------- weights as PAC-Bayes complexity
from dltheory.numerics.information import invariance  # noqa: E402
from dltheory.theory import information_weights as iw  # noqa: E402

_DATA = {"design": [1.0, 0.0, 0.5, 1.0, -1.0, 2.0, 0.3, -0.7], "rows": 4, "targets": [0.9, 1.2, 0.4, -0.5],
         "prior_std": 1.0, "noise": 0.5}


def _posterior_np(design, rows, targets, prior_std, noise, beta):
    X = np.array(design, dtype=float).reshape(rows, -1)
    M = X.T @ X + beta * noise**2 / prior_std**2 * np.eye(X.shape[1])
    return X, np.linalg.solve(M, X.T @ np.array(targets)), beta * noise**2 * np.linalg.inv(M)


@pytest.mark.parametrize("beta", [0.05, 1.0, 7.0])
def test_lagrangian_kl_is_gaussian_posterior_kl_and_bayes_at_beta_1(beta):
    """Full-rank X^T X: Q* is optimal_gaussian_posterior with H = X^T X / s^2 (eigenbasis), its KL is the
    existing gaussian-posterior-kl; at beta = 1 the Lagrangian's minimum is the negative log evidence."""
    X, mu, sigma = _posterior_np(**_DATA, beta=beta)
    h, R = np.linalg.eigh(X.T @ X / _DATA["noise"] ** 2)
    w_ls = np.linalg.solve(X.T @ X, X.T @ np.array(_DATA["targets"]))
    kl = float(ev("gaussian-posterior-kl", hessian=list(h), minimizer=list(R.T @ w_ls), beta=beta, prior_std=1.0))
    import mpmath

    with mpmath.workdps(30):
        m, s, _, _ = iw.lagrangian_posterior(**_DATA, beta=beta)
        assert float(iw.gaussian_kl_from_prior(m, s, 1.0)) == pytest.approx(kl, rel=1e-10)
    assert np.allclose(np.array(m.tolist(), dtype=float).ravel(), mu) and np.allclose(np.array(s.tolist(), dtype=float), sigma)
    if beta == 1.0:
        cov_y = X @ X.T + _DATA["noise"] ** 2 * np.eye(4)
        evidence = float(weights.gaussian_logpdf(np.array(_DATA["targets"])[None], 0.0, cov_y)[0])
        assert float(ev("weight-lagrangian-value", **_DATA, beta=1.0)) == pytest.approx(-evidence, rel=1e-12)


def test_expected_posterior_kl_is_the_information_in_the_weights():
    """At beta = 1, E_y KL(p(w|D) || p(w)) = I(w; D) (the data average of the Lagrangian's complexity term
    is the information in the weights): E|mu|^2 from E[y y^T] = lambda^2 X X^T + s^2 I."""
    design, rows, lam, s = [1.0, 2.0, 0.0, 1.0, 1.0, 1.0, 0.5, -1.0, 0.2], 3, 0.7, 0.4
    X, _, sigma = _posterior_np(design, rows, [0.0] * rows, lam, s, 1.0)
    B = np.linalg.solve(X.T @ X + s**2 / lam**2 * np.eye(3), X.T)  # mu = B y
    e_mu2 = np.trace(B @ (lam**2 * X @ X.T + s**2 * np.eye(rows)) @ B.T)
    expected_kl = 0.5 * (np.trace(sigma) / lam**2 + e_mu2 / lam**2 - 3 - np.linalg.slogdet(sigma / lam**2)[1])
    info = float(ev("bayes-linear-weight-information", design=design, rows=rows, prior_std=lam, noise=s))
    assert expected_kl == pytest.approx(info, rel=1e-12)


def test_pac_bayes_link_calls_the_existing_bound_and_empirical_risk_by_sampling():
    point = {**_DATA, "beta": 0.3, "tolerance": 0.4}
    mu, sigma, risk = invariance.posterior_and_risk(point)
    X, y = np.array(_DATA["design"]).reshape(4, -1), np.array(_DATA["targets"])
    w = np.random.default_rng(0).multivariate_normal(mu, sigma, size=400_000)
    sampled = np.mean(np.abs(y[None] - w @ X.T) > 0.4)
    assert abs(sampled - risk) < 4 * math.sqrt(risk * (1 - risk) / (4 * 400_000)) * 2  # 4 correlated terms: x2
    import mpmath

    with mpmath.workdps(30):
        m, s, _, _ = iw.lagrangian_posterior(**_DATA, beta=0.3)
        kl = float(iw.gaussian_kl_from_prior(m, s, 1.0))
    for form in ("langford-seeger", "mcallester", "catoni"):
        expect = ev("pac-bayes-bound", form=form, n=4, delta=0.05, kl=kl, empirical_risk=risk, catoni_c=1.0)
        assert float(ev("weight-information-pac-bayes", **point, form=form)) == pytest.approx(float(expect), rel=1e-12)


def test_pac_bayes_bound_fails_on_at_most_a_delta_fraction_of_data_sets():
    """The bound's statement is about data sets: over 120 independent data sets (p = 3, n = 30, the checks'
    teacher law), count those whose Monte Carlo Gibbs risk (20,000 weight draws, exact risk per draw)
    exceeds the bound. Under the theorem the count is Binomial(120, <= 0.05); one-sided exact test at
    1%: fail if the count is 13 or more (P(Bin(120, 0.05) >= 13) = 0.0076)."""
    from scipy.special import erfc
    from scipy.stats import binom

    assert binom.sf(12, 120, 0.05) < 0.01
    gen = np.random.default_rng(2024)
    violations = 0
    for k in range(120):
        w0, X, y = invariance.teacher_problem(3, 30, 1000 + k, 0.5)
        point = {"design": list(X.ravel()), "rows": 30, "targets": list(y), "prior_std": 1.0, "noise": 0.5,
                 "beta": 0.1, "tolerance": 0.6}
        bound = float(ev("weight-information-pac-bayes", **point))
        mu, sigma, _ = invariance.posterior_and_risk(point)
        w = gen.multivariate_normal(mu, sigma, size=20_000)
        risk = np.mean(erfc(0.6 / np.sqrt(2 * (((w - w0) ** 2).sum(1) + 0.25))))
        violations += risk > bound
    assert violations < 13


# ----------------------------------------------------------------------------- invariance example
_ORTH = {"signal": [1.0, 0.0], "nuisance": [0.0, 1.0], "nuisance_dim": 1, "input_noise": 0.5, "noise": 0.01}


def _infos(**p):
    return {i: float(ev("nuisance-information", **p, information=i)) for i in iw.INFORMATIONS}


def test_minimal_sufficient_representation_is_invariant_when_the_nuisance_is_orthogonal():
    minimal = _infos(**_ORTH, encoder=[1.0, 0.0], rows=1)
    full = _infos(**_ORTH, encoder=[1.0, 0.0, 0.0, 1.0], rows=2)
    assert minimal["x-y"] == pytest.approx(0.5 * math.log(5), rel=1e-14)
    for r in (minimal, full):  # both (nearly) sufficient at s = 0.01
        assert r["x-y"] - r["t-y"] < 2e-4
    assert minimal["t-n"] == 0.0 and full["t-n"] > 0.8 and full["t-x"] > minimal["t-x"] + 4


def test_minimal_sufficient_representation_is_not_invariant_when_the_nuisance_overlaps():
    """V = (0.6, 0.8): the sufficient direction (V V^T + sigma^2 I)^{-1} u = (2.848, -1.536) carries N."""
    p = {**_ORTH, "nuisance": [0.6, 0.8], "encoder": [2.848, -1.536], "rows": 1}
    r = _infos(**p)
    assert r["x-y"] - r["t-y"] < 2e-5 and r["t-n"] > 0.01
    assert r["t-n"] <= float(ev("nuisance-information-bound", **p))
    # it is the best scalar direction: any other unit direction keeps less about Y at the same noise
    for angle in np.linspace(0, np.pi, 37):
        q = {**p, "encoder": [3.2 * math.cos(angle), 3.2 * math.sin(angle)]}
        assert float(ev("nuisance-information", **q, information="t-y")) <= r["x-y"]


def test_bound_schur_formulas_and_sufficient_form_on_random_representations():
    reps = invariance.random_representations(200, 99)
    failures_of_sufficient_form = 0
    for p in reps:
        exact = invariance.schur_informations(p)
        assert exact["t-n"] <= float(ev("nuisance-information-bound", **p)) + 1e-9
        assert exact["t-x"] - exact["t-y"] == pytest.approx(float(ev("nuisance-information-bound", **p)), rel=1e-9, abs=1e-12)
        failures_of_sufficient_form += exact["t-n"] > exact["t-x"] - exact["x-y"] + 1e-9
    assert failures_of_sufficient_form > 0  # the sufficient-T form is not a bound for every T


@pytest.mark.parametrize("args, text", [
    (("weight-lagrangian-value", "design=1,2,3", "rows=2", "targets=1,2", "prior_std=1", "noise=1", "beta=1"),
     "multiple of 2"),
    (("weight-information-pac-bayes", "design=1,2", "rows=2", "targets=1", "prior_std=1", "noise=1", "beta=1",
      "tolerance=1"), "wrong length"),
    (("nuisance-information", "signal=1,0", "nuisance=1,0,0", "nuisance_dim=1", "input_noise=1", "encoder=1,0",
      "rows=1", "noise=1", "information=t-n"), "nuisance"),
    (("nuisance-information-bound", "signal=1,0", "nuisance=0,1", "nuisance_dim=1", "input_noise=1", "encoder=1,0,1",
      "rows=1", "noise=1"), "encoder"),
])
def test_weights_and_invariance_bad_input_is_one_line_exit_2(cli, args, text):
    out = cli("eval", *args)
    assert out.returncode == 2 and text in out.stderr and len(out.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("noise,beta", [(1e-3, 1.0), (1e-10, 1.0), (1e-100, 1.0), (5e-324, 1.0), (1.0, 1e-10),
                                        (1.0, 5e-324)])
def test_weight_lagrangian_closed_form_where_the_design_is_singular(noise, beta):
    """One sample x = (1, 1), y = 1, lambda = 1 (p > n: X^T X singular): the value is
    (1/2) ln(2 pi s^2) + c/(2 s^2 (2 + c)) + (beta/2) ln(1 + 2/c), c = beta s^2. At 30 fixed digits
    s = 1e-10 gave the fit term 0 instead of 1/4 (a wrong value labelled exact); the working precision
    now carries the digits the ill-conditioned inverse and the cancellation lose."""
    import mpmath

    from dltheory.theory import evaluate

    with mpmath.workdps(50):
        s2, b = mpmath.mpf(noise) ** 2, mpmath.mpf(beta)
        c = b * s2
        exact = mpmath.log(2 * mpmath.pi * s2) / 2 + c / (2 * s2 * (2 + c)) + b * mpmath.log(1 + 2 / c) / 2
    value = evaluate("weight-lagrangian-value", design=[1.0, 1.0], rows=1, targets=[1.0], prior_std=1.0,
                     noise=noise, beta=beta)
    assert value == pytest.approx(float(exact), rel=1e-12)


@pytest.mark.parametrize("input_noise,noise", [(1e-17, 1e-20), (1e-40, 1e-150), (5e-324, 5e-324), (1e-3, 1e-3)])
def test_nuisance_information_keeps_its_digits_at_tiny_noise(input_noise, noise):
    """T = X + s Z, X = u Y + v N + sigma E with u = (1, 0), v = (0.6, 0.8): I(T;Y) =
    (1/2) ln((v2^2 + e (1 + |v|^2) + e^2)/(e (|v|^2 + e))), e = sigma^2 + s^2. At 30 fixed digits the Cholesky factor
    of v v^T + e I failed below e ~ 1e-30 and the value was refused; the working precision now
    follows the smallest noise floor."""
    import mpmath

    from dltheory.theory import evaluate

    value = float(evaluate("nuisance-information", signal=[1.0, 0.0], nuisance=[0.6, 0.8], nuisance_dim=1,
                           input_noise=input_noise, encoder=[1.0, 0.0, 0.0, 1.0], rows=2, noise=noise,
                           information="t-y"))
    with mpmath.workdps(800):
        e = mpmath.mpf(input_noise) ** 2 + mpmath.mpf(noise) ** 2
        a, b = mpmath.mpf(0.6) ** 2, mpmath.mpf(0.8) ** 2  # v1^2, v2^2 of the binary inputs
        cov_t = b + e * (1 + a + b) + e * e  # det [[1 + a + e, v1 v2], [v1 v2, b + e]]
        exact = mpmath.log(cov_t / (e * (a + b + e))) / 2  # det(v v^T + e I) = e (|v|^2 + e)
    assert value == pytest.approx(float(exact), rel=1e-12)


@pytest.mark.parametrize("h", [1e-8, 1e-20, 1e-100])
def test_gaussian_posterior_kl_keeps_its_digits_where_the_prior_dominates(h):
    """One coordinate, w* = 0, beta = lambda = 1: KL = (ln(1 + h) - h/(1 + h))/2 ~ h^2/4. The
    closed form r - 1 - ln r cancels log10(1/h) digits; at 30 fixed digits h = 1e-20 was wrong in
    the 11th digit (2.49999999995516e-41)."""
    import mpmath

    from dltheory.theory import evaluate

    with mpmath.workdps(60 + 3 * int(-math.log10(h))):
        x = mpmath.mpf(h)
        exact = (mpmath.log1p(x) - x / (1 + x)) / 2
    value = evaluate("gaussian-posterior-kl", hessian=[h], minimizer=[0.0], beta=1.0, prior_std=1.0)
    assert float(value) == pytest.approx(float(exact), rel=1e-13)
