"""Unit names as printed → canonical units with a kind and a level.

Plans name the same body in many ways ("Phòng GD&ĐT", "Phòng Giáo dục và Đào
tạo Quận", "phòng GDĐT"), put several bodies under one heading ("UBND phường,
Trung tâm Học tập cộng đồng và Hội Khuyến học 5 phường"), and give the level
only by an area word, or not at all. Comparing who is put in charge across
provinces needs one name per role, so a name is

1. split before each unit it lists (only before a head word from
   ``unit_kinds.yaml``, so "Sở Văn hóa, Thể thao và Du lịch" stays whole),
2. stripped of its area words ("quận Cầu Giấy", "14 phường", "huyện, thị xã,
   thành phố"), which give its level,
3. matched to the canonical units of ``unit_kinds.yaml``: exact alias, alias
   as prefix, then rapidfuzz - but only against aliases that begin with the same
   word, so a "Sở" never becomes a "Phòng" however alike the rest is.

The canonical unit is a role, not one body: the Phòng Giáo dục và Đào tạo of
Cầu Giấy and that of Quận 3 are the same canonical unit at district level,
which is what a comparison across areas counts.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz

from .. import datafiles
from ..normalize import clean_value, expand_abbreviations, fold, key

__all__ = ["UnitMatch", "resolve_unit", "resolve_units", "split_units", "unit_role", "kinds", "LEVELS"]

#: Levels a unit or an issuer can have, from the top.
LEVELS = ("central", "province", "district", "commune", "school", "other")

# Fuzzy matches below this rapidfuzz ratio are not taken: high enough that
# "Phòng Nội vụ" is not "Phòng Y tế", low enough for a dropped "và" or a typo.
FUZZY_CUTOFF = 88.0


# ---------------------------------------------------------------------------
# The data file
# ---------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Kind(_Strict):
    label: str
    vi: str
    level: str | None = None


class AliasLevel(_Strict):
    alias: str
    level: str


class Entry(_Strict):
    name: str
    kind: str
    level: str = "issuer"
    sector: str | None = None
    aliases: list[str | AliasLevel]


class Roles(_Strict):
    lead: list[str]
    coordinate: list[str]


class UnitKinds(_Strict):
    source: str
    kinds: dict[str, Kind]
    units: list[Entry]
    heads: dict[str, str]
    roles: Roles


@functools.cache
def data() -> UnitKinds:
    """``vnplan/data/unit_kinds.yaml``, validated; kinds used by entries and heads must exist."""
    from ..errors import DataFileError

    raw = datafiles.data("unit_kinds")
    try:
        uk = UnitKinds.model_validate(raw)
    except Exception as exc:  # pydantic's message says which entry is wrong
        raise DataFileError(f"data file unit_kinds.yaml does not have the expected shape: {exc}") from exc
    unknown = {e.kind for e in uk.units} | set(uk.heads.values())
    unknown -= set(uk.kinds)
    if unknown:
        raise DataFileError(f"data file unit_kinds.yaml uses kinds it does not define: {sorted(unknown)}")
    return uk


def kinds() -> dict[str, str]:
    """Kind id → English label, in the order of the data file."""
    return {k: v.label for k, v in data().kinds.items()}


@dataclass(frozen=True)
class _Alias:
    norm: str
    entry: Entry
    level: str | None  # a level the alias itself implies ("Quận Đoàn")


@functools.cache
def _aliases() -> tuple[dict[str, _Alias], dict[str, list[_Alias]], list[tuple[str, str, str]]]:
    """Exact alias table, aliases by first word (for fuzzy matching), heads as (shadow, norm, kind)."""
    exact: dict[str, _Alias] = {}
    by_first: dict[str, list[_Alias]] = {}
    for entry in data().units:
        for a in [entry.name, *entry.aliases]:
            text, level = (a.alias, a.level) if isinstance(a, AliasLevel) else (a, None)
            norm = _norm(text)
            if not norm or norm in exact:
                continue  # the first entry that lists an alias owns it
            al = _Alias(norm, entry, level)
            exact[norm] = al
            by_first.setdefault(norm.split()[0], []).append(al)
    heads = []
    for h, kind in data().heads.items():
        heads.append((fold(expand_abbreviations(h)), _norm(h), kind))
    heads.sort(key=lambda x: len(x[1]), reverse=True)
    return exact, by_first, heads


def _norm(text: str) -> str:
    """Matching key: folded, abbreviations expanded, punctuation gone, "&" read as "và"."""
    return key(expand_abbreviations(text, all_=True).replace("&", " và "))


# ---------------------------------------------------------------------------
# Area words
# ---------------------------------------------------------------------------

# An area phrase after the unit's own name: optional linking words, an optional
# count ("14 phường"), a unit word, then the place name up to a separator.
# Matched on the folded shadow (lower case, one tone spelling), same length as
# the text. "xã hội" is a word of its own, never the commune "xã".
_LINK = r"(?:(?:các|của|thuộc|trực thuộc|trên địa bàn|tại|ở|cấp)\s+)*"
_UNIT_WORD = r"(thành phố|thị xã|thị trấn|đặc khu|tỉnh|tp\.?|quận|huyện|xã|phường|cấp cơ sở)"
_AREA = re.compile(
    r"(?<!\w)" + _LINK + r"(?:(\d+)\s+)?" + _UNIT_WORD + r"(?!\w)(?!\s+hội)(?P<rest>[^,;:()]*)",
)
_LEVEL_OF = {
    "tỉnh": "province", "quận": "district", "huyện": "district", "thị xã": "district",
    "xã": "commune", "phường": "commune", "thị trấn": "commune", "đặc khu": "commune", "cấp cơ sở": "commune",
}
_LEAD_VERBS = re.compile(r"^(?:kính\s+)?(?:đề nghị|đề xuất|giao cho|giao|yêu cầu|đối với|riêng|trách nhiệm của|nhiệm vụ của)\s+", re.I)
_NUMBERING = re.compile(r"^\s*(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)/-]\s+", re.I)


def _area_level(unit_word: str, place: str) -> str | None:
    word = unit_word.rstrip(".")
    if word in _LEVEL_OF:
        return _LEVEL_OF[word]
    if word in ("thành phố", "tp"):
        # A centrally run city is a province; other cities are districts (before 2025).
        if not place:
            return None
        from ..gazetteer import gazetteer

        g = gazetteer()
        if g.is_province(place):
            return "province"
        if g.lookup(place, level="district"):
            return "district"
        return None
    return None


@dataclass(frozen=True)
class UnitMatch:
    """One unit of a heading, resolved.

    ``canonical`` is the canonical name without its area ("Phòng Giáo dục và Đào
    tạo"); with ``level`` it identifies the unit across plans (``unit_id``).
    ``place`` is the area named with it, ``plural`` true when the name stands for
    several bodies ("các trường", "14 phường"). ``method`` tells how it was matched
    (exact, prefix, fuzzy, head, none) and ``score`` the rapidfuzz score (100 for
    exact and prefix matches).
    """

    text: str
    canonical: str
    kind: str
    kind_label: str
    sector: str | None
    level: str
    place: str | None = None
    plural: bool = False
    method: str = "none"
    score: float = 0.0

    @property
    def unit_id(self) -> str:
        return f"{self.canonical} @{self.level}"


def _prepare(name: str) -> str:
    s = clean_value(unicodedata.normalize("NFC", name)) or ""
    s = _NUMBERING.sub("", s)
    s = _LEAD_VERBS.sub("", s)
    return s.strip(" .:;,-–")


def split_units(name: str) -> list[str]:
    """The units a heading lists, split only before a head word.

    >>> split_units("UBND phường, Trung tâm Học tập cộng đồng và Hội Khuyến học 5 phường")
    ['UBND phường', 'Trung tâm Học tập cộng đồng', 'Hội Khuyến học 5 phường']
    >>> split_units("Sở Văn hóa, Thể thao và Du lịch")
    ['Sở Văn hóa, Thể thao và Du lịch']
    """
    s = _prepare(name)
    if not s:
        return []
    if _whole_alias(s):
        return [s]  # "Văn phòng HĐND và UBND" is one office
    shadow = fold(s)
    heads = [re.sub(r"^các\s+", "", h) for h, _, _ in _aliases()[2]]
    cuts = []
    for m in re.finditer(r"\s*(?:[,;/]|\s(?:và|cùng|với)(?=\s))\s*", shadow):
        after = shadow[m.end():]
        after = re.sub(r"^các\s+", "", after)
        if any(after.startswith(h) and (len(after) == len(h) or not after[len(h)].isalnum()) for h in heads):
            cuts.append((m.start(), m.end()))
    parts, pos = [], 0
    for a, b in cuts:
        parts.append(s[pos:a])
        pos = b
    parts.append(s[pos:])
    return [p.strip(" .:;,-–") for p in parts if p.strip(" .:;,-–")]


def _whole_alias(s: str) -> bool:
    """Whether the whole name, less an area phrase that ends it, is one alias."""
    exact = _aliases()[0]
    expanded = expand_abbreviations(s)
    core, _, _, _, to_end = _cut_area_at(expanded)
    for text in (expanded, core if to_end else None):
        if text is not None:
            n = _norm(text)
            if n in exact or re.sub(r"^các ", "", n) in exact:
                return True
    return False


def _cut_area(s: str) -> tuple[str, str | None, str | None, bool]:
    """(name without its area, level word's level, place, plural) of one unit."""
    return _cut_area_at(s)[:4]


def _cut_area_at(s: str) -> tuple[str, str | None, str | None, bool, bool]:
    """As :func:`_cut_area`, and whether the area phrase runs to the end of the name."""
    shadow = fold(s)
    for m in _AREA.finditer(shadow):
        if m.start() == 0:
            continue  # "Quận Đoàn", "Tỉnh Đoàn": the area word is the name
        count, word = m.group(1), m.group(2)
        rest = s[m.start("rest"):m.end("rest")].strip(" .-–")
        place = rest or None
        if word in ("quận", "phường") and rest.isdigit():
            place = f"{s[m.start(2):m.end(2)].capitalize()} {rest}"
        level = _area_level(word, rest)
        plural = bool(count) or bool(re.search(r"(?<!\w)các\s", shadow[m.start():m.start(2)])) or (
            word in ("huyện", "quận", "xã", "phường") and not rest and "," in shadow[m.start():])
        to_end = not s[m.end():].strip(" .;:,-–")
        return s[:m.start()].strip(" ,;-–"), level, place, plural, to_end
    return s, None, None, False, False


def _match(norm: str) -> tuple[_Alias | None, str, float, str]:
    """(alias, method, score, rest of the name after the alias).

    An exact alias wins; else the alias, exact prefix or fuzzy, that leaves the
    least of the name unexplained ("Phòng Giáo dục và Đạo tạo" is the fuzzy
    "Phòng Giáo dục và Đào tạo", not the prefix "Phòng Giáo dục" plus words).
    """
    exact, _, _ = _aliases()
    if norm in exact:
        return exact[norm], "exact", 100.0, ""
    words = norm.split()
    prefix: tuple[_Alias | None, str, float, str] = (None, "none", 0.0, norm)
    for k in range(len(words) - 1, 0, -1):  # longest alias that is a prefix
        head = " ".join(words[:k])
        if head in exact:
            prefix = (exact[head], "prefix", 100.0, " ".join(words[k:]))
            break
    fuzzy = _fuzzy(words)
    if fuzzy[0] is not None and (prefix[0] is None or len(fuzzy[3].split()) < len(prefix[3].split())):
        return fuzzy
    return prefix


def _fuzzy(words: list[str]) -> tuple[_Alias | None, str, float, str]:
    by_first = _aliases()[1]
    # Rank: fewest words left over, then score, then the longer alias.
    best: tuple[int, float, int, _Alias | None, str] = (-10**6, 0.0, 0, None, "")
    for al in by_first.get(words[0], []) if words else []:
        n = len(al.norm.split())
        for k in (n - 1, n, n + 1):
            if k < 1 or k > len(words):
                continue
            score = fuzz.ratio(" ".join(words[:k]), al.norm)
            cand = (k - len(words), score, len(al.norm), al, " ".join(words[k:]))
            if score >= FUZZY_CUTOFF and cand[:3] > best[:3]:
                best = cand
    if best[3] is not None:
        return best[3], "fuzzy", round(best[1], 1), best[4]
    return None, "none", 0.0, " ".join(words)


def _is_place(norm: str) -> bool:
    from ..gazetteer import gazetteer

    return bool(gazetteer().lookup(norm))


def _place_name(norm: str) -> str:
    from ..gazetteer import gazetteer

    units = gazetteer().lookup(norm)
    return units[0].name if units else norm.title()


def _head_kind(norm: str) -> str | None:
    n = re.sub(r"^các ", "", norm)
    for _, h, kind in _aliases()[2]:
        if n == h or n.startswith(h + " "):
            return kind
    return None


def _display(core: str) -> str:
    s = re.sub(r"^(?:các|Các|CÁC)\s+", "", core).strip()
    return s[:1].upper() + s[1:] if s else core


def resolve_unit(name: str, *, context_level: str | None = None) -> UnitMatch:
    """The canonical unit of one unit name (not a list; see :func:`resolve_units`).

    ``context_level`` is the level of the plan that names the unit, used when
    neither the name nor its canonical unit gives one.
    """
    text = _prepare(name)
    expanded = expand_abbreviations(text)
    core, word_level, place, plural = _cut_area(expanded)
    norm = _norm(core)
    if re.match(r"^các\s", norm):
        plural = True
    al, method, score, rest = _match(norm)
    if al is None and norm.startswith("các "):
        al, method, score, rest = _match(norm[4:])
    uk = data()
    if al is not None:
        entry = al.entry
        kind = entry.kind
        canonical = entry.name
        fixed = al.level or (entry.level if entry.level != "issuer" else None)
        if rest and place is None and _is_place(rest):
            place = _place_name(rest)
    else:
        kind = _head_kind(norm) or "other"
        method = "head" if kind != "other" else "none"
        canonical = _display(core) or text
        fixed = uk.kinds[kind].level
        entry = None
    if place is not None and word_level is None:
        from ..gazetteer import gazetteer

        if gazetteer().is_province(place):
            word_level = "province"
    # A level fixed by the unit itself (a Sở is provincial) wins; then the area
    # words; then the plan's own level.
    level = fixed or word_level or context_level or "other"
    if kind == "district_office" and level == "district" and context_level == "commune" and fixed is None:
        level = "commune"  # after 2025, communes have their own Phòng
    return UnitMatch(
        text=text, canonical=canonical, kind=kind, kind_label=uk.kinds[kind].label,
        sector=entry.sector if entry is not None else None, level=level,
        place=place, plural=plural, method=method, score=score,
    )


def resolve_units(heading: str, *, context_level: str | None = None) -> list[UnitMatch]:
    """Every unit of a heading, each resolved.

    A trailing area word serves the whole list: in "Ủy ban Mặt trận Tổ quốc Việt
    Nam và các tổ chức chính trị - xã hội quận" the front is the district's too.
    """
    parts = split_units(heading)
    if not parts:
        return []
    tail_level = _cut_area(expand_abbreviations(parts[-1]))[1] if len(parts) > 1 else None
    out = []
    for p in parts:
        ctx = tail_level or context_level
        out.append(resolve_unit(p, context_level=ctx))
    return out


# ---------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------


@functools.cache
def _role_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    r = data().roles

    lead = re.compile(r"^(?:là\s+|làm\s+|đơn vị\s+)?(?:" + datafiles.alternation(r.lead, fold) + r")(?!\w)")
    coord = re.compile(r"^(?:" + datafiles.alternation(r.coordinate, fold) + r")(?!\w)")
    return lead, coord


def unit_role(unit: str, duties: list[str], requested: bool) -> tuple[str, str | None]:
    """(role, cue): "leads", "coordinates" or "asked", and the words that tell it.

    The role is read from where the plan states it: the start of the unit's first
    duty ("Là cơ quan thường trực, ...", "Chủ trì, ...", "Sở Nội vụ chủ trì ...").
    A plan asks ("Đề nghị ...") bodies it cannot direct: those are "asked".
    """
    if requested:
        return "asked", "đề nghị"
    if not duties:
        return "coordinates", None
    lead, coord = _role_res()
    first = fold(clean_value(duties[0]) or "")
    # The duty may repeat the unit's name ("Sở Nội vụ chủ trì ..."); look after it.
    u = fold(clean_value(unit) or "")
    if u and first.startswith(u):
        first = first[len(u):]
    first = first.lstrip(" :,-–")
    m = lead.match(first)
    if m:
        return "leads", m.group(0)
    m = coord.match(first)
    if m:
        return "coordinates", m.group(0)
    return "coordinates", None
