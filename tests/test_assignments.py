"""Tests of assignments through ``vnplan.extract_text``.

One entry per unit heading, in document order: the unit's name without
numbering, colon or "Đề nghị"; ``requested`` when the plan asks; each bullet or
paragraph one duty, "+" items folded into the duty above. The closing
paragraphs, stamp noise, an annex task table and a decision's closing clause
never give assignments (RECORD.md, "Assignments").
"""
from __future__ import annotations

import pytest

import vnplan
from vnplan.models import PlanRecord

HEAD = """ỦY BAN NHÂN DÂN
TỈNH THANH HÓA

Số: 215/KH-UBND

Thanh Hóa, ngày 25 tháng 9 năm 2023

KẾ HOẠCH
Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023

Thực hiện Công văn số 4864/BGDĐT-GDTrX ngày 08/9/2023 của Bộ Giáo dục và Đào tạo về việc tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023, Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:

I. MỤC ĐÍCH, YÊU CẦU

1. Mục đích

- Tổ chức Tuần lễ nhằm tiếp tục đẩy mạnh phong trào học tập sâu rộng trong các tầng lớp nhân dân.

2. Yêu cầu

- Tuần lễ được tổ chức với hình thức, nội dung thiết thực, hiệu quả.

"""

TAIL = """

Nơi nhận:
- Bộ Giáo dục và Đào tạo (b/c);
- Lưu: VT, VX.

TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Đầu Thanh Tùng
"""


def extract(part: str, *, head: str = HEAD, tail: str = TAIL) -> PlanRecord:
    return vnplan.extract_text(head + part + tail)


def summary(r: PlanRecord) -> list[tuple[str, bool, list[str]]]:
    return [(a.unit, a.requested, a.duties) for a in r.assignments]


