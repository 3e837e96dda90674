"""Manifold capacity by the anchor-point method: the Numba NNLS against scipy, the L1-ball closed form
against the general solver, the point-cloud pipeline against the theory, bad input, the CLI."""
import json
import math
import subprocess
import sys

import numpy as np
import pytest
from scipy.optimize import minimize, nnls as scipy_nnls

from dltheory import theory
from dltheory.numerics.manifold import analyse, analyse_frames, anchor_one, frames, nnls
from dltheory.numerics.manifold.checks import sphere_frame
from dltheory.numerics.manifold.simulation import max_separable, separable_prefix
from dltheory.theory.manifold import l1_ball_inner


def test_nnls_matches_scipy():
    g = np.random.default_rng(1)
    for _ in range(300):
        n, m = g.integers(1, 8), g.integers(1, 50)
        A = g.standard_normal((n, m))
        b = g.standard_normal(n)
        x, _, ok = nnls(A, b)
        y, _ = scipy_nnls(A, b)
        assert ok and (x >= 0).all()
        assert abs(np.linalg.norm(A @ x - b) - np.linalg.norm(A @ y - b)) < 1e-9


def test_inner_problem_is_the_projection():
    """F(T) and V from the NNLS dual against SLSQP on the primal min |V-T|^2 s.t. V.s_i >= kappa."""
    g = np.random.default_rng(2)
    for _ in range(40):
        D, M, kappa = g.integers(1, 5), g.integers(2, 12), float(g.uniform(0, 1))
        ST = np.vstack([g.standard_normal((D, M)), np.ones(M)])
        t = g.standard_normal(D + 1)
        F, anchor, ok = anchor_one(ST, t, kappa)
        res = minimize(lambda v: ((v - t) ** 2).sum(), t, jac=lambda v: 2 * (v - t), method="SLSQP",
                       constraints=[{"type": "ineq", "fun": lambda v: ST.T @ v - kappa, "jac": lambda v: ST.T}],
                       options={"ftol": 1e-14, "maxiter": 500})
        assert ok and abs(F - res.fun) < 1e-6 * (1 + res.fun)
        assert abs(anchor[-1] - 1.0) < 1e-9  # a convex combination of the points
        if F > 1e-9:  # the anchor's constraint binds: V.s~ = kappa
            assert abs(res.x @ anchor - kappa) < 1e-5


def test_l1_closed_form_against_nnls():
    g = np.random.default_rng(3)
    for D, R, kappa in ((1, 2.0, 0.2), (2, 1.0, 0.0), (4, 0.7, 0.5)):
        T = g.standard_normal((500, D + 1))
        F, s2, p2 = l1_ball_inner(T[:, D], T[:, :D], R, kappa)
        ST = np.vstack([np.hstack([R * np.eye(D), -R * np.eye(D)]), np.ones(2 * D)])
        for i in range(500):
            f, a, _ = anchor_one(ST, T[i], kappa)
            assert abs(f - F[i]) < 1e-9 * (1 + f)
            if f > 1e-9:
                assert abs((a[:D] ** 2).sum() - s2[i]) < 1e-7 * (1 + s2[i])


def test_segment_l1_ball_is_the_l2_ball():
    """A 1-d L1 ball is a segment: the L1 quantity (Monte Carlo, s.e. ~0.2 %) equals the exact ball value."""
    a = float(theory.evaluate("manifold-capacity-l1-ball", radius=2.0, dim=1, kappa=0.2))
    b = float(theory.evaluate("manifold-capacity-ball", radius=2.0, dim=1, kappa=0.2))
    assert abs(a - b) < 4 * 0.002 * b


def test_point_cloud_pipeline_recovers_the_frame():
    """Random L1 balls embedded in N = 3000: the pipeline (global mean, centre normalisation, SVD frame)
    gives the theory's capacity within 4 s.e. plus the O(1/sqrt N) embedding error."""
    g = np.random.default_rng(4)
    P, D, N, R = 4, 2, 3000, 1.0
    x0 = g.standard_normal((P, 1, N))
    u = g.standard_normal((P, D, N))
    X = np.concatenate([x0 + R * u, x0 - R * u], axis=1)
    a = analyse(X, 0.0, 20000, seed=5)
    want = float(theory.evaluate("manifold-capacity-l1-ball", radius=R, dim=D))
    assert abs(a.alpha - want) < 4 * a.stderr + 3 * want / math.sqrt(N)
    assert all(f.shape == (D + 1, 2 * D) for f in frames(X))


