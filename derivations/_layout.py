"""Display layout for the derivation documents: SymPy's LaTeX with one logarithm notation, an
estimate of a formula's printed width, and line breaking of long displays at top-level ``+``/``-``
(and inside a long leading fraction or bracket), so that no display runs past the margin and none
is shrunk.

The width estimate is in "glyph units" (about one italic letter at 11 pt); a display line holds
``LINE_UNITS`` of them. The overfull-box scan of the LaTeX log (:func:`overfull_boxes`) is the
ground truth the estimate is tuned against.
"""
from __future__ import annotations

import re

import sympy as sp

LINE_UNITS = 54.0  # glyph units in one display line (enumerate item, 11 pt, 1 in margins)
OVERFULL_LIMIT_PT = 1.0

_SPACES = {r"\,": 0.3, r"\;": 0.4, r"\:": 0.35, r"\!": -0.2, r"\quad": 1.6, r"\qquad": 3.2, "~": 0.5}
_ZERO = {r"\left", r"\right", r"\limits", r"\displaystyle", r"\bigl", r"\bigr", r"\Bigl", r"\Bigr",
         r"\biggl", r"\biggr", r"\big", r"\Big", r"\mathrel", r"\mathbin", r"\mathop", r"\phantom"}
_TEXTUAL = {r"\operatorname", r"\mathrm", r"\text", r"\textrm", r"\mathit", r"\texttt"}
_WRAPPERS = {r"\mathbb", r"\mathcal", r"\mathbf", r"\boldsymbol", r"\hat", r"\bar", r"\tilde", r"\overline",
             r"\widetilde", r"\vec", r"\dot", r"\mathfrak"}
_WIDE = {r"\int": 1.6, r"\sum": 1.8, r"\prod": 1.8, r"\iint": 2.6, r"\oint": 1.6, r"\infty": 1.3,
         r"\cdot": 1.0, r"\times": 1.8, r"\leq": 1.8, r"\geq": 1.8, r"\neq": 1.8, r"\approx": 1.8,
         r"\to": 1.8, r"\ln": 1.3, r"\log": 1.8, r"\exp": 2.0, r"\sin": 1.8, r"\cos": 2.0, r"\tan": 2.0,
         r"\operatorname": 0.0, r"\binom": 0.0}


class GaussTail(sp.Function):
    """Display form of the Gaussian tail H(x) = int_x^oo Dt = erfc(x/sqrt 2)/2 (Gardner's notation)."""

    def _latex(self, printer, exp=None):
        tex = rf"H\left({printer._print(self.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


def _gauss_tails(expr):
    """Write erfc(a) as 2 H(sqrt 2 a) and then 1 - H(x) as H(-x), an exact rewriting for display, kept
    only where it shortens the expression and leaves no bare 2 H (erfc(a)/2 -> H(sqrt 2 a),
    1 - erfc(a)/2 -> H(-sqrt 2 a); a lone erfc(a) stays)."""
    new = expr.replace(lambda e: isinstance(e, sp.erfc), lambda e: 2 * GaussTail(sp.sqrt(2) * e.args[0]))

    def flip(e):
        tails = [t for t in e.args if (-t).func is GaussTail]
        if sp.S.One not in e.args or not tails:
            return e
        rest = list(e.args)
        rest.remove(sp.S.One)
        rest.remove(tails[0])
        return sp.Add(GaussTail(-(-tails[0]).args[0]), *rest)

    new = new.replace(lambda e: e.is_Add and e.has(GaussTail), flip)
    bare = any(m.is_Mul and len(m.args) == 2 and m.args[0] == 2 and m.args[1].func is GaussTail
               for m in sp.preorder_traversal(new))
    return new if not bare and sp.count_ops(new) <= sp.count_ops(expr) else expr


def latex(expr, **settings) -> str:
    """SymPy's LaTeX with ``\\ln`` for the natural logarithm (the documents' one notation) and the
    Gaussian tail H for erfc(a)/2."""
    if isinstance(expr, str):
        return expr
    settings.setdefault("ln_notation", True)
    settings.setdefault("inv_trig_style", "full")
    if isinstance(expr, sp.Basic) and expr.has(sp.erfc):
        expr = _gauss_tails(expr)
    return sp.latex(expr, **settings)


def named(name: str, tex: str, **assumptions) -> sp.Symbol:
    """A symbol called ``name`` (as results map it) that prints as ``tex`` (an upright operator name,
    a hat), so that no multi-letter name is set in italics."""
    cls = type(f"Named_{abs(hash(tex)) % 10**8}", (sp.Symbol,), {"_latex": lambda self, printer: tex})
    return cls(name, **assumptions)


