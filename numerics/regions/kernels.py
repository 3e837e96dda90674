"""The exact 2-D region counter (Numba): a box split into a ReLU network's regions, layer by layer.

Within a cell on which the activation pattern of layers < l is fixed, each unit of layer l is
affine, so its values at the cell's vertices determine it; a unit whose vertex values take both
signs cuts the cell along a straight segment found by interpolation on the two crossed edges, and
the new vertices' values of every other unit are interpolated too (exact for affine functions).
Cells are convex throughout, and the final cells are exactly the connected regions met by the
box, each once. How exactness is assured: the only rounding is in the interpolations; a vertex
value within ``tol`` (relative to the cell's largest value of that unit) of zero that the cut
itself did not create would make the split ambiguous, so it is counted in ``ambiguous`` and the
count is certified only when there are none (random networks have none with probability one; the
constructions are built with every breakpoint well away from every vertex). The smallest relative
margin seen is returned as well.

The kernel and its helper live in this one module, so that Numba's cache is invalidated with them.
Networks are lists of (W, b), W of shape (out, in), every layer a hidden ReLU layer.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ..relu_pieces import flatten


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
    dims, w, b = flatten(layers)
    return _count_box(np.asarray(box, np.float64), dims, w, b, tol)[:3]


def cells_box(layers, box=(0.0, 1.0, 0.0, 1.0), tol: float = 1e-9):
    """(list of convex cells as (m, 2) vertex arrays in cyclic order, ambiguous) for 2-D input."""
    dims, w, b = flatten(layers)
    _, ambiguous, _, vx, vy, starts, sizes = _count_box(np.asarray(box, np.float64), dims, w, b, tol)
    cells = [np.stack([vx[s:s + m], vy[s:s + m]], axis=1) for s, m in zip(starts, sizes)]
    return cells, ambiguous
