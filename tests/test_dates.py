"""Tests of vnplan.dates: Vietnamese dates, ranges, clock times and their offsets."""
from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import pytest

from vnplan import dates as dates_mod
from vnplan.dates import DateMention, find_dates, find_doc_number_spans, parse_date
from vnplan.errors import DataFileError

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
D = date.fromisoformat


def only(text: str, **kw: object) -> DateMention:
    """The one mention in ``text``; fails when there are none or several."""
    found = find_dates(text, **kw)  # type: ignore[arg-type]
    assert len(found) == 1, found
    return found[0]


def check_offsets(text: str, found: list[DateMention]) -> None:
    for m in found:
        assert m.text == text[m.start:m.end]
    for a, b in zip(found, found[1:]):
        assert a.end <= b.start, (a, b)


# ---------------------------------------------------------------------------
# Single days
# ---------------------------------------------------------------------------

DAYS = [
    ("textual", "ngày 8 tháng 9 năm 2023", "2023-09-08"),
    ("textual-leading-zeros", "ngày 08 tháng 02 năm 2026", "2026-02-08"),
    ("slash", "08/9/2023", "2023-09-08"),
    ("dash", "8-9-2023", "2023-09-08"),
    ("dot", "8.9.2023", "2023-09-08"),
    ("wrapped-textual", "ngày 17\ntháng 11 năm 2025", "2025-11-17"),
    # corpus/dev/plans/d08.txt: the date line is split after the day, inside markdown italics.
    ("d08-split-header", "*Hà Nội, ngày 17\ntháng 11 năm 2025*", "2025-11-17"),
    ("capital-ngay", "Ngày 04/11/2025", "2025-11-04"),
    ("all-caps", "NGÀY 01 THÁNG 7 NĂM 2013", "2013-07-01"),
    ("wrapped-before-number", "trước\nngày 31/12/2025", "2025-12-31"),
    ("blank-line-inside", "ngày \n\n30/7/2021", "2021-07-30"),
    ("bold-inside", "trước ngày **17/10/2023**", "2023-10-17"),
    ("textual-no-ngay", "Luật Giáo dục 14\ntháng 6 năm 2019;", "2019-06-14"),
    ("textual-month-slash-year", "ngày 15 tháng 11/2025", "2025-11-15"),
    ("leap-day", "ngày 29/02/2024", "2024-02-29"),
]


@pytest.mark.parametrize("text,expected", [(t, e) for _, t, e in DAYS], ids=[i for i, _, _ in DAYS])
def test_day(text: str, expected: str) -> None:
    m = only(text)
    assert m.kind == "day"
    assert m.first == D(expected)
    assert m.last is None and m.time is None
    assert not m.year_inferred and not m.recurring
    check_offsets(text, [m])


def test_day_span_includes_ngay_and_exact_offsets() -> None:
    text = "Căn cứ Công văn ngày 08/9/2023 của Bộ"
    m = only(text)
    assert (m.start, m.end) == (text.index("ngày"), text.index(" của"))
    assert m.text == "ngày 08/9/2023"
    assert (m.day, m.month, m.year) == (8, 9, 2023)


# ---------------------------------------------------------------------------
# Blank dates
# ---------------------------------------------------------------------------

BLANKS = [
    ("month-and-year", "Bắc Cam Ranh, ngày    tháng 11 năm 2025", 11, 2025),
    ("year-only", "Thanh Hóa, ngày tháng năm 2023", None, 2023),
    ("wide-spaces", "Lào Cai, ngày       tháng      năm 2026", None, 2026),
    ("dotted-template", "….., ngày….. tháng….. năm……", None, None),
    ("dotted-ascii", "Hồi.... giờ ... ngày .... tháng .... năm ...", None, None),
    ("ocr-garbled-day", "Quảng Ngãi, ngày Ø3 tháng 4 năm 2018", 4, 2018),
    ("ocr-garbled-day-and-month", "Quảng Ngãi, ngày 2# thángØ? năm 2021", None, 2021),
    ("numeric-blank", "Hà Nội, ngày   /11/2025", 11, 2025),
]


