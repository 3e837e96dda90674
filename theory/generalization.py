"""Generalization bounds: VC dimension of ReLU networks, VC and PAC-Bayes bounds, the
kl-inverse, and Rademacher complexities of norm-bounded classes.

Every function here imports neither numba nor sympy; mpmath is imported lazily.
Conventions: risks are 0-1 risks in [0, 1]; ``n`` is the number of i.i.d. training
samples; ``delta`` the confidence parameter (the bound holds with probability >= 1-delta).
A bound larger than 1 on a 0-1 risk is vacuous; it is returned as computed, not clipped.
"""
from __future__ import annotations

import math

from ._quantity import BadInput, Choice, Int, IntList, Real, RealList, quantity

N_MAX = 10**12
WIDTH_MAX = 10**6


# ----------------------------------------------------------------- helpers
def _mp(dps):
    import mpmath

    ctx = mpmath.mp.clone()
    ctx.dps = int(dps)
    return ctx


def _out(x, dps):
    """A global-context mpmath.mpf carrying ``dps`` digits (what ``present`` understands)."""
    import mpmath

    with mpmath.workdps(int(dps) + 5):
        return mpmath.mpf(x)


def kl_bernoulli(q, p, ctx=None):
    """kl(q||p) = q ln(q/p) + (1-q) ln((1-q)/(1-p)), with 0 ln 0 = 0 (mpmath if ctx given)."""
    if ctx is None:
        import mpmath as ctx  # noqa: N813
    q, p = ctx.mpf(q), ctx.mpf(p)
    out = ctx.mpf(0)
    if q > 0:
        out += q * ctx.log(q / p)
    if q < 1:
        out += (1 - q) * ctx.log((1 - q) / (1 - p))
    return out


def kl_inverse_upper(q, c, dps: int = 30):
    """sup{p in [q, 1] : kl(q||p) <= c} to ``dps`` digits.

    Bisection (kl(q||.) increases on [q, 1) to infinity) at up to 40 digits; beyond that,
    Newton steps from the bracket's upper end at doubling precision: kl(q||.) - c is convex
    and increasing there, so Newton from the right converges monotonically and quadratically.
    """
    target = int(dps) + 10
    ctx = _mp(min(target, 50))
    q, c = ctx.mpf(q), ctx.mpf(c)
    if c == 0:
        return +q
    if q == 1:
        return ctx.mpf(1)
    if q == 0:
        return -_mp(target).expm1(-_mp(target).mpf(c))  # kl(0||p) = -ln(1-p): exact
    lo, hi = q, ctx.mpf(1)
    for _ in range(ctx.prec + 8):
        mid = (lo + hi) / 2
        if mid == lo or mid == hi:
            break
        if kl_bernoulli(q, mid, ctx) > c:
            hi = mid
        else:
            lo = mid
    if target <= 50:
        return hi  # the bracket's upper end: never below the exact inverse, so bounds stay upper bounds
    p, digits = ctx.mpf(hi), 40
    while True:
        digits = min(2 * digits, target)
        ctx = _mp(digits + 10)
        p, qq, cc = ctx.mpf(p), ctx.mpf(q), ctx.mpf(c)
        for _ in range(3 if digits < target else 6):
            if p >= 1:
                break
            step = (kl_bernoulli(qq, p, ctx) - cc) * p * (1 - p) / (p - qq)
            p = p - step
        if digits >= target:
            return p
def log_sauer(h: int, m: int) -> float:
    """ln sum_{i=0}^{min(h,m)} C(m, i) in floating point, for huge m and h.

    Exact summation where that is cheap; otherwise a rigorous upper bound (so the VC bound
    built on it stays valid): the terms below k < m/2 shrink at least geometrically with
    ratio rho = k/(m-k+1), so the sum is at most C(m,k)/(1-rho); for k >= m/2 the sum is
    2^m minus a lower tail that is at least one binomial coefficient.
    """
    top = min(h, m)
    if top == m:
        return m * math.log(2.0)
    if top <= 2000 and m <= 10**6:
        return math.log(sauer_exact(h, m))
    if 2 * top >= m:  # complement: sum = 2^m - sum_{j <= m-top-1} C(m, j)
        k = m - top - 1
        if k < 0:
            return m * math.log(2.0)
        lower = _lbin(m, k)  # the tail is at least its largest term
        return m * math.log(2.0) + math.log1p(-math.exp(min(lower - m * math.log(2.0), -1e-300)))
    return min(m * math.log(2.0), log_tail_upper(top, m))


def _lbin(m: int, i: int) -> float:
    return math.lgamma(m + 1) - math.lgamma(i + 1) - math.lgamma(m - i + 1)


