"""A self-contained HTML review: scorecard, findings and the contract with its clauses marked.

One file, nothing loaded from anywhere: the CSS and the small sorting/filter script are
inline and allowed by hash in a Content-Security-Policy that forbids everything else,
so even a contract whose text smuggled markup past escaping could not run a script or
fetch a resource. Every piece of contract text goes through ``html.escape``.

For a folder the report opens with a portfolio (contracts x clause families, sortable and
filterable) and a chart of how many contracts lack each clause. Full highlighted text is
shown while the report stays within ``FULL_TEXT_BUDGET`` characters of contract text;
later contracts show their clause excerpts with offsets instead, which keeps a report of
hundreds of contracts small. Each contract section is ``content-visibility: auto``, so the
browser lays out only what is on screen: the report of the 308 CUAD PDFs (19 MB) is ready
in about half a second (benchmarks/html_report.py).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import TextIO

from .. import __version__
from ..document import Document
from ..results import ClauseMatch, Finding, ScanResult
from .context import ReportContext
from .html_page import CONTENT_SECURITY_POLICY, CSS, SCRIPT, e, generated_at, text
from .html_portfolio import PortfolioRow, portfolio
from .review import (
    FamilyRow, display_name, finding_title, scorecard, set_members, severity_counts, verdict, where,
)
from .text_flow import reflow, short_place as _short_place

FULL_TEXT_BUDGET = 20_000_000
"""Characters of contract text shown in full across one report (the first contract always is)."""

MAX_WHERE_LINKS = 6
_PALETTE = 8


class _Report:
    def __init__(self, budget: int, context: ReportContext) -> None:
        self.context = context
        self.budget = budget
        self.used = 0
        self.sections: list[str] = []
        self.rows: list[PortfolioRow] = []
        self.families: dict[str, str] = {}  # id -> readable name, in profile order
        self.groups: dict[str, str] = {}  # id -> the checklist that requires it (core, healthcare ...)
        self.profiles: list[str] = []
        self.excerpt_only = 0

    # -- one contract ---------------------------------------------------------------------
    def add(self, r: ScanResult) -> None:
        n = len(self.rows) + 1
        anchor = f"c{n}"
        card = scorecard(r, self.context) if r.error is None else []
        required = [row for row in card if row.required is not None]
        for row in required:
            self.families.setdefault(row.id, row.name)
            self.groups.setdefault(row.id, self.context.group_of(r, row.id))
        if r.profile and r.profile not in self.profiles:
            self.profiles.append(r.profile)
        short = {row.id: "; ".join(dict.fromkeys(self._risk_name(f) for f in row.findings if f.kind == "risk"))
                 for row in required if row.status == "risk"}
        self.rows.append(PortfolioRow(n, anchor, display_name(r),
                                       f"{r.error.type}: {r.error.message}" if r.error else None,
                                       severity_counts(r), {row.id: row for row in required}, short,
                                       len(r.documents)))
        self.sections.append(self._section(r, anchor, card))

    def _risk_name(self, finding: Finding) -> str:
        """'no survival' for 'Confidentiality: no survival': the cell sits under the clause's name."""
        title = finding_title(finding, self.context)
        head, sep, tail = title.partition(": ")
        return tail if sep else title

    def _section(self, r: ScanResult, anchor: str, card: list[FamilyRow]) -> str:
        out = [f'<section class="contract" id="{anchor}" aria-labelledby="{anchor}-h">',
               f'<h2 id="{anchor}-h">{e(display_name(r))}</h2>',
               f'<p class="meta">{e(r.source)}</p>']
        if r.error is not None:
            out.append(f'<p class="error">Could not be read ({e(r.error.type)}): {e(r.error.message)}</p>')
            out.append("</section>")
            return "\n".join(out)
        meta = [f"format: {r.format}"] if r.format else []
        if r.pages is not None:
            meta.append(f"pages: {r.pages}")
        meta.append(f"profile: {r.profile}")
        meta.append(f"{len(r.clauses)} clause passages found")
        counts = severity_counts(r)
        meta.append("findings: " + (", ".join(f"{v} {k}" for k, v in counts.items() if v) or "none"))
        worst = max((f.severity for f in r.findings), key=lambda s: s.rank, default=None)
        out.insert(2, f'<p class="verdict s-{worst or "ok"}"><b>Verdict:</b> {e(verdict(r, self.context))}</p>')
        out.append(f'<p class="meta">{e(" · ".join(meta))}</p>')
        if r.documents:
            out.append(f'<p class="meta">Documents in this set: {e("; ".join(set_members(r)))}</p>')
        for w in r.warnings:
            pages = f" (pages {', '.join(map(str, w.pages))})" if w.pages else ""
            out.append(f'<p class="warn">Warning [{e(w.type)}]: {e(w.message)}{e(pages)}</p>')

        colour = {row.id: f"f{i % _PALETTE}" for i, row in enumerate(x for x in card if x.required)}
        family_of = {}
        for row in card:
            for c in row.clauses:
                family_of.setdefault(id(c), colour.get(row.id, "fx"))
        ids = {id(c): f"{anchor}-m{j}" for j, c in enumerate(r.clauses)}
        by_span = {(c.id, c.start, c.end): ids[id(c)] for c in r.clauses}
        risky = {(ev.id, ev.start, ev.end) for f in r.findings if f.kind == "risk" for ev in f.evidence}

        out.append(f'<h3 id="{anchor}-findings">Findings</h3>')
        if r.findings:
            out.append('<ol class="findings">')
            for f in sorted(r.findings, key=lambda f: -f.severity.rank):
                links = [f'<a href="#{by_span[(ev.id, ev.start, ev.end)]}">{e(where(ev) or ev.id)}</a>'
                         for ev in f.evidence if (ev.id, ev.start, ev.end) in by_span]
                extra = f' <span class="small">(uncertain: part of the document was unreadable or read by OCR)</span>' \
                    if f.uncertain else ""
                out.append(
                    f'<li class="finding" data-rule="{e(f.rule)}"><span class="badge s-{f.severity}">{f.severity}</span> '
                    f'<b>{e(finding_title(f, self.context))}</b> <code>{e(f.rule)}</code> {e(f.message)}{extra}'
                    + (f'<p class="rec"><b>Recommendation:</b> {e(f.recommendation)}</p>' if f.recommendation else "")
                    + (f'<p class="small">Evidence: {", ".join(links)}</p>' if links else "")
                    + "</li>")
            out.append("</ol>")
        else:
            out.append('<p class="s-ok">No findings: every clause the profile requires was found.</p>')
        out.append(f'<h3 id="{anchor}-score">Scorecard</h3>')
        out.append('<table class="scorecard"><thead><tr><th>Clause</th><th>Required</th><th>Status</th>'
                   '<th>Where</th><th>Value</th></tr></thead><tbody>')
        for row in card:
            out.append(self._score_row(row, ids))
        out.append("</tbody></table>")

        doc = r.document
        if doc is not None and (not self.sections or self.used + len(doc.text) <= self.budget):
            self.used += len(doc.text)
            out.append(f'<h3 id="{anchor}-text">Contract text</h3>')
            out.append(f'<div class="doctext">{_highlight(doc, r, ids, family_of, risky, self.context)}</div>')
        elif r.clauses:
            self.excerpt_only += 1
            why = ("the full text is left out to keep this report small" if doc is not None
                   else "the document text was not kept with this result")
            out.append(f'<h3 id="{anchor}-text">Clause excerpts</h3>')
            out.append(f'<p class="small">Each detected clause with its character offsets; {e(why)}.</p>')
            out.append('<ol class="excerpts">')
            for c in r.clauses:
                risk = " risky" if (c.id, c.start, c.end) in risky else ""
                loc = " · ".join(x for x in (f"chars {c.start}–{c.end}", where(c)) if x)
                out.append(f'<li><span class="tag{risk}" id="{ids[id(c)]}">{e(_label(c))}</span> '
                           f'<span class="small">{e(loc)}</span>'
                           f'<blockquote class="{family_of.get(id(c), "fx")}">{text(c.text)}</blockquote></li>')
            out.append("</ol>")
        out.append(f'<p class="back"><a href="#top">Back to top</a></p></section>')
        return "\n".join(out)

    @staticmethod
    def _score_row(row: FamilyRow, ids: dict[int, str]) -> str:
        sev = row.severity or "ok"
        status = f'<span class="badge s-{sev if row.status in ("missing", "risk") else "ok"}">{e(row.label)}</span>'
        places: dict[str, ClauseMatch] = {}  # one link per place, to its strongest clause
        for c in row.clauses:
            places.setdefault(where(c) or f"chars {c.start}", c)
        links = [f'<a href="#{ids[id(c)]}" title="{e(place)}">{e(_short_place(place))}</a>'
                 for place, c in list(places.items())[:MAX_WHERE_LINKS]]
        if len(places) > MAX_WHERE_LINKS:
            links.append(f"+{len(places) - MAX_WHERE_LINKS} more")
        risks = "".join(f'<div class="small s-{f.severity}">{e(f.message)}</div>'
                        for f in row.findings if f.kind == "risk")
        return (f'<tr class="st-{row.status}" data-family="{e(row.id)}"><td>{e(row.name)}<br><code>{e(row.id)}</code></td>'
                f'<td>{e(row.required or "not required")}</td><td>{status}{risks}</td>'
                f'<td>{", ".join(links) or "—"}</td><td>{e("; ".join(row.values)) or "—"}</td></tr>')

    # -- the whole report -----------------------------------------------------------------
    def write(self, out: TextIO) -> None:
        title = ("Contract review: " + self.rows[0].name) if len(self.rows) == 1 else \
            f"Contract review: {len(self.rows)} contracts"
        out.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                  f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
                  '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                  '<meta name="referrer" content="no-referrer">\n'
                  f"<title>{e(title)}</title>\n<style>{CSS}</style></head>\n<body>\n")
        when = generated_at()
        out.write(f'<header class="top" id="top"><h1>{e(title)}</h1><p class="meta">'
                  f'profile: {e(", ".join(self.profiles) or "-")} · generated {e(when)} by contractscan {e(__version__)} '
                  "· offline, rule-based: a reviewer confirms every finding</p></header>\n")
        if not self.rows:
            out.write("<p>No contract files were found.</p>\n")
        if len(self.rows) > 1:
            out.write(portfolio(self.rows, self.families, self.groups, self.excerpt_only))
        for s in self.sections:
            out.write(s)
            out.write("\n")
        out.write(f"<script>{SCRIPT}</script>\n</body></html>\n")

