"""Text PDFs → canonical text, line by line the way a plain-text plan reads.

Text and word boxes come from PDFium (pypdfium2), which reads a page about a
hundred times faster than pdfminer/pdfplumber; pdfplumber is only a fallback
for when pypdfium2 cannot be imported.

Reading order is rebuilt from word coordinates rather than taken from the
content stream, because Vietnamese administrative documents set two things
side by side that must not be read across:

* the header: issuing body / "Số: ..." / trích yếu on the left, the national
  motto and "<place>, ngày ... tháng ... năm ..." on the right;
* the closing: "Nơi nhận:" and its list on the left, the signature block
  ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / <name>") on the right.

Such a block is emitted left column first, then right column; everything else
keeps row order. Running page numbers, repeated headers/footers and the text
of digital-signature stamps are dropped. Pages without a usable text layer are
handed to :mod:`vnplan.io.ocr` when it exists.
"""
from __future__ import annotations

import ctypes
import re
import statistics
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .. import legacy
from ..document import Anchor, Document
from ..errors import (
    CorruptFileError,
    EmptyDocumentError,
    EncryptedFileError,
    LimitExceededError,
    MissingDependencyError,
    VnplanError,
)
from . import Limits, register

# ---------------------------------------------------------------------------
# Words and rows: the backend-independent model of a page.


class Word:
    """A word and its box (x0, top, x1, bottom) on the displayed page, origin top left."""

    __slots__ = ("text", "x0", "top", "x1", "bottom", "from_annotation")

    def __init__(self, text: str, x0: float, top: float, x1: float, bottom: float, from_annotation: bool = False) -> None:
        self.text = text
        self.x0 = x0
        self.top = top
        self.x1 = x1
        self.bottom = bottom
        self.from_annotation = from_annotation

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 0.1)

    def __repr__(self) -> str:
        return f"Word({self.text!r}, {self.x0:.1f}, {self.top:.1f}, {self.x1:.1f}, {self.bottom:.1f})"


class Row:
    """Words sharing a visual line, sorted left to right."""

    __slots__ = ("words", "top", "bottom", "_segs")

    def __init__(self, words: list[Word], top: float, bottom: float) -> None:
        self.words = words
        self.top = top
        self.bottom = bottom
        self._segs: list[list[Word]] | None = None

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 0.1)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class PageLayout:
    """A page after layout: lines of words (an empty list is a blank line)."""

    width: float
    height: float
    rows: list[Row] = field(default_factory=list)
    raw_text: str = ""


# ---------------------------------------------------------------------------
# Text-layer quality: is this page worth reading, or does it need OCR?

_VN_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b"}


def _is_vietnamese_letter(ch: str) -> bool:
    if ch in "đĐ":
        return True
    d = unicodedata.normalize("NFD", ch)
    return len(d) > 1 and d[0].lower() in "aeiouy" and all(c in _VN_MARKS for c in d[1:])


_VN_LETTERS = frozenset(chr(c) for c in range(0xC0, 0x1F00) if _is_vietnamese_letter(chr(c)))
# Characters that Vietnamese text never uses but text in the legacy TCVN3 (ABC)
# and VNI font encodings is full of when such a font has no ToUnicode map.
_LEGACY_MARKS = frozenset("¡¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿ÄÅÆÇËÎÏÐÑÖ×ØÛÜÞßäåæçëîïðñö÷øûüþÿ")


def _char_class(chars) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


_VN_RE = re.compile(_char_class(_VN_LETTERS))
_LEGACY_RE = re.compile(_char_class(_LEGACY_MARKS))
_BAD_RE = re.compile("[\ufffd\ue000-\uf8ff\x00-\x08\x0b\x0e-\x1f\U000f0000-\U0010ffff]")
_LETTER_RE = re.compile(r"[^\W\d_]")
_SPACE_RE = re.compile(r"\s+")


def text_layer_problem(text: str) -> str | None:
    """Why a page's extracted text cannot be used ("empty", "garbage"), or None when it can.

    Regex counting (C speed): this runs on every page.
    """
    chars = _SPACE_RE.sub("", text)
    if len(chars) < 8:
        return "empty"
    if len(_BAD_RE.findall(chars)) > 0.3 * len(chars):
        return "garbage"
    n_letters = len(_LETTER_RE.findall(chars))
    if n_letters >= 50:
        vn = len(_VN_RE.findall(chars))
        legacy = len(_LEGACY_RE.findall(chars))
        # Real Vietnamese has a diacritic on a quarter or more of its letters
        # and next to none of the legacy-encoding marks.
        if legacy >= 10 and legacy > 0.05 * n_letters:
            return "garbage"
        if vn < 0.05 * n_letters and legacy > 0.02 * n_letters:
            return "garbage"
        if n_letters >= 200 and vn == 0:
            return "garbage"
    return None


# ---------------------------------------------------------------------------
# Reading words with PDFium.


def _open_pdfium(data: bytes):
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == 4:  # FPDF_ERR_PASSWORD
            raise EncryptedFileError(
                "the PDF is encrypted with a password; open it with the password and save an unprotected copy"
            ) from exc
        if code == 6:  # FPDF_ERR_SECURITY: an encryption handler PDFium does not support
            raise EncryptedFileError("the PDF uses an unsupported encryption scheme; save an unprotected copy") from exc
        raise CorruptFileError(f"cannot read the PDF ({exc}); it is damaged or not a PDF — get a fresh copy") from exc
    return pdf


