"""Vietnamese dates, date ranges and clock times, found with exact offsets.

General-purpose date searchers misread administrative Vietnamese: they turn
the blank header "ngày tháng năm 2023" into a date, "27 tháng" into a
duration, and parts of document numbers ("30/2020/NĐ-CP") into days, and they
know nothing of "từ … đến …". This module uses anchored patterns instead,
built once from the word lists in ``vnplan/data/dates.yaml``, and validates
every number through :class:`datetime.date`.

What is found (``DateMention.kind``):

``"day"``
    One day: "ngày 8 tháng 9 năm 2023", "08/9/2023", "8-9-2023", "8.9.2023",
    "ngày 17\\ntháng 11 năm 2025", "ngày 25/11" (year-less), with an attached
    clock time where one is printed next to it ("7h00 ngày 06/10/2022",
    "ngày 06/10/2022, lúc 14 giờ 30").
``"day_range"``
    "từ ngày 02/10/2023 đến ngày 08/10/2023", "từ ngày 2-8/10/2017",
    "từ ngày 1 đến ngày 7/10/2018", "từ 01/10 - 07/10/2021",
    "từ ngày 17/12/2025 đến 17 giờ 00, ngày 01/02/2026".
``"month"``
    "tháng 6/2025", "tháng 6 năm 2025", and a bare "tháng 6" (year-less).
``"month_range"``
    "từ tháng 10/2020 đến tháng 12/2020" → 2020-10-01 … 2020-12-31.
``"blank"``
    A date line left blank for the signature: "ngày    tháng 11 năm 2025",
    "ngày tháng năm 2023", "ngày….. tháng….. năm……", and a scanned header
    whose handwritten day the OCR could not read ("ngày Ø3 tháng 4 năm 2018").
    Never a real date: ``first`` and ``last`` are None; the printed month and
    year are in the extra fields ``month`` and ``year``.
``"quarter"``
    Only with ``include_quarters=True``: "Quý IV/2025", "quý II năm 2026".
    By default quarters are not returned (a quarter is not a month or a day).

Documented choices:

* **Year-less dates.** "ngày 25/11" takes ``default_year`` and is marked
  ``year_inferred``. Without ``default_year`` it is still returned, with
  ``first``/``last`` None and the printed ``day``/``month`` set, so that the
  caller knows the span is a date and does not read it as anything else.
  Year-less numeric dates need the word "ngày" ("15/11" alone is a fraction
  as often as a date); a year-less range needs "ngày" somewhere in it.
* **Ranges.** A missing year or month on one end is taken from the other
  ("từ ngày 15/11 đến ngày 15/12/2025", "từ ngày 2-8/10/2017"); when both
  ends lack a year, ``default_year`` is used and an end that would fall
  before the start moves to the next year. A range whose printed end is before
  its start is not a range (its two dates are returned as single days).
  A clock time on the start is ``time``; one on the end is ``end_time``.
* **Recurring.** ``recurring`` is True when a word such as "hằng năm",
  "hàng tháng", "định kỳ", "tháng cuối quý" follows the date
  ("trước ngày 15/11 hằng năm"), or precedes it joined only by a preposition
  ("định kỳ hàng năm (trước ngày 10/12)"). A day with no month that recurs
  ("trước ngày 20 hằng tháng", "trước ngày 20 tháng cuối quý") is a ``"day"``
  mention with ``first`` None, ``day`` set and ``recurring`` True; its span
  includes the recurring words, since the day alone is not a date.
* **Years** must lie in 1945–2100. Two-digit years ("04/4/18" in a stamp) are
  never read: they are too easily section numbers or amounts.
* **Not dates.** Document numbers and symbols ("1234/BGDĐT-GDĐT",
  "30/2020/NĐ-CP", "13-KH/TU", "TCVN 14423:2025") are found by
  :func:`find_doc_number_spans` and no mention may overlap one. A clock time
  with no date next to it is not returned. Impossible dates ("42/02/2018")
  are dropped.
* ``first`` is None only for ``"blank"`` mentions, year-less mentions without
  ``default_year``, and day-only recurring mentions.

All patterns use bounded gaps only (at most 16 characters of white space or
markdown ``*`` between two parts of a date), so the search is linear in the
length of the text.
"""
from __future__ import annotations

import bisect
import calendar
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import yaml

from .errors import DataFileError

__all__ = [
    "DateMention",
    "find_dates",
    "parse_date",
    "find_doc_number_spans",
    "DATA_PATH",
]

DATA_PATH = Path(__file__).resolve().parent / "data" / "dates.yaml"


# --------------------------------------------------------------------------
# The result type
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DateMention:
    """One date, date range, month or blank date in a text.

    ``start``/``end`` are offsets into the text given to :func:`find_dates`,
    and ``text == text[start:end]``. The span starts at "từ" for ranges that
    print it, at "ngày"/"tháng" where printed, and at the clock time when a
    time precedes the date.

    Beyond the fields of the contract, ``day``, ``month`` and ``year`` hold the
    numbers as printed for the (first) date of the mention, None where not
    printed; for ``"blank"`` mentions they are the only information.
    ``end_time`` is a clock time attached to the end of a range (or the end of
    a time span on one day, "từ 7h30 đến 11h00 ngày 06/10/2022").
    """

    start: int
    end: int
    kind: str  # "day" | "day_range" | "month" | "month_range" | "blank" | "quarter"
    first: date | None  # the day; range start; first day of a month/quarter
    last: date | None  # range end; last day of a month/quarter; None for "day"
    time: str | None  # "HH:MM" when a clock time is attached to this date
    year_inferred: bool  # the year came from default_year, not printed
    recurring: bool  # "hằng năm", "hàng tháng" … next to it
    text: str  # text[start:end]
    day: int | None = None
    month: int | None = None
    year: int | None = None
    end_time: str | None = None


