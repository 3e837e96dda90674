"""Tests of the linear-region capability (theory/regions.py, derivations/regions.py, numerics/regions/).

What the conformance suite does for every registered object (examples evaluate, derivation results
equal their quantities, checks pass quick and full and reject their wrong theories) is not repeated
here; these are the independent recomputations, brute-force references, simulator tests at tiny
sizes and bad inputs. Trajectory length: tests/test_trajectory.py."""
from __future__ import annotations

import itertools
import math
import subprocess
import sys
import time
from math import comb

import numpy as np
import pytest

from dltheory import numerics
from dltheory.numerics import regions as R
from dltheory.theory import BadInput, evaluate

# ---------------------------------------------------------------- independent references
def zaslavsky_recursive(n: int, d: int) -> int:
    """Deletion-restriction recursion r(N, D) = r(N-1, D) + r(N-1, D-1), r(0, D) = r(N, 0) = 1."""
    table = [[1] * (d + 1) for _ in range(n + 1)]
    for a in range(1, n + 1):
        for b in range(1, d + 1):
            table[a][b] = table[a - 1][b] + table[a - 1][b - 1]
    return table[n][d]


def serra_brute(n0: int, widths) -> int:
    """Serra et al. (2018) Thm 1 by enumerating the index set J directly."""
    total = 0
    for js in itertools.product(*[range(min(n0, n) + 1) for n in widths]):
        ok, cap = True, n0
        for jl, n in zip(js, widths):
            if jl > min(cap, n):
                ok = False
                break
            cap = min(cap, n - jl)
        if ok:
            total += math.prod(comb(n, jl) for n, jl in zip(widths, js))
    return total


# ---------------------------------------------------------------- closed forms
@pytest.mark.parametrize("n,d", [(0, 3), (1, 1), (5, 1), (5, 2), (10, 3), (7, 7), (3, 9), (40, 6)])
def test_zaslavsky_matches_recursion(n, d):
    if n == 0:
        with pytest.raises(BadInput):
            evaluate("zaslavsky-regions", input_dim=d, width=n)
        return
    assert evaluate("zaslavsky-regions", input_dim=d, width=n) == zaslavsky_recursive(n, d)


def test_zaslavsky_small_cases():
    assert evaluate("zaslavsky-regions", input_dim=1, width=9) == 10  # N points cut a line into N+1
    assert evaluate("zaslavsky-regions", input_dim=2, width=4) == 11  # 4 lines: 11 regions (Buck 1943)
    assert evaluate("zaslavsky-regions", input_dim=12, width=10) == 2**10


@pytest.mark.parametrize("seed", range(25))
def test_serra_upper_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n0 = int(rng.integers(1, 5))
    widths = tuple(int(w) for w in rng.integers(1, 7, size=int(rng.integers(1, 5))))
    assert evaluate("linear-regions-upper", input_dim=n0, widths=widths) == serra_brute(n0, widths)


def test_serra_upper_special_cases_and_montufar():
    assert evaluate("linear-regions-upper", input_dim=1, widths=(3, 5, 2)) == 4 * 6 * 3
    assert evaluate("linear-regions-upper", input_dim=3, widths=(9,)) == evaluate("zaslavsky-regions", input_dim=3, width=9)
    # Montufar (2017): prod sum_{j <= d_l} C(n_l, j), d_l = min(n0..n_l); by hand for (2; 2, 5): 4 * 16
    assert evaluate("linear-regions-upper-montufar", input_dim=2, widths=(2, 5)) == 64
    # Serra's bound is smaller when a narrow layer caps the dimension: 16 + 2*6 + 1
    assert evaluate("linear-regions-upper", input_dim=2, widths=(2, 5)) == 29
    rng = np.random.default_rng(1)
    for _ in range(30):
        n0 = int(rng.integers(1, 6))
        widths = tuple(int(w) for w in rng.integers(1, 12, size=int(rng.integers(1, 6))))
        assert evaluate("linear-regions-upper", input_dim=n0, widths=widths) <= \
            evaluate("linear-regions-upper-montufar", input_dim=n0, widths=widths)


