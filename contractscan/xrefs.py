"""Cross-references to sections: "Section 8" resolved to its title and the clauses in it.

A survival list ("Sections 5, 8 and 12 survive"), "subject to Section 9" and a carve-out
("except for breaches of Section 10") name sections by number. A lawyer turns the page to
see what Section 8 is; this index does the same from the segmenter's outline, so a check
can ask whether a cited section is the confidentiality clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .cache import compile_regex
from .segment import SECTION_NUMBER, cited_number

if TYPE_CHECKING:
    from .results import ClauseMatch
    from .rules import Rule
    from .segment import Passage

_CITATION = compile_regex(
    r"\b(?:sections?|articles?|clauses?|paragraphs?|§§?)\s*"
    rf"((?:{SECTION_NUMBER}(?:\s*\([a-z0-9]{{1,4}}\))*\s*(?:\([A-Z][^)]{{0,60}}\))?\s*(?:,|and|or|through|to|-|–)?\s*)+)",
    re.I,
)
_ROMAN_CITATION = compile_regex(r"\b(?:ARTICLES?|Articles?)\s+((?:[IVXLC]{1,7}\b\s*(?:,|and|or|&)?\s*)+)")
_CITED_NUMBER = compile_regex(rf"(?<![\w(]){SECTION_NUMBER}")
_RANGE = compile_regex(r"(\d{1,3})\s*(?:through|to|-|–)\s*(\d{1,3})(?![.\d])")


@dataclass
class Section:
    """A numbered part of the outline: its number, title and the text it spans."""

    number: str
    title: str | None
    start: int
    end: int
    level: int
    families: set[str] = field(default_factory=set)


class SectionIndex:
    """The numbered sections of one document, with the clause families found in each."""

    def __init__(self, clauses: list[Passage], doc_end: int) -> None:
        self.sections: dict[str, Section] = {}
        self._pending: tuple[list[ClauseMatch], dict[str, Rule]] | None = None
        open_: list[Section] = []
        for c in clauses:
            if c.in_toc or not c.number or c.level > 2:
                continue  # items (a), (i) are not cited as sections here
            num = cited_number(c.number)
            if num is None:
                continue
            while open_ and open_[-1].level >= c.level:
                open_.pop().end = c.start
            sec = Section(num, c.heading, c.start, doc_end, c.level)
            self.sections.setdefault(num, sec)  # the first one: a later "1." restarts an exhibit's list
            open_.append(sec)

    def add_matches(self, matches: list[ClauseMatch], rules: dict[str, Rule]) -> None:
        """The clause families found in each section, and those its title names (worked out
        when a check first asks: most documents never cite a section in a check)."""
        self._pending = (matches, rules)

    def _families(self) -> None:
        if self._pending is None:
            return
        matches, rules = self._pending
        self._pending = None
        for sec in self.sections.values():
            for m in matches:
                if sec.start <= m.start < sec.end:
                    rule = rules.get(m.id)
                    sec.families.update(rule.ancestors() if rule else [m.id])
            if sec.title:
                for rule in rules.values():
                    if rule.heading_regex is not None and rule.heading_regex.search(sec.title.lower()):
                        sec.families.update(rule.ancestors())

    def get(self, number: str) -> Section | None:
        """The section with this number, or the nearest enclosing one ('8.2(a)' -> '8.2' -> '8')."""
        parts = number.split(".")
        for i in range(len(parts), 0, -1):
            sec = self.sections.get(".".join(parts[:i]))
            if sec is not None:
                return sec
        return None

    def families_of(self, numbers: set[str]) -> set[str]:
        self._families()
        out: set[str] = set()
        for n in numbers:
            sec = self.get(n)
            if sec is not None:
                out |= sec.families
        return out


def cited_numbers(text: str) -> set[str]:
    """Section numbers a passage cites: 'Sections 5, 8 and 12.1' -> {'5', '8', '12.1'};
    'Sections 7 through 9' -> {'7', '8', '9'}."""
    out: set[str] = set()
    for cite in _CITATION.finditer(text):
        body = re.sub(r"\([A-Z][^)]{0,60}\)", " ", cite.group(1))  # "Section 8 (Confidentiality)"
        out.update(_CITED_NUMBER.findall(body))
        for a, b in _RANGE.findall(body):
            lo, hi = int(a), int(b)
            if 0 < hi - lo <= 30:
                out.update(str(n) for n in range(lo, hi + 1))
    for cite in _ROMAN_CITATION.finditer(text):  # "Articles V and VIII survive"
        out.update(re.findall(r"\b[IVXLC]{1,7}\b", cite.group(1)))
    return out
