"""Double descent: the test risk of minimum-norm and ridge least squares on isotropic Gaussian
features (Hastie, Montanari, Rosset & Tibshirani 2022) and of random-features ridge regression
(Mei & Montanari 2022).

Conventions (every quantity here):

- linear model y = x.beta + eps, x ~ N(0, I_p), eps ~ N(0, noise), |beta|^2 = signal; n samples,
  gamma = p/n. The risk is the excess test risk E_x[(x.beta_hat - x.beta)^2] = |beta_hat - beta|^2
  (the irreducible noise is not included), averaged over the training data.
- minimum-norm least squares: beta_hat = X^+ y (the interpolant of least norm when p > n).
- ridge: beta_hat = argmin (1/n)|y - X beta|^2 + ridge |beta|^2 = (X^T X/n + ridge I)^(-1) X^T y/n,
  i.e. the ridge multiplies |beta|^2 against the MEAN squared error.
- random features (Mei & Montanari 2022, Sec. 2): N features sigma(<theta_a, x>/sqrt d), theta_a
  and x uniform on the sphere of radius sqrt d in R^d, psi1 = N/d, psi2 = n/d; the coefficients
  a_hat = argmin (1/n) sum_i (y_i - sum_a a_a sigma(<theta_a, x_i>/sqrt d))^2 + (N ridge/d) |a|^2;
  the target y = <beta_1, x> + f_NL(x) + eps with |beta_1|^2 = signal (F_1^2), E f_NL^2 = nonlinear
  (F_*^2), noise variance noise (tau^2); the activation enters through mu1 = E[G sigma(G)] and
  mu_star^2 = E[sigma(G)^2] - (E sigma(G))^2 - mu1^2, G ~ N(0, 1) (defaults: the ReLU's,
  mu1 = 1/2, mu_star^2 = 1/4 - 1/(2 pi)).
"""
from __future__ import annotations

import math

from ._quantity import BadInput, Int, Real, quantity

HASTIE = ("Hastie, Montanari, Rosset & Tibshirani (2022), Surprises in high-dimensional ridgeless least "
          "squares interpolation, Ann. Statist. 50(2)")
MEI = ("Mei & Montanari (2022), The generalization error of random features regression: precise asymptotics "
       "and the double descent curve, Comm. Pure Appl. Math. 75(4)")

_SIGNAL = Real("signal", lo=0, default=1.0, doc="|beta|^2, the signal's squared norm (r^2 in Hastie et al.)")
_NOISE = Real("noise", lo=0, default=0.0, doc="noise variance sigma^2 of the labels")
_GAMMA = Real("gamma", lo=0, lo_open=True, hi=1e6, doc="p/n, features per sample")

#: ReLU's Hermite coefficients: mu1 = E[G relu(G)] = 1/2, mu_star^2 = E relu^2 - mu0^2 - mu1^2
RELU_MU1 = 0.5
RELU_MU_STAR = math.sqrt(0.25 - 1 / (2 * math.pi))


@quantity("min-norm-risk", _GAMMA, _SIGNAL, _NOISE, status="asymptotic",
          citation=HASTIE + ", Theorem 1 (gamma < 1) and Theorem 2 (isotropic features, gamma > 1)",
          verified="recomputed",
          examples=({"gamma": 0.5, "signal": 1.0, "noise": 0.25}, {"gamma": 2.0, "signal": 1.0, "noise": 0.25},
                    {"gamma": 4.0, "signal": 2.0, "noise": 1.0}, {"gamma": 0.1, "noise": 1.0}))
def min_norm_risk(gamma: float, signal: float = 1.0, noise: float = 0.0):
    """Excess risk of minimum-norm least squares, p/n -> gamma, isotropic Gaussian features.

    R = noise gamma/(1 - gamma) for gamma < 1 (variance only); R = signal (1 - 1/gamma) +
    noise/(gamma - 1) for gamma > 1 (bias: the part of beta outside the row space of X; variance).
    Hastie, Montanari, Rosset & Tibshirani (2022), Ann. Statist., Theorem 1 and Theorem 2 with
    Sigma = I; recomputed here as the n -> infinity limit of the exact finite-n form
    (``min-norm-risk-finite``). At gamma = 1 the risk is infinite when noise > 0 (refused) and 0
    when noise = 0. Status: asymptotic (n, p -> infinity, p/n -> gamma).
    """
    if gamma < 1:
        return noise * gamma / (1 - gamma)
    if gamma == 1:
        if noise > 0:
            raise BadInput("gamma", gamma, "gamma != 1 when noise > 0", "the risk diverges at the interpolation threshold")
        return 0.0
    return signal * (1 - 1 / gamma) + noise / (gamma - 1)


