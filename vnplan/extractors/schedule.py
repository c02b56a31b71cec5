"""The schedule: periods a plan organises, dated events, and deadlines.

Dates come from :mod:`vnplan.dates`; what a date *is* comes from the words
around it (``cues.yaml``): a deadline cue before it ("trước ngày", "chậm nhất
ngày"), an event named before it or in the heading above it ("Lễ khai mạc",
"Hội nghị"), or a range ("từ ngày ... đến ngày ...").
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .. import datafiles
from ..citations import find_cores
from ..dates import DateMention, find_dates
from ..layout import MARKER, Para
from ..normalize import clean_value, fold
from ..outline import Node
from ..segment import Structure
from ..textmap import Mapped
from . import Found


@dataclass
class Schedule:
    periods: list[Found] = field(default_factory=list)  # value: (label, start, end)
    events: list[Found] = field(default_factory=list)  # value: (name, date, time)
    deadlines: list[Found] = field(default_factory=list)  # value: (date, action, units)
    recurring: list[Found] = field(default_factory=list)  # value: (rrule, action, text)


@functools.cache
def _cue_res() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    c = datafiles.cues()
    # The date mention starts at "ngày", so the cues are matched without it.
    dl = datafiles.alternation(c.deadline, lambda x: re.sub(r"\s+ngày$", "", fold(x)))
    deadline = re.compile(r"(?:^|[\s(:,])(?:" + dl + r")\s*(?:là\s*)?(?:vào\s*)?[:]?\s*(?:ngày\s*)?$")
    notdl = re.compile("|".join(re.escape(fold(x)) for x in c.deadline_not))
    event = re.compile(r"(?<![\wđ])(?:" + datafiles.alternation(c.events, fold) + r")(?![\wđ])")
    label = re.compile(r"(?<![\wđ])(?:" + datafiles.alternation(c.period_labels, fold) + r")(?![\wđ])")
    return deadline, notdl, event, label


class _Scan:
    """The state of one schedule scan: what has been found so far, and the context."""

    def __init__(self, st: Structure, year: int | None, issued: date | None) -> None:
        self.year = year
        self.issued = issued
        self.sch = Schedule()
        self.seen_periods: set[tuple[date, date]] = set()
        self.seen_rules: set[str] = set()
        self.events: dict[tuple[date, str], Found] = {}
        self.deadlines: dict[date, Found] = {}
        self.units = _units_by_para(st)
        self.headings = _headings_by_para(st)

    def add_deadline(self, day: date, action: str, units: list[str], span: tuple[int, int], rule: str) -> None:
        if self.issued and day < self.issued - timedelta(days=60):
            return  # long before the plan: a condition ("đăng ký trước ngày ..."), not a deadline
        if day not in self.deadlines:
            self.deadlines[day] = Found((day, action, units), *span, rule, 0.85)

    def text(self, p: Para, m: Mapped, previous: list[Para]) -> None:
        """Periods, events and deadlines of one paragraph (or one table cell)."""
        deadline_re, notdl_re, event_re, label_re = _cue_res()
        text = m.text
        if not _MAYBE_DATE.search(text):
            return  # most paragraphs have no date at all: skip the date finder
        ftext = fold(text)
        cores = [(c.start(), c.end()) for c in find_cores(text)]
        for dm in find_dates(text, default_year=self.year):
            before = ftext[max(0, dm.start - 60):dm.start]
            if dm.recurring and dm.kind == "day":
                rule = _rrule(dm, ftext[dm.start:dm.end + 25]) if deadline_re.search(before) else None
                if rule and rule not in self.seen_rules:
                    self.seen_rules.add(rule)
                    self.sch.recurring.append(Found((rule, _action(text, dm.start), dm.text), *m.span(dm.start, dm.end),
                                                    "schedule.recurring-deadline", 0.8))
                continue
            if dm.recurring or dm.kind in ("blank", "quarter"):
                continue
            if any(a <= dm.start <= b + 12 for a, b in cores):
                continue  # the date of a cited document
            span = m.span(dm.start, dm.end)
            if dm.kind in ("day_range", "month_range") and dm.first and dm.last and dm.first <= dm.last:
                key = (dm.first, dm.last)
                if key not in self.seen_periods:
                    self.seen_periods.add(key)
                    h = self.headings.get(id(p))
                    label = _label(ftext, text, dm, label_re, h.texts() if h else None)
                    self.sch.periods.append(Found((label, dm.first, dm.last), *span, "schedule.range", 0.85))
                continue
            if dm.kind != "day" or dm.first is None:
                continue
            han = _HAN.search(ftext[:dm.start])
            if deadline_re.search(before) or han:
                if notdl_re.search(ftext[max(0, dm.start - 60):dm.end + 20]):
                    continue
                action = clean_value(text[han.start():han.end("obj")]) if han else _action(text, dm.start)
                u = self.units.get(id(p))
                self.add_deadline(dm.first, action or "", [u] if u else [], span, "schedule.deadline")
                continue
            h = self.headings.get(id(p))
            name = _event_name(ftext, text, dm, event_re, h.texts() if h else None, previous)
            if name:
                k = (dm.first, fold(name))
                prev = _same_day_event(self.events, dm.first)
                if prev is not None:
                    # One event per day: keep the one that gives a time.
                    if prev.value[2] is None and dm.time:
                        self.events[(dm.first, fold(prev.value[0]))] = Found((prev.value[0], dm.first, dm.time), *span,
                                                                            "schedule.event", 0.8)
                    continue
                self.events[k] = Found((name, dm.first, dm.time), *span, "schedule.event", 0.8)

    def table_row(self, p: Para, header: dict[str, int] | None, previous: list[Para]) -> None:
        """A row of a table: its cells scanned one by one; dates in a "Thời hạn" column are deadlines."""
        cells = _cells(p.m)
        col = header.get("deadline") if header else None
        for k, cell in enumerate(cells):
            if col is not None and k == col:
                dates = [d for d in find_dates(cell.text, default_year=self.year) if d.kind == "day" and d.first and not d.recurring]
                if dates:
                    d = dates[0]
                    task = cells[header["task"]].text if header.get("task") is not None and header["task"] < len(cells) else ""
                    unit = cells[header["unit"]].text if header.get("unit") is not None and header["unit"] < len(cells) else ""
                    self.add_deadline(d.first, clean_value(task) or "", [clean_value(unit)] if unit.strip() else [],
                                      cell.span(d.start, d.end), "schedule.table-deadline")
                continue
            self.text(p, cell, previous)


# A day and month written somehow ("08/9", "8-9", "ngày 8", "tháng 9"): worth running the date finder.
_MAYBE_DATE = re.compile(r"\d\s*[/.-]\s*\d|(?:ngày|tháng|Ngày|Tháng|NGÀY|THÁNG)\s*\**\s*\d")
_HAN = re.compile(r"(?:^|[;:.]\s|^\W*[-+•*]\s*)(?:thời hạn|hạn chót|hạn cuối|hạn)\b(?P<obj>[^:;.]{0,80}):\s*(?:ngày\s*)?$")


def _cells(m: Mapped) -> list[Mapped]:
    out = []
    last = 0
    for sep in re.finditer(r" \| ", m.text):
        out.append(m.slice(last, sep.start()))
        last = sep.end()
    out.append(m.slice(last))
    return out


@functools.cache
def _table_header_res() -> dict[str, re.Pattern[str]]:
    c = datafiles.cues()
    return {k: re.compile(r"^(?:" + "|".join(re.escape(fold(w)) for w in words) + r")\b")
            for k, words in (("deadline", c.table_deadline_headers), ("task", c.table_task_headers), ("unit", c.table_unit_headers))}


def _table_header(p: Para) -> dict[str, int] | None:
    """Column indexes of a task table's header row (deadline, task, lead unit), if it is one."""
    res = _table_header_res()
    found: dict[str, int] = {}
    for k, cell in enumerate(_cells(p.m)):
        f = fold(clean_value(cell.text) or "")
        for name, rx in res.items():
            if name not in found and rx.match(f):
                found[name] = k
    return found if "deadline" in found else None