CASES = [
    ("numbered-units-with-bullets",
     """II. TỔ CHỨC THỰC HIỆN

1. Sở Giáo dục và Đào tạo

- Chủ trì, đôn đốc, hướng dẫn các sở, ngành, cơ quan, đơn vị có liên quan triển khai thực hiện Kế hoạch.

- Tổng hợp, báo cáo Bộ Giáo dục và Đào tạo, Ủy ban nhân dân tỉnh kết quả thực hiện Tuần lễ.

2. Hội Khuyến học tỉnh

- Chỉ đạo Hội khuyến học các huyện, thị xã, thành phố phối hợp tổ chức Tuần lễ tại địa phương.""",
     [("Sở Giáo dục và Đào tạo", False, [
         "Chủ trì, đôn đốc, hướng dẫn các sở, ngành, cơ quan, đơn vị có liên quan triển khai thực hiện Kế hoạch.",
         "Tổng hợp, báo cáo Bộ Giáo dục và Đào tạo, Ủy ban nhân dân tỉnh kết quả thực hiện Tuần lễ."]),
      ("Hội Khuyến học tỉnh", False, [
          "Chỉ đạo Hội khuyến học các huyện, thị xã, thành phố phối hợp tổ chức Tuần lễ tại địa phương."])]),
    ("requested-with-paragraph-duty",
     """V. TỔ CHỨC THỰC HIỆN

3. Đề nghị Đoàn TNCS Hồ Chí Minh tỉnh Thanh Hoá

Tổ chức phát động hưởng ứng Tuần lễ bằng các hình thức phù hợp, thiết thực nhằm đẩy mạnh phong trào học tập suốt đời trong thanh, thiếu niên.""",
     [("Đoàn TNCS Hồ Chí Minh tỉnh Thanh Hoá", True, [
         "Tổ chức phát động hưởng ứng Tuần lễ bằng các hình thức phù hợp, thiết thực nhằm đẩy mạnh phong trào học tập suốt đời trong thanh, thiếu niên."])]),
    ("requested-markdown-colon",
     """### **III. TỔ CHỨC THỰC HIỆN**

#### **3. Đề nghị Hội Khuyến học quận:**

- Chuẩn bị bài phát biểu gửi thông điệp hưởng ứng Tuần lễ trong Lễ khai mạc.

- Tổ chức các chuyên đề, các giải pháp nhân rộng mô hình “Gia đình học tập”.""",
     [("Hội Khuyến học quận", True, [
         "Chuẩn bị bài phát biểu gửi thông điệp hưởng ứng Tuần lễ trong Lễ khai mạc.",
         "Tổ chức các chuyên đề, các giải pháp nhân rộng mô hình “Gia đình học tập”."])]),
    ("text-after-colon-is-the-duty",
     """II. TỔ CHỨC THỰC HIỆN

3. Sở Y tế: Chỉ đạo các cơ sở y tế bảo đảm công tác y tế trong thời gian diễn ra Tuần lễ.""",
     [("Sở Y tế", False, ["Chỉ đạo các cơ sở y tế bảo đảm công tác y tế trong thời gian diễn ra Tuần lễ."])]),
    ("unit-is-the-subject",
     """II. TỔ CHỨC THỰC HIỆN

3. Sở Nội vụ chủ trì, phối hợp với các cơ quan liên quan tham mưu khen thưởng các tập thể, cá nhân có thành tích xuất sắc.""",
     [("Sở Nội vụ", False, [
         "Sở Nội vụ chủ trì, phối hợp với các cơ quan liên quan tham mưu khen thưởng các tập thể, cá nhân có thành tích xuất sắc."])]),
    ("lead-in-then-lettered-duties",
     """II. TỔ CHỨC THỰC HIỆN

1. Sở Văn hóa, Thể thao và Du lịch chịu trách nhiệm hướng dẫn, chỉ đạo thực hiện các nội dung sau:

a) Chỉ đạo Thư viện tỉnh tổ chức triển lãm sách dưới hình thức xe ô tô thư viện lưu động.

b) Hướng dẫn các thiết chế văn hóa cơ sở tổ chức các hoạt động đọc sách.""",
     [("Sở Văn hóa, Thể thao và Du lịch", False, [
         "Chỉ đạo Thư viện tỉnh tổ chức triển lãm sách dưới hình thức xe ô tô thư viện lưu động.",
         "Hướng dẫn các thiết chế văn hóa cơ sở tổ chức các hoạt động đọc sách."])]),
    ("plus-items-folded",
     """II. TỔ CHỨC THỰC HIỆN

#### **5.3. Các trường học trên địa bàn Quận:**

- Xây dựng kế hoạch tổ chức các hoạt động trong Tuần lễ. Thời gian tổ chức Lễ khai mạc:

+ Cấp MN: Tổ chức Lễ phát động lồng ghép trong buổi họp HĐSP nhà trường.

+ Cấp TH, THCS: Tổ chức lễ phát động đồng loạt vào giờ chào cờ, sáng thứ hai (ngày 02/10/2023)

- Thực hiện việc báo cáo kết quả tổ chức Tuần lễ về Phòng Giáo dục và Đào tạo theo quy định.""",
     [("Các trường học trên địa bàn Quận", False, [
         "Xây dựng kế hoạch tổ chức các hoạt động trong Tuần lễ. Thời gian tổ chức Lễ khai mạc: Cấp MN: Tổ chức Lễ phát động lồng ghép "
         "trong buổi họp HĐSP nhà trường. Cấp TH, THCS: Tổ chức lễ phát động đồng loạt vào giờ chào cờ, sáng thứ hai (ngày 02/10/2023)",
         "Thực hiện việc báo cáo kết quả tổ chức Tuần lễ về Phòng Giáo dục và Đào tạo theo quy định."])]),
    ("unit-sub-headings-under-group",
     """II. TỔ CHỨC THỰC HIỆN

1. Sở Văn hóa, Thể thao và Du lịch

- Chủ trì tổ chức các hoạt động văn hóa hưởng ứng Tuần lễ.

1.1. Thư viện tỉnh

- Tổ chức triển lãm sách lưu động tại các điểm trường.

1.2. Bảo tàng tỉnh

- Mở cửa miễn phí cho học sinh trong thời gian diễn ra Tuần lễ.

2. Sở Giáo dục và Đào tạo

- Hướng dẫn các cơ sở giáo dục tổ chức Tuần lễ.""",
     [("Sở Văn hóa, Thể thao và Du lịch", False, ["Chủ trì tổ chức các hoạt động văn hóa hưởng ứng Tuần lễ."]),
      ("Thư viện tỉnh", False, ["Tổ chức triển lãm sách lưu động tại các điểm trường."]),
      ("Bảo tàng tỉnh", False, ["Mở cửa miễn phí cho học sinh trong thời gian diễn ra Tuần lễ."]),
      ("Sở Giáo dục và Đào tạo", False, ["Hướng dẫn các cơ sở giáo dục tổ chức Tuần lễ."])]),
    ("dash-items-naming-units",
     """IV. PHÂN CÔNG NHIỆM VỤ

- Phòng Giáo dục và Đào tạo: Chủ trì, hướng dẫn các trường học tổ chức Tuần lễ.

- Phòng Văn hóa và Thông tin: Tuyên truyền về Tuần lễ trên các phương tiện thông tin đại chúng.

- Đề nghị Hội Khuyến học huyện: Phối hợp vận động hội viên tham gia.""",
     [("Phòng Giáo dục và Đào tạo", False, ["Chủ trì, hướng dẫn các trường học tổ chức Tuần lễ."]),
      ("Phòng Văn hóa và Thông tin", False, ["Tuyên truyền về Tuần lễ trên các phương tiện thông tin đại chúng."]),
      ("Hội Khuyến học huyện", True, ["Phối hợp vận động hội viên tham gia."])]),
    ("closing-paragraphs-are-not-duties",
     """II. TỔ CHỨC THỰC HIỆN

1. Sở Giáo dục và Đào tạo

- Chủ trì, hướng dẫn các đơn vị tổ chức Tuần lễ.

2. Các cơ sở giáo dục đại học trực thuộc tỉnh

Chủ động biên soạn, cung cấp các nguồn tài nguyên học liệu mở phục vụ nhu cầu học tập suốt đời của người dân.

Trên đây là Kế hoạch tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023 trên địa bàn tỉnh. Yêu cầu các sở, ban, ngành, đoàn thể cấp tỉnh nghiêm túc triển khai thực hiện.

Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị kịp thời báo cáo về Sở Giáo dục và Đào tạo để tổng hợp, báo cáo Ủy ban nhân dân tỉnh xem xét, giải quyết./.""",
     [("Sở Giáo dục và Đào tạo", False, ["Chủ trì, hướng dẫn các đơn vị tổ chức Tuần lễ."]),
      ("Các cơ sở giáo dục đại học trực thuộc tỉnh", False, [
          "Chủ động biên soạn, cung cấp các nguồn tài nguyên học liệu mở phục vụ nhu cầu học tập suốt đời của người dân."])]),
    ("numbered-difficulties-item-not-a-unit",
     """III. TỔ CHỨC THỰC HIỆN

1. Phòng Giáo dục và Đào tạo

- Chủ trì, hướng dẫn các trường học tổ chức Tuần lễ.

2. Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị kịp thời báo cáo về Phòng Giáo dục và Đào tạo để tổng hợp./.""",
     [("Phòng Giáo dục và Đào tạo", False, ["Chủ trì, hướng dẫn các trường học tổ chức Tuần lễ."])]),
    ("stamp-noise-between-heading-and-bullets",
     """## **5. Tổ chức thực hiện**

### **5.1. Phòng Giáo dục và Đào tạo Quận:**

X.H.C.  
PHÒNG  
ÁO D  
ĐÀO  
V.G. BIÊN



- Là cơ quan thường trực, phối hợp với Hội Khuyến học, Trung tâm GDNN-GDTX Quận tham mưu BCĐ Quận xây dựng kế hoạch.

- Tổng hợp, báo cáo kết quả triển khai Tuần lễ về Sở Giáo dục và Đào tạo theo quy định.

### **5.2. Các trường học trên địa bàn Quận:**

- Xây dựng kế hoạch tổ chức các hoạt động trong Tuần lễ.""",
     [("Phòng Giáo dục và Đào tạo Quận", False, [
         "Là cơ quan thường trực, phối hợp với Hội Khuyến học, Trung tâm GDNN-GDTX Quận tham mưu BCĐ Quận xây dựng kế hoạch.",
         "Tổng hợp, báo cáo kết quả triển khai Tuần lễ về Sở Giáo dục và Đào tạo theo quy định."]),
      ("Các trường học trên địa bàn Quận", False, ["Xây dựng kế hoạch tổ chức các hoạt động trong Tuần lễ."])]),
    ("stamp-noise-between-two-bullets",
     """II. TỔ CHỨC THỰC HIỆN

1. Sở Giáo dục và Đào tạo

- Chủ trì hướng dẫn tổ chức Tuần lễ.

XÃ HỘI
CHỦ NGHĨ
ỦY BAN

- Tổng hợp báo cáo kết quả về Ủy ban nhân dân tỉnh.""",
     [("Sở Giáo dục và Đào tạo", False, ["Chủ trì hướng dẫn tổ chức Tuần lễ.", "Tổng hợp báo cáo kết quả về Ủy ban nhân dân tỉnh."])]),
    ("duty-wrapped-with-blank-lines",
     """II. TỔ CHỨC THỰC HIỆN

4. Sở Thông tin và Truyền thông

Chỉ đạo, hướng dẫn các cơ quan báo chí trong tỉnh tuyên truyền sâu rộng về Tuần lễ; trong đó tập trung tuyên truyền nêu gương người

tốt, việc tốt trong quá trình triển khai, thực hiện.""",
     [("Sở Thông tin và Truyền thông", False, [
         "Chỉ đạo, hướng dẫn các cơ quan báo chí trong tỉnh tuyên truyền sâu rộng về Tuần lễ; trong đó tập trung tuyên truyền nêu "
         "gương người tốt, việc tốt trong quá trình triển khai, thực hiện."])]),
    pytest.param(
        """II. TỔ CHỨC THỰC HIỆN

1. Công an tỉnh có nhiệm vụ bảo đảm an ninh, trật tự trong thời gian tổ chức Tuần lễ.""",
        [("Công an tỉnh", False, ["Công an tỉnh có nhiệm vụ bảo đảm an ninh, trật tự trong thời gian tổ chức Tuần lễ."])],
        id="unit-subject-co-nhiem-vu"),
]


