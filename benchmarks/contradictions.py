#!/usr/bin/env python3
"""Count risk findings that contradict their own quoted evidence.

Usage: python benchmarks/contradictions.py DIR [DIR ...] [--profile P] [--workers N] [--list]

A risk finding saying "no X" (no cap amount, no cure period, no survival, no breach-notice
deadline, ...) is a bug when a clause it quotes as evidence states X: the lawyer reading the
report sees the quote and stops trusting the tool. For each such finding this script looks for
the stated element in the texts of the finding's own evidence, with patterns written here,
apart from the rules (looser than the rules on purpose: PDF hyphens such as
"within-thirty (30) days", other wordings), and counts the findings where it is there.

For a folder of the CUAD dev set (it has labels.json), individual contradictions are listed
only for contracts of the tuning part (see benchmarks/cuad.py); validation ones are counted.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent

_NUM = (r"(?:\d{1,4}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
        r"thirty|forty|forty-five|fifty|sixty|seventy|seventy-two|ninety|hundred)")
_PERIOD = rf"{_NUM}[\s-]*(?:\(\s*\d{{1,4}}\s*\)[\s-]*)?(?:business[\s-]+|calendar[\s-]+|working[\s-]+)?"
# risk id -> (the element the finding says is missing, a pattern that finds it in a quote)
ELEMENTS: dict[str, tuple[str, str]] = {
    "liability.cap.none": (
        "a cap amount or basis",
        r"\b(?:exceed|limited\s+to|capped\s+at|in excess of|(?:no|not) more than|maximum (?:amount|liability) of)\s+"
        r"(?:\w+\s+){0,2}(?:[$€£]|us\s*\$|usd|eur|\d|one|two|three|five|ten|fifty|hundred|thousand|million|fees?|"
        r"amounts?|charges?|sums?|price|total|aggregate|lesser|greater|compensation|payments?)\b",
    ),
    "termination.no_cure_period": (
        "a cure period",
        rf"\b(?:cure[sd]?|curing|remed(?:y|ied|ies)|rectif\w*|correct\w*|uncured|unremedied|continues?|persists?)\b"
        rf"[^.;]{{0,120}}?\b(?:within|for|during|of|in|after)[\s-]+(?:a period of[\s-]+|the[\s-]+|at least[\s-]+)?"
        rf"{_PERIOD}(?:days?|weeks?|months?)\b"
        rf"|\b{_PERIOD}(?:days?|weeks?|months?)['’]?s?\b[^.;]{{0,60}}\b(?:to|in which to|within which to)[\s-]+"
        rf"(?:cure|remedy|rectify|correct)\b",
    ),
    "confidentiality.no_survival": (
        "survival after the agreement ends",
        r"\bsurviv\w*|\b(?:after|following|beyond|subsequent to)\b[^.;]{0,40}\b(?:termination|expiration|expiry|"
        r"terminat\w+|expir\w+)\b|\bthereafter\b|\bperpetu\w*|\bindefinite\w*|\bfor so long as\b"
        r"|\bnot (?:relieve|release)\b[^.;]{0,80}\bconfidential",
    ),
    "data_breach_notification.no_deadline": (
        "a reporting deadline",
        rf"\b(?:within|(?:no|not) (?:later|more) than|in no (?:event|case) (?:later|more) than)[\s-]+(?:the[\s-]+)?"
        rf"{_PERIOD}(?:hours?|days?|weeks?)\b|\bimmediately\b",
    ),
    "data_return.no_destruction": (
        "destruction of the copies kept",
        r"\bdestr\w+|\bdelet\w+|\beras\w+|\bpurg\w+|\bsaniti[sz]\w+|\bwip(?:e|ed|es|ing)\b|\bdispos\w+",
    ),
    "subcontracting.without_consent": (
        "a consent or approval requirement",
        # "without consent" requires it only under a negation ("shall not subcontract without
        # consent"); "may subcontract ... without the prior consent of" is the risk itself
        r"\b(?:not|no|never|nor|neither)\b[^.;]{0,100}\bwithout\b[^.;]{0,40}\b(?:consent|approval)\b"
        r"|\bwith the (?:\w+\s+){0,3}(?:consent|approval)\b|\bsubject to (?:\w+\s+){0,3}(?:consent|approval)\b"
        # ... but not a requirement waived: "need not obtain the Client's approval"
        r"|(?<!need not )(?<!not need to )(?<!not required to )(?<!without any need to )(?<!without the need to )"
        r"\b(?:requires?|required|obtain\w*|seek\w*|receiv\w+)\b[^.;]{0,40}\b(?:consent|approval)\b"
        r"|\b(?:consent|approval)\b[^.;]{0,20}\b(?:is|be|being) (?:first )?(?:required|obtained|given)\b",
    ),
    "hipaa.baa.permitted_uses": (
        "limits on use and disclosure of PHI",
        r"\b(?:use|disclos\w*)\b[^.]{0,200}\b(?:only|solely|as permitted|as required|except as|other than as)\b"
        r"(?=[^.]{0,200}\b(?:PHI|protected health information|information|data)\b)"
        r"|\bpermitted (?:uses?|disclosures?)\b|\bminimum necessary\b",
    ),
    "hipaa.baa.safeguards": ("safeguards for PHI", r"\bsafeguards?\b|\bSecurity Rule\b|\bPart 164,? Subpart C\b"),
    "hipaa.baa.subcontractors": (
        "subcontractor flow-down",
        r"\b(?:sub-?contractors?|agents?)\b[^.]{0,300}\b(?:same|agree\w*|bound|written)\b",
    ),
    "hipaa.baa.breach_reporting": (
        "breach reporting",
        r"\b(?:report|notify|notice|inform)\w*\b[^.]{0,250}\b(?:breach|security incident|not (?:permitted|provided)"
        r"|unauthori[sz]ed)\b",
    ),
    "hipaa.baa.individual_rights": (
        "access, amendment and accounting of disclosures",
        r"(?s)^(?=.*\baccess\b)(?=.*\bamend\w*)(?=.*\baccounting\b)",
    ),
    "hipaa.baa.hhs_access": ("access for the Secretary of HHS", r"\bSecretary\b|\bHHS\b"),
    "hipaa.baa.return_or_destroy": ("return or destruction of PHI", r"\breturn\w*\b|\bdestr(?:oy|uction)\w*\b"),
}


def part_of(contract_id: str) -> str:
    """benchmarks/cuad.py's split rule, repeated so this script stands alone."""
    h = int(hashlib.sha256(contract_id.encode("utf-8")).hexdigest(), 16)
    return "validation" if h % 3 == 0 else "tuning"


