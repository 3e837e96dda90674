"""Mean-field signal propagation, infinite-width kernels and the leading finite-width correction.

Network and normalisation (used by every quantity here, the derivations and the simulators).
A fully connected network with L weight layers, hidden widths N, input x in R^{n0}:

    z^1 = W^1 x + b^1,                 W^1_ij ~ N(0, sigma_w^2 / n0),
    z^{l+1} = W^{l+1} phi(z^l) + b^{l+1},  W^{l+1}_ij ~ N(0, sigma_w^2 / N),  b ~ N(0, sigma_b^2)

("standard" parameterisation of the forward pass; the NTK parameterisation writes the same
function as z = (sigma_w/sqrt(fan_in)) W x + sigma_b b with W, b ~ N(0, 1), which changes
the gradients but not the distribution of z). The inputs enter through their Gram
statistics q1 = |x1|^2/n0, q2 = |x2|^2/n0 and the cosine c = x1.x2 / (|x1||x2|).

Infinite width (Poole et al. 2016; Lee et al. 2018): z^l is a centred Gaussian process with
covariance K^l:

    K^1_ab = sigma_w^2 x_a.x_b/n0 + sigma_b^2,
    K^{l+1}_ab = sigma_w^2 E[phi(u_a) phi(u_b)] + sigma_b^2,   (u_a, u_b) ~ N(0, K^l).

``nngp-kernel depth=L`` is K^L_12 (the covariance of the output z^L of an L-layer network).
Expectations are closed forms for linear, relu (Cho & Saul 2009 arc-cosine kernels, with
E[relu relu] = k_1/2) and erf (Williams 1997), trapezoidal quadrature on the real line
(float; exponentially accurate for these analytic activations) or mpmath
quadrature (``--dps``) for the other activations.

No numba or sympy here; numpy and mpmath are imported lazily.
"""
from __future__ import annotations

import math

from ._quantity import BadInput, Choice, Int, Real, quantity

CLOSED = ("linear", "relu", "erf")
QUADRATURE = ("tanh", "sigmoid", "softplus", "gelu", "swish", "sin")
ACTIVATIONS = CLOSED + QUADRATURE

_ACT = Choice("activation", choices=ACTIVATIONS,
              doc="pointwise activation; relu, erf, linear in closed form, the rest by quadrature")
_SW = Real("weight_variance", lo=0, lo_open=True, hi=1e6, doc="sigma_w^2")
_SB = Real("bias_variance", lo=0, hi=1e6, default=0.0, doc="sigma_b^2")
_DEPTH = Int("depth", lo=1, hi=10_000, doc="L: the layer whose pre-activation is returned")
_Q1 = Real("q1", lo=0, lo_open=True, hi=1e6, default=1.0, doc="|x1|^2 / n0")
_Q2 = Real("q2", lo=0, lo_open=True, hi=1e6, default=1.0, doc="|x2|^2 / n0")
_C = Real("c", lo=-1, hi=1, default=1.0, doc="input cosine x1.x2/(|x1||x2|)")
_Q = Real("q", lo=0, lo_open=True, hi=1e6, default=1.0, doc="|x|^2 / n0")


REF_MEANFIELD = ("Poole, Lahiri, Raghu, Sohl-Dickstein & Ganguli (2016), NeurIPS, Sec. 2 "
                 "(length map, its fixed point q*, correlation map and chi1; equation numbers not re-checked)")
REF_SCHOENHOLZ = ("Schoenholz, Gilmer, Ganguli & Sohl-Dickstein (2017), ICLR, Sec. 3 (depth scales xi_q, "
                  "xi_c and the order-to-chaos line chi1 = 1; equation numbers not re-checked)")


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


#: distance from the real axis of the nearest complex singularity of each quadrature
#: activation (u-space); entire functions get 2 (their growth off the axis sets the step).
_STRIP = {"erf": 2.0, "tanh": math.pi / 2, "sigmoid": math.pi, "softplus": math.pi, "swish": math.pi, "gelu": 2.0, "sin": 2.0}
_NODES_CACHE: dict = {}


def _nodes(activation, qmax):
    """Trapezoidal nodes and weights for E over z ~ N(0, 1) of phi(sqrt(q) z), q <= qmax.

    The integrand is analytic in a strip of half-width d = strip/sqrt(q) around the real
    axis, so the trapezoidal rule with step h converges like exp(-2 pi d / h) (Trefethen &
    Weideman 2014); h = min(0.1, d/6) gives ~1e-16, z in [-9, 9] truncates below 1e-17.
    Capped at 4001 nodes (q up to ~2e3 at full accuracy; beyond that use --dps).
    """
    import numpy as np

    h = min(0.1, _STRIP[activation] / math.sqrt(max(qmax, 1e-300)) / 6)
    n = min(int(math.ceil(9 / h)), 2000)
    key = n
    if key not in _NODES_CACHE:
        z = np.linspace(-9.0, 9.0, 2 * n + 1)
        w = (z[1] - z[0]) * np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
        _NODES_CACHE[key] = (z, w)
    return _NODES_CACHE[key]


