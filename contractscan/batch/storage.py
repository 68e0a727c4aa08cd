"""The batch's side of the result store: answer from it, save to it, and give stored or
remote results what an in-process scan attaches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import __version__
from ..results import ScanResult, printable
from .pending import Pending
from .settings import ScanSettings

if TYPE_CHECKING:
    from ..store import ResultStore


def lookup(store: ResultStore, name: str, sha256: str, fingerprint: str) -> ScanResult | None:
    """The stored result for these bytes under these settings, named ``name``."""
    stored = store.lookup(sha256, fingerprint, __version__)
    if stored is None:
        return None
    result = ScanResult.model_validate_json(stored)
    result.source = printable(name)
    return result


def remember(store: ResultStore, item: Pending, fingerprint: str) -> None:
    """Save a finished item: a new result, or a pointer to the stored one it reused."""
    assert item.result is not None
    source = item.result.source  # the name as text, whatever bytes it had on disk
    if item.stored:
        store.point(source, item.job.sha256 or "", fingerprint, __version__, item.result.model_dump_json)
        return
    outcome = item.outcome
    store.save(source, outcome.result_json if outcome else item.result.model_dump_json(),
               item.job.sha256, fingerprint, __version__,
               reusable=bool(outcome and outcome.reusable and item.job.sha256))


def results_from_store(store: ResultStore) -> Iterator[ScanResult]:
    """The latest stored result of every source, without scanning anything."""
    for js in store.latest():
        yield ScanResult.model_validate_json(js)


class Attacher:
    """Gives results from workers or the store the document ``Analyzer.scan`` attaches in-process."""

    def __init__(self, settings: ScanSettings) -> None:
        self.settings = settings

    def attach(self, item: Pending) -> None:
        assert item.result is not None
        document = item.outcome.document if item.outcome is not None else None
        if document is None and item.stored and item.result.error is None and item.job.data is not None:
            from ..loaders import load_bytes

            # Loading is the cheap part of a scan; what was analysed comes from the store.
            document = load_bytes(item.job.data, item.job.name, self.settings.load_options())
        item.result.attach(document)
