"""What the human-facing reports share: values labelled by their role, from the rule files."""

from __future__ import annotations

from contractscan.render.review import role_value, scorecard

TERMINATION = (
    "12. TERMINATION\n"
    "12.1 Either party may terminate this Agreement for convenience upon ninety (90) days' prior "
    "written notice to the other party.\n"
    "12.2 Either party may terminate this Agreement if the other party materially breaches it and "
    "fails to cure the breach within thirty (30) days after written notice of the breach.\n"
    "13. GOVERNING LAW\n"
    "This Agreement shall be governed by the laws of the State of Texas.\n"
)


def test_values_say_what_they_are(analyzer):
    """'ninety (90) days; thirty (30) days' did not say which was the notice and which the cure."""
    r = analyzer.scan(TERMINATION)
    context = analyzer.report_context()
    row = next(row for row in scorecard(r, context) if row.id == "termination")
    assert any(v.startswith("notice ninety (90) days") for v in row.values), row.values
    assert any(v.startswith("cure thirty (30) days") for v in row.values), row.values
    law = next(c for c in r.clauses if c.id == "governing_law" and c.value)
    assert role_value(law, context) == "governing law Texas"


def test_a_role_is_rule_data(analyzer):
    """The role comes from ``value.role`` in the rule file, inherited by dotted children without one."""
    context = analyzer.report_context()
    assert context.value_role("termination.for_cause") == "cure"
    assert context.value_role("termination.for_convenience") == "notice"  # from termination
    assert context.value_role("confidentiality") == "survives"
    assert context.value_role("scope_of_work") == ""


def test_pdf_lines_are_joined_into_paragraphs_with_offsets_kept():
    from contractscan.render.text_flow import reflow

    text = ("8. CONFIDENTIALITY\n"
            "8.1 Each party shall keep the other party's Confidential Information in confi-\n"
            "dence and shall not disclose it to any third party except as this Agreement\n"
            "permits, and shall use it only to perform its obligations under this Agreement.\n"
            "(a) The obligations in this Section survive for five years after termination of\n"
            "this Agreement for any reason whatsoever, including expiry of its term.\n"
            "\n"
            "9. INTELLECTUAL PROPERTY\n")
    flowed = reflow(text)
    assert len(flowed) == len(text)
    assert flowed.split("\n") == [
        "8. CONFIDENTIALITY",
        "8.1 Each party shall keep the other party's Confidential Information in confi-\u200bdence and shall "
        "not disclose it to any third party except as this Agreement permits, and shall use it only to perform "
        "its obligations under this Agreement.",
        "(a) The obligations in this Section survive for five years after termination of this Agreement for "
        "any reason whatsoever, including expiry of its term.",
        "",
        "9. INTELLECTUAL PROPERTY",
        "",
    ]


def test_a_place_is_named_by_its_innermost_heading():
    from contractscan.render.text_flow import short_place

    assert short_place("p.3, § 8. Confidentiality > 8.2 Obligations > (b)") == "p.3, § 8.2 Obligations (b)"
    assert short_place("p.4, § 9. Intellectual Property > 9.3 Assignment") == "p.4, § 9.3 Assignment"
    assert short_place("p.2, § 12.1") == "p.2, § 12.1"
