"""From a Document to a PlanRecord, top to bottom.

load → lines and paragraphs (layout) → parts (segment) → values with spans
(extract/*) → completed values (resolve) → PlanRecord with provenance and
warnings. Nothing here reads files or prints; see ``vnplan.api``.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date

from . import layout, segment
from .citations import Citation, mapped_citations
from .document import Document
from .extractors import Found
from .extractors.assignments import read_assignments
from .extractors.bases import read_bases, read_references
from .extractors.closing import read_closing
from .extractors.header import read_header, self_citation
from .extractors.schedule import read_schedule
from .extractors.title import read_theme, read_title
from .models import (
    Area,
    AreaDetail,
    Assignment,
    Deadline,
    Event,
    Period,
    PlanRecord,
    Provenance,
    RecordWarning,
    RecurringDeadline,
    Signer,
    Source,
)
from .models import Citation as CitationModel
from .normalize import expand_abbreviations
from .resolve import complete_cited_issuer, resolve_area, resolve_issuer


class Recorder:
    """Collects provenance and warnings while a record is built."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.provenance: dict[str, Provenance] = {}
        self.warnings: list[RecordWarning] = []

    def note(self, path: str, found: Found | None, **extra) -> None:
        if found is None:
            return
        self.span(path, found.start, found.end, found.rule, found.confidence, inferred=found.inferred, note=found.note, **extra)

    def span(self, path: str, start: int, end: int, rule: str, confidence: float = 0.9, *, inferred: bool = False, note: str | None = None) -> None:
        text = self.doc.text
        start = max(0, min(start, len(text)))
        end = max(start, min(end, len(text)))
        page, bbox, ocr = self.doc.locate(start, end)
        self.provenance[path] = Provenance(
            start=start, end=end, text=text[start:end], rule=rule, confidence=round(float(confidence), 3),
            inferred=inferred, note=note, page=page, bbox=bbox, ocr_confidence=ocr,
        )

    def warn(self, code: str, message: str, field: str | None = None, start: int | None = None, end: int | None = None) -> None:
        self.warnings.append(RecordWarning(code=code, message=message, field=field, start=start, end=end))


_YEAR_IN_TITLE = re.compile(r"\bnăm\s+((?:19|20)\d{2})\b", re.I)


