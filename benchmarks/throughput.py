#!/usr/bin/env python3
"""How fast contractscan reads a portfolio, measured so that the figures do not flatter.

Usage: python benchmarks/throughput.py DIR [--sample N --seed S | --limit N] [--workers N]
       [--repeat 3] [--extras] [--json FILE]

DIR holds contracts (or a pdf/ folder, as cuad-dev does). ``--sample N --seed S`` draws N
files at random (so different mixes can be compared); else the first ``--limit`` by name
(0: all). The figure that does not move with the mix or the machine's load is **CPU ms per
page** (user + sys of every process, workers included): it is printed first. Then:

1. ``contractscan FOLDER --format jsonl`` (the whole process, output to /dev/null), the median
   of ``--repeat`` (>= 3) runs, alternating with plain pypdfium2 extraction of ALL the PDFs
   (median of as many runs) and a part of plain pdfplumber extraction (the parts cover all the
   PDFs once), so all three meet the same load; wall pages/s and the ratios to both;
2. start-up: ``contractscan`` on a one-line text file and on samples/lab_services_agreement.pdf
   (wall, median of 5), and the API time of the 2nd+ document through ``contractscan.scan``.

Each figure is printed with the load average of the machine when it was taken. Pages: the
page count contractscan reports; a file without one (plain text, a DOCX never laid out) counts
as its characters / 3000. The ratios to the PDF engines use the PDFs only.

``--extras`` adds the older measurements (in throughput_extras.py): a re-scan with --db, CPU
per page of a generated 10- and 1000-page contract (anything quadratic shows), peak memory on
the largest PDF, and the learned second opinion's cost.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# --- generated contracts ----------------------------------------------------------------

_FAMILIES = [
    ("Confidentiality", "Each party shall keep in strict confidence all Confidential Information of the other "
     "party and shall not disclose it to any third party except as permitted by this Agreement."),
    ("Term and Termination", "Either party may terminate this Agreement upon thirty (30) days written notice if "
     "the other party materially breaches this Agreement and fails to cure the breach."),
    ("Limitation of Liability", "In no event shall either party be liable for any indirect, incidental or "
     "consequential damages arising out of this Agreement."),
    ("Indemnification", "The Supplier shall indemnify, defend and hold harmless the Customer from and against all "
     "claims, losses and expenses arising from the services."),
    ("Governing Law", "This Agreement shall be governed by and construed in accordance with the laws of the State "
     "of New York."),
    ("Intellectual Property", "All right, title and interest in the deliverables shall vest in and be owned by the "
     "Customer, and the Supplier hereby assigns to the Customer all such rights."),
    ("Dispute Resolution", "Any dispute arising out of this Agreement shall be finally settled by binding "
     "arbitration in accordance with the rules then in effect."),
    ("Services", "The Supplier shall perform the services described in the statement of work with reasonable skill "
     "and care and in accordance with good industry practice."),
    ("Fees", "The Customer shall pay the fees set out in the schedule within forty-five days of receipt of a "
     "correct invoice, without set-off."),
]
_FILLER = ("The parties shall cooperate in good faith and keep records of the work performed under this section, "
           "which shall be made available on reasonable request during normal business hours.")


def contract_pages(pages: int, lines_per_page: int = 48, width: int = 88) -> list[list[str]]:
    """A contract of articles with numbered sections, cut into pages of wrapped lines."""
    out: list[list[str]] = []
    page: list[str] = []
    article = 0
    while len(out) < pages:
        article += 1
        family, body = _FAMILIES[(article - 1) % len(_FAMILIES)]
        n = article % 1000
        block = ["", f"ARTICLE {n}", family.upper(), ""]
        for s in range(1, 7):
            block += textwrap.wrap(f"{n}.{s} {family} {s}. " + (body if s == 1 else _FILLER), width) + [""]
        for line in block:
            page.append(line)
            if len(page) == lines_per_page:
                out.append(page)
                page = []
                if len(out) == pages:
                    break
    return out


# --- measurements -----------------------------------------------------------------------

def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def run_process(args: list[str], stdout=subprocess.DEVNULL) -> tuple[float, float, int, int]:
    """Run a child to the end: (wall seconds, CPU seconds, peak RSS in MB, exit code).

    wait4 gives the child's own rusage, which on Linux includes the workers it reaped.
    """
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=stdout, stderr=subprocess.PIPE, cwd=ROOT, env=_env())
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 1, 3):
        sys.exit(f"{' '.join(args)} failed ({proc.returncode}): {err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, proc.returncode


def contractscan(folder: Path, *extra: str, out: Path | None = None) -> tuple[float, float, int, int]:
    # the folder holds links to the files: --follow-links, or they are reported, not scanned
    args = [sys.executable, "-m", "contractscan", str(folder), "--format", "jsonl", "--quiet", "--follow-links",
            *extra]
    if out is None:
        return run_process(args)
    with out.open("wb") as fh:
        return run_process(args, stdout=fh)


_EXTRACT = """
import sys, time
files = sys.argv[2:]
if sys.argv[1] == "pdfplumber":
    import pdfplumber
    def pages(f):
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text(); page.close(); yield 1
else:
    import pypdfium2 as pdfium
    def pages(f):
        pdf = pdfium.PdfDocument(f)
        for i in range(len(pdf)):
            page = pdf[i]; tp = page.get_textpage(); tp.get_text_range(); tp.close(); page.close(); yield 1
        pdf.close()
