"""The random inputs of the depth-vs-width simulators and the lam -> 0 fit of a network's mean
relative error (seeded chunks: thread-count independent)."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ...theory import depth_width as theory
from .._parallel import map_chunks
from .._stats import Estimate, weighted_polyfit
from .kernels import ACTIVATION_ID, shallow_relative_error, tree_relative_error


#: |inputs| ~ U[1/2, 1] with random signs: E[x^2] = 7/12, and no division by tiny products.
INPUT_M2 = Fraction(7, 12)


def draw_inputs(gen: np.random.Generator, size: int, n: int) -> np.ndarray:
    """|x| ~ U[1/2, 1] with independent random signs (E[x^2] = 7/12)."""
    return gen.uniform(0.5, 1.0, (size, n)) * np.where(gen.random((size, n)) < 0.5, -1.0, 1.0)


LAMBDAS = np.array([0.04, 0.08, 0.12, 0.16, 0.2, 0.24, 0.28, 0.32])


def lambda_fit(sigma: str, n: int, samples: int, seed: np.random.SeedSequence, bias=None,
               network: str = "tree") -> Estimate:
    """lim_{lam->0} E[r]/lam^2 for the n-input tree (n = 2: one gate) or the shallow 2^n network.

    At each lam, independent inputs give the mean of r/lam^2 with its standard error; the
    means are fitted by A + B lam^2 + C lam^4 and the intercept A is returned with its
    standard error (inflated by chi2/dof where the fit is worse than the errors).
    """
    b = theory.resolve_bias(sigma, bias)
    kind = ACTIVATION_ID[sigma]
    if network == "tree":
        kernel, norm = tree_relative_error, theory.derivative(sigma, 2, b)
    else:
        kernel, norm = shallow_relative_error, 2**n * theory.derivative(sigma, n, b)
    means, errs = [], []
    for lam, ss in zip(LAMBDAS, seed.spawn(len(LAMBDAS))):
        def work(gen, size, lam=lam):
            y = kernel(kind, b, norm, lam, draw_inputs(gen, size, n)) / lam**2
            return y.sum(), (y * y).sum(), size

        parts = map_chunks(work, samples, 8192, ss)
        s1, s2, m = (sum(p[i] for p in parts) for i in range(3))
        mean = s1 / m
        means.append(mean)
        errs.append(math.sqrt(max(s2 / m - mean * mean, 0.0) / (m - 1)))
    fit = weighted_polyfit(LAMBDAS**2, means, errs, degree=2)
    value, se = fit.coefficient(0)
    return Estimate(value, se, samples * len(LAMBDAS))
