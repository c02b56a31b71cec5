"""From the canonical text to lines and paragraphs, as a reader sees them.

Plans reach us as markdown from converters, plain-text dumps of Word files and
``pdftotext -layout`` output. This module undoes what those tools do to a
document without touching the canonical text: markdown markers, table pipes
and column gaps become cell boundaries, and hard-wrapped lines (often with a
blank line between every line, or a page break inside a sentence) are joined
back into paragraphs. Every cleaned string is a :class:`Mapped` string, so a
value read from it still points into the canonical text.
"""
from __future__ import annotations

from .chars import vi

import functools
import re
from dataclasses import dataclass, field

from . import datafiles
from .normalize import strip_diacritics
from .textmap import Mapped

_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+")
_MD_LINK = re.compile(r"\[([^\]\n]{1,300})\]\((?:[^)\s]{1,500})\)")
_MD_EMPH = re.compile(r"\*\*+|__+|(?<![\w*])\*(?=[^\s*])|(?<=[^\s*])\*(?![\w*])")
# (?<!\\) starts a match only at the first backslash of a run: without it a long
# run of backslashes not followed by an escapable character is rescanned from
# every position (O(n²): 80,000 backslashes took 34 s).
_ESCAPE = re.compile(r"(?<!\\)\\+(?=[_*.\-#\[\]()`>!|+~])")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_DECORATION = re.compile(r"^\s*(?:[-_=*~.]\s*){3,}$")
_LAYOUT_GAP = re.compile(r"\S( {4,})(?=\S)")
# Only what needs changing: runs of two or more, and tabs or odd spaces (a single " " is left alone).
_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200b\u3000]{2,}|[\t\u00a0\u2002-\u200b\u3000]")
_EMPTY = Mapped("", [])  # shared by blank lines; never mutated
_TRAILING_RULE = re.compile(r"\s*[-_=–]{3,}\s*$")
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?(?:trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*-)?$", re.I)
_BULLET_STAR = re.compile(r"^\s*\*(?=\s)")

# Outline markers a paragraph can start with.
MARKER = re.compile(
    r"""^(?:
        (?P<part>(?:PHẦN|Phần|CHƯƠNG|Chương|MỤC|Mục)\s+(?:[IVXLC]+|\d{1,2})\b[.:]?)
      | (?P<article>Điều\s+\d{1,3}[a-zđ]?\s*[.:])
      | (?P<roman>[IVXLC]{1,6})\s*[.)/:](?![vV]\b)
      | (?P<upper>[A-HK])\s*[.)/]
      | (?P<nested>\d{1,2}(?:\s?\.\s?\d{1,2}){1,4})\.?(?=[\s)]|[^\d\s.])\)?
      | (?P<num>\d{1,2})\s*[.)/](?!\d)
      | (?P<letter>[a-hik-zđ])\s*[).](?=\s|[^\w.])
      | (?P<dash>[-–—−]+)
      | (?P<plus>\+)
      | (?P<bullet>[•●○◦■□▪▫➢►▶✓✔❖◆◇※·*])
    )\s*""",
    re.X,
)


@dataclass
class Line:
    """One line of the document, or one cell of a table row / layout column."""

    idx: int
    start: int
    end: int
    m: Mapped
    page: int = 1
    bold: bool = False
    md_heading: int = 0
    cell: int = 0
    cells: int = 1
    table_row: bool = False
    indent: int = 0
    blank_before: int = 0  # blank lines (or empty cells) right above this one
    bold_open: bool = False  # the raw line opens a bold span ("**3. Đề nghị ...")
    bold_close: bool = False  # the raw line closes one ("... Hội Liên hiệp**")

    @property
    def text(self) -> str:
        return self.m.text

    @property
    def blank(self) -> bool:
        return not self.m.text


@dataclass
class Para:
    """A paragraph: lines joined, with its outline marker parsed off."""

    lines: list[Line]
    m: Mapped
    marker: str | None = None  # kind of outline marker: roman, num, nested2, letter, dash...
    label: str = ""  # the marker as printed: "1.", "a)", "-"
    body: Mapped = field(default_factory=Mapped.empty)  # text after the marker
    bold: bool = False
    md_heading: int = 0
    noise: str | None = None  # why this paragraph is not part of the document

    @property
    def text(self) -> str:
        return self.m.text

    @property
    def start(self) -> int:
        return self.m.span()[0]

    @property
    def end(self) -> int:
        return self.m.span()[1]

    @property
    def page(self) -> int:
        return self.lines[0].page if self.lines else 1

    @property
    def table_row(self) -> bool:
        return any(ln.table_row for ln in self.lines)

    @property
    def blank_before(self) -> int:
        return self.lines[0].blank_before if self.lines else 0


