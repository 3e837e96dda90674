"""Benchmark of the vectorised kernel matrices (``theory.meanfield.kernel_matrix``) against a
loop over the scalar quantity ``ntk-kernel``, in the same run."""
from __future__ import annotations

import math

import numpy as np

from .._bench import benchmark, timing
from ...theory.meanfield import ntk_kernel
from ...theory.meanfield.kernel_matrix import ntk_matrix


def _loop(X, rows, depth, sw, sb):
    """The reference: ntk-kernel for each pair (rows x all), q1, q2 and c from NumPy.

    Identical rows get c = 1 exactly. Computed as x.x / sqrt(|x|^2 |x|^2), the cosine of a row with
    itself rounds to 1 - 2^-52 for some rows (row 8 of the benchmark's input), and the relu NTK has
    a square-root singularity at c = 1 (Kdot = (pi - arccos c) / (2 pi), so
    Kdot(1 - d) = 1/2 - sqrt(2 d) / (2 pi) + ...): the scalar quantity then correctly evaluates the
    NTK at that slightly smaller cosine, 1.8e-8 (relative) below its value at c = 1. The rounding
    of the input cosine, not an inaccuracy of either implementation, was why the diagonal used to
    be left out of the agreement test."""
    d = X.shape[1]
    sq = np.einsum("ij,ij->i", X, X)
    out = np.empty((rows, X.shape[0]))
    for i in range(rows):
        for j in range(X.shape[0]):
            c = 1.0 if np.array_equal(X[i], X[j]) else \
                min(1.0, max(-1.0, float(X[i] @ X[j]) / math.sqrt(sq[i] * sq[j])))
            out[i, j] = ntk_kernel(activation="relu", depth=depth, weight_variance=sw, bias_variance=sb,
                                   q1=sq[i] / d, q2=sq[j] / d, c=c)
    return out


@benchmark("meanfield-kernel-matrix", simulator="ntk_matrix (vectorised NumPy recursion, closed forms)",
           reference="loop over the scalar quantity ntk-kernel, one pair at a time")
def _bench_kernel_matrix(quick):
    n, d, depth, sw, sb = 100, 10, 5, 2.0, 0.1
    X = np.random.default_rng(0).standard_normal((n, d))
    rows = 10 if quick else n  # the loop is timed on `rows` rows and scaled to n
    T = ntk_matrix(X, activation="relu", depth=depth, weight_variance=sw, bias_variance=sb)
    L = _loop(X, rows, depth, sw, sb)
    scale = np.sqrt(np.outer(np.diag(T)[:rows], np.diag(T)))
    # every entry, the diagonal included (see ``_loop`` for the cosine of identical rows)
    return timing(lambda: ntk_matrix(X, activation="relu", depth=depth, weight_variance=sw, bias_variance=sb),
                  lambda: _loop(X, rows, depth, sw, sb), work=f"{n} x {n} relu NTK matrix, depth {depth}, d = {d}",
                  agree=bool(np.all(np.abs(T[:rows] - L) <= 1e-12 * scale)), repeat=3 if quick else 5,
                  reference_scale=n / rows)
