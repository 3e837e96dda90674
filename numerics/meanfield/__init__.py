"""Mean-field simulators (``kernels``: Numba; ``estimators``: samplers and statistics), the checks
of the mean-field quantities (``checks``) and their benchmarks (``benchmarks``).

The public names other code and the tests use are re-exported here.
"""
from __future__ import annotations

from .estimators import (correlation_deviations, cross_kurtosis_estimate, delta_method, empirical_ntk,
                         first_layer, fluctuation_exponent, gls_log_slope, homogeneous_variances, inputs_for,
                         jacobian_growth, kurtosis_estimate, length_deviations, log_sd, np_phi, ntk_from_weights,
                         ntk_numba_from_weights, ntk_reference, sample_grams, same_streams, scale_from_slopes,
                         weight_path_grams)
from .kernels import ACT_CODE, CHUNK

__all__ = ["ACT_CODE", "CHUNK", "correlation_deviations", "cross_kurtosis_estimate", "delta_method", "empirical_ntk",
           "first_layer", "fluctuation_exponent", "gls_log_slope", "homogeneous_variances", "inputs_for",
           "jacobian_growth", "kurtosis_estimate", "length_deviations", "log_sd", "np_phi", "ntk_from_weights",
           "ntk_numba_from_weights", "ntk_reference", "sample_grams", "same_streams", "scale_from_slopes",
           "weight_path_grams"]
