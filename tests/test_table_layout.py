"""The terminal report: verdict first, findings by severity with recommendations, then the
evidence; laid out by rich so it reads at 80, 100 and 160 columns."""

from __future__ import annotations

import io

import pytest

import contractscan
from contractscan.render.table import render_table

from conftest import SAMPLES


@pytest.fixture(scope="module")
def scanned():
    a = contractscan.Analyzer(profile="core")
    return a, a.scan(SAMPLES / "lab_services_incomplete.pdf")


def _render(scanned, width: int) -> str:
    analyzer, result = scanned
    out = io.StringIO()
    render_table([result], out, analyzer.report_context(), width=width)
    return out.getvalue()


@pytest.mark.parametrize("width", [80, 100, 160])
def test_fits_the_width_and_wraps_inside_its_columns(scanned, width):
    lines = _render(scanned, width).splitlines()
    assert max(len(line) for line in lines) <= width
    assert all(line == line.rstrip() for line in lines)
    findings = lines[lines.index("Findings") + 1:lines.index("Evidence: clauses found")]
    for line in findings:  # a finding's wrapped lines stay under its text, not back at column 0
        assert not line or line.startswith(("HIGH ", "MED ", "LOW ", "INFO ", "      ")), (width, line)
    # no orphan words: a wrapped line holds more than one short word
    assert not [ln for ln in findings if ln.strip() and len(ln.split()) == 1 and len(ln.strip()) < 4]
    evidence = lines[lines.index("Evidence: clauses found") + 1:]
    quotes = [ln for ln in evidence if "\u201c" in ln]
    assert quotes and len({ln.index("\u201c") for ln in quotes}) == 1  # every quote starts in its column


def test_verdict_comes_first_then_findings_then_evidence(scanned):
    text = _render(scanned, 100)
    verdict = text.index("Verdict: ")
    assert verdict < text.index("Findings") < text.index("Evidence: clauses found")
    line = text[verdict:].splitlines()[0]
    assert line == "Verdict: 1 high gap: no limitation of liability; 1 medium; 1 info"


def test_plain_names_ids_secondary_and_values_by_role(scanned):
    text = _render(scanned, 160)
    assert "HIGH  No limitation of liability  (liability.limitation)" in text
    assert "governing law Texas" in text and "breach notice five (5) business days" in text
    assert "Governing law" in text and "governing_law · p.3" in text
    assert text.count("→ ") >= 2  # recommendations
