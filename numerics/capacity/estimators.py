"""Monte Carlo drivers of the capacity simulators: independent random instances in chunks
(one SeedSequence stream per chunk, so results do not depend on the number of threads), each
chunk run by a kernel of ``kernels``; plus NumPy references for tests and benchmarks."""
from __future__ import annotations

import math

import numpy as np

from .._parallel import map_chunks
from .balls import ball_chunk
from .gray_code import ising_chunk
from .hit_and_run import bayes_chunk, gibbs_chunk
from .kernels import cover_chunk, margin_chunk, max_stability_chunk, separable_dichotomies, storable_chunk


def labelled_patterns(g, k: int, P: int, N: int) -> tuple[np.ndarray, np.ndarray]:
    """A chunk of k instances: P patterns xi ~ N(0, I_N) each, shape (k, P, N), and fair +-1 labels,
    shape (k, P), drawn from ``g`` in that order."""
    return g.standard_normal((k, P, N)), np.where(g.random((k, P)) < 0.5, -1.0, 1.0)


def separable_count(P: int, N: int, samples: int, seed, chunk: int = 256) -> tuple[int, int]:
    """(separable, certificate failures) among ``samples`` random instances (Gaussian points, fair labels)."""

    def work(g, k):
        return cover_chunk(*labelled_patterns(g, k, P, N), P, N)

    parts = map_chunks(work, samples, chunk, seed)
    return sum(p[0] for p in parts), sum(p[1] for p in parts)



def dichotomy_count(P: int, N: int, seed) -> int:
    """Separable dichotomies (all 2^P labellings, each decided exactly) of P Gaussian points in R^N,
    drawn from ``seed`` (in general position with probability 1)."""
    Z = np.random.default_rng(seed).standard_normal((P, N))
    count, fail = separable_dichotomies(Z)
    if fail:
        raise RuntimeError(f"{fail} simplex certificates failed verification (P={P}, N={N})")
    return int(count)


def storable_counts(N: int, kappa: float, samples: int, seed, budget: float = 4.0, chunk: int = 8) -> np.ndarray:
    """P_max at margin kappa (the largest number of leading random patterns stored with stability
    min_mu y_mu xi_mu.w/|w| >= kappa, xi ~ N(0, I_N)) of ``samples`` random pattern sequences of
    length budget N (the capacity at kappa >= 0 is at most 2N: the budget must not be reached)."""
    P = int(math.ceil(budget * N))

    def work(g, k):
        return storable_chunk(*labelled_patterns(g, k, P, N), float(kappa))

    parts = map_chunks(work, samples, chunk, seed)
    if sum(p[1] for p in parts):
        raise RuntimeError(f"storable_counts: {sum(p[1] for p in parts)} failed certificates or AdaTron runs")
    counts = np.concatenate([p[0] for p in parts])
    if counts.max() >= P:
        raise RuntimeError("pattern budget reached; increase budget")
    return counts


def max_margins(P: int, N: int, samples: int, seed, chunk: int = 8) -> np.ndarray:
    """Maximal margins (|w| = 1, fields x.w with x ~ N(0, I_N)... scaled by 1/sqrt(N)) of random instances."""

    def work(g, k):
        Z, labels = labelled_patterns(g, k, P, N)
        return margin_chunk(Z / math.sqrt(N), labels, P, N)

    parts = map_chunks(work, samples, chunk, seed)
    if sum(p[1] for p in parts):
        raise RuntimeError("AdaTron did not converge")
    return np.concatenate([p[0] for p in parts]) * math.sqrt(N)



def ising_storable_counts(N: int, samples: int, seed, chunk: int = 16, P: int | None = None) -> np.ndarray:
    """Max storable pattern counts of ``samples`` random +-1 pattern sets (labels absorbed), N odd."""
    if N % 2 == 0:
        raise ValueError("N must be odd (no zero fields)")
    P = P or 3 * N + 10

    def work(g, k):
        S = np.where(g.random((k, N, P)) < 0.5, -1, 1).astype(np.int16)
        return ising_chunk(S, N, P)

    counts = np.concatenate(map_chunks(work, samples, chunk, seed))
    if counts.max() >= P:
        raise RuntimeError("pattern budget P reached; increase P")
    return counts


def ising_reference_numpy(XT: np.ndarray) -> int:
    """NumPy reference: all 2^(N-1) weight vectors as a matrix, fields by matmul, prefix by argmin."""
    N, P = XT.shape
    best = 0
    rows = 1 << min(N - 1, 16)
    free = N - 1
    for start in range(0, 1 << free, rows):
        g = np.arange(start, start + rows, dtype=np.int64)
        bits = (g[:, None] >> np.arange(free)) & 1
        W = np.concatenate([1 - 2 * bits, np.ones((rows, 1), dtype=np.int64)], axis=1).astype(np.float32)
        H = W @ XT.astype(np.float32)
        for sign in (1, -1):
            ok = (sign * H) > 0
            first_fail = np.where(ok.all(axis=1), P, np.argmin(ok, axis=1))
            best = max(best, int(first_fail.max()))
    return best