def _group(tex: str, i: int) -> tuple[str, int]:
    """The argument starting at ``tex[i]`` (a braced group or a single token) and the index after it."""
    while i < len(tex) and tex[i] == " ":
        i += 1
    if i >= len(tex):
        return "", i
    if tex[i] == "{":
        depth, j = 0, i
        while j < len(tex):
            if tex[j] == "\\":
                j += 2
                continue
            depth += tex[j] == "{"
            depth -= tex[j] == "}"
            if depth == 0:
                return tex[i + 1:j], j + 1
            j += 1
        return tex[i + 1:], len(tex)
    if tex[i] == "\\":
        m = re.match(r"\\([A-Za-z]+|.)", tex[i:])
        return m.group(0), i + len(m.group(0))
    return tex[i], i + 1


def width(tex: str) -> float:
    """Estimated printed width of display-style LaTeX ``tex``, in glyph units."""
    w, i = 0.0, 0
    while i < len(tex):
        c = tex[i]
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", tex[i:])
            cmd = m.group(0)
            i += len(cmd)
            if cmd in (r"\frac", r"\dfrac", r"\tfrac", r"\binom"):
                a, i = _group(tex, i)
                b, i = _group(tex, i)
                scale = 0.75 if cmd == r"\tfrac" else 1.0
                w += scale * max(width(a), width(b)) + 0.6
            elif cmd == r"\sqrt":
                if i < len(tex) and tex[i] == "[":
                    j = tex.index("]", i)
                    i = j + 1
                a, i = _group(tex, i)
                w += width(a) + 1.2
            elif cmd in _TEXTUAL:
                a, i = _group(tex, i)
                w += 0.85 * len(re.sub(r"\\[A-Za-z]+|[{}\\ ]", "", a)) + 0.3
            elif cmd in _WRAPPERS:
                a, i = _group(tex, i)
                w += width(a)
            elif cmd in _SPACES:
                w += _SPACES[cmd]
            elif cmd in _ZERO:
                pass
            elif cmd in (r"\\",):
                pass
            else:
                w += _WIDE.get(cmd, 1.0)
        elif c in "^_":
            a, i = _group(tex, i + 1)
            w += 0.7 * width(a)
        elif c == "{":
            a, i = _group(tex, i)
            w += width(a)
        elif c in " }&":
            i += 1
        elif c in "+-=<>":
            w += 1.9
            i += 1
        elif c in ",;":
            w += 0.6
            i += 1
        elif c in "()[]|.":
            w += 0.55
            i += 1
        else:
            w += 1.0
            i += 1
    return w


