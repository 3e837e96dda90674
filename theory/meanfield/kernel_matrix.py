"""NNGP and NTK kernel matrices of input batches, vectorised (the matrix form of ``nngp-kernel``
and ``ntk-kernel``).

For inputs X1 (n1 x d) and X2 (n2 x d) the layer-1 covariance is K^1 = sigma_w^2 X1 X2^T / d +
sigma_b^2 and the recursion of ``infinite_width`` runs on whole arrays: the diagonals
K^l(x, x) of both batches (vectors) and the cross block K^l(x1, x2) (a matrix),

    K^{l+1} = sigma_w^2 E[phi(u1) phi(u2)] + sigma_b^2,   Kdot^{l+1} = E[phi'(u1) phi'(u2)],
    Theta^1 = K^1,  Theta^{l+1} = K^{l+1} + sigma_w^2 Kdot^{l+1} Theta^l           (NTK parameterisation)
    Theta^1 = X1 X2^T + 1,  Theta^{l+1} = N E[phi phi] + 1 + sigma_w^2 Kdot^{l+1} Theta^l   (standard)

(Lee et al. 2018, Sec. 2.3; Jacot et al. 2018, Thm 1; Arora et al. 2019, Sec. 3; the standard
parameterisation as neural-tangents' stax.Dense computes it; see ``ntk-kernel``).

Expectations: closed forms on arrays for linear, relu (Cho & Saul 2009, arc-cosine kernels of
degree 1 and 0, halved) and erf (Williams 1997); for the other activations a tensor trapezoidal
rule on z ~ N(0, I_2), vectorised over the pairs (below).

Exact diagonal: a pair of identical inputs (every (i, i) when X2 is None; equal rows of X1 and
X2 otherwise) has correlation exactly 1 at every layer, so its entries come from the length map
alone (K12 = K11, Kdot = E[phi'(u)^2]): no arccos(1 - eps) (which costs ~1e-8 in the relu Kdot)
and no sqrt(1 - c^2) of a rounding error. When X2 is None the matrices are exactly symmetric.

Quadrature (non-closed-form activations). E over z ~ N(0, 1) of F(z) = phi(sqrt(q) z) ...
is the trapezoidal rule on [-9, 9] with step h = min(0.3, d/8), d = STRIP[phi]/sqrt(q) the
half-width of the strip where F is analytic (trapezoidal error ~ exp(-2 pi d/h) times the
integrand's size near the strip's edge, Trefethen & Weideman 2014, Thm 5.1; the Gaussian alone
gives exp(-2 pi^2/h^2) ~ 1e-95 at h = 0.3); truncation at |z| = 9: exp(-40.5) ~ 3e-18. In 2-d
the same nodes on both axes (z2 rotated: u2 = sqrt(q2) (c z1 + sqrt(1 - c^2) z2)). Measured
against the same rule at h/6 or finer on every quadrature activation: <= 1.2e-13 of the
Cauchy-Schwarz scale sqrt(K_ii K_jj) (the rule h = min(0.6, d/6) left 4e-12). The scalar
quantity uses h <= 0.1; the tests hold the two to 1e-12 of each other. Node counts are
bucketed by q (powers of 2); each bucket's pairs are one (pairs x n x n) array, in chunks.

numpy is imported inside the functions (``dltheory eval`` stays light).
"""
from __future__ import annotations

import math

from .. import activations
from .._quantity import BadInput
from .gauss import ACTIVATION, ACTIVATIONS, CLOSED

PARAMETERIZATIONS = ("ntk", "standard")
_CHUNK_FLOATS = 1 << 21  #: (pairs x n x n) floats per quadrature chunk (16 MB)


def _check_inputs(X1, X2):
    import numpy as np

    arrays = []
    for label, X in (("X1", X1), ("X2", X2)):
        if X is None:
            arrays.append(None)
            continue
        try:
            A = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError):
            raise BadInput(label, type(X).__name__, "a real array of shape (n, d)", "not numeric") from None
        if A.ndim != 2 or A.shape[0] < 1 or A.shape[1] < 1:
            raise BadInput(label, f"shape {A.shape}", "a real array of shape (n, d), n >= 1, d >= 1", "wrong shape")
        if not np.all(np.isfinite(A)):
            raise BadInput(label, "non-finite entries", "finite real numbers", "NaN or infinity")
        arrays.append(A)
    A1, A2 = arrays
    if A2 is not None and A2.shape[1] != A1.shape[1]:
        raise BadInput("X2", f"shape {A2.shape}", f"(n2, {A1.shape[1]}): the dimension of X1", "dimension mismatch")
    if np.any(np.sum(A1 * A1, axis=1) == 0) or (A2 is not None and np.any(np.sum(A2 * A2, axis=1) == 0)):
        raise BadInput("X1" if np.any(np.sum(A1 * A1, axis=1) == 0) else "X2", "a zero row",
                       "non-zero inputs (q = |x|^2/d > 0, as nngp-kernel requires)", "zero input")
    return A1, A2


