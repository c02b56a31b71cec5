"""The notebooks run from top to bottom, so they never rot.

Each notebook under notebooks/ is executed in a fresh kernel of this Python;
a cell that raises fails the test with the cell's error.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    t0 = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - t0
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    # Figures came out as images, and the comparison found the shared ministry letter.
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert len(images) >= 4
    text = "".join(o.get("data", {}).get("text/plain", "") + o.get("text", "")
                   for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "4864/BGDĐT-GDTrX" in text
    assert elapsed < 120, f"the notebook took {elapsed:.0f} s; keep it short"
