"""The checks of the linear-region and trajectory-length quantities (theory/regions.py).

Exact checks count the regions of constructed networks exactly (``rule="exact"``); bound checks
compare the largest exact count over random, hill-climbed and constructed networks with an upper
bound (an uncertified count fails the point); the Hanin-Rolnick and trajectory checks are Monte
Carlo (z-tests, 1/width extrapolations). Sample and search sizes: ``sized(full, quick, quick)``,
i.e. the full size times $DLTHEORY_SCALE outside quick runs.
"""
from __future__ import annotations

import math

import numpy as np

from ...theory import evaluate
from ...theory.regions import montufar_lower, serra_upper, zaslavsky_count
from .._check import check
from .._size import sized
from .._stats import Estimate, extrapolate, mean
from .estimators import (betti_box, count_box, count_segment, count_unit_cube, crossings_on_line,
                         polynomial_components)
from .networks import (best_lower_construction, betti_construction, chebyshev_network, construction,
                       random_network, random_polynomial_network)
from .trajectory import measured_growth


# ---------------------------------------------------------------- constructions: exact counts
def _exact(value: int, certified: bool = True) -> Estimate:
    return Estimate(float(value) if certified else math.nan, 0.0, 1)


def _construction_grid(kind: str, quick: bool):
    if kind == "serra":
        pts = [(1, (3, 3, 3)), (1, (4, 5, 2)), (2, (6, 6, 3))]
        full = [(1, (5, 4, 6, 3)), (2, (7, 9, 4)), (2, (8, 6, 5)), (2, (6, 6, 6, 2))]
    else:
        pts = [(1, (2, 3, 2)), (1, (1, 4, 5)), (2, (4, 4, 3))]
        full = [(1, (3, 3, 3, 3)), (2, (2, 5, 4)), (2, (6, 4, 5)), (2, (4, 4, 4, 2))]
    return [{"input_dim": d, "widths": w} for d, w in (pts if quick else pts + full)]


@check("regions-serra-construction", quantity="linear-regions-lower-serra",
       title="Serra et al.'s construction: exact region count in the unit cube = the lower bound",
       grid=lambda quick: _construction_grid("serra", quick), rule="exact", tolerance=0.0,
       wrong=lambda p: _montufar_value(p), wrong_label="Montufar et al.'s smaller count for the same widths")
def _serra_construction(point, seed_sequence, quick):
    return _exact(*count_unit_cube(construction(point["input_dim"], point["widths"], "serra")))


def _montufar_value(point):
    return montufar_lower(point["input_dim"], point["widths"])


@check("regions-montufar-construction", quantity="linear-regions-lower-montufar",
       title="Montufar et al.'s construction: exact region count in the unit cube = the lower bound",
       grid=lambda quick: _construction_grid("montufar", quick), rule="exact", tolerance=0.0)
def _montufar_construction(point, seed_sequence, quick):
    return _exact(*count_unit_cube(construction(point["input_dim"], point["widths"], "montufar")))


@check("regions-upper-attained-1d", quantity="linear-regions-upper",
       title="n0 = 1: Serra et al.'s construction attains the upper bound prod (n_l + 1) exactly",
       grid=lambda quick: [{"input_dim": 1, "widths": w} for w in
                           ([(3, 4, 3), (5, 3)] if quick else [(3, 4, 3), (5, 3), (3, 3, 3, 3, 3), (8, 6, 7, 9)])],
       rule="exact", tolerance=0.0,
       wrong=lambda p: _upper_plus_one(p), wrong_label="a miscounted bound (Serra's bound + 1)")
def _upper_attained(point, seed_sequence, quick):
    return _exact(*count_unit_cube(construction(1, point["widths"], "serra")))


def _upper_plus_one(point):
    return serra_upper(point["input_dim"], point["widths"]) + 1


@check("zaslavsky-random-layer", quantity="zaslavsky-regions",
       title="One random ReLU layer: exact region count over a box holding every vertex = Zaslavsky",
       grid=lambda quick: [{"input_dim": d, "width": n} for d, n in
                           ([(1, 5), (2, 6), (2, 12)] if quick else [(1, 5), (1, 40), (2, 6), (2, 12), (2, 30)])],
       rule="exact", tolerance=0.0, x="width")
