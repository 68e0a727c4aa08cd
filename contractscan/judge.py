"""Turn what was found into findings: gaps the profile cares about, and weak terms."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import cache
from .document import Document
from .profiles import Profile
from .results import ClauseMatch, Evidence, Finding, by_strength
from .rules import Risk, Rule
from .severity import Severity
from .xrefs import SectionIndex, cited_numbers

if TYPE_CHECKING:
    from .match.matcher import Reference


def present_ids(matches: list[ClauseMatch], rules: dict[str, Rule]) -> list[str]:
    out: set[str] = set()
    for m in matches:
        rule = rules.get(m.id)
        out.update(rule.ancestors() if rule else [m.id])
    return sorted(out)


def _place(m: ClauseMatch) -> str:
    return ", ".join(x for x in (f"p.{m.page}" if m.page else "", f"§ {m.section}" if m.section else "") if x)


def _evidence(m: ClauseMatch) -> Evidence:
    return Evidence(id=m.id, page=m.page, section=m.section, start=m.start, end=m.end)


def _rule_for(clause_id: str, rules: dict[str, Rule]) -> Rule | None:
    if clause_id in rules:
        return rules[clause_id]
    children = [r for r in rules.values() if r.id.startswith(clause_id + ".")]
    return children[0] if children else None


def missing_finding(clause_id: str, severity: Severity | str, rules: dict[str, Rule], note: str = "",
                    uncertain: bool = False, where: str = "") -> Finding:
    """The finding for a required clause that was not found (``where``: ' in any of the 3 documents')."""
    rule = _rule_for(clause_id, rules)
    name = rule.name if rule else clause_id
    msg = f"No {name if name[:2].isupper() else name[:1].lower() + name[1:]} clause was found{where}.{note}"
    return Finding(rule=clause_id, kind="missing", severity=Severity(severity), message=msg,
                   recommendation=rule.recommendation if rule else "", uncertain=uncertain)


def judge(
    doc: Document, matches: list[ClauseMatch], rules: list[Rule], profile: Profile, text: str,
    sections: SectionIndex | None = None, references: Sequence[Reference] = (),
) -> tuple[list[str], list[Finding]]:
    """What is present, and the findings: each required clause not found, each risk a rule sees.

    A missing clause that the contract says is in another agreement ("the Business Associate
    Agreement") stays missing, since that document was not read, but its finding names the
    agreement and quotes the sentence, so the reviewer knows which document to ask for."""
    by_id = {r.id: r for r in rules}
    present = present_ids(matches, by_id)
    uncertain = bool(doc.unreadable_pages)
    gap_note = f" Pages {', '.join(map(str, doc.unreadable_pages))} could not be read, so it may be there."
    if not uncertain and doc.page_count and 2 * len(doc.ocr_pages) > doc.page_count:
        # a scan: OCR misreads words, and a clause the rules cannot read is reported missing
        uncertain = True
        gap_note = (f" {len(doc.ocr_pages)} of the {doc.page_count} pages were read by OCR, so it may be there "
                    "but misread: check the scan.")
    findings: list[Finding] = []
    for clause_id, severity in profile.require.items():
        if clause_id in present:
            continue
        note = gap_note if uncertain else ""
        ref = next((r for r in references if clause_id in (by_id[r.sentence.id].ancestors()
                                                           if r.sentence.id in by_id else [r.sentence.id])), None)
        if ref is not None:
            name = re.sub(r"\s+dated\b.*$", "", ref.agreement)
            where = f" ({_place(ref.sentence)})" if _place(ref.sentence) else ""
            note += (f" The contract points to the {name}{where}, which may hold it: "
                     "check that document, which was not part of this scan.")
        finding = missing_finding(clause_id, severity, by_id, note, uncertain)
        if ref is not None:
            m = ref.sentence
            finding.evidence.append(Evidence(id=m.id, page=m.page, section=m.section, start=m.start, end=m.end,
                                             quote=m.text))
        findings.append(finding)
    for rule in rules:
        mine = [m for m in matches if m.id == rule.id]
        if not mine:
            continue
        for risk in rule.risks:
            finding = _check_risk(risk, rule, mine, profile, text, sections)
            if finding is not None:
                ocr_pages = sorted({e.page for e in finding.evidence if e.page in doc.ocr_pages})
                if ocr_pages:
                    finding.message += (f" (read by OCR on page{'s' if len(ocr_pages) > 1 else ''} "
                                        f"{', '.join(map(str, ocr_pages))}: check the quote against the scan)")
                findings.append(finding)
    findings.sort(key=lambda f: (-f.severity.rank, f.kind, f.rule))
    return present, findings


def _check_risk(risk: Risk, rule: Rule, mine: list[ClauseMatch], profile: Profile, text: str,
                sections: SectionIndex | None = None) -> Finding | None:
    if risk.only_if:
        mine = [m for m in mine if cache.compile_regex(risk.only_if, re.I).search(m.text)]
        if not mine:
            return None
    evidence = mine
    hit = False
    if risk.when == "no_value":
        hit = all(m.value is None for m in mine)
    elif risk.when in ("value_gt", "value_lt"):
        valued = [m for m in mine if m.days is not None]
        bad = [
            m for m in valued
            if (m.days > risk.threshold if risk.when == "value_gt" else m.days < risk.threshold)  # type: ignore[operator]
        ]
        hit, evidence = bool(bad), bad
    elif risk.when == "value_not_in_option":
        allowed = [str(a).lower() for a in (profile.options.get(risk.option or "", []) or [])]
        if allowed:
            bad = [m for m in mine if m.value and m.value.lower() not in allowed]
            hit, evidence = bool(bad), bad
    elif risk.when == "pattern_absent":
        where = text if risk.scope == "document" else " ".join(m.text for m in mine)
        hit = cache.compile_regex(risk.regex or "", re.I).search(" ".join(where.split())) is None
        if hit and risk.referenced_by:
            # "Sections 7, 8 and 12 survive termination": the clause's own section is cited, or
            # a cited section is (or holds) this clause, by its title or what was found in it
            cited = _cited_numbers(risk.referenced_by, text)
            hit = not (_own_numbers(mine) & cited
                       or (sections is not None and rule.id in sections.families_of(cited)))
    elif risk.when == "pattern_present":
        search = cache.compile_regex(risk.regex or "", re.I).search  # the rule's regexes: from the disk cache
        bad = [m for m in mine if search(m.text)]
        hit, evidence = bool(bad), bad
    if not hit:
        return None
    values = sorted({m.value for m in evidence if m.value})
    msg = risk.message.format(value=", ".join(values) or "none", threshold=risk.threshold)
    return Finding(
        rule=risk.id,
        kind="risk",
        severity=risk.severity,
        message=msg,
        recommendation=risk.recommendation,
        evidence=[_evidence(m) for m in by_strength(evidence)[:5]],
    )


_LABEL_NUMBER = re.compile(r"(?:^|> )(?:Section |Article |Clause |§\s*)?(\d{1,3}(?:\.\d{1,3})*)")
_SENTENCE_END = re.compile(r"(?<=[a-z)\]])\.\s+(?=[A-Z(])")


def _own_numbers(matches: list[ClauseMatch]) -> set[str]:
    """Section numbers the matched clauses sit under: '8. Confidentiality > 8.5' -> {'8', '8.5'}."""
    out: set[str] = set()
    for m in matches:
        for num in _LABEL_NUMBER.findall(m.section or ""):
            parts = num.split(".")
            out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return out


def _cited_numbers(regex: str, text: str) -> set[str]:
    """Section numbers cited in the sentences where ``regex`` matches."""
    flat = " ".join(text.split())
    out: set[str] = set()
    for m in cache.compile_regex(regex, re.I).finditer(flat):
        lo, hi = max(0, m.start() - 500), min(len(flat), m.end() + 300)
        window = flat[lo:hi]
        start = 0
        for cut in _SENTENCE_END.finditer(window):
            if cut.end() <= m.start() - lo:
                start = cut.end()
            elif cut.start() >= m.end() - lo:
                window = window[:cut.start()]
                break
        out |= cited_numbers(window[start:])
    return out
