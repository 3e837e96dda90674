"""The activation table (``dltheory.theory.activations``): its forms against each other, point by
point: scalar (math) vs mpmath vs NumPy vs Numba, each derivative against ``mpmath.diff`` of the
mpmath form, and the any-order derivatives of the analytic activations against ``mpmath.diff``."""
import math
import subprocess
import sys

import mpmath
import numpy as np
import pytest

from dltheory.numerics.activations import fresh_cache, numba_form, table_stamp
from dltheory.theory import activations as act

#: points away from the kinks of relu (0) and hardtanh (+-1), where the derivatives are defined
POINTS = (-7.5, -2.3, -1.2, -0.7, -0.31, 0.05, 0.4, 0.93, 1.6, 3.1, 12.0)
NAMES = tuple(act.SCALAR)


def _close(a, b, rel=1e-13, abs_=1e-15):
    return abs(float(a) - float(b)) <= rel * abs(float(b)) + abs_


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("d", [0, 1, 2])
def test_scalar_mpmath_numpy_and_numba_forms_agree(name, d):
    scalar, mp, vec, jit = (act.scalar(name, d), act.mpmath_form(name, d), act.numpy_form(name, d),
                            numba_form(name, d))
    xs = np.array(POINTS)
    got = vec(xs)
    assert got.dtype == np.float64 and got.shape == xs.shape
    with mpmath.workdps(30):
        for i, x in enumerate(POINTS):
            want = mp(mpmath.mpf(x))
            assert _close(scalar(x), want), (name, d, x, scalar(x), want)
            assert _close(got[i], want), (name, d, x, got[i], want)
            assert jit(x) == scalar(x), (name, d, x)  # the Numba form is the scalar function compiled


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("d", [1, 2])
def test_derivatives_against_mpmath_diff(name, d):
    base = act.mpmath_form(name, 0)
    with mpmath.workdps(30):
        for x in POINTS:
            want = mpmath.diff(base, mpmath.mpf(x), d)
            assert _close(act.scalar(name, d)(x), want, rel=1e-12, abs_=1e-14), (name, d, x)


@pytest.mark.parametrize("name", ["softplus", "exp", "tanh", "logistic"])
@pytest.mark.parametrize("k", [1, 2, 3, 4, 6, 9])
def test_any_order_derivative_of_the_analytic_activations(name, k):
    """Float evaluation of the derivative polynomial loses the digits its cancellation costs: the
    tolerance is 1e-14 times the condition number sum_i |c_i y^i| / |value|."""
    base = act.mpmath_form(name, 0)
    with mpmath.workdps(40):
        for x in (-1.3, 0.0, 0.66, 2.1):
            want = mpmath.diff(base, mpmath.mpf(x), k)
            cond = 1.0
            if name != "exp":
                y = 1 / (1 + math.exp(-x)) if name == "softplus" else math.tanh(x / 2 if name == "logistic" else x)
                terms = sum(abs(float(c)) * abs(y) ** i for i, c in enumerate(act.derivative_polynomials(name, k)[k]))
                cond = max(1.0, terms / (2 ** (k + 1) if name == "logistic" else 1) / max(abs(float(want)), 1e-300))
            assert _close(act.derivative(name, k, x), want, rel=1e-14 * cond, abs_=1e-14), (name, k, x, cond)
    if k <= 2:
        assert act.derivative(name, k, 0.3) == pytest.approx(act.scalar(name, k)(0.3), rel=1e-14)


def test_derivative_polynomials_are_exact():
    """tanh'' = -2t(1 - t^2) = -2t + 2t^3; softplus'' = s(1 - s) = s - s^2."""
    from fractions import Fraction

    assert act.derivative_polynomials("tanh", 2)[2] == [0, -2, 0, 2]
    assert act.derivative_polynomials("softplus", 2)[2] == [Fraction(0), Fraction(1), Fraction(-1)]
    assert act.derivative_polynomials("logistic", 3) == act.derivative_polynomials("tanh", 3)


def test_aliases_kinks_and_bad_names():
    assert act.scalar("logistic") is act.scalar("sigmoid")
    assert act.scalar("relu", 1)(0.0) == 0.0 and act.scalar("hardtanh", 1)(1.0) == 0.0
    assert act.scalar("hardtanh")(-3.0) == -1.0 and act.scalar("relu")(-3.0) == 0.0
    assert act.scalar("softplus")(800.0) == 800.0 and act.scalar("softplus")(-800.0) == 0.0  # no overflow
    with pytest.raises(KeyError):
        act.scalar("softsign")
    with pytest.raises(ValueError):
        act.scalar("tanh", 3)
    with pytest.raises(ValueError):
        act.derivative("relu", 3, 0.5)


def test_the_meanfield_and_depth_width_tables_are_this_table():
    from dltheory.theory import depth_width
    from dltheory.theory.meanfield import ACTIVATIONS, Gauss

    assert set(ACTIVATIONS) <= set(act.NAMES) and set(depth_width.ACTIVATIONS) <= set(act.NAMES)
    assert Gauss("gelu").form(1) is act.numpy_form("gelu", 1)
    assert depth_width.derivative("tanh", 4, 0.3) == act.derivative("tanh", 4, 0.3)


def test_fresh_cache_marks_kernels_with_the_table_stamp(tmp_path):
    """A kernel's cache is flushed once per table version (a stamp file in its cache folder)."""
    class Cache:
        cache_path = str(tmp_path)
        flushed = 0

        def flush(self):
            Cache.flushed += 1

    class Kernel:
        _cache = Cache()

        @staticmethod
        def py_func():
            pass

    fresh_cache(Kernel)
    fresh_cache(Kernel)
    assert Cache.flushed == 1
    marker = next(tmp_path.glob("*.activations"))
    assert marker.read_text() == table_stamp()
    marker.write_text("old")
    fresh_cache(Kernel)
    assert Cache.flushed == 2


def test_the_table_imports_neither_numpy_numba_nor_sympy():
    code = ("import sys; from dltheory.theory import activations as a; a.scalar('gelu', 2)(0.3); "
            "a.derivative('tanh', 5, 0.2); print(sorted({'numpy', 'numba', 'sympy', 'mpmath'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert math.isfinite(act.scalar("gelu", 2)(0.3))
