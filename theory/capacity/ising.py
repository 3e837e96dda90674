"""Capacity of the perceptron with binary (Ising) couplings: the replica-symmetric entropy and the
1RSB capacity where it vanishes (Krauth & Mezard 1989)."""
from __future__ import annotations

import math
from functools import lru_cache

from .._quantity import quantity
from ._solve import digits, mp_tools, root


def _ising_rs_equations_double(alpha: float):
    """RS saddle point (q, qhat) and entropy s(alpha) of binary couplings at kappa = 0."""
    import numpy as np

    from .._quadrature import ZT, ZW_D

    z, w = ZT, ZW_D
    with np.errstate(divide="ignore", invalid="ignore"):
        return _ising_inner(alpha, z, w)


def _ising_inner(alpha, z, w):
    import numpy as np

    from .._quadrature import G as _G, H as _H

    def qhat_of(q):
        u = -math.sqrt(q / (1 - q)) * z
        ratio = _G(u) / _H(u)
        return alpha / (1 - q) * float(np.dot(w, ratio * ratio))

    def q_of(qh):
        return float(np.dot(w, np.tanh(math.sqrt(qh) * z) ** 2))

    q = root(lambda q: q_of(qhat_of(q)) - q, 1e-6, 1 - 1e-6, tol=1e-15)
    qh = qhat_of(q)
    u = -math.sqrt(q / (1 - q)) * z
    lncosh = np.logaddexp(math.sqrt(qh) * z, -math.sqrt(qh) * z)  # ln(2 cosh x)
    s = -qh * (1 - q) / 2 + float(np.dot(w, lncosh)) + alpha * float(np.dot(w, np.log(_H(u))))
    return q, qh, s


def ising_rs_entropy(alpha: float) -> float:
    """RS entropy per coupling s_RS(alpha) of the Ising perceptron (kappa = 0), double precision."""
    return _ising_rs_equations_double(alpha)[2]


@lru_cache(maxsize=8)
def ising_1rsb_capacity(dps: int = 15):
    """alpha with s_RS(alpha) = 0 (Krauth & Mezard 1989): double, or mpmath Newton at ``dps``."""
    a0 = root(ising_rs_entropy, 0.5, 1.2, tol=1e-15)
    if dps <= 15:
        return a0
    mp, H, G = mp_tools(dps)
    q0, qh0, _ = _ising_rs_equations_double(a0)
    D = lambda f: mp.quad(lambda t: G(t) * f(t), [-mp.inf, -6, -2, 0, 2, 6, mp.inf])  # noqa: E731

    def eqs(q, qh, a):
        r = mp.sqrt(q / (1 - q))
        e1 = qh - a / (1 - q) * D(lambda t: (G(-r * t) / H(-r * t)) ** 2)
        e2 = q - D(lambda t: mp.tanh(mp.sqrt(qh) * t) ** 2)
        e3 = (-qh * (1 - q) / 2 + D(lambda t: mp.log(2 * mp.cosh(mp.sqrt(qh) * t)))
              + a * D(lambda t: mp.log(H(-r * t))))
        return e1, e2, e3

    sol = mp.findroot(eqs, (mp.mpf(q0), mp.mpf(qh0), mp.mpf(a0)), tol=mp.mpf(10) ** (-dps - 2))
    a = sol[2]
    mp.mp.dps = dps
    return +a


@quantity("ising-perceptron-capacity", status="1rsb",
          verified="secondary", citation="Krauth & Mezard (1989), J. Phys. France 50:3057 (1RSB, alpha_c = 0.833)",
          examples=({},))
def ising_perceptron_capacity(dps: int | None = None):
    """Storage capacity alpha_c = 0.8330786 of the perceptron with binary couplings J_i = +-1 (kappa = 0).

    Krauth & Mezard (1989): the one-step RSB solution is frozen (Parisi parameter at the
    point where the complexity vanishes) and its capacity is the alpha at which the
    replica-symmetric entropy vanishes, s_RS(alpha_c) = 0, with
    s_RS = extr_{q,qhat} [-qhat (1-q)/2 + int Dz ln 2cosh(sqrt(qhat) z)
    + alpha int Dt ln H(-sqrt(q/(1-q)) t)]. Solved here: alpha_c = 0.83307859...
    (the paper quotes alpha_c ~ 0.83; Ding & Sun 2019 quote 0.833078599 and prove it is a lower
    bound, and Huang 2024 the matching upper bound, each under a numerically checked
    hypothesis). Status: 1rsb (believed exact).

    The replica-symmetric value 4/pi = 1.2732 (Gardner & Derrida 1988) is wrong: its entropy
    is negative for alpha > 0.833, impossible for a discrete system, and it exceeds the
    rigorous first-moment bound alpha_c <= 1 (derivation ``capacity-ising``, which derives
    both); the check ``capacity-ising-enumeration`` uses it as its power test.
    """
    return ising_1rsb_capacity(digits(dps))
