"""HTML pages ("Save as Web Page" from Word, government portals) → canonical text.

Bytes are decoded with the charset the page declares (BOM, then
``<meta charset>`` / ``http-equiv``, then an XML declaration), since portals
still serve windows-1252 pages whose Vietnamese is all entities and
windows-1258 pages with combining tone marks; a page that declares a
single-byte charset but is valid UTF-8 is read as UTF-8 (a common mislabel),
and an undeclared page is UTF-8 or else windows-1258.

The page is parsed with lxml's HTML parser (tolerant of Word's markup) and
walked once: block elements end lines, ``<br>`` breaks a line, each table
cell is its own line (row by row), list items get their bullet or number,
scripts, styles, comments and hidden elements are dropped, entities are
decoded by the parser. ``.mht`` single-file pages are unpacked first.
"""
from __future__ import annotations

import codecs
import email
import email.policy
import re

from ..document import Document
from ..errors import CorruptFileError, EmptyDocumentError, MissingDependencyError
from .lines import assemble_lines
from . import Limits, register

_BLOCK = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav ol p pre section summary table tbody thead "
    "tfoot tr ul caption".split()
)
_CELL = frozenset(("td", "th"))
_SKIP = frozenset(("script", "style", "noscript", "template", "head", "title", "meta", "link", "object", "embed", "iframe", "svg", "math", "select", "option", "button"))
_HIDDEN_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all", re.I)
_WS_RE = re.compile(r"[ \t\n\r\f\v]+")
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL_RE = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_SINGLE_BYTE = {"cp1252", "cp1258", "latin_1", "iso8859_1", "ascii", "cp1250", "iso8859_15"}


# ---------------------------------------------------------------------------
# Decoding.


def declared_charset(data: bytes) -> str | None:
    head = data[:8192]
    m = _XML_DECL_RE.match(head) or _META_CHARSET_RE.search(head)
    return m.group(1).decode("ascii", "ignore").lower() if m else None


def decode_html(data: bytes) -> tuple[str, str, list[tuple[str, str]]]:
    """(text, encoding used, warnings)."""
    warnings: list[tuple[str, str]] = []
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), enc, warnings
    declared = declared_charset(data)
    enc = None
    if declared:
        try:
            enc = codecs.lookup(declared).name
        except LookupError:
            warnings.append(("encoding", f"the page declares an unknown charset '{declared}'; read as UTF-8"))
    if enc is not None and enc.replace("-", "_") in _SINGLE_BYTE or enc in ("windows-1252", "windows-1258"):
        # Mislabelled UTF-8 is far more common than cp125x bytes that happen to be valid UTF-8.
        try:
            text = data.decode("utf-8")
            if any(b >= 0x80 for b in data):
                if declared not in ("utf-8", "utf8"):
                    warnings.append(("encoding", f"the page says {declared} but is UTF-8; read as UTF-8"))
                return text, "utf-8", warnings
        except UnicodeDecodeError:
            pass
    if enc is not None:
        text = data.decode(enc, errors="replace")
        if "\ufffd" in text and enc not in ("utf-8",):
            warnings.append(("encoding", f"some bytes are not valid {declared}"))
        elif "\ufffd" in text:
            warnings.append(("encoding", "some bytes are not valid UTF-8"))
        return text, enc, warnings
    try:
        return data.decode("utf-8"), "utf-8", warnings
    except UnicodeDecodeError:
        warnings.append(("encoding", "no charset declared and not UTF-8; read as windows-1258"))
        return data.decode("cp1258", errors="replace"), "cp1258", warnings


def _mht_html(data: bytes) -> bytes:
    """The HTML part of a single-file web page (.mht, MIME multipart)."""
    try:
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
    except Exception as exc:  # email raises assorted errors on garbage
        raise CorruptFileError(f"cannot read the .mht file ({exc})") from exc
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if payload:
                cs = part.get_content_charset()
                if cs and not declared_charset(payload):
                    # Carry the MIME charset into the HTML so decode_html sees it.
                    payload = f'<meta charset="{cs}">'.encode("ascii") + payload
                return payload
    raise CorruptFileError("the .mht file holds no HTML part")


# ---------------------------------------------------------------------------
# Walking the tree.


