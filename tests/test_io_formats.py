"""Loaders of PDF, DOCX, HTML and DOC files: canonical text, layout, anchors, bad files.

Real samples come from corpus/dev/plans (d11.pdf signed Word PDF, d12.pdf a
scan, d01/d02.docx); generated ones from tests/data/generated, made by
scripts/make_test_files.py from corpus/plans with a known expected text.
"""
from __future__ import annotations

import glob
import importlib
import io
import os
import random
import re
import shutil
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
from rapidfuzz.distance import Indel

from vnplan.errors import (
    CorruptFileError,
    EncryptedFileError,
    LimitExceededError,
    MissingDependencyError,
    UnsupportedFormatError,
)
from vnplan.io import Limits, load, load_bytes

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "corpus" / "dev" / "plans"
DATA = ROOT / "tests" / "data"
GEN = DATA / "generated"
GENERATED = sorted(p.stem for p in GEN.glob("[0-9]*.pdf"))

STAMP_WORDS = ("Ký bởi", "Thời gian ký", "Email: ubnd@", "+07:00")


MTF = importlib.import_module("make_test_files")


def words(text: str) -> list[str]:
    return text.split()


def similarity(a: str, b: str) -> float:
    """Word-level similarity (1 - normalised Indel distance over word sequences)."""
    return Indel.normalized_similarity(words(a), words(b))


def lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.replace("\f", "\n").split("\n")]


def source_text(stem: str) -> str:
    src = next((ROOT / "corpus" / "plans").glob(f"{stem}_*.txt"))
    return "\n".join(MTF.plain_lines(src.read_text(encoding="utf-8")))


def assert_canonical(text: str) -> None:
    from vnplan.io.text import canonical_text

    assert unicodedata.is_normalized("NFC", text)
    assert "\r" not in text
    assert "\x00" not in text
    assert canonical_text(text) == text


# ---------------------------------------------------------------------------
# PDF: real samples


@pytest.fixture(scope="module")
def d11():
    return load(DEV / "d11.pdf")


def test_d11_header_columns_are_not_merged(d11):
    assert d11.format == "pdf"
    assert_canonical(d11.text)
    ls = lines(d11.text)
    assert "ỦY BAN NHÂN DÂN" in ls
    assert "TỈNH LÀO CAI" in ls
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in ls
    assert "Độc lập - Tự do - Hạnh phúc" in ls
    # The number and the day live in signature-field overlays; they must be back in place.
    assert "Số: 7432 /UBND-XD" in ls
    assert "Lào Cai, ngày 21 tháng 7 năm 2026" in ls
    assert not any("ỦY BAN NHÂN DÂN" in ln and "CỘNG HÒA" in ln for ln in ls)
    # Left column first: issuer and number come before the motto.
    assert ls.index("Số: 7432 /UBND-XD") < ls.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")


def test_d11_closing_columns_are_not_merged(d11):
    ls = lines(d11.text)
    assert "Nơi nhận:" in ls
    assert "KT. CHỦ TỊCH" in ls
    assert "PHÓ CHỦ TỊCH" in ls
    assert "Phan Trung Bá" in ls
    assert not any("Nơi nhận" in ln and "CHỦ TỊCH" in ln for ln in ls)
    # The whole "Nơi nhận" list, then the signature block.
    i = ls.index("Nơi nhận:")
    assert ls[i + 1: i + 6] == [
        "- Như trên;",
        "- Chủ tịch UBND tỉnh;",
        "- Phó Chủ tịch UBND tỉnh (phụ trách XD);",
        "- Chánh VP, Phó CVP UBND tỉnh (Đ/c Minh);",
        "- Lưu: VT, TH, XD(Đông).",
    ]
    assert ls.index("KT. CHỦ TỊCH") > ls.index("- Lưu: VT, TH, XD(Đông).")


def test_d11_pages_and_body(d11):
    assert len(d11.pages) == 2
    assert d11.text.count("\f") == 1
    assert d11.meta["page_count"] == 2
    assert d11.meta["ocr_pages"] == []
    page2 = d11.text.split("\f")[1]
    assert page2.startswith("công trình theo Quyết định số 1074/QĐ-BXD")
    for s in STAMP_WORDS:
        assert s not in d11.text
    # Same words as poppler's layout text (which reads the header across; order differs a little).
    ref = (DEV / "d11.txt").read_text(encoding="utf-8")
    assert similarity(ref, d11.text) > 0.95
    assert sorted(words(ref)) == sorted(words(d11.text))