def log_tail_upper(k: int, m: int, max_terms: int = 100000) -> float:
    """ln sum_{i<=k} C(m, i) for k < m/2: summed exactly until negligible, or, if that would
    take more than max_terms terms, the geometric upper bound ln C(m,k) - ln(1 - k/(m-k+1))."""
    first = _lbin(m, k)
    rho = k / (m - k + 1)
    if rho ** max_terms > 1e-18:
        return first - math.log1p(-rho)
    total, i = 0.0, k
    while i >= 0:
        t = math.exp(_lbin(m, i) - first)
        total += t
        if t < 1e-18 * total:
            break
        i -= 1
    return first + math.log(total)


def sauer_exact(h: int, m: int) -> int:
    """sum_{i=0}^{min(h,m)} C(m, i), an exact integer."""
    total, term = 0, 1
    for i in range(0, min(h, m) + 1):
        total += term
        term = term * (m - i) // (i + 1)
    return total


def architecture(widths, input_dim):
    """(ks, per_layer, cumulative): the layer sizes k_1..k_L of BHLM (hidden widths, then the
    single output unit), the parameters (weights and biases) into each layer, and the counts
    W_i of parameters into layers 1..i (W = cumulative[-1])."""
    ks = list(widths) + [1]
    ins = [input_dim] + list(widths)
    per_layer = [(a + 1) * k for a, k in zip(ins, ks)]
    cumulative = [sum(per_layer[: i + 1]) for i in range(len(ks))]
    return ks, per_layer, cumulative


def _delta_param():
    return Real("delta", lo=0, hi=1, lo_open=True, hi_open=True, doc="confidence: holds w.p. >= 1-delta")


# ----------------------------------------------------------------- kl inverse
@quantity("kl-inverse", Real("q", lo=0, hi=1, doc="empirical risk"),
          Real("c", lo=0, doc="right-hand side of kl(q||p) <= c"),
          status="exact",
          verified="recomputed",
          citation="Langford & Seeger (2001), CMU-CS-01-102, Thm 3 (the inverse they bound with); "
                   "definition kl^{-1}(q, c) = sup{p : kl(q||p) <= c}",
          examples=({"q": 0.1, "c": 0.05}, {"q": 0.0, "c": 0.3}, {"q": 0.02, "c": 0.01}, {"q": 0.5, "c": 2.0}))
def kl_inverse(q, c, dps: int = 15):
    """Upper inverse of the binary KL divergence: sup{p in [q,1] : kl(q||p) <= c}.

    kl(q||p) = q ln(q/p) + (1-q) ln((1-q)/(1-p)). Computed by mpmath bisection to ``dps``
    digits (kl(q||.) is increasing on [q, 1)). Exact edge cases: q = 1 gives 1; q = 0 gives
    1 - exp(-c) (since kl(0||p) = -ln(1-p)); c = 0 gives q. Pinsker's inequality
    kl >= 2 (p-q)^2 gives kl^{-1}(q, c) <= q + sqrt(c/2) (see the derivation).
    Status: exact (a definition evaluated to full precision).
    """
    return _out(kl_inverse_upper(q, c, dps), dps)


# ----------------------------------------------------------------- PAC-Bayes
PAC_BAYES_FORMS = ("mcallester", "shalev-shwartz-ben-david", "langford-seeger", "maurer-seeger", "maurer-pinsker",
                   "catoni")


def _pb_bounds(arch):
    if arch.samples is None or arch.delta is None:
        return None
    return {"form": "maurer-seeger", "n": arch.samples, "delta": arch.delta,
            "kl": 0.0, "empirical_risk": 0.0} if arch.samples >= 8 else None


@quantity("pac-bayes-bound", Choice("form", choices=PAC_BAYES_FORMS),
          Int("n", lo=1, hi=N_MAX), _delta_param(),
          Real("kl", lo=0, doc="KL(Q||P) in nats"),
          Real("empirical_risk", lo=0, hi=1, default=0.0, doc="empirical Gibbs risk of Q"),
          Real("catoni_c", lo=0, lo_open=True, hi=1000, default=1.0, doc="Catoni's C = lambda/n, fixed a priori"),
          status="rigorous-upper-bound",
          verified="secondary", citation="McAllester (1999) COLT Thm 1; Shalev-Shwartz & Ben-David (2014) Thm 31.1; "
                   "Langford & Seeger (2001) CMU-CS-01-102 Thm 3; "
                   "Maurer (2004) arXiv:cs/0411099 Thm 5; Catoni (2007) IMS LN 56, Thm 1.2.6",
          examples=tuple({"form": f, "n": 1000, "delta": 0.05, "kl": 5.0, "empirical_risk": 0.1}
                         for f in PAC_BAYES_FORMS[:-1])
          + ({"form": "catoni", "n": 1000, "delta": 0.05, "kl": 5.0, "empirical_risk": 0.1, "catoni_c": 2.5},
             {"form": "maurer-seeger", "n": 64, "delta": 0.05, "kl": 4.1588830833596715, "empirical_risk": 0.25}),
          bounds=_pb_bounds)
