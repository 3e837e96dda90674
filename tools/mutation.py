"""A small mutation campaign over dltheory (issue 11, statistical power). Run by hand, never in CI:

    .venv/bin/python tools/mutation.py                 # every mutant (20-40 min on 2 cores)
    .venv/bin/python tools/mutation.py H1 N3 --json out.json
    .venv/bin/python tools/mutation.py --check-targets # each slip's target text exists exactly once

Each mutant is one hand-written slip (a factor of 2, an off-by-one, ln(2/delta) for ln(1/delta),
a dropped term, a flipped sign, 1/(N-1) for 1/N, a dropped Bonferroni correction, a tripled
standard error, ...) in one file. The runner copies the source once into a temporary directory
laid out as an importable ``dltheory`` package (PYTHONPATH puts it before the editable install),
applies one slip at a time there, runs the mutant's targeted tests (``pytest -x``) and its
``dltheory`` command (``verify CHECK --quick`` or ``derive NAME``), records which of them failed
(the mutant is KILLED if either did; a time-out counts as a kill and is noted) and restores the
file. Before the mutants, the same selections run on the unmutated copy and must pass.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYOUT = {"dltheory": "", "theory": "theory", "numerics": "numerics", "derivations": "derivations"}
TIMEOUT = 300


@dataclass(frozen=True)
class Mutant:
    id: str
    layer: str  # theory | simulator | harness | derivation
    path: str  # relative to the repository root
    old: str  # must occur exactly once in the file
    new: str
    what: str
    tests: tuple[str, ...]  # pytest arguments (files or node ids)
    command: tuple[str, ...] = ()  # dltheory arguments; "{tmp}" is replaced by a scratch folder


def _verify(name):
    return ("verify", name, "--quick")


def _derive(name):
    return ("derive", name, "--no-pdf", "--out", "{tmp}")


H, ST, T, D = "tests/test_check_harness.py", "tests/test_stats.py", "harness", "derivation"
TP = "tests/test_power.py"
CONF = "tests/test_conformance.py::"


def _conf_check(name):
    return f"{CONF}test_check_passes_quick_and_rejects_its_wrong_theory[{name}]"


def _conf_derivation(name):
    return f"{CONF}test_derivation_builds_and_equals_its_quantities[{name}]"


def _conf_quantity(name):
    return f"{CONF}test_quantity_evaluates_at_its_examples[{name}]"


MUTANTS: tuple[Mutant, ...] = (
    # ------------------------------------------------------------------ the harness
    Mutant("H1", T, "numerics/_stats.py", "float(x.std(ddof=1) / math.sqrt(n))", "float(3 * x.std(ddof=1) / math.sqrt(n))",
           "mean(): tripled standard error", (H, ST, TP), _verify("meanfield-chi1")),
    Mutant("H2", T, "numerics/_stats.py", "NormalDist().inv_cdf(1 - alpha / (2 * tests))",
           "NormalDist().inv_cdf(1 - alpha / 2)", "z_critical: Bonferroni correction dropped", (H, ST, TP),
           _verify("meanfield-chi1")),
    Mutant("H3", T, "numerics/_stats.py", "centre = (p + z * z / (2 * trials)) / denom",
           "centre = (p + z * z / trials) / denom", "Wilson interval: centre's z^2/(2n) doubled", (H, ST, TP),
           _verify("capacity-cover-separability")),
    Mutant("H4", T, "numerics/_stats.py", "if dof > 0 and chi2 / dof > 1:", "if dof > 0 and chi2 / dof > 1e300:",
           "weighted fit: chi2/dof inflation of the covariance dropped", (H, ST, TP), _verify("product-tree-error-fit")),
    Mutant("H5", T, "numerics/_stats.py", "fit = weighted_polyfit(1.0 / np.asarray(sizes, dtype=np.float64)",
           "fit = weighted_polyfit(1.0 / (np.asarray(sizes, dtype=np.float64) + 1)",
           "extrapolate: fit in 1/(N+1) instead of 1/N (off-by-one in N)", (H, ST, TP), _verify("meanfield-length-map")),
    Mutant("H6", T, "numerics/_stats.py", "return Estimate(at(r), (at(r + m) - at(r - m)) / 2, T,",
           "return Estimate(at(r), (at(r + m) - at(r - m)), T,", "quantile: standard error doubled", (H, ST, TP),
           _verify("vc-bound-thresholds-coverage")),
    Mutant("H7", T, "numerics/_check.py", "    return abs(z) <= threshold, z", "    return abs(z) <= 2 * threshold, z",
           "run_check: z-test threshold doubled", (H, TP), _verify("meanfield-chi1")),
    Mutant("H8", T, "numerics/_check.py", 'out.power_rejected = any(r["wrong_rejected"] for r in out.records)',
           "out.power_rejected = True", "every power test declared passed", (H, TP), _verify("meanfield-chi1")),
    Mutant("H9", T, "numerics/_check.py", "resolved = power_deviation == 0 or resolution < power_deviation",
           "resolved = power_deviation == 0 or resolution < 10 * power_deviation",
           "resolution: accepts points 10x too coarse for their power test", (H, TP), _verify("product-tree-error-fit")),
    Mutant("H10", T, "numerics/_check.py", "threshold = z_critical(c.alpha, len(points))",
           "threshold = z_critical(c.alpha, 1)", "run_check: Bonferroni correction dropped", (H, TP),
           _verify("meanfield-chi1")),
    Mutant("H11", T, "numerics/_check.py", "return 1.05 * self.theory_value(point)",
           "return 1.5 * self.theory_value(point)", "default power test weakened from x1.05 to x1.5", (H, TP),
           _verify("meanfield-chi1")),
    Mutant("H12", T, "numerics/_check.py", "return excess <= c.tolerance * abs(theory), excess",
           "return excess <= c.tolerance * abs(theory) + 1, excess", "exact bound: one unit of slack", (H, TP),
           _verify("regions-upper-random")),
    Mutant("H13", T, "numerics/_check.py", "        z = sign * est.z(theory)\n        return z <= threshold, z",
           "        z = sign * est.z(theory)\n        return z <= 2 * threshold, z",
           "statistical bound: one-sided threshold doubled", (H, TP), _verify("regions-density-bound")),
    Mutant("H14", T, "numerics/_check.py", 'out.passed = all(r["pass"] for r in out.records) and out.power_rejected',
           'out.passed = all(r["agrees"] for r in out.records) and out.power_rejected',
           "unresolved points pass again (resolution dropped from the verdict)", (H, TP),
           _verify("product-tree-error-fit")),
    Mutant("H15", T, "numerics/_check.py", "TIGHTEN = 0.05", "TIGHTEN = 0.5",
           "bound tightness: a bound 2x loose counts as tight", (H, TP), _verify("regions-upper-random")),
    Mutant("H16", T, "numerics/_check.py", 'record["agrees"] = ok and per_size', 'record["agrees"] = ok',
           "per-size exact finite-N tests dropped from the verdict", (H, TP), _verify("regions-density-depth")),
    # ------------------------------------------------------------------ simulators
    Mutant("N1", "simulator", "numerics/regions/estimators.py", "out[s] = ts.shape[0] - 2", "out[s] = ts.shape[0] - 1",
           "line crossings: off-by-one in the region counter", ("tests/test_regions.py", TP),
           _verify("regions-density-depth")),
    Mutant("N2", "simulator", "numerics/regions/estimators.py", "    return ts.shape[0] - 1\n",
           "    return ts.shape[0]\n", "count_segment: off-by-one in the region count", ("tests/test_regions.py", TP),
           _verify("zaslavsky-random-layer")),
    Mutant("N3", "simulator", "numerics/meanfield/kernels.py", "g11 = sb + sw * s11 / N\n                g12 = g11",
           "g11 = sb + sw * s11 / (N - 1)\n                g12 = g11", "Gram sampler (one input): 1/(N-1) normalisation",
           ("tests/test_meanfield.py", TP), _verify("meanfield-length-map")),
    Mutant("N4", "simulator", "numerics/meanfield/kernels.py", "g12 = sb + sw * s12 / N",
           "g12 = sb + sw * s12 / (N - 1)", "Gram sampler (two inputs): 1/(N-1) in the cross term",
           ("tests/test_meanfield.py", TP), _verify("meanfield-correlation-map")),
    Mutant("N5", "simulator", "numerics/regions/networks.py", "rng.standard_normal((n, fan_in)) * math.sqrt(2.0 / fan_in)",
           "rng.standard_normal((n, fan_in)) * math.sqrt(2.0 / (fan_in + 1))",
           "He initialisation: variance 2/(fan_in+1)", ("tests/test_regions.py", TP), _verify("regions-density-depth")),
    Mutant("N6", "simulator", "numerics/depth_width/estimators.py",
           "errs.append(math.sqrt(max(s2 / m - mean * mean, 0.0) / (m - 1)))",
           "errs.append(3 * math.sqrt(max(s2 / m - mean * mean, 0.0) / (m - 1)))",
           "lambda fit: tripled per-lambda standard errors", ("tests/test_depth_width.py", TP),
           _verify("product-tree-error-fit")),
    Mutant("N7", "simulator", "numerics/depth_width/kernels.py",
           "return (_act(kind, lam * p + bias) + _act(kind, -lam * p + bias) - 2.0 * _act(kind, bias)) / (d2 * lam * lam)",
           "return (_act(kind, lam * p + bias) + _act(kind, -lam * p + bias) - 2.0 * _act(kind, bias)) / (2 * d2 * lam * lam)",
           "square gate: factor 2 in the normalisation", ("tests/test_depth_width.py", TP),
           _verify("monomial-deep-construction")),
    Mutant("N8", "simulator", "numerics/regions/trajectory.py",
           "se_ratio = np.std(b - ratio * a, ddof=1) / (math.sqrt(n) * a.mean())",
           "se_ratio = 3 * np.std(b - ratio * a, ddof=1) / (math.sqrt(n) * a.mean())",
           "trajectory growth: tripled standard error", ("tests/test_trajectory.py", TP),
           _verify("trajectory-growth-wide-limit")),
    Mutant("N9", "simulator", "numerics/information/weights.py",
           "return Estimate(float(mean), float(math.sqrt(max(s2 / n - mean * mean, 0.0) / (n - 1))), int(n))",
           "return Estimate(float(mean), float(math.sqrt(max(s2 / n + mean * mean, 0.0) / (n - 1))), int(n))",
           "weight-information estimator: flipped sign in the variance", ("tests/test_information.py", TP),
           _verify("bayes-linear-weight-information-mc")),
    Mutant("N10", "simulator", "numerics/relu_pieces.py", "def trace(x0, x1, dims, weights, biases, merge=1e-12):",
           "def trace(x0, x1, dims, weights, biases, merge=1e-3):",
           "exact tracer: merges breakpoints closer than 1e-3 (drops regions)", ("tests/test_regions.py", TP),
           _verify("regions-upper-attained-1d")),
    # ------------------------------------------------------------------ theory
    Mutant("T1", "theory", "theory/generalization.py",
           "3.0 * math.sqrt(-math.log(delta) / (2.0 * n))", "3.0 * math.sqrt(math.log(2.0 / delta) / (2.0 * n))",
           "margin bound: ln(2/delta) for ln(1/delta)", ("tests/test_generalization.py",
                                                         _conf_derivation("generalization-margin-bound")),
           _verify("rademacher-margin-bound-coverage")),
    Mutant("T2", "theory", "theory/generalization.py", "math.log(4.0) + log_growth - math.log(delta)",
           "math.log(2.0) + log_growth - math.log(delta)", "VC bound: ln 4 -> ln 2 (a tighter, wrong bound)",
           ("tests/test_generalization_vc.py", _conf_derivation("generalization-vc")),
           _verify("vc-bound-thresholds-coverage")),
    Mutant("T3", "theory", "theory/generalization.py",
           "ctx.sqrt((K + ctx.log(1 / d) + ctx.log(nn) + 2) / (2 * nn - 1))",
           "ctx.sqrt((K + ctx.log(1 / d) + ctx.log(nn)) / (2 * nn - 1))", "McAllester PAC-Bayes: dropped + 2",
           ("tests/test_generalization.py", _conf_derivation("generalization-pac-bayes")),
           _verify("pac-bayes-erm-coverage")),
    Mutant("T4", "theory", "theory/regions.py", "    for j in range(min(d, n)):\n        term = term * (n - j) // (j + 1)",
           "    for j in range(min(d, n) - 1):\n        term = term * (n - j) // (j + 1)", "Zaslavsky: off-by-one in the sum",
           ("tests/test_regions.py", TP), _verify("zaslavsky-random-layer")),
    Mutant("T5", "theory", "theory/regions.py", "return sum(widths) * math.sqrt(2.0 / input_dim) / (math.sqrt(2 * math.pi) * sigma_b)",
           "return sum(widths) * math.sqrt(2.0 / input_dim) / (math.sqrt(math.pi) * sigma_b)",
           "density bound loosened by sqrt(2)", ("tests/test_regions.py", _conf_derivation("regions-density")),
           _verify("regions-density-bound")),
    Mutant("T6", "theory", "theory/regions.py", "math.atan(radius * math.sqrt(2.0 / (n0 * l)) / sigma_b)",
           "math.atan(radius * math.sqrt(2.0 / (n0 * l + 1)) / sigma_b)", "Hanin-Rolnick density: 1/(n0 l + 1)",
           ("tests/test_regions.py", TP), _verify("regions-density-depth")),
    Mutant("T7", "theory", "theory/regions.py", "return 2 * serra_upper(input_dim, widths)",
           "return 3 * serra_upper(input_dim, widths)", "Betti bound (ReLU) loosened by 3/2",
           ("tests/test_regions.py", _conf_derivation("regions-betti")), _verify("betti-bound-random")),
    Mutant("T8", "theory", "theory/regions.py", "        d = min(d, n)\n        total *= zaslavsky_count(d, n)",
           "        total *= zaslavsky_count(d, n)", "Montufar's upper bound: dimension cap dropped (looser)",
           ("tests/test_regions.py", TP), _verify("regions-upper-montufar-random")),
    Mutant("T9", "theory", "theory/regions.py", "return sigma_w * math.sqrt(width / (width + 1))",
           "return sigma_w * math.sqrt(width / (width + 2))", "trajectory growth base: width + 2",
           ("tests/test_regions.py", "tests/test_trajectory.py"), _verify("trajectory-growth-lower-bound")),
    Mutant("T10", "theory", "theory/capacity/cover.py", "    for k in range(min(N, P)):\n        total += term",
           "    for k in range(min(N, P) + 1):\n        total += term", "Cover count: off-by-one in the sum",
           ("tests/test_capacity.py",), _verify("capacity-cover-count")),
    Mutant("T11", "theory", "theory/generalization.py", "    for i in range(0, min(h, m) + 1):\n        total += term",
           "    for i in range(0, min(h, m)):\n        total += term", "Sauer-Shelah: off-by-one in the sum",
           ("tests/test_generalization_vc.py",), _verify("sauer-shelah-intervals-exact")),
    Mutant("T12", "theory", "theory/depth_width.py", "    return 4 * (n - 1)\n", "    return 4 * n\n",
           "product tree: 4n neurons for 4(n-1)", ("tests/test_depth_width.py", TP), _verify("product-tree-construction")),
    Mutant("T13", "theory", "theory/depth_width.py", "return ratio * Fraction((n + 1) * (n + 2), 6) * n * m2",
           "return ratio * Fraction((n + 1) * (n + 2), 3) * n * m2", "shallow product error: factor 2",
           ("tests/test_depth_width.py", TP), _verify("product-shallow-error-fit")),
    Mutant("T14", "theory", "theory/generalization.py", "(math.sqrt(2 * D * math.log(2)) + 1)",
           "(math.sqrt(D * math.log(2)) + 1)", "GRS bound: sqrt(D ln 2) for sqrt(2 D ln 2)",
           (TP,), _verify("rademacher-bound-linear-exact")),
    Mutant("T15", "theory", "theory/generalization.py", "math.sqrt(min(p_star, 4 * math.log(2 * input_dim)))",
           "math.sqrt(min(p_star, 4 * math.log(input_dim)))", "path-norm bound: ln D for ln 2D",
           (TP,), _verify("rademacher-bound-linear-exact")),
    Mutant("T16", "theory", "theory/generalization.py", "return 12 * input_norm * R_A * root_log",
           "return 8 * input_norm * R_A * root_log", "spectral bound: Dudley constant 8 for 12",
           (TP,), _verify("rademacher-spectral-dudley-exact")),
    Mutant("T17", "theory", "theory/generalization.py", "math.log2(4 * math.e * p * R * math.log2(2 * math.e * p * R))",
           "math.log2(2 * math.e * p * R * math.log2(2 * math.e * p * R))", "VC upper bound: 2e for 4e",
           (TP,), _verify("vc-dimension-upper-growth-exact")),
    # ------------------------------------------------------------------ derivations
    Mutant("D1", D, "derivations/regions.py", 'doc.result("bound", N * bound,', 'doc.result("bound", 2 * N * bound,',
           "density bound result doubled", (_conf_derivation("regions-density"),), _derive("regions-density")),
    Mutant("D2", D, "derivations/regions.py", "doc.equal(zaslavsky_sum(N, 2), (N**2 + N + 2) / 2,",
           "doc.equal(zaslavsky_sum(N, 2), (N**2 + N + 4) / 2,", "a displayed example off by one",
           (_conf_derivation("regions-zaslavsky"),), _derive("regions-zaslavsky")),
    Mutant("D3", D, "derivations/depth_width.py", "leading = u * v * (1 + a[4] / (6 * a[2])",
           "leading = u * v * (1 + a[4] / (3 * a[2])", "gate expansion: factor 2 in the leading error",
           (_conf_derivation("gate-taylor"),), _derive("gate-taylor")),
    Mutant("D4", D, "derivations/regions.py",
           "n * sp.sqrt(2 / (n0 * k)) for k, n in enumerate(widths, 1)]) / (sp.pi * sb)",
           "n * sp.sqrt(2 / (n0 * k)) for k, n in enumerate(widths, 1)]) / (2 * sp.pi * sb)",
           "density at the origin: factor 2", (_conf_derivation("regions-density"),), _derive("regions-density")),
    Mutant("D5", D, "derivations/capacity.py", 'doc.result("hebb_asymptote", 1 / sp.sqrt(2 * sp.pi * alpha),',
           'doc.result("hebb_asymptote", 1 / sp.sqrt(sp.pi * alpha),', "Hebb asymptote: dropped factor 2",
           (_conf_derivation("capacity-teacher-student"),), _derive("capacity-teacher-student")),
    Mutant("D6", D, "derivations/generalization/pac_bayes.py",
           'doc.result("langford-seeger", KlInverse(r, (K + sp.log((n + 1) / delta)) / n),',
           'doc.result("langford-seeger", KlInverse(r, (K + sp.log(n / delta)) / n),',
           "Langford-Seeger: ln(n/delta) for ln((n+1)/delta)", (_conf_derivation("generalization-pac-bayes"),),
           _derive("generalization-pac-bayes")),
    Mutant("D7", D, "derivations/generalization/rademacher.py",
           'doc.result("l1-massart", B * sp.sqrt(2 * sp.log(2 * d) / n),',
           'doc.result("l1-massart", B * sp.sqrt(2 * sp.log(d) / n),', "Massart: ln d for ln 2d",
           (_conf_derivation("generalization-rademacher-linear"),), _derive("generalization-rademacher-linear")),
    Mutant("D8", D, "derivations/capacity.py", 'doc.result("p", C(P, N) / 2**P,', 'doc.result("p", C(P, N) / 2**(P - 1),',
           "Cover probability: 2^(P-1) for 2^P", (_conf_derivation("capacity-cover"),), _derive("capacity-cover")),
)


def target_problems(root: Path = ROOT) -> list[str]:
    """Each mutant's target text must occur exactly once in its file, and ids must be unique."""
    out = []
    ids = [m.id for m in MUTANTS]
    if len(set(ids)) != len(ids):
        out.append("duplicate mutant ids")
    for m in MUTANTS:
        path = root / m.path
        if not path.is_file():
            out.append(f"{m.id}: {m.path} missing")
            continue
        n = path.read_text().count(m.old)
        if n != 1:
            out.append(f"{m.id}: target occurs {n} times in {m.path}")
        if m.old == m.new:
            out.append(f"{m.id}: no change")
    return out