def _np_fun(name: str, d: int):
    """phi (d=0), phi' (d=1), phi'' (d=2) of a quadrature activation, vectorised in numpy."""
    import numpy as np
    from math import sqrt, pi

    if name == "tanh":
        return [np.tanh, lambda u: 1 - np.tanh(u) ** 2,
                lambda u: -2 * np.tanh(u) * (1 - np.tanh(u) ** 2)][d]
    if name in ("sigmoid", "softplus", "swish"):
        def s(u):
            return 0.5 * (1 + np.tanh(u / 2))
        if name == "sigmoid":
            return [s, lambda u: s(u) * (1 - s(u)), lambda u: s(u) * (1 - s(u)) * (1 - 2 * s(u))][d]
        if name == "softplus":
            return [lambda u: np.logaddexp(0, u), s, lambda u: s(u) * (1 - s(u))][d]
        return [lambda u: u * s(u), lambda u: s(u) + u * s(u) * (1 - s(u)),
                lambda u: s(u) * (1 - s(u)) * (2 + u * (1 - 2 * s(u)))][d]
    if name == "gelu":
        _erf = np.frompyfunc(math.erf, 1, 1)  # math.erf, vectorised (scipy.special costs 0.3 s to import)

        def ndtr(u):
            return 0.5 * (1 + _erf(np.asarray(u) / sqrt(2)).astype(np.float64))

        def pdf(u):
            return np.exp(-u * u / 2) / sqrt(2 * pi)
        return [lambda u: u * ndtr(u), lambda u: ndtr(u) + u * pdf(u), lambda u: pdf(u) * (2 - u * u)][d]
    if name == "sin":
        return [np.sin, np.cos, lambda u: -np.sin(u)][d]
    if name == "erf":  # for the two-input fourth moments (the kernels themselves are closed forms)
        _erf1 = np.frompyfunc(math.erf, 1, 1)
        c = 2 / sqrt(pi)
        return [lambda u: _erf1(np.asarray(u)).astype(np.float64), lambda u: c * np.exp(-u * u),
                lambda u: -2 * c * u * np.exp(-u * u)][d]
    raise KeyError(name)


def _mp_fun(name: str, d: int):
    import mpmath as m

    if name == "tanh":
        return [m.tanh, lambda u: 1 - m.tanh(u) ** 2, lambda u: -2 * m.tanh(u) * (1 - m.tanh(u) ** 2)][d]
    if name in ("sigmoid", "softplus", "swish"):
        def s(u):
            return 1 / (1 + m.exp(-u))
        if name == "sigmoid":
            return [s, lambda u: s(u) * (1 - s(u)), lambda u: s(u) * (1 - s(u)) * (1 - 2 * s(u))][d]
        if name == "softplus":
            return [lambda u: m.log1p(m.exp(u)) if u < 30 else u + m.log1p(m.exp(-u)), s,
                    lambda u: s(u) * (1 - s(u))][d]
        return [lambda u: u * s(u), lambda u: s(u) + u * s(u) * (1 - s(u)),
                lambda u: s(u) * (1 - s(u)) * (2 + u * (1 - 2 * s(u)))][d]
    if name == "gelu":
        def pdf(u):
            return m.exp(-u * u / 2) / m.sqrt(2 * m.pi)
        return [lambda u: u * m.ncdf(u), lambda u: m.ncdf(u) + u * pdf(u), lambda u: pdf(u) * (2 - u * u)][d]
    if name == "sin":
        return [m.sin, m.cos, lambda u: -m.sin(u)][d]
    if name == "erf":
        return [m.erf, lambda u: 2 / m.sqrt(m.pi) * m.exp(-u * u), lambda u: -4 * u / m.sqrt(m.pi) * m.exp(-u * u)][d]
    raise KeyError(name)


