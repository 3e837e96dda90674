"""Benchmark of the vectorised kernel matrices (``theory.meanfield.kernel_matrix``) against a
loop over the scalar quantity ``ntk-kernel``, in the same run."""
from __future__ import annotations

import math

import numpy as np

from .._bench import Timing, benchmark, best_time
from ...theory.meanfield import ntk_kernel
from ...theory.meanfield.kernel_matrix import ntk_matrix


def _loop(X, rows, depth, sw, sb):
    """The reference: ntk-kernel for each pair (rows x all), q1, q2 and c from NumPy."""
    d = X.shape[1]
    sq = np.einsum("ij,ij->i", X, X)
    out = np.empty((rows, X.shape[0]))
    for i in range(rows):
        for j in range(X.shape[0]):
            c = min(1.0, max(-1.0, float(X[i] @ X[j]) / math.sqrt(sq[i] * sq[j])))
            out[i, j] = ntk_kernel(activation="relu", depth=depth, weight_variance=sw, bias_variance=sb,
                                   q1=sq[i] / d, q2=sq[j] / d, c=c)
    return out


@benchmark("meanfield-kernel-matrix", simulator="ntk_matrix (vectorised NumPy recursion, closed forms)",
           reference="loop over the scalar quantity ntk-kernel, one pair at a time")
def _bench_kernel_matrix(quick):
    n, d, depth, sw, sb = 100, 10, 5, 2.0, 0.1
    X = np.random.default_rng(0).standard_normal((n, d))
    rows = 10 if quick else n  # the loop is timed on `rows` rows and scaled to n
    sim = best_time(lambda: ntk_matrix(X, activation="relu", depth=depth, weight_variance=sw, bias_variance=sb),
                    3 if quick else 20)
    ref = best_time(lambda: _loop(X, rows, depth, sw, sb), 1 if quick else 2) * n / rows
    T = ntk_matrix(X, activation="relu", depth=depth, weight_variance=sw, bias_variance=sb)
    L = _loop(X, rows, depth, sw, sb)
    scale = np.sqrt(np.outer(np.diag(T)[:rows], np.diag(T)))
    return Timing(sim, ref, work=f"{n} x {n} relu NTK matrix, depth {depth}, d = {d}",
                  agree=bool(np.all((np.abs(T[:rows] - L) <= 1e-12 * scale) | np.eye(rows, n, dtype=bool))))
    # (off the diagonal: on it the scalar loop's cosine of identical inputs can round to 1 - eps)
