"""An Excel workbook a compliance team can filter and sign off: a portfolio sheet (one row per
contract or set, one column per required clause, coloured by severity), a findings sheet and a
values sheet (governing law, caps, notice and cure periods, breach deadline, renewal).

Text from contracts goes into cells, so anything that starts like a formula (= + - @, or a tab
or carriage return before one) is written with a leading apostrophe: no cell is ever a live
formula, whatever the contract says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from ..results import ClauseMatch, Finding, ScanResult
from ..severity import Severity
from .context import ReportContext

FILLS = {"high": "F4B6B6", "medium": "FBD89B", "low": "FFF2CC", "info": "DDEBF7", "found": "C6EFCE"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Values by their role: column title, clause id, and whether the number of days is what counts.
VALUE_COLUMNS: list[tuple[str, str, bool]] = [
    ("Governing law", "governing_law", False),
    ("Liability cap", "liability.cap", False),
    ("Termination notice", "termination", False),
    ("Termination for convenience (days)", "termination.for_convenience", True),
    ("Cure period (days)", "termination.for_cause", True),
    ("Breach notice deadline (days)", "data_breach_notification", True),
    ("Renewal", "renewal", False),
    ("Notice to stop renewal (days)", "renewal.notice", True),
    ("Confidentiality survives", "confidentiality", False),
]


def safe(value: Any) -> Any:
    """A cell value that cannot run as a formula."""
    if isinstance(value, str):
        value = str(value)  # a Severity is a str: write the plain word
        value = "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 32)  # no control chars
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


def _required(r: ScanResult, context: ReportContext | None) -> dict[str, Severity]:
    """The clauses this result was checked for; without a profile, the gaps it reports."""
    profile = context.profile_for(r) if context is not None else None
    req: dict[str, Severity] = dict(profile.require) if profile is not None else {}
    for f in r.findings:
        if f.kind == "missing":
            req.setdefault(f.rule, f.severity)
    return req


def _names(rules: Mapping[str, Any] | None) -> dict[str, str]:
    """The clause names the context's rules give: a renderer never loads rules itself, so a
    workbook written without them names clauses by their ids."""
    return {cid: getattr(rule, "name", cid) for cid, rule in (rules or {}).items()}


def _clause_name(cid: str, names: dict[str, str]) -> str:
    if cid in names:
        return names[cid]
    base = next((cid[: -len(s)] for s in (".conflict",) if cid.endswith(s)), None)
    if base and base in names:
        return f"{names[base]}: conflict between documents"
    parent = ".".join(cid.split(".")[:-1])
    return f"{names[parent]}: {cid.split('.')[-1].replace('_', ' ')}" if parent in names else cid


def _verdict(r: ScanResult) -> str:
    if r.error is not None:
        return f"not read: {r.error.type}"
    counts = {s.value: sum(1 for f in r.findings if f.severity == s) for s in Severity.by_rank()}
    parts = [f"{n} {s}" for s, n in counts.items() if n]
    return ", ".join(parts) or "no findings"


def _quote(r: ScanResult, f: Finding) -> tuple[str, str, str, str]:
    """Document, page, section and quote of a finding's first evidence."""
    if not f.evidence:
        return "", "", "", ""
    ev = f.evidence[0]
    match: ClauseMatch | None = next(
        (c for c in r.clauses if c.id == ev.id and c.start == ev.start and c.end == ev.end
         and c.document == ev.document), None)
    return (ev.document or "", "" if ev.page is None else str(ev.page), ev.section or "",
            match.text if match else "")