_SPLIT_LETTER = re.compile(r"(?<!\S)[^\W\d_](?=\s[^\W\d_])")


def _many_singles(t: str) -> bool:
    """Letters standing alone make up a good part of the line ("T hành phố Hồ Chí M inh")."""
    singles = len(_SPLIT_LETTER.findall(t))
    return singles >= 2 and singles >= 0.15 * (t.count(" ") + 1)


def _join_split_letters(m: Mapped) -> Mapped:
    """Letters a converter or OCR split with spaces ("T hành phố", "U B ND"), joined back
    where a lexicon of Vietnamese syllables says the joined word is real."""
    from .ocr_repair import repair_line

    try:
        edits = repair_line(m.text)
    except Exception:  # the repair is an aid; never lose the line over it
        return m
    keep = [(e.start, e.end, e.replacement) for e in edits if e.rule in ("split-letters", "split-abbreviation")]
    return m.apply_edits(keep) if keep else m


# Anything a cleaning pass would change; most lines have none of it.
_NEEDS_CLEANING = re.compile(r"[*_#\\\[\t\u00a0\u2002-\u200b\u3000]|  |[-_=–]{3}\s*$")


def _clean_cell(m: Mapped) -> tuple[Mapped, bool, int]:
    """Markdown markers off a cell; returns (text, was it bold, heading level)."""
    if not _NEEDS_CLEANING.search(m.text):
        m = m.strip()
        return (_join_split_letters(m) if _SPLIT_LETTER.search(m.text) and _many_singles(m.text) else m), False, 0
    raw = m.text.strip()
    bold = len(raw) > 4 and raw.startswith("**") and raw.rstrip(" \\").endswith("**")
    level = 0
    h = _MD_HEADING.match(m.text)
    if h:
        level = len(h.group(1))
        m = m.slice(h.end())
    t = m.text
    # Each pass only where its marker occurs: most lines have none.
    if "](" in t:
        m = m.sub(_MD_LINK, lambda x: x.group(1))
    if "\\" in t:
        m = m.sub(_ESCAPE, "")
    if "*" in t or "__" in t:
        # A "* " at the start is a bullet, not emphasis; keep it for the marker parser.
        star = _BULLET_STAR.match(m.text)
        if star:
            head, tail = m.slice(0, star.end()), m.slice(star.end())
            m = Mapped.join([head.strip(), tail.sub(_MD_EMPH, "")], " ")
        else:
            m = m.sub(_MD_EMPH, "")
    m = m.sub(_SPACES, " ").strip()
    if m.text[-3:] and m.text[-1] in "-_=–":
        m = m.sub(_TRAILING_RULE, "")  # "TỈNH BÌNH ĐỊNH -------": the rule drawn under a header cell
    if _SPLIT_LETTER.search(m.text) and _many_singles(m.text):
        m = _join_split_letters(m)
    return m, bold, level


def is_layout_text(text: str) -> bool:
    """Text laid out in columns with runs of spaces (``pdftotext -layout``)."""
    lines = [ln for ln in text.split("\n")[:400] if ln.strip()]
    if len(lines) < 8:
        return False
    indented = sum(1 for ln in lines if len(ln) - len(ln.lstrip(" ")) >= 4)
    gaps = sum(1 for ln in lines if re.search(r"\S {6,}\S", ln))
    return indented > 0.3 * len(lines) or gaps > 0.1 * len(lines)


def split_lines(text: str, layout: bool | None = None) -> list[Line]:
    """Physical lines of the canonical text, cut into cells at pipes and column gaps."""
    layout = is_layout_text(text) if layout is None else layout
    out: list[Line] = []
    page = 1
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl == -1 else nl
        # A form feed is a page break inside or at the start of a line.
        seg_start = pos
        while True:
            ff = text.find("\f", seg_start, end)
            seg_end = end if ff == -1 else ff
            _add_physical(out, text, seg_start, seg_end, page, layout)
            if ff == -1:
                break
            page += 1
            seg_start = ff + 1
        if nl == -1:
            break
        pos = nl + 1
    return out


_HEADER_ZONE = 6000  # characters from the start where header columns may be merged
_MOTTO_IN_LINE = re.compile(r"\s(?=(?:C[ỘỌOÔ]NG\s+H[OÒ][AÀ]\s+X[ÃA]\s+H[ỘỌ]I|Độc\s+lập\s*-|ĐỘC\s+LẬP\s*-))")
_NUMBER_THEN_DATE = re.compile(r"^(\s*S[ốôo]\s*:?.{0,40}?/\s*[A-ZĐ][\w&\-]*(?:\s*-\s*[A-ZĐ][\w&]*)*)\s+(?=[^\W\d_][^,]{1,40},\s*ngày)")


