"""Information theory of representations and weights, done exactly where it can be.

Three groups (issue 15):

- the Gaussian information bottleneck (Chechik, Globerson, Tishby & Weiss 2005, JMLR 6):
  critical tradeoff parameters, the analytic information curve and the optimal encoder;
- the mutual information of noisy layers: X uniform on K points, T = phi(W x) + N(0, s^2 I_k),
  a Gaussian mixture; the Kolchinsky & Tracey (2017) pairwise-distance bounds in closed form,
  the binning estimator exactly as Shwartz-Ziv & Tishby (2017) used it, and linear Gaussian
  layers in closed form;
- the information in the weights (Achille & Soatto 2018): Bayesian linear regression and the
  KL-optimal Gaussian posterior of a quadratic loss under a Gaussian prior.

All informations are in nats (divide by ln 2 for bits). Evaluators use math and mpmath only;
numpy is imported lazily by the Python-only helpers (``gaussian_ib_encoder``).

The noisy layer is given in one of two forms (``form=``):

- ``points``: the mixture centres typed as a flat list, ``centers=c11,...,c1k,c21,...`` with
  ``dim=k``; each centre is one input x, all equally likely;
- ``random-layer``: the inputs are the K = 2^input_dim vertices of {-1, +1}^input_dim (as in
  Shwartz-Ziv & Tishby's 12-bit task), W has i.i.d. N(0, gain^2/input_dim) entries drawn from
  ``seed`` by Box-Muller on Python's ``random.Random(seed).random()`` (whose sequence Python
  guarantees across versions), and the centres are activation(W x) (no bias).
"""
from __future__ import annotations

import bisect
import math
import random
from functools import lru_cache

from ._quantity import BadInput, Choice, Int, Real, RealList, quantity

CHECHIK = ("Chechik, Globerson, Tishby & Weiss (2005), Information Bottleneck for Gaussian Variables, "
           "JMLR 6:165-188")
KT = ("Kolchinsky & Tracey (2017), Estimating mixture entropy with pairwise distances, Entropy 19:361 "
      "(arXiv:1706.02419)")
SZT = "Shwartz-Ziv & Tishby (2017), Opening the black box of deep neural networks via information, arXiv:1703.00810"
AS = "Achille & Soatto (2018), Emergence of invariance and disentanglement in deep representations, JMLR 19"

ACTIVATIONS = ("tanh", "relu", "linear")
MAX_PAIR_WORK = 4_000_000  # K^2 k for the pairwise bounds, evaluated in pure Python (~1-2 s)
MAX_LAYER_WORK = 2_000_000  # K k d to build a random layer's centres

# ----------------------------------------------------------------------------- Gaussian IB
_EIGENVALUES = RealList("eigenvalues", lo=0.0, hi=1.0, doc="eigenvalues of Sigma_x|y Sigma_x^-1, in (0, 1]")


def sorted_eigenvalues(eigenvalues) -> list[float]:
    """The eigenvalues in increasing order, each in (0, 1] (an eigenvalue 0 means Y fixes a
    direction of X exactly: infinite information, no finite curve)."""
    values = sorted(float(v) for v in eigenvalues)
    if values[0] <= 0.0:
        raise BadInput("eigenvalues", ",".join(map(str, eigenvalues)), "eigenvalues in (0, 1]",
                       "an eigenvalue 0 makes I(X;Y) infinite")
    return values


@quantity("gaussian-ib-critical-beta", _EIGENVALUES, Int("index", lo=1, doc="I, counted from 1 for the smallest"),
          status="exact", verified="recomputed",
          citation=CHECHIK + ", Theorem 3.1 (beta_i^c = 1/(1 - lambda_i)); re-derived here",
          examples=({"eigenvalues": [0.1, 0.5, 0.9], "index": 2}, {"eigenvalues": [0.25], "index": 1}))
