"""Numba kernels of the generalization checks, each with its helpers (one module, for numba's cache).

* ``min_errors_kernel``: the empirical risk minimiser's error count over N random classifiers
  (labels and predictions as packed bits).
* ``relu_sup_2d`` / ``relu_sup_l1_2d``: max over the l2 / l1 unit sphere of
  |sum_i sigma_i relu(<u, x_i>)| for 2-D inputs, exactly.
* ``threshold_erm_kernel``: the fewest training errors of a threshold classifier on the line.
* ``hebbian_ramp_kernel``: the empirical ramp loss of the Hebbian learner on the sphere.
* ``interval_union_count`` / ``halfplane_count``: labellings of a point set by unions of <= k
  intervals / by halfplanes, enumerated.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit


# ----------------------------------------------------------------- ERM over random classifiers
@njit(cache=True, nogil=True)
def _popcount64(x):
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


@njit(cache=True, nogil=True)
def min_errors_kernel(labels, predictions, n):
    """labels (T, words), predictions (T, N, words) as bits; min over N of the error counts."""
    T, N, words = predictions.shape
    out = np.empty(T, dtype=np.int64)
    last = n - 64 * (words - 1)
    mask_last = np.uint64(0xFFFFFFFFFFFFFFFF) if last == 64 else (np.uint64(1) << np.uint64(last)) - np.uint64(1)
    for t in range(T):
        best = n + 1
        for j in range(N):
            e = 0
            for w in range(words):
                x = labels[t, w] ^ predictions[t, j, w]
                if w == words - 1:
                    x = x & mask_last
                e += _popcount64(x)
            if e < best:
                best = e
        out[t] = best
    return out


# ----------------------------------------------------------------- two-layer ReLU networks, 2-D inputs
@njit(cache=True, nogil=True)
def _signed_relu_sum(X, sigma, u0, u1):
    """g(u) = sum_i sigma_i relu(<u, x_i>) for 2-D inputs."""
    g = 0.0
    for i in range(X.shape[0]):
        z = X[i, 0] * u0 + X[i, 1] * u1
        if z > 0:
            g += sigma[i] * z
    return g


@njit(cache=True, nogil=True)
def relu_sup_2d(X, signs):
    """For each sign vector: max over unit u in R^2 of |sum_i sigma_i relu(<u, x_i>)|, exactly.

    On each arc between consecutive breakpoints phi_i +- pi/2 the active set A is fixed and the
    sum is <v_A, u>, maximised (in absolute value) at the direction of +-v_A if it lies in the
    arc, else at an end point: so the maximum over the finitely many candidates is exact.
    """
    n = X.shape[0]
    K = signs.shape[0]
    phi = np.arctan2(X[:, 1], X[:, 0])
    bps = np.empty(2 * n)
    for i in range(n):
        bps[2 * i] = (phi[i] + 0.5 * np.pi) % (2 * np.pi)
        bps[2 * i + 1] = (phi[i] - 0.5 * np.pi) % (2 * np.pi)
    bps.sort()
    out = np.empty(K)
    for k in range(K):
        best = 0.0
        for a in range(2 * n):
            lo = bps[a]
            hi = bps[a + 1] if a + 1 < 2 * n else bps[0] + 2 * np.pi
            mid = 0.5 * (lo + hi)
            um0, um1 = math.cos(mid), math.sin(mid)
            v0 = 0.0
            v1 = 0.0
            for i in range(n):
                if X[i, 0] * um0 + X[i, 1] * um1 > 0:
                    v0 += signs[k, i] * X[i, 0]
                    v1 += signs[k, i] * X[i, 1]
            # the endpoint lo, and +-v's direction when it falls inside the arc
            cands = np.empty(3)
            cands[0] = lo
            nc = 1
            psi = math.atan2(v1, v0)
            for c in (psi, psi + np.pi):
                c2 = (c - lo) % (2 * np.pi) + lo
                if c2 < hi:
                    cands[nc] = c2
                    nc += 1
            for ci in range(nc):
                g = _signed_relu_sum(X, signs[k], math.cos(cands[ci]), math.sin(cands[ci]))
                if abs(g) > best:
                    best = abs(g)
        out[k] = best
    return out


@njit(cache=True, nogil=True)
def relu_sup_l1_2d(X, signs):
    """For each sign vector: max over u in R^2 with ||u||_1 = 1 of |sum_i sigma_i relu(<u, x_i>)|, exactly.

    g(u) = sum_i sigma_i relu(<u, x_i>) is linear on each cone between consecutive rays
    {<u, x_i> = 0}; the maximum of |g| over the l1 ball restricted to a cone is at a vertex of
    that polygon: a ray's l1-unit point or a corner +-e_j inside the cone. So it is the maximum
    over those 2n + 4 candidates."""
    n = X.shape[0]
    K = signs.shape[0]
    cand = np.empty((2 * n + 4, 2))
    for i in range(n):
        a, b = -X[i, 1], X[i, 0]  # u orthogonal to x_i, both orientations
        s = abs(a) + abs(b)
        cand[2 * i, 0], cand[2 * i, 1] = a / s, b / s
        cand[2 * i + 1, 0], cand[2 * i + 1, 1] = -a / s, -b / s
    corners = ((1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0))
    for j in range(4):
        cand[2 * n + j, 0], cand[2 * n + j, 1] = corners[j]
    out = np.empty(K)
    for k in range(K):
        best = 0.0
        for c in range(2 * n + 4):
            g = _signed_relu_sum(X, signs[k], cand[c, 0], cand[c, 1])
            if abs(g) > best:
                best = abs(g)
        out[k] = best
    return out


# ----------------------------------------------------------------- thresholds on the line
@njit(cache=True, nogil=True)
def threshold_erm_kernel(x, positive):
    """Per trial: the fewest training errors of a threshold classifier 1[x > t], t in [-inf, inf].

    Scans the sorted inputs; cutting after the k smallest predicts 0 there and 1 above, so the
    error count moves by +1 (a positive label moves below the cut) or -1 (a negative one).
    """
    trials, n = x.shape
    out = np.empty(trials, dtype=np.int64)
    for t in range(trials):
        order = np.argsort(x[t])
        errors = 0
        for i in range(n):
            errors += 1 - positive[t, i]  # cut below every point: all predicted 1
        best = errors
        for k in range(n):
            errors += 1 if positive[t, order[k]] else -1
            if errors < best:
                best = errors
        out[t] = best
    return out


# ----------------------------------------------------------------- Hebbian learner on the sphere
@njit(cache=True, nogil=True)
def hebbian_ramp_kernel(g, positive, gamma):
    """Per trial: inputs x_i = g_i/||g_i|| (uniform on the sphere), labels y_i = +-1, the learner
    w = sum y_i x_i / ||sum y_i x_i|| and its empirical ramp loss at margin gamma
    (1 for y<w,x> <= 0, 1 - y<w,x>/gamma in between, 0 beyond gamma)."""
    trials, n, d = g.shape
    out = np.empty(trials)
    x = np.empty((n, d))
    y = np.empty(n)
    v = np.empty(d)
    for t in range(trials):
        v[:] = 0.0
        for i in range(n):
            norm = math.sqrt(np.sum(g[t, i] ** 2))
            y[i] = 1.0 if positive[t, i] else -1.0
            for j in range(d):
                x[i, j] = g[t, i, j] / norm
                v[j] += y[i] * x[i, j]
        vnorm = math.sqrt(np.sum(v ** 2))
        loss = 0.0
        for i in range(n):
            margin = y[i] * np.dot(x[i], v) / vnorm
            loss += min(1.0, max(0.0, 1.0 - margin / gamma))
        out[t] = loss / n
    return out


# ----------------------------------------------------------------- growth functions by enumeration
@njit(cache=True, nogil=True)
def interval_union_count(x, k):
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


@njit(cache=True, nogil=True)
def halfplane_count(X):
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

