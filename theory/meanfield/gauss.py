"""Gaussian expectations of the activations, the parameters and the arithmetic shared by the
mean-field quantities (float with trapezoidal quadrature, or mpmath at ``--dps``).

Activations and their derivatives come from the activation table ``dltheory.theory.activations``.
"""
from __future__ import annotations

import math
import time

from .. import activations
from .._quantity import BadInput, Choice, Int, Real

CLOSED = ("linear", "relu", "erf")
QUADRATURE = ("tanh", "sigmoid", "softplus", "gelu", "swish", "sin")
ACTIVATIONS = CLOSED + QUADRATURE

ACTIVATION = Choice("activation", choices=ACTIVATIONS,
                    doc="pointwise activation; relu, erf, linear in closed form, the rest by quadrature")
WEIGHT_VARIANCE = Real("weight_variance", lo=0, lo_open=True, hi=1e6, doc="sigma_w^2")
BIAS_VARIANCE = Real("bias_variance", lo=0, hi=1e6, default=0.0, doc="sigma_b^2")
DEPTH = Int("depth", lo=1, hi=10_000, doc="L: the layer whose pre-activation is returned")
Q1 = Real("q1", lo=0, lo_open=True, hi=1e6, default=1.0, doc="|x1|^2 / n0")
Q2 = Real("q2", lo=0, lo_open=True, hi=1e6, default=1.0, doc="|x2|^2 / n0")
COSINE = Real("c", lo=-1, hi=1, default=1.0, doc="input cosine x1.x2/(|x1||x2|)")
Q = Real("q", lo=0, lo_open=True, hi=1e6, default=1.0, doc="|x|^2 / n0")


REF_MEANFIELD = ("Poole, Lahiri, Raghu, Sohl-Dickstein & Ganguli (2016), NeurIPS, Sec. 2 "
                 "(length map, its fixed point q*, correlation map and chi1)")
REF_SCHOENHOLZ = ("Schoenholz, Gilmer, Ganguli & Sohl-Dickstein (2017), ICLR, Sec. 3 (depth scales xi_q, "
                  "xi_c and the order-to-chaos line chi1 = 1)")


# ----------------------------------------------------------------------------- numbers
class _Float:
    """Float arithmetic: math functions and trapezoidal Gaussian quadrature."""

    mp = False
    pi = math.pi
    inf = math.inf
    sqrt, asin, acos, log, exp = math.sqrt, math.asin, math.acos, math.log, math.exp

    @staticmethod
    def num(x):
        return float(x)

    @staticmethod
    def erf(x):
        return math.erf(x)


class _MP:
    """mpmath arithmetic at the requested precision (mpmath quadrature)."""

    mp = True

    def __init__(self):
        import mpmath

        self.m = mpmath
        self.pi = mpmath.pi
        self.inf = mpmath.inf
        self.sqrt, self.asin, self.acos = mpmath.sqrt, mpmath.asin, mpmath.acos
        self.log, self.exp, self.erf = mpmath.log, mpmath.exp, mpmath.erf

    def num(self, x):
        return self.m.mpf(x)


MP_COST_S = 10.0  #: CPU seconds of two-point mpmath quadrature before --dps is refused (cost guard)
LAYER_COST_S = 10.0  #: cost guard on a layer recursion (CPU seconds: the same refusal however loaded the machine)


def at_fixed_point(prev, last, N) -> bool:
    """A layer map has reached its fixed point to within 16 units of the working precision (the
    quadrature's own rounding): the layers after it repeat it."""
    eps = 16 * (N.m.eps if N.mp else 2.0 ** -53)
    return all(abs(b - a) <= eps * abs(b) for a, b in zip(prev, last))
_GL_CACHE: dict = {}
_GL_ORDER = 16  #: Gauss-Legendre nodes per panel
_ZMAX = 10.0  #: |z| <= 10: the Gaussian tail beyond holds < 1e-22 of the mass
_UACT = 40.0  #: |u| <= 40: where the activations differ from their asymptotes by more than e^-40


def _gl():
    if not _GL_CACHE:
        from .._quadrature import gauss_legendre

        _GL_CACHE["gl"] = gauss_legendre(_GL_ORDER)
    return _GL_CACHE["gl"]


