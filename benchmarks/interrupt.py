#!/usr/bin/env python3
"""Ctrl-C at a random moment in a 100-file ``--db`` run: is every file the progress bar
showed as done in the store?

Usage: python benchmarks/interrupt.py [--runs 10] [--files 100] [--workers 2] [--seed 1]

Writes 100 generated contracts (nothing downloaded), then, per run, starts
``python -m contractscan FOLDER --db NEW.db`` with stderr on a pseudo-terminal (so the
progress bar is drawn), sends SIGINT at a random moment after the first file is shown done,
and compares the highest "N/100 files" the bar drew with the rows in the store's
``sources`` table. Exit 1 when a run has fewer stored rows than files shown done.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import select
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
_BAR = re.compile(rb"(\d+)/(\d+) files")
_ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")  # rich colours the count: strip its escapes first


def make_folder(root: Path, files: int) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from fixtures import build

    text = build.contract_text()
    for i in range(files):
        # Sizes vary so the largest-first scheduler finishes files out of order.
        (root / f"c{i:03d}.txt").write_text(f"Contract {i}.\n\n" + "\n\n".join([text] * (2 + (i * 7) % 26)))


class Run(NamedTuple):
    """What one interrupted run did."""

    shown: int  # the highest "N/M files" the progress bar drew
    stored: int  # rows in the store's sources table
    code: int  # the exit code (negative: ended by that signal)
    stderr: str  # what the run wrote on its terminal besides the bar: says why a run failed


def interrupted_run(folder: Path, db: Path, workers: int, delay: float) -> Run:
    """Run, SIGINT after ``delay`` seconds of scanning."""
    master, slave = os.openpty()
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               COLUMNS="120", TERM="xterm")
    proc = subprocess.Popen([sys.executable, "-m", "contractscan", str(folder), "--db", str(db), "--format",
                             "jsonl", "-o", os.devnull, "--fail-on", "never", "--workers", str(workers)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave, cwd=ROOT, env=env)
    os.close(slave)
    out = b""
    started = None
    sent = False
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += _ANSI.sub(b"", chunk)  # an escape split across reads is rare and only costs one match
            if started is None and any(int(m.group(1)) > 0 for m in _BAR.finditer(out)):
                started = time.monotonic()  # files are being finished: the random moment falls from now
        if started is not None and not sent and time.monotonic() - started >= delay:
            proc.send_signal(signal.SIGINT)
            sent = True
        if proc.poll() is not None and not ready:
            break
    code = proc.wait(timeout=60)
    os.close(master)
    shown = max((int(m.group(1)) for m in _BAR.finditer(out)), default=0)
    con = sqlite3.connect(db)
    try:
        stored = con.execute("SELECT count(*) FROM sources").fetchone()[0]
    finally:
        con.close()
    return Run(shown, stored, code, _messages(out))


def _messages(out: bytes) -> str:
    """The terminal's lines without the progress bar's redraws (its last 40)."""
    lines = [line.strip() for line in re.split(rb"[\r\n]+", out)]
    kept = [line.decode("utf-8", "replace") for line in lines if line and not _BAR.search(line)]
    return "\n".join(kept[-40:])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-delay", type=float, default=4.0,
                    help="SIGINT within this many seconds of the first file shown done")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    bad = 0
    with tempfile.TemporaryDirectory(prefix="contractscan-interrupt-") as tmp:
        folder = Path(tmp) / "contracts"
        folder.mkdir()
        make_folder(folder, args.files)
        print(f"{'run':>3} {'SIGINT after':>12} {'bar: done':>10} {'stored rows':>12} {'exit':>5}")
        for run in range(args.runs):
            delay = rng.uniform(0.0, args.max_delay)
            shown, stored, code, stderr = interrupted_run(folder, Path(tmp) / f"run{run}.db", args.workers, delay)
            ok = stored >= shown
            bad += not ok
            print(f"{run + 1:>3} {delay:>11.2f}s {shown:>10} {stored:>12} {code:>5}{'' if ok else '  LOST ROWS'}")
            if not ok or code not in (0, 130, -signal.SIGINT):
                print("    its stderr:\n" + "\n".join(f"    | {line}" for line in stderr.splitlines()))
    print("OK: stored rows >= files shown done in every run" if not bad else f"FAILED in {bad} run(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
