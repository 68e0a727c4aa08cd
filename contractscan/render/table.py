"""A readable report for a terminal or a text file.

Everything from outside (file names, messages naming files, sections, values, quotes) goes
through ``one_line``: no control character, line break or undecodable byte reaches the
terminal, so a file name cannot forge report lines or colours.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import TextIO

from ..escapes import one_line
from ..results import ScanResult
from ..severity import Severity
from .context import ReportContext
from .summary import PortfolioSummary

_MARK = {Severity.HIGH: "HIGH", Severity.MEDIUM: "MED ", Severity.LOW: "LOW ", Severity.INFO: "INFO"}


def _where(page: int | None, section: str | None) -> str:
    parts = []
    if page is not None:
        parts.append(f"p.{page}")
    if section:
        parts.append(f"§ {one_line(section)}")
    return ", ".join(parts) or "-"


def render_one(r: ScanResult, out: TextIO) -> None:
    out.write(f"== {one_line(r.source)}\n")
    if r.error:
        out.write(f"   ERROR [{one_line(r.error.type)}] {one_line(r.error.message)}\n\n")
        return
    meta = [f"profile: {one_line(str(r.profile))}"]
    if r.pages is not None:
        meta.append(f"pages: {r.pages}")
    out.write("   " + "   ".join(meta) + "\n")
    for w in r.warnings:
        out.write(f"   WARNING [{one_line(w.type)}] {one_line(w.message)}\n")
    first: dict[str, object] = {}
    for c in r.clauses:
        first.setdefault(c.id, c)
    if first:
        out.write("\n   Clauses found\n")
        width = max(len(k) for k in first)
        for cid in sorted(first):
            c = first[cid]
            n = sum(1 for x in r.clauses if x.id == cid)
            more = f" (+{n - 1} more)" if n > 1 else ""
            value = f"  [{one_line(c.value)}]" if c.value else ""  # type: ignore[attr-defined]
            out.write(f"   {cid:<{width}}  {_where(c.page, c.section)}{more}{value}\n")  # type: ignore[attr-defined]
            quote = textwrap.shorten(c.text, 110, placeholder=" …")  # type: ignore[attr-defined]
            out.write(f"   {'':<{width}}  \"{one_line(quote)}\"\n")
    if r.findings:
        out.write("\n   Findings\n")
        for f in r.findings:
            flag = " (uncertain)" if f.uncertain else ""
            out.write(f"   {_MARK[f.severity]} {f.kind:<7} {f.rule}: {one_line(f.message)}{flag}\n")
            if f.recommendation:
                for line in textwrap.wrap(f.recommendation, 96):
                    out.write(f"        -> {line}\n")
    else:
        out.write("\n   No findings: every clause the profile requires was found.\n")
    out.write("\n")


def render_table(results: Iterable[ScanResult], out: TextIO, context: ReportContext) -> None:
    """Each document as it arrives; for several, the portfolio summary at the end."""
    n = errors = missing = 0
    summary = PortfolioSummary(context)
    for r in results:
        render_one(r, out)
        out.flush()
        summary.add(r)
        n += 1
        errors += r.error is not None
        missing += sum(1 for f in r.findings if f.kind == "missing")
    if n > 1:
        out.write(f"{n} documents scanned, {errors} could not be read, {missing} missing-clause findings.\n\n")
        summary.write(out)