def write_xlsx(results: Iterable[ScanResult], out: str | Path | IO[bytes],
               context: ReportContext | None = None) -> None:
    """Write the workbook to a path or a binary stream; ``context`` gives the checklist and the
    clause names (without it: the gaps the results report, named by their clause ids)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    results = list(results)
    names = _names(context.rules if context is not None else None)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    fill = {k: PatternFill("solid", start_color=v, end_color=v) for k, v in FILLS.items()}

    required: dict[str, str] = {}
    per_result = [_required(r, context) for r in results]
    for req in per_result:
        for cid, sev in req.items():
            if cid not in required or sev.rank > required[cid].rank:
                required[cid] = sev
    columns = sorted(required, key=lambda c: (-required[c].rank, names.get(c, c)))

    wb = Workbook()
    ws = wb.active
    ws.title = "Portfolio"
    head = ["Contract", "Kind", "Profile", "Verdict"] + [f"{_clause_name(c, names)} ({c})" for c in columns]
    ws.append([safe(h) for h in head])
    for r, req in zip(results, per_result):
        kind = r.document_type.name if r.document_type else ("Contract set" if r.documents else "")
        row: list[Any] = [r.source, kind, r.profile or "", _verdict(r)]
        colours: list[str | None] = [None, None, None, None]
        for cid in columns:
            if r.error is not None:
                row.append("")
                colours.append(None)
                continue
            gaps = [f for f in r.findings if f.kind == "missing" and f.rule == cid]
            risks = [f for f in r.findings if f.kind != "missing"
                     and (f.rule.startswith(cid + ".") or any(e.id == cid or e.id.startswith(cid + ".")
                                                              for e in f.evidence))]
            if gaps:
                row.append("missing")
                colours.append(gaps[0].severity.value)
            elif risks:
                worst = max(risks, key=lambda f: f.severity.rank)
                row.append(f"{worst.kind}: {_clause_name(worst.rule, names)}")
                colours.append(worst.severity.value)
            elif cid in r.present:
                row.append("found")
                colours.append("found")
            else:
                row.append("not required" if cid not in req else "")
                colours.append(None)
        ws.append([safe(v) for v in row])
        for i, colour in enumerate(colours, 1):
            if colour:
                ws.cell(row=ws.max_row, column=i).fill = fill[colour]
    _finish(ws, [40, 26, 24, 22] + [16] * len(columns), bold, get_column_letter)
    for cell in ws[1]:
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    ws.row_dimensions[1].height = 60

    fs = wb.create_sheet("Findings")
    fs.append(["Contract", "Document", "Clause", "Clause id", "Kind", "Severity", "Message",
               "Recommendation", "Page", "Section", "Quote"])
    for r in results:
        ordered = sorted(r.findings, key=lambda f: -f.severity.rank)
        if r.error is not None:
            fs.append([safe(r.source), "", "", "", "error", "", safe(f"{r.error.type}: {r.error.message}"),
                       "", "", "", ""])
        for f in ordered:
            doc, page, section, quote = _quote(r, f)
            fs.append([safe(v) for v in (r.source, doc, _clause_name(f.rule, names), f.rule, f.kind, f.severity,
                                         f.message, f.recommendation, page, section, quote)])
            fs.cell(row=fs.max_row, column=6).fill = fill[f.severity.value]
    _finish(fs, [36, 30, 28, 26, 10, 10, 60, 60, 6, 30, 80], bold, get_column_letter)
    for row_cells in fs.iter_rows(min_row=2):
        for c in row_cells:
            c.alignment = wrap

    vs = wb.create_sheet("Values")
    vs.append(["Contract"] + [title for title, _, _ in VALUE_COLUMNS])
    for r in results:
        row = [r.source]
        for _, cid, days in VALUE_COLUMNS:
            mine = [c for c in r.clauses if c.id == cid]
            if days:
                vals = sorted({c.days for c in mine if c.days is not None})
                row.append(", ".join(str(v) for v in vals))
            elif cid == "renewal":
                row.append("yes" if cid in r.present else ("" if r.error else "no"))
            else:
                row.append("; ".join(dict.fromkeys(c.value for c in mine if c.value)))
        vs.append([safe(v) for v in row])
    _finish(vs, [40] + [22] * len(VALUE_COLUMNS), bold, get_column_letter)

    wb.save(out)


def _finish(ws, widths: list[int], bold, letter) -> None:
    """Bold frozen header, a filter on every column, readable widths."""
    for cell in ws[1]:
        cell.font = bold
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = ws.dimensions
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[letter(i)].width = w
