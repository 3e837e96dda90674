"""Exact region counting for ReLU networks: along segments (1-D) and inside boxes (2-D).

Networks are lists of (W, b), W of shape (out, in); every listed layer is a hidden ReLU
layer (no output layer), unless a function says otherwise.

1-D: ``count_segment`` uses the exact tracer of ``relu_pieces`` (every breakpoint is the
root of an affine function on an interval, nothing is sampled).

2-D: ``count_box`` splits the box into the network's regions layer by layer. Within a cell
on which the activation pattern of layers < l is fixed, each unit of layer l is affine, so
its values at the cell's vertices determine it; a unit whose vertex values take both signs
cuts the cell along a straight segment found by interpolation on the two crossed edges, and
the new vertices' values of every other unit are interpolated too (exact for affine
functions). Cells are convex throughout, and the final cells are exactly the connected
regions met by the box, each once. How exactness is assured: the only rounding is in the
interpolations; a vertex value within ``tol`` (relative to the cell's largest value of that
unit) of zero that the cut itself did not create would make the split ambiguous, so it is
counted in ``ambiguous`` and the count is certified only when there are none (random
networks have none with probability one; the constructions are built with every breakpoint
well away from every vertex). The smallest relative margin seen is returned as well.

Constructions (Montufar et al. 2014; Serra et al. 2018): ``construction(input_dim, widths, kind)``
builds the networks that attain the lower bounds inside the unit cube; ``betti_construction``
the diamond networks of ``betti-relu-lower``. ``betti_box`` computes b0 and b1 of {f >= 0} in a
box exactly from the region structure. ``crossings_on_line`` samples He-initialised networks
(one SFC64 stream per chunk: thread-count independent) for the Hanin-Rolnick check.
``hardtanh_as_relu`` and ``trajectory_lengths`` trace trajectory lengths exactly (Raghu et al.).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from . import relu_pieces
from ._check import check
from ._bench import Timing, benchmark, best_time
from ._parallel import map_chunks
from ._stats import Estimate, mean


# ---------------------------------------------------------------- networks
def random_network(rng: np.random.Generator, input_dim: int, widths, sigma_b: float = 1.0):
    """He initialisation: W ~ N(0, 2/fan_in), b ~ N(0, sigma_b^2)."""
    layers, fan_in = [], input_dim
    for n in widths:
        W = rng.standard_normal((n, fan_in)) * math.sqrt(2.0 / fan_in)
        b = rng.standard_normal(n) * sigma_b
        layers.append((W, b))
        fan_in = n
    return layers


def _with_output(layers, rng=None):
    n = layers[-1][0].shape[0]
    w = np.ones((1, n)) if rng is None else rng.standard_normal((1, n))
    return list(layers) + [(w, np.zeros(1))]


def count_segment(layers, x0, x1) -> int:
    """Activation regions met by the segment x0 -> x1 (exact breakpoints; no sampling)."""
    dims, w, b = relu_pieces.flatten(_with_output(layers))
    ts, _ = relu_pieces.trace(np.asarray(x0, np.float64), np.asarray(x1, np.float64), dims, w, b)
    return ts.shape[0] - 1


def breakpoints_segment(layers, x0, x1) -> np.ndarray:
    dims, w, b = relu_pieces.flatten(_with_output(layers))
    ts, _ = relu_pieces.trace(np.asarray(x0, np.float64), np.asarray(x1, np.float64), dims, w, b)
    return ts


def count_segment_sampled(layers, x0, x1, samples: int) -> int:
    """Dense-sampling count (a LOWER bound: pieces shorter than the spacing are missed)."""
    t = np.linspace(0.0, 1.0, samples)[:, None]
    x = np.asarray(x0)[None, :] * (1 - t) + np.asarray(x1)[None, :] * t
    patterns = []
    h = x
    for W, b in layers:
        z = h @ W.T + b
        patterns.append(z > 0)
        h = np.maximum(z, 0.0)
    p = np.concatenate(patterns, axis=1)
    count = 1 + int(np.count_nonzero(np.any(p[1:] != p[:-1], axis=1)))
    if count > 0.05 * samples:
        import warnings

        warnings.warn(f"sampled region count {count} with {samples} samples may be saturated (a lower bound; "
                      "pieces shorter than the spacing are missed): sample more densely or use count_segment",
                      stacklevel=2)
    return count


# ---------------------------------------------------------------- 2-D exact counter
@njit(cache=True, nogil=True)
def _forward_vertex(xy, weights, biases, dims, upto):
    """Pre-activations of layer ``upto`` at one input point (plain forward pass)."""
    h = xy.copy()
    w_off = 0
    b_off = 0
    for layer in range(upto + 1):
        n_in, n_out = dims[layer], dims[layer + 1]
        z = np.empty(n_out)
        for j in range(n_out):
            s = biases[b_off + j]
            for i in range(n_in):
                s += weights[w_off + j * n_in + i] * h[i]
            z[j] = s
        w_off += n_in * n_out
        b_off += n_out
        if layer == upto:
            return z
        h = np.maximum(z, 0.0)
    return h


@njit(cache=True, nogil=True)
def _count_box(box, dims, weights, biases, tol):
    """(cells, ambiguous, min margin) of the regions inside box = (x0, x1, y0, y1)."""
    n_layers = dims.shape[0] - 1
    # cells: vertex coordinates in a growing pool; cell c has vertices start[c]..start[c]+size[c]
    cap = 1024
    vx = np.empty(cap)
    vy = np.empty(cap)
    vx[0], vy[0] = box[0], box[2]
    vx[1], vy[1] = box[1], box[2]
    vx[2], vy[2] = box[1], box[3]
    vx[3], vy[3] = box[0], box[3]
    starts = np.zeros(1, np.int64)
    sizes = np.full(1, 4, np.int64)
    ambiguous = 0
    margin = np.inf
    for layer in range(n_layers):
        width = dims[layer + 1]
        new_starts = np.empty(16, np.int64)
        new_sizes = np.empty(16, np.int64)
        n_new = 0
        out_x = np.empty(cap)
        out_y = np.empty(cap)
        n_out = 0
        for c in range(starts.shape[0]):
            m = sizes[c]
            # working polygon list for this cell: flat (x, y, z[width]) per vertex
            # the cell is split by each unit of this layer in turn: a list of convex polygons
            maxv = m + width + 4
            polys = np.empty((1, maxv, 2 + width))
            counts = np.empty(1, np.int64)
            for k in range(m):
                polys[0, k, 0] = vx[starts[c] + k]
                polys[0, k, 1] = vy[starts[c] + k]
                xy = np.empty(2)
                xy[0] = polys[0, k, 0]
                xy[1] = polys[0, k, 1]
                z = _forward_vertex(xy, weights, biases, dims, layer)
                for j in range(width):
                    polys[0, k, 2 + j] = z[j]
            counts[0] = m
            n_poly = 1
            for j in range(width):
                # split every current polygon of this cell by unit j
                grown = np.empty((2 * n_poly, maxv, 2 + width))
                gcounts = np.empty(2 * n_poly, np.int64)
                g = 0
                for p in range(n_poly):
                    cnt = counts[p]
                    big = 0.0
                    for k in range(cnt):
                        big = max(big, abs(polys[p, k, 2 + j]))
                    thr = tol * big
                    pos = False
                    neg = False
                    for k in range(cnt):
                        v = polys[p, k, 2 + j]
                        if v > thr:
                            pos = True
                            if big > 0:
                                margin = min(margin, v / big)
                        elif v < -thr:
                            neg = True
                            if big > 0:
                                margin = min(margin, -v / big)
                        elif v != 0.0:
                            ambiguous += 1
                    if not (pos and neg):
                        grown[g, :cnt, :] = polys[p, :cnt, :]
                        gcounts[g] = cnt
                        g += 1
                        continue
                    # Sutherland-Hodgman against z_j >= 0 and z_j <= 0
                    for side in range(2):
                        sgn = 1.0 if side == 0 else -1.0
                        q = 0
                        for k in range(cnt):
                            a = polys[p, k, 2 + j] * sgn
                            nk = (k + 1) % cnt
                            b = polys[p, nk, 2 + j] * sgn
                            a_in = a >= -thr
                            if a_in:
                                grown[g, q, :] = polys[p, k, :]
                                if abs(polys[p, k, 2 + j]) <= thr:
                                    grown[g, q, 2 + j] = 0.0
                                q += 1
                            if (a > thr and b < -thr) or (a < -thr and b > thr):
                                lam = a / (a - b)
                                for e in range(2 + width):
                                    grown[g, q, e] = polys[p, k, e] + lam * (polys[p, nk, e] - polys[p, k, e])
                                grown[g, q, 2 + j] = 0.0
                                q += 1
                        gcounts[g] = q
                        g += 1
                polys = grown[:g].copy()
                counts = gcounts[:g].copy()
                n_poly = g
            for p in range(n_poly):
                cnt = counts[p]
                if n_new == new_starts.shape[0]:
                    s2 = np.empty(2 * n_new, np.int64)
                    z2 = np.empty(2 * n_new, np.int64)
                    s2[:n_new] = new_starts[:n_new]
                    z2[:n_new] = new_sizes[:n_new]
                    new_starts = s2
                    new_sizes = z2
                while n_out + cnt > out_x.shape[0]:
                    ox = np.empty(2 * out_x.shape[0])
                    oy = np.empty(2 * out_x.shape[0])
                    ox[:n_out] = out_x[:n_out]
                    oy[:n_out] = out_y[:n_out]
                    out_x = ox
                    out_y = oy
                new_starts[n_new] = n_out
                new_sizes[n_new] = cnt
                n_new += 1
                for k in range(cnt):
                    out_x[n_out] = polys[p, k, 0]
                    out_y[n_out] = polys[p, k, 1]
                    n_out += 1
        vx = out_x
        vy = out_y
        starts = new_starts[:n_new].copy()
        sizes = new_sizes[:n_new].copy()
    return starts.shape[0], ambiguous, margin, vx, vy, starts, sizes


def count_box(layers, box=(0.0, 1.0, 0.0, 1.0), tol: float = 1e-9) -> tuple[int, int, float]:
    """(regions met by the box, ambiguous vertex decisions, smallest relative margin) for 2-D input.

    The count is certified exact when ``ambiguous == 0``.
    """
    if layers[0][0].shape[1] != 2:
        raise ValueError("count_box needs a 2-D input")
    dims, w, b = relu_pieces.flatten(layers)
    return _count_box(np.asarray(box, np.float64), dims, w, b, tol)[:3]


def cells_box(layers, box=(0.0, 1.0, 0.0, 1.0), tol: float = 1e-9):
    """(list of convex cells as (m, 2) vertex arrays in cyclic order, ambiguous) for 2-D input."""
    dims, w, b = relu_pieces.flatten(layers)
    _, ambiguous, _, vx, vy, starts, sizes = _count_box(np.asarray(box, np.float64), dims, w, b, tol)
    cells = [np.stack([vx[s:s + m], vy[s:s + m]], axis=1) for s, m in zip(starts, sizes)]
    return cells, ambiguous


# ---------------------------------------------------------------- lower-bound constructions
def fold_montufar(k: int):
    """k right-pointing units relu(y - i/k) with g = sum coef_i h_i folding [0,1] k times.

    Returns (w, b, coef, c): unit i computes relu(w_i y + b_i), g(y) = c + sum coef_i relu(.).
    Slopes alternate +k, -k on [i/k, (i+1)/k]; each piece maps onto [0,1] (Montufar et al. 2014).
    """
    w = np.ones(k)
    b = -np.arange(k) / k
    coef = np.array([k] + [2.0 * k * (-1) ** i for i in range(1, k)], dtype=np.float64)
    return w, b, coef, 0.0


def fold_serra(k: int):
    """k >= 3 units (one pointing left) whose combination folds [0,1] onto itself k+1 times.

    Piece widths w/2, w, ..., w with w = 2/(2k+1); slopes p_0 = 2/w, p_i = (-1)^i / w.
    Unit 3 is relu(B_3 - y) (left-pointing, active on the first three pieces, slope -a);
    the others are relu(y - B_i). The slope change at B_3 is then a = -p_0, which the
    alternating slopes allow exactly when the left unit sits at an odd breakpoint >= 3:
    this is why k >= 3 units per coordinate are needed (Serra et al. 2018: n_l >= 3 n0).
    """
    if k < 3:
        raise ValueError("the (k+1)-piece fold needs k >= 3 units")
    w_ = 2.0 / (2 * k + 1)
    widths = np.array([w_ / 2] + [w_] * k)
    slopes = np.array([2.0 / w_] + [(-1) ** i / w_ for i in range(1, k + 1)])
    breaks = np.cumsum(widths)[:-1]  # B_1..B_k
    w = np.ones(k)
    b = -breaks.copy()
    coef = np.empty(k)
    a = -slopes[0]  # left unit's coefficient: slope contribution -a on y < B_3
    for i in range(k):
        if i == 2:
            w[i], b[i], coef[i] = -1.0, breaks[i], a
        else:
            coef[i] = slopes[i + 1] - slopes[i]
    c = -a * breaks[2]  # g(0) = 0
    return w, b, coef, c


def _last_layer(input_dim: int, n: int):
    """n hyperplanes in general position whose arrangement's regions all meet the open unit cube."""
    if input_dim == 1:
        return np.ones((n, 1)), -(np.arange(1, n + 1) / (n + 1))
    if input_dim == 2:
        # lines tangent to a small circle about the centre at distinct angles: every pair meets
        # within rho / sin(pi/(2n)) of the centre, inside the cube
        rho = 0.4 * math.sin(math.pi / (2 * n)) if n > 1 else 0.1
        theta = (np.arange(n) + 0.5) * math.pi / n + 0.1234
        normal = np.stack([np.cos(theta), np.sin(theta)], axis=1)
        return normal, rho - normal @ np.array([0.5, 0.5])
    raise ValueError("constructions are provided for input_dim 1 and 2")


