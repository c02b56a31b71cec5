#!/usr/bin/env python3
"""Make PDF and DOCX test files from the corpus plans, laid out like real documents.

For each ``corpus/plans/*.txt`` this writes, into the output directory:

* ``<stem>.pdf`` — A4, DejaVu Serif (a Vietnamese-capable font), the header
  set in two columns (issuer, "Số: ...", trích yếu on the left; national motto
  and the place-date line on the right), body paragraphs wrapped and justified,
  several pages with page numbers and a running footer, the "Nơi nhận:" list
  and the signature block side by side, and a digital-signature stamp box;
* ``<stem>.docx`` — the header and the closing as borderless 2-column tables,
  body paragraphs, and runs of "1.", "a)", "I.", "-" items turned into real
  Word auto-numbering (numPr), so a loader must render the labels itself;
* ``<stem>.expected.txt`` — the plain lines that were laid out, in the order a
  correct loader reads them (left column, then right column).

The source is markdown-ish text; markup (``**``, ``#``, links) is stripped.
When the source has no national motto, the standard one is added (and written
to the expected text) so that every file has a two-column header; an issuer is
never invented.

Needs reportlab (pip install reportlab) for PDFs and python-docx for DOCX;
fonts from Debian's fonts-dejavu-core.

Usage:  python scripts/make_test_files.py OUT_DIR [--plans GLOB] [--repeat N] [--encrypted]
``--repeat N`` repeats the body N times to make big files for benchmarks.
"""
from __future__ import annotations

import argparse
import glob
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu"]
MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]

# ---------------------------------------------------------------------------
# Reading a plan into header / body / closing / rest.

_PLACE_DATE_RE = re.compile(r"^[^\d,]{2,40},\s*ngày\b.*\bnăm\b", re.I)
_SO_RE = re.compile(r"^Số\s*[:.]", re.I)
_NOI_NHAN_RE = re.compile(r"^Nơi nhận", re.I)
_MOTTO_RE = re.compile(r"CỘNG HÒA XÃ HỘI|CỘNG HOÀ XÃ HỘI|Độc lập\s*-\s*Tự do", re.I)


def strip_markdown(line: str) -> str:
    """Plain text of a markdown-ish line: no emphasis, heading marks, links or escapes."""
    s = line.replace("\\_", "_").replace("\\*", "*")
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"^\s*#{1,6}\s*", "", s)
    s = s.replace("**", "").replace("__", "")
    s = re.sub(r"(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])", r"\1", s)
    return " ".join(s.split())


def plain_lines(text: str) -> list[str]:
    """Non-empty plain lines of a plan source."""
    return [p for p in (strip_markdown(line) for line in text.splitlines()) if p]


@dataclass
class Plan:
    stem: str
    header_left: list[str] = field(default_factory=list)
    header_right: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    closing_left: list[str] = field(default_factory=list)
    closing_right: list[str] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)

    def expected_lines(self) -> list[str]:
        return (
            self.header_left
            + self.header_right
            + self.body
            + self.closing_left
            + self.closing_right
            + self.rest
        )


