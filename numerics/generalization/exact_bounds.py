"""Exact sub-checks of the loose norm and VC bounds: where their power comes from (docs/mutation.md).

The Monte Carlo checks ``rademacher-relu-*-above`` and ``vc-dimension-upper-constructions`` can
only show that ``rademacher-bound`` and ``vc-dimension-upper`` hold; these checks pin the value.

* ``rademacher-bound-linear-exact``: the Golowich-Rakhlin-Shamir and the Neyshabur-Tomioka-Srebro
  (p = 1) bounds are a theorem constant times the empirical Rademacher complexity of the linear
  class their proofs peel the network down to (the l2 ball of radius prod_j M_j; the l1 ball of
  radius phi), at inputs where that complexity equals the data factor the theorem bounds it by.
  The complexity is enumerated exactly over all 2^n sign vectors (sup in closed form by the dual
  norm), times the constant stated here a second time from the theorem; at depth 1 the linear
  class is the network class itself.
* ``rademacher-spectral-dudley-exact``: the Bartlett-Foster-Telgarsky bound against Dudley's
  entropy integral minimised numerically over its cut-off (quadrature of the square root of
  their Thm 3.3 covering bound, a bounded scalar minimisation), not its closed-form minimiser.
* ``vc-dimension-upper-growth-exact``: the closed form of BHLM's Thm 6 above the largest m that
  their growth-function bound allows, 2^m <= prod_i 2 (2 e m k_i p i / W_i)^W_i (found by bisection
  at 50 digits): by 3-5 %, so the bound is tight at 5 % here and a loosening slip fails it.
"""
from __future__ import annotations

import math

import numpy as np

from ...theory import evaluate
from ...theory.generalization import architecture, spectral_bound
from .._check import check
from .._stats import Estimate


# ----------------------------------------------------------------- the linear classes, enumerated
def sign_vectors(n: int) -> np.ndarray:
    """All 2^n vectors in {-1, +1}^n, one a row (n <= 16)."""
    if not 1 <= n <= 16:
        raise ValueError(f"n = {n}: enumerating 2^n sign vectors needs 1 <= n <= 16")
    bits = (np.arange(2**n)[:, None] >> np.arange(n)[None, :]) & 1
    return 2.0 * bits - 1.0


def orthogonal_inputs(n: int, norm: float, seed) -> np.ndarray:
    """n orthogonal inputs of l2 norm ``norm`` in R^(n+1): rows of a random orthogonal matrix."""
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((n + 1, n + 1)))
    return norm * q[:n]


def sign_pattern_inputs(n: int, norm: float) -> np.ndarray:
    """n inputs in R^(2^(n-1)) whose columns are the sign patterns s with s(0) = +1 (x_ij = norm s_j(i)):
    max_i ||x_i||_inf = norm, and for every sign vector some column is +-sigma, so
    max_j |sum_i sigma_i x_ij| = norm n (the l1 ball realises every labelling at margin ``norm``)."""
    s = sign_vectors(n)
    return norm * s[s[:, 0] > 0].T.copy()


def linear_rademacher(X: np.ndarray, radius: float, ball: str) -> float:
    """Empirical Rademacher complexity (1/n) E_sigma sup_{||w|| <= radius} sum_i sigma_i <w, x_i> of the
    l2 or l1 ball, exactly: the mean over all 2^n sign vectors of radius ||sum_i sigma_i x_i||_dual / n."""
    n = X.shape[0]
    sums = sign_vectors(n) @ X
    dual = np.linalg.norm(sums, axis=1) if ball == "l2" else np.abs(sums).max(axis=1)
    return float(radius * dual.mean() / n)


def grs_constant(depth: int) -> float:
    """sqrt(2 ln(2) D) + 1: GRS (2018) Thm 1's factor over prod_j M_j sqrt(sum_i ||x_i||^2) / n."""
    return math.sqrt(2 * math.log(2) * depth) + 1


def nts_constant(depth: int, input_dim: int, n: int) -> float:
    """2^d sqrt(ln(2D) / n): NTS (2015) Thm 1 at p = 1 over phi max_i ||x_i||_inf (the l1 ball's
    complexity at the sign-pattern inputs, where 2D = 2^n makes it 2^d sqrt(ln 2))."""
    return 2**depth * math.sqrt(math.log(2 * input_dim) / n)


def _linear_grid(quick):
    grs = [([1.0], 1.0, 4), ([1.5], 0.5, 11), ([2.0, 0.5], 1.3, 8), ([1.5, 2.0, 0.5], 1.0, 6)]
    nts = [(1, 1.0, 1.0, 4), (1, 2.5, 0.7, 10), (2, 1.0, 1.0, 7), (3, 3.0, 2.0, 5)]
    if not quick:
        grs += [([1.0] * 4, 2.0, 9), ([3.0, 0.2], 1.0, 12)]
        nts += [(2, 0.5, 1.0, 12), (4, 1.0, 1.0, 6)]
    return ([{"form": "golowich-rakhlin-shamir", "frobenius_norms": m, "input_norm": b, "n": n} for m, b, n in grs]
            + [{"form": "neyshabur-tomioka-srebro", "path_norm": phi, "depth": d, "input_dim": 2 ** (n - 1),
                "input_norm": b, "n": n} for d, phi, b, n in nts])


