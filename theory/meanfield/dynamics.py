"""NTK training dynamics: the law of an infinitely wide network's outputs after gradient descent
on the squared error (Lee et al. 2019), and the NNGP posterior it is compared with.

Setting (NTK parameterisation, the network of ``dltheory.theory.meanfield``): training inputs X
(n x d), targets Y, loss (1/2) sum_i (f(x_i) - y_i)^2 (a sum over the training set; Lee et al.
write a mean, which divides the learning rate by n), parameters updated by full-batch gradient
descent theta <- theta - eta grad, or by gradient flow d theta / dt = -grad. At infinite width the
network equals its linearisation around the initialisation and the tangent kernel stays Theta
(Lee et al. 2019, Sec. 2 and Thm 2.1; Jacot et al. 2018), so on the training set
f_{k+1}(X) - Y = (I - eta Theta)(f_k(X) - Y), and at a test input x

    f_t(x) = f_0(x) - Theta(x, X) B_t (f_0(X) - Y),
    B_t = Theta^{-1} (I - A_t),  A_t = exp(-t Theta) (flow) or (I - eta Theta)^(t/eta) (GD),

B_t defined through the eigenvalues lambda of Theta(X, X) as (1 - a_t(lambda)) / lambda (t at
lambda = 0), so a singular Theta needs no inverse at finite t. f_0 is the NNGP Gaussian process
(covariance K), so f_t is Gaussian with

    mean        mu_t(x) = Theta(x, X) B_t Y,
    covariance  Sigma_t(x, x') = c(x)^T K([x, X], [x', X]) c(x'),  c(x) = (1, -B_t Theta(X, x)),

i.e. K(x,x') - Theta(x,X) B_t K(X,x') - K(x,X) B_t Theta(X,x') + Theta(x,X) B_t K(X,X) B_t Theta(X,x')
(Lee et al. 2019, Sec. 2.3, with eta t in place of their t and their (I - e^{-eta Theta t}) replaced
by its discrete-time form for GD). At t = inf (flow or a convergent GD): mu = Theta(x,X) Theta^{-1} Y.
The NNGP posterior (exact Bayesian inference with the prior K, no noise) is
K(x, X) K^{-1} Y and K(x,x') - K(x,X) K^{-1} K(X,x') (Lee et al. 2018).

Python: ``gd_prediction`` and ``nngp_posterior`` take arrays; ``ntk-gd-test-mean`` and
``ntk-gd-test-variance`` evaluate them for inputs on the unit circle (x = (cos a, sin a)).
No numba or sympy here; numpy is imported lazily.
"""
from __future__ import annotations

import math

from .._quantity import BadInput, Real, RealList, quantity
from .gauss import ACTIVATION, BIAS_VARIANCE, DEPTH, WEIGHT_VARIANCE
from .kernel_matrix import kernel_matrices

CITATION = ("Lee, Xiao, Schoenholz, Bahri, Novak, Sohl-Dickstein & Pennington (2019), NeurIPS, 'Wide neural "
            "networks of any depth evolve as linear models under gradient descent', Sec. 2.3 (mean and covariance "
            "of the linearised network's test outputs under gradient descent on the squared error); Thm 2.1")


MAX_STEPS = 1e15  #: gradient steps time / learning_rate, counted exactly in a double


def coefficients(theta_train, time, learning_rate):
    """B_t = Theta^{-1}(I - A_t) through the eigen-decomposition of the training NTK."""
    import numpy as np

    if not np.all(np.isfinite(theta_train)):
        raise BadInput("theta", "non-finite training NTK", "finite kernels (smaller depth or weight variance)")
    try:
        lam, V = np.linalg.eigh(theta_train)
    except np.linalg.LinAlgError:
        raise BadInput("theta", "eigen-decomposition failed", "a well-conditioned training NTK") from None
    top = float(lam[-1]) if lam.size else 0.0
    if lam.size and lam[0] < -1e-10 * max(top, 1e-300):
        raise BadInput("theta", float(lam[0]), "positive semi-definite training NTK")
    lam = np.clip(lam, 0.0, None)
    tiny = lam <= 1e-12 * max(top, 1e-300)
    if math.isinf(time):
        if learning_rate > 0 and learning_rate * top >= 2.0:
            raise BadInput("learning_rate", learning_rate, f"below 2 / lambda_max = {2 / top:.6g} (GD diverges)")
        if tiny.any():
            raise BadInput("train", "singular training NTK", "distinct training inputs (t = inf needs Theta^-1)")
        g = 1.0 / lam
    elif learning_rate > 0:
        steps = time / learning_rate
        if not steps <= MAX_STEPS:  # also inf (a subnormal learning rate): the step count is not an integer we can check
            raise BadInput("learning_rate", learning_rate, f"at least time / {MAX_STEPS:.0e} = {time / MAX_STEPS:.3g} "
                           "(0: gradient flow)", "more gradient steps than can be counted exactly")
        k = round(steps)
        if abs(steps - k) > 1e-9 * max(1.0, steps):
            raise BadInput("time", time, f"a whole number of steps times learning_rate = {learning_rate}")
        a = (1.0 - learning_rate * lam) ** k
        g = np.where(tiny, k * learning_rate, (1.0 - a) / np.where(tiny, 1.0, lam))
    else:
        g = np.where(tiny, time, -np.expm1(-time * lam) / np.where(tiny, 1.0, lam))
    return (V * g) @ V.T


