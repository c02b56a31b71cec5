"""Legacy Vietnamese encodings (TCVN3, VNI, VISCII, Windows-1258): tables, detection by
evidence, conversion, and the loaders that use them.

The real-like samples are the corpus plans encoded with each encoding by
``vnplan.legacy.encode``; the one real sample (tests/data/legacy, see SOURCE.md) is
TCVN3 typed by people.
"""
from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import time
import unicodedata
import zipfile
from pathlib import Path

import pytest

import vnplan
from vnplan import legacy
from vnplan.document import Anchor, Document
from vnplan.io import load, load_bytes
from vnplan.io.text import decode_bytes

ROOT = Path(__file__).resolve().parent.parent
PLANS = sorted((ROOT / "corpus" / "plans").glob("*.txt"))
DEV_PLANS = sorted((ROOT / "corpus" / "dev" / "plans").glob("*.txt"))
UNICODE_TEXTS = sorted((ROOT / "corpus").glob("**/*.txt")) + sorted((ROOT / "tests" / "data").glob("**/*.expected.txt"))
REAL = ROOT / "tests" / "data" / "legacy" / "jx_map_helper_tcvn3.lua.txt"
GEN = ROOT / "tests" / "data" / "generated"


def representable(text: str, encoding: str) -> str:
    """``text`` as the encoding can hold it: NFC, characters it has no byte for as '?'."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            legacy.encode(ch, encoding)
            out.append(ch)
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


# ---------------------------------------------------------------------------
# Tables


def test_tables_hold_every_vietnamese_letter_once() -> None:
    tb = legacy.tables()
    letters = set(VIETNAMESE_LETTERS)
    assert len(letters) == 134
    assert set(tb.tcvn3.values()) == letters and len(tb.tcvn3) == 134
    assert set(tb.viscii.values()) == letters and len(tb.viscii) == 134
    assert len(tb.vni_letters) == 18 and len(tb.vni_marks) == 34


# 12 vowel shapes × 6 tones, less the 6 plain ASCII vowels, and đ: 67 letters, twice.
VIETNAMESE_LETTERS = [
    unicodedata.normalize("NFC", base + tone).upper() if upper else unicodedata.normalize("NFC", base + tone)
    for upper in (False, True)
    for base in ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")
    for tone in ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
    if base + tone not in "aeiouy"
] + ["đ", "Đ"]


@pytest.mark.skipif(shutil.which("iconv") is None, reason="iconv (glibc) is the independent reference")
@pytest.mark.parametrize("ours, theirs", [("tcvn3", "TCVN5712-1"), ("viscii", "VISCII")])
def test_tables_agree_with_glibc(ours: str, theirs: str) -> None:
    table = legacy.tables().tcvn3 if ours == "tcvn3" else legacy.tables().viscii
    codes = bytes(ord(c) for c in table)
    # One byte per line so that glibc's TCVN decoder does not combine neighbours.
    out = subprocess.run(["iconv", "-f", theirs, "-t", "UTF-8"], input=b"\n".join(bytes([b]) for b in codes),
                         capture_output=True, check=True).stdout.decode()
    assert out.split("\n") == [table[chr(b)] for b in codes]


# ---------------------------------------------------------------------------
# Conversion of known phrases (the forms old documents show when read as Latin-1)


@pytest.mark.parametrize("encoding, shown, text", [
    ("tcvn3", "Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
    ("tcvn3", "§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
    ("tcvn3", "Thùc hiÖn", "Thực hiện"),
    ("tcvn3", "quyÕt ®Þnh cña Bé tr\u00adëng Bé Tµi chÝnh", "quyết định của Bộ trưởng Bộ Tài chính"),
    ("vni", "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("vni", "Ñeà nghò", "Đề nghị"),
    ("vni", "UÛY BAN NHAÂN DAÂN TÆNH", "ỦY BAN NHÂN DÂN TỈNH"),
    ("vni", "ñöôïc nhöõng Chæ thò Myõ", "được những Chỉ thị Mỹ"),
])
def test_known_phrases(encoding: str, shown: str, text: str) -> None:
    assert legacy.to_unicode(shown, encoding) == text
    assert legacy.to_unicode(shown.encode("cp1252"), encoding) == text


def test_detection_needs_evidence() -> None:
    assert legacy.detect("Céng hoµ x· héi chñ nghÜa ViÖt Nam").encoding == "tcvn3"
    assert legacy.detect("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam").encoding == "vni"
    # Two words are too little evidence to rewrite anyone's text.
    assert legacy.detect("Thùc hiÖn").encoding is None
    det = legacy.detect("Céng hoµ x· héi chñ nghÜa ViÖt Nam")
    assert 0 < det.confidence <= 1 and "valid syllables" in det.evidence


@pytest.mark.parametrize("text", [
    "Cộng hòa xã hội chủ nghĩa Việt Nam. Các bên tác động",
    "Le café « crème » coûte trop cher à Paris, où l'été est chaud et l'hôtel cher.",
    "Señor Muñoz vivía en la mañana con niños pequeños en España, señora Peña.",
    "Größere Übungen für Schüler: Straße, Käse, Müller, Bäcker, Öffnung.",
    "Plain ASCII text with numbers 12/KH-UBND and dates 01/02/2024.",
    "°C ± 2 µm × 3 ÷ 4 ½ ¼ ¾ © ® § ¶ · « » ¿ ¡",
    "",
])
def test_not_legacy(text: str) -> None:
    assert legacy.detect(text).encoding is None
    assert legacy.detect(text.encode("utf-8")).encoding is None
    assert legacy.repair_text(text) == (text, None)


@pytest.mark.parametrize("path", UNICODE_TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_unicode_corpus_is_never_converted(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert legacy.detect(text).encoding is None
    assert legacy.detect(path.read_bytes()).encoding is None
    assert legacy.repair_text(text)[1] is None


# ---------------------------------------------------------------------------
# Round trips of the corpus plans


@pytest.mark.parametrize("encoding", legacy.ENCODINGS)
@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name[:3])
def test_round_trip_bytes_and_latin1_text(path: Path, encoding: str) -> None:
    text = path.read_text(encoding="utf-8")
    data = legacy.encode(text, encoding, errors="replace")
    assert legacy.detect(data).encoding == encoding
    assert legacy.to_unicode(data, encoding) == representable(text, encoding)
    shown = legacy.to_latin1_text(text, encoding, errors="replace")  # what a PDF/DOCX reader shows
    assert legacy.detect(shown).encoding == encoding
    assert legacy.to_unicode(shown, encoding) == representable(text, encoding)


@pytest.mark.parametrize("encoding", legacy.ENCODINGS)
def test_dev_plans_detected_and_nearly_exact(encoding: str) -> None:
    # Dev plans include OCR text: one-letter OCR fragments ("T Ị CH") whose byte is also
    # Windows punctuation are read as punctuation; nothing else differs.
    for path in DEV_PLANS:
        text = path.read_text(encoding="utf-8")
        data = legacy.encode(text, encoding, errors="replace")
        assert legacy.detect(data).encoding == encoding, path.name
        got, want = legacy.to_unicode(data, encoding).split(), representable(text, encoding).split()
        assert len(got) == len(want)
        diffs = [(a, b) for a, b in zip(got, want) if a != b]
        assert len(diffs) <= 2 and all(len(b) == 1 for _, b in diffs), (path.name, diffs)


@pytest.mark.parametrize("encoding", legacy.ENCODINGS)
@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name[:3])
def test_extract_on_legacy_bytes_gives_the_same_record(path: Path, encoding: str, tmp_path: Path) -> None:
    legacy_file = tmp_path / path.name
    legacy_file.write_bytes(legacy.encode(path.read_text(encoding="utf-8"), encoding, errors="replace"))
    rec = vnplan.extract(legacy_file)
    assert rec.contract() == vnplan.extract(path).contract()
    codes = [w.code for w in rec.warnings]
    assert "legacy-encoding" in codes
    message = next(w.message for w in rec.warnings if w.code == "legacy-encoding")
    assert legacy.LABELS[encoding] in message


# ---------------------------------------------------------------------------
# Text files: decoding, mixed files, legacy text inside UTF-8


def test_decode_bytes_names_the_encoding() -> None:
    text = PLANS[0].read_text(encoding="utf-8")
    for enc, name in (("tcvn3", "tcvn3"), ("vni", "vni"), ("viscii", "viscii"), ("cp1258", "windows-1258")):
        got, encoding = decode_bytes(legacy.encode(text, enc, errors="replace"))
        assert encoding == name
        assert unicodedata.normalize("NFC", got) == representable(text, enc)


def test_non_utf8_without_evidence_is_still_read_as_cp1258() -> None:
    data = "Le café « crème » coûte trop cher à Paris, où l'été est chaud.".encode("cp1252")
    doc = load_bytes(data, "fr.txt")
    assert doc.meta["encoding"] == "cp1258"
    assert ("encoding", "decoded as cp1258") in doc.warnings
    assert "café" in doc.text


@pytest.mark.parametrize("encoding, name", [("cp1258", "windows-1258"), ("tcvn3", "tcvn3"), ("vni", "vni")])
def test_mixed_file_reads_each_line_in_its_own_encoding(encoding: str, name: str) -> None:
    text = PLANS[1].read_text(encoding="utf-8")
    lines = text.split("\n")
    half = len(lines) // 2
    data = "\n".join(lines[:half]).encode("utf-8") + b"\n" + legacy.encode("\n".join(lines[half:]), encoding, errors="replace")
    doc = load_bytes(data, "mixed.txt")
    assert doc.meta["encoding"] == f"utf-8+{name}"
    codes = [c for c, _ in doc.warnings]
    assert "mixed-encoding" in codes and "legacy-encoding" in codes
    assert doc.text == representable(text, encoding).strip("\n") or doc.text.split() == representable(text, encoding).split()


def test_utf8_file_holding_legacy_font_text_is_converted() -> None:
    text = PLANS[2].read_text(encoding="utf-8")
    shown = legacy.to_latin1_text(text, "vni", errors="replace")  # pasted from an old PDF
    doc = load_bytes(shown.encode("utf-8"), "pasted.txt")
    assert doc.meta["encoding"] == "utf-8"
    assert doc.meta["legacy_encoding"]["encoding"] == "vni"
    assert doc.text.split() == representable(text, "vni").split()
    assert any(c == "legacy-encoding" and "VNI" in m for c, m in doc.warnings)


def test_many_tcvn3_capitals_on_control_bytes_are_not_binary() -> None:
    # TCVN 5712 puts Ứ Ự Ừ Ụ Ú ... on C0 control bytes; a capitals-heavy file has many.
    text = ("THỨ TỰ ƯU TIÊN CỦA CỤC THUẾ VÀ PHỤ TRÁCH ỨNG DỤNG. " * 40 + "\n") * 5
    data = legacy.encode(text, "tcvn3")
    assert sum(1 for b in data if b < 32 and b not in (9, 10, 13)) > len(data) // 100
    doc = load_bytes(data, "caps.txt")
    assert doc.meta["encoding"] == "tcvn3" and doc.text.startswith("THỨ TỰ ƯU TIÊN")


def test_random_control_bytes_are_still_binary() -> None:
    import random

    data = bytes(random.Random(3).choice(b"\x01\x02\x03\x04\x05\x06abc ") for _ in range(5000))
    with pytest.raises(vnplan.errors.BinaryInputError):
        load_bytes(data, "x.txt")


# ---------------------------------------------------------------------------
# Particular cases


def test_vntimeh_capitals_are_restored_where_the_line_shows_them() -> None:
    # The .VnTimeH fonts draw lowercase codes as capitals; ASCII capitals around give it away.
    assert legacy.to_unicode("KÕ HO¹CH tæ chøc", "tcvn3") == "Kế HOẠCH tổ chức"
    assert legacy.to_unicode("KÕ HO¹CH", "tcvn3") == "KẾ HOẠCH"
    assert legacy.to_unicode("UBND TØNH", "tcvn3") == "UBND TỈNH"
    assert legacy.to_unicode("Sè: 12/KH-UBND", "tcvn3") == "Số: 12/KH-UBND"


def test_dropped_soft_hyphen_u_is_restored() -> None:
    # 0xAD (ư) is a soft hyphen to Latin-1 readers, which drop it.
    assert legacy.to_unicode("Trêng häc", "tcvn3") == "Trường học"
    assert legacy.to_unicode("s¸ng ngêi", "tcvn3") == "sáng ngời"  # a valid word is left alone


def test_punctuation_bytes_that_are_also_capitals() -> None:
    # 0x93/0x94 are “ ” in Windows-1252 and Ỏ Õ in TCVN 5712; 0x91 ‘ is Ị; 0x96 – is Ọ.
    data = legacy.encode("NGHỊ QUYẾT “Thực hiện” – Ở đây", "tcvn3")
    assert b"\x93" in data and b"\x96" in data
    assert legacy.to_unicode(data, "tcvn3") == "NGHỊ QUYẾT “Thực hiện” – Ở đây"


def test_unicode_lines_of_a_mixed_document_are_kept() -> None:
    legacy_part = legacy.to_latin1_text(PLANS[0].read_text(encoding="utf-8"), "tcvn3", errors="replace", h_font_capitals=True)
    text = "Các bên tác động đến cơ quan có thẩm quyền.\n" + legacy_part
    out, det = legacy.repair_text(text)
    assert det is not None and det.encoding == "tcvn3"
    assert out.startswith("Các bên tác động đến cơ quan có thẩm quyền.\n")


def test_real_tcvn3_sample() -> None:
    data = REAL.read_bytes()
    det = legacy.detect(data)
    assert det.encoding == "tcvn3" and det.confidence > 0.5
    text = legacy.to_unicode(data, "tcvn3")
    for phrase in ("Các Tân thủ thôn", "Kiếm Các Trung Nguyên", "Vũ Lăng sơn", "Khoái Hoạt Lâm",
                   "Điểm Thương động tầng 3", "Trường Bạch sơn Nam Lộc", "và Dược Vương động"):
        assert phrase in text
    doc = load(REAL)
    assert doc.meta["encoding"] == "tcvn3" and "Kiếm Các Tây Bắc" in doc.text


def test_mapper_moves_anchors_with_their_words() -> None:
    text = "Ñeà nghò caùc ñôn vò\nthöïc hieän nghieâm tuùc"
    conv = legacy.convert(text, "vni")
    new = conv.mapper()
    assert conv.text == "Đề nghị các đơn vị\nthực hiện nghiêm túc"
    for word in ("nghò", "ñôn", "thöïc", "tuùc"):
        s = text.index(word)
        e = s + len(word)
        assert conv.text[new(s):new(e)] == legacy.to_unicode(word, "vni")
    offsets = [new(i) for i in range(len(text) + 1)]
    assert offsets == sorted(offsets) and offsets[-1] == len(conv.text)


def test_convert_document_keeps_anchors_on_their_words() -> None:
    words = ["Keá", "hoaïch", "toå", "chöùc", "tuaàn", "leã", "hoïc", "taäp", "suoát", "ñôøi", "naêm", "2024"]
    text = " ".join(words)
    anchors, pos = [], 0
    for w in words:
        anchors.append(Anchor(pos, pos + len(w), 1, (0, 0, 1, 1), None, w))
        pos += len(w) + 1
    doc = Document(text=text, format="docx", anchors=anchors, pages=[(0, len(text))])
    det = legacy.convert_document(doc)
    assert det is not None and det.encoding == "vni"
    assert doc.text == "Kế hoạch tổ chức tuần lễ học tập suốt đời năm 2024"
    assert [doc.text[a.start:a.end] for a in doc.anchors] == doc.text.split()
    assert doc.pages == [(0, len(doc.text))]
    assert doc.warnings[-1][0] == "legacy-encoding"


def _legacy_docx(data: bytes, encoding: str) -> bytes:
    """The docx with every text run retyped in a legacy font (TCVN3 capitals the .VnTimeH way)."""
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            raw = zin.read(info.filename)
            if info.filename == "word/document.xml":
                raw = re.sub(
                    r"(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)",
                    lambda m: m.group(1) + html.escape(legacy.to_latin1_text(html.unescape(m.group(2)), encoding, errors="replace",
                                                                             h_font_capitals=True), quote=False) + m.group(3),
                    raw.decode("utf-8")).encode("utf-8")
            zout.writestr(info, raw)
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_docx_typed_in_a_legacy_font(encoding: str) -> None:
    src = (GEN / "000.docx").read_bytes()
    ref = load_bytes(src, "a.docx")
    doc = load_bytes(_legacy_docx(src, encoding), "a.docx")
    assert doc.text == ref.text
    assert [(a.start, a.end, a.where) for a in doc.anchors] == [(a.start, a.end, a.where) for a in ref.anchors]
    assert any(c == "legacy-encoding" for c, _ in doc.warnings)
    assert vnplan.extract_document(doc).contract() == vnplan.extract_document(ref).contract()


def test_html_in_vni_font_loses_the_vague_warning() -> None:
    body = legacy.to_latin1_text("Kế hoạch tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2024 trên địa bàn huyện", "vni")
    data = f'<html><head><meta charset="utf-8"></head><body><p style="font-family:VNI-Times">{html.escape(body)}</p></body></html>'.encode()
    doc = load_bytes(data, "p.html")
    assert doc.text == "Kế hoạch tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2024 trên địa bàn huyện"
    codes = [c for c, _ in doc.warnings]
    assert "legacy-encoding" in codes and "legacy-font" not in codes


def test_pdf_with_a_tcvn3_text_layer_is_converted_not_ocred() -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    text = PLANS[4].read_text(encoding="utf-8")
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    y = 800
    for line in legacy.to_latin1_text(text, "tcvn3", errors="replace", h_font_capitals=True).split("\n")[:40]:
        c.setFont("Helvetica", 10)
        c.drawString(40, y, line[:110])
        y -= 18
    c.save()
    doc = load_bytes(buf.getvalue(), "t.pdf")
    assert "Thực hiện Công văn số 747" in doc.text.replace("\n", " ")


def test_detection_is_bounded_on_big_inputs() -> None:
    text = PLANS[0].read_text(encoding="utf-8")
    big = legacy.encode(text * 400, "vni", errors="replace")  # ~5 MB
    t = time.perf_counter()
    assert legacy.detect(big).encoding == "vni"
    assert time.perf_counter() - t < 10
    t = time.perf_counter()
    assert legacy.detect(text * 400).encoding is None
    assert time.perf_counter() - t < 10
