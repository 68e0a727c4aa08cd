"""The Python API on the project's sample contracts."""

from __future__ import annotations

import json

import pytest

import contractscan
from contractscan.errors import RuleError

from conftest import SAMPLES

CORE = ["confidentiality", "ip_ownership", "liability.limitation", "liability.indemnification",
        "termination", "dispute_resolution", "governing_law"]


@pytest.mark.parametrize("ext", ["pdf", "docx"])
def test_complete_sample_has_every_core_clause_located(scanned, ext):
    r = scanned(SAMPLES / f"lab_services_agreement.{ext}")
    assert r.error is None
    for cid in CORE:
        assert cid in r.present, cid
        found = r.clauses_for(cid)
        assert found and all(c.section for c in found), cid
        if ext == "pdf":
            assert all(c.page and 1 <= c.page <= r.pages for c in found), cid
    assert [f for f in r.findings if f.kind == "missing"] == []
    law = r.clauses_for("governing_law")
    assert any(c.value == "New York" for c in law)


@pytest.mark.parametrize("ext", ["pdf", "docx"])
def test_incomplete_sample_lacks_dispute_resolution_and_liability_limit(scanned, ext):
    r = scanned(SAMPLES / f"lab_services_incomplete.{ext}")
    missing = {f.rule for f in r.findings if f.kind == "missing"}
    assert missing == {"dispute_resolution", "liability.limitation"}
    assert all(f.recommendation for f in r.findings if f.kind == "missing")
    assert "governing_law" in r.present


def test_legends_and_table_of_contents_are_not_clauses(scanned):
    r = scanned(SAMPLES / "tricky_legend_contract.pdf")
    missing = {f.rule for f in r.findings if f.kind == "missing"}
    assert {"confidentiality", "liability.limitation"} <= missing
    assert "termination" in r.present and "governing_law" in r.present


def test_clause_offsets_and_pages_match_the_document(analyzer):
    path = SAMPLES / "lab_services_agreement.pdf"
    doc = analyzer.load(path)
    r = analyzer.analyse_document(doc)
    for c in r.clauses:
        quoted = " ".join(doc.text[c.start:c.end].split())
        assert c.text.rstrip("…") and quoted.startswith(c.text.rstrip("…")[:50])
        assert doc.page_at(c.start) == c.page


def test_parents_are_listed_in_present(scanned):
    r = scanned(SAMPLES / "lab_services_agreement.pdf")
    assert "liability" in r.present
    assert r.present == sorted(r.present)


def test_scan_accepts_text_and_bytes():
    text = ("1. Governing Law. This Agreement is governed by the laws of the State of Texas.\n"
            "2. Confidentiality. Each party shall keep the other's information in strict confidence.\n")
    r1 = contractscan.scan(text)
    r2 = contractscan.scan(text.encode("utf-8"))
    assert r1.present == r2.present
    assert {"governing_law", "confidentiality"} <= set(r1.present)
    assert r1.clauses_for("governing_law")[0].value == "Texas"


def test_scan_folder_yields_a_result_per_file(tmp_path):
    (tmp_path / "a.txt").write_text("This Agreement is governed by the laws of the State of Ohio.")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (tmp_path / "ignored.png").write_bytes(b"\x89PNG")
    results = list(contractscan.scan_folder(tmp_path))
    assert [r.source.rsplit("/", 1)[-1] for r in results] == ["a.txt", "b.pdf"]
    assert results[0].error is None and results[1].error.type == "corrupt"


def test_result_json_round_trip(scanned):
    r = scanned(SAMPLES / "business_associate_agreement.docx")
    data = json.loads(r.model_dump_json())
    assert set(data) >= {"source", "present", "clauses", "findings", "warnings", "error"}
    assert contractscan.ScanResult.model_validate(data).model_dump() == r.model_dump()
    for c in data["clauses"]:
        assert set(c) >= {"id", "page", "start", "end", "section", "text", "score", "value"}


def test_user_rules_and_profiles(tmp_path):
    rule = tmp_path / "key.yaml"
    rule.write_text(
        "id: key_personnel\nname: Key personnel\ndescription: Named staff stay.\n"
        "patterns:\n  - regex: 'key personnel[^.]{0,60}(?:replaced|removed)'\n    weight: 0.9\n"
        "recommendation: Name the key staff.\n"
        "examples:\n  match: ['Key personnel may not be replaced.']\n  no_match: ['Staff may change.']\n"
    )
    prof = tmp_path / "prof.yaml"
    prof.write_text("name: mine\nextends: core\nrequire:\n  key_personnel: high\n")
    r = contractscan.scan(SAMPLES / "lab_services_incomplete.docx", profile=str(prof), rules=[str(rule)])
    assert r.profile == "mine"
    assert "key_personnel" in {f.rule for f in r.findings if f.kind == "missing"}
    assert any(f.rule == "dispute_resolution" for f in r.findings)


def test_a_rule_accepting_a_strong_heading_alone_finds_the_clause_under_it(tmp_path):
    rule = tmp_path / "escrow.yaml"
    rule.write_text(
        "id: source_code_escrow\nname: Source code escrow\ndescription: Code held by an agent.\n"
        "headings: ['source code escrow']\nscoring:\n  heading_only: 0.7\n"
        "recommendation: Put the source code in escrow.\n"
    )
    text = ("1. Services. The Supplier shall provide the services.\n\n"
            "2. Source Code Escrow. The parties will agree the arrangements separately.\n")
    result = contractscan.Analyzer(rules=[str(rule)]).scan(text)
    [clause] = result.clauses_for("source_code_escrow")
    assert clause.section.startswith("2") and "arrangements" in clause.text
    assert any(m.startswith("heading:") for m in clause.matched)


def test_invalid_rule_file_names_file_rule_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x_rule\nname: X\ndescription: d\nrecommendation: r\n"
                   "patterns:\n  - regex: 'a'\n    weight: 3\n")
    with pytest.raises(RuleError) as err:
        contractscan.Analyzer(rules=[str(bad)])
    msg = str(err.value)
    assert "bad.yaml" in msg and "x_rule" in msg and "patterns.0.weight" in msg


def test_unknown_profile_is_a_clear_error():
    with pytest.raises(RuleError, match="unknown profile"):
        contractscan.Analyzer(profile="no-such-profile")


def test_one_severity_type_ranks_and_serialises_as_its_word():
    from contractscan import Finding, Severity

    assert [s.value for s in Severity.by_rank()] == ["high", "medium", "low", "info"]
    assert Severity.HIGH.rank > Severity.MEDIUM.rank > Severity.LOW.rank > Severity.INFO.rank
    f = Finding(rule="x", kind="missing", severity="low", message="m")
    assert f.severity is Severity.LOW and f"{f.severity}" == "low" and f.severity == "low"
    assert '"severity":"low"' in f.model_dump_json()
