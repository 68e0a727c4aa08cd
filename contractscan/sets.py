"""Contract sets: a vendor relationship is several documents (master agreement, BAA, SOWs,
amendments). Checked one by one, each shows gaps the set does not have; checked as a set, a
clause counts when any document has it, and documents that disagree are findings themselves.

A set is a sub-folder (``--sets folder``) or a list in a manifest (``--sets MANIFEST.yaml``).
The documents are scanned as usual; this module combines their results.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import RuleError
from .inputs import iter_files
from .judge import missing_finding
from .profiles import Profile
from .resources import data_dir
from .results import ClauseMatch, Evidence, Finding, ScanResult, ScanWarning, SetDocument
from .rules import SAFE_LOADER, Rule
from .severity import Severity


@dataclass
class ContractSet:
    """A named group of documents checked together."""

    name: str
    paths: list[str] = field(default_factory=list)


class Conflict(BaseModel):
    """A term that must agree across a set's documents (rules/sets/conflicts.yaml)."""

    model_config = ConfigDict(extra="forbid")

    clause: str
    compare: Literal["value", "days"]
    severity: Severity
    message: str
    recommendation: str = ""


class _ConflictFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conflicts: list[Conflict]


def conflict_file() -> Path:
    return data_dir() / "rules" / "sets" / "conflicts.yaml"


@lru_cache(maxsize=1)
def load_conflicts() -> tuple[Conflict, ...]:
    path = conflict_file()
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
        return tuple(_ConflictFile.model_validate(raw).conflicts)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise RuleError(f"{path}: {exc}") from None


# --- finding the sets -------------------------------------------------------------------

def sets_from_folders(paths: Iterable[str]) -> list[ContractSet]:
    """Each sub-folder of each folder given is one set (its files, recursively); a file given,
    or lying directly in a folder given, is a set of its own."""
    out: list[ContractSet] = []
    for given in paths:
        root = Path(given)
        if not root.is_dir():
            out.append(ContractSet(root.name, [given]))
            continue
        for entry in sorted(root.iterdir(), key=lambda p: p.name):
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                files = [str(p) for p, problem in iter_files(entry) if problem is None]
                if files:
                    out.append(ContractSet(entry.name, files))
            elif any(str(p) == str(entry) for p, _ in iter_files(root) if p.parent == root):
                out.append(ContractSet(entry.name, [str(entry)]))
    return out


def sets_from_manifest(path: str | Path) -> list[ContractSet]:
    """A YAML manifest: ``sets: [{name: Acme Labs, documents: [msa.pdf, baa.docx]}]``;
    document paths are relative to the manifest."""
    p = Path(path)
    try:
        raw = yaml.load(p.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"{p}: cannot read the set manifest: {exc}") from None
    items = raw.get("sets") if isinstance(raw, dict) else None
    if not isinstance(items, list) or not items:
        raise RuleError(f"{p}: a set manifest is 'sets:' with a list of {{name, documents}}")
    out = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("documents"), list) or not item["documents"]:
            raise RuleError(f"{p}: set {i}: give 'name' and a list of 'documents'")
        docs = [str(d if Path(d).is_absolute() else p.parent / str(d)) for d in item["documents"]]
        out.append(ContractSet(str(item.get("name") or f"set {i}"), docs))
    return out


def find_sets(mode: str, paths: Iterable[str]) -> list[ContractSet]:
    """``--sets folder`` or ``--sets MANIFEST.yaml``."""
    if mode == "folder":
        return sets_from_folders(paths)
    return sets_from_manifest(mode)


# --- combining results ------------------------------------------------------------------

def _required(results: list[ScanResult], profile: Profile) -> tuple[dict[str, Severity], list[str]]:
    if not profile.automatic:
        return dict(profile.require), [profile.name]
    kinds = [r.document_type.type for r in results if r.error is None and r.document_type is not None]
    names = list(dict.fromkeys(profile.for_type(k).name for k in kinds or ["default"]))
    return profile.required_for_kinds(kinds), names


def _values(matches: list[ClauseMatch], how: str) -> set[str]:
    if how == "days":
        return {str(m.days) for m in matches if m.days is not None}
    return {m.value.strip().lower() for m in matches if m.value}


