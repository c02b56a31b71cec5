"""Tests of vnplan.layout: physical lines back into the paragraphs a reader sees.

Converters hard-wrap text (often with a blank line after every line), break it
into pages with a running page number, leave markdown markers, escapes and
links in it, and turn two-column headers into pipe tables. Each test builds a
small text in one of those shapes and checks the paragraphs: their text, their
outline marker (kind, label, body) and that every cleaned character still
points at the same character of the canonical text.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from vnplan import layout, segment
from vnplan.io.text import canonical_text
from vnplan.layout import Para

ROOT = Path(__file__).resolve().parents[1]
CORPUS_FILES = sorted((ROOT / "corpus" / "plans").glob("*.txt")) + sorted((ROOT / "corpus" / "dev" / "plans").glob("*.txt"))


def build(text: str) -> tuple[str, list[Para]]:
    canon = canonical_text(text)
    _, paras = layout.build(canon)
    return canon, paras


def texts(paras: list[Para]) -> list[str]:
    return [p.text for p in paras]


def one_line(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def hard_wrap(paragraph: str, width: int) -> list[str]:
    """Greedy word wrap at ``width`` columns (a converter's or a typist's hard wrap)."""
    lines: list[str] = []
    cur: list[str] = []
    for w in paragraph.split():
        if cur and len(" ".join(cur + [w])) > width:
            lines.append(" ".join(cur))
            cur = [w]
        else:
            cur.append(w)
    if cur:
        lines.append(" ".join(cur))
    return lines


def check_offsets(canon: str, paras: list[Para]) -> None:
    """Every non-space character of a paragraph (and of its body) is the character its offset points at.

    The only characters exempt are the " | " separators that join the cells of a
    real table row (three cells or more): they are inserted, not read, and point
    at the character after the cell they follow.
    """
    for p in paras:
        for m in (p.m, p.body):
            assert len(m.text) == len(m.offs)
            inserted = set()
            if p.table_row:
                for sep in re.finditer(r" \| ", m.text):
                    inserted.update(range(sep.start(), sep.end()))
            for i, c in enumerate(m.text):
                if c.isspace() or i in inserted:
                    continue
                off = m.offs[i]
                assert 0 <= off < len(canon), (p.text, i)
                assert canon[off] == c, f"{c!r} at {i} of {m.text[:60]!r} maps to {canon[max(0, off - 5):off + 5]!r}"
            # Mapped.span(i, j) takes offs[i] and offs[j - 1] + 1: it needs offsets in text order.
            assert m.offs == sorted(m.offs), f"offsets go backwards in {m.text[:60]!r}"


# ---------------------------------------------------------------------------
# Hard-wrapped paragraphs, a blank line between every line
# ---------------------------------------------------------------------------

# Real sentences of plans; line starts after wrapping include capitals ("Đại hội",
# "Covid-19", "Thủ tướng"), numbers ("30/7/2021", "1373/QĐ-TTg") and quotes.
PARAGRAPHS = [
    ("purpose",
     "Tổ chức Tuần lễ hưởng ứng học tập suốt đời (Tuần lễ HƯHTSĐ) nhằm nâng cao nhận thức của người dân về vai trò "
     "chuyển đổi số đối với việc học tập suốt đời; tăng cường trách nhiệm của các cấp chính quyền, các ngành, các tổ "
     "chức, đoàn thể, lực lượng xã hội trong việc xây dựng và cung ứng các kênh, công cụ học tập suốt đời cho người dân "
     "để đáp ứng nhu cầu của người học sau đại dịch Covid-19."),
    ("citation-inside",
     "Các hoạt động của Tuần lễ HƯHTSĐ phải đảm bảo thiết thực, hiệu quả trong điều kiện dịch Covid-19 còn diễn biến "
     "phức tạp; gắn với việc triển khai thực hiện Nghị quyết Đại hội Đảng toàn quốc lần thứ XIII, Nghị quyết của Đại "
     "hội đại biểu Đảng bộ tỉnh Thái Nguyên lần thứ XX và Quyết định số 1373/QĐ-TTg ngày 30/7/2021 của Thủ tướng "
     "Chính phủ Phê duyệt Đề án “Xây dựng xã hội học tập giai đoạn 2021-2030”."),
    ("closing-sentence",
     "Trên đây là kế hoạch tổ chức “Tuần lễ học tập suốt đời” của UBND xã Hà Thượng, yêu cầu Trung tâm học tập cộng "
     "đồng, Hội khuyến học và toàn thể cán bộ, giáo viên, nhân viên và học sinh 3 nhà trường tham gia hưởng ứng và "
     "thực hiện tốt kế hoạch đã đề ra./."),
]


@pytest.mark.parametrize("width", [60, 72, 80])
@pytest.mark.parametrize("paragraph", [p for _, p in PARAGRAPHS], ids=[i for i, _ in PARAGRAPHS])
def test_hard_wrapped_blank_separated_paragraph_reads_as_one(paragraph: str, width: int) -> None:
    lines = hard_wrap(paragraph, width)
    assert len(lines) >= 3
    text = "1. Mục đích.\n\n" + "\n\n".join(lines) + "\n\n2. Yêu cầu.\n\n" + "\n\n".join(hard_wrap(PARAGRAPHS[0][1], width)) + "\n"
    canon, paras = build(text)
    assert texts(paras) == ["1. Mục đích.", paragraph, "2. Yêu cầu.", PARAGRAPHS[0][1]]
    assert [p.marker for p in paras] == ["num", None, "num", None]
    check_offsets(canon, paras)


# Lines of a paragraph hard-wrapped at 80 columns, a blank line after each (corpus plan 004's shape).
WRAPPED_FILL = [
    "Tổ chức Tuần lễ hưởng ứng học tập suốt đời nhằm nâng cao nhận thức của người",
    "dân về vai trò chuyển đổi số đối với việc học tập suốt đời; tăng cường trách",
    "nhiệm của các cấp chính quyền, các ngành, các tổ chức, đoàn thể, lực lượng xã",
    "hội trong việc xây dựng và cung ứng các kênh, công cụ học tập suốt đời cho",
    "người dân để đáp ứng nhu cầu của người học sau đại dịch Covid-19; phát triển",
    "tư duy và rèn luyện nhân cách con người; hình thành thói quen đọc sách của",
    "mỗi người và xây dựng văn hóa đọc trong các cộng đồng dân cư trên địa bàn.",
]

WRAP_POINTS = [
    pytest.param(["- Chỉ đạo Phòng Văn hóa - Thông tin; Trung tâm Văn hóa, Thông tin, Thể thao và Du lịch",
                  "các huyện, thị xã, thành phố tuyên truyền về tác dụng của việc tập luyện thể",
                  "dục thể thao thường xuyên đối với sức khoẻ; tổ chức các hoạt động thể dục."], id="lower-case-after-semicolon"),
    pytest.param(["- Tổ chức tuyên truyền, đưa tin, bài về các hoạt động của Tuần lễ hưởng ứng học tập",
                  "suốt đời, phát hiện, nhân rộng các tấm gương tự học, học tập suốt đời,",
                  "xây dựng các chuyên mục phục vụ học tập suốt đời phù hợp với địa phương."], id="lower-case-after-comma"),
    pytest.param(["b) Phát động phong trào thi đua dạy tốt, học tốt, tổ chức các (lớp học, tập",
                  "huấn, hội thảo, diễn đàn, giao lưu...)",
                  "hoạt động khuyến học, hoạt động chuyên đề ở các trường học trong Tuần lễ."],
                 id="lower-case-after-ellipsis-in-parentheses"),
    pytest.param(["- Chỉ đạo Thư viện tỉnh tổ chức triển lãm sách, giới thiệu sách hay trên website bổ ích,...",
                  "nhằm thu hút các tầng lớp nhân dân trên địa bàn tỉnh đến đọc sách, báo."],
                 id="lower-case-after-comma-ellipsis"),
]


@pytest.mark.parametrize("item", WRAP_POINTS)
def test_wrapped_item_goes_on_after_punctuation_when_next_line_is_lower_case(item: list[str]) -> None:
    text = "\n\n".join(WRAPPED_FILL) + "\n\n" + "\n\n".join(item) + "\n\n" + "\n\n".join(WRAPPED_FILL) + "\n"
    canon, paras = build(text)
    fill = " ".join(WRAPPED_FILL)
    assert texts(paras) == [fill, " ".join(item), fill]
    check_offsets(canon, paras)


def test_hard_wrapped_bullets_stay_apart() -> None:
    """Each "-" item of a hard-wrapped list is its own paragraph, its wrapped lines joined."""
    items = [
        "Triển khai các chương trình học tập trực tuyến, đẩy mạnh ứng dụng công nghệ thông tin trong hoạt động dạy, "
        "học, hoạt động thư viện; xây dựng, thu thập và khai thác các nguồn tài nguyên giáo dục mở hữu ích.",
        "Tổ chức các lớp tập huấn, hướng dẫn về kỹ năng tìm kiếm, khai thác, sử dụng thông tin trên mạng Internet một "
        "cách an toàn, hiệu quả cho học sinh, cha mẹ học sinh, cán bộ công nhân viên chức, người lao động trên địa bàn.",
        "Tổ chức các diễn đàn, cuộc thi về chủ đề công dân học tập, công dân toàn cầu giúp học sinh và người dân tìm "
        "hiểu về các kỹ năng và năng lực thiết yếu của công dân trong thời đại số hóa và toàn cầu hóa.",
    ]
    text = "2.1 Phát động tuần học tập suốt đời.\n\n" + "\n\n".join("\n\n".join(hard_wrap("- " + it, 80)) for it in items) + "\n"
    canon, paras = build(text)
    assert [p.marker for p in paras] == ["nested2", "dash", "dash", "dash"]
    assert [p.body.text for p in paras[1:]] == items
    check_offsets(canon, paras)


# ---------------------------------------------------------------------------
# Page breaks and running page numbers inside a sentence
# ---------------------------------------------------------------------------

FIRST = "Tổ chức Tuần lễ hưởng ứng học tập suốt đời nhằm nâng cao nhận thức của người dân về vai trò"
SECOND = "của chuyển đổi số đối với việc học tập suốt đời."
SENTENCE = FIRST + " " + SECOND

PAGE_BREAKS = [
    pytest.param("\n\f", id="form-feed"),
    pytest.param("\n\n\f\n\n", id="form-feed-between-blank-lines"),
    pytest.param("\n\f\n", id="form-feed-own-line"),
    pytest.param("\n\n- 2 -\n\n\f", id="footer-dash-2"),
    pytest.param("\n\f- 2 -\n", id="header-dash-2-after-form-feed"),
    pytest.param("\n\nTrang 3\n\n\f", id="footer-trang-3"),
    pytest.param("\n2\n\f", id="footer-bare-2"),
]


@pytest.mark.parametrize("brk", PAGE_BREAKS)
def test_sentence_split_by_page_break_reads_as_one(brk: str) -> None:
    text = "1. Mục đích\n\n" + FIRST + brk + SECOND + "\n\n2. Yêu cầu\n"
    canon, paras = build(text)
    # Stand-alone page numbers may remain as paragraphs of their own (the segmenter
    # drops them as noise); the sentence itself must be one paragraph, unmarked.
    content = [p for p in paras if not re.fullmatch(r"(?:-\s*)?\d{1,3}(?:\s*-)?|Trang \d+", p.text)]
    assert texts(content) == ["1. Mục đích", SENTENCE, "2. Yêu cầu"]
    assert content[1].marker is None
    check_offsets(canon, paras)


def test_running_page_number_never_inside_a_paragraph_after_segmenting() -> None:
    text = "1. Mục đích\n\n" + FIRST + "\n\n- 2 -\n\n\f" + SECOND + "\n\n2. Yêu cầu\n"
    _, paras = build(text)
    st = segment.segment(paras)
    kept = [p.text for p in st.paras if p.noise is None]
    assert SENTENCE in kept
    assert not any("- 2 -" in t or t.startswith("2 -") for t in kept)


def test_page_of_each_line_follows_form_feeds() -> None:
    lines = layout.split_lines(canonical_text("trang một\n\ftrang hai\ncòn trang hai\n\f\ftrang bốn"))
    pages = {ln.text: ln.page for ln in lines if ln.text}
    assert pages == {"trang một": 1, "trang hai": 2, "còn trang hai": 2, "trang bốn": 4}


# ---------------------------------------------------------------------------
# Markdown from converters
# ---------------------------------------------------------------------------

MARKDOWN = [
    # (id, line, marker, label, body)
    ("heading-bold-number", "## **5. Tổ chức thực hiện**", "num", "5.", "Tổ chức thực hiện"),
    ("heading-bold-nested", "### **5.1. Phòng Giáo dục và Đào tạo Quận:**", "nested2", "5.1.", "Phòng Giáo dục và Đào tạo Quận:"),
    ("heading-bold-roman", "### **III. TỔ CHỨC THỰC HIỆN**", "roman", "III.", "TỔ CHỨC THỰC HIỆN"),
    ("bold-label-then-text", "**2.2. Thời gian:** Lúc 8 giờ, ngày 01/10/2021 (*thứ Sáu*).", "nested2", "2.2.",
     "Thời gian: Lúc 8 giờ, ngày 01/10/2021 (thứ Sáu)."),
    ("bold-type-word", "**KẾ HOẠCH**", None, "", "KẾ HOẠCH"),
    ("italic-theme", "Chủ đề của Tuần lễ: *Xây dựng năng lực tự học trong kỷ nguyên số.*", None, "",
     "Chủ đề của Tuần lễ: Xây dựng năng lực tự học trong kỷ nguyên số."),
    ("italic-inside-quotes", "với chủ đề \"*Chuyển đổi số để xây dựng thành công một xã hội học tập mới*\" trên địa bàn quận", None, "",
     "với chủ đề \"Chuyển đổi số để xây dựng thành công một xã hội học tập mới\" trên địa bàn quận"),
    ("bold-and-italic-in-bullet", "- Tổ chức *Lễ khai mạc* vào **7h00** ngày 06/10/2022;", "dash", "-",
     "Tổ chức Lễ khai mạc vào 7h00 ngày 06/10/2022;"),
    ("bold-date-in-sentence", "báo cáo về Ủy ban nhân dân quận **chậm nhất ngày 29/9/2021**.", None, "",
     "báo cáo về Ủy ban nhân dân quận chậm nhất ngày 29/9/2021."),
    ("escaped-underscore", "- Gửi về địa chỉ nguyenvansan\\_longbien@hanoi.gov.vn trước ngày 12/10/2023.", "dash", "-",
     "Gửi về địa chỉ nguyenvansan_longbien@hanoi.gov.vn trước ngày 12/10/2023."),
    ("mail-link", "theo địa chỉ thư điện tử: [nguyenvansan\\_longbien@hanoi.gov.vn](mailto:nguyenvansan_longbien@hanoi.gov.vn) trước ngày 12/10/2023",
     None, "", "theo địa chỉ thư điện tử: nguyenvansan_longbien@hanoi.gov.vn trước ngày 12/10/2023"),
    ("web-link", "Xem [Kế hoạch số 50/KH-UBND](https://vanban.thanhhoa.gov.vn/kh50-2022.pdf) của UBND tỉnh.", None, "",
     "Xem Kế hoạch số 50/KH-UBND của UBND tỉnh."),
    ("pandoc-escaped-number", "1\\. Mục đích", "num", "1.", "Mục đích"),
    ("pandoc-escaped-letter", "a\\) Đẩy mạnh công tác tuyên truyền", "letter", "a)", "Đẩy mạnh công tác tuyên truyền"),
    ("pandoc-escaped-star", "\\* Thời gian: 15 giờ 12/10/2022.", "bullet", "*", "Thời gian: 15 giờ 12/10/2022."),
    ("pandoc-escaped-plus", "\\+ Cấp MN: Tổ chức Lễ phát động lồng ghép trong buổi họp HĐSP nhà trường.", "plus", "+",
     "Cấp MN: Tổ chức Lễ phát động lồng ghép trong buổi họp HĐSP nhà trường."),
    ("bold-recipients-head", "#### **Nơi nhận:**", None, "", "Nơi nhận:"),
]


@pytest.mark.parametrize("line,marker,label,body", [m[1:] for m in MARKDOWN], ids=[m[0] for m in MARKDOWN])
def test_markdown_markers_removed(line: str, marker: str | None, label: str, body: str) -> None:
    canon, paras = build(line + "\n")
    assert len(paras) == 1, texts(paras)
    p = paras[0]
    assert (p.marker, p.label, p.body.text) == (marker, label, body)
    assert not re.search(r"\*\*|(?<!\S)\*(?=\S)|\\_|\]\(|^#", p.text)
    check_offsets(canon, paras)


def test_markdown_heading_level_and_bold_kept_as_attributes() -> None:
    _, paras = build("## **5. Tổ chức thực hiện**\n\n### **5.1. Phòng Giáo dục và Đào tạo Quận:**\n\n"
                     "- Là cơ quan thường trực, tham mưu xây dựng kế hoạch.\n\n**KẾ HOẠCH**\n")
    assert [p.md_heading for p in paras] == [2, 3, 0, 0]
    assert [p.bold for p in paras[2:]] == [False, True]


def test_stamp_lines_between_heading_and_bullets_are_separate_paragraphs() -> None:
    """OCR'd stamp text under a markdown heading (corpus plan 000) never joins the heading or the bullet."""
    text = ("### **5.1. Phòng Giáo dục và Đào tạo Quận:**\n\nX.H.C.  \nPHÒNG  \nÁO D  \nĐÀO  \nV.G. BIÊN\n\n\n\n"
            "- Là cơ quan thường trực, phối hợp với Hội Khuyến học tham mưu BCĐ Quận xây dựng kế hoạch.\n")
    canon, paras = build(text)
    assert paras[0].body.text == "Phòng Giáo dục và Đào tạo Quận:"
    assert paras[-1].marker == "dash"
    assert paras[-1].body.text == "Là cơ quan thường trực, phối hợp với Hội Khuyến học tham mưu BCĐ Quận xây dựng kế hoạch."
    check_offsets(canon, paras)


