"""Defined terms: what a contract's capitalised terms stand for, read where they are used.

Modern standard-form agreements put the substance in defined terms: the standard terms say
"governed by the Governing Law" or "within the Response Period" and a cover page, a
key-terms table or a definitions clause says what those are. The index holds each term's
definition so that values resolve through it (the state of the governing law, a period's
number of days), and a template that leaves the definition blank gives no value rather
than a wrong one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .cache import compile_regex
from .loaders.key_terms import is_term_label
from .values import normalise_jurisdiction, recase_all_caps, to_days

if TYPE_CHECKING:
    from .results import ClauseMatch
    from .rules import Rule

_TERM = r"[A-Z][\w’'&/-]*(?:\s+(?:of|and|for|to|in|the|on)?\s*[A-Z0-9][\w’'&/-]*){0,5}"
_MEANS = r"(?:shall\s+)?(?:means?|shall mean|has the meaning|shall have the meaning|refers? to|is defined as)\b"
# '"Response Period" means ...', '1.4 "Governing Law" shall mean ...'
_QUOTED = compile_regex(
    rf"[\"“](?P<term>[A-Z][^\"”\n]{{0,60}}?)[\"”]\s*(?:\([^)]{{0,40}}\)\s*)?{_MEANS}[:,]?\s*(?P<def>[^\n]*)")
# a bold or plain term at the start of a paragraph: 'Governing Law means the laws of ...'
_UNQUOTED = compile_regex(
    rf"(?m)^[ \t]*(?:\(?[0-9]{{1,3}}(?:\.[0-9]{{1,3}})*[.)]?\s+|\([a-z]{{1,3}}\)\s+)?"
    rf"(?P<term>{_TERM})\s+{_MEANS}[:,]?\s*(?P<def>[^\n]*)")
# '... within ten (10) Business Days of the request (the "Response Period")'
_PAREN = compile_regex(
    r"\(\s*(?:the|each,?\s+an?|each|a|an|hereinafter(?:\s+the)?|collectively,?\s+the|together,?\s+the)?\s*"
    r"[\"“](?P<term>[A-Z][^\"”\n]{0,60}?)[\"”]\s*\)")
# a key-terms row as the loaders write it: 'Governing Law: The State of Delaware'
_ROW = compile_regex(r"(?m)^[ \t]*(?:\d{1,3}\.?\s+)?(?P<term>[A-Z][^:\n]{0,60}):[ \t]*(?P<def>[^\n]*(?:\n(?![ \t]*\n)[^\n]*)*)")
_SENTENCE_END = compile_regex(r"(?<=[a-z0-9)\]])[.;](?=\s|$)")
# what a template leaves in place of a value: '[●]', '[Insert governing law]', '____', 'TBC'
_BLANK = compile_regex(r"^[\s\[\]●•_.…\-–—*]*$|^\[[^\]]*\]\.?$|^(?:tbc|tbd|n/?a|none|insert\b.*)$", re.I)
_PERIOD_BEFORE = compile_regex(r"\b(?:within|during|for|after|before|of|by the end of|no later than the end of)\s+(?:the\s+)?$",
                            re.I)
MAX_DEFINITION = 400


@dataclass(frozen=True)
class DefinedTerm:
    """A term and what it stands for, with where the document defines it."""

    name: str
    definition: str
    start: int
    kind: str  # "means" (a definition), "table" (a key-terms row), "inline" (a parenthetical)

    @property
    def blank(self) -> bool:
        """The template leaves the definition to be filled in."""
        return bool(_BLANK.match(self.definition.strip()))

    @property
    def days(self) -> int | None:
        return None if self.blank else to_days(self.definition)


class TermIndex:
    """The defined terms of one document; the first definition of a name wins."""

    def __init__(self, terms: list[DefinedTerm]) -> None:
        self.terms: dict[str, DefinedTerm] = {}
        for t in sorted(terms, key=lambda t: t.start):
            self.terms.setdefault(t.name, t)

    @classmethod
    def build(cls, text: str) -> TermIndex:
        found: list[DefinedTerm] = []
        for rx, kind in ((_QUOTED, "means"), (_UNQUOTED, "means")):
            for m in rx.finditer(text):
                found.append(DefinedTerm(_clean(m.group("term")), _first_sentence(m.group("def")), m.start(), kind))
        for m in _ROW.finditer(text):
            name = _clean(m.group("term"))
            if is_term_label(name) and not name.lower().startswith(("section", "article", "clause", "schedule")):
                found.append(DefinedTerm(name, " ".join(m.group("def").split())[:MAX_DEFINITION], m.start(), "table"))
        for m in _PAREN.finditer(text):
            lo = max(0, m.start() - 200)
            before = text[lo:m.start()]
            cut = max((c.end() for c in _SENTENCE_END.finditer(before)), default=0)
            found.append(DefinedTerm(_clean(m.group("term")), " ".join(before[cut:].split()), m.start(), "inline"))
        return cls([t for t in found if t.name and t.definition is not None])

    def __len__(self) -> int:
        return len(self.terms)

    def get(self, name: str) -> DefinedTerm | None:
        return self.terms.get(name)

    @cached_property
    def _used(self) -> re.Pattern[str] | None:
        if not self.terms:
            return None
        names = sorted(self.terms, key=len, reverse=True)
        return re.compile(r"(?<![\w\"“])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w\"”])")

    def used_in(self, text: str) -> list[tuple[DefinedTerm, int]]:
        """The terms a passage uses (not where it defines them), with their offsets in it."""
        rx = self._used
        if rx is None:
            return []
        return [(self.terms[m.group(0)], m.start()) for m in rx.finditer(" ".join(text.split()))]


def _clean(term: str) -> str:
    return " ".join(term.split()).strip(" ,.:;")


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    m = _SENTENCE_END.search(text)
    return (text[:m.start()] if m else text)[:MAX_DEFINITION]


def resolve_values(matches: list[ClauseMatch], rules: dict[str, Rule], index: TermIndex) -> None:
    """Fill values that the matched sentence states through a defined term.

    A period ("within the Response Period") takes the days of the term's definition; a
    jurisdiction ("governed by the Governing Law") the state its definition names, when the
    term's name is one of the rule's own headings. A blank definition leaves the value null.
    """
    if not len(index):
        return
    for m in matches:
        rule = rules.get(m.id)
        spec = rule.value if rule is not None else None
        if spec is None:
            continue
        flat = " ".join(m.text.split())
        if spec.normalise == "days" and m.days is None:
            for term, at in index.used_in(flat):
                if term.days is not None and _PERIOD_BEFORE.search(flat[:at]):
                    m.value, m.days = f"{term.name} ({term.definition[:80]})", term.days
                    break
        elif spec.normalise == "jurisdiction" and (m.value is None or m.value in index.terms):
            heads = rule.heading_regex if rule is not None else None
            for term, _at in index.used_in(flat):
                if heads is None or not heads.search(term.name.lower()):
                    continue
                m.value = None if term.blank else _jurisdiction(term.definition, rule)  # type: ignore[arg-type]
                break


def _jurisdiction(definition: str, rule: Rule) -> str | None:
    """The jurisdiction a definition names: by the rule's value patterns, else a bare name."""
    assert rule.value is not None
    text = recase_all_caps(definition)
    for rx in rule.value.compiled:
        found = rx.search(text)
        if found and found.group("value"):
            return normalise_jurisdiction(found.group("value"), rule.value.aliases)
    bare = text.strip(" .;,")
    if re.fullmatch(r"(?:the\s+)?[A-Z][\w'’.-]*(?:\s+(?:and|of)?\s*[A-Z][\w'’.-]*){0,3}", bare):
        return normalise_jurisdiction(bare, rule.value.aliases)
    return None
