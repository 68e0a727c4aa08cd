#!/usr/bin/env python3
"""Where the CPU of a scan goes, stage by stage, in one process.

Usage: python benchmarks/stages.py DIR [--sample N --seed S | --limit N] [--ocr auto|never]

Scans the files (chosen as ``throughput.py`` chooses them) with one ``Analyzer`` after a
warm-up document, timing each stage with ``time.process_time`` (this process's CPU; Tesseract's
own processes are not counted), and prints CPU ms per page for each: PDF engine (plain pypdfium2
extraction of the same pages, measured separately), our loading work (layout, clean-up, running
headers), segment, document type, each matcher step, defined terms and cross-references, judge,
the result models, and the JSON the CLI writes (dumped in the worker, read and dumped again by
the parent). The process overhead of the CLI (start-up, workers, pipes) is what
``throughput.py``'s CPU per page adds to this total.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

T: dict[str, float] = defaultdict(float)
_active: list[str] = []


def timed(label: str, fn):
    """``fn`` with its CPU counted under ``label`` (and not under the stage that called it)."""

    def run(*a, **k):
        t = time.process_time()
        _active.append(label)
        try:
            out = fn(*a, **k)
            if hasattr(out, "__next__"):  # a generator: its work happens when it is read
                out = list(out)
            return out
        finally:
            _active.pop()
            spent = time.process_time() - t
            T[label] += spent
            if _active:
                T[_active[-1]] -= spent

    return run


def patch(obj, name: str, label: str) -> None:
    setattr(obj, name, timed(label, getattr(obj, name)))


def plain_pdfium(files: list[Path]) -> float:
    """CPU seconds of plain pypdfium2 text extraction of ``files``."""
    import pypdfium2 as pdfium

    t = time.process_time()
    for f in files:
        pdf = pdfium.PdfDocument(f.read_bytes())
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
        pdf.close()
    return time.process_time() - t


def main() -> None:
    from throughput import choose_files

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--sample", type=int)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=60)
    ap.add_argument("--ocr", default="auto", choices=["auto", "never"])
    args = ap.parse_args()
    src = args.data_dir / "pdf" if (args.data_dir / "pdf").is_dir() else args.data_dir
    files = choose_files(src, args.sample, args.seed, args.limit)

    from contractscan import scanner
    from contractscan.loaders import LoadOptions, layout, pdf
    from contractscan.match import matcher as matcher_mod
    from contractscan.results import ScanResult

    analyzer = scanner.Analyzer(load_options=LoadOptions(ocr=args.ocr))
    if hasattr(analyzer, "warm"):
        analyzer.warm()
    else:  # an older checkout
        analyzer.scan("An Agreement.\n\n1. Governing Law\n\nThis Agreement is governed by the laws of New York.\n")
    m = analyzer.matcher
    patch(analyzer, "load", "load: total")
    for name in ("find_gutter", "reading_boxes", "term_labels"):
        patch(layout, name, "load: two columns, key-terms tables")
    patch(pdf, "_collapse_spaces", "load: clean-up")
    patch(pdf, "normalise_text", "load: clean-up")
    patch(pdf, "join_hyphenated", "load: clean-up")
    patch(pdf, "_find_noise", "load: running headers, page numbers")
    patch(pdf.ocr, "blank_pages", "load: blank pages, OCR")
    patch(pdf.ocr, "ocr_pages", "load: blank pages, OCR")
    patch(analyzer, "analyse_document", "analysis: rest (result models, ...)")
    patch(scanner, "segment", "segment")
    patch(scanner, "_mask_noise", "segment")
    patch(scanner, "detect_type", "document type")
    patch(matcher_mod, "read_sentences", "match: sentences")
    patch(m, "_regex_hits", "match: regex search")
    patch(m, "_heading_hits", "match: heading hits, gather")
    patch(m, "_gather", "match: heading hits, gather")
    patch(m, "_apply_vetoes", "match: reading (vetoes)")
    patch(m, "_add_bonuses", "match: bonuses")
    patch(m, "_best_per_passage", "match: best per passage, values")
    patch(m, "_references", "match: best per passage, values")
    patch(scanner, "resolve_values", "terms, cross-references")
    patch(scanner.TermIndex, "build", "terms, cross-references")
    patch(scanner, "SectionIndex", "terms, cross-references")
    patch(scanner, "judge", "judge")

    pages = 0
    t0 = time.process_time()
    for f in files:
        r = analyzer.scan(f)
        pages += r.pages or max(1, len(r.document.text) // 3000 if r.document else 1)
        t = time.process_time()
        line = r.model_dump_json()  # the worker
        ScanResult.model_validate_json(line).model_dump_json()  # the parent
        T["results to JSON (worker and parent)"] += time.process_time() - t
    total = time.process_time() - t0
    pdfs = [f for f in files if f.suffix.lower() == ".pdf"]
    native = plain_pdfium(pdfs) if pdfs else 0.0
    T["load: total"] -= native
    T["load: PDF engine (plain pypdfium2)"] = native
    T["load: rest"] = T.pop("load: total")
    print(f"{src}: {len(files)} files, {pages} pages, {total / pages * 1000:.2f} ms CPU per page in-process")
    for k in sorted(T, key=lambda k: (not k.startswith("load"), -T[k])):
        print(f"  {k:45s} {T[k] / pages * 1000:6.2f}")


if __name__ == "__main__":
    main()
