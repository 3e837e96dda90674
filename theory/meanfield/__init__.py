"""Mean-field signal propagation, infinite-width kernels and the leading finite-width correction.

Network and normalisation (used by every quantity here, the derivations and the simulators).
A fully connected network with L weight layers, hidden widths N, input x in R^{n0}:

    z^1 = W^1 x + b^1,                 W^1_ij ~ N(0, sigma_w^2 / n0),
    z^{l+1} = W^{l+1} phi(z^l) + b^{l+1},  W^{l+1}_ij ~ N(0, sigma_w^2 / N),  b ~ N(0, sigma_b^2)

("standard" parameterisation of the forward pass; the NTK parameterisation writes the same
function as z = (sigma_w/sqrt(fan_in)) W x + sigma_b b with W, b ~ N(0, 1), which changes
the gradients but not the distribution of z). The inputs enter through their Gram
statistics q1 = |x1|^2/n0, q2 = |x2|^2/n0 and the cosine c = x1.x2 / (|x1||x2|).

Infinite width (Poole et al. 2016; Lee et al. 2018): z^l is a centred Gaussian process with
covariance K^l:

    K^1_ab = sigma_w^2 x_a.x_b/n0 + sigma_b^2,
    K^{l+1}_ab = sigma_w^2 E[phi(u_a) phi(u_b)] + sigma_b^2,   (u_a, u_b) ~ N(0, K^l).

``nngp-kernel depth=L`` is K^L_12 (the covariance of the output z^L of an L-layer network).
Expectations are closed forms for linear, relu (Cho & Saul 2009 arc-cosine kernels, with
E[relu relu] = k_1/2) and erf (Williams 1997), trapezoidal quadrature on the real line
(float; exponentially accurate for these analytic activations) or mpmath
quadrature (``--dps``) for the other activations.

No numba or sympy here; numpy and mpmath are imported lazily. Activations come from the one
activation table, ``dltheory.theory.activations``.

Modules: ``gauss`` (Gaussian expectations, parameters, arithmetic), ``maps`` (q*, chi1, the
critical line, depth scales), ``infinite_width`` (NNGP, correlation map, NTK), ``finite_width``
(four-point vertex, kurtosis, fluctuation exponents).
"""
from __future__ import annotations

from .finite_width import (PAIRS, finite_width_cross_kurtosis, finite_width_kurtosis, finite_width_kurtosis_exact,
                           four_point_vertex, four_point_vertex_two_inputs, fourth_moment_covariance,
                           kernel_jacobian, kernel_step, nngp_fluctuation_exponent, ntk_fluctuation_exponent,
                           vertex_step)
from .gauss import ACTIVATIONS, CLOSED, QUADRATURE, Gauss
from .infinite_width import correlation_map, kernels, nngp_kernel, ntk_kernel
from .maps import (chi1, correlation_depth_scale, correlation_fixed_point, critical_weight_variance,
                   fixed_point_length, length_depth_scale, length_fixed_point)

__all__ = ["ACTIVATIONS", "CLOSED", "PAIRS", "QUADRATURE", "Gauss", "chi1", "correlation_depth_scale",
           "correlation_fixed_point", "correlation_map", "critical_weight_variance", "finite_width_cross_kurtosis",
           "finite_width_kurtosis", "finite_width_kurtosis_exact", "fixed_point_length", "four_point_vertex",
           "four_point_vertex_two_inputs", "fourth_moment_covariance", "kernel_jacobian", "kernel_step", "kernels",
           "length_depth_scale", "length_fixed_point", "nngp_fluctuation_exponent", "nngp_kernel",
           "ntk_fluctuation_exponent", "ntk_kernel", "vertex_step"]
