"""Derivation: SymPy code that builds a short paper in which every equality is machine-checked.

A derivation function receives a :class:`Document` and calls ``doc.equal(lhs, rhs, ...)``
for each displayed step. Each equality is verified when it is added: symbolically
(``lhs - rhs`` simplifies to zero) or, failing that, numerically at random points with
50-digit arithmetic; the document records which. A step that fails raises
:class:`StepFailed` naming the derivation and the step, and stops the build.
"""
from __future__ import annotations

import os
import random
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import sympy as sp

from ._layout import display, latex, overfull_boxes

NUMERIC_DIGITS = 50
NUMERIC_POINTS = 6
REFUSE_IDENTICAL = True  # a display whose two sides print the same LaTeX stops the build


class StepFailed(RuntimeError):
    pass


@dataclass
class Step:
    text: str
    lhs: str = ""  # LaTeX of the left side ("" for prose without a display)
    rhs: tuple[str, ...] = ()  # LaTeX of the right side, or of each member of a chain
    method: str = ""  # how the displayed equality was verified

    @property
    def latex(self) -> str:
        return " = ".join((self.lhs, *self.rhs)) if self.lhs else ""


@dataclass
class Document:
    name: str
    title: str
    abstract: str = ""
    assumptions: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    results: dict[str, sp.Expr] = field(default_factory=dict)
    kept: dict[str, sp.Expr] = field(default_factory=dict)
    compared: dict[tuple, int] = field(default_factory=dict)  # (key, quantity, relation) -> points compared
    result_text: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)

    def assume(self, text: str) -> None:
        """An assumption, in LaTeX-capable prose."""
        self.assumptions.append(text)

    def say(self, text: str) -> None:
        """A paragraph of prose with no displayed equality."""
        self.steps.append(Step(text))

    def _refuse_identical(self, text: str, shown: list[str]) -> None:
        for a, b in zip(shown, shown[1:]):
            if REFUSE_IDENTICAL and a.replace(" ", "") == b.replace(" ", ""):
                raise StepFailed(f"derivation {self.name}, step {len(self.steps) + 1} ({text or 'no text'}): "
                                 f"both sides print as {a!r}; show the left side unevaluated (sp.Integral, "
                                 "sp.Sum, sp.Derivative, evaluate=False) or name it with lhs_tex=")

    def equal(self, lhs, rhs, text: str = "", *, ranges: dict | None = None, numeric_only: bool = False,
              lhs_tex: str | None = None):
        """Display and verify ``lhs = rhs``; returns ``rhs`` so steps can chain.

        ``lhs`` is the form the prose announces, unevaluated (an Integral, a Sum, a Derivative, a
        definition); it is checked after ``doit()``. ``lhs_tex`` displays a name for it instead
        (the verification uses ``lhs`` itself). A display whose two sides print the same is refused.
        """
        shown = [lhs_tex or latex(lhs), latex(rhs)]
        self._refuse_identical(text, shown)
        method = verify_equal(lhs, rhs, ranges or {}, numeric_only)
        if method is None:
            raise StepFailed(f"derivation {self.name}, step {len(self.steps) + 1} ({text or 'no text'}): "
                             f"{sp.sstr(lhs)} = {sp.sstr(rhs)} does not hold")
        self.steps.append(Step(text, shown[0], (shown[1],), method))
        return rhs

    def chain(self, text: str, *exprs, ranges: dict | None = None, lhs_tex: str | None = None):
        """Display ``e0 = e1 = e2 = ...`` verifying each adjacent equality; returns the last.

        A member may be a pair ``(tex, expr)``: ``tex`` is shown (a name or a definition), ``expr``
        verified."""
        pairs = [m if isinstance(m, tuple) else (latex(m), m) for m in exprs]
        if lhs_tex:
            pairs[0] = (lhs_tex, pairs[0][1])
        shown = [t for t, _ in pairs]
        self._refuse_identical(text, shown)
        methods = []
        for (_, a), (_, b) in zip(pairs, pairs[1:]):
            m = verify_equal(a, b, ranges or {}, False)
            if m is None:
                raise StepFailed(f"derivation {self.name}, step {len(self.steps) + 1} ({text}): "
                                 f"{sp.sstr(a)} = {sp.sstr(b)} does not hold")
            methods.append(m)
        method = methods[0] if len(set(methods)) == 1 else "; ".join(dict.fromkeys(methods))
        self.steps.append(Step(text, shown[0], tuple(shown[1:]), method))
        return pairs[-1][1]

    def result(self, key: str, expr, text: str = "", *, lhs=None, rhs_tex: str | None = None,
               relation: str = "=") -> None:
        """A result ``lhs = expr`` (``lhs``: the symbol it defines, LaTeX or a SymPy expression): ``key``
        must be declared as a :class:`Result` of the derivation, which names the quantity it equals
        (or bounds); the build proves the two equal at sampled points. ``rhs_tex`` shows a nested
        result through the named intermediates of steps that displayed and checked them; ``relation``
        ("=", "<=", ">=") is the displayed relation of ``lhs`` to the result (a bound reads lhs <= result)."""
        self.results[key] = expr
        if lhs is None:
            raise StepFailed(f"derivation {self.name}, result {key}: name its symbol on the left (lhs=)")
        self.result_text.append(f"{text}\n{display(latex(lhs), [rhs_tex or latex(expr)], relation)}")

    def keep(self, key: str, expr) -> None:
        """Keep an intermediate expression for tests (not displayed, not a result)."""
        self.kept[key] = expr


