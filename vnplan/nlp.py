"""spaCy and underthesea behind one adapter: a Doc whose span groups hold every extracted value.

``spacy.blank("vi")`` needs pyvi and, without it, splits on spaces only
("hóa," stays one token). vnplan gives it its own tokenizer: syllables and
punctuation as tokens, with the character offsets of the canonical text, and
(optionally) underthesea's word segmentation, re-aligned to the text, marking
which syllables form one word. Nothing here is on the extraction hot path;
spaCy is imported only when a Doc is asked for.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .document import Document
from .models import PlanRecord

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

_TOKEN = re.compile(r"\d+(?:[./,:-]\d+)*|[^\W\d_]+(?:[&'][^\W\d_]+)*|\S", re.UNICODE)

# Span group label for each record field (a path's first segment).
LABELS = {
    "doc_type": "TYPE", "number": "NUMBER", "symbol": "SYMBOL", "issuer": "ISSUER", "place": "PLACE",
    "issued_date": "DATE", "year": "YEAR", "title": "TITLE", "theme": "THEME", "legal_bases": "BASIS",
    "references": "REFERENCE", "periods": "PERIOD", "events": "EVENT", "deadlines": "DEADLINE",
    "assignments": "ASSIGNMENT", "signer": "SIGNER", "recipients": "RECIPIENT", "area": "AREA",
}


def tokenize(text: str) -> list[tuple[int, int]]:
    """Syllable and punctuation tokens with their offsets."""
    return [m.span() for m in _TOKEN.finditer(text)]


def word_groups(text: str) -> list[tuple[int, int]]:
    """Multi-syllable words found by underthesea, as character spans of ``text``.

    underthesea returns words without offsets and may normalise spacing, so
    each word is searched for in order from where the previous one ended;
    words it cannot find are skipped rather than guessed.
    """
    from underthesea import word_tokenize

    out: list[tuple[int, int]] = []
    pos = 0
    for line_start, line in _lines(text):
        try:
            words = word_tokenize(line)
        except Exception:  # a segmenter failure leaves syllables as they are
            continue
        pos = 0
        for w in words:
            k = line.find(w, pos)
            if k < 0:
                continue
            if " " in w:
                out.append((line_start + k, line_start + k + len(w)))
            pos = k + len(w)
    return out


def _lines(text: str):
    start = 0
    for line in text.split("\n"):
        if line.strip():
            yield start, line
        start += len(line) + 1


def to_spacy(record: PlanRecord, doc: Document, *, words: bool = False) -> Doc:
    """A spaCy Doc of the canonical text with one span group per field of the record.

    ``doc.spans["ISSUER"]``, ``doc.spans["DEADLINE"]`` ...; ``doc.spans["sc"]`` holds all
    of them (for displaCy's span renderer). With ``words=True`` the syllables of each
    underthesea word are merged into one token.
    """
    import spacy
    from spacy.tokens import Doc as SpacyDoc

    nlp = spacy.blank("xx")  # the tokenizer is ours; "xx" needs no language package
    text = doc.text
    spans = tokenize(text)
    toks = [text[s:e] for s, e in spans]
    spaces = [spans[i + 1][0] > spans[i][1] if i + 1 < len(spans) else False for i in range(len(spans))]
    sdoc = SpacyDoc(nlp.vocab, words=toks, spaces=spaces)
    # Whitespace between tokens beyond one space is not in the Doc's text; map by token index.
    starts = {s: i for i, (s, _) in enumerate(spans)}
    ends = {e: i for i, (_, e) in enumerate(spans)}

    def char_to_tokens(s: int, e: int) -> tuple[int, int] | None:
        i = next((starts[k] for k in range(s, min(e, s + 40)) if k in starts), None)
        j = next((ends[k] for k in range(e, max(s, e - 40), -1) if k in ends), None)
        if i is None or j is None or j < i:
            return None
        return i, j + 1

    groups: dict[str, list] = {}
    for path, prov in record.provenance.items():
        label = LABELS.get(re.split(r"[.\[]", path)[0])
        if label is None or prov.end <= prov.start:
            continue
        tt = char_to_tokens(prov.start, prov.end)
        if tt is None:
            continue
        groups.setdefault(label, []).append(sdoc[tt[0]:tt[1]])
    all_spans = []
    for label, items in groups.items():
        sdoc.spans[label] = items
        for sp in items:
            sp.label_ = label
            all_spans.append(sdoc.char_span(sp.start_char, sp.end_char, label=label) or sp)
    sdoc.spans["sc"] = all_spans
    if words:
        with sdoc.retokenize() as retok:
            for s, e in word_groups(sdoc.text):
                span = sdoc.char_span(s, e)
                if span is not None and len(span) > 1:
                    retok.merge(span)
    return sdoc


def render_html(record: PlanRecord, doc: Document) -> str:
    """The plan's text with every extracted value highlighted by field (displaCy span style)."""
    from spacy import displacy

    sdoc = to_spacy(record, doc)
    return displacy.render(sdoc, style="span", options={"spans_key": "sc"}, page=False, jupyter=False)
