"""The empirical NTK of two inputs in O(N L) normals per network, exact in distribution.

Network (NTK parameterisation, as ``estimators.empirical_ntk``): L weight layers
n0 -> N -> ... -> N -> 1, z^l = A^l Ht^{l-1} with A^l = [W^l b^l] standard normal and
Ht^{l-1} = [sqrt(sw/fan) h^{l-1}; sqrt(sb) 1^T] (fan+1 by 2; h^0 = the inputs, h^l = phi(z^l)).
The empirical NTK is Theta = sum_l (Delta^l^T Delta^l) o G^{l-1}, G^{l-1} = Ht^{l-1}^T Ht^{l-1}
(2 x 2), Delta^L = (1, 1), Delta^{l-1} = phi'(z^{l-1}) o sqrt(sw/N) [A^l^T Delta^l]_{1..N}.

Two facts make every step O(N) (proof in docs/meanfield.md, "An O(N L) empirical NTK"):

1. Forward. Given Ht^{l-1}, the rows a_i of A^l are i.i.d. N(0, I), so the rows of
   Z^l = A^l Ht^{l-1} are i.i.d. N(0, G^{l-1}): 2 normals per neuron.
2. Backward. Write P = Ht G^+ Ht^T (the orthogonal projector onto the columns of Ht; G^+
   the pseudo-inverse, so singular G is covered). Then A = Z G^+ Ht^T + A (I - P), and
   A (I - P) is independent of Z = A Ht (jointly Gaussian, uncorrelated) and of every other
   layer. Delta^l depends on the weights only through Z^l and the later layers, so
   A^T Delta = Ht G^+ Z^T Delta + (I - P) E with E = A'^T Delta for an independent copy A',
   whose N+1 rows, given Delta, are i.i.d. N(0, Delta^T Delta): 2 normals per neuron again.

Normals per network: 2N(L-1) forward, 2 for the output, 2(N+1)(L-1) backward, against
N n0 + N^2 (L-2) + N + biases for drawing the weights. ``independent=True`` drops the
conditional term (the backward weights drawn afresh: the "gradient independence"
approximation), a known-wrong sampler for the tests' power check.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..activations import fresh_cache
from .._parallel import map_chunks
from .kernels import ACT_CODE, dphi, phi


@njit(cache=True, nogil=True)
def _cholesky2(a11, a12, a22):
    """(l11, l21, l22) with [[l11, 0], [l21, l22]] [[l11, l21], [0, l22]] = [[a11, a12], [a12, a22]]
    for a positive semi-definite 2 x 2 matrix (rank 0, 1 or 2)."""
    if a11 <= 0.0:
        return 0.0, 0.0, math.sqrt(a22) if a22 > 0.0 else 0.0
    l11 = math.sqrt(a11)
    l21 = a12 / l11
    r = a22 - l21 * l21
    return l11, l21, math.sqrt(r) if r > 1e-15 * a22 else 0.0


@njit(cache=True, nogil=True)
def _pinv2(g11, g12, g22):
    """Moore-Penrose pseudo-inverse (p11, p12, p22) of a symmetric PSD 2 x 2 matrix."""
    det = g11 * g22 - g12 * g12
    tr = g11 + g22
    if det > 1e-13 * tr * tr:
        return g22 / det, -g12 / det, g11 / det
    if tr <= 0.0:
        return 0.0, 0.0, 0.0
    s = 1.0 / (tr * tr)  # rank one: G = tr u u^T with |u| = 1, G^+ = u u^T / tr = G / tr^2
    return g11 * s, g12 * s, g22 * s


@njit(cache=True, nogil=True)
def sampled_ntk(normals, code, sw, sb, k0, depth, width, independent, out):
    """normals (S, M) standard normals, M = normals_per_network(depth, width); k0 (3,) = G^0
    (11, 12, 22). out (S, 5) receives (Theta_11, Theta_12, Theta_22, f(x1), f(x2)) per network."""
    N = width
    Lm1 = depth - 1
    cN = math.sqrt(sw / N)
    rb = math.sqrt(sb)
    z = np.empty((Lm1, 2, N))
    g = np.empty((depth, 3))  # g[l] = G^l, the Gram matrix of Ht^l
    d = np.empty((2, N))
    e = np.empty((2, N + 1))
    for s in range(normals.shape[0]):
        k = 0
        g[0, 0], g[0, 1], g[0, 2] = k0[0], k0[1], k0[2]
        for l in range(Lm1):  # forward: rows of z^{l+1} ~ N(0, G^l)
            l11, l21, l22 = _cholesky2(g[l, 0], g[l, 1], g[l, 2])
            s11 = 0.0
            s12 = 0.0
            s22 = 0.0
            for i in range(N):
                u = normals[s, k]
                v = normals[s, k + 1]
                k += 2
                za = l11 * u
                zb = l21 * u + l22 * v
                z[l, 0, i] = za
                z[l, 1, i] = zb
                pa = phi(code, za)
                pb = phi(code, zb)
                s11 += pa * pa
                s12 += pa * pb
                s22 += pb * pb
            g[l + 1, 0] = sw / N * s11 + sb
            g[l + 1, 1] = sw / N * s12 + sb
            g[l + 1, 2] = sw / N * s22 + sb
        l11, l21, l22 = _cholesky2(g[Lm1, 0], g[Lm1, 1], g[Lm1, 2])
        fa = l11 * normals[s, k]
        fb = l21 * normals[s, k] + l22 * normals[s, k + 1]
        k += 2
        # output layer: Delta^L = (1, 1); its term is G^{L-1}
        t11 = g[Lm1, 0]
        t12 = g[Lm1, 1]
        t22 = g[Lm1, 2]
        c11 = fa  # C = Z^T Delta for the current layer (Z the layer's outputs)
        c12 = fa
        c21 = fb
        c22 = fb
        d11 = 1.0  # D = Delta^T Delta
        d12 = 1.0
        d22 = 1.0
        for l in range(Lm1, 0, -1):  # layer l+1 (1-based) maps Ht^l (input, Gram g[l]) to its rows
            p11, p12, p22 = _pinv2(g[l, 0], g[l, 1], g[l, 2])
            m11 = p11 * c11 + p12 * c21  # M = G^+ C
            m12 = p11 * c12 + p12 * c22
            m21 = p12 * c11 + p22 * c21
            m22 = p12 * c12 + p22 * c22
            e1, e2, e3 = _cholesky2(d11, d12, d22)
            u11 = 0.0  # U = Ht^T E
            u12 = 0.0
            u21 = 0.0
            u22 = 0.0
            for j in range(N + 1):
                a = normals[s, k]
                b = normals[s, k + 1]
                k += 2
                ea = e1 * a
                eb = e2 * a + e3 * b
                e[0, j] = ea
                e[1, j] = eb
                if j < N:
                    ha = cN * phi(code, z[l - 1, 0, j])
                    hb = cN * phi(code, z[l - 1, 1, j])
                else:
                    ha = rb
                    hb = rb
                u11 += ha * ea
                u12 += ha * eb
                u21 += hb * ea
                u22 += hb * eb
            q11 = p11 * u11 + p12 * u21  # Q = G^+ U
            q12 = p11 * u12 + p12 * u22
            q21 = p12 * u11 + p22 * u21
            q22 = p12 * u12 + p22 * u22
            if independent:
                m11 = m12 = m21 = m22 = q11 = q12 = q21 = q22 = 0.0
            d11 = 0.0
            d12 = 0.0
            d22 = 0.0
            c11 = 0.0
            c12 = 0.0
            c21 = 0.0
            c22 = 0.0
            for j in range(N):
                za = z[l - 1, 0, j]
                zb = z[l - 1, 1, j]
                ha = cN * phi(code, za)
                hb = cN * phi(code, zb)
                # A^T Delta, row j: Ht_j (M - Q) + E_j
                ba = ha * (m11 - q11) + hb * (m21 - q21) + e[0, j]
                bb = ha * (m12 - q12) + hb * (m22 - q22) + e[1, j]
                da = dphi(code, za) * cN * ba
                db = dphi(code, zb) * cN * bb
                d[0, j] = da
                d[1, j] = db
                d11 += da * da
                d12 += da * db
                d22 += db * db
                c11 += za * da
                c12 += za * db
                c21 += zb * da
                c22 += zb * db
            t11 += d11 * g[l - 1, 0]
            t12 += d12 * g[l - 1, 1]
            t22 += d22 * g[l - 1, 2]
        out[s, 0] = t11
        out[s, 1] = t12
        out[s, 2] = t22
        out[s, 3] = fa
        out[s, 4] = fb


fresh_cache(_cholesky2, _pinv2, sampled_ntk)


def normals_per_network(depth, width):
    """Standard normals one network of ``sampled_ntk`` consumes."""
    return 2 * width * (depth - 1) + 2 + 2 * (width + 1) * (depth - 1)


def fast_empirical_ntk(activation, depth, width, weight_variance, bias_variance, q1, q2, c, n, seed,
                       independent=False):
    """(n, 5) samples of (Theta_11, Theta_12, Theta_22, f(x1), f(x2)), the same law as
    ``estimators.empirical_ntk`` (every weight drawn) at O(N L) normals per network.

    One SFC64 stream per chunk of 256 networks (``map_chunks``): bit-identical for any thread count.
    """
    if depth < 2:
        raise ValueError("fast_empirical_ntk needs depth >= 2 (one hidden layer at least)")
    code = ACT_CODE[activation]
    sw, sb = float(weight_variance), float(bias_variance)
    k0 = np.array([sw * q1 + sb, sw * c * math.sqrt(q1 * q2) + sb, sw * q2 + sb])
    m = normals_per_network(depth, width)

    def work(gen, size):
        out = np.empty((size, 5))
        block = 64
        buf = np.empty((block, m))
        for start in range(0, size, block):
            stop = min(size, start + block)
            gen.standard_normal(out=buf[:stop - start])
            sampled_ntk(buf[:stop - start], code, sw, sb, k0, depth, width, bool(independent), out[start:stop])
        return out

    return np.concatenate(map_chunks(work, n, 256, seed))
