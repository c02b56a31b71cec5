"""Cleaned strings that remember where each character came from.

Values are read from cleaned text (markdown removed, hard-wrapped lines joined,
spaces collapsed), but provenance must point into the canonical text. A
:class:`Mapped` string carries, for every character, its offset in the
canonical text, so that any match in the cleaned string maps back to a span.
Inserted characters (the space that joins two lines) take the offset of the
character before them.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable


class Mapped:
    """A string with the canonical offset of each character.

    Most cleaned strings are plain runs of the canonical text; those keep only
    their start (``_base``) and build the offset list on first need.
    """

    __slots__ = ("text", "_offs", "_base")

    def __init__(self, text: str, offs: list[int] | None = None, *, base: int | None = None) -> None:
        if offs is not None and len(text) != len(offs):
            raise ValueError("text and offsets differ in length")
        if offs is None and base is None:
            raise ValueError("a Mapped string needs offsets or a base")
        self.text = text
        self._offs = offs
        self._base = base

    @property
    def offs(self) -> list[int]:
        if self._offs is None:
            self._offs = list(range(self._base, self._base + len(self.text)))  # type: ignore[operator]
        return self._offs

    @classmethod
    def of(cls, source: str, start: int = 0, end: int | None = None) -> Mapped:
        end = len(source) if end is None else end
        return cls(source[start:end], base=start)

    @classmethod
    def empty(cls) -> Mapped:
        return cls("", [])

    def __len__(self) -> int:
        return len(self.text)

    def __bool__(self) -> bool:
        return bool(self.text)

    def __repr__(self) -> str:
        return f"Mapped({self.text!r})"

    def __str__(self) -> str:
        return self.text

    def span(self, i: int = 0, j: int | None = None) -> tuple[int, int]:
        """Canonical (start, end) of ``self.text[i:j]``."""
        n = len(self.text)
        j = n if j is None else j
        if self._offs is None:
            i = max(0, min(i, n))
            j = max(i, min(j, n))
            return self._base + i, self._base + j  # type: ignore[operator]
        if not self._offs or i >= j:
            anchor = self._offs[min(i, len(self._offs) - 1)] if self._offs else 0
            return anchor, anchor
        return self._offs[i], self._offs[j - 1] + 1

    def slice(self, i: int, j: int | None = None) -> Mapped:
        n = len(self.text)
        j = n if j is None else j
        if self._offs is None:
            i = max(0, min(i, n))
            return Mapped(self.text[i:j], base=self._base + i)  # type: ignore[operator]
        return Mapped(self.text[i:j], self._offs[i:j])

    def strip(self, chars: str | None = None) -> Mapped:
        text = self.text
        stripped = text.strip(chars)
        if len(stripped) == len(text):
            return self
        left = len(text) - len(text.lstrip(chars))
        right = len(text.rstrip(chars))
        if right <= left:
            return Mapped.empty()
        return self.slice(left, right)

    def sub(self, pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str]) -> Mapped:
        """``re.sub`` that keeps offsets: replacement characters take the offset of the match start."""
        parts: list[str] = []
        offs: list[int] = []
        last = 0
        text = self.text
        const = None if callable(repl) or "\\" in repl else repl
        matches = [m for m in pattern.finditer(text) if const is None or m.group(0) != const]
        if not matches:
            return self  # nothing to change
        src = self.offs
        for m in matches:
            s, e = m.span()
            parts.append(text[last:s])
            offs.extend(src[last:s])
            if const is not None:
                r = const
            else:
                r = repl(m) if callable(repl) else m.expand(repl)
            if r:
                # Keep the offsets of a replacement that is a substring of the match
                # (e.g. group 1 kept, markers dropped) so spans stay exact.
                k = text.find(r, s, e) if len(r) <= e - s else -1
                if k >= 0:
                    offs.extend(self.offs[k:k + len(r)])
                else:
                    anchor = self.offs[s] if s < len(self.offs) else (self.offs[-1] + 1 if self.offs else 0)
                    offs.extend([anchor] * len(r))
                parts.append(r)
            last = e
        if last == 0 and not parts:
            return self
        parts.append(text[last:])
        offs.extend(self.offs[last:])
        return Mapped("".join(parts), offs)

    def apply_edits(self, edits: Iterable[tuple[int, int, str]]) -> Mapped:
        """Replace ``text[start:end]`` by each edit's text (edits sorted, not overlapping).

        A replacement that only drops spaces ("T hành" → "Thành") keeps the
        offsets of the characters it keeps.
        """
        parts: list[str] = []
        offs: list[int] = []
        last = 0
        for start, end, repl in edits:
            if start < last:
                continue
            parts.append(self.text[last:start])
            offs.extend(self.offs[last:start])
            kept = [i for i in range(start, end) if not self.text[i].isspace()]
            if "".join(self.text[i] for i in kept) == repl:
                offs.extend(self.offs[i] for i in kept)
            else:
                anchor = self.offs[start] if start < len(self.offs) else (self.offs[-1] + 1 if self.offs else 0)
                offs.extend([anchor] * len(repl))
            parts.append(repl)
            last = end
        parts.append(self.text[last:])
        offs.extend(self.offs[last:])
        return Mapped("".join(parts), offs)

    def collapse_spaces(self) -> Mapped:
        t = self.text
        if "  " not in t and "\t" not in t and "\u00a0" not in t and t == t.strip():
            return self
        return self.sub(_SPACES, " ").strip()

    @staticmethod
    def join(items: Iterable[Mapped], sep: str = " ") -> Mapped:
        parts: list[str] = []
        offs: list[int] = []
        for m in items:
            if not m:
                continue
            if parts and sep:
                parts.append(sep)
                offs.extend([offs[-1] + 1] * len(sep) if offs else [m.offs[0]] * len(sep))
            parts.append(m.text)
            offs.extend(m.offs)
        return Mapped("".join(parts), offs)


# Only what needs changing: runs of two or more, and tabs or odd spaces (a single " " is left alone).
_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200b\u3000]{2,}|[\t\u00a0\u2002-\u200b\u3000]")
