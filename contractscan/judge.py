"""Turn what was found into findings: gaps the profile cares about, and weak terms."""

from __future__ import annotations

import re

from .document import Document
from .profiles import Profile
from .results import ClauseMatch, Evidence, Finding, by_strength
from .rules import Risk, Rule


def present_ids(matches: list[ClauseMatch], rules: dict[str, Rule]) -> list[str]:
    out: set[str] = set()
    for m in matches:
        rule = rules.get(m.id)
        out.update(rule.ancestors() if rule else [m.id])
    return sorted(out)


def _evidence(m: ClauseMatch) -> Evidence:
    return Evidence(id=m.id, page=m.page, section=m.section, start=m.start, end=m.end)


def _rule_for(clause_id: str, rules: dict[str, Rule]) -> Rule | None:
    if clause_id in rules:
        return rules[clause_id]
    children = [r for r in rules.values() if r.id.startswith(clause_id + ".")]
    return children[0] if children else None


def judge(
    doc: Document, matches: list[ClauseMatch], rules: list[Rule], profile: Profile, text: str
) -> tuple[list[str], list[Finding]]:
    by_id = {r.id: r for r in rules}
    present = present_ids(matches, by_id)
    uncertain = bool(doc.unreadable_pages)
    findings: list[Finding] = []
    for clause_id, severity in profile.require.items():
        if clause_id in present:
            continue
        rule = _rule_for(clause_id, by_id)
        name = rule.name if rule else clause_id
        msg = f"No {name if name[:2].isupper() else name[:1].lower() + name[1:]} clause was found."
        if uncertain:
            msg += f" Pages {', '.join(map(str, doc.unreadable_pages))} could not be read, so it may be there."
        findings.append(
            Finding(
                rule=clause_id,
                kind="missing",
                severity=severity,
                message=msg,
                recommendation=rule.recommendation if rule else "",
                uncertain=uncertain,
            )
        )
    for rule in rules:
        mine = [m for m in matches if m.id == rule.id]
        if not mine:
            continue
        for risk in rule.risks:
            finding = _check_risk(risk, rule, mine, profile, text)
            if finding is not None:
                findings.append(finding)
    findings.sort(key=lambda f: (-f.severity.rank, f.kind, f.rule))
    return present, findings


def _check_risk(risk: Risk, rule: Rule, mine: list[ClauseMatch], profile: Profile, text: str) -> Finding | None:
    if risk.only_if:
        mine = [m for m in mine if re.search(risk.only_if, m.text, re.I)]
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
        hit = re.search(risk.regex or "", " ".join(where.split()), re.I) is None
        if hit and risk.referenced_by:
            # "Sections 7, 8 and 12 survive termination": the clause's own section is cited
            hit = not (_own_numbers(mine) & _cited_numbers(risk.referenced_by, text))
    elif risk.when == "pattern_present":
        bad = [m for m in mine if re.search(risk.regex or "", m.text, re.I)]
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
_CITATION = re.compile(
    r"\b(?:sections?|articles?|clauses?|paragraphs?|§§?)\s*"
    r"((?:\d{1,3}(?:\.\d{1,3})*(?:\s*\([a-z0-9]{1,4}\))*\s*(?:,|and|or|through|to|-|–)?\s*)+)",
    re.I,
)
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
    for m in re.finditer(regex, flat, re.I):
        lo, hi = max(0, m.start() - 500), min(len(flat), m.end() + 300)
        window = flat[lo:hi]
        start = 0
        for cut in _SENTENCE_END.finditer(window):
            if cut.end() <= m.start() - lo:
                start = cut.end()
            elif cut.start() >= m.end() - lo:
                window = window[:cut.start()]
                break
        for cite in _CITATION.finditer(window[start:]):
            out.update(re.findall(r"\d{1,3}(?:\.\d{1,3})*", cite.group(1)))
    return out
