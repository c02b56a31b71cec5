"""The closing: the Nơi nhận list and the signature block.

Converters put the two columns in either order, interleave them (layout
text), or flatten each into one table cell; every closing line is therefore
classified on its own — recipient, filing line, signing authority, position,
name — rather than by its place.
"""
from __future__ import annotations

from ..chars import vi

import functools
import re
from dataclasses import dataclass, field

from .. import datafiles
from ..layout import Para
from ..normalize import clean_value, strip_diacritics
from ..segment import is_filing, is_name, is_position, is_recipients_head, is_sign_authority
from ..textmap import Mapped
from . import Found

_NAME_TAIL = re.compile(vi(r"^(?P<upper>[^{L}]+?)\s+(?P<name>[{U}][{L}]+(?:\s+[{U}][{L}]+){1,5})\s*$"))
_PREFIX = re.compile(r"^(?:" + datafiles.sign_prefix_alternation() + r")\s*[./]?\s+")
_PREFIX_ANY = re.compile(r"(?:^|\s)(?:" + datafiles.sign_prefix_alternation(with_acting=False) + r")\s*[./]?\s+")


@dataclass
class Closing:
    authority: Found | None = None
    position: Found | None = None
    name: Found | None = None
    recipients: list[Found] = field(default_factory=list)


def read_closing(paras: list[Para]) -> Closing:
    c = Closing()
    _read_signature(paras, c)
    _read_recipients(paras, c)
    return c


@functools.cache
def _positions() -> list[str]:
    return sorted((p.upper() for p in datafiles.signing().positions), key=len, reverse=True)


def _read_signature(paras: list[Para], c: Closing) -> None:
    auth: list[Para] = []
    position: Para | None = None
    for i, p in enumerate(paras):
        t = p.text.strip()
        if p.marker in ("dash", "plus", "bullet") or is_recipients_head(p) or is_filing(p):
            continue
        flat = _NAME_TAIL.match(t)
        if flat and (_PREFIX.match(t) or _upper_title(flat.group("upper"))):
            # The whole block flattened into one line: "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Văn A".
            _split_flat(p.m, flat, c)
            return
        if is_sign_authority(p):
            if position is None:
                auth.append(p)
            continue
        if auth and position is None and len(t.split()) == 1 and t.isupper() and t not in _positions():
            auth.append(p)  # "TM. ỦY BAN NHÂN" broken before "DÂN"
            continue
        if c.name is None and is_name(p) and not p.marker:
            if position is None:
                # No separate position line: the capital line just above the name.
                for q in reversed(paras[:i]):
                    if q.marker or is_recipients_head(q) or is_filing(q):
                        continue
                    if is_position(q) and not is_sign_authority(q):
                        position = q
                    break
            c.name = Found(t, *p.m.span(), "closing.name", 0.9)
            continue
        if position is None and is_position(p) and c.name is None:
            position = p
    if auth:
        text = " ".join(a.text.strip() for a in auth)
        text = re.sub(r"\s+", " ", text)
        c.authority = Found(_fix_authority(text), auth[0].start, auth[-1].end, "closing.authority", 0.9)
    if position is not None:
        value = clean_value(position.text).rstrip(" .")
        known = _known_position(value)
        note = None
        if known and known != value:
            note = f"read as '{value}'; the known title without OCR damage"
            value = known
        c.position = Found(value, *position.m.span(), "closing.position", 0.9 if note is None else 0.75, note=note)


@functools.cache
def _positions_plain() -> dict[str, str]:
    return {strip_diacritics(p.upper()): p.upper() for p in datafiles.signing().positions}


def _known_position(value: str) -> str | None:
    """A signer's title as the known spelling when OCR lost its marks ("PHO CHU TỊCH")."""
    return _positions_plain().get(strip_diacritics(value.upper()))


def _upper_title(t: str) -> bool:
    t = t.strip()
    return 1 <= len(t.split()) <= 9 and len(t) <= 70 and any(t.startswith(x) or x in t for x in _positions())


def _fix_authority(text: str) -> str:
    # "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH" stays as printed; only spacing is normalised.
    return re.sub(r"\s+([./])", r"\1", text).strip()