def gaussian_ib_critical_beta(eigenvalues, index: int):
    """beta_I^c = 1 / (1 - lambda_I): the tradeoff at which the I-th eigenvector enters the optimal encoder.

    lambda_1 <= lambda_2 <= ... are the eigenvalues of Sigma_{x|y} Sigma_x^{-1} (Chechik et al.
    2005, Theorem 3.1): for beta < beta_1^c the optimal T carries no information; the I-th
    component is switched on at beta_I^c. An eigenvalue 1 (a direction of X independent of Y)
    is never switched on (refused: its critical beta is infinite). Exact.
    """
    values = sorted_eigenvalues(eigenvalues)
    if index > len(values):
        raise BadInput("index", index, f"integer from 1 to {len(values)} (the number of eigenvalues)")
    lam = values[index - 1]
    if lam >= 1.0:
        raise BadInput("index", index, "an index whose eigenvalue is below 1",
                       "eigenvalue 1: this direction carries no information about Y, beta^c is infinite")
    return 1.0 / (1.0 - lam)


def gaussian_ib_segments(eigenvalues) -> list[float]:
    """I(T;X) at which component n+1 switches on, n = 1, 2, ...: the right ends of the segments.

    On segment n (n components active) beta - 1 = e^{2 I/n} prod_{i<=n} (lambda_i/(1-lambda_i))^{1/n};
    component n+1 enters at beta = 1/(1 - lambda_{n+1}), i.e. at
    I_n = (1/2) sum_{i<=n} ln[ lambda_{n+1} (1 - lambda_i) / ((1 - lambda_{n+1}) lambda_i) ].
    Eigenvalues 1 never enter (their end is +inf).
    """
    values = sorted_eigenvalues(eigenvalues)
    ends, log_odds = [], 0.0  # log_odds = sum_{i<=n} ln((1 - lambda_i)/lambda_i), accumulated: O(n) in all
    for n in range(1, len(values) + 1):
        log_odds += math.log((1 - values[n - 1]) / values[n - 1]) if values[n - 1] < 1.0 else 0.0
        if n == len(values) or values[n] >= 1.0:
            ends.append(math.inf)
            break
        nxt = values[n]
        ends.append(0.5 * (n * math.log(nxt / (1 - nxt)) + log_odds))
    return ends


def gaussian_ib_active(eigenvalues, info_x: float) -> int:
    """Number of active components n at I(T;X) = info_x (0 where info_x = 0)."""
    if info_x == 0:
        return 0
    for n, end in enumerate(gaussian_ib_segments(eigenvalues), start=1):
        if info_x <= end:
            return n
    raise AssertionError("unreachable: the last segment is unbounded")


def gaussian_ib_beta(eigenvalues, info_x: float) -> float:
    """The tradeoff beta of the optimal encoder with I(T;X) = info_x (> 0):
    beta = 1 + e^{2 I/n} prod_{i<=n} (lambda_i/(1 - lambda_i))^{1/n} on segment n."""
    values = sorted_eigenvalues(eigenvalues)
    n = gaussian_ib_active(values, info_x)
    if n == 0:
        return 1.0
    if values[0] >= 1.0:
        raise BadInput("eigenvalues", ",".join(map(str, eigenvalues)), "at least one eigenvalue below 1",
                       "every eigenvalue is 1: no tradeoff reaches I(T;X) > 0 with I(T;Y) > 0")
    log_ratio = sum(math.log(lam / (1 - lam)) for lam in values[:n]) / n
    return 1.0 + math.exp(2 * info_x / n + log_ratio)


@quantity("gaussian-ib-curve", _EIGENVALUES, Real("info_x", lo=0.0, doc="I(T;X) in nats"),
          status="exact", verified="recomputed",
          citation=CHECHIK + ", the analytic information curve; re-derived here (derivation gaussian-ib)",
          examples=({"eigenvalues": [0.1, 0.5, 0.9], "info_x": 1.0}, {"eigenvalues": [0.3], "info_x": 0.5},
                    {"eigenvalues": [0.2, 0.6, 1.0], "info_x": 3.0}))