def pac_bayes_bound(form, n, delta, kl, empirical_risk=0.0, catoni_c=1.0, dps: int = 15):
    """Upper bound on the Gibbs risk R(Q), w.p. >= 1-delta simultaneously for all posteriors Q.

    With r = empirical Gibbs risk and K = KL(Q||P) for a prior P fixed before the data:
      mcallester       r + sqrt((K + ln(1/delta) + ln n + 2) / (2n - 1))   McAllester (1999), Thm 1
      shalev-shwartz-ben-david  r + sqrt((K + ln(n/delta)) / (2(n - 1))), n >= 2
                                                                Shalev-Shwartz & Ben-David (2014), Thm 31.1
      langford-seeger  kl^{-1}(r, (K + ln((n+1)/delta)) / n)              Langford & Seeger (2001)
      maurer-seeger    kl^{-1}(r, (K + ln(2 sqrt(n)/delta)) / n), n >= 8  Maurer (2004), Thm 5
      maurer-pinsker   r + sqrt((K + ln(2 sqrt(n)/delta)) / (2n)), n >= 8 Maurer's bound relaxed by Pinsker
      catoni           (1 - exp(-C r - (K + ln(1/delta))/n)) / (1 - exp(-C)), C > 0 fixed a priori
                       Catoni (2007), Thm 1.2.6 with C = lambda/N (Phi^{-1}_{lambda/N}).
    The kl forms never exceed 1; the additive ones may (vacuous). The McAllester (1999) and
    Catoni constants are as these theorems are quoted in secondary sources; the SSBD constant is
    that of the book's Exercise 31.2, the Langford-Seeger one that of Langford's 2005 tutorial,
    Thm 5.1.
    Status: rigorous upper bound.
    """
    ctx = _mp(dps + 5)
    r, K, nn, d = ctx.mpf(empirical_risk), ctx.mpf(kl), ctx.mpf(n), ctx.mpf(delta)
    if form in ("maurer-seeger", "maurer-pinsker") and n < 8:
        raise BadInput("n", n, "integer >= 8 for Maurer's ln(2 sqrt(n)/delta)", "too small")
    if form == "shalev-shwartz-ben-david" and n < 2:
        raise BadInput("n", n, "integer >= 2 for the 2(n-1) denominator", "too small")
    if form == "mcallester":
        value = r + ctx.sqrt((K + ctx.log(1 / d) + ctx.log(nn) + 2) / (2 * nn - 1))
    elif form == "shalev-shwartz-ben-david":
        value = r + ctx.sqrt((K + ctx.log(nn / d)) / (2 * (nn - 1)))
    elif form == "langford-seeger":
        value = kl_inverse_upper(r, (K + ctx.log((nn + 1) / d)) / nn, dps)
    elif form == "maurer-seeger":
        value = kl_inverse_upper(r, (K + ctx.log(2 * ctx.sqrt(nn) / d)) / nn, dps)
    elif form == "maurer-pinsker":
        value = r + ctx.sqrt((K + ctx.log(2 * ctx.sqrt(nn) / d)) / (2 * nn))
    else:
        C = ctx.mpf(catoni_c)
        value = -ctx.expm1(-C * r - (K + ctx.log(1 / d)) / nn) / -ctx.expm1(-C)
    return _out(value, dps)


# ----------------------------------------------------------------- VC
@quantity("sauer-shelah", Int("vc", lo=0, hi=14000),
          Int("n", lo=0, hi=14000, doc="<= 14000 keeps the exact integer under Python's 4300-digit str limit"),
          status="rigorous-upper-bound",
          verified="secondary",
          citation="Sauer (1972) J. Comb. Theory A 13; Shelah (1972) Pacific J. Math. 41; Vapnik & Chervonenkis (1971)",
          examples=({"vc": 3, "n": 10}, {"vc": 10, "n": 5}, {"vc": 20, "n": 1000}))
def sauer_shelah(vc, n):
    """Sauer-Shelah bound on the growth function: Pi(n) <= sum_{i=0}^{h} C(n, i) (exact integer).

    Equals 2^n when n <= h. The value is the exact integer sum; as a bound on the number of
    labellings a class of VC dimension h induces on n points it is a rigorous upper bound,
    attained by e.g. the class of sets of size <= h.
    """
    return sauer_exact(vc, n)


# pieces of the piecewise-linear activations ``dltheory bounds --activation`` may name
PIECES = {"relu": 2, "leaky-relu": 2, "leaky_relu": 2, "abs": 2, "hardtanh": 3, "hard-tanh": 3}


def _vc_bounds(arch):
    if arch.samples is None or arch.delta is None or arch.activation not in PIECES:
        return None
    h = math.floor(vc_dimension_upper.function(widths=arch.widths, input_dim=arch.input_dim,
                                               pieces=PIECES[arch.activation]))
    return {"vc": h, "n": arch.samples, "delta": arch.delta, "empirical_risk": 0.0}


