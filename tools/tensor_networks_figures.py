"""Figure for docs/tensor_networks.md: min-cut against exact ranks over F_p, by partition.

Run by hand: `.venv/bin/python tools/tensor_networks_figures.py` (writes
docs/figures/tensor_networks/min_cut_vs_rank.png; seeded, so the PNG regenerates byte-identically).
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from dltheory import theory  # noqa: E402
from dltheory.numerics.tensor_networks import kernels  # noqa: E402
from dltheory.theory import tensor_networks as tn  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "docs" / "figures" / "tensor_networks"
N, M = 16, 2
PARTITIONS = {"left-right": "left-right", "odd-even": "odd-even", "pairs 1,2,5,6,...": (1, 2, 5, 6, 9, 10, 13, 14),
              "quarters 1-4, 9-12": (1, 2, 3, 4, 9, 10, 11, 12)}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    widths = list(range(1, 13))
    gen = np.random.default_rng(2018)
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    for i, (label, partition) in enumerate(PARTITIONS.items()):
        cut = [theory.evaluate("convac-separation-rank", inputs=N, channels=M, widths=(r,) * 4, partition=partition)
               for r in widths]
        a = tn.side_a(N, partition)
        ranks = []
        for r in widths:
            levels = kernels.random_weights(gen, N, M, (r,) * 4)
            ranks.append(kernels.rank_mod(kernels.matricise(kernels.coefficient_tensor(levels), N, M, a), kernels.PRIME))
        ax.plot(widths, cut, "-", color=f"C{i}", label=f"min-cut: {label}")
        ax.plot(widths, ranks, "o", color=f"C{i}", ms=4)
    ax.axhline(M ** (N // 2), color="k", ls=":", lw=1, label="naive min(M^|A|, M^|B|) = 256")
    ax.set_yscale("log", base=2)
    ax.set_xlabel("channels r at every level (r_0 = ... = r_3 = r)")
    ax.set_ylabel("separation rank")
    ax.set_title(f"ConvAC, N={N}, M={M}: min-cut (lines) vs exact rank over F_p (dots)", fontsize=9)
    ax.legend(fontsize=7)
    fig.savefig(OUT / "min_cut_vs_rank.png", dpi=110, metadata={"Software": None})
    plt.close(fig)


if __name__ == "__main__":
    main()
