"""Simulators for perceptron capacity and learning curves, and their checks and benchmarks.

Kernels (Numba, float64, one module so the cache stays coherent):

- ``gordan_simplex``: exact linear separability of labelled points x_mu = y_mu xi_mu by a
  hyperplane through the origin. By Gordan's theorem exactly one holds: some w has
  x_mu . w > 0 for all mu (separable), or some c >= 0, sum c = 1 has sum c_mu x_mu = 0.
  The second is a phase-1 LP in standard form with N+1 rows and P columns, solved by a
  dense-tableau simplex (Dantzig's rule, Bland's rule after a run of degenerate pivots).
  Both outcomes come with a certificate that is checked: c (residual of sum c_mu x_mu) or
  the separating w read off the optimal phase-1 duals (w = -y, x_mu . w >= y_N > 0).
- ``adatron``: coordinate ascent on the dual of the max-margin problem
  min |w|^2 s.t. x_mu . w >= 1 (the AdaTron, Anlauf & Biehl 1989); it converges to the
  maximally stable perceptron whenever the data are separable; stopped on the KKT gap.
- ``ising_max_prefix``: all 2^(N-1) binary weight vectors with w_N = +1 in Gray-code
  order (one flip, O(P) field update per vector); for each w and for -w, the number of
  leading patterns stored; the maximum over all w is the sample's storable count.
- ``gibbs_coordinate_hit_and_run``: the zero-temperature Gibbs student, a uniform draw from
  the version space, by coordinate hit-and-run in {X J >= 0, |J| <= 1} started at the
  teacher (itself an exact posterior draw, so the chain is stationary from the start); the
  Bayes student's overlap from four independent chains per sample (unbiased estimates of
  T.J_cm and |J_cm|^2).
- ``ball_dual_ascent``: maximal margin for labelled L2 balls, exactly: block-coordinate
  ascent on the dual (one second-order cone per ball), stopped on the duality gap, which
  brackets the maximal margin between an attained lower bound and a dual upper bound.
  (A cutting-plane LP/QP, adding each ball's worst point, was tried first: the cut points
  of one ball crowd together and the point-set QP became too ill-conditioned to converge.)
"""
from __future__ import annotations

import math
import os

import numpy as np
from numba import njit, prange

from ._bench import Timing, benchmark, best_time
from ._check import check
from ._parallel import map_chunks
from ._stats import extrapolate, mean, proportion