def gd_prediction(X_train, y_train, X_test, *, activation, depth, weight_variance, bias_variance=0.0,
                  time=math.inf, learning_rate=0.0):
    """(mean (n_test,), covariance (n_test, n_test)) of the infinite-width network's outputs at
    X_test after training on (X_train, y_train): gradient flow up to ``time`` (learning_rate 0),
    or ``time / learning_rate`` steps of full-batch gradient descent with that learning rate.
    time = inf: the converged network. Formulas in the module docstring (Lee et al. 2019)."""
    import numpy as np

    Xtr = np.atleast_2d(np.asarray(X_train, dtype=np.float64))
    Xte = np.atleast_2d(np.asarray(X_test, dtype=np.float64))
    Y = np.asarray(y_train, dtype=np.float64).reshape(-1)
    if Y.size != Xtr.shape[0]:
        raise BadInput("y_train", Y.size, f"one target per training input ({Xtr.shape[0]})")
    if not time >= 0:
        raise BadInput("time", time, "real number >= 0, or inf")
    if not learning_rate >= 0 or math.isinf(learning_rate):
        raise BadInput("learning_rate", learning_rate, "finite real number >= 0 (0: gradient flow)")
    kw = dict(activation=activation, depth=depth, weight_variance=weight_variance, bias_variance=bias_variance)
    A = np.concatenate([Xte, Xtr])
    with np.errstate(all="ignore"):  # overflow and 0/0 are refused just below
        K, T = kernel_matrices(A, None, **kw)
    if not (np.all(np.isfinite(K)) and np.all(np.isfinite(T))):
        raise BadInput("depth", depth, "a depth at which the kernels are finite numbers "
                       "(here they overflow, or underflow to 0/0)")
    m = Xte.shape[0]
    B = coefficients(T[m:, m:], time, learning_rate)
    mean = T[:m, m:] @ B @ Y
    C = np.concatenate([np.eye(m), -(T[:m, m:] @ B)], axis=1)  # rows c(x)^T
    cov = C @ K @ C.T
    return mean, 0.5 * (cov + cov.T)


def nngp_posterior(X_train, y_train, X_test, *, activation, depth, weight_variance, bias_variance=0.0):
    """(mean, covariance) of the NNGP posterior at X_test given noiseless targets (Lee et al. 2018)."""
    import numpy as np

    Xtr = np.atleast_2d(np.asarray(X_train, dtype=np.float64))
    Xte = np.atleast_2d(np.asarray(X_test, dtype=np.float64))
    Y = np.asarray(y_train, dtype=np.float64).reshape(-1)
    kw = dict(activation=activation, depth=depth, weight_variance=weight_variance, bias_variance=bias_variance)
    K, _ = kernel_matrices(np.concatenate([Xte, Xtr]), None, ntk=False, **kw)
    m = Xte.shape[0]
    try:
        sol = np.linalg.solve(K[m:, m:], np.concatenate([Y[:, None], K[m:, :m]], axis=1))
    except np.linalg.LinAlgError:
        raise BadInput("train", "singular NNGP matrix", "distinct training inputs") from None
    return K[:m, m:] @ sol[:, 0], K[:m, :m] - K[:m, m:] @ sol[:, 1:]


def circle(angles):
    """Inputs (cos a, sin a) on the unit circle, one row per angle."""
    import numpy as np

    a = np.asarray(angles, dtype=np.float64).reshape(-1)
    return np.stack([np.cos(a), np.sin(a)], axis=1)


TRAIN = RealList("train", lo=-1e3, hi=1e3, doc="training inputs: angles a_i, x_i = (cos a_i, sin a_i)")
TARGETS = RealList("targets", lo=-1e6, hi=1e6, doc="training targets y_i, one per angle")
TEST = Real("test", lo=-1e3, hi=1e3, doc="test input angle a, x = (cos a, sin a)")
TIME = Real("time", lo=0, hi=1e9, allow_inf=True, default=math.inf,
            doc="training time t (gradient flow) or steps x learning_rate (GD); inf: converged")
