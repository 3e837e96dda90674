"""Monte Carlo simulators, the checks that test quantities against them, and benchmarks
(``dltheory.numerics``)."""
from __future__ import annotations

from ..theory import import_public_modules, lookup

from ._bench import Benchmark, Timing, benchmark
from ._check import Check, Outcome, check, plot, run_check
from ._parallel import threads
from ._size import scale, sized
from ._stats import (Estimate, FiniteSize, extrapolate, mean, proportion, quantile, weighted_polyfit, wilson,
                     z_critical)

__all__ = ["Benchmark", "Check", "Estimate", "FiniteSize", "Outcome", "Timing", "all_benchmarks", "all_checks",
           "benchmark", "check", "extrapolate", "get_check", "mean", "plot", "proportion", "quantile", "run_check",
           "scale", "sized", "threads", "weighted_polyfit", "wilson", "z_critical"]


def _load() -> None:
    import_public_modules(__path__, __name__)


def all_checks() -> dict[str, Check]:
    from ._check import registered

    _load()
    return dict(sorted(registered().items()))


def all_benchmarks() -> dict[str, Benchmark]:
    from ._bench import registered

    _load()
    return dict(sorted(registered().items()))


def get_check(name: str) -> Check:
    return lookup(name, all_checks(), "check")
