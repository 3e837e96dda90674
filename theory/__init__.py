"""Closed-form results of deep-learning theory (``dltheory.theory``).

``get(name)`` returns a :class:`Quantity`; ``evaluate(name, **params)`` its value.
Each public module of this package registers its quantities on import; nothing
here imports numba or sympy.
"""
from __future__ import annotations

from ._quantity import (Architecture, BadInput, Choice, Int, IntList, Param, Quantity, Real,
                        RealList, STATUSES, import_public_modules, lookup, present, quantity, registered)
from ._notebook import Shown
from ._notebook import evaluate_grid as _evaluate_grid
from ._notebook import show as _show

__all__ = ["Architecture", "BadInput", "Choice", "Int", "IntList", "Param", "Quantity", "Real",
           "RealList", "STATUSES", "Shown", "all_quantities", "evaluate", "evaluate_grid", "get", "import_public_modules", "lookup",
           "present", "quantity", "show"]


def all_quantities() -> dict[str, Quantity]:
    """Every registered quantity, by name (imports each public theory module once)."""
    import_public_modules(__path__, __name__)
    return dict(sorted(registered().items()))


def get(name: str) -> Quantity:
    return lookup(name, all_quantities(), "quantity")


def evaluate(name: str, dps: int | None = None, **params):
    """Value of quantity ``name`` at ``params`` (validated)."""
    return get(name)(dps=dps, **params)


def evaluate_grid(name: str, dps: int | None = None, errors: str = "raise", **params):
    """Quantity ``name`` as a NumPy float array over a grid: scalar parameters given as sequences
    or arrays are swept and broadcast (``evaluate_grid("gardner-capacity", kappa=np.linspace(0, 3, 50))``).
    ``errors="nan"``: NaN where a point is outside the domain, instead of BadInput."""
    return _evaluate_grid(get(name), dps=dps, errors=errors, **params)


def show(name: str, dps: int | None = None, **params) -> Shown:
    """Quantity ``name`` evaluated, as an object a notebook displays with its formula, value, status
    and citation (``evaluate`` still returns the bare value)."""
    return _show(get(name), dps=dps, **params)