def _unique_plumber_words(pdf_path: Path, page_no: int, doc, limit: int = 25):
    """pdfplumber words that occur exactly once on the page, both for pdfplumber and in our page text."""
    import pdfplumber

    start, end = doc.pages[page_no - 1]
    page_text = doc.text[start:end]
    with pdfplumber.open(str(pdf_path)) as pdf:
        pw = pdf.pages[page_no - 1].extract_words()
    counts: dict[str, int] = {}
    for w in pw:
        counts[w["text"]] = counts.get(w["text"], 0) + 1
    out = []
    for w in pw:
        t = w["text"]
        if counts[t] != 1 or len(t) < 3:
            continue
        hits = [m.start() for m in re.finditer(r"(?<!\S)" + re.escape(t) + r"(?!\S)", page_text)]
        if len(hits) == 1:
            out.append((t, start + hits[0], (w["x0"], w["top"], w["x1"], w["bottom"])))
    random.Random(7).shuffle(out)
    return out[:limit]


def _contains(outer, inner, tol: float = 0.5) -> bool:
    return outer[0] <= inner[0] + tol and outer[1] <= inner[1] + tol and outer[2] >= inner[2] - tol and outer[3] >= inner[3] - tol


@pytest.mark.parametrize("path,page_no", [(DEV / "d11.pdf", 1), (DEV / "d11.pdf", 2), (GEN / "002.pdf", 3)])
def test_pdf_anchors_locate_words(path, page_no):
    doc = load(path)
    sample = _unique_plumber_words(path, page_no, doc)
    assert len(sample) >= 10
    for text, start, box in sample:
        page, bbox, conf = doc.locate(start, start + len(text))
        assert page == page_no, text
        assert bbox is not None and _contains(bbox, box), (text, bbox, box)
        assert conf is None


def test_anchors_sorted_and_in_range(d11):
    starts = [a.start for a in d11.anchors]
    assert starts == sorted(starts)
    for a in d11.anchors[:200]:
        assert 0 <= a.start < a.end <= len(d11.text)
        assert d11.text[a.start:a.end].strip() == d11.text[a.start:a.end]


def test_d12_scan_is_marked_for_ocr(monkeypatch):
    import vnplan.io.pdf as pdfmod

    monkeypatch.setattr(pdfmod, "_ocr_page", lambda data, i, limits: ("ocr-needed", "OCR switched off for this test"))
    doc = load(DEV / "d12.pdf")
    assert doc.format == "pdf"
    assert len(doc.pages) == 2
    assert doc.text.strip() == ""
    assert doc.meta["ocr_pages"] == []
    assert doc.meta["ocr_needed"] == [1, 2]
    codes = [c for c, _ in doc.warnings]
    assert codes.count("ocr-needed") == 2
    msg = next(m for c, m in doc.warnings if c == "ocr-needed")
    assert "page 1" in msg and "Tesseract" in msg
    # The signature stamp overlay text is not taken for the page's text layer.
    assert "signature-stamp" in codes


def _tesseract_ready() -> bool:
    try:
        from vnplan.io import ocr
    except ImportError:
        return False
    check = getattr(ocr, "tesseract_available", None)
    return bool(check and check())


@pytest.mark.slow
@pytest.mark.skipif(not _tesseract_ready(), reason="Tesseract with Vietnamese data is not installed")
def test_d12_scan_is_ocrd_when_tesseract_is_there():
    doc = load(DEV / "d12.pdf")
    assert doc.meta["ocr_pages"] == [1, 2]
    assert "\f" in doc.text
    assert "Quảng Ngãi" in doc.text or "QUẢNG NGÃI" in doc.text
    ocr_anchors = [a for a in doc.anchors if a.where == "ocr"]
    assert ocr_anchors and all(a.page in (1, 2) for a in ocr_anchors)
    assert all(a.confidence is not None and a.bbox is not None for a in ocr_anchors)
    assert_canonical(doc.text)
    # The scan's two-column header is read left column first, like a text PDF's.
    ls = lines(doc.text)
    issuer = next(i for i, ln in enumerate(ls) if "BAN NHÂN DÂN" in ln)
    assert "HÒA" not in ls[issuer]
    motto = next(i for i, ln in enumerate(ls) if "Độc lập" in ln)
    assert issuer < motto
    assert any(ln.startswith("Số") for ln in ls[issuer:motto])
    # The digital-signature overlay is not OCR'd as text.
    assert "Thời gian ký" not in doc.text


# ---------------------------------------------------------------------------
# PDF: generated files


@pytest.mark.parametrize("stem", GENERATED)
def test_generated_pdf_reads_like_the_source(stem):
    doc = load(GEN / f"{stem}.pdf")
    assert_canonical(doc.text)
    expected = (GEN / f"{stem}.expected.txt").read_text(encoding="utf-8")
    assert similarity(expected, doc.text) > 0.98
    assert similarity(source_text(stem), doc.text) > 0.98
    import pypdfium2 as pdfium

    n_pages = len(pdfium.PdfDocument(str(GEN / f"{stem}.pdf")))
    assert n_pages >= 4
    assert len(doc.pages) == n_pages
    assert doc.text.count("\f") == n_pages - 1
    ls = lines(doc.text)
    # Page numbers ("2", "- 2 -", "Trang 2") and the running footer are gone.
    assert not any(re.fullmatch(r"(?:-\s*)?\d{1,3}(?:\s*-)?|Trang \d+", ln) for ln in ls)
    assert "Tệp thử nghiệm" not in doc.text
    for s in STAMP_WORDS:
        assert s not in doc.text


