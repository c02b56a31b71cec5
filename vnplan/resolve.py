"""Completing values: the issuer in full words, its area, the issuers of cited documents.

Resolution never raises and never guesses: each step either finds support in
the text or the gazetteer (and says whether the value was printed or
inferred) or leaves the value empty.
"""
from __future__ import annotations

import functools
import re
from datetime import date

from . import datafiles
from .citations import Citation
from .extractors import Found
from .gazetteer import AreaMention, gazetteer
from .models import Area, AreaDetail
from .normalize import expand_abbreviations, fold
from .segment import Part, Structure

_LEVEL_WORDS = {
    "tỉnh": "province", "thành phố": "province", "tp": "province", "tp.": "province",
    "quận": "district", "huyện": "district", "thị xã": "district",
    "xã": "commune", "phường": "commune", "thị trấn": "commune", "đặc khu": "commune",
}
_BARE_LEVEL = re.compile(r"\s(tỉnh|thành phố|Thành phố|quận|huyện|thị xã|xã|phường|thị trấn|đặc khu|Tỉnh ủy|Thành ủy|Huyện ủy|Quận ủy|Tỉnh uỷ|Thành uỷ)$")
_CENTRAL = re.compile(r"^(?:Bộ|Chính phủ|Thủ tướng|Quốc hội|Ủy ban Thường vụ Quốc hội|Ban Chấp hành Trung ương|Ban Bí thư|Bộ Chính trị|Văn phòng Chính phủ|Tổng cục|Cục)\b")


def tidy_name(name: str) -> str:
    """Abbreviations written out and the common spelling of "Ủy ban"."""
    s = expand_abbreviations(name)
    s = s.replace("Uỷ ban", "Ủy ban").replace("UỶ BAN", "ỦY BAN")
    return re.sub(r"\s+", " ", s).strip(" ,.;:")


@functools.cache
def _issuer_sentence() -> re.Pattern[str]:
    acts = datafiles.alternation(a for a in datafiles.cues().issuer_actions if " " in a)
    heads = datafiles.alternation(datafiles.units().head_words)
    return re.compile(r"(?:^|[,;.]\s*|\)\s*)(?P<iss>(?:" + heads + r")(?![\wđ])[^,;:.]{0,140}?)\s+(?:" + acts + r")")


def resolve_issuer(hdr, main: Part, st: Structure, title: Found | None) -> Found | None:
    if hdr.issuer is not None:
        f = hdr.issuer
        return Found(tidy_name(f.value), f.start, f.end, f.rule, f.confidence)
    # The plan presents itself: "Ủy ban nhân dân xã X xây dựng kế hoạch ...".
    pat = _issuer_sentence()
    for p in main.preamble + main.body[:3]:
        m = pat.search(p.text)
        if not m:
            continue
        name = tidy_name(m.group("iss"))
        s, e = p.m.span(m.start("iss"), m.end("iss"))
        value, note = _complete_with_place(name, hdr.place.value if hdr.place else None)
        return Found(value, s, e, "preamble.issuer-sentence", 0.75, inferred=note is not None, note=note)
    return None


def _complete_with_place(name: str, place: str | None) -> tuple[str, str | None]:
    """"Ủy ban nhân dân tỉnh" + place "Thanh Hóa" → "Ủy ban nhân dân tỉnh Thanh Hóa"."""
    m = _BARE_LEVEL.search(name)
    if not m or not place:
        return name, None
    word = m.group(1)
    if fold(place).startswith(fold(word) + " "):
        # A numbered unit carries its word: "Ủy ban nhân dân quận" + "Quận 3".
        return name[: m.start(1)] + place, "unit name taken from the place of issue"
    if _LEVEL_WORDS.get(fold(word)) is None:
        return name, None
    return f"{name} {place}", "unit name taken from the place of issue"


def _mentions(text: str, year: int | None) -> list[AreaMention]:
    try:
        return gazetteer().mentions(text, year=year)
    except Exception:  # the gazetteer is an aid; a failure there must not lose the record
        return []


