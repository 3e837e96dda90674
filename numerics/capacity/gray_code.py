"""Numba kernels of the Ising perceptron: ``ising_max_prefix`` enumerates all 2^(N-1) binary weight
vectors with w_N = +1 in Gray-code order (one flip, O(P) field update per vector); for each w and
for -w, the number of leading patterns stored; the maximum over all w is the sample's storable
count. (A kernel and its helpers in one module, for Numba's cache.)
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True, nogil=True)
def _prefix_block(XT, g0, g1):
    """Max over Gray codes g in [g0, g1) of the stored-prefix length of w(g) and of -w(g).

    XT is (N, P) int16 with entries +-1 (pattern times label); w has w[N-1] = +1 and
    w[i] = +1 - 2 bit_i(gray(g)) for i < N-1. Fields h = X w are updated by one column
    per step, in Gray-code order.
    """
    N, P = XT.shape
    h = np.zeros(P, dtype=np.int16)
    w = np.ones(N, dtype=np.int16)
    gray = g0 ^ (g0 >> 1)
    for i in range(N - 1):
        if (gray >> i) & 1:
            w[i] = -1
    for i in range(N):
        for mu in range(P):
            h[mu] += w[i] * XT[i, mu]
    best = 0
    g = g0
    while True:
        pos = 0
        while pos < P and h[pos] > 0:
            pos += 1
        neg = 0
        while neg < P and h[neg] < 0:
            neg += 1
        if pos > best:
            best = pos
        if neg > best:
            best = neg
        g += 1
        if g >= g1:
            break
        bit = 0  # the bit that changes between gray(g-1) and gray(g): trailing zeros of g
        t = g
        while (t & 1) == 0:
            t >>= 1
            bit += 1
        w[bit] = -w[bit]
        d = 2 * w[bit]
        col = XT[bit]
        for mu in range(P):
            h[mu] += d * col[mu]
    return best


@njit(cache=True, nogil=True, parallel=True)
def ising_max_prefix_parallel(XT, blocks):
    """Largest number of leading patterns stored by any w in {-1,+1}^N (both cores via prange)."""
    N = XT.shape[0]
    total = 1 << (N - 1)
    nb = min(blocks, total)
    out = np.zeros(nb, dtype=np.int64)
    for b in prange(nb):
        g0 = (total * b) // nb
        g1 = (total * (b + 1)) // nb
        out[b] = _prefix_block(XT, g0, g1)
    return out.max()


@njit(cache=True, nogil=True)
def ising_max_prefix(XT):
    """Serial version (used inside chunked sample loops)."""
    N = XT.shape[0]
    return _prefix_block(XT, 0, 1 << (N - 1))


@njit(cache=True, nogil=True)
def ising_chunk(S, N, P):
    k = S.shape[0]
    out = np.empty(k, dtype=np.int64)
    for s in range(k):
        out[s] = ising_max_prefix(S[s])
    return out
