"""``dltheory bounds``: every quantity that applies to one architecture, as one table.

A quantity plugs in by declaring ``bounds=lambda arch: {params} or None`` (theory/); a bound
whose conditions this architecture does not meet shows as n/a with the reason. For a smooth
mean-field activation (tanh, erf, ...) the mean-field quantities' adapters add that activation's
rows at ``--weight-variance``/``--bias-variance`` (default: the edge of chaos, chi1 = 1), which
the architecture carries.

The table: values in one notation (integers below 10^6 whole, everything else to 6 significant
digits, large numbers as 1.234e+19; ``--exact`` prints every digit and exact fractions), a
meaning or unit per row, integer-valued quantities (VC dimensions, counts) as integers (a real
upper bound floored, a lower bound rounded up), and a probability bound above 1 flagged as
vacuous. ``--json`` keeps its shape: the exact values, with ``display`` the table's text.
"""
from __future__ import annotations

import json
import math
import sys

from .cli import UsageError, guarded, jsonable, show_value

#: meaning (or unit) of each row, and its kind: "count" (an integer), "probability" (a bound
#: above 1 is vacuous) or "" (a real number).
MEANING = {
    "betti-bound": ("sum of Betti numbers of {f >= 0}", "count"),
    "expected-regions-density": ("region boundaries per unit length (line through 0)", ""),
    "expected-regions-density-bound": ("region boundaries per unit length (any line)", ""),
    "finite-width-kurtosis-exact": ("excess kurtosis of the output (0: Gaussian)", ""),
    "finite-width-kurtosis": ("excess kurtosis of the output (0: Gaussian)", ""),
    "linear-regions-lower": ("linear regions (count)", "count"),
    "linear-regions-lower-montufar": ("linear regions (count)", "count"),
    "linear-regions-lower-serra": ("linear regions (count)", "count"),
    "linear-regions-upper": ("linear regions (count)", "count"),
    "linear-regions-upper-montufar": ("linear regions (count)", "count"),
    "zaslavsky-regions": ("regions of one layer of all the units", "count"),
    "vc-dimension-lower": ("VC dimension (points shattered)", "count"),
    "vc-dimension-upper": ("VC dimension (points shattered)", "count"),
    "pac-bayes-bound": ("0-1 risk, w.p. >= 1 - delta", "probability"),
    "vc-generalization-bound": ("0-1 risk, w.p. >= 1 - delta", "probability"),
    "product-neurons-deep": ("neurons to multiply the inputs", "count"),
    "product-neurons-depth-k": ("neurons to multiply the inputs", "count"),
    "product-neurons-shallow": ("neurons to multiply the inputs", "count"),
    "critical-weight-variance": ("sigma_w^2 on the order-chaos line", ""),
    "fixed-point-length": ("q*: pre-activation variance fixed point", ""),
    "chi1": ("gradient growth per layer (1: critical)", ""),
    "length-depth-scale": ("xi_q: layers for q to reach q*", ""),
    "correlation-depth-scale": ("xi_c: layers over which correlations survive", ""),
}

def activations() -> tuple[str, ...]:
    """The activations some quantity knows (the activation table, and polynomial for the Betti bound)."""
    from .theory import activations as table

    return tuple(sorted(set(table.NAMES) | {"polynomial"}))


def add_parser(sub) -> None:
    s = sub.add_parser("bounds", help="every quantity that applies to one architecture, as one table")
    s.add_argument("--input-dim", required=True, metavar="D", help="input dimension n0")
    s.add_argument("--widths", required=True, metavar="W1,W2,...", help="hidden-layer widths, comma-separated")
    s.add_argument("--activation", default="relu", metavar="NAME",
                   help="activation of the hidden layers (default relu); one of " + ", ".join(activations()))
    s.add_argument("--samples", metavar="N", help="training-set size n (with --delta: the generalization rows)")
    s.add_argument("--delta", metavar="D", help="confidence parameter delta in (0, 1) (with --samples)")
    s.add_argument("--weight-variance", metavar="S", help="sigma_w^2 of the mean-field rows (default: the "
                   "critical value at --bias-variance, chi1 = 1)")
    s.add_argument("--bias-variance", metavar="S", help="sigma_b^2 of the mean-field rows (default 0.05)")
    s.add_argument("--exact", action="store_true", help="print every digit (exact integers and fractions)")
    s.add_argument("--json", action="store_true", help="one JSON object: the architecture and the rows")
    s.set_defaults(run=run)


def _format(value, exact: bool, kind: str, status: str) -> str:
    """The table's text of one value (see the module docstring)."""
    from fractions import Fraction

    from .theory import present

    if exact:  # every digit: the exact integer or fraction, else the full float
        _, exact_text, text = present(value)
        return exact_text if exact_text is not None else text
    if kind == "count" and not isinstance(value, int):
        as_float = float(value)
        if abs(as_float) < 1e15:  # an integer-valued quantity: the integer the bound implies
            whole = math.floor(as_float) if status == "rigorous-upper-bound" else math.ceil(as_float) \
                if status == "rigorous-lower-bound" else round(as_float)
            return str(whole)
    if isinstance(value, int) or (isinstance(value, Fraction) and value.denominator == 1):
        value = int(value)
        if abs(value) < 10**6:
            return str(value)
        digits = len(str(abs(value)))
        lead = f"{abs(value) / 10 ** (digits - 1):.3f}" if digits < 300 else str(abs(value))[0] + "." + str(abs(value))[1:4]
        if lead.startswith("10."):
            lead, digits = "1.000", digits + 1
        return f"{'-' if value < 0 else ''}{lead}e+{digits - 1:02d}"
    try:
        f = float(value)
    except OverflowError:
        import mpmath

        return mpmath.nstr(mpmath.mpf(value.numerator) / value.denominator if isinstance(value, Fraction)
                           else value, 4)
    if f != 0 and (abs(f) >= 1e6 or abs(f) < 1e-4):
        return f"{f:.3e}"
    return f"{f:.6g}"


