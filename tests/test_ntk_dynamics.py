"""Issue 13: the O(N L) empirical NTK sampler (against the weight-drawing path, in distribution),
the NTK training dynamics (closed forms against the linear recursions they solve), the GD trainer
(one step against finite differences) and the interleaved benchmark timing."""
import math

import numpy as np
import pytest

from dltheory import theory
from dltheory.numerics._bench import Timing, interleaved
from dltheory.numerics.meanfield import empirical_ntk
from dltheory.numerics.meanfield.ntk_sampling import fast_empirical_ntk, normals_per_network
from dltheory.numerics.meanfield.ntk_training import train_networks
from dltheory.numerics.meanfield.kernels import ACT_CODE
from dltheory.theory import BadInput
from dltheory.theory.meanfield.dynamics import circle, gd_prediction, nngp_posterior
from dltheory.theory.meanfield.kernel_matrix import kernel_matrices

# ------------------------------------------------------------------ the O(N L) sampler


def _moments(a):
    """Per-network statistics whose means the two samplers must share: the kernel entries, the
    outputs' product, and products coupling them (second moments of the joint law)."""
    t11, t12, t22, f1, f2 = a.T
    return np.stack([t11, t12, t22, f1 * f2, t12 * t12, t11 * t22, f1 * f1 * t11, f1 * f2 * t12, f2 * f2])


def _two_sample_z(a, b):
    ma, mb = _moments(a), _moments(b)
    se = np.hypot(ma.std(axis=1, ddof=1) / math.sqrt(a.shape[0]), mb.std(axis=1, ddof=1) / math.sqrt(b.shape[0]))
    return (ma.mean(axis=1) - mb.mean(axis=1)) / se


# small widths, where the finite-width law differs most from its limit; depths 2-4; three activations
CASES = [("relu", 2, 4, 2.0, 0.1, 0.5), ("relu", 3, 4, 2.0, 0.0, 0.3), ("tanh", 4, 8, 1.5, 0.2, -0.4),
         ("erf", 3, 3, 1.2, 0.0, 0.9)]
N_SAMPLES = 20000
# Bonferroni over every z of every case at family-wise false-alarm rate 1e-3 (two-sided)
Z_STAR = 4.2  # Phi^-1(1 - 1e-3 / (2 * 36)) = 4.19


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-L{c[1]}-N{c[2]}" for c in CASES])
def test_fast_sampler_has_the_weight_path_law(case):
    """Two-sample z-tests on nine moments (kernel entries, outputs, their products) between the
    O(N L) sampler and the path that draws every weight, at family-wise rate 1e-3."""
    act, L, N, sw, sb, c = case
    a = empirical_ntk(act, L, N, sw, sb, 1.0, 1.3, c, N_SAMPLES, 1)
    b = fast_empirical_ntk(act, L, N, sw, sb, 1.0, 1.3, c, N_SAMPLES, 2)
    z = _two_sample_z(a, b)
    assert np.all(np.abs(z) < Z_STAR), z


def test_the_same_test_rejects_the_gradient_independence_sampler():
    """Power: drawing the backward weights afresh (dropping the conditional term) changes the law
    at finite width; the same moments and threshold reject it (tanh and erf cases)."""
    worst = []
    for act, L, N, sw, sb, c in CASES[2:]:
        a = empirical_ntk(act, L, N, sw, sb, 1.0, 1.3, c, N_SAMPLES, 1)
        w = fast_empirical_ntk(act, L, N, sw, sb, 1.0, 1.3, c, N_SAMPLES, 3, independent=True)
        worst.append(float(np.max(np.abs(_two_sample_z(a, w)))))
    assert min(worst) > Z_STAR, worst


