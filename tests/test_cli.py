"""The CLI contract of DESIGN.md, end to end through subprocesses."""
import json
import sys
import time

import pytest

from dltheory import derivations, numerics, theory
from dltheory.cli import main


def test_list_json_links_quantities_derivations_checks(cli):
    out = cli("list", "--json")
    assert out.returncode == 0, out.stderr
    entries = json.loads(out.stdout)
    kinds = {e["kind"] for e in entries}
    assert kinds == {"quantity", "derivation", "check", "benchmark"}
    names = {e["name"]: e for e in entries if e["kind"] != "benchmark"}  # a benchmark may share a derivation's name
    for e in entries:
        assert {"name", "kind", "status", "citation"} <= set(e)
        if e["kind"] == "quantity":
            assert e["status"] in theory.STATUSES and e["citation"]
            assert e["derivation"] == (e["derivations"][0] if e["derivations"] else None)
            for d in e["derivations"]:
                assert e["name"] in names[d]["quantities"], f"{e['name']} -> {d} is not declared by {d}"
            for c in e["checks"]:
                assert e["name"] in names[c]["quantities"], f"{e['name']} -> {c} is not declared by {c}"
        elif e["kind"] == "benchmark":
            assert e["simulator"] and e["reference"]
        elif e["kind"] == "check":
            assert e["quantity"] == e["quantities"][0]
            for q in e["quantities"]:
                assert e["name"] in names[q]["checks"]
        else:
            for q in e["quantities"]:
                assert e["name"] in names[q]["derivations"]


def test_every_quantity_has_docstring_and_citation():
    for q in theory.all_quantities().values():
        assert q.summary and q.citation, q.name


def test_list_is_fast(tmp_path):
    from conftest import steady_state_output

    code = ("import contextlib, io, time; t = time.process_time(); from dltheory.cli import main; "
            "f = io.StringIO(); c = contextlib.redirect_stdout(f); c.__enter__(); main(['list', '--json']); "
            "c.__exit__(None, None, None); print(time.process_time() - t)")
    assert float(steady_state_output(code, tmp_path).split()[-1]) < 0.6  # about 0.2 s here


