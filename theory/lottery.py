"""Strong lottery tickets through random subset sum (Lueker 1998; Pensia et al. 2020).

Pruning a random network to approximate a target weight w reduces, in the construction of
Pensia, Rajput, Nagle, Vishwakarma & Papailiopoulos (NeurIPS 2020, arXiv:2006.07990), to the
random subset-sum problem: n i.i.d. X_i ~ U[-1, 1] are eps-good when every target z in [-1, 1]
is within eps of a subset sum. Lueker (1998) showed n = O(log 1/eps) samples suffice with high
probability; Pensia et al. (Lemma/Corollary from Lueker) and Da Cunha et al. (2022) restate it
with an unspecified constant, so no numerical threshold is claimed here. What is exact:

- the probability that both endpoints +-1 are within eps of a subset sum, a necessary condition
  for eps-goodness, hence a rigorous upper bound on its probability (``subset-sum-endpoint-probability``);
- the counting bound: 2^n sums cover a length-2 interval with eps-balls only if 2^n >= 1/eps.
"""
from __future__ import annotations

import math
from fractions import Fraction

from ._quantity import BadInput, Int, Real, quantity

PENSIA = ("Pensia, Rajput, Nagle, Vishwakarma & Papailiopoulos (2020), Optimal Lottery Tickets via SubsetSum: "
          "Logarithmic Over-Parameterization is Sufficient, NeurIPS 2020 (arXiv:2006.07990)")
LUEKER = ("Lueker (1998), Exponentially small bounds on the expected optimum of the partition and subset sum "
          "problems, Random Structures & Algorithms 12")


def _exact(eps: float) -> Fraction:
    """eps as the decimal it was written as (0.05 -> 1/20), so the value is an exact rational (no rounding:
    limit_denominator(10**12) turned eps = 1e-13 into 0)."""
    return Fraction(repr(eps)) if math.isfinite(eps) else Fraction(0)


@quantity("subset-sum-endpoint-probability", Int("n", lo=1, hi=200, doc="number of samples"),
          Real("eps", lo=0, lo_open=True, doc="approximation error"), status="exact",
          verified="recomputed",
          citation="derived here (Irwin-Hall CDF on [0,1] and a binomial split by sign); a necessary condition "
                   "for the eps-goodness of " + LUEKER + " and " + PENSIA,
          examples=({"n": 6, "eps": 0.1}, {"n": 12, "eps": 0.05}, {"n": 3, "eps": 0.5}))
def subset_sum_endpoint_probability(n: int, eps: float):
    """P(some subset sum >= 1 - eps and some subset sum <= -(1 - eps)), X_i i.i.d. U[-1, 1].

    The largest subset sum is the sum of the K positive samples, K ~ Bin(n, 1/2), each U[0, 1]
    given K; the smallest is minus the sum of the n - K others, independent given K. With
    t = 1 - eps in [0, 1), P(U_1 + ... + U_k >= t) = 1 - t^k/k! (Irwin-Hall on [0, 1]), so

        P = 2^-n sum_{k=1}^{n-1} C(n, k) (1 - t^k/k!) (1 - t^(n-k)/(n-k)!),   0 < eps < 1,

    and P = 1 for eps >= 1. Both endpoints being reachable is necessary for eps-goodness, so
    this is also a rigorous upper bound on the probability that the n samples are eps-good.
    Exact (evaluated in rationals, returned as a float). Derivation ``subset-sum-endpoints``.
    """
    if eps >= 1:
        return 1.0
    t = 1 - _exact(eps)
    total = sum(math.comb(n, k) * (1 - t**k / math.factorial(k)) * (1 - t ** (n - k) / math.factorial(n - k))
                for k in range(1, n))
    return float(Fraction(total) / 2**n)


@quantity("subset-sum-counting-bound", Real("eps", lo=0, lo_open=True, hi=1, hi_open=True,
                                             doc="approximation error"),
          status="rigorous-lower-bound",
          verified="recomputed",
          citation="counting argument (derived here); the matching O(log 1/eps) upper bound is " + LUEKER,
          examples=({"eps": 0.1}, {"eps": 0.001}))
def subset_sum_counting_bound(eps: float):
    """Smallest n with 2^n >= 1/eps: fewer samples are never eps-good, n >= ceil(log2(1/eps)).

    The 2^n subset sums cover [-1, 1] with intervals of length 2 eps only if 2^n * 2 eps >= 2.
    Rigorous lower bound on the number of samples (Lueker 1998 shows O(log 1/eps) suffice).
    """
    e = Fraction(repr(eps))  # the decimal as written: no rounding to 0 below 5e-13
    n = max(0, e.denominator.bit_length() - e.numerator.bit_length() - 1)  # 2^n e < 1 still holds here
    while Fraction(2**n) * e < 1:
        n += 1
    return n