@quantity("min-norm-risk-finite", Int("samples", lo=1, hi=10**9, doc="n, training samples"),
          Int("features", lo=1, hi=10**9, doc="p, features"), _SIGNAL, _NOISE, status="exact",
          citation=HASTIE + " (finite-n form of their Theorems 1-2, derived here from the inverse-Wishart mean, "
                            "Muirhead 1982, Aspects of Multivariate Statistical Theory, Thm. 3.2.12)",
          verified="recomputed",
          examples=({"samples": 20, "features": 5, "signal": 1.0, "noise": 0.5},
                    {"samples": 10, "features": 16, "signal": 1.0, "noise": 0.5},
                    {"samples": 100, "features": 50, "noise": 1.0}, {"samples": 50, "features": 200}))
def min_norm_risk_finite(samples: int, features: int, signal: float = 1.0, noise: float = 0.0):
    """Expected excess risk of minimum-norm least squares at finite n, p (Gaussian design), exact.

    p < n - 1: E|beta_hat - beta|^2 = noise tr E[(X^T X)^(-1)] = noise p/(n - p - 1) (unbiased).
    p > n + 1: beta_hat = P beta + X^T (X X^T)^(-1) eps with P the projection on the row space of X,
    a uniformly random n-dimensional subspace, so the bias is signal (1 - n/p) and the variance
    noise tr E[(X X^T)^(-1)] = noise n/(p - n - 1). E[W^(-1)] = I/(m - k - 1) for a k x k Wishart
    W with m degrees of freedom (Muirhead 1982, Thm. 3.2.12); derived in ``min-norm-finite``.
    |p - n| <= 1 has infinite expected variance (refused when noise > 0). Status: exact.
    """
    n, p = samples, features
    if noise > 0 and abs(p - n) <= 1:
        raise BadInput("features", p, f"|features - samples| >= 2 when noise > 0 (samples={n})",
                       "the expected risk is infinite")
    if p < n:
        return noise * p / (n - p - 1) if noise else 0.0
    if p == n:
        return 0.0  # noise = 0: X is invertible, beta is recovered
    return signal * (1 - n / p) + (noise * n / (p - n - 1) if noise else 0.0)


def mp_stieltjes(gamma: float, ridge: float, dps: int = 30):
    """(m, m') of the Marchenko-Pastur law of ratio gamma (unit variance) at z = -ridge, ridge > 0:
    the positive root of gamma ridge m^2 + (1 - gamma + ridge) m - 1 = 0 and its z-derivative."""
    import mpmath

    with mpmath.workdps(dps):
        g, lam = mpmath.mpf(gamma), mpmath.mpf(ridge)
        b = 1 - g + lam
        root = mpmath.sqrt(b * b + 4 * g * lam)
        m = 2 / (b + root) if b >= 0 else (root - b) / (2 * g * lam)  # the form without cancellation
        dm = (g * m * m + m) / (1 - g + lam + 2 * g * lam * m)
        return m, dm


@quantity("ridge-risk", _GAMMA, Real("ridge", lo=0, hi=1e6, doc="ridge lambda, multiplying |beta|^2 against "
                                     "the mean squared error (1/n)|y - X beta|^2"), _SIGNAL, _NOISE,
          status="asymptotic", verified="recomputed",
          citation=HASTIE + ", isotropic ridge (the Marchenko-Pastur form; also Dobriban & Wager 2018, Ann. Statist. 46(1)); "
                   "formula recomputed here (derivation ridge-isotropic)",
          examples=({"gamma": 0.5, "ridge": 0.5, "signal": 1.0, "noise": 0.5},
                    {"gamma": 2.0, "ridge": 0.2, "signal": 1.0, "noise": 0.5},
                    {"gamma": 1.0, "ridge": 0.1, "signal": 1.0, "noise": 1.0}, {"gamma": 3.0, "ridge": 0.0}))