def _sample(sym: sp.Symbol, ranges: dict, rng: random.Random):
    if sym in ranges:
        lo, hi = ranges[sym]
        if sym.is_integer:
            return sp.Integer(rng.randint(int(lo), int(hi)))
        return sp.Rational(rng.randint(0, 10**6), 10**6) * (sp.sympify(hi) - sp.sympify(lo)) + sp.sympify(lo)
    if sym.is_integer:
        lo = 1 if sym.is_positive else (0 if sym.is_nonnegative else -5)
        return sp.Integer(rng.randint(lo, 7))
    if sym.is_positive or sym.is_nonnegative:
        return sp.Rational(rng.randint(1, 10**6), 10**6) * 2 + sp.Rational(1, 10)
    return sp.Rational(rng.randint(-10**6, 10**6), 10**6) * 2


def verify_equal(lhs, rhs, ranges: dict, numeric_only: bool) -> str | None:
    """'symbolic' or 'numeric (...)' if lhs = rhs is verified, None if it fails."""
    lhs = sp.sympify(lhs)
    if lhs.has(sp.Integral, sp.Sum, sp.Derivative, sp.Product, sp.Subs):
        done = lhs.doit()
        if not done.has(sp.Integral, sp.Sum, sp.Product):
            lhs = done
    diff = lhs - sp.sympify(rhs)
    if not numeric_only:
        if diff == 0 or sp.expand(diff) == 0 or sp.simplify(diff) == 0:
            return "symbolic"
        if ranges and diff.has(sp.Max, sp.Min, sp.Abs, sp.Heaviside):  # a kink: exact on the stated range
            t = sp.Dummy("t", positive=True)
            inside = {v: sp.sympify(lo) + (sp.sympify(hi) - sp.sympify(lo)) * t / (1 + t)
                      for v, (lo, hi) in ranges.items() if not v.is_integer}
            if inside and sp.simplify(diff.subs(inside)) == 0:
                return "symbolic"
    rng = random.Random(sp.srepr(diff))  # deterministic points, one set per equality
    free = sorted(diff.free_symbols, key=lambda s: s.name)
    tolerance = sp.Float(10) ** (-(NUMERIC_DIGITS - 10))
    points = NUMERIC_POINTS if free else 1  # a constant needs one evaluation
    for _ in range(points):
        point = {s: _sample(s, ranges, rng) for s in free}
        value = sp.N(diff.subs(point).doit(), NUMERIC_DIGITS)  # doit: unevaluated Derivative, Sum, Subs
        scale = 1 + abs(sp.N(sp.sympify(lhs).subs(point), NUMERIC_DIGITS))
        if not value.is_number or not abs(value) <= tolerance * scale:
            return None
    if not free:
        return f"numeric ({NUMERIC_DIGITS} digits)"
    return f"numeric ({NUMERIC_POINTS} random points, {NUMERIC_DIGITS} digits)"


RELATIONS = ("=", "<=", ">=")


