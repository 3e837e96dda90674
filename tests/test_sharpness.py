"""Local entropy, flatness and sharpness: closed forms against quadrature and brute force, the kernels
against finite differences and NumPy references, the box optimiser against vertex enumeration, Dinh's
transformation on a real ReLU network, bad input, and a tiny run of the experiments script."""
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dltheory import theory
from dltheory.numerics.sharpness import kernels
from dltheory.theory.sharpness import keskar_quadratic, vertex_maximum

ev = theory.evaluate
ROOT = Path(__file__).resolve().parents[1]


def test_local_entropy_against_quadrature():
    """F by a Riemann sum on a fine 2-D grid, with a rotated (non-diagonal) A: reference to ~1e-9."""
    lam, gamma, d = (0.7, 3.0), 1.3, (0.4, -0.9)
    c, s = math.cos(0.6), math.sin(0.6)
    q = np.array([[c, -s], [s, c]])
    a = q @ np.diag(lam) @ q.T
    x = q @ np.array(d)  # x - x*
    t = np.linspace(-9, 9, 1201)
    h = t[1] - t[0]
    u1, u2 = np.meshgrid(t, t, indexing="ij")
    u = np.stack([u1, u2], axis=-1)  # x' - x*
    f = 0.5 * np.einsum("...i,ij,...j->...", u, a, u)
    integrand = np.exp(-f - 0.5 * gamma * np.sum((u - x) ** 2, axis=-1))
    want = math.log(integrand.sum() * h * h)
    assert ev("local-entropy-quadratic", eigenvalues=lam, gamma=gamma, displacement=d) == pytest.approx(want, abs=1e-9)


def test_flatness_and_gradient_identities():
    lam, gamma = (0.5, 2.0, 8.0), 2.0
    n = len(lam)
    centre = ev("local-entropy-quadratic", eigenvalues=lam, gamma=gamma)
    flat = ev("logdet-flatness", eigenvalues=lam, gamma=gamma)
    assert n / 2 * math.log(2 * math.pi / gamma) - centre == pytest.approx(flat, rel=1e-14)
    assert flat == pytest.approx(0.5 * math.log(np.linalg.det(np.eye(n) + np.diag(lam) / gamma)), rel=1e-14)
    d = [0.3, -0.2, 0.4]
    for k in range(n):  # -dF/dd_k by central differences
        step = 1e-5
        up, down = list(d), list(d)
        up[k] += step
        down[k] -= step
        fd = -(ev("local-entropy-quadratic", eigenvalues=lam, gamma=gamma, displacement=up)
               - ev("local-entropy-quadratic", eigenvalues=lam, gamma=gamma, displacement=down)) / (2 * step)
        got = ev("entropy-sgd-gradient-quadratic", eigenvalues=lam, gamma=gamma, displacement=d, component=k + 1)
        assert got == pytest.approx(fd, rel=1e-7)
    # a flatter minimum of equal depth has the larger local entropy
    assert ev("local-entropy-quadratic", eigenvalues=(1.0, 1.0), gamma=1.0) > \
        ev("local-entropy-quadratic", eigenvalues=(0.1, 10.0), gamma=1.0)


def test_tilted_weights_against_numpy():
    gen = np.random.default_rng(0)
    q = kernels.random_rotation(gen, 3)
    assert np.allclose(q @ q.T, np.eye(3), atol=1e-14)
    a = q @ np.diag([0.5, 1.0, 4.0]) @ q.T
    z = gen.standard_normal((500, 3))
    w, y = kernels.tilted_weights(z, a, np.array([0.1, 0.2, -0.3]), 2.0, np.ascontiguousarray(q.T))
    w2, y2 = kernels.tilted_weights_numpy(z, a, np.array([0.1, 0.2, -0.3]), 2.0, np.ascontiguousarray(q.T))
    assert np.allclose(w, w2, rtol=1e-13) and np.allclose(y, y2, rtol=1e-13, atol=1e-15)


