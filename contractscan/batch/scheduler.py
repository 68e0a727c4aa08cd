"""The batch loop: read ahead, keep the runner's workers busy largest-first, and yield
results in input order."""

from __future__ import annotations

import hashlib
import os
import sys
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import TYPE_CHECKING

from ..errors import ContractScanError, CorruptFile
from ..results import ScanResult
from . import storage
from .pending import Pending, State
from .progress import BatchProgress
from .runners import Runner, WorkersLost, make_runner
from .settings import ScanSettings
from .sources import list_sources
from .work import Job, Outcome, failed, read_source

if TYPE_CHECKING:
    from ..store import ResultStore

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
    follow_links: bool = False,
    skip: Collection[tuple[int, int]] = (),
) -> Iterator[ScanResult]:
    """Scan files and folders, yielding one result per file in input order as they finish.

    With ``store``, a file whose bytes were scanned before under the same settings and
    version is answered from it, and every new result is saved as soon as it arrives.
    With ``attach``, each result carries its document, profile and rules, as
    ``Analyzer.scan`` gives them (for reports that show the contract itself). With
    ``follow_links``, symbolic links in folders that lead outside them are followed. Files
    in folders that ``skip`` names by (device, inode) are not scanned (the run's own outputs).
    """
    if executor == "dask" and not scheduler:
        raise ContractScanError("--executor dask needs --scheduler ADDRESS (host:port of the Dask scheduler)")
    sources = list_sources(paths, settings.profile.name, follow_links, skip)
    to_scan = sum(1 for _, failed_result in sources if failed_result is None)
    fingerprint = settings.fingerprint() if store is not None else ""
    read_first = store is not None or executor == "dask"
    bar = BatchProgress(len(sources)) if progress and sources else None
    attacher = storage.Attacher(settings) if attach else None
    runner: Runner | None = None
    pending: deque[Pending] = deque()
    queue = iter(sources)
    interrupted = True

    def record(item: Pending) -> None:
        """Save a finished item to the store, then show it done: never the other way round."""
        if store is not None and not item.saved:
            storage.remember(store, item, fingerprint)
        item.saved = True
        if bar and not item.counted:
            item.counted = True
            bar.advance(item.result.pages or 0)

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
                waiting = sum(1 for p in pending if p.waiting)
                if waiting >= lookahead or len(pending) >= max(_LOOKAHEAD, 2 * window):
                    break
                nxt = next(queue, None)
                if nxt is None:
                    break
                item = _prepare(*nxt, settings, store, fingerprint, read_first)
                if item.waiting and runner is None:
                    runner = make_runner(settings, executor, scheduler, min(workers, to_scan))
                    runner.keep_documents = attach
                pending.append(item)
            if runner is not None:
                _top_up(runner, pending)
            if not pending:
                break
            head = pending[0]
            if head.waiting:
                assert runner is not None
                head.start(runner.submit(head.job))  # its turn has come: one over the window
            while head.state is State.RUNNING:
                assert runner is not None
                # Waiting for the one in front, keep handing work to workers as they free up,
                # and save each result as soon as its worker finishes: an interrupted run keeps
                # every file the progress bar showed as done.
                refill = any(p.waiting for p in pending)
                poll = 0.02 if refill else 0.1 if bar or store is not None else None
                try:
                    done = runner.wait(head.future, poll)
                except WorkersLost as exc:
                    _give_up(pending, settings, record, str(exc))
                    continue
                if not done:
                    if refill:
                        _top_up(runner, pending)
                    _harvest(pending, settings, record)
                    if bar:
                        bar.tick()
                    continue
                if _settle(head, runner, pending, settings):
                    record(head)
                # else: the pool broke and was rebuilt; look at the head again
            pending.popleft()
            assert head.result is not None
            record(head)
            if attacher is not None:
                attacher.attach(head)
            yield head.result
        interrupted = False
    finally:
        if bar:
            bar.close()
        if runner is not None:
            runner.close(interrupted=interrupted)


