"""Outside referee: independent recomputation of the landscape, optimisation, learning-curve,
lottery, manifold, tensor-network and NTK-dynamics quantities (run by hand; minutes).

Every reference value below is computed by code written here from the paper's formula or from
first principles (mpmath, scipy, numpy, Monte Carlo), never by calling the project's evaluator
for the same quantity; the project's value is read with ``theory.evaluate`` only to compare.
Each row: quantity, point, project value, independent value (with its Monte Carlo standard
error where it has one), and the verdict (|difference| within the stated tolerance, or within
4 standard errors for a Monte Carlo reference).

    .venv/bin/python tools/referee.py [topic ...]     # topics: see TOPICS at the bottom
"""
from __future__ import annotations

import itertools
import math
import sys
import time

import mpmath as mp
import numpy as np

from dltheory import theory

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1] / "tests"))
from test_referee import abc_complexity, box_max, convac_tensor, mp_law_moment, relu_kernels  # noqa: E402

ev = theory.evaluate
ROWS: list[tuple] = []


def row(quantity, point, project, reference, *, rel=None, abs_=None, se=None, note=""):
    project, reference = float(project), float(reference)
    diff = abs(project - reference)
    if se is not None:
        tol = 4 * se + (abs_ or 0.0) + (rel or 0.0) * abs(reference)
        kind = f"MC +-{se:.2g}"
    else:
        tol = (abs_ or 0.0) + (rel or 0.0) * abs(reference)
        kind = f"tol {tol:.2g}"
    ok = diff <= tol
    ROWS.append((quantity, point, project, reference, kind, ok, note))
    print(f"{'ok ' if ok else 'BAD'} {quantity:36s} {point:44s} project={project:.10g} indep={reference:.10g} "
          f"({kind}) {note}", flush=True)
    return ok


# ----------------------------------------------------------------------------- spin glass
def goe_mc(N, c, index, samples, rng):
    """Monte Carlo of E_GOE_N[exp(-c lambda_k^2)] (index k, or the sum over all eigenvalues when
    index is None); GOE_N density prop. to exp(-N tr H^2 / 4)... i.e. off-diagonal variance 1/(2N),
    diagonal 1/N (semicircle on [-sqrt 2, sqrt 2])."""
    vals = []
    for start in range(0, samples, 20000):
        m = min(20000, samples - start)
        a = rng.standard_normal((m, N, N)) / math.sqrt(2 * N)
        h = (a + a.transpose(0, 2, 1)) / math.sqrt(2)  # off-diagonal var 1/(2N), diagonal var 1/N
        lam = np.linalg.eigvalsh(h)
        w = np.exp(-c * lam**2)
        vals.append(w.sum(axis=1) if index is None else w[:, index])
    v = np.concatenate(vals)
    return v.mean(), v.std(ddof=1) / math.sqrt(len(v))


def pspin_critical_points_direct(N, p, samples, rng):
    """Monte Carlo of the number of critical points by index of H on S^(N-1) for N = 2 (exact
    root count of a trigonometric polynomial): H(theta) = sum J s_i1..s_ip, s = sqrt 2 (cos, sin)."""
    counts = np.zeros(N)
    th = np.linspace(0, 2 * np.pi, 20001)[:-1]
    s = np.sqrt(2) * np.stack([np.cos(th), np.sin(th)])
    mono = np.ones((1, th.size))
    for _ in range(p):  # all ordered index tuples
        mono = (mono[:, None, :] * s[None, :, :]).reshape(-1, th.size)
    tot = []
    for _ in range(samples):
        J = rng.standard_normal(mono.shape[0])
        H = J @ mono
        d = np.roll(H, -1) - H
        sign_change = np.sign(d) != np.sign(np.roll(d, 1))
        # a sign change of the forward difference: a local extremum of the sampled curve
        mins = np.sum(sign_change & (d > 0))
        maxs = np.sum(sign_change & (d < 0))
        tot.append((mins, maxs))
    t = np.array(tot, dtype=float)
    return t.mean(axis=0), t.std(axis=0, ddof=1) / math.sqrt(samples)


def pspin_newton_count(N, p, samples, starts, rng):
    """Monte Carlo of the critical points of h(x) = sum J x_i1..x_ip on the unit sphere S^(N-1) by index:
    Newton on the Lagrange system grad h = mu x, |x| = 1 from many random starts, distinct solutions
    kept, index = negative eigenvalues of the tangent Hessian grad^2 h - mu I (scale-free, so the same
    counts as on the sphere of radius sqrt N)."""
    def contract(T, x, times):
        out = np.broadcast_to(T, (x.shape[0],) + T.shape)
        for _ in range(times):
            out = np.einsum("s...i,si->s...", out, x)
        return out

    res = []
    for _ in range(samples):
        J = rng.standard_normal((N,) * p)
        T = sum(np.transpose(J, perm) for perm in itertools.permutations(range(p))) / math.factorial(p)
        x = rng.standard_normal((starts, N))
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        for _ in range(60):
            g, Hs = p * contract(T, x, p - 1), p * (p - 1) * contract(T, x, p - 2)
            mu = np.einsum("si,si->s", g, x)
            F = np.concatenate([g - mu[:, None] * x, (np.einsum("si,si->s", x, x)[:, None] - 1) / 2], axis=1)
            Jm = np.zeros((starts, N + 1, N + 1))
            Jm[:, :N, :N] = Hs - mu[:, None, None] * np.eye(N)
            Jm[:, :N, N], Jm[:, N, :N] = -x, x
            try:
                d = np.linalg.solve(Jm, -F[..., None])[..., 0]
            except np.linalg.LinAlgError:
                break
            x = x + d[:, :N]
            x /= np.linalg.norm(x, axis=1, keepdims=True)
        g = p * contract(T, x, p - 1)
        mu = np.einsum("si,si->s", g, x)
        pts = []
        for xi in x[np.linalg.norm(g - mu[:, None] * x, axis=1) < 1e-9]:
            if all(np.linalg.norm(xi - q) > 1e-6 for q in pts):
                pts.append(xi)
        idx = np.zeros(N)
        for xi in pts:
            gi = p * contract(T, xi[None], p - 1)[0]
            P = np.eye(N) - np.outer(xi, xi)
            ev_ = np.linalg.eigvalsh(P @ (p * (p - 1) * contract(T, xi[None], p - 2)[0] - (gi @ xi) * np.eye(N)) @ P)
            idx[int(np.sum(ev_[np.argsort(np.abs(ev_))][1:] < 0))] += 1  # drop the normal direction's 0
        res.append(idx)
    r = np.array(res)
    return r.mean(axis=0), r.std(axis=0, ddof=1) / math.sqrt(samples)


