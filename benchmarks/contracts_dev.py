#!/usr/bin/env python3
"""Score contractscan on hand-labelled modern agreements (../shared/contracts-dev).

Usage: python benchmarks/contracts_dev.py DATA_DIR [--labels FILE] [--profile P] [--json OUT]
                                          [--floor FILE] [--show N]

The labels (benchmarks/contracts_dev_labels.json) were made blind: each document was read in
full, before contractscan was run on it, and every family in it marked true or false, with the
governing-law jurisdiction, the breach-notice deadline and the document's type. Only ids,
booleans and short values are kept in the project; the documents stay in DATA_DIR.

Prints, per family, presence P/R/F1 and the F1 of the *missing* class (is a "missing" verdict
right?), their macro averages over the core families and over all labelled families, the
governing-law value and breach-deadline agreement, and (when results carry `document_type`)
the confusion table of document types.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from cuad import CORE_FAMILIES, law_matches, prf  # noqa: E402


def score_family(gold: list[bool], pred: list[bool]) -> dict:
    tp = sum(g and p for g, p in zip(gold, pred))
    fp = sum(p and not g for g, p in zip(gold, pred))
    fn = sum(g and not p for g, p in zip(gold, pred))
    tn = len(gold) - tp - fp - fn
    p, r, f = prf(tp, fp, fn)
    # the missing class: a "missing" verdict is the positive prediction
    pa, ra, fa = prf(tn, fn, fp)
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": p, "recall": r, "f1": f,
            "absent_precision": pa, "absent_recall": ra, "absent_f1": fa}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--labels", type=Path, default=HERE / "contracts_dev_labels.json")
    ap.add_argument("--profile", default="healthcare")
    ap.add_argument("--json", type=Path, default=Path("benchmarks/results/contracts_dev.json"))
    ap.add_argument("--floor", type=Path, help="fail (exit 1) below the contracts_dev_* floors in this file")
    ap.add_argument("--show", type=int, default=40, help="how many disagreements to list")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(HERE.parent))
    import contractscan

    labels: dict[str, dict] = json.loads(args.labels.read_text())
    analyzer = contractscan.Analyzer(profile=args.profile)
    t0 = time.perf_counter()
    results = {}
    for name in sorted(labels):
        path = args.data_dir / name
        if not path.exists():
            print(f"warning: {path} not found; skipped", file=sys.stderr)
            continue
        results[name] = analyzer.scan(str(path))
    elapsed = time.perf_counter() - t0
    names = sorted(results)
    families = sorted({f for n in names for f in labels[n]["labels"]})

    table = {}
    misses = []
    for fam in families:
        docs = [n for n in names if fam in labels[n]["labels"]]
        gold = [bool(labels[n]["labels"][fam]) for n in docs]
        pred = [fam in results[n].present for n in docs]
        table[fam] = score_family(gold, pred)
        misses += [(fam, "FN" if g else "FP", n) for n, g, p in zip(docs, gold, pred) if g != p]

    def macro(fams: list[str], key: str) -> float:
        fams = [f for f in fams if f in table]
        return sum(table[f][key] for f in fams) / len(fams) if fams else 0.0

    pages = sum(r.pages or 0 for r in results.values())
    errors = {n: r.error.type for n, r in results.items() if r.error}
    print(f"contracts-dev benchmark: {len(names)} documents, {pages} pages, {elapsed:.1f} s, "
          f"profile {args.profile}; errors: {len(errors)} {errors or ''}")
    print(f"\n{'family':<28}{'P':>6}{'R':>6}{'F1':>6}{'F1 miss':>9}{'tp':>4}{'fp':>4}{'fn':>4}{'tn':>4}")
    for fam, v in table.items():
        mark = " *" if fam in CORE_FAMILIES else ""
        print(f"{fam:<28}{v['precision']:6.2f}{v['recall']:6.2f}{v['f1']:6.2f}{v['absent_f1']:9.2f}"
              f"{v['tp']:4d}{v['fp']:4d}{v['fn']:4d}{v['tn']:4d}{mark}")
    summary = {
        "core_presence_macro_f1": macro(CORE_FAMILIES, "f1"),
        "core_missing_macro_f1": macro(CORE_FAMILIES, "absent_f1"),
        "all_presence_macro_f1": macro(families, "f1"),
        "all_missing_macro_f1": macro(families, "absent_f1"),
    }
    print(f"\ncore families (*): presence macro-F1 {summary['core_presence_macro_f1']:.3f}, "
          f"missing-class macro-F1 {summary['core_missing_macro_f1']:.3f}")
    print(f"all {len(families)} families: presence macro-F1 {summary['all_presence_macro_f1']:.3f}, "
          f"missing-class macro-F1 {summary['all_missing_macro_f1']:.3f}")

    # governing law: found at all where labelled true, and the value where one is labelled
    gl_docs = [n for n in names if labels[n]["labels"].get("governing_law")]
    gl_found = [n for n in gl_docs if "governing_law" in results[n].present]
    valued = [n for n in gl_docs if labels[n].get("governing_law_value")]
    gl_value_ok = []
    for n in valued:
        vals = sorted((c for c in results[n].clauses if c.id == "governing_law" and c.value), key=lambda c: -c.score)
        if vals and law_matches(vals[0].value, labels[n]["governing_law_value"]):
            gl_value_ok.append(n)
        else:
            misses.append(("governing_law value", f"want {labels[n]['governing_law_value']!r}, "
                           f"got {vals[0].value if vals else None!r}", n))
    print(f"governing law found in {len(gl_found)}/{len(gl_docs)} documents that have it; "
          f"value right in {len(gl_value_ok)}/{len(valued)}")
    summary.update(governing_law_found=len(gl_found), governing_law_docs=len(gl_docs),
                   governing_law_value_ok=len(gl_value_ok), governing_law_valued=len(valued))

    bd = [n for n in names if labels[n].get("breach_deadline_days") is not None]
    bd_ok = []
    for n in bd:
        days = [c.days for c in results[n].clauses if c.id == "data_breach_notification" and c.days is not None]
        want = labels[n]["breach_deadline_days"]
        if days and min(days) == want:
            bd_ok.append(n)
        else:
            misses.append(("breach deadline", f"want {want}, got {min(days) if days else None}", n))
    print(f"breach-notice deadline right in {len(bd_ok)}/{len(bd)} documents that state one")
    summary.update(breach_deadline_ok=len(bd_ok), breach_deadline_docs=len(bd))

    types = [(labels[n].get("document_type"), getattr(results[n], "document_type", None)) for n in names]
    if any(p is not None for _, p in types):
        if any(not isinstance(p, (str, type(None))) for _, p in types):
            types = [(g, getattr(p, "type", p)) for g, p in types]
        right = sum(g == p for g, p in types)
        print(f"\ndocument type right in {right}/{len(types)} = {right / len(types):.2f}")
        conf = Counter(types)
        kinds = sorted({k for pair in conf for k in pair if k})
        print(f"{'gold / found':<18}" + "".join(f"{k[:10]:>11}" for k in kinds))
        for g in kinds:
            print(f"{g:<18}" + "".join(f"{conf.get((g, p), 0):>11}" for p in kinds))
        summary["document_type_accuracy"] = right / len(types)

    print(f"\nDisagreements (first {args.show}):")
    for fam, kind, n in misses[: args.show]:
        print(f"  {kind:<4} {fam:<28} {n}")

    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"summary": summary, "families": table, "misses": misses}, indent=1))
    print(f"\nreport written to {args.json}")
    if args.floor:
        floors = {k[len("contracts_dev_"):]: v for k, v in json.loads(args.floor.read_text()).items()
                  if k.startswith("contracts_dev_")}
        failed = [f"{k} {summary[k]:.3f} < floor {v}" for k, v in floors.items() if k in summary and summary[k] < v]
        if failed:
            print("REGRESSION: " + "; ".join(failed))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
