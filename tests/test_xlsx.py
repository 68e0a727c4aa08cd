"""--format xlsx: a workbook with portfolio, findings and values sheets, and no live formula."""

from __future__ import annotations

import pytest

from contractscan.render.xlsx import safe, write_xlsx
from contractscan.results import ClauseMatch, Evidence, Finding, ScanError, ScanResult

from conftest import SAMPLES, run_cli

pytestmark = pytest.mark.slow  # these run the CLI in a process

# openpyxl is imported by the tests that read a workbook, not when the module is collected: its
# import is 0.7 s, and the quick run (-m "not slow") collects this module but runs none of it


def _load(path):
    import openpyxl

    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    out = tmp_path_factory.mktemp("xlsx") / "review.xlsx"
    proc = run_cli(str(SAMPLES / "lab_services_incomplete.pdf"), str(SAMPLES / "types" / "mutual_nda.docx"),
                   "--format", "xlsx", "-o", str(out), "--workers", "1")
    assert proc.returncode == 1, proc.stderr  # the incomplete sample has high findings
    return _load(out)


def test_three_sheets_with_a_row_per_contract(workbook):
    assert workbook.sheetnames == ["Portfolio", "Findings", "Values"]
    port = workbook["Portfolio"]
    rows = list(port.iter_rows(values_only=True))
    assert rows[0][:4] == ("Contract", "Kind", "Profile", "Verdict")
    assert [r[0].rsplit("/", 1)[-1] for r in rows[1:]] == ["lab_services_incomplete.pdf", "mutual_nda.docx"]
    assert port.freeze_panes == "B2" and port.auto_filter.ref
    head = rows[0]
    col = head.index("Limitation of liability (liability.limitation)")
    assert rows[1][col] == "missing"
    assert port.cell(row=2, column=col + 1).fill.start_color.rgb.endswith("F4B6B6")  # high: red


def test_findings_sheet_has_one_row_per_finding(workbook):
    rows = list(workbook["Findings"].iter_rows(values_only=True))
    assert rows[0] == ("Contract", "Document", "Clause", "Clause id", "Kind", "Severity", "Message",
                       "Recommendation", "Page", "Section", "Quote")
    incomplete = [r for r in rows[1:] if r[0].endswith("lab_services_incomplete.pdf")]
    assert len(incomplete) == 3
    assert incomplete[0][5] == "high" and incomplete[0][7]  # a recommendation
    risk = next(r for r in incomplete if r[4] == "risk")
    assert risk[8] and risk[9] and risk[10]  # page, section, quote


def test_values_sheet_labels_values_by_role(workbook):
    rows = list(workbook["Values"].iter_rows(values_only=True))
    head = rows[0]
    assert "Governing law" in head and "Cure period (days)" in head and "Breach notice deadline (days)" in head
    nda = next(r for r in rows[1:] if r[0].endswith("mutual_nda.docx"))
    assert nda[head.index("Governing law")] == "Washington"


def test_no_cell_is_a_live_formula(tmp_path):
    evil = "=HYPERLINK(\"http://x.invalid\",\"click\")"
    r = ScanResult(
        source="=cmd|' /C calc'!A0", profile="core",
        clauses=[ClauseMatch(id="governing_law", start=0, end=5, text="+SUM(A1:A9)", score=1.0, value="@evil")],
        findings=[Finding(rule="governing_law.x", kind="risk", severity="high", message=evil,
                          recommendation="-2+3", evidence=[Evidence(id="governing_law", start=0, end=5)])],
    )
    broken = ScanResult(source="\t=1+1", error=ScanError(type="corrupt", message="=bad"))
    out = tmp_path / "evil.xlsx"
    write_xlsx([r, broken], out)
    wb = _load(out)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert cells
    for c in cells:
        assert c.data_type != "f", (c.coordinate, c.value)
        assert not str(c.value).startswith(("=", "+", "-", "@", "\t")), (c.coordinate, c.value)
    assert safe("=1") == "'=1" and safe("plain") == "plain" and safe(3) == 3


def test_xlsx_needs_an_output_file():
    proc = run_cli(str(SAMPLES / "types" / "mutual_nda.docx"), "--format", "xlsx")
    assert proc.returncode == 2 and "-o FILE.xlsx" in proc.stderr


def test_without_rules_clauses_are_named_by_their_ids(tmp_path, monkeypatch):
    import contractscan.rules

    def no_reload(*args, **kw):
        raise AssertionError("a renderer loaded the rules itself")

    monkeypatch.setattr(contractscan.rules, "load_rules", no_reload)
    r = ScanResult(source="a.pdf", profile="core", findings=[
        Finding(rule="liability.limitation", kind="missing", severity="high", message="No limitation."),
        Finding(rule="confidentiality.no_survival", kind="risk", severity="medium", message="No survival.")])
    out = tmp_path / "ids.xlsx"
    write_xlsx([r], out)
    wb = _load(out)
    head = next(wb["Portfolio"].iter_rows(values_only=True))
    assert "liability.limitation (liability.limitation)" in head
    clauses = [row[2] for row in wb["Findings"].iter_rows(min_row=2, values_only=True)]
    assert clauses == ["liability.limitation", "confidentiality.no_survival"]
