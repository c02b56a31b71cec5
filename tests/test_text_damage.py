"""The same plan, damaged the way files are damaged in the wild, must give the same record.

For each corpus plan (``corpus/plans/*.txt``, gold records in ``corpus/gold``)
a damaged variant is made programmatically and its contract record
(``record.contract()``) is compared with the record of the undamaged text:

(a) Unicode NFD instead of NFC;
(b) the other tone-mark spelling ("hoà"↔"hòa", "uỷ"↔"ủy") over the whole text —
    compared after folding the tone spelling, since a value printed "Thanh Hoá"
    legitimately keeps that spelling (RECORD.md compares with one spelling);
(c) every long line hard-wrapped at 80 columns with a blank line between the
    wrapped lines;
(d) a page break (form feed), with and without a running page number, in the
    middle of a long paragraph that the record quotes (a duty);
(e) CRLF / CR line ends;
(f) UTF-8 with a BOM and UTF-16 bytes read from a file through ``vnplan.extract``.

Then texts that are not plans: a news article about a plan, an English text,
and empty input.
"""
from __future__ import annotations

import codecs
import json
import re
import unicodedata
from pathlib import Path

import pytest

import vnplan
from vnplan.errors import EmptyDocumentError, VnplanError

ROOT = Path(__file__).resolve().parents[1]
PLANS = sorted((ROOT / "corpus" / "plans").glob("*.txt"))
IDS = [p.stem.split("_")[0] for p in PLANS]

assert PLANS, "corpus/plans is empty"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


_CACHE: dict[str, dict] = {}


def original(path: Path) -> dict:
    if path.name not in _CACHE:
        _CACHE[path.name] = vnplan.extract_text(read(path)).contract()
    return _CACHE[path.name]


def differences(a: dict, b: dict) -> dict:
    return {k: (a[k], b[k]) for k in a if a[k] != b[k]}


def assert_same(base: dict, got: dict) -> None:
    diff = differences(base, got)
    assert not diff, json.dumps(diff, ensure_ascii=False, indent=1)[:3000]


# ---------------------------------------------------------------------------
# The undamaged records are worth comparing against: they agree with gold
# ---------------------------------------------------------------------------

def _key(s: object) -> object:
    if not isinstance(s, str):
        return s
    return re.sub(r"\s+", " ", fold_tones(unicodedata.normalize("NFC", s)).casefold()).strip()


@pytest.mark.parametrize("path", PLANS, ids=IDS)
def test_undamaged_record_agrees_with_gold_on_core_keys(path: Path) -> None:
    gold = json.loads((ROOT / "corpus" / "gold" / (path.stem + ".json")).read_text(encoding="utf-8"))
    rec = original(path)
    for k in ("doc_type", "number", "symbol", "issuer", "place", "issued_date", "year", "title", "theme"):
        assert _key(rec[k]) == _key(gold[k]), k
    assert {k: _key(v) for k, v in rec["area"].items()} == {k: _key(v) for k, v in gold["area"].items()}
    assert {k: _key(v) for k, v in rec["signer"].items()} == {k: _key(v) for k, v in gold["signer"].items()}
    assert [_key(x) for x in rec["recipients"]] == [_key(x) for x in gold["recipients"]]
    assert [(b["number"], b["symbol"]) for b in rec["legal_bases"]] == [(b["number"], b["symbol"]) for b in gold["legal_bases"]]
    assert [(p["start"], p["end"]) for p in rec["periods"]] == [(p["start"], p["end"]) for p in gold["periods"]]
    assert [_key(a["unit"]) for a in rec["assignments"]] == [_key(a["unit"]) for a in gold["assignments"]]
    assert [len(a["duties"]) for a in rec["assignments"]] == [len(a["duties"]) for a in gold["assignments"]]
    assert [d["date"] for d in rec["deadlines"]] == [d["date"] for d in gold["deadlines"]]


# ---------------------------------------------------------------------------
# (a) NFD
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", PLANS, ids=IDS)
def test_nfd_text_gives_the_same_record(path: Path) -> None:
    text = read(path)
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    assert_same(original(path), vnplan.extract_text(nfd).contract())


