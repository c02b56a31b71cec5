"""Tests of citations: ``vnplan.citations.parse_citations`` on the phrasings plans use,
and legal bases / references through ``vnplan.extract_text``.

Expected parts (type, number, symbol, date, issuer, subject) are read off each
phrase by hand, following RECORD.md: number "30/2020" + symbol "NĐ-CP" for a
normative document, "11" + "CT/TU" for a Party document, spaces dropped from a
symbol, the law's name as the subject of an unnumbered law.
"""
from __future__ import annotations

import pytest

import vnplan
from vnplan.citations import Citation, parse_citations


def cite(c: Citation) -> dict:
    return {"doc_type": c.doc_type, "number": c.number, "symbol": c.symbol,
            "date": c.date.isoformat() if c.date else None, "issuer": c.issuer, "subject": c.subject}


def C(doc_type, number, symbol, date=None, issuer=None, subject=None) -> dict:  # noqa: N802 - table shorthand
    return {"doc_type": doc_type, "number": number, "symbol": symbol, "date": date, "issuer": issuer, "subject": subject}


# ---------------------------------------------------------------------------
# One citation
# ---------------------------------------------------------------------------

SINGLE = [
    ("cong-van-ve-viec",
     "Công văn số 4864/BGDĐT-GDĐT ngày 08/9/2023 của Bộ Giáo dục và Đào tạo về việc tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023",
     C("Công văn", "4864", "BGDĐT-GDĐT", "2023-09-08", "Bộ Giáo dục và Đào tạo",
       "về việc tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023")),
    ("comma-before-date-then-issuer-sentence",
     "Thực hiện Công văn số 4864/BGDĐT-GDTrX, ngày 08/9/2023 của Bộ Giáo dục và Đào tạo về việc tổ chức Tuần lễ hưởng ứng "
     "học tập suốt đời năm 2023, Ủy ban nhân dân tỉnh ban hành Kế hoạch tổ chức Tuần lễ như sau:",
     C("Công văn", "4864", "BGDĐT-GDTrX", "2023-09-08", "Bộ Giáo dục và Đào tạo",
       "về việc tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023")),
    ("decree-with-year",
     "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;",
     C("Nghị định", "30/2020", "NĐ-CP", "2020-03-05", "Chính phủ", "về công tác văn thư")),
    ("decree-textual-date",
     "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư",
     C("Nghị định", "30/2020", "NĐ-CP", "2020-03-05", "Chính phủ", "về công tác văn thư")),
    ("party-directive",
     "Thực hiện Chỉ thị số 11-CT/TU ngày 04/01/2026 của Ban Thường vụ Tỉnh ủy về tăng cường sự lãnh đạo của Đảng đối với công tác khuyến học;",
     C("Chỉ thị", "11", "CT/TU", "2026-01-04", "Ban Thường vụ Tỉnh ủy",
       "về tăng cường sự lãnh đạo của Đảng đối với công tác khuyến học")),
    ("party-dash-date",
     "Thực hiện Chỉ thị số 11-CT/TU, ngày 04-01-2026 của Ban Thường vụ Tỉnh ủy về tăng cường lãnh đạo",
     C("Chỉ thị", "11", "CT/TU", "2026-01-04", "Ban Thường vụ Tỉnh ủy", "về tăng cường lãnh đạo")),
    ("party-notice",
     "Thực hiện Thông báo số 196-TB/TW ngày 16/3/2015 của Ban Bí thư",
     C("Thông báo", "196", "TB/TW", "2015-03-16", "Ban Bí thư", None)),
    ("law-with-number",
     "Căn cứ Luật Tổ chức chính quyền địa phương số 85/2015/QH13 ngày 19 tháng 6 năm 2015;",
     C("Luật", "85/2015", "QH13", "2015-06-19", None, "Tổ chức chính quyền địa phương")),
    ("space-in-symbol",
     "Thực hiện Nghị quyết số 17/NQ- CP ngày 07/3/2019 của Chính phủ về một số nhiệm vụ, giải pháp trọng tâm phát triển Chính phủ điện tử;",
     C("Nghị quyết", "17", "NQ-CP", "2019-03-07", "Chính phủ",
       "về một số nhiệm vụ, giải pháp trọng tâm phát triển Chính phủ điện tử")),
    ("space-before-slash",
     "Căn cứ Quyết định số 1373 /QĐ-TTg ngày 30/7/2021 của Thủ tướng Chính phủ",
     C("Quyết định", "1373", "QĐ-TTg", "2021-07-30", "Thủ tướng Chính phủ", None)),
    ("so-colon",
     "Căn cứ Quyết định số: 1373/QĐ-TTg ngày 30/7/2021 của Thủ tướng Chính phủ",
     C("Quyết định", "1373", "QĐ-TTg", "2021-07-30", "Thủ tướng Chính phủ", None)),
    ("decision-comma-date-ban-hanh",
     "Bám sát việc triển khai thực hiện Quyết định số 1373/QĐ-TTg, ngày 30/7/2021 của Thủ tướng Chính phủ ban hành Đề án "
     "“Xây dựng xã hội học tập giai đoạn 2021-2030”.",
     C("Quyết định", "1373", "QĐ-TTg", "2021-07-30", "Thủ tướng Chính phủ",
       "ban hành Đề án “Xây dựng xã hội học tập giai đoạn 2021-2030”")),
    ("joint-resolution-long-symbol",
     "Căn cứ Nghị quyết liên tịch số 102/2025/NQLT-UBTVQH15-CP-ĐCTUBTWMTTQVN ngày 01/7/2025",
     C("Nghị quyết liên tịch", "102/2025", "NQLT-UBTVQH15-CP-ĐCTUBTWMTTQVN", "2025-07-01", None, None)),
    ("guidance-three-groups",
     "Căn cứ Hướng dẫn số 13/HD-MTTQ-BTT ngày 20/10/2025 của Ban Thường trực Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam về hiệp thương;",
     C("Hướng dẫn", "13", "HD-MTTQ-BTT", "2025-10-20", "Ban Thường trực Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam", "về hiệp thương")),
    ("resolution-symbol-without-type-code",
     "Căn cứ Nghị quyết số 101/2025/UBTVQH15 của Ủy ban Thường vụ Quốc hội quy định chi tiết, hướng dẫn về việc tổ chức Hội nghị cử tri;",
     C("Nghị quyết", "101/2025", "UBTVQH15", None, "Ủy ban Thường vụ Quốc hội",
       "quy định chi tiết, hướng dẫn về việc tổ chức Hội nghị cử tri")),
    ("slash-inside-symbol-no-date-no-issuer",
     "Căn cứ Nghị quyết liên tịch số 102/2025/NQLT/UBTVQH15-CP-ĐCTUBTWMTTQVN hướng dẫn quy trình hiệp thương, giới thiệu người ứng cử;",
     C("Nghị quyết liên tịch", "102/2025", "NQLT/UBTVQH15-CP-ĐCTUBTWMTTQVN", None, None,
       "hướng dẫn quy trình hiệp thương, giới thiệu người ứng cử")),
    ("proposal-issuer-before",
     "Theo đề nghị của Sở Kế hoạch và Đầu tư tại Tờ trình số 18/TTr-SKHĐT ngày 10/01/2024.",
     C("Tờ trình", "18", "TTr-SKHĐT", "2024-01-10", "Sở Kế hoạch và Đầu tư", None)),
    pytest.param(
        "Căn cứ Công văn số 4864/BGDĐT-GDĐT của Bộ Giáo dục và Đào tạo ngày 08/9/2023 về việc tổ chức Tuần lễ;",
        C("Công văn", "4864", "BGDĐT-GDĐT", "2023-09-08", "Bộ Giáo dục và Đào tạo", "về việc tổ chức Tuần lễ"),
        id="issuer-before-date"),
]


