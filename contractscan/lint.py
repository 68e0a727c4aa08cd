"""``contractscan rules lint``: what ``rules check`` checks, and what keeps rule files honest.

Errors (exit 1): a file that does not load; an example the rule gets wrong (read in the same
context as the test suite: with the built-in rules, so a child rule that makes its parent
present takes part); a rule without examples of both kinds; a positive pattern that none of
the rule's ``match`` examples exercises (nothing shows it works); the same alternative twice
in one alternation, or as a whole branch of two patterns of a rule.

Warnings (exit 1 only with ``--strict``): an alternation of three or more words pasted into
several patterns of a rule, which belongs under the file's ``vocab:``; a vocab entry no regex
uses.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import RuleError
from .rules import REGEX_FIELDS, SAFE_LOADER, VOCAB_REF, Rule, load_rule_file, load_rules

# What makes a repeated alternation worth a vocab entry: this many alternatives, this long.
VOCAB_WORTHY = 3
VOCAB_WORTHY_LENGTH = 40


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    level: str  # "error" or "warning"
    rule: str | None
    where: str
    message: str

    def __str__(self) -> str:
        rule = f"rule {self.rule}: " if self.rule else ""
        where = f"{self.where}: " if self.where else ""
        return f"{self.path}:{self.line}: {self.level}: {rule}{where}{self.message}"


# --- where things are in the YAML ---------------------------------------------------------

class _Source:
    """A rule file's YAML node tree, to give each problem a line and the regexes as written."""

    def __init__(self, path: Path) -> None:
        try:
            self.root = yaml.compose(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        except (OSError, yaml.YAMLError):
            self.root = None

    @staticmethod
    def _child(node: Any, key: str | int) -> Any:
        if isinstance(node, yaml.MappingNode) and isinstance(key, str):
            return next((v for k, v in node.value if getattr(k, "value", None) == key), None)
        if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            return node.value[key]
        return None

    def rule_node(self, index: int) -> Any:
        root = self.root
        if isinstance(root, yaml.MappingNode) and self._child(root, "rules") is not None:
            return self._child(self._child(root, "rules"), index)
        if isinstance(root, yaml.SequenceNode):
            return self._child(root, index)
        return root if index == 0 else None

    def node(self, index: int, *path: str | int) -> Any:
        node = self.rule_node(index)
        for key in path:
            node = self._child(node, key)
        return node

    def line(self, index: int, *path: str | int) -> int:
        for depth in range(len(path), -1, -1):
            node = self.node(index, *path[:depth])
            if node is not None:
                return node.start_mark.line + 1
        return 1

    def text(self, index: int, *path: str | int) -> str | None:
        node = self.node(index, *path)
        return node.value if isinstance(node, yaml.ScalarNode) else None

    def vocab(self) -> dict[str, int]:
        """Vocab entry names and their lines."""
        node = self._child(self.root, "vocab") if isinstance(self.root, yaml.MappingNode) else None
        if not isinstance(node, yaml.MappingNode):
            return {}
        return {k.value: k.start_mark.line + 1 for k, _ in node.value}

    def regexes(self) -> list[str]:
        """Every regex as written in the file (vocab references unexpanded)."""
        out: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if getattr(k, "value", None) in REGEX_FIELDS:
                        out.extend(n.value for n in ([v] if isinstance(v, yaml.ScalarNode) else
                                                     getattr(v, "value", [])) if isinstance(n, yaml.ScalarNode))
                    elif getattr(k, "value", None) != "vocab":
                        walk(v)
            elif isinstance(node, yaml.SequenceNode):
                for v in node.value:
                    walk(v)

        walk(self.root)
        return out


# --- alternations -------------------------------------------------------------------------

_GROUP_OPEN = re.compile(r"\(\?(?:P<[^>]*>|[:=!]|<=|<!|[aiLmsux-]+:)")


def alternations(pattern: str) -> list[tuple[bool, list[str]]]:
    """Each alternation in a regex, as written: (is it the whole pattern, its branches).

    A plain scan of the source: escapes and character classes are skipped, each group's body
    is split at its own ``|``.
    """
    out: list[tuple[bool, list[str]]] = []
    stack: list[tuple[int, list[int]]] = [(0, [])]  # (body start, positions of its '|')
    i, n, in_class = 0, len(pattern), False
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
            i += 1
            continue
        if c == "[":
            i += 1
            i += pattern.startswith("^", i)
            i += pattern.startswith("]", i)
            in_class = True
            continue
        if c == "(":
            m = _GROUP_OPEN.match(pattern, i)
            body = m.end() if m else i + 1
            stack.append((body, []))
            i = body
            continue
        if c == ")" and len(stack) > 1:
            body, bars = stack.pop()
            if bars:
                out.append((False, _split(pattern, body, bars, i)))
        elif c == "|":
            stack[-1][1].append(i)
        i += 1
    body, bars = stack[0]
    out.append((True, _split(pattern, body, bars, n)))
    return out


def _split(pattern: str, body: int, bars: list[int], end: int) -> list[str]:
    starts = [body] + [b + 1 for b in bars]
    return [pattern[a:b] for a, b in zip(starts, bars + [end])]


# --- the checks ---------------------------------------------------------------------------

def _exercised(rule: Rule, nlp: Any) -> list[bool]:
    """Per positive pattern: does it fire on at least one of the rule's ``match`` examples?

    Each pattern becomes a probe rule of its own (weight 1, no vetoes, no headings), read by
    the real matcher, so sentence splitting and lead-ins are as in a scan.
    """
    from .document import Document
    from .match import ClauseMatcher
    from .segment import segment

    def probe_id(i: int) -> str:  # clause ids have no digits: 0 -> a, 12 -> bc
        return "probe." + "".join(chr(ord("a") + int(d)) for d in str(i))

    probes = []
    for i, pat in enumerate(rule.patterns):
        spec = pat.model_dump(exclude_none=True, include={"phrase", "tokens", "regex"})
        probes.append(Rule.model_validate({
            "id": probe_id(i), "name": "probe", "description": "probe", "recommendation": "none",
            "patterns": [{**spec, "weight": 1.0}], "in_definitions": True}))
    if not probes:
        return []
    matcher = ClauseMatcher(probes, nlp)
    fired: set[str] = set()
    for text in rule.examples.match:
        doc = Document(text=text, source="<example>")
        fired.update(m.id for m in matcher.match(doc, segment(doc), doc.text))
    return [probe_id(i) in fired for i in range(len(probes))]


def _alternation_problems(rule: Rule, index: int, src: _Source, path: str) -> list[Problem]:
    problems = []
    branches_of: dict[str, list[int]] = defaultdict(list)  # a whole-pattern branch -> patterns
    groups_of: dict[tuple[str, ...], list[int]] = defaultdict(list)  # an alternation -> patterns
    for pi, pat in enumerate(rule.patterns):
        if pat.regex is None:
            continue
        written = src.text(index, "patterns", pi, "regex") or pat.regex
        where = f"patterns[{pi}]"
        for whole, branches in alternations(written):
            seen = set()
            for b in branches:
                if b in seen:
                    problems.append(Problem(path, src.line(index, "patterns", pi), "error", rule.id, where,
                                            f"the alternative {b[:60]!r} is written twice in one alternation"))
                seen.add(b)
            if whole:
                for b in seen:
                    branches_of[b].append(pi)
            elif (len(branches) >= VOCAB_WORTHY and len("|".join(branches)) >= VOCAB_WORTHY_LENGTH
                  and not any(VOCAB_REF.search(b) for b in branches)):
                groups_of[tuple(branches)].append(pi)
    for branch, pis in branches_of.items():
        if len(pis) > 1:
            problems.append(Problem(
                path, src.line(index, "patterns", pis[1]), "error", rule.id, f"patterns[{pis[1]}]",
                f"{branch[:60]!r} is already a whole branch of patterns[{pis[0]}]"))
    repeated = {g: sorted(set(pis)) for g, pis in groups_of.items() if len(set(pis)) > 1}
    for group, pis in repeated.items():
        body = "|".join(group)
        if any(body in "|".join(other) and set(pis) <= set(repeated[other]) for other in repeated if other != group):
            continue  # part of a longer alternation pasted into the same patterns: one warning for both
        listed = ", ".join(f"patterns[{p}]" for p in pis)
        problems.append(Problem(
            path, src.line(index, "patterns", pis[1]), "warning", rule.id, listed,
            f"the alternation (?:{body[:60]}...) is pasted into each: name it once "
            f"under vocab: and write {{vocab.NAME}}"))
    return problems


def lint_file(path: Path, context: dict[str, Rule], nlp: Any) -> list[Problem]:
    """Problems in one rule file; ``context`` holds every rule in use, by id."""
    from .examples import run_examples

    shown = str(path)
    src = _Source(path)
    try:
        rules = load_rule_file(path)
    except RuleError as exc:
        return [Problem(shown, 1, "error", None, "", exc.message)]
    problems: list[Problem] = []
    for index, rule in enumerate(rules):
        for kind in ("match", "no_match"):
            if not getattr(rule.examples, kind):
                problems.append(Problem(shown, src.line(index, "examples"), "error", rule.id, "examples",
                                        f"no '{kind}' example"))
        for message in run_examples(rule, nlp, list(context.values())):
            problems.append(Problem(shown, src.line(index, "examples"), "error", rule.id, "examples", message))
        if rule.examples.match:
            for pi, ok in enumerate(_exercised(rule, nlp)):
                if not ok:
                    problems.append(Problem(
                        shown, src.line(index, "patterns", pi), "error", rule.id, f"patterns[{pi}]",
                        "no 'match' example of the rule fires this pattern: add one that shows what it is for"))
        problems.extend(_alternation_problems(rule, index, src, shown))
    written = "\n".join(src.regexes())
    for name, line in src.vocab().items():
        if "{vocab." + name + "}" not in written:
            problems.append(Problem(shown, line, "warning", None, f"vocab.{name}", "no regex uses this entry"))
    return problems


def lint(paths: list[str | Path], nlp: Any = None, builtin: list[Rule] | None = None) -> list[Problem]:
    """Lint rule files in the context of the built-in rules (a file's rule replaces a built-in
    one with its id, as ``--rules`` does). ``nlp`` and ``builtin`` (the built-in rules) may be
    passed in when the caller has them already."""
    files = [Path(p) for p in paths]
    context = {r.id: r for r in (load_rules() if builtin is None else builtin)}
    for f in files:
        try:
            context.update((r.id, r) for r in load_rule_file(f))
        except RuleError:
            pass  # reported by lint_file
    return [p for f in files for p in lint_file(f, context, nlp)]