# ============================================================================ simplex (Gordan)
@njit(cache=True, nogil=True)
def gordan_simplex(X, tol=1e-9):
    """Separability of the rows of X (P x N) through the origin, with a certificate.

    Returns (status, vec, pivots): status 1 separable (vec = w, X w > 0 verified),
    0 not separable (vec = c >= 0, sum c = 1, |X^T c| small verified), -1 a certificate
    failed its verification (numerical trouble; counted by the callers, never hidden).
    """
    P, N = X.shape
    m = N + 1
    n = P + m
    T = np.zeros((m, n + 1))
    for mu in range(P):
        for i in range(N):
            T[i, mu] = X[mu, i]
        T[N, mu] = 1.0
    for i in range(m):
        T[i, P + i] = 1.0
    T[N, n] = 1.0
    for i in range(N):  # distinct tiny right-hand sides break the degeneracy of b = 0
        T[i, n] = 1e-10 * (1.0 + i / m)
    basis = np.empty(m, dtype=np.int64)
    for i in range(m):
        basis[i] = P + i
    # reduced costs of phase 1 (cost 1 on artificials)
    r = np.zeros(n)
    for j in range(P):
        s = 0.0
        for i in range(m):
            s += T[i, j]
        r[j] = -s
    degenerate = 0
    pivots = 0
    while True:
        # entering column
        enter = -1
        if degenerate < 50:
            best = -tol
            for j in range(n):
                if r[j] < best:
                    best = r[j]
                    enter = j
        else:  # Bland: first improving column
            for j in range(n):
                if r[j] < -tol:
                    enter = j
                    break
        if enter < 0:
            break
        leave = -1
        ratio = np.inf
        for i in range(m):
            a = T[i, enter]
            if a > tol:
                q = T[i, n] / a
                if q < ratio - 1e-15 or (abs(q - ratio) <= 1e-15 and leave >= 0 and basis[i] < basis[leave]):
                    ratio = q
                    leave = i
        if leave < 0:  # unbounded cannot happen in phase 1 (objective bounded below by 0)
            return -1, np.zeros(N), pivots
        degenerate = degenerate + 1 if T[leave, n] <= 0.0 else 0  # zero step (rhs perturbed: rare)
        piv = T[leave, enter]
        for j in range(n + 1):
            T[leave, j] /= piv
        for i in range(m):
            if i != leave:
                f = T[i, enter]
                if f != 0.0:
                    for j in range(n + 1):
                        T[i, j] -= f * T[leave, j]
        f = r[enter]
        for j in range(n):
            r[j] -= f * T[leave, j]
        basis[leave] = enter
        pivots += 1
        if pivots > 50 * (n + m):
            return -1, np.zeros(N), pivots
    objective = 0.0
    for i in range(m):
        if basis[i] >= P:
            objective += T[i, n]
    if objective <= 1e-6:
        c = np.zeros(P)
        for i in range(m):
            if basis[i] < P:
                c[basis[i]] = max(T[i, n], 0.0)
        total = c.sum()
        if total <= 0:
            return -1, np.zeros(N), pivots
        c /= total
        res = 0.0
        for i in range(N):
            s = 0.0
            for mu in range(P):
                s += c[mu] * X[mu, i]
            res = max(res, abs(s))
        if res > 1e-6:
            return -1, np.zeros(N), pivots
        out = np.zeros(max(N, P))
        out[:P] = c
        return 0, out, pivots
    # separable: duals y_i = 1 - (reduced cost of artificial i); w = -y[:N]
    w = np.empty(N)
    for i in range(N):
        w[i] = -(1.0 - r[P + i])
    for mu in range(P):
        s = 0.0
        for i in range(N):
            s += X[mu, i] * w[i]
        if s <= 0.0:
            return -1, w, pivots
    return 1, w, pivots


@njit(cache=True, nogil=True)
def _cover_chunk(Z, labels, P, N):
    """Count separable instances in a chunk: Z has shape (k, P, N) of N(0,1) entries."""
    k = Z.shape[0]
    sep = 0
    fail = 0
    X = np.empty((P, N))
    for s in range(k):
        for mu in range(P):
            y = labels[s, mu]
            for i in range(N):
                X[mu, i] = y * Z[s, mu, i]
        st, _, _ = gordan_simplex(X)
        if st == 1:
            sep += 1
        elif st < 0:
            fail += 1
    return sep, fail


def separable_count(P: int, N: int, samples: int, seed, chunk: int = 256) -> tuple[int, int]:
    """(separable, certificate failures) among ``samples`` random instances (Gaussian points, fair labels)."""

    def work(g, k):
        Z = g.standard_normal((k, P, N))
        labels = np.where(g.random((k, P)) < 0.5, -1.0, 1.0)
        return _cover_chunk(Z, labels, P, N)

    parts = map_chunks(work, samples, chunk, seed)
    return sum(p[0] for p in parts), sum(p[1] for p in parts)


def _cover_grid(quick):
    if quick:
        return [{"P": p, "N": 8} for p in (8, 12, 16, 20, 24)]
    return [{"P": p, "N": n} for n in (8, 24) for p in (n, int(1.5 * n), 2 * n, int(2.5 * n), 3 * n)]


@check("capacity-cover-separability", quantity="cover-separable-probability",
       title="Cover: separable fraction (exact LP, Gordan simplex)",
       grid=_cover_grid, x="P", ylabel="P(separable)",
       wrong=lambda pt: _cover_wrong(pt), wrong_label="Cover's count with N-1 (one dimension short)")
def measure_cover(point, seed, quick):
    n = 6000 if quick else _scaled(((0, 40000),))[0][1]
    sep, fail = separable_count(point["P"], point["N"], n, seed)
    if fail:
        raise RuntimeError(f"{fail} simplex certificates failed verification at {point}")
    return proportion(sep, n)


def _cover_wrong(pt):
    from dltheory.theory import evaluate

    return float(evaluate("cover-separable-probability", P=pt["P"], N=max(pt["N"] - 1, 1)))


