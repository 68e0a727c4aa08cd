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

import base64
import bisect
import hashlib
import html
import os
from importlib import resources
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TextIO

from .. import __version__
from ..document import Document
from ..escapes import printable
from ..results import ClauseMatch, Finding, ScanResult
from .context import ReportContext
from .review import (
    FamilyRow, display_name, finding_title, scorecard, set_members, severity_counts, verdict, where,
)
from .text_flow import reflow, short_place as _short_place

FULL_TEXT_BUDGET = 20_000_000
"""Characters of contract text shown in full across one report (the first contract always is)."""

MAX_WHERE_LINKS = 6
SEVERITIES = ("high", "medium", "low", "info")
_STATUS_RANK = {"error": -1, "missing": 0, "risk": 1, "present": 2, "found": 2, "na": 3}
_STATUS_MARK = {"missing": "✗", "risk": "!", "present": "✓", "found": "✓", "error": "–", "na": "n/a"}
_PALETTE = 8


def e(value: object) -> str:
    """Escape for text and for double-quoted attributes alike (undecodable file-name bytes as \\xNN)."""
    return html.escape(printable(str(value)), quote=True)


def text(value: str) -> str:
    """Escape contract text for element content: quotes are harmless there and common in contracts."""
    return html.escape(printable(value), quote=False)


def _asset(name: str) -> str:
    return (resources.files(__package__) / "assets" / name).read_text(encoding="utf-8")


# Plain files so they can be edited as CSS and JavaScript; hashed into the policy below.
_CSS = _asset("report.css")
_SCRIPT = _asset("report.js")


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode() + "'"


CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src {_csp_hash(_CSS)}; script-src {_csp_hash(_SCRIPT)}; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


@dataclass
class _PortfolioRow:
    order: int
    anchor: str
    name: str
    error: str | None
    counts: dict[str, int]
    cells: dict[str, FamilyRow] = field(default_factory=dict)
    short: dict[str, str] = field(default_factory=dict)  # family -> what a risk cell says
    documents: int = 0  # of a contract set