def build_record(doc: Document) -> PlanRecord:
    lines, paras = layout.build(doc.text)
    st = segment.segment(paras)
    main = st.main
    rec = Recorder(doc)
    for code, msg in doc.warnings:
        rec.warn(code, msg)

    hdr = read_header(main)
    for code, msg, s, e in hdr.warnings:
        rec.warn(code, msg, "number" if code.startswith("number") else "issued_date", s, e)

    title = read_title(main)
    body_all = [p for part in st.parts for p in part.body]
    year = _context_year(hdr, title, body_all)

    # Number and date where the plan cites itself ("Kèm theo Kế hoạch số 83/KH-UBND ngày ...").
    number, symbol, issued = hdr.number, hdr.symbol, hdr.issued_date
    if number is None:
        later = [p for part in st.parts for p in part.annexes + part.title] + st.all_body()
        selfc = self_citation(later, symbol.value if symbol else None, main.type_name)
        if selfc:
            number = selfc[0]
            symbol = symbol or selfc[1]
            if issued is None and selfc[2] is not None and (hdr.year is None or hdr.year.value == selfc[2].value.year):
                issued = selfc[2]
    year_found = hdr.year
    if issued is not None:
        year_found = Found(issued.value.year, issued.start, issued.end, issued.rule, issued.confidence)
        year = issued.value.year

    # A text about a plan (a news or Q&A page) rather than the plan itself: the plan it
    # describes in its lead ("Ngày 25/9/2025, UBND TP HCM đã có Kế hoạch 104/KH-UBND ...").
    described = None
    if main.type_code is None and symbol is None and title is None:
        described = describe_lead(st.paras[:10], year)
        if described is not None:
            rec.warn("not-a-plan", "the text is not an administrative document; the record describes the plan "
                     "it reports on (" + (described.doc_type or "") + " " + (described.number or "") + ")")
            number = Found(described.number, *described.spans["number"], "lead.described-document", 0.6)
            symbol = Found(described.symbol, *described.spans.get("symbol", described.spans["number"]), "lead.described-document", 0.6)
            if described.subject:
                subj = re.sub(r"^(?:năm\s+\d{4}\s+)?(?:về\s+)", "", described.subject)
                title = Found(subj[:1].upper() + subj[1:], *described.spans.get("subject", (0, 0)), "lead.described-document", 0.5)
            if described.date is not None:
                issued = Found(described.date, *described.spans.get("date", (0, 0)), "lead.described-document", 0.6)
                year = described.date.year
                year_found = Found(year, issued.start, issued.end, issued.rule, 0.6)
            hdr.doc_type = Found(_code_of(described.doc_type), described.start, described.end, "lead.described-document", 0.6)

    # Citations.
    title_cites = _title_citations(main, year)
    bases, proposals = read_bases(main, year=year, title_cites=title_cites)
    own_key = (number.value if number else "", (symbol.value if symbol else "").casefold().split("-")[0])
    exclude = {c.key for c in bases if c.number}
    exclude.add(own_key)
    ref_paras = [p for part in st.parts for p in part.body + part.annexes + (part.preamble + part.title if part is not main else [])]
    references = proposals + read_references(ref_paras, year=year, exclude=exclude | {c.key for c in proposals if c.number})

    closing = read_closing(main.closing)

    # Issuer and area.
    issuer = resolve_issuer(hdr, main, st, title)
    if issuer is None and described is not None and described.issuer:
        issuer = Found(described.issuer, *described.spans.get("issuer", (described.start, described.end)), "lead.described-document", 0.5)
    area, area_detail, area_prov = resolve_area(issuer, hdr, st, bases, year=year, issued=issued)
    for c in bases + references:
        complete_cited_issuer(c, issuer.value if issuer else None, area)

    theme = read_theme(body_all + main.preamble)
    schedule = read_schedule(st, year=year, issued=issued.value if issued else None)
    assignments = read_assignments(st)

    # Assemble the record.
    r = PlanRecord()
    r.source = Source(path=doc.path, format=doc.format, sha256=doc.sha256, size=doc.size, pages=len(doc.pages) or None)
    doc_type = hdr.doc_type
    r.doc_type = doc_type.value if doc_type else None
    rec.note("doc_type", doc_type)
    r.number = number.value if number else None
    rec.note("number", number)
    r.symbol = symbol.value if symbol else None
    rec.note("symbol", symbol)
    r.issuer = issuer.value if issuer else None
    rec.note("issuer", issuer)
    r.area = area
    r.area_detail = area_detail
    for k, f in area_prov.items():
        rec.note(f"area.{k}", f)
    r.place = hdr.place.value if hdr.place else None
    rec.note("place", hdr.place)
    r.issued_date = issued.value if issued else None
    rec.note("issued_date", issued)
    if year_found is not None:
        r.year = year_found.value
        rec.note("year", year_found)
    elif year is not None:
        r.year = year
        yf = _year_evidence(title, year)
        if yf:
            rec.note("year", yf)
    r.title = title.value if title else None
    rec.note("title", title)
    r.theme = theme.value if theme else None
    rec.note("theme", theme)

    r.legal_bases = [_citation_model(c) for c in bases]
    for i, c in enumerate(bases):
        _note_citation(rec, f"legal_bases[{i}]", c)
    r.references = [_citation_model(c) for c in references]
    for i, c in enumerate(references):
        _note_citation(rec, f"references[{i}]", c)

    r.periods = [Period(label=x.value[0], start=x.value[1], end=x.value[2]) for x in schedule.periods]
    for i, x in enumerate(schedule.periods):
        rec.note(f"periods[{i}]", x)
    r.events = [Event(name=x.value[0], date=x.value[1], time=x.value[2]) for x in schedule.events]
    for i, x in enumerate(schedule.events):
        rec.note(f"events[{i}]", x)
    r.deadlines = [Deadline(date=x.value[0], action=x.value[1], units=x.value[2]) for x in schedule.deadlines]
    for i, x in enumerate(schedule.deadlines):
        rec.note(f"deadlines[{i}]", x)

    r.recurring_deadlines = [RecurringDeadline(rule=x.value[0], action=x.value[1], text=x.value[2]) for x in schedule.recurring]
    for i, x in enumerate(schedule.recurring):
        rec.note(f"recurring_deadlines[{i}]", x)

    r.assignments = []
    for i, a in enumerate(assignments):
        r.assignments.append(Assignment(unit=a.unit.value, requested=a.requested, duties=[d.value for d in a.duties]))
        rec.note(f"assignments[{i}].unit", a.unit)
        for j, d in enumerate(a.duties):
            rec.note(f"assignments[{i}].duties[{j}]", d)

    r.signer = Signer(
        authority=closing.authority.value if closing.authority else None,
        position=closing.position.value if closing.position else None,
        name=closing.name.value if closing.name else None,
    )
    rec.note("signer.authority", closing.authority)
    rec.note("signer.position", closing.position)
    rec.note("signer.name", closing.name)
    r.recipients = [x.value for x in closing.recipients]
    for i, x in enumerate(closing.recipients):
        rec.note(f"recipients[{i}]", x)

    _checks(r, rec, main, st)
    r.provenance = rec.provenance
    r.warnings = rec.warnings
    return r