def _linear_wrong(point):
    """A slip in the theorem's constant: GRS with sqrt(D ln 2) + 1 (the 2 dropped); NTS with ln D for ln 2D."""
    bound = float(evaluate("rademacher-bound", **point))
    if point["form"] == "golowich-rakhlin-shamir":
        depth = len(point["frobenius_norms"])
        return bound * (math.sqrt(math.log(2) * depth) + 1) / grs_constant(depth)
    return bound * math.sqrt(math.log(point["input_dim"]) / math.log(2 * point["input_dim"]))


@check("rademacher-bound-linear-exact", quantity="rademacher-bound",
       title="GRS and NTS bounds = theorem constant x exact Rademacher complexity of the peeled linear class",
       grid=_linear_grid, rule="exact", tolerance=1e-12, x="n",
       wrong=_linear_wrong, wrong_label="GRS with sqrt(D ln 2) + 1; NTS with ln D for ln 2D",
       ylabel="constant x (1/n) E max_w sum sigma_i <w, x_i> (all 2^n signs)", logy=True)
def measure_linear_exact(point, seed, quick):
    """GRS: the l2 ball of radius prod_j M_j on n orthogonal inputs of norm B, where ||sum sigma_i x_i||_2 =
    sqrt(sum ||x_i||^2) for every sign vector, times sqrt(2 ln(2) D) + 1. NTS (p = 1): the l1 ball of
    radius phi on the sign-pattern inputs (D = 2^(n-1) columns), where max_j |sum_i sigma_i x_ij| = B n
    for every sign vector, times 2^d sqrt(ln(2D)/n). Exact: one pass over all 2^n sign vectors."""
    n, B = point["n"], point["input_norm"]
    if point["form"] == "golowich-rakhlin-shamir":
        norms = point["frobenius_norms"]
        rad = linear_rademacher(orthogonal_inputs(n, B, seed), math.prod(norms), "l2")
        return Estimate(grs_constant(len(norms)) * rad, 0.0, 2**n)
    X = sign_pattern_inputs(n, B)
    if X.shape[1] != point["input_dim"]:
        raise ValueError("neyshabur-tomioka-srebro points need input_dim = 2^(n-1) (the sign-pattern inputs)")
    rad = linear_rademacher(X, point["path_norm"], "l1")
    return Estimate(nts_constant(point["depth"], point["input_dim"], n) * rad, 0.0, 2**n)


# ----------------------------------------------------------------- BFT: Dudley's integral, minimised numerically
def dudley_minimum(spectral_norms, l21_norms, max_dim, input_norm, n) -> float:
    """inf_{0 < alpha <= U} 4 alpha / sqrt(n) + (12/n) int_alpha^U sqrt(ln N(eps)) d eps (BFT Lemma A.5), with
    BFT Thm 3.3's covering bound ln N(eps) <= ||X||_2^2 ln(2 W^2) R_A^2 / eps^2, ||X||_2 = B sqrt(n) (every
    input at norm B) and U = ||X||_2 prod_i s_i (the class radius: ln N = 0 beyond it). Scipy quadrature of
    the integrand and a bounded minimisation over ln(alpha), plus the endpoint alpha = U."""
    from scipy import integrate, optimize

    s, b = list(spectral_norms), list(l21_norms)
    R_A = math.prod(s) * sum((bi / si) ** (2 / 3) for si, bi in zip(s, b)) ** 1.5
    X2 = input_norm * math.sqrt(n)
    U = X2 * math.prod(s)
    log_cover = X2**2 * math.log(2 * max_dim**2) * R_A**2

    def objective(t):
        alpha = math.exp(t)
        tail = integrate.quad(lambda e: math.sqrt(log_cover) / e, alpha, U, epsabs=0, epsrel=1e-13, limit=200)[0]
        return 4 * alpha / math.sqrt(n) + 12 / n * tail

    best = optimize.minimize_scalar(objective, bounds=(math.log(U) - 60, math.log(U)), method="bounded",
                                    options={"xatol": 1e-12})
    return min(float(best.fun), objective(math.log(U)))


def _spectral_grid(quick):
    cases = [((1.0,), (1.0,), 2, 1.0, 40), ((1.5, 2.0), (3.0, 5.0), 10, 0.8, 10**6),
             ((1.0, 1.0), (1.0, 1.0), 2, 1.0, 640), ((1.5, 2.0, 0.7), (3.0, 5.0, 0.7), 64, 1.3, 10**4),
             ((1.5, 2.0, 0.7), (3.0, 5.0, 0.7), 64, 1.3, 100)]  # the last: alpha* beyond the radius U
    if not quick:
        cases += [((2.0,), (0.5,), 3, 1.0, 10**8), ((1.0, 0.5, 2.0, 1.0), (2.0, 1.0, 4.0, 3.0), 128, 0.5, 10**5),
                  ((1.0, 1.0), (1.0, 1.0), 2, 1.0, 40 * 4**4)]
    return [{"form": "bartlett-foster-telgarsky", "spectral_norms": s, "l21_norms": b, "max_dim": W,
             "input_norm": B, "n": n} for s, b, W, B, n in cases]


