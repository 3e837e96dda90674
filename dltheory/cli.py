"""The ``dltheory`` command line (see docs/DESIGN contract in README).

Exit status: 0 success, 1 a check or derivation failed, 2 bad input (one line on stderr).
Only ``derive``, ``verify`` and ``bench`` import sympy, numba or matplotlib, and only
once they run.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, no usage dump; a long value is shortened
        raise UsageError(re.sub(r"'([^']{41,})'", lambda m: f"'{m.group(1)[:20]}...({len(m.group(1))} characters)'",
                                message))


def integer(text: str) -> int:
    """An option's integer: ASCII digits only (int() also reads other scripts' digits), at most 30 of them."""
    if not re.fullmatch(r"[+-]?[0-9]{1,30}", text.strip()):
        raise argparse.ArgumentTypeError(f"not an integer of at most 30 ASCII digits: {text!r}")
    return int(text)


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
                        "status_by": q.status_by, "verified": q.verified or None})
    for d in g.derivations.values():
        entries.append({"name": d.name, "kind": "derivation", "status": "machine-checked",
                        "citation": d.citation, "quantities": list(d.quantities), "summary": d.title})
    for c in g.checks.values():
        q = g.quantities.get(c.quantities[0])
        entries.append({"name": c.name, "kind": "check", "status": q.status if q else "",
                        "citation": q.citation if q else "", "quantity": c.quantities[0],
                        "quantities": list(c.quantities), "rule": c.rule, "summary": c.title})
    for b in registry.static_benchmarks().values():
        simulator, _, reference = b.title.partition(" vs ")
        entries.append({"name": b.name, "kind": "benchmark", "status": "", "citation": "",
                        "simulator": simulator, "reference": reference, "summary": b.title})
    if args.names:  # every entry of each name (a benchmark may share its name with a derivation)
        by_name: dict[str, list[dict]] = {}
        for e in entries:
            by_name.setdefault(e["name"], []).append(e)
        from .theory import lookup

        entries = [e for name in args.names for e in lookup(name, by_name, "quantity, derivation, check or benchmark")]
    if args.json:
        json.dump(entries, sys.stdout, indent=1)
        print()
        return 0
    if args.names:
        for e in entries:
            _print_entry(e, g.quantities.get(e["name"]) if e["kind"] == "quantity" else None)
        return 0
    for kind, plural in (("quantity", "quantities"), ("derivation", "derivations"), ("check", "checks"),
                         ("benchmark", "benchmarks")):
        rows = [e for e in entries if e["kind"] == kind]
        print(f"{plural} ({len(rows)}):")
        for e in rows:
            tags = e["status"] + (f"; verified: {e['verified'] or '-'}" if kind == "quantity" else "")
            print(f"  {e['name']:<34} " + (f"[{tags}] " if tags else "") + e["summary"])
            if e["citation"]:
                print(f"  {'':<34} {e['citation']}")
            for what, reason in e.get("exempt", {}).items():
                print(f"  {'':<34} no {what}: {reason}")
    return 0


def _jsonable_examples(examples) -> list[dict]:
    return [jsonable(e) for e in examples]


def _print_entry(entry: dict, quantity) -> None:
    """One entry in full: a quantity's docstring and parameters, a derivation's or check's links."""
    import inspect

    print(f"{entry['name']}  ({entry['kind']})" + (f" [{entry['status']}]" if entry["status"] else ""))
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
        print(f"  example: dltheory eval {entry['name']} " + " ".join(f"{k}={show_value(v)}" for k, v in example.items()))
    if entry["kind"] == "quantity":
        print(f"  verified: {entry['verified'] or '-'} (how the citation was checked: paper, secondary or recomputed)")
    for key in ("derivations", "quantities", "checks", "rule", "simulator", "reference"):
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
def parse_assignments(items: list[str]) -> dict[str, str]:
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
    params = parse_assignments(args.params)
    bound = q.bind(params)
    from . import cost_guard
    from .progress import ticking

    with ticking(f"eval {q.name}", EVAL_SECONDS):  # a bar only on a terminal, after 1 s
        value, numerical = guarded(lambda: cost_guard.evaluate(q, bound, args.dps, EVAL_SECONDS), q.name, bound)
    shown, exact, text = theory.present(value, args.dps or 15)
    warnings = q.warnings(bound) + numerical
    if args.json:
        record = {"name": q.name, "params": jsonable(bound), "value": shown, "exact": exact,
                  "status": q.status_for(bound), "citation": q.citation}
        if warnings:
            record["warnings"] = warnings
        json.dump(record, sys.stdout)
        print()
    else:
        shown_params = ", ".join(f"{k}={show_value(v)}" for k, v in bound.items() if v is not None)
        print(f"{q.name}({shown_params}) = {text}")
        print(f"  status: {q.status_for(bound)}; {q.citation}")
        for w in warnings:
            print(f"  warning: {w}")
    return 0


