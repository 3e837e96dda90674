"""Winning tickets in a small MLP (Frankle & Carbin 2019): iterative magnitude pruning with rewinding,
against random re-initialisation and random pruning, over many seeds (docs/lottery.md).

    .venv/bin/python tools/lottery_tickets.py [--seeds 16] [--out docs/figures/lottery]

Writes tickets.json (per round and condition: the mean and standard error over seeds of the test
error at the early-stopping epoch and of that epoch, and the paired differences ticket - control)
and tickets.png. An observation, not a theorem: the seeds are independent trials.
"""
from __future__ import annotations

import argparse
import json
import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np


def _mean_se(values) -> list[float]:
    v = np.asarray(values, dtype=float)
    return [float(v.mean()), float(v.std(ddof=1) / math.sqrt(v.size))]


def summarise(trials: list[dict]) -> dict:
    from dltheory.numerics.lottery.tickets import CONDITIONS

    out = {"seeds": len(trials), "remaining": trials[0]["remaining"]}
    for c in CONDITIONS:
        for key in ("test_error", "epoch"):
            per_round = np.array([t[c][key] for t in trials], dtype=float)  # seeds x rounds
            out[f"{c}_{key}"] = [_mean_se(col) for col in per_round.T]
            if c != "ticket":
                diff = np.array([t["ticket"][key] for t in trials], dtype=float) - per_round
                out[f"ticket_minus_{c}_{key}"] = [_mean_se(col) for col in diff.T]
    return out


def figure(summary: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dltheory.numerics.lottery.tickets import CONDITIONS

    x = 100 * np.array(summary["remaining"])
    labels = {"ticket": "winning ticket (rewound to init)", "reinit": "same mask, random re-init",
              "random": "random mask, original init"}
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), layout="constrained")
    for ax, key, ylabel in ((axes[0], "test_error", "test error at early stop"),
                            (axes[1], "epoch", "early-stopping epoch")):
        for c, marker in zip(CONDITIONS, "osD"):
            m, se = np.array(summary[f"{c}_{key}"]).T
            ax.errorbar(x, m, yerr=se, marker=marker, ms=4, capsize=2, label=labels[c])
        ax.set_xscale("log")
        ax.invert_xaxis()
        ax.set_xlabel("weights remaining (%)")
        ax.set_ylabel(ylabel)
        ax.set_xticks([100, 50, 25, 10], ["100", "50", "25", "10"])
    axes[0].legend(fontsize=8)
    fig.suptitle(f"Iterative magnitude pruning of a 20-64-64-1 ReLU MLP ({summary['seeds']} seeds, "
                 "mean +- s.e.)", fontsize=10)
    fig.savefig(path, dpi=120, metadata={"Software": None})
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=16)
    parser.add_argument("--out", type=Path, default=Path("docs/figures/lottery"))
    args = parser.parse_args()
    from dltheory.numerics._parallel import threads
    from dltheory.numerics.lottery.tickets import trial

    with ThreadPoolExecutor(threads()) as pool:
        trials = list(pool.map(trial, range(args.seeds)))
    summary = summarise(trials)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "tickets.json").write_text(json.dumps(summary, indent=1) + "\n")
    figure(summary, args.out / "tickets.png")
    print(json.dumps({k: summary[k] for k in summary if k.startswith("ticket_minus")}, indent=None))


if __name__ == "__main__":
    main()
