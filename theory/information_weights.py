"""Information in the weights as a PAC-Bayes complexity, and a worked example of invariance (issue 15).

Two groups, both after Achille & Soatto (2018):

- the information Lagrangian for the weights of a Gaussian-likelihood linear model (Bayesian
  linear regression): its Gaussian optimum Q*, its value, and the PAC-Bayes bound of the
  project (``pac-bayes-bound``, theory/generalization.py) evaluated at KL(Q*||P) for a bounded
  loss of the Gibbs regressor;
- a linear-Gaussian representation of an input carrying a task variable Y and a nuisance N:
  I(T;X), I(T;Y), I(T;N) exactly, and the bound I(T;N) <= I(T;X) - I(T;Y), which for a
  sufficient T is Achille & Soatto's I(T;N) <= I(T;X) - I(X;Y).

Nats throughout. Evaluators use mpmath only (imported inside the functions).
"""
from __future__ import annotations

from ._quantity import BadInput, Choice, Int, Real, RealList, quantity
from .generalization import PAC_BAYES_FORMS
from .information import working_digits

AS = "Achille & Soatto (2018), Emergence of invariance and disentanglement in deep representations, JMLR 19 " \
     "(arXiv:1706.01350)"
MAX_ENTRIES = 4000  # n p entries of the design, evaluated at 30 digits in mpmath
MAX_DIM = 12        # p, k, d, m


def _matrix(values, rows: int, name: str, max_cols: int = MAX_DIM):
    """An mpmath matrix (rows x len/rows) from a flat list, refusing ragged or costly inputs."""
    import mpmath

    if len(values) % rows:
        raise BadInput(name, ",".join(map(str, values)), f"a multiple of {rows} numbers (rows)",
                       "the length is not a multiple of the number of rows")
    cols = len(values) // rows
    if cols > max_cols or rows * cols > MAX_ENTRIES:
        raise BadInput(name, f"{rows}x{cols}", f"at most {max_cols} columns and {MAX_ENTRIES} entries", "too costly")
    return mpmath.matrix([[mpmath.mpf(values[i * cols + j]) for j in range(cols)] for i in range(rows)])


# ----------------------------------------------------------------------------- the weights
_DATA = (RealList("design", doc="X (n x p), flattened row by row"),
         Int("rows", lo=1, hi=1000, doc="n, the number of samples"),
         RealList("targets", doc="y, n numbers"),
         Real("prior_std", lo=0.0, lo_open=True, doc="lambda: prior P = N(0, lambda^2 I_p)"),
         Real("noise", lo=0.0, lo_open=True, doc="s: the likelihood y ~ N(w.x, s^2) of the cross-entropy"),
         Real("beta", lo=0.0, lo_open=True, doc="weight of KL(Q||P) in the Lagrangian (beta = 1: Bayes)"))
_DATA_EXAMPLE = {"design": [1.0, 0.0, 0.5, 1.0, -1.0, 2.0, 0.3, -0.7], "rows": 4, "targets": [0.9, 1.2, 0.4, -0.5],
                 "prior_std": 1.0, "noise": 0.5, "beta": 1.0}


def lagrangian_digits(design, prior_std, noise, beta) -> int:
    """Working digits for M = X^T X + c I, c = beta s^2/lambda^2, with r the ratio of |X|^2 to c.
    Where X^T X is singular (p > n) M has condition number ~r (its inverse loses log10 r digits), and
    the data-fit term y^T y - y^T X M^-1 X^T y = c y^T (X X^T + c I)^-1 y cancels another log10 r: at
    30 fixed digits s = 1e-10 gave the fit 0 instead of 1/4 (a wrong value)."""
    import mpmath

    c = mpmath.mpf(beta) * mpmath.mpf(noise) ** 2 / mpmath.mpf(prior_std) ** 2
    scale = max([mpmath.mpf(1)] + [mpmath.mpf(v) ** 2 for v in design])
    return working_digits(20, 2 * float(mpmath.log10(scale / c)))