# ============================================================================ max margin (AdaTron)
@njit(cache=True, nogil=True)
def adatron(X, tol=1e-6, max_sweeps=100000):
    return adatron_warm(X, np.zeros(X.shape[0]), tol, max_sweeps)


@njit(cache=True, nogil=True)
def adatron_warm(X, lam0, tol=1e-6, max_sweeps=100000):
    """Max-margin w for the rows of X (min |w|^2 s.t. X w >= 1), dual coordinate ascent.

    Returns (w, margin, converged): margin = min_mu x_mu.w / |w| (computed from w).
    Convergence: KKT conditions to ``tol``: E_mu >= 1 - tol for all mu and
    E_mu <= 1 + tol wherever lambda_mu > 0, with E = X w.
    """
    P, N = X.shape
    lam = lam0.copy()
    w = np.zeros(N)
    for mu in range(P):
        if lam[mu] != 0.0:
            for i in range(N):
                w[i] += lam[mu] * X[mu, i]
    norms = np.empty(P)
    for mu in range(P):
        s = 0.0
        for i in range(N):
            s += X[mu, i] * X[mu, i]
        norms[mu] = s
    converged = False
    for sweep in range(max_sweeps):
        worst = 0.0
        for mu in range(P):
            e = 0.0
            for i in range(N):
                e += X[mu, i] * w[i]
            new = lam[mu] + (1.0 - e) / norms[mu]
            if new < 0.0:
                new = 0.0
            d = new - lam[mu]
            if d != 0.0:
                lam[mu] = new
                for i in range(N):
                    w[i] += d * X[mu, i]
            v = 1.0 - e
            if lam[mu] > 0.0 or v > 0.0:
                v = abs(v) if lam[mu] > 0.0 else v
                if v > worst:
                    worst = v
        if worst < tol:
            converged = True
            break
    nw = math.sqrt((w * w).sum())
    margin = np.inf
    for mu in range(P):
        e = 0.0
        for i in range(N):
            e += X[mu, i] * w[i]
        margin = min(margin, e / nw)
    return w, margin, converged, lam


@njit(cache=True, nogil=True)
def _margin_chunk(Z, labels, P, N):
    k = Z.shape[0]
    out = np.empty(k)
    X = np.empty((P, N))
    bad = 0
    for s in range(k):
        for mu in range(P):
            y = labels[s, mu]
            for i in range(N):
                X[mu, i] = y * Z[s, mu, i]
        w, margin, ok, _ = adatron(X)
        out[s] = margin
        if not ok:
            bad += 1
    return out, bad


def max_margins(P: int, N: int, samples: int, seed, chunk: int = 8) -> np.ndarray:
    """Maximal margins (|w| = 1, fields x.w with x ~ N(0, I_N)... scaled by 1/sqrt(N)) of random instances."""

    def work(g, k):
        Z = g.standard_normal((k, P, N)) / math.sqrt(N)
        labels = np.where(g.random((k, P)) < 0.5, -1.0, 1.0)
        return _margin_chunk(Z, labels, P, N)

    parts = map_chunks(work, samples, chunk, seed)
    if sum(p[1] for p in parts):
        raise RuntimeError("AdaTron did not converge")
    return np.concatenate([p[0] for p in parts]) * math.sqrt(N)


def gardner_kappa_of_alpha(alpha: float) -> float:
    """Inverse of the registered gardner-capacity: the kappa with alpha_c(kappa) = alpha."""
    from dltheory.theory import evaluate
    from dltheory.theory.capacity import _root

    return _root(lambda k: float(evaluate("gardner-capacity", kappa=k)) - alpha, 0.0, 19.0, tol=1e-13)


def _patterns(alpha: float, n: int) -> int:
    """P = alpha n, which must be an integer: rounding would shift alpha differently at each N
    and bias the extrapolation in 1/N (seen: alpha = 0.75 at N = 50 ran at 0.76)."""
    P = alpha * n
    if abs(P - round(P)) > 1e-9:
        raise ValueError(f"alpha N = {P} is not an integer; choose sizes with alpha N integral")
    return int(round(P))


# ============================================================================ Ising: Gray-code enumeration
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
def _ising_chunk(S, N, P):
    k = S.shape[0]
    out = np.empty(k, dtype=np.int64)
    for s in range(k):
        out[s] = ising_max_prefix(S[s])
    return out