def _looks_like_name(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 5 and all(w[:1].isupper() for w in words) and not line.isupper()


def split_plan(stem: str, lines: list[str]) -> Plan:
    plan = Plan(stem)
    # Header: everything up to the place-date line (or the "Số:" line) near the top.
    end = -1
    for i, line in enumerate(lines[:14]):
        if _PLACE_DATE_RE.match(line) or _SO_RE.match(line):
            end = i
    head, body = (lines[: end + 1], lines[end + 1:]) if end >= 0 else ([], lines)
    left, right = [], []
    for line in head:
        if _PLACE_DATE_RE.match(line) or _MOTTO_RE.search(line):
            right.append(line)
        else:
            left.append(line)
    # A trích yếu ("V/v ...") right after the header belongs to the left column.
    while body and body[0].startswith("V/v"):
        left.append(body.pop(0))
    # The motto is added when missing (it is layout, not content); an issuer never is:
    # inventing one would change the record the file must give.
    if not any(_MOTTO_RE.search(x) for x in right):
        right = MOTTO + right
    plan.header_left, plan.header_right = left, right
    # Closing: "Nơi nhận:" and its list, then the signature lines up to the signer's name.
    k = next((i for i, line in enumerate(body) if _NOI_NHAN_RE.match(line)), None)
    if k is None:
        plan.body = body
        return plan
    plan.body = body[:k]
    j = k + 1
    cl = [body[k]]
    while j < len(body) and body[j][:1] in "-+":
        cl.append(body[j])
        j += 1
    cr = []
    while j < len(body) and len(cr) < 6:
        cr.append(body[j])
        j += 1
        if _looks_like_name(cr[-1]):
            break
    plan.closing_left, plan.closing_right, plan.rest = cl, cr, body[j:]
    return plan


# ---------------------------------------------------------------------------
# PDF with reportlab.

A4 = (595.28, 841.89)
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 85.0, 57.0, 57.0, 57.0
BODY_SIZE = 13.0
LEADING = 17.0


def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for d in FONT_DIRS:
        if os.path.exists(os.path.join(d, "DejaVuSerif.ttf")):
            # Two faces only: every embedded face adds ~20 KB to each test file.
            for name, file in (("Serif", "DejaVuSerif.ttf"), ("Serif-Bold", "DejaVuSerif-Bold.ttf")):
                pdfmetrics.registerFont(TTFont(name, os.path.join(d, file)))
            return
    sys.exit("DejaVu fonts not found: apt-get install fonts-dejavu-core")


class PdfWriter:
    """Lays lines out on A4 pages with a cursor; draws page furniture on each page."""

    def __init__(self, path: str, style: int, footer: str, encrypt: bool = False) -> None:
        from reportlab.pdfgen import canvas

        kwargs: dict = {}
        if encrypt:
            from reportlab.lib.pdfencrypt import StandardEncryption

            kwargs["encrypt"] = StandardEncryption("secret", ownerPassword="owner", canPrint=1)
        self.c = canvas.Canvas(path, pagesize=A4, pageCompression=1, **kwargs)
        self.c.setTitle("vnplan test file")
        self.c.setFont("Serif", BODY_SIZE)  # so that no base-14 font is referenced
        self.style = style
        self.footer = footer
        self.page = 1
        self.y = A4[1] - MARGIN_T

    def width(self, text: str, font: str, size: float) -> float:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        return stringWidth(text, font, size)

    def furniture(self) -> None:
        """Page numbers in one of three styles, and a running footer from page 2 on."""
        c = self.c
        if self.page == 1:
            return
        c.setFont("Serif", 12)
        if self.style == 0:
            c.drawCentredString(A4[0] / 2, A4[1] - 35, str(self.page))
        elif self.style == 1:
            c.drawCentredString(A4[0] / 2, 30, f"- {self.page} -")
        else:
            c.drawRightString(A4[0] - MARGIN_R, 30, f"Trang {self.page}")
        c.setFont("Serif", 9)
        c.drawString(MARGIN_L, 18, self.footer)

    def new_page(self) -> None:
        self.c.showPage()
        self.page += 1
        self.y = A4[1] - MARGIN_T
        self.furniture()

    def need(self, h: float) -> None:
        if self.y - h < MARGIN_B:
            self.new_page()

    def wrap(self, text: str, font: str, size: float, width: float) -> list[list[str]]:
        lines: list[list[str]] = [[]]
        for w in text.split():
            trial = " ".join(lines[-1] + [w])
            if lines[-1] and self.width(trial, font, size) > width:
                lines.append([w])
            else:
                lines[-1].append(w)
        return [ln for ln in lines if ln]

    def paragraph(self, text: str, font: str = "Serif", size: float = BODY_SIZE, indent: float = 28.0) -> None:
        """A justified paragraph with a first-line indent."""
        width = A4[0] - MARGIN_L - MARGIN_R
        first = self.wrap(text, font, size, width - indent)
        lines = first[:1] + (self.wrap(" ".join(sum(first[1:], [])), font, size, width) if len(first) > 1 else [])
        for i, words in enumerate(lines):
            self.need(LEADING)
            self.y -= LEADING
            x0 = MARGIN_L + (indent if i == 0 else 0)
            avail = width - (indent if i == 0 else 0)
            self.c.setFont(font, size)
            if i == len(lines) - 1 or len(words) == 1:
                self.c.drawString(x0, self.y, " ".join(words))
                continue
            # Justify: spread the spare width over the gaps between words.
            natural = sum(self.width(w, font, size) for w in words)
            gap = (avail - natural) / (len(words) - 1)
            x = x0
            for w in words:
                self.c.drawString(x, self.y, w)
                x += self.width(w, font, size) + gap
        self.y -= 3

    def centred(self, text: str, font: str, size: float) -> None:
        self.need(LEADING * 2)
        self.y -= LEADING
        self.c.setFont(font, size)
        self.c.drawCentredString((MARGIN_L + A4[0] - MARGIN_R) / 2, self.y, text)
        self.y -= 3

    def columns(self, left: list[tuple[str, str, float]], right: list[tuple[str, str, float]], split: float, centre_left: bool = True, right_gap_lines: int = 0) -> None:
        """Two columns side by side, each line centred in its column (or flush left)."""
        width = A4[0] - MARGIN_L - MARGIN_R
        lw = width * split - 10
        rx = MARGIN_L + width * split + 10
        rw = width * (1 - split) - 10

        def layout(items, colw):
            out = []
            for text, font, size in items:
                # Shrink a line a little rather than wrap it, as typists do.
                while size > 9.5 and self.width(text, font, size) > colw:
                    size -= 0.5
                for words in self.wrap(text, font, size, colw):
                    out.append((" ".join(words), font, size))
            return out

        lrows, rrows = layout(left, lw), layout(right, rw)
        if right_gap_lines and len(rrows) > 1:
            rrows = rrows[:-1] + [("", "Serif", 12)] * right_gap_lines + rrows[-1:]
        lh = 15.5
        self.need(lh * min(max(len(lrows), len(rrows)), 12))
        y0 = self.y
        for col, rows, x, w, centre in ((0, lrows, MARGIN_L, lw, centre_left), (1, rrows, rx, rw, True)):
            y = y0
            for text, font, size in rows:
                if y - lh < MARGIN_B:
                    break
                y -= lh
                if not text:
                    continue
                self.c.setFont(font, size)
                if centre:
                    self.c.drawCentredString(x + w / 2, y, text)
                else:
                    self.c.drawString(x, y, text)
        self.y = y0 - lh * max(len(lrows), len(rrows)) - 8

    def stamp(self) -> None:
        """A digital-signature stamp box, as signing software draws it in the page's top right corner."""
        c = self.c
        x, y = A4[0] - 168, A4[1] - 12
        c.setLineWidth(0.5)
        c.rect(x - 3, y - 31, 158, 40)
        c.setFont("Serif", 6)
        for i, t in enumerate(
            [
                "Ký bởi: Ủy ban nhân dân tỉnh",
                "Email: ubnd@example.gov.vn",
                "Cơ quan: Tỉnh Lào Cai",
                "Thời gian ký: 21.07.2026 16:38:12 +07:00",
            ]
        ):
            c.drawString(x, y - i * 7.5, t)

    def save(self) -> None:
        self.c.save()


def write_pdf(plan: Plan, path: str, style: int, encrypt: bool = False, repeat: int = 1) -> None:
    footer = f"Tệp thử nghiệm {plan.stem}"
    w = PdfWriter(path, style, footer, encrypt)
    w.stamp()
    bold = "Serif-Bold"
    left = [(t, bold if t.isupper() else "Serif", 12) for t in plan.header_left]
    right = [(t, bold, 10.5) if _MOTTO_RE.search(t) else (t, "Serif", 12) for t in plan.header_right]
    w.columns(left, right, split=0.4)
    w.y -= 10
    for _ in range(repeat):
        for line in plan.body:
            if line.isupper() and len(line) < 60:
                w.centred(line, bold, BODY_SIZE)
            else:
                w.paragraph(line)
    if plan.closing_left or plan.closing_right:
        w.y -= 8
        cl = [(plan.closing_left[0], "Serif", 11.5)] + [(t, "Serif", 10.5) for t in plan.closing_left[1:]]
        cr = [(t, bold, 12.5) for t in plan.closing_right]
        w.columns(cl, cr, split=0.5, centre_left=False, right_gap_lines=3)
    if plan.rest:
        w.new_page()
        for line in plan.rest:
            w.paragraph(line)
    w.save()


# ---------------------------------------------------------------------------
# DOCX with python-docx (+ lxml for the numbering definitions).

_NUMBERED = [
    # (source pattern, numFmt, lvlText, group key)
    (re.compile(r"^(\d{1,2})\.\s+(?=\S)(?!\d)"), "decimal", "%1.", "decimal"),
    (re.compile(r"^([a-e])\)\s+"), "lowerLetter", "%1)", "letter"),
    (re.compile(r"^([IVX]{1,4})\.\s+"), "upperRoman", "%1.", "roman"),
    (re.compile(r"^-\s+"), "bullet", "-", "bullet"),
]
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}


