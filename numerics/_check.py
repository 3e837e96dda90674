"""Check: a Quantity against a Simulator over a grid, with a stated decision rule and a power test.

Decision rules
--------------
``z``      each grid point passes when |estimate - theory| / stderr <= z*, with z* the
           two-sided Bonferroni threshold at family-wise false-alarm rate ``alpha``
           over the grid's points.
``exact``  the simulator returns an exact (or floating-point exact) value and each point
           passes when |estimate - theory| <= tolerance * |theory| (tolerance 0: equality).
``upper-bound`` / ``lower-bound``
           the theory is a bound the simulated value must respect: each point passes when
           (estimate - bound)/stderr <= z* (>= -z* for a lower bound), z* as for ``z``, or,
           for an exact estimate (stderr 0), when estimate <= bound (1 + tolerance)
           (>= bound (1 - tolerance)).

Power test: the same estimates are compared with a deliberately wrong theory (by default
the quantity times 1.05); the check counts as passed only if the true theory passes at
every point *and* the wrong theory is rejected at one point at least.

Resolution is part of the verdict: each point records the smallest deviation it can detect
(z* standard errors; for an exact value, the tolerance) and the power test's deviation
|wrong - theory| there. A point whose resolution is not below that deviation cannot tell
the wrong theory from the right one, and fails as unresolved (where the two coincide, or
where ``wrong`` returns None, declaring that it makes no distinct claim there, the point has
nothing to resolve).

Bound checks also say how tight the bound is: each point records ``ratio`` = bound/estimate and
whether the bound tightened by ``TIGHTEN`` (5 %) towards the estimate would be violated there
(``tightened_rejected``, the same rule and threshold). A bound check passes only if that tightened
bound is rejected at one point at least (the bound is tight on the grid), or if the check declares
``loose=``: by how much the bound is loose and which exact sub-check gives its power instead.
"""
from __future__ import annotations

import time
import zlib
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Callable

import numpy as np

from ..registry import rule_text

from ._stats import Estimate, json_float, z_critical


RULES = ("z", "exact", "upper-bound", "lower-bound")
TIGHTEN = 0.05  # a tight bound must be violated when moved this fraction of itself towards the estimates


@dataclass(frozen=True)
class Check:
    """``quantities``: what the check tests (declared here once; a quantity's checks are computed).
    With several, each grid point names its own in a ``quantity`` key. ``theory``: only for a
    documented finite-size variant of the quantity, described by ``theory_note``; a deliberately
    wrong theory is ``wrong``."""

    name: str
    quantities: tuple[str, ...]
    title: str
    measure: Callable[[dict, np.random.SeedSequence, bool], Estimate]
    grid: Callable[[bool], list[dict]]
    theory: Callable[[dict], float] | None = None
    theory_note: str = ""
    wrong: Callable[[dict], float] | None = None
    wrong_label: str = "theory x 1.05"
    rule: str = "z"
    alpha: float = 0.01
    tolerance: float = 0.0
    x: str | None = None  # the grid parameter along the plot's horizontal axis
    ylabel: str = ""
    logy: bool = False
    loose: str = ""  # a bound check not tight on its grid: by how much, and the exact sub-check giving its power
    # every point gets the check's seed (not one per point): the points read one shared sample (e.g.
    # one enumeration serves every index); Bonferroni's family-wise rate holds under that dependence
    shared_sample: bool = False

    @property
    def quantity(self) -> str:
        """The tested quantity's name (the first, where there are several)."""
        return self.quantities[0]

    def theory_value(self, point: dict) -> float:
        if self.theory is not None:
            return float(self.theory(point))
        from ..theory import evaluate

        if len(self.quantities) == 1:
            return float(evaluate(self.quantity, **point))
        params = dict(point)
        name = params.pop("quantity")
        if name not in self.quantities:
            raise ValueError(f"check {self.name}: point names {name}, not one of {self.quantities}")
        return float(evaluate(name, **params))

    def wrong_value(self, point: dict) -> float | None:
        """The wrong theory at ``point``; None where the check declares that it makes no claim
        distinct from the theory there (the point then carries no power)."""
        if self.wrong is None:
            return 1.05 * self.theory_value(point)
        value = self.wrong(point)
        return None if value is None else float(value)

    def __post_init__(self):
        if self.rule not in RULES:
            raise ValueError(f"check {self.name}: rule {self.rule!r} not in {RULES}")

    @property
    def rule_text(self) -> str:
        return rule_text(self.rule, self.alpha, self.tolerance)


