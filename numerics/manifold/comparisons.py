"""Mean-field capacity of general point clouds against the direct LP simulation (no closed-form quantity:
the theory of a point cloud is the anchor-point value computed by ``analysis`` on the cloud itself), and the
centre-correlation correction (Cohen et al. 2020) against the LP simulation of a planted construction.
Each function returns a ``Comparison``: the simulation's N -> inf estimate, the theory with its s.e., and
the alternative the simulation must reject (the L2 ball at the same R_M, D_M; the uncorrected capacity).
Sizes: full sizes times $DLTHEORY_SCALE (``sized``). Used by tests/test_manifold.py (slow) and docs."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...theory.manifold import ball_capacity_real_dim
from .._size import sized
from .._stats import Estimate, extrapolate, mean
from .analysis import analyse, analyse_frames
from .simulation import cloud_rows, cloud_storable, ellipsoid_clouds

SIZES = ((16, 1600), (32, 800), (64, 320))  # (N, sequences of 2N manifolds), times $DLTHEORY_SCALE


@dataclass(frozen=True)
class Comparison:
    simulation: Estimate  # LP-simulated P_max/N, extrapolated in 1/N
    theory: float
    theory_stderr: float
    alternative: float  # what the simulation must reject
    alternative_stderr: float = 0.0

    def z(self) -> float:
        return self.simulation.z(self.theory, self.theory_stderr)

    def z_alternative(self) -> float:
        return self.simulation.z(self.alternative, self.alternative_stderr)


def lp_capacity(cloud, seed, shared: float = 0.0, sizes=SIZES, kappa: float = 0.0) -> Estimate:
    """P_max/N at margin kappa (LP at kappa = 0, the exact max margin above), extrapolated in 1/N."""
    sizes = tuple((n, sized(m, minimum=m // 4)) for n, m in sizes)
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    return extrapolate([n for n, _ in sizes], [mean(cloud_storable(n, cloud, m, s, shared=shared, kappa=kappa))
                                               for (n, m), s in zip(sizes, seeds)])


def frame_of(cloud: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.vstack([cloud, np.ones(cloud.shape[-1])]))


def ellipsoid_axes(radii) -> np.ndarray:
    """The 2D vertices +-R_i e_i of an ellipsoid along its axes (a cross-polytope with unequal semi-axes)."""
    return np.hstack([np.diag(radii), -np.diag(radii)])


def fixed_cloud(cloud: np.ndarray, seed: int = 0, samples: int = 200_000, kappa: float = 0.0) -> Comparison:
    """One cloud (D, M), the same for every manifold: its anchor capacity against the simulation at margin
    kappa; alternative: the L2 ball at its R_M, D_M."""
    a = analyse_frames([frame_of(cloud)], kappa, samples, seed)
    return Comparison(lp_capacity(cloud, seed + 1, kappa=kappa), a.alpha, a.stderr,
                      ball_capacity_real_dim(a.radius, a.dimension, kappa))


def random_ellipse_clouds(radii=(2.0, 0.5), M: int = 3, seed: int = 0, clouds: int = 2000, samples: int = 200,
                          kappa: float = 0.0) -> Comparison:
    """A fresh cloud of M points on the ellipsoid per manifold: alpha^{-1} = mean over clouds of <F(T)>
    (s.e. from the spread over clouds); alternative: the L2 ball at the clouds' mean R_M and D_M."""
    cl = ellipsoid_clouds(np.random.default_rng(seed), clouds, radii, M)
    a = analyse_frames([frame_of(c) for c in cl], kappa, samples, seed + 1)
    inv = mean(1.0 / a.alphas)
    return Comparison(lp_capacity(lambda g, P: ellipsoid_clouds(g, P, radii, M), seed + 2, kappa=kappa),
                      1.0 / inv.value, inv.stderr / inv.value ** 2,
                      ball_capacity_real_dim(a.radius, a.dimension, kappa))


def planted_centres(shared: float = 2.0, half_length: float = 2.0, seed: int = 0, instances: int = 3,
                    P: int = 40, N: int = 2000) -> tuple[Comparison, list[int]]:
    """Segments whose centres share one planted direction (x0_mu = g_mu + a_mu c, a_mu ~ N(0, shared^2)): the
    LP-simulated capacity against the corrected anchor capacity of ``instances`` instances (P manifolds in
    R^N; mean, with the instances' embedding error, 0.5 % (O(1/sqrt N) per manifold averaged over P),
    added to the s.e.); alternative: the uncorrected capacity of the same instances. Also the ranks K found."""
    cloud = np.array([[half_length, -half_length]])
    g = np.random.default_rng(seed)
    plain, fixed = [], []
    for i in range(instances):
        X = cloud_rows(g, P, N, cloud, shared=shared)
        plain.append(analyse(X, 0.0, 2000, seed + i))
        fixed.append(analyse(X, 0.0, 2000, seed + i, center_correction=True))

    def pooled(rs):
        v = float(np.mean([r.alpha for r in rs]))
        return v, math.hypot(math.sqrt(sum(r.stderr ** 2 for r in rs)) / len(rs), 0.005 * v)

    (vf, sf), (vp, sp) = pooled(fixed), pooled(plain)
    sim = lp_capacity(cloud, seed + 1, shared=shared, sizes=((16, 2400), (32, 1200), (64, 480)))
    return Comparison(sim, vf, sf, vp, sp), [r.center_rank for r in fixed]
