"""Tests of the header keys through ``vnplan.extract_text``: doc_type, number, symbol,
issuer, area, place, issued_date and year.

Each case is a small plan: a header in one of the shapes real documents come in,
the type word and trích yếu, a basis, a "Tổ chức thực hiện" part and a signature.
Expected values are read off the header by hand, following RECORD.md.
"""
from __future__ import annotations

import re
import unicodedata

import pytest

import vnplan
from vnplan.models import PlanRecord
from vnplan.normalize import unify_tones

TITLE = "KẾ HOẠCH\nTổ chức Tuần lễ hưởng ứng học tập suốt đời năm {year}\n"

BODY = """
Căn cứ Công văn số 4864/BGDĐT-GDĐT ngày 08/9/2023 của Bộ Giáo dục và Đào tạo về việc tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023;

I. MỤC ĐÍCH, YÊU CẦU

Nâng cao nhận thức của người dân về vai trò của học tập suốt đời.

II. TỔ CHỨC THỰC HIỆN

1. Sở Giáo dục và Đào tạo

- Chủ trì, hướng dẫn các đơn vị triển khai thực hiện Kế hoạch này.

Nơi nhận:
- Như trên;
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Nguyễn Văn An
"""

PLACE_DATE = "Quảng Ngãi, ngày 05 tháng 3 năm 2024"
ISSUER = "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI"


def doc(number_line: str = "Số: 22/KH-UBND", date_line: str = PLACE_DATE, issuer: str = ISSUER,
        title: str | None = None, year: int = 2024, body: str = BODY) -> str:
    head = f"{issuer}\n\n{number_line}\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n{date_line}\n\n"
    return head + (TITLE.format(year=year) if title is None else title) + body


def extract(text: str) -> PlanRecord:
    return vnplan.extract_text(text)


def same(a: str | None, b: str | None) -> bool:
    """Equal as the contract compares names: NFC, case, tone-mark spelling, spacing."""
    def k(s: str | None) -> str:
        return re.sub(r"\s+", " ", unify_tones(unicodedata.normalize("NFC", s or "").casefold())).strip()
    return k(a) == k(b)


def codes(r: PlanRecord) -> list[str]:
    return [w.code for w in r.warnings]


# ---------------------------------------------------------------------------
# Number and symbol
# ---------------------------------------------------------------------------

NUMBERS = [
    # (id, number line, number, symbol)
    ("space-before-slash", "Số: 22 /KH-BCĐ", "22", "KH-BCĐ"),
    ("leading-zero", "Số: 0130/KH-UBND", "0130", "KH-UBND"),
    ("three-groups", "Số: 6040/KH-UBND-GDĐT", "6040", "KH-UBND-GDĐT"),
    ("ascii-d-in-symbol", "Số: 6040/KH-UBND-GDDT", "6040", "KH-UBND-GDDT"),
    ("spaces-in-symbol", "Số: 215/KH - UBND", "215", "KH-UBND"),
    ("space-after-slash", "Số: 215/ KH-UBND", "215", "KH-UBND"),
    ("no-colon", "Số 215/KH-UBND", "215", "KH-UBND"),
    ("number-with-letter", "Số: 12a/KH-UBND", "12a", "KH-UBND"),
    ("mixed-case-code", "Số: 05/CTr-UBND", "05", "CTr-UBND"),
    pytest.param("SỐ: 22/KH-UBND", "22", "KH-UBND", id="all-caps-so"),
    pytest.param("Số 12-KH/TU", "12", "KH/TU", id="party-style"),
]


def _params(cases):
    return [c if hasattr(c, "id") else pytest.param(*c[1:], id=c[0]) for c in cases]


@pytest.mark.parametrize("line,number,symbol", _params(NUMBERS))
def test_number_and_symbol(line: str, number: str, symbol: str) -> None:
    r = extract(doc(number_line=line))
    assert (r.number, r.symbol) == (number, symbol)
    assert not any(c.startswith("number") for c in codes(r))
    assert r.doc_type == "KH"


BLANK_NUMBERS = [
    ("empty", "Số: /KH-UBND"),
    ("spaces", "Số:           /KH-UBND"),
    ("no-space", "Số:/KH-UBND"),
    ("dots", "Số: ..../KH-UBND"),
    ("underscores", "Số: ___/KH-UBND"),
    ("ellipsis", "Số: ……/KH-UBND"),
]


