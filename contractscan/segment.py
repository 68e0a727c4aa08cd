"""Split a document into passages (paragraphs) that know their section heading.

Contracts mark structure with numbering ("12.", "12.1", "(a)", "Article IV",
"Section 5.") and with headings ("12. Limitation of Liability.", ALL-CAPS
lines). PDF text is hard-wrapped, so a clause is the run of lines from one
numbering mark, heading or blank line to the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .cache import compile_regex
from .document import Document

_ROMAN = r"(?:[IVXLC]{1,7}|[ivxlc]{1,7})"
# Order matters: the first that matches names the numbering kind.
_NUMBERING = [
    # "ARTICLE 11, NEITHER PARTY ..." or "Section 8.1, the Supplier ...": a citation that a line
    # break put at the start of a line, inside a sentence, not a heading (a comma or ';' follows)
    ("article", compile_regex(rf"^(?:ARTICLE|Article)\s+(?![\dIVXLCivxlc]+\s*[,;])(?P<num>\d{{1,3}}|{_ROMAN})\b[.:\-–—]?\s*")),
    ("section", compile_regex(r"^(?:SECTION|Section|§)\s*(?![\d.]+\s*[,;])(?P<num>\d{1,3}(?:\.\d{1,3}){0,3})\b[.:\-–—]?\s*")),
    ("decimal", compile_regex(r"^(?P<num>\d{1,3}(?:\.\d{1,3}){1,3})\.?(?=\s)\s*")),
    ("number", compile_regex(r"^(?P<num>\d{1,3})[.)](?=\s)\s*")),
    ("paren", compile_regex(rf"^\((?P<num>[a-zA-Z]{{1,2}}|\d{{1,3}}|{_ROMAN})\)\s*")),
    ("letter", compile_regex(r"^(?P<num>[a-zA-Z])[.)](?=\s)\s*")),
    # a bullet: a list item like "(a)", read after its lead-in ("... if it:" / "• becomes aware
    # of a breach"). A glyph always marks one; "-", "*", "–" and Word's "o" only with a space after
    ("bullet", compile_regex(r"^(?P<num>[•●▪◦‣∙■□➢►❖✓]|[-*–o](?=\s))\s*")),
]
# Bullet marks that could also be a dash or a letter starting a wrapped line
_WEAK_BULLETS = frozenset("-*–o")
# A section number as contracts write it and cite it: "8", "8.1", "12.3.4".
SECTION_NUMBER = r"\d{1,3}(?:\.\d{1,3})*"
# An outline label as passages carry it ("Article IV", "Section 8.1", "8.1", "8"), read back to
# the bare number a citation names ("Section 8.1" -> "8.1"): see ``cited_number``.
_LABEL_NUMBER = compile_regex(rf"(?:Article|Section)?\s*({SECTION_NUMBER}|[IVXLC]{{1,7}})\.?$", re.I)
_TITLE_WORD = compile_regex(r"^(?:[A-Z][\w'’/&-]*|of|and|or|the|to|for|in|on|by|with|a|an|as|upon|&|-|—|–)$")
_HEADING_END = compile_regex(r"^(?P<head>[^.:;]{2,80}?)(?:[.:]|\s[-–—]\s?)(?=\s|$)")
_RULE_LINE = compile_regex(r"^[-_=*\s]{3,}$")
_TOC_LINE = compile_regex(r"(?:\.{4,}|\s{3,}|\t)\s*\d{1,3}\s*$")
# A Markdown heading line ("## 9. Limitation of liability", "### Privacy"): a heading whatever its case
_MD_HEADING = compile_regex(r"^(?P<hashes>#{1,6})\s+(?P<inner>\S.*)$")


@dataclass
class Passage:
    """A paragraph of the contract with its place in the outline (a clause type is a rule id)."""

    start: int
    end: int
    text: str
    number: str | None = None
    heading: str | None = None
    section: str | None = None
    headings: list[str] = field(default_factory=list)
    heading_only: bool = False
    in_toc: bool = False
    level: int = 0
    body_start: int | None = None  # where the text after the number and heading begins


Clause = Passage  # the 0.1 name, kept for one release: "clause" now means a clause type only


_DANGLING = compile_regex(r"\b(?:THE|OF|AND|OR|TO|A|AN|IN|FOR|BY|WITH|ANY|ITS|THAT|SUCH|BE|SHALL|WILL|NOT)[,]?$")


_CAPS_RUN_IN = compile_regex(r"^([A-Z0-9 ,;'&/()\-–—]{3,60})\.\s")


def _is_caps_heading(line: str) -> bool:
    """Short ALL-CAPS lines are headings; ALL-CAPS sentences (waivers, caps) are not."""
    words = line.split()
    if line.upper() != line or sum(c.isalpha() for c in line) < 4 or len(words) > 8:
        return False
    if _DANGLING.search(line) or line.endswith((",", ";")):
        return False
    return not (line.endswith(".") and len(words) > 5)


def _looks_like_title(words: list[str]) -> bool:
    if not words or len(words) > 10:
        return False
    caps = sum(1 for w in words if w[:1].isupper())
    return caps >= max(1, (len(words) + 1) // 2) and all(_TITLE_WORD.match(w.strip(",()")) for w in words)


def split_heading(body: str) -> tuple[str | None, str]:
    """Split "Limitation of Liability. Neither party ..." into heading and rest."""
    line = body.split("\n", 1)[0].strip()
    if line and line.upper() == line and any(c.isalpha() for c in line) and (
        _is_caps_heading(line) or _CAPS_RUN_IN.match(line)
    ):
        # "LIMITATION OF LIABILITY." or "LIMITATION OF LIABILITY. Neither ..." (caps heading then body)
        m = re.match(r"^([A-Z0-9 ,;'&/()\-–—]+?)[.:]?(?:\s+(?=[A-Z][a-z])|$)", line)
        if m is None:
            # "LIMITATION OF LIABILITY. EXCEPT FOR ..." (body in capitals too): the heading ends at its period
            m = _CAPS_RUN_IN.match(line)
            if m is not None and not _is_caps_heading(m.group(1)):
                m = None
        head = (m.group(1) if m else line).strip(" .:")
        if head and len(head) > 2:
            return head, body[body.find(head) + len(head):].lstrip(" .:")
    m = _HEADING_END.match(line)
    if m and _looks_like_title(m.group("head").split()):
        head = m.group("head").strip()
        return head, body[m.end():].lstrip()
    if len(line) > 80:
        return None, body
    words = line.rstrip(".:").split()
    if _looks_like_title(words) and not line.endswith((",", ";")):
        # "26. Governing Law" on its own line, the clause on the lines below it
        rest = body.lstrip().split("\n", 1)
        return line.rstrip(".:").strip(), rest[1].lstrip() if len(rest) > 1 else ""
    return None, body


def cited_number(label: str) -> str | None:
    """The number a cross-reference would cite for a passage labelled ``label`` (its
    ``number``), or None for labels no citation names, such as "(a)"."""
    m = _LABEL_NUMBER.match(label.strip())
    return m.group(1).rstrip(".") if m else None


def _level(kind: str, num: str) -> int:
    if kind in ("article",):
        return 0
    if kind in ("section", "decimal"):
        return 1 + num.count(".")
    if kind == "number":
        return 1
    return 3


def _lines(text: str):
    pos = 0
    for raw in text.split("\n"):
        yield pos, pos + len(raw), raw
        pos += len(raw) + 1


def _mask_noise(doc: Document) -> str:
    """Blank out running headers/footers without moving any offset."""
    if not doc.noise:
        return doc.text
    chars = list(doc.text)
    for span in doc.noise:
        for i in range(span.start, span.end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def segment(doc: Document) -> list[Passage]:
    text = _mask_noise(doc)
    # 1. cut into paragraphs at blank lines, numbering marks and heading lines
    paragraphs: list[tuple[int, int, str | None, str | None]] = []  # start, end, kind, num
    cur_start: int | None = None
    cur_end = 0
    cur_kind = cur_num = None
    prev_line_end_punct = True
    prev_stripped = ""
    gap = False  # a blank line since the last text line
    after_md_heading = False
    for s, e, raw in _lines(text):
        stripped = raw.strip()
        if not stripped and doc.text[s:e].strip():
            continue  # a running header/footer/page number: neither text nor a paragraph break
        if not stripped or _RULE_LINE.match(stripped):
            gap = cur_start is not None
            continue
        if gap:
            gap = False
            # A page break inside a sentence ("... governed by, the" / blank / "laws of ...")
            # leaves blank lines; a lower-case line after an unfinished one continues it.
            if prev_line_end_punct or not stripped[:1].islower():
                paragraphs.append((cur_start, cur_end, cur_kind, cur_num))  # type: ignore[arg-type]
                cur_start = None
                prev_line_end_punct = True
        lead = s + (len(raw) - len(raw.lstrip()))
        kind = num = None
        for k, rx in _NUMBERING:
            m = rx.match(stripped)
            if m:
                kind, num = k, m.group("num")
                break
        if (kind in ("letter", "paren", "number") or (kind == "bullet" and num in _WEAK_BULLETS)) \
                and not prev_line_end_punct and cur_start is not None:
            # "... pursuant to Section\n3. the ..." is a wrapped line, not a new item
            rest = stripped[m.end():]
            if (kind == "number" and rest[:1].islower()) or (
                kind != "number" and not rest[:1].isupper()
                and not re.search(r"[;:,.]$|\b(?:and|or)$", text[cur_start:cur_end].rstrip())
            ):
                kind = num = None
        if kind == "paren" and cur_start is not None and _continues_inline(text[cur_start:cur_end], num):
            # "EXCEPT (A) FOR FRAUD, (B) FOR ...,\n(C) AS PROVIDED ...": a line break before the next
            # mark of a list running inside the sentence is a wrapped line, not a new item
            kind = num = None
        if kind == "section" and not prev_line_end_punct and cur_start is not None \
                and not stripped[m.end():][:1].isupper():
            # "... at least as protective as this\nSection 8; and (c) ..." is a wrapped cross-reference
            kind = num = None
        # "... MERCHANTABILITY AND" / "FITNESS FOR A PARTICULAR PURPOSE.": a capitals sentence
        # wrapped after a connective goes on; its last line is not a heading.
        is_md_heading = kind is None and _MD_HEADING.match(stripped) is not None
        is_caps_heading = kind is None and _is_caps_heading(stripped) and not (
            cur_start is not None and not prev_line_end_punct
            and (_DANGLING.search(prev_stripped) is not None
                 or (prev_stripped.endswith(",") and prev_stripped.upper() == prev_stripped)))
        if kind is not None or is_caps_heading or is_md_heading or after_md_heading or cur_start is None:
            if cur_start is not None:
                paragraphs.append((cur_start, cur_end, cur_kind, cur_num))
            cur_start, cur_kind, cur_num = lead, kind, num
        cur_end = s + len(raw.rstrip())
        # (``re.search(r"[.;:]$", stripped)``: a stripped line has no final line break)
        prev_line_end_punct = stripped.endswith((".", ";", ":")) or is_caps_heading or is_md_heading
        after_md_heading = is_md_heading  # a Markdown heading is one line: the next starts a paragraph
        prev_stripped = stripped
    if cur_start is not None:
        paragraphs.append((cur_start, cur_end, cur_kind, cur_num))

    # 2. give each paragraph its heading and the chain of headings above it
    clauses: list[Passage] = []
    stack: list[tuple[int, str]] = []  # (level, label) of open headings
    for i, (start, end, kind, num) in enumerate(paragraphs):
        body = text[start:end]
        rest = body
        md = _MD_HEADING.match(body) if kind is None else None
        if md is not None:
            kind, num, md_inner = _md_heading(md.group("inner"))
            heading, remainder = (md_inner or None), ""
        elif kind is not None:
            m = dict(_NUMBERING)[kind].match(body)
            rest = body[m.end():] if m else body
        if md is None:
            heading, remainder = split_heading(rest) if kind != "bullet" else (None, rest)
        if heading is not None and not remainder.strip() and body.rstrip().endswith(":") \
                and i + 1 < len(paragraphs) and paragraphs[i + 1][2] in ("paren", "letter", "bullet"):
            # "14.9 The Supplier:" above "(a) must ..." / "• must ...": the lead-in of a list, not a heading
            heading, remainder = None, rest
        if heading is None and doc.format == "docx" and kind in (None, "article", "section", "decimal", "number") \
                and i + 1 < len(paragraphs) and _is_sentence_case_heading(rest, text[paragraphs[i + 1][0]:paragraphs[i + 1][1]],
                                                                         paragraphs[i + 1][2]):
            heading, remainder = rest.strip(), ""
        level = _level(kind, num or "") if kind else (1 if heading else 9)
        if md is not None and kind is None:
            level = min(len(md.group("hashes")) - 1, 2)  # "#" a title, "##" a section, "###" below it
        number = num
        if kind == "article":
            number = f"Article {num}"
        elif kind == "section":
            number = f"Section {num}"
        elif kind == "paren":
            number = f"({num})"
        elif kind in ("letter",):
            number = f"{num}."
        elif kind == "bullet":
            number = "•"
        heading_only = heading is not None and not remainder.strip()
        in_toc = bool(_TOC_LINE.search(body.split("\n", 1)[0])) and len(body) < 200
        if heading is not None or (kind in ("article", "section", "decimal", "number")):
            label = " ".join(x for x in (number if kind != "number" else f"{num}.", heading) if x)
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, label))
        chain = [lab for _, lab in stack]
        section = " > ".join(chain[-2:]) if chain else None
        if kind in ("paren", "letter") and number:
            section = f"{section} > {number}" if section else number
        clauses.append(
            Passage(
                start=start,
                end=end,
                text=doc.text[start:end],
                number=number,
                heading=heading,
                section=section,
                headings=[lab for _, lab in stack],
                heading_only=heading_only,
                in_toc=in_toc,
                level=level,
                body_start=end - len(remainder) if heading is not None and remainder.strip() else None,
            )
        )
    _mark_tables_of_contents(clauses)
    return clauses


_ROMANS = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]


def _previous_mark(num: str) -> list[str]:
    """The marks that come just before ``num`` in a list ("c" -> "b"; "iii" -> "ii"; "3" -> "2")."""
    low = num.lower()
    out = []
    if low.isdigit() and int(low) > 1:
        out.append(str(int(low) - 1))
    if low in _ROMANS[1:]:
        out.append(_ROMANS[_ROMANS.index(low) - 1])
    if len(low) == 1 and "b" <= low <= "z":
        out.append(chr(ord(low) - 1))
    return [m.upper() if num.isupper() else m for m in out]


def _continues_inline(paragraph: str, num: str) -> bool:
    """Whether the list mark ``(num)`` at a line start continues a list written inside the
    paragraph's sentence: its previous mark stands inside the paragraph (not at its start)
    and no sentence ended after it."""
    for prev in _previous_mark(num):
        at = paragraph.rfind(f"({prev})", 1)
        if at > 0 and paragraph[at - 1].isspace() and not re.search(r"[.:](?:\s|$)", paragraph[at:]):
            return True
    return False


_SENTENCE_END = compile_regex(r"[.;:,?!)\]]$")
_NOT_TITLE = compile_regex(r"[\d$€£%@/\[\]]|__")  # an amount, a date, a blank to fill in: a value, not a title


def _is_sentence_case_heading(line: str, following: str, following_kind: str | None) -> bool:
    """A Word paragraph that is a short phrase without an end mark ("Limitation of liability",
    "What you must keep confidential" under its number), above a paragraph of running text,
    is a heading in sentence case. Only for Word, where a paragraph is the writer's own (a PDF
    line that ends without a period is mostly a wrapped sentence)."""
    line = line.strip()
    words = line.split()
    if not 1 <= len(words) <= 8 or "\n" in line or not line[:1].isupper() or _SENTENCE_END.search(line):
        return False
    if _NOT_TITLE.search(line):
        return False
    if following_kind in ("paren", "letter", "bullet"):
        return False  # a list follows: the line is its lead-in or a label
    body = following.strip()
    return len(body.split()) >= 6 and bool(_SENTENCE_END.search(body.rstrip("\u2019\"'")))


def _md_heading(inner: str) -> tuple[str | None, str | None, str]:
    """The numbering kind, number and title of a Markdown heading's text ("9. Fees" -> number, "9", "Fees")."""
    inner = inner.strip().strip("*_").strip()
    for k, rx in _NUMBERING[:4]:  # article, section, decimal, number
        m = rx.match(inner)
        if m:
            return k, m.group("num"), inner[m.end():].strip(" .:#*_")
    return None, None, inner.strip(" .:#*_")


def _mark_tables_of_contents(clauses: list[Passage]) -> None:
    """A run of four or more heading-only paragraphs is a table of contents."""
    run: list[Passage] = []
    for c in clauses + [None]:  # type: ignore[list-item]
        if c is not None and (c.heading_only or c.in_toc) and len(c.text) < 120:
            run.append(c)
            continue
        if len(run) >= 4:
            for r in run:
                r.in_toc = True
        run = []