def test_conditional_decomposition_reproduces_the_preactivations():
    """A = Z G^+ Ht^T + A'(I - P) with Z = A Ht: the identity behind the backward step, including a
    rank-one Ht (two identical inputs)."""
    rng = np.random.default_rng(0)
    for Ht in (rng.standard_normal((7, 2)), np.outer(rng.standard_normal(7), [1.0, 1.0])):
        A, A2 = rng.standard_normal((5, 7)), rng.standard_normal((5, 7))
        Gp = np.linalg.pinv(Ht.T @ Ht)
        P = Ht @ Gp @ Ht.T
        Z = A @ Ht
        B = Z @ Gp @ Ht.T + A2 @ (np.eye(7) - P)
        assert np.allclose(B @ Ht, Z, atol=1e-12)
        assert np.allclose(Z @ Gp @ Ht.T + A @ (np.eye(7) - P), A, atol=1e-12)


def test_fast_sampler_cost_and_threads(monkeypatch):
    """O(N L) normals per network, and bit-identical draws for 1 and 2 threads."""
    assert normals_per_network(4, 512) == 2 * 512 * 3 + 2 + 2 * 513 * 3
    monkeypatch.setenv("DLTHEORY_THREADS", "1")
    a = fast_empirical_ntk("relu", 3, 16, 2.0, 0.1, 1.0, 1.0, 0.5, 600, 9)
    monkeypatch.setenv("DLTHEORY_THREADS", "2")
    b = fast_empirical_ntk("relu", 3, 16, 2.0, 0.1, 1.0, 1.0, 0.5, 600, 9)
    assert np.array_equal(a, b)

# ------------------------------------------------------------------ dynamics: closed forms


KW = dict(activation="relu", depth=3, weight_variance=2.0, bias_variance=0.1)
XTR, Y, XTE = circle([0.0, 1.2, 2.5, 4.0]), np.array([1.0, -0.5, 0.5, 0.2]), circle([0.6, 3.0])


def _recursion(steps, lr):
    """Mean and covariance of the linear model's outputs on (test, train) by iterating one GD step
    f <- f - lr Theta(., X)(f(X) - Y) on the joint Gaussian law of f_0 (no matrix functions)."""
    A = np.concatenate([XTE, XTR])
    K, T = kernel_matrices(A, None, **KW)
    m = XTE.shape[0]
    M = np.eye(A.shape[0]) - lr * T[:, m:] @ np.concatenate([np.zeros((4, m)), np.eye(4)], axis=1)
    mean, cov = np.zeros(A.shape[0]), K
    shift = lr * T[:, m:] @ Y
    for _ in range(steps):
        mean, cov = M @ mean + shift, M @ cov @ M.T
    return mean[:m], cov[:m, :m]


@pytest.mark.parametrize("steps", [0, 1, 7, 40])
def test_gd_closed_form_equals_the_step_recursion(steps):
    lr = 0.05
    mean, cov = gd_prediction(XTR, Y, XTE, **KW, time=steps * lr, learning_rate=lr)
    rm, rc = _recursion(steps, lr)
    assert np.allclose(mean, rm, rtol=1e-10, atol=1e-12)
    assert np.allclose(cov, rc, rtol=1e-9, atol=1e-12)


def test_flow_is_the_small_step_limit_and_converges():
    """GD at learning rate t/k tends to the flow as k grows (error ~ 1/k); t = inf interpolates
    the targets on the training set and equals Theta(x,X) Theta^-1 Y at test inputs."""
    t = 3.0
    flow, fcov = gd_prediction(XTR, Y, XTE, **KW, time=t)
    errs = [np.max(np.abs(gd_prediction(XTR, Y, XTE, **KW, time=t, learning_rate=t / k)[0] - flow))
            for k in (100, 200)]
    assert errs[1] < 0.6 * errs[0] and errs[1] < 1e-2
    K, T = kernel_matrices(np.concatenate([XTE, XTR]), None, **KW)
    inf_mean, _ = gd_prediction(XTR, Y, XTE, **KW)
    assert np.allclose(inf_mean, T[:2, 2:] @ np.linalg.solve(T[2:, 2:], Y), rtol=1e-10)
    on_train, train_cov = gd_prediction(XTR, Y, XTR, **KW)
    assert np.allclose(on_train, Y, atol=1e-9) and np.all(np.abs(train_cov) < 1e-8)
    late, _ = gd_prediction(XTR, Y, XTE, **KW, time=1e4)
    assert np.allclose(late, inf_mean, atol=1e-9)