# ---------------------------------------------------------------------------
# (b) The other tone-mark spelling
# ---------------------------------------------------------------------------

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook, dot below


def swap_tones(text: str) -> str:
    """Move the tone mark of a syllable-final "oa", "oe", "uy" to the other vowel: hòa → hoà, hoà → hòa, ủy → uỷ, uỷ → ủy.

    "quý" is left alone: after "q" the "u" is part of the consonant and no spelling puts the mark on it.
    """
    d = unicodedata.normalize("NFD", text)
    d = re.sub(rf"([oO])([{_TONES}])([aAeE])(?!\w)|([oO])([aAeE])([{_TONES}])(?!\w)",
               lambda m: m.group(1) + m.group(3) + m.group(2) if m.group(1) else m.group(4) + m.group(6) + m.group(5), d)
    d = re.sub(rf"(?<![qQ])([uU])([{_TONES}])([yY])(?!\w)|(?<![qQ])([uU])([yY])([{_TONES}])(?!\w)",
               lambda m: m.group(1) + m.group(3) + m.group(2) if m.group(1) else m.group(4) + m.group(6) + m.group(5), d)
    return unicodedata.normalize("NFC", d)


def fold_tones(s: str) -> str:
    """One spelling of tone marks, the mark on the second vowel (as the evaluation's scorer does)."""
    d = unicodedata.normalize("NFD", s)
    d = re.sub(rf"([oO])([{_TONES}])([aAeE])(?!\w)", r"\1\3\2", d)
    d = re.sub(rf"([uU])([{_TONES}])([yY])(?!\w)", r"\1\3\2", d)
    return unicodedata.normalize("NFC", d)


def fold_record(x: object) -> object:
    if isinstance(x, str):
        return fold_tones(x)
    if isinstance(x, list):
        return [fold_record(v) for v in x]
    if isinstance(x, dict):
        return {k: fold_record(v) for k, v in x.items()}
    return x


def test_swap_tones_both_ways() -> None:
    assert swap_tones("Thanh Hóa, Ủy ban, hoà bình, khỏe, Quý IV, hoàn thành") == "Thanh Hoá, Uỷ ban, hòa bình, khoẻ, Quý IV, hoàn thành"
    assert swap_tones(swap_tones("Thanh Hóa, Ủy ban, Thuỷ")) == "Thanh Hóa, Ủy ban, Thuỷ"
    assert fold_tones("Thanh Hóa") == fold_tones("Thanh Hoá") != fold_tones("Thanh Hoa")


@pytest.mark.parametrize("path", PLANS, ids=IDS)
def test_other_tone_spelling_gives_the_same_record(path: Path) -> None:
    text = read(path)
    swapped = swap_tones(text)
    assert swapped != text
    got = vnplan.extract_text(swapped).contract()
    assert_same(fold_record(original(path)), fold_record(got))


# ---------------------------------------------------------------------------
# (c) Hard-wrapped at 80 columns, a blank line between every line
# ---------------------------------------------------------------------------

# A wrapped line never starts with a token that reads as an outline marker
# ("-", "+", "2.", "b)", "II."): that would make the text itself ambiguous, not
# just wrapped. Markdown headings and table rows are single lines by definition
# and are left as they are; shorter lines (header, signature) are untouched.
_MARKERISH = re.compile(r"^(?:[-–—+*•]|\d{1,2}(?:\.\d{1,2})*[.)]?|[a-zđ][.)]|[IVXLC]+[.)])$")


def hard_wrap(text: str, width: int = 80) -> str:
    out = []
    for line in text.split("\n"):
        if len(line) <= width or line.lstrip().startswith("#") or "|" in line:
            out.append(line)
            continue
        chunks: list[str] = []
        cur: list[str] = []
        for w in line.split():
            if cur and len(" ".join(cur + [w])) > width and not _MARKERISH.match(w):
                chunks.append(" ".join(cur))
                cur = [w]
            else:
                cur.append(w)
        chunks.append(" ".join(cur))
        out.append("\n\n".join(chunks))
    return "\n".join(out)