# ---------------------------------------------------------------------------
# Table pipes
# ---------------------------------------------------------------------------

TWO_CELLS = [
    ("number-and-date", "| Số: 22/KH-UBND | Hà Nội, ngày 05 tháng 3 năm 2024 |", ["Số: 22/KH-UBND", "Hà Nội, ngày 05 tháng 3 năm 2024"]),
    ("no-outer-pipes", "Số: 22/KH-UBND | Hà Nội, ngày 05 tháng 3 năm 2024", ["Số: 22/KH-UBND", "Hà Nội, ngày 05 tháng 3 năm 2024"]),
    ("body-and-motto", "| ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |", ["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]),
    ("bold-cells", "| **TỈNH QUẢNG NGÃI** | **Độc lập - Tự do - Hạnh phúc** |", ["TỈNH QUẢNG NGÃI", "Độc lập - Tự do - Hạnh phúc"]),
    ("empty-middle-cell", "| Số:           /KH-UBND |  |        Lào Cai, ngày       tháng      năm 2026", ["Số: /KH-UBND", "Lào Cai, ngày tháng năm 2026"]),
    ("recipient-and-note", "- Sở GD&ĐT Hà Nội; | để báo cáo", ["- Sở GD&ĐT Hà Nội;", "để báo cáo"]),
]


@pytest.mark.parametrize("line,cells", [c[1:] for c in TWO_CELLS], ids=[c[0] for c in TWO_CELLS])
def test_two_cell_row_becomes_two_lines(line: str, cells: list[str]) -> None:
    canon, paras = build(line + "\n|---|---|\n")
    assert texts(paras) == cells
    assert not any("|" in p.text for p in paras)
    check_offsets(canon, paras)


def test_header_table_rows_give_one_paragraph_per_cell() -> None:
    text = ("| ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n|---|---|\n"
            "| TỈNH QUẢNG NGÃI | Độc lập - Tự do - Hạnh phúc |\n"
            "| Số: 22/KH-UBND | Quảng Ngãi, ngày 05 tháng 3 năm 2024 |\n")
    canon, paras = build(text)
    assert texts(paras) == ["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "TỈNH QUẢNG NGÃI",
                            "Độc lập - Tự do - Hạnh phúc", "Số: 22/KH-UBND", "Quảng Ngãi, ngày 05 tháng 3 năm 2024"]
    check_offsets(canon, paras)


def test_rows_of_a_real_table_stay_rows() -> None:
    text = ("| TT | Nhiệm vụ | Đơn vị chủ trì | Thời hạn |\n|---|---|---|---|\n"
            "| 1 | Xây dựng kế hoạch tổ chức Tuần lễ | Phòng Giáo dục và Đào tạo | 28/9/2023 |\n"
            "| 2 | Báo cáo kết quả | Ủy ban nhân dân các xã | 15/10/2023 |\n")
    canon, paras = build(text)
    assert texts(paras) == [
        "TT | Nhiệm vụ | Đơn vị chủ trì | Thời hạn",
        "1 | Xây dựng kế hoạch tổ chức Tuần lễ | Phòng Giáo dục và Đào tạo | 28/9/2023",
        "2 | Báo cáo kết quả | Ủy ban nhân dân các xã | 15/10/2023",
    ]
    assert all(p.table_row for p in paras)
    check_offsets(canon, paras)


# ---------------------------------------------------------------------------
# Outline markers
# ---------------------------------------------------------------------------

MARKERS = [
    # (id, line, kind, label, body)
    ("roman", "I. MỤC ĐÍCH, YÊU CẦU", "roman", "I.", "MỤC ĐÍCH, YÊU CẦU"),
    ("roman-iv", "IV. KINH PHÍ THỰC HIỆN", "roman", "IV.", "KINH PHÍ THỰC HIỆN"),
    ("roman-no-space", "II.TỔ CHỨC THỰC HIỆN", "roman", "II.", "TỔ CHỨC THỰC HIỆN"),
    ("upper-letter", "A. PHẦN MỞ ĐẦU", "upper", "A.", "PHẦN MỞ ĐẦU"),
    ("part", "PHẦN I. MỤC ĐÍCH, YÊU CẦU", "part", "PHẦN I.", "MỤC ĐÍCH, YÊU CẦU"),
    ("article", "Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh chịu trách nhiệm thi hành Quyết định này./.", "article", "Điều 3.",
     "Chánh Văn phòng Ủy ban nhân dân tỉnh chịu trách nhiệm thi hành Quyết định này./."),
    ("num", "1. Mục đích", "num", "1.", "Mục đích"),
    ("num-two-digits", "11. Ủy ban nhân dân 11 phường:", "num", "11.", "Ủy ban nhân dân 11 phường:"),
    ("num-paren", "3) Sở Y tế: Chỉ đạo các cơ sở y tế", "num", "3)", "Sở Y tế: Chỉ đạo các cơ sở y tế"),
    ("num-no-space", "2.Yêu cầu", "num", "2.", "Yêu cầu"),
    ("nested2", "1.1. Thư viện tỉnh", "nested2", "1.1.", "Thư viện tỉnh"),
    ("nested2-no-final-dot", "2.1 Phát động tuần học tập suốt đời.", "nested2", "2.1", "Phát động tuần học tập suốt đời."),
    ("nested3", "2.2.1. Lễ tổng kết", "nested3", "2.2.1.", "Lễ tổng kết"),
    ("letter", "a) Tổ chức Tuần lễ nhằm tiếp tục đẩy mạnh phong trào học tập", "letter", "a)",
     "Tổ chức Tuần lễ nhằm tiếp tục đẩy mạnh phong trào học tập"),
    ("letter-d-bar", "đ) Tổ chức các cuộc thi và hoạt động trải nghiệm về công nghệ số", "letter", "đ)",
     "Tổ chức các cuộc thi và hoạt động trải nghiệm về công nghệ số"),
    ("letter-dot", "b. Hướng dẫn các đơn vị", "letter", "b.", "Hướng dẫn các đơn vị"),
    ("dash", "- Lưu: VT, VX.", "dash", "-", "Lưu: VT, VX."),
    ("en-dash", "– Tổ chức kiểm tra, đánh giá kết quả thực hiện Tuần lễ.", "dash", "–", "Tổ chức kiểm tra, đánh giá kết quả thực hiện Tuần lễ."),
    ("plus", "+ Cấp TH, THCS: Tổ chức lễ phát động đồng loạt vào giờ chào cờ", "plus", "+",
     "Cấp TH, THCS: Tổ chức lễ phát động đồng loạt vào giờ chào cờ"),
    ("star", "* Địa điểm: Trường THCS Hà Thượng.", "bullet", "*", "Địa điểm: Trường THCS Hà Thượng."),
    ("dot-bullet", "• Nội dung tuyên truyền", "bullet", "•", "Nội dung tuyên truyền"),
    # Not markers: the letter subject, years, counts, dates.
    ("v-slash-v", "V/v tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2024", None, "", "V/v tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2024"),
    ("v-slash-v-caps", "V/V tổ chức Tuần lễ hưởng ứng học tập suốt đời", None, "", "V/V tổ chức Tuần lễ hưởng ứng học tập suốt đời"),
    ("v-dot-v", "V.v tổ chức Tuần lễ hưởng ứng học tập suốt đời", None, "", "V.v tổ chức Tuần lễ hưởng ứng học tập suốt đời"),
    ("year-range", "2021-2030 là giai đoạn đẩy mạnh học tập suốt đời", None, "", "2021-2030 là giai đoạn đẩy mạnh học tập suốt đời"),
    ("count", "03 nhà trường tổ chức Lễ khai mạc", None, "", "03 nhà trường tổ chức Lễ khai mạc"),
    ("date-first", "30/7/2021 là ngày ban hành Quyết định", None, "", "30/7/2021 là ngày ban hành Quyết định"),
]


@pytest.mark.parametrize("line,kind,label,body", [m[1:] for m in MARKERS], ids=[m[0] for m in MARKERS])
def test_outline_marker(line: str, kind: str | None, label: str, body: str) -> None:
    canon, paras = build(line + "\n")
    assert len(paras) == 1
    p = paras[0]
    assert (p.marker, p.label, p.body.text) == (kind, label, body)
    check_offsets(canon, paras)


def test_v_slash_v_under_number_is_not_a_roman_heading() -> None:
    text = "Số: 522/UBND-VX\nV/v tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2024\n"
    _, paras = build(text)
    assert [p.marker for p in paras] == [None, None]
    assert paras[1].text.startswith("V/v ")


YEAR_RANGES = [
    ("wrapped", "Thực hiện Đề án xây dựng xã hội học tập giai đoạn 2021\n- 2025 trên địa bàn tỉnh.\n"),
    ("wrapped-blank-line", "Thực hiện Đề án xây dựng xã hội học tập giai đoạn 2021\n\n- 2025 trên địa bàn tỉnh.\n"),
    ("wrapped-en-dash", "Thực hiện Đề án xây dựng xã hội học tập giai đoạn 2021\n– 2025 trên địa bàn tỉnh.\n"),
]


@pytest.mark.parametrize("text", [t for _, t in YEAR_RANGES], ids=[i for i, _ in YEAR_RANGES])
def test_year_range_wrapped_before_its_dash_is_not_a_dash_item(text: str) -> None:
    canon, paras = build(text)
    assert len(paras) == 1
    assert paras[0].marker is None
    assert re.fullmatch(r"Thực hiện Đề án xây dựng xã hội học tập giai đoạn 2021 [-–] 2025 trên địa bàn tỉnh\.", paras[0].text)
    check_offsets(canon, paras)


def test_dash_item_after_a_year_that_ends_a_sentence_stays_an_item() -> None:
    """Only a year range continues: a sentence that ends in a year, then a real item."""
    _, paras = build("Thời gian thực hiện: năm 2025.\n- 2026: tổng kết, đánh giá.\n")
    assert texts(paras) == ["Thời gian thực hiện: năm 2025.", "- 2026: tổng kết, đánh giá."]


# ---------------------------------------------------------------------------
# Offsets into the canonical text
# ---------------------------------------------------------------------------

UGLY = (
    "**ỦY BAN NHÂN DÂN**  \n**TỈNH THANH HÓA**\n\n| Số: /KH-UBND | *Thanh Hóa, ngày tháng năm 2023* |\n|---|---|\n\n"
    "## **KẾ HOẠCH**\n\n### Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023\n\n"
    "Thực hiện Công văn số 4864/BGDĐT-GDTrX, ngày 08/9/2023 của Bộ Giáo dục và Đào tạo về việc tổ chức Tuần lễ\n"
    "hưởng ứng học tập suốt đời năm 2023, Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:\n\n"
    "#### **I. MỤC ĐÍCH, YÊU CẦU**\n\n1\\. Mục đích\n\n- Tổ chức *Tuần lễ* nhằm đẩy mạnh [phong trào](http://x.vn/a_b) học tập\n\n"
    "suốt đời\f trong các tầng lớp nhân dân; gửi về nguyenvansan\\_longbien@hanoi.gov.vn.\n\n"
    "\\+ Cấp MN: Tổ chức Lễ phát động.\n\n| TT | Nhiệm vụ | Thời hạn |\n|---|---|---|\n| 1 | Báo cáo | 15/10/2023 |\n"
)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.stem for p in CORPUS_FILES])
def test_offsets_point_at_the_same_characters_in_corpus_plans(path: Path) -> None:
    canon, paras = build(path.read_text(encoding="utf-8"))
    assert paras
    check_offsets(canon, paras)


def test_offsets_point_at_the_same_characters_in_ugly_markdown() -> None:
    canon, paras = build(UGLY)
    assert "Tổ chức Tuần lễ nhằm đẩy mạnh phong trào học tập suốt đời trong các tầng lớp nhân dân; gửi về "\
           "nguyenvansan_longbien@hanoi.gov.vn." in [p.body.text for p in paras]
    check_offsets(canon, paras)


def test_span_of_a_cleaned_value_is_the_printed_text() -> None:
    """A span read through ``Mapped.span`` covers exactly the printed characters, markers included."""
    text = "### **5.1. Phòng Giáo dục và Đào tạo Quận:**\n"
    canon, paras = build(text)
    body = paras[0].body
    s, e = body.span(0, len("Phòng Giáo dục và Đào tạo Quận"))
    assert canon[s:e] == "Phòng Giáo dục và Đào tạo Quận"