@pytest.mark.parametrize("text,expected", [c if hasattr(c, "id") else pytest.param(*c[1:], id=c[0]) for c in SINGLE])
def test_single_citation(text: str, expected: dict) -> None:
    got = [cite(c) for c in parse_citations(text)]
    assert got == [expected]


def test_citation_spans_point_at_the_printed_parts() -> None:
    text = "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;"
    (c,) = parse_citations(text)
    assert text[slice(*c.spans["number"])] == "30/2020"
    assert text[slice(*c.spans["symbol"])] == "NĐ-CP"
    assert text[slice(*c.spans["doc_type"])] == "Nghị định"
    assert "05/3/2020" in text[slice(*c.spans["date"])]
    assert text[slice(*c.spans["issuer"])].strip() == "Chính phủ"


NOT_CITATIONS = [
    ("date", "Tuần lễ được tổ chức từ ngày 02/10/2023 đến ngày 08/10/2023."),
    ("year-range", "giai đoạn 2021/2030 và 2021-2025"),
    ("phone", "Điện thoại: 0255/3822 123"),
    ("lone-capital", "tỷ lệ 3/A của các lớp"),
    ("fraction", "đạt 2/3 số xã"),
]


@pytest.mark.parametrize("text", [t for _, t in NOT_CITATIONS], ids=[i for i, _ in NOT_CITATIONS])
def test_no_citation_in_numbers_that_are_not_document_numbers(text: str) -> None:
    assert parse_citations(text) == []


