"""How much of a plan is copied from another: near-copy duties and activity items.

Lower levels implement a directive by copying its list of activities and
duties, with small edits (a word dropped, the area's name put in, items
reordered). A plan is cut into *passages*: the duties of its record and the
other list items and paragraphs of its body (the activities), each long
enough to be more than a heading. Two passages are near-copies when their
rapidfuzz ratio on matching keys (case, tone marks, punctuation and
abbreviations folded) reaches ``threshold``; passages are paired one to one,
best first, so a copied item is counted once. The share of a plan that is
reused is its paired passages over all its passages.

For a collection, scoring every passage against every other is quadratic;
a product of hashed word-count vectors (numpy, in blocks) picks the pairs
worth scoring and rapidfuzz scores only those, so hundreds of plans take
seconds. Two given plans are scored exhaustively with ``process.cdist``.
"""
from __future__ import annotations

import difflib
import functools
import html
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from ..normalize import clean_value, key
from .sources import PlanInput

__all__ = ["Passage", "passages", "ReusePair", "reuse_pair", "reuse_table", "THRESHOLD", "MIN_WORDS"]

#: Ratio (0-100) from which two passages count as near-copies. Copies with a
#: few words changed score 85-99; different items on the same topic 40-70.
THRESHOLD = 80.0
#: Passages shorter than this many words are headings or labels, not activities.
MIN_WORDS = 8


@dataclass(frozen=True)
class Passage:
    """A duty or activity item of one plan."""

    doc_id: str
    index: int
    kind: str  # "duty" or "item"
    text: str
    unit: str | None = None  # the unit a duty belongs to
    start: int | None = None  # offsets in the plan's text, where known
    end: int | None = None

    @functools.cached_property
    def norm(self) -> str:
        """The matching key of the text (computed once: scoring uses it many times)."""
        return _norm(self.text)


def _norm(text: str) -> str:
    return key(text)


# The closing paragraph ("Trên đây là Kế hoạch ...") is a formula, not an activity.
_CLOSING = re.compile(r"^\s*(?:trên đây là|trong quá trình (?:tổ chức )?thực hiện)", re.I)
_LEAD = re.compile(r"^\s*(?:[-+*•–]|\d+(?:\.\d+)*[.)]|[a-zđ][.)])\s*", re.I)


def _body_paragraphs(text: str) -> list[tuple[str, int, int]]:
    """List items and paragraphs of the plan's body as (text, start, end).

    Uses vnplan's own layout and segmentation (hard-wrapped lines joined,
    header, signature and recipients left out); falls back to blank-line
    paragraphs if those fail on a text.
    """
    try:
        from .. import layout, segment

        _, paras = layout.build(text)
        st = segment.segment(paras)
        out = []
        for p in st.all_body():
            body = p.body.text if p.body is not None and p.body.text else p.text
            out.append((clean_value(body) or "", p.start, p.end))
        return out
    except Exception:  # segmentation is best effort here; a plain split still finds the copies
        out = []
        pos = 0
        for block in re.split(r"\n\s*\n", text):
            start = text.find(block, pos)
            pos = start + len(block)
            out.append((clean_value(_LEAD.sub("", block)) or "", start, pos))
        return out


def passages(plan: PlanInput, *, min_words: int = MIN_WORDS) -> list[Passage]:
    """The duties of the record, then the body's other items (those that are not a duty)."""
    rec = plan.record
    out: list[Passage] = []
    duty_norms: list[str] = []
    for ai, a in enumerate(rec.assignments):
        for di, d in enumerate(a.duties):
            t = clean_value(d) or ""
            if len(t.split()) < min_words:
                continue
            prov = rec.provenance.get(f"assignments[{ai}].duties[{di}]")
            out.append(Passage(plan.doc_id, len(out), "duty", t, a.unit,
                               prov.start if prov else None, prov.end if prov else None))
            duty_norms.append(_norm(t))
    text = plan.text
    if text:
        # Duties are listed already; unit headings, the theme, the dates and the
        # citations are not activities, however alike two plans print them.
        spans = [(p.start, p.end) for p in out if p.start is not None]
        spans += [(pv.start, pv.end) for path, pv in rec.provenance.items()
                  if not path.startswith("assignments") or path.endswith(".unit")
                  if not path.startswith(("area", "year", "place"))]
        for t, s, e in _body_paragraphs(text):
            if len(t.split()) < min_words or _CLOSING.match(t):
                continue
            if any(s < de and ds < e for ds, de in spans):
                continue
            n = _norm(t)
            if duty_norms and process.extractOne(n, duty_norms, scorer=fuzz.ratio, score_cutoff=95):
                continue  # same duty, no provenance to tell
            out.append(Passage(plan.doc_id, len(out), "item", t, None, s, e))
    return out


