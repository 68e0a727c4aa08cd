"""The portfolio of an HTML report of many contracts: a chart of the contracts lacking each
clause, and a sortable, filterable table of contracts x required clause families."""

from __future__ import annotations

from dataclasses import dataclass, field

from .html_page import e
from .review import FamilyRow

SEVERITIES = ("high", "medium", "low", "info")
_STATUS_RANK = {"error": -1, "missing": 0, "risk": 1, "present": 2, "found": 2, "na": 3}
_STATUS_MARK = {"missing": "✗", "risk": "!", "present": "✓", "found": "✓", "error": "–", "na": "n/a"}


@dataclass
class PortfolioRow:
    """One contract's line in the portfolio table."""

    order: int
    anchor: str
    name: str
    error: str | None
    counts: dict[str, int]
    cells: dict[str, FamilyRow] = field(default_factory=dict)
    short: dict[str, str] = field(default_factory=dict)  # family -> what a risk cell says
    documents: int = 0  # of a contract set


def portfolio(rows: list[PortfolioRow], families: dict[str, str], group_of: dict[str, str],
              excerpt_only: int) -> str:
    """The portfolio section: the chart, then contracts x required clause families.
    ``families``: id -> readable name; ``group_of``: id -> the checklist that requires it."""
    n = len(rows)
    unreadable = sum(1 for r in rows if r.error)
    with_high = sum(1 for r in rows if r.counts["high"])
    fams = _families_by_group(families, group_of)
    groups = list(dict.fromkeys(group_of.get(fid, "") for fid, _ in fams))
    out = ['<section id="portfolio"><h2>Portfolio</h2>',
           f'<p>{n} contracts · {unreadable} could not be read · {with_high} with high-severity findings'
           + (f" · {excerpt_only} shown as clause excerpts (size budget)" if excerpt_only else "")
           + "</p>"]
    out.append(_chart(rows, fams))
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
        g = group_of.get(fid, "")
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
        f'<th data-type="number" title="{e(fid)}" data-group="{e(group_of.get(fid, ""))}">'
        f'<button class="sort" type="button">{e(name)}</button></th>'
        for fid, name in fams]
    group_row = '<tr class="groups">' + "".join(top) + "</tr>" if len(groups) > 1 else ""
    out.append('<div class="scroll"><table id="portfolio-table"><thead>' + group_row
               + '<tr class="columns">' + "".join(head) + "</tr></thead><tbody>")
    for row in rows:
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
            group = e(group_of.get(fid, ""))
            cells.append(f'<td class="cell c-{status}{sev}" data-group="{group}" data-sort="{_STATUS_RANK[status]}" '
                         f'title="{e(label)}">{_STATUS_MARK[status]}'
                         + (f'<span class="small"> {e(shown)}</span>' if shown else "") + "</td>")
        out.append(f'<tr data-order="{row.order}" data-missing="{e(missing)}">' + "".join(cells) + "</tr>")
    out.append("</tbody></table></div></section>\n")
    return "\n".join(out)


def _families_by_group(families: dict[str, str], group_of: dict[str, str]) -> list[tuple[str, str]]:
    """Required families, grouped by the checklist they come from, in first-seen order."""
    order = list(dict.fromkeys(group_of.get(fid, "") for fid in families))
    return sorted(families.items(), key=lambda kv: order.index(group_of.get(kv[0], "")))


def _chart(rows: list[PortfolioRow], fams: list[tuple[str, str]]) -> str:
    read = [r for r in rows if not r.error]
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
