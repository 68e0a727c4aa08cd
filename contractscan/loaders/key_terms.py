"""Key-terms tables: a label cell and its value cell read as one "Label: value" passage.

Shared by the DOCX reader (table rows), the PDF loader (ruled rows) and the defined-terms index.
"""

from __future__ import annotations

from ..cache import compile_regex

# Where Word last began a new page (the DOCX reader puts it in the text); a Unicode
# noncharacter, so no document text holds it. A label may carry it: it is kept, not read.
PAGE_MARK = "\ufdd0"

_ROW_NUMBER = compile_regex(r"^\(?[0-9A-Za-z]{1,3}[.)]?$")
_LABEL_END = compile_regex(r"[.;,]$")
_PLACEHOLDER = compile_regex(r"^[\[\]●•_.…\-–—*\s]*$|^\[[^\]]*\]\.?$")
_WORD = compile_regex(r"[^\W\d_]{3}")  # a label names something: "1c" or "A" is a row number
_NOT_LABEL = compile_regex(r"[\n:]|__")  # a line break, a colon inside, a blank to sign on


def is_term_label(text: str) -> bool:
    """A key-terms table's label cell: a short name ('Governing Law', 'Response Period:'), not a sentence."""
    label = text.strip().rstrip(":").strip()
    words = label.split()
    return (0 < len(words) <= 8 and len(label) <= 60 and not _NOT_LABEL.search(label) and not _LABEL_END.search(label)
            and label[:1].isalnum() and _WORD.search(label) is not None)


def key_term_row(cells: list[list[str]]) -> list[str]:
    """A table row's paragraphs; a label cell and its value cell read as one "Label: value" passage.

    Cover pages and order forms state key terms in two-column tables ("Governing Law" |
    "The State of Delaware"); read cell by cell, the label and the value were two fragments
    and neither was a clause. A leading row-number cell is kept as the passage's number.
    """
    filled = [[p for p in cell if p.replace(PAGE_MARK, "").strip()] for cell in cells]
    filled = [c for c in filled if c]
    number = ""
    if len(filled) == 3 and len(filled[0]) == 1 and _ROW_NUMBER.match(filled[0][0].replace(PAGE_MARK, "").strip()):
        number = filled[0][0].replace(PAGE_MARK, "").strip() + " "
        filled = filled[1:]
    if len(filled) != 2 or len(filled[0]) != 1 or not is_term_label(filled[0][0].replace(PAGE_MARK, "")):
        return [p for cell in cells for p in cell]
    if _PLACEHOLDER.match(" ".join(filled[1]).replace(PAGE_MARK, "").strip()):
        return [p for cell in cells for p in cell]  # "[Specify]": the template leaves the term to fill in
    raw_label = filled[0][0]
    marks = PAGE_MARK * raw_label.count(PAGE_MARK)
    label = raw_label.replace(PAGE_MARK, "").strip().rstrip(":").strip()
    first, *rest = filled[1]
    return [f"{marks}{number}{label}: {first.strip()}", *rest]
