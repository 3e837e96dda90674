"""``dltheory capacity --manifolds FILE``: mean-field capacity, anchor radius and dimension of your
point-cloud manifolds (anchor-point method, Chung, Lee & Sompolinsky 2018; see docs/manifold.md)."""
from __future__ import annotations

import json
import sys

from .cli import integer


def add_parser(sub) -> None:
    s = sub.add_parser("capacity", help="manifold capacity of point clouds (.npy (P, M, N) or .npz of (M_i, N))")
    s.add_argument("--manifolds", required=True, metavar="FILE",
                   help=".npy array (P manifolds, M points, N dimensions) or .npz of (M_i, N) arrays, one per manifold")
    s.add_argument("--kappa", type=float, default=0.0, help="margin kappa >= 0 (default 0)")
    s.add_argument("--samples", type=integer, default=2000, help="Gaussian samples T per manifold (default 2000)")
    s.add_argument("--seed", type=integer, default=0, help="seed of the Gaussian samples (default 0)")
    s.add_argument("--center-correction", action="store_true",
                   help="project out the centre-correlation subspace first (Cohen et al. 2020)")
    s.add_argument("--json", action="store_true", help="one JSON object instead of the text report")
    s.set_defaults(run=run)


def load(path: str):
    """The manifolds in ``path``: a (P, M, N) array from .npy, or the arrays of a .npz in file order."""
    import zipfile

    import numpy as np

    from .theory import BadInput

    allowed = "a readable .npy array (P, M, N) or .npz of (M_i, N) arrays"
    try:
        with open(path, "rb") as f:
            magic = f.read(6)
        if magic != b"\x93NUMPY" and not magic.startswith(b"PK\x03\x04"):
            raise BadInput("--manifolds", path, allowed, "not a NumPy .npy or .npz file")
        data = np.load(path, allow_pickle=False)
        if isinstance(data, np.lib.npyio.NpzFile):
            with data:
                arrays = [data[k] for k in data.files]
            return arrays
        return data
    except BadInput:
        raise
    except FileNotFoundError:
        raise BadInput("--manifolds", path, allowed, "no such file") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise BadInput("--manifolds", path, allowed, f"unreadable ({reason})") from None


def run(args) -> int:
    from .theory import BadInput

    if args.seed < 0:
        raise BadInput("--seed", args.seed, "integer >= 0")
    from .numerics.manifold import analyse

    data = load(args.manifolds)
    result = analyse(data, args.kappa, args.samples, args.seed, args.center_correction)
    if args.json:
        json.dump(result.as_dict(), sys.stdout, indent=1)
        print()
        return 0
    counts = [len(m) for m in data]
    print(f"manifolds   P = {len(counts)}, points per manifold {min(counts)}..{max(counts)}, "
          f"N = {data[0].shape[-1]}")
    print(f"capacity    alpha_M = {result.alpha:.4f} +- {result.stderr:.4f} (s.e.; {result.samples} samples "
          f"per manifold, kappa = {result.kappa:g})")
    print(f"radius      R_M = {result.radius:.4f} (mean over manifolds)")
    print(f"dimension   D_M = {result.dimension:.4f} (mean over manifolds)")
    if result.center_rank is not None:
        before, after = result.center_correlation
        print(f"centres     correlation subspace of rank K = {result.center_rank} removed; mean |correlation| "
              f"of the centres {before:.4f} -> {after:.4f}")
    return 0
