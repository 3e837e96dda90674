"""Numba kernels of the depth-vs-width simulators and their helpers (one module, so that Numba's
cache stays coherent): the four-neuron multiplication gate and the 3-neuron square gate of an
activation of the table, the binary product tree, the shallow 2^n-neuron product and powers by
repeated squaring."""
from __future__ import annotations

import numpy as np
from numba import njit

from ...theory import depth_width as theory
from ..activations import fresh_cache, numba_form

ACTIVATION_ID = {name: i for i, name in enumerate(theory.ACTIVATIONS)}
_softplus, _exp, _tanh, _logistic = (numba_form(name) for name in theory.ACTIVATIONS)  # the activation table


@njit(cache=True, nogil=True)
def _act(kind, x):
    if kind == 0:
        return _softplus(x)
    if kind == 1:
        return _exp(x)
    if kind == 2:
        return _tanh(x)
    return _logistic(x)


@njit(cache=True, nogil=True)
def _gate(kind, bias, d2, lam, p, q):
    """m(lam p, lam q)/lam^2 with the biased four-neuron gate (Lin, Tegmark & Rolnick, Eq. 11)."""
    s, t = lam * (p + q), lam * (p - q)
    num = _act(kind, s + bias) + _act(kind, -s + bias) - _act(kind, t + bias) - _act(kind, -t + bias)
    return num / (4.0 * d2 * lam * lam)


@njit(cache=True, nogil=True)
def tree_relative_error(kind, bias, d2, lam, x):
    """Relative error of the product tree on each row of x (pairs adjacent values, carries odd ones)."""
    n_samples, n = x.shape
    out = np.empty(n_samples)
    vals = np.empty(n)
    for i in range(n_samples):
        exact = 1.0
        for j in range(n):
            vals[j] = x[i, j]
            exact *= x[i, j]
        count = n
        while count > 1:
            half = count // 2
            for g in range(half):
                vals[g] = _gate(kind, bias, d2, lam, vals[2 * g], vals[2 * g + 1])
            if count % 2 == 1:
                vals[half] = vals[count - 1]
                count = half + 1
            else:
                count = half
        out[i] = vals[0] / exact - 1.0
    return out


@njit(cache=True, nogil=True)
def shallow_relative_error(kind, bias, norm, lam, x):
    """Relative error of the 2^n-neuron shallow product on each row of x.

    f(x) = sum_{s in {+-1}^n} (prod s) sigma(lam s.x + b) / (norm lam^n), norm = 2^n sigma^(n)(b).
    """
    n_samples, n = x.shape
    out = np.empty(n_samples)
    for i in range(n_samples):
        exact = 1.0
        for j in range(n):
            exact *= x[i, j]
        total = 0.0
        for mask in range(2**n):
            dot, sign = 0.0, 1.0
            for j in range(n):
                if (mask >> j) & 1:
                    dot -= x[i, j]
                    sign = -sign
                else:
                    dot += x[i, j]
            total += sign * _act(kind, lam * dot + bias)
        out[i] = total / (norm * lam**n) / exact - 1.0
    return out


@njit(cache=True, nogil=True)
def _square(kind, bias, d2, lam, p):
    """3-neuron square gate [s(lam p) + s(-lam p) - 2 s(0)] / (sigma''(b) lam^2), s(t) = sigma(t + b)."""
    return (_act(kind, lam * p + bias) + _act(kind, -lam * p + bias) - 2.0 * _act(kind, bias)) / (d2 * lam * lam)


@njit(cache=True, nogil=True)
def power_by_squaring(kind, bias, d2, lam, x, r):
    """x^r for each entry of x by square gates and product gates along the binary digits of r."""
    out = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        base, acc, first, e = x[i], 1.0, True, r
        while e > 0:
            if e & 1:
                acc = base if first else _gate(kind, bias, d2, lam, acc, base)
                first = False
            e >>= 1
            if e > 0:
                base = _square(kind, bias, d2, lam, base)
        out[i] = acc
    return out


@njit(cache=True, nogil=True)
def activate(kind, z):
    """The activation applied entrywise to a 1-D array (the hidden units of a built network)."""
    out = np.empty_like(z)
    for i in range(z.shape[0]):
        out[i] = _act(kind, z[i])
    return out


fresh_cache(_act, _gate, tree_relative_error, shallow_relative_error, _square, power_by_squaring, activate)