@pytest.mark.parametrize(
    "text,month,year", [(t, mo, y) for _, t, mo, y in BLANKS], ids=[i for i, *_ in BLANKS]
)
def test_blank(text: str, month: int | None, year: int | None) -> None:
    m = only(text, default_year=2025)
    assert m.kind == "blank"
    assert m.first is None and m.last is None
    assert (m.month, m.year) == (month, year)
    assert m.text == m.text.rstrip()
    assert parse_date(text) is None


def test_prose_ngay_thang_nam_is_not_blank() -> None:
    assert find_dates("ghi rõ họ tên, ngày tháng năm sinh") == []


# ---------------------------------------------------------------------------
# Ranges
# ---------------------------------------------------------------------------

RANGES = [
    ("full-both", "từ ngày 02/10/2023 đến ngày 08/10/2023", None, "2023-10-02", "2023-10-08", False),
    ("compact-dash", "từ ngày 2-8/10/2017", None, "2017-10-02", "2017-10-08", False),
    ("spaced-dash-day-only", "từ ngày 02 - 08/10/2023", None, "2023-10-02", "2023-10-08", False),
    ("day-only-den", "từ ngày 1 đến ngày 7/10/2018", None, "2018-10-01", "2018-10-07", False),
    ("year-from-default", "từ ngày 15/11 đến ngày 15/12", 2025, "2025-11-15", "2025-12-15", True),
    ("year-wraps", "từ ngày 15/12 đến ngày 15/01", 2025, "2025-12-15", "2026-01-15", True),
    ("start-year-from-end-wraps", "từ ngày 20/12 đến ngày 05/01/2026", None, "2025-12-20", "2026-01-05", False),
    ("capital-tu-dash", "Từ ngày 05/02/2026 - 08/02/2026", None, "2026-02-05", "2026-02-08", False),
    ("no-ngay-dash", "từ 01/10 - 07/10/2021", None, "2021-10-01", "2021-10-07", False),
    ("full-both-2025", "từ ngày 01/10/2025 đến ngày 07/10/2025", None, "2025-10-01", "2025-10-07", False),
    ("bold-markers", "từ ngày **01/10/2021** đến ngày **07/10/2021**", None, "2021-10-01", "2021-10-07", False),
    ("wrapped", "Từ ngày\n15/11/2025 đến ngày 15/12/2025.", None, "2025-11-15", "2025-12-15", False),
    ("blank-lines", "từ ngày 06/10/2022 \n\nđến ngày 12/10/2022;", None, "2022-10-06", "2022-10-12", False),
    ("textual-ends", "từ ngày 15 tháng 11 đến ngày 15 tháng 12 năm 2025", None, "2025-11-15", "2025-12-15", False),
    ("toi", "từ ngày 03/02/2026 tới ngày 15/03/2026", None, "2026-02-03", "2026-03-15", False),
]


@pytest.mark.parametrize(
    "text,dy,first,last,inferred",
    [r[1:] for r in RANGES],
    ids=[r[0] for r in RANGES],
)
def test_day_range(text: str, dy: int | None, first: str, last: str, inferred: bool) -> None:
    m = only(text, default_year=dy)
    assert m.kind == "day_range"
    assert (m.first, m.last) == (D(first), D(last))
    assert m.year_inferred is inferred
    check_offsets(text, [m])


def test_range_inside_sentence_starts_at_tu() -> None:
    text = "Trong khoảng thời gian từ ngày 01/12/2025 đến ngày 14/12/2025."
    m = only(text)
    assert m.kind == "day_range" and (m.first, m.last) == (D("2025-12-01"), D("2025-12-14"))
    assert m.text == "từ ngày 01/12/2025 đến ngày 14/12/2025"


