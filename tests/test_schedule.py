"""Tests of the schedule keys (periods, events, deadlines) through ``vnplan.extract_text``.

Each case is a small plan of a given year whose body holds the phrasing under
test; the expected dates are read off the phrase (a date without a year takes
the plan's year, RECORD.md). Dates of cited documents, recurring deadlines and
deadlines that are not a day are never listed.
"""
from __future__ import annotations

import pytest

import vnplan
from vnplan.models import PlanRecord


def plan(body: str, year: int = 2023, date_line: str | None = None, annex: str = "") -> str:
    date_line = date_line or f"Đại Từ, ngày 25 tháng 9 năm {year}"
    return f"""ỦY BAN NHÂN DÂN
HUYỆN ĐẠI TỪ

Số: 120/KH-UBND

{date_line}

KẾ HOẠCH
Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm {year}

Thực hiện Công văn số 4864/BGDĐT-GDTrX ngày 08/9/{year} của Bộ Giáo dục và Đào tạo về việc tổ chức Tuần lễ hưởng ứng học tập suốt đời năm {year}, Ủy ban nhân dân huyện xây dựng Kế hoạch như sau:

{body}

Nơi nhận:
- Sở Giáo dục và Đào tạo (b/c);
- Lưu: VT.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Nguyễn Văn An
{annex}"""


def extract(body: str, **kw) -> PlanRecord:
    return vnplan.extract_text(plan(body, **kw))


def periods(r: PlanRecord) -> list[tuple[str, str]]:
    return [(p.start.isoformat(), p.end.isoformat()) for p in r.periods]


def events(r: PlanRecord) -> list[tuple[str, str | None]]:
    return [(e.date.isoformat(), e.time) for e in r.events]


def deadlines(r: PlanRecord) -> list[str]:
    return [d.date.isoformat() for d in r.deadlines]


# ---------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------

PERIODS = [
    # (id, body, plan year, [(start, end)], label of the first or None to skip)
    ("said-twice-listed-once",
     "I. THỜI GIAN\n\n1. Thời gian tổ chức: Tuần lễ được tổ chức từ ngày 02/10/2023 đến ngày 08/10/2023.\n\n"
     "2. Các hoạt động diễn ra từ ngày 02/10/2023 đến ngày 08/10/2023 tại các trường học.",
     2023, [("2023-10-02", "2023-10-08")], "Tuần lễ"),
    ("day-range-with-dash", "I. THỜI GIAN\n\nTuần lễ được tổ chức từ ngày 2-8/10/2017.", 2017, [("2017-10-02", "2017-10-08")], "Tuần lễ"),
    ("first-day-bare", "I. THỜI GIAN\n\nTuần lễ được tổ chức từ ngày 1 đến ngày 7/10/2018.", 2018, [("2018-10-01", "2018-10-07")], "Tuần lễ"),
    ("first-day-without-year", "I. THỜI GIAN\n\nTuần lễ được tổ chức từ ngày 01/10 đến ngày 07/10/2021.", 2021,
     [("2021-10-01", "2021-10-07")], "Tuần lễ"),
    ("year-less-in-2025-plan", "I. THỜI GIAN\n\nĐợt cao điểm được tổ chức từ ngày 15/11 đến ngày 15/12 trên địa bàn huyện.", 2025,
     [("2025-11-15", "2025-12-15")], None),
    ("bold-dates", "### 3. Tổ chức các hoạt động:\n\nCác hoạt động được tổ chức từ ngày **01/10/2021** đến ngày **07/10/2021**, "
     "phù hợp với tình hình phòng chống dịch COVID-19.", 2021, [("2021-10-01", "2021-10-07")], None),
    ("months", "I. THỜI GIAN\n\nChiến dịch được triển khai từ tháng 10/2020 đến tháng 12/2020 trên địa bàn huyện.", 2020,
     [("2020-10-01", "2020-12-31")], None),
    ("period-then-event-same-sentence",
     "II. HÌNH THỨC\n\n1. Thời gian tổ chức.\n\nCác nhà trường tổ chức Tuần lễ HƯHTSĐ năm 2022 từ ngày 06/10/2022\n\nđến ngày 12/10/2022; "
     "Lễ khai mạc: 7h00 ngày 06/10/2022 (thứ 5)(thời gian tổ\n\nchức khoảng 45 phút)", 2022, [("2022-10-06", "2022-10-12")], None),
    ("textual-both-ends", "I. THỜI GIAN\n\nTuần lễ được tổ chức từ ngày 02 tháng 10 đến ngày 08 tháng 10 năm 2023.", 2023,
     [("2023-10-02", "2023-10-08")], "Tuần lễ"),
    ("without-ngay", "I. THỜI GIAN\n\nTuần lễ được tổ chức từ 02/10/2023 đến 08/10/2023.", 2023, [("2023-10-02", "2023-10-08")], "Tuần lễ"),
    ("dash-between-dates", "I. THỜI GIAN\n\nTuần lễ được tổ chức từ ngày 02/10 - 08/10/2023.", 2023, [("2023-10-02", "2023-10-08")], "Tuần lễ"),
    ("spaced-day-range", "I. THỜI GIAN\n\nTuần lễ diễn ra trong 07 ngày, từ ngày 02 - 08/10/2023.", 2023, [("2023-10-02", "2023-10-08")], "Tuần lễ"),
    ("across-months", "I. THỜI GIAN\n\nTuần lễ được tổ chức từ ngày 28/9 đến ngày 04/10/2023.", 2023, [("2023-09-28", "2023-10-04")], "Tuần lễ"),
    ("whole-years-not-a-period", "I. THỜI GIAN\n\nKế hoạch được thực hiện trong giai đoạn 2021-2025 và giai đoạn 2026 - 2030.", 2023, [], None),
]