def test_variance_four_term_form_and_nngp_posterior():
    t, lr = 2.0, 0.0
    _, cov = gd_prediction(XTR, Y, XTE, **KW, time=t, learning_rate=lr)
    K, T = kernel_matrices(np.concatenate([XTE, XTR]), None, **KW)
    lam, V = np.linalg.eigh(T[2:, 2:])
    B = V @ np.diag((1 - np.exp(-t * lam)) / lam) @ V.T
    Txx, Kxx = T[:2, 2:], K[:2, 2:]
    four = K[:2, :2] - Txx @ B @ Kxx.T - Kxx @ B @ Txx.T + Txx @ B @ K[2:, 2:] @ B @ Txx.T
    assert np.allclose(cov, four, rtol=1e-10, atol=1e-13)
    pm, pc = nngp_posterior(XTR, Y, XTE, **KW)
    assert np.allclose(pm, Kxx @ np.linalg.solve(K[2:, 2:], Y), rtol=1e-10)
    assert np.all(np.diag(pc) >= -1e-12) and np.all(np.diag(pc) < np.diag(K[:2, :2]))


def test_quantities_and_bad_input():
    p = dict(activation="relu", depth=2, weight_variance=2.0, bias_variance=0.1, train=[0.0, 1.2, 2.5],
             targets=[1.0, -0.5, 0.5], test=0.6)
    assert theory.evaluate("ntk-gd-test-mean", **p, time=0.0) == 0.0
    assert theory.evaluate("ntk-gd-test-variance", **p, time=0.0) == pytest.approx(
        theory.evaluate("nngp-kernel", activation="relu", depth=2, weight_variance=2.0, bias_variance=0.1, q1=0.5,
                        q2=0.5), 1e-12)  # |x|^2 / d = 1/2 on the unit circle in R^2
    with pytest.raises(BadInput):
        theory.evaluate("ntk-gd-test-mean", **dict(p, targets=[1.0]))
    with pytest.raises(BadInput):  # 2 / 0.3 is not a whole number of steps
        theory.evaluate("ntk-gd-test-mean", **p, time=2.0, learning_rate=0.3)
    with pytest.raises(BadInput):  # GD diverges: eta above 2 / lambda_max
        theory.evaluate("ntk-gd-test-mean", **p, learning_rate=50.0)
    with pytest.raises(BadInput):
        theory.evaluate("ntk-gd-test-mean", **dict(p, train=[0.0, 0.0], targets=[1.0, 1.0]))
    with pytest.raises(BadInput):
        theory.evaluate("ntk-gd-deviation-exponent", activation="relu", depth=1)

# ------------------------------------------------------------------ the trainer


def _np_forward(params, x, sw, sb, act):
    W1, Wh, b, v, bo = params
    N = W1.shape[0]
    z = math.sqrt(sw / x.size) * W1 @ x + math.sqrt(sb) * b[0]
    for l in range(Wh.shape[0]):
        z = math.sqrt(sw / N) * Wh[l] @ act(z) + math.sqrt(sb) * b[l + 1]
    return math.sqrt(sw / N) * v @ act(z) + math.sqrt(sb) * bo[0]


