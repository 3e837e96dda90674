"""Random subset sum: kernels against brute force, the endpoint probability against closed forms
and Monte Carlo, the counting bound, bad input."""
import itertools
import math

import numpy as np
import pytest

from dltheory import theory
from dltheory.numerics.lottery import benchmarks, kernels

ev = theory.evaluate


def test_sorted_subset_sums_against_itertools():
    gen = np.random.default_rng(0)
    for n in range(0, 10):
        for _ in range(10):
            x = gen.uniform(-1, 1, n)
            want = np.sort([sum(c) for r in range(n + 1) for c in itertools.combinations(x, r)])
            assert np.allclose(kernels.sorted_subset_sums(x), want)


def test_goodness_against_brute_force_targets():
    gen = np.random.default_rng(1)
    seen = set()
    for n in range(1, 8):
        for eps in (0.05, 0.1, 0.2, 0.4):
            for _ in range(25):
                x = gen.uniform(-1, 1, n)
                got = kernels.is_good(x, eps)
                assert got == kernels.is_good_reference(x, eps)
                seen.add(got)
    assert seen == {True, False}


def test_goodness_edge_cases():
    assert kernels.is_good(np.array([1.0, -1.0, 0.5, -0.5]), 0.25)  # sums -1.5 .. 1.5 in steps of 0.5
    assert not kernels.is_good(np.array([1.0, -1.0, 0.5, -0.5]), 0.2)  # gaps 0.5 > 0.4
    assert not kernels.is_good(np.array([0.9, 0.9]), 0.5)  # no negative sum reaches -0.5


def test_endpoint_probability_closed_forms():
    for e in (0.01, 0.3, 0.5, 0.9):
        assert ev("subset-sum-endpoint-probability", n=1, eps=e) == 0.0
        assert ev("subset-sum-endpoint-probability", n=2, eps=e) == pytest.approx(e**2 / 2, rel=1e-14)
        assert ev("subset-sum-endpoint-probability", n=3, eps=e) == pytest.approx(0.75 * e * (1 - (1 - e) ** 2 / 2), rel=1e-14)
    assert ev("subset-sum-endpoint-probability", n=5, eps=1.0) == 1.0 == ev("subset-sum-endpoint-probability", n=1, eps=2.0)


def test_endpoint_probability_grows_with_n_and_eps():
    values = [ev("subset-sum-endpoint-probability", n=n, eps=0.1) for n in range(1, 60)]
    assert all(0 <= a <= b <= 1 for a, b in zip(values, values[1:]))
    assert values[-1] > 1 - 1e-12
    by_eps = [ev("subset-sum-endpoint-probability", n=7, eps=e) for e in (0.01, 0.1, 0.3, 0.6, 0.99)]
    assert by_eps == sorted(by_eps)


def test_endpoint_probability_against_monte_carlo():
    """One fixed-seed run, 400k samples: within 4 standard errors at three points."""
    gen = np.random.default_rng(7)
    for n, e in ((4, 0.1), (7, 0.3), (10, 0.02)):
        draws = kernels.sample(gen, 400_000, n)
        p = kernels.count_endpoints(draws, e) / 400_000
        want = ev("subset-sum-endpoint-probability", n=n, eps=e)
        assert abs(p - want) < 4 * math.sqrt(want * (1 - want) / 400_000)


def test_counting_bound():
    for e, want in ((0.1, 4), (0.001, 10), (0.5, 1), (0.3, 2), (0.0625, 4)):
        assert ev("subset-sum-counting-bound", eps=e) == want
    gen = np.random.default_rng(3)
    for e in (0.2, 0.1, 0.05):
        below = ev("subset-sum-counting-bound", eps=e) - 1
        draws = kernels.sample(gen, 2000, below)
        assert kernels.count_good(draws, e) == 0