def test_serra_upper_deep_wide_is_fast_and_exact():
    widths = (64,) * 20
    start = time.perf_counter()
    value = evaluate("linear-regions-upper", input_dim=10, widths=widths)
    assert time.perf_counter() - start < 0.2
    assert isinstance(value, int)
    # caps never bind (64 - j >= 10), so the bound is Zaslavsky's count to the 20th power
    assert value == sum(comb(64, j) for j in range(11)) ** 20


def test_lower_bounds_by_hand_and_conditions():
    # Montufar et al. (2014): floor(n/n0)^n0 per hidden layer times Zaslavsky's count of the last
    assert evaluate("linear-regions-lower-montufar", input_dim=2, widths=(4, 4, 3)) == 2**2 * 2**2 * 7
    # Serra et al. (2018): (floor(n/n0) + 1)^n0
    assert evaluate("linear-regions-lower-serra", input_dim=2, widths=(6, 6, 3)) == 4**2 * 4**2 * 7
    assert evaluate("linear-regions-lower", input_dim=2, widths=(6, 6, 3)) == 1792
    assert evaluate("linear-regions-lower", input_dim=2, widths=(4, 4, 3)) == 112  # only Montufar applies
    # n0 = 1: Serra's lower bound equals the upper bound (exact)
    assert evaluate("linear-regions-lower-serra", input_dim=1, widths=(3, 7, 4)) == \
        evaluate("linear-regions-upper", input_dim=1, widths=(3, 7, 4))
    with pytest.raises(BadInput, match="3 \\* input_dim"):
        evaluate("linear-regions-lower-serra", input_dim=2, widths=(5, 6, 3))
    with pytest.raises(BadInput):
        evaluate("linear-regions-lower-montufar", input_dim=3, widths=(2, 6))
    with pytest.raises(BadInput):
        evaluate("linear-regions-lower", input_dim=4, widths=(3, 3))
    rng = np.random.default_rng(2)
    for _ in range(40):
        n0 = int(rng.integers(1, 4))
        widths = tuple(int(w) for w in rng.integers(n0, 14, size=int(rng.integers(1, 5))))
        assert evaluate("linear-regions-lower", input_dim=n0, widths=widths) <= \
            evaluate("linear-regions-upper", input_dim=n0, widths=widths)


def test_density_layer_one_is_the_cauchy_probability():
    """Layer 1: the crossing point -b/(w.u) is Cauchy; P(|Cauchy| < r) by mpmath quadrature."""
    import mpmath

    n0, sigma_b, r, n = 3, 0.7, 1.3, 10
    scale = sigma_b / math.sqrt(2 / n0)  # ratio of N(0, sigma_b^2) to N(0, 2/n0)
    p = mpmath.quad(lambda x: scale / (mpmath.pi * (x**2 + scale**2)), [-r, r])
    value = evaluate("expected-regions-density", input_dim=n0, widths=(n,), sigma_b=sigma_b, radius=r)
    assert value * 2 * r == pytest.approx(float(n * p), rel=1e-12)


def test_density_kac_rice_integral_and_bound():
    """Deeper layers: integral of the Kac-Rice rate on the line by mpmath, and the bound dominates."""
    import mpmath

    n0, sb, r, widths = 2, 1.2, 0.8, (5, 7, 3)
    total = 0
    for l, n in enumerate(widths, 1):
        rate = lambda t: mpmath.sqrt((2 * t**2 / n0 + l * sb**2) * (2 / n0) - (2 * t / n0) ** 2) / (
            mpmath.pi * (2 * t**2 / n0 + l * sb**2))
        total += n * mpmath.quad(rate, [-r, r])
    value = evaluate("expected-regions-density", input_dim=n0, widths=widths, sigma_b=sb, radius=r)
    assert value == pytest.approx(float(total) / (2 * r), rel=1e-12)
    at0 = evaluate("expected-regions-density", input_dim=n0, widths=widths, sigma_b=sb)
    bound = evaluate("expected-regions-density-bound", input_dim=n0, widths=widths, sigma_b=sb)
    assert value <= at0 <= bound


