"""The plans and units tables: one row per plan, one row per (plan, unit).

Everything a comparison across provinces and years needs is a column: the
issuer's kind and level, the province in both administrative eras (so that
"Bình Định 2023" and "Gia Lai 2025" fall in one group), the first period and
its length, the lead time from issue to the period's start, counts of legal
bases, units, duties and deadlines, and the lag of the report deadline after
the period ends.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from dateutil.relativedelta import relativedelta

from ..models import PlanRecord
from .sources import PlanInput
from .units import resolve_unit, resolve_units, unit_role

__all__ = ["plans_frame", "units_frame", "span_text", "ERAS"]

#: Which province a plan is grouped under in the ``area`` column.
ERAS = ("after-2025", "before-2025", "as-printed")

_REPORT_WORDS = ("báo cáo", "bao cao", "tổng hợp", "gửi kết quả")


def span_text(start: dt.date | None, end: dt.date | None) -> str | None:
    """A lag in words as a reader says it: "10 days", "1 month 3 days", "-2 days"."""
    if start is None or end is None:
        return None
    rd = relativedelta(end, start)
    parts = []
    for n, unit in ((rd.years, "year"), (rd.months, "month"), (rd.days, "day")):
        if n:
            parts.append(f"{n} {unit}{'s' if abs(n) != 1 else ''}")
    return " ".join(parts) if parts else "0 days"


def _area(rec: PlanRecord) -> dict:
    """The province in both eras: from the record's area_detail, else worked out with the gazetteer."""
    ad = rec.area_detail
    before, after, era = ad.province_before_2025, ad.province_after_2025, ad.era
    a = rec.area
    if (before is None and after is None) and (a.province or a.district or a.commune):
        from ..gazetteer import gazetteer

        res = gazetteer().resolve(a.province, a.district, a.commune, year=rec.issued_date or rec.year)
        before, after, era = res.province_before_2025, res.province_after_2025, res.era
        if after is None and before is not None:
            from ..gazetteer import gazetteer as _g

            after = _g().province_after_2025(before)
    if after is None and before is None and a.province:
        # A province the gazetteer cannot place in one era is kept as printed.
        after = before = a.province
    return {"province_before_2025": before, "province_after_2025": after, "era": era}


def _area_level(rec: PlanRecord) -> str | None:
    if rec.area_detail.level not in (None, "unknown"):
        return rec.area_detail.level
    a = rec.area
    return "commune" if a.commune else "district" if a.district else "province" if a.province else None


def issuer_kind_level(rec: PlanRecord) -> tuple[str, str, str | None]:
    """(kind, level, canonical name) of the issuing body.

    The issuer's own words give the level first ("Ủy ban nhân dân xã" is a
    commune's even where the record's area stops at the province); then the
    record's area. A body with no area at all is central when its kind is.
    """
    if not rec.issuer:
        lvl = _area_level(rec)
        return "other", lvl or "other", None
    m = resolve_unit(rec.issuer)
    level = m.level
    if level in (None, "other"):
        level = _area_level(rec) or ("central" if m.kind in ("ministry",) else "other")
    if m.kind == "ministry" or (m.level == "central"):
        level = "central"
    return m.kind, level, m.canonical


def _report_deadline(rec: PlanRecord, period_end: dt.date | None) -> dt.date | None:
    """The first report deadline on or after the period's end.

    That is the deadline the plan's own units get; the issuer's report to the
    level above comes later. Deadlines that say nothing of reporting count only
    when no deadline after the period does.
    """
    if period_end is None:
        return None
    after = sorted((d for d in rec.deadlines if d.date >= period_end), key=lambda d: d.date)
    reports = [d for d in after if any(w in d.action.casefold() for w in _REPORT_WORDS)]
    pick = reports or after
    return pick[0].date if pick else None


def _days(a: dt.date | None, b: dt.date | None) -> int | None:
    return (b - a).days if a is not None and b is not None else None