_CHECKS: dict[str, Check] = {}


def check(name: str, *, quantity: str | tuple[str, ...], title: str, grid: Callable[[bool], list[dict]],
          **options):
    """Register the decorated ``measure(point, seed_sequence, quick) -> Estimate`` as a check of
    ``quantity`` (a name, or a tuple of names). ``name``, ``quantity``, ``title``, ``rule``,
    ``alpha`` and ``tolerance`` are literals: ``dltheory list`` reads them from the source."""

    def register(measure) -> Check:
        if name in _CHECKS:
            raise ValueError(f"check {name} registered twice")
        names = (quantity,) if isinstance(quantity, str) else tuple(quantity)
        c = Check(name, names, title, measure, grid, **options)
        _CHECKS[name] = c
        return c

    return register


def registered() -> dict[str, Check]:
    return _CHECKS


def _passes(c: Check, est: Estimate, theory: float, threshold: float) -> tuple[bool, float]:
    if c.rule == "exact":
        dev = abs(est.value - theory)
        return dev <= c.tolerance * abs(theory), dev
    if c.rule in ("upper-bound", "lower-bound"):
        sign = 1.0 if c.rule == "upper-bound" else -1.0
        if est.stderr == 0:
            excess = sign * (est.value - theory)
            return excess <= c.tolerance * abs(theory), excess
        z = sign * est.z(theory)
        return z <= threshold, z
    z = est.z(theory)
    return abs(z) <= threshold, z


def _resolution(c: Check, est: Estimate, theory: float, threshold: float) -> float:
    """The smallest deviation from ``theory`` this point can detect: z* standard errors for a
    statistical estimate, the tolerance for an exact one."""
    if c.rule == "exact" or est.stderr == 0:
        return c.tolerance * abs(theory)
    return threshold * est.stderr


@dataclass
class Outcome:
    check: Check
    records: list[dict] = field(default_factory=list)
    passed: bool = False
    power_rejected: bool = False
    seconds: float = 0.0
    tight: bool | None = None  # bound checks: the bound tightened by TIGHTEN is violated somewhere

    @property
    def summary(self) -> dict:
        return {"check": self.check.name, "kind": "summary", "quantity": self.check.quantity,
                "quantities": list(self.check.quantities),
                "rule": self.check.rule_text, "points": len(self.records), "pass": self.passed,
                "power_test": self.check.wrong_label, "power_rejected": self.power_rejected,
                "unresolved": sum(not r["resolved"] for r in self.records),
                "seconds": round(self.seconds, 3), **self._bound_summary()}

    def _bound_summary(self) -> dict:
        """Bound checks: the range of bound/estimate, whether the bound is tight, what a loose one says."""
        if self.check.rule not in ("upper-bound", "lower-bound"):
            return {}
        ratios = [r["ratio"] for r in self.records if isinstance(r.get("ratio"), float | int)]
        return {"ratio": [min(ratios), max(ratios)] if ratios else None, "tight": self.tight,
                "loose": self.check.loose or None}


def point_seed(c: Check, seed: int, index: int) -> np.random.SeedSequence:
    """The seed of grid point ``index`` of check ``c``: (seed, check name, point index); with
    ``shared_sample`` every point gets (seed, check name)."""
    key = [seed, zlib.crc32(c.name.encode())]
    return np.random.SeedSequence(key if c.shared_sample else key + [index])


def measure_point(c: Check, point: dict, index: int, seed: int = 0, quick: bool = False) -> Estimate:
    """Evaluate one grid point: the simulator's estimate there, reproducible alone (serial or on a cluster)."""
    return c.measure(point, point_seed(c, seed, index), quick)