# --------------------------------------------------------------------------
# Language data
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lexicon:
    day_words: tuple[str, ...]
    month_words: tuple[str, ...]
    year_words: tuple[str, ...]
    quarter_words: tuple[str, ...]
    quarter_numbers: dict[str, int]
    year_min: int
    year_max: int
    hour_words: tuple[str, ...]
    hour_words_compact: tuple[str, ...]
    minute_words: tuple[str, ...]
    after_date_leads: tuple[str, ...]
    day_parts: dict[str, str]
    range_start: tuple[str, ...]
    range_end: tuple[str, ...]
    dashes: tuple[str, ...]
    weekdays: tuple[str, ...]
    recurring: tuple[str, ...]
    recurring_leads: tuple[str, ...]
    blank_fillers: str
    ocr_junk: str
    standard_prefixes: tuple[str, ...]


def _words(raw: Any, key: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw or not all(isinstance(w, str) and w.strip() for w in raw):
        raise DataFileError(f"{DATA_PATH.name}: '{key}' must be a non-empty list of words")
    return tuple(w.strip() for w in raw)


def _load_lexicon(path: Path = DATA_PATH) -> _Lexicon:
    """Read and check the data file; errors name the key that is wrong."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"cannot read {path.name}: {exc}") from exc
    if not isinstance(data, dict):
        raise DataFileError(f"{path.name}: expected a mapping at the top level")
    try:
        time = data["time"]
        rng = data["range"]
        day_parts = {str(k): str(v) for k, v in time["day_parts"].items()}
        if not set(day_parts.values()) <= {"am", "noon", "pm", "night"}:
            raise DataFileError(f"{path.name}: time.day_parts values must be am, noon, pm or night")
        quarters = {str(k).upper(): int(v) for k, v in data["quarter_numbers"].items()}
        if not all(1 <= v <= 4 for v in quarters.values()):
            raise DataFileError(f"{path.name}: quarter_numbers must map to 1–4")
        lex = _Lexicon(
            day_words=_words(data["day_words"], "day_words"),
            month_words=_words(data["month_words"], "month_words"),
            year_words=_words(data["year_words"], "year_words"),
            quarter_words=_words(data["quarter_words"], "quarter_words"),
            quarter_numbers=quarters,
            year_min=int(data["year_min"]),
            year_max=int(data["year_max"]),
            hour_words=_words(time["hour_words"], "time.hour_words"),
            hour_words_compact=_words(time["hour_words_compact"], "time.hour_words_compact"),
            minute_words=_words(time["minute_words"], "time.minute_words"),
            after_date_leads=_words(time["after_date_leads"], "time.after_date_leads"),
            day_parts=day_parts,
            range_start=_words(rng["start_words"], "range.start_words"),
            range_end=_words(rng["end_words"], "range.end_words"),
            dashes=_words(rng["dashes"], "range.dashes"),
            weekdays=_words(data["weekdays"], "weekdays"),
            recurring=_words(data["recurring"], "recurring"),
            recurring_leads=_words(data["recurring_leads"], "recurring_leads"),
            blank_fillers=str(data["blank_fillers"]),
            ocr_junk=str(data["ocr_junk"]),
            standard_prefixes=_words(data["standard_prefixes"], "standard_prefixes"),
        )
    except KeyError as exc:
        raise DataFileError(f"{path.name}: missing key {exc}") from exc
    except (TypeError, ValueError, AttributeError) as exc:
        raise DataFileError(f"{path.name}: malformed value ({exc})") from exc
    if not lex.year_min < lex.year_max:
        raise DataFileError(f"{path.name}: year_min must be below year_max")
    return lex


_LEX = _load_lexicon()


# --------------------------------------------------------------------------
# Pattern building blocks
# --------------------------------------------------------------------------
# Every quantifier is bounded so that no pattern can scan more than a fixed
# number of characters from a starting point: the search is linear in the text.

# Gaps are possessive where the regex engine allows it (Python 3.11+): nothing
# that follows a gap can start with white space or "*", so giving characters
# back can never help a match; it would only multiply the work on failure.
_POSS = "+" if sys.version_info >= (3, 11) else ""
_G = r"[\s*]{0,16}" + _POSS  # a gap between two parts: spaces, line breaks, markdown ** / *
_G_LINE = r"[ \t*]{0,8}" + _POSS  # a gap that stays on one line (before a dash)


def _alt(words: Sequence[str]) -> str:
    """Alternation of whole words, longest first; a space matches 1–3 spaces."""
    parts = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s{1,3}") for w in parts)


def _word(words: Sequence[str]) -> str:
    """The words as a whole-word group (no letter or digit on either side)."""
    return rf"(?<!\w)(?:{_alt(words)})(?!\w)"


_DAYW = _word(_LEX.day_words)
_MONW = _word(_LEX.month_words)
_YEARW = _word(_LEX.year_words)
_QUARTW = _word(_LEX.quarter_words)
_FROM = _word(_LEX.range_start)
_TO_WORDS = _word(_LEX.range_end)
_DASHES = "|".join(re.escape(d) for d in _LEX.dashes)
_WEEKDAY = _word(_LEX.weekdays)
_RECUR = _word(_LEX.recurring)
_AFTER_LEADS = _word(_LEX.after_date_leads)
_DAYPART = _word(list(_LEX.day_parts))
# Hour words like "h" may be followed by digits ("7h00") but not by letters
# ("7ha" is hectares), hence a lookahead for "not a letter" instead of (?!\w).
_HOURW = rf"(?:{_alt(_LEX.hour_words)})(?![^\W\d_])"
_HOURW_COMPACT = rf"(?:{_alt(_LEX.hour_words_compact)})"
_MINW = rf"(?:{_alt(_LEX.minute_words)})(?![^\W\d_])"

# Optional weekday between a time and its date, or after a date:
# "Lúc 8 giờ, thứ Sáu, ngày …", "ngày 06/10/2022 (thứ 5), lúc …".
_WEEKDAY_OPT = rf"(?:\(?{_G}{_WEEKDAY}{_G}\)?{_G}(?:,{_G})?)?"
# Between a clock time and the date that follows it: "7h00 ngày", "8 giờ, ngày".
_GLUE_TD = rf"{_G}(?:[,;]{_G})?{_WEEKDAY_OPT}"


def _full(p: str, guard: bool = True) -> str:
    """dd/mm/yyyy with one separator used twice ("08/9/2023", "8-9-2023", "8.9.2023").

    ``guard`` forbids a digit, letter or separator just before the day, so that
    no date is read out of a longer number ("142/02/2018", "0243.8256.2020").
    Inside a range the end date follows a dash ("2-8/10/2017") and is not guarded.
    """
    pre = r"(?<![\w/.\-])" if guard else r"(?<!\d)"
    return (
        rf"{pre}(?P<{p}d>\d{{1,2}})(?P<{p}s>[/.\-])(?P<{p}m>\d{{1,2}})(?P={p}s)"
        rf"(?P<{p}y>\d{{4}})(?!\w|[/.\-]\d)"
    )


def _text(p: str) -> str:
    """dd tháng mm [năm yyyy | /yyyy]: "8 tháng 9 năm 2023", "14\\ntháng 6 năm 2019"."""
    return (
        rf"(?<![\w.,/])(?P<{p}d>\d{{1,2}})(?!\d){_G}{_MONW}{_G}(?P<{p}m>\d{{1,2}})(?!\d)"
        rf"(?:(?:{_G}{_YEARW}{_G}|/)(?P<{p}y>\d{{4}})(?!\d))?"
    )


def _numyl(p: str, strict: bool = True) -> str:
    """dd/mm without a year ("25/11").

    ``strict`` (single dates) forbids any separator+digit after it, so "2-8/10"
    is not read as 2 August. At a range start only the same separator is
    forbidden (it would make a full date), so "01/10-07/10/2021" works.
    """
    tail = r"(?!\w|[/.\-]\d)" if strict else rf"(?!\w|(?P={p}s)\d)"
    return rf"(?<![\w/.\-])(?P<{p}d>\d{{1,2}})(?P<{p}s>[/.\-])(?P<{p}m>\d{{1,2}}){tail}"


def _dayonly(p: str) -> str:
    """A day number alone, at the start of a range whose end has the month."""
    return rf"(?<![\w/.\-])(?P<{p}d>\d{{1,2}})(?!\d)"


def _time(p: str) -> str:
    """A clock time: "7h00", "7h", "8 giờ", "10 giờ 00", "6 giờ 30 phút", "8h30'", "14:30".

    Minutes are refused when they are the day of a following date
    ("15 giờ 12/10/2022") or of a textual date ("7 giờ 15 tháng 10").
    """
    return (
        rf"(?<![\w.,:/])(?P<{p}h>\d{{1,2}})(?:"
        rf"{_G}{_HOURW}(?:{_G}(?P<{p}m>\d{{1,2}})(?!\d|[/.\-]\d|{_G}{_MONW})(?:{_G}{_MINW})?)?"
        rf"|{_HOURW_COMPACT}(?P<{p}c>\d{{2}})(?!\d)"
        rf"|:(?P<{p}k>\d{{2}})(?![\d:])"
        rf")(?:[ \t]{{0,3}}(?P<{p}p>{_DAYPART}))?"
    )


def _time_span(p: str) -> str:
    """A time, optionally followed by the end of a time span on the same day."""
    return rf"{_time(p)}(?:{_G}(?:{_TO_WORDS}|{_DASHES}){_G}{_time(p + 'e')})?"


def _after_time(p: str) -> str:
    """", lúc 14 giờ 30" after a date."""
    return rf"(?:{_G}(?:[,;]{_G})?{_WEEKDAY_OPT}{_AFTER_LEADS}{_G}{_time_span(p)})"


def _date_any(p: str) -> str:
    """A day with its month: full numeric, textual (year optional) or year-less numeric."""
    return rf"(?:{_full(p + 'f')}|{_text(p + 'x')}|{_numyl(p + 'y')})"


def _range_end(p: str) -> str:
    return (
        rf"(?:{_time(p + 't')}{_GLUE_TD})?(?:(?P<{p}w>{_DAYW}){_G})?"
        rf"(?:{_full(p + 'f', False)}|{_text(p + 'x')}|{_numyl(p + 'y')})(?:{_after_time(p + 'u')})?"
    )


def _range_start(p: str) -> str:
    return (
        rf"(?:{_time(p + 't')}{_GLUE_TD})?(?:(?P<{p}w>{_DAYW}){_G})?"
        rf"(?:{_full(p + 'f')}|{_text(p + 'x')}|{_numyl(p + 'y', strict=False)}|{_dayonly(p + 'o')})"
        rf"(?:{_after_time(p + 'u')})?"
    )


# A dash joins two dates only on one line (after a line break it is a bullet).
_CONN = rf"(?:{_G}(?:{_TO_WORDS})|{_G_LINE}(?:{_DASHES})){_G}"
_FROM_OPT = rf"(?:(?P<fr>{_FROM}){_G})?"
_YEAR_TAIL = rf"(?:{_G}{_YEARW}{_G}|[/\-.])"

_FLAGS = re.IGNORECASE


def _head(words: Sequence[str], digits: bool) -> str:
    """A one-character lookahead at the start of a pattern.

    Most positions of a text cannot start a date; this test rejects them
    before the engine tries the pattern's many optional parts.
    """
    chars = sorted({w[0].lower() for w in words} | {w[0].upper() for w in words})
    return "(?=[" + (r"\d" if digits else "") + "".join(re.escape(c) for c in chars) + "])"


# Day ranges: "từ ngày 02/10/2023 đến ngày 08/10/2023", "từ ngày 2-8/10/2017".
_RE_RANGE_DAY = re.compile(
    _head([*_LEX.range_start, *_LEX.day_words], True)
    + rf"{_FROM_OPT}{_range_start('a')}{_CONN}{_range_end('b')}",
    _FLAGS,
)

# One day, with a clock time before ("7h00 ngày …") or after ("…, lúc 14 giờ")
# it; or a recurring day with no month ("ngày 20 hằng tháng").
_RE_DAY = re.compile(
    _head(_LEX.day_words, True)
    + rf"(?:(?P<tt>{_time_span('t')}){_GLUE_TD})?(?:(?P<w>{_DAYW}){_G})?"
    + rf"(?:(?P<dd>{_date_any('d')})(?P<ua>{_after_time('u')})?"
    + rf"|(?P<od>\d{{1,2}})(?!\d|[/.\-]\d){_G}(?:,{_G})?(?P<rec>{_RECUR}))",
    _FLAGS,
)

# A month, or a range of months: "tháng 6/2025", "từ tháng 10/2020 đến tháng 12/2020".
# The empty group ``mend`` marks where the first month ends, so that a range
# that fails validation still yields its first month.
_RE_MONTH = re.compile(
    _head([*_LEX.range_start, *_LEX.month_words], False)
    + rf"{_FROM_OPT}(?P<mw1>{_MONW}){_G}(?P<m1>\d{{1,2}})(?!\d)"
    + rf"(?:{_YEAR_TAIL}(?P<y1>\d{{4}})(?!\d))?(?P<mend>)"
    + rf"(?:{_CONN}(?:(?P<mw2>{_MONW}){_G})?(?P<m2>\d{{1,2}})(?!\d)(?:{_YEAR_TAIL}(?P<y2>\d{{4}})(?!\d))?)?",
    _FLAGS,
)

_QNUM = _alt(list(_LEX.quarter_numbers))
_RE_QUARTER = re.compile(
    _head(_LEX.quarter_words, False)
    + rf"(?P<qw>{_QUARTW}){_G}(?P<q>{_QNUM})(?!\w)(?:{_YEAR_TAIL}(?P<y>\d{{4}})(?!\d))?",
    _FLAGS,
)

# Blank header dates. The fill between the words is white space, dots,
# ellipses, underscores; a scanned header may hold an OCR-garbled day/month.
_FILL_CHARS = re.escape(_LEX.blank_fillers)
_FILL = rf"[\s{_FILL_CHARS}]{{0,40}}{_POSS}"
_JUNK = re.escape(_LEX.ocr_junk)
_GARBLE = rf"(?:\d?[{_JUNK}]\d?|[{_JUNK}]{{2}})(?![^\s{_FILL_CHARS}])"
# The month word of a blank may be glued to an OCR-garbled month ("thángØ?").
_MONW_BLANK = rf"(?<!\w)(?:{_alt(_LEX.month_words)})(?!(?![{_JUNK}])\w)"
_RE_BLANK = re.compile(
    _head(_LEX.day_words, False)
    + rf"{_DAYW}(?:"
    # "ngày    tháng 11 năm 2025", "ngày….. tháng….. năm……", "ngày Ø3 tháng 4 năm 2018"
    + rf"(?P<f1>{_FILL})(?:(?P<gd>{_GARBLE})(?P<f1b>{_FILL}))?{_MONW_BLANK}(?P<f2>{_FILL})"
    + rf"(?:(?P<mo>\d{{1,2}})(?!\d)(?P<f2b>{_FILL})|(?P<gm>{_GARBLE})(?P<f2c>{_FILL}))?"
    + rf"{_YEARW}(?P<f3>{_FILL})(?:(?P<yr>\d{{4}})(?!\d))?"
    # "ngày   /   /2025", "ngày …/11/2025"
    + rf"|[\s{_FILL_CHARS}]{{1,40}}{_POSS}/[\s{_FILL_CHARS}]{{0,40}}{_POSS}"
    + rf"(?:(?P<nmo>\d{{1,2}})(?!\d)[\s{_FILL_CHARS}]{{0,10}}{_POSS})?/[\s{_FILL_CHARS}]{{0,10}}{_POSS}"
    + rf"(?P<nyr>\d{{4}})(?!\d))",
    _FLAGS,
)

_RE_RECUR_AFTER = re.compile(rf"[\s*]{{0,6}}(?:[,(]{_G})?{_RECUR}", _FLAGS)
_RE_RECUR_BEFORE = re.compile(
    rf"{_RECUR}[\s*,:;(]{{0,6}}(?:{_word(_LEX.recurring_leads)}[\s*]{{0,4}}){{0,2}}\Z",
    _FLAGS,
)
_RECUR_WINDOW = 80
_RE_SPACES = re.compile(r"\s{1,8}")
_RE_SEP_DIGIT = re.compile(r"[/.\-]\d")
# Visible filler of a blank date: dots, ellipses, underscores, or a run of spaces.
# ("*" is markdown emphasis, not filler.)
_RE_PLACEHOLDER = re.compile("[" + re.escape(_LEX.blank_fillers.replace("*", "")) + r"]|\s{2}")
# A number right before "tháng M" makes it "N tháng M…" (a day without "ngày",
# or "06 tháng 3 lần"), not a month.
_RE_NUM_BEFORE = re.compile(r"(?:\A|[^\d.,/])\d{1,2}[\s*]{0,3}\Z")

# Document numbers and symbols. Case matters: symbols are capitalised.
_SYM_CH = r"[^\W_]"
_SYM_BODY = rf"{_SYM_CH}{{0,30}}(?:&{_SYM_CH}{{1,30}}){{0,3}}"  # "BGDĐT", "QLN&CS"
_SEG = rf"[^\W\d_]{_SYM_BODY}"
_SYM_HEAD = rf"[A-ZĐ]{_SYM_BODY}"
# Segments after a hyphen; a space around the hyphen only before a capital
# ("17/NQ- CP"), so "83/KH-UBND - ngày" stops at the symbol.
_SYM_TAIL = rf"(?:[-–]{_SEG}|[ \t]?[-–][ \t]?{_SYM_HEAD}){{0,12}}"
_RE_DOCNUM = re.compile(
    # Every alternative starts with a digit or a capital of a standard's name.
    "(?=[\\d" + "".join(sorted({re.escape(w[0]) for w in _LEX.standard_prefixes})) + "])(?:"
    # "1234/BGDĐT-GDĐT", "30/2020/NĐ-CP", "Số: 22 /KH-BCĐ", "85/2015/QH13"
    rf"(?<![\w/.])\d{{1,5}}[a-zA-Z]?(?:[ \t]{{0,3}}/[ \t]{{0,3}}\d{{4}})?[ \t]{{0,3}}/[ \t]{{0,3}}{_SYM_HEAD}{_SYM_TAIL}"
    # Party style "13-KH/TU", "196-TB/TW", "11-CT/TU"
    rf"|(?<![\w/.])\d{{1,5}}[ \t]?-[ \t]?{_SYM_HEAD}/{_SYM_HEAD}{_SYM_TAIL}"
    # Standards "TCVN 14423:2025", "QCVN 01:2019/BYT"
    rf"|(?<!\w)(?:{_alt(_LEX.standard_prefixes)})[ \t]{{0,3}}\d[\d.\-]{{0,20}}(?::\d{{4}})?(?:/{_SYM_HEAD}{_SYM_TAIL})?"
    ")"
)


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _year_ok(y: int | None) -> bool:
    return y is None or _LEX.year_min <= y <= _LEX.year_max


def _mkdate(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _day_month_ok(m: int, d: int) -> bool:
    """Possible in some year (2000 is a leap year, so 29/2 passes)."""
    return _mkdate(2000, m, d) is not None


def _month_last(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _int(m: re.Match[str], name: str) -> int | None:
    v = m.group(name)
    return int(v) if v is not None else None


@dataclass
class _Parts:
    """The numbers of one printed date, before years are resolved."""

    d: int | None
    m: int | None
    y: int | None
    form: str  # "full" | "text" | "numyl" | "dayonly"


def _g(m: re.Match[str], name: str) -> str | None:
    """Group ``name`` if the pattern has it and it matched (cheaper than groupdict())."""
    return m.group(name) if name in m.re.groupindex else None


def _parts(m: re.Match[str], p: str) -> _Parts | None:
    """Read the alternative of ``_date_any``/``_range_*`` that matched under prefix ``p``."""
    for sub, form in (("f", "full"), ("x", "text"), ("y", "numyl"), ("o", "dayonly")):
        day = _g(m, f"{p}{sub}d")
        if day is not None:
            mon = _g(m, f"{p}{sub}m")
            yr = _g(m, f"{p}{sub}y")
            return _Parts(int(day), int(mon) if mon else None, int(yr) if yr else None, form)
    return None


def _clock(m: re.Match[str], p: str) -> str | None:
    """The "HH:MM" of a time matched under prefix ``p``; None if absent, ``_BAD_TIME`` if impossible."""
    hour_s = _g(m, f"{p}h")
    if hour_s is None:
        return None
    hour = int(hour_s)
    minute_s = _g(m, f"{p}m") or _g(m, f"{p}c") or _g(m, f"{p}k")
    minute = int(minute_s) if minute_s is not None else 0
    part = _g(m, f"{p}p")
    if part is not None:
        rule = _DAY_PART_RULE.get(_RE_SPACES.sub(" ", part.lower()))
        if rule == "pm" and 1 <= hour < 12:
            hour += 12
        elif rule == "noon" and 1 <= hour < 6:
            hour += 12
        elif rule == "night" and 6 <= hour < 12:
            hour += 12
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        return _BAD_TIME
    return f"{hour:02d}:{minute:02d}"


_DAY_PART_RULE = {k.lower(): v for k, v in _LEX.day_parts.items()}
_BAD_TIME = "bad"  # a sentinel: a time was printed but cannot be a clock time


@dataclass
class _Cand:
    start: int
    end: int
    prio: int
    kind: str
    first: date | None
    last: date | None
    time: str | None = None
    end_time: str | None = None
    year_inferred: bool = False
    recurring: bool = False
    day: int | None = None
    month: int | None = None
    year: int | None = None


def _single_day(p: _Parts, has_day_word: bool, default_year: int | None) -> tuple[date | None, bool] | None:
    """Resolve one printed day; None when it is not a date at all."""
    if p.m is None or p.d is None:
        return None
    if not _year_ok(p.y) or not _day_month_ok(p.m, p.d):
        return None
    if p.y is not None:
        d = _mkdate(p.y, p.m, p.d)
        return (d, False) if d is not None else None
    # Year-less: "15/11" alone is as often a fraction as a date, so "ngày" is required.
    if not has_day_word:
        return None
    if default_year is None:
        return (None, False)
    d = _mkdate(default_year, p.m, p.d)
    return (d, True) if d is not None else None


# --------------------------------------------------------------------------
# One handler per pattern: match → candidate (or None when it is not a date)
# --------------------------------------------------------------------------


def _h_range_day(m: re.Match[str], dy: int | None) -> _Cand | None:
    a, b = _parts(m, "a"), _parts(m, "b")
    if a is None or b is None or b.m is None:
        return None
    has_from = m.group("fr") is not None
    has_word = m.group("aw") is not None or m.group("bw") is not None
    if a.form == "dayonly" and not (has_from or has_word):
        return None
    if a.y is None and b.y is None and not has_word:
        return None  # "từ 1/3 đến 1/2" is a fraction range
    if not (has_from or has_word) and (a.y is None or b.y is None):
        return None
    if not (_year_ok(a.y) and _year_ok(b.y)):
        return None
    if not _day_month_ok(b.m, b.d):
        return None
    a_m = a.m if a.m is not None else b.m
    if not _day_month_ok(a_m, a.d):
        return None
    t1, t2 = _clock(m, "at"), _clock(m, "bt")
    t1 = t1 or _clock(m, "au")
    t2 = t2 or _clock(m, "bu")
    if _BAD_TIME in (t1, t2):
        return None
    inferred = False
    first = last = None
    if b.y is not None and a.y is not None:
        first, last = _mkdate(a.y, a_m, a.d), _mkdate(b.y, b.m, b.d)
    elif b.y is not None or a.y is not None:
        # One end printed its year: the other end lies in the same year, or
        # across the new year ("từ 15/12 đến 15/01/2026").
        if b.y is not None:
            last = _mkdate(b.y, b.m, b.d)
            first = _start_before(last, a_m if a.m is not None else None, a.d) if last else None
        else:
            first = _mkdate(a.y, a_m, a.d)  # type: ignore[arg-type]
            last = _end_after(first, b.m, b.d) if first else None
    elif dy is not None:
        inferred = True
        if a.m is None:
            last = _mkdate(dy, b.m, b.d)
            first = _start_before(last, None, a.d) if last else None
        else:
            first = _mkdate(dy, a_m, a.d)
            last = _end_after(first, b.m, b.d) if first else None
    else:
        return _Cand(m.start(), m.end(), 0, "day_range", None, None, t1, t2, False, False, a.d, a.m, a.y)
    if first is None or last is None or last < first:
        return None
    return _Cand(m.start(), m.end(), 0, "day_range", first, last, t1, t2, inferred, False, a.d, a.m, a.y)


def _start_before(last: date, month: int | None, day: int) -> date | None:
    """The start of a range whose end is known: same month/year, or the one before."""
    if month is None:
        d = _mkdate(last.year, last.month, day)
        if d is None or d > last:
            py, pm = (last.year, last.month - 1) if last.month > 1 else (last.year - 1, 12)
            d = _mkdate(py, pm, day)
        return d
    d = _mkdate(last.year, month, day)
    if d is None or d > last:
        d = _mkdate(last.year - 1, month, day)
    return d


def _end_after(first: date, month: int, day: int) -> date | None:
    """The end of a range whose start is known: same year, or the next one."""
    d = _mkdate(first.year, month, day)
    if d is None or d < first:
        d = _mkdate(first.year + 1, month, day)
    return d


def _h_day(m: re.Match[str], dy: int | None) -> _Cand | None:
    """One day, with an optional clock time before or after it."""
    has_word = m.group("w") is not None
    if m.group("od") is not None:  # "ngày 20 hằng tháng"
        d = int(m.group("od"))
        if not has_word or not 1 <= d <= 31:
            return None
        return _Cand(m.start(), m.end(), 3, "day", None, None, None, None, False, True, d, None, None)
    p = _parts(m, "d")
    if p is None:
        return None
    res = _single_day(p, has_word, dy)
    if res is None:
        return None
    start, end = m.start(), m.end()
    time = end_time = None
    if m.group("tt") is not None:
        time, end_time = _clock(m, "t"), _clock(m, "te")
        if _BAD_TIME in (time, end_time):
            # Not a clock time ("25 giờ"): the date stands alone.
            time = end_time = None
            start = m.start("w") if has_word else m.start("dd")
    if m.group("ua") is not None:
        t2, e2 = _clock(m, "u"), _clock(m, "ue")
        if _BAD_TIME in (t2, e2) or time is not None:
            end = m.end("dd")
        else:
            time, end_time = t2, e2
    prio = 2 if time is not None else 4
    return _Cand(start, end, prio, "day", res[0], None, time, end_time, res[1], False, p.d, p.m, p.y)


def _h_month(m: re.Match[str], dy: int | None) -> _Cand | None:
    """A month, or a range of months; a failed range falls back to its first month."""
    text = m.string
    m1, y1 = int(m.group("m1")), _int(m, "y1")
    if not 1 <= m1 <= 12 or not _year_ok(y1):
        return None
    # "06 tháng 3 lần", "14 tháng 6" (a day without "ngày"): not a month.
    if _RE_NUM_BEFORE.search(text[max(0, m.start("mw1") - 8):m.start("mw1")]):
        return None
    if m.group("m2") is not None:
        rng = _month_range(m, m1, y1, dy)
        if rng is not None:
            return rng
    start, end = m.start("mw1"), m.end("mend")
    if y1 is None:
        # "tháng 10/20…" or "tháng 6.5" are not months.
        if _RE_SEP_DIGIT.match(text, end):
            return None
        if dy is None:
            return _Cand(start, end, 6, "month", None, None, month=m1)
        return _Cand(start, end, 6, "month", date(dy, m1, 1), _month_last(dy, m1), None, None,
                     True, False, None, m1, None)
    return _Cand(start, end, 6, "month", date(y1, m1, 1), _month_last(y1, m1), None, None,
                 False, False, None, m1, y1)


def _month_range(m: re.Match[str], m1: int, y1: int | None, dy: int | None) -> _Cand | None:
    m2, y2 = int(m.group("m2")), _int(m, "y2")
    printed_y1 = y1
    if not 1 <= m2 <= 12 or not _year_ok(y2):
        return None
    inferred = False
    if y1 is None and y2 is None:
        if m.group("fr") is None:
            return None  # "tháng 10 - 12" without "từ" or a year is too loose
        if dy is None:
            return _Cand(m.start(), m.end(), 1, "month_range", None, None, month=m1)
        y1, inferred = dy, True
        y2 = dy if m2 >= m1 else dy + 1
    elif y1 is None:
        y1 = y2 if m1 <= m2 else y2 - 1  # type: ignore[operator]
    elif y2 is None:
        y2 = y1 if m2 >= m1 else y1 + 1
    first, last = date(y1, m1, 1), _month_last(y2, m2)  # type: ignore[arg-type]
    if last < first:
        return None
    return _Cand(m.start(), m.end(), 1, "month_range", first, last, None, None, inferred, False,
                 None, m1, printed_y1)


def _h_quarter(m: re.Match[str], dy: int | None) -> _Cand | None:
    q = _LEX.quarter_numbers.get(m.group("q").upper())
    y = _int(m, "y")
    if q is None or not _year_ok(y):
        return None
    inferred = False
    if y is None:
        if dy is None:
            return _Cand(m.start(), m.end(), 7, "quarter", None, None)
        y, inferred = dy, True
    return _Cand(m.start(), m.end(), 7, "quarter", date(y, 3 * q - 2, 1), _month_last(y, 3 * q), None, None,
                 inferred, False, None, None, _int(m, "y"))


def _has_placeholder(*fills: str | None) -> bool:
    """A blank needs visible filler: dots/underscores, or a run of spaces."""
    for f in fills:
        if f and _RE_PLACEHOLDER.search(f):
            return True
    return False


def _h_blank(m: re.Match[str], dy: int | None) -> _Cand | None:
    end = m.start() + len(m.group(0).rstrip())  # not the white space the fill swallowed
    if m.group("nyr") is not None:  # "ngày   /   /2025"
        mo, yr = _int(m, "nmo"), int(m.group("nyr"))
        if (mo is not None and not 1 <= mo <= 12) or not _year_ok(yr):
            return None
        return _Cand(m.start(), end, 8, "blank", None, None, month=mo, year=yr)
    mo, yr = _int(m, "mo"), _int(m, "yr")
    if (mo is not None and not 1 <= mo <= 12) or not _year_ok(yr):
        return None
    garbled = m.group("gd") is not None or m.group("gm") is not None
    # "ngày tháng năm sinh" in prose is not a blank date; a header shows a
    # printed month/year, filler dots, wide spaces or an OCR-garbled day.
    if mo is None and yr is None and not garbled and not _has_placeholder(
        m.group("f1"), m.group("f2"), m.group("f3")
    ):
        return None
    return _Cand(m.start(), end, 8, "blank", None, None, month=mo, year=yr)


_Handler = Callable[[re.Match[str], "int | None"], "_Cand | None"]

# --------------------------------------------------------------------------
# Forbidden spans
# --------------------------------------------------------------------------


class _Forbidden:
    """Merged, sorted spans; answers "does [s, e) overlap any?" in O(log n)."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for s, e in sorted((int(s), int(e)) for s, e in spans if e > s):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]

    def hits(self, s: int, e: int) -> bool:
        i = bisect.bisect_left(self._starts, e) - 1  # last span starting before e
        return i >= 0 and self._ends[i] > s


def find_doc_number_spans(text: str) -> list[tuple[int, int]]:
    """Spans of document numbers and symbols that must never be read as dates.

    Covers "1234/BGDĐT-GDTrH", "567/SGDĐT-GDPT", "30/2020/NĐ-CP",
    "85/2015/QH13", "Số: 22 /KH-BCĐ" (the "22 /KH-BCĐ" part), "17/NQ- CP",
    party-style "13-KH/TU" and standards "TCVN 14423:2025". The span is the
    number and symbol only (not "số" or the document type). Sorted, disjoint.
    """
    return [(m.start(), m.end()) for m in _RE_DOCNUM.finditer(text)]


# Where the day and range patterns can match at all: every day and time holds
# a digit, every range a range word or dash. Those patterns are searched only
# in windows around such triggers, which skips most of a long text cheaply.
# The clusters below are deterministic (a run of digits, then non-digits, …),
# and both repetitions are bounded.
_WINDOW_PAD = 256  # more than any match reaches beyond its nearest trigger
_RE_DIGIT_CLUSTER = re.compile(r"\d{1,64}(?:\D{1,80}\d{1,64}){0,64}")
_CONN_WORDS = rf"(?:{_alt(_LEX.range_end)}|{_DASHES})"
_RE_CONN_CLUSTER = re.compile(rf"{_CONN_WORDS}(?:[\s\S]{{1,80}}?{_CONN_WORDS}){{0,64}}", _FLAGS)


def _windows(text: str, trigger: re.Pattern[str]) -> list[tuple[int, int]]:
    """Merged spans of ``text`` within ``_WINDOW_PAD`` of a trigger match."""
    out: list[tuple[int, int]] = []
    n = len(text)
    for m in trigger.finditer(text):
        s, e = max(0, m.start() - _WINDOW_PAD), min(n, m.end() + _WINDOW_PAD)
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _candidates(
    text: str,
    pattern: re.Pattern[str],
    handler: _Handler,
    dy: int | None,
    forbidden: _Forbidden,
    windows: Sequence[tuple[int, int]],
) -> Iterator[_Cand]:
    """Every accepted match of one pattern inside ``windows``, overlapping ones included.

    After any match the search restarts one character later, so a match that
    is refused (impossible date, overlaps a document number) does not hide a
    shorter one inside it; the final choice between overlapping candidates is
    made once, across all patterns, in :func:`find_dates`.
    """
    for w_start, w_end in windows:
        pos = w_start
        while pos < w_end:
            # endpos = w_end: the window reaches far enough past every trigger
            # that no match (or lookahead) is cut short by it.
            m = pattern.search(text, pos, w_end)
            if m is None:
                break
            pos = m.start() + 1
            if m.end() == m.start():
                continue
            c = handler(m, dy)
            if c is not None and not forbidden.hits(c.start, c.end):
                yield c


def _recurring_near(text: str, start: int, end: int) -> bool:
    if _RE_RECUR_AFTER.match(text, end):
        return True
    return _RE_RECUR_BEFORE.search(text, max(0, start - _RECUR_WINDOW), start) is not None


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def find_dates(
    text: str,
    *,
    default_year: int | None = None,
    masks: Sequence[tuple[int, int]] = (),
    include_quarters: bool = False,
) -> list[DateMention]:
    """All date mentions in ``text``, sorted by offset and not overlapping.

    ``default_year`` gives the year of year-less dates ("ngày 25/11"); they are
    then marked ``year_inferred``. Without it they are returned with ``first``
    None. ``masks`` are spans the caller forbids: no mention overlaps one, nor
    a document number (:func:`find_doc_number_spans`). ``include_quarters``
    adds ``"quarter"`` mentions ("Quý IV/2025").

    Where candidates overlap, the leftmost wins, then the longest: a range
    beats its two days, "7h00 ngày 06/10/2022" beats "ngày 06/10/2022".
    """
    if default_year is not None and not _year_ok(default_year):
        raise ValueError(f"default_year {default_year} is outside {_LEX.year_min}–{_LEX.year_max}")
    forbidden = _Forbidden([*find_doc_number_spans(text), *masks])
    whole = [(0, len(text))]
    digits = _windows(text, _RE_DIGIT_CLUSTER)
    searches: list[tuple[re.Pattern[str], _Handler, Sequence[tuple[int, int]]]] = [
        (_RE_RANGE_DAY, _h_range_day, _windows(text, _RE_CONN_CLUSTER) if digits else []),
        (_RE_DAY, _h_day, digits),
        (_RE_MONTH, _h_month, whole),
        (_RE_BLANK, _h_blank, whole),
    ]
    if include_quarters:
        searches.append((_RE_QUARTER, _h_quarter, whole))
    cands: list[_Cand] = []
    for pattern, handler, windows in searches:
        cands.extend(_candidates(text, pattern, handler, default_year, forbidden, windows))
    cands.sort(key=lambda c: (c.start, -c.end, c.prio))
    out: list[DateMention] = []
    last_end = -1
    for c in cands:
        if c.start < last_end:
            continue
        last_end = c.end
        recurring = c.recurring or (c.kind != "blank" and _recurring_near(text, c.start, c.end))
        out.append(
            DateMention(
                start=c.start,
                end=c.end,
                kind=c.kind,
                first=c.first,
                last=c.last,
                time=c.time,
                year_inferred=c.year_inferred,
                recurring=recurring,
                text=text[c.start:c.end],
                day=c.day,
                month=c.month,
                year=c.year,
                end_time=c.end_time,
            )
        )
    return out


_EDGE_JUNK = " \t\r\n\f\v*_.,;:()[]"


def parse_date(s: str, *, default_year: int | None = None) -> date | None:
    """The date of a string that is one whole day and nothing else.

    Accepts "08/9/2023", "ngày 8 tháng 9 năm 2023", "Ngày 04/11/2025",
    "7h00 ngày 06/10/2022" (the time is ignored) and, with ``default_year``,
    "ngày 25/11". Surrounding white space, markdown ``*`` and punctuation are
    ignored. Returns None for anything else: ranges, months, blank dates,
    impossible dates, or a string with more than the date in it.
    """
    core = s.strip(_EDGE_JUNK)
    if not core:
        return None
    found = find_dates(core, default_year=default_year)
    if len(found) != 1:
        return None
    m = found[0]
    if m.kind != "day" or m.first is None or m.start != 0 or m.end != len(core):
        return None
    return m.first
