"""Checks of the capacity quantities against the simulators of ``estimators``.

Sample counts: the quick sizes in quick runs, else the full sizes times ``scale()``
($DLTHEORY_SCALE, 0.25 on CI), through ``numerics.sized``.
"""
from __future__ import annotations

import math

from ...theory import evaluate
from .._check import check
from .._size import scale, sized
from .._stats import Estimate, extrapolate, mean, proportion
from .estimators import (ball_margins, bayes_errors, dichotomy_count, gibbs_errors, hebb_errors,
                         ising_storable_counts, max_margins, max_stability_errors, separable_count,
                         storable_counts)


def _sizes(full, quick, is_quick, least: float = 0.0):
    """(N, samples) pairs: ``quick`` in a quick run, else ``full`` with samples scaled, at least 20
    and at least the fraction ``least`` of the full count (what resolves the power test at every point)."""
    return tuple(quick) if is_quick else tuple((n, sized(m, minimum=max(20, int(least * m)))) for n, m in full)


# ----------------------------------------------------------------------------- Cover
def _count_grid(quick):
    small = [{"P": 4, "N": 2}, {"P": 6, "N": 3}, {"P": 8, "N": 3}, {"P": 10, "N": 4}, {"P": 12, "N": 5}]
    return small if quick else small + [{"P": 14, "N": 4}, {"P": 15, "N": 6}, {"P": 16, "N": 8}]


@check("capacity-cover-count", quantity="cover-count", rule="exact",
       title="Cover's count: separable dichotomies of random point sets, all 2^P labellings by exact LP",
       grid=_count_grid, x="P", ylabel="separable dichotomies", logy=True,
       wrong=lambda pt: float(evaluate("cover-count", P=pt["P"], N=pt["N"] + 1)),
       wrong_label="Cover's count in N+1 dimensions (an unused bias)")
def measure_cover_count(point, seed, quick):
    """Count, for several random Gaussian point sets, the labellings that a hyperplane through the
    origin separates (every labelling decided by the certified simplex); the count must be the
    same for every set in general position. Draws that disagree are returned as their mean,
    which the exact rule then rejects."""
    sets = 3 if quick else sized(12, minimum=3)
    counts = [dichotomy_count(point["P"], point["N"], s) for s in seed.spawn(sets)]
    if len(set(counts)) > 1:
        return Estimate(sum(counts) / len(counts), 0.0, len(counts))
    return Estimate(float(counts[0]), 0.0, len(counts))


def _cover_grid(quick):
    if quick:
        return [{"P": p, "N": 8} for p in (8, 12, 16, 20, 24)]
    return [{"P": p, "N": n} for n in (8, 24) for p in (n, int(1.5 * n), 2 * n, int(2.5 * n), 3 * n)]


@check("capacity-cover-separability", quantity="cover-separable-probability",
       title="Cover: separable fraction of random labels (exact LP, Gordan simplex)",
       grid=_cover_grid, x="P", ylabel="P(separable)",
       wrong=lambda pt: None if pt["P"] <= pt["N"] else  # both say separable, up to 2^(1-P): no power there
       float(evaluate("cover-separable-probability", P=pt["P"], N=max(pt["N"] - 1, 1))),
       wrong_label="Cover's count with N-1 (one dimension short)")
def measure_cover_separability(point, seed, quick):
    n = sized(40000, 6000, quick, minimum=40000)  # not scaled down: P=72, N=24 resolves its power test only at full size
    sep, fail = separable_count(point["P"], point["N"], n, seed)
    if fail:
        raise RuntimeError(f"{fail} simplex certificates failed verification at {point}")
    return proportion(sep, n)


def _patterns(alpha: float, n: int) -> int:
    """P = alpha n, which must be an integer: rounding would shift alpha differently at each N
    and bias the extrapolation in 1/N (seen: alpha = 0.75 at N = 50 ran at 0.76)."""
    P = alpha * n
    if abs(P - round(P)) > 1e-9:
        raise ValueError(f"alpha N = {P} is not an integer; choose sizes with alpha N integral")
    return int(round(P))


