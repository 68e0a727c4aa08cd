"""What the human-facing reports (HTML, Markdown, Word) show: a scorecard per contract.

A scorecard row is one clause family the profile requires (in the profile's order),
then one row per other clause that was found. Its status comes from the findings the
judge made, so every report agrees with the JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..results import ClauseMatch, Finding, ScanResult, by_strength
from ..severity import Severity
from .context import ReportContext

Status = Literal["present", "missing", "risk", "found"]


@dataclass
class FamilyRow:
    """One line of the scorecard."""

    id: str
    name: str
    required: Severity | None  # the profile's severity for a gap, None when not required
    status: Status
    severity: Severity | None  # of the gap or of the worst risk
    clauses: list[ClauseMatch] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)  # clause id -> what its value is

    @property
    def values(self) -> list[str]:
        """Distinct values shown to a reviewer, each with its role: 'notice 90 days', 'cure 30 days'."""
        out: list[str] = []
        for c in self.clauses:
            if c.value:
                text = c.value if c.days is None or str(c.days) in c.value else f"{c.value} ({c.days} days)"
                text = f"{self.roles.get(c.id, '')} {text}".strip()
                if text not in out:
                    out.append(text)
        return out

    @property
    def label(self) -> str:
        if self.status == "missing":
            # the rules found none; the learned second opinion may have seen one
            seen = any(f.kind == "possibly_present" for f in self.findings)
            return f"{'possibly present' if seen else 'missing'} ({self.severity})"
        if self.status == "risk":
            return f"risk ({self.severity})"
        return "present" if self.status == "present" else "found"


def finding_family(context: ReportContext, finding: Finding, families: list[str]) -> str | None:
    if finding.kind in ("missing", "possibly_present"):
        return finding.rule
    for fam in families:
        if any(context.belongs(e.id, fam) for e in finding.evidence):
            return fam
    for fam in families:
        if finding.rule == fam or finding.rule.startswith(fam + "."):
            return fam
    return None


def required_families(result: ScanResult, context: ReportContext) -> dict[str, Severity]:
    """The profile's families and severities; from the findings alone without a profile."""
    profile = context.profile_for(result)
    if profile is not None:
        return dict(profile.require)
    return {f.rule: f.severity for f in result.findings if f.kind == "missing"}


def scorecard(result: ScanResult, context: ReportContext) -> list[FamilyRow]:
    required = required_families(result, context)
    families = list(required)
    rows: list[FamilyRow] = []
    for fam, severity in required.items():
        clauses = [c for c in result.clauses if context.belongs(c.id, fam)]
        findings = [f for f in result.findings if finding_family(context, f, families) == fam]
        missing = [f for f in findings if f.kind in ("missing", "possibly_present")]
        risks = [f for f in findings if f.kind == "risk"]
        if missing or (fam not in result.present and not clauses):
            status, sev = "missing", (missing[0].severity if missing else severity)
        elif risks:
            status, sev = "risk", max((f.severity for f in risks), key=lambda s: s.rank)
        else:
            status, sev = "present", None
        rows.append(FamilyRow(fam, context.clause_name(fam), severity, status, sev, clauses, findings))
    others: dict[str, FamilyRow] = {}
    for c in result.clauses:
        if any(context.belongs(c.id, fam) for fam in families):
            continue
        row = others.setdefault(c.id, FamilyRow(c.id, context.clause_name(c.id), None, "found", None))
        row.clauses.append(c)
    for f in result.findings:
        fam = finding_family(context, f, families)
        if fam is None:
            ids = [e.id for e in f.evidence] or [f.rule]
            row = others.get(ids[0]) or others.setdefault(
                ids[0], FamilyRow(ids[0], context.clause_name(ids[0]), None, "found", None))
            row.findings.append(f)
            if f.kind == "risk":
                row.status = "risk"
                if row.severity is None or f.severity.rank > row.severity.rank:
                    row.severity = f.severity
    rows.extend(sorted(others.values(), key=lambda r: r.id))
    for row in rows:  # the strongest evidence is shown first
        row.clauses = by_strength(row.clauses)
        row.roles = {c.id: context.value_role(c.id) for c in row.clauses if c.value}
    return rows


