"""Exploration for docs/tensor_networks.md: is the exact rank equal to the min-cut beyond the
theorem's hypothesis (channel numbers powers of a common integer), and with shared weights?

Run by hand: `.venv/bin/python tools/tensor_networks_explore.py [cases] [seed]` (default 4000, 2018).
Prints, for unshared weights, the cases whose dimensions {M, r_0, ..., r_(L-1)} are / are not all
powers of one integer and how many had rank != min-cut; and the same networks with one weight
matrix per level shared by all positions.
"""
from __future__ import annotations

import random
import sys

import numpy as np

from dltheory.numerics.tensor_networks import kernels
from dltheory.theory import tensor_networks as tn


def powers_of_one_integer(dims) -> bool:
    for p in range(2, max(dims) + 1):
        if all(_is_power(d, p) for d in dims):
            return True
    return all(d == 1 for d in dims)


def _is_power(d: int, p: int) -> bool:
    while d % p == 0:
        d //= p
    return d == 1


def main(cases: int = 4000, seed: int = 2018) -> None:
    rng, gen = random.Random(seed), np.random.default_rng(seed)
    tally = {True: [0, 0], False: [0, 0]}
    shared = [0, 0]
    for _ in range(cases):
        n = rng.choice((2, 4, 8, 16))
        m = {2: rng.randint(2, 12), 4: rng.randint(2, 6), 8: rng.randint(2, 3), 16: 2}[n]
        widths = tuple(rng.randint(1, 9) for _ in range(n.bit_length() - 1))
        a = frozenset(rng.sample(range(n), rng.randint(1, n - 1)))
        cut = tn.min_cut(n, m, widths, a)[0]
        levels = kernels.random_weights(gen, n, m, widths)
        rank = kernels.rank_mod(kernels.matricise(kernels.coefficient_tensor(levels), n, m, a), kernels.PRIME)
        key = powers_of_one_integer((m, *widths))
        tally[key][0] += 1
        tally[key][1] += rank != cut
        if rank != cut:
            print("rank below min-cut:", n, m, widths, sorted(p + 1 for p in a), rank, cut)
        same = [[level[0]] * len(level) for level in levels]
        rank_shared = kernels.rank_mod(kernels.matricise(kernels.coefficient_tensor(same), n, m, a), kernels.PRIME)
        shared[0] += 1
        shared[1] += rank_shared < cut
    print(f"unshared weights, dimensions powers of one integer: {tally[True][0]} cases, "
          f"{tally[True][1]} with rank != min-cut")
    print(f"unshared weights, other dimensions: {tally[False][0]} cases, {tally[False][1]} with rank != min-cut")
    print(f"shared weights (one matrix per level): {shared[0]} cases, {shared[1]} with rank < min-cut")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
