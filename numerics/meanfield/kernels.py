"""Numba kernels of the mean-field simulators: the sampling path and the fused empirical NTK.

Activations are the Numba forms of the activation table (``dltheory.numerics.activations``: the
table's plain-``math`` functions, compiled): ``phi(code, u)`` and ``dphi(code, u)`` dispatch on
``ACT_CODE``. ``fresh_cache`` drops these kernels' on-disk cache when the table changes.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..activations import fresh_cache, numba_form

ACT_CODE = {"linear": 0, "relu": 1, "tanh": 2, "erf": 3, "sigmoid": 4, "softplus": 5, "gelu": 6,
            "swish": 7, "sin": 8}
CHUNK = 256  # samples per random stream (part of the seed)

_linear, _relu, _tanh, _erf, _sigmoid, _softplus, _gelu, _swish, _sin = (numba_form(a, 0) for a in ACT_CODE)
_linear1, _relu1, _tanh1, _erf1, _sigmoid1, _softplus1, _gelu1, _swish1, _sin1 = (numba_form(a, 1) for a in ACT_CODE)


@njit(cache=True, nogil=True)
def phi(code, u):
    """The activation of code ``code`` (``ACT_CODE``) at u."""
    if code == 0:
        return _linear(u)
    if code == 1:
        return _relu(u)
    if code == 2:
        return _tanh(u)
    if code == 3:
        return _erf(u)
    if code == 4:
        return _sigmoid(u)
    if code == 5:
        return _softplus(u)
    if code == 6:
        return _gelu(u)
    if code == 7:
        return _swish(u)
    return _sin(u)


@njit(cache=True, nogil=True)
def dphi(code, u):
    """Its derivative."""
    if code == 0:
        return _linear1(u)
    if code == 1:
        return _relu1(u)
    if code == 2:
        return _tanh1(u)
    if code == 3:
        return _erf1(u)
    if code == 4:
        return _sigmoid1(u)
    if code == 5:
        return _softplus1(u)
    if code == 6:
        return _gelu1(u)
    if code == 7:
        return _swish1(u)
    return _sin1(u)


@njit(cache=True, nogil=True)
def gram_path(normals, code, sw, sb, g0, out):
    """Sampling path. normals: (S, L-1, k, N) standard normals; g0: (3,) = K^1 (11, 12, 22).

    out: (S, L, 3) receives G^0 .. G^{L-1} per sample (k = 1: only entry 0 is used).
    """
    S, Lm1, k, N = normals.shape
    for s in range(S):
        g11, g12, g22 = g0[0], g0[1], g0[2]
        out[s, 0, 0], out[s, 0, 1], out[s, 0, 2] = g11, g12, g22
        for l in range(Lm1):
            a = math.sqrt(g11)
            s11 = 0.0
            s12 = 0.0
            s22 = 0.0
            if k == 1:
                for j in range(N):
                    p = phi(code, a * normals[s, l, 0, j])
                    s11 += p * p
                g11 = sb + sw * s11 / N
                g12 = g11
                g22 = g11
            else:
                b = g12 / a if a > 0.0 else 0.0
                r = g22 - b * b
                d = math.sqrt(r) if r > 0.0 else 0.0
                for j in range(N):
                    n1 = normals[s, l, 0, j]
                    p1 = phi(code, a * n1)
                    p2 = phi(code, b * n1 + d * normals[s, l, 1, j])
                    s11 += p1 * p1
                    s12 += p1 * p2
                    s22 += p2 * p2
                g11 = sb + sw * s11 / N
                g12 = sb + sw * s12 / N
                g22 = sb + sw * s22 / N
            out[s, l + 1, 0], out[s, l + 1, 1], out[s, l + 1, 2] = g11, g12, g22



@njit(cache=True, nogil=True)
def ntk_kernel(W1, Wh, wout, bias, bout, X, code, sw, sb, z, out):
    """Empirical NTK of one drawn network (NTK parameterisation), forward and backward fused.

    W1 (N, n0), Wh (L-2, N, N), wout (N,), bias (L-1, N), bout (1,), X (2, n0): standard
    normal weights and the two inputs; z (L-1, 2, N) is scratch. out = (T11, T12, T22, f1, f2).
    """
    Lm1, _, N = z.shape
    n0 = X.shape[1]
    rb = math.sqrt(sb)
    c1 = math.sqrt(sw / n0)
    cN = math.sqrt(sw / N)
    for i in range(N):
        s0 = 0.0
        s1 = 0.0
        for k in range(n0):
            s0 += W1[i, k] * X[0, k]
            s1 += W1[i, k] * X[1, k]
        z[0, 0, i] = c1 * s0 + rb * bias[0, i]
        z[0, 1, i] = c1 * s1 + rb * bias[0, i]
    h = np.empty((2, N))
    for l in range(1, Lm1):
        for j in range(N):
            h[0, j] = phi(code, z[l - 1, 0, j])
            h[1, j] = phi(code, z[l - 1, 1, j])
        W = Wh[l - 1]
        for i in range(N):
            s0 = 0.0
            s1 = 0.0
            for j in range(N):
                s0 += W[i, j] * h[0, j]
                s1 += W[i, j] * h[1, j]
            z[l, 0, i] = cN * s0 + rb * bias[l, i]
            z[l, 1, i] = cN * s1 + rb * bias[l, i]
    # output layer and its contribution (delta^L = 1)
    f0 = 0.0
    f1 = 0.0
    hh00 = 0.0
    hh01 = 0.0
    hh11 = 0.0
    d = np.empty((2, N))
    for i in range(N):
        p0 = phi(code, z[Lm1 - 1, 0, i])
        p1 = phi(code, z[Lm1 - 1, 1, i])
        f0 += wout[i] * p0
        f1 += wout[i] * p1
        hh00 += p0 * p0
        hh01 += p0 * p1
        hh11 += p1 * p1
        d[0, i] = dphi(code, z[Lm1 - 1, 0, i]) * cN * wout[i]
        d[1, i] = dphi(code, z[Lm1 - 1, 1, i]) * cN * wout[i]
    t00 = sw / N * hh00 + sb
    t01 = sw / N * hh01 + sb
    t11 = sw / N * hh11 + sb
    dn = np.empty((2, N))
    for l in range(Lm1 - 1, -1, -1):  # layer l+1 in 1-based numbering; its input is h^{l}
        dd00 = 0.0
        dd01 = 0.0
        dd11 = 0.0
        for i in range(N):
            dd00 += d[0, i] * d[0, i]
            dd01 += d[0, i] * d[1, i]
            dd11 += d[1, i] * d[1, i]
        if l == 0:
            xx00 = 0.0
            xx01 = 0.0
            xx11 = 0.0
            for k in range(n0):
                xx00 += X[0, k] * X[0, k]
                xx01 += X[0, k] * X[1, k]
                xx11 += X[1, k] * X[1, k]
            t00 += dd00 * (sw / n0 * xx00 + sb)
            t01 += dd01 * (sw / n0 * xx01 + sb)
            t11 += dd11 * (sw / n0 * xx11 + sb)
            break
        hh00 = 0.0
        hh01 = 0.0
        hh11 = 0.0
        for j in range(N):
            p0 = phi(code, z[l - 1, 0, j])
            p1 = phi(code, z[l - 1, 1, j])
            hh00 += p0 * p0
            hh01 += p0 * p1
            hh11 += p1 * p1
            dn[0, j] = 0.0
            dn[1, j] = 0.0
        t00 += dd00 * (sw / N * hh00 + sb)
        t01 += dd01 * (sw / N * hh01 + sb)
        t11 += dd11 * (sw / N * hh11 + sb)
        W = Wh[l - 1]
        for i in range(N):
            a0 = d[0, i]
            a1 = d[1, i]
            for j in range(N):
                dn[0, j] += W[i, j] * a0
                dn[1, j] += W[i, j] * a1
        for j in range(N):
            d[0, j] = dphi(code, z[l - 1, 0, j]) * cN * dn[0, j]
            d[1, j] = dphi(code, z[l - 1, 1, j]) * cN * dn[1, j]
    out[0] = t00
    out[1] = t01
    out[2] = t11
    out[3] = cN * f0 + rb * bout[0]
    out[4] = cN * f1 + rb * bout[0]


fresh_cache(phi, dphi, gram_path, ntk_kernel)