def _zaslavsky_random(point, seed_sequence, quick):
    rng = np.random.Generator(np.random.SFC64(seed_sequence))
    d, n = point["input_dim"], point["width"]
    layers = random_network(rng, d, [n])
    W, b = layers[0]
    if d == 1:
        roots = -b / W[:, 0]
        return _exact(count_segment(layers, [roots.min() - 1], [roots.max() + 1]))
    i, j = np.triu_indices(n, 1)
    A = np.stack([W[i], W[j]], axis=1)  # (pairs, 2, 2)
    vertices = np.linalg.solve(A, -np.stack([b[i], b[j]], axis=1)[..., None])[..., 0]
    lo, hi = vertices.min(axis=0) - 1, vertices.max(axis=0) + 1
    count, ambiguous, _ = count_box(layers, (lo[0], hi[0], lo[1], hi[1]))
    return _exact(count, ambiguous == 0)


def _density_grid(quick):
    shapes = [(48,), (24, 24), (16, 16, 16)] if quick else [(48,), (24, 24), (16, 16, 16), (12, 12, 12, 12), (96,), (32, 32, 32)]
    return [{"input_dim": 2, "widths": w, "sigma_b": 1.0, "radius": 1.0} for w in shapes]


@check("regions-density-depth", quantity="expected-regions-density",
       title="Hanin-Rolnick: boundaries per unit length on random lines, fixed neurons, depth 1-4 "
             "(exact counts, extrapolated in 1/width)",
       grid=_density_grid, rule="z", ylabel="boundaries per unit length")
def _density_depth(point, seed_sequence, quick):
    """Counts at widths s*n (s = 1, 2, 4), scaled to the point's widths, fitted in 1/N (N the first width)."""
    # quick 1500 and at least 3000 otherwise: what resolves the 5 % power test at every point
    samples = sized(6000, 1500, quick, minimum=3000)
    widths = point["widths"]
    sizes, ests = [], []
    for s, stream in zip((1, 2, 4), seed_sequence.spawn(3)):
        ws = tuple(s * n for n in widths)
        c = crossings_on_line(stream, point["input_dim"], ws, point["sigma_b"], point["radius"], samples)
        sizes.append(ws[0])
        ests.append(mean(c / (2 * point["radius"] * s)))
    # one layer: the crossing of each unit is a Cauchy event, so the formula is exact at every
    # width and each per-size value is tested against it (an O(1/N) counting bias cannot hide in the fit)
    exact = [evaluate("expected-regions-density", **point)] * 3 if len(widths) == 1 else None
    return extrapolate(sizes, ests, exact=exact)


@check("betti-relu-construction", quantity="betti-relu-lower",
       title="Diamond construction on folded squares: exact b0 / b1 of {f >= 0} in the unit square",
       grid=lambda quick: [{"widths": w, "betti": b} for w in
                           ([(6, 4), (6, 8, 4)] if quick else [(6, 4), (6, 8, 4), (8, 6, 5), (6, 6, 6, 4)])
                           for b in ("b0", "b1")],
       rule="exact", tolerance=0.0,
       wrong=lambda p: _betti_montufar(p), wrong_label="Montufar-fold count prod floor(n_l/2)^2")
def _betti_construction(point, seed_sequence, quick):
    layers, output = betti_construction(point["widths"], point["betti"])
    b0, b1, certified = betti_box(layers, output, (0.0, 1.0, 0.0, 1.0))
    return _exact(b0 if point["betti"] == "b0" else b1, certified)


