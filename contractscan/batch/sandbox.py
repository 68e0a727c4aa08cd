"""A child process that scans documents under a hard deadline: killed if it overruns.

Dask runs documents in worker threads, where SIGALRM cannot reach (it is delivered to the
main thread only), and a regular expression stuck in C holds the GIL, so no other thread of
that process could stop it either: only killing a process can. Each Dask worker thread
therefore keeps one such child (built once, reused for every document) and kills it when a
document takes longer than the time limit plus a grace period; the next document gets a
fresh one. As the child's own limit, that is CPU time (read from /proc where there is one):
on a busy machine a good file is not killed for waiting its turn, up to the child's own
wall-clock backstop (``deadline.WALL_FACTOR`` times the limit) plus the grace. The child is a new interpreter (``python -m contractscan.batch.sandbox``), not a
fork, since forking a threaded process is unsafe; it exits when its parent dies.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import time
from typing import Any

from ..deadline import WALL_FACTOR, on_outside_work
from .runners import set_parent_death_signal
from .settings import ScanSettings
from .work import Outcome, failed, scan_job

_HEADER = struct.Struct("!Q")
GRACE_SECONDS = 10.0  # beyond the time limit the child enforces itself, before it is killed
_STARTUP_SECONDS = 300.0


def _send(stream: Any, obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _recv(stream: Any) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (n,) = _HEADER.unpack(header)
    data = stream.read(n)
    if len(data) < n:
        raise EOFError
    return pickle.loads(data)


class Sandbox:
    """One child process that scans documents for one thread, one at a time."""

    def __init__(self, settings: ScanSettings) -> None:
        self.settings = settings
        self._proc: subprocess.Popen[bytes] | None = None

    def scan(self, name: str, data: bytes | None, keep_document: bool) -> Outcome:
        if self._proc is None or self._proc.poll() is not None:
            self._start()
        assert self._proc is not None and self._proc.stdin is not None
        limit = self.settings.time_limit
        try:
            _send(self._proc.stdin, (name, data, keep_document))
            kind, value = self._reply(limit + GRACE_SECONDS if limit and limit > 0 else None,
                                      limit * WALL_FACTOR + GRACE_SECONDS if limit and limit > 0 else None)
        except TimeoutError:
            self.close()
            return self._failed(name, "timeout", f"stopped after {limit:g} s of CPU time, the time limit per file "
                                "(see --time-limit)")
        except (EOFError, OSError, pickle.UnpicklingError):
            self.close()
            return self._failed(name, "corrupt", "the worker process reading this file died (a crash in a parser "
                                "library, or out of memory); the other files were scanned")
        if kind == "error":
            raise value
        return value

    def _failed(self, name: str, kind: str, message: str) -> Outcome:
        return Outcome(failed(name, self.settings.profile.name, kind, message).model_dump_json())

    def _start(self) -> None:
        package_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env = dict(os.environ, PYTHONPATH=package_parent + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self._proc = subprocess.Popen([sys.executable, "-m", "contractscan.batch.sandbox"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, env=env, close_fds=True)
        assert self._proc.stdin is not None
        try:
            _send(self._proc.stdin, self.settings)
            kind, value = self._reply(_STARTUP_SECONDS)
        except (TimeoutError, EOFError, OSError) as exc:
            self.close()
            raise RuntimeError(f"the scanning process did not start ({type(exc).__name__})") from None
        if kind == "error":
            self.close()
            raise value  # the pipeline cannot be built: a bad rule, a missing model

    def _reply(self, timeout: float | None, backstop: float | None = None) -> tuple[str, Any]:
        """The child's next message; TimeoutError once it has used ``timeout`` seconds of CPU
        time (of wall-clock time where its CPU time cannot be read) or ``backstop`` seconds
        of wall-clock time, Tesseract's seconds excluded."""
        assert self._proc is not None and self._proc.stdout is not None
        now = time.monotonic()
        end = None if timeout is None else now + timeout
        last = None if end is None else max(end, now + (backstop or 0.0))
        cpu_start = _cpu_seconds(self._proc.pid)
        while True:
            left = None if end is None else end - time.monotonic()
            if left is not None and left <= 0:
                assert timeout is not None and last is not None
                used = _cpu_seconds(self._proc.pid)
                if used is None or cpu_start is None or used - cpu_start >= timeout or time.monotonic() >= last:
                    raise TimeoutError
                # busy machine: it has not worked that long yet; it cannot before this
                end = min(time.monotonic() + timeout - (used - cpu_start), last)
                continue
            ready, _, _ = select.select([self._proc.stdout], [], [], left)
            if not ready:
                continue
            kind, value = _recv(self._proc.stdout)
            if kind == "extend":  # the child hands a page to Tesseract, which bounds itself
                if end is not None and last is not None:
                    end += value
                    last += value
                continue
            return kind, value

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


def _cpu_seconds(pid: int) -> float | None:
    """The CPU time a process has used (user and system), or None where /proc cannot say."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _main() -> None:
    set_parent_death_signal()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the client's to handle
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write to the channel
    settings: ScanSettings = _recv(stdin)
    on_outside_work(lambda seconds: _send(stdout, ("extend", seconds)))
    try:
        analyzer = settings.build()
    except Exception as exc:
        _send(stdout, ("error", exc))
        return
    _send(stdout, ("ready", None))
    while True:
        try:
            name, data, keep_document = _recv(stdin)
        except EOFError:
            return
        try:
            _send(stdout, ("ok", scan_job(analyzer, name, data, keep_document)))
        except Exception as exc:
            _send(stdout, ("error", exc))


if __name__ == "__main__":
    _main()