_analyzer = None


def _init(profile: str) -> None:
    global _analyzer
    import contractscan

    _analyzer = contractscan.Analyzer(profile=profile)


def _check(path: str) -> dict:
    r = _analyzer.scan(path)  # type: ignore[union-attr]
    texts = {(c.id, c.start, c.end): c.text for c in r.clauses}
    risky, bad = [], []
    for f in r.findings:
        if f.kind != "risk" or f.rule not in ELEMENTS:
            continue
        risky.append(f.rule)
        element, rx = ELEMENTS[f.rule]
        for e in f.evidence:
            quote = texts.get((e.id, e.start, e.end), "")
            m = re.search(rx, " ".join(quote.split()), re.I)
            if m:
                bad.append({"rule": f.rule, "element": element, "found": m.group(0)[:80],
                            "section": e.section, "quote": quote[:300]})
                break
    return {"source": path, "risks": risky, "contradictions": bad, "error": r.error.type if r.error else None}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--profile", default="healthcare", help="profile to scan with (default healthcare)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--list", action="store_true", help="list each contradiction (quote and what was found)")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(HERE.parent))
    from contractscan.inputs import iter_files

    total = 0
    with ProcessPoolExecutor(max_workers=args.workers, initializer=_init, initargs=(args.profile,)) as ex:
        for d in args.dirs:
            cuad = (d / "labels.json").exists() or (d.parent / "labels.json").exists()
            files = [str(p) for p, problem in iter_files(d) if problem is None]
            results = list(ex.map(_check, files, chunksize=2))
            n_risk = sum(len(x["risks"]) for x in results)
            bad = [(x["source"], c) for x in results for c in x["contradictions"]]
            total += len(bad)
            by_rule: dict[str, list[int]] = {}
            for x in results:
                for rule in x["risks"]:
                    by_rule.setdefault(rule, [0, 0])[0] += 1
                for c in x["contradictions"]:
                    by_rule[c["rule"]][1] += 1
            print(f"{d}: {len(files)} files, {n_risk} 'no X' risk findings, {len(bad)} contradict their evidence")
            for rule, (n, k) in sorted(by_rule.items()):
                print(f"  {rule:<42} {n:4d} findings {k:4d} contradicted")
            if args.list:
                for source, c in bad:
                    if cuad and part_of(Path(source).stem) == "validation":
                        continue  # validation contracts stay unseen
                    print(f"  - {Path(source).name}: {c['rule']} says no {c['element']}, but "
                          f"[{c['section']}] has {c['found']!r}: {c['quote'][:200]}")
    print(f"total contradictions: {total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