def lagrangian_posterior(design, rows, targets, prior_std, noise, beta):
    """The Gaussian Q* = N(mu, Sigma) minimising E_Q[sum_i (y_i - w.x_i)^2/(2 s^2)] + beta KL(Q||P):
    M = X^T X + (beta s^2/lambda^2) I, mu = M^{-1} X^T y, Sigma = beta s^2 M^{-1} (mpmath matrices;
    the quadratic-loss optimum of ``optimal_gaussian_posterior`` with H = X^T X/s^2). Also returns X."""
    import mpmath

    X = _matrix(design, rows, "design")
    if len(targets) != rows:
        raise BadInput("targets", ",".join(map(str, targets)), f"a list of rows={rows} numbers", "wrong length")
    y = mpmath.matrix([mpmath.mpf(t) for t in targets])
    s2, l2, b = mpmath.mpf(noise) ** 2, mpmath.mpf(prior_std) ** 2, mpmath.mpf(beta)
    M = X.T * X + (b * s2 / l2) * mpmath.eye(X.cols)
    Minv = mpmath.inverse(M)
    return Minv * (X.T * y), b * s2 * Minv, X, y


def _logdet(m):
    """ln det of a symmetric positive-definite mpmath matrix, 2 sum ln L_ii of its Cholesky factor
    (no pivot tolerance): mpmath.det and mpmath.cholesky call a pivot far below the matrix's norm
    singular (det 0, ln det -inf), e.g. a covariance sigma^2 I + V V^T at sigma = 1e-20."""
    import mpmath

    n = m.rows
    L = mpmath.matrix(n, n)
    total = mpmath.mpf(0)
    for j in range(n):
        pivot = m[j, j] - mpmath.fsum(L[j, k] ** 2 for k in range(j))
        if not pivot > 0:  # not positive definite to working precision
            return mpmath.log(mpmath.det(m))
        L[j, j] = mpmath.sqrt(pivot)
        total += mpmath.log(pivot)
        for i in range(j + 1, n):
            L[i, j] = (m[i, j] - mpmath.fsum(L[i, k] * L[j, k] for k in range(j))) / L[j, j]
    return total


def gaussian_kl_from_prior(mu, sigma, prior_std):
    """KL(N(mu, Sigma) || N(0, lambda^2 I)) = (1/2)[tr Sigma/lambda^2 + |mu|^2/lambda^2 - p - ln det(Sigma/lambda^2)]."""
    import mpmath

    p, l2 = sigma.rows, mpmath.mpf(prior_std) ** 2
    trace = sum(sigma[i, i] for i in range(p))
    return (trace / l2 + sum(m * m for m in mu) / l2 - p - _logdet(sigma / l2)) / 2


def gibbs_tolerance_risk(mu, sigma, X, y, tolerance):
    """Empirical Gibbs risk of Q = N(mu, Sigma) for the loss 1{|y - w.x| > tolerance}: w.x_i ~ N(mu.x_i,
    x_i^T Sigma x_i), so each term is (1/2)[erfc((tau - r_i)/(v_i sqrt 2)) + erfc((tau + r_i)/(v_i sqrt 2))]
    with r_i = y_i - mu.x_i, v_i^2 = x_i^T Sigma x_i."""
    import mpmath

    tau, total = mpmath.mpf(tolerance), mpmath.mpf(0)
    for i in range(X.rows):
        x = X[i, :]
        r = y[i] - (x * mu)[0]
        v2 = (x * sigma * x.T)[0]
        if v2 <= 0:  # x_i = 0: the prediction is exactly 0
            total += 1 if abs(r) > tau else 0
            continue
        v = mpmath.sqrt(2 * v2)
        total += (_erfc((tau - r) / v) + _erfc((tau + r) / v)) / 2
    return total / X.rows


ERFC_FAR = 10**6  #: |x| beyond which erfc(x) is 0 or 2 at any working precision up to 10^11 digits


def _erfc(x):
    """mpmath.erfc(x), with its far tails as their values: for x > ERFC_FAR, 0 < erfc(x) < exp(-x^2)
    < 10^-(4*10^11), below any working precision (mpmath's erfc itself overflows a float there)."""
    import mpmath

    if abs(x) > ERFC_FAR:
        return mpmath.mpf(0) if x > 0 else mpmath.mpf(2)
    return mpmath.erfc(x)