def ising_storable_counts(N: int, samples: int, seed, chunk: int = 16, P: int | None = None) -> np.ndarray:
    """Max storable pattern counts of ``samples`` random +-1 pattern sets (labels absorbed), N odd."""
    if N % 2 == 0:
        raise ValueError("N must be odd (no zero fields)")
    P = P or 3 * N + 10

    def work(g, k):
        S = np.where(g.random((k, N, P)) < 0.5, -1, 1).astype(np.int16)
        return _ising_chunk(S, N, P)

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


def _scaled(sizes):
    """Full-size sample counts times $DLTHEORY_CHECK_SCALE (the slow tests shrink them)."""
    scale = float(os.environ.get("DLTHEORY_CHECK_SCALE", "1"))
    return tuple((n, max(20, int(m * scale))) for n, m in sizes)


def _ising_sizes(quick):
    if quick:
        return [(9, 3000), (11, 2500), (13, 1500), (15, 1000), (17, 500)]
    return _scaled(((9, 20000), (11, 16000), (13, 10000), (15, 6000), (17, 3000), (19, 1500), (21, 600), (23, 200)))


def _ising_rs() -> float:
    from dltheory.theory import evaluate

    return float(evaluate("ising-perceptron-capacity", method="rs"))


@check("capacity-ising-enumeration", quantity="ising-perceptron-capacity",
       title="Ising perceptron: Gray-code enumeration, mean max P/N (N -> inf)",
       grid=lambda quick: [{"method": "1rsb"}],
       wrong=lambda pt: _ising_rs(), wrong_label="replica-symmetric capacity 4/pi")
def measure_ising(point, seed, quick):
    """Mean of P_max/N at each N (exact enumeration), extrapolated to N -> inf.

    The fit is quadratic in 1/N: the finite-size curve of this discrete problem bends
    (a linear fit over N = 9..19 undershoots; see docs/capacity.md), so the intercept
    carries the wider, honest error of the quadratic model.
    """
    sizes = _ising_sizes(quick)
    ests = [mean(ising_storable_counts(n, m, s) / n) for (n, m), s in zip(sizes, seed.spawn(len(sizes)))]
    return extrapolate([n for n, _ in sizes], ests, degree=2)


# ============================================================================ Gardner margin check
def _gardner_grid(quick):
    return [{"alpha": a} for a in ((0.5, 1.0) if quick else (0.25, 0.5, 0.75, 1.0, 1.25))]


def _gardner_sizes(quick):
    return ((48, 300), (96, 150), (192, 60)) if quick else _scaled(((48, 2000), (96, 1000), (192, 400), (384, 100)))


@check("capacity-gardner-margin", quantity="gardner-capacity",
       title="Gardner: mean max margin (AdaTron, N -> inf)",
       grid=_gardner_grid, x="alpha", ylabel="max margin kappa (N -> inf)",
       theory=lambda pt: gardner_kappa_of_alpha(pt["alpha"]),
       wrong=lambda pt: gardner_kappa_of_alpha(1.05 * pt["alpha"]),
       wrong_label="Gardner curve at 1.05 alpha")
def measure_gardner(point, seed, quick):
    sizes = _gardner_sizes(quick)
    rows = []
    for (n, m), s in zip(sizes, seed.spawn(len(sizes))):
        rows.append((n, mean(max_margins(_patterns(point["alpha"], n), n, m, s))))
    return extrapolate([n for n, _ in rows], [e for _, e in rows])


# ============================================================================ teacher-student
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


@njit(cache=True, nogil=True)
def hebb_error_direct(Z):
    """Direct Hebb student from explicit patterns Z (P x N), teacher e_1 (test reference)."""
    P, N = Z.shape
    J = np.zeros(N)
    for mu in range(P):
        s = 1.0 if Z[mu, 0] > 0 else -1.0
        for i in range(N):
            J[i] += s * Z[mu, i]
    return math.acos(J[0] / math.sqrt((J * J).sum())) / math.pi


@njit(cache=True, nogil=True)
def _ms_chunk(Z):
    k, P, N = Z.shape
    out = np.empty(k)
    X = np.empty((P, N))
    bad = 0
    for s in range(k):
        for mu in range(P):
            y = 1.0 if Z[s, mu, 0] > 0 else -1.0
            for i in range(N):
                X[mu, i] = y * Z[s, mu, i]
        w, margin, ok, _ = adatron(X)
        if not ok:
            bad += 1
        out[s] = math.acos(w[0] / math.sqrt((w * w).sum())) / math.pi
    return out, bad


