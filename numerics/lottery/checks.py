"""Checks of the random subset-sum quantities by Monte Carlo with exact enumeration.

Each sample is n i.i.d. U[-1, 1] (one SFC64 stream per chunk of 4096 samples, so a run is
bit-identical for any thread count). The endpoint event (some subset sum >= 1 - eps and some
<= -(1 - eps)) is O(n) per sample; eps-goodness enumerates all 2^n subset sums in sorted order
(``kernels.sorted_subset_sums``, tested against itertools) and checks every gap.
"""
from __future__ import annotations

from .._check import check
from .._parallel import map_chunks
from .._size import sized
from .._stats import Estimate, proportion
from . import kernels

CHUNK = 4096


def _count(kernel, point: dict, samples: int, seed) -> int:
    n, eps = point["n"], point["eps"]
    return sum(map_chunks(lambda gen, size: kernel(kernels.sample(gen, size, n), eps), samples, CHUNK, seed))


ENDPOINT_POINTS = ({"n": 2, "eps": 0.5}, {"n": 3, "eps": 0.2}, {"n": 4, "eps": 0.1}, {"n": 5, "eps": 0.5},
                   {"n": 6, "eps": 0.05}, {"n": 8, "eps": 0.02}, {"n": 12, "eps": 0.1}, {"n": 20, "eps": 0.01})


@check("subset-sum-endpoints-mc", quantity="subset-sum-endpoint-probability", x="n",
       grid=lambda quick: list(ENDPOINT_POINTS),
       title="Random subset sum: P(both endpoints reached), MC vs exact",
       ylabel="P(endpoints reached)")
def endpoints_mc(point, seed, quick):
    samples = sized(1_000_000, 100_000, quick, minimum=100_000)
    return proportion(_count(kernels.count_endpoints, point, samples, seed), samples)


GOOD_POINTS = ({"n": 6, "eps": 0.1}, {"n": 6, "eps": 0.2}, {"n": 8, "eps": 0.05},
               {"n": 10, "eps": 0.2}, {"n": 10, "eps": 0.02}, {"n": 12, "eps": 0.1})


@check("subset-sum-good-below-endpoints", quantity="subset-sum-endpoint-probability", rule="upper-bound", x="n",
       grid=lambda quick: list(GOOD_POINTS), wrong=lambda point: 0.95 * _endpoint(point),
       wrong_label="0.95 x the endpoint bound",
       title="Random subset sum: P(eps-good) by enumeration vs endpoint bound",
       ylabel="P(eps-good)")
def good_below_endpoints(point, seed, quick):
    samples = sized(40_000, 8_000, quick, minimum=8_000)
    return proportion(_count(kernels.count_good, point, samples, seed), samples)


def _endpoint(point: dict) -> float:
    from ...theory import evaluate

    return evaluate("subset-sum-endpoint-probability", **point)


# ---------------------------------------------------------------- the counting bound: the fewest samples ever eps-good

COUNTING_POINTS = {True: ({"eps": 0.24}, {"eps": 0.12}),
                   False: ({"eps": 0.3}, {"eps": 0.24}, {"eps": 0.12}, {"eps": 0.06}, {"eps": 0.03})}
MAX_SAMPLES_N = 12  # the search for the smallest eps-good n stops here (P(eps-good) > 0.1 from bound + 3 on)


def _counting_wrong(point: dict) -> int:
    """The counting argument with balls of diameter eps instead of 2 eps: 2^n eps >= 2."""
    n = 0
    while 2**n * point["eps"] < 2:
        n += 1
    return n


@check("subset-sum-fewest-good-samples", quantity="subset-sum-counting-bound", rule="lower-bound", x="eps",
       grid=lambda quick: [dict(p) for p in COUNTING_POINTS[quick]], wrong=_counting_wrong,
       wrong_label="ceil(log2(2/eps)) (balls of diameter eps)",
       title="Random subset sum: smallest n with an eps-good draw (exact enumeration) vs the counting bound",
       ylabel="smallest n observed eps-good")
def fewest_good_samples(point, seed, quick):
    """The smallest n at which some of ``draws`` samples of n i.i.d. U[-1, 1] is eps-good (all 2^n subset
    sums enumerated), n = 1, 2, ... up to ``MAX_SAMPLES_N`` (MAX_SAMPLES_N + 1 when none is). No
    sample of fewer than the true minimum is ever eps-good, so the observed smallest n is at least
    the true one: a counting bound above it is refuted. Exact estimate (stderr 0) for the draws made."""
    draws = sized(20_000, 4_000, quick, minimum=4_000)
    seeds = seed.spawn(MAX_SAMPLES_N)
    for n in range(1, MAX_SAMPLES_N + 1):
        if _count(kernels.count_good, {"n": n, "eps": point["eps"]}, draws, seeds[n - 1]):
            return Estimate(float(n), 0.0, draws * n)
    return Estimate(float(MAX_SAMPLES_N + 1), 0.0, draws * MAX_SAMPLES_N)
