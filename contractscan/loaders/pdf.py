"""PDF text with page offsets; running headers/footers marked as noise."""

from __future__ import annotations

import re
from collections import Counter

from ..document import Document, LoadWarning, Span
from ..errors import CorruptFile, EncryptedFile, NoText, TooLarge
from . import LoadOptions
from .cleanup import join_hyphenated, normalise_text

PAGE_SEPARATOR = "\n\n"
_PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s*)?[-–(\[]?\s*(?:\d{1,4}|[ivxlc]{1,6})\s*[-–)\]]?\s*(?:of\s*\d{1,4})?\s*$", re.I
)
_DIGITS = re.compile(r"\d+")
_EDGE_LINES = 3


def _pdfium_pages(data: bytes, options: LoadOptions) -> list[str]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data, password=options.password)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            if options.password:
                raise EncryptedFile("the PDF password given is wrong") from None
            raise EncryptedFile("the PDF is encrypted; give its password with --password") from None
        raise CorruptFile(f"the PDF cannot be parsed ({exc})") from None
    try:
        n = len(pdf)
        if n > options.max_pages:
            raise TooLarge(f"the PDF has {n} pages; the limit is {options.max_pages}")
        pages = []
        for i in range(n):
            page = pdf[i]
            textpage = page.get_textpage()
            pages.append(_collapse_spaces(textpage.get_text_range()))
            textpage.close()
            page.close()
        return pages
    finally:
        pdf.close()


def _collapse_spaces(text: str) -> str:
    """One space between words, none at line ends, as pdfplumber gives.

    pdfium keeps the layout's runs of spaces ("the\xa0\xa0Company") and trailing blanks,
    which split phrases the rules look for ("governed by  the laws").
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(" ".join(line.split()) for line in lines)


def _pdfplumber_pages(data: bytes, options: LoadOptions) -> list[str]:
    import io

    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(io.BytesIO(data), password=options.password or "") as pdf:
            if len(pdf.pages) > options.max_pages:
                raise TooLarge(f"the PDF has {len(pdf.pages)} pages; the limit is {options.max_pages}")
            out = []
            for page in pdf.pages:
                out.append(page.extract_text() or "")
                page.close()
            return out
    except PDFPasswordIncorrect:
        raise EncryptedFile("the PDF is encrypted; give its password with --password") from None
    except PDFSyntaxError as exc:
        raise CorruptFile(f"the PDF cannot be parsed ({exc})") from None
    except TooLarge:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types on broken files
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise EncryptedFile("the PDF is encrypted; give its password with --password") from None
        raise CorruptFile(f"the PDF cannot be parsed ({type(exc).__name__}: {exc})") from None


ENGINES = {"pdfium": _pdfium_pages, "pdfplumber": _pdfplumber_pages}


def _norm_line(line: str) -> str:
    return _DIGITS.sub("#", " ".join(line.lower().split()))


def _find_noise(pages: list[str], starts: list[int]) -> list[Span]:
    """Lines at a page's top or bottom that repeat across pages, and page numbers."""
    edges: list[list[tuple[int, int, str]]] = []
    for text, base in zip(pages, starts):
        lines, pos = [], 0
        for raw in text.split("\n"):
            if raw.strip():
                lines.append((base + pos, base + pos + len(raw), raw))
            pos += len(raw) + 1
        edges.append(lines[:_EDGE_LINES] + lines[-_EDGE_LINES:] if len(lines) > 2 * _EDGE_LINES else lines)
    counts = Counter()
    for lines in edges:
        counts.update({_norm_line(t) for _, _, t in lines})
    threshold = max(3, len(pages) // 2)
    noise = []
    for lines in edges:
        for s, e, t in lines:
            key = _norm_line(t)
            if _PAGE_NUMBER.match(t) or (len(pages) >= 3 and counts[key] >= threshold and len(key) < 120):
                noise.append(Span(s, e))
    return sorted(set(noise), key=lambda sp: sp.start)


def load_pdf(data: bytes, source: str, options: LoadOptions) -> Document:
    engine = ENGINES.get(options.pdf_engine)
    if engine is None:
        raise ValueError(f"unknown PDF engine {options.pdf_engine!r}; choose from {sorted(ENGINES)}")
    raw_pages = engine(data, options)
    pages = [join_hyphenated(normalise_text(p)).rstrip() for p in raw_pages]
    starts, pos = [], 0
    for text in pages:
        starts.append(pos)
        pos += len(text) + len(PAGE_SEPARATOR)
    text = PAGE_SEPARATOR.join(pages)
    empty = [i + 1 for i, p in enumerate(pages) if len(p.strip()) < 20]
    doc = Document(text=text, source=source, format="pdf", page_starts=starts, page_count=len(pages))
    if len(empty) == len(pages):
        raise NoText(
            f"none of the {len(pages)} page(s) has a text layer (a scan?); "
            "no clause could be read" + ("" if options.ocr == "never" else " and OCR is not available")
        )
    if empty:
        doc.unreadable_pages = empty
        doc.warnings.append(
            LoadWarning(
                type="unreadable_pages",
                message=f"{len(empty)} page(s) have no text layer (scanned?) and were not read; "
                "a clause reported missing may be on them",
                pages=empty,
            )
        )
    doc.noise = _find_noise(pages, starts)
    return doc
