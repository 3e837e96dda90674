"""Outside referee: cheap independent recomputations of the landscape, optimisation, learning-curve,
lottery, manifold, tensor-network and NTK-dynamics quantities, each reference value written here from
the paper's formula or first principles (mpmath, scipy quadrature, brute force), never by calling the
project's evaluator for the same quantity. The expensive recomputations (Monte Carlo, long gradient
descent, random-features simulation) are in tools/referee.py, run by hand."""
import itertools
import math

import mpmath as mp
import numpy as np
import pytest

from dltheory import theory
from dltheory.theory import BadInput

ev = theory.evaluate


# ----------------------------------------------------------------------------- spin glass
def abc_complexity(p, k, u):
    """Auffinger, Ben Arous & Cerny (2013), Theorem 2.5, in the paper's variables (E_inf, I_1)."""
    p, u = mp.mpf(p), mp.mpf(u)
    einf = 2 * mp.sqrt((p - 1) / p)
    if u >= -einf:
        return mp.log(p - 1) / 2 - (p - 2) / p
    s = mp.sqrt(u * u - einf * einf)
    i1 = -u / einf**2 * s - mp.log(-u + s) + mp.log(einf)
    return mp.log(p - 1) / 2 - (p - 2) / (4 * (p - 1)) * u * u - (k + 1) * i1


