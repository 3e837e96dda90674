"""Optimisation: the kernels against brute force, the exact Walsh-Hadamard identities, the
stratified estimator, the max-margin solver, w_tilde, the minimum-norm interpolant, bad input."""
import itertools
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from dltheory import theory
from dltheory.numerics.optimization import benchmarks, checks, kernels
from dltheory.theory import implicit_bias as ib

ev = theory.evaluate
EXAMPLE = dict(points=(1.0, 0.5, 0.25, 1.0, -1.0, 0.25, 0.5, -1.0), dim=2, labels=(1, 1, -1, -1))


def test_walsh_hadamard_against_brute_force():
    dim = 6
    x = kernels.all_inputs(dim)
    v = np.random.default_rng(0).standard_normal((1 << dim, 3))
    fast = kernels.walsh_hadamard(v)
    for s in range(1 << dim):
        chi = np.prod(x[:, [i for i in range(dim) if s >> i & 1]], axis=1)
        assert np.allclose(fast[s], chi @ v, atol=1e-12)


def test_network_gradients_against_finite_differences():
    net = kernels.tanh_network(5, 4, seed=3)
    x = 1.0 - 2.0 * np.random.default_rng(1).integers(0, 2, (7, 5))
    g = kernels.network_gradients(x, net)
    flat = np.concatenate([p.ravel() for p in net])
    shapes = [p.shape for p in net]

    def out(theta):
        parts, i = [], 0
        for s in shapes:
            n = int(np.prod(s))
            parts.append(theta[i:i + n].reshape(s))
            i += n
        w, b, a = parts
        return np.tanh(x @ w.T + b) @ a / math.sqrt(a.shape[0])

    h = 1e-6
    numeric = np.array([(out(flat + h * e) - out(flat - h * e)) / (2 * h) for e in np.eye(flat.size)]).T
    assert np.allclose(g, numeric, atol=1e-8)


def test_parseval_and_the_bounds_exactly():
    """Sum over all parities of |c_S|^2 is G (Parseval); each order's mean is below G/C(D, K) (Bessel);
    the variance over the full class is G/2^D - |g(1..1)|^2/4^D."""
    for dim in (4, 7, 10):
        net = kernels.tanh_network(dim, 6, seed=dim)
        G, energy, mean = kernels.exact_parity_energies(dim, net)
        assert energy.sum() == pytest.approx(G, rel=1e-12)
        orders = np.array([bin(s).count("1") for s in range(1 << dim)])
        for k in range(dim + 1):
            assert energy[orders == k].mean() <= float(ev("parity-gradient-variance-bound", gradient_norm2=G,
                                                          dim=dim, order=k)) * (1 + 1e-12)
        x = kernels.all_inputs(dim)
        c = kernels.walsh_hadamard(kernels.network_gradients(x, net)) / 2**dim
        variance = np.mean(np.sum((c - c.mean(axis=0)) ** 2, axis=1))
        assert variance == pytest.approx(G / 2**dim - mean @ mean, rel=1e-10)
        assert variance <= float(ev("parity-gradient-variance-bound", gradient_norm2=G, dim=dim))


def test_parity_ustat_is_unbiased_for_one_parity():
    dim, net = 6, kernels.tanh_network(6, 5, seed=2)
    _, energy, _ = kernels.exact_parity_energies(dim, net)
    gen = np.random.Generator(np.random.SFC64(5))
    u = kernels.parity_ustats(gen, dim, 1, 400, 256, net)  # random order-1 parities
    want = energy[[1 << i for i in range(dim)]].mean()
    assert abs(u.mean() - want) < 4 * u.std(ddof=1) / math.sqrt(u.size)


def test_stratified_estimator_against_walsh_value():
    dim = 8
    net = checks.parity_network(dim)
    G, energy, _ = kernels.exact_parity_energies(dim, net)
    est = checks.stratified_energy(np.random.SeedSequence(11), dim, 8, 2048, net)
    assert abs(est.value - energy.mean()) < 4 * est.stderr
    assert energy.mean() == pytest.approx(G / 2**dim, rel=1e-12)
    assert est.stderr < 0.2 * energy.mean()


@pytest.mark.parametrize("dim", [1, 12])
def test_linear_periodic_variance_in_any_dimension(dim):
    gen = np.random.Generator(np.random.SFC64(dim))
    v = np.array([kernels.periodic_batch(gen, 1.0, dim, 8, 4000) for _ in range(12)])
    want = float(ev("linear-periodic-gradient-variance", radius=1.0))
    assert abs(v.mean() - want) < 4 * v.std(ddof=1) / math.sqrt(v.size)