@pytest.mark.parametrize("line", [c[1] for c in BLANK_NUMBERS], ids=[c[0] for c in BLANK_NUMBERS])
def test_blank_number_is_none_with_a_warning(line: str) -> None:
    r = extract(doc(number_line=line))
    assert r.number is None
    assert r.symbol == "KH-UBND"
    assert any(w.code.startswith("number") and w.field == "number" for w in r.warnings)


def test_ellipsis_placeholder_is_a_blank_number_not_an_illegible_one() -> None:
    r = extract(doc(number_line="Số: ……/KH-UBND"))
    assert "number-blank" in codes(r)


# ---------------------------------------------------------------------------
# Place and date of issue
# ---------------------------------------------------------------------------

DATES = [
    # (id, issuer block, date line, place, issued_date, year)
    ("numbered-district", "ỦY BAN NHÂN DÂN\nQUẬN 12", "Quận 12, ngày 27 tháng 9 năm 2021", "Quận 12", "2021-09-27", 2021),
    ("numeric-date", ISSUER, "Quảng Ngãi, ngày 05/3/2024", "Quảng Ngãi", "2024-03-05", 2024),
    ("leading-zeros", ISSUER, "Quảng Ngãi, ngày 05 tháng 01 năm 2024", "Quảng Ngãi", "2024-01-05", 2024),
    ("tp-abbreviation", "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HỒ CHÍ MINH", "TP. Hồ Chí Minh, ngày 20 tháng 9 năm 2023",
     "TP. Hồ Chí Minh", "2023-09-20", 2023),
    ("italic-markdown", ISSUER, "*Quảng Ngãi, ngày 05 tháng 3 năm 2024*", "Quảng Ngãi", "2024-03-05", 2024),
    ("split-before-year", "ỦY BAN NHÂN DÂN\nTỈNH THANH HÓA", "Thanh Hóa, ngày 25 tháng 9\nnăm 2023", "Thanh Hóa", "2023-09-25", 2023),
    ("split-after-day", "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI", "*Hà Nội, ngày 17\ntháng 11 năm 2025*", "Hà Nội", "2025-11-17", 2025),
    ("split-blank-line", "ỦY BAN NHÂN DÂN\nTỈNH THANH HÓA", "Thanh Hóa, ngày 25\n\ntháng 9 năm 2023", "Thanh Hóa", "2023-09-25", 2023),
    # Day and month left blank for the signer to fill in: only the year is known.
    ("blank-day-month", "ỦY BAN NHÂN DÂN\nTỈNH THANH HÓA", "Thanh Hóa, ngày tháng năm 2023", "Thanh Hóa", None, 2023),
    ("blank-wide-spaces", "ỦY BAN NHÂN DÂN\nTỈNH LÀO CAI", "Lào Cai, ngày       tháng      năm 2026", "Lào Cai", None, 2026),
    ("blank-day-only", "ỦY BAN NHÂN DÂN\nTỈNH THANH HÓA", "Thanh Hóa, ngày    tháng 9 năm 2023", "Thanh Hóa", None, 2023),
    ("impossible-day", "ỦY BAN NHÂN DÂN\nTỈNH THANH HÓA", "Thanh Hóa, ngày 30 tháng 02 năm 2023", "Thanh Hóa", None, 2023),
]


@pytest.mark.parametrize("issuer,line,place,issued,year", [pytest.param(*c[1:], id=c[0]) for c in DATES])
def test_place_and_date_line(issuer: str, line: str, place: str, issued: str | None, year: int) -> None:
    r = extract(doc(issuer=issuer, date_line=line, year=year))
    assert r.place == place
    assert (r.issued_date.isoformat() if r.issued_date else None) == issued
    assert r.year == year
    if issued is None:
        assert any(w.field == "issued_date" for w in r.warnings), codes(r)


def test_blank_date_keeps_the_year_and_the_numbered_place() -> None:
    r = extract(doc(issuer="ỦY BAN NHÂN DÂN\nTỈNH THANH HÓA", number_line="Số: /KH-UBND",
                    date_line="Thanh Hóa, ngày tháng năm 2023", year=2023))
    assert (r.number, r.symbol, r.issued_date, r.year) == (None, "KH-UBND", None, 2023)
    assert {"number-blank", "date-blank"} <= set(codes(r))
    assert same(r.issuer, "Ủy ban nhân dân tỉnh Thanh Hóa")
    assert r.area.province and same(r.area.province, "Thanh Hóa")


# ---------------------------------------------------------------------------
# Issuer and area from the header block
# ---------------------------------------------------------------------------

