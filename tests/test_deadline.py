"""The per-file time limit bounds contractscan's own work, not Tesseract's: a long scanned
contract must not time out because OCR takes seconds a page (each page has its own timeout)."""

from __future__ import annotations

import os
import stat
import time

import pytest

from contractscan.deadline import outside_work, time_limit
from contractscan.errors import ScanTimeout
from contractscan.loaders import LoadOptions
from tests.fixtures import build


def _busy(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_outside_work_does_not_count_against_the_limit():
    with time_limit(0.4):
        with outside_work(5):
            time.sleep(0.6)
        _busy(0.1)


def test_the_clock_runs_on_after_outside_work():
    with pytest.raises(ScanTimeout):
        with time_limit(0.4):
            with outside_work(5):
                time.sleep(0.3)
            _busy(1.0)


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
