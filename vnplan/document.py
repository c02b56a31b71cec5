"""The one canonical text of a document, and the map from its offsets back to the source.

Every offset in a record points into ``Document.text``. Loaders produce it once
(Unicode NFC, ``\\n`` line ends, ``\\f`` between pages); nothing downstream
rewrites it. Where the source has pages or boxes (PDF, OCR, DOCX), ``anchors``
tie character ranges to them so that a span can be located on the page.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Anchor:
    """A run of canonical text that came from one place in the source.

    ``bbox`` is (x0, top, x1, bottom) in PDF points (or pixels for images), with
    the origin at the top left of the page.
    """

    start: int
    end: int
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    confidence: float | None = None
    where: str | None = None  # e.g. "paragraph 12", "table 1 row 2 cell 1"


@dataclass
class Document:
    text: str
    path: str | None = None
    format: str = "text"
    sha256: str | None = None
    size: int | None = None
    pages: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of each page
    anchors: list[Anchor] = field(default_factory=list)  # sorted by start
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (code, message) from loading
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.pages and "\f" in self.text:
            self.pages = page_ranges(self.text)
        self._anchor_starts = [a.start for a in self.anchors]

    def page_of(self, offset: int) -> int | None:
        """1-based page number of a character offset, or None when there are no pages."""
        if not self.pages:
            return None
        starts = [p[0] for p in self.pages]
        return bisect.bisect_right(starts, offset)

    def locate(self, start: int, end: int) -> tuple[int | None, tuple[float, float, float, float] | None, float | None]:
        """Page, bounding box and lowest OCR confidence of the source behind ``text[start:end]``."""
        page = self.page_of(start)
        if not self.anchors:
            return page, None, None
        i = max(0, bisect.bisect_right(self._anchor_starts, start) - 1)
        boxes = []
        confs = []
        while i < len(self.anchors) and self.anchors[i].start < end:
            a = self.anchors[i]
            if a.end > start:
                if a.bbox is not None and (page is None or a.page == page):
                    boxes.append(a.bbox)
                    if page is None:
                        page = a.page
                if a.confidence is not None:
                    confs.append(a.confidence)
            i += 1
        bbox = None
        if boxes:
            bbox = (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
        return page, bbox, (min(confs) if confs else None)


def page_ranges(text: str) -> list[tuple[int, int]]:
    """Pages of a text whose pages are separated by form feeds."""
    out = []
    start = 0
    i = text.find("\f")
    while i != -1:
        out.append((start, i))
        start = i + 1
        i = text.find("\f", start)
    out.append((start, len(text)))
    return out
