"""The rule reference (``docs/rules.md``), written from the rule files themselves.

Each rule's id, name, description, patterns and examples are the documentation, as yamllint's
rule docstrings are its docs: ``contractscan rules docs -o docs/rules.md`` regenerates it and
a test fails when it is out of date.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .rules import Rule, Weighted, load_rules

REGENERATE = "contractscan rules docs -o docs/rules.md"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _quote(text: str) -> str:
    """An example as Markdown text: escaped so it shows as written."""
    out = _one_line(text)
    for ch in "\\`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out


def _pattern_line(i: int, pat: Weighted) -> str:
    """A pattern by its name (patterns may carry one), or by its start when it has none."""
    name = getattr(pat, "name", None)
    if pat.phrase is not None:
        what = f"the phrase “{_one_line(pat.phrase)}”"
    elif pat.tokens is not None:
        what = f"a token pattern of {len(pat.tokens)} tokens"
    else:
        regex = pat.regex or ""
        shown = regex if len(regex) <= 100 else regex[:100] + "…"
        what = "``" + shown.replace("`", "'") + "``"
    label = f"**{name}**" if name else f"pattern {i + 1}"
    return f"- {label}, weight {pat.weight:g}: {what}"


def _rule_section(rule: Rule) -> list[str]:
    out = [f"### `{rule.id}` — {rule.name}", "", _one_line(rule.description), ""]
    facts = [f"file `rules/{Path(rule.source_file or '').name}`"]
    if rule.implies:
        facts.append("implies " + ", ".join(f"`{x}`" for x in rule.implies))
    if rule.cuad_category:
        facts.append(f"CUAD category *{rule.cuad_category}*")
    facts.append(f"present at a score of {rule.scoring.threshold:g} "
                 f"(heading bonus {rule.scoring.heading_bonus:g})")
    if rule.in_definitions:
        facts.append("a definition can show it")
    out += ["- " + "; ".join(facts)]
    if rule.headings:
        out.append("- headings: " + ", ".join(f"“{h}”" for h in rule.headings))
    if rule.value is not None:
        out.append(f"- value: {rule.value.normalise}")
    out.append("")
    if rule.patterns:
        out += ["Patterns:", ""] + [_pattern_line(i, p) for i, p in enumerate(rule.patterns)] + [""]
    if rule.exclude:
        out += [f"Exclusions: {len(rule.exclude)} pattern(s) that veto a sentence.", ""]
    if rule.risks:
        out += ["Risks:", ""]
        out += [f"- `{r.id}` ({r.severity}): {_one_line(r.message)}" for r in rule.risks]
        out.append("")
    out += [f"Recommendation: {_one_line(rule.recommendation)}", ""]
    if rule.examples.match:
        out += ["Found in:", ""] + [f"- {_quote(x)}" for x in rule.examples.match] + [""]
    if rule.examples.no_match:
        out += ["Not in:", ""] + [f"- {_quote(x)}" for x in rule.examples.no_match] + [""]
    return out


def rules_reference(rules: list[Rule] | None = None) -> str:
    """The Markdown rule reference for ``rules`` (default: the built-in rules)."""
    rules = sorted(load_rules() if rules is None else rules, key=lambda r: r.id)
    families: dict[str, list[Rule]] = defaultdict(list)
    for rule in rules:
        families[rule.id.split(".")[0]].append(rule)
    out = [
        "# Rule reference",
        "",
        f"<!-- Generated from rules/*.yaml by `{REGENERATE}`: edit the rule files, not this. -->",
        "",
        f"{len(rules)} built-in rules in {len(families)} families. Each rule says what a clause looks like: "
        "patterns that score a sentence (a sentence counts when its best pattern, plus the heading "
        "bonus under a matching heading, reaches the rule's score), exclusions that veto one, and "
        "examples that `contractscan rules lint` and the test suite run. A child id "
        "(`liability.cap`) makes its parents present.",
        "",
    ]
    for family, members in families.items():
        out.append(f"- **{family}**: " + ", ".join(f"[`{r.id}`](#{_anchor(r)})" for r in members))
    out.append("")
    for family, members in families.items():
        out += [f"## {family}", ""]
        for rule in members:
            out += _rule_section(rule)
    return "\n".join(out).rstrip("\n") + "\n"


def _anchor(rule: Rule) -> str:
    """GitHub's anchor for the rule's heading."""
    heading = f"{rule.id} — {rule.name}".lower()
    return "".join(ch for ch in heading.replace(" ", "-") if ch.isalnum() or ch in "-_")
