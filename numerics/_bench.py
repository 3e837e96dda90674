"""Benchmarks: each simulator against a NumPy reference, measured in the same run."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Timing:
    simulator_seconds: float
    reference_seconds: float
    work: str  # what one timed call does
    agree: bool  # the two implementations gave the same answer on the timed input
    limit: str = ""  # e.g. the fraction of the measured BLAS peak or generator rate
    ratios: tuple = ()  # per-repeat reference/simulator ratios of ``interleaved`` timing, if used

    @property
    def speedup(self) -> float:
        """The median of the interleaved per-repeat ratios where measured, else the ratio of the times."""
        if self.ratios:
            return float(np.median(self.ratios))
        return self.reference_seconds / self.simulator_seconds


@dataclass(frozen=True)
class Benchmark:
    name: str
    simulator: str
    reference: str
    run: Callable[[bool], Timing]


_BENCHMARKS: dict[str, Benchmark] = {}


def benchmark(name: str, *, simulator: str, reference: str):
    """Register ``run(quick) -> Timing`` as a benchmark."""

    def register(run) -> Benchmark:
        if name in _BENCHMARKS:
            raise ValueError(f"benchmark {name} registered twice")
        b = Benchmark(name, simulator, reference, run)
        _BENCHMARKS[name] = b
        return b

    return register


def registered() -> dict[str, Benchmark]:
    return _BENCHMARKS


def best_time(fn: Callable[[], object], repeat: int = 5, clock: Callable[[], float] = time.perf_counter) -> float:
    """Best time of ``repeat`` calls (after one warm-up call); wall time unless ``clock`` says otherwise."""
    fn()
    best = float("inf")
    for _ in range(repeat):
        t = clock()
        fn()
        best = min(best, clock() - t)
    return best


def interleaved(simulator: Callable[[], object], reference: Callable[[], object], repeat: int = 5,
                reference_scale: float = 1.0, clock: Callable[[], float] = time.process_time):
    """Time the two sides alternately (sim, ref, sim, ref, ...) after one warm-up call of each, so
    that a change of machine load hits both alike. ``clock`` is CPU time of this process (all its
    threads) by default. Returns (median simulator s, median reference s x reference_scale,
    per-repeat ratios reference x reference_scale / simulator)."""
    simulator()
    reference()
    sims, refs = [], []
    for _ in range(repeat):
        t = clock()
        simulator()
        sims.append(clock() - t)
        t = clock()
        reference()
        refs.append((clock() - t) * reference_scale)
    ratios = tuple(r / max(s, 1e-9) for s, r in zip(sims, refs))
    return float(np.median(sims)), float(np.median(refs)), ratios


def timed(measured: tuple, work: str, agree: bool, limit: str = "") -> Timing:
    """The :class:`Timing` of an :func:`interleaved` measurement ``(simulator s, reference s, ratios)``,
    the spread of the per-repeat ratios appended to ``limit``: for a benchmark whose work text,
    agreement or limit needs the measured times or the results of the timed calls."""
    sim, ref, ratios = measured
    return Timing(sim, ref, work, agree, "; ".join(t for t in (limit, spread(ratios)) if t), ratios)


def timing(simulator: Callable[[], object], reference: Callable[[], object], work: str, agree: bool,
           limit: str = "", repeat: int = 3, reference_scale: float = 1.0) -> Timing:
    """A :class:`Timing` of the two sides measured by :func:`interleaved` CPU-time repeats, the
    spread of the per-repeat ratios appended to ``limit``."""
    return timed(interleaved(simulator, reference, repeat, reference_scale), work, agree, limit)


def spread(ratios) -> str:
    """'median x12.3 (range 11.0-13.1 over 5 interleaved repeats, CPU time)'."""
    return (f"ratio median x{np.median(ratios):.3g} (range {min(ratios):.3g}-{max(ratios):.3g} over "
            f"{len(ratios)} interleaved repeats, CPU time)")


def blas_peak_gflops(n: int = 1024, clock: Callable[[], float] = time.perf_counter) -> float:
    """Measured float64 GEMM rate of this machine's BLAS, in GFLOP/s (per CPU second with
    ``clock=time.process_time``, the clock of ``interleaved``)."""
    a = np.random.default_rng(0).standard_normal((n, n))
    return 2 * n**3 / best_time(lambda: a @ a, 3, clock) / 1e9


def generator_rate(n: int = 2_000_000, clock: Callable[[], float] = time.perf_counter) -> float:
    """Measured standard-normal draws per second of one numpy SFC64 generator (per CPU second
    with ``clock=time.process_time``)."""
    g = np.random.Generator(np.random.SFC64(0))
    out = np.empty(n)
    return n / best_time(lambda: g.standard_normal(out=out), 3, clock)