# ---------------------------------------------------------------------------
# Several citations in one paragraph
# ---------------------------------------------------------------------------

MANY = [
    ("semicolon",
     "Căn cứ Công văn số 4864/BGDĐT-GDĐT ngày 08/9/2023 của Bộ Giáo dục và Đào tạo về việc tổ chức Tuần lễ hưởng ứng học tập suốt đời "
     "năm 2023; Công văn số 3442/SGDĐT-GDĐT-ĐH ngày 21/9/2023 của Sở GD&ĐT Hà Nội.",
     [C("Công văn", "4864", "BGDĐT-GDĐT", "2023-09-08", "Bộ Giáo dục và Đào tạo", "về việc tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023"),
      C("Công văn", "3442", "SGDĐT-GDĐT-ĐH", "2023-09-21", "Sở GD&ĐT Hà Nội", None)]),
    ("three-plans-semicolons",
     "Kế hoạch số 50/KH-UBND ngày 02/3/2022 thực hiện Đề án \"Xây dựng xã hội học tập giai đoạn 2021-2030\"; Kế hoạch số 173/KH-UBND "
     "ngày 27/6/2022 thực hiện Chương trình \"Đẩy mạnh phong trào học tập suốt đời\"; Kế hoạch số 183/KH-UBND ngày 18/7/2022 thực hiện "
     "Chương trình \"Xây dựng mô hình Công dân học tập\".",
     [C("Kế hoạch", "50", "KH-UBND", "2022-03-02", None, "thực hiện Đề án \"Xây dựng xã hội học tập giai đoạn 2021-2030\""),
      C("Kế hoạch", "173", "KH-UBND", "2022-06-27", None, "thực hiện Chương trình \"Đẩy mạnh phong trào học tập suốt đời\""),
      C("Kế hoạch", "183", "KH-UBND", "2022-07-18", None, "thực hiện Chương trình \"Xây dựng mô hình Công dân học tập\"")]),
    ("semicolons-no-subject",
     "Căn cứ Quyết định số 1373/QĐ-TTg ngày 30/7/2021 của Thủ tướng Chính phủ; Quyết định số 677/QĐ-TTg ngày 03/6/2022 của Thủ tướng "
     "Chính phủ; Kế hoạch số 50/KH-UBND ngày 02/3/2022 của UBND tỉnh.",
     [C("Quyết định", "1373", "QĐ-TTg", "2021-07-30", "Thủ tướng Chính phủ"),
      C("Quyết định", "677", "QĐ-TTg", "2022-06-03", "Thủ tướng Chính phủ"),
      C("Kế hoạch", "50", "KH-UBND", "2022-03-02", "UBND tỉnh")]),
    ("named-inside-subject",
     "Thực hiện Kế hoạch số 12-KH/TU ngày 15/3/2025 của Tỉnh ủy thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị "
     "về đột phá phát triển khoa học, công nghệ;",
     [C("Kế hoạch", "12", "KH/TU", "2025-03-15", "Tỉnh ủy",
        "thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, công nghệ"),
      C("Nghị quyết", "57", "NQ/TW", "2024-12-22", "Bộ Chính trị", "về đột phá phát triển khoa học, công nghệ")]),
    ("named-inside-subject-ve-viec",
     "Căn cứ Công văn số 4864/BGDĐT-GDĐT ngày 08/9/2023 của Bộ Giáo dục và Đào tạo về việc hướng dẫn thực hiện Quyết định số "
     "1373/QĐ-TTg ngày 30/7/2021 của Thủ tướng Chính phủ;",
     [C("Công văn", "4864", "BGDĐT-GDĐT", "2023-09-08", "Bộ Giáo dục và Đào tạo",
        "về việc hướng dẫn thực hiện Quyết định số 1373/QĐ-TTg ngày 30/7/2021 của Thủ tướng Chính phủ"),
      C("Quyết định", "1373", "QĐ-TTg", "2021-07-30", "Thủ tướng Chính phủ", None)]),
]

