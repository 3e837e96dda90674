"""Figure for the NTK training dynamics (docs/meanfield.md; after Lee et al. 2019, Fig. 1): test
outputs of finite-width networks trained by full-batch GD against the infinite-width mean and its
2-sigma band. A docs script, outside the discovered packages.

``.venv/bin/python tools/ntk_dynamics_figure.py docs/figures/meanfield-ntk-dynamics.png``
"""
from __future__ import annotations

import sys

import numpy as np


def trajectories(path, widths=(64, 1024), networks=12, steps=100, lr=0.1):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dltheory.numerics.meanfield.ntk_training import trained_outputs
    from dltheory.theory.meanfield.dynamics import circle, gd_prediction

    kw = dict(activation="relu", depth=2, weight_variance=2.0, bias_variance=0.1)
    train, y, test = circle([0.0, 1.2, 2.5]), np.array([1.0, -0.5, 0.5]), circle([0.6])
    ks = np.arange(0, steps + 1, 2)
    mean = np.empty(ks.size)
    sd = np.empty(ks.size)
    for i, k in enumerate(ks):
        m, c = gd_prediction(train, y, test, **kw, time=float(k * lr), learning_rate=lr)
        mean[i], sd[i] = m[0], np.sqrt(max(c[0, 0], 0.0))
    fig, axes = plt.subplots(1, len(widths), figsize=(5 * len(widths), 3.6), sharey=True)
    for ax, N in zip(np.atleast_1d(axes), widths):
        out = trained_outputs(kw["activation"], kw["depth"], N, kw["weight_variance"], kw["bias_variance"], train, y,
                              test, lr, ks, networks, 2019)
        t = ks * lr
        ax.fill_between(t, mean - 2 * sd, mean + 2 * sd, color="C0", alpha=0.2,
                        label=r"infinite width: mean $\pm 2\sigma$")
        ax.plot(t, mean, "C0", lw=2)
        for s in range(networks):
            ax.plot(t, out[s, :, -1], color="C3", lw=0.7, alpha=0.8, label=f"width {N}" if s == 0 else None)
        ax.set_xscale("symlog", linthresh=0.2)
        ax.set_xlabel(r"time $t = \eta k$ (GD, $\eta$ = 0.1)")
        ax.set_title(f"relu, depth 2, width {N}: test output $f_t(x)$", fontsize=9)
        ax.legend(fontsize=7, loc="upper right")
    np.atleast_1d(axes)[0].set_ylabel("f_t(x)")
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})


if __name__ == "__main__":
    trajectories(sys.argv[1] if len(sys.argv) > 1 else "docs/figures/meanfield-ntk-dynamics.png")
