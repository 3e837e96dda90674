"""Benchmark of the O(N L) empirical NTK (``ntk_sampling``) against the weight-drawing path
(``estimators.empirical_ntk``), timed interleaved in the same run."""
from __future__ import annotations

import math
import time

from .._bench import benchmark, generator_rate, interleaved, timed
from .._parallel import threads
from .._stats import mean
from .estimators import empirical_ntk
from .ntk_sampling import fast_empirical_ntk, normals_per_network


@benchmark("meanfield-fast-ntk", simulator="fast_empirical_ntk (Gaussian sufficient statistics, O(N L) normals)",
           reference="empirical_ntk (every weight drawn, fused Numba kernel)")
def _bench_fast_ntk(quick):
    act, depth, width, sw, sb, c = "relu", 4, 512, 2.0, 0.1, 0.5
    n_sim = 2000 if quick else 20000
    n_ref = 16 if quick else 128
    args = (act, depth, width, sw, sb, 1.0, 1.0, c)
    measured = interleaved(lambda: fast_empirical_ntk(*args, n_sim, 11), lambda: empirical_ntk(*args, n_ref, 12),
                           repeat=3 if quick else 5, reference_scale=n_sim / n_ref)
    # equal standard error: the two samplers have the same law, so equal n gives equal s.e.
    # (shown on Theta_12 at n_ref networks each); agreement: a two-sample z-test at 4.5 s.e.
    a = fast_empirical_ntk(*args, 4 * n_ref, 13)
    b = empirical_ntk(*args, 4 * n_ref, 14)
    ea, eb = mean(a[:, 1]), mean(b[:, 1])
    z = (ea.value - eb.value) / math.hypot(ea.stderr, eb.stderr)
    gen = generator_rate(clock=time.process_time)  # the limit, by the same clock (CPU time)
    rate = n_sim / measured[0]  # networks per CPU second
    return timed(measured, work=f"{n_sim} networks: empirical NTK of two inputs, relu, depth {depth}, width "
                                f"{width} ({rate:.0f} networks per CPU s, {threads()} threads)",
                 agree=bool(abs(z) <= 4.5),
                 limit=f"at {4 * n_ref} networks each, s.e. of Theta_12 {ea.stderr:.3g} (fast) "
                       f"vs {eb.stderr:.3g} (weights), z = {z:.2f}; "
                       f"{normals_per_network(depth, width) * rate / gen:.2f}"
                       f" x one SFC64 stream's normal rate ({gen / 1e6:.0f} M per CPU s)")
