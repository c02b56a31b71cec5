"""vnplan.evaluate on small handmade records, and against the shared reference scorer on the corpus."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import vnplan
from vnplan.evaluate import FIELDS, area_key, evaluate, pair_items, read_jsonl, text_key
from vnplan.models import PlanRecord

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_SCORER = ROOT.parent / "shared" / "eval" / "score.py"


def _record(stem: str = "doc", **fields) -> dict:
    """A contract record of one document with only ``fields`` set."""
    data = PlanRecord().contract()
    data.update(fields)
    data["source"] = {"path": f"plans/{stem}.txt"}
    return data


def _counts(gold: dict, pred: dict, field: str) -> tuple[int, int, int]:
    c = evaluate({"doc": gold}, {"doc": pred}).counts[field]
    return c.tp, c.fp, c.fn


# ---------------------------------------------------------------------- strings

@pytest.mark.parametrize("gold, pred", [
    ("Ủy ban nhân dân tỉnh Thanh Hóa", "UBND tỉnh Thanh Hoá"),
    ("Ủy ban nhân dân tỉnh Thanh Hóa", "ỦY BAN NHÂN DÂN TỈNH THANH HÓA"),
    ("Uỷ ban nhân dân tỉnh Khánh Hoà", "Ủy ban nhân dân tỉnh Khánh Hòa"),
    ("Sở Giáo dục và Đào tạo", "Sở GD&ĐT"),
    ("Ban Chỉ đạo xây dựng xã hội học tập quận Long Biên", "BCĐ XDXHHT quận Long Biên"),
], ids=["abbreviation+tone", "capitals", "uy-oa-tones", "GD&DT", "BCD-XDXHHT"])
def test_issuer_matches_across_tones_case_and_abbreviations(gold: str, pred: str) -> None:
    assert _counts(_record(issuer=gold), _record(issuer=pred), "issuer") == (1, 0, 0)


def test_a_different_issuer_is_both_wrong_and_missed() -> None:
    assert _counts(_record(issuer="Ủy ban nhân dân tỉnh Thanh Hóa"),
                   _record(issuer="Ủy ban nhân dân tỉnh Nghệ An"), "issuer") == (0, 1, 1)


def test_invented_and_missed_scalars() -> None:
    assert _counts(_record(), _record(number="22"), "number") == (0, 1, 0)
    assert _counts(_record(number="22"), _record(), "number") == (0, 0, 1)


def test_text_key_folds_markdown_punctuation_and_spacing() -> None:
    assert text_key("**Tổ chức  “Tuần lễ”**\n năm 2023.") == text_key("tổ chức tuần lễ năm 2023")
    assert text_key(None) == ""


@pytest.mark.parametrize("gold, pred, same", [
    ("Hà Nội", "Thành phố Hà Nội", True),
    ("Hà Nội", "TP. Hà Nội", True),
    ("Long Biên", "quận Long Biên", True),
    ("Quận 12", "Quận 12", True),
    ("Quận 12", "12", False),
    ("Hà Nội", "Hà Nam", False),
])
def test_area_names_are_compared_without_the_unit_word(gold: str, pred: str, same: bool) -> None:
    assert (area_key(gold) == area_key(pred)) is same
    got = _counts(_record(area={"province": gold, "district": None, "commune": None}),
                  _record(area={"province": pred, "district": None, "commune": None}), "area.province")
    assert got == ((1, 0, 0) if same else (0, 1, 1))


# ------------------------------------------------------------------ assignments

def _assignment(unit: str, duties: list[str], requested: bool = False) -> dict:
    return {"unit": unit, "requested": requested, "duties": duties}


DUTY = "Chủ trì, phối hợp với các đơn vị liên quan tổ chức Lễ khai mạc Tuần lễ hưởng ứng học tập suốt đời năm 2023."


def test_duties_match_fuzzily_within_a_paired_unit() -> None:
    gold = _record(assignments=[_assignment("Sở Giáo dục và Đào tạo", [DUTY, "Báo cáo kết quả về Ủy ban nhân dân tỉnh."])])
    pred = _record(assignments=[_assignment("Sở GD&ĐT", [
        DUTY.replace("Lễ khai mạc", "lễ khai mạc").rstrip("."),       # case and final stop
        "Tổng hợp số liệu thống kê người học gửi Bộ Giáo dục.",         # another duty
    ])])
    assert _counts(gold, pred, "assignments.unit") == (1, 0, 0)
    assert _counts(gold, pred, "assignments.duties") == (1, 1, 1)


def test_duties_of_a_missed_unit_are_missed() -> None:
    gold = _record(assignments=[_assignment("Sở Y tế", ["a", "b"]), _assignment("Sở Tài chính", ["c"])])
    pred = _record(assignments=[_assignment("Sở Y tế", ["a", "b"]), _assignment("Công an tỉnh", ["d", "e"])])
    assert _counts(gold, pred, "assignments.unit") == (1, 1, 1)
    assert _counts(gold, pred, "assignments.duties") == (2, 2, 1)


def test_requested_counts_only_true_flags_of_paired_units() -> None:
    gold = _record(assignments=[_assignment("Hội Khuyến học tỉnh", [], True), _assignment("Sở Y tế", [], False)])
    pred = _record(assignments=[_assignment("Hội Khuyến học tỉnh", [], False), _assignment("Sở Y tế", [], True)])
    assert _counts(gold, pred, "assignments.requested") == (0, 1, 1)


# ------------------------------------------------------------------ schedule

def test_event_is_matched_by_date_and_by_time_only_where_both_give_one() -> None:
    gold = _record(events=[{"name": "Lễ khai mạc", "date": "2023-10-02", "time": None},
                           {"name": "Hội nghị tổng kết", "date": "2023-10-20", "time": "08:00"}])
    pred = _record(events=[{"name": "Lễ phát động", "date": "2023-10-02", "time": "07:30"},  # name differs, no gold time
                           {"name": "Hội nghị tổng kết", "date": "2023-10-20", "time": "14:00"}])  # time differs
    assert _counts(gold, pred, "events") == (1, 1, 1)
    pred["events"][1]["time"] = None
    assert _counts(gold, pred, "events") == (2, 0, 0)
    pred["events"][0]["date"] = "2023-10-03"
    assert _counts(gold, pred, "events") == (1, 1, 1)


def test_periods_and_deadlines_repeated_in_a_prediction_count_once() -> None:
    period = {"label": "Tuần lễ", "start": "2023-10-02", "end": "2023-10-08"}
    deadline = {"date": "2023-10-12", "action": "Báo cáo kết quả", "units": []}
    gold = _record(periods=[period], deadlines=[deadline])
    pred = _record(periods=[period, dict(period, label=None)], deadlines=[deadline, dict(deadline, action="Nộp")])
    assert _counts(gold, pred, "periods") == (1, 0, 0)
    assert _counts(gold, pred, "deadlines") == (1, 0, 0)


# ------------------------------------------------------------------ citations

def _cite(doc_type=None, number=None, symbol=None, date=None, issuer=None, subject=None) -> dict:
    return {"doc_type": doc_type, "number": number, "symbol": symbol, "date": date, "issuer": issuer, "subject": subject}


def test_numbered_citation_matches_on_number_and_first_symbol_group() -> None:
    gold = _record(legal_bases=[_cite("Công văn", "4864", "BGDĐT-GDĐT", "2023-09-08", "Bộ Giáo dục và Đào tạo")])
    pred = _record(legal_bases=[_cite("Công văn", "4864", "BGDĐT-GDTrX", "2023-09-09", "Bộ GD&ĐT")])
    assert _counts(gold, pred, "legal_bases") == (1, 0, 0)
    assert _counts(gold, pred, "legal_bases.date") == (0, 1, 1)
    assert _counts(gold, pred, "legal_bases.issuer") == (1, 0, 0)
    pred["legal_bases"][0]["symbol"] = "SGDĐT-GDĐT"
    assert _counts(gold, pred, "legal_bases") == (0, 1, 1)


def test_unnumbered_basis_matches_on_type_and_subject() -> None:
    law = _cite("Luật", date="2015-06-19", subject="Tổ chức chính quyền địa phương")
    gold = _record(legal_bases=[law])
    pred = _record(legal_bases=[_cite("Luật", date="2015-06-19", subject="Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015")])
    assert _counts(gold, pred, "legal_bases") == (1, 0, 0)
    pred["legal_bases"][0]["doc_type"] = "Nghị định"
    assert _counts(gold, pred, "legal_bases") == (0, 1, 1)


def test_two_laws_whose_subjects_contain_each_other_pair_with_their_own_dates() -> None:
    # The second law's subject contains the first's: both match either prediction
    # partially; the pairing must still give each law its own entry (and date).
    first = _cite("Luật", subject="Bầu cử đại biểu Quốc hội và đại biểu Hội đồng nhân dân")
    second = _cite("Luật", date="2025-06-24",
                   subject="sửa đổi, bổ sung một số điều của Luật Bầu cử đại biểu Quốc hội và đại biểu Hội đồng nhân dân")
    gold, pred = _record(legal_bases=[first, second]), _record(legal_bases=[first, second])
    assert _counts(gold, pred, "legal_bases") == (2, 0, 0)
    assert _counts(gold, pred, "legal_bases.date") == (1, 0, 0)


def test_unnumbered_references_are_not_scored() -> None:
    gold = _record(references=[_cite("Kế hoạch", "50", "KH-UBND"), _cite("Chương trình", subject="Chương trình hành động")])
    pred = _record(references=[_cite("Kế hoạch", "50", "KH-UBND"), _cite("Đề án", subject="Đề án khác")])
    assert _counts(gold, pred, "references") == (1, 0, 0)
    only_unnumbered = _record(references=[_cite("Đề án", subject="Đề án khác")])
    assert _counts(_record(), only_unnumbered, "references") == (0, 0, 0)


# ------------------------------------------------------------------ pairing

def test_pairing_finds_the_most_pairs_and_the_closest_ones() -> None:
    # Gold "a" matches both predictions, "b" only the first: greedy first-match would pair
    # a with the first and leave b unpaired.
    same = lambda g, p: 100.0 if g[0] in p else None
    pairs, missed, extra = pair_items(["a", "b"], ["ab", "a"], same)
    assert sorted(pairs) == [("a", "a"), ("b", "ab")] and missed == [] and extra == []
    closer = lambda g, p: 100.0 - abs(g - p) if abs(g - p) <= 5 else None
    assert pair_items([10, 12], [12, 10], closer)[0] == [(10, 10), (12, 12)]
    assert pair_items([], [1], closer) == ([], [], [1])


# ------------------------------------------------------------------ the report

def test_fields_empty_in_both_records_give_no_evidence() -> None:
    report = evaluate({"doc": _record(number="22")}, {"doc": _record(number="22")})
    assert list(report.fields) == ["number"]
    assert "theme" in report.no_evidence and "recipients" in report.no_evidence
    assert report.macro_f1 == 1.0
    assert report.documents["doc"]["number"] == 1.0 and report.documents["doc"]["theme"] is None


def test_macro_averages_the_fields_with_evidence() -> None:
    gold = _record(number="22", symbol="KH-UBND", recipients=["Như trên", "Sở Y tế"])
    pred = _record(number="22", symbol="KH-BCĐ", recipients=["Như trên"])
    report = evaluate({"doc": gold}, {"doc": pred})
    assert report.fields["symbol"].f1 == 0.0
    assert report.fields["recipients"].precision == 1.0 and report.fields["recipients"].recall == 0.5
    assert report.macro_f1 == pytest.approx((1.0 + 0.0 + 2 / 3) / 3)


def test_records_are_matched_by_source_stem_and_missing_ones_listed() -> None:
    gold = {"000_a": _record("000_a", number="1"), "001_b.json": _record("001_b", number="2")}
    pred = {"anything": _record("000_a", number="1"), "x": PlanRecord(number="9", source={"path": "/tmp/zzz.txt"})}
    report = evaluate(gold, pred)
    assert report.missing == ["001_b"]
    assert report.unmatched == ["zzz"]
    assert (report.counts["number"].tp, report.counts["number"].fn) == (1, 1)
    data = report.to_dict()
    assert data["missing"] == ["001_b"] and set(data["fields"]) == {"number"}
    assert json.loads(json.dumps(data)) == data
    table = report.table(by_doc=True)
    assert "number" in table and "001_b" in table and "macro F1 over 1 fields = 0.667" in table


def test_read_jsonl_keys_records_by_stem_and_names_a_bad_line(tmp_path: Path) -> None:
    good = tmp_path / "pred.jsonl"
    good.write_text(json.dumps({"source": {"path": "a/b/d01.txt"}, "number": "5"}) + "\n\n"
                    + json.dumps({"source_path": "d02.pdf"}) + "\n", encoding="utf-8")
    assert set(read_jsonl(good)) == {"d01", "d02"}
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"path": "d01.txt"}\n{oops\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:2"):
        read_jsonl(bad)


# ------------------------------------------------------ against the reference scorer

_SETS = [("seed", "corpus/plans", "corpus/gold"), ("dev", "corpus/dev/plans", "corpus/dev/gold")]


@pytest.mark.parametrize("name, plans, gold", _SETS, ids=[s[0] for s in _SETS])
def test_corpus_scores_equal_the_reference_scorer(name: str, plans: str, gold: str, tmp_path: Path) -> None:
    if not REFERENCE_SCORER.exists():
        pytest.skip(f"{REFERENCE_SCORER} is absent")
    paths = [p for p in sorted((ROOT / plans).glob("*.txt")) if (ROOT / gold / f"{p.stem}.json").exists()]
    pred = tmp_path / f"{name}.jsonl"
    pred.write_text("".join(json.dumps(vnplan.extract(p).model_dump(mode="json"), ensure_ascii=False) + "\n"
                            for p in paths), encoding="utf-8")
    res = subprocess.run([sys.executable, str(REFERENCE_SCORER), str(ROOT / gold), str(pred)],
                         capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert res.returncode == 0, res.stderr
    reference_macro = float(re.search(r"macro F1 over \d+ fields = ([\d.]+)", res.stdout).group(1))
    reference_fields = {m.group(1): float(m.group(2)) for m in re.finditer(r"^(\S+)\s+P=\S+ R=\S+ F1=([\d.]+)", res.stdout, re.M)}

    ours = evaluate(json.loads(json.dumps({p.stem: json.loads((ROOT / gold / f"{p.stem}.json").read_text("utf-8"))
                                            for p in paths})), read_jsonl(pred))
    assert f"{ours.macro_f1:.3f}" == f"{reference_macro:.3f}", ours.table() + "\n---\n" + res.stdout
    assert {f: f"{s.f1:.3f}" for f, s in ours.fields.items()} == {f: f"{v:.3f}" for f, v in reference_fields.items()}
    assert set(ours.fields) <= set(FIELDS)
