"""The length and correlation maps: the fixed point q*, chi1, the order-to-chaos line and the
depth scales xi_q, xi_c (Poole et al. 2016; Schoenholz et al. 2017). Infinite width."""
from __future__ import annotations

from functools import lru_cache

from .. import activations
from .._quantity import BadInput, quantity
from .gauss import (ACTIVATION, ACTIVATIONS, BIAS_VARIANCE, CLOSED, REF_MEANFIELD, REF_SCHOENHOLZ, WEIGHT_VARIANCE,
                    Gauss, Precision, as_result)

_Q_DIVERGES = 1e200  #: a length beyond which the iteration is taken to diverge


def bounds_point(arch):
    """``dltheory bounds``: the point of a smooth activation's mean-field rows, or None (relu, linear
    or an activation without mean-field expectations): sigma_b^2 as given (default 0.05), sigma_w^2
    as given (default: the critical value at that sigma_b^2, chi1 = 1)."""
    if arch.activation not in ACTIVATIONS or arch.activation in ("relu", "linear"):
        return None
    sb = arch.bias_variance if arch.bias_variance is not None else 0.05
    sw = arch.weight_variance if arch.weight_variance is not None else _critical_value(arch.activation, sb)
    return {"activation": arch.activation, "weight_variance": sw, "bias_variance": sb}


@lru_cache(maxsize=16)
def _critical_value(activation, bias_variance):
    """critical-weight-variance as a float, solved once for the rows that share it."""
    return float(critical_weight_variance(activation=activation, bias_variance=bias_variance))


def _critical_bounds(arch):
    p = bounds_point(arch)
    return None if p is None else {"activation": p["activation"], "bias_variance": p["bias_variance"]}


def _correlation_scale_bounds(arch):
    """On the critical line (the default sigma_w^2) xi_c diverges: a row only at a given sigma_w^2."""
    return bounds_point(arch) if arch.weight_variance is not None else None


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
    def diverged(problem):
        return BadInput("weight_variance", float(sw), f"a point where the length map of {name} has a finite "
                        f"stable fixed point reached from q = 1", problem)

    q = N.num(1)
    for _ in range(60):  # enter the basin of the stable fixed point
        q = f(q)
        if not q < _Q_DIVERGES:  # the map grows without bound (sigma_w^2 times its slope at large q >= 1)
            raise diverged("q diverges under the length map")
    for _ in range(400):  # Newton on f(q) - q, safeguarded by the plain iteration
        h = f(q) - q
        if abs(h) <= tol * (1 + abs(q)):
            return q
        slope = sw * g.dq(q) - 1
        step = q - h / slope if slope != 0 else f(q)
        # q* = sw E[phi^2] + sb >= sb: a Newton step below sb (or to 0) is overshoot, not a candidate
        q = step if step > 0 and step >= sb and abs(f(step) - step) < abs(h) else f(q)
        if not q < _Q_DIVERGES:
            raise diverged("q diverges under the length map")
    raise diverged("the length map's iteration from q = 1 does not converge")


def length_fixed_point(activation, weight_variance, bias_variance, dps=None):
    """(Gauss, q*): the activation's expectations and the stable fixed point of its length map."""
    g = Gauss(activation, dps)
    return g, _fixed_point(g, weight_variance, bias_variance, activation)


@quantity("fixed-point-length", ACTIVATION, WEIGHT_VARIANCE, BIAS_VARIANCE, status="exact", verified="recomputed",
          bounds=bounds_point,
citation=REF_MEANFIELD,
          examples=({"activation": "tanh", "weight_variance": 1.5, "bias_variance": 0.05},
                    {"activation": "relu", "weight_variance": 1.5, "bias_variance": 0.1},
                    {"activation": "linear", "weight_variance": 0.6, "bias_variance": 0.3},
                    {"activation": "erf", "weight_variance": 2.0, "bias_variance": 0.1}))