def _item_number(kind: str, m: re.Match) -> int | None:
    if kind == "decimal":
        return int(m.group(1))
    if kind == "letter":
        return "abcde".index(m.group(1)) + 1
    if kind == "roman":
        return _ROMAN.get(m.group(1))
    return 0


class NumberingBuilder:
    """Adds abstractNum/num definitions to a python-docx document's numbering part."""

    def __init__(self, doc) -> None:
        from docx.oxml.ns import qn

        self.qn = qn
        self.numbering = doc.part.numbering_part.element
        self.abstract: dict[str, int] = {}
        self.next_abs = 100
        self.next_num = 100

    def _abstract_id(self, fmt: str, text: str) -> int:
        from lxml import etree

        key = fmt + text
        if key in self.abstract:
            return self.abstract[key]
        qn = self.qn
        aid = self.next_abs
        self.next_abs += 1
        a = etree.SubElement(self.numbering, qn("w:abstractNum"))
        a.set(qn("w:abstractNumId"), str(aid))
        lvl = etree.SubElement(a, qn("w:lvl"))
        lvl.set(qn("w:ilvl"), "0")
        for tag, val in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text), ("w:lvlJc", "left")):
            e = etree.SubElement(lvl, qn(tag))
            e.set(qn("w:val"), val)
        # abstractNum elements must come before num elements.
        first_num = self.numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(a)
        self.abstract[key] = aid
        return aid

    def new_list(self, fmt: str, text: str, start: int) -> int:
        from lxml import etree

        qn = self.qn
        nid = self.next_num
        self.next_num += 1
        num = etree.SubElement(self.numbering, qn("w:num"))
        num.set(qn("w:numId"), str(nid))
        e = etree.SubElement(num, qn("w:abstractNumId"))
        e.set(qn("w:val"), str(self._abstract_id(fmt, text)))
        if fmt != "bullet":
            ov = etree.SubElement(num, qn("w:lvlOverride"))
            ov.set(qn("w:ilvl"), "0")
            so = etree.SubElement(ov, qn("w:startOverride"))
            so.set(qn("w:val"), str(start))
        return nid


