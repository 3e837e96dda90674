"""Benchmarks of the mean-field simulators against NumPy references, in the same run."""
from __future__ import annotations

import math
import time

import numpy as np

from .._bench import benchmark, blas_peak_gflops, generator_rate, interleaved, timed
from .._parallel import threads
from .._stats import mean
from .estimators import empirical_ntk, first_layer, inputs_for, ntk_numba_from_weights, ntk_reference, sample_grams, \
    weight_path_grams


def _draw_ntk_reference(n, activation, depth, width, sw, sb, X, seed):
    """Reference loop: numpy's default generator, the full Jacobian of each input, one thread."""
    rng = np.random.default_rng(seed)
    n0 = X.shape[0]
    shapes = [(width, n0)] + [(width, width)] * (depth - 2) + [(1, width)]
    out = np.empty((n, 3))
    for s in range(n):
        Ws = [rng.standard_normal(sh) for sh in shapes]
        bs = [rng.standard_normal(sh[0]) for sh in shapes]
        out[s] = ntk_reference(Ws, bs, X, activation, sw, sb)
    return out


@benchmark("meanfield-empirical-ntk", simulator="empirical_ntk (SFC64 per chunk, threads, layerwise contraction)",
           reference="numpy default_rng + full parameter Jacobian per input, one thread")
def _bench_ntk(quick):
    act, depth, width, n0, sw, sb = "relu", 4, 512, 16, 2.0, 0.0  # 3 hidden layers of width 512
    X = inputs_for(1.0, 1.0, 0.5, n0)
    n = 32 if quick else 256
    n_ref = 8 if quick else 32
    measured = interleaved(lambda: empirical_ntk(act, depth, width, sw, sb, 1.0, 1.0, 0.5, n, 7),
                           lambda: _draw_ntk_reference(n_ref, act, depth, width, sw, sb, X, 7),
                           repeat=3 if quick else 5, reference_scale=n / n_ref)
    rng = np.random.default_rng(1)
    shapes = [(width, n0)] + [(width, width)] * (depth - 2) + [(1, width)]
    Ws = [rng.standard_normal(sh) for sh in shapes]
    bs = [rng.standard_normal(sh[0]) for sh in shapes]
    a = ntk_numba_from_weights(Ws, bs, X, act, sw, sb)[:3]
    b = np.array(ntk_reference(Ws, bs, X, act, sw, sb))
    normals = sum(r * c + r for r, c in shapes)
    gen = generator_rate(clock=time.process_time)
    flops = 2 * 2 * 2 * sum(r * c for r, c in shapes)  # forward + backward, two inputs
    peak = blas_peak_gflops(512 if quick else 1024, clock=time.process_time)
    rate = n / measured[0]
    return timed(measured, work=f"{n} networks: empirical NTK of a depth-3 (3 hidden layers), width-512 relu "
                                f"net on two inputs ({rate:.0f} samples per CPU s, {threads()} threads)",
                 agree=bool(np.allclose(a, b, rtol=1e-10, atol=0)),
                 limit=f"{normals * rate / gen:.2f} x one SFC64 stream's normal rate "
                       f"({gen / 1e6:.0f} M per CPU s); "
                       f"{flops * rate / 1e9 / peak:.3f} of BLAS peak ({peak:.0f} GFLOP/s): generator-bound")


@benchmark("meanfield-sampling-path", simulator="sample_grams (Numba kernel fed by SFC64 chunks)",
           reference="numpy forward passes with every weight drawn (weight path)")
def _bench_sampling(quick):
    act, depth, width, sw, sb = "relu", 5, 512, 2.0, 0.0
    g0 = first_layer(sw, sb, 1.0, 1.0, 0.5)
    n = 2000 if quick else 20000
    n_ref = 20 if quick else 100
    sample_grams(act, depth, 8, sw, sb, g0, 2, 0)  # compile outside the timing
    measured = interleaved(lambda: sample_grams(act, depth, width, sw, sb, g0, n, 3),
                           lambda: weight_path_grams(act, depth, width, sw, sb, 1.0, 1.0, 0.5, n_ref, 3),
                           repeat=3 if quick else 5, reference_scale=n / n_ref)
    a = sample_grams(act, 3, 64, sw, sb, g0, 20000, 5)[:, -1, 1]
    b = weight_path_grams(act, 3, 64, sw, sb, 1.0, 1.0, 0.5, 4000, 6)[:, -1, 1]
    ea, eb = mean(a), mean(b)
    agree = abs(ea.value - eb.value) <= 5 * math.hypot(ea.stderr, eb.stderr)
    gen = generator_rate(clock=time.process_time)
    normals = n * (depth - 1) * 2 * width
    return timed(measured, work=f"{n} relu networks, depth {depth}, width {width}, two inputs: layer Gram matrices",
                 agree=bool(agree),
                 limit=f"{normals / measured[0] / gen:.2f} x one SFC64 stream's normal rate "
                       f"({gen / 1e6:.0f} M per CPU s), "
                       f"{threads()} threads; reference draws {width}x more normals per layer")


