"""Numba kernels for the ConvAC separation-rank check: the coefficient tensor of a ConvAC with
integer weights, formed exactly modulo a large prime, and the rank of a matrix over that prime
field by Gaussian elimination (with their NumPy/Python references, for tests and benchmarks).

Why a prime field: the coefficient tensor of a deep product network has singular values
spread over many decades, so floating-point SVD miscounts its rank. Over F_p the rank is
exact, and for an integer matrix rank_p <= rank_Q (a minor that vanishes over Q vanishes mod
p), while rank_Q <= min-cut (Levine et al.): rank_p = min-cut certifies rank_Q = min-cut.
"""
from __future__ import annotations

import numpy as np
from numba import njit

#: 2^31 - 1: products of two residues fit in int64 with room for sums of 4 such products.
PRIME = 2147483647


@njit(cache=True, nogil=True)
def inverse_mod(a, p):
    """a^(-1) mod p (p prime, a not 0 mod p), by the extended Euclidean algorithm."""
    t, new_t, r, new_r = 0, 1, p, a % p
    while new_r != 0:
        q = r // new_r
        t, new_t = new_t, t - q * new_t
        r, new_r = new_r, r - q * new_r
    return t % p


@njit(cache=True, nogil=True)
def rank_mod(matrix, p):
    """Rank of an integer matrix over F_p (Gaussian elimination on a reduced copy)."""
    a = matrix % p
    rows, cols = a.shape
    rank = 0
    for c in range(cols):
        if rank == rows:
            break
        pivot = -1
        for r in range(rank, rows):
            if a[r, c] != 0:
                pivot = r
                break
        if pivot < 0:
            continue
        if pivot != rank:
            for k in range(c, cols):
                a[pivot, k], a[rank, k] = a[rank, k], a[pivot, k]
        inv = inverse_mod(a[rank, c], p)
        for k in range(c, cols):
            a[rank, k] = a[rank, k] * inv % p
        for r in range(rank + 1, rows):
            f = a[r, c]
            if f != 0:
                for k in range(c, cols):
                    a[r, k] = (a[r, k] - f * a[rank, k]) % p
        rank += 1
    return rank


@njit(cache=True, nogil=True)
def pool_and_convolve(weights, left, right, p):
    """One level of the ConvAC mod p: out[g, x, y] = sum_a weights[g, a] left[a, x] right[a, y].

    ``left``/``right``: (channels, M^n) tensors of the two children (x, y their input multi-
    indices, the left child's slower); returns (out channels, M^(2n)) with x the slower index.
    """
    out_ch, in_ch = weights.shape
    n = left.shape[1]
    out = np.zeros((out_ch, n * n), dtype=np.int64)
    prod = np.empty(n * n, dtype=np.int64)
    for a in range(in_ch):
        for x in range(n):
            lx = left[a, x]
            for y in range(n):
                prod[x * n + y] = lx * right[a, y] % p
        for g in range(out_ch):
            w = weights[g, a] % p
            if w != 0:
                for i in range(n * n):
                    out[g, i] = (out[g, i] + w * prod[i]) % p
    return out


def random_weights(gen: np.random.Generator, inputs: int, channels: int, widths, magnitude: int = 2**20):
    """Integer weights uniform in [-magnitude, magnitude] for every convolution (unshared across
    positions): level 0: N matrices (r_0, M); level l: N/2^l matrices (r_l, r_(l-1)), r_L = 1."""
    L = len(widths)
    dims = list(widths) + [1]
    levels = [[gen.integers(-magnitude, magnitude + 1, (widths[0], channels)) for _ in range(inputs)]]
    for level in range(1, L + 1):
        levels.append([gen.integers(-magnitude, magnitude + 1, (dims[level], dims[level - 1]))
                       for _ in range(inputs >> level)])
    return levels


