"""Markdown for tickets and emails: findings first, then the scorecard and where clauses are.

Contract text and file names are escaped so that a ticket system rendering the Markdown
shows them as text (no HTML, no links, no emphasis smuggled in by the contract), and a
file name cannot end its line or its code span (control characters and line breaks are
shown escaped, undecodable bytes as \\xNN).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from typing import TextIO

from .. import __version__
from ..escapes import one_line
from ..results import ScanResult
from .context import ReportContext
from .review import FamilyRow, display_name, finding_title, scorecard, set_members, severity_counts, verdict, where

QUOTE_CHARS = 240
_SPECIAL = re.compile(r"([\\`*_\[\]<|~])")  # ">" and "#" only matter at a line start
_MARK = {"missing": "✗", "risk": "!", "present": "✓", "found": "✓"}


def md(text: str) -> str:
    """One line of literal text: whitespace collapsed, Markdown and HTML syntax escaped."""
    return _SPECIAL.sub(r"\\\1", one_line(" ".join(str(text).split())))


def code(text: str) -> str:
    """A code span that stays one: no backtick or line break inside can end it."""
    return "`" + one_line(str(text)).replace("`", "'") + "`"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out.extend("| " + " | ".join(cells) + " |" for cells in rows)
    return out


def _contract(r: ScanResult, level: int, context: ReportContext) -> list[str]:
    h = "#" * level
    out = [f"{h} {md(display_name(r))}", ""]
    if r.error is not None:
        return out + [f"{code(r.source)}: **could not be read** ({md(r.error.type)}): {md(r.error.message)}", ""]
    meta = [code(r.source)]
    if r.format:
        meta.append(f"format: {r.format}")
    if r.pages is not None:
        meta.append(f"pages: {r.pages}")
    meta.append(f"profile: {md(r.profile or '-')}")
    counts = severity_counts(r)
    meta.append("findings: " + (", ".join(f"{v} {k}" for k, v in counts.items() if v) or "none"))
    out += [f"**Verdict:** {md(verdict(r, context))}", "", " · ".join(meta), ""]
    if r.documents:
        out += ["Documents in this set: " + "; ".join(md(m) for m in set_members(r)), ""]
    for w in r.warnings:
        pages = f" (pages {', '.join(map(str, w.pages))})" if w.pages else ""
        out.append(f"> **Warning** [{md(w.type)}]: {md(w.message)}{pages}")
    if r.warnings:
        out.append("")

    out += [f"{h}# Findings", ""]
    if not r.findings:
        out += ["No findings: every clause the profile requires was found.", ""]
    for f in sorted(r.findings, key=lambda f: -f.severity.rank):
        flag = " *(uncertain: part of the document was unreadable or read by OCR)*" if f.uncertain else ""
        out.append(f"- **{f.severity.upper()}** {md(finding_title(f, context))} ({code(f.rule)}): {md(f.message)}{flag}")
        if f.recommendation:
            out.append(f"  - Recommendation: {md(f.recommendation)}")
        places = [where(e) or f"chars {e.start}-{e.end}" for e in f.evidence]
        if places:
            out.append(f"  - Where: {md('; '.join(places))}")
    if r.findings:
        out.append("")

    card = scorecard(r, context)
    out += [f"{h}# Scorecard", ""]
    out += _table(["Clause", "Required", "Status", "Where", "Value"], [_score_cells(row) for row in card])
    out.append("")
    if r.clauses:
        out += [f"{h}# Clauses found", ""]
        for c in r.clauses:
            place = where(c)
            value = f" [{md(c.value)}]" if c.value else ""
            quote = textwrap.shorten(c.text, QUOTE_CHARS, placeholder=" …")
            out.append(f"- {code(c.id)}{(' ' + md(place)) if place else ''} (chars {c.start}-{c.end}){value}: "
                       f"“{md(quote)}”")
        out.append("")
    return out


def _score_cells(row: FamilyRow) -> list[str]:
    places = [where(c) for c in row.clauses if where(c)]
    places = list(dict.fromkeys(places))
    shown = "; ".join(places[:4]) + (f" (+{len(places) - 4} more)" if len(places) > 4 else "")
    if not shown and row.clauses:
        shown = f"{len(row.clauses)} passage(s)"
    return [f"{md(row.name)} {code(row.id)}", row.required or "not required",
            f"{_MARK[row.status]} {row.label}", md(shown) or "—", md("; ".join(row.values)) or "—"]


def render_markdown(results: Iterable[ScanResult], out: TextIO, context: ReportContext) -> None:
    items = list(results)
    if not items:
        out.write("# Contract review\n\nNo contract files were found.\n")
        return
    if len(items) == 1:
        out.write("\n".join(_contract(items[0], 1, context)))
        out.write(f"\n*contractscan {__version__}: offline, rule-based; a reviewer confirms every finding.*\n")
        return
    cards = [(r, {row.id: row for row in scorecard(r, context) if row.required}) for r in items]
    families: dict[str, str] = {}
    for _, card in cards:
        for fid, row in card.items():
            families.setdefault(fid, row.name)
    read = [c for r, c in cards if r.error is None]
    lines = [f"# Contract review: {len(items)} contracts", "",
             f"{len(items)} contracts · {len(items) - len(read)} could not be read · "
             f"{sum(1 for r, _ in cards if severity_counts(r)['high'])} with high-severity findings", ""]
    if read:
        lines += ["## Contracts lacking each clause", ""]
        lines += _table(["Clause", "Contracts lacking it"], [
            [f"{md(name)} {code(fid)}",
             f"{sum(1 for c in read if c.get(fid) and c[fid].status == 'missing')} of {len(read)}"]
            for fid, name in families.items()])
        lines.append("")
    lines += ["## Portfolio", "", "✓ present · ✗ missing · ! present with a risk · – not read", ""]
    rows = []
    for r, card in cards:
        counts = severity_counts(r)
        cells = [md(display_name(r)), "–" if r.error else str(counts["high"]), "–" if r.error else str(counts["medium"])]
        cells += ["–" if r.error or fid not in card else _MARK[card[fid].status] for fid in families]
        rows.append(cells)
    lines += _table(["Contract", "High", "Medium", *(md(n) for n in families.values())], rows)
    lines.append("")
    for r, _ in cards:
        lines += _contract(r, 2, context)
    lines.append(f"*contractscan {__version__}: offline, rule-based; a reviewer confirms every finding.*")
    out.write("\n".join(lines) + "\n")