def spin_glass(rng):
    for p in (2, 3, 7):
        row("pspin-threshold-energy", f"p={p}", ev("pspin-threshold-energy", p=p),
            # lower semicircle edge -2 sqrt(p(p-1)) - p u = 0
            -mp.findroot(lambda u: -2 * mp.sqrt(p * (p - 1)) - p * u, -1), rel=1e-14)
    for p, k, u in ((3, 0, -1.65), (3, 2, -1.7), (4, 1, -1.9), (5, 0, -0.5), (3, 1, -1.634)):
        row("pspin-complexity", f"p={p} k={k} u={u}", ev("pspin-complexity", p=p, index=k, energy=u),
            abc_complexity(p, k, u), rel=1e-12, abs_=1e-14)
    for p, k in ((3, 0), (3, 1), (4, 0), (10, 3)):
        einf = 2 * mp.sqrt(mp.mpf(p - 1) / p)
        ek = mp.findroot(lambda e: abc_complexity(p, k, -e), (einf * (1 + 1e-9), einf + 0.5), solver="anderson")
        row("pspin-critical-energy", f"p={p} k={k}", ev("pspin-critical-energy", p=p, index=k), ek, rel=1e-12)
    # exact finite-N counts: N = 2 closed form sqrt(3p - 2) per index (real eigenvectors of binary forms),
    # p = 2: 2 per index; the GOE expectation itself by Monte Carlo; N = 2 by direct root counting
    for p in (3, 5):
        row("pspin-expected-critical-points", f"N=2 p={p} k=0", ev("pspin-expected-critical-points", N=2, p=p, index=0),
            math.sqrt(3 * p - 2), rel=1e-7)
    row("pspin-expected-critical-points", "N=6 p=2", ev("pspin-expected-critical-points", N=6, p=2), 12, rel=1e-7)
    for N, p, k in ((3, 3, 0), (4, 3, 1), (5, 4, None), (6, 3, 2)):
        c = N * (p - 2) / (2 * p)
        m, se = goe_mc(N, c, k, 400_000, rng)
        pref = 2 * math.sqrt(2 / p) * (p - 1) ** (N / 2)
        kw = {} if k is None else {"index": k}
        row("pspin-expected-critical-points", f"N={N} p={p} k={k}", ev("pspin-expected-critical-points", N=N, p=p, **kw),
            pref * m, se=pref * se, note="GOE Monte Carlo")
    mean, se = pspin_newton_count(3, 3, 1000, 300, rng)
    for k in (0, 1):
        row("pspin-expected-critical-points", f"N=3 p=3 k={k} (Newton count)", ev("pspin-expected-critical-points", N=3, p=3, index=k),
            mean[k], se=se[k], note="all critical points by multi-start Newton")
    mean, se = pspin_critical_points_direct(2, 3, 3000, rng)
    row("pspin-expected-critical-points", "N=2 p=3 minima (direct count)",
        ev("pspin-expected-critical-points", N=2, p=3, index=0), mean[0], se=se[0], note="root counting")
    for p, u, lev in ((3, 0.0, 0.25), (3, -1.6, 0.5), (4, -1.0, 0.9)):
        from scipy.optimize import brentq
        R = 2 * math.sqrt(p * (p - 1))
        cdf = lambda x: 0.5 + (x / R * math.sqrt(max(0.0, 1 - (x / R) ** 2)) + math.asin(max(-1, min(1, x / R)))) / math.pi
        q = -p * u + brentq(lambda x: cdf(x) - lev, -R, R, xtol=1e-14)
        row("pspin-hessian-quantile", f"p={p} u={u} L={lev}", ev("pspin-hessian-quantile", p=p, energy=u, level=lev),
            q, rel=1e-10)
    # the Hessian spectrum: GOE of size 400 sampled with the Kac-Rice covariances (entries var p(p-1)/N
    # off the diagonal, 2p(p-1)/N on it) minus p u
    p, u, lev, n = 3, -1.0, 0.25, 400
    qs = []
    for _ in range(40):
        a = rng.standard_normal((n, n)) * math.sqrt(p * (p - 1) / n)
        h = (a + a.T) / math.sqrt(2) - p * u * np.eye(n)
        qs.append(np.quantile(np.linalg.eigvalsh(h), lev))
    row("pspin-hessian-quantile", f"p={p} u={u} L={lev} (GOE n={n})", ev("pspin-hessian-quantile", p=p, energy=u, level=lev),
        np.mean(qs), se=np.std(qs) / math.sqrt(40), abs_=0.02, note="finite-n sample, 0.02 allowed for O(1/n)")


