"""Rule patterns compiled for matching, and the hits they leave in sentences."""

from __future__ import annotations

import re
import dataclasses
from dataclasses import dataclass
from typing import Literal, NamedTuple

from ..rules import Rule, Weighted

Kind = Literal["regex", "phrase", "tokens", "heading"]


@dataclass(frozen=True)
class CompiledPattern:
    """One positive or exclusion pattern of one rule, ready to match."""

    rule: int  # index into the matcher's rules
    field: Literal["patterns", "exclude"]
    index: int  # position in that list of the rule
    kind: Kind
    weight: float
    name: str | None  # the rule author's name for it, if any
    label: str  # how 0.1 listed it in ``ClauseMatch.matched`` ("regex: \\bgoverned by ...")
    regex: re.Pattern[str] | None = None
    veto: bool = dataclasses.field(init=False)  # an exclusion pattern
    ref: str = dataclasses.field(init=False)  # its name, else where it is in the rule file ("patterns.2")

    def __post_init__(self) -> None:
        object.__setattr__(self, "veto", self.field == "exclude")
        object.__setattr__(self, "ref", self.name or f"{self.field}.{self.index}")

    def hit(self, sentence: int, lead_in: bool = False) -> Hit:
        return Hit(self.rule, sentence, self.weight, self.label, self.ref, self.kind, self.veto, lead_in)


class Hit(NamedTuple):
    """Evidence for (or, a veto against) a rule in one sentence. (A tuple: documents have thousands.)"""

    rule: int
    sentence: int
    weight: float
    label: str
    ref: str  # the pattern's name or place, or "headings"
    kind: Kind
    veto: bool = False
    lead_in: bool = False  # found in the sentence read after its list item's lead-in


def compile_patterns(rules: list[Rule]) -> list[CompiledPattern]:
    """Every pattern of every rule, in rule order, positives before exclusions."""
    out = []
    for ri, rule in enumerate(rules):
        for fld, pats in (("patterns", rule.patterns), ("exclude", rule.exclude)):
            for pi, pat in enumerate(pats):
                kind = "phrase" if pat.phrase is not None else "tokens" if pat.tokens is not None else "regex"
                out.append(CompiledPattern(ri, fld, pi, kind, pat.weight, pat.name, _label(pat),  # type: ignore[arg-type]
                                           pat.compiled if kind == "regex" else None))
    return out


def _label(pat: Weighted) -> str:
    if pat.phrase is not None:
        return f"phrase: {pat.phrase}"
    if pat.regex is not None:
        return f"regex: {pat.regex[:60]}"
    assert pat.tokens is not None
    return "tokens: " + " ".join(str(list(t.values())[0]) for t in pat.tokens)[:60]
