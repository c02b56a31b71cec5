"""Character classes for Vietnamese letters, for use inside regular expressions.

Python's ``re`` has no Unicode case classes, and a range such as ``à-ỹ`` also
holds capitals (the Latin Extended Additional block interleaves them), so the
letters are listed.
"""
from __future__ import annotations

_LOWER_VI = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
LOWER = "a-z" + _LOWER_VI
UPPER = "A-Z" + _LOWER_VI.upper()
LETTER = LOWER + UPPER


def vi(pattern: str) -> str:
    """Expand ``{U}`` (capital letters) and ``{L}`` (small letters) in a regular expression."""
    return pattern.replace("{U}", UPPER).replace("{L}", LOWER)
