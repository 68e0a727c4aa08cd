"""A readable report for a terminal or a text file: the verdict first, then the findings by
severity with what to do about each, then the evidence (the clauses found, where, and the words).

Laid out with rich, so it reads at any width from 80 to 200 columns: long messages and quotes
wrap inside their column instead of back to column 0. Everything from outside (file names,
messages naming files, sections, values, quotes) goes through ``one_line``: no control
character, line break or undecodable byte reaches the terminal, so a file name cannot forge
report lines or colours.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..escapes import one_line
from ..results import ClauseMatch, ScanResult, by_strength
from ..severity import Severity
from .context import ReportContext
from .review import display_name, finding_title, role_value, verdict, where
from .summary import PortfolioSummary

_MARK = {Severity.HIGH: "HIGH", Severity.MEDIUM: "MED", Severity.LOW: "LOW", Severity.INFO: "INFO"}
_STYLE = {Severity.HIGH: "bold red", Severity.MEDIUM: "yellow", Severity.LOW: "cyan", Severity.INFO: "dim"}
QUOTE_CHARS = 300


def _console(out: TextIO, width: int | None) -> Console:
    tty = hasattr(out, "isatty") and out.isatty()
    if width is None:
        width = shutil.get_terminal_size((100, 24)).columns if tty else 100
    return Console(file=out, width=max(60, min(width, 200)), force_terminal=tty, no_color=not tty,
                   highlight=False, emoji=False, markup=False, soft_wrap=False)


def _quote(text: str) -> str:
    text = one_line(" ".join(text.split()))
    return f"\u201c{text[:QUOTE_CHARS].rstrip()}{' …' if len(text) > QUOTE_CHARS else ''}\u201d"


def render_one(r: ScanResult, console: Console, context: ReportContext) -> None:
    console.rule(Text(one_line(display_name(r)), style="bold"), align="left", characters="─")
    if r.error:
        console.print(Text(f"Not read ({r.error.type}): {one_line(r.error.message)}", style="bold red"))
        console.print()
        return
    meta = []
    if r.document_type is not None:
        meta.append(r.document_type.name or r.document_type.type)
    if r.documents:
        meta.append(f"contract set of {len(r.documents)} documents")
    meta.append(f"checklist: {one_line(str(r.profile))}")
    if r.pages is not None:
        meta.append(f"{r.pages} page{'s' if r.pages != 1 else ''}")
    console.print(Text(" · ".join(meta), style="dim"))
    worst = max((f.severity for f in r.findings), key=lambda s: s.rank, default=None)
    console.print(Text("Verdict: ", style="bold") + Text(verdict(r, context),
                                                          style=_STYLE.get(worst, "bold green") if worst else "bold green"))
    for w in r.warnings:
        console.print(Text(f"Warning ({w.type}): {one_line(w.message)}", style="yellow"))
    if r.documents:
        docs = Table(box=None, show_header=False, pad_edge=False, expand=False, padding=(0, 1))
        docs.add_column(no_wrap=True)
        docs.add_column(overflow="fold")
        for d in r.documents:
            docs.add_row(Text("  document", style="dim"),
                         Text(f"{one_line(d.source)}  ({d.document_type or d.error.type if d.error else d.document_type})"))
        console.print(docs)

    if r.findings:
        console.print()
        console.print(Text("Findings", style="bold underline"))
        table = Table(box=None, show_header=False, pad_edge=False, expand=True, padding=(0, 1))
        table.add_column(width=4, no_wrap=True)
        table.add_column(ratio=1, overflow="fold")
        for f in sorted(r.findings, key=lambda f: -f.severity.rank):
            body = Text(finding_title(f, context), style="bold")
            body.append(f"  ({f.rule})", style="dim")
            body.append("\n" + one_line(f.message) + (" (uncertain: part of the document was unreadable or read by OCR)"
                                            if f.uncertain else ""))
            if f.recommendation:
                body.append("\n→ " + " ".join(f.recommendation.split()), style="italic")
            places = list(dict.fromkeys(
                filter(None, ((ev.document.rsplit('/', 1)[-1] + ": " if ev.document else "") + where(ev)
                              for ev in f.evidence))))
            if places:
                body.append("\nwhere: " + one_line("; ".join(places[:4])), style="dim")
            table.add_row(Text(_MARK[f.severity], style=_STYLE[f.severity]), body)
        console.print(table)
    else:
        console.print(Text("No findings: every clause the checklist requires was found.", style="green"))

    first: dict[str, ClauseMatch] = {}
    count: dict[str, int] = {}
    for c in by_strength(r.clauses):  # the strongest passage of each clause is the one quoted
        first.setdefault(c.id, c)
        count[c.id] = count.get(c.id, 0) + 1
    if first:
        console.print()
        console.print(Text("Evidence: clauses found", style="bold underline"))
        table = Table(box=None, show_header=False, pad_edge=False, expand=True, padding=(0, 1))
        table.add_column(ratio=1, min_width=16, max_width=30)
        table.add_column(ratio=3)
        for cid in sorted(first, key=lambda i: context.clause_name(i).lower()):
            c = first[cid]
            name = Text(context.clause_name(cid), style="bold")
            detail = Text(cid, style="dim") + Text(" · " + one_line(where(c) or "no page or section"))
            if count[cid] > 1:
                detail.append(f" (+{count[cid] - 1} more)", style="dim")
            value = role_value(c, context)
            if value:
                detail.append(f"  [{one_line(value)}]", style="cyan")
            detail.append("\n" + _quote(c.text), style="dim")
            table.add_row(name, detail)
        console.print(table)
    console.print()


def render_table(results: Iterable[ScanResult], out: TextIO, context: ReportContext,
                 width: int | None = None) -> None:
    """Each document as it arrives; for several, the portfolio summary at the end."""
    console = _console(out, width)
    n = errors = missing = 0
    summary = PortfolioSummary(context)
    for r in results:
        with console.capture() as captured:
            render_one(r, console, context)
        out.write("\n".join(line.rstrip() for line in captured.get().split("\n")))
        out.flush()
        summary.add(r)
        n += 1
        errors += r.error is not None
        missing += sum(1 for f in r.findings if f.kind == "missing")
    if n > 1:
        out.write(f"{n} documents scanned, {errors} could not be read, {missing} missing-clause findings.\n\n")
        summary.write(out)
