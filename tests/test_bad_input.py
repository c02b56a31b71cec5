"""Hostile, damaged and odd input: each file gets its error kind or a record with the
expected warning — never another exception, never a hang.

Every case runs ``vnplan.extract`` in a subprocess with a 60 s timeout, so a hang fails
its test instead of blocking the suite; the time the extraction took (import excluded)
must stay well inside its bound. Small files live in tests/data/bad (see its README);
big ones are generated in a temporary folder.
"""
from __future__ import annotations

import io
import json
import os
import random
import struct
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from vnplan import legacy

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "bad"
GEN = ROOT / "tests" / "data" / "generated"
PLAN = ROOT / "corpus" / "plans" / "002_aa2e28f41dc8681f.txt"
TIMEOUT = 60.0

RUNNER = r"""
import json, sys, time
t0 = time.perf_counter()
import vnplan
t1 = time.perf_counter()
out = {"import_s": round(t1 - t0, 3)}
try:
    rec = vnplan.extract(sys.argv[1])
    out.update(status="record", format=rec.source.format if rec.source else None,
               warnings=sorted({w.code for w in rec.warnings}), doc_type=rec.doc_type, number=rec.number)
except vnplan.VnplanError as exc:
    out.update(status="error", kind=exc.kind, message=str(exc)[:300])
except BaseException as exc:
    out.update(status="crash", kind=type(exc).__name__, message=repr(exc)[:300])
out["seconds"] = round(time.perf_counter() - t1, 3)
print(json.dumps(out))
"""


@dataclass
class Case:
    name: str
    make: Callable[[Path], Path]  # builds the input in a folder, returns its path
    error: str | None = None  # expected error kind; None: a record is expected
    warnings: set[str] = field(default_factory=set)  # warning codes the record must carry
    fmt: str | None = None  # expected source format of the record
    bound: float = 10.0  # seconds the extraction must take less than


def _static(name: str) -> Callable[[Path], Path]:
    return lambda d: BAD / name


def _write(name: str, data: bytes | Callable[[], bytes]) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        p = d / name
        p.write_bytes(data() if callable(data) else data)
        return p
    return make


def _plan() -> str:
    return PLAN.read_text(encoding="utf-8")