MANY += [
    pytest.param(
        "Căn cứ Quyết định số 1373/QĐ-TTg ngày 30/7/2021 của Thủ tướng Chính phủ và Quyết định số 677/QĐ-TTg ngày 03/6/2022 "
        "của Thủ tướng Chính phủ.",
        [C("Quyết định", "1373", "QĐ-TTg", "2021-07-30", "Thủ tướng Chính phủ"),
         C("Quyết định", "677", "QĐ-TTg", "2022-06-03", "Thủ tướng Chính phủ")],
        id="va-after-issuer"),
    pytest.param(
        "Căn cứ Công văn số 4864/BGDĐT-GDĐT ngày 08/9/2023 của Bộ Giáo dục và Đào tạo về việc tổ chức Tuần lễ và Công văn số "
        "3442/SGDĐT-GDĐT-ĐH ngày 21/9/2023 của Sở Giáo dục và Đào tạo Hà Nội.",
        [C("Công văn", "4864", "BGDĐT-GDĐT", "2023-09-08", "Bộ Giáo dục và Đào tạo", "về việc tổ chức Tuần lễ"),
         C("Công văn", "3442", "SGDĐT-GDĐT-ĐH", "2023-09-21", "Sở Giáo dục và Đào tạo Hà Nội", None)],
        id="va-after-subject"),
]


@pytest.mark.parametrize("text,expected", [c if hasattr(c, "id") else pytest.param(*c[1:], id=c[0]) for c in MANY])
def test_several_citations(text: str, expected: list[dict]) -> None:
    assert [cite(c) for c in parse_citations(text)] == expected


def test_default_year_only_fills_a_date_without_year() -> None:
    (c,) = parse_citations("theo Công văn số 12/SGDĐT-GDTX ngày 20/9 của Sở Giáo dục và Đào tạo", default_year=2023)
    assert c.date is not None and c.date.isoformat() == "2023-09-20"


# ---------------------------------------------------------------------------
# Legal bases and references through extract_text
# ---------------------------------------------------------------------------

