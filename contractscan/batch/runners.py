"""Where documents are scanned: here, in local worker processes, or on a Dask cluster
(``cluster.py``), all behind the one ``Runner`` protocol the scheduler drives."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import ContractScanError
from .pending import Pending, State
from .settings import ScanSettings
from .work import Job, Outcome, failed, scan_job

if TYPE_CHECKING:
    from ..scanner import Analyzer

_CRASH_LIMIT = 3


class WorkersLost(Exception):
    """Every worker is gone: the documents in flight will not come back."""


class Runner(Protocol):
    """Runs jobs. ``window``: how many may be in flight at once; ``keep_documents``: send the
    loaded document back with each outcome."""

    window: int
    keep_documents: bool

    def submit(self, job: Job) -> Any:
        """Start a job; return a future (``done()``, ``result()``, ``exception()``)."""
        ...

    def wait(self, future: Any, timeout: float | None) -> bool:
        """Wait up to ``timeout`` seconds (None: no limit); say whether the future is done.
        Raises WorkersLost when no worker is left to finish it."""
        ...

    def recover(self, pending: Iterable[Pending], profile_name: str) -> None:
        """The runner broke: settle every pending job it took down."""
        ...

    def close(self, interrupted: bool = False) -> None:
        ...


class InProcess:
    """``--workers 1``: scan here, one document at a time."""

    window = 1
    keep_documents = False

    def __init__(self, settings: ScanSettings) -> None:
        self.settings = settings
        self._analyzer: Analyzer | None = None

    def submit(self, job: Job) -> Future[Outcome]:
        if self._analyzer is None:
            self._analyzer = self.settings.build()
        fut: Future[Outcome] = Future()
        try:
            fut.set_result(scan_job(self._analyzer, job.name, job.data, self.keep_documents))
        except Exception as exc:  # reported as that file's error, like a worker's
            fut.set_exception(exc)
        return fut

    def wait(self, future: Future[Outcome], timeout: float | None) -> bool:
        return True

    def recover(self, pending: Iterable[Pending], profile_name: str) -> None:
        pass

    def close(self, interrupted: bool = False) -> None:
        pass


# --- worker processes ------------------------------------------------------------------

_worker_analyzer: Analyzer | None = None
_worker_setup_error: Exception | None = None
# built in the parent before it forks the workers: (the settings, their pipeline)
_prebuilt: tuple[ScanSettings, Analyzer] | None = None


def set_parent_death_signal(parent: int | None = None) -> None:
    """Linux: the kernel kills this process when its parent dies (prctl PR_SET_PDEATHSIG), so
    no worker lives on, busy and orphaned, after the run was killed. ``parent``: the pid that
    started us; if it is already gone, exit now."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # 1: PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def _init_worker(settings: ScanSettings, parent: int | None = None) -> None:
    """Pool initializer: build the pipeline once per worker; keep a setup error to report."""
    global _worker_analyzer, _worker_setup_error
    set_parent_death_signal(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        if _prebuilt is not None and _prebuilt[0] is settings:
            _worker_analyzer = _prebuilt[1]  # forked: the parent's, already warm
        else:
            _worker_analyzer = settings.build()
    except (ContractScanError, ValueError, OSError) as exc:
        _worker_setup_error = exc


def _work(name: str, data: bytes | None, keep_document: bool) -> Outcome:
    if _worker_setup_error is not None:
        raise _worker_setup_error
    assert _worker_analyzer is not None
    return scan_job(_worker_analyzer, name, data, keep_document)


class ProcessPool:
    """Worker processes on this machine; rebuilt when one dies."""

    keep_documents = False

    def __init__(self, settings: ScanSettings, workers: int) -> None:
        import multiprocessing

        self.settings = settings
        self.workers = workers
        self.window = workers * 4
        # fork: workers start in milliseconds and share the parent's imported modules, so
        # spaCy is imported once here (only now that documents need scanning), not per worker.
        self._context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        if self._context.get_start_method() == "fork":
            _prebuild(settings)
        self._pool = self._new_pool()

    def _new_pool(self):
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(self.workers, mp_context=self._context,
                                   initializer=_init_worker, initargs=(self.settings, os.getpid()))

    def submit(self, job: Job) -> Future[Outcome]:
        return self._pool.submit(_work, job.name, job.data, self.keep_documents)

    def wait(self, future: Future[Outcome], timeout: float | None) -> bool:
        from concurrent.futures import wait

        return bool(wait([future], timeout).done)

    def recover(self, pending: Iterable[Pending], profile_name: str) -> None:
        from concurrent.futures.process import BrokenProcessPool

        self._replace_pool()
        crashes_in_a_row = 0
        for item in pending:
            if item.state is not State.RUNNING:
                continue
            fut = item.future
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                continue
            retry = self.submit(item.job)
            try:
                retry.result()
                item.start(retry)
                crashes_in_a_row = 0
            except BrokenProcessPool:
                crashes_in_a_row += 1
                if crashes_in_a_row >= _CRASH_LIMIT:
                    raise ContractScanError(
                        f"worker processes keep dying (last on {item.job.name}); "
                        "try --workers 1 --debug to see why") from None
                item.finish(failed(item.job.name, profile_name, "corrupt",
                                   "the worker process reading this file died (a crash in a parser library, "
                                   "or out of memory); the other files were scanned"))
                self._replace_pool()
            except Exception:
                item.start(retry)  # an ordinary error: reported when this job's turn comes

    def _replace_pool(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()

    def close(self, interrupted: bool = False) -> None:
        if interrupted:
            # Workers ignore SIGINT; stop them rather than wait for their current documents.
            procs = list((getattr(self._pool, "_processes", None) or {}).values())
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.join(10)
            # A worker stopped while sending a result leaves half a message in the result pipe,
            # and the pool's manager thread would wait for the rest for ever (seen once the
            # workers started fast enough to be sending results at Ctrl-C). With every worker
            # gone, closing this process's copy of the pipe's writing end ends that read (EOF).
            queue = getattr(self._pool, "_result_queue", None)
            writer = getattr(queue, "_writer", None)
            if writer is not None and not any(p.is_alive() for p in procs):
                try:
                    writer.close()
                except OSError:
                    pass
        self._pool.shutdown(wait=True, cancel_futures=True)


def _prebuild(settings: ScanSettings) -> None:
    """Build and warm the pipeline here, before forking: each worker starts with it (some tenths of
    a second of CPU per worker saved, and its memory shared until written). Frozen out of the
    garbage collector's view, so the workers' collections neither walk nor copy it. A setup
    error is left for the workers to meet and report, as without this."""
    global _prebuilt
    if _prebuilt is not None and _prebuilt[0] is settings:
        return
    import gc

    from .. import match  # noqa: F401
    try:
        analyzer = settings.build()
        analyzer.warm()
    except Exception:
        _prebuilt = None
        return
    _prebuilt = (settings, analyzer)
    gc.collect()
    gc.freeze()


def make_runner(settings: ScanSettings, executor: str, scheduler: str | None, workers: int) -> Runner:
    if executor == "dask":
        from .cluster import DaskRunner

        return DaskRunner(settings, scheduler or "")
    return ProcessPool(settings, workers) if workers > 1 else InProcess(settings)