@quantity("vc-generalization-bound", Int("vc", lo=1, hi=10**15), Int("n", lo=1, hi=N_MAX), _delta_param(),
          Real("empirical_risk", lo=0, hi=1, default=0.0),
          status="rigorous-upper-bound",
          verified="secondary",
          citation="Vapnik & Chervonenkis (1971); in the form of Abu-Mostafa, Magdon-Ismail & Lin (2012), "
                   "Learning From Data, Thm 2.5 / Eq. (2.12)", bounds=_vc_bounds,
          examples=({"vc": 1, "n": 1024, "delta": 0.05}, {"vc": 10, "n": 1000, "delta": 0.05, "empirical_risk": 0.1},
                    {"vc": 300, "n": 200, "delta": 0.01}))
def vc_generalization_bound(vc, n, delta, empirical_risk=0.0):
    """VC bound on the 0-1 risk: R <= r + sqrt( (8/n) ln( 4 Pi(2n) / delta ) ), Pi(2n) <= sum_{i<=h} C(2n, i).

    The VC inequality P[sup |R - r| > eps] <= 4 Pi(2n) exp(-eps^2 n / 8) (Vapnik-Chervonenkis;
    Learning From Data Thm 2.5), with the growth function bounded by the exact Sauer-Shelah sum
    (not by (2en/h)^h). Holds uniformly over the class w.p. >= 1-delta. Returned unclipped
    (values above 1 are vacuous). Status: rigorous upper bound.
    """
    log_growth = log_sauer(vc, 2 * n)
    return empirical_risk + math.sqrt(8.0 / n * (math.log(4.0) + log_growth - math.log(delta)))


def _vc_arch_bounds(arch):
    if arch.activation not in PIECES:
        return None
    return {"widths": arch.widths, "input_dim": arch.input_dim, "pieces": PIECES[arch.activation]}


def _vc_lower_arch_bounds(arch):
    return {"widths": arch.widths, "input_dim": arch.input_dim} if arch.activation == "relu" else None


@quantity("vc-dimension-upper", IntList("widths", lo=1, hi=WIDTH_MAX, max_len=1000),
          Int("input_dim", lo=1, hi=WIDTH_MAX),
          Int("pieces", lo=2, hi=1000, default=2, doc="pieces p of the piecewise-linear activation (ReLU: 2)"),
          status="rigorous-upper-bound",
          verified="secondary",
          citation="Bartlett, Harvey, Liaw & Mehrabian (2019) JMLR 20(63), arXiv:1703.02930: the refined "
                   "upper bound (Thm 6 of the arXiv version), with p=2 pieces of degree 1 (ReLU)", bounds=_vc_arch_bounds,
          examples=({"widths": [8, 8], "input_dim": 2}, {"widths": [16, 16, 16], "input_dim": 10},
                    {"widths": [5], "input_dim": 3, "pieces": 3}))
def vc_dimension_upper(widths, input_dim, pieces=2):
    """VCdim(sign F) <= L + Lbar W log2(4 e p R log2(2 e p R)) for a piecewise-linear network (BHLM 2019).

    Architecture: input_dim inputs, hidden layers of the given widths, one linear output unit;
    L = len(widths) + 1 layers of units k_1..k_L (k_L = 1); W = number of weights and biases;
    W_i = parameters into layers 1..i; Lbar = sum_i W_i / W (effective depth, 1 <= Lbar <= L);
    p = ``pieces`` pieces of degree d = 1 (ReLU, leaky ReLU, |x|: 2; hard tanh: 3), so
    R = sum_i k_i (1 + (i-1) d^(i-1)) = sum_i i k_i.
    BHLM's refined upper bound (arXiv version, Theorem 6), stated for piecewise-polynomial
    activations with p pieces of degree <= d, R = sum_i k_i (1 + (i-1) d^(i-1)), with the
    constants 4e and 2e of that statement.
    Status: rigorous upper bound.
    """
    ks, _, cumulative = architecture(widths, input_dim)
    L = len(ks)
    W = cumulative[-1]
    Lbar = sum(cumulative) / W
    p = pieces
    R = sum((i + 1) * k for i, k in enumerate(ks))
    return L + Lbar * W * math.log2(4 * math.e * p * R * math.log2(2 * math.e * p * R))


