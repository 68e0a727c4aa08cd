"""A portfolio summary: how many documents lack each required clause, and the risks found."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TextIO

from ..results import ScanResult
from ..severity import Severity
from .context import ReportContext


def _rank(s: Severity) -> int:
    return -s.rank  # most severe first


class PortfolioSummary:
    """Counts kept while results stream past, so nothing else needs to be held."""

    def __init__(self, context: ReportContext) -> None:
        self.context = context
        self.documents = 0
        self.unreadable = 0
        self.uncertain = 0
        self.present: Counter[str] = Counter()
        self.missing: Counter[str] = Counter()
        self.severity: dict[str, Severity] = {}
        self.risks: Counter[str] = Counter()
        self.risk_severity: dict[str, Severity] = {}
        # the clauses the documents were checked for (under auto, each document's kind's)
        self.checklist: dict[str, Severity] = {}

    def add(self, r: ScanResult) -> None:
        self.documents += 1
        if r.error is not None:
            self.unreadable += 1
            return
        profile = self.context.profile_for(r)
        for cid, sev in (profile.require if profile is not None else {}).items():
            if cid not in self.checklist or sev.rank > self.checklist[cid].rank:
                self.checklist[cid] = sev
        self.present.update(set(r.present))
        self.uncertain += any(f.uncertain for f in r.findings)
        for f in r.findings:
            if f.kind == "missing":
                self.missing[f.rule] += 1
                self.severity[f.rule] = min(self.severity.get(f.rule, f.severity), f.severity, key=_rank)
        for rule in {f.rule for f in r.findings if f.kind == "risk"}:
            self.risks[rule] += 1
            sev = next(f.severity for f in r.findings if f.rule == rule)
            self.risk_severity[rule] = min(self.risk_severity.get(rule, sev), sev, key=_rank)

    def required(self) -> dict[str, Severity]:
        """Required clause -> severity: from the report's profile, and every gap seen."""
        req: dict[str, Severity] = dict(self.checklist)
        req.update(self.severity)
        return req

    def write(self, out: TextIO) -> None:
        read = self.documents - self.unreadable
        out.write(f"Portfolio summary: {self.documents} document(s), {read} read, "
                  f"{self.unreadable} could not be read\n")
        if not read:
            return
        required = self.required()
        if required:
            width = max(len(c) for c in required)
            out.write(f"\n   {'required clause':<{width}}  {'lacking':>7}  {'of':>5}  severity\n")
            for cid in sorted(required, key=lambda c: (-self.missing[c], _rank(required[c]), c)):
                share = f"{100 * self.missing[cid] / read:.0f}%"
                out.write(f"   {cid:<{width}}  {self.missing[cid]:>7}  {read:>5}  {required[cid]:<6} ({share})\n")
        if self.risks:
            width = max(len(c) for c in self.risks)
            out.write(f"\n   {'risk':<{width}}  {'documents':>9}  severity\n")
            for rid in sorted(self.risks, key=lambda c: (_rank(self.risk_severity[c]), -self.risks[c], c)):
                out.write(f"   {rid:<{width}}  {self.risks[rid]:>9}  {self.risk_severity[rid]}\n")
        if self.uncertain:
            out.write(f"\n   {self.uncertain} document(s) have unreadable pages: some gaps may not be real.\n")


def render_summary(results: Iterable[ScanResult], out: TextIO, context: ReportContext) -> None:
    summary = PortfolioSummary(context)
    for r in results:
        summary.add(r)
    summary.write(out)