@dataclass(frozen=True)
class Result:
    """Result ``key`` of a derivation is the quantity ``quantity`` (``relation`` "="), or bounds it
    (``"<="``: result <= quantity; ``">="``: result >= quantity).

    ``symbols`` maps the result's symbols to the quantity's parameters: a dict {symbol name:
    parameter name}, or a function point -> {symbol name: value} (lists, derived values).
    ``points``: the parameter points at which the build compares them (default: the quantity's
    examples). The comparison is exact where both sides are rational, else at 30 digits with
    relative tolerance ``rtol``.
    """

    key: str
    quantity: str
    symbols: dict[str, str] | Callable[[dict], dict] = field(default_factory=dict)
    points: tuple[dict, ...] | None = None
    relation: str = "="
    rtol: float = 1e-12

    def __post_init__(self):
        if self.relation not in RELATIONS:
            raise ValueError(f"result {self.key}: relation {self.relation!r} not in {RELATIONS}")

    def substitutions(self, point: dict) -> dict[str, object]:
        if callable(self.symbols):
            return dict(self.symbols(point))
        return {sym: point[param] for sym, param in self.symbols.items()}


RESULT_DIGITS = 30


def _as_number(value):
    """A quantity's value as a SymPy number (exact for int and Fraction)."""
    from fractions import Fraction

    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    return sp.Float(str(value), RESULT_DIGITS)


def verify_result(name: str, result: Result, expr) -> int:
    """Compare a derivation's result with its quantity at the result's points; returns the number
    of points, raises StepFailed where they differ."""
    from ..theory import get

    q = get(result.quantity)
    points = q.examples if result.points is None else result.points
    if not points:
        raise StepFailed(f"derivation {name}, result {result.key}: no point to compare it with {q.name} at")
    for point in points:
        subs = result.substitutions(point)
        symbols = {s.name: s for s in sp.sympify(expr).free_symbols}
        unknown = sorted(set(subs) - set(symbols))
        value = sp.sympify(expr).subs({symbols[k]: sp.sympify(v) for k, v in subs.items() if k in symbols}).doit()
        if value.free_symbols or unknown:
            left = sorted(s.name for s in value.free_symbols)
            raise StepFailed(f"derivation {name}, result {result.key}: symbols {left} unmapped, "
                             f"{unknown} not in the result")
        theory = q(**point, **({"dps": RESULT_DIGITS} if q.takes_dps else {}))
        want = _as_number(theory)
        if value.is_Rational and want.is_Rational:
            diff = value - want
            ok = {"=": diff == 0, "<=": diff <= 0, ">=": diff >= 0}[result.relation]
        else:
            got, ref = sp.N(value, RESULT_DIGITS), sp.N(want, RESULT_DIGITS)
            slack = result.rtol * (abs(ref) + abs(got)) / 2
            diff = got - ref
            ok = {"=": abs(diff) <= slack, "<=": diff <= slack, ">=": diff >= -slack}[result.relation]
        if not ok:
            raise StepFailed(f"derivation {name}, result {result.key} {result.relation} {q.name}{point} fails: "
                             f"{sp.N(value, 17)} against {sp.N(want, 17)}")
    return len(points)


@dataclass(frozen=True)
class Derivation:
    name: str
    title: str
    build: Callable[[Document], None]
    results: tuple[Result, ...] = ()
    citation: str = ""

    @property
    def quantities(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.quantity for r in self.results))

    def document(self) -> Document:
        """Build the document; each declared result is then proved equal to (or a bound of) its
        quantity, and a result that is not declared fails the build."""
        doc = Document(self.name, self.title)
        self.build(doc)
        declared = {r.key for r in self.results}
        for key in doc.results:
            if key not in declared:
                raise StepFailed(f"derivation {self.name}: result {key} names no quantity "
                                 "(declare Result(key, quantity) in @derivation, or doc.keep it)")
        for r in self.results:
            if r.key not in doc.results:
                raise StepFailed(f"derivation {self.name}: declared result {r.key} was not produced")
            doc.compared[(r.key, r.quantity, r.relation)] = verify_result(self.name, r, doc.results[r.key])
        return doc


_DERIVATIONS: dict[str, Derivation] = {}