def test_one_gd_step_equals_finite_differences():
    """One step of the Numba trainer (depth 3, width 3, tanh) against theta - eta grad with the
    gradient of (1/2) sum (f - y)^2 by central differences, then the outputs after the step."""
    rng = np.random.default_rng(4)
    N, n0, sw, sb, lr = 3, 2, 1.7, 0.2, 0.3
    X, y = rng.standard_normal((3, n0)), np.array([0.5, -1.0])
    params = [rng.standard_normal((N, n0)), rng.standard_normal((1, N, N)), rng.standard_normal((2, N)),
              rng.standard_normal(N), rng.standard_normal(1)]
    flat = np.concatenate([p.ravel() for p in params])

    def unflat(u):
        out, k = [], 0
        for p in params:
            out.append(u[k:k + p.size].reshape(p.shape))
            k += p.size
        return out

    def loss(u):
        return 0.5 * sum((_np_forward(unflat(u), X[a], sw, sb, np.tanh) - y[a]) ** 2 for a in range(2))

    h = 1e-6
    grad = np.array([(loss(flat + h * e) - loss(flat - h * e)) / (2 * h) for e in np.eye(flat.size)])
    after = unflat(flat - lr * grad)
    want = [_np_forward(after, X[a], sw, sb, np.tanh) for a in range(3)]
    W1, Wh, b, v, bo = (p[None].copy() for p in params)
    out = np.empty((1, 2, 3))
    train_networks(W1, Wh, b, v, bo, X, 2, y, ACT_CODE["tanh"], sw, sb, lr, np.array([0, 1]), out)
    assert np.allclose(out[0, 0], [_np_forward(params, X[a], sw, sb, np.tanh) for a in range(3)], rtol=1e-12)
    assert np.allclose(out[0, 1], want, rtol=1e-7, atol=1e-9)

# ------------------------------------------------------------------ interleaved timing


def test_interleaved_timing_alternates_and_reports_the_median():
    calls = []
    sim_s, ref_s, ratios = interleaved(lambda: calls.append("s"), lambda: calls.append("r"), repeat=4,
                                       clock=iter(range(100)).__next__, reference_scale=3.0)
    assert calls == ["s", "r"] * 5  # one warm-up pair, then strictly alternating
    assert sim_s == 1 and ref_s == 3 and ratios == (3.0,) * 4
    t = Timing(1.0, 10.0, "w", True, ratios=(2.0, 8.0, 5.0))
    assert t.speedup == 5.0 and Timing(1.0, 10.0, "w", True).speedup == 10.0


def test_fast_ntk_benchmark_agrees_and_is_20x_the_weight_path():
    """The issue's target: at width 512, depth 4, at least 20 times the networks per CPU second of
    the weight-drawing path (measured x77-x83 here), with the two samplers' Theta_12 in agreement."""
    from dltheory import numerics

    t = numerics.all_benchmarks()["meanfield-fast-ntk"].run(True)
    assert t.agree and len(t.ratios) == 3 and t.speedup >= 20, (t.speedup, t.limit)


def test_cost_guard_and_degenerate_kernels_are_one_line_errors():
    p = dict(weight_variance=1.5, train=[0.0, 1.0, 2.0], targets=[1.0, 2.0, 3.0], test=0.5)
    with pytest.raises(BadInput):  # relu kernels at depth 10000 and sigma_w^2 = 1.5 are not finite numbers
        theory.evaluate("ntk-gd-test-mean", activation="relu", depth=10000, **p)
    with pytest.raises(BadInput):  # quadrature cost guard
        theory.evaluate("ntk-gd-test-variance", activation="tanh", depth=10000, **dict(p, train=[0.0] * 6,
                                                                                          targets=[1.0] * 6))


# ------------------------------------------------------------------ the NNGP check: readout-only training


