"""Parallel batch scans: same results in the same order as one process, crash isolation,
progress on a terminal, and the csv and summary outputs."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from batch_samples import portfolio
from conftest import ROOT, run_cli

from contractscan import batch
from contractscan.batch import ScanSettings, scan_sources
from contractscan.batch import pending as queue
from contractscan.batch import runners, scheduler


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return portfolio(tmp_path_factory.mktemp("batch"))


def _jsonl(proc: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.splitlines()]


@pytest.mark.slow
def test_two_workers_give_the_results_of_one_in_the_same_order(folder):
    one = run_cli(str(folder), "--workers", "1", "--format", "jsonl")
    two = run_cli(str(folder), "--workers", "2", "--format", "jsonl")
    assert one.returncode == two.returncode == 3, one.stderr + two.stderr  # some files unreadable
    assert one.stdout == two.stdout
    results = _jsonl(two)
    names = [os.path.relpath(r["source"], folder) for r in results]
    assert names == ["a_complete.txt", "b_no_liability.txt", "c_bare.txt", "d_empty.txt", "e_broken.pdf",
                     "f_legacy.doc", "g_scanned_pages.pdf", os.path.join("sub", "h_nested.txt")]
    by_name = dict(zip(names, results))
    assert [f for f in by_name["a_complete.txt"]["findings"] if f["kind"] == "missing"] == []
    assert "confidentiality" in by_name["g_scanned_pages.pdf"]["present"]
    assert by_name["g_scanned_pages.pdf"]["pages"] == 3
    assert by_name["d_empty.txt"]["error"]["type"] == "no_text"
    assert by_name["e_broken.pdf"]["error"]["type"] == "corrupt"
    assert by_name["f_legacy.doc"]["error"]["type"] == "unsupported_format"


@pytest.mark.slow
def test_files_and_folders_keep_the_order_given(folder):
    proc = run_cli(str(folder / "c_bare.txt"), str(folder / "sub"), str(folder / "missing.txt"),
                   str(folder / "a_complete.txt"), "--workers", "2", "--format", "jsonl")
    names = [os.path.basename(r["source"]) for r in _jsonl(proc)]
    assert names == ["c_bare.txt", "h_nested.txt", "missing.txt", "a_complete.txt"]
    assert _jsonl(proc)[2]["error"]["type"] == "io_error"


def _crash_on_b(name, data, keep_document):
    if name.endswith("b_no_liability.txt"):
        os._exit(9)  # what a segfault in a parser library looks like from outside
    return _real_work(name, data, keep_document)


_real_work = runners._work


@pytest.mark.slow
def test_a_worker_crash_costs_one_file_not_the_batch(folder, monkeypatch):
    # Workers are forked, so they run the patched function.
    monkeypatch.setattr(runners, "_work", _crash_on_b)
    results = list(scan_sources([str(folder)], ScanSettings.from_options(), workers=2))
    names = [os.path.basename(r.source) for r in results]
    assert names[:3] == ["a_complete.txt", "b_no_liability.txt", "c_bare.txt"] and len(names) == 8
    crashed = results[1]
    assert crashed.error is not None and crashed.error.type == "corrupt"
    assert "died" in crashed.error.message
    assert results[0].error is None and results[2].error is None and results[7].error is None
    assert "governing_law" in results[7].present


@pytest.mark.slow
def test_a_bad_rule_file_is_a_usage_error_with_workers(folder, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nname: X\ndescription: d\nrecommendation: r\npatterns:\n  - tokens: [{NOPE: 1}]\n")
    proc = run_cli(str(folder), "--workers", "2", "--rules", str(bad), "--format", "jsonl")
    assert proc.returncode == 2
    assert "bad.yaml" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""


@pytest.mark.slow
def test_progress_bar_on_a_terminal_only(folder):
    pty = pytest.importorskip("pty")
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="120")
    for quiet, expect_bar in ((False, True), (True, False)):
        leader, follower = pty.openpty()
        args = [sys.executable, "-m", "contractscan", str(folder), "--workers", "2", "--format", "jsonl"]
        proc = subprocess.Popen(args + (["--quiet"] if quiet else []), stdout=subprocess.PIPE, stderr=follower,
                                cwd=ROOT, env=env)
        os.close(follower)
        seen = b""
        while True:  # read while it runs, or the terminal's buffer fills and blocks it
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            seen += chunk
        os.close(leader)
        out, _ = proc.communicate(timeout=300)
        assert len(out.splitlines()) == 8  # results still go to stdout, one line each
        assert (b"pages/s" in seen and b"files" in seen) == expect_bar, seen[-500:]
    piped = run_cli(str(folder), "--workers", "2", "--format", "jsonl")
    assert piped.stderr == ""  # not a terminal: silent


@pytest.mark.slow
def test_csv_has_a_row_per_document_and_clause(folder):
    proc = run_cli(str(folder), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert list(rows[0]) == ["source", "clause", "present", "page", "section", "value", "finding", "severity",
                             "message", "error"]
    mine = {r["clause"]: r for r in rows if r["source"].endswith("b_no_liability.txt")}
    assert mine["governing_law"]["present"] == "yes" and mine["governing_law"]["value"] == "New York"
    assert mine["governing_law"]["section"]
    assert mine["liability.limitation"]["present"] == "no"
    assert (mine["liability.limitation"]["finding"], mine["liability.limitation"]["severity"]) == ("missing", "high")
    pdf = {r["clause"]: r for r in rows if r["source"].endswith("g_scanned_pages.pdf")}
    assert pdf["confidentiality"]["page"] == "1"
    broken = [r for r in rows if r["source"].endswith("e_broken.pdf")]
    assert len(broken) == 1 and broken[0]["error"].startswith("corrupt:")


@pytest.mark.slow
def test_summary_counts_documents_lacking_each_clause(folder):
    # one checklist for all (with auto, c_bare's "PURCHASE ORDER" is an order form, checked for scope and fees)
    proc = run_cli(str(folder), "--format", "summary", "--profile", "core")
    assert "8 document(s), 5 read, 3 could not be read" in proc.stdout
    lines = {line.split()[0]: line.split() for line in proc.stdout.splitlines()[2:] if line.strip()}
    # columns: clause, lacking, of; b, c and the PDF have no limitation of liability
    assert lines["liability.limitation"][1:3] == ["3", "5"]
    assert lines["confidentiality"][1:3] == ["2", "5"]  # c and h
    table = run_cli(str(folder))
    assert "Portfolio summary: 8 document(s)" in table.stdout


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["html", "md"])
def test_reports_showing_the_contract_get_the_document_back(folder, tmp_path, fmt):
    one = run_cli(str(folder), "--workers", "1", "--format", fmt)
    two = run_cli(str(folder), "--workers", "2", "--format", fmt)
    assert one.stdout == two.stdout and one.stdout
    db = tmp_path / "r.db"
    first = run_cli(str(folder), "--workers", "2", "--format", fmt, "--db", str(db))
    again = run_cli(str(folder), "--workers", "2", "--format", fmt, "--db", str(db))  # from the store
    assert first.stdout == again.stdout == one.stdout


@pytest.mark.slow
def test_the_largest_waiting_files_go_to_workers_first_and_results_keep_input_order(tmp_path):
    from collections import deque
    from concurrent.futures import Future

    class Recorder:
        window = 2
        keep_documents = False

        def __init__(self) -> None:
            self.submitted: list[str] = []

        def submit(self, job):
            self.submitted.append(job.name)
            return Future()

    pending = deque(queue.Pending(batch.Job(name, size=size)) for name, size in
                    [("a", 10), ("b", 5000), ("c", 300), ("d", 90000)])
    runner = Recorder()
    scheduler._top_up(runner, pending)
    assert runner.submitted == ["d", "b"]  # the window is full now
    scheduler._top_up(runner, pending)
    assert runner.submitted == ["d", "b"]
    pending[3].future.set_result(None)  # d is done: one worker is free
    scheduler._top_up(runner, pending)
    assert runner.submitted == ["d", "b", "c"]

    big = tmp_path / "z_big.txt"  # last by name, first to be scanned
    big.write_text("\n\n".join(f"{n}. Confidentiality. Each party shall keep the other's information confidential."
                               for n in range(1, 400)))
    for n in range(5):
        (tmp_path / f"{n}_small.txt").write_text("This Agreement is governed by the laws of the State of New York.")
    done = run_cli(str(tmp_path), "--workers", "2", "--format", "jsonl", "--fail-on", "never")
    names = [os.path.basename(r["source"]) for r in _jsonl(done)]
    assert names == [*(f"{n}_small.txt" for n in range(5)), "z_big.txt"], done.stderr


def test_the_progress_bar_counts_a_document_when_its_worker_finishes_not_when_its_turn_comes():
    from collections import deque
    from concurrent.futures import Future

    from contractscan.results import ScanResult

    recorded: list[tuple[str, int]] = []

    def record(item):
        recorded.append((item.job.name, item.result.pages or 0))

    settings = ScanSettings.from_options()
    pending = deque(queue.Pending(batch.Job(name)) for name in "abc")
    for item in pending:
        item.start(Future())
    done = ScanResult(source="c", pages=120).model_dump_json()
    pending[2].future.set_result(batch.Outcome(done, 120, True))  # the last one, and the largest, is done
    scheduler._harvest(pending, settings, record)
    scheduler._harvest(pending, settings, record)
    assert recorded == [("c", 120)] and [p.state for p in pending] == [queue.State.RUNNING] * 2 + [queue.State.DONE]
    pending[0].future.set_exception(RuntimeError("parser crashed"))
    scheduler._harvest(pending, settings, record)
    assert recorded == [("c", 120), ("a", 0)]
    assert pending[0].result.error is not None


@pytest.mark.slow
def test_an_interrupted_pool_closes_though_a_worker_died_sending_a_result():
    """A worker stopped in the middle of sending a result leaves half a message in the result
    pipe: closing after Ctrl-C must not wait for the rest for ever."""
    import struct
    import threading
    import time

    from contractscan.batch.runners import ProcessPool
    from contractscan.batch.settings import ScanSettings

    pool = ProcessPool(ScanSettings.from_options(), 2)
    pool._pool.submit(time.sleep, 0.01).result()
    writer = pool._pool._result_queue._writer
    os.write(writer.fileno(), struct.pack("!i", 1000) + b"x")  # a length, then 1 of its 1000 bytes
    closer = threading.Thread(target=pool.close, kwargs={"interrupted": True}, daemon=True)
    closer.start()
    closer.join(30)
    assert not closer.is_alive()
