"""The Dask runner: documents (bytes and name) sent to a cluster, the results of a local run."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from .. import __version__
from ..errors import ContractScanError
from .pending import Pending
from .settings import ScanSettings
from .work import Job, Outcome, scan_job

_dask_local = threading.local()


def _dask_work(settings: ScanSettings, fingerprint: str, name: str, data: bytes, keep_document: bool) -> Outcome:
    """Runs on a Dask worker: one pipeline per worker thread, built on first use."""
    cache = getattr(_dask_local, "analyzers", None)
    if cache is None:
        cache = _dask_local.analyzers = {}
    analyzer = cache.get(fingerprint)
    if analyzer is None:
        if settings.fingerprint() != fingerprint:
            raise ContractScanError(
                "a Dask worker has a different contractscan version, built-in rules or text libraries "
                f"than this machine (contractscan {__version__} here); install the same versions there")
        analyzer = cache[fingerprint] = settings.build()
    return scan_job(analyzer, name, data, keep_document)


class DaskRunner:
    """Documents sent to a Dask cluster.

    The scheduler reschedules work lost with a worker itself; a document that keeps
    killing workers fails alone (KilledWorker) and gets an error result.
    """

    keep_documents = False

    def __init__(self, settings: ScanSettings, scheduler: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise ContractScanError(
                "--executor dask needs the Dask extra: pip install 'contractscan[dask]'") from None
        self.settings = settings
        self.fingerprint = settings.fingerprint()
        try:
            self._client = Client(scheduler, timeout=30)
        except (OSError, TimeoutError) as exc:
            raise ContractScanError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        threads = sum(self._client.nthreads().values()) or 1
        self.window = threads * 4

    def submit(self, job: Job) -> Any:
        return self._client.submit(_dask_work, self.settings, self.fingerprint, job.name, job.data,
                                   self.keep_documents, pure=False)

    def wait(self, future: Any, timeout: float | None) -> bool:
        from distributed import wait

        try:
            wait([future], timeout=timeout)
        except TimeoutError:
            return False
        return True

    def recover(self, pending: Iterable[Pending], profile_name: str) -> None:
        pass

    def close(self, interrupted: bool = False) -> None:
        self._client.close()
