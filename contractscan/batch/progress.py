"""The progress bar of a batch on a terminal."""

from __future__ import annotations

import time


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
