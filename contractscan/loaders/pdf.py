"""PDF text with page offsets; running headers/footers marked as noise."""

from __future__ import annotations

import re
import zlib
from collections import Counter

from ..cache import compile_regex
from ..document import Document, LoadWarning, Span
from ..errors import ContractScanError, CorruptFile, EncryptedFile, NoText, TooLarge
from . import LoadOptions, layout, ocr
from .cleanup import join_hyphenated, normalise_text

PAGE_SEPARATOR = "\n\n"
_PAGE_NUMBER = compile_regex(
    r"^\s*(?:page\s*)?[-–(\[]?\s*(?:\d{1,4}|[ivxlc]{1,6})\s*[-–)\]]?\s*(?:of\s*\d{1,4})?\s*$", re.I
)
# A bare number line anywhere on the page: a page number when numbers like it count up through the file.
_BARE_NUMBER = compile_regex(r"^\s*(?:page\s*)?[-–]?\s*(\d{1,4})\s*[-–]?\s*$", re.I)
# A page number glued to a running line: "-4- Source: ...", "-iiSource: ...", "Supply Agreement 12".
_LEADING_PAGE_NUMBER = compile_regex(r"^\s*(?:page\s*)?[-–]?\s*(?:\d{1,4}|[ivxlc]{1,6})\s*[-–]?(?:\s+|(?=[A-Z][a-z]))")
_TRAILING_PAGE_NUMBER = compile_regex(r"(?:\s+|(?<=[a-z]))(?:page\s*)?[-–]?\s*\d{1,4}\s*[-–]?\s*$", re.I)
# Lines that carry structure: their numbers matter ("ARTICLE 4" is not "ARTICLE 8").
_STRUCTURAL = compile_regex(
    r"^\s*(?:(?:article|section|schedule|exhibit|annex|appendix|part|chapter|clause|attachment|addendum|"
    r"table|item|step)\b|§|\(?\d{1,3}(?:\.\d{1,3})*[.)]?\s|\(?[a-z]{1,3}\)\s)",
    re.I,
)
_DIGITS = compile_regex(r"\d+")
# A wrapped piece of a sentence or table cell ("providing the", "costs incurred in"): even when it
# repeats at page edges, it is not removed from the middle of pages.
_FRAGMENT = compile_regex(r"^\s*[a-z]|\b(?:the|of|in|to|from|and|or|a|an|for|with|by|that|which)\s*$")
_EDGE_LINES = 3  # lines from each page edge that may be running text on their own
_DEEP_EDGE_LINES = 6  # a header block may go this deep when every line above it is noise too
_MAX_RUNNING_LINE = 300
_MIN_KNOWN_LETTERS = 12  # a running line this distinctive is noise wherever it appears
_MIN_PAGE_NUMBER_GAP = 300  # characters between two page numbers of one run


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
            try:
                page = pdf[i]
                textpage = page.get_textpage()
            except pdfium.PdfiumError:
                raise CorruptFile(f"page {i + 1} of the PDF is damaged and cannot be read") from None
            pages.append(_collapse_spaces(_pdfium_page_text(textpage)))
            textpage.close()
            page.close()
        return pages
    finally:
        pdf.close()


def _pdfium_page_text(textpage) -> str:
    """The page text, column by column when the page is two columns of prose; the rows of a
    key-terms table read "Label: value"."""
    count = textpage.count_rects()
    if count < 2 * layout.MIN_TERM_ROWS:
        return textpage.get_text_range()
    rects = [textpage.get_rect(i) for i in range(count)]
    if count >= layout.MIN_RECTS:
        gutter = layout.find_gutter(rects)
        if gutter is not None:
            parts = (textpage.get_text_bounded(*box) for box in layout.reading_boxes(rects, gutter))
            return "\n".join(p.strip("\r\n") for p in parts if p.strip())
    text = textpage.get_text_range()
    labels = layout.term_labels(rects)
    if labels:
        text = label_term_rows(text, [" ".join(textpage.get_text_bounded(*r).split()) for r in labels])
    return text


