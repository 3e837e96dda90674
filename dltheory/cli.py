"""The ``dltheory`` command line (see docs/DESIGN contract in README).

Exit status: 0 success, 1 a check or derivation failed, 2 bad input (one line on stderr).
Only ``derive``, ``verify`` and ``bench`` import sympy, numba or matplotlib, and only
once they run.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, no usage dump
        raise UsageError(message)


def _fail_input(message: str) -> int:
    print(f"dltheory: error: {message}", file=sys.stderr)
    return 2


# ---------------------------------------------------------------- list
def cmd_list(args) -> int:
    from . import registry

    g = registry.graph()  # checks and derivations read from their declarations: no numba, no sympy
    entries = []
    for q in g.quantities.values():
        derived = g.derivations_of(q.name)
        entries.append({"name": q.name, "kind": "quantity", "status": q.status, "citation": q.citation,
                        "derivation": derived[0] if derived else None, "derivations": derived,
                        "checks": g.checks_of(q.name), "exempt": dict(q.exempt), "summary": q.summary,
                        "params": [p.describe() for p in q.params], "examples": _jsonable_examples(q.examples),
                        "status_by": q.status_by})
    for d in g.derivations.values():
        entries.append({"name": d.name, "kind": "derivation", "status": "machine-checked",
                        "citation": d.citation, "quantities": list(d.quantities), "summary": d.title})
    for c in g.checks.values():
        q = g.quantities.get(c.quantities[0])
        entries.append({"name": c.name, "kind": "check", "status": q.status if q else "",
                        "citation": q.citation if q else "", "quantity": c.quantities[0],
                        "quantities": list(c.quantities), "rule": c.rule, "summary": c.title})
    if args.names:
        by_name = {e["name"]: e for e in entries}
        from .theory import lookup

        entries = [lookup(name, by_name, "quantity, derivation or check") for name in args.names]
    if args.json:
        json.dump(entries, sys.stdout, indent=1)
        print()
        return 0
    if args.names:
        for e in entries:
            _print_entry(e, g.quantities.get(e["name"]) if e["kind"] == "quantity" else None)
        return 0
    for kind, plural in (("quantity", "quantities"), ("derivation", "derivations"), ("check", "checks")):
        rows = [e for e in entries if e["kind"] == kind]
        print(f"{plural} ({len(rows)}):")
        for e in rows:
            print(f"  {e['name']:<34} [{e['status']}] {e['summary']}")
            if e["citation"]:
                print(f"  {'':<34} {e['citation']}")
            for what, reason in e.get("exempt", {}).items():
                print(f"  {'':<34} no {what}: {reason}")
    return 0


def _jsonable_examples(examples) -> list[dict]:
    return [_jsonable(e) for e in examples]


def _print_entry(entry: dict, quantity) -> None:
    """One entry in full: a quantity's docstring and parameters, a derivation's or check's links."""
    import inspect

    print(f"{entry['name']}  ({entry['kind']}) [{entry['status']}]")
    body = inspect.getdoc(quantity.function) if quantity else entry["summary"]
    print("\n".join("  " + line if line else "" for line in body.splitlines()))
    if entry["citation"]:
        print(f"  citation: {entry['citation']}")
    for p in entry.get("params", ()):
        need = "required" if p["required"] else f"default {p['default']}"
        if p["forms"]:
            need = ("optional" if p["form_optional"] else "required") + " with form=" + "|".join(p["forms"])
        print(f"  {p['name']:<18} {need}; {p['domain']}" + (f"; {p['doc']}" if p["doc"] else ""))
    for example in entry.get("examples", ()):
        print(f"  example: dltheory eval {entry['name']} " + " ".join(f"{k}={_show(v)}" for k, v in example.items()))
    for key in ("derivations", "quantities", "checks", "rule"):
        if entry.get(key):
            value = entry[key]
            print(f"  {key}: {', '.join(value) if isinstance(value, list) else value}")
    for param, by_value in entry.get("status_by", {}).items():
        for value, status in by_value.items():
            print(f"  status with {param}={value}: {status}")
    for what, reason in entry.get("exempt", {}).items():
        print(f"  no {what}: {reason}")
    print()


