"""The information-plane experiment for docs/information.md (run by hand, a few minutes on 2 cores):

    .venv/bin/python tools/information_plane.py [--seeds 6] [--epochs 1000]

Trains tanh and ReLU 12-10-7-5-4-3-1 networks on the 12-bit task (numerics.information.plane), one
run per seed, and writes docs/figures/information/information_plane.png (mean trajectories over
seeds: binning vs exact noisy-layer information) and information_plane.json (every run's numbers
and the per-layer compression, final minus peak I(X;T), mean and standard error over seeds).
"""
from __future__ import annotations

import argparse
import json
import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from dltheory.numerics.information import plane  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "docs" / "figures" / "information"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--noise", type=float, default=0.1)
    args = parser.parse_args()
    jobs = [(name, seed) for name in plane.ACTIVATIONS for seed in range(args.seeds)]
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda j: plane.run(plane.ACTIVATIONS[j[0]], j[1], epochs=args.epochs,
                                                 noise=args.noise, snapshots=20), jobs))
    summary: dict = {"epochs": args.epochs, "noise": args.noise, "seeds": args.seeds, "activations": {}}
    fig, axes = plt.subplots(2, 2, figsize=(10, 8), layout="constrained")
    for row, name in enumerate(plane.ACTIVATIONS):
        mine = [r for (n, _), r in zip(jobs, runs) if n == name]
        entry = {"test_error": [float(r["test_error"][-1]) for r in mine],
                 "train_error": [float(r["train_error"][-1]) for r in mine]}
        for col, (kx, ky, label) in enumerate((("bin_x", "bin_y", "binning, 30 edges"),
                                                ("noisy_x", "noisy_y", f"noisy layer, s = {args.noise}"))):
            xs = np.mean([r[kx] for r in mine], axis=0)  # snapshot x layer
            ys = np.mean([r[ky] for r in mine], axis=0)
            comp = np.array([plane.compression(r[kx]) for r in mine])  # seed x layer
            entry[kx + "_compression_mean"] = comp.mean(0).tolist()
            entry[kx + "_compression_se"] = (comp.std(0, ddof=1) / math.sqrt(len(mine))).tolist()
            entry[kx + "_final"] = xs[-1].tolist()
            entry[ky + "_final"] = ys[-1].tolist()
            ax = axes[row, col]
            for layer in range(xs.shape[1]):
                ax.plot(xs[:, layer], ys[:, layer], "-", color=f"C{layer}", lw=1)
                sc = ax.scatter(xs[:, layer], ys[:, layer], c=np.log10(mine[0]["epochs"]), cmap="viridis", s=12,
                                zorder=3)
                fx = np.array([r[kx][-1, layer] for r in mine])
                fy = np.array([r[ky][-1, layer] for r in mine])
                ax.errorbar(fx.mean(), fy.mean(), xerr=2 * fx.std(ddof=1) / math.sqrt(len(mine)),
                            yerr=2 * fy.std(ddof=1) / math.sqrt(len(mine)), fmt="s", color=f"C{layer}", ms=5,
                            capsize=2, label=f"layer {layer + 1}")
            ax.set_xlabel("I(X;T) (nats)")
            ax.set_ylabel("I(T;Y) (nats)")
            ax.set_title(f"{name}: {label}", fontsize=9)
            ax.legend(fontsize=6, loc="lower right")
        summary["activations"][name] = entry
    fig.colorbar(sc, ax=axes, label="log10 epoch", shrink=0.6)
    fig.suptitle(f"12-bit task, 12-10-7-5-4-3-1, Adam, {args.seeds} seeds: mean trajectories "
                 "(squares: final, 2 s.e. over seeds)", fontsize=9)
    OUT.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT / "information_plane.png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    summary["runs"] = [{"activation": n, "seed": s, **{k: np.asarray(v).tolist() for k, v in r.items()}}
                       for (n, s), r in zip(jobs, runs)]
    (OUT / "information_plane.json").write_text(json.dumps(summary, indent=1) + "\n")
    for name, entry in summary["activations"].items():
        print(name, "test error", np.mean(entry["test_error"]))
        for key in ("bin_x", "noisy_x"):
            print(f"  {key} compression (final - peak), per layer:",
                  " ".join(f"{m:+.3f}+-{s:.3f}" for m, s in zip(entry[key + "_compression_mean"],
                                                                  entry[key + "_compression_se"])))


if __name__ == "__main__":
    main()