def _spectral_wrong(point):
    """A wrong log: ln(W^2) for ln(2 W^2); None where both give the radius branch 4 B prod s_i."""
    p = {k: v for k, v in point.items() if k != "form"}
    p["max_dim"] = p["max_dim"] / math.sqrt(2)
    wrong = spectral_bound(**p)
    return None if wrong == float(evaluate("rademacher-bound", **point)) else wrong


@check("rademacher-spectral-dudley-exact", quantity="rademacher-bound",
       title="BFT bound = Dudley's integral of their covering bound, minimised numerically",
       grid=_spectral_grid, rule="exact", tolerance=1e-9, x="n",
       wrong=_spectral_wrong, wrong_label="the bound with ln(W^2) for ln(2 W^2)",
       ylabel="min over alpha of Dudley's bound", logy=True)
def measure_spectral_dudley(point, seed, quick):
    """Dudley's entropy integral with BFT's covering bound, minimised over the cut-off numerically."""
    return Estimate(dudley_minimum(point["spectral_norms"], point["l21_norms"], point["max_dim"],
                                   point["input_norm"], point["n"]), 0.0, 1)


# ----------------------------------------------------------------- BHLM: the growth bound before the lemma
def growth_exponent_margin(m: int, widths, input_dim: int, pieces: int, ctx):
    """ln(prod_i 2 (2 e m k_i p (1 + (i-1)) / W_i)^W_i) - m ln 2 at ``ctx``'s precision: BHLM's layer-wise
    growth bound (proof of their Thm 6, degree 1) over the 2^m labellings a shattered set needs."""
    ks, _, cumulative = architecture(widths, input_dim)
    total = -m * ctx.log(2)
    for i, (k, Wi) in enumerate(zip(ks, cumulative), start=1):
        total += ctx.log(2) + Wi * ctx.log(2 * ctx.e * m * k * pieces * i / ctx.mpf(Wi))
    return total


def largest_growth_allowed(widths, input_dim: int, pieces: int = 2) -> int:
    """The largest integer m with 2^m <= BHLM's growth bound at m: no set larger can be shattered. The margin
    is concave in m with its maximum at m0 = sum_i W_i / ln 2, so bisection from m0 upwards finds it; every
    comparison is made at 50 digits and must clear 1e-30 (else ArithmeticError: too close to call)."""
    import mpmath

    ctx = mpmath.mp.clone()
    ctx.dps = 50
    _, _, cumulative = architecture(widths, input_dim)

    def allowed(m):
        margin = growth_exponent_margin(m, widths, input_dim, pieces, ctx)
        if abs(margin) < ctx.mpf("1e-30"):
            raise ArithmeticError(f"2^m against the growth bound too close to call at m = {m}")
        return margin > 0

    lo = math.ceil(sum(cumulative) / math.log(2))
    if not allowed(lo):
        raise ArithmeticError("the growth bound allows no m at its maximum")
    hi = 2 * lo
    while allowed(hi):
        lo, hi = hi, 2 * hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if allowed(mid) else (lo, mid)
    return lo


def _growth_grid(quick):
    cases = [((1,), 1, 2), ((3,), 1, 2), ((2, 3), 2, 2), ((10,) * 20, 5, 2), ((16,) * 6, 2, 2)]
    if not quick:
        cases += [((1,), 5, 2), ((8, 8), 2, 2), ((5, 7, 7, 7, 2), 3, 2), ((100,), 10, 2), ((50,) * 50, 50, 2),
                  ((5,), 3, 3), ((40, 9, 9, 9, 9, 9), 5, 2)]
    return [{"widths": w, "input_dim": d, "pieces": p} for w, d, p in cases]


def _growth_wrong(point):
    """The constant 4e halved (log2 one smaller): L + Lbar W (log2(4 e p R log2(2 e p R)) - 1)."""
    _, _, cumulative = architecture(point["widths"], point["input_dim"])
    return float(evaluate("vc-dimension-upper", **point)) - sum(cumulative)


@check("vc-dimension-upper-growth-exact", quantity="vc-dimension-upper",
       title="BHLM's closed form above the largest m their growth-function bound allows (2^m <= Pi(m))",
       grid=_growth_grid, rule="upper-bound",
       wrong=_growth_wrong, wrong_label="the bound with 2e for 4e (Lbar W smaller)",
       ylabel="largest m with 2^m <= prod_i 2 (2 e m k_i p i / W_i)^W_i", logy=True)
def measure_growth_exact(point, seed, quick):
    """BHLM bound Pi(m) layer by layer; a shattered set of m points needs 2^m <= Pi(m). The largest such m
    (exact integer) is what the growth bound proves; the closed form must lie above it, within 5 % somewhere."""
    return Estimate(float(largest_growth_allowed(point["widths"], point["input_dim"], point["pieces"])), 0.0, 1)