def max_stability_errors(N: int, P: int, samples: int, seed, chunk: int = 8) -> np.ndarray:
    """eps of the maximally stable student (AdaTron, always separable: the teacher separates)."""

    def work(g, k):
        return _ms_chunk(g.standard_normal((k, P, N)) / math.sqrt(N))

    parts = map_chunks(work, samples, chunk, seed)
    if sum(p[1] for p in parts):
        raise RuntimeError("AdaTron did not converge")
    return np.concatenate([p[0] for p in parts])


def _ts_grid(quick):
    # max-stability stops at alpha = 3: at alpha = 5, N = 384 the AdaTron exceeded 1e5 sweeps
    if quick:
        return [{"rule": "hebb", "alpha": a} for a in (0.5, 2.0, 8.0)] + \
               [{"rule": "max-stability", "alpha": a} for a in (1.0, 2.0)] + \
               [{"rule": "gibbs", "alpha": 1.0}, {"rule": "bayes", "alpha": 1.0}]
    return [{"rule": "hebb", "alpha": a} for a in (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)] + \
           [{"rule": "max-stability", "alpha": a} for a in (0.5, 1.0, 2.0, 3.0)] + \
           [{"rule": r, "alpha": a} for r in ("gibbs", "bayes") for a in (0.5, 1.0, 2.0, 3.0)]


def _ts_sizes(rule, quick):
    if rule == "hebb":
        return ((48, 3000), (96, 3000), (192, 2000), (384, 1000)) if quick else \
            _scaled(((48, 200000), (96, 200000), (192, 100000), (384, 50000)))
    if rule == "gibbs":
        return ((20, 300), (40, 150), (80, 60)) if quick else _scaled(((20, 4000), (40, 2000), (80, 800), (160, 200)))
    if rule == "bayes":  # four chains per sample
        return ((20, 300), (40, 150), (80, 50)) if quick else _scaled(((20, 2000), (40, 1000), (80, 300), (160, 60)))
    return ((25, 240), (50, 120), (100, 40)) if quick else _scaled(((48, 1500), (96, 600), (192, 200), (384, 60)))


@check("capacity-teacher-student-simulation", quantity="teacher-student-error",
       title="Teacher-student error (Hebb; AdaTron; Gibbs/Bayes: hit-and-run; N -> inf)",
       grid=_ts_grid, x="alpha", ylabel="generalisation error", logy=True)
def measure_teacher_student(point, seed, quick):
    rule, alpha = point["rule"], point["alpha"]
    sizes = _ts_sizes(rule, quick)
    rows = []
    for (n, m), s in zip(sizes, seed.spawn(len(sizes))):
        P = _patterns(alpha, n)
        if rule == "hebb":
            errs = hebb_errors(n, P, m, s)
        elif rule == "gibbs":
            errs = gibbs_errors(n, P, m, s)
        elif rule == "bayes":
            errs = bayes_errors(n, P, m, s)
        else:
            errs = max_stability_errors(n, P, m, s)
        rows.append((n, mean(errs)))
    return extrapolate([n for n, _ in rows], [e for _, e in rows])


# ============================================================================ L2 balls: dual ascent
@njit(cache=True, nogil=True)
def _ball_chunk(C, U, y, R):
    k = C.shape[0]
    lo = np.empty(k)
    hi = np.empty(k)
    for s in range(k):
        A = C[s] * y[s][:, None]
        _, a, b, ok = ball_dual_ascent(A, U[s], R, 1e-4)
        lo[s] = a if ok else -np.inf
        hi[s] = b
    return lo, hi


def ball_margins(P: int, N: int, D: int, R: float, samples: int, seed, chunk: int = 4):
    """Maximal margins (lower, upper) of P random labelled D-dim L2 balls of radius R in R^N."""

    def work(g, k):
        C = g.standard_normal((k, P, N)) / math.sqrt(N)
        U = g.standard_normal((k, P, D, N)) / math.sqrt(N)
        y = np.where(g.random((k, P)) < 0.5, -1.0, 1.0)
        return _ball_chunk(C, U, y, float(R))

    parts = map_chunks(work, samples, chunk, seed)
    lo = np.concatenate([p[0] for p in parts]) * math.sqrt(N)
    hi = np.concatenate([p[1] for p in parts]) * math.sqrt(N)
    if not np.all(np.isfinite(lo)) or np.any(lo <= 0):
        raise RuntimeError("ball instance not separable (or dual ascent not converged): "
                           "the check needs alpha well below capacity")
    return lo, hi


