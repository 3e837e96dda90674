"""``dltheory sweep CHECK param=v1,v2,... --out FILE.jsonl [--plot FIG.png]``: a check's simulator
(its measure function) over a grid the user chooses, serially or on Dask (``--workers N`` /
``--scheduler ADDRESS``, docs/distributed.md), with JSONL records and a figure.

The grid is the product of the given values; parameters not given keep the value they have at
the check's first grid point (``--quick``: its quick grid). Every value is validated by the
quantity's own parameter (domain, type) and every point by evaluating the theory there, before
anything runs or is written. A list-valued parameter (``widths=8,8``) takes one value per
occurrence: repeat it for several. Each point is seeded by (seed, check name, CRC-32 of the
point's JSON), so adding values to a sweep leaves the other points' draws unchanged, and a
point's record is the same serial or on any cluster. Each record is a ``verify`` point record
(theory, estimate, s.e., z against the theory with the Bonferroni threshold over the sweep,
the power test's wrong theory); the sweep reports, it does not pass or fail: the exit status
is 0 unless a point could not be computed.
"""
from __future__ import annotations

import dataclasses
import itertools
import json
import sys
import time
import zlib
from pathlib import Path

from .cli import integer

MAX_POINTS = 10000


def add_parser(sub) -> None:
    from .verify_command import add_backend_options

    s = sub.add_parser("sweep", help="a check's simulator over your grid: JSONL records and a figure")
    s.add_argument("check", metavar="CHECK", help="a check (dltheory list): its simulator runs at each point")
    s.add_argument("params", nargs="*", metavar="PARAM=V1,V2,...", help="values of a parameter; the grid is their product")
    s.add_argument("--quick", action="store_true", help="the simulator's quick sample sizes")
    s.add_argument("--seed", type=integer, default=0, help="base seed; each point is seeded by (seed, check, point)")
    s.add_argument("--out", required=True, help="write one JSON record per point (and a summary) to this file")
    s.add_argument("--plot", help="draw estimates (2 s.e. bars) and theory against --x into this image")
    s.add_argument("--x", help="the plot's horizontal axis (default: the first swept numeric parameter)")
    s.add_argument("--json", action="store_true", help="also print the records on stdout")
    add_backend_options(s)
    s.set_defaults(run=run)


def _values(params: list[str], base: dict, quantity) -> dict[str, list[str]]:
    """``param=v1,v2`` items as {param: [text values]}; a list parameter takes one value per item."""
    from .cli import UsageError
    from .theory import BadInput

    known = {p.name: p for p in quantity.params}
    listed = {name for name, p in known.items() if type(p).__name__ in ("IntList", "RealList")}
    grid: dict[str, list[str]] = {}
    for item in params:
        key, sep, text = item.partition("=")
        if not sep or not key or not text:
            raise UsageError(f"sweep: argument {item!r}: expected PARAM=V1,V2,...")
        if key not in base:
            takes = ", ".join(k for k in base if k != "quantity")
            problem = "a parameter of the quantity that this check's simulator does not take" if key in known \
                else "unknown parameter"
            raise BadInput(key, text, f"parameters of check points: {takes}", problem)
        values = [text] if key in listed else [v for v in text.split(",")]
        if any(not v for v in values):
            raise BadInput(key, text, "comma-separated values", "empty value")
        grid.setdefault(key, []).extend(values)
    return grid


def build_points(c, params: list[str], quick: bool) -> tuple[list[dict], list[str]]:
    """The validated sweep points (each checked by the theory there) and the swept parameters."""
    from . import theory
    from .theory import BadInput

    base = c.grid(quick)[0]
    multi = "quantity" in base
    if multi:
        choices = [p.partition("=")[2] for p in params if p.startswith("quantity=")]
        for name in ",".join(choices).split(",") if choices else ():
            if name not in c.quantities:
                raise BadInput("quantity", name, f"quantities of {c.name}: {', '.join(c.quantities)}")
    first = theory.get(params_quantity(params) or base.get("quantity") or c.quantity)
    grid = _values([p for p in params if not p.startswith("quantity=")], base, first)
    if multi:
        grid = {**({"quantity": ",".join(choices).split(",")} if choices else {}), **grid}
    count = 1
    for values in grid.values():
        count *= len(values)
    if count > MAX_POINTS:
        raise BadInput("PARAM", f"{count} points", f"at most {MAX_POINTS} points per sweep", "too many points")
    points = []
    for combo in itertools.product(*grid.values()):
        given = dict(zip(grid, combo))
        merged = {**base, **given}
        q = theory.get(merged["quantity"]) if multi else theory.get(c.quantity)
        bound = q.bind({k: v for k, v in merged.items() if k != "quantity"})
        point = {k: (merged[k] if k == "quantity" else bound[k]) for k in merged}
        c.theory_value(point)  # a point outside the quantity's domain fails here, before anything runs
        c.wrong_value(point)
        points.append(point)
    return points, list(grid)