@pytest.mark.parametrize("part,expected", [c if hasattr(c, "id") else pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_assignments(part: str, expected: list[tuple[str, bool, list[str]]]) -> None:
    r = extract(part)
    assert summary(r) == expected
    for a in r.assignments:
        for d in a.duties:
            assert "\n" not in d and "**" not in d and "  " not in d


def test_no_assignments_warning_when_units_found() -> None:
    r = extract(CASES[0][1])
    assert "no-assignments" not in [w.code for w in r.warnings]


def test_plan_without_tcth_part_warns() -> None:
    r = extract("II. NỘI DUNG\n\nTổ chức các hoạt động hưởng ứng Tuần lễ trên địa bàn tỉnh.")
    assert r.assignments == []
    assert "no-assignments" in [w.code for w in r.warnings]


# ---------------------------------------------------------------------------
# Directives, decisions and annexes
# ---------------------------------------------------------------------------

DIRECTIVE = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI

Số: 05/CT-UBND

Quảng Ngãi, ngày 12 tháng 3 năm 2024

CHỈ THỊ
Về tăng cường công tác xây dựng xã hội học tập trên địa bàn tỉnh

Thời gian qua, công tác xây dựng xã hội học tập trên địa bàn tỉnh đã đạt được nhiều kết quả quan trọng. Tuy nhiên, vẫn còn một số hạn chế cần khắc phục. Để tiếp tục đẩy mạnh công tác này, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:

1. Sở Giáo dục và Đào tạo

a) Chủ trì, phối hợp với các sở, ngành tham mưu Ủy ban nhân dân tỉnh triển khai các nhiệm vụ xây dựng xã hội học tập.

b) Hướng dẫn các cơ sở giáo dục đổi mới phương thức học tập suốt đời.