RATE = Real("learning_rate", lo=0, hi=1e6, default=0.0, doc="eta of full-batch GD; 0: gradient flow")
_MAX_TRAIN = 400  # cost guard: the kernel matrices of n + 1 inputs and one n x n eigen-decomposition
_MAX_QUADRATURE = 4e5  # cost guard: (n + 1)^2 x depth for the quadrature activations (~10 s on one core)

_EXAMPLES = ({"activation": "relu", "depth": 2, "weight_variance": 2.0, "bias_variance": 0.1,
              "train": (0.0, 1.2, 2.5), "targets": (1.0, -0.5, 0.5), "test": 0.6, "time": 2.0},
             {"activation": "relu", "depth": 2, "weight_variance": 2.0, "bias_variance": 0.1,
              "train": (0.0, 1.2, 2.5), "targets": (1.0, -0.5, 0.5), "test": 0.6, "time": 2.0,
              "learning_rate": 0.1},
             {"activation": "erf", "depth": 3, "weight_variance": 1.5, "bias_variance": 0.0,
              "train": (-1.0, 0.3, 2.0, 4.0), "targets": (0.2, 1.0, -1.0, 0.3), "test": 1.0})


def _guard(activation, depth, train):
    from .gauss import CLOSED

    if len(train) > _MAX_TRAIN:
        raise BadInput("train", f"{len(train)} angles", f"at most {_MAX_TRAIN} (cost guard)")
    cost = (len(train) + 1) ** 2 * depth
    if activation not in CLOSED and cost > _MAX_QUADRATURE:
        raise BadInput("depth", depth, f"(angles + 1)^2 x depth <= {_MAX_QUADRATURE:.0e} for {activation} "
                       f"(quadrature; cost guard)", f"too costly ({cost:.1e})")


def _divergence_regime(activation, depth, weight_variance, train, targets, test, bias_variance=0.0, time=math.inf,
                       learning_rate=0.0, **_):
    """Warn where GD on the linearised network diverges (eta lambda_max >= 2) at a finite t: the value is
    still the infinite-width one (the kernel is frozen for any fixed number of steps), but a network of
    finite width leaves the linear regime after a number of steps growing only like ln N."""
    import numpy as np

    if not (learning_rate > 0 and math.isfinite(time)) or len(targets) != len(train):
        return []
    try:
        _guard(activation, depth, train)
        with np.errstate(all="ignore"):
            _, T = kernel_matrices(circle(train), None, activation=activation, depth=depth,
                                   weight_variance=weight_variance, bias_variance=bias_variance)
        top = float(np.linalg.eigvalsh(T)[-1])
    except (BadInput, np.linalg.LinAlgError):
        return []
    if not learning_rate * top >= 2.0:
        return []
    return [f"learning_rate={learning_rate:g} >= 2/lambda_max = {2 / top:.6g}: gradient descent on the linearised "
            "network diverges; the value is the infinite-width one (exact at any fixed number of steps), but a "
            "finite-width network leaves the linear regime after about ln(width) steps (Lee et al.'s Thm 2.1 "
            "needs eta < 2/(lambda_min + lambda_max))"]


def _circle_problem(activation, depth, weight_variance, bias_variance, train, targets, test, time, learning_rate):
    if len(targets) != len(train):
        raise BadInput("targets", ",".join(map(str, targets)), f"one target per training angle ({len(train)})")
    _guard(activation, depth, train)
    mean, cov = gd_prediction(circle(train), targets, circle([test]), activation=activation, depth=depth,
                              weight_variance=weight_variance, bias_variance=bias_variance, time=time,
                              learning_rate=learning_rate)
    return float(mean[0]), float(cov[0, 0])


@quantity("ntk-gd-test-mean", ACTIVATION, DEPTH, WEIGHT_VARIANCE, BIAS_VARIANCE, TRAIN, TARGETS, TEST, TIME, RATE,
          status="exact", citation=CITATION, examples=_EXAMPLES, verified="recomputed", regime=_divergence_regime)
