"""CSV for spreadsheets: one row per document and clause, for a whole portfolio.

A cell that starts with = + - @ (or a tab or carriage return) would be taken by a
spreadsheet for a formula (``=HYPERLINK(...)`` in a file name or a section heading), so it
gets a leading single quote, as OWASP recommends against CSV injection. Undecodable bytes
in file names are shown as \\xNN.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from ..escapes import printable
from ..results import ClauseMatch, Finding, ScanResult, by_strength
from .context import ReportContext

COLUMNS = ["source", "clause", "present", "page", "section", "value", "finding", "severity", "message", "error"]


def _clause_of(finding: Finding, ids: set[str]) -> str:
    """The clause a finding is about: its evidence, else the longest id its rule starts with."""
    for ev in finding.evidence:
        if ev.id in ids:
            return ev.id
    owners = [i for i in ids if finding.rule == i or finding.rule.startswith(i + ".")]
    return max(owners, key=len) if owners else finding.rule


def rows(result: ScanResult) -> list[dict[str, str]]:
    """The CSV rows of one document: every clause found or required-but-missing."""
    if result.error is not None:
        return [{**dict.fromkeys(COLUMNS, ""), "source": result.source,
                 "error": f"{result.error.type}: {result.error.message}"}]
    ids = set(result.present) | {f.rule for f in result.findings if f.kind in ("missing", "possibly_present")}
    findings: dict[str, list[Finding]] = {}
    for f in result.findings:
        cid = _clause_of(f, ids)
        ids.add(cid)
        findings.setdefault(cid, []).append(f)
    out = []
    for cid in sorted(ids):
        matches: list[ClauseMatch] = by_strength([c for c in result.clauses if c.id == cid] or result.clauses_for(cid))
        first = matches[0] if matches else None
        mine = sorted(findings.get(cid, []), key=lambda f: -f.severity.rank)
        out.append({
            "source": result.source,
            "clause": cid,
            "present": "yes" if cid in result.present else "no",
            "page": "" if first is None or first.page is None else str(first.page),
            "section": (first.section or "") if first else "",
            "value": next((m.value for m in matches if m.value), "") or "",
            "finding": "; ".join(dict.fromkeys(f.kind for f in mine)),
            "severity": mine[0].severity if mine else "",
            "message": " | ".join(f.message for f in mine),
            "error": "",
        })
    return out


def render_csv(results: Iterable[ScanResult], out: TextIO, context: ReportContext) -> None:
    """Header, then each document's rows as its result arrives."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in results:
        writer.writerows({k: cell(v) for k, v in row.items()} for row in rows(r))
        out.flush()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """The value as a spreadsheet shows it literally: never a formula, always encodable."""
    value = printable(value)
    return "'" + value if value.startswith(_FORMULA_START) else value
