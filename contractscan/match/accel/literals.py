"""Literal strings a regex cannot match without: a cheap gate before the real search.

Python's ``re`` scans a whole contract at roughly 20 MB/s per pattern, and a rule set
has hundreds of patterns. Almost every pattern contains a word it cannot match
without ("governed", "indemnif", "insurance"); ``str.find`` locates those words at
memory speed, so the full regex only has to run on the few sentences that hold one.
"""

from __future__ import annotations

import re
from ._re_internals import constants as C  # noqa: N812 - the stdlib's own name for it
from ._re_internals import parser as _parser

MIN_LITERAL = 3  # shorter literals ("of", "by") occur in every sentence: no use as a gate

_ZERO_WIDTH = {C.AT, C.ASSERT, C.ASSERT_NOT}
_REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT)}


def required_literals(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Lower-cased strings such that every match of ``pattern`` contains one of them.

    None when no such set of strings of at least ``MIN_LITERAL`` characters can be
    read off the pattern; the caller must then run the regex everywhere.
    """
    options = literal_options(pattern, flags)
    return options[0] if options else None


def literal_options(pattern: str, flags: int = 0) -> list[tuple[str, ...]]:
    """Every such set of strings the pattern offers, most selective-looking first.

    A pattern like "shall not ... compete" offers {"shall"} and {"compete"}; which one
    is rarer depends on the document; the search gates on one and filters on the others.
    """
    try:
        parsed = _parser.parse(pattern, flags)
    except re.error:
        return []
    options = []
    for found in sorted(_candidates(list(parsed)), key=_selectivity, reverse=True):
        # The text may wrap a phrase over lines ("law\n    of"): gate on one word of it.
        words = tuple(sorted({max(s.split() or [""], key=len) for s in found}))
        if min(len(w) for w in words) >= MIN_LITERAL and words not in options:
            options.append(words)
    return options


def _selectivity(found: set[str]) -> tuple[int, int]:
    return min(len(x) for x in found), -len(found)


def _candidates(items: list) -> list[set[str]]:
    """Literal sets, one per part that every match of this sequence must contain."""
    candidates: list[set[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            candidates.append({"".join(run).lower()})
            run.clear()

    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        if op in _ZERO_WIDTH:  # \b and look-arounds keep the literals on each side adjacent
            continue
        flush()
        found: set[str] | None = None
        if op is C.SUBPATTERN:
            found = _sequence(list(av[-1]))
        elif op is C.BRANCH:
            alternatives = [_sequence(list(b)) for b in av[1]]
            if alternatives and all(alternatives):
                found = set().union(*alternatives)  # type: ignore[arg-type]
        elif op in _REPEATS and av[0] >= 1:
            found = _sequence(list(av[2]))
        if found:
            candidates.append(found)
    flush()
    return candidates


def _sequence(items: list) -> set[str] | None:
    """The most selective-looking literal set among the parts of this sequence."""
    candidates = _candidates(items)
    return max(candidates, key=_selectivity) if candidates else None