def test_trajectory_growth_and_betti_formulas():
    # sigma_b = 0, sigma_w = 1: the published hard-tanh base reduces to sqrt(k/(k+1)), the paper's ReLU form
    assert evaluate("trajectory-growth", width=9, sigma_w=1.0, form="paper") == pytest.approx(math.sqrt(9 / 10))
    # Milnor (1964) Thm 3: (1/2)(2 + d)(1 + d)^(n-1); d = 2 (quadratic), n = 2: 6
    assert evaluate("betti-bound", activation="polynomial", input_dim=2, widths=(5,), degree=2) == 6
    # deep: degree r^L = 8, n = 1: floor(10/2) = 5 (a degree-8 polynomial has <= 5 intervals where >= 0)
    assert evaluate("betti-bound", activation="polynomial", input_dim=1, widths=(3, 3, 3), degree=2) == 5
    assert evaluate("betti-bound", activation="relu", input_dim=2, widths=(4, 4)) == \
        2 * evaluate("linear-regions-upper", input_dim=2, widths=(4, 4))
    with pytest.raises(BadInput):
        evaluate("betti-bound", activation="relu", input_dim=3, widths=(4,))


# ---------------------------------------------------------------- simulators
def test_box_counter_matches_arrangement_and_grid():
    rng = np.random.default_rng(4)
    for n in (1, 3, 7):
        layers = R.random_network(rng, 2, [n])
        count, ambiguous, _ = R.count_box(layers, (-50, 50, -50, 50))
        assert ambiguous == 0
        assert count <= evaluate("zaslavsky-regions", input_dim=2, width=n)
    # deep random nets: a dense grid sees at most the exact count of distinct patterns; usually all
    layers = R.random_network(rng, 2, [5, 4])
    count, ambiguous, _ = R.count_box(layers, (-1, 1, -1, 1))
    g = np.linspace(-1, 1, 500)
    X, Y = np.meshgrid(g, g)
    h, pats = np.c_[X.ravel(), Y.ravel()], []
    for W, b in layers:
        z = h @ W.T + b
        pats.append(z > 0)
        h = np.maximum(z, 0)
    distinct = len(np.unique(np.concatenate(pats, 1), axis=0))
    assert ambiguous == 0 and distinct <= count and count - distinct <= 1


def test_segment_sampling_is_a_lower_bound():
    rng = np.random.default_rng(5)
    layers = R.random_network(rng, 3, [16, 16, 16])
    x0, x1 = np.array([-1.0, 0.2, 0.0]), np.array([1.0, -0.4, 0.3])
    exact = R.count_segment(layers, x0, x1)
    ts = R.breakpoints_segment(layers, x0, x1)
    with pytest.warns(UserWarning, match="saturat"):
        assert R.count_segment_sampled(layers, x0, x1, 50) <= exact
    assert R.count_segment_sampled(layers, x0, x1, int(2 / np.diff(ts).min()) + 2) == exact


def test_random_networks_never_exceed_the_upper_bound():
    rng = np.random.default_rng(6)
    for widths in [(3, 3), (4, 2, 3), (6, 6)]:
        upper2 = evaluate("linear-regions-upper", input_dim=2, widths=widths)
        upper1 = evaluate("linear-regions-upper", input_dim=1, widths=widths)
        for _ in range(5):
            layers = R.random_network(rng, 2, widths, sigma_b=2.0)
            count, _, _ = R.count_box(layers, (-20, 20, -20, 20))
            assert count <= upper2
            one = R.random_network(rng, 1, widths, sigma_b=2.0)
            assert R.count_segment(one, [-100.0], [100.0]) <= upper1


