"""The same plan as text, PDF and DOCX gives the same record; PDF values say where on the page they are."""
from __future__ import annotations

from pathlib import Path

import pytest

import vnplan

ROOT = Path(__file__).resolve().parents[1]
PLANS = sorted((ROOT / "corpus" / "plans").glob("*.txt"))
GENERATED = ROOT / "tests" / "data" / "generated"


def _generated(plan: Path, ext: str) -> Path:
    path = GENERATED / f"{plan.stem[:3]}.{ext}"
    if not path.exists():
        pytest.skip(f"{path.name} not generated (scripts/make_test_files.py)")
    return path


@pytest.mark.parametrize("ext", ["pdf", "docx"])
@pytest.mark.parametrize("plan", PLANS, ids=[p.stem[:3] for p in PLANS])
def test_file_formats_give_the_text_record(plan: Path, ext: str) -> None:
    from_text = vnplan.extract(plan).contract()
    from_file = vnplan.extract(_generated(plan, ext)).contract()
    diffs = {k: (from_text[k], from_file[k]) for k in from_text if from_text[k] != from_file[k]}
    assert not diffs, f"{ext} record differs from the text record in: {sorted(diffs)}"


@pytest.mark.parametrize("plan", PLANS, ids=[p.stem[:3] for p in PLANS])
def test_pdf_provenance_has_page_and_box_covering_the_words(plan: Path) -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    path = _generated(plan, "pdf")
    record = vnplan.extract(path)
    checked = 0
    with pdfplumber.open(path) as pdf:
        for key in ("symbol", "signer.name", "issued_date", "title"):
            prov = record.provenance.get(key)
            if prov is None:
                continue
            assert prov.page is not None and prov.bbox is not None, key
            x0, top, x1, bottom = prov.bbox
            words = pdf.pages[prov.page - 1].extract_words()
            first = prov.text.split()[0]
            hits = [w for w in words if first in w["text"]]  # "KH-BCĐ" is inside the word "/KH-BCĐ"
            assert hits, f"{key}: '{first}' not on page {prov.page}"
            # The box of the value covers the box of its first word (within rounding).
            assert any(x0 - 1 <= w["x0"] and w["x1"] <= x1 + 1 and top - 1 <= w["top"] and w["bottom"] <= bottom + 1 for w in hits), key
            checked += 1
    assert checked >= 2
