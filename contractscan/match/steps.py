"""What happens to a candidate clause between its hits and the result: vetoes, then bonuses.

Each veto and bonus is a small named object the matcher runs in order, so a new piece of
rule semantics (a sentence's role, its polarity, a reference) is one more step, not a
rewrite of the matcher. What each checked is kept for the clause's explanation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from ..cache import compile_regex
from ..rules import Rule
from ..segment import Passage
from .patterns import Hit
from .sentences import Sentences


@dataclass
class Reading:
    """The evidence for one rule in one sentence, read alone or after its lead-in."""

    lead_in: bool
    score: float = 0.0  # the strongest positive pattern's weight
    best: Hit | None = None  # the first hit with that weight
    labels: list[str] = field(default_factory=list)  # every positive hit's label, the strongest first
    veto: Hit | None = None  # the first exclusion pattern found in this reading

    def add(self, hit: Hit) -> None:
        if hit.veto:
            self.veto = self.veto or hit
        elif hit.weight > self.score:
            self.score, self.best = hit.weight, hit
            self.labels.insert(0, hit.label)
        else:
            self.labels.append(hit.label)

    @property
    def alive(self) -> bool:
        return self.veto is None and self.score > 0


@dataclass
class Candidate:
    """A rule that may be present in one sentence, and what the steps found out about it."""

    rule: Rule
    rule_index: int
    sentence: int
    readings: list[Reading]  # the sentence alone, then after its lead-in (either may be absent)
    score: float = 0.0  # the chosen reading's score plus bonuses, once bonuses are added
    heading: str | None = None  # the heading above that names the clause (a cue), if any
    bonuses: dict[str, float] = field(default_factory=dict)  # bonus name -> what it added
    vetoes: tuple[str, ...] = ()  # the vetoes checked (and passed)
    role: str | None = None  # the sentence's role, once the role step has read it
    reference: str | None = None  # another agreement the trigger only named, when that vetoed it

    @property
    def reading(self) -> Reading:
        """The strongest reading no exclusion pattern vetoed (the sentence alone on a tie)."""
        best = None
        for r in self.readings:
            if r.alive and (best is None or r.score > best.score):
                best = r
        if best is None:
            raise ValueError("every reading was vetoed")  # asked before the exclusion veto ran
        return best


class Veto(Protocol):
    name: str

    def applies(self, rule: Rule) -> bool:
        """Whether the rule has this veto at all (the explanation lists the ones checked)."""
        ...

    def __call__(self, candidate: Candidate, sentences: Sentences) -> bool:
        """True: the candidate is not evidence of the clause."""
        ...


class Bonus(Protocol):
    name: str

    def __call__(self, candidate: Candidate, sentences: Sentences) -> float:
        """What to add to the candidate's score (0 for nothing)."""
        ...


class ExclusionVeto:
    """An exclusion pattern in the same reading vetoes it; a list item read alone and read
    after its lead-in are vetoed separately, so lead-in words cannot veto what the item says."""

    name = "exclude"

    def applies(self, rule: Rule) -> bool:
        return bool(rule.exclude)

    def __call__(self, candidate: Candidate, sentences: Sentences) -> bool:
        return not any(r.alive for r in candidate.readings)


class ExcludedHeadingVeto:
    """A passage under one of the rule's ``exclude_headings`` does not show the clause."""

    name = "exclude_headings"

    def applies(self, rule: Rule) -> bool:
        return rule.exclude_heading_regex is not None

    def __call__(self, candidate: Candidate, sentences: Sentences) -> bool:
        rx = candidate.rule.exclude_heading_regex
        assert rx is not None
        return matching_heading(rx, sentences.passage(candidate.sentence)) is not None


class DefinitionVeto:
    """'"Client Data" means ... insurance data' defines a term; it binds no one."""

    name = "definition"

    def applies(self, rule: Rule) -> bool:
        return not rule.in_definitions

    def __call__(self, candidate: Candidate, sentences: Sentences) -> bool:
        return _DEFINITION.match(sentences.own[candidate.sentence]) is not None


class HeadingBonus:
    """A heading above the passage that names the clause adds the rule's ``heading_bonus``,
    unless the evidence is that heading itself (a heading alone, or the heading's own sentence)."""

    name = "heading"

    def __call__(self, candidate: Candidate, sentences: Sentences) -> float:
        rule = candidate.rule
        if rule.heading_regex is None:
            return 0.0
        passage = sentences.passage(candidate.sentence)
        cue = candidate.heading = matching_heading(rule.heading_regex, passage)
        best = candidate.reading.best
        if cue and best is not None and best.kind != "heading" and not is_heading_text(
                sentences.own[candidate.sentence], passage):
            return rule.scoring.heading_bonus
        return 0.0


VETOES: tuple[Veto, ...] = (ExclusionVeto(), ExcludedHeadingVeto(), DefinitionVeto())
BONUSES: tuple[Bonus, ...] = (HeadingBonus(),)


# A sentence that defines a term: '1.3 "Client Data" means ...', '"Affiliate" shall mean ...'.
_DEFINITION = compile_regex(
    r"^\s*(?:[\d.\u00b7()a-z]{1,8}\s+)?[\"“][^\"”]{1,80}[\"”]\s*(?:\([^)]{0,40}\)\s*)?"
    r"(?:means|shall mean|has the meaning|shall have the meaning|refers to|includes|shall include)\b",
    re.I,
)


def matching_heading(rx: re.Pattern[str], passage: Passage) -> str | None:
    """The nearest of the passage's three innermost headings that ``rx`` finds words in."""
    for label in reversed(passage.headings[-3:]):
        if rx.search(label.lower()):
            return label
    return None


def is_heading_text(sentence: str, passage: Passage) -> bool:
    """The sentence is just the passage's heading ("12. Insurance."): the cue cannot also be evidence."""
    if not passage.heading:
        return False
    words = re.findall(r"[a-z]+", sentence.lower())
    return words == re.findall(r"[a-z]+", passage.heading.lower())