def label_term_rows(text: str, labels: list[str]) -> str:
    """Each key-terms row starts a passage, its label followed by a colon, in reading order."""
    from .key_terms import is_term_label

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    i = 0
    for label in labels:
        if not is_term_label(label) or label.endswith(":"):
            continue
        for j in range(i, len(lines)):
            line = " ".join(lines[j].split())
            if line == label or line.startswith(label + " "):
                # a blank line before: each row is a passage of its own, not a run-on of the table
                lines[j] = ("\n" if j else "") + label + ":" + line[len(label):]
                i = j + 1
                break
    return "\n".join(lines)


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
                out.append(_pdfplumber_page_text(page))
                page.close()
            return out
    except PDFSyntaxError as exc:
        raise CorruptFile(f"the PDF cannot be parsed ({exc})") from None
    except ContractScanError:  # our own, incl. a timeout raised while pdfminer was busy
        raise
    except Exception as exc:  # pdfminer raises many unrelated types on broken files
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc  # pdfplumber wraps
        if isinstance(inner, PDFPasswordIncorrect):
            if options.password:
                raise EncryptedFile("the PDF password given is wrong") from None
            raise EncryptedFile("the PDF is encrypted; give its password with --password") from None
        if "password" in str(inner).lower() or "encrypt" in str(inner).lower():
            raise EncryptedFile("the PDF is encrypted; give its password with --password") from None
        raise CorruptFile(f"the PDF cannot be parsed ({type(exc).__name__}: {exc})") from None


def _pdfplumber_page_text(page) -> str:
    """The page text, column by column when the page is two columns of prose."""
    words = page.extract_words()
    if len(words) >= layout.MIN_RECTS:
        height = float(page.height)
        rects = [(w["x0"], height - w["bottom"], w["x1"], height - w["top"]) for w in words]
        gutter = layout.find_gutter(rects)
        if gutter is not None:
            parts = []
            for left, bottom, right, top in layout.reading_boxes(rects, gutter):
                box = (max(left, 0), max(height - top, 0), min(right, float(page.width)), min(height - bottom, height))
                if box[2] > box[0] and box[3] > box[1]:
                    parts.append(page.within_bbox(box).extract_text() or "")
            return "\n".join(p for p in parts if p.strip())
    return page.extract_text() or ""


ENGINES = {"pdfium": _pdfium_pages, "pdfplumber": _pdfplumber_pages}


def _running_key(line: str) -> str:
    """The part of a line that repeats page after page: page numbers and digits ignored."""
    line = " ".join(line.split())
    if _STRUCTURAL.match(line):
        return line.lower()
    line = _LEADING_PAGE_NUMBER.sub("", line, count=1)
    if line and (line[-1] in "-–" or line[-1].isdecimal()):  # else the trailing number cannot match (not
        # worth trying at every character; \d is what isdecimal() says, and the line ends in no space)
        line = _TRAILING_PAGE_NUMBER.sub("", line, count=1)
    return _DIGITS.sub("#", line.lower()).strip()


def _page_lines(text: str, base: int) -> list[tuple[int, int, str]]:
    lines, pos = [], 0
    for raw in text.split("\n"):
        if raw.strip():
            lines.append((base + pos, base + pos + len(raw), raw))
        pos += len(raw) + 1
    return lines