def test_thread_count_does_not_change_the_result(monkeypatch):
    st = sphere_frame(1.0, 2)
    monkeypatch.setenv("DLTHEORY_THREADS", "1")
    a = analyse_frames([st, st], 0.3, 5000, 7)
    monkeypatch.setenv("DLTHEORY_THREADS", "2")
    b = analyse_frames([st, st], 0.3, 5000, 7)
    assert a.alpha == b.alpha and a.radius == b.radius and a.dimension == b.dimension


def test_ball_radius_and_dimension():
    """A sphere point cloud in D = 2: the anchor dimension is D_M ~ D (the anchor anti-aligned with t)."""
    st = sphere_frame(1.0, 2)
    a = analyse_frames([st, st], 0.0, 20000, 1)
    assert abs(a.dimension - 2.0) < 0.02
    assert 0.9 < a.radius <= 1.0


def test_lp_prefix_brute_force():
    """Bisection finds the largest separable prefix: the same as testing every prefix."""
    from dltheory.numerics.manifold.simulation import l1_ball_rows
    g = np.random.default_rng(6)
    for _ in range(10):
        rows = l1_ball_rows(g, 16, 8, 2, 1.0)
        best = max([p for p in range(0, 17) if p == 0 or separable_prefix(rows, p)[0]])
        assert max_separable(rows)[0] == best


@pytest.mark.parametrize("data", [np.zeros((1, 3, 4)), np.zeros((2, 0, 4)), np.full((2, 3, 4), np.nan),
                                  [np.ones((3, 4)), np.ones((3, 5))], np.zeros((3, 4))])
def test_bad_input(data):
    with pytest.raises(theory.BadInput):
        analyse(data, 0.0, 100, 0)


def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "dltheory", "capacity", *args], capture_output=True, text=True,
                          cwd=cwd)


