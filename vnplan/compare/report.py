"""The comparison as one static HTML file: figures embedded, no script, no CDN.

The page opens from disk with no network: every figure is a PNG inside the
file (base64), styles are inline, and nothing is fetched. The same figures
are written beside it as PNG and SVG for a paper.
"""
from __future__ import annotations

import base64
import datetime as dt
import html
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from . import plots

if TYPE_CHECKING:  # pragma: no cover
    from .core import Comparison

__all__ = ["write_report", "render_report"]

_CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#1f3b57;color:#fff;padding:18px 28px}
header h1{margin:0 0 6px;font-size:22px} header p{margin:2px 0;font-size:13px;opacity:.9}
nav a{color:#cfe3ff;margin-right:14px;font-size:13px}
main{padding:8px 28px 40px;max-width:1400px}
section{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:12px 18px;margin:16px 0}
h2{font-size:17px;margin:4px 0 10px;color:#1f3b57}
figure{margin:8px 0} figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:12px;color:#555;margin-top:4px}
.kpis{display:flex;flex-wrap:wrap;gap:12px;margin:6px 0 10px}
.kpi{border:1px solid #dde;border-radius:6px;padding:8px 14px;min-width:120px;background:#f5f8fc}
.kpi b{display:block;font-size:20px;color:#1f3b57} .kpi span{font-size:12px;color:#555}
table.data,table.reuse{border-collapse:collapse;font-size:12px;margin:6px 0;width:100%}
table.data th,table.data td,table.reuse th,table.reuse td{border:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left}
table.data th,table.reuse th{background:#eef3f8;position:sticky;top:0}
table.data tr:nth-child(even) td{background:#fafcff}
.scroll{max-height:460px;overflow:auto}
table.reuse td{width:46%} table.reuse td.score{width:6%;text-align:center;font-weight:bold}
mark{background:#ffe08a} .kind{font-size:11px;color:#777}
.note{font-size:12px;color:#555}
"""


def _img(fig, name: str, alt: str) -> str:
    data = base64.b64encode(plots.to_png_bytes(fig)).decode("ascii")
    return f'<img id="fig-{name}" alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _fmt(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_float_dtype(out[c]) and c.startswith("share"):
            out[c] = out[c].map(lambda v: "" if pd.isna(v) else f"{v:.0%}")
        elif pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c]):
            out[c] = out[c].map(lambda v: "" if pd.isna(v) else f"{float(v):g}").astype(object)
    return out


def _table(df: pd.DataFrame, table_id: str, scroll: bool = True) -> str:
    t = _fmt(df).to_html(index=False, na_rep="", escape=True, classes="data", table_id=table_id, border=0)
    return f'<div class="scroll">{t}</div>' if scroll else t


def _groups_table(c: Comparison, by: list[str]) -> pd.DataFrame:
    p = c.plans.copy()
    p["group"] = plots.group_labels(p, by)
    agg = p.groupby("group", dropna=False).agg(
        plans=("doc_id", "nunique"),
        median_lead_days=("lead_days", "median"),
        median_period_days=("period_days", "median"),
        median_report_lag_days=("report_lag_days", "median"),
        median_legal_bases=("n_legal_bases", "median"),
        median_units=("n_units", "median"),
        lead_unit=("lead_unit", lambda s: "; ".join(f"{k} ({v})" for k, v in s.value_counts().head(2).items())),
    ).reset_index()
    return agg.rename(columns={"group": " · ".join(by) or "group"})


def render_report(c: Comparison, *, by: list[str] | str = ("province", "year"), title: str | None = None,
                  figures: dict | None = None) -> str:
    """The report's HTML (figures given, or drawn here)."""
    by_cols = plots.by_columns(by)
    figs = figures if figures is not None else _figures(c, by_cols)
    p = c.plans
    n = len(p)
    title = title or f"Comparison of {n} plan{'s' if n != 1 else ''}"
    kpis = [
        (n, "plans"), (p["area"].nunique(), "areas"), (p["year"].nunique(), "years"),
        (_med(p["lead_days"]), "median lead time (days)"), (_med(p["report_lag_days"]), "median report lag (days)"),
        (len(c.cited), "cited documents"), (int((c.cited["n_plans"] >= 2).sum()) if len(c.cited) else 0, "cited by ≥ 2 plans"),
        (len(c.reuse), "plan pairs sharing text"),
    ]
    kpi_html = "".join(f'<div class="kpi"><b>{html.escape(str(v))}</b><span>{html.escape(t)}</span></div>' for v, t in kpis)
    plan_cols = ["plan", "issuer", "issuer_kind", "issuer_level", "area", "province_before_2025", "province_after_2025",
                 "year", "issued_date", "period_start", "period_end", "period_days", "lead_days", "report_deadline",
                 "report_lag_days", "n_legal_bases", "n_units", "n_duties", "n_deadlines", "lead_unit", "theme"]
    unit_cols = ["plan", "area", "year", "unit", "canonical", "kind", "level", "role", "n_duties"]
    cited_cols = ["label", "renderings", "date", "issuer", "n_plans", "n_citations", "linked_label"]
    reuse_cols = ["a_label", "b_label", "n_a", "n_b", "n_matched", "share_a", "share_b", "mean_ratio"]
    top = ""
    if len(c.reuse):
        best = c.reuse.sort_values(["n_matched", "mean_ratio"], ascending=False).iloc[0]
        pair = c.reuse_pair(best["a"], best["b"])
        top = (f"<h3>Matched passages: {html.escape(pair.a_label)} and {html.escape(pair.b_label)}</h3>"
               f'<div class="scroll" id="reuse-passages">{pair.to_html()}</div>')
    cited_by = c.cited[c.cited["n_plans"] >= 1][cited_cols] if len(c.cited) else pd.DataFrame(columns=cited_cols)
    from .. import __version__

    body = f"""
<header><h1>{html.escape(title)}</h1>
<p>Grouped by {html.escape(', '.join(by_cols) or 'nothing')}; area = the province {html.escape(c.era.replace('-', ' '))}
(so a plan of Bình Định in 2023 and one of Gia Lai in 2025 fall in one area).
Generated by vnplan {html.escape(__version__)} on {dt.date.today().isoformat()}.</p>
<nav><a href="#summary">Summary</a><a href="#timeline">Timeline</a><a href="#heatmap">Who leads</a>
<a href="#network">Citations</a><a href="#reuse">Reuse</a><a href="#plans">Plans</a><a href="#units">Units</a></nav></header>
<main>
<section id="summary"><h2>Summary</h2><div class="kpis">{kpi_html}</div>
{_table(_groups_table(c, by_cols), "table-groups", scroll=False)}</section>
<section id="timeline"><h2>Periods on a timeline by area</h2><figure>{figs['timeline']}
<figcaption>Each row is a plan, grouped by {html.escape(', '.join(by_cols))}: ▲ date of issue, bar = first period,
● first report deadline after the period. Right: the same aligned on the period's start, with the lead time
(days from issue to start) and the report lag (days after the period ends).</figcaption></figure></section>
<section id="heatmap"><h2>Who leads: unit kind × area</h2><figure>{figs['heatmap']}
<figcaption>Left: number of plans in which a unit of each kind leads (its first duty makes it the standing or
presiding body, or it is listed first without a "phối hợp"). Right: share of plans that assign duties to the kind at all.</figcaption></figure></section>
<section id="network"><h2>Citation network</h2><figure>{figs['network']}
<figcaption>Plans (circles, coloured by area) and the documents they cite (squares, larger when cited by more plans).
One document cited under different symbols is one node.</figcaption></figure>
<h3>Cited documents</h3>{_table(cited_by, "table-cited")}</section>
<section id="reuse"><h2>Reuse</h2><figure>{figs['reuse']}
<figcaption>Share of each plan's duties and activity items (rows) that are near-copies (rapidfuzz ratio ≥ {c.reuse_threshold:.0f})
of another plan's (columns), paired one to one.</figcaption></figure>
{_table(c.reuse[reuse_cols] if len(c.reuse) else pd.DataFrame(columns=reuse_cols), "table-reuse")}
{top}</section>
<section id="plans"><h2>Plans</h2>{_table(p[plan_cols], "table-plans")}</section>
<section id="units"><h2>Units</h2>{_table(c.units[unit_cols], "table-units")}</section>
<p class="note">All tables: <code>vnplan compare SOURCE --out DIR</code> writes them as CSV, Parquet or DuckDB.</p>
</main>"""
    return (f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>{body}</body></html>\n")


def _med(s: pd.Series) -> str:
    s = s.dropna()
    return "–" if s.empty else f"{float(s.median()):g}"


def _figures(c: Comparison, by: list[str], directory: Path | None = None) -> dict[str, str]:
    area_by = [b for b in by if b != "year"] or ["area"]
    makers = {
        "timeline": (lambda: plots.timeline(c, by), "Periods on a timeline by area"),
        "heatmap": (lambda: plots.heatmap(c, area_by), "Unit kind by area heatmap of who leads"),
        "network": (lambda: plots.network(c), "Citation network of plans and cited documents"),
        "reuse": (lambda: plots.reuse_matrix(c), "Reuse matrix between plans"),
    }
    out = {}
    for name, (make, alt) in makers.items():
        fig = make()
        if directory is not None:
            plots.save(fig, directory, name)
        out[name] = _img(fig, name, alt)
    return out


def write_report(c: Comparison, path: str | Path, *, by: list[str] | str = ("province", "year"),
                 figures_dir: str | Path | None = None, title: str | None = None) -> Path:
    """Write the HTML report to ``path`` and its figures as PNG and SVG to ``figures_dir``
    (default: ``<report name>_figures`` beside it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fdir = Path(figures_dir) if figures_dir is not None else path.with_name(path.stem + "_figures")
    figs = _figures(c, plots.by_columns(by), fdir)
    path.write_text(render_report(c, by=by, title=title, figures=figs), encoding="utf-8")
    return path
