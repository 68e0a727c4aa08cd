"""The healthcare outsourcing samples (samples/healthcare/*.md, the project's own text): each
states its families and values in the wordings held-back healthcare agreements use, and the scan
must find them: breach deadlines in business days, "in no case later than", an ordinal day and a
defined period; audit by the covered entity and by HHS; data protection stated as safeguards;
payment due dates; insurance amounts; force majeure without the words; and the "present but
unfavourable" risks, with no risk contradicting its own evidence."""

from __future__ import annotations

import re
import sys

import pytest

from conftest import ROOT, SAMPLES

HEALTH = SAMPLES / "healthcare"


@pytest.fixture(scope="module")
def healthcare(analyzer_with):
    return analyzer_with(profile="healthcare")


def breach_days(result) -> int | None:
    days = [c.days for c in result.clauses if c.id == "data_breach_notification" and c.days is not None]
    return min(days) if days else None


def law(result) -> set[str]:
    return {c.value for c in result.clauses if c.id == "governing_law" and c.value}


@pytest.mark.parametrize(("name", "days", "jurisdiction"), [
    ("baa_business_days", 5, "Oregon"),  # 2, 10, 15, 20 and 30 days around it are other duties
    ("baa_unreasonable_delay", 3, "Pennsylvania"),  # "no later than the third (3rd) business day"
    ("baa_defined_period", 10, "Minnesota"),  # "within the Breach Notification Period" of the key terms
])
def test_breach_deadline_of_each_business_associate_agreement(healthcare, name, days, jurisdiction):
    result = healthcare.scan(str(HEALTH / f"{name}.md"))
    assert {"hipaa.baa", "data_breach_notification", "data_protection"} <= set(result.present)
    assert breach_days(result) == days
    assert law(result) == {jurisdiction}


def test_outsourced_billing_agreement_has_every_family_in_other_words(healthcare):
    result = healthcare.scan(str(HEALTH / "billing_services_agreement.md"))
    for family in ("data_protection", "audit_rights", "payment_terms", "insurance", "force_majeure"):
        assert family in result.present, family
    assert law(result) == {"Georgia"}


def test_unfavourable_terms_are_risks_not_gaps(healthcare):
    result = healthcare.scan(str(HEALTH / "unfavourable_terms.md"))
    risks = {f.rule for f in result.findings if f.kind == "risk"}
    assert {"subcontracting.without_consent", "data_return.no_destruction",
            "termination.for_convenience.by_provider", "liability.uncapped.customer_indemnity"} <= risks
    missing = {f.rule for f in result.findings if f.kind == "missing"}
    assert not missing & {"subcontracting", "data_return", "termination.for_convenience"}


def test_no_risk_on_the_samples_contradicts_its_evidence(healthcare):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from contradictions import ELEMENTS

    for path in sorted(HEALTH.glob("*.md")):
        if path.name == "README.md":
            continue
        result = healthcare.scan(str(path))
        texts = {(c.id, c.start, c.end): c.text for c in result.clauses}
        for f in result.findings:
            if f.kind != "risk" or f.rule not in ELEMENTS:
                continue
            _, rx = ELEMENTS[f.rule]
            for e in f.evidence:
                quote = " ".join(texts.get((e.id, e.start, e.end), "").split())
                assert not re.search(rx, quote, re.I), (path.name, f.rule, quote)


@pytest.mark.parametrize(("text", "risk", "expected"), [
    ("The Billing Agent may delegate any of its duties under this Agreement to third-party service providers.",
     "subcontracting.without_consent", True),
    ("The Processor may engage subprocessors without the Controller's prior consent if it gives notice.",
     "subcontracting.without_consent", True),
    ("The Processor may engage new subprocessors, and the Controller may object to each within ten days.",
     "subcontracting.without_consent", False),  # general authorisation with a right to object
    ("The Hospital may require the Vendor to replace any subcontractor that fails the audit.",
     "subcontracting.without_consent", False),  # the client's right, not the vendor's permission
    ("The Lab may use subcontractors for courier runs only with the Clinic's prior written approval.",
     "subcontracting.without_consent", False),
    ("When the subscription ends, the Host keeps the Clinic's records available for export for sixty days.",
     "data_return.no_destruction", True),
    ("When the subscription ends, the Host returns the Clinic's records and then deletes every copy it holds.",
     "data_return.no_destruction", False),
    ("We may suspend or end your access to the portal at any time and for any reason.",
     "termination.for_convenience.by_provider", True),  # terms of service: "we" is the provider
    ("The Vendor may end this Agreement at its convenience on ninety days' notice.",
     "termination.for_convenience.by_provider", True),
    ("The Clinic may end this Agreement at its convenience on ninety days' notice.",
     "termination.for_convenience.by_provider", False),
])
def test_present_but_unfavourable_wordings(healthcare, text, risk, expected):
    result = healthcare.scan(text + "\n")
    assert (risk in {f.rule for f in result.findings if f.kind == "risk"}) is expected
