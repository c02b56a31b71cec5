"""The batch tables: a record goes into them and comes back out exactly; the schema is versioned
and documented column by column."""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

import vnplan
from vnplan.batch.schema import BATCH_SCHEMA_VERSION, RECORD_TABLES, TABLES, flatten, unflatten
from vnplan.batch.store import Store, StoreError
from vnplan.models import PlanRecord

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "corpus" / "plans").glob("*.txt")) + [
    ROOT / "corpus" / "dev" / "plans" / "d10.txt",
    ROOT / "corpus" / "dev" / "plans" / "d11.pdf",  # pages and boxes in the provenance
    ROOT / "tests" / "data" / "generated" / "001.docx",
]


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return [vnplan.extract(f).model_dump(mode="json") for f in FILES]


def _rows_as_dicts(rows: dict[str, list[tuple]]) -> dict[str, list[dict]]:
    return {t: [dict(zip([c for c, _ in TABLES[t]], r)) for r in rows.get(t, [])] for t in RECORD_TABLES}


def test_flatten_unflatten_is_lossless(records: list[dict]) -> None:
    for rec in records:
        assert unflatten(_rows_as_dicts(flatten(rec["source"]["sha256"], rec))) == rec


def test_every_record_field_has_a_place() -> None:
    # A field added to PlanRecord must be given columns here (and a schema version), or it would be lost.
    rec = vnplan.extract(FILES[0]).model_dump(mode="json")
    back = unflatten(_rows_as_dicts(flatten("x", rec)))
    assert set(back) == set(PlanRecord.model_fields)
    for part in ("area", "signer", "source", "area_detail"):
        assert set(back[part]) == set(rec[part])


def test_round_trip_through_duckdb(tmp_path: Path, records: list[dict]) -> None:
    store = Store(tmp_path / "b.duckdb")
    rows: dict[str, list[tuple]] = {}
    for rec in records:
        for t, r in flatten(rec["source"]["sha256"], rec).items():
            rows.setdefault(t, []).extend(r)
    rows["done"] = [(rec["source"]["sha256"], "ok", 1, 0.1) for rec in records]
    store.write(rows)
    for rec in records:
        assert store.read_record(rec["source"]["sha256"]) == rec
    assert [r for _, r in store.iter_records(chunk=2)] == sorted(records, key=lambda r: r["source"]["sha256"])
    assert store.done_ids() == {r["source"]["sha256"] for r in records}
    # PlanRecord accepts what comes back
    PlanRecord.model_validate(store.read_record(records[-1]["source"]["sha256"]))
    store.close()


def test_a_failed_transaction_writes_nothing(tmp_path: Path, records: list[dict]) -> None:
    store = Store(tmp_path / "b.duckdb")
    rec = records[0]
    rows = flatten("doc1", rec)
    rows["done"] = [("doc1", "ok", 1, 0.1)]
    store.write(rows)
    rows2 = flatten("doc2", records[1])
    rows2["done"] = [("doc1", "ok", 1, 0.1)]  # a second done marker for doc1 breaks the transaction
    with pytest.raises(duckdb.ConstraintException):
        store.write(rows2)
    assert store.con.execute("SELECT count(*) FROM plans WHERE doc_id = 'doc2'").fetchone()[0] == 0
    assert store.con.execute("SELECT count(*) FROM provenance WHERE doc_id = 'doc2'").fetchone()[0] == 0
    store.close()


def test_schema_version(tmp_path: Path) -> None:
    db = tmp_path / "b.duckdb"
    Store(db).close()
    con = duckdb.connect(str(db))
    assert con.execute("SELECT version FROM schema_version").fetchall() == [(BATCH_SCHEMA_VERSION,)]
    con.execute("UPDATE schema_version SET version = 999")
    con.close()
    with pytest.raises(StoreError, match="schema version 999"):
        Store(db)
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE customers (id INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="other tables"):
        Store(other)


def test_the_schema_document_describes_every_column() -> None:
    doc = (ROOT / "docs" / "batch-schema.md").read_text(encoding="utf-8")
    assert f"Schema version: {BATCH_SCHEMA_VERSION}" in doc
    for table, cols in TABLES.items():
        m = re.search(rf"^### `{table}`\n(.*?)(?=^### |\Z)", doc, re.S | re.M)
        assert m, f"docs/batch-schema.md has no section for {table}"
        for col, typ in cols:
            assert re.search(rf"^\| `{col}` \| {re.escape(typ)} \|", m.group(1), re.M), f"{table}.{col} ({typ}) undocumented"


def test_out_of_memory_grows_the_buffer_pool_and_retries(tmp_path: Path, records: list[dict],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "b.duckdb", memory_mb=32)
    real = Store._insert
    calls = {"n": 0}

    def tight(self: Store, table: str, rows: list[tuple]) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # the second insert of the first attempt runs out
            raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")
        real(self, table, rows)

    monkeypatch.setattr(Store, "_insert", tight)
    rows = flatten("doc1", records[0])
    rows["done"] = [("doc1", "ok", 1, 0.1)]
    store.write(rows)
    assert store.memory_limit == "64MB"
    assert store.read_record("doc1") == records[0]  # written once, whole
    assert store.con.execute("SELECT count(*) FROM plans").fetchone()[0] == 1
    store.close()