def derivation(name: str, title: str, *, results: tuple[Result, ...], citation: str = ""):
    """Register a derivation-building function under ``name``; ``results`` link it to the
    quantities it produces (``dltheory list`` reads the literal names from the source)."""

    def register(build: Callable[[Document], None]) -> Derivation:
        if name in _DERIVATIONS:
            raise ValueError(f"derivation {name} registered twice")
        if not results:
            raise ValueError(f"derivation {name} declares no result")
        d = Derivation(name, title, build, tuple(results), citation)
        _DERIVATIONS[name] = d
        return d

    return register


def registered() -> dict[str, Derivation]:
    return _DERIVATIONS


PREAMBLE = r"""\usepackage[utf8]{inputenc}
\usepackage{amsmath,amssymb}
\usepackage[margin=1in]{geometry}
\sloppy
"""

TEMPLATE = r"""\documentclass[11pt]{article}
%(preamble)s\title{%(title)s}
\author{dltheory --- generated from SymPy code; every displayed equality machine-checked}
\date{}
\begin{document}
\maketitle
%(body)s
\end{document}
"""


def body(doc: Document, heading: str = r"\section*") -> str:
    """The abstract, assumptions, derivation, result and references of a built document, under
    headings ``heading`` (``\\section*`` in a document, ``\\subsection*`` in the book)."""
    steps = []
    for s in doc.steps:
        item = r"\item " + s.text
        if s.lhs:
            item += "\n" + display(s.lhs, list(s.rhs)) + "\n"
            item += r"\hfill{\small\emph{checked: " + s.method + "}}"
        steps.append(item)
    abstract = f"\\begin{{abstract}}\n{doc.abstract}\n\\end{{abstract}}\n" if doc.abstract else ""
    if abstract and heading != r"\section*":
        abstract = f"{{\\small {doc.abstract}}}\n"
    parts = [abstract.rstrip("\n"),
             f"{heading}{{Assumptions}}", r"\begin{itemize}",
             "\n".join(r"\item " + a for a in doc.assumptions) or r"\item None.", r"\end{itemize}",
             f"{heading}{{Derivation}}", r"\begin{enumerate}", "\n".join(steps), r"\end{enumerate}",
             f"{heading}{{Result}}", "\n".join(doc.result_text),
             f"{heading}{{References}}", r"\begin{enumerate}",
             "\n".join(r"\item " + r for r in doc.references) or r"\item ---", r"\end{enumerate}"]
    return "\n".join(parts)


def render(doc: Document) -> str:
    """The LaTeX source of a built document."""
    return TEMPLATE % {"preamble": PREAMBLE, "title": doc.title, "body": body(doc)}


TEX_HINT = ("PDF not built: no LaTeX found; install it with "
            "`apt-get install texlive-latex-base texlive-latex-recommended latexmk`, "
            "then run `latexmk -pdf %s`")


def compile_pdf(tex: Path) -> tuple[Path | None, str]:
    """Compile ``tex`` in a private temporary folder and move the PDF (and its log) next to it, so
    concurrent builds into one folder do not share auxiliary files; returns (pdf or None, message).
    An overfull box over one point (a line past the margin) fails the build like a LaTeX error."""
    import tempfile

    if shutil.which("latexmk"):
        cmd = ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-quiet", tex.name]
    elif shutil.which("pdflatex"):
        cmd = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name]
    else:
        return None, TEX_HINT % tex
    pdf = tex.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix=".latex-", dir=tex.parent) as work:
        shutil.copyfile(tex, Path(work) / tex.name)
        env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}
        proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True, env=env)
        if proc.returncode == 0 and cmd[0] == "pdflatex" and "\\tableofcontents" in tex.read_text():
            proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True, env=env)  # the contents
        made = Path(work) / pdf.name
        if proc.returncode != 0 or not made.exists():
            tail = (proc.stdout + proc.stderr).strip().splitlines()[-5:]
            return None, f"LaTeX failed on {tex}: " + " | ".join(tail)
        log = Path(work) / tex.with_suffix(".log").name
        boxes = overfull_boxes(log.read_text(errors="replace")) if log.exists() else []
        if log.exists():
            log.replace(tex.with_suffix(".log"))
        if boxes:
            worst = max(boxes)
            return None, (f"LaTeX on {tex}: {len(boxes)} overfull box(es) over 1pt, the widest "
                          f"{worst[0]:.1f}pt {worst[1]}")
        made.replace(pdf)
    return pdf, str(pdf)