def _edge_candidates(lines: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    """The top and bottom runs of lines, each ordered from the page edge inwards."""
    depth = min(_DEEP_EDGE_LINES, len(lines) // 2)
    top = lines[: max(depth, 1)] if lines else []
    bottom = lines[::-1][:depth] if depth else []
    return [top, bottom]


def _find_noise(pages: list[str], starts: list[int]) -> list[Span]:
    """Running headers/footers (lines repeated at page edges) and page numbers.

    A line counts as running when its key (page numbers and digits ignored) is at the
    top or bottom edge of several pages. Within the outer three lines that is enough;
    deeper lines (multi-line header blocks) also need every line between them and the
    edge to be noise. A distinctive running line (12+ letters, not a sentence fragment)
    is noise wherever it appears, and bare numbers anywhere that count up page after page are page
    numbers too (EDGAR prints two pages per sheet, with both half way down).
    """
    page_lines = [_page_lines(text, base) for text, base in zip(pages, starts)]
    edges = [_edge_candidates(lines) for lines in page_lines]
    keys: dict[str, str] = {}  # each edge line's key is asked for up to three times

    def _key(line: str) -> str:
        k = keys.get(line)
        if k is None:
            k = keys[line] = _running_key(line)
        return k

    counts: Counter[str] = Counter()
    for top, bottom in edges:
        counts.update({_key(t) for _, _, t in top + bottom})
    threshold = 2 if len(pages) <= 4 else 3

    def running(text: str) -> bool:
        key = _key(text)
        return (
            len(pages) >= 2 and counts[key] >= threshold and sum(c.isalpha() for c in key) >= 3
            and len(text.strip()) <= _MAX_RUNNING_LINE
        )

    noise: set[Span] = set()
    known: set[str] = set()  # running lines long enough to recognise anywhere on a page
    for top, bottom in edges:
        for side in (top, bottom):
            unbroken = True  # every line so far, from the edge in, was noise
            for depth, (s, e, t) in enumerate(side):
                if depth >= _EDGE_LINES and not unbroken:
                    break
                if _PAGE_NUMBER.match(t) or running(t):
                    noise.add(Span(s, e))
                    key = _key(t)
                    if sum(c.isalpha() for c in key) >= _MIN_KNOWN_LETTERS and not _FRAGMENT.search(t):
                        known.add(key)
                else:
                    unbroken = False
    every_line = [line for lines in page_lines for line in lines]
    if known:  # the same header printed mid-sheet (two pages per sheet) or mid-stream
        # A line with a known key holds that key's longest word: a cheap test first.
        needles = {max(re.findall(r"[a-z]+", key), key=len) for key in known}
        noise.update(Span(s, e) for s, e, t in every_line
                     if len(t.strip()) <= _MAX_RUNNING_LINE and any(n in t.lower() for n in needles)
                     and _key(t) in known)
    noise.update(_page_number_runs(every_line))
    return sorted(noise, key=lambda sp: sp.start)


def _page_number_runs(lines: list[tuple[int, int, str]]) -> set[Span]:
    """Bare-number lines that count up (n, n+1, n+2, ...) with some text between them."""
    best: dict[int, tuple[int, int, int]] = {}  # value -> (run length, offset, index of previous)
    chain: list[tuple[int, int, int, int]] = []  # (start, end, value, previous index or -1)
    for s, e, t in lines:
        m = _BARE_NUMBER.match(t)
        if not m:
            continue
        value = int(m.group(1))
        prev = best.get(value - 1)
        if prev is not None and s - prev[1] >= _MIN_PAGE_NUMBER_GAP:
            length, link = prev[0] + 1, prev[2]
        else:
            length, link = 1, -1
        chain.append((s, e, value, link))
        if length >= best.get(value, (0, 0, 0))[0]:
            best[value] = (length, s, len(chain) - 1)
    out: set[Span] = set()
    for length, _, index in best.values():
        if length < 3:
            continue
        while index >= 0:
            s, e, _, index = chain[index]
            out.add(Span(s, e))
    return out


_DEFLATE_MAX_RATIO = 1032  # no deflate stream inflates more than this many times its size


def _check_stream_bombs(data: bytes, limit: int) -> None:
    """Refuse a PDF with a compressed stream that inflates past ``limit`` bytes.

    pdfium inflates a page's content stream whole (a 1 MB stream of zeros became
    2.2 GB of memory). Only streams big enough to reach the limit at deflate's
    maximum ratio are inflated here, chunk by chunk, the output thrown away.
    """
    threshold = limit // _DEFLATE_MAX_RATIO
    pos = data.find(b"stream")
    while pos >= 0:
        start = pos + 6
        if data[pos - 3:pos] != b"end" and data[start:start + 1] in (b"\r", b"\n"):
            start += 2 if data[start:start + 2] == b"\r\n" else 1
            end = data.find(b"endstream", start)
            if end < 0:
                return
            if end - start > threshold:
                _inflate_within(data[start:end], limit)
            pos = data.find(b"stream", end + 9)
        else:
            pos = data.find(b"stream", start)


def _inflate_within(stream: bytes, limit: int) -> None:
    inflater = zlib.decompressobj()
    produced = 0
    chunk = stream
    try:
        while chunk:
            produced += len(inflater.decompress(chunk, 1 << 20))
            if produced > limit:
                raise TooLarge(f"a compressed stream in the PDF inflates to more than {limit:,} bytes "
                               "(a decompression bomb?); the limit is configurable")
            chunk = b"" if inflater.eof else inflater.unconsumed_tail  # bytes after the end stay put
    except zlib.error:
        return  # not deflate (images, encrypted data): pdfium decides


MIN_PAGE_TEXT = 20  # characters; fewer and the page is taken for a scan
_EOF_WINDOW = 8192  # bytes at the end where a complete PDF has its %%EOF marker


def load_pdf(data: bytes, source: str, options: LoadOptions) -> Document:
    engine = ENGINES.get(options.pdf_engine)
    if engine is None:
        raise ValueError(f"unknown PDF engine {options.pdf_engine!r}; choose from {sorted(ENGINES)}")
    if options.ocr not in ("auto", "always", "never"):
        raise ValueError(f"unknown OCR mode {options.ocr!r}; choose auto, always or never")
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        # pdfium would recover the first pages silently; a lawyer must not get "missing" findings for the rest
        raise CorruptFile("the PDF is truncated (no end-of-file marker): part of it is missing; "
                          "get a complete copy")
    _check_stream_bombs(data, options.max_decompressed_bytes)
    pages = [join_hyphenated(normalise_text(p)).rstrip() for p in engine(data, options)]
    warnings: list[LoadWarning] = []
    blank = ocr.blank_pages(data, [i + 1 for i, p in enumerate(pages) if len(p.strip()) < MIN_PAGE_TEXT], options)
    wanted = [] if options.ocr == "never" else [
        i + 1 for i, p in enumerate(pages)
        if (options.ocr == "always" or len(p.strip()) < MIN_PAGE_TEXT) and i + 1 not in blank
    ]
    have_ocr = bool(wanted) and ocr.tesseract_path(options) is not None
    read: dict[int, str] = {}
    if have_ocr:
        read = {n: join_hyphenated(normalise_text(t)).rstrip() for n, t in ocr.ocr_pages(data, wanted, options).items()}
        read = {n: t for n, t in read.items() if len(t.strip()) >= MIN_PAGE_TEXT or options.ocr == "always"}
        for n, t in read.items():
            pages[n - 1] = t
        if read:
            done = sorted(read)
            warnings.append(LoadWarning(
                type="ocr",
                message=f"{len(done)} page(s) were read by OCR (Tesseract); check quotes against the original",
                pages=done,
            ))
    # A blank page (or one with only rules and a page number) is not unreadable: it has nothing to read.
    short = [i + 1 for i, p in enumerate(pages) if len(p.strip()) < MIN_PAGE_TEXT]
    empty = [n for n in short if n not in blank]
    if len(blank) == len(pages):
        raise NoText(f"all {len(pages)} page(s) are blank")
    if len(short) == len(pages):
        raise NoText(f"none of the {len(pages)} page(s) has readable text; {_why_unread(options, have_ocr)}")
    if empty:
        warnings.append(LoadWarning(
            type="unreadable_pages",
            message=f"{len(empty)} page(s) have no readable text (scanned?); {_why_unread(options, have_ocr)}; "
            "a clause reported missing may be on them",
            pages=empty,
        ))
    starts, pos = [], 0
    for text in pages:
        starts.append(pos)
        pos += len(text) + len(PAGE_SEPARATOR)
    doc = Document(text=PAGE_SEPARATOR.join(pages), source=source, format="pdf", page_starts=starts,
                   page_count=len(pages), warnings=warnings, unreadable_pages=empty,
                   ocr_pages=sorted(read) if have_ocr else [])
    doc.noise = _find_noise(pages, starts)
    if options.ocr_correct and doc.ocr_pages:  # not imported for a born-digital PDF
        from .ocrfix import corrections

        for n in doc.ocr_pages:
            doc.corrections += [(starts[n - 1] + s, starts[n - 1] + e, new) for s, e, new in corrections(pages[n - 1])]
    return doc


def _why_unread(options: LoadOptions, have_ocr: bool) -> str:
    if options.ocr == "never":
        return "OCR is off (--ocr never)"
    if not have_ocr:
        return "OCR is not available: " + ocr.install_hint()
    return "OCR found no text on them either"