def construction(input_dim: int, widths, kind: str):
    """The network of Montufar et al. (kind='montufar') or Serra et al. (kind='serra')."""
    layers = []
    prev = None  # (per-dim unit indices, coef, c) of the previous layer's folds
    fan_in = input_dim
    for l, n in enumerate(widths):
        W = np.zeros((n, fan_in))
        bias = np.full(n, -1.0)  # spare units: dead
        if l == len(widths) - 1:
            A, off = _last_layer(input_dim, n)
            rows = [(A[j], off[j]) for j in range(n)]
        else:
            k = n // input_dim
            w, b, coef, c = fold_montufar(k) if kind == "montufar" else fold_serra(k)
            rows = []
            for d in range(input_dim):
                for i in range(k):
                    a = np.zeros(input_dim)
                    a[d] = w[i]
                    rows.append((a, b[i]))
        # unit j computes a_j . y + off_j, y_d = c_d + sum coef * h (previous folds) or x_d
        for j, (a, off) in enumerate(rows):
            if prev is None:
                W[j, :input_dim] = a
                bias[j] = off
            else:
                idx, pcoef, pc = prev
                bias[j] = off
                for d in range(input_dim):
                    W[j, idx[d]] += a[d] * pcoef
                    bias[j] += a[d] * pc
        layers.append((W, bias))
        if l < len(widths) - 1:
            idx = [np.arange(d * k, (d + 1) * k) for d in range(input_dim)]
            prev = (idx, coef, c)
        fan_in = n
    return layers


