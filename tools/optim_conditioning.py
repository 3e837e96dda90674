"""Conditioning and flat activations (Shalev-Shwartz, Shamir & Shammah 2017, ICML, arXiv:1703.07950,
the architecture-and-conditioning and flat-activations sections), at small scale (run by hand, not in CI):

1. Encoding piecewise-linear curves. A curve with k random slope changes p (k random positions of [n],
   N(0, 1) values) is sampled on [n]: x = W p, W_ij = max(i - j + 1, 0), so p = W^-1 x is the second
   difference of x, a linear map. It is learned by SGD on the square loss with four models: a fully
   connected linear map U (n x n), the same preconditioned by the inverse input covariance
   ("conditioned"), a causal convolution of width 3 (3 weights; the target kernel is (1, -2, 1)) and
   the convolution preconditioned by its 3 x 3 patch covariance. Test error of the encoding against
   steps, with the exact learning curve of population gradient descent at the same step.
2. Flat activations. Target y = u(<w*, x>), x ~ N(0, I_d), u a staircase (unit steps at the
   half-integers, 2 J steps): u' = 0 almost everywhere, so the gradient through u is zero. Compared:
   SGD through smooth approximations of u (each step a sigmoid of temperature tau), and the
   forward-only update w <- w - eta (u(<w, x>) - y) x (no derivative of u: the gradient of the convex
   surrogate E[Phi(<w, x>) - y <w, x>], Phi' = u).

    .venv/bin/python tools/optim_conditioning.py [--out docs/figures/optimization] [--seeds 10]

Writes conditioning.png, flat_activations.png and conditioning.json. Every number is an observation at
the stated sizes: mean over seeds with its standard error. Deterministic (numpy SFC64 streams from
fixed seeds); figures are written without a version stamp, so reruns are byte-identical.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from optim_experiments import save_figure  # noqa: E402  (one PNG writer for the optimisation figures)

# --- 1. conditioning -------------------------------------------------------------------------------


def ramp_matrix(n: int) -> np.ndarray:
    """W with W_ij = max(i - j + 1, 0): x = W p is the curve whose slope changes by p_j at point j
    (x_i = sum_{j <= i} (i - j + 1) p_j; W = L^2, L the lower-triangular matrix of ones)."""
    i = np.arange(n)
    return np.maximum(i[:, None] - i[None, :] + 1, 0).astype(float)


def sample_curves(gen, shape: tuple, n: int, pieces: int, w: np.ndarray):
    """Encodings p (``shape`` + (n,)): ``pieces`` slope changes at independent uniform positions of [n]
    (coinciding ones add) with N(0, 1) sizes, so E[p p^T] = (pieces/n) I exactly; curves x = W p."""
    rows = int(np.prod(shape))
    pos = gen.integers(0, n, (rows, pieces))
    size = gen.standard_normal((rows, pieces))
    flat = (np.arange(rows)[:, None] * n + pos).ravel()
    p = np.bincount(flat, weights=size.ravel(), minlength=rows * n).reshape(shape + (n,))
    return p, p @ w.T


def patches(x: np.ndarray) -> np.ndarray:
    """Causal patches z_i = (x_{i-2}, x_{i-1}, x_i), zero padded: (..., n, 3)."""
    pad = np.concatenate([np.zeros(x.shape[:-1] + (2,)), x], axis=-1)
    return np.stack([pad[..., :-2], pad[..., 1:-1], pad[..., 2:]], axis=-1)


def population_hessians(n: int, pieces: int):
    """Exact Hessians of the population losses: fully connected E[x x^T] = (pieces/n) W W^T (loss
    E|U x - p|^2 / 2 per row of U); convolution (1/n) sum_i E[z_i z_i^T] (loss (1/n) E|a * x - p|^2/2)."""
    w = ramp_matrix(n)
    h_fc = pieces / n * w @ w.T
    padded = np.vstack([np.zeros((2, n)), w])
    h_conv = sum(padded[i:i + 3] @ padded[i:i + 3].T for i in range(n)) * pieces / n**2
    return h_fc, h_conv


def population_curve(h: np.ndarray, weights: np.ndarray, eta: float, steps: np.ndarray) -> np.ndarray:
    """Relative loss of gradient descent on the population quadratic from zero, exactly:
    sum_j c_j (1 - eta lambda_j)^(2t) / sum_j c_j, c_j = the loss carried by eigendirection j."""
    lam, vec = np.linalg.eigh(h)
    c = lam * ((weights @ vec) ** 2).sum(axis=0)
    return np.array([(c * (1 - eta * lam) ** (2 * t)).sum() / c.sum() for t in steps])


def train_encoders(n: int, pieces: int, seeds: int, steps: int, checkpoints, batch: int = 32,
                   estimate: int = 4096, test: int = 2048) -> dict:
    """SGD (fresh batches) on the four models, all seeds at once (seed s: SFC64(7000 + s) for the
    data and the covariance estimates). Returns relative test errors E|p_hat - p|^2 / E|p|^2 at the
    checkpoints (seeds x checkpoints per model), the step sizes, and one test curve's encoding p_hat
    per model at the last step (seed 0)."""
    w = ramp_matrix(n)
    h_fc, h_conv = population_hessians(n, pieces)
    eta = {"fully connected": 0.5 / np.linalg.eigvalsh(h_fc)[-1], "convolutional": 0.5 / np.linalg.eigvalsh(h_conv)[-1],
           "fully connected, conditioned": 0.5, "convolutional, conditioned": 0.5}
    gens = [np.random.Generator(np.random.SFC64(7000 + s)) for s in range(seeds)]
    tests = [sample_curves(g, (test,), n, pieces, w) for g in gens]
    # preconditioners: inverse covariances estimated from `estimate` curves per seed
    pre_fc, pre_conv = [], []
    for g in gens:
        _, x = sample_curves(g, (estimate,), n, pieces, w)
        pre_fc.append(np.linalg.inv(x.T @ x / estimate))
        z = patches(x).reshape(-1, 3)
        pre_conv.append(np.linalg.inv(z.T @ z / len(x)))
    pre = {"fully connected": None, "convolutional": None,
           "fully connected, conditioned": np.array(pre_fc), "convolutional, conditioned": np.array(pre_conv)}
    params = {name: np.zeros((seeds, n, n)) if name.startswith("fully") else np.zeros((seeds, 3)) for name in eta}
    checkpoints = sorted(set(int(c) for c in checkpoints))
    errors = {name: [] for name in eta}
    for step in range(1, steps + 1):
        batch_data = [sample_curves(g, (batch,), n, pieces, w) for g in gens]
        p = np.array([b[0] for b in batch_data])
        x = np.array([b[1] for b in batch_data])
        z = patches(x)
        for name, theta in params.items():
            if name.startswith("fully"):
                grad = np.matmul((np.matmul(x, theta.transpose(0, 2, 1)) - p).transpose(0, 2, 1), x) / batch
                if pre[name] is not None:
                    grad = np.matmul(grad, pre[name])
            else:
                r = np.einsum("sbnk,sk->sbn", z, theta) - p
                grad = np.einsum("sbn,sbnk->sk", r, z) / (batch * n)
                if pre[name] is not None:
                    grad = np.einsum("skl,sl->sk", pre[name], grad)
            theta -= eta[name] * grad
        if step in checkpoints:
            for name, theta in params.items():
                errors[name].append([_encoding_error(name, theta[s], *tests[s]) for s in range(seeds)])
    p0, x0 = tests[0][0][0], tests[0][1][0]
    code = {name: _encode(name, theta[0], x0[None])[0].tolist() for name, theta in params.items()}
    return {"eta": eta, "checkpoints": checkpoints, "errors": {k: np.array(v).T for k, v in errors.items()},
            "example": {"curve": x0.tolist(), "encoding": p0.tolist(), "encodings": code},
            "kernels": {name: params[name].tolist() for name in params if name.startswith("conv")}}


def _encode(name: str, theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    if name.startswith("fully"):
        return x @ theta.T
    return patches(x) @ theta


def _encoding_error(name, theta, p, x) -> float:
    return float(((_encode(name, theta, x) - p) ** 2).sum() / (p**2).sum())


# --- 2. flat activations ---------------------------------------------------------------------------


def staircase(r, steps: int):
    """u(r): unit steps at the half-integers +-1/2, ..., +-(steps - 1/2): u(r) = round(r) clipped to
    [-steps, steps]. Piecewise constant, non-decreasing; u' = 0 off the jumps."""
    return np.clip(np.floor(np.asarray(r) + 0.5), -steps, steps)


