"""Document types: each sample is told for what it is, and --profile auto checks it against
the checklist for its kind."""

from __future__ import annotations

import json

import pytest

import contractscan
from contractscan.doctype import detect_type, load_type_rules
from contractscan.errors import RuleError
from contractscan.profiles import load_profile

from conftest import SAMPLES, run_cli

EXPECTED = {
    "lab_services_agreement": "master_agreement",
    "lab_services_incomplete": "master_agreement",
    "tricky_legend_contract": "master_agreement",  # an SEC "Exhibit 10.21" legend heads a whole agreement
    "business_associate_agreement": "baa",
    "types/northwind_master_services_agreement": "master_agreement",
    "types/northwind_business_associate_agreement": "baa",
    "types/northwind_statement_of_work": "order_form",
    "types/mutual_nda": "nda",
    "types/amendment_no_1": "amendment",
}


@pytest.fixture(scope="module")
def auto():
    return contractscan.Analyzer(profile="auto")


@pytest.mark.parametrize("ext", ["pdf", "docx"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_sample_is_detected_as_its_kind(auto, name, ext):
    r = auto.scan(SAMPLES / f"{name}.{ext}")
    assert r.error is None
    assert r.document_type is not None
    assert r.document_type.type == EXPECTED[name], r.document_type
    assert r.document_type.evidence and r.document_type.confidence >= 0.5
    assert r.profile == f"auto: {load_profile('auto').by_type[EXPECTED[name]]}"


@pytest.mark.parametrize("text,kind", [
    ("DATA PROCESSING ADDENDUM\n\nThis Data Processing Addendum forms part of the Agreement.\n", "dpa"),
    ("KEY TERMS\n\nCustomer: Acme Clinic\nTerm: 24 months\nFees: as set out below\n", "key_terms"),
    ("SCHEDULE 4\nSECURITY REQUIREMENTS\n\n1. The Supplier shall comply with this Schedule.\n", "schedule"),
    ("EXHIBIT B\n\nBUSINESS ASSOCIATE AGREEMENT\n\nThis Business Associate Agreement is made ...\n", "baa"),
    ("ORDER FORM\n\nThis Order Form is entered into under the Master Subscription Agreement.\n", "order_form"),
    ("FIRST AMENDMENT TO MASTER SERVICES AGREEMENT\n\nSection 3 is hereby amended to read as follows.\n",
     "amendment"),
    ("Exhibit 10.4\n\nDISTRIBUTION AGREEMENT\n\nThis Distribution Agreement is made between A and B.\n",
     "master_agreement"),
])
def test_titles_decide(text, kind):
    assert detect_type(text, []).type == kind


def test_no_cue_falls_back_to_a_master_agreement_with_low_confidence():
    t = detect_type("Dear Sir,\n\nwe write to you about the matter we discussed last week at length.\n", [])
    assert t.type == load_type_rules().settings.fallback == "master_agreement"
    assert t.confidence < 0.5


def test_standalone_baa_gets_no_master_agreement_findings(auto):
    master_only = set(load_profile("core").require) - set(load_profile("baa").require)
    for path in (SAMPLES / "business_associate_agreement.pdf",
                 SAMPLES / "types/northwind_business_associate_agreement.pdf"):
        r = auto.scan(path)
        missing = {f.rule for f in r.findings if f.kind == "missing"}
        assert not missing & (master_only | {"payment_terms", "ip_ownership", "scope_of_work"}), missing


def test_nda_is_checked_for_confidentiality_essentials(auto):
    r = auto.scan(SAMPLES / "types/mutual_nda.docx")
    assert r.profile == "auto: nda"
    assert {"confidentiality", "governing_law", "data_return"} <= set(r.present)
    assert not [f for f in r.findings if f.kind == "missing"]


def test_amendment_is_checked_only_for_what_it_changes(auto):
    r = auto.scan(SAMPLES / "types/amendment_no_1.pdf")
    assert r.profile == "auto: amendment"
    assert not [f for f in r.findings if f.kind == "missing"]


def test_an_explicit_profile_keeps_its_checklist():
    r = contractscan.scan(SAMPLES / "types/mutual_nda.docx", profile="core")
    assert r.profile == "core"
    assert r.document_type.type == "nda"  # still reported
    assert {"ip_ownership", "liability.limitation"} <= {f.rule for f in r.findings if f.kind == "missing"}


@pytest.mark.slow
def test_cli_default_is_auto_and_reports_the_type():
    proc = run_cli(str(SAMPLES / "types/mutual_nda.pdf"), "--format", "json")
    r = json.loads(proc.stdout)
    assert r["profile"] == "auto: nda"
    assert r["document_type"]["type"] == "nda"
    assert r["document_type"]["evidence"]


def test_a_users_auto_profile_can_map_a_kind_to_another_profile(tmp_path):
    mine = tmp_path / "hospital.yaml"
    mine.write_text("name: hospital\nextends: auto\nby_type:\n  master_agreement: healthcare\n")
    prof = load_profile(str(mine))
    assert prof.for_type("master_agreement").name == "healthcare"
    assert prof.for_type("baa").name == "baa"
    assert prof.for_type("no_such_kind").name == "core"


def test_an_auto_profile_needs_a_default(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nby_type:\n  baa: baa\n")
    with pytest.raises(RuleError, match="default"):
        load_profile(str(bad))
