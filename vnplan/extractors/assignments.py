"""Assignments: the parts of a plan headed by a unit, and the duties under each.

Found under the "Tổ chức thực hiện" heading (words in ``layout.yaml``); in a
directive or a letter, which have no such heading, the numbered parts
addressed to units. A unit heading is recognised by how unit names begin
(``units.yaml``); its duties are its bullets, letters or paragraphs, with "+"
items folded into the duty above them.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .. import datafiles
from ..layout import Para
from rapidfuzz import fuzz, process

from ..normalize import clean_value, fold, strip_diacritics
from ..outline import LIST_STYLES, Node
from ..segment import Structure
from ..textmap import Mapped
from . import Found

_HEADING_STYLES = {"part", "upper", "roman", "article", "num", "nested2", "nested3", "nested4", "nested5"}


@dataclass
class FoundAssignment:
    unit: Found
    requested: bool
    duties: list[Found] = field(default_factory=list)


@dataclass
class UnitHead:
    unit: Mapped
    requested: bool
    rest: Mapped  # text after the unit name (after its colon), may be empty
    subject: bool  # the unit is the subject of a sentence ("Sở Nội vụ chủ trì ...")


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    u = datafiles.units()
    alt = datafiles.alternation
    lead = re.compile(r"^(?:(?P<req>" + alt(u.lead_verbs.requested) + r")|(?P<dir>" + alt(u.lead_verbs.directed) + r"))\s+",
                      re.I)
    head = re.compile(r"^(?:" + alt(u.head_words) + r")(?![\wđ])")
    notu = re.compile(r"^(?:" + alt(u.not_units, fold) + r")(?![\wđ])")
    verb = re.compile(r"\s(?:" + alt(u.duty_verbs) + r")(?![\wđ])")
    tcth = re.compile(r"^(?:" + alt(datafiles.layout().assignment_headings, fold) + r")\b")
    return lead, head, notu, verb, tcth


def unit_head(text: Mapped, *, heading: bool = False) -> UnitHead | None:
    """A unit named at the start of a heading or item, with what follows it.

    ``heading``: the item has duties listed under it, so a short line without a
    colon is all unit name ("3. Cán bộ phụ trách lĩnh vực X").
    """
    lead_re, head_re, notu_re, verb_re, _ = _patterns()
    t = text.text
    requested = False
    pos = 0
    lm = lead_re.match(t)
    if lm:
        requested = lm.group("req") is not None
        pos = lm.end()
    rest = t[pos:]
    cap = rest[:1].upper() + rest[1:]
    if not head_re.match(cap) and not (lm and re.match(r"^các\s", rest)):
        return None
    if notu_re.match(fold(rest)):
        return None
    # The unit name runs to its colon; without one, to the verb of the sentence it is the subject of.
    colon = re.search(r":(?:\s|$)", rest)
    first_break = len(rest)
    subject = False
    v = verb_re.search(rest)
    # A verb right after the head word belongs to the name ("Các tổ chức thành viên",
    # "Đoàn kiểm tra"); the sentence's verb comes after a name of two words or more.
    while v is not None and (len(rest[:v.start()].split()) < 2 or re.search(r"(?:,|\bcác|\bvà)\s*$", rest[:v.start()])
                             or (re.match(r"\s*(?:và|,)\s", rest[v.end():])
                                 and not verb_re.match(" " + re.sub(r"^\s*(?:và|,)\s*", "", rest[v.end():])))):
        # "Các tổ chức thành viên", "cơ quan, tổ chức có liên quan", "giám sát và phản biện":
        # the word is part of a name or of a list of nouns, not the sentence's verb.
        v = verb_re.search(rest, v.end())
    if heading and not colon and len(rest) <= 120 and not rest.rstrip().endswith(":"):
        # A short heading with duties below is all name, unless a verb of duty or a
        # verb with its object follows the name.
        strong = _strong_re().search(rest)
        if strong is not None and len(rest[:strong.start()].split()) >= 2:
            v = strong
        elif v is not None and len(rest[v.end():].split()) < 3:
            v = None
    lead_in = colon is not None and not rest[colon.end():].strip()
    if colon and v is not None and lead_in and v.start() < colon.start():
        colon = None  # "Sở X chủ trì, phối hợp ... thực hiện các nội dung sau:" — a lead-in
    if colon and (v is None or colon.start() <= v.start() or colon.start() < 160):
        end = colon.start()
        after = colon.end()
    elif v is not None:
        end = v.start()
        after = v.start() + 1
        subject = True
    else:
        end = first_break
        after = first_break
    name = rest[:end].rstrip(" .;,")
    # A parenthesis after the name is a note on it ("Sở Nội vụ (Cơ quan thường trực ...)").
    name = re.sub(r"\s*\([^()]*\)\s*$", "", name)
    name = re.sub(r"\s+(?:có|chịu) (?:trách nhiệm|nhiệm vụ)$", "", name)
    if len(name) < 3 or len(name) > 220:
        return None
    unit = text.slice(pos, pos + len(name))
    rest_m = text.slice(pos + after).strip() if after < len(rest) else Mapped.empty()
    if subject:
        rest_m = text.slice(pos + end).strip()
    return UnitHead(unit=unit, requested=requested, rest=rest_m, subject=subject)


@functools.cache
def _strong_re() -> re.Pattern[str]:
    return re.compile(r"\s(?:" + datafiles.alternation(datafiles.units().strong_verbs) + r")(?![\wđ])")


_CLOSING_CLAUSE = re.compile(r"thi hành (?:Quyết định|Chỉ thị|Nghị quyết|Kế hoạch|Thông báo) này|(?:Quyết định|Chỉ thị) này có hiệu lực", re.I)


@functools.cache
def _plain_headings() -> tuple[str, ...]:
    return tuple(strip_diacritics(fold(h)) for h in datafiles.layout().assignment_headings)


def _is_tcth(node: Node) -> bool:
    """Is this the heading of the part that gives units their duties ("Tổ chức thực hiện")?"""
    if node.tcth is None:
        node.tcth = _tcth_heading(node)
    return node.tcth


def _tcth_heading(node: Node) -> bool:
    p = node.para
    if p is None or node.style not in _HEADING_STYLES or len(p.body.text) > 120:
        return False
    if not _HEADING_HINT.search(strip_diacritics(p.body.text.lower())):
        return False  # none of the heading's words: most headings stop here, cheaply
    body = fold(clean_value(p.body.text) or "")
    if len(body) > 90:
        return False
    if _patterns()[4].match(body):
        return True
    # OCR damage to the heading ("TÓ CHỨC THỰC HIÊN", "T0 CHỨC THỰC HIỆN"): close enough to a known heading.
    plain = strip_diacritics(body).rstrip(" :.")
    if len(plain) > 45 or not _HEADING_HINT.search(plain):
        return False
    best = process.extractOne(plain, _plain_headings(), scorer=fuzz.ratio, score_cutoff=88)
    return best is not None


# A damaged heading still has one of its words whole; only such headings are compared fuzzily.
_HEADING_HINT = re.compile(r"thuc|hien|nhiem|trach|phan cong|to chuc")


def read_assignments(st: Structure) -> list[FoundAssignment]:
    out: list[FoundAssignment] = []
    trees = [part.tree for part in st.parts]
    for tree in trees:
        sections = [n for n in tree.walk() if _is_tcth(n)]
        got: list[FoundAssignment] = []
        for sec in sections:
            got.extend(_from_children(sec))
        if not got:
            got = _directive(tree)
        out.extend(got)
    return out


def _from_children(node: Node) -> list[FoundAssignment]:
    out: list[FoundAssignment] = []
    for child in node.children:
        if child.closing or child.para is None:
            continue
        head = unit_head(child.para.body, heading=bool(child.children)) if child.style is not None else None
        if head is not None and (child.style not in LIST_STYLES or head.rest and not head.subject):
            out.extend(_assignment(child, head))
        elif child.style in _HEADING_STYLES or child.style == "letter":
            out.extend(_from_children(child))
    return out


def _directive(tree: Node) -> list[FoundAssignment]:
    """Numbered parts addressed to units, in documents without a "Tổ chức thực hiện" heading."""
    out: list[FoundAssignment] = []

    def visit(node: Node) -> None:
        for child in node.children:
            if child.para is None or child.closing or child.style is None or child.style in LIST_STYLES:
                continue
            head = unit_head(child.para.body, heading=bool(child.children))
            if head is not None and _CLOSING_CLAUSE.search(child.para.text):
                continue  # "Chánh Văn phòng ... chịu trách nhiệm thi hành Quyết định này"
            if head is not None and not _generic_subject(head, child.para.body.text):
                out.extend(_assignment(child, head))
            else:
                visit(child)

    visit(tree)
    return out


def _generic_subject(head: UnitHead, text: str) -> bool:
    """"Các cơ quan quản lý nhà nước, tổ chức, cá nhân liên quan" states a principle, not a unit's part."""
    f = fold(text[:120])
    return bool(re.search(r"(?:tổ chức, cá nhân|cá nhân liên quan|mọi người|người dân)\b", f)) and fold(head.unit.text).startswith("các")


