"""The one size knob for Monte Carlo: quick, CI scale or full.

A check's grid and measure take ``quick`` (``verify --quick``: the small fixed sizes used by
the conformance suite). Otherwise sample counts are the full sizes times ``scale()``, read from
``$DLTHEORY_SCALE`` here and nowhere else: 1 by default, 0.25 on CI (``make test``), so the
slow tests run every check at reduced size.
"""
from __future__ import annotations

import os

from ..theory import BadInput

ENV = "DLTHEORY_SCALE"


def scale() -> float:
    """$DLTHEORY_SCALE, a number in (0, 1]; 1 when unset."""
    text = os.environ.get(ENV, "1")
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 1:
        raise BadInput(f"${ENV}", text, "a number in (0, 1]")
    return value


def sized(full: int, quick: int | None = None, is_quick: bool = False, minimum: int = 1) -> int:
    """A sample count: ``quick`` in a quick run, else ``full * scale()``, at least ``minimum``."""
    if is_quick and quick is not None:
        return quick
    return max(minimum, int(full * scale()))
