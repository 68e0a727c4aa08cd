#!/usr/bin/env python3
"""How well contractscan reads scanned contracts: real PDFs rasterised into image-only scans.

Usage: nice -n 10 python benchmarks/scans.py DATA_DIR [DATA_DIR ...] [--docs N] [--max-pages P]
                                   [--seed S] [--severity mild|harsh|both] [--work DIR]
                                   [--profile healthcare] [--json OUT] [--names a.pdf,b.pdf]

Each PDF of DATA_DIR (its pdf/ folder when it has one: cuad-dev) is drawn by a seeded draw
(``--docs`` of the PDFs with at most ``--max-pages`` pages, to bound the OCR cost), rendered
page by page and degraded as a scanner does it, with a seeded skew, blur, speckle, a lower
resolution and JPEG artefacts, then written back as a PDF of images only (no text layer):

- mild: 200 dpi, skew up to 1 degree, a slight blur, light speckle, JPEG quality 70 (an office
  scanner);
- harsh: 150 dpi, skew up to 2 degrees, more blur and speckle, JPEG quality 40 (a fax, a copy
  of a copy).

Both the original and its scan are scanned with ``--profile`` (default healthcare); per
document and overall the report gives the Jaccard index of the present clause ids, whether
the governing-law value was kept (the set of values found is the original's), the "missing"
findings that only the scan has (false alarms) and the OCR seconds per page (CPU time,
Tesseract's and the page rendering's: wall time means little on a shared machine).

CPU is scarce: run it under ``nice``; Tesseract runs one thread a page (OMP_THREAD_LIMIT=1).
The scans and each page's OCR text are cached under ``--work`` (default
~/.cache/contractscan-scans, never the repository): the OCR cache key holds the page image's
PDF bytes, the OCR options and the source of contractscan/loaders/ocr.py, so a change to how
OCR is done is measured afresh. The seconds per page are those of the run that filled the
cache (``--fresh`` ignores cached OCR text).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


from contractscan.testing.pdf import SEVERITIES, degraded_scan  # noqa: E402


# ---------------------------------------------------------------- OCR cache


def cache_ocr(work: Path, fresh: bool) -> dict[str, float]:
    """Wrap the loader's OCR call with a per-page cache; returns the seconds per page it saw."""
    from contractscan.loaders import ocr

    real = ocr.ocr_pages
    code = hashlib.sha256(Path(ocr.__file__).read_bytes()).hexdigest()[:16]
    folder = work / "ocr"
    folder.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}

    def cached(data: bytes, page_numbers: list[int], options) -> dict[int, str]:
        digest = hashlib.sha256(data).hexdigest()[:24]
        knobs = hashlib.sha256(repr((options.ocr_language, options.ocr_dpi, code,
                                     os.environ.get("CONTRACTSCAN_OCR_EXPERIMENT", ""))).encode()).hexdigest()[:12]
        out: dict[int, str] = {}
        for n in page_numbers:
            path = folder / f"{digest}-{knobs}-{n}.json"
            if path.exists() and not fresh:
                got = json.loads(path.read_text())
            else:
                _children_cpu()
                started, wall = time.process_time(), time.perf_counter()
                text = real(data, [n], options).get(n)
                got = {"text": text, "wall": time.perf_counter() - wall,
                       "seconds": time.process_time() - started + _children_cpu()}
                path.write_text(json.dumps(got))
            seconds[f"{digest}/{n}"] = got["seconds"]
            if got["text"] is not None:
                out[n] = got["text"]
        return out

    ocr.ocr_pages = cached
    return seconds


_last_children = [0.0]


def _children_cpu() -> float:
    """CPU seconds of child processes (Tesseract) since the last call."""
    t = os.times()
    now = t.children_user + t.children_system
    spent, _last_children[0] = now - _last_children[0], now
    return spent


# ---------------------------------------------------------------- scoring


@dataclass
class Row:
    name: str
    pages: int
    jaccard: float
    only_original: list[str]
    only_scan: list[str]
    law_original: list[str]
    law_scan: list[str]
    law_kept: bool | None  # None: the original names no governing law
    false_missing: list[str]
    seconds_per_page: float
    error: str | None = None
    notes: list[str] = field(default_factory=list)


def _laws(result) -> list[str]:
    return sorted({c.value for c in result.clauses_for("governing_law") if c.value})


def _missing(result) -> set[str]:
    return {f.rule for f in result.findings if f.kind == "missing"}


def compare(name: str, original, scan, seconds: float) -> Row:
    a, b = set(original.present), set(scan.present)
    jaccard = len(a & b) / len(a | b) if a | b else 1.0
    law_a, law_b = _laws(original), _laws(scan)
    return Row(
        name=name, pages=original.pages or 0, jaccard=round(jaccard, 3),
        only_original=sorted(a - b), only_scan=sorted(b - a),
        law_original=law_a, law_scan=law_b, law_kept=(law_a == law_b) if law_a else None,
        false_missing=sorted(_missing(scan) - _missing(original)),
        seconds_per_page=round(seconds, 2),
        error=scan.error.message if scan.error else None,
    )


# ---------------------------------------------------------------- the draw