def _random(n: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(n)


def _zip_bomb(part_bytes: int) -> bytes:
    """A .docx-shaped zip whose document.xml unpacks to ``part_bytes`` of spaces (1000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                    b"<w:body><w:p><w:r><w:t>")
            chunk = b" " * (1 << 20)
            for _ in range(part_bytes >> 20):
                f.write(chunk)
            f.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return buf.getvalue()


def _lying_zip() -> bytes:
    """A zip whose document.xml says it unpacks to 1,000 bytes and unpacks to 100 MB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                   b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>' + b"a" * (100 << 20) + b"</w:t></w:r></w:p></w:body></w:document>")
    data = bytearray(buf.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    struct.pack_into("<I", data, info.header_offset + 22, 1000)  # local header: uncompressed size
    struct.pack_into("<I", data, bytes(data).rfind(b"PK\x01\x02") + 24, 1000)  # central directory
    return bytes(data)


def _blank_pdf(pages: int, width: float = 612, height: float = 792) -> bytes:
    import pypdfium2 as pdfium  # a runtime dependency already, so no extra test package

    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(width, height).close()
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    return buf.getvalue()


def _huge_page_with_text() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(14400, 14400))  # 200 × 200 inches: the PDF maximum
    c.setFont("Helvetica", 14)
    c.drawString(72, 14300, "UBND HUYEN X - KE HOACH so 12/KH-UBND")
    c.save()
    return buf.getvalue()


def _mixed_encodings() -> bytes:
    lines = _plan().split("\n")
    half = len(lines) // 2
    return "\n".join(lines[:half]).encode("utf-8") + b"\n" + legacy.encode("\n".join(lines[half:]), "cp1258", errors="replace")


def _big_plan() -> bytes:
    plan = _plan().encode("utf-8")
    return (plan + b"\n") * (5_000_000 // len(plan) + 1)


def _one_line() -> bytes:
    line = " ".join(_plan().split())
    return (line + " ").encode("utf-8") * (1_000_000 // len(line.encode("utf-8")) + 1)


def _nested_numbers() -> bytes:
    return (".".join(["1"] * 10_000) + ". Tổ chức thực hiện\nNội dung.\n").encode()


def _alternating_markers() -> bytes:
    markers = ["I.", "1.", "1.1.", "a)", "-", "+", "•", "A.", "Điều 1.", "i)", "*", "1)", "Phần I.", "Mục 2.", "(1)", "a.", "b/"]
    return "\n".join(f"{markers[i % len(markers)]} Nội dung mục {i}" for i in range(10_000)).encode()


CASES = [
    Case("empty", _static("empty.txt"), error="empty"),
    Case("whitespace only", _static("whitespace.txt"), error="empty"),
    Case("random bytes .txt", _write("random.txt", lambda: _random(200_000)), error="binary"),
    Case("random bytes, no suffix", _write("random", lambda: _random(200_000, 2)), error="binary"),
    Case("random bytes .bin", _write("random.bin", lambda: _random(50_000, 3)), error="unsupported-format"),
    Case("NUL inside text", _write("nul.txt", "Kế hoạch\x00 số 12/KH-UBND".encode()), error="binary"),
    Case("UTF-16 without BOM", _write("utf16.txt", lambda: _plan().encode("utf-16-le")), warnings={"encoding"}, fmt="text"),
    Case("PDF named .txt", _write("plan.txt", lambda: (GEN / "000.pdf").read_bytes()), fmt="pdf"),
    Case("DOCX named .pdf", _write("plan.pdf", lambda: (GEN / "000.docx").read_bytes()), fmt="docx"),
    Case("truncated PDF", _write("half.pdf", lambda: (GEN / "001.pdf").read_bytes()[:9000]), error="corrupt"),
    Case("encrypted PDF", lambda d: GEN / "encrypted.pdf", error="encrypted"),
    Case("PDF claiming 10^8 pages", _static("pdf_count_lie.pdf"), warnings={"not-a-plan"}, fmt="pdf"),
    Case("PDF of 2,001 pages", _write("many.pdf", lambda: _blank_pdf(2001)), error="limit"),
    Case("PDF page 200×200 in, no text", _write("huge_blank.pdf", lambda: _blank_pdf(1, 14400, 14400)), error="empty"),
    Case("PDF page 200×200 in, with text", _write("huge_text.pdf", _huge_page_with_text), fmt="pdf"),
    Case("PNG header 50,000×50,000", _static("huge_header.png"), error="limit", bound=2.0),
    Case("same PNG named .txt", _write("huge.txt", lambda: (BAD / "huge_header.png").read_bytes()), error="limit", bound=2.0),
    Case("zip bomb .docx (600 MB part)", _write("bomb.docx", lambda: _zip_bomb(600 << 20)), error="limit", bound=5.0),
    Case("zip lying about its size", _write("liar.docx", _lying_zip), error="corrupt"),
    Case(".docx that is a zip of text", _static("zip_of_text.docx"), error="corrupt"),
    Case("half UTF-8, half Windows-1258", _write("mixed.txt", _mixed_encodings), warnings={"mixed-encoding", "legacy-encoding"}),
    Case("plan in TCVN3", _write("tcvn3.txt", lambda: legacy.encode(_plan(), "tcvn3", errors="replace")), warnings={"legacy-encoding"}),
    Case("plan in English", _static("english_plan.txt"), warnings={"not-a-plan"}),
    Case("news article about a plan", _static("news_article.txt"), warnings={"not-a-plan"}),
    Case("5 MB plan", _write("big.txt", _big_plan), bound=30.0),
    Case("one 1 MB line", _write("line.txt", _one_line), bound=15.0),
    Case("1,000,000 × 'Căn cứ '", _write("cancu.txt", ("Căn cứ " * 1_000_000).encode()), warnings={"not-a-plan"}, bound=55.0),
    Case("1,000,000 × 'ngày '", _write("ngay.txt", ("ngày " * 1_000_000).encode()), warnings={"not-a-plan"}, bound=20.0),
    Case("outline number 10,000 levels deep", _write("nested.txt", _nested_numbers), bound=10.0),
    Case("10,000 alternating marker styles", _write("markers.txt", _alternating_markers), bound=15.0),
    # Super-linear before the hardening fixes (4 min and 34 s).
    Case("20,000 × '12/KH-UBND '", _write("numbers.txt", ("12/KH-UBND " * 20_000).encode()), bound=20.0),
    Case("80,000 backslashes", _write("backslashes.txt", b"\\" * 80_000), bound=10.0),
    Case("a folder", lambda d: d, error="input"),
    Case("a missing file", lambda d: d / "missing.txt", error="input"),
]


def _run(path: Path, workdir: Path) -> dict:
    env = dict(os.environ, TMPDIR=str(workdir))
    t = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-c", RUNNER, str(path)], capture_output=True, text=True,
                              timeout=TIMEOUT, cwd=workdir, env=env)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "wall": TIMEOUT}
    wall = time.perf_counter() - t
    if proc.returncode != 0 or not proc.stdout.strip():
        return {"status": "died", "returncode": proc.returncode, "stderr": proc.stderr[-2000:], "wall": wall}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall"] = round(wall, 3)
    return out


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    inputs = tmp_path_factory.mktemp("bad_inputs")
    jobs = {}
    for k, case in enumerate(CASES):
        work = tmp_path_factory.mktemp(f"work{k}")
        jobs[case.name] = (case.make(inputs), work)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(_run, path, work) for name, (path, work) in jobs.items()}
        out = {name: f.result() for name, f in futures.items()}
    # Measured figures, for the report (pytest -s shows them).
    print("\ncase | outcome | extract s | wall s")
    for case in CASES:
        r = out[case.name]
        outcome = r.get("kind") if r["status"] == "error" else r["status"]
        print(f"{case.name} | {outcome} {','.join(r.get('warnings', []))} | {r.get('seconds')} | {r.get('wall')}")
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, results: dict[str, dict]) -> None:
    r = results[case.name]
    assert r["status"] in ("record", "error"), r  # never a crash, never a hang
    if case.error:
        assert r["status"] == "error" and r["kind"] == case.error, r
    else:
        assert r["status"] == "record", r
        assert case.warnings <= set(r["warnings"]), r
        if case.fmt:
            assert r["format"] == case.fmt, r
    assert r["seconds"] < case.bound, r


