"""Word 2007+ documents (.docx) → canonical text.

Read with lxml straight from the zip rather than through python-docx: it is
several times faster, sees content python-docx skips (content controls, text
boxes, tracked insertions) and lets us render Word's automatic numbering, which
python-docx does not: a paragraph whose "1." or "a)" comes from numbering.xml
has no such text in document.xml, yet a plan's structure hangs on it.

Body order is kept: paragraphs and tables as they come. A table row gives its
cells' lines; a two-column layout table of the kind Word plans use for the
header (issuer | motto; Số | place-date) and the closing (Nơi nhận | signature)
is read column by column instead, so header fields read like a text plan.
Footnotes and endnotes referenced in the body are appended at the end.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from ..document import Document
from ..errors import CorruptFileError, EmptyDocumentError, EncryptedFileError, LimitExceededError
from . import Limits, register
from .lines import assemble_lines

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
STRICT_OFFICE_DOC = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# Largest uncompressed XML part we parse: a zip bomb must not fill memory.
MAX_PART_BYTES = 512 * 1024 * 1024

# ---------------------------------------------------------------------------
# Reading the package.


def _parser():
    from lxml import etree

    # No entities, no network, no DTDs: the file is untrusted input.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True, remove_pis=True)


class Package:
    """The parts of a .docx zip that matter for text."""

    def __init__(self, data: bytes, limits: Limits) -> None:
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            names = set(self.zip.namelist())
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise CorruptFileError(f"the .docx is not a valid zip archive ({exc}); it is damaged — get a fresh copy") from exc
        self.names = names
        self.limits = limits
        self.main = self._main_part_name()
        if self.main is None or self.main not in names:
            raise CorruptFileError(
                "this zip is not a Word document (it has no word/document.xml); check that the file really is a .docx"
            )

    def _main_part_name(self) -> str | None:
        root = self.xml("_rels/.rels")
        if root is not None:
            for rel in root.iter(f"{{{PKG_REL}}}Relationship"):
                if rel.get("Type") in (OFFICE_DOC, STRICT_OFFICE_DOC):
                    return rel.get("Target", "").lstrip("/")
        return "word/document.xml" if "word/document.xml" in self.names else None

    def read(self, name: str) -> bytes | None:
        if name not in self.names:
            return None
        info = self.zip.getinfo(name)
        if info.file_size > min(MAX_PART_BYTES, 20 * self.limits.max_bytes):
            raise LimitExceededError(f"the .docx part {name} unpacks to {info.file_size:,} bytes; refusing (zip bomb?)")
        try:
            return self.zip.read(name)
        except RuntimeError as exc:  # zipfile says "encrypted" this way
            raise EncryptedFileError("the .docx zip is password-protected; save an unprotected copy") from exc
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise CorruptFileError(f"cannot unpack {name} from the .docx ({exc}); the file is damaged") from exc
        except Exception as exc:  # zlib.error and the like
            raise CorruptFileError(f"cannot unpack {name} from the .docx ({type(exc).__name__}); the file is damaged") from exc

    def xml(self, name: str):
        from lxml import etree

        raw = self.read(name)
        if raw is None:
            return None
        try:
            return etree.fromstring(raw, _parser())
        except etree.XMLSyntaxError as exc:
            raise CorruptFileError(f"{name} in the .docx is not well-formed XML ({exc}); the file is damaged") from exc

    def related(self, rel_type_suffix: str) -> str | None:
        """Name of a part related to the main document by relationship type (e.g. '/numbering')."""
        folder, _, base = self.main.rpartition("/")
        root = self.xml(f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels")
        if root is None:
            return None
        for rel in root.iter(f"{{{PKG_REL}}}Relationship"):
            if rel.get("Type", "").endswith(rel_type_suffix) and rel.get("TargetMode") != "External":
                target = rel.get("Target", "")
                if target.startswith("/"):
                    return target.lstrip("/")
                return f"{folder}/{target}" if folder else target
        return None


# ---------------------------------------------------------------------------
# Numbering: numbering.xml + paragraph styles → list labels.


@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    suffix: str = "tab"
    restart: int | None = None  # lvlRestart: restart after a use of this (0-based) level
    legal: bool = False  # isLgl: show all levels as decimal


@dataclass
class Instance:
    abstract: str
    overrides: dict[int, int] = field(default_factory=dict)  # ilvl → startOverride
    level_overrides: dict[int, Level] = field(default_factory=dict)


def _val(el, tag: str) -> str | None:
    if el is None:
        return None
    child = el.find(_w(tag))
    return None if child is None else child.get(_w("val"))


def _int(s: str | None, default: int) -> int:
    try:
        return int(s) if s is not None else default
    except ValueError:
        return default


def _parse_level(lvl) -> Level:
    lv = Level()
    lv.start = _int(_val(lvl, "start"), 1)
    lv.fmt = _val(lvl, "numFmt") or "decimal"
    lt = lvl.find(_w("lvlText"))
    lv.text = (lt.get(_w("val")) or "") if lt is not None else ""
    lv.suffix = _val(lvl, "suff") or "tab"
    r = _val(lvl, "lvlRestart")
    lv.restart = _int(r, 0) - 1 if r is not None else None
    lv.legal = lvl.find(_w("isLgl")) is not None and _val(lvl, "isLgl") not in ("0", "false")
    if lvl.find(_w("lvlPicBulletId")) is not None:
        lv.fmt = "bullet"
    return lv


def _roman(n: int) -> str:
    vals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = []
    for v, s in vals:
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def _letters(n: int) -> str:
    # Word's lowerLetter: a..z, then aa..zz, aaa.. (the letter repeated), not base 26.
    if n <= 0:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter",):
        return _letters(n)
    if fmt in ("upperLetter",):
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n) if n > 0 else str(n)
    if fmt == "upperRoman":
        return _roman(n).upper() if n > 0 else str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)  # decimal, ordinal, cardinalText, … — the digits carry the structure


_BULLET_KEEP = {"+": "+", "*": "*", "–": "-", "—": "-", "-": "-", "o": "-"}


class Numbering:
    """Word's list counters, advanced paragraph by paragraph in document order."""

    def __init__(self, numbering_xml, styles_xml) -> None:
        self.abstract: dict[str, dict[int, Level]] = {}
        self.instances: dict[str, Instance] = {}
        self.num_style_links: dict[str, str] = {}  # abstractNum id → numbering style id
        self.style_numpr: dict[str, tuple[str | None, int | None]] = {}
        self.style_based: dict[str, str] = {}
        if numbering_xml is not None:
            self._read_numbering(numbering_xml)
        if styles_xml is not None:
            self._read_styles(styles_xml)
        self.counters: dict[str, list[int | None]] = {}
        self.started: set[str] = set()

    def _read_numbering(self, root) -> None:
        for a in root.iter(_w("abstractNum")):
            aid = a.get(_w("abstractNumId"))
            self.abstract[aid] = {_int(lvl.get(_w("ilvl")), 0): _parse_level(lvl) for lvl in a.findall(_w("lvl"))}
            link = _val(a, "numStyleLink")
            if link:
                self.num_style_links[aid] = link
        for n in root.iter(_w("num")):
            inst = Instance(_val(n, "abstractNumId") or "")
            for ov in n.findall(_w("lvlOverride")):
                il = _int(ov.get(_w("ilvl")), 0)
                so = _val(ov, "startOverride")
                if so is not None:
                    inst.overrides[il] = _int(so, 1)
                lvl = ov.find(_w("lvl"))
                if lvl is not None:
                    inst.level_overrides[il] = _parse_level(lvl)
            self.instances[n.get(_w("numId"))] = inst

    def _read_styles(self, root) -> None:
        for st in root.iter(_w("style")):
            sid = st.get(_w("styleId"))
            based = _val(st, "basedOn")
            if based:
                self.style_based[sid] = based
            ppr = st.find(_w("pPr"))
            numpr = ppr.find(_w("numPr")) if ppr is not None else None
            if numpr is not None:
                il = _val(numpr, "ilvl")
                self.style_numpr[sid] = (_val(numpr, "numId"), _int(il, 0) if il is not None else None)

    def style_num(self, style_id: str | None) -> tuple[str | None, int | None]:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            if style_id in self.style_numpr:
                return self.style_numpr[style_id]
            style_id = self.style_based.get(style_id)
        return None, None

    def _levels(self, inst: Instance) -> dict[int, Level]:
        aid = inst.abstract
        levels = self.abstract.get(aid, {})
        if not levels and aid in self.num_style_links:
            # The list's levels live on another abstractNum reached through a numbering style.
            num_id, _ = self.style_num(self.num_style_links[aid])
            other = self.instances.get(num_id or "")
            if other is not None:
                levels = self.abstract.get(other.abstract, {})
        if inst.level_overrides:
            levels = {**levels, **inst.level_overrides}
        return levels

    def label(self, num_id: str | None, ilvl: int | None) -> str:
        """The label ("1.", "a)", "-") of the next paragraph of a list, advancing its counters."""
        if not num_id or num_id == "0":
            return ""
        inst = self.instances.get(num_id)
        if inst is None:
            return ""
        ilvl = max(0, min(ilvl or 0, 8))
        levels = self._levels(inst)
        lvl = levels.get(ilvl)
        if lvl is None:
            return ""
        # Counters belong to the abstract list, so two w:num sharing one
        # abstractNum continue each other; a startOverride restarts.
        key = inst.abstract
        counters = self.counters.setdefault(key, [None] * 9)
        if num_id not in self.started:
            self.started.add(num_id)
            for il, start in inst.overrides.items():
                if 0 <= il < 9:
                    counters[il] = start - 1
                    for deeper in range(il + 1, 9):
                        counters[deeper] = None
        cur = counters[ilvl]
        counters[ilvl] = (levels[ilvl].start if cur is None else cur + 1)
        for deeper in range(ilvl + 1, 9):
            dl = levels.get(deeper)
            if dl is None or dl.restart is None or dl.restart >= ilvl:
                counters[deeper] = None
        if lvl.fmt == "bullet":
            text = lvl.text.strip()
            return _BULLET_KEEP.get(text, "-")
        out = lvl.text

        def sub(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            lv = levels.get(k) or Level()
            n = counters[k] if counters[k] is not None else lv.start
            return format_number(n, "decimal" if (lvl.legal and lv.fmt != "none") else lv.fmt)

        return re.sub(r"%([1-9])", sub, out)

    def suffix(self, num_id: str | None, ilvl: int | None) -> str:
        inst = self.instances.get(num_id or "")
        if inst is None:
            return " "
        lvl = self._levels(inst).get(max(0, min(ilvl or 0, 8)))
        return "" if lvl is not None and lvl.suffix == "nothing" else " "


# ---------------------------------------------------------------------------
# Walking the body.

_CONTAINERS = {_w(t) for t in ("hyperlink", "smartTag", "ins", "moveTo", "customXml", "fldSimple", "sdtContent", "dir", "bdo")}
# The national motto marks a header table anywhere (appendix forms repeat it);
# the weaker cues only before the body starts.
_MOTTO_RE = re.compile(r"CỘNG HÒA XÃ HỘI|CỘNG HOÀ XÃ HỘI|Độc lập\s*-\s*Tự do|ĐỘC LẬP\s*-\s*TỰ DO")
_HEADER_RE = re.compile(r"CỘNG HÒA|CỘNG HOÀ|Độc lập|ĐỘC LẬP|^\s*Số\s*[:.]|,\s*ngày\b|ngày\s+\S*\s*tháng|^\s*V/v\b")
_CLOSING_RE = re.compile(
    r"^\s*(?:Nơi nhận|KT\.|TM\.|TL\.|Q\.|TUQ\.|CHỦ TỊCH|PHÓ CHỦ TỊCH|GIÁM ĐỐC|PHÓ GIÁM ĐỐC|TRƯỞNG BAN|TRƯỞNG PHÒNG|HIỆU TRƯỞNG|BÍ THƯ)"
)


@dataclass
class Line:
    text: str
    where: str


class BodyReader:
    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self.lines: list[Line] = []
        self.footnote_ids: list[str] = []
        self.endnote_ids: list[str] = []
        self.paragraph_no = 0
        self.table_no = 0
        self.seen_body_text = False

    # -- paragraphs -------------------------------------------------------

    def paragraph(self, p, where: str | None) -> list[Line]:
        """Lines of one w:p: its label + text, w:br splits, then text-box paragraphs."""
        ppr = p.find(_w("pPr"))
        label = ""
        if ppr is not None:
            numpr = ppr.find(_w("numPr"))
            num_id, ilvl = None, None
            style_num, style_ilvl = self.numbering.style_num(_val(ppr, "pStyle"))
            if numpr is not None:
                num_id = _val(numpr, "numId")
                il = _val(numpr, "ilvl")
                ilvl = _int(il, 0) if il is not None else None
            if num_id is None:
                num_id = style_num
            if ilvl is None:
                ilvl = style_ilvl or 0
            if num_id:
                label = self.numbering.label(num_id, ilvl)
                if label:
                    label += self.numbering.suffix(num_id, ilvl)
        parts: list[str] = []
        boxes: list = []
        self._runs(p, parts, boxes)
        text = "".join(parts)
        if where is None:
            self.paragraph_no += 1
            where = f"paragraph {self.paragraph_no}"
        pieces = text.split("\n")
        pieces[0] = label + pieces[0] if label else pieces[0]
        out = [Line(t, where) for t in pieces]
        for box in boxes:
            for bp in box.iter(_w("p")):
                if bp.getparent() is not None and bp.getparent().tag == _w("txbxContent"):
                    out.extend(self.paragraph(bp, where))
        return out

    def _runs(self, el, parts: list[str], boxes: list) -> None:
        for child in el:
            tag = child.tag
            if tag == _w("r"):
                self._run(child, parts, boxes)
            elif tag in _CONTAINERS or tag == _w("sdt"):
                self._runs(child, parts, boxes)
            elif tag == f"{{{MC}}}AlternateContent":
                choice = child.find(f"{{{MC}}}Choice")
                self._runs(choice if choice is not None else child, parts, boxes)

    def _run(self, r, parts: list[str], boxes: list) -> None:
        rpr = r.find(_w("rPr"))
        if rpr is not None:
            vanish = rpr.find(_w("vanish"))
            if vanish is not None and vanish.get(_w("val")) not in ("0", "false", "off"):
                return  # hidden text: Word does not show or print it
        for c in r:
            tag = c.tag
            if tag == _w("t"):
                parts.append(c.text or "")
            elif tag == _w("tab") or tag == _w("ptab"):
                parts.append("\t")
            elif tag in (_w("br"), _w("cr")):
                parts.append("\n")
            elif tag == _w("noBreakHyphen"):
                parts.append("-")
            elif tag == _w("sym"):
                parts.append(_symbol(c.get(_w("char"))))
            elif tag == _w("footnoteReference"):
                self.footnote_ids.append(c.get(_w("id")))
            elif tag == _w("endnoteReference"):
                self.endnote_ids.append(c.get(_w("id")))
            elif tag == f"{{{MC}}}AlternateContent":
                choice = c.find(f"{{{MC}}}Choice")
                src = choice if choice is not None else c
                boxes.extend(x for x in src.iter(_w("txbxContent")))
            elif tag == _w("drawing") or tag == _w("pict") or tag.endswith("}object"):
                boxes.extend(x for x in c.iter(_w("txbxContent")))

    # -- tables -----------------------------------------------------------

    def table(self, tbl, prefix: str) -> list[Line]:
        rows = []
        for ri, tr in enumerate(tbl.findall(_w("tr")), 1):
            cells = []
            ci = 0
            for tc in _cells(tr):
                ci += 1
                vmerge = tc.find(f"{_w('tcPr')}/{_w('vMerge')}")
                if vmerge is not None and vmerge.get(_w("val")) in (None, "continue"):
                    continue  # the merged cell's text is in the row above
                where = f"{prefix} row {ri} cell {ci}"
                cells.append((ci, self.block_content(tc, where)))
            rows.append(cells)
        if self._is_layout_table(rows):
            # Header (issuer | motto) or closing (Nơi nhận | signature):
            # the left column's lines, then the right column's.
            out: list[Line] = []
            for col in (0, 1):
                for cells in rows:
                    if len(cells) > col:
                        out.extend(cells[col][1])
            return out
        return [line for cells in rows for _, lines in cells for line in lines]

    def _is_layout_table(self, rows: list[list[tuple[int, list[Line]]]]) -> bool:
        if not rows or any(len(cells) > 2 for cells in rows) or all(len(cells) < 2 for cells in rows):
            return False
        texts = [ln.text for cells in rows for _, lines in cells for ln in lines if ln.text.strip()]
        if not texts:
            return False
        if any(_MOTTO_RE.search(t) for t in texts):
            return True
        if any(_HEADER_RE.search(t) for t in texts) and not self.seen_body_text:
            return True
        return any(_CLOSING_RE.match(t) for t in texts)

    def block_content(self, container, where_prefix: str | None) -> list[Line]:
        """Lines of a sequence of block elements (body, cell, content control)."""
        out: list[Line] = []
        for child in container:
            tag = child.tag
            if tag == _w("p"):
                lines = self.paragraph(child, where_prefix)
                out.extend(lines)
                if where_prefix is None and any(len(ln.text.strip()) > 60 for ln in lines):
                    self.seen_body_text = True
            elif tag == _w("tbl"):
                if where_prefix is None:
                    self.table_no += 1
                    out.extend(self.table(child, f"table {self.table_no}"))
                else:
                    out.extend(self.table(child, where_prefix))
            elif tag == _w("sdt"):
                content = child.find(_w("sdtContent"))
                if content is not None:
                    out.extend(self.block_content(content, where_prefix))
            elif tag in (_w("customXml"), _w("ins"), _w("moveTo")):
                out.extend(self.block_content(child, where_prefix))
            elif tag == f"{{{MC}}}AlternateContent":
                choice = child.find(f"{{{MC}}}Choice")
                out.extend(self.block_content(choice if choice is not None else child, where_prefix))
        return out


def _cells(tr):
    for child in tr:
        if child.tag == _w("tc"):
            yield child
        elif child.tag in (_w("sdt"), _w("customXml")):
            content = child.find(_w("sdtContent")) if child.tag == _w("sdt") else child
            if content is not None:
                yield from (c for c in content if c.tag == _w("tc"))


def _symbol(code: str | None) -> str:
    """A w:sym character; Symbol/Wingdings bullets live in the private-use area."""
    try:
        cp = int(code or "", 16)
    except ValueError:
        return ""
    if 0xF000 <= cp <= 0xF0FF:
        cp -= 0xF000
        return "-" if cp in (0xB7, 0xA7, 0xD8, 0xFC, 0x6E, 0x71, 0x76) else chr(cp) if 32 <= cp < 127 else ""
    return chr(cp)


def _notes(pkg: Package, rel: str, tag: str, ids: list[str], numbering: Numbering, label: str) -> list[Line]:
    if not ids:
        return []
    name = pkg.related(rel)
    root = pkg.xml(name) if name else None
    if root is None:
        return []
    wanted = {i for i in ids if i}
    order = {i: k for k, i in enumerate(dict.fromkeys(ids))}
    reader = BodyReader(numbering)
    out: list[tuple[int, list[Line]]] = []
    for note in root.iter(_w(tag)):
        nid = note.get(_w("id"))
        if nid not in wanted or note.get(_w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        lines = reader.block_content(note, f"{label} {nid}")
        text = " ".join(ln.text.strip() for ln in lines if ln.text.strip())
        out.append((order.get(nid, 0), [Line(f"[{order.get(nid, 0) + 1}] {text}", f"{label} {nid}")]))
    return [ln for _, lines in sorted(out, key=lambda x: x[0]) for ln in lines]


def assemble(lines: list[Line], path: str | None, fmt: str, limits: Limits) -> Document:
    return assemble_lines(((ln.text, ln.where) for ln in lines), path, fmt, limits.max_text_chars)


def read_docx_lines(data: bytes, limits: Limits) -> tuple[list[Line], dict]:
    pkg = Package(data, limits)
    doc_root = pkg.xml(pkg.main)
    body = doc_root.find(_w("body")) if doc_root is not None else None
    if body is None:
        raise CorruptFileError("word/document.xml has no body; the .docx is damaged")
    num_name = pkg.related("/numbering")
    sty_name = pkg.related("/styles")
    numbering = Numbering(pkg.xml(num_name) if num_name else None, pkg.xml(sty_name) if sty_name else None)
    reader = BodyReader(numbering)
    lines = reader.block_content(body, None)
    notes = _notes(pkg, "/footnotes", "footnote", reader.footnote_ids, numbering, "footnote")
    notes += _notes(pkg, "/endnotes", "endnote", reader.endnote_ids, numbering, "endnote")
    if notes:
        lines.append(Line("", "notes"))
        lines.extend(notes)
    meta = {"paragraphs": reader.paragraph_no, "tables": reader.table_no, "footnotes": len(notes)}
    return lines, meta


@register((".docx", ".docm", ".dotx"))
def load_docx(path: str | None, data: bytes, limits: Limits) -> Document:
    if data[:4] == b"\xd0\xcf\x11\xe0" and b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
        raise EncryptedFileError("the .docx is encrypted with a password; open it in Word and save an unprotected copy")
    if not data.startswith(b"PK"):
        raise CorruptFileError("this is not a .docx (a .docx is a zip archive); check the file's real format")
    try:
        lines, meta = read_docx_lines(data, limits)
    except (CorruptFileError, EncryptedFileError, LimitExceededError, EmptyDocumentError):
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        raise CorruptFileError(f"cannot read the .docx ({type(exc).__name__}: {exc}); the file is damaged") from exc
    doc = assemble(lines, path, "docx", limits)
    doc.meta.update(meta)
    return doc