def _panel_nodes(breaks):
    """Gauss-Legendre nodes and weights over the panels between sorted breakpoints (last axis)."""
    import numpy as np

    x, w = _gl()
    b = np.asarray(breaks, dtype=float)
    lo, hi = b[..., :-1, None], b[..., 1:, None]
    half, mid = (hi - lo) / 2, (hi + lo) / 2
    shape = b.shape[:-1] + (-1,)
    return (mid + half * x).reshape(shape), (half * w).reshape(shape)


def _nodes(activation, q):
    """Nodes z and weights w (the standard normal density included) for E over z ~ N(0, 1) of
    phi(sqrt(q) z): Gauss-Legendre panels resolving both scales, the activation's (1/sqrt q
    in z) and the Gaussian's (1), for every q > 0 (see ``_row_breaks``)."""

    key = (activation, float(q))
    if key not in _NODES_CACHE:
        import numpy as np

        z, w = _panel_nodes(_row_breaks(activation, math.sqrt(q), np.zeros(1), 1.0)[0])
        _NODES_CACHE.clear() if len(_NODES_CACHE) > 64 else None
        _NODES_CACHE[key] = (z, w * np.exp(-z * z / 2) / math.sqrt(2 * math.pi))
    return _NODES_CACHE[key]


_NODES_CACHE: dict = {}


def _row_breaks(activation, s, centers, scale):
    """Breakpoints in tau, t = center + scale tau, for E over tau ~ N(0, 1) of g(s t): one row per
    centre, the same number in every row. Panels are no wider than 2.5 in tau (the Gaussian)
    and, where |s t| <= 40 (the activations' features; beyond, they differ from their
    asymptotes by less than e^-40), no wider than the activation's analyticity strip over s in
    t. Half-widths at most half the distance to the nearest singularity give Gauss-Legendre
    (16 nodes) errors of order rho^-32 < 1e-19, rho = 2 + sqrt 5 (Trefethen 2008, Thm 4.5).
    Working in tau keeps the Gaussian weight exact however small the scale."""
    import numpy as np

    strip = activations.STRIP[activation]
    ng = min(40, max(8, int(math.ceil(2 * _ZMAX * scale * s / strip))))
    rows = np.broadcast_to(np.linspace(-_ZMAX, _ZMAX, ng + 1), (len(centers), ng + 1))
    if 2 * _ZMAX * scale / ng * s > strip:  # the activation region needs finer panels
        a = min(_UACT / s, float(np.max(np.abs(centers))) + _ZMAX * scale)
        act = np.linspace(-a, a, int(math.ceil(2 * a * s / strip)) + 1)
        tau = np.clip((act[None, :] - centers[:, None]) / scale, -_ZMAX, _ZMAX)
        rows = np.concatenate([rows, tau], axis=1)
    return np.sort(rows, axis=1)


def _full_precision(q, limit=1e-150):
    """Double-precision quadrature loses digits where the integrand's values (phi(u)^4 ~ q^2 in one
    dimension, products ~ q in two) fall into the subnormal range: raise, so that the evaluation is
    redone in mpmath (Quantity.__call__)."""
    if q < limit:
        raise FloatingPointError(f"variance {q:.3g} too small for double-precision quadrature")


def _scale(m, h):
    """A typical magnitude of h(z) on the Gaussian's bulk (mpmath.quad's tolerance is absolute:
    integrands of size 1e-300 would stop at its first estimate); 1 where h vanishes there."""
    S = max(abs(h(m.mpf(z))) for z in (-2, -1, -0.5, 0.5, 1, 2))
    return S if S > 0 else m.mpf(1)


def _mp_points(m, s, center, scale):
    """mpmath quadrature breakpoints for a Gaussian N(center, scale^2) in t times f(s t): the
    centre, and where the activation is narrower than the Gaussian (s scale > 2) also t = k/s
    (k = 0, +-1, +-4, +-16) where they fall within 10 scales of it."""
    pts = {m.mpf(center)}
    for k in ((0, 1, -1, 4, -4, 16, -16) if s * scale > 2 else ()):
        t = k / s
        if abs(t - center) < _ZMAX * scale:
            pts.add(t)
    return [-m.inf] + sorted(pts) + [m.inf]