def read_schedule(st: Structure, *, year: int | None, issued: date | None) -> Schedule:
    scan = _Scan(st, year, issued)
    paras = [p for part in st.parts for p in part.body + part.annexes]
    header: dict[str, int] | None = None
    for i, p in enumerate(paras):
        previous = paras[max(0, i - 2):i]
        if p.table_row:
            h = _table_header(p)
            if h is not None:
                header = h
                continue
            scan.table_row(p, header, previous)
            continue
        header = None
        scan.text(p, p.m, previous)
    sch = scan.sch
    sch.events = sorted(scan.events.values(), key=lambda f: (f.value[1], f.value[2] or ""))
    sch.deadlines = list(scan.deadlines.values())
    return sch


def _rrule(dm: DateMention, after: str) -> str | None:
    """The recurrence of a date that comes back, as an RFC 5545 rule (built with dateutil)."""
    from dateutil.rrule import MONTHLY, YEARLY, rrule

    anchor = datetime(2000, 1, 1)
    if dm.day is None:
        return None
    if re.search(r"tháng cuối (?:mỗi )?quý", after):
        rule = rrule(MONTHLY, bymonth=(3, 6, 9, 12), bymonthday=dm.day, dtstart=anchor)
    elif dm.month is not None:
        rule = rrule(YEARLY, bymonth=dm.month, bymonthday=dm.day, dtstart=anchor)
    elif re.search(r"h[ằà]ng tháng|mỗi tháng", after):
        rule = rrule(MONTHLY, bymonthday=dm.day, dtstart=anchor)
    else:
        return None
    # str(rule) is "DTSTART:...\nRRULE:FREQ=..."; the RRULE part is the pattern itself.
    return str(rule).split("RRULE:", 1)[1]