class _Report:
    def __init__(self, budget: int, context: ReportContext) -> None:
        self.context = context
        self.budget = budget
        self.used = 0
        self.sections: list[str] = []
        self.rows: list[_PortfolioRow] = []
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
        self.rows.append(_PortfolioRow(n, anchor, display_name(r),
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
                  f"<title>{e(title)}</title>\n<style>{_CSS}</style></head>\n<body>\n")
        when = _generated_at()
        out.write(f'<header class="top" id="top"><h1>{e(title)}</h1><p class="meta">'
                  f'profile: {e(", ".join(self.profiles) or "-")} · generated {e(when)} by contractscan {e(__version__)} '
                  "· offline, rule-based: a reviewer confirms every finding</p></header>\n")
        if not self.rows:
            out.write("<p>No contract files were found.</p>\n")
        if len(self.rows) > 1:
            out.write(self._portfolio())
        for s in self.sections:
            out.write(s)
            out.write("\n")
        out.write(f"<script>{_SCRIPT}</script>\n</body></html>\n")

    def _portfolio(self) -> str:
        n = len(self.rows)
        unreadable = sum(1 for r in self.rows if r.error)
        with_high = sum(1 for r in self.rows if r.counts["high"])
        fams = self._families_by_group()
        groups = list(dict.fromkeys(self.groups.get(fid, "") for fid, _ in fams))
        out = ['<section id="portfolio"><h2>Portfolio</h2>',
               f'<p>{n} contracts · {unreadable} could not be read · {with_high} with high-severity findings'
               + (f" · {self.excerpt_only} shown as clause excerpts (size budget)" if self.excerpt_only else "")
               + "</p>"]
        out.append(self._chart(fams))
        out.append('<p class="small">In the table: ✓ present · ✗ missing · ! present with a risk (named) · '
                   "n/a not on that document's checklist · – not read. "
                   "Click a column to sort; click a contract to open its review.</p>")
        options = "".join(f'<option value="{e(fid)}">{e(name)}</option>' for fid, name in fams)
        toggles = "".join(
            f'<label class="group-toggle"><input type="checkbox" checked data-group="{e(g)}"> {e(_group_title(g))}</label>'
            for g in groups) if len(groups) > 1 else ""
        out.append('<div class="controls"><label>Filter <input id="filter" type="search" '
                   'placeholder="file name, word…"></label>'
                   f'<label>Missing <select id="missing-filter"><option value="">any clause</option>{options}'
                   '</select></label>'
                   + (f'<span class="groups">Columns: {toggles}</span>' if toggles else "")
                   + '<span id="shown" class="small" aria-live="polite"></span></div>')
        spans: list[tuple[str, int]] = []
        for fid, _ in fams:
            g = self.groups.get(fid, "")
            if spans and spans[-1][0] == g:
                spans[-1] = (g, spans[-1][1] + 1)
            else:
                spans.append((g, 1))
        top = ['<th colspan="3" class="group-head"></th>'] + [
            f'<th colspan="{k}" class="group-head" data-group="{e(g)}" scope="colgroup">{e(_group_title(g))}</th>'
            for g, k in spans]
        head = ['<th data-type="text"><button class="sort" type="button">Contract</button></th>'] + [
            f'<th data-type="number"><button class="sort" type="button">{s.capitalize()}</button></th>'
            for s in ("high", "medium")] + [
            f'<th data-type="number" title="{e(fid)}" data-group="{e(self.groups.get(fid, ""))}">'
            f'<button class="sort" type="button">{e(name)}</button></th>'
            for fid, name in fams]
        group_row = '<tr class="groups">' + "".join(top) + "</tr>" if len(groups) > 1 else ""
        out.append('<div class="scroll"><table id="portfolio-table"><thead>' + group_row
                   + '<tr class="columns">' + "".join(head) + "</tr></thead><tbody>")
        for row in self.rows:
            missing = " ".join(fid for fid, _ in fams if fid in row.cells and row.cells[fid].status == "missing")
            cells = [f'<td data-sort="{e(row.name.lower())}"><a href="#{row.anchor}">{e(row.name)}</a>'
                     + (f' <span class="error small">unreadable ({e(row.error.split(":")[0])})</span>' if row.error else "")
                     + (f' <span class="small">({row.documents} documents)</span>' if row.documents else "")
                     + "</td>"]
            for s in ("high", "medium"):
                v = -1 if row.error else row.counts[s]
                cells.append(f'<td data-sort="{v}">{"" if row.error else v}</td>')
            for fid, _ in fams:
                fr = row.cells.get(fid)
                status = "error" if row.error else "na" if fr is None else fr.status
                if status == "error":
                    label, shown, sev = "not read", "not read", ""
                elif fr is None:
                    label, shown, sev = "not on this document's checklist", "", ""
                else:
                    label = fr.label
                    sev = f" s-{fr.severity}" if fr.severity and status in ("missing", "risk") else ""
                    shown = row.short.get(fid) or ("missing" if status == "missing" else "")
                group = e(self.groups.get(fid, ""))
                cells.append(f'<td class="cell c-{status}{sev}" data-group="{group}" data-sort="{_STATUS_RANK[status]}" '
                             f'title="{e(label)}">{_STATUS_MARK[status]}'
                             + (f'<span class="small"> {e(shown)}</span>' if shown else "") + "</td>")
            out.append(f'<tr data-order="{row.order}" data-missing="{e(missing)}">' + "".join(cells) + "</tr>")
        out.append("</tbody></table></div></section>\n")
        return "\n".join(out)

    def _families_by_group(self) -> list[tuple[str, str]]:
        """Required families, grouped by the checklist they come from, in first-seen order."""
        order = list(dict.fromkeys(self.groups.get(fid, "") for fid in self.families))
        return sorted(self.families.items(), key=lambda kv: order.index(self.groups.get(kv[0], "")))

    def _chart(self, fams: list[tuple[str, str]]) -> str:
        read = [r for r in self.rows if not r.error]
        if not fams or not read:
            return ""
        levels = [s for s in SEVERITIES if s != "info"] + ["info"]
        counts = []
        for fid, name in fams:
            by_level = {s: 0 for s in levels}
            for r in read:
                fr = r.cells.get(fid)
                if fr is not None and fr.status == "missing":
                    by_level[str(fr.severity or "info")] += 1
            counts.append((name, by_level))
        label_w, bar_w, h = 230, 560, 24
        height = h * len(counts) + 8
        legend = " ".join(f'<span class="key s-{s}">■ {s}</span>' for s in levels[:3])
        parts = [f'<figure><figcaption><b>Contracts lacking each clause</b> '
                 f'<span class="small">(of {len(read)} read; colour: the severity of the gap)</span> {legend}'
                 '</figcaption>'
                 f'<svg class="chart" role="img" aria-label="Contracts lacking each clause, by severity" '
                 f'viewBox="0 0 {label_w + bar_w + 110} {height}" width="100%" preserveAspectRatio="xMinYMin meet">']
        for i, (name, by_level) in enumerate(counts):
            y = 4 + i * h
            total = sum(by_level.values())
            parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{e(name)}</text>'
                         f'<rect class="track" x="{label_w}" y="{y + 3}" width="{bar_w}" height="{h - 8}"/>')
            x = float(label_w)
            for level, k in by_level.items():
                if not k:
                    continue
                w = round(bar_w * k / len(read), 1)
                parts.append(f'<rect class="bar b-{level}" x="{round(x, 1)}" y="{y + 3}" width="{w}" height="{h - 8}">'
                             f"<title>{k} {level}</title></rect>")
                x += w
            parts.append(f'<text x="{round(x, 1) + 6}" y="{y + 16}">{total} ({round(100 * total / len(read))}%)</text>')
        parts.append("</svg></figure>")
        return "".join(parts)


def _group_title(group: str) -> str:
    """'core', 'healthcare', 'baa' as a column group's heading."""
    words = group.replace("_", " ").strip()
    return words.upper() if len(words) <= 3 else words.capitalize()


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


def _generated_at() -> str:
    """Now; or SOURCE_DATE_EPOCH, the reproducible-builds convention, so that two runs over
    the same contracts can give the same file (to compare, or to archive)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return datetime.now().strftime("%Y-%m-%d %H:%M")