def test_linear_periodic_closed_forms():
    for r in (0.3, 1.0, 2.0, 4.0):
        assert float(ev("linear-periodic-gradient-variance", radius=r)) == pytest.approx(
            2 * r * r * math.exp(-r * r) / (1 - math.exp(-2 * r * r)), rel=1e-13)
    assert ev("linear-periodic-gradient-variance", radius=1e-4) == pytest.approx(1, rel=1e-8)
    assert 0 < ev("linear-periodic-gradient-variance", radius=100.0) < mpmath.mpf("1e-4000")


def test_parity_bound_values():
    assert ev("parity-gradient-variance-bound", gradient_norm2=3.5, dim=10) == Fraction(7, 2048)
    assert ev("parity-gradient-variance-bound", gradient_norm2=1, dim=20, order=3) == Fraction(1, 1140)


def test_max_margin_exact_example():
    mm = ib.max_margin(EXAMPLE["points"], 2, EXAMPLE["labels"])
    assert mm.w_hat == (Fraction(10, 7), Fraction(12, 7)) and mm.support == (2, 3)
    assert mm.alpha == (Fraction(128, 49), Fraction(116, 49))
    assert float(ev("max-margin", **EXAMPLE)) == pytest.approx(7 / math.sqrt(244), rel=1e-14)


def test_max_margin_against_brute_force_search():
    """No direction on a fine grid beats the exact margin, and the best one falls short of it by at most
    the Lipschitz bound max_n |z_n| h/2 of min_n u.z_n over the angle grid's spacing h."""
    for d in checks.random_datasets(3):
        z = np.array(d["points"]).reshape(-1, 2) * np.array(d["labels"])[:, None]
        angles = np.linspace(0, 2 * np.pi, 200_000, endpoint=False)
        u = np.stack([np.cos(angles), np.sin(angles)], axis=1)
        best = np.max(np.min(u @ z.T, axis=1))
        gamma = float(ev("max-margin", points=d["points"], dim=2, labels=d["labels"]))
        assert best <= gamma * (1 + 1e-12)
        assert gamma - best <= np.max(np.linalg.norm(z, axis=1)) * (angles[1] - angles[0]) / 2


def test_residual_solves_the_support_equations():
    mm = ib.max_margin(EXAMPLE["points"], 2, EXAMPLE["labels"])
    eta = mpmath.mpf("0.5")
    wt = ib.residual_limit(eta=0.5, dps=40, **EXAMPLE)
    with mpmath.workdps(40):
        lhs = [eta * sum(mpmath.exp(-(mm.z[n][0] * wt[0] + mm.z[n][1] * wt[1])) * mm.z[n][c] for n in mm.support)
               for c in range(2)]
        for c in range(2):
            assert abs(lhs[c] - mpmath.mpf(mm.w_hat[c].numerator) / mm.w_hat[c].denominator) < mpmath.mpf("1e-30")


def test_direction_error_times_log_t_tends_to_its_constant():
    mm = ib.max_margin(EXAMPLE["points"], 2, EXAMPLE["labels"])
    wt = np.array([float(v) for v in ib.residual_limit(eta=0.5, **EXAMPLE)])
    w = np.array([float(v) for v in mm.w_hat])
    u = w / np.linalg.norm(w)
    constant = np.linalg.norm(wt - (wt @ u) * u) / np.linalg.norm(w)
    for t, rel in ((1e50, 2e-2), (1e300, 4e-3)):
        e = float(ev("implicit-bias-direction-error", eta=0.5, steps=t, **EXAMPLE))
        assert e * math.log(t) == pytest.approx(constant, rel=rel)


def test_gd_kernel_against_numpy_reference_and_the_asymptote():
    z = np.array([[1, 0.5], [0.25, 1], [1, -0.25], [-0.5, 1]])
    w = kernels.gd_logistic(z, 0.5, np.array([10, 1000], dtype=np.int64))
    assert np.allclose(w[0], kernels.gd_logistic_numpy(z, 0.5, 10), rtol=1e-12)
    assert np.allclose(w[1], kernels.gd_logistic_numpy(z, 0.5, 1000), rtol=1e-11)
    late = kernels.gd_logistic(z, 0.5, np.array([10**5], dtype=np.int64))[0]
    wt = np.array([float(v) for v in ib.residual_limit(eta=0.5, **EXAMPLE)])
    assert np.allclose(late - np.array([10 / 7, 12 / 7]) * math.log(1e5), wt, atol=2e-3)


def test_least_squares_gd_from_zero_is_the_min_norm_interpolant():
    gen = np.random.default_rng(4)
    for n, d in ((3, 8), (5, 20)):
        x = np.round(gen.standard_normal((n, d)), 3)
        y = np.round(gen.standard_normal(n), 3)
        exact = np.array([float(v) for v in ib.min_norm_interpolant(x.tolist(), y.tolist())])
        eta = 1.0 / np.linalg.norm(x, 2) ** 2
        w = kernels.gd_least_squares(x, y, eta, 20_000)
        assert np.allclose(w, exact, rtol=0, atol=1e-10 * np.abs(exact).max())
        assert np.allclose(x @ exact, y, atol=1e-12)
        w_other = exact + np.linalg.svd(x)[2][-1]  # another interpolant, off the row space
        assert np.allclose(x @ w_other, y, atol=1e-12) and np.linalg.norm(w_other) > np.linalg.norm(exact)


