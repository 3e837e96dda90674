"""Progress display for the commands that can run longer than a few seconds (tqdm, on stderr).

Bars appear only where stderr is a terminal (so pipes, logs and the docs' tests see the plain
lines) and only once a step has taken ``delay`` seconds; ``DLTHEORY_PROGRESS=1`` forces them
on, ``0`` off. Lines printed while a bar is shown go through :func:`say`, above the bar.
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading
import time


def _disabled():
    """tqdm's ``disable``: None lets tqdm decide (off where stderr is not a terminal)."""
    forced = os.environ.get("DLTHEORY_PROGRESS", "")
    return {"0": True, "1": False}.get(forced)


def shown() -> bool:
    """Whether a bar would be drawn: forced by DLTHEORY_PROGRESS, else where stderr is a terminal."""
    forced = _disabled()
    return not forced if forced is not None else sys.stderr.isatty()


def bar(total=None, desc: str = "", unit: str = "it", delay: float = 0.5):
    """A tqdm bar on stderr (a context manager; ``update(n)`` advances it)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=_disabled(), delay=delay,
                leave=False, dynamic_ncols=True)


def say(message: str) -> None:
    """Print a line on stderr without breaking a bar that is shown."""
    from tqdm import tqdm

    tqdm.write(message, file=sys.stderr)
    sys.stderr.flush()


@contextlib.contextmanager
def ticking(desc: str, limit: float, delay: float = 1.0):
    """An elapsed-time bar (wall seconds, drawn up to ``limit``) for one long call that reports no
    progress of its own: shown after ``delay`` seconds, gone when the call returns. Where no bar can
    be shown (stderr not a terminal) it starts no thread and imports nothing."""
    if not shown():
        yield
        return
    done = threading.Event()

    def tick():
        with bar(total=int(limit), desc=desc, unit="s", delay=delay) as b:
            start = time.monotonic()
            while not done.wait(0.25):
                elapsed = min(int(time.monotonic() - start), int(limit))
                if elapsed > b.n:
                    b.update(elapsed - b.n)

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(1.0)
