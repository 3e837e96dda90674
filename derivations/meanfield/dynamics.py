"""NTK training dynamics of an infinitely wide network (Lee et al. 2019) for one training input:
the linear dynamics solved for gradient flow and for gradient descent, the test output, its mean
and its variance. The matrix case (``dltheory.theory.meanfield.dynamics``) is the same algebra with
Theta(X, X) diagonalised; the tests check it against the step recursion."""
from __future__ import annotations

import sympy as sp

from .._document import Result, derivation
from .common import REFS

LEE2019 = ("J. Lee, L. Xiao, S. S. Schoenholz, Y. Bahri, R. Novak, J. Sohl-Dickstein, J. Pennington (2019). Wide "
           "neural networks of any depth evolve as linear models under gradient descent. NeurIPS. "
           "arXiv:1902.06720.")

_FLOW = ({"activation": "relu", "depth": 2, "weight_variance": 2.0, "bias_variance": 0.1, "train": (0.3,),
          "targets": (0.8,), "test": 1.1, "time": 1.5},
         {"activation": "erf", "depth": 3, "weight_variance": 1.5, "bias_variance": 0.0, "train": (-0.4,),
          "targets": (-1.2,), "test": 2.0, "time": 0.7})
_GD = ({"activation": "relu", "depth": 2, "weight_variance": 2.0, "bias_variance": 0.1, "train": (0.3,),
        "targets": (0.8,), "test": 1.1, "time": 2.0, "learning_rate": 0.1},
       {"activation": "tanh", "depth": 2, "weight_variance": 1.5, "bias_variance": 0.2, "train": (1.0,),
        "targets": (0.5,), "test": -0.5, "time": 3.0, "learning_rate": 0.25})


def _kernels(point):
    """Symbol values at a one-training-input point: the kernels of (test, train) on the unit circle."""
    import math

    import numpy as np

    from ...theory.meanfield.kernel_matrix import kernel_matrices

    a = np.array([point["test"], point["train"][0]])
    X = np.stack([np.cos(a), np.sin(a)], axis=1)
    K, T = kernel_matrices(X, None, activation=point["activation"], depth=point["depth"],
                           weight_variance=point["weight_variance"], bias_variance=point.get("bias_variance", 0.0))
    values = {r"\Theta_{XX}": float(T[1, 1]), r"\Theta_{xX}": float(T[0, 1]), r"K_{xx}": float(K[0, 0]),
              r"K_{xX}": float(K[0, 1]), r"K_{XX}": float(K[1, 1]), "y": point["targets"][0], "t": point["time"]}
    rate = point.get("learning_rate", 0.0)
    if rate:
        del values["t"]
        values.update({r"\eta": rate, "k": int(round(point["time"] / rate))})
    assert math.isfinite(point["time"])
    return values


def _mean_symbols(point):
    return {k: v for k, v in _kernels(point).items() if not k.startswith("K_")}


def _variance_symbols(point):
    return {k: v for k, v in _kernels(point).items() if k != "y"}


@derivation("meanfield-ntk-dynamics", title="NTK training dynamics: gradient flow and gradient descent on the "
                                            "squared error, one training input",
            results=(Result("mean_flow", "ntk-gd-test-mean", symbols=_mean_symbols, points=_FLOW),
                     Result("variance_flow", "ntk-gd-test-variance", symbols=_variance_symbols, points=_FLOW),
                     Result("mean_gd", "ntk-gd-test-mean", symbols=_mean_symbols, points=_GD),
                     Result("variance_gd", "ntk-gd-test-variance", symbols=_variance_symbols, points=_GD)),
            citation="Lee, Xiao, Schoenholz, Bahri, Novak, Sohl-Dickstein & Pennington (2019), NeurIPS, Sec. 2 "
                     "and Thm 2.1; Jacot, Gabriel & Hongler (2018), NeurIPS, Thm 1")
