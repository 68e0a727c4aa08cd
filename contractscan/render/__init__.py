"""Render scan results. Each format is a function registered by name.

A renderer is called as ``render(results, out, context)``: the ``ReportContext`` carries
the profile and rules the results were judged with, from whoever ran the scan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TextIO

from ..results import ScanResult
from .context import ReportContext
from .csv import render_csv
from .html import render_html
from .json import render_json, render_jsonl
from .markdown import render_markdown
from .summary import render_summary
from .table import render_table

Renderer = Callable[[Iterable[ScanResult], TextIO, ReportContext], None]

RENDERERS: dict[str, Renderer] = {
    "table": render_table,
    "json": render_json,
    "jsonl": render_jsonl,
    "html": render_html,
    "md": render_markdown,
    "csv": render_csv,
    "summary": render_summary,
}

# Formats that show the contract itself (the document a result carries), so a batch scan
# must bring it back from its workers; these also name clauses by their rules.
DOCUMENT_FORMATS = frozenset({"html", "md"})

__all__ = ["DOCUMENT_FORMATS", "RENDERERS", "Renderer", "ReportContext"]