def test_cli(tmp_path):
    g = np.random.default_rng(0)
    X = g.standard_normal((3, 5, 50)) + 3 * g.standard_normal((3, 1, 50))
    np.save(tmp_path / "m.npy", X)
    r = _cli("--manifolds", "m.npy", "--samples", "500", "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["manifolds"] == 3 and out["capacity"] > 0
    np.savez(tmp_path / "r.npz", a=X[0], b=X[1, :3], c=X[2, :4])
    assert _cli("--manifolds", "r.npz", "--samples", "500", cwd=tmp_path).returncode == 0
    for bad in (np.full((3, 5, 50), np.inf), X[:1]):
        np.save(tmp_path / "bad.npy", bad)
        r = _cli("--manifolds", "bad.npy", cwd=tmp_path)
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and r.stdout == ""
    (tmp_path / "junk.npy").write_text("not numpy")
    r = _cli("--manifolds", "junk.npy", cwd=tmp_path)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "not a NumPy .npy or .npz file" in r.stderr and "pickle" not in r.stderr
    r = _cli("--manifolds", "m.npy", "--kappa", "-1", cwd=tmp_path)
    assert r.returncode == 2


@pytest.mark.parametrize("radius,dim,kappa", [(2.0, 1, 0.0), (1.0, 2, 0.5), (3.0, 2, 0.0), (1.0, 3, 0.0)])
def test_sphere_point_clouds_have_the_ball_capacity(radius, dim, kappa):
    """Segments, 360-gons and 2000-point sphere lattices: the point-cloud capacity equals the L2-ball
    capacity (manifold-capacity-ball, quadrature) within 3.5 s.e. (two-sided, false-alarm rate 5e-4
    per case) plus the hull's known inscribed-polytope excess (< 0.1 % here)."""
    a = analyse_frames([sphere_frame(radius, dim)] * 2, kappa, 20000, 11)
    want = float(theory.evaluate("manifold-capacity-ball", radius=radius, dim=dim, kappa=kappa))
    assert abs(a.alpha - want) < 3.5 * a.stderr + 1e-3 * want


def test_center_correlation_gradient():
    from dltheory.numerics.manifold.centers import cost_and_gradient
    g = np.random.default_rng(8)
    X = g.standard_normal((8, 7))
    V = np.linalg.qr(g.standard_normal((7, 2)))[0]
    f, G = cost_and_gradient(V, X)
    h, E = 1e-6, np.zeros_like(V)
    for i in range(7):
        for j in range(2):
            W = V.copy()
            W[i, j] += h
            E[i, j] = cost_and_gradient(W, X)[0]
            W[i, j] -= 2 * h
            E[i, j] = (E[i, j] - cost_and_gradient(W, X)[0]) / (2 * h)
    assert np.abs(E - G).max() < 1e-6 * (1 + np.abs(G).max())


def test_center_correction_removes_a_planted_shared_direction():
    """Centres sharing one direction with random weights (not removed by the global mean): the correction
    finds K = 1 and the residual centre correlation falls. The capacity falls: uncorrected, the shared
    component inflates every centre norm (so the manifolds look small), although one direction helps
    separate random labels by one dimension at most; corrected, the radii are measured against the
    centres' independent parts."""
    g = np.random.default_rng(9)
    P, M, N = 12, 20, 200
    common = g.standard_normal(N)
    centres = g.standard_normal((P, 1, N)) + 4 * g.standard_normal((P, 1, 1)) * common
    X = centres + 0.5 * g.standard_normal((P, M, 5)) @ g.standard_normal((5, N))
    plain = analyse(X, 0.0, 2000, 1)
    fixed = analyse(X, 0.0, 2000, 1, center_correction=True)
    assert fixed.center_rank == 1
    assert fixed.center_correlation[1] < 0.5 * fixed.center_correlation[0]
    assert fixed.radius > plain.radius
    assert fixed.alpha < plain.alpha - 4 * math.hypot(fixed.stderr, plain.stderr)


# ----------------------------------------------------------------------------- margins kappa > 0
def test_max_margin_against_scipy():
    """The exact max margin (least-distance program by NNLS) against scipy: the same LDP solved by
    scipy.optimize.nnls, and the primal min |w|^2 s.t. Z w >= 1 by SLSQP where SLSQP converges; the
    bracket closes (lower = upper) and is negative-or-zero exactly when 0 is in the hull (not separable)."""
    from dltheory.numerics.manifold.kernels import max_margin
    g = np.random.default_rng(12)
    solved = 0
    for _ in range(60):
        n, N = int(g.integers(2, 16)), int(g.integers(2, 8))
        Z = g.standard_normal((n, N)) + 0.7 * g.standard_normal(N)
        lower, upper, ok = max_margin(Z)
        E = np.vstack([Z.T, np.ones(n)])
        u, res = scipy_nnls(E, np.eye(N + 1)[N])
        assert ok
        if res < 1e-9:  # scipy: infeasible, 0 in the hull
            assert upper < 1e-9 and lower <= 1e-9
            continue
        r = E @ u - np.eye(N + 1)[N]
        assert abs(upper - 1 / np.linalg.norm(r[:N] / r[N])) < 1e-8 * (1 + upper)
        assert abs(upper - lower) < 1e-9 * (1 + upper)
        p = minimize(lambda w: w @ w, np.ones(N), jac=lambda w: 2 * w, method="SLSQP",
                     constraints=[{"type": "ineq", "fun": lambda w: Z @ w - 1, "jac": lambda w: Z}],
                     options={"ftol": 1e-15, "maxiter": 1000})
        if p.success and (Z @ p.x >= 1 - 1e-7).all():
            solved += 1
            assert abs(lower - 1 / np.sqrt(p.fun)) < 1e-6 * (1 + lower)
    assert solved >= 20


def test_margin_prefix_brute_force():
    """At kappa > 0, bisection finds the largest prefix separable with margin kappa: the same as testing
    every prefix; and the decision agrees with the max margin computed on each prefix."""
    from dltheory.numerics.manifold.kernels import max_margin
    from dltheory.numerics.manifold.simulation import l1_ball_rows
    g = np.random.default_rng(13)
    for _ in range(8):
        rows = l1_ball_rows(g, 16, 10, 2, 0.5)
        ok = [True] + [max_margin(np.ascontiguousarray(rows[:p].reshape(-1, 10)))[0] >= 0.3 for p in range(1, 17)]
        best = max(p for p in range(17) if all(ok[:p + 1]))
        assert max_separable(rows, 0.3)[0] == best
        assert all(separable_prefix(rows, p, 0.3)[0] == ok[p] for p in range(1, 17))


# ----------------------------------------------------------------------------- general point clouds
Z_STAR = 2.576  # two-sided, false-alarm rate 1 % per test


@pytest.mark.slow
def test_ellipsoid_vertices_capacity_matches_lp_simulation():
    """A non-ball point cloud: the six axis vertices of an ellipsoid with semi-axes (2, 0.5, 0.5). Its anchor-point
    capacity (the solver on the cloud itself, 200,000 T) against the LP simulation of random embedded copies
    (P_max/N at N = 16, 32, 64, extrapolated in 1/N); two-sided z-test at 1 %. Power test: the L2-ball
    capacity at the same R_M and D_M (10 % lower here) must be rejected at the same z*."""
    from dltheory.numerics.manifold.comparisons import ellipsoid_axes, fixed_cloud
    c = fixed_cloud(ellipsoid_axes([2.0, 0.5, 0.5]), seed=14)
    assert abs(c.z()) < Z_STAR and abs(c.z_alternative()) > Z_STAR


@pytest.mark.slow
def test_random_ellipse_clouds_capacity_matches_lp_simulation():
    """Random point clouds: each manifold 3 points drawn on an ellipse with semi-axes (2, 0.5) (a fresh draw per
    manifold). The theory: the anchor-point capacity, alpha^{-1} = mean over clouds of <F(T)> (2000 clouds,
    200 T each; its s.e. from the spread over clouds), against the LP simulation with fresh clouds; z-test
    at 1 %. Power test: the L2-ball capacity at the clouds' mean R_M and D_M (11 % lower) must be rejected."""
    from dltheory.numerics.manifold.comparisons import random_ellipse_clouds
    c = random_ellipse_clouds((2.0, 0.5), 3, seed=18)
    assert abs(c.z()) < Z_STAR and abs(c.z_alternative()) > Z_STAR


@pytest.mark.slow
def test_center_correction_against_lp_simulation():
    """Centre correlations (Cohen et al. 2020) against a simulation: segments of half-length 2 whose centres
    share one planted direction, x0_mu = g_mu + a_mu c with a_mu ~ N(0, 4). The LP-simulated capacity of this
    construction (N = 16, 32, 64, extrapolated) must agree with the corrected anchor-point capacity of
    instances of it (40 manifolds in N = 2000, three instances, mean) and reject the uncorrected one."""
    from dltheory.numerics.manifold.comparisons import planted_centres
    c, ranks = planted_centres(2.0, 2.0, seed=16)
    assert ranks == [1, 1, 1]
    assert abs(c.z()) < Z_STAR and abs(c.z_alternative()) > Z_STAR


def test_disc_cloud_is_an_inscribed_polygon_whose_capacity_bias_is_negligible():
    from dltheory.numerics.manifold.checks import DISC_VERTICES, disc_cloud

    cloud = disc_cloud(1.0)
    assert cloud.shape == (2, DISC_VERTICES) and np.allclose(np.linalg.norm(cloud, axis=0), 1.0)
    # support function min over directions = R cos(pi/M): the polygon contains the disc of that radius
    def support(th):
        return (np.vstack([np.cos(th), np.sin(th)]).T @ cloud).max(axis=1)

    mid = 2 * np.pi * (np.arange(DISC_VERTICES) + 0.5) / DISC_VERTICES  # normals of the edges
    assert np.allclose(support(mid), np.cos(np.pi / DISC_VERTICES))
    assert support(np.linspace(0, 2 * np.pi, 2001)).min() >= np.cos(np.pi / DISC_VERTICES) - 1e-12
    inner = float(theory.evaluate("manifold-capacity-ball", radius=np.cos(np.pi / DISC_VERTICES), dim=2))
    outer = float(theory.evaluate("manifold-capacity-ball", radius=1.0, dim=2))
    assert 0 < inner / outer - 1 < 1e-3  # the 64-gon's capacity lies in [outer, inner]: 0.06 % wide