# ----------------------------------------------------------------------------- dense clusters
def dense_clusters(rng):
    # exact enumeration of the solutions for N = 10 over Monte Carlo pattern draws
    N, P = 10, 4
    W = 1 - 2 * ((np.arange(2**N)[:, None] >> np.arange(N)) & 1)
    dist = (N - W @ W.T) // 2
    draws = 4000
    sums = {0: [], 2: [], 5: []}
    for _ in range(draws):
        xi = rng.standard_normal((P, N))
        y = rng.choice([-1, 1], size=P)
        sol = np.all(np.sign(W @ xi.T) == y, axis=1)
        S = W[sol]
        ds = (N - S @ S.T) // 2 if len(S) else np.zeros((0, 0), int)
        for K in sums:
            sums[K].append(np.sum(ds == K))
    for K, v in sums.items():
        v = np.array(v, float)
        row("perceptron-pair-count", f"N={N} P={P} K={K}", ev("perceptron-pair-count", N=N, P=P, distance=K),
            v.mean(), se=v.std(ddof=1) / math.sqrt(draws), note="enumeration x MC patterns")
    for a, D in ((0.3, 0.05), (0.5, 0.2), (1.0, 0.4)):
        # limit of (1/N) ln[pairs(N, aN, DN)/pairs(N, aN, 0)] from the first moment, N = 2e5
        n = 200_000
        K, P = int(D * n), int(a * n)
        th = mp.acos(1 - mp.mpf(2 * K) / n)
        lr = (mp.log(mp.binomial(n, K)) + P * mp.log(1 - th / mp.pi)) / n
        row("perceptron-annealed-local-entropy", f"alpha={a} D={D}", ev("perceptron-annealed-local-entropy", alpha=a, distance=D),
            lr, abs_=1e-4, note="(1/N) ln ratio at N=2e5")


# ----------------------------------------------------------------------------- flatness
def flatness(rng):
    from scipy.integrate import nquad

    for lam, g, d in (((1.0, 4.0), 1.0, (0.0, 0.0)), ((0.5, 2.0), 2.0, (0.3, -0.2)), ((1.0, 3.0), 0.5, (1.0, -0.5))):
        def F(dd):
            f = lambda a, b: math.exp(-0.5 * (lam[0] * a * a + lam[1] * b * b)
                                      - 0.5 * g * ((dd[0] - a) ** 2 + (dd[1] - b) ** 2))
            return math.log(nquad(f, [[-30, 30], [-30, 30]], opts={"epsabs": 1e-13, "epsrel": 1e-12})[0])
        pt = f"lam={lam} g={g} d={d}"
        row("local-entropy-quadratic", pt, ev("local-entropy-quadratic", eigenvalues=lam, gamma=g, displacement=d), F(d), abs_=1e-8)
        h = 1e-4
        for k in (1, 2):
            e = [0.0, 0.0]
            e[k - 1] = h
            dplus = (d[0] + e[0], d[1] + e[1])
            dminus = (d[0] - e[0], d[1] - e[1])
            grad = (F(dplus) - F(dminus)) / (2 * h)
            row("entropy-sgd-gradient-quadratic", pt + f" k={k}",
                ev("entropy-sgd-gradient-quadratic", eigenvalues=lam, gamma=g, displacement=d, component=k), -grad, abs_=1e-6)
        row("logdet-flatness", f"lam={lam} g={g}", ev("logdet-flatness", eigenvalues=lam, gamma=g),
            0.5 * math.log(np.linalg.det(np.eye(2) + np.diag(lam) / g)), rel=1e-13)


# ----------------------------------------------------------------------------- sharpness
def sharpness(rng):
    cases = [((2.0, 0.0, 0.0, 0.5), (1.0, -0.5), 0.1, 0.2, (0.1, -0.3), None),
             ((3.0, 1.0, 0.0, 1.0, 2.0, -0.5, 0.0, -0.5, 1.0), (0.5, 2.0, -1.0), 0.05, 0.1, None, None),
             ((3.0, 1.0, 0.0, 1.0, 2.0, -0.5, 0.0, -0.5, 1.0), (0.5, 2.0, -1.0), 0.05, 0.0, (0.2, 0.0, -0.1),
              (1.0, 0.0, 1.0, 1.0, 0.0, -1.0))]
    for hess, x, eps, loss, grad, proj in cases:
        n = len(x)
        H = np.array(hess).reshape(n, n)
        g = np.zeros(n) if grad is None else np.array(grad)
        A = np.eye(n) if proj is None else np.array(proj).reshape(n, -1)
        w = eps * (np.abs(np.linalg.pinv(A) @ np.array(x)) + 1)
        ref = 100 * box_max(A.T @ H @ A, A.T @ g, w, starts=200) / (1 + loss)
        kw = dict(hessian=hess, point=x, epsilon=eps, loss=loss)
        if grad is not None:
            kw["gradient"] = grad
        if proj is not None:
            kw["projection"] = proj
        row("keskar-sharpness-quadratic", f"n={n} eps={eps} A={'I' if proj is None else 'given'}",
            ev("keskar-sharpness-quadratic", **kw), ref, rel=1e-9)
    for t1, t2, a in ((3.0, 0.5, 2.0), (1.25, 4.0, 0.1)):
        # trace of D^-1 H D^-1 for a diagonal H with those block traces
        H = np.diag([t1 / 2, t1 / 2, t2])
        d = np.array([a, a, 1 / a])
        row("dinh-transformed-trace", f"T1={t1} T2={t2} a={a}", ev("dinh-transformed-trace", trace_first=t1, trace_second=t2, alpha=a),
            np.trace(H / np.outer(d, d)), rel=1e-14)
        from scipy.optimize import minimize_scalar
        r = minimize_scalar(lambda la: t1 * math.exp(-2 * la) + t2 * math.exp(2 * la), bracket=(-3, 3), tol=1e-12)
        row("dinh-invariant-trace", f"T1={t1} T2={t2}", ev("dinh-invariant-trace", trace_first=t1, trace_second=t2), r.fun, rel=1e-10)
    # a real two-layer ReLU net: the Hessian of its squared loss at theta and at T_alpha theta, by finite
    # differences, gives the congruence the top-eigenvalue and sharpness quantities assume
    X = rng.standard_normal((6, 2))
    y = rng.standard_normal(6)
    th = np.array([0.7, -0.4, 0.9, 0.3, 1.1, -0.8])  # W1 (2x2) then w2 (2)

    def loss(t):
        W1, w2 = t[:4].reshape(2, 2), t[4:]
        return 0.5 * np.mean((np.maximum(X @ W1.T, 0) @ w2 - y) ** 2)

    def hess(t, h=1e-4):
        n = len(t)
        out = np.zeros((n, n))
        for i in range(n):
            for j in range(n):
                e1, e2 = np.eye(n)[i] * h, np.eye(n)[j] * h
                out[i, j] = (loss(t + e1 + e2) - loss(t + e1 - e2) - loss(t - e1 + e2) + loss(t - e1 - e2)) / (4 * h * h)
        return 0.5 * (out + out.T)

    H = hess(th)
    for a in (3.0, 0.25):
        Ha = hess(np.concatenate([a * th[:4], th[4:] / a]))
        top = np.linalg.eigvalsh(Ha)[-1]
        row("dinh-transformed-top-eigenvalue", f"2-layer relu net a={a}",
            ev("dinh-transformed-top-eigenvalue", hessian=tuple(H.ravel()), first=4, alpha=a), top, rel=2e-5,
            note="finite-difference Hessian at T_a theta")
    Hs = (2.0, 0.0, 0.0, 0.5)
    for a in (4.0, 0.1):
        d = np.array([a, 1 / a])
        Hq = np.array(Hs).reshape(2, 2) / np.outer(d, d)
        gq = np.array([0.2, 0.1]) / d
        w = 0.01 * (np.abs(d * np.array([1.0, -0.5])) + 1)
        ref = 100 * box_max(Hq, gq, w, starts=200) / 1.1
        row("dinh-transformed-sharpness", f"a={a}", ev("dinh-transformed-sharpness", hessian=Hs, point=(1.0, -0.5), first=1,
                                                       alpha=a, epsilon=0.01, loss=0.1, gradient=(0.2, 0.1)), ref, rel=1e-9)


