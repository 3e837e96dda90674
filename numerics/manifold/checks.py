"""Checks of the anchor-point capacity: (1) the point-cloud solver on manifolds of known capacity
(points: Gardner; segments, polygons and sphere point clouds: the L2-ball capacity), (2) the L1-ball
capacity against a direct simulation (exact LP separability of random labelled cross-polytopes,
critical P/N extrapolated in 1/N), with the L2-ball capacity at the same anchor radius and
dimension as the power test; (3) margins kappa > 0 by the exact maximal margin: the convention on
points (Gardner's critical margin), then L1 balls at kappa > 0 as in (2)."""
from __future__ import annotations

import math

import numpy as np

from ...theory.manifold import ball_capacity_real_dim, l1_ball_anchor_theory
from .._check import check
from .._size import scale, sized
from .._stats import Estimate, extrapolate, mean
from .analysis import frame_samples
from .simulation import cloud_storable, l1_ball_storable, point_margins


def sphere_frame(radius: float, dim: int) -> np.ndarray:
    """A point cloud of the D-sphere of radius R in the theory's frame (shape (D+1, M)):
    D = 0 the centre alone, D = 1 the two ends of a segment, D = 2 a regular 360-gon,
    D = 3 a Fibonacci lattice of 2000 points (its hull is within 1e-3 of the ball in radius)."""
    if dim == 0:
        pts = np.zeros((0, 1))
    elif dim == 1:
        pts = np.array([[-1.0, 1.0]])
    elif dim == 2:
        th = 2 * np.pi * np.arange(360) / 360
        pts = np.vstack([np.cos(th), np.sin(th)])
    elif dim == 3:
        M = 2000
        i = np.arange(M) + 0.5
        z = 1 - 2 * i / M
        phi = np.pi * (1 + 5 ** 0.5) * i
        r = np.sqrt(1 - z * z)
        pts = np.vstack([r * np.cos(phi), r * np.sin(phi), z])
    else:
        raise ValueError("dim must be 0..3")
    M = max(pts.shape[1], 1)
    return np.ascontiguousarray(np.vstack([radius * pts, np.ones((1, M))]) if dim else np.ones((1, 1)))


def l1_frame(radius: float, dim: int) -> np.ndarray:
    """The 2D vertices +-R e_i of the L1 ball in the theory's frame (shape (D+1, 2D))."""
    return np.ascontiguousarray(np.vstack([np.hstack([radius * np.eye(dim), -radius * np.eye(dim)]),
                                           np.ones((1, 2 * dim))]))


def _synthetic_grid(quick):
    pts = [{"quantity": "gardner-capacity", "kappa": 0.5},
           {"quantity": "manifold-capacity-l1-ball", "radius": 2.0, "dim": 1, "kappa": 0.0},
           {"quantity": "manifold-capacity-l1-ball", "radius": 1.0, "dim": 3, "kappa": 0.5}]
    if quick:
        return pts
    return pts + [{"quantity": "gardner-capacity", "kappa": 0.0},
                  {"quantity": "manifold-capacity-l1-ball", "radius": 0.5, "dim": 1, "kappa": 1.0},
                  {"quantity": "manifold-capacity-l1-ball", "radius": 3.0, "dim": 2, "kappa": 0.0},
                  {"quantity": "manifold-capacity-l1-ball", "radius": 1.0, "dim": 6, "kappa": 0.2}]


@check("manifold-anchor-synthetic", quantity=("gardner-capacity", "manifold-capacity-l1-ball"),
       title="Anchor-point capacity of point clouds (general NNLS inner problem) on a point (Gardner) and on "
             "the vertices of segments and L1 balls (closed-form inner problem)",
       grid=_synthetic_grid, ylabel="capacity alpha")
