"""Text of a document built from its lines, with an anchor per line.

The DOCX, DOC and HTML loaders each walk their format into ``(text, where)``
lines; this module turns such lines into the canonical text every loader
returns, so the three agree on control characters, blank-line runs and the
size limit.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ..document import Anchor, Document
from ..errors import EmptyDocumentError, LimitExceededError

# Control characters and non-characters some editors leave in text runs.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


def assemble_lines(
    lines: Iterable[tuple[str, str]],
    path: str | None,
    fmt: str,
    max_chars: int,
    what: str = "document",
) -> Document:
    """Join ``(text, where)`` lines into one NFC text, one anchor per non-empty line.

    Runs of empty lines become one blank line, since converters emit an empty
    paragraph for every spacer and paragraph detection only needs to see one.
    ``what`` names the input in error messages ("document", "HTML page").
    """
    parts: list[str] = []
    anchors: list[Anchor] = []
    pos = 0
    blank = True
    for raw, where in lines:
        text = unicodedata.normalize("NFC", _CONTROL_RE.sub("", raw.replace("\u00a0", " "))).rstrip()
        if not text.strip():
            if not blank:
                parts.append("\n")
                pos += 1
                blank = True
            continue
        blank = False
        anchors.append(Anchor(pos, pos + len(text), where=where))
        parts.append(text + "\n")
        pos += len(text) + 1
        if pos > max_chars:
            raise LimitExceededError(f"the {what}'s text exceeds the limit of {max_chars:,} characters")
    text = "".join(parts).rstrip("\n")
    if not text.strip():
        raise EmptyDocumentError(f"the {what} has no text")
    return Document(text=text, path=path, format=fmt, anchors=anchors)
