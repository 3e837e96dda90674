"""Simulators for perceptron capacity and learning curves (``kernels``: Numba; ``estimators``:
seeded Monte Carlo drivers), the checks that test the capacity quantities against them
(``checks``) and their benchmarks (``benchmarks``). The names other code and the tests use are
re-exported here."""
from __future__ import annotations

from .estimators import (ball_margins, bayes_errors, dichotomy_count, gibbs_errors, hebb_errors,
                         ising_reference_numpy, ising_storable_counts, max_margins, max_stability_errors,
                         separable_count, storable_counts)
from .kernels import (adatron, adatron_warm, ball_dual_ascent, gibbs_coordinate_hit_and_run, gordan_simplex,
                      hebb_error_direct, ising_max_prefix, ising_max_prefix_parallel, margin_at_least,
                      separable_dichotomies, storable_at_margin)

__all__ = ["adatron", "adatron_warm", "ball_dual_ascent", "ball_margins", "bayes_errors", "dichotomy_count",
           "gibbs_coordinate_hit_and_run", "gibbs_errors", "gordan_simplex", "hebb_error_direct", "hebb_errors",
           "ising_max_prefix", "ising_max_prefix_parallel", "ising_reference_numpy", "ising_storable_counts",
           "margin_at_least", "max_margins", "max_stability_errors", "separable_count", "separable_dichotomies",
           "storable_at_margin", "storable_counts"]
