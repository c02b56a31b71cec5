#!/usr/bin/env python3
"""Make N plans by varying the corpus plans: other signers, places, numbers, years, order of items.

    python scripts/make_variants.py OUT --n 10000 --seed 0 [--per-folder 500] [--archives]

Deterministic: the same --seed and --n give byte-identical files. Every variant has
its own document number, so no two files have the same bytes (no accidental
duplicates). Files go to OUT/0000/, OUT/0001/, ... (``--per-folder`` each); with
``--archives`` every folder after the first is packed alternately as .zip and
.tar.gz (one zip holding a nested .tar.gz), to exercise the archive readers.

Used by benchmarks/bench_batch.py and the batch tests (``import`` by path).
"""
from __future__ import annotations

import argparse
import io
import json
import random
import re
import shutil
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quang", "Ngọc", "Thu", "Hoàng", "Xuân", "Kim"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Linh", "Long", "Mai", "Nam",
         "Phong", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Việt", "Yến"]
PROVINCES = ["Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Nghệ An", "Thanh Hóa", "Quảng Ninh", "Lào Cai", "Huế",
             "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Gia Lai", "Quảng Ngãi", "An Giang", "Đồng Nai", "Tây Ninh"]
DISTRICTS = ["Cầu Giấy", "Đống Đa", "Hoàn Kiếm", "Ba Đình", "Thanh Xuân", "Hoàng Mai", "Tây Hồ", "Gia Lâm",
             "Quận 1", "Quận 3", "Quận 7", "Gò Vấp", "Bình Thạnh", "Tân Bình", "Phú Nhuận", "Thủ Đức"]
COMMUNES = ["Tân Lập", "Hòa Bình", "Phú Thịnh", "An Khánh", "Minh Khai", "Tiên Phong", "Đồng Tâm", "Quang Trung",
            "Hưng Đạo", "Thống Nhất"]
_YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?!\d)")
_NUMBER_LINE = re.compile(r"(Số\s*:?\s*)(\d*)(\s*/\s*[A-ZĐ])")
_BULLET = re.compile(r"^\s*[-+•]\s+\S")


@dataclass(frozen=True)
class Seed:
    name: str
    text: str
    gold: dict


def seeds() -> list[Seed]:
    """The corpus plans that have text and a gold record."""
    out = []
    for plans, gold in ((ROOT / "corpus" / "plans", ROOT / "corpus" / "gold"),
                        (ROOT / "corpus" / "dev" / "plans", ROOT / "corpus" / "dev" / "gold")):
        for p in sorted(plans.glob("*.txt")):
            g = gold / f"{p.stem}.json"
            if g.exists():
                out.append(Seed(p.stem, p.read_text(encoding="utf-8"), json.loads(g.read_text(encoding="utf-8"))))
    return out


def _replace_all(text: str, old: str | None, new: str) -> str:
    if not old or len(old) < 3:
        return text
    return re.sub(rf"(?<!\w){re.escape(old)}(?!\w)", new, text)


def _shuffle_bullets(text: str, rng: random.Random) -> str:
    """Shuffle each run of three or more bullet paragraphs: the order of parts changes, the parts do not."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if _BULLET.match(lines[i]):
            # a run of bullet paragraphs, blank lines between them allowed
            j = i
            items: list[str] = []
            while j < len(lines) and (_BULLET.match(lines[j]) or (not lines[j].strip() and j + 1 < len(lines)
                                                                   and _BULLET.match(lines[j + 1]))):
                if lines[j].strip():
                    items.append(lines[j])
                j += 1
            if len(items) >= 3:
                rng.shuffle(items)
                blank = any(not lines[k].strip() for k in range(i, j))
                for k, it in enumerate(items):
                    if k and blank:
                        out.append("")
                    out.append(it)
            else:
                out.extend(lines[i:j])
            i = j
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


def variant(seed: Seed, index: int, rng: random.Random) -> str:
    """One variant of a seed plan. ``index`` makes its document number, hence its bytes, unique."""
    text = seed.text
    g = seed.gold
    # names: the signer
    signer = (g.get("signer") or {}).get("name")
    text = _replace_all(text, signer, f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}")
    # units: the commune, district and province of the issuer
    area = g.get("area") or {}
    text = _replace_all(text, area.get("commune"), rng.choice(COMMUNES))
    text = _replace_all(text, area.get("district"), rng.choice(DISTRICTS))
    text = _replace_all(text, area.get("province"), rng.choice(PROVINCES))
    # dates: every year moves by the same amount, so periods and deadlines keep their order
    shift = rng.choice([-4, -3, -2, -1, 1, 2])
    text = _YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)
    # order of parts
    text = _shuffle_bullets(text, rng)
    # numbers: the document's own number, unique per variant
    number = str(100 + index)
    text, n = _NUMBER_LINE.subn(lambda m: f"{m.group(1)}{number}{m.group(3)}", text, count=1)
    if not n:
        text = text.rstrip("\n") + f"\n\n(Bản lưu số {number})\n"
    return text


def generate(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """(relative name, text) of N variants."""
    base = seeds()
    if not base:
        raise SystemExit("no corpus plans with gold records found")
    out = []
    for i in range(n):
        rng = random.Random(f"{seed}:{i}")
        s = base[i % len(base)]
        out.append((f"v{i:05d}_{s.name}.txt", variant(s, i, rng)))
    return out


def write(out: Path, n: int, seed: int = 0, per_folder: int = 500, archives: bool = False) -> list[Path]:
    """Write the variants under OUT; returns the top-level inputs (folders and archives)."""
    out.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    files = generate(n, seed)
    for f, start in enumerate(range(0, n, per_folder)):
        chunk = files[start:start + per_folder]
        name = f"{f:04d}"
        if not archives or f == 0:
            d = out / name
            if d.exists():
                shutil.rmtree(d)
            d.mkdir(parents=True)
            for fname, text in chunk:
                (d / fname).write_text(text, encoding="utf-8")
            made.append(d)
        elif f % 2 == 1:
            p = out / f"{name}.zip"
            with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
                half = len(chunk) // 2
                for fname, text in chunk[:half]:
                    z.writestr(f"{name}/{fname}", text.encode("utf-8"))
                z.writestr(f"{name}/nested.tar.gz", _targz(chunk[half:], name))
            made.append(p)
        else:
            p = out / f"{name}.tar.gz"
            p.write_bytes(_targz(chunk, name))
            made.append(p)
    return made


def _targz(files: list[tuple[str, str]], prefix: str) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for fname, text in files:
            data = text.encode("utf-8")
            info = tarfile.TarInfo(f"{prefix}/{fname}")
            info.size = len(data)
            info.mtime = 0  # reproducible archives
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--per-folder", type=int, default=500)
    ap.add_argument("--archives", action="store_true", help="pack folders after the first as .zip / .tar.gz")
    a = ap.parse_args(argv)
    made = write(a.out, a.n, a.seed, a.per_folder, a.archives)
    print(f"{a.n} variants in {len(made)} folders/archives under {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
