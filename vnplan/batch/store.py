"""The batch's database: DuckDB, written by one process only (the runner's parent).

A file is *done* when its rows and its ``done`` marker are committed, always in
the same transaction; a crash (kill -9, power cut, full disk) loses at most the
transaction being written, never half a file. Resuming is skipping the ids in
``done``. Several finished files share one transaction (commits are the costly
part of writing), which changes nothing to that guarantee.

With ``--format jsonl|parquet`` the same database is the run's journal
(``DEST/journal.duckdb``) and the table files are exported from it at the end
of every run, each written to a temporary name and renamed into place.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..models import SCHEMA_VERSION as RECORD_SCHEMA
from .schema import (
    BATCH_SCHEMA_VERSION, CONTENT_TABLES, PRIMARY_KEYS, RECORD_TABLES, TABLES, Rows, columns, create_sql, quoted,
    unflatten,
)

JOURNAL = "journal.duckdb"
FORMATS = ("duckdb", "jsonl", "parquet")


class StoreError(Exception):
    """The output cannot be used (locked by another run, written by another schema, not writable)."""


def _arrow_type(duck: str) -> Any:
    import pyarrow as pa

    if duck.endswith("[]"):
        return pa.list_(_arrow_type(duck[:-2]))
    return {
        "VARCHAR": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
        "BOOLEAN": pa.bool_(), "DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us"),
    }[duck]


def database_path(out: str | os.PathLike[str], fmt: str) -> Path:
    """Where the database lives: DEST itself for duckdb, DEST/journal.duckdb for the file formats."""
    out = Path(out)
    return out if fmt == "duckdb" else out / JOURNAL


# Why these settings: the parent writes while the workers extract, on the same cores, for hours.
# One DuckDB thread leaves the cores to the workers. A bounded buffer pool keeps memory flat as the
# database grows (DuckDB otherwise caches what it wrote, up to 80% of RAM). Smaller row groups
# bound what a checkpoint compresses at once: with DuckDB's default (122,880 rows) the parent's
# memory jumped by ~80 MiB whenever the provenance table completed a row group.
ROW_GROUP_SIZE = 16_384
EXPORT_MEMORY = "1GB"


class Store:
    def __init__(self, path: str | os.PathLike[str], *, memory_mb: int = 32) -> None:
        import duckdb

        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.memory_mb = max(16, int(memory_mb))
        self.memory_limit = f"{self.memory_mb}MB"
        self.con = duckdb.connect()
        target = str(self.path).replace("'", "''")
        try:
            try:
                self.con.execute(f"ATTACH '{target}' AS batch (ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
            except (duckdb.BinderException, duckdb.ParserException, duckdb.NotImplementedException,
                    duckdb.InvalidInputException):
                self.con.execute(f"ATTACH '{target}' AS batch")  # a DuckDB without the option
            self.con.execute("USE batch")
        except duckdb.IOException as exc:
            self.con.close()
            if "lock" in str(exc).lower():
                raise StoreError(f"{self.path} is in use by another process (another vnplan batch run?)") from exc
            raise StoreError(f"cannot open {self.path}: {exc}") from exc
        except duckdb.Error as exc:
            self.con.close()
            raise StoreError(f"{self.path} is not a DuckDB database vnplan can use: {exc}") from exc
        self.con.execute(f"SET memory_limit = '{self.memory_limit}'")
        self.con.execute("SET threads = 1")
        # spills (big sorts of an export) beside the database, never in the working folder
        self.con.execute(f"SET temp_directory = '{target}.tmp'")
        self._schema()

    # -- schema ---------------------------------------------------------------

    def _schema(self) -> None:
        import duckdb

        from .. import __version__

        existing = {r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'batch' "
            "AND table_schema = 'main'").fetchall()}
        if existing and "schema_version" not in existing:
            raise StoreError(f"{self.path} holds other tables than a vnplan batch's; give another --out")
        if "schema_version" in existing:
            row = self.con.execute("SELECT version FROM schema_version").fetchone()
            if row is None or row[0] != BATCH_SCHEMA_VERSION:
                raise StoreError(f"{self.path} was written with batch schema version {row[0] if row else '?'}; "
                                 f"this vnplan writes version {BATCH_SCHEMA_VERSION}: give another --out")
        try:
            self.con.begin()
            for table in TABLES:
                self.con.execute(create_sql(table))
            if "schema_version" not in existing:
                self.con.execute("INSERT INTO schema_version VALUES (?, ?, ?)",
                                 [BATCH_SCHEMA_VERSION, RECORD_SCHEMA, __version__])
            self.con.commit()
        except duckdb.Error as exc:
            self.con.rollback()
            raise StoreError(f"cannot set up {self.path}: {exc}") from exc

    # -- runs -----------------------------------------------------------------

    def done_ids(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT doc_id FROM done").fetchall()}

    def error_ids(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT doc_id FROM done WHERE status = 'error'").fetchall()}

    def start_run(self, *, engine: str, workers: int, inputs: list[str]) -> int:
        row = self.con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchone()
        run_id = int(row[0]) if row else 1
        self.con.execute("INSERT INTO runs (run_id, started_at, status, engine, workers, inputs) VALUES (?, ?, ?, ?, ?, ?)",
                         [run_id, _now(), "running", engine, workers, inputs])
        return run_id

    def finish_run(self, run_id: int, status: str, counts: dict[str, int]) -> None:
        self.con.execute(
            "UPDATE runs SET finished_at = ?, status = ?, files = ?, extracted = ?, errors = ?, duplicates = ?, "
            "done_before = ? WHERE run_id = ?",
            [_now(), status, counts.get("files", 0), counts.get("ok", 0), counts.get("error", 0),
             counts.get("duplicate", 0), counts.get("done-before", 0), run_id])

    def retry_errors(self) -> int:
        """Forget the files that failed, so that this run tries them again. Returns how many."""
        self.con.begin()
        n = self.con.execute("SELECT count(*) FROM errors").fetchone()[0]
        self.con.execute("DELETE FROM done WHERE status = 'error'")
        self.con.execute("DELETE FROM errors")
        self.con.commit()
        return int(n)

    # -- writing --------------------------------------------------------------

    def write(self, rows: Rows) -> None:
        """All the rows of some finished files, with their ``done`` markers, in one transaction."""
        import duckdb

        for attempt in range(5):
            try:
                self.con.begin()
                for table, trows in rows.items():
                    if trows:
                        self._insert(table, trows)
                self.con.commit()
                return
            except duckdb.OutOfMemoryException:
                self._rollback()
                if attempt == 4:
                    raise
                # the indexes of a very large batch outgrew the buffer pool: give it more, try again
                self.memory_mb *= 2
                self.memory_limit = f"{self.memory_mb}MB"
                self.con.execute(f"SET memory_limit = '{self.memory_limit}'")
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        import duckdb

        try:
            self.con.rollback()
        except duckdb.Error:
            pass

    def _insert(self, table: str, rows: list[tuple]) -> None:
        import pyarrow as pa

        if table == "sources":  # the same file seen again (resume, a second input naming it) is one row
            seen: set[tuple[str, str]] = set()
            rows = [r for r in rows if (k := (r[0], r[1])) not in seen and not seen.add(k)]  # type: ignore[func-returns-value]
        cols = list(zip(*rows))
        arrays = [pa.array(list(col), type=_arrow_type(t)) for col, (_, t) in zip(cols, TABLES[table])]
        tbl = pa.Table.from_arrays(arrays, names=columns(table))
        self.con.register("_vnplan_rows", tbl)
        try:
            verb = "INSERT OR IGNORE INTO" if table == "sources" else "INSERT INTO"
            self.con.execute(f"{verb} {quoted(table)} SELECT * FROM _vnplan_rows")
        finally:
            try:
                self.con.unregister("_vnplan_rows")
            except Exception:  # in an aborted transaction; the view goes with the rollback's error
                pass

    # -- reading --------------------------------------------------------------

    def _dicts(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        cur = self.con.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def read_record(self, doc_id: str) -> dict[str, Any] | None:
        """The record of one document, exactly as ``model_dump(mode="json")`` gave it, or None."""
        got = next(self._records_between(doc_id, doc_id), None)
        return got[1] if got else None

    def read_error(self, doc_id: str) -> tuple[str, str] | None:
        row = self.con.execute("SELECT kind, message FROM errors WHERE doc_id = ?", [doc_id]).fetchone()
        return (row[0], row[1]) if row else None

    def iter_records(self, chunk: int = 500) -> Iterator[tuple[str, dict[str, Any]]]:
        """(doc_id, record) of every plan, by doc_id, reading ``chunk`` plans at a time."""
        ids = [r[0] for r in self.con.execute("SELECT doc_id FROM plans ORDER BY doc_id").fetchall()]
        for i in range(0, len(ids), chunk):
            part = ids[i:i + chunk]
            yield from self._records_between(part[0], part[-1])

    def _records_between(self, lo: str, hi: str) -> Iterator[tuple[str, dict[str, Any]]]:
        by_table: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for table in RECORD_TABLES:
            order = "doc_id" if table == "plans" else ("doc_id, assignment_idx, idx" if table == "duties" else "doc_id, idx")
            grouped: dict[str, list[dict[str, Any]]] = {}
            for row in self._dicts(f"SELECT * FROM {quoted(table)} WHERE doc_id BETWEEN ? AND ? ORDER BY {order}",
                                   [lo, hi]):
                grouped.setdefault(row["doc_id"], []).append(row)
            by_table[table] = grouped
        for doc_id in sorted(by_table["plans"]):
            yield doc_id, unflatten({t: by_table[t].get(doc_id, []) for t in RECORD_TABLES})

    def table_rows(self, table: str) -> list[tuple]:
        """Every row of a table, sorted (for comparing two databases)."""
        return sorted(self.con.execute(f"SELECT * FROM {quoted(table)}").fetchall(), key=repr)

    # -- exports --------------------------------------------------------------

    def export(self, dest: str | os.PathLike[str], fmt: str) -> list[Path]:
        """Write every table to DEST/TABLE.parquet or DEST/TABLE.jsonl (and DEST/records.jsonl), atomically per file."""
        dest = Path(dest)
        dest.mkdir(parents=True, exist_ok=True)
        # sorting whole tables wants more room and all cores; the run is over
        self.con.execute(f"SET memory_limit = '{EXPORT_MEMORY}'")
        self.con.execute("RESET threads")
        try:
            return self._export(dest, fmt)
        finally:
            self.con.execute(f"SET memory_limit = '{self.memory_limit}'")
            self.con.execute("SET threads = 1")

    def _export(self, dest: Path, fmt: str) -> list[Path]:
        written = []
        ext = "parquet" if fmt == "parquet" else "jsonl"
        for table in TABLES:
            target = dest / f"{table}.{ext}"
            tmp = dest / f".{table}.{ext}.tmp"
            keys = [c for c in ("doc_id", "assignment_idx", "idx", "path", "run_id") if c in columns(table)]
            order = f" ORDER BY {', '.join(quoted(k) for k in keys)}" if keys else ""
            options = "FORMAT parquet" if fmt == "parquet" else "FORMAT json"
            tmp_sql = str(tmp).replace("'", "''")
            self.con.execute(f"COPY (SELECT * FROM {quoted(table)}{order}) TO '{tmp_sql}' ({options})")
            os.replace(tmp, target)
            written.append(target)
        if fmt == "jsonl":
            # The whole records, one per line: what `vnplan extract --format jsonl` prints for the same files.
            target = dest / "records.jsonl"
            tmp = dest / ".records.jsonl.tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                for _, rec in self.iter_records():
                    f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            os.replace(tmp, target)
            written.append(target)
        return written

    def close(self) -> None:
        try:
            self.con.close()
        except Exception:
            pass


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def compare(a: Store, b: Store, tables: tuple[str, ...] = CONTENT_TABLES) -> dict[str, tuple[int, int]]:
    """Tables whose rows differ between two databases: table -> (rows only in a, rows only in b)."""
    diffs = {}
    for t in tables:
        ra, rb = a.table_rows(t), b.table_rows(t)
        if ra != rb:
            sa, sb = set(map(repr, ra)), set(map(repr, rb))
            diffs[t] = (len(sa - sb) or abs(len(ra) - len(rb)), len(sb - sa))
    return diffs


__all__ = ["Store", "StoreError", "FORMATS", "JOURNAL", "database_path", "compare", "PRIMARY_KEYS"]
