"""The documents plans cite, recognised under their different renderings.

The same ministry letter is cited as "1234/BGDĐT-GDĐT" in one plan and
"1234/BGDĐT-GDTrH" in another: a công văn's symbol is the issuer's code, then
the code of the office that drafted it, and plans copy the second part
carelessly. What identifies a cited document is its number, its type, its
issuer and its date. A citation's symbol is read as (type code, issuer code,
drafting office) - "KH-UBND" is (KH, UBND), "BGDĐT-GDĐT" (CV, BGDĐT, GDĐT),
"30/2020/NĐ-CP" (NĐ, CP) - and two citations are the same document when the
number, type and issuer code agree, their years and dates do not disagree,
and, for codes every province uses (UBND, BCĐ, TU ...), their issuers or dates
say it is the same body's document.

A cited document that is itself in the collection (a district plan citing the
province's plan) is linked to that record.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz

from .. import datafiles
from ..models import Citation, PlanRecord
from ..normalize import key
from .sources import PlanInput

__all__ = ["CiteRef", "cite_ref", "same_document", "citation_tables", "citation_graph", "write_graphml"]


@functools.cache
def _type_codes() -> dict[str, str]:
    """Folded type code → the code as written ("qd" → "QĐ")."""
    dt_ = datafiles.doctypes()
    # The type codes of the official list; older data files also listed extra symbol codes.
    codes = {_fold_code(c): c for c in getattr(dt_, "symbol_codes", [])}
    for t in dt_.types:
        codes.setdefault(_fold_code(t.code), t.code)
    return codes


@functools.cache
def _type_of_word() -> dict[str, str]:
    """Folded type word ("cong van") → its code ("CV")."""
    return {_fold_code(t.name): t.code for t in datafiles.doctypes().types}


@functools.cache
def _central_codes() -> frozenset[str]:
    """Issuer codes that name one body in the whole country (TTg, BGDĐT, CP ...)."""
    return frozenset(_fold_code(k) for k in datafiles.abbreviations().symbol_issuers)


def _fold_code(s: str | None) -> str:
    """Codes and words compared without case, diacritics or spaces ("BGDĐT" = "BGDDT")."""
    if not s:
        return ""
    s = unicodedata.normalize("NFD", s.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in s if c.isalnum() and c.isascii()).lower()


def _is_central(code: str) -> bool:
    return code in _central_codes() or bool(re.fullmatch(r"(?:ubtv)?qh\d*", code))


@dataclass(frozen=True)
class CiteRef:
    """A citation (or a record, as a document others may cite) read into its identifying parts."""

    doc_type: str | None  # as written ("Công văn")
    type_code: str  # folded ("cv", "kh", "qd")
    seq: str  # the sequence number without leading zeros ("1234", "4")
    year: int | None  # from the number ("30/2020") or the date
    issuer_code: str  # folded issuer code ("bgddt", "ubnd", "tu"); "" when no symbol
    date: dt.date | None
    issuer_key: str  # matching key of the issuer's name
    subject_key: str  # matching key of the subject, for laws cited without a number
    rendering: str  # number/symbol as printed ("1234/BGDĐT-GDTrH")
    number: str | None = None
    symbol: str | None = None
    issuer: str | None = None
    subject: str | None = None

    @property
    def numbered(self) -> bool:
        return bool(self.seq)

    @property
    def bucket(self) -> tuple:
        """Citations that can be the same document share a bucket (cheap blocking)."""
        if self.numbered:
            return ("n", self.seq, self.type_code, self.issuer_code)
        return ("s", self.type_code, " ".join(self.subject_key.split()[:4]))


def cite_ref(c: Citation | PlanRecord) -> CiteRef | None:
    """The identifying parts of a citation or of a record; None when nothing identifies it."""
    if isinstance(c, PlanRecord):
        number, symbol, date, issuer, subject = c.number, c.symbol, c.issued_date, c.issuer, c.title
        type_word = None
        type_code_given = c.doc_type
    else:
        number, symbol, date, issuer, subject = c.number, c.symbol, c.date, c.issuer, c.subject
        type_word = c.doc_type
        type_code_given = None
    seq, year = "", None
    if number:
        m = re.match(r"\s*0*(\d+[a-z]?)(?:\s*/\s*((?:19|20)\d{2}))?", number)
        if m:
            seq = m.group(1)
            year = int(m.group(2)) if m.group(2) else None
    segs = [s for s in re.split(r"[-/–]", (symbol or "").replace(" ", "")) if s]
    codes = _type_codes()
    type_code = ""
    issuer_code = ""
    if segs and _fold_code(segs[0]) in codes and len(segs) > 1:
        type_code = _fold_code(segs[0])  # "KH-UBND", "QĐ-TTg", "CV-PGDĐT-GDTX"
        issuer_code = _fold_code(segs[1])
    elif segs:
        issuer_code = _fold_code(segs[0])  # a letter: "BGDĐT-GDĐT"
    if not type_code:
        if type_code_given:
            type_code = _fold_code(type_code_given)
        elif type_word:
            type_code = _fold_code(_type_of_word().get(_fold_code(type_word), type_word))
        elif segs:
            type_code = "cv"  # a symbol without a type code is a công văn's
    if isinstance(date, str):
        from .sources import _as_date

        date = _as_date(date)
        date = dt.date.fromisoformat(date) if isinstance(date, str) else date
    if year is None and date is not None:
        year = date.year
    subject_key = key(subject) if subject else ""
    if not seq and not subject_key:
        return None
    rendering = f"{number}/{symbol}" if number and symbol else (number or symbol or "")
    return CiteRef(type_word, type_code, seq, year, issuer_code, date, key(issuer) if issuer else "",
                   subject_key, rendering, number, symbol, issuer, subject)


def _issuers_agree(a: CiteRef, b: CiteRef) -> bool:
    if a.issuer_key and b.issuer_key:
        return a.issuer_key == b.issuer_key or fuzz.ratio(a.issuer_key, b.issuer_key) >= 90
    return False


def same_document(a: CiteRef, b: CiteRef) -> bool:
    """Whether two citations (or a citation and a record) are the same document."""
    if a.bucket != b.bucket:
        return False
    if a.year and b.year and a.year != b.year:
        return False
    if a.date and b.date and a.date != b.date:
        return False
    if not a.numbered:  # a law by its name: the names must agree closely, and the dates
        return fuzz.ratio(a.subject_key, b.subject_key) >= 92 and (a.date == b.date or not (a.date and b.date))
    if _is_central(a.issuer_code) and a.issuer_code:
        return True
    # "KH-UBND" is every committee's code: the same issuer, or the same full date, tells.
    if _issuers_agree(a, b):
        return True
    if a.issuer_key and b.issuer_key:
        return False
    return bool(a.date and b.date and a.date == b.date)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.p = list(range(n))

    def find(self, i: int) -> int:
        while self.p[i] != i:
            self.p[i] = self.p[self.p[i]]
            i = self.p[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.p[max(ri, rj)] = min(ri, rj)


@dataclass
class _Item:
    ref: CiteRef
    plan: int | None  # index of the citing plan; None for a record's own entry
    relation: str | None  # "basis" or "reference"
    record: int | None = None  # index of the record that is this document
    pos: int = 0


def _cited_id(refs: list[CiteRef]) -> str:
    r = refs[0]
    central = _is_central(r.issuer_code)
    ident = "|".join([r.type_code, r.seq, str(r.year or ""), r.issuer_code,
                      "" if central else min((x.issuer_key for x in refs if x.issuer_key), default=""),
                      "" if r.numbered else r.subject_key])
    return "doc:" + hashlib.sha1(ident.encode("utf-8")).hexdigest()[:12]


def _label(refs: list[CiteRef]) -> str:
    words = Counter(r.doc_type for r in refs if r.doc_type)
    renders = Counter(r.rendering for r in refs if r.rendering)
    word = words.most_common(1)[0][0] if words else (refs[0].type_code.upper() or "")
    if renders:
        return f"{word} {renders.most_common(1)[0][0]}".strip()
    subj = next((r.subject for r in refs if r.subject), "")
    return f"{word} {subj[:60]}".strip()


@dataclass
class CitationTables:
    edges: pd.DataFrame
    documents: pd.DataFrame
    plan_nodes: pd.DataFrame = field(default_factory=pd.DataFrame)


def citation_tables(plans: list[PlanInput]) -> CitationTables:
    """Edges (plan → cited document, one row per citation) and the distinct cited documents."""
    items: list[_Item] = []
    for k, pl in enumerate(plans):
        for relation, cites in (("basis", pl.record.legal_bases), ("reference", pl.record.references)):
            for pos, c in enumerate(cites):
                ref = cite_ref(c)
                if ref is not None:
                    items.append(_Item(ref, k, relation, pos=pos))
        own = cite_ref(pl.record) if pl.record.number else None
        if own is not None:
            items.append(_Item(own, None, None, record=k))
    uf = _UnionFind(len(items))
    buckets: dict[tuple, list[int]] = {}
    for i, it in enumerate(items):
        buckets.setdefault(it.ref.bucket, []).append(i)
    for idx in buckets.values():
        # Each citation joins the first group it matches a member of (tried from the
        # group's first member, which settles the common case - a national document
        # cited by every plan - in one comparison), so a bucket costs about n x groups.
        groups_in: list[list[int]] = []
        for i in idx:
            for g in groups_in:
                if any(same_document(items[i].ref, items[j].ref) for j in g):
                    g.append(i)
                    uf.union(g[0], i)
                    break
            else:
                groups_in.append([i])
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(uf.find(i), []).append(i)

    edge_rows, doc_rows = [], []
    for members in groups.values():
        cits = [items[i] for i in members if items[i].plan is not None]
        if not cits:
            continue  # a record nobody cites
        recs = [items[i].record for i in members if items[i].record is not None]
        linked = plans[recs[0]].doc_id if recs else None
        refs = [c.ref for c in cits]
        cid = linked or _cited_id(refs)
        label = _label(refs)
        dates = Counter(r.date for r in refs if r.date)
        issuers = Counter(r.issuer for r in refs if r.issuer)
        subjects = Counter(r.subject for r in refs if r.subject)
        citing = {c.plan for c in cits}
        doc_rows.append({
            "cited_id": cid, "label": label,
            "doc_type": Counter(r.doc_type for r in refs if r.doc_type).most_common(1)[0][0] if any(r.doc_type for r in refs) else None,
            "number": next((r.number for r in refs if r.number), None),
            "symbols": "; ".join(sorted({r.symbol for r in refs if r.symbol})),
            "renderings": "; ".join(sorted({r.rendering for r in refs if r.rendering})),
            "date": dates.most_common(1)[0][0] if dates else None,
            "issuer": issuers.most_common(1)[0][0] if issuers else None,
            "subject": subjects.most_common(1)[0][0] if subjects else None,
            "central": _is_central(refs[0].issuer_code),
            "n_citations": len(cits), "n_plans": len(citing),
            "linked_doc_id": linked, "linked_label": plans[recs[0]].label if recs else None,
        })
        for c in cits:
            pl = plans[c.plan]
            edge_rows.append({
                "doc_id": pl.doc_id, "plan": pl.label, "cited_id": cid, "cited": label, "relation": c.relation,
                "position": c.pos, "doc_type": c.ref.doc_type, "number": c.ref.number, "symbol": c.ref.symbol,
                "rendering": c.ref.rendering, "date": c.ref.date, "issuer": c.ref.issuer, "subject": c.ref.subject,
                "linked_doc_id": linked,
            })
    edge_cols = ["doc_id", "plan", "cited_id", "cited", "relation", "position", "doc_type", "number", "symbol",
                 "rendering", "date", "issuer", "subject", "linked_doc_id"]
    doc_cols = ["cited_id", "label", "doc_type", "number", "symbols", "renderings", "date", "issuer", "subject",
                "central", "n_citations", "n_plans", "linked_doc_id", "linked_label"]
    edges = pd.DataFrame(edge_rows, columns=edge_cols)
    if len(edges):
        order = {pl.doc_id: k for k, pl in enumerate(plans)}
        edges = edges.sort_values(["doc_id", "relation", "position"], key=lambda s: s.map(order) if s.name == "doc_id" else s,
                                  kind="stable").reset_index(drop=True)
    docs = pd.DataFrame(doc_rows, columns=doc_cols)
    if len(docs):
        docs = docs.sort_values(["n_plans", "label"], ascending=[False, True], kind="stable").reset_index(drop=True)
    for df, col in ((edges, "date"), (docs, "date")):
        df[col] = pd.to_datetime(df[col])
    return CitationTables(edges, docs)


def citation_graph(plans: list[PlanInput], tables: CitationTables, plans_frame: pd.DataFrame | None = None):
    """A networkx DiGraph: plans and cited documents as nodes, an edge per (plan, document, relation).

    A cited document in the collection is its plan's node, so chains of plans
    (ministry → province → district) show as paths.
    """
    import networkx as nx

    g = nx.DiGraph()
    info = plans_frame.set_index("doc_id") if plans_frame is not None and len(plans_frame) else None
    for pl in plans:
        attrs = {"kind": "plan", "label": pl.label, "issuer": pl.record.issuer or "", "year": pl.record.year or 0}
        if info is not None and pl.doc_id in info.index:
            row = info.loc[pl.doc_id]
            attrs["area"] = str(row.get("area") or "")
            attrs["level"] = str(row.get("issuer_level") or "")
        g.add_node(pl.doc_id, **attrs)
    for d in tables.documents.itertuples():
        if d.cited_id not in g:
            g.add_node(d.cited_id, kind="document", label=d.label, issuer=d.issuer or "",
                       year=int(d.date.year) if pd.notna(d.date) else 0, central=bool(d.central))
    for e in tables.edges.itertuples():
        if g.has_edge(e.doc_id, e.cited_id):
            g[e.doc_id][e.cited_id]["count"] += 1
            continue
        g.add_edge(e.doc_id, e.cited_id, relation=e.relation, rendering=e.rendering or "", count=1)
    return g


def write_graphml(graph, path) -> None:
    """GraphML for Gephi, Cytoscape or igraph (attribute values made GraphML-safe)."""
    import networkx as nx

    h = graph.copy()
    for _, data in list(h.nodes(data=True)) + [(None, d) for *_, d in h.edges(data=True)]:
        for k, v in list(data.items()):
            if v is None:
                data[k] = ""
            elif not isinstance(v, (str, int, float, bool)):
                data[k] = str(v)
    nx.write_graphml(h, path)