def test_adversarial_search_never_exceeds_the_upper_bound():
    """Hill-climb on the weights of a 1-D net to maximise its pieces: never above prod (n_l + 1)."""
    rng = np.random.default_rng(7)
    widths = (3, 3)
    upper = evaluate("linear-regions-upper", input_dim=1, widths=widths)  # 16, attained by Serra's construction
    layers = R.random_network(rng, 1, widths)
    best = R.count_segment(layers, [-5.0], [5.0])
    for _ in range(400):
        trial = [(W + 0.3 * rng.standard_normal(W.shape), b + 0.3 * rng.standard_normal(b.shape)) for W, b in layers]
        c = R.count_segment(trial, [-5.0], [5.0])
        assert c <= upper
        if c >= best:
            best, layers = c, trial
    assert best >= 8  # the search does climb well above a typical random net
    assert R.count_unit_cube(R.construction(1, widths, "serra"))[0] == upper


def test_folds_map_each_piece_onto_the_unit_interval():
    y = np.linspace(0, 1, 200001)
    for k in (3, 4, 7):
        w, b, coef, c = R.fold_serra(k)
        g = c + np.maximum(np.outer(y, w) + b, 0) @ coef
        assert g.min() > -1e-12 and g.max() < 1 + 1e-12
        slope = np.sign(np.diff(g))
        slope = slope[slope != 0]
        assert np.count_nonzero(np.diff(slope)) + 1 == k + 1
        turns = g[1:-1][(np.diff(g)[:-1] * np.diff(g)[1:]) <= 0]
        assert np.all(np.minimum(np.abs(turns), np.abs(turns - 1)) < 1e-4)  # every piece spans [0, 1]
    with pytest.raises(ValueError):
        R.fold_serra(2)


def test_crossings_thread_count_independent(monkeypatch):
    seed = np.random.SeedSequence(11)
    monkeypatch.setenv("DLTHEORY_THREADS", "1")
    one = R.crossings_on_line(seed, 2, (8, 8), 1.0, 1.0, 300, chunk=64)
    monkeypatch.setenv("DLTHEORY_THREADS", "2")
    two = R.crossings_on_line(np.random.SeedSequence(11), 2, (8, 8), 1.0, 1.0, 300, chunk=64)
    assert np.array_equal(one, two)


@pytest.mark.slow
def test_density_at_width_48_within_its_finite_width_deficit():
    """Depth 4 at width 48, without the 1/width extrapolation of the check: within 2% (the finite-width
    deficit) plus 4 standard errors of the wide-limit density."""
    samples = numerics.sized(4000, minimum=200)
    counts = R.crossings_on_line(np.random.SeedSequence(3), 2, (48, 48, 48, 48), 1.0, 1.0, samples)
    est = numerics.mean(counts / 2.0)
    theory = evaluate("expected-regions-density", input_dim=2, widths=(48,) * 4, sigma_b=1.0, radius=1.0)
    # at width 48 the finite-width deficit is below 2%: within 2% plus 4 standard errors
    assert abs(est.value - theory) <= 0.02 * theory + 4 * est.stderr


# ---------------------------------------------------------------- command line
@pytest.mark.parametrize("args", [
    ["eval", "zaslavsky-regions", "input_dim=2", "width=0"],
    ["eval", "linear-regions-upper", "input_dim=2", "widths="],
    ["eval", "linear-regions-upper", "input_dim=2.5", "widths=3,3"],
    ["eval", "linear-regions-upper", "input_dim=2", "widths=3,x"],
    ["eval", "linear-regions-lower-serra", "input_dim=4", "widths=5,5"],
    ["eval", "linear-regions-lower-montufar", "input_dim=9", "widths=5,5"],
    ["eval", "betti-relu-lower", "widths=5,4"],
    ["eval", "expected-regions-density", "input_dim=2", "widths=4", "sigma_b=0"],
    ["bounds", "--input-dim", "2", "--widths", "4,0"],
    ["bounds", "--input-dim", "0", "--widths", "4"],
])
def test_bad_inputs_exit_2_with_one_line(args):
    proc = subprocess.run([sys.executable, "-m", "dltheory", *args], capture_output=True, text=True)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "parameter" in proc.stderr


