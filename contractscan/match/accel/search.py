"""The accelerated regex search: the same hits as ``PlainSearch``, trying far fewer sentences.

A regex runs only on the sentences that pass its gates: they hold one of the literals the
pattern cannot match without (a literal index per document), its other required literal
sets, and one of the strings its matches start with; a look-ahead pattern's cheap core is
tried before the pattern. Each gate only drops sentences the pattern cannot match.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ... import cache
from ...cache import compile_regex
from ..patterns import CompiledPattern
from ..search import RegexHit, reaches_item
from ..sentences import Sentences
from .index import LiteralIndex, lower_same_length
from .literals import literal_options
from .lookaheads import core_regex
from . import prefilter
from .prefilter import SentenceFilter
from .prefixes import StartGate, fold, start_gate


@dataclass(frozen=True)
class GatedPattern:
    """A regex with what lets it skip the sentences it cannot match."""

    regex: re.Pattern[str]
    veto: bool
    literals: tuple[str, ...] | None  # a sentence (or its lead-in chain) must hold one of these
    others: tuple[StartGate, ...]  # ... and one of each of these sets (read with its lead-ins)
    starts: StartGate | None  # where a match of the regex can start
    core: re.Pattern[str] | None  # the regex without its leading look-aheads: implied by it, cheaper
    core_starts: StartGate | None

    @property
    def gate(self) -> StartGate | None:
        """The start strings a sentence must hold: the core's when the pattern starts with a look-ahead."""
        return self.starts or self.core_starts

    def __reduce__(self) -> tuple:
        """Pickled with the regexes' sources; loading compiles them from the regex cache."""
        # the flags as given (re.I): a str pattern's re.UNICODE is implied, and the regex cache
        # knows the pattern by the flags it was compiled with
        return (_gated, (self.regex.pattern, self.regex.flags & ~re.UNICODE, self.veto, self.literals, self.others,
                         self.starts, None if self.core is None else self.core.pattern,
                         0 if self.core is None else self.core.flags & ~re.UNICODE, self.core_starts))

    @classmethod
    def of(cls, pattern: CompiledPattern) -> GatedPattern:
        assert pattern.regex is not None
        source = pattern.regex.pattern
        options = literal_options(source, re.I)
        # The literal set to gate on: the one whose shortest literal is longest (long words are
        # rare words). Any choice gives the same matches; this one scanned the dev contracts
        # about as fast as counting literals in the first documents did, and does not depend on
        # which documents a worker happens to see first.
        literals = max(options, key=lambda o: min(len(w) for w in o)) if options else None
        # The other sets filter too (ASCII only: case folding maps a few odd letters onto ASCII ones)
        others = tuple(StartGate(set(o)) for o in options if o != literals and all(w.isascii() for w in o))
        core = core_regex(source)
        return cls(pattern.regex, pattern.veto, literals, others, start_gate(source, re.I),
                   compile_regex(core, re.I) if core else None, start_gate(core, re.I) if core else None)


def _gated(regex: str, flags: int, veto: bool, literals: tuple[str, ...] | None, others: tuple[StartGate, ...],
           starts: StartGate | None, core: str | None, core_flags: int, core_starts: StartGate | None) -> GatedPattern:
    return GatedPattern(compile_regex(regex, flags), veto, literals, others, starts,
                        None if core is None else compile_regex(core, core_flags), core_starts)


class AcceleratedSearch:
    """``PlainSearch``'s hits, with each regex tried only where it can match."""

    def __init__(self, patterns: Sequence[CompiledPattern]) -> None:
        # Reading each pattern for its literals and start strings takes most of a second: the
        # result is kept in the cache on disk, keyed by the patterns and this code.
        sources = [f"{int(p.veto)}:{p.regex.flags}:{p.regex.pattern}" for p in patterns if p.regex is not None]
        k = cache.key("gates", *sources)
        stored = cache.load("gates", k)
        if (isinstance(stored, list) and len(stored) == len(patterns)
                and all(isinstance(g, GatedPattern) for g in stored)):
            self.patterns: list[GatedPattern] = stored
            cache.save()  # any regex the regex cache did not have yet
        else:
            self.patterns = [GatedPattern.of(p) for p in patterns]
            cache.store("gates", k, self.patterns)
            cache.save()
        self.filter = _sentence_filter(self.patterns, sources)

    def __call__(self, sentences: Sentences) -> Iterator[RegexHit]:
        own, full, lead_of, items = sentences.own, sentences.full, sentences.lead_of, sentences.items
        n = len(own)
        judged: list[list[int] | None] = [None] * len(self.patterns)
        unjudged: set[int] = set(range(n))
        if self.filter is not None:
            found, left = self.filter([*own, *(full[si] for si in items)])
            unjudged = {ti if ti < n else items[ti - n] for ti in left}
            for i, covered in enumerate(self.filter.covered):
                if covered:
                    judged[i] = found[i]
        gates = _Gates(sentences)
        folded_own: dict[int, str] = {}
        for i, p in enumerate(self.patterns):
            if judged[i] is None:
                candidates = gates(p)
            else:
                # the filter's sentences (a text past ``n`` is an item read after its lead-in),
                # and those it could not read that pass the gates
                chosen = {ti if ti < n else items[ti - n] for ti in judged[i]}
                if unjudged:
                    chosen.update(gates(p, unjudged))
                if not chosen:
                    continue
                candidates = sorted(chosen)
            rx, core, starts, core_starts, veto = p.regex, p.core, p.starts, p.core_starts, p.veto
            for si in candidates:
                sentence = own[si]
                folded = folded_own.get(si)
                if folded is None:
                    folded = folded_own[si] = fold(sentence)
                alone = ((core is None or search_from_starts(core, sentence, core_starts, folded) is not None)
                         and search_from_starts(rx, sentence, starts, folded) is not None)
                with_lead = si in lead_of and (alone or ((core is None or core.search(full[si]) is not None)
                                                         and reaches_item(rx, full[si], len(sentence), veto)))
                if alone or with_lead:
                    yield RegexHit(i, si, alone, with_lead)