ISSUERS = [
    # (id, header text (issuer block + number + date as printed), issuer, province, district, commune)
    ("province-committee", "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\n\nSố: 22/KH-UBND\n\nQuảng Ngãi, ngày 05 tháng 3 năm 2024",
     "Ủy ban nhân dân tỉnh Quảng Ngãi", "Quảng Ngãi", None, None),
    ("committee-one-line", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI\n\nSố: 22/KH-UBND\n\nQuảng Ngãi, ngày 05 tháng 3 năm 2024",
     "Ủy ban nhân dân tỉnh Quảng Ngãi", "Quảng Ngãi", None, None),
    ("department-of-city", "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HỒ CHÍ MINH\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\n\nSố: 3020/KH-SGDĐT\n\n"
     "Thành phố Hồ Chí Minh, ngày 20 tháng 9 năm 2023",
     "Sở Giáo dục và Đào tạo thành phố Hồ Chí Minh", "Hồ Chí Minh", None, None),
    ("department-abbreviated-parent", "UBND TỈNH QUẢNG NGÃI\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\n\nSố: 815/KH-SGDĐT\n\n"
     "Quảng Ngãi, ngày 05 tháng 3 năm 2024",
     "Sở Giáo dục và Đào tạo tỉnh Quảng Ngãi", "Quảng Ngãi", None, None),
    ("steering-board", "UBND QUẬN LONG BIÊN\nBAN CHỈ ĐẠO XÂY DỰNG XHHT\n\nSố: 22 /KH-BCĐ\n\nLong Biên, ngày 22 tháng 9 năm 2023",
     "Ban Chỉ đạo xây dựng xã hội học tập quận Long Biên", "Hà Nội", "Long Biên", None),
    ("district-committee", "ỦY BAN NHÂN DÂN\nHUYỆN ĐẠI TỪ\n\nSố: 120/KH-UBND\n\nĐại Từ, ngày 22 tháng 9 năm 2023",
     "Ủy ban nhân dân huyện Đại Từ", "Thái Nguyên", "Đại Từ", None),
    ("commune-committee", "ỦY BAN NHÂN DÂN\nXÃ HÀ THƯỢNG\n\nSố: 35/KH-UBND\n\nHà Thượng, ngày 05 tháng 10 năm 2022",
     "Ủy ban nhân dân xã Hà Thượng", "Thái Nguyên", "Đại Từ", "Hà Thượng"),
    ("numbered-district", "ỦY BAN NHÂN DÂN\nQUẬN 12\n\nSố: 6040/KH-UBND-GDĐT\n\nQuận 12, ngày 27 tháng 9 năm 2021",
     "Ủy ban nhân dân Quận 12", "Hồ Chí Minh", "Quận 12", None),
    ("ministry", "BỘ GIÁO DỤC VÀ ĐÀO TẠO\n\nSố: 4864/KH-BGDĐT\n\nHà Nội, ngày 08 tháng 9 năm 2023",
     "Bộ Giáo dục và Đào tạo", None, None, None),
    ("bold-markdown", "**ỦY BAN NHÂN DÂN**\n**TỈNH QUẢNG NGÃI**\n\nSố: 22/KH-UBND\n\n*Quảng Ngãi, ngày 05 tháng 3 năm 2024*",
     "Ủy ban nhân dân tỉnh Quảng Ngãi", "Quảng Ngãi", None, None),
    ("rules-under-header-cells", "ỦY BAN NHÂN DÂN\nTỈNH BÌNH ĐỊNH\n-------\n\nSố: 22/KH-UBND\n\nBình Định, ngày 05 tháng 3 năm 2024",
     "Ủy ban nhân dân tỉnh Bình Định", "Bình Định", None, None),
    ("rule-on-the-same-line", "ỦY BAN NHÂN DÂN\nTỈNH BÌNH ĐỊNH -------\n\nSố: 22/KH-UBND\n\nBình Định, ngày 05 tháng 3 năm 2024",
     "Ủy ban nhân dân tỉnh Bình Định", "Bình Định", None, None),
    ("ocr-tone-on-unit-word", "UỶ BAN NHÂN DÂN\nTĨNH QUẢNG NGÃI\n\nSố: 22/KH-UBND\n\nQuảng Ngãi, ngày 05 tháng 3 năm 2024",
     "Ủy ban nhân dân tỉnh Quảng Ngãi", "Quảng Ngãi", None, None),
    ("district-office", "UBND HUYỆN ĐẠI TỪ\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO\n\nSố: 747/KH-PGDĐT\n\nĐại Từ, ngày 03 tháng 10 năm 2022",
     "Phòng Giáo dục và Đào tạo huyện Đại Từ", "Thái Nguyên", "Đại Từ", None),
    pytest.param("ĐẢNG BỘ TỈNH QUẢNG NGÃI\nHUYỆN ỦY BA TƠ\n*\nSố 12-KH/HU\n\nĐẢNG CỘNG SẢN VIỆT NAM\n\nBa Tơ, ngày 05 tháng 3 năm 2024",
                 "Huyện ủy Ba Tơ", "Quảng Ngãi", "Ba Tơ", None, id="party-district-committee"),
    ("pipe-table", "| ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n|---|---|\n"
     "| TỈNH QUẢNG NGÃI | Độc lập - Tự do - Hạnh phúc |\n| Số: 22/KH-UBND | Quảng Ngãi, ngày 05 tháng 3 năm 2024 |",
     "Ủy ban nhân dân tỉnh Quảng Ngãi", "Quảng Ngãi", None, None),
    ("columns-merged-by-ocr", "UỶ BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH QUẢNG NGÃI Độc lập - Tự do - Hạnh phúc\n"
     "Số: 22/KH-UBND Quảng Ngãi, ngày 05 tháng 3 năm 2024",
     "Ủy ban nhân dân tỉnh Quảng Ngãi", "Quảng Ngãi", None, None),
    ("pdftotext-layout", "ỦY BAN NHÂN DÂN                           CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
     "  TỈNH QUẢNG NGÃI                               Độc lập - Tự do - Hạnh phúc\n\n"
     "   Số: 22/KH-UBND                      Quảng Ngãi, ngày 05 tháng 3 năm 2024",
     "Ủy ban nhân dân tỉnh Quảng Ngãi", "Quảng Ngãi", None, None),
]