class _Emitter:
    """Collects inline text into lines; blocks and cells end lines."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []
        self.buf: list[str] = []
        self.where = "paragraph 1"
        self.counts = {"paragraph": 0, "table": 0}
        self.pre = 0

    def text(self, s: str | None) -> None:
        if not s:
            return
        if self.pre:
            parts = s.split("\n")
            for i, p in enumerate(parts):
                if i:
                    self.flush(force=True)
                self.buf.append(p)
        else:
            self.buf.append(_WS_RE.sub(" ", s))

    def flush(self, force: bool = False) -> None:
        raw = "".join(self.buf)
        self.buf = []
        line = raw.replace("\u00a0", " ")
        line = line.rstrip() if self.pre else " ".join(line.split())
        if line.strip():
            self.lines.append((line, self.where))
        elif force or "\u00a0" in raw:
            # <br> or an explicitly empty paragraph (<p>&nbsp;</p>): a blank line.
            self.lines.append(("", self.where))

    def new_block(self, where: str | None = None) -> None:
        self.flush()
        if where is None:
            self.counts["paragraph"] += 1
            where = f"paragraph {self.counts['paragraph']}"
        self.where = where


def _list_label(li, counters: dict) -> str:
    parent = li.getparent()
    if parent is None or parent.tag not in ("ol", "ul"):
        return ""
    if parent.tag == "ul":
        return "- "
    key = id(parent)
    if key not in counters:
        try:
            counters[key] = int(parent.get("start", "1")) - 1
        except ValueError:
            counters[key] = 0
    if li.get("value", "").strip().lstrip("-").isdigit():
        counters[key] = int(li.get("value")) - 1
    counters[key] += 1
    n = counters[key]
    kind = (li.get("type") or parent.get("type") or "1").strip()
    from .docx import format_number

    fmt = {"a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}.get(kind, "decimal")
    return format_number(n, fmt) + ". "


def _has_body_text(lines: list[tuple[str, str]]) -> bool:
    return any(len(t) > 60 for t, _ in lines)


class _Table:
    """Where a table's cells start in the emitted lines, to read a layout table column by column."""

    def __init__(self, no: int, first_line: int, after_body: bool) -> None:
        self.no = no
        self.row = 0
        self.col = 0
        self.first_line = first_line
        self.after_body = after_body
        self.cells: list[tuple[int, int, int]] = []  # (row, col, index of the cell's first line)

    def reorder(self, lines: list[tuple[str, str]]) -> None:
        """A two-column header (issuer | motto) or closing (Nơi nhận | signature): left column first."""
        from .docx import _CLOSING_RE, _HEADER_RE, _MOTTO_RE

        if not self.cells or max(c for _, c, _ in self.cells) != 2:
            return
        ends = [i for _, _, i in self.cells[1:]] + [len(lines)]
        cells = [(r, c, lines[i:j]) for (r, c, i), j in zip(self.cells, ends)]
        texts = [t for _, _, ls in cells for t, _ in ls if t]
        layout = (
            any(_MOTTO_RE.search(t) for t in texts)
            or (not self.after_body and any(_HEADER_RE.search(t) for t in texts))
            or any(_CLOSING_RE.match(t) for t in texts)
        )
        if not layout:
            return
        start = self.cells[0][2]
        ordered = [ln for col in (1, 2) for _, c, ls in cells if c == col for ln in ls]
        lines[start:] = ordered


def html_lines(text: str) -> list[tuple[str, str]]:
    try:
        from lxml import etree
        from lxml import html as lhtml
    except ImportError as exc:
        raise MissingDependencyError("reading HTML needs lxml (pip install lxml)") from exc
    # lxml refuses str input that carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    if not text.strip():
        raise EmptyDocumentError("the HTML file is empty")
    try:
        root = lhtml.document_fromstring(text, parser=lhtml.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, huge_tree=True))
    except (etree.ParserError, ValueError) as exc:
        raise CorruptFileError(f"cannot parse the HTML ({exc})") from exc
    em = _Emitter()
    counters: dict = {}
    skipped: set = set()
    table_stack: list[_Table] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower().split("}")[-1]
        if event == "start":
            if not tag or tag in _SKIP or _HIDDEN_RE.search(el.get("style", "") or "") or el.get("hidden") is not None:
                walker.skip_subtree()
                # iterwalk still reports the end event of a skipped element; its tail is handled there.
                skipped.add(el)
                continue
            if tag == "br":
                em.flush(force=True)
            elif tag == "table":
                em.counts["table"] += 1
                em.new_block()
                table_stack.append(_Table(em.counts["table"], len(em.lines), _has_body_text(em.lines)))
            elif tag == "tr" and table_stack:
                table_stack[-1].row += 1
                table_stack[-1].col = 0
                em.flush()
            elif tag in _CELL:
                if table_stack:
                    tb = table_stack[-1]
                    tb.col += 1
                    em.new_block(f"table {tb.no} row {tb.row} cell {tb.col}")
                    tb.cells.append((tb.row, tb.col, len(em.lines)))
                else:
                    em.new_block()
            elif tag in _BLOCK:
                where = em.where if table_stack else None
                em.new_block(where)
                if tag == "pre":
                    em.pre += 1
                if tag == "li":
                    em.buf.append(_list_label(el, counters))
            em.text(el.text)
        else:
            if el not in skipped:
                if tag in _BLOCK or tag in _CELL:
                    em.flush()
                    if tag == "pre":
                        em.pre = max(0, em.pre - 1)
                    if tag == "table" and table_stack:
                        table_stack.pop().reorder(em.lines)
            em.text(el.tail)
    em.flush()
    return em.lines


@register((".html", ".htm", ".xhtml", ".mht", ".mhtml"), (b"<!DOCTYPE html", b"<!doctype html", b"<!DOCTYPE HTML", b"<html", b"<HTML"))
def load_html(path: str | None, data: bytes, limits: Limits) -> Document:
    if not data.strip():
        raise EmptyDocumentError("the file is empty")
    head = data[:4096].lower()
    if (path or "").lower().endswith((".mht", ".mhtml")) or (b"mime-version" in head and b"multipart/related" in head):
        data = _mht_html(data)
    text, encoding, warnings = decode_html(data)
    doc = assemble_lines(html_lines(text), path, "html", limits.max_text_chars, "HTML page")
    doc.meta["encoding"] = encoding
    doc.warnings.extend(warnings)
    from .pdf import text_layer_problem

    if text_layer_problem(doc.text) == "garbage":
        doc.warnings.append(("legacy-font", "the text looks like a legacy Vietnamese font encoding (TCVN3/VNI), not Unicode"))
    return doc