@quantity("vc-dimension-lower", IntList("widths", lo=1, hi=WIDTH_MAX, max_len=1000),
          Int("input_dim", lo=1, hi=WIDTH_MAX),
          status="rigorous-lower-bound",
          verified="recomputed",
          citation="explicit constructions (this library; see docstring): halfspaces, kinks on a line, caps on a "
                   "circle, and bit extraction after Bartlett, Harvey, Liaw & Mehrabian (2019) JMLR 20(63) Thm 3, "
                   "whose Omega(W L log(W/L)) has an unspecified universal constant",
          bounds=_vc_lower_arch_bounds,
          examples=({"widths": [16] * 6, "input_dim": 2}, {"widths": [5], "input_dim": 1},
                    {"widths": [40, 6, 40, 40], "input_dim": 3}, {"widths": [1], "input_dim": 7}))
def vc_dimension_lower(widths, input_dim):
    """VCdim(sign F) >= max(d + 1, k_1 + 1, 2 k_1 + 1 if d >= 2, (k_1 - 2) m if d >= 2), d = input_dim.

    Each term is the size of a point set that an explicit ReLU network of these hidden widths
    k_1..k_H shatters. (i) Halfspaces: an affine threshold passes through later layers kept
    linear by a large bias (ReLU(z + M) = z + M on the set): d + 1 points. (ii) A line: k_1
    kinks t_j between k_1 + 1 sorted points, f(x) = c + sum_j a_j ReLU(x - t_j), interpolate any
    values. (iii) d >= 2: 2 k_1 + 1 points on a circle; a labelling has at most k_1 cyclic runs
    of +1, one "cap" unit ReLU(<u_j, x> - t_j) per run.
    (iv) Bit extraction, d >= 2: the grid (i, j), i <= n = k_1 - 2, j <= m. Layer 1 has units
    ReLU(j), ReLU(j - 1) and ReLU(i - s), s < n, so that the next layer's inputs include
    a_i = sum_t b_it 2^-t (exact interpolation at the integers). Layer t + 1 (t = 1..m) reads
    bit t of the remainder x by a step exact on the dyadic grid (K = 2^m; ReLU(K(x - 1/2) + 1) -
    ReLU(K(x - 1/2))) and sets y <- y OR (bit AND [j = t]) with two more such units, shifted by
    -B(1 - ind) + C y (B = K/2 + 1, C = K + 1; ind = ReLU(j - t + 1) - 2 ReLU(j - t) is 1 at
    j = t, 0 for j < t and <= 0 for j > t); unless t = m it also carries the remainder 2x - bit
    (three units with the step) and the counters ReLU(j - t), ReLU(j - t - 1): 7 units. Layer
    m + 1 needs only the first unit, 0 for the label 0 and >= 1 for the label 1. So k_1 >= n + 2
    and k_2..k_m >= 7, and m is the largest such m <= H - 1. Wider layers get units with zero
    weights; layers after m + 1 carry y = ReLU(y) >= 0 in one unit; the output is y - 1/2.
    numerics.generalization.constructions builds these networks and evaluates them.
    BHLM (2019) Thm 3 give Omega(W L log(W/L)) with a universal constant that the paper does not
    make explicit in a form we could verify; we do not invent it. Construction (iv) has BHLM's
    order W L only for a wide first layer: widths k_1, 7, ..., 7 (L = H + 1 layers, d = 2:
    W = 10 k_1 + 56 L - 153 parameters) give (k_1 - 2)(L - 2), Theta(W L) for k_1 >> L, but it
    lacks their log(W/L) factor, and for equal widths w it is only about W / w.
    Status: rigorous lower bound.
    """
    k1, hidden = widths[0], len(widths)
    first_narrow = next((layer for layer in range(1, hidden) if widths[layer] < 7), hidden)
    bits = min(first_narrow, hidden - 1)
    bit_extraction = (k1 - 2) * bits if input_dim >= 2 and k1 >= 3 else 0
    return max(input_dim + 1, k1 + 1, 2 * k1 + 1 if input_dim >= 2 else 0, bit_extraction)


# ----------------------------------------------------------------- Rademacher
def _gauss_norm_mean(d: int, ctx):
    """E||g||_2 for g ~ N(0, I_d): sqrt(2) Gamma((d+1)/2) / Gamma(d/2)."""
    return ctx.sqrt(2) * ctx.exp(ctx.loggamma(ctx.mpf(d + 1) / 2) - ctx.loggamma(ctx.mpf(d) / 2))


def _gauss_absmax_mean(d: int, ctx):
    """E max_j |g_j| for g ~ N(0, I_d): int_0^inf 1 - erf(t/sqrt 2)^d dt."""
    return ctx.quad(lambda t: 1 - ctx.erf(t / ctx.sqrt(2)) ** d, [0, 1, 3, 6, ctx.inf])


@quantity("rademacher-linear-l2", Int("n", lo=1, hi=N_MAX), Int("d", lo=1, hi=10**7),
          Real("B", lo=0, lo_open=True, default=1.0, doc="bound on ||w||_2"),
          status="exact",
          verified="recomputed",
          citation="Rademacher complexity of the l2 ball (e.g. Bartlett & Mendelson 2002 JMLR 3, Lemma 22; "
                   "Kakade, Sridharan & Tewari 2008 NeurIPS); exact Gaussian-design value derived here",
          examples=({"n": 50, "d": 5, "B": 3.0}, {"n": 20, "d": 1}, {"n": 40, "d": 64}))