def count_unit_cube(layers) -> tuple[int, bool]:
    """(regions inside the open unit cube, certified) for input_dim 1 or 2."""
    d = layers[0][0].shape[1]
    if d == 1:
        return count_segment(layers, [0.0], [1.0]), True
    c, ambiguous, _ = count_box(layers, (0.0, 1.0, 0.0, 1.0))
    return c, ambiguous == 0


# ---------------------------------------------------------------- checks
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
    from dltheory.theory import regions as T

    return T.montufar_lower(point["input_dim"], point["widths"])


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
    from dltheory.theory import regions as T

    return T.serra_upper(point["input_dim"], point["widths"]) + 1


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


# Hanin & Rolnick: boundaries crossed along [-r u, r u] at He initialisation
def crossings_on_line(seed_sequence, input_dim: int, widths, sigma_b: float, radius: float,
                      samples: int, chunk: int = 256) -> np.ndarray:
    """Boundaries crossed by the segment [-r e1, r e1] for ``samples`` independent networks.

    One SFC64 stream per chunk of ``chunk`` networks (``map_chunks``): the result is the same
    for any number of threads. The direction e1 loses nothing: the weight law is rotation
    invariant.
    """
    x0 = np.zeros(input_dim)
    x1 = np.zeros(input_dim)
    x0[0], x1[0] = -radius, radius
    dims, _, _ = relu_pieces.flatten(_with_output(random_network(np.random.default_rng(0), input_dim, widths)))

    def work(g, size):
        out = np.empty(size)
        for s in range(size):
            layers = _with_output(random_network(g, input_dim, widths, sigma_b))
            _, w, b = relu_pieces.flatten(layers)
            ts, _ = relu_pieces.trace(x0, x1, dims, w, b)
            out[s] = ts.shape[0] - 2
        return out

    return np.concatenate(map_chunks(work, samples, chunk, seed_sequence))


