"""Render scan results. Each format is a function registered by name.

A renderer is called as ``render(results, out, context)``: the ``ReportContext`` carries
the profile and rules the results were judged with, from whoever ran the scan.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TextIO

from ..results import ScanResult
from .context import ReportContext

Renderer = Callable[[Iterable[ScanResult], TextIO, ReportContext], None]

# name -> (module, function): a renderer's module (rich for the table, the HTML template ...)
# is imported when its format is asked for, not at every start of the command line
_RENDERERS = {
    "table": (".table", "render_table"),
    "json": (".json", "render_json"),
    "jsonl": (".json", "render_jsonl"),
    "html": (".html", "render_html"),
    "md": (".markdown", "render_markdown"),
    "csv": (".csv", "render_csv"),
    "summary": (".summary", "render_summary"),
}


class _Renderers(Mapping[str, Renderer]):
    def __getitem__(self, name: str) -> Renderer:
        module, function = _RENDERERS[name]
        return getattr(importlib.import_module(module, __name__), function)

    def __iter__(self) -> Iterator[str]:
        return iter(_RENDERERS)

    def __len__(self) -> int:
        return len(_RENDERERS)


RENDERERS: Mapping[str, Renderer] = _Renderers()

# Formats that show the contract itself (the document a result carries), so a batch scan
# must bring it back from its workers; these also name clauses by their rules.
DOCUMENT_FORMATS = frozenset({"html", "md"})

__all__ = ["DOCUMENT_FORMATS", "RENDERERS", "Renderer", "ReportContext"]