def gaussian_ib_curve(eigenvalues, info_x: float):
    """I(T;Y) = I - (n/2) ln[ prod_{i<=n} (1-lambda_i)^{1/n} + e^{2I/n} prod_{i<=n} lambda_i^{1/n} ], I = I(T;X).

    The Gaussian information curve: the largest I(T;Y) any encoder T of jointly Gaussian
    (X, Y) reaches at I(T;X) = I (Chechik et al. 2005, Sec. 5), n the number of components
    active at I (those with I > I_{n-1}, see ``gaussian_ib_segments``). Concave, increasing,
    with slope 1/beta; tends to I(X;Y) = -(1/2) sum ln lambda_i as I -> inf. Nats. Exact.
    """
    values = sorted_eigenvalues(eigenvalues)
    n = gaussian_ib_active(values, info_x)
    if n == 0 or values[0] >= 1.0:  # every eigenvalue 1: X is independent of Y, no encoder informs about Y
        return 0.0
    active = values[:n]
    log_one_minus = sum(math.log1p(-lam) for lam in active) / n
    log_lam = sum(math.log(lam) for lam in active) / n
    # ln(a + b) with a = e^{log_one_minus}, b = e^{2I/n + log_lam}, without overflow
    a, b = log_one_minus, 2 * info_x / n + log_lam
    big = max(a, b)
    return info_x - n / 2 * (big + math.log(math.exp(a - big) + math.exp(b - big)))


def gaussian_ib_encoder(cov_x, cov_xy, cov_y, beta: float):
    """The optimal Gaussian-IB encoder T = A X + xi, xi ~ N(0, I) (Chechik et al. 2005, Theorem 3.1).

    Rows of A are alpha_i v_i^T for the left eigenvectors v_i of Sigma_{x|y} Sigma_x^{-1}
    (increasing eigenvalues lambda_i), alpha_i = sqrt((beta (1 - lambda_i) - 1) / (lambda_i r_i)),
    r_i = v_i^T Sigma_x v_i, for beta > 1/(1 - lambda_i), and 0 otherwise. Returns
    (A, noise covariance, eigenvalues); A has one row per eigenvalue (zero rows inactive).
    """
    import numpy as np

    cov_x, cov_xy, cov_y = (np.asarray(m, dtype=np.float64) for m in (cov_x, cov_xy, cov_y))
    cov_x_y = cov_x - cov_xy @ np.linalg.solve(cov_y, cov_xy.T)
    chol = np.linalg.cholesky(cov_x)
    inv = np.linalg.inv(chol)
    lam, u = np.linalg.eigh(inv @ cov_x_y @ inv.T)  # Sigma_x|y v = lam Sigma_x v, v = L^-T u
    v = inv.T @ u
    r = np.einsum("ij,ik,kj->j", v, cov_x, v)
    alpha2 = np.where(beta * (1 - lam) > 1, (beta * (1 - lam) - 1) / (lam * r), 0.0)
    A = np.sqrt(alpha2)[:, None] * v.T
    return A, np.eye(len(lam)), lam


# ----------------------------------------------------------------------------- noisy layers
_FORM = Choice("form", choices=("points", "random-layer"), default="points",
               doc="points: typed centres; random-layer: a seeded random layer on {-1,1}^input_dim")
_LAYER = (
    _FORM,
    RealList("centers", default=None, forms=("points",), doc="the K centres, flattened, dim numbers each"),
    Int("dim", lo=1, default=None, forms=("points",), doc="k, the dimension of each centre"),
    Int("input_dim", lo=1, hi=12, default=None, forms=("random-layer",), doc="d: K = 2^d inputs {-1,1}^d"),
    Int("units", lo=1, hi=256, default=None, forms=("random-layer",), doc="k, the width of the layer"),
    Choice("activation", choices=ACTIVATIONS, default=None, forms=("random-layer",), form_optional=True,
           doc="phi (default tanh)"),
    Real("gain", lo=0.0, lo_open=True, default=None, forms=("random-layer",), form_optional=True,
         doc="weights N(0, gain^2/d) (default 1)"),
    Int("seed", lo=0, default=None, forms=("random-layer",), form_optional=True, doc="default 0"),
)
_NOISE = Real("noise", lo=0.0, lo_open=True, doc="s, the standard deviation of the Gaussian noise")
_LAYER_EXAMPLES = ({"centers": [0, 0, 1, 0, 0, 1], "dim": 2, "noise": 0.5},
                   {"form": "random-layer", "input_dim": 4, "units": 3, "noise": 0.3})


