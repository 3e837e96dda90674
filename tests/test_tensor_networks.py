"""ConvAC tensor networks: the networkx min-cut against an independent tree DP and brute force,
closed forms, bad input, the exact modular rank and coefficient tensor against references."""
import itertools
import math
import random
import subprocess
import sys

import numpy as np
import pytest

from dltheory import derivations, theory
from dltheory.numerics.tensor_networks import kernels
from dltheory.theory import tensor_networks as tn

ev = theory.evaluate


def dp_min_cut(inputs, channels, widths, a_side):
    """Least cut product by dynamic programming on the tree (independent of networkx): cost[v][s]
    = least product below node v when v is on side s (0: A, 1: B)."""
    adj = {}
    for u, v, d in tn.edges(inputs, channels, widths):
        adj.setdefault(u, []).append((v, d))
        adj.setdefault(v, []).append((u, d))
    root = ("w", len(widths), 0)

    def cost(node, parent):
        if node[0] == "in":
            j = node[1]
            return (1, math.inf) if j in a_side else (math.inf, 1)
        out = [1, 1]
        for child, d in adj[node]:
            if child == parent:
                continue
            c = cost(child, node)
            for s in (0, 1):
                out[s] *= min(c[s], c[1 - s] * d)
        return tuple(out)

    return min(cost(root, None))


def brute_min_cut(inputs, channels, widths, a_side):
    """Least cut product over every side assignment of the internal nodes (tiny graphs only)."""
    graph = tn.edges(inputs, channels, widths)
    internal = sorted({x for u, v, _ in graph for x in (u, v) if x[0] != "in"})
    best = math.inf
    for bits in itertools.product((0, 1), repeat=len(internal)):
        side = dict(zip(internal, bits))
        side.update({("in", j): 0 if j in a_side else 1 for j in range(inputs)})
        best = min(best, math.prod(d for u, v, d in graph if side[u] != side[v]))
    return best


def test_min_cut_against_brute_force_and_dp_on_tiny_networks():
    rng = random.Random(3)
    for inputs in (2, 4):
        for _ in range(12):
            m = rng.randint(1, 6)
            widths = tuple(rng.randint(1, 6) for _ in range(inputs.bit_length() - 1))
            for size in range(1, inputs):
                for a in itertools.combinations(range(inputs), size):
                    want = brute_min_cut(inputs, m, widths, set(a))
                    assert tn.min_cut(inputs, m, widths, a)[0] == want == dp_min_cut(inputs, m, widths, set(a))


def test_min_cut_against_dp_on_larger_networks_and_huge_dimensions():
    """Dimensions up to 10^6 and N up to 64: products far beyond float resolution of their logs."""
    rng = random.Random(5)
    for _ in range(40):
        inputs = rng.choice((8, 16, 32, 64))
        big = rng.random() < 0.5
        m = rng.randint(2, 10**6 if big else 9)
        widths = tuple(rng.randint(1, 10**6 if big else 40) for _ in range(inputs.bit_length() - 1))
        a = frozenset(rng.sample(range(inputs), rng.randint(1, inputs - 1)))
        value, cut = tn.min_cut(inputs, m, widths, a)
        assert value == dp_min_cut(inputs, m, widths, a) == math.prod(d for _, _, d in cut)


def test_cuts_whose_logs_tie_in_floating_point_are_told_apart():
    """Left-right at L = 3 is min(r_2, r_1, r_0^2, M^4). With r_0^2 = 10^30 and r_1 = 10^30 -+ 1 the
    logs of the two cuts differ by 1e-30, far below double precision; the exact integer
    capacities still pick the smaller product (``min_cut`` itself takes any dimensions)."""
    for r1, want in ((10**30 - 1, 10**30 - 1), (10**30 + 1, 10**30)):
        a = tn.side_a(8, "left-right")
        assert tn.min_cut(8, 10**8, (10**15, r1, 10**40), a)[0] == want
        assert dp_min_cut(8, 10**8, (10**15, r1, 10**40), a) == want
    assert ev("convac-separation-rank", inputs=8, channels=31, widths=(961, 923522, 923520),
              partition="left-right") == 923520  # M^4 = r_0^2 = 923521 between r_2 and r_1


