"""Sharpness experiments (observations, not theorems): Keskar et al. (2017) large vs small batch,
Krueger et al. (2017) sharpness against the fraction of noisy labels, and Dinh et al.'s (2017) T_alpha
applied to the trained networks, with a small one-hidden-layer ReLU MLP on synthetic data.

Data: x ~ N(0, I_d); the clean label is the sign of a fixed random teacher MLP (2-layer, tanh); a test
set of 2000 clean points. Training: minibatch SGD (Numba kernel ``train_sgd``, logistic loss) from a
seeded initialisation, for a fixed number of steps (batch experiment: 4800 steps at every batch size,
so every run reaches a small training loss), or of epochs (to show the confound, a second batch
experiment with 150 epochs at every batch size, as in Keskar et al., where large batches take fewer
steps; noise experiment: 300 epochs of batch 16). Sharpness: Keskar's Metric 2.1 with A = I and
eps = 1e-3 (the paper's value), estimated as the paper does with L-BFGS-B from the solution
(``box_sharpness``, 10 iterations from z = 0 and 2 random starts, one coordinate sweep), on the full
training loss. ``first_order`` is the linear part 100 eps sum |g_i| (|x_i| + 1)/(1 + f), the sharpness
a non-stationary point shows from its gradient alone. Each level has many seeds; we report the mean
with its standard error and an OLS slope (all runs; its standard error from the residuals) of
sharpness and of test error against the level.

Run by hand: ``python tools/sharpness_experiments.py`` (a few minutes) writes
docs/figures/sharpness/{batch_size,batch_size_epochs,label_noise,alpha_scale}.png and
sharpness_experiments.json (byte-identical on a rerun); ``--tiny`` is the seconds-long version the
tests run; ``--out DIR`` writes elsewhere.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from dltheory.numerics.sharpness import kernels

ROOT = Path(__file__).resolve().parents[1]
FULL = {"dim": 10, "hidden": 32, "train": 256, "test": 2000, "steps": 4800, "epochs": 150, "lr": 0.1, "seeds": 16,
        "batches": (4, 16, 64, 256), "noise_batch": 16, "noise_epochs": 300, "noises": (0.0, 0.2, 0.4, 0.6, 0.8),
        "alphas": (1 / 64, 1 / 16, 0.25, 1.0, 4.0, 16.0, 64.0), "epsilon": 1e-3}
TINY = {"dim": 4, "hidden": 6, "train": 48, "test": 200, "steps": 24, "epochs": 4, "lr": 0.1, "seeds": 2,
        "batches": (8, 48), "noise_batch": 8, "noise_epochs": 4, "noises": (0.0, 0.5),
        "alphas": (0.25, 0.5, 1.0, 2.0, 4.0), "epsilon": 1e-3}


def teacher_data(cfg: dict, seed: int, noise: float = 0.0):
    """Training (labels of a fraction ``noise`` replaced by fair coin flips) and clean test data."""
    gen = np.random.default_rng([7, seed])
    teacher = np.random.default_rng(7)  # the same teacher for every seed
    d = cfg["dim"]
    w, v = teacher.standard_normal((8, d)) / math.sqrt(d), teacher.standard_normal(8)

    def label(x):
        return (np.tanh(x @ w.T) @ v > 0).astype(np.float64)

    x_train, x_test = gen.standard_normal((cfg["train"], d)), gen.standard_normal((cfg["test"], d))
    y_train = label(x_train)
    noisy = gen.random(cfg["train"]) < noise
    y_train[noisy] = (gen.random(int(noisy.sum())) < 0.5).astype(np.float64)
    return x_train, y_train, x_test, label(x_test)


def train(cfg: dict, seed: int, batch: int, epochs: int, noise: float = 0.0):
    """(x, y, x_test, y_test, theta, generator) after minibatch SGD from a seeded initialisation."""
    x, y, xt, yt = teacher_data(cfg, seed, noise)
    gen = np.random.default_rng([11, seed, batch, int(round(noise * 1000))])
    d, h = cfg["dim"], cfg["hidden"]
    w1, b1, w2 = gen.standard_normal((h, d)) * math.sqrt(2.0 / d), np.zeros(h), gen.standard_normal(h) / math.sqrt(h)
    order = np.stack([gen.permutation(len(y)) for _ in range(epochs)])
    b2 = kernels.train_sgd(x, y, w1, b1, w2, 0.0, cfg["lr"], batch, order)
    return x, y, xt, yt, np.concatenate([w1.ravel(), b1, w2, [b2]]), gen


def train_and_measure(cfg: dict, seed: int, batch: int, epochs: int, noise: float = 0.0) -> dict:
    x, y, xt, yt, theta, gen = train(cfg, seed, batch, epochs, noise)
    h = cfg["hidden"]
    loss, grad = kernels.mlp_loss_grad(theta, x, y, h)
    first_order = 100 * cfg["epsilon"] * float(np.abs(grad) @ (np.abs(theta) + 1)) / (1 + loss)
    sharp = kernels.box_sharpness(lambda t: kernels.mlp_loss_grad(t, x, y, h), theta, cfg["epsilon"], restarts=2,
                                  gen=gen, maxiter=10, sweeps=1)
    return {"seed": seed, "train_loss": loss, "train_error": kernels.mlp_error(theta, x, y, h),
            "test_error": kernels.mlp_error(theta, xt, yt, h), "sharpness": sharp, "first_order": first_order}


def ols(x, y) -> dict:
    """Least-squares slope of y on x with its standard error (residual variance, n - 2 dof)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    xc = x - x.mean()
    slope = float(xc @ (y - y.mean()) / (xc @ xc))
    resid = y - y.mean() - slope * xc
    se = math.sqrt(float(resid @ resid) / (len(x) - 2) / float(xc @ xc))
    return {"slope": slope, "slope_stderr": se, "z": slope / se if se > 0 else math.inf}