def _assignment(node: Node, head: UnitHead) -> list[FoundAssignment]:
    unit_text = clean_value(head.unit.text) or head.unit.text
    unit = Found(unit_text, *head.unit.span(), "assignments.unit-heading", 0.85)
    a = FoundAssignment(unit=unit, requested=head.requested)
    nested: list[FoundAssignment] = []
    duty_nodes: list[Node] = []
    for child in node.children:
        if child.closing or child.para is None:
            continue
        if child.style in _HEADING_STYLES:
            sub = unit_head(child.para.body, heading=bool(child.children))
            if sub is not None:
                nested.extend(_assignment(child, sub))
                continue
        duty_nodes.append(child)
    duties = _duties(duty_nodes)
    if duties and head.subject and not node.para.body.text.rstrip().endswith(":") and len(head.rest.text.split()) >= 5:
        # "3. Sở Nội vụ chủ trì ... ." followed by bullets: the sentence is a duty too.
        first = _duty(node.para.body)
        if first:
            duties = [first] + duties
    if duties:
        a.duties = duties
    elif not nested:
        # No items below: the heading's own text is the duty ("3. Sở Y tế: Chỉ đạo ...",
        # "3. Sở Nội vụ chủ trì ..." — then the whole paragraph, unit included).
        if head.subject:
            m = node.para.body
        else:
            m = head.rest
        d = _duty(m)
        if d:
            a.duties = [d]
    if not head.requested and a.duties and all(fold(d.value).startswith("đề nghị") for d in a.duties) and len(a.duties) == 1:
        a.requested = True
    return [a] + nested


def _duties(nodes: list[Node]) -> list[Found]:
    out: list[Found] = []
    for n in nodes:
        pieces = [n.para.body if n.style else n.para.m]
        extra: list[Node] = []
        for c in n.children:
            if c.style == "plus":
                pieces.append(c.para.body)
                pieces.extend(g.para.body if g.style else g.para.m for g in c.walk() if g.para is not None)
            else:
                extra.append(c)
        d = _duty(Mapped.join(pieces, " "))
        if d:
            out.append(d)
        out.extend(_duties(extra))
    return out


def _duty(m: Mapped) -> Found | None:
    m = m.collapse_spaces()
    text = clean_value(m.text)
    if not text or len(text) < 3:
        return None
    return Found(text, *m.span(), "assignments.duty", 0.85)