def rademacher_linear_l2(n, d, B=1.0, dps: int = 15):
    """E_{X,sigma} sup_{||w||_2<=B} (1/n) sum_i sigma_i <w, x_i> = (B/sqrt n) sqrt2 Gamma((d+1)/2)/Gamma(d/2), x_i ~ N(0, I_d).

    The supremum is (B/n)||sum_i sigma_i x_i||_2 (Cauchy-Schwarz, attained); for Gaussian
    inputs sum_i sigma_i x_i ~ N(0, n I_d) whatever the signs, so the expected empirical
    Rademacher complexity is B E||g||_2 / sqrt(n) exactly. For fixed data the classical bound
    is (B/n) sqrt(sum_i ||x_i||^2) (Jensen), whose expectation is at most B sqrt(d/n).
    Status: exact.
    """
    ctx = _mp(dps + 5)
    return _out(ctx.mpf(B) * _gauss_norm_mean(d, ctx) / ctx.sqrt(n), dps)


@quantity("rademacher-linear-l1", Int("n", lo=1, hi=N_MAX), Int("d", lo=1, hi=10**6),
          Real("B", lo=0, lo_open=True, default=1.0, doc="bound on ||w||_1"),
          status="exact",
          verified="recomputed",
          citation="l1 ball Rademacher complexity with Massart's finite-class lemma as the comparison "
                   "(Massart 2000, Ann. Fac. Sci. Toulouse 9, Lemma 5.2); exact Gaussian-design value derived here",
          examples=({"n": 20, "d": 1}, {"n": 40, "d": 2, "B": 2.0}, {"n": 80, "d": 16}))
def rademacher_linear_l1(n, d, B=1.0, dps: int = 15):
    """E_{X,sigma} sup_{||w||_1<=B} (1/n) sum_i sigma_i <w, x_i> = (B/sqrt n) E max_j |g_j|, g ~ N(0, I_d).

    The supremum is (B/n) max_j |sum_i sigma_i x_ij| (an l1 ball's extreme points are +-B e_j);
    for x_i ~ N(0, I_d) the vector sum_i sigma_i x_i ~ N(0, n I_d), so the expectation is
    B/sqrt(n) times E max_j|g_j| = int_0^inf (1 - erf(t/sqrt 2)^d) dt (mpmath quadrature).
    Massart's lemma bounds the fixed-data value by B max_j ||x_.j||_2 sqrt(2 ln(2d)) / n,
    about B sqrt(2 ln(2d)/n). Status: exact (quadrature to dps digits).
    """
    ctx = _mp(dps + 5)
    return _out(ctx.mpf(B) * _gauss_absmax_mean(d, ctx) / ctx.sqrt(n), dps)


RADEMACHER_FORMS = ("golowich-rakhlin-shamir", "neyshabur-tomioka-srebro", "bartlett-foster-telgarsky")


def path_norm_bound(path_norm, depth, input_dim, input_norm, n, p=1.0, width=1):
    """NTS (2015): phi (2 H^(1/p*))^(d-1) sqrt(min(p*, 4 ln 2D)) max||x||_p* / sqrt(n)."""
    p_star = math.inf if p == 1 else p / (p - 1)
    layer = 2 * width ** (0.0 if p == 1 else 1 / p_star)
    try:
        growth = layer ** (depth - 1)
    except OverflowError:  # beyond the double range (2^(d-1) at depth ~ 1000): carried in mpmath
        import mpmath

        growth = mpmath.mpf(layer) ** (depth - 1)
    return path_norm * growth * math.sqrt(min(p_star, 4 * math.log(2 * input_dim))) * input_norm / math.sqrt(n)


def spectral_bound(spectral_norms, l21_norms, max_dim, input_norm, n):
    """BFT (2017) covering bound + Dudley: (12 B R_A sqrt(ln 2W^2)/sqrt n)(1 + ln(sqrt(n) prod s / (3 sqrt(ln 2W^2) R_A)))."""
    prod = math.prod(spectral_norms)
    if prod == 0:
        return 0.0
    ratios = sum((b / s) ** (2 / 3) for s, b in zip(spectral_norms, l21_norms) if b > 0)
    if ratios == 0:  # every layer at its reference matrix: one function, Rademacher complexity 0
        return 0.0
    R_A = prod * ratios ** 1.5
    root_log = math.sqrt(math.log(2 * max_dim**2))
    x = math.sqrt(n) * prod / (3 * root_log * R_A)
    if x <= 1:  # the entropy integral's optimal cut-off alpha* = 3C/sqrt(n) lies above the class radius
        return 4 * input_norm * prod
    return 12 * input_norm * R_A * root_log / math.sqrt(n) * (1 + math.log(x))