def _split_top(tex: str) -> list[str]:
    """``tex`` cut before each top-level binary ``+``/``-`` (SymPy prints them as `` + ``/`` - ``)."""
    pieces, depth, start, i = [], 0, 0, 0
    while i < len(tex):
        if tex.startswith((r"\begin{", r"\end{"), i):  # an environment (cases, matrix) is one piece
            depth += 1 if tex.startswith(r"\begin{", i) else -1
            i = tex.index("}", i) + 1
            continue
        if tex.startswith(r"\left", i) and not tex[i + 5:i + 6].isalpha():
            depth += 1
            i += 5
            continue
        if tex.startswith(r"\right", i) and not tex[i + 6:i + 7].isalpha():
            depth -= 1
            i += 6
            continue
        c = tex[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0 and i > start and tex.startswith((" + ", " - "), i):
            pieces.append(tex[start:i].strip())
            start = i + 1
        i += 1
    pieces.append(tex[start:].strip())
    return [p for p in pieces if p]


def _open_up(term: str) -> list[str] | None:
    """A term too wide for one line, as pieces between which a line may break: ``\\frac{N}{D}``
    becomes ``\\frac{1}{D}\\Bigl[N\\Bigr]`` and ``c \\left(X\\right) rest`` becomes ``c\\Bigl(X\\Bigr) rest``,
    with N or X cut at its top-level signs. None where neither applies."""
    if r"\begin{" in term:  # an environment is not opened up
        return None
    sign = ""
    body = term
    if body[:2] in ("+ ", "- "):
        sign, body = body[:2], body[2:]
    m = re.match(r"\\frac", body)
    if m:
        num, j = _group(body, 5)
        den, k = _group(body, j)
        if k == len(body.rstrip()) and len(_split_top(num)) > 1:
            inner = _split_top(num)
            return ([f"{sign}\\frac{{1}}{{{den}}} \\Bigl[{inner[0]}"] + inner[1:-1] + [f"{inner[-1]}\\Bigr]"])
    i = body.find(r"\left(")
    if i >= 0:
        depth, j = 0, i
        while j < len(body):
            if body.startswith(r"\left", j) and not body[j + 5:j + 6].isalpha():
                depth += 1
                j += 5
                continue
            if body.startswith(r"\right", j) and not body[j + 6:j + 7].isalpha():
                depth -= 1
                if depth == 0:
                    break
                j += 6
                continue
            j += 1
        inside = body[i + 6:j]
        close = body[j + 6:j + 7]
        rest = body[j + 7:]
        inner = _split_top(inside)
        if close == ")" and len(inner) > 1 and "\\left" not in body[:i] and _balanced(body[:i]):
            return ([f"{sign}{body[:i]}\\Bigl({inner[0]}"] + inner[1:-1] + [f"{inner[-1]}\\Bigr){rest}"])
    return None


def _balanced(tex: str) -> bool:
    depth = 0
    for ch in re.sub(r"\\.", "", tex):
        depth += ch == "{"
        depth -= ch == "}"
        if depth < 0:
            return False
    return depth == 0


def _pieces(tex: str, avail: float) -> list[str]:
    return _pieces_flat(_split_top(tex), avail)


def _pieces_flat(pieces: list[str], avail: float) -> list[str]:
    out = []
    for p in pieces:
        if width(p) > avail:
            opened = _open_up(p)
            if opened:
                out.extend(_pieces_flat(opened, avail))
                continue
        out.append(p)
    return out


def _pack(pieces: list[str], avail: float) -> list[str]:
    """Greedy lines of pieces, each line at most ``avail`` wide where a piece allows."""
    lines, cur = [], ""
    for p in pieces:
        cand = f"{cur} {p}".strip() if cur else p
        if cur and width(cand) > avail:
            lines.append(cur)
            cur = p
        else:
            cur = cand
    if cur:
        lines.append(cur)
    return lines


def display(lhs: str, rhs: list[str], relation: str = "=") -> str:
    """A display environment for ``lhs = rhs[0] = rhs[1] = ...``, broken over lines where long."""
    rel = {"=": "=", "<=": r"\le", ">=": r"\ge"}.get(relation, relation)
    if not lhs:  # an expression alone
        lines = _pack(_pieces(rhs[0], LINE_UNITS), LINE_UNITS)
        if len(lines) == 1:
            return f"\\begin{{equation*}}\n{lines[0]}\n\\end{{equation*}}"
        return "\\begin{align*}\n& " + " \\\\\n&\\quad ".join(lines) + "\n\\end{align*}"
    if len(rhs) == 1 and width(lhs) + 2 + width(rhs[0]) <= LINE_UNITS:
        return f"\\begin{{equation*}}\n{lhs} {rel} {rhs[0]}\n\\end{{equation*}}"
    wl = width(lhs)
    if wl > 0.42 * LINE_UNITS:  # the left side on a line of its own, the right side indented below
        lhs_lines = _pack(_pieces(lhs, LINE_UNITS), LINE_UNITS)
        rows = ["& " + lhs_lines[0]] + [r"&\quad " + x for x in lhs_lines[1:]]
        first, lead, cont, avail = None, r"&\qquad " + rel + " ", r"&\qquad\quad ", LINE_UNITS - 5
    else:
        rows = []
        first, lead, cont, avail = f"{lhs} &{rel} ", f"&{rel} ", r"&\quad ", LINE_UNITS - wl - 2.5
    for k, r in enumerate(rhs):
        for n, line in enumerate(_pack(_pieces(r, avail), avail)):
            if n == 0:
                rows.append((first if (k == 0 and first) else lead) + line)
            else:
                rows.append(cont + line)
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"


_OVERFULL = re.compile(r"Overfull \\[hv]box \(([0-9.]+)pt too (?:wide|high)\)(.*)")


def overfull_boxes(log: str, limit: float = OVERFULL_LIMIT_PT) -> list[tuple[float, str]]:
    """(points, where) for each overfull box over ``limit`` points in a LaTeX log."""
    return [(float(m.group(1)), m.group(2).strip()) for m in _OVERFULL.finditer(log) if float(m.group(1)) > limit]
