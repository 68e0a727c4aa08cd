"""Drive headless Chromium over the DevTools protocol on a pipe (no extra dependency).

``--remote-debugging-pipe`` makes Chromium read NUL-terminated JSON commands on fd 3
and write replies and events on fd 4, so the standard library is enough: no
websocket client, no selenium, no network port. Used by the browser tests and by
benchmarks/html_report.py.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--hide-scrollbars", "--mute-audio", "--no-default-browser-check",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Chromium:
    """One headless browser with one page; ``with Chromium() as b: b.open(path)``."""

    def __init__(self, binary: str | None = None, width: int = 1280, height: int = 900) -> None:
        self.binary = binary or find_chromium()
        if self.binary is None:
            raise RuntimeError("chromium is not installed (apt-get install -y chromium)")
        self.size = (width, height)
        self._next_id = 0
        self._buffer = b""
        self.events: list[dict[str, Any]] = []

    def __enter__(self) -> Chromium:
        self._profile = tempfile.TemporaryDirectory(prefix="cs-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # The child must see its ends as fd 3 (commands in) and fd 4 (replies out).
        def wire() -> None:
            # copy both ends above 4 first: a pipe end may itself be fd 3 or 4
            commands, replies = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(commands, 3)
            os.dup2(replies, 4)

        self.proc = subprocess.Popen(
            [self.binary, *FLAGS, f"--user-data-dir={self._profile.name}",
             f"--window-size={self.size[0]},{self.size[1]}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=wire,  # dup2'd fds 3 and 4 are inheritable; the rest are not
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        try:
            targets = self.call("Target.getTargets")["targetInfos"]
            page = next(t for t in targets if t["type"] == "page")
            self.session = self.call("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
            self.page("Page.enable")
            self.page("Runtime.enable")
            self.page("Emulation.setDeviceMetricsOverride", width=self.size[0], height=self.size[1],
                      deviceScaleFactor=1, mobile=False)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        self._profile.cleanup()

    # -- protocol -----------------------------------------------------------------------
    def _send(self, method: str, params: dict[str, Any], session: str | None) -> int:
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self._to_browser, json.dumps(msg).encode() + b"\0")
        return self._next_id

    def _read(self, deadline: float) -> dict[str, Any]:
        import select

        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("chromium did not answer in time")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, timeout: float = 30, session: str | None = None, **params: Any) -> dict[str, Any]:
        wanted = self._send(method, params, session)
        deadline = time.monotonic() + timeout
        while True:
            msg = self._read(deadline)
            if msg.get("id") == wanted:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def page(self, method: str, timeout: float = 30, **params: Any) -> dict[str, Any]:
        return self.call(method, timeout=timeout, session=self.session, **params)

    def wait_event(self, name: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for i, ev in enumerate(self.events):
                if ev["method"] == name:
                    return self.events.pop(i)
            msg = self._read(deadline)
            if "method" in msg:
                self.events.append(msg)

    # -- what tests need ----------------------------------------------------------------
    def open(self, path: str | Path, timeout: float = 60) -> float:
        """Load a local file; return seconds from navigation to the load event."""
        self.events.clear()
        url = Path(path).resolve().as_uri()
        started = time.monotonic()
        self.page("Page.navigate", url=url, timeout=timeout)
        self.wait_event("Page.loadEventFired", timeout=timeout)
        return time.monotonic() - started

    def evaluate(self, expression: str) -> Any:
        reply = self.page("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in reply:
            raise RuntimeError(f"script failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, out: str | Path, full_page: bool = False) -> Path:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
        data = self.page("Page.captureScreenshot", **params)["data"]
        out = Path(out)
        out.write_bytes(base64.b64decode(data))
        return out

    def print_pdf(self, out: str | Path) -> Path:
        data = self.page("Page.printToPDF", timeout=120, printBackground=True)["data"]
        out = Path(out)
        out.write_bytes(base64.b64decode(data))
        return out

    def console_errors(self) -> list[str]:
        """CSP violations and script errors that the page reported so far."""
        out = []
        for ev in self.events:
            if ev["method"] == "Runtime.exceptionThrown":
                out.append(json.dumps(ev["params"]["exceptionDetails"])[:300])
            elif ev["method"] == "Runtime.consoleAPICalled" and ev["params"].get("type") == "error":
                out.append(str(ev["params"].get("args"))[:300])
        return out
