"""Put the review where lawyers work: Word comments on a copy of the contract.

For a DOCX input, ``annotate`` writes a copy with one comment on each passage where a
clause was found (its id, value and any risk) and one comment on the first paragraph
listing the missing clauses with their recommendations. The contract's own text and
runs are not touched: only comment range markers and reference runs are added.

For a PDF or text input there is no Word file to comment, so it writes a new DOCX that
summarises the review (findings, scorecard, clauses with their quotes) instead.

How offsets map back to paragraphs: ``ClauseMatch.start/end`` are offsets into
``Document.text``, which the DOCX loader builds by joining the texts of body paragraphs
and table-cell paragraphs with newlines, in body order. Rather than re-derive that
arithmetic (which breaks as soon as the loader adds numbering prefixes, accepted tracked
changes or normalises characters), each paragraph of the original is *found* in the
document text by its own text, in order, from a moving cursor. The paragraphs found tile
the text, so every offset maps to the paragraph it lies in. A paragraph that cannot be
found (its text differs in the loader's reading) is simply not an anchor; its clauses go
to the nearest paragraph found before it.
"""

from __future__ import annotations

import bisect
import io
import itertools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..loaders.cleanup import normalise_text
from ..results import ClauseMatch, Finding, ScanResult
from .context import ReportContext
from .review import display_name, finding_title, scorecard, verdict, where

AUTHOR = "contractscan"
INITIALS = "CS"
PROBE_CHARS = 80
SEARCH_SLACK = 2000


@dataclass
class Anchor:
    """A paragraph of the original DOCX and where its text starts in ``Document.text``."""

    paragraph: object  # docx.text.paragraph.Paragraph
    start: int
    end: int = 0  # start of the next anchor: anchors tile the text


@dataclass
class AnnotationSummary:
    """What was written, for the CLI to report and the tests to check."""

    path: Path
    kind: str  # "comments" or "summary"
    comments: int = 0
    anchored_clauses: int = 0


def _paragraphs(document) -> Iterator[object]:
    """Body paragraphs and table-cell paragraphs, in the order the DOCX loader reads them."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block
        elif isinstance(block, Table):
            for row in block.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    yield from cell.paragraphs


def locate_paragraphs(document, text: str) -> list[Anchor]:
    """Find each non-empty paragraph of ``document`` in ``text``, in order."""
    anchors: list[Anchor] = []
    cursor = 0
    pending = 0  # characters of paragraphs not found since the last one that was
    for p in _paragraphs(document):
        key = " ".join(normalise_text(p.text).split())  # type: ignore[attr-defined]
        if not key:
            continue
        probe = key[:PROBE_CHARS]
        limit = cursor + pending + len(key) + SEARCH_SLACK
        at = _find_loose(text, probe, cursor, limit)
        if at < 0 and len(key) > PROBE_CHARS:
            # the start reads differently (say a tracked insertion): try the paragraph's end
            tail = key[-PROBE_CHARS:]
            end = _find_loose(text, tail, cursor, limit)
            at = -1 if end < 0 else max(cursor, end - (len(key) - len(tail)))
        if at < 0:
            pending += len(key) + 1
            continue
        anchors.append(Anchor(p, at))
        cursor, pending = at + len(probe), 0
    for a, b in zip(anchors, anchors[1:]):
        a.end = b.start
    if anchors:
        anchors[-1].end = len(text)
    return anchors


def _find_loose(text: str, probe: str, start: int, limit: int) -> int:
    """``text.find(probe)`` where any run of whitespace in the text matches one space."""
    at = text.find(probe, start, limit + len(probe))
    if at >= 0:
        return at
    pattern = r"\s+".join(re.escape(w) for w in probe.split(" "))
    m = re.compile(pattern).search(text, start, min(len(text), limit + 2 * len(probe)))
    return m.start() if m else -1


def _anchors_for(anchors: list[Anchor], starts: list[int], start: int, end: int) -> list[Anchor]:
    """The anchors a clause's range covers; ``starts`` is their start offsets (built once:
    per clause it made annotating quadratic)."""
    first = max(0, bisect.bisect_right(starts, start) - 1)
    last = max(first, bisect.bisect_left(starts, end) - 1)
    chosen = anchors[first:last + 1]
    # A comment range stays inside one container (the body or one table cell): keep the
    # paragraphs that share the container of the last one, where the clause's words end.
    home = chosen[-1].paragraph._p.getparent()  # type: ignore[attr-defined]
    return [a for a in chosen if a.paragraph._p.getparent() is home]  # type: ignore[attr-defined]


def _mark_range(first_p, last_p, comment_id: int) -> None:
    """Comment range over whole paragraphs: start after the paragraph properties of the
    first, end and reference run at the end of the last. Works whatever the runs are
    (plain, hyperlinks, tracked insertions) and leaves them untouched."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start = OxmlElement("w:commentRangeStart", attrs={qn("w:id"): str(comment_id)})
    ppr = first_p._p.pPr
    if ppr is not None:
        ppr.addnext(start)
    else:
        first_p._p.insert(0, start)
    last_p._p.append(OxmlElement("w:commentRangeEnd", attrs={qn("w:id"): str(comment_id)}))
    ref = OxmlElement("w:r")
    ref.get_or_add_rPr().style = "CommentReference"
    ref.append(OxmlElement("w:commentReference", attrs={qn("w:id"): str(comment_id)}))
    last_p._p.append(ref)