def _describe(value: str, how: str, shown: dict[str, str]) -> str:
    if how == "days":
        n = int(value)
        return f"{n} day{'s' if n != 1 else ''}"
    return shown.get(value, value)


def conflicts(results: list[ScanResult], rules: Iterable[Conflict] | None = None) -> list[Finding]:
    """Findings for terms that two documents state differently (no value in common)."""
    out: list[Finding] = []
    for c in rules if rules is not None else load_conflicts():
        per_doc: list[tuple[ScanResult, list[ClauseMatch], set[str]]] = []
        for r in results:
            mine = [m for m in r.clauses if m.id == c.clause]
            vals = _values(mine, c.compare)
            if vals:
                per_doc.append((r, mine, vals))
        clash = any(not (a[2] & b[2]) for i, a in enumerate(per_doc) for b in per_doc[i + 1:])
        if not clash:
            continue
        shown = {m.value.strip().lower(): m.value.strip() for _, ms, _ in per_doc for m in ms if m.value}
        by_value: dict[str, list[str]] = {}
        for r, _, vals in per_doc:
            for v in sorted(vals, key=lambda v: int(v) if c.compare == "days" else v):
                by_value.setdefault(v, []).append(Path(r.source).name)
        values = "; ".join(f"{_describe(v, c.compare, shown)} in {', '.join(docs)}" for v, docs in by_value.items())
        evidence = [Evidence(id=m.id, page=m.page, section=m.section, start=m.start, end=m.end, document=r.source)
                    for r, ms, _ in per_doc for m in ms if (m.days is not None if c.compare == "days" else m.value)]
        out.append(Finding(rule=f"{c.clause}.conflict", kind="conflict", severity=c.severity,
                           message=c.message.format(values=values), recommendation=c.recommendation,
                           evidence=evidence[:10]))
    return out


def combine(contract_set: ContractSet, results: list[ScanResult], profile: Profile,
            rules: dict[str, Rule]) -> ScanResult:
    """One result for the set: clauses from every document (each says which), a clause missing
    only when no document has it, each document's risks, and conflicts between documents."""
    readable = [r for r in results if r.error is None]
    documents = [
        SetDocument(source=r.source, document_type=r.document_type.type if r.document_type else None,
                    profile=r.profile, error=r.error)
        for r in results
    ]
    required, names = _required(results, profile)
    label = f"{profile.name}: {' + '.join(names)}" if profile.automatic else profile.name
    if not readable:
        first = next((r.error for r in results if r.error is not None), None)
        return ScanResult(source=contract_set.name, format="set", profile=label, documents=documents,
                          error=first)
    clauses = [m.model_copy(update={"document": r.source}) for r in readable for m in r.clauses]
    present = sorted({cid for r in readable for cid in r.present})
    unreadable = [r.source for r in results if r.error is not None] + [
        r.source for r in readable if any(w.type == "unreadable_pages" for w in r.warnings)]
    n = len(results)
    where = f" in any of the {n} documents" if n > 1 else ""
    note = (f" {', '.join(Path(s).name for s in unreadable)} could not be read in full, so it may be there."
            if unreadable else "")
    findings = [missing_finding(cid, sev, rules, note, bool(unreadable), where)
                for cid, sev in required.items() if cid not in present]
    for r in readable:
        for f in r.findings:
            if f.kind == "missing":
                continue
            findings.append(f.model_copy(update={
                "message": f"{f.message} ({Path(r.source).name})" if n > 1 else f.message,
                "evidence": [ev.model_copy(update={"document": r.source}) for ev in f.evidence]}))
    findings += conflicts(readable)
    kinds = {"missing": 0, "conflict": 1, "risk": 2}
    findings.sort(key=lambda f: (-f.severity.rank, kinds[f.kind], f.rule))
    warnings = [ScanWarning(type=f"document_{r.error.type}", message=f"{r.source}: {r.error.message}")
                for r in results if r.error is not None]
    warnings += [w.model_copy(update={"message": f"{Path(r.source).name}: {w.message}"})
                 for r in readable for w in r.warnings]
    return ScanResult(
        source=contract_set.name, format="set", pages=sum(r.pages or 0 for r in readable) or None,
        profile=label, present=present, clauses=clauses, findings=findings, warnings=warnings,
        documents=documents,
    )