def copy_tree(dest: Path) -> tuple[Path, Path]:
    """(site, src): site/dltheory is the package laid out as installed; src holds tests and pyproject."""
    site, src = dest / "site", dest / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for pkg, sub in LAYOUT.items():
        shutil.copytree(ROOT / pkg, site / "dltheory" / sub, ignore=ignore, dirs_exist_ok=True)
    shutil.copytree(ROOT / "tests", src / "tests", ignore=ignore)
    # the committed documents, which the conformance suite compares with fresh builds (a derivation
    # mutant is counted as killed by its `derive` command too, which does not read them)
    shutil.copytree(ROOT / "docs" / "derivations", src / "docs" / "derivations",
                    ignore=shutil.ignore_patterns("*.pdf", "*.log", "*.aux"))
    shutil.copy2(ROOT / "pyproject.toml", src / "pyproject.toml")
    return site, src


def copied_path(site: Path, rel: str) -> Path:
    top, _, rest = rel.partition("/")
    return site / "dltheory" / (rest if top == "dltheory" else rel)


def run_step(args, env, cwd, timeout=TIMEOUT) -> tuple[str, float, str]:
    """'pass', 'fail' or 'timeout', the seconds it took, and the first failed test's id (pytest)."""
    start = time.perf_counter()
    first = ""
    try:
        r = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
        status = "pass" if r.returncode == 0 else "fail"
        failed = [line.split()[1] for line in r.stdout.splitlines() if line.startswith(("FAILED ", "ERROR "))]
        first = failed[0] if failed else ""
    except subprocess.TimeoutExpired:
        status = "timeout"
    return status, time.perf_counter() - start, first


