"""Small-scale experiments for docs/optimization.md (run by hand, not in CI):

1. parity learning fails as the dimension grows (Shalev-Shwartz, Shamir & Shammah 2017):
   a one-hidden-layer ReLU network (10 D units, hinge loss, Adam, fresh batches of 128) trained for a
   fixed budget of steps on a random parity of {-1, 1}^D; test accuracy over several seeds;
2. the exact gradient second moment over all parities (Walsh-Hadamard) of a fixed tanh network
   against G/2^D and the polynomial G/D, D = 2..14;
3. logistic gradient descent on the four-point example: ln t times the direction error against
   the prediction of w(t) = w_hat ln t + w_tilde;
4. decomposition vs end to end: the parity of k bits sign(<v, x_i>) of k Gaussian blocks, learned
   end to end from the parity label, or by learning v from the bits and taking the parity.

    .venv/bin/python tools/optim_experiments.py [--out docs/figures/optimization] [--seeds 4] [--steps 4000]

Writes parity_learning.png, gradient_second_moment.png, implicit_bias.png, decomposition.png and
results.json.
Every number is an observation at the stated sizes, with its standard error.
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

META = {"Software": None}  # no version string in the PNG: reruns are byte-identical


def save_figure(fig, path, dpi: int = 110) -> None:
    """Write a figure as these scripts print them: PNG without a version stamp (byte-identical reruns)."""
    fig.savefig(path, dpi=dpi, metadata=META)


def learn_parity(dim: int, steps: int, seed: int, batch: int = 128, lr: float = 1e-3) -> float:
    """Test accuracy (on 4096 fresh inputs) after ``steps`` Adam steps of hinge loss on the parity of a
    random subset (each bit in it with probability 1/2, at least one) of {-1, 1}^dim."""
    gen = np.random.Generator(np.random.SFC64(seed))
    subset = gen.random(dim) < 0.5
    subset[gen.integers(dim)] = True
    width = 10 * dim
    params = [gen.standard_normal((dim, width)) * math.sqrt(2 / dim), np.zeros(width),
              gen.standard_normal(width) / math.sqrt(width), np.zeros(1)]
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]

    def data(n):
        x = 1.0 - 2.0 * gen.integers(0, 2, (n, dim))
        return x, np.prod(x[:, subset], axis=1)

    for step in range(1, steps + 1):
        x, y = data(batch)
        w1, b1, w2, b2 = params
        pre = x @ w1 + b1
        h = np.maximum(pre, 0)
        out = h @ w2 + b2[0]
        active = (y * out < 1).astype(float)  # hinge loss max(0, 1 - y out)
        d_out = -y * active / batch
        grads = [x.T @ (np.outer(d_out, w2) * (pre > 0)), (np.outer(d_out, w2) * (pre > 0)).sum(0),
                 h.T @ d_out, np.array([d_out.sum()])]
        for i, (p, g) in enumerate(zip(params, grads)):
            m, v = moments[i]
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            moments[i] = (m, v)
            p -= lr * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    x, y = data(4096)
    w1, b1, w2, b2 = params
    return float(np.mean(np.sign(np.maximum(x @ w1 + b1, 0) @ w2 + b2[0]) == y))


def decomposition_vs_end_to_end(blocks, dim, steps, seed, batch=128, lr=3e-3):
    """Decomposition vs end to end (Shalev-Shwartz, Shamir & Shammah 2017). Target: the parity of the
    k bits b_i = sign(<v, x_i>), x_i ~ N(0, I_dim), one unknown v shared by the blocks.
    End to end: z_i = tanh(<w, x_i>) (shared w), a ReLU net (10 k units) on z, hinge loss on the parity.
    Decomposition: a separate linear unit w_d trained by logistic loss on the bits b_i (the
    intermediate labels), then the parity of the signs sign(<w_d, x_i>). Adam, fresh batches of 128.
    Returns the two test accuracies (4096 fresh examples)."""
    gen = np.random.Generator(np.random.SFC64(seed))
    v = gen.standard_normal(dim)

    def data(n):
        x = gen.standard_normal((n, blocks, dim))
        b = np.sign(x @ v)
        return x, b, np.prod(b, axis=1)

    def adam(params, grads, state, step):
        for i, (p, g) in enumerate(zip(params, grads)):
            m, s = state[i]
            m, s = 0.9 * m + 0.1 * g, 0.999 * s + 0.001 * g * g
            state[i] = (m, s)
            p -= lr * (m / (1 - 0.9**step)) / (np.sqrt(s / (1 - 0.999**step)) + 1e-8)
    width = 10 * blocks
    w = gen.standard_normal(dim) / math.sqrt(dim)
    params = [w, gen.standard_normal((blocks, width)) * math.sqrt(2 / blocks), np.zeros(width),
              gen.standard_normal(width) / math.sqrt(width), np.zeros(1)]
    state = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    wd = gen.standard_normal(dim) / math.sqrt(dim)
    state_d = [(np.zeros_like(wd), np.zeros_like(wd))]
    for step in range(1, steps + 1):
        x, b, y = data(batch)
        w, w1, b1, w2, b2 = params
        z = np.tanh(x @ w)                      # (n, k)
        pre = z @ w1 + b1
        h = np.maximum(pre, 0)
        out = h @ w2 + b2[0]
        d_out = -y * (y * out < 1) / batch
        d_pre = np.outer(d_out, w2) * (pre > 0)
        d_z = d_pre @ w1.T
        g_w = np.einsum("nk,nkd->d", d_z * (1 - z * z), x)
        adam(params, [g_w, z.T @ d_pre, d_pre.sum(0), h.T @ d_out, np.array([d_out.sum()])], state, step)
        m = (x @ wd) * b                        # decomposition: logistic loss on each bit
        g_d = -np.einsum("nk,nkd->d", b / (1 + np.exp(m)), x) / (batch * blocks)
        adam([wd], [g_d], state_d, step)
    x, b, y = data(4096)
    w, w1, b1, w2, b2 = params
    e2e = np.mean(np.sign(np.maximum(np.tanh(x @ w) @ w1 + b1, 0) @ w2 + b2[0]) == y)
    dec = np.mean(np.prod(np.sign(x @ wd), axis=1) == y)
    return float(e2e), float(dec)

def decomposition_experiment(blocks, seeds: int, steps: int, dim: int = 10) -> list[dict]:
    rows = []
    for k in blocks:
        acc = np.array([decomposition_vs_end_to_end(k, dim, steps, 100 * k + s) for s in range(seeds)])
        row = {"blocks": k}
        for j, name in enumerate(("end_to_end", "decomposition")):
            row[name] = acc[:, j].tolist()
            row[name + "_mean"] = float(acc[:, j].mean())
            row[name + "_stderr"] = float(acc[:, j].std(ddof=1) / math.sqrt(seeds))
        rows.append(row)
        print(f"blocks k={k}: end to end {row['end_to_end_mean']:.3f} +- {row['end_to_end_stderr']:.3f}, "
              f"decomposition {row['decomposition_mean']:.3f} +- {row['decomposition_stderr']:.3f}", flush=True)
    return rows


def parity_experiment(dims, seeds: int, steps: int) -> list[dict]:
    rows = []
    for d in dims:
        acc = np.array([learn_parity(d, steps, 1000 * d + s) for s in range(seeds)])
        rows.append({"dim": d, "accuracy_mean": float(acc.mean()),
                     "accuracy_stderr": float(acc.std(ddof=1) / math.sqrt(seeds)), "accuracies": acc.tolist()})
        print(f"parity D={d}: accuracy {acc.mean():.3f} +- {acc.std(ddof=1) / math.sqrt(seeds):.3f}", flush=True)
    return rows


def second_moment_experiment(dims) -> list[dict]:
    from dltheory.numerics.optimization import checks, kernels

    rows = []
    for d in dims:
        G, energy, mean = kernels.exact_parity_energies(d, checks.parity_network(d))
        rows.append({"dim": d, "G": G, "second_moment": float(energy.mean()),
                     "variance": float(energy.mean() - mean @ mean), "bound": G / 2**d})
    return rows


def implicit_bias_experiment() -> dict:
    from dltheory.numerics.optimization import kernels
    from dltheory.theory import implicit_bias as ib

    example = dict(points=(1.0, 0.5, 0.25, 1.0, -1.0, 0.25, 0.5, -1.0), dim=2, labels=(1, 1, -1, -1))
    eta = 0.5
    mm = ib.max_margin(**example)
    z = np.array([[float(v) for v in r] for r in mm.z])
    ts = np.unique(np.round(np.logspace(1, 7, 25)).astype(np.int64))
    w = kernels.gd_logistic(z, eta, ts)
    w_hat = np.array([float(v) for v in mm.w_hat])
    u = w_hat / np.linalg.norm(w_hat)
    measured = [float(np.linalg.norm(wi / np.linalg.norm(wi) - u)) for wi in w]
    predicted = [float(ib.direction_error(eta=eta, steps=float(t), **example)) for t in ts]
    wt = np.array([float(v) for v in ib.residual_limit(eta=eta, **example)])
    limit = float(np.linalg.norm(wt - (wt @ u) * u) / np.linalg.norm(w_hat))  # ln t x error as t -> infinity
    return {"steps": ts.tolist(), "measured": measured, "predicted": predicted, "limit": limit}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="docs/figures/optimization")
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--steps", type=int, default=4000)
    args = ap.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    parity = parity_experiment((4, 8, 12, 16, 20, 24), args.seeds, args.steps)
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.errorbar([r["dim"] for r in parity], [r["accuracy_mean"] for r in parity],
                yerr=[2 * r["accuracy_stderr"] for r in parity], fmt="o-", capsize=3)
    ax.axhline(0.5, color="grey", ls=":")
    ax.set_xlabel("D (bits)")
    ax.set_ylabel("test accuracy")
    ax.set_title(f"Parity of a random subset: ReLU net (10 D units), {args.steps} Adam steps\n"
                 f"mean of {args.seeds} seeds, bars 2 s.e.", fontsize=9)
    fig.tight_layout()
    save_figure(fig, out / "parity_learning.png")
    plt.close(fig)

    moments = second_moment_experiment(range(2, 15))
    fig, ax = plt.subplots(figsize=(5, 3.5))
    d = [r["dim"] for r in moments]
    ax.semilogy(d, [r["second_moment"] for r in moments], "o", label="E_S |c_S|^2 (exact, Walsh-Hadamard)")
    ax.semilogy(d, [r["variance"] for r in moments], "x", label="variance over parities (exact)")
    ax.semilogy(d, [r["bound"] for r in moments], "-", label="G / 2^D (Theorem 1)")
    ax.semilogy(d, [r["G"] / r["dim"] for r in moments], ":", label="G / D (polynomial)")
    ax.set_xlabel("D (bits)")
    ax.set_ylabel("squared gradient norm")
    ax.set_title("Tanh network (8 units): gradient information over parities", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    save_figure(fig, out / "gradient_second_moment.png")
    plt.close(fig)

    bias = implicit_bias_experiment()
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ln = np.log(bias["steps"])
    ax.semilogx(bias["steps"], np.array(bias["measured"]) * ln, "o", label="GD (Numba), ln t x error")
    ax.semilogx(bias["steps"], np.array(bias["predicted"]) * ln, "-", label="w_hat ln t + w_tilde, ln t x error")
    ax.axhline(bias["limit"], color="grey", ls=":", label="limit |P w_tilde|/|w_hat|")
    ax.set_xlabel("t (steps)")
    ax.set_ylabel("ln t x |w/|w| - w_hat/|w_hat||")
    ax.set_title("Logistic GD on the four-point example (eta = 0.5)", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    save_figure(fig, out / "implicit_bias.png")
    plt.close(fig)

    decomposition = decomposition_experiment((1, 2, 3, 4, 6, 8), args.seeds, 3000)
    fig, ax = plt.subplots(figsize=(5, 3.5))
    k = [r["blocks"] for r in decomposition]
    for name, marker in (("end_to_end", "o-"), ("decomposition", "s--")):
        ax.errorbar(k, [r[name + "_mean"] for r in decomposition],
                    yerr=[2 * r[name + "_stderr"] for r in decomposition], fmt=marker, capsize=3,
                    label=name.replace("_", " "))
    ax.axhline(0.5, color="grey", ls=":")
    ax.set_xlabel("k (blocks; target: parity of k bits sign(<v, x_i>))")
    ax.set_ylabel("test accuracy")
    ax.set_title(f"Decomposition vs end to end, dim 10, 3000 Adam steps\nmean of {args.seeds} seeds, bars 2 s.e.",
                 fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    save_figure(fig, out / "decomposition.png")
    plt.close(fig)

    (out / "results.json").write_text(json.dumps({"parity": parity, "second_moment": moments, "implicit_bias": bias,
                                                  "decomposition": decomposition},
                                                 indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