def _density_grid(quick):
    shapes = [(48,), (24, 24), (16, 16, 16)] if quick else [(48,), (24, 24), (16, 16, 16), (12, 12, 12, 12), (96,), (32, 32, 32)]
    return [{"input_dim": 2, "widths": w, "sigma_b": 1.0, "radius": 1.0} for w in shapes]


@check("regions-density-depth", quantity="expected-regions-density",
       title="Hanin-Rolnick: boundaries per unit length on random lines, fixed neurons, depth 1-4 "
             "(exact counts, extrapolated in 1/width)",
       grid=_density_grid, rule="z", ylabel="boundaries per unit length")
def _density_depth(point, seed_sequence, quick):
    """Counts at widths s*n (s = 1, 2, 4), scaled to the point's widths, fitted in 1/N (N the first width)."""
    from ._stats import extrapolate

    samples = 600 if quick else 6000
    widths = point["widths"]
    sizes, ests = [], []
    for s, stream in zip((1, 2, 4), seed_sequence.spawn(3)):
        ws = tuple(s * n for n in widths)
        c = crossings_on_line(stream, point["input_dim"], ws, point["sigma_b"], point["radius"], samples)
        sizes.append(ws[0])
        ests.append(mean(c / (2 * point["radius"] * s)))
    return extrapolate(sizes, ests)


