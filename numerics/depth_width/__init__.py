"""Simulators and checks for depth vs width: the networks the constructions define.

- the four-neuron gate and the binary product tree (Lin, Tegmark & Rolnick 2017), evaluated
  on random inputs at several scales lam; the lam -> 0 limit of the mean relative error
  over lam^2 is fitted (weighted, in powers of lam^2) with its interval;
- Yarotsky's (2017) width-4 ReLU network for x^2 and Telgarsky's (2016) sawtooth, traced
  exactly along [0, 1] (``relu_pieces``);
- the shallow Taylor-sense system for a monomial (Rolnick & Tegmark 2018) on product grids.

Modules: ``kernels`` (Numba gates, tree, shallow product, powers), ``estimators`` (random inputs,
the lam -> 0 fit), ``constructions`` (the networks built unit by unit), ``checks``,
``benchmarks``. The names other code and the tests use are re-exported here.
"""
from __future__ import annotations

from .constructions import (GateNetwork, deep_monomial, grouped_product, grouped_product_cost, monomial_network,
                            ordered_factorisations, product_tree_network, relative_residual, sawtooth_network,
                            smallest_solving_prefix, sup_square_error, taylor_system, yarotsky_network)
from .estimators import INPUT_M2, LAMBDAS, draw_inputs, lambda_fit
from .kernels import ACTIVATION_ID, activate, power_by_squaring, shallow_relative_error, tree_relative_error

__all__ = ["ACTIVATION_ID", "GateNetwork", "INPUT_M2", "LAMBDAS", "activate", "deep_monomial", "draw_inputs",
           "grouped_product", "grouped_product_cost", "lambda_fit", "monomial_network", "ordered_factorisations",
           "power_by_squaring", "product_tree_network", "relative_residual", "sawtooth_network",
           "shallow_relative_error", "smallest_solving_prefix", "sup_square_error", "taylor_system",
           "tree_relative_error", "yarotsky_network"]