def build_dynamics(doc):
    doc.abstract = ("At infinite width a network trained by gradient descent on the squared error is its "
                    "linearisation with a constant tangent kernel. For one training input the dynamics are "
                    "scalar: solved here for gradient flow and for gradient descent, with the mean and variance "
                    "of the output at a test input over the random initialisation.")
    doc.assume("Training input $X$ with target $y$, test input $x$; loss $\\frac12 (f(X) - y)^2$; NTK "
               "parameterisation. Infinite width: $f_t(x) = f_0(x) + \\nabla f_0(x)\\cdot(\\theta_t - \\theta_0)$ "
               "and the kernels $\\Theta_{XX} = \\Theta(X, X) > 0$, $\\Theta_{xX} = \\Theta(x, X)$ stay constant "
               "(Lee et al. 2019, Thm 2.1; Jacot et al. 2018, Thm 1).")
    doc.assume("At initialisation $(f_0(x), f_0(X))$ is centred Gaussian with the NNGP covariances "
               "$K_{xx}, K_{xX}, K_{XX}$ (Lee et al. 2018).")
    th = sp.Symbol(r"\Theta_{XX}", positive=True)
    tx = sp.Symbol(r"\Theta_{xX}", real=True)
    kxx = sp.Symbol(r"K_{xx}", positive=True)
    kx = sp.Symbol(r"K_{xX}", real=True)
    k0 = sp.Symbol(r"K_{XX}", positive=True)
    y = sp.Symbol("y", real=True)
    t, s = sp.symbols("t s", positive=True)
    eta = sp.Symbol(r"\eta", positive=True)
    k = sp.Symbol("k", integer=True, positive=True)
    j = sp.Symbol("j", integer=True, nonnegative=True)
    f0X, f0x = sp.Symbol(r"f_{0}(X)", real=True), sp.Symbol(r"f_{0}(x)", real=True)
    doc.say("Gradient flow moves the parameters by $-\\nabla f(X)\\,(f(X) - y)$, so the outputs move by "
            "$\\dot f_t(x) = -\\Theta_{xX} (f_t(X) - y)$ and $\\dot f_t(X) = -\\Theta_{XX} (f_t(X) - y)$.")
    g = y + sp.exp(-th * t) * (f0X - y)
    doc.equal(sp.Derivative(g, t), -th * (g - y),
              "The training output $f_t(X) = y + e^{-\\Theta_{XX} t}(f_0(X) - y)$ solves the second equation "
              "from $f_0(X)$:")
    change = doc.equal(sp.Integral(-tx * (g.subs(t, s) - y), (s, 0, t)),
                       -tx * (1 - sp.exp(-th * t)) / th * (f0X - y),
                       "and integrating the first gives the change of the test output:")
    B = sp.Symbol("B_t", positive=True)
    doc.say("So $f_t(x) = f_0(x) - \\Theta_{xX} B_t (f_0(X) - y)$ with $B_t = (1 - e^{-\\Theta_{XX} t})/"
            "\\Theta_{XX}$, linear in $f_0$. Its mean uses $\\operatorname{E} f_0 = 0$ and its variance the "
            "NNGP covariances:")
    ft = f0x + change.subs((1 - sp.exp(-th * t)) / th, B)
    mean_B = doc.equal(ft.subs({f0x: 0, f0X: 0}), tx * B * y, "the mean (set $f_0 = 0$ in the linear map):",
                       lhs_tex=r"\operatorname{E} f_t(x)")
    var_expr = sp.expand((ft - ft.subs({f0x: 0, f0X: 0})) ** 2)
    second = var_expr.subs({f0x**2: kxx, f0X**2: k0}).subs(f0x * f0X, kx)
    var_B = kxx - 2 * tx * B * kx + tx**2 * B**2 * k0
    doc.equal(second, var_B, "the variance: expand $(f_t(x) - \\operatorname{E} f_t(x))^2$ and replace "
              "$f_0(x)^2, f_0(x) f_0(X), f_0(X)^2$ by $K_{xx}, K_{xX}, K_{XX}$:",
              lhs_tex=r"\operatorname{E}\,(f_t(x) - \operatorname{E} f_t(x))^2")
    flow_B = (1 - sp.exp(-th * t)) / th
    doc.result("mean_flow", mean_B.subs(B, flow_B), "Gradient flow, the mean of the test output:",
               lhs=r"\mu_t(x)")
    doc.result("variance_flow", var_B.subs(B, flow_B), "and its variance:", lhs=r"\Sigma_t(x, x)")
    doc.say("Gradient descent with learning rate $\\eta$: one step of the linear model is "
            "$f_{j+1}(X) - y = (1 - \\eta\\Theta_{XX})(f_j(X) - y)$ and "
            "$f_{j+1}(x) - f_j(x) = -\\eta\\Theta_{xX}(f_j(X) - y)$, so after $k$ steps the test output has "
            "moved by $-\\Theta_{xX}(f_0(X) - y)$ times")
    r = 1 - eta * th
    gd_B = doc.equal(sp.Sum(eta * r**j, (j, 0, k - 1)), (1 - r**k) / th,
                     "a geometric sum, which is $B_t$ with $e^{-\\Theta_{XX} t}$ replaced by "
                     "$(1 - \\eta\\Theta_{XX})^k$, $t = \\eta k$:",
                     ranges={eta: (sp.Rational(1, 100), sp.Rational(3, 10)), th: (sp.Rational(1, 2), 3)})
    doc.result("mean_gd", mean_B.subs(B, gd_B), "Gradient descent, the mean after $k = t/\\eta$ steps:",
               lhs=r"\mu_k(x)")
    doc.result("variance_gd", var_B.subs(B, gd_B), "and the variance:", lhs=r"\Sigma_k(x, x)")
    doc.references = [LEE2019, REFS[5], REFS[4]]