def _clause_line(context: ReportContext, c: ClauseMatch) -> str:
    name = context.clause_name(c.id)
    value = f" — value: {c.value}" + (f" ({c.days} days)" if c.days is not None and str(c.days) not in c.value else "") \
        if c.value else ""
    return f"{name} [{c.id}]{value}"


def _risk_lines(f: Finding) -> list[str]:
    lines = [f"RISK ({f.severity}) {f.rule}: {f.message}"]
    if f.recommendation:
        lines.append(f"Recommendation: {f.recommendation}")
    return lines


def _top_comment(result: ScanResult, unplaced_risks: list[Finding]) -> str:
    missing = [f for f in result.findings if f.kind == "missing"]
    risks = [f for f in result.findings if f.kind == "risk"]
    lines = [f"contractscan review (profile {result.profile}): {len(missing)} required clause(s) missing, "
             f"{len(risks)} risk(s), {len(result.clauses)} clause passage(s) marked with comments."]
    if missing:
        lines.append("Missing clauses:")
        for f in missing:
            lines.append(f"MISSING ({f.severity}) {f.rule}: {f.message}")
            if f.recommendation:
                lines.append(f"Recommendation: {f.recommendation}")
    else:
        lines.append("No required clause is missing.")
    for f in unplaced_risks:
        lines.extend(_risk_lines(f))
    if risks and len(unplaced_risks) < len(risks):
        lines.append("Risks are explained in the comments on the clauses concerned.")
    for w in result.warnings:
        lines.append(f"Warning [{w.type}]: {w.message}")
    return "\n".join(lines)


def annotate_docx(result: ScanResult, source: bytes | str | os.PathLike[str], out: str | os.PathLike[str],
                  context: ReportContext) -> AnnotationSummary:
    """Write a commented copy of the DOCX ``source`` that ``result`` was scanned from."""
    import docx

    if result.document is None:
        raise ValueError("the scan result does not carry its document text; scan it with Analyzer.scan()")
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    document = docx.Document(io.BytesIO(data))
    anchors = locate_paragraphs(document, result.document.text)
    if not anchors:
        raise ValueError("none of the document's paragraphs could be matched to the scanned text")
    summary = AnnotationSummary(Path(out), "comments")
    _count_comment_ids(document)
    starts = [a.start for a in anchors]

    groups: dict[tuple[int, int], list[str]] = {}
    placed: dict[tuple[str, int, int], tuple[int, int]] = {}
    order = {id(a): i for i, a in enumerate(anchors)}
    for c in result.clauses:
        chosen = _anchors_for(anchors, starts, c.start, c.end)
        key = (order[id(chosen[0])], order[id(chosen[-1])])
        line = _clause_line(context, c)
        lines = groups.setdefault(key, [])
        if line not in lines:
            lines.append(line)
        placed[(c.id, c.start, c.end)] = key
        summary.anchored_clauses += 1
    unplaced: list[Finding] = []
    for f in result.findings:
        if f.kind != "risk":
            continue
        keys = list(dict.fromkeys(placed[k] for k in ((e.id, e.start, e.end) for e in f.evidence) if k in placed))
        if not keys:
            unplaced.append(f)
        for key in keys:
            groups[key].extend(x for x in _risk_lines(f) if x not in groups[key])

    top = document.comments.add_comment(_top_comment(result, unplaced), author=AUTHOR, initials=INITIALS)
    _mark_range(anchors[0].paragraph, anchors[0].paragraph, top.comment_id)
    summary.comments = 1
    for (i, j), lines in sorted(groups.items()):
        comment = document.comments.add_comment("contractscan: " + "\n".join(lines), author=AUTHOR, initials=INITIALS)
        _mark_range(anchors[i].paragraph, anchors[j].paragraph, comment.comment_id)
        summary.comments += 1
    document.save(str(out))
    return summary


