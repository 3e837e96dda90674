"""Sharpness of minima: Keskar et al.'s epsilon-sharpness, and Dinh et al.'s alpha-scale transformation.

Keskar, Mudigere, Nocedal, Smelyanskiy & Tang, "On large-batch training for deep learning: generalization
gap and sharp minima", ICLR 2017 (arXiv:1609.04836), Metric 2.1: for A in R^{n x p} (A = I_n: the full
space) and the box

    C_eps = {z in R^p : -eps (|(A^+ x)_i| + 1) <= z_i <= eps (|(A^+ x)_i| + 1), i = 1..p},

    phi_{x,f}(eps, A) = (max_{z in C_eps} f(x + A z) - f(x)) / (1 + f(x)) * 100.

For a quadratic f(x + A z) = f(x) + g^T A z + (1/2) z^T A^T H A z whose projected Hessian M = A^T H A
has a non-negative diagonal, the restriction to each coordinate is a convex parabola, so the maximum
over the box is attained at a vertex: enumerating the 2^p vertices is exact (p <= 16 here).

Dinh, Pascanu, Bengio & Bengio, "Sharp minima can generalize for deep nets", ICML 2017
(arXiv:1703.04933), Sec. 4: T_alpha(theta1, theta2) = (alpha theta1, theta2/alpha)
leaves a two-layer ReLU network's function, hence its loss L, unchanged; so L(T_alpha theta) = L(theta)
and the Hessian at T_alpha theta is D^{-1} H D^{-1}, D = diag(alpha I, I/alpha), with H the Hessian at
theta: the trace is T1/alpha^2 + alpha^2 T2, and every curvature measure (trace, top eigenvalue,
epsilon-sharpness) is unbounded as alpha -> 0 or infinity, while 2 sqrt(T1 T2) (the trace minimised over
the alpha-orbit) is invariant.
"""
from __future__ import annotations

import math

from ._quantity import BadInput, Int, Real, RealList, quantity

KESKAR = ("Keskar et al. (2017), On large-batch training for deep learning: generalization gap and sharp "
          "minima, ICLR 2017 (arXiv:1609.04836), Metric 2.1")
DINH = ("Dinh, Pascanu, Bengio & Bengio (2017), Sharp minima can generalize for deep nets, ICML 2017 "
        "(arXiv:1703.04933), Sec. 4 (the alpha-scale transformation of a one-hidden-layer rectifier network)")
MAX_BOX_DIM = 16  # 2^16 vertices
MAX_HESSIAN_DIM = 400

#: |entries| of H, x, g and A: the sharpness is a product of up to five of them with eps^2 and alpha^-+2
#: (each <= 1e12), so 1e50 keeps every value inside the double range (it was refused at evaluation)
ENTRY_MAX = 1e50
_HESSIAN = RealList("hessian", lo=-ENTRY_MAX, hi=ENTRY_MAX, doc="symmetric n x n Hessian H, row-major (n^2 values)")
_POINT = RealList("point", lo=-ENTRY_MAX, hi=ENTRY_MAX, doc="the parameter vector x (n values): it sets the box's half-widths")
_EPS = Real("epsilon", lo=0, lo_open=True, hi=1e6, doc="box size eps > 0")
_LOSS = Real("loss", lo=0, default=0.0, doc="f(x) >= 0 (the normalisation 1 + f(x))")
_GRAD = RealList("gradient", lo=-ENTRY_MAX, hi=ENTRY_MAX, default=None, doc="grad f(x) (n values; default 0, a minimum)")
_ALPHA = Real("alpha", lo=1e-6, hi=1e6, doc="scale alpha of T_alpha (1e-6 to 1e6: the orbit both ways, "
               "with alpha^-2 and alpha^2 inside the double range)")
_FIRST = Int("first", lo=1, doc="number of first-layer parameters (the first block of H)")


