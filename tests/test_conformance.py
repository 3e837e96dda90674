"""The conformance suite, generated from the registry: every registered quantity, derivation and
check is tested the moment it is registered, with no list kept by hand.

- each quantity evaluates, to a finite number, at every example point it declares;
- each derivation builds (every displayed equality verified) and each of its results equals
  (or bounds) its quantity at the result's points: ``Derivation.document`` proves it;
- each check passes quick, and rejects its wrong theory (the power test); at full size (times
  $DLTHEORY_SCALE) under the ``slow`` marker;
- links resolve both ways, every quantity has a check and a derivation or declares why not, and
  the graph ``dltheory list`` reads from the source equals the one the modules register.
"""
from __future__ import annotations

import json
import math
import re

from pathlib import Path
import pytest

from dltheory import derivations, numerics, registry, theory

QUANTITIES = theory.all_quantities()
DERIVATIONS = derivations.all_derivations()
CHECKS = numerics.all_checks()


@pytest.mark.parametrize("name", QUANTITIES)
def test_quantity_evaluates_at_its_examples(name):
    q = QUANTITIES[name]
    assert q.examples, f"{name} declares no example point"
    for example in q.examples:
        shown, exact, text = theory.present(q(**example))
        assert shown is not None and text
        if isinstance(shown, float):
            assert math.isfinite(shown), f"{name}{example} = {shown}"
        json.dumps(shown)


@pytest.mark.parametrize("name", DERIVATIONS)
def test_derivation_builds_and_equals_its_quantities(name):
    d = DERIVATIONS[name]
    doc = d.document()  # raises StepFailed on a failed step or a result unequal to its quantity
    assert doc.compared.keys() == {(r.key, r.quantity, r.relation) for r in d.results}
    assert all(n >= 1 for n in doc.compared.values())
    import re

    for text in (*doc.references, *doc.assumptions, doc.title):  # prose: an & there breaks `make run`'s LaTeX
        assert not re.search(r"(?<!\\)&", text), f"{name}: unescaped & in {text!r}"
    missing = _uncited(d, doc)
    assert not missing, f"{name}: cited but not in its References: {missing}"
    committed = DOCS / f"{name}.tex"  # byte-identical for any PYTHONHASHSEED (pytest runs under a random one)
    assert derivations.render(doc) == committed.read_text(), (
        f"{name}: docs/derivations/{name}.tex differs from a fresh build; run `make run`")


DOCS = Path(__file__).resolve().parents[1] / "docs" / "derivations"


def _surnames(citation: str) -> set[str]:
    """Authors' surnames in a citation string ("Roberts, Yaida & Hanin (2022), Ch. 4; Cho & Saul (2009)")."""
    names = set()
    for part in citation.split(";"):
        head = re.split(r"\(?\d{4}", part)[0].replace(" et al.", "").replace("&", ",").replace(" and ", ",")
        for name in head.split(","):
            words = name.split()
            last = words[-1].removesuffix("'s") if words else ""
            if re.fullmatch(r"[A-Z][A-Za-z'\-]+", last) and last not in ("Thm", "Eq"):
                names.add(last)
    return names


def _uncited(d, doc) -> list[str]:
    """Surnames in the derivation's or its quantities' citations that its References do not name."""
    plain = lambda t: re.sub(r"\\[`'\"^~]\{?([A-Za-z])\}?", r"\1", t)  # noqa: E731  M\'ezard -> Mezard
    refs = plain(" ".join(doc.references)).lower()
    cited = {n for c in (d.citation, *(theory.get(q).citation for q in d.quantities)) for n in _surnames(plain(c))}
    return sorted(n for n in cited if n.lower() not in refs)


def _run(name: str, quick: bool):
    outcome = numerics.run_check(CHECKS[name], seed=0, quick=quick)
    failed = [r for r in outcome.records if not r["pass"]]
    assert not failed, f"{name}: {len(failed)} points fail, first {failed[0]}"
    assert outcome.power_rejected, f"{name}: the power test's {CHECKS[name].wrong_label} is not rejected"


@pytest.mark.parametrize("name", CHECKS)
def test_check_passes_quick_and_rejects_its_wrong_theory(name):
    _run(name, quick=True)


@pytest.mark.slow
@pytest.mark.parametrize("name", CHECKS)
def test_check_passes_at_full_size(name):
    _run(name, quick=False)


@pytest.mark.parametrize("name", CHECKS)
def test_a_checks_own_theory_is_a_documented_variant(name):
    """A check tests its quantities; its own theory= is only a documented finite-size variant."""
    c = CHECKS[name]
    assert c.theory is None or c.theory_note, f"{name} brings its own theory= without a theory_note="


def test_links_resolve_and_every_quantity_is_derived_and_checked():
    assert registry.graph().problems() == []


def test_the_static_graph_equals_the_registered_one():
    static, imported = registry.graph(), registry.imported_graph()
    assert static.derivations == imported.derivations
    assert static.checks == imported.checks


def test_list_imports_neither_numba_nor_sympy(cli):
    code = ("import sys; from dltheory.cli import main; main(['list', '--json']); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'numba', 'sympy', 'scipy', 'matplotlib'}), "
            "file=sys.stderr)")
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr.strip() == "[]"
    entries = json.loads(out.stdout)
    assert {e["kind"] for e in entries} == {"quantity", "derivation", "check", "benchmark"}



def test_eval_imports_neither_numba_nor_sympy_nor_the_progress_display():
    """`dltheory eval` of every quantity's first example, in one process, not on a terminal: no numba,
    sympy, scipy, matplotlib, or tqdm (the progress bar starts only where stderr is a terminal)."""
    import subprocess
    import sys

    code = ("import sys, contextlib, io; from dltheory.cli import main; from dltheory import theory\n"
            "for q in theory.all_quantities().values():\n"
            "    argv = ['eval', q.name] + [f'{k}=' + (','.join(map(str, v)) if isinstance(v, (list, tuple)) else str(v))"
            " for k, v in q.examples[0].items() if v is not None]\n"
            "    with contextlib.redirect_stdout(io.StringIO()): main(argv)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'numba', 'sympy', 'scipy', 'matplotlib', 'tqdm'}), "
            "file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                         env={**__import__("os").environ, "DLTHEORY_PROGRESS": ""})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stderr.strip().splitlines()[-1] == "[]", out.stderr[-2000:]

WORKING_NOTES = ("recalled", "not re-read", "not re-checked", "from memory", "not verified against",
                 "search tools of this session", "this session", "as we read", "as we recall")


@pytest.mark.parametrize("name", QUANTITIES)
def test_quantity_states_how_its_citation_was_verified(name):
    """verified= is required (paper, secondary or recomputed), and neither the citation nor the
    docstring carries working notes about how it was looked up."""
    q = QUANTITIES[name]
    assert q.verified in ("paper", "secondary", "recomputed")
    text = (q.citation + " " + (q.function.__doc__ or "")).lower()
    assert not [w for w in WORKING_NOTES if w in text], f"{name}: working notes in its citation or docstring"


def test_a_quantity_without_verified_is_refused():
    from dltheory.theory import Int, quantity

    with pytest.raises(ValueError, match="verified"):
        quantity("test-unverified", Int("n"), status="exact", citation="test")
    with pytest.raises(ValueError, match="verified"):
        quantity("test-unverified", Int("n"), status="exact", citation="test", verified="believed")