def _same_pairs(A1, A2):
    """Boolean (n1, n2) mask of identical rows (the pairs whose correlation is exactly 1)."""
    import numpy as np

    if A2 is None:
        return np.eye(A1.shape[0], dtype=bool)
    rows = {}
    for j, r in enumerate(A2):
        rows.setdefault(r.tobytes(), []).append(j)
    mask = np.zeros((A1.shape[0], A2.shape[0]), dtype=bool)
    for i, r in enumerate(A1):
        for j in rows.get(r.tobytes(), ()):
            mask[i, j] = True
    return mask


# ----------------------------------------------------------------------------- quadrature
def _step(activation, qmax):
    return min(0.3, activations.STRIP[activation] / math.sqrt(qmax) / 8)


def quadrature_nodes_per_axis(activation, qmax):
    """Trapezoidal nodes per axis of the rule for variances q <= qmax (see the module docstring)."""
    return 2 * int(math.ceil(9 / _step(activation, max(qmax, 1e-300)))) + 1


def _nodes(activation, qmax):
    """Trapezoidal nodes and Gaussian weights on [-9, 9] for q <= qmax (see the module docstring)."""
    import numpy as np

    z = np.linspace(-9.0, 9.0, quadrature_nodes_per_axis(activation, qmax))
    w = (z[1] - z[0]) * np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    return z, w


def _buckets(q):
    """Pair/input indices grouped by qmax rounded up to a power of two."""
    import numpy as np

    e = np.ceil(np.log2(np.maximum(q, 1e-300))).astype(int)
    return [(float(2.0 ** k), np.nonzero(e == k)[0]) for k in np.unique(e)]


def _e1_squares(activation, q):
    """(E[phi(u)^2], E[phi'(u)^2]), u ~ N(0, q), for a vector q (quadrature activations)."""
    import numpy as np

    f0, f1 = activations.numpy_form(activation, 0), activations.numpy_form(activation, 1)
    p2, d2 = np.empty_like(q), np.empty_like(q)
    for qmax, idx in _buckets(q):
        z, w = _nodes(activation, qmax)
        u = np.sqrt(q[idx])[:, None] * z[None, :]
        p2[idx] = (f0(u) ** 2) @ w
        d2[idx] = (f1(u) ** 2) @ w
    return p2, d2