@pytest.mark.parametrize("body,year,expected,label", [pytest.param(*c[1:], id=c[0]) for c in PERIODS])
def test_periods(body: str, year: int, expected: list[tuple[str, str]], label: str | None) -> None:
    r = extract(body, year=year)
    assert periods(r) == expected
    if label is not None:
        assert r.periods[0].label == label


# ---------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------

EVENTS = [
    # (id, body, plan year, [(date, time)], name cue the first event's name must hold)
    ("colon-time-h", "II. HÌNH THỨC\n\n1. Thời gian tổ chức.\n\nCác nhà trường tổ chức Tuần lễ từ ngày 06/10/2022 đến ngày 12/10/2022; "
     "Lễ khai mạc: 7h00 ngày 06/10/2022 (thứ 5).", 2022, [("2022-10-06", "07:00")], "khai mạc"),
    ("heading-names-event", "II. NỘI DUNG\n\n2. Tổ chức Lễ khai mạc\n\n2.1. Hình thức: Tổ chức Lễ khai mạc theo hình thức trực tuyến.\n\n"
     "2.2. Thời gian: Lúc 8 giờ, ngày 01/10/2021 (thứ Sáu).\n\n2.3. Địa điểm: Hội trường Ủy ban nhân dân huyện.", 2021,
     [("2021-10-01", "08:00")], "khai mạc"),
    ("markdown-heading-names-event", "## **2. Tổ chức Lễ khai mạc**\n\n**2.1. Hình thức:** Tổ chức trực tuyến.\n\n"
     "**2.2. Thời gian:** Lúc 8 giờ, ngày 01/10/2021 (*thứ Sáu*).\n\n**2.3. Địa điểm:** Điểm cầu trung tâm tại Ủy ban nhân dân quận.",
     2021, [("2021-10-01", "08:00")], "khai mạc"),
    ("star-time-under-closing-heading", "II. HÌNH THỨC\n\n2.1. Lễ khai mạc.\n\n*Thời gian: Lễ khai mạc: Tổ chức 7h ngày 06/10/2022.\n\n"
     "2.2. Lễ tổng kết.\n\nLễ tổng kết được tổ chức nhằm đánh giá, rút kinh nghiệm, tuyên dương, khen thưởng các tập thể và cá nhân.\n\n"
     "          * Thời gian: 15 giờ 12/10/2022.\n\n*  Địa điểm: Văn phòng nhà trường.", 2022,
     [("2022-10-06", "07:00"), ("2022-10-12", "15:00")], "khai mạc"),
    ("evening-time", "I. NỘI DUNG\n\n1. Lễ khai mạc Tuần lễ tổ chức lúc 19h30 ngày 06/10/2023 tại Nhà văn hóa huyện.", 2023,
     [("2023-10-06", "19:30")], "khai mạc"),
    ("hours-and-minutes", "I. NỘI DUNG\n\n1. Lễ phát động lúc 8 giờ 30 phút ngày 02/10/2023 tại sân trường.", 2023,
     [("2023-10-02", "08:30")], "phát động"),
    ("conference-without-time", "I. NỘI DUNG\n\n1. Hội nghị tổng kết công tác xây dựng xã hội học tập được tổ chức vào ngày 20/12/2023.",
     2023, [("2023-12-20", None)], "tổng kết"),
]