def smooth_staircase(r, steps: int, tau: float):
    """The staircase with each jump replaced by a sigmoid of temperature tau, and its derivative:
    sum_j s((r - j + 1/2)/tau) - s((-r - j + 1/2)/tau), j = 1..steps (tends to u as tau -> 0)."""
    j = np.arange(1, steps + 1) - 0.5
    a = np.asarray(r)[..., None]
    up, down = _sigmoid((a - j) / tau), _sigmoid((-a - j) / tau)
    return (up - down).sum(-1), ((up * (1 - up) + down * (1 - down)) / tau).sum(-1)


def _sigmoid(v):
    return 0.5 * (1 + np.tanh(0.5 * v))


def forward_only_step(w, x, y, eta: float, steps: int):
    """The paper's non-gradient update on a batch (rows of x): w <- w - eta mean((u(<w, x>) - y) x)."""
    return w - eta * ((staircase(x @ w, steps) - y) @ x) / len(y)


def train_flat(method: str, lr: float, seeds: int, seed0: int, dim: int, norm: float, steps: int,
               iters: int, checkpoints, init: float = 1.0, batch: int = 64, test: int = 4096) -> dict:
    """One method and learning rate, all seeds at once (seed s: SFC64(seed0 + s): w*, w0, data). w* has
    norm ``norm`` in a uniformly random direction; w0 ~ N(0, init^2 I/dim). ``method``: "forward-only" or
    "smooth tau=T" (SGD on the square loss of the smooth staircase). Returns the test loss
    E(u(<w, x>) - y)^2 with the TRUE staircase and |w - w*|/|w*| at the checkpoints (seeds x checkpoints)."""
    gens = [np.random.Generator(np.random.SFC64(seed0 + s)) for s in range(seeds)]
    wstar = np.array([g.standard_normal(dim) for g in gens])
    wstar *= norm / np.linalg.norm(wstar, axis=1, keepdims=True)
    w = np.array([g.standard_normal(dim) * init / math.sqrt(dim) for g in gens])
    xt = np.array([g.standard_normal((test, dim)) for g in gens])
    yt = staircase(np.einsum("sbd,sd->sb", xt, wstar), steps)
    tau = float(method.split("=")[1]) if method.startswith("smooth") else None
    checkpoints = sorted(set(int(c) for c in checkpoints))
    loss, dist = [], []
    for it in range(1, iters + 1):
        x = np.array([g.standard_normal((batch, dim)) for g in gens])
        y = staircase(np.einsum("sbd,sd->sb", x, wstar), steps)
        r = np.einsum("sbd,sd->sb", x, w)
        if tau is None:
            residual = staircase(r, steps) - y
        else:
            value, slope = smooth_staircase(r, steps, tau)
            residual = (value - y) * slope
        w = w - lr * np.einsum("sb,sbd->sd", residual, x) / batch
        if it in checkpoints:
            pred = staircase(np.einsum("sbd,sd->sb", xt, w), steps)
            loss.append(((pred - yt) ** 2).mean(axis=1))
            dist.append(np.linalg.norm(w - wstar, axis=1) / norm)
    pred0 = staircase(np.zeros_like(yt), steps)  # the predictor u(0) = 0, for scale
    return {"loss": np.array(loss).T, "distance": np.array(dist).T, "checkpoints": checkpoints,
            "zero_predictor_loss": float(((pred0 - yt) ** 2).mean())}