def _e2_pairs(activation, q1, q2, s12):
    """(E[phi(u1) phi(u2)], E[phi'(u1) phi'(u2)]) for vectors of pair covariances (quadrature)."""
    import numpy as np

    f0, f1 = activations.numpy_form(activation, 0), activations.numpy_form(activation, 1)
    pp, dd = np.empty_like(s12), np.empty_like(s12)
    a, b = np.sqrt(q1), np.sqrt(q2)
    c = np.clip(s12 / (a * b), -1.0, 1.0)
    s = np.sqrt(1.0 - c * c)
    for qmax, idx in _buckets(np.maximum(q1, q2)):
        z, w = _nodes(activation, qmax)
        n = z.size
        step = max(1, _CHUNK_FLOATS // (n * n))
        for lo in range(0, idx.size, step):
            k = idx[lo:lo + step]
            u1 = a[k, None] * z[None, :]  # (P, n)
            u2 = b[k, None, None] * (c[k, None, None] * z[None, :, None] + s[k, None, None] * z[None, None, :])
            pp[k] = np.einsum("pi,pij,j->p", f0(u1) * w, f0(u2), w, optimize=True)
            dd[k] = np.einsum("pi,pij,j->p", f1(u1) * w, f1(u2), w, optimize=True)
    return pp, dd


# ----------------------------------------------------------------------------- one layer
def _closed_step(activation, k11, k22, k12):
    """(E[phi phi], E[phi' phi'], E[phi^2] on both diagonals, E[phi'^2] likewise) in closed form."""
    import numpy as np

    if activation == "linear":
        return k12, np.ones_like(k12), (k11, k22), (np.ones_like(k11), np.ones_like(k22))
    if activation == "relu":  # Cho & Saul (2009): k_1/2 and k_0/2
        r = np.sqrt(k11[:, None] * k22[None, :])
        c = np.clip(k12 / r, -1.0, 1.0)
        t = np.arccos(c)
        pp = r * (np.sqrt(1.0 - c * c) + (math.pi - t) * c) / (2 * math.pi)
        dd = (math.pi - t) / (2 * math.pi)
        return pp, dd, (k11 / 2, k22 / 2), (np.full_like(k11, 0.5), np.full_like(k22, 0.5))
    # erf (Williams 1997): (2/pi) asin(2 K12/sqrt((1+2K11)(1+2K22))), (4/pi) det(I + 2K)^(-1/2)
    a, b = 1 + 2 * k11, 1 + 2 * k22
    x = np.clip(2 * k12 / np.sqrt(a[:, None] * b[None, :]), -1.0, 1.0)
    pp = 2 / math.pi * np.arcsin(x)
    dd = 4 / math.pi / np.sqrt(a[:, None] * b[None, :] - 4 * k12 * k12)
    diag = lambda k: (2 / math.pi * np.arcsin(2 * k / (1 + 2 * k)), 4 / math.pi / np.sqrt(1 + 4 * k))
    (p1, d1), (p2, d2) = diag(k11), diag(k22)
    return pp, dd, (p1, p2), (d1, d2)


def _quadrature_step(activation, k11, k22, k12, same, symmetric):
    import numpy as np

    p1, d1 = _e1_squares(activation, k11)
    p2, d2 = (p1, d1) if symmetric else _e1_squares(activation, k22)
    todo = ~same
    if symmetric:
        todo &= np.triu(np.ones_like(same), 1)
    i, j = np.nonzero(todo)
    pp, dd = np.empty_like(k12), np.empty_like(k12)
    pp[i, j], dd[i, j] = _e2_pairs(activation, k11[i], k22[j], k12[i, j])
    if symmetric:
        pp[j, i], dd[j, i] = pp[i, j], dd[i, j]
    return pp, dd, (p1, p2), (d1, d2)


# ----------------------------------------------------------------------------- the API
def kernel_matrices(X1, X2=None, *, activation, depth, weight_variance, bias_variance=0.0,
                    parameterization="ntk", width=None, ntk=True):
    """(NNGP K^L, NTK Theta^L or None) of the rows of X1 against the rows of X2 (X2 None: X1).

    Arrays of shape (n1, n2), float64. ``activation`` one of ``ACTIVATIONS``; ``depth`` L >= 1 (the
    layer whose pre-activation is the output); ``parameterization`` "ntk" or "standard" (the
    latter needs ``width``, the hidden width N; the input dimension is d). Entry (i, j) equals
    ``nngp-kernel`` / ``ntk-kernel`` at q1 = |x1_i|^2/d, q2 = |x2_j|^2/d, c = cosine(x1_i, x2_j).
    Bad arguments raise ``BadInput``.
    """
    import numpy as np

    if activation not in ACTIVATIONS:
        raise BadInput("activation", activation, ACTIVATION.domain, "unknown activation")
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or not 1 <= depth <= 10_000:
        raise BadInput("depth", depth, "integer from 1 to 10000")
    sw, sb = float(weight_variance), float(bias_variance)
    if not (0 < sw <= 1e6 and math.isfinite(sw)):
        raise BadInput("weight_variance", weight_variance, "0 < sigma_w^2 <= 1e6")
    if not (0 <= sb <= 1e6 and math.isfinite(sb)):
        raise BadInput("bias_variance", bias_variance, "0 <= sigma_b^2 <= 1e6")
    if parameterization not in PARAMETERIZATIONS:
        raise BadInput("parameterization", parameterization, "ntk or standard")
    if ntk and parameterization == "standard":
        if width is None:
            raise BadInput("width", "(missing)", "integer >= 1 (required with parameterization=standard)")
        if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or not 1 <= width <= 10**9:
            raise BadInput("width", width, "integer from 1 to 10^9")
    A1, A2 = _check_inputs(X1, X2)
    symmetric = A2 is None
    B = A1 if symmetric else A2
    d = A1.shape[1]
    same = _same_pairs(A1, A2)
    gram = A1 @ B.T
    if symmetric:
        gram = np.triu(gram) + np.triu(gram, 1).T
    g11 = np.einsum("ij,ij->i", A1, A1)
    g22 = g11 if symmetric else np.einsum("ij,ij->i", B, B)
    gram[same] = np.broadcast_to(g11[:, None], gram.shape)[same]  # identical rows: x.x exactly
    k11, k22, k12 = sw * g11 / d + sb, sw * g22 / d + sb, sw * gram / d + sb
    theta = None
    if ntk:
        theta = k12.copy() if parameterization == "ntk" else gram + 1.0
    for _ in range(depth - 1):
        if activation in CLOSED:
            pp, dd, (p1, p2), (d1, d2) = _closed_step(activation, k11, k22, k12)
        else:
            pp, dd, (p1, p2), (d1, d2) = _quadrature_step(activation, k11, k22, k12, same, symmetric)
        pp = np.where(same, p1[:, None], pp)  # correlation exactly 1: the length map
        dd = np.where(same, d1[:, None], dd)
        k11, k22, k12 = sw * p1 + sb, sw * p2 + sb, sw * pp + sb
        if ntk:
            if parameterization == "ntk":
                theta = k12 + sw * dd * theta
            else:
                theta = width * pp + 1.0 + sw * dd * theta
    return k12, theta


def nngp_matrix(X1, X2=None, *, activation, depth, weight_variance, bias_variance=0.0):
    """K^L(X1, X2): the NNGP kernel matrix (``nngp-kernel`` for every pair of rows)."""
    return kernel_matrices(X1, X2, activation=activation, depth=depth, weight_variance=weight_variance,
                           bias_variance=bias_variance, ntk=False)[0]


def ntk_matrix(X1, X2=None, *, activation, depth, weight_variance, bias_variance=0.0, parameterization="ntk",
               width=None):
    """Theta^L(X1, X2): the NTK matrix (``ntk-kernel`` for every pair of rows)."""
    return kernel_matrices(X1, X2, activation=activation, depth=depth, weight_variance=weight_variance,
                           bias_variance=bias_variance, parameterization=parameterization, width=width)[1]
