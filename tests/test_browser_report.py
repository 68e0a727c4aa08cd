"""The HTML report in a real browser: headless Chromium over the DevTools pipe.

Needs the Debian package chromium (``apt-get update && apt-get install -y chromium``).
Screenshots and the printed PDF are saved under build/screenshots/ for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from chromium_cdp import Chromium, find_chromium
from conftest import ROOT, SAMPLES, run_cli
from report_samples import sample_folder

pytestmark = [
    pytest.mark.slow,  # Chromium and the CLI in processes
    pytest.mark.skipif(
        find_chromium() is None,
        reason="chromium is not installed: apt-get update && apt-get install -y chromium",
    ),
]

SHOTS = ROOT / "build" / "screenshots"
REAL_SAMPLES = Path(os.environ.get("CONTRACTSCAN_SAMPLES", SAMPLES))


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("browser")
    folder = sample_folder(tmp)
    for p in sorted(REAL_SAMPLES.glob("*.docx")) + sorted(REAL_SAMPLES.glob("*.pdf")):
        shutil.copy(p, folder / p.name)
    out = tmp / "report.html"
    # one checklist for every document, so the chart has the core clauses' bars
    proc = run_cli(str(folder), "--format", "html", "-o", str(out), "--profile", "core")
    assert proc.returncode in (0, 1), proc.stderr
    return out


@pytest.fixture(scope="module")
def browser():
    with Chromium(width=1280, height=900) as b:
        yield b


def test_report_renders_scorecards_and_highlights_and_blocks_injection(report, browser):
    browser.open(report)
    js = browser.evaluate
    assert js("document.documentElement.classList.contains('js')"), "the report's own script ran"
    assert js("document.title").startswith("Contract review: ")
    # the hostile contract's <script>, <img onerror> and <svg onload> did nothing
    assert js("document.title").find("INJECTED") < 0 and js("document.title") != "SVG"
    assert js("document.body.getAttribute('data-pwned')") is None
    assert js("document.getElementById('injected')") is None
    assert js("document.scripts.length") == 1
    assert js("document.images.length") == 0
    hostile = js("""(() => { const s = [...document.querySelectorAll('section.contract')]
        .find(x => x.textContent.includes('hosting-hostile.txt'));
        return s.querySelector('.doctext').textContent; })()""")
    assert '<script>document.title="INJECTED"' in hostile, "the markup is shown as text"

    n = js("document.querySelectorAll('section.contract').length")
    assert n >= 3
    assert js("document.querySelectorAll('table.scorecard').length") == n
    assert js("document.querySelectorAll('table.scorecard tr[data-family=termination]').length") == n
    assert js("document.querySelectorAll('.doctext mark').length") >= 10
    # every scorecard link leads to a label in the text
    assert js("""[...document.querySelectorAll('table.scorecard a')]
        .every(a => document.getElementById(a.getAttribute('href').slice(1)) !== null)""")
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.screenshot(SHOTS / "report-portfolio.png")
    js("document.querySelector('table.scorecard a').click()")
    browser.screenshot(SHOTS / "report-highlight.png")
    assert js("location.hash").startswith("#c1-m")
    assert js("document.querySelector(':target').classList.contains('tag')")
    assert js("Math.abs(document.querySelector(':target').getBoundingClientRect().top) < 200"), \
        "following the link scrolls the highlighted clause into view"


def test_links_show_clauses_deep_in_the_report(report, browser):
    """Sections off screen are laid out lazily; a jump must still land on the clause."""
    import time

    browser.open(report)
    js = browser.evaluate
    targets = js("[...document.querySelectorAll('section.contract')].map(s => s.querySelector('.tag[id]'))"
                 ".filter(Boolean).map(t => t.id)")
    assert len(targets) >= 3
    for target in targets[len(targets) // 2:][:2]:
        js(f"location.hash = '#{target}'")
        deadline = time.monotonic() + 5
        on_screen = """(() => { const t = document.getElementById('ID'), r = t.getBoundingClientRect();
            return r.top >= 0 && r.bottom <= innerHeight && document.elementFromPoint(r.left + 2, r.top + 2) === t; })()"""
        while not js(on_screen.replace("ID", target)):
            assert time.monotonic() < deadline, f"#{target} is not on screen after the jump"
            time.sleep(0.05)


def test_portfolio_sorts_and_filters(report, browser):
    browser.open(report)
    js = browser.evaluate
    names = "[...document.querySelectorAll('#portfolio-table tbody tr')].filter(r => !r.hidden).map(r => r.cells[0].textContent.trim())"
    before = js(names)
    js("document.querySelector('#portfolio-table th:first-child button').click()")
    ascending = js(names)
    assert sorted(ascending) == sorted(before)
    assert js(f"(a => a.every((x, i) => i === 0 || a[i - 1].localeCompare(x) <= 0))({names})")
    js("document.querySelector('#portfolio-table th:first-child button').click()")
    assert js(names) == ascending[::-1]
    high = "[...document.querySelectorAll('#portfolio-table tbody tr')].map(r => +r.cells[1].textContent)"
    js("document.querySelector('#portfolio-table th:nth-child(2) button').click()")
    assert js(high) == sorted(js(high))
    js("""(() => { const f = document.getElementById('filter'); f.value = 'courier';
        f.dispatchEvent(new Event('input')); })()""")
    assert [x.split()[0] for x in js(names)] == ["courier-services.txt"]
    assert js("document.getElementById('shown').textContent").startswith("1 of ")
    js("""(() => { const f = document.getElementById('filter'); f.value = '';
        f.dispatchEvent(new Event('input'));
        const m = document.getElementById('missing-filter'); m.value = 'liability.limitation';
        m.dispatchEvent(new Event('change')); })()""")
    shown = js(names)
    assert "courier-services.txt" in " ".join(shown) and "lab-services.docx" not in " ".join(shown)
    # one bar per clause family, coloured by the severity of the gap
    assert js("document.querySelectorAll('svg.chart text[text-anchor=end]').length") == 7
    assert js("[...document.querySelectorAll('svg.chart rect.bar')].every(b => /\\bb-(high|medium|low|info)\\b/.test(b.getAttribute('class')))")
    assert js("getComputedStyle(document.querySelector('svg.chart rect.b-high')).fill") != \
        js("getComputedStyle(document.querySelector('svg.chart rect.b-medium')).fill")


def test_report_prints_to_readable_pdf(report, browser):
    import pypdfium2

    browser.open(report)
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = browser.print_pdf(SHOTS / "report-printed.pdf")
    doc = pypdfium2.PdfDocument(str(pdf))
    text = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    assert len(doc) >= 4, "each contract starts on its own page"
    assert "Scorecard" in text and "Portfolio" in text
    assert "Filter" not in text, "the interactive controls are not printed"
    assert "shall not disclose it to any third party" in text


@pytest.fixture(scope="module")
def single_report(tmp_path_factory) -> Path:
    """One contract with findings of every severity: a standalone BAA against the healthcare list."""
    out = tmp_path_factory.mktemp("single") / "baa.html"
    proc = run_cli(str(SAMPLES / "business_associate_agreement.pdf"), "--format", "html", "-o", str(out),
                   "--profile", "healthcare")
    assert proc.returncode in (0, 1), proc.stderr
    return out


@pytest.fixture(scope="module")
def healthcare_portfolio(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("portfolio") / "portfolio.html"
    proc = run_cli(str(SAMPLES), "--format", "html", "-o", str(out), "--profile", "healthcare")
    assert proc.returncode in (0, 1), proc.stderr
    return out


@contextmanager
def viewport(browser, width: int, height: int = 900):
    """The page laid out at ``width`` CSS pixels, as on a screen of that size."""
    browser.page("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
    try:
        yield
    finally:
        browser.page("Emulation.clearDeviceMetricsOverride")


@pytest.mark.parametrize("width", [1400, 800])
def test_verdict_and_first_finding_need_no_scrolling(single_report, browser, width):
    with viewport(browser, width):
        browser.open(single_report)
        js = browser.evaluate
        bottom = "(s => document.querySelector(s).getBoundingClientRect().bottom)"
        assert js("window.scrollY") == 0
        assert js(f"{bottom}('.verdict')") <= 900
        assert js(f"{bottom}('ol.findings li')") <= 900, "the first finding is on the first screen"
        # list numbers sit inside the page, not clipped at its left edge
        assert js("document.querySelector('ol.findings li').getBoundingClientRect().left") >= 24
        SHOTS.mkdir(parents=True, exist_ok=True)
        browser.screenshot(SHOTS / f"single-{width}px.png")


@pytest.mark.parametrize("width", [1400, 800])
def test_portfolio_groups_columns_and_names_risks(healthcare_portfolio, browser, width):
    with viewport(browser, width):
        browser.open(healthcare_portfolio)
        js = browser.evaluate
        groups = js("[...document.querySelectorAll('#portfolio-table tr.groups th[data-group]')].map(t => t.textContent)")
        assert groups == ["Core", "Outsourcing", "Healthcare"]
        # a risk cell names the risk, not just "risk (medium)"
        risks = js("[...document.querySelectorAll('#portfolio-table td.c-risk')].map(t => t.textContent)")
        assert risks and all("risk (" not in r and len(r) > 2 for r in risks), risks
        SHOTS.mkdir(parents=True, exist_ok=True)
        browser.screenshot(SHOTS / f"portfolio-{width}px.png")
        columns = "document.querySelectorAll('#portfolio-table tr.columns th:not([hidden])').length"
        every = js(columns)
        js("""(() => { for (const g of ['outsourcing', 'healthcare']) {
            const b = document.querySelector(`.groups input[data-group=${g}]`); b.checked = false;
            b.dispatchEvent(new Event('change')); } })()""")
        assert js(columns) == 3 + 7, "only the contract, the counts and the core clauses stay"
        assert js("document.querySelector('#portfolio-table').scrollWidth <= document.querySelector('.scroll').clientWidth + 1")
        browser.screenshot(SHOTS / f"portfolio-core-{width}px.png")
        assert every > js(columns)


def test_pdf_text_reads_as_paragraphs(single_report, browser):
    """A PDF's line breaks inside a paragraph are joined; the marks still cover their clauses."""
    browser.open(single_report)
    js = browser.evaluate
    text = js("document.querySelector('.doctext').textContent")
    lines = [x for x in text.split("\n") if x.strip()]
    assert max(len(x) for x in lines) > 300, "paragraphs are no longer cut at the PDF's line width"
    assert js("document.querySelectorAll('.doctext mark').length") >= 10
