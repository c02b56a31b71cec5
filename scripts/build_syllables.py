#!/usr/bin/env python3
"""Build vnplan/data/vi_syllables.txt: the Vietnamese syllables OCR repair may trust.

Two sources, so the list is not limited to what the corpus happens to contain:

1. the syllable structure of Vietnamese writing — onset × rhyme × tone, with
   the spelling rules (c/k, g/gh, ng/ngh before front vowels; stop-final rhymes
   -c -ch -p -t take only the sắc and nặng tones; iê written yê without an
   onset) and both tone-mark placements in use (hòa/hoà, thủy/thuỷ);
2. the corpus texts (corpus/plans, corpus/dev/plans; texts marked as OCR output
   in SOURCES.tsv are left out, so their errors are not counted), which give
   every syllable a frequency and add the abbreviations (UBND, HĐND, ...) that
   OCR splits into letters.

Output lines: ``syllable<TAB>count`` (lowercase, NFC) for every structurally
valid syllable (count 0 when the corpus lacks it), then ``ABBREVIATION<TAB>count``
(uppercase) for all-capital tokens of the corpus that are not syllables.

Usage: python scripts/build_syllables.py [--corpus corpus] [--out vnplan/data/vi_syllables.txt]
"""
from __future__ import annotations

import argparse
import collections
import csv
import re
import unicodedata
from pathlib import Path

ONSETS = [
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
]

# Rhymes of written Vietnamese, grouped by nucleus (the usual rhyme table).
RHYMES = """
a ac ach ai am an ang anh ao ap at au ay
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e ec em en eng eo ep et
ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
y yêm yên yêng yêt yêu
o oc oi om on ong op ot
oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oe oen oeo oet ooc oong
ô ôc ôi ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u uc ui um un ung up ut
ua uân uâng uât uây uê uêch uênh uơ uôc uôi uôm uôn uông uôt uy uya uych uyn uynh uyp uyt uyu uyên uyêt
ư ưc ưi ưm ưn ưng ưt ưu ưa ươc ươi ươm ươn ương ươp ươt ươu
""".split()

VOWELS = set("aăâeêioôơuưy")
SHAPED = set("ăâêôơư")  # vowels with a shape mark, which carry the tone mark
STOP_FINALS = ("c", "ch", "p", "t")
FINALS = ("ch", "ng", "nh", "c", "m", "n", "p", "t")
FRONT = set("eêiy")
# NFD tone marks: none, huyền, sắc, hỏi, ngã, nặng.
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
STOP_TONES = ["\u0301", "\u0323"]


def _final(rhyme: str) -> str:
    for f in FINALS:
        if rhyme.endswith(f) and len(rhyme) > len(f):
            return f
    return ""


def _onset_fits(onset: str, rhyme: str) -> bool:
    first = rhyme[0]
    if onset in ("c", "g", "ng") and first in FRONT:
        return False  # written k, gh, ngh before front vowels
    if onset in ("k", "gh", "ngh") and first not in FRONT:
        return False
    if onset == "qu" and first in "uoư":
        return False  # the u of qu is already the glide
    if onset == "gi" and first in "iy":
        return False  # gì, gìn, giết: written as g + i..., added separately
    if rhyme.startswith("yê") and onset not in ("", "qu"):
        return False  # after an onset the diphthong is written iê
    if rhyme.startswith("iê") and onset in ("", "qu"):
        return False  # without an onset (or after qu) it is written yê
    return True


def _mark_positions(rhyme: str) -> list[int]:
    """Indexes in the rhyme where the tone mark may be written (two for hòa/hoà)."""
    final = _final(rhyme)
    body = rhyme[: len(rhyme) - len(final)] if final else rhyme
    idx = [i for i, ch in enumerate(body) if ch in VOWELS]
    if not idx:
        return []
    shaped = [i for i in idx if body[i] in SHAPED]
    if shaped:
        return [shaped[-1]]
    if final or len(idx) == 1:
        return [idx[-1]]
    if len(idx) == 3:
        return [idx[1]]
    if body in ("oa", "oe", "uy"):
        return [idx[1], idx[0]]  # hoà and hòa are both in use
    return [idx[0]]


def _with_tone(onset: str, rhyme: str, tone: str, pos: int) -> str:
    chars = list(rhyme)
    chars[pos] = unicodedata.normalize("NFC", chars[pos] + tone)
    return unicodedata.normalize("NFC", onset + "".join(chars))


def structural_syllables() -> set[str]:
    out: set[str] = set()
    for rhyme in RHYMES:
        tones = STOP_TONES if _final(rhyme) in STOP_FINALS else TONES
        for onset in ONSETS:
            if not _onset_fits(onset, rhyme):
                continue
            for tone in tones:
                for pos in _mark_positions(rhyme):
                    out.add(_with_tone(onset, rhyme, tone, pos))
    # gi + a rhyme in i shares the i: gì, gìn, giết, giếng are g + i-rhyme.
    for rhyme in RHYMES:
        if rhyme.startswith("i"):
            tones = STOP_TONES if _final(rhyme) in STOP_FINALS else TONES
            for tone in tones:
                for pos in _mark_positions(rhyme):
                    out.add(_with_tone("g", rhyme, tone, pos))
    return out


TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)


def corpus_texts(corpus: Path) -> list[str]:
    """Corpus texts, without the ones that are OCR output (their errors would count as Vietnamese)."""
    ocr_ids: set[str] = set()
    sources = corpus / "dev" / "SOURCES.tsv"
    if sources.exists():
        with sources.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                if "OCR" in (row.get("format_notes") or ""):
                    ocr_ids.add(row["id"])
    texts = []
    for path in sorted(corpus.rglob("*.txt")):
        if path.stem in ocr_ids:
            continue
        texts.append(unicodedata.normalize("NFC", path.read_text(encoding="utf-8", errors="replace")))
    return texts


def build(corpus: Path) -> tuple[dict[str, int], dict[str, int]]:
    valid = structural_syllables()
    counts: collections.Counter[str] = collections.Counter()
    abbrevs: collections.Counter[str] = collections.Counter()
    for text in corpus_texts(corpus):
        for tok in TOKEN.findall(text):
            low = tok.lower()
            if low in valid:
                counts[low] += 1
            elif tok.isupper() and 2 <= len(tok) <= 8:
                abbrevs[tok] += 1
    syllables = {s: counts.get(s, 0) for s in valid}
    return syllables, dict(abbrevs)


def write(path: Path, syllables: dict[str, int], abbrevs: dict[str, int]) -> None:
    lines = [
        "# Vietnamese syllables (lowercase, NFC) with their count in the vnplan corpus, then",
        "# corpus abbreviations (uppercase) with their count. Made by scripts/build_syllables.py;",
        "# do not edit by hand.",
    ]
    lines += [f"{s}\t{n}" for s, n in sorted(syllables.items())]
    lines += [f"{a}\t{n}" for a, n in sorted(abbrevs.items()) if n >= 2]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=root / "corpus")
    ap.add_argument("--out", type=Path, default=root / "vnplan" / "data" / "vi_syllables.txt")
    args = ap.parse_args()
    syllables, abbrevs = build(args.corpus)
    write(args.out, syllables, abbrevs)
    seen = sum(1 for n in syllables.values() if n)
    n_abbr = sum(1 for n in abbrevs.values() if n >= 2)
    print(f"{len(syllables)} syllables ({seen} seen in the corpus), {n_abbr} abbreviations → {args.out}")


if __name__ == "__main__":
    main()