def fixed_point_length(activation, weight_variance, bias_variance=0.0, dps=None):
    """q*: the stable fixed point of the length map q -> sigma_w^2 E[phi(sqrt(q) z)^2] + sigma_b^2.

    Poole et al. (2016), Sec. 2. Closed forms: linear q* = sigma_b^2/(1 - sigma_w^2)
    (sigma_w^2 < 1), relu q* = sigma_b^2/(1 - sigma_w^2/2) (sigma_w^2 < 2); otherwise the
    fixed point reached by iterating from q = 1, polished by Newton's method (float:
    trapezoidal Gaussian quadrature; --dps: mpmath quadrature). Exact (a
    numerically solved closed equation), in the infinite-width limit.
    """
    with Precision(dps):
        _, q = length_fixed_point(activation, weight_variance, bias_variance, dps)
        return as_result(q, dps)


@quantity("chi1", ACTIVATION, WEIGHT_VARIANCE, BIAS_VARIANCE, status="exact", bounds=bounds_point,
          verified="recomputed",
          citation=REF_SCHOENHOLZ + "; chi1 = sigma_w^2 E[phi'(sqrt(q*) z)^2] (Poole et al. 2016)",
          examples=({"activation": "tanh", "weight_variance": 1.5, "bias_variance": 0.05},
                    {"activation": "relu", "weight_variance": 1.7, "bias_variance": 0.0},
                    {"activation": "erf", "weight_variance": 2.5, "bias_variance": 0.2},
                    {"activation": "gelu", "weight_variance": 1.2, "bias_variance": 0.1}))
def chi1(activation, weight_variance, bias_variance=0.0, dps=None):
    """chi1 = sigma_w^2 E[phi'(sqrt(q*) z)^2]: slope of the correlation map at c = 1.

    Poole et al. (2016); Schoenholz et al. (2017), chi_c at c* = 1. chi1 < 1:
    ordered phase (nearby inputs converge), chi1 > 1: chaotic. For relu chi1 =
    sigma_w^2/2 at any q. Exact, in the infinite-width limit.
    """
    if activation in ("linear", "relu"):  # chi1 = sigma_w^2 E[phi'^2] does not depend on q
        with Precision(dps):
            g = Gauss(activation, dps)
            return as_result(g.N.num(weight_variance) * _dphi0_sq(g), dps)
    with Precision(dps):
        g, q = length_fixed_point(activation, weight_variance, bias_variance, dps)
        return as_result(g.N.num(weight_variance) * g.d2(q) if q > 0 else
                    g.N.num(weight_variance) * _dphi0_sq(g), dps)


def _dphi0_sq(g: Gauss):
    """lim_{q -> 0} E[phi'(sqrt(q) z)^2]: phi'(0)^2, and 1/2 for relu (E[1{z > 0}])."""
    N = g.N
    if g.name in CLOSED:
        return {"linear": N.num(1), "relu": N.num(1) / 2, "erf": 4 / N.pi}[g.name]
    return g.form(1)(N.num(0)) ** 2


@quantity("critical-weight-variance", ACTIVATION, BIAS_VARIANCE, status="exact", bounds=_critical_bounds,
          verified="recomputed", citation=REF_SCHOENHOLZ + "; Poole et al. (2016) phase diagram",
          examples=({"activation": "tanh", "bias_variance": 0.05}, {"activation": "relu", "bias_variance": 0.0},
                    {"activation": "erf", "bias_variance": 0.0}, {"activation": "erf", "bias_variance": 0.3}))