@pytest.mark.parametrize("name, params", [
    ("parity-gradient-variance-bound", {"gradient_norm2": -1, "dim": 3}),
    ("parity-gradient-variance-bound", {"gradient_norm2": 1, "dim": 3, "order": 4}),
    ("parity-gradient-variance-bound", {"gradient_norm2": 1, "dim": 0}),
    ("linear-periodic-gradient-variance", {"radius": 0}),
    ("max-margin", {"points": (1.0, 0.0, -1.0, 0.0), "dim": 2, "labels": (1, 1)}),
    ("max-margin", {"points": (1.0, 0.0, 1.0), "dim": 2, "labels": (1, 1)}),
    ("max-margin", {"points": (1.0, 0.0), "dim": 2, "labels": (2,)}),
    ("max-margin-direction", {**EXAMPLE, "component": 2}),
    ("implicit-bias-residual", {**EXAMPLE, "eta": 5.0, "component": 0}),
    ("implicit-bias-residual", {"points": (1.0, 1.0, 1.0, -1.0, 1.0, 0.0), "dim": 2, "labels": (1, 1, 1),
                                "eta": 0.5, "component": 0}),
    ("implicit-bias-direction-error", {**EXAMPLE, "eta": 0.5, "steps": 1}),
    ("max-margin", {"points": tuple(float(i % 7) + 0.5 for i in range(6 * 40)), "dim": 6, "labels": (1,) * 40}),
])
def test_bad_input(name, params):
    with pytest.raises(theory.BadInput):
        ev(name, **params)


def test_cli_bad_input_is_one_line_exit_2(cli):
    r = cli("eval", "implicit-bias-residual", "points=1,0.5,0.25,1,-1,0.25,0.5,-1", "dim=2", "labels=1,1,-1,-1",
            "eta=5", "component=0")
    assert r.returncode == 2 and r.stdout == "" and len(r.stderr.strip().splitlines()) == 1


def test_benchmark_reference_agrees():
    assert benchmarks.bench_logistic_gd.run(True).agree