@pytest.mark.parametrize("stem", GENERATED)
def test_generated_pdf_header_and_closing_lines(stem):
    doc = load(GEN / f"{stem}.pdf")
    ls = lines(doc.text)
    plan = MTF.split_plan(stem, MTF.plain_lines(source_text(stem)))
    for ln in plan.header_left + plan.header_right:
        assert ln in ls, ln
    assert not any("ỦY BAN NHÂN DÂN" in ln and "CỘNG HÒA" in ln for ln in ls)
    assert not any(ln.startswith("Số") and ", ngày" in ln for ln in ls)
    if plan.closing_left:
        assert plan.closing_left[0] in ls
        for ln in plan.closing_right:
            assert ln in ls, ln
        assert not any("Nơi nhận" in ln and len(ln) > len(plan.closing_left[0]) for ln in ls)
    if "KT. CHỦ TỊCH" in plan.closing_right:
        assert "KT. CHỦ TỊCH" in ls


# ---------------------------------------------------------------------------
# PDF: bad files


def test_encrypted_pdf():
    with pytest.raises(EncryptedFileError) as exc:
        load(GEN / "encrypted.pdf")
    assert "password" in str(exc.value)


def test_truncated_pdf():
    data = (DEV / "d11.pdf").read_bytes()
    with pytest.raises(CorruptFileError):
        load_bytes(data[: len(data) // 2], "half.pdf")


def test_random_bytes_named_pdf():
    rnd = random.Random(1).randbytes(50_000)
    with pytest.raises(CorruptFileError):
        load_bytes(rnd, "random.pdf")
    with pytest.raises(CorruptFileError):
        load_bytes(b"%PDF-1.7\n" + rnd + b"\n%%EOF\n", "random.pdf")


def test_pdf_page_limit():
    with pytest.raises(LimitExceededError):
        load(DEV / "d11.pdf", Limits(max_pages=1))


def test_pdfplumber_fallback_without_pypdfium2(monkeypatch):
    pytest.importorskip("pdfplumber")  # imported before pypdfium2 is hidden

    monkeypatch.setitem(sys.modules, "pypdfium2", None)
    doc = load(DEV / "d11.pdf")
    assert ("slow-pdf", "pypdfium2 is not installed; read with pdfplumber (slow)") in doc.warnings
    ls = lines(doc.text)
    assert "ỦY BAN NHÂN DÂN" in ls and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in ls
    assert "KT. CHỦ TỊCH" in ls and "Nơi nhận:" in ls
    with pytest.raises(EncryptedFileError):
        load(GEN / "encrypted.pdf")
    with pytest.raises(CorruptFileError):
        load_bytes(b"%PDF-1.4\n" + random.Random(5).randbytes(3000) + b"\n%%EOF", "r.pdf")


def test_text_layer_quality():
    from vnplan.io.pdf import text_layer_problem

    assert text_layer_problem("Kế hoạch tổ chức Tuần lễ hưởng ứng học tập suốt đời " * 5) is None
    assert text_layer_problem("   ") == "empty"
    assert text_layer_problem("\ue012\ue013\ue014 " * 30) == "garbage"
    # TCVN3 and VNI fonts without a ToUnicode map.
    assert text_layer_problem("KÕ ho¹ch tæ chøc TuÇn lÔ h­ëng øng häc tËp suèt ®êi " * 5) == "garbage"
    assert text_layer_problem("Keá hoaïch toå chöùc Tuaàn leã höôûng öùng hoïc taäp suoát ñôøi " * 5) == "garbage"


# ---------------------------------------------------------------------------
# DOCX


@pytest.fixture(scope="module")
def d01():
    return load(DEV / "d01.docx")


def test_d01_docx_header_table_reads_column_by_column(d01):
    assert d01.format == "docx"
    assert_canonical(d01.text)
    ls = lines(d01.text)
    assert ls[:4] == ["UỶ BAN MTTQ VIỆT NAM", "PHƯỜNG BẮC CAM RANH", "BAN THƯỜNG TRỰC", "Số:        /KH-MTTQ-BTT"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in ls
    assert "Bắc Cam Ranh, ngày    tháng 11 năm 2025" in ls
    assert not any("Số:" in ln and "CỘNG HÒA" in ln for ln in ls)
    head = d01.anchors[0]
    assert head.where == "table 1 row 1 cell 1"
    assert any(a.where and a.where.startswith("paragraph ") for a in d01.anchors)


def test_d01_docx_auto_numbering_is_rendered(d01):
    ls = lines(d01.text)
    # The plain dump next to the file lost this Word-generated "1.".
    assert "Mục đích" in lines((DEV / "d01.txt").read_text(encoding="utf-8"))
    assert "1. Mục đích" in ls
    assert "I. MỤC ĐÍCH - YÊU CẦU" in ls


def test_d01_docx_closing(d01):
    ls = lines(d01.text)
    assert "Nơi nhận:" in ls
    assert "TM. BAN THƯỜNG TRỰC" in ls
    assert "Phạm Thị Thúy" in ls
    assert not any("Nơi nhận" in ln and "TM." in ln for ln in ls)
    assert ls.index("TM. BAN THƯỜNG TRỰC") > ls.index("- Lưu: VTMT.")
    ref = (DEV / "d01.txt").read_text(encoding="utf-8").replace("|", " ")
    assert similarity(ref, d01.text) > 0.95


def test_d02_docx():
    doc = load(DEV / "d02.docx")
    assert_canonical(doc.text)
    ls = lines(doc.text)
    assert "Số:    /KH-MTTQ-BTT" in ls
    assert "Lương Minh, ngày 25 tháng 11 năm 2025" in ls
    assert not any("ỦY BAN MTTQ" in ln and "CỘNG HÒA" in ln for ln in ls)
    ref = (DEV / "d02.txt").read_text(encoding="utf-8").replace("|", " ")
    assert similarity(ref, doc.text) > 0.9


@pytest.mark.parametrize("stem", GENERATED)
def test_generated_docx_reads_like_the_source(stem):
    doc = load(GEN / f"{stem}.docx")
    assert_canonical(doc.text)
    expected = (GEN / f"{stem}.expected.txt").read_text(encoding="utf-8")
    assert similarity(expected, doc.text) > 0.98
    assert similarity(source_text(stem), doc.text) > 0.98
    ls = lines(doc.text)
    # Items the generator turned into Word numbering come back with their labels.
    numbered = [ln for ln in expected.splitlines() if re.match(r"^(?:\d{1,2}\.|[a-e]\)|[IVX]{1,4}\.|-)\s", ln)]
    assert numbered
    for ln in numbered:
        assert ln in ls, ln


def test_docx_numbering_counters():
    from lxml import etree

    from vnplan.io.docx import W, Numbering

    xml = f"""<w:numbering xmlns:w="{W}">
      <w:abstractNum w:abstractNumId="1">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
        <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
        <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2.%4."/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="2">
        <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>
      <w:num w:numId="6"><w:abstractNumId w:val="1"/></w:num>
      <w:num w:numId="7"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="1"><w:startOverride w:val="4"/></w:lvlOverride></w:num>
      <w:num w:numId="8"><w:abstractNumId w:val="2"/></w:num>
    </w:numbering>"""
    n = Numbering(etree.fromstring(xml), None)
    seq = [("5", 0), ("5", 1), ("5", 2), ("5", 2), ("5", 3), ("5", 1), ("5", 0), ("6", 1), ("8", 0), ("7", 1), ("7", 1)]
    got = [n.label(num, lvl) for num, lvl in seq]
    assert got == ["I.", "1.", "a)", "b)", "1.1.", "2.", "II.", "1.", "-", "4.", "5."]
    assert n.label("0", 0) == "" and n.label("99", 0) == ""


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_docx_that_is_a_zip_of_something_else():
    data = _zip({"a.txt": b"hello", "img/b.bin": random.Random(2).randbytes(3000)})
    with pytest.raises(CorruptFileError) as exc:
        load_bytes(data, "fake.docx")
    assert "word/document.xml" in str(exc.value)


def test_docx_bad_files():
    with pytest.raises(CorruptFileError):
        load_bytes(random.Random(3).randbytes(5000), "random.docx")
    good = (DEV / "d01.docx").read_bytes()
    with pytest.raises(CorruptFileError):
        load_bytes(good[: len(good) // 2], "half.docx")
    broken = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document><w:body><w:p>"})
    with pytest.raises(CorruptFileError):
        load_bytes(broken, "broken.docx")


def test_encrypted_office_file():
    # Password-protected .docx files are OLE containers holding an EncryptedPackage stream.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le")
    with pytest.raises(EncryptedFileError):
        load_bytes(data, "secret.docx")


# ---------------------------------------------------------------------------
# HTML


def _to_cp1258(s: str) -> bytes:
    """Windows-1258 spells a toned vowel as a base letter plus a combining tone mark."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in s:
        d = unicodedata.normalize("NFD", ch)
        out.append(unicodedata.normalize("NFC", "".join(c for c in d if c not in tones)) + "".join(c for c in d if c in tones))
    return "".join(out).encode("cp1258")


WORD_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office">
<head><meta http-equiv=Content-Type content="text/html; charset=windows-1252">
<title>K&#7871; ho&#7841;ch</title>
<style><!-- p.MsoNormal {margin:0cm} --></style>
<!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>x</o:Author></o:DocumentProperties></xml><![endif]-->
<script>document.write("no")</script>
</head><body lang=VI>
<table class=MsoNormalTable border=0>
 <tr><td valign=top><p class=MsoNormal align=center><b>&#7910;Y BAN NH&#194;N D&#194;N<br>T&#7880;NH L&#192;O CAI</b></p>
   <p class=MsoNormal align=center>S&#7889;: 7432 /UBND-XD</p></td>
  <td valign=top><p class=MsoNormal align=center><b>C&#7896;NG H&#210;A X&#195; H&#7896;I CH&#7910; NGH&#296;A VI&#7878;T NAM</b></p>
   <p class=MsoNormal align=center>&#272;&#7897;c l&#7853;p - T&#7921; do - H&#7841;nh ph&#250;c</p>
   <p class=MsoNormal align=center><i>L&#224;o Cai, ng&#224;y 21 th&#225;ng 7 n&#259;m 2026</i></p></td></tr>
</table>
<p class=MsoNormal>&nbsp;</p>
<p class=MsoListParagraph><span style='mso-list:Ignore'>1.<span>&nbsp;&nbsp; </span></span>C&#244;ng an t&#7881;nh,
c&#225;c s&#7903;, ban, ng&#224;nh<o:p></o:p></p>
<p class=MsoNormal>Theo ch&#7913;c n&#259;ng &amp; nhi&#7879;m v&#7909;<span style="display:none">HIDDEN</span> c&#7911;a m&#236;nh.</p>
<ol start=2><li>Giao S&#7903; X&#226;y d&#7921;ng</li><li>T&#7893; ch&#7913;c th&#7921;c hi&#7879;n</li></ol>
<ul><li>Nh&#432; tr&#234;n;</li></ul>
<table><tr><td><p><i>N&#417;i nh&#7853;n:</i><br>- Nh&#432; tr&#234;n;<br>- L&#432;u: VT.</p></td>
<td><p><b>KT. CH&#7910; T&#7882;CH<br>PH&#211; CH&#7910; T&#7882;CH</b></p></td></tr></table>
</body></html>"""


def test_word_web_page_windows_1252_with_entities():
    doc = load_bytes(WORD_HTML.encode("ascii"), "plan.htm")
    assert doc.format == "html"
    assert doc.meta["encoding"] == "cp1252"
    assert_canonical(doc.text)
    ls = lines(doc.text)
    assert ls[:6] == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH LÀO CAI",
        "Số: 7432 /UBND-XD",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lào Cai, ngày 21 tháng 7 năm 2026",
    ]
    assert "1. Công an tỉnh, các sở, ban, ngành" in ls
    assert "Theo chức năng & nhiệm vụ của mình." in ls
    assert "2. Giao Sở Xây dựng" in ls and "3. Tổ chức thực hiện" in ls
    assert "- Như trên;" in ls
    assert "Nơi nhận:" in ls and "KT. CHỦ TỊCH" in ls
    assert not any("Nơi nhận" in ln and "KT." in ln for ln in ls)
    for junk in ("HIDDEN", "document.write", "MsoNormal", "Author", "Kế hoạch"):
        assert junk not in doc.text
    assert doc.anchors[0].where == "table 1 row 1 cell 1"


def test_html_two_row_header_table_reads_column_by_column():
    html = (
        "<html><body><table>"
        "<tr><td>ỦY BAN NHÂN DÂN<br>TỈNH LÀO CAI</td><td>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc</td></tr>"
        "<tr><td>Số: 12/KH-UBND</td><td>Lào Cai, ngày 2 tháng 3 năm 2024</td></tr>"
        "</table><p>KẾ HOẠCH</p>"
        "<table><tr><td>STT</td><td>Nội dung</td></tr><tr><td>1</td><td>Họp</td></tr></table></body></html>"
    )
    doc = load_bytes(html.encode(), "h.html")
    assert doc.text.split("\n") == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH LÀO CAI",
        "Số: 12/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lào Cai, ngày 2 tháng 3 năm 2024",
        "KẾ HOẠCH",
        "STT",
        "Nội dung",
        "1",
        "Họp",
    ]
    assert doc.anchors[2].where == "table 1 row 2 cell 1"


def test_html_windows_1258_combining_marks_become_nfc():
    body = _to_cp1258("Kế hoạch tổ chức Tuần lễ hưởng ứng học tập suốt đời. Độc lập - Tự do - Hạnh phúc")
    assert b"\xcc" in body or b"\xd2" in body or b"\xde" in body or b"\xec" in body  # combining tone bytes
    data = b'<html><head><meta charset="windows-1258"></head><body><p>' + body + b"</p></body></html>"
    doc = load_bytes(data, "page.html")
    assert doc.meta["encoding"] == "cp1258"
    assert doc.text == "Kế hoạch tổ chức Tuần lễ hưởng ứng học tập suốt đời. Độc lập - Tự do - Hạnh phúc"
    assert_canonical(doc.text)


def test_html_utf8_declared_mislabelled_and_undeclared():
    text = "<p>Kế hoạch số 12/KH-UBND</p><p>Hà Nội, ngày 3 tháng 4 năm 2024</p>"
    for head in ('<meta charset="utf-8">', '<meta charset="windows-1252">', ""):
        data = f"<!DOCTYPE html><html><head>{head}</head><body>{text}</body></html>".encode("utf-8")
        doc = load_bytes(data, "p.html")
        assert doc.text == "Kế hoạch số 12/KH-UBND\nHà Nội, ngày 3 tháng 4 năm 2024"
    # No charset and not UTF-8: the legacy Vietnamese code page.
    data = b"<html><body><p>" + _to_cp1258("Độc lập") + b"</p></body></html>"
    doc = load_bytes(data, "p.html")
    assert doc.text == "Độc lập"


def test_html_breaks_tables_and_pre():
    html = "<html><body><div>a<br>b<div>c</div>d</div><table><tr><th>STT</th><th>Nội dung</th></tr><tr><td>1</td><td>Họp</td></tr></table><pre>x  y\nz</pre></body></html>"
    doc = load_bytes(html.encode(), "t.html")
    assert doc.text.split("\n") == ["a", "b", "c", "d", "STT", "Nội dung", "1", "Họp", "x  y", "z"]


def test_mht_single_file_web_page():
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    msg = MIMEMultipart("related")
    part = MIMEText("<html><body><p>Kế hoạch</p><p>Độc lập - Tự do</p></body></html>", "html", "utf-8")
    msg.attach(part)
    doc = load_bytes(msg.as_bytes(), "page.mht")
    assert doc.text == "Kế hoạch\nĐộc lập - Tự do"


def test_html_empty():
    from vnplan.errors import EmptyDocumentError

    with pytest.raises(EmptyDocumentError):
        load_bytes(b"<html><head><script>x</script></head><body> </body></html>", "e.html")


# ---------------------------------------------------------------------------
# DOC (Word 97)

HAVE_SOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice"))
HAVE_ANTIWORD = bool(shutil.which("antiword"))


@pytest.mark.skipif(not HAVE_SOFFICE, reason="LibreOffice is not installed")
def test_doc_with_libreoffice(d01):
    doc = load(DATA / "d01.doc")
    assert doc.format == "doc"
    assert doc.meta["converter"] == "libreoffice"
    assert_canonical(doc.text)
    ls = lines(doc.text)
    assert "Số:        /KH-MTTQ-BTT" in ls
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in ls
    assert "1. Mục đích" in ls
    assert "TM. BAN THƯỜNG TRỰC" in ls
    assert similarity(d01.text, doc.text) > 0.98


@pytest.mark.skipif(not HAVE_ANTIWORD, reason="antiword is not installed")
def test_doc_with_antiword(monkeypatch, d01):
    import vnplan.io.doc as docmod

    monkeypatch.setattr(docmod, "_soffice", lambda: None)
    doc = load(DATA / "d01.doc")
    assert doc.meta["converter"] == "antiword"
    ls = lines(doc.text)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in ls
    assert not any("Số:" in ln and "CỘNG HÒA" in ln for ln in ls)
    assert similarity(d01.text, doc.text) > 0.95


def test_doc_without_converter(monkeypatch):
    import vnplan.io.doc as docmod

    monkeypatch.setattr(docmod.shutil, "which", lambda name: None)
    with pytest.raises(MissingDependencyError) as exc:
        load(DATA / "d01.doc")
    assert "libreoffice-writer-nogui" in str(exc.value) and "antiword" in str(exc.value)


def test_doc_bad_files():
    data = (DATA / "d01.doc").read_bytes()
    with pytest.raises(CorruptFileError):
        load_bytes(data[:3000], "half.doc")
    with pytest.raises(CorruptFileError):
        load_bytes(random.Random(4).randbytes(4000), "random.doc")
    # An OLE file without a WordDocument stream (e.g. an Excel workbook renamed .doc).
    fake = bytearray(data)
    i = fake.find("WordDocument".encode("utf-16-le"))
    fake[i: i + 24] = "Workbook\x00\x00\x00\x00".encode("utf-16-le")
    with pytest.raises(UnsupportedFormatError):
        load_bytes(bytes(fake), "book.doc")


def test_encrypted_doc_flag():
    data = bytearray((DATA / "d01.doc").read_bytes())
    from vnplan.io.doc import _Ole, _utf16_name

    ole = _Ole(bytes(data))
    start, _size = ole.entries()[_utf16_name("WordDocument")]
    off = (start + 1) * ole.ssize
    flags = int.from_bytes(data[off + 10: off + 12], "little") | 0x0100
    data[off + 10: off + 12] = flags.to_bytes(2, "little")
    with pytest.raises(EncryptedFileError):
        load_bytes(bytes(data), "secret.doc")


# ---------------------------------------------------------------------------
# Generated files are in step with the generator


def test_generated_files_present_and_small():
    assert len(GENERATED) >= 3
    mine = glob.glob(str(GEN / "*")) + [str(DATA / "d01.doc")]
    assert sum(os.path.getsize(p) for p in mine) < 1_000_000


# ---------------------------------------------------------------------------
# Layout units: OCR pages and body tables


def _ocr_words(rows: list[list[tuple[str, float]]], y0: float = 50.0, size: float = 12.0):
    """OCR-like (text, word anchors) from rows of (word, x0) with a fixed line pitch."""
    text_lines, anchors, pos = [], [], 0
    for r, row in enumerate(rows):
        top = y0 + r * 1.5 * size
        parts = []
        for k, (w, x) in enumerate(row):
            if k:
                parts.append(" ")
                pos += 1
            anchors.append((pos, pos + len(w), (x, top, x + 0.55 * size * len(w), top + size), 0.9))
            parts.append(w)
            pos += len(w)
        text_lines.append("".join(parts))
        pos += 1
    return "\n".join(text_lines), anchors


def _row(text: str, x: float, size: float = 12.0) -> list[tuple[str, float]]:
    out = []
    for w in text.split():
        out.append((w, x))
        x += 0.55 * size * len(w) + 3.5
    return out


def test_ocr_header_is_read_column_by_column(monkeypatch):
    import vnplan.io.pdf as pdfmod

    rows = [
        _row("ỦY BAN NHÂN DÂN", 90) + _row("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 300),
        _row("TỈNH QUẢNG NGÃI", 90) + _row("Độc lập - Tự do - Hạnh phúc", 330),
        _row("Số: 12/CT-UBND", 95) + _row("Quảng Ngãi, ngày 3 tháng 4 năm 2020", 310),
        _row("CHỈ THỊ", 260),
        _row("Thực hiện Quyết định số 2545/QĐ-TTg ngày 30/12/2016 của Thủ tướng Chính phủ", 70),
    ]
    text, anchors = _ocr_words(rows)
    monkeypatch.setattr(pdfmod, "_ocr_page", lambda data, i, limits: ("ok", (text, anchors)))
    doc = load(DEV / "d12.pdf")
    assert doc.meta["ocr_pages"] == [1, 2]
    page1 = doc.text.split("\f")[0]
    assert page1.split("\n") == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH QUẢNG NGÃI",
        "Số: 12/CT-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Quảng Ngãi, ngày 3 tháng 4 năm 2020",
        "CHỈ THỊ",
        "Thực hiện Quyết định số 2545/QĐ-TTg ngày 30/12/2016 của Thủ tướng Chính phủ",
    ]
    for a in doc.anchors:
        if a.page == 1:
            assert a.where == "ocr" and a.confidence == 0.9
            word = doc.text[a.start:a.end]
            assert word and " " not in word and "\n" not in word
    # Anchors still point at their words after the reordering.
    i = doc.text.index("CỘNG")
    page, bbox, conf = doc.locate(i, i + 4)
    assert page == 1 and bbox[0] == 300 and conf == 0.9


def test_body_table_keeps_row_order(tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
    if not os.path.exists(font):
        pytest.skip("DejaVu fonts are not installed")
    pdfmetrics.registerFont(TTFont("T-Serif", font))
    path = tmp_path / "table.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.setFont("T-Serif", 12)
    c.drawString(85, 760, "Thời gian và phân công thực hiện các nhiệm vụ như sau, cụ thể từng nội dung:")
    y = 740
    for left, right in [("Tuyên truyền", "Phòng Văn hóa"), ("Tổ chức hội nghị", "Văn phòng"), ("Báo cáo kết quả", "Phòng Giáo dục")]:
        c.drawString(85, y, left)
        c.drawString(330, y, right)
        y -= 16
    c.drawString(85, y - 4, "Các đơn vị triển khai thực hiện nghiêm túc, báo cáo kết quả đúng thời hạn quy định.")
    c.save()
    doc = load(path)
    ls = lines(doc.text)
    assert "Tuyên truyền Phòng Văn hóa" in ls
    assert ls.index("Tuyên truyền Phòng Văn hóa") < ls.index("Tổ chức hội nghị Văn phòng") < ls.index("Báo cáo kết quả Phòng Giáo dục")


def test_stamp_box_in_page_content_is_dropped():
    from vnplan.io.pdf import Row, Word, drop_stamps

    def row(y: float, *parts: tuple[str, float]) -> Row:
        ws = []
        for text, x in parts:
            for w in text.split():
                ws.append(Word(w, x, y, x + 6.0 * len(w), y + 12))
                x += 6.0 * len(w) + 3
        return Row(ws, y, y + 12)

    rows = [
        row(40, ("ỦY BAN NHÂN DÂN", 90), ("Ký bởi: Ủy ban nhân dân", 400)),
        row(54, ("TỈNH QUẢNG NGÃI", 90), ("tỉnh Quảng Ngãi", 400)),
        row(68, ("Email: ubnd@example.gov.vn", 400)),
        row(82, ("Số: 12/CT-UBND", 90), ("Thời gian ký: 16.04.2020 07:37:07 +07:00", 400)),
        row(120, ("Liên hệ Email: vanthu@example.gov.vn để được hướng dẫn.", 90)),
    ]
    kept, n = drop_stamps(rows)
    assert n == 4
    assert [r.text for r in kept] == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH QUẢNG NGÃI",
        "Số: 12/CT-UBND",
        "Liên hệ Email: vanthu@example.gov.vn để được hướng dẫn.",
    ]


def _handmade_docx(body: str, numbering: str = "", styles: str = "", footnotes: str = "") -> bytes:
    """A minimal .docx from raw WordprocessingML parts."""
    from vnplan.io.docx import W

    ns = f'xmlns:w="{W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="word/document.xml"/></Relationships>'
        ).encode(),
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document {ns}><w:body>{body}</w:body></w:document>'.encode(),
    }
    doc_rels = []
    for name, xml, kind, root in (
        ("numbering.xml", numbering, "numbering", "numbering"),
        ("styles.xml", styles, "styles", "styles"),
        ("footnotes.xml", footnotes, "footnotes", "footnotes"),
    ):
        if xml:
            parts[f"word/{name}"] = f'<?xml version="1.0"?><w:{root} {ns}>{xml}</w:{root}>'.encode()
            doc_rels.append(f'<Relationship Id="r{kind}" Type="{rel}/{kind}" Target="{name}"/>')
    parts["word/_rels/document.xml.rels"] = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(doc_rels)
        + "</Relationships>"
    ).encode()
    return _zip(parts)


