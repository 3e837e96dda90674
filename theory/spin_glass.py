"""Critical points of the spherical pure p-spin model (Auffinger, Ben Arous & Cerny 2013), the
model Choromanska, Henaff, Mathieu, Ben Arous & LeCun (2015) map a network's loss onto.

H_N(s) = N^(-(p-1)/2) sum_{i1..ip} J_{i1..ip} s_i1 ... s_ip on the sphere |s|^2 = N, J i.i.d.
N(0, 1). Crt_{N,k}(u) counts the critical points of index k (number of negative eigenvalues of
the Riemannian Hessian) whose energy per spin H/N is at most u (ABC's B = (-inf, u)): minima sit
at negative energies, and the layers are -E_0 < -E_1 < ... < -E_inf.

Kac-Rice (recomputed here, see ``derivations/spin_glass.py``): on the sphere the gradient has
variance p per tangent direction, the tangent Hessian is sqrt(2(N-1)p(p-1)/N) M - p u I with M a
GOE_{N-1} matrix (off-diagonal variance 1/(2(N-1)), diagonal 1/(N-1)) independent of the energy
u ~ N(0, 1/N), and folding the Gaussian energy into the determinant gives ABC's identity

    E Crt_{N,k}(u) = 2 sqrt(2/p) (p-1)^(N/2) E_GOE_N[ exp(-N (p-2)/(2p) lambda_k^2)
                                                       1{lambda_k <= sqrt(p/(2(p-1))) u} ],

lambda_k the (k+1)-th smallest eigenvalue of GOE_N (density prop. to |Delta(lambda)|
exp(-N sum lambda^2 / 2), semicircle on [-sqrt 2, sqrt 2]). At p = 2 it gives 2 critical points
of each index, 2N in all, the +-eigenvectors of the symmetrised coupling matrix. The GOE_N
expectation is computed here by integrating the ordered joint eigenvalue density: the
Vandermonde is expanded as det[P_j(lambda_i)] (monic Hermite P_j), and the ordered integral is a
dynamic programme over the sets of columns used (2^N states) with cumulative quadrature on a
grid (Euler-Maclaurin corrected trapezoid, relative error below 1e-8 at N <= 10; the
normalisation is tested against Mehta's integral).
"""
from __future__ import annotations

import math

from ._quantity import BadInput, Int, Real, quantity

ABC = ("Auffinger, Ben Arous & Cerny (2013), Random matrices and complexity of spin glasses, "
       "Comm. Pure Appl. Math. 66")
CHOROMANSKA = ("Choromanska, Henaff, Mathieu, Ben Arous & LeCun (2015), The loss surfaces of multilayer "
               "networks, AISTATS")
MAX_N = 10  # the GOE_N dynamic programme has 2^N states: N = 10 takes about a second


def threshold(p: int) -> float:
    """E_inf = 2 sqrt((p-1)/p)."""
    return 2.0 * math.sqrt((p - 1) / p)


def goe_edge_rate(x: float) -> float:
    """I_1(x) = int_x^{-sqrt 2} sqrt(z^2 - 2) dz for x <= -sqrt 2 (0 above): the rate of one GOE
    eigenvalue (semicircle on [-sqrt 2, sqrt 2]) found at x below the bulk."""
    if x >= -math.sqrt(2.0):
        return 0.0
    s = math.sqrt(x * x - 2.0)
    return -x * s / 2.0 - math.log(-x + s) + math.log(math.sqrt(2.0))


def complexity(p: int, k: int, u: float) -> float:
    """Theta_{k,p}(u) of ABC 2013 (their Theorem 2.5), natural logarithm."""
    e_inf = threshold(p)
    if u >= -e_inf:
        return 0.5 * math.log(p - 1) - (p - 2) / p
    x = u * math.sqrt(p / (2.0 * (p - 1)))  # the GOE eigenvalue at energy u
    return 0.5 * math.log(p - 1) - (p - 2) / (4.0 * (p - 1)) * u * u - (k + 1) * goe_edge_rate(x)


@quantity("pspin-threshold-energy", Int("p", lo=2, hi=10_000, doc="interaction order"), status="asymptotic",
          citation=ABC + ", Theorem 2.5 (E_inf); restated by " + CHOROMANSKA,
          verified="recomputed", examples=({"p": 3}, {"p": 2}, {"p": 10}),
          exempt={"check": "the lower edge of the Hessian semicircle, an N -> infinity limit; check "
                           "pspin-hessian-spectrum tests that semicircle and its shift -p u"})
def pspin_threshold_energy(p: int):
    """E_inf = 2 sqrt((p-1)/p): below energy -E_inf per spin the Hessian's semicircle lies above 0.

    At a critical point of energy u the Riemannian Hessian is a GOE matrix with semicircle radius
    2 sqrt(p(p-1)) shifted by -p u; its lower edge -2 sqrt(p(p-1)) - p u is positive exactly when
    u < -2 sqrt((p-1)/p) (recomputed here from the Kac-Rice covariances; ABC 2013, Theorem 2.5,
    name it E_inf). Asymptotic: the edge of the N -> infinity spectrum.
    """
    return threshold(p)


