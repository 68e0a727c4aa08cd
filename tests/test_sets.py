"""Contract sets: a master agreement, its BAA and an SOW checked as one."""

from __future__ import annotations

import json
import shutil

import pytest

from contractscan.profiles import load_profile
from contractscan.rules import load_rules
from contractscan.sets import ContractSet, combine, find_sets

from conftest import SAMPLES, run_cli

pytestmark = pytest.mark.slow  # these run the CLI in a process

SET = SAMPLES / "sets" / "northwind_labs"  # one file per document, as a vendor would send them
TYPES = SAMPLES / "types"  # the same documents in both formats, named northwind_*


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    d = tmp_path_factory.mktemp("sets")
    m = d / "sets.yaml"
    m.write_text(
        "sets:\n"
        "  - name: Northwind Labs\n"
        "    documents:\n"
        f"      - {SET / 'master_services_agreement.pdf'}\n"
        f"      - {SET / 'business_associate_agreement.docx'}\n"
        f"      - {SET / 'statement_of_work.pdf'}\n"
        "  - name: Northwind SOW alone\n"
        f"    documents: [{SET / 'statement_of_work.pdf'}]\n"
    )
    return m


@pytest.fixture(scope="module")
def results(manifest):
    proc = run_cli(str(manifest.parent), "--sets", str(manifest), "--format", "jsonl", "--workers", "1")
    assert proc.returncode in (0, 1), proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


@pytest.fixture(scope="module")
def single():
    import contractscan

    a = contractscan.Analyzer(profile="auto")
    return {p.stem: a.scan(TYPES / f"northwind_{p.stem}.pdf") for p in sorted(SET.iterdir())}


def test_one_result_per_set_listing_its_documents(results):
    assert [r["source"] for r in results] == ["Northwind Labs", "Northwind SOW alone"]
    s = results[0]
    assert s["format"] == "set"
    assert [d["document_type"] for d in s["documents"]] == ["master_agreement", "baa", "order_form"]
    assert s["profile"] == "auto: core + baa + order_form"


def test_no_missing_finding_for_a_clause_any_document_has(results, single):
    s = results[0]
    present = set(s["present"])
    missing = {f["rule"] for f in s["findings"] if f["kind"] == "missing"}
    assert not missing & present
    # each document alone lacks what the others bring, e.g. the SOW has no confidentiality
    assert "confidentiality" not in single["statement_of_work"].present
    assert "confidentiality" in present
    # the BAA's elements are required because a BAA is in the set, and found in it
    assert {"hipaa.baa", "data_breach_notification", "scope_of_work", "payment_terms"} <= present


def test_each_clause_says_which_document_it_came_from(results):
    s = results[0]
    docs = {c["id"]: c["document"] for c in s["clauses"]}
    assert docs["hipaa.baa"].endswith("business_associate_agreement.docx")
    assert docs["payment_terms"].endswith("statement_of_work.pdf")
    assert docs["liability.cap"].endswith("master_services_agreement.pdf")


def test_contradictory_values_are_conflict_findings(results):
    s = results[0]
    conflicts = {f["rule"]: f for f in s["findings"] if f["kind"] == "conflict"}
    law = conflicts["governing_law.conflict"]
    assert "Illinois" in law["message"] and "Wisconsin" in law["message"]
    assert {e["document"].rsplit("/", 1)[-1] for e in law["evidence"]} == {
        "master_services_agreement.pdf", "business_associate_agreement.docx"}
    breach = conflicts["data_breach_notification.conflict"]
    assert breach["severity"] == "high" and "5 days" in breach["message"] and "10 days" in breach["message"]


def test_a_set_of_one_is_checked_as_that_document(results):
    alone = results[1]
    assert alone["profile"] == "auto: order_form"
    assert not [f for f in alone["findings"] if f["kind"] == "conflict"]


def test_sub_folders_are_sets(tmp_path):
    for vendor in ("acme", "zenith"):
        (tmp_path / vendor).mkdir()
    shutil.copy(SET / "master_services_agreement.pdf", tmp_path / "acme")
    shutil.copy(TYPES / "northwind_statement_of_work.docx", tmp_path / "acme")
    shutil.copy(SAMPLES / "types" / "mutual_nda.docx", tmp_path / "zenith")
    sets = find_sets("folder", [str(tmp_path)])
    assert [(s.name, len(s.paths)) for s in sets] == [("acme", 2), ("zenith", 1)]


def test_explicit_profile_applies_to_the_whole_set(single):
    rules = {r.id: r for r in load_rules()}
    r = combine(ContractSet("x", []), [single["statement_of_work"]], load_profile("core"), rules)
    assert r.profile == "core"
    assert "confidentiality" in {f.rule for f in r.findings if f.kind == "missing"}


def test_a_bad_manifest_is_a_usage_error(tmp_path):
    bad = tmp_path / "m.yaml"
    bad.write_text("sets: nope\n")
    proc = run_cli(str(tmp_path), "--sets", str(bad))
    assert proc.returncode == 2 and "manifest" in proc.stderr and "Traceback" not in proc.stderr


def test_reports_name_the_set_documents_and_where_each_clause_is(tmp_path):
    out = tmp_path / "sets.md"
    proc = run_cli(str(SAMPLES / "sets"), "--sets", "folder", "--format", "md", "-o", str(out))
    assert proc.returncode in (0, 1), proc.stderr
    page = out.read_text(encoding="utf-8")
    assert ("Documents in this set: business\\_associate\\_agreement.docx (BAA); "
            "master\\_services\\_agreement.pdf (master agreement); statement\\_of\\_work.pdf (order form)") in page
    # a conflict's evidence says which document each side is in
    assert "business\\_associate\\_agreement.docx § 9. Governing Law" in page
    assert "master\\_services\\_agreement.pdf p.2, § 8. Disputes and Governing Law" in page
