"""One document's scan, as every runner performs it, and what it sends back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..results import ScanError, ScanResult

if TYPE_CHECKING:
    from .settings import ScanSettings
    from ..document import Document
    from ..scanner import Analyzer

# Errors that depend on the bytes alone; others (io_error, encrypted, timeout, out_of_memory,
# internal_error, a crashed worker) may go away on the next run, so those results are not reused.
REUSABLE_ERRORS = {"unsupported_format", "corrupt", "no_text", "too_large"}


@dataclass
class Job:
    """One document to scan: a path, or its bytes when they are already read (and hashed)."""

    name: str
    data: bytes | None = None
    sha256: str | None = None
    size: int = 0  # bytes: the scheduler starts large files first


@dataclass
class Outcome:
    """What a worker sends back: the result as JSON, so the store keeps exactly that, and
    the loaded document when the report shows the contract itself."""

    result_json: str
    pages: int = 0
    reusable: bool = False
    document: Document | None = None


def scan_job(analyzer: Analyzer, name: str, data: bytes | None, keep_document: bool = False) -> Outcome:
    """Scan one document; ``data`` None means read ``name`` from disk here, within the time limit."""
    result = analyzer.scan(Path(name), name=name) if data is None else analyzer.scan(data, name=name)
    reusable = data is not None and (result.error is None or result.error.type in REUSABLE_ERRORS)
    return Outcome(result.model_dump_json(), result.pages or 0, reusable,
                   result.document if keep_document else None)


def read_source(name: str, settings: ScanSettings) -> bytes:
    """The file's bytes, read here within the time limit; a typed error says why not."""
    from ..loaders import read_file
    from ..deadline import time_limit

    with time_limit(settings.time_limit):
        return read_file(name, settings.load_options().max_file_bytes)


def failed(name: str, profile_name: str, kind: str, message: str) -> ScanResult:
    """An error result for a file no worker scanned (or whose worker died)."""
    return ScanResult(source=name, profile=profile_name, error=ScanError(type=kind, message=message))
