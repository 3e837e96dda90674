"""The explicit ReLU networks behind ``vc-dimension-lower``, built and evaluated: which point sets
they shatter (every labelling realised, checked by a forward pass).

* Elementary constructions (``construction_*``): the simplex (halfspaces), k_1 + 1 points on a
  line (kinks), 2 k_1 + 1 points on a circle (one cap unit per run of +1 labels).
* Bit extraction (``bit_extraction_*``): the n x m grid, after Bartlett, Harvey, Liaw &
  Mehrabian (2019), in exact float64 arithmetic.
"""
from __future__ import annotations

import numpy as np

from .._parallel import as_seed_sequence, map_chunks
from .mlp import forward, layer_sizes, predict_numpy


# ----------------------------------------------------------------- elementary constructions
def embed_first_layer(widths, input_dim, U, B, a, c):
    """Parameters (flat, ``mlp`` layout) of a ReLU network of the given hidden widths
    computing c + sum_j a_j relu(<U_j, x> + B_j) on a finite point set: the r <= k_1 units in the
    first layer (the rest idle), and, if there are later layers, unit 0 of each carrying the sum
    plus a large bias M through in its linear regime (M is set by the caller's points, via
    ``big``: every value of the sum is > -M)."""
    U, B, a = np.atleast_2d(U), np.asarray(B, float), np.asarray(a, float)
    r = U.shape[0]
    if r > widths[0]:
        raise ValueError("construction needs more first-layer units than the width")
    W1 = np.zeros((widths[0], input_dim))
    W1[:r] = U
    b1 = np.zeros(widths[0])
    b1[:r] = B
    params = [W1.ravel(), b1]
    if len(widths) == 1:
        Wout = np.zeros((1, widths[0]))
        Wout[0, :r] = a
        return np.concatenate(params + [Wout.ravel(), np.array([c])])
    M = 1e6
    prev = widths[0]
    for li, w in enumerate(widths[1:]):
        W = np.zeros((w, prev))
        b = np.zeros(w)
        if li == 0:
            W[0, :r] = a
            b[0] = M
        else:
            W[0, 0] = 1.0
        params += [W.ravel(), b]
        prev = w
    Wout = np.zeros((1, prev))
    Wout[0, 0] = 1.0
    return np.concatenate(params + [Wout.ravel(), np.array([c - M])])



def construction_kind(widths, input_dim) -> str:
    """Which elementary construction attains max(d + 1, k_1 + 1, 2k_1 + 1 if d >= 2); the
    bit-extraction term of ``vc-dimension-lower`` has its own check."""
    k1 = widths[0]
    if input_dim >= 2 and 2 * k1 + 1 >= input_dim + 1:
        return "circle"
    return "line" if k1 + 1 >= input_dim + 1 else "halfspace"



def construction_points(kind: str, m: int, input_dim: int) -> np.ndarray:
    X = np.zeros((m, input_dim))
    if kind == "line":
        X[:, 0] = np.arange(m)
    elif kind == "circle":
        ang = 2 * np.pi * np.arange(m) / m
        X[:, 0], X[:, 1] = np.cos(ang), np.sin(ang)
    else:  # the simplex 0, e_1, ..., e_d; a (d + 2)-th point 2 e_1 (Radon: no halfspace shatters d + 2 points)
        for i in range(1, m):
            if i <= input_dim:
                X[i, i - 1] = 1.0
            else:
                X[i, 0] = 2.0
    return X



def construction_params(kind: str, widths, input_dim: int, X, labels):
    """The docstring's construction for one labelling, or None where it does not apply.

    line: kinks t_j = j + 1/2 between the first k_1 + 1 points (j < min(k_1, m - 1)),
    f = c + sum_j a_j relu(x - t_j) fitted to the labels by least squares (an exact
    interpolation for m <= k_1 + 1: the system is triangular); halfspace: f affine, fitted
    the same way (exact on the m <= d + 1 simplex vertices), carried by one unit in its linear
    regime; circle: one cap unit per cyclic run of +1 labels, None if there are more than k_1 runs.
    """
    m = X.shape[0]
    k1 = widths[0]
    y = np.asarray(labels, float)
    if kind == "line":
        r = min(k1, m - 1)
        t = np.arange(r) + 0.5
        F = np.hstack([np.ones((m, 1)), np.maximum(X[:, :1] - t[None, :], 0.0)])
        theta = np.linalg.lstsq(F, y, rcond=None)[0]
        U = np.zeros((r, input_dim))
        U[:, 0] = 1.0
        return embed_first_layer(widths, input_dim, U, -t, theta[1:], theta[0]) if r else \
            embed_first_layer(widths, input_dim, np.zeros((1, input_dim)), [0.0], [0.0], theta[0])
    if kind == "halfspace":
        F = np.hstack([X, np.ones((m, 1))])
        theta = np.linalg.lstsq(F, y, rcond=None)[0]
        shift = 1.0 + float(np.abs(F @ theta).max())
        return embed_first_layer(widths, input_dim, theta[None, :-1], [theta[-1] + shift], [1.0], -shift)
    ang = np.arctan2(X[:, 1], X[:, 0])
    if (y > 0).all():
        runs = [list(range(m))]
    elif not (y > 0).any():
        runs = []
    else:
        start = int(np.argmin(y))
        runs, cur = [], []
        for j in range(m):
            i = (start + j) % m
            if y[i] > 0:
                cur.append(i)
            elif cur:
                runs.append(cur)
                cur = []
        if cur:
            runs.append(cur)
    if len(runs) > k1:
        return None
    U = np.zeros((max(len(runs), 1), input_dim))
    Bs = np.full(U.shape[0], -10.0)  # idle: never active on the unit circle
    for j, run in enumerate(runs):
        mid = ang[run[0]] + (len(run) - 1) * np.pi / m
        u = np.zeros(input_dim)
        u[0], u[1] = np.cos(mid), np.sin(mid)
        others = [i for i in range(m) if i not in run]
        inside = (X[run] @ u).min()
        Bs[j] = -(0.5 * (inside + (X[others] @ u).max()) if others else -2.0)
        U[j] = u
    a = np.full(U.shape[0], 1e3 if runs else 0.0)
    return embed_first_layer(widths, input_dim, U, Bs, a, -1.0)



