"""Numba forms of the activation table (``dltheory.theory.activations``).

``numba_form(name, d)`` is ``numba.njit`` applied to the table's plain-``math`` scalar function
phi^(d) itself: one definition per activation serves scalar and compiled code. Its on-disk cache
lives next to the table (Numba keys it on that file), so it follows every change of the table.

A kernel in another module that calls these forms is cached next to its own module, and Numba
does not invalidate it when the table changes. Such a module calls ``fresh_cache(kernels...)``
after defining its kernels: where the table's source differs from the one the cached kernels
were compiled against (a stamp file in the kernel's cache folder), their cache is dropped, once.
"""
from __future__ import annotations

import zlib
from functools import lru_cache
from pathlib import Path

from numba import njit

from ..theory import activations as table


@lru_cache(maxsize=None)
def numba_form(name: str, d: int = 0):
    """phi^(d) compiled by Numba (nopython, cached, nogil) from the table's scalar form."""
    return njit(cache=True, nogil=True)(table.scalar(name, d))


def table_stamp() -> str:
    """A digest of the activation table's source."""
    return f"{zlib.crc32(Path(table.__file__).read_bytes()):08x}"


def fresh_cache(*kernels) -> None:
    """Drop the on-disk cache of each Numba ``kernel`` compiled against another version of the table."""
    stamp = table_stamp()
    for kernel in kernels:
        cache = getattr(kernel, "_cache", None)
        path = getattr(cache, "cache_path", None)
        if path is None:  # caching disabled
            continue
        marker = Path(path) / f"{kernel.py_func.__module__}.{kernel.py_func.__qualname__}.activations"
        try:
            if marker.read_text() == stamp:
                continue
        except OSError:
            pass
        cache.flush()
        try:
            marker.write_text(stamp)
        except OSError:
            pass