@pytest.mark.parametrize(
    "text,end_time",
    [
        ("từ ngày 17/12/2025 đến 17 giờ 00, ngày 01/02/2026", "17:00"),
        ("từ ngày 26/02/2026 đến 05 giờ 00 ngày 14/3/2026", "05:00"),
    ],
    ids=["end-time-comma", "end-time-no-comma"],
)
def test_range_with_clock_time_on_end(text: str, end_time: str) -> None:
    m = only(text)
    assert m.kind == "day_range"
    assert m.first is not None and m.last is not None and m.first < m.last
    assert m.end == len(text)
    assert m.time is None and m.end_time == end_time


def test_range_time_on_start() -> None:
    m = only("từ 7h30 ngày 01/10/2025 đến 17h ngày 05/10/2025")
    assert (m.first, m.last, m.time, m.end_time) == (D("2025-10-01"), D("2025-10-05"), "07:30", "17:00")


def test_yearless_range_without_default_year() -> None:
    m = only("từ ngày 15/11 đến ngày 15/12")
    assert m.kind == "day_range" and m.first is None and m.last is None
    assert (m.day, m.month) == (15, 11)


def test_backwards_range_falls_back_to_days() -> None:
    found = find_dates("từ ngày 08/10/2023 đến ngày 02/10/2023")
    assert [m.kind for m in found] == ["day", "day"]
    assert [m.first for m in found] == [D("2023-10-08"), D("2023-10-02")]


def test_bullet_dash_after_line_break_is_not_a_range() -> None:
    text = "trước ngày 12/10/2023\n- 15/10/2023: tổng kết"
    found = find_dates(text)
    assert [m.kind for m in found] == ["day", "day"]


def test_fractions_are_not_ranges() -> None:
    assert find_dates("tỷ lệ từ 1/3 đến 1/2 số hộ", default_year=2025) == []


# ---------------------------------------------------------------------------
# Months and quarters
# ---------------------------------------------------------------------------

MONTHS = [
    ("slash", "tháng 6/2025", "2025-06-01", "2025-06-30"),
    ("textual", "tháng 6 năm 2025", "2025-06-01", "2025-06-30"),
    ("february-leap", "trong tháng 02 năm 2024", "2024-02-01", "2024-02-29"),
]


@pytest.mark.parametrize("text,first,last", [r[1:] for r in MONTHS], ids=[r[0] for r in MONTHS])
def test_month(text: str, first: str, last: str) -> None:
    m = only(text)
    assert m.kind == "month"
    assert (m.first, m.last) == (D(first), D(last))
    assert not m.year_inferred


def test_bare_month_takes_default_year() -> None:
    m = only("Xong trong tháng 5", default_year=2026)
    assert m.kind == "month" and m.first == D("2026-05-01") and m.year_inferred
    m = only("Xong trong tháng 5")
    assert m.kind == "month" and m.first is None and m.month == 5


MONTH_RANGES = [
    ("slash-both", "từ tháng 10/2020 đến tháng 12/2020", None, "2020-10-01", "2020-12-31"),
    ("year-on-end", "từ tháng 10 đến tháng 12 năm 2020", None, "2020-10-01", "2020-12-31"),
    ("across-year", "từ tháng 11/2025 đến tháng 02/2026", None, "2025-11-01", "2026-02-28"),
    ("default-year", "từ tháng 3 đến tháng 5", 2024, "2024-03-01", "2024-05-31"),
]


@pytest.mark.parametrize(
    "text,dy,first,last", [r[1:] for r in MONTH_RANGES], ids=[r[0] for r in MONTH_RANGES]
)
def test_month_range(text: str, dy: int | None, first: str, last: str) -> None:
    m = only(text, default_year=dy)
    assert m.kind == "month_range"
    assert (m.first, m.last) == (D(first), D(last))


def test_quarter_is_not_a_month() -> None:
    assert find_dates("Xong trong Quý IV/2025") == []
    assert find_dates("xong trong quý II năm 2026") == []


