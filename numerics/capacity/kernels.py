"""Numba kernels of the perceptron simulators that decide separability and margins (float64; a
kernel and the helpers it calls live in one module, so that Numba's cache stays coherent). The
``*_chunk`` kernels run one chunk of independent samples for the drivers in ``estimators``.

- ``gordan_simplex``: exact linear separability of labelled points x_mu = y_mu xi_mu by a
  hyperplane through the origin. By Gordan's theorem exactly one holds: some w has
  x_mu . w > 0 for all mu (separable), or some c >= 0, sum c = 1 has sum c_mu x_mu = 0.
  The second is a phase-1 LP in standard form with N+1 rows and P columns, solved by a
  dense-tableau simplex (Dantzig's rule, Bland's rule after a run of degenerate pivots).
  Both outcomes come with a certificate that is checked: c (residual of sum c_mu x_mu) or
  the separating w read off the optimal phase-1 duals (w = -y, x_mu . w >= y_N > 0).
  ``separable_dichotomies`` runs it on all 2^P labellings of one point set.
- ``adatron``: coordinate ascent on the dual of the max-margin problem
  min |w|^2 s.t. x_mu . w >= 1 (the AdaTron, Anlauf & Biehl 1989); it converges to the
  maximally stable perceptron whenever the data are separable; stopped on the KKT gap.
  ``margin_at_least`` runs it with a certified bracket of the maximal margin, to decide whether
  patterns are stored with a given margin; ``max_stability_chunk`` trains the maximally stable
  student of a teacher.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit


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
def signed_rows(Z, y, X):
    """X[mu] = y_mu Z[mu] in place: the labelled patterns as a perceptron through the origin sees them."""
    P, N = Z.shape
    for mu in range(P):
        for i in range(N):
            X[mu, i] = y[mu] * Z[mu, i]


@njit(cache=True, nogil=True)
def separable_dichotomies(Z):
    """(separable labellings, certificate failures) among all 2^P labellings of the rows of Z.

    Every labelling y in {-1, +1}^P of the P points is decided by ``gordan_simplex`` on the
    rows y_mu z_mu: an exact count of the dichotomies realised by hyperplanes through the origin.
    """
    P, N = Z.shape
    X = np.empty((P, N))
    y = np.empty(P)
    count = 0
    fail = 0
    for mask in range(1 << P):
        for mu in range(P):
            y[mu] = -1.0 if (mask >> mu) & 1 else 1.0
        signed_rows(Z, y, X)
        st, _, _ = gordan_simplex(X)
        if st == 1:
            count += 1
        elif st < 0:
            fail += 1
    return count, fail


@njit(cache=True, nogil=True)
def cover_chunk(Z, labels, P, N):
    """Count separable instances in a chunk: Z has shape (k, P, N) of N(0,1) entries."""
    k = Z.shape[0]
    sep = 0
    fail = 0
    X = np.empty((P, N))
    for s in range(k):
        signed_rows(Z[s], labels[s], X)
        st, _, _ = gordan_simplex(X)
        if st == 1:
            sep += 1
        elif st < 0:
            fail += 1
    return sep, fail



@njit(cache=True, nogil=True)
def adatron(X, tol=1e-6, max_sweeps=100000):
    return adatron_warm(X, np.zeros(X.shape[0]), tol, max_sweeps)


@njit(cache=True, nogil=True)
def adatron_sweep(X, w, lam, norms):
    """One AdaTron sweep in place (exact coordinate ascent on the dual of min |w|^2/2 s.t. X w >= 1,
    w = X^T lam, lam >= 0; Anlauf & Biehl 1989); returns the largest KKT violation seen: 1 - E_mu
    where lam_mu = 0 and E_mu < 1, |1 - E_mu| where lam_mu > 0 (E = X w before the update)."""
    P, N = X.shape
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
    return worst


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
        if adatron_sweep(X, w, lam, norms) < tol:
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
def margin_chunk(Z, labels, P, N):
    k = Z.shape[0]
    out = np.empty(k)
    X = np.empty((P, N))
    bad = 0
    for s in range(k):
        signed_rows(Z[s], labels[s], X)
        w, margin, ok, _ = adatron(X)
        out[s] = margin
        if not ok:
            bad += 1
    return out, bad


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
def max_stability_chunk(Z):
    k, P, N = Z.shape
    out = np.empty(k)
    X = np.empty((P, N))
    y = np.empty(P)
    bad = 0
    for s in range(k):
        for mu in range(P):
            y[mu] = 1.0 if Z[s, mu, 0] > 0 else -1.0  # the teacher e_1's labels
        signed_rows(Z[s], y, X)
        w, margin, ok, _ = adatron(X)
        if not ok:
            bad += 1
        out[s] = math.acos(w[0] / math.sqrt((w * w).sum())) / math.pi
    return out, bad


@njit(cache=True, nogil=True)
def margin_at_least(X, kappa, max_sweeps=200000):
    """Whether the rows of X are stored with margin kappa > 0 by some w: 1 yes, 0 no, -1 undecided.

    AdaTron sweeps (exact coordinate ascent on the dual of min |w|^2/2 s.t. X w >= 1, w = X^T lam)
    with a certified bracket of the maximal margin after each sweep: min_mu x_mu.w / |w| (attained
    by w, where all fields are positive) below, 1/sqrt(2 dual) above (weak duality: the dual value
    never exceeds |w*|^2/2 = 1/(2 kappa*^2)). Non-separable rows make the dual grow without bound,
    so the upper end falls below kappa: no LP is needed.
    """
    P, N = X.shape
    lam = np.zeros(P)
    w = np.zeros(N)
    norms = np.empty(P)
    for mu in range(P):
        norms[mu] = (X[mu] * X[mu]).sum()
    for sweep in range(max_sweeps):
        adatron_sweep(X, w, lam, norms)
        nw2 = (w * w).sum()
        dual = lam.sum() - nw2 / 2
        if dual > 0.0 and 1.0 / math.sqrt(2.0 * dual) < kappa:
            return 0
        lowest = np.inf
        for mu in range(P):
            e = 0.0
            for i in range(N):
                e += X[mu, i] * w[i]
            lowest = min(lowest, e)
        if nw2 > 0.0 and lowest > 0.0 and lowest / math.sqrt(nw2) >= kappa:
            return 1
    return -1


@njit(cache=True, nogil=True)
def storable_at_margin(X, kappa):
    """Largest P such that the first P rows of X are stored with margin kappa > 0 (the maximal margin
    of a prefix does not increase with P, so a binary search finds it; each probe is decided by
    ``margin_at_least``). Returns (P_max, undecided probes)."""
    lo, hi = 0, X.shape[0]  # prefix lo is storable; prefix hi + 1 is not (or hi = P)
    fail = 0
    while lo < hi:
        mid = (lo + hi + 1) // 2
        verdict = margin_at_least(X[:mid], kappa)
        if verdict < 0:
            fail += 1
        if verdict == 1:
            lo = mid
        else:
            hi = mid - 1
    return lo, fail


@njit(cache=True, nogil=True)
def storable_chunk(Z, labels, kappa):
    """P_max at margin kappa of each sample of a chunk: Z (k, P, N) of N(0,1) entries, labels (k, P)."""
    k, P, N = Z.shape
    out = np.empty(k, dtype=np.int64)
    fail = 0
    X = np.empty((P, N))
    for s in range(k):
        signed_rows(Z[s], labels[s], X)
        out[s], f = storable_at_margin(X, kappa)
        fail += f
    return out, fail