def _p(text: str, ppr: str = "", extra: str = "") -> str:
    return f"<w:p><w:pPr>{ppr}</w:pPr><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>{extra}</w:p>"


def test_docx_handmade_features():
    numbering = """
      <w:abstractNum w:abstractNumId="0">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="3"><w:abstractNumId w:val="0"/></w:num>"""
    styles = """<w:style w:type="paragraph" w:styleId="Muc"><w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style>
      <w:style w:type="paragraph" w:styleId="MucCon"><w:basedOn w:val="Muc"/><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="3"/></w:numPr></w:pPr></w:style>"""
    footnotes = """<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
      <w:footnote w:id="1"><w:p><w:r><w:t>Theo Quyết định số 12/QĐ-UBND.</w:t></w:r></w:p></w:footnote>"""
    body = (
        _p("Mục tiêu", '<w:pStyle w:val="Muc"/>')
        + _p("Nâng cao nhận thức", '<w:pStyle w:val="MucCon"/>')
        + _p("Tăng cường phối hợp", '<w:pStyle w:val="MucCon"/>')
        + _p("Nhiệm vụ", '<w:pStyle w:val="Muc"/>')
        + '<w:p><w:r><w:t xml:space="preserve">Ngày </w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>ẨN</w:t></w:r>'
        '<w:del><w:r><w:delText>cũ </w:delText></w:r></w:del><w:ins><w:r><w:t>mới</w:t></w:r></w:ins>'
        '<w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:br/><w:t>dòng hai</w:t></w:r></w:p>'
        '<w:sdt><w:sdtContent><w:p><w:r><w:t>Trong ô nội dung</w:t></w:r></w:p></w:sdtContent></w:sdt>'
        '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
        '<w:p><w:r><w:t>Trong hộp văn bản</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>'
        '<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Trong hộp văn bản</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>'
        "</mc:AlternateContent></w:r></w:p>"
        '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>STT</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Nội dung</w:t></w:r></w:p></w:tc>'
        '<w:tc><w:p><w:r><w:t>Thời gian</w:t></w:r></w:p></w:tc></w:tr>'
        '<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Họp</w:t></w:r></w:p></w:tc>'
        '<w:tc><w:p><w:r><w:t>Tháng 5</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
    )
    doc = load_bytes(_handmade_docx(body, numbering, styles, footnotes), "hand.docx")
    assert doc.text.split("\n") == [
        "1. Mục tiêu",
        "a) Nâng cao nhận thức",
        "b) Tăng cường phối hợp",
        "2. Nhiệm vụ",
        "Ngày mới",
        "dòng hai",
        "Trong ô nội dung",
        "",
        "Trong hộp văn bản",
        "STT",
        "Nội dung",
        "Thời gian",
        "1",
        "Họp",
        "Tháng 5",
        "",
        "[1] Theo Quyết định số 12/QĐ-UBND.",
    ]
    wheres = {doc.text[a.start:a.end]: a.where for a in doc.anchors}
    assert wheres["1. Mục tiêu"] == "paragraph 1"
    assert wheres["Họp"] == "table 1 row 2 cell 2"
    assert wheres["[1] Theo Quyết định số 12/QĐ-UBND."] == "footnote 1"
