"""Linear regions, Betti numbers and trajectory length of random and constructed ReLU networks.

Modules: ``kernels`` (the Numba 2-D region counter), ``networks`` (random He networks, the
lower-bound constructions, small trained networks, polynomial-activation networks), ``estimators`` (exact counts along segments,
in boxes and in the unit cube, Betti numbers of {f >= 0}, crossings of random lines),
``trajectory`` (the trajectory-length simulator: sufficient-statistic tangent sampler, its
weight-drawing reference and exact tracing), ``checks`` and ``benchmarks``. The exact 1-D tracer
is ``numerics.relu_pieces`` (shared with ``numerics.depth_width``).
"""
from __future__ import annotations

from .. import relu_pieces
from .estimators import (betti_box, breakpoints_segment, count_segment, count_segment_sampled, count_unit_cube,
                         crossings_on_line, polynomial_components)
from .kernels import cells_box, count_box
from .networks import (best_lower_construction, betti_construction, chebyshev_network, construction, fold_montufar,
                       fold_serra, polynomial_forward, random_network, random_polynomial_network, train_to_oscillate,
                       with_output)
from .trajectory import (growth_per_layer, hardtanh_as_relu, measured_growth, tangent_lengths,
                         tangent_lengths_weights, trajectory_lengths)

__all__ = ["best_lower_construction", "betti_box", "betti_construction", "breakpoints_segment", "cells_box",
           "chebyshev_network", "construction", "count_box", "count_segment", "count_segment_sampled", "count_unit_cube",
           "crossings_on_line", "fold_montufar", "fold_serra", "growth_per_layer", "hardtanh_as_relu",
           "measured_growth", "polynomial_components", "polynomial_forward", "random_network",
           "random_polynomial_network", "relu_pieces", "tangent_lengths", "tangent_lengths_weights",
           "train_to_oscillate", "trajectory_lengths", "with_output"]