def params_quantity(params: list[str]) -> str | None:
    for p in params:
        if p.startswith("quantity="):
            return p.partition("=")[2].split(",")[0]
    return None


def point_index(point: dict) -> int:
    """The seed index of a sweep point: CRC-32 of its JSON (so it does not depend on the grid's order)."""
    return zlib.crc32(json.dumps(point, sort_keys=True, default=list).encode())


def _axis(c, points: list[dict], swept: list[str], chosen: str | None) -> str | None:
    from .theory import BadInput

    scalar = [k for k in points[0] if all(isinstance(p[k], (int, float)) and not isinstance(p[k], bool)
                                          for p in points)]
    if chosen:
        if chosen not in scalar:
            raise BadInput("--x", chosen, f"a numeric parameter of the points: {', '.join(scalar) or 'none'}")
        return chosen
    varied = [k for k in swept if k in scalar and len({p[k] for p in points}) > 1]
    return varied[0] if varied else (c.x if c.x in scalar else None)


def run(args) -> int:
    from . import numerics, progress
    from .verify_command import backend_from_args, point_line, records_target, run_info, utc_now
    from .numerics import z_critical
    from .numerics._check import Outcome, conclude, measure_point, point_record
    from .theory import BadInput

    if args.seed < 0:
        raise BadInput("--seed", args.seed, "integer >= 0")
    numerics.threads(), numerics.scale()
    c = numerics.get_check(args.check)
    points, swept = build_points(c, args.params, args.quick)
    target = records_target(args.out)
    if args.plot:
        figure = Path(args.plot)
        if figure.is_dir() or not figure.parent.is_dir() or figure.suffix.lower() not in (".png", ".pdf", ".svg"):
            raise BadInput("--plot", args.plot, "a .png, .pdf or .svg file in an existing folder")
    x = _axis(c, points, swept, args.x)
    backend = backend_from_args(args)
    threshold = z_critical(c.alpha, len(points))
    start = time.perf_counter()
    try:
        sink = open(target, "w")
    except OSError as e:
        if backend:
            backend.close()
        raise BadInput("--out", args.out, "a writable file", e.strerror or "cannot be opened") from None
    records: dict[int, dict] = {}
    errors: list[str] = []

    info = run_info(args.seed, args.quick)

    def emit(record: dict) -> None:
        line = json.dumps({**record, "run": {**info, "time": utc_now()}})
        sink.write(line + "\n")
        sink.flush()
        if args.json:
            print(line, flush=True)

    def finished(i, estimate, worker=None, seconds=None):
        record = point_record(c, points[i], estimate, threshold)
        record["kind"], record["sweep_index"] = "sweep-point", point_index(points[i])
        records[i] = record
        where = f" [worker {worker}, {seconds:.1f}s]" if worker is not None else ""
        progress.say(f"  [{len(records) + len(errors)}/{len(points)}] {point_line(record, c.rule)}{where}")
        emit(record)

    def failed(i, e):
        errors.append(f"{' '.join(f'{k}={v}' for k, v in points[i].items())}: {type(e).__name__}: {' '.join(str(e).split())[:200]}")
        print(f"  point failed: {errors[-1]}", file=sys.stderr, flush=True)

    print(f"sweep {c.name}: {len(points)} points over {', '.join(swept) or 'the first grid point'}",
          file=sys.stderr, flush=True)
    try:
        if backend:
            with backend:
                backend.map_points([(i, c.name, p, point_index(p), args.seed, args.quick)
                                    for i, p in enumerate(points)],
                                   lambda i, est, worker, seconds: finished(i, est, worker, seconds), failed)
                for worker, (n, seconds) in sorted(backend.per_worker.items()):
                    print(f"  worker {worker}: {n} points, {seconds:.1f}s", file=sys.stderr, flush=True)
        else:
            with progress.bar(total=len(points), desc=f"sweep {c.name}", unit="point") as shown:
                for i, p in enumerate(points):
                    finished(i, measure_point(c, p, point_index(p), args.seed, args.quick))
                    shown.update(1)
        outcome = conclude(Outcome(dataclasses.replace(c, x=x), [records[i] for i in sorted(records)]))
        outcome.seconds = time.perf_counter() - start
        summary = {**outcome.summary, "kind": "sweep-summary", "swept": swept, "seed": args.seed,
                   "quick": args.quick, "base": c.grid(args.quick)[0], "errors": errors}
        emit(summary)
    except KeyboardInterrupt:
        print("dltheory: sweep interrupted; records so far are written", file=sys.stderr)
        return 130
    finally:
        sink.close()
    if args.plot and outcome.records:
        numerics.plot(outcome, args.plot)
    agree = sum(r["agrees"] for r in outcome.records)
    if not args.json:
        print(f"sweep {c.name}: {len(outcome.records)} points ({agree} agree with the theory at z* = "
              f"{threshold:.3g}), {len(errors)} failed -> {args.out}" + (f", {args.plot}" if args.plot else ""))
    return 1 if errors else 0