def random_layer_weights(units: int, input_dim: int, gain: float, seed: int) -> list[list[float]]:
    """W (units x input_dim), i.i.d. N(0, gain^2/input_dim), by Box-Muller on random.Random(seed).random()."""
    gen = random.Random(seed)
    scale = gain / math.sqrt(input_dim)
    flat = []
    while len(flat) < units * input_dim:
        u1, u2 = 1.0 - gen.random(), gen.random()  # u1 in (0, 1]
        radius = math.sqrt(-2.0 * math.log(u1))
        flat += [radius * math.cos(2 * math.pi * u2), radius * math.sin(2 * math.pi * u2)]
    return [[scale * flat[i * input_dim + j] for j in range(input_dim)] for i in range(units)]


def hypercube(input_dim: int) -> list[tuple[float, ...]]:
    """The 2^d vertices of {-1, 1}^d; vertex m has coordinate j = +1 where bit j of m is 1."""
    return [tuple(1.0 if (m >> j) & 1 else -1.0 for j in range(input_dim)) for m in range(2**input_dim)]


def _phi(name: str, u: float) -> float:
    return math.tanh(u) if name == "tanh" else (max(u, 0.0) if name == "relu" else u)


@lru_cache(maxsize=64)
def _random_layer(input_dim, units, activation, gain, seed) -> tuple[tuple[float, ...], ...]:
    W = random_layer_weights(units, input_dim, gain, seed)
    return tuple(tuple(_phi(activation, sum(w * x for w, x in zip(row, xs))) for row in W)
                 for xs in hypercube(input_dim))


def layer_centers(form="points", centers=None, dim=None, input_dim=None, units=None, activation=None,
                  gain=None, seed=None) -> tuple[tuple[float, ...], ...]:
    """The K mixture centres phi(W x) of a layer given in either form (see the module docstring)."""
    if form == "points":
        if len(centers) % dim:
            raise BadInput("centers", ",".join(map(str, centers)), f"a multiple of dim={dim} numbers",
                           "the length is not a multiple of dim")
        return tuple(tuple(float(c) for c in centers[i:i + dim]) for i in range(0, len(centers), dim))
    if 2**input_dim * units * input_dim > MAX_LAYER_WORK:
        raise BadInput("units", units, f"2^input_dim * units * input_dim <= {MAX_LAYER_WORK}", "too costly")
    return _random_layer(input_dim, units, activation or "tanh", 1.0 if gain is None else float(gain),
                         0 if seed is None else seed)


def _pairwise_bound(centers, noise: float, divisor: float) -> float:
    """-(1/K) sum_i ln[(1/K) sum_j exp(-|mu_i - mu_j|^2 / (divisor s^2))]."""
    K, k = len(centers), len(centers[0])
    if K * K * k > MAX_PAIR_WORK:
        raise BadInput("centers", f"K={K} centres of dimension {k}", f"K^2 k <= {MAX_PAIR_WORK}",
                       "too costly for the pairwise bound")
    def scaled(x, y):  # ((x - y)/s)^2 without overflow errors: a huge value becomes inf, exp(-inf) = 0
        u = (x - y) / noise
        return u * u

    total = 0.0
    for a in centers:
        terms = [-sum(scaled(x, y) for x, y in zip(a, b)) / divisor for b in centers]
        top = max(terms)  # = 0, the j = i term
        total += top + math.log(math.fsum(math.exp(t - top) for t in terms) / K)
    return max(-total / K, 0.0) + 0.0  # no -0.0


