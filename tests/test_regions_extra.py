"""Tests of the checks for Montufar's upper bound and the best lower bound."""
from __future__ import annotations

import math

import pytest

from dltheory import numerics
from dltheory.numerics import regions as R
from dltheory.theory import evaluate


@pytest.mark.parametrize("name", ["regions-upper-montufar-random", "regions-lower-best-construction"])
def test_new_checks_quick_pass_and_power_rejects(name):
    outcome = numerics.run_check(numerics.get_check(name), quick=True)
    assert outcome.passed, outcome.records
    assert outcome.power_rejected


def test_montufar_check_power_comes_from_deep_constructions():
    """The wrong theory (shallow count, same neurons) is rejected exactly where a deep construction is counted."""
    outcome = numerics.run_check(numerics.get_check("regions-upper-montufar-random"), quick=True)
    for r in outcome.records:
        d, widths = r["point"]["input_dim"], r["point"]["widths"]
        constructed = all(n >= 3 * d for n in widths[:-1])
        assert r["wrong_rejected"] == constructed
        if constructed:  # the Serra construction's count (independent of the check's sampling) is included
            assert r["estimate"] >= evaluate("linear-regions-lower-serra", input_dim=d, widths=widths)


def test_montufar_bound_attained_in_1d_and_above_serra_when_capped():
    # n0 = 1: both upper bounds are prod (n_l + 1) and the construction attains them
    widths = (3, 4, 3)
    count, certified = R.count_unit_cube(R.construction(1, widths, "serra"))
    assert certified and count == evaluate("linear-regions-upper-montufar", input_dim=1, widths=widths) == 4 * 5 * 4
    # a narrow first layer caps the dimension: Montufar's 4 * 16 = 64 against Serra's 29
    assert evaluate("linear-regions-upper-montufar", input_dim=2, widths=(2, 5)) == 4 * (1 + 5 + 10)


@pytest.mark.parametrize("d,widths,kind", [(1, (3, 3, 3), "serra"), (1, (2, 3, 2), "montufar"),
                                           (2, (6, 6, 3), "serra"), (2, (4, 4, 3), "montufar")])
def test_best_lower_construction_picks_the_larger_bound(d, widths, kind):
    layers, chosen = R.best_lower_construction(d, widths)
    assert chosen == kind
    count, certified = R.count_unit_cube(layers)
    assert certified
    # independent of linear-regions-lower's max(): the chosen construction's own closed form, by hand
    folds = [(n // d + (1 if kind == "serra" else 0)) ** d for n in widths[:-1]]
    last = sum(math.comb(widths[-1], j) for j in range(d + 1))
    assert count == math.prod(folds) * last == evaluate("linear-regions-lower", input_dim=d, widths=widths)