def test_bounds_table_json():
    import json

    proc = subprocess.run([sys.executable, "-m", "dltheory", "bounds", "--input-dim", "2", "--widths", "8,8,8", "--json"],
                          capture_output=True, text=True)
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert data["parameters"] == 8 * 3 + 8 * 9 + 8 * 9 and data["neurons"] == 24
    rows = {r["name"]: r for r in data["rows"]}
    assert rows["linear-regions-upper"]["exact"] == "50653"
    assert rows["zaslavsky-regions"]["params"]["width"] == 24  # the shallow net with the same neurons
    assert rows["linear-regions-lower"]["value"] == 23125


# ---------------------------------------------------------------- Betti numbers of decision regions (2-D)
def _grid_betti(layers, output, box, n=1000):
    """Independent reference: b0 (8-connected) and holes (4-connected complement off the border) on a grid."""
    from scipy import ndimage

    gx, gy = np.linspace(box[0], box[1], n), np.linspace(box[2], box[3], n)
    X, Y = np.meshgrid(gx, gy)
    h = np.c_[X.ravel(), Y.ravel()]
    for W, b in layers:
        h = np.maximum(h @ W.T + b, 0)
    P = ((h @ output[0].T + output[1])[:, 0] >= 0).reshape(X.shape)
    b0 = ndimage.label(P, structure=np.ones((3, 3)))[1]
    lab, nc = ndimage.label(~P)
    border = set(np.unique(np.r_[lab[0], lab[-1], lab[:, 0], lab[:, -1]])) - {0}
    return b0, nc - len(border)


def test_betti_exact_matches_grid_and_stays_under_the_bound():
    rng = np.random.default_rng(8)
    box = (-1.5, 1.5, -1.5, 1.5)
    holes = compared = 0
    for _ in range(60):
        widths = [int(w) for w in rng.integers(4, 9, size=int(rng.integers(2, 4)))]
        layers = R.random_network(rng, 2, widths, sigma_b=0.3)
        output = (rng.standard_normal((1, widths[-1])), np.array([-0.5]))
        b0, b1, certified = R.betti_box(layers, output, box)
        assert certified
        assert b0 + b1 <= evaluate("betti-bound", activation="relu", input_dim=2, widths=tuple(widths))
        if (b1 > 0 and holes < 3) or (b0 > 1 and compared < 3):
            holes += b1 > 0
            compared += b0 > 1
            assert (b0, b1) == _grid_betti(layers, output, box, n=600)
    assert holes >= 1 and compared >= 1  # the grid comparison saw holes and several components


# ---------------------------------------------------------------- Telgarsky's sawtooth: deep vs shallow
def _sawtooth(k: int):
    """k layers of 2 ReLUs: h = (relu(y), relu(y - 1/2)), y = x, then y = 2 h_1 - 4 h_2 (the tent map)."""
    layers = [(np.array([[1.0], [1.0]]), np.array([0.0, -0.5]))]
    for _ in range(k - 1):
        layers.append((np.array([[2.0, -4.0], [2.0, -4.0]]), np.array([0.0, -0.5])))
    return layers, (np.array([[2.0, -4.0]]), np.zeros(1))


@pytest.mark.parametrize("k", [1, 3, 6, 10])
def test_sawtooth_pieces_and_the_shallow_width_it_needs(k):
    layers, _ = _sawtooth(k)
    pieces = R.count_segment(layers, [0.0], [1.0])
    assert pieces == 2**k == evaluate("sawtooth-pieces", k=k)
    assert pieces <= evaluate("linear-regions-upper", input_dim=1, widths=(2,) * k)
    # one hidden layer of m units on a line has at most m + 1 pieces (Zaslavsky, D = 1): m >= 2^k - 1
    m = 2**k - 1
    assert evaluate("zaslavsky-regions", input_dim=1, width=m) == 2**k > evaluate("zaslavsky-regions", input_dim=1, width=m - 1) if m > 1 else True
    # and a shallow net with units at i/2^k represents the sawtooth exactly on [0, 1]
    t = np.arange(2**k) / 2**k
    slopes = 2**k * (-1.0) ** np.arange(2**k)
    coef = np.diff(np.r_[0.0, slopes])
    shallow = [(np.ones((2**k, 1)), -t)]
    x = np.linspace(0, 1, 4097)[:, None]
    deep_value = R.relu_pieces.evaluate(list(layers) + [_sawtooth(k)[1]], x)[:, 0]
    shallow_value = np.maximum(x - t, 0) @ coef
    assert np.allclose(deep_value, shallow_value, atol=1e-9)
    assert R.count_segment(shallow, [0.0], [1.0]) == 2**k


