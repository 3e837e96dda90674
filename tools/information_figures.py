"""Figures for docs/information.md (run by hand: .venv/bin/python tools/information_figures.py).

1. gaussian_ib_plane.png: the Gaussian information curve for eigenvalues (0.1, 0.5, 0.9), with the
   exact (I(T;X), I(T;Y)) of 3,000 random linear-Gaussian encoders and Chechik et al.'s optimal
   encoders at 12 tradeoffs.
2. noisy_layer_information.png: a saturated tanh layer (64 inputs {-1,1}^6, 4 units, gain 3):
   Monte Carlo I(X;T) of the noisy layer with 2 s.e. bars, the Kolchinsky-Tracey bounds, and the
   binning estimate of the noise-free layer; right panel: the binning estimate against the bin count.
"""
from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from dltheory.numerics.information import checks, kernels  # noqa: E402
from dltheory.theory import evaluate  # noqa: E402
from dltheory.theory import information as info  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "docs" / "figures" / "information"
META = {"Software": None}  # no version string: byte-identical reruns


def ib_plane() -> None:
    lam = [0.1, 0.5, 0.9]
    gen = np.random.Generator(np.random.SFC64(20251204))
    cov_x, cov_xy, cov_y = kernels.ib_instance(gen, lam)
    cov_x_y = kernels.conditional_cov(cov_x, cov_xy, cov_y)
    points = []
    for k in (1, 2, 3, 4, 5):
        A, noise = kernels.random_encoders(gen, 600, k, 4, None)
        scale = np.exp(gen.uniform(np.log(0.05), np.log(20.0), 600))
        points += [kernels.encoder_informations(c * a, n, cov_x, cov_x_y) for c, a, n in zip(scale, A, noise)]
    pts = np.array(points)
    xs = np.linspace(0.0, 6.0, 400)
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    ax.plot(pts[:, 0], pts[:, 1], ".", ms=2, color="0.6", label="3000 random linear-Gaussian encoders (exact)")
    ax.plot(xs, [evaluate("gaussian-ib-curve", eigenvalues=lam, info_x=float(v)) for v in xs], "-", color="C0",
            label="Gaussian information curve")
    optimal = []
    for v in np.linspace(0.3, 5.5, 12):
        A, n, _ = info.gaussian_ib_encoder(cov_x, cov_xy, cov_y, info.gaussian_ib_beta(lam, float(v)))
        optimal.append(kernels.encoder_informations(A, n, cov_x, cov_x_y))
    optimal = np.array(optimal)
    ax.plot(optimal[:, 0], optimal[:, 1], "o", color="C3", ms=4, label="optimal encoders (Theorem 3.1)")
    for end in info.gaussian_ib_segments(lam)[:-1]:
        ax.axvline(end, color="C0", ls=":", lw=0.8)
    ax.axhline(-0.5 * sum(math.log(v) for v in lam), color="k", ls="--", lw=0.8, label="I(X;Y)")
    ax.set_xlim(0, 6)
    ax.set_ylim(0, 1.7)
    ax.set_xlabel("I(T;X) (nats)")
    ax.set_ylabel("I(T;Y) (nats)")
    ax.set_title("Gaussian IB, eigenvalues 0.1, 0.5, 0.9 (dotted: a component switches on)", fontsize=9)
    ax.legend(fontsize=7, loc="lower right")
    fig.savefig(OUT / "gaussian_ib_plane.png", dpi=110, metadata=META)
    plt.close(fig)


def noisy_layer() -> None:
    layer = dict(checks.BINNING_LAYER)
    centers = info.layer_centers(**layer)
    noises = np.geomspace(0.02, 1.5, 12)
    est = [checks.mixture_information_mc(centers, float(s), 20_000, np.random.SeedSequence([7, i]))
           for i, s in enumerate(noises)]
    dense = np.geomspace(0.02, 1.5, 80)
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    ax.plot(dense, [evaluate("mixture-information-kl-upper", **layer, noise=float(s)) for s in dense], "-", color="C1",
            label="KL upper bound")
    ax.plot(dense, [evaluate("mixture-information-bhattacharyya-lower", **layer, noise=float(s)) for s in dense], "-",
            color="C2", label="Bhattacharyya lower bound")
    ax.errorbar(noises, [e.value for e in est], yerr=[2 * e.stderr for e in est], fmt="o", ms=3, color="k",
                label="Monte Carlo I(X;T) (2 s.e.)")
    ax.axhline(evaluate("binned-layer-information", **layer, bins=30), color="C3", ls="--",
               label="binning estimate, 30 edges on [-1,1]")
    ax.axhline(math.log(64), color="0.5", ls=":", lw=0.8, label="ln K")
    ax.set_xscale("log")
    ax.set_xlabel("noise s")
    ax.set_ylabel("I(X;T) (nats)")
    ax.set_title("tanh layer, 64 inputs, 4 units, gain 3: T = tanh(Wx) + N(0, s^2 I)", fontsize=9)
    ax.legend(fontsize=7)
    bins = np.unique(np.geomspace(2, 10_000, 40).astype(int))
    bx.plot(bins, [evaluate("binned-layer-information", **layer, bins=int(b)) for b in bins], "o-", ms=3, color="C3",
            label="64-input layer")
    big = {"form": "random-layer", "input_dim": 12, "units": 10, "activation": "tanh", "gain": 3.0, "seed": 2}
    bx.plot(bins, [evaluate("binned-layer-information", **big, bins=int(b)) for b in bins], "s-", ms=3, color="C4",
            label="12-bit layer (4096 inputs, 10 units)")
    bx.axhline(math.log(64), color="0.5", ls=":", lw=0.8)
    bx.axhline(math.log(4096), color="0.5", ls=":", lw=0.8)
    bx.set_xscale("log")
    bx.set_xlabel("bin edges (np.linspace(-1, 1, bins))")
    bx.set_ylabel("binning estimate of I(X;T) (nats)")
    bx.set_title("The binning estimate is a function of the bin count", fontsize=9)
    bx.legend(fontsize=7)
    fig.savefig(OUT / "noisy_layer_information.png", dpi=110, metadata=META)
    plt.close(fig)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    ib_plane()
    noisy_layer()
    print(f"wrote {OUT}")