def _same_day_event(events: dict[tuple[date, str], Found], day: date) -> Found | None:
    for (d, _), f in events.items():
        if d == day:
            return f
    return None


def _label(ftext: str, text: str, dm: DateMention, label_re: re.Pattern[str], heading: list[str] | None) -> str | None:
    start = max(0, dm.start - 120)
    hits = list(label_re.finditer(ftext, start, dm.start))
    if hits:
        h = hits[-1]
        return clean_value(text[h.start():h.end()]).capitalize()
    if heading and heading[0]:
        label = heading[0]
        if len(label) > 120:
            label = label[:120].rsplit(" ", 1)[0]  # cut at a word, not inside one
        return label.strip(" ,;:") or None
    return None


def _event_name(ftext: str, text: str, dm: DateMention, event_re: re.Pattern[str], heading: list[str] | None,
                previous: list[Para] = ()) -> str | None:
    # An event named shortly before the date, in the same clause.
    start = max(0, dm.start - 90)
    clause_start = max(ftext.rfind(";", start, dm.start), ftext.rfind(". ", start, dm.start))
    lo = clause_start + 1 if clause_start >= 0 else start
    hits = list(event_re.finditer(ftext, lo, dm.start))
    if hits:
        h = hits[-1]
        return _name_from(text, h.start(), h.end())
    # "Thời gian: ..." under a heading that names the event ("2. Tổ chức Lễ khai mạc").
    if re.search(r"(?:thời gian|thời điểm)\s*:?[^.;]*$", ftext[:dm.start]):
        # ... or in the sentence just above the list ("... tổ chức Lễ khai mạc như sau:").
        for q in reversed(previous):
            hits = list(event_re.finditer(fold(q.text)))
            if hits and not re.search(r"\d{1,2}/\d{1,2}/\d{4}|ngày\s+\d", q.text[hits[-1].end():]):
                return _name_from(q.text, hits[-1].start(), hits[-1].end())
    if heading and re.search(r"(?:thời gian|thời điểm)\s*:?[^.;]*$", ftext[:dm.start]):
        for h in heading[:3]:
            hm = event_re.search(fold(h))
            if hm:
                if len(h) <= 90:
                    name = re.sub(r"^(?:Tổ chức|tổ chức)\s+", "", h).rstrip(" .:;")
                    return name[:1].upper() + name[1:]
                return _name_from(h, hm.start(), hm.end())
    return None