# ----------------------------------------------------------------------------- Ising
ISING_SIZES = ((9, 20000), (11, 16000), (13, 10000), (15, 6000), (17, 3000), (19, 1500), (21, 600), (23, 200))
ISING_QUICK = ((9, 3000), (11, 2500), (13, 1500), (15, 1000), (17, 500))
#: The replica-symmetric capacity of binary couplings (Gardner & Derrida 1988), refuted by the
#: first-moment bound alpha_c <= 1 (derivation ``capacity-ising``): the power test.
ISING_RS = 4 / math.pi


@check("capacity-ising-enumeration", quantity="ising-perceptron-capacity",
       title="Ising perceptron: Gray-code enumeration, mean max P/N (N -> inf)",
       grid=lambda quick: [{}],
       wrong=lambda pt: ISING_RS, wrong_label="replica-symmetric capacity 4/pi (Gardner & Derrida 1988)")
def measure_ising(point, seed, quick):
    """Mean of P_max/N at each N (exact enumeration), extrapolated to N -> inf.

    The fit is quadratic in 1/N: the finite-size curve of this discrete problem bends
    (a linear fit over N = 9..19 undershoots; see docs/capacity.md), so the intercept
    carries the wider, honest error of the quadratic model.
    """
    sizes = _sizes(ISING_SIZES, ISING_QUICK, quick)
    ests = [mean(ising_storable_counts(n, m, s) / n) for (n, m), s in zip(sizes, seed.spawn(len(sizes)))]
    return extrapolate([n for n, _ in sizes], ests, degree=2)


# ----------------------------------------------------------------------------- Gardner margin
def _gardner_grid(quick):
    return [{"alpha": a} for a in ((0.5, 1.0) if quick else (0.25, 0.5, 0.75, 1.0, 1.25))]


@check("capacity-gardner-margin", quantity="gardner-critical-margin",
       title="Gardner: mean max margin (AdaTron, N -> inf)",
       grid=_gardner_grid, x="alpha", ylabel="max margin kappa (N -> inf)",
       wrong=lambda pt: float(evaluate("gardner-critical-margin", alpha=1.05 * pt["alpha"])),
       wrong_label="Gardner curve at 1.05 alpha")
def measure_gardner(point, seed, quick):
    sizes = _sizes(((48, 2000), (96, 1000), (192, 400), (384, 100)), ((48, 300), (96, 150), (192, 60)), quick)
    rows = []
    for (n, m), s in zip(sizes, seed.spawn(len(sizes))):
        rows.append((n, mean(max_margins(_patterns(point["alpha"], n), n, m, s))))
    return extrapolate([n for n, _ in rows], [e for _, e in rows])


# ----------------------------------------------------------------------------- Gardner capacity
STORABLE_SIZES = ((48, 4000), (96, 1600), (192, 400))
STORABLE_QUICK = ((24, 2000), (48, 1000), (96, 400))


@check("capacity-gardner-storable", quantity="gardner-capacity",
       title="Gardner: mean number of patterns stored with margin kappa, P_max/N (AdaTron bracket, N -> inf)",
       grid=lambda quick: [{"kappa": k} for k in ((0.25, 1.0) if quick else (0.25, 0.5, 1.0, 2.0))],
       x="kappa", ylabel="P_max / N (N -> inf)")
def measure_gardner_storable(point, seed, quick):
    """Mean of P_max(kappa)/N (the longest prefix of a random pattern sequence stored with margin kappa;
    each probe decided by a certified bracket of the maximal margin) at each N, extrapolated in 1/N.

    kappa >= 0.25: towards kappa = 0 the AdaTron needs ever more sweeps to bracket the margin of
    nearly critical prefixes (kappa = 0.1 took 7 times longer than 0.25 at N = 192); kappa = 0 is
    Cover's point, tested exactly by capacity-cover-separability."""
    sizes = _sizes(STORABLE_SIZES, STORABLE_QUICK, quick)
    ests = [mean(storable_counts(n, point["kappa"], m, s) / n) for (n, m), s in zip(sizes, seed.spawn(len(sizes)))]
    return extrapolate([n for n, _ in sizes], ests)


