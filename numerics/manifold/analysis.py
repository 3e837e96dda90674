"""Mean-field capacity, anchor radius and anchor dimension of point-cloud manifolds (the API).

``frames(manifolds)`` turns point clouds into the (D+1)-dimensional frames of the theory (the
preprocessing of the reference implementation, schung039/neural_manifolds_replicaMFT, read, not
copied: global mean removed, each manifold centred on its own mean and scaled by its centre norm,
reduced to the span of its points, centre coordinate 1 appended); ``analyse`` samples T per
manifold in seeded chunks on all threads and averages the exact inner solutions of ``kernels``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...theory import BadInput
from .._parallel import as_seed_sequence, map_chunks
from .kernels import anchor_chunk

CHUNK = 2048


@dataclass(frozen=True)
class ManifoldAnalysis:
    """alpha: mean-field capacity (alpha^{-1} = mean over manifolds of <F(T)>), its standard error;
    radius, dimension: means over manifolds of R_M and D_M; per-manifold arrays; samples per manifold."""

    alpha: float
    stderr: float
    radius: float
    dimension: float
    alphas: np.ndarray
    radii: np.ndarray
    dimensions: np.ndarray
    samples: int
    kappa: float
    center_rank: int | None = None  # K of the centre-correlation correction (None: not applied)
    center_correlation: tuple[float, float] | None = None  # mean |residual centre correlation| before, after

    def as_dict(self) -> dict:
        return {"center_correction": None if self.center_rank is None else
                {"rank": self.center_rank, "correlation_before": self.center_correlation[0],
                 "correlation_after": self.center_correlation[1]},"capacity": self.alpha, "capacity_stderr": self.stderr, "radius": self.radius,
                "dimension": self.dimension, "manifolds": int(len(self.alphas)), "samples": self.samples,
                "kappa": self.kappa, "capacities": [float(a) for a in self.alphas],
                "radii": [float(r) for r in self.radii], "dimensions": [float(d) for d in self.dimensions]}


def validate(manifolds) -> list[np.ndarray]:
    """A list of (M_i, N) float arrays: at least two manifolds, no empty one, one N, all finite."""
    if isinstance(manifolds, np.ndarray):
        if manifolds.ndim != 3:
            raise BadInput("manifolds", f"array of shape {manifolds.shape}",
                           "an array of shape (P manifolds, M points, N dimensions) or a list of (M_i, N) arrays")
        manifolds = list(manifolds)
    out = []
    for i, x in enumerate(manifolds):
        try:
            x = np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError):
            raise BadInput(f"manifold {i}", "not numeric", "a real (M, N) array") from None
        if x.ndim != 2:
            raise BadInput(f"manifold {i}", f"shape {x.shape}", "a 2-d (M points, N dimensions) array")
        if x.shape[0] == 0 or x.shape[1] == 0:
            raise BadInput(f"manifold {i}", f"shape {x.shape}", "at least one point in at least one dimension",
                           "empty manifold")
        if not np.isfinite(x).all():
            raise BadInput(f"manifold {i}", "NaN or infinity", "finite numbers")
        out.append(x)
    if len(out) < 2:
        raise BadInput("manifolds", len(out), "at least two manifolds")
    if len({x.shape[1] for x in out}) > 1:
        raise BadInput("manifolds", "dimensions " + ",".join(str(x.shape[1]) for x in out),
                       "the same N for every manifold", "ragged dimension")
    if sum(x.size for x in out) > 50_000_000:
        raise BadInput("manifolds", f"{sum(x.size for x in out)} numbers", "at most 5e7 numbers in all")
    return out


def frames(manifolds, center_correction: bool = False, seed=0, info: dict | None = None) -> list[np.ndarray]:
    """Each manifold as ST (shape (D+1, M)): coordinates (x - centre)/|centre| in an orthonormal basis of the
    span of the centred points (D = its rank), the global mean of all points removed first; last row 1.
    ``center_correction``: first project out the centre-correlation subspace (``centers``; Cohen et al.
    2020), its rank and the residual correlations before/after written into ``info``."""
    xs = validate(manifolds)
    origin = np.concatenate(xs).mean(axis=0)
    xs = [x - origin for x in xs]
    if center_correction:
        if len(xs) < 3:
            raise BadInput("manifolds", len(xs), "at least three manifolds for the centre-correlation correction")
        from .centers import center_subspace

        basis, K, before, after = center_subspace(np.array([x.mean(axis=0) for x in xs]), seed)
        xs = [x - (x @ basis) @ basis.T for x in xs]
        if info is not None:
            info.update(rank=K, before=before, after=after)
    out = []
    for i, x in enumerate(xs):
        c = x.mean(axis=0)
        norm = float(np.linalg.norm(c))
        if not norm > 1e-12 * max(1.0, float(np.abs(x).max())):
            raise BadInput(f"manifold {i}", "centre at the global mean", "manifolds with distinct centres",
                           "centre norm 0: no centre direction")
        s = (x - c) / norm
        if s.shape[0] > 1:
            u, sv, _ = np.linalg.svd(s, full_matrices=False)
            rank = int((sv > 1e-10 * max(sv[0], 1e-300)).sum())
            coords = u[:, :rank] * sv[:rank]
        else:
            coords = np.zeros((1, 0))
        out.append(np.ascontiguousarray(np.vstack([coords.T, np.ones(x.shape[0])])))
    return out


def frame_samples(ST: np.ndarray, kappa: float, samples: int, seed) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(F, |s|^2, (t.s_hat)^2) for ``samples`` Gaussian T in seeded chunks (bit-identical for any thread count)."""
    D1 = ST.shape[0]

    def work(g, k):
        return anchor_chunk(ST, g.standard_normal((k, D1)), float(kappa))

    parts = map_chunks(work, samples, CHUNK, seed)
    fails = sum(p[3] for p in parts)
    if fails:
        raise RuntimeError(f"{fails} inner problems did not converge (Lawson-Hanson iteration limit)")
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))