@pytest.mark.parametrize("p,k,u", [(3, 0, -1.65), (3, 2, -1.7), (4, 1, -1.9), (5, 0, -0.5), (3, 1, -1.634)])
def test_pspin_complexity(p, k, u):
    assert ev("pspin-complexity", p=p, index=k, energy=u) == pytest.approx(float(abc_complexity(p, k, u)), rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("p,k", [(3, 0), (3, 1), (4, 0), (10, 3)])
def test_pspin_critical_energy(p, k):
    einf = 2 * mp.sqrt(mp.mpf(p - 1) / p)
    ek = mp.findroot(lambda e: abc_complexity(p, k, -e), (einf * (1 + 1e-9), einf + 0.5), solver="anderson")
    assert ev("pspin-critical-energy", p=p, index=k) == pytest.approx(float(ek), rel=1e-12)
    # the lower semicircle edge -2 sqrt(p(p-1)) - p u of the Hessian vanishes at u = -E_inf
    assert ev("pspin-threshold-energy", p=p) == pytest.approx(2 * math.sqrt(p * (p - 1)) / p, rel=1e-15)


def test_pspin_expected_critical_points_closed_forms():
    # N = 2: a binary form of degree p has sqrt(3p - 2) real eigenvector pairs on average (Kostlan), one
    # minimum and one maximum each; p = 2: the 2N eigenvector signs of a symmetric matrix, 2 per index
    for p in (3, 5):
        assert ev("pspin-expected-critical-points", N=2, p=p, index=1) == pytest.approx(math.sqrt(3 * p - 2), rel=1e-7)
    assert ev("pspin-expected-critical-points", N=5, p=2) == pytest.approx(10, rel=1e-7)
    # N = 3: a Gaussian (Kostlan) ternary form of degree d has 1 + 4 (d-1)/(3d-2) sqrt((d-1)(3d-2)) real
    # eigenvector pairs on average (Draisma & Horobet 2016), two critical points each
    for p in (3, 4):
        pairs = 1 + 4 * (p - 1) / (3 * p - 2) * math.sqrt((p - 1) * (3 * p - 2))
        assert ev("pspin-expected-critical-points", N=3, p=p) == pytest.approx(2 * pairs, rel=1e-7)
    assert ev("pspin-expected-critical-points", N=4, p=2, index=3) == pytest.approx(2, rel=1e-7)


@pytest.mark.parametrize("p,u,level", [(3, 0.0, 0.25), (3, -1.6, 0.5), (4, -1.0, 0.9)])
def test_pspin_hessian_quantile(p, u, level):
    from scipy.optimize import brentq

    R = 2 * math.sqrt(p * (p - 1))  # semicircle radius of the Hessian, shifted by -p u
    cdf = lambda x: 0.5 + (x / R * math.sqrt(max(0.0, 1 - (x / R) ** 2)) + math.asin(min(1.0, max(-1.0, x / R)))) / math.pi  # noqa: E731
    assert ev("pspin-hessian-quantile", p=p, energy=u, level=level) == pytest.approx(
        -p * u + brentq(lambda x: cdf(x) - level, -R, R, xtol=1e-14), rel=1e-10)


# ----------------------------------------------------------------------------- dense clusters
@pytest.mark.parametrize("N,P,K", [(15, 8, 2), (16, 5, 8), (101, 30, 10), (10, 4, 5)])
def test_pair_count(N, P, K):
    # Grothendieck: a Gaussian pattern puts both on the label's side with probability (1 - theta/pi)/2
    theta = mp.acos(1 - mp.mpf(2 * K) / N)
    ref = 2**N * mp.binomial(N, K) * ((1 - theta / mp.pi) / 2) ** P
    assert float(ev("perceptron-pair-count", N=N, P=P, distance=K)) == pytest.approx(float(ref), rel=1e-12)


def test_pair_count_brute_force_one_pattern():
    # N = 4, P = 1: E pairs = sum over ordered pairs of P(both correct), by exact 2-d angle integration
    N, K = 4, 1
    W = 1 - 2 * ((np.arange(16)[:, None] >> np.arange(N)) & 1)
    total = 0.0
    for a, b in itertools.product(W, W):
        if np.sum(a != b) == K:
            cos = a @ b / N  # P(sign(a.xi) = sign(b.xi) = y) for y uniform and xi Gaussian
            total += (1 - math.acos(cos) / math.pi) / 2
    assert float(ev("perceptron-pair-count", N=N, P=1, distance=K)) == pytest.approx(total, rel=1e-12)


@pytest.mark.parametrize("alpha,D", [(0.3, 0.05), (0.5, 0.2), (1.0, 0.4)])
def test_annealed_local_entropy_is_the_limit_of_the_ratio(alpha, D):
    n = 200_000
    K, P = int(D * n), int(alpha * n)
    th = mp.acos(1 - mp.mpf(2 * K) / n)
    rate = (mp.log(mp.binomial(n, K)) + P * mp.log(1 - th / mp.pi)) / n  # (1/N) ln[pairs(K)/pairs(0)]
    assert ev("perceptron-annealed-local-entropy", alpha=alpha, distance=D) == pytest.approx(float(rate), abs=1e-4)


# ----------------------------------------------------------------------------- flatness
def test_local_entropy_and_its_gradient_by_quadrature():
    from scipy.integrate import nquad

    lam, g, d = (0.5, 2.0), 2.0, (0.3, -0.2)

    def F(dd):
        f = lambda a, b: math.exp(-0.5 * (lam[0] * a * a + lam[1] * b * b) - 0.5 * g * ((dd[0] - a) ** 2 + (dd[1] - b) ** 2))  # noqa: E731
        return math.log(nquad(f, [[-25, 25], [-25, 25]], opts={"epsabs": 1e-13, "epsrel": 1e-12})[0])

    assert ev("local-entropy-quadratic", eigenvalues=lam, gamma=g, displacement=d) == pytest.approx(F(d), abs=1e-8)
    h = 1e-4
    grad1 = (F((d[0] + h, d[1])) - F((d[0] - h, d[1]))) / (2 * h)
    assert ev("entropy-sgd-gradient-quadratic", eigenvalues=lam, gamma=g, displacement=d, component=1) == pytest.approx(-grad1, abs=1e-6)
    assert ev("logdet-flatness", eigenvalues=(1.0, 3.0), gamma=0.5) == pytest.approx(
        0.5 * math.log(np.linalg.det(np.eye(2) + np.diag([1.0, 3.0]) / 0.5)), rel=1e-13)


# ----------------------------------------------------------------------------- sharpness
def box_max(m, g, widths, seed=0, starts=60):
    """max of g.z + z^T m z/2 over the box by multi-start L-BFGS-B (no vertex assumption)."""
    from scipy.optimize import minimize

    rng = np.random.default_rng(seed)
    best = -np.inf
    for z0 in [np.zeros(len(widths))] + [rng.uniform(-1, 1, len(widths)) * widths for _ in range(starts)]:
        r = minimize(lambda z: -(g @ z + 0.5 * z @ m @ z), z0, jac=lambda z: -(g + m @ z),
                     bounds=list(zip(-widths, widths)), method="L-BFGS-B")
        best = max(best, -r.fun)
    return best


def test_keskar_sharpness_with_a_projection():
    hess = (3.0, 1.0, 0.0, 1.0, 2.0, -0.5, 0.0, -0.5, 1.0)
    x, proj, g = np.array([0.5, 2.0, -1.0]), (1.0, 0.0, 1.0, 1.0, 0.0, -1.0), np.array([0.2, 0.0, -0.1])
    H, A = np.array(hess).reshape(3, 3), np.array(proj).reshape(3, 2)
    w = 0.05 * (np.abs(np.linalg.pinv(A) @ x) + 1)  # Keskar et al., Metric 2.1: box in A^+ x coordinates
    ref = 100 * box_max(A.T @ H @ A, A.T @ g, w) / (1 + 0.1)
    assert ev("keskar-sharpness-quadratic", hessian=hess, point=tuple(x), epsilon=0.05, loss=0.1,
              gradient=tuple(g), projection=proj) == pytest.approx(ref, rel=1e-9)


def test_dinh_quantities_on_a_relu_network():
    # two-layer ReLU net: the finite-difference Hessian at T_alpha theta against the congruence
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((6, 2)), rng.standard_normal(6)
    th = np.array([0.7, -0.4, 0.9, 0.3, 1.1, -0.8])

    def loss(t):
        return 0.5 * np.mean((np.maximum(X @ t[:4].reshape(2, 2).T, 0) @ t[4:] - y) ** 2)

    def hess(t, h=1e-4):
        E = np.eye(len(t)) * h
        out = np.array([[(loss(t + a + b) - loss(t + a - b) - loss(t - a + b) + loss(t - a - b)) / (4 * h * h)
                         for b in E] for a in E])
        return 0.5 * (out + out.T)

    H = hess(th)
    for a in (3.0, 0.25):
        Ha = hess(np.concatenate([a * th[:4], th[4:] / a]))
        assert ev("dinh-transformed-top-eigenvalue", hessian=tuple(H.ravel()), first=4, alpha=a) == pytest.approx(
            np.linalg.eigvalsh(Ha)[-1], rel=2e-5)
        assert ev("dinh-transformed-trace", trace_first=np.trace(H[:4, :4]), trace_second=np.trace(H[4:, 4:]),
                  alpha=a) == pytest.approx(np.trace(Ha), rel=2e-5)
    assert ev("dinh-invariant-trace", trace_first=1.25, trace_second=4.0) == pytest.approx(
        min(1.25 / a**2 + 4 * a**2 for a in np.linspace(0.5, 1.2, 70001)), rel=1e-8)


def test_dinh_transformed_sharpness_by_optimisation():
    d = np.array([0.1, 10.0])  # D = diag(alpha, 1/alpha), alpha = 0.1
    Hq, gq = np.diag([2.0, 0.5]) / np.outer(d, d), np.array([0.2, 0.1]) / d
    w = 0.01 * (np.abs(d * np.array([1.0, -0.5])) + 1)
    assert ev("dinh-transformed-sharpness", hessian=(2.0, 0.0, 0.0, 0.5), point=(1.0, -0.5), first=1, alpha=0.1,
              epsilon=0.01, loss=0.1, gradient=(0.2, 0.1)) == pytest.approx(100 * box_max(Hq, gq, w) / 1.1, rel=1e-9)


def test_dinh_trace_at_tiny_alpha_does_not_crash():
    # alpha**2 underflowed to 0 (ZeroDivisionError) below alpha ~ 1e-162: the domain of alpha is now
    # [1e-6, 1e6] (refused at validation, naming alpha), and its ends evaluate
    assert ev("dinh-transformed-trace", trace_first=0.0, trace_second=1.0, alpha=1e-6) == pytest.approx(1e-12)
    assert ev("dinh-transformed-trace", trace_first=1.0, trace_second=1.0, alpha=1e-6) == pytest.approx(1e12)
    with pytest.raises(BadInput, match="alpha"):
        ev("dinh-transformed-trace", trace_first=1.0, trace_second=1.0, alpha=1e-200)


# ----------------------------------------------------------------------------- gradient failures
def test_parity_bound_by_brute_force():
    D = 5
    cube = 1 - 2 * ((np.arange(2**D)[:, None] >> np.arange(D)) & 1)
    rng = np.random.default_rng(1)
    G = rng.standard_normal((2**D, 4)) * rng.uniform(0.2, 2, (2**D, 1))  # per-input gradients of some model
    G2 = float(np.mean(np.sum(G**2, axis=1)))
    for K in (None, 2):
        subsets = [s for r in range(D + 1) for s in itertools.combinations(range(D), r) if K is None or r == K]
        C = np.array([np.mean(np.prod(cube[:, list(s)], axis=1)[:, None] * G, axis=0) for s in subsets])
        var = float(np.mean(np.sum((C - C.mean(axis=0)) ** 2, axis=1)))
        bound = float(ev("parity-gradient-variance-bound", gradient_norm2=G2, dim=D, **({} if K is None else {"order": K})))
        assert var <= bound * (1 + 1e-12)
        if K is None:  # Parseval: Var = G/2^D - |g(1,...,1)|^2/4^D
            assert var == pytest.approx(bound - G[0] @ G[0] / 4**D, rel=1e-10)


@pytest.mark.parametrize("R", [0.5, 1.0, 2.5])
def test_linear_periodic_variance_by_quadrature(R):
    from scipy.integrate import quad

    phi = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    m1 = quad(lambda z: math.sin(R * z) * z * phi(z), -40, 40, limit=400)[0]  # E[sin(R z) z]
    s2 = quad(lambda z: math.sin(R * z) ** 2 * phi(z), -40, 40, limit=400)[0]  # Var sin(R z)
    assert ev("linear-periodic-gradient-variance", radius=R) == pytest.approx(m1 * m1 / s2, rel=1e-9)


# ----------------------------------------------------------------------------- implicit bias
def test_max_margin_by_quadratic_programming():
    from scipy.optimize import minimize

    X = np.array([[1.0, 0.5], [0.25, 1.0], [-1.0, 0.25], [0.5, -1.0]])
    y = np.array([1, 1, -1, -1])
    Z = X * y[:, None]
    r = minimize(lambda w: w @ w / 2, np.ones(2), jac=lambda w: w, method="SLSQP", options={"ftol": 1e-15},
                 constraints=[{"type": "ineq", "fun": lambda w: Z @ w - 1, "jac": lambda w: Z}])
    kw = dict(points=tuple(X.ravel()), dim=2, labels=tuple(int(v) for v in y))  # IntList refuses numpy integers
    assert float(ev("max-margin", **kw)) == pytest.approx(1 / np.linalg.norm(r.x), rel=1e-7)
    for c in (0, 1):
        assert float(ev("max-margin-direction", component=c, **kw)) == pytest.approx(r.x[c] / np.linalg.norm(r.x), abs=1e-7)
    # Soudry et al. (2018), Theorem 3: eta exp(-z_n.w_tilde) = alpha_n on the support vectors, w_hat = sum alpha_n z_n
    S = [n for n in range(4) if abs(Z[n] @ r.x - 1) < 1e-6]
    alpha = np.linalg.solve(Z[S].T, r.x)
    wt = np.linalg.solve(Z[S], np.log(0.5 / alpha))
    for c in (0, 1):
        assert float(ev("implicit-bias-residual", eta=0.5, component=c, **kw)) == pytest.approx(wt[c], abs=1e-6)


# ----------------------------------------------------------------------------- double descent
def mp_law_moment(gamma, lam, power):
    """E over the Marchenko-Pastur law of ratio gamma (atom 1 - 1/gamma at 0 when gamma > 1) of s^power/(s + lam)^2."""
    from scipy.integrate import quad

    a, b = (1 - math.sqrt(gamma)) ** 2, (1 + math.sqrt(gamma)) ** 2
    val = quad(lambda s: math.sqrt(max(0.0, (b - s) * (s - a))) / (2 * math.pi * gamma * s) * s**power / (s + lam) ** 2,
               a, b, limit=400, epsabs=1e-13, epsrel=1e-12)[0]
    return val + ((1 - 1 / gamma) / lam**2 if gamma > 1 and power == 0 else 0.0)


@pytest.mark.parametrize("gamma,lam,s,n2", [(0.5, 0.5, 1.0, 0.5), (2.0, 0.2, 1.0, 0.5), (1.0, 0.1, 1.0, 1.0)])
def test_ridge_risk_by_marchenko_pastur_quadrature(gamma, lam, s, n2):
    # bias signal lam^2 (1/p) tr (S + lam)^-2, variance noise (1/n) tr S (S + lam)^-2, S = X^T X/n
    ref = s * lam**2 * mp_law_moment(gamma, lam, 0) + n2 * gamma * mp_law_moment(gamma, lam, 1)
    assert float(ev("ridge-risk", gamma=gamma, ridge=lam, signal=s, noise=n2)) == pytest.approx(ref, rel=1e-8)


@pytest.mark.parametrize("gamma,s,n2", [(0.5, 1.0, 0.25), (4.0, 2.0, 1.0)])
def test_min_norm_risk_is_the_ridgeless_limit(gamma, s, n2):
    lam = 1e-7
    ref = s * lam**2 * mp_law_moment(gamma, lam, 0) + n2 * gamma * mp_law_moment(gamma, lam, 1)
    assert float(ev("min-norm-risk", gamma=gamma, signal=s, noise=n2)) == pytest.approx(ref, rel=2e-5)


# ----------------------------------------------------------------------------- scaling laws
def test_power_law_kappa_and_asymptote():
    from scipy.integrate import quad
    from scipy.optimize import brentq

    P, a, M = 64, 0.5, 1024
    lam = np.arange(1, M + 1, dtype=float) ** (-(1 + a))
    lk = brentq(lambda lk: np.sum(lam / (lam + math.exp(lk))) - P, -200, 10, xtol=1e-15)
    assert ev("power-law-ridgeless-risk", samples=P, alpha=a, modes=M) == pytest.approx(P * math.exp(lk), rel=1e-9)
    assert ev("power-law-projection-risk", features=P, alpha=a, modes=M) == pytest.approx(P * math.exp(lk), rel=1e-9)
    for P, a in ((1e4, 1.0), (1e5, 0.5), (1e3, 3.0)):
        # M = infinity: int_0^inf dk/(1 + kappa k^(1+a)) = kappa^(-1/(1+a)) I = P, I = int_0^inf du/(1 + u^(1+a))
        I = quad(lambda u: 1 / (1 + u ** (1 + a)), 0, 1)[0] + quad(lambda u: 1 / (1 + u ** (1 + a)), 1, np.inf)[0]
        assert float(ev("power-law-risk-asymptote", samples=P, alpha=a)) == pytest.approx(P * (I / P) ** (1 + a), rel=1e-9)


# ----------------------------------------------------------------------------- lottery
def test_subset_sum_endpoint_probability_monte_carlo():
    rng = np.random.default_rng(11)
    n, eps, m = 6, 0.1, 200_000
    X = rng.uniform(-1, 1, (m, n))
    hit = (np.maximum(X, 0).sum(axis=1) >= 1 - eps) & (np.minimum(X, 0).sum(axis=1) <= -(1 - eps))
    se = math.sqrt(hit.mean() * (1 - hit.mean()) / m)
    assert abs(ev("subset-sum-endpoint-probability", n=n, eps=eps) - hit.mean()) < 4.5 * se


@pytest.mark.parametrize("eps", [0.1, 0.25, 1 / 3, 0.5, 1e-3, 1e-13, 5e-324])
def test_subset_sum_counting_bound(eps):
    # smallest n with 2^n eps >= 1; below 5e-13 the value was refused as "too small to represent"
    ref = math.ceil(-math.log2(eps) - 1e-12)
    assert ev("subset-sum-counting-bound", eps=eps) == ref


# ----------------------------------------------------------------------------- manifolds
def test_ball_capacity_by_double_quadrature():
    from scipy.integrate import quad
    from scipy.stats import chi, norm

    R, D, k = 0.5, 2, 0.5  # Chung, Lee & Sompolinsky (2016): touching and apex regions of the inner problem

    def inner(t):
        a, b = k - t / R, k + R * t
        return (quad(lambda t0: norm.pdf(t0) * (b - t0) ** 2, a, b, epsabs=1e-13)[0] / (1 + R * R)
                + quad(lambda t0: norm.pdf(t0) * ((k - t0) ** 2 + t * t), -np.inf, a, epsabs=1e-13)[0])

    inv = quad(lambda t: chi.pdf(t, D) * inner(t), 0, np.inf, limit=200, epsabs=1e-12)[0]
    assert ev("manifold-capacity-ball", radius=R, dim=D, kappa=k) == pytest.approx(1 / inv, rel=1e-8)


def test_l1_ball_of_dimension_one_is_the_segment():
    # in D = 1 the L1 ball and the L2 ball are the same segment; the L1 value is a 1.6e6-draw Monte Carlo
    assert ev("manifold-capacity-l1-ball", radius=1.0, dim=1, kappa=0.0) == pytest.approx(
        ev("manifold-capacity-ball", radius=1.0, dim=1, kappa=0.0), rel=2e-3)


# ----------------------------------------------------------------------------- tensor networks
def convac_tensor(N, M, widths, rng):
    """Coefficient tensor of a ConvAC with Gaussian weights: per-input 1x1 convolution M -> r_0, then
    size-2 product pooling and a 1x1 convolution per level (the last one to a scalar)."""
    L = N.bit_length() - 1
    nodes = [rng.standard_normal((widths[0], M)) for _ in range(N)]
    for level in range(1, L + 1):
        out = widths[level] if level < L else 1
        new = []
        for a, b in zip(nodes[::2], nodes[1::2]):
            c = a.shape[0]
            prod = (a.reshape(c, -1)[:, :, None] * b.reshape(c, -1)[:, None, :]).reshape((c,) + a.shape[1:] + b.shape[1:])
            new.append(np.tensordot(rng.standard_normal((out, widths[level - 1])), prod, axes=(1, 0)))
        nodes = new
    return nodes[0][0]


@pytest.mark.parametrize("N,M,w,part", [(8, 2, (2, 3, 2), (1, 2, 5)), (4, 3, (2, 5), (1, 3)), (8, 2, (4, 2, 3), "left-right"),
                                        (8, 3, (4, 5, 3), "odd-even"), (16, 2, (3, 2, 5, 7), "left-right"),
                                        (16, 2, (2, 4, 3, 6), (1, 2, 3, 5, 8, 13))])
def test_convac_separation_rank_is_the_rank_of_a_random_convac(N, M, w, part):
    A = convac_tensor(N, M, w, np.random.default_rng(5))
    a = set(range(N // 2)) if part == "left-right" else set(range(0, N, 2)) if part == "odd-even" else {q - 1 for q in part}
    mat = np.transpose(A, sorted(a) + sorted(set(range(N)) - a)).reshape(M ** len(a), -1)
    s = np.linalg.svd(mat, compute_uv=False)
    assert ev("convac-separation-rank", inputs=N, channels=M, widths=w, partition=part) == int(np.sum(s > s[0] * 1e-10))


# ----------------------------------------------------------------------------- NTK dynamics
def relu_kernels(X, sw, sb, L):
    """NNGP and NTK (NTK parameterisation) of a ReLU network by the arc-cosine formulas (Cho & Saul 2009)."""
    K = sw * X @ X.T / X.shape[1] + sb
    T = K.copy()
    for _ in range(L - 1):
        dg = np.sqrt(np.diag(K))
        c = np.clip(K / np.outer(dg, dg), -1, 1)
        np.fill_diagonal(c, 1.0)
        th = np.arccos(c)
        K, Kd = sw * np.outer(dg, dg) * (np.sin(th) + (np.pi - th) * c) / (2 * np.pi) + sb, (np.pi - th) / (2 * np.pi)
        T = K + sw * Kd * T
    return K, T


@pytest.mark.parametrize("t,eta", [(2.0, 0.0), (2.0, 0.1), (math.inf, 0.0)])
def test_ntk_gd_mean_variance_and_nngp_posterior(t, eta):
    from scipy.linalg import expm

    tr, y, te, L, sw, sb = (-0.4, 0.9, 2.2, 3.0, 5.0), np.array([0.3, -1.0, 0.8, 0.1, -0.2]), 1.9, 4, 1.7, 0.3
    ang = np.array(tr + (te,))
    K, T = relu_kernels(np.stack([np.cos(ang), np.sin(ang)], axis=1), sw, sb, L)
    n = len(tr)
    if math.isinf(t):
        B = np.linalg.inv(T[:n, :n])
    elif eta:  # B = eta sum_{k < t/eta} (I - eta Theta)^k: the GD map on the training residual
        B = sum(eta * np.linalg.matrix_power(np.eye(n) - eta * T[:n, :n], k) for k in range(round(t / eta)))
    else:
        B = np.linalg.solve(T[:n, :n], np.eye(n) - expm(-t * T[:n, :n]))
    c = np.concatenate([[1.0], -(T[n, :n] @ B)])
    idx = [n] + list(range(n))
    kw = dict(activation="relu", depth=L, weight_variance=sw, bias_variance=sb, train=tr, targets=tuple(y), test=te)
    assert ev("ntk-gd-test-mean", time=t, learning_rate=eta, **kw) == pytest.approx(T[n, :n] @ B @ y, rel=1e-8)
    assert ev("ntk-gd-test-variance", time=t, learning_rate=eta, **kw) == pytest.approx(c @ K[np.ix_(idx, idx)] @ c, rel=1e-8)
    assert ev("nngp-posterior-mean", **kw) == pytest.approx(K[n, :n] @ np.linalg.solve(K[:n, :n], y), rel=1e-9)


def test_divergent_gradient_descent_warns_at_finite_time():
    # eta >= 2/lambda_max: the linearised GD diverges (-1.6e144 at t = 1000, eta = 10: the infinite-width value,
    # exact at a fixed number of steps, but no finite network follows it); it answers with a warning, and
    # t = inf is refused (no limit)
    kw = dict(activation="relu", depth=2, weight_variance=2.0, bias_variance=0.0, train=(0.0, 1.2, 2.5),
              targets=(1.0, -0.5, 0.5), test=0.6)
    for q in ("ntk-gd-test-mean", "ntk-gd-test-variance"):
        quantity = theory.get(q)
        assert "diverges" in quantity.warnings({**kw, "time": 1000.0, "learning_rate": 10.0})[0]
        assert quantity.warnings({**kw, "time": 2.0, "learning_rate": 0.1}) == []
        with pytest.raises(BadInput, match="learning_rate"):
            ev(q, time=math.inf, learning_rate=10.0, **kw)
    # the diverging value is the linear model's, B = eta sum_{k < 5} (I - eta Theta)^k, recomputed here
    ang = np.array(kw["train"] + (kw["test"],))
    _, T = relu_kernels(np.stack([np.cos(ang), np.sin(ang)], axis=1), 2.0, 0.0, 2)
    B = sum(10.0 * np.linalg.matrix_power(np.eye(3) - 10.0 * T[:3, :3], k) for k in range(5))
    assert ev("ntk-gd-test-mean", time=50.0, learning_rate=10.0, **kw) == pytest.approx(
        T[3, :3] @ B @ np.array(kw["targets"]), rel=1e-9)


# ----------------------------------------------------------------------------- labels
LABELS = {  # the status the referee finds for the evaluated form
    "pspin-threshold-energy": "asymptotic", "pspin-complexity": "asymptotic", "pspin-critical-energy": "asymptotic",
    "pspin-expected-critical-points": "exact", "pspin-hessian-quantile": "asymptotic",
    "perceptron-pair-count": "exact", "perceptron-annealed-local-entropy": "asymptotic",
    "local-entropy-quadratic": "exact", "logdet-flatness": "exact", "entropy-sgd-gradient-quadratic": "exact",
    "keskar-sharpness-quadratic": "exact", "dinh-transformed-trace": "exact", "dinh-invariant-trace": "exact",
    "dinh-transformed-top-eigenvalue": "exact", "dinh-transformed-sharpness": "exact",
    "parity-gradient-variance-bound": "rigorous-upper-bound", "linear-periodic-gradient-variance": "exact",
    "max-margin": "exact", "max-margin-direction": "exact", "implicit-bias-residual": "exact",
    "implicit-bias-direction-error": "asymptotic", "min-norm-risk": "asymptotic", "min-norm-risk-finite": "exact",
    "ridge-risk": "asymptotic", "random-features-risk": "asymptotic", "power-law-ridgeless-risk": "asymptotic",
    "power-law-projection-risk": "asymptotic", "power-law-risk-asymptote": "asymptotic",
    "subset-sum-endpoint-probability": "exact", "subset-sum-counting-bound": "rigorous-lower-bound",
    "manifold-capacity-ball": "replica-symmetric", "manifold-ball-critical-margin": "replica-symmetric",
    "manifold-capacity-l1-ball": "replica-symmetric", "convac-separation-rank": "rigorous-upper-bound",
    "convac-entanglement-entropy": "rigorous-upper-bound", "convac-max-separation-rank": "rigorous-upper-bound",
    "ntk-gd-test-mean": "exact", "ntk-gd-test-variance": "exact", "nngp-posterior-mean": "exact",
    "ntk-gd-deviation-exponent": "heuristic",
}


def test_status_labels():
    found = {name: theory.get(name).status for name in LABELS}
    assert found == LABELS


def test_annealed_local_entropy_warns_where_typical_instances_have_no_solution():
    q = theory.get("perceptron-annealed-local-entropy")
    assert q.warnings({"alpha": 0.5, "distance": 0.1}) == []
    assert "0.833" in q.warnings({"alpha": 0.9, "distance": 0.1})[0]  # above the Krauth-Mezard capacity
    assert "vanishes" in q.warnings({"alpha": 1.5, "distance": 0.1})[0]  # E #solutions = 2^(N(1 - alpha)) -> 0


def test_subset_sum_endpoint_probability_reads_eps_exactly():
    # eps = 1e-13 was rounded to 0 (limit_denominator(10**12)); the exact value differs from eps = 0 by
    # P(endpoint sum within [1 - 1e-13, 1)) > 0, visible in the exact rational at small n
    from fractions import Fraction

    n, eps = 3, 1e-13
    t = 1 - Fraction(repr(eps))
    ref = sum(math.comb(n, k) * (1 - t**k / math.factorial(k)) * (1 - t ** (n - k) / math.factorial(n - k))
              for k in range(1, n)) / 2**n
    assert ev("subset-sum-endpoint-probability", n=n, eps=eps) == float(ref)
    assert ev("subset-sum-endpoint-probability", n=n, eps=eps) != ev("subset-sum-endpoint-probability", n=n, eps=5e-324)
