"""Turn the text a value regex captured into a normal form (days, a jurisdiction)."""

from __future__ import annotations

import re
from functools import lru_cache

from .cache import compile_regex

_UNITS = {"day": 1, "business day": 1, "calendar day": 1, "week": 7, "month": 30, "year": 365}
_HOUR = "hour"
_NUM_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a": 1, "an": 1,
    # ordinals: "no later than the tenth (10th) business day after discovery"
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "fifteenth": 15, "twentieth": 20, "thirtieth": 30, "sixtieth": 60,
}
_DURATION = compile_regex(
    r"(?P<num>\d{1,4}(?:st|nd|rd|th)?|(?:[a-z]+[\s-]?){1,3}?)[\s-]*(?:\(\s*(?P<paren>\d{1,4})(?:st|nd|rd|th)?\s*\)[\s-]*)?"
    r"(?P<unit>(?:(?:business|calendar|working)[\s-])?day|week|month|year|hour|hr)s?\b",
    re.I,
)


def words_to_number(words: str) -> int | None:
    parts = [w for w in re.split(r"[\s-]+", words.lower().strip()) if w]
    if len(parts) > 1 and parts[0] in ("a", "an"):
        return None  # "a thirty day notice" is thirty, not thirty-one
    total = 0
    seen = False
    for w in parts:
        if not w:
            continue
        if w == "and" and seen:
            continue  # "one hundred and eighty"
        if w.rstrip("stndrh").isdigit() and w[:1].isdigit():  # "10" or "10th"
            total += int(w.rstrip("stndrh"))
            seen = True
        elif w == "hundred" and seen:
            total *= 100
        elif w in _NUM_WORDS:
            total += _NUM_WORDS[w]
            seen = True
        else:
            return None
    return total if seen else None


def _leading_number(raw: str) -> int | None:
    """The number that ends ``raw``: 'least sixty' -> 60, 'twenty four' -> 24."""
    words = re.split(r"[\s-]+", raw.strip())
    for i in range(len(words)):
        n = words_to_number(" ".join(words[i:]))
        if n is not None:
            return n
    return None


# Every duration ends in one of these: text without one holds none (``_DURATION`` tries its
# word alternative at every character, which made it a quarter of a short contract's analysis)
_UNIT_WORD = compile_regex(r"(?:day|week|month|year|hour|hr)s?\b", re.I)


@lru_cache(maxsize=4096)  # a defined term's period is read once per sentence that uses it
def to_days(text: str) -> int | None:
    """'thirty (30) days' -> 30; 'one month' -> 30; 'two years' -> 730; '72 hours' -> 3."""
    if not _UNIT_WORD.search(text):
        return None
    for m in _DURATION.finditer(text):
        n = int(m.group("paren")) if m.group("paren") else None
        if n is None:
            n = _leading_number(m.group("num"))
        if n is None:
            continue
        unit = m.group("unit").lower().replace("-", " ")  # "business-days" from a PDF line break
        if unit in (_HOUR, "hr"):  # breach notices are often in hours: 72 hours -> 3 days, 1 hour -> 1 day
            return max(1, -(-n // 24))
        return n * _UNITS.get(unit, _UNITS.get(unit.split()[-1], 1))
    return None


_JURIS_TRIM = compile_regex(r"^(?:the\s+)?(?:state|commonwealth|province|republic|kingdom)\s+of\s+", re.I)
_COUNTRY_TAIL = compile_regex(r",?\s+(?:the\s+)?(?:United States(?: of America)?|U\.?S\.?A?\.?)$", re.I)

# Words an ALL-CAPS sentence keeps in lower case when recased, so that value regexes
# asking for a capitalised name stop at them.
_FUNCTION_WORDS = frozenset(
    "a all an and any are as at be both but by each for from if in into is its nor not of on or other per "
    "shall such that the their then these this those to under unto upon which will with within without".split()
)
# Short words that are words, not acronyms like "PRC" or "USA" ("NEW YORK" -> "New York").
_SHORT_WORDS = frozenset("new san los las old day law fee sum pay due use may can own set one two six ten".split())


_DROP_ASCII_LOWER = dict.fromkeys(range(ord("a"), ord("z") + 1))


def recase_all_caps(text: str) -> str:
    """'LAWS OF THE STATE OF NEW YORK' -> 'Laws of the State of New York'.

    Text that is not mostly upper case comes back unchanged. Words of up to three
    letters that are not function words ("PRC", "USA") stay upper case.
    """
    if len(text) - len(text.translate(_DROP_ASCII_LOWER)) > 0.2 * len(text):
        return text  # a fifth of it lower-case letters: not mostly upper case (the common case, at C speed)
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 8 or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return text

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        low = w.lower()
        if low in _FUNCTION_WORDS:
            return low
        return w if len(w) <= 3 and low not in _SHORT_WORDS else w[0] + w[1:].lower()

    return re.sub(r"[A-Za-z][A-Za-z'’]*", word, text)


def normalise_jurisdiction(text: str, aliases: dict[str, str]) -> str:
    """'the State of New York' -> 'New York'; 'DELAWARE, United States' -> 'Delaware'."""
    v = " ".join(text.split()).strip(" ,.;:()")
    v = _JURIS_TRIM.sub("", v)
    v = re.sub(r"^the\s+", "", v, flags=re.I)
    tail = _COUNTRY_TAIL.sub("", v)
    if tail and tail != v and not re.fullmatch(r"(?:the\s+)?United States", tail, re.I):
        v = tail.strip(" ,")
    if v.isupper() and (" " in v or len(v) > 4):
        v = " ".join(w.capitalize() for w in v.split())
        v = re.sub(r"\b(Of|And|The)\b", lambda m: m.group(1).lower(), v)
    v = re.sub(r"(?<=\w)\s+State$", "", v)  # "Washington State" is Washington ("New York State" too)
    key = v.lower()
    for k, target in aliases.items():
        if key == k.lower():
            return target
    return v