# ----------------------------------------------------------------------------- gradient failures
def gradient_failures(rng):
    from scipy.integrate import quad

    for D, K in ((6, None), (6, 2), (8, 3)):
        cube = 1 - 2 * ((np.arange(2**D)[:, None] >> np.arange(D)) & 1)
        G = rng.standard_normal((2**D, 5)) * rng.uniform(0.2, 2, (2**D, 1))  # gradients g(x) of some model, 5 params
        G2 = float(np.mean(np.sum(G**2, axis=1)))
        subsets = [s for r in range(D + 1) for s in itertools.combinations(range(D), r) if K is None or r == K]
        C = np.array([np.mean(np.prod(cube[:, list(s)], axis=1)[:, None] * G, axis=0) for s in subsets])
        var = float(np.mean(np.sum((C - C.mean(axis=0)) ** 2, axis=1)))
        bound = ev("parity-gradient-variance-bound", gradient_norm2=G2, dim=D, **({} if K is None else {"order": K}))
        ROWS.append(("parity-gradient-variance-bound", f"D={D} K={K}", float(bound), var, "bound >= Var", var <= float(bound) * (1 + 1e-12), ""))
        print(f"{'ok ' if var <= float(bound) * (1 + 1e-12) else 'BAD'} parity-gradient-variance-bound D={D} K={K} bound={float(bound):.6g} Var={var:.6g}")
        if K is None:  # Parseval: the second moment equals the bound; Var = G/2^D - |g(1..1)|^2/4^D
            g1 = G[0]  # cube row 0 is (1, ..., 1)
            row("parity-gradient-variance-bound", f"D={D} Parseval identity", float(bound) - g1 @ g1 / 4**D, var, rel=1e-10,
                note="Var = bound - |g(1)|^2/4^D")
    for R in (0.5, 1.0, 2.5):
        # grad F_u = w - E[h_u(x) x]; E[sin(R z) z] by quadrature, sigma^2 = Var sin(R z) by quadrature
        m1 = quad(lambda z: math.sin(R * z) * z * math.exp(-z * z / 2) / math.sqrt(2 * math.pi), -40, 40, limit=400)[0]
        s2 = quad(lambda z: math.sin(R * z) ** 2 * math.exp(-z * z / 2) / math.sqrt(2 * math.pi), -40, 40, limit=400)[0]
        row("linear-periodic-gradient-variance", f"R={R}", ev("linear-periodic-gradient-variance", radius=R), m1 * m1 / s2, rel=1e-9)


# ----------------------------------------------------------------------------- implicit bias
def implicit_bias(rng):
    from scipy.optimize import minimize

    X = np.array([[1.0, 0.5], [0.25, 1.0], [-1.0, 0.25], [0.5, -1.0]])
    y = np.array([1, 1, -1, -1])
    Z = X * y[:, None]
    cons = {"type": "ineq", "fun": lambda w: Z @ w - 1, "jac": lambda w: Z}
    r = minimize(lambda w: w @ w / 2, np.ones(2), jac=lambda w: w, constraints=[cons], method="SLSQP", options={"ftol": 1e-15})
    w_hat = r.x
    kw = dict(points=tuple(X.ravel()), dim=2, labels=tuple(int(v) for v in y))
    row("max-margin", "example 4 points", ev("max-margin", **kw), 1 / np.linalg.norm(w_hat), rel=1e-7)
    for c in (0, 1):
        row("max-margin-direction", f"example c={c}", ev("max-margin-direction", component=c, **kw), w_hat[c] / np.linalg.norm(w_hat), abs_=1e-7)
    # gradient descent itself: w(t) - w_hat ln t at t = 10^6 (summed logistic loss, eta = 0.5)
    eta, T = 0.5, 1_000_000
    w = np.zeros(2)
    for t in range(T):
        m = Z @ w
        w = w + eta * Z.T @ (1 / (1 + np.exp(m)))
    resid = w - w_hat * math.log(T)
    for c in (0, 1):
        row("implicit-bias-residual", f"example eta=0.5 c={c}", ev("implicit-bias-residual", eta=eta, component=c, **kw),
            resid[c], abs_=5e-3, note="GD at t=1e6 (o(1) left)")
    err = np.linalg.norm(w / np.linalg.norm(w) - w_hat / np.linalg.norm(w_hat))
    row("implicit-bias-direction-error", "example eta=0.5 t=1e6", ev("implicit-bias-direction-error", eta=eta, steps=T, **kw), err,
        rel=0.02, note="GD at t=1e6")


