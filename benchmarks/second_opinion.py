#!/usr/bin/env python3
"""Does the learned second opinion help? 5-fold cross-validation by contract on cuad-dev.

Usage: python benchmarks/second_opinion.py DATA_DIR [--folds 5] [--json OUT] [--thresholds OUT]

Contracts are split into folds; for each, the classifier is trained on the other folds only
(a fixed fifth of those held out to pick the epoch and the thresholds), then judged on the
fold it never saw. Three verdicts per contract and clause are compared with CUAD's labels
(the 15 target categories) and the project's own core labels (benchmarks/core_labels.json):

- rules alone: contractscan's rules, as ``contractscan.scan`` reports them;
- classifier alone: present where some passage scores at least the threshold that gives the
  best F1 on the held-out training contracts;
- combination (what ``--second-opinion on`` does): present where the rules found it, or where
  a passage scores at least the threshold chosen for the combination on the held-out training
  contracts (never, when no threshold did better there than the rules alone).

"Missing precision" is the share of "missing" verdicts (every category counted as required)
that are truly missing. The median per-label combination threshold over the folds is written
to --thresholds, for training the shipped model (``python -m contractscan.train DATA_DIR
--thresholds FILE``). Results on CUAD (CC BY 4.0, The Atticus Project) must be published with
attribution.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from cuad import CORE_FAMILIES, CORE_LABELS, TARGET_CATEGORIES, prf  # noqa: E402

NEVER = 2.0


def _rules_present(pdf: str) -> list[str]:
    global _analyzer
    if "_analyzer" not in globals():
        import contractscan
        from contractscan.loaders import LoadOptions

        _analyzer = contractscan.Analyzer(profile="core", load_options=LoadOptions(ocr="never"))
    r = _analyzer.scan(pdf)
    return r.present


def rules_verdicts(data_dir: Path, entries: list[dict], workers: int) -> dict[str, set[str]]:
    with ProcessPoolExecutor(max_workers=workers) as ex:
        got = list(ex.map(_rules_present, [str(data_dir / x["pdf"]) for x in entries], chunksize=4))
    return {x["id"]: set(p) for x, p in zip(entries, got)}


def doc_scores(model_dir: Path, contracts: list[dict], labels: list[str]) -> dict[str, dict[str, float]]:
    """Per contract, each label's highest passage probability."""
    import spacy

    nlp = spacy.load(model_dir)
    out = {}
    for c in contracts:
        best = dict.fromkeys(labels, 0.0)
        for d in nlp.pipe((p["text"] for p in c["passages"]), batch_size=256):
            for lab in labels:
                best[lab] = max(best[lab], d.cats[lab])
        out[c["id"]] = best
    return out


def best_threshold(scores: list[float], gold: list[bool], base: list[bool] | None) -> float:
    """The threshold with the best F1 of (base or score >= t); with ``base``, NEVER unless
    some threshold beats the base alone (ties go to the higher threshold)."""
    def f1(pred: list[bool]) -> float:
        tp = sum(p and g for p, g in zip(pred, gold))
        fp = sum(p and not g for p, g in zip(pred, gold))
        fn = sum(g and not p for p, g in zip(pred, gold))
        return prf(tp, fp, fn)[2]

    base = base or [False] * len(gold)
    best_t, best_f = NEVER, f1(base) if any(base) else -1.0
    for t in sorted({round(s, 3) for s in scores if s >= 0.02}, reverse=True):
        f = f1([b or s >= t for b, s in zip(base, scores)])
        if f > best_f + 1e-9:
            best_t, best_f = t, f
    return best_t


def family_of(labels: list[str]) -> dict[str, set[str]]:
    """label -> the clause ids it shows (itself, its dotted parents, what its rule implies)."""
    from contractscan.rules import load_rules

    rules = {r.id: r for r in load_rules()}
    return {lab: set(rules[lab].ancestors()) for lab in labels}


