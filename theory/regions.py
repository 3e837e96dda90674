"""Linear regions of ReLU networks and topological complexity of decision regions.

Conventions. A fully connected ReLU network has input dimension n0 = D and hidden widths
n_1, ..., n_L; its (activation) regions are the sets of inputs sharing one on/off pattern
of all hidden units. For a fixed pattern every pre-activation is affine in the input, so
each region is a convex polyhedron and the network is affine on it (Serra et al. 2018,
Sec. 2). All counts below are of regions of R^D (or, for the constructions, of the open
unit cube, which the constructions' regions all meet).

Every evaluator here uses Python integers (exact, however large) or floats; nothing imports
numba or sympy. Derivations (derivations/regions.py): ``regions-zaslavsky``, ``regions-serra-upper``,
``regions-lower-constructions``, ``regions-density``, ``regions-betti``, ``regions-trajectory-growth``;
checks: numerics/regions/checks.py.
"""
from __future__ import annotations

import math
from math import comb

from ._quantity import MAX_DIGITS, BadInput, Choice, Int, IntList, Real, quantity

# Domains. The Serra recursion costs about L * min(D, max width)^2 / 2 big-integer additions;
# WORK_LIMIT keeps `dltheory eval` well under a second.
_D = Int("input_dim", lo=1, hi=100_000, doc="input dimension n0")
_WIDTH = Int("width", lo=1, hi=10**7, doc="hidden units of the single layer")
_WIDTHS = IntList("widths", lo=1, hi=10**6, max_len=2000, doc="hidden widths n_1,...,n_L")
WORK_LIMIT = 3_000_000


def _arch(arch):
    """bounds adapter: every ReLU architecture."""
    if arch.activation != "relu":
        return None
    return {"input_dim": arch.input_dim, "widths": arch.widths}


def zaslavsky_count(d: int, n: int) -> int:
    """sum_{j=0}^{d} C(n, j) (terms with j > n vanish), the terms by C(n, j+1) = C(n, j)(n-j)/(j+1)."""
    _guard_count(d, n)
    total = term = 1
    for j in range(min(d, n)):
        term = term * (n - j) // (j + 1)
        total += term
    return total


COUNT_STEPS = 200_000  #: cost guard: terms of a Zaslavsky count


def _guard_count(d: int, n: int) -> None:
    """Refuse a count whose terms or digits would take more than a few seconds (the answer's
    digits are bounded by min(n, d log2 n) bits; see MAX_DIGITS of the quantity core)."""
    import math

    m = min(d, n)
    bits = min(n, m * math.log2(max(n, 2)))
    if m > COUNT_STEPS or bits > 3.33 * MAX_DIGITS:
        raise BadInput("width", n, f"a count of at most {COUNT_STEPS} terms and about {MAX_DIGITS} digits "
                       f"(here min(input_dim, width) = {m}, about {int(bits / 3.33)} digits)",
                       "cost guard: too large to evaluate in a few seconds")


@quantity("zaslavsky-regions", _D, _WIDTH, status="exact",
          verified="recomputed", citation="Zaslavsky (1975), Mem. AMS 154, Thm A / Sec. 2 (general position: "
                   "Buck 1943); as used for one ReLU layer by Pascanu, Montufar & Bengio (2014), Prop. 3",
          examples=({"input_dim": 2, "width": 4}, {"input_dim": 3, "width": 10}, {"input_dim": 12, "width": 10},
                    {"input_dim": 1, "width": 9}),
          bounds=lambda arch: ({"input_dim": arch.input_dim, "width": sum(arch.widths)}
                               if arch.activation == "relu" else None))
def zaslavsky_regions(input_dim: int, width: int):
    """sum_{j=0}^{D} C(N, j): regions of one hidden ReLU layer of N units on R^D (maximum).

    The regions of a single hidden layer are those of the arrangement of the N hyperplanes
    w_i.x + b_i = 0. By Zaslavsky's theorem an arrangement of N hyperplanes in general
    position in R^D has exactly sum_{j=0}^{D} C(N, j) regions (the maximum over all
    arrangements; Buck 1943 for general position). Recursion r(N, D) = r(N-1, D) +
    r(N-1, D-1): the N-th hyperplane is cut by the others into r(N-1, D-1) pieces, each
    splitting one region in two (derivation ``regions-zaslavsky``). In ``dltheory bounds``
    this row is the shallow network with the architecture's total neuron count.
    Status: exact (attained by every arrangement in general position, i.e. with
    probability one for Gaussian weights and biases).
    """
    return zaslavsky_count(input_dim, width)