@pytest.mark.parametrize("header,issuer,province,district,commune",
                         [c if hasattr(c, "id") else pytest.param(*c[1:], id=c[0]) for c in ISSUERS])
def test_issuer_and_area_from_header(header: str, issuer: str, province: str | None, district: str | None,
                                     commune: str | None) -> None:
    year = int(re.search(r"năm (\d{4})", header).group(1))
    r = extract(header + "\n\n" + TITLE.format(year=year) + BODY)
    assert same(r.issuer, issuer), r.issuer
    assert same(r.area.province, province), r.area
    assert same(r.area.district, district), r.area
    assert same(r.area.commune, commune), r.area
    assert r.issuer == unicodedata.normalize("NFC", r.issuer)
    assert not re.search(r"\bUBND\b|\bXHHT\b|\bBCĐ\b|\*", r.issuer)


def test_header_values_together_for_a_steering_board() -> None:
    """Corpus plan 000's header: a board issuing in its own name keeps its own series."""
    r = extract("UBND QUẬN LONG BIÊN\nBAN CHỈ ĐẠO XÂY DỰNG XHHT\n\nSố: 22 /KH-BCĐ\n\nLong Biên, ngày 22 tháng 9 năm 2023\n\n"
                "**KẾ HOẠCH**  \n**Tổ chức “Tuần lễ hưởng ứng học tập suốt đời” năm 2023**\n" + BODY)
    assert (r.doc_type, r.number, r.symbol, r.place, str(r.issued_date), r.year) == ("KH", "22", "KH-BCĐ", "Long Biên", "2023-09-22", 2023)
    assert r.title == "Tổ chức “Tuần lễ hưởng ứng học tập suốt đời” năm 2023"


# ---------------------------------------------------------------------------
# Issuer and area from the preamble sentence when there is no header
# ---------------------------------------------------------------------------