def test_quarter_on_request() -> None:
    m = only("Xong trong Quý IV/2025", include_quarters=True)
    assert m.kind == "quarter" and (m.first, m.last) == (D("2025-10-01"), D("2025-12-31"))
    m = only("quý 2 năm 2026", include_quarters=True)
    assert (m.first, m.last) == (D("2026-04-01"), D("2026-06-30"))


def test_duration_is_not_a_month() -> None:
    assert find_dates("định kỳ 06 tháng 1 lần", default_year=2025) == []
    assert find_dates("Đúng 14 tháng trước", default_year=2025) == []


# ---------------------------------------------------------------------------
# Clock times
# ---------------------------------------------------------------------------

TIMES = [
    ("h-minutes", "Lễ khai mạc: 7h00 ngày 06/10/2022 (thứ 5)", "2022-10-06", "07:00"),
    ("luc-gio-comma-weekday", "Lúc 8 giờ, ngày 01/10/2021 (*thứ Sáu*).", "2021-10-01", "08:00"),
    ("gio-no-ngay", "Thời gian: 15 giờ 12/10/2022.", "2022-10-12", "15:00"),
    ("gio-00-textual", "vào 10 giờ 00, ngày 26 tháng 9 năm 2025 và", "2025-09-26", "10:00"),
    ("gio-30-textual", "6 giờ 30, ngày 01 tháng 10 năm 2025.", "2025-10-01", "06:30"),
    ("bare-h", "Tổ chức 7h ngày 06/10/2022,", "2022-10-06", "07:00"),
    ("after-date-luc", "ngày 06/10/2022, lúc 14 giờ 30", "2022-10-06", "14:30"),
    ("apostrophe-minutes", "8h30' ngày 05/10/2022", "2022-10-05", "08:30"),
    ("phut", "7 giờ 45 phút ngày 05/10/2022", "2022-10-05", "07:45"),
    ("chieu", "2 giờ chiều ngày 05/10/2022", "2022-10-05", "14:00"),
    ("colon", "lúc 14:30 ngày 05/10/2022", "2022-10-05", "14:30"),
    ("weekday-between", "Lúc 8 giờ, thứ Sáu, ngày 01/10/2021", "2021-10-01", "08:00"),
    ("weekday-before-luc", "ngày 06/10/2022 (thứ 5), lúc 7h00", "2022-10-06", "07:00"),
    ("compact-g", "8g30 ngày 05/10/2022", "2022-10-05", "08:30"),
]


@pytest.mark.parametrize("text,day,clock", [r[1:] for r in TIMES], ids=[r[0] for r in TIMES])
def test_clock_time(text: str, day: str, clock: str) -> None:
    m = only(text)
    assert m.kind == "day"
    assert m.first == D(day)
    assert m.time == clock
    check_offsets(text, [m])


def test_time_span_on_one_day() -> None:
    m = only("từ 7h30 đến 11h00 ngày 06/10/2022")
    assert (m.kind, m.first, m.time, m.end_time) == ("day", D("2022-10-06"), "07:30", "11:00")


@pytest.mark.parametrize(
    "text",
    ["Hội nghị bắt đầu lúc 8h30.", "kết thúc 17 giờ 00", "vào lúc 14:30", "diện tích 7ha"],
    ids=["h", "gio", "colon", "hectares"],
)
def test_time_without_date_is_not_a_date(text: str) -> None:
    assert find_dates(text, default_year=2025) == []


def test_impossible_time_leaves_the_date() -> None:
    m = only("25 giờ ngày 06/10/2022")
    assert m.first == D("2022-10-06") and m.time is None
    assert m.text == "ngày 06/10/2022"


# ---------------------------------------------------------------------------
# Year-less and recurring
# ---------------------------------------------------------------------------


def test_yearless_with_default_year() -> None:
    m = only("hưởng ứng Ngày Quốc tế (ngày 25/11).", default_year=2025)
    assert m.first == D("2025-11-25") and m.year_inferred and not m.recurring


