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

    def page_at(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))

    def is_noise(self, start: int, end: int) -> bool:
        return any(s.start <= start and end <= s.end for s in self.noise)