def point_record(c: Check, point: dict, est: Estimate, threshold: float) -> dict:
    """Decide one point: the estimate against the theory and the wrong theory, as a JSON record."""
    theory, wrong = c.theory_value(point), c.wrong_value(point)
    ok, stat = _passes(c, est, theory, threshold)
    wrong_ok = True if wrong is None else _passes(c, est, wrong, threshold)[0]
    resolution = _resolution(c, est, theory, threshold)
    power_deviation = 0.0 if wrong is None else abs(wrong - theory)
    resolved = power_deviation == 0 or resolution < power_deviation  # wrong = theory here: no power to resolve
    record = {"check": c.name, "kind": "point", "point": point, "theory": theory,
              "estimate": est.value, "stderr": est.stderr, "n": est.n,
              ("deviation" if c.rule == "exact" or est.stderr == 0 else "z"): json_float(stat),
              "threshold": c.tolerance if c.rule == "exact" or est.stderr == 0 else threshold,
              "resolution": json_float(resolution),
              "relative_resolution": json_float(resolution / abs(theory)) if theory else None,
              "power_deviation": json_float(power_deviation), "resolved": resolved, "agrees": ok,
              "pass": ok and resolved,
              "wrong_theory": wrong, "wrong_rejected": not wrong_ok}
    if c.rule in ("upper-bound", "lower-bound"):
        # how tight the bound is here: bound/estimate (1 = attained; an upper bound's ratio > 1
        # and a lower bound's < 1 say by how much it is loose), and whether the bound moved
        # TIGHTEN of itself towards the estimate is violated here
        record["ratio"] = json_float(theory / est.value) if est.value else None
        inward = TIGHTEN * abs(theory) * (1.0 if c.rule == "upper-bound" else -1.0)
        record["tightened_rejected"] = not _passes(c, est, theory - inward, threshold)[0]
    if est.interval is not None:
        record["interval"] = list(est.interval)
    if est.finite_size is not None:
        record["finite_size"] = est.finite_size.record()
        per_size = _per_size_exact(est.finite_size, threshold)
        if per_size is not None:  # an exact finite-N formula: each size must agree with it too
            record["finite_size"]["exact_agrees"] = per_size
            record["agrees"] = ok and per_size
            record["pass"] = record["agrees"] and resolved
    return record


def _per_size_exact(fs, threshold: float) -> bool | None:
    """Whether every per-size value with an exact finite-N value agrees with it (two-sided z-test,
    the point's false-alarm share split Bonferroni-wise over its k tests), None if none has one."""
    pairs = [(e, x) for e, x in zip(fs.estimates, fs.exact or ()) if x is not None]
    if not pairs:
        return None
    share = 2 * (1 - NormalDist().cdf(threshold))  # the point's two-sided false-alarm share
    z = NormalDist().inv_cdf(1 - share / (2 * len(pairs)))
    return all(abs(e.z(x)) <= z for e, x in pairs)


def conclude(out: Outcome) -> Outcome:
    """Decide the check from its point records (in grid order): every point passes and the power test rejects."""
    out.power_rejected = any(r["wrong_rejected"] for r in out.records)
    out.passed = all(r["pass"] for r in out.records) and out.power_rejected
    if out.check.rule in ("upper-bound", "lower-bound"):
        out.tight = any(r["tightened_rejected"] for r in out.records)
        out.passed = out.passed and (out.tight or bool(out.check.loose))
    return out


def run_check(c: Check, *, seed: int = 0, quick: bool = False,
              on_record: Callable[[dict], None] | None = None) -> Outcome:
    """Run check ``c``: seeded per point (seed, check name, point index), so points are reproducible alone."""
    start = time.perf_counter()
    points = c.grid(quick)
    threshold = z_critical(c.alpha, len(points))
    out = Outcome(c)
    for i, point in enumerate(points):
        record = point_record(c, point, measure_point(c, point, i, seed, quick), threshold)
        out.records.append(record)
        if on_record:
            on_record(record)
    conclude(out)
    out.seconds = time.perf_counter() - start
    return out