def display_name(result: ScanResult) -> str:
    return Path(result.source).name or result.source


def where(clause: ClauseMatch | object) -> str:
    """"p.3, § 12.1" for a clause or a piece of evidence; in a contract set, the document first
    ("baa.docx p.3, § 12.1"), since the set's clauses come from several files."""
    parts = []
    document = getattr(clause, "document", None)
    if document:
        parts.append(Path(document).name)
    page = getattr(clause, "page", None)
    section = getattr(clause, "section", None)
    if page is not None:
        parts.append(f"p.{page}")
    if section:
        parts.append(f"§ {section}")
    if document and len(parts) > 1:
        return f"{parts[0]} " + ", ".join(parts[1:])
    return ", ".join(parts)


def kind_name(kind: str) -> str:
    """'master agreement', 'BAA', 'order form' for a document type id."""
    words = kind.replace("_", " ").strip()
    return words.upper() if len(words) <= 3 else words


def set_members(result: ScanResult) -> list[str]:
    """A contract set's documents as a reviewer reads them: 'baa.docx (BAA)'; empty for one document."""
    out = []
    for d in result.documents:
        name = Path(d.source).name or d.source
        if d.error is not None:
            out.append(f"{name} (not read: {d.error.type})")
        else:
            out.append(f"{name} ({kind_name(d.document_type)})" if d.document_type else name)
    return out


def severity_counts(result: ScanResult) -> dict[str, int]:
    """Findings per severity, most severe first, keyed by the plain word."""
    counts = {s.value: 0 for s in Severity.by_rank()}
    for f in result.findings:
        counts[f.severity.value] += 1
    return counts


def role_value(clause: ClauseMatch, context: ReportContext) -> str:
    """The clause's value labelled by its role (``value.role`` in its rule file): 'cure 30 days',
    'governing law Texas'."""
    if not clause.value:
        return ""
    return f"{context.value_role(clause.id)} {clause.value}".strip()


def finding_title(finding: Finding, context: ReportContext) -> str:
    """A finding in plain words: 'No limitation of liability', 'Confidentiality: no survival',
    'Governing law: documents disagree'."""
    if finding.kind == "missing":
        name = context.clause_name(finding.rule)
        return f"No {name if name[:2].isupper() else name[:1].lower() + name[1:]}"
    rule_id, _, suffix = finding.rule.rpartition(".")
    if finding.kind == "conflict":
        return f"{context.clause_name(rule_id or finding.rule)}: the documents disagree"
    owner = rule_id
    while owner and owner not in context.rules:
        owner = owner.rpartition(".")[0]
    name = context.clause_name(owner) if owner else context.clause_name(finding.rule)
    return f"{name}: {suffix.replace('_', ' ')}" if suffix else name


def verdict(result: ScanResult, context: ReportContext) -> str:
    """One line that says how the contract stands: '2 high: no limitation of liability, no data
    breach notification; 6 medium; 1 info'. The most severe level is spelled out."""
    if result.error is not None:
        return f"not read ({result.error.type})"
    if not result.findings:
        return "no gaps: every clause the checklist requires was found"
    parts = []
    for s in Severity.by_rank():
        mine = [f for f in result.findings if f.severity == s]
        if not mine:
            continue
        if not parts:
            kinds = {f.kind for f in mine}
            noun = "gap" if kinds == {"missing"} else "finding"
            names = [finding_title(f, context) for f in mine[:4]]
            names = [n[:1].lower() + n[1:] if n.startswith("No ") else n for n in names]
            more = f" and {len(mine) - 4} more" if len(mine) > 4 else ""
            parts.append(f"{len(mine)} {s.value} {noun}{'s' if len(mine) > 1 else ''}: {', '.join(names)}{more}")
        else:
            parts.append(f"{len(mine)} {s.value}")
    return "; ".join(parts)
