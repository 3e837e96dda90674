"""``dltheory plot NAME PARAM=START:STOP[:N] [OTHER=V1,V2,...] [KEY=VALUE ...]``: a quantity along
one parameter, as a figure (and a CSV table).

One parameter takes a range START:STOP[:N] (N points, default 50; ``--log`` spaces them
logarithmically, for a positive range; an integer parameter takes the distinct integers of the
spacing). At most one other parameter takes several comma-separated values: one curve each (a
list-valued parameter such as ``widths=4,4`` is one value). The caption gives the status and the
citation; points where the formula warns that it is outside its regime are marked with an x.
Points outside the quantity's domain are gaps, and said so; bad input is one line, exit 2, and
nothing is written. From Python: ``dltheory.theory.evaluate_grid``.
"""
from __future__ import annotations

import csv
import math
import textwrap
from pathlib import Path

from .cli import UsageError, show_value

MAX_POINTS = 2000  # the cost guard: points over all curves
FORMATS = (".png", ".pdf", ".svg")


def add_parser(sub) -> None:
    s = sub.add_parser("plot", help="a quantity along one parameter, as a figure: plot NAME PARAM=START:STOP[:N]")
    s.add_argument("name", metavar="NAME", help="a quantity (dltheory list)")
    s.add_argument("params", nargs="+", metavar="PARAM=START:STOP[:N] | PARAM=V1,V2,... | KEY=VALUE",
                   help="one range (the x axis), at most one family (one curve per value), fixed values")
    s.add_argument("--out", metavar="FILE", help="the figure, .png, .pdf or .svg (default: NAME.png here)")
    s.add_argument("--csv", metavar="FILE", help="also write the values as a CSV table")
    s.add_argument("--log", action="store_true", help="logarithmic spacing and x axis (a positive range)")
    s.add_argument("--logy", action="store_true", help="logarithmic y axis")
    s.add_argument("--fit", action="store_true",
                   help="fit L = L_inf + a x^(-b) to each curve (positive x, at least 4 points) and draw it")
    s.set_defaults(run=run)


def _target(option: str, path: str, suffixes: tuple[str, ...]) -> Path:
    from .theory import BadInput

    from .cli import writable_folder

    p = Path(path)
    if p.is_dir() or not p.parent.is_dir() or p.suffix.lower() not in suffixes:
        raise BadInput(option, path, f"a {' or '.join(suffixes)} file in an existing folder")
    writable_folder(option, str(p.parent))  # e.g. /proc: a folder where no file can be created
    return p


def parse(q, items: list[str], log: bool):
    """(x parameter, x values, family parameter or None, family values, fixed {param: text})."""
    from .theory import BadInput, Choice, Int, IntList, RealList

    from .cli import parse_assignments

    known = {p.name: p for p in q.params}
    given = parse_assignments(items)
    for key, text in given.items():
        if key not in known:
            raise BadInput(key, text, f"parameters of {q.name}: {', '.join(known) or 'none'}", "unknown parameter")
    ranges = [k for k, v in given.items() if ":" in v]
    if len(ranges) != 1:
        raise UsageError(f"plot: give exactly one range PARAM=START:STOP[:N] (got {len(ranges)})")
    x = ranges[0]
    param = known[x]
    if isinstance(param, (Choice, IntList, RealList)):
        raise BadInput(x, given[x], "a range of a numeric parameter", "not a numeric parameter")
    parts = given[x].split(":")
    if len(parts) not in (2, 3):
        raise BadInput(x, given[x], "START:STOP or START:STOP:N", "not a range")
    start, stop = param.parse(parts[0]), param.parse(parts[1])
    if not start < stop:
        raise BadInput(x, given[x], "START < STOP", "empty range")
    try:
        n = int(parts[2]) if len(parts) == 3 else 50
    except ValueError:
        raise BadInput(x, given[x], "START:STOP:N with N an integer from 2", "N is not an integer") from None
    if not 2 <= n <= MAX_POINTS:
        raise BadInput(x, given[x], f"START:STOP:N with 2 <= N <= {MAX_POINTS}", "N out of range")
    if log and start <= 0:
        raise BadInput(x, given[x], "a positive range (START > 0) with --log", "not positive")
    if log:
        xs = [math.exp(math.log(start) + (math.log(stop) - math.log(start)) * i / (n - 1)) for i in range(n)]
    else:
        xs = [start + (stop - start) * i / (n - 1) for i in range(n)]
    if isinstance(param, Int):
        xs = sorted({int(round(v)) for v in xs})
    families = [k for k, v in given.items() if k != x and "," in v and not isinstance(known[k], (IntList, RealList))]
    if len(families) > 1:
        raise UsageError(f"plot: at most one parameter with several values (got {', '.join(families)})")
    family = families[0] if families else None
    values = [known[family].parse(t) for t in given[family].split(",")] if family else [None]
    if len(xs) * len(values) > MAX_POINTS:
        raise BadInput(family or x, given[family or x], f"at most {MAX_POINTS} points in all", "too many points")
    fixed = {k: v for k, v in given.items() if k not in (x, family)}
    return x, xs, family, values, fixed


