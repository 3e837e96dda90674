"""``dltheory verify``: theory against Monte Carlo, serially or on Dask (docs/distributed.md).

Records (``--out FILE``, ``--json``): one JSON object per point and one summary per check,
written as they finish. Each carries ``run``: the dltheory version, the git commit of the source
(where it is a git checkout; else null), the seed, whether the run was quick, and the UTC time
at which the record was written. ``--out`` writes this run's own file: an existing file of that
name is replaced, never appended to (collect several runs with one file per run).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .cli import UsageError, expand_names, integer, show_value, writable_folder


def add_backend_options(s) -> None:
    """``--workers N`` / ``--scheduler ADDRESS``: run points as tasks on dask.distributed (docs/distributed.md)."""
    s.add_argument("--workers", type=integer, help="run points on a local Dask cluster of N worker processes")
    s.add_argument("--scheduler", help="run points on the Dask scheduler at ADDRESS (tcp://host:8786)")
    s.add_argument("--connect-timeout", type=float, help="seconds to reach --scheduler (default 10)")


def add_parser(sub) -> None:
    s = sub.add_parser("verify", help="theory vs Monte Carlo checks, with standard errors and a power test")
    s.add_argument("names", nargs="*", metavar="NAME", help="checks, or quantities (their checks)")
    s.add_argument("--all", action="store_true", help="every registered check")
    s.add_argument("--quick", action="store_true", help="small sample sizes (seconds per check)")
    s.add_argument("--seed", type=integer, default=0, help="base seed; each point is seeded by (seed, check, index)")
    s.add_argument("--json", action="store_true", help="print the records on stdout as JSON lines")
    s.add_argument("--plots", metavar="DIR", help="write one figure per check, DIR/CHECK.png")
    s.add_argument("--out", metavar="FILE", help="write this run's JSON records to FILE (replaced, not appended)")
    add_backend_options(s)
    s.set_defaults(run=run)


def run_info(seed: int, quick: bool) -> dict:
    """What every record says about the run that wrote it (``time`` is filled in per record)."""
    import importlib.metadata
    import subprocess

    try:
        version = importlib.metadata.version("dltheory")
    except importlib.metadata.PackageNotFoundError:
        version = None
    commit = None
    source = Path(__file__).resolve().parent
    try:
        done = subprocess.run(["git", "-C", str(source.parent), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=5)
        if done.returncode == 0:
            commit = done.stdout.strip()
            dirty = subprocess.run(["git", "-C", str(source.parent), "status", "--porcelain", "--untracked-files=no"],
                                   capture_output=True, text=True, timeout=5)
            if dirty.returncode == 0 and dirty.stdout.strip():
                commit += "+modified"
    except (OSError, subprocess.SubprocessError):
        pass
    return {"version": version, "commit": commit, "seed": seed, "quick": quick}


def utc_now() -> str:
    import datetime

    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def records_target(path: str) -> Path:
    """``--out`` as a file in an existing folder (checked before anything runs or is written)."""
    from .theory import BadInput

    target = Path(path)
    if target.is_dir() or not target.parent.is_dir():
        raise BadInput("--out", path, "a file in an existing folder")
    return target


def open_records(path: str | None, backend=None):
    """The records file of this run (replaced), or None; BadInput where it cannot be written."""
    from .theory import BadInput

    if not path:
        return None
    try:
        target = records_target(path)
    except BadInput:
        if backend:
            backend.close()
        raise
    try:
        return open(target, "w")
    except OSError as e:
        if backend:
            backend.close()
        raise BadInput("--out", path, "a writable file", e.strerror or "cannot be opened") from None


def run(args) -> int:
    from . import numerics
    from .theory import BadInput

    if args.all and args.names:
        raise UsageError("verify: give check or quantity names or --all, not both")
    if args.seed < 0:
        raise BadInput("--seed", args.seed, "integer >= 0")
    numerics.threads(), numerics.scale()  # a bad $DLTHEORY_THREADS or $DLTHEORY_SCALE fails now
    checks = numerics.all_checks()
    if args.all:
        selected = list(checks.values())
    elif args.names:
        selected = [checks[n] for n in expand_names(args.names, checks, "check")]
    else:
        raise UsageError("verify: name a check or quantity, or give --all")
    plots = writable_folder("--plots", args.plots) if args.plots else None
    if args.out:
        records_target(args.out)
    backend = backend_from_args(args)  # a cluster that cannot be reached fails before anything is written
    sink = open_records(args.out, backend)
    info = run_info(args.seed, args.quick)

    def emit(record: dict) -> None:
        line = json.dumps({**record, "run": {**info, "time": utc_now()}})
        if sink:
            sink.write(line + "\n")
            sink.flush()
        if args.json:
            print(line, flush=True)

    try:
        passed = (_verify_distributed(backend, selected, args, emit, plots) if backend
                  else _verify_serial(selected, args, emit, plots))
    except KeyboardInterrupt:
        print("dltheory: verify interrupted; records so far are written", file=sys.stderr)
        return 130
    finally:
        if sink:
            sink.close()
    all_passed = len(passed) == len(selected) and all(passed)
    if not args.json:
        print(f"{'all checks passed' if all_passed else 'some checks FAILED'} ({len(selected)} checks)")
    return 0 if all_passed else 1


def _verify_serial(selected, args, emit, plots) -> list[bool]:
    """Every selected check in this process, in order; whether each passed."""
    from . import numerics, progress

    passed = []
    print(LEGEND, file=sys.stderr, flush=True)
    with progress.bar(total=sum(len(c.grid(args.quick)) for c in selected), desc="verify", unit="point") as shown:
        for i, c in enumerate(selected, 1):
            progress.say(f"[{i}/{len(selected)}] {c.name}: {c.title} ...")

            def on_record(record, c=c):
                progress.say(f"    {point_line(record, c.rule)}")
                shown.update(1)
                emit(record)

            outcome = numerics.run_check(c, seed=args.seed, quick=args.quick, on_record=on_record)
            emit(outcome.summary)
            if plots:
                numerics.plot(outcome, plots / f"{c.name}.png")
            progress.say(f"  {verdict_line(outcome)}")
            passed.append(outcome.passed)
    return passed


LEGEND = ("s.e.: standard error of the estimate; n: samples; z*: the threshold (Bonferroni over the "
          "check's points); a point must resolve the power test: resolution (z* s.e.) < |wrong - theory|")


def _fmt(x) -> str:
    return f"{x:.3g}" if isinstance(x, float) else str(x)


def point_line(record: dict, rule: str = "z") -> str:
    """One point in words: theory, estimate with its standard error (s.e.) and sample size n, the
    statistic against the threshold of the decision rule, and the resolution against the power
    test's deviation (a point must resolve it: resolution < deviation)."""
    verdict = "ok" if record["pass"] else "FAIL" if not record["agrees"] else \
        "UNRESOLVED (cannot detect the power test's deviation)"
    threshold, ok = record.get("threshold"), record["agrees"]
    if "z" in record:
        z = record["z"]
        if rule == "upper-bound":
            test = f"z={_fmt(z)} {'<=' if ok else '>'} z*={_fmt(threshold)}"
        elif rule == "lower-bound":
            test = f"z={_fmt(z)} {'>=' if ok else '<'} -z*=-{_fmt(threshold)}"
        else:
            test = f"|z|={_fmt(abs(z) if isinstance(z, float) else z)} {'<=' if ok else '>'} z*={_fmt(threshold)}"
    else:
        what = "deviation" if rule in ("z", "exact") else "excess over the bound" if rule == "upper-bound" \
            else "shortfall below the bound"
        test = f"{what} {_fmt(record['deviation'])} {'within' if ok else 'beyond'} tolerance {_fmt(threshold)}"
    power = record.get("power_deviation") or 0.0
    if power:
        margin = f"resolution {_fmt(record['resolution'])} {'<' if record['resolved'] else '>='} power-test " \
                 f"deviation {_fmt(power)}"
    else:
        margin = "no power test at this point"
    return (f"{_show_point(record['point'])}: theory {record['theory']:.6g}, "
            f"estimate {record['estimate']:.6g} (s.e. {record['stderr']:.2g}, n={record['n']}); "
            f"{test}; {margin}: {verdict}")