def _vacuous(value, kind: str) -> bool:
    try:
        return kind == "probability" and float(value) > 1
    except (TypeError, OverflowError, ValueError):
        return False


def run(args) -> int:
    from . import theory

    widths = theory.IntList("widths", lo=1).parse(args.widths)
    input_dim = theory.Int("input-dim", lo=1).parse(args.input_dim)
    theory.Choice("activation", choices=activations()).validate(args.activation)
    if (args.samples is None) != (args.delta is None):
        raise UsageError("bounds: --samples and --delta go together (the generalization rows need both)")
    samples = theory.Int("samples", lo=1).parse(args.samples) if args.samples else None
    delta = theory.Real("delta", lo=0, hi=1, lo_open=True, hi_open=True).parse(args.delta) if args.delta else None
    sw = theory.Real("weight-variance", lo=0, lo_open=True, hi=1e6).parse(args.weight_variance) \
        if args.weight_variance else None
    sb = theory.Real("bias-variance", lo=0, hi=1e6).parse(args.bias_variance) if args.bias_variance else None
    arch = theory.Architecture(input_dim, widths, args.activation, samples, delta, sw, sb)
    fans = (input_dim,) + tuple(widths)
    parameters = sum(n * (fan + 1) for fan, n in zip(fans, widths))  # hidden layers: weights + biases
    neurons = sum(widths)
    candidates = []
    for q in theory.all_quantities().values():
        params = q.bounds(arch) if q.bounds is not None else None
        if params is not None:
            candidates.append((q, params))
    rows = []
    for q, params in sorted(candidates, key=lambda qp: qp[0].name):
        meaning, kind = MEANING.get(q.name, (q.summary, ""))
        log10, numerical, vacuous = None, [], False
        try:
            status = q.status_for(q.bind(params))
        except theory.BadInput:  # outside the domain: the row shows n/a below
            status = q.status_for(params)
        try:
            value, numerical = guarded(lambda: q(**params), q.name, params)
            shown, exact, _ = theory.present(value)
            text = _format(value, args.exact, kind, status)
            vacuous = _vacuous(value, kind)
            if isinstance(value, int) and value > 0:
                log10 = math.log10(value)
        except theory.BadInput as e:  # a bound whose conditions this architecture does not meet
            shown, exact, text = None, None, f"n/a ({e})"
            meaning = f"n/a: {e}"
        warnings = q.warnings(q.bind(params)) + numerical if shown is not None else []
        rows.append({"name": q.name, "params": jsonable(params), "value": shown, "exact": exact,
                     "display": text, "status": status, "citation": q.citation, "log10": log10,
                     "warnings": warnings, "meaning": meaning, "vacuous": vacuous})
    if args.json:  # the shape of the JSON rows is a contract: the table's extra columns stay out of it
        shown_rows = [{k: v for k, v in r.items() if k not in ("meaning", "vacuous")} for r in rows]
        json.dump({"input_dim": input_dim, "widths": list(widths), "activation": args.activation,
                   "samples": samples, "delta": delta, "parameters": parameters, "neurons": neurons,
                   "rows": shown_rows}, sys.stdout, indent=1)
        print()
        return 0
    _print_table(args, input_dim, widths, samples, delta, parameters, neurons, rows)
    return 0


def _print_table(args, input_dim, widths, samples, delta, parameters, neurons, rows) -> None:
    head = f"architecture: input_dim={input_dim}, widths={','.join(map(str, widths))}, activation={args.activation}"
    if samples is not None:
        head += f"; samples={samples}, delta={delta:g}"
    print(head)
    arch_params = {"input_dim": input_dim, "widths": tuple(widths), "activation": args.activation}
    table = [("quantity", "value", "status", "meaning [at]"),
             ("parameters", str(parameters), "exact", "weights and biases of the hidden layers"),
             ("neurons", str(neurons), "exact", "hidden units")]
    for r in rows:
        extra = {k: v for k, v in r["params"].items()
                 if k not in arch_params or show_value(arch_params[k]) != show_value(v)}
        at = f" [{', '.join(f'{k}={_short(v)}' for k, v in extra.items())}]" if extra and r["value"] is not None else ""
        value = ("n/a" if r["value"] is None else r["display"]) + ("  VACUOUS (> 1)" if r["vacuous"] else "") + ("  (!)" if r["warnings"] else "")
        table.append((r["name"], value, r["status"] if r["value"] is not None else "", r["meaning"] + at))
    widths_ = [max(len(row[i]) for row in table) for i in range(3)]
    for row in table:
        print("  " + "  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths_)) + "  " + row[3])
    if not rows:
        print("  (no quantity applies to this architecture yet)")
    for r in rows:
        for w in r["warnings"]:
            print(f"  (!) {r['name']}: {w}")
    if any(r["vacuous"] for r in rows):
        print("  VACUOUS: a bound on a probability above 1 says nothing")


def _short(v) -> str:
    return f"{v:.6g}" if isinstance(v, float) else show_value(v)