# ---------------------------------------------------------------- benchmark
@benchmark("regions-trace-1d", simulator="exact breakpoint tracer (relu_pieces.trace, Numba)",
           reference="numpy dense sampling of activation patterns at the spacing that resolves every piece")
def _bench_trace(quick):
    rng = np.random.Generator(np.random.SFC64(7))
    layers = random_network(rng, 2, [64] * 10)
    x0, x1 = np.array([-1.0, 0.0]), np.array([1.0, 0.0])
    exact = count_segment(layers, x0, x1)
    ts = breakpoints_segment(layers, x0, x1)
    samples = int(math.ceil(1.5 / np.diff(ts).min())) + 1  # spacing below the shortest piece
    capped = quick and samples > 50_000
    if capped:
        samples = 50_000
    sim = best_time(lambda: count_segment(layers, x0, x1), 5)
    ref_count = [0]

    def ref():
        ref_count[0] = count_segment_sampled(layers, x0, x1, samples)

    reference = best_time(ref, 1)
    return Timing(sim, reference, f"regions of a depth-10 width-64 He network on a segment ({exact} pieces; "
                  f"sampling with {samples} points)", agree=(ref_count[0] == exact) or capped,
                  limit="sampling count is a lower bound; equal accuracy needs spacing < shortest piece"
                  + (" (quick: sampling capped at 50000 points, agreement not required)" if capped else ""))


