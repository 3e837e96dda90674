"""Check points (and sweep points) as tasks on a ``dask.distributed`` cluster.

Optional: ``pip install 'dltheory[distributed]'``. Only ``verify``/``sweep`` with ``--workers N``
(a local cluster of N worker processes) or ``--scheduler ADDRESS`` (a running scheduler)
import this module, and so Dask; without them nothing here runs.

One grid point is one task; a large point (at least ``SPLIT_CHUNKS`` seeded chunks in one
``map_chunks`` call) also spreads its chunks over the cluster as tasks of their own, in groups,
gathered back in chunk order. A task carries the check's *name*, the point, its index, the seed
and the run's ``$DLTHEORY_SCALE``; the worker looks the check up in its own installed copy of
dltheory (the package must be importable there) and calls the same ``measure_point`` as a
serial run, seeded by (seed, check name, point index): records are bit-identical to a serial
run whatever the cluster. The decision (theory, z, power test) is made here, on the client.
Results arrive as they finish; a task that raises is retried (``RETRIES`` times) and a task of
a worker that dies is rescheduled by Dask on another worker.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Callable

from .theory import BadInput

RETRIES = 2  # a task that raises is run again this many times (on any worker) before it counts as failed
SPLIT_CHUNKS = 8  # a map_chunks call with at least this many chunks spreads them over the cluster
CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler before giving up with a one-line error
INSTALL = "pip install 'dltheory[distributed]'"


# Local workers log only critical events: a task's error reaches the client through its future (and
# is reported there, one line), and an interrupted run's abandoned tasks must not print tracebacks.
QUIET_WORKERS = {"DASK_LOGGING__TORNADO": "critical", "DASK_LOGGING__DISTRIBUTED": "critical"}


def quiet_shutdown() -> None:
    """Silence this process's event-loop loggers before an interrupted run closes its cluster."""
    import logging

    for name in ("tornado", "distributed", "asyncio"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _distributed():
    try:
        import distributed
    except ImportError:
        return None
    return distributed


def _chunk_task(work, gens: list, sizes: list[int]) -> list:
    """On a worker: a group of a point's chunks, on the worker's simulator threads, in order."""
    from .numerics._parallel import run_chunks

    return run_chunks(work, gens, sizes)


def _spread_chunks(work, gens: list, sizes: list[int]) -> list:
    """A large point's chunks as tasks (the point's own task secedes while they run); the
    generators were drawn by the point's task, so the results equal a local run's."""
    from distributed import worker_client

    from .numerics._parallel import run_chunks

    if len(sizes) < SPLIT_CHUNKS:
        return run_chunks(work, gens, sizes)
    with worker_client() as client:
        groups = max(2, min(len(sizes), 2 * len(client.nthreads())))
        bounds = [len(sizes) * g // groups for g in range(groups + 1)]
        futures = [client.submit(_chunk_task, work, gens[a:b], sizes[a:b], pure=False, retries=RETRIES)
                   for a, b in zip(bounds, bounds[1:])]
        return [r for part in client.gather(futures) for r in part]


def _measure_task(check_name: str, point: dict, index: int, seed: int, quick: bool, scale: str):
    """On a worker: the estimate at one point, with the worker's name and the seconds it took."""
    os.environ["DLTHEORY_SCALE"] = scale  # the client's sample sizes (every task of a run sets the same value)
    from .numerics import get_check
    from .numerics._check import measure_point
    from .numerics._parallel import spreading

    start = time.perf_counter()
    with spreading(_spread_chunks):
        estimate = measure_point(get_check(check_name), point, index, seed, quick)
    try:
        from distributed import get_worker

        worker = str(get_worker().name)
    except (ImportError, ValueError):
        worker = "local"
    return estimate, worker, time.perf_counter() - start


@dataclass
class Backend:
    """A connected client (and the local cluster it owns, if any)."""

    client: object
    cluster: object | None = None
    description: str = ""
    per_worker: dict = field(default_factory=dict)  # worker -> [points, seconds]

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            quiet_shutdown()  # an interrupt: tasks in flight are abandoned, their loops' complaints are noise
        self.close()

    def map_points(self, tasks: list[tuple], on_result: Callable, on_error: Callable) -> None:
        """Run ``tasks`` = [(tag, check_name, point, index, seed, quick)] and call
        ``on_result(tag, estimate, worker, seconds)`` as each finishes (in finishing order), or
        ``on_error(tag, exception)`` for one that failed after its retries."""
        distributed = _distributed()
        from .numerics import scale

        scale_text = repr(scale())
        futures = {}
        for tag, name, point, index, seed, quick in tasks:
            f = self.client.submit(_measure_task, name, point, index, seed, quick, scale_text,
                                   retries=RETRIES, pure=False, key=f"{name}-{index}-{seed}-{os.urandom(4).hex()}")
            futures[f] = tag
        try:
            for f in distributed.as_completed(list(futures)):
                tag = futures[f]
                try:
                    estimate, worker, seconds = f.result()
                except Exception as e:  # the task failed on every try
                    on_error(tag, e)
                    continue
                tally = self.per_worker.setdefault(worker, [0, 0.0])
                tally[0] += 1
                tally[1] += seconds
                on_result(tag, estimate, worker, seconds)
        finally:
            self.client.cancel(list(futures))


def connect(scheduler: str | None = None, workers: int | None = None,
            timeout: float = CONNECT_TIMEOUT) -> Backend:
    """A client on the scheduler at ``scheduler``, or on a new local cluster of ``workers`` processes.

    Raises BadInput (one line) when Dask is missing or the scheduler cannot be reached."""
    option, value = ("--scheduler", scheduler) if scheduler else ("--workers", workers)
    distributed = _distributed()
    if distributed is None:
        raise BadInput(option, value, f"needs dask.distributed: {INSTALL}", "dask.distributed is not installed")
    import logging

    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError, ValueError) as e:
            reason = " ".join(str(e).split()) or type(e).__name__
            raise BadInput("--scheduler", scheduler, "the address of a running dask scheduler (tcp://host:8786)",
                           f"cannot reach the scheduler ({reason[:160]})") from None
        n = len(client.scheduler_info().get("workers", {}))
        return Backend(client, None, f"scheduler {scheduler} ({n} workers)")
    threads = os.environ.get("DLTHEORY_THREADS") or str(max(1, (os.cpu_count() or 1) // workers))
    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.ERROR,
                                       env={"DLTHEORY_THREADS": threads, **QUIET_WORKERS})
    client = distributed.Client(cluster)
    return Backend(client, cluster, f"local cluster of {workers} worker processes "
                                    f"({threads} simulator thread{'s' * (threads != '1')} each)")


@dataclass
class Pending:
    """A check whose points are in flight: records arrive in any order, the verdict in grid order."""

    check: object
    points: list[dict]
    threshold: float
    start: float
    records: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)

    @property
    def done(self) -> bool:
        return len(self.records) + len(self.errors) == len(self.points)


def verify(backend: Backend, checks: list, *, seed: int, quick: bool,
           on_record: Callable[[dict, str, float, int, int], None],
           on_check: Callable[[object, list[str]], None]) -> None:
    """Every point of every check as one task each; ``on_record(record, worker, seconds, done, total)``
    as points finish, ``on_check(outcome, errors)`` as each check's last point finishes."""
    from .numerics import z_critical
    from .numerics._check import Outcome, conclude, point_record

    pending, tasks = {}, []
    for c in checks:
        points = c.grid(quick)
        pending[c.name] = Pending(c, points, z_critical(c.alpha, len(points)), time.perf_counter())
        tasks += [((c.name, i), c.name, p, i, seed, quick) for i, p in enumerate(points)]
    total, finished = len(tasks), [0]

    def finish(name):
        p = pending[name]
        if not p.done:
            return
        out = Outcome(p.check, [p.records[i] for i in sorted(p.records)])
        conclude(out)
        if p.errors:
            out.passed = False
        out.seconds = time.perf_counter() - p.start
        on_check(out, p.errors)

    def result(tag, estimate, worker, seconds):
        name, i = tag
        p = pending[name]
        record = point_record(p.check, p.points[i], estimate, p.threshold)
        p.records[i] = record
        finished[0] += 1
        on_record(record, worker, seconds, finished[0], total)
        finish(name)

    def error(tag, e):
        name, i = tag
        finished[0] += 1
        pending[name].errors.append(f"point {i} failed: {type(e).__name__}: {' '.join(str(e).split())[:200]}")
        finish(name)

    if not tasks:
        return
    backend.map_points(tasks, result, error)