def _weight_path_features(gen, S, activation, depth, N, sw, sb, X):
    """(S, N + 1, m) readout features psi = (sqrt(sw/N) phi(z^{L-1}), sqrt(sb)) of S networks with
    every hidden weight and bias drawn (NTK parameterisation, as ``ntk_training``)."""
    from dltheory.numerics.meanfield.estimators import np_phi

    phi, _ = np_phi(activation)
    h, fan = np.broadcast_to(X.T, (S,) + X.T.shape), X.shape[1]
    for _ in range(depth - 1):
        z = (math.sqrt(sw / fan) * (gen.standard_normal((S, N, fan)) @ h)
             + math.sqrt(sb) * gen.standard_normal((S, N, 1)))
        h, fan = phi(z), N
    return np.concatenate([math.sqrt(sw / N) * h, np.full((S, 1, X.shape[0]), math.sqrt(sb))], axis=1)


def test_readout_gradient_descent_converges_to_the_empirical_kernel_regressor():
    """Brute force at width 6: gradient descent on the readout alone (hidden layers frozen) from a
    random readout converges to f_0(x) + K_hat(x,X) K_hat(X,X)^-1 (Y - f_0(X)); the mean over the
    readout's sign (antithetic pair) is the check's per-network estimator ``kernel_regressor``."""
    from dltheory.numerics.meanfield.ntk_checks import kernel_regressor

    gen = np.random.default_rng(5)
    X = circle([0.6, 0.0, 1.2, 2.5])  # test input first
    y = np.array([1.0, -0.5, 0.5])
    psi = _weight_path_features(gen, 1, "tanh", 3, 6, 2.0, 0.2, X)[0]  # (7, 4)
    G = psi.T @ psi
    w0 = gen.standard_normal(psi.shape[0])
    preds = []
    for w in (w0.copy(), -w0):
        lr = 1.0 / np.linalg.eigvalsh(G[1:, 1:])[-1]
        for _ in range(20000):
            w -= lr * psi[:, 1:] @ (psi[:, 1:].T @ w - y)
        f0 = psi.T @ (w0 if len(preds) == 0 else -w0)
        closed = f0[0] + G[0, 1:] @ np.linalg.solve(G[1:, 1:], y - f0[1:])
        assert abs(psi[:, 0] @ w - closed) < 1e-9
        preds.append(psi[:, 0] @ w)
    assert abs(0.5 * sum(preds) - kernel_regressor(G[None], y)[0]) < 1e-9


def test_layer_grams_have_the_weight_path_law():
    """Two-sample z-tests (threshold 4.0: family-wise rate 5e-4 over the 8 statistics) at width
    6, depth 3: the Gram sampler (rows of each layer drawn given the previous Gram) against networks
    with every weight drawn, on the mean Gram entries and the mean kernel regressor; then the power
    check: the sampler's depth-2 Gram (one layer short) is rejected."""
    from dltheory.numerics.meanfield.ntk_checks import kernel_regressor, layer_grams

    X = circle([0.6, 0.0, 1.2, 2.5])
    y = np.array([1.0, -0.5, 0.5])
    S = 20000
    psi = _weight_path_features(np.random.default_rng(11), S, "tanh", 3, 6, 2.0, 0.2, X)
    Gw = psi.transpose(0, 2, 1) @ psi

    def stats(G):
        iu = np.triu_indices(4)
        return np.concatenate([G[:, iu[0], iu[1]][:, [0, 1, 4, 7]], kernel_regressor(G, y)[:, None],
                               G[:, 0, 1:2] * G[:, 2, 3:4], G[:, 1, 1:2] ** 2, G[:, 0, 3:4] ** 2], axis=1)

    def z(a, b):
        se = np.hypot(a.std(axis=0, ddof=1), b.std(axis=0, ddof=1)) / math.sqrt(S)
        return (a.mean(axis=0) - b.mean(axis=0)) / se

    a = stats(Gw)
    ok = z(a, stats(layer_grams("tanh", 3, 6, 2.0, 0.2, X, S, 3)))
    assert np.all(np.abs(ok) < 4.0), ok
    bad = z(a, stats(layer_grams("tanh", 2, 6, 2.0, 0.2, X, S, 3)))
    assert np.max(np.abs(bad)) > 4.0, bad
