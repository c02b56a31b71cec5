"""Figures for a paper, drawn with matplotlib (static, offline).

Each function takes a :class:`~vnplan.compare.Comparison` and returns a
matplotlib Figure; :func:`save` writes it as PNG and SVG. ``by`` names plans
columns (or their aliases: "province" is the comparable province) that group
the plans: rows of the timeline, columns of the heatmap.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING

import functools

import matplotlib
import matplotlib.dates
import matplotlib.lines
import matplotlib.patches
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

if TYPE_CHECKING:  # pragma: no cover
    from .core import Comparison

__all__ = ["timeline", "heatmap", "network", "reuse_matrix", "save", "to_png_bytes", "by_columns", "group_labels"]

# Figures are plain matplotlib Figures, never pyplot's: no backend to choose, no
# global figure list to leak, and they display in Jupyter all the same. The style
# applies while a figure is drawn only.
_RC = {
    "font.family": "DejaVu Sans",  # ships with matplotlib and has every Vietnamese letter
    "font.size": 9, "axes.titlesize": 10, "axes.spines.top": False, "axes.spines.right": False,
    "svg.fonttype": "none", "figure.dpi": 100,
}
_PALETTE = matplotlib.colormaps["tab10"].colors + matplotlib.colormaps["Dark2"].colors + matplotlib.colormaps["Set1"].colors


def _styled(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(_RC):
            return func(*args, **kwargs)

    return wrapper


def by_columns(by: list[str] | str | tuple) -> list[str]:
    from .core import BY_ALIASES

    items = [b.strip() for b in (by.split(",") if isinstance(by, str) else by) if b and b.strip()]
    return [BY_ALIASES.get(b, b) for b in items]


def group_labels(plans: pd.DataFrame, by: list[str]) -> pd.Series:
    """One label per plan from its ``by`` columns ("Hà Nội · 2023"); "?" where unknown."""
    if not by:
        return pd.Series(["all"] * len(plans), index=plans.index)
    parts = [plans[c].map(lambda v: "?" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)) for c in by]
    out = parts[0]
    for p in parts[1:]:
        out = out + " · " + p
    return out


def _short(label: str, n: int = 16) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def _md(d: pd.Timestamp | dt.date | None) -> float | None:
    """Day of the year, so plans of different years share one calendar axis."""
    if d is None or pd.isna(d):
        return None
    d = pd.Timestamp(d)
    return float(pd.Timestamp(2000, d.month, d.day).day_of_year)


@_styled
def timeline(c: Comparison, by: list[str] | str = ("province", "year"), *, max_rows: int = 60) -> Figure:
    """Periods on a timeline by area: the calendar (left) and aligned on the period's start (right).

    Each row is a plan (▲ issue date, bar the first period, ● report deadline),
    coloured by area; with more than ``max_rows`` plans each row is a group and
    its plans are drawn over each other, translucent. The right panel shows the
    lead time and the report lag in days.
    """
    by = by_columns(by)
    p = c.plans.copy()
    p["group"] = group_labels(p, by)
    p = p.sort_values(["group", "period_start", "plan"], na_position="last", kind="stable").reset_index(drop=True)
    many = len(p) > max_rows
    keys = list(p["group"]) if many else [f"{g}  {_short(pl, 14)}" for g, pl in zip(p["group"], p["plan"])]
    rows = list(dict.fromkeys(keys))
    row_of = {k: len(rows) - 1 - i for i, k in enumerate(rows)}
    area_key = group_labels(p, by[:1]) if by else p["group"]
    areas = list(dict.fromkeys(area_key))
    color = {a: _PALETTE[i % len(_PALETTE)] for i, a in enumerate(areas)}
    alpha = 0.35 if many else 0.85
    fig = Figure(figsize=(11, 1.2 + 0.38 * max(len(rows), 1)))
    ax1, ax2 = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [3, 2]})
    same_year = p["period_start"].dropna().dt.year.nunique() <= 1
    for key_, area, r in zip(keys, area_key, p.itertuples()):
        y = row_of[key_]
        col = color[area]
        s, e, iss, rep = r.period_start, r.period_end, r.issued_date, r.report_deadline
        if same_year:
            conv = (lambda d: None if d is None or pd.isna(d) else matplotlib.dates.date2num(pd.Timestamp(d)))
        else:
            conv = _md
        xs, xe, xi, xr = conv(s), conv(e), conv(iss), conv(rep)
        if xs is not None and xe is not None:
            ax1.barh(y, xe - xs + 1, left=xs, height=0.55, color=col, alpha=alpha)
        if xi is not None:
            ax1.plot([xi], [y], marker="^", color=col, ms=7, ls="none", alpha=1 if not many else 0.5)
        if xr is not None:
            ax1.plot([xr], [y], marker="o", color="black", ms=5, ls="none", alpha=1 if not many else 0.4)
        if xi is not None and xs is not None and not many:
            ax1.plot([xi, xs], [y, y], color=col, lw=1, ls=":")
        # Aligned panel: days from the period's start.
        if pd.notna(r.period_days):
            ax2.barh(y, int(r.period_days), left=0, height=0.55, color=col, alpha=alpha)
            if pd.notna(r.lead_days):
                ax2.plot([-int(r.lead_days)], [y], marker="^", color=col, ms=7, ls="none")
                if not many:
                    ax2.plot([-int(r.lead_days), 0], [y, y], color=col, lw=1, ls=":")
                    ax2.annotate(f"{int(r.lead_days)} d", (-int(r.lead_days), y), xytext=(-6, 5),
                                 textcoords="offset points", fontsize=7, ha="right")
            if pd.notna(r.report_lag_days):
                xr2 = int(r.period_days) - 1 + int(r.report_lag_days)
                ax2.plot([xr2], [y], marker="o", color="black", ms=5, ls="none")
                if not many:
                    ax2.annotate(f"+{int(r.report_lag_days)}", (xr2, y), xytext=(4, -3), textcoords="offset points",
                                 fontsize=7)
    ys = [row_of[k] for k in rows]
    ax1.set_yticks(ys)
    counts = pd.Series(keys).value_counts()
    ax1.set_yticklabels([f"{k} ({counts[k]})" if many else k for k in rows])
    if same_year:
        ax1.xaxis_date()
        ax1.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%d/%m/%Y"))
        for lab in ax1.get_xticklabels():
            lab.set_rotation(30)
            lab.set_ha("right")
    else:
        months = [pd.Timestamp(2000, m, 1).day_of_year for m in range(1, 13)]
        ax1.set_xticks(months)
        ax1.set_xticklabels(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
        lo = [v for v in (_md(x) for x in pd.concat([p["issued_date"], p["period_start"]])) if v is not None]
        hi = [v for v in (_md(x) for x in pd.concat([p["period_end"], p["report_deadline"]])) if v is not None]
        if lo and hi:
            ax1.set_xlim(max(1, min(lo) - 10), min(367, max(hi) + 10))
    ax1.set_title("Calendar: ▲ issued, bar = first period, ● report deadline" + ("" if same_year else " (day of year)"))
    ax2.axvline(0, color="grey", lw=0.8)
    ax2.set_xlabel("days from the period's start")
    ax2.set_title("Lead time and report lag")
    handles = [matplotlib.patches.Patch(color=color[a], label=a) for a in areas]
    if handles and len(areas) <= 12:
        ax2.legend(handles=handles, loc="lower right", fontsize=7, frameon=False)
    fig.tight_layout()
    return fig


@_styled
def heatmap(c: Comparison, by: list[str] | str = ("province",), role: str = "leads") -> Figure:
    """Unit kind × area: how many plans put each kind of unit in the lead (left)
    and the share of plans that name the kind at all (right)."""
    by = by_columns(by)
    u = c.units.copy()
    plans = c.plans.copy()
    plans["group"] = group_labels(plans, by)
    u = u.merge(plans[["doc_id", "group"]], on="doc_id", how="left")
    from .units import kinds

    labels = kinds()
    groups = sorted(plans["group"].unique(), key=str)
    lead = u[u["role"] == role].pivot_table(index="kind", columns="group", values="doc_id", aggfunc="nunique", fill_value=0)
    named = u.pivot_table(index="kind", columns="group", values="doc_id", aggfunc="nunique", fill_value=0)
    per_group = plans.groupby("group")["doc_id"].nunique()
    kinds_order = [k for k in labels if k in named.index]
    lead = lead.reindex(index=kinds_order, columns=groups, fill_value=0)
    share = named.reindex(index=kinds_order, columns=groups, fill_value=0) / per_group.reindex(groups).replace(0, np.nan).values
    h = 1.5 + 0.32 * max(len(kinds_order), 1)
    w = 2.5 + 0.75 * max(len(groups), 1)
    fig = Figure(figsize=(max(9, 2 * w), h))
    a1, a2 = fig.subplots(1, 2, sharey=True)
    for ax, data, title, fmt, cmap in ((a1, lead, f"plans where the kind {role}", "{:.0f}", "Blues"),
                                       (a2, share, "share of plans naming the kind", "{:.0%}", "Greens")):
        vals = data.to_numpy(dtype=float) if data.size else np.zeros((1, 1))
        im = ax.imshow(vals, aspect="auto", cmap=cmap, vmin=0, vmax=max(np.nanmax(vals), 1e-9) if vals.size else 1)
        ax.set_xticks(range(len(groups)))
        ax.set_xticklabels(groups, rotation=35, ha="right")
        ax.set_yticks(range(len(kinds_order)))
        ax.set_yticklabels([labels[k] for k in kinds_order])
        ax.set_title(title)
        for (i, j), v in np.ndenumerate(vals):
            if not np.isnan(v) and v > 0:
                ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=7,
                        color="white" if v > 0.6 * np.nanmax(vals) else "black")
        fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
        ax.spines[:].set_visible(False)
    fig.tight_layout()
    return fig


@_styled
def network(c: Comparison, *, max_labels: int = 60) -> Figure:
    """The citation network as two columns: the documents cited (left, grey squares,
    larger when more plans cite them) and the plans (right, circles coloured by area,
    ordered by area and year). Solid edges: legal bases; dashed: other references.

    Each document sits at the mean height of the plans citing it (the barycentre
    rule), so a document shared by several plans fans out to them and one cited
    once sits beside its plan. A cited document that is in the collection is that
    plan's own circle, joined by an arc on the right.
    """
    g = c.graph
    plans_df = c.plans
    plans = [n for n, d in g.nodes(data=True) if d.get("kind") == "plan"]
    docs = [n for n, d in g.nodes(data=True) if d.get("kind") != "plan"]
    order = {d: i for i, d in enumerate(plans_df.sort_values(["area", "year", "plan"], na_position="last")["doc_id"])}
    plans.sort(key=lambda n: order.get(n, 10**9))
    n_rows = max(len(plans), len(docs), 2)
    height = min(max(5.0, 0.16 * n_rows + 1.5), 40.0)
    fig = Figure(figsize=(10, height))
    ax = fig.subplots()
    if not g.number_of_nodes():
        ax.text(0.5, 0.5, "no citations", ha="center")
        ax.axis("off")
        return fig
    span = float(n_rows - 1)
    ypl = {n: span - (i * span / max(len(plans) - 1, 1)) for i, n in enumerate(plans)}
    indeg = dict(g.in_degree())
    # Barycentre of the citing plans, then spread evenly in that order.
    bary = {n: float(np.mean([ypl[u] for u, _ in g.in_edges(n) if u in ypl] or [0.0])) for n in docs}
    docs.sort(key=lambda n: (-bary[n], -indeg.get(n, 0), g.nodes[n].get("label", "")))
    ydoc = {n: span - (i * span / max(len(docs) - 1, 1)) for i, n in enumerate(docs)}
    pos = {**{n: (1.0, y) for n, y in ypl.items()}, **{n: (0.0, y) for n, y in ydoc.items()}}
    areas = sorted({g.nodes[n].get("area", "") for n in plans})
    acol = {a: _PALETTE[i % len(_PALETTE)] for i, a in enumerate(areas)}
    for u, v, d in g.edges(data=True):
        (x0, y0), (x1, y1) = pos[u], pos[v]
        ls = "-" if d.get("relation") == "basis" else "--"
        col = acol[g.nodes[u].get("area", "")]
        if g.nodes[v].get("kind") == "plan":  # plan citing a plan of the collection: an arc on the right
            ax.annotate("", xy=(x1 + 0.01, y1), xytext=(x0 + 0.01, y0),
                        arrowprops=dict(arrowstyle="->", color=col, lw=1.2, ls=ls, connectionstyle="arc3,rad=-0.6"))
        else:
            ax.plot([x1, x0], [y1, y0], ls=ls, color=col, lw=0.9 if indeg.get(v, 0) <= 1 else 1.4, alpha=0.75)
    ax.scatter([0.0] * len(docs), [ydoc[n] for n in docs], marker="s", color="#9a9a9a",
               s=[18 if indeg.get(n, 0) <= 1 else 30 + 35 * indeg.get(n, 0) for n in docs], zorder=3)
    ax.scatter([1.0] * len(plans), [ypl[n] for n in plans], marker="o", edgecolor="black", linewidth=0.6, zorder=3,
               color=[acol[g.nodes[n].get("area", "")] for n in plans],
               s=[60 + 50 * indeg.get(n, 0) for n in plans])
    for n in plans:
        d = g.nodes[n]
        ax.text(1.03, ypl[n], f"{_short(d['label'], 18)}  ({d.get('area', '')} {d.get('year') or ''})",
                va="center", fontsize=7)
    shared = sorted(docs, key=lambda n: -indeg.get(n, 0))
    show = set(shared[:max_labels]) if len(docs) > max_labels else set(docs)
    for n in docs:
        if n in show:
            lab = _short(g.nodes[n]["label"], 40)
            k = indeg.get(n, 0)
            ax.text(-0.03, ydoc[n], f"{lab}" + (f"  ×{k}" if k > 1 else ""), va="center", ha="right", fontsize=7,
                    fontweight="bold" if k > 1 else "normal")
    handles = [matplotlib.lines.Line2D([], [], marker="o", ls="none", color=acol[a], label=a or "?") for a in areas]
    handles += [matplotlib.lines.Line2D([], [], marker="s", ls="none", color="#9a9a9a", label="cited document (×plans)"),
                matplotlib.lines.Line2D([], [], color="#555", label="legal basis"),
                matplotlib.lines.Line2D([], [], color="#555", ls="--", label="reference")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=min(6, len(handles)), fontsize=7,
              frameon=False)
    ax.set_xlim(-1.15, 1.6)
    ax.set_ylim(-1, span + 1)
    ax.set_title("Citation network: documents cited (left) and the plans that rest on them (right)")
    ax.axis("off")
    fig.tight_layout()
    return fig


@_styled
def reuse_matrix(c: Comparison, by: list[str] | str = ("province",), *, max_rows: int = 40) -> Figure:
    """Plan × plan: the share of the row plan's duties and activity items that are
    near-copies of the column plan's. With more than ``max_rows`` plans, groups × groups:
    the mean of that share over the plans of the two groups."""
    plans = c.plans
    n = len(plans)
    idx = {d: i for i, d in enumerate(plans["doc_id"])}
    m = np.zeros((n, n))
    for r in c.reuse.itertuples():
        i, j = idx[r.a], idx[r.b]
        m[i, j] = r.share_a
        m[j, i] = r.share_b
    np.fill_diagonal(m, np.nan)
    if n > max_rows:
        g = group_labels(plans, by_columns(by)).to_numpy()
        labels = sorted(set(g), key=str)
        gm = np.full((len(labels), len(labels)), np.nan)
        for a_, ga in enumerate(labels):
            for b_, gb in enumerate(labels):
                block = m[np.ix_(g == ga, g == gb)]
                if np.isfinite(block).any():
                    gm[a_, b_] = np.nanmean(block)
        m, ticks, what = gm, labels, "mean share of a row group's plan copied from a column group's plan"
    else:
        ticks, what = [_short(x, 14) for x in plans["plan"]], "share of the row plan's duties and activity items that are near-copies"
    k = len(ticks)
    size = 2.5 + 0.45 * max(k, 1)
    fig = Figure(figsize=(min(size + 1.5, 16), min(size, 14)))
    ax = fig.subplots()
    finite = m[np.isfinite(m)]
    im = ax.imshow(np.nan_to_num(m, nan=0.0), cmap="Oranges", vmin=0, vmax=max(0.5, float(finite.max()) if finite.size else 0.5))
    ax.set_xticks(range(k))
    ax.set_xticklabels(ticks, rotation=45, ha="right")
    ax.set_yticks(range(k))
    ax.set_yticklabels(ticks)
    if k <= 25:
        for (i, j), v in np.ndenumerate(m):
            if np.isfinite(v) and v > 0:
                ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=7)
    ax.set_xlabel("copied from (column)")
    ax.set_ylabel("plan (row)" if n <= max_rows else "group (row)")
    ax.set_title("Reuse: " + what)
    fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02, format=matplotlib.ticker.PercentFormatter(1.0))
    ax.spines[:].set_visible(False)
    fig.tight_layout()
    return fig


@_styled
def save(fig: Figure, directory: str | Path, name: str) -> list[Path]:
    """``name.png`` (150 dpi) and ``name.svg`` in ``directory``."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    out = []
    for ext, kw in (("png", {"dpi": 150}), ("svg", {})):
        p = d / f"{name}.{ext}"
        fig.savefig(p, bbox_inches="tight", **kw)
        out.append(p)
    return out


@_styled
def to_png_bytes(fig: Figure, dpi: int = 110) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()
