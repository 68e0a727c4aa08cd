"""A document's sentences as rule patterns read them: alone, and a list item after its lead-in.

A list item is also read after its lead-in ("Licensor may terminate ... if:" + "(c) Licensee
is acquired by a third party"), so a pattern may span the two; the item alone is judged too,
so that words in the lead-in cannot veto what the item says.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from typing import TYPE_CHECKING

from ..segment import Passage
from ..sentencizer import english_sentences

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# A period inside a sentence ("Sections 2.7 and 8", "U.S.A.", "e.g. any", "the U.S. Department",
# "Acme Inc. shall") is not its end: the sentencizer already split wherever a period ends a
# sentence, so every period but the closing one is inner. It becomes a middle dot so that
# "[^.]" in a pattern measures the sentence, not the distance to an abbreviation.
_INNER_DOT = re.compile(r"\.(?![\s\"'”’)\]]*$)")


@dataclass(frozen=True)
class Sentences:
    """One document's sentences, in order, with the offsets quotes and pages come from.

    Patterns read ``own`` (whitespace collapsed to one space, as rule authors write, and
    inner periods as middle dots); ``full`` is the same sentence after its lead-ins when it
    starts a list item (else it equals ``own``)."""

    passages: list[Passage]  # the passages read (body text only), in document order
    passage_of: list[int]  # per sentence: index into ``passages``
    starts: list[int]  # per sentence: offsets in the document text
    ends: list[int]
    own: list[str]
    full: list[str]
    lead_of: dict[int, int]  # first sentence of a list item -> last sentence of its lead-in
    items: list[int]  # the keys of ``lead_of`` in order: a lead-in comes before its items
    flat: str  # the document text with line breaks as spaces (same offsets)
    # per sentence, the regex patterns the search found in it (alone or after its lead-in), as
    # (rule, veto, index), so that the reading steps need not try the others; None: not searched
    regex_hits: dict[int, set[tuple[int, bool, int]]] | None = None

    def __len__(self) -> int:
        return len(self.starts)

    def passage(self, si: int) -> Passage:
        return self.passages[self.passage_of[si]]


# Called with each passage as spaCy parsed it and the index of its first sentence, so that
# token patterns can run without keeping every parsed passage in memory.
DocVisitor = Callable[["Doc", int], None]


def body_passages(passages: list[Passage]) -> list[Passage]:
    """The passages read for clauses: not the contents, not a bare heading, not blank."""
    return [p for p in passages if not p.in_toc and not p.heading_only and p.text.strip()]


def sentence_texts(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """Each sentence as patterns read it (``Sentences.own``)."""
    return [_INNER_DOT.sub("\u00b7", " ".join(text[s:e].split())) for s, e in spans]


def read_sentences(nlp: Language | None, passages: list[Passage], text: str,
                   visit: DocVisitor | None = None) -> Sentences:
    """Split the body passages into sentences (spaCy's sentencizer) and build both readings.

    ``text`` is the document text with noise blanked (same offsets). Without ``nlp`` the
    sentences come from ``sentencizer`` (spaCy's blank English tokenizer and sentencizer
    re-implemented: the same sentences, without building spaCy Docs); ``visit`` needs ``nlp``."""
    bodies = body_passages(passages)
    flat = text.replace("\n", " ")
    starts: list[int] = []
    ends: list[int] = []
    passage_of: list[int] = []
    if nlp is None:
        split = english_sentences().sentences
        for pi, p in enumerate(bodies):
            base = p.start
            for s, e in split(flat[base:p.end]):
                starts.append(base + s)
                ends.append(base + e)
                passage_of.append(pi)
    else:
        for pi, sdoc in enumerate(nlp.pipe((flat[p.start:p.end] for p in bodies), batch_size=256)):
            base = bodies[pi].start
            first = len(starts)
            for sent in sdoc.sents:
                starts.append(base + sent.start_char)
                ends.append(base + sent.end_char)
                passage_of.append(pi)
            if visit is not None:
                visit(sdoc, first)
    lead_of = _lead_ins(bodies, passage_of)
    own = sentence_texts(flat, list(zip(starts, ends)))
    full = list(own)
    items = sorted(lead_of)
    for si in items:  # a lead-in comes before its items, so its own reading is complete
        full[si] = f"{full[lead_of[si]]} {own[si]}"
    return Sentences(bodies, passage_of, starts, ends, own, full, lead_of, items, flat)


def _lead_ins(bodies: list[Passage], passage_of: list[int]) -> dict[int, int]:
    """{first sentence of a list item: last sentence of the lead-in ending in ':' above it}."""
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for si, pi in enumerate(passage_of):
        first.setdefault(pi, si)
        last[pi] = si
    out: dict[int, int] = {}
    lead: tuple[int, int, Passage] | None = None  # the lead-in's last sentence, outline level, passage
    for pi, passage in enumerate(bodies):
        if pi not in first:
            continue
        if (lead is not None and passage.number is not None and _is_item_of(passage.level, lead[1])
                and _same_section(passage, lead[2])):
            out[first[pi]] = lead[0]
        else:
            lead = None
        if passage.text.rstrip().endswith(":") and passage.level > 0:  # not "agree as follows:"
            lead = (last[pi], passage.level, passage)
    return out


def _same_section(item: Passage, lead: Passage) -> bool:
    """The item sits in the lead-in's section: same headings, or one deeper that
    continues the lead-in's own number (3.2 -> 3.2.1)."""
    if item.headings == lead.headings:
        return True
    return (len(item.headings) == len(lead.headings) + 1 and item.headings[:-1] == lead.headings
            and bool(lead.number) and bool(item.number) and item.number.startswith(f"{lead.number}."))


def _is_item_of(level: int, lead_level: int) -> bool:
    """(a)/(i)/1.2.3 items (level 3) under a paragraph or item; 12.1 under 12."""
    return level == 3 if lead_level >= 3 else level > lead_level
