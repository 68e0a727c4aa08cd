"""Find regex matches fast by first looking for the literal words every match starts with.

Python's ``re`` cannot skip ahead for a case-insensitive pattern that begins with ``\\b``
(most rule patterns do), so ``finditer`` tries the whole pattern at every character of a
document; with dozens of rule regexes that was the slowest step of a scan. Here each
pattern's possible literal prefixes are read from its parse tree ("shall not", "agree",
...) and compiled into one case-sensitive trie regex, which ``re`` scans quickly over a
lower-cased copy of the text (or, for a handful of prefixes, found with ``str.find``,
faster still). The full pattern is only tried where a prefix occurs, so the
matches are exactly those of ``pattern.finditer(text)``. Patterns without a usable prefix
(one that could start with ``\\w``, say) fall back to plain ``finditer``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

try:  # Python 3.11+
    from re import _constants as _c
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_MAX_PREFIX = 16
_MIN_PREFIX = 3
_MAX_PREFIXES = 200
# Up to this many literals, str.find (a memchr-based scan) beats a trie regex.
_MAX_FIND_LITERALS = 4
_STOP = ("stop", None)
_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_ATOMIC = getattr(_c, "ATOMIC_GROUP", None)
_LITERALISH = {_c.LITERAL, _c.BRANCH, _c.SUBPATTERN}

# The only non-ASCII characters that re.IGNORECASE equates with an ASCII letter whose
# str.lower() is not that letter (checked over all of Unicode by tests/test_prefilter.py).
_FOLD = [("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s")]


class _TooMany(Exception):
    pass


def _small_set(op, av) -> bool:
    """A class of a few literal characters, such as [sS] or (?:r|t)."""
    return op is _c.IN and len(av) <= 8 and all(o is _c.LITERAL for o, _ in av)


def _starts_literally(items) -> bool:
    return bool(items) and (items[0][0] in _LITERALISH or _small_set(*items[0]))


def literal_prefixes(pattern: str, flags: int = 0) -> set[str] | None:
    """Lower-cased strings one of which starts every match, or None if there are none."""
    out: set[str] = set()

    def walk(items: list, prefix: str) -> None:
        if len(out) > _MAX_PREFIXES:
            raise _TooMany
        for i, (op, av) in enumerate(items):
            if len(prefix) >= _MAX_PREFIX:
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
            if op is _c.SUBPATTERN:
                _group, add_flags, del_flags, sub = av
                if add_flags or del_flags:
                    break
                walk([*sub.data, *rest], prefix)
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

    try:
        walk(list(_sre_parse.parse(pattern, flags).data), "")
    except _TooMany:
        return None
    if not out or not all(_selective(p) for p in out):
        return None
    return out


def _selective(prefix: str) -> bool:
    """Long enough to be rare: three characters, or punctuation such as "[" or "§"."""
    return len(prefix) >= _MIN_PREFIX or (bool(prefix) and not any(c.isalnum() or c.isspace() for c in prefix))


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


def fold(text: str) -> str | None:
    """Lower-case ``text`` keeping every offset, or None when that is impossible."""
    if not text.isascii():
        for odd, letter in _FOLD:
            if odd in text:
                text = text.replace(odd, letter)
    low = text.lower()
    return low if len(low) == len(text) else None


class PrefilteredRegex:
    """A compiled pattern whose ``finditer`` skips text where it cannot match."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.regex = re.compile(pattern, flags)
        prefixes = literal_prefixes(pattern, flags)
        # Drop prefixes that a shorter one already covers: "terminat" covers "terminate".
        shortest = sorted(p for p in prefixes or () if not any(q != p and p.startswith(q) for q in prefixes or ()))
        self.literals = shortest if 0 < len(shortest) <= _MAX_FIND_LITERALS else None
        self.gate = re.compile(_trie_regex(prefixes)) if prefixes and self.literals is None else None

    def finditer(self, text: str, folded: str | None) -> Iterator[re.Match[str]]:
        """Same matches as ``self.regex.finditer(text)``; ``folded`` is ``fold(text)``."""
        if folded is None or (self.gate is None and self.literals is None):
            yield from self.regex.finditer(text)
            return
        match = self.regex.match
        candidates = self._found(folded) if self.literals is not None else self._scanned(folded)
        pos = 0
        start = next(candidates, None)
        while start is not None:
            m = match(text, start)
            if m is not None:
                yield m
                pos = m.end()  # every match holds its (non-empty) prefix, so this advances
            start = candidates.send(pos if m is not None else start + 1)

    def _scanned(self, folded: str):
        """Leftmost gate hit at or after each position sent in."""
        search = self.gate.search  # type: ignore[union-attr]
        pos = 0
        while (g := search(folded, pos)) is not None:
            pos = yield g.start()
        yield None

    def _found(self, folded: str):
        """The same with str.find, remembering each literal's next occurrence."""
        nxt = {lit: folded.find(lit) for lit in self.literals}  # type: ignore[union-attr]
        pos = 0
        while True:
            best = -1
            for lit, q in nxt.items():
                if 0 <= q < pos:
                    q = nxt[lit] = folded.find(lit, pos)
                if q >= 0 and (best < 0 or q < best):
                    best = q
            if best < 0:
                yield None
                return
            pos = yield best
