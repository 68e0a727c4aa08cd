"""Hostile folders, interrupted runs and failing code (issue 12): nothing lost, nothing hung.

The output cases (``-o`` onto an input, CSV and Markdown injection, ...) are in
test_adversarial_outputs.py, the CLI's limits and the API's inputs in test_adversarial_cli.py;
these are the batch, store and folder-walk cases.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import Future
from pathlib import Path

import pytest
from batch_samples import contract
from conftest import ROOT, run_cli

from contractscan import Analyzer
from contractscan.batch import Outcome, ScanSettings, scan_sources
from contractscan.batch import scheduler, settings as settings_module
from contractscan.errors import TooLarge
from contractscan.loaders import read_file
from contractscan.results import ScanResult
from contractscan.inputs import iter_files
from contractscan.store import ResultStore

GOOD = "This Agreement is governed by the laws of the State of New York."


def _jsonl(proc: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.splitlines()]


def _rows(db: Path, table: str = "sources") -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


# --- 2: the store commits each result as soon as its worker finishes ---------------------

class _HeadNeverFinishes:
    """A runner whose first document never finishes while the others do; Ctrl-C comes after
    a few polls."""

    window = 8
    keep_documents = False

    def __init__(self) -> None:
        self.polls = 0

    def submit(self, job):
        fut: Future = Future()
        if not job.name.endswith("a.txt"):
            fut.set_result(Outcome(ScanResult(source=job.name, profile="core").model_dump_json(), 1, True))
        return fut

    def wait(self, future, timeout):
        self.polls += 1
        if self.polls > 5:
            raise KeyboardInterrupt
        return future.done()

    def recover(self, pending, profile_name):
        pass

    def close(self, interrupted=False):
        pass


def test_results_are_stored_when_their_worker_finishes_not_when_their_turn_comes(tmp_path, monkeypatch):
    for name in "abcde":
        (tmp_path / f"{name}.txt").write_text(GOOD)
    monkeypatch.setattr(scheduler, "make_runner", lambda *a: _HeadNeverFinishes())
    db = tmp_path / "r.db"
    with pytest.raises(KeyboardInterrupt):
        list(scan_sources([str(tmp_path)], ScanSettings.from_options(), workers=2, store=ResultStore(db)))
    assert _rows(db) == 4  # b..e finished behind a.txt, which never did: all four kept


@pytest.mark.slow
def test_ctrl_c_keeps_every_file_the_progress_bar_showed_done(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import interrupt

    folder = tmp_path / "contracts"
    folder.mkdir()
    interrupt.make_folder(folder, 40)
    for run, delay in enumerate([0.5, 2.0]):
        shown, stored, code, stderr = interrupt.interrupted_run(folder, tmp_path / f"{run}.db", 2, delay)
        assert stored >= shown, (run, shown, stored, stderr)
        # a Ctrl-C during start-up (before any file is done; the machine may be slow), or after
        # the last file was stored while the process exits (a fast scan), ends the process by the
        # signal itself: nothing was done, or everything is stored, so nothing is lost
        assert code in (0, 130) or (code == -signal.SIGINT and stored == shown in (0, 40)), (run, code, shown, stderr)


# --- 3: only deterministic errors are reused; bugs are internal_error ---------------------

def _failing_analysis(exc: BaseException):
    def analyse_document(self, doc):
        raise exc

    return analyse_document


@pytest.mark.parametrize("exc, kind", [(MemoryError(), "out_of_memory"),
                                       (ZeroDivisionError("division by zero"), "internal_error"),
                                       (KeyError("x"), "internal_error")])
def test_transient_failures_and_bugs_are_not_kept_in_the_store(tmp_path, monkeypatch, exc, kind):
    (tmp_path / "a.txt").write_text(GOOD)
    monkeypatch.setattr(Analyzer, "analyse_document", _failing_analysis(exc))
    db = tmp_path / "r.db"
    with ResultStore(db) as store:
        [result] = scan_sources([str(tmp_path)], ScanSettings.from_options(), workers=1, store=store)
    assert result.error is not None and result.error.type == kind, result.error
    if kind == "internal_error":
        assert "--debug" in result.error.message and "bug in contractscan" in result.error.message
    assert _rows(db, "results") == 0 and _rows(db, "sources") == 1  # shown by report, never reused
    monkeypatch.undo()
    with ResultStore(db) as store:
        [again] = scan_sources([str(tmp_path)], ScanSettings.from_options(), workers=1, store=store)
    assert again.error is None and "governing_law" in again.present


def test_a_parser_library_failing_on_the_bytes_is_corrupt_and_reusable(tmp_path, monkeypatch):
    import json as stdlib_json

    from contractscan import scanner

    def load(self, source, name=None):  # the error is raised inside a library (json), not contractscan
        stdlib_json.loads("{not json")

    monkeypatch.setattr(scanner.Analyzer, "load", load)
    (tmp_path / "a.txt").write_text(GOOD)
    db = tmp_path / "r.db"
    with ResultStore(db) as store:
        [result] = scan_sources([str(tmp_path)], ScanSettings.from_options(), workers=1, store=store)
    assert result.error is not None and result.error.type == "corrupt"
    assert _rows(db, "results") == 1


def test_the_store_key_covers_contractscans_code(monkeypatch):
    settings = ScanSettings.from_options()
    before = settings.fingerprint()
    assert settings_module.code_hash() == settings_module.code_hash.__wrapped__()  # cached, and right
    monkeypatch.setattr(settings_module, "code_hash", lambda: "0" * 64)
    assert settings.fingerprint() != before


# --- 4: only regular files are read, and reading is bounded -------------------------------

@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_and_a_link_to_dev_zero_are_refused_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    os.symlink("/dev/zero", tmp_path / "zero.pdf")
    (tmp_path / "good.txt").write_text(GOOD)
    for extra in ([], ["--db", str(tmp_path / "r.db")], ["--workers", "1"]):
        # --follow-links: a link out of the folder is otherwise not even opened (see below)
        done = run_cli(str(tmp_path), "--format", "jsonl", "--fail-on", "never", "--follow-links", *extra,
                       timeout=240)
        results = {Path(r["source"]).name: r for r in _jsonl(done)}
        assert set(results) == {"pipe.txt", "zero.pdf", "good.txt"}, done.stderr
        assert results["pipe.txt"]["error"]["type"] == "unsupported_format"
        assert "named pipe" in results["pipe.txt"]["error"]["message"]
        assert results["zero.pdf"]["error"]["type"] == "unsupported_format"
        assert "character device" in results["zero.pdf"]["error"]["message"]
        assert results["good.txt"]["error"] is None and done.returncode == 3
    named = run_cli(str(tmp_path / "zero.pdf"), "--format", "jsonl", timeout=120)
    assert _jsonl(named)[0]["error"]["type"] == "unsupported_format"


def test_reads_stop_at_the_size_limit(tmp_path):
    f = tmp_path / "big.txt"
    f.write_bytes(b"x" * 1000)
    with pytest.raises(TooLarge):
        read_file(f, 999)
    assert read_file(f, 1000) == b"x" * 1000


def test_the_time_limit_covers_reading(tmp_path, monkeypatch):
    from contractscan import loaders

    reads = []

    def slow_read(path, max_bytes):  # works (CPU time) until stopped: the limit counts work
        reads.append(path)
        end = time.process_time() + 30
        while time.process_time() < end:
            pass

    monkeypatch.setattr(loaders, "read_file", slow_read)
    (tmp_path / "a.txt").write_text(GOOD)
    started = time.monotonic()
    settings = ScanSettings.from_options(time_limit=0.1)
    with ResultStore(tmp_path / "r.db") as store:  # with a store the batch reads the bytes itself
        [stored] = scan_sources([str(tmp_path)], settings, workers=1, store=store)
    [direct] = scan_sources([str(tmp_path)], settings, workers=1)
    assert stored.error.type == direct.error.type == "timeout"
    assert len(reads) == 2  # both were stopped while reading
    assert time.monotonic() - started < 20


# --- 6: workers exit when their parent dies ----------------------------------------------

def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_when_the_parent_is_killed(tmp_path):
    for i in range(6):
        (tmp_path / f"c{i}.txt").write_text("\n\n".join([contract("confidentiality", "termination")] * 3000))
    proc = subprocess.Popen([sys.executable, "-m", "contractscan", str(tmp_path), "--workers", "2",
                             "--time-limit", "0", "--format", "jsonl"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        deadline = time.monotonic() + 120
        while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        workers = _children(proc.pid)
        assert len(workers) >= 2
        time.sleep(1)
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 5
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers), "workers outlived their parent"


# --- 8, 9, 19: file names, deep trees, links out of the folder ---------------------------
@pytest.mark.slow
def test_a_file_name_that_is_not_utf8_does_not_stop_the_batch(tmp_path):
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"caf\xe9.txt"), "w") as f:
        f.write(GOOD)
    (tmp_path / "z_good.txt").write_text(GOOD)
    for fmt in ("jsonl", "csv", "table", "md", "html"):
        done = run_cli(str(tmp_path), "--format", fmt, "--fail-on", "never", "--db", str(tmp_path / "r.db"))
        assert done.returncode == 0, (fmt, done.stderr)
        assert "caf\\xe9.txt" in done.stdout.replace("\\\\", "\\") and "z_good.txt" in done.stdout
    first = _jsonl(run_cli(str(tmp_path), "--format", "jsonl"))[0]
    assert first["source"].endswith("caf\\xe9.txt") and "governing_law" in first["present"]
    assert "\\\\xe9" in ScanResult(source="caf\udce9.txt").model_dump_json()


@pytest.mark.slow
def test_a_folder_tree_1200_levels_deep_is_walked():
    # Not under tmp_path: pytest removes old temporary folders with shutil.rmtree, which
    # recurses and would fail on this tree in every later test session on the machine.
    top = tempfile.mkdtemp(prefix="contractscan-deep-")
    deep = top
    try:
        for _ in range(1200):  # one by one: Path.mkdir(parents=True) itself recurses
            deep = os.path.join(deep, "d")
            os.mkdir(deep)
        Path(deep, "contract.txt").write_text(GOOD)
        assert [p.name for p, problem in iter_files(top) if problem is None] == ["contract.txt"]
        done = run_cli(top, "--format", "jsonl", "--fail-on", "never")
        assert done.returncode == 0, done.stderr[-2000:]
        assert [Path(r["source"]).name for r in _jsonl(done)] == ["contract.txt"]
    finally:  # taken down from the bottom, without recursion
        if os.path.exists(os.path.join(deep, "contract.txt")):
            os.unlink(os.path.join(deep, "contract.txt"))
        while deep != top:
            os.rmdir(deep)
            deep = os.path.dirname(deep)
        os.rmdir(top)


@pytest.mark.slow
def test_links_out_of_the_scanned_folder_are_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("The secret word is SWORDFISH. " + GOOD)
    folder = tmp_path / "scanned"
    folder.mkdir()
    (folder / "contract.txt").write_text(GOOD)
    os.symlink(outside / "secret.txt", folder / "passwd.txt")
    os.symlink(outside, folder / "elsewhere")
    os.symlink(folder / "contract.txt", folder / "inside-link.txt")  # stays in the folder: followed
    done = run_cli(str(folder), "--format", "html", "--fail-on", "never")
    assert "SWORDFISH" not in done.stdout
    results = {Path(r["source"]).name: r for r in _jsonl(run_cli(str(folder), "--format", "jsonl"))}
    assert results["passwd.txt"]["error"]["type"] == "io_error"
    assert "--follow-links" in results["passwd.txt"]["error"]["message"]
    assert "elsewhere" in results and results["inside-link.txt"]["error"] is None
    followed = run_cli(str(folder), "--format", "html", "--fail-on", "never", "--follow-links")
    assert "SWORDFISH" in followed.stdout


# --- 5: a time limit on Dask, and no wait without end when workers are lost ---------------

_REDOS_RULE = """id: redos_rule
name: A user's rule that backtracks
description: catastrophic backtracking on a run of x's (the sentence filter lets the sentence through, since
  it drops the look-behind; re then fails it only after trying every split of the x's)
