"""Benchmarks: the MLP's minibatch-SGD inner loop (Numba) against its NumPy reference (vectorised over
each minibatch), same data, initialisation and sample order; and the local-entropy importance weights
(Numba) against NumPy (vectorised column operations), same draws."""
from __future__ import annotations

import numpy as np

from .._bench import benchmark, generator_rate, interleaved, timed, timing
from . import kernels


def _mlp_problem(m: int, d: int, h: int, epochs: int):
    gen = np.random.default_rng(0)
    x = gen.standard_normal((m, d))
    y = (x[:, 0] * x[:, 1] > 0).astype(np.float64)
    init = (gen.standard_normal((h, d)) / np.sqrt(d), np.zeros(h), gen.standard_normal(h) / np.sqrt(h))
    order = np.stack([gen.permutation(m) for _ in range(epochs)])
    return x, y, init, order


@benchmark("sharpness-mlp-sgd", simulator="numba minibatch SGD of a one-hidden-layer ReLU MLP (kernels.train_sgd)",
           reference="numpy minibatch SGD vectorised over each batch (kernels.train_sgd_numpy)")
def bench_mlp_sgd(quick):
    m, d, h, batch = 256, 10, 32, 8
    epochs = 5 if quick else 20
    x, y, init, order = _mlp_problem(m, d, h, epochs)
    out = {}

    def run(kernel, key):
        w1, b1, w2 = (a.copy() for a in init)
        b2 = kernel(x, y, w1, b1, w2, 0.0, 0.1, batch, order)
        out[key] = np.concatenate([w1.ravel(), b1, w2, [b2]])

    fast = lambda: run(kernels.train_sgd, "numba")  # noqa: E731
    ref = lambda: run(kernels.train_sgd_numpy, "numpy")  # noqa: E731
    measured = interleaved(fast, ref, 3)
    agree = bool(np.allclose(out["numba"], out["numpy"], rtol=1e-9, atol=1e-12))
    return timed(measured, f"{epochs} epochs of batch-{batch} SGD, m = {m}, d = {d}, h = {h}", agree)


@benchmark("local-entropy-weights", simulator="numba importance weights exp(-u^T A u/2) (kernels.tilted_weights)",
           reference="numpy column operations (kernels.tilted_weights_numpy)")
def bench_tilted_weights(quick):
    n, size = 4, 100_000 if quick else 1_000_000
    gen = np.random.default_rng(1)
    q = kernels.random_rotation(gen, n)
    a = q @ np.diag([0.5, 1.0, 2.0, 4.0]) @ q.T
    c, p, z = 0.3 * np.ones(n), np.ascontiguousarray(q.T), gen.standard_normal((size, n))
    fast = lambda: kernels.tilted_weights(z, a, c, 1.0, p)  # noqa: E731
    ref = lambda: kernels.tilted_weights_numpy(z, a, c, 1.0, p)  # noqa: E731
    (w1, y1), (w2, y2) = fast(), ref()
    agree = bool(np.allclose(w1, w2, rtol=1e-12) and np.allclose(y1, y2, rtol=1e-12, atol=1e-14))
    rate = generator_rate()
    return timing(fast, ref, f"weights of {size} samples in n = {n}", agree,
                  f"drawing the {size * n} normals takes {size * n / rate * 1e3:.1f} ms at the generator's rate", repeat=3)
