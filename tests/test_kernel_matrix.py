"""Kernel matrices (dltheory.theory.meanfield.kernel_matrix) and ``dltheory kernel``: every entry
against the scalar quantities nngp-kernel / ntk-kernel, the exact diagonal, bad inputs, the CLI."""
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from dltheory import theory
from dltheory.cli import main
from dltheory.theory import BadInput
from dltheory.theory.meanfield import ACTIVATIONS
from dltheory.theory.meanfield.kernel_matrix import kernel_matrices, nngp_matrix, ntk_matrix

ev = theory.evaluate
WIDTH = 64


def _inputs(seed, n1=4, n2=3, d=5):
    rng = np.random.default_rng(seed)
    X1 = rng.standard_normal((n1, d)) * rng.uniform(0.3, 2.0, (n1, 1))
    X2 = rng.standard_normal((n2, d)) * rng.uniform(0.3, 2.0, (n2, 1))
    X2[1] = X1[2]  # a pair of identical inputs across the two batches
    return X1, X2


def _scalar(name, x1, x2, **kw):
    d = x1.size
    q1, q2 = float(x1 @ x1) / d, float(x2 @ x2) / d
    c = max(-1.0, min(1.0, float(x1 @ x2) / math.sqrt(float(x1 @ x1) * float(x2 @ x2))))
    if name == "ntk-kernel" and kw.get("parameterization") == "standard":
        kw = dict(kw, width=WIDTH, input_dim=d)
    return ev(name, q1=q1, q2=q2, c=c, **kw)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("parameterization", ["ntk", "standard"])
@pytest.mark.parametrize("depth, sw, sb", [(1, 1.5, 0.1), (3, 2.0, 0.0), (4, 1.3, 0.2)])
def test_every_entry_equals_the_scalar_quantities(activation, parameterization, depth, sw, sb):
    """|matrix - scalar| <= 1e-12 sqrt(S_ii S_jj) (the Cauchy-Schwarz scale of entry (i, j)), for the
    symmetric call (X2 None) and a cross call with one shared row; random inputs of varied lengths."""
    X1, X2 = _inputs(depth + 10 * len(activation))
    kw = dict(activation=activation, depth=depth, weight_variance=sw, bias_variance=sb)
    for A, B in ((X1, None), (X1, X2)):
        K, T = kernel_matrices(A, B, parameterization=parameterization, width=WIDTH, **kw)
        B_ = A if B is None else B
        assert K.shape == T.shape == (A.shape[0], B_.shape[0])
        for name, M in (("nngp-kernel", K), ("ntk-kernel", T)):
            extra = {"parameterization": parameterization} if name == "ntk-kernel" else {}
            da = [_scalar(name, a, a, **kw, **extra) for a in A]
            db = [_scalar(name, b, b, **kw, **extra) for b in B_]
            for i, a in enumerate(A):
                for j, b in enumerate(B_):
                    want = _scalar(name, a, b, **kw, **extra)
                    assert abs(M[i, j] - want) <= 1e-12 * math.sqrt(da[i] * db[j]), (name, i, j, M[i, j], want)


def _relu_diagonal_exact(q, depth, sw, sb):
    """The relu length map and NTK on the diagonal in exact rationals: K <- sw K/2 + sb, Theta <- K + sw Theta/2."""
    k = Fraction(sw) * Fraction(q) + Fraction(sb)
    theta = k
    for _ in range(depth - 1):
        k = Fraction(sw) * k / 2 + Fraction(sb)
        theta = k + Fraction(sw) * theta / 2
    return k, theta


def test_relu_diagonal_is_exact_where_arccos_of_one_minus_eps_would_lose_1e8():
    X = np.array([[1.0, 2.0, 2.0], [0.5, -1.0, 3.0], [3.0, 0.0, 1.0]])  # |x|^2 / 3 = 3, 10.25/3, 10/3
    sw, sb, depth = 2.0, 0.25, 6
    K, T = kernel_matrices(X, activation="relu", depth=depth, weight_variance=sw, bias_variance=sb)
    for i, x in enumerate(X):
        k, theta = _relu_diagonal_exact(Fraction(float(x @ x)) / 3, depth, sw, sb)
        assert abs(K[i, i] - float(k)) <= 2e-15 * float(k)  # rounding only (depth x eps), not 1e-8
        assert abs(T[i, i] - float(theta)) <= 2e-15 * float(theta)
    # the same pairs given as two batches: identical rows are found and get the same exact values
    K2, T2 = kernel_matrices(X, X[::-1].copy(), activation="relu", depth=depth, weight_variance=sw, bias_variance=sb)
    assert np.array_equal(np.diag(K), np.diag(K2[:, ::-1])) and np.array_equal(np.diag(T), np.diag(T2[:, ::-1]))


