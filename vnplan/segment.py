"""The parts of an administrative document, found by the rules of its official form.

Nghị định 30/2020/NĐ-CP fixes the order of a document's parts: the header
(issuing body, number and symbol on the left; national motto and place-date on
the right), the type word and trích yếu, the preamble (Căn cứ ...), the body,
the closing (Nơi nhận on the left, the signature on the right), then annexes.
Parts cover the paragraphs without overlap, so an annex after the signature
never leaks into the plan's assignments. A file may hold a second document — a
decision that issues a plan attached after it — which gets parts of its own.
"""
from __future__ import annotations

from .chars import vi

import functools
import re
from dataclasses import dataclass, field

from . import datafiles
from .layout import Para
from .normalize import fold, strip_diacritics

_NUMBER_LINE = re.compile(r"^(?:Số|SỐ|S[ốô])\s*[:.;]?\s*[^\s/]{0,12}\s*/|^(?:Số|SỐ)\s*:\s*\S")
_DATE_LINE = re.compile(r"^[^\d,:;][^,:;]{1,59},\s*(?:ngày|Ngày|NGÀY)\b")
_BLANK_DATE_LINE = re.compile(r"^(?:[^\d,:;]{2,60},\s*)?ngày\s+(?:[\d.…_ ]*\s+)?tháng\s+(?:[\d.…_ ]*\s+)?năm\s+\d{4}", re.I)
@functools.cache
def _letter_subject_re() -> re.Pattern[str]:
    return re.compile(r"^(?:" + datafiles.alternation(datafiles.doctypes().letter_subject_prefixes) + r")\b")
_UPPER_WORD = re.compile(vi(r"[{U}]"))
_NAME_LINE = re.compile(vi(r"^(?:[{U}][{L}]+)(?:\s+[{U}][{L}]+){1,5}$"))
_STRUCTURAL = {"roman", "num", "upper", "part", "article"}


@dataclass
class Part:
    """One document in the file: paragraph lists for each of its parts."""

    kind: str = "main"  # "main" or "attached"
    header: list[Para] = field(default_factory=list)
    type_para: Para | None = None
    title: list[Para] = field(default_factory=list)
    preamble: list[Para] = field(default_factory=list)
    body: list[Para] = field(default_factory=list)
    closing: list[Para] = field(default_factory=list)
    annexes: list[Para] = field(default_factory=list)
    type_name: str | None = None  # "Kế hoạch", "Quyết định" ...
    type_code: str | None = None
    _tree: object | None = None

    @property
    def tree(self):
        """The numbered outline of the body (built once, shared by the extractors)."""
        if self._tree is None:
            from .outline import build_tree

            self._tree = build_tree(self.body)
        return self._tree


@dataclass
class Structure:
    paras: list[Para]
    parts: list[Part]
    noise: list[Para] = field(default_factory=list)
    boilerplate: list[Para] = field(default_factory=list)

    @property
    def main(self) -> Part:
        return self.parts[0]

    def all_body(self) -> list[Para]:
        return [p for part in self.parts for p in part.body]


@functools.cache
def _type_words() -> list[tuple[str, str, str]]:
    """(folded diacritic-free type word, name, code) for types that head documents, longest first."""
    out = []
    for t in datafiles.doctypes().types:
        if t.title:
            out.append((strip_diacritics(t.name).upper(), t.name, t.code))
    return sorted(out, key=lambda x: len(x[0]), reverse=True)


def type_line(p: Para) -> tuple[str, str, int] | None:
    """(type name, code, length of the type word in the paragraph) if the paragraph starts with a type word in capitals."""
    text = p.text.strip()
    if not text or len(text) > 400 or not text[0].isupper():
        return None
    plain = strip_diacritics(text[:40]).upper()
    for word, name, code in _type_words():
        if not plain.startswith(word):
            continue
        rest = text[len(word):]
        head = text[: len(word)]
        # The type word itself must be printed in capitals ("KẾ HOẠCH", not "Kế hoạch tổ chức ...").
        if sum(1 for c in head if c.isalpha() and c.islower()) > 0:
            continue
        if rest and rest[0].isalnum():
            continue
        if rest.strip().startswith(":"):
            continue  # "QUYẾT ĐỊNH:" opens a decision's articles
        return name, code, len(word)
    return None


