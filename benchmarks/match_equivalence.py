#!/usr/bin/env python3
"""The accelerated matcher gives the plain matcher's output, and how much CPU each takes.

Usage: python benchmarks/match_equivalence.py DIR [--limit N] [--no-plain] [--against-plain-every K]

DIR holds PDFs, DOCX or text files (or a pdf/ folder, as cuad-dev does). Each document is
loaded and segmented once; then ``ClauseMatcher.match`` runs with ``accelerate=True`` and
``accelerate=False`` (every regex on every sentence with plain ``re.search``) and the
results must be identical. The CPU seconds of the match step (``time.process_time``) are
reported for both. Exit 1 on any difference. The unit tests do the same on samples/ and on
generated texts; this runs it on real contracts.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contractscan.loaders import LoadOptions, load_path  # noqa: E402
from contractscan.match import ClauseMatcher, build_nlp  # noqa: E402
from contractscan.rules import load_rules  # noqa: E402
from contractscan.segment import _mask_noise, segment  # noqa: E402


def files_in(data_dir: Path) -> list[Path]:
    folder = data_dir / "pdf" if (data_dir / "pdf").is_dir() else data_dir
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".pdf", ".docx", ".txt"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--limit", type=int, default=0, help="only the first N files (sorted by name)")
    ap.add_argument("--no-plain", action="store_true", help="only time the accelerated matcher")
    args = ap.parse_args(argv)

    files = files_in(args.data_dir)[: args.limit or None]
    nlp = build_nlp()
    rules = load_rules()
    fast = ClauseMatcher(rules, nlp)
    plain = None if args.no_plain else ClauseMatcher(rules, nlp, accelerate=False)
    cpu_fast = cpu_plain = 0.0
    differ: list[str] = []
    clauses = 0
    for path in files:
        doc = load_path(path, LoadOptions(ocr="never"))
        passages, text = segment(doc), _mask_noise(doc)
        t = time.process_time()
        got = [m.model_dump() for m in fast.match(doc, passages, text)]
        cpu_fast += time.process_time() - t
        clauses += len(got)
        if plain is not None:
            t = time.process_time()
            want = [m.model_dump() for m in plain.match(doc, passages, text)]
            cpu_plain += time.process_time() - t
            if got != want:
                differ.append(path.name)
                print(f"DIFFERENT: {path.name}", flush=True)
    print(f"{len(files)} documents, {clauses} clause matches; match step CPU: accelerated {cpu_fast:.1f} s"
          + ("" if plain is None else f", plain {cpu_plain:.1f} s ({cpu_plain / max(cpu_fast, 1e-9):.1f}x)"))
    if plain is not None:
        print(f"documents whose output differs: {len(differ)}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