# ----------------------------------------------------------------------------- double descent
def double_descent(rng):
    for g, s, n2 in ((0.5, 1.0, 0.25), (2.0, 1.0, 0.25), (4.0, 2.0, 1.0)):
        row("min-norm-risk", f"gamma={g} r2={s} s2={n2}", ev("min-norm-risk", gamma=g, signal=s, noise=n2),
            mp_moment_limit(g, s, n2), rel=2e-4, note="ridge risk at lam=1e-6 by MP quadrature")
    for n, p, s, n2 in ((20, 5, 1.0, 0.5), (10, 16, 1.0, 0.5), (30, 60, 2.0, 1.0)):
        reps = 40000
        risks = []
        beta = np.zeros(p)
        beta[0] = math.sqrt(s)
        for _ in range(reps // 100):
            X = rng.standard_normal((100, n, p))
            eps = rng.standard_normal((100, n)) * math.sqrt(n2)
            yy = X @ beta + eps
            bh = np.einsum("kpn,kn->kp", np.linalg.pinv(X), yy)
            risks.append(np.sum((bh - beta) ** 2, axis=1))
        v = np.concatenate(risks)
        row("min-norm-risk-finite", f"n={n} p={p}", ev("min-norm-risk-finite", samples=n, features=p, signal=s, noise=n2),
            v.mean(), se=v.std(ddof=1) / math.sqrt(len(v)), note="Monte Carlo")
    for g, lam, s, n2 in ((0.5, 0.5, 1.0, 0.5), (2.0, 0.2, 1.0, 0.5), (1.0, 0.1, 1.0, 1.0)):
        ref = s * lam**2 * mp_law_moment(g, lam, 0) + n2 * g * mp_law_moment(g, lam, 1)
        row("ridge-risk", f"gamma={g} lam={lam}", ev("ridge-risk", gamma=g, ridge=lam, signal=s, noise=n2), ref, rel=1e-8,
            note="MP-density quadrature of the bias/variance traces")
    # ridge: finite-n Monte Carlo at n = 400 as a check of the estimator convention
    n, g, lam = 400, 2.0, 0.2
    p = int(g * n)
    vals = []
    for _ in range(30):
        X = rng.standard_normal((n, p))
        beta = rng.standard_normal(p) / math.sqrt(p)
        beta /= np.linalg.norm(beta)
        yy = X @ beta + rng.standard_normal(n) * math.sqrt(0.5)
        bh = np.linalg.solve(X.T @ X / n + lam * np.eye(p), X.T @ yy / n)
        vals.append(np.sum((bh - beta) ** 2))
    row("ridge-risk", f"gamma={g} lam={lam} (MC n={n})", ev("ridge-risk", gamma=g, ridge=lam, signal=1.0, noise=0.5),
        np.mean(vals), se=np.std(vals) / math.sqrt(len(vals)), rel=0.01, note="finite n: 1% allowed")
    random_features(rng)
    random_features_gaussian_equivalent(rng)


def mp_moment_limit(g, s, n2):
    lam = 1e-6
    return s * lam**2 * mp_law_moment(g, lam, 0) + n2 * g * mp_law_moment(g, lam, 1)


def random_features(rng, d=200, reps=12):
    """Random-features ridge regression simulated at d = 200 (Mei & Montanari's setting: theta_a and
    x uniform on the sphere of radius sqrt d, ReLU features sigma(<theta, x>/sqrt d), penalty
    (N lambda/d)|a|^2 against the mean squared error, target <beta, x> + noise, |beta|^2 = signal)."""
    def sphere(m):
        v = rng.standard_normal((m, d))
        return v / np.linalg.norm(v, axis=1, keepdims=True) * math.sqrt(d)

    for psi1, psi2, lam, s, tau2 in ((2.0, 1.0, 0.1, 1.0, 0.25), (0.5, 1.5, 0.1, 1.0, 0.25), (3.0, 1.0, 1e-3, 1.0, 0.1)):
        N, n = int(psi1 * d), int(psi2 * d)
        vals = []
        for _ in range(reps):
            th = sphere(N)
            X, Xt = sphere(n), sphere(4000)
            beta = rng.standard_normal(d)
            beta *= math.sqrt(s) / np.linalg.norm(beta)
            y = X @ beta + rng.standard_normal(n) * math.sqrt(tau2)
            Phi = np.maximum(X @ th.T / math.sqrt(d), 0)
            Pt = np.maximum(Xt @ th.T / math.sqrt(d), 0)
            a = np.linalg.solve(Phi.T @ Phi / n + (N * lam / d) * np.eye(N), Phi.T @ y / n)
            vals.append(np.mean((Xt @ beta - Pt @ a) ** 2))
        row("random-features-risk", f"psi1={psi1} psi2={psi2} lam={lam} tau2={tau2} (d={d})",
            ev("random-features-risk", psi1=psi1, psi2=psi2, ridge=lam, signal=s, noise=tau2),
            np.mean(vals), se=np.std(vals) / math.sqrt(reps), rel=0.03, note="finite d: 3% allowed")


def random_features_gaussian_equivalent(rng, d=300, reps=40):
    """The Gaussian-equivalent model of the random features (features mu1 <theta, x>/sqrt d + mu_star z,
    z i.i.d. N(0, 1); the same asymptotic risk, Mei & Montanari 2022, with smaller finite-d effects than
    ReLU features): the excess test error |beta - mu1 Theta^T a/sqrt d|^2 + mu_star^2 |a|^2 is exact
    over the test distribution, so only the training draw is sampled."""
    mu1, ms = RELU_MU1_REF, math.sqrt(0.25 - 1 / (2 * math.pi))
    for psi1, psi2, tau2, lams in ((3.0, 1.0, 0.1, (0.0, 1e-3, 0.1)), (2.0, 1.0, 0.25, (0.1,)), (0.5, 1.5, 0.25, (0.01,))):
        N, n = int(psi1 * d), int(psi2 * d)
        res = {lam: [] for lam in lams}
        for _ in range(reps):
            th = rng.standard_normal((N, d))
            th *= math.sqrt(d) / np.linalg.norm(th, axis=1, keepdims=True)
            X = rng.standard_normal((n, d))
            beta = rng.standard_normal(d)
            beta /= np.linalg.norm(beta)
            y = X @ beta + rng.standard_normal(n) * math.sqrt(tau2)
            F = mu1 * X @ th.T / math.sqrt(d) + ms * rng.standard_normal((n, N))
            for lam in lams:
                a = (np.linalg.pinv(F) @ y if lam == 0 else
                     np.linalg.solve(F.T @ F / n + (N * lam / d) * np.eye(N), F.T @ y / n))
                res[lam].append(np.sum((beta - mu1 * th.T @ a / math.sqrt(d)) ** 2) + ms**2 * a @ a)
        for lam in lams:
            v = np.array(res[lam])
            row("random-features-risk", f"psi1={psi1} psi2={psi2} lam={lam} tau2={tau2} (GE d={d})",
                ev("random-features-risk", psi1=psi1, psi2=psi2, ridge=lam, noise=tau2), v.mean(),
                se=v.std(ddof=1) / math.sqrt(reps), note="Gaussian-equivalent features")


RELU_MU1_REF = 0.5  # E[G relu(G)]


# ----------------------------------------------------------------------------- scaling laws
def scaling_laws(rng):
    from scipy.optimize import brentq

    for P, a, M in ((32, 1.0, 1024), (64, 0.5, 1024), (1000, 1.0, 100000)):
        lam = np.arange(1, M + 1, dtype=float) ** (-(1 + a))
        k = brentq(lambda lk: np.sum(lam / (lam + math.exp(lk))) - P, -200, 10, xtol=1e-15)
        row("power-law-ridgeless-risk", f"P={P} alpha={a} M={M}", ev("power-law-ridgeless-risk", samples=P, alpha=a, modes=M),
            P * math.exp(k), rel=1e-9, note="kappa by brentq")
    # the deterministic equivalent against simulation (min-norm least squares, teacher signs random)
    for P, a, M in ((32, 1.0, 512), (64, 0.5, 512)):
        lam = np.arange(1, M + 1, dtype=float) ** (-(1 + a))
        vals = []
        for _ in range(400):
            X = rng.standard_normal((P, M)) * np.sqrt(lam)
            w = rng.choice([-1.0, 1.0], M)
            wh = np.linalg.pinv(X) @ (X @ w)
            vals.append(np.sum(lam * (w - wh) ** 2))
        row("power-law-ridgeless-risk", f"P={P} alpha={a} M={M} (MC)", ev("power-law-ridgeless-risk", samples=P, alpha=a, modes=M),
            np.mean(vals), se=np.std(vals) / math.sqrt(len(vals)), rel=0.02, note="O(1/P): 2% allowed")
        vals = []
        for _ in range(400):  # N random projections, unlimited data: the best linear predictor on F x
            F = rng.standard_normal((P, M))
            w = rng.choice([-1.0, 1.0], M)
            S = np.diag(lam)
            C = F @ S @ F.T
            c = F @ S @ w
            vals.append(w @ S @ w - c @ np.linalg.solve(C, c))
        row("power-law-projection-risk", f"N={P} alpha={a} M={M} (MC)", ev("power-law-projection-risk", features=P, alpha=a, modes=M),
            np.mean(vals), se=np.std(vals) / math.sqrt(len(vals)), rel=0.02, note="O(1/N): 2% allowed")
    for P, a in ((1e4, 1.0), (1e5, 0.5), (1e3, 3.0)):
        # kappa from the continuum integral int_0^inf dk/(1 + kappa k^(1+a)) = P
        from scipy.integrate import quad
        # kappa^(-1/(1+a)) I = P with I = int_0^inf du/(1 + u^(1+a)) by quadrature (not the closed form)
        I = quad(lambda u: 1 / (1 + u ** (1 + a)), 0, 1)[0] + quad(lambda u: 1 / (1 + u ** (1 + a)), 1, np.inf)[0]
        row("power-law-risk-asymptote", f"P={P:g} alpha={a}", ev("power-law-risk-asymptote", samples=P, alpha=a),
            P * (I / P) ** (1 + a), rel=1e-9)


# ----------------------------------------------------------------------------- lottery
def lottery(rng):
    for n, eps in ((6, 0.1), (12, 0.05), (3, 0.5), (20, 0.01)):
        m = 400_000
        X = rng.uniform(-1, 1, (m, n))
        hit = (np.maximum(X, 0).sum(axis=1) >= 1 - eps) & (np.minimum(X, 0).sum(axis=1) <= -(1 - eps))
        pr = hit.mean()
        row("subset-sum-endpoint-probability", f"n={n} eps={eps}", ev("subset-sum-endpoint-probability", n=n, eps=eps), pr,
            se=math.sqrt(max(pr * (1 - pr), 1e-12) / m), abs_=1e-12, note="Monte Carlo")
    # the event's complement probability is computed by the Irwin-Hall volume, recomputed with mpmath
    for eps in (0.1, 0.25, 0.001, 1 / 3):
        row("subset-sum-counting-bound", f"eps={eps}", ev("subset-sum-counting-bound", eps=eps), math.ceil(math.log2(1 / eps) - 1e-12),
            abs_=0)


# ----------------------------------------------------------------------------- manifolds
def ball_inverse_capacity_quad(R, D, k):
    """CLS 2016 ball inner problem, integrated with scipy over t ~ chi_D and t0 ~ N(0,1)."""
    from scipy.integrate import quad
    from scipy.stats import chi, norm

    def inner(t):
        a, b = k - t / R, k + R * t
        touch = quad(lambda t0: norm.pdf(t0) * (k + R * t - t0) ** 2, a, b, epsabs=1e-13)[0] / (1 + R * R)
        apex = quad(lambda t0: norm.pdf(t0) * ((k - t0) ** 2 + t * t), -np.inf, a, epsabs=1e-13)[0]
        return touch + apex

    return quad(lambda t: chi.pdf(t, D) * inner(t), 0, np.inf, limit=200, epsabs=1e-12)[0]


def l1_inner_mc(T, R, kappa):
    """F(T) = min |V - T|^2 s.t. v0 - R |v|_inf >= kappa, by vectorised golden-section search on
    c = |v|_inf (v = clip(t, -c, c), v0 = max(t0, kappa + R c)); F is convex in c."""
    t0, t = T[:, -1], np.abs(T[:, :-1])
    f = lambda c: np.sum(np.maximum(t - c[:, None], 0) ** 2, axis=1) + np.maximum(kappa + R * c - t0, 0) ** 2
    lo, hi = np.zeros(len(T)), np.maximum(t.max(axis=1), np.maximum((t0 - kappa) / R, 0)) + 1e-9
    gr = (math.sqrt(5) - 1) / 2
    for _ in range(80):
        c1, c2 = hi - gr * (hi - lo), lo + gr * (hi - lo)
        left = f(c1) < f(c2)
        hi = np.where(left, c2, hi)
        lo = np.where(left, lo, c1)
    return f((lo + hi) / 2)


def manifolds(rng):
    for R, D, k in ((1.0, 3, 0.0), (0.5, 2, 0.5), (2.0, 1, 0.2), (3.0, 10, 0.0)):
        row("manifold-capacity-ball", f"R={R} D={D} kappa={k}", ev("manifold-capacity-ball", radius=R, dim=D, kappa=k),
            1 / ball_inverse_capacity_quad(R, D, k), rel=1e-8, note="scipy double quadrature")
    from scipy.optimize import brentq
    for R, D, a in ((1.0, 2, 0.3), (3.0, 1, 0.4)):
        kk = brentq(lambda k: 1 / ball_inverse_capacity_quad(R, D, k) - a, 0, 10, xtol=1e-13)
        row("manifold-ball-critical-margin", f"R={R} D={D} alpha={a}", ev("manifold-ball-critical-margin", radius=R, dim=D, alpha=a),
            kk, rel=1e-7)
    for R, D, k in ((1.0, 2, 0.0), (0.5, 3, 0.5), (1.5, 5, 0.0), (1.0, 1, 0.0)):
        m = 400_000
        F = np.concatenate([l1_inner_mc(rng.standard_normal((50_000, D + 1)), R, k) for _ in range(m // 50_000)])
        inv, se = F.mean(), F.std(ddof=1) / math.sqrt(m)
        row("manifold-capacity-l1-ball", f"R={R} D={D} kappa={k}", ev("manifold-capacity-l1-ball", radius=R, dim=D, kappa=k),
            1 / inv, se=se / inv**2, rel=1.5e-3, note="own MC + golden search")
    row("manifold-capacity-l1-ball", "R=1 D=1 vs L2 ball D=1 (a segment)", ev("manifold-capacity-l1-ball", radius=1.0, dim=1, kappa=0.0),
        1 / ball_inverse_capacity_quad(1.0, 1, 0.0), rel=2e-3, note="same manifold")


# ----------------------------------------------------------------------------- tensor networks
def tensor_networks(rng):
    cases = [(8, 2, (2, 2, 2), "left-right"), (8, 3, (4, 5, 3), "odd-even"), (8, 2, (2, 3, 2), (1, 2, 5)),
             (4, 3, (2, 5), (1, 3)), (8, 2, (4, 2, 3), "left-right"), (16, 2, (2, 2, 2, 2), "left-right"),
             (16, 2, (3, 2, 5, 7), "left-right"), (16, 3, (2, 2, 3, 2), (1, 2, 3, 4, 9, 10, 11, 12)),
             (16, 2, (5, 1, 3, 2), (1, 5, 9, 13)), (16, 2, (2, 4, 3, 6), (1, 2, 3, 5, 8, 13))]
    for N, M, w, part in cases:
        A = convac_tensor(N, M, w, rng)
        a = (set(range(N // 2)) if part == "left-right" else set(range(0, N, 2)) if part == "odd-even"
             else {q - 1 for q in part})
        order = sorted(a) + sorted(set(range(N)) - a)
        mat = np.transpose(A, order).reshape(M ** len(a), -1)
        s = np.linalg.svd(mat, compute_uv=False)
        rank = int(np.sum(s > s[0] * 1e-10))
        proj = ev("convac-separation-rank", inputs=N, channels=M, widths=w, partition=part)
        ok = rank <= proj
        ROWS.append(("convac-separation-rank", f"N={N} M={M} r={w} {part}", proj, rank, "bound >= rank (equal generically)",
                     ok, "equal" if rank == proj else "STRICT"))
        print(f"{'ok ' if ok else 'BAD'} convac-separation-rank N={N} M={M} r={w} {part}: min-cut {proj}, rank of random ConvAC {rank}")
        p = s**2 / np.sum(s**2)
        ent = float(-np.sum(p[p > 0] * np.log(p[p > 0])))
        e_proj = ev("convac-entanglement-entropy", inputs=N, channels=M, widths=w, partition=part)
        ok = ent <= e_proj + 1e-12
        ROWS.append(("convac-entanglement-entropy", f"N={N} M={M} r={w} {part}", e_proj, ent, "bound >= entropy", ok, ""))
        print(f"{'ok ' if ok else 'BAD'} convac-entanglement-entropy: bound {e_proj:.6g} >= entropy of a random ConvAC {ent:.6g}")
    for N, M, w, size in ((8, 2, (2, 2, 2), 4), (8, 3, (2, 4, 2), 3)):
        A = convac_tensor(N, M, w, rng)
        best = 0
        for a in itertools.combinations(range(N), size):
            order = list(a) + sorted(set(range(N)) - set(a))
            s = np.linalg.svd(np.transpose(A, order).reshape(M**size, -1), compute_uv=False)
            best = max(best, int(np.sum(s > s[0] * 1e-10)))
        row("convac-max-separation-rank", f"N={N} M={M} r={w} |A|={size}",
            ev("convac-max-separation-rank", inputs=N, channels=M, widths=w, size=size), best, abs_=0,
            note="max rank over all partitions of a random ConvAC")


# ----------------------------------------------------------------------------- NTK dynamics
def erf_kernels(X, sw, sb, L):
    d = X.shape[1]
    K = sw * X @ X.T / d + sb
    T = K.copy()
    for _ in range(L - 1):
        dg = np.diag(K)
        den = np.sqrt(np.outer(1 + 2 * dg, 1 + 2 * dg))
        E = 2 / np.pi * np.arcsin(2 * K / den)
        Ed = 4 / np.pi / np.sqrt((1 + 2 * dg)[:, None] * (1 + 2 * dg)[None, :] - 4 * K**2)
        K = sw * E + sb
        T = K + sw * Ed * T
    return K, T


def ntk_dynamics(rng):
    from scipy.linalg import expm

    cases = [("relu", 2, 2.0, 0.1, (0.0, 1.2, 2.5), (1.0, -0.5, 0.5), 0.6, 2.0, 0.0),
             ("relu", 2, 2.0, 0.1, (0.0, 1.2, 2.5), (1.0, -0.5, 0.5), 0.6, 2.0, 0.1),
             ("erf", 3, 1.5, 0.0, (-1.0, 0.3, 2.0, 4.0), (0.2, 1.0, -1.0, 0.3), 1.0, math.inf, 0.0),
             ("relu", 4, 1.7, 0.3, (-0.4, 0.9, 2.2, 3.0, 5.0), (0.3, -1.0, 0.8, 0.1, -0.2), 1.9, 5.0, 0.0)]
    for act, L, sw, sb, tr, y, te, t, eta in cases:
        ang = np.array(list(tr) + [te])
        X = np.stack([np.cos(ang), np.sin(ang)], axis=1)
        K, T = (relu_kernels if act == "relu" else erf_kernels)(X, sw, sb, L)
        n = len(tr)
        Ttr, Tx = T[:n, :n], T[n, :n]
        Y = np.array(y)
        # simulate the linear ODE / GD map on the training outputs directly (no eigen-decomposition)
        if math.isinf(t):
            B = np.linalg.inv(Ttr)
        elif eta > 0:
            B = np.zeros((n, n))
            P = np.eye(n)
            for _ in range(round(t / eta)):  # B = eta sum_k (I - eta T)^k
                B += eta * P
                P = P @ (np.eye(n) - eta * Ttr)
        else:
            B = np.linalg.solve(Ttr, np.eye(n) - expm(-t * Ttr))
        mean = Tx @ B @ Y
        c = np.concatenate([[1.0], -(Tx @ B)])
        idx = [n] + list(range(n))
        var = c @ K[np.ix_(idx, idx)] @ c
        kw = dict(activation=act, depth=L, weight_variance=sw, bias_variance=sb, train=tr, targets=y, test=te)
        pt = f"{act} L={L} t={t} eta={eta}"
        row("ntk-gd-test-mean", pt, ev("ntk-gd-test-mean", time=t, learning_rate=eta, **kw), mean, abs_=1e-10, rel=1e-9)
        row("ntk-gd-test-variance", pt, ev("ntk-gd-test-variance", time=t, learning_rate=eta, **kw), var, abs_=1e-10, rel=1e-8)
        Kn = K[:n, :n]
        row("nngp-posterior-mean", f"{act} L={L}", ev("nngp-posterior-mean", **kw), K[n, :n] @ np.linalg.solve(Kn, Y), rel=1e-9, abs_=1e-12)


def random_features_large(rng):
    """The random-features comparison at d = 400 (about 4 times the CPU of d = 200 per draw)."""
    random_features(rng, d=400, reps=16)


TOPICS = {"random_features_large": random_features_large, "spin_glass": spin_glass, "dense_clusters": dense_clusters, "flatness": flatness, "sharpness": sharpness,
          "gradient_failures": gradient_failures, "implicit_bias": implicit_bias, "double_descent": double_descent,
          "scaling_laws": scaling_laws, "lottery": lottery, "manifolds": manifolds, "tensor_networks": tensor_networks,
          "ntk_dynamics": ntk_dynamics}


def main(argv):
    names = argv or [t for t in TOPICS if t != "random_features_large"]
    for name in names:
        t = time.time()
        print(f"== {name}", flush=True)
        TOPICS[name](np.random.default_rng(20261205))
        print(f"   ({time.time() - t:.1f} s)", flush=True)
    bad = [r for r in ROWS if not r[5]]
    print(f"\n{len(ROWS)} comparisons, {len(bad)} disagreements")
    for r in bad:
        print("  BAD", r)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