def resolve_area(issuer: Found | None, hdr, st: Structure, bases: list[Citation], *, year: int | None, issued: Found | None
                 ) -> tuple[Area, AreaDetail, dict[str, Found]]:
    area = Area()
    detail = AreaDetail()
    prov: dict[str, Found] = {}
    when = issued.value if issued is not None else year
    if issuer is None and hdr.place is None:
        return area, detail, prov
    if issuer is not None and _CENTRAL.match(issuer.value):
        detail.level = "central"
        return area, detail, prov

    given: dict[str, tuple[str, Found]] = {}
    if issuer is not None:
        for m in _mentions(issuer.value, year):
            if m.level not in given:
                given[m.level] = (m.name, issuer)
    level_word = _BARE_LEVEL.search(issuer.value) if issuer is not None else None
    place = hdr.place
    if place is not None:
        # The place of issue names the issuer's own unit when the issuer does not.
        want = None
        if level_word:
            want = _LEVEL_WORDS.get(fold(level_word.group(1)))
        if not given:
            if want:
                given[want] = (place.value, place)
            else:
                units = gazetteer().lookup(place.value, year=year)
                if units:
                    given[units[0].level] = (place.value, place)

    # Hints: places named in the document (the parent's area in the bases, the body).
    # The header, title, preamble and the start of the body name the places that matter.
    main = st.main
    near = main.header + main.title + main.preamble + main.body[:40]
    head_text = "\n".join(p.text for p in near)
    hint_mentions = _mentions(head_text, year)
    hints = [m.name for m in hint_mentions]
    for c in bases:
        if c.issuer:
            hints.extend(m.name for m in _mentions(c.issuer, year))

    res = None
    if given:
        res = gazetteer().resolve(
            province=given.get("province", (None,))[0],
            district=given.get("district", (None,))[0],
            commune=given.get("commune", (None,))[0],
            year=when, hints=hints,
        )
    if res is not None and (res.province or res.district or res.commune):
        area = Area(province=res.province, district=res.district, commune=res.commune)
        detail = AreaDetail(era=res.era, province_before_2025=res.province_before_2025,
                            province_after_2025=res.province_after_2025, level=res.level)
        for lvl in ("province", "district", "commune"):
            val = getattr(area, lvl)
            if not val:
                continue
            src = given.get(lvl, (None, None))[1]
            if src is not None and lvl not in res.inferred:
                prov[lvl] = Found(val, src.start, src.end, "area.printed", res.confidence)
            else:
                base = next(iter(given.values()))[1]
                prov[lvl] = Found(val, base.start, base.end, "area.gazetteer", res.confidence, inferred=True,
                                  note=f"{lvl} resolved from the gazetteer")
        return area, detail, prov

    # A unit without a name ("Ủy ban nhân dân xã"): the province its parent bodies name.
    provinces = []
    for c in bases:
        if c.issuer:
            provinces.extend(m.name for m in _mentions(c.issuer, year) if m.level == "province")
    if not provinces:
        provinces = [m.name for m in hint_mentions if m.level == "province"]
    distinct = list(dict.fromkeys(provinces))
    if len(distinct) == 1:
        area = Area(province=distinct[0])
        res2 = gazetteer().resolve(province=distinct[0], year=when)
        lvl = "unknown"
        if issuer is not None and level_word:
            lvl = _LEVEL_WORDS.get(fold(level_word.group(1)), "unknown")
        detail = AreaDetail(era=res2.era, province_before_2025=res2.province_before_2025,
                            province_after_2025=res2.province_after_2025, level=lvl)  # type: ignore[arg-type]
        src = issuer or hdr.place
        prov["province"] = Found(distinct[0], src.start, src.end, "area.parent-body", 0.6, inferred=True,
                                 note="province of the bodies the plan's bases come from")
    return area, detail, prov


@functools.cache
def _symbol_issuers() -> dict[str, str]:
    return {k.casefold(): v for k, v in datafiles.abbreviations().symbol_issuers.items()}


def complete_cited_issuer(c: Citation, doc_issuer: str | None, area: Area) -> None:
    """A cited document's issuer in full words, completed from the plan's own area."""
    if c.issuer:
        name = tidy_name(c.issuer)
        if doc_issuer and fold(doc_issuer).startswith(fold(name)) and len(name) < len(doc_issuer):
            name = doc_issuer  # "Sở Giáo dục và Đào tạo" cited by that Sở itself
        else:
            m = _BARE_LEVEL.search(name)
            if m:
                word = fold(m.group(1))
                fill = None
                if word in ("tỉnh", "thành phố", "tỉnh ủy", "thành ủy", "tỉnh uỷ", "thành uỷ"):
                    fill = area.province
                elif word in ("quận", "huyện", "thị xã", "huyện ủy", "quận ủy"):
                    fill = area.district
                elif word in ("xã", "phường", "thị trấn", "đặc khu"):
                    fill = area.commune
                if fill:
                    name = f"{name} {fill}"
        c.issuer = name
        return
    if c.symbol:
        for part in re.split(r"[-/]", c.symbol)[1:]:
            full = _symbol_issuers().get(part.casefold())
            if full:
                c.issuer = full
                return
