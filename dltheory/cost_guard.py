"""The predictive cost guard of ``eval --dps``: refuse a precision whose evaluation would not fit
the CPU budget, at once, instead of after the budget is spent.

An mpmath evaluation's cost grows as a power of the working precision (a multiplication costs
dps^1.6 to dps^2, a series or a quadrature needs O(dps) terms or nodes of it, so most closed forms
cost dps^1 to dps^3). Below ``PILOT_FROM`` digits nothing is measured. Above it the quantity is
evaluated at a ladder of lower precisions, and after each rung
the cost at the requested dps is extrapolated along the power law measured on the last two rungs
(exponent fitted, never below 0; only from rungs above the timer's noise floor). The ladder
(16, 32, 64, ... digits, up to dps/4: doubling, so that no rung costs much more than the one that
could have refused) costs a fraction of the final evaluation (a half at most where the cost grows
at least linearly, a twelfth where it grows as dps^2); it
stops with a refusal naming ``--dps``, the estimated cost and the largest dps that fits the
budget as soon as the estimate exceeds twice the budget (the estimate of a long extrapolation is
uncertain), or the budget itself from the last rung (dps/4, a short extrapolation). The generic
CPU-time guard (``cli.guarded``) still bounds whatever the estimate misses. No special case for
any quantity: the measurement is of the quantity itself, at these parameters.
"""
from __future__ import annotations

import math
import time

PILOT_FROM = 64    #: at or below this dps the evaluation runs directly (no pilot)
LAST = 4           #: the last rung has at most dps/LAST digits
SMALLEST = 16      #: the lowest rung
NOISE = 0.005      #: CPU seconds below which a rung's time is too noisy to fit an exponent


def ladder(dps: int) -> list[int]:
    """The pilot precisions for ``dps``, increasing: SMALLEST, then doubling while at most dps/4.
    Empty at or below PILOT_FROM."""
    if dps <= PILOT_FROM:
        return []
    rungs = [SMALLEST]
    while rungs[-1] * 2 * LAST <= dps:
        rungs.append(rungs[-1] * 2)
    return rungs


def extrapolate(rungs: list[tuple[int, float]], dps: int) -> tuple[float, float] | None:
    """(estimated CPU seconds at ``dps``, exponent) from the last two timed rungs, or None where
    they are too few or too fast to fit."""
    if len(rungs) < 2:
        return None
    (d1, t1), (d2, t2) = rungs[-2:]
    if t1 < NOISE or t2 < NOISE:
        return None
    k = max(math.log(t2 / t1) / math.log(d2 / d1), 0.0)
    return t2 * (dps / d2) ** k, k


def largest_fitting(d2: int, t2: float, k: float, seconds: float, cap: int) -> int:
    """The largest dps whose extrapolated cost fits ``seconds``, two significant digits, rounded down."""
    if k <= 0 or seconds <= 0:
        return cap if seconds > 0 else d2
    d = d2 * (seconds / t2) ** (1 / k)
    if d >= cap:
        return cap
    scale = 10 ** max(int(math.log10(max(d, 1))) - 1, 0)
    return max(int(d // scale * scale), 1)


def evaluate(q, bound: dict, dps: int | None, budget: float, cap: int = 10_000):
    """``q(dps=dps, **bound)``, refused (BadInput on --dps) where the predicted cost exceeds ``budget``
    CPU seconds (see the module docstring)."""
    if dps is None:
        return q(**bound)
    rungs_dps = ladder(dps) if q.takes_dps else []
    start = time.process_time()
    rungs: list[tuple[int, float]] = []
    for i, d in enumerate(rungs_dps):
        t0 = time.process_time()
        try:
            q(dps=d, **bound)
        except TimeoutError:  # the generic guard's timer: let it refuse
            raise
        except Exception:  # the evaluation itself will say what is wrong
            break
        rungs.append((d, time.process_time() - t0))
        estimate = extrapolate(rungs, dps)
        if estimate is None:
            continue
        cost, k = estimate
        left = budget - (time.process_time() - start)
        last = i == len(rungs_dps) - 1
        if cost > (left if last else 2 * left):
            _refuse(q.name, dps, cost, k, rungs, left, budget, cap)
    return q(dps=dps, **bound)


def _refuse(name: str, dps: int, cost: float, k: float, rungs, left: float, budget: float, cap: int):
    from .theory import BadInput

    (d1, _), (d2, t2) = rungs[-2:]
    fits = largest_fitting(d2, t2, k, left, cap)
    raise BadInput("--dps", dps, f"dps up to about {fits} for {name} at these parameters "
                   f"(the cost guard's {budget:g} s of CPU time)",
                   f"cost guard: estimated {cost:.3g} s of CPU time (the cost grows as dps^{k:.2g}, "
                   f"timed at {d1} and {d2} digits)")