@quantity("mixture-information-kl-upper", *_LAYER, _NOISE, status="rigorous-upper-bound",
          verified="recomputed",
          citation=KT + ", the KL-divergence pairwise upper bound on the mixture entropy and its "
                        "Gaussian closed form, applied to I(X;T) = H(T) - H(T|X); recomputed here",
          examples=_LAYER_EXAMPLES)
def mixture_information_kl_upper(noise: float, **layer):
    """I(X;T) <= -(1/K) sum_i ln[(1/K) sum_j exp(-|mu_i - mu_j|^2 / (2 s^2))], T = mu_X + N(0, s^2 I).

    X uniform on K inputs with centres mu_x = phi(W x). Kolchinsky & Tracey (2017): with the
    KL divergence as the pairwise distance, H(T) <= sum_i c_i H(p_i) - sum_i c_i ln sum_j c_j
    e^{-KL(p_i||p_j)}; for equal-covariance Gaussians KL = |mu_i - mu_j|^2/(2 s^2), and
    I(X;T) = H(T) - sum_i c_i H(p_i). Rigorous upper bound, nats; at most ln K.
    """
    return _pairwise_bound(layer_centers(**layer), noise, 2.0)


@quantity("mixture-information-bhattacharyya-lower", *_LAYER, _NOISE, status="rigorous-lower-bound",
          verified="recomputed",
          citation=KT + ", the Chernoff-alpha (alpha = 1/2: Bhattacharyya) pairwise lower bound on the "
                        "mixture entropy and its Gaussian closed form; recomputed here",
          examples=_LAYER_EXAMPLES)
def mixture_information_bhattacharyya_lower(noise: float, **layer):
    """I(X;T) >= -(1/K) sum_i ln[(1/K) sum_j exp(-|mu_i - mu_j|^2 / (8 s^2))], T = mu_X + N(0, s^2 I).

    Kolchinsky & Tracey (2017): the Chernoff alpha-divergence gives a lower bound on H(T);
    alpha = 1/2 is the Bhattacharyya distance, |mu_i - mu_j|^2/(8 s^2) for equal-covariance
    Gaussians, the tightest of the family for symmetric location families. Rigorous lower
    bound, nats.
    """
    return _pairwise_bound(layer_centers(**layer), noise, 8.0)


def linspace_edges(lo: float, hi: float, bins: int) -> list[float]:
    """numpy.linspace(lo, hi, bins) in pure Python (lo + i step, the last edge exactly hi)."""
    step = (hi - lo) / (bins - 1)
    return [lo + i * step for i in range(bins - 1)] + [hi]


def binned_codes(centers, bins: int, lo: float, hi: float) -> list[tuple[int, ...]]:
    """Bin labels of each activation, as Shwartz-Ziv & Tishby's code does it (idnns/information/
    information_process.py): edges = linspace(lo, hi, bins); a value a gets the label
    edges[digitize(a, edges) - 1], digitize counting the edges <= a; a value below lo gets
    digitize 0, i.e. the label edges[-1] (their Python indexing wraps around)."""
    edges = linspace_edges(lo, hi, bins)
    return [tuple((bisect.bisect_right(edges, a) - 1) % bins for a in c) for c in centers]


@quantity("binned-layer-information", *_LAYER,
          Int("bins", lo=2, hi=100_000, default=30, doc="number of bin edges, np.linspace(lo, hi, bins)"),
          Real("lo", default=-1.0, doc="lowest edge"), Real("hi", default=1.0, doc="highest edge"),
          status="exact", verified="recomputed",
          citation=SZT + "; their code, read here: idnns/information/information_process.py "
                                         "(np.linspace(-1, 1, num_of_bins), np.digitize) and "
                                         "idnns/networks/network_paramters.py (num_of_bins = 30)",
          examples=({"centers": [0.05, 0.1, 0.5, 0.9], "dim": 1, "bins": 30},
                    {"form": "random-layer", "input_dim": 12, "units": 10, "bins": 30}),
          exempt={"derivation": "an estimator's definition (an entropy of counts), nothing to derive"})