def hebb_errors(N: int, P: int, samples: int, seed, chunk: int = 4096) -> np.ndarray:
    """eps = arccos(R)/pi of the Hebb student J = sum_mu sign(T.xi_mu) xi_mu, from sufficient statistics.

    With T = e_1 (rotation invariance) and xi_mu ~ N(0, I_N): J_1 = sum_mu |xi_mu1| and
    J_perp = sum_mu sign(xi_mu1) xi_mu,perp ~ N(0, P I_{N-1}) independently, so
    R = A / sqrt(A^2 + P chi2_{N-1}) with A a sum of P half-normals: exact in distribution,
    O(P) per sample instead of O(P N).
    """

    def work(g, k):
        A = np.abs(g.standard_normal((k, P))).sum(axis=1)
        C = g.chisquare(N - 1, size=k)
        return np.arccos(A / np.sqrt(A * A + P * C)) / math.pi

    return np.concatenate(map_chunks(work, samples, chunk, seed))



def max_stability_errors(N: int, P: int, samples: int, seed, chunk: int = 8) -> np.ndarray:
    """eps of the maximally stable student (AdaTron, always separable: the teacher separates)."""

    def work(g, k):
        return max_stability_chunk(g.standard_normal((k, P, N)) / math.sqrt(N))

    parts = map_chunks(work, samples, chunk, seed)
    if sum(p[1] for p in parts):
        raise RuntimeError("AdaTron did not converge")
    return np.concatenate([p[0] for p in parts])



def ball_margins(P: int, N: int, D: int, R: float, samples: int, seed, chunk: int = 4):
    """Maximal margins (lower, upper) of P random labelled D-dim L2 balls of radius R in R^N."""

    def work(g, k):
        C = g.standard_normal((k, P, N)) / math.sqrt(N)
        U = g.standard_normal((k, P, D, N)) / math.sqrt(N)
        y = np.where(g.random((k, P)) < 0.5, -1.0, 1.0)
        return ball_chunk(C, U, y, float(R))

    parts = map_chunks(work, samples, chunk, seed)
    lo = np.concatenate([p[0] for p in parts]) * math.sqrt(N)
    hi = np.concatenate([p[1] for p in parts]) * math.sqrt(N)
    if not np.all(np.isfinite(lo)) or np.any(lo <= 0):
        raise RuntimeError("ball instance not separable (or dual ascent not converged): "
                           "the check needs alpha well below capacity")
    return lo, hi



def gibbs_errors(N: int, P: int, samples: int, seed, sweeps: int | None = None, chunk: int = 16) -> np.ndarray:
    """eps of the zero-temperature Gibbs student, by coordinate hit-and-run started at the teacher.

    With a uniform prior and noiseless labels the posterior is uniform on the version space
    and the teacher T = e_1 is an exact draw from it; J0 = U^(1/N) T is then an exact draw from
    the uniform law on the body {X J >= 0, |J| <= 1}, so the chain is stationary from the start
    and the sweeps only decorrelate J from T. Default 4N sweeps (at N = 40, alpha = 3:
    eps = 0.1761 +- 0.0014 after 4N sweeps, 0.1774 +- 0.0014 after 16N).
    """
    sweeps = sweeps or 4 * N

    def work(g, k):
        Z = g.standard_normal((k, P, N))
        R0 = g.random(k) ** (1.0 / N)
        U = g.random((k, sweeps, N))
        return gibbs_chunk(Z, R0, U)

    return np.concatenate(map_chunks(work, samples, chunk, seed))



def bayes_errors(N: int, P: int, samples: int, seed, chains: int = 4, sweeps: int | None = None,
                 chunk: int = 8) -> np.ndarray:
    """eps of the Bayes (centre-of-mass) student, from ``chains`` independent Gibbs chains per sample.

    The centre of mass J_cm = E[u] of the version space (u uniform on it) has
    eps = arccos(T.J_cm / |J_cm|)/pi. With K independent posterior draws u_a, mean_a T.u_a is
    unbiased for T.J_cm and (|sum_a u_a|^2 - K) / (K (K-1)) for |J_cm|^2; their ratio is
    plugged in per sample (a nonlinearity bias of order 1/(K N), below the errors here).
    """
    sweeps = sweeps or 4 * N

    def work(g, k):
        Z = g.standard_normal((k, P, N))
        R0 = g.random((k, chains)) ** (1.0 / N)
        U = g.random((k, chains, sweeps, N))
        r, q = bayes_chunk(Z, R0, U)
        return np.arccos(np.clip(r / np.sqrt(np.maximum(q, 1e-300)), -1.0, 1.0)) / math.pi

    return np.concatenate(map_chunks(work, samples, chunk, seed))