# ---------------------------------------------------------------- eval
def _parse_assignments(items: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"argument {item!r}: expected key=value")
        if key in values:
            raise UsageError(f"parameter {key} given twice")
        values[key] = value
    return values


def cmd_eval(args) -> int:
    from . import theory

    q = theory.get(args.name)
    params = _parse_assignments(args.params)
    bound = q.bind(params)
    value, numerical = _guarded(lambda: q(dps=args.dps, **bound) if args.dps else q(**bound), q.name, bound)
    shown, exact, text = theory.present(value, args.dps or 15)
    warnings = q.warnings(bound) + numerical
    if args.json:
        record = {"name": q.name, "params": _jsonable(bound), "value": shown, "exact": exact,
                  "status": q.status_for(bound), "citation": q.citation}
        if warnings:
            record["warnings"] = warnings
        json.dump(record, sys.stdout)
        print()
    else:
        shown_params = ", ".join(f"{k}={_show(v)}" for k, v in bound.items() if v is not None)
        print(f"{q.name}({shown_params}) = {text}")
        print(f"  status: {q.status_for(bound)}; {q.citation}")
        for w in warnings:
            print(f"  warning: {w}")
    return 0


EVAL_SECONDS = 20  # the cost guard of one evaluation


def _guarded(evaluate, name: str, bound: dict):
    """(value, numerical warnings) of ``evaluate()``: a numerical library's warnings become one-line
    warnings of the answer, and an evaluation that runs past EVAL_SECONDS is refused (exit 2)."""
    import signal
    import warnings

    from .theory import BadInput

    def expired(signum, frame):
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, EVAL_SECONDS)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = evaluate()
    except TimeoutError:
        shown = ", ".join(f"{k}={_show(v)}" for k, v in bound.items() if v is not None)
        raise BadInput(name, shown, f"parameters it evaluates within {EVAL_SECONDS} s",
                       f"cost guard: refused after {EVAL_SECONDS} s") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    notes = [f"numerical: {w.category.__name__}: {str(w.message).splitlines()[0]}" for w in caught]
    return value, list(dict.fromkeys(notes))


def _show(v) -> str:
    return ",".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)


def _jsonable(params: dict) -> dict:
    """Tuples as lists, and an infinite parameter as the text "inf" (strict JSON has no Infinity)."""
    def one(v):
        if isinstance(v, tuple):
            return list(v)
        return "inf" if isinstance(v, float) and v == float("inf") else v

    return {k: one(v) for k, v in params.items()}


# ---------------------------------------------------------------- bounds
def cmd_bounds(args) -> int:
    """Every quantity with a ``bounds=`` adapter that applies to the architecture, as one table.

    A quantity plugs in by declaring ``bounds=lambda arch: {params} or None``; a bound whose
    conditions this architecture does not meet shows as n/a with the reason. Exact integers
    stay exact; those of 10^6 and more also show as a power of ten (JSON: ``log10``).
    """
    import math

    from . import theory

    widths = theory.IntList("widths", lo=1).parse(args.widths)
    input_dim = theory.Int("input-dim", lo=1).parse(args.input_dim)
    samples = theory.Int("samples", lo=1).parse(args.samples) if args.samples else None
    delta = theory.Real("delta", lo=0, hi=1, lo_open=True, hi_open=True).parse(args.delta) if args.delta else None
    arch = theory.Architecture(input_dim, widths, args.activation, samples, delta)
    fans = (input_dim,) + tuple(widths)
    parameters = sum(n * (fan + 1) for fan, n in zip(fans, widths))  # hidden layers: weights + biases
    neurons = sum(widths)
    rows = []
    for q in theory.all_quantities().values():
        if q.bounds is None:
            continue
        params = q.bounds(arch)
        if params is None:
            continue
        log10, numerical = None, []
        try:
            value, numerical = _guarded(lambda: q(**params), q.name, params)
            shown, exact, text = theory.present(value)
            if isinstance(value, int) and value > 0:
                log10 = math.log10(value)
                if value >= 10**6 and "e" not in text:
                    text += f"  (10^{log10:.2f})"
        except theory.BadInput as e:  # a bound whose conditions this architecture does not meet
            shown, exact, text = None, None, f"n/a ({e})"
        warnings = q.warnings(q.bind(params)) + numerical if shown is not None else []
        if warnings:
            text += "  (!)"
        rows.append({"name": q.name, "params": _jsonable(params), "value": shown, "exact": exact,
                     "display": text, "status": q.status_for(params if shown is None else q.bind(params)),
                     "citation": q.citation,
                     "log10": log10,
                     "warnings": warnings})
    if args.json:
        json.dump({"input_dim": input_dim, "widths": list(widths), "activation": args.activation,
                   "samples": samples, "delta": delta, "parameters": parameters, "neurons": neurons,
                   "rows": rows}, sys.stdout, indent=1)
        print()
        return 0
    print(f"architecture: input_dim={input_dim}, widths={','.join(map(str, widths))}, "
          f"activation={args.activation}")
    print(f"  {'parameters (hidden layers)':<46} {parameters}")
    print(f"  {'neurons':<46} {neurons}")
    arch_params = {"input_dim": input_dim, "widths": tuple(widths), "activation": args.activation}
    for r in rows:
        extra = {k: v for k, v in r["params"].items()
                 if k not in arch_params or _show(arch_params[k]) != _show(v)}
        label = r["name"] + (f" [{', '.join(f'{k}={_show(v)}' for k, v in extra.items())}]" if extra else "")
        print(f"  {label:<46} {r['display']:<32} [{r['status']}]")
    if not rows:
        print("  (no quantity applies to this architecture yet)")
    for r in rows:
        for w in r["warnings"]:
            print(f"  (!) {r['name']}: {w}")
    return 0