def coefficient_tensor(levels, p: int = PRIME) -> np.ndarray:
    """The ConvAC's coefficient tensor mod p, flattened over (d_1, ..., d_N) with d_1 slowest.

    Leaf j carries the (r_0, M) matrix of its first convolution (a vector over d_j per channel);
    each level multiplies the children channel-wise and applies the next convolution.
    """
    nodes = [np.asarray(w, dtype=np.int64) % p for w in levels[0]]
    for weights in levels[1:]:
        nodes = [pool_and_convolve(np.asarray(w, dtype=np.int64) % p, nodes[2 * k], nodes[2 * k + 1], p)
                 for k, w in enumerate(weights)]
    return nodes[0][0]


def matricise(tensor: np.ndarray, inputs: int, channels: int, a_side) -> np.ndarray:
    """[A]_(A,B): rows indexed by the inputs of A, columns by those of B (each in input order)."""
    a = sorted(a_side)
    b = [j for j in range(inputs) if j not in set(a)]
    t = tensor.reshape((channels,) * inputs).transpose(a + b)
    return np.ascontiguousarray(t.reshape(channels ** len(a), channels ** len(b)))


def coefficient_tensor_reference(levels) -> list[int]:
    """The same tensor in exact Python integers (no modulus), for tests at tiny sizes."""
    nodes = [[[int(v) for v in row] for row in w] for w in levels[0]]  # (channels, M^n) lists
    for weights in levels[1:]:
        new = []
        for k, w in enumerate(weights):
            left, right = nodes[2 * k], nodes[2 * k + 1]
            new.append([[sum(int(w[g][a]) * left[a][x] * right[a][y] for a in range(len(left)))
                         for x in range(len(left[0])) for y in range(len(right[0]))] for g in range(len(w))])
        nodes = new
    return nodes[0][0]


def rank_fraction(matrix) -> int:
    """Rank over Q by exact Fraction elimination (reference at tiny sizes)."""
    from fractions import Fraction

    a = [[Fraction(int(v)) for v in row] for row in matrix]
    rank, cols = 0, len(a[0]) if a else 0
    for c in range(cols):
        pivot = next((r for r in range(rank, len(a)) if a[r][c] != 0), None)
        if pivot is None:
            continue
        a[rank], a[pivot] = a[pivot], a[rank]
        for r in range(len(a)):
            if r != rank and a[r][c] != 0:
                f = a[r][c] / a[rank][c]
                a[r] = [x - f * y for x, y in zip(a[r], a[rank])]
        rank += 1
    return rank


def rank_mod_numpy(matrix: np.ndarray, p: int = PRIME) -> int:
    """Rank over F_p with NumPy row operations (the benchmark's reference)."""
    a = np.asarray(matrix, dtype=np.int64) % p
    rows, cols = a.shape
    rank = 0
    for c in range(cols):
        if rank == rows:
            break
        nz = np.nonzero(a[rank:, c])[0]
        if nz.size == 0:
            continue
        pivot = rank + int(nz[0])
        a[[rank, pivot]] = a[[pivot, rank]]
        a[rank] = a[rank] * pow(int(a[rank, c]), p - 2, p) % p
        below = a[rank + 1:, c].copy()
        a[rank + 1:] = (a[rank + 1:] - below[:, None] * a[rank][None, :] % p) % p
        rank += 1
    return rank


def coefficient_tensor_float(levels) -> np.ndarray:
    """The coefficient tensor in float64 (for the entanglement-entropy spectrum)."""
    nodes = [np.asarray(w, dtype=np.float64) for w in levels[0]]
    for weights in levels[1:]:
        nodes = [np.einsum("ga,ax,ay->gxy", np.asarray(w, dtype=np.float64), nodes[2 * k], nodes[2 * k + 1])
                 .reshape(len(w), -1) for k, w in enumerate(weights)]
    return nodes[0][0]


def entanglement_entropy(matrix: np.ndarray) -> float:
    """-sum p_i ln p_i with p_i = sigma_i^2 / sum sigma^2 (singular values of the matricisation)."""
    s = np.linalg.svd(matrix, compute_uv=False)
    prob = s**2 / np.sum(s**2)
    prob = prob[prob > 0]
    return float(-np.sum(prob * np.log(prob)))
