"""The per-file time limit bounds contractscan's own work: its CPU time, so that a busy machine
does not fail good files, and not Tesseract's (a long scanned contract must not time out
because OCR takes seconds a page; each page has its own timeout). A file that waits instead of
working is stopped by the wall clock at ``WALL_FACTOR`` times the limit."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time

import pytest

from contractscan.deadline import WALL_FACTOR, outside_work, time_limit
from contractscan.errors import ScanTimeout
from contractscan.loaders import LoadOptions
from tests.fixtures import build


def _busy(seconds: float) -> None:
    """Work (use CPU) for ``seconds`` of this process's CPU time."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_waiting_is_not_working():
    with time_limit(0.05):  # 0.5 s by the clock
        time.sleep(0.3)  # as a process waiting for a busy machine's core: no CPU time
        _busy(0.02)


def test_a_file_that_waits_is_stopped_by_the_clock():
    started = time.monotonic()
    with pytest.raises(ScanTimeout, match="by the clock"):
        with time_limit(0.03):  # the wall clock stops it after 0.03 * WALL_FACTOR s
            time.sleep(5)
    assert 0.03 * WALL_FACTOR - 0.03 < time.monotonic() - started < 3


def test_a_file_that_works_too_long_is_stopped():
    started = time.process_time()
    with pytest.raises(ScanTimeout, match="CPU time"):
        with time_limit(0.2):
            _busy(5)
    assert time.process_time() - started < 1.5


def test_outside_work_does_not_count_against_the_limit():
    with time_limit(0.02):  # 0.2 s by the clock: the 0.4 s of outside work are not counted
        with outside_work(5):
            time.sleep(0.4)
        _busy(0.01)


def test_the_clock_runs_on_after_outside_work():
    with pytest.raises(ScanTimeout):
        with time_limit(0.15):
            with outside_work(5):
                time.sleep(0.1)
            _busy(1.0)


def test_an_alarm_in_a_finaliser_is_raised_from_the_block_not_reported(monkeypatch):
    """Python cannot raise from a finaliser or a gc callback (hypothesis keeps one): it hands
    the exception to sys.unraisablehook. The block still stops, and nothing is reported."""
    reported: list = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)

    class Slow:
        def __del__(self):
            _busy(2)  # the alarm lands here

    with pytest.raises(ScanTimeout):
        with time_limit(0.2):
            Slow()
    assert reported == []
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.slow  # starts processes that keep a core busy
@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs CPU affinity (Linux)")
def test_a_busy_machine_does_not_stop_a_file_within_its_limit():
    core = {min(os.sched_getaffinity(0))}
    before = os.sched_getaffinity(0)
    spin = f"import os\nos.sched_setaffinity(0, {core})\nwhile True: pass\n"
    hogs = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(3)]
    try:
        os.sched_setaffinity(0, core)
        time.sleep(0.5)  # the three are running on our core
        started = time.monotonic()
        with time_limit(0.6):
            _busy(0.4)  # a quarter of a core: over 0.6 s by the clock
        took = time.monotonic() - started
    finally:
        os.sched_setaffinity(0, before)
        for hog in hogs:
            hog.kill()
            hog.wait()
    assert took > 0.6  # a wall-clock limit would have stopped this good file


def test_outside_work_without_a_limit_is_harmless():
    with outside_work(1):
        pass


def _fake_tesseract(folder, seconds: float) -> str:
    """A 'tesseract' that takes ``seconds`` a page: real OCR would take as long on a long scan."""
    exe = folder / "tesseract"
    seen = folder / "first-page-read"
    exe.write_text(f"#!/bin/sh\ncat > /dev/null\nsleep {seconds}\n"
                   f"if [ -e '{seen}' ]; then\n"
                   "echo '2. Governing Law. This Agreement is governed by the laws of the State of New York.'\n"
                   f"else\ntouch '{seen}'\n"
                   "echo '1. Confidentiality. The Supplier shall keep the Customer information confidential.'\n"
                   "fi\n")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return str(exe)


@pytest.mark.slow  # starts a (fake) Tesseract per page
def test_ocr_time_is_not_counted_against_the_time_limit(tmp_path, analyzer_with):
    fake = _fake_tesseract(tmp_path, 4)  # two pages: 8 s of OCR against a 6 s limit
    result = analyzer_with(time_limit=6.0, load_options=LoadOptions(tesseract=fake)).scan(
        build.scanned_contract_pdf())
    assert result.error is None, result.error
    assert "governing_law" in result.present


@pytest.mark.slow  # starts a scanning child process and a (fake) Tesseract per page
def test_the_sandbox_waits_for_ocr_before_killing_its_child(tmp_path, monkeypatch):
    from contractscan.batch import sandbox
    from contractscan.batch.settings import ScanSettings

    fake = _fake_tesseract(tmp_path, 4)
    monkeypatch.setenv("PATH", os.path.dirname(fake) + os.pathsep + os.environ["PATH"])
    monkeypatch.setattr(sandbox, "GRACE_SECONDS", 0.5)  # killed at 6.5 s but for the OCR it waits on
    box = sandbox.Sandbox(ScanSettings.from_options(time_limit=6.0))
    try:
        outcome = box.scan("scanned.pdf", build.scanned_contract_pdf(), False)
    finally:
        box.close()
    assert '"error":null' in outcome.result_json.replace(" ", ""), outcome.result_json[:500]


@pytest.mark.slow  # starts a scanning child process
def test_the_sandbox_does_not_kill_a_child_that_waits_its_turn(monkeypatch):
    """A stopped process is a busy machine at its worst: by the clock it overruns the limit,
    by its CPU time it does not, and it is not killed."""
    from contractscan.batch import sandbox
    from contractscan.batch.settings import ScanSettings

    monkeypatch.setattr(sandbox, "GRACE_SECONDS", 0.5)  # killed at 1.5 s by the clock before
    box = sandbox.Sandbox(ScanSettings.from_options(time_limit=1.0))
    try:
        box.scan("warm-up.txt", b"This Agreement is governed by the laws of Texas.", False)
        pid = box._proc.pid
        os.kill(pid, signal.SIGSTOP)  # gets no core for 2.5 s from the moment the file is sent
        resume = threading.Timer(2.5, os.kill, (pid, signal.SIGCONT))
        resume.start()
        outcome = box.scan("contract.txt", build.contract_text().encode(), False)
        resume.join()
    finally:
        box.close()
    assert '"error":null' in outcome.result_json.replace(" ", ""), outcome.result_json[:500]
