"""Plain text: decode whatever encoding the file is in rather than failing."""

from __future__ import annotations

from ..document import Document
from ..errors import NoText, UnsupportedFormat
from . import LoadOptions
from .cleanup import normalise_text


def decode(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or cp1252."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    sample = data[:4096]
    if sample and sample.count(b"\x00") > len(sample) // 10:
        raise UnsupportedFormat("binary data, not a PDF, DOCX or text document")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def load_text(data: bytes, source: str, options: LoadOptions) -> Document:
    text = normalise_text(decode(data))
    if not text.strip():
        raise NoText("the file contains no text")
    return Document(text=text, source=source, format="text")