def test_yearless_without_default_year() -> None:
    m = only("hưởng ứng Ngày Quốc tế (ngày 25/11).")
    assert m.kind == "day" and m.first is None
    assert (m.day, m.month, m.year) == (25, 11, None)


def test_yearless_needs_ngay() -> None:
    assert find_dates("đạt 15/11 chỉ tiêu", default_year=2025) == []


RECURRING = [
    ("hang-nam-after-numeric", "trước ngày 15/11 hằng năm", 2025, "2025-11-15", 15),
    ("hang-nam-after-textual", "hạn cuối ngày 15 tháng 12 hàng năm", 2025, "2025-12-15", 15),
    ("day-only-hang-thang", "trước ngày 20 hằng tháng lên phần mềm", 2025, None, 20),
    ("day-only-cuoi-quy", "(trước ngày 20 tháng cuối quý)", 2014, None, 20),
    ("dinh-ky-before", "định kỳ hàng năm (trước ngày 10/12) hoặc đột xuất", 2026, "2026-12-10", 10),
]


@pytest.mark.parametrize(
    "text,dy,first,day", [r[1:] for r in RECURRING], ids=[r[0] for r in RECURRING]
)
def test_recurring(text: str, dy: int, first: str | None, day: int) -> None:
    m = only(text, default_year=dy)
    assert m.kind == "day" and m.recurring
    assert m.first == (D(first) if first else None)
    assert m.day == day


def test_not_recurring_when_word_is_far() -> None:
    text = "Hàng năm, các đơn vị tổ chức kiểm tra và báo cáo kết quả trước ngày 10/12/2025."
    m = only(text)
    assert not m.recurring


# ---------------------------------------------------------------------------
# Not dates
# ---------------------------------------------------------------------------

NOT_DATES = [
    ("cv-symbol", "4864/BGDĐT-GDĐT"),
    ("cv-three-part-symbol", "Công văn số 3442/SGDĐT-GDĐT-ĐH"),
    ("nd-number-year", "30/2020/NĐ-CP"),
    ("tt-number-year", "01/2011/TT-BNV"),
    ("party-style", "13-KH/TU"),
    ("kh-number", "Kế hoạch số 83/KH-UBND"),
    ("qd-number", "Quyết định số 1373/QĐ-TTg"),
    ("header-number-space", "Số: 22 /KH-BCĐ"),
    ("law-number", "Luật số 85/2015/QH13"),
    ("resolution-number", "Nghị quyết số 101/2025/UBTVQH15"),
    ("party-directive", "Chỉ thị số 11-CT/TU"),
    ("standard", "TCVN 14423:2025"),
    ("period-years", "giai đoạn 2021-2025"),
    ("years-en-dash", "2026 – 2031"),
    ("years-plain", "2023-2030"),
    ("thousands", "2.000"),
    ("money", "12.500.000 đồng"),
    ("phone", "0243.8256.xxx"),
    ("aqi", "VN_AQI ≥ 301"),
    ("congress", "lần thứ XIII"),
    ("count-schools", "03 nhà trường"),
    ("count-wards", "11 phường"),
    ("articles", "Điều 22, 24, 25"),
    ("section", "mục 2, phần II"),
    ("ocr-impossible", "Chỉ thị số 04/CT-UBND ngày 42/02/2018 của"),
    ("impossible-month", "ngày 12/13/2023"),
    ("year-too-old", "ngày 01/01/1900"),
    ("year-too-late", "ngày 01/01/2101"),
    ("two-digit-year", "04/4/18"),
    ("ratio", "dưới 4/100.000 trẻ"),
    ("nam-only", "Hoàn thành trong năm 2025"),
    ("duration-days", "95 ngày trước bầu cử"),
    ("open-range", "Từ ngày thành lập Uỷ ban bầu cử đến ngày kết thúc"),
]


