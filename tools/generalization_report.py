"""Regenerates the tables and figures of docs/generalization.md (outside the discovered packages).

    .venv/bin/python tools/generalization_report.py [--trials T] [--out docs/figures]
"""
from __future__ import annotations

import argparse
import json
import time
from statistics import median
from pathlib import Path

from dltheory.numerics.generalization import experiments as exp

SETUPS = {
    "teacher": exp.Setup(task="teacher", n=1000, widths=(8,), epochs=10),
    "random labels": exp.Setup(task="random", n=200, widths=(64,), epochs=200),
}


OPTIMISED = exp.Setup(task="teacher", n=1000, widths=(8,), epochs=10, optimise_posterior=True)
SHORT = {"golowich-rakhlin-shamir": "GRS margin", "neyshabur-tomioka-srebro": "NTS path-norm\nmargin",
         "bartlett-foster-telgarsky": "BFT spectral\nmargin"}
BIAS_FREE = exp.Setup(task="teacher", n=1000, widths=(8,), epochs=10, bias_free=True)


def coverage(trials: int, seed: int = 2024):
    out = {}
    for name, setup in SETUPS.items():
        res = exp.run_trials(setup, trials, seed)
        out[name] = (res, exp.coverage_table(res, setup.delta))
    res = exp.run_trials(OPTIMISED, max(10, trials // 4), seed, bounds=("pac-bayes",))
    out["teacher, optimised posterior"] = (res, exp.coverage_table(res, OPTIMISED.delta))
    res = exp.run_trials(BIAS_FREE, max(10, trials // 4), seed, bounds=exp.NORM_FORMS)
    out["teacher, bias-free"] = (res, exp.coverage_table(res, BIAS_FREE.delta))
    return out


def zhang(seed: int = 7, d: int = 10, n: int = 100, widths=(1, 2, 4, 8, 16, 32, 64), repeats: int = 4):
    rows = []
    for h in widths:
        W = (d + 1) * h + h + 1
        rows.append({"width": h, "weights": W, "W_over_n": W / n,
                     "fit": exp.random_label_fit(d, n, h, [seed, h], epochs=800, repeats=repeats)})
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--out", default="docs/figures")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    t0 = time.time()
    cov = coverage(args.trials)
    table = []
    print("| task | bound | coverage (95% Wilson) | median bound | median train / test error | median bound/test |")
    print("|---|---|---|---|---|---|")
    for task, (_, rows) in cov.items():
        for r in rows:
            lo, hi = r["wilson95"]
            print(f"| {task} | {r['bound']} | {r['coverage']:.3f} ({lo:.3f}-{hi:.3f}) | {r['median_bound']:.3g} | "
                  f"{r['median_train_error']:.3g} / {r['median_test_error']:.3g} | {r['median_looseness']:.3g} |")
            table.append({"task": task, **r})
    res = cov["teacher, bias-free"][0]
    print("\n| Rademacher form (bias-free teacher) | median 2 Rad / gamma_10 | range |")
    print("|---|---|---|")
    for form in exp.NORM_FORMS:
        terms = [t.margin_complexity[form] for t in res]
        table.append({"task": "teacher, bias-free", "bound": form, "median_margin_complexity": median(terms)})
        print(f"| {form} | {median(terms):.3g} | {min(terms):.3g}-{max(terms):.3g} |")
    fig, ax = plt.subplots(figsize=(9, 4.4), layout="constrained")
    pos = 0
    ticks = []
    for task, (res, _) in cov.items():
        for name in ("vc", "pac-bayes", *exp.NORM_FORMS):
            if name not in res[0].bounds:
                continue
            target = [t.gibbs_test_error if name == "pac-bayes" else t.test_error for t in res]
            ratios = [t.bounds[name] / e for t, e in zip(res, target)]
            ax.boxplot([ratios], positions=[pos], widths=0.6)
            label = task.replace(", ", ",\n")
            ticks.append((pos, f"{SHORT.get(name, name)}\n{label}\n({len(res)} datasets)"))
            pos += 1
    ax.axhline(1.0, color="k", lw=0.8, ls="--")
    ax.set_yscale("log")
    ax.set_xticks([p for p, _ in ticks], [t for _, t in ticks], fontsize=7)
    ax.set_ylabel("bound / test error")
    ax.set_title("Looseness over independent datasets (delta=0.05)", fontsize=9)
    fig.savefig(out / "generalization-looseness.png", dpi=120, metadata={"Software": None})
    plt.close(fig)

    z = zhang()
    print("\n| hidden width | weights W | W/n | fraction of random labels fitted |")
    print("|---|---|---|---|")
    for r in z:
        print(f"| {r['width']} | {r['weights']} | {r['W_over_n']:.2f} | {r['fit']:.3f} |")
    fig, ax = plt.subplots(figsize=(5.5, 3.6), layout="constrained")
    ax.plot([r["W_over_n"] for r in z], [r["fit"] for r in z], "o-", label="1-hidden-layer ReLU MLP (Adam)")
    ax.axvline(0.5, color="C1", ls=":", label="perceptron capacity n = 2W (Cover)")
    ax.axvline(2 + 10 / 100, color="C2", ls="--", label="Zhang et al. 2n+d weights fit any labels")
    ax.set_xscale("log")
    ticks = [0.125, 0.25, 0.5, 1, 2, 4, 8]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlabel("weights / samples (n=100, d=10)")
    ax.set_ylabel("fraction of random labels fitted")
    ax.legend(fontsize=7)
    fig.savefig(out / "generalization-random-labels.png", dpi=120, metadata={"Software": None})
    plt.close(fig)
    (out / "generalization-report.json").write_text(json.dumps({"coverage": table, "zhang": z}, indent=1, default=float))
    print(f"\n({time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