EVAL_SECONDS = 20  # the cost guard of one evaluation, in CPU seconds (the same refusals on a loaded machine)


def guarded(evaluate, name: str, bound: dict):
    """(value, numerical warnings) of ``evaluate()``: a numerical library's warnings become one-line
    warnings of the answer, and an evaluation that uses more than EVAL_SECONDS of CPU time is refused
    (exit 2): CPU time, not wall time, so whether an input is refused does not depend on the load."""
    import signal
    import warnings

    from .theory import BadInput

    active = [True]

    def expired(signum, frame):
        if active[0]:
            raise TimeoutError

    def unraisable(info, hook=sys.unraisablehook):  # the timer fired inside a finalizer: the re-armed timer retries
        if not issubclass(info.exc_type, TimeoutError):
            hook(info)

    previous, previous_hook = signal.signal(signal.SIGPROF, expired), sys.unraisablehook
    sys.unraisablehook = unraisable
    signal.setitimer(signal.ITIMER_PROF, EVAL_SECONDS, 0.05)  # fires again every 0.05 s until disarmed
    try:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                value = evaluate()
        finally:
            active[0] = False
            signal.setitimer(signal.ITIMER_PROF, 0)
    except TimeoutError:
        shown = ", ".join(f"{k}={show_value(v)}" for k, v in bound.items() if v is not None)
        raise BadInput(name, shown, f"parameters it evaluates within {EVAL_SECONDS} s of CPU time",
                       f"cost guard: refused after {EVAL_SECONDS} s of CPU time") from None
    finally:
        signal.signal(signal.SIGPROF, previous)
        sys.unraisablehook = previous_hook
    notes = [f"numerical: {w.category.__name__}: {str(w.message).splitlines()[0]}" for w in caught]
    return value, list(dict.fromkeys(notes))


def show_value(v) -> str:
    return ",".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)


def jsonable(params: dict) -> dict:
    """Tuples as lists, and an infinite parameter as the text "inf" (strict JSON has no Infinity)."""
    def one(v):
        if isinstance(v, tuple):
            return list(v)
        return "inf" if isinstance(v, float) and v == float("inf") else v

    return {k: one(v) for k, v in params.items()}


def expand_names(names: list[str], known: dict, kind: str) -> list[str]:
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


def writable_folder(option: str, path: str) -> Path:
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


def parser() -> argparse.ArgumentParser:
    from . import (bounds_command, capacity_command, derive_command, kernel_command, sweep_command,
                   verify_command)
    from . import plot_command
    p = _Parser(prog="dltheory", description="A symbolic-numeric companion to deep-learning theory.")
    p.add_argument("--version", action="version", version=f"dltheory {_version()}",
                   help="print the installed version and exit")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    s = sub.add_parser("list", help="every quantity, derivation, check and benchmark; with NAMEs, those in full")
    s.add_argument("names", nargs="*", metavar="NAME", help="show these entries in full")
    s.add_argument("--json", action="store_true", help="a JSON list of entries (name, kind, status, citation, links)")
    s.set_defaults(run=cmd_list)

    s = sub.add_parser("eval", help="evaluate a closed form: dltheory eval NAME key=value ...")
    s.add_argument("name", metavar="NAME", help="a quantity (dltheory list)")
    s.add_argument("params", nargs="*", metavar="KEY=VALUE", help="parameters; lists comma-separated (widths=4,4)")
    s.add_argument("--dps", type=integer, help="decimal digits for mpmath evaluations (1 to 10000)")
    s.add_argument("--json", action="store_true", help="one JSON object: name, params, value, exact, status, citation")
    s.set_defaults(run=cmd_eval)

    bounds_command.add_parser(sub)
    derive_command.add_parser(sub)
    verify_command.add_parser(sub)

    s = sub.add_parser("bench", help="simulators against NumPy references, in the same run")
    s.add_argument("names", nargs="*", metavar="NAME", help="benchmarks (dltheory list: kind benchmark)")
    s.add_argument("--quick", action="store_true", help="small inputs (seconds)")
    s.add_argument("--json", action="store_true", help="a JSON list of timings")
    s.set_defaults(run=cmd_bench)
    plot_command.add_parser(sub)
    sweep_command.add_parser(sub)
    capacity_command.add_parser(sub)
    kernel_command.add_parser(sub)
    return p


def _version() -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version("dltheory")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


def main(argv: list[str] | None = None) -> int:
    from .theory import BadInput

    import signal

    if argv is None:  # the command line: SIGTERM stops as Ctrl-C does (records so far are kept)
        signal.signal(signal.SIGTERM, _interrupt)
        signal.signal(signal.SIGINT, _interrupt)
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
    """Ctrl-C or SIGTERM. On a Dask run the event-loop loggers are silenced first: the interrupt can
    leave a callback of the loop's thread half set up, and its complaint must not print a traceback."""
    if "distributed" in sys.modules:
        from .distributed import quiet_shutdown

        quiet_shutdown()
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