def construction_shatters(widths, input_dim: int, m: int) -> bool:
    """Does the construction realise every one of the 2^m labellings of its m points, as checked
    by evaluating the constructed ReLU network (``mlp.predict_numpy``)?"""
    import itertools

    kind = construction_kind(widths, input_dim)
    X = construction_points(kind, m, input_dim)
    sizes = layer_sizes(input_dim, widths)
    for labels in itertools.product((-1.0, 1.0), repeat=m):
        params = construction_params(kind, widths, input_dim, X, labels)
        if params is None or not np.array_equal(np.sign(predict_numpy(params, sizes, X)), np.array(labels)):
            return False
    return True



def shattered_count(widths, input_dim: int, up_to: int) -> int:
    """The largest m <= up_to such that the construction shatters its 1, ..., m points."""
    best = 0
    for m in range(1, up_to + 1):
        if not construction_shatters(widths, input_dim, m):
            break
        best = m
    return best



# ----------------------------------------------------------------- bit extraction
def bit_extraction_points(n: int, m: int, input_dim: int) -> np.ndarray:
    """The grid (i, j), i = 1..n, j = 1..m, row by row (point (i - 1) m + j - 1); other inputs 0."""
    X = np.zeros((n * m, input_dim))
    X[:, 0] = np.repeat(np.arange(1, n + 1), m)
    X[:, 1] = np.tile(np.arange(1, m + 1), n)
    return X



def bit_extraction_layers(n: int, m: int, bits) -> list:
    """Hidden layers (W, b) of ``vc-dimension-lower``'s bit-extraction network on inputs (i, j),
    of widths n + 2, 7 (m - 1 times), 1; the output is y - 1/2 with y the last layer's unit.
    ``bits``: the labels b_ij in {0, 1}, shape (..., n, m); only layer 2 depends on
    them and carries their leading axes. With K = 2^m, every product of a weight and a unit's
    value, and every partial sum of them, is an integer or an integer times 2^-m, of absolute
    value below K (8K + 2n^2 + 3m + 1) in units of 2^-m (the largest: K times the step units,
    up to K/2); float64 is exact while that is below 2^53 (m <= 24), and a larger (n, m) is refused.

    Layer 1: ReLU(j), ReLU(j - 1), ReLU(i - s) for s < n. Layer t + 1 reads bit t of the remainder
    x (x = a_i = sum_t b_it 2^-t for t = 1) with units, in this order, p1, p2 (y <- p1 - p2 =
    y OR (bit AND [j = t])), u1, u2 (the step), ReLU(x), ReLU(j - t), ReLU(j - t - 1); layer
    m + 1 has p1 alone, which is 0 for the label 0 and >= 1 for the label 1.
    """
    if 2 ** m * (8 * 2 ** m + 2 * n * n + 3 * m + 1) >= 2 ** 53:
        raise ValueError(f"n={n}, m={m}: float64 would round the construction's values")
    bits = np.asarray(bits, dtype=float)
    K = 2.0 ** m
    B, C = K / 2 + 1, K + 1
    a = bits @ (0.5 ** np.arange(1, m + 1))  # a_i, shape (..., n)
    padded = np.concatenate([np.zeros(a.shape[:-1] + (1,)), a], axis=-1)  # a_0 = 0, a_1..a_n
    kinks = np.concatenate([a[..., :1], padded[..., 2:] - 2 * padded[..., 1:-1] + padded[..., :-2]], axis=-1)
    W1 = np.zeros((n + 2, 2))
    W1[:2, 1] = 1.0
    W1[2:, 0] = 1.0
    layers = [(W1, np.concatenate([[0.0, -1.0], -np.arange(n, dtype=float)]))]
    x_form = np.concatenate([np.zeros(a.shape[:-1] + (2,)), kinks], axis=-1)  # x = sum_s kinks_s ReLU(i - s)
    ind_form, y_form, counter = np.zeros(n + 2), np.zeros(n + 2), 1  # counter: the unit ReLU(j - t)
    ind_form[:2] = 1.0, -2.0
    for t in range(1, m + 1):
        unit = np.eye(ind_form.size)[counter]
        select = K * x_form + B * ind_form + C * y_form
        rows, bias = [select], [-K / 2 + 1 - B]
        if t < m:
            rows += [select, K * x_form, K * x_form, x_form, unit, unit]
            bias += [-K / 2 - B, -K / 2 + 1, -K / 2, 0.0, 0.0, -1.0]
        W = np.stack(np.broadcast_arrays(*rows), axis=-2)
        layers.append((W, np.array(bias)))
        x_form = np.array([0.0, 0.0, -1.0, 1.0, 2.0, 0.0, 0.0])  # 2x - bit = 2 ReLU(x) - u1 + u2
        y_form = np.array([1.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0])
        ind_form = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 1.0, -2.0])
        counter = 6
    return layers



