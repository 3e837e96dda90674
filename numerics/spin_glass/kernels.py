"""Numba kernels for the loss-landscape checks.

1. All critical points of a random spherical p-spin Hamiltonian at small N. H is stored as a
   homogeneous polynomial f(x) = sum_a c_a x^a over the monomials a of degree p (the symmetric
   part of the coupling tensor: c_a is the sum of the J entries whose indices form the multiset a,
   so c_a ~ N(0, multinomial(p; a))). Critical points of H on |s|^2 = N are those of f on the unit
   sphere (s = sqrt(N) x, H/N = f(x)/sqrt(N)). Newton's method on grad f(x) = mu x, |x| = 1 from
   random starts finds them; each new point x also gives -x (f(-x) = (-1)^p f(x)); starts are
   added in batches until the Morse identity sum_k (-1)^k n_k = 1 + (-1)^(N-1) (the Euler
   characteristic of S^(N-1)) holds and a whole batch finds nothing new.
2. Dense p = 3 Hamiltonians at N = 30-100 (a Numba contraction S(s, ., .)): Newton from a random
   start (or gradient descent on the sphere first) to a critical point, and the spectrum of its
   Riemannian Hessian.
3. Binary perceptron: all 2^N weight vectors in Gray-code order (one field update per pattern
   per step), the solutions, and the histogram of ordered solution pairs by Hamming distance.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
from numba import njit

TOL = 1e-11  # |Riemannian gradient| at which Newton has converged (unit sphere)
SAME = 1e-7  # distance below which two critical points are one


def monomials(N: int, p: int) -> tuple[np.ndarray, np.ndarray]:
    """Exponent vectors (M, N) of the degree-p monomials in N variables, and their multinomial
    multiplicities (the number of index tuples (i1..ip) with that multiset)."""
    rows, mult = [], []
    for combo in itertools.combinations_with_replacement(range(N), p):
        e = np.bincount(combo, minlength=N)
        rows.append(e)
        mult.append(math.factorial(p) / math.prod(math.factorial(int(k)) for k in e))
    return np.array(rows, dtype=np.int64), np.array(mult)


@njit(cache=True, nogil=True)
def poly_derivatives(coef, expo, x, grad, hess):
    """f(x), and grad f, Hessian of f written into ``grad``, ``hess``."""
    M, N = expo.shape
    grad[:] = 0.0
    hess[:, :] = 0.0
    value = 0.0
    for a in range(M):
        mono = coef[a]
        for i in range(N):
            mono *= x[i] ** expo[a, i]
        value += mono
        for i in range(N):
            ei = expo[a, i]
            if ei == 0:
                continue
            gi = coef[a] * ei * x[i] ** (ei - 1)
            for j in range(N):
                if j != i:
                    gi *= x[j] ** expo[a, j]
            grad[i] += gi
            for j in range(N):
                ej = expo[a, j] - (1 if j == i else 0)
                if ej <= 0:
                    continue
                h = coef[a] * ei * ej
                for m in range(N):
                    em = expo[a, m] - (1 if m == i else 0) - (1 if m == j else 0)
                    h *= x[m] ** em
                hess[i, j] += h
    return value


@njit(cache=True, nogil=True)
def newton_critical(coef, expo, x, iterations):
    """Newton on (grad f(x) - mu x, (|x|^2 - 1)/2) = 0 from x (normalised in place); returns True
    when it converged to a critical point of f on the unit sphere (x then holds it)."""
    N = x.shape[0]
    grad = np.empty(N)
    hess = np.empty((N, N))
    J = np.empty((N + 1, N + 1))
    rhs = np.empty(N + 1)
    x /= math.sqrt(np.sum(x * x))
    for _ in range(iterations):
        poly_derivatives(coef, expo, x, grad, hess)
        mu = np.sum(x * grad)
        residual = 0.0
        for i in range(N):
            residual += (grad[i] - mu * x[i]) ** 2
        if math.sqrt(residual) < TOL * (1.0 + abs(mu)):
            return True
        for i in range(N):
            for j in range(N):
                J[i, j] = hess[i, j]
            J[i, i] -= mu
            J[i, N] = -x[i]
            J[N, i] = x[i]
            rhs[i] = -(grad[i] - mu * x[i])
        J[N, N] = 0.0
        rhs[N] = 0.0
        step = solve(J, rhs)
        norm = math.sqrt(np.sum(step[:N] ** 2))
        scale = 1.0 if norm < 0.5 else 0.5 / norm  # a trust region keeps far starts on the sphere
        for i in range(N):
            x[i] += scale * step[i]
        x /= math.sqrt(np.sum(x * x))
    return False


@njit(cache=True, nogil=True)
def solve(A, b):
    """x with A x = b: Gaussian elimination with partial pivoting (A and b are overwritten)."""
    n = b.shape[0]
    for c in range(n):
        piv = c
        for r in range(c + 1, n):
            if abs(A[r, c]) > abs(A[piv, c]):
                piv = r
        if piv != c:
            for j in range(n):
                A[c, j], A[piv, j] = A[piv, j], A[c, j]
            b[c], b[piv] = b[piv], b[c]
        for r in range(c + 1, n):
            factor = A[r, c] / A[c, c]
            for j in range(c, n):
                A[r, j] -= factor * A[c, j]
            b[r] -= factor * b[c]
    x = np.empty(n)
    for r in range(n - 1, -1, -1):
        acc = b[r]
        for j in range(r + 1, n):
            acc -= A[r, j] * x[j]
        x[r] = acc / A[r, r]
    return x


@njit(cache=True, nogil=True)
def morse_index(coef, expo, x):
    """Number of negative eigenvalues of the Riemannian Hessian P (Hess f - mu I) P of f on the unit
    sphere at the critical point x (mu = x . grad f): the tangent block in the orthonormal basis of
    a Householder reflection mapping x to e_1, its inertia from the signs of the pivots of an
    LDL^T elimination (Sylvester; a zero pivot has probability 0)."""
    N = x.shape[0]
    grad = np.empty(N)
    hess = np.empty((N, N))
    poly_derivatives(coef, expo, x, grad, hess)
    mu = np.sum(x * grad)
    v = x.copy()
    v[0] += 1.0 if x[0] >= 0 else -1.0
    vv = np.sum(v * v)
    Q = np.empty((N, N))  # Householder: Q e_1 = -+x, columns 1.. span the tangent space
    for i in range(N):
        for j in range(N):
            Q[i, j] = (1.0 if i == j else 0.0) - 2.0 * v[i] * v[j] / vv
    AQ = np.zeros((N, N))
    for i in range(N):
        for j in range(N):
            for m in range(N):
                AQ[i, j] += (hess[i, m] - (mu if i == m else 0.0)) * Q[m, j]
    T = np.zeros((N, N))
    for i in range(N):
        for j in range(N):
            for m in range(N):
                T[i, j] += Q[m, i] * AQ[m, j]
    negative = 0
    for c in range(1, N):
        pivot = T[c, c]
        if pivot < 0:
            negative += 1
        for r in range(c + 1, N):
            factor = T[r, c] / pivot
            for j in range(c, N):
                T[r, j] -= factor * T[c, j]
    return negative


@njit(cache=True, nogil=True)
def all_critical_points(coef, expo, p, seed, batch, max_starts, iterations):
    """Critical points of f on the unit sphere: (points (K, N), their indices (K,), starts used,
    Morse identity held). Starts are Gaussian directions from numba's generator seeded by ``seed``."""
    N = expo.shape[1]
    np.random.seed(seed)
    cap = 2 * N + 4 * (p - 1) ** N  # at most 2((p-1)^N - 1)/(p-2) real critical points (p >= 3), 2N at p = 2
    points = np.empty((cap, N))
    index = np.empty(cap, dtype=np.int64)
    count = 0
    euler = 1 + (-1) ** (N - 1)
    starts = 0
    x = np.empty(N)
    ok = False
    while starts < max_starts:
        before = count
        for _ in range(batch):
            starts += 1
            for i in range(N):
                x[i] = np.random.standard_normal()
            if not newton_critical(coef, expo, x, iterations):
                continue
            for sign in (1.0, -1.0):
                new = True
                for c in range(count):
                    d = 0.0
                    for i in range(N):
                        d += (points[c, i] - sign * x[i]) ** 2
                    if d < SAME * SAME:
                        new = False
                        break
                if new and count < cap:
                    for i in range(N):
                        points[count, i] = sign * x[i]
                    index[count] = morse_index(coef, expo, points[count])
                    count += 1
        alternating = 0
        for c in range(count):
            alternating += 1 if index[c] % 2 == 0 else -1
        if alternating == euler and count == before and count > 0:
            ok = True
            break
    return points[:count], index[:count], starts, ok


