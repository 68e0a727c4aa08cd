#!/usr/bin/env python3
"""Measure running-header/footer handling on a folder of real PDFs (e.g. cuad-dev).

Usage: python benchmarks/noise.py DATA_DIR [--limit N] [--workers N] [--show N]

The loader finds headers and footers from the text alone (lines repeated at page
edges). This script checks it against an independent, geometric reference built
from pdfium's text rectangles: a line is a header/footer when it lies in the top
or bottom 8% of the page and the same line (digits ignored) is in that band on
another page too (four letters or more), or it is a bare page number there. It prints

- reference lines covered by the loader's noise spans (recall), and noise spans
  that are not in any page band (suspect: body text hidden from the analysis);
- clauses whose analysed text (noise blanked) still holds a reference header/footer
  line, and clauses whose quote shows one to the user.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
BAND = 0.08
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?[-–(\[]?\s*(?:\d{1,4}|[ivxlc]{1,6})\s*[-–)\]]?\s*(?:of\s*\d{1,4})?$", re.I)


def _key(s: str) -> str:
    return _DIGITS.sub("#", " ".join(s.lower().split()))


def _squash(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


def band_lines(path: str) -> list[list[str]]:
    """Per page, the text lines in the top and bottom bands of the text area, from pdfium rectangles.

    The band is relative to the area the text covers, not the paper: EDGAR PDFs are
    often printed scaled down, with the footer half way up the sheet.
    """
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    out = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            rects = [tp.get_rect(j) for j in range(tp.count_rects())]
            rows: dict[int, list[tuple[float, str]]] = {}
            if rects:
                low, high = min(r[1] for r in rects), max(r[3] for r in rects)
                band = max((high - low) * BAND, 12)
                for left, bottom, right, top in rects:
                    if top > high - band or bottom < low + band:
                        text = tp.get_text_bounded(left, bottom, right, top)
                        rows.setdefault(round(bottom / 3), []).append((left, text))
            out.append([" ".join(t for _, t in sorted(parts)).strip() for parts in rows.values()])
            tp.close()
            page.close()
    finally:
        pdf.close()
    return out


def reference(pages: list[list[str]]) -> list[set[str]]:
    counts = Counter(k for lines in pages for k in {_key(x) for x in lines if x.strip()})
    ref = []
    for lines in pages:
        keep = set()
        for x in lines:
            if not x.strip():
                continue
            repeated = len(pages) >= 2 and counts[_key(x)] >= 2 and sum(c.isalpha() for c in x) >= 4
            if _PAGE_NUMBER.match(x.strip()) or repeated:
                keep.add(x)
        ref.append(keep)
    return ref


def _is_ref_line(line: str, keys: set[str]) -> bool:
    """The text line is (mostly) a reference header/footer line."""
    k = _key(line)
    return bool(k) and any(r == k or (len(r) >= 8 and r in k and 2 * len(r) >= len(k)) for r in keys)


_analyzer = None


def _init() -> None:
    global _analyzer
    sys.path.insert(0, str(HERE.parent))
    import contractscan

    _analyzer = contractscan.Analyzer(profile="core")


def measure(path: str) -> dict:
    from contractscan.segment import _mask_noise

    bands = band_lines(path)
    ref = reference(bands)
    doc = _analyzer.load(path)  # type: ignore[union-attr]
    result = _analyzer.analyse_document(doc)  # type: ignore[union-attr]
    covered = total = 0
    suspect = []
    ends = doc.page_starts[1:] + [len(doc.text)]
    for pno, (lines, start, end) in enumerate(zip(ref, doc.page_starts, ends), 1):
        noise_text = _squash(" ".join(doc.text[s.start:s.end] for s in doc.noise if start <= s.start < end))
        for line in lines:
            total += 1
            covered += _squash(line) in noise_text
        band = _squash(" ".join(bands[pno - 1]))
        for s in doc.noise:
            if start <= s.start < end and _squash(doc.text[s.start:s.end]) not in band:
                suspect.append((pno, doc.text[s.start:s.end].strip()[:80]))
    keys = {_key(x) for lines in ref for x in lines}
    masked = _mask_noise(doc)
    analysed = quoted = 0
    examples = []
    for c in result.clauses:
        raw_lines = [x for x in doc.text[c.start:c.end].split("\n") if _is_ref_line(x, keys)]
        if any(_is_ref_line(x, keys) for x in masked[c.start:c.end].split("\n")):
            analysed += 1
        quote = " ".join(c.text.split())
        if any(" ".join(x.split()) in quote for x in raw_lines):
            quoted += 1
            if len(examples) < 3:
                examples.append((c.id, c.page, c.text[:160]))
    return {"covered": covered, "total": total, "suspect": suspect, "clauses": len(result.clauses),
            "analysed": analysed, "quoted": quoted, "examples": examples}


def _measure(path: str) -> dict:
    try:
        return measure(path)
    except Exception as exc:  # a scan error is reported, not fatal for the benchmark
        return {"error": f"{type(exc).__name__}: {exc}"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--show", type=int, default=10, help="examples to print")
    args = ap.parse_args(argv)
    pdfs = sorted(str(p) for p in (args.data_dir / "pdf").glob("*.pdf")) or sorted(
        str(p) for p in args.data_dir.rglob("*.pdf"))
    if args.limit:
        pdfs = pdfs[: args.limit]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers, initializer=_init) as ex:
        results = list(ex.map(_measure, pdfs, chunksize=4))
    ok = [(p, r) for p, r in zip(pdfs, results) if "error" not in r]
    covered = sum(r["covered"] for _, r in ok)
    total = sum(r["total"] for _, r in ok)
    suspect = [(Path(p).stem, s) for p, r in ok for s in r["suspect"]]
    clauses = sum(r["clauses"] for _, r in ok)
    analysed = sum(r["analysed"] for _, r in ok)
    quoted = sum(r["quoted"] for _, r in ok)
    print(f"{len(pdfs)} PDFs in {time.perf_counter() - t0:.1f} s; errors: {len(pdfs) - len(ok)}")
    print(f"reference header/footer lines covered by noise spans: {covered}/{total} = {covered / max(total, 1):.3f}")
    print(f"noise spans outside the page bands (suspect): {len(suspect)}")
    print(f"clauses found: {clauses}; with a header/footer line in the analysed text: {analysed}; "
          f"in the quote: {quoted}")
    for doc_id, (pno, text) in suspect[: args.show]:
        print(f"  suspect {doc_id[:40]} p{pno}: {text!r}")
    shown = 0
    for p, r in ok:
        for cid, page, text in r["examples"]:
            if shown < args.show:
                print(f"  clause {Path(p).stem[:40]} {cid} p{page}: {text!r}")
                shown += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
