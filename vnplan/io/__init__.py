"""Loaders: one per format, each turning a file into a :class:`~vnplan.document.Document`.

A loader is a function ``(path, data, limits) -> Document`` registered for file
suffixes and for sniffed magic bytes. ``load`` picks one by content first
(a PDF renamed .txt is still a PDF), then by suffix.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import legacy
from ..document import Document
from ..errors import InputError, LimitExceededError, UnsupportedFormatError
from .text import canonical_text, decode_bytes


@dataclass(frozen=True)
class Limits:
    """Sane bounds a user can raise: bytes per file, pages, pixels per image, OCR seconds.

    ``ocr_seconds_total`` bounds the OCR of one file: a scanned plan of a few dozen
    pages takes a minute or two; a PDF of two thousand image pages would take hours.
    Pages past the budget are left empty, with an ``ocr-budget`` warning.
    """

    max_bytes: int = 200 * 1024 * 1024
    max_text_chars: int = 20_000_000
    max_pages: int = 2000
    max_pixels: int = 120_000_000
    ocr_seconds_per_page: float = 120.0
    ocr_seconds_total: float = 600.0


Loader = Callable[[str | None, bytes, Limits], Document]
_BY_SUFFIX: dict[str, Loader] = {}
_BY_MAGIC: list[tuple[bytes, Loader]] = []


def register(suffixes: tuple[str, ...], magic: tuple[bytes, ...] = ()) -> Callable[[Loader], Loader]:
    def deco(fn: Loader) -> Loader:
        for s in suffixes:
            _BY_SUFFIX[s.lower()] = fn
        for m in magic:
            _BY_MAGIC.append((m, fn))
        return fn

    return deco


@register((".txt", ".md", ".markdown", ".text", ""))
def load_text(path: str | None, data: bytes, limits: Limits) -> Document:
    raw, encoding = decode_bytes(data)
    font = None
    if encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        # Unicode that holds legacy-font text ("Thùc hiÖn" pasted from an old PDF).
        raw, font = legacy.repair_text(raw)
    text = canonical_text(raw)
    if len(text) > limits.max_text_chars:
        raise LimitExceededError(f"the text has {len(text):,} characters, more than the limit of {limits.max_text_chars:,}")
    doc = Document(text=text, path=path, format="text")
    doc.meta["encoding"] = encoding
    if font is not None:
        doc.meta["legacy_encoding"] = {"encoding": font.encoding, "confidence": font.confidence, "evidence": font.evidence}
    doc.warnings.extend(legacy.encoding_warnings(encoding, font))
    return doc


def _import_optional_loaders() -> None:
    # Format loaders register themselves on import; a missing optional library
    # only disables its format.
    import importlib

    for name in ("pdf", "docx", "html", "image", "doc"):
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ImportError:
            pass


_loaded_optional = False


def pick_loader(path: str | None, data: bytes) -> Loader:
    global _loaded_optional
    if not _loaded_optional:
        _import_optional_loaders()
        _loaded_optional = True
    head = data[:16]
    for magic, fn in _BY_MAGIC:
        if head.startswith(magic):
            return fn
    # A zip is a .docx when it holds word/document.xml (named in its central
    # directory): "PK" alone would also claim .xlsx, .odt and plain archives.
    if head.startswith(b"PK\x03\x04") and b"word/document.xml" in data and ".docx" in _BY_SUFFIX:
        return _BY_SUFFIX[".docx"]
    suffix = Path(path).suffix.lower() if path else ""
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    if suffix:
        raise UnsupportedFormatError(f"no loader for '{suffix}' files", path=path)
    return load_text


def load_bytes(data: bytes, path: str | None = None, limits: Limits | None = None) -> Document:
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise LimitExceededError(f"the file has {len(data):,} bytes, more than the limit of {limits.max_bytes:,}", path=path)
    loader = pick_loader(path, data)
    try:
        doc = loader(path, data, limits)
    except InputError as exc:
        if exc.path is None:
            exc.path = path
        raise
    if doc.format not in ("text", "image"):
        # PDF/DOCX/HTML text typed in a legacy font (TCVN3, VNI ...) without a Unicode
        # map: convert it here, anchors and all. OCR output is Unicode already.
        legacy.convert_document(doc)
    doc.path = path
    doc.sha256 = hashlib.sha256(data).hexdigest()
    doc.size = len(data)
    return doc


def load(path: str | Path, limits: Limits | None = None) -> Document:
    """Read a file of any supported format into its canonical Document."""
    p = Path(path)
    limits = limits or Limits()
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", path=str(path)) from exc
    if p.is_dir():
        raise InputError("is a folder, not a file", path=str(path))
    if size > limits.max_bytes:
        raise LimitExceededError(f"the file has {size:,} bytes, more than the limit of {limits.max_bytes:,}", path=str(path))
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", path=str(path)) from exc
    return load_bytes(data, str(path), limits)
