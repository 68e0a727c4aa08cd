"""Run a rule's inline examples through the real pipeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .document import Document
from .judge import present_ids
from .match import ClauseMatcher
from .rules import Rule
from .segment import segment

if TYPE_CHECKING:
    from spacy.language import Language


def detect(text: str, matcher: ClauseMatcher, rules: list[Rule]) -> list[str]:
    doc = Document(text=text, source="<example>")
    matches = matcher.match(doc, segment(doc), doc.text)
    return present_ids(matches, {r.id: r for r in rules})


def run_examples(rule: Rule, nlp: Language | None, context: list[Rule] | None = None) -> list[str]:
    """Problems with ``rule``'s examples: a 'match' it misses or a 'no_match' it hits.

    Child rules found in ``context`` (``dispute_resolution.forum`` for ``dispute_resolution``)
    take part, since a detected child makes its parent present.
    """
    rules = [rule] + [r for r in (context or []) if r.id.startswith(rule.id + ".")]
    matcher = ClauseMatcher(rules, nlp)
    problems = []
    for ex in rule.examples.match:
        if rule.id not in detect(ex, matcher, rules):
            problems.append(f"should match but does not: {ex[:100]!r}")
    for ex in rule.examples.no_match:
        if rule.id in detect(ex, matcher, rules):
            problems.append(f"matches but should not: {ex[:100]!r}")
    return problems
