"""``vnplan compare``: tables and a report from many records.

    vnplan compare records.jsonl --by province,year --report report.html --out tables/ --format csv,parquet,duckdb

Exit codes: 0 compared, 1 some inputs could not be read (the rest were
compared), 2 usage error (no source, nothing readable, an unknown --by column).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

_FORMATS = ("csv", "parquet", "duckdb")


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


def compare_command(
    sources: list[Path] = typer.Argument(..., help="records: JSONL/JSON files or directories, a `vnplan batch` DuckDB "
                                                    "database, or plan files to extract"),
    by: str = typer.Option("province,year", "--by", help="plans columns that group the plots, comma-separated "
                                                          "(province = the comparable province, see --era; year, "
                                                          "issuer_level, issuer_kind, theme ...)"),
    report: Optional[Path] = typer.Option(None, "--report", "-r", help="write a static, offline HTML report here"),
    figures: Optional[Path] = typer.Option(None, "--figures", help="where the report's figures go as PNG and SVG "
                                                                  "(default: REPORT_figures/ beside the report)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="directory for the tables (and citations.graphml)"),
    format: str = typer.Option("csv", "--format", "-f", help="table formats for --out: csv, parquet, duckdb (comma-separated)"),
    era: str = typer.Option("after-2025", "--era", help="province used as `province`/area: after-2025 (Bình Định 2023 "
                                                       "groups with Gia Lai 2025), before-2025 or as-printed"),
    threshold: float = typer.Option(80.0, "--threshold", min=50.0, max=100.0,
                                    help="rapidfuzz ratio from which two passages are near-copies"),
) -> None:
    """Compare plans: plans, units, citations, cited documents and reuse tables, and an HTML report.

    Without --report or --out the plans table is printed as CSV.
    """
    from . import compare
    from .plots import by_columns
    from .tables import ERAS

    formats = tuple(f.strip().lower() for f in format.split(",") if f.strip())
    bad = [f for f in formats if f not in _FORMATS]
    if bad:
        raise typer.BadParameter(f"unknown format {', '.join(bad)}; use {', '.join(_FORMATS)}", param_hint="--format")
    if era not in ERAS:
        raise typer.BadParameter(f"use one of {', '.join(ERAS)}", param_hint="--era")
    errors: list[tuple[str, str]] = []
    try:
        c = compare([str(s) for s in sources], era=era, reuse_threshold=threshold, errors=errors)
    except (ValueError, TypeError) as exc:
        _err(f"vnplan: {exc}")
        raise typer.Exit(2)
    for path, msg in errors:
        _err(f"vnplan: {path}: {msg}")
    if not len(c):
        _err("vnplan: no records to compare")
        raise typer.Exit(2)
    cols = by_columns(by)
    unknown = [b for b in cols if b not in c.plans.columns]
    if unknown:
        raise typer.BadParameter(f"not a plans column: {', '.join(unknown)}", param_hint="--by")
    if out is not None:
        for p in c.write(out, formats or ("csv",)):
            _err(f"vnplan: wrote {p}")
    if report is not None:
        path = c.report(report, by=cols, figures_dir=figures)
        _err(f"vnplan: wrote {path} ({len(c)} plans)")
    if out is None and report is None:
        c.plans.to_csv(sys.stdout, index=False)
    raise typer.Exit(1 if errors else 0)


def register(app: typer.Typer) -> None:
    """Add ``compare`` to the vnplan command line."""
    app.command("compare")(compare_command)
