#!/usr/bin/env python3
"""How fast contractscan reads a portfolio, measured against plain text extraction.

Usage: python benchmarks/throughput.py DIR [--limit 60] [--workers N] [--repeat 3]

DIR holds PDFs (or a pdf/ folder, as cuad-dev does); the first --limit of them, sorted by
name, are scanned. Everything is measured in the same run, so the ratios hold even on a
busy machine:

1. pages/s of ``contractscan FOLDER --format jsonl`` (the whole process, output to
   /dev/null; median of --repeat + 1 runs; also with --ocr never) and of plain pdfplumber and plain pypdfium2
   extraction of the same files (a loop in a fresh process; pdfplumber in parts run
   between the contractscan runs, so both meet the same load), and the ratios;
2. an unchanged re-scan with --db against the first scan with --db (same output?);
3. CPU time per page of a generated 10-page and 1000-page contract (in-process, pipeline
   built once), and their ratio: anything quadratic shows here;
4. peak memory of the process scanning the largest PDF in DIR (--workers 1, so the one
   process does a worker's whole job), also with --second-opinion on;
5. the learned second opinion: model load time, and CPU time per page of the files with it
   off and on (in-process, pipelines built once; the classifier reads a document only when
   the rules leave a clause it knows missing), and for the case where it reads every document.
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
import zlib
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


def write_pdf(path: Path, pages: list[list[str]]) -> None:
    """A text PDF (Helvetica, one content stream per page, page number at the foot)."""
    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{' '.join(f'{4 + 2 * i} 0 R' for i in range(len(pages)))}] "
            f"/Count {len(pages)} >>".encode(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    for i, lines in enumerate(pages):
        ops = ["BT /F1 10 Tf 13 TL 50 760 Td"] + [f"({esc(x)}) Tj T*" for x in lines] + [f"T* ({i + 1}) Tj ET"]
        stream = zlib.compress("\n".join(ops).encode("cp1252"))
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                    f"/Contents {5 + 2 * i} 0 R >>".encode())
        objs.append(f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream + b"\nendstream")
    buf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, obj in enumerate(objs, 1):
        offsets.append(len(buf))
        buf += f"{k} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(buf)
    buf += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    buf += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    buf += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(buf))


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
    args = [sys.executable, "-m", "contractscan", str(folder), "--format", "jsonl", "--quiet", *extra]
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


def per_page(pages_list: list[int], repeats: dict[int, int], tmp: Path) -> dict[int, float]:
    """CPU seconds per page of Analyzer.scan on generated contracts, best of a few runs.

    CPU time, not wall time: other work on the machine should not make a long document
    look slower than a short one."""
    sys.path.insert(0, str(ROOT))
    from contractscan import Analyzer

    analyzer = Analyzer()
    out = {}
    for n in pages_list:
        path = tmp / f"generated-{n}.pdf"
        write_pdf(path, contract_pages(n))
        analyzer.scan(path)  # warm: caches, lexemes
        best = float("inf")
        for _ in range(repeats[n]):
            t = time.process_time()
            result = analyzer.scan(path)
            best = min(best, time.process_time() - t)
        assert result.pages == n and result.error is None, result.error
        out[n] = best / n
    return out


def second_opinion_cost(files: list[Path]) -> dict[str, float]:
    """Model load (CPU and wall, spaCy already imported), and CPU per page off, on, and with
    the classifier reading every document (its upper bound), best of two passes."""
    sys.path.insert(0, str(ROOT))
    from contractscan import Analyzer
    from contractscan.second_opinion import SecondOpinion, excerpts
    from contractscan.segment import _mask_noise, segment

    off = Analyzer(second_opinion=False)
    t, c = time.perf_counter(), time.process_time()
    model = SecondOpinion.load()
    load_wall, load_cpu = time.perf_counter() - t, time.process_time() - c
    on = Analyzer(second_opinion=model)
    c = time.process_time()
    docs = [off.load(f) for f in files]
    t_load = time.process_time() - c
    pages = sum(d.page_count or 0 for d in docs)

    def cpu(job) -> float:
        best = float("inf")
        for _ in range(2):
            c = time.process_time()
            for d in docs:
                job(d)
            best = min(best, time.process_time() - c)
        return best

    t_off = cpu(off.analyse_document)
    t_on = cpu(on.analyse_document)

    def read_all(d) -> None:
        off.analyse_document(d)
        clauses = segment(d)
        model.score(excerpts(clauses, _mask_noise(d)))

    t_all = cpu(read_all)
    print(f"\n  second opinion: model load {load_cpu:.2f} s CPU ({load_wall:.2f} s wall); analysis CPU per page "
          f"({len(docs)} PDFs, {pages} pages, loading not counted) off {t_off / pages * 1000:.2f} ms, "
          f"on {t_on / pages * 1000:.2f} ms (+{(t_on / t_off - 1) * 100:.0f}%), reading every document "
          f"{t_all / pages * 1000:.2f} ms (+{(t_all / t_off - 1) * 100:.0f}%); with loading the files "
          f"({t_load / pages * 1000:.2f} ms a page): +{(t_on - t_off) / (t_load + t_off) * 100:.0f}% on, "
          f"+{(t_all - t_off) / (t_load + t_off) * 100:.0f}% reading every document")
    return {"second_opinion_load_cpu_s": load_cpu, "second_opinion_load_wall_s": load_wall,
            "ms_per_page_load": t_load / pages * 1000, "ms_per_page_off": t_off / pages * 1000, "ms_per_page_on": t_on / pages * 1000,
            "ms_per_page_classifier_every_document": t_all / pages * 1000}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--limit", type=int, default=60, help="how many PDFs (sorted by name); 0 for all")
    ap.add_argument("--workers", type=int, help="passed to contractscan (default: its own, the cores)")
    ap.add_argument("--repeat", type=int, default=3, help="contractscan runs to take the median of")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)

    src = args.data_dir / "pdf" if (args.data_dir / "pdf").is_dir() else args.data_dir
    every = sorted(p for p in src.iterdir() if p.suffix.lower() == ".pdf")
    files = every[: args.limit] if args.limit else every
    if not files:
        sys.exit(f"no PDFs in {src}")
    workers = ["--workers", str(args.workers)] if args.workers else []
    figures: dict[str, object] = {"files": len(files), "cores": len(os.sched_getaffinity(0))}

    with tempfile.TemporaryDirectory(prefix="throughput-") as tmpdir:
        tmp = Path(tmpdir)
        folder = tmp / "portfolio"
        folder.mkdir()
        for f in files:
            (folder / f.name).symlink_to(f.resolve())

        # 1. whole-process contractscan against plain extraction, in the same run. The slow
        # pdfplumber loop is cut into parts run between the contractscan runs, so both meet
        # the same machine load when other work shares the cores.
        k = max(1, args.repeat)
        parts = [files[i::k] for i in range(k)]
        runs, plain_runs, plumber = [], [], []
        for part in parts:
            runs.append(contractscan(folder, *workers))
            plain_runs.append(contractscan(folder, *workers, "--ocr", "never"))
            plumber.append(plain_extraction("pdfplumber", part))
        runs.append(contractscan(folder, *workers))
        plain_runs.append(contractscan(folder, *workers, "--ocr", "never"))
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        wall_no_ocr = statistics.median(r[0] for r in plain_runs)
        cpu_no_ocr = statistics.median(r[1] for r in plain_runs)
        pages, pdfium_s, pdfium_cpu = plain_extraction("pypdfium2", files)
        assert sum(p[0] for p in plumber) == pages
        plumber_s, plumber_cpu = sum(p[1] for p in plumber), sum(p[2] for p in plumber)
        cs_rate, pdfium_rate, plumber_rate = pages / wall, pages / pdfium_s, pages / plumber_s
        print(f"{len(files)} PDFs, {pages} pages, {figures['cores']} cores")
        print(f"  contractscan FOLDER (whole process, median of {len(runs)}): {wall:6.2f} s  "
              f"{cs_rate:7.1f} pages/s   CPU {cpu:6.1f} s")
        print(f"  the same with --ocr never (no Tesseract on pages without text): {wall_no_ocr:6.2f} s  "
              f"{pages / wall_no_ocr:7.1f} pages/s   CPU {cpu_no_ocr:6.1f} s")
        print(f"  plain pypdfium2 extraction (one process):        {pdfium_s:6.2f} s  {pdfium_rate:7.1f} pages/s"
              f"   CPU {pdfium_cpu:6.1f} s")
        print(f"  plain pdfplumber extraction (one process):       {plumber_s:6.2f} s  {plumber_rate:7.1f} pages/s"
              f"   CPU {plumber_cpu:6.1f} s")
        print(f"  contractscan / pdfplumber: {cs_rate / plumber_rate:6.1f}x   "
              f"contractscan / pypdfium2: {cs_rate / pdfium_rate:5.2f}x   (pages per second, wall clock)")
        print(f"  with --ocr never:          {pages / wall_no_ocr / plumber_rate:6.1f}x   "
              f"                          {pages / wall_no_ocr / pdfium_rate:5.2f}x")
        figures.update(pages=pages, contractscan_s=wall, contractscan_cpu_s=cpu, pdfium_s=pdfium_s,
                       pdfplumber_s=plumber_s, pdfplumber_cpu_s=plumber_cpu,
                       ratio_vs_pdfplumber=cs_rate / plumber_rate, ratio_vs_pypdfium2=cs_rate / pdfium_rate,
                       contractscan_no_ocr_s=wall_no_ocr, ratio_no_ocr_vs_pdfplumber=pages / wall_no_ocr / plumber_rate)

        # 2. an unchanged re-scan with the result store
        db = tmp / "results.db"
        plain_out, first_out, again_out = tmp / "plain.jsonl", tmp / "first.jsonl", tmp / "again.jsonl"
        contractscan(folder, *workers, out=plain_out)
        first = contractscan(folder, *workers, "--db", str(db), out=first_out)[0]
        again = statistics.median(
            contractscan(folder, *workers, "--db", str(db), out=again_out)[0] for _ in range(max(1, args.repeat)))
        same = plain_out.read_bytes() == first_out.read_bytes() == again_out.read_bytes()
        print(f"\n  first scan with --db {first:6.2f} s, unchanged re-scan {again:6.3f} s (median of "
              f"{max(1, args.repeat)}): {first / again:5.1f}x faster; same output as without --db: {same}")
        figures.update(db_first_s=first, db_rescan_s=again, db_ratio=first / again, db_same_output=same)

        # 3. time per page, short against very long
        pp = per_page([10, 1000], {10: 20, 1000: 3}, tmp)
        print(f"\n  CPU time per page: 10-page contract {pp[10] * 1000:.2f} ms, 1000-page contract "
              f"{pp[1000] * 1000:.2f} ms: ratio {pp[1000] / pp[10]:.2f}")
        figures.update(ms_per_page_10=pp[10] * 1000, ms_per_page_1000=pp[1000] * 1000,
                       per_page_ratio=pp[1000] / pp[10])

        # 4. peak memory scanning the largest PDF
        largest = max(every, key=lambda p: p.stat().st_size)
        _, _, rss, _ = run_process([sys.executable, "-m", "contractscan", str(largest), "--workers", "1",
                                    "--format", "jsonl", "--quiet"])
        print(f"\n  peak memory of the process scanning the largest PDF ({largest.name}, "
              f"{largest.stat().st_size / 1e6:.1f} MB): {rss} MB")
        figures.update(largest_pdf=largest.name, peak_rss_mb=rss)
        _, _, rss_on, _ = run_process([sys.executable, "-m", "contractscan", str(largest), "--workers", "1",
                                       "--format", "jsonl", "--quiet", "--second-opinion", "on"])
        print(f"  the same with --second-opinion on: {rss_on} MB")
        figures.update(peak_rss_mb_second_opinion=rss_on)

        # 5. the second opinion's cost
        figures.update(second_opinion_cost(files[:20]))

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
