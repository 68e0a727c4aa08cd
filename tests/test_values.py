"""Value normalisation the rules rely on: durations in days, jurisdictions, ALL-CAPS text."""

from __future__ import annotations

import pytest

from contractscan.match import ClauseMatcher
from contractscan.document import Document
from contractscan.rules import load_rules
from contractscan.segment import segment
from contractscan.values import normalise_jurisdiction, recase_all_caps, to_days, words_to_number


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("thirty (30) days", 30),
        ("one month", 30),
        ("two years", 730),
        ("a year", 365),
        ("6 months", 180),
        ("ninety days'", 90),
        ("at least sixty (60) days", 60),
        ("least sixty days", 60),
        ("one hundred and eighty days", 180),
        ("one hundred twenty (120) days", 120),
        ("twenty-four months", 720),
        ("ten (10) business days", 10),
        # a PDF line break leaves a hyphen: "thirty-(30)-days", "business-days", "72-hours"
        ("thirty-(30)-days", 30),
        ("ten (10) business-days", 10),
        ("72-hours", 3),
        ("give a thirty day notice", 30),
        # an ordinal deadline: "no later than the tenth (10th) business day after discovery"
        ("tenth (10th) business day", 10),
        ("the 5th business day", 5),
        ("third business day", 3),
        ("no period at all", None),
    ],
)
def test_to_days(text, days):
    assert to_days(text) == days


def test_words_to_number_rejects_a_leading_article():
    assert words_to_number("a thirty") is None
    assert words_to_number("an") == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("the State of New York", "New York"),
        ("the Commonwealth of Massachusetts", "Massachusetts"),
        ("State of Delaware, United States of America", "Delaware"),
        ("Texas, U.S.A.", "Texas"),
        ("NEW YORK", "New York"),
        ("PRC", "People's Republic of China"),
        ("English", "England"),
        ("United States of America", "United States of America"),
    ],
)
def test_normalise_jurisdiction(raw, expected):
    aliases = {"PRC": "People's Republic of China", "English": "England"}
    assert normalise_jurisdiction(raw, aliases) == expected


def test_recase_all_caps_keeps_mixed_text_and_short_acronyms():
    assert recase_all_caps("THE LAWS OF THE STATE OF OHIO") == "the Laws of the State of Ohio"
    assert recase_all_caps("BY THE LAWS OF THE STATE OF NEW YORK") == "by the Laws of the State of New York"
    assert recase_all_caps("GOVERNED BY THE LAWS OF THE PRC AND NOTHING ELSE").endswith("the PRC and Nothing Else")
    mixed = "This Agreement is governed by the laws of the State of OHIO."
    assert recase_all_caps(mixed) == mixed


@pytest.fixture(scope="module")
def matcher(nlp):
    rules = [r for r in load_rules() if r.id in ("governing_law", "renewal.notice")]
    return ClauseMatcher(rules, nlp)


def _values(matcher, text, rule_id):
    doc = Document(text=text)
    return [(m.value, m.days) for m in matcher.match(doc, segment(doc), doc.text) if m.id == rule_id]


@pytest.mark.parametrize(
    ("text", "jurisdiction"),
    [
        ("This Agreement shall be governed by the laws of the State of New York, without regard to its conflict of laws rules.", "New York"),
        ("THIS AGREEMENT SHALL BE GOVERNED IN ALL RESPECTS BY THE LAWS OF THE STATE OF DELAWARE APPLICABLE TO CONTRACTS MADE THEREIN.", "Delaware"),
        ("This Agreement has been made in the State of California and shall be governed by and construed in accordance with the laws thereof.", "California"),
        ("This Agreement is governed by Swiss law.", "Switzerland"),
        ("This Agreement shall be governed by the laws of the Province of Ontario and the federal laws of Canada applicable therein.", "Ontario"),
        ("The validity of this Agreement shall be governed by the laws, other than choice of law rules, of the state of Florida.", "Florida"),
    ],
)
def test_governing_law_value(matcher, text, jurisdiction):
    assert (jurisdiction, None) in _values(matcher, text, "governing_law")


def test_governing_law_value_ignores_lower_case_words(matcher):
    text = ("This Agreement is enforceable in accordance with its terms, subject to the laws of general "
            "application relating to bankruptcy. This Agreement shall be governed by the laws of the State of Georgia.")
    assert _values(matcher, text, "governing_law") == [("Georgia", None)]


def test_renewal_notice_value_is_the_notice_period_not_the_renewal_term(matcher):
    text = ("This Agreement shall automatically renew for successive one (1) year terms unless either party gives "
            "written notice of non-renewal at least ninety (90) days prior to the end of the then-current term.")
    assert _values(matcher, text, "renewal.notice") == [("ninety (90) days", 90)]


@pytest.mark.parametrize("text", [
    "The model terms shall be governed by the law of the Member State in which the exporter is established.",
    "This licence is governed by the laws of the Country where the Licensee has its seat.",
])
def test_a_generic_place_is_no_jurisdiction(matcher, text):
    """"the Member State in which ..." names no law; a value would be a wrong answer, not a missing one."""
    assert all(v is None for v, _ in _values(matcher, text, "governing_law"))
