"""Turn the text a value regex captured into a normal form (days, a jurisdiction)."""

from __future__ import annotations

import re

_UNITS = {"day": 1, "business day": 1, "calendar day": 1, "week": 7, "month": 30, "year": 365}
_HOUR = "hour"
_NUM_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a": 1, "an": 1,
}
_DURATION = re.compile(
    r"(?P<num>\d{1,4}|(?:[a-z]+[\s-]?){1,3}?)\s*(?:\(\s*(?P<paren>\d{1,4})\s*\)\s*)?"
    r"(?P<unit>(?:business |calendar )?day|week|month|year|hour)s?\b",
    re.I,
)


def words_to_number(words: str) -> int | None:
    total = 0
    seen = False
    for w in re.split(r"[\s-]+", words.lower().strip()):
        if not w:
            continue
        if w.isdigit():
            total += int(w)
            seen = True
        elif w == "hundred" and seen:
            total *= 100
        elif w in _NUM_WORDS:
            total += _NUM_WORDS[w]
            seen = True
        else:
            return None
    return total if seen else None


def to_days(text: str) -> int | None:
    """'thirty (30) days' -> 30; 'one month' -> 30; 'two years' -> 730; '72 hours' -> 3."""
    for m in _DURATION.finditer(text):
        n = int(m.group("paren")) if m.group("paren") else None
        if n is None:
            raw = m.group("num").strip()
            n = int(raw) if raw.isdigit() else words_to_number(raw)
        if n is None:
            continue
        unit = m.group("unit").lower()
        if unit == _HOUR:  # breach notices are often in hours: 72 hours -> 3 days, 1 hour -> 1 day
            return max(1, -(-n // 24))
        return n * _UNITS.get(unit, _UNITS.get(unit.split()[-1], 1))
    return None


_JURIS_TRIM = re.compile(r"^(?:the\s+)?(?:state|commonwealth|province|republic|kingdom)\s+of\s+", re.I)


def normalise_jurisdiction(text: str, aliases: dict[str, str]) -> str:
    v = " ".join(text.split()).strip(" ,.;:()")
    v = _JURIS_TRIM.sub("", v)
    v = re.sub(r"^the\s+", "", v, flags=re.I)
    key = v.lower()
    for k, target in aliases.items():
        if key == k.lower():
            return target
    return v
