"""vnplan: structured, checkable records from Vietnamese administrative plans.

    import vnplan
    record = vnplan.extract("plan.pdf")          # a file of any supported format
    record = vnplan.extract_text(text)           # a string
    record.model_dump(mode="json")               # the record contract, plus provenance and warnings
"""
from __future__ import annotations

from .api import extract, extract_document, extract_text, load
from .errors import VnplanError
from .models import PlanRecord

__version__ = "0.1.0"
__all__ = ["extract", "extract_text", "extract_document", "load", "PlanRecord", "VnplanError", "__version__"]