PLAN = """ỦY BAN NHÂN DÂN
HUYỆN ĐẠI TỪ

Số: 120/KH-UBND

Đại Từ, ngày 28 tháng 9 năm 2023

KẾ HOẠCH
Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023

Căn cứ Quyết định số 1373/QĐ-TTg ngày 30/7/2021 của Thủ tướng Chính phủ phê duyệt Đề án “Xây dựng xã hội học tập giai đoạn 2021-2030”;

Thực hiện Công văn số 4864/BGDĐT-GDTrX ngày 08/9/2023 của Bộ Giáo dục và Đào tạo về việc tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023; Kế hoạch số 215/KH-UBND ngày 25/9/2023 của Ủy ban nhân dân tỉnh Thái Nguyên về tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023 trên địa bàn tỉnh,

Ủy ban nhân dân huyện xây dựng Kế hoạch tổ chức Tuần lễ như sau:

I. MỤC ĐÍCH, YÊU CẦU

1. Tiếp tục triển khai Kế hoạch số 50/KH-UBND ngày 02/3/2022 của Ủy ban nhân dân huyện thực hiện Đề án “Xây dựng xã hội học tập giai đoạn 2021-2030”.

2. Gắn với Nghị quyết số 17/NQ-CP ngày 07/3/2019 của Chính phủ về phát triển Chính phủ điện tử.

II. TỔ CHỨC THỰC HIỆN

1. Phòng Giáo dục và Đào tạo

- Tiếp tục thực hiện Kế hoạch số 50/KH-UBND của Ủy ban nhân dân huyện.

- Tổng hợp kết quả theo Mẫu số 01/HNCT và Biểu số 02/BC-GDĐT ban hành kèm theo Kế hoạch này, gửi về Ủy ban nhân dân huyện trước ngày 15/10/2023.

- Hướng dẫn các trường thực hiện Kế hoạch số 120/KH-UBND ngày 28/9/2023 của Ủy ban nhân dân huyện.

Nơi nhận:
- Sở Giáo dục và Đào tạo (b/c);
- Lưu: VT.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Nguyễn Văn An

PHỤ LỤC

(Kèm theo Kế hoạch số 120/KH-UBND ngày 28/9/2023 của Ủy ban nhân dân huyện Đại Từ)

Mẫu số 01/HNCT
"""


@pytest.fixture(scope="module")
def plan_record():
    return vnplan.extract_text(PLAN)


def test_bases_from_can_cu_and_thuc_hien(plan_record) -> None:
    got = [(b.doc_type, b.number, b.symbol, b.date.isoformat() if b.date else None) for b in plan_record.legal_bases]
    assert got == [
        ("Quyết định", "1373", "QĐ-TTg", "2021-07-30"),
        ("Công văn", "4864", "BGDĐT-GDTrX", "2023-09-08"),
        ("Kế hoạch", "215", "KH-UBND", "2023-09-25"),
    ]
    assert [b.issuer for b in plan_record.legal_bases] == ["Thủ tướng Chính phủ", "Bộ Giáo dục và Đào tạo",
                                                           "Ủy ban nhân dân tỉnh Thái Nguyên"]
    # The issuer's own sentence after the comma is not part of the last basis's subject.
    assert plan_record.legal_bases[2].subject == "về tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023 trên địa bàn tỉnh"


def test_references_deduplicated_without_bases_self_or_forms(plan_record) -> None:
    refs = [(r.doc_type, r.number, r.symbol) for r in plan_record.references]
    # Kế hoạch 50 is cited twice (with and without its date): listed once, with the date.
    assert refs == [("Kế hoạch", "50", "KH-UBND"), ("Nghị quyết", "17", "NQ-CP")]
    assert plan_record.references[0].date is not None and plan_record.references[0].date.isoformat() == "2022-03-02"
    # Not the plan itself (120/KH-UBND, in the body and in the annex), not form numbers.
    assert not any(r.number in ("120", "01", "02") for r in plan_record.references)


def test_reference_issuer_completed_from_the_plan_area(plan_record) -> None:
    """"của Ủy ban nhân dân huyện" in a plan of the Đại Từ committee is that committee."""
    assert plan_record.references[0].issuer == "Ủy ban nhân dân huyện Đại Từ"


DECISION = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI

Số: 25/QĐ-UBND

Quảng Ngãi, ngày 15 tháng 01 năm 2024

QUYẾT ĐỊNH
Ban hành Kế hoạch xây dựng xã hội học tập năm 2024

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;

Căn cứ Luật Giáo dục ngày 14 tháng 6 năm 2019;

