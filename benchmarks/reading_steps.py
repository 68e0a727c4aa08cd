#!/usr/bin/env python3
"""CUAD figures with the reading steps added one at a time (issue 11), in one pass.

Usage: python benchmarks/reading_steps.py DATA_DIR [--workers N] [--json OUT]

Each contract is loaded and segmented once, then matched with cumulative veto sets: the
0.1 vetoes (exclusion per sentence, excluded headings, quoted definitions), then exclusions
per list item, sentence roles, references and polarity (the default). Figures per part
(tuning, validation), as benchmarks/cuad.py gives them; no individual errors are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from cuad import PARTS, in_part, load_dataset, summarise  # noqa: E402

STEPS = ["0.1 vetoes", "+ exclusion per item", "+ roles", "+ references", "+ polarity"]
_state: dict = {}


def _configs(analyzer) -> list[tuple]:
    from contractscan.match.reading_steps import (ItemExclusionVeto, PolarityVeto, ReferenceVeto, RoleVeto,
                                                  SentenceReading)
    from contractscan.match.steps import DefinitionVeto, ExcludedHeadingVeto, ExclusionVeto
    from contractscan.reading import Reader

    from contractscan.match import ClauseMatcher

    m = analyzer.matcher
    shared = SentenceReading(Reader(analyzer.nlp), m.patterns, m.rules)
    item, heading = ItemExclusionVeto(shared), ExcludedHeadingVeto()
    sets = [
        (ExclusionVeto(), heading, DefinitionVeto()),
        (item, heading, DefinitionVeto()),
        (item, heading, RoleVeto(shared)),
        (item, heading, RoleVeto(shared), ReferenceVeto(shared)),
        (item, heading, RoleVeto(shared), ReferenceVeto(shared), PolarityVeto(shared)),
    ]
    return [ClauseMatcher(m.rules, analyzer.nlp, vetoes=vetoes) for vetoes in sets]


def _init() -> None:
    import contractscan

    analyzer = contractscan.Analyzer(profile="core")
    _state["analyzer"] = analyzer
    _state["configs"] = _configs(analyzer)


def _scan(path: str) -> list[dict]:
    from contractscan.judge import present_ids
    from contractscan.segment import _mask_noise, segment
    from contractscan.terms import TermIndex, resolve_values

    analyzer = _state["analyzer"]
    try:
        doc = analyzer.load(path)
    except Exception as exc:  # noqa: BLE001 - a benchmark row, not a crash
        return [{"present": [], "governing_law": None, "error": type(exc).__name__}] * len(STEPS)
    passages = segment(doc)
    text = _mask_noise(doc)
    terms = TermIndex.build(text)
    out = []
    for matcher in _state["configs"]:
        matches = matcher.match(doc, passages, text)
        resolve_values(matches, analyzer._rules_by_id, terms)
        valued = sorted((c for c in matches if c.id == "governing_law" and c.value), key=lambda c: -c.score)
        out.append({"present": present_ids(matches, analyzer._rules_by_id),
                    "governing_law": valued[0].value if valued else None, "error": None})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", type=Path, default=Path("benchmarks/results/reading_steps.json"))
    args = ap.parse_args(argv)
    from contractscan.rules import load_rules

    categories = {r.id: r.cuad_category for r in load_rules() if r.cuad_category}
    dataset = load_dataset(args.data_dir)
    with ProcessPoolExecutor(max_workers=args.workers, initializer=_init) as ex:
        results = list(ex.map(_scan, [x["pdf"] for x in dataset], chunksize=4))
    report = {}
    print(f"{'step':<24}{'part':<12}{'15 target':>10}{'all 36':>8}{'core present':>14}{'core missing':>14}{'GL value':>10}")
    for k, step in enumerate(STEPS):
        preds = {x["id"]: r[k] for x, r in zip(dataset, results)}
        report[step] = {}
        for part in PARTS[:2]:
            s = summarise([x for x in dataset if in_part(x["id"], part)], preds, categories)
            core = s["core"] or {}
            report[step][part] = {"macro_f1_target": s["macro_f1_target"], "macro_f1_all": s["macro_f1_all"],
                                  "core_present": core.get("macro_f1_present"),
                                  "core_absent": core.get("macro_f1_absent"),
                                  "governing_law_accuracy": s["governing_law_accuracy"],
                                  "categories": {c: {k2: v[k2] for k2 in ("tp", "fp", "fn", "f1")}
                                                 for c, v in s["categories"].items()}}
            if part == "tuning":
                report[step][part]["misses"] = s["misses"]
            r = report[step][part]
            print(f"{step:<24}{part:<12}{r['macro_f1_target']:10.3f}{r['macro_f1_all']:8.3f}"
                  f"{r['core_present'] or 0:14.3f}{r['core_absent'] or 0:14.3f}{r['governing_law_accuracy']:10.3f}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1))
    print(f"report written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