def ntk_gd_test_mean(activation, depth, weight_variance, train, targets, test, bias_variance=0.0, time=math.inf,
                     learning_rate=0.0):
    """mu_t(x) = Theta(x, X) Theta^{-1} (I - A_t) Y: the mean output of an infinitely wide network
    (NTK parameterisation, depth L, inputs on the unit circle at the given angles) after gradient
    flow for time t (A_t = exp(-t Theta)) or t / eta steps of full-batch GD on (1/2) sum (f - y)^2
    (A_t = (I - eta Theta)^(t/eta)). Exact at infinite width (Lee et al. 2019, Sec. 2.3; derivation
    ``meanfield-ntk-dynamics`` for one training input, recomputed here)."""
    return _circle_problem(activation, depth, weight_variance, bias_variance, train, targets, test, time,
                           learning_rate)[0]


@quantity("ntk-gd-test-variance", ACTIVATION, DEPTH, WEIGHT_VARIANCE, BIAS_VARIANCE, TRAIN, TARGETS, TEST, TIME,
          RATE, status="exact", citation=CITATION, examples=_EXAMPLES, verified="recomputed", regime=_divergence_regime)
def ntk_gd_test_variance(activation, depth, weight_variance, train, targets, test, bias_variance=0.0,
                         time=math.inf, learning_rate=0.0):
    """Sigma_t(x, x) = K(x,x) - 2 Theta(x,X) B_t K(X,x) + Theta(x,X) B_t K(X,X) B_t Theta(X,x),
    B_t = Theta^{-1}(I - A_t): the variance over initialisations of the output of an infinitely
    wide network after gradient flow or GD (as ``ntk-gd-test-mean``); Lee et al. 2019, Sec. 2.3."""
    return _circle_problem(activation, depth, weight_variance, bias_variance, train, targets, test, time,
                           learning_rate)[1]


@quantity("nngp-posterior-mean", ACTIVATION, DEPTH, WEIGHT_VARIANCE, BIAS_VARIANCE, TRAIN, TARGETS, TEST,
          status="exact", verified="recomputed",
          citation="Lee, Bahri, Novak, Schoenholz, Pennington & Sohl-Dickstein (2018), ICLR, 'Deep neural networks "
                   "as Gaussian processes', Sec. 2.2 (GP regression with the NNGP kernel, no noise)",
          examples=tuple({k: v for k, v in e.items() if k not in ("time", "learning_rate")}
                         for e in _EXAMPLES[::2]),
          exempt={"derivation": "Gaussian conditioning with kernel matrices evaluated numerically"})
def nngp_posterior_mean(activation, depth, weight_variance, train, targets, test, bias_variance=0.0):
    """K(x, X) K(X, X)^{-1} Y: the mean of the NNGP posterior (noiseless Bayesian inference with the
    infinite-width prior K^L) at a test input on the unit circle (Lee et al. 2018)."""
    if len(targets) != len(train):
        raise BadInput("targets", ",".join(map(str, targets)), f"one target per training angle ({len(train)})")
    _guard(activation, depth, train)
    mean, _ = nngp_posterior(circle(train), targets, circle([test]), activation=activation, depth=depth,
                             weight_variance=weight_variance, bias_variance=bias_variance)
    return float(mean[0])


@quantity("ntk-gd-deviation-exponent", ACTIVATION, DEPTH, status="heuristic", verified="recomputed",
          citation=CITATION + " (sup_t of the distance between the network and its linearisation is O(N^-1/2)); "
                              "Jacot, Gabriel & Hongler (2018), NeurIPS, Thm 1 (the empirical NTK converges to Theta)",
          examples=({"activation": "relu", "depth": 2}, {"activation": "erf", "depth": 3}),
          exempt={"derivation": "an order-of-magnitude bound quoted from Lee et al. 2019, Thm 2.1, not a formula "
                                "to derive"})
def ntk_gd_deviation_exponent(activation, depth):
    """-1/2: an upper bound on the exponent p of the root-mean-square distance, over initialisations,
    between the output of a width-N network trained by gradient descent (NTK parameterisation,
    squared error, a fixed learning rate below 2/lambda_max) and the infinite-width linearised
    prediction mu_t(x) + f_0(x) - Theta(x,X) B_t f_0(X) at a test input, RMS ~ N^p. Lee et al. 2019,
    Thm 2.1: the trained network stays within O(N^-1/2) of its linearisation around the
    initialisation, for all t; the empirical NTK and its linearisation differ from the
    infinite-width ones by O(N^-1/2) (fluctuations of normalised sums of N terms). So p <= -1/2.
    Status: heuristic. Lee et al.'s theorem is rigorous for the distance to the network's own
    linearisation; the N^-1/2 rate of the initial NTK's fluctuation is the central-limit scaling,
    argued here (Jacot et al.'s Thm 1 gives convergence without a rate), and measured by the check."""
    if depth < 2:
        raise BadInput("depth", depth, "integer >= 2 (a hidden layer at least)")
    return -0.5
