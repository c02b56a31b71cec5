"""Language data shipped under ``vnplan/data``: loaded once, validated on load.

Rules live in code; the words they look for live in these files, so that a
new heading word or unit abbreviation is a one-line data change.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import DataFileError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DocType(_Strict):
    name: str
    code: str
    title: bool = False


class DocTypes(_Strict):
    source: str
    types: list[DocType]
    letter_subject_prefixes: list[str]


class Signing(_Strict):
    source: str
    prefixes: list[str]
    positions: list[str]
    noise: list[str]
    surnames: list[str]


class Layout(_Strict):
    source: str
    motto: list[str]
    basis_cues: list[str]
    proposal_cues: list[str]
    decision_cues: list[str]
    assignment_headings: list[str]
    closing_cues: list[str]
    recipients_cue: list[str]
    filing_cue: list[str]
    addressee_cue: list[str]
    annex_titles: list[str]
    annex_cues: list[str]
    recipient_notes: list[str]
    noise_lines: list[str]
    dangling_words: list[str]
    web_boilerplate: list[str]


class LeadVerbs(_Strict):
    requested: list[str]
    directed: list[str]


class Units(_Strict):
    source: str
    lead_verbs: LeadVerbs
    head_words: list[str]
    not_units: list[str]
    duty_verbs: list[str]
    strong_verbs: list[str]


class Abbreviation(_Strict):
    abbr: str
    full: str
    expand: bool = True


class Abbreviations(_Strict):
    source: str
    items: list[Abbreviation]
    symbol_issuers: dict[str, str]


class Cues(_Strict):
    source: str
    deadline: list[str]
    deadline_not: list[str]
    events: list[str]
    period_labels: list[str]
    theme: list[str]
    issuer_actions: list[str]
    subject_starts: list[str]
    table_deadline_headers: list[str]
    table_task_headers: list[str]
    table_unit_headers: list[str]


_SCHEMAS: dict[str, type[BaseModel]] = {
    "doctypes": DocTypes,
    "signing": Signing,
    "layout": Layout,
    "units": Units,
    "abbreviations": Abbreviations,
    "cues": Cues,
}


def _read(name: str) -> Any:
    try:
        raw = resources.files("vnplan.data").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DataFileError(f"data file {name}.yaml is missing from the installation") from exc
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise DataFileError(f"data file {name}.yaml is not valid YAML: {exc}") from exc


@functools.cache
def data(name: str) -> Any:
    """The validated content of ``vnplan/data/<name>.yaml``."""
    raw = _read(name)
    schema = _SCHEMAS.get(name)
    if schema is None:
        return raw
    try:
        return schema.model_validate(raw)
    except ValidationError as exc:
        raise DataFileError(f"data file {name}.yaml does not have the expected shape: {exc}") from exc


def doctypes() -> DocTypes:
    return data("doctypes")


def signing() -> Signing:
    return data("signing")


def layout() -> Layout:
    return data("layout")


def units() -> Units:
    return data("units")


def abbreviations() -> Abbreviations:
    return data("abbreviations")


def cues() -> Cues:
    return data("cues")


def alternation(words: Iterable[str], form: Callable[[str], str] | None = None) -> str:
    """Regex alternation of data words, escaped, longest first.

    Longest first because a regex alternation takes the first branch that
    matches: "Ủy ban nhân dân tỉnh" must be tried before "Ủy ban". ``form``
    (e.g. ``normalize.fold``) rewrites each word before it is escaped.
    """
    forms = {form(w) for w in words} if form else set(words)
    return "|".join(re.escape(w) for w in sorted(forms, key=lambda w: (-len(w), w)))


@functools.cache
def sign_prefix_alternation(*, with_acting: bool = True) -> str:
    """Regex alternation of the signing prefixes (TM, KT, TL, TUQ, Q ...), longest first.

    ``with_acting=False`` leaves out "Q" (acting head), which is too short to look for
    inside a line.
    """
    return alternation(x for x in signing().prefixes if with_acting or x != "Q")