def binned_layer_information(bins: int = 30, lo: float = -1.0, hi: float = 1.0, **layer):
    """H(binned T) = -sum_t p(t) ln p(t): the binning estimate of I(X;T) for a deterministic layer.

    X uniform on K distinct inputs, T = phi(W x) deterministic, each unit's activation replaced
    by its bin label (``binned_codes``); then H(T_bin | X) = 0 and the estimate is the entropy of
    the labels' empirical distribution (Shwartz-Ziv & Tishby 2017). It is the exact value of
    that estimator, not of any mutual information: the true I(X;T) of the noiseless layer is
    ln K (or infinite for continuous X), and of a noisy layer it is what the Kolchinsky-Tracey
    bounds bracket. Nats (their figures are in bits: divide by ln 2).
    """
    if not lo < hi:
        raise BadInput("hi", hi, f"a number above lo={lo}")
    codes = binned_codes(layer_centers(**layer), bins, lo, hi)
    counts: dict[tuple, int] = {}
    for c in codes:
        counts[c] = counts.get(c, 0) + 1
    K = len(codes)
    return max(-math.fsum(n / K * math.log(n / K) for n in counts.values()), 0.0) + 0.0  # no -0.0


def _mp_matrix(values, rows: int, name: str):
    import mpmath

    if len(values) % rows:
        raise BadInput(name, ",".join(map(str, values)), f"a multiple of rows={rows} numbers",
                       "the length is not a multiple of rows")
    cols = len(values) // rows
    if rows * cols > 400 or rows > 20 or cols > 20:
        raise BadInput(name, f"{rows}x{cols}", "at most 20 x 20 entries", "too large for exact evaluation")
    return mpmath.matrix([[mpmath.mpf(values[i * cols + j]) for j in range(cols)] for i in range(rows)])


def working_digits(dps: int, *log10_scales: float) -> int:
    """Working digits: dps + 10 plus the decimal orders of magnitude that cancel (entries of W W^T/s^2
    beside the 1s of I, an ill-conditioned inverse, r - 1 - ln r near r = 1), so that the result
    keeps dps + 10 of its own."""
    return dps + 10 + math.ceil(sum(max(0.0, v) for v in log10_scales))


def _log10_gram(values, log10_scale: float, length: int) -> float:
    """log10 of a bound on the entries of (V V^T)/scale^2 with entries of V from ``values``."""
    top = max((math.log10(abs(v)) for v in values if v), default=-math.inf)
    return 2 * top - 2 * log10_scale + math.log10(length) if top > -math.inf else 0.0


_WEIGHTS = RealList("weights", doc="W (rows x d), flattened row by row")
_ROWS = Int("rows", lo=1, hi=20, doc="k, the rows of W (units)")


@quantity("linear-layer-information-x", _WEIGHTS, _ROWS, _NOISE, status="exact",
          verified="recomputed",
          citation="Cover & Thomas (2006), Elements of Information Theory, Thm 8.4.1 (entropy of a "
                   "multivariate normal); recomputed here",
          examples=({"weights": [1, 0.5, -0.3, 2], "rows": 2, "noise": 0.5},))
def linear_layer_information_x(weights, rows: int, noise: float, dps: int = 30):
    """I(X;T) = (1/2) ln det(I_k + W W^T / s^2) for X ~ N(0, I_d), T = W X + N(0, s^2 I_k).

    I(X;T) = h(T) - h(T|X), both Gaussian: Cov T = W W^T + s^2 I, Cov(T|X) = s^2 I. A deep
    linear network with noise in each layer is the same channel with A = W_L...W_1 and the
    accumulated noise covariance. Exact, nats.
    """
    import mpmath

    with mpmath.workdps(working_digits(dps, _log10_gram(weights, math.log10(noise), len(weights)))):
        W = _mp_matrix(weights, rows, "weights")
        gram = W * W.T / mpmath.mpf(noise) ** 2 + mpmath.eye(rows)
        return +mpmath.log(mpmath.det(gram)) / 2


