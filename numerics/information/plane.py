"""The information-plane experiment (Shwartz-Ziv & Tishby 2017; Saxe et al. 2018), done twice: with the
binning estimator and with the exact information of the same network made noisy.

- ``twelve_bit_task``: 4096 inputs x in {-1, 1}^12, one per vertex subset of the regular icosahedron
  (12 points spread uniformly on the sphere); the label is 1 where the O(3)-invariant
  f(x) = |sum_i x_i v_i|^2 exceeds its median (ties at the median go to 0), so about half are
  positive. Shwartz-Ziv & Tishby describe 12 binary inputs for 12 points on a sphere and a
  spherically symmetric rule thresholded near half; their exact f was not available, this one is ours.
- ``run``: a 12-10-7-5-4-3-1 network (their layer widths) trained by Adam on 80% of the inputs,
  snapshots at log-spaced epochs; for every hidden layer and snapshot, over all 4096 inputs:
  binning (30 edges on [-1, 1] for tanh as in their code; for ReLU on [0, the layer's largest
  activation at that snapshot]) I(X;T) = H(T_bin) and I(T;Y) = H(T_bin) - H(T_bin|Y); and the exact
  I(X;T), I(T;Y) of the noisy layer T + N(0, s^2 I) by the unbiased Monte Carlo of
  ``kernels.noisy_layer_sums`` (one draw per input per snapshot, stratified).
"""
from __future__ import annotations

import math

import numpy as np

from .kernels import noisy_layer_sums
from .trainer import RELU, TANH, hidden_layers, init_params, logits, train_epochs

SIZES = np.array([12, 10, 7, 5, 4, 3, 1], dtype=np.int64)


def icosahedron() -> np.ndarray:
    """The 12 unit vertices of the regular icosahedron: cyclic permutations of (0, +-1, +-phi)."""
    phi = (1 + math.sqrt(5)) / 2
    pts = []
    for a in (-1.0, 1.0):
        for b in (-phi, phi):
            pts += [(0.0, a, b), (a, b, 0.0), (b, 0.0, a)]
    v = np.array(pts)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def twelve_bit_task() -> tuple[np.ndarray, np.ndarray]:
    """(X, y): all 4096 patterns in {-1, 1}^12 and their labels (see the module docstring)."""
    bits = (np.arange(4096)[:, None] >> np.arange(12)) & 1
    X = 2.0 * bits - 1.0
    f = np.sum((X @ icosahedron()) ** 2, axis=1)
    return X, (f > np.median(f)).astype(np.int64)


def _entropy(codes: np.ndarray) -> float:
    _, counts = np.unique(codes, axis=0, return_counts=True)
    p = counts / counts.sum()
    return float(-np.sum(p * np.log(p)))


def binned_informations(T: np.ndarray, y: np.ndarray, lo: float, hi: float, bins: int = 30) -> tuple[float, float]:
    """(I(X;T), I(T;Y)) by binning, X uniform on the (distinct) rows: H(T_bin), H(T_bin) - H(T_bin|Y)."""
    edges = np.linspace(lo, hi, bins)
    codes = np.digitize(T, edges)
    h = _entropy(codes)
    h_y = sum(np.mean(y == c) * _entropy(codes[y == c]) for c in (0, 1))
    return h, h - h_y


def noisy_informations(T: np.ndarray, y: np.ndarray, noise: float, gen: np.random.Generator, draws: int = 1):
    """(I(X;T), s.e., I(T;Y), s.e.) of T + N(0, noise^2 I), X uniform on the rows, by Monte Carlo."""
    K, k = T.shape
    counts = np.array([np.sum(y == 0), np.sum(y == 1)], dtype=np.float64)
    sums = noisy_layer_sums(np.ascontiguousarray(T, dtype=np.float64), y.astype(np.int64), counts, noise,
                            gen.standard_normal((K, draws, k)))
    n = K * draws
    out = []
    for c in (0, 2):
        mean = sums[:, c].sum() / n
        var = max(sums[:, c + 1].sum() / n - mean * mean, 0.0)
        out += [float(mean), float(math.sqrt(var / (n - 1)))]
    return tuple(out)


def snapshot_epochs(epochs: int, count: int) -> list[int]:
    return sorted(set(int(round(e)) for e in np.geomspace(1, epochs, count)))


def run(act: int, seed: int, *, epochs: int = 1000, lr: float = 3e-3, batch: int = 256, noise: float = 0.1,
        snapshots: int = 24) -> dict:
    """Train one network and measure the information plane at the snapshots (see the module docstring).
    Returns arrays indexed [snapshot, layer]: bin_x, bin_y, noisy_x, noisy_y (and their s.e.), the
    epochs, and the train/test error at each snapshot."""
    gen = np.random.Generator(np.random.SFC64(np.random.SeedSequence([seed, act])))
    X, y = twelve_bit_task()
    train = gen.permutation(4096)[:int(0.8 * 4096)]
    test = np.setdiff1d(np.arange(4096), train)
    params = init_params(gen, SIZES, act)
    m, v = np.zeros_like(params), np.zeros_like(params)
    yf = y.astype(np.float64)
    step, done = 0, 0
    rec: dict[str, list] = {k: [] for k in ("bin_x", "bin_y", "noisy_x", "noisy_x_se", "noisy_y", "noisy_y_se",
                                            "train_error", "test_error")}
    marks = snapshot_epochs(epochs, snapshots)
    for mark in marks:
        order = np.concatenate([gen.permutation(train) for _ in range(mark - done)]).astype(np.int64)
        step = train_epochs(X, yf, params, SIZES, act, order, batch, lr, m, v, step)
        done = mark
        layers = hidden_layers(params, SIZES, act, X)
        row = {k: [] for k in rec}
        for T in layers:
            hi = 1.0 if act == TANH else max(float(T.max()), 1e-12)
            bx, by = binned_informations(T, y, -1.0 if act == TANH else 0.0, hi)
            nx, nxs, ny, nys = noisy_informations(T, y, noise, gen)
            for key, val in zip(("bin_x", "bin_y", "noisy_x", "noisy_x_se", "noisy_y", "noisy_y_se"),
                                (bx, by, nx, nxs, ny, nys)):
                row[key].append(val)
        pred = logits(params, SIZES, act, X) > 0
        row["train_error"] = float(np.mean(pred[train] != y[train]))
        row["test_error"] = float(np.mean(pred[test] != y[test]))
        for key in rec:
            rec[key].append(row[key])
    out = {k: np.array(val) for k, val in rec.items()}
    out["epochs"] = np.array(marks)
    return out


def compression(series: np.ndarray) -> np.ndarray:
    """Per layer: the final value minus the largest value along training (<= 0; < 0 means compression)."""
    return series[-1] - series.max(axis=0)


ACTIVATIONS = {"tanh": TANH, "relu": RELU}