def _set_numpr(paragraph, num_id: int) -> None:
    from lxml import etree
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    numpr = etree.SubElement(ppr, qn("w:numPr"))
    il = etree.SubElement(numpr, qn("w:ilvl"))
    il.set(qn("w:val"), "0")
    ni = etree.SubElement(numpr, qn("w:numId"))
    ni.set(qn("w:val"), str(num_id))
    # pPr children have a fixed order: numPr comes right after pStyle/keepNext...
    pstyle = ppr.find(qn("w:pStyle"))
    ppr.remove(numpr)
    if pstyle is not None:
        pstyle.addnext(numpr)
    else:
        ppr.insert(0, numpr)


def _no_borders(table) -> None:
    from lxml import etree
    from docx.oxml.ns import qn

    tblpr = table._tbl.tblPr
    borders = etree.SubElement(tblpr, qn("w:tblBorders"))
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = etree.SubElement(borders, qn(f"w:{side}"))
        e.set(qn("w:val"), "nil")


def _cell_lines(cell, lines: list[str], bold_upper: bool = True) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    cell.paragraphs[0].text = ""
    for i, t in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        run = p.add_run(t)
        run.bold = bold_upper and t.isupper()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def write_docx(plan: Plan, path: str, repeat: int = 1) -> None:
    import docx
    from docx.shared import Pt

    doc = docx.Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    numbering = NumberingBuilder(doc)

    t = doc.add_table(rows=1, cols=2)
    _no_borders(t)
    _cell_lines(t.cell(0, 0), plan.header_left)
    _cell_lines(t.cell(0, 1), plan.header_right)

    body = plan.body * repeat
    run_kind = None
    expected_next = 0
    current_num = 0
    for line in body:
        kind = None
        for rx, fmt, text, key in _NUMBERED:
            m = rx.match(line)
            if m:
                kind = (rx, fmt, text, key, m)
                break
        if kind is None:
            doc.add_paragraph(line)
            run_kind = None
            continue
        rx, fmt, text, key, m = kind
        n = _item_number(key, m)
        if n is None:
            doc.add_paragraph(line)
            continue
        if key != run_kind or (fmt != "bullet" and n != expected_next):
            current_num = numbering.new_list(fmt, text, n if fmt != "bullet" else 1)
        p = doc.add_paragraph(line[m.end():])
        _set_numpr(p, current_num)
        run_kind, expected_next = key, n + 1
    if plan.closing_left or plan.closing_right:
        t = doc.add_table(rows=1, cols=2)
        _no_borders(t)
        left = t.cell(0, 0)
        left.paragraphs[0].text = ""
        for i, line in enumerate(plan.closing_left):
            p = left.paragraphs[0] if i == 0 else left.add_paragraph()
            p.add_run(line).italic = i == 0
        right_lines = plan.closing_right
        _cell_lines(t.cell(0, 1), right_lines[:-1] + [""] * 3 + right_lines[-1:] if len(right_lines) > 1 else right_lines)
    for line in plan.rest:
        doc.add_paragraph(line)
    doc.core_properties.title = "vnplan test file"
    doc.save(path)


