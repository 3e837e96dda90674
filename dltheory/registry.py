"""The registry graph: quantities, the derivations that produce them and the checks that test them.

Each link is declared once, by the side that knows it: a check names the quantities it tests
(``@check(..., quantity=...)``), a derivation names the quantity of each of its results
(``@derivation(..., results=(Result(key, quantity, ...), ...))``). A quantity's derivations and
checks are computed here.

``graph()`` reads the declarations of checks and derivations from the source of
``dltheory.numerics`` and ``dltheory.derivations`` (their decorator calls, parsed, not executed),
so ``dltheory list`` answers without importing numba, sympy or numpy. The conformance suite
proves this static graph equal to the one the imported modules register.
"""
from __future__ import annotations

import ast
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from .theory import Quantity, all_quantities


def rule_text(rule: str, alpha: float = 0.01, tolerance: float = 0.0) -> str:
    """The decision rule of a check, in words (records, plots and ``list`` show it)."""
    if rule in ("upper-bound", "lower-bound"):
        side = "exceed" if rule == "upper-bound" else "fall below"
        return (f"the simulated value must not {side} the bound (one-sided, z* of Bonferroni "
                f"family-wise rate {alpha}; exact values: tolerance {tolerance:g})")
    if rule == "z":
        return f"two-sided z-test per point, Bonferroni family-wise false-alarm rate {alpha}"
    if tolerance == 0:
        return "exact equality of the computed and the theoretical value"
    return f"exact up to rounding: |estimate - theory| <= {tolerance:g} * |theory|"


@dataclass(frozen=True)
class Node:
    """A check or a derivation as the graph sees it: its name, title and the quantities it links."""

    kind: str  # "check" or "derivation"
    name: str
    title: str
    quantities: tuple[str, ...]
    citation: str = ""
    rule: str = ""  # checks: the decision rule in words
    module: str = ""


@dataclass(frozen=True)
class Graph:
    quantities: dict[str, Quantity]
    derivations: dict[str, Node]
    checks: dict[str, Node]

    def derivations_of(self, quantity: str) -> list[str]:
        return [d.name for d in self.derivations.values() if quantity in d.quantities]

    def checks_of(self, quantity: str) -> list[str]:
        return [c.name for c in self.checks.values() if quantity in c.quantities]

    def problems(self) -> list[str]:
        """Links that do not resolve, quantities with neither a check (or a derivation) nor a
        declared exemption, and a name used by two of quantity, derivation and check (``list NAME``,
        ``derive NAME`` and ``verify NAME`` resolve a name across kinds)."""
        out = []
        kinds = (("quantity", self.quantities), ("derivation", self.derivations), ("check", self.checks))
        for i, (kind, names) in enumerate(kinds):
            for other, others in kinds[i + 1:]:
                out += [f"{kind} and {other} share the name {n}" for n in sorted(set(names) & set(others))]
        for node in (*self.derivations.values(), *self.checks.values()):
            out += [f"{node.kind} {node.name} links unknown quantity {q}" for q in node.quantities
                    if q not in self.quantities]
            if not node.quantities:
                out.append(f"{node.kind} {node.name} links no quantity")
        for q in self.quantities.values():
            for kind, linked in (("derivation", self.derivations_of(q.name)), ("check", self.checks_of(q.name))):
                if linked and kind in q.exempt:
                    out.append(f"quantity {q.name} declares no {kind} ({q.exempt[kind]}) but has {', '.join(linked)}")
                if not linked and kind not in q.exempt:
                    out.append(f"quantity {q.name} has no {kind} and declares no exemption")
        return out


def _sources(package: str) -> list[tuple[str, Path]]:
    """(module name, file) of every public module of ``package``, subpackages included, without
    importing the package (the names that discovery imports)."""
    spec = importlib.util.find_spec(package)
    root = Path(next(iter(spec.submodule_search_locations)))
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if any(p.startswith("_") for p in parts) or not parts:
            continue
        found.append((".".join((package, *parts)), path))
    return found


