"""Rule files: what a clause looks like, kept in YAML and validated here.

A rule file (``rules/*.yaml``) holds one rule, or a list of them under ``rules:``.
Knowledge about clauses lives in those files; this module only checks their shape
and turns load errors into messages that name the file, the rule and the field.

A file may name word lists once under ``vocab:`` (``damages: [damages, losses]``) and use
them in any regex of its rules as ``{vocab.damages}``, which becomes ``damages|losses``: the
same alternation is then written once, not pasted into every pattern that needs it.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import cache
from .errors import RuleError
from .resources import data_dir
from .severity import Severity


def __getattr__(name: str) -> Any:
    # SAFE_LOADER: libyaml's safe loader where PyYAML was built with it (``cache.yaml_loader``),
    # looked up on first use: PyYAML is imported only when a YAML file is parsed, not read
    # from the cache
    if name == "SAFE_LOADER":
        return cache.yaml_loader()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

CLAUSE_ID = re.compile(r"^[a-z][a-z_]*(?:\.[a-z][a-z_]*)*$")


class _Strict(BaseModel):
    # defer_build: rules usually come from the cache (``load_rules``), unpickled without
    # validation, so building the validators at import would be start-up time for nothing
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    def __getstate__(self) -> dict[Any, Any]:
        """Without the values cached from the fields (compiled regexes): a pickle of a rule
        stays small and loads without compiling anything."""
        state = super().__getstate__()
        fields = type(self).model_fields
        values = state["__dict__"]
        if any(k not in fields for k in values):
            state = {**state, "__dict__": {k: v for k, v in values.items() if k in fields}}
        return state


class Weighted(_Strict):
    """A pattern with the score it contributes when it matches a sentence."""

    name: str | None = Field(None, description="a short name, shown in explanations instead of the position")
    weight: float = Field(0.8, ge=0, le=1)
    # where the trigger may stand: asserted (positive), under a negation or a permission
    # (negative), or either (any); unset, the rule's own polarity applies
    polarity: Literal["any", "positive", "negative"] | None = None
    phrase: str | None = None
    tokens: list[dict[str, Any]] | None = None
    regex: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> "Weighted":
        kinds = [k for k in ("phrase", "tokens", "regex") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("give exactly one of phrase, tokens or regex")
        if self.regex is not None:
            try:
                self.compiled  # noqa: B018 - compiled once here, as the matcher uses it
            except re.error as exc:
                raise ValueError(f"invalid regex {self.regex!r}: {exc}") from None
        return self

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        """The regex as rules are matched: case-insensitive."""
        assert self.regex is not None
        return cache.compile_regex(self.regex, re.I)


class Scoring(_Strict):
    """How evidence adds up: a sentence counts once its score reaches ``threshold``."""

    threshold: float = Field(0.6, ge=0, le=1.5)
    heading_bonus: float = Field(0.3, ge=0, le=1)
    # A heading cue alone (no pattern in the body) never makes a clause present;
    # ``heading_only`` lets a rule accept a strong heading plus any body text.
    heading_only: float = Field(0.0, ge=0, le=1)


class ValueSpec(_Strict):
    """Pull a value (jurisdiction, a period in days, an amount) out of the clause.

    ``regex`` is one pattern or a list tried in order; each needs a ``(?P<value>...)``
    group. Value regexes are case-sensitive (so ``[A-Z]`` can ask for a proper name);
    write ``(?i:...)`` around the parts that are not. An ALL-CAPS sentence is recased
    before matching, so "LAWS OF THE STATE OF TEXAS" reads as "Laws of the State of Texas".
    """

    regex: str | list[str]
    normalise: Literal["text", "days", "jurisdiction", "amount"] = "text"
    aliases: dict[str, str] = Field(default_factory=dict)
    role: str | None = Field(
        None, description="what the value is, shown before it in reports: 'notice', 'cure', 'governing law'")

    @field_validator("regex")
    @classmethod
    def _has_group(cls, v: str | list[str]) -> str | list[str]:
        for one in [v] if isinstance(v, str) else v:
            try:
                rx = cache.compile_regex(one)
            except re.error as exc:
                raise ValueError(f"invalid regex {one!r}: {exc}") from None
            if "value" not in rx.groupindex:
                raise ValueError("the value regex needs a named group (?P<value>...)")
        return v

    @cached_property
    def compiled(self) -> list[re.Pattern[str]]:
        return [cache.compile_regex(r) for r in ([self.regex] if isinstance(self.regex, str) else self.regex)]


class Risk(_Strict):
    """A weakness of a present clause, judged on its extracted value or its words."""

    id: str
    severity: Severity = Severity.MEDIUM
    message: str
    recommendation: str = ""
    when: Literal["no_value", "value_gt", "value_lt", "value_not_in_option", "pattern_absent", "pattern_present"]
    threshold: float | None = None
    option: str | None = None
    regex: str | None = None
    # pattern_absent looks for ``regex`` in the whole document, or only in this rule's matched clauses
    scope: Literal["document", "clauses"] = "document"
    # judge only the matched clauses whose text matches this (e.g. a cure period only where a breach is)
    only_if: str | None = None
    # pattern_absent is also cleared by a sentence matching this that cites the clause's section
    # number ("Sections 7, 8 and 12 survive termination")
    referenced_by: str | None = None

    @field_validator("regex", "only_if", "referenced_by")
    @classmethod
    def _compiles(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"invalid regex {v!r}: {exc}") from None
        return v


class Examples(_Strict):
    match: list[str] = Field(default_factory=list)
    no_match: list[str] = Field(default_factory=list)


class Rule(_Strict):
    """A clause rule (one rules/*.yaml file): how to recognise a clause, what value to
    extract, which weaknesses to report and what to recommend when it is missing."""

    id: str
    name: str
    description: str
    implies: list[str] = Field(default_factory=list)
    headings: list[str] = Field(default_factory=list)
    patterns: list[Weighted] = Field(default_factory=list)
    exclude: list[Weighted] = Field(default_factory=list)
    exclude_headings: list[str] = Field(default_factory=list)
    in_definitions: bool = Field(False, description="whether a sentence defining a term can show this clause")
    roles: list[Literal["operative", "heading", "definition", "recital", "representation", "reference",
                        "signature"]] = Field(
        default_factory=lambda: ["operative"],
        description="the sentence roles that can show this clause (contractscan/reading.py reads them)")
    polarity: Literal["any", "positive", "negative"] = Field(
        "any", description="whether a trigger under a negation or a permission counts (see Weighted.polarity)")
    scoring: Scoring = Field(default_factory=Scoring)
    value: ValueSpec | None = None
    risks: list[Risk] = Field(default_factory=list)
    recommendation: str
    cuad_category: str | None = Field(None, description="the CUAD category measured against, if any")
    examples: Examples = Field(default_factory=Examples)
    source_file: str | None = None

    @field_validator("id")
    @classmethod
    def _clause_id(cls, v: str) -> str:
        if not CLAUSE_ID.match(v):
            raise ValueError("a clause id is lower-case words joined by dots, e.g. 'liability.cap'")
        return v

    @field_validator("implies")
    @classmethod
    def _implied_ids(cls, v: list[str]) -> list[str]:
        for x in v:
            if not CLAUSE_ID.match(x):
                raise ValueError(f"{x!r} is not a clause id")
        return v

    @cached_property
    def sentence_roles(self) -> frozenset[str]:
        """The roles this rule matches: ``roles``, plus definitions with ``in_definitions``."""
        return frozenset(self.roles) | ({"definition"} if self.in_definitions else set())

    @cached_property
    def heading_regex(self) -> re.Pattern[str] | None:
        return _words_regex(self.headings)

    @cached_property
    def exclude_heading_regex(self) -> re.Pattern[str] | None:
        return _words_regex(self.exclude_headings)

    def ancestors(self) -> list[str]:
        """Every id this rule's clause implies: dotted parents and ``implies``."""
        out: list[str] = []
        for cid in [self.id, *self.implies]:
            parts = cid.split(".")
            for i in range(len(parts), 0, -1):
                p = ".".join(parts[:i])
                if p not in out:
                    out.append(p)
        return out


def _words_regex(words: list[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    alts = "|".join(re.escape(w.lower()).replace(r"\ ", r"\s+") for w in words)
    return cache.compile_regex(rf"(?<![a-z])(?:{alts})(?![a-z])")


def _describe(exc: ValidationError, path: str, rule_id: str | None) -> str:
    lines = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "(rule)"
        lines.append(f"{path}: rule {rule_id or '?'}: field {field}: {err['msg']}")
    return "\n".join(lines)


VOCAB_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
VOCAB_REF = re.compile(r"\{vocab\.([^{}]*)\}")
# The fields holding regular expressions, where ``{vocab.NAME}`` is expanded.
REGEX_FIELDS = ("regex", "only_if", "referenced_by")


def _file_vocab(raw: dict[str, Any], path: Path) -> dict[str, str]:
    """The file's ``vocab:`` entries as regex alternations (a list joined with ``|``)."""
    vocab = raw.get("vocab", {})
    if not isinstance(vocab, dict):
        raise RuleError(f"{path}: vocab: expected a mapping of names to word lists")
    out = {}
    for name, value in vocab.items():
        if not isinstance(name, str) or not VOCAB_NAME.match(name):
            raise RuleError(f"{path}: vocab: {name!r} is not a name (lower-case letters, digits, _)")
        words = [value] if isinstance(value, str) else value
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w for w in words):
            raise RuleError(f"{path}: vocab.{name}: expected a regex or a list of them")
        if any(VOCAB_REF.search(w) for w in words):
            raise RuleError(f"{path}: vocab.{name}: an entry cannot use another entry")
        out[name] = "|".join(words)
    return out


def expand_vocab(item: Any, vocab: dict[str, str], where: str) -> Any:
    """``item`` with each ``{vocab.NAME}`` in its regex fields replaced by the entry."""
    def expand(text: str) -> str:
        def entry(m: re.Match[str]) -> str:
            if m.group(1) not in vocab:
                known = ", ".join(sorted(vocab)) or "none"
                raise RuleError(f"{where}: {m.group(0)} is not in the file's vocab (it has: {known})")
            return vocab[m.group(1)]
        return VOCAB_REF.sub(entry, text)

    if isinstance(item, list):
        return [expand_vocab(x, vocab, where) for x in item]
    if not isinstance(item, dict):
        return item
    out = {}
    for key, value in item.items():
        if key in REGEX_FIELDS and isinstance(value, str):
            out[key] = expand(value)
        elif key in REGEX_FIELDS and isinstance(value, list):
            out[key] = [expand(v) if isinstance(v, str) else v for v in value]
        elif key == "examples":
            out[key] = value  # plain text, never expanded
        else:
            out[key] = expand_vocab(value, vocab, where)
    return out


def load_rule_file(path: str | Path) -> list[Rule]:
    path = Path(path)
    import yaml

    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=cache.yaml_loader())
    except FileNotFoundError:
        raise RuleError(f"{path}: no such rule file") from None
    except yaml.YAMLError as exc:
        raise RuleError(f"{path}: not valid YAML: {exc}") from None
    vocab = {}
    if isinstance(raw, dict):
        vocab = _file_vocab(raw, path)
        raw = {k: v for k, v in raw.items() if k != "vocab"}
    if isinstance(raw, dict) and "rules" in raw:
        items = raw["rules"]
    elif isinstance(raw, list):
        items = raw
    else:
        items = [raw]
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise RuleError(f"{path}: expected a rule mapping or a list of rules")
    rules = []
    for item in items:
        item = expand_vocab(item, vocab, f"{path}: rule {item.get('id') or '?'}")
        try:
            rules.append(Rule.model_validate({**item, "source_file": str(path)}))
        except ValidationError as exc:
            raise RuleError(_describe(exc, str(path), item.get("id"))) from None
    return rules


def builtin_rule_files() -> list[Path]:
    return sorted(p for p in (data_dir() / "rules").glob("*.yaml"))


_loaded: dict[str, list[Rule]] = {}


def load_rules(extra: list[str | Path] | None = None, builtin: bool = True) -> list[Rule]:
    """Built-in rules, then user files; a user rule with a built-in id replaces it.

    The rules parsed from the same file names and bytes are kept for the process and in the
    cache on disk (``cache``): parsing and validating them is most of a process's start."""
    files = (builtin_rule_files() if builtin else []) + [Path(p) for p in (extra or [])]
    parts: list[str | bytes] = ["rules", cache.yaml_stamp(), _pydantic_version()]
    for f in files:
        try:
            parts += [str(f), f.read_bytes()]
        except OSError:
            parts = []  # let load_rule_file say what is wrong with it
            break
    k = cache.key(*parts) if parts else None
    if k is not None:
        found = _loaded.get(k)
        if found is None:
            stored = cache.load("rules", k)
            if isinstance(stored, list) and all(isinstance(r, Rule) for r in stored):
                found = _loaded[k] = stored
        if found is not None:
            return list(found)
    by_id: dict[str, Rule] = {}
    for f in files:
        for rule in load_rule_file(f):
            by_id[rule.id] = rule
    rules = list(by_id.values())
    if k is not None:
        _loaded[k] = rules
        cache.store("rules", k, rules)
        cache.save()
    return list(rules)


def _pydantic_version() -> str:
    import pydantic

    return str(pydantic.VERSION)
