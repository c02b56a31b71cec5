"""Pre-Unicode Vietnamese encodings: recognised by evidence, converted to Unicode NFC.

Old plans were typed in fonts that put Vietnamese letters on Latin-1 code points:

* **TCVN3** (TCVN 5712:1993, the ABC fonts ".VnTime", ".VnArial"): one byte a letter;
* **VNI-Windows** ("VNI-Times"): a base letter followed by a mark byte ("Vieät");
* **VISCII** (RFC 1456): one byte a letter, capitals in 0x80-0x9F and six C0 slots;
* **Windows-1258**: base letters followed by combining tone marks.

Their text reaches vnplan two ways: (a) the bytes of a text file that are not UTF-8,
and (b) a ``str`` already decoded as Latin-1/Windows-1252 by a PDF, DOCX or HTML
reader whose font had no Unicode map ("Thùc hiÖn" is TCVN3, "Ñeà nghò" is VNI).
Both are handled on a *code string*: one character per legacy byte (bytes are read
as Latin-1; the Windows-1252 punctuation a reader may have produced maps back to
its byte).

Nothing is converted on the look of a few characters. :func:`detect` converts
the words that a conversion would change and counts how many become valid
Vietnamese syllables (``data/vi_syllables.txt``) against how many were valid
before; proper Unicode Vietnamese only loses syllables under any conversion.
Lines holding letters that only Unicode has (ư ơ đ ạ ...) are never touched, so a
Unicode document with a legacy annex keeps its Unicode part.

The character tables are data: ``data/legacy_tcvn3.json``, ``legacy_vni.json``,
``legacy_viscii.json`` (Windows-1258 is Python's ``cp1258`` codec).
"""
from __future__ import annotations

import bisect
import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataFileError

DATA_DIR = Path(__file__).parent / "data"

ENCODINGS = ("tcvn3", "vni", "viscii", "cp1258")
LABELS = {
    "tcvn3": "TCVN3 (ABC, .VnTime fonts)",
    "vni": "VNI-Windows (VNI-Times fonts)",
    "viscii": "VISCII",
    "cp1258": "Windows-1258",
}
# The encoding a text file is reported in (Document.meta["encoding"]). Windows-1258
# found by evidence is "windows-1258"; "cp1258" stays the name of the old guess for
# non-UTF-8 bytes that no table explains.
FILE_ENCODING = {"tcvn3": "tcvn3", "vni": "vni", "viscii": "viscii", "cp1258": "windows-1258"}

# Evidence needed before anything is converted: enough changed words, most of them
# valid syllables after conversion, and clearly more than before.
MIN_WORDS = 3
MIN_VALID_AFTER = 0.5
MIN_GAIN = 0.35
# Words looked at by detect(): enough for a verdict, bounded for 5 MB inputs.
SAMPLE_WORDS = 4000

# Characters only Unicode Vietnamese has (Latin Extended-A/B letters, the
# Vietnamese block, combining tone marks): a line holding one is Unicode.
_UNICODE_ONLY = re.compile("[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0"
                           "\u1ea0-\u1ef9\u0300-\u0303\u0309\u0323]")
# Lines end at these only: Python's \s and splitlines() also split at \x1c-\x1e and
# \x85, which are letters in VISCII (0x1E Ỵ) and TCVN3/VISCII capitals (0x85).
_LINE = re.compile(r"[^\n\r\f\v]+")
# A word that a conversion may change: a run without spaces holding a non-ASCII
# character or one of the C0 controls that VISCII and TCVN3 use for capitals. It may
# start only where a word starts, and its ASCII head is matched possessively: without
# both, a long space-free ASCII run is rescanned from every position (O(n²)).
_SPECIAL = "\\x01-\\x08\\x0e-\\x1f\\x80-\\U0010ffff"
_WORD = re.compile(rf"(?<![^ \t\n\r\f\v])[^ \t\n\r\f\v{_SPECIAL}]*+[{_SPECIAL}][^ \t\n\r\f\v]*")
_SPECIAL_CHAR = re.compile(rf"[{_SPECIAL}]")
_WORD_CHAR = re.compile(r"\w")
_ASCII_LETTER = re.compile(r"[A-Za-z]")