@pytest.mark.parametrize("body,year,expected,cue", [pytest.param(*c[1:], id=c[0]) for c in EVENTS])
def test_events(body: str, year: int, expected: list[tuple[str, str | None]], cue: str) -> None:
    r = extract(body, year=year)
    assert events(r) == expected
    assert cue in r.events[0].name.lower()
    assert not any(d for d in deadlines(r) if d in [e for e, _ in expected])


# ---------------------------------------------------------------------------
# Deadlines
# ---------------------------------------------------------------------------

DEADLINES = [
    # (id, body, plan year, [(date, units)])
    ("truoc-ngay-in-unit-duty",
     "II. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Giáo dục và Đào tạo\n\n- Tổng hợp, báo cáo kết quả về Ủy ban nhân dân huyện trước ngày 17/10/2023.",
     2023, [("2023-10-17", ["Phòng Giáo dục và Đào tạo"])]),
    ("cham-nhat-bold",
     "II. TỔ CHỨC THỰC HIỆN\n\n#### **11. Ủy ban nhân dân 11 phường:**\n\n- Gửi Kế hoạch về Ủy ban nhân dân quận (thông qua phòng "
     "Giáo dục và Đào tạo) **chậm nhất ngày 29/9/2021**.", 2021, [("2021-09-29", ["Ủy ban nhân dân 11 phường"])]),
    ("hoan-thanh-truoc",
     "II. TỔ CHỨC THỰC HIỆN\n\n2. Ủy ban nhân dân các xã, thị trấn\n\n- Rà soát, cập nhật dữ liệu phổ cập giáo dục, hoàn thành trước ngày 31/12/2025.",
     2025, [("2025-12-31", ["Ủy ban nhân dân các xã, thị trấn"])]),
    ("unit-heading-with-colon",
     "III. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Giáo dục và Đào tạo: Tổng hợp, báo cáo kết quả về Ủy ban nhân dân huyện trước ngày 17/10/2023.",
     2023, [("2023-10-17", ["Phòng Giáo dục và Đào tạo"])]),
    ("lettered-duty-of-requested-unit",
     "III. TỔ CHỨC THỰC HIỆN\n\n2. Đề nghị Hội Khuyến học huyện\n\na) Phối hợp tổ chức các hoạt động.\n\n"
     "b) Gửi báo cáo kết quả về Phòng Giáo dục và Đào tạo chậm nhất ngày 12/10/2023.", 2023, [("2023-10-12", ["Hội Khuyến học huyện"])]),
    ("closing-paragraph-no-unit",
     "I. NỘI DUNG\n\nTổ chức các hoạt động hưởng ứng.\n\nTrên đây là Kế hoạch tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023. "
     "Yêu cầu các đơn vị báo cáo kết quả bằng văn bản (qua Phòng Giáo dục và Đào tạo) trước ngày **17/10/2023** để tổng hợp./.",
     2023, [("2023-10-17", [])]),
    ("year-less-deadline", "II. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Giáo dục và Đào tạo\n\n- Báo cáo kết quả trước ngày 15/10 về Ủy ban nhân dân huyện.",
     2025, [("2025-10-15", ["Phòng Giáo dục và Đào tạo"])]),
    ("three-in-order",
     "II. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Giáo dục và Đào tạo\n\n- Báo cáo kết quả về Ủy ban nhân dân huyện trước ngày 15/10/2021.\n\n"
     "2. Ủy ban nhân dân các xã\n\n- Gửi kế hoạch về Ủy ban nhân dân huyện chậm nhất ngày 29/9/2021.\n\n"
     "- Báo cáo kết quả thực hiện trên địa bàn xã trước ngày 10/10/2021.", 2021,
     [("2021-10-15", ["Phòng Giáo dục và Đào tạo"]), ("2021-09-29", ["Ủy ban nhân dân các xã"]),
      ("2021-10-10", ["Ủy ban nhân dân các xã"])]),
    ("same-date-listed-once",
     "II. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Giáo dục và Đào tạo\n\n- Báo cáo kết quả trước ngày 17/10/2023.\n\n"
     "2. Hội Khuyến học huyện\n\n- Gửi báo cáo về Phòng Giáo dục và Đào tạo trước ngày 17/10/2023.", 2023,
     [("2023-10-17", ["Phòng Giáo dục và Đào tạo"])]),
]