2. Sở Thông tin và Truyền thông chỉ đạo các cơ quan báo chí tăng cường tuyên truyền về xây dựng xã hội học tập.

3. Ủy ban nhân dân các huyện, thị xã, thành phố

- Đưa chỉ tiêu xây dựng xã hội học tập vào nghị quyết phát triển kinh tế - xã hội hằng năm.

- Củng cố, nâng cao hiệu quả hoạt động của các trung tâm học tập cộng đồng.

4. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội tỉnh tăng cường vận động hội viên tham gia học tập suốt đời.

Giám đốc các sở, Thủ trưởng các ban, ngành, Chủ tịch Ủy ban nhân dân các huyện, thị xã, thành phố chịu trách nhiệm thực hiện nghiêm Chỉ thị này./.

Nơi nhận:
- Bộ Giáo dục và Đào tạo (b/c);
- Lưu: VT, KGVX.

CHỦ TỊCH

Đặng Văn Minh
"""


def test_directive_parts_addressed_to_units() -> None:
    r = vnplan.extract_text(DIRECTIVE)
    assert r.doc_type == "CT"
    assert summary(r) == [
        ("Sở Giáo dục và Đào tạo", False, [
            "Chủ trì, phối hợp với các sở, ngành tham mưu Ủy ban nhân dân tỉnh triển khai các nhiệm vụ xây dựng xã hội học tập.",
            "Hướng dẫn các cơ sở giáo dục đổi mới phương thức học tập suốt đời."]),
        ("Sở Thông tin và Truyền thông", False, [
            "Sở Thông tin và Truyền thông chỉ đạo các cơ quan báo chí tăng cường tuyên truyền về xây dựng xã hội học tập."]),
        ("Ủy ban nhân dân các huyện, thị xã, thành phố", False, [
            "Đưa chỉ tiêu xây dựng xã hội học tập vào nghị quyết phát triển kinh tế - xã hội hằng năm.",
            "Củng cố, nâng cao hiệu quả hoạt động của các trung tâm học tập cộng đồng."]),
        ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội tỉnh", True, [
            "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội tỉnh tăng cường vận động hội viên "
            "tham gia học tập suốt đời."]),
    ]


DECISION = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI

Số: 25/QĐ-UBND

Quảng Ngãi, ngày 15 tháng 01 năm 2024

QUYẾT ĐỊNH
Ban hành Kế hoạch tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2024

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;

Theo đề nghị của Giám đốc Sở Giáo dục và Đào tạo tại Tờ trình số 18/TTr-SGDĐT ngày 10/01/2024.

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Kế hoạch tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2024.

Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký.

Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Giáo dục và Đào tạo, Thủ trưởng các cơ quan, đơn vị liên quan chịu trách nhiệm thi hành Quyết định này./.

Nơi nhận:
- Như Điều 3;
- Lưu: VT, KGVX.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Trần Phước Hiền
"""