def test_the_pdf_named_txt_and_docx_named_pdf_are_the_plan(results: dict[str, dict]) -> None:
    for name in ("PDF named .txt", "DOCX named .pdf"):
        assert results[name]["doc_type"] == "KH" and results[name]["number"], results[name]


def test_deeply_nested_html_keeps_its_text() -> None:
    from vnplan.io import load_bytes

    data = b"<html><body>" + b"<div>" * 300 + "Kế hoạch số 12/KH-UBND".encode() + b"</div>" * 300 + b"</body></html>"
    assert "Kế hoạch số 12/KH-UBND" in load_bytes(data, "deep.html").text


@pytest.mark.slow
def test_pdf_of_many_image_pages_is_bounded(tmp_path: Path) -> None:
    import shutil

    if shutil.which("tesseract") is None:
        pytest.skip("needs Tesseract")
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.frombytes("L", (400, 560), _random(400 * 560, 7))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    for _ in range(12):  # 2,000 in the real attack; 12 already exceed the bound
        c.drawImage(ImageReader(img), 0, 0, 595, 842)
        c.showPage()
    c.save()
    path = tmp_path / "images.pdf"
    path.write_bytes(buf.getvalue())
    # With a budget of a few seconds for the file, OCR stops early and says so; the
    # default budget (Limits.ocr_seconds_total) does the same for a 2,000-page bomb.
    import time

    from vnplan.io import Limits, load_bytes

    t = time.monotonic()
    doc = load_bytes(path.read_bytes(), str(path), Limits(ocr_seconds_total=3.0))
    assert time.monotonic() - t < 15
    assert "ocr-budget" in [code for code, _ in doc.warnings]
