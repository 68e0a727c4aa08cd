"""The time limit per file: checking a limit, and enforcing it around a block of work
(loading and analysing one document, a rule's examples, writing an annotated copy)."""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import Iterator
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


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ScanTimeout in the block after ``seconds``.

    Uses SIGALRM, so it works on POSIX in the main thread only (elsewhere the
    block runs unlimited); it interrupts Python code, and C code (a PDF parser,
    a regular expression) as soon as it returns to Python. A worker process per
    file is the way to bound a call that never returns.
    """
    usable = (
        seconds and seconds > 0 and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
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
