"""Which sentences of a document hold a literal: the first gate a pattern passes."""

from __future__ import annotations

import bisect
import re

_SPACE_OR_NUL = re.compile(r"[\s\x00]")


class LiteralIndex:
    """Which sentences hold a literal, for one document.

    A literal is looked for in the document's distinct words (about a quarter of its
    text), each of which knows its sentences, instead of in the whole text: hundreds
    of literals are looked up per document, half of them absent."""

    # Up to this many literals are looked for in the text itself, one C scan each: with the
    # Hyperscan filter judging nearly every pattern, a document asks for a handful, and
    # building the word map for those cost more than all of the search's ``re`` calls.
    _SCANS_BEFORE_WORDS = 32

    def __init__(self, lowered: str, starts: list[int], ends: list[int]) -> None:
        self.lowered, self.starts, self.ends = lowered, starts, ends
        self._cache: dict[str, set[int]] = {}
        self._words: str | None = None  # the distinct words, once the word map is built

    def _build_words(self) -> None:
        lowered, starts, ends = self.lowered, self.starts, self.ends
        by_word: dict[str, list[int]] = {}
        for si, (s, e) in enumerate(zip(starts, ends)):
            for word in set(lowered[s:e].split()):
                by_word.setdefault(word, []).append(si)
        self._sentences = list(by_word.values())
        self._offsets: list[int] = []
        pos = 0
        for word in by_word:
            self._offsets.append(pos)
            pos += len(word) + 1
        self._words = "\x00".join(by_word)

    def sentences(self, lit: str) -> set[int]:
        """The sentences holding ``lit`` (the same set whichever way it is looked up)."""
        found = self._cache.get(lit)
        if found is None:
            if self._words is None and len(self._cache) >= self._SCANS_BEFORE_WORDS:
                self._build_words()
            in_words = self._words is not None and lit and not _SPACE_OR_NUL.search(lit)
            found = self._cache[lit] = self._in_words(lit) if in_words else self._in_text(lit)
        return found

    def holding_any(self, literals: tuple[str, ...] | None) -> list[int]:
        """Indexes of the sentences that contain one of ``literals`` (all of them if None)."""
        if literals is None:
            return list(range(len(self.starts)))
        found: set[int] = set()
        for lit in literals:
            found |= self.sentences(lit)
        return sorted(found)

    def _in_words(self, lit: str) -> set[int]:
        """A literal without a space: look in the distinct words, each of which knows its sentences."""
        assert self._words is not None
        hits: set[int] = set()
        i = self._words.find(lit)
        while i >= 0:
            k = bisect.bisect_right(self._offsets, i) - 1
            hits.update(self._sentences[k])
            nxt = self._offsets[k + 1] if k + 1 < len(self._offsets) else len(self._words)
            i = self._words.find(lit, nxt)
        return hits

    def _in_text(self, lit: str) -> set[int]:
        """Search the text, keeping hits inside one sentence (a literal with a space in it, or
        any literal before the word map is built)."""
        hits: set[int] = set()
        lowered, starts, ends = self.lowered, self.starts, self.ends
        i = lowered.find(lit)
        while i >= 0:
            si = bisect.bisect_right(starts, i) - 1
            if si >= 0 and i + len(lit) <= ends[si]:
                hits.add(si)
                i = lowered.find(lit, ends[si])
            else:
                i = lowered.find(lit, i + 1)
        return hits


def lower_same_length(text: str) -> str:
    """``text.lower()``, except letters whose lower case is longer stay as they are (same offsets)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)  # e.g. "İ" lowers to 2 chars