def pdfs_of(data_dir: Path) -> list[Path]:
    folder = data_dir / "pdf" if (data_dir / "pdf").is_dir() else data_dir
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() == ".pdf")


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def draw(paths: list[Path], n: int, max_pages: int, seed: int) -> list[Path]:
    """A seeded draw of ``n`` PDFs of at most ``max_pages`` pages (by name order, so stable)."""
    fit = [p for p in paths if page_count(p) <= max_pages]
    return sorted(random.Random(seed).sample(fit, min(n, len(fit))), key=lambda p: p.name)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data_dirs", nargs="+", type=Path)
    ap.add_argument("--docs", type=int, default=8, help="PDFs drawn per data folder (default 8)")
    ap.add_argument("--max-pages", type=int, default=15)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--severity", choices=["mild", "harsh", "both"], default="mild")
    ap.add_argument("--work", type=Path, default=Path.home() / ".cache" / "contractscan-scans")
    ap.add_argument("--profile", default="healthcare")
    ap.add_argument("--exclude-docs", type=int, default=0,
                    help="leave out the PDFs of the development draw (--exclude-docs N with --exclude-seed S)")
    ap.add_argument("--exclude-seed", type=int, default=17)
    ap.add_argument("--exclude-max-pages", type=int, default=15)
    ap.add_argument("--names", default="", help="comma-separated PDF names: scan these, not a draw")
    ap.add_argument("--no-correct", action="store_true", help="match OCR pages as read (what the correction adds)")
    ap.add_argument("--fresh", action="store_true", help="OCR again, ignoring cached OCR text")
    ap.add_argument("--json", type=Path, help="write the rows here")
    ap.add_argument("--quiet", action="store_true", help="only the overall figures")
    args = ap.parse_args(argv)

    import contractscan
    from contractscan.loaders import LoadOptions

    seconds = cache_ocr(args.work, args.fresh)
    analyzer = contractscan.Analyzer(profile=args.profile, time_limit=None,
                                     load_options=LoadOptions(ocr_page_timeout=300, ocr_correct=not args.no_correct))
    chosen: list[Path] = []
    wanted = {x for x in args.names.split(",") if x}
    for data_dir in args.data_dirs:
        paths = pdfs_of(data_dir)
        if args.exclude_docs:
            held = set(draw(paths, args.exclude_docs, args.exclude_max_pages, args.exclude_seed))
            paths = [p for p in paths if p not in held]
        chosen += ([p for p in paths if p.name in wanted] if wanted
                   else draw(paths, args.docs, args.max_pages, args.seed))
    severities = ["mild", "harsh"] if args.severity == "both" else [args.severity]
    print(f"{len(chosen)} PDFs (seeded draw, seed {args.seed}, at most {args.max_pages} pages each"
          f"{f', not the {args.exclude_docs} of seed {args.exclude_seed}' if args.exclude_docs else ''}), "
          f"profile {args.profile}, severities {', '.join(severities)}", flush=True)
    originals = {p: analyzer.scan(p) for p in chosen}
    report: dict[str, list[dict]] = {}
    for name in severities:
        severity = SEVERITIES[name]
        folder = args.work / "scans" / name
        folder.mkdir(parents=True, exist_ok=True)
        rows: list[Row] = []
        for path in chosen:
            scanned = folder / path.name
            if not scanned.exists():
                scanned.write_bytes(degraded_scan(path.read_bytes(), severity, path.name))
            scan = analyzer.scan(scanned)
            digest = hashlib.sha256(scanned.read_bytes()).hexdigest()[:24]
            mine = [v for k, v in seconds.items() if k.startswith(digest + "/")]
            row = compare(path.name, originals[path], scan, sum(mine) / len(mine) if mine else 0.0)
            rows.append(row)
            if not args.quiet:
                law = "-" if row.law_kept is None else ("kept" if row.law_kept else
                                                        f"LOST {row.law_original} -> {row.law_scan}")
                print(f"  {name:5} {row.pages:3}p J={row.jaccard:.2f} law {law:10} "
                      f"false missing {row.false_missing or '-'} "
                      f"-orig {row.only_original or '-'} +scan {row.only_scan or '-'} "
                      f"{row.seconds_per_page:.1f}s/p  {path.name}{'  ERROR ' + row.error if row.error else ''}",
                      flush=True)
        summarise(name, rows)
        report[name] = [asdict(r) for r in rows]
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


def summarise(name: str, rows: list[Row]) -> None:
    if not rows:
        return
    laws = [r for r in rows if r.law_kept is not None]
    kept = sum(r.law_kept for r in laws)
    false = sum(len(r.false_missing) for r in rows)
    pages = sum(r.pages for r in rows)
    mean_spp = sum(r.seconds_per_page * r.pages for r in rows) / max(pages, 1)
    jac = [r.jaccard for r in rows]
    print(f"{name}: {len(rows)} documents, {pages} pages: mean Jaccard {sum(jac) / len(jac):.3f} "
          f"(min {min(jac):.2f}, {sum(j == 1.0 for j in jac)} identical); governing law kept "
          f"{kept}/{len(laws)} ({100 * kept / max(len(laws), 1):.0f}%); false missing {false} "
          f"({10 * false / len(rows):.1f} per 10 documents); OCR {mean_spp:.2f} s/page; "
          f"errors {sum(r.error is not None for r in rows)}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