def test_experiment_script_small():
    """tools/optim_experiments.py at toy size: a 4-bit parity is learned; the exact second moment is
    G/2^D (the figures themselves are made by hand)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "tools" / "optim_experiments.py"
    spec = importlib.util.spec_from_file_location("optim_experiments", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.learn_parity(4, 1500, seed=0) >= 0.99
    for row in module.second_moment_experiment(range(2, 6)):
        assert row["second_moment"] == pytest.approx(row["bound"], rel=1e-12) and row["variance"] <= row["bound"]


def test_float_guided_support_equals_the_enumeration(monkeypatch):
    gen = np.random.default_rng(9)
    found = []
    for _ in range(6):
        x = np.round(gen.standard_normal((10, 3)), 2)
        y = np.where(x @ np.array([1.0, -0.5, 0.3]) > 0, 1, -1)
        found.append(ib.max_margin(x.ravel().tolist(), 3, y.tolist()))  # 175 sets: enumeration
    monkeypatch.setattr(ib, "ENUMERATE", 0)
    gen = np.random.default_rng(9)
    for want in found:
        x = np.round(gen.standard_normal((10, 3)), 2)
        y = np.where(x @ np.array([1.0, -0.5, 0.3]) > 0, 1, -1)
        assert ib.max_margin(x.ravel().tolist(), 3, y.tolist()) == want
    with pytest.raises(theory.BadInput, match="not linearly separable"):
        ib.max_margin([1.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.5, 0.5, 0.5], 3, [1, 1, 1])


# --- conditioning and flat activations -----------------------------------------------------------

def _conditioning_script():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "tools" / "optim_conditioning.py"
    spec = importlib.util.spec_from_file_location("optim_conditioning", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gd_quadratic_rate_values_and_the_best_step():
    assert ev("gd-quadratic-rate", kappa=1) == 0
    assert ev("gd-quadratic-rate", kappa=3) == Fraction(1, 2)
    assert ev("gd-quadratic-rate", kappa=0.5e1) == Fraction(2, 3)
    with pytest.raises(theory.BadInput):
        ev("gd-quadratic-rate", kappa=0.9)
    # the rate measured at 2/(mu + L) is the quantity; steps 10% off either way contract more slowly
    kappa = 50.0
    h, e0 = kernels.quadratic_problem(np.random.Generator(np.random.SFC64(3)), kappa)

    def rate(eta):
        e = kernels.gd_quadratic_errors(h, e0, eta, (300, 600))
        return (e[1] / e[0]) ** (1 / 300)
    best = 2 / (1 + kappa)
    assert rate(best) == pytest.approx(float(ev("gd-quadratic-rate", kappa=kappa)), rel=1e-12)
    assert rate(0.9 * best) > rate(best) * (1 + 1e-4) and rate(1.1 * best) > rate(best) * (1 + 1e-4)
    assert rate(0.9 * best) == pytest.approx(1 - 0.9 * best, rel=1e-9)  # then the smallest eigenvalue rules


def test_curves_and_population_hessians():
    """x = W p is the curve with slope changes p (its second difference is p); E[p p^T] = (k/n) I; the
    population Hessians are the exact second moments; the exact population-GD curve is the iterated map."""
    oc = _conditioning_script()
    n, k = 7, 2
    w = oc.ramp_matrix(n)
    p, x = oc.sample_curves(np.random.Generator(np.random.SFC64(1)), (20000,), n, k, w)
    assert np.allclose(np.diff(np.concatenate([np.zeros((len(x), 2)), x], axis=1), 2, axis=1), p)
    assert np.allclose(oc.patches(x) @ np.array([1.0, -2.0, 1.0]), p)  # the causal kernel (1, -2, 1)
    second = p.T @ p / len(p)
    assert np.abs(second - k / n * np.eye(n)).max() < 0.03
    h_fc, h_conv = oc.population_hessians(n, k)
    assert np.allclose(h_fc, k / n * w @ w.T)
    z = oc.patches(x)
    assert np.abs(np.einsum("bni,bnj->ij", z, z) / (len(x) * n) - h_conv).max() < 0.05 * np.abs(h_conv).max()
    # population GD from zero on the convolution: the exact curve equals the iterated error map
    target = np.array([1.0, -2.0, 1.0])
    eta = 0.5 / np.linalg.eigvalsh(h_conv)[-1]
    a, losses = np.zeros(3), []
    for t in range(1, 51):
        a = a - eta * h_conv @ (a - target)
        losses.append((a - target) @ h_conv @ (a - target) / (target @ h_conv @ target))
    assert np.allclose(oc.population_curve(h_conv, target[None], eta, np.arange(1, 51)), losses, rtol=1e-10)


def test_staircase_smooth_limit_and_forward_only_update():
    oc = _conditioning_script()
    r = np.array([-9.0, -2.51, -0.49, 0.0, 0.49, 0.51, 1.49, 1.51, 9.0])
    assert oc.staircase(r, 3).tolist() == [-3, -3, 0, 0, 0, 1, 1, 2, 3]
    value, slope = oc.smooth_staircase(r, 3, 5e-4)
    assert np.allclose(value, oc.staircase(r, 3), atol=1e-6) and np.all(slope < 1e-4)  # flat away from jumps
    grid = np.linspace(-2, 2, 40001)
    v, s = oc.smooth_staircase(grid, 3, 0.2)
    assert np.allclose(np.gradient(v, grid)[1:-1], s[1:-1], atol=1e-5)  # its derivative is its slope
    # the forward-only update, one example at a time, on a tiny sample: it stops only when every label
    # is right, which it reaches (a perceptron-like argument: u is non-decreasing)
    gen = np.random.Generator(np.random.SFC64(4))
    x = gen.standard_normal((30, 3))
    w_star = np.array([2.0, -1.0, 0.5])
    y = oc.staircase(x @ w_star, 4)
    w = np.zeros(3)
    for sweep in range(2000):
        for i in range(len(y)):
            w = oc.forward_only_step(w, x[i:i + 1], y[i:i + 1], 0.1, 4)
        if np.all(oc.staircase(x @ w, 4) == y):
            break
    assert np.all(oc.staircase(x @ w, 4) == y)
    # the batched driver: from |w0| ~ 1, 200 forward-only steps bring w near w* (d = 4, |w*| = 2)
    run = oc.train_flat("forward-only", 0.01, 2, 0, 4, 2.0, 4, 200, [1, 200])
    assert run["distance"][:, -1].max() < 0.5 * run["distance"][:, 0].min()


def test_conditioning_script_small():
    """The conditioning experiment at toy size: the preconditioned models reach the target, the plain
    ones hardly move (their Hessians' condition numbers are in the thousands)."""
    oc = _conditioning_script()
    run = oc.train_encoders(8, 2, 2, 150, [150], batch=16, estimate=512, test=256)
    err = {k: v[:, -1] for k, v in run["errors"].items()}
    assert err["fully connected, conditioned"].max() < 1e-6 and err["convolutional, conditioned"].max() < 1e-6
    assert err["fully connected"].min() > 0.3 and err["convolutional"].min() > 0.3
