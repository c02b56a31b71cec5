"""Finding the documents a text cites, and reading each citation's parts.

A citation is found by its number and symbol ("1234/BGDĐT-GDĐT",
"30/2020/NĐ-CP", "13-KH/TU"), which have a shape nothing else in a plan has;
its type word, date, issuer and subject are then read around it. Laws are
cited without a number ("Luật Giáo dục ngày 14 tháng 6 năm 2019"); those are
read only where a basis clause opens with them.
"""
from __future__ import annotations

from .chars import vi

import bisect
import functools
import re
from dataclasses import dataclass, field
from datetime import date

from . import datafiles
from .dates import find_dates
from .normalize import clean_value, fold
from .textmap import Mapped

# The symbol after the slash: groups of capitals and digits (mixed-case codes such
# as "TTg", "QyĐ", "GDTrX" too) joined by "-" or "/", no spaces except the slip
# "NQ- CP" that OCR and typists make.
_SYM = r"[A-ZĐÂĂÊÔƠƯ][A-Za-zĐđÂĂÊÔƠƯâăêôơư0-9&]*(?:\s?[-/–]\s?[A-ZĐÂĂÊÔƠƯ0-9][A-Za-zĐđÂĂÊÔƠƯâăêôơư0-9&]*)*"
CORE = re.compile(
    r"(?<![\w/.-])"
    r"(?:(?P<num>\d{1,5}[a-z]?)(?:\s?/\s?(?P<year>(?:19|20)\d{2}))?\s?/\s?(?P<sym>" + _SYM + r")"
    r"|(?P<pnum>\d{1,5})\s?-\s?(?P<psym>[A-ZĐ][A-Za-zĐđ]*\s?/\s?[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-ZĐ0-9][A-Za-zĐđ0-9]*)*))"
    r"(?![\w/])"
)
_SO = re.compile(r"\b(?:số|Số|SỐ)\s*:?\s*$")
# The longest tail (date, issuer, subject) read after a number. Corpus tails are
# under 400 characters; without a bound, a list of numbers with no clause ends
# ("12/KH-UBND 12/KH-UBND ...") reads the rest of the text once per number: O(n²).
_MAX_TAIL = 1000


@dataclass
class Citation:
    """A cited document with the spans it was read from (offsets into the text searched)."""

    start: int
    end: int
    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    date: date | None = None
    issuer: str | None = None
    subject: str | None = None
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    rule: str = "citation"

    @property
    def key(self) -> tuple[str, str]:
        sym = (self.symbol or "").replace(" ", "").casefold()
        return (self.number or "", re.split(r"[-/]", sym)[0])


@functools.cache
def _type_re() -> re.Pattern[str]:
    alt = datafiles.alternation(t.name for t in datafiles.doctypes().types)
    return re.compile(r"(?<![\w])(?P<type>" + alt + r")(?![\w])", re.I)


@functools.cache
def _code_to_name() -> dict[str, str]:
    out: dict[str, str] = {}
    for t in datafiles.doctypes().types:
        out.setdefault(t.code.casefold(), t.name)
    out["ct"] = "Chỉ thị"
    out["tt"] = "Thông tư"
    out["tb"] = "Thông báo"
    out["nq"] = "Nghị quyết"
    return out


@functools.cache
def _subject_re() -> re.Pattern[str]:
    return re.compile(r"\s(?:" + datafiles.alternation(datafiles.cues().subject_starts) + r")(?=\s)")


def split_number(num: str, year: str | None, sym: str) -> tuple[str, str]:
    number = f"{num}/{year}" if year else num
    symbol = re.sub(r"\s+", "", sym).replace("–", "-")
    return number, symbol


def type_from_symbol(symbol: str | None) -> str | None:
    if not symbol:
        return None
    code = re.split(r"[-/]", symbol)[0]
    return _code_to_name().get(code.casefold())