def _square(hessian, n_max: int):
    import numpy as np

    m = len(hessian)
    n = math.isqrt(m)
    if n * n != m:
        raise BadInput("hessian", f"({m} values)", "n^2 values of a symmetric n x n matrix", "not square")
    if n > n_max:
        raise BadInput("hessian", f"({n} x {n})", f"at most {n_max} x {n_max} (cost guard)", "too large")
    h = np.array(hessian, dtype=np.float64).reshape(n, n)
    if not np.allclose(h, h.T, rtol=1e-12, atol=1e-12 * max(1.0, float(np.abs(h).max()))):
        raise BadInput("hessian", ",".join(map(str, hessian)), "a symmetric matrix", "not symmetric")
    return 0.5 * (h + h.T)


def _vector(name: str, values, n: int):
    import numpy as np

    if values is None:
        return np.zeros(n)
    if len(values) != n:
        raise BadInput(name, ",".join(map(str, values)), f"{n} values (one per row of the Hessian)", "wrong length")
    return np.array(values, dtype=np.float64)


def vertex_maximum(m, g, widths) -> float:
    """max over the box |z_i| <= widths_i of g.z + (1/2) z^T m z, by enumerating the 2^p vertices
    (exact when diag(m) >= 0: each coordinate's restriction is a convex parabola)."""
    import numpy as np

    p = len(widths)
    signs = 1.0 - 2.0 * ((np.arange(1 << p)[:, None] >> np.arange(p)[None, :]) & 1)
    z = signs * widths[None, :]
    return float(np.max(z @ g + 0.5 * np.einsum("ki,ij,kj->k", z, m, z)))


def keskar_box(point, pinv=None):
    """Keskar's box half-widths over eps: |(A^+ x)_i| + 1 (A = I when ``pinv`` is None)."""
    import numpy as np

    y = point if pinv is None else pinv @ point
    return np.abs(y) + 1.0


def keskar_quadratic(h, point, epsilon, loss, g, a=None) -> float:
    """Metric 2.1 of Keskar et al. for f(x + Az) = f(x) + g.Az + (1/2) z^T A^T H A z (numpy arrays)."""
    import numpy as np

    if a is None:
        m, gz, widths = h, g, epsilon * keskar_box(point)
    else:
        m, gz, widths = a.T @ h @ a, a.T @ g, epsilon * keskar_box(point, np.linalg.pinv(a))
    if len(widths) > MAX_BOX_DIM:
        raise BadInput("point", f"({len(widths)} box dimensions)", f"at most {MAX_BOX_DIM} (2^p vertices)",
                       "too many")
    if np.any(np.diag(m) < -1e-12 * max(1.0, float(np.abs(m).max()))):
        raise BadInput("hessian", "(projected diagonal)", "A^T H A with a non-negative diagonal (then the maximum "
                       "is at a vertex)", "negative curvature along a box axis")
    return 100.0 * vertex_maximum(m, gz, widths) / (1.0 + loss)


@quantity("keskar-sharpness-quadratic", _HESSIAN, _POINT, _EPS, _LOSS, _GRAD,
          RealList("projection", lo=-ENTRY_MAX, hi=ENTRY_MAX, default=None, doc="A, n x p row-major (n p values; default I_n)"),
          status="exact", verified="secondary",
          citation=KESKAR + " (the definition); exact for a quadratic by vertex enumeration (derived here)",
          examples=({"hessian": (2.0, 0.0, 0.0, 0.5), "point": (1.0, -0.5), "epsilon": 0.01},
                    {"hessian": (2.0, 0.0, 0.0, 0.5), "point": (1.0, -0.5), "epsilon": 0.1, "loss": 0.2,
                     "gradient": (0.1, -0.3)},
                    {"hessian": (3.0, 1.0, 0.0, 1.0, 2.0, -0.5, 0.0, -0.5, 1.0), "point": (0.5, 2.0, -1.0),
                     "epsilon": 0.05, "loss": 0.1},
                    {"hessian": (3.0, 1.0, 0.0, 1.0, 2.0, -0.5, 0.0, -0.5, 1.0), "point": (0.5, 2.0, -1.0),
                     "epsilon": 0.05, "projection": (1.0, 0.0, 1.0, 1.0, 0.0, -1.0)}))