@njit(cache=True, nogil=True)
def count_by_index(coefs, expo, p, seeds, batch, max_starts, iterations):
    """For each row of ``coefs`` (one Hamiltonian): critical points per index (rows, N), and
    whether the Morse identity held (rows,)."""
    rows, N = coefs.shape[0], expo.shape[1]
    counts = np.zeros((rows, N), dtype=np.int64)
    ok = np.zeros(rows, dtype=np.bool_)
    for r in range(rows):
        _, index, _, good = all_critical_points(coefs[r], expo, p, seeds[r], batch, max_starts, iterations)
        for k in index:
            if 0 <= k < N:
                counts[r, k] += 1
        ok[r] = good
    return counts, ok


def draw_coefficients(gen: np.random.Generator, rows: int, multiplicity: np.ndarray) -> np.ndarray:
    """Monomial coefficients of ``rows`` Hamiltonians: c_a ~ N(0, multiplicity_a), independent."""
    return gen.standard_normal((rows, multiplicity.shape[0])) * np.sqrt(multiplicity)


# --- dense p = 3 Hamiltonians at larger N (NumPy: the work is BLAS matrix-vector products) ---

def symmetric_tensor(gen: np.random.Generator, N: int) -> np.ndarray:
    """The symmetric part S of a (N, N, N) tensor of i.i.d. N(0, 1): H(s) = N^-1 sum S s s s."""
    J = gen.standard_normal((N, N, N))
    return (J + J.transpose(0, 2, 1) + J.transpose(1, 0, 2) + J.transpose(1, 2, 0) + J.transpose(2, 0, 1)
            + J.transpose(2, 1, 0)) / 6.0