def is_motto(p: Para) -> bool:
    f = strip_diacritics(fold(p.text[:40])).strip(" *")
    # The motto is often broken over two lines ("CỘNG HÒA XÃ" / "HỘI CHỦ NGHĨA VIỆT NAM").
    return f.startswith(("cong hoa xa", "hoi chu nghia viet nam", "chu nghia viet nam", "doc lap", "dang cong san viet nam"))


def is_number_line(p: Para) -> bool:
    return bool(_NUMBER_LINE.match(p.text))


def is_date_line(p: Para) -> bool:
    t = p.text
    return bool(_DATE_LINE.match(t) and len(t) < 120) or bool(_BLANK_DATE_LINE.match(t))


def is_letter_subject(p: Para) -> bool:
    return bool(_letter_subject_re().match(p.text))


@functools.lru_cache(maxsize=64)
def _prefix_re(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(datafiles.alternation(words, fold))


def _starts_with_any(text: str, words: list[str]) -> bool:
    return _prefix_re(tuple(words)).match(fold(text[:60])) is not None


def is_basis(p: Para) -> bool:
    return _starts_with_any(p.text, datafiles.layout().basis_cues)


def is_proposal(p: Para) -> bool:
    return _starts_with_any(p.text, datafiles.layout().proposal_cues)


def is_decision_cue(p: Para) -> bool:
    t = p.text.strip().upper().replace(" ", "")
    return t in {c.upper().replace(" ", "") for c in datafiles.layout().decision_cues}


def is_recipients_head(p: Para) -> bool:
    return _starts_with_any(p.text, datafiles.layout().recipients_cue)


def is_filing(p: Para) -> bool:
    t = p.body.text if p.marker in ("dash", "plus", "bullet") else p.text
    return _starts_with_any(t.strip(), datafiles.layout().filing_cue)


_SIGN_PREFIX = re.compile(vi(r"^(?:" + datafiles.sign_prefix_alternation() + r")\s*[./]?\s+(?=[{U}])"))


_TRAILING_NAME = re.compile(vi(r"\s+[{U}][{L}]+(?:\s+[{U}][{L}]+){1,5}\s*$"))


def is_sign_authority(p: Para) -> bool:
    t = p.text.strip()
    if not _SIGN_PREFIX.match(t):
        return False
    # The whole block may be flattened onto the line: "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Văn A".
    return _mostly_upper(t) or _mostly_upper(_TRAILING_NAME.sub("", t))


def _mostly_upper(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and sum(1 for c in letters if c.isupper()) >= 0.75 * len(letters)


def is_position(p: Para) -> bool:
    t = p.text.strip()
    return _mostly_upper(t) and 1 <= len(t.split()) <= 9 and len(t) <= 70 and not is_motto(p)


def is_name(p: Para) -> bool:
    t = p.text.strip()
    return len(t) <= 45 and bool(_NAME_LINE.match(t))


def is_authority_heading(p: Para) -> bool:
    """The line naming who decides, between a decision's trích yếu and its preamble."""
    t = p.text.strip()
    if not _mostly_upper(t) or len(t) > 120:
        return False
    f = strip_diacritics(t).upper()
    starts = ["CHU TICH", "UY BAN NHAN DAN", "BO TRUONG", "GIAM DOC", "TRUONG BAN", "THU TUONG", "HOI DONG", "BAN CHAP HANH", "BAN THUONG VU", "CUC TRUONG", "BAN CHI DAO"]
    return any(f.startswith(s) for s in starts)



def is_annex_title(p: Para) -> bool:
    t = p.text.strip()
    for w in datafiles.layout().annex_titles:
        if t.startswith(w) and (w[0].isupper() and w.isupper() == t[: len(w)].isupper()):
            return True
    return _starts_with_any(t.lstrip("( "), datafiles.layout().annex_cues)


def _stamp_text(t: str) -> bool:
    t = t.strip()
    return bool(t) and len(t) <= 16 and len(t.split()) <= 3 and not any(c.isalpha() and c.islower() for c in t)


def _stamp_like(p: Para) -> bool:
    """Fragments of a stamp read by OCR: short capital pieces ("X.H.C.", "PHÒNG", "ÁO D")."""
    t = p.text.strip()
    if not t or len(t) > 22 or len(t.split()) > 3:
        return False
    if any(c.isalpha() and c.islower() for c in t):
        return False
    return bool(_UPPER_WORD.search(t))


@functools.cache
def _noise_line_re() -> re.Pattern[str]:
    cues = datafiles.layout().noise_lines
    return re.compile(r"^(?:" + "|".join(re.escape(c) for c in cues) + r")", re.I)


def mark_signature_stamps(paras: list[Para]) -> None:
    """Digital-signature stamp text ("Ký bởi: ...", "Thời gian ký: ...", "+07:00")."""
    pat = _noise_line_re()
    for p in paras:
        t = p.text.strip()
        if pat.match(t) or re.fullmatch(r"[+-]\d{2}:\d{2}|\d{1,2}[./]\d{1,2}[./]\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[+-]\d{2}:\d{2})?", t):
            p.noise = "signature-stamp"


def mark_running_lines(paras: list[Para]) -> None:
    """Running headers and footers: the same short line on three or more pages."""
    pages: dict[str, set[int]] = {}
    for p in paras:
        t = p.text.strip()
        if 3 <= len(t) <= 80 and p.marker is None:
            pages.setdefault(t, set()).add(p.page)
    running = {t for t, pg in pages.items() if len(pg) >= 3}
    if not running:
        return
    for p in paras:
        if p.text.strip() in running:
            p.noise = "running-header"


def mark_noise(paras: list[Para]) -> list[Para]:
    """Stamp fragments and page numbers in the body: runs of short capital pieces."""
    noise: list[Para] = []
    n = len(paras)
    flags = [_stamp_like(p) for p in paras]
    for i, p in enumerate(paras):
        if p.noise:
            noise.append(p)
            continue
        if re.fullmatch(r"(?:-\s*)?\d{1,3}(?:\s*-)?|[Tt]rang\s+\d{1,3}(?:\s*/\s*\d{1,3})?", p.text.strip()):
            p.noise = "page-number"
            noise.append(p)
            continue
        if len(p.lines) >= 3 and all(_stamp_text(ln.text) for ln in p.lines):
            # Stamp fragments on consecutive lines, read as one paragraph.
            p.noise = "stamp"
            noise.append(p)
            continue
        if not flags[i]:
            continue
        neighbour = (i > 0 and flags[i - 1]) or (i + 1 < n and flags[i + 1])
        dotted = bool(re.search(r"[A-ZĐ]\.[A-ZĐ]", p.text))
        if neighbour or dotted:
            p.noise = "stamp"
            noise.append(p)
    return noise


def segment(paras: list[Para]) -> Structure:
    """Split the paragraphs into the parts of one document, or of a decision and its attached plan."""
    mark_signature_stamps(paras)
    mark_running_lines(paras)
    dropped = [p for p in paras if p.noise]
    paras = [p for p in paras if not p.noise]
    main, rest_start = _segment_one(paras, 0, kind="main")
    parts = [main]
    # Material after the first document's closing: an attached document (a plan
    # issued by the decision above it) or annexes of the first document.
    i = rest_start
    if i < len(paras):
        attached_at = _find_attached(paras, i, main)
        if attached_at is not None:
            main.annexes = paras[i:attached_at]
            part, _ = _segment_one(paras, attached_at, kind="attached")
            parts.append(part)
        else:
            main.annexes = paras[i:]
    boiler: list[Para] = []
    for part in parts:
        cut = _web_tail(part.annexes)
        if cut is not None:
            boiler.extend(part.annexes[cut:])
            part.annexes = part.annexes[:cut]
    structure = Structure(paras=paras, parts=parts, noise=dropped, boilerplate=boiler)
    for part in parts:
        noise = mark_noise(part.body)
        structure.noise.extend(noise)
        part.body = [p for p in part.body if p.noise is None]
    return structure


def _web_tail(paras: list[Para]) -> int | None:
    """Index where the text of a web page starts after a document copied from it."""
    cues = datafiles.layout().web_boilerplate
    for i, p in enumerate(paras):
        if any(c in p.text for c in cues) or re.search(r"https?://|www\.", p.text):
            return i
    return None


def _find_attached(paras: list[Para], start: int, main: Part) -> int | None:
    """Index where an attached document starts, when the first document issues one."""
    if main.type_code not in ("QĐ", "NQ"):
        return None
    for i in range(start, len(paras)):
        t = type_line(paras[i])
        if t and t[1] not in ("QĐ",):
            # Take its header lines (issuing body printed again above the type word).
            j = i
            while j - 1 >= start and (paras[j - 1].text.isupper() or is_motto(paras[j - 1]) or is_number_line(paras[j - 1]) or is_date_line(paras[j - 1])) and i - j < 6:
                j -= 1
            return j
    return None


def _segment_one(paras: list[Para], start: int, kind: str) -> tuple[Part, int]:
    part = Part(kind=kind)
    n = len(paras)
    limit = min(n, start + 80)
    anchors = [i for i in range(start, limit) if is_number_line(paras[i]) or is_motto(paras[i]) or is_date_line(paras[i])]
    types = [i for i in range(start, n) if type_line(paras[i]) is not None]

    title_idx: int | None = None
    if anchors:
        first = anchors[0]
        after = [t for t in types if t > first and t - anchors[-1] <= 12]
        title_idx = after[0] if after else None
        if title_idx is None:
            before = [t for t in types if first - 6 <= t < first]
            title_idx = before[0] if before else None
        hdr_start = first
        while hdr_start - 1 >= start and _header_like(paras[hdr_start - 1]) and first - hdr_start < 6:
            hdr_start -= 1
        if title_idx is not None and title_idx > hdr_start:
            part.header = paras[hdr_start:title_idx]
            pos = title_idx
        else:
            end = anchors[-1] + 1
            # A letter's trích yếu may sit right under the header block.
            while end < min(n, anchors[-1] + 3) and is_letter_subject(paras[end]):
                end += 1
            part.header = paras[hdr_start:end]
            pos = end
    else:
        early = [t for t in types if t - start <= max(12, (n - start) // 5)]
        title_idx = early[0] if early else None
        if title_idx is not None:
            part.header = [p for p in paras[start:title_idx] if _header_like(p)][-6:]
        pos = title_idx if title_idx is not None else start

    # Type word and trích yếu.
    if title_idx is not None:
        tp = paras[title_idx]
        name, code, wlen = type_line(tp)  # type: ignore[misc]
        part.type_para = tp
        part.type_name, part.type_code = name, code
        pos = title_idx + 1
        if len(tp.text.strip()) > wlen + 2:
            part.title.append(tp)  # type word and trích yếu on one line
        while pos < n and len(part.title) < 5:
            p = paras[pos]
            # The line right under the type word is the trích yếu even when it
            # opens with a word that elsewhere starts a basis ("Triển khai ...").
            first = not part.title and not fold(p.text).startswith("căn cứ")
            if (not first and _ends_title(p)) or (first and (p.marker in _STRUCTURAL or len(p.text) > 450)) or (part.title and p.blank_before > 2 and not _continues_title(part.title[-1], p)):
                break
            part.title.append(p)
            pos += 1
            if p.text.rstrip().endswith((".", ";")):
                break
    elif part.header:
        # A letter: its trích yếu ("V/v ...") sits under the number, in the header.
        subj = [p for p in part.header if is_letter_subject(p)]
        if subj:
            k = part.header.index(subj[0])
            part.title = [subj[0]]
            for p in part.header[k + 1:]:
                if is_date_line(p) or is_motto(p) or is_number_line(p):
                    break
                part.title.append(p)
        part.type_name, part.type_code = ("Công văn", "CV") if subj else (None, None)

    # Lines between the trích yếu and the preamble that still belong to the header (letters: Kính gửi).
    while pos < n and (is_authority_heading(paras[pos]) or _starts_with_any(paras[pos].text, datafiles.layout().addressee_cue)
                       or (part.type_code == "CV" and _addressee_item(paras, pos))):
        part.header.append(paras[pos])
        pos += 1

    # Preamble: bases and the issuer's own opening sentence, up to the first numbered heading.
    pre_start = pos
    while pos < n:
        p = paras[pos]
        if p.marker in _STRUCTURAL or p.marker and p.marker.startswith("nested") or is_decision_cue(p):
            break
        if is_recipients_head(p) or is_sign_authority(p):
            break
        if pos - pre_start >= 1 and not (is_basis(p) or is_proposal(p)) and _opening_done(paras[pre_start:pos]):
            break
        pos += 1
    part.preamble = paras[pre_start:pos]
    if pos < n and is_decision_cue(paras[pos]):
        part.preamble.append(paras[pos])  # keep the cue out of the body
        pos += 1

    # Body up to the closing.
    body_start = pos
    while pos < n:
        p = paras[pos]
        if is_recipients_head(p) or is_sign_authority(p):
            break
        if kind == "main" and p is not paras[body_start] and type_line(p) and part.type_code in ("QĐ", "NQ") and pos > body_start + 2:
            break
        pos += 1
    part.body = paras[body_start:pos]

    # Closing: Nơi nhận list and signature block, in either order.
    close_start = pos
    seen_name = False
    while pos < n:
        p = paras[pos]
        if not _closing_like(p, seen_name):
            # A stray short line (a footer, a stamp's words) between the Nơi nhận list
            # and the signature block does not end the closing.
            nxt = paras[pos + 1] if pos + 1 < n else None
            if (not seen_name and nxt is not None and len(p.text) <= 60 and not p.marker
                    and (is_sign_authority(nxt) or is_position(nxt)) and type_line(p) is None):
                p.noise = p.noise or "stray-line"
                pos += 1
                continue
            break
        if is_name(p) and not p.marker:
            seen_name = True
        pos += 1
    part.closing = paras[close_start:pos]
    return part, pos


def _header_like(p: Para) -> bool:
    t = p.text.strip()
    if not t or len(t) > 120:
        return False
    return _mostly_upper(t) or is_number_line(p) or is_date_line(p) or is_motto(p)


def _ends_title(p: Para) -> bool:
    if is_basis(p) or is_proposal(p) or is_authority_heading(p) or is_decision_cue(p):
        return True
    if _starts_with_any(p.text, datafiles.layout().addressee_cue):
        return True
    if p.marker in _STRUCTURAL or (p.marker and p.marker.startswith("nested")):
        return True
    if is_recipients_head(p) or is_sign_authority(p):
        return True
    if re.match(r"^\(?\s*(?:Ban hành |ban hành )?[Kk]èm theo", p.text):
        return True
    return len(p.text) > 450


def _continues_title(prev: Para, p: Para) -> bool:
    return p.text[:1].islower()


def _addressee_item(paras: list[Para], pos: int) -> bool:
    """Lines of a letter's Kính gửi list right after the Kính gửi line."""
    p = paras[pos]
    if pos == 0 or p.marker not in ("dash", "plus", "bullet"):
        return False
    k = pos - 1
    while k >= 0 and paras[k].marker in ("dash", "plus", "bullet"):
        k -= 1
    return k >= 0 and _starts_with_any(paras[k].text, datafiles.layout().addressee_cue)


def _opening_done(prev: list[Para]) -> bool:
    """The preamble ends after the issuer's opening sentence ("... như sau:") or after the bases."""
    if not prev:
        return False
    last = prev[-1].text.rstrip()
    if last.endswith(":"):
        return True
    return any(not (is_basis(p) or is_proposal(p)) for p in prev)


def _closing_like(p: Para, seen_name: bool) -> bool:
    t = p.text.strip()
    if not t:
        return True
    if is_recipients_head(p) or is_filing(p) or is_sign_authority(p):
        return True
    if p.marker in ("dash", "plus", "bullet"):
        return len(t) < 300
    if any(t.startswith(x) for x in datafiles.signing().noise):
        return True
    if is_name(p):
        return True
    if not seen_name and is_position(p) and not is_annex_title(p) and type_line(p) is None:
        return True
    if len(t) <= 40 and p.lines and p.lines[0].cells > 1 and not _mostly_upper(t):
        return True  # a note cell beside a recipient ("| để báo cáo")
    return False
