"""The plan record (see RECORD.md in the project's contract) as pydantic v2 models.

The contract keys are plain values so that ``record.model_dump(mode="json")``
has exactly the contract's shape. Where each value came from sits beside them in
``record.provenance``: a mapping from a field path ("number",
"legal_bases[0].date", "assignments[2].duties[1]") to a :class:`Provenance`.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Provenance(_Model):
    """Where a value was read: ``text[start:end]`` of the document's canonical text."""

    start: int = Field(description="offset of the first character in the canonical text")
    end: int = Field(description="offset after the last character")
    text: str = Field(description="the canonical text at [start, end)")
    rule: str = Field(description="name of the rule that produced the value")
    confidence: float = Field(ge=0.0, le=1.0)
    inferred: bool = Field(False, description="true when the value is not printed but worked out (province from district, year from context)")
    note: str | None = None
    page: int | None = Field(None, description="1-based page, where the source has pages")
    bbox: tuple[float, float, float, float] | None = Field(None, description="x0, top, x1, bottom on the page")
    ocr_confidence: float | None = None


class Area(_Model):
    province: str | None = None
    district: str | None = None
    commune: str | None = None


class Citation(_Model):
    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    date: dt.date | None = None
    issuer: str | None = None
    subject: str | None = None


class Period(_Model):
    label: str | None = None
    start: dt.date
    end: dt.date


class Event(_Model):
    name: str
    date: dt.date
    time: str | None = Field(None, pattern=r"^\d{2}:\d{2}$")


class Deadline(_Model):
    date: dt.date
    action: str
    units: list[str] = Field(default_factory=list)


class RecurringDeadline(_Model):
    """A deadline that comes back ("trước ngày 20 hằng tháng"): not a day, so not in ``deadlines``."""

    rule: str = Field(description="RFC 5545 recurrence rule, e.g. FREQ=MONTHLY;BYMONTHDAY=20")
    action: str
    text: str = Field(description="the words that say when")


class Assignment(_Model):
    unit: str
    requested: bool = False
    duties: list[str] = Field(default_factory=list)


class Signer(_Model):
    authority: str | None = None
    position: str | None = None
    name: str | None = None


class Source(_Model):
    path: str | None = None
    format: str = "text"
    sha256: str | None = None
    size: int | None = None
    pages: int | None = None


class RecordWarning(_Model):
    code: str
    message: str
    field: str | None = None
    start: int | None = None
    end: int | None = None


class AreaDetail(_Model):
    """The issuer's area in both administrative eras, for comparison across the 1 July 2025 reform."""

    era: Literal["before-2025", "after-2025"] | None = None
    province_before_2025: str | None = None
    province_after_2025: str | None = None
    level: Literal["central", "province", "district", "commune", "unknown"] = "unknown"


class PlanRecord(_Model):
    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    issuer: str | None = None
    area: Area = Field(default_factory=Area)
    place: str | None = None
    issued_date: dt.date | None = None
    year: int | None = None
    title: str | None = None
    theme: str | None = None
    legal_bases: list[Citation] = Field(default_factory=list)
    references: list[Citation] = Field(default_factory=list)
    periods: list[Period] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    assignments: list[Assignment] = Field(default_factory=list)
    signer: Signer = Field(default_factory=Signer)
    recipients: list[str] = Field(default_factory=list)

    # beyond the contract
    recurring_deadlines: list[RecurringDeadline] = Field(default_factory=list)
    source: Source = Field(default_factory=Source)
    area_detail: AreaDetail = Field(default_factory=AreaDetail)
    provenance: dict[str, Provenance] = Field(default_factory=dict)
    warnings: list[RecordWarning] = Field(default_factory=list)
    schema_version: str = SCHEMA_VERSION

    def contract(self) -> dict:
        """Only the contract keys, as JSON-ready values."""
        data = self.model_dump(mode="json")
        for key in ("recurring_deadlines", "source", "area_detail", "provenance", "warnings", "schema_version"):
            data.pop(key, None)
        return data
