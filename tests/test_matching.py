"""How the matcher reads sentences: literal gates, list items after their lead-in,
page breaks inside a sentence, periods inside a sentence, heading-only sentences."""

from __future__ import annotations

import re

import pytest

from contractscan.match import ClauseMatcher
from contractscan.document import Document
from contractscan.match.accel.literals import required_literals
from contractscan.rules import Rule
from contractscan.segment import segment


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"\b(?:governed|construed) by\s+laws?", ("construed", "governed")),
        (r"\bin no event (?:shall|will)\b[^.]{0,160}\bbe liable", ("event",)),
        (r"(?:hereby )?assign", ("assign",)),
        (r"(?:a|b)c", None),  # nothing of three letters is required
        (r"\b(?:x|insurance)\b", None),  # one alternative is too short to gate on
    ],
)
def test_required_literals(pattern, literals):
    assert required_literals(pattern, re.I) == literals


def _rule(**kw) -> Rule:
    base = {"id": "probe", "name": "Probe", "description": "test", "recommendation": "none"}
    return Rule.model_validate({**base, **kw})


def _found(nlp, rule: Rule, text: str) -> list[str]:
    doc = Document(text=text)
    return [m.text for m in ClauseMatcher([rule], nlp).match(doc, segment(doc), doc.text)]


def test_list_item_is_read_after_its_lead_in(nlp):
    rule = _rule(patterns=[{"regex": r"\bterminate\b[^.]{0,120}\bis acquired\b", "weight": 0.9}])
    text = "3.2 Licensor may terminate this Agreement on notice if:\n3.2.1 Licensee is acquired by a third party; or\n3.2.2 Licensee ceases business."
    found = _found(nlp, rule, text)
    assert len(found) == 1 and "acquired" in found[0]


def test_lead_in_words_do_not_veto_the_item_alone(nlp):
    rule = _rule(patterns=[{"regex": r"\bmay terminate\b", "weight": 0.9}], exclude=[{"regex": r"\bbreach\b"}])
    text = ("(a) The following apply on breach:\n(i) Either party may terminate this Agreement on thirty days notice.")
    assert any("may terminate" in t for t in _found(nlp, rule, text))


def test_match_inside_the_lead_in_is_not_credited_to_each_item(nlp):
    rule = _rule(patterns=[{"regex": r"\binsurance maintained\b", "weight": 0.9}])
    text = "(a) proceeds of insurance maintained by Seller, less the sum of:\n(i) freight costs;\n(ii) storage costs."
    assert _found(nlp, rule, text) == ["(a) proceeds of insurance maintained by Seller, less the sum of:"]


def test_page_break_inside_a_sentence_keeps_one_paragraph():
    doc = Document(text="This Agreement shall be construed in accordance with, and governed by, the\n\n"
                        "laws of the State of Georgia.\n\nNext paragraph.")
    texts = [c.text for c in segment(doc)]
    assert len(texts) == 2 and "Georgia" in texts[0]


def test_section_numbers_do_not_end_a_sentence_window(nlp):
    rule = _rule(patterns=[{"regex": r"\bexcept\b[^.]{0,80}\bin no event\b", "weight": 0.9}])
    text = "EXCEPT FOR LIABILITY UNDER SECTIONS 2.7 AND 8.1, IN NO EVENT SHALL EITHER PARTY BE LIABLE FOR LOST PROFITS."
    assert len(_found(nlp, rule, text)) == 1


def test_heading_alone_gets_no_heading_bonus(nlp):
    rule = _rule(headings=["insurance"], patterns=[{"regex": r"\binsurance\b", "weight": 0.45}],
                 scoring={"threshold": 0.8, "heading_bonus": 0.35})
    assert _found(nlp, rule, "12. Insurance.\nThe Producer has no obligations here.") == []
    assert _found(nlp, rule, "12. Insurance.\nVendor shall keep insurance in force.") != []


def test_regex_runs_on_whitespace_collapsed_sentences(nlp):
    rule = _rule(patterns=[{"regex": r"\blaw of the State of New York shall govern\b", "weight": 0.9}])
    text = "(xiii) Governing Law. The parties agree that the law\n        of the State of New York shall govern their rights."
    assert len(_found(nlp, rule, text)) == 1


def test_a_tie_within_a_passage_goes_to_the_earlier_sentence(nlp):
    """Which of two equally strong sentences of one passage is the clause must not depend on
    how many other rules there are (it used to follow the order hits were gathered in)."""
    rule = _rule(patterns=[{"regex": r"\bgoverned by the laws of\b", "weight": 0.9}])
    text = ("14. Law. This Agreement is governed by the laws of Ontario. Where the Customer is based in Europe, "
            "this Agreement is governed by the laws of Portugal. The parties submit to those courts.")
    doc = Document(text=text)
    for decoys in range(0, 12, 3):
        others = [_rule(id=f"decoy.{'abcdefghijkl'[i]}", patterns=[{"regex": rf"\b(?:customer|parties|law){'s' * i}\b",
                                                                     "weight": 0.9}])
                  for i in range(decoys)]
        found = [m.text for m in ClauseMatcher([*others, rule], nlp).match(doc, segment(doc), doc.text) if m.id == "probe"]
        assert len(found) == 1 and "Ontario" in found[0], (decoys, found)
