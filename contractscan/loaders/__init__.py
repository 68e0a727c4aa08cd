"""Turn bytes into a :class:`~contractscan.document.Document`.

The loader is chosen by content (magic bytes, zip structure), not by file
extension, so a PDF saved as ``.txt`` is still read as a PDF.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from dataclasses import dataclass

from ..document import Document
from ..errors import CorruptFile, IOProblem, NoText, TooLarge, UnsupportedFormat

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".txt", ".md", ".text")
_BINARY_SUFFIXES = {".pdf": "PDF", ".docx": "Word .docx"}  # never plain text when the file is sound


@dataclass(frozen=True)
class LoadOptions:
    """How to read files, and the limits that bound memory and time on hostile input."""

    pdf_engine: str = "pdfium"
    password: str | None = None
    max_file_bytes: int = 200 * 1024 * 1024
    max_pages: int = 5000
    max_decompressed_bytes: int = 100 * 1024 * 1024  # a DOCX part or a PDF stream, inflated
    max_xml_tags: int = 6_000_000  # per DOCX part; bounds the parsed XML tree to about 1 GB
    ocr: str = "auto"  # auto: OCR pages without a text layer; always: every page; never
    ocr_language: str = "eng"  # Tesseract language(s), e.g. "eng+deu"
    ocr_dpi: int = 300
    ocr_page_timeout: float = 120.0
    ocr_correct: bool = True  # match OCR pages as corrected for Tesseract's usual misreadings
    tesseract: str = "tesseract"  # program name or path
    max_text_chars: int = 20_000_000  # the analysis needs memory in proportion (~70 bytes a character)
    max_line_chars: int = 1_000_000  # one line this long is data, not a document with paragraphs


def sniff(data: bytes) -> str:
    """Name the format of ``data``: pdf, docx, doc, rtf, zip, text or binary."""
    head = data[:8]
    if data[:1024].lstrip().startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return "corrupt_zip"
        if "word/document.xml" in names:
            return "docx"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if data[:5] == b"{\\rtf":
        return "rtf"
    return "text"


def load_bytes(data: bytes, source: str = "<bytes>", options: LoadOptions | None = None) -> Document:
    options = options or LoadOptions()
    doc = _load(data, source, options)
    if len(doc.text) > options.max_text_chars:
        raise TooLarge(f"the document has {len(doc.text):,} characters of text; the limit is "
                       f"{options.max_text_chars:,}")
    longest = max(map(len, doc.text.split("\n")))
    if longest > options.max_line_chars:
        raise TooLarge(f"one line has {longest:,} characters without a line break; the limit is "
                       f"{options.max_line_chars:,} (is this a document?)")
    return doc


def _load(data: bytes, source: str, options: LoadOptions) -> Document:
    if len(data) > options.max_file_bytes:
        raise TooLarge(f"file is {len(data):,} bytes; the limit is {options.max_file_bytes:,}")
    if not data:
        raise NoText("the file is empty (0 bytes)")
    kind = sniff(data)
    if kind == "pdf":
        from .pdf import load_pdf

        return load_pdf(data, source, options)
    if kind == "docx":
        from .docx import load_docx

        return load_docx(data, source, options)
    if kind == "doc":
        raise UnsupportedFormat(
            "legacy Word .doc is not supported; convert it with "
            "'libreoffice --headless --convert-to docx FILE' and scan the .docx"
        )
    if kind == "rtf":
        raise UnsupportedFormat(
            "RTF is not supported; convert it with "
            "'libreoffice --headless --convert-to docx FILE' and scan the .docx"
        )
    if kind == "corrupt_zip":
        raise CorruptFile("looks like a ZIP/DOCX file but the archive is damaged")
    if kind == "zip":
        raise UnsupportedFormat("a ZIP archive that is not a Word .docx document")
    from .text import load_text

    doc = load_text(data, source, options)  # binary junk is unsupported_format, whatever its name
    suffix = next((x for x in _BINARY_SUFFIXES if os.path.basename(source).lower().endswith(x)), None)
    if suffix is not None:  # (".docx" alone counts: splitext takes it for a name without extension)
        # Read as text it would be "missing every clause"; it is a broken or misnamed file.
        raise CorruptFile(f"the name ends in {suffix} but the content is plain text, not a "
                          f"{_BINARY_SUFFIXES[suffix]} file (the extension and the content disagree)")
    return doc


def load_path(path: str | os.PathLike[str], options: LoadOptions | None = None) -> Document:
    options = options or LoadOptions()
    return load_bytes(read_file(path, options.max_file_bytes), os.fsdecode(path), options)


_KINDS = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")]


def read_file(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of a regular file, never more than ``max_bytes``.

    Anything else is refused before it is read: a named pipe would block until a writer
    comes, a device (``/dev/zero``, or a link to it) never ends. The size is checked on the
    open file and the read is bounded too, for files that grow or whose size is not known.
    """
    try:
        _check_regular(path, os.stat(path).st_mode)
        # O_NONBLOCK: should a pipe replace the file after the check, opening it does not wait.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        try:
            st = os.fstat(fd)
            _check_regular(path, st.st_mode)
            if st.st_size > max_bytes:
                raise TooLarge(f"file is {st.st_size:,} bytes; the limit is {max_bytes:,}")
            chunks, total = [], 0
            while chunk := os.read(fd, min(max(st.st_size, 1 << 16), max_bytes + 1 - total)):
                chunks.append(chunk)
                total += len(chunk)
                if total > max_bytes:
                    raise TooLarge(f"file is more than {max_bytes:,} bytes, the limit")
            return b"".join(chunks)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise IOProblem(f"no such file: {os.fsdecode(path)}") from None
    except PermissionError:
        raise IOProblem(f"permission denied: {os.fsdecode(path)}") from None
    except OSError as exc:
        raise IOProblem(f"cannot read {os.fsdecode(path)}: {exc.strerror or exc}") from None


def _check_regular(path: str | os.PathLike[str], mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise IOProblem(f"{os.fsdecode(path)} is a directory")
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise UnsupportedFormat(f"{os.fsdecode(path)} is {kind}, not a regular file: contractscan reads only "
                            "regular files (a pipe or a device might never end)")