@pytest.mark.parametrize("name, params", [
    ("subset-sum-endpoint-probability", {"n": 0, "eps": 0.1}),
    ("subset-sum-endpoint-probability", {"n": 3, "eps": 0.0}),
    ("subset-sum-endpoint-probability", {"n": 3, "eps": -1}),
    ("subset-sum-counting-bound", {"eps": 1.0}),
    ("subset-sum-counting-bound", {"eps": 0}),
])
def test_bad_input(name, params):
    with pytest.raises(theory.BadInput):
        ev(name, **params)


def test_benchmark_reference_agrees():
    draws = kernels.sample(np.random.default_rng(5), 300, 8)
    for e in (0.05, 0.2):
        assert kernels.count_good(draws, e) == benchmarks.count_good_numpy(draws, e)


def test_magnitude_pruning_removes_the_smallest_remaining_weights_per_layer():
    from dltheory.numerics.generalization.mlp import layer_sizes, weight_mask
    from dltheory.numerics.lottery.tickets import layer_slices, prune, random_mask

    sizes = layer_sizes(5, (10, 8))
    gen = np.random.default_rng(1)
    params = gen.standard_normal(int(weight_mask(sizes).size))
    mask = np.ones_like(params)
    new = prune(params, mask, sizes, 0.2)
    slices = layer_slices(sizes)
    assert [int(new[s].sum()) for s in slices] == [40, 64, 8 - round(0.1 * 8)]  # 20 %, 20 %, output 10 %
    biases = weight_mask(sizes) == 0
    assert np.all(new[biases] == 1)
    for s in slices:  # every pruned weight is no larger than every kept one
        kept, cut = np.abs(params[s][new[s] == 1]), np.abs(params[s][new[s] == 0])
        assert cut.size == 0 or cut.max() <= kept.min()
    again = prune(params, new, sizes, 0.2)  # the next round prunes among the survivors only
    assert np.all(again <= new) and int(again[slices[0]].sum()) == 40 - round(0.2 * 40)
    rnd = random_mask(gen, again, sizes)
    assert [int(rnd[s].sum()) for s in slices] == [int(again[s].sum()) for s in slices]
    assert np.all(rnd[biases] == 1) and not np.array_equal(rnd, again)


def test_a_pruned_weight_stays_zero_through_training_and_a_trial_is_seeded():
    from dltheory.numerics.generalization.mlp import init_params, layer_sizes
    from dltheory.numerics.lottery.tickets import Setup, prune, teacher_task, train_and_stop, trial

    setup = Setup(input_dim=6, widths=(12,), n_train=200, n_val=100, n_test=100, epochs=3, rounds=2)
    gen = np.random.default_rng(0)
    sizes = layer_sizes(6, (12,))
    theta = init_params(gen, sizes)
    mask = prune(theta, np.ones_like(theta), sizes, 0.5)
    _, err, w = train_and_stop(theta, mask, sizes, teacher_task(gen, setup), setup, gen)
    assert np.all(w[mask == 0] == 0) and np.any(w[mask == 1] != theta[mask == 1]) and 0 <= err <= 1
    a, b = trial(3, setup), trial(3, setup)
    assert a == b and a["remaining"][0] == 1.0 and a["remaining"][1] < 1.0


def test_counting_bound_is_attained_and_its_check_sees_it():
    # a witness: 3 samples are 0.24-good (sums -0.8, -0.4, 0, 0, 0.4, 0.4, 0.8, 1.2: gaps 0.4 <= 0.48), and the
    # counting bound at eps = 0.24 is 3, so the bound is attained there; at eps = 0.19 the gaps are too wide
    witness = np.array([0.8, 0.4, -0.8])
    assert ev("subset-sum-counting-bound", eps=0.24) == 3 and kernels.is_good(witness, 0.24)
    assert not kernels.is_good(witness, 0.19)
    from dltheory import numerics

    c = numerics.get_check("subset-sum-fewest-good-samples")
    est = c.measure({"eps": 0.3}, np.random.SeedSequence(0), True)
    assert est.value == 3 and ev("subset-sum-counting-bound", eps=0.3) == 2  # 2 samples are never 0.3-good
    assert c.wrong({"eps": 0.24}) == 4 and c.wrong({"eps": 0.3}) == 3