DEADLINES += [
    pytest.param("II. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Giáo dục và Đào tạo\n\n- Hạn nộp hồ sơ: ngày 20/10/2025.", 2025,
                 [("2025-10-20", ["Phòng Giáo dục và Đào tạo"])], id="han-object-colon"),
    pytest.param("II. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Giáo dục và Đào tạo\n\n- Thời hạn nộp báo cáo: ngày 20/10/2025.", 2025,
                 [("2025-10-20", ["Phòng Giáo dục và Đào tạo"])], id="thoi-han-object-colon"),
]


@pytest.mark.parametrize("body,year,expected", [c if hasattr(c, "id") else pytest.param(*c[1:], id=c[0]) for c in DEADLINES])
def test_deadlines(body: str, year: int, expected: list[tuple[str, list[str]]]) -> None:
    r = extract(body, year=year)
    assert [(d.date.isoformat(), d.units) for d in r.deadlines] == expected
    for d in r.deadlines:
        assert d.action and "**" not in d.action
    assert r.events == []


def test_deadline_action_is_the_clause_before_the_cue() -> None:
    r = extract("II. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Giáo dục và Đào tạo\n\n"
                "- Tổng hợp, báo cáo kết quả về Ủy ban nhân dân huyện trước ngày 17/10/2023.")
    assert r.deadlines[0].action == "Tổng hợp, báo cáo kết quả về Ủy ban nhân dân huyện"


def test_deadline_action_has_no_outline_label() -> None:
    r = extract("III. TỔ CHỨC THỰC HIỆN\n\n2. Đề nghị Hội Khuyến học huyện\n\na) Phối hợp tổ chức các hoạt động.\n\n"
                "b) Gửi báo cáo kết quả về Phòng Giáo dục và Đào tạo chậm nhất ngày 12/10/2023.")
    assert r.deadlines[0].action == "Gửi báo cáo kết quả về Phòng Giáo dục và Đào tạo"


NOT_LISTED = [
    # (id, body, plan year): no deadline, no event, no period.
    ("recurring-yearly", "II. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Giáo dục và Đào tạo\n\n- Báo cáo kết quả thực hiện trước ngày 15/11 hằng năm.", 2025),
    ("recurring-hang-nam", "II. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Giáo dục và Đào tạo\n\n- Báo cáo sơ kết trước ngày 15/6 hàng năm về Sở.", 2025),
    ("recurring-monthly", "II. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Giáo dục và Đào tạo\n\n- Báo cáo kết quả về Sở Giáo dục và Đào tạo hằng tháng trước ngày 25.", 2025),
    ("month-only", "II. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Giáo dục và Đào tạo\n\n- Tổ chức tổng kết, báo cáo kết quả trong tháng 6/2025.", 2025),
    ("quarter", "II. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Giáo dục và Đào tạo\n\n- Hoàn thành việc rà soát trước Quý IV/2025.", 2025),
    ("document-date-in-duty",
     "II. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Giáo dục và Đào tạo\n\n- Tiếp tục thực hiện Kế hoạch số 50/KH-UBND ngày 02/3/2022 của Ủy ban nhân dân huyện.", 2023),
    ("document-date-after-event-word",
     "II. NỘI DUNG\n\n1. Tổ chức Lễ khai mạc theo Kế hoạch số 50/KH-UBND ngày 02/10/2023 của Ủy ban nhân dân tỉnh.\n\n"
     "2. Hội nghị tổng kết thực hiện theo Công văn số 4864/BGDĐT-GDTrX ngày 08/9/2023.", 2023),
    ("document-textual-date",
     "II. NỘI DUNG\n\n1. Tổ chức Lễ khai mạc theo Kế hoạch số 50/KH-UBND ngày 02 tháng 10 năm 2023 của Ủy ban nhân dân tỉnh.", 2023),
    ("party-document-date", "II. NỘI DUNG\n\n1. Tổ chức Hội nghị theo Kế hoạch số 12-KH/HU, ngày 02/10/2023 của Huyện ủy.", 2023),
    ("eligibility-dates",
     "II. ĐỐI TƯỢNG\n\nCông dân có hộ khẩu thường trú trên địa bàn huyện trước ngày 01/01/2020 được đăng ký tham gia.\n\n"
     "Học viên tốt nghiệp trước ngày 30/6/2015 được miễn học phần.", 2023),
]


