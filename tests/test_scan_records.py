"""A corpus plan scanned (every page rasterised, skewed, stamped) gives the record of its text.

RECORD.md's fields are compared with the plan's gold record by vnplan's own scorer:
macro F1 ≥ 0.90 on a scan, and the header fields and legal bases exactly right on a
clean scan.
"""
from __future__ import annotations

import importlib
import json
import shutil
from pathlib import Path

import pytest

import vnplan
from vnplan.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[1]
PLANS = {p.stem[:3]: p for p in (ROOT / "corpus" / "plans").glob("*.txt")}
GOLD = ROOT / "corpus" / "gold"

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None,
                                reason="Tesseract is not installed: apt-get install tesseract-ocr tesseract-ocr-vie")


def _scan_pdf(tmp: Path, plan: Path, *, stamped: bool) -> Path:
    ms = importlib.import_module("make_scans")
    pages = ms.corpus_pages(plan, dpi=300, max_pages=None)
    images = [ms.scan(pg.image, seed=7 + i, angle=0.8 if stamped else 0.0, stamped=stamped and i == 0).convert("L")
              for i, pg in enumerate(pages)] if stamped else [pg.image.convert("L") for pg in pages]
    out = tmp / f"{plan.stem}.pdf"
    ms.save_pdf(images, out, 300)
    return out


def _gold(plan: Path) -> dict:
    return json.loads((GOLD / f"{plan.stem}.json").read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.parametrize("key", ["002", "004"])
def test_clean_scan_gives_the_record(tmp_path: Path, key: str) -> None:
    plan = PLANS[key]
    record = vnplan.extract(_scan_pdf(tmp_path, plan, stamped=False))
    assert record.source.format == "pdf"
    got = record.contract()
    gold = _gold(plan)
    for field in ("issuer", "number", "symbol", "issued_date", "year", "legal_bases"):
        assert got[field] == gold[field], field
    report = evaluate({plan.stem: gold}, {plan.stem: record.model_dump(mode="json")})
    assert report.macro_f1 >= 0.90, report.table()
    # Values read from a scan say where on the page they are, and how sure the OCR was.
    prov = record.provenance["title"]
    assert prov.page == 1 and prov.bbox is not None and prov.ocr_confidence is not None


@pytest.mark.slow
def test_stamped_skewed_scan_scores_above_090(tmp_path: Path) -> None:
    plan = PLANS["001"]
    record = vnplan.extract(_scan_pdf(tmp_path, plan, stamped=True))
    report = evaluate({plan.stem: _gold(plan)}, {plan.stem: record.model_dump(mode="json")})
    assert report.macro_f1 >= 0.90, report.table()
