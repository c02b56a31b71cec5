"""Field-by-field comparison of plan records with gold records (RECORD.md, "How a
record is compared with gold").

    from vnplan.evaluate import evaluate, load_gold, read_jsonl
    report = evaluate(load_gold("corpus/gold"), read_jsonl("pred.jsonl"))
    print(report.table())
    report.macro_f1

Every key is scored as precision / recall / F1 over items: a scalar value is one
item, a list holds one item per entry. A field that is empty in both gold and
prediction gives no evidence and is left out of the macro average, so a corpus
without, say, communes neither rewards nor punishes a system for them.

Strings are compared through :func:`text_key` (NFC, case and tone-mark
spelling folded, markdown and punctuation dropped, abbreviations expanded):
names must be near-identical, long texts only similar. List items are paired
one to one by an optimal assignment: as many pairs as possible, and among those
the most alike (see :func:`pair_items`).
"""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from . import datafiles
from .normalize import expand_abbreviations, fold

# Field paths in report order: header, dates, texts, citations, schedule, parts, closing.
FIELDS: tuple[str, ...] = (
    "doc_type", "number", "symbol", "issuer",
    "area.province", "area.district", "area.commune",
    "place", "issued_date", "year", "title", "theme",
    "legal_bases", "legal_bases.date", "legal_bases.issuer", "references",
    "periods", "events", "deadlines",
    "assignments.unit", "assignments.requested", "assignments.duties",
    "signer.name", "signer.position", "recipients",
)

# Closeness thresholds (rapidfuzz ratio, 0-100), as the reference scorer sets them.
# Names must be near-identical; a cited issuer is often written more loosely; titles
# and themes are long, so even at 90 a few characters of OCR noise do not fail them.
NAME_CLOSE = 85
CITED_ISSUER_CLOSE = 80
LONG_TEXT_CLOSE = 90
SUBJECT_PARTIAL = 80
# Above this length, word order may differ ("A và B" / "B và A") and still match.
LONG_TEXT_CHARS = 40

# Abbreviations the data file marks as not to be expanded inside a value, but
# which are unambiguous when two values are compared ("TP Huế" / "thành phố Huế").
_MATCH_ONLY_ABBREVIATIONS = frozenset({"TP", "TP.", "Tp.", "TW"})

_MARKDOWN = re.compile(r"[*#]+")
_PUNCT = re.compile(r"[“”\"'‘’«»()\[\]:;,.!?…/–—-]+")
_SPACES = re.compile(r"\s+")
# A numbered unit keeps its word: the contract writes "Quận 3", and "12" alone names nothing.
_UNIT_WORD = re.compile(r"^(?:tỉnh|thành phố|quận|huyện|thị xã|thị trấn|xã|phường)\s+(?!\d+$)")


# --------------------------------------------------------------------------- keys