# ---------------------------------------------------------------------------


def make(out_dir: str, plans: list[str], repeat: int = 1, encrypted: bool = False, formats: tuple[str, ...] = ("pdf", "docx")) -> list[str]:
    os.makedirs(out_dir, exist_ok=True)
    made = []
    if "pdf" in formats:
        _register_fonts()
    for idx, src in enumerate(sorted(plans)):
        stem = Path(src).stem.split("_")[0] if repeat == 1 else f"{Path(src).stem.split('_')[0]}x{repeat}"
        lines = plain_lines(Path(src).read_text(encoding="utf-8"))
        plan = split_plan(stem, lines)
        exp = os.path.join(out_dir, f"{stem}.expected.txt")
        expected = plan.header_left + plan.header_right + plan.body * repeat + plan.closing_left + plan.closing_right + plan.rest
        Path(exp).write_text("\n".join(expected) + "\n", encoding="utf-8")
        made.append(exp)
        if "pdf" in formats:
            p = os.path.join(out_dir, f"{stem}.pdf")
            write_pdf(plan, p, style=idx % 3, repeat=repeat)
            made.append(p)
        if "docx" in formats:
            p = os.path.join(out_dir, f"{stem}.docx")
            write_docx(plan, p, repeat=repeat)
            made.append(p)
    if encrypted:
        plan = split_plan("encrypted", plain_lines(Path(sorted(plans)[0]).read_text(encoding="utf-8"))[:30])
        p = os.path.join(out_dir, "encrypted.pdf")
        write_pdf(plan, p, style=0, encrypt=True)
        made.append(p)
    return made


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--plans", default=str(ROOT / "corpus" / "plans" / "*.txt"), help="glob of source plans")
    ap.add_argument("--repeat", type=int, default=1, help="repeat each body N times (big files for benchmarks)")
    ap.add_argument("--encrypted", action="store_true", help="also write encrypted.pdf (user password 'secret')")
    ap.add_argument("--formats", default="pdf,docx")
    args = ap.parse_args(argv)
    plans = glob.glob(args.plans)
    if not plans:
        print(f"no plans match {args.plans}", file=sys.stderr)
        return 1
    for p in make(args.out_dir, plans, args.repeat, args.encrypted, tuple(args.formats.split(","))):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
