"""Issue 12, the command line and the figures: bounds as a table a person reads, help on every
option, benchmarks in list, the records of a run, the plot command and its Python twins
(evaluate_grid, show), and check figures that rerun byte-identically."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from dltheory import theory
from dltheory.cli import main, parser


def _run(capsys, *args):
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


# ---------------------------------------------------------------- bounds
@pytest.mark.parametrize("args, fragment", [
    (["--activation", "foo"], "parameter activation=foo: unknown choice"),
    (["--samples", "100"], "--samples and --delta go together"),
    (["--delta", "0.05"], "--samples and --delta go together"),
    (["--weight-variance", "-1"], "weight-variance=-1"),
])
def test_bounds_bad_input_is_one_line_exit_2(capsys, args, fragment):
    rc, out, err = _run(capsys, "bounds", "--input-dim", "2", "--widths", "8,8", *args)
    assert rc == 2 and out == "" and len(err.strip().splitlines()) == 1 and fragment in err


def test_bounds_table_is_aligned_with_one_notation_and_flags(capsys):
    rc, out, _ = _run(capsys, "bounds", "--input-dim", "10", "--widths", "64,64", "--samples", "50000",
                      "--delta", "0.05")
    assert rc == 0
    lines = out.splitlines()
    table = [line for line in lines[1:] if line.startswith("  ") and not line.startswith("  (!)")
             and not line.startswith("  VACUOUS")]
    header = table[0]
    for column in ("value", "status", "meaning"):  # every row's cells start where the header's do
        at = header.index(column)
        assert all(row[at - 1] == " " and row[at] != " " for row in table), column
    rows = {line.split()[0]: line for line in table}
    assert " 5.202e+19 " in rows["linear-regions-lower"] and "52016251876640538361" not in out
    assert " 162874 " in rows["vc-dimension-upper"]  # an integer-valued quantity: its bound floored
    assert "VACUOUS (> 1)" in rows["vc-generalization-bound"] and "VACUOUS" not in rows["pac-bayes-bound"]
    assert "0-1 risk" in rows["pac-bayes-bound"] and "linear regions" in rows["linear-regions-upper"]
    rc, exact, _ = _run(capsys, "bounds", "--input-dim", "10", "--widths", "64,64", "--exact")
    assert "52016251876640538361" in exact and "162874.48" in exact and "1995/4096" in exact


def test_bounds_json_keeps_its_shape(capsys):
    rc, out, _ = _run(capsys, "bounds", "--input-dim", "2", "--widths", "8,8,8", "--json")
    data = json.loads(out)
    assert set(data) == {"input_dim", "widths", "activation", "samples", "delta", "parameters", "neurons", "rows"}
    assert all(set(r) == {"name", "params", "value", "exact", "display", "status", "citation", "log10", "warnings"}
               for r in data["rows"])


def test_bounds_shows_the_activations_own_mean_field_rows(capsys):
    rc, out, _ = _run(capsys, "bounds", "--input-dim", "3", "--widths", "16,16", "--activation", "tanh")
    names = [line.split()[0] for line in out.splitlines()[2:] if line.startswith("  ")]
    assert {"critical-weight-variance", "chi1", "fixed-point-length", "finite-width-kurtosis"} <= set(names)
    chi1 = next(line for line in out.splitlines() if line.startswith("  chi1 "))
    assert chi1.split()[1] == "1"  # the default is the critical line
    rc, out, _ = _run(capsys, "bounds", "--input-dim", "3", "--widths", "16,16", "--activation", "tanh",
                      "--weight-variance", "1.5", "--bias-variance", "0.05", "--json")
    rows = {r["name"]: r for r in json.loads(out)["rows"]}
    assert rows["chi1"]["value"] == pytest.approx(float(theory.evaluate("chi1", activation="tanh",
                                                                        weight_variance=1.5, bias_variance=0.05)))
    assert rows["finite-width-kurtosis"]["params"]["width"] == 16 and rows["finite-width-kurtosis"]["params"]["depth"] == 3


# ---------------------------------------------------------------- options, list
def test_version_and_help_on_every_option(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out.startswith("dltheory ")
    p = parser()
    sub = next(a for a in p._actions if a.__class__.__name__ == "_SubParsersAction")
    missing = [f"{name} {a.option_strings or a.dest}" for name, s in sub.choices.items() for a in s._actions
               if a.help is None and a.dest != "help"]
    assert not missing, missing
    assert {a.dest for a in sub._choices_actions} == set(sub.choices)  # every command has a one-line help


def test_list_shows_benchmarks_and_how_citations_were_verified(capsys):
    rc, out, _ = _run(capsys, "list", "sawtooth-trace")
    assert rc == 0 and "(benchmark)" in out and "reference: numpy" in out
    rc, out, _ = _run(capsys, "list", "--json")
    entries = json.loads(out)
    assert any(e["kind"] == "benchmark" for e in entries)
    quantities = [e for e in entries if e["kind"] == "quantity"]
    assert all(e["verified"] in (None, "paper", "secondary", "recomputed") for e in quantities)
    rc, text, _ = _run(capsys, "list")
    q = quantities[0]
    line = next(line for line in text.splitlines() if line.startswith(f"  {q['name']} "))
    assert f"verified: {q['verified'] or '-'}]" in line


# ---------------------------------------------------------------- verify records, derive folder
def test_verify_records_say_which_run_wrote_them_and_are_replaced(capsys, tmp_path):
    out = tmp_path / "records.jsonl"
    out.write_text('{"stale": true}\n')
    assert main(["verify", "kl-inverse-root", "--quick", "--seed", "2", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "s.e.: standard error" in err and "within tolerance" in err and "power-test deviation" in err
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert "stale" not in rows[0] and rows[-1]["kind"] == "summary"
    for r in rows:
        run = r["run"]
        assert run["seed"] == 2 and run["quick"] is True and run["version"] and run["time"].endswith("Z")
        assert run["commit"] is None or len(run["commit"].split("+")[0]) == 40


def test_derive_without_out_writes_a_named_folder_and_says_so(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["derive", "gate-error-coefficient", "--no-pdf"]) == 0  # a quantity name: its derivations
    out, err = capsys.readouterr()
    assert "writing to ./dltheory-derivations/" in err and (tmp_path / "dltheory-derivations").is_dir()
    assert not (tmp_path / "docs").exists()


# ---------------------------------------------------------------- plot, evaluate_grid, show
def test_plot_writes_a_figure_and_a_table(capsys, tmp_path):
    fig, table = tmp_path / "k.svg", tmp_path / "k.csv"
    rc, out, _ = _run(capsys, "plot", "finite-width-kurtosis", "activation=tanh", "depth=2:10:5", "width=16,64",
                      "weight_variance=1.5", "--out", str(fig), "--csv", str(table))
    assert rc == 0 and "2 curves of 5 points over depth" in out and "outside the formula's regime" in out
    rows = table.read_text().splitlines()
    assert rows[0] == "depth,width,finite-width-kurtosis,regime_warning" and len(rows) == 11
    assert "Roberts, Yaida" in fig.read_text()  # the citation is in the caption
    rc, out, _ = _run(capsys, "plot", "gardner-capacity", "kappa=0.1:3:8", "--log", "--out", str(tmp_path / "g.png"))
    assert rc == 0 and (tmp_path / "g.png").stat().st_size > 10_000


@pytest.mark.parametrize("args, fragment", [
    (["gardner-capacity", "kappa=0,1"], "exactly one range"),
    (["gardner-capacity", "kappa=3:0"], "empty range"),
    (["gardner-capacity", "kappa=0:3:1"], "N out of range"),
    (["gardner-capacity", "kappa=-1:3", "--log"], "not positive"),
    (["gardner-capacity", "kappa=0:3", "--out", "g.txt"], "--out=g.txt"),
    (["gardner-capacity", "kappa=0:3", "lam=2"], "unknown parameter"),
    (["cover-count", "P=1:10", "N=1,2", "Q=3"], "unknown parameter"),
    (["chi1", "activation=relu:tanh", "weight_variance=1"], "not a numeric parameter"),
    (["nngp-kernel", "activation=relu", "depth=1:3", "weight_variance=1,2", "c=0.1,0.5"], "at most one"),
    (["gardner-capacitty", "kappa=0:1"], "did you mean gardner-capacity"),
])
def test_plot_bad_input_is_one_line_exit_2_and_writes_nothing(capsys, tmp_path, monkeypatch, args, fragment):
    monkeypatch.chdir(tmp_path)
    rc, out, err = _run(capsys, "plot", *args)
    assert rc == 2 and out == "" and len(err.strip().splitlines()) == 1 and fragment in err, err
    assert not list(tmp_path.iterdir())


def test_evaluate_grid_broadcasts_and_show_displays():
    kappa = np.linspace(0, 2, 5)
    values = theory.evaluate_grid("gardner-capacity", kappa=kappa)
    assert values.shape == (5,) and values[0] == 2.0
    assert values[3] == float(theory.evaluate("gardner-capacity", kappa=1.5))
    table = theory.evaluate_grid("cover-count", P=np.array([10, 20])[:, None], N=[2, 5])
    assert table.shape == (2, 2) and table[1, 1] == float(theory.evaluate("cover-count", P=20, N=5))
    with pytest.raises(theory.BadInput):
        theory.evaluate_grid("gardner-capacity", kappa=[0.5, -1.0])
    assert math.isnan(theory.evaluate_grid("gardner-capacity", kappa=[0.5, -1.0], errors="nan")[1])
    shown = theory.show("gate-error-coefficient", sigma="softplus")
    assert shown.value == theory.evaluate("gate-error-coefficient", sigma="softplus")  # evaluate is unchanged
    html, latex = shown._repr_html_(), shown._repr_latex_()
    assert "-1/12" in html and "asymptotic" in html and "Lin, Tegmark" in html
    assert latex.startswith("$") and "-1/12" in latex and r"\_" not in shown.name


# ---------------------------------------------------------------- figures
def test_check_figures_rerun_byte_identically_and_draw_bounds(tmp_path):
    from dltheory.numerics import _check
    from dltheory.numerics._stats import Estimate

    def outcome(rule, grid, x):
        c = _check.Check("demo-" + rule, ("cover-count",), "a demo check whose title is long enough that it has to "
                         "wrap onto a second line in the figure", lambda p, s, q: Estimate(1.0, 0.1, 10),
                         lambda quick: grid, rule=rule, x=x)
        return _check.run_check(c, quick=True)

    categorical = outcome("upper-bound", [{"P": 4, "N": 2}, {"P": 6, "N": 3}], None)
    numeric = outcome("z", [{"P": p, "N": 2} for p in (2, 3, 4)], "P")
    for o in (categorical, numeric):
        a, b = tmp_path / "a.png", tmp_path / "b.png"
        _check.plot(o, a)
        _check.plot(o, b)
        assert a.read_bytes() == b.read_bytes() and b"Matplotlib version" not in a.read_bytes()


def test_half_erfc_displays_as_the_gaussian_tail_and_the_rewriting_is_exact():
    import sympy as sp

    from dltheory.derivations._layout import GaussTail, _gauss_tails, latex

    k = sp.Symbol("kappa")
    tail = lambda u: sp.erfc(u / sp.sqrt(2)) / 2  # noqa: E731
    cases = {(1 + k**2) * tail(-k) + k: r"k", tail(k - 3) ** 2: r"H\left(\kappa - 3\right)^{2}",
             2 * k * tail(-k): r"2 \kappa H\left(- \kappa\right)", sp.erfc(k) + 1: r"\operatorname{erfc}"}
    for expr, shown in cases.items():
        assert shown in latex(expr)
        back = _gauss_tails(expr).replace(lambda e: isinstance(e, GaussTail), lambda e: tail(e.args[0]))
        assert sp.simplify(back - expr) == 0
    assert r"H\left(- \kappa\right)" in latex((1 + k**2) * tail(-k) + k) and "erfc" not in latex(tail(-k))
