#!/usr/bin/env python3
"""A big folder: thousands of small generated contracts through ``contractscan FOLDER``.

Usage: python benchmarks/many_files.py [--files 10000] [--workers N] [--pdf-share 0.3] [--keep DIR]

Generates ``--files`` small contracts (1-3 pages; a share of them PDFs, the rest text, each
with its own party names, amounts and periods, so the vocabulary grows as a real portfolio's
does), scans the folder with ``--format jsonl`` and reports files/s, CPU ms per file, the
peak of the summed RSS of contractscan and all its workers (sampled every 0.1 s from /proc),
and how steady the stream is: files/s in each tenth of the run, from the time each result
line came out. Linux only (it reads /proc).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from throughput import contract_pages  # noqa: E402

from contractscan.testing.pdf import write_pdf  # noqa: E402

_NAMES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell", "Cyberdyne",
          "Soylent", "Wonka", "Gringotts", "Oscorp", "Aperture", "Massive", "Dynamic", "Virtucon", "Nakatomi"]
_STATES = ["New York", "Delaware", "California", "Texas", "Illinois", "Ohio", "Florida", "Washington"]


def contract_text(rng: random.Random, i: int) -> list[list[str]]:
    """1-3 pages: the generated articles with this contract's own names, amounts and periods."""
    pages = contract_pages(rng.randint(1, 3))
    a, b = rng.sample(_NAMES, 2)
    supplier, customer = f"{a} {rng.choice(['Labs', 'Systems', 'Health'])} {i}", f"{b} Clinic {i % 997}"
    head = [f"SERVICES AGREEMENT NO. {i:05d}", "",
            *textwrap.wrap(f"This Agreement is made between {supplier} (the Supplier) and {customer} (the "
                           f"Customer). The fees are USD {rng.randint(1, 900)},{rng.randint(100, 999)} a year. "
                           f"This Agreement is governed by the laws of the State of {rng.choice(_STATES)}. "
                           f"Either party may terminate it on {rng.randint(10, 120)} days' notice.", 88), ""]
    pages[0] = head + pages[0][: max(0, 48 - len(head))]
    return pages


def generate(folder: Path, n: int, pdf_share: float, seed: int = 0) -> None:
    rng = random.Random(seed)
    for i in range(n):
        sub = folder / f"vendor-{i // 500:03d}"  # folders of 500, as an export would be
        sub.mkdir(exist_ok=True)
        pages = contract_text(rng, i)
        if rng.random() < pdf_share:
            write_pdf(sub / f"contract-{i:05d}.pdf", pages, page_numbers=True)
        else:
            (sub / f"contract-{i:05d}.txt").write_text("\n\n".join("\n".join(p) for p in pages), encoding="utf-8")


def tree_rss_mb(pid: int) -> float:
    """The summed resident memory of ``pid`` and its descendants, in MB."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
    return total / 2**20


def run(folder: Path, workers: list[str]) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    args = [sys.executable, "-m", "contractscan", str(folder), "--format", "jsonl", "--quiet", "--fail-on", "never",
            *workers]
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_mb(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    arrivals: list[float] = []
    errors = 0
    assert proc.stdout is not None
    for line in proc.stdout:
        arrivals.append(time.perf_counter() - t0)
        errors += b'"error":{' in line.replace(b" ", b"")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    err = proc.stderr.read().decode() if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 3):
        sys.exit(f"contractscan failed ({code}): {err[-2000:]}")
    tenths = []
    n = len(arrivals)
    for k in range(10):
        lo, hi = arrivals[k * n // 10] if k else 0.0, arrivals[min(n - 1, (k + 1) * n // 10 - 1)]
        tenths.append((n // 10) / max(hi - lo, 1e-9))
    return {"files": n, "errors": errors, "wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": peak[0], "max_process_rss_mb": usage.ru_maxrss / 1024, "first_result_s": arrivals[0],
            "tenths": tenths}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--workers", type=int, help="passed to contractscan (default: its own, the cores)")
    ap.add_argument("--pdf-share", type=float, default=0.3, help="the share of PDFs among the files (default 0.3)")
    ap.add_argument("--keep", type=Path, help="generate into (or reuse) this folder instead of a temporary one")
    args = ap.parse_args(argv)
    workers = ["--workers", str(args.workers)] if args.workers else []
    with tempfile.TemporaryDirectory(prefix="many-files-") as tmp:
        folder = args.keep or Path(tmp) / "portfolio"
        if not (folder.is_dir() and any(folder.iterdir())):
            folder.mkdir(parents=True, exist_ok=True)
            t = time.perf_counter()
            generate(folder, args.files, args.pdf_share)
            print(f"generated {args.files} files in {time.perf_counter() - t:.1f} s")
        load = os.getloadavg()[0]
        r = run(folder, workers)
    print(f"{r['files']} files ({r['errors']} errors): {r['wall_s']:.1f} s wall, {r['files'] / r['wall_s']:.1f} files/s, "
          f"CPU {r['cpu_s'] / r['files'] * 1000:.1f} ms per file (all processes); first result after "
          f"{r['first_result_s']:.1f} s; load {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end")
    print(f"peak RSS of contractscan and its workers together: {r['peak_rss_mb']:.0f} MB (largest single process "
          f"{r['max_process_rss_mb']:.0f} MB)")
    print("files/s in each tenth of the run: " + " ".join(f"{x:.0f}" for x in r["tenths"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
