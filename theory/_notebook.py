"""Quantities over arrays and in notebooks: ``evaluate_grid`` (a NumPy array over a parameter grid)
and ``show`` (an evaluated quantity that Jupyter displays with its formula, status and citation)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._quantity import BadInput, Choice, Int, Quantity, Real, param_text, present

_SCALAR_PARAMS = (Int, Real, Choice)


def evaluate_grid(q: Quantity, dps: int | None = None, errors: str = "raise", **values):
    """A NumPy array of ``q`` over a grid: each scalar parameter given as a sequence or array is
    swept, and the swept values broadcast against each other (NumPy rules), so
    ``kappa=np.linspace(0, 3, 50)`` gives 50 values and ``x=a[:, None], y=b[None, :]`` a table.
    A list-valued parameter (``widths``) is one value, never swept. Every point is validated and
    evaluated as ``q(**point)``; values are converted to float. ``errors="nan"`` puts NaN where a
    point is outside the domain (BadInput) instead of raising."""
    import numpy as np

    if errors not in ("raise", "nan"):
        raise ValueError("errors must be 'raise' or 'nan'")
    kinds = {p.name: p for p in q.params}
    swept = {k: np.asarray(v) for k, v in values.items()
             if isinstance(kinds.get(k), _SCALAR_PARAMS) and not isinstance(v, str) and np.ndim(v) > 0}
    fixed = {k: v for k, v in values.items() if k not in swept}
    shaped = np.broadcast_arrays(*swept.values()) if swept else []
    shape = shaped[0].shape if shaped else ()
    out = np.empty(shape, dtype=float)
    for index in np.ndindex(*shape):
        point = dict(fixed)
        for name, array in zip(swept, shaped):
            item = array[index]
            point[name] = item.item() if hasattr(item, "item") else item
        try:
            out[index] = float(q(dps=dps, **point))
        except BadInput:
            if errors == "raise":
                raise
            out[index] = float("nan")
        except OverflowError:  # an exact value beyond the double range
            if errors == "raise":
                raise
            out[index] = float("inf")
    return out


def _tex_text(text: str) -> str:
    """``text`` inside \\text{...}: LaTeX's special characters escaped."""
    table = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
             "%": r"\%", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}
    return "".join(table.get(ch, ch) for ch in text)


@dataclass(frozen=True)
class Shown:
    """An evaluated quantity for notebooks: its formula (the docstring's first line), value, status
    and citation. Jupyter displays it through ``_repr_html_`` (or ``_repr_latex_``)."""

    name: str
    params: dict[str, Any]
    value: Any
    text: str
    status: str
    citation: str
    formula: str
    warnings: tuple[str, ...] = ()

    def _call(self) -> str:
        shown = ", ".join(f"{k}={param_text(v)}" for k, v in self.params.items() if v is not None)
        return f"{self.name}({shown})"

    def __repr__(self) -> str:
        lines = [f"{self._call()} = {self.text}", f"  formula: {self.formula}",
                 f"  status: {self.status}; {self.citation}"]
        return "\n".join(lines + [f"  warning: {w}" for w in self.warnings])

    def _repr_html_(self) -> str:
        import html

        e = html.escape
        rows = [f"<div><code>{e(self._call())}</code> = <b>{e(self.text)}</b></div>",
                f"<div>formula: {e(self.formula)}</div>",
                f"<div>status: <i>{e(self.status)}</i>; {e(self.citation)}</div>"]
        rows += [f"<div>warning: {e(w)}</div>" for w in self.warnings]
        return "<div class='dltheory-quantity'>" + "".join(rows) + "</div>"

    def _repr_latex_(self) -> str:
        lines = [rf"\text{{{_tex_text(self._call())}}} = \text{{{_tex_text(self.text)}}}",
                 rf"\text{{formula: {_tex_text(self.formula)}}}",
                 rf"\text{{status: {_tex_text(self.status)}; {_tex_text(self.citation)}}}"]
        lines += [rf"\text{{warning: {_tex_text(w)}}}" for w in self.warnings]
        return r"$\begin{array}{l}" + r" \\ ".join(lines) + r"\end{array}$"


def show(q: Quantity, dps: int | None = None, **values) -> Shown:
    """``q`` evaluated at ``values`` as a :class:`Shown` (what a notebook displays)."""
    bound = q.bind(values)
    value = q(dps=dps, **bound)
    _, _, text = present(value, dps or 15)
    return Shown(q.name, bound, value, text, q.status_for(bound), q.citation, q.summary, tuple(q.warnings(bound)))