@quantity("weight-lagrangian-value", *_DATA, status="exact",
          verified="recomputed",
          citation=AS + ", the information Lagrangian for the weights (cross-entropy + beta KL(Q||P))"
          + "; its Gaussian-likelihood optimum recomputed here (Gibbs variational principle; Donsker-Varadhan)",
          examples=(_DATA_EXAMPLE, {**_DATA_EXAMPLE, "beta": 0.1}, {**_DATA_EXAMPLE, "rows": 2, "targets": [1, 2]}))
def weight_lagrangian_value(design, rows: int, targets, prior_std: float, noise: float, beta: float):
    """min_Q { E_Q[sum_i -ln N(y_i; w.x_i, s^2)] + beta KL(Q||P) }, P = N(0, lambda^2 I_p), Q over all laws:
      = (n/2) ln(2 pi s^2) + (1/(2 s^2)) [ y^T y - y^T X M^{-1} X^T y ] + (beta/2) ln det(I_p + lambda^2 X^T X/(beta s^2)),
    M = X^T X + (beta s^2/lambda^2) I. By the Gibbs variational principle the minimum over all Q is
    -beta ln E_P[exp(-L(w)/beta)], attained by Q* ~ P exp(-L/beta), which is Gaussian here
    (``lagrangian_posterior``): the Gaussian family loses nothing. At beta = 1 this is -ln p(y|X), the
    negative log evidence, and Q* is the Bayes posterior. The cross-entropy is Achille & Soatto's
    H_{p,q}(y|x,w) for a Gaussian likelihood; the data term is the empirical one (a sum over the
    n samples). Exact, nats.
    """
    import mpmath

    with mpmath.workdps(lagrangian_digits(design, prior_std, noise, beta)):
        mu, _, X, y = lagrangian_posterior(design, rows, targets, prior_std, noise, beta)
        s2, l2, b = mpmath.mpf(noise) ** 2, mpmath.mpf(prior_std) ** 2, mpmath.mpf(beta)
        fit = ((y.T * y)[0] - ((X.T * y).T * mu)[0]) / (2 * s2)
        logdet = _logdet(mpmath.eye(X.cols) + (l2 / (b * s2)) * (X.T * X))
        return +(rows * mpmath.log(2 * mpmath.pi * s2) / 2 + fit + b * logdet / 2)


@quantity("weight-information-pac-bayes", *_DATA,
          Real("tolerance", lo=0.0, lo_open=True, doc="tau: the loss is 1{|y - w.x| > tau}"),
          Choice("form", choices=PAC_BAYES_FORMS, default="langford-seeger", doc="which PAC-Bayes bound"),
          Real("delta", lo=0.0, hi=1.0, lo_open=True, hi_open=True, default=0.05, doc="confidence 1 - delta"),
          Real("catoni_c", lo=0.0, lo_open=True, hi=1000, default=1.0, doc="Catoni's C (form catoni only)"),
          status="rigorous-upper-bound",
          verified="secondary",
          citation=AS + " (the KL term of the weight Lagrangian as a PAC-Bayes complexity)"
          + "; the bound itself is the project's pac-bayes-bound (its citations)",
          examples=({**_DATA_EXAMPLE, "tolerance": 1.0}, {**_DATA_EXAMPLE, "tolerance": 0.5, "form": "mcallester"}),
          exempt={"derivation": "a composition: pac-bayes-bound evaluated at KL(Q*||P) (Q* derived in "
                                "weight-lagrangian and gaussian-posterior) and an exact erfc sum; nothing new to derive"})