@quantity("rademacher-bound", Choice("form", choices=RADEMACHER_FORMS),
          RealList("frobenius_norms", lo=0, default=None, forms=("golowich-rakhlin-shamir",), doc="||W_j||_F of each layer"),
          Real("path_norm", lo=0, default=None, forms=("neyshabur-tomioka-srebro",),
               doc="the l_p path norm phi_p (l_p norm of the products of weights along paths)"),
          Real("p", lo=1, default=None, forms=("neyshabur-tomioka-srebro",), form_optional=True, doc="the p of the path norm (1 when not given)"),
          Int("depth", lo=1, hi=10**4, default=None, forms=("neyshabur-tomioka-srebro",), doc="number d of weight layers"),
          Int("width", lo=1, hi=WIDTH_MAX, default=None, forms=("neyshabur-tomioka-srebro",), form_optional=True,
              doc="the largest hidden width H (required when p > 1 and depth > 1)"),
          Int("input_dim", lo=1, hi=WIDTH_MAX, default=None, forms=("neyshabur-tomioka-srebro",), doc="input dimension D"),
          RealList("spectral_norms", lo=0, default=None, forms=("bartlett-foster-telgarsky",),
                   doc="spectral norms ||A_i||_sigma, input to output"),
          RealList("l21_norms", lo=0, default=None, forms=("bartlett-foster-telgarsky",),
                   doc="||A_i^T - M_i^T||_{2,1} (sum over units of the l2 norm of "
                       "their incoming weights minus a reference fixed before the data, e.g. 0 or the init)"),
          Int("max_dim", lo=1, hi=10**9, default=None, forms=("bartlett-foster-telgarsky",),
              doc="W, the largest dimension of any weight matrix"),
          Real("input_norm", lo=0, lo_open=True,
               doc="B: max_i ||x_i|| (l2; for neyshabur-tomioka-srebro the dual norm l_p*, l_inf when p = 1)"),
          Int("n", lo=1, hi=N_MAX),
          status="rigorous-upper-bound",
          verified="secondary",
          citation="Golowich, Rakhlin & Shamir (2018) COLT, Thm 1; Neyshabur, Tomioka & Srebro (2015) COLT, "
                   "Thm 1 with q = inf via the path-norm rescaling (their Sec. 5); Bartlett, Foster & Telgarsky "
                   "(2017) NeurIPS, Thm 3.3 (covering numbers) with Dudley's integral (their Lemma A.5), "
                   "combined here",
          examples=({"form": "golowich-rakhlin-shamir", "frobenius_norms": [2.0, 3.0, 0.5], "input_norm": 1.5, "n": 400},
                    {"form": "neyshabur-tomioka-srebro", "path_norm": 3.0, "depth": 3, "input_dim": 5,
                     "input_norm": 2.0, "n": 400},
                    {"form": "neyshabur-tomioka-srebro", "path_norm": 3.0, "p": 2.0, "width": 16, "depth": 3,
                     "input_dim": 5, "input_norm": 2.0, "n": 400},
                    {"form": "bartlett-foster-telgarsky", "spectral_norms": [1.5, 2.0], "l21_norms": [3.0, 5.0],
                     "max_dim": 10, "input_norm": 0.8, "n": 10**6}))