@pytest.mark.parametrize("body,year", [pytest.param(*c[1:], id=c[0]) for c in NOT_LISTED])
def test_not_listed(body: str, year: int) -> None:
    r = extract(body, year=year)
    assert (r.deadlines, r.events, r.periods) == ([], [], [])


def test_deadline_after_a_cited_document_keeps_only_the_deadline() -> None:
    r = extract("II. NỘI DUNG\n\n1. Các đơn vị hoàn thành báo cáo theo Quyết định số 1373/QĐ-TTg ngày 30/7/2021 của Thủ tướng "
                "Chính phủ trước ngày 15/10/2023.\n\n2. Báo cáo theo Công văn số 12/SGDĐT-GDTX ngày 20/9/2023, trước ngày 16/10/2023.")
    assert deadlines(r) == ["2023-10-15", "2023-10-16"]
    assert r.events == []


def test_eligibility_date_kept_out_but_real_deadline_in_same_plan() -> None:
    r = extract("II. ĐỐI TƯỢNG\n\nCông dân có hộ khẩu thường trú trên địa bàn huyện trước ngày 01/01/2020 được đăng ký tham gia.\n\n"
                "III. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Giáo dục và Đào tạo\n\n- Báo cáo trước ngày 17/10/2023.")
    assert [(d.date.isoformat(), d.units) for d in r.deadlines] == [("2023-10-17", ["Phòng Giáo dục và Đào tạo"])]


def test_whole_schedule_of_one_plan() -> None:
    """Periods, events and deadlines of one plan together (shape of corpus plan 004)."""
    body = ("II. THỜI GIAN, HÌNH THỨC TỔ CHỨC\n\n1. Thời gian tổ chức.\n\nCác nhà trường tổ chức Tuần lễ HƯHTSĐ năm 2022 từ ngày "
            "06/10/2022 đến ngày 12/10/2022; Lễ khai mạc: 7h00 ngày 06/10/2022 (thứ 5).\n\n2. Hình thức tổ chức\n\n2.1. Lễ khai mạc.\n\n"
            "2.2. Lễ tổng kết.\n\n* Thời gian: 15 giờ 12/10/2022.\n\nIII. TỔ CHỨC THỰC HIỆN\n\n1. Hiệu trưởng các trường THCS; Tiểu học; "
            "Mầm non.\n\nTham mưu báo cáo tổng kết Tuần lễ cho Ủy ban nhân dân huyện, gửi về phòng Giáo dục và Đào tạo trước ngày 18/10/2022.")
    r = extract(body, year=2022, date_line="Hà Thượng, ngày 04 tháng 10 năm 2022")
    assert periods(r) == [("2022-10-06", "2022-10-12")]
    assert events(r) == [("2022-10-06", "07:00"), ("2022-10-12", "15:00")]
    assert [(d.date.isoformat(), d.units) for d in r.deadlines] == [("2022-10-18", ["Hiệu trưởng các trường THCS; Tiểu học; Mầm non"])]


# ---------------------------------------------------------------------------
# A task table in an annex
# ---------------------------------------------------------------------------

TASK_TABLE = """
PHỤ LỤC
DANH MỤC NHIỆM VỤ TRIỂN KHAI TUẦN LỄ
(Kèm theo Kế hoạch số 120/KH-UBND ngày 25/9/2023 của Ủy ban nhân dân huyện Đại Từ)

| TT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn |
|---|---|---|---|---|
| 1 | Xây dựng kế hoạch tổ chức Tuần lễ | Phòng Giáo dục và Đào tạo | Hội Khuyến học huyện | 28/9/2023 |
| 2 | Tổ chức Lễ khai mạc | Ủy ban nhân dân các xã | Các trường học | 02/10/2023 |
| 3 | Báo cáo kết quả | Phòng Giáo dục và Đào tạo | Các xã, thị trấn | 15/10/2023 |
"""
TABLE_BODY = "II. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Giáo dục và Đào tạo\n\n- Chủ trì, hướng dẫn các trường học triển khai thực hiện Kế hoạch."


def test_thoi_han_column_of_a_task_table_gives_deadlines() -> None:
    r = extract(TABLE_BODY, annex=TASK_TABLE)
    assert deadlines(r) == ["2023-09-28", "2023-10-02", "2023-10-15"]


def test_no_value_runs_across_table_cells() -> None:
    r = extract(TABLE_BODY, annex=TASK_TABLE)
    names = [e.name for e in r.events] + [d.action for d in r.deadlines]
    assert not any("|" in n for n in names), names
