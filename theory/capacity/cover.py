"""Cover's function counting: dichotomies of P points in R^N separable through the origin."""
from __future__ import annotations

from fractions import Fraction

from .._quantity import Int, quantity


_P = Int("P", lo=0, hi=20000, doc="number of points")
_N = Int("N", lo=1, hi=20000, doc="dimension")


def cover_count_int(P: int, N: int) -> int:
    """C(P, N) = 2 sum_{k=0}^{N-1} binom(P-1, k) (C(0, N) = 1)."""
    if P == 0:
        return 1
    total, term = 0, 1  # term = binom(P-1, k)
    for k in range(min(N, P)):
        total += term
        term = term * (P - 1 - k) // (k + 1)
    return 2 * total


@quantity("cover-count", _P, _N, status="exact",
          verified="recomputed",
          citation="Cover (1965), IEEE Trans. Electronic Computers EC-14:326, Theorem 1 (function counting)",
          examples=({"P": 10, "N": 4}, {"P": 200, "N": 50}, {"P": 3, "N": 5}))
def cover_count(P: int, N: int) -> int:
    """C(P,N) = 2 sum_{k<N} binom(P-1,k): dichotomies of P points (general position, R^N) separable through the origin.

    Cover (1965), Theorem 1 (Schlafli's count of the regions of a central hyperplane
    arrangement): C(P+1, N) = C(P, N) + C(P, N-1), C(1, N) = 2, solved by
    C(P, N) = 2 sum_{k=0}^{N-1} binom(P-1, k); C(P, N) = 2^P for P <= N. Exact integer.
    Status: exact (a theorem).
    """
    return cover_count_int(P, N)


@quantity("cover-separable-probability", _P, _N, status="exact",
          verified="recomputed", citation="Cover (1965), IEEE Trans. Electronic Computers EC-14:326, Theorem 1",
          examples=({"P": 40, "N": 20}, {"P": 12, "N": 8}, {"P": 30, "N": 10}))
def cover_separable_probability(P: int, N: int) -> Fraction:
    """C(P,N)/2^P: probability that random labels on P points in general position in R^N are linearly separable.

    Cover (1965): for points in general position and independent fair labels, the
    probability is C(P, N) / 2^P = 2^{1-P} sum_{k<N} binom(P-1, k) (exact rational); it
    equals 1/2 at P = 2N and tends to a step at alpha = P/N = 2 as N -> infinity. Read with
    P = n examples and N = d weights, it is the probability that a homogeneous perceptron
    fits n uniformly random labels: 1/2 at n = 2d, the perceptron's capacity of two random
    labels per weight (the memorisation reference point of Zhang et al. 2017).
    Status: exact.
    """
    return Fraction(cover_count_int(P, N), 2 ** P)
