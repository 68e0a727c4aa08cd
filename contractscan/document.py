"""The loaded document: one text, with every character traceable to a page."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A half-open character range of ``Document.text``."""

    start: int
    end: int


@dataclass
class LoadWarning:
    type: str
    message: str
    pages: list[int] = field(default_factory=list)


@dataclass
class Document:
    """Text of a contract plus where each part came from.

    ``page_starts[i]`` is the offset where page ``i + 1`` begins; text files (and
    DOCX files Word never laid out) have no pages, so the list is empty and
    ``page_at`` returns None.
    ``noise`` lists spans (running headers, footers, page numbers) that stay in
    ``text`` so offsets keep matching the source, but are not clause text.
    """

    text: str
    source: str = "<text>"
    format: str = "text"
    page_starts: list[int] = field(default_factory=list)
    noise: list[Span] = field(default_factory=list)
    warnings: list[LoadWarning] = field(default_factory=list)
    unreadable_pages: list[int] = field(default_factory=list)
    page_count: int | None = None
    # Pages read by OCR, and edits (start, end, replacement) that undo OCR's usual misreadings
    # there: matching reads the text with them made, quotes keep what OCR read.
    ocr_pages: list[int] = field(default_factory=list)
    corrections: list[tuple[int, int, str]] = field(default_factory=list)

    def corrected(self) -> tuple[Document, OffsetMap | None]:
        """A copy with ``corrections`` made (pages and noise moved with them), and the map from
        its offsets back to this text; this document itself when there is nothing to correct."""
        if not self.corrections:
            return self, None
        parts, pos = [], 0
        for start, end, new in self.corrections:
            parts += [self.text[pos:start], new]
            pos = end
        parts.append(self.text[pos:])
        offsets = OffsetMap(self.corrections)
        view = Document(
            text="".join(parts), source=self.source, format=self.format,
            page_starts=[offsets.to_corrected(s) for s in self.page_starts],
            noise=[Span(offsets.to_corrected(s.start), offsets.to_corrected(s.end, end=True)) for s in self.noise],
            warnings=self.warnings, unreadable_pages=self.unreadable_pages, page_count=self.page_count,
            ocr_pages=self.ocr_pages,
        )
        return view, offsets

    def page_at(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))

    def is_noise(self, start: int, end: int) -> bool:
        return any(s.start <= start and end <= s.end for s in self.noise)


class OffsetMap:
    """Offsets between a text and the same text with edits made (both ways)."""

    def __init__(self, edits: list[tuple[int, int, str]]) -> None:
        self.raw: list[tuple[int, int]] = []  # per edit: start, end in the original text
        self.fixed: list[tuple[int, int]] = []  # per edit: start, end in the corrected text
        shift = 0
        for start, end, new in edits:
            self.raw.append((start, end))
            self.fixed.append((start + shift, start + shift + len(new)))
            shift += len(new) - (end - start)
        self._raw_starts = [s for s, _ in self.raw]
        self._fixed_starts = [s for s, _ in self.fixed]

    @staticmethod
    def _move(offset: int, starts: list[int], source: list[tuple[int, int]], target: list[tuple[int, int]],
              end: bool) -> int:
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return offset
        (s, e), (ts, te) = source[i], target[i]
        if offset > e:
            return offset - e + te
        if offset == s:
            return te if not end and s == e else ts  # a start after a deletion; an end before it
        if offset < e:
            return te if end else ts  # inside an edit: all of it
        return te  # offset == e: right after the edit

    def to_original(self, offset: int, end: bool = False) -> int:
        """Where ``offset`` of the corrected text is in the original (``end``: an exclusive end)."""
        return self._move(offset, self._fixed_starts, self.fixed, self.raw, end)

    def to_corrected(self, offset: int, end: bool = False) -> int:
        return self._move(offset, self._raw_starts, self.raw, self.fixed, end)