@functools.cache
def _folded_abbreviations() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Case-insensitive expansion patterns, applied to folded text.

    ``expand_abbreviations`` matches the capitals of the data file ("UBND"); this
    pass also catches the same abbreviation typed in lower or mixed case.
    """
    items = [it for it in datafiles.abbreviations().items if it.expand or it.abbr in _MATCH_ONLY_ABBREVIATIONS]
    out: dict[str, str] = {}
    for it in sorted(items, key=lambda x: len(x.abbr), reverse=True):
        out.setdefault(fold(unicodedata.normalize("NFC", it.abbr)), fold(unicodedata.normalize("NFC", it.full)))
    return tuple((re.compile(r"(?<![\w&-])" + re.escape(a) + r"(?![\w&-])"), full) for a, full in out.items())


def text_key(value: Any) -> str:
    """The form two strings are compared in: "UBND tỉnh Thanh Hoá" == "Ủy ban nhân dân Tỉnh Thanh Hóa"."""
    return "" if value is None else _text_key(str(value))


@functools.lru_cache(maxsize=65536)  # duties and recipients are compared many times over
def _text_key(text: str) -> str:
    s = unicodedata.normalize("NFC", text)
    s = _MARKDOWN.sub(" ", s)
    s = expand_abbreviations(s)
    s = fold(s.casefold())
    for pattern, full in _folded_abbreviations():
        s = pattern.sub(full, s)
    s = _PUNCT.sub(" ", s)
    return _SPACES.sub(" ", s).strip()


def area_key(value: Any) -> str:
    """An area or place name without its unit word: "Thành phố Huế" → "huế" (a numbered one stays "quận 12")."""
    return _UNIT_WORD.sub("", text_key(value))


def symbol_key(value: Any) -> str:
    """A document symbol as printed, spacing and case ignored: "KH - UBND" == "KH-UBND"."""
    return _SPACES.sub("", unicodedata.normalize("NFC", str(value or ""))).casefold()


def close(a: Any, b: Any, threshold: int) -> bool:
    """Near-equal strings; long texts may also differ in word order."""
    return similarity(a, b, threshold) is not None


def similarity(a: Any, b: Any, threshold: int) -> float | None:
    """A 0-100 score when ``a`` and ``b`` are close enough, else None."""
    ka, kb = text_key(a), text_key(b)
    if not ka or not kb:
        return 100.0 if ka == kb else None
    score = fuzz.ratio(ka, kb)
    if score >= threshold:
        return score
    if min(len(ka), len(kb)) > LONG_TEXT_CHARS:
        reordered = fuzz.token_sort_ratio(ka, kb)
        if reordered >= threshold:
            return reordered
    return None


# ------------------------------------------------------------------------ tallies

@dataclass
class Counts:
    """True positives, false positives and false negatives of one field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def merge(self, other: Counts) -> None:
        self.add(other.tp, other.fp, other.fn)

    @property
    def has_evidence(self) -> bool:
        return bool(self.tp or self.fp or self.fn)

    @property
    def precision(self) -> float:
        # Nothing predicted: nothing wrong was said.
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {"p": self.precision, "r": self.recall, "f1": self.f1, "tp": self.tp, "fp": self.fp, "fn": self.fn}


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _score_scalar(counts: Counts, gold: Any, pred: Any, same: Callable[[Any, Any], bool]) -> None:
    """One item: right (tp), wrong (fp and fn), invented (fp) or missed (fn)."""
    if _empty(gold) and _empty(pred):
        return
    if _empty(gold):
        counts.add(fp=1)
    elif _empty(pred):
        counts.add(fn=1)
    elif same(gold, pred):
        counts.add(tp=1)
    else:
        counts.add(fp=1, fn=1)


# ------------------------------------------------------------------------ pairing

Scorer = Callable[[Any, Any], "float | None"]


def pair_items(gold: Sequence[Any], pred: Sequence[Any], score: Scorer) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    """One-to-one pairs of gold and predicted items: as many pairs as can match, and
    among those the pairing whose items are most alike.

    ``score`` gives None for two items that do not match, else how alike they are
    (0-100). A greedy pass in gold order could give a gold item a prediction that
    a later item needed, or pair two near-identical duties crosswise; an optimal
    assignment cannot. Returns (pairs in gold order, unpaired gold, unpaired predictions).
    """
    weights = [[score(g, p) for p in pred] for g in gold]
    matched = _best_assignment(weights)
    pairs = [(gold[i], pred[j]) for i, j in sorted(matched.items())]
    used = set(matched.values())
    missed = [g for i, g in enumerate(gold) if i not in matched]
    extra = [p for j, p in enumerate(pred) if j not in used]
    return pairs, missed, extra


