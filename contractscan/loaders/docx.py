"""DOCX: paragraphs and tables in document order; no pages in Word files."""

from __future__ import annotations

import io
import zipfile

from ..document import Document
from ..errors import CorruptFile, NoText, TooLarge
from . import LoadOptions
from .cleanup import normalise_text


def _check_zip(data: bytes, options: LoadOptions) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorruptFile(f"the DOCX archive is damaged ({exc})") from None
    if total > options.max_decompressed_bytes:
        raise TooLarge(
            f"the DOCX would decompress to {total:,} bytes; the limit is {options.max_decompressed_bytes:,}"
        )


def _block_texts(document) -> list[str]:
    """Paragraph and table-cell texts in the order they appear in the body."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    out.extend(p.text for p in cell.paragraphs)
    return out


def load_docx(data: bytes, source: str, options: LoadOptions) -> Document:
    _check_zip(data, options)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, XMLSyntaxError, ...
        raise CorruptFile(f"the DOCX cannot be parsed ({type(exc).__name__})") from None
    text = normalise_text("\n".join(_block_texts(document)))
    if not text.strip():
        raise NoText("the document contains no text")
    return Document(text=text, source=source, format="docx")
