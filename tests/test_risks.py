"""Risk findings: weak terms of clauses that are present, each with the clause as evidence."""

from __future__ import annotations

import textwrap

import pytest



@pytest.fixture(scope="module")
def healthcare(analyzer_with):
    return analyzer_with(profile="healthcare")


def risks(result) -> dict[str, object]:
    return {f.rule: f for f in result.findings if f.kind == "risk"}


def clause(result, clause_id):
    return next(c for c in result.clauses if c.id == clause_id)


TERMINATION_NO_CURE = textwrap.dedent("""\
    12. Termination.

    12.1 Either party may terminate this Agreement immediately by written notice if the other
    party materially breaches this Agreement.

    12.2 The Client may terminate this Agreement for convenience on ninety (90) days' prior
    written notice.
    """)

TERMINATION_WITH_CURE = textwrap.dedent("""\
    12. Termination.

    12.1 Either party may terminate this Agreement by written notice if the other party
    materially breaches this Agreement and fails to cure the breach within thirty (30) days
    after receiving notice of it.
    """)


def test_termination_for_breach_without_a_cure_period_is_a_risk(healthcare):
    result = healthcare.scan(TERMINATION_NO_CURE)
    finding = risks(result)["termination.no_cure_period"]
    assert finding.severity == "medium" and finding.recommendation
    assert finding.evidence and finding.evidence[0].id == "termination.for_cause"
    # the notice period is read as a number of days
    notice = [c for c in result.clauses if c.id == "termination" and c.days]
    assert notice and notice[0].days == 90


def test_a_stated_cure_period_is_read_and_not_flagged(healthcare):
    result = healthcare.scan(TERMINATION_WITH_CURE)
    assert "termination.no_cure_period" not in risks(result)
    assert clause(result, "termination.for_cause").days == 30


BREACH_90_DAYS = textwrap.dedent("""\
    8. Security Incidents. The Vendor shall notify the Client of any Security Incident or
    unauthorized disclosure of Client Data within ninety (90) days after discovering it.
    """)


def test_breach_notice_later_than_hipaa_allows_is_a_high_risk(healthcare):
    result = healthcare.scan(BREACH_90_DAYS)
    notice = clause(result, "data_breach_notification")
    assert notice.days == 90
    finding = risks(result)["data_breach_notification.too_late"]
    assert finding.severity == "high"
    assert "ninety (90) days" in finding.message
    assert finding.evidence[0].start == notice.start
    assert "data_breach_notification.no_deadline" not in risks(result)


@pytest.mark.parametrize("deadline, days", [("within five (5) business days", 5), ("within 72 hours", 3),
                                            ("within-ten (10) business-days", 10), ("within 48-hours", 2)])
def test_a_short_breach_deadline_is_not_flagged(healthcare, deadline, days):
    text = f"The Vendor shall report any Security Incident to the Client {deadline} after discovery.\n"
    result = healthcare.scan(text)
    assert clause(result, "data_breach_notification").days == days
    assert not {"data_breach_notification.too_late", "data_breach_notification.no_deadline"} & set(risks(result))


def test_a_breach_duty_without_a_deadline_is_flagged(healthcare):
    result = healthcare.scan("The Vendor shall promptly notify the Client of any Security Incident.\n")
    assert risks(result)["data_breach_notification.no_deadline"].severity == "medium"


BAA_ELEMENTS = {
    "permitted_uses": "Business Associate shall not use or disclose Protected Health Information other than "
                      "as permitted or required by this Agreement or as required by law.",
    "safeguards": "Business Associate shall use appropriate administrative, physical and technical safeguards "
                  "to prevent use or disclosure of Protected Health Information other than as provided for by "
                  "this Agreement.",
    "breach_reporting": "Business Associate shall report to Covered Entity any Security Incident and any Breach "
                        "of Unsecured Protected Health Information within five (5) business days.",
    "subcontractors": "Business Associate shall ensure that any subcontractor that receives Protected Health "
                      "Information on its behalf agrees in writing to the same restrictions and conditions.",
    "individual_rights": "Business Associate shall make Protected Health Information available for access under "
                         "45 C.F.R. 164.524, shall make any amendment to Protected Health Information that "
                         "Covered Entity directs under 164.526, and shall provide the information needed for an "
                         "accounting of disclosures under 164.528.",
    "hhs_access": "Business Associate shall make its internal practices, books and records relating to "
                  "Protected Health Information available to the Secretary of Health and Human Services.",
    "return_or_destroy": "At termination, Business Associate shall return or destroy all Protected Health "
                         "Information and retain no copies.",
}


