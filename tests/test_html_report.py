"""The HTML report: findings, scorecard, highlights at the right offsets, escaping, portfolio."""

from __future__ import annotations

import html as htmllib
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SAMPLES, run_cli
from report_samples import INJECTION, sample_folder, strict_profile

from contractscan.render.html import CONTENT_SECURITY_POLICY, render_html

REAL_SAMPLES = Path(os.environ.get("CONTRACTSCAN_SAMPLES", SAMPLES))


def render(results, analyzer, **kw) -> str:
    import io

    buf = io.StringIO()
    render_html(results, buf, analyzer.report_context(), **kw)
    return buf.getvalue()


def shown_text(result) -> str:
    """The contract text as the report shows it: a PDF's lines joined into paragraphs, same length."""
    from contractscan.render.text_flow import reflow

    text = result.document.text
    return reflow(text) if result.format == "pdf" else text


def sections(page: str) -> dict[str, str]:
    """Each contract's section of the report, keyed by its source path."""
    out = {}
    for chunk in page.split('<section class="contract"')[1:]:
        source = re.search(r'<p class="meta">(.*?)</p>', chunk).group(1)
        out[htmllib.unescape(source)] = chunk
    return out


class TextView(HTMLParser):
    """Rebuild the contract text from the text view and note where tags and marks are."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = 0  # depth inside the .doctext div of this contract
        self.skip = 0  # inside a label or page marker
        self.text: list[str] = []
        self.pos = 0
        self.tags: dict[str, int] = {}
        self.marked: list[tuple[int, int, set[str]]] = []
        self._mark: tuple[int, set[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.inside:
            self.inside += tag == "div"
            if tag == "span" and a.get("class", "").split()[0] in ("tag", "page"):
                self.skip += 1
                if "id" in a:
                    self.tags[a["id"]] = self.pos
            elif tag == "span" and self.skip:
                self.skip += 1
            elif tag == "mark":
                self._mark = (self.pos, set(a["data-clause"].split()))
        elif tag == "div" and a.get("class") == "doctext" and not self.text:
            self.inside = 1

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "div":
            self.inside -= 1
        elif tag == "span" and self.skip:
            self.skip -= 1
        elif tag == "mark" and self._mark:
            self.marked.append((self._mark[0], self.pos, self._mark[1]))
            self._mark = None

    def handle_data(self, data):
        if self.inside and not self.skip:
            self.text.append(data)
            self.pos += len(data)


def text_view(section_html: str) -> TextView:
    view = TextView()
    view.feed(section_html[section_html.index('<div class="doctext">'):])
    return view


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return sample_folder(tmp_path_factory.mktemp("html"))


@pytest.mark.slow
def test_every_json_finding_and_clause_appears_in_the_html(folder, tmp_path, strict_analyzer):
    profile = strict_profile(tmp_path)
    as_json = run_cli(str(folder), "--profile", str(profile), "--format", "json")
    report = tmp_path / "report.html"
    as_html = run_cli(str(folder), "--profile", str(profile), "--format", "html", "-o", str(report))
    assert as_json.returncode == as_html.returncode == 1, as_html.stderr  # high findings exist
    results = json.loads(as_json.stdout)
    assert {k for r in results for k in r} == {"source", "format", "pages", "profile", "document_type", "present",
                                               "clauses", "findings", "warnings", "error"}, \
        "the JSON carries no report data"
    by_source = sections(report.read_text(encoding="utf-8"))
    assert set(by_source) == {r["source"] for r in results}
    kinds = set()
    for r in results:
        sec = by_source[r["source"]]
        for f in r["findings"]:
            kinds.add(f["kind"])
            item = next(li for li in sec.split('<li class="finding"')[1:]
                        if li.startswith(f' data-rule="{htmllib.escape(f["rule"])}"')
                        and htmllib.escape(f["message"]) in li)
            assert f'<span class="badge s-{f["severity"]}">' in item
            assert htmllib.escape(f["recommendation"]) in item
            for ev in f["evidence"]:
                assert 'href="#c' in item, "risk evidence links to the highlighted clause"
        for c in r["clauses"]:
            assert re.search(rf'<span class="tag[^"]*" id="c\d+-m\d+" title="[^"]*">{re.escape(c["id"])}\b', sec)
        for fam in ("confidentiality", "termination", "governing_law"):
            assert f'data-family="{fam}"' in sec
    assert kinds == {"missing", "risk"}


def test_highlights_sit_exactly_on_the_clause_offsets(folder, strict_analyzer):
    for path in sorted(folder.iterdir()):
        result = strict_analyzer.scan(path)
        page = render([result], strict_analyzer)
        view = text_view(page)
        assert "".join(view.text) == shown_text(result)
        assert result.clauses
        for j, c in enumerate(result.clauses):
            assert view.tags[f"c1-m{j}"] == c.start, (path.name, c.id)
            covered = [(s, e) for s, e, ids in view.marked if c.id in ids and s < c.end and e > c.start]
            assert min(s for s, _ in covered) == c.start and max(e for _, e in covered) == c.end
            assert sum(e - s for s, e in covered) == c.end - c.start, "the whole clause is marked"


def test_scorecard_links_to_highlights_and_shows_values(strict_analyzer, folder):
    result = strict_analyzer.scan(folder / "lab-services.docx")
    page = render([result], strict_analyzer)
    rows = {m.group(1): m.group(0) for m in re.finditer(r'<tr class="st-\w+" data-family="([\w.]+)">.*?</tr>', page)}
    assert set(rows) >= {"confidentiality", "ip_ownership", "liability.limitation", "liability.indemnification",
                         "termination", "dispute_resolution", "governing_law"}
    # termination is found (present, or present with a risk such as a missing cure period) and linked
    assert re.search(r'class="st-(?:present|risk)"', rows["termination"]) and 'href="#c1-m' in rows["termination"]
    gov = rows["governing_law"]
    assert 'class="st-risk"' in gov and "New York" in gov, "value and risk shown"
    for anchor in re.findall(r'href="#(c1-m\d+)"', page):
        assert f'id="{anchor}"' in page
    assert "<h2" in page and 'id="portfolio"' not in page, "one contract: no portfolio"


def test_contract_markup_cannot_inject_anything(folder, analyzer):
    result = analyzer.scan(folder / "hosting-hostile.txt")
    assert INJECTION in result.document.text
    page = render([result], analyzer)
    assert page.count("<script") == 1, "only the report's own script"
    assert "<img" not in page and "<div id=" not in page and "<svg onload" not in page
    assert htmllib.escape(INJECTION, quote=False) in page
    assert f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">' in page
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_folder_report_has_portfolio_chart_and_sortable_filterable_table(folder, analyzer):
    results = list(analyzer.scan_folder(folder))
    page = render(results, analyzer)
    table = page[page.index('<table id="portfolio-table"'):]
    table = table[:table.index("</table>")]
    assert table.count("<tr data-order=") == 3
    assert table.count('<button class="sort"') == 3 + 7
    assert 'id="filter"' in page and 'id="missing-filter"' in page
    hostile = next(t for t in table.split("<tr ")[1:] if "hosting-hostile.txt" in t)
    assert 'data-missing="ip_ownership liability.limitation liability.indemnification dispute_resolution governing_law"' \
        in "<tr " + hostile
    chart = page[page.index('<svg class="chart"'):page.index("</svg>")]
    # two of the three contracts lack a limitation of liability, none lacks confidentiality
    assert ">2 (67%)</text>" in chart and ">0 (0%)</text>" in chart


def test_past_the_budget_contracts_show_excerpts_with_offsets(folder, analyzer):
    results = list(analyzer.scan_folder(folder))
    page = render(results, analyzer, full_text_budget=0)
    secs = list(sections(page).values())
    assert '<div class="doctext">' in secs[0], "the first contract is always shown in full"
    for sec, r in zip(secs[1:], results[1:]):
        assert '<div class="doctext">' not in sec and "Clause excerpts" in sec
        for c in r.clauses:
            assert f"chars {c.start}–{c.end}" in sec
            assert htmllib.escape(c.text, quote=False) in sec


def test_unreadable_file_gets_a_row_and_a_message(folder, analyzer, tmp_path):
    broken = tmp_path / "mixed"
    broken.mkdir()
    (broken / "a.txt").write_text((folder / "courier-services.txt").read_text())
    (broken / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 20)
    page = render(list(analyzer.scan_folder(broken)), analyzer)
    assert "could not be read" in page and "unreadable (" in page
    assert '<td class="cell c-error"' in page


@pytest.mark.skipif(not (REAL_SAMPLES / "lab_services_agreement.docx").exists(),
                    reason="the sample contracts are not in samples/ (set CONTRACTSCAN_SAMPLES to their folder)")
def test_real_samples_render_with_every_finding(analyzer, scanned):
    results = [scanned(p) for p in sorted(REAL_SAMPLES.glob("*.docx")) + sorted(REAL_SAMPLES.glob("*.pdf"))]
    page = render(results, analyzer)
    secs = sections(page)
    for r in results:
        for f in r.findings:
            assert htmllib.escape(f.message) in secs[r.source]
        view = text_view(secs[r.source])
        assert "".join(view.text) == shown_text(r)


def test_pages_are_marked_and_running_headers_greyed(analyzer):
    from contractscan.document import Document, Span

    header = "ACME SERVICES AGREEMENT - CONFIDENTIAL"
    page1 = header + "\n1. Confidentiality\nEach party shall hold the other party's Confidential Information " \
                     "in strict confidence and shall not disclose it to any third party.\n"
    page2 = header + "\n2. Termination\nEither party may terminate this Agreement upon thirty (30) days' " \
                     "written notice.\n"
    doc = Document(text=page1 + page2, source="paged.pdf", format="pdf", page_starts=[0, len(page1)],
                   noise=[Span(0, len(header)), Span(len(page1), len(page1) + len(header))], page_count=2)
    result = analyzer.analyse_document(doc)
    page = render([result], analyzer)
    assert page.count(f'<span class="noise">{header}</span>') == 2
    assert '<span class="page">page 2</span>' in page and "page 1</span>" not in page
    view = text_view(page)
    assert "".join(view.text) == doc.text
    assert {c.id for c in result.clauses} >= {"confidentiality", "termination"}
    assert all(view.tags[f"c1-m{j}"] == c.start for j, c in enumerate(result.clauses))


@pytest.mark.slow
def test_the_report_date_follows_source_date_epoch_so_runs_can_be_compared():
    first = run_cli(str(SAMPLES / "lab_services_agreement.pdf"), "--format", "html")
    second = run_cli(str(SAMPLES / "lab_services_agreement.pdf"), "--format", "html")
    assert "generated 2026-11-18 11:06 UTC" in first.stdout  # SOURCE_DATE_EPOCH=1795000000 (conftest)
    assert first.stdout == second.stdout