def ridge_risk(gamma: float, ridge: float, signal: float = 1.0, noise: float = 0.0, dps: int = 30):
    """Excess risk of ridge regression, isotropic Gaussian features, p/n -> gamma.

    R = signal lam^2 m'(-lam) + noise gamma (m(-lam) - lam m'(-lam)), m the Stieltjes transform of
    the Marchenko-Pastur law of ratio gamma: m(-lam) is the positive root of
    gamma lam m^2 + (1 - gamma + lam) m - 1 = 0. lam multiplies |beta|^2 against the mean squared
    error (1/n)|y - X beta|^2. Hastie et al. (2022) (isotropic ridge); Dobriban & Wager (2018);
    derived in ``ridge-isotropic`` from the bias-variance traces and the Marchenko-Pastur law. ridge = 0 is the minimum-norm limit (``min-norm-risk``).
    Status: asymptotic.
    """
    if ridge == 0:
        return min_norm_risk.function(gamma, signal, noise)
    import mpmath

    m, dm = mp_stieltjes(gamma, ridge, dps)
    with mpmath.workdps(dps):
        lam = mpmath.mpf(ridge)
        return signal * lam * lam * dm + noise * mpmath.mpf(gamma) * (m - lam * dm)


def rf_chi(psi1: float, psi2: float, ridge_bar: float, zeta2: float, dps: int = 60):
    """chi = nu1 nu2 of Mei & Montanari (2022), Definition 1, at xi = i sqrt(psi1 psi2 ridge_bar).

    On the imaginary axis nu1 = i a, nu2 = i b with a, b > 0, and the two fixed-point equations
    reduce to one equation for x = a b = -chi: s^2 x = (psi1 - g(x))(psi2 - g(x)),
    g(x) = x + zeta^2 x/(1 + zeta^2 x), s^2 = psi1 psi2 ridge_bar, with g(x) < min(psi1, psi2)
    (a quartic in x after clearing (1 + zeta^2 x)^2; derived in ``random-features``). Its left side
    increases and its right side decreases on that interval: one root, found by bisection in
    ``dps``-digit arithmetic (near the interpolation peak the risk is a small difference of
    polynomials in chi, so chi is needed to many more digits than the answer).
    """
    import mpmath

    with mpmath.workdps(dps):
        p1, p2, z2 = mpmath.mpf(psi1), mpmath.mpf(psi2), mpmath.mpf(zeta2)
        low = min(p1, p2)
        if z2 == 0:
            top = low
        else:
            c = 1 + z2 - low * z2
            top = 2 * low / (c + mpmath.sqrt(c * c + 4 * z2 * low))  # g(top) = min(psi1, psi2)
        s2 = p1 * p2 * mpmath.mpf(ridge_bar)
        if s2 == 0:
            return -top

        def f(x):
            g = x + z2 * x / (1 + z2 * x)
            return s2 * x - (p1 - g) * (p2 - g)

        lo, hi = mpmath.mpf(0), top
        tol = mpmath.mpf(10) ** (-dps + 5)
        for _ in range(4 * dps):
            mid = (lo + hi) / 2
            if f(mid) > 0:
                hi = mid
            else:
                lo = mid
            if hi - lo <= tol * hi:
                break
        return -(lo + hi) / 2


def rf_bias_variance(psi1: float, psi2: float, ridge_bar: float, zeta: float, dps: int = 60) -> tuple[float, float]:
    """(B, V) = (E1/E0, E2/E0) of Mei & Montanari (2022), Definition 1, evaluated in ``dps`` digits.
    Both are >= 0 where the formula applies; a negative value means the working precision did not
    resolve the point (refused)."""
    import mpmath

    with mpmath.workdps(dps):
        z = mpmath.mpf(zeta)
        chi = rf_chi(psi1, psi2, ridge_bar, z * z, dps)  # the same zeta^2, to all digits, in both
        b, v = bias_variance_of_chi(chi, z, mpmath.mpf(psi1), mpmath.mpf(psi2))
    if not (b >= 0 and v >= 0):
        raise BadInput("ridge", ridge_bar, f"a ridge resolved in {dps}-digit arithmetic at this psi1, psi2",
                       "the risk is not resolved (too close to the interpolation peak)")
    return float(b), float(v)


def bias_variance_of_chi(chi, zeta, psi1, psi2):
    """E1/E0 and E2/E0 as polynomials in chi and zeta (Mei & Montanari 2022, Definition 1)."""
    p1, p2, z2 = psi1, psi2, zeta * zeta
    z4, z6 = z2 * z2, z2 * z2 * z2
    e0 = (-chi**5 * z6 + 3 * chi**4 * z4 + (p1 * p2 - p2 - p1 + 1) * chi**3 * z6 - 2 * chi**3 * z4
          - 3 * chi**3 * z2 + (p1 + p2 - 3 * p1 * p2 + 1) * chi**2 * z4 + 2 * chi**2 * z2 + chi**2
          + 3 * p1 * p2 * chi * z2 - p1 * p2)
    e1 = p2 * chi**3 * z4 - p2 * chi**2 * z2 + p1 * p2 * chi * z2 - p1 * p2
    e2 = (chi**5 * z6 - 3 * chi**4 * z4 + (p1 - 1) * chi**3 * z6 + 2 * chi**3 * z4 + 3 * chi**3 * z2
          + (-p1 - 1) * chi**2 * z4 - 2 * chi**2 * z2 - chi**2)
    return e1 / e0, e2 / e0


