"""Tests of the closing through ``vnplan.extract_text``: the signer (authority,
position, name) and the Nơi nhận recipients.

The authority is the signing-for lines as printed ("TM. ỦY BAN NHÂN DÂN KT. CHỦ
TỊCH"), the position the signer's own title, the name as printed; recipients
have no bullet, trailing ";" or note such as "(b/c)", and the filing line
"Lưu: ..." is not one (RECORD.md).
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

Thực hiện Công văn số 4864/BGDĐT-GDTrX ngày 08/9/2023 của Bộ Giáo dục và Đào tạo, Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:

I. TỔ CHỨC THỰC HIỆN

1. Sở Giáo dục và Đào tạo

- Chủ trì, hướng dẫn các đơn vị triển khai thực hiện Kế hoạch.

Trên đây là Kế hoạch tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023 trên địa bàn tỉnh./.

"""

RECIPIENTS = "Nơi nhận:\n- Sở Giáo dục và Đào tạo;\n- Lưu: VT.\n\n"


def extract(closing: str) -> PlanRecord:
    return vnplan.extract_text(HEAD + closing)


def signer(r: PlanRecord) -> tuple[str | None, str | None, str | None]:
    return (r.signer.authority, r.signer.position, r.signer.name)


# ---------------------------------------------------------------------------
# Signer
# ---------------------------------------------------------------------------

SIGNERS = [
    ("tm-kt", "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n\n\nĐầu Thanh Tùng\n",
     ("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Đầu Thanh Tùng")),
    ("kt-only", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nĐặng Văn Thi\n", ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Đặng Văn Thi")),
    ("tm-board", "TM. BAN THƯỜNG TRỰC\nCHỦ TỊCH\n\nPhạm Thị Thúy\n", ("TM. BAN THƯỜNG TRỰC", "CHỦ TỊCH", "Phạm Thị Thúy")),
    ("no-authority", "CHỦ TỊCH\n\nNguyễn Văn Đức\n", (None, "CHỦ TỊCH", "Nguyễn Văn Đức")),
    ("no-authority-bold-markdown", "  \n**CHỦ TỊCH**  \n**Nguyễn Văn Đức**\n", (None, "CHỦ TỊCH", "Nguyễn Văn Đức")),
    ("kt-without-dot", "KT GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\nTrương Hải Thanh\n", ("KT GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trương Hải Thanh")),
    ("kt-bold-two-lines", "**KT. TRƯỞNG BAN  \nPHÓ TRƯỞNG BAN THƯỜNG TRỰC**\n\n\n\n**Vũ Thị Thu Hà**\n",
     ("KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN THƯỜNG TRỰC", "Vũ Thị Thu Hà")),
    ("authority-broken-over-two-lines", "TM. ỦY BAN NHÂN\nDÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nLâm Hải Giang\n",
     ("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lâm Hải Giang")),
    ("flattened-in-a-table-cell", "| Nơi nhận: - Như trên; - Lưu: VT. | KT. CHỦ TỊCH PHÓ CHỦ TỊCH Lâm Hải Giang |\n",
     ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lâm Hải Giang")),
    ("tl-by-order", "TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG\n\nLê Văn Bình\n", ("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Lê Văn Bình")),
    ("signature-before-recipients", None, ("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Đầu Thanh Tùng")),
    pytest.param("KT. CHỦ TỊCH PHÓ CHỦ TỊCH Lâm Hải Giang\n", ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lâm Hải Giang"),
                 id="flattened-one-line"),
    pytest.param("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Lâm Hải Giang\n",
                 ("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lâm Hải Giang"),
                 id="flattened-one-line-tm-kt"),
]


@pytest.mark.parametrize("block,expected", [c if hasattr(c, "id") else pytest.param(*c[1:], id=c[0]) for c in SIGNERS])
def test_signer(block: str | None, expected: tuple) -> None:
    if block is None:  # the signature column read before the Nơi nhận column
        text = "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nĐầu Thanh Tùng\n\n" + RECIPIENTS
    elif block.startswith("|"):
        text = block
    else:
        text = RECIPIENTS + block
    r = extract(text)
    assert signer(r) == expected
    assert "no-signer" not in [w.code for w in r.warnings]


def test_no_signature_block_gives_nulls() -> None:
    r = extract(RECIPIENTS)
    assert signer(r) == (None, None, None)


# ---------------------------------------------------------------------------
# Recipients
# ---------------------------------------------------------------------------

