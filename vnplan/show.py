"""``vnplan show``: audit one extraction at a glance.

The plan's text with every extracted value highlighted by field - the span
groups of :func:`vnplan.nlp.to_spacy`, rendered by displaCy's span renderer
- and the record beside it, each value with the rule that found it. A label's
"↗" jumps to the value's row in the record; a row's "↖" to its span in the text.

    vnplan show plan.pdf -o plan.html
"""
from __future__ import annotations

import bisect
import html
import json
import re
import sys
from pathlib import Path
from typing import Optional

from .document import Document
from .models import PlanRecord

__all__ = ["show_html", "write_show", "field_label", "register", "COLORS"]

# One colour per field label (displaCy draws the bar and label in it).
COLORS = {
    "TYPE": "#c5b0d5", "NUMBER": "#ff9896", "SYMBOL": "#f7b6d2", "ISSUER": "#aec7e8", "PLACE": "#dbdb8d",
    "DATE": "#ffbb78", "YEAR": "#ffe0b0", "TITLE": "#9edae5", "THEME": "#98df8a", "BASIS": "#c49c94",
    "REFERENCE": "#e7cb94", "PERIOD": "#17becf", "EVENT": "#bcbd22", "DEADLINE": "#ff7f0e", "UNIT": "#1f77b4",
    "DUTY": "#c7dcef", "SIGNER": "#9467bd", "RECIPIENT": "#8c564b",
}

# Sub-values drawn inside their item's span would stack bars without telling more:
# a citation is shown whole, the area is the issuer's span again.
_SKIP = re.compile(r"^(?:legal_bases|references)\[\d+\]\.|^area\.")
_LINEBREAK = "\ue000"  # a private-use character: displaCy escapes text, never this


def field_label(path: str) -> str | None:
    """The span label of a provenance path ("assignments[2].duties[0]" → "DUTY"); None to leave it out."""
    from .nlp import LABELS

    if _SKIP.search(path):
        return None
    if path.startswith("assignments"):
        return "UNIT" if path.endswith(".unit") else "DUTY"
    return LABELS.get(re.split(r"[.\[]", path)[0])


def _token_index(offsets: list[tuple[int, int]]):
    starts = [s for s, _ in offsets]
    ends = [e for _, e in offsets]

    def tokens(s: int, e: int) -> tuple[int, int] | None:
        i = bisect.bisect_left(ends, s + 1)  # first token ending after s
        j = bisect.bisect_left(starts, e)  # first token starting at or after e
        return (i, j) if i < j else None

    return tokens


def _spans(record: PlanRecord, sdoc, offsets) -> list[dict]:
    """displaCy span dicts (start/end tokens of the Doc), one per provenance path, in text order."""
    from spacy.tokens import Span

    tok = _token_index(offsets)
    rows = []
    seen = set()
    items = sorted(record.provenance.items(), key=lambda kv: (kv[1].start, -kv[1].end))
    group = []
    for n, (path, prov) in enumerate(items):
        label = field_label(path)
        if label is None or prov.end <= prov.start:
            continue
        tt = tok(prov.start, prov.end)
        if tt is None or (tt, label) in seen:
            continue  # "year" read from the same words as "issued_date" is drawn once
        seen.add((tt, label))
        group.append(Span(sdoc, tt[0], tt[1], label=label))
        rows.append({"start_token": tt[0], "end_token": tt[1], "label": label, "path": path,
                     "start": prov.start, "end": prov.end})
    sdoc.spans["show"] = group  # the span group displaCy renders
    return rows


def _parsed(record: PlanRecord, doc: Document) -> tuple[dict, list[dict]]:
    """displaCy's manual input: the Doc's tokens, spaced and broken into lines as in the text.

    displaCy writes a space after every token and no line breaks (spaCy's Doc
    keeps one space between tokens). So the tokens no span covers are merged
    into runs that keep the text's own spacing, a line break becomes a token of
    its own, and a highlighted token keeps the space that follows it in the text
    (a no-break space: an inline block drops an ordinary one). Span token
    indices are moved to match.
    """
    from spacy import displacy

    from .nlp import to_spacy, tokenize

    sdoc = to_spacy(record, doc)
    offsets = tokenize(doc.text)
    rows = _spans(record, sdoc, offsets)
    parsed = displacy.parse_spans(sdoc, {"spans_key": "show"})
    covered = [False] * len(offsets)
    for r in rows:
        for i in range(r["start_token"], r["end_token"]):
            covered[i] = True
    text = doc.text
    tokens: list[str] = []
    new_index: list[int] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            tokens.append("".join(run).rstrip(" "))
            run.clear()

    for i, (s, e) in enumerate(offsets):
        gap = text[offsets[i - 1][1]:s] if i else text[:s]
        breaks = min(gap.count("\n"), 2) + gap.count("\f")
        if breaks:
            flush()
            tokens.extend([_LINEBREAK] * breaks)
        elif gap and run:
            run.append(" ")
        after = text[e:offsets[i + 1][0]] if i + 1 < len(offsets) else ""
        if covered[i]:
            flush()
            new_index.append(len(tokens))
            tokens.append(parsed["tokens"][i] + ("\u00a0" if after and "\n" not in after else ""))
        else:
            new_index.append(len(tokens))  # the run's index once flushed
            run.append(parsed["tokens"][i])
    flush()
    spans = []
    for k, r in enumerate(rows):
        spans.append({"start_token": new_index[r["start_token"]], "end_token": new_index[r["end_token"] - 1] + 1,
                      "label": r["label"], "kb_id": "↗", "kb_url": f"#f{k}"})
    return {"text": text, "tokens": tokens, "spans": spans, "title": None}, rows