def weight_information_pac_bayes(design, rows: int, targets, prior_std: float, noise: float, beta: float,
                                 tolerance: float, form: str = "langford-seeger", delta: float = 0.05,
                                 catoni_c: float = 1.0):
    """pac-bayes-bound(form, n, delta, kl = KL(Q*||P), empirical_risk = r(Q*)): the bound on the Gibbs risk
    E_{w~Q*} P_{(x,y)}(|y - w.x| > tau) of the Lagrangian's optimal posterior Q* (``lagrangian_posterior``).

    KL(Q*||P) = (1/2)[tr Sigma/lambda^2 + |mu|^2/lambda^2 - p - ln det(Sigma/lambda^2)], the complexity
    term of the weight Lagrangian at its optimum; r(Q*) the exact empirical Gibbs risk of the 0-1
    tolerance loss (``gibbs_tolerance_risk``). Valid with probability >= 1 - delta over n i.i.d.
    samples (x_i, y_i) from any distribution, because P is fixed before the data and the bound holds
    for all Q simultaneously; it says nothing about the squared loss the Lagrangian minimises
    (unbounded), nor about a deterministic predictor. The bound is evaluated by calling
    ``pac-bayes-bound``; its formula is not repeated here. Rigorous upper bound.
    """
    import mpmath

    from . import evaluate

    with mpmath.workdps(lagrangian_digits(design, prior_std, noise, beta)):
        mu, sigma, X, y = lagrangian_posterior(design, rows, targets, prior_std, noise, beta)
        kl = gaussian_kl_from_prior(mu, sigma, prior_std)
        risk = gibbs_tolerance_risk(mu, sigma, X, y, tolerance)
    return evaluate("pac-bayes-bound", form=form, n=rows, delta=delta, kl=max(float(kl), 0.0),
                    empirical_risk=min(max(float(risk), 0.0), 1.0), catoni_c=catoni_c)


# ----------------------------------------------------------------------------- invariance
_MODEL = (RealList("signal", doc="u (length d): X = u Y + V N + sigma E, Y ~ N(0,1)"),
          RealList("nuisance", doc="V (d x m), flattened row by row; N ~ N(0, I_m) independent of Y"),
          Int("nuisance_dim", lo=1, hi=MAX_DIM, doc="m, the dimension of N"),
          Real("input_noise", lo=0.0, lo_open=True, doc="sigma: E ~ N(0, I_d) independent of Y, N"),
          RealList("encoder", doc="A (k x d), flattened row by row: T = A X + s Z, Z ~ N(0, I_k)"),
          Int("rows", lo=1, hi=MAX_DIM, doc="k, the rows of A"),
          Real("noise", lo=0.0, lo_open=True, doc="s, the encoder noise"))
ORTHOGONAL = {"signal": [1.0, 0.0], "nuisance": [0.0, 1.0], "nuisance_dim": 1, "input_noise": 0.5,
              "encoder": [1.0, 0.0], "rows": 1, "noise": 0.1}
MODEL_EXAMPLES = (ORTHOGONAL, {**ORTHOGONAL, "encoder": [1.0, 0.5]},
                   {**ORTHOGONAL, "nuisance": [0.6, 0.8], "encoder": [0.8, -0.6, 1.0, 1.0], "rows": 2})
INFORMATIONS = ("t-x", "t-y", "t-n", "x-y")


def representation_digits(signal, nuisance, input_noise, encoder, noise) -> int:
    """Working digits for the log-determinants of the representation covariances: the digits of the
    ratio of their scale to their smallest noise floor (s^2 for T, sigma^2 for X) are carried, so that
    a covariance like v v^T + e I with e ~ 1e-40 keeps its digits in ln det (at 30 fixed digits its
    Cholesky factor failed and the value was refused)."""
    import mpmath

    entries = [mpmath.mpf(v) ** 2 for v in (*signal, *nuisance)]
    gain = max([mpmath.mpf(1)] + [mpmath.mpf(v) ** 2 for v in encoder])
    scale = (1 + sum(entries) + mpmath.mpf(input_noise) ** 2) * gain * len(signal)
    floor = min(mpmath.mpf(input_noise) ** 2, mpmath.mpf(noise) ** 2)
    return working_digits(20, float(mpmath.log10(scale / floor)))


def representation_covariances(signal, nuisance, nuisance_dim, input_noise, encoder, rows, noise):
    """(Cov T, Cov(T|Y), Cov(T|N), Cov(T|X), Cov X, Cov(X|Y)) as mpmath matrices (see ``nuisance-information``)."""
    import mpmath

    d = len(signal)
    if d > MAX_DIM:
        raise BadInput("signal", ",".join(map(str, signal)), f"at most {MAX_DIM} numbers", "too costly")
    u = mpmath.matrix([mpmath.mpf(v) for v in signal])
    V = _matrix(nuisance, d, "nuisance")
    if V.cols != nuisance_dim:
        raise BadInput("nuisance", ",".join(map(str, nuisance)), f"d x m = {d} x {nuisance_dim} numbers",
                       "the length is not len(signal) * nuisance_dim")
    A = _matrix(encoder, rows, "encoder")
    if A.cols != d:
        raise BadInput("encoder", ",".join(map(str, encoder)), f"k x d = {rows} x {d} numbers",
                       "the length is not rows * len(signal)")
    e2, s2 = mpmath.mpf(input_noise) ** 2, mpmath.mpf(noise) ** 2
    given_y = V * V.T + e2 * mpmath.eye(d)
    given_n = u * u.T + e2 * mpmath.eye(d)
    cov_x = u * u.T + given_y
    out = [A * c * A.T + s2 * mpmath.eye(rows) for c in (cov_x, given_y, given_n)]
    return (*out, s2 * mpmath.eye(rows), cov_x, given_y)


