"""Plain text and markdown files: bytes → canonical text.

Decoding is strict about what it accepts: a byte-order mark wins, then UTF-8,
then UTF-16 recognised by its NUL pattern; anything with many control bytes is
refused as binary rather than decoded into noise. Bytes that are not UTF-8 go to
:mod:`vnplan.legacy`, which converts TCVN3, VNI, VISCII and Windows-1258 text
(and files mixing UTF-8 lines with such lines) when the words prove it; without
that evidence they are read as Windows-1258, as before.
"""
from __future__ import annotations

import codecs
import unicodedata

from .. import legacy
from ..errors import BinaryInputError, EmptyDocumentError, EncodingError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: Vietnamese text in UTF-16 has a NUL in most high or low bytes."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) / 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes; returns (text, encoding name)."""
    if not data or not data.strip():
        raise EmptyDocumentError("the file is empty")
    encoding = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            data = data[len(bom):]
            encoding = name
            break
    if encoding is None:
        encoding = _sniff_utf16(data)
    if encoding is None:
        # Binary files carry NULs and other C0 controls that text never has.
        sample = data[:65536]
        controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
        # VISCII and TCVN3 put capitals on C0 control bytes: count them only when the
        # words do not read as one of those encodings.
        if sample.count(0) or (controls > max(8, len(sample) // 100) and legacy.detect(sample).encoding not in ("viscii", "tcvn3")):
            raise BinaryInputError("the file looks binary, not text; give a .pdf, .docx or image its own extension")
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        converted = legacy.decode_legacy_bytes(data)
        if converted is not None:
            return converted[0], converted[1]
        try:
            # Windows-1258 is the legacy Vietnamese code page; its combining tone
            # marks become proper characters after NFC.
            return data.decode("cp1258"), "cp1258"
        except UnicodeDecodeError as exc:
            raise EncodingError(f"cannot decode the text as UTF-8 or Windows-1258 ({exc.reason})") from exc
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise EncodingError(f"the file says it is {encoding} but is not ({exc.reason})") from exc


def canonical_text(raw: str) -> str:
    """The one text all offsets point into: NFC, \\n line ends, no NULs."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise EmptyDocumentError("the file holds only white space")
    return text
