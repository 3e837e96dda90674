"""Worked example (docs/manifold.md): object manifolds through the layers of a small random ReLU network.

P = 10 objects in R^50, each a cloud of M = 40 points: a Gaussian centre (norm ~ sqrt 50) plus
variations of scale 0.6 per direction in a random 6-dimensional subspace of its own; three ReLU
layers of width 300 with He-initialised Gaussian weights (no biases), all drawn from one seed.
``python -m dltheory.numerics.manifold.example`` writes layer0.npy (the input) .. layer3.npy in the
current folder and prints the capacity, anchor radius and dimension per layer."""
from __future__ import annotations

import numpy as np

from .analysis import analyse

P, M, N0, D0, WIDTH, LAYERS, SPREAD = 10, 40, 50, 6, 300, 3, 0.6


def network_layers(seed: int = 20261204) -> list[np.ndarray]:
    """Point clouds (P, M, n_l) at the input and after each ReLU layer."""
    g = np.random.Generator(np.random.SFC64(seed))
    centres = g.standard_normal((P, 1, N0))
    bases = g.standard_normal((P, D0, N0)) / np.sqrt(N0)  # random subspaces, axes of norm ~ 1
    coeff = SPREAD * np.sqrt(N0) * g.standard_normal((P, M, D0)) / np.sqrt(D0)
    x = centres + np.einsum("pmd,pdn->pmn", coeff, bases)
    out = [x]
    n = N0
    for _ in range(LAYERS):
        W = g.standard_normal((n, WIDTH)) * np.sqrt(2.0 / n)
        x = np.maximum(x @ W, 0.0)
        out.append(x)
        n = WIDTH
    return out


def table(samples: int = 1000, seed: int = 0) -> list[tuple[int, float, float, float, float]]:
    """(layer, alpha_M, s.e., R_M, D_M) per layer, kappa = 0."""
    rows = []
    for layer, x in enumerate(network_layers()):
        a = analyse(x, 0.0, samples, seed)
        rows.append((layer, a.alpha, a.stderr, a.radius, a.dimension))
    return rows


def main() -> None:
    for layer, x in enumerate(network_layers()):
        np.save(f"layer{layer}.npy", x)
    print("layer  capacity alpha_M   radius R_M  dimension D_M")
    for layer, alpha, se, R, D in table():
        print(f"{layer:5d}  {alpha:.4f} +- {se:.4f}   {R:10.4f}  {D:13.4f}")


if __name__ == "__main__":
    main()