# ---------------------------------------------------------------- Betti numbers of {f >= 0} in a box
def betti_box(layers, output, box=(0.0, 1.0, 0.0, 1.0), tol: float = 1e-9):
    """(b0, b1, certified) of P = {x in box: f(x) >= 0}, f = output layer after the hidden ``layers``.

    Exact from the region structure: on each region f is affine, so the zero set Z = {f = 0}
    is a union of straight segments, one per region where f changes sign. Their endpoints on
    region edges are matched across regions (clusters within ``tol`` times the box size; a
    generic network has every interior endpoint shared by exactly two segments, which is
    verified: otherwise ``certified`` is False). Z is then a disjoint union of closed curves
    (cycles) and arcs ending on the box boundary. The faces of box minus Z are: one per cycle
    (just inside it, never touching the boundary) and the faces met by the boundary, found by
    walking the boundary and jumping along arcs. P is the closure of the positive faces, so
    b0 = positive boundary faces + cycles with f > 0 just inside, and b1 (holes: bounded
    components of the complement) = cycles with f < 0 just inside.
    """
    W, c = output
    cells, ambiguous = cells_box(layers, box, tol)
    x0, x1, y0, y1 = box
    scale = max(x1 - x0, y1 - y0)
    eps = tol * scale

    def f(points):
        h = points
        for Wl, bl in layers:
            h = np.maximum(h @ Wl.T + bl, 0.0)
        return (h @ np.asarray(W).T + c)[:, 0]

    segments, grads = [], []
    certified = ambiguous == 0
    for cell in cells:
        v = f(cell)
        big = np.abs(v).max()
        if np.any((np.abs(v) <= tol * big) & (v != 0)):
            certified = False
        if not (v.max() > 0 > v.min()):
            continue
        pts = []
        for k in range(len(cell)):
            a, b = v[k], v[(k + 1) % len(cell)]
            if (a > 0) != (b > 0):
                lam = a / (a - b)
                pts.append(cell[k] + lam * (cell[(k + 1) % len(cell)] - cell[k]))
        if len(pts) != 2:
            certified = False
            continue
        segments.append(pts)
        A = np.c_[cell, np.ones(len(cell))]
        grads.append(np.linalg.lstsq(A, v, rcond=None)[0][:2])
    if not segments:
        sign = f(np.array([[x0, y0]]))[0] >= 0
        return (1 if sign else 0), 0, certified
    ends = np.array([p for s in segments for p in s])  # endpoint 2i, 2i+1 of segment i
    from scipy.spatial import cKDTree

    cluster = np.arange(len(ends))

    def find(i):
        while cluster[i] != i:
            cluster[i] = cluster[cluster[i]]
            i = cluster[i]
        return i

    for i, j in cKDTree(ends).query_pairs(eps * 100):
        cluster[find(i)] = find(j)
    roots = np.array([find(i) for i in range(len(ends))])
    on_boundary = (np.minimum.reduce([np.abs(ends[:, 0] - x0), np.abs(ends[:, 0] - x1),
                                      np.abs(ends[:, 1] - y0), np.abs(ends[:, 1] - y1)]) <= eps * 100)
    members: dict[int, list[int]] = {}
    for i, r in enumerate(roots):
        members.setdefault(int(r), []).append(i)
    for r, ms in members.items():
        if len(ms) != (1 if on_boundary[ms[0]] else 2):
            certified = False
    # walk: from endpoint i go along its segment to i ^ 1, then through the shared vertex
    partner_at = {}
    for r, ms in members.items():
        if len(ms) == 2:
            partner_at[ms[0]], partner_at[ms[1]] = ms[1], ms[0]
    seen = np.zeros(len(segments), bool)
    cycles, arc_ends = [], {}
    for s0 in range(len(segments)):
        if seen[s0]:
            continue
        # follow in both directions from segment s0
        chain, closed = [s0], False
        seen[s0] = True
        for start_end in (2 * s0 + 1, 2 * s0):
            e = start_end
            while e in partner_at:
                nxt = partner_at[e]
                s = nxt // 2
                if s == s0:
                    closed = True
                    break
                if seen[s]:
                    break
                seen[s] = True
                chain.append(s) if start_end == 2 * s0 + 1 else chain.insert(0, s)
                e = nxt ^ 1
            if closed:
                break
            if start_end == 2 * s0 + 1:
                last = e
            else:
                first = e
        if closed:
            cycles.append(chain)
        else:
            arc_ends[first], arc_ends[last] = last, first
    b0 = b1 = 0
    for chain in cycles:
        # orientation from the shoelace area of the cycle's endpoints, in order
        pts = []
        for s in chain:
            pts.extend(segments[s])
        pts = np.array(pts)
        # inside sign: f increases toward the inside iff grad . (inward normal) > 0; the
        # inward normal of a ccw curve at a point is the left normal of its tangent; use the
        # vector from the cycle's centroid instead (robust for the convex-or-not case): move
        # from a segment's midpoint a tiny step toward the side where the winding number is 1
        s = chain[0]
        p, q = segments[s]
        mid, tangent = (p + q) / 2, q - p
        normal = np.array([-tangent[1], tangent[0]])
        normal /= np.linalg.norm(normal)
        probe = mid + 1e-6 * scale * normal
        inside_left = _winding(pts, probe) != 0
        g = grads[s] @ normal
        positive_inside = (g > 0) == inside_left
        if positive_inside:
            b0 += 1
        else:
            b1 += 1
    # boundary faces: order arc endpoints along the perimeter
    keys = list(arc_ends)
    if not keys:
        corner = f(np.array([[x0, y0]]))[0]
        b0 += 1 if corner >= 0 else 0
        return b0, b1, certified
    def perimeter(pt):
        x, y = pt
        if abs(y - y0) <= eps * 100:
            return x - x0
        if abs(x - x1) <= eps * 100:
            return (x1 - x0) + (y - y0)
        if abs(y - y1) <= eps * 100:
            return (x1 - x0) + (y1 - y0) + (x1 - x)
        return 2 * (x1 - x0) + (y1 - y0) + (y1 - y)
    order = sorted(keys, key=lambda e: perimeter(ends[e]))
    pos = {e: i for i, e in enumerate(order)}
    k = len(order)
    total = 2 * ((x1 - x0) + (y1 - y0))
    def boundary_point(u):
        u %= total
        if u < x1 - x0:
            return (x0 + u, y0)
        u -= x1 - x0
        if u < y1 - y0:
            return (x1, y0 + u)
        u -= y1 - y0
        if u < x1 - x0:
            return (x1 - u, y1)
        u -= x1 - x0
        return (x0, y1 - u)
    mids = []
    for i in range(k):
        a = perimeter(ends[order[i]])
        b = perimeter(ends[order[(i + 1) % k]]) + (total if i == k - 1 else 0)
        mids.append(boundary_point((a + b) / 2))
    signs = f(np.array(mids)) >= 0
    visited = np.zeros(k, bool)
    for i in range(k):
        if visited[i]:
            continue
        j = i
        while not visited[j]:
            visited[j] = True
            end = order[(j + 1) % k]  # boundary segment j ends at this arc endpoint
            j = pos[arc_ends[end]]  # jump along the arc; continue with the segment starting there
        b0 += 1 if signs[i] else 0
    return b0, b1, certified


def _winding(poly: np.ndarray, point) -> int:
    """Winding number of the closed polygon ``poly`` around ``point``."""
    x, y = point
    wn = 0
    n = len(poly)
    for i in range(n):
        (xa, ya), (xb, yb) = poly[i], poly[(i + 1) % n]
        cross = (xb - xa) * (y - ya) - (x - xa) * (yb - ya)
        if ya <= y < yb and cross > 0:
            wn += 1
        elif yb <= y < ya and cross < 0:
            wn -= 1
    return wn