class Gauss:
    """Gaussian expectations of one activation, in float or mpmath arithmetic.

    ``pp(q1, q2, s12)`` = E[phi(u1) phi(u2)] and ``dd`` = E[phi'(u1) phi'(u2)] for
    (u1, u2) ~ N(0, [[q1, s12], [s12, q2]]); ``p4(q)`` = E[phi(u)^4]; ``dq(q)`` =
    d/dq E[phi(u)^2] = E[phi'(u)^2 + phi(u) phi''(u)] (Gaussian integration by parts).
    """

    def __init__(self, activation: str, dps: int | None = None):
        if activation not in ACTIVATIONS:
            raise BadInput("activation", activation, _ACT.domain, "unknown activation")
        self.name = activation
        self.N = _MP() if dps is not None else _Float()
        self.dps = dps

    # -- quadrature primitives -------------------------------------------------------
    def _e1(self, f, q):
        N = self.N
        if N.mp:
            m = N.m
            sq = m.sqrt(q)
            return m.quad(lambda z: f(sq * z) * m.exp(-z * z / 2), [-m.inf, 0, m.inf]) / m.sqrt(2 * m.pi)
        z, w = _nodes(self.name, q)
        return float(w @ f(math.sqrt(q) * z))

    def _e2(self, f, g, q1, q2, s12):
        N = self.N
        c = s12 / N.sqrt(q1 * q2)
        c = max(min(c, 1), -1)
        s = N.sqrt(1 - c * c)
        if N.mp:
            m = N.m
            a, b = m.sqrt(q1), m.sqrt(q2)
            inner = lambda z1: f(a * z1) * m.quad(lambda z2: g(b * (c * z1 + s * z2)) * m.exp(-z2 * z2 / 2),
                                                  [-m.inf, 0, m.inf])
            return m.quad(lambda z1: inner(z1) * m.exp(-z1 * z1 / 2), [-m.inf, 0, m.inf]) / (2 * m.pi)
        z, w = _nodes(self.name, max(q1, q2))
        a, b = math.sqrt(q1), math.sqrt(q2)
        fz = f(a * z)
        gz = g(b * (c * z[:, None] + s * z[None, :]))
        return float((w * fz) @ (gz @ w))

    def _f(self, d):
        return (_mp_fun if self.N.mp else _np_fun)(self.name, d)

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
        return self._e2(self._f(0), self._f(0), q1, q2, s12)

    def dd(self, q1, q2, s12):
        N, name = self.N, self.name
        if name == "linear":
            return N.num(1)
        if name == "relu":  # Cho & Saul (2009) arc-cosine kernel of degree 0, halved
            c = max(min(s12 / N.sqrt(q1 * q2), 1), -1)
            return (N.pi - N.acos(c)) / (2 * N.pi)
        if name == "erf":  # erf' = 2/sqrt(pi) exp(-u^2): E = (4/pi) det(I + 2K)^(-1/2)
            return 4 / N.pi / N.sqrt((1 + 2 * q1) * (1 + 2 * q2) - 4 * s12 * s12)
        return self._e2(self._f(1), self._f(1), q1, q2, s12)

    def p2(self, q):
        if self.name in CLOSED:
            return self.pp(q, q, q)
        f = self._f(0)
        return self._e1(lambda u: f(u) ** 2, q)

    def d2(self, q):
        if self.name in CLOSED:
            return self.dd(q, q, q)
        f = self._f(1)
        return self._e1(lambda u: f(u) ** 2, q)

    def p4(self, q):
        name = self.name
        if name == "linear":
            return 3 * q * q
        if name == "relu":
            return 3 * q * q / 2
        f = (lambda u: self.N.erf(u) ** 4) if (name == "erf" and self.N.mp) else None
        if name == "erf" and not self.N.mp:
            import numpy as np

            erf = np.frompyfunc(math.erf, 1, 1)
            f = lambda u: erf(u).astype(np.float64) ** 4
        if f is None:
            g = self._f(0)
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
        return self._e2(self._f(2), self._f(0), q1, q2, s12) / 2

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
        f = self._f(0)
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
        f0, f1, f2 = self._f(0), self._f(1), self._f(2)
        return self._e1(lambda u: f1(u) ** 2 + f0(u) * f2(u), q)


# ----------------------------------------------------------------------------- maps
def _fixed_point(g: Gauss, sw, sb, activation):
    """The stable fixed point q* of q -> sw E[phi(sqrt q z)^2] + sb, reached from q = 1."""
    N = g.N
    sw, sb = N.num(sw), N.num(sb)
    name = activation
    if name in ("linear", "relu"):
        a = 1 if name == "linear" else N.num(1) / 2
        if sw * a < 1:
            return sb / (1 - sw * a)
        domain = f"weight_variance < {'1' if name == 'linear' else '2'} for {name}"
        raise BadInput("weight_variance", float(sw), domain,
                       "the length map has no finite stable fixed point (q diverges or every q is fixed)")
    f = lambda q: sw * g.p2(q) + sb
    tol = N.num(10) ** (-(g.dps or 15) + 1) if N.mp else 1e-15
    q = N.num(1)
    for _ in range(60):  # enter the basin of the stable fixed point
        q = f(q)
    for _ in range(400):  # Newton on f(q) - q, safeguarded by the plain iteration
        h = f(q) - q
        if abs(h) <= tol * (1 + abs(q)):
            return q
        slope = sw * g.dq(q) - 1
        step = q - h / slope if slope != 0 else f(q)
        q = step if step >= 0 and abs(f(step) - step) < abs(h) else f(q)
    return q


def _length_fixed_point(activation, weight_variance, bias_variance, dps=None):
    g = Gauss(activation, dps)
    return g, _fixed_point(g, weight_variance, bias_variance, activation)


class _Prec:
    """``with _Prec(dps):`` sets mpmath precision when dps is given."""

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


def _ret(x, dps):
    if dps is None:
        return float(x)
    import mpmath

    with mpmath.workdps(dps):
        return +mpmath.mpf(x)


@quantity("fixed-point-length", _ACT, _SW, _SB, status="exact", citation=REF_MEANFIELD)
def fixed_point_length(activation, weight_variance, bias_variance=0.0, dps=None):
    """q*: the stable fixed point of the length map q -> sigma_w^2 E[phi(sqrt(q) z)^2] + sigma_b^2.

    Poole et al. (2016), Sec. 2. Closed forms: linear q* = sigma_b^2/(1 - sigma_w^2)
    (sigma_w^2 < 1), relu q* = sigma_b^2/(1 - sigma_w^2/2) (sigma_w^2 < 2); otherwise the
    fixed point reached by iterating from q = 1, polished by Newton's method (float:
    trapezoidal Gaussian quadrature; --dps: mpmath quadrature). Exact (a
    numerically solved closed equation), in the infinite-width limit.
    """
    with _Prec(dps):
        _, q = _length_fixed_point(activation, weight_variance, bias_variance, dps)
        return _ret(q, dps)


@quantity("chi1", _ACT, _SW, _SB, status="exact",
          citation=REF_SCHOENHOLZ + "; chi1 = sigma_w^2 E[phi'(sqrt(q*) z)^2] (Poole et al. 2016)")
