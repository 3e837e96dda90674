"""``dltheory kernel``: the NNGP or NTK kernel matrix of input files (.npy or .csv) into a file.

    dltheory kernel --activation relu --depth 5 --weight-variance 2 --x X.npy [--x2 Y.npy] --out K.npy

Rows of X (n1 x d) and Y (n2 x d, default X) are inputs; the output is the (n1 x n2) matrix
(``dltheory.theory.meanfield.kernel_matrix``; entry (i, j) is ``nngp-kernel``/``ntk-kernel`` of the
rows i and j). Bad files, shapes or values: one line on stderr, exit 2, nothing written.
Imports neither numba nor sympy.

Training dynamics (``dltheory.theory.meanfield.dynamics``): with ``--y T.npy`` (one target per row
of --x, the training inputs) the output is the law of the infinite-width network's outputs at the
rows of --x2 (the test inputs, default --x): with --ntk, after gradient flow up to ``--time``
(default inf) or ``--time / --learning-rate`` steps of full-batch gradient descent on
(1/2) sum (f - y)^2 (Lee et al. 2019); with --nngp, the NNGP posterior. The file has one row per
test input: the mean, then that row of the covariance matrix (n2 x (1 + n2)).
"""
from __future__ import annotations

import math
import os
import sys
import warnings
from pathlib import Path

from .cli import integer

SUFFIXES = (".npy", ".csv")
#: refuse quadrature jobs above this many activation evaluations (~10 s on one core)
MAX_QUADRATURE_EVALUATIONS = 2e9


def add_parser(subparsers) -> None:
    s = subparsers.add_parser("kernel", help="NNGP/NTK kernel matrix of input files (.npy/.csv)")
    s.add_argument("--activation", required=True, help="pointwise activation (as for the nngp-kernel quantity)")
    s.add_argument("--depth", required=True, type=integer, help="number of hidden layers L")
    s.add_argument("--weight-variance", required=True, type=float, help="sigma_w^2")
    s.add_argument("--bias-variance", type=float, default=0.0, help="sigma_b^2 (default 0)")
    kind = s.add_mutually_exclusive_group()
    kind.add_argument("--ntk", dest="kind", action="store_const", const="ntk", help="the NTK (default)")
    kind.add_argument("--nngp", dest="kind", action="store_const", const="nngp", help="the NNGP kernel")
    s.add_argument("--parameterization", default="ntk", help="ntk (default) or standard (NTK only; needs --width)")
    s.add_argument("--width", type=integer, help="hidden width N (standard parameterisation)")
    s.add_argument("--x", required=True, help="inputs, one per row (.npy or .csv)")
    s.add_argument("--x2", help="second inputs (default: --x)")
    s.add_argument("--out", required=True, help="output matrix (.npy or .csv)")
    s.add_argument("--y", help="training targets for the rows of --x (.npy or .csv): predict at --x2 instead")
    s.add_argument("--time", type=float, default=math.inf, help="with --y --ntk: training time (default inf)")
    s.add_argument("--learning-rate", type=float, default=0.0,
                   help="with --y --ntk: GD learning rate (time / rate steps); 0 (default): gradient flow")
    s.set_defaults(run=run, kind="ntk")


def _load(option: str, path: str):
    import numpy as np

    from .theory import BadInput

    p = Path(path)
    if p.suffix.lower() not in SUFFIXES:
        raise BadInput(option, path, "a .npy or .csv file", "unknown file type")
    if not p.is_file():
        raise BadInput(option, path, "an existing .npy or .csv file", "no such file")
    try:
        if p.suffix.lower() == ".npy":
            a = np.load(p, allow_pickle=False)
        else:
            with warnings.catch_warnings():  # an empty file: refused below by its shape, in one line
                warnings.simplefilter("ignore")
                a = np.loadtxt(p, delimiter=",", ndmin=2, dtype=np.float64)
    except (ValueError, OSError, EOFError) as e:
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise BadInput(option, path, "a readable numeric .npy or .csv file", f"unreadable ({reason})") from None
    if not np.issubdtype(a.dtype, np.number) or np.iscomplexobj(a):
        raise BadInput(option, path, "a real numeric array", f"dtype {a.dtype}")
    if a.ndim != 2 or 0 in a.shape:
        raise BadInput(option, path, "a 2-d array (n inputs x d), n, d >= 1", f"shape {a.shape}")
    a = a.astype(np.float64)
    if not np.all(np.isfinite(a)):
        raise BadInput(option, path, "finite numbers", "NaN or infinity")
    return a


def _quadrature_cost(args, X1, X2) -> float:
    """Activation evaluations of the (pairs x n x n) quadrature, estimated at the first layer's largest q."""
    from .theory.meanfield.kernel_matrix import quadrature_nodes_per_axis

    n1 = X1.shape[0]
    pairs = n1 * (n1 - 1) / 2 if X2 is None else n1 * X2.shape[0]
    qmax = max(float((X * X).sum(axis=1).max()) / X.shape[1] for X in (X1, X2) if X is not None)
    n = quadrature_nodes_per_axis(args.activation, args.weight_variance * qmax + args.bias_variance)
    return 4 * pairs * n * n * max(args.depth - 1, 0)