@njit(cache=True, nogil=True)
def _proj_soc(z):
    """Euclidean projection of z = (lam, v) onto the second-order cone |v| <= lam."""
    lam = z[0]
    nv = math.sqrt((z[1:] * z[1:]).sum())
    if nv <= lam:
        return z
    if nv <= -lam:
        return np.zeros_like(z)
    out = np.empty_like(z)
    c = (lam + nv) / 2
    out[0] = c
    out[1:] = c * z[1:] / nv
    return out


@njit(cache=True, nogil=True)
def ball_dual_ascent(A, B, R, gap=1e-5, max_sweeps=200000):
    """Max-margin separator of labelled L2 balls {a_mu - R B_mu^T s : |s| <= 1} (D = 0: points).

    Solves min |w|^2/2 s.t. a_mu.w - R |B_mu w| >= 1 through its dual,
    max sum lam_mu - |w|^2/2 with w = sum_mu (lam_mu a_mu - R B_mu^T v_mu) over the cones
    |v_mu| <= lam_mu, by block-coordinate proximal ascent (one ball per block, projection
    onto the second-order cone; for D = 0 it is exactly the AdaTron update). Stops on the
    duality gap: with m_mu = a_mu.w - R|B_mu w|, w/min m is primal feasible, so the maximal
    margin kappa* lies in [min m / |w|, 1/sqrt(2 dual)]; returns (w, lower, upper, ok).
    """
    P, D, N = B.shape
    lam = np.zeros(P)
    V = np.zeros((P, D))
    w = np.zeros(N)
    G = np.zeros((P, D + 1, D + 1))
    L = np.zeros(P)
    for mu in range(P):
        cols = np.empty((D + 1, N))
        cols[0] = A[mu]
        for d in range(D):
            cols[d + 1] = -R * B[mu, d]
        for i in range(D + 1):
            for j in range(D + 1):
                G[mu, i, j] = (cols[i] * cols[j]).sum()
        s = 0.0
        for i in range(D + 1):  # Gershgorin bound on the largest eigenvalue
            r = 0.0
            for j in range(D + 1):
                r += abs(G[mu, i, j])
            s = max(s, r)
        L[mu] = s
    z = np.empty(D + 1)
    mtw = np.empty(D + 1)
    lower, upper = 0.0, np.inf
    for sweep in range(max_sweeps):
        for mu in range(P):
            mtw[0] = (A[mu] * w).sum()
            for d in range(D):
                mtw[d + 1] = -R * (B[mu, d] * w).sum()
            z[0] = lam[mu]
            z[1:] = V[mu]
            grad = -mtw
            grad[0] += 1.0
            for it in range(3 if D > 0 else 1):
                if D == 0:
                    znew = np.empty(1)
                    znew[0] = max(0.0, z[0] + grad[0] / G[mu, 0, 0])
                else:
                    znew = _proj_soc(z + grad / L[mu])
                dz = znew - z
                if np.abs(dz).max() == 0.0:
                    break
                w += dz[0] * A[mu]
                for d in range(D):
                    w -= R * dz[d + 1] * B[mu, d]
                grad -= G[mu] @ dz
                z = znew
            lam[mu] = z[0]
            V[mu] = z[1:]
        if sweep % 5 == 4 or D == 0:
            nw2 = (w * w).sum()
            dual = lam.sum() - nw2 / 2
            mmin = np.inf
            for mu in range(P):
                f = (A[mu] * w).sum()
                s2 = 0.0
                for d in range(D):
                    g = (B[mu, d] * w).sum()
                    s2 += g * g
                mmin = min(mmin, f - R * math.sqrt(s2))
            if mmin > 0 and dual > 0:
                lower = mmin / math.sqrt(nw2)
                upper = 1.0 / math.sqrt(2 * dual)
                if upper - lower <= gap * upper:
                    return w, lower, upper, True
    return w, lower, upper, False