@pytest.mark.parametrize("text", [t for _, t in NOT_DATES], ids=[i for i, _ in NOT_DATES])
def test_not_a_date(text: str) -> None:
    assert [m for m in find_dates(text, default_year=2025) if m.first is not None] == []
    assert [m for m in find_dates(text) if m.kind != "blank"] == []
    assert parse_date(text) is None


def test_blank_header_is_never_a_real_date() -> None:
    m = only("ngày tháng năm 2023", default_year=2023)
    assert m.kind == "blank" and m.first is None


AFTER_NUMBERS = [
    ("cv-comma", "Công văn số 4864/BGDĐT-GDTrX, ngày 08/9/2023", "2023-09-08"),
    ("kh-space", "Kế hoạch số 50/KH-UBND ngày 02/3/2022", "2022-03-02"),
    ("law-comma", "số 85/2015/QH13, ngày 25/6/2015", "2015-06-25"),
    ("nq-spaced-hyphen", "Nghị quyết số 17/NQ- CP ngày 07/3/2019", "2019-03-07"),
    ("party-number", "Chỉ thị số 11-CT/TU ngày 04/01/2026", "2026-01-04"),
    ("wrapped-ngay", "Nghị quyết số 35-NQ/TU ngày\n29/12/2025 của", "2025-12-29"),
]


@pytest.mark.parametrize("text,expected", [r[1:] for r in AFTER_NUMBERS], ids=[r[0] for r in AFTER_NUMBERS])
def test_date_after_document_number(text: str, expected: str) -> None:
    m = only(text)
    assert m.first == D(expected)
    spans = find_doc_number_spans(text)
    assert len(spans) == 1 and spans[0][1] <= m.start


DOC_NUMBERS = [
    ("cv", "Công văn số 4864/BGDĐT-GDĐT ngày", "4864/BGDĐT-GDĐT"),
    ("three-part", "số 3442/SGDĐT-GDĐT-ĐH,", "3442/SGDĐT-GDĐT-ĐH"),
    ("year-in-number", "Nghị định 30/2020/NĐ-CP của", "30/2020/NĐ-CP"),
    ("party", "Kế hoạch 13-KH/TU của", "13-KH/TU"),
    ("spaced", "Số: 22 /KH-BCĐ", "22 /KH-BCĐ"),
    ("ampersand", "Công văn số 4236/SXD-QLN&CS ngày", "4236/SXD-QLN&CS"),
    ("long", "số 102/2025/NQLT-UBTVQH15-CP-ĐCTUBTWMTTQVN ngày", "102/2025/NQLT-UBTVQH15-CP-ĐCTUBTWMTTQVN"),
    ("standard", "tiêu chuẩn TCVN 14423:2025 về", "TCVN 14423:2025"),
    ("mixed-case", "Quyết định số 866/QĐ-Tg ngày", "866/QĐ-Tg"),
]


@pytest.mark.parametrize("text,span", [r[1:] for r in DOC_NUMBERS], ids=[r[0] for r in DOC_NUMBERS])
def test_find_doc_number_spans(text: str, span: str) -> None:
    assert [text[s:e] for s, e in find_doc_number_spans(text)] == [span]


# ---------------------------------------------------------------------------
# Masks, ordering, parse_date
# ---------------------------------------------------------------------------


def test_masks_forbid_overlapping_mentions() -> None:
    text = "ngày 02/10/2023 và ngày 08/10/2023"
    assert len(find_dates(text)) == 2
    second = text.index("08/10")
    found = find_dates(text, masks=[(second, second + 2)])
    assert [m.first for m in found] == [D("2023-10-02")]


def test_mask_on_range_keeps_the_free_day() -> None:
    text = "từ ngày 02/10/2023 đến ngày 08/10/2023"
    cut = text.index("08/10")
    found = find_dates(text, masks=[(cut, cut + 1)])
    assert [(m.kind, m.first) for m in found] == [("day", D("2023-10-02"))]


