"""The Dask runner: documents (bytes and name) sent to a cluster, the results of a local run."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import Future
from collections.abc import Iterable
from typing import Any

from .. import __version__
from ..errors import ContractScanError
from .pending import Pending
from .runners import WorkersLost
from .settings import ScanSettings
from .sandbox import Sandbox
from .work import Job, Outcome

_dask_local = threading.local()
# What distributed raises when a wait times out: asyncio's TimeoutError, which is the built-in
# TimeoutError only from Python 3.11 (on 3.10 ``except TimeoutError`` let it end the run).
_TIMEOUTS = (TimeoutError, asyncio.TimeoutError)


def _dask_work(settings: ScanSettings, fingerprint: str, name: str, data: bytes, keep_document: bool) -> Outcome:
    """Runs on a Dask worker: each worker thread scans in its own child process (built on first
    use), which is killed should a document overrun the time limit."""
    cache = getattr(_dask_local, "sandboxes", None)
    if cache is None:
        cache = _dask_local.sandboxes = {}
    sandbox = cache.get(fingerprint)
    if sandbox is None:
        if settings.fingerprint() != fingerprint:
            raise ContractScanError(
                "a Dask worker has a different contractscan version or code, built-in rules or text libraries "
                f"than this machine (contractscan {__version__} here); install the same versions there")
        sandbox = cache[fingerprint] = Sandbox(settings)
    return sandbox.scan(name, data, keep_document)


class DaskRunner:
    """Documents sent to a Dask cluster.

    The scheduler reschedules work lost with a worker itself; a document that keeps
    killing workers fails alone (KilledWorker) and gets an error result; when no worker is
    left at all, the documents in flight get an error instead of a wait without end.
    """

    keep_documents = False
    lost_after = 30.0  # seconds without any worker before the documents in flight get an error

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
        except (OSError, *_TIMEOUTS) as exc:
            raise ContractScanError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        threads = sum(self._client.nthreads().values()) or 1
        self.window = threads * 4
        self._checked = 0.0
        self._gone_since: float | None = None
        self._lost = ""

    def submit(self, job: Job) -> Any:
        if self._lost:
            lost: Future[Outcome] = Future()
            lost.set_exception(WorkersLost(self._lost))
            return lost
        return self._client.submit(_dask_work, self.settings, self.fingerprint, job.name, job.data,
                                   self.keep_documents, pure=False)

    def wait(self, future: Any, timeout: float | None) -> bool:
        from distributed import wait

        while True:
            try:
                wait([future], timeout=timeout if timeout is not None else 1.0)
                return True
            except _TIMEOUTS:
                pass
            self._check_workers()
            if timeout is not None:
                return False

    def _check_workers(self) -> None:
        """Raise WorkersLost once the cluster has had no worker for ``lost_after`` seconds: the
        scheduler would wait for one forever."""
        now = time.monotonic()
        if now - self._checked < 1.0:
            return
        self._checked = now
        try:
            alive = bool(self._client.nthreads())
        except Exception:  # the scheduler itself is gone
            alive = False
        if alive:
            self._gone_since = None
            return
        if self._gone_since is None:
            self._gone_since = now
        if now - self._gone_since >= self.lost_after:
            self._lost = (f"the Dask cluster has had no workers for {self.lost_after:g} s, so this file was not "
                          "scanned; start workers and run again")
            raise WorkersLost(self._lost)

    def recover(self, pending: Iterable[Pending], profile_name: str) -> None:
        pass

    def close(self, interrupted: bool = False) -> None:
        self._client.close()
