"""Where each regex pattern matches a document's sentences: the one interface speed-ups sit behind.

``PlainSearch`` is the definition: every regex on every sentence, with ``re.search``.
``accel.AcceleratedSearch`` must give exactly the same hits, only sooner; the test suite
and ``benchmarks/match_equivalence.py`` compare the two.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple, Protocol

from .patterns import CompiledPattern
from .sentences import Sentences


class RegexHit(NamedTuple):
    pattern: int  # index into the patterns the search was built with
    sentence: int
    alone: bool  # the sentence alone matches
    with_lead: bool  # the sentence read after its lead-in matches (counted for list items only)


class RegexSearch(Protocol):
    def __call__(self, sentences: Sentences) -> Iterator[RegexHit]:
        """The hits, pattern by pattern in order, each pattern's sentences in order."""
        ...


class SearchFactory(Protocol):
    def __call__(self, patterns: Sequence[CompiledPattern]) -> RegexSearch: ...


class PlainSearch:
    """Every regex on every sentence: the meaning of a match, without speed-ups."""

    def __init__(self, patterns: Sequence[CompiledPattern]) -> None:
        self.patterns = list(patterns)

    def __call__(self, sentences: Sentences) -> Iterator[RegexHit]:
        own, full, lead_of = sentences.own, sentences.full, sentences.lead_of
        for i, pattern in enumerate(self.patterns):
            rx = pattern.regex
            assert rx is not None
            for si in range(len(sentences)):
                alone = rx.search(own[si]) is not None
                with_lead = si in lead_of and (alone or reaches_item(rx, full[si], len(own[si]), pattern.veto))
                if alone or with_lead:
                    yield RegexHit(i, si, alone, with_lead)


def reaches_item(rx: re.Pattern[str], text: str, item_len: int, veto: bool) -> bool:
    """A pattern read across lead-in + item must reach into the item; a match inside the
    lead-in alone is the lead-in's own finding. A veto anywhere in the text counts."""
    if veto:
        return rx.search(text) is not None
    cut = len(text) - item_len
    return any(m.end() > cut for m in rx.finditer(text))