@quantity("pspin-complexity", Int("p", lo=2, hi=10_000, doc="interaction order"),
          Int("index", lo=0, hi=10**6, doc="index k (number of negative Hessian eigenvalues)"),
          Real("energy", lo=-1e6, hi=1e6, doc="energy per spin u (count critical values H/N <= u)"),
          status="asymptotic", verified="recomputed",
          citation=ABC + ", Theorem 2.5 (Theta_{k,p}); restated by " + CHOROMANSKA,
          examples=({"p": 3, "index": 0, "energy": -1.65}, {"p": 3, "index": 2, "energy": -1.7},
                    {"p": 4, "index": 0, "energy": 0.0}))
def pspin_complexity(p: int, index: int, energy: float):
    """Theta_{k,p}(u) = lim (1/N) ln E Crt_{N,k}(u), the annealed complexity (nats per spin).

    Theta = (1/2) ln(p-1) - (p-2)/(4(p-1)) u^2 - (k+1) I_1(u)   for u <= -E_inf,
    Theta = (1/2) ln(p-1) - (p-2)/p                               for u >= -E_inf,
    with I_1(u) = -(u/E_inf^2) sqrt(u^2 - E_inf^2) - ln(-u + sqrt(u^2 - E_inf^2)) + ln E_inf.
    Energies follow ABC's convention (critical values H/N below u; minima are negative).
    ABC 2013, Theorem 2.5; recomputed here from the exact finite-N identity (``pspin-expected-
    critical-points``) with the large deviations of the (k+1)-th smallest GOE eigenvalue, rate
    (k+1) I_1 below the bulk (ABC's large deviation principle for the k-th GOE eigenvalue). Asymptotic (N -> infinity); annealed (the
    log of a mean, not the typical count).
    """
    return complexity(p, index, energy)


@quantity("pspin-critical-energy", Int("p", lo=3, hi=10_000, doc="interaction order (p >= 3)"),
          Int("index", lo=0, hi=10**6, doc="index k"), status="asymptotic", verified="recomputed",
          citation=ABC + ", Theorem 2.5 (E_k: the zero of Theta_{k,p}); " + CHOROMANSKA
                   + " (the band -E_0 < -E_1 < ... < -E_inf)",
          examples=({"p": 3, "index": 0}, {"p": 3, "index": 1}, {"p": 4, "index": 0}, {"p": 3, "index": 50}),
          exempt={"derivation": "the zero of pspin-complexity (derived in pspin-landscape), found by bisection; "
                                "no closed form"})
def pspin_critical_energy(p: int, index: int):
    """E_k: the root E > E_inf of Theta_{k,p}(-E) = 0, so that -E_0 < -E_1 < ... < -E_inf.

    No critical point of index k lies below -E_k per spin with probability -> 1 (the annealed count
    there is exponentially small); -E_0 bounds the ground-state energy per spin from below.
    p = 3: E_0 = 1.65706..., E_inf = 1.63299...
    Solved by bisection to double precision (Theta_{k,p}(-E) is strictly decreasing in E > E_inf).
    Asymptotic (N -> infinity).
    """
    lo, hi = threshold(p), threshold(p) + 1.0
    while complexity(p, index, -hi) > 0:
        hi *= 2
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        lo, hi = (mid, hi) if complexity(p, index, -mid) > 0 else (lo, mid)
    return (lo + hi) / 2


def goe_gaussian_moment(N: int, c: float, index: int | None = None, h: float = 0.002) -> float:
    """E_GOE_N[exp(-c lambda_k^2)] for the (k+1)-th smallest eigenvalue (index k), or
    E[sum_i exp(-c lambda_i^2)] when ``index`` is None; GOE_N with density prop. to
    |Delta| exp(-N sum lambda^2 / 2). Ordered-integral dynamic programme (module docstring)."""
    import numpy as np

    half = 6.5 / math.sqrt(N / 2)
    x = np.arange(-half, half + h / 2, h)
    w = np.exp(-N * x * x / 2)
    g = np.exp(-c * x * x)
    y = math.sqrt(N) * x
    polys = [np.ones_like(x), y.copy()]
    for j in range(2, N):
        polys.append(y * polys[-1] - (j - 1) * polys[-2])

    def cumulative(f):
        out = np.zeros_like(f)
        np.cumsum((f[1:] + f[:-1]) * (h / 2), out=out[1:])
        d = np.gradient(f, h, edge_order=2)
        return out - h * h / 12 * (d - d[0])  # Euler-Maclaurin end correction: O(h^4)

    def integral(marked):
        # state: (set of columns used, whether the marked factor g was applied) -> function on the grid
        states = {(0, False): np.ones_like(x)}
        for row in range(N):
            new = {}
            for (used, done), f in states.items():
                for j in range(N):
                    if used >> j & 1:
                        continue
                    sign = -1.0 if bin(used >> (j + 1)).count("1") % 2 else 1.0
                    options = [(done, w)]
                    if marked == "any" and not done:
                        options.append((True, w * g))
                    elif marked == row:
                        options = [(True, w * g)]
                    for flag, weight in options:
                        key = (used | 1 << j, flag)
                        term = sign * f * polys[j] * weight
                        new[key] = new[key] + term if key in new else term
            states = {key: cumulative(v) for key, v in new.items()}
        full = (1 << N) - 1
        return float(states[(full, marked is not None)][-1])

    return integral("any" if index is None else index) / integral(None)


