"""DOCX: the text a reader sees in Word, read straight from the WordprocessingML.

- body paragraphs and table cells in document order (nested tables, content
  controls and text boxes included);
- tracked changes in their accepted form: insertions in, deletions out, with a
  ``tracked_changes`` warning;
- automatic numbering rebuilt from numbering.xml (and numbered styles), so a
  paragraph reads "12.1 Fees ..." as the user sees it and the segmenter finds
  its section label;
- footnotes and endnotes appended at the end under their own heading; page
  headers, footers and comments are separate parts and never read;
- page numbers from the page breaks Word records where it laid out each page
  when it last saved the file (``w:lastRenderedPageBreak``); a file never laid
  out by Word has none, and its clauses carry no page.

Hostile archives: the parts read are capped by their declared size and by the
bytes actually inflated (``LoadOptions.max_decompressed_bytes``), a part with
more than ``max_xml_tags`` tags is refused before parsing (tree memory), XML with a
DTD is refused (Word never writes one; entity expansion bombs need one). The
parser does not resolve entities, load DTDs or touch the network anyway.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from ..document import Document, LoadWarning
from ..errors import ContractScanError, CorruptFile, NoText, TooLarge
from . import LoadOptions
from .cleanup import normalise_text

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_FOOTNOTES_REL = "/footnotes"
_ENDNOTES_REL = "/endnotes"
_NUMBERING_REL = "/numbering"
_STYLES_REL = "/styles"


# Where Word last began a new page; a Unicode noncharacter, so no document text holds it.
_PAGE_MARK = "\ufdd0"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


P, TBL, TR, TC, R, T = w("p"), w("tbl"), w("tr"), w("tc"), w("r"), w("t")
SDT, SDT_CONTENT, CUSTOM_XML = w("sdt"), w("sdtContent"), w("customXml")
INS, DEL, MOVE_TO, MOVE_FROM = w("ins"), w("del"), w("moveTo"), w("moveFrom")
TXBX = w("txbxContent")
ALTERNATE, FALLBACK = f"{{{MC_NS}}}AlternateContent", f"{{{MC_NS}}}Fallback"
# Parts of a paragraph whose text a reader does not see.
_HIDDEN = {
    w("pPr"), w("rPr"), DEL, MOVE_FROM, w("delText"), w("instrText"), w("delInstrText"), FALLBACK,
    w("fldData"), w("commentReference"), w("annotationRef"),
}
_CHANGES = (INS, DEL, MOVE_TO, MOVE_FROM)
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)


# ---------------------------------------------------------------- the archive


class _Package:
    """The parts of the DOCX that hold text, read within a byte budget."""

    def __init__(self, data: bytes, options: LoadOptions) -> None:
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.infos = {i.filename: i for i in self.zip.infolist()}
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise CorruptFile(f"the DOCX archive is damaged ({exc})") from None
        self.budget = options.max_decompressed_bytes
        self.limit = options.max_decompressed_bytes
        self.max_tags = options.max_xml_tags

    def read(self, name: str) -> bytes | None:
        info = self.infos.get(name)
        if info is None:
            return None
        if info.file_size > self.budget:
            raise TooLarge(
                f"the DOCX part {name} declares {info.file_size:,} bytes uncompressed; "
                f"the limit is {self.limit:,} (a zip bomb?)"
            )
        try:
            with self.zip.open(info) as fh:
                data = fh.read(self.budget + 1)  # never trust the declared size alone
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise CorruptFile(f"the DOCX part {name} cannot be decompressed ({exc})") from None
        except ContractScanError:  # e.g. the scan's time limit
            raise
        except Exception as exc:  # zlib.error and friends from a damaged stream
            raise CorruptFile(f"the DOCX part {name} cannot be decompressed ({type(exc).__name__})") from None
        if len(data) > self.budget:
            raise TooLarge(
                f"the DOCX inflates to more than {self.limit:,} bytes (a zip bomb?); the limit is configurable"
            )
        self.budget -= len(data)
        return data

    def xml(self, name: str) -> etree._Element | None:
        data = self.read(name)
        if data is None:
            return None
        if _DTD.search(data):
            raise CorruptFile(f"the DOCX part {name} declares XML entities (Word never does; an entity bomb?)")
        tags = data.count(b"<")
        if tags > self.max_tags:  # the parsed tree needs ~150 bytes an element, whatever their size
            raise TooLarge(f"the DOCX part {name} has {tags:,} XML tags; the limit is {self.max_tags:,}")
        try:
            parser = etree.XMLParser(  # one per call: lxml parsers are not thread-safe
                resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                remove_comments=True, remove_pis=True,
            )
            return etree.fromstring(data, parser)
        except etree.XMLSyntaxError as exc:
            raise CorruptFile(f"the DOCX part {name} is not well-formed XML ({exc})") from None

    def main_part(self) -> str:
        rels = self.xml("_rels/.rels")
        if rels is not None:
            for rel in rels.iter(f"{{{REL_NS}}}Relationship"):
                if rel.get("Type") == OFFICE_DOCUMENT:
                    return rel.get("Target", "").lstrip("/")
        return "word/document.xml"

    def related(self, part: str, suffix: str) -> str | None:
        """The target of ``part``'s relationship whose type ends with ``suffix``."""
        folder, name = posixpath.split(part)
        rels = self.xml(posixpath.join(folder, "_rels", name + ".rels"))
        if rels is None:
            return None
        for rel in rels.iter(f"{{{REL_NS}}}Relationship"):
            if rel.get("Type", "").endswith(suffix) and rel.get("TargetMode") != "External":
                target = rel.get("Target", "")
                return target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(folder, target))
        return None