def measure_synthetic(point, seed, quick):
    """1 / <F(T)> over Gaussian T for the point cloud of a point or of an L1 ball's 2D vertices, each
    inner problem solved by the general point-cloud solver (delta-method s.e.). (The L2-ball point
    clouds, 360-gons and sphere lattices, are tested against manifold-capacity-ball in
    tests/test_manifold.py: that quantity is checked through its inverse elsewhere.)"""
    frame = sphere_frame(0.0, 0) if point["quantity"] == "gardner-capacity" else l1_frame(point["radius"], point["dim"])
    n = sized(200_000, 20_000, quick, minimum=20_000)
    F, _, _ = frame_samples(frame, point["kappa"], n, seed)
    inv = mean(F)
    return Estimate(1.0 / inv.value, inv.stderr / inv.value ** 2, n)


L1_SIZES = ((16, 3000), (32, 1500), (64, 600))
L1_QUICK = ((16, 500), (32, 250), (64, 100))


def _l1_grid(quick):
    if quick:
        return [{"radius": 2.0, "dim": 1, "kappa": 0.0}]
    return [{"radius": 2.0, "dim": 1, "kappa": 0.0}, {"radius": 1.0, "dim": 2, "kappa": 0.0}]


def anchor_ball_capacity(point) -> float:
    """The L2-ball capacity at the L1 ball's anchor radius R_M and dimension D_M (the power test)."""
    _, _, RM, DM = l1_ball_anchor_theory(point["radius"], point["dim"], point["kappa"])
    return ball_capacity_real_dim(RM, DM, point["kappa"])


@check("manifold-l1-ball-separability", quantity="manifold-capacity-l1-ball",
       title="L1 balls: mean largest separable number of random labelled cross-polytopes per dimension "
             "(exact LP; N -> inf)",
       grid=_l1_grid, x="radius", ylabel="P_max / N (N -> inf)", wrong=anchor_ball_capacity,
       wrong_label="L2-ball capacity at the same anchor radius R_M and dimension D_M")
