"""Statistical-mechanics capacity and learning curves of the perceptron.

Conventions: N inputs, P = alpha N patterns, Dt = exp(-t^2/2) dt / sqrt(2 pi) the Gaussian
measure, H(x) = int_x^inf Dt = erfc(x / sqrt 2) / 2 and G(x) = exp(-x^2/2) / sqrt(2 pi).

Numerics. Every saddle point is solved twice over: at the default precision with
composite Gauss-Legendre quadrature in double precision (fast: ``dltheory eval`` answers in
well under 0.5 s), and, when ``dps`` > 15 is asked for, with mpmath quadrature and Newton
iteration at that precision, started from the double-precision solution. The tests compare
the two paths (independent quadratures) and the derivations (SymPy) compare the closed forms.
Nothing here imports numba, sympy or scipy.

Modules: ``cover`` (Cover's function counting), ``gardner`` (spherical perceptron with margin),
``ising`` (binary couplings), ``teacher_student`` (learning curves), ``balls`` (L2 balls and
affine subspaces); ``_solve`` holds the root finder and precision helpers they share.
"""
from __future__ import annotations

from ._solve import SQRT2, SQRT2PI, root
from .cover import cover_count, cover_count_int, cover_separable_probability
from .gardner import (gardner_capacity, gardner_capacity_value, gardner_critical_margin, gardner_critical_margin_value,
                      gardner_integral)
from .ising import ising_1rsb_capacity, ising_perceptron_capacity, ising_rs_entropy
from .teacher_student import (RULES, gibbs_asymptote_integral, gibbs_overlap, hebb_overlap, max_stability_alpha_kappa,
                              max_stability_asymptote, max_stability_overlap, teacher_student_error)
from .balls import (ball_critical_margin_value, ball_inverse_capacity, manifold_ball_critical_margin,
                    manifold_capacity_ball, subspace_capacity)

__all__ = ["RULES", "SQRT2", "SQRT2PI", "ball_critical_margin_value", "ball_inverse_capacity", "cover_count",
           "cover_count_int", "cover_separable_probability", "gardner_capacity", "gardner_capacity_value",
           "gardner_critical_margin", "gardner_critical_margin_value", "gardner_integral", "gibbs_asymptote_integral",
           "gibbs_overlap", "hebb_overlap", "ising_1rsb_capacity", "ising_perceptron_capacity", "ising_rs_entropy",
           "manifold_ball_critical_margin", "manifold_capacity_ball", "max_stability_alpha_kappa",
           "max_stability_asymptote", "max_stability_overlap", "root", "subspace_capacity", "teacher_student_error"]
