"""Benchmarks of the generalization simulators: the Numba MLP trainer against its NumPy reference."""
from __future__ import annotations

import math

import numpy as np

from .._bench import Timing, benchmark, interleaved, timed
from .mlp import batch_order, init_params, layer_sizes, train, train_numpy


def _bench_case(batch: int, quick: bool) -> Timing:
    gen = np.random.Generator(np.random.SFC64(12345))
    d, widths, n = 10, (32, 32), 512
    sizes = layer_sizes(d, widths)
    X = gen.standard_normal((n, d))
    y = np.sign(gen.standard_normal(n))
    p0 = init_params(gen, sizes)
    epochs = 2 if quick else 5
    order = batch_order(gen, n, epochs)
    a, b = p0.copy(), p0.copy()
    train(X, y, a, sizes, order, batch=batch, lr=1e-3)
    train_numpy(X, y, b, sizes, order, batch=batch, lr=1e-3)
    agree = bool(np.allclose(a, b, rtol=1e-7, atol=1e-9))
    measured = interleaved(lambda: train(X, y, p0.copy(), sizes, order, batch=batch, lr=1e-3),
                           lambda: train_numpy(X, y, p0.copy(), sizes, order, batch=batch, lr=1e-3),
                           3 if quick else 5)
    t_sim, t_ref, _ = measured
    steps = math.ceil(len(order) / batch)
    return timed(measured, f"Adam, MLP {d}-32-32-1, {steps} steps of batch {batch}", agree,
                 f"{steps / t_sim:.3g} steps per CPU s (Numba) vs {steps / t_ref:.3g} (NumPy)")


@benchmark("generalization-mlp-small-batch", simulator="numba MLP trainer (whole run in one nogil call)",
           reference="numpy, one Python step per mini-batch")
def bench_small(quick: bool) -> Timing:
    return _bench_case(32, quick)


@benchmark("generalization-mlp-large-batch", simulator="numba MLP trainer (whole run in one nogil call)",
           reference="numpy, one Python step per mini-batch")
def bench_large(quick: bool) -> Timing:
    return _bench_case(512, quick)