def chi1(activation, weight_variance, bias_variance=0.0, dps=None):
    """chi1 = sigma_w^2 E[phi'(sqrt(q*) z)^2]: slope of the correlation map at c = 1.

    Poole et al. (2016); Schoenholz et al. (2017), chi_c at c* = 1. chi1 < 1:
    ordered phase (nearby inputs converge), chi1 > 1: chaotic. For relu chi1 =
    sigma_w^2/2 at any q. Exact, in the infinite-width limit.
    """
    if activation in ("linear", "relu"):  # chi1 = sigma_w^2 E[phi'^2] does not depend on q
        with _Prec(dps):
            g = Gauss(activation, dps)
            return _ret(g.N.num(weight_variance) * _dphi0_sq(g), dps)
    with _Prec(dps):
        g, q = _length_fixed_point(activation, weight_variance, bias_variance, dps)
        return _ret(g.N.num(weight_variance) * g.d2(q) if q > 0 else
                    g.N.num(weight_variance) * _dphi0_sq(g), dps)


def _dphi0_sq(g: Gauss):
    """lim_{q -> 0} E[phi'(sqrt(q) z)^2]: phi'(0)^2, and 1/2 for relu (E[1{z > 0}])."""
    N = g.N
    if g.name in CLOSED:
        return {"linear": N.num(1), "relu": N.num(1) / 2, "erf": 4 / N.pi}[g.name]
    return g._f(1)(N.num(0)) ** 2


@quantity("critical-weight-variance", _ACT, _SB, status="exact",
          citation=REF_SCHOENHOLZ + "; Poole et al. (2016) phase diagram")
def critical_weight_variance(activation, bias_variance=0.0, dps=None):
    """sigma_w^2 on the order-to-chaos line chi1(sigma_w^2, sigma_b^2) = 1 at given sigma_b^2.

    Schoenholz et al. (2017), Sec. 3 (the edge of chaos, chi1 = 1, with q* solved
    self-consistently). linear: 1; relu: 2 for every sigma_b^2 (chi1 = sigma_w^2/2; for
    sigma_b^2 > 0 the length q* diverges there, so criticality is only reached at
    sigma_b^2 = 0: the ReLU critical point (2, 0)). Other activations: the line is
    parametrised by q* (Poole et al. 2016, Sec. 3): sigma_w^2 = 1/E[phi'(u)^2],
    sigma_b^2 = q* - E[phi(u)^2]/E[phi'(u)^2], u ~ N(0, q*); the q* giving the requested
    sigma_b^2 is found by bisection (q* in [1e-10, 1e6]). Odd activations (tanh, erf, sin) at
    sigma_b^2 = 0: q* = 0 and sigma_w^2 = 1/phi'(0)^2 (tanh: 1). Exact.
    """
    if activation == "linear":
        return _ret(1, dps)
    if activation == "relu":
        return _ret(2, dps)
    with _Prec(dps):
        g = Gauss(activation, dps)
        N = g.N
        sb = N.num(bias_variance)
        if sb == 0 and g.name in ("erf",) + ("tanh", "sin"):  # phi(0) = 0: q* = 0 on the line
            return _ret(1 / _dphi0_sq(g), dps)

        def line(q):  # the critical line parametrised by q*: (1/E[phi'^2], q - E[phi^2]/E[phi'^2])
            d2 = g.d2(q)
            return 1 / d2, q - g.p2(q) / d2

        grid = [N.num(10) ** (N.num(k) / 4) for k in range(-40, 25)]
        prev = None
        for q in grid:
            h = line(q)[1] - sb
            if prev is not None and (prev[1] < 0) != (h < 0):
                lo, hi, hlo = prev[0], q, prev[1]
                tol = N.num(10) ** (-(dps or 15) - 3)
                for _ in range(2000):
                    mid = (lo + hi) / 2
                    hm = line(mid)[1] - sb
                    if (hm < 0) == (hlo < 0):
                        lo, hlo = mid, hm
                    else:
                        hi = mid
                    if hi - lo <= tol * hi:
                        break
                return _ret(line((lo + hi) / 2)[0], dps)
            prev = (q, h)
    raise BadInput("bias_variance", bias_variance,
                   f"a sigma_b^2 reached by the critical line of {activation} for q* in [1e-10, 1e6]",
                   "no order-to-chaos transition found")


def _correlation_fixed_point(g: Gauss, sw, sb, q):
    """Stable fixed point c* of c -> (sw E[phi phi](q, q, q c) + sb)/q.

    Ordered phase (chi1 <= 1): c* = 1. Chaotic phase: c = 1 is unstable and c* < 1 is the
    root of h(c) = map(c) - c below 1, found by bisection between a point with h >= 0
    (c = 0, -0.5 or -1) and a point just below 1 with h < 0.
    """
    N = g.N
    sw, sb = N.num(sw), N.num(sb)
    if sw * g.d2(q) <= 1:
        return N.num(1)
    h = lambda c: (sw * g.pp(q, q, q * c) + sb) / q - c
    lo = next((c for c in (N.num(0), N.num(-0.5), N.num(-1)) if h(c) >= 0), None)
    hi = next((1 - N.num(10) ** -k for k in (2, 3, 4, 6, 8, 10) if h(1 - N.num(10) ** -k) < 0), None)
    if lo is None or hi is None:
        raise BadInput("weight_variance", float(sw), "a point where the correlation map has a stable c* < 1",
                       "no bracket for the correlation fixed point")
    tol = N.num(10) ** (-(g.dps or 15) - 2)
    for _ in range(400):
        mid = (lo + hi) / 2
        if hi - lo <= tol or mid in (lo, hi):
            break
        if h(mid) >= 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _depth_scale(chi, N):
    if chi >= 1:
        return N.inf
    if chi <= 0:
        return N.num(0)
    return -1 / N.log(chi)


