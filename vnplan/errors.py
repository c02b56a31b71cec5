"""One error hierarchy for everything vnplan refuses to do.

Every error has a short machine-readable ``kind`` (used as the error column of
batch output) and a message that says what to do about it.
"""
from __future__ import annotations


class VnplanError(Exception):
    """Base class of every error vnplan raises on purpose."""

    kind = "error"

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InputError(VnplanError):
    """The input cannot be read as a document at all."""

    kind = "input"


class EmptyDocumentError(InputError):
    kind = "empty"


class BinaryInputError(InputError):
    kind = "binary"


class EncodingError(InputError):
    kind = "encoding"


class UnsupportedFormatError(InputError):
    kind = "unsupported-format"


class CorruptFileError(InputError):
    kind = "corrupt"


class EncryptedFileError(InputError):
    kind = "encrypted"


class LimitExceededError(InputError):
    """A file is larger than the limits the user allowed (size, pages, pixels, time)."""

    kind = "limit"


class MissingDependencyError(VnplanError):
    """An optional tool (Tesseract, LibreOffice) is needed and is not installed."""

    kind = "missing-dependency"


class DataFileError(VnplanError):
    """A language data file shipped with vnplan is malformed."""

    kind = "data"


class ExtractionError(VnplanError):
    """The document was read but extraction failed on it (a bug to report, with the file)."""

    kind = "internal"
