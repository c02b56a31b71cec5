"""Legal bases (the documents a plan rests on, in its opening) and references (cited elsewhere)."""
from __future__ import annotations

import functools
import re

from .. import datafiles
from ..citations import Citation, _read_tail, _type_re, find_cores, mapped_citations
from ..dates import find_dates
from ..layout import Para
from ..normalize import clean_value, fold
from ..segment import Part, is_basis, is_proposal
from ..textmap import Mapped


@functools.cache
def _cue_re() -> re.Pattern[str]:
    return re.compile(r"^\s*(?:" + datafiles.alternation(datafiles.layout().basis_cues) + r")\s*:?\s*", re.I)


_CLAUSE = re.compile(r";\s*|(?<=[,.])\s+(?=(?:Căn cứ|Thực hiện)\s)|\s(?=Căn cứ\s)")


def _clauses(m: Mapped) -> list[Mapped]:
    out = []
    last = 0
    for c in _CLAUSE.finditer(m.text):
        if c.start() > last:
            out.append(m.slice(last, c.start()))
        last = c.end()
    if last < len(m.text):
        out.append(m.slice(last))
    return [x.strip() for x in out if x.strip()]


def read_bases(part: Part, *, year: int | None, title_cites: list[Citation]) -> tuple[list[Citation], list[Citation]]:
    """(legal bases, proposals) of a document's preamble."""
    bases: list[Citation] = []
    proposals: list[Citation] = []
    for p in part.preamble:
        if is_basis(p):
            bases.extend(_basis_paragraph(p, year))
        elif is_proposal(p):
            proposals.extend(mapped_citations(p.m, default_year=year))
    if not bases:
        # A letter or plan that "triển khai thực hiện" a document names it in its trích yếu.
        bases.extend(c for c in title_cites)
    return _dedupe(bases), _dedupe(proposals)


def _basis_paragraph(p: Para, year: int | None) -> list[Citation]:
    out: list[Citation] = []
    clauses = _clauses(p.m)
    for k, clause in enumerate(clauses):
        text = clause.text
        cue = _cue_re().match(text)
        starts_type = _type_re().match(text[cue.end():] if cue else text)
        if k > 0 and not cue and not starts_type:
            if any(_cue_re().match(c.text) for c in clauses[k + 1:]):
                continue  # the rest of the previous basis's subject ("...; việc giới thiệu ...")
            break  # the issuer's own sentence, or narrative after the bases
        body = clause.slice(cue.end()) if cue else clause
        cites = mapped_citations(body, default_year=year)
        for c in cites:
            c.rule = "preamble.basis"
        out.extend(cites)
        inside = [(c.start, c.end) for c in cites]
        out.extend(u for u in _unnumbered(body, year) if not any(a < u.start < b for a, b in inside))
    return out


def _unnumbered(m: Mapped, year: int | None) -> list[Citation]:
    """Documents cited without a number at the head of a basis clause: laws, or "Kế hoạch của UBND ..."."""
    text = m.text
    out: list[Citation] = []
    heads = []
    for t in _type_re().finditer(text):
        if t.start() == 0:
            heads.append(t)
        elif fold(t.group("type")) == "luật" and re.search(r"(?:,|\bvà|;)\s*$", text[: t.start()]):
            since = text[heads[-1].end() if heads else 0: t.start()]
            if re.search(r"\scủa\s", since):
                continue  # "Luật Sửa đổi ... của Luật X và Luật Y": one law's name
            heads.append(t)
    for k, t in enumerate(heads):
        seg_end = heads[k + 1].start() if k + 1 < len(heads) else len(text)
        seg = text[t.start():seg_end]
        seg = re.sub(r"(?:,|\s+và)\s*$", "", seg.rstrip())
        if find_cores(seg):
            continue
        name = fold(t.group("type"))
        c = Citation(start=0, end=0, doc_type=t.group("type")[:1].upper() + t.group("type")[1:])
        c.rule = "preamble.basis-unnumbered"
        rest_off = t.end()
        if name in ("luật", "bộ luật", "pháp lệnh"):
            dm = find_dates(seg, default_year=year)
            cut = len(seg)
            d = next((x for x in dm if x.first), None)
            if d:
                c.date = d.first
                c.spans["date"] = m.span(t.start() + d.start, t.start() + d.end)
                cut = d.start
            subject = re.sub(r"\s*(?:ngày|năm|,|số)\s*$", "", seg[len(t.group(0)):cut]).strip(" ,;.")
            c.subject = clean_value(subject) or None
            if c.subject:
                c.spans["subject"] = m.span(t.end() + 1, t.end() + 1 + len(subject))
        else:
            _read_tail(c, " " + text[rest_off:seg_end].lstrip(), 0, year)
            c.spans = {}
            if not (c.issuer or c.subject):
                continue
        c.start, c.end = m.span(t.start(), t.start() + len(seg))
        c.spans["doc_type"] = m.span(t.start(), t.end())
        out.append(c)
    return out


def _dedupe(cites: list[Citation]) -> list[Citation]:
    """One entry per document; a later citation fills what an earlier one left out (its date)."""
    out: list[Citation] = []
    by_key: dict[tuple[str, str], Citation] = {}
    for c in cites:
        if not c.number:
            out.append(c)
            continue
        prev = by_key.get(c.key)
        if prev is None:
            by_key[c.key] = c
            out.append(c)
            continue
        for f in ("date", "issuer", "subject", "doc_type"):
            if getattr(prev, f) is None and getattr(c, f) is not None:
                setattr(prev, f, getattr(c, f))
                if f in c.spans:
                    prev.spans[f] = c.spans[f]
    return out


def read_references(paras: list[Para], *, year: int | None, exclude: set[tuple[str, str]]) -> list[Citation]:
    """Numbered documents cited anywhere else, each once, without the bases and the plan itself."""
    out: list[Citation] = []
    seen = set(exclude)
    for p in paras:
        if not find_cores(p.text):
            continue
        for c in mapped_citations(p.m, default_year=year):
            if c.key in seen:
                for o in out:
                    if o.key == c.key and o.date is None and c.date is not None:
                        o.date = c.date
                continue
            before = _before(p, c)
            if re.search(r"[Kk]èm\s+(?:theo\s+)?$", before):
                continue  # "(Kèm theo Kế hoạch số ...)": the plan naming itself
            if re.search(r"(?:[Mm]ẫu|[Bb]iểu|[Pp]hụ lục)\s*(?:số)?\s*:?\s*(?:\d{1,3}\s*(?:,|và)\s*)*$", before) or c.doc_type is None:
                continue  # a form or annex number, not a document
            seen.add(c.key)
            c.rule = "body.reference"
            out.append(c)
    return out


def _before(p: Para, c: Citation) -> str:
    # text just before the citation, in the paragraph's cleaned string
    at = c.spans.get("number", (c.start, c.end))[0]
    for i, off in enumerate(p.m.offs):
        if off >= at:
            return p.m.text[max(0, i - 30):i]
    return ""