def analyse_frames(sts: list[np.ndarray], kappa: float = 0.0, samples: int = 2000, seed=0) -> ManifoldAnalysis:
    """The capacity of manifolds given as frames (see ``frames``)."""
    if not (math.isfinite(kappa) and kappa >= 0):
        raise BadInput("kappa", kappa, "a finite margin kappa >= 0")
    if not 10 <= samples <= 10_000_000:
        raise BadInput("samples", samples, "10 <= samples <= 1e7")
    if samples * sum(st.size for st in sts) > 4e9:
        raise BadInput("samples", samples, "samples x data size <= 4e9 (a few minutes at most)")
    inv, var, radii, dims = [], [], [], []
    for st, s in zip(sts, as_seed_sequence(seed).spawn(len(sts))):
        F, R2, TS = frame_samples(st, kappa, samples, s)
        inv.append(F.mean())
        var.append(F.var(ddof=1) / samples)
        radii.append(math.sqrt(R2.mean()))
        dims.append(TS.mean())
    inv = np.array(inv)
    total = float(inv.mean())
    se_inv = math.sqrt(float(np.sum(var))) / len(inv)
    return ManifoldAnalysis(1.0 / total, se_inv / total**2, float(np.mean(radii)), float(np.mean(dims)),
                            1.0 / inv, np.array(radii), np.array(dims), samples, float(kappa))


def analyse(manifolds, kappa: float = 0.0, samples: int = 2000, seed=0,
            center_correction: bool = False) -> ManifoldAnalysis:
    """Mean-field capacity alpha_M (with s.e.), anchor radius R_M and dimension D_M of point-cloud manifolds.

    ``manifolds``: an array (P, M, N) or a list of (M_i, N) arrays (P >= 2). alpha_M^{-1} is the mean over
    manifolds of <F(T)>_T (Chung, Lee & Sompolinsky 2018, PRX 8:031003; heterogeneous manifolds: the
    inverse capacities add, Cohen et al. 2020); R_M and D_M are the means over manifolds of the anchor
    radius and dimension. ``center_correction``: remove the centre-correlation subspace first (Cohen,
    Chung, Lee & Sompolinsky 2020; see ``centers``)."""
    info: dict = {}
    sts = frames(manifolds, center_correction, seed, info)
    result = analyse_frames(sts, kappa, samples, seed)
    if not center_correction:
        return result
    from dataclasses import replace

    return replace(result, center_rank=info["rank"], center_correlation=(info["before"], info["after"]))