def test_quadrature_diagonal_against_mpmath():
    """tanh NNGP diagonal (correlation 1: the length map q -> sigma_w^2 E[tanh(sqrt(q) z)^2] + sigma_b^2)
    against the same map iterated with 1-D mpmath quadrature at 30 digits (its layer count pinned by
    the double-precision scalar quantity)."""
    import mpmath

    X = np.array([[1.0, -2.0, 0.5, 1.5]])
    K, _ = kernel_matrices(X, activation="tanh", depth=3, weight_variance=1.7, bias_variance=0.1)
    with mpmath.workdps(30):
        q = mpmath.mpf(float(X[0] @ X[0])) / 4
        k = 1.7 * q + mpmath.mpf("0.1")
        maps = [k]
        for _ in range(4):
            k = 1.7 * mpmath.quad(lambda z: mpmath.tanh(mpmath.sqrt(k) * z) ** 2 * mpmath.npdf(z),
                                  [-mpmath.inf, 0, mpmath.inf]) + mpmath.mpf("0.1")
            maps.append(k)
    scalar = ev("nngp-kernel", activation="tanh", depth=3, weight_variance=1.7, bias_variance=0.1, q1=float(q),
                q2=float(q), c=1.0)
    (exact,) = [m for m in maps if abs(float(m) - scalar) <= 1e-9 * scalar]
    assert abs(K[0, 0] - float(exact)) <= 1e-14 * float(exact)


@pytest.mark.parametrize("activation", ["relu", "erf", "gelu"])
def test_symmetric_call_is_exactly_symmetric_and_equals_the_cross_call(activation):
    X1, _ = _inputs(3, n1=6)
    K, T = kernel_matrices(X1, activation=activation, depth=3, weight_variance=1.8, bias_variance=0.1)
    assert np.array_equal(K, K.T) and np.array_equal(T, T.T)
    K2, T2 = kernel_matrices(X1, X1.copy(), activation=activation, depth=3, weight_variance=1.8, bias_variance=0.1)
    assert np.allclose(K2, K, rtol=1e-13, atol=0) and np.allclose(T2, T, rtol=1e-13, atol=0)
    assert np.array_equal(nngp_matrix(X1, activation=activation, depth=3, weight_variance=1.8, bias_variance=0.1), K)
    assert np.array_equal(ntk_matrix(X1, activation=activation, depth=3, weight_variance=1.8, bias_variance=0.1), T)


@pytest.mark.parametrize("args, param", [
    (dict(X1=np.ones(3)), "X1"),
    (dict(X1=np.array([[1.0, np.nan]])), "X1"),
    (dict(X1=np.ones((2, 3)), X2=np.ones((2, 4))), "X2"),
    (dict(X1=np.zeros((2, 3))), "X1"),
    (dict(X1=np.ones((2, 3)), activation="softsign"), "activation"),
    (dict(X1=np.ones((2, 3)), depth=0), "depth"),
    (dict(X1=np.ones((2, 3)), weight_variance=0.0), "weight_variance"),
    (dict(X1=np.ones((2, 3)), bias_variance=-1.0), "bias_variance"),
    (dict(X1=np.ones((2, 3)), parameterization="standard"), "width"),
    (dict(X1=np.ones((2, 3)), parameterization="mup"), "parameterization"),
])
def test_bad_inputs_raise_badinput(args, param):
    kw = dict(activation="relu", depth=2, weight_variance=2.0)
    kw.update(args)
    X1, X2 = kw.pop("X1"), kw.pop("X2", None)
    with pytest.raises(BadInput) as e:
        kernel_matrices(X1, X2, **kw)
    assert e.value.param == param


