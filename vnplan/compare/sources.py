"""Records to compare, from wherever they are.

``compare()`` takes records as :class:`~vnplan.models.PlanRecord` objects, as
dicts (``record.model_dump(mode="json")``, gold files), or as paths: a JSONL or
JSON file of records, a directory of them, the DuckDB database of ``vnplan
batch``, or plan files to extract. Each becomes a :class:`PlanInput` with a
stable ``doc_id`` (the source file's SHA-256, as ``vnplan batch`` uses) and a
short ``label`` for tables and plots.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..models import PlanRecord

__all__ = ["PlanInput", "load_records", "record_from_dict", "RecordSource"]

RecordSource = Any  # PlanRecord | dict | str | Path | PlanInput | an iterable of these

_RECORD_SUFFIXES = {".json", ".jsonl", ".ndjson"}
_DB_SUFFIXES = {".duckdb", ".db", ".ddb"}
# Columns of the batch database's plans table that may hold the record JSON,
# most likely first (vnplan.batch may name it either way).
_JSON_COLUMNS = ("record_json", "record", "json", "data", "raw_json")


@dataclass
class PlanInput:
    """One record to compare, with where it came from.

    ``text`` is the plan's canonical text when known (a database may store it,
    or it is read from ``record.source.path`` on first use); reuse needs it to
    find the activity items that are not duties.
    """

    doc_id: str
    record: PlanRecord
    label: str = ""
    origin: str | None = None
    _text: str | None = field(default=None, repr=False)
    _text_loaded: bool = field(default=False, repr=False)

    @property
    def text(self) -> str | None:
        if self._text is None and not self._text_loaded:
            self._text_loaded = True
            path = self.record.source.path
            if path and Path(path).is_file():
                try:
                    from ..api import load

                    self._text = load(path).text
                except Exception:  # a moved or unreadable source only costs the activity items
                    self._text = None
        return self._text


# ---------------------------------------------------------------------------
# Dicts → records
# ---------------------------------------------------------------------------

_DATE_FIELDS: dict[str, tuple[str, ...]] = {
    "legal_bases": ("date",), "references": ("date",), "periods": ("start", "end"),
    "events": ("date",), "deadlines": ("date",),
}


def _as_date(value: Any) -> Any:
    """ISO dates pass; "08/9/2023", "8-9-2023", "2023/9/8" are read day first (Vietnamese order)."""
    if value is None or isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        s = value.strip()
        if not s:
            return None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            return s
        from dateutil import parser

        try:
            yearfirst = bool(re.match(r"\d{4}\D", s))
            return parser.parse(s, dayfirst=not yearfirst, yearfirst=yearfirst).date()
        except (ValueError, OverflowError):
            return None
    return value


def record_from_dict(data: dict) -> PlanRecord:
    """A PlanRecord from a record dict: unknown keys dropped, dates read leniently."""
    d = {k: v for k, v in data.items() if k in PlanRecord.model_fields}
    if "issued_date" in d:
        d["issued_date"] = _as_date(d["issued_date"])
    for key, names in _DATE_FIELDS.items():
        items = d.get(key) or []
        fixed = []
        for it in items:
            if not isinstance(it, dict):
                continue
            it = dict(it)
            for n in names:
                if n in it:
                    it[n] = _as_date(it[n])
            if key in ("periods",) and (it.get("start") is None or it.get("end") is None):
                continue  # a period needs both ends
            if key in ("events", "deadlines") and it.get("date") is None:
                continue
            fixed.append(it)
        if key in d:
            d[key] = fixed
    if isinstance(d.get("area_detail"), dict) and d["area_detail"].get("level") not in (None, "central", "province", "district", "commune", "unknown"):
        d["area_detail"] = dict(d["area_detail"], level="unknown")
    return PlanRecord.model_validate(d)


def _content_id(record: PlanRecord) -> str:
    """The source file's SHA-256 when known (as vnplan batch keys rows), else a hash of the record."""
    if record.source.sha256:
        return record.source.sha256
    blob = json.dumps(record.contract(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------
# Paths → records
# ---------------------------------------------------------------------------


def _from_obj(obj: Any, origin: str | None, default_label: str | None = None) -> Iterator[PlanInput]:
    if isinstance(obj, list):
        for i, o in enumerate(obj):
            yield from _from_obj(o, origin, None)
        return
    if not isinstance(obj, dict):
        raise ValueError(f"{origin}: not a record (a JSON object was expected)")
    doc_id = None
    text = None
    if "record" in obj and isinstance(obj["record"], dict):  # {"doc_id": ..., "record": {...}}
        doc_id = obj.get("doc_id")
        text = obj.get("text")
        obj = obj["record"]
    rec = record_from_dict(obj)
    pi = PlanInput(doc_id=doc_id or _content_id(rec), record=rec, label=default_label or "", origin=origin)
    if text:
        pi._text = text
    yield pi


def _read_json_file(path: Path) -> Iterator[PlanInput]:
    raw = path.read_text(encoding="utf-8")
    if path.suffix in (".jsonl", ".ndjson"):
        for n, line in enumerate(raw.splitlines(), 1):
            if line.strip():
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from exc
                yield from _from_obj(obj, f"{path}:{n}")
        return
    obj = json.loads(raw)
    yield from _from_obj(obj, str(path), path.stem if isinstance(obj, dict) else None)


def _read_duckdb(path: Path) -> Iterator[PlanInput]:
    """Records from the database of ``vnplan batch``: the record JSON column of ``plans``,
    or, failing that, records rebuilt from its tables."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        if "plans" not in tables:
            raise ValueError(f"{path}: no 'plans' table; is this a vnplan batch database?")
        cols = {r[0]: r[1] for r in con.execute(
            "select column_name, data_type from information_schema.columns where table_name = 'plans'").fetchall()}
        id_col = "doc_id" if "doc_id" in cols else None
        json_col = next((c for c in _JSON_COLUMNS if c in cols), None)
        if json_col is None:
            json_col = next((c for c, t in cols.items() if t.upper() == "JSON"), None)
        text_col = next((c for c in ("text", "canonical_text") if c in cols), None)
        if json_col is not None:
            sel = ", ".join(f'"{c}"' for c in (id_col, json_col, text_col) if c)
            for row in con.execute(f"select {sel} from plans").fetchall():
                vals = dict(zip([c for c in (id_col, json_col, text_col) if c], row))
                raw = vals[json_col]
                if raw is None:
                    continue
                obj = json.loads(raw) if isinstance(raw, str) else raw
                for pi in _from_obj(obj, f"{path}:plans"):
                    if id_col and vals.get(id_col):
                        pi.doc_id = str(vals[id_col])
                    if text_col and vals.get(text_col):
                        pi._text = vals[text_col]
                    yield pi
            return
        try:  # the batch package's own row → record mapping, when it is installed
            from ..batch.schema import RECORD_TABLES, unflatten
        except ImportError:
            RECORD_TABLES, unflatten = (), None
        if unflatten is not None and all(t in tables for t in RECORD_TABLES):
            yield from _unflatten_batch(con, path, RECORD_TABLES, unflatten)
            return
        yield from _rebuild_from_tables(con, path, tables, cols)
    finally:
        con.close()


def _unflatten_batch(con, path: Path, record_tables, unflatten, chunk: int = 500) -> Iterator[PlanInput]:
    """Records exactly as ``vnplan batch`` stored them (provenance included), ``chunk`` plans at a time."""
    ids = [r[0] for r in con.execute("select doc_id from plans order by doc_id").fetchall()]
    for i in range(0, len(ids), chunk):
        lo, hi = ids[i], ids[min(i + chunk, len(ids)) - 1]
        by_table: dict[str, dict[str, list[dict]]] = {}
        for table in record_tables:
            order = "doc_id" if table == "plans" else ("doc_id, assignment_idx, idx" if table == "duties" else "doc_id, idx")
            cur = con.execute(f'select * from "{table}" where doc_id between ? and ? order by {order}', [lo, hi])
            names = [d[0] for d in cur.description]
            grouped: dict[str, list[dict]] = {}
            for row in cur.fetchall():
                d = dict(zip(names, row))
                grouped.setdefault(d["doc_id"], []).append(d)
            by_table[table] = grouped
        for doc_id in sorted(by_table["plans"]):
            data = unflatten({t: by_table[t].get(doc_id, []) for t in record_tables})
            for pi in _from_obj(data, f"{path}:plans"):
                pi.doc_id = doc_id
                yield pi


def _rows(con, table: str) -> list[dict]:
    cur = con.execute(f'select * from "{table}"')
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _rebuild_from_tables(con, path: Path, tables: set[str], cols: dict[str, str]) -> Iterator[PlanInput]:
    """Records from the flat tables, for a database without a record JSON column.

    Only columns named as the record's keys are used; what the tables do not
    hold stays empty, as in any record where the text does not say it.
    """
    if "doc_id" not in cols:
        raise ValueError(f"{path}: the plans table has neither a record JSON column nor doc_id")
    children: dict[str, dict[str, list[dict]]] = {}
    item_fields = {
        "legal_bases": ("doc_type", "number", "symbol", "date", "issuer", "subject"),
        "references": ("doc_type", "number", "symbol", "date", "issuer", "subject"),
        "periods": ("label", "start", "end", "start_date", "end_date"), "events": ("name", "date", "time"),
        "deadlines": ("date", "action", "units"), "assignments": ("unit", "requested", "duties"),
    }
    for table, fields in item_fields.items():
        if table not in tables:
            continue
        for row in _rows(con, table):
            item = {k: row[k] for k in fields if k in row}
            if "start_date" in item or "end_date" in item:
                item["start"] = item.pop("start_date", item.get("start"))
                item["end"] = item.pop("end_date", item.get("end"))
            if isinstance(item.get("units"), str):
                item["units"] = [u for u in re.split(r"\s*;\s*", item["units"]) if u]
            children.setdefault(str(row.get("doc_id")), {}).setdefault(table, []).append(item)
    duties: dict[tuple[str, int], list[str]] = {}
    if "duties" in tables:
        for row in _rows(con, "duties"):
            idx = row.get("assignment_index", row.get("assignment", row.get("assignment_idx")))
            if idx is not None and row.get("duty"):
                duties.setdefault((str(row["doc_id"]), int(idx)), []).append(row["duty"])
    recipients: dict[str, list[str]] = {}
    if "recipients" in tables:
        for row in _rows(con, "recipients"):
            val = row.get("recipient") or row.get("name")
            if val:
                recipients.setdefault(str(row["doc_id"]), []).append(val)
    for row in _rows(con, "plans"):
        doc_id = str(row["doc_id"])
        d: dict[str, Any] = {k: row[k] for k in ("doc_type", "number", "symbol", "issuer", "place", "issued_date",
                                                  "year", "title", "theme") if k in row}
        d["area"] = {k: row.get(k) for k in ("province", "district", "commune")}
        for k, items in children.get(doc_id, {}).items():
            d[k] = items
        for i, a in enumerate(d.get("assignments", [])):
            if not a.get("duties"):
                a["duties"] = duties.get((doc_id, i), [])
            a["requested"] = bool(a.get("requested"))
        d["recipients"] = recipients.get(doc_id, [])
        if row.get("path") or row.get("source_path"):
            d["source"] = {"path": row.get("path") or row.get("source_path"), "sha256": doc_id}
        rec = record_from_dict(d)
        yield PlanInput(doc_id=doc_id, record=rec, origin=f"{path}:plans")


_PLAN_SUFFIXES = {".txt", ".md", ".pdf", ".docx", ".doc", ".html", ".htm", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}


def _read_plan_file(path: Path) -> Iterator[PlanInput]:
    from ..api import extract

    rec = extract(path)
    yield PlanInput(doc_id=_content_id(rec), record=rec, origin=str(path))


def _read_path(path: Path, errors: list | None = None) -> Iterator[PlanInput]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file())
        recs = [p for p in files if p.suffix in _RECORD_SUFFIXES or p.suffix in _DB_SUFFIXES]
        for p in recs or [p for p in files if p.suffix.lower() in _PLAN_SUFFIXES]:
            yield from _read_path(p, errors)
        return
    if errors is not None:
        # A collection with one unreadable file is still worth comparing: note it, go on.
        try:
            yield from list(_read_path(path, None))
        except Exception as exc:
            errors.append((str(path), f"{type(exc).__name__}: {exc}"))
        return
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or directory")
    if path.suffix in _RECORD_SUFFIXES:
        yield from _read_json_file(path)
    elif path.suffix in _DB_SUFFIXES:
        yield from _read_duckdb(path)
    else:
        yield from _read_plan_file(path)


def _iter_inputs(source: RecordSource, errors: list | None = None) -> Iterator[PlanInput]:
    if isinstance(source, PlanInput):
        yield source
    elif isinstance(source, PlanRecord):
        yield PlanInput(doc_id=_content_id(source), record=source)
    elif isinstance(source, dict):
        yield from _from_obj(source, None)
    elif isinstance(source, (str, Path)):
        yield from _read_path(Path(source), errors)
    elif isinstance(source, Iterable):
        for s in source:
            yield from _iter_inputs(s, errors)
    else:
        raise TypeError(f"cannot read records from {type(source).__name__}")


def _label(pi: PlanInput) -> str:
    r = pi.record
    if pi.label:
        return pi.label
    if r.source.path:
        return Path(r.source.path).stem
    if r.number and r.symbol:
        return f"{r.number}/{r.symbol}"
    return pi.doc_id[:10]


def load_records(source: RecordSource, *, errors: list | None = None) -> list[PlanInput]:
    """Every record of ``source``, each once (by doc_id), with unique labels.

    A path that cannot be read raises, unless ``errors`` is a list: then each
    failure is appended to it as ``(path, message)`` and the rest are read.
    """
    out: list[PlanInput] = []
    seen: set[str] = set()
    for pi in _iter_inputs(source, errors):
        if pi.doc_id in seen:
            continue  # the same document given twice is compared once
        seen.add(pi.doc_id)
        out.append(pi)
    used: dict[str, int] = {}
    for pi in out:
        base = _label(pi)
        n = used.get(base, 0)
        used[base] = n + 1
        pi.label = base if n == 0 else f"{base}#{n + 1}"
    return out