@pytest.mark.parametrize("L", [1, 2, 3, 4, 5])
def test_named_partitions_have_their_closed_forms(L):
    rng = random.Random(L)
    n = 2**L
    for _ in range(25):
        m = rng.randint(1, 9)
        r = [rng.randint(1, 9) for _ in range(L)]
        assert ev("convac-separation-rank", inputs=n, channels=m, widths=r, partition="odd-even") == min(m, r[0]) ** (n // 2)
        terms = [min(m, r[0])] if L == 1 else [r[L - 1], r[L - 2]] + [r[L - 2 - j] ** 2**j for j in range(1, L - 1)] + [m ** 2 ** (L - 1)]
        assert ev("convac-separation-rank", inputs=n, channels=m, widths=r, partition="left-right") == min(terms)


def test_derivation_recursion_equals_closed_form_exhaustively():
    import sympy as sp

    from dltheory.derivations import tensor_networks as d

    for L in (2, 3):
        rec, closed = d.recursion(L), d.left_right(L)
        syms = [d.M, *d.R[:L]]
        for values in itertools.product(range(1, 6), repeat=L + 1):
            point = dict(zip(syms, values))
            assert rec.subs(point) == closed.subs(point)
    assert isinstance(derivations.get("convac-min-cut").document().results["odd_even"], sp.Expr)


def test_explicit_partitions_and_their_complements_agree():
    for a in [(1,), (2, 3), (1, 4, 6, 7), (8,)]:
        b = tuple(sorted(set(range(1, 9)) - set(a)))
        kw = dict(inputs=8, channels=3, widths=(2, 5, 4))
        assert ev("convac-separation-rank", partition=a, **kw) == ev("convac-separation-rank", partition=b, **kw)
    assert ev("convac-separation-rank", inputs=8, channels=3, widths=(2, 5, 4), partition="1,2,3,4") == \
        ev("convac-separation-rank", inputs=8, channels=3, widths=(2, 5, 4), partition="left-right")


def test_entropy_is_the_log_of_the_min_cut():
    kw = dict(inputs=8, channels=3, widths=(4, 5, 3), partition="odd-even")
    assert ev("convac-entanglement-entropy", **kw) == pytest.approx(math.log(81), rel=1e-15)


def test_max_separation_rank_against_every_partition():
    rng = random.Random(9)
    for inputs in (4, 8):
        for _ in range(6):
            m = rng.randint(2, 4)
            widths = tuple(rng.randint(1, 6) for _ in range(inputs.bit_length() - 1))
            for size in range(1, inputs):
                want = max(dp_min_cut(inputs, m, widths, set(a)) for a in itertools.combinations(range(inputs), size))
                assert ev("convac-max-separation-rank", inputs=inputs, channels=m, widths=widths, size=size) == want


def _canonical(a, height, offset=0):
    if height == 0:
        return (int(offset in a),)
    half = 1 << (height - 1)
    return tuple(sorted([_canonical(a, height - 1, offset), _canonical(a, height - 1, offset + half)]))


@pytest.mark.parametrize("height", [1, 2, 3, 4])
def test_orbit_representatives_against_brute_force(height):
    n = 1 << height
    for size in range(n + 1):
        orbits = {_canonical(set(c), height) for c in itertools.combinations(range(n), size)}
        reps = tn.orbit_representatives(n, size)
        assert len(reps) == len(orbits) == tn.orbit_count(height, size)
        assert {_canonical(set(r), height) for r in reps} == orbits


@pytest.mark.parametrize("params, fragment", [
    (dict(inputs=6, channels=2, widths=(2, 2), partition="left-right"), "not a power of 2"),
    (dict(inputs=8, channels=2, widths=(2, 2), partition="left-right"), "wrong length"),
    (dict(inputs=8, channels=2, widths=(2, 2, 2), partition=(0, 3)), "out of range"),
    (dict(inputs=8, channels=2, widths=(2, 2, 2), partition=(1, 9)), "out of range"),
    (dict(inputs=4, channels=2, widths=(2, 2), partition=(1, 2, 3, 4)), "A is every input"),
    (dict(inputs=4, channels=2, widths=(2, 2), partition=(1, 1)), "repeated"),
    (dict(inputs=4, channels=2, widths=(2, 2), partition="top-bottom"), "not a named partition"),
    (dict(inputs=4, channels=0, widths=(2, 2), partition="left-right"), "outside its domain"),
    (dict(inputs=4, channels=2, widths=(2, 0), partition="left-right"), "outside its domain"),
    (dict(inputs=2048, channels=2, widths=(2,) * 11, partition="left-right"), "outside its domain"),
])
def test_bad_input_is_one_badinput(params, fragment):
    with pytest.raises(theory.BadInput, match=fragment):
        ev("convac-separation-rank", **params)


def test_max_rank_bad_sizes():
    with pytest.raises(theory.BadInput, match="proper subset"):
        ev("convac-max-separation-rank", inputs=8, channels=2, widths=(2, 2, 2), size=8)


def test_max_separation_rank_over_orbits_at_n16():
    """Every orbit of partitions at N = 16 (tree automorphisms preserve the min-cut)."""
    rng = random.Random(11)
    for _ in range(3):
        m = rng.randint(2, 5)
        widths = tuple(rng.randint(1, 6) for _ in range(4))
        for size in (3, 6, 8):
            want = max(tn.min_cut(16, m, widths, a)[0] for a in tn.orbit_representatives(16, size))
            assert ev("convac-max-separation-rank", inputs=16, channels=m, widths=widths, size=size) == want \
                == min(m, widths[0]) ** min(size, 16 - size)


def test_cli_eval_and_exit_2(cli):
    out = cli("eval", "convac-separation-rank", "inputs=16", "channels=2", "widths=4,3,8,2",
              "partition=1,2,5,6,9,10,13,14")
    assert out.returncode == 0 and "81" in out.stdout
    bad = cli("eval", "convac-separation-rank", "inputs=8", "channels=2", "widths=2,2", "partition=left-right")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "widths" in bad.stderr
    bad = cli("eval", "convac-separation-rank", "inputs=8", "channels=2", "widths=2,2,2", "partition=1,x")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_theory_module_imports_no_networkx_numba_or_sympy():
    code = ("import sys; import dltheory.theory.tensor_networks; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'networkx', 'numba', 'sympy', 'numpy'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- the exact arithmetic of the check ---------------------------------------------------------

def test_modular_rank_against_fractions_and_numpy():
    """Entries in [-3, 3] and at most 6 x 6: every minor is below p in size, so rank_p = rank_Q."""
    gen = np.random.default_rng(0)
    for trial in range(300):
        r, c = gen.integers(1, 7, 2)
        m = gen.integers(-3, 4, (r, c))
        if trial % 3 == 0 and r > 2:
            m[-1] = 2 * m[0] - m[1]  # force a dependency
        want = kernels.rank_fraction(m)
        assert kernels.rank_mod(m.astype(np.int64), kernels.PRIME) == want == kernels.rank_mod_numpy(m)


def test_modular_rank_against_sympy():
    import sympy as sp

    gen = np.random.default_rng(1)
    for _ in range(20):
        m = gen.integers(-2, 3, (5, 4)) @ gen.integers(-2, 3, (4, 6))  # rank <= 4
        assert kernels.rank_mod(m.astype(np.int64), kernels.PRIME) == sp.Matrix(m.tolist()).rank()


def test_inverse_mod():
    for a in (1, 2, 12345, kernels.PRIME - 1, -7):
        assert a * kernels.inverse_mod(a, kernels.PRIME) % kernels.PRIME == 1


@pytest.mark.parametrize("inputs, channels, widths", [(2, 2, (1,)), (4, 2, (2, 3)), (4, 3, (2, 2)), (8, 2, (2, 3, 2))])
def test_coefficient_tensor_against_exact_integers(inputs, channels, widths):
    levels = kernels.random_weights(np.random.default_rng(2), inputs, channels, widths, magnitude=2**20)
    exact = kernels.coefficient_tensor_reference(levels)
    fast = kernels.coefficient_tensor(levels)
    assert [int(x) for x in fast] == [v % kernels.PRIME for v in exact]
    flt = kernels.coefficient_tensor_float(levels)
    assert np.allclose(flt, np.array(exact, dtype=float), rtol=1e-9)


def test_coefficient_tensor_is_the_network_function():
    """A(d) = network output on one-hot inputs e_(d_1), ..., e_(d_N) (direct forward pass)."""
    inputs, channels, widths = 4, 2, (3, 2)
    levels = kernels.random_weights(np.random.default_rng(4), inputs, channels, widths, magnitude=5)
    tensor = kernels.coefficient_tensor_reference(levels)
    for index, d in enumerate(itertools.product(range(channels), repeat=inputs)):
        acts = [np.asarray(levels[0][j])[:, d[j]].astype(object) for j in range(inputs)]
        for weights in levels[1:]:
            acts = [np.asarray(w).astype(object) @ (acts[2 * k] * acts[2 * k + 1]) for k, w in enumerate(weights)]
        assert acts[0][0] == tensor[index]


def test_matricise_orders_rows_by_a_and_columns_by_b():
    t = np.arange(16)
    m = kernels.matricise(t, 4, 2, {1, 3})
    # entry (d2, d4), (d1, d3) of the tensor with d1 slowest
    for d in itertools.product(range(2), repeat=4):
        assert m[d[1] * 2 + d[3], d[0] * 2 + d[2]] == t[int("".join(map(str, d)), 2)]


def test_entanglement_entropy_of_flat_and_rank_one_spectra():
    assert kernels.entanglement_entropy(np.eye(5)) == pytest.approx(math.log(5))
    assert kernels.entanglement_entropy(np.outer([1.0, 2.0], [3.0, 1.0, 1.0])) == pytest.approx(0.0, abs=1e-12)


def test_shared_weights_can_fall_below_the_min_cut():
    """Beyond the theorem's setting (unshared 1x1 convolutions): with one weight matrix per level
    shared by all positions, the two inputs of a pair enter symmetrically, so a left-right cut
    of N = 4, M = 2 sees at most dim Sym^2(R^2) = 3 functions, below the min-cut 4."""
    inputs, channels, widths = 4, 2, (4, 4)
    assert ev("convac-separation-rank", inputs=inputs, channels=channels, widths=widths, partition="left-right") == 4
    a = tn.side_a(inputs, "left-right")
    gen = np.random.default_rng(6)
    for _ in range(5):
        levels = kernels.random_weights(gen, inputs, channels, widths)
        shared = [[level[0]] * len(level) for level in levels]
        assert kernels.rank_mod(kernels.matricise(kernels.coefficient_tensor(levels), inputs, channels, a), kernels.PRIME) == 4
        assert kernels.rank_mod(kernels.matricise(kernels.coefficient_tensor(shared), inputs, channels, a), kernels.PRIME) == 3
