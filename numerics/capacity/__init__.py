"""Simulators for perceptron capacity and learning curves: Numba kernels (``kernels``: simplex and
AdaTron; ``gray_code``: Ising enumeration; ``hit_and_run``: Gibbs and Bayes students; ``balls``:
dual ascent), seeded Monte Carlo drivers (``estimators``), the checks that test the capacity
quantities against them (``checks``) and their benchmarks (``benchmarks``). The names other code
and the tests use are re-exported here."""
from __future__ import annotations

from .estimators import (ball_margins, bayes_errors, dichotomy_count, gibbs_errors, hebb_errors,
                         ising_reference_numpy, ising_storable_counts, max_margins, max_stability_errors,
                         separable_count, storable_counts)
from .balls import ball_dual_ascent
from .gray_code import ising_max_prefix, ising_max_prefix_parallel
from .hit_and_run import gibbs_coordinate_hit_and_run
from .kernels import (adatron, adatron_warm, gordan_simplex, hebb_error_direct, margin_at_least,
                      separable_dichotomies, storable_at_margin)

__all__ = ["adatron", "adatron_warm", "ball_dual_ascent", "ball_margins", "bayes_errors", "dichotomy_count",
           "gibbs_coordinate_hit_and_run", "gibbs_errors", "gordan_simplex", "hebb_error_direct", "hebb_errors",
           "ising_max_prefix", "ising_max_prefix_parallel", "ising_reference_numpy", "ising_storable_counts",
           "margin_at_least", "max_margins", "max_stability_errors", "separable_count", "separable_dichotomies",
           "storable_at_margin", "storable_counts"]