def test_mentions_sorted_and_disjoint_on_mixed_text() -> None:
    text = (
        "Căn cứ Công văn số 4864/BGDĐT-GDĐT ngày 08/9/2023; Tuần lễ từ ngày 02/10/2023 đến "
        "ngày 08/10/2023, khai mạc 7h00 ngày 02/10/2023; báo cáo trước ngày 12/10/2023 và "
        "hằng tháng trước ngày 20 hằng tháng; tháng 6/2025; Hà Nội, ngày    tháng 11 năm 2025"
    )
    found = find_dates(text, default_year=2023)
    check_offsets(text, found)
    assert [m.kind for m in found] == ["day", "day_range", "day", "day", "day", "month", "blank"]


PARSE = [
    ("slash", "08/9/2023", None, "2023-09-08"),
    ("textual", "ngày 8 tháng 9 năm 2023", None, "2023-09-08"),
    ("capital", " Ngày 04/11/2025. ", None, "2025-11-04"),
    ("bold", "**17/10/2023**", None, "2023-10-17"),
    ("with-time", "7h00 ngày 06/10/2022", None, "2022-10-06"),
    ("yearless-default", "ngày 25/11", 2025, "2025-11-25"),
]


@pytest.mark.parametrize("s,dy,expected", [r[1:] for r in PARSE], ids=[r[0] for r in PARSE])
def test_parse_date(s: str, dy: int | None, expected: str) -> None:
    assert parse_date(s, default_year=dy) == D(expected)


@pytest.mark.parametrize(
    "s",
    ["", "ngày 25/11", "tháng 6/2025", "từ ngày 02/10/2023 đến ngày 08/10/2023", "42/02/2018",
     "ngày 08/9/2023 và ngày 09/9/2023", "Công văn ngày 08/9/2023", "ngày tháng năm 2023"],
    ids=["empty", "yearless-no-default", "month", "range", "impossible", "two-dates", "extra-words", "blank"],
)
def test_parse_date_refuses(s: str) -> None:
    assert parse_date(s) is None


def test_default_year_out_of_range() -> None:
    with pytest.raises(ValueError):
        find_dates("ngày 25/11", default_year=1800)


# ---------------------------------------------------------------------------
# Language data
# ---------------------------------------------------------------------------


def test_data_file_drives_the_patterns() -> None:
    lex = dates_mod._LEX
    assert "hằng năm" in lex.recurring and "ngày" in lex.day_words
    assert (lex.year_min, lex.year_max) == (1945, 2100)


def test_malformed_data_file_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "dates.yaml"
    bad.write_text("day_words: [ngày]\n", encoding="utf-8")
    with pytest.raises(DataFileError):
        dates_mod._load_lexicon(bad)
    bad.write_text("- not a mapping\n", encoding="utf-8")
    with pytest.raises(DataFileError):
        dates_mod._load_lexicon(bad)


def _unbounded_repeats(pattern: "re.Pattern[str]") -> list[str]:  # noqa: F821
    try:
        import re._constants as sc  # Python 3.11+
        import re._parser as sp
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_constants as sc  # type: ignore[no-redef]
        import sre_parse as sp  # type: ignore[no-redef]
    found: list[str] = []
    repeat_ops = {sc.MAX_REPEAT, sc.MIN_REPEAT} | ({sc.POSSESSIVE_REPEAT} if hasattr(sc, "POSSESSIVE_REPEAT") else set())

    def walk(sub: object) -> None:
        for op, av in sub:  # type: ignore[attr-defined]
            if op in repeat_ops:
                if av[1] == sc.MAXREPEAT:
                    found.append(str(av[2])[:60])
                walk(av[2])
            elif op is sc.SUBPATTERN:
                walk(av[-1])
            elif op is sc.BRANCH:
                for b in av[1]:
                    walk(b)
            elif op in (sc.ASSERT, sc.ASSERT_NOT):
                walk(av[1])
            elif hasattr(sc, "ATOMIC_GROUP") and op is sc.ATOMIC_GROUP:
                walk(av)

    walk(sp.parse(pattern.pattern, pattern.flags))
    return found