@quantity("linear-layer-information-y", _WEIGHTS, _ROWS, _NOISE,
          RealList("teacher", doc="u: Y = u.X + N(0, teacher_noise^2), length d"),
          Real("teacher_noise", lo=0.0, lo_open=True, doc="sigma, the label noise"), status="exact",
          verified="recomputed", citation="Gaussian conditioning (Schur complement); recomputed here",
          examples=({"weights": [1, 0.5, -0.3, 2], "rows": 2, "noise": 0.5, "teacher": [1, -1],
                     "teacher_noise": 0.5},))
def linear_layer_information_y(weights, rows: int, noise: float, teacher, teacher_noise: float, dps: int = 30):
    """I(T;Y) = (1/2) ln[ Var Y / (Var Y - u^T W^T (W W^T + s^2 I)^{-1} W u) ], Var Y = |u|^2 + sigma^2.

    X ~ N(0, I_d), T = W X + N(0, s^2 I_k), Y = u.X + N(0, sigma^2): (T, Y) jointly Gaussian
    with Cov(T, Y) = W u, so Var(Y|T) is the Schur complement. Exact, nats.
    """
    import mpmath

    with mpmath.workdps(working_digits(dps, _log10_gram(weights, math.log10(noise), len(weights)),
                                _log10_gram(teacher, math.log10(teacher_noise), len(teacher)))):
        W = _mp_matrix(weights, rows, "weights")
        if len(teacher) != W.cols:
            raise BadInput("teacher", ",".join(map(str, teacher)), f"a list of d={W.cols} numbers", "wrong length")
        u = mpmath.matrix([mpmath.mpf(t) for t in teacher])
        var_y = (u.T * u)[0] + mpmath.mpf(teacher_noise) ** 2
        Wu = W * u
        explained = (Wu.T * mpmath.lu_solve(W * W.T + mpmath.mpf(noise) ** 2 * mpmath.eye(rows), Wu))[0]
        return +mpmath.log(var_y / (var_y - explained)) / 2


# ----------------------------------------------------------------------------- weights
@quantity("bayes-linear-weight-information", RealList("design", doc="X (rows x p), flattened row by row"),
          Int("rows", lo=1, hi=20, doc="n, the number of samples"),
          Real("prior_std", lo=0.0, lo_open=True, doc="lambda: w ~ N(0, lambda^2 I_p)"), _NOISE,
          status="exact", verified="recomputed",
          citation=AS + " (the information in the weights I(w;D)); closed form for "
                                        "Bayesian linear regression recomputed here",
          examples=({"design": [1, 0, 0.5, 1, -1, 2], "rows": 3, "prior_std": 1.0, "noise": 0.5},))
def bayes_linear_weight_information(design, rows: int, prior_std: float, noise: float, dps: int = 30):
    """I(w; D) = (1/2) ln det(I_p + lambda^2 X^T X / s^2), D = (X, y), y = X w + N(0, s^2 I_n).

    w ~ N(0, lambda^2 I_p), X fixed: y is Gaussian with covariance lambda^2 X X^T + s^2 I and
    y | w has covariance s^2 I, so I(w; y) = (1/2) ln det(I_n + lambda^2 X X^T/s^2), equal to
    the p x p form by Sylvester's determinant identity. Exact, nats.
    """
    import mpmath

    with mpmath.workdps(working_digits(dps, _log10_gram(design, math.log10(noise) - math.log10(prior_std), len(design)))):
        X = _mp_matrix(design, rows, "design")
        ratio = (mpmath.mpf(prior_std) / mpmath.mpf(noise)) ** 2
        return +mpmath.log(mpmath.det(mpmath.eye(X.cols) + ratio * X.T * X)) / 2


