"""Scan many documents: in worker processes or on a Dask cluster, results in input order.

The parent process lists the files, answers what it can from the result store, renders
and shows progress; workers build the pipeline once each (a pool initializer) and scan.
spaCy is only imported where documents are analysed, so a re-scan answered by the store
never loads it. A worker that dies (a crash in a PDF library, the OOM killer) costs only
the file it was reading: the pool is rebuilt, the files that were in flight are retried one
at a time, and the one that kills a worker again gets an error result.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import ContractScanError, RuleError
from .loaders import LoadOptions
from .profiles import Profile, load_profile
from .results import ScanError, ScanResult

if TYPE_CHECKING:
    from .document import Document
    from .scanner import Analyzer
    from .store import ResultStore

# Errors that depend on the bytes alone; others (io_error, encrypted, timeout, a crashed
# worker) may go away on the next run, so those results are not reused.
_REUSABLE_ERRORS = {"unsupported_format", "corrupt", "no_text", "too_large"}
_ENGINE_PACKAGES = {"pdfium": "pypdfium2", "pdfplumber": "pdfplumber"}
_CRASH_LIMIT = 3


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True, eq=False)
class ScanSettings:
    """Everything that decides a scan's result, picklable so any worker can rebuild it.

    Extra rule files travel as bytes, so a worker on another machine scans with exactly
    the rules given here.
    """

    profile: Profile
    rule_files: tuple[tuple[str, bytes], ...] = ()
    model: str | None = None
    pdf_engine: str = "pdfium"
    password: str | None = None
    debug: bool = False
    ocr: str = "auto"
    time_limit: float | None = None

    @classmethod
    def from_options(cls, profile: str | Path = "core", rules: Iterable[str | Path] = (),
                     model: str | None = None, pdf_engine: str = "pdfium", password: str | None = None,
                     debug: bool = False, ocr: str = "auto", time_limit: float | None = None) -> ScanSettings:
        files = []
        for path in rules:
            try:
                files.append((str(path), Path(path).read_bytes()))
            except OSError:
                raise RuleError(f"{path}: no such rule file") from None
        return cls(load_profile(profile), tuple(files), model, pdf_engine, password, debug, ocr, time_limit)

    def load_options(self) -> LoadOptions:
        return LoadOptions(pdf_engine=self.pdf_engine, password=self.password, ocr=self.ocr)

    def fingerprint(self) -> str:
        """sha256 of the rules and profile in effect, the version and the libraries that read text."""
        from importlib.metadata import PackageNotFoundError, version

        from .rules import builtin_rule_files

        h = hashlib.sha256()

        def add(*parts: str | bytes) -> None:
            for part in parts:
                data = part.encode("utf-8") if isinstance(part, str) else part
                h.update(len(data).to_bytes(8, "big") + data)

        add("contractscan", __version__, self.pdf_engine, self.model or "", "password" if self.password else "",
            "ocr:" + self.ocr)
        for path in builtin_rule_files():
            add("builtin", path.name, path.read_bytes())
        for name, data in self.rule_files:
            add("extra", Path(name).name, data)
        add("profile", self.profile.model_dump_json(exclude={"source_file"}))
        for package in ("spacy", "python-docx", _ENGINE_PACKAGES.get(self.pdf_engine, ""), self.model or ""):
            try:
                add(package, version(package) if package else "")
            except PackageNotFoundError:
                add(package, "")
        return h.hexdigest()

    def build(self) -> Analyzer:
        from .scanner import Analyzer

        return Analyzer(profile=self.profile, rules=self._rule_paths(), model=self.model,
                        load_options=self.load_options(), debug=self.debug, time_limit=self.time_limit)

    def _rule_paths(self) -> list[str]:
        """The rule files given, or copies of them where this machine lacks those bytes."""
        paths = []
        for name, data in self.rule_files:
            p = Path(name)
            try:
                same = p.is_file() and p.read_bytes() == data
            except OSError:
                same = False
            if not same:
                p = Path(_rule_copies_dir()) / f"{hashlib.sha256(data).hexdigest()[:16]}-{p.name}"
                p.write_bytes(data)
            paths.append(str(p))
        return paths


_COPIES: tempfile.TemporaryDirectory[str] | None = None


def _rule_copies_dir() -> str:
    global _COPIES
    if _COPIES is None:
        _COPIES = tempfile.TemporaryDirectory(prefix="contractscan-rules-")
    return _COPIES.name


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
        data = _read(name, analyzer.load_options)  # None: scan() below says why
    result = analyzer.scan(name) if data is None else analyzer.scan(data, name=name)
    reusable = data is not None and (result.error is None or result.error.type in _REUSABLE_ERRORS)
    return Outcome(result.model_dump_json(), result.pages or 0, reusable,
                   result.document if keep_document else None)


# --- worker processes ------------------------------------------------------------------

_worker_analyzer: Analyzer | None = None
_worker_setup_error: Exception | None = None


def _init_worker(settings: ScanSettings) -> None:
    """Pool initializer: build the pipeline once per worker; keep a setup error to report."""
    global _worker_analyzer, _worker_setup_error
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        _worker_analyzer = settings.build()
    except (ContractScanError, ValueError, OSError) as exc:
        _worker_setup_error = exc


def _work(name: str, data: bytes | None, keep_document: bool) -> Outcome:
    if _worker_setup_error is not None:
        raise _worker_setup_error
    assert _worker_analyzer is not None
    return scan_job(_worker_analyzer, name, data, keep_document)


class _Runner:
    """Where jobs run. ``submit`` returns a future; ``wait`` says whether it is done."""

    window = 1
    keep_documents = False

    def submit(self, job: Job) -> Any:
        raise NotImplementedError

    def wait(self, future: Any, timeout: float | None) -> bool:
        raise NotImplementedError

    def recover(self, pending: deque[_Pending], profile_name: str) -> None:
        """The pool broke: settle every pending job it took down."""

    def close(self, interrupted: bool = False) -> None:
        pass


class _InProcess(_Runner):
    """``--workers 1``: scan here, one document at a time."""

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


class _ProcessPool(_Runner):
    """Worker processes on this machine; rebuilt when one dies."""

    def __init__(self, settings: ScanSettings, workers: int) -> None:
        import multiprocessing

        self.settings = settings
        self.workers = workers
        self.window = workers * 4
        # fork: workers start in milliseconds and share the parent's imported modules, so
        # spaCy is imported once here (only now that documents need scanning), not per worker.
        self._context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        if self._context.get_start_method() == "fork":
            from . import match  # noqa: F401
        self._pool = self._new_pool()

    def _new_pool(self):
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(self.workers, mp_context=self._context,
                                   initializer=_init_worker, initargs=(self.settings,))

    def submit(self, job: Job) -> Future[Outcome]:
        return self._pool.submit(_work, job.name, job.data, self.keep_documents)

    def wait(self, future: Future[Outcome], timeout: float | None) -> bool:
        from concurrent.futures import wait

        return bool(wait([future], timeout).done)

    def recover(self, pending: deque[_Pending], profile_name: str) -> None:
        from concurrent.futures.process import BrokenProcessPool

        self._replace_pool()
        crashes_in_a_row = 0
        for item in pending:
            fut = item.future
            if fut is None or (fut.done() and not fut.cancelled() and fut.exception() is None):
                continue
            retry = self.submit(item.job)
            try:
                retry.result()
                item.future = retry
                crashes_in_a_row = 0
            except BrokenProcessPool:
                crashes_in_a_row += 1
                if crashes_in_a_row >= _CRASH_LIMIT:
                    raise ContractScanError(
                        f"worker processes keep dying (last on {item.job.name}); "
                        "try --workers 1 --debug to see why") from None
                item.future = None
                item.result = _failed(item.job.name, profile_name, "corrupt",
                                      "the worker process reading this file died (a crash in a parser library, "
                                      "or out of memory); the other files were scanned")
                self._replace_pool()
            except Exception:
                item.future = retry  # an ordinary error: reported when this job's turn comes

    def _replace_pool(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()

    def close(self, interrupted: bool = False) -> None:
        if interrupted:
            # Workers ignore SIGINT; stop them rather than wait for their current documents.
            for proc in list(getattr(self._pool, "_processes", {}).values()):
                proc.terminate()
        self._pool.shutdown(wait=True, cancel_futures=True)


# --- Dask ------------------------------------------------------------------------------

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


class _Dask(_Runner):
    """Documents (bytes and name) sent to a Dask cluster; the same results as a local run.

    The scheduler reschedules work lost with a worker itself; a document that keeps
    killing workers fails alone (KilledWorker) and gets an error result.
    """

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

    def close(self, interrupted: bool = False) -> None:
        self._client.close()


# --- the batch -------------------------------------------------------------------------

@dataclass
class _Pending:
    """A document in the output queue: a job in flight, or its result once known."""

    job: Job
    future: Any = None
    result: ScanResult | None = None
    outcome: Outcome | None = None  # what a worker returned, saved to the store as is
    stored: bool = False  # answered by the result store
    counted: bool = False  # shown as done on the progress bar


def _count_finished(pending: deque[_Pending], bar: BatchProgress) -> None:
    """Show documents as done when their worker finishes, not when their turn to be output
    comes: the largest go first, so many finish before the ones in front of them."""
    for item in pending:
        fut = item.future
        if item.counted or fut is None or not fut.done():
            continue
        item.counted = True
        try:
            pages = fut.result().pages if fut.exception() is None else 0
        except Exception:  # cancelled, or a cluster future that cannot say: counted with no pages
            pages = 0
        bar.advance(pages)


def _failed(name: str, profile_name: str, kind: str, message: str) -> ScanResult:
    return ScanResult(source=name, profile=profile_name, error=ScanError(type=kind, message=message))


def list_sources(paths: Iterable[str], profile_name: str) -> list[tuple[str, ScanResult | None]]:
    """Each file to scan, in order, or the error result for a path that cannot be listed."""
    from .scanner import iter_files

    out: list[tuple[str, ScanResult | None]] = []
    for p in paths:
        if Path(p).is_dir():
            for path, problem in iter_files(p):
                out.append((str(path), _failed(str(path), profile_name, problem.type, problem.message)
                            if problem is not None else None))
        elif Path(p).exists() or Path(p).is_symlink():
            out.append((p, None))
        else:
            out.append((p, _failed(p, profile_name, "io_error", f"no such file or folder: {p}")))
    return out


def _read(name: str, options: LoadOptions) -> bytes | None:
    """The file's bytes, or None to let the scan report why they cannot be read."""
    try:
        p = Path(name)
        if p.stat().st_size > options.max_file_bytes:
            return None
        return p.read_bytes()
    except OSError:
        return None


