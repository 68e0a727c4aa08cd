"""Plain text: decode whatever encoding the file is in rather than failing."""

from __future__ import annotations

from ..document import Document
from ..errors import NoText, TooLarge, UnsupportedFormat
from . import LoadOptions
from .cleanup import normalise_text
from .markup import looks_like_markup, plain_text

# Markdown is text whose markup the reader does not see; a .txt file is shown as written, markup and all
MARKDOWN_SUFFIXES = (".md", ".markdown")

# Bytes that never occur in text files (controls other than tab, newlines, form feed, escape).
_BINARY = bytes([*range(0, 9), 11, *range(14, 27), *range(28, 32), 127])
_BINARY_SHARE = 0.01


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le'/'-be' when every other byte is NUL, as in ASCII text saved as UTF-16."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 (BOM, or plain ASCII-range text), or cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    sample = data[:65536]
    wide = _utf16_without_bom(sample[: len(sample) // 2 * 2])
    if wide:
        return data.decode(wide, errors="replace")
    if sample and sum(sample.count(b) for b in _BINARY) > _BINARY_SHARE * len(sample):
        raise UnsupportedFormat("binary data, not a PDF, DOCX or text document")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def load_text(data: bytes, source: str, options: LoadOptions) -> Document:
    if len(data) > 4 * options.max_text_chars:  # even 4-byte UTF-8 would exceed it: refuse before decoding
        raise TooLarge(f"the text file is {len(data):,} bytes; the limit is {options.max_text_chars:,} characters")
    text = normalise_text(decode(data))
    if source.lower().endswith(MARKDOWN_SUFFIXES) and looks_like_markup(text):
        text = plain_text(text)  # Markdown (with HTML inside): read as the rendered page
    if not text.strip():
        raise NoText("the file contains no text")
    return Document(text=text, source=source, format="text")