# --- driver ----------------------------------------------------------------------------------------


def _summary(a: np.ndarray) -> tuple[list, list]:
    """Mean and standard error across seeds (rows)."""
    return a.mean(axis=0).tolist(), (a.std(axis=0, ddof=1) / math.sqrt(len(a))).tolist()


def conditioning_experiment(seeds: int, n: int = 32, pieces: int = 3, steps: int = 4000) -> dict:
    checkpoints = np.unique(np.round(np.logspace(0, math.log10(steps), 17)).astype(int))
    run = train_encoders(n, pieces, seeds, steps, checkpoints)
    h_fc, h_conv = population_hessians(n, pieces)
    w_inv = np.linalg.inv(ramp_matrix(n))
    long = np.unique(np.round(np.logspace(0, 7, 57)).astype(int))
    target_conv = np.array([[1.0, -2.0, 1.0]])
    out = {"n": n, "pieces": pieces, "batch": 32, "seeds": seeds, "steps": steps,
           "checkpoints": run["checkpoints"], "eta": run["eta"], "models": {}, "example": run["example"],
           "population_gd": {"steps": long.tolist(),
                             "fully connected": population_curve(h_fc, w_inv, run["eta"]["fully connected"],
                                                                 long).tolist(),
                             "convolutional": population_curve(h_conv, target_conv, run["eta"]["convolutional"],
                                                               long).tolist()},
           "population_gd_at_checkpoints": {
               "fully connected": population_curve(h_fc, w_inv, run["eta"]["fully connected"],
                                                   np.array(run["checkpoints"])).tolist(),
               "convolutional": population_curve(h_conv, target_conv, run["eta"]["convolutional"],
                                                 np.array(run["checkpoints"])).tolist()}}
    for name, h in (("fully connected", h_fc), ("convolutional", h_conv)):
        lam = np.linalg.eigvalsh(h)
        kappa = float(lam[-1] / lam[0])
        out[name + " hessian"] = {"kappa": kappa, "lambda_min": float(lam[0]), "lambda_max": float(lam[-1]),
                                  "optimal_rate": (kappa - 1) / (kappa + 1),
                                  "steps_per_efold_optimal": 1 / math.log((kappa + 1) / (kappa - 1))}
    for name, err in run["errors"].items():
        mean, se = _summary(err)
        out["models"][name] = {"error_mean": mean, "error_stderr": se, "final": err[:, -1].tolist()}
        print(f"{name:30s} relative error after {steps} steps: {mean[-1]:.3g} +- {se[-1]:.2g}", flush=True)
    kern = np.array(run["kernels"]["convolutional"])
    out["conv_kernel_mean"], out["conv_kernel_stderr"] = _summary(kern)
    return out