class _PdfiumPage:
    """Words of one page via PDFium, with annotation appearances (signature fields) flattened in."""

    def __init__(self, pdf, index: int) -> None:
        import pypdfium2.raw as pdfium_c

        self._c = pdfium_c
        self.pdf = pdf
        self.index = index
        page = pdf[index]
        base_chars = None
        if pdfium_c.FPDFPage_GetAnnotCount(page.raw) > 0:
            # Signed PDFs put the document number and date ("7432", "21") in
            # signature-field appearances; flattening brings them into the text
            # layer. Characters after ``base_chars`` then come from annotations.
            tp = page.get_textpage()
            base_chars = tp.count_chars()
            tp.close()
            if pdfium_c.FPDFPage_Flatten(page.raw, pdfium_c.FLAT_NORMALDISPLAY) == pdfium_c.FLATTEN_SUCCESS:
                page.close()
                page = pdf[index]
            else:
                base_chars = None
        self.page = page
        self.textpage = page.get_textpage()
        self.base_chars = base_chars
        self._setup_transform()

    def _setup_transform(self) -> None:
        left, bottom, right, top = self.page.get_cropbox()
        self.rotation = self.page.get_rotation() % 360
        self.box = (left, bottom, right, top)
        if self.rotation in (90, 270):
            self.width, self.height = top - bottom, right - left
        else:
            self.width, self.height = right - left, top - bottom

    def to_display(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        """PDF user space (origin bottom left) → displayed page, origin top left, rotation applied."""
        left, bottom, right, top = self.box
        pts = []
        for x, y in ((x0, y0), (x1, y1)):
            if self.rotation == 90:
                pts.append((y - bottom, x - left))
            elif self.rotation == 180:
                pts.append((right - x, y - bottom))
            elif self.rotation == 270:
                pts.append((top - y, right - x))
            else:
                pts.append((x - left, top - y))
        (ax, ay), (bx, by) = pts
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)

    def close(self) -> None:
        self.textpage.close()
        self.page.close()

    def image_cover(self) -> float:
        """Largest share of the page covered by one image (0 when there is none): scans are one big image."""
        c = self._c
        raw = self.page.raw
        area = max(self.width * self.height, 1.0)
        best = 0.0
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        refs = [ctypes.byref(v) for v in (left, bottom, right, top)]
        todo = [c.FPDFPage_GetObject(raw, k) for k in range(min(c.FPDFPage_CountObjects(raw), 5000))]
        seen = 0
        while todo and seen < 20000:
            obj = todo.pop()
            seen += 1
            kind = c.FPDFPageObj_GetType(obj)
            if kind == c.FPDF_PAGEOBJ_IMAGE:
                if c.FPDFPageObj_GetBounds(obj, *refs):
                    share = abs(right.value - left.value) * abs(top.value - bottom.value) / area
                    best = max(best, min(share, 1.0), 1e-6)
                else:
                    best = max(best, 1e-6)
            elif kind == c.FPDF_PAGEOBJ_FORM:
                todo.extend(c.FPDFFormObj_GetObject(obj, k) for k in range(c.FPDFFormObj_CountObjects(obj)))
        return best

    def words(self) -> tuple[list[list[Word]], str]:
        """Words with boxes, in PDFium's lines ("runs": one text line of one column), and the raw text.

        Two calls per word: the loose boxes of its first and last glyph. Loose
        boxes span the font's ascent and descent, which keeps line grouping
        steady across glyph shapes and contains the box other tools
        (pdfplumber) report for the word.
        """
        c = self._c
        tp = self.textpage
        raw = tp.raw
        n = tp.count_chars()
        if n <= 0:
            return [], ""
        text = tp.get_text_range(0, n)
        # PDFium's text index and char index agree unless the text holds
        # characters outside the BMP or dropped characters; map when they differ.
        same_index = len(text) == n
        ra, rb = c.FS_RECTF(), c.FS_RECTF()
        pa, pb = ctypes.byref(ra), ctypes.byref(rb)
        loose = c.FPDFText_GetLooseCharBox
        base = self.base_chars if self.base_chars is not None else n + 1
        fast = self.rotation == 0
        left, _bottom, _right, top = self.box
        # Most pages are NFC with no PDFium hyphen marks: then words need no cleaning.
        clean = not unicodedata.is_normalized("NFC", text) or "\x02" in text
        runs: list[list[Word]] = []
        line_start = 0
        for line in text.split("\n"):
            offset = line_start
            line_start += len(line) + 1
            cur: list[Word] = []
            for m in _WORD_RE.finditer(line):
                s, e = m.start() + offset, m.end() + offset
                if not same_index:
                    s = c.FPDFText_GetCharIndexFromTextIndex(raw, s)
                    e = c.FPDFText_GetCharIndexFromTextIndex(raw, e - 1) + 1
                    if s < 0 or e <= s:
                        continue
                if not loose(raw, s, pa) or not loose(raw, e - 1, pb):
                    continue
                a_left, a_bottom, a_top = ra.left, ra.bottom, ra.top
                b_right, b_bottom, b_top = rb.right, rb.bottom, rb.top
                h = max(a_top - a_bottom, b_top - b_bottom, 1.0)
                # A "word" whose glyphs run backwards, jump lines or spread far
                # wider than its letters (two columns without a space) is split.
                if e - s > 1 and (
                    b_right < a_left
                    or abs((a_top + a_bottom) - (b_top + b_bottom)) > 1.2 * h
                    or b_right - a_left > (e - s + 1) * 1.3 * h
                ):
                    cur.extend(self._split_word(s, e, base=self.base_chars))
                    continue
                word = _clean_word(m.group()) if clean else m.group()
                y0 = a_bottom if a_bottom < b_bottom else b_bottom
                y1 = a_top if a_top > b_top else b_top
                if fast:
                    cur.append(Word(word, a_left - left, top - y1, b_right - left, top - y0, s >= base))
                else:
                    cur.append(Word(word, *self.to_display(a_left, y0, b_right, y1), from_annotation=s >= base))
            if cur:
                runs.append(cur)
        return runs, text

    def _split_word(self, s: int, e: int, base: int | None) -> list[Word]:
        """A 'word' whose glyphs lie far apart (no space between columns): split it by glyph gaps."""
        c = self._c
        raw = self.textpage.raw
        rect = c.FS_RECTF()
        glyphs = []
        for ci in range(s, e):
            if not c.FPDFText_GetLooseCharBox(raw, ci, ctypes.byref(rect)):
                continue
            ch = chr(c.FPDFText_GetUnicode(raw, ci))
            glyphs.append((ch, self.to_display(rect.left, rect.bottom, rect.right, rect.top)))
        words: list[Word] = []
        cur: list[tuple[str, tuple[float, float, float, float]]] = []
        for g in glyphs:
            if cur:
                prev = cur[-1][1]
                h = max(prev[3] - prev[1], 1.0)
                if g[1][0] - prev[2] > 0.6 * h or abs((g[1][1] + g[1][3]) / 2 - (prev[1] + prev[3]) / 2) > 0.5 * h:
                    words.append(_word_from_glyphs(cur, base is not None and s >= base))
                    cur = []
            cur.append(g)
        if cur:
            words.append(_word_from_glyphs(cur, base is not None and s >= base))
        return words


