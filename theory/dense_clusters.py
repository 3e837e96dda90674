"""Dense clusters of solutions of the binary perceptron (Huang, Wong & Kabashima 2013; Baldassi,
Ingrosso, Lucibello, Saglietti & Zecchina 2015).

Weights W in {-1, +1}^N; P = alpha N patterns xi_mu with i.i.d. N(0, 1) entries and labels y_mu = +-1
drawn uniformly and independently of the patterns; W is a solution when sign(W . xi_mu) = y_mu for
every mu. Two weight vectors at Hamming distance K have overlap q = 1 - 2K/N, and a Gaussian
pattern puts them on the same side of its hyperplane with probability 1 - theta/pi,
theta = arccos q (the angle between them; Grothendieck's identity), so both are correct on one
pattern with probability (1 - theta/pi)/2, independently over patterns. Summing over the
2^N C(N, K) ordered pairs gives the exact first moment of the pair count (recomputed here).

These are annealed (first-moment) quantities. The typical (quenched) local entropy around a
typical solution is smaller: Huang, Wong & Kabashima (2013) find typical solutions isolated, and
Baldassi et al. (2015) find rare dense clusters by a large-deviation (replica) computation;
neither is implemented here.
"""
from __future__ import annotations

import math

from ._quantity import BadInput, Int, Real, quantity

BALDASSI = ("Baldassi, Ingrosso, Lucibello, Saglietti & Zecchina (2015), Subdominant dense clusters allow for "
            "simple learning and high computational performance in neural networks with discrete synapses, "
            "Phys. Rev. Lett. 115, 128101")
HWK = ("Huang, Wong & Kabashima (2013), Entropy landscape of solutions in the binary perceptron problem, "
       "J. Phys. A 46, 375002")


def _dps(dps):
    return 15 if dps is None else int(dps)


@quantity("perceptron-pair-count", Int("N", lo=1, hi=100_000, doc="number of binary weights"),
          Int("P", lo=0, hi=10**7, doc="number of patterns"),
          Int("distance", lo=0, hi=100_000, doc="Hamming distance K (0 <= K <= N)"),
          status="exact", verified="recomputed",
          citation="recomputed here (first moment of the pair count; Grothendieck's identity); the pair "
                   "(Franz-Parisi) entropy of " + HWK + ", and the dense clusters of " + BALDASSI,
          examples=({"N": 15, "P": 8, "distance": 2}, {"N": 15, "P": 8, "distance": 0},
                    {"N": 16, "P": 5, "distance": 8}, {"N": 101, "P": 30, "distance": 10}))
def perceptron_pair_count(N: int, P: int, distance: int, dps: int | None = None):
    """E #{ordered pairs (W, W') of solutions at Hamming distance K} = 2^N C(N, K) [(1 - theta_K/pi)/2]^P,
    theta_K = arccos(1 - 2K/N).

    Assumptions: xi_mu i.i.d. N(0, I_N); labels y_mu uniform +-1, independent of the patterns;
    ordered pairs (K = 0 counts each solution once: 2^(N - P) expected solutions). A Gaussian
    pattern separates two vectors at angle theta with probability theta/pi (Grothendieck's
    identity), so both agree with a random label with probability (1 - theta/pi)/2, independently
    over patterns. Exact (recomputed here); evaluated in mpmath at ``dps`` digits.
    """
    if distance > N:
        raise BadInput("distance", distance, f"integer 0 <= distance <= N = {N}")
    import mpmath as mp

    with mp.workdps(_dps(dps) + 10):
        theta = mp.acos(1 - mp.mpf(2 * distance) / N)
        value = mp.mpf(2) ** N * mp.binomial(N, distance) * ((1 - theta / mp.pi) / 2) ** P
    with mp.workdps(_dps(dps)):
        return +value


def binary_entropy(d: float) -> float:
    """H(d) = -d ln d - (1 - d) ln(1 - d), nats (H(0) = H(1) = 0)."""
    return -sum(t * math.log(t) for t in (d, 1.0 - d) if t > 0)


#: Krauth & Mezard (1989): the binary perceptron's (quenched) capacity, alpha_c = 0.833
KRAUTH_MEZARD = 0.833


def _annealed_regime(alpha, distance, **_):
    """Where the annealed count describes no typical solution: warn (the value is still the formula's)."""
    if alpha >= 1:
        return [f"alpha={alpha:g} >= 1: the expected number of solutions 2^(N(1 - alpha)) vanishes, so there are no "
                "solutions to count around (w.h.p.); the value is the ratio of two vanishing first moments"]
    if alpha > KRAUTH_MEZARD:
        return [f"alpha={alpha:g} > 0.833 (Krauth-Mezard capacity): a typical instance has no solution; the annealed "
                "value is dominated by rare instances"]
    return []


@quantity("perceptron-annealed-local-entropy", Real("alpha", lo=0, hi=1e6, doc="patterns per weight P/N"),
          Real("distance", lo=0, hi=1, hi_open=True, doc="normalised Hamming distance D = K/N, 0 <= D < 1"),
          status="asymptotic", verified="recomputed", regime=_annealed_regime,
          citation="recomputed here as the N -> infinity limit of the annealed pair count; the local entropy "
                   "of " + HWK + " and " + BALDASSI + " (their typical and large-deviation versions differ)",
          examples=({"alpha": 0.3, "distance": 0.05}, {"alpha": 0.5, "distance": 0.2}, {"alpha": 0.0, "distance": 0.5}))
def perceptron_annealed_local_entropy(alpha: float, distance: float):
    """S(D) = H(D) + alpha ln(1 - arccos(1 - 2D)/pi), nats per weight: the annealed local entropy.

    It is the limit lim_N (1/N) ln [E pairs(N, alpha N, D N) / E solutions(N, alpha N)]: the
    pair count's rate ln 2 + H(D) + alpha ln((1 - theta/pi)/2) minus the solutions' rate
    ln 2 - alpha ln 2 (perceptron-pair-count at K = 0), i.e. the log of the mean number of
    solutions at distance D from a solution in a first-moment (ratio of means) sense. It is not the
    typical (quenched) local entropy, which is smaller (typical solutions are isolated, Huang, Wong
    & Kabashima 2013). Asymptotic (N -> infinity; the finite-N correction is
    (1/N) ln C(N, K) - H(K/N) = O(ln N / N)).
    """
    theta = math.acos(1.0 - 2.0 * distance)
    return binary_entropy(distance) + alpha * math.log(1.0 - theta / math.pi)