def test_trace_benchmark_quick_agrees_and_is_faster():
    bench = numerics.all_benchmarks()["regions-trace-1d"]
    timing = bench.run(True)
    assert timing.agree and timing.simulator_seconds < timing.reference_seconds


def test_trained_networks_never_exceed_the_upper_bound():
    """Small 1-D nets trained (Adam) to fit an oscillating target: exact counts stay under the bound."""
    rng = np.random.default_rng(13)
    best = np.inf
    for widths in [(8, 8), (6, 6, 6), (8, 8)]:
        hidden, out = R.train_to_oscillate(rng, widths, frequency=2.0, steps=2500, lr=0.02)
        x = np.linspace(0, 1, 1001)[:, None]
        fit = R.relu_pieces.evaluate(hidden + [out], x)[:, 0]
        best = min(best, np.mean((fit - np.sin(4 * np.pi * x[:, 0])) ** 2))
        assert R.count_segment(hidden, [-10.0], [10.0]) <= evaluate("linear-regions-upper", input_dim=1, widths=widths)
    assert best < 0.1  # training did fit the oscillating target (some runs get stuck)


# ---------------------------------------------------------------- Montufar's upper bound and the best lower bound
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


# ---------------------------------------------------------------- polynomial networks on the line (betti-bound, polynomial row)
@pytest.mark.parametrize("degree,widths", [(2, (3,)), (2, (3, 4, 3)), (3, (4, 4)), (4, (5, 6))])
def test_chebyshev_network_computes_t_of_degree_r_to_the_l(degree, widths):
    layers, output = R.chebyshev_network(widths, degree)
    d = degree ** len(widths)
    x = np.linspace(-1, 1, 2001)
    assert np.allclose(R.polynomial_forward(layers, output, degree, x), np.cos(d * np.arccos(x)), atol=1e-9)
    # T_d has d simple roots in (-1, 1): {T_d >= 0} has floor(d/2) + 1 components, Milnor's bound at n0 = 1
    assert R.polynomial_components(layers, output, degree) == d // 2 + 1 == \
        evaluate("betti-bound", activation="polynomial", input_dim=1, widths=widths, degree=degree)
    with pytest.raises(ValueError):
        R.chebyshev_network((degree,) + widths, degree)


def test_polynomial_components_match_a_dense_grid():
    """Random polynomial nets: the exact count equals the sign runs on x = tan(theta), theta on a fine grid of
    (-pi/2, pi/2): spacing 3e-6 at 0 and below 0.04 out to |x| = 100, the whole line to |x| = 6e5."""
    rng = np.random.default_rng(14)
    several = 0
    x = np.tan(np.linspace(-np.pi / 2, np.pi / 2, 1_000_001)[1:-1])
    for _ in range(20):
        degree = int(rng.integers(2, 4))
        widths = tuple(int(w) for w in rng.integers(1, 4, size=int(rng.integers(1, 3))))
        layers, output = R.random_polynomial_network(rng, widths, degree)
        exact = R.polynomial_components(layers, output, degree)
        positive = R.polynomial_forward(layers, output, degree, x) >= 0
        assert exact == int(positive[0]) + np.count_nonzero(positive[1:] & ~positive[:-1])
        several += exact > 1
    assert several >= 3