def run(args) -> int:
    from . import progress, theory
    from .theory import BadInput

    q = theory.get(args.name)
    x, xs, family, values, fixed = parse(q, args.params, args.log)
    out = _target("--out", args.out or f"{q.name}.png", FORMATS)
    table = _target("--csv", args.csv, (".csv",)) if args.csv else None
    q.bind({**fixed, x: xs[0], **({family: values[0]} if family else {})})  # missing or bad fixed values fail now
    from .cli import guarded

    series, gaps, problems = [], 0, []
    with progress.bar(total=len(xs) * len(values), desc=f"plot {q.name}", unit="point") as shown:
        for v in values:
            ys, warned, statuses = [], [], set()
            for xv in xs:
                point = {**fixed, x: xv, **({family: v} if family else {})}
                try:
                    bound = q.bind(point)
                    value, _ = guarded(lambda: q(**bound), q.name, bound)
                    ys.append(float(value))
                    warned.append(bool(q.warnings(bound)))
                    statuses.add(q.status_for(bound))
                except (BadInput, OverflowError) as e:
                    ys.append(float("nan"))
                    warned.append(False)
                    gaps += 1
                    problems.append(str(e))
                shown.update(1)
            series.append((v, ys, warned, statuses))
    if all(math.isnan(y) for _, ys, _, _ in series for y in ys):
        raise BadInput(x, f"{xs[0]}:{xs[-1]}", "a range where the quantity is defined",
                       f"no point evaluates ({problems[0]})")
    if args.logy and not any(y > 0 for _, ys, _, _ in series for y in ys):
        raise BadInput("--logy", "", "positive values", "no positive value to show")
    fits = _fits(x, xs, family, series) if args.fit else []
    _draw(q, x, xs, family, series, fixed, out, args, fits)
    if table:
        with open(table, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow([x] + ([family] if family else []) + [q.name, "regime_warning"])
            for v, ys, warned, _ in series:
                for xv, y, flag in zip(xs, ys, warned):
                    w.writerow([xv] + ([show_value(v)] if family else []) + [repr(y), int(flag)])
    n_warned = sum(sum(w) for _, _, w, _ in series)
    notes = [f"{gaps} points outside the domain left as gaps"] if gaps else []
    if n_warned:
        notes.append(f"{n_warned} points outside the formula's regime marked x")
    written = str(out) + (f", {table}" if table else "")
    print(f"plot {q.name}: {len(series)} curve{'s' if len(series) > 1 else ''} of {len(xs)} points over {x} "
          f"-> {written}" + (f" ({'; '.join(notes)})" if notes else ""))
    for label, f in fits:
        print(f"  fit {label}: L_inf = {f.l_inf:.4g} +- {f.l_inf_stderr:.2g}, a = {f.a:.4g} +- {f.a_stderr:.2g}, "
              f"b = {f.b:.4g} +- {f.b_stderr:.2g} (L = L_inf + a {x}^-b; s.e. scaled by the misfit, chi2/dof = "
              f"{f.chi2 / max(f.dof, 1):.2g})")
    return 0


def _fits(x, xs, family, series) -> list:
    """The scaling-law fit (numerics.learning_curves.fit_scaling_law) of each curve: a deterministic
    curve has no sampling error, so the standard errors measure how far it is from the fitted form."""
    from .numerics.learning_curves.fit import fit_scaling_law
    from .theory import BadInput

    out = []
    for v, ys, _, _ in series:
        pts = [(a, y) for a, y in zip(xs, ys) if a > 0 and not math.isnan(y)]
        label = f"{family}={show_value(v)}" if family else "curve"
        if len(pts) < 4:
            raise BadInput("--fit", "", f"at least 4 points with {x} > 0 per curve", f"{label} has {len(pts)}")
        try:
            out.append((label, fit_scaling_law([a for a, _ in pts], [y for _, y in pts])))
        except (RuntimeError, ValueError) as e:
            raise BadInput("--fit", "", "a curve of the form L_inf + a x^(-b)",
                           f"the fit of {label} did not converge ({' '.join(str(e).split())[:120]})") from None
    return out


def _label(param) -> str:
    return f"{param.name} ({param.doc})" if param.doc else param.name


def _draw(q, x, xs, family, series, fixed, out, args, fits=()) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    params = {p.name: p for p in q.params}
    fig = plt.figure(figsize=(6.4, 4.8), layout="constrained")
    grid = fig.add_gridspec(2, 1, height_ratios=[5, 1])
    ax, cap = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    many = len({s for _, _, _, st in series for s in st}) > 1
    for i, (v, ys, warned, statuses) in enumerate(series):
        colour = f"C{i % 10}"
        label = f"{family}={show_value(v)}" if family else q.name
        if many:
            label += f" [{', '.join(sorted(statuses))}]"
        single = sum(not math.isnan(y) for y in ys) == 1
        ax.plot(xs, ys, "-o" if single or len(xs) <= 12 else "-", ms=4, color=colour, label=label)
        wx = [a for a, b in zip(xs, warned) if b]
        wy = [y for y, b in zip(ys, warned) if b]
        if wx:
            ax.plot(wx, wy, "x", color=colour, ms=6,
                    label="outside the formula's regime" if i == 0 else None)
    for i, (label, f) in enumerate(fits):
        grid_x = [a for a in xs if a > 0]
        ax.plot(grid_x, [f.l_inf + f.a * a ** -f.b for a in grid_x], "--", lw=1, color=f"C{i % 10}",
                label=f"fit: b = {f.b:.3g} +- {f.b_stderr:.2g}")
    if args.log:
        ax.set_xscale("log")
    if args.logy:
        ax.set_yscale("log")
    ax.set_xlabel(_label(params[x]))
    ax.set_ylabel(q.name)
    title = q.name + (" at " + ", ".join(f"{k}={v}" for k, v in fixed.items()) if fixed else "")
    ax.set_title("\n".join(textwrap.wrap(title, 70)), fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    statuses = sorted({s for _, _, _, st in series for s in st})
    caption = f"{q.summary} Status: {', '.join(statuses)}. Source: {q.citation}."
    cap.axis("off")
    cap.text(0, 1, "\n".join(textwrap.wrap(caption, 110)), va="top", ha="left", fontsize=6.5,
             transform=cap.transAxes)
    metadata = {"Software": None} if out.suffix.lower() == ".png" else \
        {"Creator": None, "Date": None} if out.suffix.lower() == ".svg" else {"Creator": None, "Producer": None,
                                                                                "CreationDate": None}
    fig.savefig(out, dpi=120, metadata=metadata)
    plt.close(fig)