class BatchProgress:
    """Files done, pages per second and time left on stderr, drawn with rich."""

    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(
            TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
            TextColumn("{task.fields[rate]} pages/s"), TimeRemainingColumn(), TextColumn("left"),
            console=Console(stderr=True), auto_refresh=False, transient=True,
        )
        self._task = self._progress.add_task("scan", total=total, rate="-")
        self._start = time.monotonic()
        self._pages = 0
        self._drawn = 0.0
        self._progress.start()

    def advance(self, pages: int) -> None:
        self._pages += pages
        elapsed = max(time.monotonic() - self._start, 1e-6)
        self._progress.update(self._task, advance=1, rate=f"{self._pages / elapsed:.0f}")
        self.tick()

    def tick(self) -> None:
        now = time.monotonic()
        if now - self._drawn >= 0.1:
            self._drawn = now
            self._progress.refresh()

    def close(self) -> None:
        self._progress.stop()


_LOOKAHEAD = 64  # documents read ahead of the one in front (bounds memory when their bytes are read)


def scan_sources(
    paths: Iterable[str],
    settings: ScanSettings,
    workers: int = 1,
    store: ResultStore | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    progress: bool = False,
    attach: bool = False,
) -> Iterator[ScanResult]:
    """Scan files and folders, yielding one result per file in input order as they finish.

    With ``store``, a file whose bytes were scanned before under the same settings and
    version is answered from it, and every new result is saved as soon as it arrives.
    With ``attach``, each result carries its document, profile and rules, as
    ``Analyzer.scan`` gives them (for reports that show the contract itself).
    """
    if executor == "dask" and not scheduler:
        raise ContractScanError("--executor dask needs --scheduler ADDRESS (host:port of the Dask scheduler)")
    sources = list_sources(paths, settings.profile.name)
    to_scan = sum(1 for _, failed in sources if failed is None)
    fingerprint = settings.fingerprint() if store is not None else ""
    read_first = store is not None or executor == "dask"
    bar = BatchProgress(len(sources)) if progress and sources else None
    attacher = _Attacher(settings) if attach else None
    runner: _Runner | None = None
    pending: deque[_Pending] = deque()
    queue = iter(sources)
    interrupted = True
    try:
        while True:
            # Read ahead of the document in front, and keep the workers busy: up to
            # LOOKAHEAD documents wait their turn, and the largest of them goes to the next
            # free worker. A long contract started last keeps one worker busy while the
            # others idle; started first, the short ones fill in around it. Results still
            # come out in input order.
            while True:
                window = runner.window if runner is not None else 1
                lookahead = _LOOKAHEAD if window > 1 else 1
                unsubmitted = sum(1 for p in pending if p.result is None and p.future is None)
                if unsubmitted >= lookahead or len(pending) >= max(_LOOKAHEAD, 2 * window):
                    break
                nxt = next(queue, None)
                if nxt is None:
                    break
                item = _prepare(*nxt, settings, store, fingerprint, read_first)
                if item.result is None and runner is None:
                    runner = _make_runner(settings, executor, scheduler, min(workers, to_scan))
                    runner.keep_documents = attach
                pending.append(item)
            if runner is not None:
                _top_up(runner, pending)
            if not pending:
                break
            head = pending[0]
            if head.result is None and head.future is None:
                assert runner is not None
                head.future = runner.submit(head.job)  # its turn has come: one over the window
            if head.future is not None:
                assert runner is not None
                # Waiting for the one in front, keep handing work to workers as they free up.
                refill = any(p.result is None and p.future is None for p in pending)
                while not runner.wait(head.future, 0.02 if refill else 0.1 if bar else None):
                    if refill:
                        _top_up(runner, pending)
                        refill = any(p.result is None and p.future is None for p in pending)
                    if bar:
                        _count_finished(pending, bar)
                        bar.tick()
                if not _settle(head, runner, pending, settings):
                    continue  # the pool broke and was rebuilt; look at the head again
            pending.popleft()
            assert head.result is not None
            if store is not None:
                _remember(store, head, fingerprint)
            if attacher is not None:
                attacher.attach(head)
            if bar:
                if not head.counted:
                    bar.advance(head.result.pages or 0)
            yield head.result
        interrupted = False
    finally:
        if bar:
            bar.close()
        if runner is not None:
            runner.close(interrupted=interrupted)


