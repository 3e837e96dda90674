"""Reproducible parallel randomness: one SFC64 generator per fixed-size chunk.

``SeedSequence(seed).spawn(k)`` gives chunk i its own stream, and results are combined
in chunk order, so a run is bit-identical whatever the number of threads. Kernels
given to :func:`map_chunks` should be ``nogil`` Numba functions so threads overlap.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, TypeVar

import numpy as np

from ..theory import BadInput

T = TypeVar("T")

# Where the chunks of a point run: None = this process's threads (``run_chunks``); a cluster backend
# sets a function (work, generators, sizes) -> results in chunk order (see ``spreading``).
_SPREAD: ContextVar[Callable | None] = ContextVar("dltheory_spread_chunks", default=None)


def threads() -> int:
    """Worker threads: $DLTHEORY_THREADS (an integer >= 1; 0 or unset: the number of CPUs)."""
    text = os.environ.get("DLTHEORY_THREADS", "0").strip() or "0"
    if not text.isdigit() or int(text) > 4096:
        raise BadInput("$DLTHEORY_THREADS", text, "integer from 0 (all CPUs) to 4096")
    return int(text) or os.cpu_count() or 1


def as_seed_sequence(seed) -> np.random.SeedSequence:
    return seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)


def chunk_sizes(n: int, chunk: int) -> list[int]:
    return [min(chunk, n - i) for i in range(0, n, chunk)]


def map_chunks(work: Callable[[np.random.Generator, int], T], n: int, chunk: int, seed) -> list[T]:
    """Run ``work(generator, size)`` over chunks of ``n`` samples, one stream per chunk.

    The chunk size is part of the seed: changing it changes the draws.
    """
    sizes = chunk_sizes(n, chunk)
    gens = [np.random.Generator(np.random.SFC64(s)) for s in as_seed_sequence(seed).spawn(len(sizes))]
    spread = _SPREAD.get()
    if spread is not None and len(sizes) > 1:
        return spread(work, gens, sizes)
    return run_chunks(work, gens, sizes)


def run_chunks(work: Callable[[np.random.Generator, int], T], gens: list, sizes: list[int]) -> list[T]:
    """``work(gens[i], sizes[i])`` for every chunk on this process's threads, in chunk order."""
    workers = min(threads(), len(sizes))
    if workers == 1:
        return [work(g, k) for g, k in zip(gens, sizes)]
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(work, gens, sizes))


@contextmanager
def spreading(spread: Callable):
    """Within the block, :func:`map_chunks` hands a point's chunks (generators already drawn, so the
    draws are those of a local run) to ``spread(work, generators, sizes)``, e.g. as cluster tasks."""
    token = _SPREAD.set(spread)
    try:
        yield
    finally:
        _SPREAD.reset(token)


def map_rows(work: Callable[[np.ndarray], T], x: np.ndarray) -> list[T]:
    """Apply a deterministic ``nogil`` kernel to row blocks of ``x`` on all threads, in block order."""
    blocks = np.array_split(x, threads())
    if len(blocks) == 1:
        return [work(x)]
    with ThreadPoolExecutor(len(blocks)) as pool:
        return list(pool.map(work, blocks))
