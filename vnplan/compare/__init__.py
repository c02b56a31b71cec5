"""Compare many plan records: who is put in charge, how much time units get,
which documents each plan rests on, and how much is copied from the level above.

    from vnplan.compare import compare
    c = compare("records.jsonl")          # or records, a directory, a vnplan batch database
    c.plans, c.units, c.citations, c.cited, c.reuse     # pandas DataFrames
    c.unit_pivot("kind", "area", role="leads")
    c.reuse_pair("000_50f9c68472bcef57", "001_824a9cb45f8fa54a").matches
    c.report("report.html", by=["province", "year"])

The module itself is callable too (``vnplan.compare(records)``), so the name
works whether ``vnplan`` re-exports the function or the package is imported.
"""
from __future__ import annotations

import sys
import types

from .citations import CiteRef, cite_ref, same_document
from .core import BY_ALIASES, Comparison, compare
from .reuse import Passage, ReusePair, passages
from .sources import PlanInput, load_records, record_from_dict
from .units import UnitMatch, resolve_unit, resolve_units, split_units, unit_role

__all__ = [
    "compare", "Comparison", "load_records", "PlanInput", "record_from_dict", "resolve_unit", "resolve_units",
    "split_units", "unit_role", "UnitMatch", "cite_ref", "same_document", "CiteRef", "passages", "Passage",
    "ReusePair", "BY_ALIASES",
]


class _CallableModule(types.ModuleType):
    """``vnplan.compare(records)`` calls :func:`compare` even where the name is the package."""

    def __call__(self, *args, **kwargs) -> Comparison:
        return compare(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