def _check_work(input_dim: int, widths) -> None:
    states = min(input_dim, max(widths)) + 1
    work = len(widths) * states * states // 2
    if work > WORK_LIMIT:
        raise BadInput("widths", ",".join(map(str, widths)),
                       f"len(widths) * (min(input_dim, max width) + 1)^2 / 2 <= {WORK_LIMIT}",
                       "too large to evaluate in under a second")


def serra_upper(input_dim: int, widths) -> int:
    """Serra, Tjandraatmadja & Ramalingam (2018) Thm 1 by dynamic programming over the cap.

    J = {(j_1..j_L): 0 <= j_l <= min(n0, n_1 - j_1, ..., n_{l-1} - j_{l-1}, n_l)}; the
    sum over J of prod_l C(n_l, j_l) factorises layer by layer through the running cap
    c_l = min(n0, n_1 - j_1, ..., n_l - j_l): weight[c] collects the partial products.
    """
    weight = {input_dim: 1}
    for n in widths:
        binom = [comb(n, j) for j in range(min(input_dim, n) + 1)]
        new: dict[int, int] = {}
        for cap, w in weight.items():
            for j in range(min(cap, n) + 1):
                key = min(cap, n - j)
                new[key] = new.get(key, 0) + w * binom[j]
        weight = new
    return sum(weight.values())


@quantity("linear-regions-upper", _D, _WIDTHS, status="rigorous-upper-bound",
          verified="secondary", citation="Serra, Tjandraatmadja & Ramalingam (2018), ICML, Thm 1", bounds=_arch,
          examples=({"input_dim": 1, "widths": (4, 7, 3)}, {"input_dim": 2, "widths": (2, 5)},
                    {"input_dim": 2, "widths": (6, 6, 3)}, {"input_dim": 10, "widths": (64,) * 20}))
def linear_regions_upper(input_dim: int, widths: tuple[int, ...]):
    """sum_{(j_1..j_L) in J} prod_l C(n_l, j_l): Serra et al.'s bound on the regions of a ReLU net.

    J = {(j_1,...,j_L) in Z^L : 0 <= j_l <= min(n0, n_1 - j_1, ..., n_{l-1} - j_{l-1}, n_l)}
    (Serra, Tjandraatmadja & Ramalingam 2018, Thm 1): layer l can add at most C(n_l, j_l)
    ways of splitting a region into pieces of dimension-j_l images, and the image dimension
    is capped by every earlier layer's active units. Computed exactly by dynamic
    programming over the running cap min(n0, n_1 - j_1, ...), in O(L min(n0, n)^2) big-integer
    operations (20 layers of 64 on 10 inputs: about a millisecond). Equal to Zaslavsky's
    count for L = 1 and to prod_l (n_l + 1) for n0 = 1 (both tight). Status: rigorous upper
    bound on the maximum number of regions.
    """
    _check_work(input_dim, widths)
    return serra_upper(input_dim, widths)


@quantity("linear-regions-upper-montufar", _D, _WIDTHS, status="rigorous-upper-bound",
          verified="secondary",
          citation="Montufar (2017), SampTA, 'Notes on the number of linear regions of deep neural "
                   "networks', Prop. 3; restated by Serra et al. (2018), Sec. 3", bounds=_arch,
          examples=({"input_dim": 1, "widths": (4, 7, 3)}, {"input_dim": 2, "widths": (2, 5)},
                    {"input_dim": 3, "widths": (2, 5, 4)}))
def linear_regions_upper_montufar(input_dim: int, widths: tuple[int, ...]):
    """prod_{l=1}^{L} sum_{j=0}^{d_l} C(n_l, j) with d_l = min(n0, n_1, ..., n_l) (Montufar 2017).

    Each layer can split each region of the previous layers at most as a hyperplane
    arrangement in the d_l-dimensional image, giving Zaslavsky's count for d_l dimensions
    per layer. Serra et al.'s ``linear-regions-upper`` is never larger (its index set J is
    contained in the product of the per-layer index ranges; derivation
    ``regions-serra-upper``).
    Status: rigorous upper bound.
    """
    import math

    d, bits = input_dim, 0.0
    for n in widths:
        d = min(d, n)
        bits += min(n, d * math.log2(max(n, 2)))
    _guard_bits(bits, widths)
    d = input_dim
    total = 1
    for n in widths:
        d = min(d, n)
        total *= zaslavsky_count(d, n)
    return total