def baa(*elements: str) -> str:
    lines = ["BUSINESS ASSOCIATE AGREEMENT", ""]
    for i, name in enumerate(elements, 1):
        lines += [f"{i}. {BAA_ELEMENTS[name]}", ""]
    return "\n".join(lines)


def test_a_complete_business_associate_agreement_has_no_element_risks(healthcare):
    result = healthcare.scan(baa(*BAA_ELEMENTS))
    assert "hipaa.baa" in result.present
    assert not [r for r in risks(result) if r.startswith("hipaa.baa.")]


def test_each_missing_business_associate_element_is_its_own_finding(healthcare):
    result = healthcare.scan(baa("permitted_uses", "safeguards"))
    found = {r: f for r, f in risks(result).items() if r.startswith("hipaa.baa.")}
    missing = {f"hipaa.baa.{name}" for name in BAA_ELEMENTS} - {"hipaa.baa.permitted_uses", "hipaa.baa.safeguards"}
    assert set(found) == missing
    assert len({f.recommendation for f in found.values()}) == len(missing)  # each its own advice
    for f in found.values():
        assert f.severity == "high" and f.evidence and f.evidence[0].id == "hipaa.baa"


def test_business_associate_terms_in_a_separate_agreement_are_not_judged_here(healthcare):
    text = ("8. Privacy. The Parties shall sign the Hospital's standard business associate agreement, "
            "which governs the Vendor's use and disclosure of protected health information.\n")
    found = {r for r in risks(healthcare.scan(text)) if r.startswith("hipaa.baa.")}
    assert found == {"hipaa.baa.separate"}


def test_confidentiality_without_survival_is_flagged_and_with_survival_is_not(healthcare):
    without = "7. Confidentiality. Each party shall keep the other party's Confidential Information in confidence.\n"
    with_survival = without + ("\n7.2 These obligations survive for five (5) years after termination "
                               "of this Agreement.\n")
    assert "confidentiality.no_survival" in risks(healthcare.scan(without))
    result = healthcare.scan(with_survival)
    assert "confidentiality.no_survival" not in risks(result)
    assert any(c.days == 5 * 365 for c in result.clauses if c.id == "confidentiality")


def test_termination_that_does_not_relieve_the_confidentiality_duty_is_survival(healthcare):
    # issue 11: "termination does not relieve a party of its confidentiality obligations"
    text = ("7. Confidentiality. Each party shall keep the other party's Confidential Information in confidence.\n"
            "\n12. Term. Either party may end this Agreement on sixty days' notice. Termination of this "
            "Agreement shall not relieve either party of its confidentiality obligations.\n")
    assert "confidentiality.no_survival" not in risks(healthcare.scan(text))


def test_a_survival_clause_that_cites_the_confidentiality_section_clears_the_risk(healthcare):
    text = textwrap.dedent("""\
        7. Confidentiality.

        7.1 Each party shall keep the other party's Confidential Information in confidence.

        12. General.

        12.1 Sections 7, 9 and 11 survive any termination or expiration of this Agreement.
        """)
    assert "confidentiality.no_survival" not in risks(healthcare.scan(text))
    assert "confidentiality.no_survival" in risks(healthcare.scan(text.replace("Sections 7, 9", "Sections 8, 9")))


# --- values read from the quoted clause: a "no X" finding never contradicts its own evidence


@pytest.mark.parametrize("sentence", [
    "IN NO EVENT SHALL THE VENDOR'S AGGREGATE LIABILITY UNDER THIS AGREEMENT EXCEED THE FEES PAID BY THE CLIENT IN THE "
    "TWELVE MONTHS BEFORE THE CLAIM.",
    "The Vendor's total liability shall not exceed twenty million dollars.",
    "The Vendor's cumulative liability shall be limited to the service fees paid in the prior year.",
])
def test_a_cap_stated_far_from_its_verb_is_read_as_the_cap(healthcare, sentence):
    result = healthcare.scan(f"10. Limitation of Liability.\n\n10.1 {sentence}\n")
    assert "liability.cap.none" not in risks(result)
    assert clause(result, "liability.cap").value


@pytest.mark.parametrize("period, days", [
    ("within-thirty (30) days", 30), ("within Ninety (90) calendar days", 90), ("within fifteen (15) Days", 15),
    ("within thirty-(30)-days", 30), ("within ten (10) business-days", 10)])
def test_a_cure_period_is_read_across_a_pdf_hyphen_and_in_capitals(healthcare, period, days):
    result = healthcare.scan("12. Termination.\n\n12.1 Either party may terminate this Agreement if the other "
                             f"party materially breaches it and fails to cure the breach {period} after notice.\n")
    assert "termination.no_cure_period" not in risks(result)
    assert clause(result, "termination.for_cause").days == days