@quantity("random-features-risk",
          Real("psi1", lo=0, lo_open=True, hi=1e4, doc="N/d, random features per input dimension"),
          Real("psi2", lo=0, lo_open=True, hi=1e4, doc="n/d, samples per input dimension"),
          Real("ridge", lo=0, hi=1e4, doc="ridge lambda, penalty (N lambda/d)|a|^2 against the mean squared error"),
          Real("signal", lo=0, default=1.0, doc="F_1^2, squared norm of the target's linear part"),
          Real("nonlinear", lo=0, default=0.0, doc="F_*^2, variance of the target's nonlinear part"),
          Real("noise", lo=0, default=0.0, doc="tau^2, label noise variance"),
          Real("mu1", lo=0, hi=1e3, default=RELU_MU1, doc="E[G sigma(G)] (default: ReLU, 1/2)"),
          Real("mu_star", lo=0, lo_open=True, hi=1e3, default=RELU_MU_STAR,
               doc="sqrt(E sigma(G)^2 - (E sigma(G))^2 - mu1^2) (default: ReLU, sqrt(1/4 - 1/(2 pi)))"),
          status="asymptotic", verified="recomputed",
          citation=MEI + ", Theorem 2 with Definition 1 (ridge penalty (N lambda/d)|a|^2 against the mean squared error)",
          examples=({"psi1": 2.0, "psi2": 1.0, "ridge": 0.1, "noise": 0.25},
                    {"psi1": 0.5, "psi2": 1.5, "ridge": 0.1, "noise": 0.25},
                    {"psi1": 3.0, "psi2": 1.0, "ridge": 0.0, "signal": 1.0, "nonlinear": 0.5, "noise": 0.1},
                    {"psi1": 1.5, "psi2": 1.5, "ridge": 0.01, "noise": 0.09, "mu1": 0.5, "mu_star": 0.3}))
def random_features_risk(psi1: float, psi2: float, ridge: float, signal: float = 1.0, nonlinear: float = 0.0,
                         noise: float = 0.0, mu1: float = RELU_MU1, mu_star: float = RELU_MU_STAR):
    """Asymptotic test error of random-features ridge regression, N/d -> psi1, n/d -> psi2.

    R = F_1^2 B(zeta, psi1, psi2, lam/mu_star^2) + (tau^2 + F_*^2) V(zeta, psi1, psi2, lam/mu_star^2)
    + F_*^2, zeta = mu1/mu_star, B = E1/E0, V = E2/E0 polynomials in chi = nu1 nu2 evaluated at
    xi = i sqrt(psi1 psi2 lam/mu_star^2) (Mei & Montanari 2022, Theorem 2 and Definition 1); chi
    from the scalar reduction of Definition 1 (``rf_chi``). R is the excess test error E_x[(f - f_hat)^2]
    (without tau^2). ridge = 0 is the ridgeless limit, infinite at the interpolation threshold
    psi1 = psi2 (refused). Status: asymptotic (d -> infinity).
    """
    if ridge == 0 and psi1 == psi2:
        raise BadInput("psi1", psi1, "psi1 != psi2 when ridge = 0",
                       "the ridgeless risk diverges at the interpolation threshold psi1 = psi2")
    import mpmath

    ridge_bar = mpmath.mpf(ridge) / mpmath.mpf(mu_star) ** 2  # mpmath: mu_star may be subnormal
    s2 = psi1 * psi2 * ridge_bar
    # digits: the risk is a difference of polynomials in chi that cancels to relative order s near the peak,
    # and its terms grow as zeta^6 where zeta = mu1/mu_star is large (a nearly linear activation)
    dps = 40 if s2 == 0 or s2 >= 1e-20 else 40 + math.ceil(-mpmath.log10(s2))
    zeta = mpmath.mpf(mu1) / mpmath.mpf(mu_star)
    if zeta > 1:
        dps += math.ceil(6 * mpmath.log10(zeta))
    b, v = rf_bias_variance(psi1, psi2, ridge_bar, zeta, dps)
    return signal * b + (noise + nonlinear) * v + nonlinear
