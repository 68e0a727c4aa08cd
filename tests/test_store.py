"""The result store: unchanged files come from it, changed ones are scanned again, and
``contractscan report`` renders it without scanning."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys

import pytest
from batch_samples import contract, portfolio
from conftest import ROOT, run_cli

from contractscan.batch import ScanSettings, scan_sources
from contractscan.results import ScanResult
from contractscan.store import ResultStore


@pytest.fixture()
def folder(tmp_path):
    return portfolio(tmp_path)


def _lines(proc: subprocess.CompletedProcess) -> list[dict]:
    assert proc.returncode in (0, 1, 3), proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def _mark_stored_results(db, note: str) -> None:
    """Add a warning to every reusable stored result, so a reused one is recognisable."""
    con = sqlite3.connect(db)
    with con:
        for content, settings, version, result in con.execute(
                "SELECT content_sha256, settings_sha256, version, result FROM results").fetchall():
            r = json.loads(result)
            r["warnings"].append({"type": "note", "message": note, "pages": []})
            con.execute("UPDATE results SET result = ? WHERE content_sha256 = ? AND settings_sha256 = ? "
                        "AND version = ?", (json.dumps(r), content, settings, version))
    con.close()


@pytest.mark.slow
def test_rescan_reuses_unchanged_files_and_scans_changed_ones(folder, tmp_path):
    db = tmp_path / "results.db"
    plain = _lines(run_cli(str(folder), "--format", "jsonl", "--workers", "2"))
    first = _lines(run_cli(str(folder), "--format", "jsonl", "--workers", "2", "--db", str(db)))
    assert first == plain

    _mark_stored_results(db, "from the store")
    changed = folder / "b_no_liability.txt"
    changed.write_text(contract("confidentiality", "termination", "governing_law", "liability"))
    second = _lines(run_cli(str(folder), "--format", "jsonl", "--workers", "2", "--db", str(db)))

    by_name = {os.path.basename(r["source"]): r for r in second}
    reused = [n for n, r in by_name.items() if any(w["message"] == "from the store" for w in r["warnings"])]
    # Unchanged readable documents and unchanged unreadable-by-content ones come from the store;
    # the changed file is scanned again and now has its limitation of liability.
    assert sorted(reused) == ["a_complete.txt", "c_bare.txt", "d_empty.txt", "e_broken.pdf", "f_legacy.doc",
                              "g_scanned_pages.pdf", "h_nested.txt"]
    assert "liability.limitation" in by_name["b_no_liability.txt"]["present"]
    assert [r["source"] for r in second] == [r["source"] for r in first]

    # Without the mark, a re-scan gives exactly a fresh scan's output.
    fresh = _lines(run_cli(str(folder), "--format", "jsonl", "--workers", "1"))
    db2 = tmp_path / "clean.db"
    run_cli(str(folder), "--format", "jsonl", "--db", str(db2))
    assert _lines(run_cli(str(folder), "--format", "jsonl", "--db", str(db2))) == fresh


@pytest.mark.slow
def test_other_rules_mean_a_new_scan(folder, tmp_path):
    db = tmp_path / "results.db"
    run_cli(str(folder), "--format", "jsonl", "--db", str(db))
    _mark_stored_results(db, "from the store")
    extra = tmp_path / "extra.yaml"
    extra.write_text("id: payment_terms\nname: Payment terms\ndescription: fees\nrecommendation: r\n"
                     "patterns:\n  - phrase: within forty-five days\n")
    again = _lines(run_cli(str(folder), "--format", "jsonl", "--db", str(db), "--rules", str(extra)))
    assert not any(w["message"] == "from the store" for r in again for w in r["warnings"])


@pytest.mark.slow
def test_a_rescan_from_the_store_never_loads_spacy(folder, tmp_path):
    db = tmp_path / "results.db"
    run_cli(str(folder), "--format", "jsonl", "--db", str(db))
    code = ("import sys; from contractscan.cli import main; "
            f"rc = main([{str(folder)!r}, '--db', {str(db)!r}, '--format', 'jsonl', '--workers', '1']); "
            "assert 'spacy' not in sys.modules, 'spacy was imported'; sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=300)
    assert proc.returncode == 3, proc.stderr  # 3: the broken files are still reported
    assert len(proc.stdout.splitlines()) == 8


@pytest.mark.slow
def test_report_renders_the_latest_result_of_each_source(folder, tmp_path):
    db = tmp_path / "results.db"
    run_cli(str(folder), "--format", "jsonl", "--db", str(db))
    (folder / "c_bare.txt").write_text(contract("confidentiality", "arbitration"))
    latest = _lines(run_cli(str(folder / "c_bare.txt"), "--format", "jsonl", "--db", str(db)))
    report = _lines(run_cli("report", "--db", str(db), "--format", "jsonl"))
    assert [r["source"] for r in report] == sorted(r["source"] for r in report)
    assert len(report) == 8
    assert next(r for r in report if r["source"].endswith("c_bare.txt")) == latest[0]
    table = run_cli("report", "--db", str(db))
    assert table.returncode == 3 and "Portfolio summary: 8 document(s)" in table.stdout
    csv_out = run_cli("report", "--db", str(db), "--format", "csv")
    assert csv_out.stdout.startswith("source,clause,present,page,section,value,finding,severity")


@pytest.mark.slow
def test_report_without_a_store_is_a_usage_error(tmp_path):
    proc = run_cli("report", "--db", str(tmp_path / "none.db"))
    assert proc.returncode == 2 and "no result store" in proc.stderr
    not_db = tmp_path / "notes.txt"
    not_db.write_text("hello " * 1000)
    proc = run_cli("report", "--db", str(not_db))
    assert proc.returncode == 2 and "not a usable result store" in proc.stderr and "Traceback" not in proc.stderr


def test_a_failed_write_leaves_no_row(tmp_path):
    store = ResultStore(tmp_path / "r.db")
    r = ScanResult(source="x.txt", profile="core")
    with pytest.raises(KeyboardInterrupt):
        with store._transaction():
            store._db.execute("INSERT INTO results VALUES ('h', 's', 'v', ?, 0)", (r.model_dump_json(),))
            raise KeyboardInterrupt
    assert store._db.execute("SELECT count(*) FROM results").fetchone() == (0,)
    store.close()


@pytest.mark.slow
def test_an_interrupted_batch_keeps_whole_results_only(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(60):
        (folder / f"c{i:02d}.txt").write_text(contract("confidentiality", "governing_law", "termination") * (1 + i % 5))
    db = tmp_path / "results.db"

    # Stop the generator (as Ctrl-C would) after a few results.
    results = scan_sources([str(folder)], ScanSettings.from_options(), workers=2, store=ResultStore(db))
    for _ in range(5):
        next(results)
    results.close()

    # Kill a CLI run outright once it has written something.
    proc = subprocess.Popen([sys.executable, "-m", "contractscan", str(folder), "--db", str(db), "--format",
                             "jsonl", "--workers", "2"], stdout=subprocess.PIPE, cwd=ROOT,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    proc.stdout.readline()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)

    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rows = con.execute("SELECT result FROM results").fetchall() + con.execute("SELECT result FROM sources").fetchall()
    assert len(rows) >= 10
    for (result,) in rows:
        ScanResult.model_validate_json(result)
    con.close()
    # A new run finishes the job and gives what a fresh scan gives.
    assert _lines(run_cli(str(folder), "--db", str(db), "--format", "jsonl")) == _lines(
        run_cli(str(folder), "--format", "jsonl"))