def summarise(runs: list[dict], levels, key: str) -> list[dict]:
    out = []
    for level in levels:
        rows = [r for r in runs if r[key] == level]
        entry = {key: level}
        for q in ("sharpness", "first_order", "test_error", "train_error", "train_loss"):
            v = np.array([r[q] for r in rows])
            entry[q] = float(v.mean())
            entry[q + "_stderr"] = float(v.std(ddof=1) / math.sqrt(len(v)))
        out.append(entry)
    return out


def experiment(cfg: dict, kind: str) -> dict:
    runs = []
    if kind in ("batch", "batch_epochs"):
        levels, key = list(cfg["batches"]), "batch"
        for b in levels:
            # "batch": the same number of SGD steps at every batch size; "batch_epochs": the same number of epochs
            epochs = math.ceil(cfg["steps"] * b / cfg["train"]) if kind == "batch" else cfg["epochs"]
            runs += [{"batch": b, **train_and_measure(cfg, s, b, epochs)} for s in range(cfg["seeds"])]
        xs = [math.log2(r["batch"]) for r in runs]
        xlabel = "log2(batch size)"
    else:
        levels, key = list(cfg["noises"]), "noise"
        for p in levels:
            runs += [{"noise": p, **train_and_measure(cfg, s, cfg["noise_batch"], cfg["noise_epochs"], p)}
                     for s in range(cfg["seeds"])]
        xs = [r["noise"] for r in runs]
        xlabel = "fraction of random labels"
    fit = {"x": xlabel, **ols(xs, [r["sharpness"] for r in runs])}
    err = ols(xs, [r["test_error"] for r in runs])
    fit.update({"test_error_slope": err["slope"], "test_error_slope_stderr": err["slope_stderr"]})
    return {"levels": levels, "seeds": cfg["seeds"], "runs": runs, "summary": summarise(runs, levels, key), "fit": fit}


def alpha_scan(cfg: dict) -> dict:
    """Dinh et al.'s T_alpha on the trained MLP (W1, b1 times alpha; w2 over alpha; b2 kept): the function and
    the loss are unchanged, Keskar's sharpness of the real (non-quadratic) loss is not."""
    d, h = cfg["dim"], cfg["hidden"]
    first = h * d + h
    runs = []
    for seed in range(cfg["seeds"]):
        x, y, _, _, theta, _ = train(cfg, seed, cfg["noise_batch"], cfg["noise_epochs"])
        for alpha in cfg["alphas"]:
            t = theta.copy()
            t[:first] *= alpha
            t[first:-1] /= alpha
            gen = np.random.default_rng([13, seed])
            loss = kernels.mlp_loss_grad(t, x, y, h)[0]
            sharp = kernels.box_sharpness(lambda u: kernels.mlp_loss_grad(u, x, y, h), t, cfg["epsilon"], restarts=2,
                                          gen=gen, maxiter=10, sweeps=1)
            runs.append({"seed": seed, "alpha": alpha, "train_loss": loss, "sharpness": sharp})
    base = {r["seed"]: r for r in runs if r["alpha"] == 1.0}
    loss_change = max(abs(r["train_loss"] - base[r["seed"]]["train_loss"]) for r in runs)
    fits = {}
    for side, keep in (("alpha>1", lambda a: a > 1.0), ("alpha<1", lambda a: a < 1.0)):
        rows = [r for r in runs if keep(r["alpha"])]
        fits[side] = ols([math.log(r["alpha"]) for r in rows],
                         [math.log(r["sharpness"] / base[r["seed"]]["sharpness"]) for r in rows])
    summary = []
    for alpha in cfg["alphas"]:
        ratios = np.array([r["sharpness"] / base[r["seed"]]["sharpness"] for r in runs if r["alpha"] == alpha])
        summary.append({"alpha": alpha, "ratio": float(ratios.mean()),
                        "ratio_stderr": float(ratios.std(ddof=1) / math.sqrt(len(ratios)))})
    return {"levels": list(cfg["alphas"]), "seeds": cfg["seeds"], "runs": runs, "summary": summary,
            "max_loss_change": loss_change, "log_slopes": fits}