# ---------------------------------------------------------------------------
# Pairing
# ---------------------------------------------------------------------------


def _pair(scores: list[tuple[float, int, int]]) -> list[tuple[float, int, int]]:
    """One-to-one pairs, best score first (greedy, which is what a reader does)."""
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for s, i, j in sorted(scores, key=lambda x: (-x[0], x[1], x[2])):
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        out.append((s, i, j))
    return out


@dataclass
class ReusePair:
    """Reuse between two plans: shares and the matched passages side by side."""

    a: str
    b: str
    a_label: str
    b_label: str
    n_a: int
    n_b: int
    matches: pd.DataFrame = field(repr=False)

    @property
    def n_matched(self) -> int:
        return len(self.matches)

    @property
    def share_a(self) -> float:
        """Share of A's passages that are near-copies of B's."""
        return self.n_matched / self.n_a if self.n_a else 0.0

    @property
    def share_b(self) -> float:
        return self.n_matched / self.n_b if self.n_b else 0.0

    def to_html(self, limit: int | None = None) -> str:
        """The matched passages side by side, words that differ marked."""
        rows = []
        df = self.matches if limit is None else self.matches.head(limit)
        for r in df.itertuples():
            left, right = _diff_html(r.a_text, r.b_text)
            rows.append(
                f'<tr class="reuse-row"><td class="score">{r.score:.0f}</td>'
                f'<td><span class="kind">{_tag(r.a_kind, r.a_unit)}</span><br>{left}</td>'
                f'<td><span class="kind">{_tag(r.b_kind, r.b_unit)}</span><br>{right}</td></tr>'
            )
        head = (f'<table class="reuse"><thead><tr><th>ratio</th><th>{html.escape(self.a_label)} '
                f'({self.share_a:.0%} of {self.n_a} reused)</th><th>{html.escape(self.b_label)} '
                f'({self.share_b:.0%} of {self.n_b})</th></tr></thead><tbody>')
        return head + "".join(rows) + "</tbody></table>"

    def _repr_html_(self) -> str:  # Jupyter
        return self.to_html()


def _tag(kind: str, unit: object) -> str:
    return html.escape(kind) + (" · " + html.escape(unit) if isinstance(unit, str) and unit else "")


def _diff_html(a: str, b: str) -> tuple[str, str]:
    """Both texts, the words of each that the other lacks in <mark>."""
    wa, wb = a.split(), b.split()
    sm = difflib.SequenceMatcher(a=[_norm(w) for w in wa], b=[_norm(w) for w in wb], autojunk=False)
    la, lb = [], []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        ta = html.escape(" ".join(wa[i1:i2]))
        tb = html.escape(" ".join(wb[j1:j2]))
        if op == "equal":
            la.append(ta)
            lb.append(tb)
        else:
            if ta:
                la.append(f"<mark>{ta}</mark>")
            if tb:
                lb.append(f"<mark>{tb}</mark>")
    return " ".join(la), " ".join(lb)


def _match_frame(pa: list[Passage], pb: list[Passage], pairs: list[tuple[float, int, int]]) -> pd.DataFrame:
    rows = []
    for s, i, j in sorted(pairs, key=lambda x: (x[1], x[2])):
        x, y = pa[i], pb[j]
        rows.append({"score": round(float(s), 1), "a_index": x.index, "a_kind": x.kind, "a_unit": x.unit, "a_text": x.text,
                     "b_index": y.index, "b_kind": y.kind, "b_unit": y.unit, "b_text": y.text})
    cols = ["score", "a_index", "a_kind", "a_unit", "a_text", "b_index", "b_kind", "b_unit", "b_text"]
    return pd.DataFrame(rows, columns=cols)


def reuse_pair(a: PlanInput, b: PlanInput, *, threshold: float = THRESHOLD,
               pa: list[Passage] | None = None, pb: list[Passage] | None = None) -> ReusePair:
    """Reuse between plans ``a`` and ``b`` (or a plan and a document it cites, when in the collection)."""
    pa = passages(a) if pa is None else pa
    pb = passages(b) if pb is None else pb
    pairs: list[tuple[float, int, int]] = []
    if pa and pb:
        m = process.cdist([p.norm for p in pa], [p.norm for p in pb], scorer=fuzz.ratio,
                          score_cutoff=threshold, dtype=np.float32, workers=-1)
        ii, jj = np.nonzero(m >= threshold)
        pairs = _pair([(float(m[i, j]), int(i), int(j)) for i, j in zip(ii, jj)])
    return ReusePair(a.doc_id, b.doc_id, a.label, b.label, len(pa), len(pb), _match_frame(pa, pb, pairs))