def keskar_sharpness_quadratic(hessian, point, epsilon, loss=0.0, gradient=None, projection=None):
    """Keskar et al.'s epsilon-sharpness (ICLR 2017, Metric 2.1) of the quadratic
    f(x + Az) = f(x) + g^T A z + (1/2) z^T A^T H A z:

        phi = 100 (max_{z in C_eps} f(x + Az) - f(x)) / (1 + f(x)),
        C_eps = {z in R^p: |z_i| <= eps (|(A^+ x)_i| + 1)}.

    Exact: with diag(A^T H A) >= 0 the maximum is at one of the 2^p vertices of C_eps, all enumerated
    (p <= 16). For diagonal H, A = I: 100 sum_i (h_i w_i^2/2 + |g_i| w_i)/(1 + f), w_i = eps(|x_i| + 1)
    (derivation ``keskar-dinh-sharpness``).
    """
    import numpy as np

    h = _square(hessian, MAX_HESSIAN_DIM)
    n = h.shape[0]
    x, g = _vector("point", point, n), _vector("gradient", gradient, n)
    a = None
    if projection is not None:
        if len(projection) % n or not projection:
            raise BadInput("projection", f"({len(projection)} values)", f"n p values (n = {n}), row-major",
                           "wrong length")
        a = np.array(projection, dtype=np.float64).reshape(n, len(projection) // n)
    return keskar_quadratic(h, x, epsilon, loss, g, a)


@quantity("dinh-transformed-trace", Real("trace_first", doc="tr of the first-layer block of H at theta"),
          Real("trace_second", doc="tr of the second-layer block of H at theta"), _ALPHA,
          status="exact", verified="recomputed",
          citation=DINH + "; the trace recomputed here from L(T_alpha theta) = L(theta)",
          examples=({"trace_first": 3.0, "trace_second": 0.5, "alpha": 2.0},
                    {"trace_first": 1.25, "trace_second": 4.0, "alpha": 0.1}))
def dinh_transformed_trace(trace_first, trace_second, alpha):
    """tr H(T_alpha theta) = T1/alpha^2 + alpha^2 T2 for T_alpha(theta1, theta2) = (alpha theta1, theta2/alpha)
    of a two-layer ReLU network, T1, T2 the traces of H's diagonal blocks at theta.

    Exact: L(T_alpha theta) = L(theta) for all theta, so H(T_alpha theta) = D^{-1} H(theta) D^{-1} with
    D = diag(alpha I, I/alpha) (Dinh et al., ICML 2017, Sec. 4). Unbounded as alpha -> 0 (if T1 > 0) or
    alpha -> infinity (if T2 > 0) although the function is unchanged. Derivation ``keskar-dinh-sharpness``.
    """
    return trace_first / alpha**2 + alpha**2 * trace_second


@quantity("dinh-invariant-trace", Real("trace_first", lo=0, doc="tr of the first-layer block of H (>= 0)"),
          Real("trace_second", lo=0, doc="tr of the second-layer block of H (>= 0)"),
          status="exact", verified="recomputed",
          citation="derived here: the minimum over the alpha-scale orbit of " + DINH,
          examples=({"trace_first": 3.0, "trace_second": 0.5}, {"trace_first": 1.25, "trace_second": 4.0}))
def dinh_invariant_trace(trace_first, trace_second):
    """min_alpha tr H(T_alpha theta) = 2 sqrt(T1 T2): the same at every point of an alpha-orbit.

    T1 T2 is invariant (T1 -> T1/alpha^2, T2 -> alpha^2 T2), and T1/alpha^2 + alpha^2 T2 >= 2 sqrt(T1 T2)
    with equality at alpha^4 = T1/T2 (AM-GM). Exact; derivation ``keskar-dinh-sharpness``.
    """
    product = trace_first * trace_second
    if 1e-300 < product < math.inf:
        return 2.0 * math.sqrt(product)
    return 2.0 * math.sqrt(trace_first) * math.sqrt(trace_second)  # the product overflows or underflows


@quantity("dinh-transformed-top-eigenvalue", _HESSIAN, _FIRST, _ALPHA, status="exact", verified="recomputed",
          citation=DINH + "; the congruence D^{-1} H D^{-1} recomputed here",
          examples=({"hessian": (2.0, 0.5, 0.5, 1.0), "first": 1, "alpha": 3.0},
                    {"hessian": (2.0, 0.5, 0.5, 1.0), "first": 1, "alpha": 0.25}))
def dinh_transformed_top_eigenvalue(hessian, first, alpha):
    """lambda_max of H(T_alpha theta) = D^{-1} H D^{-1}, D = diag(alpha I_first, I/alpha), H the Hessian at theta
    (first-layer parameters first).

    Exact (a symmetric eigenvalue problem, LAPACK). It is at least max(lambda_max(H11)/alpha^2,
    alpha^2 lambda_max(H22)) (Rayleigh quotients on each block), so it is unbounded in both directions
    (Dinh et al., ICML 2017, Sec. 4, for the spectral norm of the Hessian). For 2 x 2 H, first = 1:
    (a/alpha^2 + c alpha^2)/2 + sqrt((a/alpha^2 - c alpha^2)^2/4 + b^2) (derivation ``keskar-dinh-sharpness``).
    """
    import numpy as np

    h = _square(hessian, MAX_HESSIAN_DIM)
    n = h.shape[0]
    if first >= n:
        raise BadInput("first", first, f"integer from 1 to {n - 1} (both layers need parameters)")
    dinv = np.concatenate([np.full(first, 1.0 / alpha), np.full(n - first, alpha)])
    return float(np.linalg.eigvalsh(dinv[:, None] * h * dinv[None, :])[-1])


@quantity("dinh-transformed-sharpness", _HESSIAN, _POINT, _FIRST, _ALPHA, _EPS, _LOSS, _GRAD,
          status="exact", verified="recomputed",
          citation=KESKAR + ", of the quadratic model at T_alpha theta of " + DINH + " (derived here)",
          examples=({"hessian": (2.0, 0.0, 0.0, 0.5), "point": (1.0, -0.5), "first": 1, "alpha": 4.0,
                     "epsilon": 0.01},
                    {"hessian": (2.0, 0.0, 0.0, 0.5), "point": (1.0, -0.5), "first": 1, "alpha": 0.1,
                     "epsilon": 0.01, "loss": 0.1, "gradient": (0.2, 0.1)},
                    {"hessian": (3.0, 1.0, 0.0, 1.0, 2.0, -0.5, 0.0, -0.5, 1.0), "point": (0.5, 2.0, -1.0),
                     "first": 2, "alpha": 2.0, "epsilon": 0.05}))
def dinh_transformed_sharpness(hessian, point, first, alpha, epsilon, loss=0.0, gradient=None):
    """Keskar's epsilon-sharpness (A = I) at T_alpha theta of the quadratic model of L around theta:
    Hessian D^{-1} H D^{-1}, gradient D^{-1} g, point D theta, D = diag(alpha I_first, I/alpha).

    Substituting z = D u, it is the maximum of g.u + u^T H u/2 over the box
    |u_i| <= eps (|theta_i| + 1/alpha) (first layer), eps (|theta_i| + alpha) (second layer): it grows like
    alpha^2 as alpha -> infinity and like 1/alpha^2 as alpha -> 0 (where H's blocks are non-zero), for the
    same function. Exact (vertex enumeration, n <= 16); derivation ``keskar-dinh-sharpness``.
    """
    import numpy as np

    h = _square(hessian, MAX_BOX_DIM)
    n = h.shape[0]
    if first >= n:
        raise BadInput("first", first, f"integer from 1 to {n - 1} (both layers need parameters)")
    x, g = _vector("point", point, n), _vector("gradient", gradient, n)
    d = np.concatenate([np.full(first, alpha), np.full(n - first, 1.0 / alpha)])
    return keskar_quadratic(h / d[:, None] / d[None, :], d * x, epsilon, loss, g / d)
