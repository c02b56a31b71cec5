"""The command line as users run it: `python -m vnplan ...` in a subprocess.

Checks output formats, exit codes (0 ok, 1 some files failed or a bar not met,
2 usage error), error lines on stderr, and that extract_text and extract agree.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import vnplan
from vnplan import errors

ROOT = Path(__file__).resolve().parent.parent
PLANS = sorted((ROOT / "corpus" / "plans").glob("*.txt"))
GOLD = ROOT / "corpus" / "gold"

CONTRACT_KEYS = {
    "doc_type", "number", "symbol", "issuer", "area", "place", "issued_date", "year", "title", "theme",
    "legal_bases", "references", "periods", "events", "deadlines", "assignments", "signer", "recipients",
}
# A plan whose header leaves the number and the day blank: its record carries warnings.
WITH_WARNINGS = ROOT / "corpus" / "plans" / "001_824a9cb45f8fa54a.txt"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vnplan", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=300)


def _jsonl(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module", autouse=True)
def _corpus_present() -> None:
    if len(PLANS) < 2:
        pytest.skip("corpus/plans is not in this checkout")


# ----------------------------------------------------------------------- extract

def test_one_file_gives_one_json_object_with_the_contract_keys() -> None:
    res = run("extract", PLANS[0])
    assert res.returncode == 0, res.stderr
    record = json.loads(res.stdout)
    assert isinstance(record, dict)
    assert CONTRACT_KEYS <= set(record)
    assert Path(record["source"]["path"]).name == PLANS[0].name


def test_several_files_as_jsonl_give_one_record_per_line_in_order() -> None:
    res = run("extract", *PLANS, "--format", "jsonl")
    assert res.returncode == 0, res.stderr
    lines = [line for line in res.stdout.splitlines() if line.strip()]
    assert len(lines) == len(PLANS)
    records = [json.loads(line) for line in lines]
    assert [Path(r["source"]["path"]).name for r in records] == [p.name for p in PLANS]
    assert all(CONTRACT_KEYS <= set(r) for r in records)


def test_bad_files_are_reported_and_good_ones_still_extracted(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    res = run("extract", PLANS[0], missing, empty, PLANS[1], "--format", "jsonl")
    assert res.returncode == 1
    assert [Path(r["source"]["path"]).name for r in _jsonl(res.stdout)] == [PLANS[0].name, PLANS[1].name]

    err_lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(err_lines) == 2, res.stderr
    kinds = {cls.kind for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, errors.VnplanError)}
    for bad, line in zip((missing, empty), err_lines):
        m = re.match(rf"^vnplan: {re.escape(str(bad))}: ([\w-]+): (.+)$", line)
        assert m, f"error line does not name {bad} and an error kind: {line!r}"
        assert m.group(1) in kinds
    assert re.search(r": empty: ", err_lines[1])
    assert re.search(r"no such file|not found|does not exist", err_lines[0], flags=re.I)


def test_unknown_option_is_a_usage_error() -> None:
    res = run("extract", PLANS[0], "--no-such-option")
    assert res.returncode == 2
    assert res.stdout == ""
    assert "--no-such-option" in res.stderr


def test_table_shows_the_issuer_and_the_warnings() -> None:
    record = vnplan.extract(WITH_WARNINGS)
    assert record.warnings, "this plan was chosen for its warnings"
    res = run("extract", WITH_WARNINGS, "--format", "table")
    assert res.returncode == 0, res.stderr
    assert record.issuer and record.issuer in res.stdout
    for warning in record.warnings:
        assert warning.code in res.stdout


def test_output_option_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    res = run("extract", *PLANS[:2], "--format", "jsonl", "-o", out)
    assert res.returncode == 0, res.stderr
    assert res.stdout == ""
    records = _jsonl(out.read_text(encoding="utf-8"))
    assert [Path(r["source"]["path"]).name for r in records] == [p.name for p in PLANS[:2]]


# ---------------------------------------------------------------------- evaluate

def test_evaluate_reaches_the_seed_bar() -> None:
    res = run("evaluate", GOLD, *PLANS, "--min-macro", "0.95")
    assert res.returncode == 0, res.stdout + res.stderr
    assert re.search(r"macro F1 over \d+ fields = [01]\.\d{3}", res.stdout)


def test_evaluate_fails_an_unreachable_bar() -> None:
    res = run("evaluate", GOLD, *PLANS, "--min-macro", "1.01")
    assert res.returncode == 1
    assert "macro F1" in res.stdout


def test_evaluate_scores_a_jsonl_and_writes_json(tmp_path: Path) -> None:
    pred = tmp_path / "pred.jsonl"
    pred.write_text(run("extract", *PLANS, "--format", "jsonl").stdout, encoding="utf-8")
    out = tmp_path / "report.json"
    res = run("evaluate", GOLD, "--pred", pred, "--by-doc", "--json", out)
    assert res.returncode == 0, res.stderr
    assert PLANS[0].stem in res.stdout  # --by-doc lists each document
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["missing"] == []
    assert 0.0 <= report["macro_f1"] <= 1.0
    assert set(report["documents"]) == {p.stem for p in PLANS if (GOLD / f"{p.stem}.json").exists()}


def test_evaluate_counts_an_unreadable_file_as_missing(tmp_path: Path) -> None:
    missing = tmp_path / PLANS[1].name  # same stem as a gold record, but absent
    res = run("evaluate", GOLD, PLANS[0], missing)
    assert res.returncode == 0
    assert str(missing) in res.stderr
    assert PLANS[1].stem in res.stdout.split("no record for", 1)[1]


def test_evaluate_without_records_is_a_usage_error() -> None:
    assert run("evaluate", GOLD).returncode == 2
    assert run("evaluate", ROOT / "no-such-dir", PLANS[0]).returncode == 2


# --------------------------------------------------------------------------- API

@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in PLANS])
def test_extract_text_agrees_with_extract(path: Path) -> None:
    from_file = vnplan.extract(path)
    from_text = vnplan.extract_text(path.read_text(encoding="utf-8"))
    assert from_text.contract() == from_file.contract()
    assert from_text.source.path is None
