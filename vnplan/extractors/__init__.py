"""Extractors: pure functions from the parts of a document to candidate values with spans.

Each extractor reads one part (header, preamble, body, closing) and returns
:class:`Found` values; choosing among them and completing them (an issuer's
area, a province from a district) is the resolver's job.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Found:
    """A value and where it was read: canonical offsets, rule name and confidence."""

    value: Any
    start: int
    end: int
    rule: str
    confidence: float = 0.9
    inferred: bool = False
    note: str | None = None