class _Gates:
    """The sentences each pattern's literal and start gates let through, for one document
    (the index and the folded texts are built when first needed)."""

    def __init__(self, sentences: Sentences) -> None:
        self.sentences = sentences
        self._by_literals: dict[tuple[str, ...] | None, list[int]] = {}  # patterns share literal sets

    @functools.cached_property
    def _index(self) -> LiteralIndex:
        s = self.sentences
        return LiteralIndex(lower_same_length(s.flat), s.starts, s.ends)

    @functools.cached_property
    def _folded_full(self) -> list[str]:
        return [fold(t) for t in self.sentences.full]

    def __call__(self, p: GatedPattern, within: set[int] | None = None) -> list[int]:
        """The sentences (of ``within`` only, if given) that pass ``p``'s gates."""
        candidates = self._by_literals.get(p.literals)
        if candidates is None:
            candidates = self._index.holding_any(p.literals)
            lead_of = self.sentences.lead_of
            if p.literals is not None and lead_of:
                # An item is read after its lead-in, and that after its own: a literal anywhere
                # up the chain makes the item a candidate.
                found = set(candidates)
                for item in self.sentences.items:  # a lead-in comes before its items
                    if lead_of[item] in found:
                        found.add(item)
                candidates = sorted(found)
            self._by_literals[p.literals] = candidates
        if within is not None:
            candidates = [si for si in candidates if si in within]
        gate = p.gate
        if gate is not None:
            candidates = gate.keep(candidates, self._folded_full)
        for needed in p.others:
            candidates = needed.keep(candidates, self._folded_full)
        return candidates


def _sentence_filter(patterns: Sequence[GatedPattern], sources: Sequence[str]) -> SentenceFilter | None:
    """The Hyperscan filter for these patterns, its database from the cache on disk when it
    was built before; None without Hyperscan, or with the cache turned off: building the
    database takes ~6 s of CPU, more than it saves on a few documents."""
    if not prefilter.available() or cache.cache_dir() is None:
        return None
    k = cache.key("prefilter", prefilter.version(), *sources)
    stored = cache.load("prefilter", k)
    supersets, compiled = stored if isinstance(stored, tuple) and len(stored) == 2 else (None, None)
    if not (isinstance(supersets, list) and len(supersets) == len(patterns)):
        supersets = [prefilter.superset(p.regex.pattern, p.regex.flags & ~re.UNICODE) for p in patterns]
        compiled = None
    if compiled == b"":
        return None  # Hyperscan could not build it before
    filt = SentenceFilter(supersets, compiled if isinstance(compiled, bytes) else None)
    if compiled is None:
        cache.store("prefilter", k, (supersets, filt.dumps() or b""))
    return filt if filt.db is not None else None


def search_from_starts(rx: re.Pattern[str], text: str, starts: StartGate | None,
                       folded: str) -> re.Match[str] | None:
    """``rx.search(text)``, trying only the positions where a match can start.

    ``re`` would try the pattern at every character; the start gate finds the few places
    one of the strings its matches start with occurs (in ``folded``, the case-folded text,
    which has the same offsets), and ``match`` there gives the leftmost match, as search would."""
    if starts is None or len(folded) != len(text):  # a letter whose lower case is longer: offsets differ
        return rx.search(text)
    for pos in starts.positions(folded):
        m = rx.match(text, pos)
        if m is not None:
            return m
    return None