@quantity("pspin-expected-critical-points", Int("N", lo=2, hi=MAX_N, doc="number of spins (cost guard: <= 10)"),
          Int("p", lo=2, hi=100, doc="interaction order"),
          Int("index", lo=0, hi=MAX_N - 1, default=None, doc="index k (0 <= k < N); omitted: all indices"),
          status="exact", verified="recomputed",
          citation=ABC + ", the Kac-Rice identity E Crt_{N,k}(B) = 2 sqrt(2/p)(p-1)^{N/2} E_GOE_N[...] behind "
                   "Theorems 2.5 and 2.8",
          examples=({"N": 3, "p": 3, "index": 0}, {"N": 2, "p": 3}, {"N": 4, "p": 3, "index": 1},
                    {"N": 5, "p": 2}))
def pspin_expected_critical_points(N: int, p: int, index: int | None = None):
    """E Crt_{N,k}(R) = 2 sqrt(2/p) (p-1)^(N/2) E_GOE_N[exp(-N (p-2)/(2p) lambda_k^2)]: the exact
    expected number of critical points of index k (all energies) at finite N; summed over k when
    index is omitted.

    Kac-Rice on S^{N-1}(sqrt N), recomputed here (derivation ``pspin-critical-points``); ABC 2013
    write the same identity with an energy window. Checks of the normalisation: p = 2 gives
    exactly 2 per index and 2N in all (the +-eigenvectors of a symmetric matrix); N = 2 gives
    sqrt(3p - 2) per index, the expected number of real eigenvector pairs of a Kostlan binary form
    (Draisma & Horobet 2016). The GOE_N expectation is an ordered-eigenvalue integral evaluated
    numerically to relative error < 1e-8 (cost guard N <= 10). Exact.
    """
    if index is not None and index >= N:
        raise BadInput("index", index, f"integer 0 <= index <= N - 1 = {N - 1}")
    moment = goe_gaussian_moment(N, N * (p - 2) / (2 * p), index)
    return 2.0 * math.sqrt(2.0 / p) * (p - 1) ** (N / 2) * moment


def semicircle_quantile(level: float) -> float:
    """t with F(t) = level for the semicircle law on [-1, 1]: F(t) = 1/2 + (t sqrt(1 - t^2) + asin t)/pi."""
    lo, hi = -1.0, 1.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        cdf = 0.5 + (mid * math.sqrt(1.0 - mid * mid) + math.asin(mid)) / math.pi
        lo, hi = (mid, hi) if cdf < level else (lo, mid)
    return (lo + hi) / 2


@quantity("pspin-hessian-quantile", Int("p", lo=2, hi=10_000, doc="interaction order"),
          Real("energy", lo=-1e6, hi=1e6, doc="energy per spin u = H/N of the critical point"),
          Real("level", lo=0, hi=1, lo_open=True, hi_open=True, doc="quantile level, 0 < level < 1"),
          status="asymptotic", verified="recomputed",
          citation=ABC + ", the Hessian at a critical point as a shifted GOE matrix (Kac-Rice, behind Theorem 2.5); "
                   "recomputed here",
          examples=({"p": 3, "energy": 0.0, "level": 0.25}, {"p": 3, "energy": -1.6, "level": 0.5},
                    {"p": 4, "energy": -1.0, "level": 0.9}))
def pspin_hessian_quantile(p: int, energy: float, level: float):
    """-p u + 2 sqrt(p(p-1)) t_L: the level-L quantile of the spectrum of the Riemannian Hessian of
    H_N at a critical point of energy per spin u, as N -> infinity (t_L the semicircle quantile
    on [-1, 1]).

    The tangent Euclidean Hessian has independent Gaussian entries of variance p(p-1)/N off the
    diagonal and 2p(p-1)/N on it, independent of H and of the gradient (recomputed from the
    covariance N (s.s'/N)^p); the sphere's curvature adds -(s . grad H / N) I = -p u I. Its
    empirical spectral law is the semicircle of radius 2 sqrt(p(p-1)) shifted by -p u (ABC 2013;
    the conditioning on a critical point, a weight |det Hess|, moves it only by O(1/N)).
    Asymptotic.
    """
    return -p * energy + 2.0 * math.sqrt(p * (p - 1)) * semicircle_quantile(level)