def _merged_header(raw: str) -> list[tuple[int, int]] | None:
    """Header columns that OCR or a converter put on one line: cut before the motto
    ("UỶ BAN NHÂN DÂN CỘNG HÒA XÃ HỘI ...") and between the number and the place-date."""
    m = _MOTTO_IN_LINE.search(raw)
    if m and m.start() > 2:
        return [(0, m.start()), (m.end(), len(raw))]
    m = _NUMBER_THEN_DATE.match(raw)
    if m:
        return [(0, m.end(1)), (m.end(), len(raw))]
    return None


def _add_physical(out: list[Line], text: str, s: int, e: int, page: int, layout: bool) -> None:
    raw = text[s:e]
    idx = len(out)
    if not raw or raw.isspace():
        out.append(Line(idx, s, e, _EMPTY, page))
        return
    if _TABLE_RULE.match(raw) or _DECORATION.match(raw) or _PAGE_NUMBER.match(raw.strip()):
        # Rules, decorations and running page numbers ("- 2 -", "Trang 3", "2") are
        # not text: they become blank lines, so a sentence broken by a page reads on.
        out.append(Line(idx, s, e, Mapped.empty(), page))
        return
    indent = len(raw) - len(raw.lstrip(" \t"))
    pieces: list[tuple[int, int]] = []
    if "|" in raw:
        cuts = [i for i, c in enumerate(raw) if c == "|"]
        bounds = [-1] + cuts + [len(raw)]
        for a, b in zip(bounds, bounds[1:]):
            if raw[a + 1:b].strip():
                pieces.append((s + a + 1, s + b))
    elif s < _HEADER_ZONE and _merged_header(raw):
        pieces = [(s + a, s + b) for a, b in _merged_header(raw)]
    elif layout and _LAYOUT_GAP.search(raw):
        last = 0
        for g in _LAYOUT_GAP.finditer(raw):
            pieces.append((s + last, s + g.start(1)))
            last = g.end(1)
        pieces.append((s + last, e))
    else:
        pieces = [(s, e)]
    cells = []
    for a, b in pieces:
        m, bold, level = _clean_cell(Mapped.of(text, a, b))
        if m:
            cells.append((a, b, m, bold, level))
    if not cells:
        out.append(Line(idx, s, e, Mapped.empty(), page, indent=indent))
        return
    table = len(cells) >= 3 and "|" in raw
    if table:
        # A row of a real table stays one line; its cells are kept apart by " | ".
        m = Mapped.join([c[2] for c in cells], " | ")
        out.append(Line(idx, s, e, m, page, bold=all(c[3] for c in cells), cell=0, cells=len(cells), table_row=True, indent=indent))
        return
    for k, (a, b, m, bold, level) in enumerate(cells):
        raw_cell = text[a:b].strip()
        out.append(Line(len(out), a, b, m, page, bold=bold, md_heading=level, cell=k, cells=len(cells), indent=indent,
                        bold_open=raw_cell.startswith("**"), bold_close=raw_cell.endswith("**")))


@functools.cache
def _cue_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    lay = datafiles.layout()
    starts = lay.basis_cues + lay.proposal_cues + lay.recipients_cue + lay.closing_cues + lay.addressee_cue + lay.motto
    start_re = re.compile(r"^(?:" + datafiles.alternation(starts) + r")\b")
    dangle_re = re.compile(r"(?:^|\s)(?:" + datafiles.alternation(lay.dangling_words) + r")$")
    return start_re, dangle_re


_DASH_YEAR = re.compile(r"^[-–]\s?\d{4}\b")
_ENDS_YEAR = re.compile(r"\d{4}$")
_LIST_ITEM = re.compile(r"^[-–+•]\s")
_SOFT_END = re.compile(r"(?:[;,]|\.\.\.|…)\W{0,2}$")
_NUMBER_START = re.compile(r"^(?:\d{1,5}\s*/|\d{1,2}[./-]\d{1,2}[./-]\d{4})")
_ENDS_BEFORE_NUMBER = re.compile(r"(?:số|ngày|tháng|năm|Điều|khoản|điểm)$", re.I)
_DIGITS = re.compile(r"\d+")
_ALNUM = re.compile(r"[^\W_]")
_NUM_LABEL = re.compile(r"^\d{1,2}\s*[.)/]")
_TERMINAL = re.compile(r"(?:[.;:!?…]|\./\.|\.\*+|[.;:]\W{0,3})$")
_SIGN_LINE = re.compile(vi(r"^(?:" + datafiles.sign_prefix_alternation() + r")[.\s/]\s*[{U}]"))


