#!/usr/bin/env python3
"""Score contractscan on CUAD: per-category precision/recall/F1 and macro-F1.

Usage: python benchmarks/cuad.py DATA_DIR [--limit N] [--workers N] [--json OUT]
                                  [--floor FILE] [--pdf-engine pdfium|pdfplumber]

DATA_DIR is either the cuad-dev layout (labels.json + pdf/) or an official CUAD_v1
download (master_clauses.csv + full_contract_pdf/). The PDFs are scanned through the
public API, as a user would; CUAD's own text files are not used. Rules declare the
CUAD category they are measured against (``cuad_category``), as in taxonomy.md.
Results on CUAD (CC BY 4.0, The Atticus Project) must be published with attribution.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORE_LABELS = HERE / "core_labels.json"
CORE_FAMILIES = [
    "confidentiality", "ip_ownership", "liability.limitation", "liability.indemnification",
    "termination", "dispute_resolution", "governing_law",
]
# The 15 categories issue #3 sets figures for.
TARGET_CATEGORIES = [
    "Governing Law", "Termination For Convenience", "Cap On Liability", "Uncapped Liability",
    "Ip Ownership Assignment", "Joint Ip Ownership", "Anti-Assignment", "Audit Rights", "Insurance",
    "Post-Termination Services", "Change Of Control", "Renewal Term", "Notice Period To Terminate Renewal",
    "Non-Compete", "Exclusivity",
]


def load_dataset(data_dir: Path) -> list[dict]:
    """[{id, pdf, labels: {category: bool}, answers: {category: str}}]"""
    if (data_dir / "labels.json").exists():
        out = []
        for x in json.loads((data_dir / "labels.json").read_text()):
            out.append({
                "id": x["id"],
                "pdf": str(data_dir / x["pdf"]),
                "labels": {k: bool(v) for k, v in x["labels"].items()},
                "answers": x.get("answers", {}),
            })
        return out
    master = next(iter(data_dir.rglob("master_clauses.csv")), None)
    if master is None:
        sys.exit(f"{data_dir}: neither labels.json nor master_clauses.csv found")
    pdfs = {p.name: p for p in data_dir.rglob("*.pdf")}
    pdfs.update({p.name: p for p in data_dir.rglob("*.PDF")})
    out = []
    with master.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = row["Filename"]
            pdf = pdfs.get(name) or pdfs.get(Path(name).with_suffix(".pdf").name)
            if pdf is None:
                continue
            cats = [c for c in row if c and not c.endswith("-Answer") and c != "Filename"]
            labels = {c: row[c].strip() not in ("", "[]") for c in cats}
            answers = {c[: -len("-Answer")]: row[c] for c in row if c and c.endswith("-Answer")}
            out.append({"id": Path(name).stem, "pdf": str(pdf), "labels": labels, "answers": answers})
    return out


_analyzer = None


def _init(engine: str) -> None:
    global _analyzer
    import contractscan
    from contractscan.loaders import LoadOptions

    _analyzer = contractscan.Analyzer(profile="core", load_options=LoadOptions(pdf_engine=engine))


def _scan(path: str) -> dict:
    r = _analyzer.scan(path)  # type: ignore[union-attr]
    # the strongest governing-law match names the jurisdiction (a stray "laws of" scores lower)
    valued = sorted((c for c in r.clauses if c.id == "governing_law" and c.value), key=lambda c: -c.score)
    gl = valued[0].value if valued else None
    return {"present": r.present, "error": r.error.type if r.error else None, "governing_law": gl,
            "pages": r.pages or 0}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


_COUNTRY = r"united states(?: of america)?|u\.?s\.?a?\.?|united kingdom|u\.?k\.?"


def _norm_juris(s: str) -> str:
    s = s.lower().replace("’", "'")
    bare = re.sub(rf"\b(?:the|state|commonwealth|province|republic|of|laws?)\b|(?:^|,)\s*(?:{_COUNTRY})\s*$", " ", s)
    bare = " ".join(re.sub(r"[^a-z' ]", " ", bare).split())
    return bare or " ".join(re.sub(r"[^a-z' ]", " ", s).split())  # "United States" alone stays


def law_matches(pred: str | None, answer: str) -> bool:
    """A prediction naming one of CUAD's jurisdictions, or its region ("Ontario" for
    "Ontario, Canada"; "England and Wales" for "England, United Kingdom; Wales, ...")."""
    if not pred:
        return False
    p = _norm_juris(pred)
    parts = []
    for a in re.split(r"[;/]", answer):
        parts += [_norm_juris(a), _norm_juris(a.split(",")[0])]
    return any(a and (a == p or a in p or p in a) for a in parts)


def score(dataset: list[dict], preds: dict[str, dict], categories: dict[str, str]) -> dict:
    table = {}
    misses: list[tuple[str, str, str]] = []
    for cid, cat in sorted(categories.items(), key=lambda kv: kv[1]):
        tp = fp = fn = tn = 0
        for x in dataset:
            if cat not in x["labels"]:
                continue
            gold = x["labels"][cat]
            pred = cid in preds[x["id"]]["present"]
            tp += gold and pred
            fp += pred and not gold
            fn += gold and not pred
            tn += not gold and not pred
            if gold != pred:
                misses.append((cat, "FN" if gold else "FP", x["id"]))
        p, r, f = prf(tp, fp, fn)
        table[cat] = {"id": cid, "tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": p, "recall": r, "f1": f}
    return {"table": table, "misses": misses}


def score_core(preds: dict[str, dict]) -> dict | None:
    if not CORE_LABELS.exists():
        return None
    labels = json.loads(CORE_LABELS.read_text())
    labels = {k: v for k, v in labels.items() if k in preds}
    out = {"contracts": len(labels), "present": {}, "absent": {}, "misses": []}
    for fam in CORE_FAMILIES:
        c = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
        for doc_id, lab in labels.items():
            gold, pred = bool(lab[fam]), fam in preds[doc_id]["present"]
            c["tp" if gold and pred else "fp" if pred else "fn" if gold else "tn"] += 1
            if gold != pred:
                out["misses"].append((fam, "FN" if gold else "FP", doc_id))
        out["present"][fam] = dict(zip(("precision", "recall", "f1"), prf(c["tp"], c["fp"], c["fn"])), **c)
        # "absent" as the positive class: are missing findings right, are the truly missing caught?
        out["absent"][fam] = dict(zip(("precision", "recall", "f1"), prf(c["tn"], c["fn"], c["fp"])))
    out["macro_f1_present"] = sum(v["f1"] for v in out["present"].values()) / len(CORE_FAMILIES)
    out["macro_f1_absent"] = sum(v["f1"] for v in out["absent"].values()) / len(CORE_FAMILIES)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--limit", type=int, default=0, help="scan only the first N contracts")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", type=Path, default=Path("benchmarks/results/cuad.json"), help="report file")
    ap.add_argument("--floor", type=Path, help="fail (exit 1) if macro-F1 falls below the floors in this file")
    ap.add_argument("--pdf-engine", default="pdfium")
    ap.add_argument("--worst", type=int, default=25, help="how many misses to list")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(HERE.parent))
    from contractscan.rules import load_rules

    categories = {r.id: r.cuad_category for r in load_rules() if r.cuad_category}
    dataset = load_dataset(args.data_dir)
    if args.limit:
        dataset = dataset[: args.limit]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers, initializer=_init, initargs=(args.pdf_engine,)) as ex:
        results = list(ex.map(_scan, [x["pdf"] for x in dataset], chunksize=4))
    elapsed = time.perf_counter() - t0
    preds = {x["id"]: r for x, r in zip(dataset, results)}
    pages = sum(r["pages"] for r in results)
    errors = [(x["id"], r["error"]) for x, r in zip(dataset, results) if r["error"]]

    s = score(dataset, preds, categories)
    print(f"CUAD benchmark: {len(dataset)} contracts, {pages} pages, {elapsed:.1f} s "
          f"({pages / elapsed:.1f} pages/s, {args.workers} workers, engine {args.pdf_engine}); errors: {len(errors)}")
    print(f"\n{'CUAD category':<36}{'id':<30}{'P':>6}{'R':>6}{'F1':>6}{'tp':>5}{'fp':>5}{'fn':>5}")
    for cat, v in s["table"].items():
        mark = " *" if cat in TARGET_CATEGORIES else ""
        print(f"{cat:<36}{v['id']:<30}{v['precision']:6.2f}{v['recall']:6.2f}{v['f1']:6.2f}"
              f"{v['tp']:5d}{v['fp']:5d}{v['fn']:5d}{mark}")
    all_f1 = [v["f1"] for v in s["table"].values()]
    target = [s["table"][c]["f1"] for c in TARGET_CATEGORIES if c in s["table"]]
    macro_all = sum(all_f1) / len(all_f1) if all_f1 else 0.0
    macro_target = sum(target) / len(target) if target else 0.0
    print(f"\nmacro-F1 over all {len(all_f1)} mapped categories: {macro_all:.3f}")
    print(f"macro-F1 over the {len(target)} target categories (*): {macro_target:.3f}"
          f" (min {min(target) if target else 0:.2f})")

    gl_total = gl_ok = 0
    gl_wrong = []
    for x in dataset:
        ans = (x["answers"].get("Governing Law") or "").strip()
        if not ans or not re.search(r"[A-Za-z]{3}", ans):
            continue
        gl_total += 1
        if law_matches(preds[x["id"]]["governing_law"], ans):
            gl_ok += 1
        else:
            gl_wrong.append((x["id"], ans, preds[x["id"]]["governing_law"]))
    gl_acc = gl_ok / gl_total if gl_total else 0.0
    print(f"governing-law jurisdiction equal to CUAD's answer: {gl_ok}/{gl_total} = {gl_acc:.3f}")

    core = score_core(preds)
    if core:
        print(f"\nOwn core labels ({core['contracts']} contracts): "
              f"{'family':<28}{'F1 present':>11}{'F1 absent':>10}")
        for fam in CORE_FAMILIES:
            print(f"{'':<40}{fam:<28}{core['present'][fam]['f1']:11.3f}{core['absent'][fam]['f1']:10.3f}")
        print(f"{'':<40}{'macro-F1':<28}{core['macro_f1_present']:11.3f}{core['macro_f1_absent']:10.3f}")

    print(f"\nWorst misses (first {args.worst}):")
    by_cat: dict[str, int] = {}
    for cat, kind, doc_id in s["misses"]:
        by_cat[cat] = by_cat.get(cat, 0) + 1
    worst = sorted(s["misses"], key=lambda m: (-by_cat[m[0]], m[0], m[1], m[2]))[: args.worst]
    for cat, kind, doc_id in worst:
        print(f"  {kind} {cat:<36} {doc_id}")
    for doc_id, ans, pred in gl_wrong[:10]:
        print(f"  GL {'Governing Law value':<36} {doc_id}: CUAD {ans!r}, found {pred!r}")
    if errors:
        print("Errors:", errors[:10])

    report = {
        "contracts": len(dataset), "pages": pages, "seconds": elapsed, "engine": args.pdf_engine,
        "categories": s["table"], "macro_f1_all": macro_all, "macro_f1_target": macro_target,
        "governing_law_accuracy": gl_acc, "core": core, "errors": errors,
        "misses": s["misses"], "governing_law_wrong": gl_wrong,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1))
    print(f"\nreport written to {args.json}; run time {elapsed:.1f} s")

    if args.floor:
        floors = json.loads(args.floor.read_text())
        checks = {"macro_f1_target": macro_target, "macro_f1_all": macro_all, "governing_law_accuracy": gl_acc}
        if core:
            checks["core_macro_f1_present"] = core["macro_f1_present"]
            checks["core_macro_f1_absent"] = core["macro_f1_absent"]
        failed = [f"{k} {checks[k]:.3f} < floor {v}" for k, v in floors.items() if k in checks and checks[k] < v]
        if failed:
            print("REGRESSION: " + "; ".join(failed))
            return 1
        print("floors held: " + ", ".join(f"{k} >= {v}" for k, v in floors.items() if k in checks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