def _dense_theory(c: Check, rows: list[dict], points: int = 120):
    """The quantity along a dense grid of the plot's x parameter (real x only), else None."""
    xs = [r["point"].get(c.x) for r in rows] if c.x else []
    if c.theory is not None or len(xs) < 2 or not all(isinstance(x, float) for x in xs):
        return None
    dense = np.linspace(min(xs), max(xs), points)
    try:
        ys = [c.theory_value({**rows[0]["point"], c.x: float(x)}) for x in dense]
    except Exception:  # a quantity that cannot be evaluated between the grid points
        return None
    return dense, ys


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def _plot_finite_size(ax, records: list[dict], ylabel: str) -> None:
    """Per-size values against 1/N (2 s.e. bars), the fitted polynomial, its intercept at 1/N = 0
    and, where the per-size values estimate the check's own quantity, the theory there (x)."""
    for i, r in enumerate(records):
        fs = r["finite_size"]
        colour = f"C{i % 10}"
        inv = [1.0 / p["N"] for p in fs["sizes"]]
        errors = [2 * float(p["stderr"]) for p in fs["sizes"]]
        ax.errorbar(inv, [p["value"] for p in fs["sizes"]], yerr=errors, fmt="o", ms=3, color=colour, capsize=2,
                    label=", ".join(f"{k}={_show(v)}" for k, v in r["point"].items()))
        dense = np.linspace(0.0, max(inv), 60)
        coefficients = fs["fit"]["coefficients"]
        ax.plot(dense, np.polynomial.polynomial.polyval(dense, coefficients), "-", color=colour, lw=1)
        ax.errorbar([0.0], [coefficients[0]], yerr=[2 * float(fs["fit"]["intercept_stderr"])], fmt="s", ms=4,
                    color=colour, capsize=3)
        if fs["of"] is None:
            ax.plot([0.0], [r["theory"]], "x", color="k", ms=7)
    fitted = records[0]["finite_size"]["of"]
    ax.set_xlabel("1/N (N: width)")
    ax.set_ylabel(_wrap(fitted or ylabel, 40), fontsize=8)
    ax.set_title(_wrap("finite size: per-width estimates (2 s.e. bars), weighted fit in 1/N, square: its "
                       "value at 1/N = 0" + ("" if fitted else "; x: theory"), 55), fontsize=8)
    if len(records) <= 8 and any(r["point"] for r in records):
        ax.legend(fontsize=6)


def _show(v, limit: int = 28) -> str:
    """A parameter value for a label: floats to 4 digits, lists comma-separated, long ones cut."""
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, (list, tuple)):
        text = ",".join(_show(x) for x in v)
        return text if len(text) <= limit else f"{text[:limit - 12]}... ({len(v)} values)"
    return str(v)


def _axis_label(c: Check) -> str:
    """The x parameter with its meaning (the quantity's parameter doc, where it has one)."""
    from ..theory import get

    for name in c.quantities:
        try:
            for p in get(name).params:
                if p.name == c.x and p.doc:
                    return _wrap(f"{c.x} ({p.doc})", 45)
        except Exception:  # a quantity that cannot be looked up: the bare name
            pass
    return c.x


def _categories(c: Check, records: list[dict]) -> list[str] | None:
    """Labels of the grid points when they are categories (no numeric x), else None: the
    parameters that vary between points (all of them where none does)."""
    xs = [r["point"].get(c.x) for r in records] if c.x else []
    if c.x and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in xs) and len(set(xs)) > 1:
        return None
    return _categories_of(records)


def _category_axis(records: list[dict]) -> str:
    varying = [k for k in records[0]["point"] if len({_show(r["point"].get(k)) for r in records}) > 1]
    labels = _categories_of(records)
    if len(records) == 1:
        return _wrap(f"the one grid point: {labels[0]}", 60)
    if len(records) > 8 or max(len(t) for t in labels) > 44:
        return _wrap(f"grid point number (varying: {', '.join(varying)}; each point's values are in the records)", 60)
    return _wrap("grid point" + (f" ({', '.join(varying)})" if varying else ""), 60)


def _categories_of(records: list[dict]) -> list[str]:
    varying = [k for k in records[0]["point"] if len({_show(r["point"].get(k)) for r in records}) > 1]
    keys = varying or list(records[0]["point"])
    return [", ".join(f"{k}={_show(r['point'].get(k))}" for k in keys) for r in records]