def _starts_lower(s: str) -> bool:
    for c in s:
        if c.isalpha():
            return c.islower()
        if c.isdigit():
            return True
        if c in "(“\"'‘":
            continue
        return False
    return False


def _is_upper_line(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and sum(1 for c in letters if c.isupper()) >= 0.8 * len(letters)


def wrap_width(lines: list[Line]) -> tuple[int, bool]:
    """Typical width of a hard-wrapped line, and whether the text is hard-wrapped."""
    lengths = [len(ln.text) for ln in lines if ln.text and not ln.table_row and ln.cells == 1]
    if len(lengths) < 10:
        return 10_000, False
    lengths.sort()
    p90 = lengths[int(0.9 * (len(lengths) - 1))]
    if p90 > 140:
        return p90, False
    near = sum(1 for x in lengths if 0.75 * p90 <= x <= 1.15 * p90)
    return p90, near >= 0.3 * len(lengths)


def continues(prev: Line, nxt: Line, width: int, wrapped: bool, blank_separated: bool = False, layout: bool = False,
              first: Line | None = None) -> bool:
    """Does ``nxt`` continue the paragraph that ``prev`` ends?

    ``blank_separated``: the text separates paragraphs with blank lines and
    hard-wraps inside them (markdown from HTML converters), so a line right
    under another without a blank line between runs on.
    """
    p, n = prev.text, nxt.text
    if prev.table_row or nxt.table_row:
        return False
    if prev.cells > 1 or nxt.cells > 1:
        # Cells of one row are separate blocks; a cell never runs into the next row.
        return False
    if _DASH_YEAR.match(n) and _ENDS_YEAR.search(p):
        return True  # a year range wrapped before its dash: "giai đoạn 2021\n- 2025"
    if MARKER.match(n) and not _continuation_number(p, n):
        return False
    start_re, dangle_re = _cue_patterns()
    if start_re.match(n) or _SIGN_LINE.match(n):
        return False
    if layout and nxt.indent >= prev.indent + 4 and not _starts_lower(n):
        return False  # a first-line indent opens a paragraph in laid-out text
    if blank_separated and nxt.blank_before == 0 and not _block_boundary(p, n) \
            and not _standalone(p) and not _standalone(n, following=True):
        return True
    if (prev.bold or prev.bold_close) and (nxt.bold or nxt.bold_open) and not _TERMINAL.search(p) and not MARKER.match(n) \
            and (first is not None and first.bold_open and MARKER.match(first.text)):
        return True  # a bold numbered heading broken over two bold spans
    if p.endswith(",") and not _block_boundary(p, n):
        return True
    if _LIST_ITEM.match(p) and not _TERMINAL.search(p) and len(n) <= 40 and n[-1:] in ";." \
            and not _SIGN_LINE.match(n):
        return True  # the tail of a list item wrapped in a narrow column ("- Trường ĐH X, Trường" / "ĐHVH;")
    if _starts_lower(n) and _SOFT_END.search(p):
        # A hard wrap right after a semicolon: the sentence goes on in lower case.
        return True
    if _TERMINAL.search(p):
        return False
    if _starts_lower(n):
        return True
    if nxt.md_heading and not prev.md_heading:
        return False
    if _is_upper_line(p) and _is_upper_line(n):
        # Lines in capitals (headings, signature blocks, stamps) run on only when
        # a long heading was hard-wrapped.
        return wrapped and len(p) >= 0.6 * width
    if dangle_re.search(p):
        return True
    if wrapped and len(p) >= 0.75 * width and not _is_upper_line(n):
        return True
    return False


_STANDALONE = re.compile(
    r"^(?:S[ốôoỐÔO]\s*[:.]|C[ỘỌOÔ]NG\s+H[OÒ][AÀ]\b|Độc\s+lập\s*-|ĐỘC\s+LẬP\b|Nơi\s+nhận|"
    r"Ký\s+bởi|Thời\s+gian\s+ký|Email\s*:|Cơ\s+quan\s*:|Kính\s+gửi)"
)
_DATE_LINE = re.compile(r"^[^,\d:;]{2,50},\s*ngày\b")


def _standalone(s: str, following: bool = False) -> bool:
    """Header and closing lines that are never part of a paragraph (the number, the date
    line, the motto, the type word, signature-stamp lines), even without a blank line.

    A place-date line ends what is above it only from its start: "Thành phố Hồ" /
    "Chí Minh, ngày ..." is one line broken in two.
    """
    if _STANDALONE.match(s) or (not following and _DATE_LINE.match(s)):
        return True
    return len(s) <= 30 and _is_upper_line(s) and s.strip() in _type_words()


@functools.cache
def _type_words() -> frozenset[str]:
    return frozenset(t.name.upper() for t in datafiles.doctypes().types if t.title)


def _block_boundary(p: str, n: str) -> bool:
    """Lines of a signature or header block that stand apart even without a blank line."""
    if _TERMINAL.search(p) and _is_upper_line(n) and len(n) <= 60:
        return True  # "- Lưu: VT, GDĐT." / "CHỦ TỊCH"
    if _is_upper_line(p) and _is_upper_line(n):
        if _SIGN_LINE.match(p) or _SIGN_LINE.match(n):
            return True
        return _is_position(n) or _is_position(p)
    if _is_upper_line(p) and _NAME.match(n.strip()):
        return True
    return False


@functools.cache
def _positions() -> frozenset[str]:
    return frozenset(strip_diacritics(x.upper()) for x in datafiles.signing().positions)


def _is_position(s: str) -> bool:
    # Compared without diacritics: OCR confuses "TRỰC" and "TRỤC".
    return strip_diacritics(s.strip().rstrip(".:").upper()) in _positions()


_NAME = re.compile(vi(r"^(?:[{U}][{L}]+)(?:\s+[{U}][{L}]+){1,5}$"))


def _continuation_number(p: str, n: str) -> bool:
    """A wrapped line that starts with a number which is not an outline marker.

    "... ngày\\n30/7/2021 của Thủ tướng" or "... Quyết định số\\n1074/QĐ-BXD": the
    number belongs to the sentence above, which ended without punctuation.
    """
    if _TERMINAL.search(p):
        return False
    return bool(_NUMBER_START.match(n)) or bool(_ENDS_BEFORE_NUMBER.search(p.strip()))


def paragraphs(lines: list[Line], layout: bool = False) -> list[Para]:
    """Join lines into paragraphs; blank lines separate paragraphs unless a sentence runs on."""
    width, wrapped = wrap_width(lines)
    blanks = 0
    content: list[Line] = []
    for ln in lines:
        if ln.blank:
            blanks += 1
            continue
        ln.blank_before = blanks
        blanks = 0
        content.append(ln)
    # Paragraphs separated by blank lines, lines inside them hard-wrapped: a good
    # share of lines sits right under another, and a good share after a blank.
    tight = sum(1 for ln in content if ln.blank_before == 0 and ln.cells == 1 and not ln.table_row)
    blank_separated = wrapped and not layout and 0.25 * len(content) <= tight <= 0.9 * len(content)
    paras: list[Para] = []
    cur: list[Line] = []
    for ln in content:
        if not _ALNUM.search(ln.text):
            continue  # stray markers ("* *", "|")
        if cur and continues(cur[-1], ln, width, wrapped, blank_separated, layout, cur[0]):
            cur.append(ln)
            continue
        if cur:
            paras.append(_make_para(cur))
        cur = [ln]
    if cur:
        paras.append(_make_para(cur))
    return paras


def _make_para(lines: list[Line]) -> Para:
    m = lines[0].m if len(lines) == 1 else Mapped.join([ln.m for ln in lines], " ").collapse_spaces()
    para = Para(lines=lines, m=m, bold=all(ln.bold for ln in lines), md_heading=max(ln.md_heading for ln in lines))
    mk = MARKER.match(m.text)
    if mk and mk.end() < len(m.text) or (mk and mk.lastgroup in ("roman", "num", "nested", "upper", "letter", "article", "part")):
        kind = mk.lastgroup or ""
        label = mk.group(0).strip()
        if kind == "nested":
            depth = len(_DIGITS.findall(label))
            kind = f"nested{depth}"
        elif kind == "num":
            # "2021-2030" or "03 nhà trường" are not outline numbers.
            if not _NUM_LABEL.match(label):
                kind = ""
        if kind:
            para.marker = kind
            para.label = label
            para.body = m.slice(mk.end()).strip()
    if para.marker is None:
        para.body = m
    return para


def build(text: str) -> tuple[list[Line], list[Para]]:
    layout = is_layout_text(text)
    lines = split_lines(text, layout)
    return lines, paragraphs(lines, layout=layout)

