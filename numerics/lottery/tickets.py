"""Winning tickets (Frankle & Carbin 2019, "The lottery ticket hypothesis: finding sparse, trainable
neural networks", ICLR; Sec. 2, "identifying winning tickets", iterative pruning with rewinding to
the original initialisation), on a small MLP trained by the project's Numba trainer.

One trial: a teacher (a random two-layer ReLU network with ``teacher_width`` hidden units) labels
Gaussian inputs by its sign; a student MLP (``widths``) is trained by mini-batch SGD on the
logistic loss, one epoch per call, with the validation error after every epoch. Each round prunes
``rate`` of the remaining weights of every hidden layer and ``rate / 2`` of the output layer's,
those of least magnitude after training (biases are never pruned), and compares three networks
with the same per-layer sparsity (the paper's controls):

- ``ticket``: the pruned mask with the surviving weights rewound to their original values;
- ``reinit``: the same mask with a fresh random initialisation;
- ``random``: a random mask with the same per-layer counts and the original initialisation.

Each is trained from scratch; recorded: the early-stopping epoch (the first epoch of least
validation error; the paper's measure of training speed) and the test error there. This is an
experiment, not a theorem: ``tools/lottery_tickets.py`` runs it over many seeds and reports
means with standard errors.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..generalization.mlp import batch_order, error_rate_kernel, init_params, layer_sizes, train, weight_mask

CONDITIONS = ("ticket", "reinit", "random")


@dataclass(frozen=True)
class Setup:
    input_dim: int = 20
    widths: tuple[int, ...] = (64, 64)
    teacher_width: int = 8
    n_train: int = 1000
    n_val: int = 1000
    n_test: int = 4000
    epochs: int = 30
    batch: int = 32
    lr: float = 0.05
    rate: float = 0.2  # fraction of the remaining hidden-layer weights pruned per round (output layer: rate / 2)
    rounds: int = 11


def teacher_task(gen: np.random.Generator, setup: Setup):
    """Gaussian inputs labelled by the sign of a random two-layer ReLU teacher (biases N(0, 1/4)),
    split into training, validation and test sets."""
    d, k = setup.input_dim, setup.teacher_width
    W = gen.standard_normal((k, d)) / np.sqrt(d)
    b = 0.5 * gen.standard_normal(k)
    a = gen.standard_normal(k)
    n = setup.n_train + setup.n_val + setup.n_test
    X = gen.standard_normal((n, d))
    f = np.maximum(X @ W.T + b, 0.0) @ a
    y = np.where(f - np.median(f) > 0, 1.0, -1.0)  # balanced classes
    cut = np.cumsum([setup.n_train, setup.n_val])
    return np.split(X, cut), np.split(y, cut)


def layer_slices(sizes) -> list[slice]:
    """The slice of each layer's weight matrix in the flat parameter vector (biases excluded)."""
    out, o = [], 0
    for i in range(len(sizes) - 1):
        nin, nout = int(sizes[i]), int(sizes[i + 1])
        out.append(slice(o, o + nin * nout))
        o += nin * nout + nout
    return out


def prune(params: np.ndarray, mask: np.ndarray, sizes, rate: float) -> np.ndarray:
    """The next mask: per layer, the ``rate`` fraction (``rate / 2`` for the output layer) of the
    still-unpruned weights of least |value| is removed (rounded to the nearest count; ties by index)."""
    new = mask.copy()
    slices = layer_slices(sizes)
    for i, s in enumerate(slices):
        alive = np.flatnonzero(mask[s])
        r = rate / 2 if i == len(slices) - 1 else rate
        k = int(round(r * alive.size))
        order = alive[np.argsort(np.abs(params[s][alive]), kind="stable")]
        new[s.start + order[:k]] = 0.0
    return new


def random_mask(gen: np.random.Generator, like: np.ndarray, sizes) -> np.ndarray:
    """A mask with the same number of surviving weights per layer as ``like``, positions uniform."""
    new = weight_mask(sizes) * 0.0
    new += like * (1 - weight_mask(sizes))  # biases as in ``like`` (all kept)
    for s in layer_slices(sizes):
        keep = int(like[s].sum())
        new[s.start + gen.choice(s.stop - s.start, keep, replace=False)] = 1.0
    return new


def train_and_stop(params: np.ndarray, mask: np.ndarray, sizes, data, setup: Setup, gen: np.random.Generator):
    """SGD one epoch at a time from ``params * mask`` (pruned weights stay 0: the mask multiplies
    the gradient). Returns (early-stop epoch, test error there, the trained parameters)."""
    (X, Xv, Xt), (y, yv, yt) = data
    w = params * mask
    best = (np.inf, 0, np.inf)
    for epoch in range(1, setup.epochs + 1):
        train(X, y, w, sizes, batch_order(gen, X.shape[0], 1), batch=setup.batch, lr=setup.lr,
              optimizer="sgd", mask=mask)
        val = error_rate_kernel(w, sizes, Xv, yv)
        if val < best[0]:
            best = (val, epoch, error_rate_kernel(w, sizes, Xt, yt))
    return best[1], best[2], w


def trial(seed: int, setup: Setup = Setup()) -> dict:
    """One seed: per round, the fraction of weights remaining and, per condition, the early-stop
    epoch and the test error there. Streams: task, initialisations, batch orders, random masks."""
    task_gen, init_gen, order_gen, mask_gen = (np.random.Generator(np.random.SFC64(s))
                                               for s in np.random.SeedSequence(seed).spawn(4))
    data = teacher_task(task_gen, setup)
    sizes = layer_sizes(setup.input_dim, setup.widths)
    theta0 = init_params(init_gen, sizes)
    weights = weight_mask(sizes)
    mask = np.ones_like(theta0)
    out = {"remaining": [], **{c: {"epoch": [], "test_error": []} for c in CONDITIONS}}
    for _ in range(setup.rounds):
        out["remaining"].append(float((mask * weights).sum() / weights.sum()))
        runs = {"ticket": (theta0, mask), "reinit": (init_params(init_gen, sizes), mask),
                "random": (theta0, random_mask(mask_gen, mask, sizes))}
        trained = None
        for c in CONDITIONS:
            epoch, err, w = train_and_stop(*runs[c], sizes, data, setup, order_gen)
            out[c]["epoch"].append(epoch)
            out[c]["test_error"].append(err)
            trained = w if c == "ticket" else trained
        mask = prune(trained, mask, sizes, setup.rate)
    return out