def test_relu_hessian_against_finite_differences():
    gen = np.random.default_rng(1)
    h, d, m = 3, 2, 12
    x, y = gen.standard_normal((m, d)), gen.standard_normal(m)
    theta = gen.standard_normal(h * d + h)
    loss, grad, hess = kernels.relu_net_loss_grad_hessian(theta, x, y, h)
    assert loss == pytest.approx(kernels.relu_net_loss(theta, x, y, h), rel=1e-14)
    step = 1e-6
    for i in range(len(theta)):
        e = np.zeros_like(theta)
        e[i] = step
        fd_grad = (kernels.relu_net_loss(theta + e, x, y, h) - kernels.relu_net_loss(theta - e, x, y, h)) / (2 * step)
        fd_col = (kernels.relu_net_loss_grad_hessian(theta + e, x, y, h)[1]
                  - kernels.relu_net_loss_grad_hessian(theta - e, x, y, h)[1]) / (2 * step)
        assert grad[i] == pytest.approx(fd_grad, abs=1e-8)
        assert np.allclose(hess[:, i], fd_col, atol=1e-7)
    assert np.allclose(hess, hess.T)


def test_alpha_scale_on_a_real_network():
    """T_alpha leaves the loss unchanged and maps the exact Hessian to D^-1 H D^-1."""
    gen = np.random.default_rng(2)
    h, d, m = 4, 3, 20
    x, y = gen.standard_normal((m, d)), gen.standard_normal(m)
    theta = gen.standard_normal(h * d + h)
    loss, grad, hess = kernels.relu_net_loss_grad_hessian(theta, x, y, h)
    for alpha in (0.05, 0.7, 3.0, 40.0):
        t = kernels.alpha_scale(theta, h, d, alpha)
        loss_a, grad_a, hess_a = kernels.relu_net_loss_grad_hessian(t, x, y, h)
        dd = np.concatenate([np.full(h * d, alpha), np.full(h, 1 / alpha)])
        assert loss_a == pytest.approx(loss, rel=1e-13)
        assert np.allclose(grad_a, grad / dd, rtol=1e-10, atol=1e-13)
        assert np.allclose(hess_a, hess / dd[:, None] / dd[None, :], rtol=1e-10, atol=1e-12)
        t1, t2 = np.diag(hess)[: h * d].sum(), np.diag(hess)[h * d:].sum()
        assert np.trace(hess_a) == pytest.approx(ev("dinh-transformed-trace", trace_first=t1, trace_second=t2,
                                                     alpha=alpha), rel=1e-12)
        assert np.trace(hess_a) >= ev("dinh-invariant-trace", trace_first=t1, trace_second=t2) * (1 - 1e-12)
        top = ev("dinh-transformed-top-eigenvalue", hessian=hess.ravel(), first=h * d, alpha=alpha)
        assert top == pytest.approx(np.linalg.eigvalsh(hess_a)[-1], rel=1e-10)
        blocks = max(np.linalg.eigvalsh(hess[: h * d, : h * d])[-1] / alpha**2,
                     alpha**2 * np.linalg.eigvalsh(hess[h * d:, h * d:])[-1])
        assert top >= blocks * (1 - 1e-12)


def test_dinh_sharpness_grows_like_alpha_squared():
    hess, point = (2.0, 0.3, 0.3, 0.5), (1.0, -0.5)
    values = [ev("dinh-transformed-sharpness", hessian=hess, point=point, first=1, alpha=a, epsilon=0.01)
              for a in (1e2, 1e3, 1e-2, 1e-3)]
    assert values[1] / values[0] == pytest.approx(100, rel=0.05)
    assert values[3] / values[2] == pytest.approx(100, rel=0.05)
    assert ev("dinh-transformed-sharpness", hessian=hess, point=point, first=1, alpha=1.0, epsilon=0.01) == \
        pytest.approx(ev("keskar-sharpness-quadratic", hessian=hess, point=point, epsilon=0.01), rel=1e-14)


def test_relative_box_is_alpha_invariant():
    """Without Keskar's + 1 the box eps |x_i| is mapped onto itself by T_alpha: the sharpness would not move."""
    h = np.array([[2.0, 0.3, -0.1], [0.3, 0.5, 0.2], [-0.1, 0.2, 1.0]])
    theta, g = np.array([1.0, -0.5, 0.8]), np.array([0.1, -0.2, 0.05])
    base = vertex_maximum(h, g, 0.01 * np.abs(theta))
    for alpha in (0.01, 0.3, 7.0):
        d = np.array([alpha, alpha, 1 / alpha])  # two first-layer parameters, one second-layer
        moved = vertex_maximum(h / d[:, None] / d[None, :], g / d, 0.01 * np.abs(d * theta))
        assert moved == pytest.approx(base, rel=1e-12)


