"""The tables a batch writes, in one place: column names and types, and the mapping
between a record (``PlanRecord.model_dump(mode="json")``) and rows.

Every table is keyed by ``doc_id``, the sha256 of the file's bytes (for files refused
before their bytes were read: the sha256 of their path, see ``errors.id_kind``).
List parts keep their order in an ``idx`` column (0-based), so a record can be put
back together exactly (:func:`unflatten`). Changing a table here means raising
:data:`BATCH_SCHEMA_VERSION` and describing it in docs/batch-schema.md.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

BATCH_SCHEMA_VERSION = 1

# table -> [(column, DuckDB type)]; the primary key of a table is its first PRIMARY_KEY entry.
TABLES: dict[str, list[tuple[str, str]]] = {
    "schema_version": [("version", "INTEGER"), ("record_schema", "VARCHAR"), ("vnplan_version", "VARCHAR")],
    "runs": [
        ("run_id", "INTEGER"), ("started_at", "TIMESTAMP"), ("finished_at", "TIMESTAMP"), ("status", "VARCHAR"),
        ("engine", "VARCHAR"), ("workers", "INTEGER"), ("inputs", "VARCHAR[]"), ("files", "BIGINT"),
        ("extracted", "BIGINT"), ("errors", "BIGINT"), ("duplicates", "BIGINT"), ("done_before", "BIGINT"),
    ],
    "done": [("doc_id", "VARCHAR"), ("status", "VARCHAR"), ("run_id", "INTEGER"), ("seconds", "DOUBLE")],
    "sources": [("doc_id", "VARCHAR"), ("path", "VARCHAR"), ("chain", "VARCHAR[]"), ("size", "BIGINT")],
    "plans": [
        ("doc_id", "VARCHAR"), ("doc_type", "VARCHAR"), ("number", "VARCHAR"), ("symbol", "VARCHAR"),
        ("issuer", "VARCHAR"), ("province", "VARCHAR"), ("district", "VARCHAR"), ("commune", "VARCHAR"),
        ("place", "VARCHAR"), ("issued_date", "DATE"), ("year", "INTEGER"), ("title", "VARCHAR"), ("theme", "VARCHAR"),
        ("signer_authority", "VARCHAR"), ("signer_position", "VARCHAR"), ("signer_name", "VARCHAR"),
        ("source_path", "VARCHAR"), ("source_format", "VARCHAR"), ("source_sha256", "VARCHAR"),
        ("source_size", "BIGINT"), ("source_pages", "INTEGER"),
        ("era", "VARCHAR"), ("province_before_2025", "VARCHAR"), ("province_after_2025", "VARCHAR"),
        ("level", "VARCHAR"), ("record_schema", "VARCHAR"),
    ],
    "legal_bases": [
        ("doc_id", "VARCHAR"), ("idx", "INTEGER"), ("doc_type", "VARCHAR"), ("number", "VARCHAR"),
        ("symbol", "VARCHAR"), ("date", "DATE"), ("issuer", "VARCHAR"), ("subject", "VARCHAR"),
    ],
    "references": [
        ("doc_id", "VARCHAR"), ("idx", "INTEGER"), ("doc_type", "VARCHAR"), ("number", "VARCHAR"),
        ("symbol", "VARCHAR"), ("date", "DATE"), ("issuer", "VARCHAR"), ("subject", "VARCHAR"),
    ],
    "periods": [("doc_id", "VARCHAR"), ("idx", "INTEGER"), ("label", "VARCHAR"), ("start_date", "DATE"),
                ("end_date", "DATE")],
    "events": [("doc_id", "VARCHAR"), ("idx", "INTEGER"), ("name", "VARCHAR"), ("date", "DATE"), ("time", "VARCHAR")],
    "deadlines": [("doc_id", "VARCHAR"), ("idx", "INTEGER"), ("date", "DATE"), ("action", "VARCHAR"),
                  ("units", "VARCHAR[]")],
    "recurring_deadlines": [("doc_id", "VARCHAR"), ("idx", "INTEGER"), ("rule", "VARCHAR"), ("action", "VARCHAR"),
                            ("text", "VARCHAR")],
    "assignments": [("doc_id", "VARCHAR"), ("idx", "INTEGER"), ("unit", "VARCHAR"), ("requested", "BOOLEAN")],
    "duties": [("doc_id", "VARCHAR"), ("assignment_idx", "INTEGER"), ("idx", "INTEGER"), ("duty", "VARCHAR")],
    "recipients": [("doc_id", "VARCHAR"), ("idx", "INTEGER"), ("recipient", "VARCHAR")],
    "warnings": [("doc_id", "VARCHAR"), ("idx", "INTEGER"), ("code", "VARCHAR"), ("message", "VARCHAR"),
                 ("field", "VARCHAR"), ("span_start", "INTEGER"), ("span_end", "INTEGER")],
    "provenance": [
        ("doc_id", "VARCHAR"), ("idx", "INTEGER"), ("field", "VARCHAR"), ("span_start", "INTEGER"),
        ("span_end", "INTEGER"), ("text", "VARCHAR"), ("rule", "VARCHAR"), ("confidence", "DOUBLE"),
        ("inferred", "BOOLEAN"), ("note", "VARCHAR"), ("page", "INTEGER"), ("bbox", "DOUBLE[]"),
        ("ocr_confidence", "DOUBLE"),
    ],
    "errors": [("doc_id", "VARCHAR"), ("id_kind", "VARCHAR"), ("kind", "VARCHAR"), ("message", "VARCHAR"),
               ("path", "VARCHAR"), ("size", "BIGINT")],
}

PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "done": ("doc_id",),
    "plans": ("doc_id",),
    "errors": ("doc_id",),
    "sources": ("doc_id", "path"),
}

# The parts of one extracted record, in the order they are written.
RECORD_TABLES = ("plans", "legal_bases", "references", "periods", "events", "deadlines", "recurring_deadlines",
                 "assignments", "duties", "recipients", "warnings", "provenance")
# Tables whose content depends only on the inputs (not on when or how a run went): what a resumed
# run must reproduce exactly. ``runs`` and the timing columns of ``done`` are bookkeeping.
CONTENT_TABLES = ("schema_version", "sources", *RECORD_TABLES, "errors")


def quoted(name: str) -> str:
    """A table or column name for SQL (``references`` is a reserved word)."""
    return '"' + name.replace('"', '""') + '"'


def create_sql(table: str) -> str:
    cols = [f"{quoted(c)} {t}" for c, t in TABLES[table]]
    if table in PRIMARY_KEYS:
        cols.append("PRIMARY KEY (" + ", ".join(quoted(c) for c in PRIMARY_KEYS[table]) + ")")
    return f"CREATE TABLE IF NOT EXISTS {quoted(table)} (" + ", ".join(cols) + ")"


def path_id(path: str) -> str:
    """The id of a file refused before its bytes were read: stable, and never a content hash."""
    return hashlib.sha256(b"vnplan-batch:path\x00" + path.encode("utf-8", "surrogatepass")).hexdigest()


def _date(v: str | None) -> dt.date | None:
    return dt.date.fromisoformat(v) if v else None


def _iso(v: Any) -> str | None:
    return v.isoformat() if isinstance(v, dt.date) else v


Rows = dict[str, list[tuple]]


def flatten(doc_id: str, rec: dict[str, Any]) -> Rows:
    """The rows of one record (as dumped with ``mode="json"``), table by table."""
    area, signer, src, ad = rec["area"], rec["signer"], rec["source"], rec["area_detail"]
    out: Rows = {t: [] for t in RECORD_TABLES}
    out["plans"].append((
        doc_id, rec["doc_type"], rec["number"], rec["symbol"], rec["issuer"],
        area["province"], area["district"], area["commune"], rec["place"], _date(rec["issued_date"]), rec["year"],
        rec["title"], rec["theme"], signer["authority"], signer["position"], signer["name"],
        src["path"], src["format"], src["sha256"], src["size"], src["pages"],
        ad["era"], ad["province_before_2025"], ad["province_after_2025"], ad["level"], rec["schema_version"],
    ))
    for table in ("legal_bases", "references"):
        for i, c in enumerate(rec[table]):
            out[table].append((doc_id, i, c["doc_type"], c["number"], c["symbol"], _date(c["date"]), c["issuer"],
                               c["subject"]))
    for i, p in enumerate(rec["periods"]):
        out["periods"].append((doc_id, i, p["label"], _date(p["start"]), _date(p["end"])))
    for i, e in enumerate(rec["events"]):
        out["events"].append((doc_id, i, e["name"], _date(e["date"]), e["time"]))
    for i, d in enumerate(rec["deadlines"]):
        out["deadlines"].append((doc_id, i, _date(d["date"]), d["action"], list(d["units"])))
    for i, r in enumerate(rec["recurring_deadlines"]):
        out["recurring_deadlines"].append((doc_id, i, r["rule"], r["action"], r["text"]))
    for i, a in enumerate(rec["assignments"]):
        out["assignments"].append((doc_id, i, a["unit"], a["requested"]))
        for j, duty in enumerate(a["duties"]):
            out["duties"].append((doc_id, i, j, duty))
    for i, r in enumerate(rec["recipients"]):
        out["recipients"].append((doc_id, i, r))
    for i, w in enumerate(rec["warnings"]):
        out["warnings"].append((doc_id, i, w["code"], w["message"], w["field"], w["start"], w["end"]))
    for i, (f, p) in enumerate(rec["provenance"].items()):
        out["provenance"].append((
            doc_id, i, f, p["start"], p["end"], p["text"], p["rule"], p["confidence"], p["inferred"], p["note"],
            p["page"], list(p["bbox"]) if p["bbox"] is not None else None, p["ocr_confidence"],
        ))
    return out


def unflatten(rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """A record (in ``model_dump(mode="json")`` shape) from its rows, each a column->value dict, in idx order."""
    (p,) = rows["plans"]

    def cite(c: dict[str, Any]) -> dict[str, Any]:
        return {"doc_type": c["doc_type"], "number": c["number"], "symbol": c["symbol"], "date": _iso(c["date"]),
                "issuer": c["issuer"], "subject": c["subject"]}

    duties: dict[int, list[str]] = {}
    for d in rows["duties"]:
        duties.setdefault(d["assignment_idx"], []).append(d["duty"])
    return {
        "doc_type": p["doc_type"], "number": p["number"], "symbol": p["symbol"], "issuer": p["issuer"],
        "area": {"province": p["province"], "district": p["district"], "commune": p["commune"]},
        "place": p["place"], "issued_date": _iso(p["issued_date"]), "year": p["year"], "title": p["title"],
        "theme": p["theme"],
        "legal_bases": [cite(c) for c in rows["legal_bases"]],
        "references": [cite(c) for c in rows["references"]],
        "periods": [{"label": x["label"], "start": _iso(x["start_date"]), "end": _iso(x["end_date"])}
                    for x in rows["periods"]],
        "events": [{"name": x["name"], "date": _iso(x["date"]), "time": x["time"]} for x in rows["events"]],
        "deadlines": [{"date": _iso(x["date"]), "action": x["action"], "units": list(x["units"] or [])}
                      for x in rows["deadlines"]],
        "assignments": [{"unit": a["unit"], "requested": a["requested"], "duties": duties.get(a["idx"], [])}
                        for a in rows["assignments"]],
        "signer": {"authority": p["signer_authority"], "position": p["signer_position"], "name": p["signer_name"]},
        "recipients": [r["recipient"] for r in rows["recipients"]],
        "recurring_deadlines": [{"rule": r["rule"], "action": r["action"], "text": r["text"]}
                                for r in rows["recurring_deadlines"]],
        "source": {"path": p["source_path"], "format": p["source_format"], "sha256": p["source_sha256"],
                   "size": p["source_size"], "pages": p["source_pages"]},
        "area_detail": {"era": p["era"], "province_before_2025": p["province_before_2025"],
                        "province_after_2025": p["province_after_2025"], "level": p["level"]},
        "provenance": {
            x["field"]: {"start": x["span_start"], "end": x["span_end"], "text": x["text"], "rule": x["rule"],
                         "confidence": x["confidence"], "inferred": x["inferred"], "note": x["note"],
                         "page": x["page"], "bbox": list(x["bbox"]) if x["bbox"] is not None else None,
                         "ocr_confidence": x["ocr_confidence"]}
            for x in rows["provenance"]
        },
        "warnings": [{"code": w["code"], "message": w["message"], "field": w["field"], "start": w["span_start"],
                      "end": w["span_end"]} for w in rows["warnings"]],
        "schema_version": p["record_schema"],
    }


def columns(table: str) -> list[str]:
    return [c for c, _ in TABLES[table]]


def merge_rows(into: Rows, more: Rows) -> None:
    for t, rows in more.items():
        into.setdefault(t, []).extend(rows)


def nonempty(rows: Rows) -> Iterable[tuple[str, list[tuple]]]:
    return ((t, r) for t, r in rows.items() if r)
