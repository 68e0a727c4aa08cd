"""A required clause the contract leaves to another agreement: still missing, but the finding says where to look."""

from __future__ import annotations

import pytest

MSA = (
    "1. SERVICES\n"
    "1.1 Vendor shall provide medical billing services to Client as described in Exhibit A.\n"
    "2. PRIVACY\n"
    "2.1 The parties' obligations with respect to protected health information are set out in the "
    "Business Associate Agreement dated March 1, 2024 between the parties.\n"
    "3. GOVERNING LAW\n"
    "This Agreement is governed by the laws of the State of Ohio.\n"
)


@pytest.fixture(scope="module")
def healthcare(analyzer_with):
    return analyzer_with(profile="healthcare")


def test_missing_clause_names_the_agreement_it_is_left_to(healthcare):
    r = healthcare.scan(MSA)
    assert "hipaa.baa" not in r.present, "a name of another agreement is not the clause"
    baa = next(f for f in r.findings if f.rule == "hipaa.baa")
    assert baa.kind == "missing"
    assert "points to the Business Associate Agreement (§ 2. PRIVACY > 2.1)" in baa.message
    assert "check that document" in baa.message
    [ev] = baa.evidence
    assert ev.quote.startswith("2.1 The parties' obligations") and ev.id == "hipaa.baa"
    assert MSA[ev.start:ev.end].startswith("2.1 The parties'")


def test_no_pointer_when_nothing_is_referred_to(healthcare):
    r = healthcare.scan(MSA.replace("are set out in the Business Associate Agreement dated March 1, 2024 between "
                                    "the parties", "are important to the parties"))
    baa = next(f for f in r.findings if f.rule == "hipaa.baa")
    assert baa.evidence == [] and "points to" not in baa.message
