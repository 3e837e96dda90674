"""Figures for docs/landscape.md (run by hand: `python tools/spin_glass_figures.py`; about a minute).

Writes docs/figures/landscape/{complexity,critical-points,hessian-spectrum,pair-histogram}.png from
fixed seeds, so a rerun with the same library versions regenerates them byte for byte.
"""
from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from dltheory import theory  # noqa: E402
from dltheory.numerics.spin_glass import checks, kernels  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "docs" / "figures" / "landscape"
ev = theory.evaluate


def save(fig, name: str) -> None:
    fig.tight_layout()
    fig.savefig(OUT / name, dpi=110, metadata={"Software": None})
    plt.close(fig)
    print(OUT / name)


def complexity() -> None:
    p = 3
    e_inf = ev("pspin-threshold-energy", p=p)
    u = np.linspace(-1.67, -1.6, 400)
    fig, ax = plt.subplots(figsize=(5.8, 3.8))
    for k in range(4):
        ax.plot(u, [ev("pspin-complexity", p=p, index=k, energy=x) for x in u], label=f"index k = {k}")
        e_k = ev("pspin-critical-energy", p=p, index=k)
        ax.plot([-e_k], [0], "o", ms=3, color=f"C{k}")
    ax.axhline(0, color="k", lw=0.6)
    ax.axvline(-e_inf, color="k", ls=":", lw=0.8, label="-E_inf (threshold)")
    ax.set_xlabel("energy per spin u")
    ax.set_ylabel("annealed complexity Theta_{k,3}(u)")
    ax.set_title("Spherical 3-spin: critical points of index k below u (ABC 2013)\n"
                 "dots: -E_k, the layers -E_0 < -E_1 < ... < -E_inf", fontsize=9)
    ax.legend(fontsize=7)
    save(fig, "complexity.png")


def critical_points(rows: int = 1200) -> None:
    fig, ax = plt.subplots(figsize=(5.8, 3.8))
    for c, N in enumerate((2, 3, 4)):
        counts, ok = checks.critical_counts(N, 3, rows, np.random.SeedSequence([2015, N]))
        assert ok.all()
        k = np.arange(N)
        m = counts.mean(axis=0)
        se = counts.std(axis=0, ddof=1) / math.sqrt(rows)
        exact = [ev("pspin-expected-critical-points", N=N, p=3, index=int(i)) for i in k]
        ax.plot(k + 0.05 * c, exact, "-", color=f"C{c}", label=f"N = {N}: exact Kac-Rice")
        ax.errorbar(k + 0.05 * c, m, yerr=2 * se, fmt="o", ms=3.5, color=f"C{c}", capsize=2)
        ax.plot(k, [math.exp(N * (0.5 * math.log(2) - 1 / 3))] * N, ":", color=f"C{c}", alpha=0.7)
    ax.set_xlabel("index k")
    ax.set_ylabel("mean number of critical points")
    ax.set_title(f"Spherical 3-spin, all critical points of {rows} Hamiltonians per N\n"
                 "(points: enumeration, 2 s.e.; dotted: annealed exp(N Theta))", fontsize=9)
    ax.legend(fontsize=7)
    save(fig, "critical-points.png")


def hessian_spectrum(N: int = 100, rows: int = 12) -> None:
    """Left: typical critical points (Newton from random starts, as in the check); right: the local
    minima gradient descent reaches (then Newton), at energies above -E_inf."""
    gen = np.random.Generator(np.random.SFC64(7))
    R = 2 * math.sqrt(6 * (N - 1) / N)
    t = np.linspace(-R, R, 300)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    for ax, descent, what in ((axes[0], 0, "Newton from random starts"), (axes[1], 3000, "gradient descent + Newton")):
        pooled, energies, indices = [], [], []
        while len(pooled) < rows:
            S = kernels.symmetric_tensor(gen, N)
            for _ in range(100):
                u, lam, residual = kernels.critical_hessian(S, gen.standard_normal(N), descent, 80)
                if residual < 1e-8:
                    break
            pooled.append(lam + 3 * u)
            energies.append(u)
            indices.append(int(np.sum(lam < 0)))
        ax.hist(np.concatenate(pooled), bins=50, density=True, alpha=0.5, label=f"Hessian + 3u, {rows} critical points")
        ax.plot(t, 2 / (math.pi * R**2) * np.sqrt(R**2 - t**2), "k-", label="semicircle, radius 2 sqrt(6 (N-1)/N)")
        ax.axvline(3 * np.mean(energies), color="C3", ls=":", label="eigenvalue 0 (at p u, mean u)")
        ax.set_xlabel("eigenvalue + p u")
        ax.set_title(f"N = {N}, {what}\nmean energy {np.mean(energies):.3f}, mean index {np.mean(indices):.1f} "
                     f"(-E_inf = {-ev('pspin-threshold-energy', p=3):.3f})", fontsize=9)
        ax.legend(fontsize=7)
    save(fig, "hessian-spectrum.png")


def pair_histogram(N: int = 15, P: int = 8, rows: int = 8000) -> None:
    hist = checks.pair_histograms(N, P, rows, np.random.SeedSequence([2015, N, P]))
    K = np.arange(N + 1)
    m = hist.mean(axis=0)
    se = hist.std(axis=0, ddof=1) / math.sqrt(rows)
    exact = [float(ev("perceptron-pair-count", N=N, P=P, distance=int(k))) for k in K]
    independent = [2.0**N * math.comb(N, int(k)) * 0.25**P for k in K]
    fig, ax = plt.subplots(figsize=(5.8, 3.8))
    ax.plot(K, exact, "-", label="exact first moment 2^N C(N,K) [(1 - theta_K/pi)/2]^P")
    ax.plot(K, independent, ":", label="independent constraints 2^N C(N,K) 4^-P")
    good = m > 0
    ax.errorbar(K[good], m[good], yerr=2 * se[good], fmt="o", ms=3.5, capsize=2, label="enumeration (2 s.e.)")
    ax.set_yscale("log")
    ax.set_xlabel("Hamming distance K")
    ax.set_ylabel("mean number of ordered solution pairs")
    ax.set_title(f"Binary perceptron, N = {N}, P = {P}: all 2^N weights of {rows} instances", fontsize=9)
    ax.legend(fontsize=7)
    save(fig, "pair-histogram.png")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    complexity()
    critical_points()
    hessian_spectrum()
    pair_histogram()