def _split_flat(m: Mapped, flat: re.Match[str], c: Closing) -> None:
    upper = flat.group("upper").strip()
    c.name = Found(flat.group("name"), *m.span(flat.start("name"), flat.end("name")), "closing.flat-block", 0.8)
    start = flat.start("upper")
    if _PREFIX.match(upper):
        # Authority = the prefixes and what each signs for ("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH");
        # the rest is the signer's own title.
        last = list(_PREFIX_ANY.finditer(upper))[-1]
        rest = upper[last.end():]
        pre = upper[: last.end()]
        for pos in _positions():
            if rest.startswith(pos + " ") and len(rest) > len(pos) + 1:
                auth = pre + pos
                own = rest[len(pos):].strip()
                c.authority = Found(auth.strip(), *m.span(start, start + len(auth)), "closing.flat-block", 0.8)
                k = flat.group(0).find(own, len(auth))
                c.position = Found(own, *m.span(k, k + len(own)), "closing.flat-block", 0.8)
                return
        c.authority = Found(upper, *m.span(start, start + len(upper)), "closing.flat-block", 0.6)
        return
    c.position = Found(upper, *m.span(start, start + len(upper)), "closing.flat-block", 0.8)


@functools.cache
def _note_re() -> re.Pattern[str]:
    return re.compile(r"\s*\(\s*(?:" + datafiles.alternation(datafiles.layout().recipient_notes) + r")\s*\)\s*$", re.I)


# In a list flattened into one line, an item starts at the beginning or after the ";" that
# ends the one before — a dash inside a name ("Bộ Lao động - Thương binh và Xã hội") does not.
_FLAT_SPLIT = re.compile(r"(?:^|[;:.]\s*)[-–+•]\s*(?=\S)")


def _read_recipients(paras: list[Para], c: Closing) -> None:
    started = False
    for p in paras:
        if is_recipients_head(p):
            started = True
            rest = re.sub(r"^\s*(?:Nơi nhận|Nơi gửi)\s*:?\s*", "", p.text)
            if rest.strip():
                # A flattened list: "Nơi nhận: - Như Điều 3; - Chủ tịch ...; - Lưu: VT".
                off = len(p.text) - len(rest)
                _add_flat(p.m.slice(off), c)
            continue
        if not started:
            continue
        if p.marker in ("dash", "plus", "bullet"):
            if is_filing(p):
                continue
            _add_recipient(p.body, c)
        elif is_sign_authority(p) or is_position(p) or is_name(p):
            continue


def _add_flat(m: Mapped, c: Closing) -> None:
    cuts = [x.end() for x in _FLAT_SPLIT.finditer(m.text)]
    if not cuts:
        return
    bounds = cuts + [len(m.text) + 1]
    for a, b in zip(bounds, bounds[1:]):
        # back off over the marker that starts the next item
        seg = m.slice(a, max(a, b - 1)).strip()
        seg = seg.slice(0, len(seg.text) - len(re.search(r"[\s\-–+•]*$", seg.text).group(0))) if seg else seg
        if seg and not re.match(r"^Lưu\b", seg.text):
            _add_recipient(seg, c)


def _looks_like_name(t: str) -> bool:
    words = t.split()
    return 2 <= len(words) <= 5 and words[0] in _surnames() and all(w[:1].isupper() for w in words)


@functools.cache
def _surnames() -> frozenset[str]:
    return frozenset(datafiles.signing().surnames)


_TRAILING_JUNK = re.compile(vi(r";\s*(?:[^\w\s]{0,3}|\w{1,2}|[{U}][{L}]+(?:\s+[{U}][{L}]+){1,4})\s*$"))


def _add_recipient(m: Mapped, c: Closing) -> None:
    text = m.text
    # OCR puts the signer's name or stamp bits after a recipient: "...; Nguyễn Văn A", "...; À".
    j = _TRAILING_JUNK.search(text)
    if j:
        tail = text[j.start():].strip(" ;")
        if c.name is None and _looks_like_name(tail):
            k = text.index(tail, j.start())
            c.name = Found(tail, *m.span(k, k + len(tail)), "closing.name-beside-recipient", 0.6,
                           note="the signer's name read beside a recipient (two columns merged by OCR)")
        text = text[: j.start()]
    text = text.rstrip(" ;,.")
    n = _note_re().search(text)
    while n:
        text = text[: n.start()].rstrip(" ;,.")
        n = _note_re().search(text)
    text = re.sub(r"\s*[:;,]\s*(?:để\s+)?(?:b/c|báo cáo|t/h|thực hiện)\s*$", "", text, flags=re.I).rstrip(" ;,.")
    value = clean_value(text)
    if not value or len(value) < 2:
        return
    c.recipients.append(Found(value, *m.span(0, len(text)), "closing.recipient", 0.9))