PREAMBLES = [
    # (id, preamble, year, issuer, province, district, commune)
    ("commune-sentence",
     "Thực hiện Công văn số 747/CV-PGDĐT-GDTX ngày 03/10/2022 của Phòng Giáo dục và Đào tạo huyện Đại Từ về việc tổ chức "
     "Tuần lễ hưởng ứng học tập suốt đời năm 2022;\n\nỦy ban nhân dân xã Hà Thượng xây dựng kế hoạch triển khai tổ chức Tuần "
     "lễ hưởng ứng học tập suốt đời năm 2022 như sau:",
     2022, "Ủy ban nhân dân xã Hà Thượng", "Thái Nguyên", "Đại Từ", "Hà Thượng"),
    ("board-after-basis-comma",
     "Căn cứ Công văn số 4864/BGDĐT-GDĐT ngày 08/9/2023 của Bộ Giáo dục và Đào tạo về việc tổ chức Tuần lễ hưởng ứng học "
     "tập suốt đời năm 2023, Ban Chỉ đạo xây dựng xã hội học tập quận Long Biên xây dựng kế hoạch tổ chức Tuần lễ với các nội "
     "dung sau:",
     2023, "Ban Chỉ đạo xây dựng xã hội học tập quận Long Biên", "Hà Nội", "Long Biên", None),
    ("abbreviated-committee",
     "Thực hiện Công văn số 4864/BGDĐT-GDTrX, ngày 08/9/2023 của Bộ Giáo dục và Đào tạo về việc tổ chức Tuần lễ hưởng ứng "
     "học tập suốt đời năm 2023, UBND huyện Đại Từ ban hành Kế hoạch tổ chức Tuần lễ trên địa bàn huyện như sau:",
     2023, "Ủy ban nhân dân huyện Đại Từ", "Thái Nguyên", "Đại Từ", None),
]


@pytest.mark.parametrize("preamble,year,issuer,province,district,commune", [pytest.param(*c[1:], id=c[0]) for c in PREAMBLES])
def test_issuer_and_area_from_preamble_sentence(preamble: str, year: int, issuer: str, province: str,
                                                district: str | None, commune: str | None) -> None:
    body = BODY.split("\nI. MỤC ĐÍCH", 1)[1]
    r = extract(TITLE.format(year=year) + "\n" + preamble + "\n\nI. MỤC ĐÍCH" + body)
    assert same(r.issuer, issuer), r.issuer
    assert (same(r.area.province, province), same(r.area.district, district), same(r.area.commune, commune)) == (True, True, True), r.area
    assert (r.number, r.symbol, r.place, r.issued_date) == (None, None, None, None)
    assert r.year == year
    assert r.doc_type == "KH"


# ---------------------------------------------------------------------------
# Type of document
# ---------------------------------------------------------------------------

TYPES = [
    # (id, number line, type word + trích yếu, code)
    ("ke-hoach", "Số: 22/KH-UBND", "KẾ HOẠCH\nTổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2024\n", "KH"),
    ("ke-hoach-bold-heading", "Số: 22/KH-UBND", "## **KẾ HOẠCH**\n\n### Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2024\n", "KH"),
    ("ke-hoach-one-line", "Số: 22/KH-UBND", "KẾ HOẠCH TỔ CHỨC TUẦN LỄ HƯỞNG ỨNG HỌC TẬP SUỐT ĐỜI NĂM 2024\n", "KH"),
    ("quyet-dinh", "Số: 22/QĐ-UBND", "QUYẾT ĐỊNH\nVề việc ban hành Kế hoạch tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2024\n\n"
     "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI\n", "QĐ"),
    ("chi-thi", "Số: 05/CT-UBND", "CHỈ THỊ\nVề tăng cường công tác xây dựng xã hội học tập\n", "CT"),
    ("thong-bao", "Số: 30/TB-UBND", "THÔNG BÁO\nKết luận của Chủ tịch Ủy ban nhân dân tỉnh tại cuộc họp\n", "TB"),
    ("chuong-trinh", "Số: 05/CTr-UBND", "CHƯƠNG TRÌNH\nHành động thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị\n", "CTr"),
    ("huong-dan", "Số: 12/HD-SGDĐT", "HƯỚNG DẪN\nTổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2024\n", "HD"),
    ("phuong-an", "Số: 12/PA-UBND", "PHƯƠNG ÁN\nTổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2024\n", "PA"),
]


@pytest.mark.parametrize("number_line,title,code", [pytest.param(*c[1:], id=c[0]) for c in TYPES])
def test_doc_type_from_type_word(number_line: str, title: str, code: str) -> None:
    r = extract(doc(number_line=number_line, title=title))
    assert r.doc_type == code
    if code == "KH":
        assert "not-a-plan" not in codes(r)
        assert r.title and "KẾ HOẠCH" not in r.title and "#" not in r.title
    else:
        assert "not-a-plan" in codes(r)