@quantity("nuisance-information", *_MODEL, Choice("information", choices=INFORMATIONS, doc="which pair"),
          status="exact", verified="recomputed", citation="the invariance example for " + AS + "; Gaussian entropies "
          "(Cover & Thomas 2006, Thm 8.4.1); recomputed here",
          examples=tuple({**m, "information": i} for m in MODEL_EXAMPLES for i in INFORMATIONS))
def nuisance_information(signal, nuisance, nuisance_dim: int, input_noise: float, encoder, rows: int,
                         noise: float, information: str):
    """I(T;X), I(T;Y), I(T;N) or I(X;Y) for X = u Y + V N + sigma E, T = A X + s Z (all standard normal):
      I(T;B) = (1/2) ln det Cov T - (1/2) ln det Cov(T|B),  Cov T = A Sigma_X A^T + s^2 I,
      Cov(T|Y) = A (V V^T + sigma^2 I) A^T + s^2 I,  Cov(T|N) = A (u u^T + sigma^2 I) A^T + s^2 I,
      Cov(T|X) = s^2 I;  I(X;Y) = (1/2) ln(1 + u^T (V V^T + sigma^2 I)^{-1} u).
    Exact, nats.
    """
    import mpmath

    with mpmath.workdps(representation_digits(signal, nuisance, input_noise, encoder, noise)):
        cov_t, given_y, given_n, given_x, cov_x, x_given_y = representation_covariances(
            signal, nuisance, nuisance_dim, input_noise, encoder, rows, noise)
        if information == "x-y":
            return +(_logdet(cov_x) - _logdet(x_given_y)) / 2
        cond = {"t-x": given_x, "t-y": given_y, "t-n": given_n}[information]
        return max(+(_logdet(cov_t) - _logdet(cond)) / 2, mpmath.mpf(0)) + 0


@quantity("nuisance-information-bound", *_MODEL, status="rigorous-upper-bound",
          verified="recomputed",
          citation=AS + ": for a sufficient T and a nuisance N independent of Y with (Y, N) -> X -> T, "
          "I(T;N) <= I(T;X) - I(X;Y) (their invariance/minimality proposition); "
          "the form for every T, I(T;N) <= I(T;X) - I(T;Y) = I(T;X|Y), recomputed here",
          examples=MODEL_EXAMPLES)
def nuisance_information_bound(signal, nuisance, nuisance_dim: int, input_noise: float, encoder, rows: int,
                               noise: float):
    """I(T;N) <= I(T;X) - I(T;Y) = I(T;X|Y) = (1/2) ln det(I + A (V V^T + sigma^2 I) A^T / s^2).

    For N independent of Y and T a function of X (plus independent noise): I(T;N) <= I(T;N|Y) (since
    H(N|Y) = H(N) and conditioning reduces entropy) <= I(T;X|Y) (data processing given Y) =
    I(T;X) - I(T;Y) (Y -> X -> T). For a sufficient T (I(T;Y) = I(X;Y)) this is Achille & Soatto's
    I(T;N) <= I(T;X) - I(X;Y): the less a sufficient T keeps of X, the less it can keep of N. It
    does not say that a minimal T is invariant (I(T;N) = 0) unless the bound itself reaches 0.
    Rigorous upper bound, nats.
    """
    import mpmath

    with mpmath.workdps(representation_digits(signal, nuisance, input_noise, encoder, noise)):
        _, given_y, _, given_x, _, _ = representation_covariances(signal, nuisance, nuisance_dim, input_noise,
                                                                  encoder, rows, noise)
        return +(_logdet(given_y) - _logdet(given_x)) / 2
