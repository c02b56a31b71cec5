"""Matching keys and value clean-up.

``fold`` gives a same-length shadow of a text (lower case, one tone-mark
spelling) so that a pattern matched on the shadow has the same offsets in the
original. ``key`` goes further (punctuation and abbreviations) and is used only
for lookups, never for spans.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from . import datafiles

# Old and new tone-mark placement in "oa", "oe", "uy" at the end of a syllable
# ("hòa"/"hoà", "khỏe"/"khoẻ", "ủy"/"uỷ"): one spelling for matching, the mark
# on the second vowel. Each pair has the same length, so offsets survive.
_TONED = {
    "o": "òóỏõọ", "O": "ÒÓỎÕỌ", "u": "ùúủũụ", "U": "ÙÚỦŨỤ",
}
_PLAIN_TONED = {
    "a": "àáảãạ", "A": "ÀÁẢÃẠ", "e": "èéẻẽẹ", "E": "ÈÉẺẼẸ", "y": "ỳýỷỹỵ", "Y": "ỲÝỶỸỴ",
}


def _build_tone_map() -> dict[str, str]:
    out: dict[str, str] = {}
    for first, marked in _TONED.items():
        seconds = ("a", "e", "A", "E") if first in "oO" else ("y", "Y")
        for i, m in enumerate(marked):
            for s in seconds:
                out[m + s] = first + _PLAIN_TONED[s][i]
    return out


_TONE_MAP = _build_tone_map()
_TONE_RE = re.compile("(" + "|".join(sorted(_TONE_MAP, key=len, reverse=True)) + r")(?![^\W\d_])")
_LETTER = r"[^\W\d_]"


def unify_tones(text: str) -> str:
    """One spelling of tone marks ("Thanh Hoá" and "Thanh Hóa" give the same text); keeps length."""
    return _TONE_RE.sub(lambda m: _TONE_MAP[m.group(0)], text)


def fold(text: str) -> str:
    """Same-length shadow for case- and tone-insensitive matching."""
    low = text.lower()
    if len(low) != len(text):  # exotic characters whose lower case is longer
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return unify_tones(low)


@functools.cache
def _plain_table() -> dict[int, str]:
    from .chars import LOWER, UPPER

    letters = (LOWER + UPPER).replace("a-z", "").replace("A-Z", "")
    table = {}
    for c in letters:
        base = "".join(x for x in unicodedata.normalize("NFD", c) if unicodedata.category(x) != "Mn")
        table[ord(c)] = base
    table[ord("đ")] = "d"
    table[ord("Đ")] = "D"
    return table


def strip_diacritics(text: str) -> str:
    """Letters without tone and vowel marks ("Hà Nội" → "Ha Noi"); same length for NFC Vietnamese."""
    s = text.translate(_plain_table())
    if s.isascii():
        return s
    # Other scripts or combining marks: the general (slower) way.
    s = unicodedata.normalize("NFD", s)
    return "".join(c for c in s if unicodedata.category(c) != "Mn")


@functools.cache
def _abbrev_patterns(expand_only: bool) -> list[tuple[re.Pattern[str], str]]:
    items = datafiles.abbreviations().items
    out = []
    for it in sorted(items, key=lambda x: len(x.abbr), reverse=True):
        if expand_only and not it.expand:
            continue
        pat = re.compile(r"(?<![\w&-])" + re.escape(it.abbr) + r"(?![\w&-])")
        out.append((pat, it.full))
    return out


def expand_abbreviations(text: str, *, all_: bool = False) -> str:
    """Body-name abbreviations in full words ("Sở GD&ĐT" → "Sở Giáo dục và Đào tạo")."""
    for pat, full in _abbrev_patterns(not all_):
        if pat.search(text):
            text = pat.sub(full, text)
    return re.sub(r"\s+", " ", text).strip()


_PUNCT = re.compile(r"[“”\"'‘’«»()\[\]:;,.!?…/–—\-*#_|]+")


def key(text: str | None) -> str:
    """Lookup key: folded, abbreviations expanded, punctuation and spacing removed."""
    if not text:
        return ""
    s = unicodedata.normalize("NFC", text)
    s = expand_abbreviations(s, all_=True)
    s = fold(s)
    s = _PUNCT.sub(" ", s)
    return re.sub(r"\s+", " ", s).strip()


_MD = re.compile(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)|\\(?=[_*.\-#\[\]()`>!|])")
_WS = re.compile(r"\s+")


def clean_value(text: str | None) -> str | None:
    """A text value as the contract wants it: no markdown, single-spaced, one line."""
    if text is None:
        return None
    s = _MD.sub("", text)
    s = s.replace("\u00a0", " ")
    s = _WS.sub(" ", s).strip()
    return s or None


def strip_quotes(text: str) -> str:
    s = text.strip()
    pairs = [("“", "”"), ('"', '"'), ("‘", "’"), ("'", "'"), ("«", "»"), ("„", "“")]
    changed = True
    while changed and len(s) >= 2:
        changed = False
        for a, b in pairs:
            if s.startswith(a) and s.endswith(b):
                s = s[len(a):-len(b)].strip()
                changed = True
    return s


# Words that keep a capital inside a body name written in full capitals.
_KEEP_CAPITAL_AFTER = {"tỉnh", "thành phố", "quận", "huyện", "thị xã", "xã", "phường", "thị trấn", "đặc khu"}
_PROPER_WORDS = {
    "việt nam": "Việt Nam", "hồ chí minh": "Hồ Chí Minh", "mặt trận tổ quốc": "Mặt trận Tổ quốc",
    "quốc hội": "Quốc hội", "chính phủ": "Chính phủ", "trung ương": "Trung ương",
}


def sentence_case_name(upper: str) -> str:
    """A body name printed in capitals, written as a reader would name it.

    "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI" → "Ủy ban nhân dân tỉnh Quảng Ngãi",
    "SỞ GIÁO DỤC VÀ ĐÀO TẠO" → "Sở Giáo dục và Đào tạo". Place names after a unit
    word are title-cased; department fields ("Giáo dục và Đào tạo") keep their
    capital initials, as in official usage.
    """
    s = _WS.sub(" ", upper.strip())
    if not s:
        return s
    if any(c.islower() for c in s):
        return s
    words = s.split(" ")
    low = [w.lower() for w in words]
    out: list[str] = []
    i = 0
    title_rest = False
    while i < len(words):
        w = low[i]
        two = " ".join(low[i:i + 2])
        if title_rest:
            out.append(_title(w))
            i += 1
            continue
        if (w in ("tỉnh", "thành", "huyện", "quận", "thị", "xã", "phường") and i + 1 < len(words)
                and low[i + 1] in ("ủy", "uỷ", "đoàn")):
            # A Party or Youth Union committee: "HUYỆN ỦY BA TƠ" → "Huyện ủy Ba Tơ".
            out.extend([w, low[i + 1]])
            i += 2
            title_rest = True
            continue
        if two in _KEEP_CAPITAL_AFTER or w in _KEEP_CAPITAL_AFTER:
            n = 2 if two in _KEEP_CAPITAL_AFTER else 1
            unit = low[i:i + n]
            # A numbered unit keeps its word as part of the name ("Quận 3").
            if i + n < len(words) and words[i + n].isdigit():
                unit = [_title(unit[0])] + unit[1:]
            out.extend(unit)
            i += n
            title_rest = True
            continue
        out.append(words[i] if words[i] in _abbrev_set() else w)
        i += 1
    text = " ".join(out)
    text = text[:1].upper() + text[1:]
    # Department and ministry fields are written with capital initials.
    text = re.sub(r"^(sở|bộ|phòng|ban|cục|chi cục|tổng cục|vụ|trung tâm|hội|văn phòng) (.+?)(?= (?:tỉnh|thành phố|quận|huyện|thị xã|xã|phường|thị trấn)\b|$)",
                  lambda m: m.group(1) + " " + _field_case(m.group(2)), text, flags=re.I)
    for k, v in _PROPER_WORDS.items():
        text = re.sub(rf"\b{k}\b", v, text, flags=re.I)
    text = text[:1].upper() + text[1:]
    return text


@functools.cache
def _abbrev_set() -> frozenset[str]:
    return frozenset(it.abbr for it in datafiles.abbreviations().items)


_SMALL = {"và", "của", "về", "các", "cho", "với", "trong", "tại"}


def _title(w: str) -> str:
    if re.fullmatch(r"\d+", w):
        return w
    return w[:1].upper() + w[1:]


def _field_case(phrase: str) -> str:
    out = []
    for w in phrase.split(" "):
        lw = w.lower()
        if w in _abbrev_set():
            out.append(w)
        else:
            out.append(lw if lw in _SMALL else _title(lw))
    # "Giáo Dục Và Đào Tạo" → official style capitalises only the first word of each field.
    text = " ".join(out)
    parts = re.split(r"( và |, | - )", text)
    fixed = []
    for p in parts:
        if p in (" và ", ", ", " - "):
            fixed.append(p)
            continue
        ws = p.split(" ")
        fixed.append(" ".join([ws[0]] + [x if x in _abbrev_set() else x.lower() for x in ws[1:]]))
    return "".join(fixed)
