"""Batches: thousands of plans from folders and archives, into a database, resumably.

    from vnplan.batch import extract_many
    for r in extract_many(["archive/", "box12.zip"], workers=4):
        print(r.path, r.status, r.record.number if r.record else r.error_kind)

``vnplan batch INPUT... --out DEST`` (see :mod:`vnplan.batch.cli`) runs the same loop
and writes DuckDB (default), JSONL or Parquet tables described in docs/batch-schema.md.
"""
from __future__ import annotations

from .runner import BatchOptions, BatchResult, BatchStopped, Summary, extract_many, run_batch
from .schema import BATCH_SCHEMA_VERSION
from .sources import ArchiveLimits
from .store import Store, StoreError

__all__ = [
    "extract_many", "run_batch", "BatchOptions", "BatchResult", "BatchStopped", "Summary", "ArchiveLimits",
    "Store", "StoreError", "BATCH_SCHEMA_VERSION",
]
