"""Machine-checked SymPy derivations (``dltheory.derivations``).

``all_derivations()`` lists them; ``build(name, out_dir)`` writes NAME.tex and, where
LaTeX is installed, NAME.pdf.
"""
from __future__ import annotations

from pathlib import Path

from ..theory import import_public_modules, lookup

from ._document import (Derivation, Document, Result, StepFailed, compile_pdf, derivation, registered,
                        render, verify_equal)

__all__ = ["Derivation", "Document", "Result", "StepFailed", "all_derivations", "book", "build", "derivation", "get",
           "render", "verify_equal"]


def all_derivations() -> dict[str, Derivation]:
    import_public_modules(__path__, __name__)
    return dict(sorted(registered().items()))


def get(name: str) -> Derivation:
    return lookup(name, all_derivations(), "derivation")


def build(name: str, out_dir: Path, pdf: bool = True) -> tuple[Document, Path, str]:
    """Build, verify and write derivation ``name``; returns (document, tex path, pdf message).

    Raises StepFailed if a step does not verify (nothing is written) and LatexFailed if
    LaTeX is installed but cannot compile the document.
    """
    doc = get(name).document()  # raises StepFailed before anything is written
    out_dir.mkdir(parents=True, exist_ok=True)
    tex = out_dir / f"{name}.tex"
    tmp = tex.with_suffix(".tex.part")
    tmp.write_text(render(doc))
    tmp.replace(tex)
    if not pdf:
        return doc, tex, ""
    made, message = compile_pdf(tex)
    if made is None and not message.startswith("PDF not built"):
        raise LatexFailed(message)
    return doc, tex, message


def book(docs: list[Document], out_dir: Path, pdf: bool = True) -> tuple[Path, str]:
    """Write the single book of the built documents ``docs`` (dltheory-derivations.tex and .pdf):
    a table of contents and one chapter per topic; returns (tex path, pdf message)."""
    from ._book import write_book

    return write_book([(get(d.name).build.__module__, d) for d in docs], out_dir, pdf)


class LatexFailed(RuntimeError):
    pass