class Gauss:
    """Gaussian expectations of one activation, in float or mpmath arithmetic.

    ``pp(q1, q2, s12)`` = E[phi(u1) phi(u2)] and ``dd`` = E[phi'(u1) phi'(u2)] for
    (u1, u2) ~ N(0, [[q1, s12], [s12, q2]]); ``p4(q)`` = E[phi(u)^4]; ``dq(q)`` =
    d/dq E[phi(u)^2] = E[phi'(u)^2 + phi(u) phi''(u)] (Gaussian integration by parts).
    """

    def __init__(self, activation: str, dps: int | None = None):
        if activation not in ACTIVATIONS:
            raise BadInput("activation", activation, ACTIVATION.domain, "unknown activation")
        self.name = activation
        self.N = _MP() if dps is not None else _Float()
        self.dps = dps
        self.start = time.process_time()

    # -- quadrature primitives -------------------------------------------------------
    def _e1(self, f, q):
        N = self.N
        if N.mp:
            m = N.m
            sq = m.sqrt(q)
            S = _scale(m, lambda z: f(sq * z))
            return S * m.quad(lambda z: f(sq * z) / S * m.exp(-z * z / 2), _mp_points(m, sq, 0, 1)) / m.sqrt(2 * m.pi)
        _full_precision(q)
        z, w = _nodes(self.name, q)
        return float(w @ f(math.sqrt(q) * z))

    def _e2(self, f, g, q1, q2, s12):
        """E[f(u1) g(u2)]: u1 = sqrt(q1) z1, u2 = sqrt(q2) (c z1 + sqrt(1 - c^2) tau), z1, tau ~
        N(0, 1): the inner panels in tau are placed for each z1 (so that g's features at
        u2 ~ 1, wherever they fall, are resolved for every z1)."""
        N = self.N
        c = s12 / (N.sqrt(q1) * N.sqrt(q2))
        c = max(min(c, 1), -1)
        s = N.sqrt(1 - c * c)
        if N.mp:
            m = N.m
            a, b = m.sqrt(q1), m.sqrt(q2)
            if s == 0:
                return self._e1(lambda u: f(u) * g(c * b / a * u), q1)
            S = _scale(m, lambda z: f(a * z)) * _scale(m, lambda z: g(b * z))

            def inner(z1):
                if time.process_time() - self.start > MP_COST_S:
                    raise BadInput("--dps", self.dps, f"a point whose two-point mpmath quadrature (used with --dps, and "
                                   f"where double precision under- or overflows) takes under {MP_COST_S:g} s",
                                   "cost guard")
                return f(a * z1) * m.quad(lambda t: g(b * t) / S * m.exp(-((t - c * z1) / s) ** 2 / 2),
                                          _mp_points(m, b, c * z1, s)) / s
            return S * m.quad(lambda z1: inner(z1) * m.exp(-z1 * z1 / 2), _mp_points(m, max(a, b), 0, 1)) / (2 * m.pi)
        import numpy as np

        _full_precision(min(q1, q2), 1e-290)
        a, b = math.sqrt(q1), math.sqrt(q2)
        z, w = _nodes(self.name, max(q1, q2))
        fz = f(a * z)
        if s == 0:
            return float((w * fz) @ g(b * c * z))
        tau, wt = _panel_nodes(_row_breaks(self.name, b, c * z, s))
        dens = np.exp(-tau * tau / 2) / math.sqrt(2 * math.pi)
        inner = (g(b * ((c * z)[:, None] + s * tau)) * wt * dens).sum(axis=1)
        return float((w * fz) @ inner)

    def _sincos(self, a, b, q1, q2, s12, sign):
        """sin: E[sin(a u1) sin(b u2)] (sign -1) or E[cos(a u1) cos(b u2)] (sign +1) =
        exp(-(a^2 q1 + b^2 q2)/2) (exp(ab s12) +- exp(-ab s12))/2, in closed form."""
        N = self.N
        A = (a * a * q1 + b * b * q2) / 2
        return (N.exp(a * b * s12 - A) + sign * N.exp(-a * b * s12 - A)) / 2

    def form(self, d):
        """phi^(d) (d <= 2) from the activation table: mpmath with --dps, else NumPy."""
        return (activations.mpmath_form if self.N.mp else activations.numpy_form)(self.name, d)

    # -- expectations ------------------------------------------------------------------
    def pp(self, q1, q2, s12):
        N, name = self.N, self.name
        if name == "linear":
            return s12
        if name == "relu":  # Cho & Saul (2009) arc-cosine kernel of degree 1, halved
            r = N.sqrt(q1 * q2)
            c = max(min(s12 / r, 1), -1)
            th = N.acos(c)
            return r * (N.sqrt(1 - c * c) + (N.pi - th) * c) / (2 * N.pi)
        if name == "erf":  # Williams (1997), the erf kernel
            x = 2 * s12 / N.sqrt((1 + 2 * q1) * (1 + 2 * q2))
            return 2 / N.pi * N.asin(max(min(x, 1), -1))
        if name == "sin":  # E[sin u1 sin u2] = exp(-(q1 + q2)/2) sinh(s12)
            return self._sincos(1, 1, q1, q2, s12, -1)
        return self._e2(self.form(0), self.form(0), q1, q2, s12)

    def dd(self, q1, q2, s12):
        N, name = self.N, self.name
        if name == "linear":
            return N.num(1)
        if name == "relu":  # Cho & Saul (2009) arc-cosine kernel of degree 0, halved
            c = max(min(s12 / N.sqrt(q1 * q2), 1), -1)
            return (N.pi - N.acos(c)) / (2 * N.pi)
        if name == "erf":  # erf' = 2/sqrt(pi) exp(-u^2): E = (4/pi) det(I + 2K)^(-1/2)
            return 4 / N.pi / N.sqrt((1 + 2 * q1) * (1 + 2 * q2) - 4 * s12 * s12)
        if name == "sin":  # E[cos u1 cos u2] = exp(-(q1 + q2)/2) cosh(s12)
            return self._sincos(1, 1, q1, q2, s12, 1)
        return self._e2(self.form(1), self.form(1), q1, q2, s12)

    def p2(self, q):
        if self.name in CLOSED or self.name == "sin":
            return self.pp(q, q, q)
        f = self.form(0)
        return self._e1(lambda u: f(u) ** 2, q)

    def d2(self, q):
        if self.name in CLOSED or self.name == "sin":
            return self.dd(q, q, q)
        f = self.form(1)
        return self._e1(lambda u: f(u) ** 2, q)

    def p4(self, q):
        name = self.name
        if name == "linear":
            return 3 * q * q
        if name == "relu":
            return 3 * q * q / 2
        if name == "sin":  # sin^4 = (3 - 4 cos 2u + cos 4u)/8, E[cos(k u)] = exp(-k^2 q/2)
            N = self.N
            return (3 - 4 * N.exp(-2 * q) + N.exp(-8 * q)) / 8
        g = self.form(0)
        f = lambda u: g(u) ** 4
        return self._e1(f, q)

    def pp_dq1(self, q1, q2, s12):
        """d/dq1 E[phi(u1) phi(u2)] at fixed q2, s12: (1/2) E[phi''(u1) phi(u2)] (Price/Stein).

        relu: sqrt(q1 q2 - s12^2)/(4 pi q1) (the delta in relu'' puts u1 = 0, where u2 has
        variance det/q1); erf: the derivative of (2/pi) asin(x), x = 2 s12/sqrt((1+2q1)(1+2q2)).
        """
        N, name = self.N, self.name
        if name == "linear":
            return N.num(0)
        if name == "relu":
            det = q1 * q2 - s12 * s12
            return N.sqrt(det if det > 0 else N.num(0)) / (4 * N.pi * q1)
        if name == "erf":
            x = 2 * s12 / N.sqrt((1 + 2 * q1) * (1 + 2 * q2))
            return -2 / N.pi * x / (N.sqrt(1 - x * x) * (1 + 2 * q1))
        if name == "sin":  # sin'' = -sin
            return -self._sincos(1, 1, q1, q2, s12, -1) / 2
        return self._e2(self.form(2), self.form(0), q1, q2, s12) / 2

    def p4m(self, q1, q2, s12):
        """(E[phi1^4], E[phi1^3 phi2], E[phi1^2 phi2^2], E[phi1 phi2^3], E[phi2^4]), phi_a = phi(u_a).

        linear: Isserlis; relu: E[relu(u1)^m relu(u2)^n] = (a^m b^n/2 pi) E[r^(m+n)] x
        int_{t - pi/2}^{pi/2} cos^m(s) cos^n(s - t) ds in polar coordinates (a, b = sqrt q,
        cos t = rho, E[r^4] = 8): m = n = 2 is Cho & Saul's J_2 (3 sin t cos t + (pi - t)
        (1 + 2 cos^2 t)), m = 3, n = 1 gives 3 sin t - sin^3 t + 3 (pi - t) cos t. Others: quadrature.
        """
        N, name = self.N, self.name
        if name == "linear":
            return (3 * q1 * q1, 3 * q1 * s12, q1 * q2 + 2 * s12 * s12, 3 * q2 * s12, 3 * q2 * q2)
        if name == "relu":
            a, b = N.sqrt(q1), N.sqrt(q2)
            c = max(min(s12 / (a * b), 1), -1)
            t = N.acos(c)
            sn = N.sqrt(1 - c * c)
            j31 = (3 * sn - sn ** 3 + 3 * (N.pi - t) * c) / (2 * N.pi)
            j22 = (3 * sn * c + (N.pi - t) * (1 + 2 * c * c)) / (2 * N.pi)
            return (3 * q1 * q1 / 2, a ** 3 * b * j31, q1 * q2 * j22, a * b ** 3 * j31, 3 * q2 * q2 / 2)
        if name == "sin":  # sin^3 = (3 sin u - sin 3u)/4, sin^2 = (1 - cos 2u)/2
            S = lambda i, j: self._sincos(i, j, q1, q2, s12, -1)
            C = lambda i, j: self._sincos(i, j, q1, q2, s12, 1)
            return (self.p4(q1), (3 * S(1, 1) - S(3, 1)) / 4, (1 - C(2, 0) - C(0, 2) + C(2, 2)) / 4,
                    (3 * S(1, 1) - S(1, 3)) / 4, self.p4(q2))
        f = self.form(0)
        powers = [lambda u, k=k: f(u) ** k for k in range(5)]
        return (self.p4(q1), self._e2(powers[3], powers[1], q1, q2, s12), self._e2(powers[2], powers[2], q1, q2, s12),
                self._e2(powers[1], powers[3], q1, q2, s12), self.p4(q2))

    def dq(self, q):
        """d/dq E[phi(sqrt(q) z)^2] = E[phi'^2 + phi phi''] (chi_q / sigma_w^2)."""
        N, name = self.N, self.name
        if name == "linear":
            return N.num(1)
        if name == "relu":  # phi phi'' = relu * delta = 0
            return N.num(1) / 2
        if name == "erf":  # d/dq (2/pi) asin(2q/(1+2q))
            return 4 / (N.pi * (1 + 2 * q) * N.sqrt(1 + 4 * q))
        if name == "sin":  # d/dq (1 - exp(-2q))/2
            return N.exp(-2 * q)
        f0, f1, f2 = self.form(0), self.form(1), self.form(2)
        return self._e1(lambda u: f1(u) ** 2 + f0(u) * f2(u), q)


class Precision:
    """``with Precision(dps):`` sets mpmath precision when dps is given."""

    def __init__(self, dps):
        self.dps = dps

    def __enter__(self):
        if self.dps is not None:
            import mpmath

            self.old = mpmath.mp.dps
            mpmath.mp.dps = self.dps + 5

    def __exit__(self, *exc):
        if self.dps is not None:
            import mpmath

            mpmath.mp.dps = self.old


def as_result(x, dps):
    """A float (dps None) or an mpmath number rounded to dps digits."""
    if dps is None:
        return float(x)
    import mpmath

    with mpmath.workdps(dps):
        return +mpmath.mpf(x)
