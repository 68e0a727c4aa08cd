"""One document's scan, as every runner performs it, and what it sends back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..loaders import LoadOptions
from ..results import ScanError, ScanResult

if TYPE_CHECKING:
    from ..document import Document
    from ..scanner import Analyzer

# Errors that depend on the bytes alone; others (io_error, encrypted, timeout, a crashed
# worker) may go away on the next run, so those results are not reused.
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
    """Scan one document; ``data`` None means read ``name`` from disk here."""
    if data is None:
        data = read_source(name, analyzer.load_options)  # None: scan() below says why
    result = analyzer.scan(name) if data is None else analyzer.scan(data, name=name)
    reusable = data is not None and (result.error is None or result.error.type in REUSABLE_ERRORS)
    return Outcome(result.model_dump_json(), result.pages or 0, reusable,
                   result.document if keep_document else None)


def read_source(name: str, options: LoadOptions) -> bytes | None:
    """The file's bytes, or None to let the scan report why they cannot be read."""
    try:
        p = Path(name)
        if p.stat().st_size > options.max_file_bytes:
            return None
        return p.read_bytes()
    except OSError:
        return None


def failed(name: str, profile_name: str, kind: str, message: str) -> ScanResult:
    """An error result for a file no worker scanned (or whose worker died)."""
    return ScanResult(source=name, profile=profile_name, error=ScanError(type=kind, message=message))