# ----------------------------------------------------------------------------- the command
def test_kernel_command_npy_and_csv(tmp_path, capsys):
    X1, X2 = _inputs(5, n1=5, n2=4)
    np.save(tmp_path / "x.npy", X1)
    np.savetxt(tmp_path / "y.csv", X2, delimiter=",", fmt="%.17g")
    base = ["kernel", "--activation", "erf", "--depth", "3", "--weight-variance", "1.5", "--bias-variance", "0.1"]
    assert main(base + ["--x", str(tmp_path / "x.npy"), "--out", str(tmp_path / "k.npy")]) == 0
    K, T = kernel_matrices(X1, activation="erf", depth=3, weight_variance=1.5, bias_variance=0.1)
    assert np.array_equal(np.load(tmp_path / "k.npy"), T)
    assert main(base + ["--nngp", "--x", str(tmp_path / "x.npy"), "--x2", str(tmp_path / "y.csv"),
                        "--out", str(tmp_path / "k.csv")]) == 0
    K2, _ = kernel_matrices(X1, X2, activation="erf", depth=3, weight_variance=1.5, bias_variance=0.1)
    assert np.array_equal(np.loadtxt(tmp_path / "k.csv", delimiter=","), K2)  # %.17g round-trips
    assert main(base + ["--parameterization", "standard", "--width", "32", "--x", str(tmp_path / "x.npy"),
                        "--out", str(tmp_path / "s.npy")]) == 0
    S = ntk_matrix(X1, activation="erf", depth=3, weight_variance=1.5, bias_variance=0.1,
                   parameterization="standard", width=32)
    assert np.array_equal(np.load(tmp_path / "s.npy"), S)
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize("content, option", [
    ("nan_csv", "--x"), ("vector_npy", "--x"), ("text_csv", "--x"), ("missing", "--x"), ("bad_suffix", "--x"),
    ("dim_mismatch", "--x2"), ("out_suffix", "--out"), ("out_folder", "--out"), ("activation", "--activation"),
    ("width_without_standard", "--width"), ("standard_without_width", "--width"), ("nngp_standard", "--parameterization"),
])
def test_kernel_command_bad_input_one_line_exit_2_nothing_written(tmp_path, capsys, content, option):
    good = tmp_path / "good.npy"
    np.save(good, np.ones((3, 2)) + np.eye(3, 2))
    x, x2, out = str(good), None, str(tmp_path / "k.npy")
    extra = []
    if content == "nan_csv":
        (tmp_path / "a.csv").write_text("1,2\nnan,3\n")
        x = str(tmp_path / "a.csv")
    elif content == "vector_npy":
        np.save(tmp_path / "v.npy", np.ones(3))
        x = str(tmp_path / "v.npy")
    elif content == "text_csv":
        (tmp_path / "t.csv").write_text("a,b\n1,2\n")
        x = str(tmp_path / "t.csv")
    elif content == "missing":
        x = str(tmp_path / "nope.npy")
    elif content == "bad_suffix":
        (tmp_path / "x.txt").write_text("1,2\n")
        x = str(tmp_path / "x.txt")
    elif content == "dim_mismatch":
        np.save(tmp_path / "w.npy", np.ones((2, 5)))
        x2 = str(tmp_path / "w.npy")
    elif content == "out_suffix":
        out = str(tmp_path / "k.txt")
    elif content == "out_folder":
        out = str(tmp_path / "no" / "k.npy")
    elif content == "activation":
        extra = ["--activation", "softsign"]
    elif content == "width_without_standard":
        extra = ["--width", "8"]
    elif content == "standard_without_width":
        extra = ["--parameterization", "standard"]
    elif content == "nngp_standard":
        extra = ["--nngp", "--parameterization", "standard", "--width", "8"]
    argv = ["kernel", "--activation", "relu", "--depth", "2", "--weight-variance", "2", "--x", x, "--out", out]
    argv += (["--x2", x2] if x2 else []) + extra
    before = set(tmp_path.rglob("*"))
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and option in err, err
    assert set(tmp_path.rglob("*")) == before  # nothing written


# ----------------------------------------------------------------------------- --y: training dynamics
def test_kernel_command_predictions_from_files(tmp_path, capsys):
    """--y: the GD prediction [mean | covariance] at the rows of --x2, equal to gd_prediction; --nngp:
    the NNGP posterior; bad targets and --time without --y: one line, exit 2, nothing written."""
    from dltheory.theory.meanfield.dynamics import gd_prediction, nngp_posterior

    X1, X2 = _inputs(7, n1=4, n2=2)
    y = np.array([[1.0], [-0.5], [0.3], [0.2]])
    np.save(tmp_path / "x.npy", X1)
    np.save(tmp_path / "t.npy", X2)
    np.savetxt(tmp_path / "y.csv", y, delimiter=",")
    base = ["kernel", "--activation", "relu", "--depth", "3", "--weight-variance", "2", "--bias-variance", "0.1",
            "--x", str(tmp_path / "x.npy"), "--x2", str(tmp_path / "t.npy"), "--y", str(tmp_path / "y.csv")]
    kw = dict(activation="relu", depth=3, weight_variance=2.0, bias_variance=0.1)
    assert main(base + ["--time", "1.5", "--learning-rate", "0.05", "--out", str(tmp_path / "p.npy")]) == 0
    mean, cov = gd_prediction(X1, y.ravel(), X2, **kw, time=1.5, learning_rate=0.05)
    assert np.array_equal(np.load(tmp_path / "p.npy"), np.concatenate([mean[:, None], cov], axis=1))
    assert main(base + ["--nngp", "--out", str(tmp_path / "q.npy")]) == 0
    pm, pc = nngp_posterior(X1, y.ravel(), X2, **kw)
    assert np.array_equal(np.load(tmp_path / "q.npy"), np.concatenate([pm[:, None], pc], axis=1))
    capsys.readouterr()
    np.save(tmp_path / "bad.npy", np.ones((3, 1)))
    before = set(tmp_path.rglob("*"))
    bad_y = base[:-1] + [str(tmp_path / "bad.npy"), "--out", str(tmp_path / "r.npy")]
    no_y = base[:-2] + ["--time", "2", "--out", str(tmp_path / "r.npy")]
    for argv, option in ((bad_y, "--y"), (no_y, "--time")):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and option in err, err
    assert set(tmp_path.rglob("*")) == before