_NAME_STOP = re.compile(r"\s(?:tổ chức|được|sẽ|diễn ra|vào|lúc|tại|ngày|từ|trong|với|theo|do)\b|[,:;(.“\"|]|\d")


def _name_from(text: str, s: int, e: int) -> str:
    """The event's name: its cue and the words that follow, up to a verb, a place or the date."""
    tail = text[e:e + 80]
    stop = _NAME_STOP.search(tail)
    words = tail[: stop.start()] if stop else tail
    words = " ".join(words.split()[:7])
    name = clean_value(text[s:e] + (" " + words if words else "")) or text[s:e]
    return name[:1].upper() + name[1:]


_CLAUSE_START = re.compile(r"(?:[;:]|\.\s|^)\s*")


def _action(text: str, at: int) -> str:
    """What must be done by the deadline: the clause before the cue."""
    head = text[:at]
    label = MARKER.match(head)
    if label:
        head = " " * label.end() + head[label.end():]  # the outline label ("b) ", "- ") is not part of it
    cut = max(head.rfind(";"), head.rfind(". "), head.rfind(": "))
    clause = head[cut + 1:] if cut >= 0 else head
    clause = re.sub(r"\s*(?:trước|chậm nhất|chậm nhất là|chậm nhất đến|hạn cuối|hoàn thành trước|xong trước|thời hạn)\s*(?:ngày\s*)?$", "", clause.strip(), flags=re.I)
    clause = clean_value(clause.strip(" ,-")) or ""
    return clause


def _units_by_para(st: Structure) -> dict[int, str]:
    """For each paragraph under a unit heading of the assignments part, that unit."""
    from .assignments import _is_tcth, unit_head  # local: assignments imports nothing from here

    out: dict[int, str] = {}
    for part in st.parts:
        tree = part.tree
        for sec in [n for n in tree.walk() if _is_tcth(n)]:
            for child in sec.children:
                if child.para is None or child.closing:
                    continue
                head = unit_head(child.para.body)
                if head is None:
                    continue
                name = clean_value(head.unit.text) or head.unit.text
                out[id(child.para)] = name
                for d in child.walk():
                    if d.para is not None:
                        out[id(d.para)] = name
    return out


class _Headings:
    """The numbered headings above a paragraph, nearest first; their text is cleaned on first use."""

    __slots__ = ("paras", "_texts")

    def __init__(self, paras: tuple[Para, ...]) -> None:
        self.paras = paras
        self._texts: list[str] | None = None

    def texts(self) -> list[str]:
        if self._texts is None:
            self._texts = [clean_value(p.body.text) or "" for p in self.paras]
        return self._texts


def _headings_by_para(st: Structure) -> dict[int, _Headings]:
    """The numbered headings above each paragraph (for "Thời gian:" lines and period labels)."""
    out: dict[int, _Headings] = {}
    for part in st.parts:
        tree = part.tree

        def visit(node: Node, above: _Headings) -> None:
            for c in node.children:
                if c.para is None:
                    continue
                out[id(c.para)] = above
                heading = c.style and c.style not in ("dash", "plus", "bullet")
                visit(c, _Headings((c.para,) + above.paras) if heading else above)

        visit(tree, _Headings(()))
    return out