@njit(cache=True, nogil=True)
def contract(S, s, A):
    """A = S(s, ., .) for a symmetric (N, N, N) tensor S (written into A)."""
    N = s.shape[0]
    for i in range(N):
        for j in range(i, N):
            acc = 0.0
            for m in range(N):
                acc += S[i, j, m] * s[m]
            A[i, j] = acc
            A[j, i] = acc


@njit(cache=True, nogil=True)
def descend_to_critical(S, s, max_descent, newton_steps, step, switch):
    """Projected gradient descent on H(s) = N^-1 S(s, s, s) over |s|^2 = N from s (in place) until
    the Riemannian gradient is below ``switch`` (at most ``max_descent`` steps), then Newton on
    (grad H - mu s, (|s|^2 - N)/2) = 0 (steps capped at length 1) to a nearby critical point;
    returns (H/N, |Riemannian gradient|)."""
    N = s.shape[0]
    A = np.empty((N, N))
    s *= math.sqrt(N / np.sum(s * s))
    K = np.empty((N + 1, N + 1))
    rhs = np.empty(N + 1)
    residual = np.inf
    descent, newton = 0, 0
    while True:
        contract(S, s, A)
        g = 3.0 * (A @ s) / N  # Euclidean gradient of H
        mu = np.sum(g * s) / N  # = 3 H / N: the multiplier of grad H = mu s at a critical point
        residual = math.sqrt(np.sum((g - mu * s) ** 2))
        if residual < 1e-10 or newton >= newton_steps:
            break
        if residual > switch and descent < max_descent:
            s -= step * (g - mu * s)
            descent += 1
        else:
            for i in range(N):
                for j in range(N):
                    K[i, j] = 6.0 * A[i, j] / N
                K[i, i] -= mu
                K[i, N] = -s[i]
                K[N, i] = s[i]
                rhs[i] = -(g[i] - mu * s[i])
            K[N, N] = 0.0
            rhs[N] = 0.0
            d = solve(K, rhs)[:N]
            length = math.sqrt(np.sum(d * d))
            s += d if length < 1.0 else d / length
            newton += 1
        s *= math.sqrt(N / np.sum(s * s))
    contract(S, s, A)
    return np.sum(A * np.outer(s, s)) / N / N, residual


