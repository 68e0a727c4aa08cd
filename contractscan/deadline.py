"""The per-file time limit: a deadline on our own code that waits while an outside program works.

The limit exists to stop a runaway parse or regular expression, so it counts the CPU time
of the scanning process: on a busy machine a good file takes longer by the clock, not by the
CPU, and is not stopped (a wall-clock limit of ``WALL_FACTOR`` times as long still stops a
file that waits instead of working). OCR hands each page to
Tesseract, a separate process with its own per-page timeout (``LoadOptions.ocr_page_timeout``),
at a few seconds a page: counted against the per-file limit, every scanned contract of more
than ~40 pages timed out under the default. So the clock stops while an outside program that
bounds itself runs (``outside_work``), and whoever kills overrunning workers from outside
(the Dask sandbox) is told how much longer to wait.
"""

from __future__ import annotations

import math
import signal
import sys
import threading
import time
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

WALL_FACTOR = 10.0
"""A file may take this many times its limit in wall-clock time (outside work excluded) before
it is stopped all the same: the backstop for a file that waits rather than works (a blocked
read), while a busy machine that gives a scan a fifth of a core still passes good files."""


def _alarm_usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class _Clock:
    """A running limit: ``seconds`` of this process's CPU time, ``seconds * WALL_FACTOR`` of
    wall-clock time; the wall clock stops during ``outside_work``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.cpu_start = time.process_time()
        self.wall_left = seconds * WALL_FACTOR
        self.wall_mark: float | None = time.monotonic()  # None while outside work runs

    def _wall_left(self) -> float:
        return self.wall_left - (0.0 if self.wall_mark is None else time.monotonic() - self.wall_mark)

    def overrun(self) -> str | None:
        """Why the limit is spent, or None while it is not."""
        cpu = time.process_time() - self.cpu_start
        if cpu >= self.seconds:
            return f"stopped after {self.seconds:g} s of CPU time, the time limit per file (see --time-limit)"
        if self._wall_left() <= 0:
            return (f"stopped after {self.seconds * WALL_FACTOR:g} s by the clock ({WALL_FACTOR:g} times the time "
                    f"limit per file, see --time-limit)")
        return None

    def arm(self) -> None:
        """Wake when the limit can first be spent: the CPU time left cannot be used up sooner."""
        left = min(self.seconds - (time.process_time() - self.cpu_start), self._wall_left())
        signal.setitimer(signal.ITIMER_REAL, max(left, 0.01))

    def pause(self) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if self.wall_mark is not None:
            self.wall_left -= time.monotonic() - self.wall_mark
            self.wall_mark = None

    def resume(self) -> None:
        self.wall_mark = time.monotonic()
        self.arm()


_running: _Clock | None = None


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ScanTimeout in the block after ``seconds`` of CPU time of this process
    (``outside_work`` excluded), or ``WALL_FACTOR`` times as long by the wall clock.

    CPU time, so that a good file does not time out because the machine is busy; a runaway
    parse or regular expression works, and is stopped as before. The clock is SIGALRM (POSIX,
    main thread only; elsewhere the block runs unlimited): it wakes when the CPU time left
    could at the earliest be spent, checks, and sleeps again for what is left. It interrupts
    Python code, and C code as soon as it returns to Python; a worker process per file is the
    way to bound a call that never returns.
    """
    global _running
    if not (seconds and seconds > 0 and _alarm_usable()):
        yield
        return

    clock = _Clock(seconds)
    expired: list[str] = []

    def expire(signum, frame):
        reason = clock.overrun()
        if reason is None:
            clock.arm()
            return
        expired.append(reason)
        # Should this exception be swallowed (the alarm landed in a finaliser or a gc callback,
        # which Python only reports), fire again soon rather than let the file run to its end.
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        raise ScanTimeout(reason)

    def unraisable(info):
        # our own alarm, swallowed where Python cannot raise (a finaliser, a gc callback): it is
        # raised from the block below, so it is not reported as an error of its own
        if not (isinstance(info.exc_value, ScanTimeout) and expired):
            hook(info)

    outer, _running = _running, clock
    previous = signal.signal(signal.SIGALRM, expire)
    hook, sys.unraisablehook = sys.unraisablehook, unraisable
    clock.arm()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sys.unraisablehook = hook
        _running = outer
        if outer is not None:
            outer.arm()
    if expired:
        # The alarm landed in a finaliser or callback, where Python swallows exceptions:
        # the block ran on, but it still overran its time.
        raise ScanTimeout(expired[0])


@contextmanager
def outside_work(at_most: float | None) -> Iterator[None]:
    """Stop the clock of the running ``time_limit`` while an outside program works that stops
    itself after ``at_most`` seconds (a subprocess with a timeout); restart it after. Its CPU
    time is not this process's; its wall-clock time is bounded by ``at_most``."""
    for listener in list(_listeners):
        listener(at_most or 0.0)
    clock = _running
    if clock is None or not _alarm_usable():
        yield
        return
    clock.pause()
    try:
        yield
    finally:
        clock.resume()


def on_outside_work(listener: Callable[[float], None]) -> None:
    """Call ``listener(at_most)`` before each ``outside_work`` block of this process: a
    process that is watched from outside tells its watcher to extend the deadline."""
    _listeners.append(listener)