def test_keskar_quadratic_closed_forms_and_brute_force():
    # diagonal: 100 sum (h w^2/2 + |g| w)/(1 + f), w = eps(|x| + 1)
    got = ev("keskar-sharpness-quadratic", hessian=(2.0, 0.0, 0.0, 0.5), point=(1.0, -0.5), epsilon=0.1, loss=0.2,
             gradient=(0.1, -0.3))
    w1, w2 = 0.2, 0.15
    assert got == pytest.approx(100 * (w1**2 + 0.1 * w1 + 0.25 * w2**2 + 0.3 * w2) / 1.2, rel=1e-14)
    # identity projection = no projection
    h = (3.0, 1.0, 0.0, 1.0, 2.0, -0.5, 0.0, -0.5, 1.0)
    base = ev("keskar-sharpness-quadratic", hessian=h, point=(0.5, 2.0, -1.0), epsilon=0.05)
    assert ev("keskar-sharpness-quadratic", hessian=h, point=(0.5, 2.0, -1.0), epsilon=0.05,
              projection=tuple(np.eye(3).ravel())) == pytest.approx(base, rel=1e-14)
    # an indefinite H with a non-negative diagonal: vertex maximum = dense grid maximum
    m = np.array([[1.0, -2.0], [-2.0, 0.5]])
    g, widths = np.array([0.3, -0.1]), np.array([1.0, 0.7])
    grid = np.linspace(-1, 1, 801)
    zz = np.stack(np.meshgrid(grid * widths[0], grid * widths[1], indexing="ij"), axis=-1)
    dense = np.max(zz @ g + 0.5 * np.einsum("...i,ij,...j->...", zz, m, zz))
    assert vertex_maximum(m, g, widths) == pytest.approx(dense, abs=1e-12)


def test_box_optimiser_against_vertex_enumeration():
    gen = np.random.default_rng(3)
    for p in (1, 3, 7):
        for _ in range(3):
            b = gen.standard_normal((p, p))
            h = b @ b.T / p
            x, g = gen.standard_normal(p), 0.2 * gen.standard_normal(p)
            exact = keskar_quadratic(h, x, 0.1, 0.4, g)
            est = kernels.box_sharpness(kernels.quadratic_fun_grad(h, g, 0.4, x), x, 0.1, restarts=6, gen=gen)
            assert est == pytest.approx(exact, rel=1e-9)


def test_sgd_kernel_against_numpy_and_gradient():
    gen = np.random.default_rng(4)
    m, d, h = 40, 3, 5
    x = gen.standard_normal((m, d))
    y = (gen.random(m) < 0.5).astype(np.float64)
    init = (gen.standard_normal((h, d)), gen.standard_normal(h) * 0.1, gen.standard_normal(h))
    order = np.stack([gen.permutation(m) for _ in range(6)])
    a, b = [v.copy() for v in init], [v.copy() for v in init]
    b2a = kernels.train_sgd(x, y, *a, 0.1, 0.2, 7, order)
    b2b = kernels.train_sgd_numpy(x, y, *b, 0.1, 0.2, 7, order)
    assert b2a == pytest.approx(b2b, rel=1e-12)
    assert all(np.allclose(u, v, rtol=1e-12, atol=1e-14) for u, v in zip(a, b))
    theta = np.concatenate([a[0].ravel(), a[1], a[2], [b2a]])
    loss, grad = kernels.mlp_loss_grad(theta, x, y, h)
    step = 1e-6
    fd = [(kernels.mlp_loss_grad(theta + e, x, y, h)[0] - kernels.mlp_loss_grad(theta - e, x, y, h)[0]) / (2 * step)
          for e in np.eye(len(theta)) * step]
    assert np.allclose(grad, fd, atol=1e-8)