def test_letter_with_v_v_is_a_cong_van() -> None:
    text = ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\n\nSố: 522/UBND-VX\nV/v tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2024\n\n"
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nQuảng Ngãi, ngày 05 tháng 3 năm 2024\n\n"
            "Kính gửi:\n- Sở Giáo dục và Đào tạo;\n- Ủy ban nhân dân các huyện, thị xã, thành phố.\n" + BODY)
    r = extract(text)
    assert (r.doc_type, r.number, r.symbol) == ("CV", "522", "UBND-VX")
    assert r.title and "tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2024" in r.title
    assert same(r.issuer, "Ủy ban nhân dân tỉnh Quảng Ngãi")


# ---------------------------------------------------------------------------
# The number where the plan cites itself in an annex
# ---------------------------------------------------------------------------

PLAN_NO_HEADER = """KẾ HOẠCH
Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2025

Thực hiện Quyết định số 3929/QĐ-UBND ngày 01/10/2025 của Ủy ban nhân dân thành phố Hải Phòng ban hành Kế hoạch tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2025; Ủy ban nhân dân xã xây dựng kế hoạch tổ chức Tuần lễ trên địa bàn xã, cụ thể như sau:

I. TỔ CHỨC THỰC HIỆN

1. Phòng Văn hóa - Xã hội

- Là cơ quan thường trực, tham mưu Ủy ban nhân dân xã tổ chức Tuần lễ.

Nơi nhận:
- Các cơ sở giáo dục;
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Nguyễn Thị Hồng Vân

ĐỀ CƯƠNG BÁO CÁO

Kết quả tổ chức thực hiện Tuần lễ hưởng ứng học tập suốt đời năm 2025

{annex}

I. Công tác chỉ đạo, triển khai
"""

SELF = [
    ("kem-theo", "(Kèm theo Kế hoạch số 83/KH-UBND ngày 01/10/2025 của Ủy ban nhân dân xã)", "83", "KH-UBND", "2025-10-01"),
    ("kem-theo-colon-wrapped", "(Kèm theo Kế hoạch số: 83/KH-UBND ngày 01/10/2025\n\ncủa Ủy ban nhân dân xã)", "83", "KH-UBND", "2025-10-01"),
    ("ban-hanh-kem", "*(Ban hành kèm Kế hoạch số 83/KH-UBND ngày 01 tháng 10 năm 2025 của Ủy ban nhân dân xã)*", "83", "KH-UBND", "2025-10-01"),
    ("another-document", "(Kèm theo Quyết định số 3929/QĐ-UBND ngày 01/10/2025 của Ủy ban nhân dân thành phố)", None, None, None),
]


@pytest.mark.parametrize("annex,number,symbol,issued", [pytest.param(*c[1:], id=c[0]) for c in SELF])
def test_number_from_annex_self_citation(annex: str, number: str | None, symbol: str | None, issued: str | None) -> None:
    r = extract(PLAN_NO_HEADER.format(annex=annex))
    assert (r.number, r.symbol) == (number, symbol)
    assert (r.issued_date.isoformat() if r.issued_date else None) == issued
    assert r.year == 2025
    assert not any(c.number == "83" for c in r.references)


def test_self_citation_fills_a_blank_header_number() -> None:
    text = doc(number_line="Số: /KH-UBND", date_line="Hải Phòng, ngày tháng 10 năm 2025",
               issuer="ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HẢI PHÒNG", year=2025)
    text += "\nPHỤ LỤC\n\n(Kèm theo Kế hoạch số 83/KH-UBND ngày 01/10/2025 của Ủy ban nhân dân thành phố Hải Phòng)\n\nI. Nội dung\n"
    r = extract(text)
    assert (r.number, r.symbol, str(r.issued_date), r.year) == ("83", "KH-UBND", "2025-10-01", 2025)


def test_header_number_wins_over_an_annex_citing_another_number() -> None:
    text = doc(number_line="Số: 22/KH-UBND") + "\nPHỤ LỤC\n\n(Kèm theo Kế hoạch số 83/KH-UBND ngày 01/10/2023 của Ủy ban nhân dân tỉnh)\n"
    r = extract(text)
    assert (r.number, r.symbol, str(r.issued_date)) == ("22", "KH-UBND", "2024-03-05")


def test_self_citation_with_another_symbol_is_not_the_plan() -> None:
    text = doc(number_line="Số: /KH-UBND") + "\nPHỤ LỤC\n\n(Kèm theo Kế hoạch số 83/KH-BCĐ ngày 01/10/2023 của Ban Chỉ đạo tỉnh)\n"
    r = extract(text)
    assert (r.number, r.symbol) == (None, "KH-UBND")
