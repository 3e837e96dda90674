"""Checks of the ConvAC min-cut quantities against exact ranks of random networks.

Each point draws ConvACs with independent integer weights (uniform in [-2^20, 2^20], one
stream per draw from the point's SeedSequence), forms the coefficient tensor exactly modulo
p = 2^31 - 1, matricises it by the partition and computes its rank over F_p. Since
rank_p <= rank_Q <= min-cut for every integer draw, a measured rank equal to the min-cut
certifies that the rational rank equals it for that draw. The estimate is the smallest rank
over the draws (a single degenerate draw would fail the point, as it should be reported).
"""
from __future__ import annotations

import math
import random

import numpy as np

from ...theory import tensor_networks as tn
from .._check import check
from .._size import sized
from .._stats import Estimate
from . import kernels

NAMED = tn.NAMED_PARTITIONS


def _random_points(count: int, seed: int) -> list[dict]:
    """Deterministic random architectures and explicit partitions (tensor sizes M^N <= 2^16)."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        n = rng.choice((2, 4, 8, 16))
        m = {2: rng.randint(2, 16), 4: rng.randint(2, 8), 8: rng.randint(2, 4), 16: 2}[n]
        widths = tuple(rng.randint(1, 9) for _ in range(n.bit_length() - 1))
        size = rng.randint(1, n - 1)
        out.append({"inputs": n, "channels": m, "widths": widths,
                    "partition": tuple(sorted(p + 1 for p in rng.sample(range(n), size)))})
    return out


FIXED_POINTS = (
    {"inputs": 2, "channels": 3, "widths": (2,), "partition": "left-right"},
    {"inputs": 2, "channels": 5, "widths": (7,), "partition": "left-right"},
    {"inputs": 4, "channels": 2, "widths": (2, 3), "partition": "left-right"},
    {"inputs": 4, "channels": 3, "widths": (2, 5), "partition": (1, 3)},
    {"inputs": 4, "channels": 3, "widths": (4, 2), "partition": "odd-even"},
    {"inputs": 8, "channels": 2, "widths": (2, 2, 2), "partition": "left-right"},
    {"inputs": 8, "channels": 2, "widths": (4, 4, 4), "partition": "left-right"},
    {"inputs": 8, "channels": 2, "widths": (3, 5, 2), "partition": "odd-even"},
    {"inputs": 8, "channels": 2, "widths": (2, 4, 3), "partition": (1, 2, 5, 6)},
    {"inputs": 8, "channels": 3, "widths": (2, 3, 4), "partition": "left-right"},
    {"inputs": 8, "channels": 3, "widths": (9, 9, 9), "partition": (1, 4, 6)},
    {"inputs": 16, "channels": 2, "widths": (2, 4, 4, 2), "partition": "left-right"},
    {"inputs": 16, "channels": 2, "widths": (3, 2, 5, 4), "partition": "odd-even"},
    {"inputs": 16, "channels": 2, "widths": (2, 3, 8, 4), "partition": (1, 2, 5, 6, 9, 10, 13, 14)},
)


def rank_grid(quick: bool) -> list[dict]:
    return list(FIXED_POINTS) + _random_points(6 if quick else 60, seed=17)


def measured_ranks(point: dict, seed, draws: int) -> list[int]:
    """Exact ranks over F_p of the matricisations of ``draws`` random integer ConvACs."""
    n, m, widths = point["inputs"], point["channels"], point["widths"]
    a_side = tn.side_a(n, point["partition"])
    ranks = []
    for child in seed.spawn(draws):
        levels = kernels.random_weights(np.random.Generator(np.random.SFC64(child)), n, m, widths)
        matrix = kernels.matricise(kernels.coefficient_tensor(levels), n, m, a_side)
        ranks.append(int(kernels.rank_mod(matrix, kernels.PRIME)))
    return ranks


def _naive(point: dict) -> int:
    return tn.naive_bound(point["inputs"], point["channels"], len(tn.side_a(point["inputs"], point["partition"])))


@check("convac-rank-equals-min-cut", quantity="convac-separation-rank", rule="exact", grid=rank_grid,
       wrong=_naive, wrong_label="naive bound min(M^|A|, M^|B|)",
       title="ConvAC: exact rank over F_p vs the TN min-cut",
       ylabel="rank of [A]_(A,B)", logy=True)
def rank_equals_min_cut(point, seed, quick):
    draws = sized(6, 2, quick, minimum=2)
    return Estimate(float(min(measured_ranks(point, seed, draws))), 0.0, draws)


ENTROPY_POINTS = (
    {"inputs": 2, "channels": 2, "widths": (2,), "partition": "left-right"},
    {"inputs": 2, "channels": 4, "widths": (3,), "partition": "left-right"},
    {"inputs": 4, "channels": 2, "widths": (2, 3), "partition": "odd-even"},
    {"inputs": 4, "channels": 3, "widths": (3, 3), "partition": "left-right"},
    {"inputs": 8, "channels": 2, "widths": (2, 2, 2), "partition": "left-right"},
    {"inputs": 8, "channels": 2, "widths": (2, 2, 3), "partition": "odd-even"},
    {"inputs": 8, "channels": 2, "widths": (3, 2, 2), "partition": (1, 2, 3, 5)},
)  # matricisations at most 16 x 16: LAPACK on a loaded 2-core machine is slow for larger ones


def max_entropy(point: dict, seed, draws: int) -> tuple[float, float]:
    """(largest, mean) entanglement entropy of the matricisation over ``draws`` ConvACs with
    standard Gaussian weights (float64 SVD: the entropy, unlike the rank, is stable)."""
    n, m, widths = point["inputs"], point["channels"], point["widths"]
    a_side = tn.side_a(n, point["partition"])
    values = []
    for child in seed.spawn(draws):
        gen = np.random.Generator(np.random.SFC64(child))
        shapes = kernels.random_weights(gen, n, m, widths, magnitude=1)
        levels = [[gen.standard_normal(w.shape) for w in level] for level in shapes]
        values.append(kernels.entanglement_entropy(
            kernels.matricise(kernels.coefficient_tensor_float(levels), n, m, a_side)))
    return max(values), float(np.mean(values))


@check("convac-entropy-below-min-cut", quantity="convac-entanglement-entropy", rule="upper-bound",
       tolerance=1e-9, grid=lambda quick: list(ENTROPY_POINTS),
       wrong=lambda point: math.log(tn.convac_separation_rank.function(**point) - 1),
       wrong_label="ln(min-cut - 1)",
       title="ConvAC: largest entanglement entropy vs ln(min-cut)",
       ylabel="entanglement entropy (nats)")
def entropy_below_min_cut(point, seed, quick):
    draws = sized(400, 200, quick, minimum=50)
    largest, _ = max_entropy(point, seed, draws)
    return Estimate(largest, 0.0, draws)


def max_rank_grid(quick: bool) -> list[dict]:
    points = [{"inputs": 8, "channels": 2, "widths": (2, 2, 2), "size": s} for s in (1, 2, 3, 4)]
    points += [{"inputs": 8, "channels": 3, "widths": (2, 3, 4), "size": 3},
               {"inputs": 16, "channels": 2, "widths": (2, 4, 4, 2), "size": 4}]
    if not quick:
        points += [{"inputs": 16, "channels": 2, "widths": (4, 3, 8, 2), "size": 8},
                   {"inputs": 8, "channels": 4, "widths": (3, 5, 4), "size": 4},
                   {"inputs": 16, "channels": 2, "widths": (2, 2, 2, 2), "size": 6}]
    return points


@check("convac-max-rank-over-partitions", quantity="convac-max-separation-rank", rule="exact",
       grid=max_rank_grid, x="size",
       wrong=lambda point: tn.naive_bound(point["inputs"], point["channels"], point["size"]),
       wrong_label="naive bound min(M^size, M^(N-size))",
       title="ConvAC: largest exact rank over |A| = size",
       ylabel="max rank of [A]_(A,B)", logy=True)
def max_rank_over_partitions(point, seed, quick):
    n, m, widths, size = point["inputs"], point["channels"], point["widths"], point["size"]
    levels = kernels.random_weights(np.random.Generator(np.random.SFC64(seed)), n, m, widths)
    tensor = kernels.coefficient_tensor(levels)
    reps = tn.orbit_representatives(n, size)
    best = max(int(kernels.rank_mod(kernels.matricise(tensor, n, m, a), kernels.PRIME)) for a in reps)
    return Estimate(float(best), 0.0, len(reps))
