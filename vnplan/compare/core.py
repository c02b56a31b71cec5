"""The Comparison object: records in, pandas tables out."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .citations import CitationTables, citation_graph, citation_tables, write_graphml
from .reuse import THRESHOLD, Passage, ReusePair, passages, reuse_pair, reuse_table
from .sources import PlanInput, RecordSource, load_records
from .tables import plans_frame, units_frame

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = ["Comparison", "compare", "BY_ALIASES"]

# Names a researcher may give to --by / by=, and the plans column each means.
# "province" is the comparable province (see ``era``), so groups span the 2025 reform.
BY_ALIASES = {"province": "area", "province_as_printed": "province", "level": "issuer_level", "kind": "issuer_kind"}

TABLES = ("plans", "units", "citations", "cited", "reuse")


class Comparison:
    """Tables comparing many plan records.

    ``plans``      one row per plan
    ``units``      one row per (plan, unit): canonical unit, kind, level, role, duties
    ``citations``  one row per citation: the edge list plan → cited document
    ``cited``      one row per cited document, its renderings merged, linked to its record if present
    ``reuse``      one row per pair of plans sharing near-copy duties or activity items

    All are pandas DataFrames, computed on first use. ``era`` chooses the
    province in the ``area`` column: "after-2025" (default; "Bình Định 2023"
    groups with "Gia Lai 2025"), "before-2025" or "as-printed".
    """

    def __init__(self, plans: list[PlanInput], *, era: str = "after-2025", reuse_threshold: float = THRESHOLD) -> None:
        self.inputs = plans
        self.era = era
        self.reuse_threshold = reuse_threshold
        self._passages: dict[str, list[Passage]] = {}
        self._by_key: dict[str, PlanInput] = {}
        for pl in plans:
            self._by_key.setdefault(pl.doc_id, pl)
            self._by_key.setdefault(pl.label, pl)

    def __len__(self) -> int:
        return len(self.inputs)

    def __repr__(self) -> str:
        return f"<Comparison of {len(self.inputs)} plans>"

    @property
    def records(self):
        return [pl.record for pl in self.inputs]

    # -- tables ---------------------------------------------------------------

    @functools.cached_property
    def _plans_base(self) -> pd.DataFrame:
        return plans_frame(self.inputs, era=self.era)

    @functools.cached_property
    def units(self) -> pd.DataFrame:
        base = self._plans_base
        levels = dict(zip(base["doc_id"], base["issuer_level"]))
        df = units_frame(self.inputs, levels)
        # The plan's area and year on each row: a unit × area pivot is one call.
        keep = ["doc_id", "area", "province", "province_before_2025", "province_after_2025", "year", "issuer_level"]
        return df.merge(base[keep], on="doc_id", how="left")

    @functools.cached_property
    def plans(self) -> pd.DataFrame:
        df = self._plans_base.copy()
        u = self.units
        n_units = u.groupby("doc_id")["unit_id"].nunique()
        leads = u[u["role"] == "leads"].drop_duplicates("doc_id")
        df["n_units"] = df["doc_id"].map(n_units).fillna(0).astype("Int64")
        df["lead_unit"] = df["doc_id"].map(dict(zip(leads["doc_id"], leads["canonical"])))
        df["lead_unit_kind"] = df["doc_id"].map(dict(zip(leads["doc_id"], leads["kind"])))
        cols = list(df.columns)
        # Keep the counts together.
        for c in ("lead_unit_kind", "lead_unit", "n_units"):
            cols.remove(c)
            cols.insert(cols.index("n_duties"), c)
        return df[cols]

    @functools.cached_property
    def _citations(self) -> CitationTables:
        return citation_tables(self.inputs)

    @property
    def citations(self) -> pd.DataFrame:
        """Edge list: one row per (citing plan, cited document) citation, with the rendering as printed."""
        return self._citations.edges

    @property
    def cited(self) -> pd.DataFrame:
        """Distinct cited documents, with every rendering seen and the number of plans citing each."""
        return self._citations.documents

    @functools.cached_property
    def graph(self) -> nx.DiGraph:
        """Citation network (networkx): plans and cited documents as nodes."""
        return citation_graph(self.inputs, self._citations, self.plans)

    @functools.cached_property
    def reuse(self) -> pd.DataFrame:
        """Pairs of plans sharing near-copy passages, with the share of each that is reused."""
        return reuse_table(self.inputs, threshold=self.reuse_threshold, cache=self._passages)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLES}

    # -- questions --------------------------------------------------------------

    def plan(self, key: str | int) -> PlanInput:
        """A plan by doc_id, label or position."""
        if isinstance(key, int):
            return self.inputs[key]
        if key in self._by_key:
            return self._by_key[key]
        hits = [pl for pl in self.inputs if pl.doc_id.startswith(key) or pl.label.startswith(key)]
        if len(hits) == 1:
            return hits[0]
        raise KeyError(f"no single plan {key!r} in the comparison")

    def passages(self, key: str | int) -> list[Passage]:
        pl = self.plan(key)
        if pl.doc_id not in self._passages:
            self._passages[pl.doc_id] = passages(pl)
        return self._passages[pl.doc_id]

    def reuse_pair(self, a: str | int, b: str | int) -> ReusePair:
        """Reuse between two plans (doc_id, label or position), matched passages side by side."""
        pa, pb = self.plan(a), self.plan(b)
        return reuse_pair(pa, pb, threshold=self.reuse_threshold, pa=self.passages(pa.doc_id), pb=self.passages(pb.doc_id))

    def reuse_of_cited(self) -> pd.DataFrame:
        """Reuse between each plan and the documents it cites that are in the collection."""
        e = self.citations.dropna(subset=["linked_doc_id"]).drop_duplicates(["doc_id", "linked_doc_id"])
        rows = []
        for r in e.itertuples():
            p = self.reuse_pair(r.doc_id, r.linked_doc_id)
            rows.append({"doc_id": r.doc_id, "plan": p.a_label, "cited_doc_id": r.linked_doc_id, "cited": p.b_label,
                         "relation": r.relation, "n_passages": p.n_a, "n_matched": p.n_matched, "share": p.share_a})
        return pd.DataFrame(rows, columns=["doc_id", "plan", "cited_doc_id", "cited", "relation", "n_passages",
                                           "n_matched", "share"])

    def unit_pivot(self, index: str = "kind", columns: str | list[str] = "area", *, role: str | None = None,
                   values: str = "plans") -> pd.DataFrame:
        """Units × areas: how many plans (``values="plans"``) or duties (``"duties"``) per cell.

        ``role`` keeps only units with that role ("leads", "coordinates", "asked").
        ``columns`` may be any units column or list of them ("area", ["area", "year"]).
        """
        u = self.units if role is None else self.units[self.units["role"] == role]
        cols = [BY_ALIASES.get(c, c) for c in ([columns] if isinstance(columns, str) else columns)]
        if values == "plans":
            t = u.pivot_table(index=index, columns=cols, values="doc_id", aggfunc="nunique", fill_value=0)
        elif values == "duties":
            t = u.drop_duplicates(["doc_id", "assignment", index]).pivot_table(
                index=index, columns=cols, values="n_duties", aggfunc="sum", fill_value=0)
        else:
            raise ValueError("values is 'plans' or 'duties'")
        return t

    # -- output -----------------------------------------------------------------

    def write_graphml(self, path: str | Path) -> Path:
        path = Path(path)
        write_graphml(self.graph, path)
        return path

    def write(self, directory: str | Path, formats: tuple[str, ...] = ("csv",)) -> list[Path]:
        """Every table as CSV and/or Parquet files, or DuckDB tables (``compare.duckdb``); the network as GraphML."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        out = []
        for name, df in self.tables().items():
            if "csv" in formats:
                p = d / f"{name}.csv"
                df.to_csv(p, index=False)
                out.append(p)
            if "parquet" in formats:
                p = d / f"{name}.parquet"
                _parquet_safe(df).to_parquet(p, index=False)
                out.append(p)
        if "duckdb" in formats:
            out.append(self.to_duckdb(d / "compare.duckdb"))
        out.append(self.write_graphml(d / "citations.graphml"))
        return out

    def to_duckdb(self, path: str | Path) -> Path:
        """The tables in a DuckDB database (replacing tables of the same names)."""
        import duckdb

        path = Path(path)
        con = duckdb.connect(str(path))
        try:
            for name, df in self.tables().items():
                frame = _parquet_safe(df)  # noqa: F841 - read by name below
                con.execute(f'create or replace table "compare_{name}" as select * from frame')
        finally:
            con.close()
        return path

    def report(self, path: str | Path, *, by: list[str] | str = ("province", "year"),
               figures_dir: str | Path | None = None, title: str | None = None) -> Path:
        """A static, offline HTML report with its figures (also written as PNG and SVG)."""
        from .report import write_report

        return write_report(self, path, by=by, figures_dir=figures_dir, title=title)


def _parquet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Object columns holding mixed Python values become text, so Arrow and DuckDB take them."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object:
            vals = out[c].dropna()
            if len(vals) and not all(isinstance(v, str) for v in vals):
                out[c] = out[c].map(lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
    return out


def compare(records: RecordSource, *, era: str = "after-2025", reuse_threshold: float = THRESHOLD,
            errors: list | None = None) -> Comparison:
    """Compare plan records: a list of records (from ``extract``/``extract_many``) or dicts,
    a JSONL/JSON file or directory of them, the DuckDB database of ``vnplan batch``, or plan files.

        >>> c = vnplan.compare("records.jsonl")
        >>> c.plans[["area", "year", "lead_days", "report_lag_days"]]
        >>> c.unit_pivot("kind", "area", role="leads")

    ``errors``: a list to collect ``(path, message)`` for files that cannot be
    read, instead of raising on the first.
    """
    return Comparison(load_records(records, errors=errors), era=era, reuse_threshold=reuse_threshold)
