"""The strings every match of a regex starts with: a sentence without one cannot match.

Rule patterns mostly begin with a word or a few alternatives ("\\b(?:owns|shall own|...)").
The search already skips sentences lacking a word the pattern needs anywhere
(literals.py); many sentences still hold a common gate word ("own" in "known") and
fail the search. Reading the pattern's possible starts off its parse tree and testing
them with ``in`` (or one trie regex, for many) costs about a tenth of the search, and
never drops a sentence the pattern could match. Patterns whose start is not literal
(``\\w+``, a look-ahead) get no start gate.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

try:
    from ...cache import compile_regex  # regexes compiled once, kept on disk
except ImportError:  # this module alone (the tests run it on each Python without the package)
    compile_regex = re.compile
from ._re_internals import constants as _c
from ._re_internals import parser as _sre_parse

_PREFIX_LENGTHS = (16, 8, 5, 3)
_MAX_PREFIXES = 200
# Up to this many strings, `in` tests beat one trie regex.
_MAX_IN_TESTS = 4
_STOP = ("stop", None)
_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_ATOMIC = getattr(_c, "ATOMIC_GROUP", None)
_LITERALISH = {_c.LITERAL, _c.BRANCH, _c.SUBPATTERN}
# The only characters that re.IGNORECASE equates with an ASCII letter although their
# str.lower() is not that letter (checked over all of Unicode by tests/test_prefixes.py).
_ODD_CASE = [("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s")]


class _TooMany(Exception):
    pass


def _small_set(op, av) -> bool:
    """A class of a few literal characters, such as [sS] or (?:r|t)."""
    return op is _c.IN and len(av) <= 8 and all(o is _c.LITERAL for o, _ in av)


def _starts_literally(items) -> bool:
    return bool(items) and (items[0][0] in _LITERALISH or _small_set(*items[0]))


def literal_prefixes(pattern: str, flags: int = 0) -> set[str] | None:
    """Lower-cased strings one of which starts every match, or None if there are none.

    Long prefixes are more telling but multiply with every optional part; when there
    would be too many, shorter ones are read instead.
    """
    parsed = list(_sre_parse.parse(pattern, flags).data)
    for limit in _PREFIX_LENGTHS:
        try:
            out = _prefixes(parsed, limit)
        except _TooMany:
            continue
        return out if out and "" not in out else None
    return None


def _prefixes(items: list, limit: int) -> set[str]:
    out: set[str] = set()

    def walk(items: list, prefix: str) -> None:
        if len(out) > _MAX_PREFIXES:
            raise _TooMany
        for i, (op, av) in enumerate(items):
            if len(prefix) >= limit:
                break
            rest = items[i + 1:]
            if op in _ZERO_WIDTH:
                continue
            if op is _c.LITERAL:
                ch = chr(av)
                if not ch.isascii():
                    break
                prefix += ch.lower()
                continue
            if _small_set(op, av):
                for _, a in av:
                    walk([(_c.LITERAL, a), *rest], prefix)
                return
            if op is _c.BRANCH:
                for alt in av[1]:
                    walk([*alt.data, *rest], prefix)
                return
            if op is _c.SUBPATTERN:  # (?-i:...) too: lower-cased strings are found either way
                walk([*av[-1].data, *rest], prefix)
                return
            if _ATOMIC is not None and op is _ATOMIC:
                walk([*av.data, *rest], prefix)
                return
            if op in _REPEATS:
                lo, hi, sub = av
                if lo == 0 and not _starts_literally(sub.data):
                    break  # "[^.;]{0,30}": stop here rather than branch on everything after it
                if lo == 0:
                    walk(rest, prefix)
                if hi == 1:
                    walk([*sub.data, *rest], prefix)
                elif hi != 0:
                    walk([*sub.data, _STOP], prefix)
                return
            break
        out.add(prefix)

    walk(items, "")
    return out


def _trie_regex(words: set[str]) -> str:
    """One regex for a set of strings, factored as a trie so ``re`` scans it quickly."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        if "" in node:  # a shorter prefix already suffices
            return ""
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(trie)


def fold(text: str) -> str:
    """Lower-cased so that a string ``re.IGNORECASE`` finds in ``text`` is in it literally."""
    if not text.isascii():
        for odd, letter in _ODD_CASE:
            if odd in text:
                text = text.replace(odd, letter)
    return text.lower()


class StartGate:
    """Whether a folded text holds one of the strings a pattern's matches start with."""

    def __init__(self, prefixes: set[str]) -> None:
        # "terminat" covers "terminate" and "termination": keep the shortest.
        shortest = sorted(p for p in prefixes if not any(q != p and p.startswith(q) for q in prefixes))
        self.strings = tuple(shortest)
        self._trie = _trie_regex(prefixes)
        self._search = compile_regex(self._trie).search if len(shortest) > _MAX_IN_TESTS else None

    def __getstate__(self) -> tuple[tuple[str, ...], str]:
        return self.strings, self._trie  # the compiled search is made again, from the regex cache

    def __setstate__(self, state: tuple[tuple[str, ...], str]) -> None:
        self.strings, self._trie = state
        self._search = compile_regex(self._trie).search if len(self.strings) > _MAX_IN_TESTS else None

    @functools.cached_property
    def _find(self):
        """The trie regex's search, compiled when first needed (few-string gates test with ``in``)."""
        return self._search or compile_regex(self._trie).search

    def keep(self, candidates: list[int], texts: list[str]) -> list[int]:
        """The candidates whose folded text holds a start string (``self(text)`` for each)."""
        if self._search is not None:
            search = self._search
            return [si for si in candidates if search(texts[si])]
        strings = self.strings
        if len(strings) == 1:
            a = strings[0]
            return [si for si in candidates if a in texts[si]]
        if len(strings) == 2:  # written out: a generator per sentence costs more than the tests
            a, b = strings
            return [si for si in candidates if a in (t := texts[si]) or b in t]
        if len(strings) == 3:
            a, b, c = strings
            return [si for si in candidates if a in (t := texts[si]) or b in t or c in t]
        return [si for si in candidates if any(s in texts[si] for s in strings)]

    def positions(self, folded: str) -> Iterator[int]:
        """Where in ``folded`` a match can start, in order (overlapping ones too): the only
        places a search need try."""
        m = self._find(folded)
        while m is not None:
            yield m.start()
            m = self._find(folded, m.start() + 1)

    def __call__(self, folded: str) -> bool:
        if self._search is not None:
            return self._search(folded) is not None
        return any(s in folded for s in self.strings)


def start_gate(pattern: str, flags: int = 0) -> StartGate | None:
    prefixes = literal_prefixes(pattern, flags)
    return StartGate(prefixes) if prefixes else None
