"""The matcher: the accelerated search gives the plain matcher's output, explanations say
why a clause was found, and vetoes and bonuses are steps one can add."""

from __future__ import annotations

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contractscan.document import Document
from contractscan.match import ClauseMatcher
from contractscan.match.steps import BONUSES, VETOES, Candidate
from contractscan.rules import Rule, load_rules
from contractscan.segment import segment

RULES = load_rules()


@pytest.fixture(scope="module")
def matchers(nlp):
    return ClauseMatcher(RULES, nlp), ClauseMatcher(RULES, nlp, accelerate=False)


def _match(matcher: ClauseMatcher, text: str):
    doc = Document(text=text)
    return [m.model_dump() for m in matcher.match(doc, segment(doc), doc.text)]


# Contract-like text: the rules' own example sentences (which hold the literals gates look for),
# list items under lead-ins, headings, and letters case folding treats oddly.
SENTENCES = sorted({s for r in RULES for s in [*r.examples.match, *r.examples.no_match]})
NUMBERS = ["", "1. ", "3.2 ", "3.2.1 ", "(a) ", "(ii) ", "Section 4. ", "ARTICLE V "]
HEADINGS = ["GOVERNING LAW", "Confidentiality.", "12. Insurance.", "Termination", "LIMITATION OF LIABILITY"]
NOISE = ["\u0130NDEMN\u0130FY", "\u017fhall", "the following apply:", "if:", "Licensor may terminate on notice if:",
         "e.g. U.S.A. Sections 2.7 and 8", "\"Client Data\" means", "  \n", ";", "or"]


def _line(draw_number: str, body: str) -> str:
    return f"{draw_number}{body}"


lines = st.one_of(
    st.builds(_line, st.sampled_from(NUMBERS), st.sampled_from(SENTENCES)),
    st.sampled_from(HEADINGS),
    st.builds(_line, st.sampled_from(NUMBERS), st.sampled_from(NOISE)),
    st.text(alphabet="abcdefghilnorstuy .,;:()\u0130\u017f", max_size=40),
)


@given(st.lists(lines, min_size=1, max_size=12), st.sampled_from(["\n", "\n\n", " "]))
@settings(max_examples=examples(60), deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
def test_accelerated_matching_equals_plain_matching(matchers, parts, sep):
    fast, plain = matchers
    text = sep.join(parts)
    assert _match(fast, text) == _match(plain, text)


def _rule(**kw) -> Rule:
    base = {"id": "probe", "name": "Probe", "description": "test", "recommendation": "none"}
    return Rule.model_validate({**base, **kw})


def test_explanation_names_the_pattern_the_heading_and_the_vetoes(nlp):
    rule = _rule(headings=["insurance"], scoring={"threshold": 0.8, "heading_bonus": 0.35},
                 patterns=[{"regex": r"\binsurance\b", "weight": 0.45, "name": "the word"},
                           {"regex": r"\bkeep insurance\b", "weight": 0.5}],
                 exclude=[{"regex": r"\bself-insure"}])
    doc = Document(text="12. Insurance.\nVendor shall keep insurance in force.")
    [m] = ClauseMatcher([rule], nlp).match(doc, segment(doc), doc.text)
    e = m.explanation
    assert (e.rule, e.pattern, e.kind, e.weight) == ("probe", "patterns.1", "regex", 0.5)
    assert (e.heading, e.heading_bonus, e.lead_in) == ("12. Insurance", 0.35, False)
    assert e.vetoes == ["exclude", "role", "references"]  # the definition veto is now the role step
    assert m.score == 0.85 and m.matched[-1] == "heading: 12. Insurance"


def test_explanation_of_a_named_pattern_read_after_its_lead_in(nlp):
    rule = _rule(patterns=[{"regex": r"\bterminate\b[^.]{0,120}\bis acquired\b", "weight": 0.9,
                            "name": "termination on acquisition"}])
    text = "3.2 Licensor may terminate this Agreement on notice if:\n3.2.1 Licensee is acquired by a third party; or"
    doc = Document(text=text)
    [m] = ClauseMatcher([rule], nlp).match(doc, segment(doc), doc.text)
    assert m.explanation.pattern == "termination on acquisition" and m.explanation.lead_in


def test_json_keeps_every_field_and_adds_the_explanation(analyzer):
    result = analyzer.scan("This Agreement shall be governed by the laws of the State of New York.")
    clause = result.model_dump(mode="json")["clauses"][0]
    assert list(clause) == ["id", "page", "start", "end", "section", "text", "score", "value", "days", "matched",
                            "explanation"]
    assert clause["explanation"]["rule"] == clause["id"] == "governing_law"


class _NoSundayClauses:
    """A veto as a later issue would add one: here, any sentence mentioning Sunday."""

    name = "sunday"

    def applies(self, rule: Rule) -> bool:
        return True

    def __call__(self, candidate: Candidate, sentences) -> bool:
        return "sunday" in sentences.own[candidate.sentence].lower()


def test_a_veto_is_one_more_step(nlp):
    rule = _rule(patterns=[{"regex": r"\bgoverned by\b", "weight": 0.9}])
    text = "This Agreement is governed by Sunday law.\n\nThis Agreement is governed by Ohio law."
    doc = Document(text=text)
    plain = ClauseMatcher([rule], nlp).match(doc, segment(doc), doc.text)
    vetoed = ClauseMatcher([rule], nlp, vetoes=[*VETOES, _NoSundayClauses()], bonuses=BONUSES).match(
        doc, segment(doc), doc.text)
    assert len(plain) == 2
    assert [m.text for m in vetoed] == ["This Agreement is governed by Ohio law."]
    assert vetoed[0].explanation.vetoes == ["definition", "sunday"]
