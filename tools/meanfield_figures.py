"""Figures for the mean-field user guide: the tanh phase diagram (q*, chi1 over sigma_w^2, sigma_b^2).
A docs script, outside the discovered packages.

``.venv/bin/python tools/meanfield_figures.py OUT.png`` redraws docs/figures/meanfield-phase-diagram.png
(after Poole et al. 2016, Fig. 2, and Schoenholz et al. 2017, Fig. 1). matplotlib is imported lazily.
"""
from __future__ import annotations

import sys

import numpy as np


def phase_diagram(path, activation="tanh", n_w=48, n_b=36):
    """q* and chi1 over (sigma_w^2, sigma_b^2), with the order-to-chaos line chi1 = 1 drawn twice:
    as the chi1 = 1 contour of the grid and from ``critical-weight-variance`` (they must coincide)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dltheory.theory import evaluate

    sws = np.linspace(1.0, 4.0, n_w)
    sbs = np.linspace(0.0, 0.3, n_b)
    qstar = np.empty((n_b, n_w))
    chi = np.empty((n_b, n_w))
    for i, sb in enumerate(sbs):
        for j, sw in enumerate(sws):
            p = dict(activation=activation, weight_variance=float(sw), bias_variance=float(sb))
            qstar[i, j] = evaluate("fixed-point-length", **p)
            chi[i, j] = evaluate("chi1", **p)
    line_b = np.linspace(0.0, 0.3, 25)
    line_w = [evaluate("critical-weight-variance", activation=activation, bias_variance=float(b)) for b in line_b]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    for ax, data, title in ((axes[0], qstar, "$q^*$"), (axes[1], chi, r"$\chi_1$")):
        im = ax.pcolormesh(sws, sbs, data, shading="auto", cmap="viridis")
        fig.colorbar(im, ax=ax)
        ax.contour(sws, sbs, chi, levels=[1.0], colors="w", linewidths=2)
        ax.plot(line_w, line_b, "r--", lw=1.2, label=r"critical-weight-variance ($\chi_1 = 1$)")
        ax.set_xlabel(r"$\sigma_w^2$")
        ax.set_ylabel(r"$\sigma_b^2$")
        ax.set_title(f"{activation}: {title}")
    axes[1].text(1.3, 0.25, "ordered\n" + r"$\chi_1 < 1$", color="w")
    axes[1].text(3.0, 0.03, "chaotic\n" + r"$\chi_1 > 1$", color="k")
    axes[0].legend(loc="lower right", fontsize=7)
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return sws, sbs, qstar, chi


if __name__ == "__main__":
    phase_diagram(sys.argv[1] if len(sys.argv) > 1 else "docs/figures/meanfield-phase-diagram.png")