def flat_experiment(seeds: int, dim: int = 10, norm: float = 3.0, steps: int = 8, iters: int = 3000,
                    inits=(1.0, 0.01)) -> dict:
    """For each initial scale and method: the learning rate of the grid with the lowest mean final test
    loss on separate tuning seeds (SFC64(9000 + s)), then the run reported, on seeds SFC64(5000 + s)."""
    checkpoints = np.unique(np.round(np.logspace(0, math.log10(iters), 16)).astype(int))
    methods = ("forward-only", "smooth tau=0.01", "smooth tau=0.05", "smooth tau=0.2", "smooth tau=0.5")
    grid = (0.1, 0.03, 0.01, 0.003, 0.001)
    out = {"dim": dim, "norm": norm, "staircase_steps": steps, "iters": iters, "batch": 64, "seeds": seeds,
           "lr_grid": grid, "checkpoints": checkpoints.tolist(), "inits": {}}
    for init in inits:
        res = out["inits"][f"{init:g}"] = {}
        for m in methods:
            tuned = {lr: float(train_flat(m, lr, seeds, 9000, dim, norm, steps, iters, [iters], init)["loss"].mean())
                     for lr in grid}
            best = min(grid, key=lambda lr: (tuned[lr], lr))
            run = train_flat(m, best, seeds, 5000, dim, norm, steps, iters, checkpoints, init)
            out["zero_predictor_loss"] = run["zero_predictor_loss"]
            lm, ls = _summary(run["loss"])
            dm, ds = _summary(run["distance"])
            res[m] = {"lr": best, "tuning_loss": {f"{k:g}": v for k, v in tuned.items()}, "loss_mean": lm,
                      "loss_stderr": ls, "distance_mean": dm, "distance_stderr": ds,
                      "final_loss": run["loss"][:, -1].tolist(), "final_distance": run["distance"][:, -1].tolist()}
            print(f"init {init:g} {m:16s} lr {best:5g}: test loss {lm[-1]:.2e} +- {ls[-1]:.1e}, |w - w*|/|w*| "
                  f"{dm[-1]:.2e} +- {ds[-1]:.1e} after {iters} steps", flush=True)
    return out


COLOURS = {"fully connected": "C0", "fully connected, conditioned": "C1", "convolutional": "C2",
           "convolutional, conditioned": "C3", "forward-only": "C3", "smooth tau=0.01": "C4",
           "smooth tau=0.05": "C0", "smooth tau=0.2": "C1", "smooth tau=0.5": "C2"}