def measure_l1(point, seed, quick):
    """Mean P_max/N at each N (bisection over prefixes of 2N random L1 balls, each prefix an exact LP),
    extrapolated linearly in 1/N. kappa = 0 (the LP decides separability); kappa > 0 is checked by
    manifold-margin-separability."""
    if point["kappa"] != 0.0:
        raise ValueError("this check runs at kappa = 0; kappa > 0: manifold-margin-separability")
    sizes = L1_QUICK if quick else tuple((n, sized(m, minimum=max(100, m // 2))) for n, m in L1_SIZES)
    ests = [mean(l1_ball_storable(n, point["dim"], point["radius"], m, s))
            for (n, m), s in zip(sizes, seed.spawn(len(sizes)))]
    return extrapolate([n for n, _ in sizes], ests)


# ----------------------------------------------------------------------------- margins kappa > 0
MARGIN_SIZES = ((32, 3200), (64, 1600), (128, 800))  # points: (N, instances) of P = alpha N points
MARGIN_QUICK = ((32, 800), (64, 400), (128, 150))
L1_MARGIN_SIZES = ((16, 4000), (32, 1600), (64, 720))  # L1 balls: (N, sequences of 2N balls)


def _margin_grid(quick):
    pts = [{"quantity": "gardner-critical-margin", "alpha": 0.5}]
    if quick:
        return pts
    pts.append({"quantity": "manifold-capacity-l1-ball", "radius": 2.0, "dim": 1, "kappa": 0.5})
    if scale() == 1:  # a second L1 point costs as much again: full-size runs only
        pts.append({"quantity": "manifold-capacity-l1-ball", "radius": 1.0, "dim": 2, "kappa": 0.25})
    return pts


def _margin_wrong(point):
    if point["quantity"] == "gardner-critical-margin":
        from ...theory import evaluate

        return float(evaluate("gardner-critical-margin", alpha=1.05 * point["alpha"]))
    return anchor_ball_capacity(point)


@check("manifold-margin-separability", quantity=("gardner-critical-margin", "manifold-capacity-l1-ball"),
       title="Margins kappa > 0 by the exact max-margin solver: points (mean max margin at load alpha, "
             "Gardner) and L1 balls (mean largest number of random labelled cross-polytopes separable with "
             "margin kappa, per dimension); N -> inf",
       grid=_margin_grid, ylabel="max margin (points) or P_max / N (L1 balls), N -> inf", wrong=_margin_wrong,
       wrong_label="Gardner's margin at 1.05 alpha (points); the L2-ball capacity at the same anchor radius "
                   "R_M and dimension D_M (L1 balls)")
def measure_margin(point, seed, quick):
    """The field convention h = y w.x/|w|, centres and axes N(0, I_N), checked first on points: the mean
    maximal margin of P = alpha N labelled Gaussian points (``kernels.max_margin``, exact) against
    Gardner's critical margin; then, for L1 balls, the mean largest prefix of 2N random labelled balls
    separable with margin kappa (bisection, each prefix's maximal margin bracketed exactly); both at
    three N, extrapolated linearly in 1/N."""
    if point["quantity"] == "gardner-critical-margin":
        sizes = MARGIN_QUICK if quick else tuple((n, sized(m, minimum=m // 4)) for n, m in MARGIN_SIZES)
        ests = [mean(point_margins(int(round(point["alpha"] * n)), n, m, s))
                for (n, m), s in zip(sizes, seed.spawn(len(sizes)))]
    else:
        sizes = tuple((n, sized(m, minimum=m // 4)) for n, m in L1_MARGIN_SIZES)
        ests = [mean(l1_ball_storable(n, point["dim"], point["radius"], m, s, kappa=point["kappa"]))
                for (n, m), s in zip(sizes, seed.spawn(len(sizes)))]
    return extrapolate([n for n, _ in sizes], ests)


# ----------------------------------------------------------------------------- L2 balls (discs) by direct simulation
DISC_VERTICES = 64  # the regular 64-gon: inside the disc of radius R, containing the one of radius R cos(pi/64)
DISC_SIZES = ((8, 3200), (16, 1600), (32, 800))  # (N, sequences of 2N discs), times $DLTHEORY_SCALE
DISC_QUICK = ((8, 600), (16, 300))


def disc_cloud(radius: float, vertices: int = DISC_VERTICES) -> np.ndarray:
    """The vertices of a regular polygon inscribed in the circle of radius R, shape (2, vertices)."""
    th = 2 * np.pi * np.arange(vertices) / vertices
    return radius * np.vstack([np.cos(th), np.sin(th)])


def _disc_l1(point) -> float:
    from ...theory import evaluate

    return float(evaluate("manifold-capacity-l1-ball", **point))


@check("manifold-ball-separability", quantity="manifold-capacity-ball",
       title="L2 balls (discs, D = 2): mean largest separable number of random labelled discs per dimension "
             "(exact LP on the inscribed 64-gon; N -> inf)",
       grid=lambda quick: [{"radius": 1.0, "dim": 2, "kappa": 0.0}], x="radius", ylabel="P_max / N (N -> inf)",
       wrong=_disc_l1, wrong_label="the L1-ball capacity at the same R and D (the ball's 2D axis endpoints only)")
def measure_disc(point, seed, quick):
    """Mean P_max/N of sequences of 2N random labelled discs (centre and two axes i.i.d. N(0, I_N), each
    disc its inscribed regular 64-gon, all vertices sharing the disc's label; bisection over prefixes, each
    an exact certified LP) at N = 8, 16, 32 (8, 16 quick), extrapolated linearly in 1/N. The 64-gon lies
    between the discs of radius R cos(pi/64) and R, so its capacity between alpha_B there: 0.06 % apart
    at R = 1, far below the resolution. kappa = 0 and D = 2 only."""
    if point["kappa"] != 0.0 or point["dim"] != 2:
        raise ValueError("this check simulates discs (dim = 2) at kappa = 0")
    sizes = DISC_QUICK if quick else tuple((n, sized(m, minimum=m // 4)) for n, m in DISC_SIZES)
    cloud = disc_cloud(point["radius"])
    ests = [mean(cloud_storable(n, cloud, m, s)) for (n, m), s in zip(sizes, seed.spawn(len(sizes)))]
    return extrapolate([n for n, _ in sizes], ests)