def alpha_figure(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    s = result["summary"]
    ax.errorbar([e["alpha"] for e in s], [e["ratio"] for e in s], yerr=[2 * e["ratio_stderr"] for e in s], fmt="o-",
                capsize=3, label="sharpness(T_alpha theta) / sharpness(theta), mean, 2 s.e.")
    grid = np.array(result["levels"])
    ax.plot(grid, np.maximum(grid, 1 / grid), "--", color="0.6", label="max(alpha, 1/alpha)")
    ax.plot(grid, np.maximum(grid, 1 / grid) ** 2, ":", color="0.4", label="max(alpha, 1/alpha)^2")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("alpha")
    ax.set_ylabel("sharpness ratio")
    up, down = result["log_slopes"]["alpha>1"], result["log_slopes"]["alpha<1"]
    ax.set_title(f"Dinh's T_alpha on the trained MLP: same function (max loss change "
                 f"{result['max_loss_change']:.1e})\nlog-log slope {up['slope']:.2f} +- {up['slope_stderr']:.2f} "
                 f"(alpha > 1), {down['slope']:.2f} +- {down['slope_stderr']:.2f} (alpha < 1)", fontsize=8)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)


def figure(result: dict, key: str, xlabel: str, path: Path, logx: bool) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for ax, q, label in ((axes[0], "sharpness", "Keskar sharpness (eps = 1e-3, %)"),
                         (axes[1], "test_error", "test error")):
        xs = [r[key] for r in result["runs"]]
        ax.plot(xs, [r[q] for r in result["runs"]], ".", color="0.7", ms=4, label="one seed")
        s = result["summary"]
        ax.errorbar([e[key] for e in s], [e[q] for e in s], yerr=[2 * e[q + "_stderr"] for e in s], fmt="o-",
                    color="C0", capsize=3, label="mean, 2 s.e.")
        if q == "sharpness":
            ax.errorbar([e[key] for e in s], [e["first_order"] for e in s],
                        yerr=[2 * e["first_order_stderr"] for e in s], fmt="s--", color="C1", capsize=3, ms=3,
                        label="first-order (gradient) part")
        if logx:
            ax.set_xscale("log", base=2)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(label)
        ax.legend(fontsize=7)
    fit = result["fit"]
    fig.suptitle(f"sharpness slope {fit['slope']:.3g} +- {fit['slope_stderr']:.2g} per unit of {fit['x']}; "
                 f"test-error slope {fit['test_error_slope']:.3g} +- {fit['test_error_slope_stderr']:.2g} "
                 f"({result['seeds']} seeds per level)", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a seconds-long version (for the tests)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "figures" / "sharpness"))
    args = parser.parse_args(argv)
    cfg = TINY if args.tiny else FULL
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    result = {"config": {k: list(v) if isinstance(v, tuple) else v for k, v in cfg.items()},
              "batch": experiment(cfg, "batch"), "batch_epochs": experiment(cfg, "batch_epochs"),
              "noise": experiment(cfg, "noise"), "alpha": alpha_scan(cfg)}
    figure(result["batch"], "batch", f"batch size ({cfg['steps']} SGD steps each)", out / "batch_size.png", logx=True)
    figure(result["batch_epochs"], "batch", f"batch size ({cfg['epochs']} epochs each)", out / "batch_size_epochs.png",
           logx=True)
    figure(result["noise"], "noise", "fraction of random training labels", out / "label_noise.png", logx=False)
    alpha_figure(result["alpha"], out / "alpha_scale.png")
    (out / "sharpness_experiments.json").write_text(json.dumps(result, indent=1) + "\n")
    for kind in ("batch", "batch_epochs", "noise"):
        fit = result[kind]["fit"]
        print(f"{kind}: sharpness slope {fit['slope']:.4g} +- {fit['slope_stderr']:.2g} per {fit['x']}, "
              f"test-error slope {fit['test_error_slope']:.4g} +- {fit['test_error_slope_stderr']:.2g}")
    up, down = result["alpha"]["log_slopes"]["alpha>1"], result["alpha"]["log_slopes"]["alpha<1"]
    print(f"alpha: log-log slope of sharpness {up['slope']:.3g} +- {up['slope_stderr']:.2g} (alpha > 1), "
          f"{down['slope']:.3g} +- {down['slope_stderr']:.2g} (alpha < 1); "
          f"max loss change {result['alpha']['max_loss_change']:.2g}")
    print(f"wrote {out} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