def betti_construction(widths, betti: str = "b0"):
    """(hidden layers, output) of the diamond construction of ``betti-relu-lower`` (2-D input)."""
    layers = construction(2, tuple(widths[:-1]) + (4,), "serra")
    # replace the last layer by units giving |y1 - 1/2|, |y2 - 1/2| from the previous folds
    fold = fold_serra(widths[-2] // 2)
    k = widths[-2] // 2
    coef, c = fold[2], fold[3]
    n_prev = layers[-2][0].shape[0]
    W = np.zeros((widths[-1], n_prev))
    b = np.full(widths[-1], -1.0)
    # |u| = 2 relu(u) - relu(u + 1) + 1 for u = y_d - 1/2 in [-1/2, 1/2] (the square's image): four
    # units with four distinct lines (|u| = relu(u) + relu(-u) would put two units on one line)
    for d in range(2):
        idx = np.arange(d * k, (d + 1) * k)
        for shift, row in ((-0.5, 2 * d), (0.5, 2 * d + 1)):
            W[row, idx] = coef
            b[row] = c + shift
    layers[-1] = (W, b)
    sign = 1.0 if betti == "b0" else -1.0
    out = np.zeros((1, widths[-1]))
    out[0, [0, 2]] = -2.0 * sign
    out[0, [1, 3]] = 1.0 * sign
    return layers, (out, np.array([sign * (0.25 - 2.0)]))


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
    from dltheory.theory import regions as T

    return factor * T.zaslavsky_count(2, sum(point["widths"]))


@check("regions-upper-random", quantity="linear-regions-upper",
       title="2-D regions of random, searched (hill-climbed) and constructed networks never exceed Serra's bound",
       grid=lambda quick: [{"input_dim": 2, "widths": w} for w in
                           ([(6, 6, 3), (3, 3, 3)] if quick else [(6, 6, 3), (3, 3, 3), (4, 2, 4), (7, 9, 4)])],
       rule="upper-bound", tolerance=0.0,
       wrong=_shallow_same_neurons, wrong_label="Zaslavsky's count of a shallow net with the same neurons")
def _regions_upper_random(point, seed_sequence, quick):
    rng = np.random.Generator(np.random.SFC64(seed_sequence))
    widths = point["widths"]
    box = (-4.0, 4.0, -4.0, 4.0)
    score = lambda layers: count_box(layers, box)[0]  # noqa: E731
    best = 0
    for _ in range(20 if quick else 200):
        best = max(best, score(random_network(rng, 2, widths, sigma_b=float(rng.uniform(0.2, 3.0)))))
    best = max(best, _hill_climb(rng, random_network(rng, 2, widths), score, 60 if quick else 600))
    if all(n >= 6 for n in widths[:-1]):
        best = max(best, count_unit_cube(construction(2, widths, "serra"))[0])
    return Estimate(float(best), 0.0, 1)


@check("betti-bound-random", quantity="betti-bound",
       title="b0 + b1 of {f >= 0} for random, searched and diamond-construction 2-D ReLU nets stays under the bound",
       grid=lambda quick: [{"activation": "relu", "input_dim": 2, "widths": w} for w in
                           ([(6, 4), (6, 8, 4)] if quick else [(6, 4), (6, 8, 4), (5, 5, 5), (6, 6, 6, 4)])],
       rule="upper-bound", tolerance=0.0,
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
    for _ in range(15 if quick else 150):
        best = max(best, score(random_network(rng, 2, widths, sigma_b=float(rng.uniform(0.2, 1.0)))))
    best = max(best, _hill_climb(rng, random_network(rng, 2, widths, sigma_b=0.3), score, 20 if quick else 300))
    if all(n >= 6 for n in widths[:-1]) and widths[-1] >= 4:
        for which in ("b0", "b1"):
            layers, out = betti_construction(widths, which)
            b0, b1, certified = betti_box(layers, out, (0.0, 1.0, 0.0, 1.0))
            best = max(best, b0 + b1 if certified else math.inf)
    return Estimate(float(best), 0.0, 1)


# ---------------------------------------------------------------- trajectory length (Raghu et al.)
def hardtanh_as_relu(rng, input_dim: int, width: int, depth: int, sigma_w: float, sigma_b: float):
    """A hard-tanh net (W ~ N(0, sigma_w^2/fan_in), b ~ N(0, sigma_b^2)) as a ReLU net of width 2k.

    hardtanh(z) = relu(z + 1) - relu(z - 1) - 1, so each layer becomes the 2k units relu(z +- 1)
    and the next layer reads W (u - v - 1) + b. Returns the ReLU layers; the hard-tanh output of
    the last layer is ``[I, -I] h - 1``.
    """
    layers, fan = [], input_dim
    for d in range(depth):
        W = rng.standard_normal((width, fan)) * sigma_w / math.sqrt(fan)
        b = rng.standard_normal(width) * sigma_b
        if d > 0:
            W, b = np.hstack([W, -W]), b - W.sum(axis=1)
        layers.append((np.vstack([W, W]), np.r_[b + 1.0, b - 1.0]))
        fan = width
    return layers


def trajectory_lengths(layers, width: int, x0, x1, hardtanh: bool = True) -> np.ndarray:
    """Exact lengths of the images of the segment x0 -> x1 after each layer (piecewise linear)."""
    out = []
    for d in range(1, len(layers) + 1):
        head = (np.hstack([np.eye(width), -np.eye(width)]), -np.ones(width)) if hardtanh else \
            (np.eye(width), np.zeros(width))
        dims, w, b = relu_pieces.flatten(list(layers[:d]) + [head])
        _, values = relu_pieces.trace(np.asarray(x0, np.float64), np.asarray(x1, np.float64), dims, w, b)
        out.append(np.linalg.norm(np.diff(values, axis=0), axis=1).sum())
    return np.array(out)


def train_to_oscillate(rng, widths, frequency: float = 8.0, steps: int = 3000, lr: float = 0.01,
                       batch: int = 256):
    """A small 1-D ReLU net trained (Adam, squared loss) to fit sin(2 pi frequency x) on [0, 1].

    An 'adversarially trained' network for region counting: the target rewards as many linear
    pieces as possible. Plain NumPy backpropagation; returns the hidden layers and the output layer.
    """
    layers = random_network(rng, 1, widths, sigma_b=0.5)
    params = [p.copy() for W, b in layers for p in (W, b)] + [rng.standard_normal((1, widths[-1])) * 0.3, np.zeros(1)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for step in range(1, steps + 1):
        x = rng.uniform(0.0, 1.0, (batch, 1))
        y = np.sin(2 * np.pi * frequency * x)
        hs, zs, h = [x], [], x
        for i in range(0, len(params) - 2, 2):
            z = h @ params[i].T + params[i + 1]
            zs.append(z)
            h = np.maximum(z, 0.0)
            hs.append(h)
        out = h @ params[-2].T + params[-1]
        g = 2 * (out - y) / batch
        grads = [None] * len(params)
        grads[-2], grads[-1] = g.T @ hs[-1], g.sum(0)
        g = g @ params[-2]
        for i in range(len(params) - 4, -1, -2):
            g = g * (zs[i // 2] > 0)
            grads[i], grads[i + 1] = g.T @ hs[i // 2], g.sum(0)
            g = g @ params[i]
        for i, (p, gr) in enumerate(zip(params, grads)):
            m[i] = 0.9 * m[i] + 0.1 * gr
            v[i] = 0.999 * v[i] + 0.001 * gr * gr
            p -= lr * (m[i] / (1 - 0.9**step)) / (np.sqrt(v[i] / (1 - 0.999**step)) + 1e-8)
    hidden = [(params[i], params[i + 1]) for i in range(0, len(params) - 2, 2)]
    return hidden, (params[-2], params[-1])


def _first_layer_only(point):
    from dltheory.theory import evaluate

    return evaluate("expected-regions-density", input_dim=point["input_dim"], widths=point["widths"][:1],
                    sigma_b=point["sigma_b"], radius=1.0)


@check("regions-density-bound", quantity="expected-regions-density-bound",
       title="Hanin-Rolnick bound: boundaries per unit length on [-u, u] at He initialisation stay under it",
       grid=lambda quick: [{"input_dim": 2, "widths": w, "sigma_b": sb} for w, sb in
                           ([((8, 8, 8), 1.0), ((16, 16), 0.5)] if quick else
                            [((8, 8, 8), 1.0), ((16, 16), 0.5), ((32,), 2.0), ((6, 6, 6, 6, 6), 0.3)])],
       rule="upper-bound", wrong=_first_layer_only,
       wrong_label="the first layer's crossings only (deeper layers adding none)")
def _density_bound(point, seed_sequence, quick):
    counts = crossings_on_line(seed_sequence, point["input_dim"], point["widths"], point["sigma_b"], 1.0,
                               400 if quick else 4000)
    return mean(counts / 2.0)


# ---------------------------------------------------------------- Montufar's (2017) upper bound and the best lower bound
def _shallow_1d_or_2d(point):
    """Zaslavsky's count of a shallow net with the same neurons, in the point's input dimension."""
    from dltheory.theory import regions as T

    return T.zaslavsky_count(point["input_dim"], sum(point["widths"]))


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
    for _ in range(15 if quick else 150):
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


def best_lower_construction(input_dim: int, widths):
    """The construction behind ``linear-regions-lower``: Serra's where n_l >= 3 n0 (l < L), else Montufar's."""
    kind = "serra" if all(n >= 3 * input_dim for n in widths[:-1]) else "montufar"
    return construction(input_dim, widths, kind), kind


def _lower_plus_one(point):
    from dltheory.theory import evaluate

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
