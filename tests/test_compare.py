"""vnplan.compare on the corpus plans, the gold records and small purpose-made records.

What a researcher relies on: one canonical unit per role however it is spelt
(and never a Sở for a Phòng), one cited document however its symbol is
copied, the right passages found copied between plans, and lead times and
report lags that agree with the plans' own dates.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import vnplan
from vnplan.compare import compare, resolve_unit, resolve_units, split_units

ROOT = Path(__file__).resolve().parent.parent
PLANS = sorted((ROOT / "corpus" / "plans").glob("*.txt"))
GOLD = ROOT / "corpus" / "gold"


@pytest.fixture(scope="module")
def corpus():
    """The five Tuần lễ plans, extracted."""
    return compare([vnplan.extract(p) for p in PLANS])


@pytest.fixture(scope="module")
def gold():
    """The gold records of the same plans (no text, no provenance)."""
    return compare(GOLD)


def _plan(c, prefix: str) -> str:
    return c.plans.loc[c.plans["plan"].str.startswith(prefix), "doc_id"].item()


def _record(**kw) -> dict:
    base = {"doc_type": "KH", "issuer": "Ủy ban nhân dân quận Ba Đình", "area": {"province": "Hà Nội", "district": "Ba Đình"},
            "year": 2023}
    base.update(kw)
    return base


# ---------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------


def test_spellings_of_the_district_education_office_are_one_unit():
    names = ["Phòng GD&ĐT", "Phòng Giáo dục và Đào tạo Quận", "phòng GDĐT", "Phòng GD & ĐT huyện Đại Từ",
             "Phòng Giáo dục - Đào tạo", "Phòng Giáo dục và Đạo tạo"]  # the last with a typo: rapidfuzz
    matches = [resolve_unit(n) for n in names]
    assert {m.unit_id for m in matches} == {"Phòng Giáo dục và Đào tạo @district"}
    assert {m.kind for m in matches} == {"education_office"}
    assert matches[-1].method == "fuzzy"
    assert resolve_unit("Sở GD&ĐT").unit_id == "Sở Giáo dục và Đào tạo @province"


@pytest.mark.parametrize("a, b", [
    ("Sở GD&ĐT", "Phòng GD&ĐT"),
    ("Sở Giáo dục và Đào tạo tỉnh Thanh Hóa", "Phòng Giáo dục và Đào tạo huyện Đại Từ"),
    ("Sở Y tế", "Phòng Y tế"),
    ("Sở Văn hóa, Thể thao và Du lịch", "Phòng Văn hóa và Thông tin"),
    ("Phòng Văn hóa và Thông tin", "Phòng Văn hóa - Xã hội"),
    ("Phòng Nội vụ", "Phòng Y tế"),
    ("Hội Khuyến học", "Hội Liên hiệp Phụ nữ"),
])
def test_units_that_only_look_alike_stay_apart(a, b):
    assert resolve_unit(a).unit_id != resolve_unit(b).unit_id


def test_a_heading_listing_units_gives_each_its_kind_and_level():
    ms = resolve_units("UBND phường, Trung tâm Học tập cộng đồng và Hội Khuyến học 14 Phường", context_level="district")
    assert [(m.canonical, m.kind, m.level) for m in ms] == [
        ("Ủy ban nhân dân", "people_committee", "commune"),
        ("Trung tâm học tập cộng đồng", "community_learning_centre", "commune"),
        ("Hội Khuyến học", "learning_association", "commune"),
    ]
    assert ms[2].plural  # "14 Phường": the associations of fourteen wards
    # Commas inside one name do not split it; a trailing area word serves the whole list.
    assert split_units("Sở Văn hóa, Thể thao và Du lịch") == ["Sở Văn hóa, Thể thao và Du lịch"]
    front = resolve_units("Ủy ban Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị - xã hội quận")
    assert [(m.kind, m.level) for m in front] == [("fatherland_front", "district"), ("mass_organisation", "district")]


def test_level_comes_from_the_name_then_the_plan():
    assert resolve_unit("Hội Khuyến học tỉnh").level == "province"
    assert resolve_unit("Hội Khuyến học", context_level="district").level == "district"
    assert resolve_unit("Quận Đoàn").unit_id == "Đoàn Thanh niên Cộng sản Hồ Chí Minh @district"
    assert resolve_unit("Ủy ban nhân dân huyện, thị xã, thành phố").level == "district"
    assert resolve_unit("Sở GD&ĐT thành phố Hồ Chí Minh").level == "province"  # a centrally run city
    assert resolve_unit("Phòng Văn hóa - Xã hội").level == "commune"  # "xã hội" is not a commune


def test_units_table_on_the_corpus(corpus):
    u = corpus.units
    phong = u[u["canonical"] == "Phòng Giáo dục và Đào tạo"]
    # "Phòng Giáo dục và Đào tạo Quận" (Long Biên) and "Phòng Giáo dục và Đào tạo" (Quận 12): one unit, both lead.
    assert set(phong["plan"].str[:3]) == {"000", "002"}
    assert set(phong["unit"]) == {"Phòng Giáo dục và Đào tạo Quận", "Phòng Giáo dục và Đào tạo"}
    assert phong["unit_id"].nunique() == 1 and set(phong["role"]) == {"leads"}
    so = u[(u["plan"].str.startswith("001")) & (u["canonical"] == "Sở Giáo dục và Đào tạo")]
    assert so["unit_id"].item() == "Sở Giáo dục và Đào tạo @province" and so["role"].item() == "leads"
    assert so["role_cue"].item() == "chủ trì"
    youth = u[u["unit"].str.startswith("Đoàn TNCS")]
    assert youth["role"].item() == "asked"  # "Đề nghị Đoàn TNCS Hồ Chí Minh tỉnh Thanh Hoá"
    assoc = u[(u["plan"].str.startswith("000")) & (u["kind"] == "learning_association")]
    assert assoc[["level", "plural", "n_duties", "shared_with"]].iloc[0].tolist() == ["commune", True, 4, 3]
    # 004's units are all told to "phối hợp": none is made the lead.
    assert set(u[u["plan"].str.startswith("004")]["role"]) == {"coordinates"}


def test_same_unit_across_plans_from_purpose_made_records():
    a = _record(number="1", assignments=[{"unit": "Phòng GD&ĐT", "duties": ["Là cơ quan thường trực, tham mưu UBND quận."]}])
    b = _record(number="2", issuer="Ủy ban nhân dân quận Đống Đa", area={"province": "Hà Nội", "district": "Đống Đa"},
                assignments=[{"unit": "phòng GDĐT quận", "duties": ["Chủ trì tổ chức các hoạt động."]},
                             {"unit": "Sở GD&ĐT", "duties": ["Phối hợp hướng dẫn."]}])
    c = compare([a, b])
    ids = c.units.groupby("unit")["unit_id"].first()
    assert ids["Phòng GD&ĐT"] == ids["phòng GDĐT quận"] != ids["Sở GD&ĐT"]
    assert list(c.units["role"]) == ["leads", "leads", "coordinates"]


def test_unit_by_area_pivot_is_one_call(corpus):
    t = corpus.unit_pivot("kind", "area", role="leads")
    assert t.loc["education_office", "Hà Nội"] == 1
    assert t.loc["education_office", "Thanh Hóa"] == 1
    assert t.loc["education_office", "Hồ Chí Minh"] == 1
    assert t.loc["district_office", "Hải Phòng"] == 1  # Phòng Văn hóa - Xã hội of a 2025 commune
    by_year = corpus.unit_pivot("kind", ["area", "year"])
    assert ("Hà Nội", 2023) in by_year.columns


# ---------------------------------------------------------------------------
# Citations
# ---------------------------------------------------------------------------


def test_one_ministry_letter_under_two_symbols(corpus):
    cited = corpus.cited[corpus.cited["number"] == "4864"]
    assert len(cited) == 1
    doc = cited.iloc[0]
    assert set(doc["renderings"].split("; ")) == {"4864/BGDĐT-GDĐT", "4864/BGDĐT-GDTrX"}
    assert doc["n_plans"] == 2 and doc["issuer"] == "Bộ Giáo dục và Đào tạo"
    assert doc["date"] == pd.Timestamp("2023-09-08")
    e = corpus.citations[corpus.citations["cited_id"] == doc["cited_id"]]
    assert set(e["plan"].str[:3]) == {"000", "001"} and set(e["relation"]) == {"basis"}
    # The Prime Minister's decision cited by three plans is one node too.
    qd = corpus.cited[corpus.cited["number"] == "1373"].iloc[0]
    assert qd["n_plans"] == 3


def test_dates_written_differently_are_one_document_and_a_different_date_is_not():
    def plan(n, date):
        return _record(number=str(n), legal_bases=[{"doc_type": "Công văn", "number": "4864", "symbol": "BGDĐT-GDTX",
                                                     "date": date, "issuer": "Bộ GD&ĐT"}])
    c = compare([plan(1, "2023-09-08"), plan(2, "08/9/2023"), plan(3, "8-9-2023"), plan(4, "2022-09-08")])
    assert len(c.cited) == 2
    assert sorted(c.cited["n_plans"]) == [1, 3]


def test_codes_every_province_uses_need_the_same_issuer():
    def plan(n, issuer):
        return _record(number=str(n), references=[{"doc_type": "Kế hoạch", "number": "50", "symbol": "KH-UBND",
                                                    "date": "2022-03-02", "issuer": issuer}])
    c = compare([plan(1, "Ủy ban nhân dân tỉnh Thanh Hóa"), plan(2, "UBND tỉnh Thanh Hoá"),
                 plan(3, "Ủy ban nhân dân tỉnh Nghệ An")])
    assert sorted(c.cited["n_plans"]) == [1, 2]


def test_a_cited_plan_in_the_collection_is_linked_to_its_record():
    province = _record(number="50", symbol="KH-UBND", issued_date="2022-03-02", issuer="Ủy ban nhân dân tỉnh Thanh Hóa",
                       area={"province": "Thanh Hóa"}, title="Thực hiện Đề án Xây dựng xã hội học tập")
    district = _record(number="12", symbol="KH-UBND", issuer="Ủy ban nhân dân huyện Thọ Xuân",
                       area={"province": "Thanh Hóa", "district": "Thọ Xuân"},
                       legal_bases=[{"doc_type": "Kế hoạch", "number": "50", "symbol": "KH-UBND", "date": "02/3/2022",
                                     "issuer": "UBND tỉnh Thanh Hóa"}])
    c = compare([province, district])
    pid, did = c.plans["doc_id"]
    assert c.citations["linked_doc_id"].tolist() == [pid]
    assert c.cited["linked_label"].item() == c.plans["plan"].iloc[0]
    assert c.graph.has_edge(did, pid) and c.graph.nodes[pid]["kind"] == "plan"
    assert c.reuse_of_cited()["cited_doc_id"].tolist() == [pid]


def test_edge_list_and_graphml(corpus, tmp_path):
    import networkx as nx

    p = corpus.write_graphml(tmp_path / "citations.graphml")
    g = nx.read_graphml(p)
    assert g.number_of_nodes() == 5 + len(corpus.cited)
    assert g.number_of_edges() == len(corpus.citations.drop_duplicates(["doc_id", "cited_id"]))
    kinds = nx.get_node_attributes(g, "kind")
    assert sum(k == "plan" for k in kinds.values()) == 5
    assert {"doc_id", "cited_id", "relation", "rendering"} <= set(corpus.citations.columns)


# ---------------------------------------------------------------------------
# Reuse
# ---------------------------------------------------------------------------

# Activities of the ministry letter that Long Biên (000) and Thanh Hóa (001) both copy.
COPIED_ACTIVITIES = [
    "Đẩy mạnh và đổi mới các hoạt động thông tin, tuyên truyền",
    "Triển khai các hoạt động của Tuần lễ theo hình thức trực tiếp",
    "Tăng cường cơ sở vật chất, trang thiết bị và học liệu cho các thư viện",
    "Tăng cường vai trò của các",
    "Tổ chức các lớp tập huấn, hướng dẫn",
    "Khuyến khích các cơ quan, tổ chức (đặc biệt",
]


def test_reuse_finds_the_copied_activity_list(corpus):
    pair = corpus.reuse_pair("000", "001")
    m = pair.matches
    items = m[m["a_kind"] == "item"]
    for start in COPIED_ACTIVITIES:
        row = items[items["a_text"].str.startswith(start)]
        assert len(row) == 1, start
        assert row["b_text"].item().startswith(start), start  # paired with the same activity, not a look-alike
        assert row["score"].item() >= 90
    # The school duty copied into 001's duty for the district committees.
    duty = m[m["a_kind"] == "duty"]
    assert duty["a_text"].item().startswith("Tổ chức các lớp học, tập huấn, hội thảo, hoạt động giao lưu")
    assert duty["b_text"].item().startswith("Chỉ đạo các cơ sở giáo dục trên địa bàn tổ chức các lớp học")
    # A rewritten item is not a near-copy: 000 shortened the opening ceremony item.
    assert not m["a_text"].str.startswith("Tổ chức Lễ khai mạc").any()
    assert pair.n_matched == len(COPIED_ACTIVITIES) + 1
    assert pair.share_a == pytest.approx(pair.n_matched / pair.n_a) and pair.share_a > 0.2


def test_reuse_table_ranks_the_pairs(corpus):
    r = corpus.reuse
    first = r.sort_values("n_matched", ascending=False).iloc[0]
    assert {first["a_label"][:3], first["b_label"][:3]} == {"000", "001"}
    # 2021 (Quận 12) and 2022 (Hà Thượng) share the 2021-2022 letters' activities.
    p = corpus.reuse_pair("002", "004").matches
    assert p["a_text"].str.startswith("Triển khai các chương trình học tập trực tuyến").any()
    assert ((r["share_a"] >= 0) & (r["share_a"] <= 1)).all()


def test_reuse_side_by_side_marks_the_changed_words(corpus):
    html = corpus.reuse_pair("000", "001").to_html()
    assert html.count('class="reuse-row"') == 7
    assert "<mark>" in html and "Đẩy mạnh và đổi mới" in html


def test_reuse_without_text_uses_duties():
    duty = "Tổ chức các lớp học, tập huấn, hội thảo, hoạt động giao lưu với các nội dung, hình thức học tập phong phú"
    a = _record(number="1", assignments=[{"unit": "Các trường", "duties": [duty, "Báo cáo kết quả về Phòng GD&ĐT trước ngày 12/10 theo quy định của ngành"]}])
    b = _record(number="2", assignments=[{"unit": "UBND các xã", "duties": ["Chỉ đạo các trường " + duty.lower()]}])
    p = compare([a, b]).reuse_pair(0, 1)
    assert (p.n_a, p.n_b, p.n_matched) == (2, 1, 1)


# ---------------------------------------------------------------------------
# Plans table
# ---------------------------------------------------------------------------


def test_lead_times_and_report_lags_from_the_gold_records(gold, corpus):
    # Worked out by hand from corpus/gold/*.json:
    #   000 issued 2023-09-22, Tuần lễ 2023-10-02..10-08, report by 2023-10-12 -> lead 10, 7 days, lag 4
    #   001 no date of issue (blank day), 2023-10-02..10-08, report by 2023-10-17 -> lead NA, 7, lag 9
    #   002 issued 2021-09-27, 2021-10-01..10-07; deadlines 09-29 (send plans, before the week),
    #       10-10 (wards report) and 10-15 (the Phòng reports): the first after the week -> lead 4, 7, lag 3
    #   003 issued 2025-10-01, 2025-10-01..10-07, report by 2025-10-12 -> lead 0, 7, lag 5
    #   004 no date of issue, 2022-10-06..10-12, report by 2022-10-18 -> lead NA, 7, lag 6
    expected = {"000": (10, 7, 4), "001": (None, 7, 9), "002": (4, 7, 3), "003": (0, 7, 5), "004": (None, 7, 6)}
    p = gold.plans.set_index(gold.plans["plan"].str[:3])
    for k, (lead, days, lag) in expected.items():
        row = p.loc[k]
        assert (None if pd.isna(row["lead_days"]) else int(row["lead_days"])) == lead, k
        assert int(row["period_days"]) == days, k
        assert int(row["report_lag_days"]) == lag, k
    assert p.loc["000", "lead_time"] == "10 days"
    assert p.loc["000", "report_deadline"] == pd.Timestamp("2023-10-12")
    # The records extracted from the plans give the same table.
    q = corpus.plans.set_index(corpus.plans["plan"].str[:3])
    cols = ["period_start", "period_days", "lead_days", "report_deadline", "report_lag_days"]
    pd.testing.assert_frame_equal(q[cols], p[cols], check_names=False)


def test_issuer_kind_and_level(gold):
    p = gold.plans.set_index(gold.plans["plan"].str[:3])
    assert p.loc["000", ["issuer_kind", "issuer_level"]].tolist() == ["steering_committee", "district"]
    assert p.loc["001", ["issuer_kind", "issuer_level"]].tolist() == ["people_committee", "province"]
    # "Ủy ban nhân dân xã" although the record's area stops at the province.
    assert p.loc["003", ["issuer_kind", "issuer_level"]].tolist() == ["people_committee", "commune"]
    assert p.loc["004", "issuer_level"] == "commune"
    ministry = compare([{"issuer": "Bộ Giáo dục và Đào tạo", "doc_type": "CV", "year": 2023}])
    assert ministry.plans[["issuer_kind", "issuer_level"]].iloc[0].tolist() == ["education_office", "central"]


def test_areas_are_comparable_across_the_2025_reform():
    a = _record(number="1", issuer="Ủy ban nhân dân tỉnh Bình Định", area={"province": "Bình Định"}, year=2023)
    b = _record(number="2", issuer="Ủy ban nhân dân tỉnh Gia Lai", area={"province": "Gia Lai"}, year=2025,
                issued_date="2025-09-20")
    p = compare([a, b]).plans
    assert p["area"].tolist() == ["Gia Lai", "Gia Lai"]
    assert p["province_before_2025"].iloc[0] == "Bình Định"
    assert compare([a], era="before-2025").plans["area"].item() == "Bình Định"


def test_counts(corpus):
    p = corpus.plans.set_index(corpus.plans["plan"].str[:3])
    assert p.loc["000", ["n_legal_bases", "n_assignments", "n_duties", "n_deadlines"]].tolist() == [2, 4, 12, 1]
    assert p.loc["000", "n_units"] == 6  # the ward heading names three units
    assert p.loc["001", "lead_unit"] == "Sở Giáo dục và Đào tạo"


# ---------------------------------------------------------------------------
# Sources and outputs
# ---------------------------------------------------------------------------


def test_jsonl_and_records_give_the_same_comparison(corpus, tmp_path):
    f = tmp_path / "records.jsonl"
    f.write_text("".join(json.dumps(r.model_dump(mode="json"), ensure_ascii=False) + "\n" for r in corpus.records),
                 encoding="utf-8")
    c = compare(f)
    assert c.plans["doc_id"].tolist() == corpus.plans["doc_id"].tolist()
    assert c.units["unit_id"].tolist() == corpus.units["unit_id"].tolist()


def test_reads_a_database_with_a_record_json_column(corpus, tmp_path):
    import duckdb

    db = tmp_path / "plans.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create table plans (doc_id varchar, record_json varchar)")
    for r in corpus.records:
        con.execute("insert into plans values (?, ?)", [r.source.sha256, json.dumps(r.model_dump(mode="json"), ensure_ascii=False)])
    con.close()
    c = compare(db)
    assert sorted(c.plans["doc_id"]) == sorted(corpus.plans["doc_id"])
    assert len(c.cited) == len(corpus.cited)


def test_reads_the_vnplan_batch_database(tmp_path):
    pytest.importorskip("vnplan.batch.schema")
    db = tmp_path / "run.duckdb"
    res = subprocess.run([sys.executable, "-m", "vnplan", "batch", str(ROOT / "corpus" / "plans"), "--out", str(db),
                          "--workers", "1", "--no-progress"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    if res.returncode != 0 or not db.exists():
        pytest.skip(f"vnplan batch did not run here: {res.stderr[-300:]}")
    c = compare(db)
    assert len(c) == 5
    assert (c.cited["number"] == "4864").sum() == 1
    assert c.reuse_pair("000", "001").n_matched == 7  # provenance and text come through the database


def test_write_tables(corpus, tmp_path):
    import duckdb

    files = corpus.write(tmp_path, ("csv", "parquet", "duckdb"))
    names = {f.name for f in files}
    assert {"plans.csv", "units.parquet", "citations.csv", "cited.parquet", "reuse.csv", "compare.duckdb",
            "citations.graphml"} <= names
    assert len(pd.read_csv(tmp_path / "plans.csv")) == 5
    assert len(pd.read_parquet(tmp_path / "units.parquet")) == len(corpus.units)
    con = duckdb.connect(str(tmp_path / "compare.duckdb"), read_only=True)
    assert con.execute("select count(*) from compare_citations").fetchone()[0] == len(corpus.citations)
    con.close()


def test_callable_module():
    import vnplan.compare as mod

    assert isinstance(mod([_record(number="1")]), mod.Comparison)


def _run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vnplan", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=600)


def test_cli_compare(tmp_path):
    report = tmp_path / "report.html"
    res = _run("compare", ROOT / "corpus" / "gold", "--by", "province,year", "--report", report, "--out", tmp_path / "t",
               "--format", "csv,parquet")
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "t" / "plans.csv").exists() and (tmp_path / "t" / "units.parquet").exists()
    for name in ("timeline", "heatmap", "network", "reuse"):
        assert (tmp_path / "report_figures" / f"{name}.png").stat().st_size > 1000
        assert (tmp_path / "report_figures" / f"{name}.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    html = report.read_text(encoding="utf-8")
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    res = _run("compare", ROOT / "corpus" / "gold")
    assert res.returncode == 0 and res.stdout.startswith("doc_id,plan,")
    assert _run("compare", ROOT / "corpus" / "gold", "--by", "nonsense").returncode == 2
    # An unreadable input is reported and the rest compared (exit 1); nothing readable is a usage error.
    res = _run("compare", ROOT / "corpus" / "gold", tmp_path / "missing.jsonl")
    assert res.returncode == 1 and "missing.jsonl" in res.stderr and len(res.stdout.splitlines()) == 6
    assert _run("compare", tmp_path / "missing.jsonl").returncode == 2
