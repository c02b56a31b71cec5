"""The header: issuing body, number and symbol, place and date of issue.

Reads the header part found by the segmenter (its lines may come in any order
of the two columns). When a text has no header (a plan copied without it),
the number may still be found where the plan cites itself in an annex.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..dates import find_dates
from ..layout import Para
from ..normalize import clean_value, sentence_case_name, strip_diacritics
from ..segment import Part, is_date_line, is_letter_subject, is_motto, is_number_line
from ..textmap import Mapped
from . import Found

_PARTY_NUMBER = re.compile(r"^S[ốôoỐÔO]\s*[:.;]?\s*(?P<num>\d{1,5})\s*-\s*(?P<sym>[A-ZĐ][A-Za-zĐđ]*\s*/\s*[A-ZĐ][A-Za-zĐđ0-9-]*)")
_NUMBER = re.compile(
    r"^S[ốôoỐÔO]\s*[:.;]?\s*(?P<num>[^/\n]{0,15}?)\s*/\s*(?P<sym>[A-ZĐÂĂÊÔƠƯ][A-Za-zĐđÂĂÊÔƠƯâăêôơư0-9&]*(?:\s{0,2}[-/–]\s{0,2}[A-Za-zĐđ0-9&][A-Za-zĐđÂĂÊÔƠƯâăêôơư0-9& ]*?)*)(?=\s{2,}|\s*$|\s+[A-ZĐÀ-Ỹ][a-zà-ỹ])"
)
_PLACE = re.compile(r"^(?P<place>[^\d,:;|][^,:;|]{1,59}?)\s*,\s*(?:ngày|Ngày|NGÀY)\b")
_YEAR = re.compile(r"năm\s+((?:19|20)\d{2})\b")


@dataclass
class Header:
    doc_type: Found | None = None
    number: Found | None = None
    symbol: Found | None = None
    place: Found | None = None
    issued_date: Found | None = None
    year: Found | None = None
    issuer_lines: list[Para] = field(default_factory=list)
    issuer: Found | None = None
    warnings: list[tuple[str, str, int | None, int | None]] = field(default_factory=list)


def read_header(part: Part) -> Header:
    h = Header()
    for p in part.header:
        if h.number is None and is_number_line(p):
            _read_number(p.m, h)
        elif is_date_line(p) and h.issued_date is None and h.year is None:
            _read_date_line(p.m, h)
    h.issuer_lines = issuer_lines(part)
    if h.issuer_lines:
        h.issuer = compose_issuer(h.issuer_lines)
    if part.type_code:
        src = part.type_para or (part.title[0] if part.title else None)
        if src is not None:
            s, e = src.m.span()
            h.doc_type = Found(part.type_code, s, e, "header.type-word", 0.95)
    if h.doc_type is None and h.symbol is not None:
        code = re.split(r"[-/]", h.symbol.value)[0]
        h.doc_type = Found(code if code else None, h.symbol.start, h.symbol.end, "header.symbol-code", 0.8)
    return h


def _read_number(m: Mapped, h: Header) -> None:
    mt = _PARTY_NUMBER.match(m.text) or _NUMBER.match(m.text)  # Party style first: "Số 12-KH/TU"
    if not mt:
        return
    num = mt.group("num").strip(" .:")
    sym = re.sub(r"\s+", "", mt.group("sym"))
    s, e = m.span(mt.start("sym"), mt.end("sym"))
    h.symbol = Found(sym, s, e, "header.number-line", 0.95)
    ns, ne = m.span(mt.start("num"), mt.end("num")) if num else m.span(mt.start("num"), mt.start("num"))
    if re.fullmatch(r"\d{1,5}[a-z]?", num):
        h.number = Found(num, ns, ne, "header.number-line", 0.95)
    elif not num or re.fullmatch(r"[.…_\s-]*", num):
        # Left blank, or dots/underscores where it is to be written in by hand.
        h.warnings.append(("number-blank", "the number is left blank in 'Số: /...'", ns, ne))
    else:
        h.warnings.append(("number-unreadable", f"the number '{num}' is not legible (OCR?); left empty", ns, ne))


def _read_date_line(m: Mapped, h: Header) -> None:
    pm = _PLACE.match(m.text)
    if pm:
        place = clean_value(pm.group("place").strip(" *"))
        if place and not re.search(r"\b(?:Số|số)\b", place):
            s, e = m.span(pm.start("place"), pm.end("place"))
            h.place = Found(place, s, e, "header.date-line", 0.95)
    dates = find_dates(m.text)
    day = next((d for d in dates if d.kind == "day" and d.first), None)
    if day is not None:
        s, e = m.span(day.start, day.end)
        h.issued_date = Found(day.first, s, e, "header.date-line", 0.95)
        h.year = Found(day.first.year, s, e, "header.date-line", 0.95)
        return
    ym = _YEAR.search(m.text)
    if ym:
        s, e = m.span(ym.start(1), ym.end(1))
        h.year = Found(int(ym.group(1)), s, e, "header.date-line-year", 0.9)
        h.warnings.append(("date-blank", "the day or month of issue is blank or illegible; only the year is known", s, e))


def issuer_lines(part: Part) -> list[Para]:
    """Lines of the issuing body: capitals in the header that are not the motto, number or date."""
    out = []
    for p in part.header:
        t = p.text.strip()
        if is_motto(p) or is_number_line(p) or is_date_line(p) or is_letter_subject(p):
            continue
        if t.lower().startswith(("kính gửi", "v/v")) or p.marker in ("dash", "plus", "bullet"):
            continue
        letters = [c for c in t if c.isalpha()]
        if not letters or sum(1 for c in letters if c.isupper()) < 0.8 * len(letters):
            continue
        if _is_authority_line(t):
            continue  # "CHỦ TỊCH ỦY BAN NHÂN DÂN ..." of a decision, not the issuer block
        out.append(p)
    return out


def _is_authority_line(t: str) -> bool:
    f = strip_diacritics(t).upper()
    return f.startswith(("CHU TICH ", "BO TRUONG ", "GIAM DOC ", "THU TUONG "))


_PLACE_WORDS = ("TỈNH ", "THÀNH PHỐ ", "TP ", "TP. ", "QUẬN ", "HUYỆN ", "THỊ XÃ ", "XÃ ", "PHƯỜNG ", "THỊ TRẤN ", "ĐẶC KHU ")
_PEOPLES_COMMITTEE = ("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "UBND", "HỘI ĐỒNG NHÂN DÂN", "HĐND")


def compose_issuer(lines: list[Para]) -> Found | None:
    """The issuing body from its header lines, in full words.

    The block names the body and, above it, its parent ("ỦY BAN NHÂN DÂN /
    THÀNH PHỐ HỒ CHÍ MINH / SỞ GIÁO DỤC VÀ ĐÀO TẠO"). The issuer is the last
    body; a department of a People's Committee takes the committee's area
    ("Sở Giáo dục và Đào tạo thành phố Hồ Chí Minh"), a board of another body
    takes the body's full name ("Ban Thường trực Ủy ban MTTQ Việt Nam phường X").
    """
    groups: list[list[str]] = []  # each: [body, place?]
    for p in lines:
        t = re.sub(r"\s+", " ", p.text.strip().strip("*").strip())
        up = t.upper()
        plain = strip_diacritics(up)
        for word in _PLACE_WORDS:
            # OCR confuses the tone of a unit word ("TĨNH" for "TỈNH"); the word is known.
            if plain.startswith(strip_diacritics(word)) and not up.startswith(word):
                t = word.strip() + t[len(word.strip()):]
                up = t.upper()
                break
        party_body = bool(re.match(r"^(?:TỈNH|THÀNH|HUYỆN|QUẬN|THỊ|XÃ|PHƯỜNG)\s+(?:ỦY|UỶ|ĐOÀN)\b", up))
        if groups and up.startswith(_PLACE_WORDS) and not party_body:
            groups[-1].append(t)
        elif groups and (len(t.split()) <= 2 and not _starts_body(up)):
            groups[-1][-1] = groups[-1][-1] + " " + t  # a word broken onto the next line
        else:
            groups.append([t])
    if not groups:
        return None
    last = groups[-1]
    value = sentence_case_name(" ".join(last))
    # "HUYỆN ỦY BA TƠ" names its own place; only a body without one takes its parent's.
    own_place = bool(re.match(r"^(?:TỈNH|THÀNH|HUYỆN|QUẬN|THỊ|XÃ|PHƯỜNG)\s+(?:ỦY|UỶ|ĐOÀN)\s+\S", last[0].upper()))
    if len(last) == 1 and len(groups) > 1 and not own_place:
        parent = groups[-2]
        if any(parent[0].upper().startswith(pc) for pc in _PEOPLES_COMMITTEE):
            # A department takes its committee's area: the parent's words from the unit word on.
            joined = " ".join(parent)
            at = re.search(r"\b(?:" + "|".join(w.strip() for w in _PLACE_WORDS) + r")\b", joined.upper())
            if at:
                value = value + " " + sentence_case_name(joined)[at.start():].strip()
        elif not any(parent[0].upper().startswith(pc) for pc in _PEOPLES_COMMITTEE):
            value = value + " " + sentence_case_name(" ".join(parent))
    s = lines[0].start
    e = lines[-1].end
    return Found(value, s, e, "header.issuer-block", 0.9)


_BODY_STARTS = ("ỦY BAN", "UỶ BAN", "UBND", "SỞ", "BỘ", "BAN", "PHÒNG", "CỤC", "CHI CỤC", "TỔNG CỤC", "HỘI", "ĐẢNG", "TRƯỜNG",
                "TRUNG TÂM", "VĂN PHÒNG", "HỘI ĐỒNG", "ĐOÀN", "LIÊN ĐOÀN", "TỈNH ỦY", "THÀNH ỦY", "HUYỆN ỦY", "QUẬN ỦY", "BCĐ",
                "BỘ CHỈ HUY", "CÔNG AN", "THANH TRA", "VIỆN", "KHO BẠC", "NGÂN HÀNG", "BẢO HIỂM", "MẶT TRẬN", "THƯỜNG TRỰC")


def _starts_body(up: str) -> bool:
    return up.startswith(_BODY_STARTS)


_SELF = re.compile(r"(?:[Kk]èm theo|kèm)\s+(?P<type>[^\s]+(?:\s+[^\s]+)?)\s+(?:số\s*:?\s*)(?P<num>\d{1,5})\s*/\s*(?P<sym>[A-ZĐ][A-Za-zĐđ0-9&\-]*)")


def self_citation(paras: list[Para], symbol: str | None, type_name: str | None) -> tuple[Found, Found, Found | None] | None:
    """The plan's number where it cites itself: "(Kèm theo Kế hoạch số: 83/KH-UBND ngày 01/10/2025 ...)"."""
    for p in paras:
        mt = _SELF.search(p.text)
        if not mt:
            continue
        sym = mt.group("sym")
        if symbol and sym.replace(" ", "") != symbol.replace(" ", ""):
            continue
        if type_name and type_name.split()[0].lower() not in mt.group("type").lower():
            continue
        m = p.m
        num = Found(mt.group("num"), *m.span(mt.start("num"), mt.end("num")), "annex.self-citation", 0.8)
        sy = Found(sym, *m.span(mt.start("sym"), mt.end("sym")), "annex.self-citation", 0.8)
        tail = p.text[mt.end(): mt.end() + 60]
        dts = find_dates(tail)
        dt = None
        if dts and dts[0].first and dts[0].start < 15:
            off = mt.end()
            dt = Found(dts[0].first, *m.span(off + dts[0].start, off + dts[0].end), "annex.self-citation", 0.8)
        return num, sy, dt
    return None
