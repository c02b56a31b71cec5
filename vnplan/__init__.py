"""vnplan: structured, checkable records from Vietnamese administrative plans.

    import vnplan
    record = vnplan.extract("plan.pdf")          # a file of any supported format
    record = vnplan.extract_text(text)           # a string
    record.model_dump(mode="json")               # the record contract, plus provenance and warnings
    for result in vnplan.extract_many(["archive.zip", "folder/"]): ...
    tables = vnplan.compare(records)             # pandas tables for research
"""
from __future__ import annotations

from .api import extract, extract_document, extract_text, load
from .errors import VnplanError
from .models import PlanRecord

__version__ = "0.1.0"
__all__ = ["extract", "extract_text", "extract_document", "load", "extract_many", "compare", "PlanRecord",
           "VnplanError", "__version__"]


def __getattr__(name: str):
    # The batch runner and the comparison tables pull in DuckDB, pandas and matplotlib;
    # import them only when asked for, so that `import vnplan` stays quick.
    if name == "extract_many":
        from .batch import extract_many

        return extract_many
    if name == "compare":
        from .compare import compare

        return compare
    raise AttributeError(f"module 'vnplan' has no attribute {name!r}")
