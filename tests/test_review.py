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
