"""Render scan results. Each format is a function registered by name."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TextIO

from ..results import ScanResult
from .csv import render_csv
from .html import render_html
from .json import render_json, render_jsonl
from .markdown import render_markdown
from .summary import render_summary
from .table import render_table

Renderer = Callable[[Iterable[ScanResult], TextIO], None]

RENDERERS: dict[str, Renderer] = {
    "table": render_table,
    "json": render_json,
    "jsonl": render_jsonl,
    "html": render_html,
    "md": render_markdown,
    "csv": render_csv,
    "summary": render_summary,
}

# Formats that use what the Analyzer attaches to a result (the document, profile and rules),
# so a batch scan must bring those back from its workers.
DOCUMENT_FORMATS = frozenset({"html", "md"})