def rademacher_bound(form, input_norm, n, frobenius_norms=None, path_norm=None, p=None, depth=None, width=None,
                     input_dim=None, spectral_norms=None, l21_norms=None, max_dim=None):
    """Bounds on the empirical Rademacher complexity (1/n) E sup_f sum_i sigma_i f(x_i) of bias-free ReLU networks.

      golowich-rakhlin-shamir   B (sqrt(2 D ln 2) + 1) prod_j M_j / sqrt(n)                    GRS (2018) Thm 1
      neyshabur-tomioka-srebro  phi (2 H^(1/p*))^(d-1) sqrt(min(p*, 4 ln 2D)) B / sqrt(n)      NTS (2015) Thm 1
      bartlett-foster-telgarsky (12 B R_A sqrt(ln 2W^2) / sqrt n) (1 + ln(sqrt(n) prod s_i / (3 sqrt(ln 2W^2) R_A)))
    with B = max_i ||x_i|| in the form's norm. GRS: D layers with ||W_j||_F <= M_j (their sharper
    sqrt(sum_i ||x_i||^2) form bounded by sqrt(n) B). NTS: the class {l_p path norm <= phi} of
    depth-d networks (d weight layers, hidden widths <= H, D inputs, scalar output), 1/p + 1/p* = 1;
    the path norm equals the smallest product over layers of the largest l_p norm of a unit's
    incoming weights over all function-preserving rescalings, so NTS Thm 1 with q = inf applies;
    for p = 1 it reads 2^d phi sqrt(ln 2D) max||x||_inf / sqrt(n), independent of width. The
    derivation proves the p = 1 and p = 2 cases independently (peeling with Ledoux-Talagrand, then Massart / Jensen) with
    a constant sqrt(2) smaller, so the printed value is a valid bound either way.
    BFT: R_A = prod_i s_i (sum_i (b_i/s_i)^(2/3))^(3/2) with ||A_i||_sigma <= s_i and
    ||A_i^T - M_i^T||_{2,1} <= b_i, W the largest layer dimension. BFT's Thm 3.3 (checked against
    the paper's text) bounds the
    covering numbers, ln N(eps) <= ||X||_2^2 ln(2W^2) R_A^2 / eps^2; Dudley's entropy integral
    (BFT Lemma A.5: inf_alpha 4 alpha/sqrt(n) + (12/n) int_alpha^U sqrt(ln N) d eps, U = ||X||_2 prod s_i,
    the class radius) minimised at alpha* = 3C/sqrt(n) gives the form above (derived and verified in
    generalization-rademacher-networks); 4 B prod s_i when alpha* > U. BFT state their end result
    (Lemma A.8, Thm 1.1) for the multiclass margin loss with rounded constants; we do not reproduce
    that statement but feed this bound to ``rademacher-margin-bound``.
    Status: rigorous upper bounds (NTS and BFT as their theorems are stated).
    """
    if form == "golowich-rakhlin-shamir":
        D = len(frobenius_norms)
        return input_norm * (math.sqrt(2 * D * math.log(2)) + 1) * math.prod(frobenius_norms) / math.sqrt(n)
    if form == "neyshabur-tomioka-srebro":
        p = 1.0 if p is None else p
        if p > 1 and width is None and depth > 1:
            raise BadInput("width", "(missing)", "required by form=neyshabur-tomioka-srebro when p > 1", "required")
        return path_norm_bound(path_norm, depth, input_dim, input_norm, n, p, width or 1)
    if len(spectral_norms) != len(l21_norms):
        raise BadInput("l21_norms", ",".join(map(str, l21_norms)),
                       f"one value per layer ({len(spectral_norms)}, like spectral_norms)", "wrong length")
    if any(s == 0 < b for s, b in zip(spectral_norms, l21_norms)):
        raise BadInput("spectral_norms", ",".join(map(str, spectral_norms)),
                       "> 0 wherever the l21 norm is > 0", "zero spectral norm with a non-zero (2,1) norm")
    return spectral_bound(spectral_norms, l21_norms, max_dim, input_norm, n)


@quantity("rademacher-margin-bound", Real("margin_risk", lo=0, hi=1, doc="empirical ramp loss at margin gamma"),
          Real("gamma", lo=0, lo_open=True, doc="margin"),
          Real("rademacher", lo=0, doc="empirical Rademacher complexity of the real-valued class (or a bound)"),
          Int("n", lo=1, hi=N_MAX), _delta_param(),
          status="rigorous-upper-bound",
          verified="secondary",
          citation="Bartlett, Foster & Telgarsky (2017) NeurIPS, Lemma 3.1 (binary case); Mohri, Rostamizadeh & "
                   "Talwalkar (2018) Foundations of ML 2nd ed., Thm 5.8 has ln(2/delta); Koltchinskii & Panchenko (2002)",
          examples=({"margin_risk": 0.1, "gamma": 0.5, "rademacher": 0.05, "n": 1000, "delta": 0.01},
                    {"margin_risk": 0.0, "gamma": 1.414, "rademacher": 0.08838834764831845, "n": 128, "delta": 0.05}))
def rademacher_margin_bound(margin_risk, gamma, rademacher, n, delta):
    """0-1 risk <= R_gamma + (2/gamma) Rad_S(H) + 3 sqrt(ln(1/delta) / (2n)), for all h in H, w.p. >= 1-delta.

    R_gamma is the empirical ramp loss (1 for y h(x) <= 0, 1 - y h(x)/gamma in between, 0 beyond
    gamma), Rad_S(H) the empirical Rademacher complexity of the real-valued class H on the
    sample (any upper bound on it may be used, e.g. ``rademacher-bound``). For a fixed gamma and
    a class fixed before the data; choosing either from a grid costs a union bound (divide
    delta by the grid size). The confidence term is BFT's Lemma 3.1: one McDiarmid step on
    sup(E g - E_S g) - 2 Rad_S (bounded differences 3/n); Mohri et al.'s Thm 5.8 spends two
    steps at delta/2 and has ln(2/delta). Both derived in generalization-margin-bound, with
    symmetrization and Talagrand's contraction. Returned unclipped. Status: rigorous upper bound.
    """
    return margin_risk + 2.0 * rademacher / gamma + 3.0 * math.sqrt(-math.log(delta) / (2.0 * n))