recommendation: r
patterns:
  - regex: "(x+x+)+y(?<!xy)"
    weight: 0.9
"""


@pytest.mark.slow
def test_the_time_limit_applies_on_dask(tmp_path):
    distributed = pytest.importorskip("distributed", reason="the Dask extra is not installed")
    rule = tmp_path / "redos.yaml"
    rule.write_text(_REDOS_RULE)
    folder = tmp_path / "contracts"
    folder.mkdir()
    (folder / "a_redos.txt").write_text("1. Definitions. " + "x" * 40 + "y.\n\n2. Law. " + GOOD)
    (folder / "b_good.txt").write_text(GOOD)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp://",
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        started = time.monotonic()
        done = run_cli(str(folder), "--format", "jsonl", "--rules", str(rule), "--time-limit", "3",
                       "--executor", "dask", "--scheduler", cluster.scheduler_address, timeout=240)
    results = {Path(r["source"]).name: r for r in _jsonl(done)}
    assert results["a_redos.txt"]["error"]["type"] == "timeout", done.stderr[-2000:]
    assert results["b_good.txt"]["error"] is None and "governing_law" in results["b_good.txt"]["present"]
    assert time.monotonic() - started < 180


@pytest.mark.slow
def test_a_dask_run_that_loses_every_worker_gives_errors_not_a_hang(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed", reason="the Dask extra is not installed")
    import threading

    from contractscan.batch import cluster as dask_runner

    monkeypatch.setattr(dask_runner.DaskRunner, "lost_after", 2.0)
    slow = "\n\n".join([contract("confidentiality", "termination")] * 3000)
    for i in range(3):
        (tmp_path / f"c{i}.txt").write_text(slow)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp://",
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        threading.Timer(2.0, lambda: cluster.scale(0)).start()
        started = time.monotonic()
        results = list(scan_sources([str(tmp_path)], ScanSettings.from_options(time_limit=0), executor="dask",
                                    scheduler=cluster.scheduler_address))
    assert len(results) == 3 and time.monotonic() - started < 120
    assert all(r.error is not None and r.error.type == "io_error" and "no workers" in r.error.message
               for r in results)