@pytest.mark.parametrize("path", PLANS, ids=IDS)
def test_hard_wrapped_text_gives_the_same_record(path: Path) -> None:
    text = read(path)
    wrapped = hard_wrap(text, 80)
    assert wrapped.count("\n") > text.count("\n") + 10
    assert max(len(ln) for ln in wrapped.split("\n") if not ln.lstrip().startswith("#") and "|" not in ln) <= 120
    assert_same(original(path), vnplan.extract_text(wrapped).contract())


# ---------------------------------------------------------------------------
# (d) A page break in the middle of a long paragraph
# ---------------------------------------------------------------------------

def break_inside_a_duty(text: str, duties: list[str], insert: str) -> str:
    """Replace the space in the middle of the longest duty, where the source prints it, by ``insert``."""
    duty = max(duties, key=len)
    words = duty.split()
    mid = len(words) // 2
    pattern = r"\s+".join(re.escape(w) for w in words[mid - 4:mid]) + r"(\s+)" + r"\s+".join(re.escape(w) for w in words[mid:mid + 4])
    m = re.search(pattern, text)
    assert m, f"duty not found in the text: {duty[:80]}"
    return text[:m.start(1)] + insert + text[m.end(1):]


BREAKS = [
    pytest.param("\n\f", id="form-feed"),
    pytest.param("\n\n\f\n\n", id="form-feed-blank-lines"),
    pytest.param("\n\n- 2 -\n\n\f", id="page-number-dash"),
    pytest.param("\nTrang 2\n\f", id="page-number-trang"),
]


@pytest.mark.parametrize("insert", BREAKS)
@pytest.mark.parametrize("path", PLANS, ids=IDS)
def test_page_break_inside_a_duty_gives_the_same_record(path: Path, insert: str) -> None:
    base = original(path)
    duties = [d for a in base["assignments"] for d in a["duties"]]
    damaged = break_inside_a_duty(read(path), duties, insert)
    assert "\f" in damaged
    assert_same(base, vnplan.extract_text(damaged).contract())


# ---------------------------------------------------------------------------
# (e) Line ends
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("eol", ["\r\n", "\r"], ids=["crlf", "cr"])
@pytest.mark.parametrize("path", PLANS, ids=IDS)
def test_other_line_ends_give_the_same_record(path: Path, eol: str) -> None:
    text = read(path).replace("\n", eol)
    assert_same(original(path), vnplan.extract_text(text).contract())


def test_crlf_offsets_point_into_the_canonical_text() -> None:
    """Provenance offsets are into the canonical (\\n) text, so they still cut out the value."""
    path = PLANS[0]
    rec = vnplan.extract_text(read(path).replace("\n", "\r\n"))
    canon = read(path)
    prov = rec.provenance["number"]
    assert canon[prov.start:prov.end] == rec.number


# ---------------------------------------------------------------------------
# (f) Encodings, through a file
# ---------------------------------------------------------------------------

ENCODINGS = [
    ("utf-8-bom", lambda t: codecs.BOM_UTF8 + t.encode("utf-8")),
    ("utf-16-bom", lambda t: t.encode("utf-16")),
    ("utf-16-le-no-bom", lambda t: t.encode("utf-16-le")),
    ("utf-16-be-no-bom", lambda t: t.encode("utf-16-be")),
    ("utf-8-bom-crlf", lambda t: codecs.BOM_UTF8 + t.replace("\n", "\r\n").encode("utf-8")),
]


@pytest.mark.parametrize("encode", [e for _, e in ENCODINGS], ids=[i for i, _ in ENCODINGS])
@pytest.mark.parametrize("path", PLANS, ids=IDS)
def test_encoded_file_gives_the_same_record(path: Path, encode, tmp_path: Path) -> None:
    f = tmp_path / path.name
    f.write_bytes(encode(read(path)))
    rec = vnplan.extract(f)
    assert_same(original(path), rec.contract())
    assert rec.source.format == "text"
    assert not rec.title or "\ufeff" not in rec.title