ATTACHED = """
ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI

KẾ HOẠCH
Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2024
(Ban hành kèm theo Quyết định số 25/QĐ-UBND ngày 15/01/2024 của Chủ tịch Ủy ban nhân dân tỉnh)

I. MỤC ĐÍCH, YÊU CẦU

Nâng cao nhận thức của người dân về học tập suốt đời.

II. TỔ CHỨC THỰC HIỆN

1. Sở Giáo dục và Đào tạo

- Chủ trì, hướng dẫn các đơn vị tổ chức Tuần lễ.

2. Đề nghị Hội Khuyến học tỉnh

- Phối hợp tổ chức Lễ khai mạc.
"""


def test_decision_closing_clause_is_not_an_assignment() -> None:
    r = vnplan.extract_text(DECISION)
    assert r.doc_type == "QĐ"
    assert r.assignments == []


def test_decision_with_attached_plan_gives_the_plan_assignments_only() -> None:
    r = vnplan.extract_text(DECISION + ATTACHED)
    assert (r.doc_type, r.number, r.symbol) == ("QĐ", "25", "QĐ-UBND")
    assert summary(r) == [
        ("Sở Giáo dục và Đào tạo", False, ["Chủ trì, hướng dẫn các đơn vị tổ chức Tuần lễ."]),
        ("Hội Khuyến học tỉnh", True, ["Phối hợp tổ chức Lễ khai mạc."]),
    ]
    assert (r.signer.authority, r.signer.name) == ("KT. CHỦ TỊCH", "Trần Phước Hiền")


ANNEX_TABLE = """
PHỤ LỤC
DANH MỤC NHIỆM VỤ TRIỂN KHAI TUẦN LỄ
(Kèm theo Kế hoạch số 215/KH-UBND ngày 25/9/2023 của Ủy ban nhân dân tỉnh Thanh Hóa)

| TT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn |
|---|---|---|---|---|
| 1 | Xây dựng kế hoạch tổ chức Tuần lễ | Sở Giáo dục và Đào tạo | Hội Khuyến học tỉnh | 28/9/2023 |
| 2 | Tuyên truyền về Tuần lễ | Sở Thông tin và Truyền thông | Báo Thanh Hóa | 30/9/2023 |

II. NHIỆM VỤ CỤ THỂ

1. Sở Tài chính

- Bố trí kinh phí tổ chức Tuần lễ.
"""


def test_annex_task_table_after_signature_gives_no_assignments() -> None:
    part = "II. TỔ CHỨC THỰC HIỆN\n\n1. Sở Giáo dục và Đào tạo\n\n- Chủ trì, hướng dẫn các đơn vị tổ chức Tuần lễ."
    r = extract(part, tail=TAIL + ANNEX_TABLE)
    assert summary(r) == [("Sở Giáo dục và Đào tạo", False, ["Chủ trì, hướng dẫn các đơn vị tổ chức Tuần lễ."])]


def test_assignment_provenance_points_at_the_heading_and_the_bullet() -> None:
    part = "II. TỔ CHỨC THỰC HIỆN\n\n#### **1. Sở Giáo dục và Đào tạo:**\n\n- Chủ trì, hướng dẫn các đơn vị tổ chức Tuần lễ."
    text = HEAD + part + TAIL
    r = vnplan.extract_text(text)
    unit = r.provenance["assignments[0].unit"]
    duty = r.provenance["assignments[0].duties[0]"]
    assert text[unit.start:unit.end] == "Sở Giáo dục và Đào tạo"
    assert text[duty.start:duty.end] == "Chủ trì, hướng dẫn các đơn vị tổ chức Tuần lễ."