SIGN = "\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nĐầu Thanh Tùng\n"

RECIPIENT_CASES = [
    ("notes-dropped",
     "Nơi nhận:\n- Bộ Giáo dục và Đào tạo (b/c);\n- Chủ tịch, các PCT UBND tỉnh (để b/c);\n- Ban Tuyên giáo Tỉnh ủy;\n"
     "- UBND quận (CT, các PCT);\n- Lưu: VT, VX.\n",
     ["Bộ Giáo dục và Đào tạo", "Chủ tịch, các PCT UBND tỉnh", "Ban Tuyên giáo Tỉnh ủy", "UBND quận (CT, các PCT)"]),
    ("more-notes",
     "Nơi nhận:\n- Như trên;\n- TT ĐU, HĐND xã (Báo cáo);\n- Sở Tài chính (để phối hợp);\n- Các phòng, đơn vị (thực hiện);\n- Lưu: VT.\n",
     ["Như trên", "TT ĐU, HĐND xã", "Sở Tài chính", "Các phòng, đơn vị"]),
    ("note-in-a-cell", "#### **Nơi nhận:**\n\n- Sở GD&ĐT Hà Nội; | để báo cáo\n- BCĐ XDXHHT Quận;\n- UBND các phường;\n- Lưu: VT ( 02 ).\n",
     ["Sở GD&ĐT Hà Nội", "BCĐ XDXHHT Quận", "UBND các phường"]),
    ("flattened-one-line", "Nơi nhận: - Như Điều 3; - Chủ tịch, các PCT UBND tỉnh; - Sở Giáo dục và Đào tạo; - Lưu: VT, KGVX.\n",
     ["Như Điều 3", "Chủ tịch, các PCT UBND tỉnh", "Sở Giáo dục và Đào tạo"]),
    ("wrapped-recipient",
     "Nơi nhận:\n- Bộ Giáo dục và Đào tạo (b/c);\n- Ban Tuyên giáo Tỉnh ủy, Ủy ban Mặt trận Tổ quốc Việt Nam\ntỉnh và các tổ chức chính trị - xã hội tỉnh;\n"
     "- Lưu: VT, VX.\n",
     ["Bộ Giáo dục và Đào tạo", "Ban Tuyên giáo Tỉnh ủy, Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội tỉnh"]),
    ("blank-lines-between", "Nơi nhận: \n- Hội KH huyện; \n\n- Phòng GD&ĐT huyện; \n\n- TT Đảng ủy-HĐND xã; \n\n- Lưu: VT xã \n",
     ["Hội KH huyện", "Phòng GD&ĐT huyện", "TT Đảng ủy-HĐND xã"]),
    ("filing-with-copies", "Nơi nhận:\n- Sở Giáo dục và Đào tạo;\n- Lưu: VT, GDĐT, 02 bản.\n", ["Sở Giáo dục và Đào tạo"]),
]


@pytest.mark.parametrize("block,expected", [pytest.param(*c[1:], id=c[0]) for c in RECIPIENT_CASES])
def test_recipients(block: str, expected: list[str]) -> None:
    r = extract(block + SIGN)
    assert r.recipients == expected
    assert signer(r) == ("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Đầu Thanh Tùng")


def test_layout_columns_interleaved() -> None:
    """pdftotext -layout puts the Nơi nhận column and the signature column on the same lines."""
    block = ("Nơi nhận:                                   TM. ỦY BAN NHÂN DÂN\n"
             "- Bộ Giáo dục và Đào tạo (b/c);                  KT. CHỦ TỊCH\n"
             "- Sở Tài chính;                                  PHÓ CHỦ TỊCH\n"
             "- Lưu: VT, VX.\n\n"
             "                                                  Đầu Thanh Tùng\n")
    r = extract(block)
    assert r.recipients == ["Bộ Giáo dục và Đào tạo", "Sở Tài chính"]
    assert signer(r) == ("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Đầu Thanh Tùng")


def test_closing_provenance_points_at_the_printed_name() -> None:
    text = HEAD + RECIPIENTS + "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n**Đặng Văn Thi**\n"
    r = vnplan.extract_text(text)
    p = r.provenance["signer.name"]
    assert text[p.start:p.end] == "Đặng Văn Thi"
    q = r.provenance["recipients[0]"]
    assert text[q.start:q.end] == "Sở Giáo dục và Đào tạo"