def _guard_bits(bits: float, widths) -> None:
    """Refuse a product of counts whose exact value would have more than MAX_DIGITS digits."""
    if bits > 3.33 * MAX_DIGITS:
        raise BadInput("widths", ",".join(map(str, widths)), f"widths whose bound has at most {MAX_DIGITS} digits "
                       f"(here about {int(bits / 3.33)})", "cost guard: too large to evaluate in a few seconds")


def _guard_lower(input_dim: int, widths, extra: int) -> None:
    import math

    _guard_bits(sum(input_dim * math.log2(max(n // input_dim + extra, 1)) for n in widths[:-1])
                + min(widths[-1], input_dim * math.log2(max(widths[-1], 2))), widths)


def montufar_lower(input_dim: int, widths) -> int:
    _guard_lower(input_dim, widths, 0)
    *hidden, last = widths
    total = 1
    for n in hidden:
        total *= (n // input_dim) ** input_dim
    return total * zaslavsky_count(input_dim, last)


def serra_lower(input_dim: int, widths) -> int:
    _guard_lower(input_dim, widths, 1)
    *hidden, last = widths
    total = 1
    for n in hidden:
        total *= (n // input_dim + 1) ** input_dim
    return total * zaslavsky_count(input_dim, last)


def _require(input_dim: int, widths, factor: int, which: str, layers: str) -> None:
    rng = widths if layers == "all" else widths[:-1]
    bad = [n for n in rng if n < factor * input_dim]
    if bad:
        need = f"{factor} * input_dim" if factor > 1 else "input_dim"
        scope = "every hidden layer" if layers == "all" else "every hidden layer but the last"
        raise BadInput("widths", ",".join(map(str, widths)),
                       f"{which}: widths >= {need} = {factor * input_dim} in {scope}",
                       "the bound's width condition does not hold")


@quantity("linear-regions-lower-montufar", _D, _WIDTHS, status="rigorous-lower-bound",
          verified="secondary", citation="Montufar, Pascanu, Cho & Bengio (2014), NeurIPS, Thm 4 and its proof "
                   "(general widths as restated by Serra et al. 2018, Sec. 2)",
          bounds=_arch, examples=({"input_dim": 2, "widths": (4, 4, 3)}, {"input_dim": 1, "widths": (3, 5, 4)},
                                  {"input_dim": 3, "widths": (9, 12, 5)}))
def linear_regions_lower_montufar(input_dim: int, widths: tuple[int, ...]):
    """(prod_{l<L} floor(n_l/n0)^{n0}) * sum_{j=0}^{n0} C(n_L, j), for n_l >= n0 (Montufar et al.).

    Construction (Montufar, Pascanu, Cho & Bengio 2014, Sec. 4): each of the first L-1
    layers gives every input coordinate p = floor(n_l/n0) units whose alternating sum folds
    [0,1] onto itself p times, so the unit cube is cut into p^{n0} boxes each mapped onto the
    whole cube; the last layer is an arrangement in general position whose
    sum_{j<=n0} C(n_L, j) regions all meet the cube, and is replicated in every box.
    Condition: n_l >= n0 for every layer. The count is of regions inside the open unit
    cube; the network has more outside it. Check ``regions-montufar-construction`` builds
    this network and counts its regions exactly. Status: rigorous lower bound on the
    maximum number of regions.
    """
    _require(input_dim, widths, 1, "Montufar et al. (2014)", "all")
    return montufar_lower(input_dim, widths)


@quantity("linear-regions-lower-serra", _D, _WIDTHS, status="rigorous-lower-bound",
          verified="secondary",
          citation="Serra, Tjandraatmadja & Ramalingam (2018), ICML, Thm 9 (condition n_l >= 3 n0)",
          bounds=_arch, examples=({"input_dim": 2, "widths": (6, 7, 3)}, {"input_dim": 1, "widths": (3, 5, 4)},
                                  {"input_dim": 3, "widths": (9, 12, 5)}))
def linear_regions_lower_serra(input_dim: int, widths: tuple[int, ...]):
    """(prod_{l<L} (floor(n_l/n0) + 1)^{n0}) * sum_{j=0}^{n0} C(n_L, j), for n_l >= 3 n0 (Serra et al.).

    Serra, Tjandraatmadja & Ramalingam (2018) improve Montufar et al.'s fold: with
    p = floor(n_l/n0) >= 3 units per coordinate, one unit pointing left and p - 1 pointing
    right, the fold has p + 1 pieces on [0,1] each mapped onto [0,1] (with only right-pointing
    units the region left of the first breakpoint is wasted). Our construction puts the
    left-pointing unit at the third breakpoint; p >= 3 is exactly what alternating slopes
    need (derivation ``regions-lower-constructions``). The paper states n_l >= 3 n0 for all
    l; the last layer is an arrangement in general position and needs no width condition, so
    we require it of layers 1..L-1 only (the check ``regions-serra-construction`` builds and
    counts such networks). For n0 = 1
    it equals the upper bound prod (n_l + 1): exact. Status: rigorous lower bound.
    """
    _require(input_dim, widths, 3, "Serra et al. (2018)", "hidden")
    return serra_lower(input_dim, widths)


@quantity("linear-regions-lower", _D, _WIDTHS, status="rigorous-lower-bound",
          verified="secondary",
          citation="max of Montufar et al. (2014) Thm 4 and Serra et al. (2018) Thm 9, where each applies", bounds=_arch,
          examples=({"input_dim": 2, "widths": (6, 6, 3)}, {"input_dim": 2, "widths": (4, 4, 3)},
                    {"input_dim": 1, "widths": (2, 3, 2)}))
def linear_regions_lower(input_dim: int, widths: tuple[int, ...]):
    """The best known lower bound that applies: max(Montufar et al. 2014, Serra et al. 2018).

    Serra et al.'s bound applies when the hidden layers before the last have n_l >= 3 n0 and
    is then the larger; Montufar et al.'s when every n_l >= n0. Where neither condition holds
    there is no nontrivial bound here, and the evaluation fails with the conditions named.
    Status: rigorous lower bound on the maximum number of regions.
    """
    values = []
    if all(n >= 3 * input_dim for n in widths[:-1]):
        values.append(serra_lower(input_dim, widths))
    if all(n >= input_dim for n in widths):
        values.append(montufar_lower(input_dim, widths))
    if not values:
        raise BadInput("widths", ",".join(map(str, widths)),
                       f"Montufar et al.: every width >= input_dim = {input_dim}; or Serra et al.: "
                       f"every width but the last >= 3 * input_dim = {3 * input_dim}",
                       "no lower bound's width condition holds")
    return max(values)


# ---------------------------------------------------------------- Hanin & Rolnick
_SIGMA_B = Real("sigma_b", lo=0, lo_open=True, default=1.0, doc="std of the Gaussian biases")
_RADIUS = Real("radius", lo=0, default=0.0, doc="half-length r of the segment [-r u, r u]; 0: density at the origin")
_DW = IntList("widths", lo=1, hi=10**6, max_len=10_000, doc="hidden widths n_1,...,n_L")


def _he_init(arch):
    """bounds adapter: ReLU nets at He initialisation with unit bias variance (the default sigma_b = 1)."""
    if arch.activation != "relu":
        return None
    return {"input_dim": arch.input_dim, "widths": arch.widths, "sigma_b": 1.0}


@quantity("expected-regions-density", _D, _DW, _SIGMA_B, _RADIUS, status="asymptotic",
          verified="recomputed", citation="Hanin & Rolnick (2019), ICML, Thm 1 and Cor. (order N C_grad C_bias); "
                   "wide-limit constant: Kac-Rice with the ReLU covariance recursion (derivation regions-density)",
          bounds=_he_init,
          examples=({"input_dim": 2, "widths": (16, 16, 16), "radius": 1.0},
                    {"input_dim": 3, "widths": (10,), "sigma_b": 0.7, "radius": 1.3},
                    {"input_dim": 2, "widths": (8, 8), "sigma_b": 1.0}),
          regime=lambda widths, **_: [f"the formula is the wide-layer limit and is meant for widths >= 8 (here "
                                      f"{min(widths)}); at widths 2,2,2 on 2 inputs it gives 1.225 where "
                                      "simulation gives 0.875 +- 0.011"] if min(widths) < 8 else [])
def expected_regions_density(input_dim: int, widths: tuple[int, ...], sigma_b: float = 1.0,
                             radius: float = 0.0):
    """Expected region boundaries crossed per unit length on a line through 0, at He initialisation.

    Setting: W_l ~ N(0, 2/n_{l-1}) entrywise, b_l ~ N(0, sigma_b^2), the line x = t u
    (|u| = 1) through the origin. Returned: (1/(2r)) E[#boundaries on the segment t in
    [-r, r]] in the wide limit, and its r -> 0 limit (the density at the origin) for r = 0:

        E[# on [-r u, r u]] = (2/pi) sum_l n_l atan( r sqrt(2/(n0 l)) / sigma_b ),
        density at 0        = (1/pi) sum_l n_l sqrt(2/(n0 l)) / sigma_b.

    Derivation (``regions-density``): a boundary is a zero of some pre-activation z(t); by
    Kac-Rice the rate of zeros is (1/pi) sqrt(S S' - C^2)/S for (z, z') Gaussian with
    variances S, S' and covariance C. For ReLU with He weights, conditionally on the layer
    below these are S_l = S_{l-1} + sigma_b^2, S'_l = S'_{l-1}, C_l = C_{l-1} in the wide
    limit (the symmetry (w, b) -> (-w, -b) halves each moment), starting from
    S_1 = 2 t^2/n0 + sigma_b^2, S' = 2/n0, C = 2t/n0. Exact for L = 1 at every width
    (the crossing is a Cauchy event); for deeper layers asymptotic as the widths grow
    (finite-width corrections O(1/n)). Hanin & Rolnick (2019) prove the order: the density
    is at most C_grad C_bias times the number of neurons, with no exponential dependence on
    depth; their constants are suprema, not this value. The density grows with the number
    of neurons and, at a fixed number, decreases slowly with depth (as 1/sqrt(l) per layer).
    Status: asymptotic (wide limit).
    """
    n0 = input_dim
    if radius == 0.0:
        return sum(n * math.sqrt(2.0 / (n0 * l)) for l, n in enumerate(widths, 1)) / (math.pi * sigma_b)
    count = 2.0 / math.pi * sum(n * math.atan(radius * math.sqrt(2.0 / (n0 * l)) / sigma_b)
                                for l, n in enumerate(widths, 1))
    return count / (2.0 * radius)


@quantity("expected-regions-density-bound", _D, _DW, _SIGMA_B, status="rigorous-upper-bound",
          verified="secondary", citation="Hanin & Rolnick (2019), ICML, Thm 1 (k = 1), with the directional constant "
                   "C_grad = sqrt(2/n0) for He initialisation (derivation regions-density)", bounds=_he_init,
          examples=({"input_dim": 2, "widths": (8, 8, 8)}, {"input_dim": 3, "widths": (4, 6), "sigma_b": 0.9}))
def expected_regions_density_bound(input_dim: int, widths: tuple[int, ...], sigma_b: float = 1.0):
    """N sqrt(2/n0) / (sqrt(2 pi) sigma_b): bound on E[boundaries crossed per unit length], any line.

    Hanin & Rolnick's (2019) argument for k = 1: conditionally on everything but the bias
    of neuron z, its pre-activation along a unit-speed line is a(t) + b; by the coarea
    formula E_b #{t in I: a(t) + b = 0} <= C_bias int_I |a'(t)| dt, with C_bias =
    1/(sqrt(2 pi) sigma_b) the maximum density of b. For He initialisation
    E[a'(t)^2] = 2/n0 exactly at every layer (the symmetry (w, b) -> (-w, -b) makes each
    unit active with probability 1/2 independently of |a'|), so E|a'| <= sqrt(2/n0)
    (Jensen). Summing over the N = sum n_l neurons bounds the expected number of boundaries
    per unit length anywhere on any line, for every width. Hanin & Rolnick state the order
    N C_grad C_bias with C_grad a supremum of E|grad z|; the directional constant is ours.
    Status: rigorous upper bound (exact constant of this proof, not tight: the wide-limit
    density at the origin is smaller by sqrt(2/pi) at L = 1).
    """
    return sum(widths) * math.sqrt(2.0 / input_dim) / (math.sqrt(2 * math.pi) * sigma_b)


# ---------------------------------------------------------------- Raghu et al.
TRAJECTORY_ACTIVATIONS = ("hardtanh", "relu")
_TRAJ_ACT = Choice("activation", choices=TRAJECTORY_ACTIVATIONS, default="hardtanh",
                   doc="hardtanh (Raghu et al.'s Thm 1(b)) or relu (Thm 1(a), ICML version)")
_SIGMA_W = Real("sigma_w", lo=0, lo_open=True, hi=1e6, doc="weight scale: W ~ N(0, sigma_w^2/fan_in)")
_SIGMA_B = Real("sigma_b", lo=0, hi=1e6, default=0.0, doc="bias std")
REF_RAGHU = ("Raghu, Poole, Kleinberg, Ganguli & Sohl-Dickstein (2017), ICML, arXiv:1606.05336, Thm 1 "
             "(hard-tanh base (b), as in the ICLR 2017 submission's text; ReLU base (a), ICML version)")


def _unsaturated_probability(activation: str, sigma_w: float, sigma_b: float) -> float:
    """p = P(unit in its linear piece) at the largest possible pre-activation variance q = sigma_w^2 + sigma_b^2."""
    if activation == "relu":
        return 0.5
    return math.erf(1.0 / (math.sqrt(2.0) * math.hypot(sigma_w, sigma_b)))


@quantity("trajectory-growth", Int("width", lo=1, hi=10**9, doc="hidden width k"), _SIGMA_W, _SIGMA_B, _TRAJ_ACT,
          Choice("form", choices=("corrected", "paper"), default="corrected",
                 doc="corrected: the dropped constant restored; paper: the base as published"),
          status="heuristic",
          verified="paper",
          citation=REF_RAGHU + "; its base is too large per layer; form=corrected restores the dropped constant",
          examples=({"width": 32, "sigma_w": 4.0}, {"width": 5, "sigma_w": 0.7, "sigma_b": 1.3, "form": "paper"},
                    {"width": 32, "sigma_w": 1.4142135623730951, "activation": "relu"},
                    {"width": 9, "sigma_w": 2.0, "activation": "relu", "form": "paper"}),
          status_by={"form": {"paper": "published-and-refuted"}})
def trajectory_growth(width: int, sigma_w: float, sigma_b: float = 0.0, activation: str = "hardtanh",
                      form: str = "corrected"):
    """sigma_w sqrt(p) sqrt(kp/(kp + 1)): per-layer base b of E[l(z^(d))] >= C b^d l(x) (trajectory length).

    Raghu et al. (2017), Thm 1: for a width-k network with W ~ N(0, sigma_w^2/k), b ~ N(0, sigma_b^2)
    and a 1-D input trajectory x(t) (direction not along x), the expected arc length of its image
    z^(d) (post-activation, layer d) is >= O(b^d) l(x), with, as published (form=paper),
      hard-tanh (b):  b = sigma_w sqrt(k) / sqrt(s^2 + k s),  s = sqrt(sigma_w^2 + sigma_b^2)
      (written sigma_w/s^(1/2) * sqrt(k)/sqrt(s + k) in the ICLR text, "tight for large sigma_w and k");
      ReLU (a):       b = sigma_w sqrt(k) / sqrt(k + 1).
    Our quantity matched the published hard-tanh base. The paper slipped: both bases equal
    sigma_w sqrt(p) sqrt(kp/(kp+1)) with the probability p that a unit is in its linear piece
    replaced by 1/s (hard-tanh; truly p = erf(1/sqrt(2q)) ~ sqrt(2/pi)/sqrt(q), q <= s^2) and by 1
    (ReLU; truly 1/2). The dropped constant is per layer, so O(.) cannot absorb it. Measured
    (sufficient-statistic Monte Carlo, 20000 nets) the per-layer growth of E[l] is below the
    published base at every point of the check's grid (k >= 8), e.g. hard-tanh sigma_w = 4:
    1.74 (k = 32; base 1.89), 1.833 (k = 256; base 1.985; wide limit 1.845 = `trajectory-growth-wide`),
    the large-k, large-sigma_w ratio being (2/pi)^(1/4) = 0.89, not 1; ReLU at He init: 0.98
    (k = 32; base 1.39), as Hanin, Jeong & Rolnick (2022) prove. form=corrected (default) restores
    p: erf(1/(sqrt(2) s)) for hard-tanh (q <= s^2 as |z_i| <= 1, inputs with |x|^2/k <= 1, so this
    p is the smallest) and 1/2 for ReLU.
    Status: heuristic lower bound (the paper's step from |dz| to its part perpendicular to z is
    not rigorous); below the measured growth at every point checked (kp >= 3; for kp ~ 1, E[l] is
    carried by rare networks and Monte Carlo cannot test it).
    """
    s = math.hypot(sigma_w, sigma_b)
    if form == "paper":
        if activation == "relu":
            return sigma_w * math.sqrt(width / (width + 1))
        return sigma_w * math.sqrt(width) / math.sqrt(s * s + width * s)
    p = _unsaturated_probability(activation, sigma_w, sigma_b)
    return sigma_w * math.sqrt(p) * math.sqrt(width * p / (width * p + 1))


def hardtanh_second_moment(q: float) -> float:
    """E[hardtanh(h)^2], h ~ N(0, q): q erf(a) - sqrt(2q/pi) e^(-a^2) + erfc(a), a = 1/sqrt(2q)."""
    a = 1.0 / math.sqrt(2.0 * q)
    return q * math.erf(a) - math.sqrt(2.0 * q / math.pi) * math.exp(-a * a) + math.erfc(a)


def hardtanh_fixed_point(sigma_w: float, sigma_b: float) -> float:
    """q*: the positive root of q = sigma_w^2 E[hardtanh(sqrt(q) u)^2] + sigma_b^2 (0 if there is none).

    E[hardtanh(h)^2]/q decreases in q, so (q - sigma_b^2)/q = sigma_w^2 E/q has at most one positive
    root, in (0, sigma_w^2 + sigma_b^2]; found by geometric bisection to double precision.
    """
    if sigma_b == 0 and sigma_w <= 1:
        return 0.0
    lo, hi = 1e-12 * (sigma_w**2 + sigma_b**2), sigma_w**2 + sigma_b**2
    for _ in range(200):
        mid = math.sqrt(lo * hi)
        if sigma_w**2 * hardtanh_second_moment(mid) + sigma_b**2 > mid:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi)


@quantity("trajectory-growth-wide", _SIGMA_W, _SIGMA_B, _TRAJ_ACT, status="asymptotic",
          verified="recomputed",
          citation="Poole, Lahiri, Raghu, Sohl-Dickstein & Ganguli (2016), NeurIPS, Sec. 2-3 (length map q*, "
                   "chi1 = sigma_w^2 E[phi'(h)^2] stretches the squared length element)",
          examples=({"sigma_w": 4.0}, {"sigma_w": 1.2, "sigma_b": 0.3}, {"sigma_w": 0.8},
                    {"sigma_w": 3.0, "sigma_b": 1.0, "activation": "relu"}))
def trajectory_growth_wide(sigma_w: float, sigma_b: float = 0.0, activation: str = "hardtanh"):
    """sqrt(chi1) = sigma_w sqrt(E[phi'(h)^2]), h ~ N(0, q*): per-layer growth of E[l] at infinite width.

    In the wide limit |z(t)|^2/k = q* along the trajectory, so dz is perpendicular to z, W dz is
    independent of h = W z + b and |dz^(d+1)|^2 = chi1 |dz^(d)|^2 with chi1 = sigma_w^2 E[phi'(h)^2],
    |dz| concentrating: the length grows by sqrt(chi1) per layer. Hard-tanh:
    chi1 = sigma_w^2 erf(1/sqrt(2 q*)) with q* of ``hardtanh_fixed_point``; ReLU: sigma_w^2/2 (at every
    width for E|dz|^2). Status: asymptotic (k -> infinity; the finite-width growth is below it
    by about c/k, c = 3.3 for hard-tanh at sigma_w = 4).
    """
    if activation == "relu":
        return sigma_w / math.sqrt(2.0)
    q = hardtanh_fixed_point(sigma_w, sigma_b)
    return sigma_w * (math.sqrt(math.erf(1.0 / math.sqrt(2.0 * q))) if q > 0 else 1.0)


# ---------------------------------------------------------------- Bianchini & Scarselli
BETTI_ACTIVATIONS = ("polynomial", "relu")


@quantity("betti-bound", Choice("activation", choices=BETTI_ACTIVATIONS),
          Int("input_dim", lo=1, hi=10_000), IntList("widths", lo=1, hi=10**6, max_len=2000),
          Int("degree", lo=1, hi=1000, default=2, doc="degree r of a polynomial activation"),
          status="rigorous-upper-bound",
          verified="secondary",
          citation="Bianchini & Scarselli (2014), IEEE TNNLS 25(8), Table I (polynomial rows, via "
                   "Milnor 1964 Thm 3); ReLU row: ours, from the region bound of Serra et al. (2018) Thm 1",
          examples=({"activation": "polynomial", "input_dim": 2, "widths": (5,), "degree": 2},
                    {"activation": "polynomial", "input_dim": 1, "widths": (3, 3, 3), "degree": 2},
                    {"activation": "relu", "input_dim": 2, "widths": (4, 3)}),
          bounds=lambda arch: ({"activation": "relu", "input_dim": 2, "widths": arch.widths}
                               if arch.activation == "relu" and arch.input_dim == 2 else None))
def betti_bound(activation: str, input_dim: int, widths: tuple[int, ...], degree: int = 2):
    """Upper bound on b_0 + b_1 + ... of the positive set {f >= 0} ({f > 0} for relu) of a one-output net.

    polynomial (activation of degree r, L hidden layers): f is a polynomial of degree
    d = r^L in n0 variables, and by Milnor (1964) Thm 3 the sum of the Betti numbers of
    {f >= 0} is at most (1/2)(2 + d)(1 + d)^{n0 - 1} (rounded down here); this is Bianchini & Scarselli's
    (2014) Table I entry for shallow (L = 1: d = r) and deep (d = r^L) polynomial networks.
    relu (n0 = 2 only): every region of the network is convex and f is affine on it, so the
    positive set is a union of at most R convex pieces and its complement too, R =
    ``linear-regions-upper``; hence b_0 <= R and b_1 (bounded components of the complement)
    <= R, so b_0 + b_1 <= 2R. This row is ours (Bianchini & Scarselli treat threshold,
    sigmoidal and polynomial activations, whose other Table I entries are O(.) orders with
    unstated constants and are left out). Checks: ``betti-bound-random`` (relu: exact b0 + b1 of
    random, searched and constructed nets) and ``betti-bound-polynomial-1d`` (polynomial, n0 = 1,
    where Chebyshev networks computing T_{r^L} attain the bound). Status: rigorous upper bound.
    """
    if activation == "polynomial":
        d = degree ** len(widths)
        return (2 + d) * (1 + d) ** (input_dim - 1) // 2  # rounded down: Betti numbers are integers
    if input_dim != 2:
        raise BadInput("input_dim", input_dim, "2 (the relu row is proved for planar inputs)",
                       "the relu Betti bound needs input_dim = 2")
    _check_work(input_dim, widths)
    return 2 * serra_upper(input_dim, widths)



@quantity("betti-relu-lower", IntList("widths", lo=1, hi=10**6, min_len=2, max_len=2000,
                                      doc="hidden widths; n_l >= 6 for l < L and n_L >= 4"),
          Choice("betti", choices=("b0", "b1"), default="b0", doc="components (b0) or holes (b1)"),
          status="rigorous-lower-bound",
          verified="recomputed",
          citation="ours (construction with the folds of Serra et al. 2018, Sec. 5); the comparison of deep and "
                   "shallow topological complexity is Bianchini & Scarselli's (2014)",
          examples=({"widths": (6, 8, 4)}, {"widths": (10, 6, 7), "betti": "b1"}, {"widths": (6, 4)}))
def betti_relu_lower(widths: tuple[int, ...], betti: str = "b0"):
    """prod_{l<L} (floor(n_l/2) + 1)^2: b0 (or b1) that a 2-D ReLU net's {f >= 0} in the unit square can reach.

    Construction: the first L-1 layers fold the unit square with Serra et al.'s (k+1)-piece
    fold, k = floor(n_l/2) >= 3 units per coordinate, into prod (k_l + 1)^2 boxes each mapped
    onto the square; the last layer's 4 units relu(y_d - 1/2), relu(y_d + 1/2) give |y_d - 1/2| (d = 1, 2), and the
    output f = 1/4 - |y_1 - 1/2| - |y_2 - 1/2| is positive on one diamond strictly inside each
    box (b0 = number of boxes, b1 = 0), while -f is positive on the square minus the diamonds
    (b0 = 1, b1 = number of boxes). A one-hidden-layer network of N units has at most
    (N^2 + N + 2)/2 regions, hence b0 + b1 <= N^2 + N + 2 (``betti-bound``): polynomial in N,
    while the deep construction is exponential in depth. Lower bound on the maximum of b0
    (resp. b1) over the weights; the check ``betti-relu-construction`` builds the networks and
    computes b0 and b1 exactly. Status: rigorous lower bound.
    """
    *hidden, last = widths
    bad = [n for n in hidden if n < 6]
    if bad or last < 4:
        raise BadInput("widths", ",".join(map(str, widths)),
                       "n_l >= 6 for every hidden layer but the last, and n_L >= 4", "construction needs more units")
    total = 1
    for n in hidden:
        total *= (n // 2 + 1) ** 2
    return total