def _literal(node: ast.AST | None, default=None):
    if node is None:
        return default
    return ast.literal_eval(node)


def _decorations(tree: ast.AST, name: str):
    """The calls ``@name(...)`` decorating functions in ``tree``."""
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for dec in fn.decorator_list:
                if isinstance(dec, ast.Call) and getattr(dec.func, "id", getattr(dec.func, "attr", None)) == name:
                    yield dec


def _keywords(call: ast.Call) -> dict[str, ast.AST]:
    return {k.arg: k.value for k in call.keywords if k.arg}


def _result_quantities(node: ast.AST | None) -> tuple[str, ...]:
    """The quantity of each ``Result(key, quantity, ...)`` in a ``results=`` declaration."""
    if node is None:
        return ()
    out = []
    for call in ast.walk(node):
        if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "Result":
            q = call.args[1] if len(call.args) > 1 else _keywords(call).get("quantity")
            out.append(_literal(q))
    return tuple(dict.fromkeys(out))


def _quantity_names(value) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def static_nodes() -> tuple[dict[str, Node], dict[str, Node]]:
    """(derivations, checks) as declared in the source, by name."""
    derivations, checks = {}, {}
    for module, path in _sources("dltheory.derivations"):
        tree = ast.parse(path.read_text(), str(path))
        for call in _decorations(tree, "derivation"):
            kw = _keywords(call)
            name = _literal(call.args[0])
            title = _literal(call.args[1] if len(call.args) > 1 else kw.get("title"))
            derivations[name] = Node("derivation", name, title, _result_quantities(kw.get("results")),
                                     _literal(kw.get("citation"), ""), module=module)
    for module, path in _sources("dltheory.numerics"):
        tree = ast.parse(path.read_text(), str(path))
        for call in _decorations(tree, "check"):
            kw = _keywords(call)
            name = _literal(call.args[0])
            rule = rule_text(_literal(kw.get("rule"), "z"), _literal(kw.get("alpha"), 0.01),
                             _literal(kw.get("tolerance"), 0.0))
            checks[name] = Node("check", name, _literal(kw["title"]), _quantity_names(_literal(kw["quantity"])),
                                rule=rule, module=module)
    return dict(sorted(derivations.items())), dict(sorted(checks.items()))


def graph() -> Graph:
    """The registry graph, with checks and derivations read from their declarations (no import)."""
    derivations, checks = static_nodes()
    return Graph(all_quantities(), derivations, checks)


def imported_graph() -> Graph:
    """The same graph from the registered objects (imports numba and sympy); the conformance
    suite proves it equal to :func:`graph`."""
    from . import derivations as d
    from . import numerics as n

    ders = {x.name: Node("derivation", x.name, x.title, x.quantities, x.citation, module=x.build.__module__)
            for x in d.all_derivations().values()}
    chks = {x.name: Node("check", x.name, x.title, x.quantities, rule=x.rule_text, module=x.measure.__module__)
            for x in n.all_checks().values()}
    return Graph(all_quantities(), ders, chks)


def static_benchmarks() -> dict[str, Node]:
    """Benchmarks as declared in the source (``@benchmark(name, simulator=..., reference=...)``),
    by name, without importing numba: ``title`` is "SIMULATOR vs REFERENCE"."""
    found = {}
    for module, path in _sources("dltheory.numerics"):
        text = path.read_text()
        if "@benchmark(" not in text:  # most modules declare none: skip their parse
            continue
        for call in _decorations(ast.parse(text, str(path)), "benchmark"):
            kw = _keywords(call)
            name = _literal(call.args[0])
            found[name] = Node("benchmark", name, f"{_literal(kw['simulator'])} vs {_literal(kw['reference'])}", (),
                               module=module)
    return dict(sorted(found.items()))
