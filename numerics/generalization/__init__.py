"""Simulators and checks of the generalization bounds (``dltheory.numerics.generalization``).

Modules: ``kernels`` (Numba kernels with their helpers), ``estimators`` (Monte Carlo samplers),
``coverage`` (exact violation probabilities of bounds on random labels), ``exact_bounds`` (exact
sub-checks of the loose norm and VC bounds), ``constructions`` (the
ReLU networks behind ``vc-dimension-lower``), ``mlp`` (a Numba trainer for small MLPs and its
NumPy reference), ``experiments`` (bounds on trained MLPs), ``checks``, ``benchmarks``.
``tools/generalization_report.py`` writes the tables and figures of docs/generalization.md.
"""
from __future__ import annotations

from . import benchmarks, checks, constructions, coverage, estimators, exact_bounds, experiments, kernels, mlp

__all__ = ["benchmarks", "checks", "constructions", "coverage", "estimators", "exact_bounds", "experiments", "kernels",
           "mlp"]