def embed_network(layers, widths, input_dim: int) -> list:
    """All layers (W, b) of the architecture input_dim -> widths -> 1 holding the native ``layers``
    (2 inputs; output y - 1/2, y = unit 0 of the last layer, or unit 0 - unit 1 of the others).
    Inputs past the second, and units past a native layer's width, get zero weights and bias
    (such a unit outputs ReLU(0) = 0); each layer past the native ones carries y >= 0 in unit 0:
    ReLU(y) = y. Where the architecture is smaller, the units and layers that do not fit are
    dropped, and the output reads y from the last layer kept (the power test's networks).
    """
    out, kept, prev = [], 2, input_dim
    for layer, k in enumerate(widths):
        if layer < len(layers):
            Wn, bn = layers[layer]
            W = np.zeros(Wn.shape[:-2] + (k, prev))
            kept_next = min(Wn.shape[-2], k)
            W[..., :kept_next, :kept] = Wn[..., :kept_next, :kept]
            b = np.zeros(k)
            b[:kept_next] = bn[:kept_next]
            kept = kept_next
        else:
            W, b = np.zeros((k, prev)), np.zeros(k)
            W[0, 0] = 1.0
            kept = 1
        out.append((W, b))
        prev = k
    readout = [1.0] if len(widths) >= len(layers) else [1.0, -1.0][:kept]  # y over the last layer's units
    w_out = np.zeros((1, prev))
    w_out[0, :len(readout)] = readout
    return out + [(w_out, np.array([-0.5]))]



def bit_extraction_labellings(n: int, m: int, seed, random_count: int = 300) -> np.ndarray:
    """All 2^(nm) labellings (shape (2^(nm), n, m)) when nm <= 16, else ``random_count`` seeded ones."""
    size = n * m
    if size <= 16:
        return ((np.arange(2 ** size)[:, None] >> np.arange(size)) & 1).reshape(-1, n, m)
    return np.concatenate(map_chunks(lambda gen, k: gen.integers(0, 2, (k, n, m)), random_count, 100, seed))



def bit_extraction_realises(widths, input_dim: int, n: int, m: int, labellings, chunk: int = 2048) -> bool:
    """Does the bit-extraction network for (n, m), embedded in the architecture, give sign(output)
    = 2 b_ij - 1 on the n x m grid for every one of ``labellings`` (shape (count, n, m))?"""
    X = bit_extraction_points(n, m, input_dim)
    for start in range(0, len(labellings), chunk):
        bits = labellings[start:start + chunk]
        outputs = forward(embed_network(bit_extraction_layers(n, m, bits), widths, input_dim), X)
        if not np.array_equal(np.sign(outputs), 2.0 * bits.reshape(len(bits), -1) - 1):
            return False
    return True



def bit_extraction_shattered(widths, input_dim: int, seed) -> tuple[int, int]:
    """(n, m): the largest n such that the construction for the n x 1 grid realises every labelling
    in this architecture, then the largest m such that it realises the tested labellings of the
    n x m grid. Units or layers that do not fit are dropped (``embed_network``), so the search stops
    at the first grid the architecture is too small for. (0, 0) if not even (1, 1) is realised."""
    seeds = iter(as_seed_sequence(seed).spawn(widths[0] + len(widths)))
    n = 0
    while n < widths[0] and bit_extraction_realises(
            widths, input_dim, n + 1, 1, bit_extraction_labellings(n + 1, 1, next(seeds))):
        n += 1
    m = 0
    while n and m < len(widths) and bit_extraction_realises(
            widths, input_dim, n, m + 1, bit_extraction_labellings(n, m + 1, next(seeds))):
        m += 1
    return n, m



def largest_constructed_shattered(widths, input_dim: int, seed, max_points: int = 10) -> int:
    """The largest point set that one of the constructions, built in this architecture and evaluated,
    shatters: the elementary construction's (searched up to ``max_points`` points: its 2^m
    labellings are enumerated) or the bit-extraction grid's n m (d >= 2)."""
    best = shattered_count(widths, input_dim, max_points)
    if input_dim >= 2:
        n, m = bit_extraction_shattered(widths, input_dim, seed)
        best = max(best, n * m)
    return best
