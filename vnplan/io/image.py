"""Scanned pages and photos (PNG, JPEG, TIFF, BMP, WebP) → Document, through OCR.

One page per image, or per frame of a multi-page TIFF. Every OCR word becomes
an anchor with its box in the image's pixels (origin top left) and Tesseract's
confidence, so a span of the text can be shown on the scan and its reading
judged. The image's size is checked from its header before anything is
decoded, against ``Limits.max_pixels``.
"""
from __future__ import annotations

from ..document import Anchor, Document
from ..errors import EmptyDocumentError, LimitExceededError, UnsupportedFormatError, VnplanError
from . import Limits, register
from .ocr import (
    LANG,
    OcrResult,
    _check_pixels,
    _decoded,
    image_dpi,
    ocr_image,
    open_image,
    require_tesseract,
    tesseract_version,
)

# Pages read with less mean confidence than this get a warning: their text is
# likely to hold errors worth a look at the scan.
LOW_CONFIDENCE_WARNING = 0.80

# "BM" (BMP) is left out of the magic bytes on purpose: two letters are too
# weak a signature — a text file starting "BM-01 ..." would be taken for an
# image. BMP files are recognised by their suffix.
_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
    b"RIFF",  # WebP is RIFF....WEBP; checked below
)


@register((".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"), _MAGIC)
def load_image(path: str | None, data: bytes, limits: Limits) -> Document:
    if data.startswith(b"RIFF") and data[8:12] != b"WEBP":
        raise UnsupportedFormatError("a RIFF file that is not a WebP image (audio or video?)")
    img = open_image(data, limits)  # header only: size checked before decoding
    frames = max(1, int(getattr(img, "n_frames", 1) or 1))
    if frames > limits.max_pages:
        raise LimitExceededError(f"the image has {frames:,} pages, more than the limit of {limits.max_pages:,}")
    # Decode the first page before asking for Tesseract: a damaged file is
    # reported as damaged whether or not OCR is installed.
    _decoded(img, limits)
    require_tesseract()
    results: list[OcrResult | None] = []
    warnings: list[tuple[str, str]] = []
    first_error: VnplanError | None = None
    for i in range(frames):
        if frames > 1:
            img.seek(i)
            _check_pixels(img.size[0], img.size[1], limits)
        try:
            results.append(ocr_image(img, limits=limits, dpi=image_dpi(img)))
        except VnplanError as exc:
            if frames == 1 or _is_pixel_limit(exc):
                raise
            # One bad frame of a multi-page scan should not lose the others.
            first_error = first_error or exc
            results.append(None)
            warnings.append(("ocr-failed", f"page {i + 1}: {exc}"))
    if all(r is None for r in results) and first_error is not None:
        raise first_error
    doc = _document(path, results, warnings)
    doc.meta["image"] = {
        "format": img.format,
        "size": list(img.size),
        "pages": frames,
        "dpi": image_dpi(img),
    }
    return doc


def _is_pixel_limit(exc: Exception) -> bool:
    return isinstance(exc, LimitExceededError) and "pixels" in str(exc)


def _document(path: str | None, results: list[OcrResult | None], warnings: list[tuple[str, str]]) -> Document:
    parts: list[str] = []
    anchors: list[Anchor] = []
    pages: list[tuple[int, int]] = []
    page_meta = []
    pos = 0
    weighted = 0.0
    chars = 0
    for n, res in enumerate(results, 1):
        if n > 1:
            parts.append("\f")
            pos += 1
        text = res.text if res else ""
        pages.append((pos, pos + len(text)))
        parts.append(text)
        if res is None:
            page_meta.append({"page": n, "failed": True})
            continue
        for s, e, box, conf in res.words:
            anchors.append(Anchor(pos + s, pos + e, n, box, conf, f"page {n} OCR word"))
        pos += len(text)
        n_chars = sum(e - s for s, e, _, _ in res.words)
        weighted += res.mean_confidence * n_chars
        chars += n_chars
        page_meta.append(
            {
                "page": n,
                "rotation": res.rotation,
                "skew": res.skew,
                "mean_confidence": res.mean_confidence,
                "steps": res.steps,
                "repairs": len(res.edits),
                "dropped_words": res.dropped_words,
            }
        )
        if res.text and res.mean_confidence < LOW_CONFIDENCE_WARNING:
            warnings.append(
                ("ocr-low-confidence", f"page {n}: mean OCR confidence {res.mean_confidence:.2f}; check the text against the scan")
            )
    text = "".join(parts)
    if not text.replace("\f", "").strip():
        raise EmptyDocumentError("OCR found no text in the image")
    anchors.sort(key=lambda a: (a.start, a.end))
    doc = Document(text=text, path=path, format="image", pages=pages, anchors=anchors, warnings=warnings)
    doc.meta["ocr"] = {
        "engine": "tesseract",
        "version": tesseract_version(),
        "language": LANG,
        "mean_confidence": round(weighted / chars, 3) if chars else None,
        "pages": page_meta,
    }
    return doc
