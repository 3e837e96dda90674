"""The single book of all derivations, ``dltheory-derivations.pdf``: a table of contents and one
chapter per topic (the module a derivation lives in), each derivation a section with its
assumptions, checked steps, result and references, exactly as in its own document."""
from __future__ import annotations

from pathlib import Path

from ._document import PREAMBLE, Document, body, compile_pdf

BOOK_NAME = "dltheory-derivations"

#: Chapter titles, in the book's order; a topic not listed here follows under its module name.
TOPICS = {
    "meanfield": "Wide random networks: mean-field kernels and finite-width corrections",
    "capacity": "Perceptron capacity and learning curves",
    "generalization": "Generalization bounds",
    "regions": "Linear regions and topology of ReLU networks",
    "depth_width": "Depth versus width",
    "tensor_networks": "Tensor networks and convolutional arithmetic circuits",
    "information": "Information in representations",
    "information_weights": "Information in the weights",
    "lottery": "Random subset sums and lottery tickets",
    "spin_glass": "Loss landscapes: spin-glass critical points and dense clusters",
    "flatness": "Local entropy and flat minima",
    "sharpness": "Sharpness and its reparametrization",
    "gradient_failures": "Failures of gradient-based learning",
    "implicit_bias": "The implicit bias of gradient descent",
    "double_descent": "Double descent",
    "scaling_laws": "Solvable scaling laws",
}

BOOK = r"""\documentclass[11pt]{report}
%(preamble)s\title{dltheory: the derivations}
\author{generated from SymPy code; every displayed equality machine-checked}
\date{}
\begin{document}
\maketitle
\tableofcontents
%(chapters)s
\end{document}
"""


def topic(module: str) -> str:
    """The topic of a derivation defined in ``module`` (``dltheory.derivations.meanfield.maps`` ->
    ``meanfield``)."""
    return module.split(".derivations.", 1)[-1].split(".")[0]


def render_book(docs: list[tuple[str, Document]]) -> str:
    """The book's LaTeX for (module, document) pairs: chapters in TOPICS order, sections by name."""
    by_topic: dict[str, list[Document]] = {}
    for module, doc in docs:
        by_topic.setdefault(topic(module), []).append(doc)
    order = [t for t in TOPICS if t in by_topic] + sorted(t for t in by_topic if t not in TOPICS)
    chapters, heading = [], r"\subsection*"
    for t in order:
        chapters.append(f"\\chapter{{{TOPICS.get(t, t.replace('_', ' ').capitalize())}}}")
        for doc in sorted(by_topic[t], key=lambda d: d.name):
            chapters.append(f"\\section{{{doc.title}}}\n\\label{{{doc.name}}}\n"
                            f"\\noindent\\texttt{{dltheory derive {doc.name}}}\n\n{body(doc, heading)}")
    return BOOK % {"preamble": PREAMBLE, "chapters": "\n\n".join(chapters)}


def write_book(docs: list[tuple[str, Document]], out_dir: Path, pdf: bool = True) -> tuple[Path, str]:
    """Write BOOK_NAME.tex (and the PDF where LaTeX is installed); returns (tex path, pdf message)."""
    tex = out_dir / f"{BOOK_NAME}.tex"
    part = tex.with_suffix(".tex.part")
    part.write_text(render_book(docs))
    part.replace(tex)
    if not pdf:
        return tex, ""
    made, message = compile_pdf(tex)
    if made is None and not message.startswith("PDF not built"):
        from . import LatexFailed

        raise LatexFailed(message)
    return tex, message