def ball_kappa_of_alpha(radius: float, dim: int, alpha: float) -> float:
    """Inverse of the registered manifold-capacity-ball in kappa: alpha_B(kappa, R, D) = alpha."""
    from dltheory.theory import evaluate
    from dltheory.theory.capacity import _root

    f = lambda k: float(evaluate("manifold-capacity-ball", radius=radius, dim=dim, kappa=k)) - alpha  # noqa: E731
    return _root(f, 0.0, 19.0, tol=1e-12)


def _ball_grid(quick):
    if quick:
        return [{"radius": 1.0, "dim": 2, "alpha": a} for a in (0.15, 0.35)]
    # alpha well below capacity (2/3, 0.775, 0.772): every instance must be separable
    return ([{"radius": 1.0, "dim": 2, "alpha": a} for a in (0.1, 0.2, 0.3, 0.4)]
            + [{"radius": 0.5, "dim": 3, "alpha": a} for a in (0.2, 0.4)]
            + [{"radius": 3.0, "dim": 1, "alpha": a} for a in (0.2, 0.4)])


def _ball_sizes(quick):
    return ((40, 160), (80, 80), (160, 40)) if quick else _scaled(((80, 800), (160, 400), (320, 150)))


@check("capacity-ball-separability", quantity="manifold-capacity-ball",
       title="L2 balls: mean max margin (dual ascent, certified gap; N -> inf)",
       grid=_ball_grid, x="alpha", ylabel="max margin kappa (N -> inf)",
       theory=lambda pt: ball_kappa_of_alpha(pt["radius"], pt["dim"], pt["alpha"]),
       wrong=lambda pt: ball_kappa_of_alpha(pt["radius"], pt["dim"], 1.05 * pt["alpha"]),
       wrong_label="ball capacity curve at 1.05 alpha")
def measure_ball(point, seed, quick):
    sizes = _ball_sizes(quick)
    rows = []
    for (n, m), s in zip(sizes, seed.spawn(len(sizes))):
        P = _patterns(point["alpha"], n)
        lo, hi = ball_margins(P, n, point["dim"], point["radius"], m, s)
        rows.append((n, mean(lo)))
    return extrapolate([n for n, _ in rows], [e for _, e in rows])


# ============================================================================ benchmarks
@benchmark("capacity-separability", simulator="gordan_simplex (Numba dense-tableau phase-1 simplex)",
           reference="scipy.optimize.linprog(method='highs') feasibility LP X w >= 1")
def bench_separability(quick):
    from scipy.optimize import linprog

    N = 100
    P = 2 * N
    g = np.random.default_rng(12345)
    insts = [g.standard_normal((P, N)) * np.where(g.random((P, 1)) < 0.5, -1.0, 1.0) for _ in range(3 if quick else 10)]
    gordan_simplex(insts[0])  # compile / load from cache

    def ours():
        return [gordan_simplex(X)[0] == 1 for X in insts]

    def highs():
        return [linprog(np.zeros(N), A_ub=-X, b_ub=-np.ones(P), bounds=[(None, None)] * N,
                        method="highs").status == 0 for X in insts]

    agree = ours() == highs()
    t1, t2 = best_time(ours, 2 if quick else 3), best_time(highs, 2 if quick else 3)
    return Timing(t1, t2, f"separability of {len(insts)} instances, P = 2N = {P} Gaussian points", agree,
                  "one core each (both are serial)")


@benchmark("capacity-gray-enumeration", simulator="ising_max_prefix_parallel (Numba Gray code, prange over blocks)",
           reference="numpy: all weight vectors as a float32 matrix, fields by BLAS matmul, prefix by argmin")
def bench_enumeration(quick):
    N = 21 if quick else 25  # 2^(N-1) vectors: 2^20 quick, 2^24 full
    P = 2 * N
    g = np.random.default_rng(7)
    XT = np.where(g.random((N, P)) < 0.5, -1, 1).astype(np.int16)
    ising_max_prefix_parallel(XT[:5], 8)
    t1 = best_time(lambda: ising_max_prefix_parallel(XT, 256), 3)
    ref = ising_reference_numpy(XT)
    t2 = best_time(lambda: ising_reference_numpy(XT), 1)
    ours = ising_max_prefix_parallel(XT, 256)
    return Timing(t1, t2, f"all 2^{N - 1} vectors w (and -w) against P = {P} patterns, N = {N}",
                  ours == ref, f"{(1 << (N - 1)) / t1 / 1e6:.0f} M vectors/s on {os.cpu_count()} cores")