def _legend_proxies(ax, c: Check, bound: bool, has_wrong: bool) -> list:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color="k", ls="-", marker="_", ms=10, label="bound" if bound else "theory"),
               Line2D([], [], color="k", ls="none", marker="o", ms=4, label="simulation (bars: 2 s.e.)")]
    if has_wrong:
        handles.append(Line2D([], [], color="k", ls=":", marker="x", ms=5, alpha=0.6,
                              label=_wrap("power test: " + c.wrong_label, 45)))
    return handles


def _plot_main(ax, c: Check, records: list[dict], categories: list[str] | None, bound: bool) -> None:
    """Theory (or bound), simulation with 2 s.e. bars, the power test's wrong theory."""
    has_wrong = any(r["wrong_theory"] is not None for r in records)
    if categories is not None:  # categories: markers only, never a line joining unrelated points
        pos = np.arange(len(records))
        ax.plot(pos, [r["theory"] for r in records], "_", color="C0", ms=18, mew=2)
        ax.plot(pos, [np.nan if r["wrong_theory"] is None else r["wrong_theory"] for r in records], "x",
                color="C3", ms=5, alpha=0.6)
        ax.errorbar(pos, [r["estimate"] for r in records], yerr=[2 * r["stderr"] for r in records], fmt="o",
                    ms=4, color="C1", capsize=2)
        _category_ticks(ax, categories)
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], color="C0", ls="none", marker="_", ms=12, mew=2, label="bound" if bound else "theory"),
                   Line2D([], [], color="C1", ls="none", marker="o", ms=4, label="simulation (bars: 2 s.e.)")]
        if has_wrong:
            handles.append(Line2D([], [], color="C3", ls="none", marker="x", ms=5, alpha=0.6,
                                  label=_wrap("power test: " + c.wrong_label, 45)))
        ax.legend(handles=handles, fontsize=7)
        return
    groups: dict[tuple, list[dict]] = {}
    for r in records:
        rest = tuple((k, v) for k, v in r["point"].items() if k != c.x)
        groups.setdefault(tuple((k, _show(v)) for k, v in rest), []).append(r)
    varying = {k for rest in groups for k, _ in rest if len({dict(g).get(k) for g in groups}) > 1}
    handles = _legend_proxies(ax, c, bound, has_wrong)
    from matplotlib.lines import Line2D

    for n, (rest, rows) in enumerate(groups.items()):
        xs = [r["point"][c.x] for r in rows]
        colour = f"C{n % 10}"
        curve = _dense_theory(c, rows)
        single = len(rows) == 1
        if curve is not None:
            ax.plot(*curve, "-", color=colour)
        else:  # theory at the grid points; a lone point keeps a visible marker
            ax.plot(xs, [r["theory"] for r in rows], "-_" if not single else "_", color=colour, ms=14, mew=2)
        ax.plot(xs, [np.nan if r["wrong_theory"] is None else r["wrong_theory"] for r in rows], ":x",
                color=colour, alpha=0.6, ms=4)
        ax.errorbar(xs, [r["estimate"] for r in rows], yerr=[2 * r["stderr"] for r in rows],
                    fmt="o", ms=3.5, color=colour, capsize=2)
        label = ", ".join(f"{k}={v}" for k, v in rest if k in varying)
        if label and len(groups) <= 10:
            handles.append(Line2D([], [], color=colour, lw=4, label=_wrap(label, 40)))
    ax.legend(handles=handles, fontsize=6.5)