def find_cores(text: str) -> list[re.Match[str]]:
    """Number-and-symbol matches that are document numbers (not dates, not phone numbers)."""
    out = []
    for m in CORE.finditer(text):
        sym = m.group("sym") or m.group("psym") or ""
        if not re.search(r"[A-ZĐ]{2}|[A-ZĐ][a-z]*[A-ZĐ]|^[A-ZĐ]{1,2}\d", sym):
            continue  # a lone capital after a slash is not a symbol
        out.append(m)
    return out


def parse_citations(text: str, *, default_year: int | None = None, stop: int | None = None) -> list[Citation]:
    """Every numbered citation in ``text``, with type, date, issuer and subject read around it."""
    cores = find_cores(text)
    types = list(_type_re().finditer(text))
    type_starts = [t.start() for t in types]  # sorted: finditer order
    out: list[Citation] = []
    for k, m in enumerate(cores):
        num = m.group("num") or m.group("pnum")
        sym = m.group("sym") or m.group("psym")
        number, symbol = split_number(num, m.group("year"), sym)
        c = Citation(start=m.start(), end=m.end(), number=number, symbol=symbol)
        c.spans["number"] = (m.start(), m.start() + len(num) + (len(m.group("year")) + 1 if m.group("year") else 0))
        c.spans["symbol"] = (m.start(m.lastgroup and ("sym" if m.group("sym") else "psym")), m.end())
        # The type word is the nearest one before the number, in the same clause.
        prev_core_end = cores[k - 1].end() if k else 0
        window_start = max(prev_core_end, m.start() - 160)
        tword = None
        # Only the type words inside the window (bisect, not a scan of all: O(n²) on long lists).
        for t in types[bisect.bisect_left(type_starts, window_start):bisect.bisect_left(type_starts, m.start())]:
            if window_start <= t.start() < m.start():
                between = text[t.end():m.start()]
                if re.search(r"[;.]\s", between) and not re.search(r"\bsố\b", between):
                    continue
                tword = t
        if tword is not None:
            c.doc_type = _canonical_type(tword.group("type"))
            c.start = tword.start()
            c.spans["doc_type"] = tword.span()
        else:
            c.doc_type = type_from_symbol(symbol)
        # The rest of the citation runs to the next citation's type word, a clause end or "stop".
        nxt = min(len(text) if stop is None else stop, m.end() + _MAX_TAIL)
        if k + 1 < len(cores):
            between = types[bisect.bisect_left(type_starts, m.end()):bisect.bisect_left(type_starts, cores[k + 1].start())]
            beside = _start_of_next(text, cores[k + 1], between, m.end())
            if beside is not None:
                nxt = min(nxt, beside)
        tail_end = _clause_end(text, m.end(), nxt)
        tail = text[m.end():tail_end]
        _read_tail(c, tail, m.end(), default_year)
        if c.issuer is None:
            # "đề nghị của Sở X tại Tờ trình số 12/TTr-SNV": the issuer named before the citation.
            pre = re.search(vi(r"\bcủa\s+(?P<iss>[{U}][^,;:()]{2,120}?)\s+tại\s*$"), text[max(0, c.start - 160):c.start])
            if pre:
                c.issuer = clean_value(pre.group("iss"))
        if c.subject is None and tword is not None:
            # "Luật Giáo dục số 43/2019/QH14": the name sits between the type word and the number.
            name = re.sub(r"\s*(?:số|Số)\s*:?\s*$", "", text[tword.end():m.start()]).strip(" ,")
            if len(name) > 2:
                c.subject = clean_value(name)
                c.spans["subject"] = (tword.end() + 1, tword.end() + 1 + len(name))
        c.end = tail_end
        out.append(c)
    return out


def _canonical_type(word: str) -> str:
    f = fold(word)
    for t in datafiles.doctypes().types:
        if fold(t.name) == f:
            return t.name
    return word