def _score(label: str, ids: list[str], gold: dict, verdicts_of, missing: list[int]) -> dict[str, float]:
    """One system's precision, recall and F1 on ``label`` over ``ids``; its "missing" verdicts
    (and how many of them are truly missing) are counted into ``missing``."""
    tp = fp = fn = 0
    for i in ids:
        g, p = label in gold[i], label in verdicts_of(i)
        tp += g and p
        fp += p and not g
        fn += g and not p
        if not p:
            missing[0] += 1
            missing[1] += not g
    pr, rc, f = prf(tp, fp, fn)
    return {"precision": pr, "recall": rc, "f1": f}


def _cells(row: dict[str, dict[str, float]], systems: tuple[str, ...]) -> str:
    return "".join(f"{row[s]['f1']:8.3f} ({row[s]['precision']:.2f}/{row[s]['recall']:.2f})" for s in systems)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--max-epochs", type=int, help="override the config's training.max_epochs")
    ap.add_argument("--json", type=Path, default=HERE / "results" / "second_opinion.json")
    ap.add_argument("--thresholds", type=Path, default=HERE / "results" / "second_opinion_thresholds.json")
    args = ap.parse_args(argv)

    from contractscan.train import SEED, build_dataset, category_ids, split_by_contract, train_model

    t_start = time.perf_counter()
    entries = json.loads((args.data_dir / "labels.json").read_text(encoding="utf-8"))
    mapping = category_ids()  # CUAD category -> clause id
    labels = sorted(mapping.values())
    shows = family_of(labels)
    data = {c["id"]: c for c in build_dataset(args.data_dir, workers=args.workers) if not c["error"]}
    gold_cuad = {x["id"]: {mapping[cat] for cat in mapping if x["labels"].get(cat)} for x in entries}
    core_gold = {k: {f for f, v in lab.items() if v} for k, lab in json.loads(CORE_LABELS.read_text()).items()}
    rules = rules_verdicts(args.data_dir, entries, args.workers)
    print(f"rules scanned {len(rules)} contracts; {time.perf_counter() - t_start:.0f} s", file=sys.stderr)

    ids = sorted(data)
    random.Random(SEED).shuffle(ids)
    folds = [set(ids[k::args.folds]) for k in range(args.folds)]
    alone_pred: dict[str, set[str]] = {}  # contract -> labels the classifier alone calls present
    combo_pred: dict[str, set[str]] = {}  # contract -> labels the combination adds
    fold_thresholds: list[dict[str, dict[str, float]]] = []
    overrides = {"training.max_epochs": args.max_epochs} if args.max_epochs else {}
    for k, test in enumerate(folds):
        train_ids = [i for i in ids if i not in test]
        inner, held = split_by_contract(train_ids, 0.2, seed=SEED + k)
        with tempfile.TemporaryDirectory(prefix="so-fold-") as tmp:
            model = train_model([data[i] for i in sorted(inner)], [data[i] for i in sorted(held)], labels,
                                Path(tmp) / "model", overrides=overrides)
            scores = doc_scores(model, [data[i] for i in sorted(held | test)], labels)
        th_alone, th_combo = {}, {}
        held_ids = sorted(held)
        for lab in labels:
            s = [scores[i][lab] for i in held_ids]
            g = [lab in gold_cuad[i] for i in held_ids]
            th_alone[lab] = best_threshold(s, g, None)
            th_combo[lab] = best_threshold(s, g, [lab in rules[i] for i in held_ids])
        fold_thresholds.append({"alone": th_alone, "combination": th_combo})
        for i in test:
            alone_pred[i] = {lab for lab in labels if scores[i][lab] >= th_alone[lab]}
            combo_pred[i] = {lab for lab in labels if scores[i][lab] >= th_combo[lab]}
        print(f"fold {k + 1}/{args.folds}: trained on {len(inner)}, thresholds on {len(held)}, tested on "
              f"{len(test)} contracts; {time.perf_counter() - t_start:.0f} s", file=sys.stderr)

    def verdicts(system: str, i: str) -> set[str]:
        """Clause ids present for contract ``i``: its labels and the families they show."""
        if system == "rules":
            return set(rules[i])
        found = alone_pred[i] if system == "classifier" else combo_pred[i]
        out = {f for lab in found for f in shows[lab]}
        return out | set(rules[i]) if system == "combination" else out

    systems = ("rules", "classifier", "combination")
    report: dict = {"contracts": len(ids), "folds": args.folds, "categories": {}, "core": {}, "missing": {}}
    print(f"\nSecond opinion, {args.folds}-fold cross-validation by contract on {len(ids)} contracts "
          f"({args.data_dir.name}); F1 (precision/recall)\n")
    print(f"{'CUAD category':<36}{'id':<28}" + "".join(f"{s:>20}" for s in systems))
    macro = {s: [] for s in systems}
    missing = {s: {"cuad": [0, 0], "core": [0, 0]} for s in systems}  # [missing verdicts, truly missing]
    for cat in TARGET_CATEGORIES:
        cid = mapping[cat]
        row = {s: _score(cid, ids, gold_cuad, lambda i, s=s: verdicts(s, i), missing[s]["cuad"]) for s in systems}
        for s in systems:
            macro[s].append(row[s]["f1"])
        report["categories"][cat] = row
        print(f"{cat:<36}{cid:<28}" + _cells(row, systems))
    m = {s: statistics.mean(v) for s, v in macro.items()}
    print(f"{'macro-F1, 15 target categories':<64}" + "".join(f"{m[s]:20.3f}" for s in systems))
    report["macro_f1_target"] = m

    core_ids = [i for i in ids if i in core_gold]
    print(f"\n{'core family (own labels, %d contracts)' % len(core_ids):<64}"
          + "".join(f"{s:>20}" for s in systems))
    for fam in CORE_FAMILIES:
        row = {s: _score(fam, core_ids, core_gold, lambda i, s=s: verdicts(s, i), missing[s]["core"])
               for s in systems}
        report["core"][fam] = row
        learnt = any(fam in shows[lab] for lab in labels)
        print(f"{fam:<36}{'' if learnt else '(no CUAD label)':<28}" + _cells(row, systems))

    print("\nprecision of 'missing' verdicts (share truly missing; every category counted as required)")
    for part in ("cuad", "core", "all"):
        vals = {}
        for s in systems:
            n, ok = ((missing[s]["cuad"][0] + missing[s]["core"][0], missing[s]["cuad"][1] + missing[s]["core"][1])
                     if part == "all" else missing[s][part])
            vals[s] = {"missing": n, "truly_missing": ok, "precision": ok / n if n else 1.0}
        report["missing"][part] = vals
        name = {"cuad": "15 CUAD categories", "core": "core families", "all": "both"}[part]
        print(f"{name:<64}" + "".join(f"{vals[s]['precision']:8.3f} ({vals[s]['truly_missing']}/{vals[s]['missing']})"
                                      .rjust(20) for s in systems))

    d_prec = report["missing"]["all"]["combination"]["precision"] - report["missing"]["all"]["rules"]["precision"]
    d_f1 = m["combination"] - m["rules"]
    recall_kept = all(report["core"][f]["combination"]["recall"] >= report["core"][f]["rules"]["recall"] - 1e-9
                      for f in CORE_FAMILIES)
    on = d_prec >= 0.05 and d_f1 >= 0.02 and recall_kept
    print(f"\ncombination - rules: missing precision {d_prec:+.3f} (need >= +0.05), macro-F1 {d_f1:+.3f} "
          f"(need >= +0.02), core recall kept: {recall_kept} -> default {'ON' if on else 'OFF'}")
    report.update(delta_missing_precision=d_prec, delta_macro_f1=d_f1, core_recall_kept=recall_kept,
                  default_on=on, fold_thresholds=fold_thresholds, seconds=time.perf_counter() - t_start,
                  # per contract, to re-cut the table (e.g. by cuad.py's tuning/validation parts)
                  verdicts={i: {s: sorted(verdicts(s, i)) for s in systems} for i in ids})

    median = {lab: statistics.median(ft["combination"][lab] for ft in fold_thresholds) for lab in labels}
    args.thresholds.parent.mkdir(parents=True, exist_ok=True)
    args.thresholds.write_text(json.dumps({"thresholds": median, "note": "median over the folds of the "
                                           "combination threshold chosen on held-out training contracts"},
                                          indent=1, sort_keys=True) + "\n")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1))
    print(f"\nthresholds written to {args.thresholds}; report to {args.json}; "
          f"{time.perf_counter() - t_start:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
