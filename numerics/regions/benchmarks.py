"""Benchmarks of the region and trajectory simulators, each against its NumPy reference in one run."""
from __future__ import annotations

import math
import time

import numpy as np

from .._bench import benchmark, generator_rate, interleaved, timed
from .estimators import breakpoints_segment, count_segment, count_segment_sampled
from .networks import random_network
from .trajectory import growth_per_layer, tangent_lengths, tangent_lengths_weights


@benchmark("regions-trace-1d", simulator="exact breakpoint tracer (numerics.relu_pieces.trace, Numba)",
           reference="numpy dense sampling of activation patterns at the spacing that resolves every piece")
def _bench_trace(quick):
    rng = np.random.Generator(np.random.SFC64(7))
    layers = random_network(rng, 2, [64] * 10)
    x0, x1 = np.array([-1.0, 0.0]), np.array([1.0, 0.0])
    exact = count_segment(layers, x0, x1)
    ts = breakpoints_segment(layers, x0, x1)
    samples = int(math.ceil(1.5 / np.diff(ts).min())) + 1  # spacing below the shortest piece
    capped = quick and samples > 50_000
    if capped:
        samples = 50_000
    ref_count = [0]

    def ref():
        ref_count[0] = count_segment_sampled(layers, x0, x1, samples)

    measured = interleaved(lambda: count_segment(layers, x0, x1), ref, 1)
    return timed(measured, f"regions of a depth-10 width-64 He network on a segment ({exact} pieces; "
                 f"sampling with {samples} points)", agree=(ref_count[0] == exact) or capped,
                 limit="sampling count is a lower bound; equal accuracy needs spacing < shortest piece"
                 + (" (quick: sampling capped at 50000 points, agreement not required)" if capped else ""))


@benchmark("trajectory-tangent", simulator="sufficient-statistic tangent sampler (Numba, O(k) per layer)",
           reference="numpy forward-mode derivative through drawn weight matrices (O(k^2) per layer)")
def _bench_tangent(quick):
    width, depth, samples = 128, 10, 512 if quick else 4096
    args = ("hardtanh", width, depth, 4.0, 0.0, samples)
    fast = [None]
    slow = [None]
    measured = interleaved(lambda: fast.__setitem__(0, tangent_lengths(1, *args)),
                           lambda: slow.__setitem__(0, tangent_lengths_weights(2, *args)), 1)
    a, b = growth_per_layer(fast[0], 4, 10), growth_per_layer(slow[0], 4, 10)
    rate = generator_rate(clock=time.process_time)
    return timed(measured, f"{samples} hard-tanh nets, width {width}, depth {depth}, sigma_w = 4 "
                 f"(growth {a.value:.3f} +- {a.stderr:.3f} vs {b.value:.3f} +- {b.stderr:.3f})",
                 agree=abs(a.z(b.value, b.stderr)) < 4,
                 limit=f"{samples * depth * width * 3 / measured[0] / rate:.2f} of one SFC64 generator's normal "
                 "rate per CPU s")