@quantity("length-depth-scale", _ACT, _SW, _SB, status="asymptotic",
          citation=REF_SCHOENHOLZ + "; xi_q^-1 = -log(chi1 + sigma_w^2 E[phi'' phi])")
def length_depth_scale(activation, weight_variance, bias_variance=0.0, dps=None):
    """xi_q = -1/log(chi_q), chi_q = sigma_w^2 E[phi'(u)^2 + phi(u) phi''(u)], u ~ N(0, q*).

    Schoenholz et al. (2017), Sec. 3: |q^l - q*| ~ exp(-l/xi_q) (chi_q is the slope of the
    length map at q*). Infinite when chi_q >= 1. Asymptotic (large depth).
    """
    with _Prec(dps):
        if activation in ("linear", "relu"):  # chi_q = sigma_w^2 (1 or 1/2) at every q
            g = Gauss(activation, dps)
            return _ret(_depth_scale(g.N.num(weight_variance) * _dphi0_sq(g), g.N), dps)
        g, q = _length_fixed_point(activation, weight_variance, bias_variance, dps)
        chi = g.N.num(weight_variance) * (g.dq(q) if q > 0 else _dphi0_sq(g))
        return _ret(_depth_scale(chi, g.N), dps)


@quantity("correlation-depth-scale", _ACT, _SW, _SB, status="asymptotic",
          citation=REF_SCHOENHOLZ + "; xi_c^-1 = -log(sigma_w^2 E[phi'(u1) phi'(u2)]) at c*")
def correlation_depth_scale(activation, weight_variance, bias_variance=0.0, dps=None):
    """xi_c = -1/log(chi_c), chi_c = sigma_w^2 E[phi'(u1) phi'(u2)] at (q*, c*).

    Schoenholz et al. (2017), Sec. 3: |c^l - c*| ~ exp(-l/xi_c). In the ordered phase
    c* = 1 and chi_c = chi1; in the chaotic phase c* < 1 is the stable fixed point of the
    correlation map (iterated from c = 0). Diverges on the critical line. Asymptotic.
    """
    with _Prec(dps):
        g, q = _length_fixed_point(activation, weight_variance, bias_variance, dps)
        N = g.N
        if q <= 0:
            return _ret(_depth_scale(N.num(weight_variance) * _dphi0_sq(g), N), dps)
        c = _correlation_fixed_point(g, weight_variance, bias_variance, q)
        chi = N.num(weight_variance) * g.dd(q, q, q * c)
        return _ret(_depth_scale(chi, N), dps)


# ----------------------------------------------------------------------------- kernels
def kernels(activation, depth, weight_variance, bias_variance, q1, q2, c, dps=None):
    """[(K^l_11, K^l_12, K^l_22, Kdot^l_12)] for l = 1..depth (Kdot^1 = None)."""
    g = Gauss(activation, dps)
    N = g.N
    sw, sb = N.num(weight_variance), N.num(bias_variance)
    q1, q2, c = N.num(q1), N.num(q2), N.num(c)
    k11, k22 = sw * q1 + sb, sw * q2 + sb
    k12 = sw * c * N.sqrt(q1 * q2) + sb
    out = [(k11, k12, k22, None)]
    for _ in range(depth - 1):
        kd = g.dd(k11, k22, k12)
        k11, k12, k22 = (sw * g.p2(k11) + sb, sw * g.pp(k11, k22, k12) + sb, sw * g.p2(k22) + sb)
        out.append((k11, k12, k22, kd))
    return g, out


@quantity("nngp-kernel", _ACT, _DEPTH, _SW, _SB, _Q1, _Q2, _C, status="exact",
          citation="Lee et al. (2018), ICLR, Sec. 2.3 (NNGP recursion); Cho & Saul (2009), NeurIPS, Sec. 2.1 "
                   "(arc-cosine kernels, relu = k_1/2); Williams (1997), NeurIPS (erf kernel)")
def nngp_kernel(activation, depth, weight_variance, bias_variance=0.0, q1=1.0, q2=1.0, c=1.0, dps=None):
    """K^L(x1, x2): infinite-width covariance of the layer-L pre-activations of two inputs.

    K^1 = sigma_w^2 x1.x2/n0 + sigma_b^2 and K^{l+1} = sigma_w^2 E[phi(u1)phi(u2)] +
    sigma_b^2 with (u1, u2) ~ N(0, K^l) (Lee et al. 2018). Inputs enter through
    q1 = |x1|^2/n0, q2 = |x2|^2/n0, c = cosine. relu: E[phi phi] = sqrt(K11 K22)
    (sin t + (pi - t) cos t)/(2 pi), t = arccos(rho) (Cho & Saul 2009, k_1/2); erf:
    (2/pi) arcsin(2 K12 / sqrt((1+2K11)(1+2K22))) (Williams 1997). Exact (infinite width);
    with q1 = q2 and c = 1 it is the length map's iterate q^L.
    """
    with _Prec(dps):
        _, ks = kernels(activation, depth, weight_variance, bias_variance, q1, q2, c, dps)
        return _ret(ks[-1][1], dps)