# ============================================================================ Gibbs learning (coordinate hit-and-run)
@njit(cache=True, nogil=True)
def gibbs_coordinate_hit_and_run(XT, J0, U):
    """Coordinate hit-and-run in the body {J : X J >= 0, |J| <= 1}, systematic scan.

    XT is X transposed (N x P). Each step i moves J_i to a uniform point of the chord along
    e_i (O(P) per step); U (sweeps x N) holds the uniforms. The uniform law on the body is
    invariant, and its directions J/|J| are uniform on the version space: the zero-temperature
    Gibbs student. Returns J after all sweeps.
    """
    N, P = XT.shape
    J = J0.copy()
    h = np.zeros(P)
    inv = np.empty((N, P))
    for i in range(N):
        for mu in range(P):
            h[mu] += XT[i, mu] * J[i]
            inv[i, mu] = 1.0 / XT[i, mu] if XT[i, mu] != 0.0 else 0.0
    n2 = (J * J).sum()
    sweeps = U.shape[0]
    for sw in range(sweeps):
        for i in range(N):
            ji = J[i]
            r = ji * ji - n2 + 1.0
            root = math.sqrt(r if r > 0.0 else 0.0)
            lo = -ji - root
            hi = -ji + root
            col = XT[i]
            ic = inv[i]
            for mu in range(P):
                x = col[mu]
                s = -h[mu] * ic[mu]
                if x > 0.0:
                    lo = max(lo, s)
                elif x < 0.0:
                    hi = min(hi, s)
            if hi <= lo:
                continue
            s = lo + (hi - lo) * U[sw, i]
            J[i] = ji + s
            n2 += 2.0 * ji * s + s * s
            for mu in range(P):
                h[mu] += s * col[mu]
    return J


@njit(cache=True, nogil=True)
def _teacher_signed_patterns(Z, XT):
    """XT[:, mu] = y_mu x_mu with the teacher T = e_1's labels y_mu = sign(x_mu[0])."""
    P, N = Z.shape
    for mu in range(P):
        y = 1.0 if Z[mu, 0] > 0 else -1.0
        for i in range(N):
            XT[i, mu] = y * Z[mu, i]


@njit(cache=True, nogil=True)
def _gibbs_chunk(Z, R0, U):
    k, P, N = Z.shape
    out = np.empty(k)
    XT = np.empty((N, P))
    for s in range(k):
        _teacher_signed_patterns(Z[s], XT)
        J0 = np.zeros(N)
        J0[0] = R0[s]
        J = gibbs_coordinate_hit_and_run(XT, J0, U[s])
        out[s] = math.acos(J[0] / math.sqrt((J * J).sum())) / math.pi
    return out


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
        return _gibbs_chunk(Z, R0, U)

    return np.concatenate(map_chunks(work, samples, chunk, seed))


@njit(cache=True, nogil=True)
def _bayes_chunk(Z, R0, U):
    """Per sample: K independent chains from the teacher; returns (T.u mean, unbiased |J_cm|^2)."""
    k, P, N = Z.shape
    K = R0.shape[1]
    rbar = np.empty(k)
    qhat = np.empty(k)
    XT = np.empty((N, P))
    for s in range(k):
        _teacher_signed_patterns(Z[s], XT)
        total = np.zeros(N)
        r = 0.0
        for a in range(K):
            J0 = np.zeros(N)
            J0[0] = R0[s, a]
            J = gibbs_coordinate_hit_and_run(XT, J0, U[s, a])
            u = J / math.sqrt((J * J).sum())
            total += u
            r += u[0]
        rbar[s] = r / K
        qhat[s] = ((total * total).sum() - K) / (K * (K - 1))
    return rbar, qhat


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
        r, q = _bayes_chunk(Z, R0, U)
        return np.arccos(np.clip(r / np.sqrt(np.maximum(q, 1e-300)), -1.0, 1.0)) / math.pi

    return np.concatenate(map_chunks(work, samples, chunk, seed))
