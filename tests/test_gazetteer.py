"""Tests for vnplan.gazetteer: keys, resolution across the 2025 reform, mentions, and the data file."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from vnplan.gazetteer import (
    AFTER_2025,
    BEFORE_2025,
    DATA_PATH,
    AreaResolution,
    Gazetteer,
    fold_key,
    gazetteer,
    key,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def gz() -> Gazetteer:
    return gazetteer()


# ---------------------------------------------------------------------------
# key()
# ---------------------------------------------------------------------------

SAME_KEY = [
    pytest.param("Thanh Hoá", "Thanh Hóa", id="hoa-tone-placement"),
    pytest.param("TỈNH THANH HÓA", "Thanh Hóa", id="upper-case-with-unit-word"),
    pytest.param("Uỷ ban", "Ủy ban", id="uy-tone-placement"),
    pytest.param("Thuỷ Nguyên", "Thủy Nguyên", id="thuy-tone-placement"),
    pytest.param("khoẻ", "khỏe", id="oe-tone-placement"),
    pytest.param("Thành phố Hồ Chí Minh", "Hồ Chí Minh", id="thanh-pho-removed"),
    pytest.param("TP. Hồ Chí Minh", "Hồ Chí Minh", id="tp-dot-removed"),
    pytest.param("tp Hồ Chí Minh", "Hồ Chí Minh", id="tp-removed"),
    pytest.param("huyện Đại Từ", "Đại Từ", id="huyen-removed"),
    pytest.param("thị xã Từ Sơn", "Từ Sơn", id="thi-xa-removed"),
    pytest.param("Thị trấn Diêu Trì", "Diêu Trì", id="thi-tran-removed"),
    pytest.param("đặc khu Phú Quốc", "Phú Quốc", id="dac-khu-removed"),
    pytest.param("  Hà\tNội \n", "Hà Nội", id="whitespace-collapsed"),
    pytest.param("Bà Rịa–Vũng Tàu", "Bà Rịa - Vũng Tàu", id="dashes-equal"),
    pytest.param("Ho\u0300a Bi\u0300nh", "Hòa Bình", id="decomposed-input"),
]


@pytest.mark.parametrize(("a", "b"), SAME_KEY)
def test_key_equates_spellings(a: str, b: str) -> None:
    assert key(a) == key(b)


KEY_VALUES = [
    pytest.param("Quận 12", "quận 12", id="numbered-district-keeps-word"),
    pytest.param("Q.12", "quận 12", id="q-dot-12"),
    pytest.param("Q12", "quận 12", id="q12"),
    pytest.param("Phường 05", "phường 5", id="numbered-ward-leading-zero"),
    pytest.param("P.5", "phường 5", id="p-dot-5"),
    pytest.param("P. Bến Nghé", "bến nghé", id="p-dot-name"),
    pytest.param("TỈNH QUẢNG NGÃI", "quảng ngãi", id="upper-province"),
    pytest.param("xã", "xã", id="bare-unit-word-kept"),
    pytest.param("Thanh Hóa", "thanh hoá", id="canonical-mark-on-second-vowel"),
]


@pytest.mark.parametrize(("name", "expected"), KEY_VALUES)
def test_key_values(name: str, expected: str) -> None:
    assert key(name) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("Mỹ Tho", "Mỹ Thọ", id="different-tones"),
        pytest.param("Hương Vân", "Hương Văn", id="different-vowels"),
        pytest.param("Phường 1", "Phường 10", id="different-numbers"),
    ],
)
def test_key_keeps_real_differences(a: str, b: str) -> None:
    assert key(a) != key(b)


def test_fold_key_ignores_diacritics() -> None:
    assert fold_key("Thái Nguyên") == fold_key("Thai Nguyen") == fold_key("tỉnh THÁI NGUYÊN") == "thainguyen"


# ---------------------------------------------------------------------------
# resolve()
# ---------------------------------------------------------------------------

RESOLVE = [
    pytest.param(
        dict(district="Long Biên"),
        dict(province="Hà Nội", district="Long Biên", commune=None, era=BEFORE_2025, level="district",
             inferred=("province",), candidates=1),
        id="long-bien-district-gives-ha-noi",
    ),
    pytest.param(
        dict(district="quận Long Biên", year=2023),
        dict(province="Hà Nội", district="Long Biên", era=BEFORE_2025),
        id="long-bien-with-unit-word",
    ),
    pytest.param(
        dict(district="Đại Từ"),
        dict(province="Thái Nguyên", district="Đại Từ", level="district", inferred=("province",)),
        id="dai-tu-gives-thai-nguyen",
    ),
    pytest.param(
        dict(commune="Hà Thượng", district="Đại Từ", year=2022),
        dict(province="Thái Nguyên", district="Đại Từ", commune="Hà Thượng", level="commune",
             inferred=("province",), era=BEFORE_2025, province_after_2025="Thái Nguyên"),
        id="ha-thuong-with-dai-tu",
    ),
    pytest.param(
        dict(commune="xã Hà Thượng"),
        dict(province="Thái Nguyên", district="Đại Từ", commune="Hà Thượng", inferred=("province", "district")),
        id="ha-thuong-alone-fills-district",
    ),
    pytest.param(
        dict(district="Quận 12", year=2021),
        dict(province="Hồ Chí Minh", district="Quận 12", level="district", inferred=("province",)),
        id="quan-12-gives-hcm",
    ),
    pytest.param(
        dict(district="Q.12"),
        dict(province="Hồ Chí Minh", district="Quận 12"),
        id="q-dot-12-gives-hcm",
    ),
    pytest.param(
        dict(province="Thanh Hóa"),
        dict(province="Thanh Hóa", level="province", inferred=(), confidence=1.0),
        id="thanh-hoa-new-tone-spelling",
    ),
    pytest.param(
        dict(province="tỉnh Thanh Hoá"),
        dict(province="Thanh Hóa", level="province", inferred=(), confidence=1.0),
        id="thanh-hoa-old-tone-spelling",
    ),
    pytest.param(
        dict(province="TỈNH QUẢNG NGÃI", year=2020),
        dict(province="Quảng Ngãi", district=None, level="province", era=BEFORE_2025,
             province_after_2025="Quảng Ngãi"),
        id="upper-case-quang-ngai",
    ),
    pytest.param(
        dict(commune="Bắc Cam Ranh", year=2025),
        dict(province="Khánh Hòa", district=None, commune="Bắc Cam Ranh", era=AFTER_2025,
             province_after_2025="Khánh Hòa", province_before_2025="Khánh Hòa", inferred=("province",)),
        id="bac-cam-ranh-2025-new-ward",
    ),
    pytest.param(
        dict(commune="phường Bắc Cam Ranh", year=date(2025, 11, 3)),
        dict(province="Khánh Hòa", commune="Bắc Cam Ranh", era=AFTER_2025),
        id="bac-cam-ranh-with-date",
    ),
    pytest.param(
        dict(commune="Lương Minh", year=2025),
        dict(province="Quảng Ninh", commune="Lương Minh"),
        id="luong-minh-2025",
    ),
    pytest.param(
        # A bare 2025 cannot tell the eras apart; the document's date can.
        dict(commune="Lương Minh", year=date(2025, 11, 25)),
        dict(province="Quảng Ninh", district=None, commune="Lương Minh", era=AFTER_2025),
        id="luong-minh-dated-after-reform",
    ),
    pytest.param(
        dict(commune="xã Lương Minh", year=2026),
        dict(province="Quảng Ninh", district=None, commune="Lương Minh", era=AFTER_2025),
        id="luong-minh-2026-new-era",
    ),
    pytest.param(
        dict(province="thành phố Cần Thơ", year=2025),
        dict(province="Cần Thơ", province_after_2025="Cần Thơ", level="province"),
        id="can-tho",
    ),
    pytest.param(
        # New Lào Cai = old Lào Cai + Yên Bái: its pre-reform province is not one.
        dict(province="Lào Cai", year=2026),
        dict(province="Lào Cai", era=AFTER_2025, province_after_2025="Lào Cai", province_before_2025=None),
        id="lao-cai-2026",
    ),
    pytest.param(
        dict(province="Lào Cai", year=2024),
        dict(province="Lào Cai", era=BEFORE_2025, province_before_2025="Lào Cai", province_after_2025="Lào Cai"),
        id="lao-cai-2024",
    ),
    pytest.param(
        dict(province="Bình Định", year=2023),
        dict(province="Bình Định", era=BEFORE_2025, province_before_2025="Bình Định",
             province_after_2025="Gia Lai"),
        id="binh-dinh-2023-goes-to-gia-lai",
    ),
    pytest.param(
        # Bình Định no longer exists in 2026: fall back to the old era.
        dict(province="Bình Định", year=2026),
        dict(province="Bình Định", era=BEFORE_2025, province_after_2025="Gia Lai"),
        id="binh-dinh-2026-falls-back",
    ),
    pytest.param(dict(province="Hà Giang"), dict(province_after_2025="Tuyên Quang"), id="ha-giang-to-tuyen-quang"),
    pytest.param(dict(province="Hải Dương"), dict(province_after_2025="Hải Phòng"), id="hai-duong-to-hai-phong"),
    pytest.param(dict(province="TP. HCM"), dict(province="Hồ Chí Minh", confidence=1.0), id="tp-hcm"),
    pytest.param(dict(province="TPHCM"), dict(province="Hồ Chí Minh"), id="tphcm"),
    pytest.param(
        dict(province="Thành phố Hồ Chí Minh", year=2014),
        dict(province="Hồ Chí Minh", era=BEFORE_2025),
        id="thanh-pho-ho-chi-minh",
    ),
    pytest.param(dict(province="Thừa Thiên Huế", year=2020), dict(province="Huế"), id="thua-thien-hue"),
    pytest.param(
        dict(commune="Long Biên", year=date(2025, 8, 1)),
        dict(province="Hà Nội", district=None, commune="Long Biên", era=AFTER_2025),
        id="long-bien-ward-after-reform",
    ),
    pytest.param(
        dict(commune="đặc khu Phú Quốc", year=2026),
        dict(province="An Giang", commune="Phú Quốc", province_before_2025="Kiên Giang"),
        id="dac-khu-phu-quoc",
    ),
    pytest.param(
        # The exact "Đại Từ" (a 2025 commune) beats the accent-less look-alike "Đại Tự" (Vĩnh Phúc).
        dict(commune="Đại Từ", year=2023),
        dict(province="Thái Nguyên", commune="Đại Từ"),
        id="exact-spelling-beats-look-alike",
    ),
    pytest.param(
        dict(commune="Tân Lập", hints=("Thái Nguyên",)),
        dict(province="Thái Nguyên", commune="Tân Lập", candidates=1),
        id="ambiguous-commune-with-province-hint",
    ),
    pytest.param(
        dict(commune="Phường 5", hints=("Quận 3", "Thành phố Hồ Chí Minh")),
        dict(province="Hồ Chí Minh", district="Quận 3", commune="Phường 5"),
        id="numbered-ward-with-district-hint",
    ),
    pytest.param(
        dict(commune="Phường 5", district="Quận 3"),
        dict(province="Hồ Chí Minh", district="Quận 3", commune="Phường 5", candidates=1),
        id="numbered-ward-with-district",
    ),
    pytest.param(
        # The package types these two wards "Xã"; the build fixes that from the full name.
        dict(commune="Phường 15", district="quận Phú Nhuận"),
        dict(province="Hồ Chí Minh", district="Phú Nhuận", commune="Phường 15", candidates=1),
        id="phu-nhuan-ward-type-fixed",
    ),
    pytest.param(
        dict(commune="Tân Lập", province="Phú Thọ"),
        dict(province="Phú Thọ", commune="Tân Lập", inferred=("district",)),
        id="province-narrows-commune",
    ),
    pytest.param(
        dict(district="Châu Thành", hints=("tỉnh Tiền Giang",)),
        dict(province="Tiền Giang", district="Châu Thành", province_after_2025="Đồng Tháp"),
        id="ambiguous-district-with-hint",
    ),
    pytest.param(
        # Trung Tự ward was merged into Kim Liên in 2019; the package keeps it as an alias.
        dict(commune="phường Trung Tự"),
        dict(province="Hà Nội", district="Đống Đa", commune="Trung Tự"),
        id="former-ward-name",
    ),
]


@pytest.mark.parametrize(("kwargs", "expected"), RESOLVE)
def test_resolve(gz: Gazetteer, kwargs: dict, expected: dict) -> None:
    result = gz.resolve(**kwargs)
    assert isinstance(result, AreaResolution)
    got = {name: getattr(result, name) for name in expected}
    assert got == expected
    assert 0.0 < result.confidence <= 1.0


def test_resolve_accentless_is_less_confident(gz: Gazetteer) -> None:
    plain = gz.resolve(province="Thai Nguyen")
    exact = gz.resolve(province="Thái Nguyên")
    assert plain.province == exact.province == "Thái Nguyên"
    assert plain.confidence < exact.confidence == 1.0


def test_resolve_former_name_is_less_confident(gz: Gazetteer) -> None:
    former = gz.resolve(commune="phường Trung Tự")
    current = gz.resolve(commune="phường Kim Liên", district="Đống Đa")
    assert former.confidence < current.confidence


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param(dict(province="Atlantis"), id="unknown-province"),
        pytest.param(dict(commune="Xyzabc Qwerty", year=2026), id="unknown-commune"),
        pytest.param(dict(district="   "), id="blank-name"),
    ],
)
def test_resolve_unknown_gives_none(gz: Gazetteer, kwargs: dict) -> None:
    result = gz.resolve(**kwargs)
    assert (result.province, result.district, result.commune, result.era) == (None, None, None, None)
    assert (result.province_before_2025, result.province_after_2025) == (None, None)
    assert result.confidence == 0.0
    assert result.candidates == 0
    assert result.inferred == ()


def test_resolve_nothing_given(gz: Gazetteer) -> None:
    result = gz.resolve()
    assert result.level == "unknown"
    assert result.province is None and result.confidence == 0.0


@pytest.mark.parametrize(
    ("kwargs", "min_candidates"),
    [
        pytest.param(dict(commune="Tân Lập"), 10, id="tan-lap-before-2025"),
        pytest.param(dict(commune="Tân An", year=2026), 5, id="tan-an-after-2025"),
        pytest.param(dict(commune="Phường 1"), 20, id="phuong-1-without-district"),
        pytest.param(dict(commune="Tân Lập", hints=("Atlantis",)), 10, id="useless-hint"),
    ],
)
def test_resolve_ambiguous_commune_does_not_guess(gz: Gazetteer, kwargs: dict, min_candidates: int) -> None:
    result = gz.resolve(**kwargs)
    assert result.province is None
    assert result.district is None
    assert result.province_before_2025 is None and result.province_after_2025 is None
    assert result.commune is not None  # the name itself is known
    assert result.candidates >= min_candidates
    assert result.confidence <= 0.3
    assert result.inferred == ()


def test_resolve_contradiction_infers_nothing(gz: Gazetteer) -> None:
    # Hà Thượng is in Thái Nguyên, not in Hà Nội.
    result = gz.resolve(province="Hà Nội", commune="Hà Thượng")
    assert result.province == "Hà Nội"
    assert result.commune == "Hà Thượng"
    assert result.district is None
    assert result.inferred == ()
    assert result.confidence <= 0.4


def test_resolve_unknown_province_replaced_from_commune(gz: Gazetteer) -> None:
    result = gz.resolve(province="Atlantis", commune="Hà Thượng")
    assert result.province == "Thái Nguyên"
    assert "province" in result.inferred
    assert result.confidence <= 0.4


def test_resolve_date_picks_era(gz: Gazetteer) -> None:
    # "Long Biên" is a quận before the reform and a phường after it.
    before = gz.resolve(district="Long Biên", year=date(2025, 6, 30))
    assert before.era == BEFORE_2025 and before.district == "Long Biên"
    assert gz.resolve(province="Thái Nguyên", year=date(2025, 7, 1)).era == AFTER_2025
    assert gz.resolve(province="Thái Nguyên", year=date(2025, 6, 30)).era == BEFORE_2025
    assert gz.resolve(province="Thái Nguyên", year=2026).era == AFTER_2025
    assert gz.resolve(province="Thái Nguyên", year=2025).era == BEFORE_2025


# ---------------------------------------------------------------------------
# lookups
# ---------------------------------------------------------------------------


def test_province_names(gz: Gazetteer) -> None:
    before = gz.province_names(BEFORE_2025)
    after = gz.province_names(AFTER_2025)
    assert len(before) == 63
    assert len(after) == 34
    assert len(set(before)) == 63
    # Every post-reform province kept the name of one of the old ones.
    assert set(after) <= set(before)
    assert set(gz.province_names()) == set(before)
    assert "Hồ Chí Minh" in after and "Bình Định" not in after
    assert not any(n.startswith(("Tỉnh ", "Thành phố ")) for n in before)


@pytest.mark.parametrize(
    ("name", "era", "expected"),
    [
        pytest.param("TP. Hồ Chí Minh", None, True, id="tp-hcm"),
        pytest.param("TỈNH THANH HOÁ", None, True, id="upper-old-tone"),
        pytest.param("Bình Định", BEFORE_2025, True, id="binh-dinh-before"),
        pytest.param("Bình Định", AFTER_2025, False, id="binh-dinh-after"),
        pytest.param("Long Biên", None, False, id="district-is-not-province"),
        pytest.param("", None, False, id="empty"),
    ],
)
def test_is_province(gz: Gazetteer, name: str, era: str | None, expected: bool) -> None:
    assert gz.is_province(name, era) is expected


def test_lookup_levels_and_fields(gz: Gazetteer) -> None:
    (district,) = gz.lookup("huyện Đại Từ")
    assert (district.name, district.full_name, district.level, district.unit_type) == (
        "Đại Từ", "Huyện Đại Từ", "district", "Huyện"
    )
    assert (district.province, district.era) == ("Thái Nguyên", BEFORE_2025)
    # Without a unit word: the old district and the 2025 commune of that name.
    both = gz.lookup("Đại Từ")
    assert [(u.level, u.era) for u in both] == [("district", BEFORE_2025), ("commune", AFTER_2025)]
    # With a year, the era then in force only.
    assert [(u.level, u.era) for u in gz.lookup("Đại Từ", year=2026)] == [("commune", AFTER_2025)]


def test_lookup_city_vs_province(gz: Gazetteer) -> None:
    (city,) = gz.lookup("thành phố Thanh Hóa")
    assert (city.level, city.unit_type, city.province) == ("district", "Thành phố", "Thanh Hóa")
    provinces = gz.lookup("Thanh Hóa", level="province")
    assert {u.era for u in provinces} == {BEFORE_2025, AFTER_2025}


def test_lookup_numbered_and_odd_names(gz: Gazetteer) -> None:
    (q12,) = gz.lookup("Quận 12")
    assert (q12.name, q12.full_name, q12.province) == ("Quận 12", "Quận 12", "Hồ Chí Minh")
    # A ward whose name starts with the unit word: "Phường Phường Đúc" in Huế.
    (duc,) = gz.lookup("Phường Phường Đúc")
    assert gz.lookup("Phường Đúc") == [duc]
    assert duc.province == "Huế"
    # The package's "(Thị trấn)" suffix is gone from display names.
    assert {u.name for u in gz.lookup("Chi Lăng", level="commune")} == {"Chi Lăng"}
    assert gz.lookup("Xyzabc") == []


def test_every_unit_is_found_by_its_names(gz: Gazetteer) -> None:
    """Each unit of both eras: by name, full name and upper-case full name, and in running text."""
    missed = []
    for era in (BEFORE_2025, AFTER_2025):
        for level in ("province", "district", "commune"):
            for code in gz.codes(era, level):
                unit = gz.unit(era, level, code)
                assert unit is not None
                for name in (unit.name, unit.full_name, unit.full_name.upper()):
                    if unit not in gz.lookup(name, level=level):
                        missed.append(("lookup", name))
                text = f"Ủy ban nhân dân {unit.full_name}, "
                found = gz.mentions(text)
                if not found or unit not in found[0].units or text[found[0].start : found[0].end] != unit.full_name:
                    missed.append(("mention", unit.full_name))
    assert missed == []


def test_province_map(gz: Gazetteer) -> None:
    mapping = gz.province_map()
    assert len(mapping) == 63
    assert len(set(mapping.values())) == 34
    assert mapping["Bình Định"] == "Gia Lai"
    assert mapping["Hà Giang"] == "Tuyên Quang"
    assert mapping["Hải Dương"] == "Hải Phòng"
    assert mapping["Thanh Hóa"] == "Thanh Hóa"
    assert gz.province_after_2025("tỉnh Yên Bái") == "Lào Cai"
    assert set(gz.provinces_merged_into("Lào Cai")) == {"Lào Cai", "Yên Bái"}
    assert gz.provinces_merged_into("Thanh Hóa") == ["Thanh Hóa"]
    assert set(gz.provinces_merged_into("Hồ Chí Minh")) == {"Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"}


def test_commune_mapping_across_reform(gz: Gazetteer) -> None:
    (old,) = gz.lookup("Hà Thượng", level="commune")
    news = gz.communes_after_2025(old)
    assert news and all(u.era == AFTER_2025 and u.province == "Thái Nguyên" for u in news)
    assert old in gz.communes_before_2025(news[0])


# ---------------------------------------------------------------------------
# mentions()
# ---------------------------------------------------------------------------

P, D, C = "province", "district", "commune"

MENTIONS = [
    pytest.param("Ủy ban nhân dân tỉnh Thanh Hóa ban hành", [("tỉnh Thanh Hóa", P, "Thanh Hóa")], id="tinh-thanh-hoa"),
    pytest.param("của tỉnh Thanh Hoá.", [("tỉnh Thanh Hoá", P, "Thanh Hóa")], id="old-tone-spelling"),
    pytest.param("UBND TỈNH QUẢNG NGÃI\nSỞ GIÁO DỤC", [("TỈNH QUẢNG NGÃI", P, "Quảng Ngãi")], id="upper-case-header"),
    pytest.param(
        "Quyết định của Ủy ban nhân dân thành phố Hải Phòng ban hành",
        [("thành phố Hải Phòng", P, "Hải Phòng")],
        id="thanh-pho-hai-phong",
    ),
    pytest.param(
        "trên địa bàn Thành phố Hồ Chí Minh.", [("Thành phố Hồ Chí Minh", P, "Hồ Chí Minh")], id="longest-match-hcm"
    ),
    pytest.param(
        "Sở GD TP. HCM, TP.HCM và TPHCM",
        [("TP. HCM", P, "Hồ Chí Minh"), ("TP.HCM", P, "Hồ Chí Minh"), ("TPHCM", P, "Hồ Chí Minh")],
        id="tp-hcm-abbreviations",
    ),
    pytest.param("xã hội học tập quận Long Biên", [("quận Long Biên", D, "Long Biên")], id="quan-long-bien"),
    pytest.param("Quận 12, ngày 27 tháng 9", [("Quận 12", D, "Quận 12")], id="quan-12"),
    pytest.param(
        "huyện Đại Từ, tỉnh Thái Nguyên",
        [("huyện Đại Từ", D, "Đại Từ"), ("tỉnh Thái Nguyên", P, "Thái Nguyên")],
        id="district-and-province",
    ),
    pytest.param("UBND thị xã Đức Phổ", [("thị xã Đức Phổ", D, "Đức Phổ")], id="thi-xa"),
    pytest.param("Ủy ban nhân dân xã Hà Thượng", [("xã Hà Thượng", C, "Hà Thượng")], id="xa-ha-thuong"),
    pytest.param("MTTQ phường Bắc Cam Ranh", [("phường Bắc Cam Ranh", C, "Bắc Cam Ranh")], id="phuong-bac-cam-ranh"),
    pytest.param("thị trấn Diêu Trì", [("thị trấn Diêu Trì", C, "Diêu Trì")], id="thi-tran"),
    pytest.param("đặc khu Phú Quốc", [("đặc khu Phú Quốc", C, "Phú Quốc")], id="dac-khu"),
    pytest.param("thành phố Thanh Hóa", [("thành phố Thanh Hóa", D, "Thanh Hóa")], id="provincial-city-is-district"),
    pytest.param("tỉnh Bà Rịa - Vũng Tàu", [("tỉnh Bà Rịa - Vũng Tàu", P, "Bà Rịa - Vũng Tàu")], id="dashed-name"),
    pytest.param("huyện Ea H’leo", [("huyện Ea H’leo", D, "Ea H'leo")], id="apostrophe-name"),
    pytest.param("THÀNH PHỐ HÀ\nNỘI", [("THÀNH PHỐ HÀ\nNỘI", P, "Hà Nội")], id="line-wrapped-name"),
    pytest.param(
        "Phường IV, thành phố Vị Thanh",
        [("Phường IV", C, "Phường IV"), ("thành phố Vị Thanh", D, "Vị Thanh")],
        id="roman-numbered-ward",
    ),
    # Not mentions.
    pytest.param("Ủy ban nhân dân xã xây dựng kế hoạch", [], id="bare-xa"),
    pytest.param("tỉnh", [], id="bare-tinh"),
    pytest.param("các xã, phường, thị trấn và quận, huyện", [], id="list-of-unit-words"),
    pytest.param("phát triển kinh tế - xã hội", [], id="xa-hoi"),
    pytest.param("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", [], id="quoc-hieu"),
    pytest.param("Thường trực Tỉnh ủy", [], id="tinh-uy"),
    pytest.param("xã Đông Nam Bộ", [], id="name-continues"),  # "Đông Nam" is a xã; "Đông Nam Bộ" is not
    pytest.param("xã Atlantis", [], id="unknown-name"),
    pytest.param("huyệnĐại Từ", [], id="no-space-after-unit-word"),
]


@pytest.mark.parametrize(("text", "expected"), MENTIONS)
def test_mentions(gz: Gazetteer, text: str, expected: list[tuple[str, str, str]]) -> None:
    found = gz.mentions(text)
    assert [(text[m.start : m.end], m.level, m.name) for m in found] == expected
    for m in found:
        assert m.units, "a mention always names its units"
        assert m.units[0].level == m.level


def test_mentions_without_diacritics(gz: Gazetteer) -> None:
    text = "tỉnh Đăk Lăk và xã Thanh Hoa, tỉnh Đắk Lắk"
    loose_province, loose_commune, exact_province = gz.mentions(text)
    assert (text[loose_province.start : loose_province.end], loose_province.name) == ("tỉnh Đăk Lăk", "Đắk Lắk")
    assert loose_province.exact is False and exact_province.exact is True
    # "Thanh Hoa" fits Thanh Hóa, Thành Hòa, ...: the name stays as written.
    assert loose_commune.name == "Thanh Hoa"
    assert {u.name for u in loose_commune.units} >= {"Thanh Hóa", "Thành Hòa"}


def test_mention_offsets_in_longer_text(gz: Gazetteer) -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nXÃ HÀ THƯỢNG\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Căn cứ Kế hoạch của UBND huyện Đại Từ; Ủy ban nhân dân xã xây dựng kế hoạch "
        "trên địa bàn xã Hà Thượng, huyện Đại Từ, tỉnh Thái Nguyên."
    )
    found = gz.mentions(text)
    spans = [text[m.start : m.end] for m in found]
    assert spans == ["XÃ HÀ THƯỢNG", "huyện Đại Từ", "xã Hà Thượng", "huyện Đại Từ", "tỉnh Thái Nguyên"]
    # Offsets point at the right occurrence and mentions are in order.
    assert found[0].start == text.index("XÃ HÀ THƯỢNG")
    assert found[2].start == text.index("xã Hà Thượng")
    assert found[3].start == text.rindex("huyện Đại Từ")
    assert [m.start for m in found] == sorted(m.start for m in found)
    assert [m.unit_word for m in found] == ["xã", "huyện", "xã", "huyện", "tỉnh"]


def test_mention_units_follow_year(gz: Gazetteer) -> None:
    (old_first,) = gz.mentions("xã Lương Minh")
    (new_first,) = gz.mentions("xã Lương Minh", year=2026)
    assert {u.era for u in old_first.units} == {BEFORE_2025, AFTER_2025}
    assert old_first.units[0].era == BEFORE_2025
    assert new_first.units[0].era == AFTER_2025
    assert all(u.province == "Quảng Ninh" for u in new_first.units)


def _timed(gz: Gazetteer, text: str) -> float:
    start = time.perf_counter()
    gz.mentions(text)
    return time.perf_counter() - start


def test_mentions_linear_time(gz: Gazetteer) -> None:
    gz.mentions("tỉnh Thanh Hóa")  # build the index outside the timing
    realistic = (
        "Căn cứ Kế hoạch của Ủy ban nhân dân tỉnh Thanh Hóa về phát triển kinh tế - xã hội; "
        "UBND các huyện, thị xã, thành phố; xã Hà Thượng, huyện Đại Từ; TP. HCM; Quận 12.\n"
    )
    text = realistic * (1_000_000 // len(realistic))
    assert _timed(gz, text) < 1.0
    # Inputs built to make a backtracking or quadratic scanner blow up.
    # Bounds are generous for slow CI machines; a blow-up would take minutes.
    for adversarial in (
        "xã Tân " * 150_000,
        "xã " * 300_000,
        "tỉnh Bà Rịa -" * 80_000,
        "thành phố" + " " * 1_000_000,
        "Phường " * 150_000,
    ):
        assert _timed(gz, adversarial) < 2.5


# ---------------------------------------------------------------------------
# data file and loading
# ---------------------------------------------------------------------------


def test_data_file_source_and_size() -> None:
    payload = DATA_PATH.read_bytes()
    assert len(payload) < 1_500_000
    doc = json.loads(gzip.decompress(payload))
    assert doc["source"]["package"] == "vietnamadminunits"
    assert doc["source"]["version"]
    assert len(doc["provinces"][BEFORE_2025]["rows"]) == 63
    assert len(doc["provinces"][AFTER_2025]["rows"]) == 34
    # Full old -> new tally kept alongside the majority map.
    assert set(doc["province_after_2025_full"]) == set(doc["province_after_2025"])


def test_load_time_and_singleton() -> None:
    start = time.perf_counter()
    fresh = Gazetteer.load()
    elapsed = time.perf_counter() - start
    # Target is < 0.3 s (about 0.15 s measured); the bound leaves room for slow CI.
    assert elapsed < 1.0
    assert gazetteer() is gazetteer()
    assert fresh.resolve(district="Long Biên").province == "Hà Nội"


def test_runtime_does_not_import_vietnamadminunits() -> None:
    code = (
        "import sys; from vnplan.gazetteer import gazetteer; "
        "assert gazetteer().resolve(district='Đại Từ').province == 'Thái Nguyên'; "
        "assert 'vietnamadminunits' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_regenerated_data_is_identical(tmp_path: Path) -> None:
    pytest.importorskip("vietnamadminunits")
    out = tmp_path / "gazetteer.json.gz"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_gazetteer.py"), "--out", str(out)],
        cwd=ROOT, check=True, capture_output=True,
    )
    committed = DATA_PATH.read_bytes()
    regenerated = out.read_bytes()
    # Content first, for a readable failure; then the exact bytes.
    assert json.loads(gzip.decompress(regenerated)) == json.loads(gzip.decompress(committed))
    assert regenerated == committed