_PARAM = Choice("parameterization", choices=("ntk", "standard"), default="ntk",
                doc="ntk: z = (sigma_w/sqrt(fan_in)) W h + sigma_b b, W, b ~ N(0,1) trained; "
                    "standard: W ~ N(0, sigma_w^2/fan_in), b ~ N(0, sigma_b^2) trained")
_WIDTH_STD = Int("width", lo=1, hi=10**9, default=None, doc="hidden width N (standard parameterisation only)")
_N0 = Int("input_dim", lo=1, hi=10**9, default=None, doc="n0 (standard parameterisation only)")


@quantity("ntk-kernel", _ACT, _DEPTH, _SW, _SB, _Q1, _Q2, _C, _PARAM, _WIDTH_STD, _N0, status="exact",
          citation="Jacot, Gabriel & Hongler (2018), NeurIPS, Thm 1; Arora et al. (2019), NeurIPS, "
                   "Sec. 3 (recursion; biases added as in Lee et al. 2019); standard parameterisation as in "
                   "neural-tangents stax.Dense (Novak et al. 2020)")
def ntk_kernel(activation, depth, weight_variance, bias_variance=0.0, q1=1.0, q2=1.0, c=1.0,
               parameterization="ntk", width=None, input_dim=None, dps=None):
    """Theta^L(x1, x2): the neural tangent kernel of the layer-L output (scalar output).

    NTK parameterisation (Jacot et al. 2018, Thm 1; Arora et al. 2019):
    Theta^1 = K^1, Theta^{l+1} = K^{l+1} + sigma_w^2 Kdot^{l+1} Theta^l with
    Kdot^{l+1} = E[phi'(u1) phi'(u2)], (u1, u2) ~ N(0, K^l); the width-independent limit of
    sum_theta df(x1)/dtheta df(x2)/dtheta. Standard parameterisation (trainable W ~
    N(0, sigma_w^2/fan_in), b ~ N(0, sigma_b^2)): the kernel grows with the widths, and its
    leading large-width value (as neural-tangents computes it) is
    Theta^1 = n0 q12 + 1, Theta^{l+1} = N (K^{l+1} - sigma_b^2)/sigma_w^2 + 1 +
    sigma_w^2 Kdot^{l+1} Theta^l, with q12 = c sqrt(q1 q2); it needs width and input_dim.
    Exact (infinite width).
    """
    if parameterization == "standard" and (width is None or input_dim is None):
        raise BadInput("width" if width is None else "input_dim", "(missing)",
                       "integer >= 1 (required with parameterization=standard)", "required")
    with _Prec(dps):
        g, ks = kernels(activation, depth, weight_variance, bias_variance, q1, q2, c, dps)
        N = g.N
        sw, sb = N.num(weight_variance), N.num(bias_variance)
        if parameterization == "ntk":
            theta = ks[0][1]
            for k11, k12, k22, kd in ks[1:]:
                theta = k12 + sw * kd * theta
        else:
            theta = input_dim * N.num(c) * N.sqrt(N.num(q1) * N.num(q2)) + 1
            for k11, k12, k22, kd in ks[1:]:
                theta = width * (k12 - sb) / sw + 1 + sw * kd * theta
        return _ret(theta, dps)


# ----------------------------------------------------------------------------- finite width
_WIDTH = Int("width", lo=1, hi=10**12, doc="hidden width N (all hidden layers)")
_DEPTH_K = Int("depth", lo=1, hi=10_000, doc="L: the layer whose pre-activation's kurtosis is returned")


def four_point_vertex(activation, depth, weight_variance, bias_variance, q, dps=None):
    """[(K^l, V^l)] for l = 1..depth: single-input metric and four-point vertex (RYH 2022).

    V^1 = 0; V^{l+1} = sigma_w^4 (E[phi^4] - E[phi^2]^2) + chi_par^2 V^l with
    chi_par = sigma_w^2 d/dK E_K[phi^2] (RYH 2022, Ch. 4-5, for one input and equal widths;
    re-derived in ``meanfield-four-point``). E[z^4]/E[z^2]^2 - 3 = 3 V^l / (N (K^l)^2) + O(1/N^2).
    """
    g = Gauss(activation, dps)
    N = g.N
    sw, sb = N.num(weight_variance), N.num(bias_variance)
    k = sw * N.num(q) + sb
    v = N.num(0)
    out = [(k, v)]
    for _ in range(depth - 1):
        e2 = g.p2(k)
        v = sw * sw * (g.p4(k) - e2 * e2) + (sw * g.dq(k)) ** 2 * v
        k = sw * e2 + sb
        out.append((k, v))
    return g, out


@quantity("finite-width-kurtosis", _ACT, _DEPTH_K, _WIDTH, _SW, _SB, _Q, status="asymptotic",
          citation="Roberts, Yaida & Hanin (2022), The Principles of Deep Learning Theory, CUP, "
                   "Ch. 4-5 (four-point vertex recursion, one input; equation numbers not re-checked)")