def _best_assignment(weights: list[list[float | None]]) -> dict[int, int]:
    """Row → column of a maximum matching over the non-None cells with the largest total weight."""
    rows = len(weights)
    cols = len(weights[0]) if rows else 0
    if not rows or not cols or all(w is None for line in weights for w in line):
        return {}
    # Each match is worth more than any sum of similarities, so the count of matches comes first.
    bonus = 100.0 * (min(rows, cols) + 1)
    value = [[0.0 if w is None else bonus + w for w in line] for line in weights]
    transposed = rows > cols
    if transposed:
        value = [list(col) for col in zip(*value)]
    assignment = _hungarian_max(value)
    out = {}
    for r, c in assignment.items():
        i, j = (c, r) if transposed else (r, c)
        if weights[i][j] is not None:
            out[i] = j
    return out


def _hungarian_max(value: list[list[float]]) -> dict[int, int]:
    """Assignment of every row to a distinct column maximising the total value (rows ≤ columns).

    The Hungarian method with potentials, O(rows² · columns): lists here are at
    most a few dozen items, and this spares a dependency on scipy.
    """
    n, m = len(value), len(value[0])
    inf = float("inf")
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    row_of = [0] * (m + 1)  # column → row (1-based; 0 = free)
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        row_of[0] = i
        j0 = 0
        slack = [inf] * (m + 1)
        done = [False] * (m + 1)
        while True:
            done[j0] = True
            i0, delta, j1 = row_of[j0], inf, 0
            for j in range(1, m + 1):
                if done[j]:
                    continue
                cost = -value[i0 - 1][j - 1] - u[i0] - v[j]
                if cost < slack[j]:
                    slack[j], way[j] = cost, j0
                if slack[j] < delta:
                    delta, j1 = slack[j], j
            for j in range(m + 1):
                if done[j]:
                    u[row_of[j]] += delta
                    v[j] -= delta
                else:
                    slack[j] -= delta
            j0 = j1
            if row_of[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            row_of[j0] = row_of[j1]
            j0 = j1
    return {row_of[j] - 1: j - 1 for j in range(1, m + 1) if row_of[j]}


def _count_pairs(counts: Counts, gold: Sequence[Any], pred: Sequence[Any], score: Scorer) -> list[tuple[Any, Any]]:
    pairs, missed, extra = pair_items(gold, pred, score)
    counts.add(tp=len(pairs), fp=len(extra), fn=len(missed))
    return pairs


def _alike(a: Any, b: Any) -> float:
    """How alike two optional texts are (0-100): chooses among items that all match."""
    ka, kb = text_key(a), text_key(b)
    return 100.0 if ka == kb else float(fuzz.ratio(ka, kb))


def _mean(*scores: float) -> float:
    return sum(scores) / len(scores)


def _unique_by(items: Iterable[dict], key: Callable[[dict], Any]) -> list[dict]:
    """One item per key: the contract lists a span or a deadline date once, so a repeat is not an extra item."""
    out: dict[Any, dict] = {}
    for it in items:
        out.setdefault(key(it), it)
    return list(out.values())


# --------------------------------------------------------------- item comparisons

def _citation_score(g: dict, p: dict) -> float | None:
    """Numbered citations by number and the symbol's first group; unnumbered by type, issuer, subject."""
    if g.get("number"):
        same_number = str(g["number"]).strip() == str(p.get("number") or "").strip()
        # "1234/BGDĐT-GDĐT" cited as "1234/BGDĐT": the issuing body's code is what identifies it.
        same_body = symbol_key(g.get("symbol")).split("-")[0] == symbol_key(p.get("symbol")).split("-")[0]
        return _citation_likeness(g, p) if same_number and same_body else None
    if p.get("number") or text_key(g.get("doc_type")) != text_key(p.get("doc_type")):
        return None
    if g.get("issuer") and not close(g.get("issuer"), p.get("issuer"), CITED_ISSUER_CLOSE):
        return None
    # A subject may be cut shorter or run longer in either record: a partial match is enough.
    if g.get("subject") and fuzz.partial_ratio(text_key(g.get("subject")), text_key(p.get("subject"))) < SUBJECT_PARTIAL:
        return None
    return _citation_likeness(g, p)


def _citation_likeness(g: dict, p: dict) -> float:
    # Two laws whose subjects contain each other ("Luật Bầu cử ..." and "Luật sửa đổi ...
    # Luật Bầu cử ...") both match partially; the closer subject and the same date decide.
    same_date = 100.0 if g.get("date") == p.get("date") else 0.0
    return _mean(_alike(g.get("subject"), p.get("subject")), same_date, _alike(g.get("issuer"), p.get("issuer")))


def _event_score(g: dict, p: dict) -> float | None:
    # Names vary too much ("Lễ khai mạc" / "Lễ phát động") to identify an event; its day does.
    if g.get("date") != p.get("date"):
        return None
    if g.get("time") and p.get("time") and g.get("time") != p.get("time"):
        return None
    return _alike(g.get("name"), p.get("name"))


def _period_key(x: dict) -> tuple[Any, Any]:
    return (x.get("start"), x.get("end"))


def _same_int(a: Any, b: Any) -> bool:
    try:
        return int(a) == int(b)
    except (TypeError, ValueError):
        return False


def _numbered(items: Iterable[dict] | None) -> list[dict]:
    # Unnumbered references may be listed but are not scored (RECORD.md, conventions).
    return [x for x in items or [] if x.get("number")]


# ------------------------------------------------------------------ per document

def _score_header(g: dict, p: dict, t: dict[str, Counts]) -> None:
    _score_scalar(t["doc_type"], g.get("doc_type"), p.get("doc_type"), lambda a, b: symbol_key(a) == symbol_key(b))
    _score_scalar(t["number"], g.get("number"), p.get("number"), lambda a, b: str(a).strip() == str(b).strip())
    _score_scalar(t["symbol"], g.get("symbol"), p.get("symbol"), lambda a, b: symbol_key(a) == symbol_key(b))
    _score_scalar(t["issuer"], g.get("issuer"), p.get("issuer"), lambda a, b: close(a, b, NAME_CLOSE))
    g_area, p_area = g.get("area") or {}, p.get("area") or {}
    for level in ("province", "district", "commune"):
        _score_scalar(t[f"area.{level}"], g_area.get(level), p_area.get(level), lambda a, b: area_key(a) == area_key(b))
    _score_scalar(t["place"], g.get("place"), p.get("place"), lambda a, b: area_key(a) == area_key(b))
    _score_scalar(t["issued_date"], g.get("issued_date"), p.get("issued_date"), lambda a, b: str(a) == str(b))
    _score_scalar(t["year"], g.get("year"), p.get("year"), _same_int)
    _score_scalar(t["title"], g.get("title"), p.get("title"), lambda a, b: close(a, b, LONG_TEXT_CLOSE))
    _score_scalar(t["theme"], g.get("theme"), p.get("theme"), lambda a, b: close(a, b, LONG_TEXT_CLOSE))


def _score_citations(g: dict, p: dict, t: dict[str, Counts]) -> None:
    pairs = _count_pairs(t["legal_bases"], g.get("legal_bases") or [], p.get("legal_bases") or [], _citation_score)
    # A basis's date and issuer are only judged where the basis itself was found.
    for gb, pb in pairs:
        _score_scalar(t["legal_bases.date"], gb.get("date"), pb.get("date"), lambda a, b: str(a) == str(b))
        _score_scalar(t["legal_bases.issuer"], gb.get("issuer"), pb.get("issuer"),
                      lambda a, b: close(a, b, CITED_ISSUER_CLOSE))
    _count_pairs(t["references"], _numbered(g.get("references")), _numbered(p.get("references")), _citation_score)


def _score_schedule(g: dict, p: dict, t: dict[str, Counts]) -> None:
    periods = _unique_by(p.get("periods") or [], _period_key)
    _count_pairs(t["periods"], g.get("periods") or [], periods,
                 lambda a, b: _alike(a.get("label"), b.get("label")) if _period_key(a) == _period_key(b) else None)
    _count_pairs(t["events"], g.get("events") or [], p.get("events") or [], _event_score)
    deadlines = _unique_by(p.get("deadlines") or [], lambda x: x.get("date"))
    _count_pairs(t["deadlines"], g.get("deadlines") or [], deadlines,
                 lambda a, b: _alike(a.get("action"), b.get("action")) if a.get("date") == b.get("date") else None)


def _score_assignments(g: dict, p: dict, t: dict[str, Counts]) -> None:
    unit_score = lambda a, b: similarity(a.get("unit"), b.get("unit"), NAME_CLOSE)
    pairs, missed, extra = pair_items(g.get("assignments") or [], p.get("assignments") or [], unit_score)
    t["assignments.unit"].add(tp=len(pairs), fp=len(extra), fn=len(missed))
    duty_score = lambda a, b: similarity(a, b, NAME_CLOSE)
    for ga, pa in pairs:
        g_req, p_req = bool(ga.get("requested")), bool(pa.get("requested"))
        # "requested" is a flag: only its true values are items.
        t["assignments.requested"].add(tp=int(g_req and p_req), fp=int(p_req and not g_req), fn=int(g_req and not p_req))
        _count_pairs(t["assignments.duties"], ga.get("duties") or [], pa.get("duties") or [], duty_score)
    # The duties of a unit that was missed (or invented) are all missed (or invented).
    for ga in missed:
        t["assignments.duties"].add(fn=len(ga.get("duties") or []))
    for pa in extra:
        t["assignments.duties"].add(fp=len(pa.get("duties") or []))


def _score_closing(g: dict, p: dict, t: dict[str, Counts]) -> None:
    g_signer, p_signer = g.get("signer") or {}, p.get("signer") or {}
    # A person's name is exact (after folding); a near-miss is another person.
    _score_scalar(t["signer.name"], g_signer.get("name"), p_signer.get("name"), lambda a, b: text_key(a) == text_key(b))
    _score_scalar(t["signer.position"], g_signer.get("position"), p_signer.get("position"),
                  lambda a, b: close(a, b, NAME_CLOSE))
    _count_pairs(t["recipients"], g.get("recipients") or [], p.get("recipients") or [],
                 lambda a, b: similarity(a, b, NAME_CLOSE))


def score_document(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> dict[str, Counts]:
    """The counts of every field for one document (an empty ``pred`` scores all of gold as missed)."""
    tallies = {f: Counts() for f in FIELDS}
    for part in (_score_header, _score_citations, _score_schedule, _score_assignments, _score_closing):
        part(dict(gold), dict(pred), tallies)
    return tallies


# ------------------------------------------------------------------------- report

@dataclass
class FieldScore:
    field: str
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int


@dataclass
class Report:
    """Scores of a set of records against gold.

    ``counts`` holds every field, also those without evidence; ``fields`` only
    those with evidence, which are the ones ``macro_f1`` averages.
    ``documents`` maps a gold stem to its field F1s (None where that document
    gives no evidence for the field).
    """

    counts: dict[str, Counts]
    documents: dict[str, dict[str, float | None]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    @property
    def fields(self) -> dict[str, FieldScore]:
        return {
            name: FieldScore(name, c.precision, c.recall, c.f1, c.tp, c.fp, c.fn)
            for name, c in self.counts.items() if c.has_evidence
        }

    @property
    def no_evidence(self) -> list[str]:
        return [name for name, c in self.counts.items() if not c.has_evidence]

    @property
    def macro_f1(self) -> float:
        scores = [s.f1 for s in self.fields.values()]
        return sum(scores) / len(scores) if scores else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "macro_f1": self.macro_f1,
            "fields": {name: c.to_dict() for name, c in self.counts.items() if c.has_evidence},
            "no_evidence": self.no_evidence,
            "documents": self.documents,
            "missing": self.missing,
            "unmatched": self.unmatched,
        }

    def table(self, *, by_doc: bool = False) -> str:
        """A plain-text table, one field a line, then the macro F1 (and per document what was not perfect)."""
        lines = [f"{'field':24s} {'P':>6s} {'R':>6s} {'F1':>6s} {'tp':>5s} {'fp':>5s} {'fn':>5s}"]
        for name, c in self.counts.items():
            if c.has_evidence:
                lines.append(f"{name:24s} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.tp:5d} {c.fp:5d} {c.fn:5d}")
            else:
                lines.append(f"{name:24s} {'n/a':>6s}   (empty in gold and prediction)")
        if by_doc:
            lines.append("")
            for stem, scores in self.documents.items():
                below = [f"{f}={s:.2f}" for f, s in scores.items() if s is not None and s < 1.0]
                lines.append(f"{stem}: " + (" ".join(below) or "all fields right"))
        if self.missing:
            lines.append(f"no record for {len(self.missing)} gold documents: {', '.join(self.missing)}")
        lines.append(f"macro F1 over {len(self.fields)} fields = {self.macro_f1:.3f}")
        return "\n".join(lines)


def evaluate(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> Report:
    """Score predicted records against gold records.

    ``gold`` maps a document's name (a stem, or a path whose stem is used) to its
    gold record. ``pred`` holds the records (dicts or PlanRecords); each is matched
    to gold by the stem of its source path, or of its key when it has none.
    """
    preds = records_by_stem(pred)
    golds = {Path(str(name)).stem: _as_dict(rec) for name, rec in gold.items()}
    total = {f: Counts() for f in FIELDS}
    report = Report(counts=total)
    for stem in sorted(golds):
        record = preds.get(stem)
        if record is None:
            report.missing.append(stem)
        doc = score_document(golds[stem], record or {})
        for f, c in doc.items():
            total[f].merge(c)
        report.documents[stem] = {f: (c.f1 if c.has_evidence else None) for f, c in doc.items()}
    report.unmatched = sorted(set(preds) - set(golds))
    return report


# ----------------------------------------------------------------- input helpers

def _as_dict(record: Any) -> dict:
    if hasattr(record, "model_dump"):
        return record.model_dump(mode="json")
    return dict(record)


def stem_of(record: Mapping[str, Any]) -> str | None:
    """The stem of a record's source path ("source": {"path": ...}, or "source_path" / "path")."""
    source = record.get("source")
    path = source.get("path") if isinstance(source, Mapping) else source
    path = path or record.get("source_path") or record.get("path")
    return Path(str(path)).stem if path else None


def records_by_stem(records: Mapping[str, Any] | Iterable[Any]) -> dict[str, dict]:
    """Records keyed by their source stem; a later record of the same document replaces an earlier one."""
    items = records.items() if isinstance(records, Mapping) else ((None, r) for r in records)
    out: dict[str, dict] = {}
    for name, rec in items:
        data = _as_dict(rec)
        stem = stem_of(data) or (Path(str(name)).stem if name is not None else None)
        if stem:
            out[stem] = data
    return out


def load_gold(directory: str | Path) -> dict[str, dict]:
    """The gold records of a directory: ``*.json`` files keyed by stem."""
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(directory).glob("*.json"))}


def read_jsonl(path: str | Path) -> dict[str, dict]:
    """Records of a JSONL file (one per line, blank lines skipped), keyed by source stem.

    Raises ValueError naming the line for a line that is not a JSON object.
    """
    records = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from exc
        if not isinstance(data, dict):
            raise ValueError(f"{path}:{n}: not a JSON object")
        records.append(data)
    return records_by_stem(records)


__all__ = [
    "FIELDS", "Counts", "FieldScore", "Report", "evaluate", "score_document", "pair_items",
    "text_key", "area_key", "symbol_key", "close", "similarity", "load_gold", "read_jsonl",
    "records_by_stem", "stem_of",
]