def selection(m: Mutant, src: Path, scratch: Path):
    # the copy has no tools/: the test that checks this runner's targets against the source is left out
    tests = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
             "--deselect", "tests/test_power.py::test_mutation_targets_apply_cleanly", *m.tests]
    command = ([sys.executable, "-m", "dltheory", *(a.replace("{tmp}", str(scratch)) for a in m.command)]
               if m.command else None)
    return tests, command


def run(mutants, log=print) -> list[dict]:
    problems = target_problems()
    if problems:
        raise SystemExit("targets do not apply: " + "; ".join(problems))
    with tempfile.TemporaryDirectory(prefix="dltheory-mutation-") as tmp:
        site, src = copy_tree(Path(tmp))
        scratch = Path(tmp) / "scratch"
        scratch.mkdir()
        env = {**os.environ, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1", "DLTHEORY_THREADS": "1"}
        where = subprocess.run([sys.executable, "-c", "import dltheory; print(dltheory.__file__)"], env=env,
                               capture_output=True, text=True, cwd=src).stdout.strip()
        if not where.startswith(str(site)):
            raise SystemExit(f"the copy is not imported first (dltheory from {where})")
        baseline: dict[tuple, str] = {}
        results = []
        for m in mutants:
            tests, command = selection(m, src, scratch)
            for args in (tests, command):
                if args is not None and tuple(args) not in baseline:
                    baseline[tuple(args)] = run_step(args, env, src)[0]
                    if baseline[tuple(args)] != "pass":
                        log(f"  baseline FAILS for {' '.join(args[2:])}: results of {m.id} are void")
            target = copied_path(site, m.path)
            original, stat = target.read_text(), target.stat()
            target.write_text(original.replace(m.old, m.new, 1))
            # a distinct modification time per mutant: no stale numba cache is ever taken for it
            stamp = stat.st_mtime + 1000 + 10 * len(results)
            os.utime(target, (stamp, stamp))
            try:
                t_status, t_sec, failed = run_step(tests, env, src)
                c_status, c_sec, _ = run_step(command, env, src) if command else ("none", 0.0, "")
            finally:
                target.write_text(original)
                os.utime(target, (stat.st_atime, stat.st_mtime))
            killed_by = [name for name, s in (("tests", t_status), ("command", c_status)) if s in ("fail", "timeout")]
            valid = all(baseline.get(tuple(a), "pass") == "pass" for a in (tests, command) if a is not None)
            row = {"id": m.id, "layer": m.layer, "file": m.path, "what": m.what, "tests": list(m.tests),
                   "command": " ".join(m.command).replace("{tmp}", "DIR"), "tests_status": t_status,
                   "command_status": c_status, "failed_test": failed, "killed": bool(killed_by), "killed_by": killed_by,
                   "baseline_ok": valid, "seconds": round(t_sec + c_sec, 1)}
            results.append(row)
            log(f"{m.id:4s} {'KILLED' if killed_by else 'SURVIVED'} by {killed_by or '-'} "
                f"(tests {t_status}, command {c_status}, {row['seconds']} s){'' if valid else ' [baseline failed]'}")
    return results


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("ids", nargs="*", help="mutant ids (default: all)")
    p.add_argument("--check-targets", action="store_true")
    p.add_argument("--json", help="write the results here")
    args = p.parse_args(argv)
    if args.check_targets:
        problems = target_problems()
        print("\n".join(problems) or f"{len(MUTANTS)} mutants apply cleanly")
        return 1 if problems else 0
    chosen = [m for m in MUTANTS if not args.ids or m.id in args.ids]
    results = run(chosen, log=lambda s: print(s, flush=True))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    by_layer: dict[str, list] = {}
    for r in results:
        by_layer.setdefault(r["layer"], []).append(r["killed"])
    for layer, ks in by_layer.items():
        print(f"{layer}: {sum(ks)}/{len(ks)} killed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