# displaCy's span templates with classes and the label as data, so that a page
# (or a test) can find every highlighted value by field.
_TPL_SPAN = ('<span class="vp-tok" style="display: inline-block; position: relative; height: {total_height}px;">'
             "{text}{span_slices}{span_starts}</span>")
_TPL_SLICE = ('<span class="vp-slice" style="background: {bg}; top: {top_offset}px; height: 4px; left: -1px; '
              'width: calc(100% + 2px); position: absolute;"></span>')
_TPL_START = ('<span class="vp-start" style="background: {bg}; top: {top_offset}px; height: 4px; border-top-left-radius: 3px; '
              'border-bottom-left-radius: 3px; left: -1px; width: calc(100% + 2px); position: absolute;">'
              '<span class="vp-label" data-label="{label}" style="background: {bg}; z-index: 10; color: #000; top: -0.5em; '
              'padding: 2px 3px; position: absolute; font-size: 0.6em; font-weight: bold; line-height: 1; '
              'border-radius: 3px; white-space: nowrap">{label}{kb_link}</span></span>')


def _render_text(record: PlanRecord, doc: Document) -> tuple[str, list[dict]]:
    from spacy import displacy

    parsed, rows = _parsed(record, doc)
    options = {"colors": COLORS, "template": {"span": _TPL_SPAN, "slice": _TPL_SLICE, "start": _TPL_START},
               "top_offset": 22, "span_label_offset": 14, "top_offset_step": 8}
    markup = displacy.render(parsed, style="span", manual=True, options=options, page=False, jupyter=False)
    markup = re.sub(_LINEBREAK + r"\s?", "<br>", markup)
    # Each span's first token gets an anchor, so a record row can point at it.
    return markup, rows


def _flatten(value, path: str = "") -> list[tuple[str, object]]:
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            out.extend(_flatten(v, f"{path}.{k}" if path else k))
        return out
    if isinstance(value, list):
        if not value:
            return [(path, [])]
        out = []
        for i, v in enumerate(value):
            out.extend(_flatten(v, f"{path}[{i}]"))
        return out
    return [(path, value)]


def _record_rows(record: PlanRecord, rows: list[dict]) -> str:
    span_of = {r["path"]: k for k, r in enumerate(rows)}
    out = []
    for path, value in _flatten(record.contract()):
        if value is None or value == []:
            continue
        prov = record.provenance.get(path) or record.provenance.get(re.sub(r"\.\w+$", "", path))
        label = None
        k = None
        for p in (path, re.sub(r"\.\w+$", "", path)):
            if p in span_of:
                k = span_of[p]
                label = rows[k]["label"]
                break
        label = label or field_label(path) or ""
        color = COLORS.get(label, "#eee")
        chip = f'<span class="chip" style="background:{color}">{html.escape(label)}</span>' if label else ""
        anchor = f' id="f{k}"' if k is not None else ""
        rule = html.escape(f"{prov.rule} · {prov.confidence:.2f}" + (" · inferred" if prov.inferred else "")) if prov else "–"
        out.append(f'<tr{anchor} data-field="{html.escape(path)}"><td class="path">{html.escape(path)}</td>'
                   f"<td>{chip}</td><td>{html.escape(str(value))}</td><td class=\"rule\">{rule}</td></tr>")
    return "".join(out)


_CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:0;color:#222}
header{background:#1f3b57;color:#fff;padding:10px 20px} header h1{font-size:18px;margin:0}
header p{margin:3px 0 0;font-size:13px;opacity:.9}
#legend{padding:6px 20px;border-bottom:1px solid #ddd;background:#f7f7f7}
.chip{display:inline-block;padding:1px 6px;border-radius:3px;font-size:11px;font-weight:bold;margin:2px 4px 2px 0}
.cols{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:0;height:calc(100vh - 100px)}
.panel{overflow:auto;padding:10px 18px}
#text{border-right:1px solid #ddd;font-size:14px}
#text .spans{line-height:2.2 !important}
#text .vp-label a{color:#333;text-decoration:none;margin-left:2px}
table{border-collapse:collapse;font-size:12px;width:100%;table-layout:fixed}
td,th{border-bottom:1px solid #eee;padding:3px 5px;vertical-align:top;text-align:left;overflow-wrap:anywhere}
th:nth-child(1){width:27%} th:nth-child(2){width:15%} th:nth-child(4){width:21%}
.chip{white-space:nowrap}
td.path{font-family:monospace;color:#555} td.rule{color:#777;font-size:11px}
tr:target{background:#fff3b0}
.warn{color:#8a4b00;font-size:12px}
"""


def show_html(path: str | Path | None = None, *, record: PlanRecord | None = None, doc: Document | None = None,
              title: str | None = None) -> str:
    """The audit page of a plan file (or of a loaded Document), as one HTML string.

    ``record`` audits a record made earlier (from a batch, say) against the file;
    by default the file is extracted afresh.
    """
    from .api import extract_document, load

    if doc is None:
        if path is None:
            raise TypeError("show_html needs a path or a Document")
        doc = load(path)
    if record is None:
        record = extract_document(doc)
    text_html, rows = _render_text(record, doc)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["label"]] = counts.get(r["label"], 0) + 1
    legend = "".join(f'<span class="chip" data-label="{lab}" style="background:{COLORS.get(lab, "#ddd")}">{lab} {n}</span>'
                     for lab, n in sorted(counts.items(), key=lambda kv: list(COLORS).index(kv[0]) if kv[0] in COLORS else 99))
    name = title or (Path(path).name if path else (doc.path or "plan"))
    head = " · ".join(x for x in (record.issuer, f"{record.number or ''}/{record.symbol or ''}" if record.symbol else None,
                                  record.issued_date.isoformat() if record.issued_date else None) if x)
    warns = "".join(f'<li class="warn">{html.escape(w.code)}: {html.escape(w.message)}</li>' for w in record.warnings)
    raw = html.escape(json.dumps(record.contract(), ensure_ascii=False, indent=1))
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>vnplan show: {html.escape(str(name))}</title><style>{_CSS}</style></head>
<body><header><h1>{html.escape(str(name))}</h1><p>{html.escape(head)}</p></header>
<div id="legend">{legend}</div>
<div class="cols"><div id="text" class="panel">{text_html}</div>
<div id="record" class="panel"><table id="record-table"><thead><tr><th>field</th><th></th><th>value</th><th>rule</th></tr></thead>
<tbody>{_record_rows(record, rows)}</tbody></table>
{'<h3>Warnings</h3><ul>' + warns + '</ul>' if warns else ''}
<details><summary>record JSON</summary><pre>{raw}</pre></details></div></div></body></html>
"""


def write_show(path: str | Path, output: str | Path, *, record: PlanRecord | None = None) -> Path:
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(show_html(path, record=record), encoding="utf-8")
    return out


def show_command(
    file: Path,
    output: Optional[Path] = None,
    record: Optional[Path] = None,
) -> None:
    """Write an audit page of FILE: its text with every extracted value highlighted, the record beside it."""
    import typer

    from .errors import VnplanError

    rec = None
    if record is not None:
        from .compare.sources import record_from_dict

        data = json.loads(record.read_text(encoding="utf-8"))
        rec = record_from_dict(data.get("record", data) if isinstance(data, dict) else data[0])
    try:
        page = show_html(file, record=rec)
    except VnplanError as exc:
        print(f"vnplan: {file}: {exc.kind}: {exc.message}", file=sys.stderr)
        raise typer.Exit(1)
    if output is None:
        sys.stdout.write(page)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(page, encoding="utf-8")
        print(f"vnplan: wrote {output}", file=sys.stderr)


def register(app) -> None:
    """Add ``show`` to the vnplan command line."""
    import typer

    def show(
        file: Path = typer.Argument(..., exists=True, dir_okay=False, help="a plan file (.txt, .md, .pdf, .docx ...)"),
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="write the HTML page here (default: stdout)"),
        record: Optional[Path] = typer.Option(None, "--record", exists=True, dir_okay=False,
                                              help="audit this record (JSON) instead of extracting the file afresh"),
    ) -> None:
        """Audit page: the plan's text with every extracted value highlighted by field, and the record beside it."""
        show_command(file, output, record)

    app.command("show")(show)