@pytest.mark.parametrize("name, params", [
    ("local-entropy-quadratic", {"eigenvalues": (1.0, -1.0), "gamma": 1.0}),
    ("local-entropy-quadratic", {"eigenvalues": (1.0, 2.0), "gamma": 0.0}),
    ("local-entropy-quadratic", {"eigenvalues": (1.0, 2.0), "gamma": 1.0, "displacement": (1.0,)}),
    ("logdet-flatness", {"eigenvalues": (1.0, float("nan")), "gamma": 1.0}),
    ("entropy-sgd-gradient-quadratic", {"eigenvalues": (1.0,), "gamma": 1.0, "displacement": (1.0,), "component": 2}),
    ("entropy-sgd-gradient-quadratic", {"eigenvalues": (1.0,), "gamma": 1.0, "component": 1}),
    ("keskar-sharpness-quadratic", {"hessian": (1.0, 2.0, 3.0), "point": (1.0,), "epsilon": 0.1}),
    ("keskar-sharpness-quadratic", {"hessian": (1.0, 2.0, 3.0, 1.0), "point": (1.0, 1.0), "epsilon": 0.1}),
    ("keskar-sharpness-quadratic", {"hessian": (-1.0, 0.0, 0.0, 1.0), "point": (1.0, 1.0), "epsilon": 0.1}),
    ("keskar-sharpness-quadratic", {"hessian": (1.0, 0.0, 0.0, 1.0), "point": (1.0,), "epsilon": 0.1}),
    ("keskar-sharpness-quadratic", {"hessian": (1.0, 0.0, 0.0, 1.0), "point": (1.0, 1.0), "epsilon": 0.0}),
    ("keskar-sharpness-quadratic", {"hessian": (1.0, 0.0, 0.0, 1.0), "point": (1.0, 1.0), "epsilon": 0.1,
                                    "projection": (1.0, 2.0, 3.0)}),
    ("keskar-sharpness-quadratic", {"hessian": tuple(np.eye(17).ravel()), "point": (0.0,) * 17, "epsilon": 0.1}),
    ("keskar-sharpness-quadratic", {"hessian": (1.0, 0.0, 0.0, 1.0), "point": (1.0, 1.0), "epsilon": 0.1,
                                    "loss": -1.0}),
    ("dinh-transformed-trace", {"trace_first": 1.0, "trace_second": 1.0, "alpha": 0.0}),
    ("dinh-invariant-trace", {"trace_first": -1.0, "trace_second": 1.0}),
    ("dinh-transformed-top-eigenvalue", {"hessian": (1.0, 0.0, 0.0, 1.0), "first": 2, "alpha": 1.0}),
    ("dinh-transformed-sharpness", {"hessian": (1.0, 0.0, 0.0, 1.0), "point": (1.0, 1.0, 1.0), "first": 1,
                                    "alpha": 2.0, "epsilon": 0.1}),
])
def test_bad_input(name, params):
    with pytest.raises(theory.BadInput):
        ev(name, **params)


def test_cli_bad_input_is_one_line_exit_2():
    proc = subprocess.run([sys.executable, "-m", "dltheory.cli", "eval", "local-entropy-quadratic", "eigenvalues=1,2",
                           "gamma=1", "displacement=1"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2 and proc.stdout == "" and len(proc.stderr.strip().splitlines()) == 1


def test_experiments_script_tiny(tmp_path):
    """The experiments script at a tiny size: it runs, writes its JSON and figures, and its fits are finite."""
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "sharpness_experiments.py"), "--tiny",
                           "--out", str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads((tmp_path / "sharpness_experiments.json").read_text())
    for key in ("batch", "batch_epochs", "noise"):
        fit = data[key]["fit"]
        assert math.isfinite(fit["slope"]) and fit["slope_stderr"] > 0
        assert len(data[key]["runs"]) == data[key]["seeds"] * len(data[key]["levels"])
    assert data["alpha"]["max_loss_change"] < 1e-12  # T_alpha leaves the loss unchanged
    assert math.isfinite(data["alpha"]["log_slopes"]["alpha>1"]["slope"])
    for name in ("batch_size", "batch_size_epochs", "label_noise", "alpha_scale"):
        assert (tmp_path / f"{name}.png").exists()
