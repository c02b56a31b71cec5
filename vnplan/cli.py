"""The command line: thin wrappers over the API. Records to stdout (or -o), errors to stderr.

Exit codes: 0 all files read, 1 some files failed, 2 usage error.
"""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Structured records from Vietnamese administrative plans.")


class Format(str, Enum):
    json = "json"
    jsonl = "jsonl"
    table = "table"


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


@app.command()
def extract(
    files: list[Path] = typer.Argument(..., help="plan files: .txt, .md, .pdf, .docx, .doc, .html, images"),
    format: Format = typer.Option(Format.json, "--format", "-f", help="json (an array), jsonl (one record per line) or table"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="write here instead of standard output"),
    contract_only: bool = typer.Option(False, "--contract-only", help="only the keys of the record contract"),
) -> None:
    """Extract the plan record of each FILE."""
    from .api import extract as extract_file
    from .errors import VnplanError

    records = []
    failed = 0
    for f in files:
        try:
            rec = extract_file(f)
        except VnplanError as exc:
            failed += 1
            _err(f"vnplan: {f}: {exc.kind}: {exc.message}")
            continue
        except Exception as exc:  # a bug must not lose the other files
            failed += 1
            _err(f"vnplan: {f}: internal-error: {type(exc).__name__}: {exc}")
            continue
        records.append(rec)

    out = open(output, "w", encoding="utf-8") if output else sys.stdout
    try:
        if format is Format.table:
            _table(records, out)
        else:
            dumps = [r.contract() if contract_only else r.model_dump(mode="json") for r in records]
            if format is Format.jsonl:
                for d in dumps:
                    out.write(json.dumps(d, ensure_ascii=False) + "\n")
            else:
                out.write(json.dumps(dumps[0] if len(files) == 1 and len(dumps) == 1 else dumps, ensure_ascii=False, indent=2) + "\n")
    finally:
        if output:
            out.close()
    raise typer.Exit(1 if failed else 0)


def _table(records, out) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, width=140)
    for r in records:
        t = Table(title=r.source.path or "plan", show_lines=False, title_justify="left")
        t.add_column("field", style="bold")
        t.add_column("value")
        d = r.contract()
        for k in ("doc_type", "number", "symbol", "issuer", "place", "issued_date", "year", "title", "theme"):
            t.add_row(k, "" if d[k] is None else str(d[k]))
        t.add_row("area", ", ".join(f"{k}={v}" for k, v in d["area"].items() if v))
        for c in d["legal_bases"]:
            t.add_row("legal basis", _cite(c, with_issuer=True))
        for c in d["references"]:
            t.add_row("reference", _cite(c))
        for p in d["periods"]:
            t.add_row("period", f"{p['start']} → {p['end']}  {p['label'] or ''}")
        for e in d["events"]:
            t.add_row("event", f"{e['date']} {e['time'] or ''}  {e['name']}")
        for x in d["deadlines"]:
            t.add_row("deadline", f"{x['date']}  {x['action'][:90]}")
        for a in d["assignments"]:
            t.add_row("assignment", f"{a['unit']}{' (requested)' if a['requested'] else ''}: {len(a['duties'])} duties")
        s = d["signer"]
        t.add_row("signer", " / ".join(x for x in (s["authority"], s["position"], s["name"]) if x))
        t.add_row("recipients", "; ".join(d["recipients"]))
        for w in r.warnings:
            t.add_row("[yellow]warning[/yellow]", f"{w.code}: {w.message}")
        console.print(t)


def _cite(c: dict, with_issuer: bool = False) -> str:
    number = f"{c['number'] or ''}/{c['symbol']}" if c["symbol"] else (c["number"] or "")
    parts = [c["doc_type"] or "", number, c["date"] or "", (c["issuer"] or "") if with_issuer else ""]
    if not c["number"] and c["subject"]:
        parts.append(c["subject"][:60])
    return " ".join(x for x in parts if x)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the plan record."""
    from .models import PlanRecord

    print(json.dumps(PlanRecord.model_json_schema(), ensure_ascii=False, indent=2))


@app.command("evaluate")
def evaluate_command(
    gold_dir: Path = typer.Argument(..., exists=True, file_okay=False, dir_okay=True, help="directory of gold records, one STEM.json per document"),
    files: Optional[list[Path]] = typer.Argument(None, help="plan files to extract and score (matched to gold by file stem)"),
    pred: Optional[Path] = typer.Option(None, "--pred", exists=True, file_okay=True, dir_okay=False, help="JSONL of records to score instead of (or besides) FILES"),
    by_doc: bool = typer.Option(False, "--by-doc", help="also list, per document, the fields that are not perfect"),
    json_out: Optional[Path] = typer.Option(None, "--json", help="write the full report as JSON here"),
    min_macro: Optional[float] = typer.Option(None, "--min-macro", min=0.0, help="exit 1 when the macro F1 is below this"),
) -> None:
    """Score records against the gold records of GOLD_DIR, field by field.

    Exit codes: 0 scored (and --min-macro reached), 1 --min-macro not reached, 2 usage error.
    A file that cannot be extracted is reported on stderr and counts as a missing record.
    """
    from .evaluate import evaluate, load_gold, read_jsonl

    # typer ships its own click: its BadParameter is what becomes a usage error (exit 2).
    if not files and pred is None:
        raise typer.BadParameter("give plan FILES to extract, or --pred PRED.jsonl", param_hint="FILES")
    gold = load_gold(gold_dir)
    if not gold:
        raise typer.BadParameter(f"no gold records (*.json) in {gold_dir}", param_hint="GOLD_DIR")
    records: dict[str, dict] = {}
    if pred is not None:
        try:
            records.update(read_jsonl(pred))
        except (ValueError, UnicodeDecodeError) as exc:
            _err(f"vnplan: {exc}")
            raise typer.Exit(2)
    # Freshly extracted files replace records of the same document from --pred.
    records.update(_extract_for_scoring(files or []))

    report = evaluate(gold, records)
    print(report.table(by_doc=by_doc))
    if json_out:
        json_out.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if min_macro is not None and report.macro_f1 < min_macro:
        _err(f"vnplan: macro F1 {report.macro_f1:.3f} is below --min-macro {min_macro}")
        raise typer.Exit(1)


def _extract_for_scoring(files: list[Path]) -> dict[str, dict]:
    """Records of the files that can be read, keyed by stem; the others reported on stderr."""
    from .api import extract as extract_file
    from .errors import VnplanError

    out: dict[str, dict] = {}
    for f in files:
        try:
            out[f.stem] = extract_file(f).model_dump(mode="json")
        except VnplanError as exc:
            _err(f"vnplan: {f}: {exc.kind}: {exc.message}")
        except Exception as exc:  # one broken file must not stop the scoring of the others
            _err(f"vnplan: {f}: internal-error: {type(exc).__name__}: {exc}")
    return out


# Commands that live in their own modules (batch runs, comparison, the audit page) add
# themselves with a ``register(app)`` function; a module whose optional dependencies are
# missing simply contributes nothing.
_PLUGINS = ("vnplan.batch.cli", "vnplan.compare.cli", "vnplan.show")


def _register_plugins() -> None:
    import importlib

    for name in _PLUGINS:
        try:
            mod = importlib.import_module(name)
        except ImportError:
            continue
        register = getattr(mod, "register", None)
        if register is not None:
            register(app)


def main() -> None:
    _register_plugins()
    app()


if __name__ == "__main__":
    main()