def test_eval_json_keeps_exact_values(cli):
    out = cli("eval", "gate-error-coefficient", "sigma=softplus", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["exact"] == "-1/12" and data["value"] == pytest.approx(-1 / 12)
    assert set(data) == {"name", "params", "value", "exact", "status", "citation"}
    big = json.loads(cli("eval", "product-neurons-shallow", "n=300", "--json").stdout)
    assert big["value"] == 2**300 and big["exact"] == str(2**300)


def test_eval_imports_neither_numba_nor_sympy_and_is_fast(tmp_path):
    from conftest import steady_state_output

    # CPU time of import + eval in steady state (as in test_capacity): wall time on the shared
    # test machine is its load's
    code = ("import sys, time; t = time.process_time(); from dltheory.cli import main; "
            "rc = main(['eval', 'product-neurons-depth-k', 'n=64', 'k=3']); "
            "print(time.process_time() - t, 'numba' in sys.modules, 'sympy' in sys.modules, "
            "'numpy' in sys.modules)")
    start = time.perf_counter()
    out = steady_state_output(code, tmp_path)
    wall = (time.perf_counter() - start) / 2
    seconds, numba, sympy, numpy = out.split()[-4:]
    assert (numba, sympy) == ("False", "False")
    assert numpy == "False"  # quantities load numpy only when they evaluate with it (theory/_quadrature.py)
    assert float(seconds) < 0.5 and wall < 2.0  # wall includes the interpreter's own start


def test_real_accepts_inf_only_where_allowed():
    import math

    from dltheory.theory import BadInput, Real

    radius = Real("radius", lo=0.0, hi=10.0, allow_inf=True)
    assert radius.domain == "real number >= 0.0 and <= 10.0, or inf"
    for text in ("inf", "Infinity", "+inf", " INF "):
        assert radius.parse(text) == math.inf
    assert radius.validate(float("inf")) == math.inf and radius.parse("2.5") == 2.5
    for bad, problem in (("nan", "not a number (NaN)"), ("-inf", "outside its domain"), ("12.5", "outside its domain")):
        with pytest.raises(BadInput) as raised:
            radius.parse(bad)
        assert str(raised.value) == f"parameter radius={bad}: {problem}; allowed: {radius.domain}"
    with pytest.raises(BadInput, match="not a number"):
        radius.validate(float("nan"))
    finite = Real("x", lo=0.0)
    assert finite.domain == "finite real number >= 0.0"
    with pytest.raises(BadInput, match="x=inf: not finite"):
        finite.parse("inf")


@pytest.mark.parametrize("args, fragment", [
    (["eval", "product-neuron-shallow", "n=3"], "did you mean product-neurons-shallow"),
    (["eval", "product-neurons-shallow"], "parameter n=(missing)"),
    (["eval", "product-neurons-shallow", "n=3", "m=2"], "parameter m=2: unknown parameter"),
    (["eval", "product-neurons-shallow", "n=0"], "parameter n=0"),
    (["eval", "product-neurons-shallow", "n=10000000"], "parameter n=10000000"),
    (["eval", "product-neurons-shallow", "n=three"], "not an integer"),
    (["eval", "product-neurons-shallow", "n=2.5"], "not an integer"),
    (["eval", "monomial-neurons-shallow", "exponents=2,-1"], "parameter exponents=2,-1"),
    (["eval", "gate-error-coefficient", "sigma=relu"], "one of softplus"),
    (["eval", "gate-error-coefficient", "sigma=tanh", "bias=0"], "sigma''(b) != 0"),
    (["eval", "gate-error-coefficient", "sigma=exp", "bias=inf"], "not finite"),
    (["eval", "gate-error-coefficient", "sigma=exp", "bias=nan"], "not a number (NaN)"),
    (["eval", "product-neurons-shallow", "n"], "expected key=value"),
    (["eval", "product-neurons-shallow", "n=3", "--dps", "0"], "--dps"),
    (["frobnicate"], "invalid choice"),
    (["derive", "no-such-derivation"], "unknown derivation"),
    (["verify", "no-such-check"], "unknown check"),
    (["bounds", "--input-dim", "0", "--widths", "4"], "input-dim=0"),
    (["bounds", "--input-dim", "2", "--widths", "4,0"], "widths=4,0"),
    (["verify", "--all", "sawtooth-exact-pieces"], "not both"),
    (["verify", "sawtooth-exact-pieces", "--seed", "-1"], "--seed=-1"),
    (["verify", "sawtooth-exact-pieces", "--out", "/proc/no/such/file"], "--out=/proc/no/such/file"),
    (["verify", "sawtooth-exact-pieces", "--plots", "/etc/passwd"], "--plots=/etc/passwd: not a folder"),
    (["derive", "sawtooth-pieces", "--out", "/etc/passwd"], "--out=/etc/passwd: not a folder"),
    (["derive", "--all", "yarotsky-square"], "not both"),
])
def test_bad_input_is_one_line_exit_2(cli, args, fragment):
    out = cli(*args)
    assert out.returncode == 2, (out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    assert fragment in lines[0]
    assert out.stdout == ""


def test_a_bad_environment_fails_before_anything_is_written(tmp_path):
    import os
    import subprocess

    out = tmp_path / "records.jsonl"
    for env in ({"DLTHEORY_THREADS": "abc"}, {"DLTHEORY_SCALE": "2"}):
        run = subprocess.run([sys.executable, "-m", "dltheory", "verify", "sawtooth-exact-pieces", "--quick",
                              "--out", str(out)], capture_output=True, text=True, env={**os.environ, **env})
        assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1, run.stderr
        assert list(env)[0] in run.stderr and not out.exists()


def test_a_quantity_name_selects_its_checks_and_derivations(cli, tmp_path):
    from dltheory import registry

    g = registry.graph()
    assert main(["derive", "sawtooth-pieces", "--no-pdf", "--out", str(tmp_path)]) == 0
    assert {p.stem for p in tmp_path.glob("*.tex")} == set(g.derivations_of("sawtooth-pieces"))
    unchecked = [q for q in g.quantities.values() if "check" in q.exempt]
    for q in unchecked[:1]:
        out = cli("verify", q.name)
        assert out.returncode == 2 and "quantity with no check" in out.stderr and q.exempt["check"] in out.stderr


def test_sigterm_stops_verify_like_ctrl_c_and_keeps_the_records(tmp_path):
    import signal
    import subprocess

    out = tmp_path / "records.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "dltheory", "verify", "--all", "--quick", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or out.stat().st_size == 0):
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert out.read_text().splitlines()  # what finished is kept


def test_derive_writes_tex_and_fails_loudly_on_a_wrong_step(tmp_path, capsys):
    from dltheory.derivations import _document

    @derivations.derivation("test-broken", title="A wrong identity",
                            results=(derivations.Result("never-reached", "sawtooth-pieces"),))
    def broken(doc):
        import sympy as sp
        x = sp.Symbol("x")
        doc.equal((x + 1) ** 2, x**2 + 1, "a classic slip")

    try:
        assert main(["derive", "test-broken", "--out", str(tmp_path), "--no-pdf"]) == 1
        assert "step 1 (a classic slip)" in capsys.readouterr().err
        assert not (tmp_path / "test-broken.tex").exists()  # nothing written half-way
        assert main(["derive", "yarotsky-square", "--out", str(tmp_path), "--no-pdf"]) == 0
        assert (tmp_path / "yarotsky-square.tex").read_text().startswith(r"\documentclass")
    finally:
        del _document._DERIVATIONS["test-broken"]


@pytest.mark.parametrize("declared, produced, fragment", [
    (("pieces", "sawtooth-pieces"), ("pieces", "2**k + 1"), "result pieces = sawtooth-pieces{'k': 3} fails"),
    (("pieces", "sawtooth-pieces"), ("other", "2**k"), "result other names no quantity"),
    (("pieces", "sawtooth-pieces"), ("pieces", "2**k * m"), "unmapped"),
])
def test_a_result_cut_loose_from_its_quantity_cannot_build(tmp_path, capsys, declared, produced, fragment):
    """The build proves each declared result equal to its quantity at the quantity's examples."""
    from dltheory.derivations import _document

    key, quantity = declared

    @derivations.derivation("test-loose", title="A result and its quantity",
                            results=(derivations.Result(key, quantity, symbols={"k": "k"}, points=({"k": 3},)),))
    def loose(doc):
        import sympy as sp
        doc.result(produced[0], sp.sympify(produced[1], locals={"k": sp.Symbol("k", integer=True, positive=True)}),
                   lhs="P(k)")

    try:
        assert main(["derive", "test-loose", "--out", str(tmp_path), "--no-pdf"]) == 1
        assert fragment in capsys.readouterr().err
        assert not (tmp_path / "test-loose.tex").exists()
    finally:
        del _document._DERIVATIONS["test-loose"]


def test_verify_streams_records_and_fails_a_wrong_theory(tmp_path, capsys):
    from dltheory.numerics import _check

    out = tmp_path / "records.jsonl"
    assert main(["verify", "sawtooth-exact-pieces", "--quick", "--out", str(out), "--plots", str(tmp_path)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[-1]["kind"] == "summary" and rows[-1]["pass"] and rows[-1]["power_rejected"]
    assert all({"theory", "estimate", "stderr", "pass"} <= set(r) for r in rows[:-1])
    assert (tmp_path / "sawtooth-exact-pieces.png").stat().st_size > 1000
    capsys.readouterr()

    original = _check._CHECKS["sawtooth-exact-pieces"]
    import dataclasses
    _check._CHECKS["sawtooth-exact-pieces"] = dataclasses.replace(
        original, theory=lambda p: 2 ** p["k"] + 1)  # an off-by-one theory must fail
    try:
        assert main(["verify", "sawtooth-exact-pieces", "--quick", "--json"]) == 1
        printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert printed[-1]["kind"] == "summary" and not printed[-1]["pass"]
    finally:
        _check._CHECKS["sawtooth-exact-pieces"] = original


def _png_width(path) -> int:
    import struct

    return struct.unpack(">I", path.read_bytes()[16:20])[0]


def test_extrapolated_check_records_and_plots_its_finite_size_data(tmp_path):
    import dataclasses

    import numpy as np

    from dltheory.numerics import _check, extrapolate, mean

    out = tmp_path / "records.jsonl"
    assert main(["verify", "meanfield-length-depth-scale", "--quick", "--out", str(out), "--plots", str(tmp_path)]) == 0
    points = [json.loads(line) for line in out.read_text().splitlines()][:-1]
    for r in points:
        fs = r["finite_size"]
        assert [p["N"] for p in fs["sizes"]] == [16, 32, 64] and fs["of"].startswith("slope s")
        assert r["estimate"] == pytest.approx(-1 / fs["fit"]["coefficients"][0], rel=1e-12)  # xi = -1/s
    assert _png_width(tmp_path / "meanfield-length-depth-scale.png") > 1000  # two panels (one is 660 px)

    def measure(point, seed, quick):  # a + b/N plus noise of known size, per size
        g = np.random.default_rng(seed)
        sizes = (10, 20, 40)
        return extrapolate(sizes, [mean(point["a"] + 1 / n + 0.05 * g.standard_normal(400)) for n in sizes])

    toy = _check.Check("toy-extrapolation", "gardner-capacity", "toy", measure,
                       lambda quick: [{"a": 1.0}, {"a": 2.0}], theory=lambda p: p["a"], x="a")
    outcome = numerics.run_check(toy, seed=3)
    for r in outcome.records:
        sizes = r["finite_size"]["sizes"]
        assert r["finite_size"]["of"] is None and [p["n"] for p in sizes] == [400] * 3
        assert all(abs(p["value"] - r["point"]["a"] - 1 / p["N"]) < 5 * p["stderr"] for p in sizes)
    numerics.plot(outcome, tmp_path / "toy.png")
    numerics.plot(dataclasses.replace(outcome, records=[{k: v for k, v in r.items() if k != "finite_size"}
                                                        for r in outcome.records]), tmp_path / "plain.png")
    assert _png_width(tmp_path / "toy.png") > 1000 and _png_width(tmp_path / "plain.png") < 700


def test_bench_reports_ratio_against_reference():
    for name in ("product-tree", "sawtooth-trace"):
        t = numerics.all_benchmarks()[name].run(True)
        assert t.agree and t.simulator_seconds > 0 and t.reference_seconds > 0


def test_bounds_frame_runs(cli):
    out = cli("bounds", "--input-dim", "3", "--widths", "8,8", "--activation", "tanh", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["widths"] == [8, 8] and isinstance(data["rows"], list)


def test_eval_prints_huge_exact_integers_whole(cli):
    out = cli("eval", "product-neurons-shallow", "n=100000", "--json")
    assert out.returncode == 0, out.stderr
    sys.set_int_max_str_digits(0)
    assert json.loads(out.stdout)["exact"] == str(2**100000)


def test_names_are_unique_across_kinds():
    from collections import Counter

    names = Counter(list(theory.all_quantities()) + list(derivations.all_derivations()) + list(numerics.all_checks()))
    assert [n for n, k in names.items() if k > 1] == []


def test_form_specific_parameters_are_required_and_exclusive():
    from dltheory.theory import BadInput, Choice, Real, quantity

    @quantity("test-forms", Choice("form", choices=("a", "b")),
              Real("x", default=None, forms=("a",)), Real("y", default=None, forms=("b",), form_optional=True),
              status="exact", citation="test", verified="recomputed")
    def forms_quantity(form, x=None, y=None):
        """A quantity whose forms take different parameters (test only)."""
        return x if form == "a" else (y or 0.0)

    try:
        assert forms_quantity(form="a", x=2.0) == 2.0
        assert forms_quantity(form="b") == 0.0 and forms_quantity(form="b", y="3") == 3.0
        for values, expected in (({"form": "a"}, "parameter x=(missing): required; allowed: required by form=a"),
                                 ({"form": "a", "x": 1.0, "y": 1.0},
                                  "parameter y=1.0: not used by this form; allowed: parameters of form=a: x"),
                                 ({"form": "b", "x": 1.0}, "parameters of form=b: y")):
            with pytest.raises(BadInput) as e:
                forms_quantity(**values)
            assert expected in str(e.value)
    finally:
        from dltheory.theory import registered

        del registered()["test-forms"]


def test_list_name_shows_parameters_and_links(cli):
    out = cli("list", "rademacher-bound")
    assert out.returncode == 0, out.stderr
    assert "path_norm          required with form=neyshabur-tomioka-srebro; finite real number >= 0" in out.stdout
    assert "p                  optional with form=neyshabur-tomioka-srebro" in out.stdout
    assert "n                  required; integer >= 1" in out.stdout
    assert "derivations: generalization-rademacher-networks" in out.stdout
    assert "example: dltheory eval rademacher-bound " in out.stdout
    data = json.loads(cli("list", "rademacher-bound", "cover-count", "--json").stdout)
    assert [e["name"] for e in data] == ["rademacher-bound", "cover-count"]
    assert {p["name"]: p["forms"] for p in data[0]["params"]}["max_dim"] == ["bartlett-foster-telgarsky"]
    bad = cli("list", "radmacher-bound")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert "did you mean rademacher-bound" in bad.stderr


def test_an_asymptotic_formula_outside_its_regime_answers_with_a_warning(capsys):
    from dltheory.theory import Int, quantity, registered

    @quantity("test-regime", Int("n", lo=1), status="asymptotic", citation="test", verified="recomputed",
              examples=({"n": 100},),
              regime=lambda n: [f"n={n} < 10: the large-n expansion is not meant for it"] if n < 10 else [])
    def regime(n):
        """1/n: a large-n expansion (test)."""
        return 1 / n

    try:
        assert main(["eval", "test-regime", "n=100"]) == 0
        assert "warning" not in capsys.readouterr().out
        assert main(["eval", "test-regime", "n=2"]) == 0
        assert "  warning: n=2 < 10: the large-n expansion is not meant for it" in capsys.readouterr().out
        assert main(["eval", "test-regime", "n=2", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["warnings"] == ["n=2 < 10: the large-n expansion is not meant for it"]
        assert main(["eval", "test-regime", "n=100", "--json"]) == 0
        assert "warnings" not in json.loads(capsys.readouterr().out)
    finally:
        del registered()["test-regime"]


def test_pyproject_lists_every_package():
    """Setuptools maps theory/, derivations/, numerics/ onto dltheory.*: each subpackage must be listed."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    config = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    dirs = {"dltheory": "dltheory", "theory": "dltheory.theory", "derivations": "dltheory.derivations",
            "numerics": "dltheory.numerics"}
    found = set()
    for top, package in dirs.items():
        for init in (root / top).rglob("__init__.py"):
            parts = init.parent.relative_to(root / top).parts
            found.add(".".join((package, *parts)))
    assert found == listed


@pytest.mark.parametrize("args, status, warned", [
    (["gardner-capacity", "kappa=0.5"], "exact", False),
    (["gardner-capacity", "kappa=-0.5", "negative=rs-upper-bound"], "rigorous-upper-bound", True),
    (["trajectory-growth", "width=5", "sigma_w=0.7", "form=paper"], "published-and-refuted", False),
    (["teacher-student-error", "rule=hebb", "alpha=2"], "exact", False),
    (["teacher-student-error", "rule=gibbs", "alpha=0.3", "regime=large-alpha"], "asymptotic", True),
    (["teacher-student-error", "rule=gibbs", "alpha=3"], "replica-symmetric", False),
    (["ntk-kernel", "activation=relu", "depth=3", "weight_variance=2", "c=0.5", "parameterization=standard",
      "width=256", "input_dim=16"], "asymptotic", False),
    (["finite-width-kurtosis", "activation=linear", "depth=4", "width=1", "weight_variance=1"], "asymptotic", True),
    (["expected-regions-density", "input_dim=2", "widths=2,2,2"], "asymptotic", True),
])
def test_status_follows_the_evaluated_form(capsys, args, status, warned):
    assert main(["eval", *args, "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["status"] == status and bool(record.get("warnings")) == warned


def test_max_stability_below_its_resolved_range_is_bad_input(cli):
    out = cli("eval", "teacher-student-error", "rule=max-stability", "alpha=0.0001")
    assert out.returncode == 2 and "alpha >= 5e-4" in out.stderr and "Traceback" not in out.stderr


# ---------------------------------------------------------------- the predictive --dps guard
def _dps_probe(cost):
    """A quantity taking dps whose evaluation burns cost(dps) CPU seconds (calls recorded)."""
    from dltheory.theory import Quantity, Real

    calls = []

    def probe(x, dps: int = 15):
        """probe: x, at a CPU cost that grows with dps (a test of the cost guard)."""
        calls.append(dps)
        end = time.process_time() + cost(dps)
        while time.process_time() < end:
            pass
        return float(x)

    return Quantity("dps-cost-probe", (Real("x"),), probe, "exact", "a test"), calls


def _eval_probe(monkeypatch, capsys, q, dps, budget):
    from dltheory import cli
    from dltheory.theory import _quantity

    monkeypatch.setitem(_quantity.registered(), q.name, q)
    monkeypatch.setattr(cli, "EVAL_SECONDS", budget)
    start = time.process_time()
    rc = main(["eval", q.name, "x=1", "--dps", str(dps)])
    return rc, capsys.readouterr(), time.process_time() - start


def test_dps_guard_refuses_at_once_naming_the_estimate_and_the_largest_dps(monkeypatch, capsys):
    """Was: --dps 10000 ran until the generic CPU guard (20 s) fired. The ladder (16, 32, ..., 512
    digits) measures the power law and refuses before the expensive evaluation."""
    q, calls = _dps_probe(lambda d: 30.0 * (d / 10_000) ** 2)  # 30 s at 10000 digits, 79 ms at 512
    rc, io, spent = _eval_probe(monkeypatch, capsys, q, 10_000, 2)
    assert rc == 2 and io.out == ""
    line, = io.err.strip().splitlines()
    assert "--dps=10000" in line and "cost guard: estimated" in line, line
    exponent = float(line.split("dps^")[1].split(",")[0])
    fits = int(line.split("dps up to about ")[1].split()[0])
    assert 1.4 <= exponent <= 2.6 and 1000 <= fits <= 6000, line  # 2 and sqrt(2/30) 10000 = 2582 (timer noise)
    assert max(calls) <= 512 and spent < 1.0, (calls, spent)


def test_dps_guard_lets_an_affordable_precision_run_and_pilots_nothing_at_low_dps(monkeypatch, capsys):
    q, calls = _dps_probe(lambda d: 0.0)
    rc, io, _ = _eval_probe(monkeypatch, capsys, q, 2000, 2)
    assert rc == 0 and calls == [16, 32, 64, 128, 256, 2000], (calls, io.err)
    calls.clear()
    rc, io, _ = _eval_probe(monkeypatch, capsys, q, 50, 2)
    assert rc == 0 and calls == [50]


def test_dps_guard_does_not_refuse_a_cost_that_does_not_grow_with_dps(monkeypatch, capsys):
    """An exponent is fitted, never assumed: a cost flat in dps extrapolates flat."""
    q, calls = _dps_probe(lambda d: 0.01)
    rc, io, _ = _eval_probe(monkeypatch, capsys, q, 10_000, 1)
    assert rc == 0, io.err


def test_the_cost_guard_survives_a_timer_that_fires_inside_a_finalizer(monkeypatch, capsys):
    """Campaign of issue 11: the CPU timer's TimeoutError raised inside a finalizer is 'ignored' by
    Python (a traceback on stderr) and the evaluation ran on; the timer now re-fires until disarmed
    and such an ignored TimeoutError is not printed."""
    def burn(seconds):
        end = time.process_time() + seconds
        while time.process_time() < end:
            pass

    class SlowToDelete:
        def __del__(self):
            burn(0.3)

    def slow(x):
        """probe: a finalizer that outlasts the budget, then a long evaluation."""
        SlowToDelete()
        burn(10)
        return x

    from dltheory import cli
    from dltheory.theory import Quantity, Real, _quantity

    q = Quantity("finalizer-probe", (Real("x"),), slow, "exact", "a test")
    monkeypatch.setitem(_quantity.registered(), q.name, q)
    monkeypatch.setattr(cli, "EVAL_SECONDS", 0.1)
    start = time.process_time()
    assert main(["eval", q.name, "x=1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cost guard: refused after 0.1 s" in err, err
    assert time.process_time() - start < 1.5


@pytest.mark.skipif(not __import__("os").path.isdir("/proc"), reason="needs /proc (a folder where no file can be made)")
@pytest.mark.parametrize("args", [["--out", "/proc/x.png"], ["--csv", "/proc/x.csv", "--out", "g.png"]])
def test_plot_refuses_an_unwritable_target_before_writing_anything(tmp_path, monkeypatch, capsys, args):
    """Campaign of issue 11: plot --out /proc/x.png was a FileNotFoundError traceback; with --csv
    /proc/x.csv the figure was written first."""
    monkeypatch.chdir(tmp_path)
    assert main(["plot", "gardner-capacity", "kappa=0:3", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "/proc" in err and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("rows, variance", [("1e308,1e308\n-1e308,1e308\n", "2"), ("1,0\n0,1\n", "5e-324")])
def test_kernel_never_writes_a_non_finite_matrix(tmp_path, monkeypatch, capsys, rows, variance):
    """Campaign of issue 11: inputs near 1e308 or a subnormal weight variance wrote a NaN/inf matrix, exit 0."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.csv").write_text(rows)
    rc = main(["kernel", "--activation", "relu", "--depth", "2", "--weight-variance", variance, "--x", "x.csv",
               "--out", "K.npy"])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "--x" in err, err
    assert not (tmp_path / "K.npy").exists()


def test_kernel_refuses_an_empty_file_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.csv").write_text("")
    assert main(["kernel", "--activation", "relu", "--depth", "2", "--weight-variance", "2", "--x", "x.csv",
                 "--out", "K.npy"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_integer_options_are_ascii_and_long_values_are_shortened_in_the_one_line_error(capsys):
    """Every integer option reads ASCII digits only (int() also reads other scripts' digits), and a
    5000-digit --dps or a long parameter value is shortened in the one-line refusal."""
    from dltheory.cli import main

    assert main(["verify", "--seed", "\u0661", "x"]) == 2
    assert "--seed" in capsys.readouterr().err
    assert main(["eval", "vc-dimension-lower", "--dps", "9" * 5000]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "(5000 characters)" in err and len(err) < 200
    assert main(["eval", "gardner-capacity", "kappa=" + "x" * 500]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "(500 characters)" in err and len(err) < 250
