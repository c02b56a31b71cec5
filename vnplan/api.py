"""The public functions: read a file or a string, get a PlanRecord."""
from __future__ import annotations

from pathlib import Path

from . import legacy
from .document import Document
from .errors import EmptyDocumentError, ExtractionError, VnplanError
from .io import Limits, load as _load
from .io.text import canonical_text
from .models import PlanRecord
from .pipeline import build_record


def load(path: str | Path, *, limits: Limits | None = None) -> Document:
    """Read a file (text, markdown, PDF, DOCX, image ...) into its canonical Document."""
    return _load(path, limits)


def extract(path: str | Path, *, limits: Limits | None = None) -> PlanRecord:
    """The plan record of a file. Raises a :class:`~vnplan.errors.VnplanError` for input it cannot read."""
    doc = _load(path, limits)
    return extract_document(doc)


def extract_text(text: str, *, path: str | None = None) -> PlanRecord:
    """The plan record of a text (plain text or markdown)."""
    if not isinstance(text, str):
        raise TypeError("extract_text takes a str; use extract() for files and bytes")
    # Text copied out of an old file typed in a legacy font ("Thùc hiÖn") is converted,
    # as the file loaders do.
    text, font = legacy.repair_text(text)
    doc = Document(text=canonical_text(text), path=path, format="text")
    if font is not None:
        doc.warnings.extend(legacy.encoding_warnings("utf-8", font))
    return extract_document(doc)


def extract_document(doc: Document) -> PlanRecord:
    """The plan record of an already loaded Document."""
    if not doc.text.strip():
        raise EmptyDocumentError("the document has no text", path=doc.path)
    try:
        return build_record(doc)
    except VnplanError:
        raise
    except RecursionError as exc:  # pathological nesting; report, never crash a batch
        raise ExtractionError(f"the document's structure is too deeply nested to read ({exc})", path=doc.path) from exc
    except Exception as exc:  # a bug met on this input: a clear error for this file, never a traceback
        raise ExtractionError(f"internal error while reading the document: {type(exc).__name__}: {exc} "
                              "(please report it with the file)", path=doc.path) from exc