def finite_width_kurtosis(activation, depth, width, weight_variance, bias_variance=0.0, q=1.0, dps=None):
    """3 V^L / (N (K^L)^2): leading-order excess kurtosis of a layer-L pre-activation at width N.

    RYH (2022) four-point vertex for one input and equal hidden widths N:
    V^1 = 0, V^{l+1} = sigma_w^4 Var_{K^l}[phi(u)^2] + chi_par(K^l)^2 V^l with
    chi_par = sigma_w^2 E[phi'^2 + phi phi''] (derivation ``meanfield-four-point``, which
    re-derives it from the exact layer-to-layer conditioning). Closed forms: linear
    (sigma_b = 0): 6 (L-1)/N; relu (sigma_b = 0): 15 (L-1)/N. Asymptotic: the error is
    O(1/N^2) (see ``finite-width-kurtosis-exact`` for linear and relu at finite N).
    """
    with _Prec(dps):
        g, kv = four_point_vertex(activation, depth, weight_variance, bias_variance, q, dps)
        k, v = kv[-1]
        return _ret(3 * v / (width * k * k), dps)


PAIRS = ((0, 0), (0, 1), (1, 1))  #: the pair indices (11), (12), (22) of K and V, in this order


def four_point_vertex_two_inputs(activation, depth, weight_variance, bias_variance, q11, q12, q22, dps=None,
                                 offdiag_factor=1):
    """[(K^l, V^l)] for l = 1..depth: two-input metric (k11, k12, k22) and 3 x 3 vertex V^l.

    V^l[p][r] = V^l_{(ab)(cd)} with (ab) = PAIRS[p], (cd) = PAIRS[r]: at leading order
    N Cov(G_ab, G_cd) of the layer's conditional covariance G (E[z_a z_b z_c z_d]_connected =
    (V_(ab)(cd) + V_(ac)(bd) + V_(ad)(bc))/N). Recursion (RYH 2022, Ch. 4, in delta-method form;
    derivation ``meanfield-four-point-two-inputs``): V^1 = 0,

        V^{l+1} = sigma_w^4 C(K^l) + J(K^l) V^l J(K^l)^T,
        C_(ab)(cd) = Cov_{u ~ N(0, K)}(phi(u_a) phi(u_b), phi(u_c) phi(u_d)),
        J_(ab),(ef) = d K^{l+1}_ab / d K^l_ef (K11, K12, K22 independent entries):
        J_(11),(11) = sigma_w^2 d/dK11 E[phi1^2], J_(12),(12) = sigma_w^2 E[phi1' phi2'],
        J_(12),(11) = sigma_w^2 E[phi1'' phi2]/2, J_(12),(22) = sigma_w^2 E[phi1 phi2'']/2,
        J_(22),(22) = sigma_w^2 d/dK22 E[phi2^2], the others 0.

    ``offdiag_factor`` multiplies J_(12),(12) (1: right; 1/2 is the symmetric-derivative slip
    d/dK12 = E[phi' phi']/2, kept as a plausible wrong theory for the check's power test).
    """
    g = Gauss(activation, dps)
    N = g.N
    sw, sb = N.num(weight_variance), N.num(bias_variance)
    k11, k12, k22 = sw * N.num(q11) + sb, sw * N.num(q12) + sb, sw * N.num(q22) + sb
    v = [[N.num(0)] * 3 for _ in range(3)]
    out = [((k11, k12, k22), v)]
    for _ in range(depth - 1):
        e11, e12, e22 = g.p2(k11), g.pp(k11, k22, k12), g.p2(k22)
        m40, m31, m22, m13, m04 = g.p4m(k11, k22, k12)
        e = (e11, e12, e22)
        mom = {(0, 0): m40, (0, 1): m31, (0, 2): m22, (1, 1): m22, (1, 2): m13, (2, 2): m04}
        c = [[mom[min(p, r), max(p, r)] - e[p] * e[r] for r in range(3)] for p in range(3)]
        zero = N.num(0)
        jac = [[sw * g.dq(k11), zero, zero],
               [sw * g.pp_dq1(k11, k22, k12), offdiag_factor * sw * g.dd(k11, k22, k12), sw * g.pp_dq1(k22, k11, k12)],
               [zero, zero, sw * g.dq(k22)]]
        jv = [[sum(jac[p][t] * v[t][r] for t in range(3)) for r in range(3)] for p in range(3)]
        v = [[sw * sw * c[p][r] + sum(jv[p][t] * jac[r][t] for t in range(3)) for r in range(3)] for p in range(3)]
        k11, k12, k22 = sw * e11 + sb, sw * e12 + sb, sw * e22 + sb
        out.append(((k11, k12, k22), v))
    return g, out


def _gram_inputs(q11, q12, q22):
    if q12 * q12 > q11 * q22 * (1 + 1e-12):
        raise BadInput("q12", q12, f"|q12| <= sqrt(q11 q22) = {math.sqrt(q11 * q22):.6g} (a Gram matrix)",
                       "the input kernel is not positive semidefinite")


_Q11 = Real("q11", lo=0, lo_open=True, hi=1e6, default=1.0, doc="|x1|^2 / n0")
_Q12 = Real("q12", lo=-1e6, hi=1e6, default=0.0, doc="x1.x2 / n0 (|q12| <= sqrt(q11 q22))")
_Q22 = Real("q22", lo=0, lo_open=True, hi=1e6, default=1.0, doc="|x2|^2 / n0")