def _betti_montufar(point):
    return math.prod((n // 2) ** 2 for n in point["widths"][:-1])


# ---------------------------------------------------------------- the upper bounds against random and searched networks
def _hill_climb(rng, layers, score, steps: int, scale: float = 0.3):
    """Greedy random search on all weights and biases maximising ``score(layers)`` (an 'adversary')."""
    best = score(layers)
    for _ in range(steps):
        trial = [(W + scale * rng.standard_normal(W.shape), b + scale * rng.standard_normal(b.shape)) for W, b in layers]
        s = score(trial)
        if s >= best:
            best, layers = s, trial
    return best


def _shallow_same_neurons(point, factor=1):
    return factor * zaslavsky_count(2, sum(point["widths"]))


@check("regions-upper-random", quantity="linear-regions-upper",
       title="2-D regions of random, searched (hill-climbed) and constructed networks never exceed Serra's bound",
       grid=lambda quick: [{"input_dim": 2, "widths": w} for w in
                           ([(6, 6, 3), (3, 3, 3)] if quick else [(6, 6, 3), (3, 3, 3), (4, 2, 4), (7, 9, 4)])],
       rule="upper-bound", tolerance=0.0,
       loose=("1.9-3.9x the regions found in 2-D; power from the exact sub-check "
              "regions-upper-attained-1d (Serra's construction attains the bound)"),
       wrong=_shallow_same_neurons, wrong_label="Zaslavsky's count of a shallow net with the same neurons")
def _regions_upper_random(point, seed_sequence, quick):
    rng = np.random.Generator(np.random.SFC64(seed_sequence))
    widths = point["widths"]
    box = (-4.0, 4.0, -4.0, 4.0)
    score = lambda layers: count_box(layers, box)[0]  # noqa: E731
    best = 0
    for _ in range(sized(200, 20, quick)):
        best = max(best, score(random_network(rng, 2, widths, sigma_b=float(rng.uniform(0.2, 3.0)))))
    best = max(best, _hill_climb(rng, random_network(rng, 2, widths), score, sized(600, 60, quick)))
    if all(n >= 6 for n in widths[:-1]):
        best = max(best, count_unit_cube(construction(2, widths, "serra"))[0])
    return Estimate(float(best), 0.0, 1)


@check("betti-bound-random", quantity="betti-bound",
       title="b0 + b1 of {f >= 0} for random, searched and diamond-construction 2-D ReLU nets stays under the bound",
       grid=lambda quick: [{"activation": "relu", "input_dim": 2, "widths": w} for w in
                           ([(6, 4), (6, 8, 4)] if quick else [(6, 4), (6, 8, 4), (5, 5, 5), (6, 6, 6, 4)])],
       rule="upper-bound", tolerance=0.0,
       loose=("28-45x the b0 + b1 found (quick grid); power from the exact sub-checks "
              "betti-bound-polynomial-1d (attained) and regions-upper-attained-1d (the R in 2R "
              "attained), and the derivation regions-betti"),
       wrong=lambda p: _shallow_same_neurons(p, 2),
       wrong_label="the bound of a shallow net with the same neurons (2 x Zaslavsky)")
def _betti_random(point, seed_sequence, quick):
    rng = np.random.Generator(np.random.SFC64(seed_sequence))
    widths = point["widths"]
    box = (-1.5, 1.5, -1.5, 1.5)

    def score(layers):
        out = (np.ones((1, widths[-1])) * np.linspace(-1, 1, widths[-1]), np.array([-0.3]))
        b0, b1, certified = betti_box(layers, out, box)
        return b0 + b1 if certified else math.inf  # an uncertified count fails the check loudly

    best = 0
    for _ in range(sized(150, 15, quick)):
        best = max(best, score(random_network(rng, 2, widths, sigma_b=float(rng.uniform(0.2, 1.0)))))
    best = max(best, _hill_climb(rng, random_network(rng, 2, widths, sigma_b=0.3), score, sized(300, 20, quick)))
    if all(n >= 6 for n in widths[:-1]) and widths[-1] >= 4:
        for which in ("b0", "b1"):
            layers, out = betti_construction(widths, which)
            b0, b1, certified = betti_box(layers, out, (0.0, 1.0, 0.0, 1.0))
            best = max(best, b0 + b1 if certified else math.inf)
    return Estimate(float(best), 0.0, 1)


def _polynomial_grid(quick):
    pts = [(2, (3, 3)), (2, (3, 3, 3)), (3, (4, 4))]
    full = [(2, (3, 3, 3, 3)), (4, (5, 5)), (3, (4, 5, 4)), (2, (5, 2))]
    return [{"activation": "polynomial", "input_dim": 1, "widths": w, "degree": r}
            for r, w in (pts if quick else pts + full)]


def _betti_bound_minus_one(point):
    return evaluate("betti-bound", **point) - 1


@check("betti-bound-polynomial-1d", quantity="betti-bound",
       title="Polynomial nets on the line: b0 of {f >= 0} of random and Chebyshev-construction nets "
             "against Milnor's bound (attained)",
       grid=_polynomial_grid, rule="upper-bound", tolerance=0.0, ylabel="b0 of {f >= 0}",
       wrong=_betti_bound_minus_one, wrong_label="the bound tightened by one (the construction attains it)")
def _betti_polynomial(point, seed_sequence, quick):
    """Largest b0 over random Gaussian nets with activation z^r and the Chebyshev construction
    (T_{r^L}, where every width >= r + 1), computed exactly (``polynomial_components``).

    Only n0 = 1, where b0 is the only Betti number and Milnor's bound floor(d/2) + 1 (d = r^L) is
    attained; exact Betti numbers of planar semialgebraic sets are not computed here, so the
    polynomial row at n0 >= 2 rests on Milnor's theorem (derivation regions-betti).
    """
    rng = np.random.Generator(np.random.SFC64(seed_sequence))
    widths, r = point["widths"], point["degree"]
    best = 0
    for _ in range(sized(200, 20, quick)):
        best = max(best, polynomial_components(*random_polynomial_network(rng, widths, r), r))
    if all(n >= r + 1 for n in widths):
        best = max(best, polynomial_components(*chebyshev_network(widths, r), r))
    return Estimate(float(best), 0.0, 1)


def _first_layer_only(point):
    return evaluate("expected-regions-density", input_dim=point["input_dim"], widths=point["widths"][:1],
                    sigma_b=point["sigma_b"], radius=1.0)


@check("regions-density-bound", quantity="expected-regions-density-bound",
       title="Hanin-Rolnick bound: boundaries per unit length on [-u, u] at He initialisation stay under it",
       grid=lambda quick: [{"input_dim": 2, "widths": w, "sigma_b": sb} for w, sb in
                           ([((8, 8, 8), 1.0), ((16, 16), 0.5)] if quick else
                            [((8, 8, 8), 1.0), ((16, 16), 0.5), ((32,), 2.0), ((6, 6, 6, 6, 6), 0.3)])],
       rule="upper-bound", wrong=_first_layer_only,
       loose=("2.1-2.5x the measured density; power from regions-density-depth (its one-layer points "
              "tested per width against the exact Cauchy formula) and the derivation regions-density "
              "(the bound's constant)"),
       wrong_label="the first layer's crossings only (deeper layers adding none)")
def _density_bound(point, seed_sequence, quick):
    counts = crossings_on_line(seed_sequence, point["input_dim"], point["widths"], point["sigma_b"], 1.0,
                               sized(4000, 400, quick))
    return mean(counts / 2.0)


# ---------------------------------------------------------------- Montufar's (2017) upper bound and the best lower bound
def _shallow_1d_or_2d(point):
    """Zaslavsky's count of a shallow net with the same neurons, in the point's input dimension."""
    return zaslavsky_count(point["input_dim"], sum(point["widths"]))


def _montufar_upper_grid(quick):
    pts = [(1, (3, 4, 3)), (2, (6, 6, 3)), (2, (3, 3, 3))]
    full = [(1, (5, 2, 6)), (2, (2, 5)), (2, (7, 9, 4)), (2, (4, 2, 4))]
    return [{"input_dim": d, "widths": w} for d, w in (pts if quick else pts + full)]


@check("regions-upper-montufar-random", quantity="linear-regions-upper-montufar",
       title="Random and constructed nets (1-D, 2-D) stay under Montufar's (2017) bound",
       grid=_montufar_upper_grid, rule="upper-bound", tolerance=0.0, ylabel="regions", logy=True,
       wrong=_shallow_1d_or_2d, wrong_label="Zaslavsky's count of a shallow net with the same neurons")
def _regions_upper_montufar(point, seed_sequence, quick):
    """Largest exact count over random He networks (biases of random scale) and Serra's construction.

    1-D: regions met by the segment [-8, 8] (``count_segment``); 2-D: regions met by the box
    [-4, 4]^2 (``count_box``, certified: an ambiguous count makes the point fail). Both count
    regions of R^D met by a bounded set, so they are at most the network's regions.
    """
    rng = np.random.Generator(np.random.SFC64(seed_sequence))
    d, widths = point["input_dim"], point["widths"]
    best = 0.0
    for _ in range(sized(150, 15, quick)):
        layers = random_network(rng, d, widths, sigma_b=float(rng.uniform(0.2, 3.0)))
        if d == 1:
            count = count_segment(layers, [-8.0], [8.0])
        else:
            count, ambiguous, _ = count_box(layers, (-4.0, 4.0, -4.0, 4.0))
            count = count if ambiguous == 0 else math.inf
        best = max(best, count)
    if all(n >= 3 * d for n in widths[:-1]):
        count, certified = count_unit_cube(construction(d, widths, "serra"))
        best = max(best, count if certified else math.inf)
    return Estimate(float(best), 0.0, 1)

def _lower_plus_one(point):
    return evaluate("linear-regions-lower", **point) + 1


@check("regions-lower-best-construction", quantity="linear-regions-lower",
       title="Best lower bound = exact regions of the applicable construction (unit cube)",
       ylabel="regions", logy=True,
       grid=lambda quick: [{"input_dim": d, "widths": w} for d, w in
                           ([(1, (3, 3, 3)), (1, (2, 3, 2)), (2, (6, 6, 3)), (2, (4, 4, 3))] if quick else
                            [(1, (3, 3, 3)), (1, (2, 3, 2)), (2, (6, 6, 3)), (2, (4, 4, 3)),
                             (1, (1, 4, 5)), (2, (7, 9, 4)), (2, (2, 5, 4)), (2, (6, 4, 5))])],
       rule="exact", tolerance=0.0,
       wrong=_lower_plus_one, wrong_label="a miscounted bound (the best lower bound + 1)")
def _lower_best_construction(point, seed_sequence, quick):
    layers, _ = best_lower_construction(point["input_dim"], point["widths"])
    return _exact(*count_unit_cube(layers))

# ---------------------------------------------------------------- trajectory length (Raghu et al.)
def _lower_grid(quick):
    """Points with k p >= 3 (p: unsaturated fraction); below it E[l] is carried by rare networks."""
    ht = [(16, 4.0, 0.0), (64, 4.0, 0.0), (32, 2.0, 0.0), (32, 8.0, 0.0), (64, 4.0, 1.0)]
    relu = [(32, math.sqrt(2.0), 0.0), (64, 2.0, 0.5)]
    if not quick:
        ht += [(8, 2.0, 0.0), (128, 4.0, 0.0), (256, 8.0, 0.0), (64, 1.5, 0.5)]
        relu += [(8, math.sqrt(2.0), 0.0), (128, math.sqrt(2.0), 0.0), (16, 3.0, 1.0)]
    return ([{"width": k, "sigma_w": w, "sigma_b": b, "activation": "hardtanh", "form": "corrected"}
             for k, w, b in ht] +
            [{"width": k, "sigma_w": w, "sigma_b": b, "activation": "relu", "form": "corrected"}
             for k, w, b in relu])


def _published_base(point):
    return evaluate("trajectory-growth", **{**point, "form": "paper"})


@check("trajectory-growth-lower-bound", quantity="trajectory-growth",
       title="Raghu et al. Thm 1: per-layer growth of the expected trajectory length (layers 4-10) "
             "against the corrected base",
       grid=_lower_grid, rule="lower-bound", wrong=_published_base,
       wrong_label="Raghu et al.'s published base (form=paper)", x="width", ylabel="growth of E[l] per layer")
def _lower_bound(point, seed_sequence, quick):
    return measured_growth(point, seed_sequence, sized(20000, 2000, quick))


def _wide_grid(quick):
    ht = [(4.0, 0.0), (2.0, 0.0), (4.0, 1.0)] if quick else [(4.0, 0.0), (2.0, 0.0), (4.0, 1.0), (8.0, 0.0),
                                                               (1.5, 0.5)]
    relu = [(2.0, 0.5)] if quick else [(2.0, 0.5), (math.sqrt(2.0), 0.0)]
    return ([{"sigma_w": w, "sigma_b": b, "activation": "hardtanh"} for w, b in ht] +
            [{"sigma_w": w, "sigma_b": b, "activation": "relu"} for w, b in relu])


def _published_wide_base(point):
    return evaluate("trajectory-growth", width=10**9, form="paper", **point)


@check("trajectory-growth-wide-limit", quantity="trajectory-growth-wide",
       title="Per-layer growth of E[l] at widths k, 2k, 4k, extrapolated in 1/k, against sqrt(chi1)",
       grid=_wide_grid, rule="z", wrong=_published_wide_base,
       wrong_label="the large-width limit of Raghu et al.'s published base", x="sigma_w",
       ylabel="growth of E[l] per layer, k -> infinity")
def _wide_limit(point, seed_sequence, quick):
    samples, widths = sized(20000, 2000, quick), ((32, 64, 128) if quick else (64, 128, 256))
    ests = [measured_growth({**point, "width": k}, s, samples) for k, s in zip(widths, seed_sequence.spawn(3))]
    return extrapolate(widths, ests)