def run(args) -> int:
    import numpy as np

    from .theory import BadInput
    from .theory.meanfield import ACTIVATIONS, CLOSED
    from .theory.meanfield.kernel_matrix import kernel_matrices

    out = Path(args.out)
    if out.suffix.lower() not in SUFFIXES:
        raise BadInput("--out", args.out, "a file name ending in .npy or .csv", "unknown file type")
    if not out.parent.is_dir() if str(out.parent) else False:
        raise BadInput("--out", args.out, "a file in an existing folder", "no such folder")
    if args.activation not in ACTIVATIONS:
        raise BadInput("--activation", args.activation, ", ".join(ACTIVATIONS), "unknown activation")
    if args.kind == "nngp" and args.parameterization != "ntk":
        raise BadInput("--parameterization", args.parameterization, "ntk (the NNGP kernel has no parameterisation)",
                       "NNGP with a parameterisation")
    if args.kind == "ntk" and args.parameterization == "standard" and args.width is None:
        raise BadInput("--width", "(missing)", "integer >= 1 (required with --parameterization standard)", "required")
    if args.width is not None and args.parameterization != "standard":
        raise BadInput("--width", args.width, "only with --parameterization standard", "unused")
    if not math.isfinite(args.weight_variance) or not math.isfinite(args.bias_variance):
        raise BadInput("--weight-variance" if not math.isfinite(args.weight_variance) else "--bias-variance",
                       "nan/inf", "finite numbers")
    X1 = _load("--x", args.x)
    X2 = _load("--x2", args.x2) if args.x2 else None
    if X2 is not None and X2.shape[1] != X1.shape[1]:
        raise BadInput("--x2", args.x2, f"{X1.shape[1]} columns (the dimension of --x)", f"shape {X2.shape}")
    Y = _load("--y", args.y) if args.y else None
    if Y is None and (args.time != math.inf or args.learning_rate != 0.0):
        raise BadInput("--time" if args.time != math.inf else "--learning-rate", "given", "only with --y", "unused")
    if Y is not None:
        if Y.size != X1.shape[0] or min(Y.shape) != 1:
            raise BadInput("--y", args.y, f"{X1.shape[0]} targets (one per row of --x)", f"shape {Y.shape}")
        if args.parameterization != "ntk":
            raise BadInput("--parameterization", args.parameterization, "ntk (with --y)", "unsupported")
        if not (args.time >= 0) or not (0 <= args.learning_rate < math.inf):
            raise BadInput("--time" if not args.time >= 0 else "--learning-rate",
                           args.time if not args.time >= 0 else args.learning_rate, "a number >= 0 (time: or inf)")
    if args.activation not in CLOSED:
        cost = _quadrature_cost(args, X1, X2)
        if cost > MAX_QUADRATURE_EVALUATIONS:
            raise BadInput("--x", args.x, f"at most ~{MAX_QUADRATURE_EVALUATIONS:.0e} quadrature evaluations for "
                           f"{args.activation} (fewer pairs or less depth)", f"too costly ({cost:.1e})")
    with np.errstate(all="ignore"):  # overflow and underflow are judged on the result, below
        if Y is not None:
            M, what = _predict(args, X1, X2, Y.reshape(-1))
        else:
            K, T = kernel_matrices(X1, X2, activation=args.activation, depth=args.depth,
                                   weight_variance=args.weight_variance, bias_variance=args.bias_variance,
                                   parameterization=args.parameterization, width=args.width, ntk=args.kind == "ntk")
            M = T if args.kind == "ntk" else K
            what = f"NTK ({args.parameterization} parameterisation)" if args.kind == "ntk" else "NNGP kernel"
    if not np.all(np.isfinite(M)):  # nothing written: a NaN or infinite matrix is no answer
        raise BadInput("--x", args.x, "inputs and variances at which the kernel is finite in double precision "
                       "(rescale the inputs or the weight variance)", "the kernel overflows or is undefined")
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            if out.suffix.lower() == ".npy":
                np.save(f, M)
            else:
                np.savetxt(f, M, delimiter=",", fmt="%.17g")
        os.replace(tmp, out)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise BadInput("--out", args.out, "a writable file", e.strerror or "cannot be written") from None
    print(f"wrote {args.out}: {M.shape[0]} x {M.shape[1]} {what} of {args.activation}, depth {args.depth}, "
          f"sigma_w^2 = {args.weight_variance:g}, sigma_b^2 = {args.bias_variance:g}; "
          f"entries in [{float(M.min()):.6g}, {float(M.max()):.6g}]", file=sys.stdout)
    return 0


def _predict(args, X_train, X_test, y):
    """(n_test x (1 + n_test) array [mean | covariance], description)."""
    import numpy as np

    from .theory.meanfield.dynamics import gd_prediction, nngp_posterior

    kw = dict(activation=args.activation, depth=args.depth, weight_variance=args.weight_variance,
              bias_variance=args.bias_variance)
    Xt = X_train if X_test is None else X_test
    if args.kind == "nngp":
        mean, cov = nngp_posterior(X_train, y, Xt, **kw)
        what = "NNGP posterior [mean | covariance]"
    else:
        mean, cov = gd_prediction(X_train, y, Xt, **kw, time=args.time, learning_rate=args.learning_rate)
        how = "gradient flow" if args.learning_rate == 0 else f"GD at learning rate {args.learning_rate:g}"
        what = f"NTK {how} to time {args.time:g}: [mean | covariance]"
    return np.concatenate([mean[:, None], cov], axis=1), what