def test_a_cure_period_given_before_the_cure_verb_is_read(healthcare):
    """"has N days after receiving notice to cure": the period comes first, the cure verb later."""
    result = healthcare.scan("12. Termination.\n\n12.1 If the Reseller commits a material breach, it shall have "
                             "twenty (20) days after receiving written notice of the breach to remedy it, failing "
                             "which the Maker may terminate this Agreement.\n")
    assert "termination.no_cure_period" not in risks(result)
    assert clause(result, "termination.for_cause").days == 20


# --- present but unfavourable


def test_subcontracting_allowed_freely_is_present_and_a_risk(healthcare):
    result = healthcare.scan("8. Subcontracting.\n\n8.1 The Provider may subcontract any of the Services to "
                             "third parties of its choice.\n")
    assert "subcontracting" in result.present
    assert "subcontracting.without_consent" in risks(result)
    guarded = healthcare.scan("8. Subcontracting.\n\n8.1 The Provider may subcontract the Services only with the "
                              "Client's prior written consent.\n")
    assert "subcontracting" in guarded.present and "subcontracting.without_consent" not in risks(guarded)
    mutual = healthcare.scan("8. Subcontracting.\n\n8.1 Neither party may assign this Agreement or subcontract any of "
                             "its obligations without the other party's prior written consent.\n")
    assert "subcontracting" in mutual.present and "subcontracting.without_consent" not in risks(mutual)


@pytest.mark.parametrize("risk, risky, safe", [
    ("data_return.no_destruction",
     "15. Return of Data.\n\n15.1 Upon termination of this Agreement the Provider shall return all Client Data to "
     "the Client.\n",
     "15. Return of Data.\n\n15.1 Upon termination of this Agreement the Provider shall return all Client Data to "
     "the Client and then securely destroy every copy.\n"),
    ("termination.for_convenience.by_provider",
     "12. Termination.\n\n12.1 The Provider may terminate this Agreement for convenience on thirty (30) days' "
     "written notice.\n",
     "12. Termination.\n\n12.1 The Client may terminate this Agreement for convenience on thirty (30) days' "
     "written notice.\n"),
], ids=["data returned but never destroyed", "termination for convenience by the provider"])
def test_a_weak_term_is_a_risk_and_the_sound_wording_is_not(healthcare, risk, risky, safe):
    result = healthcare.scan(risky)
    assert risk.rsplit(".", 1)[0] in result.present and risk in risks(result)
    assert risk not in risks(healthcare.scan(safe))


def test_an_indemnity_carved_out_of_the_cap_for_the_client_is_a_risk(healthcare):
    result = healthcare.scan("10. Limitation of Liability.\n\n10.1 The limitations in this Section shall not apply "
                             "to either party's indemnification obligations under Section 9.\n")
    assert "liability.uncapped.customer_indemnity" in risks(result)


# --- evidence ranking


def test_the_strongest_evidence_is_shown_first_and_a_heading_never_leads():
    from contractscan.results import ClauseMatch, by_strength

    heading = ClauseMatch(id="change_of_control", start=0, end=40, score=0.95,
                          text="11.3 Termination Upon a Change of Control 36")
    definition = ClauseMatch(id="change_of_control", start=100, end=200, score=1.0,
                             text='"Change of Control" means the purchase of more than half of the voting shares of a party.')
    weak = ClauseMatch(id="change_of_control", start=300, end=400, score=0.8,
                       text="The Client may terminate this Agreement if the Vendor merges with a competitor of the Client.")
    strong = ClauseMatch(id="change_of_control", start=500, end=600, score=0.9, matched=["heading: change of control"],
                         text="The Vendor shall notify the Client within ten days of any change of control of the Vendor.")
    assert [m.start for m in by_strength([heading, definition, weak, strong])] == [500, 300, 100, 0]


def test_a_risk_finding_quotes_its_strongest_clause_first(healthcare):
    result = healthcare.scan(textwrap.dedent("""\
        9. Security Incidents.

        9.1 "Security Incident" means any unauthorised access to Client Data, and Vendor shall report it.

        9.2 The Vendor shall promptly notify the Client of any Security Incident affecting Client Data and shall
        cooperate with the Client's investigation of it.
        """))
    finding = risks(result)["data_breach_notification.no_deadline"]
    first = next(c for c in result.clauses if (c.start, c.end) == (finding.evidence[0].start, finding.evidence[0].end))
    assert "The Vendor shall promptly notify" in first.text