def critical_weight_variance(activation, bias_variance=0.0, dps=None):
    """sigma_w^2 on the order-to-chaos line chi1(sigma_w^2, sigma_b^2) = 1 at given sigma_b^2.

    Schoenholz et al. (2017), Sec. 3 (the edge of chaos, chi1 = 1, with q* solved
    self-consistently). linear: 1; relu: 2 for every sigma_b^2 (chi1 = sigma_w^2/2; for
    sigma_b^2 > 0 the length q* diverges there, so criticality is only reached at
    sigma_b^2 = 0: the ReLU critical point (2, 0)). Other activations: the line is
    parametrised by q* (Poole et al. 2016, Sec. 3): sigma_w^2 = 1/E[phi'(u)^2],
    sigma_b^2 = q* - E[phi(u)^2]/E[phi'(u)^2], u ~ N(0, q*); the q* giving the requested
    sigma_b^2 is found by bisection (q* in [0, 1e16]). The line's end q* -> 0 is
    (1/phi'(0)^2, -phi(0)^2/phi'(0)^2), from the activation table: for every activation with
    phi(0) = 0 (tanh, erf, sin, gelu, swish) the transition at sigma_b^2 = 0 is where the fixed
    point q* = 0 loses stability, sigma_w^2 = 1/phi'(0)^2 (tanh, erf 1 and pi/4; gelu, swish 4;
    for gelu and swish the length map also has an unstable fixed point for 2 < sigma_w^2 < 4,
    beyond which lengths diverge). Activations with phi(0) != 0 whose line never reaches
    sigma_b^2 (softplus at every sigma_b^2 >= 0) are refused. Exact (infinite width).
    """
    if activation == "linear":
        return as_result(1, dps)
    if activation == "relu":
        return as_result(2, dps)
    with Precision(dps):
        g = Gauss(activation, dps)
        N = g.N
        sb = N.num(bias_variance)
        zero = N.num(0)
        at0 = activations.mpmath_form if N.mp else activations.scalar
        phi0, dphi0 = N.num(at0(activation, 0)(zero)), N.num(at0(activation, 1)(zero))

        def line(q):  # the critical line parametrised by q*: (1/E[phi'^2], q - E[phi^2]/E[phi'^2])
            if q == 0:  # its limit q* -> 0, from the activation table: (1/phi'(0)^2, -phi(0)^2/phi'(0)^2)
                return 1 / dphi0 ** 2, -phi0 ** 2 / dphi0 ** 2
            d2 = g.d2(q)
            return 1 / d2, q - g.p2(q) / d2

        grid = ([zero] if dphi0 != 0 else []) + [N.num(10) ** (N.num(k) / 4) for k in range(-40, 65)]
        prev = None
        for q in grid:
            h = line(q)[1] - sb
            if h == 0:  # e.g. q* = 0 at sigma_b^2 = 0 where phi(0) = 0
                return as_result(line(q)[0], dps)
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
                return as_result(line((lo + hi) / 2)[0], dps)
            prev = (q, h)
    raise BadInput("bias_variance", bias_variance,
                   f"a sigma_b^2 reached by the critical line of {activation} for q* in [0, 1e16]",
                   "no order-to-chaos transition found")


def correlation_fixed_point(g: Gauss, sw, sb, q):
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


def _depth_scale(chi, N, weight_variance):
    if chi >= 1:  # xi = inf: no exponential approach (a power law at chi = 1; divergence beyond)
        raise BadInput("weight_variance", weight_variance, "a point off and below the order-to-chaos line (chi < 1)",
                       f"the depth scale is infinite (chi = {float(chi):.6g} >= 1: the deviation does not decay "
                       "exponentially with depth)")
    if chi <= 0:
        return N.num(0)
    return -1 / N.log(chi)


_LAST_XI: dict = {}  #: the last depth scales evaluated, so that regime= does not evaluate them again


def _remember(kind, activation, weight_variance, bias_variance, xi):
    _LAST_XI.clear() if len(_LAST_XI) > 64 else None
    _LAST_XI[(kind, activation, float(weight_variance), float(bias_variance))] = xi
    return xi