# ---------------------------------------------------------------- numbering


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    legal: bool = False
    style: str | None = None


@dataclass
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)
    levels: dict[int, _Level] = field(default_factory=dict)


def _val(el: etree._Element | None, tag: str) -> str | None:
    if el is None:
        return None
    child = el.find(w(tag))
    return None if child is None else child.get(w("val"))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _level(lvl: etree._Element) -> _Level:
    return _Level(
        start=_int(_val(lvl, "start"), 1),
        fmt=_val(lvl, "numFmt") or "decimal",
        text=_val(lvl, "lvlText") or "",
        legal=lvl.find(w("isLgl")) is not None and _val(lvl, "isLgl") not in ("0", "false"),
        style=_val(lvl, "pStyle"),
    )


def _roman(n: int) -> str:
    out = []
    for value, digits in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out.append(digits)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    # Word repeats the letter: a..z, aa..zz, aaa..
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


def _format(n: int, fmt: str) -> str:
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class _Numbering:
    """Counters of Word's automatic numbering, advanced paragraph by paragraph."""

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None) -> None:
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.abstract_links: dict[str, str] = {}  # abstractNum -> style it takes its definition from
        self.nums: dict[str, _Num] = {}
        self.style_num: dict[str, tuple[str | None, int | None]] = {}
        self.style_base: dict[str, str] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.seen: set[str] = set()
        if numbering is not None:
            for ab in numbering.iter(w("abstractNum")):
                aid = ab.get(w("abstractNumId"), "")
                self.abstracts[aid] = {_int(l.get(w("ilvl")), 0): _level(l) for l in ab.iter(w("lvl"))}
                link = _val(ab, "numStyleLink")
                if link:
                    self.abstract_links[aid] = link
            for num in numbering.iter(w("num")):
                entry = _Num(abstract=_val(num, "abstractNumId") or "")
                for ov in num.iter(w("lvlOverride")):
                    ilvl = _int(ov.get(w("ilvl")), 0)
                    start = _val(ov, "startOverride")
                    if start is not None:
                        entry.starts[ilvl] = _int(start, 1)
                    lvl = ov.find(w("lvl"))
                    if lvl is not None:
                        entry.levels[ilvl] = _level(lvl)
                self.nums[num.get(w("numId"), "")] = entry
        if styles is not None:
            for st in styles.iter(w("style")):
                sid = st.get(w("styleId"), "")
                ppr = st.find(w("pPr"))
                numpr = ppr.find(w("numPr")) if ppr is not None else None
                if numpr is not None:
                    ilvl = _val(numpr, "ilvl")
                    self.style_num[sid] = (_val(numpr, "numId"), None if ilvl is None else _int(ilvl, 0))
                base = _val(st, "basedOn")
                if base:
                    self.style_base[sid] = base

    def _from_style(self, style: str | None) -> tuple[str | None, int | None, str | None]:
        seen = set()
        while style and style not in seen:
            seen.add(style)
            if style in self.style_num:
                num_id, ilvl = self.style_num[style]
                return num_id, ilvl, style
            style = self.style_base.get(style)
        return None, None, None

    def _levels(self, num: _Num) -> tuple[str, dict[int, _Level]]:
        aid = num.abstract
        link = self.abstract_links.get(aid)
        if link:  # the definition lives with a numbering style
            linked, _, _ = self._from_style(link)
            if linked in self.nums:
                aid = self.nums[linked].abstract
        return aid, self.abstracts.get(aid, {})

    def label(self, p: etree._Element) -> str | None:
        """The number Word shows before paragraph ``p`` (advancing the counters), or None."""
        ppr = p.find(w("pPr"))
        numpr = ppr.find(w("numPr")) if ppr is not None else None
        num_id = _val(numpr, "numId")
        ilvl_raw = _val(numpr, "ilvl")
        ilvl = None if ilvl_raw is None else _int(ilvl_raw, 0)
        style_id = _val(ppr, "pStyle")
        if num_id is None:
            num_id, style_ilvl, style_id = self._from_style(style_id)
            ilvl = ilvl if ilvl is not None else style_ilvl
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        num = self.nums[num_id]
        aid, levels = self._levels(num)
        if ilvl is None:  # a numbered style: the level that names the style
            ilvl = next((i for i, lv in levels.items() if style_id and lv.style == style_id), 0)
        ilvl = max(0, min(ilvl, 8))
        defs = {**levels, **num.levels}
        lvl = defs.get(ilvl)
        if lvl is None:
            return None
        counters = self.counters.setdefault(aid, [None] * 9)
        if num_id not in self.seen:
            self.seen.add(num_id)
            for level, start in num.starts.items():
                if 0 <= level < 9:
                    counters[level] = start - 1
                    for deeper in range(level + 1, 9):
                        counters[deeper] = None
        current = counters[ilvl]
        counters[ilvl] = lvl.start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        if lvl.fmt in ("bullet", "none") or not lvl.text:
            return None

        def part(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            if not 0 <= k < 9:
                return ""
            level = defs.get(k, _Level())
            value = counters[k] if counters[k] is not None else level.start
            return _format(value, "decimal" if (lvl.legal and k < ilvl) else level.fmt)

        label = re.sub(r"%([1-9])", part, lvl.text).strip()
        return label or None


# ---------------------------------------------------------------- the text


def _children(el: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children with ``tag``, looking through content controls and custom XML wrappers."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in (SDT, SDT_CONTENT, CUSTOM_XML):
            yield from _children(child, tag)


@dataclass
class _Reader:
    numbering: _Numbering
    footnote_order: list[str] = field(default_factory=list)
    endnote_order: list[str] = field(default_factory=list)

    def blocks(self, container: etree._Element) -> Iterator[str]:
        """Texts of the paragraphs below ``container``, in reading order."""
        for child in container:
            tag = child.tag
            if tag == P:
                yield from self.paragraph(child)
            elif tag == TBL:
                yield from self.table(child)
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    yield from self.blocks(content)
            elif tag in (SDT_CONTENT, CUSTOM_XML, INS, MOVE_TO):
                yield from self.blocks(child)
            elif tag == ALTERNATE:
                choice = next(iter(child), None)
                if choice is not None:
                    yield from self.blocks(choice)

    def table(self, tbl: etree._Element) -> Iterator[str]:
        for row in _children(tbl, TR):
            trpr = row.find(w("trPr"))
            if trpr is not None and trpr.find(DEL) is not None:
                continue  # a deleted row
            cells = [list(self.blocks(cell)) for cell in _children(row, TC)]
            yield from key_term_row(cells)

    def paragraph(self, p: etree._Element) -> Iterator[str]:
        parts: list[str] = []
        boxes: list[etree._Element] = []
        self._inline(p, parts, boxes)
        text = "".join(parts)
        # An empty paragraph, or one that only carries a section break, shows nothing in
        # Word's reading and is not a list item: counting it shifted every later section
        # number by one, against the document's own cross-references.
        label = self.numbering.label(p) if text.replace(_PAGE_MARK, "").strip() else None
        if text.strip() or label:
            if label:
                body = text.lstrip()
                marks = len(body) - len(body.lstrip(_PAGE_MARK))  # a page that begins here begins before the number
                yield f"{_PAGE_MARK * marks}{label} {body[marks:].lstrip()}"
            else:
                yield text
        for box in boxes:
            yield from self.blocks(box)

    def _inline(self, el: etree._Element, parts: list[str], boxes: list[etree._Element]) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _HIDDEN:
                continue
            if tag == T:
                parts.append((child.text or "").replace(_PAGE_MARK, ""))
            elif tag == w("tab"):
                parts.append(" ")
            elif tag in (w("br"), w("cr")):
                parts.append("\n")
            elif tag == w("lastRenderedPageBreak"):
                parts.append(_PAGE_MARK)
            elif tag == w("noBreakHyphen"):
                parts.append("-")
            elif tag == TXBX:
                boxes.append(child)
            elif tag == w("footnoteReference"):
                self.footnote_order.append(child.get(w("id"), ""))
            elif tag == w("endnoteReference"):
                self.endnote_order.append(child.get(w("id"), ""))
            elif tag == ALTERNATE:
                choice = next(iter(child), None)
                if choice is not None:
                    self._inline(choice, parts, boxes)
            else:
                self._inline(child, parts, boxes)


_ROW_NUMBER = re.compile(r"^\(?[0-9A-Za-z]{1,3}[.)]?$")
_LABEL_END = re.compile(r"[.;,]$")
_PLACEHOLDER = re.compile(r"^[\[\]●•_.…\-–—*\s]*$|^\[[^\]]*\]\.?$")
_WORD = re.compile(r"[^\W\d_]{3}")  # a label names something: "1c" or "A" is a row number
_NOT_LABEL = re.compile(r"[\n:]|__")  # a line break, a colon inside, a blank to sign on


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
    filled = [[p for p in cell if p.replace(_PAGE_MARK, "").strip()] for cell in cells]
    filled = [c for c in filled if c]
    number = ""
    if len(filled) == 3 and len(filled[0]) == 1 and _ROW_NUMBER.match(filled[0][0].replace(_PAGE_MARK, "").strip()):
        number = filled[0][0].replace(_PAGE_MARK, "").strip() + " "
        filled = filled[1:]
    if len(filled) != 2 or len(filled[0]) != 1 or not is_term_label(filled[0][0].replace(_PAGE_MARK, "")):
        return [p for cell in cells for p in cell]
    if _PLACEHOLDER.match(" ".join(filled[1]).replace(_PAGE_MARK, "").strip()):
        return [p for cell in cells for p in cell]  # "[Specify]": the template leaves the term to fill in
    raw_label = filled[0][0]
    marks = _PAGE_MARK * raw_label.count(_PAGE_MARK)
    label = raw_label.replace(_PAGE_MARK, "").strip().rstrip(":").strip()
    first, *rest = filled[1]
    return [f"{marks}{number}{label}: {first.strip()}", *rest]


def _tracked_changes(root: etree._Element | None) -> int:
    if root is None:
        return 0
    return sum(1 for el in root.iter(*_CHANGES))


def _notes(root: etree._Element | None, kind: str, order: list[str], reader: _Reader) -> list[str]:
    """Footnotes or endnotes, numbered as the body refers to them."""
    if root is None:
        return []
    notes = {}
    for note in root.iter(w(kind)):
        if note.get(w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        text = " ".join(t.strip() for t in reader.blocks(note) if t.strip())
        if text:
            notes[note.get(w("id"), "")] = text
    ordered = [i for i in dict.fromkeys(order) if i in notes] + [i for i in notes if i not in order]
    return [f"[{n}] {notes[i]}" for n, i in enumerate(ordered, 1)]


def load_docx(data: bytes, source: str, options: LoadOptions) -> Document:
    package = _Package(data, options)
    main = package.main_part()
    body_root = package.xml(main)
    if body_root is None:
        raise CorruptFile("the DOCX has no main document part")
    body = body_root.find(w("body"))
    if body is None:
        raise CorruptFile("the DOCX main document has no body")
    numbering = _Numbering(
        package.xml(package.related(main, _NUMBERING_REL) or "word/numbering.xml"),
        package.xml(package.related(main, _STYLES_REL) or "word/styles.xml"),
    )
    reader = _Reader(numbering)
    paragraphs = list(reader.blocks(body))
    changes = _tracked_changes(body)
    for heading, rel, kind, order in (
        ("FOOTNOTES", _FOOTNOTES_REL, "footnote", reader.footnote_order),
        ("ENDNOTES", _ENDNOTES_REL, "endnote", reader.endnote_order),
    ):
        part = package.related(main, rel)
        root = package.xml(part) if part else None
        changes += _tracked_changes(root)
        notes = _notes(root, kind, order, reader)
        if notes:
            paragraphs += [heading, *notes]
    text = normalise_text("\n\n".join(p.strip("\n") for p in paragraphs))
    page_starts: list[int] = []
    if _PAGE_MARK in text:
        pages = text.split(_PAGE_MARK)
        text = "".join(pages)
        pos = 0
        for page in pages:
            page_starts.append(pos)
            pos += len(page)
    if not text.strip():
        raise NoText("the document contains no text")
    doc = Document(text=text, source=source, format="docx", page_starts=page_starts,
                   page_count=len(page_starts) or None)
    if changes:
        doc.warnings.append(
            LoadWarning(
                type="tracked_changes",
                message="the document has unaccepted tracked changes; it was read as if all were accepted "
                "(insertions in, deletions out)",
            )
        )
    return doc