@quantity("finite-width-cross-kurtosis", _ACT, _DEPTH_K, _WIDTH, _SW, _SB, _Q11, _Q12, _Q22, status="asymptotic",
          citation="Roberts, Yaida & Hanin (2022), The Principles of Deep Learning Theory, CUP, "
                   "Ch. 4 (four-point vertex recursion for several inputs; equation numbers not re-checked)")
def finite_width_cross_kurtosis(activation, depth, width, weight_variance, bias_variance=0.0, q11=1.0, q12=0.0,
                                q22=1.0, dps=None):
    """(V^L_(11)(22) + 2 V^L_(12)(12)) / (N K^L_11 K^L_22): leading-order two-input excess co-kurtosis.

    For one neuron's layer-L pre-activations z_a = z^L_i(x_a) of two inputs with
    q_ab = x_a.x_b/n0, this is E[z1^2 z2^2]_connected / (K11 K22) =
    [E z1^2 z2^2 - E z1^2 E z2^2 - 2 (E z1 z2)^2] / (E z1^2 E z2^2) at order 1/N (equal hidden
    widths N), i.e. Cov(z1^2, z2^2)/(K11 K22) - 2 rho^2 with rho = K12/sqrt(K11 K22). The
    vertex follows RYH (2022) Ch. 4 (``four_point_vertex_two_inputs``; derivation
    ``meanfield-four-point-two-inputs``). With x1 = x2 it is the excess kurtosis
    ``finite-width-kurtosis`` 3 V/(N K^2). Linear, sigma_b = 0 (Wishart, exact):
    V_(ab)(cd) = (L-1)(K_ac K_bd + K_ad K_bc), so the value is (L-1)(2 + 4 rho^2)/N.
    Asymptotic: the error is O(1/N^2).
    """
    _gram_inputs(q11, q12, q22)
    with _Prec(dps):
        g, kv = four_point_vertex_two_inputs(activation, depth, weight_variance, bias_variance, q11, q12, q22, dps)
        (k11, _, k22), v = kv[-1]
        return _ret((v[0][2] + 2 * v[1][1]) / (width * k11 * k22), dps)


_ACT_EXACT = Choice("activation", choices=("linear", "relu"), doc="linear or relu (positively homogeneous)")


def _kurtosis_bounds(arch):
    """``dltheory bounds``: output kurtosis of an equal-width linear/relu net at critical init (q = 1)."""
    if arch.activation not in ("linear", "relu") or len(set(arch.widths)) != 1:
        return None
    return dict(activation=arch.activation, depth=len(arch.widths) + 1, width=arch.widths[0],
                weight_variance=2.0 if arch.activation == "relu" else 1.0, bias_variance=0.0, q=1.0)


@quantity("finite-width-kurtosis-exact", _ACT_EXACT, _DEPTH_K, _WIDTH, _SW, _SB, _Q, status="exact",
          bounds=_kurtosis_bounds,
          citation="derived here (derivation meanfield-four-point); sigma_b = 0 cases agree with "
                   "Roberts, Yaida & Hanin (2022), Ch. 3 (deep linear networks, 3[(1+2/N)^(L-1) - 1])")
def finite_width_kurtosis_exact(activation, depth, width, weight_variance, bias_variance=0.0, q=1.0):
    """Exact excess kurtosis E[z^4]/E[z^2]^2 - 3 of a layer-L pre-activation at finite width N.

    For linear and relu, given layer l-1 the new layer's variance is
    G^l = sigma_b^2 + sigma_w^2 G^{l-1} X/N with X ~ chi^2_N (linear) or chi^2 with a
    Binomial(N, 1/2) number of degrees of freedom (relu), independent of G^{l-1}. With
    a = E[X/N] (1, 1/2) and b = E[(X/N)^2] (1 + 2/N, (1 + 5/N)/4) the moments obey
    m1' = sigma_b^2 + sigma_w^2 a m1, m2' = sigma_b^4 + 2 sigma_b^2 sigma_w^2 a m1 +
    sigma_w^4 b m2 from m1 = m2^(1/2) = sigma_w^2 q + sigma_b^2, and kurtosis =
    3 m2/m1^2 - 3 at layer L-1. sigma_b = 0: 3[(1 + 2/N)^(L-1) - 1] (linear),
    3[(1 + 5/N)^(L-1) - 1] (relu). Exact rational arithmetic for rational inputs.
    """
    from fractions import Fraction

    F = float if depth > 64 else Fraction  # exact rationals grow like N^L digits; floats are plenty there
    N = F(width)
    sw, sb, qq = (F(repr(float(x))) if F is not float else float(x)
                  for x in (weight_variance, bias_variance, q))
    a, b = (F(1), 1 + 2 / N) if activation == "linear" else (F(1) / 2, (1 + 5 / N) / 4)
    m1 = sw * qq + sb
    m2 = m1 * m1
    for _ in range(depth - 1):
        m1, m2 = sb + sw * a * m1, sb * sb + 2 * sb * sw * a * m1 + sw * sw * b * m2
    if m1 == 0:
        raise BadInput("weight_variance", float(weight_variance), "> 0 with q > 0", "zero variance")
    value = 3 * m2 / (m1 * m1) - 3
    return value if isinstance(value, float) or value.denominator < 10**30 else float(value)