def _category_ticks(ax, categories: list[str]) -> None:
    """Each category named under its point; where there are many, or long names, their numbers
    (1, 2, ...; the records carry each point's parameters)."""
    pos = list(range(len(categories)))
    ax.set_xlim(-0.6, len(categories) - 0.4)
    if len(categories) == 1:  # named in the axis label
        ax.set_xticks([])
        return
    if len(categories) > 8 or max(len(t) for t in categories) > 44:
        step = max(1, len(categories) // 20)
        ax.set_xticks(pos[::step])
        ax.set_xticklabels([str(i + 1) for i in pos[::step]], fontsize=7)
        return
    ax.set_xticks(pos)
    ax.set_xticklabels([_wrap(t, 22) for t in categories], fontsize=6.5, rotation=30, ha="right")


def _plot_ratio(ax, c: Check, records: list[dict], categories: list[str] | None) -> None:
    """bound / estimate at each point: how far the bound is from what the simulation attains."""
    ratios = [r["theory"] / r["estimate"] if r["estimate"] > 0 and r["theory"] > 0 else np.nan for r in records]
    if categories is not None:
        ax.plot(np.arange(len(records)), ratios, "o", color="C2", ms=4, label="bound / estimate")
    else:  # one curve per group of the other parameters, in the main panel's colours
        groups: dict[tuple, list[int]] = {}
        for i, r in enumerate(records):
            groups.setdefault(tuple((k, _show(v)) for k, v in r["point"].items() if k != c.x), []).append(i)
        for n, rows in enumerate(groups.values()):
            ax.plot([records[i]["point"][c.x] for i in rows], [ratios[i] for i in rows], "o-", color=f"C{n % 10}",
                    ms=4, label="bound / estimate" if n == 0 else None)
    ax.axhline(1.0, color="k", lw=0.8, ls="--", label="1: the bound is attained")
    finite = [x for x in ratios if np.isfinite(x) and x > 0]
    if finite and max(finite) / min(finite) > 20:
        ax.set_yscale("log")
    if categories is not None:
        _category_ticks(ax, categories)
        ax.set_xlabel(_category_axis(records))
    else:
        ax.set_xlabel(_axis_label(c))
    ax.set_ylabel("bound / estimate")
    dropped = sum(np.isnan(x) for x in ratios)
    ax.set_title("looseness of the bound (1 = tight)" + (f"; {dropped} point{'s' if dropped > 1 else ''} with a "
                 "bound or estimate <= 0 not shown" if dropped else ""), fontsize=8)
    ax.legend(fontsize=6.5)


def plot(outcome: Outcome, path) -> None:
    """A figure as a paper would print it: theory (or the bound) and simulation (points with
    2 s.e. bars) with the power test's wrong theory; grid points that are categories are shown
    as categories (never joined by lines); a bound check adds a panel of bound / estimate; an
    extrapolated check a panel of its per-width estimates and 1/N fits. Constrained layout,
    wrapped titles; the PNG carries no software version, so it reruns byte-identically."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    c = outcome.check
    records = outcome.records
    extrapolated = [r for r in records if "finite_size" in r]
    bound = c.rule in ("upper-bound", "lower-bound")
    panels = 1 + bool(extrapolated) + bool(bound)
    fig, axes = plt.subplots(1, panels, figsize=(5.2 * panels, 4.2), layout="constrained", squeeze=False)
    ax, rest = axes[0][0], list(axes[0][1:])
    categories = _categories(c, records)
    _plot_main(ax, c, records, categories, bound)
    if bound:
        ratio_ax = rest.pop(0)
        _plot_ratio(ratio_ax, c, records, categories)
        if categories is None:  # the same x range as the main panel
            ratio_ax.set_xlim(ax.get_xlim())
            if c.x and ax.get_xscale() == "log":
                ratio_ax.set_xscale("log")
    if extrapolated:
        fs_ax = rest.pop(0)
        _plot_finite_size(fs_ax, extrapolated, c.ylabel or c.quantity)
        if c.logy:
            fs_ax.set_yscale("log")
    ax.set_xlabel(_category_axis(records) if categories is not None else _axis_label(c))
    ax.set_ylabel(_wrap(c.ylabel or ", ".join(c.quantities), 40), fontsize=8)
    values = [v for r in records for v in (r["theory"], r["estimate"]) if v is not None]
    if c.logy or (bound and values and min(values) > 0 and max(values) / min(values) > 20):
        ax.set_yscale("log")
    verdict = "pass" if outcome.passed else "FAIL"
    fig.suptitle(_wrap(f"{c.title} ({verdict})", 60 * panels), fontsize=9)
    fig.savefig(path, dpi=120, metadata={"Software": None})
    plt.close(fig)