def _label(c: ClauseMatch) -> str:
    value = ""
    if c.value:
        value = f" · {c.value}" + (f" ({c.days} days)" if c.days is not None and str(c.days) not in c.value else "")
    return f"{c.id}{value}"


def _highlight(doc: Document, r: ScanResult, ids: dict[int, str], family_of: dict[int, str],
               risky: set[tuple[str, int, int]], context: ReportContext) -> str:
    """The text with each clause in a <mark> and a label at its start; overlaps split cleanly.
    Page starts get a marker; running headers and footers (noise) are greyed."""
    doc_text = reflow(doc.text) if r.format == "pdf" else doc.text
    n = len(doc_text)
    starts: dict[int, list[ClauseMatch]] = {}
    for c in r.clauses:
        s, t = max(0, min(c.start, n)), max(0, min(c.end, n))
        if t > s:
            starts.setdefault(s, []).append(c)
    pages = {p: i + 1 for i, p in enumerate(doc.page_starts) if 0 < p < n} if len(doc.page_starts) > 1 else {}
    noise = [(max(0, sp.start), min(n, sp.end)) for sp in doc.noise if sp.end > sp.start]
    points = sorted({0, n, *starts, *(min(c.end, n) for c in r.clauses), *pages, *(x for sp in noise for x in sp)})
    noise_starts = [a for a, _ in sorted(noise)]
    noise_sorted = sorted(noise)
    active: list[ClauseMatch] = []
    out: list[str] = []
    for a, b in zip(points, points[1:]):
        active = [c for c in active if c.end > a]
        if a in pages:
            out.append(f'<span class="page">page {pages[a]}</span>')
        for c in starts.get(a, []):
            risk = " risky" if (c.id, c.start, c.end) in risky else ""
            title = context.clause_name(c.id)
            out.append(f'<span class="tag{risk}" id="{ids[id(c)]}" title="{e(title)}">{e(_label(c))}</span>')
            active.append(c)
        piece = text(doc_text[a:b])
        k = bisect.bisect_right(noise_starts, a) - 1
        if k >= 0 and noise_sorted[k][1] > a:
            piece = f'<span class="noise">{piece}</span>'
        if active:
            fams = " ".join(dict.fromkeys(family_of.get(id(c), "fx") for c in active))
            out.append(f'<mark class="{fams}" data-clause="{e(" ".join(dict.fromkeys(c.id for c in active)))}">'
                       f"{piece}</mark>")
        else:
            out.append(piece)
    return "".join(out)


def render_html(results: Iterable[ScanResult], out: TextIO, context: ReportContext,
                full_text_budget: int = FULL_TEXT_BUDGET) -> None:
    """Write one self-contained HTML report for all ``results``."""
    report = _Report(full_text_budget, context)
    for r in results:
        report.add(r)
    report.write(out)


