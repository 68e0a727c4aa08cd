"""JSON and JSON Lines: the machine-readable contract."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from ..results import ScanResult
from .context import ReportContext


def render_json(results: Iterable[ScanResult], out: TextIO, context: ReportContext) -> None:
    """One object for one document, a list for several."""
    items = [r.model_dump(mode="json") for r in results]
    payload = items[0] if len(items) == 1 else items
    json.dump(payload, out, indent=2, ensure_ascii=False)
    out.write("\n")


def render_jsonl(results: Iterable[ScanResult], out: TextIO, context: ReportContext) -> None:
    """One line per document, written as each result arrives."""
    for r in results:
        out.write(r.model_dump_json() + "\n")
        out.flush()
