"""Markdown output: every finding, a well-formed scorecard table, contract text kept inert."""

from __future__ import annotations

import io
import json
import re

import pytest
from conftest import run_cli
from report_samples import INJECTION, sample_folder, strict_profile

from contractscan.render.markdown import md, render_markdown


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return sample_folder(tmp_path_factory.mktemp("md"))


def cells(line: str) -> list[str]:
    """Split a table row on pipes that are not escaped."""
    return re.split(r"(?<!\\)\|", line.strip())[1:-1]


@pytest.mark.slow
def test_every_json_finding_is_in_the_markdown(folder, tmp_path):
    profile = strict_profile(tmp_path)
    as_json = json.loads(run_cli(str(folder), "--profile", str(profile), "--format", "json").stdout)
    proc = run_cli(str(folder), "--profile", str(profile), "--format", "md")
    assert proc.returncode == 1, proc.stderr
    text = proc.stdout
    parts = re.split(r"^## (?=\S+\.(?:txt|docx)$)", text, flags=re.M)
    by_name = {p.splitlines()[0]: p for p in parts[1:]}
    kinds = set()
    for r in as_json:
        name = r["source"].rsplit("/", 1)[-1]
        part = by_name[md(name)]
        for f in r["findings"]:
            kinds.add(f["kind"])
            # plain name first, the id after it: "- **HIGH** No IP ownership (`ip_ownership`): ..."
            tail = f" (`{f['rule']}`): {md(f['message'])}"
            assert any(ln.startswith(f"- **{f['severity'].upper()}** ") and ln.endswith(tail)
                       for ln in part.splitlines()), (f["rule"], part)
            assert f"  - Recommendation: {md(f['recommendation'])}" in part
        for c in r["clauses"]:
            assert f"`{c['id']}`" in part and f"(chars {c['start']}-{c['end']})" in part
    assert kinds == {"missing", "risk"}
    assert "## Portfolio" in text and "## Contracts lacking each clause" in text


def test_tables_are_well_formed(folder, analyzer):
    buf = io.StringIO()
    render_markdown(list(analyzer.scan_folder(folder)), buf, analyzer.report_context())
    tables: list[list[str]] = []
    previous = ""
    for line in buf.getvalue().splitlines():
        if line.startswith("|"):
            if not previous.startswith("|"):
                tables.append([])
            tables[-1].append(line)
        previous = line
    assert len(tables) == 2 + 3  # lacking, portfolio, one scorecard per contract
    for table in tables:
        widths = {len(cells(row)) for row in table}
        assert len(widths) == 1, table
    scorecard = tables[-1]
    assert scorecard[0] == "| Clause | Required | Status | Where | Value |"
    assert any("`governing_law`" in row and "New York" in row for row in scorecard)


def test_contract_markup_is_inert(folder, analyzer):
    buf = io.StringIO()
    render_markdown([analyzer.scan(folder / "hosting-hostile.txt")], buf, analyzer.report_context())
    text = buf.getvalue()
    assert "<script" not in text and "<img" not in text
    assert re.search(r"(?<!\\)<", md(INJECTION)) is None and md("<b>x</b>") == "\\<b>x\\</b>"
    assert text.startswith("# hosting-hostile.txt\n")
    assert "## Portfolio" not in text