_WORD_RE = re.compile(r"[^\s\x00-\x1f\ufffe\uffff]+")


def _clean_word(text: str) -> str:
    # PDFium marks a hyphen at a line end as U+0002.
    if "\x02" in text:
        text = text.replace("\x02", "-")
    return text if text.isascii() or unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _word_from_glyphs(glyphs, from_annotation: bool) -> Word:
    return Word(
        _clean_word("".join(g[0] for g in glyphs)),
        min(g[1][0] for g in glyphs),
        min(g[1][1] for g in glyphs),
        max(g[1][2] for g in glyphs),
        max(g[1][3] for g in glyphs),
        from_annotation,
    )


def _caused_by(exc: BaseException, kinds: tuple[type, ...]) -> bool:
    """True when ``exc`` or an exception it wraps (args, cause, context) is one of ``kinds``."""
    seen = set()
    todo = [exc]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, kinds):
            return True
        todo.extend(x for x in (e.__cause__, e.__context__, *getattr(e, "args", ())) if isinstance(x, BaseException))
    return False


def _pdfplumber_words(data: bytes, limits: Limits) -> list[tuple[list[Word], str, float, float]]:
    """Fallback reader (about 100x slower) for when pypdfium2 is not installed."""
    import io

    try:
        import pdfplumber
    except ImportError as exc:
        raise MissingDependencyError("reading PDFs needs pypdfium2 (pip install pypdfium2) or pdfplumber") from exc
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    pages = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > limits.max_pages:
                raise LimitExceededError(f"the PDF has {len(pdf.pages):,} pages, more than the limit of {limits.max_pages:,}")
            for p in pdf.pages:
                ws = [
                    Word(_clean_word(w["text"]), w["x0"], w["top"], w["x1"], w["bottom"])
                    for w in p.extract_words(keep_blank_chars=False, use_text_flow=False)
                ]
                pages.append((ws, " ".join(w.text for w in ws), float(p.width), float(p.height)))
    except VnplanError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types on damaged files
        if _caused_by(exc, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise EncryptedFileError("the PDF is encrypted with a password; open it with the password and save an unprotected copy") from exc
        raise CorruptFileError(f"cannot read the PDF ({type(exc).__name__}: {exc}); get a fresh copy") from exc
    return pages


# ---------------------------------------------------------------------------
# Rows: group words into visual lines.


def group_rows(runs: list[list[Word]]) -> list[Row]:
    """Group runs of words (PDFium text lines) into rows by vertical overlap.

    Working on runs rather than words is ~10x fewer items; a run that spans
    several lines (rare) is broken into words first.
    """
    items: list[tuple[float, float, list[Word]]] = []
    for run in runs:
        if not run:
            continue
        top = min(w.top for w in run)
        bottom = max(w.bottom for w in run)
        tallest = max(w.bottom - w.top for w in run)
        if len(run) > 1 and bottom - top > 1.6 * tallest:
            items.extend((w.top, w.bottom, [w]) for w in run)
        else:
            items.append((top, bottom, list(run)))
    items.sort(key=lambda it: (it[0] + it[1]) / 2)
    # Each row: [band top, band bottom, words]. The band stays that of the
    # row's first run so that one tall run cannot chain two lines together.
    rows: list[list] = []
    for top, bottom, ws in items:
        h = max(bottom - top, 0.1)
        cy = (top + bottom) / 2
        best = None
        best_ov = 0.5
        for r in rows[-4:]:
            rh = max(r[1] - r[0], 0.1)
            ov = (min(r[1], bottom) - max(r[0], top)) / min(rh, h)
            if ov > best_ov and abs(cy - (r[0] + r[1]) / 2) < 0.6 * max(rh, h):
                best, best_ov = r, ov
        if best is None:
            rows.append([top, bottom, ws])
        else:
            best[2].extend(ws)
    out = []
    for _, _, ws in rows:
        ws.sort(key=lambda w: w.x0)
        out.append(Row(ws, min(w.top for w in ws), max(w.bottom for w in ws)))
    out.sort(key=lambda r: (r.top + r.bottom) / 2)
    return out


def _gap_threshold(a: Word, b: Word) -> float:
    """Smallest horizontal gap that separates columns rather than words."""
    return max(18.0, 1.6 * max(a.height, b.height))


def segments(row: Row) -> list[list[Word]]:
    """Runs of words in a row separated by column-sized gaps (computed once per row)."""
    if row._segs is None:
        ws = row.words
        segs: list[list[Word]] = [[ws[0]]]
        prev = ws[0]
        for w in ws[1:]:
            gap = w.x0 - prev.x1
            # Cheap test first: most gaps are ordinary word spaces.
            if gap >= 18.0 and gap >= _gap_threshold(prev, w):
                segs.append([w])
            else:
                segs[-1].append(w)
            prev = w
        row._segs = segs
    return row._segs


# ---------------------------------------------------------------------------
# Things to drop: page numbers, running headers/footers, signature stamps.

_PAGE_NO_RE = re.compile(r"^[-–—\s]*(?:trang\s*)?\d{1,4}(?:\s*(?:/|trên|of)\s*\d{1,4})?[-–—\s]*$", re.I)
_STAMP_STRONG_RE = re.compile(
    r"^(?:ký bởi|được ký bởi|người ký|thời gian ký|ngày ký|chữ ký số|signed by|signature valid|digitally signed)\b",
    re.I,
)
_STAMP_WEAK_RE = re.compile(
    r"^(?:e-?mail\s*:|cơ quan\s*:|chức vụ\s*:|đơn vị\s*:|"
    r"\d{1,2}[./-]\d{1,2}[./-]\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{2}:?\d{2})?\s*$)",
    re.I,
)


def _is_stamp_text(text: str) -> bool:
    return bool(_STAMP_STRONG_RE.match(text.strip()))


def drop_stamps(rows: list[Row]) -> tuple[list[Row], int]:
    """Remove digital-signature stamp text ("Ký bởi: ...", "Email: ...", "Thời gian ký: ...").

    Stamps sit in a box beside other text, so the unit is a segment (a run of
    words between column-sized gaps). Weak lines (Email:, Cơ quan:, a bare
    date-time) are dropped only next to a strong one.
    """
    segs = [(ri, seg) for ri, r in enumerate(rows) for seg in segments(r)]
    texts = [" ".join(w.text for w in seg) for _, seg in segs]
    strong = [_is_stamp_text(t) for t in texts]
    drop: set[int] = {i for i, s in enumerate(strong) if s}
    strong_rows = [segs[i][0] for i in drop]
    for i, t in enumerate(texts):
        if i in drop or not _STAMP_WEAK_RE.match(t.strip()):
            continue
        ri = segs[i][0]
        if any(abs(ri - sr) <= 3 for sr in strong_rows):
            drop.add(i)
    if not drop:
        return rows, 0
    # Unlabelled continuation lines of the stamp ("tỉnh Quảng Ngãi" under
    # "Ký bởi: Ủy ban nhân dân") lie inside the box the labelled lines span.
    x0 = min(w.x0 for i in drop for w in segs[i][1])
    x1 = max(w.x1 for i in drop for w in segs[i][1])
    r0 = min(segs[i][0] for i in drop)
    r1 = max(segs[i][0] for i in drop)
    for i, (ri, seg) in enumerate(segs):
        if i not in drop and r0 <= ri <= r1 and seg[0].x0 >= x0 - 2 and seg[-1].x1 <= x1 + 2:
            drop.add(i)
    dropped_words = {id(w) for i in drop for w in segs[i][1]}
    out = []
    for r in rows:
        ws = [w for w in r.words if id(w) not in dropped_words]
        if ws:
            out.append(Row(ws, min(w.top for w in ws), max(w.bottom for w in ws)))
    return out, len(drop)


def _furniture_candidates(rows: list[Row], height: float) -> list[int]:
    """Indexes of rows where running headers, footers and page numbers live."""
    band = 0.14 * height
    idx = []
    for i in list(range(min(2, len(rows)))) + list(range(max(0, len(rows) - 2), len(rows))):
        r = rows[i]
        if (r.bottom <= band or r.top >= height - band) and i not in idx:
            idx.append(i)
    return idx


def drop_page_furniture(pages: list[PageLayout]) -> int:
    """Drop running page numbers and headers/footers repeated across pages."""
    removed = 0
    keys_per_page: list[dict[int, str]] = []
    for p in pages:
        keys = {}
        for i in _furniture_candidates(p.rows, p.height):
            keys[i] = re.sub(r"\d+", "#", p.rows[i].text.lower()).strip()
        keys_per_page.append(keys)
    counts = Counter(k for keys in keys_per_page for k in set(keys.values()))
    n = len(pages)
    repeated = {k for k, c in counts.items() if n >= 2 and c >= 2 and c >= 0.5 * n and len(k) > 0}
    for p, keys in zip(pages, keys_per_page):
        kill = {i for i, k in keys.items() if k in repeated or _PAGE_NO_RE.match(p.rows[i].text)}
        if kill:
            removed += len(kill)
            p.rows = [r for i, r in enumerate(p.rows) if i not in kill]
    return removed


# ---------------------------------------------------------------------------
# Two-column blocks (header, closing).

_CLOSING_LEFT_RE = re.compile(r"^\s*(?:nơi nhận|noi nhan)", re.I)
_SIGNATURE_RE = re.compile(
    r"^\s*(?:KT\.|TM\.|TL\.|Q\.|TUQ\.|CHỦ TỊCH|PHÓ CHỦ TỊCH|GIÁM ĐỐC|PHÓ GIÁM ĐỐC|TRƯỞNG|PHÓ TRƯỞNG|BỘ TRƯỞNG|"
    r"THỨ TRƯỞNG|CHÁNH|HIỆU TRƯỞNG|BÍ THƯ|NGƯỜI KÝ|THỦ TRƯỞNG)"
)
# The national motto marks a header anywhere (a second document, an appendix
# form); the weaker cues only at the top of the first page.
_MOTTO_RE = re.compile(r"(?:C[ỘỌO]NG H[ÒOÓ]A X[ÃA] H[ỘỌO]I|Độc lập\s*-\s*Tự do|ĐỘC LẬP\s*-\s*TỰ DO)")
_HEADER_RE = re.compile(
    r"(?:^\s*Số\s*[:.]|, ngày\b|ngày\s+\d*\s*tháng|ỦY BAN|UỶ BAN|UBND|ĐẢNG|^\s*BỘ\b|^\s*SỞ\b|^\s*V/v\b)",
)


@dataclass
class _Block:
    first: int  # row index range [first, last]
    last: int
    gutter: tuple[float, float]


def _split_row(row: Row, gutter: tuple[float, float]) -> tuple[list[Word], list[Word], tuple[float, float]] | None:
    """Split a row at a gutter; None when a word straddles it or the gap left is too narrow."""
    a, b = gutter
    mid = (a + b) / 2
    left = [w for w in row.words if (w.x0 + w.x1) / 2 < mid]
    right = [w for w in row.words if (w.x0 + w.x1) / 2 >= mid]
    na = max([a] + [w.x1 for w in left]) if left else a
    nb = min([b] + [w.x0 for w in right]) if right else b
    if left and right:
        if right[0].x0 - left[-1].x1 < _gap_threshold(left[-1], right[0]) * 0.75:
            return None
    if nb - na < 8.0:
        return None
    return left, right, (na if left else a, nb if right else b)


def _grow_block(rows: list[Row], seed: int, gutter: tuple[float, float], pitch: float) -> _Block:
    first = last = seed
    g = gutter
    # Downward, then upward, through rows that do not cross the gutter and
    # are not separated by more than a blank line or two.
    i = seed + 1
    while i < len(rows):
        if rows[i].top - rows[i - 1].bottom > 2.2 * pitch:
            break
        res = _split_row(rows[i], g)
        if res is None:
            break
        g = res[2]
        last = i
        i += 1
    i = seed - 1
    while i >= 0:
        if rows[i + 1].top - rows[i].bottom > 2.2 * pitch:
            break
        res = _split_row(rows[i], g)
        if res is None:
            break
        g = res[2]
        first = i
        i -= 1
    return _Block(first, last, g)


def _block_kind(rows: list[Row], blk: _Block, page_index: int, page_height: float) -> str | None:
    lefts, rights = [], []
    for r in rows[blk.first: blk.last + 1]:
        res = _split_row(r, blk.gutter)
        if res is None:
            return None
        l, rt, _ = res
        if l:
            lefts.append(" ".join(w.text for w in l))
        if rt:
            rights.append(" ".join(w.text for w in rt))
    # One row with a wide gap is a justified line or a table row, not a block.
    if not lefts or not rights or blk.last == blk.first:
        return None
    if any(_CLOSING_LEFT_RE.match(t) for t in lefts) or any(_SIGNATURE_RE.match(t) for t in rights):
        return "closing"
    both = lefts + rights
    top = rows[blk.first].top
    if any(_MOTTO_RE.search(t) for t in both) and top < 0.5 * page_height:
        return "header"
    if any(_HEADER_RE.search(t) for t in both) and page_index == 0 and top < 0.4 * page_height:
        return "header"
    return None


def _trim_block(rows: list[Row], blk: _Block, kind: str, pitch: float) -> _Block:
    """Keep rows that belong to the two columns; leave body text around them in row order.

    Rows below the last row with right-column text are left out of a header
    (emitting them after the right column keeps them in order). A closing keeps
    its tail of left-only rows when they follow tightly — the rest of the
    "Nơi nhận" list.
    """
    last = blk.last
    while last > blk.first:
        res = _split_row(rows[last], blk.gutter)
        assert res is not None
        if res[1]:
            break
        last -= 1
    if kind == "closing":
        j = last + 1
        while j <= blk.last and rows[j].top - rows[j - 1].bottom <= 1.2 * pitch:
            last = j
            j += 1
    first = blk.first
    if kind == "closing":
        # Above "Nơi nhận" only left-only rows (the end of the last body
        # paragraph) and signature lines set a little higher ("TM. ỦY BAN
        # NHÂN DÂN") may join; other right-hand text there is body text.
        while first < last:
            res = _split_row(rows[first], blk.gutter)
            assert res is not None
            if not res[1] or _CLOSING_LEFT_RE.match(" ".join(w.text for w in res[0])):
                break
            if _SIGNATURE_RE.match(" ".join(w.text for w in res[1])):
                break
            first += 1
    return _Block(first, last, blk.gutter)


def find_blocks(rows: list[Row], page_index: int, page_height: float) -> list[_Block]:
    if not rows:
        return []
    pitch = statistics.median(r.height for r in rows)
    blocks: list[_Block] = []
    i = 0
    while i < len(rows):
        segs = segments(rows[i])
        if len(segs) < 2:
            i += 1
            continue
        best: _Block | None = None
        best_score = -1
        for a, b in zip(segs, segs[1:]):
            gutter = (a[-1].x1, b[0].x0)
            blk = _grow_block(rows, i, gutter, pitch)
            if blocks and blk.first <= blocks[-1].last:
                blk = _Block(blocks[-1].last + 1, blk.last, blk.gutter)
                if blk.first > i:
                    continue
            score = sum(
                1
                for r in rows[blk.first: blk.last + 1]
                if (res := _split_row(r, blk.gutter)) is not None and res[0] and res[1]
            )
            if score > best_score:
                best, best_score = blk, score
        if best is None:
            i += 1
            continue
        kind = _block_kind(rows, best, page_index, page_height)
        if kind is None:
            # A table or side-by-side text that is neither header nor closing:
            # its rows stay in row order; skip past it (keeps this linear).
            i = max(i, best.last) + 1
            continue
        best = _trim_block(rows, best, kind, pitch)
        blocks.append(best)
        i = best.last + 1
    return blocks


def layout_lines(rows: list[Row], page_index: int, page_height: float) -> list[list[Word]]:
    """Rows → output lines, two-column blocks emitted column by column.

    Lines of one paragraph are joined into one output line: the PDF's geometry
    says where a paragraph goes on (the line above is full, reaching the right
    margin, and this one starts at the left margin without extra space above)
    far better than the text can. Blank lines mark empty space in the source.
    """
    blocks = {b.first: b for b in find_blocks(rows, page_index, page_height)}
    pitch = statistics.median(r.height for r in rows) if rows else 12.0
    gaps = [max(0.0, b.top - a.bottom) for a, b in zip(rows, rows[1:])]
    leading = statistics.median(gaps) if gaps else 0.0
    # The text's margins: where most lines start, and where full lines end.
    starts = sorted(round(r.words[0].x0) for r in rows if r.words)
    margin = starts[len(starts) // 4] if starts else 0.0
    ends = sorted(round(r.words[-1].x1) for r in rows if r.words)
    right = ends[(3 * len(ends)) // 4] if ends else 0.0
    lines: list[list[Word]] = []
    i = 0
    prev_bottom = None
    joinable = False  # the last output line is body text that may go on
    while i < len(rows):
        row = rows[i]
        top = row.top
        gap = top - prev_bottom if prev_bottom is not None else 0.0
        # An empty line in the source: a line's worth of space beyond the
        # usual leading (so double-spaced text does not get one everywhere).
        if prev_bottom is not None and gap > leading + 0.8 * pitch and lines and lines[-1]:
            lines.append([])
            joinable = False
        blk = blocks.get(i)
        if blk is None:
            words = list(row.words)
            x0 = words[0].x0 if words else margin
            table_row = bool(words) and len(segments(row)) > 1  # cells apart: a table row, never joined
            goes_on = (joinable and not table_row and lines and lines[-1] and x0 <= margin + 5
                       and gap <= leading + 0.5 * pitch and not _LIST_START.match(words[0].text if words else ""))
            if goes_on:
                lines[-1].extend(words)
            else:
                lines.append(words)
            last_x1 = words[-1].x1 if words else 0.0
            joinable = bool(words) and not table_row and last_x1 >= right - 25 and right - margin > 200
            prev_bottom = row.bottom
            i += 1
            continue
        left_lines, right_lines = [], []
        for r in rows[blk.first: blk.last + 1]:
            res = _split_row(r, blk.gutter)
            assert res is not None
            if res[0]:
                left_lines.append(res[0])
            if res[1]:
                right_lines.append(res[1])
        lines.extend(left_lines)
        lines.extend(right_lines)
        prev_bottom = max(r.bottom for r in rows[blk.first: blk.last + 1])
        joinable = False
        i = blk.last + 1
    while lines and not lines[-1]:
        lines.pop()
    return lines


# A line opening a list item or a numbered heading starts a paragraph of its own.
_LIST_START = re.compile(r"^(?:[-–+•*]|[IVXLC]{1,5}\.|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\))$|^(?:[-–+•]\S)")


# ---------------------------------------------------------------------------
# The loader.


def _check_truncated(data: bytes) -> None:
    # A PDF ends with %%EOF (perhaps followed by a little padding). Without it
    # the file was cut off — a failed download — even if PDFium can patch it up.
    if b"%%EOF" not in data[-65536:]:
        raise CorruptFileError("the PDF is truncated (it has no %%EOF end marker); download it again")


def _ocr_page(data: bytes, index: int, limits: Limits) -> tuple[str, list] | tuple[str, str]:
    """("ok", (text, anchors)) of an OCR'd page, or (warning code, reason) when OCR could not run."""
    try:
        from . import ocr  # optional: needs Tesseract
    except ImportError:
        return "ocr-needed", "the OCR module (vnplan.io.ocr) is not available"
    try:
        return "ok", ocr.ocr_pdf_page(data, index, limits)
    except MissingDependencyError as exc:
        return "ocr-needed", str(exc)
    except VnplanError as exc:
        return "ocr-failed", str(exc)
    except Exception as exc:  # keep the rest of the document even if OCR breaks
        return "ocr-failed", f"{type(exc).__name__}: {exc}"


def _anchor_fields(a) -> tuple[int, int, tuple | None, float | None]:
    if isinstance(a, (tuple, list)):
        start, end = a[0], a[1]
        bbox = a[2] if len(a) > 2 else None
        conf = a[3] if len(a) > 3 else None
        return start, end, bbox, conf
    return a.start, a.end, getattr(a, "bbox", None), getattr(a, "confidence", None)


def _normalise_with_offsets(raw: str) -> tuple[str, list[int]]:
    """Canonical form of OCR text (\\n line ends, no NUL or form feed, NFC) and, for each
    offset of ``raw`` (and its end), the offset in the result."""
    mapping: list[int] = []
    kept: list[str] = []
    n = len(raw)
    for i, ch in enumerate(raw):
        mapping.append(len(kept))
        if ch == "\r":
            if i + 1 < n and raw[i + 1] == "\n":
                continue
            ch = "\n"
        elif ch == "\f":
            ch = "\n"
        elif ch == "\x00":
            continue
        kept.append(ch)
    mapping.append(len(kept))
    clean = "".join(kept)
    if unicodedata.is_normalized("NFC", clean):
        return clean, mapping
    # Normalise cluster by cluster (a starter and its combining marks) so
    # offsets can be tracked.
    out: list[str] = []
    cmap: list[int] = []
    pos = 0
    i = 0
    while i < len(clean):
        j = i + 1
        while j < len(clean) and unicodedata.combining(clean[j]):
            j += 1
        cluster = unicodedata.normalize("NFC", clean[i:j])
        cmap.extend([pos] * (j - i))
        out.append(cluster)
        pos += len(cluster)
        i = j
    cmap.append(pos)
    return "".join(out), [cmap[m] for m in mapping]


def relayout_ocr_page(
    text: str, words: list[tuple[int, int, tuple | None, float | None]], page_index: int, page_height: float
) -> tuple[str, list[tuple[int, int, tuple | None, float | None]]]:
    """Apply the two-column reading (header, closing) to an OCR'd page.

    Tesseract's lines are kept as rows (they are reliable even on skewed
    scans); only a header or closing block found among them is rewritten, left
    column first. Everything else keeps the OCR text as it was.
    """
    spans = []
    start = 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    by_line: list[list[tuple[Word, float | None, int, int]]] = [[] for _ in spans]
    starts = [sp[0] for sp in spans]
    import bisect

    for s, e, bbox, conf in words:
        if not bbox or e <= s:
            continue
        li = bisect.bisect_right(starts, s) - 1
        if 0 <= li < len(spans):
            by_line[li].append((Word(text[s:e], *bbox), conf, s, e))
    rows: list[tuple[int, Row]] = []
    for li, ws in enumerate(by_line):
        if ws:
            ws.sort(key=lambda t: t[0].x0)
            wl = [t[0] for t in ws]
            rows.append((li, Row(wl, min(w.top for w in wl), max(w.bottom for w in wl))))
    rows.sort(key=lambda r: (r[1].top + r[1].bottom) / 2)
    blocks = find_blocks([r for _, r in rows], page_index, page_height)
    if not blocks:
        return text, words
    conf_of = {id(t[0]): t[1] for ws in by_line for t in ws}
    line_block: dict[int, int] = {}
    for bi, blk in enumerate(blocks):
        for k in range(blk.first, blk.last + 1):
            line_block[rows[k][0]] = bi
    out: list[str] = []
    new_words: list[tuple[int, int, tuple | None, float | None]] = []
    pos = 0
    done: set[int] = set()
    for li, (ls, le) in enumerate(spans):
        if li in line_block:
            bi = line_block[li]
            if bi in done:
                continue
            done.add(bi)
            blk = blocks[bi]
            left, right = [], []
            for k in range(blk.first, blk.last + 1):
                res = _split_row(rows[k][1], blk.gutter)
                if res is not None:
                    if res[0]:
                        left.append(res[0])
                    if res[1]:
                        right.append(res[1])
            for lw in left + right:
                for wi, w in enumerate(lw):
                    if wi:
                        out.append(" ")
                        pos += 1
                    new_words.append((pos, pos + len(w.text), (w.x0, w.top, w.x1, w.bottom), conf_of.get(id(w))))
                    out.append(w.text)
                    pos += len(w.text)
                out.append("\n")
                pos += 1
            continue
        out.append(text[ls:le] + "\n")
        new_words.extend((s - ls + pos, e - ls + pos, (w.x0, w.top, w.x1, w.bottom), c) for w, c, s, e in by_line[li])
        pos += le - ls + 1
    new_text = "".join(out)
    if not text.endswith("\n"):
        new_text = new_text[:-1]
    return new_text, new_words


@register((".pdf",), (b"%PDF",))
def load_pdf(path: str | None, data: bytes, limits: Limits) -> Document:
    if not data.lstrip()[:1024].count(b"%PDF"):
        raise CorruptFileError("this is not a PDF (no %PDF header)")
    _check_truncated(data)
    layouts, needs_ocr, warnings = _read_pages(data, limits)
    return _assemble(path, data, limits, layouts, needs_ocr, warnings)


def _read_pages(data: bytes, limits: Limits) -> tuple[list[PageLayout], dict[int, str], list[tuple[str, str]]]:
    warnings: list[tuple[str, str]] = []
    needs_ocr: dict[int, str] = {}
    layouts: list[PageLayout] = []
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        warnings.append(("slow-pdf", "pypdfium2 is not installed; read with pdfplumber (slow)"))
        for ws, raw, w, h in _pdfplumber_words(data, limits):
            layouts.append(PageLayout(w, h, group_rows([[x] for x in ws]), raw_text=raw))
    else:
        pdf = _open_pdfium(data)
        try:
            n = len(pdf)
            if n > limits.max_pages:
                raise LimitExceededError(f"the PDF has {n:,} pages, more than the limit of {limits.max_pages:,}")
            if n == 0:
                raise CorruptFileError("the PDF has no pages")
            for i in range(n):
                layouts.append(_read_page_pdfium(pdf, i, warnings, needs_ocr))
        except VnplanError:
            raise
        except Exception as exc:  # PDFium errors on a damaged page tree
            raise CorruptFileError(f"cannot read the PDF ({type(exc).__name__}: {exc}); get a fresh copy") from exc
        finally:
            pdf.close()
    if "slow-pdf" in (w[0] for w in warnings):
        for i, lay in enumerate(layouts):
            problem = text_layer_problem(lay.raw_text)
            if problem:
                needs_ocr[i] = problem
                lay.rows = []
    return layouts, needs_ocr, warnings


def _read_page_pdfium(pdf, i: int, warnings: list[tuple[str, str]], needs_ocr: dict[int, str]) -> PageLayout:
    pg = _PdfiumPage(pdf, i)
    try:
        runs, _raw = pg.words()
        kept, n_ann = _drop_stamp_annotations(runs)
        rows, n_stamp = drop_stamps(group_rows(kept))
        if n_stamp or n_ann:
            warnings.append(("signature-stamp", f"page {i + 1}: dropped digital-signature stamp text"))
        text = "\n".join(r.text for r in rows)
        problem = text_layer_problem(text)
        if problem == "garbage" and legacy.detect(text).encoding:
            problem = None  # a legacy font (TCVN3, VNI ...): converted after loading, not OCR'd
        image_cover = pg.image_cover() if problem or len(text) < 400 else 0.0
        if problem == "empty" and image_cover == 0.0:
            problem = None  # a genuinely blank page: nothing to OCR
        elif problem is None and image_cover > 0.5 and sum(not c.isspace() for c in text) < 100:
            # A scanned page with a few typed-in words (a number, a date) on top.
            problem = "empty"
        if problem:
            needs_ocr[i] = problem
            return PageLayout(pg.width, pg.height, [], raw_text=text)
        return PageLayout(pg.width, pg.height, rows, raw_text=text)
    finally:
        pg.close()


def _drop_stamp_annotations(runs: list[list[Word]]) -> tuple[list[list[Word]], int]:
    """Drop annotation text (flattened signature appearances) that is a signature stamp.

    Annotation words are grouped into clusters of nearby rows; a cluster whose
    text holds stamp wording goes, while e.g. the document number and day that
    a signing system stamps into the header stay. Returns the runs kept and
    the number of words dropped.
    """
    ann = [[w for w in run if w.from_annotation] for run in runs]
    ann = [r for r in ann if r]
    if not ann:
        return runs, 0
    rows = group_rows(ann)
    clusters: list[list[Row]] = []
    for r in rows:
        if clusters:
            prev = clusters[-1][-1]
            near_v = r.top - prev.bottom < 1.5 * max(prev.height, r.height)
            near_h = min(w.x0 for w in r.words) < max(w.x1 for w in prev.words) + 50 and max(
                w.x1 for w in r.words
            ) > min(w.x0 for w in prev.words) - 50
            if near_v and near_h:
                clusters[-1].append(r)
                continue
        clusters.append([r])
    drop: set[int] = set()
    for cl in clusters:
        lines = [r.text for r in cl]
        if any(_is_stamp_text(t) or re.search(r"(?:ký bởi|thời gian ký|signed by)", t, re.I) for t in lines):
            drop.update(id(w) for r in cl for w in r.words)
    if not drop:
        return runs, 0
    kept = [[w for w in run if id(w) not in drop] for run in runs]
    return [r for r in kept if r], len(drop)


def _anchor(start: int, end: int, page: int, bbox: tuple[float, float, float, float]) -> Anchor:
    """An Anchor built without the frozen dataclass's per-field object.__setattr__ (3x faster).

    A PDF page has hundreds of words and each gets one; the result is an
    ordinary, equal-comparing, immutable Anchor.
    """
    a = object.__new__(Anchor)
    object.__setattr__(a, "__dict__", {"start": start, "end": end, "page": page, "bbox": bbox, "confidence": None, "where": None})
    return a


def _assemble(
    path: str | None,
    data: bytes,
    limits: Limits,
    layouts: list[PageLayout],
    needs_ocr: dict[int, str],
    warnings: list[tuple[str, str]],
) -> Document:
    removed = drop_page_furniture([lay for i, lay in enumerate(layouts) if i not in needs_ocr])
    parts: list[str] = []
    anchors: list[Anchor] = []
    pages: list[tuple[int, int]] = []
    ocr_pages: list[int] = []
    pos = 0
    ocr_started = None
    skipped: list[int] = []
    for i, lay in enumerate(layouts):
        if i:
            parts.append("\f")
            pos += 1
        start = pos
        if i in needs_ocr:
            if ocr_started is None:
                ocr_started = time.monotonic()
            if time.monotonic() - ocr_started > limits.ocr_seconds_total:
                skipped.append(i + 1)  # the file's OCR budget is spent: leave the page empty
            else:
                pos = _append_ocr(data, i, limits, needs_ocr[i], parts, anchors, pos, warnings, ocr_pages, lay.height)
        else:
            for li, line in enumerate(layout_lines(lay.rows, i, lay.height)):
                if li:
                    parts.append("\n")
                    pos += 1
                for wi, w in enumerate(line):
                    if wi:
                        parts.append(" ")
                        pos += 1
                    parts.append(w.text)
                    anchors.append(_anchor(pos, pos + len(w.text), i + 1, (w.x0, w.top, w.x1, w.bottom)))
                    pos += len(w.text)
        pages.append((start, pos))
        if pos > limits.max_text_chars:
            raise LimitExceededError(f"the PDF's text exceeds the limit of {limits.max_text_chars:,} characters")
    text = "".join(parts)
    if not text.strip() and not needs_ocr:
        raise EmptyDocumentError("the PDF has no text")
    anchors.sort(key=lambda a: (a.start, a.end))
    doc = Document(text=text, path=path, format="pdf", pages=pages, anchors=anchors, warnings=warnings)
    doc.meta["page_count"] = len(layouts)
    if skipped:
        warnings.append(("ocr-budget", f"OCR stopped after {len(ocr_pages)} pages: the {limits.ocr_seconds_total:.0f} s "
                         f"budget for one file was spent; pages {skipped[0]}–{skipped[-1]} are left empty "
                         "(raise Limits.ocr_seconds_total to read them)"))
    doc.meta["ocr_pages"] = ocr_pages
    doc.meta["ocr_needed"] = [i + 1 for i in sorted(needs_ocr) if i + 1 not in ocr_pages]
    doc.meta["dropped_furniture_lines"] = removed
    return doc


def _append_ocr(
    data: bytes,
    i: int,
    limits: Limits,
    reason: str,
    parts: list[str],
    anchors: list[Anchor],
    pos: int,
    warnings: list[tuple[str, str]],
    ocr_pages: list[int],
    page_height: float,
) -> int:
    what = "has no text layer" if reason == "empty" else "has an unreadable text layer (wrong font encoding)"
    status, res = _ocr_page(data, i, limits)
    if status == "ocr-needed":
        warnings.append((status, f"page {i + 1} {what}; install Tesseract with Vietnamese data (apt-get install tesseract-ocr tesseract-ocr-vie) to read it ({res})"))
        return pos
    if status != "ok":
        warnings.append((status, f"page {i + 1} {what} and OCR failed on it: {res}"))
        return pos
    raw_text, raw_anchors = res
    text, mapping = _normalise_with_offsets(raw_text)
    words = []
    for a in raw_anchors or []:
        s, e, bbox, conf = _anchor_fields(a)
        s = mapping[max(0, min(s, len(raw_text)))]
        e = mapping[max(0, min(e, len(raw_text)))]
        if e > s:
            words.append((s, e, tuple(bbox) if bbox else None, conf))
    text, words = relayout_ocr_page(text, words, i, page_height)
    text = text.rstrip()  # no run of blank lines before the page break
    words = [w for w in words if w[1] <= len(text)]
    parts.append(text)
    for s, e, bbox, conf in words:
        anchors.append(Anchor(pos + s, pos + e, i + 1, bbox, conf, "ocr"))
    ocr_pages.append(i + 1)
    warnings.append(("ocr", f"page {i + 1} {what}; its text comes from OCR"))
    return pos + len(text)