t, c = time.perf_counter(), time.process_time()
n = sum(sum(pages(f)) for f in files)
print(n, time.perf_counter() - t, time.process_time() - c)
"""


def plain_extraction(engine: str, files: list[Path]) -> tuple[int, float, float]:
    """Pages, seconds and CPU seconds of a bare extraction loop in a fresh process (imports not timed)."""
    out = subprocess.run([sys.executable, "-c", _EXTRACT, engine, *map(str, files)], capture_output=True,
                         text=True, check=True, env=_env()).stdout.split()
    return int(out[0]), float(out[1]), float(out[2])


def _load() -> str:
    return "load %.2f" % os.getloadavg()[0]


def _median_run(runs: list[tuple[float, ...]], i: int) -> float:
    return statistics.median(r[i] for r in runs)


def choose_files(src: Path, sample: int | None, seed: int, limit: int) -> list[Path]:
    """The files scanned: a random draw, or the first ``limit`` by name."""
    import random

    sys.path.insert(0, str(ROOT))
    from contractscan.loaders import SUPPORTED_SUFFIXES

    every = sorted(p for p in src.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                   and p.name not in ("README.md", "SOURCES.md"))  # a data folder's own notes
    if sample:
        return sorted(random.Random(seed).sample(every, min(sample, len(every))))
    return every[:limit] if limit else every


def page_counts(files: list[Path]) -> tuple[list[float], int]:
    """Pages per file as contractscan counts them (characters / 3000 where it has no count),
    and how many files were estimated so."""
    sys.path.insert(0, str(ROOT))
    from contractscan import Analyzer

    analyzer = Analyzer()
    out, estimated = [], 0
    for f in files:
        doc = analyzer.load(f)
        if doc.page_count:
            out.append(float(doc.page_count))
        else:
            out.append(max(1.0, len(doc.text) / 3000))
            estimated += 1
    return out, estimated


def startup(tmp: Path) -> dict[str, float]:
    """Wall seconds (median of 5) of the CLI on a one-line text and on the sample contract,
    and of ``contractscan.scan`` on the 2nd+ documents in one process."""
    tiny = tmp / "one-line.txt"
    tiny.write_text("This Agreement is governed by the laws of the State of New York.\n")
    sample = ROOT / "samples" / "lab_services_agreement.pdf"
    out = {}
    for name, path in (("startup_tiny_s", tiny), ("startup_sample_s", sample)):
        out[name] = statistics.median(
            run_process([sys.executable, "-m", "contractscan", str(path), "--quiet"])[0] for _ in range(5))
    code = ("import sys, time, contractscan\n"
            "t=time.perf_counter(); contractscan.scan(sys.argv[1]); first=time.perf_counter()-t\n"
            "ts=[]\n"
            "for _ in range(5):\n"
            "    t=time.perf_counter(); contractscan.scan(sys.argv[1]); ts.append(time.perf_counter()-t)\n"
            "ts.sort(); print(first, ts[2])\n")
    first, later = subprocess.run([sys.executable, "-c", code, str(sample)], capture_output=True, text=True,
                                  check=True, env=_env(), cwd=ROOT).stdout.split()
    out.update(api_first_s=float(first), api_later_s=float(later))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--sample", type=int, help="draw this many files at random (see --seed)")
    ap.add_argument("--seed", type=int, default=0, help="the seed of --sample (default 0)")
    ap.add_argument("--limit", type=int, default=60, help="without --sample: the first N files by name; 0 for all")
    ap.add_argument("--workers", type=int, help="passed to contractscan (default: its own, the cores)")
    ap.add_argument("--repeat", type=int, default=3, help="contractscan runs to take the median of (at least 3)")
    ap.add_argument("--no-startup", action="store_true", help="skip the start-up measurements")
    ap.add_argument("--extras", action="store_true", help="also the --db, long-document, memory and second "
                    "opinion measurements")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)

    src = args.data_dir / "pdf" if (args.data_dir / "pdf").is_dir() else args.data_dir
    files = choose_files(src, args.sample, args.seed, args.limit)
    if not files:
        sys.exit(f"no contracts in {src}")
    pdfs = [f for f in files if f.suffix.lower() == ".pdf"]
    workers = ["--workers", str(args.workers)] if args.workers else []
    k = max(3, args.repeat)
    counts, estimated = page_counts(files)
    pages = sum(counts)
    what = f"--sample {args.sample} --seed {args.seed}" if args.sample else f"first {len(files)} by name"
    figures: dict[str, object] = {"files": len(files), "pdfs": len(pdfs), "pages": pages, "selection": what,
                                  "cores": len(os.sched_getaffinity(0)), "load_at_start": os.getloadavg()[0]}
    print(f"{src}: {len(files)} files ({what}), {len(pdfs)} PDFs, {pages:.0f} pages"
          + (f" ({estimated} files without pages counted as characters / 3000)" if estimated else "")
          + f", {figures['cores']} cores, {_load()}")

    with tempfile.TemporaryDirectory(prefix="throughput-") as tmpdir:
        tmp = Path(tmpdir)
        folder = tmp / "portfolio"
        folder.mkdir()
        for f in files:
            (folder / f.name).symlink_to(f.resolve())

        # 1. the whole contractscan process, alternating with the plain extraction baselines
        # (pypdfium2 over all the PDFs each time, pdfplumber one part of them each time).
        runs, pdfium_runs, plumber = [], [], []
        parts = [pdfs[i::k] for i in range(k)]
        for i in range(k):
            out = tmp / f"run{i}.jsonl"
            r = contractscan(folder, *workers, out=out)
            errors = [e for e in (json.loads(line).get("error") for line in out.open()) if e]
            if errors:
                print(f"  ({len(errors)} files could not be scanned: {errors[0]})")
            runs.append(r)
            print(f"  run {i + 1}: contractscan {r[0]:6.2f} s wall, {r[1]:6.2f} s CPU "
                  f"({r[1] / pages * 1000:5.2f} ms/page), {_load()}")
            if pdfs:
                p = plain_extraction("pypdfium2", pdfs)
                pdfium_runs.append(p)
                print(f"         pypdfium2   {p[1]:6.2f} s wall, {p[2]:6.2f} s CPU, {_load()}")
                if parts[i]:
                    q = plain_extraction("pdfplumber", parts[i])
                    plumber.append(q)
                    print(f"         pdfplumber  {q[1]:6.2f} s wall, {q[2]:6.2f} s CPU "
                          f"({len(parts[i])} of the {len(pdfs)} PDFs), {_load()}")
        wall, cpu = _median_run(runs, 0), _median_run(runs, 1)
        cs_ms = cpu / pages * 1000
        print(f"\n  contractscan CPU per page (all processes, median of {k}): {cs_ms:6.2f} ms   "
              f"[{_load()}]")
        print(f"  contractscan wall: {wall:6.2f} s, {pages / wall:7.1f} pages/s (median of {k})")
        figures.update(contractscan_wall_s=wall, contractscan_cpu_s=cpu, cpu_ms_per_page=cs_ms,
                       pages_per_s=pages / wall)
        if pdfs:
            pdf_pages = pdfium_runs[0][0]
            assert sum(q[0] for q in plumber) == pdf_pages
            pdf_share = sum(c for f, c in zip(files, counts) if f.suffix.lower() == ".pdf") / pages
            pdfium_s, pdfium_cpu = _median_run(pdfium_runs, 1), _median_run(pdfium_runs, 2)
            plumber_s, plumber_cpu = sum(q[1] for q in plumber), sum(q[2] for q in plumber)
            cs_rate = pages / wall
            print(f"  plain pypdfium2 (one process, median of {len(pdfium_runs)}): {pdfium_s:6.2f} s, "
                  f"{pdf_pages / pdfium_s:7.1f} pages/s, CPU {pdfium_cpu / pdf_pages * 1000:6.2f} ms/page")
            print(f"  plain pdfplumber (one process, all PDFs once):   {plumber_s:6.2f} s, "
                  f"{pdf_pages / plumber_s:7.1f} pages/s, CPU {plumber_cpu / pdf_pages * 1000:6.2f} ms/page")
            if pdf_share < 0.999:
                print(f"  (the ratios compare contractscan's pages/s over all {len(files)} files with the "
                      f"engines' over the {len(pdfs)} PDFs)")
            print(f"  contractscan / pdfplumber: {cs_rate / (pdf_pages / plumber_s):6.1f}x   "
                  f"contractscan / pypdfium2: {cs_rate / (pdf_pages / pdfium_s):5.2f}x   (wall pages/s; "
                  f"{figures['cores']} cores shared with whatever else runs: see the load)")
            figures.update(pdf_pages=pdf_pages, pdfium_s=pdfium_s, pdfium_cpu_ms_per_page=pdfium_cpu / pdf_pages * 1000,
                           pdfplumber_s=plumber_s, pdfplumber_cpu_ms_per_page=plumber_cpu / pdf_pages * 1000,
                           ratio_vs_pdfplumber=cs_rate / (pdf_pages / plumber_s),
                           ratio_vs_pypdfium2=cs_rate / (pdf_pages / pdfium_s))

        # 2. start-up
        if not args.no_startup:
            st = startup(tmp)
            print(f"\n  start-up: contractscan on a one-line text {st['startup_tiny_s']:5.2f} s, on "
                  f"samples/lab_services_agreement.pdf {st['startup_sample_s']:5.2f} s (wall, median of 5); "
                  f"contractscan.scan() first document {st['api_first_s']:5.2f} s, later ones "
                  f"{st['api_later_s']:5.3f} s (median of 5)   [{_load()}]")
            figures.update(st)

        if args.extras:
            from throughput_extras import extras

            extras(args, files, workers, figures, tmp, folder)

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