def optimal_gaussian_posterior(hessian, minimizer, beta: float, prior_std: float):
    """(mu*, sigma*^2) per eigen-direction of the KL-optimal Gaussian posterior.

    Minimises E_Q[L(w)] + beta KL(Q || N(0, lambda^2 I)) over Gaussian Q for the quadratic loss
    L(w) = L0 + (1/2) sum_i h_i (w_i - m_i)^2 (coordinates in H's eigenbasis):
    sigma_i^2 = beta / (h_i + beta/lambda^2), mu_i = h_i m_i / (h_i + beta/lambda^2).
    """
    c = [h + beta / prior_std**2 for h in hessian]
    return [h * m / ci for h, m, ci in zip(hessian, minimizer, c)], [beta / ci for ci in c]


@quantity("gaussian-posterior-kl", RealList("hessian", lo=0.0, doc="eigenvalues h_i of the loss Hessian"),
          RealList("minimizer", doc="w* in H's eigenbasis (same length)"),
          Real("beta", lo=0.0, lo_open=True, doc="weight of the KL term"),
          Real("prior_std", lo=0.0, lo_open=True, doc="lambda: prior N(0, lambda^2 I)"), status="exact",
          verified="recomputed",
          citation=AS + " (the information Lagrangian for the weights; Gaussian posterior for a quadratic "
                        "loss); closed form recomputed here (derivation gaussian-posterior)",
          examples=({"hessian": [4.0, 1.0, 0.01], "minimizer": [1.0, -0.5, 2.0], "beta": 0.1, "prior_std": 1.0},))
def gaussian_posterior_kl(hessian, minimizer, beta: float, prior_std: float):
    """KL(Q*||P) = (1/2) sum_i [ (sigma_i^2 + mu_i^2)/lambda^2 - 1 - ln(sigma_i^2/lambda^2) ] at the optimum.

    Q* minimises E_Q[L] + beta KL(Q||P), L(w) = L0 + (1/2)(w - w*)^T H (w - w*), P = N(0, lambda^2 I):
    Sigma* = beta (H + (beta/lambda^2) I)^{-1}, mu* = (H + (beta/lambda^2) I)^{-1} H w*
    (``optimal_gaussian_posterior``). This KL is the complexity term of the Lagrangian
    (Achille & Soatto 2018 write the same problem with the cross-entropy as the loss; their
    constants differ by their normalisation of L). Exact, nats.
    """
    if len(hessian) != len(minimizer):
        raise BadInput("minimizer", ",".join(map(str, minimizer)), f"a list of {len(hessian)} numbers",
                       "length differs from hessian")
    import mpmath

    # r - 1 - ln r with r = sigma^2/lambda^2 = 1 + d, d = -h lambda^2/(h lambda^2 + beta), is ~d^2/2 and
    # cancels log10(1/|d|) digits: carry them (at 30 fixed digits h = 1e-20 was wrong in the 11th digit)
    with mpmath.workdps(30):  # mpmath: no overflow of beta/lambda^2 or h lambda^2 at extreme inputs
        l2, b = mpmath.mpf(prior_std) ** 2, mpmath.mpf(beta)
        shifts = [abs(mpmath.mpf(h) * l2 / (mpmath.mpf(h) * l2 + b)) for h in hessian]
        lost = max([0.0] + [float(-mpmath.log10(d)) for d in shifts if d > 0])
    with mpmath.workdps(working_digits(20, lost)):
        mu, var = optimal_gaussian_posterior([mpmath.mpf(h) for h in hessian], [mpmath.mpf(m) for m in minimizer],
                                             mpmath.mpf(beta), mpmath.mpf(prior_std))
        l2 = mpmath.mpf(prior_std) ** 2
        return +sum(((v + m * m) / l2 - 1 - mpmath.log(v / l2)) / 2 for m, v in zip(mu, var))
