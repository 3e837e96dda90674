"""Checks for the VC part of the generalization capability: growth functions counted by
brute-force enumeration against the Sauer-Shelah bound.

* Unions of at most k intervals on the line (VC dimension 2k): every union is built from
  candidate end points between the (random, unsorted) points, its labelling of the points
  computed from the coordinates, and the distinct labellings counted in a bitmap. The class
  attains the bound: the count of labellings with at most k runs of 1s is
  sum_j C(n+1, 2j) = sum_{i<=2k} C(n, i) (Pascal's rule), so the rule is ``exact``.
* Halfplanes {x : <u, x> > t} in R^2 (VC dimension 3) on Gaussian points (general position
  almost surely): every direction between consecutive critical angles (those perpendicular to
  some p_i - p_j) and every threshold, labellings counted in a bitmap. Cover (1965) gives
  n^2 - n + 2 < sum_{i<=3} C(n, i) for n >= 4: the bound holds strictly (rule ``upper-bound``).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ._check import check
from ._parallel import as_seed_sequence, map_chunks
from ._stats import Estimate
from .generalization_mlp import forward, layer_sizes, predict_numpy


def _sauer(h: int, n: int) -> int:
    from dltheory.theory import evaluate

    return int(evaluate("sauer-shelah", vc=h, n=n))


# ----------------------------------------------------------------- unions of <= k intervals
@njit(cache=True, nogil=True)
def _interval_union_count(x, k):
    """Number of distinct labellings of the points x (1-D, any order, distinct) by unions of at
    most k intervals: enumerates every k-tuple of intervals (e_a, e_b) over the end points
    e_0 = -inf, the midpoints of consecutive sorted points, e_n = +inf (plus the empty interval)."""
    n = x.shape[0]
    xs = np.sort(x)
    ends = np.empty(n + 1)
    ends[0] = -np.inf
    ends[n] = np.inf
    for i in range(1, n):
        ends[i] = 0.5 * (xs[i - 1] + xs[i])
    m = (n + 1) * n // 2 + 1
    masks = np.zeros(m, dtype=np.int64)  # masks[0]: the empty interval
    c = 1
    for a in range(n + 1):
        for b in range(a + 1, n + 1):
            mask = 0
            for i in range(n):
                if ends[a] < x[i] < ends[b]:
                    mask |= 1 << i
            masks[c] = mask
            c += 1
    seen = np.zeros(1 << n, dtype=np.uint8)
    idx = np.zeros(k, dtype=np.int64)
    while True:
        mask = 0
        for j in range(k):
            mask |= masks[idx[j]]
        seen[mask] = 1
        j = 0
        while j < k:  # odometer over k-tuples of intervals
            idx[j] += 1
            if idx[j] < m:
                break
            idx[j] = 0
            j += 1
        if j == k:
            break
    return int(seen.sum())


def interval_union_counts(n: int, k: int, draws: int, seed) -> np.ndarray:
    """Labellings of n uniform random points by unions of <= k intervals, one count per draw."""
    def work(gen, size):
        return np.array([_interval_union_count(gen.uniform(0.0, 1.0, n), k) for _ in range(size)], dtype=np.int64)

    return np.concatenate(map_chunks(work, draws, 4, seed))


# ----------------------------------------------------------------- halfplanes
@njit(cache=True, nogil=True)
def _halfplane_count(X):
    """Number of distinct labellings of the points X (n x 2) by open halfplanes: between two
    consecutive critical directions (perpendicular to some X_j - X_i) the order of the
    projections is fixed, so one direction per arc and all n + 1 thresholds give every labelling."""
    n = X.shape[0]
    crit = np.empty(n * (n - 1))
    c = 0
    for i in range(n):
        for j in range(i + 1, n):
            th = math.atan2(X[j, 1] - X[i, 1], X[j, 0] - X[i, 0]) + 0.5 * np.pi
            crit[c] = th % (2 * np.pi)
            crit[c + 1] = (th + np.pi) % (2 * np.pi)
            c += 2
    crit.sort()
    seen = np.zeros(1 << n, dtype=np.uint8)
    z = np.empty(n)
    for a in range(c):
        hi = crit[a + 1] if a + 1 < c else crit[0] + 2 * np.pi
        mid = 0.5 * (crit[a] + hi)
        u0, u1 = math.cos(mid), math.sin(mid)
        for i in range(n):
            z[i] = X[i, 0] * u0 + X[i, 1] * u1
        order = np.argsort(z)
        mask = 0
        seen[0] = 1
        for t in range(n - 1, -1, -1):  # {z > threshold}: the top n - t points
            mask |= 1 << order[t]
            seen[mask] = 1
    return int(seen.sum())


def halfplane_counts(n: int, draws: int, seed) -> np.ndarray:
    """Labellings of n standard Gaussian points in R^2 by halfplanes, one count per draw."""
    def work(gen, size):
        return np.array([_halfplane_count(gen.standard_normal((n, 2))) for _ in range(size)], dtype=np.int64)

    return np.concatenate(map_chunks(work, draws, 4, seed))


def _exact_if_constant(counts) -> Estimate:
    """The common count of all draws, exact (stderr 0); NaN (fails every rule) if draws differ."""
    counts = np.asarray(counts)
    value = float(counts[0]) if (counts == counts[0]).all() else math.nan
    return Estimate(value, 0.0, int(counts.size))


def _intervals_grid(quick):
    if quick:
        return [{"vc": 2 * k, "n": n} for k in (1, 2) for n in (6, 10)] + [{"vc": 6, "n": 10}]
    return [{"vc": 2 * k, "n": n} for k in (1, 2, 3) for n in (2, 4, 6, 8, 10, 12, 14)]


@check("sauer-shelah-intervals-exact", quantity="sauer-shelah",
       title="Unions of <= k intervals attain Sauer-Shelah (h = 2k): enumerated labellings",
       grid=_intervals_grid, rule="exact", x="n",
       wrong=lambda p: _sauer(p["vc"] - 1, p["n"]), wrong_label="the bound with h - 1",
       ylabel="distinct labellings of n random points", logy=True)
def measure_intervals(point, seed, quick):
    draws = 3 if quick else 20
    return _exact_if_constant(interval_union_counts(point["n"], point["vc"] // 2, draws, seed))


def _halfplane_grid(quick):
    ns = (4, 8, 12) if quick else (3, 4, 5, 6, 8, 10, 12, 14, 16)
    return [{"vc": 3, "n": n} for n in ns]


@check("sauer-shelah-halfplanes-below", quantity="sauer-shelah",
       title="Halfplanes in R^2 (VC dimension 3) stay below Sauer-Shelah: enumerated labellings",
       grid=_halfplane_grid, rule="upper-bound", x="n",
       wrong=lambda p: _sauer(p["vc"] - 1, p["n"]), wrong_label="the bound with h - 1",
       ylabel="most labellings of n Gaussian points", logy=True)
def measure_halfplanes(point, seed, quick):
    draws = 5 if quick else 40
    counts = halfplane_counts(point["n"], draws, seed)
    return Estimate(float(counts.max()), 0.0, int(counts.size))  # the growth function is a maximum over point sets


# ----------------------------------------------------------------- vc-dimension-lower: the constructions
def embed_first_layer(widths, input_dim, U, B, a, c):
    """Parameters (flat, generalization_mlp layout) of a ReLU network of the given hidden widths
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
    by evaluating the constructed ReLU network (generalization_mlp.predict_numpy)?"""
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


def _vc_lower_claim(p) -> int:
    from dltheory.theory import evaluate

    return int(evaluate("vc-dimension-lower", widths=p["widths"], input_dim=p["input_dim"]))


def _vc_lower_grid(quick):
    cases = [((1,), 3), ((3,), 1), ((2, 3), 2)]
    if not quick:
        cases += [((1,), 1), ((5,), 1), ((1,), 5), ((2,), 4), ((4, 2), 2), ((3, 3, 3), 3), ((1, 2), 2)]
    return [{"widths": w, "input_dim": d} for w, d in cases]


@check("vc-dimension-lower-constructions", quantity="vc-dimension-lower",
       title="VC lower bound: points shattered by the explicit ReLU constructions",
       grid=_vc_lower_grid, rule="exact",
       wrong=lambda p: _vc_lower_claim(p) + 1, wrong_label="the claim + 1 (the construction must fail there)",
       ylabel="points shattered by the construction")
def measure_vc_lower(point, seed, quick):
    claim = _vc_lower_claim(point)
    return Estimate(float(shattered_count(point["widths"], point["input_dim"], claim + 1)), 0.0, 1)


# ----------------------------------------------------------------- vc-dimension-lower: bit extraction
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


def _bit_extraction_grid(quick):
    cases = [((4, 7, 7, 7, 7, 2), 2), ((5, 7, 7, 7, 2), 3), ((12, 7, 7, 3, 16, 16), 2), ((16,) * 6, 2)]
    if not quick:
        cases += [((6, 8, 8, 8, 2), 2), ((8, 7, 7, 2), 2), ((10, 7, 7, 7, 7, 7, 7, 7, 1), 4),
                  ((3,) + (7,) * 9 + (2,), 2), ((40, 9, 9, 9, 9, 9), 5)]
    return [{"widths": w, "input_dim": d} for w, d in cases]


@check("vc-dimension-lower-bit-extraction", quantity="vc-dimension-lower",
       title="VC lower bound: the n x m grid shattered by the explicit bit-extraction ReLU network",
       grid=_bit_extraction_grid, rule="exact",
       wrong=lambda p: _vc_lower_claim(p) + p["widths"][0] - 2,
       wrong_label="n (m + 1): one more bit than the layers allow (the truncated network must fail)",
       ylabel="points shattered by the bit-extraction construction")
def measure_vc_lower_bit_extraction(point, seed, quick):
    n, m = bit_extraction_shattered(point["widths"], point["input_dim"], seed)
    return Estimate(float(n * m), 0.0, 1)
