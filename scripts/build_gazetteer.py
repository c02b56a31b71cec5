#!/usr/bin/env python3
"""Build ``vnplan/data/gazetteer.json.gz`` from the ``vietnamadminunits`` package.

``vietnamadminunits`` is a development-only dependency: vnplan reads the JSON
written here and never imports the package at run time.

Sources inside the package's ``data/`` folder:

* ``dataset.db`` (sqlite)
  - ``admin_units_legacy``: the 63 provinces, their districts and communes as
    they stood before the 1 July 2025 reform;
  - ``admin_units``: the 34 provinces and their communes/wards after it (there
    are no districts any more).
* ``converter_2025.json``: where each pre-2025 commune went (one new commune,
  or several when it was divided, the default one marked).

The output is deterministic: rows are sorted by code, keys are sorted, the
JSON is compact and the gzip header carries no file name and mtime 0, so
running the script twice gives identical bytes (a test checks this).

Usage::

    python scripts/build_gazetteer.py [--out vnplan/data/gazetteer.json.gz] [--data-dir DIR]
"""
from __future__ import annotations

import argparse
import collections
import gzip
import importlib.metadata
import importlib.util
import io
import json
import re
import sqlite3
import sys
import unicodedata
from pathlib import Path
from typing import Any

PACKAGE = "vietnamadminunits"
FORMAT_VERSION = 1
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "vnplan" / "data" / "gazetteer.json.gz"

BEFORE = "before-2025"
AFTER = "after-2025"

# Names that people write for a province but that the package does not list
# (or lists only as accent-less keys).  Keyed by the province's short name;
# they apply in every era where that province exists.
PROVINCE_ALIASES: dict[str, list[str]] = {
    "Hồ Chí Minh": ["HCM", "TPHCM"],
    # Huế was "Tỉnh Thừa Thiên Huế" until it became a centrally-run city in
    # January 2025; documents before that use the old name.
    "Huế": ["Thừa Thiên Huế"],
    "Bà Rịa - Vũng Tàu": ["BRVT", "Bà Rịa Vũng Tàu"],
}

# The package's accent-less alias keys carry the unit word glued on
# ("phuongtrungtu"); these are the prefixes to recognise it by.
_ASCII_UNIT_PREFIXES = (
    "thanhpho", "thitran", "thixa", "dackhu", "phuong", "huyen", "quan", "tinh", "xa", "tp", "tx", "tt",
)
_ROMAN = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"}
_PAREN_SUFFIX = re.compile(r"\s*\([^)]*\)\s*$")