def plot_conditioning(res: dict, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 3.9), layout="constrained")
    t = np.array(res["checkpoints"])
    for name, m in res["models"].items():
        ax.errorbar(t, m["error_mean"], yerr=m["error_stderr"], fmt="o-", ms=3, capsize=2, color=COLOURS[name],
                    label=f"{name} (SGD)")
    pop = res["population_gd"]
    for name in ("fully connected", "convolutional"):
        ax.plot(pop["steps"], pop[name], "--", color=COLOURS[name], lw=1,
                label=f"{name}: population GD, exact")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(1, pop["steps"][-1])
    ax.set_ylim(1e-6, 2)
    ax.set_xlabel("training step t")
    ax.set_ylabel(r"relative test error $E|\hat p - p|^2 / E|p|^2$")
    ax.set_title(f"(a) encoding {res['pieces']}-piece curves, n = {res['n']} points\n"
                 f"SGD: mean of {res['seeds']} seeds, bars: s.e.", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    ex = res["example"]
    pts = np.arange(1, res["n"] + 1)
    code = np.array(ex["encoding"])
    bx.axhline(0, color="grey", lw=0.5)
    bx.plot(pts[code != 0], code[code != 0], "ko", ms=8, mfc="none", label="true slope changes p (others 0)")
    for name, code in ex["encodings"].items():
        bx.plot(pts, code, ".-" if "conditioned" in name else "-", ms=3, color=COLOURS[name], lw=1, label=name)
    bx.set_xlabel("point i of the curve")
    bx.set_ylabel(r"slope change $p_i$ and its estimate $\hat p_i$")
    bx.set_title(f"(b) one test curve's encoding after {res['steps']} steps (seed 0)", fontsize=9)
    bx.legend(fontsize=7)
    save_figure(fig, path)
    plt.close(fig)


def plot_flat(res: dict, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig, (ax, bx, cx) = plt.subplots(1, 3, figsize=(12, 3.7), layout="constrained")
    r = np.linspace(-3.2, 3.2, 801)
    ax.plot(r, staircase(r, res["staircase_steps"]), "k-", lw=2, label="u (staircase)")
    for m in next(iter(res["inits"].values())):
        if m.startswith("smooth"):
            tau = float(m.split("=")[1])
            ax.plot(r, smooth_staircase(r, res["staircase_steps"], tau)[0], color=COLOURS[m], lw=1,
                    label=rf"smooth, $\tau$ = {tau:g}")
    ax.set_xlabel("r")
    ax.set_ylabel("u(r)")
    ax.set_title("(a) the activation and its smooth approximations", fontsize=9)
    ax.legend(fontsize=7)
    t = np.array(res["checkpoints"])
    for panel, (init, methods) in zip((bx, cx), res["inits"].items()):
        for m, v in methods.items():
            panel.errorbar(t, v["loss_mean"], yerr=v["loss_stderr"], fmt="o-", ms=3, capsize=2, color=COLOURS[m],
                           label=f"{m} (lr {v['lr']:g})")
        panel.axhline(res["zero_predictor_loss"], color="grey", ls=":", lw=1, label="predictor u(0) = 0")
        panel.set_xscale("log")
        panel.set_yscale("log")
        panel.set_xlabel("training step t (batches of 64)")
        panel.set_ylabel(r"test loss $E(u(\langle w,x\rangle) - y)^2$")
        panel.legend(fontsize=7, loc="lower left")
        panel.set_title(f"({'b' if panel is bx else 'c'}) init |w0| ~ {init}: y = u(<w*, x>), d = {res['dim']}, "
                        f"|w*| = {res['norm']:g}\nmean of {res['seeds']} seeds, bars: s.e.", fontsize=9)
    save_figure(fig, path)
    plt.close(fig)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="docs/figures/optimization")
    ap.add_argument("--seeds", type=int, default=10)
    args = ap.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cond = conditioning_experiment(args.seeds)
    plot_conditioning(cond, out / "conditioning.png")
    flat = flat_experiment(args.seeds)
    plot_flat(flat, out / "flat_activations.png")
    (out / "conditioning.json").write_text(json.dumps({"conditioning": cond, "flat_activations": flat},
                                                      indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
