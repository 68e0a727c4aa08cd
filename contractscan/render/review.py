"""What the human-facing reports (HTML, Markdown, Word) show: a scorecard per contract.

A scorecard row is one clause family the profile requires (in the profile's order),
then one row per other clause that was found. Its status comes from the findings the
judge made, so every report agrees with the JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..profiles import SEVERITY_ORDER
from ..results import ClauseMatch, Finding, ScanResult, by_strength

Status = Literal["present", "missing", "risk", "found"]


@dataclass
class FamilyRow:
    """One line of the scorecard."""

    id: str
    name: str
    required: str | None  # the profile's severity for a gap, None when not required
    status: Status
    severity: str | None  # of the gap or of the worst risk
    clauses: list[ClauseMatch] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def values(self) -> list[str]:
        """Distinct values shown to a reviewer: jurisdictions, periods, caps."""
        out: list[str] = []
        for c in self.clauses:
            if c.value:
                text = c.value if c.days is None or str(c.days) in c.value else f"{c.value} ({c.days} days)"
                if text not in out:
                    out.append(text)
        return out

    @property
    def label(self) -> str:
        if self.status == "missing":
            return f"missing ({self.severity})"
        if self.status == "risk":
            return f"risk ({self.severity})"
        return "present" if self.status == "present" else "found"


def clause_name(result: ScanResult, clause_id: str) -> str:
    rule = result.rules_by_id.get(clause_id)
    return rule.name if rule else clause_id


def belongs(result: ScanResult, clause_id: str, family: str) -> bool:
    """True when a clause of ``clause_id`` counts as ``family`` (dotted parents and ``implies``)."""
    rule = result.rules_by_id.get(clause_id)
    if rule is not None:
        return family in rule.ancestors()
    return clause_id == family or clause_id.startswith(family + ".")


def finding_family(result: ScanResult, finding: Finding, families: list[str]) -> str | None:
    if finding.kind == "missing":
        return finding.rule
    for fam in families:
        if any(belongs(result, e.id, fam) for e in finding.evidence):
            return fam
    for fam in families:
        if finding.rule == fam or finding.rule.startswith(fam + "."):
            return fam
    return None


def required_families(result: ScanResult) -> dict[str, str]:
    """The profile's families and severities; from the findings alone if no profile is attached."""
    profile = result.profile_model
    if profile is not None:
        return dict(profile.require)
    return {f.rule: f.severity for f in result.findings if f.kind == "missing"}


def scorecard(result: ScanResult) -> list[FamilyRow]:
    required = required_families(result)
    families = list(required)
    rows: list[FamilyRow] = []
    for fam, severity in required.items():
        clauses = [c for c in result.clauses if belongs(result, c.id, fam)]
        findings = [f for f in result.findings if finding_family(result, f, families) == fam]
        missing = [f for f in findings if f.kind == "missing"]
        risks = [f for f in findings if f.kind == "risk"]
        if missing or (fam not in result.present and not clauses):
            status, sev = "missing", (missing[0].severity if missing else severity)
        elif risks:
            status, sev = "risk", max((f.severity for f in risks), key=SEVERITY_ORDER.__getitem__)
        else:
            status, sev = "present", None
        rows.append(FamilyRow(fam, clause_name(result, fam), severity, status, sev, clauses, findings))
    others: dict[str, FamilyRow] = {}
    for c in result.clauses:
        if any(belongs(result, c.id, fam) for fam in families):
            continue
        row = others.setdefault(c.id, FamilyRow(c.id, clause_name(result, c.id), None, "found", None))
        row.clauses.append(c)
    for f in result.findings:
        fam = finding_family(result, f, families)
        if fam is None:
            ids = [e.id for e in f.evidence] or [f.rule]
            row = others.get(ids[0]) or others.setdefault(
                ids[0], FamilyRow(ids[0], clause_name(result, ids[0]), None, "found", None))
            row.findings.append(f)
            if f.kind == "risk":
                row.status = "risk"
                if row.severity is None or SEVERITY_ORDER[f.severity] > SEVERITY_ORDER[row.severity]:
                    row.severity = f.severity
    rows.extend(sorted(others.values(), key=lambda r: r.id))
    for row in rows:  # the strongest evidence is shown first
        row.clauses = by_strength(row.clauses)
    return rows


def display_name(result: ScanResult) -> str:
    return Path(result.source).name or result.source


def where(clause: ClauseMatch | object) -> str:
    """"p.3, § 12.1" for a clause or a piece of evidence."""
    parts = []
    page = getattr(clause, "page", None)
    section = getattr(clause, "section", None)
    if page is not None:
        parts.append(f"p.{page}")
    if section:
        parts.append(f"§ {section}")
    return ", ".join(parts)


def severity_counts(result: ScanResult) -> dict[str, int]:
    counts = {s: 0 for s in ("high", "medium", "low", "info")}
    for f in result.findings:
        counts[f.severity] += 1
    return counts
