"""Contract text for reading on screen: a PDF's line breaks joined back into paragraphs.

A PDF breaks every line where the page layout did; shown as is, a clause reads as a column of
fragments. The text keeps its length (a joined break becomes a space, or a zero-width space after
a hyphen), so the character offsets of clauses, pages and noise still point at the same places.
"""

from __future__ import annotations

import re
from statistics import median

# A line that starts a new paragraph: a section or list number, a bullet, an ARTICLE/Section heading.
_STARTS_PARAGRAPH = re.compile(
    r"^\s*(?:\(?\d{1,3}(?:\.\d{1,3})*[.)]|\d{1,3}(?:\.\d{1,3})+\s|\([a-zA-Z]{1,4}\)|[a-zA-Z][.)]\s|[ivxIVX]{1,5}[.)]\s"
    r"|[•●▪◦\-–—*]\s|(?:ARTICLE|Article|SECTION|Section|SCHEDULE|Schedule|EXHIBIT|Exhibit|ANNEX|Annex)\b"
    r"|[A-Z][A-Z0-9 ,;:&'’()/-]{3,}$)"
)
_ZERO_WIDTH_SPACE = "\u200b"


def reflow(text: str) -> str:
    """``text`` with the line breaks inside paragraphs replaced, same length.

    A break is kept at a blank line, before a line that starts a numbered or lettered item or a
    heading, and after a line much shorter than the page's lines (the last line of a paragraph,
    or a heading on its own)."""
    lines = text.split("\n")
    widths = [len(line.strip()) for line in lines if line.strip()]
    if len(widths) < 3:
        return text
    full = median(widths)
    out = list(text)
    pos = 0
    for line, nxt in zip(lines, lines[1:]):
        pos += len(line)  # pos is the index of the "\n" after line
        here, after = line.strip(), nxt.strip()
        keep = (not here or not after or len(here) < 0.75 * full or _STARTS_PARAGRAPH.match(nxt) is not None)
        if not keep:
            hyphen = here.endswith("-") and len(here) > 1 and here[-2].isalpha() and after[:1].islower()
            out[pos] = _ZERO_WIDTH_SPACE if hyphen else " "
        pos += 1
    return "".join(out)


def short_place(place: str) -> str:
    """'p.3, § 8.2 Obligations (b)' for 'p.3, § 8. Confidentiality > 8.2 Obligations > (b)': the
    innermost heading says where; the full path stays in the link's title."""
    head, sep, section = place.partition("§ ")
    parts = [p.strip() for p in section.split(" > ") if p.strip()] if sep else []
    if len(parts) < 2:
        return place
    last = parts[-1]
    if re.fullmatch(r"\(?[0-9a-zA-Z]{1,4}[.)]?", last):  # a bare item marker needs its parent
        last = f"{parts[-2]} {last}"
    return f"{head}{sep}{last}"