_LEAD = re.compile(r"(?:(?:Ngày|ngày)\s+(?P<date>\d{1,2}/\d{1,2}/\d{4}),\s*)?(?P<who>[A-ZĐ][^,;.]{1,80}?)\s+(?:đã\s+)?(?:có|ban hành|phê duyệt|triển khai)\s+(?=(?:Kế hoạch|Quyết định|Chỉ thị|Chương trình|Công văn|Hướng dẫn)\s)")


def describe_lead(paras, year: int | None) -> Citation | None:
    """The document a news or Q&A text reports on, from its lead sentence."""
    for p in paras:
        m = _LEAD.search(p.text)
        if not m:
            continue
        cites = mapped_citations(p.m.slice(m.end()), default_year=year)
        if not cites or not cites[0].number:
            continue
        c = cites[0]
        if m.group("date"):
            from .dates import parse_date

            d = parse_date(m.group("date"))
            if d is not None:
                c.date = d
                c.spans["date"] = p.m.span(m.start("date"), m.end("date"))
        who = expand_abbreviations(m.group("who"))
        who = re.sub(r"\b(?:TP\.?|Tp\.?)\s*HCM\b|\bTPHCM\b", "Thành phố Hồ Chí Minh", who)
        c.issuer = who
        c.spans["issuer"] = p.m.span(m.start("who"), m.end("who"))
        return c
    return None


def _code_of(type_name: str | None) -> str | None:
    from . import datafiles

    for t in datafiles.doctypes().types:
        if type_name and t.name == type_name:
            return t.code
    return None


def _context_year(hdr, title: Found | None, body) -> int | None:
    if hdr.year is not None:
        return hdr.year.value
    if title is not None:
        m = _YEAR_IN_TITLE.search(title.value)
        if m:
            return int(m.group(1))
    # The most common year printed in the body's dates.
    years = Counter(int(y) for p in body[:200] for y in re.findall(r"\b(?:ngày|/)\s?\d{1,2}\s?/\s?\d{1,2}\s?/\s?((?:19|20)\d{2})\b", p.text))
    if years:
        return years.most_common(1)[0][0]
    return None


def _year_evidence(title: Found | None, year: int) -> Found | None:
    if title is None:
        return None
    m = _YEAR_IN_TITLE.search(title.value)
    if not m:
        return None
    return Found(year, title.start, title.end, "title.year", 0.7, inferred=True, note="year of the plan taken from its title")


def _title_citations(part, year: int | None) -> list[Citation]:
    """Documents a trích yếu says the plan implements ("Triển khai thực hiện Chỉ thị số 11-CT/TU ...")."""
    out = []
    for p in part.title:
        if not re.search(r"(?:triển khai|thực hiện|thi hành)", p.text, re.I):
            continue
        for c in mapped_citations(p.m, default_year=year):
            c.rule = "title.implements"
            out.append(c)
    return out


def _citation_model(c: Citation) -> CitationModel:
    return CitationModel(doc_type=c.doc_type, number=c.number, symbol=c.symbol, date=c.date, issuer=c.issuer, subject=c.subject)


def _note_citation(rec: Recorder, path: str, c: Citation) -> None:
    rec.span(path, c.start, c.end, c.rule, 0.9)
    for f, (s, e) in c.spans.items():
        rec.span(f"{path}.{f}", s, e, c.rule, 0.9)


def _checks(r: PlanRecord, rec: Recorder, main, st) -> None:
    """What a careful reader should check."""
    if r.number is None and r.symbol is not None:
        if not any(w.code.startswith("number") for w in rec.warnings):
            rec.warn("number-blank", "no number before the symbol", "number")
    if not r.title:
        rec.warn("no-title", "no trích yếu found under a type word", "title")
    if main.type_code and main.type_code not in ("KH",) and r.doc_type != "KH":
        rec.warn("not-a-plan", f"the document is a {main.type_name}, not a Kế hoạch", "doc_type")
    if main.type_code is None and r.symbol is None and not r.legal_bases and not r.assignments:
        rec.warn("not-a-plan", "no header, type word, bases or assignments: the text may not be an administrative document")
    if r.doc_type == "KH" and not r.assignments:
        rec.warn("no-assignments", "no 'Tổ chức thực hiện' part with unit headings was found", "assignments")
    if r.issued_date:
        for i, c in enumerate(r.legal_bases):
            if c.date and c.date > r.issued_date:
                rec.warn("basis-after-issue", f"basis {c.number or c.doc_type} is dated after the date of issue", f"legal_bases[{i}].date")
    if st.noise:
        kinds = Counter(p.noise for p in st.noise)
        rec.warn("noise-dropped", "dropped text that is not part of the plan: " + ", ".join(f"{n} {k}" for k, n in kinds.items()))
    if r.signer.name is None and main.closing:
        rec.warn("no-signer", "the signature block has no readable name", "signer.name")