def package_data_dir() -> Path:
    """The installed package's ``data/`` folder, found without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{PACKAGE} is not installed: pip install {PACKAGE}")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def clean_name(short: str, unit_type: str) -> str:
    """Display name of a unit, without its unit word.

    * The package disambiguates same-named units of one district with a
      suffix, "Chi Lăng (Thị trấn)" / "Chi Lăng (Xã)"; the type already says
      that, so the suffix goes.
    * Its title-casing missed words that start with an accented vowel
      ("Đồng ý", "é Tòng", "Pa ủ"); those are capitalised.  "Nông trường ..."
      is the one real name with a lower-case word.
    * Numbered units keep their unit word ("Phường 5" is already so in the
      data); Roman-numbered wards ("Phường I" of Vị Thanh) and the 2025
      "Phường 1 Bảo Lộc" kind get it too.
    """
    name = nfc(_PAREN_SUFFIX.sub("", short))
    words = name.split(" ")
    for i, word in enumerate(words):
        if word[:1].islower() and not (i > 0 and words[i - 1] == "Nông" and word == "trường"):
            words[i] = word[:1].upper() + word[1:]
    name = " ".join(words)
    if name in _ROMAN or name[:1].isdigit():  # "IV", "1 Bảo Lộc"
        name = f"{unit_type} {name}"
    return name


def commune_type(full_name: str, declared: str) -> str:
    """The commune's type as its official full name says.

    The package's type column has a few slips (Phường 5 and Phường 15 of Phú
    Nhuận and Thị trấn Ngọc Lặc are typed "Xã"); the full name wins.
    """
    for unit_type in ("Thị trấn", "Phường", "Xã", "Đặc khu"):
        if full_name.startswith(unit_type + " "):
            return unit_type
    return declared


def province_type(full_name: str) -> str:
    return "Thành phố" if full_name.startswith("Thành phố") else "Tỉnh"


def ascii_aliases(raw: str | None, own_keys: set[str]) -> list[str]:
    """The package's alias keys (former names of merged units, abbreviations).

    They are accent-less and space-less ("phuongtrungtu", "trungtu").  Keys
    equal to the unit's own name are dropped, and so is a key with the unit
    word glued on ("huyenquevo") when its bare form is listed or is the
    unit's own name.
    """
    if not raw:
        return []
    keys = set(json.loads(raw))
    kept = set()
    for alias in keys:
        # Drop "huyenquevo" when "quevo" is listed or is the unit's own name.
        glued = any(
            alias.startswith(p) and (alias[len(p):] in keys or alias[len(p):] in own_keys)
            for p in _ASCII_UNIT_PREFIXES
        )
        if not glued:
            kept.add(alias)
    return sorted(kept - own_keys)


def read_rows(db: Path, table: str) -> list[dict[str, Any]]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in con.execute(f"SELECT * FROM {table}")]  # noqa: S608 - fixed table names
    finally:
        con.close()


def build(data_dir: Path, version: str) -> dict[str, Any]:
    """Assemble the gazetteer document (plain JSON-ready data)."""
    legacy = read_rows(data_dir / "dataset.db", "admin_units_legacy")
    current = read_rows(data_dir / "dataset.db", "admin_units")
    converter = json.loads((data_dir / "converter_2025.json").read_text(encoding="utf-8"))

    # ---- provinces -------------------------------------------------------
    provinces: dict[str, dict[str, list[Any]]] = {BEFORE: {}, AFTER: {}}
    for era, rows in ((BEFORE, legacy), (AFTER, current)):
        for r in rows:
            code = r["provinceCode"]
            if code in provinces[era]:
                continue
            name = nfc(r["provinceShort"])
            own = {r["provinceShortKey"], r["provinceKey"]}
            provinces[era][code] = [
                code,
                name,
                province_type(r["province"]),
                sorted(PROVINCE_ALIASES.get(name, [])),
                ascii_aliases(r["provinceAlias"], own),
            ]

    # ---- districts (before 2025 only) -----------------------------------
    districts: dict[str, list[Any]] = {}
    for r in legacy:
        code = r["districtCode"]
        if code in districts:
            continue
        own = {r["districtShortKey"], r["districtKey"]}
        districts[code] = [
            code,
            clean_name(r["districtShort"], r["districtType"]),
            r["districtType"],
            r["provinceCode"],
            ascii_aliases(r["districtAlias"], own),
        ]

    # ---- where each pre-2025 commune went --------------------------------
    old_by_key = {f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}": r for r in legacy}
    new_by_key = {(r["provinceKey"], r["wardKey"]): r for r in current}
    # old key -> {new ward code: is default target}
    targets: dict[str, dict[str, bool]] = collections.defaultdict(dict)
    for new_prov, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, old_keys in wards.items():
            new_code = new_by_key[(new_prov, new_ward)]["wardCode"]
            for old_key in old_keys:
                targets[old_key][new_code] = True
    for new_prov, divided in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in divided.items():
            for part in parts:
                new_code = new_by_key[(new_prov, part["newWardKey"])]["wardCode"]
                is_default = bool(part["isDefaultNewWard"]) or targets[old_key].get(new_code, False)
                targets[old_key][new_code] = is_default
    unknown = sorted(set(targets) - set(old_by_key))
    if unknown:
        raise SystemExit(f"converter names communes missing from the dataset: {unknown[:5]}")

    def ordered_targets(old_key: str) -> list[str]:
        # Default target first: that is where most of the commune went.
        return sorted(targets[old_key], key=lambda c: (not targets[old_key][c], c))

    # ---- communes --------------------------------------------------------
    communes_before: list[list[Any]] = []
    for old_key, r in old_by_key.items():
        if not r["ward"]:
            continue  # island districts without communes (Bạch Long Vĩ, Côn Đảo, ...)
        own = {r["wardShortKey"], r["wardKey"]}
        ward_type = commune_type(r["ward"], r["wardType"])
        communes_before.append([
            r["wardCode"],
            clean_name(r["wardShort"], ward_type),
            ward_type,
            r["districtCode"],
            ascii_aliases(r["wardAlias"], own),
            ordered_targets(old_key),
        ])
    communes_before.sort(key=lambda row: row[0])

    communes_after = sorted(
        [
            r["wardCode"],
            clean_name(r["wardShort"], commune_type(r["ward"], r["wardType"])),
            commune_type(r["ward"], r["wardType"]),
            r["provinceCode"],
        ]
        for r in current
    )

    # ---- old province -> new province ------------------------------------
    # Count each old unit (commune, or a commune-less island district) at the
    # new province of its default target.  No province was split in 2025, but
    # the full tally is kept so that a split would show.
    new_province_of = {r["wardCode"]: r["provinceCode"] for r in current}
    tally: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for old_key, r in old_by_key.items():
        tally[r["provinceCode"]][new_province_of[ordered_targets(old_key)[0]]] += 1
    province_map_full = {
        old: sorted(([new, n] for new, n in counts.items()), key=lambda x: (-x[1], x[0]))
        for old, counts in tally.items()
    }
    province_map = {old: full[0][0] for old, full in province_map_full.items()}

    # Cross-check against the package's own province table.
    new_key_to_code = {r["provinceKey"]: r["provinceCode"] for r in current}
    old_key_to_code = {r["provinceKey"]: r["provinceCode"] for r in legacy}
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        for old_key in old_keys:
            if province_map[old_key_to_code[old_key]] != new_key_to_code[new_key]:
                raise SystemExit(f"province map disagrees with converter DICT_PROVINCE for {old_key}")

    def table(columns: list[str], rows: list[list[Any]]) -> dict[str, Any]:
        return {"columns": columns, "rows": rows}

    return {
        "format": FORMAT_VERSION,
        "source": {
            "package": PACKAGE,
            "version": version,
            "files": ["data/dataset.db", "data/converter_2025.json"],
            "note": "names, codes and the 2025 mapping as given by the package, with the fixes in this script",
        },
        "reform_date": "2025-07-01",
        "provinces": {
            era: table(["code", "name", "type", "aliases", "ascii_aliases"], sorted(provinces[era].values()))
            for era in (BEFORE, AFTER)
        },
        "districts_before_2025": table(
            ["code", "name", "type", "province", "ascii_aliases"], sorted(districts.values())
        ),
        "communes_before_2025": table(
            ["code", "name", "type", "district", "ascii_aliases", "after_2025"], communes_before
        ),
        "communes_after_2025": table(["code", "name", "type", "province"], communes_after),
        "province_after_2025": province_map,
        "province_after_2025_full": province_map_full,
    }


def encode(doc: dict[str, Any]) -> bytes:
    """Compact, key-sorted JSON in a gzip stream with a fixed header."""
    raw = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(raw)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output file (default: %(default)s)")
    parser.add_argument("--data-dir", type=Path, default=None, help=f"{PACKAGE}'s data folder (default: installed)")
    args = parser.parse_args(argv)

    data_dir = args.data_dir or package_data_dir()
    version = importlib.metadata.version(PACKAGE)
    payload = encode(build(data_dir, version))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(payload)
    print(f"wrote {args.out} ({len(payload):,} bytes) from {PACKAGE} {version}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