def units_frame(plans: list[PlanInput], levels: dict[str, str]) -> pd.DataFrame:
    """One row per (plan, unit): the unit as printed, its canonical unit, kind, level and role.

    A heading that lists several units ("UBND phường, Trung tâm HTCĐ và Hội
    Khuyến học 5 phường") gives one row per unit, each with the heading's
    duties (``n_duties``) and ``shared_with`` the number of units in the heading.
    """
    rows = []
    for pl in plans:
        rec = pl.record
        ctx = levels.get(pl.doc_id)
        ctx = ctx if ctx in ("central", "province", "district", "commune") else None
        roles = [unit_role(a.unit, a.duties, a.requested) for a in rec.assignments]
        if roles and not any(r == "leads" for r, _ in roles):
            # Plans name their standing body first: with no cue, the first unit
            # directed without a "phối hợp" is taken to lead, and marked so.
            for i, (r, cue) in enumerate(roles):
                if r == "coordinates" and cue is None:
                    roles[i] = ("leads", "(first listed)")
                    break
                if r == "coordinates":
                    break
        for ai, a in enumerate(rec.assignments):
            matches = resolve_units(a.unit, context_level=ctx) or [resolve_unit(a.unit, context_level=ctx)]
            role, cue = roles[ai]
            for pos, m in enumerate(matches):
                rows.append({
                    "doc_id": pl.doc_id, "plan": pl.label, "assignment": ai, "position": pos,
                    "heading": a.unit, "unit": m.text, "canonical": m.canonical, "unit_id": m.unit_id,
                    "kind": m.kind, "kind_label": m.kind_label, "sector": m.sector, "level": m.level,
                    "place": m.place, "plural": m.plural, "requested": a.requested, "role": role, "role_cue": cue,
                    "n_duties": len(a.duties), "shared_with": len(matches), "match": m.method, "match_score": m.score,
                })
    cols = ["doc_id", "plan", "assignment", "position", "heading", "unit", "canonical", "unit_id", "kind", "kind_label",
            "sector", "level", "place", "plural", "requested", "role", "role_cue", "n_duties", "shared_with", "match",
            "match_score"]
    return pd.DataFrame(rows, columns=cols)


def plans_frame(plans: list[PlanInput], *, era: str = "after-2025") -> pd.DataFrame:
    """One row per plan (see the module docstring); ``area`` is the province in ``era``."""
    if era not in ERAS:
        raise ValueError(f"era must be one of {ERAS}, not {era!r}")
    rows = []
    for pl in plans:
        rec = pl.record
        kind, level, canonical = issuer_kind_level(rec)
        areas = _area(rec)
        area = {"after-2025": areas["province_after_2025"], "before-2025": areas["province_before_2025"],
                "as-printed": rec.area.province}[era] or rec.area.province
        p0 = rec.periods[0] if rec.periods else None
        start, end = (p0.start, p0.end) if p0 else (None, None)
        report = _report_deadline(rec, end)
        rows.append({
            "doc_id": pl.doc_id, "plan": pl.label, "path": rec.source.path,
            "doc_type": rec.doc_type, "number": rec.number, "symbol": rec.symbol,
            "issuer": rec.issuer, "issuer_canonical": canonical, "issuer_kind": kind, "issuer_level": level,
            "area": area, "province": rec.area.province, "district": rec.area.district, "commune": rec.area.commune,
            "province_before_2025": areas["province_before_2025"], "province_after_2025": areas["province_after_2025"],
            "era": areas["era"], "year": rec.year, "issued_date": rec.issued_date,
            "theme": rec.theme, "title": rec.title,
            "period_label": p0.label if p0 else None, "period_start": start, "period_end": end,
            "period_days": (_days(start, end) + 1) if p0 else None, "n_periods": len(rec.periods),
            "lead_days": _days(rec.issued_date, start), "lead_time": span_text(rec.issued_date, start),
            "n_legal_bases": len(rec.legal_bases), "n_references": len(rec.references),
            "n_assignments": len(rec.assignments), "n_duties": sum(len(a.duties) for a in rec.assignments),
            "n_deadlines": len(rec.deadlines), "n_events": len(rec.events),
            "report_deadline": report, "report_lag_days": _days(end, report),
            "n_warnings": len(rec.warnings),
        })
    df = pd.DataFrame(rows)
    if not len(df):
        return pd.DataFrame(columns=_PLAN_COLUMNS)
    for c in ("issued_date", "period_start", "period_end", "report_deadline"):
        df[c] = pd.to_datetime(df[c])
    for c in ("year", "period_days", "lead_days", "report_lag_days"):
        df[c] = df[c].astype("Int64")
    return df[_PLAN_COLUMNS]


_PLAN_COLUMNS = [
    "doc_id", "plan", "path", "doc_type", "number", "symbol", "issuer", "issuer_canonical", "issuer_kind", "issuer_level",
    "area", "province", "district", "commune", "province_before_2025", "province_after_2025", "era", "year",
    "issued_date", "theme", "title", "period_label", "period_start", "period_end", "period_days", "n_periods",
    "lead_days", "lead_time", "n_legal_bases", "n_references", "n_assignments", "n_duties", "n_deadlines", "n_events",
    "report_deadline", "report_lag_days", "n_warnings",
]
