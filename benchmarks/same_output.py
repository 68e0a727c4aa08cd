#!/usr/bin/env python3
"""Compare two JSONL outputs of contractscan, ignoring the given fields of each clause match.

Usage: python benchmarks/same_output.py BEFORE.jsonl AFTER.jsonl [--ignore explanation]

Lines are matched by order. Each line is parsed, the ignored clause fields dropped, and
written again compactly; BEFORE's lines must survive that round trip unchanged, so equal
texts mean byte-identical output apart from the ignored fields. Exit 1 on a difference.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def normalised(line: str, ignore: set[str]) -> str:
    result = json.loads(line)
    for clause in result.get("clauses") or []:
        for name in ignore:
            clause.pop(name, None)
    return json.dumps(result, ensure_ascii=False, separators=(",", ":"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    ap.add_argument("--ignore", action="append", default=None, help="a clause field to drop (default: explanation)")
    args = ap.parse_args(argv)
    ignore = set(args.ignore or ["explanation"])
    before = args.before.read_text(encoding="utf-8").splitlines()
    after = args.after.read_text(encoding="utf-8").splitlines()
    differ = 0
    if len(before) != len(after):
        print(f"line counts differ: {len(before)} vs {len(after)}")
        differ += 1
    for i, (a, b) in enumerate(zip(before, after), 1):
        if normalised(a, set()) != a:  # then re-serialising would hide byte differences
            print(f"line {i}: BEFORE does not survive a JSON round trip; cannot compare bytes")
            differ += 1
        elif normalised(a, ignore) != normalised(b, ignore):
            differ += 1
            print(f"line {i} differs: {json.loads(a).get('source')}")
    print(f"{min(len(before), len(after))} lines compared, {differ} differ (ignoring clause fields: "
          f"{', '.join(sorted(ignore))})")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
