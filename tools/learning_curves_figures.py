"""Figures of docs/learning_curves.md: the double-descent curves (minimum-norm, ridge and random features,
with simulation points) and the power-law scaling law (discrete formula, asymptote, simulated ridgeless
regression and random projections) and the joint risk with P samples and N projections. Run by hand:

    .venv/bin/python tools/learning_curves_figures.py

writes docs/figures/learning_curves/{double_descent,random_features,scaling_law,joint_risk}.png (fixed seeds)."""
from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from dltheory.numerics.learning_curves import kernels  # noqa: E402
from dltheory.theory import evaluate  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "figures" / "learning_curves"
META = {"Software": None}


def double_descent(path: Path) -> None:
    signal, noise, n = 1.0, 0.25, 100
    gammas = np.concatenate([np.linspace(0.05, 0.97, 80), np.linspace(1.03, 5, 120)])
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(gammas, [evaluate("min-norm-risk", gamma=g, signal=signal, noise=noise) for g in gammas], "k-",
            label="min-norm, n, p -> inf")
    for lam, colour in ((0.01, "C0"), (0.1, "C1"), (1.0, "C2")):
        ax.plot(gammas, [float(evaluate("ridge-risk", gamma=g, ridge=lam, signal=signal, noise=noise)) for g in gammas],
                "-", color=colour, lw=1, label=f"ridge, lambda = {lam}")
    gen = np.random.default_rng(16)
    for g in (0.2, 0.4, 0.6, 0.8, 0.9, 1.2, 1.5, 2.0, 3.0, 4.0, 5.0):
        r = kernels.min_norm_risks(gen, 200, n, int(round(g * n)), signal, noise)
        ax.errorbar([g], [r.mean()], yerr=[2 * r.std(ddof=1) / math.sqrt(len(r))], fmt="o", color="k", ms=3, capsize=2)
    ax.set_ylim(0, 3)
    ax.set_xlabel("gamma = p/n")
    ax.set_ylabel("excess risk")
    ax.set_title(f"Double descent, isotropic least squares (|beta|^2 = {signal}, noise {noise})\n"
                 f"points: min-norm simulated at n = {n}, 200 draws, 2 s.e.", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=META)
    plt.close(fig)


def random_features(path: Path) -> None:
    psi2, noise, d = 1.0, 0.25, 60
    xs = np.geomspace(0.1, 10, 160)
    fig, ax = plt.subplots(figsize=(6, 4))
    for lam, colour in ((1e-3, "C3"), (0.01, "C0"), (0.1, "C1")):
        ys = [evaluate("random-features-risk", psi1=x, psi2=psi2, ridge=lam, noise=noise) for x in xs]
        ax.plot(xs, ys, "-", color=colour, label=f"lambda = {lam}")
        gen = np.random.default_rng(int(1e4 * lam))
        for x in (0.25, 0.5, 0.8, 1.25, 2.0, 4.0, 8.0):
            r = kernels.random_features_risks(gen, 4, d, int(round(x * d)), int(round(psi2 * d)), lam, 1.0, noise)
            ax.errorbar([x], [r.mean()], yerr=[2 * r.std(ddof=1) / 2], fmt="o", color=colour, ms=3, capsize=2)
    ax.set_xscale("log")
    ax.set_ylim(0, 2.5)
    ax.axvline(psi2, color="grey", lw=0.5, ls=":")
    ax.set_xlabel("psi1 = N/d (psi2 = n/d = 1)")
    ax.set_ylabel("test error")
    ax.set_title(f"ReLU random features (Mei & Montanari 2022), signal 1, noise {noise}\n"
                 f"points: simulated at d = {d} (Gaussian inputs), 4 draws, 2 s.e.", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=META)
    plt.close(fig)


def scaling_law(path: Path) -> None:
    alpha = 0.5
    fig, ax = plt.subplots(figsize=(6, 4))
    ps = np.unique(np.geomspace(1, 4000, 60).astype(int))
    ax.plot(ps, [evaluate("power-law-risk-asymptote", samples=int(p), alpha=alpha) for p in ps], "k--", lw=1,
            label="C^(1+alpha) P^-alpha (M = inf)")
    for modes, colour in ((256, "C0"), (1024, "C1"), (8192, "C2")):
        sizes = [int(p) for p in ps if p < modes]
        ax.plot(sizes, [evaluate("power-law-ridgeless-risk", samples=p, alpha=alpha, modes=modes) for p in sizes],
                "-", color=colour, label=f"P kappa, M = {modes}")
        gen = np.random.default_rng(modes)
        for p in (4, 16, 64, 200):
            if p < modes and modes <= 1024:
                r = kernels.ridgeless_power_law_risks(gen, 40, p, alpha, modes)
                ax.plot([p], [r.mean()], "o", color=colour, ms=4)
                r = kernels.projection_power_law_risks(gen, 40, p, alpha, modes)
                ax.plot([p * 1.08], [r.mean()], "s", mfc="none", color=colour, ms=4)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("P samples (or N projections)")
    ax.set_ylabel("risk")
    ax.set_title(f"lambda_k = k^-(1+alpha), alpha = {alpha}, teacher v_k^2 = lambda_k; 40 draws each\n"
                 "dots: ridgeless on P samples; squares: N projections, unlimited data",
                 fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=META)
    plt.close(fig)


def joint_risk(path: Path) -> None:
    alpha, modes, draws = 0.5, 512, 40
    fig, ax = plt.subplots(figsize=(6, 4))
    ps = np.unique(np.geomspace(2, 4000, 400).astype(int))
    ax.plot(ps, [evaluate("power-law-ridgeless-risk", samples=int(p), alpha=alpha, modes=modes) if p < modes
                 else np.nan for p in ps], "k--", lw=1, label="N = inf: P kappa(P)")
    for features, colour in ((16, "C0"), (64, "C1"), (256, "C2")):
        curve = [evaluate("power-law-joint-risk", samples=int(p), features=features, alpha=alpha, modes=modes)
                 if abs(int(p) - features) > 1 else np.nan for p in ps]
        ax.plot(ps, curve, "-", color=colour, lw=1, label=f"N = {features}: m kappa(m) n/(n-m)")
        ax.axhline(evaluate("power-law-projection-risk", features=features, alpha=alpha, modes=modes), color=colour,
                   lw=0.6, ls=":")
        gen = np.random.default_rng(features)
        for ratio in (1 / 8, 1 / 2, 2, 8):
            p = int(round(ratio * features))
            if p < 2:
                continue
            r = kernels.joint_power_law_risks(gen, draws, p, features, alpha, modes)
            ax.errorbar([p], [r.mean()], yerr=[2 * r.std(ddof=1) / math.sqrt(draws)], fmt="o", color=colour, ms=3,
                        capsize=2)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(0.05, 5)
    ax.set_xlabel("P samples")
    ax.set_ylabel("risk")
    ax.set_title(f"Min-norm regression on N random projections, alpha = {alpha}, M = {modes}\n"
                 f"dotted: N kappa(N) (P = inf); points: simulated, {draws} draws, 2 s.e.", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=META)
    plt.close(fig)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    double_descent(OUT / "double_descent.png")
    random_features(OUT / "random_features.png")
    scaling_law(OUT / "scaling_law.png")
    joint_risk(OUT / "joint_risk.png")
    for p in sorted(OUT.glob("*.png")):
        print(p.relative_to(OUT.parent.parent.parent))


if __name__ == "__main__":
    main()