def test_bom_does_not_stick_to_the_first_value(tmp_path: Path) -> None:
    """A plan whose first line is the type word: the BOM must not hide it."""
    path = PLANS[3]  # corpus plan 003 starts with "KẾ HOẠCH"
    assert read(path).lstrip().startswith("KẾ HOẠCH")
    f = tmp_path / "bom.txt"
    f.write_bytes(codecs.BOM_UTF8 + read(path).lstrip().encode("utf-8"))
    rec = vnplan.extract(f)
    assert rec.doc_type == "KH"
    assert rec.title == original(path)["title"]


# ---------------------------------------------------------------------------
# Texts that are not plans
# ---------------------------------------------------------------------------

NEWS = """Thanh Hóa tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023

(Baothanhhoa.vn) - Ngày 25/9, UBND tỉnh Thanh Hóa ban hành Kế hoạch số 215/KH-UBND về tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2023 trên địa bàn tỉnh, với chủ đề "Xây dựng năng lực tự học trong kỷ nguyên số".

Theo kế hoạch, Tuần lễ được tổ chức từ ngày 02/10/2023 đến ngày 08/10/2023. Sở Giáo dục và Đào tạo được giao chủ trì, phối hợp với các sở, ngành, đoàn thể cấp tỉnh hướng dẫn các địa phương tổ chức các hoạt động hưởng ứng phù hợp, thiết thực, tránh hình thức.

Ông Nguyễn Văn Hùng, Phó Giám đốc Sở Giáo dục và Đào tạo cho biết, năm nay các hoạt động sẽ chú trọng ứng dụng công nghệ số, khuyến khích người dân khai thác các nguồn học liệu mở và thư viện số. Kết quả tổ chức Tuần lễ sẽ được báo cáo về Bộ Giáo dục và Đào tạo trước ngày 17/10/2023.

Minh Hằng
"""

NEWS_WITH_LIST = """Hà Nội: Triển khai Tuần lễ hưởng ứng học tập suốt đời năm 2024

Ngày 20/9/2024, Sở Giáo dục và Đào tạo Hà Nội có văn bản hướng dẫn các quận, huyện, thị xã tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2024.

Theo đó, các đơn vị cần thực hiện một số nội dung chính:

- Tuyên truyền sâu rộng về Tuần lễ trên các phương tiện thông tin đại chúng;

- Tổ chức Lễ khai mạc Tuần lễ vào ngày 01/10/2024 tại các trường học;

- Báo cáo kết quả về Sở trước ngày 15/10/2024.

Bài và ảnh: Thu Trang
"""

ENGLISH = """Lifelong Learning Week 2023

The provincial People's Committee of Thanh Hoa issued a plan to organise the Lifelong Learning Week from 2 to 8 October 2023. The Department of Education and Training will lead the activities, working with the Association for Promoting Education.

All districts must report their results before 17 October 2023.
"""


@pytest.mark.parametrize("text", [NEWS, NEWS_WITH_LIST, ENGLISH], ids=["news-article", "news-with-list", "english"])
def test_not_a_plan_is_flagged_never_a_traceback(text: str) -> None:
    try:
        rec = vnplan.extract_text(text)
    except VnplanError:
        return
    codes = [w.code for w in rec.warnings]
    assert "not-a-plan" in codes, codes
    # Nothing of a plan's own closing is invented from an article: no units given duties,
    # the byline is not a signer, no recipients.
    assert rec.assignments == []
    assert (rec.signer.authority, rec.signer.position, rec.signer.name) == (None, None, None)
    assert rec.recipients == []


@pytest.mark.parametrize("text", ["", "   \n\n\t  ", "\f\f", "\r\n\r\n"], ids=["empty", "white-space", "form-feeds", "line-ends"])
def test_empty_input_raises_empty_document_error(text: str) -> None:
    with pytest.raises(EmptyDocumentError):
        vnplan.extract_text(text)


def test_empty_file_raises_empty_document_error(tmp_path: Path) -> None:
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    with pytest.raises(EmptyDocumentError):
        vnplan.extract(f)
    g = tmp_path / "bom-only.txt"
    g.write_bytes(codecs.BOM_UTF8 + b"\n \n")
    with pytest.raises(EmptyDocumentError):
        vnplan.extract(g)