def _critical(which, kind):
    """regime= of a depth scale: near chi = 1 the exponential law sets in only at great depth."""
    def regime(activation, weight_variance, bias_variance=0.0, **_):
        key = (kind, activation, float(weight_variance), float(bias_variance))
        xi = _LAST_XI[key] if key in _LAST_XI else which.function(activation, weight_variance, bias_variance)
        if xi < 1e3:
            return []
        return [f"xi = {float(xi):.4g} layers: this close to the order-to-chaos line (chi -> 1) the exponential law "
                "holds only at depths >> xi and xi is sensitive to the last digits of chi"]
    return regime


@quantity("length-depth-scale", ACTIVATION, WEIGHT_VARIANCE, BIAS_VARIANCE, status="asymptotic", bounds=bounds_point,
          verified="recomputed", citation=REF_SCHOENHOLZ + "; xi_q^-1 = -log(chi1 + sigma_w^2 E[phi'' phi])",
          examples=({"activation": "tanh", "weight_variance": 1.5, "bias_variance": 0.05},
                    {"activation": "relu", "weight_variance": 1.0, "bias_variance": 0.0},
                    {"activation": "erf", "weight_variance": 2.5, "bias_variance": 0.2}),
          regime=lambda **kw: _critical(length_depth_scale, "q")(**kw))
def length_depth_scale(activation, weight_variance, bias_variance=0.0, dps=None):
    """xi_q = -1/log(chi_q), chi_q = sigma_w^2 E[phi'(u)^2 + phi(u) phi''(u)], u ~ N(0, q*).

    Schoenholz et al. (2017), Sec. 3: |q^l - q*| ~ exp(-l/xi_q) (chi_q is the slope of the
    length map at q*). Refused where chi_q >= 1 (xi infinite). Asymptotic (large depth).
    """
    with Precision(dps):
        if activation in ("linear", "relu"):  # chi_q = sigma_w^2 (1 or 1/2) at every q
            g = Gauss(activation, dps)
            chi = g.N.num(weight_variance) * _dphi0_sq(g)
        else:
            g, q = length_fixed_point(activation, weight_variance, bias_variance, dps)
            chi = g.N.num(weight_variance) * (g.dq(q) if q > 0 else _dphi0_sq(g))
        xi = as_result(_depth_scale(chi, g.N, weight_variance), dps)
        return _remember("q", activation, weight_variance, bias_variance, xi)


@quantity("correlation-depth-scale", ACTIVATION, WEIGHT_VARIANCE, BIAS_VARIANCE, status="asymptotic",
          bounds=_correlation_scale_bounds,
          verified="recomputed", citation=REF_SCHOENHOLZ + "; xi_c^-1 = -log(sigma_w^2 E[phi'(u1) phi'(u2)]) at c*",
          examples=({"activation": "tanh", "weight_variance": 0.8, "bias_variance": 0.05},
                    {"activation": "erf", "weight_variance": 0.6, "bias_variance": 0.05},
                    {"activation": "erf", "weight_variance": 4.0, "bias_variance": 0.05}),
          regime=lambda **kw: _critical(correlation_depth_scale, "c")(**kw))
def correlation_depth_scale(activation, weight_variance, bias_variance=0.0, dps=None):
    """xi_c = -1/log(chi_c), chi_c = sigma_w^2 E[phi'(u1) phi'(u2)] at (q*, c*).

    Schoenholz et al. (2017), Sec. 3: |c^l - c*| ~ exp(-l/xi_c). In the ordered phase
    c* = 1 and chi_c = chi1; in the chaotic phase c* < 1 is the stable fixed point of the
    correlation map (iterated from c = 0). Refused on and beyond the critical line (xi infinite). Asymptotic.
    """
    with Precision(dps):
        g, q = length_fixed_point(activation, weight_variance, bias_variance, dps)
        N = g.N
        if q <= 0:
            chi = N.num(weight_variance) * _dphi0_sq(g)
        else:
            c = correlation_fixed_point(g, weight_variance, bias_variance, q)
            chi = N.num(weight_variance) * g.dd(q, q, q * c)
        xi = as_result(_depth_scale(chi, N, weight_variance), dps)
        return _remember("c", activation, weight_variance, bias_variance, xi)