def _top_up(runner: Runner, pending: Iterable[Pending]) -> None:
    """Submit waiting documents, largest first, until the runner's window is full."""
    pending = list(pending)
    free = runner.window - sum(1 for p in pending if p.in_flight)
    if free <= 0:
        return
    waiting = [p for p in pending if p.waiting]
    if len(waiting) > 1:
        waiting.sort(key=lambda p: p.job.size, reverse=True)
    for item in waiting[:free]:
        item.start(runner.submit(item.job))


def _harvest(pending: Iterable[Pending], settings: ScanSettings, record: Callable[[Pending], None]) -> None:
    """Settle the documents whose workers have finished, wherever they are in the queue:
    the largest go first, so many finish before the ones in front of them. Failures that
    concern the whole batch (a broken pool, a pipeline that cannot be built) are left for
    the head of the queue to handle."""
    for item in pending:
        if item.state is not State.RUNNING or not item.future.done():
            continue
        try:
            exc = item.future.exception()
        except BaseException:  # cancelled, or a cluster future that cannot say
            continue
        if exc is not None and _batch_failure(exc):
            continue
        _settle(item, None, (), settings)
        record(item)


def _give_up(pending: Iterable[Pending], settings: ScanSettings, record: Callable[[Pending], None],
             message: str) -> None:
    """The runner lost its workers: every document still in flight gets an error."""
    for item in pending:
        if item.state is State.RUNNING and not item.future.done():
            item.finish(failed(item.job.name, settings.profile.name, "io_error", message))
            record(item)


def _batch_failure(exc: BaseException) -> bool:
    return _broken_pool(exc) or isinstance(exc, (ContractScanError, ValueError))


def _broken_pool(exc: BaseException) -> bool:
    """A worker pool broke. Only a process pool raises that, and its module is imported with
    it: a scan in this process does not import it (~10 ms) to ask."""
    process = sys.modules.get("concurrent.futures.process")
    return process is not None and isinstance(exc, process.BrokenProcessPool)


def _prepare(name: str, failed_result: ScanResult | None, settings: ScanSettings, store: ResultStore | None,
             fingerprint: str, read_first: bool) -> Pending:
    """A queue item: already answered (an error, or the store), or a job waiting for a runner."""
    job = Job(name)
    if failed_result is not None:
        return Pending.answered(job, failed_result)
    if not read_first:
        try:
            job.size = os.stat(name).st_size
        except OSError:
            pass  # the scan reports why
        return Pending(job)
    try:
        job.data = read_source(name, settings)
    except ContractScanError as exc:  # unreadable, too large, not a regular file, too slow
        return Pending.answered(job, failed(name, settings.profile.name, exc.type, exc.message))
    job.size = len(job.data)
    if store is not None:
        job.sha256 = hashlib.sha256(job.data).hexdigest()
        stored = storage.lookup(store, name, job.sha256, fingerprint)
        if stored is not None:
            return Pending.answered(job, stored, stored=True)
    return Pending(job)


def _settle(head: Pending, runner: Runner | None, pending: Iterable[Pending], settings: ScanSettings) -> bool:
    """Turn a finished future into its result; False if the pool had to be rebuilt."""
    try:
        outcome = head.future.result()
    except (ContractScanError, ValueError) as exc:
        raise exc from None  # the pipeline could not be built (a bad rule, a missing model)
    except WorkersLost as exc:
        outcome = Outcome(failed(head.job.name, settings.profile.name, "io_error", str(exc)).model_dump_json())
    except Exception as exc:
        if _broken_pool(exc):
            assert runner is not None
            runner.recover(pending, settings.profile.name)
            return False
        if settings.debug:
            raise
        from ..scanner import classify_exception

        if type(exc).__name__ == "KilledWorker":  # Dask: this document killed every worker it was given to
            problem: ContractScanError = CorruptFile(
                "the worker process reading this file died (a crash in a parser library, or out of memory); "
                "the other files were scanned")
        else:
            problem = classify_exception(exc, while_loading=False)
        message = " ".join(problem.message.split())[:500]
        outcome = Outcome(failed(head.job.name, settings.profile.name, problem.type, message).model_dump_json())
    head.finish(ScanResult.model_validate_json(outcome.result_json), outcome)
    return True
