"""Exact region counts and Betti numbers of ReLU networks, and the random-line sampler.

1-D: ``count_segment`` uses the exact tracer of ``numerics.relu_pieces`` (every breakpoint is the
root of an affine function on an interval, nothing is sampled); ``count_segment_sampled`` is the
dense-sampling reference (a lower bound). 2-D: ``count_box`` (``kernels``). ``count_unit_cube``
counts either inside the open unit cube. ``betti_box`` computes b0 and b1 of {f >= 0} in a box
exactly from the region structure; ``polynomial_components`` b0 of {f >= 0} for a polynomial
network on the line. ``crossings_on_line`` samples He-initialised networks (one
SFC64 stream per chunk: thread-count independent) for the Hanin-Rolnick checks.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import relu_pieces
from .._parallel import map_chunks
from .kernels import cells_box, count_box
from .networks import polynomial_forward, random_network, with_output


def count_segment(layers, x0, x1) -> int:
    """Activation regions met by the segment x0 -> x1 (exact breakpoints; no sampling)."""
    dims, w, b = relu_pieces.flatten(with_output(layers))
    ts, _ = relu_pieces.trace(np.asarray(x0, np.float64), np.asarray(x1, np.float64), dims, w, b)
    return ts.shape[0] - 1


def breakpoints_segment(layers, x0, x1) -> np.ndarray:
    dims, w, b = relu_pieces.flatten(with_output(layers))
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
        warnings.warn(f"sampled region count {count} with {samples} samples may be saturated (a lower bound; "
                      "pieces shorter than the spacing are missed): sample more densely or use count_segment",
                      stacklevel=2)
    return count


def count_unit_cube(layers) -> tuple[int, bool]:
    """(regions inside the open unit cube, certified) for input_dim 1 or 2."""
    d = layers[0][0].shape[1]
    if d == 1:
        return count_segment(layers, [0.0], [1.0]), True
    c, ambiguous, _ = count_box(layers, (0.0, 1.0, 0.0, 1.0))
    return c, ambiguous == 0


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
    dims, _, _ = relu_pieces.flatten(with_output(random_network(np.random.default_rng(0), input_dim, widths)))

    def work(g, size):
        out = np.empty(size)
        for s in range(size):
            layers = with_output(random_network(g, input_dim, widths, sigma_b))
            _, w, b = relu_pieces.flatten(layers)
            ts, _ = relu_pieces.trace(x0, x1, dims, w, b)
            out[s] = ts.shape[0] - 2
        return out

    return np.concatenate(map_chunks(work, samples, chunk, seed_sequence))


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



# ---------------------------------------------------------------- components of {f >= 0} for a polynomial net on the line
def polynomial_components(layers, output, degree: int) -> int:
    """b0 of {x in R: f(x) >= 0} for a 1-D network with activation z^degree (its only Betti number).

    f is a polynomial (its coefficients are propagated with NumPy's Polynomial through the layers);
    every complex root whose imaginary part is small (liberally: extra split points are harmless)
    splits the line, f is evaluated by the forward pass at a point inside each piece, and the
    components are the maximal runs of pieces with f >= 0. Exact for f with only simple real roots
    (generic networks; the Chebyshev construction); a root of even multiplicity where f touches 0
    from below would be an isolated point of {f >= 0} that this does not count.
    """
    P = np.polynomial.Polynomial
    h = [P([0.0, 1.0])]
    for W, b in layers:
        h = [sum((W[i, j] * h[j] for j in range(W.shape[1])), P([b[i]])) ** degree for i in range(W.shape[0])]
    W, c = output
    f = sum((W[0, j] * h[j] for j in range(W.shape[1])), P([c[0]]))
    roots = f.roots()
    real = np.sort(roots.real[np.abs(roots.imag) <= 1e-3 * (1.0 + np.abs(roots.real))])
    if real.size == 0:
        probes = np.zeros(1)
    else:
        span = 1.0 + real[-1] - real[0]
        probes = np.r_[real[0] - span, (real[1:] + real[:-1]) / 2, real[-1] + span]
    positive = polynomial_forward(layers, output, degree, probes) >= 0
    return int(positive[0]) + int(np.count_nonzero(positive[1:] & ~positive[:-1]))