# ---------------------------------------------------------------- derive
def cmd_derive(args) -> int:
    from . import derivations

    if args.all and args.names:
        raise UsageError("derive: give derivation names or --all, not both")
    if args.all:
        names = list(derivations.all_derivations())
    elif args.names:
        names = _expand(args.names, derivations.all_derivations(), "derivation")
    else:
        raise UsageError("derive: name a derivation (or a quantity: its derivations) or give --all")
    out = _writable_folder("--out", args.out)
    failed = 0
    for name in names:
        try:
            doc, tex, message = derivations.build(name, out, pdf=not args.no_pdf)
        except (derivations.StepFailed, derivations.LatexFailed) as e:
            print(f"dltheory: derive: FAILED {e}", file=sys.stderr)
            failed += 1
            continue
        methods = [s.method for s in doc.steps if s.method]
        symbolic = sum(m == "symbolic" for m in methods)
        compared = sum(doc.compared.values())
        print(f"{name}: {len(methods)} equalities verified ({symbolic} symbolic, "
              f"{len(methods) - symbolic} numeric), {len(doc.compared)} results equal their quantities "
              f"at {compared} points -> {tex}" + (f"; {message}" if message else ""))
    return 1 if failed else 0


def _expand(names: list[str], known: dict, kind: str) -> list[str]:
    """Names of ``kind``, a quantity standing for its own; every name is checked first."""
    from . import registry
    from .theory import BadInput, lookup

    g = registry.graph()
    out = []
    for name in names:
        if name in known:
            out.append(name)
        elif name in g.quantities:
            linked = g.derivations_of(name) if kind == "derivation" else g.checks_of(name)
            if not linked:
                reason = g.quantities[name].exempt.get(kind, "none registered")
                raise BadInput("NAME", name, f"a {kind} or a quantity that has one", f"quantity with no {kind} ({reason})")
            out.extend(linked)
        else:
            lookup(name, known, kind)  # raises BadInput with suggestions
    return list(dict.fromkeys(out))


