"""OCR of scans: generated scans of a corpus plan, the real stamped scan d12.pdf, repair, limits.

Tests that run Tesseract skip (with the install command) where it is missing;
the repair, size-limit and damaged-file tests run everywhere.
"""
from __future__ import annotations

import difflib
import importlib
import io
import re
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

from vnplan.errors import CorruptFileError, LimitExceededError, MissingDependencyError
from vnplan.io import Limits, load, load_bytes
from vnplan.io import ocr
from vnplan.io.ocr import ocr_image, ocr_pdf_page, ocr_pdf_page_result, tesseract_available
from vnplan.ocr_repair import load_lexicon, repair

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "corpus" / "plans" / "002_aa2e28f41dc8681f.txt"
D12 = ROOT / "corpus" / "dev" / "plans" / "d12.pdf"
SAMPLES = ROOT / "tests" / "data" / "scans"

needs_tesseract = pytest.mark.skipif(
    not tesseract_available(),
    reason="Tesseract with Vietnamese data is missing: apt-get install tesseract-ocr tesseract-ocr-vie",
)


ms = importlib.import_module("make_scans")


def norm(text: str) -> str:
    # Layout differs (OCR keeps the page's line breaks): compare words only.
    return re.sub(r"\s+", " ", text).strip()


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: edit distance over the reference length."""
    from rapidfuzz.distance import Levenshtein

    ref = norm(reference)
    return Levenshtein.distance(ref, norm(hypothesis)) / max(1, len(ref))


# ----------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def pages():
    """The first two pages of plan 002 typeset at 300 dpi (text and word boxes known)."""
    try:
        ms.font_path()
    except FileNotFoundError:
        pytest.skip("DejaVu fonts are missing: apt-get install fonts-dejavu-core")
    return ms.typeset(ms.plan_text(PLAN), dpi=300, max_pages=2)


@pytest.fixture(scope="module")
def clean_scans(pages):
    """Clean flatbed scans: no rotation or stamp, light blur, noise and JPEG."""
    return [ms.scan(p.image, seed=i, angle=0.0, stamped=False, quality=85) for i, p in enumerate(pages)]


@pytest.fixture(scope="module")
def clean_results(clean_scans):
    return [ocr_image(img, dpi=300) for img in clean_scans]


# -------------------------------------------------------------- clean scans


@needs_tesseract
def test_clean_scan_character_error_rate_under_1_percent(pages, clean_results):
    ref = "\n".join(p.text for p in pages)
    got = "\n".join(r.text for r in clean_results)
    assert len(norm(ref)) > 3000
    assert cer(ref, got) < 0.01, cer(ref, got)


@needs_tesseract
def test_header_fields_are_exact(clean_results):
    lines = clean_results[0].text.splitlines()
    assert "Số: 6040/KH-UBND-GDDT" in lines
    assert "Quận 12, ngày 27 tháng 9 năm 2021" in lines


@needs_tesseract
def test_words_have_confidence_and_boxes(clean_results, clean_scans):
    res = clean_results[0]
    w, h = clean_scans[0].size
    assert res.size == (w, h)
    assert len(res.words) > 200
    for start, end, (x0, top, x1, bottom), conf in res.words:
        assert 0 <= start < end <= len(res.text)
        assert 0 <= x0 < x1 <= w and 0 <= top < bottom <= h
        assert 0.0 <= conf <= 1.0
    assert res.mean_confidence > 0.9


def _box_of(res: ocr.OcrResult, word: str):
    return [b for s, e, b, _ in res.words if res.text[s:e] == word]


def _overlap(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0


@needs_tesseract
def test_box_of_a_known_word_is_where_it_was_drawn(pages, clean_results):
    drawn = [b for t, b in pages[0].words if t == "6040/KH-UBND-GDDT"]
    found = _box_of(clean_results[0], "6040/KH-UBND-GDDT")
    assert drawn and found
    assert _overlap(drawn[0], found[0]) > 0.6, (drawn, found)


# ------------------------------------------------------- rotation and skew


@needs_tesseract
def test_page_turned_90_degrees_still_reads(pages, clean_scans):
    sideways = clean_scans[0].transpose(Image.Transpose.ROTATE_90)  # turned counter-clockwise
    res = ocr_image(sideways, dpi=300)
    assert res.rotation == 90  # turned back clockwise
    assert cer(pages[0].text, res.text) < 0.01
    # Boxes are in the sideways image's pixels: the first line, near the top of
    # the upright page, is near the left edge of the sideways one.
    box = _box_of(res, "6040/KH-UBND-GDDT")[0]
    drawn = [b for t, b in pages[0].words if t == "6040/KH-UBND-GDDT"][0]
    expected = (drawn[1], sideways.size[1] - drawn[2], drawn[3], sideways.size[1] - drawn[0])
    assert _overlap(box, expected) > 0.6, (box, expected)


@needs_tesseract
def test_page_upside_down_still_reads(pages, clean_scans):
    res = ocr_image(clean_scans[1].transpose(Image.Transpose.ROTATE_180), dpi=300)
    assert res.rotation == 180
    assert cer(pages[1].text, res.text) < 0.01


@needs_tesseract
def test_page_skewed_2_degrees_still_reads(pages):
    res = ocr_image(ms.scan(pages[0].image, seed=7, angle=2.0, stamped=False), dpi=300)
    assert abs(res.skew + 2.0) <= 0.3, res.skew  # counter-clockwise 2° is a -2° slope
    assert cer(pages[0].text, res.text) < 0.01


# ---------------------------------------------------------- damaged scans


@needs_tesseract
def test_stamp_and_signature_do_not_spoil_the_page(pages):
    """A red stamp and a blue signature over the last lines of page 2."""
    img = ms.scan(pages[1].image, seed=3, angle=-1.0, stamped=True)
    res = ocr_image(img, dpi=300)
    assert any("colour-ink" in s for s in res.steps)
    assert cer(pages[1].text, res.text) < 0.01
    for line in res.text.splitlines():
        if line.strip():
            letters = sum(ch.isalnum() for ch in line)
            assert letters >= 0.5 * len(line.replace(" ", "")), line


@needs_tesseract
def test_harsh_photocopy_is_median_filtered(pages):
    img = ms.photocopy(pages[0].image, seed=1)
    res = ocr_image(img, dpi=300)
    assert any(s.startswith("median") for s in res.steps)
    assert cer(pages[0].text, res.text) < 0.01


@needs_tesseract
def test_phone_photo_reads():
    img = Image.open(SAMPLES / "plan002_p1_phone.jpg")
    ref = (SAMPLES / "plan002_p1.txt").read_text(encoding="utf-8")
    res = ocr_image(img)
    assert cer(ref, res.text) < 0.02


# ------------------------------------------------------------- the loader


@needs_tesseract
def test_image_loader_gives_a_document_with_anchors():
    doc = load(SAMPLES / "plan002_p1_scan.jpg")
    ref = (SAMPLES / "plan002_p1.txt").read_text(encoding="utf-8")
    assert doc.format == "image"
    assert cer(ref, doc.text) < 0.01
    assert doc.meta["ocr"]["engine"] == "tesseract"
    assert doc.meta["ocr"]["version"]
    assert doc.meta["ocr"]["mean_confidence"] > 0.85
    i = doc.text.index("6040/KH-UBND-GDDT")
    page, bbox, conf = doc.locate(i, i + len("6040/KH-UBND-GDDT"))
    assert page == 1 and bbox is not None and conf is not None
    assert bbox[1] < 0.25 * doc.meta["image"]["size"][1]  # the header is at the top


@needs_tesseract
def test_sideways_png_sample_loads():
    doc = load(SAMPLES / "plan002_p2_rot90.png")
    ref = (SAMPLES / "plan002_p2.txt").read_text(encoding="utf-8")
    assert doc.meta["ocr"]["pages"][0]["rotation"] == 90  # saved turned counter-clockwise
    assert cer(ref, doc.text) < 0.01


@needs_tesseract
def test_multi_page_tiff_gives_one_page_per_frame(tmp_path, clean_scans):
    small = [im.convert("L").reduce(2) for im in clean_scans]  # 150 dpi, upscaled by the reader
    path = tmp_path / "two.tif"
    small[0].save(path, save_all=True, append_images=small[1:], compression="tiff_deflate", dpi=(150, 150))
    doc = load(path)
    assert len(doc.pages) == 2 and doc.text.count("\f") == 1
    assert "6040/KH-UBND-GDDT" in doc.text[: doc.pages[0][1]]
    second = [a for a in doc.anchors if a.page == 2]
    assert second and all(a.start >= doc.pages[1][0] for a in second)
    # Boxes are in the frame's own pixels, not the upscaled copy's.
    assert max(a.bbox[2] for a in doc.anchors) <= small[0].size[0]


# -------------------------------------------------------------------- PDF


@needs_tesseract
def test_real_stamped_scan_d12():
    data = D12.read_bytes()
    ref_pages = (D12.with_suffix(".txt")).read_text(encoding="utf-8").split("\f")
    for i in range(2):
        text, words = ocr_pdf_page(data, i, Limits())
        ratio = difflib.SequenceMatcher(None, ref_pages[i], text, autojunk=False).ratio()
        assert ratio > 0.9, (i, ratio)
        assert words
        for start, end, (x0, top, x1, bottom), conf in words:
            assert 0 <= start < end <= len(text)
            assert 0 <= x0 < x1 <= 596.5 and 0 <= top < bottom <= 850.5  # PDF points
            assert 0 <= conf <= 1
    text, words = ocr_pdf_page(data, 0, Limits())
    assert "/CT-UBND" in text
    # The motto sits at the top of the page: its box is in the top tenth.
    motto = [w for w in words if text[w[0]:w[1]] == "Hạnh"]
    assert motto and motto[0][2][1] < 85


@needs_tesseract
def test_scanned_pdf_page_is_read_from_its_image():
    data = (SAMPLES / "plan002_scan.pdf").read_bytes()
    res = ocr_pdf_page_result(data, 0, Limits())
    assert res.steps[0] == "pdf image"
    ref = (SAMPLES / "plan002_p1.txt").read_text(encoding="utf-8")
    assert cer(ref, res.text) < 0.01
    # A4 in points, origin at the top left.
    assert all(0 <= b[0] < b[2] <= 596 and 0 <= b[1] < b[3] <= 843 for _, _, b, _ in res.words)
    first = _box_of(res, "6040/KH-UBND-GDDT")[0]
    assert first[1] < 150


@needs_tesseract
def test_text_pdf_page_is_rendered(tmp_path):
    generated = ROOT / "tests" / "data" / "generated" / "002.pdf"
    if not generated.exists():
        pytest.skip("scripts/make_test_files.py has not made tests/data/generated/002.pdf")
    res = ocr_pdf_page_result(generated.read_bytes(), 0, Limits())
    assert res.steps[0].startswith("pdf render")
    assert "Số: 6040/KH-UBND-GDDT" in res.text
    assert "Quận 12, ngày 27 tháng 9 năm 2021" in res.text


@needs_tesseract
def test_bad_pdf_is_corrupt():
    with pytest.raises(CorruptFileError):
        ocr_pdf_page(b"%PDF-1.4 not really a PDF", 0, Limits())


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P", "CMYK", "1", "I", "F", "RGB", "L"])
def test_any_image_mode_becomes_8_bit_gray(mode):
    src = Image.new("RGB", (60, 40), (250, 250, 250))
    src.paste((10, 10, 10), (10, 10, 50, 20))
    gray, _ = ocr._to_gray(src.convert(mode))
    assert gray.mode == "L" and gray.size == (60, 40)
    assert gray.getpixel((20, 15)) < 80 and gray.getpixel((5, 35)) > 200


def test_colour_ink_fades_and_black_text_stays():
    page = Image.new("RGB", (200, 100), (255, 255, 255))
    page.paste((200, 40, 50), (0, 0, 100, 100))  # red stamp ink
    page.paste((20, 30, 110), (100, 0, 200, 50))  # blue pen
    page.paste((0, 0, 0), (40, 40, 60, 60))  # black text under the stamp
    gray, note = ocr._to_gray(page)
    assert note
    assert gray.getpixel((10, 10)) > 220 and gray.getpixel((150, 10)) > 220
    assert gray.getpixel((50, 50)) < 30


# ----------------------------------------------------------------- limits


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def test_huge_png_is_refused_from_its_header():
    data = _png_header(50_000, 50_000)
    t = time.perf_counter()
    with pytest.raises(LimitExceededError):
        load_bytes(data, "huge.png")
    assert time.perf_counter() - t < 1.0


def test_png_over_a_lowered_limit_is_refused():
    data = _png_header(3000, 3000)
    with pytest.raises(LimitExceededError):
        load_bytes(data, "big.png", Limits(max_pixels=1_000_000))


def test_truncated_png_is_corrupt():
    buf = io.BytesIO()
    Image.effect_noise((400, 300), 80).save(buf, "PNG")
    data = buf.getvalue()
    with pytest.raises(CorruptFileError):
        load_bytes(data[: len(data) // 2], "cut.png")


def test_riff_that_is_not_webp_is_refused():
    from vnplan.errors import UnsupportedFormatError

    with pytest.raises(UnsupportedFormatError):
        load_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40, "sound.webp")


@needs_tesseract
def test_page_time_limit(clean_scans):
    with pytest.raises(LimitExceededError):
        ocr_image(clean_scans[0], limits=Limits(ocr_seconds_per_page=0.05), dpi=300)


def test_missing_tesseract_says_how_to_install(monkeypatch):
    monkeypatch.setattr(ocr, "_tesseract_path", lambda: None)
    monkeypatch.setattr(ocr, "_languages", lambda: frozenset())
    assert not ocr.tesseract_available()
    with pytest.raises(MissingDependencyError, match="apt-get install tesseract-ocr tesseract-ocr-vie"):
        ocr_image(Image.new("L", (100, 100), 255))


# ----------------------------------------------------------------- repair


def test_repair_merges_split_letters():
    assert repair("U B ND tỉnh Quảng Ngãi")[0] == "UBND tỉnh Quảng Ngãi"
    assert repair("Ủy ban nhân dân T hành phố")[0] == "Ủy ban nhân dân Thành phố"
    assert repair("công tác ng hiệp vụ")[0] == "công tác nghiệp vụ"
    assert repair("t h ành lập")[0] == "thành lập"
    assert repair("H ĐND xã")[0] == "HĐND xã"


def test_repair_fixes_impossible_syllables_only():
    # A grave tone on a -t syllable cannot exist; no tone on -ch cannot either.
    assert repair("hềt hạn nộp")[0] == "hết hạn nộp"
    assert repair("Kế hoach năm 2020")[0] == "Kế hoạch năm 2020"
    # Valid syllables stay, even unusual ones, and so do names and English.
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Trần Ngọc Căng", "Nguyễn Văn A và B", "Agribank, VNPT, Zalo", "it is online"):
        assert repair(text) == (text, [])


def test_repair_never_touches_symbols_dates_or_numbers():
    for text in (
        "Số: 05/CT-UBND",
        "Số: 22 /KH-BCĐ",
        "Quyết định số 2545/QĐ-TTg ngày 30/12/2016",
        "KH-UBND",
        "ngày 15/4/2020, 1.250 triệu đồng",
        "TP.HCM",
    ):
        assert repair(text) == (text, []), text


def test_repair_edits_point_into_the_original_text():
    text = "Ủy ban T hành phố và U B ND tỉnh"
    fixed, edits = repair(text)
    assert fixed == "Ủy ban Thành phố và UBND tỉnh"
    for e in edits:
        assert text[e.start:e.end] == e.original


def test_remapped_anchors_follow_the_repair():
    text = "Ủy ban T hành phố và U B ND tỉnh"
    anchors = [(m.start(), m.end(), (0.0, 0.0, 1.0, 1.0), 0.9) for m in re.finditer(r"\S+", text)]
    fixed, edits = repair(text)
    moved = ocr.remap_anchors(anchors, edits)
    got = [fixed[s:e] for s, e, _, _ in moved]
    assert got == ["Ủy", "ban", "Thành", "Thành", "phố", "và", "UBND", "UBND", "UBND", "tỉnh"]


def test_syllable_lexicon_covers_corpus_and_structure():
    lex = load_lexicon()
    assert len(lex.syllables) > 15000  # structure, not just the corpus
    for s in ("thành", "nghiệp", "quốc", "giữa", "người", "khuya", "thuỷ", "thủy", "hoà", "hòa", "gì", "giết", "khuỷu"):
        assert lex.valid(s), s
    for s in ("ca", "ke", "kẻ", "ghé", "nghiêng", "quyết", "yên"):
        assert lex.valid(s), s
    # Spelling rules: c/k, g/gh, ng/ngh; stop finals take only sắc or nặng.
    for s in ("hềt", "hoach", "kêt", "ngiệp", "ghá", "cé", "yiên"):
        assert not lex.valid(s), s