def _top_up(runner: _Runner, pending: deque[_Pending]) -> None:
    """Submit waiting documents, largest first, until the runner's window is full."""
    in_flight = sum(1 for p in pending if p.future is not None and not p.future.done())
    free = runner.window - in_flight
    if free <= 0:
        return
    waiting = [p for p in pending if p.result is None and p.future is None]
    if len(waiting) > 1:
        waiting.sort(key=lambda p: p.job.size, reverse=True)
    for item in waiting[:free]:
        item.future = runner.submit(item.job)


def _make_runner(settings: ScanSettings, executor: str, scheduler: str | None, workers: int) -> _Runner:
    if executor == "dask":
        return _Dask(settings, scheduler or "")
    return _ProcessPool(settings, workers) if workers > 1 else _InProcess(settings)


def _prepare(name: str, failed: ScanResult | None, settings: ScanSettings, store: ResultStore | None,
             fingerprint: str, read_first: bool) -> _Pending:
    """A pending item: already answered (an error, or the store), or a job to submit."""
    job = Job(name)
    if failed is not None:
        return _Pending(job, result=failed)
    if not read_first:
        try:
            job.size = os.stat(name).st_size
        except OSError:
            pass  # the scan reports why
        return _Pending(job)
    job.data = _read(name, settings.load_options())
    job.size = len(job.data or b"")
    if job.data is None:
        # Unreadable or too large: a local load of the path gives that file's exact error.
        return _Pending(job, result=_local_error(settings, name))
    if store is not None:
        job.sha256 = hashlib.sha256(job.data).hexdigest()
        stored = store.lookup(job.sha256, fingerprint, __version__)
        if stored is not None:
            result = ScanResult.model_validate_json(stored)
            result.source = name
            return _Pending(job, result=result, stored=True)
    return _Pending(job)


