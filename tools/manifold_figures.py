"""Figure for docs/manifold.md (run by hand: .venv/bin/python tools/manifold_figures.py).

network_layers.png: capacity alpha_M (2 s.e. bars), anchor radius R_M and anchor dimension D_M of
10 object manifolds through the layers of the small random ReLU network of
``dltheory.numerics.manifold.example`` (kappa = 0, 1000 Gaussian samples per manifold, seed 0).
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from dltheory.numerics.manifold.example import table  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "docs" / "figures" / "manifold"
META = {"Software": None}  # no version string: byte-identical reruns


def main() -> None:
    rows = table()
    layers = [r[0] for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.2), layout="constrained")
    axes[0].errorbar(layers, [r[1] for r in rows], yerr=[2 * r[2] for r in rows], fmt="o-", capsize=3)
    axes[0].set_ylabel("capacity alpha_M")
    axes[1].plot(layers, [r[3] for r in rows], "o-")
    axes[1].set_ylabel("anchor radius R_M")
    axes[2].plot(layers, [r[4] for r in rows], "o-")
    axes[2].set_ylabel("anchor dimension D_M")
    for ax in axes:
        ax.set_xlabel("layer (0: input)")
        ax.set_xticks(layers)
    fig.suptitle("10 object manifolds through a random ReLU network (width 300, kappa = 0)", fontsize=10)
    OUT.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT / "network_layers.png", dpi=110, metadata=META)
    plt.close(fig)


if __name__ == "__main__":
    main()