# Windows-1252 characters of 0x80-0x9F ↔ the byte (as a Latin-1 code character).
_CP1252_TO_CODE: dict[str, str] = {}
_CODE_TO_CP1252: dict[str, str] = {}
for _b in range(0x80, 0xA0):
    try:
        _ch = bytes([_b]).decode("cp1252")
    except UnicodeDecodeError:
        continue
    _CP1252_TO_CODE[_ch] = chr(_b)
    _CODE_TO_CP1252[chr(_b)] = _ch
# Of those, the ones that are punctuation a text really uses (“ ” ‘ ’ … – — • € ...):
# when a table also gives the byte a letter, context decides (see _resolve_conflicts).
_PUNCT_CODES = frozenset(code for code, ch in _CODE_TO_CP1252.items() if not ch.isalpha())
_C1_TO_CP1252 = str.maketrans(_CODE_TO_CP1252)


@dataclass(frozen=True)
class Detection:
    """What :func:`detect` found. ``encoding`` is None for Unicode (or non-Vietnamese) text."""

    encoding: str | None
    confidence: float
    evidence: str

    @property
    def label(self) -> str:
        return LABELS.get(self.encoding or "", "Unicode")


@dataclass(frozen=True)
class Edit:
    """``old[old_start:old_end]`` became ``new[new_start:new_end]``."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int


@dataclass
class Converted:
    text: str
    edits: list[Edit] = field(default_factory=list)

    def mapper(self) -> Callable[[int], int]:
        """Old offset → new offset, monotone; an offset inside a changed word keeps its
        distance from the word's start, clipped to the new word."""
        starts = [e.old_start for e in self.edits]
        edits = self.edits

        def new_offset(pos: int) -> int:
            i = bisect.bisect_right(starts, pos) - 1
            if i < 0:
                return pos
            e = edits[i]
            if pos >= e.old_end:
                return e.new_end + (pos - e.old_end)
            return e.new_start + min(pos - e.old_start, e.new_end - e.new_start)

        return new_offset


# ---------------------------------------------------------------------------
# Tables.


@dataclass(frozen=True)
class _Tables:
    tcvn3: dict[str, str]  # code character → letter (VN3 letters and VN1 capitals)
    tcvn3_marks: dict[str, str]  # code character → combining tone mark (VN1)
    tcvn3_lower_codes: frozenset[str]  # codes of VN3 lowercase letters (what .VnTimeH renders as capitals)
    tcvn3_vn3: frozenset[str]  # codes of the VN3 set (the ABC fonts): no toned capitals
    viscii: dict[str, str]
    vni_letters: dict[str, str]
    vni_marks: dict[str, str]  # code character → combining marks (shape mark first, then tone)
    cp1258: dict[str, str]  # code character → cp1258 character (maybe combining)


def _read_table(name: str) -> dict:
    p = DATA_DIR / f"legacy_{name}.json"
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataFileError(f"cannot read the legacy encoding table {p}: {exc}") from exc