def test_patterns_have_only_bounded_repeats() -> None:
    import re

    patterns = [v for v in vars(dates_mod).values() if isinstance(v, re.Pattern)]
    assert len(patterns) >= 8
    for p in patterns:
        assert _unbounded_repeats(p) == [], p.pattern[:80]


# ---------------------------------------------------------------------------
# Speed
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fragment",
    ["ngày ", "từ ngày 1", "từ ngày 1 ", "7h ", "ngày … tháng … năm ", "từ ngày 01/10 - ", "1/1/"],
    ids=["ngay", "tu-ngay-1", "tu-ngay-1-space", "7h", "blank", "range-dash", "slashes"],
)
def test_linear_time_on_adversarial_megabyte(fragment: str) -> None:
    text = (fragment * (1_000_000 // len(fragment) + 1))[:1_000_000]
    t0 = time.perf_counter()
    find_dates(text, default_year=2025)
    assert time.perf_counter() - t0 < 5.0


# ---------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------

CORPUS_TEXTS = sorted((CORPUS / "plans").glob("*.txt")) + sorted((CORPUS / "dev" / "plans").glob("*.txt"))


def _gold_for(txt: Path) -> Path:
    return txt.parent.parent / "gold" / (txt.stem + ".json")


@pytest.mark.skipif(not CORPUS_TEXTS, reason="corpus not present")
def test_every_corpus_text_runs() -> None:
    for path in CORPUS_TEXTS:
        text = path.read_text(encoding="utf-8")
        for dy in (None, 2025):
            found = find_dates(text, default_year=dy)
            check_offsets(text, found)
            spans = find_doc_number_spans(text)
            for m in found:
                assert not any(s < m.end and m.start < e for s, e in spans), (path.name, m)


# Files whose gold dates are all printed legibly (the scans d12–d14 have
# OCR-damaged header dates, and their gold was read from the images).
RECALL_FILES = [
    "plans/000_50f9c68472bcef57.txt",
    "plans/001_824a9cb45f8fa54a.txt",
    "plans/002_aa2e28f41dc8681f.txt",
    "plans/004_ae2414051edf08b0.txt",
    "dev/plans/d01.txt",
    "dev/plans/d02.txt",
    "dev/plans/d03.txt",
    "dev/plans/d04.txt",
    "dev/plans/d06.txt",
    "dev/plans/d07.txt",
    "dev/plans/d10.txt",
    "dev/plans/d15.txt",
    "dev/plans/d16.txt",
]


@pytest.mark.parametrize("rel", RECALL_FILES, ids=[Path(r).stem for r in RECALL_FILES])
def test_gold_dates_are_found(rel: str) -> None:
    txt = CORPUS / rel
    gold_path = _gold_for(txt)
    if not txt.exists() or not gold_path.exists():
        pytest.skip("corpus file missing")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    found = find_dates(txt.read_text(encoding="utf-8"), default_year=gold["year"])
    days = {m.first for m in found if m.kind == "day"}
    days |= {d for m in found if m.kind == "day_range" for d in (m.first, m.last)}
    ranges = {(m.first, m.last) for m in found if m.kind == "day_range"}
    timed = {(m.first, m.time) for m in found if m.time}
    for p in gold["periods"]:
        assert (D(p["start"]), D(p["end"])) in ranges, p
    for d in gold["deadlines"]:
        assert D(d["date"]) in days, d
    for e in gold["events"]:
        assert D(e["date"]) in days, e
        if e["time"]:
            assert (D(e["date"]), e["time"]) in timed, e
    for b in gold["legal_bases"]:
        if b["date"]:
            assert D(b["date"]) in days, b
    if gold["issued_date"]:
        assert D(gold["issued_date"]) in days
