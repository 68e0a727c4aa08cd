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
from .key_terms import PAGE_MARK as _PAGE_MARK
from .key_terms import key_term_row
from .word_numbering import Numbering
from .wordml import (
    ALTERNATE, CUSTOM_XML, DEL, FALLBACK, INS, MOVE_FROM, MOVE_TO, P, SDT, SDT_CONTENT, TBL, TC, TR, TXBX, T, w,
)

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_FOOTNOTES_REL = "/footnotes"
_ENDNOTES_REL = "/endnotes"
_NUMBERING_REL = "/numbering"
_STYLES_REL = "/styles"

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
    numbering: Numbering
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
    numbering = Numbering(
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