def _settle(head: _Pending, runner: _Runner, pending: deque[_Pending], settings: ScanSettings) -> bool:
    """Turn the head's finished future into its result; False if the pool had to be rebuilt."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        outcome = head.future.result()
    except BrokenProcessPool:
        runner.recover(pending, settings.profile.name)
        return False
    except (ContractScanError, ValueError) as exc:
        raise exc from None  # the pipeline could not be built (a bad rule, a missing model)
    except Exception as exc:
        if settings.debug:
            raise
        message = " ".join(f"the scan failed ({type(exc).__name__}: {exc})".split())[:500]
        outcome = Outcome(_failed(head.job.name, settings.profile.name, "corrupt", message).model_dump_json())
    head.future = None
    head.outcome = outcome
    head.result = ScanResult.model_validate_json(outcome.result_json)
    return True


class _Attacher:
    """Gives results from workers or the store the document ``Analyzer.scan`` attaches in-process."""

    def __init__(self, settings: ScanSettings) -> None:
        self.settings = settings

    def attach(self, item: _Pending) -> None:
        assert item.result is not None
        document = item.outcome.document if item.outcome is not None else None
        if document is None and item.stored and item.result.error is None and item.job.data is not None:
            from .loaders import load_bytes

            # Loading is the cheap part of a scan; what was analysed comes from the store.
            document = load_bytes(item.job.data, item.job.name, self.settings.load_options())
        item.result.attach(document)


def _local_error(settings: ScanSettings, name: str) -> ScanResult:
    from .loaders import load_path

    try:
        load_path(name, settings.load_options())
    except ContractScanError as exc:
        return _failed(name, settings.profile.name, exc.type, exc.message)
    return _failed(name, settings.profile.name, "io_error", f"cannot read {name}")


def _remember(store: ResultStore, item: _Pending, fingerprint: str) -> None:
    assert item.result is not None
    if item.stored:
        store.point(item.job.name, item.job.sha256 or "", fingerprint, __version__, item.result.model_dump_json)
        return
    outcome = item.outcome
    store.save(item.job.name, outcome.result_json if outcome else item.result.model_dump_json(),
               item.job.sha256, fingerprint, __version__,
               reusable=bool(outcome and outcome.reusable and item.job.sha256))


def results_from_store(store: ResultStore) -> Iterator[ScanResult]:
    """The latest stored result of every source, without scanning anything."""
    for js in store.latest():
        yield ScanResult.model_validate_json(js)


__all__ = ["BatchProgress", "Job", "Outcome", "ScanSettings", "default_workers", "list_sources",
           "results_from_store", "scan_job", "scan_sources"]