def _count_comment_ids(document) -> None:
    """Number new comments from a counter. python-docx finds each new id by scanning every
    comment so far, which made a long contract's thousands of comments take minutes."""
    comments = document.comments
    element = getattr(comments, "_comments_elm", None)
    if element is None or not hasattr(element, "_next_available_comment_id"):
        return  # another python-docx: slower, still correct
    ids = itertools.count(max((c.comment_id for c in comments), default=-1) + 1)
    element._next_available_comment_id = lambda: next(ids)


def write_summary_docx(result: ScanResult, out: str | os.PathLike[str], context: ReportContext) -> AnnotationSummary:
    """A new DOCX with the review of a contract that is not itself a Word file."""
    import docx

    d = docx.Document()
    d.core_properties.title = f"Contract review: {display_name(result)}"
    d.core_properties.author = AUTHOR
    d.add_heading(f"Contract review: {display_name(result)}", level=0)
    meta = [f"Source: {result.source}", f"profile: {result.profile}"]
    if result.format:
        meta.append(f"format: {result.format}")
    if result.pages is not None:
        meta.append(f"pages: {result.pages}")
    verdict_p = d.add_paragraph()
    verdict_p.add_run("Verdict: ").bold = True
    verdict_p.add_run(verdict(result, context))
    d.add_paragraph(" · ".join(meta))
    for w in result.warnings:
        d.add_paragraph(f"Warning [{w.type}]: {w.message}")

    d.add_heading("Findings", level=1)
    if not result.findings:
        d.add_paragraph("No findings: every clause the profile requires was found.")
    for f in sorted(result.findings, key=lambda f: -f.severity.rank):
        p = d.add_paragraph(style="List Bullet")
        p.add_run(f"{f.severity.upper()} {finding_title(f, context)} ").bold = True
        p.add_run(f"({f.rule}): {f.message}")
        if f.uncertain:
            p.add_run(" (uncertain: part of the document was unreadable or read by OCR)").italic = True
        if f.recommendation:
            d.add_paragraph(f"Recommendation: {f.recommendation}", style="List Continue")
        places = [where(e) or f"chars {e.start}-{e.end}" for e in f.evidence]
        if places:
            d.add_paragraph("Where: " + "; ".join(places), style="List Continue")

    d.add_heading("Scorecard", level=1)
    card = scorecard(result, context)
    table = d.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, head in zip(table.rows[0].cells, ("Clause", "Required", "Status", "Where", "Value")):
        cell.text = head
        cell.paragraphs[0].runs[0].bold = True
    for row in card:
        places = list(dict.fromkeys(where(c) for c in row.clauses if where(c)))
        cells = table.add_row().cells
        cells[0].text = f"{row.name} ({row.id})"
        cells[1].text = row.required or "not required"
        cells[2].text = row.label
        cells[3].text = "; ".join(places[:4]) + (f" (+{len(places) - 4} more)" if len(places) > 4 else "") or "—"
        cells[4].text = "; ".join(row.values) or "—"

    if result.clauses:
        d.add_heading("Clauses found", level=1)
        for c in result.clauses:
            place = where(c)
            p = d.add_paragraph()
            p.add_run(_clause_line(context, c)).bold = True
            p.add_run(f" — {place + ', ' if place else ''}chars {c.start}-{c.end}")
            d.add_paragraph(c.text, style="Quote")
    d.save(str(out))
    return AnnotationSummary(Path(out), "summary", anchored_clauses=len(result.clauses))


def annotate(result: ScanResult, out: str | os.PathLike[str], context: ReportContext,
             source: bytes | str | os.PathLike[str] | None = None) -> AnnotationSummary:
    """Comments on a copy of a DOCX; a DOCX summary for anything else."""
    if result.error is not None:
        raise ValueError(f"{result.source} could not be read ({result.error.type}), so there is nothing to annotate")
    if result.format == "docx":
        return annotate_docx(result, source if source is not None else result.source, out, context)
    return write_summary_docx(result, out, context)