# ----------------------------------------------------------------------------- teacher-student
def _ts_grid(quick):
    """max-stability stops at alpha = 3: at alpha = 5, N = 384 the AdaTron exceeded 1e5 sweeps. Its
    alpha = 3 point alone took a third of the check at CI scale (measured: 38 of 121 s; the AdaTron
    slows down as alpha grows): it runs in full-size runs only (scale() = 1), not in scaled CI runs."""
    if quick:
        return [{"rule": "hebb", "alpha": a} for a in (0.5, 2.0, 8.0)] + \
               [{"rule": "max-stability", "alpha": a} for a in (1.0, 2.0)] + \
               [{"rule": "gibbs", "alpha": 1.0}, {"rule": "bayes", "alpha": 1.0}]
    return [{"rule": "hebb", "alpha": a} for a in (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)] + \
           [{"rule": "max-stability", "alpha": a} for a in (0.5, 1.0, 2.0) + ((3.0,) if scale() == 1 else ())] + \
           [{"rule": r, "alpha": a} for r in ("gibbs", "bayes") for a in (0.5, 1.0, 2.0, 3.0)]


TS_SIZES = {  # rule: (full, quick) (N, samples) pairs; quick sizes resolve the 5 % power test at every quick point
    "hebb": (((48, 200000), (96, 200000), (192, 100000), (384, 50000)),
             ((48, 3000), (96, 3000), (192, 2000), (384, 1000))),
    "gibbs": (((20, 4000), (40, 2000), (80, 800), (160, 200)), ((20, 300), (40, 150), (80, 60))),
    "bayes": (((20, 2000), (40, 1000), (80, 300), (160, 60)), ((20, 1200), (40, 600), (80, 200))),  # four chains each
    "max-stability": (((48, 1500), (96, 600), (192, 200), (384, 60)), ((25, 960), (50, 480), (100, 160))),
}


@check("capacity-teacher-student-simulation", quantity="teacher-student-error",
       title="Teacher-student error (Hebb; AdaTron; Gibbs/Bayes: hit-and-run; N -> inf)",
       grid=_ts_grid, x="alpha", ylabel="generalisation error", logy=True)
def measure_teacher_student(point, seed, quick):
    rule, alpha = point["rule"], point["alpha"]
    sizes = _sizes(*TS_SIZES[rule], quick, least=0.75 if rule == "bayes" else 0.0)
    rows = []
    for (n, m), s in zip(sizes, seed.spawn(len(sizes))):
        P = _patterns(alpha, n)
        if rule == "hebb":
            errs = hebb_errors(n, P, m, s)
        elif rule == "gibbs":
            errs = gibbs_errors(n, P, m, s)
        elif rule == "bayes":
            errs = bayes_errors(n, P, m, s)
        else:
            errs = max_stability_errors(n, P, m, s)
        rows.append((n, mean(errs)))
    return extrapolate([n for n, _ in rows], [e for _, e in rows])

# ----------------------------------------------------------------------------- L2 balls
def _ball_grid(quick):
    if quick:
        return [{"radius": 1.0, "dim": 2, "alpha": a} for a in (0.15, 0.35)]
    # alpha well below capacity (2/3, 0.775, 0.772): every instance must be separable
    return ([{"radius": 1.0, "dim": 2, "alpha": a} for a in (0.1, 0.2, 0.3, 0.4)]
            + [{"radius": 0.5, "dim": 3, "alpha": a} for a in (0.2, 0.4)]
            + [{"radius": 3.0, "dim": 1, "alpha": a} for a in (0.2, 0.4)])


@check("capacity-ball-separability", quantity="manifold-ball-critical-margin",
       title="L2 balls: mean max margin (dual ascent, certified gap; N -> inf)",
       grid=_ball_grid, x="alpha", ylabel="max margin kappa (N -> inf)",
       wrong=lambda pt: float(evaluate("manifold-ball-critical-margin", radius=pt["radius"], dim=pt["dim"],
                                       alpha=1.05 * pt["alpha"])),
       wrong_label="ball capacity curve at 1.05 alpha")
def measure_ball(point, seed, quick):
    sizes = _sizes(((80, 800), (160, 400), (320, 150)), ((40, 160), (80, 80), (160, 40)), quick, least=0.5)
    rows = []
    for (n, m), s in zip(sizes, seed.spawn(len(sizes))):
        P = _patterns(point["alpha"], n)
        lo, hi = ball_margins(P, n, point["dim"], point["radius"], m, s)
        rows.append((n, mean(lo)))
    return extrapolate([n for n, _ in rows], [e for _, e in rows])