def verdict_line(outcome) -> str:
    c = outcome.check
    power = "power test rejects " + c.wrong_label if outcome.power_rejected else \
        "POWER TEST FAILED: " + c.wrong_label + " not rejected"
    return f"{'PASS' if outcome.passed else 'FAIL'} ({c.rule_text}; {power}; {outcome.seconds:.1f}s)"


def backend_from_args(args):
    """The Dask backend that ``--workers N`` / ``--scheduler ADDRESS`` ask for, else None (Dask not imported)."""
    from .theory import BadInput

    if args.workers is not None and args.scheduler:
        raise UsageError(f"{args.command}: give --workers or --scheduler, not both")
    if args.workers is not None and not 1 <= args.workers <= 1024:
        raise BadInput("--workers", args.workers, "integer from 1 to 1024")
    if args.connect_timeout is not None and not 0 < args.connect_timeout <= 3600:
        raise BadInput("--connect-timeout", args.connect_timeout, "seconds in (0, 3600]")
    if args.workers is None and not args.scheduler:
        return None
    from . import distributed

    backend = distributed.connect(args.scheduler, args.workers,
                                  args.connect_timeout or distributed.CONNECT_TIMEOUT)
    print(f"dltheory: {args.command} on {backend.description}", file=sys.stderr, flush=True)
    return backend


def _verify_distributed(backend, selected, args, emit, plots) -> list[bool]:
    """Every point of every selected check as a task; records written as they finish; whether each
    check passed (a check whose points never all finished is missing)."""
    from . import distributed, numerics

    results = []
    rules = {c.name: c.rule for c in selected}

    def on_record(record, worker, seconds, done, total):
        print(f"  [{done}/{total}] {record['check']} {point_line(record, rules[record['check']])} "
              f"[worker {worker}, {seconds:.1f}s]", file=sys.stderr, flush=True)
        emit(record)

    def on_check(outcome, errors):
        summary = outcome.summary
        if errors:
            summary["errors"] = errors
        emit(summary)
        if plots and outcome.records:
            numerics.plot(outcome, plots / f"{outcome.check.name}.png")
        for e in errors:
            print(f"  {outcome.check.name}: {e}", file=sys.stderr, flush=True)
        print(f"  {outcome.check.name}: {verdict_line(outcome)}", file=sys.stderr, flush=True)
        results.append(outcome.passed)

    with backend:
        distributed.verify(backend, selected, seed=args.seed, quick=args.quick, on_record=on_record,
                           on_check=on_check)
        for worker, (points, seconds) in sorted(backend.per_worker.items()):
            print(f"  worker {worker}: {points} points, {seconds:.1f}s", file=sys.stderr, flush=True)
    return results


def _show_point(point: dict) -> str:
    return " ".join(f"{k}={show_value(v)}" for k, v in point.items())