def _writable_folder(option: str, path: str) -> Path:
    """``path`` as a folder, created if missing; BadInput if it cannot be."""
    from .theory import BadInput

    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise BadInput(option, path, "a writable folder", "not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".dltheory-write-test"
        probe.touch()
        probe.unlink()
    except OSError as e:
        raise BadInput(option, path, "a writable folder", e.strerror or "not writable") from None
    return folder


# ---------------------------------------------------------------- verify
def cmd_verify(args) -> int:
    from . import numerics, registry

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
        selected = [checks[n] for n in _expand(args.names, checks, "check")]
    else:
        raise UsageError("verify: name a check or quantity, or give --all")
    plots = _writable_folder("--plots", args.plots) if args.plots else None
    if args.out:
        target = Path(args.out)
        if target.is_dir() or not target.parent.is_dir():
            raise BadInput("--out", args.out, "a file in an existing folder")
    backend = backend_from_args(args)  # a cluster that cannot be reached fails before anything is written
    try:
        sink = open(args.out, "a") if args.out else None
    except OSError as e:
        if backend:
            backend.close()
        raise BadInput("--out", args.out, "a writable file", e.strerror or "cannot be opened") from None

    def emit(record: dict) -> None:
        line = json.dumps(record)
        if sink:
            sink.write(line + "\n")
            sink.flush()
        if args.json:
            print(line, flush=True)

    all_passed = True
    if backend:
        return _verify_distributed(backend, selected, args, emit, plots, sink)
    try:
        for i, c in enumerate(selected, 1):
            print(f"[{i}/{len(selected)}] {c.name}: {c.title} ...", file=sys.stderr, flush=True)

            def progress(record, c=c):
                print(f"    {point_line(record)}", file=sys.stderr, flush=True)
                emit(record)

            outcome = numerics.run_check(c, seed=args.seed, quick=args.quick, on_record=progress)
            emit(outcome.summary)
            if plots:
                numerics.plot(outcome, plots / f"{c.name}.png")
            print(f"  {_verdict_line(outcome)}", file=sys.stderr, flush=True)
            all_passed &= outcome.passed
    except KeyboardInterrupt:
        print("dltheory: verify interrupted; records so far are written", file=sys.stderr)
        return 130
    finally:
        if sink:
            sink.close()
    if not args.json:
        print(f"{'all checks passed' if all_passed else 'some checks FAILED'} ({len(selected)} checks)")
    return 0 if all_passed else 1


def point_line(record: dict) -> str:
    verdict = "ok" if record["pass"] else "FAIL" if not record["agrees"] else \
        "UNRESOLVED (cannot detect the power test's deviation)"
    stat = record.get("z", record.get("deviation"))
    return (f"{_show_point(record['point'])}: theory {record['theory']:.6g}, "
            f"estimate {record['estimate']:.6g} (s.e. {record['stderr']:.2g}, n={record['n']}) "
            f"({'z' if 'z' in record else 'dev'}={_fmt(stat)}) {verdict}")


def _verdict_line(outcome) -> str:
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


def _report_workers(backend) -> None:
    for worker, (points, seconds) in sorted(backend.per_worker.items()):
        print(f"  worker {worker}: {points} points, {seconds:.1f}s", file=sys.stderr, flush=True)


def _verify_distributed(backend, selected, args, emit, plots, sink) -> int:
    """Every point of every selected check as a task; records written as they finish."""
    from . import distributed, numerics

    results = []

    def on_record(record, worker, seconds, done, total):
        print(f"  [{done}/{total}] {record['check']} {point_line(record)} [worker {worker}, {seconds:.1f}s]",
              file=sys.stderr, flush=True)
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
        print(f"  {outcome.check.name}: {_verdict_line(outcome)}", file=sys.stderr, flush=True)
        results.append(outcome.passed)

    try:
        with backend:
            distributed.verify(backend, selected, seed=args.seed, quick=args.quick, on_record=on_record,
                               on_check=on_check)
            _report_workers(backend)
    except KeyboardInterrupt:
        print("dltheory: verify interrupted; records so far are written", file=sys.stderr)
        return 130
    finally:
        if sink:
            sink.close()
    all_passed = len(results) == len(selected) and all(results)
    if not args.json:
        print(f"{'all checks passed' if all_passed else 'some checks FAILED'} ({len(selected)} checks)")
    return 0 if all_passed else 1


def _show_point(point: dict) -> str:
    return " ".join(f"{k}={_show(v)}" for k, v in point.items())


def _fmt(x) -> str:
    return f"{x:.3g}" if isinstance(x, float) else str(x)


# ---------------------------------------------------------------- bench
def cmd_bench(args) -> int:
    from . import numerics

    benches = numerics.all_benchmarks()
    for name in args.names:
        if name not in benches:
            raise UsageError(f"bench: unknown benchmark {name!r}; known: {', '.join(benches)}")
    selected = [benches[n] for n in args.names] if args.names else list(benches.values())
    rows = []
    for b in selected:
        print(f"bench {b.name} ...", file=sys.stderr, flush=True)
        t = b.run(args.quick)
        row = {"name": b.name, "simulator": b.simulator, "reference": b.reference, "work": t.work,
               "simulator_seconds": t.simulator_seconds, "reference_seconds": t.reference_seconds,
               "speedup": t.speedup, "agree": t.agree, "limit": t.limit}
        rows.append(row)
        if not args.json:
            print(f"{b.name:<28} {t.work}: simulator {t.simulator_seconds * 1e3:.3g} ms, "
                  f"reference ({b.reference}) {t.reference_seconds * 1e3:.3g} ms, "
                  f"speedup x{t.speedup:.3g}, agree={t.agree}" + (f"; {t.limit}" if t.limit else ""))
    if args.json:
        json.dump(rows, sys.stdout, indent=1)
        print()
    return 0 if all(r["agree"] for r in rows) else 1


def add_backend_options(s) -> None:
    """``--workers N`` / ``--scheduler ADDRESS``: run points as tasks on dask.distributed (docs/distributed.md)."""
    s.add_argument("--workers", type=int, help="run points on a local Dask cluster of N worker processes")
    s.add_argument("--scheduler", help="run points on the Dask scheduler at ADDRESS (tcp://host:8786)")
    s.add_argument("--connect-timeout", type=float, help="seconds to reach --scheduler (default 10)")


# ---------------------------------------------------------------- main
def parser() -> argparse.ArgumentParser:
    from . import capacity_command, kernel_command, sweep_command
    p = _Parser(prog="dltheory", description="A symbolic-numeric companion to deep-learning theory.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser("list", help="every quantity, derivation and check; with NAMEs, those in full")
    s.add_argument("names", nargs="*", metavar="NAME")
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=cmd_list)

    s = sub.add_parser("eval", help="evaluate a closed form: dltheory eval NAME key=value ...")
    s.add_argument("name")
    s.add_argument("params", nargs="*")
    s.add_argument("--dps", type=int, help="decimal digits for mpmath evaluations")
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=cmd_eval)

    s = sub.add_parser("bounds", help="every quantity that applies to one architecture")
    s.add_argument("--input-dim", required=True)
    s.add_argument("--widths", required=True)
    s.add_argument("--activation", default="relu")
    s.add_argument("--samples")
    s.add_argument("--delta")
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=cmd_bounds)

    s = sub.add_parser("derive", help="build machine-checked derivations (.tex, and .pdf with LaTeX)")
    s.add_argument("names", nargs="*")
    s.add_argument("--all", action="store_true")
    s.add_argument("--out", default="docs/derivations")
    s.add_argument("--no-pdf", action="store_true", help="write .tex only")
    s.set_defaults(run=cmd_derive)

    s = sub.add_parser("verify", help="theory vs Monte Carlo checks")
    s.add_argument("names", nargs="*")
    s.add_argument("--all", action="store_true")
    s.add_argument("--quick", action="store_true")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--json", action="store_true")
    s.add_argument("--plots")
    s.add_argument("--out", help="append JSON records to this file as they finish")
    add_backend_options(s)
    s.set_defaults(run=cmd_verify)

    s = sub.add_parser("bench", help="simulators against NumPy references")
    s.add_argument("names", nargs="*")
    s.add_argument("--quick", action="store_true")
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=cmd_bench)
    sweep_command.add_parser(sub)
    capacity_command.add_parser(sub)
    kernel_command.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    from .theory import BadInput

    import signal

    if argv is None:  # the command line: SIGTERM stops as Ctrl-C does (records so far are kept)
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        args = parser().parse_args(argv)
        if getattr(args, "dps", None) is not None and not 1 <= args.dps <= 10000:
            raise BadInput("--dps", args.dps, "integer from 1 to 10000")
        return args.run(args)
    except UsageError as e:
        return _fail_input(str(e))
    except BadInput as e:
        return _fail_input(str(e))
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("dltheory: interrupted", file=sys.stderr)
        return 130


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