Căn cứ Quyết định số 1373/QĐ-TTg ngày 30/7/2021 của Thủ tướng Chính phủ phê duyệt Đề án “Xây dựng xã hội học tập giai đoạn 2021-2030”;

Theo đề nghị của Giám đốc Sở Giáo dục và Đào tạo tại Tờ trình số 18/TTr-SGDĐT ngày 10/01/2024.

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Kế hoạch xây dựng xã hội học tập năm 2024 trên địa bàn tỉnh.

Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký.

Điều 3. Chánh Văn phòng UBND tỉnh, Giám đốc Sở Giáo dục và Đào tạo và Thủ trưởng các cơ quan, đơn vị liên quan chịu trách nhiệm thi hành Quyết định này./.

Nơi nhận:
- Như Điều 3;
- Lưu: VT, KGVX.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Trần Phước Hiền
"""


def test_unnumbered_laws_are_bases_with_name_and_date() -> None:
    r = vnplan.extract_text(DECISION)
    laws = [b for b in r.legal_bases if b.doc_type == "Luật"]
    assert [(b.number, b.symbol, b.issuer, b.date.isoformat(), b.subject) for b in laws] == [
        (None, None, None, "2015-06-19", "Tổ chức chính quyền địa phương"),
        (None, None, None, "2019-11-22", "sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương"),
        (None, None, None, "2019-06-14", "Giáo dục"),
    ]
    assert [(b.doc_type, b.number) for b in r.legal_bases if b.doc_type != "Luật"] == [("Quyết định", "1373")]


def test_proposal_is_a_reference_not_a_basis() -> None:
    r = vnplan.extract_text(DECISION)
    assert not any(b.number == "18" for b in r.legal_bases)
    (tt,) = [x for x in r.references if x.number == "18"]
    assert (tt.doc_type, tt.symbol, tt.date.isoformat()) == ("Tờ trình", "TTr-SGDĐT", "2024-01-10")
    assert tt.issuer and "Sở Giáo dục và Đào tạo" in tt.issuer


def test_single_unnumbered_law_line() -> None:
    text = DECISION.replace(
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của Luật Tổ chức "
        "Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;\n\n", "")
    r = vnplan.extract_text(text)
    assert [(b.doc_type, b.number, b.date.isoformat() if b.date else None) for b in r.legal_bases] == [
        ("Luật", None, "2019-06-14"), ("Quyết định", "1373", "2021-07-30")]
    assert (r.legal_bases[0].subject, r.legal_bases[0].symbol, r.legal_bases[0].issuer) == ("Giáo dục", None, None)


def test_basis_wrapped_over_lines_reads_as_one() -> None:
    text = PLAN.replace(
        "Căn cứ Quyết định số 1373/QĐ-TTg ngày 30/7/2021 của Thủ tướng Chính phủ phê duyệt Đề án",
        "Căn cứ Quyết định số\n1373/QĐ-TTg ngày\n30/7/2021 của Thủ tướng Chính phủ phê duyệt Đề án")
    r = vnplan.extract_text(text)
    b = r.legal_bases[0]
    assert (b.doc_type, b.number, b.symbol, b.date.isoformat(), b.issuer) == ("Quyết định", "1373", "QĐ-TTg", "2021-07-30", "Thủ tướng Chính phủ")
    assert b.subject == "phê duyệt Đề án “Xây dựng xã hội học tập giai đoạn 2021-2030”"


def test_document_named_inside_a_basis_subject_is_a_basis_too() -> None:
    text = PLAN.replace(
        "Căn cứ Quyết định số 1373/QĐ-TTg ngày 30/7/2021 của Thủ tướng Chính phủ phê duyệt Đề án “Xây dựng xã hội học tập giai đoạn 2021-2030”;",
        "Thực hiện Kế hoạch số 12-KH/TU ngày 15/3/2025 của Tỉnh ủy thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị "
        "về đột phá phát triển khoa học, công nghệ;")
    r = vnplan.extract_text(text)
    assert [(b.number, b.symbol) for b in r.legal_bases][:2] == [("12", "KH/TU"), ("57", "NQ/TW")]