# Candidate pairs for the exact score: passages whose hashed word and word-pair
# counts have a cosine of at least this. Near-copies (ratio >= 80) score 0.7 and
# more in the corpus; 0.45 keeps every one of them and drops most other pairs.
_COSINE = 0.45
_DIM = 1024


def _vectors(norms: list[str]) -> np.ndarray:
    """Unit vectors of hashed word and word-pair counts (stable hash: the same on every run)."""
    cache: dict[str, int] = {}
    x = np.zeros((len(norms), _DIM), dtype=np.float32)
    for i, n in enumerate(norms):
        w = n.split()
        feats = w + [a + " " + b for a, b in zip(w, w[1:])]
        idx = []
        for f in feats:
            h = cache.get(f)
            if h is None:
                h = cache[f] = zlib.crc32(f.encode("utf-8")) % _DIM
            idx.append(h)
        if idx:
            x[i] = np.bincount(idx, minlength=_DIM)
    norm = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norm == 0, 1, norm)


def _near_pairs(norms: list[str], owner: np.ndarray, threshold: float, block: int) -> list[tuple[float, int, int]]:
    """(score, i, j) for i < j of different plans whose rapidfuzz ratio reaches ``threshold``.

    Scoring every pair is quadratic in passages (hundreds of plans: 10^8 pairs);
    a matrix product of hashed word vectors (BLAS) finds the pairs worth scoring,
    then rapidfuzz scores only those.
    """
    x = _vectors(norms)
    out = []
    for r0 in range(0, len(norms), block):
        sim = x[r0:r0 + block] @ x.T
        ii, jj = np.nonzero(sim >= _COSINE)
        for i, j in zip(ii.tolist(), jj.tolist()):
            gi = r0 + i
            if gi >= j or owner[gi] == owner[j]:
                continue  # each pair once, never a plan with itself
            a, b = norms[gi], norms[j]
            score = 100.0 if a == b else fuzz.ratio(a, b, score_cutoff=threshold)
            if score >= threshold:
                out.append((float(score), gi, j))
    return out


def reuse_table(plans: list[PlanInput], *, threshold: float = THRESHOLD, block: int = 2000,
                cache: dict[str, list[Passage]] | None = None) -> pd.DataFrame:
    """Reuse between every two plans that share at least one near-copy passage.

    One row per pair (a before b in collection order): ``n_a``, ``n_b`` passages,
    ``n_matched`` one-to-one near-copies, ``share_a``/``share_b`` and their mean
    ``ratio`` score.
    """
    cache = {} if cache is None else cache
    allp: list[Passage] = []
    owner: list[int] = []
    for k, pl in enumerate(plans):
        ps = cache.get(pl.doc_id)
        if ps is None:
            ps = cache[pl.doc_id] = passages(pl)
        allp.extend(ps)
        owner.extend([k] * len(ps))
    cols = ["a", "b", "a_label", "b_label", "n_a", "n_b", "n_matched", "share_a", "share_b", "mean_ratio"]
    if not allp:
        return pd.DataFrame(columns=cols)
    norms = [p.norm for p in allp]
    own = np.asarray(owner)
    found: dict[tuple[int, int], list[tuple[float, int, int]]] = {}
    for score, gi, j in _near_pairs(norms, own, threshold, block):
        found.setdefault((int(own[gi]), int(own[j])), []).append((score, gi, j))
    counts = Counter(owner)
    rows = []
    for (ka, kb), sc in sorted(found.items()):
        pairs = _pair(sc)
        n_a, n_b = counts[ka], counts[kb]
        rows.append({"a": plans[ka].doc_id, "b": plans[kb].doc_id, "a_label": plans[ka].label, "b_label": plans[kb].label,
                     "n_a": n_a, "n_b": n_b, "n_matched": len(pairs),
                     "share_a": len(pairs) / n_a, "share_b": len(pairs) / n_b,
                     "mean_ratio": round(float(np.mean([s for s, _, _ in pairs])), 1)})
    return pd.DataFrame(rows, columns=cols)
