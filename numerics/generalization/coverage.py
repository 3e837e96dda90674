"""Exact violation probabilities of generalization bounds on random labels (the finite-size
variants that the coverage checks compare their simulators with).

With labels independent of the inputs every classifier's true 0-1 risk is exactly 1/2, so a
bound fails for the learned classifier exactly when its value at the learner's empirical risk
is below 1/2; bounds increase with the empirical risk, so that happens exactly when the
learner's error count is at most a critical count k*.

* ERM over N random classifiers (independent fair bits on the sample): the error counts are
  i.i.d. Bin(n, 1/2), so P(min <= k*) = 1 - (1 - F(k*))^N.
* ERM over thresholds on the line (VC dimension 1): the ERM's error count has an exact
  distribution by the reflection principle (``threshold_erm_cdf``).

A bound is passed as ``bound_at(k)``: its value at empirical risk k/n.
"""
from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache
from typing import Callable


def critical_count(n: int, bound_at: Callable[[int], float], below: int | None = None) -> int:
    """Largest error count k (< ``below``, default n + 1) with bound_at(k) < 1/2; -1 if none.
    The bound must increase with k (every bound here does)."""
    top = n + 1 if below is None else below
    k = -1
    while k + 1 < top and bound_at(k + 1) < 0.5:
        k += 1
    return k


def binomial_min_violation(n: int, n_classifiers: int, k: int) -> float:
    """P(min of N i.i.d. Bin(n, 1/2) <= k) = 1 - (1 - F(k))^N, at 40 digits."""
    import mpmath

    if k < 0:
        return 0.0
    with mpmath.workdps(40):
        F = mpmath.fsum(mpmath.binomial(n, i) for i in range(k + 1)) / mpmath.mpf(2) ** n
        return float(1 - (1 - F) ** n_classifiers)


def maurer_seeger_at(n: int, n_classifiers: int, delta: float, complexity_factor: float = 1.0):
    """``pac-bayes-bound`` form=maurer-seeger for a point-mass posterior on one of N classifiers
    under the uniform prior (KL = ln N), as a function of the error count; ``complexity_factor``
    multiplies its right-hand side c (1: the bound; the power test uses 1/2)."""
    from ...theory import evaluate

    kl = math.log(n_classifiers)
    if complexity_factor == 1.0:
        return lambda k: float(evaluate("pac-bayes-bound", form="maurer-seeger", n=n, delta=delta, kl=kl,
                                        empirical_risk=k / n))
    c = complexity_factor * (kl + math.log(2 * math.sqrt(n) / delta)) / n
    return lambda k: float(evaluate("kl-inverse", q=k / n, c=c))


@lru_cache(maxsize=None)
def pac_bayes_erm_critical(n: int, n_classifiers: int, delta: float, complexity_factor: float = 1.0) -> int:
    return critical_count(n, maurer_seeger_at(n, n_classifiers, delta, complexity_factor))


def pac_bayes_erm_violation(n: int, n_classifiers: int, delta: float, complexity_factor: float = 1.0) -> float:
    """Exact P(maurer-seeger bound at the ERM's empirical risk < 1/2 = its true risk), ERM over N
    random classifiers on n random labels."""
    return binomial_min_violation(n, n_classifiers, pac_bayes_erm_critical(n, n_classifiers, delta, complexity_factor))


def threshold_erm_cdf(n: int, k: int) -> Fraction:
    """Exact P(ERM error count <= k), 0 <= k < n/2, thresholds 1[x > t] on n random labels.

    With W_j = (negatives - positives) among the j smallest inputs and M = max_j W_j, the ERM
    makes (n + W_n)/2 - M errors. By the reflection principle (Feller 1968, Vol. I, Ch. III.1)
    the paths ending at w whose maximum reaches r = (n + w)/2 - k > max(0, w) number
    C(n, (n + 2r - w)/2) = C(n, k), whatever w; every other path ending at w is counted whole:
    P = [sum_{j<=k} C(n, j) + sum_{j>=n-k} C(n, j) + (n - 2k - 1) C(n, k)] / 2^n.
    (k = 0 gives (n + 1)/2^n: the n + 1 labellings thresholds realise.)
    """
    if k < 0:
        return Fraction(0)
    if 2 * k >= n:
        raise ValueError(f"k={k}: the formula needs k < n/2")
    tails = sum(math.comb(n, j) for j in range(k + 1))
    return Fraction(2 * tails + (n - 2 * k - 1) * math.comb(n, k), 2 ** n)


def vc_term(n: int, delta: float) -> float:
    """The complexity term of ``vc-generalization-bound`` for VC dimension 1 (its value at empirical risk 0)."""
    from ...theory import evaluate

    return float(evaluate("vc-generalization-bound", vc=1, n=n, delta=delta))


@lru_cache(maxsize=None)
def vc_threshold_critical(n: int, delta: float, complexity_factor: float = 1.0) -> int:
    """The critical error count of ``vc-generalization-bound`` (VC dimension 1) for the threshold
    ERM, below n/2 (where ``threshold_erm_cdf`` applies); ``complexity_factor`` multiplies the
    complexity term (1: the bound, which adds the empirical risk to the term)."""
    if complexity_factor == 1.0:
        from ...theory import evaluate

        def bound_at(k):
            return float(evaluate("vc-generalization-bound", vc=1, n=n, delta=delta, empirical_risk=k / n))
    else:
        term = complexity_factor * vc_term(n, delta)

        def bound_at(k):
            return k / n + term
    return critical_count(n, bound_at, below=(n + 1) // 2)


def vc_threshold_violation(n: int, delta: float, complexity_factor: float = 1.0) -> float:
    """Exact P(VC bound at the threshold ERM's empirical risk < 1/2 = its true risk)."""
    return float(threshold_erm_cdf(n, vc_threshold_critical(n, delta, complexity_factor)))
