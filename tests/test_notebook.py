"""docs/tutorial.ipynb runs top to bottom (nbclient, a fresh kernel, a scratch folder) and shows
what it says: a quantity displayed with its status and citation, a grid, a figure, a derivation
and a passing check."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_tutorial_notebook_runs(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    shutil.copy(ROOT / "docs" / "tutorial.ipynb", tmp_path)
    nb = nbformat.read(tmp_path / "tutorial.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit the notebook without outputs"
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = {i: c.outputs for i, c in enumerate(nb.cells) if c.cell_type == "code"}
    assert not [o for outs in outputs.values() for o in outs if o.output_type == "error"]
    shown = [o for outs in outputs.values() for o in outs if "text/html" in o.get("data", {})]
    assert shown and "status: <i>exact</i>" in shown[0]["data"]["text/html"] and "Gardner (1988)" in \
        shown[0]["data"]["text/html"]
    results = [o["data"]["text/plain"] for outs in outputs.values() for o in outs if o.output_type == "execute_result"]
    assert "0.9612050528015417" in results[0]
    assert (tmp_path / "gardner.png").stat().st_size > 10_000 and (tmp_path / "gardner.csv").exists()
    assert (tmp_path / "derivations" / "yarotsky-square.tex").exists()
    assert "'point'" in results[-1] and "'summary'" in results[-1]
    assert any("image/png" in o.get("data", {}) for outs in outputs.values() for o in outs)
