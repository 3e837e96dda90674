"""``dltheory derive``: build machine-checked derivations (.tex, and .pdf where LaTeX is installed).

Output folder: ``--out DIR``; by default ``./dltheory-derivations`` under the current folder,
which is announced on stderr when it is created (``make run`` writes to ``docs/derivations``).
"""
from __future__ import annotations

import sys
from pathlib import Path

from .cli import UsageError, expand_names, writable_folder

DEFAULT_OUT = "dltheory-derivations"


def add_parser(sub) -> None:
    s = sub.add_parser("derive", help="build machine-checked derivations (.tex, and .pdf with LaTeX)")
    s.add_argument("names", nargs="*", metavar="NAME", help="derivations, or quantities (their derivations)")
    s.add_argument("--all", action="store_true", help="every registered derivation")
    s.add_argument("--out", metavar="DIR", help=f"output folder (default: ./{DEFAULT_OUT}, created if missing)")
    s.add_argument("--no-pdf", action="store_true", help="write .tex only")
    s.set_defaults(run=run)


def run(args) -> int:
    from . import derivations, progress

    if args.all and args.names:
        raise UsageError("derive: give derivation names or --all, not both")
    if args.all:
        names = list(derivations.all_derivations())
    elif args.names:
        names = expand_names(args.names, derivations.all_derivations(), "derivation")
    else:
        raise UsageError("derive: name a derivation (or a quantity: its derivations) or give --all")
    path = args.out or DEFAULT_OUT
    created = not Path(path).exists()
    out = writable_folder("--out", path)
    if created and not args.out:
        print(f"dltheory: derive: writing to ./{DEFAULT_OUT}/ (created; --out DIR to choose)", file=sys.stderr)
    failed, built = 0, []
    with progress.bar(total=len(names), desc="derive", unit="doc") as shown:
        for name in names:
            shown.set_postfix_str(name, refresh=False)
            try:
                doc, tex, message = derivations.build(name, out, pdf=not args.no_pdf)
                built.append(doc)
            except (derivations.StepFailed, derivations.LatexFailed) as e:
                progress.say(f"dltheory: derive: FAILED {e}")
                failed += 1
                shown.update(1)
                continue
            methods = [s.method for s in doc.steps if s.method]
            symbolic = sum(m == "symbolic" for m in methods)
            compared = sum(doc.compared.values())
            shown.update(1)
            line = (f"{name}: {len(methods)} equalities verified ({symbolic} symbolic, "
                    f"{len(methods) - symbolic} numeric), {len(doc.compared)} results equal their quantities "
                    f"at {compared} points -> {tex}" + (f"; {message}" if message else ""))
            if shown.disable:
                print(line, flush=True)
            else:
                from tqdm import tqdm

                tqdm.write(line, file=sys.stdout)
    if args.all and not failed:  # the single book: a table of contents, one chapter per topic
        try:
            tex, message = derivations.book(built, out, pdf=not args.no_pdf)
        except derivations.LatexFailed as e:
            print(f"dltheory: derive: FAILED {e}", file=sys.stderr)
            return 1
        print(f"book: {len(built)} derivations -> {tex}" + (f"; {message}" if message else ""))
    return 1 if failed else 0