def _codes(mapping: dict[str, str], where: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in mapping.items():
        try:
            code = int(key, 16)
        except ValueError as exc:
            raise DataFileError(f"{where}: '{key}' is not a hexadecimal byte") from exc
        if not 0 < code < 256 or not value:
            raise DataFileError(f"{where}: bad entry {key} → {value!r}")
        out[chr(code)] = unicodedata.normalize("NFC", value) if len(value) > 1 or not unicodedata.combining(value) else value
    return out


@functools.lru_cache(maxsize=1)
def tables() -> _Tables:
    t = _read_table("tcvn3")
    letters = _codes(t["letters"], "legacy_tcvn3.json letters")
    capitals = _codes(t["capitals"], "legacy_tcvn3.json capitals")
    v = _read_table("vni")
    cp1258 = {}
    for b in range(0x80, 0x100):
        try:
            cp1258[chr(b)] = bytes([b]).decode("cp1258")
        except UnicodeDecodeError:
            pass
    tb = _Tables(
        tcvn3=letters | capitals,
        tcvn3_marks=_codes(t["combining"], "legacy_tcvn3.json combining"),
        tcvn3_lower_codes=frozenset(c for c, ch in letters.items() if ch.islower()),
        tcvn3_vn3=frozenset(letters),
        viscii=_codes(_read_table("viscii")["letters"], "legacy_viscii.json letters"),
        vni_letters=_codes(v["letters"], "legacy_vni.json letters"),
        vni_marks=_codes(v["marks"], "legacy_vni.json marks"),
        cp1258=cp1258,
    )
    for name, table, size in (("tcvn3", tb.tcvn3, 134), ("viscii", tb.viscii, 134)):
        if len(table) != size or len(set(table.values())) != size:
            raise DataFileError(f"legacy_{name}.json must give each of the 134 Vietnamese letters one byte")
    return tb


@functools.lru_cache(maxsize=1)
def _lexicon():
    from .ocr_repair import load_lexicon

    return load_lexicon()


def _valid(word: str) -> bool:
    return _lexicon().valid(word)


# ---------------------------------------------------------------------------
# Word conversion (one word of a code string → Unicode NFC).


def _code(ch: str) -> str:
    """The legacy byte behind a character, as a Latin-1 code character."""
    return _CP1252_TO_CODE.get(ch, ch)


def _is_vowel(ch: str) -> bool:
    return unicodedata.normalize("NFD", ch)[:1].lower() in ("a", "e", "i", "o", "u", "y")


def _compose(base: str, marks: str) -> str | None:
    """base + combining marks as one precomposed letter, or None when no such letter exists."""
    out = unicodedata.normalize("NFC", base + marks)
    return out if len(out) == 1 else None


def _single_byte_word(word: str, table: dict[str, str], marks: dict[str, str] | None = None) -> str:
    out: list[str] = []
    conflicts: list[tuple[int, str]] = []
    for ch in word:
        code = _code(ch)
        letter = table.get(code)
        if letter is not None:
            if code in _PUNCT_CODES:
                conflicts.append((len(out), _CODE_TO_CP1252[code] if ch == code else ch))
            out.append(letter)
            continue
        mark = marks.get(code) if marks else None
        if mark and out and _is_vowel(out[-1]):
            composed = _compose(out[-1], mark)
            if composed:
                out[-1] = composed
                continue
        out.append(ch)
    if conflicts:
        _resolve_conflicts(out, conflicts)
    return "".join(out)


def _resolve_conflicts(out: list[str], conflicts: list[tuple[int, str]]) -> None:
    """A byte that is both a capital (TCVN3 VN1, VISCII) and Windows-1252 punctuation
    (“ ” ‘ ’ … – —) is decided by the letters around it. Inside a word it is a letter
    ("TỊNH"); at its edges it is punctuation unless keeping it makes the valid syllable
    ("NGHỊ" keeps Ị; "“…loại" and "GIỚI”" keep their quotes and dots); alone it is a
    letter only when it is a word the corpus really uses ("Ở"), so " – " stays a dash.
    """
    punct = dict(conflicts)
    done: set[int] = set()
    for pos, _ in conflicts:
        if pos in done:
            continue
        lo, hi = pos, pos + 1
        while lo > 0 and out[lo - 1].isalpha():
            lo -= 1
        while hi < len(out) and out[hi].isalpha():
            hi += 1
        done.update(k for k in range(lo, hi) if k in punct)
        lead = 0
        while lo + lead < hi and lo + lead in punct:
            lead += 1
        if lead == hi - lo:  # nothing but conflict bytes: "……" or a lone "–"
            if not (hi - lo == 1 and _valid_run(out[lo])):
                for k in range(lo, hi):
                    out[k] = punct[k]
            continue
        trail = 0
        while hi - 1 - trail > lo + lead and hi - 1 - trail in punct:
            trail += 1
        # Fewest bytes turned into punctuation first (at most three a side: "……" runs).
        options = sorted(((a, b) for a in range(min(lead, 3) + 1) for b in range(min(trail, 3) + 1)), key=sum)
        a, b = next(((a, b) for a, b in options if _valid_run("".join(out[lo + a:hi - b]))), (lead, trail))
        for k in list(range(lo, lo + a)) + list(range(hi - b, hi)):
            out[k] = punct[k]


def _valid_run(run: str) -> bool:
    if len(run) == 1:
        return _lexicon().count(run) >= 20  # ở, ý: one-letter words in real use
    return bool(run) and _valid(run)


def _vni_word(word: str, tb: _Tables) -> str:
    out: list[str] = []
    marked = False  # the last base letter already took its mark byte
    for ch in word:
        mark = tb.vni_marks.get(ch)
        if mark and out and not marked and _is_vowel(out[-1]):
            composed = _compose(out[-1], mark)
            if composed:
                out[-1] = composed
                marked = True
                continue
        out.append(tb.vni_letters.get(ch, ch))
        marked = False
    return "".join(out)


def _cp1258_word(word: str, tb: _Tables) -> str:
    return unicodedata.normalize("NFC", "".join(tb.cp1258.get(_code(ch), ch) for ch in word))


# TCVN3 documents drop the byte 0xAD (ư) when a reader takes it for a soft hyphen:
# "tr­êng" (trường) comes out "trêng" → "trờng". Put ư back only where that makes an
# invalid word valid.
_DROPPED_U = re.compile(r"(?<=[^\W\d_])(?=[ơờớởỡợƠỜỚỞỠỢ])")


def _restore_u(word: str) -> str:
    core = _strip_edges(word)
    if not core or _valid(core):
        return word
    m = _DROPPED_U.search(word)
    if m is None or word[m.start() - 1].lower() in "uư":
        return word
    fixed = word[: m.start()] + ("Ư" if word[m.start()].isupper() else "ư") + word[m.start():]
    return fixed if _valid(_strip_edges(fixed)) else word


def convert_word(word: str, encoding: str) -> str:
    """One word of a code string in ``encoding`` as Unicode NFC."""
    tb = tables()
    if encoding == "tcvn3":
        out = _restore_u(_single_byte_word(word, tb.tcvn3, tb.tcvn3_marks))
    elif encoding == "viscii":
        out = _single_byte_word(word, tb.viscii)
    elif encoding == "vni":
        out = _vni_word(word, tb)
    elif encoding == "cp1258":
        out = _cp1258_word(word, tb)
    else:
        raise ValueError(f"unknown legacy encoding {encoding!r}; use one of {', '.join(ENCODINGS)}")
    # C1 controls left over (bytes read as Latin-1) are Windows-1252 punctuation.
    return unicodedata.normalize("NFC", out.translate(_C1_TO_CP1252))


# ---------------------------------------------------------------------------
# Text conversion.


def _lines(text: str) -> Iterator[re.Match[str]]:
    """Lines that may hold legacy text: not those holding Unicode-only letters."""
    for line in _LINE.finditer(text):
        if not _UNICODE_ONLY.search(line.group()):
            yield line


def _upper_repair(words: list[tuple[re.Match[str], str]], line: str) -> list[str]:
    """TCVN3 capitals typed in the ".VnTimeH" fonts carry lowercase codes: "KÕ HO¹CH"
    reads "Kế HOạCH". A word whose ASCII letters are all capitals (two or more) is
    upper-cased; so are one-capital words on a line with such a word and no lowercase
    ASCII letter ("KẾ HOẠCH", but "Số: 12/KH-UBND" stays). A heading typed in lowercase
    ASCII in such a font cannot be told from ordinary text and stays lowercase."""
    news = [new for _, new in words]
    shouted = []
    for k, (m, new) in enumerate(words):
        letters = _ASCII_LETTER.findall(m.group())
        first = next((c for c in new if c.isalpha()), "")
        # Two capitals, or one that is not the word's first letter ("ĐàO"): not title case.
        capitals = len(letters) >= 2 or (len(letters) == 1 and first != letters[0])
        if capitals and all(c.isupper() for c in letters) and new != new.upper():
            news[k] = new.upper()
            shouted.append(k)
    if shouted and not any(c.islower() for c in _ASCII_LETTER.findall(line)):
        for k, (m, new) in enumerate(words):
            if len(_ASCII_LETTER.findall(m.group())) <= 1:
                news[k] = new.upper()
    return news


def convert(text: str, encoding: str) -> Converted:
    """A code string (or Latin-1-decoded str) in ``encoding`` as Unicode NFC, with the edits made."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown legacy encoding {encoding!r}; use one of {', '.join(ENCODINGS)}")
    parts: list[str] = []
    edits: list[Edit] = []
    last = 0
    new_len = 0
    for line in _lines(text):
        words = [(m, convert_word(m.group(), encoding)) for m in _WORD.finditer(line.group())]
        if not words:
            continue
        news = _upper_repair(words, line.group()) if encoding == "tcvn3" else [n for _, n in words]
        base = line.start()
        for (m, _), new in zip(words, news):
            old = m.group()
            if new == old:
                continue
            s, e = base + m.start(), base + m.end()
            parts.append(text[last:s])
            new_len += s - last
            edits.append(Edit(s, e, new_len, new_len + len(new)))
            parts.append(new)
            new_len += len(new)
            last = e
    parts.append(text[last:])
    return Converted("".join(parts), edits)


def code_string(data: bytes | str) -> str:
    """One character per legacy byte: bytes read as Latin-1; a str as it is."""
    return data.decode("latin-1") if isinstance(data, (bytes, bytearray)) else data


def to_unicode(data: bytes | str, encoding: str) -> str:
    """``data`` (legacy bytes, or a str read as Latin-1/Windows-1252) as Unicode NFC text."""
    return unicodedata.normalize("NFC", convert(code_string(data), encoding).text)


# ---------------------------------------------------------------------------
# Detection.


def _strip_edges(word: str) -> str:
    """The word without the non-word characters around it (a linear scan, not a regex:
    "[^\\w]+$" is quadratic on long runs of punctuation)."""
    m = _WORD_CHAR.search(word)
    if m is None:
        return ""
    end = len(word)
    while not (word[end - 1].isalnum() or word[end - 1] == "_"):
        end -= 1
    return word[m.start():end]


def _core(word: str) -> str | None:
    """The syllable of a word without the punctuation around it, when it has the shape of
    one. One-letter words are no evidence: « » and – alone are valid syllables in some tables."""
    core = _strip_edges(word)
    return core if core.isalpha() and 2 <= len(core) <= 7 else None


@dataclass
class _Tally:
    words: int = 0
    before: int = 0
    after: int = 0


def _tally(text: str, encoding: str, limit: int) -> _Tally:
    """Changed words and how many are valid before and after, from at most ``limit``
    changed words or ``10 × limit`` words looked at (a 5 MB text is judged by its start)."""
    t = _Tally()
    budget = 10 * limit
    for line in _lines(text):
        for m in _WORD.finditer(line.group()):
            budget -= 1
            if budget < 0:
                return t
            old = m.group().translate(_C1_TO_CP1252)
            new = convert_word(m.group(), encoding)
            if new == old:
                continue
            before, after = _core(old), _core(new)
            if before is None and after is None:
                continue
            t.words += 1
            t.before += bool(before and _valid(before))
            t.after += bool(after and _valid(after))
            if t.words >= limit:
                return t
    return t


def _candidates(data: bytes | str) -> tuple[str, ...]:
    if isinstance(data, str):
        return ENCODINGS
    # Bytes: Windows-1258 only when its codec can read them.
    try:
        bytes(data).decode("cp1258")
        return ENCODINGS
    except UnicodeDecodeError:
        return tuple(e for e in ENCODINGS if e != "cp1258")


def detect(data: bytes | str, *, sample_words: int = SAMPLE_WORDS) -> Detection:
    """Which legacy encoding ``data`` is in, from the share of words that become valid
    syllables. Valid UTF-8 bytes are judged as the text they decode to."""
    if isinstance(data, (bytes, bytearray)):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            pass
    text = code_string(data)
    try:
        _lexicon()
    except DataFileError as exc:  # without the syllable list there is no evidence: convert nothing
        return Detection(None, 0.0, f"cannot judge legacy encodings: {exc}")
    best: tuple[float, str, _Tally] | None = None
    for enc in _candidates(data):
        t = _tally(text, enc, sample_words)
        if t.words == 0:
            continue
        gain = (t.after - t.before) / t.words
        if best is None or gain > best[0]:
            best = (gain, enc, t)
    if best is None:
        return Detection(None, 1.0, "no word would change under a legacy encoding")
    gain, enc, t = best
    evidence = (f"{LABELS[enc]}: {t.after}/{t.words} changed words are valid syllables after conversion, "
                f"{t.before}/{t.words} before")
    ok = t.words >= MIN_WORDS and t.after >= MIN_VALID_AFTER * t.words and gain >= MIN_GAIN
    if not ok:
        return Detection(None, round(1 - max(gain, 0.0), 3), "not legacy; best candidate " + evidence)
    confidence = gain * t.words / (t.words + 2)
    return Detection(enc, round(confidence, 3), evidence)


# ---------------------------------------------------------------------------
# Integration: bytes of text files, str of documents.


def _is_plausible_utf8_line(line: bytes) -> bool:
    """A line that decodes as UTF-8 into Latin/Vietnamese text (legacy bytes now and then
    form valid UTF-8 by chance, but into IPA or Hebrew, not into Vietnamese)."""
    try:
        s = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(c < "\u0250" or "\u0300" <= c < "\u0370" or "\u1e00" <= c < "\u1f00" or "\u2000" <= c < "\u20d0" for c in s)


def decode_legacy_bytes(data: bytes) -> tuple[str, str, Detection] | None:
    """Bytes that are not UTF-8 as Unicode text, when there is evidence of a legacy encoding.

    Returns (text, encoding name, detection), the name being e.g. ``"tcvn3"`` or, for a
    file whose lines are partly UTF-8, ``"utf-8+tcvn3"``; None without evidence.
    """
    lines = data.split(b"\n")
    utf8 = [any(b >= 0x80 for b in ln) and _is_plausible_utf8_line(ln) for ln in lines]
    if any(utf8):
        legacy_part = b"\n".join(ln for ln, u in zip(lines, utf8) if not u)
        det = detect(legacy_part)
        if det.encoding is None:
            # The rest is what it always was taken for: Windows-1258.
            det = Detection("cp1258", 0.0, "no evidence for the non-UTF-8 lines; read as Windows-1258")
        out = [ln.decode("utf-8") if u else _decode_line(ln, det.encoding) for ln, u in zip(lines, utf8)]
        name = "cp1258" if det.confidence == 0.0 else FILE_ENCODING[det.encoding]
        return "\n".join(out), f"utf-8+{name}", det
    det = detect(data)
    if det.encoding is None:
        return None
    if det.encoding == "cp1258":
        return unicodedata.normalize("NFC", bytes(data).decode("cp1258")), FILE_ENCODING["cp1258"], det
    return to_unicode(data, det.encoding), FILE_ENCODING[det.encoding], det


def _decode_line(line: bytes, encoding: str) -> str:
    if encoding == "cp1258":  # bytes the codec does not define become U+FFFD, never an exception
        return unicodedata.normalize("NFC", line.decode("cp1258", "replace"))
    return to_unicode(line, encoding)


def repair_text(text: str) -> tuple[str, Detection | None]:
    """A str read from a legacy-font text layer ("Thùc hiÖn"), converted; unchanged otherwise."""
    if not _might_be_legacy(text):
        return text, None
    det = detect(text)
    if det.encoding is None:
        return text, None
    return convert(text, det.encoding).text, det


def _might_be_legacy(text: str) -> bool:
    """Cheap pre-check: some character a legacy encoding would change."""
    return _SPECIAL_CHAR.search(text) is not None


def encoding_warnings(encoding: str, font: Detection | None = None) -> list[tuple[str, str]]:
    """Loader warnings for a text file decoded as ``encoding`` (``utf-8``, ``tcvn3``,
    ``utf-8+windows-1258`` ...) and, when its Unicode text was in a legacy font encoding, ``font``."""
    by_name = {v: k for k, v in FILE_ENCODING.items()}
    out: list[tuple[str, str]] = []
    first, _, second = encoding.partition("+")
    if second:
        label = LABELS.get(by_name.get(second, ""), second)
        out.append(("mixed-encoding", f"the file mixes encodings: some lines are UTF-8, the others {label}; each line was read in its own"))
    name = second or first
    if name in by_name:
        out.append(("legacy-encoding", f"converted from {LABELS[by_name[name]]} to Unicode; check names and numbers against the original"))
    elif name != "utf-8":
        out.append(("encoding", f"decoded as {name}"))
    if font is not None and font.encoding:
        out.append(("legacy-encoding", f"converted from {font.label} to Unicode: the text was typed in a legacy font ({font.evidence})"))
    return out


def convert_document(doc) -> Detection | None:
    """Convert a loaded Document whose text is in a legacy font encoding, in place.

    Anchors and page ranges are moved to the new offsets; the HTML loader's
    "legacy-font" warning (which only said the text looked wrong) gives way to a
    "legacy-encoding" one naming the encoding.
    """
    from .document import Anchor

    if any(code.startswith("ocr") for code, _ in doc.warnings):
        return None  # OCR output is Unicode: legacy-looking OCR text is misread, not legacy
    if not _might_be_legacy(doc.text):
        return None
    det = detect(doc.text)
    if det.encoding is None:
        return None
    conv = convert(doc.text, det.encoding)
    new = conv.mapper()
    doc.text = conv.text
    doc.anchors = [Anchor(new(a.start), new(a.end), a.page, a.bbox, a.confidence, a.where) for a in doc.anchors]
    doc._anchor_starts = [a.start for a in doc.anchors]
    doc.pages = [(new(s), new(e)) for s, e in doc.pages]
    doc.warnings = [w for w in doc.warnings if w[0] != "legacy-font"]
    doc.warnings.append(("legacy-encoding", f"converted from {det.label} to Unicode: the text was typed in a legacy font ({det.evidence})"))
    doc.meta["legacy_encoding"] = {"encoding": det.encoding, "confidence": det.confidence, "evidence": det.evidence}
    return det


# ---------------------------------------------------------------------------
# The encoder side: Unicode → legacy bytes (for tests, benchmarks and sample files).


def _reverse(table: dict[str, str]) -> dict[str, int]:
    return {letter: ord(code) for code, letter in table.items()}


_VNI_TONE_ONLY = {"\u0300": "ø", "\u0301": "ù", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_SHAPED = {
    ("\u0302", ""): "â", ("\u0302", "\u0300"): "à", ("\u0302", "\u0301"): "á", ("\u0302", "\u0309"): "å",
    ("\u0302", "\u0303"): "ã", ("\u0302", "\u0323"): "ä",
    ("\u0306", ""): "ê", ("\u0306", "\u0300"): "è", ("\u0306", "\u0301"): "é", ("\u0306", "\u0309"): "ú",
    ("\u0306", "\u0303"): "ü", ("\u0306", "\u0323"): "ë",
}
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _vni_char(ch: str, tb: _Tables) -> str:
    rev = {v: k for k, v in tb.vni_letters.items()}
    if ch in rev:
        return rev[ch]
    d = unicodedata.normalize("NFD", ch)
    base, marks = d[0], d[1:]
    upper = base.isupper()
    if not marks or any(m not in _TONES + "\u0302\u0306\u031b" for m in marks) or base.lower() not in "aeiouy":
        return ch  # not a Vietnamese letter: Windows-1252 decides
    if "\u031b" in marks:  # horn: ơ ư are letters of their own in VNI
        base = rev[unicodedata.normalize("NFC", base + "\u031b")]
        marks = marks.replace("\u031b", "")
    if not marks:
        return base
    if base.lower() == "i" or (base.lower() == "y" and marks == "\u0323"):
        key = unicodedata.normalize("NFC", d[0] + marks)
        if key in rev:
            return rev[key]
        return {"í": "í", "ì": "ì", "Í": "Í", "Ì": "Ì"}.get(key, key)
    shape = next((m for m in marks if m in "\u0302\u0306"), "")
    tone = next((m for m in marks if m in _TONES), "")
    mark = _VNI_SHAPED[(shape, tone)] if shape else _VNI_TONE_ONLY[tone]
    return base + (mark.upper() if upper else mark)


def encode(text: str, encoding: str, *, errors: str = "strict", h_font_capitals: bool = False) -> bytes:
    """Unicode text in a legacy encoding. ``h_font_capitals`` writes TCVN3 capitals the way
    the ".VnTimeH" fonts do, with the lowercase letter's code."""
    text = unicodedata.normalize("NFC", text)
    tb = tables()
    if encoding == "cp1258":
        out = bytearray()
        for ch in text:
            try:
                out += ch.encode("cp1258")
                continue
            except UnicodeEncodeError:
                pass
            # cp1258 has the shaped letters (â ê ô ă ơ ư) and five combining tones.
            d = unicodedata.normalize("NFD", ch)
            tones = "".join(m for m in d if m in _TONES)
            head = unicodedata.normalize("NFC", "".join(m for m in d if m not in _TONES))
            try:
                out += head.encode("cp1258") + tones.encode("cp1258")
            except UnicodeEncodeError:
                out += ch.encode("cp1258", errors)
        return bytes(out)
    if encoding == "vni":
        return "".join(_vni_char(ch, tb) if ord(ch) > 0x7F else ch for ch in text).encode("cp1252", errors)
    if encoding in ("tcvn3", "viscii"):
        rev = _reverse(tb.tcvn3 if encoding == "tcvn3" else tb.viscii)
        if encoding == "tcvn3" and h_font_capitals:
            # VN3 has no toned capitals: the .VnTimeH fonts draw the lowercase codes as capitals.
            lower = _reverse({c: ch for c, ch in tb.tcvn3.items() if c in tb.tcvn3_lower_codes})
            rev = {ch: (lower.get(ch.lower(), code) if chr(code) not in tb.tcvn3_vn3 else code) for ch, code in rev.items()}
        table = tb.tcvn3 if encoding == "tcvn3" else tb.viscii
        out = bytearray()
        for ch in text:
            if ch in rev:
                out.append(rev[ch])
                continue
            try:
                b = ch.encode("cp1252")
            except UnicodeEncodeError:
                b = ch.encode("ascii", errors)
            # Windows punctuation (“ ” – …) keeps its byte even where the table has a
            # capital: that is what real files hold, and decoding tells them apart.
            if b and chr(b[0]) in table and chr(b[0]) not in _PUNCT_CODES:
                if errors == "strict":
                    raise UnicodeEncodeError(encoding, ch, 0, 1, "its byte is a letter in this encoding")
                b = b"?"
            out += b
        return bytes(out)
    raise ValueError(f"unknown legacy encoding {encoding!r}; use one of {', '.join(ENCODINGS)}")


def to_latin1_text(text: str, encoding: str, *, errors: str = "strict", h_font_capitals: bool = False) -> str:
    """What a PDF/DOCX reader shows for ``text`` typed in a legacy font: its bytes as Windows-1252."""
    data = encode(text, encoding, errors=errors, h_font_capitals=h_font_capitals)
    return "".join(_CODE_TO_CP1252.get(chr(b), chr(b)) for b in data)
