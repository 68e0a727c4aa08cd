"""The per-file time limit: a deadline on our own code that waits while an outside program works.

The limit exists to stop a runaway parse or regular expression. OCR hands each page to
Tesseract, a separate process with its own per-page timeout (``LoadOptions.ocr_page_timeout``),
at a few seconds a page: counted against the per-file limit, every scanned contract of more
than ~40 pages timed out under the default. So the clock stops while an outside program that
bounds itself runs (``outside_work``), and whoever kills overrunning workers from outside
(the Dask sandbox) is told how much longer to wait.
"""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .errors import ScanTimeout

DEFAULT_TIME_LIMIT = 120.0
MAX_TIME_LIMIT = 1_000_000.0
"""Seconds (11.6 days): beyond what every platform's interval timer takes."""


def check_time_limit(seconds: float | None) -> float | None:
    """The limit itself; None or 0 mean none. Infinite, huge, negative or NaN is a ValueError:
    -1 and nan used to mean "no limit" silently, and inf made every file fail."""
    if seconds is None or seconds == 0:
        return seconds
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"time_limit must be a number of seconds, not {type(seconds).__name__}")
    if not math.isfinite(seconds) or not 0 < seconds <= MAX_TIME_LIMIT:
        raise ValueError(f"the time limit must be a finite number of seconds above 0 and at most "
                         f"{MAX_TIME_LIMIT:,.0f} (0 for none), not {seconds!r}")
    return seconds


_listeners: list[Callable[[float], None]] = []


def _alarm_usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ScanTimeout in the block after ``seconds`` of its own work (``outside_work`` excluded).

    Uses SIGALRM, so it works on POSIX in the main thread only (elsewhere the
    block runs unlimited); it interrupts Python code, and C code (a PDF parser,
    a regular expression) as soon as it returns to Python. A worker process per
    file is the way to bound a call that never returns.
    """
    if not (seconds and seconds > 0 and _alarm_usable()):
        yield
        return

    message = f"stopped after {seconds:g} s, the time limit per file (see --time-limit)"
    expired: list[bool] = []

    def expire(signum, frame):
        expired.append(True)
        # Should this exception be swallowed (the alarm landed in a finaliser or a gc callback,
        # which Python only reports), fire again soon rather than let the file run to its end.
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        raise ScanTimeout(message)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if expired:
        # The alarm landed in a finaliser or callback, where Python swallows exceptions:
        # the block ran on, but it still overran its time.
        raise ScanTimeout(message)


@contextmanager
def outside_work(at_most: float | None) -> Iterator[None]:
    """Stop the clock of the running ``time_limit`` while an outside program works that stops
    itself after ``at_most`` seconds (a subprocess with a timeout); restart it after."""
    for listener in list(_listeners):
        listener(at_most or 0.0)
    if not _alarm_usable():
        yield
        return
    left, _ = signal.getitimer(signal.ITIMER_REAL)
    if left <= 0:
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, left)


def on_outside_work(listener: Callable[[float], None]) -> None:
    """Call ``listener(at_most)`` before each ``outside_work`` block of this process: a
    process that is watched from outside tells its watcher to extend the deadline."""
    _listeners.append(listener)