def _start_of_next(text: str, core: re.Match[str], types: list[re.Match[str]], after: int) -> int | None:
    """Where the next citation starts, when it is listed beside this one ("...; Công văn số",
    "... và Luật số") rather than named inside this one's subject."""
    start = core.start()
    tstart = start
    for t in types:
        if after <= t.start() < start and not re.search(r"[;.]\s", text[t.end():start]):
            tstart = t.start()
    before = text[max(after, tstart - 12):tstart]
    if re.search(r"(?:[,;]|\bvà|\bvà các)\s*$", before) or tstart == after:
        return tstart
    return None


_CLAUSE_END = re.compile(vi(r";|\.(?=\s+[{U}])|\.\s*$|\n\n"))


@functools.cache
def _action_re() -> re.Pattern[str]:
    """The issuer's own sentence after its bases: ", Ủy ban nhân dân xã xây dựng kế hoạch ..."."""
    acts = datafiles.alternation(a for a in datafiles.cues().issuer_actions if " " in a)
    return re.compile(vi(r",\s*(?=[{U}][^,;]{2,140}?\s(?:" + acts + r"))"))


def _clause_end(text: str, start: int, limit: int) -> int:
    m = _CLAUSE_END.search(text, start, limit)
    end = m.start() if m else limit
    a = _action_re().search(text, start, end)
    return a.start() if a else end


_DATE_HEAD = re.compile(r"^\s*[,(]?\s*(?:ban hành\s+)?(?:ngày|Ngày|ngay)\b")
_OF = re.compile(r"(?:^|\s|,)của\s+")


def _read_tail(c: Citation, tail: str, base: int, default_year: int | None) -> None:
    """Date, issuer and subject from the words after the number: ", ngày ... của X về Y"."""
    pos = 0
    dm = find_dates(tail[:80], default_year=default_year)
    if dm and dm[0].first and dm[0].start < 40 and not re.search(r"\bcủa\b", tail[: dm[0].start]):
        c.date = dm[0].first
        c.spans["date"] = (base + dm[0].start, base + dm[0].end)
        pos = dm[0].end
    of = _OF.search(tail, pos)
    subj_re = _subject_re()
    if of and of.start() - pos <= 12:
        istart = of.end()
        s = subj_re.search(tail, istart)
        comma = re.search(r"[,;(]|\s(?:ngày|Ngày)\s+\d", tail[istart:])
        iend = len(tail)
        if s:
            iend = s.start()
        if comma and istart + comma.start() < iend:
            iend = istart + comma.start()
        issuer = clean_value(tail[istart:iend])
        if issuer:
            issuer = re.sub(r"\s+(?:và|và các|cùng)$", "", issuer)  # the next document follows "và"
        if issuer and len(issuer) <= 150:
            c.issuer = issuer.rstrip(" .")
            c.spans["issuer"] = (base + istart, base + istart + len(tail[istart:iend].rstrip()))
            pos = iend
            if c.date is None:
                # "của Bộ Y ngày 08/9/2023 về ...": the date after the issuer.
                dm2 = find_dates(tail[pos:pos + 60], default_year=default_year)
                if dm2 and dm2[0].first and dm2[0].start <= 3:
                    c.date = dm2[0].first
                    c.spans["date"] = (base + pos + dm2[0].start, base + pos + dm2[0].end)
                    pos += dm2[0].end
    rest = tail[pos:]
    rest = re.sub(r"\s+(?:và|và các|cùng)\s*$", "", rest)  # the next document follows "và"
    lead = len(rest) - len(rest.lstrip(" ,"))
    subject = clean_value(rest.strip(" ,"))
    if subject and len(subject) > 3 and not subject.startswith(("(", "và ")):
        c.subject = subject.rstrip(" .,:")
        c.spans["subject"] = (base + pos + lead, base + len(tail))


def mapped_citations(m: Mapped, *, default_year: int | None = None) -> list[Citation]:
    """Citations in a cleaned string, with spans mapped back to the canonical text."""
    cites = parse_citations(m.text, default_year=default_year)
    for c in cites:
        c.start, c.end = m.span(c.start, c.end)
        c.spans = {k: m.span(a, b) for k, (a, b) in c.spans.items()}
    return cites