def critical_hessian(S: np.ndarray, x0: np.ndarray, max_descent: int = 3000, newton_steps: int = 30):
    """Gradient descent from x0 (at most ``max_descent`` steps; 0: none), then Newton, to a critical
    point of H(s) = N^-1 S(s, s, s) on |s|^2 = N; returns (energy per spin H/N, eigenvalues of the
    Riemannian Hessian on the N - 1 tangent directions, |Riemannian gradient|)."""
    N = S.shape[0]
    s = np.array(x0, dtype=np.float64)
    u, residual = descend_to_critical(S, s, max_descent, newton_steps, 0.08, 1e-3)
    A = np.empty((N, N))
    contract(S, s, A)
    q, _ = np.linalg.qr(np.column_stack([s, np.eye(N)[:, : N - 1]]))
    basis = q[:, 1:]  # orthonormal tangent directions
    hess = basis.T @ (6.0 * A / N - 3.0 * u * np.eye(N)) @ basis  # mu = 3 H/N = p u
    return u, np.linalg.eigvalsh((hess + hess.T) / 2), residual


# --- binary perceptron: exact enumeration in Gray-code order ---

@njit(cache=True, nogil=True)
def popcount(v):
    c = 0
    while v:
        v &= v - 1
        c += 1
    return c


@njit(cache=True, nogil=True)
def pair_histogram(xi, y):
    """Ordered pairs (W, W') of solutions of the perceptron sign(W . xi_mu) = y_mu for all mu, by
    Hamming distance (N + 1 bins; bin 0 counts the solutions), over all W in {-1, +1}^N."""
    P, N = xi.shape
    h = np.zeros(P)
    for m in range(P):  # W = (-1, ..., -1): code 0
        for i in range(N):
            h[m] -= xi[m, i]
    sols = np.empty(1 << N, dtype=np.int64)
    n_sols = 0
    code = 0
    for t in range(1 << N):
        if t > 0:  # Gray code: step t flips the bit of t's lowest set bit
            i = 0
            while not (t >> i) & 1:
                i += 1
            code ^= 1 << i
            sign = 2.0 if (code >> i) & 1 else -2.0  # bit set: weight -1 -> +1
            for m in range(P):
                h[m] += sign * xi[m, i]
        good = True
        for m in range(P):
            if y[m] * h[m] <= 0.0:
                good = False
                break
        if good:
            sols[n_sols] = code
            n_sols += 1
    hist = np.zeros(N + 1, dtype=np.int64)
    for a in range(n_sols):
        hist[0] += 1
        for b in range(a + 1, n_sols):
            hist[popcount(sols[a] ^ sols[b])] += 2
    return hist


@njit(cache=True, nogil=True)
def pair_histograms(xis, ys):
    """``pair_histogram`` for each instance (xis: (rows, P, N), ys: (rows, P))."""
    rows, _, N = xis.shape
    out = np.zeros((rows, N + 1), dtype=np.int64)
    for r in range(rows):
        out[r] = pair_histogram(xis[r], ys[r])
    return out


def draw_perceptron(gen: np.random.Generator, rows: int, P: int, N: int) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian patterns (rows, P, N) and uniform random labels +-1 (rows, P)."""
    return gen.standard_normal((rows, P, N)), np.where(gen.random((rows, P)) < 0.5, -1.0, 1.0)


def pair_histogram_reference(xi: np.ndarray, y: np.ndarray) -> np.ndarray:
    """NumPy reference: every W as a row of a (2^N, N) sign matrix, one matrix product, then all
    pairwise distances of the solutions."""
    P, N = xi.shape
    codes = np.arange(1 << N)
    W = np.where((codes[:, None] >> np.arange(N)[None, :]) & 1, 1.0, -1.0)
    solved = np.all((W @ xi.T) * y[None, :] > 0, axis=1)
    S = W[solved]
    dist = ((N - S @ S.T) / 2).round().astype(np.int64)
    return np.bincount(dist.ravel(), minlength=N + 1)
