"""The trích yếu (title) under the type word, and the theme ("Chủ đề") of the plan."""
from __future__ import annotations

import functools
import re

from .. import datafiles
from ..layout import Para
from ..normalize import clean_value, fold, strip_quotes
from ..segment import Part
from ..textmap import Mapped
from . import Found


def read_title(part: Part) -> Found | None:
    if not part.title:
        return None
    pieces: list[Mapped] = []
    for k, p in enumerate(part.title):
        m = p.m
        if k == 0 and p is part.type_para and part.type_name:
            # Type word and trích yếu on one line: drop the type word.
            m = m.slice(len(part.type_name)).strip()
        pieces.append(m)
    joined = Mapped.join(pieces, " ").collapse_spaces()
    # OCR leaves stray punctuation before the first word (",Vêviệc ...").
    lead = len(joined.text) - len(joined.text.lstrip(" ,.;:-*_'\"`"))
    joined = joined.slice(lead)
    text = clean_value(joined.text)
    if not text:
        return None
    text = text.rstrip(" .;")
    return Found(text, *joined.span(0, len(text)), "title.trich-yeu", 0.9)


@functools.cache
def _theme_re() -> re.Pattern[str]:
    alt = datafiles.alternation(datafiles.cues().theme)
    # "Chủ đề của Tuần lễ: X", "Chủ đề Tháng hành động: X", "với chủ đề “X”", "Chủ đề: X"
    return re.compile(r"(?<!\w)(?:" + alt + r")(?P<of>\s+(?:của\s+)?[^:“\"”\n]{1,80}?)?\s*(?P<sep>:|(?=[“\"]))", re.I)


_QUOTED = re.compile(r"^\s*(?:“(?P<a>[^”]{3,400})”|\"(?P<b>[^\"]{3,400})\"|‘(?P<c>[^’]{3,400})’)")
_HEADING_ONLY = re.compile(r"^(?:chủ đề|Chủ đề|CHỦ ĐỀ)(?:\s+(?:của\s+)?[^:“\"]{1,60})?\s*:?\s*$")


def read_theme(paras: list[Para]) -> Found | None:
    pat = _theme_re()
    for i, p in enumerate(paras):
        body = p.body if p.marker else p.m
        text = body.text
        if _HEADING_ONLY.match(text.strip()):
            nxt = _next_content(paras, i)
            if nxt is not None and len(nxt.text) <= 300 and not (nxt.marker and nxt.marker not in ("dash", "bullet")):
                m = nxt.body if nxt.marker else nxt.m
                inner = pat.search(m.text)
                found = _theme_value(m, inner.end() if inner else 0)
                if found:
                    return found
            continue
        for mt in pat.finditer(text):
            of = (mt.group("of") or "").strip()
            if of and fold(of).startswith(("và ", "các ", "này", "trên")):
                continue
            found = _theme_value(body, mt.end())
            if found:
                return found
    return None


def _next_content(paras: list[Para], i: int) -> Para | None:
    return paras[i + 1] if i + 1 < len(paras) else None


def _theme_value(m: Mapped, start: int) -> Found | None:
    rest = m.slice(start)
    lead = len(rest.text) - len(rest.text.lstrip(" *_:"))
    rest = rest.slice(lead)
    q = _QUOTED.match(rest.text)
    if q:
        g = "a" if q.group("a") else "b" if q.group("b") else "c"
        s, e = q.span(g)
        value = clean_value(q.group(g))
        seg = rest.slice(s, e)
    else:
        # Up to the end of the sentence.
        end = re.search(r"(?<!\w\.\w)\.(?:\s|$)|;|\s[-–]\s(?=[A-ZĐ])", rest.text)
        seg = rest.slice(0, end.start() if end else len(rest.text))
        value = clean_value(seg.text)
    if not value:
        return None
    value = strip_quotes(value).strip(" *_").rstrip(" .")
    value = strip_quotes(value)
    if len(value) < 4 or len(value) > 300:
        return None
    return Found(value, *seg.span(), "theme.chu-de", 0.85)
