"""The Dask backend (docs/distributed.md): check points as tasks on a local cluster of worker
processes give records bit-identical to a serial run; without --workers/--scheduler Dask is
never imported; an unreachable scheduler is one line, exit 2, nothing written."""
from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from dltheory.cli import main

CHECKS = ["subset-sum-endpoints-mc", "meanfield-chi1"]  # quick, Monte Carlo (seeded), several points each


def _records(path, kind="point"):
    """The records of ``kind``, less ``run`` (version, commit, seed and the time each was written)."""
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    return [{k: v for k, v in r.items() if k != "run"} for r in rows if r["kind"] == kind]


def test_verify_without_a_backend_does_not_import_dask(tmp_path):
    code = ("import sys; from dltheory.cli import main; rc = main(['verify', 'meanfield-chi1', '--quick']); "
            "print(rc, 'dask' in sys.modules, 'distributed' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert run.stdout.split()[-3:] == ["0", "False", "False"], run.stderr[-2000:]


def test_a_local_cluster_gives_the_serial_records_bit_for_bit(tmp_path, capsys):
    pytest.importorskip("distributed")
    serial, dask = tmp_path / "serial.jsonl", tmp_path / "dask.jsonl"
    assert main(["verify", *CHECKS, "--quick", "--seed", "3", "--out", str(serial)]) == 0
    assert main(["verify", *CHECKS, "--quick", "--seed", "3", "--workers", "2", "--out", str(dask),
                 "--plots", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    want, got = _records(serial), _records(dask)
    assert len(want) == len(got) > len(CHECKS)
    key = lambda r: (r["check"], json.dumps(r["point"], sort_keys=True))  # noqa: E731
    assert sorted(map(json.dumps, want)) == sorted(map(json.dumps, got))  # identical JSON, in finishing order
    assert {key(r) for r in got} == {key(r) for r in want}
    summaries = _records(dask, "summary")
    assert [s["check"] for s in sorted(summaries, key=lambda s: s["check"])] == sorted(CHECKS)
    assert all(s["pass"] and s["points"] > 1 for s in summaries)
    assert f"[{len(got)}/{len(got)}]" in err and "worker 0:" in err and "worker 1:" in err  # progress, per worker
    assert (tmp_path / "meanfield-chi1.png").stat().st_size > 0
    other = tmp_path / "other-seed.jsonl"  # the seed matters: the same points with seed 4 differ
    assert main(["verify", "meanfield-chi1", "--quick", "--seed", "4", "--out", str(other)]) == 0
    assert [r["estimate"] for r in _records(other)] != [r["estimate"] for r in want if r["check"] == "meanfield-chi1"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys):
    pytest.importorskip("distributed")
    out = tmp_path / "out.jsonl"
    address = f"tcp://127.0.0.1:{_free_port()}"
    rc = main(["verify", "meanfield-chi1", "--quick", "--scheduler", address, "--connect-timeout", "1",
               "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "cannot reach the scheduler" in err[0] and address in err[0]
    assert not out.exists()


@pytest.mark.parametrize("args, fragment", [
    (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
    (["--workers", "0"], "--workers=0"),
    (["--scheduler", "tcp://127.0.0.1:1", "--connect-timeout", "-1"], "--connect-timeout=-1"),
])
def test_bad_backend_options_are_one_line_exit_2(args, fragment, capsys):
    assert main(["verify", "meanfield-chi1", "--quick", *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and fragment in err[0]


def test_sweep_writes_records_and_a_figure_the_same_serial_and_on_a_cluster(tmp_path, capsys):
    args = ["sweep", "subset-sum-endpoints-mc", "n=4,6,8", "eps=0.1,0.2", "--quick", "--seed", "5"]
    serial, dask = tmp_path / "serial.jsonl", tmp_path / "dask.jsonl"
    assert main([*args, "--out", str(serial), "--plot", str(tmp_path / "sweep.png")]) == 0
    want = _records(serial, "sweep-point")
    assert [(r["point"]["n"], r["point"]["eps"]) for r in want] == [(4, 0.1), (4, 0.2), (6, 0.1), (6, 0.2),
                                                                   (8, 0.1), (8, 0.2)]
    assert all(r["agrees"] for r in want) and (tmp_path / "sweep.png").stat().st_size > 0
    summary = _records(serial, "sweep-summary")[0]
    assert summary["swept"] == ["n", "eps"] and summary["points"] == 6 and not summary["errors"]
    # a point's draws do not depend on the rest of the sweep: n=6 alone gives the same records
    alone = tmp_path / "alone.jsonl"
    assert main(["sweep", "subset-sum-endpoints-mc", "n=6", "eps=0.1,0.2", "--quick", "--seed", "5",
                 "--out", str(alone)]) == 0
    drawn = lambda r: (r["point"], r["estimate"], r["stderr"], r["n"], r["theory"])  # noqa: E731 (z* depends on the sweep's size)
    assert [drawn(r) for r in _records(alone, "sweep-point")] == [drawn(r) for r in want[2:4]]
    pytest.importorskip("distributed")
    assert main([*args, "--workers", "2", "--out", str(dask)]) == 0
    assert sorted(map(json.dumps, _records(dask, "sweep-point"))) == sorted(map(json.dumps, want))
    assert "worker 0:" in capsys.readouterr().err


@pytest.mark.parametrize("params, fragment", [
    (["n=0"], "n=0: outside its domain"),
    (["n=a"], "n=a: not an integer"),
    (["width=8"], "width=8: unknown parameter"),
    (["n"], "expected PARAM=V1,V2"),
    (["n=4,,5"], "empty value"),
    (["n=4", "--x", "eps2"], "--x=eps2"),
])
def test_sweep_validates_its_grid_before_writing(params, fragment, tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    assert main(["sweep", "subset-sum-endpoints-mc", *params, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and fragment in err[0] and not out.exists()


def test_sigterm_stops_a_cluster_run_and_keeps_the_records_that_finished(tmp_path):
    import signal
    import time

    pytest.importorskip("distributed")
    out = tmp_path / "records.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "dltheory", "verify", "--all", "--quick", "--workers", "2",
                             "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or len(out.read_text().splitlines()) < 3):
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    records = [json.loads(line) for line in out.read_text().splitlines()]  # every kept line is a whole record
    assert len(records) >= 3 and all(r["kind"] in ("point", "summary") for r in records)


def test_a_point_that_fails_on_every_try_fails_its_check_with_the_error():
    """The workers look checks up by name: one they do not know raises there, is retried, then
    reported (the check fails, the run goes on)."""
    pytest.importorskip("distributed")
    from dltheory import distributed
    from dltheory.numerics import Check, Estimate

    ghost = Check("not-registered-anywhere", ("harness-quantity",), "harness", grid=lambda quick: [{"i": 0}],
                  measure=lambda point, seed, quick: Estimate(1.0, 0.1, 10), theory=lambda point: 1.0)
    seen = []
    with distributed.connect(workers=1) as backend:
        distributed.verify(backend, [ghost], seed=0, quick=True, on_record=lambda *a: seen.append(a),
                           on_check=lambda outcome, errors: seen.append((outcome, errors)))
    (outcome, errors), = seen
    assert not outcome.passed and not outcome.records
    assert len(errors) == 1 and "not-registered-anywhere" in errors[0] and "BadInput" in errors[0]


def _serial_estimates(name: str, seed: int) -> list:
    from dltheory.numerics import get_check
    from dltheory.numerics._check import measure_point

    check = get_check(name)
    return [measure_point(check, p, i, seed, True) for i, p in enumerate(check.grid(True))]


def test_a_large_point_spreads_its_chunks_as_tasks_and_a_lost_worker_loses_nothing():
    """subset-sum-endpoints-mc's quick points have 25 seeded chunks each: they run as chunk tasks
    on both workers. One worker process is killed after the first point finishes; its tasks are
    rescheduled and every estimate still equals the serial one, bit for bit."""
    import os
    import signal

    pytest.importorskip("distributed")
    from dltheory import distributed
    from dltheory.numerics import get_check

    name, seed = "subset-sum-endpoints-mc", 7
    check = get_check(name)
    tasks = [((name, i), name, p, i, seed, True) for i, p in enumerate(check.grid(True))]
    got, killed = {}, []
    with distributed.connect(workers=2) as backend:
        def on_result(tag, estimate, worker, seconds):
            got[tag[1]] = estimate
            if not killed:  # kill a worker while the other points (and their chunk tasks) are in flight
                victim = sorted(backend.client.scheduler_info()["workers"])[0]
                killed.append(victim)
                pid = backend.client.run(os.getpid, workers=[victim])[victim]
                os.kill(pid, signal.SIGKILL)

        backend.map_points(tasks, on_result, lambda tag, e: pytest.fail(f"{tag} failed: {e}"))
        prefixes = backend.client.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.task_prefixes))
    assert killed and "chunk_task" in prefixes  # the scheduler strips the leading underscore
    assert [got[i] for i in range(len(tasks))] == _serial_estimates(name, seed)


def test_an_interrupt_silences_the_event_loop_loggers_before_it_raises():
    """The signal handler quiets tornado/distributed/asyncio before raising KeyboardInterrupt: a loop
    callback that the interrupt leaves half set up logs its error after this, and must not print."""
    import logging
    import signal

    from dltheory import cli

    pytest.importorskip("distributed")
    names = ("tornado", "distributed", "asyncio")
    saved = {n: logging.getLogger(n).level for n in names}
    try:
        for n in names:
            logging.getLogger(n).setLevel(logging.WARNING)
        with pytest.raises(KeyboardInterrupt):
            cli._interrupt(signal.SIGTERM, None)
        assert all(logging.getLogger(n).level == logging.CRITICAL for n in names)
    finally:
        for n, level in saved.items():
            logging.getLogger(n).setLevel(level)
