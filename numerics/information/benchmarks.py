"""Benchmarks of the information kernels against NumPy references, measured in the same run."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .._bench import benchmark, interleaved, timed, timing
from .._parallel import map_rows, threads
from .kernels import ib_information_at, mixture_log_ratio_numpy, mixture_log_ratio_sums


@benchmark("mixture-information", simulator="numba mixture_log_ratio_sums (exact log mixture density), all threads",
           reference="numpy broadcast of the K x m x K distance array")
def bench_mixture_information(quick):
    K, k, m = (64, 4, 512) if quick else (256, 8, 1024)
    gen = np.random.default_rng(0)
    centers = np.tanh(gen.standard_normal((K, k)))
    z = gen.standard_normal((K, m, k))

    def fast():
        chunks = np.array_split(np.arange(m), threads())
        with ThreadPoolExecutor(len(chunks)) as pool:
            out = list(pool.map(lambda c: mixture_log_ratio_sums(centers, 0.3, np.ascontiguousarray(z[:, c])), chunks))
        return sum(o[0] for o in out)

    def ref():
        return mixture_log_ratio_numpy(centers, 0.3, z).sum(axis=1)

    agree = bool(np.allclose(fast(), ref(), rtol=1e-10, atol=1e-9))
    return timing(fast, ref, f"I(X;T) log ratios: K={K} centres, k={k}, {m} draws each",
                  agree)


def _ib_reference(mu, nu, target):
    """NumPy: the same bisection, vectorised over encoders."""
    lo, hi = np.full(len(mu), -80.0), np.full(len(mu), 80.0)
    for _ in range(64):
        mid = 0.5 * (lo + hi)
        below = 0.5 * np.log1p(np.exp(mid)[:, None] * mu).sum(1) < target
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    c = np.exp(0.5 * (lo + hi))[:, None]
    return 0.5 * np.log1p(c * mu).sum(1) - 0.5 * np.log1p(c * nu).sum(1)


@benchmark("ib-encoder-scaling", simulator="numba ib_information_at (bisection per encoder)",
           reference="numpy bisection vectorised over encoders")
def bench_ib_scaling(quick):
    E, k = (20_000, 4) if quick else (200_000, 4)
    gen = np.random.default_rng(1)
    mu = gen.exponential(1.0, (E, k))
    nu = mu * gen.uniform(0.05, 1.0, (E, k))
    fast = lambda: np.concatenate(map_rows(lambda rows: ib_information_at(mu[rows], nu[rows], 1.0),  # noqa: E731
                                           np.arange(E)))
    ref = lambda: _ib_reference(mu, nu, 1.0)  # noqa: E731
    agree = bool(np.allclose(fast(), ref(), rtol=1e-9, atol=1e-12))
    return timing(fast, ref, f"{E} encoders with {k} components, all threads", agree)


@benchmark("information-plane-trainer", simulator="numba train_epochs (per-sample loops, Adam)",
           reference="numpy vectorised forward/backward per mini-batch")
def bench_trainer(quick):
    from .plane import SIZES, twelve_bit_task
    from .trainer import TANH, init_params, numpy_train_epochs, train_epochs

    X, y = twelve_bit_task()
    yf = y.astype(np.float64)
    epochs = 2 if quick else 10
    gen = np.random.default_rng(0)
    start = init_params(gen, SIZES, TANH)
    order = np.concatenate([gen.permutation(3276) for _ in range(epochs)]).astype(np.int64)
    results = {}

    def run(fn, key):
        p, m, v = start.copy(), np.zeros_like(start), np.zeros_like(start)
        fn(X, yf, p, SIZES, TANH, order, 256, 3e-3, m, v, 0)
        results[key] = p

    fast = lambda: run(train_epochs, "numba")  # noqa: E731
    ref = lambda: run(numpy_train_epochs, "numpy")  # noqa: E731
    measured = interleaved(fast, ref, 3)
    agree = bool(np.allclose(results["numba"], results["numpy"], rtol=1e-7, atol=1e-9))
    return timed(measured, f"{epochs} epochs of Adam, 12-10-7-5-4-3-1 tanh, 3276 samples, batch 256", agree)
